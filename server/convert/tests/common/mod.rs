//! Shared helpers for the integration tests: scratch directories and limits.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use trustyconvert_convert::ConvertLimits;

/// A fresh scratch directory for one test (removed first if a previous run left it).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tc-convert-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn limits() -> ConvertLimits {
    ConvertLimits::with_timeout(Duration::from_secs(120))
}

/// An XLSX workbook: header row then two data rows.
pub fn sample_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["name", "age", "city"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Alice").unwrap();
    ws.write_number(1, 1, 30).unwrap();
    ws.write_string(1, 2, "Paris").unwrap();
    ws.write_string(2, 0, "Bob").unwrap();
    ws.write_number(2, 1, 25).unwrap();
    ws.write_string(2, 2, "New York, NY").unwrap();
    wb.save_to_buffer().unwrap()
}

pub const IMAGE_SIZE: (u32, u32) = (37, 23);

/// A small gradient image with partial transparency, encoded as `format`.
pub fn sample_image(format: image::ImageFormat) -> Vec<u8> {
    let (w, h) = IMAGE_SIZE;
    let rgba = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([
            (x * 6) as u8,
            (y * 10) as u8,
            128,
            if x < 10 { 100 } else { 255 },
        ])
    });
    let img = match format {
        // JPEG has no alpha channel.
        image::ImageFormat::Jpeg => {
            image::DynamicImage::ImageRgb8(image::DynamicImage::ImageRgba8(rgba).to_rgb8())
        }
        _ => image::DynamicImage::ImageRgba8(rgba),
    };
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// The text of a PDF as a reader would copy it: every shown string decoded through its
/// font's ToUnicode map (two-byte codes, as Identity-H fonts use). Pieces on one baseline are
/// joined by a space unless one is already there, baselines by a newline. Panics on anything it cannot decode: a test
/// reader, not a general one.
pub fn pdf_text(bytes: &[u8]) -> String {
    use std::collections::HashMap;

    let doc = lopdf::Document::load_mem(bytes).expect("a PDF lopdf reads");
    let mut out = String::new();
    let mut last_y: Option<f32> = None;
    let mut gap = false;
    for page in doc.get_pages().values() {
        let mut maps: HashMap<Vec<u8>, HashMap<u16, String>> = HashMap::new();
        for (name, font) in doc.get_page_fonts(*page).expect("page fonts") {
            let stream = font
                .get(b"ToUnicode")
                .and_then(|o| doc.dereference(o))
                .and_then(|(_, o)| o.as_stream())
                .expect("every font has a ToUnicode stream");
            let cmap = stream
                .decompressed_content()
                .expect("ToUnicode decompresses");
            maps.insert(name, parse_bfchar(&String::from_utf8_lossy(&cmap)));
        }
        let content = lopdf::content::Content::decode(&doc.get_page_content(*page))
            .expect("content stream parses");
        let mut font: Vec<u8> = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().expect("font name").to_vec(),
                "Tm" => {
                    let y = op.operands[5].as_float().expect("y");
                    if let Some(last) = last_y {
                        if (last - y).abs() > 0.01 {
                            out.push('\n');
                        } else {
                            gap = !out.ends_with(' ');
                        }
                    }
                    last_y = Some(y);
                }
                "Tj" => {
                    let codes = op.operands[0].as_str().expect("a string");
                    let map = &maps[&font];
                    for pair in codes.chunks(2) {
                        let code = u16::from_be_bytes([pair[0], pair[1]]);
                        let text = map
                            .get(&code)
                            .unwrap_or_else(|| panic!("glyph {code} has no ToUnicode entry"));
                        if std::mem::take(&mut gap) && !text.starts_with(' ') {
                            out.push(' ');
                        }
                        out.push_str(text);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The `<code> <utf16>` pairs of a CMap's bfchar sections.
fn parse_bfchar(cmap: &str) -> std::collections::HashMap<u16, String> {
    let hex = |s: &str| -> Vec<u16> {
        let s = s.trim_matches(['<', '>']);
        (0..s.len() / 4)
            .map(|i| u16::from_str_radix(&s[i * 4..i * 4 + 4], 16).expect("hex"))
            .collect()
    };
    let mut map = std::collections::HashMap::new();
    let mut inside = false;
    for line in cmap.lines() {
        if line.ends_with("beginbfchar") {
            inside = true;
        } else if line == "endbfchar" {
            inside = false;
        } else if inside {
            let (code, text) = line.split_once(' ').expect("a bfchar pair");
            let text = String::from_utf16(&hex(text)).expect("UTF-16");
            map.insert(hex(code)[0], text);
        }
    }
    map
}
