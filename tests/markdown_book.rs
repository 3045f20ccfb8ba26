//! The book in `tests/books/markdown` uses every Markdown construct inkstone supports;
//! both outputs are checked here (the validators, pdf-audit, footnote placement, images,
//! links, the table of contents).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// The Markdown test book, built once for this test binary (without warnings); its
/// output folder.
fn build() -> PathBuf {
    let built = built("tests/books/markdown");
    assert_eq!(built.stderr, "", "the test book builds without warnings");
    built.out.clone()
}

#[test]
fn epub_passes_epubcheck_and_ace() {
    let out = build();
    assert_eq!(epub_validate(&out.join("markdown.epub")), CLEAN_EPUB);
}

#[test]
fn pdf_passes_qpdf_and_the_proof_reader() {
    let out = build();
    let pdf = out.join("markdown.pdf");
    let qpdf = Command::new("qpdf")
        .arg("--check")
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(
        qpdf.status.success(),
        "{}",
        String::from_utf8_lossy(&qpdf.stdout)
    );
    proof::proofread(&pdf, None).assert_clean_layout("the Markdown test book");
}

/// Words of each page with their boxes, from `pdftotext -bbox`.
fn words(pdf: &Path) -> Vec<Vec<(f32, f32, String)>> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .map(|w| {
                    let attr = |name: &str| -> f32 {
                        let start = w.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                        w[start..start + w[start..].find('"').unwrap()]
                            .parse()
                            .unwrap()
                    };
                    let text = &w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()];
                    (attr("xMin"), attr("yMin"), text.to_string())
                })
                .collect()
        })
        .collect()
}

#[test]
fn each_footnote_starts_on_the_page_that_cites_it() {
    let out = build();
    let pages = words(&out.join("markdown.pdf"));
    let mut checked = 0;
    for marker in ["①", "②", "③"] {
        let mut cited = None;
        let mut noted = None;
        for (p, words) in pages.iter().enumerate() {
            let left = words.iter().map(|w| w.0).fold(f32::MAX, f32::min);
            for (x, _, text) in words {
                if text.contains(marker) {
                    if *x <= left + 1.0 && text == marker {
                        noted.get_or_insert(p);
                    } else {
                        cited.get_or_insert(p);
                    }
                }
            }
        }
        let (cited, noted) = (cited.expect("cited"), noted.expect("noted"));
        assert_eq!(
            cited,
            noted,
            "footnote {marker}: cited on page {} but starts on page {}",
            cited + 1,
            noted + 1
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
}

/// (image name, placement rectangle) for every image drawn, page by page.
fn drawn_images(pdf: &Path) -> Vec<(usize, Vec<u8>, [f32; 4])> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut out = Vec::new();
    for (p, (_, page)) in doc.get_pages().into_iter().enumerate() {
        let content = doc.get_and_decode_page_content(page).unwrap();
        let mut matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        for op in content.operations {
            match op.operator.as_str() {
                "cm" => {
                    let v: Vec<f32> = op.operands.iter().map(|o| o.as_float().unwrap()).collect();
                    matrix = [v[0], v[1], v[2], v[3], v[4], v[5]];
                }
                "Do" => {
                    let name = op.operands[0].as_name().unwrap().to_vec();
                    out.push((p, name, [matrix[4], matrix[5], matrix[0], matrix[3]]));
                }
                "Q" => matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
                _ => {}
            }
        }
    }
    out
}

#[test]
fn every_image_appears_once_per_use_inside_the_text_block() {
    let out = build();
    let pdf = out.join("markdown.pdf");
    let drawn = drawn_images(&pdf);
    assert_eq!(drawn.len(), 5, "five uses of images: {drawn:?}");
    let mut names: Vec<&Vec<u8>> = drawn.iter().map(|d| &d.1).collect();
    names.sort();
    names.dedup();
    assert_eq!(
        names.len(),
        4,
        "the seal is embedded once though shown twice"
    );
    // A5: 419.5 × 595.3 pt, measure 31 × 10.5 pt centred
    let (left, right) = ((419.53 - 325.5) / 2.0, (419.53 + 325.5) / 2.0);
    for (page, _, [x, y, w, h]) in &drawn {
        assert!(
            *x >= left - 0.01 && x + w <= right + 0.01,
            "page {page}: image outside the measure: {x} {w}"
        );
        assert!(
            *y >= 40.0 && y + h <= 595.28 - 40.0,
            "page {page}: image outside the text block: {y} {h}"
        );
        assert!(*w > 10.0 && *h > 10.0);
    }
    // the large JPEG is downscaled for the EPUB, once
    let files = epub_files(&out.join("markdown.epub"));
    let images: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("OEBPS/images/"))
        .collect();
    assert_eq!(images.len(), 4, "{images:?}");
    for name in images {
        let image = image::load_from_memory(&files[name]).unwrap();
        assert!(image.width() <= 1600 && image.height() <= 1600, "{name}");
    }
    let xhtml = epub_text_file(&files, "OEBPS/ch002.xhtml");
    assert!(xhtml.contains("alt=\"朱红印章\""));
    assert!(xhtml.contains("<figcaption>带透明背景的 PNG</figcaption>"));
}

