//! Fonts of text PDFs: the shipped Liberation faces (Latin, Greek, Cyrillic), extra faces
//! from a font folder (`ConvertLimits::font_dir`), glyph lookup that fails clearly on text no
//! face can draw, and the record of used glyphs that the PDF writer subsets and maps back.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::rc::Rc;

use subsetter::GlyphRemapper;

use crate::ConvertError;

/// The style a piece of text asks for; which face draws it is decided per character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
    Italic,
    Mono,
}

// Liberation 2.1.5 (SIL OFL 1.1, see fonts/LICENSE): metric-compatible with Helvetica and
// Courier, so pages look as they did with the standard fonts. Italic is the regular face
// slanted, which saves shipping a fourth file.
static SANS: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");
static MONO: &[u8] = include_bytes!("../fonts/LiberationMono-Regular.ttf");

const SANS_FACE: usize = 0;
const BOLD_FACE: usize = 1;
const MONO_FACE: usize = 2;

/// Files in the font folder larger than this are skipped: no real font is that big, and a
/// conversion must not read a huge file by accident.
const MAX_FONT_FILE: u64 = 64 * 1024 * 1024;
const MAX_FACES_PER_FILE: u32 = 64;

impl Font {
    /// The shipped face tried first for this style.
    fn face(self) -> usize {
        match self {
            Font::Regular | Font::Italic => SANS_FACE,
            Font::Bold => BOLD_FACE,
            Font::Mono => MONO_FACE,
        }
    }
}

/// Which face draws a run, and in which style (a face without a bold or italic variant is
/// emboldened or slanted when drawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextFont {
    pub face: usize,
    pub style: Font,
}

/// One glyph as laid out: its id in the subset font, and its advance in 1/1000 em.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Glyph {
    pub id: u16,
    pub width: u16,
    pub space: bool,
}

/// Width of `glyphs` at `size` points.
pub(crate) fn measure(glyphs: &[Glyph], size: f32) -> f32 {
    let units: u32 = glyphs.iter().map(|g| u32::from(g.width)).sum();
    units as f32 * size / 1000.0
}

