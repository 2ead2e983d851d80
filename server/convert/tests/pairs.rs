//! Table-driven: every pair the registry implies converts a real sample into a valid file.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::{limits, pdf_text, sample_image, sample_xlsx, scratch, IMAGE_SIZE};
use image::ImageFormat;
use trustyconvert_convert::{convert, find_converter, registry, supported_pairs};

const TXT: &str =
    "Hello, world!\nSecond line with ünïcödé, € and 中文 🎉\n\tTabbed <script>alert(1)</script>\n";
const MD: &str = "# Title ünï\n\nSome *emphasis*, **bold** and `code`.\n\n- item one\n- item two\n  1. nested\n\n\
> a quote\n\n```\nfn main() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert('x')</script>\n\n\
<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) and 中文 🎉\n\n---\n\nThe end.\n";
const CSV: &str = "name,age,city\nAlice,30,Paris\nBob,25,\"New York, NY\"\n";
const JSON: &str = r#"[{"name": "Alice", "age": 30, "city": "Paris"},
 {"name": "Bob", "age": 25, "city": "New York, NY", "extra": true}]"#;

fn image_format(name: &str) -> Option<ImageFormat> {
    Some(match name {
        "png" => ImageFormat::Png,
        "jpg" => ImageFormat::Jpeg,
        "gif" => ImageFormat::Gif,
        "webp" => ImageFormat::WebP,
        "bmp" => ImageFormat::Bmp,
        "tiff" => ImageFormat::Tiff,
        _ => return None,
    })
}

/// The text samples for PDF: CJK and emoji need a font the server does not ship (a PDF with
/// them fails on purpose, see `tests/pdf_text.rs`), so Polish, Greek and Russian stand in.
fn pdf_sample(text: &str) -> String {
    text.replace("中文 🎉", "zażółć, Ωμέγα, Жук")
}

/// A small real input of each source format; `None` means the table lacks a sample.
fn sample(format: &str, target: &str) -> Option<Vec<u8>> {
    if target == "pdf" && matches!(format, "txt" | "md") {
        let text = if format == "txt" { TXT } else { MD };
        return Some(pdf_sample(text).into_bytes());
    }
    if let Some(f) = image_format(format) {
        return Some(sample_image(f));
    }
    Some(match format {
        "txt" => TXT.as_bytes().to_vec(),
        "md" => MD.as_bytes().to_vec(),
        "csv" => CSV.as_bytes().to_vec(),
        "json" => JSON.as_bytes().to_vec(),
        "xlsx" => sample_xlsx(),
        _ => return None,
    })
}

fn check_pdf(bytes: &[u8], source: &str) {
    assert!(bytes.starts_with(b"%PDF-"), "{source}->pdf: no PDF header");
    let doc =
        lopdf::Document::load_mem(bytes).unwrap_or_else(|e| panic!("{source}->pdf: lopdf: {e}"));
    let pages = doc.get_pages();
    assert!(!pages.is_empty(), "{source}->pdf: no page");
    match source {
        "txt" => {
            let text = pdf_text(bytes);
            assert!(text.contains("Hello, world!"), "{text}");
            assert!(text.contains("ünïcödé, € and zażółć, Ωμέγα, Жук"), "{text}");
        }
        "md" => {
            let text = pdf_text(bytes);
            assert!(
                text.contains("Title ünï") && text.contains("item one"),
                "{text}"
            );
            assert!(text.contains("zażółć, Ωμέγα, Жук"), "{text}");
        }
        _ => {
            let content: Vec<u8> = pages
                .values()
                .flat_map(|id| doc.get_page_content(*id))
                .collect();
            let content = String::from_utf8_lossy(&content);
            assert!(content.contains("/Im1 Do"), "{content}");
        }
    }
}

fn check_html(bytes: &[u8], source: &str) {
    let html = std::str::from_utf8(bytes).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(
        !html.to_lowercase().contains("<script"),
        "{source}->html kept a script:\n{html}"
    );
    assert!(
        !html.contains("<img src=x"),
        "{source}->html kept raw HTML:\n{html}"
    );
    assert!(
        !html.contains("javascript:alert"),
        "{source}->html kept a javascript: URL:\n{html}"
    );
    match source {
        "txt" => assert!(html.contains("Hello, world!") && html.contains("中文")),
        _ => {
            assert!(html.contains("<h1>Title ünï</h1>"), "{html}");
            assert!(html.contains("<em>emphasis</em>") && html.contains("<li>item one</li>"));
            assert!(html.contains("<table>"));
        }
    }
}

