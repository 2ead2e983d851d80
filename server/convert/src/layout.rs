//! Lays text blocks out on A4 pages: word wrapping, page breaks, PDF content streams.

use crate::fonts::{measure, Font, Fonts, Glyph, TextFont};
use crate::pdf::{deflate, push_glyph_string, A4};
use crate::{check_deadline, ConvertError, ConvertLimits};

const MARGIN: f32 = 56.0; // about 2 cm
const LINE_FACTOR: f32 = 1.3;
/// Slant of synthetic italics: tan(12°).
const OBLIQUE: f32 = 0.2126;
/// Stroke width of synthetic bold, as a fraction of the font size.
const EMBOLDEN: f32 = 0.03;
/// Gap standing for a space in a face that has no space glyph, in 1/1000 em.
const SPACE_UNITS: u16 = 278;

/// A run of text in one font.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub text: String,
    pub font: Font,
}

/// How a block's text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Words wrapped to the width; whitespace collapses.
    Flow,
    /// Lines kept as they are, wrapped only when too long.
    Preformatted,
    /// A horizontal line; no text.
    Rule,
}

/// A paragraph-like unit: spans of text plus its position and spacing.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub spans: Vec<Span>,
    pub size: f32,
    pub indent: f32,
    pub space_before: f32,
    pub kind: Kind,
    /// Drawn left of the first line (a bullet or a number).
    pub marker: Option<String>,
}

impl Block {
    pub(crate) fn new(kind: Kind, size: f32) -> Self {
        Block {
            spans: Vec::new(),
            size,
            indent: 0.0,
            space_before: 0.0,
            kind,
            marker: None,
        }
    }
}

/// One positioned run of glyphs in one face on a line.
struct Piece {
    x: f32,
    font: TextFont,
    glyphs: Vec<Glyph>,
}

/// Accumulates content streams, one per page.
struct Pages {
    done: Vec<Vec<u8>>,
    current: Vec<u8>,
    y: f32,
    fresh: bool,
}

impl Pages {
    fn new() -> Self {
        Pages {
            done: Vec::new(),
            current: Vec::new(),
            y: A4.1 - MARGIN,
            fresh: true,
        }
    }

    fn new_page(&mut self) {
        // Compressed as soon as it is done: four hex digits per glyph add up on long inputs.
        self.done.push(deflate(&std::mem::take(&mut self.current)));
        self.y = A4.1 - MARGIN;
        self.fresh = true;
    }

    /// Moves down by `height`, starting a new page first when it would not fit.
    fn advance(&mut self, height: f32) {
        if self.y - height < MARGIN && !self.fresh {
            self.new_page();
        }
        self.y -= height;
        self.fresh = false;
    }

    fn space(&mut self, gap: f32) {
        if !self.fresh {
            self.y -= gap;
        }
    }

    fn draw_line(&mut self, pieces: &[Piece], size: f32, fonts: &Fonts) {
        self.advance(size * LINE_FACTOR);
        let baseline = self.y + size * 0.25;
        for p in pieces.iter().filter(|p| !p.glyphs.is_empty()) {
            // Faces without a bold or italic variant are stroked or slanted instead.
            let bold = fonts.fake_bold(p.font);
            let slant = if p.font.style == Font::Italic {
                OBLIQUE
            } else {
                0.0
            };
            let head = format!(
                "{}BT /F{} {size:.1} Tf 1 0 {slant:.4} 1 {:.2} {baseline:.2} Tm ",
                if bold {
                    format!("q 2 Tr {:.3} w ", size * EMBOLDEN)
                } else {
                    String::new()
                },
                p.font.face,
                p.x
            );
            self.current.extend_from_slice(head.as_bytes());
            push_glyph_string(&mut self.current, p.glyphs.iter().map(|g| g.id));
            self.current
                .extend_from_slice(if bold { b" Tj ET Q\n" } else { b" Tj ET\n" });
        }
    }

    fn draw_rule(&mut self, indent: f32) {
        self.advance(12.0);
        let y = self.y + 6.0;
        let rule = format!(
            "q 0.6 G 0.75 w {:.2} {y:.2} m {:.2} {y:.2} l S Q\n",
            MARGIN + indent,
            A4.0 - MARGIN
        );
        self.current.extend_from_slice(rule.as_bytes());
    }

    fn finish(mut self) -> Vec<Vec<u8>> {
        if !self.current.is_empty() || self.done.is_empty() {
            self.done.push(deflate(&self.current));
        }
        self.done
    }
}

/// A word: runs in possibly different faces or styles with no whitespace between them.
type Word = Vec<(TextFont, Vec<Glyph>)>;

