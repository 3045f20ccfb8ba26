//! The real validators on our EPUBs: EPUBCheck 5.3.0 and Ace by DAISY, through
//! `../shared/tools/epub-validate` (which installs them on first use).

mod common;

use std::process::Command;

use common::*;

fn validate(book: &str, name: &str) {
    let out = scratch(name);
    let run = inkstone(
        &root(),
        &[
            "build",
            book,
            "-o",
            out.to_str().unwrap(),
            "--format",
            "epub",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let epub = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let tool = shared().join("tools/epub-validate");
    assert!(
        tool.exists(),
        "{} is missing: put ../shared beside the project",
        tool.display()
    );
    let _guard = TOOLS.lock().unwrap_or_else(|e| e.into_inner());
    let report = Command::new(&tool)
        .arg(&epub)
        .arg(out.join("report"))
        .output()
        .expect("epub-validate runs");
    let stdout = String::from_utf8_lossy(&report.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "epubcheck: fatal=0 errors=0 warnings=0  ace: violations=0",
        "{book}:\n{stdout}\n{}",
        String::from_utf8_lossy(&report.stderr)
    );
    assert!(report.status.success());
}

#[test]
fn article_passes_epubcheck_and_ace() {
    validate("book", "validate-article");
}

#[test]
fn multi_chapter_book_passes_epubcheck_and_ace() {
    validate("tests/books/multi", "validate-multi");
}
