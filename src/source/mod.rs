//! The `source` stage: a book folder (`book.toml` + Markdown) → [`Book`].

mod config;
mod html;
mod images;
mod links;
mod markdown;
mod settings;
mod store;

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, NaiveDate};
use rayon::prelude::*;
use toml::Spanned;

use crate::error::{Code, Error, Location, Result, Warning};
use crate::model::{
    Block, Book, Chapter, CoverSource, Footnote, Metadata, PdfOptions, PrintOptions,
};
use config::{line_of, BookTable};

/// Seconds since 1970 of 1980-01-01T00:00:00Z, the modification time of a book that has
/// neither a `date` nor `SOURCE_DATE_EPOCH` (also the earliest time a ZIP can hold).
pub const DEFAULT_MODIFIED: i64 = 315_532_800;

/// What the environment contributes to loading a book, and what the caller needs of it.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The value of `SOURCE_DATE_EPOCH`, if set: the modification time to record.
    pub source_date_epoch: Option<String>,
    /// Keep images' decoded pixels (within a budget) for making the outputs; without
    /// it images are still decoded, to find those that cannot be, but not kept.
    pub keep_pixels: bool,
}

/// A loaded book and the warnings met on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The book.
    pub book: Book,
    /// Problems that did not stop the build (unsupported markup and the like).
    pub warnings: Vec<Warning>,
}

/// Reads the book in folder `dir`.
pub fn load(dir: &Path, options: &LoadOptions) -> Result<Loaded> {
    configure(dir, options)?.read(options)
}

/// A book folder whose `book.toml` has been read and checked, its chapters not yet
/// read: what is known of the book before its text (a drawn cover needs no more).
#[derive(Debug)]
pub struct Configured {
    /// The book's metadata.
    pub metadata: Metadata,
    /// The author's cover image, if `book.toml` names one.
    pub cover: Option<CoverSource>,
    dir: PathBuf,
    root: PathBuf,
    toml_path: PathBuf,
    toml_text: String,
    chapters: Option<Vec<Spanned<String>>>,
    pdf: PdfOptions,
    print: Option<PrintOptions>,
}

/// Reads and checks `book.toml` in folder `dir`: the metadata, the cover's path and
/// the settings. Its errors come before any chapter's.
pub fn configure(dir: &Path, options: &LoadOptions) -> Result<Configured> {
    if !dir.is_dir() {
        return Err(Error::input(
            Code::NoBookFolder,
            Location::file(dir),
            "no such folder",
            "pass the folder that holds book.toml (e.g. `inkstone build book`)",
        ));
    }
    let toml_path = dir.join("book.toml");
    let toml_text = match fs::read(&toml_path) {
        Ok(bytes) => utf8(&toml_path, bytes)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::input(
                Code::NoBookToml,
                Location::file(&toml_path),
                "not found",
                "create it with a [book] table and a title = \"…\" line (see README.md)",
            ))
        }
        Err(e) => return Err(Error::io(&toml_path, "read book.toml", e)),
    };
    let parsed = config::parse(&toml_path, &toml_text)?;
    let mut table = parsed.book;
    let at = |span: std::ops::Range<usize>| Location::of_range(&toml_path, &toml_text, span);

    let root = dir
        .canonicalize()
        .map_err(|e| Error::io(dir, "open the book folder", e))?;
    let cover = match &table.cover {
        Some(cover) => Some(resolve_cover(
            dir,
            &root,
            cover.get_ref(),
            at(cover.span()),
        )?),
        None => None,
    };
    let chapters = table.chapters.take();
    let metadata = metadata(table, &at, options)?;
    let pdf = settings::pdf_options(&parsed.pdf, &at)?;
    let print = settings::print_options(parsed.print.as_ref(), &at)?;
    Ok(Configured {
        metadata,
        cover,
        dir: dir.to_path_buf(),
        root,
        toml_path,
        toml_text,
        chapters,
        pdf,
        print,
    })
}

