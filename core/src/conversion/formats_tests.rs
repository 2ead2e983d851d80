//! Tests of the converter-list parser and the pair rule.

use super::*;
use crate::i18n::default_language as en;
use serde_json::json;

fn canonical_data() -> Value {
    json!([
        {"id": "image", "name": "Image converter",
         "inputFormats": ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tiff"],
         "outputFormats": ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tiff", "pdf"],
         "maxSize": 104857600, "features": []},
        {"id": "document", "name": "Documents",
         "inputFormats": ["md", "txt", "html"], "outputFormats": ["html", "pdf", "txt"],
         "maxSize": 10485760},
        {"id": "data", "inputFormats": ["csv", "json", "xlsx"],
         "outputFormats": ["csv", "json", "xlsx"], "maxSize": 52428800},
        {"id": "big-text", "inputFormats": ["txt"], "outputFormats": ["md"], "maxSize": 209715200}
    ])
}

fn catalog() -> FormatCatalog {
    FormatCatalog::from_data(&canonical_data()).unwrap()
}

fn formats(targets: &[TargetOption]) -> Vec<&str> {
    targets.iter().map(|t| t.format.as_str()).collect()
}

#[test]
fn every_documented_shape_parses_to_the_same_catalog() {
    let expected = catalog();
    assert_eq!(expected.converters().len(), 4);
    let wrapped_data = json!({"data": canonical_data()});
    let wrapped_formats = json!({"formats": canonical_data()});
    let snake = json!([
        {"id": "image", "name": "Image converter",
         "input_formats": [".PNG", "JPG", "jpeg", "gif", "webp", "bmp", "tiff"],
         "output_formats": ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tiff", "pdf"],
         "max_size": 104857600},
        {"id": "document", "name": "Documents",
         "input_formats": ["md", "txt", "html"], "output_formats": ["html", "pdf", "txt"],
         "max_size": "10485760"},
        {"id": "data", "input_formats": ["csv", "json", "xlsx"],
         "output_formats": ["csv", "json", "xlsx"], "max_size": 52428800.0},
        {"id": "big-text", "input_formats": ["txt"], "output_formats": ["md"], "max_size": 209715200}
    ]);
    for data in [wrapped_data, wrapped_formats, snake] {
        assert_eq!(FormatCatalog::from_data(&data).unwrap(), expected);
    }
}

#[test]
fn unrecognisable_data_is_a_decode_error() {
    for data in [json!(null), json!("x"), json!({"other": []}), json!(5)] {
        assert_eq!(
            FormatCatalog::from_data(&data).unwrap_err().kind,
            crate::api::error::ApiErrorKind::Decode
        );
    }
    // An empty list is a valid, empty catalog; junk items are skipped.
    let empty = FormatCatalog::from_data(&json!([1, "x", {"id": "no-formats"}])).unwrap();
    assert!(empty.is_empty());
    assert!(empty.targets_for("png").is_empty());
    assert_eq!(empty.max_size_for("png"), None);
}

#[test]
fn aliases_are_merged_and_each_target_appears_once() {
    let targets = catalog().targets_for(".JPEG");
    let names = formats(&targets);
    assert_eq!(names, vec!["png", "webp", "gif", "bmp", "tiff", "pdf"]);
    assert!(!names.contains(&"jpg"), "no conversion to itself");
    let from_png = catalog().targets_for("png");
    assert_eq!(from_png.iter().filter(|t| t.format == "jpg").count(), 1);
    let jpg = from_png.iter().find(|t| t.format == "jpg").unwrap();
    assert_eq!(format_label(&jpg.format, en()), "JPEG");
    assert_eq!(jpg.send_as, "jpg");
    assert_eq!(jpg.group, FormatGroup::Image);
}

#[test]
fn send_as_keeps_the_servers_spelling() {
    let data = json!([{"inputFormats": ["png"], "outputFormats": ["JPEG", "tif"]}]);
    let catalog = FormatCatalog::from_data(&data).unwrap();
    let targets = catalog.targets_for("png");
    assert_eq!(formats(&targets), vec!["jpg", "tiff"]);
    assert_eq!(targets[0].send_as, "jpeg");
    assert_eq!(targets[1].send_as, "tif");
    assert!(catalog.is_allowed("png", "jpg"));
    assert!(catalog.is_allowed("PNG", ".jpeg"));
}

#[test]
fn pair_rule() {
    let c = catalog();
    assert!(c.is_allowed("png", "pdf"));
    assert!(c.is_allowed("txt", "md")); // through the second converter listing txt
    assert!(!c.is_allowed("md", "md"));
    assert!(!c.is_allowed("jpg", "jpeg"));
    assert!(!c.is_allowed("pdf", "png")); // no converter takes pdf
    assert!(!c.is_allowed("csv", "pdf")); // the data converter has no pdf output
    assert!(!c.is_allowed("", "png"));
}

