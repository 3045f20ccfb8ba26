//! The real validators on our EPUBs: EPUBCheck 5.3.0 and Ace by DAISY, through
//! `scripts/validators` (which installs them on first use).

mod common;

use common::*;

fn validate(book: &str) {
    let built = built(book);
    assert_eq!(epub_validate(&built.file("epub")), CLEAN_EPUB, "{book}");
}

#[test]
fn article_passes_epubcheck_and_ace() {
    validate("book");
}

#[test]
fn multi_chapter_book_passes_epubcheck_and_ace() {
    validate("tests/books/multi");
}
