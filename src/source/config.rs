//! `book.toml`: the book's metadata and the list of its chapters.
//!
//! Parsing happens in two passes. The first walks the TOML document with spans and
//! rejects unknown keys (naming the line and the nearest valid key), the second
//! deserializes the known keys into typed values with serde.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::de::DeTable;
use toml::Spanned;

use crate::error::{Code, Error, Finding, Location, Result};

/// Keys allowed under `[book]`, in the order the README documents them.
pub const BOOK_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "short_title",
    "authors",
    "language",
    "identifier",
    "date",
    "publisher",
    "description",
    "isbn",
    "series",
    "series_index",
    "subjects",
    "rights",
    "contributors",
    "cover",
    "chapters",
];

/// Keys allowed in each `[[book.contributors]]` entry (or `{ name, role }`).
pub const CONTRIBUTOR_KEYS: &[&str] = &["name", "role"];

/// Keys allowed under `[pdf]`.
pub const PDF_KEYS: &[&str] = &[
    "page_size",
    "font_size",
    "line_pitch",
    "chapter_start",
    "margins",
];

/// Keys allowed under `[print]`.
pub const PRINT_KEYS: &[&str] = &["bleed", "marks", "image_ppi"];

/// Keys allowed in `[pdf] margins = { … }`.
pub const MARGIN_KEYS: &[&str] = &["top", "bottom", "inner", "outer"];

/// Top-level tables allowed in `book.toml`, with their keys.
const TABLES: &[(&str, &[&str])] = &[
    ("book", BOOK_KEYS),
    ("pdf", PDF_KEYS),
    ("print", PRINT_KEYS),
];

/// The contents of `book.toml`, with spans kept where later errors need a line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookToml {
    /// The `[book]` table.
    pub book: BookTable,
    /// The `[pdf]` table: page and type settings of the typeset PDF.
    #[serde(default)]
    pub pdf: PdfTable,
    /// The `[print]` table: when present, a print master is written too.
    pub print: Option<Spanned<PrintTable>>,
}

/// The `[print]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintTable {
    /// Bleed in mm.
    pub bleed: Option<Spanned<f64>>,
    /// Crop marks.
    pub marks: Option<bool>,
    /// The least image resolution kept, in ppi.
    pub image_ppi: Option<Spanned<f64>>,
}

/// `[pdf] margins = { top, bottom, inner, outer }` in mm.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarginsTable {
    /// Above the text block.
    pub top: f64,
    /// Below it.
    pub bottom: f64,
    /// Spine side.
    pub inner: f64,
    /// Fore-edge side.
    pub outer: f64,
}

/// The `[pdf]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfTable {
    /// A preset name (`A4`, `A5`, `B5`, `16开`, `32开`) or `[width, height]` in mm.
    pub page_size: Option<Spanned<PageSizeValue>>,
    /// Body type size in points.
    pub font_size: Option<Spanned<f64>>,
    /// Baseline distance as a multiple of the body size.
    pub line_pitch: Option<Spanned<f64>>,
    /// `"new-page"` (default) or `"right-page"`.
    pub chapter_start: Option<Spanned<String>>,
    /// Margins in mm; inner and outer mirror on facing pages.
    pub margins: Option<Spanned<MarginsTable>>,
}

/// `page_size` as written: a preset name or width and height in millimetres.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum PageSizeValue {
    /// `page_size = "A5"`
    Preset(String),
    /// `page_size = [148, 210]`
    Millimetres([f64; 2]),
}

/// The `[book]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookTable {
    /// Title (required).
    pub title: Spanned<String>,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// A shorter title for running heads.
    pub short_title: Option<String>,
    /// Authors, in the order they are credited.
    #[serde(default)]
    pub authors: Vec<String>,
    /// BCP 47 language tag; `zh-CN` when absent.
    pub language: Option<Spanned<String>>,
    /// A unique identifier such as `urn:isbn:…`; derived from the book when absent.
    pub identifier: Option<Spanned<String>>,
    /// Publication date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD` or a full timestamp).
    pub date: Option<Spanned<DateValue>>,
    /// Publisher.
    pub publisher: Option<String>,
    /// A short description of the book.
    pub description: Option<String>,
    /// The ISBN-13 (hyphens and spaces allowed).
    pub isbn: Option<Spanned<String>>,
    /// The series the book belongs to.
    pub series: Option<Spanned<String>>,
    /// The book's number in the series.
    pub series_index: Option<Spanned<f64>>,
    /// Subjects for stores and catalogues.
    #[serde(default)]
    pub subjects: Vec<String>,
    /// The rights statement.
    pub rights: Option<String>,
    /// People credited besides the authors, with their roles.
    #[serde(default)]
    pub contributors: Vec<Spanned<ContributorTable>>,
    /// Cover image, relative to `book.toml`.
    pub cover: Option<Spanned<String>>,
    /// Chapter files relative to `book.toml`, in reading order.
    pub chapters: Option<Vec<Spanned<String>>>,
}

