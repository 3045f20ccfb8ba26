//! Markdown → document model, with pulldown-cmark (footnotes, tables, strikethrough and
//! task lists on).
//!
//! Events are folded into the model with an explicit stack of open containers, so
//! absurd nesting cannot overflow the call stack; containers nested deeper than
//! [`MAX_DEPTH`] are flattened into their parent with a warning. Raw HTML is never
//! copied: a short list of tags becomes model elements, `<script>` and `<style>` are
//! dropped with their content, and every other tag is dropped (its text kept) with a
//! warning naming the file and line.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::error::{Error, Location, Result, Warning};
use crate::model::{
    plain_text, Block, CodeBlock, ColumnAlign, Figure, Footnote, Heading, Inline, LinkTarget, List,
    ListItem, Paragraph, Table,
};
use crate::script::soft_break_vanishes;
use crate::source::html::{self, Token};

/// How deeply containers (quotes, lists) and inline spans may nest before they are
/// flattened into their parent.
pub const MAX_DEPTH: usize = 16;

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

    /// Whether `id` belongs to a heading of the book.
    pub fn contains(&self, id: &str) -> bool {
        self.taken.contains(id)
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

/// What the parser needs from the rest of the book: images and links to other chapters.
pub trait Resolver {
    /// Loads the image at `path` (relative to the book folder), returning its index in
    /// the book's image list. `at` names the place that uses it.
    fn image(&mut self, path: &str, at: &Location) -> Result<usize>;
    /// The index of the chapter whose file is `path` (relative to the book folder).
    fn chapter(&self, path: &str) -> Option<usize>;
}

/// A parsed chapter: its blocks and its footnotes.
#[derive(Debug, Default)]
pub struct ParsedChapter {
    /// The blocks.
    pub blocks: Vec<Block>,
    /// The footnotes, numbered in order of first citation.
    pub footnotes: Vec<Footnote>,
}

/// Parses one chapter. `path` is used in messages; `ids` keeps heading ids unique.
pub fn parse_chapter(
    path: &Path,
    text: &str,
    ids: &mut HeadingIds,
    resolver: &mut dyn Resolver,
    warnings: &mut Vec<Warning>,
) -> Result<ParsedChapter> {
    let lines = LineIndex::new(text);
    let options = Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut b = Builder {
        path,
        ids,
        resolver,
        warnings,
        stack: vec![Frame::Blocks(BlockKind::Root, Vec::new())],
        depth_warned: false,
        notes: HashMap::new(),
        note_order: Vec::new(),
        definitions: HashMap::new(),
        line: 1,
        html_skip: None,
        pending_break: false,
    };
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        b.line = lines.line(range.start);
        b.event(event)?;
    }
    b.finish()
}

/// Containers that hold blocks.
#[derive(Debug)]
enum BlockKind {
    Root,
    Quote,
    Item(Option<bool>),
    Note(String),
    /// A list under construction: its start number and finished items.
    List(Option<u64>, Vec<ListItem>),
    /// A container too deep to keep: its content goes to the parent.
    Flattened,
}

/// Containers that hold inline content.
#[derive(Debug)]
enum InlineKind {
    Paragraph {
        line: usize,
        implicit: bool,
        byline: bool,
    },
    Heading {
        line: usize,
        id: Option<String>,
    },
    Emphasis,
    Strong,
    Strikethrough,
    Superscript,
    Subscript,
    Lang(String),
    Link(Option<LinkTarget>),
    Image {
        dest: String,
        title: String,
        line: usize,
    },
    Ruby {
        base: Vec<Inline>,
        in_annotation: bool,
    },
    Cell,
    Flattened,
}

#[derive(Debug)]
enum Frame {
    Blocks(BlockKind, Vec<Block>),
    Inline(InlineKind, Vec<Inline>),
    Code {
        language: Option<String>,
        text: String,
        line: usize,
    },
    Table(Box<TableDraft>),
}

#[derive(Debug)]
struct TableDraft {
    align: Vec<ColumnAlign>,
    header: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    row: Vec<Vec<Inline>>,
    in_head: bool,
    line: usize,
}

struct Builder<'a> {
    path: &'a Path,
    ids: &'a mut HeadingIds,
    resolver: &'a mut dyn Resolver,
    warnings: &'a mut Vec<Warning>,
    stack: Vec<Frame>,
    depth_warned: bool,
    /// Footnote label → number.
    notes: HashMap<String, usize>,
    note_order: Vec<String>,
    definitions: HashMap<String, Vec<Block>>,
    line: usize,
    /// Inside `<script>` or `<style>`: the tag whose end ends the skipping.
    html_skip: Option<String>,
    /// A source line break waits here until the next character decides what it is.
    pending_break: bool,
}

