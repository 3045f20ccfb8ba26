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
}

impl Default for PdfOptions {
    /// A5, 10.5 pt, pitch 1.7.
    fn default() -> Self {
        PdfOptions {
            page_width_mm: 148.0,
            page_height_mm: 210.0,
            font_size_pt: 10.5,
            line_pitch: 1.7,
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
}

impl Metadata {
    /// A record for unit tests: `title`, two authors, zh-CN, nothing else.
    #[cfg(test)]
    pub fn sample(title: &str) -> Metadata {
        Metadata {
            title: title.into(),
            subtitle: None,
            authors: vec!["黄颢".into(), "郭晶".into()],
            language: "zh-CN".into(),
            identifier: "urn:uuid:00000000-0000-0000-0000-000000000000".into(),
            date: None,
            modified: 0,
            publisher: None,
            description: None,
        }
    }

    /// Title phrases: the title split at its spaces (a Chinese headline separates its
    /// phrases with spaces; a line break is best placed between them).
    pub fn title_phrases(&self) -> Vec<&str> {
        self.title.split_whitespace().collect()
    }
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
}

impl Chapter {
    /// The chapter's title heading: its first block, when that is a level-1 heading.
    pub fn title(&self) -> Option<&Heading> {
        match self.blocks.first() {
            Some(Block::Heading(h)) if h.level == 1 => Some(h),
            _ => None,
        }
    }

    /// Headings of the chapter in order, the title included.
    pub fn headings(&self) -> impl Iterator<Item = &Heading> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Heading(h) => Some(h),
            _ => None,
        })
    }
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
    /// A forced line break (two trailing spaces or a backslash).
    LineBreak,
}

/// The plain text of inline content, markup removed.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain_text(inlines, &mut out);
    out
}

fn push_plain_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push_str(t),
            Inline::Emphasis(inner) | Inline::Strong(inner) => push_plain_text(inner, out),
            Inline::LineBreak => out.push('\n'),
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
        };
        assert_eq!(ch.title().unwrap().level, 1);
        assert_eq!(ch.headings().count(), 2);
        let ch = Chapter {
            source: "a.md".into(),
            blocks: vec![heading(2)],
        };
        assert!(ch.title().is_none());
    }
}
