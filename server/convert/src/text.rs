//! Plain text and the shared pieces of the document converter: reading UTF-8 input,
//! rendering blocks to PDF, and the standalone HTML page around converted content.

use std::path::Path;

use crate::fonts::{Font, Fonts};
use crate::layout::{layout, Block, Kind, Span};
use crate::pdf::PdfBuilder;
use crate::{check_deadline, io_error, ConvertError, ConvertLimits};

/// Reads a text input: UTF-8 (a leading BOM dropped), no NUL bytes.
pub(crate) fn read_text(input: &Path) -> Result<String, ConvertError> {
    let mut bytes = std::fs::read(input).map_err(io_error)?;
    // Drained in place: a copy would hold the input twice in memory.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| ConvertError::InvalidInput("The file is not valid UTF-8 text.".into()))?;
    if text.contains('\0') {
        return Err(ConvertError::InvalidInput(
            "The file contains binary data (NUL bytes).".into(),
        ));
    }
    Ok(text)
}

/// Plain text keeps its lines: one monospaced block, long lines wrapped.
pub(crate) fn txt_blocks(text: &str) -> Vec<Block> {
    let mut block = Block::new(Kind::Preformatted, 10.0);
    block.spans.push(Span {
        text: text.to_owned(),
        font: Font::Mono,
    });
    vec![block]
}

/// Renders laid-out blocks as a PDF document, with subsets of the fonts it draws with.
pub(crate) fn blocks_to_pdf(
    blocks: &[Block],
    limits: &ConvertLimits,
) -> Result<Vec<u8>, ConvertError> {
    let mut fonts = Fonts::new(limits.font_dir.as_deref())?;
    let pages = layout(blocks, limits, &mut fonts)?;
    check_deadline(limits)?;
    let mut pdf = PdfBuilder::new();
    let resources = pdf.add_fonts(&fonts.embedded()?);
    for (i, page) in pages.iter().enumerate() {
        if i.is_multiple_of(64) {
            check_deadline(limits)?;
        }
        pdf.add_text_page(page, &resources);
    }
    Ok(pdf.finish())
}

/// Plain text as HTML: escaped inside `<pre>`.
pub(crate) fn txt_to_html(text: &str) -> String {
    let title = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("Text document");
    let body = format!("<pre>{}</pre>\n", escape_html(text));
    html_page(title, &body)
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A complete HTML5 document around `body` (already safe HTML). The CSP forbids scripts even
/// if some markup slipped through; images may still load.
pub(crate) fn html_page(title: &str, body: &str) -> String {
    let title: String = title.chars().take(120).collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'">
<title>{}</title>
<style>
body {{ max-width: 48rem; margin: 2rem auto; padding: 0 1rem; font: 16px/1.6 system-ui, sans-serif; color: #222; }}
pre {{ white-space: pre-wrap; word-wrap: break-word; background: #f6f8fa; padding: 0.75rem; overflow-x: auto; }}
code {{ font-family: ui-monospace, monospace; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.5rem; }}
blockquote {{ margin-left: 0; padding-left: 1rem; border-left: 4px solid #ddd; color: #555; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
{}</body>
</html>
"#,
        escape_html(&title),
        body
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_html_is_escaped() {
        let html = txt_to_html("<script>alert(1)</script>\n");
        assert!(!html.contains("<script"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.starts_with("<!DOCTYPE html>"));
    }
}