impl Builder<'_> {
    fn at(&self) -> Location {
        Location::line(self.path, self.line)
    }

    fn warn(&mut self, message: impl Into<String>) {
        let location = self.at();
        self.warnings.push(Warning {
            location,
            message: message.into(),
        });
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    fn too_deep(&mut self) -> bool {
        if self.depth() < MAX_DEPTH * 2 {
            return false;
        }
        if !std::mem::replace(&mut self.depth_warned, true) {
            self.warn(format!(
                "nesting deeper than {MAX_DEPTH} levels is flattened into the level above"
            ));
        }
        true
    }

    fn push_blocks(&mut self, kind: BlockKind) {
        self.close_implicit_paragraph();
        let kind = if self.too_deep() {
            BlockKind::Flattened
        } else {
            kind
        };
        self.stack.push(Frame::Blocks(kind, Vec::new()));
    }

    fn push_inline(&mut self, kind: InlineKind) {
        let kind = if self.too_deep() {
            InlineKind::Flattened
        } else {
            kind
        };
        self.stack.push(Frame::Inline(kind, Vec::new()));
    }

    /// Adds a finished block to the innermost block container.
    fn add_block(&mut self, block: Block) {
        for frame in self.stack.iter_mut().rev() {
            match frame {
                Frame::Blocks(BlockKind::List(_, items), _) => {
                    // a block straight inside a list (flattened item): wrap it
                    items.push(ListItem {
                        checked: None,
                        blocks: vec![block],
                    });
                    return;
                }
                Frame::Blocks(_, blocks) => {
                    blocks.push(block);
                    return;
                }
                _ => {}
            }
        }
    }

    /// Adds inline content to the innermost inline container, opening a paragraph when
    /// text arrives straight in a block container (a tight list item).
    fn add_inline(&mut self, inline: Inline) {
        if !matches!(self.stack.last(), Some(Frame::Inline(..))) {
            let line = self.line;
            self.stack.push(Frame::Inline(
                InlineKind::Paragraph {
                    line,
                    implicit: true,
                    byline: false,
                },
                Vec::new(),
            ));
        }
        let Some(Frame::Inline(kind, content)) = self.stack.last_mut() else {
            return;
        };
        if let InlineKind::Ruby {
            base,
            in_annotation,
        } = kind
        {
            if !*in_annotation {
                base.push(inline);
                return;
            }
        }
        match (content.last_mut(), &inline) {
            (Some(Inline::Text(prev)), Inline::Text(next)) => prev.push_str(next),
            _ => content.push(inline),
        }
    }

    fn close_implicit_paragraph(&mut self) {
        if let Some(Frame::Inline(InlineKind::Paragraph { implicit: true, .. }, _)) =
            self.stack.last()
        {
            self.end_paragraph();
        }
    }

    fn text(&mut self, text: &str) {
        if self.html_skip.is_some() {
            return;
        }
        let clean: String = text
            .chars()
            .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        if clean.chars().count() != text.chars().count() {
            self.warn("control characters were dropped");
        }
        if clean.is_empty() {
            return;
        }
        let mut piece = String::new();
        if self.take_soft_break() && !soft_break_vanishes(self.last_char(), clean.chars().next()) {
            piece.push(' ');
        }
        piece.push_str(&clean);
        self.add_inline(Inline::Text(piece));
    }

    /// The last character of the innermost inline container's text so far.
    fn last_char(&self) -> Option<char> {
        for frame in self.stack.iter().rev() {
            if let Frame::Inline(_, content) = frame {
                if let Some(c) = last_char_of(content) {
                    return Some(c);
                }
            } else {
                return None;
            }
        }
        None
    }

    /// Whether a source line break is waiting (and forgets it).
    fn take_soft_break(&mut self) -> bool {
        std::mem::take(&mut self.pending_break)
    }

    fn event(&mut self, event: Event<'_>) -> Result<()> {
        if let Some(Frame::Code { text, .. }) = self.stack.last_mut() {
            match event {
                Event::Text(t) => {
                    text.push_str(&t);
                    return Ok(());
                }
                Event::End(TagEnd::CodeBlock) => {}
                _ => return Ok(()),
            }
        }
        match event {
            Event::Start(tag) => self.start(tag)?,
            Event::End(tag) => self.end(tag)?,
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                let code = t.replace('\n', " ");
                if self.take_soft_break()
                    && !soft_break_vanishes(self.last_char(), code.chars().next())
                {
                    self.add_inline(Inline::Text(" ".into()));
                }
                self.add_inline(Inline::Code(code));
            }
            Event::SoftBreak => self.pending_break = true,
            Event::HardBreak => {
                self.take_soft_break();
                self.add_inline(Inline::LineBreak);
            }
            Event::Html(raw) | Event::InlineHtml(raw) => self.html(&raw),
            Event::Rule => {
                self.close_implicit_paragraph();
                self.add_block(Block::Rule);
            }
            Event::FootnoteReference(label) => {
                self.take_soft_break();
                let next = self.notes.len() + 1;
                let number = *self.notes.entry(label.to_string()).or_insert(next);
                if number == next {
                    self.note_order.push(label.to_string());
                }
                self.add_inline(Inline::NoteRef(number));
            }
            Event::TaskListMarker(checked) => {
                for frame in self.stack.iter_mut().rev() {
                    if let Frame::Blocks(BlockKind::Item(state), _) = frame {
                        *state = Some(checked);
                        break;
                    }
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
        Ok(())
    }

    fn start(&mut self, tag: Tag<'_>) -> Result<()> {
        let line = self.line;
        match tag {
            Tag::Paragraph => {
                self.close_implicit_paragraph();
                self.stack.push(Frame::Inline(
                    InlineKind::Paragraph {
                        line,
                        implicit: false,
                        byline: false,
                    },
                    Vec::new(),
                ));
            }
            Tag::Heading { id, .. } => {
                self.close_implicit_paragraph();
                self.stack.push(Frame::Inline(
                    InlineKind::Heading {
                        line,
                        id: id.map(|i| i.to_string()),
                    },
                    Vec::new(),
                ));
            }
            Tag::BlockQuote(_) => self.push_blocks(BlockKind::Quote),
            Tag::List(start) => self.push_blocks(BlockKind::List(start, Vec::new())),
            Tag::Item => self.push_blocks(BlockKind::Item(None)),
            Tag::FootnoteDefinition(label) => self.push_blocks(BlockKind::Note(label.to_string())),
            Tag::CodeBlock(kind) => {
                self.close_implicit_paragraph();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(str::to_string)
                        .filter(|l| !l.is_empty()),
                    CodeBlockKind::Indented => None,
                };
                self.stack.push(Frame::Code {
                    language,
                    text: String::new(),
                    line,
                });
            }
            Tag::Table(alignments) => {
                self.close_implicit_paragraph();
                let align = alignments
                    .iter()
                    .map(|a| match a {
                        Alignment::None => ColumnAlign::None,
                        Alignment::Left => ColumnAlign::Left,
                        Alignment::Center => ColumnAlign::Center,
                        Alignment::Right => ColumnAlign::Right,
                    })
                    .collect();
                self.stack.push(Frame::Table(Box::new(TableDraft {
                    align,
                    header: Vec::new(),
                    rows: Vec::new(),
                    row: Vec::new(),
                    in_head: false,
                    line,
                })));
            }
            Tag::TableHead => {
                if let Some(Frame::Table(t)) = self.stack.last_mut() {
                    t.in_head = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => self.stack.push(Frame::Inline(InlineKind::Cell, Vec::new())),
            Tag::Emphasis => self.push_inline(InlineKind::Emphasis),
            Tag::Strong => self.push_inline(InlineKind::Strong),
            Tag::Strikethrough => self.push_inline(InlineKind::Strikethrough),
            Tag::Superscript => self.push_inline(InlineKind::Superscript),
            Tag::Subscript => self.push_inline(InlineKind::Subscript),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let target = self.link_target(link_type, &dest_url);
                self.push_inline(InlineKind::Link(target));
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.take_soft_break();
                self.push_inline(InlineKind::Image {
                    dest: dest_url.to_string(),
                    title: title.to_string(),
                    line,
                });
            }
            Tag::HtmlBlock => {
                self.close_implicit_paragraph();
                self.stack.push(Frame::Inline(
                    InlineKind::Paragraph {
                        line,
                        implicit: false,
                        byline: false,
                    },
                    Vec::new(),
                ));
            }
            Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {}
        }
        Ok(())
    }

    fn end(&mut self, tag: TagEnd) -> Result<()> {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => {
                self.html_skip = None;
                // close what raw HTML left open, then the paragraph
                while matches!(self.stack.last(), Some(Frame::Inline(kind, _)) if !matches!(kind, InlineKind::Paragraph { .. }))
                {
                    self.end_inline();
                }
                self.end_paragraph();
            }
            TagEnd::Heading(level) => self.end_heading(level)?,
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.close_implicit_paragraph();
                self.end_blocks();
            }
            TagEnd::CodeBlock => {
                if let Some(Frame::Code {
                    language,
                    text,
                    line,
                }) = self.stack.pop()
                {
                    let text = expand_tabs(text.strip_suffix('\n').unwrap_or(&text));
                    let text: String = text
                        .chars()
                        .filter(|&c| !c.is_control() || c == '\n')
                        .collect();
                    self.add_block(Block::Code(CodeBlock {
                        language,
                        text,
                        line,
                    }));
                }
            }
            TagEnd::TableCell => {
                if let Some(Frame::Inline(_, mut content)) = self.stack.pop() {
                    trim_inlines(&mut content);
                    if let Some(Frame::Table(t)) = self.stack.last_mut() {
                        t.row.push(content);
                    }
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(Frame::Table(t)) = self.stack.last_mut() {
                    let row = std::mem::take(&mut t.row);
                    if t.in_head {
                        t.header = row;
                        t.in_head = false;
                    } else {
                        t.rows.push(row);
                    }
                }
            }
            TagEnd::Table => {
                if let Some(Frame::Table(t)) = self.stack.pop() {
                    let columns = t.align.len();
                    let mut rows = t.rows;
                    for row in &mut rows {
                        row.resize(columns, Vec::new());
                    }
                    let mut header = t.header;
                    header.resize(columns, Vec::new());
                    self.add_block(Block::Table(Table {
                        align: t.align,
                        header,
                        rows,
                        line: t.line,
                    }));
                }
            }
            TagEnd::Image => self.end_image()?,
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link => self.end_inline(),
            TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {}
        }
        Ok(())
    }

    /// Closes the innermost inline span and adds it to its parent.
    fn end_inline(&mut self) {
        let Some(Frame::Inline(kind, content)) = self.stack.pop() else {
            return;
        };
        let inline = match kind {
            InlineKind::Emphasis => Some(Inline::Emphasis(content)),
            InlineKind::Strong => Some(Inline::Strong(content)),
            InlineKind::Strikethrough => Some(Inline::Strikethrough(content)),
            InlineKind::Superscript => Some(Inline::Superscript(content)),
            InlineKind::Subscript => Some(Inline::Subscript(content)),
            InlineKind::Lang(lang) => Some(Inline::Lang { lang, content }),
            InlineKind::Link(Some(target)) => Some(Inline::Link { target, content }),
            InlineKind::Ruby { base, .. } => Some(Inline::Ruby {
                base: plain_text(&base),
                annotation: plain_text(&content),
            }),
            InlineKind::Link(None) | InlineKind::Flattened | InlineKind::Cell => {
                for inline in content {
                    self.add_inline(inline);
                }
                None
            }
            other => {
                // a paragraph, heading or image closed out of order: put it back
                self.stack.push(Frame::Inline(other, content));
                None
            }
        };
        if let Some(inline) = inline {
            self.add_inline(inline);
        }
    }

    fn end_paragraph(&mut self) {
        self.take_soft_break();
        let Some(Frame::Inline(InlineKind::Paragraph { line, byline, .. }, mut content)) =
            self.stack.pop()
        else {
            return;
        };
        trim_inlines(&mut content);
        if content.is_empty() {
            return;
        }
        let p = Paragraph { content, line };
        self.add_block(if byline {
            Block::Byline(p)
        } else {
            Block::Paragraph(p)
        });
    }

    fn end_heading(&mut self, level: HeadingLevel) -> Result<()> {
        self.take_soft_break();
        while matches!(self.stack.last(), Some(Frame::Inline(kind, _)) if !matches!(kind, InlineKind::Heading { .. }))
        {
            self.end_inline();
        }
        let Some(Frame::Inline(InlineKind::Heading { line, id }, mut content)) = self.stack.pop()
        else {
            return Ok(());
        };
        trim_inlines(&mut content);
        let at = Location::line(self.path, line);
        let id = match id {
            Some(id) if !is_valid_id(&id) => {
                return Err(Error::input(
                    at,
                    format!("heading id `{id}` is not a valid id"),
                    "start it with a letter and use only letters, digits, '-', '_' and '.'",
                ))
            }
            Some(id) if !self.ids.claim(&id) => {
                return Err(Error::input(
                    at,
                    format!("heading id `{id}` is used twice in the book"),
                    "give each {#id} a different name",
                ))
            }
            Some(id) => id,
            None => self.ids.derive(&plain_text(&content)),
        };
        self.add_block(Block::Heading(Heading {
            level: heading_level(level),
            id,
            content,
            line,
        }));
        Ok(())
    }

    fn end_blocks(&mut self) {
        let Some(Frame::Blocks(kind, blocks)) = self.stack.pop() else {
            return;
        };
        match kind {
            BlockKind::Quote => self.add_block(Block::Quote(blocks)),
            BlockKind::Item(checked) => match self.stack.last_mut() {
                Some(Frame::Blocks(BlockKind::List(_, items), _)) => {
                    items.push(ListItem { checked, blocks })
                }
                _ => {
                    for block in blocks {
                        self.add_block(block);
                    }
                }
            },
            BlockKind::List(start, items) => self.add_block(Block::List(List { start, items })),
            BlockKind::Note(label) => {
                self.definitions.insert(label, blocks);
            }
            BlockKind::Flattened | BlockKind::Root => {
                for block in blocks {
                    self.add_block(block);
                }
            }
        }
    }

    /// An image: a figure when it stands in a paragraph of its own (the paragraph is
    /// split around it); inside other inline markup, its alternative text.
    fn end_image(&mut self) -> Result<()> {
        let Some(Frame::Inline(InlineKind::Image { dest, title, line }, alt)) = self.stack.pop()
        else {
            return Ok(());
        };
        let alt_text = plain_text(&alt);
        let at = Location::line(self.path, line);
        let image = self.resolver.image(&dest, &at)?;
        let figure = Block::Figure(Figure {
            image,
            alt: alt_text.trim().to_string(),
            caption: Some(title.trim().to_string()).filter(|t| !t.is_empty()),
            line,
        });
        match self.stack.last() {
            Some(Frame::Inline(
                InlineKind::Paragraph {
                    line,
                    implicit,
                    byline,
                },
                _,
            )) => {
                let (line, implicit, byline) = (*line, *implicit, *byline);
                self.end_paragraph();
                self.add_block(figure);
                self.stack.push(Frame::Inline(
                    InlineKind::Paragraph {
                        line,
                        implicit,
                        byline,
                    },
                    Vec::new(),
                ));
            }
            _ => {
                self.warn(
                    "an image inside a link, emphasis or table is shown as its alternative text",
                );
                self.add_inline(Inline::Text(alt_text));
            }
        }
        Ok(())
    }

    fn link_target(&mut self, link_type: LinkType, dest: &str) -> Option<LinkTarget> {
        if matches!(link_type, LinkType::Email) {
            return Some(LinkTarget::External(format!("mailto:{dest}")));
        }
        let dest = dest.trim();
        if let Some(id) = dest.strip_prefix('#') {
            return Some(LinkTarget::Heading(id.to_string()));
        }
        let scheme = dest.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("http" | "https" | "mailto" | "tel" | "ftp") => {
                return Some(LinkTarget::External(escape_url(dest)))
            }
            Some(s)
                if s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                    && s.len() > 1 =>
            {
                self.warn(format!("a link to `{dest}` was dropped: only http, https, mailto, tel and ftp addresses are allowed"));
                return None;
            }
            _ => {}
        }
        let (file, fragment) = dest.split_once('#').unwrap_or((dest, ""));
        match self.resolver.chapter(file) {
            Some(_) if !fragment.is_empty() => Some(LinkTarget::Heading(fragment.to_string())),
            Some(index) => Some(LinkTarget::Chapter(index)),
            None => {
                self.warn(format!("a link to `{dest}` was dropped: it is neither an address nor a chapter of the book"));
                None
            }
        }
    }

    /// Raw HTML: a few tags become model elements; the rest is dropped with a warning,
    /// its text kept (but not that of `<script>` and `<style>`).
    fn html(&mut self, raw: &str) {
        for token in html::tokenize(raw) {
            if let Some(skip) = &self.html_skip {
                if matches!(&token, Token::End { name } if name == skip) {
                    self.html_skip = None;
                }
                continue;
            }
            match &token {
                Token::Text(t) => {
                    let mut parts = t.split(['\n', '\r']).peekable();
                    while let Some(part) = parts.next() {
                        let part = collapse_spaces(part);
                        if !part.trim().is_empty() {
                            self.text(&part);
                        }
                        if parts.peek().is_some() {
                            self.pending_break = true;
                        }
                    }
                }
                Token::Start { name, .. } => self.html_start(name, &token),
                Token::End { name } => self.html_end(name),
            }
        }
    }

    fn html_start(&mut self, name: &str, token: &Token) {
        match name {
            "br" => {
                self.take_soft_break();
                self.add_inline(Inline::LineBreak);
            }
            "p" | "div" => {
                if token.attr("class") == Some("byline") {
                    if let Some(Frame::Inline(InlineKind::Paragraph { byline, .. }, _)) =
                        self.stack.last_mut()
                    {
                        *byline = true;
                    }
                }
            }
            "sup" => self.push_inline(InlineKind::Superscript),
            "sub" => self.push_inline(InlineKind::Subscript),
            "em" | "i" => self.push_inline(InlineKind::Emphasis),
            "strong" | "b" => self.push_inline(InlineKind::Strong),
            "del" | "s" => self.push_inline(InlineKind::Strikethrough),
            "span" => match token.attr("lang").filter(|l| super::is_language_tag(l)) {
                Some(lang) => self.push_inline(InlineKind::Lang(lang.to_string())),
                None => self.push_inline(InlineKind::Flattened),
            },
            "ruby" => self.push_inline(InlineKind::Ruby {
                base: Vec::new(),
                in_annotation: false,
            }),
            "rt" => {
                if let Some(Frame::Inline(InlineKind::Ruby { in_annotation, .. }, _)) =
                    self.stack.last_mut()
                {
                    *in_annotation = true;
                }
            }
            "rp" => self.html_skip = Some("rp".into()),
            "script" | "style" => {
                self.warn(format!("<{name}> was dropped with its content"));
                self.html_skip = Some(name.to_string());
            }
            _ => self.warn(format!(
                "HTML tag <{name}> is not supported; it was dropped, its text kept"
            )),
        }
    }

    fn html_end(&mut self, name: &str) {
        let matches_top = |kind: &InlineKind| {
            matches!(
                (name, kind),
                ("sup", InlineKind::Superscript)
                    | ("sub", InlineKind::Subscript)
                    | ("em" | "i", InlineKind::Emphasis)
                    | ("strong" | "b", InlineKind::Strong)
                    | ("del" | "s", InlineKind::Strikethrough)
                    | ("span", InlineKind::Lang(_) | InlineKind::Flattened)
                    | ("ruby", InlineKind::Ruby { .. })
            )
        };
        match name {
            "rt" | "p" | "div" | "br" => {}
            _ => {
                if let Some(Frame::Inline(kind, _)) = self.stack.last() {
                    if matches_top(kind) {
                        self.end_inline();
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Result<ParsedChapter> {
        while self.stack.len() > 1 {
            match self.stack.last() {
                Some(Frame::Inline(InlineKind::Paragraph { .. }, _)) => self.end_paragraph(),
                Some(Frame::Inline(..)) => self.end_inline(),
                _ => self.end_blocks(),
            }
        }
        let Some(Frame::Blocks(_, blocks)) = self.stack.pop() else {
            return Ok(ParsedChapter::default());
        };
        let mut footnotes = Vec::new();
        for (i, label) in self.note_order.iter().enumerate() {
            let blocks = self.definitions.remove(label).unwrap_or_default();
            footnotes.push(Footnote {
                number: i + 1,
                blocks,
            });
        }
        let mut unused: Vec<String> = self.definitions.into_keys().collect();
        unused.sort();
        for label in unused {
            self.warnings.push(Warning {
                location: Location::file(self.path),
                message: format!("footnote [^{label}] is never cited; it was left out"),
            });
        }
        Ok(ParsedChapter { blocks, footnotes })
    }
}

/// Percent-encodes the ASCII characters a URL may not hold as they are (spaces, quotes,
/// angle brackets…); other characters are left for the reading system to encode.
fn escape_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_control()
            || matches!(
                c,
                ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
            )
        {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn last_char_of(content: &[Inline]) -> Option<char> {
    match content.last()? {
        Inline::Text(t) | Inline::Code(t) | Inline::Ruby { base: t, .. } => t.chars().last(),
        other => last_char_of(other.children()),
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

fn expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut column = 0;
        for c in line.chars() {
            if c == '\t' {
                let n = 4 - column % 4;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            } else {
                out.push(c);
                column += 1;
            }
        }
    }
    out
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

    /// Images get consecutive indices; chapters `a.md` and `b.md` exist.
    #[derive(Default)]
    struct Fake {
        images: Vec<String>,
    }

    impl Resolver for Fake {
        fn image(&mut self, path: &str, at: &Location) -> Result<usize> {
            if path.starts_with("..") {
                return Err(Error::input(at.clone(), "outside", "move it"));
            }
            self.images.push(path.to_string());
            Ok(self.images.len() - 1)
        }

        fn chapter(&self, path: &str) -> Option<usize> {
            ["a.md", "b.md"].iter().position(|c| *c == path)
        }
    }

    fn parse(text: &str) -> (ParsedChapter, Vec<Warning>) {
        let mut warnings = Vec::new();
        let parsed = parse_chapter(
            Path::new("c.md"),
            text,
            &mut HeadingIds::default(),
            &mut Fake::default(),
            &mut warnings,
        )
        .unwrap();
        (parsed, warnings)
    }

    fn text_of(block: &Block) -> String {
        match block {
            Block::Heading(h) => plain_text(&h.content),
            Block::Paragraph(p) | Block::Byline(p) => plain_text(&p.content),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn newline_between_chinese_vanishes_between_latin_is_a_space() {
        let (c, _) = parse("项目建\n设中的\nword\nnext\n中文\nRust\n");
        assert_eq!(text_of(&c.blocks[0]), "项目建设中的 word next 中文 Rust");
        let (c, _) = parse("*强调*\n继续，`code`\nmore");
        assert_eq!(text_of(&c.blocks[0]), "强调继续，code more");
    }

    #[test]
    fn headings_get_unique_ids_and_lines() {
        let (c, _) = parse("# 标题 一\n\n## 产业拓新，“1+4”格局\n\n## 产业拓新，“1+4”格局\n\n## 2021 年 {#y2021}\n");
        let ids: Vec<_> = c
            .blocks
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
        let e = parse_chapter(
            Path::new("c.md"),
            "# a {#x}\n\n# b {#x}\n",
            &mut HeadingIds::default(),
            &mut Fake::default(),
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
        let (c, warnings) = parse("正文。\n\n<p class=\"byline\">\n黄颢 朱大智 郭晶\n</p>\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(matches!(&c.blocks[1], Block::Byline(p) if p.line == 3));
        assert_eq!(text_of(&c.blocks[1]), "黄颢 朱大智 郭晶");
    }

    #[test]
    fn emphasis_strong_strike_code_and_breaks() {
        let (c, _) = parse("甲*乙*__丙__~~丁~~`x`  \n戊");
        let Block::Paragraph(p) = &c.blocks[0] else {
            panic!()
        };
        assert_eq!(
            p.content,
            vec![
                Inline::Text("甲".into()),
                Inline::Emphasis(vec![Inline::Text("乙".into())]),
                Inline::Strong(vec![Inline::Text("丙".into())]),
                Inline::Strikethrough(vec![Inline::Text("丁".into())]),
                Inline::Code("x".into()),
                Inline::LineBreak,
                Inline::Text("戊".into()),
            ]
        );
    }

    #[test]
    fn lists_nest_and_carry_task_boxes() {
        let (c, _) = parse("1. 一\n   - 甲\n   - [x] 乙\n2. 二\n\n- [ ] 待办\n");
        let Block::List(list) = &c.blocks[0] else {
            panic!("{:?}", c.blocks)
        };
        assert_eq!(list.start, Some(1));
        assert_eq!(list.items.len(), 2);
        let Block::List(inner) = &list.items[0].blocks[1] else {
            panic!()
        };
        assert_eq!(inner.items[1].checked, Some(true));
        assert_eq!(text_of(&inner.items[1].blocks[0]), "乙");
        let Block::List(tasks) = &c.blocks[1] else {
            panic!()
        };
        assert_eq!(tasks.items[0].checked, Some(false));
    }

    #[test]
    fn quotes_code_rules_and_tables() {
        let (c, _) = parse("> 引\n> > 再引\n\n---\n\n```rust\nfn main() {\n\tx\n}\n```\n\n| 左 | 中 | 右 |\n|:--|:-:|--:|\n| 1 | 2 |\n");
        assert!(matches!(&c.blocks[0], Block::Quote(inner) if matches!(inner[1], Block::Quote(_))));
        assert_eq!(c.blocks[1], Block::Rule);
        let Block::Code(code) = &c.blocks[2] else {
            panic!()
        };
        assert_eq!(code.language.as_deref(), Some("rust"));
        assert_eq!(code.text, "fn main() {\n    x\n}");
        let Block::Table(t) = &c.blocks[3] else {
            panic!()
        };
        assert_eq!(
            t.align,
            [ColumnAlign::Left, ColumnAlign::Center, ColumnAlign::Right]
        );
        assert_eq!(t.rows[0].len(), 3, "short rows are padded");
    }

    #[test]
    fn footnotes_are_numbered_by_first_citation() {
        let (c, warnings) = parse("甲[^b]乙[^a]丙[^b]\n\n[^a]: 注一\n[^b]: 注二\n[^c]: 无人引\n");
        let Block::Paragraph(p) = &c.blocks[0] else {
            panic!()
        };
        let refs: Vec<usize> = p
            .content
            .iter()
            .filter_map(|i| match i {
                Inline::NoteRef(n) => Some(*n),
                _ => None,
            })
            .collect();
        assert_eq!(refs, [1, 2, 1]);
        assert_eq!(text_of(&c.footnotes[0].blocks[0]), "注二");
        assert_eq!(text_of(&c.footnotes[1].blocks[0]), "注一");
        assert!(warnings.iter().any(|w| w.message.contains("[^c]")));
    }

    #[test]
    fn images_become_figures_and_split_their_paragraph() {
        let (c, _) = parse("前文![图一](a.png \"标题\")后文\n");
        assert_eq!(text_of(&c.blocks[0]), "前文");
        let Block::Figure(f) = &c.blocks[1] else {
            panic!("{:?}", c.blocks)
        };
        assert_eq!(
            (f.image, f.alt.as_str(), f.caption.as_deref()),
            (0, "图一", Some("标题"))
        );
        assert_eq!(text_of(&c.blocks[2]), "后文");
        let e = parse_chapter(
            Path::new("c.md"),
            "x\n\n![a](../x.png)\n",
            &mut HeadingIds::default(),
            &mut Fake::default(),
            &mut vec![],
        );
        assert!(e.unwrap_err().to_string().starts_with("c.md:3:"));
    }

    #[test]
    fn links_external_internal_and_refused() {
        let (c, warnings) =
            parse("[甲](https://a.cn) [乙](#x) [丙](b.md) [丁](b.md#y) [戊](javascript:alert(1))");
        let Block::Paragraph(p) = &c.blocks[0] else {
            panic!()
        };
        let targets: Vec<&LinkTarget> = p
            .content
            .iter()
            .filter_map(|i| match i {
                Inline::Link { target, .. } => Some(target),
                _ => None,
            })
            .collect();
        assert_eq!(
            targets,
            [
                &LinkTarget::External("https://a.cn".into()),
                &LinkTarget::Heading("x".into()),
                &LinkTarget::Chapter(1),
                &LinkTarget::Heading("y".into()),
            ]
        );
        assert!(text_of(&c.blocks[0]).ends_with("戊"));
        assert!(warnings.iter().any(|w| w.message.contains("javascript")));
    }

    #[test]
    fn unsafe_url_characters_are_escaped() {
        assert_eq!(
            escape_url("https://a.cn/?q=<1> 2"),
            "https://a.cn/?q=%3C1%3E%202"
        );
        assert_eq!(escape_url("https://例子.cn/路径"), "https://例子.cn/路径");
    }

    #[test]
    fn raw_html_subset_and_hostile_markup() {
        let (c, warnings) = parse(
            "H<sub>2</sub>O 与 E=mc<sup>2</sup>，<ruby>汉<rp>(</rp><rt>hàn</rt><rp>)</rp></ruby>，<span lang=\"en\">word</span><br>\
             <script>alert(1)</script><b onclick=\"x()\">粗</b><blink>闪</blink>]]>\u{7}。",
        );
        let Block::Paragraph(p) = &c.blocks[0] else {
            panic!("{:?}", c.blocks)
        };
        assert!(p
            .content
            .contains(&Inline::Subscript(vec![Inline::Text("2".into())])));
        assert!(p
            .content
            .contains(&Inline::Superscript(vec![Inline::Text("2".into())])));
        assert!(p.content.contains(&Inline::Ruby {
            base: "汉".into(),
            annotation: "hàn".into()
        }));
        assert!(p.content.contains(&Inline::Lang {
            lang: "en".into(),
            content: vec![Inline::Text("word".into())]
        }));
        assert!(p.content.contains(&Inline::LineBreak));
        let text = plain_text(&p.content);
        assert!(!text.contains("alert"), "{text}");
        assert!(
            text.contains("粗") && text.contains("闪") && text.contains("]]>"),
            "{text}"
        );
        assert!(!text.contains('\u{7}'));
        assert!(warnings.iter().any(|w| w.message.contains("<script>")));
        assert!(warnings.iter().any(|w| w.message.contains("<blink>")));
        assert!(warnings
            .iter()
            .any(|w| w.message.contains("control characters")));
    }

    #[test]
    fn absurd_nesting_is_flattened_not_a_crash() {
        let quotes = ">".repeat(20_000) + " 深";
        let (c, warnings) = parse(&quotes);
        assert!(warnings.iter().any(|w| w.message.contains("nesting")));
        fn depth(blocks: &[Block]) -> usize {
            blocks
                .iter()
                .map(|b| match b {
                    Block::Quote(inner) => 1 + depth(inner),
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        assert!(depth(&c.blocks) <= MAX_DEPTH * 2);
        let lists = (0..3000)
            .map(|i| format!("{}- 项\n", "  ".repeat(i)))
            .collect::<String>();
        let (c, _) = parse(&lists);
        assert!(!c.blocks.is_empty());
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Hello, World!"), "hello-world");
        assert_eq!(slug("2021 年"), "h-2021-年");
        assert_eq!(slug("！？"), "section");
    }
}