/// The bytes of a font file: the shipped ones are static, a folder's are shared between the
/// faces of one collection.
#[derive(Clone)]
enum FontData {
    Static(&'static [u8]),
    Loaded(Rc<[u8]>),
}

impl FontData {
    fn bytes(&self) -> &[u8] {
        match self {
            FontData::Static(b) => b,
            FontData::Loaded(b) => b,
        }
    }
}

/// A used glyph: its advance and the text it stands for (for the ToUnicode map).
#[derive(Debug, Clone)]
pub(crate) struct UsedGlyph {
    pub width: u16,
    pub text: char,
}

struct Face {
    data: FontData,
    index: u32,
    /// PostScript name, reduced to characters a PDF name can hold unescaped.
    name: String,
    units_per_em: f32,
    /// Ascent, descent, cap height and bounding box in 1/1000 em, for the font descriptor.
    ascent: i32,
    descent: i32,
    cap_height: i32,
    bbox: [i32; 4],
    monospaced: bool,
    /// True when the face itself is bold (no emboldening needed).
    bold: bool,
    cmap: HashMap<char, Option<(u16, u16)>>,
    remapper: GlyphRemapper,
    /// New (subset) glyph id → what it draws.
    used: BTreeMap<u16, UsedGlyph>,
}

impl Face {
    fn parse(data: FontData, index: u32, bold: bool) -> Option<Face> {
        let face = ttf_parser::Face::parse(data.bytes(), index).ok()?;
        // Only TrueType outlines: they embed as CIDFontType2 in any PDF version.
        face.tables().glyf?;
        let upem = f32::from(face.units_per_em().max(1));
        let scale = |v: i16| (f32::from(v) * 1000.0 / upem).round() as i32;
        let name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .map(|n| {
                n.chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .take(60)
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Font".to_owned());
        let b = face.global_bounding_box();
        let ascent = scale(face.ascender());
        Some(Face {
            name,
            units_per_em: upem,
            ascent,
            descent: scale(face.descender()),
            cap_height: face.capital_height().map_or(ascent, scale),
            bbox: [
                scale(b.x_min),
                scale(b.y_min),
                scale(b.x_max),
                scale(b.y_max),
            ],
            monospaced: face.is_monospaced(),
            bold,
            cmap: HashMap::new(),
            remapper: GlyphRemapper::new(),
            used: BTreeMap::new(),
            data,
            index,
        })
    }

    /// The original glyph id and advance (1/1000 em) of `c`, if the face has it.
    fn lookup(&mut self, c: char) -> Option<(u16, u16)> {
        if let Some(hit) = self.cmap.get(&c) {
            return *hit;
        }
        let found = ttf_parser::Face::parse(self.data.bytes(), self.index)
            .ok()
            .and_then(|face| {
                // Glyph 0 is .notdef, the "missing" box: some cmaps map characters to it.
                let gid = face.glyph_index(c).filter(|g| g.0 != 0)?;
                // A mapped glyph without an advance is a broken font: treat it as missing.
                let advance = face.glyph_hor_advance(gid)?;
                let width = (f32::from(advance) * 1000.0 / self.units_per_em).round();
                Some((gid.0, width.clamp(0.0, f32::from(u16::MAX)) as u16))
            });
        self.cmap.insert(c, found);
        found
    }

    /// Records `c` (found as `gid`) as drawn and returns its glyph in the subset.
    fn use_glyph(&mut self, c: char, gid: u16, width: u16) -> Glyph {
        let id = self.remapper.remap(gid);
        self.used.entry(id).or_insert(UsedGlyph { width, text: c });
        Glyph {
            id,
            width,
            space: c == ' ',
        }
    }
}

/// The faces of one conversion and the glyphs it used.
pub(crate) struct Fonts {
    faces: Vec<Face>,
    font_dir: Option<std::path::PathBuf>,
    dir_loaded: bool,
}

impl Fonts {
    /// The shipped faces; `font_dir`'s faces are read only when a character needs them.
    pub(crate) fn new(font_dir: Option<&Path>) -> Result<Fonts, ConvertError> {
        let shipped = [(SANS, false), (SANS_BOLD, true), (MONO, false)];
        let mut faces = Vec::with_capacity(shipped.len());
        for (data, bold) in shipped {
            let face = Face::parse(FontData::Static(data), 0, bold)
                .ok_or_else(|| ConvertError::Io("a shipped font cannot be read".into()))?;
            faces.push(face);
        }
        Ok(Fonts {
            faces,
            font_dir: font_dir.map(Path::to_path_buf),
            dir_loaded: false,
        })
    }

    /// Reads every TrueType face of the font folder (sorted by file name, so the choice of
    /// face is the same on every run). Unreadable or unsuitable files are skipped.
    fn load_dir(&mut self) {
        self.dir_loaded = true;
        let Some(dir) = &self.font_dir else { return };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    ["ttf", "ttc", "otf", "otc"].contains(&e.to_ascii_lowercase().as_str())
                })
            })
            .collect();
        paths.sort();
        for path in paths {
            let small =
                std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_FONT_FILE);
            let Some(bytes) = small.then(|| std::fs::read(&path).ok()).flatten() else {
                continue;
            };
            let data: Rc<[u8]> = Rc::from(bytes);
            // A collection's count comes from its header: a damaged one must not mean billions
            // of attempts.
            let count = ttf_parser::fonts_in_collection(&data)
                .unwrap_or(1)
                .min(MAX_FACES_PER_FILE);
            for index in 0..count {
                if let Some(face) = Face::parse(FontData::Loaded(Rc::clone(&data)), index, false) {
                    self.faces.push(face);
                }
            }
        }
    }

    /// The face that draws `c` in `style`: the style's own face, then the other shipped
    /// faces, then the font folder's in order.
    fn find(&mut self, c: char, style: Font) -> Option<(usize, u16, u16)> {
        let preferred = style.face();
        let order =
            std::iter::once(preferred).chain((0..self.faces.len()).filter(|&i| i != preferred));
        for i in order.collect::<Vec<_>>() {
            if let Some((gid, width)) = self.faces[i].lookup(c) {
                return Some((i, gid, width));
            }
        }
        if self.dir_loaded {
            return None;
        }
        let before = self.faces.len();
        self.load_dir();
        (before..self.faces.len())
            .find_map(|i| self.faces[i].lookup(c).map(|(gid, width)| (i, gid, width)))
    }

    /// Turns `text` into runs of glyphs, one run per face. Tabs become spaces; control and
    /// invisible formatting characters are dropped. Fails on the first character that needs
    /// shaping or that no face has.
    pub(crate) fn glyphs(
        &mut self,
        style: Font,
        text: &str,
    ) -> Result<Vec<(TextFont, Vec<Glyph>)>, ConvertError> {
        let mut runs: Vec<(TextFont, Vec<Glyph>)> = Vec::new();
        for c in text.chars() {
            let c = if c == '\t' { ' ' } else { c };
            if c.is_control() || is_ignorable(c) {
                continue;
            }
            if let Some(script) = needs_shaping(c) {
                return Err(ConvertError::InvalidInput(format!(
                    "The text contains “{c}” ({}, {script} script): PDF output cannot draw {script} yet, \
                     because its letters must be joined or reordered. Convert the file to HTML instead.",
                    code_point(c)
                )));
            }
            let Some((face, gid, width)) = self.find(c, style) else {
                return Err(ConvertError::InvalidInput(format!(
                    "The text contains “{c}” ({}), which no font on this server can draw in a PDF. \
                     Convert the file to HTML instead, or ask the server's administrator to add a \
                     font for it.",
                    code_point(c)
                )));
            };
            let glyph = self.faces[face].use_glyph(c, gid, width);
            let font = TextFont { face, style };
            match runs.last_mut().filter(|(f, _)| *f == font) {
                Some((_, glyphs)) => glyphs.push(glyph),
                None => runs.push((font, vec![glyph])),
            }
        }
        Ok(runs)
    }

    /// The space glyph of `face` (recorded as used), if the face has one.
    pub(crate) fn space(&mut self, face: usize) -> Option<Glyph> {
        let f = self.faces.get_mut(face)?;
        let (gid, width) = f.lookup(' ')?;
        Some(f.use_glyph(' ', gid, width))
    }

    /// True when drawing `font` must embolden its face (the face itself is not bold).
    pub(crate) fn fake_bold(&self, font: TextFont) -> bool {
        font.style == Font::Bold && self.faces.get(font.face).is_some_and(|f| !f.bold)
    }

    /// The faces that drew something, subset to the glyphs used, ready to embed.
    pub(crate) fn embedded(&self) -> Result<Vec<EmbeddedFace>, ConvertError> {
        let mut out = Vec::new();
        for (i, face) in self.faces.iter().enumerate() {
            if face.used.is_empty() {
                continue;
            }
            let program = subsetter::subset(face.data.bytes(), face.index, &face.remapper)
                .map_err(|e| {
                    ConvertError::InvalidInput(format!(
                        "The font {} cannot be embedded: {e}.",
                        face.name
                    ))
                })?;
            out.push(EmbeddedFace {
                face: i,
                name: format!("{}+{}", subset_tag(i, &face.used), face.name),
                program,
                glyphs: face.used.clone(),
                ascent: face.ascent,
                descent: face.descent,
                cap_height: face.cap_height,
                bbox: face.bbox,
                monospaced: face.monospaced,
            });
        }
        Ok(out)
    }
}

