//! The wall clock, for the core's time arithmetic (which takes milliseconds as numbers).

/// Milliseconds since the Unix epoch (`Date.now()`).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
