//! The typeset PDF, measured like a proof-reader would, and checked with qpdf and lopdf.

mod common;

use std::fs;
use std::process::Command;

use common::*;

#[test]
fn article_passes_the_proof_reader() {
    // the article as received, with the authors under the title as the title block of
    // a one-chapter book shows them (book.toml's authors)
    let seed = fs::read_to_string(fixture("article.txt")).unwrap();
    let seed = seed.trim_start();
    let (title, rest) = seed.split_once('\n').unwrap();
    let reference = format!("{title}\n黄颢 朱大智 郭晶\n{rest}");
    let report = proof::proofread(&built("book").file("pdf"), Some(&reference));
    report.assert_proof("article");
    assert_eq!(report.page_mm, (148.0, 210.0));
    assert_eq!(report.body_size, 10.5);
    let pitch = report.pitch_em.unwrap();
    assert!((pitch - 1.7).abs() < 0.01, "pitch {pitch} em");
}

#[test]
fn multi_chapter_book_passes_the_proof_reader() {
    // the reference is written by hand: title page, contents (with the page numbers the
    // outline test checks), then the chapters
    let reference = fs::read_to_string(fixture("multi.txt")).unwrap();
    let report = proof::proofread(&built("tests/books/multi").file("pdf"), Some(&reference));
    report.assert_proof("multi-chapter book");
}

#[test]
fn pdf_is_small_and_clean() {
    let pdf = built("book").file("pdf");
    let size = fs::metadata(&pdf).unwrap().len();
    assert!(
        size <= 201 * 1024,
        "the PDF is {size} bytes, more than Typst's 201 KiB"
    );
    let qpdf = Command::new("qpdf")
        .arg("--check")
        .arg(&pdf)
        .output()
        .expect("qpdf is installed");
    let report = String::from_utf8_lossy(&qpdf.stdout);
    assert!(qpdf.status.success(), "qpdf --check: {report}");
    assert!(
        report.contains("No syntax or stream encoding errors found"),
        "{report}"
    );
}

/// Outline entries as (depth, title, page index).
fn outline(doc: &lopdf::Document) -> Vec<(usize, String, usize)> {
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    let mut out = Vec::new();
    fn walk(
        doc: &lopdf::Document,
        first: lopdf::ObjectId,
        depth: usize,
        pages: &[lopdf::ObjectId],
        out: &mut Vec<(usize, String, usize)>,
    ) {
        let mut next = Some(first);
        while let Some(id) = next {
            let item = doc.get_dictionary(id).unwrap();
            let title = lopdf::decode_text_string(item.get(b"Title").unwrap()).unwrap();
            let dest = item.get(b"Dest").unwrap().as_array().unwrap();
            let page = dest[0].as_reference().unwrap();
            assert_eq!(
                dest[1].as_name().unwrap(),
                b"XYZ",
                "destinations are positions, not pages"
            );
            assert!(dest[3].as_float().is_ok(), "a destination has a height");
            out.push((depth, title, pages.iter().position(|p| *p == page).unwrap()));
            if let Ok(child) = item.get(b"First").and_then(|o| o.as_reference()) {
                walk(doc, child, depth + 1, pages, out);
            }
            next = item.get(b"Next").and_then(|o| o.as_reference()).ok();
        }
    }
    let catalog = doc.catalog().unwrap();
    let root = catalog.get(b"Outlines").unwrap().as_reference().unwrap();
    let first = doc
        .get_dictionary(root)
        .unwrap()
        .get(b"First")
        .unwrap()
        .as_reference()
        .unwrap();
    walk(doc, first, 0, &pages, &mut out);
    out
}

#[test]
fn outline_metadata_and_language() {
    let pdf = built("book").file("pdf");
    let doc = lopdf::Document::load(&pdf).unwrap();
    let entries = outline(&doc);
    let titles: Vec<(usize, &str)> = entries.iter().map(|(d, t, _)| (*d, t.as_str())).collect();
    assert_eq!(
        titles,
        [
            (
                0,
                "镇江高新区 争当创新发展“先行军” 打造科技创新策源地 加快成为镇江发展活力标杆"
            ),
            (1, "产业拓新，“1+4”格局描画新蓝图"),
            (1, "党建聚能，学史力行展现新作为"),
            (1, "空间升级，利民惠民彰显新温度"),
        ]
    );
    // each section's destination is the page where pdftotext finds its heading
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let pages: Vec<String> = String::from_utf8_lossy(&text.stdout)
        .split('\u{c}')
        .map(squeeze)
        .collect();
    for (_, title, page) in &entries[1..] {
        assert!(
            pages[*page].contains(&squeeze(title)),
            "{title} is not on page {}",
            page + 1
        );
    }
    let catalog = doc.catalog().unwrap();
    assert_eq!(
        catalog.get(b"PageMode").unwrap().as_name().unwrap(),
        b"UseOutlines"
    );
    assert_eq!(
        lopdf::decode_text_string(catalog.get(b"Lang").unwrap()).unwrap(),
        "zh-CN"
    );
    let info = doc
        .get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap();
    let field = |key: &[u8]| lopdf::decode_text_string(info.get(key).unwrap()).unwrap();
    assert_eq!(field(b"Author"), "黄颢、朱大智、郭晶");
    assert!(field(b"Title").starts_with("镇江高新区"));
    assert!(field(b"Subject").contains("产业拓新"));
    assert_eq!(field(b"CreationDate"), "D:20211101000000Z");
    assert!(info.get(b"GTS_PDFXVersion").is_err(), "not a PDF/X file");
}

#[test]
fn page_size_comes_from_book_toml() {
    let dir = scratch("pdf-page-size");
    write_book(
        &dir.join("b5"),
        &[
            (
                "book.toml",
                "[book]\ntitle = \"书\"\n[pdf]\npage_size = \"16开\"\nfont_size = 12\n".as_bytes(),
            ),
            ("a.md", "# 章\n\n正文。\n".as_bytes()),
        ],
    );
    let run = inkstone(&dir, &["build", "b5", "--format", "pdf"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let doc = lopdf::Document::load(dir.join("out/b5.pdf")).unwrap();
    let page = doc
        .get_dictionary(*doc.get_pages().values().next().unwrap())
        .unwrap();
    let media: Vec<f32> = page
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_float().unwrap())
        .collect();
    assert!(
        (media[2] - 185.0 * 72.0 / 25.4).abs() < 0.1
            && (media[3] - 260.0 * 72.0 / 25.4).abs() < 0.1,
        "{media:?}"
    );
}