impl Configured {
    /// Reads the chapters and their images: the whole book.
    pub fn read(&self, options: &LoadOptions) -> Result<Loaded> {
        let (dir, root) = (&self.dir, &self.root);
        let at = |span: std::ops::Range<usize>| {
            Location::of_range(&self.toml_path, &self.toml_text, span)
        };
        let mut warnings = Vec::new();
        let mut images = images::ImageStore::new(dir, root);
        let chapters = read_chapters(
            dir,
            root,
            self.chapters.as_deref(),
            &at,
            &mut images,
            &mut warnings,
        )?;
        let images = images.decode(options.keep_pixels, &mut warnings);
        Ok(Loaded {
            book: Book {
                metadata: self.metadata.clone(),
                chapters,
                dir: dir.clone(),
                pdf: self.pdf,
                print: self.print,
                images,
            },
            warnings,
        })
    }
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.remove(0);
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = line_of(&String::from_utf8_lossy(&e.as_bytes()[..valid]), valid);
            Err(Error::input(
                Code::NotUtf8,
                Location::line(path, line),
                format!("not valid UTF-8 (byte {valid} of the file)"),
                "save the file as UTF-8 (GBK and Big5 files must be converted)",
            ))
        }
    }
}

/// A path from book.toml, checked to stay inside the book folder. Returns the path as
/// the user sees it (`dir/rel`) and its canonical form.
fn inside_book(
    dir: &Path,
    root: &Path,
    rel: &str,
    at: Location,
    what: &str,
) -> Result<(PathBuf, PathBuf)> {
    let rel_path = Path::new(rel);
    let shown = dir.join(rel_path);
    let outside = || {
        Error::input(
            Code::OutsideBook,
            at.clone(),
            format!("{what} `{rel}` is outside the book folder"),
            format!(
                "move the file into {} and use a path relative to book.toml",
                dir.display()
            ),
        )
    };
    if rel_path.is_absolute()
        || rel_path
            .components()
            .any(|c| matches!(c, Component::Prefix(_)))
    {
        return Err(outside());
    }
    match shown.canonicalize() {
        Ok(canonical) if canonical.starts_with(root) => Ok((shown, canonical)),
        Ok(_) => Err(outside()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if rel_path.components().any(|c| c == Component::ParentDir) {
                return Err(outside());
            }
            Err(Error::input(
                Code::MissingFile,
                at,
                format!("{what} `{}` not found", shown.display()),
                "check the name, or create the file",
            ))
        }
        Err(e) => Err(Error::io(&shown, "open a file of the book", e)),
    }
}

fn read_chapters(
    dir: &Path,
    root: &Path,
    list: Option<&[Spanned<String>]>,
    at: &impl Fn(std::ops::Range<usize>) -> Location,
    images: &mut images::ImageStore,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Chapter>> {
    let listed: Vec<(PathBuf, PathBuf)> = match list {
        Some(list) => list
            .iter()
            .map(|rel| inside_book(dir, root, rel.get_ref(), at(rel.span()), "chapter file"))
            .collect::<Result<_>>()?,
        None => {
            let mut names: Vec<String> = fs::read_dir(dir)
                .map_err(|e| Error::io(dir, "list the book folder", e))?
                .filter_map(|entry| entry.ok())
                .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|entry| entry.file_name().into_string().ok())
                .filter(|name| name.ends_with(".md"))
                .collect();
            names.sort();
            names
                .into_iter()
                .map(|name| (dir.join(&name), root.join(&name)))
                .collect()
        }
    };
    if listed.is_empty() {
        return Err(Error::input(
            Code::NoChapters,
            Location::file(dir.join("book.toml")),
            "the book has no chapters",
            "add Markdown (.md) files to the book folder, or list them in `chapters`",
        ));
    }
    let chapter_files: Vec<PathBuf> = listed.iter().map(|(_, c)| c.clone()).collect();
    // each chapter is read on its own, side by side; what follows the reading order
    // (heading ids unique in the book, images numbered by first use) is settled after
    let store: &images::ImageStore = images;
    let read: Vec<Result<(markdown::Read, Vec<images::Found>)>> = listed
        .par_iter()
        .map(|(shown, canonical)| {
            let bytes = fs::read(canonical).map_err(|e| Error::io(shown, "read the chapter", e))?;
            let text = utf8(shown, bytes)?;
            let mut resolver = ChapterResolver {
                images: store,
                found: Vec::new(),
                numbers: HashMap::new(),
                chapter_files: &chapter_files,
                root,
            };
            let read = markdown::read_chapter(shown, &text, &mut resolver)?;
            Ok((read, resolver.found))
        })
        .collect();
    let mut ids = markdown::HeadingIds::default();
    let mut chapters = Vec::new();
    let files: Vec<PathBuf> = listed.iter().map(|(shown, _)| shown.clone()).collect();
    for ((shown, _), read) in listed.into_iter().zip(read) {
        let (read, found) = read?;
        let mut parsed = read.settle(&mut ids, warnings);
        let index: Vec<usize> = found.into_iter().map(|f| images.add(f)).collect();
        parsed.each_block_mut(&mut |b| {
            if let Block::Figure(figure) = b {
                figure.image = index[figure.image];
            }
        });
        chapters.push(Chapter {
            source: shown,
            blocks: parsed.blocks,
            footnotes: parsed.footnotes,
        });
    }
    let Some(numbers) = links::leave_out_empty(&mut chapters, warnings) else {
        return Err(Error::input(
            Code::NoChapters,
            Location::file(dir.join("book.toml")),
            "no chapter has any text",
            "write at least one chapter (a Markdown file with text)",
        ));
    };
    let targets = links::Targets {
        ids: &ids,
        chapters: &numbers,
        files: &files,
    };
    for chapter in &mut chapters {
        let source = chapter.source.clone();
        let mut check = |blocks: &mut Vec<Block>| {
            for block in blocks {
                links::check(block, &targets, &source, warnings);
            }
        };
        check(&mut chapter.blocks);
        for Footnote { blocks, .. } in &mut chapter.footnotes {
            check(blocks);
        }
    }
    Ok(chapters)
}

