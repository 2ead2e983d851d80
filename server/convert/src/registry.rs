//! The converter registry and format-name canonicalisation: the single source of truth for
//! which (source, target) pairs exist.

use crate::Converter;

/// Largest input any converter accepts: the upload limit (100 MiB).
pub const MAX_SIZE: u64 = 100 * 1024 * 1024;

// Groups are chosen so that every pair they imply (any input × any output, formats differing)
// is one `convert` really implements; `tests/pairs.rs` enforces that.
static CONVERTERS: [Converter; 3] = [
    Converter {
        id: "image",
        name: "Image converter",
        description: "Converts between common image formats, or places an image on a PDF page.",
        input_formats: &["png", "jpg", "jpeg", "gif", "webp", "bmp", "tiff", "tif"],
        output_formats: &["png", "jpg", "jpeg", "gif", "webp", "bmp", "tiff", "pdf"],
        max_size: MAX_SIZE,
        features: &[
            "Transparency flattened onto white for JPEG and PDF",
            "Lossless WebP output",
            "First frame of animated images",
        ],
    },
    Converter {
        id: "document",
        name: "Document converter",
        description: "Renders plain text and Markdown as PDF or as a standalone HTML page.",
        input_formats: &["txt", "md"],
        output_formats: &["pdf", "html"],
        max_size: MAX_SIZE,
        features: &[
            "A4 pages with automatic line wrapping",
            "Latin, Greek and Cyrillic text in embedded fonts, copyable from the PDF",
            "Markdown headings, lists, quotes, code and tables",
            "Raw HTML in Markdown is shown as text, never executed",
        ],
    },
    Converter {
        id: "data",
        name: "Data converter",
        description: "Converts tabular data between CSV, JSON and Excel (XLSX).",
        input_formats: &["csv", "json", "xlsx"],
        output_formats: &["csv", "json", "xlsx"],
        max_size: MAX_SIZE,
        features: &[
            "CSV header row becomes JSON object keys",
            "JSON arrays of objects or of arrays",
            "First worksheet of an XLSX workbook",
        ],
    },
];

/// Every converter, in display order.
pub fn registry() -> &'static [Converter] {
    &CONVERTERS
}

/// The canonical name of a format or one of its aliases (case-insensitive, a leading dot
/// ignored), or `None` when no converter knows it.
pub fn canonical_format(name: &str) -> Option<&'static str> {
    let lower = name.trim().trim_start_matches('.').to_ascii_lowercase();
    let canonical = match lower.as_str() {
        "png" => "png",
        "jpg" | "jpeg" | "jpe" => "jpg",
        "gif" => "gif",
        "webp" => "webp",
        "bmp" => "bmp",
        "tiff" | "tif" => "tiff",
        "pdf" => "pdf",
        "txt" | "text" => "txt",
        "md" | "markdown" => "md",
        "html" | "htm" => "html",
        "csv" => "csv",
        "json" => "json",
        "xlsx" => "xlsx",
        _ => return None,
    };
    Some(canonical)
}

/// True when `list` names `format` (a canonical name) directly or through an alias.
fn lists(list: &[&str], format: &str) -> bool {
    list.iter().any(|f| canonical_format(f) == Some(format))
}

/// The converter that takes `source` to `target`, if any; `None` when they are the same format.
pub fn find_converter(source: &str, target: &str) -> Option<&'static Converter> {
    let source = canonical_format(source)?;
    let target = canonical_format(target)?;
    if source == target {
        return None;
    }
    CONVERTERS
        .iter()
        .find(|c| lists(c.input_formats, source) && lists(c.output_formats, target))
}

/// True when some converter accepts `format` (canonical) as input.
pub(crate) fn is_input_format(format: &str) -> bool {
    CONVERTERS.iter().any(|c| lists(c.input_formats, format))
}

/// Every distinct canonical (source, target) pair the registry implies, sorted.
pub fn supported_pairs() -> Vec<(&'static str, &'static str)> {
    let mut pairs = Vec::new();
    for c in &CONVERTERS {
        for s in c.input_formats.iter().filter_map(|f| canonical_format(f)) {
            for t in c.output_formats.iter().filter_map(|f| canonical_format(f)) {
                if s != t {
                    pairs.push((s, t));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The `Content-Type` of a format's files.
pub fn content_type(format: &str) -> &'static str {
    match canonical_format(format) {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("bmp") => "image/bmp",
        Some("tiff") => "image/tiff",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}
