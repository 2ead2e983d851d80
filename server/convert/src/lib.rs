//! TrustyConvert's converters: the one registry that `/convert/formats` is generated from,
//! content sniffing, and the conversions themselves (pure Rust, synchronous, bounded).
//!
//! Every pair the registry implies is implemented (the table-driven test in `tests/pairs.rs`
//! iterates the registry), inputs are bounded by `ConvertLimits`, and no input can panic.

mod detect;
mod fonts;
mod image;
mod layout;
mod markdown;
mod pdf;
mod registry;
mod tabular;
mod text;
mod xlsx;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use registry::{canonical_format, supported_pairs, MAX_SIZE};

/// One converter of the registry, as `/convert/formats` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converter {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// Lower-case extensions, aliases listed separately (e.g. both "jpg" and "jpeg").
    pub input_formats: &'static [&'static str],
    pub output_formats: &'static [&'static str],
    /// Largest input this converter accepts, in bytes.
    pub max_size: u64,
    pub features: &'static [&'static str],
}

/// Bounds every conversion runs under.
#[derive(Debug, Clone)]
pub struct ConvertLimits {
    /// Largest decoded image, in pixels (width × height).
    pub max_pixels: u64,
    /// Largest allocation a decoder may make, in bytes.
    pub max_alloc: u64,
    /// Largest total uncompressed size of a zip-based input (XLSX), in bytes.
    pub max_uncompressed: u64,
    /// Largest estimated in-memory size of the table a CSV or JSON input is read into, in
    /// bytes: small values expand many times over in memory, so the file size alone is no bound.
    pub max_table_bytes: u64,
    /// Past this instant the conversion stops with `ConvertError::TimedOut`.
    pub deadline: Instant,
    /// A folder of extra TrueType fonts (.ttf, .ttc, .otf with TrueType outlines) for text
    /// PDFs: used for characters the shipped Latin/Greek/Cyrillic fonts lack (e.g. CJK).
    pub font_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConvertError {
    /// No converter takes `source` to `target`.
    UnsupportedPair {
        source: String,
        target: String,
    },
    /// The input is not a valid file of its format (message is user-facing).
    InvalidInput(String),
    /// A limit of `ConvertLimits` was passed (message is user-facing).
    LimitExceeded(String),
    TimedOut,
    /// Reading or writing files failed.
    Io(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetectError {
    /// The extension names no format any converter accepts.
    UnsupportedExtension(String),
    /// The content is not what the extension says (message is user-facing).
    ContentMismatch {
        extension: String,
        detected: Option<String>,
    },
}

/// Every converter, in display order.
pub fn registry() -> &'static [Converter] {
    registry::registry()
}

/// The converter that takes `source` to `target` (case-insensitive, aliases such as jpg/jpeg
/// understood), if any; `None` when they are the same format.
pub fn find_converter(source: &str, target: &str) -> Option<&'static Converter> {
    registry::find_converter(source, target)
}

/// Decides the canonical format of an upload from its first bytes (at least the first 8 KiB
/// when the file is that long) and its extension: binary formats by magic bytes, text formats
/// (txt, md, csv, json) by being valid UTF-8 without NUL bytes.
/// Returns the canonical lower-case format name (e.g. "jpg" for .jpeg too).
pub fn detect_format(head: &[u8], extension: &str) -> Result<&'static str, DetectError> {
    detect::detect_format(head, extension)
}

/// Converts the file at `input` (of canonical format `source`) to `target`, writing `output`.
/// Calls `progress` with 0..=100 where progress can be known. Synchronous: run it on a
/// blocking worker.
pub fn convert(
    input: &Path,
    source: &str,
    target: &str,
    output: &Path,
    limits: &ConvertLimits,
    progress: &mut dyn FnMut(u8),
) -> Result<(), ConvertError> {
    let result = run(input, source, target, output, limits, progress);
    if result.is_err() {
        // A half-written output must never be served; failing to remove it changes nothing.
        let _ = std::fs::remove_file(output);
    }
    result
}

fn run(
    input: &Path,
    source: &str,
    target: &str,
    output: &Path,
    limits: &ConvertLimits,
    progress: &mut dyn FnMut(u8),
) -> Result<(), ConvertError> {
    let unsupported = || ConvertError::UnsupportedPair {
        source: source.to_owned(),
        target: target.to_owned(),
    };
    let converter = find_converter(source, target).ok_or_else(unsupported)?;
    let (Some(src), Some(dst)) = (canonical_format(source), canonical_format(target)) else {
        return Err(unsupported());
    };
    check_deadline(limits)?;
    let size = std::fs::metadata(input).map_err(io_error)?.len();
    if size > converter.max_size {
        return Err(ConvertError::LimitExceeded(format!(
            "The file is larger than {} MiB.",
            converter.max_size / (1024 * 1024)
        )));
    }
    progress(0);
    match converter.id {
        "image" => image::convert_image(input, src, dst, output, limits, progress)?,
        "document" => convert_document(input, src, dst, output, limits, progress)?,
        "data" => convert_data(input, src, dst, output, limits, progress)?,
        _ => return Err(unsupported()),
    }
    check_deadline(limits)?;
    progress(100);
    Ok(())
}

