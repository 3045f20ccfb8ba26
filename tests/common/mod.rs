//! Helpers shared by the integration tests: run the binary like a user, read EPUBs.
#![allow(dead_code)]

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

/// Runs `../shared/tools/pdf-audit PDF --text REF --json` and returns its figures.
pub fn pdf_audit(pdf: &Path, reference: &Path) -> serde_json::Value {
    let tool = root().join("../shared/tools/pdf-audit");
    assert!(
        tool.exists(),
        "{} is missing: put ../shared beside the project",
        tool.display()
    );
    let _guard = TOOLS.lock().unwrap_or_else(|e| e.into_inner());
    let out = Command::new(&tool)
        .arg(pdf)
        .arg("--text")
        .arg(reference)
        .arg("--json")
        .output()
        .expect("pdf-audit runs");
    assert!(
        out.status.success(),
        "pdf-audit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("pdf-audit prints JSON")
}

/// Runs `scripts/validators epub` (EPUBCheck and Ace) on `epub` and returns its summary
/// line; the full report is printed when it is not clean.
pub fn epub_validate(epub: &Path) -> String {
    let report_dir = epub.with_extension("report");
    let _guard = TOOLS.lock().unwrap_or_else(|e| e.into_inner());
    let report = Command::new(root().join("scripts/validators"))
        .arg("epub")
        .arg(epub)
        .arg(&report_dir)
        .output()
        .expect("scripts/validators runs");
    let stdout = String::from_utf8_lossy(&report.stdout);
    let last = stdout.lines().last().unwrap_or_default().to_string();
    if last != CLEAN_EPUB {
        eprintln!("{stdout}\n{}", String::from_utf8_lossy(&report.stderr));
    }
    last
}

/// The summary line of a clean EPUBCheck + Ace run.
pub const CLEAN_EPUB: &str = "epubcheck: fatal=0 errors=0 warnings=0  ace: violations=0";

/// Checks the layout figures: no forbidden line starts or ends, no split pairs, no
/// ragged, overfull or runt lines, fonts embedded and subset with ToUnicode.
pub fn assert_layout_figures(report: &serde_json::Value, what: &str) {
    let shown = serde_json::to_string_pretty(report).unwrap();
    for key in [
        "line_start_violations",
        "line_end_violations",
        "split_pairs",
        "ragged_lines",
        "ink_over_measure",
        "runt_lines",
        "fonts_not_embedded",
        "fonts_not_subset",
        "fonts_without_tounicode",
        "notdef_glyphs",
    ] {
        assert_eq!(report[key], 0, "{what}: {key}\n{shown}");
    }
}

/// Checks every figure the PDF issue asks for, printing all of them on failure.
pub fn assert_proof_reader_figures(report: &serde_json::Value, what: &str) {
    let shown = serde_json::to_string_pretty(report).unwrap();
    assert_eq!(report["text_exact"], true, "{what}: text differs\n{shown}");
    assert_layout_figures(report, what);
    let pair = report["pair_adv_em"].as_f64().unwrap_or(9.0);
    assert!(pair <= 0.55, "{what}: pair_adv_em {pair}\n{shown}");
    let gap = report["cjk_latin_gap_em"].as_f64().unwrap_or(0.0);
    assert!(
        (0.2..=0.3).contains(&gap),
        "{what}: cjk_latin_gap_em {gap}\n{shown}"
    );
}
