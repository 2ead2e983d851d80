//! A minimal PDF 1.4 writer: pages with standard-font text or one Flate-compressed image.

use std::fmt::Write as _;

use crate::fonts::Font;

/// Page size of text documents: A4 in points.
pub(crate) const A4: (f32, f32) = (595.28, 841.89);

/// Largest page side PDF readers accept (PDF 1.4 implementation limit), in points.
const MAX_PAGE_SIDE: f32 = 14_400.0;

/// Collects objects in memory, then serialises them with a cross-reference table.
pub(crate) struct PdfBuilder {
    /// Object bodies; object number = index + 1. `None` until set.
    objects: Vec<Option<Vec<u8>>>,
    pages: Vec<u32>,
    fonts: Option<String>,
}

const CATALOG: u32 = 1;
const PAGES: u32 = 2;

impl PdfBuilder {
    pub(crate) fn new() -> Self {
        PdfBuilder {
            objects: vec![None, None],
            pages: Vec::new(),
            fonts: None,
        }
    }

    fn add(&mut self, body: Vec<u8>) -> u32 {
        self.objects.push(Some(body));
        // Object numbers stay far below u32::MAX: each needs at least one page of input.
        u32::try_from(self.objects.len()).unwrap_or(u32::MAX)
    }

    fn add_stream(&mut self, dict: &str, data: &[u8]) -> u32 {
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(data, 6);
        let mut body = format!(
            "<< {dict} /Filter /FlateDecode /Length {} >>\nstream\n",
            packed.len()
        )
        .into_bytes();
        body.extend_from_slice(&packed);
        body.extend_from_slice(b"\nendstream");
        self.add(body)
    }

    /// The resource dictionary entry naming the four standard fonts (created once).
    fn font_resources(&mut self) -> String {
        if let Some(fonts) = &self.fonts {
            return fonts.clone();
        }
        let mut dict = String::from("/Font <<");
        for font in Font::ALL {
            let id = self.add(
                format!(
                    "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>",
                    font.base_font()
                )
                .into_bytes(),
            );
            let _ = write!(dict, " /{} {id} 0 R", font.resource());
        }
        dict.push_str(" >>");
        self.fonts = Some(dict.clone());
        dict
    }

    fn add_page(&mut self, size: (f32, f32), content: &[u8], resources: &str) {
        let content_id = self.add_stream("", content);
        let page = format!(
            "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {:.2} {:.2}] /Resources << {resources} >> /Contents {content_id} 0 R >>",
            size.0, size.1
        );
        let id = self.add(page.into_bytes());
        self.pages.push(id);
    }

    /// Adds an A4 page whose content stream uses the standard fonts (`/F1`..`/F4`).
    pub(crate) fn add_text_page(&mut self, content: &[u8]) {
        let fonts = self.font_resources();
        self.add_page(A4, content, &fonts);
    }

    /// Adds a page exactly showing an 8-bit image (`channels` 1 = gray, 3 = RGB) at 96 dpi,
    /// scaled down when that would pass the largest page size readers accept.
    pub(crate) fn add_image_page(&mut self, width: u32, height: u32, channels: u8, pixels: &[u8]) {
        let space = if channels == 1 {
            "/DeviceGray"
        } else {
            "/DeviceRGB"
        };
        let image = self.add_stream(
            &format!(
                "/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace {space} /BitsPerComponent 8"
            ),
            pixels,
        );
        let (mut w, mut h) = (width as f32 * 0.75, height as f32 * 0.75);
        let scale = (MAX_PAGE_SIDE / w.max(h)).min(1.0);
        w = (w * scale).max(1.0);
        h = (h * scale).max(1.0);
        let content = format!("q {w:.2} 0 0 {h:.2} 0 0 cm /Im1 Do Q");
        self.add_page(
            (w, h),
            content.as_bytes(),
            &format!("/XObject << /Im1 {image} 0 R >>"),
        );
    }

    /// Serialises the document.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        let kids: Vec<String> = self.pages.iter().map(|id| format!("{id} 0 R")).collect();
        self.objects[PAGES as usize - 1] = Some(
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                kids.len()
            )
            .into_bytes(),
        );
        self.objects[CATALOG as usize - 1] =
            Some(format!("<< /Type /Catalog /Pages {PAGES} 0 R >>").into_bytes());

        // The binary comment line tells transfer tools the file is binary.
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::with_capacity(self.objects.len());
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body.as_deref().unwrap_or(b"null"));
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", self.objects.len() + 1);
        for offset in offsets {
            let _ = writeln!(table, "{offset:010} 00000 n ");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {} /Root {CATALOG} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.objects.len() + 1
        );
        out.extend_from_slice(table.as_bytes());
        out
    }
}

/// Appends `bytes` as a PDF literal string, escaping delimiters and non-ASCII bytes.
pub(crate) fn push_pdf_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            0x20..=0x7E => out.push(b),
            _ => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
        }
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_strings() {
        let mut out = Vec::new();
        push_pdf_string(&mut out, b"a(b)\\\xE9");
        assert_eq!(out, b"(a\\(b\\)\\\\\\351)");
    }
}
