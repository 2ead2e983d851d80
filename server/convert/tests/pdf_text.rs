//! Text PDFs keep every character: embedded subset fonts whose ToUnicode maps give the text
//! back, the font folder for scripts the shipped fonts lack, and clear failures otherwise.

mod common;

use std::path::{Path, PathBuf};

use common::{limits, pdf_text, scratch};
use trustyconvert_convert::{convert, ConvertError, ConvertLimits};

const POLISH: &str = "Zażółć gęślą jaźń";
const GREEK: &str = "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία";
const RUSSIAN: &str = "Съешь же ещё этих мягких французских булок, да выпей чаю";

/// Where Debian's fonts-wqy-microhei puts its font (the e2e tools install it).
const CJK_FONT_DIR: &str = "/usr/share/fonts/truetype/wqy";

fn to_pdf(
    dir: &Path,
    source: &str,
    text: &str,
    limits: &ConvertLimits,
) -> Result<Vec<u8>, ConvertError> {
    let input = dir.join(format!("in.{source}"));
    let output = dir.join("out.pdf");
    std::fs::write(&input, text).unwrap();
    convert(&input, source, "pdf", &output, limits, &mut |_| {})?;
    Ok(std::fs::read(&output).unwrap())
}

#[test]
fn polish_greek_and_russian_text_extracts_back() {
    let dir = scratch("pdf-text-lgc");
    let text = format!("{POLISH}\n{GREEK}\n{RUSSIAN}\n");
    let pdf = to_pdf(&dir, "txt", &text, &limits()).unwrap();
    assert_eq!(pdf_text(&pdf), text.trim_end());
    let raw = String::from_utf8_lossy(&pdf);
    for needle in [
        "/Subtype /Type0",
        "/Encoding /Identity-H",
        "/Subtype /CIDFontType2",
        "/FontFile2",
        "+LiberationMono",
    ] {
        assert!(raw.contains(needle), "no {needle}");
    }
    // A subset, not the whole 320 KB face.
    assert!(pdf.len() < 40_000, "PDF of {} bytes", pdf.len());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn markdown_styles_keep_their_text() {
    let dir = scratch("pdf-text-md");
    let md = format!("# {POLISH}\n\n*{GREEK}* and **{RUSSIAN}**\n");
    let pdf = to_pdf(&dir, "md", &md, &limits()).unwrap();
    let text = pdf_text(&pdf);
    assert!(text.starts_with(POLISH), "{text}");
    for part in GREEK.split(' ').chain(RUSSIAN.split(' ')) {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("+LiberationSans-Bold") && raw.contains("+LiberationSans "),
        "faces"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn cjk_without_a_font_fails_naming_the_character() {
    let dir = scratch("pdf-text-cjk-none");
    let err = to_pdf(&dir, "txt", "Hello 你好\n", &limits()).unwrap_err();
    match &err {
        ConvertError::InvalidInput(m) => assert!(m.contains("“你” (U+4F60)"), "{m}"),
        other => panic!("{other:?}"),
    }
    // Nothing half-written is left behind.
    assert!(!dir.join("out.pdf").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn scripts_that_need_shaping_fail_clearly() {
    let dir = scratch("pdf-text-shaping");
    for (text, needle) in [
        ("سلام", "U+0633, Arabic"),
        ("# नमस्ते", "U+0928, Devanagari"),
        ("שלום", "U+05E9, Hebrew"),
    ] {
        let source = if text.starts_with('#') { "md" } else { "txt" };
        let err = to_pdf(&dir, source, text, &limits()).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn cjk_with_a_font_folder_extracts_back() {
    let fonts = PathBuf::from(CJK_FONT_DIR);
    if !fonts.join("wqy-microhei.ttc").is_file() {
        println!("skipped: no CJK font at {CJK_FONT_DIR} (apt-get install fonts-wqy-microhei)");
        return;
    }
    let dir = scratch("pdf-text-cjk");
    let limits = ConvertLimits {
        font_dir: Some(fonts),
        ..limits()
    };
    let text = "Hello 你好，世界 Zażółć\n日本語のテキスト 한국어\n";
    let pdf = to_pdf(&dir, "txt", text, &limits).unwrap();
    assert_eq!(pdf_text(&pdf), text.trim_end());
    // The 5 MB collection is cut down to the glyphs used.
    assert!(pdf.len() < 60_000, "PDF of {} bytes", pdf.len());
    let md = to_pdf(&dir, "md", "# 标题\n\n**粗体** 和 *斜体*\n", &limits).unwrap();
    let md_text = pdf_text(&md);
    assert!(
        md_text.contains("标题") && md_text.contains("粗体") && md_text.contains("斜体"),
        "{md_text}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
