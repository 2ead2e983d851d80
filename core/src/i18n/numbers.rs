//! Sizes and percentages as each language writes them.

use super::{fill, Catalogue};

impl Catalogue {
    /// A size as people read it, in binary units labelled the familiar way (100 MiB → "100 MB"):
    /// "512 bytes", "1.5 KB" / "1,5 Ko", "12.3 MB", "100 MB", "2 GB".
    pub fn size(&self, bytes: u64) -> String {
        let numbers = &self.numbers;
        let units = [
            numbers.kilobytes,
            numbers.megabytes,
            numbers.gigabytes,
            numbers.terabytes,
            numbers.petabytes,
        ];
        if bytes < 1024 {
            return self.count(&numbers.bytes, bytes);
        }
        // Integer arithmetic: float formatting would cost the wasm bundle its tables (and u128
        // its own division and printing code).
        let mut unit = 0;
        let mut divisor: u64 = 1024;
        while bytes / 1024 >= divisor && unit < units.len() - 1 {
            divisor *= 1024;
            unit += 1;
        }
        let (whole, rest) = (bytes / divisor, bytes % divisor);
        // One decimal below 100, none above (halves round up); "1024 KB" becomes "1 MB".
        let (mut whole, mut tenths) = if whole < 100 {
            // `rest * 10` cannot overflow: rest < divisor <= 2^50.
            let in_tenths = whole * 10 + (rest * 10 + divisor / 2) / divisor;
            (in_tenths / 10, in_tenths % 10)
        } else {
            (whole + u64::from(rest >= divisor / 2), 0)
        };
        if whole >= 1024 && unit < units.len() - 1 {
            (whole, tenths) = (1, 0);
            unit += 1;
        }
        if tenths == 0 {
            format!("{whole} {}", units[unit])
        } else {
            format!(
                "{whole}{}{tenths} {}",
                numbers.decimal_separator, units[unit]
            )
        }
    }

    /// "42%" / "42 %".
    pub fn percent(&self, percent: u8) -> String {
        fill(self.numbers.percent, &[("percent", &percent.to_string())])
    }
}
