//! Checks a chosen file before any upload (has content, a known type, within the size limit),
//! with messages that name the limit and the accepted types.

use super::formats::{
    canonical_format, format_label, labels, FormatCatalog, DEFAULT_MAX_UPLOAD_BYTES,
};
use crate::i18n::{fill, Catalogue};

/// A file the catalog accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedFile {
    pub name: String,
    /// Canonical extension (`jpg` for `photo.JPEG`).
    pub extension: String,
    pub size: u64,
    /// The limit that applied (from the catalog, else the API's default).
    pub max_size: u64,
}

/// Why a file cannot be converted; [`FileRejection::user_message`] says it in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRejection {
    Empty {
        name: String,
    },
    /// `accepted` holds canonical formats (`jpg`), named in the person's language when shown.
    NoExtension {
        name: String,
        accepted: Vec<String>,
    },
    UnsupportedType {
        name: String,
        extension: String,
        accepted: Vec<String>,
    },
    TooLarge {
        name: String,
        extension: String,
        size: u64,
        limit: u64,
    },
    FormatsUnavailable,
}

impl FileRejection {
    /// What is wrong and what to do, naming the limit and the accepted types.
    pub fn user_message(&self, t: &Catalogue) -> String {
        let r = &t.rejections;
        let types = |accepted: &[String]| t.list(&labels(accepted, t));
        match self {
            FileRejection::Empty { name } => fill(r.empty, &[("name", name)]),
            FileRejection::NoExtension { name, accepted } => fill(
                r.no_extension,
                &[("name", name), ("types", &types(accepted))],
            ),
            FileRejection::UnsupportedType {
                name,
                extension,
                accepted,
            } => fill(
                r.unsupported,
                &[
                    ("name", name),
                    ("kind", &format_label(extension, t)),
                    ("types", &types(accepted)),
                ],
            ),
            FileRejection::TooLarge {
                name,
                extension,
                size,
                limit,
            } => fill(
                r.too_large,
                &[
                    ("name", name),
                    ("size", &t.size(*size)),
                    ("kind", &format_label(extension, t)),
                    ("limit", &t.size(*limit)),
                ],
            ),
            FileRejection::FormatsUnavailable => r.formats_unavailable.to_owned(),
        }
    }
}

/// Longest file name shown in a message; longer names are shortened in the middle.
const MAX_SHOWN_NAME: usize = 60;

fn shown_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= MAX_SHOWN_NAME {
        return name.to_owned();
    }
    let head: String = chars[..MAX_SHOWN_NAME / 2].iter().collect();
    let tail: String = chars[chars.len() - MAX_SHOWN_NAME / 2 + 1..]
        .iter()
        .collect();
    format!("{head}…{tail}")
}

/// The extension after the last dot of the base name, if any (`.bashrc` and `file.` have none).
fn raw_extension(name: &str) -> Option<&str> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = base.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then_some(ext)
}

