//! Hostile and invalid inputs: sniffing, decompression bombs, zip bombs, deadlines, errors.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{limits, sample_image, sample_xlsx, scratch};
use image::ImageFormat;
use trustyconvert_convert::{
    content_type, convert, detect_format, find_converter, ConvertError, ConvertLimits, DetectError,
};

fn run(
    input: &Path,
    source: &str,
    target: &str,
    limits: &ConvertLimits,
) -> Result<(), ConvertError> {
    let output = input.with_extension(format!("out.{target}"));
    let result = convert(input, source, target, &output, limits, &mut |_| {});
    if result.is_err() {
        assert!(
            !output.exists(),
            "a failed conversion left {}",
            output.display()
        );
    }
    result
}

#[test]
fn detect_format_by_content_and_extension() {
    let png = sample_image(ImageFormat::Png);
    assert_eq!(detect_format(&png, "png"), Ok("png"));
    assert_eq!(detect_format(&png, ".PNG"), Ok("png"));
    assert_eq!(
        detect_format(&png, "csv"),
        Err(DetectError::ContentMismatch {
            extension: "csv".into(),
            detected: Some("png".into())
        })
    );
    assert!(matches!(
        detect_format(&png, "pdf"),
        Err(DetectError::UnsupportedExtension(_))
    ));
    assert!(matches!(
        detect_format(&png, "exe"),
        Err(DetectError::UnsupportedExtension(_))
    ));
    assert!(matches!(
        detect_format(&png, "jpg"),
        Err(DetectError::ContentMismatch { .. })
    ));
    let jpg = sample_image(ImageFormat::Jpeg);
    assert_eq!(detect_format(&jpg, "jpeg"), Ok("jpg"));
    assert_eq!(detect_format(&jpg, "jpg"), Ok("jpg"));
    assert_eq!(
        detect_format(&sample_image(ImageFormat::Tiff), "tif"),
        Ok("tiff")
    );
    assert_eq!(
        detect_format(&sample_image(ImageFormat::Gif), "gif"),
        Ok("gif")
    );
    assert_eq!(
        detect_format(&sample_image(ImageFormat::WebP), "webp"),
        Ok("webp")
    );
    assert_eq!(
        detect_format(&sample_image(ImageFormat::Bmp), "bmp"),
        Ok("bmp")
    );
    assert_eq!(detect_format(&sample_xlsx(), "xlsx"), Ok("xlsx"));
    assert!(detect_format(b"a,b\n1,2\n", "xlsx").is_err());
}

#[test]
fn detect_text_formats() {
    assert_eq!(detect_format(b"# Hi\n", "markdown"), Ok("md"));
    assert_eq!(detect_format(b"a,b\n1,2\n", "csv"), Ok("csv"));
    assert_eq!(detect_format("plain ünï".as_bytes(), "txt"), Ok("txt"));
    assert_eq!(
        detect_format(b"\xEF\xBB\xBF \n [{\"a\": 1}]", "json"),
        Ok("json")
    );
    // A multi-byte character cut by the end of the sniffed head is still text.
    let cut = "abc é".as_bytes();
    assert_eq!(detect_format(&cut[..cut.len() - 1], "txt"), Ok("txt"));
    assert!(detect_format(b"\"just a string\"", "json").is_err());
    assert!(detect_format(b"a\0b", "txt").is_err());
    assert!(detect_format(b"\xff\xfe\x00a", "csv").is_err());
    // Text that happens to start like a binary signature is still judged as text.
    assert_eq!(detect_format(b"ID3,title\n1,x\n", "csv"), Ok("csv"));
}

