//! A chapter's content: blocks, inline runs and footnotes, and the walks over them the
//! outputs share (the text they display, their runs of inline content, plain text).

/// A footnote: what `[^label]` points at.
#[derive(Debug, Clone, PartialEq)]
pub struct Footnote {
    /// Its number in the chapter (1, 2, …).
    pub number: usize,
    /// Its content.
    pub blocks: Vec<Block>,
}

/// A block-level element.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading (`#` … `######`).
    Heading(Heading),
    /// A paragraph of running text.
    Paragraph(Paragraph),
    /// The author line at the end of an article, set flush right
    /// (`<p class="byline">…</p>` in the Markdown).
    Byline(Paragraph),
    /// A block quote (`>`), which may nest.
    Quote(Vec<Block>),
    /// A list, ordered or not; items may hold task boxes and nested blocks.
    List(List),
    /// A fenced or indented code block.
    Code(CodeBlock),
    /// A table.
    Table(Table),
    /// An image on its own, with its caption.
    Figure(Figure),
    /// A thematic break (`---`).
    Rule,
}

/// A list.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// The first number of an ordered list; `None` for a bulleted list.
    pub start: Option<u64>,
    /// Its items.
    pub items: Vec<ListItem>,
}

/// A list item.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// A task list box: `Some(true)` when ticked.
    pub checked: Option<bool>,
    /// Its content.
    pub blocks: Vec<Block>,
}

/// A block of code, set in the monospace face, line for line.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock {
    /// The language given after the fence, if any.
    pub language: Option<String>,
    /// The code, without the final newline; tabs already expanded.
    pub text: String,
    /// 1-based source line.
    pub line: usize,
}

/// A table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Alignment of each column, from the source's delimiter row.
    pub align: Vec<ColumnAlign>,
    /// The header row's cells.
    pub header: Vec<Vec<Inline>>,
    /// The body rows' cells (every row has as many cells as the header).
    pub rows: Vec<Vec<Vec<Inline>>>,
    /// 1-based source line.
    pub line: usize,
}

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnAlign {
    /// None given: text starts at the left.
    None,
    /// `:--`
    Left,
    /// `:-:`
    Center,
    /// `--:`
    Right,
}

/// An image shown as a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Index into [`Book::images`].
    pub image: usize,
    /// Text alternative (from `![alt](…)`).
    pub alt: String,
    /// Caption (from the image's title, `![alt](path "title")`).
    pub caption: Option<String>,
    /// 1-based source line.
    pub line: usize,
    /// 1-based source column (of the `!`).
    pub column: usize,
}

/// A heading with a book-wide unique id.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Unique in the whole book; a valid XML id. From `{#id}` or derived from the text.
    pub id: String,
    /// The heading's text.
    pub content: Vec<Inline>,
    /// 1-based source line.
    pub line: usize,
}

/// A run of inline content with its source line.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// The text.
    pub content: Vec<Inline>,
    /// 1-based source line where it starts.
    pub line: usize,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// An address outside the book (`https:`, `mailto:`…).
    External(String),
    /// A heading of the book, by id.
    Heading(String),
    /// The start of a chapter, by index.
    Chapter(usize),
}

/// Inline content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text. Source line breaks have already been resolved: none between two
    /// Chinese characters, a space between Latin words.
    Text(String),
    /// `*…*`: emphasis dots under Chinese, italic for Latin.
    Emphasis(Vec<Inline>),
    /// `**…**`: bold.
    Strong(Vec<Inline>),
    /// `~~…~~`: struck through.
    Strikethrough(Vec<Inline>),
    /// `` `code` ``: the monospace face.
    Code(String),
    /// A link.
    Link {
        /// Where it goes.
        target: LinkTarget,
        /// What it says.
        content: Vec<Inline>,
    },
    /// A footnote reference: the note's number in its chapter.
    NoteRef(usize),
    /// `<sup>`.
    Superscript(Vec<Inline>),
    /// `<sub>`.
    Subscript(Vec<Inline>),
    /// `<ruby>base<rt>annotation</rt></ruby>`.
    Ruby {
        /// The annotated text.
        base: String,
        /// The annotation (pinyin, zhuyin…).
        annotation: String,
    },
    /// `<span lang="…">`: text in another language.
    Lang {
        /// BCP 47 tag.
        lang: String,
        /// The text.
        content: Vec<Inline>,
    },
    /// A forced line break (two trailing spaces, a backslash, or `<br>`).
    LineBreak,
}

impl Block {
    /// The 1-based source line where the block starts.
    pub fn line(&self) -> usize {
        match self {
            Block::Heading(h) => h.line,
            Block::Paragraph(p) | Block::Byline(p) => p.line,
            Block::Code(c) => c.line,
            Block::Table(t) => t.line,
            Block::Figure(f) => f.line,
            Block::Quote(inner) => inner.first().map_or(1, Block::line),
            Block::List(list) => list
                .items
                .first()
                .and_then(|i| i.blocks.first())
                .map_or(1, Block::line),
            Block::Rule => 1,
        }
    }

