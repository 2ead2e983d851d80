//! Random values from `crypto.getRandomValues` (`randomUUID` exists only on secure pages).

/// 16 random bytes (e.g. for `JobId::from_random_bytes`), or None when the browser offers no
/// crypto.
pub fn random_bytes16() -> Option<[u8; 16]> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}

/// A random fraction in [0, 1) for backoff jitter (not for secrets).
pub fn jitter() -> f64 {
    js_sys::Math::random()
}
