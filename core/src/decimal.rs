//! Non-negative decimal numbers read from text ("3", "1.5", " 55.4 ") with integer arithmetic.
//! `str::parse::<f64>` would do, but its tables cost the wasm bundle kilobytes that barely
//! compress, for the odd `Retry-After: 1.5` or `"progress": "55.4"`.

/// A non-negative decimal: its whole part (saturated) and whether and how its fraction
/// rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    whole: u64,
    /// The fraction's first digit, which decides rounding to the nearest whole.
    first_fraction_digit: u8,
    /// Any fraction digit is not zero (decides rounding up).
    has_fraction: bool,
}

impl Decimal {
    /// `digits[.digits]` with surrounding spaces and an optional `+`; `None` for signs,
    /// exponents, `NaN`, `inf` and anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.strip_prefix('+').unwrap_or(text);
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction)
        {
            return None;
        }
        let whole = whole.bytes().fold(0u64, |value, digit| {
            value
                .saturating_mul(10)
                .saturating_add(u64::from(digit - b'0'))
        });
        Some(Self {
            whole,
            first_fraction_digit: fraction.bytes().next().map_or(0, |digit| digit - b'0'),
            has_fraction: fraction.bytes().any(|digit| digit != b'0'),
        })
    }

    /// Rounded up ("1.2" → 2), saturating.
    pub fn ceil(self) -> u64 {
        self.whole.saturating_add(u64::from(self.has_fraction))
    }

    /// Rounded to the nearest whole, halves up ("55.5" → 56), saturating.
    pub fn round(self) -> u64 {
        self.whole
            .saturating_add(u64::from(self.first_fraction_digit >= 5))
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;

    #[test]
    fn reads_whole_and_fractional_numbers() {
        let cases = [
            ("3", Some((3, 3))),
            (" 1.5 ", Some((2, 2))),
            ("1.2", Some((2, 1))),
            ("55.4", Some((56, 55))),
            ("55.50", Some((56, 56))),
            ("+7.0", Some((7, 7))),
            ("0.01", Some((1, 0))),
            (".5", Some((1, 1))),
            ("4.", Some((4, 4))),
            ("99999999999999999999999", Some((u64::MAX, u64::MAX))),
        ];
        for (text, expected) in cases {
            let read = Decimal::parse(text).map(|d| (d.ceil(), d.round()));
            assert_eq!(read, expected, "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_plain_non_negative_decimal() {
        for text in [
            "", " ", ".", "-1", "NaN", "inf", "1e3", "1.2.3", "0x10", "1 2", "١",
        ] {
            assert_eq!(Decimal::parse(text), None, "{text:?}");
        }
    }
}