fn words_of(spans: &[Span], fonts: &mut Fonts) -> Result<Vec<Word>, ConvertError> {
    let mut words = Vec::new();
    let mut word: Word = Vec::new();
    for span in spans {
        for (i, part) in span.text.split(char::is_whitespace).enumerate() {
            if i > 0 && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            for (font, glyphs) in fonts.glyphs(span.font, part)? {
                match word.last_mut().filter(|(f, _)| *f == font) {
                    Some((_, last)) => last.extend(glyphs),
                    None => word.push((font, glyphs)),
                }
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

/// Builds the lines of a flowing block, each a list of runs with their x offsets.
fn flow_lines(
    block: &Block,
    width: f32,
    fonts: &mut Fonts,
) -> Result<Vec<Vec<Piece>>, ConvertError> {
    let size = block.size;
    let mut lines = Vec::new();
    let mut line: Vec<Piece> = Vec::new();
    let mut x = 0.0f32;
    for word in words_of(&block.spans, fonts)? {
        // The space is drawn in the face of the word it precedes, so that same-face words
        // can share one text string.
        let Some(first_font) = word.first().map(|p| p.0) else {
            continue;
        };
        let space_glyph = fonts.space(first_font.face);
        let space = space_glyph.map_or(f32::from(SPACE_UNITS) * size / 1000.0, |g| {
            measure(&[g], size)
        });
        let word_width: f32 = word.iter().map(|(_, g)| measure(g, size)).sum();
        if !line.is_empty() && x + space + word_width > width {
            lines.push(std::mem::take(&mut line));
            x = 0.0;
        }
        let mut gap = !line.is_empty();
        for (font, glyphs) in word {
            // A run longer than the whole line is cut wherever it has to be.
            for chunk in split_to_width(&glyphs, size, width) {
                let w = measure(&chunk, size);
                let extra = if gap { space } else { 0.0 };
                if x > 0.0 && x + extra + w > width + 0.01 {
                    lines.push(std::mem::take(&mut line));
                    x = 0.0;
                    gap = false;
                }
                let extra = if gap { space } else { 0.0 };
                let joinable = |p: &&mut Piece| p.font == font && (!gap || space_glyph.is_some());
                match line.last_mut().filter(joinable) {
                    Some(last) => {
                        if let Some(g) = space_glyph.filter(|_| gap) {
                            last.glyphs.push(g);
                        }
                        last.glyphs.extend_from_slice(&chunk);
                    }
                    None => line.push(Piece {
                        x: x + extra,
                        font,
                        glyphs: chunk,
                    }),
                }
                x += w + extra;
                gap = false;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Splits `glyphs` into chunks that each fit `width` (at least one glyph per chunk).
fn split_to_width(glyphs: &[Glyph], size: f32, width: f32) -> Vec<Vec<Glyph>> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut used = 0.0f32;
    for &g in glyphs {
        let w = f32::from(g.width) * size / 1000.0;
        if !current.is_empty() && used + w > width {
            chunks.push(std::mem::take(&mut current));
            used = 0.0;
        }
        current.push(g);
        used += w;
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// Cuts a line of glyphs into pieces that fit `width`, after the last space that fits when
/// there is one, wherever it must otherwise (at least one glyph per piece).
fn wrap_at_spaces(items: &[(TextFont, Glyph)], size: f32, width: f32) -> Vec<&[(TextFont, Glyph)]> {
    let mut lines = Vec::new();
    let mut rest = items;
    while !rest.is_empty() {
        let mut used = 0.0f32;
        let mut fit = 0;
        for (_, g) in rest {
            used += f32::from(g.width) * size / 1000.0;
            if used > width && fit > 0 {
                break;
            }
            fit += 1;
        }
        let cut = match rest[..fit].iter().rposition(|(_, g)| g.space) {
            Some(space) if fit < rest.len() && space > 0 => space + 1,
            _ => fit,
        };
        let (line, tail) = rest.split_at(cut);
        lines.push(line);
        rest = tail;
    }
    lines
}

/// Places a row of glyphs from `x` on, one piece per run of the same face and style.
fn pieces_from(items: &[(TextFont, Glyph)], mut x: f32, size: f32) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    for &(font, g) in items {
        match pieces.last_mut().filter(|p| p.font == font) {
            Some(last) => last.glyphs.push(g),
            None => pieces.push(Piece {
                x,
                font,
                glyphs: vec![g],
            }),
        }
        x += f32::from(g.width) * size / 1000.0;
    }
    pieces
}

/// Lays out `blocks` on A4 pages; returns one compressed content stream per page (at least
/// one).
/// The glyphs drawn are recorded in `fonts`.
pub(crate) fn layout(
    blocks: &[Block],
    limits: &ConvertLimits,
    fonts: &mut Fonts,
) -> Result<Vec<Vec<u8>>, ConvertError> {
    let full_width = A4.0 - 2.0 * MARGIN;
    let mut pages = Pages::new();
    for (n, block) in blocks.iter().enumerate() {
        if n.is_multiple_of(64) {
            check_deadline(limits)?;
        }
        pages.space(block.space_before);
        let width = (full_width - block.indent).max(full_width / 4.0);
        let left = MARGIN + (full_width - width);
        match block.kind {
            Kind::Rule => pages.draw_rule(block.indent),
            Kind::Flow => {
                for (i, mut line) in flow_lines(block, width, fonts)?.into_iter().enumerate() {
                    for p in &mut line {
                        p.x += left;
                    }
                    if i == 0 {
                        if let Some(marker) = &block.marker {
                            let items: Vec<_> = fonts
                                .glyphs(Font::Regular, marker)?
                                .into_iter()
                                .flat_map(|(f, glyphs)| glyphs.into_iter().map(move |g| (f, g)))
                                .collect();
                            let w: f32 =
                                items.iter().map(|(_, g)| measure(&[*g], block.size)).sum();
                            let x = (left - w - 4.0).max(MARGIN);
                            line.extend(pieces_from(&items, x, block.size));
                        }
                    }
                    pages.draw_line(&line, block.size, fonts);
                }
            }
            Kind::Preformatted => {
                let font = block.spans.first().map_or(Font::Mono, |s| s.font);
                let text: String = block.spans.iter().map(|s| s.text.as_str()).collect();
                for (i, raw) in text.split('\n').enumerate() {
                    if i % 4096 == 4095 {
                        check_deadline(limits)?;
                    }
                    let items: Vec<_> = fonts
                        .glyphs(font, &expand_tabs(raw.trim_end_matches('\r')))?
                        .into_iter()
                        .flat_map(|(f, glyphs)| glyphs.into_iter().map(move |g| (f, g)))
                        .collect();
                    for row in wrap_at_spaces(&items, block.size, width) {
                        pages.draw_line(&pieces_from(row, left, block.size), block.size, fonts);
                    }
                    if items.is_empty() {
                        pages.draw_line(&[], block.size, fonts);
                    }
                }
            }
        }
    }
    Ok(pages.finish())
}

/// Replaces tabs by spaces up to the next multiple of 4 columns.
fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut col = 0usize;
    for c in line.chars() {
        if c == '\t' {
            let n = 4 - col % 4;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mono_items(fonts: &mut Fonts, text: &str) -> Vec<(TextFont, Glyph)> {
        fonts
            .glyphs(Font::Mono, text)
            .expect("drawable")
            .into_iter()
            .flat_map(|(f, glyphs)| glyphs.into_iter().map(move |g| (f, g)))
            .collect()
    }

    #[test]
    fn long_words_are_cut_to_fit() {
        let mut fonts = Fonts::new(None).expect("shipped fonts");
        let mut block = Block::new(Kind::Flow, 10.0);
        block.spans.push(Span {
            text: "x".repeat(500),
            font: Font::Regular,
        });
        let lines = flow_lines(&block, 100.0, &mut fonts).expect("laid out");
        assert!(lines.len() > 5);
        for line in &lines {
            let end: f32 = line
                .iter()
                .map(|p| p.x + measure(&p.glyphs, 10.0))
                .fold(0.0, f32::max);
            assert!(end <= 100.01, "line overflows: {end}");
        }
    }

    #[test]
    fn preformatted_lines_wrap_at_spaces() {
        let mut fonts = Fonts::new(None).expect("shipped fonts");
        let lengths = |items: &[(TextFont, Glyph)]| -> Vec<usize> {
            wrap_at_spaces(items, 10.0, 50.0)
                .iter()
                .map(|l| l.len())
                .collect()
        };
        // Courier's 600/1000 em at 10 pt: eight glyphs fit in 50 pt.
        assert_eq!(
            lengths(&mono_items(&mut fonts, "aaaa bbbb cccc")),
            vec![5, 5, 4]
        );
        assert_eq!(lengths(&mono_items(&mut fonts, "abcdefghijkl")), vec![8, 4]);
    }

    #[test]
    fn tabs_expand() {
        assert_eq!(expand_tabs("a\tb"), "a   b");
    }
}
