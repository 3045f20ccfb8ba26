//! The PDF as a screen reader reads it: the structure tree (read back with lopdf) holds
//! the book's headings, paragraphs, lists, tables, figures, notes and links in reading
//! order; every glyph is tied to an element or marked an artifact; the catalog and the
//! XMP say tagged PDF/UA-1. `pdfinfo` (poppler) is the independent second reader.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use common::proof;
use common::structure::{self, Elem};
use common::*;

/// The books whose PDFs are checked here.
const BOOKS: [&str; 4] = [
    "book",
    "tests/books/multi",
    "tests/books/markdown",
    "tests/books/print",
];

/// Headings of a book's Markdown files, in order: (level, text without spaces).
fn source_headings(book: &str) -> Vec<(u8, String)> {
    let mut out = Vec::new();
    for file in markdown_files(book) {
        let text = std::fs::read_to_string(file).unwrap();
        let mut fenced = false;
        for line in text.lines() {
            if line.starts_with("```") {
                fenced = !fenced;
            }
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if fenced || hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
                continue;
            }
            let title = line[hashes..].split(" {#").next().unwrap();
            out.push((hashes as u8, squeeze(&plain(title))));
        }
    }
    out
}

/// Markdown inline markup removed (emphasis, code spans, links' targets).
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("](") {
            rest = after.split_once(')').map_or("", |(_, r)| r);
            continue;
        }
        if !matches!(c, '*' | '_' | '`' | '[' | ']' | '~') {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The PDF of `book`, its tree and the text of each (page, MCID).
fn tagged(book: &str) -> (lopdf::Document, Elem, HashMap<(usize, i64), String>) {
    let pdf = built(book).file("pdf");
    let (doc, tree) = structure::read(&pdf);
    let text = structure::text_by_mcid(&proof::read(&pdf).glyphs);
    (doc, tree, text)
}

#[test]
fn the_structure_trees_headings_are_the_books_headings_in_order() {
    for book in BOOKS {
        let (_, tree, text) = tagged(book);
        let headings: Vec<(u8, String)> = tree
            .walk()
            .into_iter()
            .filter_map(|e| {
                let level = e.role.strip_prefix('H')?.parse::<u8>().ok()?;
                Some((level, squeeze(&e.text(&text))))
            })
            .collect();
        assert_eq!(headings, source_headings(book), "{book}");
    }
}

#[test]
fn every_paragraph_of_the_article_is_one_p() {
    let (_, tree, text) = tagged("book");
    let source = std::fs::read_to_string(root().join("book/article.md")).unwrap();
    let paragraphs: Vec<String> = source
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with('#'))
        .map(|p| squeeze(&p.replace("<p class=\"byline\">", "").replace("</p>", "")))
        .collect();
    let ps: Vec<String> = tree
        .walk()
        .into_iter()
        .filter(|e| e.role == "P")
        .map(|e| squeeze(&e.text(&text)))
        .collect();
    // the title block names the authors in a P of its own, as the byline does
    let authors = squeeze("黄颢 朱大智 郭晶");
    for paragraph in &paragraphs {
        let n = ps.iter().filter(|p| *p == paragraph).count();
        let expected = if *paragraph == authors { 2 } else { 1 };
        assert_eq!(n, expected, "one P for: {paragraph}\nPs: {ps:#?}");
    }
    assert_eq!(ps.len(), paragraphs.len() + 1, "{ps:#?}");
}

#[test]
fn every_glyph_is_tagged_content_or_an_artifact() {
    for book in BOOKS {
        let pdf = built(book).file("pdf");
        let glyphs = proof::read(&pdf).glyphs;
        assert!(!glyphs.is_empty());
        let loose: Vec<String> = glyphs
            .iter()
            .filter(|g| !g.artifact && g.mcid.is_none())
            .map(|g| format!("page {} {:?}", g.page + 1, g.text))
            .collect();
        assert!(loose.is_empty(), "{book}: untagged text {loose:?}");
        // and every marked content the pages show belongs to an element
        let (_, tree, text) = tagged(book);
        let owned: std::collections::HashSet<(usize, i64)> = tree.contents().into_iter().collect();
        for key in text.keys() {
            assert!(owned.contains(key), "{book}: MCID {key:?} in no element");
        }
    }
}

#[test]
fn every_text_operator_is_inside_marked_content() {
    for book in BOOKS {
        let doc = lopdf::Document::load(built(book).file("pdf")).unwrap();
        for (number, id) in doc.get_pages() {
            let content = doc.get_and_decode_page_content(id).unwrap();
            let mut depth = 0usize;
            for op in &content.operations {
                match op.operator.as_str() {
                    "BDC" | "BMC" => depth += 1,
                    "EMC" => depth = depth.saturating_sub(1),
                    "Tj" | "TJ" | "'" | "\"" | "Do" | "re" | "l" => assert!(
                        depth > 0,
                        "{book} page {number}: {} outside marked content",
                        op.operator
                    ),
                    _ => {}
                }
            }
            assert_eq!(depth, 0, "{book} page {number}: unbalanced marked content");
        }
    }
}

