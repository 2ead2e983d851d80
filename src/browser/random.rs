//! Random values from `crypto.getRandomValues` (`randomUUID` exists only on secure pages).

/// A random UUID v4, or None when the browser offers no crypto.
pub fn uuid_v4() -> Option<String> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// A random fraction in [0, 1) for backoff jitter (not for secrets).
pub fn jitter() -> f64 {
    js_sys::Math::random()
}
