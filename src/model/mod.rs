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
    /// Decoded pixels, 8-bit RGBA, row by row, while the book's images fit the memory
    /// budget for decoded pixels; `None` for an image decoded again where its pixels
    /// are needed (`raster::pixels`).
    pub rgba: Option<Vec<u8>>,
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

mod content;
mod words;

pub use content::*;
pub use words::Words;

#[cfg(test)]
mod tests {
    use super::*;

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