#[test]
fn lists_tables_figures_notes_links_and_code_are_tagged() {
    let (doc, tree, text) = tagged("tests/books/markdown");
    let all = tree.walk();
    let count = |role: &str| all.iter().filter(|e| e.role == role).count();
    for role in [
        "Document",
        "Sect",
        "P",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "BlockQuote",
        "Table",
        "TR",
        "TH",
        "TD",
        "Figure",
        "Caption",
        "Note",
        "Code",
        "Link",
    ] {
        assert!(count(role) > 0, "no {role} in {:?}", roles(&tree));
    }
    // each LI holds its label and its body
    for li in all.iter().filter(|e| e.role == "LI") {
        let kids: Vec<&str> = li
            .kids
            .iter()
            .filter_map(|k| match k {
                structure::Kid::Elem(e) => Some(e.role.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(kids, ["Lbl", "LBody"], "{li:?}");
    }
    for th in all.iter().filter(|e| e.role == "TH") {
        assert!(th.scope.is_some(), "a TH without /Scope: {th:?}");
    }
    for figure in all.iter().filter(|e| e.role == "Figure") {
        let alt = figure.alt.clone().unwrap_or_default();
        assert!(!alt.trim().is_empty(), "a Figure without /Alt: {figure:?}");
    }
    for link in all.iter().filter(|e| e.role == "Link") {
        assert!(link.has_object(), "a Link without its annotation: {link:?}");
    }
    for note in all.iter().filter(|e| e.role == "Note") {
        assert!(!note.text(&text).is_empty(), "an empty Note");
    }
    // link annotations point back into the tree, and their pages tab in structure order
    for id in doc.get_pages().into_values() {
        let page = doc.get_dictionary(id).unwrap();
        let Ok(annots) = page.get(b"Annots").and_then(|a| a.as_array()) else {
            continue;
        };
        assert_eq!(page.get(b"Tabs").unwrap().as_name().unwrap(), b"S");
        for annot in annots {
            let annot = doc.get_dictionary(annot.as_reference().unwrap()).unwrap();
            assert!(annot.get(b"StructParent").is_ok(), "{annot:?}");
            assert!(annot.get(b"Contents").is_ok(), "{annot:?}");
        }
    }
}

fn roles(tree: &Elem) -> Vec<String> {
    tree.walk().iter().map(|e| e.role.clone()).collect()
}

#[test]
fn the_contents_page_is_a_toc_of_tocis() {
    let (_, tree, text) = tagged("tests/books/multi");
    let toc = tree
        .walk()
        .into_iter()
        .find(|e| e.role == "TOC")
        .expect("a TOC element");
    let entries: Vec<&Elem> = toc
        .walk()
        .into_iter()
        .filter(|e| e.role == "TOCI")
        .collect();
    assert!(entries.len() >= 3, "{toc:?}");
    for entry in entries {
        assert!(!entry.text(&text).is_empty());
    }
}

#[test]
fn a_span_in_another_language_carries_its_lang() {
    let (_, tree, _) = tagged("tests/books/markdown");
    let langs: Vec<String> = tree.walk().iter().filter_map(|e| e.lang.clone()).collect();
    assert!(!langs.is_empty(), "no /Lang below the catalog");
}

/// `pdfinfo`'s fields.
fn pdfinfo(pdf: &Path) -> HashMap<String, String> {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[test]
fn catalog_and_xmp_say_tagged_pdf_ua_1() {
    for book in BOOKS {
        let pdf = built(book).file("pdf");
        let info = pdfinfo(&pdf);
        assert_eq!(info["Tagged"], "yes", "{book}");
        assert_eq!(info["Metadata Stream"], "yes", "{book}");
        let doc = lopdf::Document::load(&pdf).unwrap();
        let catalog = doc.catalog().unwrap();
        let mark_info = catalog.get(b"MarkInfo").unwrap().as_dict().unwrap();
        assert!(mark_info.get(b"Marked").unwrap().as_bool().unwrap());
        assert!(catalog.get(b"Lang").is_ok(), "{book}: /Lang");
        let prefs = catalog
            .get(b"ViewerPreferences")
            .unwrap()
            .as_dict()
            .unwrap();
        assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());
        let xmp = structure::xmp(&doc);
        assert!(
            xmp.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{book}: {xmp}"
        );
        assert!(xmp.contains("<dc:title>"), "{book}: {xmp}");
        assert!(xmp.contains("<dc:creator>"), "{book}: {xmp}");
        assert!(xmp.contains("xmp:CreateDate"), "{book}: {xmp}");
    }
}
