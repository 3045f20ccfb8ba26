//! Markdown → document model, with pulldown-cmark.

use std::collections::HashSet;
use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::error::{Error, Location, Result, Warning};
use crate::model::{plain_text, Block, Heading, Inline, Paragraph};
use crate::script::soft_break_vanishes;
use crate::source::html::{self, Token};

/// Heading ids already taken in the book, so that every id is unique book-wide.
#[derive(Debug, Default)]
pub struct HeadingIds {
    taken: HashSet<String>,
}

impl HeadingIds {
    /// Reserves an id derived from the heading text (`产业拓新14格局`), adding `-2`,
    /// `-3`… when it is taken.
    fn derive(&mut self, text: &str) -> String {
        let base = slug(text);
        let mut id = base.clone();
        let mut n = 1;
        while self.taken.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.taken.insert(id.clone());
        id
    }

    /// Reserves an id the author wrote as `{#id}`; false when it is already taken.
    fn claim(&mut self, id: &str) -> bool {
        self.taken.insert(id.to_string())
    }
}

/// A GitHub-style slug that is also a valid XML id: letters (Chinese included) and
/// digits kept, spaces to `-`, punctuation dropped, an `h-` prefix when it would start
/// with something other than a letter.
fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            s.extend(c.to_lowercase());
        } else if c.is_whitespace() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    match s.chars().next() {
        None => "section".to_string(),
        Some(c) if c.is_alphabetic() || c == '_' => s,
        Some(_) => format!("h-{s}"),
    }
}

fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Parses one chapter. `path` is used in messages; `ids` keeps heading ids unique.
pub fn parse_chapter(
    path: &Path,
    text: &str,
    ids: &mut HeadingIds,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Block>> {
    let lines = LineIndex::new(text);
    let mut builder = Builder::default();
    let parser = Parser::new_ext(text, Options::ENABLE_HEADING_ATTRIBUTES).into_offset_iter();
    for (event, range) in parser {
        let line = lines.line(range.start);
        match event {
            Event::Start(Tag::Paragraph) => builder.open(line),
            Event::End(TagEnd::Paragraph) => {
                if let Some(p) = builder.close() {
                    builder.blocks.push(Block::Paragraph(p));
                }
            }
            Event::Start(Tag::Heading { id, .. }) => {
                builder.open(line);
                builder.heading_id = id.map(|i| i.to_string());
            }
            Event::End(TagEnd::Heading(level)) => {
                let explicit = builder.heading_id.take();
                let Some(p) = builder.close() else { continue };
                let id =
                    match explicit {
                        Some(id) if !is_valid_id(&id) => return Err(Error::input(
                            Location::line(path, p.line),
                            format!("heading id `{id}` is not a valid id"),
                            "start it with a letter and use only letters, digits, '-', '_' and '.'",
                        )),
                        Some(id) if !ids.claim(&id) => {
                            return Err(Error::input(
                                Location::line(path, p.line),
                                format!("heading id `{id}` is used twice in the book"),
                                "give each {#id} a different name",
                            ))
                        }
                        Some(id) => id,
                        None => ids.derive(&plain_text(&p.content)),
                    };
                builder.blocks.push(Block::Heading(Heading {
                    level: heading_level(level),
                    id,
                    content: p.content,
                    line: p.line,
                }));
            }
            Event::Start(Tag::Emphasis) => builder.push_span(),
            Event::End(TagEnd::Emphasis) => builder.pop_span(Inline::Emphasis),
            Event::Start(Tag::Strong) => builder.push_span(),
            Event::End(TagEnd::Strong) => builder.pop_span(Inline::Strong),
            Event::Text(t) | Event::Code(t) => builder.text(&t, line),
            Event::SoftBreak => builder.soft_break(),
            Event::HardBreak => builder.inline(Inline::LineBreak),
            Event::Start(Tag::HtmlBlock) => builder.open(line),
            Event::End(TagEnd::HtmlBlock) => {
                let byline = std::mem::take(&mut builder.in_byline);
                if let Some(p) = builder.close() {
                    builder.blocks.push(if byline {
                        Block::Byline(p)
                    } else {
                        Block::Paragraph(p)
                    });
                }
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                builder.html(&raw, Location::line(path, line), warnings)
            }
            Event::Start(_) | Event::End(_) => {}
            other => warnings.push(Warning {
                location: Location::line(path, line),
                message: format!("{} is not supported; it was left out", describe(&other)),
            }),
        }
    }
    Ok(builder.blocks)
}

fn describe(event: &Event<'_>) -> String {
    match event {
        Event::Rule => "a thematic break (---)".into(),
        Event::FootnoteReference(_) => "a footnote reference".into(),
        Event::TaskListMarker(_) => "a task list marker".into(),
        _ => format!("{event:?}"),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Collects inline content for the block being built.
#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// Open spans: the outermost is the block's own content.
    spans: Vec<Vec<Inline>>,
    line: usize,
    heading_id: Option<String>,
    /// A source line break waits here until the next character decides what it is.
    pending_break: bool,
    last_char: Option<char>,
    /// The HTML block being read opened with `<p class="byline">`.
    in_byline: bool,
}

impl Builder {
    fn open(&mut self, line: usize) {
        self.spans = vec![Vec::new()];
        self.line = line;
        self.pending_break = false;
        self.last_char = None;
    }

    fn close(&mut self) -> Option<Paragraph> {
        let mut content = std::mem::take(&mut self.spans).into_iter().next()?;
        trim_inlines(&mut content);
        (!content.is_empty()).then_some(Paragraph {
            content,
            line: self.line,
        })
    }

    fn push_span(&mut self) {
        self.spans.push(Vec::new());
    }

    fn pop_span(&mut self, wrap: fn(Vec<Inline>) -> Inline) {
        if self.spans.len() > 1 {
            let inner = self.spans.pop().unwrap_or_default();
            self.inline(wrap(inner));
        }
    }

    fn inline(&mut self, inline: Inline) {
        self.pending_break = false;
        if self.spans.is_empty() {
            self.spans.push(Vec::new());
        }
        if let Some(top) = self.spans.last_mut() {
            top.push(inline);
        }
    }

    fn soft_break(&mut self) {
        self.pending_break = true;
    }

    fn text(&mut self, text: &str, line: usize) {
        if self.spans.is_empty() {
            // text outside any paragraph (inside an unsupported construct): keep it
            self.open(line);
        }
        let mut piece = String::new();
        if std::mem::take(&mut self.pending_break)
            && !soft_break_vanishes(self.last_char, text.chars().next())
        {
            piece.push(' ');
        }
        piece.push_str(text);
        if let Some(c) = text.chars().last() {
            self.last_char = Some(c);
        }
        let top = self.spans.last_mut().expect("a span is open");
        match top.last_mut() {
            Some(Inline::Text(prev)) => prev.push_str(&piece),
            _ => top.push(Inline::Text(piece)),
        }
    }

    /// Raw HTML. `<p class="byline">` makes its block the closing author line; `<br>` is
    /// a line break; text is kept; any other tag is dropped with a warning.
    fn html(&mut self, raw: &str, at: Location, warnings: &mut Vec<Warning>) {
        for token in html::tokenize(raw) {
            match &token {
                Token::Start { name, .. } if name == "p" => {
                    self.in_byline |= token.attr("class") == Some("byline");
                }
                Token::End { name } if name == "p" => {}
                Token::Start { name, .. } if name == "br" => self.inline(Inline::LineBreak),
                Token::Text(text) => {
                    let mut words = text.split(['\n', '\r']).peekable();
                    while let Some(part) = words.next() {
                        let part = collapse_spaces(part);
                        if !part.trim().is_empty() {
                            self.text(&part, at.line.unwrap_or(1));
                        }
                        if words.peek().is_some() {
                            self.soft_break();
                        }
                    }
                }
                Token::Start { name, .. } | Token::End { name } => warnings.push(Warning {
                    location: at.clone(),
                    message: format!("HTML tag <{name}> is not supported; it was left out"),
                }),
            }
        }
    }
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Removes spaces at the start and end of a block's content.
fn trim_inlines(content: &mut Vec<Inline>) {
    if let Some(Inline::Text(t)) = content.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = content.last_mut() {
        *t = t.trim_end().to_string();
    }
    content.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
}

/// Byte offset → 1-based line number.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Block>, Vec<Warning>) {
        let mut warnings = Vec::new();
        let blocks = parse_chapter(
            Path::new("c.md"),
            text,
            &mut HeadingIds::default(),
            &mut warnings,
        )
        .unwrap();
        (blocks, warnings)
    }

    fn text_of(block: &Block) -> String {
        match block {
            Block::Heading(h) => plain_text(&h.content),
            Block::Paragraph(p) | Block::Byline(p) => plain_text(&p.content),
        }
    }

    #[test]
    fn newline_between_chinese_vanishes_between_latin_is_a_space() {
        let (blocks, _) = parse("项目建\n设中的\nword\nnext\n中文\nRust\n");
        assert_eq!(text_of(&blocks[0]), "项目建设中的 word next 中文 Rust");
    }

    #[test]
    fn headings_get_unique_ids_and_lines() {
        let (blocks, _) = parse("# 标题 一\n\n## 产业拓新，“1+4”格局\n\n## 产业拓新，“1+4”格局\n\n## 2021 年 {#y2021}\n");
        let ids: Vec<_> = blocks
            .iter()
            .map(|b| match b {
                Block::Heading(h) => (h.level, h.id.clone(), h.line),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(
            ids,
            [
                (1, "标题-一".to_string(), 1),
                (2, "产业拓新14格局".to_string(), 3),
                (2, "产业拓新14格局-2".to_string(), 5),
                (2, "y2021".to_string(), 7)
            ]
        );
    }

    #[test]
    fn duplicate_explicit_id_is_an_error_with_line() {
        let mut ids = HeadingIds::default();
        let e = parse_chapter(
            Path::new("c.md"),
            "# a {#x}\n\n# b {#x}\n",
            &mut ids,
            &mut vec![],
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("c.md:3: heading id `x` is used twice"),
            "{e}"
        );
    }

    #[test]
    fn byline_html_block() {
        let (blocks, warnings) = parse("正文。\n\n<p class=\"byline\">\n黄颢 朱大智 郭晶\n</p>\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(matches!(&blocks[1], Block::Byline(p) if p.line == 3));
        assert_eq!(text_of(&blocks[1]), "黄颢 朱大智 郭晶");
    }

    #[test]
    fn emphasis_strong_and_breaks() {
        let (blocks, _) = parse("甲*乙*__丙__  \n丁");
        let Block::Paragraph(p) = &blocks[0] else {
            panic!()
        };
        assert_eq!(
            p.content,
            vec![
                Inline::Text("甲".into()),
                Inline::Emphasis(vec![Inline::Text("乙".into())]),
                Inline::Strong(vec![Inline::Text("丙".into())]),
                Inline::LineBreak,
                Inline::Text("丁".into()),
            ]
        );
    }

    #[test]
    fn unknown_html_is_dropped_with_a_warning() {
        let (blocks, warnings) = parse("<div>文字</div>\n");
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0].location.line, Some(1));
        assert_eq!(text_of(&blocks[0]), "文字");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Hello, World!"), "hello-world");
        assert_eq!(slug("2021 年"), "h-2021-年");
        assert_eq!(slug("！？"), "section");
    }
}