/// A contributor: `{ name = "…", role = "translator" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributorTable {
    /// The name as credited.
    pub name: String,
    /// The role (see [`crate::model::Role::NAMES`]).
    pub role: Spanned<String>,
}

/// A date as written in TOML: a string, or a bare TOML date/datetime.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum DateValue {
    /// `date = "2021-11"`
    Text(String),
    /// `date = 2021-11-30`
    Toml(toml::value::Datetime),
}

impl DateValue {
    /// The date as text, in the form it was written.
    pub fn as_text(&self) -> String {
        match self {
            DateValue::Text(s) => s.trim().to_string(),
            DateValue::Toml(d) => d.to_string(),
        }
    }
}

/// Reads `book.toml` text (already loaded from `path`) into a typed configuration.
pub fn parse(path: &Path, text: &str) -> Result<BookToml> {
    let at = |span: Option<Range<usize>>| match span {
        Some(span) => Location::of_range(path, text, span),
        None => Location::file(path),
    };
    let document = DeTable::parse(text).map_err(|e| {
        Error::input(
            Code::TomlSyntax,
            at(e.span()),
            format!("TOML syntax error: {}", first_line(e.message())),
            "fix the syntax (strings need quotes, lists look like [\"a\", \"b\"])",
        )
    })?;
    check_keys(document.get_ref(), |span| at(Some(span)))?;
    toml::from_str::<BookToml>(text).map_err(|e| {
        Error::input(
            Code::InvalidValue,
            at(e.span()),
            format!("invalid value: {}", first_line(e.message())),
            "see README.md for the keys of book.toml and their types",
        )
    })
}

/// Rejects unknown tables and keys, every one of them, suggesting the closest known
/// name for each.
fn check_keys(document: &DeTable<'_>, at: impl Fn(Range<usize>) -> Location) -> Result<()> {
    let table_names: Vec<&str> = TABLES.iter().map(|(name, _)| *name).collect();
    let mut found = Vec::new();
    for (key, value) in document.iter() {
        let name: &str = key.get_ref();
        let Some((_, keys)) = TABLES.iter().find(|(table, _)| *table == name) else {
            found.push(unknown(at(key.span()), name, "book.toml", &table_names));
            continue;
        };
        let Some(table) = value.get_ref().as_table() else {
            found.push(Finding::new(
                Code::InvalidValue,
                at(key.span()),
                format!("`{name}` must be a table"),
                format!("write it as a [{name}] section"),
            ));
            continue;
        };
        for (inner, inner_value) in table.iter() {
            let inner_name: &str = inner.get_ref();
            if !keys.contains(&inner_name) {
                let place = format!("[{name}]");
                found.push(unknown(at(inner.span()), inner_name, &place, keys));
            }
            if let (("pdf", "margins"), Some(margins)) =
                ((name, inner_name), inner_value.get_ref().as_table())
            {
                check_inner_keys(margins, "[pdf] margins", MARGIN_KEYS, &at, &mut found);
            }
            if let (("book", "contributors"), Some(entries)) =
                ((name, inner_name), inner_value.get_ref().as_array())
            {
                for entry in entries.iter().filter_map(|e| e.get_ref().as_table()) {
                    check_inner_keys(entry, "a contributor", CONTRIBUTOR_KEYS, &at, &mut found);
                }
            }
        }
    }
    if document.get("book").is_none() {
        found.push(Finding::new(
            Code::NoBookTable,
            at(0..0),
            "no [book] table",
            "start the file with [book] and a title = \"…\" line",
        ));
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(Error::Book(found))
    }
}

