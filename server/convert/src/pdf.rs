//! A minimal PDF 1.4 writer: pages of text in embedded subset fonts (Type0, Identity-H, with
//! a ToUnicode map so text copies and searches), or one Flate-compressed image.

use std::fmt::Write as _;

use crate::fonts::EmbeddedFace;

/// Page size of text documents: A4 in points.
pub(crate) const A4: (f32, f32) = (595.28, 841.89);

/// Largest page side PDF readers accept (PDF 1.4 implementation limit), in points.
const MAX_PAGE_SIDE: f32 = 14_400.0;

/// Collects objects in memory, then serialises them with a cross-reference table.
pub(crate) struct PdfBuilder {
    /// Object bodies; object number = index + 1. `None` until set.
    objects: Vec<Option<Vec<u8>>>,
    pages: Vec<u32>,
}

const CATALOG: u32 = 1;
const PAGES: u32 = 2;

impl PdfBuilder {
    pub(crate) fn new() -> Self {
        PdfBuilder {
            objects: vec![None, None],
            pages: Vec::new(),
        }
    }

    fn add(&mut self, body: Vec<u8>) -> u32 {
        self.objects.push(Some(body));
        // Object numbers stay far below u32::MAX: each needs at least one page of input.
        u32::try_from(self.objects.len()).unwrap_or(u32::MAX)
    }

    fn add_stream(&mut self, dict: &str, data: &[u8]) -> u32 {
        self.add_packed_stream(dict, &deflate(data))
    }

    /// Adds a stream whose data is already Flate-compressed (see [`deflate`]).
    fn add_packed_stream(&mut self, dict: &str, packed: &[u8]) -> u32 {
        let mut body = format!(
            "<< {dict} /Filter /FlateDecode /Length {} >>\nstream\n",
            packed.len()
        )
        .into_bytes();
        body.extend_from_slice(packed);
        body.extend_from_slice(b"\nendstream");
        self.add(body)
    }

    /// Writes the faces a document's text uses; returns the resource entry naming them
    /// (`/F0`, `/F1`… after the face numbers the content streams use).
    pub(crate) fn add_fonts(&mut self, faces: &[EmbeddedFace]) -> String {
        let mut dict = String::from("/Font <<");
        for face in faces {
            let id = self.add_font(face);
            let _ = write!(dict, " /F{} {id} 0 R", face.face);
        }
        dict.push_str(" >>");
        dict
    }

    fn add_font(&mut self, face: &EmbeddedFace) -> u32 {
        let file = self.add_stream(&format!("/Length1 {}", face.program.len()), &face.program);
        let [x0, y0, x1, y1] = face.bbox;
        // Flags: symbolic (glyphs addressed by id, not by a standard encoding), fixed pitch.
        let flags = 4 | u32::from(face.monospaced);
        let descriptor = self.add(
            format!(
                "<< /Type /FontDescriptor /FontName /{} /Flags {flags} /FontBBox [{x0} {y0} {x1} {y1}] \
                 /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 /FontFile2 {file} 0 R >>",
                face.name, face.ascent, face.descent, face.cap_height
            )
            .into_bytes(),
        );
        let cid_font = self.add(
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {descriptor} 0 R /CIDToGIDMap /Identity /W {} >>",
                face.name,
                widths(face)
            )
            .into_bytes(),
        );
        let to_unicode = self.add_stream("", to_unicode(face).as_bytes());
        self.add(
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{} /Encoding /Identity-H \
                 /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>",
                face.name
            )
            .into_bytes(),
        )
    }

    fn add_page(&mut self, size: (f32, f32), content_id: u32, resources: &str) {
        let page = format!(
            "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {:.2} {:.2}] /Resources << {resources} >> /Contents {content_id} 0 R >>",
            size.0, size.1
        );
        let id = self.add(page.into_bytes());
        self.pages.push(id);
    }

    /// Adds an A4 page whose content stream, compressed with [`deflate`], uses the fonts of
    /// `fonts` (from [`Self::add_fonts`]).
    pub(crate) fn add_text_page(&mut self, packed_content: &[u8], fonts: &str) {
        let content = self.add_packed_stream("", packed_content);
        self.add_page(A4, content, fonts);
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
        let content = self.add_stream("", content.as_bytes());
        self.add_page((w, h), content, &format!("/XObject << /Im1 {image} 0 R >>"));
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

/// Compresses stream data as `/FlateDecode` expects.
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// The CIDFont's `/W` array: runs of consecutive glyph ids with their widths.
fn widths(face: &EmbeddedFace) -> String {
    let mut out = String::from("[");
    let mut next: Option<u16> = None;
    for (i, (&id, glyph)) in face.glyphs.iter().enumerate() {
        if i > 0 && next == Some(id) {
            let _ = write!(out, " {}", glyph.width);
        } else {
            if i > 0 {
                out.push(']');
            }
            let _ = write!(out, " {id} [{}", glyph.width);
        }
        next = id.checked_add(1);
    }
    if !face.glyphs.is_empty() {
        out.push(']');
    }
    out.push_str(" ]");
    out
}

/// The ToUnicode CMap: each glyph id back to the character it was chosen for, so that text
/// copied or searched in a reader is the original text.
fn to_unicode(face: &EmbeddedFace) -> String {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<_> = face.glyphs.iter().collect();
    // At most 100 entries per bfchar section (PDF 32000-1, 9.10.3).
    for chunk in entries.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", chunk.len());
        for (id, glyph) in chunk {
            let mut units = [0u16; 2];
            let utf16: String = glyph
                .text
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(out, "<{id:04X}> <{utf16}>");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n");
    out
}

/// Appends glyph ids as a hex string for an Identity-H font (two bytes per glyph).
pub(crate) fn push_glyph_string(out: &mut Vec<u8>, ids: impl IntoIterator<Item = u16>) {
    out.push(b'<');
    for id in ids {
        out.extend_from_slice(format!("{id:04X}").as_bytes());
    }
    out.push(b'>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_strings_are_hex() {
        let mut out = Vec::new();
        push_glyph_string(&mut out, [1, 0x2A, 0xFFFF]);
        assert_eq!(out, b"<0001002AFFFF>");
    }
}