    /// Calls `f` with every piece of text the block displays (captions, alternative
    /// text, ruby annotations and code included) and the line of the block holding it.
    pub fn each_text(&self, f: &mut dyn FnMut(&str, usize)) {
        let line = self.line();
        match self {
            Block::Heading(Heading { content, .. })
            | Block::Paragraph(Paragraph { content, .. })
            | Block::Byline(Paragraph { content, .. }) => {
                inline_texts(content, &mut |t| f(t, line))
            }
            Block::Quote(inner) => inner.iter().for_each(|b| b.each_text(f)),
            Block::List(list) => list
                .items
                .iter()
                .flat_map(|i| &i.blocks)
                .for_each(|b| b.each_text(f)),
            Block::Code(code) => f(&code.text, line),
            Block::Table(table) => {
                for cell in table.header.iter().chain(table.rows.iter().flatten()) {
                    inline_texts(cell, &mut |t| f(t, line));
                }
            }
            Block::Figure(figure) => {
                f(&figure.alt, line);
                if let Some(caption) = &figure.caption {
                    f(caption, line);
                }
            }
            Block::Rule => {}
        }
    }
}

impl Block {
    /// Calls `f` with the block and each block nested in it, outermost first.
    pub fn each_block(&self, f: &mut dyn FnMut(&Block)) {
        f(self);
        match self {
            Block::Quote(inner) => inner.iter().for_each(|b| b.each_block(f)),
            Block::List(list) => list
                .items
                .iter()
                .flat_map(|i| &i.blocks)
                .for_each(|b| b.each_block(f)),
            _ => {}
        }
    }

    /// [`Block::each_block`], mutably.
    pub fn each_block_mut(&mut self, f: &mut dyn FnMut(&mut Block)) {
        f(self);
        match self {
            Block::Quote(inner) => inner.iter_mut().for_each(|b| b.each_block_mut(f)),
            Block::List(list) => list
                .items
                .iter_mut()
                .flat_map(|i| &mut i.blocks)
                .for_each(|b| b.each_block_mut(f)),
            _ => {}
        }
    }

    /// Calls `f` with each run of inline content in the block, nested blocks included
    /// (a heading's or paragraph's text, each table cell), and the line of the
    /// innermost block holding it.
    pub fn each_run_mut(&mut self, f: &mut dyn FnMut(&mut Vec<Inline>, usize)) {
        let line = self.line();
        match self {
            Block::Heading(Heading { content, .. })
            | Block::Paragraph(Paragraph { content, .. })
            | Block::Byline(Paragraph { content, .. }) => f(content, line),
            Block::Quote(inner) => inner.iter_mut().for_each(|b| b.each_run_mut(f)),
            Block::List(list) => list
                .items
                .iter_mut()
                .flat_map(|i| &mut i.blocks)
                .for_each(|b| b.each_run_mut(f)),
            Block::Table(table) => {
                for cell in table
                    .header
                    .iter_mut()
                    .chain(table.rows.iter_mut().flatten())
                {
                    f(cell, line);
                }
            }
            Block::Code(_) | Block::Figure(_) | Block::Rule => {}
        }
    }
}

impl Inline {
    /// The inline content a span holds (emphasis, link, …); empty for leaves.
    pub fn children(&self) -> &[Inline] {
        match self {
            Inline::Emphasis(inner)
            | Inline::Strong(inner)
            | Inline::Strikethrough(inner)
            | Inline::Superscript(inner)
            | Inline::Subscript(inner)
            | Inline::Link { content: inner, .. }
            | Inline::Lang { content: inner, .. } => inner,
            _ => &[],
        }
    }

    /// The inline content a span holds, to change it; `None` for leaves.
    pub fn children_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self {
            Inline::Emphasis(inner)
            | Inline::Strong(inner)
            | Inline::Strikethrough(inner)
            | Inline::Superscript(inner)
            | Inline::Subscript(inner)
            | Inline::Link { content: inner, .. }
            | Inline::Lang { content: inner, .. } => Some(inner),
            _ => None,
        }
    }
}

fn inline_texts(inlines: &[Inline], f: &mut dyn FnMut(&str)) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => f(t),
            Inline::Ruby { base, annotation } => {
                f(base);
                f(annotation);
            }
            other => inline_texts(other.children(), f),
        }
    }
}

/// The mark of footnote `number` in the text and before the note: ①–⑳, then \[21\]…
pub fn note_marker(number: usize) -> String {
    match number {
        1..=20 => char::from_u32(0x2460 + number as u32 - 1).map_or_else(String::new, String::from),
        n => format!("[{n}]"),
    }
}

/// The plain text of inline content, markup removed (a ruby's annotation too).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain_text(inlines, &mut out);
    out
}

fn push_plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) | Inline::Ruby { base: t, .. } => out.push_str(t),
            Inline::LineBreak => out.push('\n'),
            other => push_plain_text(other.children(), out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_flattens_markup() {
        let inlines = vec![
            Inline::Text("甲".into()),
            Inline::Strong(vec![Inline::Emphasis(vec![Inline::Text("乙".into())])]),
            Inline::LineBreak,
            Inline::Text("丙".into()),
        ];
        assert_eq!(plain_text(&inlines), "甲乙\n丙");
    }

    #[test]
    fn note_markers() {
        assert_eq!(note_marker(1), "①");
        assert_eq!(note_marker(20), "⑳");
        assert_eq!(note_marker(21), "[21]");
    }
}
