//! The print master a print shop receives (`[print]` → NAME.print.pdf, PDF/X-4) and the
//! page geometry both PDFs share: trim, bleed and media boxes, crop marks, an output
//! intent, mirrored margins, images kept at the resolution print needs.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use common::{proof, structure};
use lopdf::{Document, Object};

/// The print test book: A5, margins top 20, bottom 22, inner 20, outer 14 mm; 3 mm
/// bleed, crop marks, 300 ppi.
const BOOK: &str = "tests/books/print";
const MM: f32 = 72.0 / 25.4;
const A5: (f32, f32) = (148.0 * MM, 210.0 * MM);
const BLEED: f32 = 3.0 * MM;
const INNER: f32 = 20.0 * MM;
const OUTER: f32 = 14.0 * MM;
/// The body size (the default 10.5 pt).
const EM: f32 = 10.5;

fn print_pdf() -> std::path::PathBuf {
    built(BOOK).file("print.pdf")
}

/// A page box as [x0, y0, x1, y1].
fn page_box(doc: &Document, page: lopdf::ObjectId, name: &[u8]) -> Option<[f32; 4]> {
    let dict = doc.get_dictionary(page).ok()?;
    let list = dict.get(name).ok()?.as_array().ok()?;
    let n: Vec<f32> = list
        .iter()
        .map(|o| {
            o.as_float()
                .or_else(|_| o.as_i64().map(|i| i as f32))
                .unwrap()
        })
        .collect();
    Some([n[0], n[1], n[2], n[3]])
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 0.05
}

#[test]
fn the_print_master_is_pdf_x4_with_an_output_intent() {
    let pdf = print_pdf();
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("PDF subtype:    PDF/X-4"), "{info}");
    assert!(info.contains("Tagged:          yes"), "{info}");
    let doc = Document::load(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = doc.dereference(&intents[0]).unwrap().1.as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFX");
    let profile = doc
        .get_object(
            intent
                .get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap()
        .as_stream()
        .unwrap();
    assert_eq!(
        profile.dict.get(b"N").unwrap().as_i64().unwrap(),
        4,
        "a CMYK profile"
    );
    let xmp = structure::xmp(&doc);
    assert!(
        xmp.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"),
        "{xmp}"
    );
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xmp}");
    // every font embedded
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    for line in fonts.lines().skip(2) {
        let columns: Vec<&str> = line.split_whitespace().collect();
        let emb = columns[columns.len() - 5];
        assert_eq!(emb, "yes", "not embedded: {line}");
    }
    // no transparency: no soft masks, no constant alpha
    for object in doc.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        assert!(dict.get(b"SMask").is_err(), "a soft mask: {dict:?}");
        for key in [b"CA".as_slice(), b"ca"] {
            if let Ok(alpha) = dict.get(key) {
                assert_eq!(alpha.as_float().unwrap_or(1.0), 1.0, "{dict:?}");
            }
        }
    }
}

#[test]
fn trim_bleed_and_media_boxes_leave_room_for_bleed_and_marks() {
    let doc = Document::load(print_pdf()).unwrap();
    let pages = doc.get_pages();
    assert!(pages.len() >= 4);
    for (number, id) in pages {
        let trim = page_box(&doc, id, b"TrimBox").expect("a TrimBox");
        let bleed = page_box(&doc, id, b"BleedBox").expect("a BleedBox");
        let media = page_box(&doc, id, b"MediaBox").unwrap();
        assert!(
            close(trim[2] - trim[0], A5.0) && close(trim[3] - trim[1], A5.1),
            "page {number}: {trim:?}"
        );
        for (i, sign) in [(0, -1.0), (1, -1.0), (2, 1.0), (3, 1.0)] {
            assert!(
                close(bleed[i], trim[i] + sign * BLEED),
                "page {number}: {bleed:?} {trim:?}"
            );
            // the slug beyond the bleed holds the crop marks
            assert!(
                (media[i] - bleed[i]) * sign >= 5.0 * MM,
                "page {number}: {media:?}"
            );
        }
    }
    // the screen PDF is the trimmed page: no bleed, no slug
    let screen = Document::load(built(BOOK).file("pdf")).unwrap();
    for (number, id) in screen.get_pages() {
        let media = page_box(&screen, id, b"MediaBox").unwrap();
        assert!(close(media[2] - media[0], A5.0) && close(media[3] - media[1], A5.1));
        if let Some(bleed) = page_box(&screen, id, b"BleedBox") {
            assert_eq!(bleed, media, "page {number}");
        }
    }
}

