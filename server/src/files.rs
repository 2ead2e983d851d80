//! File names and folders: sanitising client file names, the download's `Content-Disposition`,
//! the data folder's startup sweep and its size.

use std::path::Path;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

const MAX_NAME_CHARS: usize = 120;

/// A client's file name made safe to show and to reuse in a download name: no path parts
/// (`/` or `\`), no control characters nor characters that file systems reject, trimmed,
/// capped in length (keeping the extension); "file" when nothing is left.
pub fn sanitize_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return "file".into();
    }
    if trimmed.chars().count() <= MAX_NAME_CHARS {
        return trimmed.to_owned();
    }
    let (stem, ext) = split_extension(trimmed);
    let ext: String = ext
        .map(|e| format!(".{}", e.chars().take(16).collect::<String>()))
        .unwrap_or_default();
    let stem: String = stem
        .chars()
        .take(MAX_NAME_CHARS - ext.chars().count())
        .collect();
    format!("{}{ext}", stem.trim_end())
}

/// `("photo.final", Some("png"))` for `photo.final.png`; no extension for `README` or `.env`.
pub fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => (stem, Some(ext)),
        _ => (name, None),
    }
}

/// The lower-case extension used for content sniffing ("" when there is none).
pub fn extension_of(name: &str) -> String {
    split_extension(name)
        .1
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The download's name: the original stem with the target's extension.
pub fn download_name(original: &str, target: &str) -> String {
    let stem = split_extension(original).0;
    let stem = if stem.is_empty() { "file" } else { stem };
    format!("{stem}.{target}")
}

/// RFC 5987 `attr-char`s stay as they are; everything else is percent-encoded.
const ATTR_CHAR_ESCAPES: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="<ascii fallback>"; filename*=UTF-8''<percent-encoded>`.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(name, ATTR_CHAR_ESCAPES);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Deletes what a previous run left in the data folder (session folders are `sess-*`; nothing
/// else is touched, in case the folder is shared).
pub fn sweep_data_dir(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with("sess-") {
            let path = entry.path();
            let result = if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match result {
                Ok(()) => removed += 1,
                Err(e) => {
                    tracing::warn!(error = %e, "could not remove a leftover from the data folder")
                }
            }
        }
    }
    Ok(removed)
}

/// Files and bytes under `dir`, recursively (missing folder = empty).
pub fn usage(dir: &Path) -> (u64, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(_) => {
                    files += 1;
                    bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
                }
                Err(_) => {}
            }
        }
    }
    (files, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_paths_and_hostile_characters() {
        assert_eq!(sanitize_filename("../../x<script>.png"), "x_script_.png");
        assert_eq!(sanitize_filename("C:\\Users\\me\\photo.jpg"), "photo.jpg");
        assert_eq!(sanitize_filename("a\u{0}b\n.txt"), "ab.txt");
        assert_eq!(sanitize_filename("  ..  "), "file");
        assert_eq!(sanitize_filename("dir/"), "file");
        let long = format!("{}.png", "a".repeat(500));
        let s = sanitize_filename(&long);
        assert!(s.ends_with(".png") && s.chars().count() <= MAX_NAME_CHARS);
    }

    #[test]
    fn download_names() {
        assert_eq!(download_name("photo.final.png", "jpg"), "photo.final.jpg");
        assert_eq!(download_name("README", "pdf"), "README.pdf");
        assert_eq!(
            content_disposition("été \"x\".pdf"),
            "attachment; filename=\"_t_ _x_.pdf\"; filename*=UTF-8''%C3%A9t%C3%A9%20%22x%22.pdf"
        );
    }
}
