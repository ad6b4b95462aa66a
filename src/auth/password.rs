//! Passwords: the policy for new ones, and argon2id hashing off the async runtime.
//!
//! argon2id rather than the seeds' bcrypt: it is memory-hard (GPU and ASIC guessing
//! costs memory, not just time), has no 72-byte input limit, and is RFC 9106's and
//! OWASP's first choice. Parameters are OWASP's baseline: 19 MiB, 2 passes, 1 lane.

use std::sync::OnceLock;

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};

use crate::error::AppError;

/// Shortest accepted password, in characters.
pub(crate) const MIN_CHARS: usize = 10;
/// Longest accepted password, in characters.
pub(crate) const MAX_CHARS: usize = 128;

const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "administrator",
    "passw0rd123",
    "abc1234567",
    "qwerty1234",
    "football12",
];

/// A new password that meets the policy.
pub(crate) struct NewPassword(String);

impl NewPassword {
    /// Checks length (10 to 128 characters), that it is not one of the most common
    /// passwords or one repeated character, and that it does not contain the username
    /// or the email's local part. The error names the `field`.
    pub(crate) fn parse(
        field: &str,
        raw: &str,
        username: &str,
        email: &str,
    ) -> Result<Self, AppError> {
        let weak = |why: &str| Err(AppError::BadUserInput(format!("{field}: {why}")));
        let chars = raw.chars().count();
        if chars < MIN_CHARS {
            return weak(&format!("must be at least {MIN_CHARS} characters"));
        }
        if chars > MAX_CHARS {
            return weak(&format!("must be at most {MAX_CHARS} characters"));
        }
        let lower = raw.to_lowercase();
        if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| lower.starts_with(c)) {
            return weak("is too easy to guess");
        }
        let local = email.split('@').next().unwrap_or_default().to_lowercase();
        for personal in [username.to_lowercase(), local] {
            if personal.chars().count() >= 3 && lower.contains(&personal) {
                return weak("must not contain your username or email");
            }
        }
        Ok(Self(raw.to_owned()))
    }
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of a new password's argon2id hash.
pub(crate) async fn hash(password: &NewPassword) -> Result<String, AppError> {
    let password = password.0.clone();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|error| AppError::internal(anyhow::anyhow!("hashing a password: {error}")))
}

/// Whether `candidate` matches `stored`. Without a stored hash (no such account, or an
/// OAuth-only account) it still spends the same work on a dummy hash, so timing does
/// not tell whether an account exists. The comparison itself is constant-time.
pub(crate) async fn verify(candidate: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        static DUMMY: OnceLock<String> = OnceLock::new();
        let dummy = DUMMY.get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            hasher()
                .hash_password(b"no account has this password", &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        });
        let (hash, real) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (dummy.as_str(), false),
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        // Parameters come from the stored hash, so older hashes keep verifying.
        let matches = Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        matches && real
    })
    .await
    .map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::NewPassword;

    #[test]
    fn policy() {
        let check =
            |p: &str| NewPassword::parse("password", p, "mei.chen", "mei@example.com").is_ok();
        assert!(check("correct horse battery staple"));
        assert!(!check("short"));
        assert!(!check(&"x".repeat(129)));
        assert!(!check("aaaaaaaaaaaa"));
        assert!(!check("Password123"));
        assert!(!check("i-am-mei.chen-ok"));
        assert!(!check("mei-is-my-name-0"));
    }
}
