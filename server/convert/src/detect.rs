//! Content sniffing: decides an upload's canonical format from its first bytes and extension.

use crate::registry::{canonical_format, is_input_format};
use crate::DetectError;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// See [`crate::detect_format`].
pub fn detect_format(head: &[u8], extension: &str) -> Result<&'static str, DetectError> {
    let ext = extension
        .trim()
        .trim_start_matches('.')
        .to_ascii_lowercase();
    let format = match canonical_format(&ext) {
        Some(f) if is_input_format(f) => f,
        _ => return Err(DetectError::UnsupportedExtension(ext)),
    };
    let sniffed = sniff_binary(head);
    let ok = match format {
        "txt" | "md" | "csv" => is_text(head),
        "json" => is_text(head) && looks_like_json(head),
        // XLSX is a zip; infer recognises it only when the first entry is a known OOXML part.
        "xlsx" => matches!(sniffed, Some("xlsx") | Some("zip")),
        binary => sniffed == Some(binary),
    };
    if ok {
        Ok(format)
    } else {
        Err(DetectError::ContentMismatch {
            extension: ext,
            detected: sniffed.map(str::to_owned),
        })
    }
}

/// The canonical name of the binary format the magic bytes show, if any (e.g. "png", "zip").
fn sniff_binary(head: &[u8]) -> Option<&'static str> {
    let kind = infer::get(head)?;
    // Text-like matchers (html, xml, shell scripts) say nothing against a text upload.
    if kind.matcher_type() == infer::MatcherType::Text {
        return None;
    }
    let ext = kind.extension();
    canonical_format(ext).or(match ext {
        "zip" => Some("zip"),
        _ => Some("other binary"),
    })
}

/// Valid UTF-8 without NUL bytes; a multi-byte character cut off by the end of `head` is fine.
fn is_text(head: &[u8]) -> bool {
    let body = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    if body.contains(&0) {
        return false;
    }
    match std::str::from_utf8(body) {
        Ok(_) => true,
        // `error_len() == None` means "incomplete sequence at the very end", i.e. truncation.
        Err(e) => e.error_len().is_none(),
    }
}

/// JSON inputs must hold an object or an array (the only shapes the data converter reads).
fn looks_like_json(head: &[u8]) -> bool {
    let body = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{') | Some(b'[')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_truncated_at_end_is_text() {
        let s = "héllo".as_bytes();
        assert!(is_text(&s[..2]));
        assert!(!is_text(b"\xff\xfe abc"));
        assert!(!is_text(b"a\0b"));
        assert!(!is_text(b"\xC3(abc"));
    }

    #[test]
    fn json_shape() {
        assert!(looks_like_json(b"\xEF\xBB\xBF  \n[1]"));
        assert!(!looks_like_json(b"\"str\""));
    }
}
