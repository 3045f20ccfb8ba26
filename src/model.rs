//! The document model that every output reads: book → chapters → blocks → inlines.
//!
//! Plain data only. The `source` stage builds it from `book.toml` and Markdown; the
//! `epub` and `pdf` stages read it and never look at the Markdown themselves.

use std::path::PathBuf;

/// A whole book, ready to be written out.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    /// Title, authors and the rest of the bibliographic data.
    pub metadata: Metadata,
    /// The cover image the author supplied, if any (otherwise a cover is drawn).
    pub cover: Option<CoverSource>,
    /// Chapters in reading order.
    pub chapters: Vec<Chapter>,
    /// The book folder, as the user named it (for messages and relative paths).
    pub dir: PathBuf,
    /// Page and type settings for the PDF (`[pdf]` in book.toml).
    pub pdf: PdfOptions,
    /// The print master's settings (`[print]` in book.toml), when one is asked for.
    pub print: Option<PrintOptions>,
    /// Every image the chapters show, once each (blocks refer to them by index).
    pub images: Vec<ImageAsset>,
}

/// An image of the book, decoded and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageAsset {
    /// The file as the user sees it (for messages).
    pub source: PathBuf,
    /// The file's bytes as read.
    pub data: Vec<u8>,
    /// Its format.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Decoded pixels, 8-bit RGBA, row by row.
    pub rgba: Vec<u8>,
    /// Whether any pixel is not fully opaque.
    pub has_alpha: bool,
}

/// Image formats a book may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// WebP.
    WebP,
    /// GIF (its first frame).
    Gif,
}

/// Page and type settings for the typeset PDF.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PdfOptions {
    /// Page width in millimetres.
    pub page_width_mm: f32,
    /// Page height in millimetres.
    pub page_height_mm: f32,
    /// Body type size in points (10.5 pt is 五号).
    pub font_size_pt: f32,
    /// Baseline distance as a multiple of the body size.
    pub line_pitch: f32,
    /// Chapters begin on a right-hand (odd) page, a blank page inserted when needed.
    pub chapters_on_right: bool,
    /// Margins, when the author sets them (inner and outer mirror on facing pages).
    pub margins: Option<MarginsMm>,
}

impl Default for PdfOptions {
    /// A5, 10.5 pt, pitch 1.7, chapters on the next page, margins derived from the page.
    fn default() -> Self {
        PdfOptions {
            page_width_mm: 148.0,
            page_height_mm: 210.0,
            font_size_pt: 10.5,
            line_pitch: 1.7,
            chapters_on_right: false,
            margins: None,
        }
    }
}

/// Page margins in millimetres (`[pdf] margins` in book.toml).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarginsMm {
    /// Above the text block.
    pub top: f32,
    /// Below it.
    pub bottom: f32,
    /// On the spine side.
    pub inner: f32,
    /// On the fore-edge side.
    pub outer: f32,
}

/// The print master asked for by `[print]`: a PDF/X-4 beside the screen PDF.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrintOptions {
    /// Bleed beyond the trim on every side, in mm.
    pub bleed_mm: f32,
    /// Crop marks in the slug, outside the bleed.
    pub marks: bool,
    /// The least effective resolution kept for placed images, in pixels per inch.
    pub image_ppi: f32,
}

impl Default for PrintOptions {
    /// 3 mm bleed, crop marks, 300 ppi.
    fn default() -> Self {
        PrintOptions {
            bleed_mm: 3.0,
            marks: true,
            image_ppi: 300.0,
        }
    }
}

/// Named page sizes (width × height in mm): ISO A4, A5, B5 and the Chinese 16开 and 32开.
pub const PAGE_SIZES: &[(&str, f32, f32)] = &[
    ("A4", 210.0, 297.0),
    ("A5", 148.0, 210.0),
    ("B5", 176.0, 250.0),
    ("16开", 185.0, 260.0),
    ("32开", 130.0, 184.0),
];

/// Bibliographic data about the book.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// The title. Spaces inside a Chinese title separate phrases.
    pub title: String,
    /// An optional subtitle.
    pub subtitle: Option<String>,
    /// A shorter title for running heads, when the title is long.
    pub short_title: Option<String>,
    /// Authors, in credit order.
    pub authors: Vec<String>,
    /// BCP 47 language tag, e.g. `zh-CN`.
    pub language: String,
    /// A unique identifier: the one given in `book.toml`, or a `urn:uuid:` derived from
    /// title, authors and language (the same book always gets the same one).
    pub identifier: String,
    /// Publication date as written (`YYYY`, `YYYY-MM`, `YYYY-MM-DD` or RFC 3339).
    pub date: Option<String>,
    /// Last modification time, seconds since 1970 (UTC): from `SOURCE_DATE_EPOCH`, else the
    /// start of `date`, else 1980-01-01. Never the clock, so builds are reproducible.
    pub modified: i64,
    /// Publisher.
    pub publisher: Option<String>,
    /// A short description (blurb).
    pub description: Option<String>,
    /// The ISBN-13, 13 digits without hyphens (checked).
    pub isbn: Option<String>,
    /// The series the book belongs to.
    pub series: Option<Series>,
    /// Subjects (categories, keywords), for stores and catalogues.
    pub subjects: Vec<String>,
    /// The rights statement (copyright line).
    pub rights: Option<String>,
    /// People credited besides the authors.
    pub contributors: Vec<Contributor>,
}