/// Resolves what one chapter refers to: its images (numbered within the chapter, in
/// the order of `found`) and the other chapters.
struct ChapterResolver<'a> {
    images: &'a images::ImageStore,
    found: Vec<images::Found>,
    /// The number of each image path the chapter used and found, as written: an image
    /// used again is not read again.
    numbers: HashMap<String, usize>,
    chapter_files: &'a [PathBuf],
    root: &'a Path,
}

impl markdown::Resolver for ChapterResolver<'_> {
    fn image(&mut self, path: &str, at: &Location) -> Result<usize> {
        if let Some(&number) = self.numbers.get(path) {
            return Ok(number);
        }
        let found = self.images.find(path, at)?;
        self.found.push(found);
        self.numbers.insert(path.to_string(), self.found.len() - 1);
        Ok(self.found.len() - 1)
    }

    fn chapter(&self, path: &str) -> Option<usize> {
        let wanted = self.root.join(path).canonicalize().ok()?;
        self.chapter_files.iter().position(|c| *c == wanted)
    }
}

fn resolve_cover(dir: &Path, root: &Path, rel: &str, at: Location) -> Result<CoverSource> {
    let (shown, canonical) = inside_book(dir, root, rel, at, "cover image")?;
    Ok(CoverSource {
        path: canonical,
        display: shown,
    })
}