fn check_json(bytes: &[u8], source: &str) {
    let value: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let rows = value.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{source}->json: {value}");
    assert_eq!(rows[0]["name"], "Alice");
    assert_eq!(rows[1]["city"], "New York, NY");
    // Keys keep the header's order.
    let text = std::str::from_utf8(bytes).unwrap();
    assert!(text.find("\"name\"") < text.find("\"age\""), "{text}");
    match source {
        "csv" => assert_eq!(rows[0]["age"], "30"),
        _ => assert_eq!(rows[0]["age"], 30),
    }
}

fn check_csv(bytes: &[u8], source: &str) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 3, "{source}->csv");
    assert_eq!(&rows[0][0..3], ["name", "age", "city"]);
    assert_eq!(&rows[1][0..3], ["Alice", "30", "Paris"]);
    assert_eq!(&rows[2][2], "New York, NY");
    if source == "json" {
        assert_eq!(&rows[0][3], "extra");
        assert_eq!(&rows[2][3], "true");
        assert_eq!(&rows[1][3], "");
    }
}

fn check_xlsx(bytes: &[u8], source: &str) {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String("name".into())),
        "{source}->xlsx"
    );
    assert_eq!(range.get_value((1, 0)), Some(&Data::String("Alice".into())));
    assert_eq!(range.get_value((1, 1)), Some(&Data::Float(30.0)));
    assert_eq!(
        range.get_value((2, 2)),
        Some(&Data::String("New York, NY".into()))
    );
}

fn check_output(bytes: &[u8], source: &str, target: &str) {
    if let Some(format) = image_format(target) {
        let img = image::load_from_memory_with_format(bytes, format)
            .unwrap_or_else(|e| panic!("{source}->{target}: {e}"));
        assert_eq!(
            (img.width(), img.height()),
            IMAGE_SIZE,
            "{source}->{target}"
        );
        return;
    }
    match target {
        "pdf" => check_pdf(bytes, source),
        "html" => check_html(bytes, source),
        "json" => check_json(bytes, source),
        "csv" => check_csv(bytes, source),
        "xlsx" => check_xlsx(bytes, source),
        other => panic!("no output check for {other}: add one"),
    }
}

#[test]
fn every_registry_pair_converts_to_a_valid_file() {
    let dir = scratch("pairs");
    let pairs = supported_pairs();
    assert!(pairs.len() >= 46, "registry lost pairs: {pairs:?}");
    for (source, target) in &pairs {
        assert!(find_converter(source, target).is_some());
        let input = dir.join(format!("in-{source}-{target}.{source}"));
        let output = dir.join(format!("out-{source}-{target}.{target}"));
        let bytes = sample(source, target)
            .unwrap_or_else(|| panic!("no sample for source format {source}"));
        std::fs::write(&input, bytes).unwrap();
        let mut seen = Vec::new();
        convert(&input, source, target, &output, &limits(), &mut |p| {
            seen.push(p)
        })
        .unwrap_or_else(|e| panic!("{source}->{target}: {e:?}"));
        assert!(
            seen.windows(2).all(|w| w[0] <= w[1]),
            "{source}->{target}: progress {seen:?}"
        );
        assert_eq!(seen.last(), Some(&100), "{source}->{target}");
        check_output(&std::fs::read(&output).unwrap(), source, target);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn aliases_in_the_registry_convert_too() {
    let dir = scratch("aliases");
    let input = dir.join("in.jpeg");
    std::fs::write(&input, sample_image(ImageFormat::Png)).unwrap();
    let output = dir.join("out.tif");
    convert(&input, "PNG", "tif", &output, &limits(), &mut |_| {}).unwrap();
    check_output(&std::fs::read(&output).unwrap(), "png", "tiff");
    let jpeg = dir.join("out.jpeg");
    convert(&input, "png", "jpeg", &jpeg, &limits(), &mut |_| {}).unwrap();
    check_output(&std::fs::read(&jpeg).unwrap(), "png", "jpg");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn registry_lists_each_group_once_with_the_upload_limit() {
    let ids: Vec<&str> = registry().iter().map(|c| c.id).collect();
    assert_eq!(ids, ["image", "document", "data"]);
    for c in registry() {
        assert_eq!(c.max_size, 104_857_600);
        assert!(!c.features.is_empty());
    }
}
