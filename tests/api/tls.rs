//! PostgreSQL and Redis over TLS, for real. Each test makes its own certificate authority
//! and a server certificate for 127.0.0.1 and localhost (rcgen), starts a private
//! PostgreSQL (ssl=on, TCP over TLS only) or a TLS-only redis-server on loopback, and
//! connects through braid's own store code: `AppState::connect`, what `braid serve` runs,
//! and `braid serve` itself. A second, unrelated CA stands in for a wrong CA file.
//!
//! A missing server binary fails the test. The servers are stopped by PID and their files
//! removed when the test ends, also when it panics.

use std::{
    fs,
    os::unix::{
        fs::{MetadataExt, PermissionsExt, chown},
        process::CommandExt,
    },
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicU32, Ordering},
    time::{Duration, Instant},
};

use braid::{
    config::Config,
    state::AppState,
    stores::{self, Store},
};
use futures::StreamExt;

use crate::harness::{base_config, stack_var};

/// A password in the URLs `braid serve` gets: it must not appear in what braid prints.
const SECRET: &str = "tls-test-s3cret";

/// A directory of this test's own under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "braid-tls-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a scratch directory");
        // The postgres user must reach the cluster inside it.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod scratch");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The certificate files of one test.
struct Pki {
    /// The CA that signed the servers' certificate.
    ca: PathBuf,
    /// Another CA, which signed nothing the servers present.
    wrong_ca: PathBuf,
    /// The servers' certificate (127.0.0.1 and localhost) and its key.
    cert: PathBuf,
    key: PathBuf,
}

