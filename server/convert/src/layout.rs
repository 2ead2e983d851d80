//! Lays text blocks out on A4 pages: word wrapping, page breaks, PDF content streams.

use crate::fonts::{encode, Font};
use crate::pdf::{push_pdf_string, A4};
use crate::{check_deadline, ConvertError, ConvertLimits};

const MARGIN: f32 = 56.0; // about 2 cm
const LINE_FACTOR: f32 = 1.3;

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

/// One positioned piece of encoded text on a line.
struct Piece {
    x: f32,
    font: Font,
    bytes: Vec<u8>,
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
        self.done.push(std::mem::take(&mut self.current));
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

    fn draw_line(&mut self, pieces: &[Piece], size: f32) {
        self.advance(size * LINE_FACTOR);
        let baseline = self.y + size * 0.25;
        for p in pieces.iter().filter(|p| !p.bytes.is_empty()) {
            let head = format!(
                "BT /{} {size:.1} Tf {:.2} {baseline:.2} Td ",
                p.font.resource(),
                p.x
            );
            self.current.extend_from_slice(head.as_bytes());
            push_pdf_string(&mut self.current, &p.bytes);
            self.current.extend_from_slice(b" Tj ET\n");
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
            self.done.push(self.current);
        }
        self.done
    }
}

/// A word: pieces in possibly different fonts with no whitespace between them.
type Word = Vec<(Font, Vec<u8>)>;

fn words_of(spans: &[Span]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut word: Word = Vec::new();
    for span in spans {
        for (i, part) in span.text.split(char::is_whitespace).enumerate() {
            if i > 0 && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            if !part.is_empty() {
                word.push((span.font, encode(part)));
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Builds the lines of a flowing block, each a list of (font, bytes) runs with their x offsets.
fn flow_lines(block: &Block, width: f32) -> Vec<Vec<Piece>> {
    let size = block.size;
    let mut lines = Vec::new();
    let mut line: Vec<Piece> = Vec::new();
    let mut x = 0.0f32;
    for word in words_of(&block.spans) {
        // The space is drawn in the font of the word it precedes, so that same-font words
        // can share one text string.
        let first_font = word.first().map_or(Font::Regular, |p| p.0);
        let space = first_font.measure(b" ", size);
        let word_width: f32 = word.iter().map(|(f, b)| f.measure(b, size)).sum();
        if !line.is_empty() && x + space + word_width > width {
            lines.push(std::mem::take(&mut line));
            x = 0.0;
        }
        let mut gap = !line.is_empty();
        for (font, bytes) in word {
            // A piece longer than the whole line is cut wherever it has to be.
            for chunk in split_to_width(font, &bytes, size, width) {
                let w = font.measure(&chunk, size);
                let extra = if gap { space } else { 0.0 };
                if x > 0.0 && x + extra + w > width + 0.01 {
                    lines.push(std::mem::take(&mut line));
                    x = 0.0;
                    gap = false;
                }
                match line.last_mut().filter(|p| p.font == font) {
                    Some(last) => {
                        if gap {
                            last.bytes.push(b' ');
                        }
                        last.bytes.extend_from_slice(&chunk);
                    }
                    None => line.push(Piece {
                        x: x + if gap { space } else { 0.0 },
                        font,
                        bytes: chunk,
                    }),
                }
                x += w + if gap { space } else { 0.0 };
                gap = false;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Splits `bytes` into chunks that each fit `width` (at least one byte per chunk).
fn split_to_width(font: Font, bytes: &[u8], size: f32, width: f32) -> Vec<Vec<u8>> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut used = 0.0f32;
    for &b in bytes {
        let w = f32::from(font.width(b)) * size / 1000.0;
        if !current.is_empty() && used + w > width {
            chunks.push(std::mem::take(&mut current));
            used = 0.0;
        }
        current.push(b);
        used += w;
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// Like [`split_to_width`], but breaks after the last space that fits when there is one.
fn wrap_at_spaces(font: Font, bytes: &[u8], size: f32, width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let mut used = 0.0f32;
        let mut fit = 0;
        for &b in rest {
            used += f32::from(font.width(b)) * size / 1000.0;
            if used > width && fit > 0 {
                break;
            }
            fit += 1;
        }
        let cut = match rest[..fit].iter().rposition(|&b| b == b' ') {
            Some(space) if fit < rest.len() && space > 0 => space + 1,
            _ => fit,
        };
        lines.push(rest[..cut].to_vec());
        rest = &rest[cut..];
    }
    lines
}

/// Lays out `blocks` on A4 pages; returns one content stream per page (at least one).
pub(crate) fn layout(
    blocks: &[Block],
    limits: &ConvertLimits,
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
                for (i, mut line) in flow_lines(block, width).into_iter().enumerate() {
                    for p in &mut line {
                        p.x += left;
                    }
                    if i == 0 {
                        if let Some(marker) = &block.marker {
                            let bytes = encode(marker);
                            let x = left - Font::Regular.measure(&bytes, block.size) - 4.0;
                            line.push(Piece {
                                x: x.max(MARGIN),
                                font: Font::Regular,
                                bytes,
                            });
                        }
                    }
                    pages.draw_line(&line, block.size);
                }
            }
            Kind::Preformatted => {
                let font = block.spans.first().map_or(Font::Mono, |s| s.font);
                let text: String = block.spans.iter().map(|s| s.text.as_str()).collect();
                for (i, raw) in text.split('\n').enumerate() {
                    if i % 4096 == 4095 {
                        check_deadline(limits)?;
                    }
                    let bytes = encode(&expand_tabs(raw.trim_end_matches('\r')));
                    for chunk in wrap_at_spaces(font, &bytes, block.size, width) {
                        pages.draw_line(
                            &[Piece {
                                x: left,
                                font,
                                bytes: chunk,
                            }],
                            block.size,
                        );
                    }
                    if bytes.is_empty() {
                        pages.draw_line(&[], block.size);
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

    #[test]
    fn long_words_are_cut_to_fit() {
        let mut block = Block::new(Kind::Flow, 10.0);
        block.spans.push(Span {
            text: "x".repeat(500),
            font: Font::Regular,
        });
        let lines = flow_lines(&block, 100.0);
        assert!(lines.len() > 5);
        for line in &lines {
            let end: f32 = line
                .iter()
                .map(|p| p.x + p.font.measure(&p.bytes, 10.0))
                .fold(0.0, f32::max);
            assert!(end <= 100.01, "line overflows: {end}");
        }
    }

    #[test]
    fn preformatted_lines_wrap_at_spaces() {
        let lines = wrap_at_spaces(Font::Mono, b"aaaa bbbb cccc", 10.0, 50.0);
        assert_eq!(
            lines,
            vec![b"aaaa ".to_vec(), b"bbbb ".to_vec(), b"cccc".to_vec()]
        );
        let long = wrap_at_spaces(Font::Mono, b"abcdefghijkl", 10.0, 50.0);
        assert_eq!(long, vec![b"abcdefgh".to_vec(), b"ijkl".to_vec()]);
    }

    #[test]
    fn tabs_expand() {
        assert_eq!(expand_tabs("a\tb"), "a   b");
    }
}
