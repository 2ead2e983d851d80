//! Capped exponential backoff with jitter, shared by session inits and idempotent retries, so an
//! outage never turns into a storm of identical requests from every tab.

/// Delay before attempt number `failures` (after that many consecutive failures):
/// 0 failures → 0 ms; then `base × 2^(failures−1)`, capped at `cap`. "Equal jitter": the delay is
/// spread over `[d/2, d]` by `jitter` in `[0, 1]` (clamped; NaN counts as 0), so clients that failed
/// together do not retry together, yet never retry sooner than half the nominal delay.
pub fn capped_backoff_ms(base_ms: u64, cap_ms: u64, failures: u32, jitter: f64) -> u64 {
    if failures == 0 {
        return 0;
    }
    let doublings = (failures - 1).min(32);
    let nominal = base_ms.saturating_mul(1u64 << doublings).min(cap_ms);
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    let half = nominal / 2;
    // The product is at most `half`, so the float-to-int conversion cannot overflow.
    let spread = ((nominal - half) as f64 * jitter).round() as u64;
    (half + spread).min(cap_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps() {
        assert_eq!(capped_backoff_ms(500, 30_000, 0, 1.0), 0);
        assert_eq!(capped_backoff_ms(500, 30_000, 1, 1.0), 500);
        assert_eq!(capped_backoff_ms(500, 30_000, 2, 1.0), 1000);
        assert_eq!(capped_backoff_ms(500, 30_000, 3, 1.0), 2000);
        assert_eq!(capped_backoff_ms(500, 30_000, 7, 1.0), 30_000);
        assert_eq!(capped_backoff_ms(500, 30_000, u32::MAX, 1.0), 30_000);
    }

    #[test]
    fn jitter_spreads_between_half_and_full() {
        assert_eq!(capped_backoff_ms(500, 30_000, 2, 0.0), 500);
        assert_eq!(capped_backoff_ms(500, 30_000, 2, 0.5), 750);
        assert_eq!(capped_backoff_ms(500, 30_000, 2, 7.0), 1000);
        assert_eq!(capped_backoff_ms(500, 30_000, 2, -3.0), 500);
        assert_eq!(capped_backoff_ms(500, 30_000, 2, f64::NAN), 500);
        assert_eq!(capped_backoff_ms(u64::MAX, u64::MAX, 40, 1.0), u64::MAX);
    }
}