/// Finds keys of an inline table (in `place`) other than `known`.
fn check_inner_keys(
    table: &DeTable<'_>,
    place: &str,
    known: &[&str],
    at: &impl Fn(Range<usize>) -> Location,
    found: &mut Vec<Finding>,
) {
    for (key, _) in table.iter() {
        if !known.contains(&key.get_ref().as_ref()) {
            found.push(unknown(at(key.span()), key.get_ref(), place, known));
        }
    }
}

fn unknown(location: Location, name: &str, place: &str, known: &[&str]) -> Finding {
    let hint = match closest(name, known) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("valid keys are: {}", known.join(", ")),
    };
    Finding::new(
        Code::UnknownKey,
        location,
        format!("unknown key `{name}` in {place}"),
        hint,
    )
}

/// The known name closest to `name`, when it is close enough to be a plausible typo.
pub(crate) fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// 1-based line number of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<BookToml> {
        parse(Path::new("book.toml"), text)
    }

    #[test]
    fn reads_every_documented_key() {
        let t = parse_str(
            r#"
[book]
title = "书名"
subtitle = "副题"
authors = ["甲", "乙"]
language = "zh-TW"
identifier = "urn:isbn:9780000000000"
date = 2021-11-30
publisher = "出版社"
description = "简介"
isbn = "978-7-02-000220-7"
series = "丛书"
series_index = 2
subjects = ["小说"]
rights = "版权所有"
contributors = [{ name = "丙", role = "translator" }]
cover = "cover.png"
chapters = ["a.md", "b.md"]

[pdf]
page_size = "16开"
font_size = 9
line_pitch = 1.6
"#,
        )
        .unwrap();
        assert_eq!(t.book.title.get_ref(), "书名");
        assert_eq!(t.book.authors, ["甲", "乙"]);
        assert_eq!(t.book.date.unwrap().get_ref().as_text(), "2021-11-30");
        assert_eq!(t.book.chapters.unwrap().len(), 2);
        assert_eq!(
            t.book.contributors[0].get_ref().role.get_ref(),
            "translator"
        );
        assert_eq!(*t.book.series_index.unwrap().get_ref(), 2.0);
        assert!(
            matches!(t.pdf.page_size.unwrap().get_ref(), PageSizeValue::Preset(p) if p == "16开")
        );
        assert_eq!(*t.pdf.font_size.unwrap().get_ref(), 9.0);
        // every key the checker accepts is one serde knows (and the other way round)
        assert_eq!(BOOK_KEYS.len(), 17);
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let e = parse_str("[book]\ntitle = \"x\"\nauthor = [\"a\"]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "book.toml:3:1: unknown key `author` in [book]; did you mean `authors`?"
        );
    }

    #[test]
    fn unknown_contributor_key_is_rejected() {
        let e = parse_str(
            "[book]\ntitle = \"x\"\ncontributors = [{ name = \"a\", rol = \"editor\" }]\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "book.toml:3:31: unknown key `rol` in a contributor; did you mean `role`?"
        );
    }

    #[test]
    fn unknown_table_is_rejected() {
        let e = parse_str("[book]\ntitle = \"x\"\n[bok]\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("book.toml:3:2: unknown key `bok`"),
            "{e}"
        );
    }

    #[test]
    fn custom_page_size_and_unknown_pdf_key() {
        let t = parse_str("[book]\ntitle = \"x\"\n[pdf]\npage_size = [150, 220.5]\n").unwrap();
        assert!(
            matches!(t.pdf.page_size.unwrap().get_ref(), PageSizeValue::Millimetres([w, h]) if *w == 150.0 && *h == 220.5)
        );
        let e = parse_str("[book]\ntitle = \"x\"\n[pdf]\nfontsize = 9\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "book.toml:4:1: unknown key `fontsize` in [pdf]; did you mean `font_size`?"
        );
    }

    #[test]
    fn syntax_error_has_a_line() {
        let e = parse_str("[book]\ntitle = \"x\"\nauthors = [\"a\",\n").unwrap_err();
        assert!(e.to_string().starts_with("book.toml:"), "{e}");
        assert!(e.to_string().contains("TOML syntax error"), "{e}");
    }

    #[test]
    fn missing_title_and_wrong_types_are_errors() {
        let e = parse_str("[book]\nsubtitle = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("title"), "{e}");
        let e = parse_str("[book]\ntitle = 3\n").unwrap_err();
        assert!(
            e.to_string().starts_with("book.toml:2:9: invalid value"),
            "{e}"
        );
    }

    #[test]
    fn line_numbers_are_one_based() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