/// A series of books.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name.
    pub name: String,
    /// The book's place in it, as written (`2`, `2.5`).
    pub position: Option<String>,
}

/// Someone credited besides the authors.
#[derive(Debug, Clone, PartialEq)]
pub struct Contributor {
    /// The name as credited.
    pub name: String,
    /// What they did.
    pub role: Role,
}

/// What a contributor did, as a MARC relator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Translator (`trl`).
    Translator,
    /// Editor (`edt`).
    Editor,
    /// Illustrator (`ill`).
    Illustrator,
    /// Cover designer (`cov`).
    CoverDesigner,
    /// Photographer (`pht`).
    Photographer,
    /// Author of an introduction or foreword (`aui`).
    Introduction,
    /// Annotator (`ann`).
    Annotator,
    /// Narrator (`nrt`).
    Narrator,
    /// Any other contributor (`ctb`).
    Contributor,
}

impl Role {
    /// Every role, by the name `book.toml` gives it.
    pub const NAMES: [(&'static str, Role); 9] = [
        ("translator", Role::Translator),
        ("editor", Role::Editor),
        ("illustrator", Role::Illustrator),
        ("cover-designer", Role::CoverDesigner),
        ("photographer", Role::Photographer),
        ("introduction", Role::Introduction),
        ("annotator", Role::Annotator),
        ("narrator", Role::Narrator),
        ("contributor", Role::Contributor),
    ];

    /// The MARC relator code.
    pub fn marc(self) -> &'static str {
        match self {
            Role::Translator => "trl",
            Role::Editor => "edt",
            Role::Illustrator => "ill",
            Role::CoverDesigner => "cov",
            Role::Photographer => "pht",
            Role::Introduction => "aui",
            Role::Annotator => "ann",
            Role::Narrator => "nrt",
            Role::Contributor => "ctb",
        }
    }
}

impl Metadata {
    /// A record for unit tests: `title`, two authors, zh-CN, nothing else.
    #[cfg(test)]
    pub fn sample(title: &str) -> Metadata {
        Metadata {
            title: title.into(),
            subtitle: None,
            short_title: None,
            authors: vec!["黄颢".into(), "郭晶".into()],
            language: "zh-CN".into(),
            identifier: "urn:uuid:00000000-0000-0000-0000-000000000000".into(),
            date: None,
            modified: 0,
            publisher: None,
            description: None,
            isbn: None,
            series: None,
            subjects: Vec::new(),
            rights: None,
            contributors: Vec::new(),
        }
    }

    /// Title phrases: the title split at its spaces (a Chinese headline separates its
    /// phrases with spaces; a line break is best placed between them).
    pub fn title_phrases(&self) -> Vec<&str> {
        self.title.split_whitespace().collect()
    }
}

/// A place in the book where a printed page can begin: what the PDF tells the EPUB so
/// that the EPUB can mark the print edition's page breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The title page of a book of several chapters.
    TitlePage,
    /// Entry `n` of the table of contents of a book of several chapters (0: its
    /// heading).
    Contents(usize),
    /// Before the `offset`-th counted character ([`crate::script::is_counted`]) of
    /// block `block` of chapter `chapter`. Blocks are numbered in document order from
    /// 0, the blocks inside quotes and list items included, footnotes left out.
    Text {
        /// The chapter's index.
        chapter: usize,
        /// The block's number in the chapter.
        block: usize,
        /// Counted characters of the block before the place.
        offset: usize,
    },
}

/// The author's cover image, checked to exist inside the book folder.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverSource {
    /// Absolute path to the image.
    pub path: PathBuf,
    /// The path as the user wrote it, relative to the book folder (for messages).
    pub display: PathBuf,
}

/// One Markdown file of the book.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// The source file, as shown in messages (e.g. `book/article.md`).
    pub source: PathBuf,
    /// Blocks in reading order. A level-1 heading at the start is the chapter title.
    pub blocks: Vec<Block>,
    /// Footnotes, numbered from 1 in the order they are first cited.
    pub footnotes: Vec<Footnote>,
}

impl Chapter {
    /// The chapter's title heading: its first block, when that is a level-1 heading.
    pub fn title(&self) -> Option<&Heading> {
        match self.blocks.first() {
            Some(Block::Heading(h)) if h.level == 1 => Some(h),
            _ => None,
        }
    }

    /// Headings of the chapter in order, the title included (not those inside quotes
    /// or lists).
    pub fn headings(&self) -> impl Iterator<Item = &Heading> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Heading(h) => Some(h),
            _ => None,
        })
    }
}

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

    #[test]
    fn title_phrases_split_at_spaces() {
        let m = Metadata::sample("镇江高新区 争当创新发展“先行军”");
        assert_eq!(m.title_phrases(), ["镇江高新区", "争当创新发展“先行军”"]);
    }

    #[test]
    fn chapter_title_is_a_leading_level_one_heading() {
        let heading = |level| {
            Block::Heading(Heading {
                level,
                id: "h".into(),
                content: vec![Inline::Text("题".into())],
                line: 1,
            })
        };
        let ch = Chapter {
            source: "a.md".into(),
            blocks: vec![heading(1), heading(2)],
            footnotes: vec![],
        };
        assert_eq!(ch.title().unwrap().level, 1);
        assert_eq!(ch.headings().count(), 2);
        let ch = Chapter {
            source: "a.md".into(),
            blocks: vec![heading(2)],
            footnotes: vec![],
        };
        assert!(ch.title().is_none());
    }
}
