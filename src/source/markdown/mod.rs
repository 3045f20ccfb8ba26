//! Markdown → document model, with pulldown-cmark (footnotes, tables, strikethrough and
//! task lists on).
//!
//! Events are folded into the model with an explicit stack of open containers, so
//! absurd nesting cannot overflow the call stack; containers nested deeper than
//! [`MAX_DEPTH`] are flattened into their parent with a warning. Raw HTML is never
//! copied: a short list of tags becomes model elements, `<script>` and `<style>` are
//! dropped with their content, and every other tag is dropped (its text kept) with a
//! warning naming the file and line.

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::error::{Code, Error, Finding, Location, Result, Warning};
use crate::model::{
    plain_text, Block, CodeBlock, ColumnAlign, Figure, Footnote, Heading, Inline, LinkTarget, List,
    ListItem, Paragraph, Table,
};
use crate::script::{is_unprintable, soft_break_vanishes};
use crate::source::html::{self, Token};
use outline::heading_level;
use text::{collapse_spaces, expand_tabs, last_char_of, trim_inlines};

/// How deeply containers (quotes, lists) and inline spans may nest before they are
/// flattened into their parent.
pub const MAX_DEPTH: usize = 16;

mod ends;
mod events;
mod ids;
mod links;
mod notes;
mod outline;
mod raw_html;
#[cfg(test)]
mod tests;
mod text;

pub use ids::HeadingIds;

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

impl ParsedChapter {
    /// Calls `f` with every block of the chapter and of its footnotes, nested ones too.
    pub fn each_block_mut(&mut self, f: &mut dyn FnMut(&mut Block)) {
        let blocks = self
            .blocks
            .iter_mut()
            .chain(self.footnotes.iter_mut().flat_map(|n| &mut n.blocks));
        for block in blocks {
            block.each_block_mut(f);
        }
    }
}

/// A chapter read on its own, side by side with the others: its heading ids are unique
/// within it until [`Read::settle`] makes them unique in the book.
#[derive(Debug)]
pub struct Read {
    parsed: ParsedChapter,
    warnings: Vec<Warning>,
    headings: Vec<ids::Request>,
}

impl Read {
    /// The chapter with book-wide heading ids (`ids` holds those of the chapters before
    /// it), its warnings added to `warnings`.
    pub fn settle(self, ids: &mut HeadingIds, warnings: &mut Vec<Warning>) -> ParsedChapter {
        let Read {
            mut parsed,
            warnings: mut own,
            headings,
        } = self;
        let renamed = ids.settle(headings, &mut own);
        if !renamed.is_empty() {
            parsed.each_block_mut(&mut |b| {
                if let Block::Heading(h) = b {
                    if let Some(id) = renamed.get(&h.id) {
                        h.id.clone_from(id);
                    }
                }
            });
        }
        warnings.extend(own);
        parsed
    }
}

/// Reads one chapter; `path` is used in messages.
pub fn read_chapter(path: &Path, text: &str, resolver: &mut dyn Resolver) -> Result<Read> {
    // a lone CR ends a line too (CommonMark), as old Mac and some Windows exports have it
    let normalised;
    let text = if text.contains('\r') {
        normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        normalised.as_str()
    } else {
        text
    };
    let lines = LineIndex::new(text);
    let options = Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut warnings = Vec::new();
    let mut b = Builder {
        path,
        text,
        range: 0..0,
        ids: HeadingIds::default(),
        headings: Vec::new(),
        resolver,
        warnings: &mut warnings,
        stack: vec![Frame::Blocks(BlockKind::Root, Vec::new())],
        depth_warned: false,
        notes: HashMap::new(),
        note_order: Vec::new(),
        definitions: HashMap::new(),
        duplicate_note: None,
        note_warnings: Vec::new(),
        line: 1,
        html_skip: None,
        pending_break: false,
    };
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        b.line = lines.line(range.start);
        b.range = range;
        b.event(event)?;
    }
    let (parsed, headings) = b.finish()?;
    Ok(Read {
        parsed,
        warnings,
        headings,
    })
}

