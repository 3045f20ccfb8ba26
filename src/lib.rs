//! inkstone: a publishing toolchain for Chinese books.
//!
//! One pipeline, one module per stage:
//! * [`source`]: `book.toml` + Markdown → the document [`model`];
//! * [`epub`]: the model → XHTML pages, web-font subsets and an EPUB 3 package;
//! * [`pdf`]: the model → shaped, broken, justified, paginated lines → a PDF;
//! * [`cover`]: the author's cover image, or a drawn typographic one;
//! * [`fonts`]: the bundled Noto CJK faces and the system-font fallback.
//!
//! [`build`] runs the stages and writes the outputs; [`check`] runs what finds problems
//! and writes nothing; [`init`] starts a book, [`watch`] rebuilds on every change.

pub mod cli;
pub mod cover;
pub mod deflate;
pub mod diagnostics;
pub mod epub;
pub mod error;
pub mod fonts;
pub mod init;
mod make;
pub mod model;
mod output;
pub mod pdf;
pub mod progress;
pub mod raster;
pub mod script;
pub mod source;
pub mod watch;

use std::path::{Path, PathBuf};

use error::{Finding, Result, Warning};
use progress::{Progress, Stage};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// EPUB 3.
    Epub,
    /// Typeset PDF.
    Pdf,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 2] = [Format::Epub, Format::Pdf];

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Pdf => "pdf",
        }
    }
}

/// What to build, from where, to where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The book folder (holding `book.toml`).
    pub book_dir: PathBuf,
    /// The output folder.
    pub out_dir: PathBuf,
    /// The formats to write; empty means all of them.
    pub formats: Vec<Format>,
    /// Environment inputs (`SOURCE_DATE_EPOCH`).
    pub load: source::LoadOptions,
    /// Every warning is an error: nothing is written when there is one.
    pub strict: bool,
    /// How much the build says about its progress.
    pub verbosity: progress::Verbosity,
}

/// The result of a successful build.
#[derive(Debug)]
pub struct BuildReport {
    /// Files written, in format order.
    pub written: Vec<PathBuf>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Warning>,
}

/// Builds the book: every output is produced in memory first and only then written
/// (each atomically), so a failing build leaves earlier outputs untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let mut formats = if options.formats.is_empty() {
        Format::ALL.to_vec()
    } else {
        options.formats.clone()
    };
    formats.sort();
    formats.dedup();

    let want_epub = formats.contains(&Format::Epub);
    let want_pdf = formats.contains(&Format::Pdf);

    // the worker threads take a few tenths of a millisecond to start: they start now,
    // while book.toml is read, rather than when the cover is handed to them. Each also
    // allocates once: a thread's first allocation sets up its heap, whose first huge
    // page the kernel zeroes (about 0.25 ms), which the cover's drawing waited for.
    // Against an empty job: 12.76 against 13.02 ms and 13.17 against 13.50 ms (51 and
    // 61 interleaved runs, medians).
    rayon::spawn_broadcast(|_| drop(std::hint::black_box(Box::new(0_u64))));
    let progress = Progress::new(options.verbosity);
    progress.begin(Stage::Reading);
    let configured = source::configure(&options.book_dir, &options.load)?;
    // the cover needs only book.toml: it is made (drawn, or the author's image
    // re-encoded) while the chapters are read
    let cover = cover::Shared::new(&configured.metadata, configured.cover.as_ref());
    let made = rayon::in_place_scope(|s| {
        if want_epub {
            s.spawn(|_| {
                cover.get();
            });
        }
        // the bundled faces parsed for shaping (about a tenth of a millisecond each), as
        // the layout needs them, beside the cover and the reading
        s.spawn(|_| fonts::parse_bundled());
        let loaded = configured.read(&options.load)?;
        let book = loaded.book;
        let mut warnings = loaded.warnings;
        // errors the reading went on past (so that all are reported at once) stop the
        // build
        if warnings.iter().any(Finding::is_error) {
            return Err(error::Error::Book(warnings));
        }
        let font_set = fonts::FontSet::for_book(&book, &mut warnings);
        progress.end(Stage::Reading);
        progress.chapters(book.chapters.len());
        let epub_cover = want_epub.then_some(&cover);
        let made = make::outputs(&book, &font_set, epub_cover, want_pdf, &progress);
        Ok((made, warnings))
    });
    let (made, mut warnings) = made?;
    if let Some(e) = cover.into_error() {
        return Err(e);
    }
    let made = made?;

    let stem = output_stem(&options.book_dir);
    let path = |suffix: &str| options.out_dir.join(format!("{stem}.{suffix}"));
    warnings.extend(made.warnings);
    if options.strict && !warnings.is_empty() {
        return Err(error::Error::Strict(warnings));
    }
    let (epub, pdfs) = (made.epub, made.pdfs);
    let mut outputs = Vec::new();
    if let Some(data) = epub {
        outputs.push((path("epub"), data));
    }
    if let Some(pdfs) = pdfs {
        outputs.push((path("pdf"), pdfs.screen));
        if let Some(print) = pdfs.print {
            outputs.push((path("print.pdf"), print));
        }
    }
    progress.begin(Stage::Writing);
    output::write_all(&outputs)?;
    let written = outputs.into_iter().map(|(path, _)| path).collect();
    progress.end(Stage::Writing);
    progress.finish();
    Ok(BuildReport { written, warnings })
}

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The book folder (holding `book.toml`).
    pub book_dir: PathBuf,
    /// Environment inputs (`SOURCE_DATE_EPOCH`).
    pub load: source::LoadOptions,
    /// Typeset the book too (exact image resolutions).
    pub typeset: bool,
}

/// Everything a build would report about the book, errors and warnings, without
/// writing anything: the source read (`book.toml`, chapters, images, links, footnotes,
/// headings, characters), the fonts checked, image resolutions for print and the type of
/// very wide tables estimated (or, with `typeset`, measured on the typeset book).
/// Findings come in file and line order. An error that stops the reading (a broken
/// `book.toml`) is returned as the error.
pub fn check(options: &CheckOptions) -> Result<Vec<Finding>> {
    // checking needs to know that images decode, not their pixels
    let load = source::LoadOptions {
        keep_pixels: false,
        ..options.load.clone()
    };
    let loaded = source::load(&options.book_dir, &load)?;
    let book = loaded.book;
    let mut findings = loaded.warnings;
    let font_set = fonts::FontSet::for_book(&book, &mut findings);
    if options.typeset {
        pdf::Typesetter::new(&book, &font_set).lay_out(&Progress::silent(), &mut findings);
    } else {
        let widths = pdf::resolution::estimated_widths(&book);
        findings.extend(pdf::resolution::findings(&book, &widths));
        let tables = pdf::compose::table::estimated(&book);
        findings.extend(pdf::compose::table::findings(&book, &tables));
    }
    findings.sort_by(|a, b| a.location.cmp(&b.location));
    findings.dedup();
    Ok(findings)
}

/// The output file name (without extension): the book folder's name.
fn output_stem(book_dir: &Path) -> String {
    book_dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "book".to_string())
}