/// Dark pixels in the slug (outside the bleed box) of page 2, rendered at 36 dpi.
fn ink_in_slug(pdf: &Path, bleed: [f32; 4], media: [f32; 4]) -> usize {
    let out = Command::new("pdftoppm")
        .args(["-r", "36", "-gray", "-f", "2", "-l", "2"])
        .arg(pdf)
        .output()
        .unwrap();
    let pgm = out.stdout;
    // P5 header: magic, width, height, maxval
    let header: Vec<&[u8]> = pgm.splitn(5, |b| b.is_ascii_whitespace()).collect();
    let width: usize = std::str::from_utf8(header[1]).unwrap().parse().unwrap();
    let height: usize = std::str::from_utf8(header[2]).unwrap().parse().unwrap();
    let pixels = &pgm[pgm.len() - width * height..];
    let scale = 36.0 / 72.0;
    let inside = |x: usize, y: usize| {
        let px = x as f32 / scale + media[0];
        let py = media[3] - y as f32 / scale;
        px > bleed[0] - 1.0 && px < bleed[2] + 1.0 && py > bleed[1] - 1.0 && py < bleed[3] + 1.0
    };
    let mut ink = 0;
    for y in 0..height {
        for x in 0..width {
            if !inside(x, y) && pixels[y * width + x] < 128 {
                ink += 1;
            }
        }
    }
    ink
}

#[test]
fn crop_marks_stand_in_the_slug() {
    let pdf = print_pdf();
    let doc = Document::load(&pdf).unwrap();
    let id = doc.get_pages()[&2];
    let bleed = page_box(&doc, id, b"BleedBox").unwrap();
    let media = page_box(&doc, id, b"MediaBox").unwrap();
    assert!(ink_in_slug(&pdf, bleed, media) > 20, "no crop marks drawn");
}

#[test]
fn margins_mirror_on_facing_pages_in_both_pdfs() {
    for (file, trim_of) in [("pdf", false), ("print.pdf", true)] {
        let pdf = built(BOOK).file(file);
        let doc = Document::load(&pdf).unwrap();
        let origins: Vec<f32> = doc
            .get_pages()
            .values()
            .map(|&id| match trim_of {
                true => page_box(&doc, id, b"TrimBox").unwrap()[0],
                false => 0.0,
            })
            .collect();
        let pages = proof::read(&pdf);
        let lines = proof::lines(&pages.glyphs, false);
        let mut checked = 0;
        for (page, origin) in origins.iter().enumerate() {
            let body: Vec<&proof::TextLine> = lines.iter().filter(|l| l.page == page).collect();
            if body.len() < 5 {
                continue;
            }
            // the edges most lines share (a line may begin or end in the blank half of a
            // punctuation mark's box, a paragraph's first line is indented)
            let left = most_common(body.iter().map(|l| l.left())) - origin;
            let right = most_common(body.iter().map(|l| l.right())) - origin;
            // page 1 is a right-hand page: its inner margin is on the left. The inner
            // margin is kept exactly; the text block is whole ems wide, the outer margin
            // takes what is left (less than an em more than asked for)
            let outer_room = |margin: f32| margin > OUTER - 1.0 && margin < OUTER + EM + 1.0;
            let (inner, outer) = if page % 2 == 0 {
                (left, A5.0 - right)
            } else {
                (A5.0 - right, left)
            };
            assert!(
                (inner - INNER).abs() < 1.5,
                "{file} page {}: inner margin {inner:.1} pt, not {INNER:.1}",
                page + 1
            );
            assert!(
                outer_room(outer),
                "{file} page {}: outer margin {outer:.1} pt, not {OUTER:.1} (+ < 1 em)",
                page + 1
            );
            checked += 1;
        }
        assert!(checked >= 3, "{file}: too few full pages checked");
    }
}

