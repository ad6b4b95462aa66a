//! What PostgreSQL and Redis share about TLS: reading a CA file, and turning a failed
//! handshake into an error that says which store refused and why.
//!
//! Both stores use rustls (with ring) and, without a CA file, trust the public web PKI
//! roots compiled into braid (webpki-roots). braid stays up when a store is down, but a
//! store whose certificate cannot be trusted is a configuration error: startup fails.

use std::path::Path;

use anyhow::{Context, bail};
use rustls::pki_types::{CertificateDer, pem::PemObject};

/// Reads a PEM file of certificate authorities, named in errors by the setting it came
/// from; it must hold at least one certificate.
pub(crate) fn read_ca_file(setting: &str, path: &Path) -> anyhow::Result<Vec<u8>> {
    let pem = std::fs::read(path)
        .with_context(|| format!("{setting}: cannot read {}", path.display()))?;
    let mut certificates = 0;
    for certificate in CertificateDer::pem_slice_iter(&pem) {
        certificate.map_err(|error| {
            anyhow::anyhow!(
                "{setting}: {} is not a valid PEM certificate file ({error})",
                path.display()
            )
        })?;
        certificates += 1;
    }
    if certificates == 0 {
        bail!(
            "{setting}: {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        );
    }
    Ok(pem)
}

/// The rustls error somewhere in `error`'s chain (also inside an `io::Error`, whose
/// `source` skips the error it wraps).
fn rustls_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(tls) = error
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return Some(tls);
        }
        next = error.source();
    }
    None
}

/// When `error` is a TLS failure, what to tell the operator: `store` at `address`, why the
/// handshake failed, and `hint` (where the trusted CAs come from). `None` for other
/// failures (the store is down or unreachable), which braid rides out.
pub(crate) fn explain(
    store: &str,
    address: &str,
    error: &(dyn std::error::Error + 'static),
    hint: &str,
) -> Option<String> {
    let tls = rustls_error(error)?;
    let why = match tls {
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => {
            "the server's TLS certificate was not trusted: it is not signed by a trusted certificate authority (UnknownIssuer)".to_owned()
        }
        rustls::Error::InvalidCertificate(reason) => {
            format!("the server's TLS certificate was not trusted: {reason}")
        }
        other => format!("the TLS handshake failed: {other}"),
    };
    Some(format!("{store} at {address}: {why}; {hint}"))
}

/// Makes ring the process's rustls crypto provider (once; later calls change nothing),
/// so TLS clients that use the process default (redis) never depend on which rustls
/// features other crates happen to enable.
pub(crate) fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