/// A face to write into the PDF: its subset program and what the descriptor needs.
pub(crate) struct EmbeddedFace {
    pub face: usize,
    /// `TAG+PostScriptName`, the convention for subset fonts.
    pub name: String,
    pub program: Vec<u8>,
    pub glyphs: BTreeMap<u16, UsedGlyph>,
    pub ascent: i32,
    pub descent: i32,
    pub cap_height: i32,
    pub bbox: [i32; 4],
    pub monospaced: bool,
}

/// Six capital letters that differ between subsets of one font (PDF 32000-1, 9.6.4), derived
/// from the glyphs so that the same input gives the same file.
fn subset_tag(face: usize, used: &BTreeMap<u16, UsedGlyph>) -> String {
    // FNV-1a over the face number and the used characters.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |v: u32| {
        for b in v.to_le_bytes() {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(face as u32);
    for (id, g) in used {
        feed(u32::from(*id));
        feed(g.text as u32);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Invisible formatting characters (soft hyphen, zero-width spaces and joiners, direction
/// marks, variation selectors, BOM): they draw nothing, so they are dropped, not refused.
fn is_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0xFE00..=0xFE0F | 0xFEFF | 0xE0000..=0xE0FFF)
}

/// The script of `c` when it needs shaping (contextual forms, reordering, conjuncts or
/// right-to-left order), which this writer does not do: such text would come out wrong.
pub(crate) fn needs_shaping(c: char) -> Option<&'static str> {
    let script = match c as u32 {
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => "Hebrew",
        0x0600..=0x06FF | 0x0750..=0x077F | 0x0870..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFE => {
            "Arabic"
        }
        0x0700..=0x074F | 0x0860..=0x086F => "Syriac",
        0x0780..=0x07BF => "Thaana",
        0x07C0..=0x07FF => "N'Ko",
        0x0800..=0x085F => "Samaritan or Mandaic",
        0x0900..=0x097F | 0xA8E0..=0xA8FF => "Devanagari",
        0x0980..=0x09FF => "Bengali",
        0x0A00..=0x0A7F => "Gurmukhi",
        0x0A80..=0x0AFF => "Gujarati",
        0x0B00..=0x0B7F => "Oriya",
        0x0B80..=0x0BFF => "Tamil",
        0x0C00..=0x0C7F => "Telugu",
        0x0C80..=0x0CFF => "Kannada",
        0x0D00..=0x0D7F => "Malayalam",
        0x0D80..=0x0DFF => "Sinhala",
        0x0E00..=0x0E7F => "Thai",
        0x0E80..=0x0EFF => "Lao",
        0x0F00..=0x0FFF => "Tibetan",
        0x1000..=0x109F | 0xA9E0..=0xA9FF | 0xAA60..=0xAA7F => "Myanmar",
        0x1100..=0x11FF | 0xD7B0..=0xD7FF => "Hangul Jamo",
        0x1780..=0x17FF | 0x19E0..=0x19FF => "Khmer",
        0x1800..=0x18AF => "Mongolian",
        0x10800..=0x10FFF => "right-to-left historic",
        0x11000..=0x11FFF => "Brahmic historic",
        _ => return None,
    };
    Some(script)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_faces_keep_the_standard_metrics() {
        let mut fonts = Fonts::new(None).expect("shipped fonts");
        let width = |fonts: &mut Fonts, style, text| {
            let runs = fonts.glyphs(style, text).expect("drawable");
            runs.iter()
                .map(|(_, g)| g.iter().map(|g| u32::from(g.width)).sum::<u32>())
                .sum::<u32>()
        };
        // Helvetica's and Courier's AFM widths.
        assert_eq!(width(&mut fonts, Font::Regular, "W"), 944);
        assert_eq!(width(&mut fonts, Font::Bold, "m"), 889);
        assert_eq!(width(&mut fonts, Font::Mono, "Ж"), 600);
    }

    #[test]
    fn polish_greek_and_russian_come_from_the_shipped_faces() {
        let mut fonts = Fonts::new(None).expect("shipped fonts");
        for text in [
            "Zażółć gęślą jaźń",
            "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία",
            "Съешь же ещё этих мягких булок",
        ] {
            let runs = fonts.glyphs(Font::Regular, text).expect("drawable");
            assert!(runs.iter().all(|(f, _)| f.face == SANS_FACE), "{text}");
        }
    }

    #[test]
    fn invisible_characters_are_dropped_and_tabs_are_spaces() {
        let mut fonts = Fonts::new(None).expect("shipped fonts");
        let runs = fonts
            .glyphs(Font::Mono, "a\u{200B}\tb\u{7}\u{FEFF}")
            .expect("drawable");
        let glyphs: Vec<_> = runs.into_iter().flat_map(|(_, g)| g).collect();
        assert_eq!(glyphs.len(), 3);
        assert!(glyphs[1].space);
    }

    #[test]
    fn scripts_that_need_shaping_fail_naming_the_character() {
        let mut fonts = Fonts::new(None).expect("shipped fonts");
        let err = fonts
            .glyphs(Font::Regular, "abc مرحبا")
            .expect_err("Arabic");
        let message = err.to_string();
        assert!(
            message.contains("U+0645") && message.contains("Arabic"),
            "{message}"
        );
        let err = fonts.glyphs(Font::Regular, "नमस्ते").expect_err("Devanagari");
        assert!(err.to_string().contains("U+0928"), "{err}");
        let err = fonts.glyphs(Font::Regular, "שלום").expect_err("Hebrew");
        assert!(err.to_string().contains("Hebrew"), "{err}");
    }

    #[test]
    fn characters_no_face_has_fail_naming_the_first() {
        let mut fonts = Fonts::new(None).expect("shipped fonts");
        let err = fonts
            .glyphs(Font::Regular, "ok 中文")
            .expect_err("no CJK face");
        assert!(err.to_string().contains("“中” (U+4E2D)"), "{err}");
    }
}