/// Validates a chosen file against the catalog. Checks in the order a person can fix them:
/// catalog present, content, type, size.
pub fn validate_file(
    name: &str,
    size: u64,
    catalog: &FormatCatalog,
) -> Result<ValidatedFile, FileRejection> {
    let name = name.trim();
    let shown = shown_name(name);
    if catalog.is_empty() {
        return Err(FileRejection::FormatsUnavailable);
    }
    if size == 0 {
        return Err(FileRejection::Empty { name: shown });
    }
    let accepted = catalog.accepted_formats();
    let Some(raw) = raw_extension(name) else {
        return Err(FileRejection::NoExtension {
            name: shown,
            accepted,
        });
    };
    let extension = canonical_format(raw)
        .filter(|ext| catalog.accepted_extensions().contains(ext))
        .ok_or_else(|| FileRejection::UnsupportedType {
            name: shown.clone(),
            extension: canonical_format(raw).unwrap_or_else(|| raw.chars().take(16).collect()),
            accepted,
        })?;
    let max_size = catalog
        .max_size_for(&extension)
        .unwrap_or(DEFAULT_MAX_UPLOAD_BYTES);
    if size > max_size {
        return Err(FileRejection::TooLarge {
            name: shown,
            extension,
            size,
            limit: max_size,
        });
    }
    Ok(ValidatedFile {
        name: name.to_owned(),
        extension,
        size,
        max_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::default_language as en;

    fn human_size(bytes: u64) -> String {
        en().size(bytes)
    }
    use serde_json::json;

    fn catalog() -> FormatCatalog {
        FormatCatalog::from_data(&json!([
            {"inputFormats": ["png", "jpg"], "outputFormats": ["pdf", "png"], "maxSize": 104857600},
            {"inputFormats": ["md"], "outputFormats": ["html"], "maxSize": 1048576},
            {"inputFormats": ["csv"], "outputFormats": ["json"]}
        ]))
        .unwrap()
    }

    #[test]
    fn accepts_known_types_within_the_limit() {
        let ok = validate_file("Holiday Photo.JPEG", 2_000_000, &catalog()).unwrap();
        assert_eq!(ok.extension, "jpg");
        assert_eq!(ok.max_size, 104_857_600);
        assert_eq!(ok.name, "Holiday Photo.JPEG");
        // No maxSize named: the API's default.
        let csv = validate_file("a.csv", 5, &catalog()).unwrap();
        assert_eq!(csv.max_size, DEFAULT_MAX_UPLOAD_BYTES);
        assert!(validate_file("exact.png", 104_857_600, &catalog()).is_ok());
    }

    #[test]
    fn rejections_name_the_limit_and_the_accepted_types() {
        let big = validate_file("big.png", 150 * 1024 * 1024, &catalog()).unwrap_err();
        assert_eq!(
            big.user_message(en()),
            "“big.png” is 150 MB and the limit for PNG files is 100 MB. Please choose a smaller file."
        );
        let md = validate_file("notes.md", 2 * 1024 * 1024, &catalog()).unwrap_err();
        assert!(md
            .user_message(en())
            .contains("limit for Markdown files is 1 MB"));
        let exe = validate_file("setup.exe", 10, &catalog()).unwrap_err();
        assert_eq!(
            exe.user_message(en()),
            "EXE files (“setup.exe”) cannot be converted. Accepted types: PNG, JPEG, Markdown, CSV."
        );
        let none = validate_file("README", 10, &catalog()).unwrap_err();
        assert!(matches!(none, FileRejection::NoExtension { .. }));
        assert!(none
            .user_message(en())
            .contains("Accepted types: PNG, JPEG"));
        let empty = validate_file("a.png", 0, &catalog()).unwrap_err();
        assert_eq!(
            empty.user_message(en()),
            "“a.png” is empty. Please choose a file that has content."
        );
    }

    #[test]
    fn odd_names() {
        let c = catalog();
        assert!(matches!(
            validate_file(".png", 10, &c),
            Err(FileRejection::NoExtension { .. })
        ));
        assert!(matches!(
            validate_file("file.", 10, &c),
            Err(FileRejection::NoExtension { .. })
        ));
        assert!(matches!(
            validate_file("", 10, &c),
            Err(FileRejection::NoExtension { .. })
        ));
        assert!(validate_file("C:\\photos\\x.png", 10, &c).is_ok());
        assert!(matches!(
            validate_file("archive.tar.gz", 10, &c),
            Err(FileRejection::UnsupportedType { .. })
        ));
        let weird = validate_file("a.<script>", 10, &c).unwrap_err();
        assert!(matches!(weird, FileRejection::UnsupportedType { .. }));
        let long = format!("{}.exe", "n".repeat(500));
        let msg = validate_file(&long, 10, &c).unwrap_err().user_message(en());
        assert!(msg.chars().count() < 200, "{msg}");
        assert_eq!(
            validate_file("a.png", 10, &FormatCatalog::default()),
            Err(FileRejection::FormatsUnavailable)
        );
    }

    /// The float formulation `human_size` had before, kept as the reference.
    fn human_size_by_floats(bytes: u64) -> String {
        const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
        if bytes < 1024 {
            return human_size(bytes);
        }
        let mut value = bytes as f64 / 1024.0;
        let mut unit = 0;
        while value >= 1024.0 && unit < UNITS.len() - 1 {
            value /= 1024.0;
            unit += 1;
        }
        let mut rounded = if value < 100.0 {
            (value * 10.0).round() / 10.0
        } else {
            value.round()
        };
        if rounded >= 1024.0 && unit < UNITS.len() - 1 {
            rounded = 1.0;
            unit += 1;
        }
        let text = format!("{rounded:.1}");
        let text = text.strip_suffix(".0").unwrap_or(&text);
        format!("{text} {}", UNITS[unit])
    }

    #[test]
    fn integer_sizes_read_as_the_float_formulation_did() {
        // Every unit boundary and its neighbours, and a spread of sizes in between.
        let mut samples: Vec<u64> = (10..60)
            .flat_map(|shift| {
                let edge = 1u64 << shift;
                [edge - 1, edge, edge + 1, edge / 10 * 9, edge / 100 * 99]
            })
            .collect();
        samples.extend((0..5000u64).map(|i| i * 7919 * 131 + 1024));
        samples.extend((0..5000u64).map(|i| (i * 2_654_435_761) % (1 << 40) + 1024));
        for bytes in samples {
            assert_eq!(human_size(bytes), human_size_by_floats(bytes), "{bytes}");
        }
    }

    #[test]
    fn human_sizes() {
        let cases: &[(u64, &str)] = &[
            (0, "0 bytes"),
            (1, "1 byte"),
            (1023, "1023 bytes"),
            (1024, "1 KB"),
            (1536, "1.5 KB"),
            (72_499, "70.8 KB"),
            (102_359, "100 KB"),
            (153_600, "150 KB"),
            (1024 * 1024 - 1, "1 MB"),
            (104_857_600, "100 MB"),
            (12_900_000, "12.3 MB"),
            (5 * 1024 * 1024 * 1024, "5 GB"),
            (u64::MAX, "16384 PB"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(human_size(*bytes), *expected, "{bytes}");
        }
    }
}