/// A PNG declaring `width`×`height` pixels whose data is only a few bytes.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
    chunk(&mut png, b"IHDR", &ihdr);
    // A zlib stream of one empty stored block: far too little data, never reached anyway.
    chunk(
        &mut png,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01,
        ],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn decompression_bomb_png_is_refused_before_decoding() {
    let dir = scratch("png-bomb");
    let input = dir.join("bomb.png");
    std::fs::write(&input, png_bomb(100_000, 100_000)).unwrap();
    assert_eq!(
        detect_format(&std::fs::read(&input).unwrap(), "png"),
        Ok("png")
    );
    for target in ["jpg", "pdf", "webp"] {
        let start = Instant::now();
        let result = run(&input, "png", target, &limits());
        assert!(
            matches!(result, Err(ConvertError::LimitExceeded(_))),
            "{target}: {result:?}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "took {:?}",
            start.elapsed()
        );
    }
    // With the pixel bound lifted, the decoder's allocation limit still stops it.
    let mut lax = limits();
    lax.max_pixels = u64::MAX;
    let result = run(&input, "png", "bmp", &lax);
    assert!(
        matches!(result, Err(ConvertError::LimitExceeded(_))),
        "{result:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Rewrites the declared uncompressed size of every central-directory entry.
fn declare_uncompressed(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 46 <= zip.len() {
        if zip[i..i + 4] == [0x50, 0x4B, 0x01, 0x02] {
            zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            i += 46;
        } else {
            i += 1;
        }
    }
}

#[test]
fn zip_bomb_xlsx_is_refused() {
    let dir = scratch("zip-bomb");
    let input = dir.join("bomb.xlsx");
    let mut xlsx = sample_xlsx();
    declare_uncompressed(&mut xlsx, 0xF000_0000);
    std::fs::write(&input, &xlsx).unwrap();
    for target in ["csv", "json"] {
        let result = run(&input, "xlsx", target, &limits());
        assert!(
            matches!(result, Err(ConvertError::LimitExceeded(_))),
            "{result:?}"
        );
    }
    // A genuine workbook that still unpacks to more than allowed.
    let input = dir.join("real.xlsx");
    std::fs::write(&input, sample_xlsx()).unwrap();
    let mut tight = limits();
    tight.max_uncompressed = 1_000;
    let result = run(&input, "xlsx", "csv", &tight);
    assert!(
        matches!(result, Err(ConvertError::LimitExceeded(_))),
        "{result:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sparse_xlsx_spanning_the_whole_sheet_is_refused() {
    let dir = scratch("sparse");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "a").unwrap();
    ws.write_string(1_048_575, 16_383, "z").unwrap();
    let input = dir.join("sparse.xlsx");
    std::fs::write(&input, wb.save_to_buffer().unwrap()).unwrap();
    let result = run(&input, "xlsx", "csv", &limits());
    assert!(
        matches!(result, Err(ConvertError::LimitExceeded(_))),
        "{result:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_past_deadline_times_out() {
    let dir = scratch("deadline");
    let mut past = limits();
    past.deadline = Instant::now();
    let cases: [(&str, &str, Vec<u8>); 4] = [
        ("png", "jpg", sample_image(ImageFormat::Png)),
        ("md", "pdf", b"# hi\n".to_vec()),
        ("csv", "json", b"a,b\n1,2\n".to_vec()),
        ("xlsx", "csv", sample_xlsx()),
    ];
    for (source, target, bytes) in cases {
        let input = dir.join(format!("in.{source}"));
        std::fs::write(&input, bytes).unwrap();
        assert_eq!(
            run(&input, source, target, &past),
            Err(ConvertError::TimedOut),
            "{source}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unsupported_pairs_are_refused() {
    let dir = scratch("pairs-refused");
    let input = dir.join("in.png");
    std::fs::write(&input, sample_image(ImageFormat::Png)).unwrap();
    for (source, target) in [
        ("png", "csv"),
        ("png", "png"),
        ("jpg", "jpeg"),
        ("txt", "md"),
        ("pdf", "png"),
    ] {
        assert!(
            find_converter(source, target).is_none(),
            "{source}->{target}"
        );
        assert_eq!(
            run(&input, source, target, &limits()),
            Err(ConvertError::UnsupportedPair {
                source: source.into(),
                target: target.into()
            })
        );
    }
    assert_eq!(find_converter("JPEG", "PNG").map(|c| c.id), Some("image"));
    assert_eq!(
        find_converter("markdown", "html").map(|c| c.id),
        Some("document")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn invalid_inputs_are_reported() {
    let dir = scratch("invalid");
    let cases: [(&str, &str, &[u8]); 7] = [
        ("txt", "pdf", b"caf\xe9 latin-1"),
        ("md", "html", b"\xff\xfe#\x00"),
        ("json", "csv", b"{\"a\": 1}"),
        ("json", "csv", b"[1, 2]"),
        ("json", "xlsx", b"[{\"a\": 1}, [1]]"),
        ("png", "jpg", b"\x89PNG\r\n\x1a\ntruncated"),
        ("xlsx", "csv", b"PK\x03\x04 not really a zip"),
    ];
    for (source, target, bytes) in cases {
        let input = dir.join(format!("in.{source}"));
        std::fs::write(&input, bytes).unwrap();
        let result = run(&input, source, target, &limits());
        assert!(
            matches!(result, Err(ConvertError::InvalidInput(_))),
            "{source}->{target}: {result:?}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn content_types() {
    assert_eq!(content_type("pdf"), "application/pdf");
    assert_eq!(content_type("jpeg"), "image/jpeg");
    assert_eq!(content_type("html"), "text/html; charset=utf-8");
    assert_eq!(content_type("csv"), "text/csv; charset=utf-8");
    assert_eq!(content_type("json"), "application/json");
    assert_eq!(
        content_type("XLSX"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(content_type("exe"), "application/octet-stream");
}

/// `[{"id":0},{"id":1},…]`: about 10 bytes of JSON per row, many times that once in memory.
fn flat_json_array(rows: usize) -> String {
    let mut json = String::with_capacity(rows * 12 + 2);
    json.push('[');
    for i in 0..rows {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!("{{\"id\":{}}}", i % 10));
    }
    json.push(']');
    json
}

#[test]
fn a_json_array_that_expands_past_the_table_limit_is_refused() {
    let dir = scratch("json-expands");
    let input = dir.join("flat.json");
    let json = flat_json_array(400_000);
    std::fs::write(&input, &json).unwrap();
    let mut tight = limits();
    tight.max_table_bytes = 8 * 1024 * 1024;
    assert!(json.len() < 4 * 1024 * 1024, "{}", json.len());
    for target in ["csv", "xlsx"] {
        let start = Instant::now();
        let result = run(&input, "json", target, &tight);
        let Err(ConvertError::LimitExceeded(message)) = &result else {
            panic!("{target}: {result:?}");
        };
        assert!(message.contains("8 MiB"), "{message}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }
    // Under the default bound the same file converts, one line per element plus the header.
    let output = dir.join("flat.csv");
    convert(&input, "json", "csv", &output, &limits(), &mut |_| {}).unwrap();
    let csv = std::fs::read_to_string(&output).unwrap();
    assert_eq!(csv.lines().count(), 400_001);
    assert_eq!(csv.lines().take(3).collect::<Vec<_>>(), ["id", "0", "1"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_csv_that_expands_past_the_table_limit_is_refused() {
    let dir = scratch("csv-expands");
    let input = dir.join("flat.csv");
    std::fs::write(&input, "1,".repeat(1_000_000)).unwrap();
    let mut tight = limits();
    tight.max_table_bytes = 8 * 1024 * 1024;
    let result = run(&input, "csv", "json", &tight);
    assert!(
        matches!(result, Err(ConvertError::LimitExceeded(_))),
        "{result:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn deep_json_nesting_stops_at_the_recursion_limit() {
    let dir = scratch("json-deep");
    let input = dir.join("deep.json");
    // Far deeper than serde_json's limit of 128: refused as invalid, without a stack overflow.
    let depth = 100_000;
    std::fs::write(
        &input,
        format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
    )
    .unwrap();
    let result = run(&input, "json", "csv", &limits());
    let Err(ConvertError::InvalidInput(message)) = &result else {
        panic!("{result:?}");
    };
    assert!(message.contains("recursion limit"), "{message}");
    // Nesting within the limit is fine: a nested value becomes its compact JSON text.
    let nested = format!("[{{\"a\": {}1{}}}]", "[".repeat(100), "]".repeat(100));
    std::fs::write(&input, nested).unwrap();
    let output = dir.join("deep.csv");
    convert(&input, "json", "csv", &output, &limits(), &mut |_| {}).unwrap();
    let csv = std::fs::read_to_string(&output).unwrap();
    assert_eq!(csv, format!("a\n{}1{}\n", "[".repeat(100), "]".repeat(100)));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn nested_json_cells_keep_their_compact_text() {
    let dir = scratch("json-nested");
    let input = dir.join("nested.json");
    std::fs::write(
        &input,
        r#"[{"a": {"z": 1, "b": [1, 2.5, "x\"y", null, true, {}]}, "n": -1.5e3}, {"n": []}]"#,
    )
    .unwrap();
    let output = dir.join("nested.csv");
    convert(&input, "json", "csv", &output, &limits(), &mut |_| {}).unwrap();
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "a,n\n\"{\"\"z\"\":1,\"\"b\"\":[1,2.5,\"\"x\\\"\"y\"\",null,true,{}]}\",-1500.0\n,[]\n"
    );
    // Arrays of arrays have no header; an empty array is an empty table.
    std::fs::write(&input, r#"[["a", 1], ["b", [2], null]]"#).unwrap();
    convert(&input, "json", "csv", &output, &limits(), &mut |_| {}).unwrap();
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "a,1,\nb,[2],\n");
    std::fs::write(&input, "[]").unwrap();
    convert(&input, "json", "csv", &output, &limits(), &mut |_| {}).unwrap();
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "");
    std::fs::remove_dir_all(dir).unwrap();
}
