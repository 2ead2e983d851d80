//! The two timestamps the API sends, as milliseconds since the Unix epoch: RFC 3339 in bodies
//! (`expires_at`) and the HTTP `Date` header (IMF-fixdate). Integer code only: float parsing
//! costs the wasm bundle its tables.

/// `2026-12-04T18:52:13Z`, `2026-12-04T18:52:13.250+01:00`; None for anything else.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' {
        return None;
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') || bytes[16] != b':' {
        return None;
    }
    let year = number(text, 0, 4)?;
    let month = number(text, 5, 7)?;
    let day = number(text, 8, 10)?;
    let (hour, minute, second) = (
        number(text, 11, 13)?,
        number(text, 14, 16)?,
        number(text, 17, 19)?,
    );
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        // Milliseconds from the first three digits; finer digits do not matter here.
        let first = &fraction[..len.min(3)];
        millis = digits(first)? * [100, 10, 1][first.len() - 1];
        rest = &fraction[len..];
    }
    let offset_minutes = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let minutes = number(rest, 1, 3)? * 60 + number(rest, 4, 6)?;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let seconds = civil_seconds(year, month, day, hour, minute, second)?;
    Some((seconds - offset_minutes * 60) * 1000 + millis)
}

/// `Thu, 03 Dec 2026 18:52:13 GMT` (the only form HTTP/1.1 servers may send); None otherwise.
pub fn parse_http_date_ms(text: &str) -> Option<i64> {
    let mut parts = text.split(' ');
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() || day.len() != 2 || year.len() != 4 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|name| *name == month)? as i64 + 1;
    let time = time.as_bytes();
    if time.len() != 8 || time[2] != b':' || time[5] != b':' {
        return None;
    }
    let clock = |at: usize| std::str::from_utf8(&time[at..at + 2]).ok().and_then(digits);
    let seconds = civil_seconds(
        digits(year)?,
        month,
        digits(day)?,
        clock(0)?,
        clock(3)?,
        clock(6)?,
    )?;
    Some(seconds * 1000)
}

/// The decimal number at `text[from..to]`; None where that is not all ASCII digits (also when
/// the range splits a character: text from the network is never sliced blindly).
fn number(text: &str, from: usize, to: usize) -> Option<i64> {
    text.get(from..to).and_then(digits)
}

fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.bytes().try_fold(0i64, |value, byte| {
        Some(value * 10 + i64::from(byte - b'0'))
    })
}

/// Seconds since the epoch of a UTC date and time, checked for range (a leap second is read
/// as the next second's start).
fn civil_seconds(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1..=12).contains(&month)
        && day >= 1
        && day <= month_days[(month.clamp(1, 12) - 1) as usize]
        && hour < 24
        && minute < 60
        && second <= 60;
    if !valid {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rfc3339_in_the_forms_servers_send() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2026-12-03T18:52:13Z"),
            Some(1_796_323_933_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-12-03T19:52:13.25+01:00"),
            Some(1_796_323_933_250)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-12-03t18:52:13.123456z"),
            Some(1_796_323_933_123)
        );
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00-00:30"),
            Some(1_709_166_600_000)
        );
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for text in [
            "",
            "2026-12-03",
            "2026-12-03T18:52:13",
            "2026-13-03T18:52:13Z",
            "2025-02-29T00:00:00Z",
            "2026-12-03T24:00:00Z",
            "2026-12-03T18:52:13.Z",
            "2026-12-03T18:52:13+0100",
            "tomorrow at noon, UTC",
            "2026-1é-03T18:52:13Z",
            "2026-12-03T18:52:13+0é:00",
        ] {
            assert_eq!(parse_rfc3339_ms(text), None, "{text}");
        }
    }

    #[test]
    fn reads_the_http_date_header() {
        assert_eq!(
            parse_http_date_ms("Thu, 03 Dec 2026 18:52:13 GMT"),
            Some(1_796_323_933_000)
        );
        assert_eq!(parse_http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        for text in [
            "",
            "Thu, 03 Dec 2026 18:52:13 UTC",
            "Thursday, 03-Dec-26 18:52:13 GMT",
            "Thu, 3 Dec 2026 18:52:13 GMT",
            "Thu, 03 Dez 2026 18:52:13 GMT",
            "Thu, 03 Dec 2026 18:52 GMT",
        ] {
            assert_eq!(parse_http_date_ms(text), None, "{text}");
        }
    }
}
