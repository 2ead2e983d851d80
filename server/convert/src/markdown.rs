//! Markdown: to a safe standalone HTML page, and to text blocks for the PDF layout.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::fonts::Font;
use crate::layout::{Block, Kind, Span};
use crate::text::html_page;
use crate::{check_deadline, ConvertError, ConvertLimits};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

/// True for URLs that cannot run code: relative ones and a few plain schemes.
fn is_safe_url(url: &str, allowed: &[&str]) -> bool {
    // Browsers ignore whitespace and controls inside a scheme ("java\tscript:"), so must we.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned[i..].starts_with(':') => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            allowed.contains(&scheme.as_str())
        }
        _ => true,
    }
}

/// Markdown to a complete HTML5 document. Raw HTML is shown as text, never passed through,
/// and link/image URLs with script-capable schemes are dropped.
pub(crate) fn md_to_html(markdown: &str, limits: &ConvertLimits) -> Result<String, ConvertError> {
    let mut title: Option<String> = None;
    let mut in_heading = false;
    let mut events = Vec::new();
    for (n, event) in Parser::new_ext(markdown, options()).enumerate() {
        if n % 4096 == 4095 {
            check_deadline(limits)?;
        }
        let event = match event {
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::CodeBlock),
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = if is_safe_url(&dest_url, &["http", "https", "mailto"]) {
                    dest_url
                } else {
                    CowStr::Borrowed("#")
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = if is_safe_url(&dest_url, &["http", "https"]) {
                    dest_url
                } else {
                    CowStr::Borrowed("")
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Heading { .. }) if title.is_none() => {
                in_heading = true;
                title = Some(String::new());
                event
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                event
            }
            Event::Text(ref t) | Event::Code(ref t) if in_heading => {
                if let Some(title) = title.as_mut() {
                    title.push_str(t);
                }
                event
            }
            other => other,
        };
        events.push(event);
    }
    let mut body = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut body, events.into_iter());
    let title = title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Document".into());
    Ok(html_page(title.trim(), &body))
}

const BODY_SIZE: f32 = 11.0;
const INDENT: f32 = 18.0;

/// Walks Markdown events and builds layout blocks.
struct BlockBuilder {
    blocks: Vec<Block>,
    current: Option<Block>,
    bold: usize,
    italic: usize,
    quote: usize,
    /// One entry per open list: the next number of an ordered list.
    lists: Vec<Option<u64>>,
    marker: Option<String>,
    heading_size: Option<f32>,
    code: Option<Block>,
    table_head: bool,
}

impl BlockBuilder {
    fn indent(&self) -> f32 {
        (self.lists.len() + self.quote) as f32 * INDENT
    }

    fn font(&self) -> Font {
        if self.bold > 0 || self.heading_size.is_some() || self.table_head {
            Font::Bold
        } else if self.italic > 0 || self.quote > 0 {
            Font::Italic
        } else {
            Font::Regular
        }
    }

    fn flush(&mut self) {
        if let Some(block) = self.current.take() {
            if block.spans.iter().any(|s| !s.text.trim().is_empty()) || block.marker.is_some() {
                self.blocks.push(block);
            }
        }
    }

    fn start(&mut self, size: f32, space_before: f32) {
        // An item's paragraph reuses the still-empty block that carries the item's marker.
        if let Some(block) = self.current.as_mut().filter(|b| b.spans.is_empty()) {
            block.size = size;
            block.space_before = block.space_before.max(space_before);
            if block.marker.is_none() {
                block.marker = self.marker.take();
            }
            return;
        }
        self.flush();
        let mut block = Block::new(Kind::Flow, size);
        block.indent = self.indent();
        block.space_before = space_before;
        block.marker = self.marker.take();
        self.current = Some(block);
    }

