//! Books the typesetter was not written for: the Analects (twenty chapters of short
//! paragraphs, Simplified) and the first four books of Mencius (long paragraphs,
//! Traditional characters, corner-bracket quotes), proof-read in full.

mod common;

use common::*;

/// The text of a test book as its chapters hold it (Markdown headings and paragraphs).
fn book_text(book: &str) -> String {
    markdown_files(book)
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap().replace('#', ""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn proof(book: &str, title: &str, authors: &str) {
    let built = built(book);
    assert_eq!(built.stderr, "", "{book} builds without warnings");
    // a book of several chapters opens with a title page and the contents
    let report = proof::proofread(&built.file("pdf"), None);
    report.assert_clean_layout(book);
    let text = proof::read(&built.file("pdf"));
    let all: String = text
        .glyphs
        .iter()
        .filter(|g| !g.artifact)
        .map(|g| g.text.as_str())
        .collect();
    let all = squeeze(&all);
    assert!(
        all.starts_with(&squeeze(&format!("{title}{authors}"))),
        "{book}: title page"
    );
    assert!(
        all.ends_with(&squeeze(&book_text(book))),
        "{book}: every chapter's text, in order, after the contents"
    );
}

#[test]
fn the_analects_pass_the_proof_reader() {
    proof("tests/books/lunyu", "论语", "孔子弟子及再传弟子");
}

#[test]
fn mencius_in_traditional_characters_passes_the_proof_reader() {
    proof("tests/books/mengzi", "孟子", "孟子");
}

#[test]
fn both_epubs_pass_epubcheck_and_ace() {
    for book in ["tests/books/lunyu", "tests/books/mengzi"] {
        assert_eq!(
            epub_validate(&built(book).file("epub")),
            CLEAN_EPUB,
            "{book}"
        );
    }
}