#[test]
fn links_footnotes_and_structure_in_the_epub() {
    let out = build();
    let files = epub_files(&out.join("markdown.epub"));
    let ch1 = epub_text_file(&files, "OEBPS/ch001.xhtml");
    assert!(ch1.contains("href=\"https://www.w3.org/TR/clreq/\""));
    assert!(ch1.contains("href=\"mailto:ink@example.com\""));
    assert!(
        ch1.contains("href=\"ch002.xhtml#表格\""),
        "links into another chapter point into its file"
    );
    assert!(ch1.contains("href=\"ch002.xhtml\""));
    assert_eq!(ch1.matches("epub:type=\"noteref\"").count(), 3);
    assert_eq!(ch1.matches("epub:type=\"footnote\"").count(), 3);
    assert!(ch1.contains("<sub>2</sub>") && ch1.contains("<sup>2</sup>"));
    assert!(ch1.contains("<ruby>砚<rp>(</rp><rt>yàn</rt><rp>)</rp></ruby>"));
    assert!(ch1.contains("<span lang=\"en\" xml:lang=\"en\">language tags</span>"));
    assert!(ch1.contains("<del>删除线</del>"));
    let ch2 = epub_text_file(&files, "OEBPS/ch002.xhtml");
    for tag in [
        "<ol>",
        "<ul>",
        "<li class=\"task\">",
        "<blockquote>",
        "<pre><code class=\"language-rust\">",
        "<table>",
        "<th scope=\"col\" class=\"right short\">",
        "<hr/>",
        "<figure>",
    ] {
        assert!(ch2.contains(tag), "{tag} missing");
    }
    // the monospace face is embedded for the code
    assert!(files.contains_key("OEBPS/fonts/mono.otf"));
}

#[test]
fn pdf_has_contents_page_outline_and_links() {
    let out = build();
    let pdf = out.join("markdown.pdf");
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let pages: Vec<String> = String::from_utf8_lossy(&text.stdout)
        .split('\u{c}')
        .map(String::from)
        .collect();
    let contents = pages
        .iter()
        .position(|p| p.contains("目录"))
        .expect("a contents page");
    assert_eq!(
        contents, 2,
        "title page, its blank verso, then the contents"
    );
    // each entry's page number is the page its heading is on
    let mut entries = BTreeMap::new();
    for line in pages[contents].lines() {
        let line = line.trim();
        if let Some((title, number)) = line.rsplit_once(' ') {
            if let Ok(n) = number.trim().parse::<usize>() {
                entries.insert(title.trim().to_string(), n);
            }
        }
    }
    assert!(entries.len() >= 10, "{entries:?}");
    for (title, page) in &entries {
        assert!(
            squeeze(&pages[page - 1]).contains(&squeeze(title)),
            "{title} is not on page {page}"
        );
    }
    // chapters begin on right-hand (odd) pages
    for chapter in ["行内元素", "块级元素"] {
        assert_eq!(
            entries[chapter] % 2,
            1,
            "{chapter} on page {}",
            entries[chapter]
        );
    }
    let doc = lopdf::Document::load(&pdf).unwrap();
    let mut uris = 0;
    let mut gotos = 0;
    for (_, page) in doc.get_pages() {
        let dict = doc.get_dictionary(page).unwrap();
        if let Ok(annots) = dict.get(b"Annots").and_then(|a| a.as_array()) {
            for annot in annots {
                let annot = match annot {
                    lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
                    lopdf::Object::Dictionary(d) => d,
                    _ => continue,
                };
                let action = annot.get(b"A").unwrap().as_dict().unwrap();
                match action.get(b"S").unwrap().as_name().unwrap() {
                    b"URI" => uris += 1,
                    b"GoTo" => gotos += 1,
                    other => panic!("unexpected action {other:?}"),
                }
            }
        }
    }
    assert!(uris >= 2, "links to the web: {uris}");
    assert!(
        gotos >= 13,
        "links inside the book (contents entries and cross references): {gotos}"
    );
}
