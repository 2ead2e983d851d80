//! How a conversion's progress reads to people: percent and "3.1 MB of 20 MB" texts, and the
//! converted file's name.

use super::formats::format_label;
use crate::i18n::{fill, Catalogue};

/// How many times one file is redone after session changes before the queue gives up on it.
pub const MAX_SESSION_REDOS: u32 = 2;

/// 0–100, rounded down; 0 when the total is unknown.
pub fn percent(sent: u64, total: u64) -> u8 {
    if total == 0 {
        return 0;
    }
    ((u128::from(sent.min(total)) * 100) / u128::from(total)) as u8
}

/// "3.1 MB of 20 MB (15%)", or "3.1 MB sent" when the total is unknown.
pub fn upload_progress_text(sent: u64, total: u64, t: &Catalogue) -> String {
    if total == 0 {
        return fill(t.progress.sent, &[("sent", &t.size(sent))]);
    }
    fill(
        t.progress.sent_of_total,
        &[
            ("sent", &t.size(sent.min(total))),
            ("total", &t.size(total)),
            ("percent", &t.percent(percent(sent, total))),
        ],
    )
}

/// The name the converted file will likely have: the original stem with the target extension.
pub fn converted_file_name(original: &str, target: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or(original);
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    format!("{stem}.{}", target.trim_start_matches('.'))
}

/// "Converting to JPEG" and friends name the target by its label.
pub fn target_label(target: &str, t: &Catalogue) -> String {
    format_label(
        &super::formats::canonical_format(target).unwrap_or_else(|| target.to_owned()),
        t,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::default_language as en;

    #[test]
    fn percentages_and_texts() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(50, 200), 25);
        assert_eq!(percent(300, 200), 100);
        assert_eq!(percent(u64::MAX, u64::MAX), 100);
        assert_eq!(
            upload_progress_text(5 * 1024 * 1024, 20 * 1024 * 1024, en()),
            "5 MB of 20 MB (25%)"
        );
        assert_eq!(upload_progress_text(2048, 0, en()), "2 KB sent");
        assert_eq!(
            upload_progress_text(30, 20, en()),
            "20 bytes of 20 bytes (100%)"
        );
        let de = crate::i18n::catalogue("de").expect("German");
        assert!(upload_progress_text(1536, 3072, de).starts_with("1,5 KB"));
    }

    #[test]
    fn converted_names_keep_the_stem() {
        assert_eq!(converted_file_name("photo.png", "jpg"), "photo.jpg");
        assert_eq!(converted_file_name("a.b.csv", ".json"), "a.b.json");
        assert_eq!(converted_file_name("C:\\x\\notes.md", "html"), "notes.html");
        assert_eq!(converted_file_name("README", "pdf"), "README.pdf");
        assert_eq!(converted_file_name(".bashrc", "txt"), ".bashrc.txt");
        assert_eq!(target_label("jpeg", en()), "JPEG");
        assert_eq!(target_label("pdf", en()), "PDF");
    }
}
