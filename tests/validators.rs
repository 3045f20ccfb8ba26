//! The real validators on our EPUBs: EPUBCheck 5.3.0 and Ace by DAISY, through
//! `../shared/tools/epub-validate` (which installs them on first use).

mod common;

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
    assert_eq!(epub_validate(&epub), CLEAN_EPUB, "{book}");
}

#[test]
fn article_passes_epubcheck_and_ace() {
    validate("book", "validate-article");
}

#[test]
fn multi_chapter_book_passes_epubcheck_and_ace() {
    validate("tests/books/multi", "validate-multi");
}