fn metadata(
    table: BookTable,
    at: &impl Fn(std::ops::Range<usize>) -> Location,
    options: &LoadOptions,
) -> Result<Metadata> {
    let title = table.title.get_ref().trim().to_string();
    if title.is_empty() {
        return Err(Error::input(
            Code::EmptyTitle,
            at(table.title.span()),
            "the title is empty",
            "write the book's title between the quotes",
        ));
    }
    let language = match &table.language {
        Some(lang) if !is_language_tag(lang.get_ref()) => {
            return Err(Error::input(
                Code::BadLanguage,
                at(lang.span()),
                format!("`{}` is not a BCP 47 language tag", lang.get_ref()),
                "use a tag such as zh-CN, zh-TW, zh-Hant or en",
            ))
        }
        Some(lang) => lang.get_ref().clone(),
        None => "zh-CN".to_string(),
    };
    let date = match &table.date {
        Some(date) => {
            let text = date.get_ref().as_text();
            let start = date_start(&text).ok_or_else(|| {
                Error::input(
                    Code::BadDate,
                    at(date.span()),
                    format!("`{text}` is not a date"),
                    "write YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 timestamp",
                )
            })?;
            Some((text, start))
        }
        None => None,
    };
    let modified = match &options.source_date_epoch {
        Some(raw) => raw.trim().parse::<i64>().map_err(|_| {
            Error::input(
                Code::BadSourceDateEpoch,
                Location::file("SOURCE_DATE_EPOCH"),
                format!("`{raw}` is not a number of seconds since 1970"),
                "set it to a Unix timestamp such as 1700000000, or unset it",
            )
        })?,
        None => date.as_ref().map_or(DEFAULT_MODIFIED, |(_, start)| *start),
    };
    let isbn = table
        .isbn
        .as_ref()
        .map(|v| store::isbn(v, at))
        .transpose()?;
    let identifier = match &table.identifier {
        Some(id) if id.get_ref().trim().is_empty() => {
            return Err(Error::input(
                Code::EmptyIdentifier,
                at(id.span()),
                "the identifier is empty",
                "remove the line to get a derived urn:uuid, or give an ISBN as urn:isbn:…",
            ))
        }
        Some(id) => id.get_ref().trim().to_string(),
        None => match &isbn {
            Some(isbn) => format!("urn:isbn:{isbn}"),
            None => derived_identifier(&title, &table.authors, &language),
        },
    };
    let series = store::series(table.series.as_ref(), table.series_index.as_ref(), at)?;
    let contributors = store::contributors(&table.contributors, at)?;
    Ok(Metadata {
        title,
        subtitle: non_empty(table.subtitle),
        short_title: non_empty(table.short_title),
        authors: table
            .authors
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
        language,
        identifier,
        date: date.map(|(text, _)| text),
        modified,
        publisher: non_empty(table.publisher),
        description: non_empty(table.description),
        isbn,
        series,
        subjects: table
            .subjects
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        rights: non_empty(table.rights),
        contributors,
    })
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `urn:uuid:` (version 5) of title, authors and language: stable for the same book.
fn derived_identifier(title: &str, authors: &[String], language: &str) -> String {
    let key = format!(
        "inkstone\u{1f}{title}\u{1f}{}\u{1f}{language}",
        authors.join("\u{1e}")
    );
    let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, key.as_bytes());
    format!("urn:uuid:{uuid}")
}

/// A well-formed BCP 47 tag (shape only: letters and digits in hyphen-separated parts).
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Seconds since 1970 at the start of a W3C date (`2021`, `2021-11`, `2021-11-30`, or a
/// full RFC 3339 timestamp).
fn date_start(text: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp());
    }
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let month: u32 = match parts.next() {
        Some(m) if m.len() == 2 => m.parse().ok()?,
        Some(_) => return None,
        None => 1,
    };
    let day: u32 = match parts.next() {
        Some(d) if d.len() == 2 => d.parse().ok()?,
        Some(_) => return None,
        None => 1,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_used_again_in_a_chapter_is_found_once() {
        use markdown::Resolver as _;
        let dir = std::env::temp_dir().join(format!("inkstone-reuse-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        image::RgbImage::new(4, 3)
            .save(dir.join("dot.png"))
            .unwrap();
        let root = dir.canonicalize().unwrap();
        let store = images::ImageStore::new(&dir, &root);
        let mut resolver = ChapterResolver {
            images: &store,
            found: Vec::new(),
            numbers: HashMap::new(),
            chapter_files: &[],
            root: &root,
        };
        let at = Location::line("c.md", 1);
        assert_eq!(resolver.image("dot.png", &at).unwrap(), 0);
        assert!(resolver.image("missing.png", &at).is_err());
        assert_eq!(resolver.image("dot.png", &at).unwrap(), 0);
        assert_eq!(resolver.found.len(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dates() {
        assert_eq!(date_start("1970-01-02"), Some(86_400));
        assert_eq!(date_start("1980"), Some(DEFAULT_MODIFIED));
        assert_eq!(date_start("2021-11"), date_start("2021-11-01"));
        assert_eq!(
            date_start("2021-11-30T08:00:00+08:00"),
            date_start("2021-11-30")
        );
        assert_eq!(date_start("2021-13"), None);
        assert_eq!(date_start("21-11-30"), None);
        assert_eq!(date_start("yesterday"), None);
    }

    #[test]
    fn language_tags() {
        for ok in ["zh-CN", "zh", "zh-Hant-TW", "en"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "zh_CN", "中文", "z", "zh--CN"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn identifiers_are_stable_and_distinct() {
        let a = derived_identifier("书", &["甲".into()], "zh-CN");
        assert_eq!(a, derived_identifier("书", &["甲".into()], "zh-CN"));
        assert_ne!(a, derived_identifier("书", &["乙".into()], "zh-CN"));
        assert!(a.starts_with("urn:uuid:"));
    }
}
