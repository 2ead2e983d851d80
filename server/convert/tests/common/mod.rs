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
