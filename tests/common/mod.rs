//! Helpers shared by the integration tests: run the binary like a user, read EPUBs.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the project (the seed text and the validators).
pub fn shared() -> PathBuf {
    std::env::var_os("INKSTONE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("..").join("shared"))
}

/// A fresh, empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
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
    let tool = shared().join("tools/pdf-audit");
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

/// Runs `../shared/tools/epub-validate` on `epub` and returns its summary line.
pub fn epub_validate(epub: &Path) -> String {
    let tool = shared().join("tools/epub-validate");
    assert!(
        tool.exists(),
        "{} is missing: put ../shared beside the project",
        tool.display()
    );
    let report_dir = epub.with_extension("report");
    let _guard = TOOLS.lock().unwrap_or_else(|e| e.into_inner());
    let report = Command::new(&tool)
        .arg(epub)
        .arg(&report_dir)
        .output()
        .expect("epub-validate runs");
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
