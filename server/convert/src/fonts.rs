//! The PDF standard fonts used for text pages: names, WinAnsi encoding and glyph widths.

/// A standard Type 1 font (no embedding needed; every PDF reader has the metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
    Italic,
    Mono,
}

impl Font {
    pub(crate) const ALL: [Font; 4] = [Font::Regular, Font::Bold, Font::Italic, Font::Mono];

    /// The resource name page content refers to the font by.
    pub(crate) fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
            Font::Italic => "F3",
            Font::Mono => "F4",
        }
    }

    pub(crate) fn base_font(self) -> &'static str {
        match self {
            Font::Regular => "Helvetica",
            Font::Bold => "Helvetica-Bold",
            Font::Italic => "Helvetica-Oblique",
            Font::Mono => "Courier",
        }
    }

    /// Advance width of one WinAnsi byte, in 1/1000 of the font size.
    pub(crate) fn width(self, byte: u8) -> u16 {
        let ascii = |table: &[u16; 95]| table[usize::from(byte - 32)];
        match (self, byte) {
            (Font::Mono, _) => 600,
            (Font::Bold, 32..=126) => ascii(&HELVETICA_BOLD),
            (_, 32..=126) => ascii(&HELVETICA),
            // Outside ASCII an upper bound is enough: wrapping only needs not to overflow.
            (_, 0x85 | 0x89 | 0x8C | 0x97 | 0x99 | 0xC6) => 1000,
            (Font::Bold, _) => 611,
            _ => 667,
        }
    }

    /// Width of `text` (WinAnsi bytes) at `size` points.
    pub(crate) fn measure(self, text: &[u8], size: f32) -> f32 {
        let units: u32 = text.iter().map(|&b| u32::from(self.width(b))).sum();
        units as f32 * size / 1000.0
    }
}

/// Maps a character to WinAnsiEncoding (what the standard fonts can show); anything else
/// becomes `?` so that no input can break the page.
pub(crate) fn to_winansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{A0}'..='\u{FF}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => b'?',
    }
}

/// Encodes a string for the standard fonts; tabs become spaces, other controls are dropped.
pub(crate) fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(b' '),
            c if c.is_control() => None,
            c => Some(to_winansi(c)),
        })
        .collect()
}

// Glyph widths of codes 32..=126 from the Adobe AFM files of the standard 14 fonts.
#[rustfmt::skip]
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_encoding() {
        assert_eq!(Font::Regular.width(b'W'), 944);
        assert_eq!(Font::Bold.width(b'm'), 889);
        assert_eq!(Font::Regular.width(b'~'), 584);
        assert_eq!(encode("é€\u{4e2d}\t\u{7}"), vec![0xE9, 0x80, b'?', b' ']);
    }
}