/// Containers that hold blocks.
#[derive(Debug)]
enum BlockKind {
    Root,
    Quote,
    Item(Option<bool>),
    /// A footnote definition: its label and where it is.
    Note(String, Location),
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
        /// Byte offset of its start in the chapter's text.
        start: usize,
        implicit: bool,
        byline: bool,
    },
    Heading {
        line: usize,
        id: Option<String>,
        /// Where the heading is (for messages).
        at: Location,
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
        /// Where the image is (for messages).
        at: Location,
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
    /// The chapter's text (for the columns of messages).
    text: &'a str,
    /// The byte range of the event being handled.
    range: std::ops::Range<usize>,
    /// Heading ids taken in this chapter.
    ids: HeadingIds,
    /// Each heading's id as given here, for [`Read::settle`].
    headings: Vec<ids::Request>,
    resolver: &'a mut dyn Resolver,
    warnings: &'a mut Vec<Warning>,
    stack: Vec<Frame>,
    depth_warned: bool,
    /// Footnote label → number.
    notes: HashMap<String, usize>,
    /// Footnote labels in order of first citation, with where that citation is.
    note_order: Vec<(String, Location)>,
    /// Footnote definitions: label → (where, content).
    definitions: HashMap<String, notes::Definition>,
    /// A footnote defined a second time: its label and line.
    duplicate_note: Option<(String, Location)>,
    /// Warnings about the text of footnote definitions, by the note's label: given only
    /// for the notes kept (a note left out is warned about once, as a whole).
    note_warnings: Vec<(String, Warning)>,
    line: usize,
    /// Inside `<script>` or `<style>`: the tag whose end ends the skipping.
    html_skip: Option<String>,
    /// A source line break waits here until the next character decides what it is.
    pending_break: bool,
}

impl Builder<'_> {
    /// Where the event being handled is.
    fn at(&self) -> Location {
        Location::of_range(self.path, self.text, self.range.clone())
    }

    /// A warning of kind `code` at the event being handled.
    fn warn(&mut self, code: Code, message: impl Into<String>, hint: impl Into<String>) {
        let location = self.at();
        self.warnings
            .push(Finding::new(code, location, message, hint));
    }

    /// A warning at the first character of the event being handled that `pick` picks
    /// (at the event when none does).
    fn warn_at_char(&mut self, pick: impl Fn(char) -> bool, code: Code, message: &str) {
        let source = self.text.get(self.range.clone()).unwrap_or_default();
        let at = match source.char_indices().find(|&(_, c)| pick(c)) {
            Some((i, c)) => {
                let start = self.range.start + i;
                Location::of_range(self.path, self.text, start..start + c.len_utf8())
            }
            None => self.at(),
        };
        let hint = "remove them from the source (a copy from a word processor may carry them)";
        self.warnings.push(Finding::new(code, at, message, hint));
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    fn too_deep(&mut self) -> bool {
        if self.depth() < MAX_DEPTH * 2 {
            return false;
        }
        if !std::mem::replace(&mut self.depth_warned, true) {
            self.warn(
                Code::DeepNesting,
                format!("nesting deeper than {MAX_DEPTH} levels is flattened into the level above"),
                "nest quotes and lists less deeply",
            );
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
            let start = self.range.start;
            self.stack.push(Frame::Inline(
                InlineKind::Paragraph {
                    line,
                    start,
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

    /// Closes every inline span left open (by raw HTML such as `<b>` without `</b>`)
    /// down to the paragraph, heading, table cell or block container that holds it, so
    /// that its content goes where it belongs.
    fn close_spans(&mut self) {
        while let Some(Frame::Inline(kind, _)) = self.stack.last() {
            if matches!(
                kind,
                InlineKind::Paragraph { .. }
                    | InlineKind::Heading { .. }
                    | InlineKind::Cell
                    | InlineKind::Image { .. }
            ) {
                break;
            }
            self.end_inline();
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
            .filter(|&c| !is_unprintable(c))
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        if clean.chars().count() != text.chars().count() {
            if text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
            {
                self.warn_at_char(
                    |c| c.is_control() && c != '\n' && c != '\t',
                    Code::DroppedCharacters,
                    "control characters were dropped",
                );
            } else {
                self.warn_at_char(
                    is_unprintable,
                    Code::DroppedCharacters,
                    "characters XML cannot hold (noncharacters such as U+FFFE) were dropped",
                );
            }
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

    fn finish(mut self) -> Result<(ParsedChapter, Vec<ids::Request>)> {
        while self.stack.len() > 1 {
            match self.stack.last() {
                Some(Frame::Inline(InlineKind::Paragraph { .. }, _)) => self.end_paragraph(),
                Some(Frame::Inline(..)) => self.end_inline(),
                _ => self.end_blocks(),
            }
        }
        let Some(Frame::Blocks(_, blocks)) = self.stack.pop() else {
            return Ok((ParsedChapter::default(), self.headings));
        };
        if let Some((label, at)) = self.duplicate_note.take() {
            return Err(Error::input(
                Code::DuplicateFootnote,
                at,
                format!("footnote [^{label}] is defined twice"),
                "give each footnote definition its own label",
            ));
        }
        let mut blocks = blocks;
        let footnotes = notes::assemble(
            &mut blocks,
            &self.note_order,
            self.definitions,
            self.note_warnings,
            self.warnings,
        );
        self.warnings
            .extend(outline::close_up_levels(self.path, &mut blocks));
        Ok((ParsedChapter { blocks, footnotes }, self.headings))
    }
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