#[test]
fn sensible_defaults_and_grouping() {
    let c = catalog();
    let default = |s: &str| c.default_target(s).map(|t| t.format);
    assert_eq!(default("png").as_deref(), Some("jpg"));
    assert_eq!(default("jpg").as_deref(), Some("png"));
    assert_eq!(default("md").as_deref(), Some("html"));
    assert_eq!(default("csv").as_deref(), Some("json"));
    assert_eq!(default("txt").as_deref(), Some("pdf"));
    assert_eq!(default("html").as_deref(), Some("pdf"));
    assert_eq!(default("exe"), None);
    // Exactly one default per source.
    for source in c.accepted_extensions() {
        let targets = c.targets_for(&source);
        assert_eq!(
            targets.iter().filter(|t| t.is_default).count(),
            1,
            "{source}"
        );
    }
    // The source's own group first, then the others in group order.
    let groups: Vec<FormatGroup> = c.targets_for("png").iter().map(|t| t.group).collect();
    assert_eq!(groups.last(), Some(&FormatGroup::Document));
    let md_targets = c.targets_for("txt");
    assert_eq!(formats(&md_targets), vec!["pdf", "html", "md"]);
}

#[test]
fn fallback_default_is_the_first_target() {
    let data = json!([{"inputFormats": ["xyz"], "outputFormats": ["abc", "png"]}]);
    let c = FormatCatalog::from_data(&data).unwrap();
    let targets = c.targets_for("xyz");
    // The source's own group (Other) first.
    assert_eq!(formats(&targets), vec!["abc", "png"]);
    assert!(targets[0].is_default);
    assert_eq!(format_label(&targets[0].format, en()), "ABC");
    assert_eq!(targets[0].group, FormatGroup::Other);
}

#[test]
fn accepted_extensions_and_accept_attribute() {
    let c = catalog();
    assert_eq!(
        c.accepted_extensions(),
        vec![
            "bmp", "csv", "gif", "html", "jpg", "json", "md", "png", "tiff", "txt", "webp", "xlsx"
        ]
    );
    let accept = c.accept_attribute();
    for ext in [
        ".jpg",
        ".jpeg",
        ".tif",
        ".tiff",
        ".htm",
        ".markdown",
        ".png",
    ] {
        assert!(accept.split(',').any(|a| a == ext), "{ext} in {accept}");
    }
    assert_eq!(&c.accepted_labels(en())[..3], &["PNG", "JPEG", "WebP"]);
}

#[test]
fn max_size_is_the_largest_among_accepting_converters() {
    let c = catalog();
    assert_eq!(c.max_size_for("png"), Some(104_857_600));
    assert_eq!(c.max_size_for("JPEG"), Some(104_857_600));
    assert_eq!(c.max_size_for("txt"), Some(209_715_200));
    assert_eq!(c.max_size_for("md"), Some(10_485_760));
    assert_eq!(c.max_size_for("pdf"), None);
    let no_limit = FormatCatalog::from_data(
        &json!([{"inputFormats": ["a"], "outputFormats": ["b"], "maxSize": -1}]),
    )
    .unwrap();
    assert_eq!(no_limit.max_size_for("a"), None);
}

#[test]
fn the_largest_upload_counts_converters_without_a_limit_as_the_default() {
    assert_eq!(catalog().largest_upload(), 209_715_200);
    // Declared limits all below the default, plus one converter naming none: the default wins,
    // since that converter takes files up to the server's own limit.
    let mixed = FormatCatalog::from_data(&json!([
        {"inputFormats": ["png"], "outputFormats": ["jpg"], "maxSize": 16},
        {"inputFormats": ["csv"], "outputFormats": ["json"]}
    ]))
    .unwrap();
    assert_eq!(mixed.largest_upload(), DEFAULT_MAX_UPLOAD_BYTES);
    let only_small = FormatCatalog::from_data(&json!([
        {"inputFormats": ["png"], "outputFormats": ["jpg"], "maxSize": 16}
    ]))
    .unwrap();
    assert_eq!(only_small.largest_upload(), 16);
    assert_eq!(
        FormatCatalog::default().largest_upload(),
        DEFAULT_MAX_UPLOAD_BYTES
    );
}

#[test]
fn format_names_are_canonicalised() {
    assert_eq!(canonical_format(" .JPEG ").as_deref(), Some("jpg"));
    assert_eq!(canonical_format("..tif").as_deref(), Some("tiff"));
    assert_eq!(canonical_format("Markdown").as_deref(), Some("md"));
    assert_eq!(canonical_format(""), None);
    assert_eq!(canonical_format("."), None);
    assert_eq!(canonical_format("tar.gz"), None);
    assert_eq!(canonical_format("<script>"), None);
    assert_eq!(canonical_format(&"a".repeat(17)), None);
}

#[test]
fn comma_separated_and_object_entries_are_tolerated() {
    let data = json!({"data": {"formats": [
        {"input_formats": "png, jpg", "output_formats": [{"extension": "pdf"}, {"ext": ".gif"}]}
    ]}});
    let c = FormatCatalog::from_data(&data).unwrap();
    assert_eq!(formats(&c.targets_for("jpg")), vec!["gif", "pdf"]);
}

#[test]
fn format_names_that_are_words_follow_the_language() {
    let fr = crate::i18n::catalogue("fr").expect("French");
    assert_eq!(format_label("txt", en()), "Plain text");
    assert_eq!(format_label("txt", fr), fr.formats.plain_text);
    assert_eq!(format_label("png", fr), "PNG");
    assert_eq!(FormatGroup::Image.label(fr), fr.formats.image);
}
