//! Encryption at rest (OAuth tokens): XChaCha20-Poly1305 with a random 192-bit nonce per
//! value, stored as `nonce || ciphertext`. The key comes from `BRAID_ENCRYPTION_KEY`.

use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, AeadCore, OsRng},
};

use crate::{config::EncryptionKey, error::AppError};

const NONCE_LEN: usize = 24;

/// Encrypts and authenticates a value.
pub fn encrypt(key: &EncryptionKey, plaintext: &str) -> Result<Vec<u8>, AppError> {
    let cipher = XChaCha20Poly1305::new(&key.0.into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ciphertext = cipher
        .encrypt(&nonce, plaintext.as_bytes())
        .map_err(|_| AppError::internal(anyhow::anyhow!("encryption failed")))?;
    Ok([nonce.as_slice(), &ciphertext].concat())
}

/// Decrypts a value [`encrypt`] produced; fails if it was altered or the key differs.
pub fn decrypt(key: &EncryptionKey, stored: &[u8]) -> Result<String, AppError> {
    if stored.len() < NONCE_LEN {
        return Err(AppError::internal(anyhow::anyhow!(
            "encrypted value is truncated"
        )));
    }
    let (nonce, ciphertext) = stored.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new(&key.0.into());
    let plaintext = cipher
        .decrypt(XNonce::from_slice(nonce), ciphertext)
        .map_err(|_| {
            AppError::internal(anyhow::anyhow!(
                "decryption failed: wrong key or altered value"
            ))
        })?;
    String::from_utf8(plaintext).map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects_tampering() {
        let key = EncryptionKey([7; 32]);
        let stored = encrypt(&key, "gho_secret").unwrap_or_default();
        assert!(!stored.windows(10).any(|w| w == b"gho_secret"));
        assert_eq!(decrypt(&key, &stored).ok().as_deref(), Some("gho_secret"));
        assert!(decrypt(&EncryptionKey([8; 32]), &stored).is_err());
        let mut altered = stored.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert!(decrypt(&key, &altered).is_err());
        assert_ne!(
            encrypt(&key, "gho_secret").unwrap_or_default(),
            stored,
            "fresh nonce each time"
        );
    }
}