    fn push(&mut self, text: &str, font: Font) {
        if let Some(code) = self.code.as_mut() {
            code.spans.push(Span {
                text: text.to_owned(),
                font: Font::Mono,
            });
            return;
        }
        if self.current.is_none() {
            self.start(self.heading_size.unwrap_or(BODY_SIZE), 4.0);
        }
        if let Some(block) = self.current.as_mut() {
            block.spans.push(Span {
                text: text.to_owned(),
                font,
            });
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start_tag(tag),
            Event::End(tag) => self.end_tag(tag),
            Event::Text(t) => self.push(&t, self.font()),
            Event::Code(t) => self.push(&t, Font::Mono),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push(&t, Font::Mono),
            // Raw HTML has no meaning on paper; it is left out.
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::FootnoteReference(name) => self.push(&format!("[{name}]"), Font::Regular),
            Event::SoftBreak => self.push(" ", self.font()),
            Event::HardBreak => {
                let (size, space) = (self.current.as_ref().map_or(BODY_SIZE, |b| b.size), 0.0);
                self.start(size, space);
            }
            Event::Rule => {
                self.flush();
                let mut rule = Block::new(Kind::Rule, BODY_SIZE);
                rule.indent = self.indent();
                rule.space_before = 4.0;
                self.blocks.push(rule);
            }
            Event::TaskListMarker(done) => {
                self.push(if done { "[x] " } else { "[ ] " }, Font::Mono)
            }
        }
    }

    fn start_tag(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.start(BODY_SIZE, 6.0),
            Tag::Heading { level, .. } => {
                let size = match level {
                    HeadingLevel::H1 => 20.0,
                    HeadingLevel::H2 => 16.0,
                    HeadingLevel::H3 => 14.0,
                    HeadingLevel::H4 => 12.0,
                    _ => BODY_SIZE,
                };
                self.heading_size = Some(size);
                self.start(size, size * 0.8);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            Tag::CodeBlock(_) | Tag::HtmlBlock => {
                self.flush();
                let mut block = Block::new(Kind::Preformatted, 9.5);
                block.indent = self.indent() + 8.0;
                block.space_before = 6.0;
                self.code = Some(block);
            }
            Tag::List(first) => {
                self.flush();
                self.lists.push(first);
            }
            Tag::Item => {
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        *n += 1;
                        m
                    }
                    _ => "•".to_owned(),
                };
                self.flush();
                self.marker = Some(marker);
                self.start(BODY_SIZE, 2.0);
            }
            Tag::Table(_) => self.flush(),
            Tag::TableHead => {
                self.table_head = true;
                self.start(BODY_SIZE, 4.0);
            }
            Tag::TableRow => self.start(BODY_SIZE, 2.0),
            Tag::TableCell if self.current.as_ref().is_some_and(|b| !b.spans.is_empty()) => {
                self.push("  |  ", Font::Regular);
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Image { .. } => self.push("[image: ", Font::Italic),
            Tag::FootnoteDefinition(name) => {
                self.start(BODY_SIZE - 1.0, 6.0);
                self.push(&format!("[{name}] "), Font::Regular);
            }
            _ => {}
        }
    }

    fn end_tag(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::TableRow => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.heading_size = None;
            }
            TagEnd::TableHead => {
                self.flush();
                self.table_head = false;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                if let Some(mut block) = self.code.take() {
                    if let Some(last) = block.spans.last_mut() {
                        let trimmed = last.text.trim_end_matches('\n').len();
                        last.text.truncate(trimmed);
                    }
                    self.blocks.push(block);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Image => self.push("]", Font::Italic),
            _ => {}
        }
    }
}

/// Markdown to layout blocks: headings larger and bold, lists with markers, quotes indented.
pub(crate) fn md_blocks(
    markdown: &str,
    limits: &ConvertLimits,
) -> Result<Vec<Block>, ConvertError> {
    let mut builder = BlockBuilder {
        blocks: Vec::new(),
        current: None,
        bold: 0,
        italic: 0,
        quote: 0,
        lists: Vec::new(),
        marker: None,
        heading_size: None,
        code: None,
        table_head: false,
    };
    for (n, event) in Parser::new_ext(markdown, options()).enumerate() {
        if n % 4096 == 4095 {
            check_deadline(limits)?;
        }
        builder.event(event);
    }
    builder.flush();
    Ok(builder.blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_urls_are_detected() {
        let allowed = ["http", "https", "mailto"];
        assert!(is_safe_url("https://example.com", &allowed));
        assert!(is_safe_url("/relative:path", &allowed));
        assert!(is_safe_url("#anchor", &allowed));
        assert!(!is_safe_url("javascript:alert(1)", &allowed));
        assert!(!is_safe_url("JaVa\tScRiPt:alert(1)", &allowed));
        assert!(!is_safe_url("data:text/html,x", &allowed));
    }
}
