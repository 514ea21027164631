//! Password hashing: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), stored as a PHC string
//! so the parameters travel with each hash and can be raised later. Hashing takes tens of milliseconds of
//! CPU, so it runs on the blocking pool, never on the async workers.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;

/// OWASP Password Storage Cheat Sheet: m = 19456 KiB, t = 2, p = 1.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP's argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody has: an unknown email is checked against it, so signing in with one costs
/// the same time as a wrong password for a real account.
static DECOY: LazyLock<String> =
    LazyLock::new(|| hash_now("decoy password that matches no account"));

fn hash_now(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2id hashing with a fresh salt cannot fail")
        .to_string()
}

fn verify_now(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|hash| hasher().verify_password(password.as_bytes(), &hash).is_ok())
}

/// The PHC string of `password` under a fresh salt.
pub(crate) async fn hash(password: String) -> anyhow::Result<String> {
    Ok(tokio::task::spawn_blocking(move || hash_now(&password)).await?)
}

/// Characters of a presented password that are checked. Stored passwords are at most
/// `MAX_PASSWORD_BYTES` (1 KiB), so a longer one cannot match once cut here, and nobody makes us hash a
/// megabyte.
const MAX_CHECKED_CHARS: usize = 2048;

/// Whether `password` matches `stored`; with `None` (no such account) the decoy is checked and the answer
/// is always false, in about the same time.
pub(crate) async fn verify(mut password: String, stored: Option<String>) -> anyhow::Result<bool> {
    if let Some((cut, _)) = password.char_indices().nth(MAX_CHECKED_CHARS) {
        password.truncate(cut);
    }
    Ok(tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_now(&password, &stored),
        None => {
            verify_now(&password, &DECOY);
            false
        }
    })
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_argon2id_with_owasp_parameters() {
        let a = hash_now("correct horse battery staple");
        let b = hash_now("correct horse battery staple");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(verify_now("correct horse battery staple", &a));
        assert!(!verify_now("correct horse battery stapl", &a));
        assert!(!verify_now("anything", "not a phc string"));
    }
}