impl Pki {
    fn create(dir: &Scratch) -> Pki {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        fn authority(name: &str) -> (String, Issuer<'static, KeyPair>) {
            let mut params = CertificateParams::new(Vec::new()).expect("CA parameters");
            params.distinguished_name.push(DnType::CommonName, name);
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
            let key = KeyPair::generate().expect("a CA key");
            let certificate = params.self_signed(&key).expect("a self-signed CA");
            (certificate.pem(), Issuer::new(params, key))
        }
        let (ca, issuer) = authority("braid test CA");
        let (wrong_ca, _) = authority("braid unrelated CA");
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .expect("server parameters");
        params
            .distinguished_name
            .push(DnType::CommonName, "braid test server");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().expect("a server key");
        let certificate = params
            .signed_by(&key, &issuer)
            .expect("a server certificate");
        let pki = Pki {
            ca: dir.path("ca.pem"),
            wrong_ca: dir.path("wrong-ca.pem"),
            cert: dir.path("server.crt"),
            key: dir.path("server.key"),
        };
        fs::write(&pki.ca, ca).expect("writing ca.pem");
        fs::write(&pki.wrong_ca, wrong_ca).expect("writing wrong-ca.pem");
        fs::write(&pki.cert, certificate.pem()).expect("writing server.crt");
        fs::write(&pki.key, key.serialize_pem()).expect("writing server.key");
        fs::set_permissions(&pki.key, fs::Permissions::from_mode(0o600)).expect("chmod key");
        pki
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until `ready` holds; panics with `log` when `child` exits or time runs out.
fn wait_until(child: &mut Child, what: &str, log: &Path, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        let log = || fs::read_to_string(log).unwrap_or_default();
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited ({status}):\n{}", log());
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not start:\n{}",
            log()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Stops a server: `signal` to its PID, then SIGKILL if it lingers.
fn stop(child: &mut Child, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The PostgreSQL server binaries: Debian's /usr/lib/postgresql/VERSION/bin, newest
/// first (where scripts/stack finds them).
fn postgres_bindir() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").exists() && bin.join("postgres").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!("PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/*/bin: install postgresql-15 (scripts/stack up does)")
    })
}

/// When running as root (PostgreSQL refuses to), the uid and gid of the `postgres` user
/// that owns the cluster.
fn cluster_owner() -> Option<(u32, u32)> {
    let me = fs::metadata("/proc/self").expect("/proc/self").uid();
    if me != 0 {
        return None;
    }
    let passwd = fs::read_to_string("/etc/passwd").expect("/etc/passwd");
    let ids = passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.first() == Some(&"postgres"))
            .then(|| Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?)))
            .flatten()
    });
    Some(
        ids.expect("a postgres system user (the postgresql package creates it) to own the cluster"),
    )
}

/// A private PostgreSQL cluster with ssl=on whose pg_hba.conf takes TCP connections over
/// TLS only; it listens on 127.0.0.1 and 127.0.0.2 (a name its certificate lacks).
struct TlsPostgres {
    port: u16,
    child: Child,
}

impl TlsPostgres {
    fn start(dir: &Scratch, pki: &Pki) -> TlsPostgres {
        let bin = postgres_bindir();
        let owner = cluster_owner();
        let command = |program: &str| {
            let mut command = Command::new(bin.join(program));
            command.current_dir(&dir.0);
            if let Some((uid, gid)) = owner {
                command.uid(uid).gid(gid);
            }
            command
        };
        let give = |path: &Path, mode: u32| {
            fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
            if let Some((uid, gid)) = owner {
                chown(path, Some(uid), Some(gid)).expect("chown to postgres");
            }
        };
        let data = dir.path("pgdata");
        fs::create_dir(&data).expect("the data directory");
        give(&data, 0o700);
        let initdb = command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"])
            .args(["--no-locale", "--no-sync"])
            .output()
            .expect("initdb runs");
        assert!(
            initdb.status.success(),
            "initdb failed:\n{}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        // server.crt and server.key are PostgreSQL's default file names; the key must be
        // the cluster owner's alone.
        for (from, name, mode) in [
            (&pki.cert, "server.crt", 0o644),
            (&pki.key, "server.key", 0o600),
        ] {
            let to = data.join(name);
            fs::copy(from, &to).expect("copying the server certificate");
            give(&to, mode);
        }
        fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all 127.0.0.2/32 trust\n",
        )
        .expect("writing pg_hba.conf");
        let port = free_port();
        let log_path = dir.path("postgres.log");
        let log = fs::File::create(&log_path).expect("postgres.log");
        let mut child = command("postgres")
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1,127.0.0.2"])
            .args(["-c", &format!("unix_socket_directories={}", data.display())])
            .args([
                "-c",
                "ssl=on",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=20",
            ])
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("starting postgres");
        wait_until(&mut child, "the TLS PostgreSQL", &log_path, || {
            fs::read_to_string(&log_path)
                .is_ok_and(|log| log.contains("database system is ready to accept connections"))
        });
        TlsPostgres { port, child }
    }
}

impl Drop for TlsPostgres {
    fn drop(&mut self) {
        // Immediate shutdown: the postmaster stops its backends, then exits.
        stop(&mut self.child, "-QUIT");
    }
}

/// A redis-server that listens on a TLS port only (`--port 0`).
struct TlsRedis {
    port: u16,
    child: Child,
}

impl TlsRedis {
    fn start(dir: &Scratch, pki: &Pki) -> TlsRedis {
        let port = free_port();
        let log_path = dir.path("redis.log");
        let mut child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", "0"])
            .args(["--tls-port", &port.to_string()])
            .arg("--tls-cert-file")
            .arg(&pki.cert)
            .arg("--tls-key-file")
            .arg(&pki.key)
            .arg("--tls-ca-cert-file")
            .arg(&pki.ca)
            .args([
                "--tls-auth-clients",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--logfile")
            .arg(&log_path)
            .current_dir(&dir.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting redis-server (scripts/stack up installs it)");
        wait_until(&mut child, "the TLS redis-server", &log_path, || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        TlsRedis { port, child }
    }
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        stop(&mut self.child, "-TERM");
    }
}

/// The stack's configuration (for the stores a test does not replace), changed.
fn config(configure: impl FnOnce(&mut Config)) -> Config {
    let mut config = base_config();
    // Generous: the machine may be busy; a TLS failure answers at once anyway.
    config.store_timeout_ms = 5_000;
    configure(&mut config);
    config
}

/// What `AppState::connect` (the start of every command) fails with.
async fn startup_error(config: Config) -> String {
    match AppState::connect(config).await {
        Ok(_) => panic!("braid started although it should not trust the store"),
        Err(error) => format!("{error:#}"),
    }
}

/// Runs `braid serve` with the stack's stores and `env` on top; it must exit with an
/// error (within seconds). Returns what it printed.
async fn serve_must_fail(dir: &Scratch, env: &[(&str, String)]) -> String {
    let log_path = dir.path("serve.log");
    let log = fs::File::create(&log_path).expect("serve.log");
    let stack = |name: &str| stack_var(name).unwrap_or_else(|| panic!("{name} (scripts/stack up)"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_braid"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", stack("DATABASE_URL"))
        .env("MONGODB_URL", stack("MONGODB_URL"))
        .env("QDRANT_URL", stack("QDRANT_URL"))
        .env("REDIS_URL", stack("REDIS_URL"))
        .env(
            "BRAID_ENCRYPTION_KEY",
            "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcy1sb24=",
        )
        .env("BRAID_ADDR", "127.0.0.1:0")
        .env("BRAID_STORE_TIMEOUT_MS", "5000")
        .env("RUST_LOG", "info")
        .envs(env.iter().map(|(name, value)| (*name, value.as_str())))
        .current_dir(&dir.0)
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log)
        .spawn()
        .expect("braid serve starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "braid serve kept running:\n{}",
                fs::read_to_string(&log_path).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let output = fs::read_to_string(&log_path).expect("serve.log");
    assert!(!status.success(), "braid serve succeeded:\n{output}");
    output
}

#[tokio::test]
async fn postgres_verify_full_connects_and_an_untrusted_certificate_stops_startup() {
    let started = Instant::now();
    let dir = Scratch::new("postgres");
    let pki = Pki::create(&dir);
    let postgres = TlsPostgres::start(&dir, &pki);
    let port = postgres.port;
    let url =
        |host: &str, query: &str| format!("postgres://postgres@{host}:{port}/postgres?{query}");
    eprintln!("TLS PostgreSQL up after {:?}", started.elapsed());

    // The CA in the URL, libpq's way: the chain and the name 127.0.0.1 are checked.
    let ca = pki.ca.display();
    let state = AppState::connect(config(|c| {
        c.database_url = url(
            "127.0.0.1",
            &format!("sslmode=verify-full&sslrootcert={ca}"),
        );
    }))
    .await
    .expect("braid trusts the server through sslrootcert");
    let (ssl, version): (bool, String) =
        sqlx::query_as("select ssl, version from pg_stat_ssl where pid = pg_backend_pid()")
            .fetch_one(&state.pg)
            .await
            .expect("a query over TLS");
    assert!(ssl && version.starts_with("TLS"), "{ssl} {version}");
    assert!(stores::check(&state, Store::Postgres).await.up);
    state.pg.close().await;

    // The CA from BRAID_PG_CA_FILE, and a DNS name of the certificate.
    let state = AppState::connect(config(|c| {
        c.database_url = url("localhost", "sslmode=verify-full");
        c.pg_ca_file = Some(pki.ca.clone());
    }))
    .await
    .expect("braid trusts the server through BRAID_PG_CA_FILE");
    stores::postgres::ping(&state.pg)
        .await
        .expect("a query over TLS to localhost");
    state.pg.close().await;

    // A CA that did not sign the server's certificate.
    let wrong = format!(
        "PostgreSQL at 127.0.0.1:{port}: the server's TLS certificate was not trusted: it is not signed by a trusted certificate authority (UnknownIssuer); braid trusts the public web roots and the CAs in BRAID_PG_CA_FILE (or sslrootcert in DATABASE_URL)"
    );
    let error = startup_error(config(|c| {
        c.database_url = url("127.0.0.1", "sslmode=verify-full");
        c.pg_ca_file = Some(pki.wrong_ca.clone());
    }))
    .await;
    assert_eq!(error, wrong);
    // No CA file: the public roots do not vouch for a private CA either.
    let error = startup_error(config(|c| {
        c.database_url = url("127.0.0.1", "sslmode=verify-full");
    }))
    .await;
    assert_eq!(error, wrong);

    // The right CA, but a host name the certificate does not name: verify-full refuses.
    let mismatch = format!(
        "PostgreSQL at 127.0.0.2:{port}: the server's TLS certificate was not trusted: certificate not valid for name \"127.0.0.2\"; certificate is only valid for IpAddress(127.0.0.1) or DnsName(\"localhost\"); braid trusts the public web roots and the CAs in BRAID_PG_CA_FILE (or sslrootcert in DATABASE_URL)"
    );
    let error = startup_error(config(|c| {
        c.database_url = url("127.0.0.2", "sslmode=verify-full");
        c.pg_ca_file = Some(pki.ca.clone());
    }))
    .await;
    assert_eq!(error, mismatch);
    // verify-ca should check the chain only, but sqlx 0.8.6 misses rustls's newer
    // name-mismatch error (launchbadge/sqlx#3793, fixed after 0.8.6): for now it checks the
    // name too, as the README says. When this fails, sqlx has the fix: update the README.
    let error = startup_error(config(|c| {
        c.database_url = url("127.0.0.2", "sslmode=verify-ca");
        c.pg_ca_file = Some(pki.ca.clone());
    }))
    .await;
    assert_eq!(error, mismatch);

    // `braid serve` itself stops with that error, and keeps the password to itself.
    let output = serve_must_fail(
        &dir,
        &[
            (
                "DATABASE_URL",
                format!("postgres://braid:{SECRET}@127.0.0.1:{port}/postgres?sslmode=verify-full"),
            ),
            ("BRAID_PG_CA_FILE", pki.wrong_ca.display().to_string()),
        ],
    )
    .await;
    assert!(output.contains(&wrong), "{output}");
    assert!(!output.contains(SECRET), "{output}");
    eprintln!("PostgreSQL TLS test took {:?}", started.elapsed());
}

#[tokio::test]
async fn redis_over_tls_connects_and_an_untrusted_certificate_stops_startup() {
    let started = Instant::now();
    let dir = Scratch::new("redis");
    let pki = Pki::create(&dir);
    let redis = TlsRedis::start(&dir, &pki);
    let port = redis.port;
    let url = format!("rediss://127.0.0.1:{port}");

    let state = AppState::connect(config(|c| {
        c.redis_url = url.clone();
        c.redis_ca_file = Some(pki.ca.clone());
        c.redis_prefix = "braid_tls:".to_owned();
    }))
    .await
    .expect("braid trusts the server through BRAID_REDIS_CA_FILE");
    state.redis.ping().await.expect("PING over TLS");
    assert!(stores::check(&state, Store::Redis).await.up);
    // Pub/sub (the events hub's own connection) uses the same client, so TLS too.
    let mut pubsub = state
        .redis
        .pubsub()
        .await
        .expect("a pub/sub connection over TLS");
    pubsub
        .subscribe(state.redis.key("tls-check"))
        .await
        .expect("SUBSCRIBE");
    state
        .redis
        .publish("tls-check", "over TLS")
        .await
        .expect("PUBLISH");
    let message = tokio::time::timeout(Duration::from_secs(5), pubsub.on_message().next())
        .await
        .expect("the message in time")
        .expect("a message");
    assert_eq!(
        message.get_payload::<String>().expect("a text payload"),
        "over TLS"
    );

    let wrong = format!(
        "Redis at 127.0.0.1:{port}: the server's TLS certificate was not trusted: it is not signed by a trusted certificate authority (UnknownIssuer); braid trusts the CAs in BRAID_REDIS_CA_FILE (without it, the public web roots)"
    );
    let error = startup_error(config(|c| {
        c.redis_url = url.clone();
        c.redis_ca_file = Some(pki.wrong_ca.clone());
    }))
    .await;
    assert_eq!(error, wrong);
    // No CA file: the public roots do not vouch for a private CA either.
    let error = startup_error(config(|c| c.redis_url = url.clone())).await;
    assert_eq!(error, wrong);

    let output = serve_must_fail(
        &dir,
        &[
            ("REDIS_URL", format!("rediss://:{SECRET}@127.0.0.1:{port}")),
            ("BRAID_REDIS_CA_FILE", pki.wrong_ca.display().to_string()),
        ],
    )
    .await;
    assert!(output.contains(&wrong), "{output}");
    assert!(!output.contains(SECRET), "{output}");
    eprintln!("Redis TLS test took {:?}", started.elapsed());
}

#[tokio::test]
async fn tls_settings_that_would_not_check_the_certificate_are_refused() {
    let dir = Scratch::new("settings");
    let pki = Pki::create(&dir);
    let ca = pki.ca.display();

    // sqlx's sslmode=require accepts any certificate, whatever the CA file.
    let error = startup_error(config(|c| {
        c.database_url = "postgres://postgres@127.0.0.1:9/braid?sslmode=require".to_owned();
        c.pg_ca_file = Some(pki.ca.clone());
    }))
    .await;
    assert_eq!(
        error,
        "BRAID_PG_CA_FILE names a CA file, but DATABASE_URL's sslmode is require, which does not check PostgreSQL's certificate: use sslmode=verify-full (or verify-ca)"
    );
    let error = startup_error(config(|c| {
        c.database_url = format!("postgres://postgres@127.0.0.1:9/braid?sslrootcert={ca}");
    }))
    .await;
    assert_eq!(
        error,
        "sslrootcert in DATABASE_URL names a CA file, but DATABASE_URL's sslmode is prefer, which does not check PostgreSQL's certificate: use sslmode=verify-full (or verify-ca)"
    );

    // A CA file that cannot be read, or holds no certificate.
    let missing = dir.path("missing.pem");
    let error = startup_error(config(|c| {
        c.database_url = "postgres://postgres@127.0.0.1:9/braid?sslmode=verify-full".to_owned();
        c.pg_ca_file = Some(missing.clone());
    }))
    .await;
    assert_eq!(
        error,
        format!(
            "BRAID_PG_CA_FILE: cannot read {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
    let empty = dir.path("empty.pem");
    fs::write(&empty, "not a certificate\n").expect("writing empty.pem");
    let error = startup_error(config(|c| {
        c.redis_url = "rediss://127.0.0.1:9".to_owned();
        c.redis_ca_file = Some(empty.clone());
    }))
    .await;
    assert_eq!(
        error,
        format!(
            "BRAID_REDIS_CA_FILE: {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            empty.display()
        )
    );

    // A Redis CA file with a plain redis:// URL would be silently ignored.
    let error = startup_error(config(|c| {
        c.redis_url = "redis://127.0.0.1:9".to_owned();
        c.redis_ca_file = Some(pki.ca.clone());
    }))
    .await;
    assert_eq!(
        error,
        "BRAID_REDIS_CA_FILE is set, but REDIS_URL is not a rediss:// (TLS) URL"
    );
    // redis-rs's #insecure would skip the certificate check.
    let error = startup_error(config(|c| {
        c.redis_url = format!("rediss://:{SECRET}@127.0.0.1:9/#insecure");
    }))
    .await;
    assert_eq!(
        error,
        "REDIS_URL ends in #insecure, which would skip the certificate check: braid always checks it (set BRAID_REDIS_CA_FILE for a private CA)"
    );
}
