//! Helpers shared by the integration tests: run the binary like a user, read EPUBs.
#![allow(dead_code)]

pub mod proof;
pub mod structure;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of `tests/fixtures` (e.g. the article's source text, as received).
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The Markdown files of a test book (a folder relative to the project root), in name
/// order.
pub fn markdown_files(book: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join(book))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

/// A fresh, empty folder for one test (named after the test binary and `name`).
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(env!("CARGO_CRATE_NAME"))
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `inkstone ARGS` in `cwd` with a clean `SOURCE_DATE_EPOCH`.
pub fn inkstone(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_inkstone"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the inkstone binary runs")
}

/// A book built once per test binary: where its outputs are and what the build printed.
#[derive(Debug)]
pub struct Built {
    /// The output folder (`BOOK.epub`, `BOOK.pdf`).
    pub out: PathBuf,
    /// The file stem of the outputs (the book folder's name).
    pub stem: String,
    /// What the build printed on stderr (its warnings).
    pub stderr: String,
}

impl Built {
    /// The path of the output with extension `ext`.
    pub fn file(&self, ext: &str) -> PathBuf {
        self.out.join(format!("{}.{ext}", self.stem))
    }

    /// The EPUB's files by name.
    pub fn epub(&self) -> BTreeMap<String, Vec<u8>> {
        epub_files(&self.file("epub"))
    }
}

/// Builds `book` (a folder relative to the project root) into EPUB and PDF, once per test
/// binary however many tests ask for it; panics when the build fails.
pub fn built(book: &str) -> &'static Built {
    static BUILT: Mutex<BTreeMap<String, &'static Built>> = Mutex::new(BTreeMap::new());
    let mut cache = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(built) = cache.get(book) {
        return built;
    }
    let out = scratch(&format!("built-{}", book.replace('/', "-")));
    let run = inkstone(&root(), &["build", book, "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{book}: {}", stderr(&run));
    let stem = Path::new(book)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let built: &'static Built = Box::leak(Box::new(Built {
        out,
        stem,
        stderr: stderr(&run),
    }));
    cache.insert(book.to_string(), built);
    built
}

/// Stderr of a run, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes a book folder: `book.toml` and other files.
pub fn write_book(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, data) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, data).unwrap();
    }
}

/// All entries of a ZIP, in archive order.
pub fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let file = fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

/// Entries by name.
pub fn epub_files(path: &Path) -> BTreeMap<String, Vec<u8>> {
    zip_entries(path).into_iter().collect()
}

/// An entry as text.
pub fn epub_text_file(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap()
}

/// The displayed text of an XHTML document's body: tags removed, references decoded.
pub fn body_text(xhtml: &str) -> String {
    let (body, mut in_tag) = match xhtml.split_once("<body") {
        Some((_, body)) => (body, true),
        None => (xhtml, false),
    };
    // an SVG's title is its accessible name, not text on the page
    let body = match (body.find("<svg"), body.find("</svg>")) {
        (Some(start), Some(end)) => format!("{}{}", &body[..start], &body[end..]),
        _ => body.to_string(),
    };
    let mut out = String::new();
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Text without any whitespace.
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The validators install themselves on first use; two runs at once would race.
pub static TOOLS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `scripts/validators epub` (EPUBCheck and Ace) on `epub` and returns its summary
/// line; the full report is printed when it is not clean.
pub fn epub_validate(epub: &Path) -> String {
    validate(epub, &[])
}

/// EPUBCheck's summary line alone (`ace: skipped`), for a book of so many chapters that
/// Ace would take many minutes.
pub fn epubcheck_only(epub: &Path) -> String {
    validate(epub, &["--no-ace"])
}

fn validate(epub: &Path, options: &[&str]) -> String {
    let report_dir = epub.with_extension("report");
    let _guard = TOOLS.lock().unwrap_or_else(|e| e.into_inner());
    let report = Command::new(root().join("scripts/validators"))
        .arg("epub")
        .args(options)
        .arg(epub)
        .arg(&report_dir)
        .output()
        .expect("scripts/validators runs");
    let stdout = String::from_utf8_lossy(&report.stdout);
    let last = stdout.lines().last().unwrap_or_default().to_string();
    if !report.status.success() {
        eprintln!("{stdout}\n{}", String::from_utf8_lossy(&report.stderr));
    }
    last
}

/// The summary line of a clean EPUBCheck + Ace run.
pub const CLEAN_EPUB: &str = "epubcheck: fatal=0 errors=0 warnings=0  ace: violations=0";

/// The summary line of a clean EPUBCheck run without Ace.
pub const CLEAN_EPUBCHECK: &str = "epubcheck: fatal=0 errors=0 warnings=0  ace: skipped";

/// What `qpdf --check` finds wrong with the PDF at `pdf`, if anything.
pub fn qpdf_problem(pdf: &Path) -> Option<String> {
    let qpdf = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .expect("qpdf runs (scripts/test installs it)");
    (!qpdf.status.success()).then(|| {
        format!(
            "qpdf --check {}: {}",
            pdf.display(),
            String::from_utf8_lossy(&qpdf.stdout)
        )
    })
}

/// Asserts that `qpdf --check` accepts the PDF at `pdf`.
pub fn assert_qpdf_clean(pdf: &Path) {
    if let Some(problem) = qpdf_problem(pdf) {
        panic!("{problem}");
    }
}

/// The number of pages of a PDF, as poppler's `pdfinfo` counts them.
pub fn pdf_pages(pdf: &Path) -> usize {
    let info = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").and_then(|n| n.trim().parse().ok()))
        .unwrap_or_else(|| panic!("pdfinfo reads no page count from {}", pdf.display()))
}