fn convert_document(
    input: &Path,
    source: &str,
    target: &str,
    output: &Path,
    limits: &ConvertLimits,
    progress: &mut dyn FnMut(u8),
) -> Result<(), ConvertError> {
    let text = text::read_text(input)?;
    progress(10);
    check_deadline(limits)?;
    let bytes = match (source, target) {
        ("txt", "pdf") => text::blocks_to_pdf(&text::txt_blocks(&text), limits)?,
        ("md", "pdf") => text::blocks_to_pdf(&markdown::md_blocks(&text, limits)?, limits)?,
        ("txt", "html") => text::txt_to_html(&text).into_bytes(),
        ("md", "html") => markdown::md_to_html(&text, limits)?.into_bytes(),
        _ => {
            return Err(ConvertError::UnsupportedPair {
                source: source.into(),
                target: target.into(),
            })
        }
    };
    progress(60);
    check_deadline(limits)?;
    std::fs::write(output, bytes).map_err(io_error)
}

fn convert_data(
    input: &Path,
    source: &str,
    target: &str,
    output: &Path,
    limits: &ConvertLimits,
    progress: &mut dyn FnMut(u8),
) -> Result<(), ConvertError> {
    let unsupported = || ConvertError::UnsupportedPair {
        source: source.into(),
        target: target.into(),
    };
    let table = match source {
        "csv" => tabular::read_csv(input, limits)?,
        "json" => tabular::read_json(input, limits)?,
        "xlsx" => xlsx::read_xlsx(input, limits)?,
        _ => return Err(unsupported()),
    };
    progress(10);
    check_deadline(limits)?;
    progress(60);
    match target {
        "csv" => tabular::write_csv(&table, output, limits),
        "json" => tabular::write_json(&table, output, limits),
        "xlsx" => xlsx::write_xlsx(&table, output, limits),
        _ => Err(unsupported()),
    }
}

/// The `Content-Type` of a format's files.
pub fn content_type(format: &str) -> &'static str {
    registry::content_type(format)
}

/// Fails with `TimedOut` once the deadline has passed.
pub(crate) fn check_deadline(limits: &ConvertLimits) -> Result<(), ConvertError> {
    if Instant::now() >= limits.deadline {
        Err(ConvertError::TimedOut)
    } else {
        Ok(())
    }
}

pub(crate) fn io_error(e: std::io::Error) -> ConvertError {
    ConvertError::Io(e.to_string())
}

impl ConvertLimits {
    /// Default bound on decoded image size: 64 megapixels (e.g. 8000 × 8000).
    pub const DEFAULT_MAX_PIXELS: u64 = 64_000_000;
    /// Default bound on one decoder's allocations: 512 MiB.
    pub const DEFAULT_MAX_ALLOC: u64 = 512 * 1024 * 1024;
    /// Default bound on what an XLSX unpacks to: 512 MiB.
    pub const DEFAULT_MAX_UNCOMPRESSED: u64 = 512 * 1024 * 1024;
    /// Default bound on the table read from a CSV or JSON input: 512 MiB.
    pub const DEFAULT_MAX_TABLE_BYTES: u64 = 512 * 1024 * 1024;

    /// The default bounds, with a deadline `timeout` from now.
    pub fn with_timeout(timeout: Duration) -> Self {
        ConvertLimits {
            max_pixels: Self::DEFAULT_MAX_PIXELS,
            max_alloc: Self::DEFAULT_MAX_ALLOC,
            max_uncompressed: Self::DEFAULT_MAX_UNCOMPRESSED,
            max_table_bytes: Self::DEFAULT_MAX_TABLE_BYTES,
            deadline: Instant::now() + timeout,
            font_dir: None,
        }
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::UnsupportedPair { source, target } => {
                write!(f, "Converting {source} to {target} is not supported.")
            }
            ConvertError::InvalidInput(m) | ConvertError::LimitExceeded(m) => f.write_str(m),
            ConvertError::TimedOut => f.write_str("The conversion took too long."),
            ConvertError::Io(m) => write!(f, "I/O error: {m}"),
        }
    }
}

impl std::error::Error for ConvertError {}

impl fmt::Display for DetectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DetectError::UnsupportedExtension(ext) => {
                write!(f, "Files of type .{ext} are not supported.")
            }
            DetectError::ContentMismatch {
                extension,
                detected: Some(d),
            } => {
                write!(
                    f,
                    "The file's content ({d}) does not match its .{extension} extension."
                )
            }
            DetectError::ContentMismatch {
                extension,
                detected: None,
            } => {
                write!(f, "The file's content is not a valid .{extension} file.")
            }
        }
    }
}

impl std::error::Error for DetectError {}