/// The value most of `values` share (to half a point).
fn most_common(values: impl Iterator<Item = f32>) -> f32 {
    let mut counts: std::collections::BTreeMap<i32, usize> = Default::default();
    for v in values {
        *counts.entry((v * 2.0).round() as i32).or_default() += 1;
    }
    let (&key, _) = counts.iter().max_by_key(|(_, &n)| n).unwrap();
    key as f32 / 2.0
}

/// Each image drawn in the PDF: (its filter, pixel width, placed width in points).
fn placed_images(pdf: &Path) -> Vec<(String, i64, f32)> {
    let doc = Document::load(pdf).unwrap();
    let mut out = Vec::new();
    for id in doc.get_pages().into_values() {
        let content = doc.get_and_decode_page_content(id).unwrap();
        let resources = doc.get_page_resources(id).unwrap();
        let dicts = resources.0.into_iter().chain(
            resources
                .1
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        );
        let mut xobjects = lopdf::Dictionary::new();
        for dict in dicts {
            if let Some(x) = dict
                .get(b"XObject")
                .ok()
                .and_then(|x| doc.dereference(x).ok())
                .and_then(|(_, x)| x.as_dict().ok())
            {
                xobjects.extend(x);
            }
        }
        let mut stack = vec![1.0f32];
        for op in &content.operations {
            match op.operator.as_str() {
                "q" => stack.push(*stack.last().unwrap()),
                "Q" => {
                    stack.pop();
                }
                "cm" => {
                    let a = op.operands[0]
                        .as_float()
                        .or_else(|_| op.operands[0].as_i64().map(|i| i as f32))
                        .unwrap();
                    *stack.last_mut().unwrap() *= a;
                }
                "Do" => {
                    let name = op.operands[0].as_name().unwrap();
                    let Ok(image) = xobjects
                        .get(name)
                        .and_then(|x| x.as_reference())
                        .and_then(|r| doc.get_object(r))
                        .and_then(|o| o.as_stream())
                    else {
                        continue;
                    };
                    let filter = image
                        .dict
                        .get(b"Filter")
                        .and_then(|f| f.as_name())
                        .map(|n| String::from_utf8_lossy(n).into_owned())
                        .unwrap_or_default();
                    let width = image.dict.get(b"Width").unwrap().as_i64().unwrap();
                    out.push((filter, width, *stack.last().unwrap()));
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn the_photo_keeps_300_ppi_as_a_jpeg_and_the_small_picture_is_reported() {
    let images = placed_images(&print_pdf());
    let photo = images
        .iter()
        .find(|(_, width, _)| *width > 1000)
        .unwrap_or_else(|| panic!("the photo, at print resolution: {images:?}"));
    assert_eq!(photo.0, "DCTDecode", "{photo:?}");
    let ppi = photo.1 as f32 / (photo.2 / 72.0);
    assert!(ppi >= 299.0, "the photo prints at {ppi} ppi");
    let warning = &built(BOOK).stderr;
    assert!(
        warning.starts_with("warning[W0401]: the image `tests/books/print/images/seal.png` prints at 150 ppi, less than the 300 ppi")
            && warning.contains("--> tests/books/print/article.md:48:1"),
        "{warning}"
    );
    assert_eq!(
        warning.matches("warning[").count(),
        1,
        "one warning: {warning}"
    );
}

#[test]
fn print_outputs_are_byte_reproducible() {
    let again = scratch("again");
    let run = inkstone(&root(), &["build", BOOK, "-o", again.to_str().unwrap()]);
    assert!(run.status.success());
    for ext in ["epub", "pdf", "print.pdf"] {
        let one = std::fs::read(built(BOOK).file(ext)).unwrap();
        let two = std::fs::read(again.join(format!("print.{ext}"))).unwrap();
        assert!(one == two, "print.{ext} differs between two builds");
    }
}

#[test]
fn the_print_book_passes_the_proof_reader_in_both_pdfs() {
    for file in ["pdf", "print.pdf"] {
        let report = proof::proofread(&built(BOOK).file(file), None);
        report.assert_clean_layout(&format!("the print book's {file}"));
    }
}
