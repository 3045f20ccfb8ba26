//! The EPUB as reading apps and stores take it: every page in headless Chromium at
//! phone and tablet sizes (`scripts/reading.js`), the Kindle path through Calibre, the
//! store's metadata as `ebook-meta` reads it, and the print edition's page numbers.
//! The tools come from `scripts/validators`, which installs them on first use.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::proof;
use common::*;
use serde_json::Value;

/// The books read here: the article, a store-ready book (metadata, emphasis, a table),
/// the Markdown book (every construct), and Traditional text.
const BOOKS: [&str; 5] = [
    "book",
    "tests/books/store",
    "tests/books/markdown",
    "tests/books/lunyu",
    "tests/books/verse",
];

/// `book`'s EPUB unpacked into a folder.
fn unpacked(book: &str) -> PathBuf {
    let built = built(book);
    let dir = built.out.join("unpacked");
    if !dir.join("OEBPS").is_dir() {
        for (name, data) in zip_entries(&built.file("epub")) {
            let path = dir.join(&name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, data).unwrap();
        }
    }
    dir
}

/// What Chromium measured on every page of `book`'s EPUB (once per book); screenshots
/// are kept beside the report.
fn reading(book: &str) -> &'static Value {
    static REPORTS: Mutex<BTreeMap<String, &'static Value>> = Mutex::new(BTreeMap::new());
    let mut cache = REPORTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(report) = cache.get(book) {
        return report;
    }
    let dir = unpacked(book);
    let report = built(book).out.join("reading.json");
    let shots = built(book).out.join("screenshots");
    let _guard = TOOLS.lock().unwrap_or_else(|e| e.into_inner());
    let run = Command::new(root().join("scripts/validators"))
        .arg("reading")
        .args([&dir, &report, &shots])
        .output()
        .expect("scripts/validators runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let value: &'static Value = Box::leak(Box::new(
        serde_json::from_slice(&fs::read(&report).unwrap()).unwrap(),
    ));
    cache.insert(book.to_string(), value);
    value
}

/// The measured pages of `book`.
fn pages(book: &str) -> &'static [Value] {
    reading(book)["pages"].as_array().unwrap()
}

/// Calls `check` with each measured page of `books` and where it is (book, file and
/// screen size, for messages).
fn each_page(books: &[&str], mut check: impl FnMut(&Value, &str)) {
    for book in books {
        for page in pages(book) {
            check(
                page,
                &format!("{book} {} {}", page["file"], page["viewport"]),
            );
        }
    }
}

#[test]
fn the_cover_fills_the_screen_exactly_at_phone_and_tablet_sizes() {
    for book in BOOKS {
        let covers: Vec<&Value> = pages(book)
            .iter()
            .filter(|p| p["file"] == "cover.xhtml")
            .collect();
        assert_eq!(covers.len(), 3, "{book}: three viewports");
        for page in covers {
            let size = |k: &str| page[k].as_f64().unwrap();
            assert_eq!(size("scrollHeight"), size("innerHeight"), "{book}: {page}");
            assert_eq!(size("scrollWidth"), size("innerWidth"), "{book}: {page}");
            // the image is whole on screen and as large as the screen allows
            let image = &page["image"];
            let (top, left) = (
                image["top"].as_f64().unwrap(),
                image["left"].as_f64().unwrap(),
            );
            let (width, height) = (
                image["width"].as_f64().unwrap(),
                image["height"].as_f64().unwrap(),
            );
            assert!(top >= -0.5 && left >= -0.5, "{book}: {page}");
            assert!(top + height <= size("innerHeight") + 0.5, "{book}: {page}");
            assert!(left + width <= size("innerWidth") + 0.5, "{book}: {page}");
            let fills_width = (width - size("innerWidth")).abs() < 1.0;
            let fills_height = (height - size("innerHeight")).abs() < 1.0;
            assert!(fills_width || fills_height, "{book}: {page}");
        }
    }
}

#[test]
fn every_character_is_drawn_from_the_subset_of_its_face() {
    for book in BOOKS {
        for page in pages(book) {
            let fallback = page["fallback"].as_array().cloned().unwrap_or_default();
            assert!(
                fallback.is_empty(),
                "{book} {} at {}: text drawn from fonts outside the book: {fallback:?}",
                page["file"],
                page["viewport"]
            );
        }
    }
}

#[test]
fn emphasis_is_marked_with_dots_and_han_latin_text_is_spaced() {
    for book in BOOKS {
        for page in pages(book) {
            for em in page["emphasis"].as_array().unwrap() {
                assert_eq!(em["mark"], "dot", "{book}: {em}");
                assert_eq!(
                    em["decoration"], "none",
                    "{book}: no underline as well: {em}"
                );
            }
            if page["file"].as_str().unwrap().starts_with("ch") {
                assert_eq!(page["autospace"], "normal", "{book}: {}", page["file"]);
            }
        }
    }
    let emphasised = pages("tests/books/store")
        .iter()
        .map(|p| p["emphasis"].as_array().unwrap().len())
        .sum::<usize>();
    assert!(emphasised >= 3, "the store book has emphasis to check");
}

#[test]
fn justified_lines_keep_the_letters_of_latin_words_together() {
    // clreq: a justified line takes its slack between Han characters and at spaces,
    // never between the letters of a word
    let mut measured = 0;
    each_page(&BOOKS, |page, at| {
        let latin = &page["latin"];
        measured += latin["words"].as_u64().unwrap();
        let spread = latin["spread"].as_array().unwrap();
        assert!(spread.is_empty(), "{at}: {spread:?}");
    });
    assert!(measured >= 50, "only {measured} Latin words measured");
}

#[test]
fn no_line_is_stretched_before_an_address_it_could_not_break() {
    // a URL breaks after its delimiters as in the PDF (<wbr/>), so the line before it
    // is not pulled apart to the screen's edge
    each_page(&BOOKS, |page, at| {
        let loose = page["loose"].as_array().unwrap();
        assert!(loose.is_empty(), "{at}: {loose:?}");
    });
}

#[test]
fn adjacent_punctuation_is_trimmed_to_one_and_a_half_em_as_in_print() {
    // clreq: where two full-width marks meet (。” ，“ ”“) half an em of blank is taken
    // away; the web fonts carry the fonts' half-width settings (halt) for the reading
    // system's text-spacing-trim. Traditional marks are centred and left as they are;
    // the engine trims brackets, quotes and the stops ，。、 but, by its own rules, not
    // next to ？！：； (the PDF does).
    let mut measured = 0;
    let simplified: Vec<&str> = BOOKS
        .into_iter()
        .filter(|b| !b.ends_with("verse"))
        .collect();
    each_page(&simplified, |page, at| {
        for pair in page["pairs"].as_array().unwrap() {
            let text = pair["text"].as_str().unwrap();
            if text.contains(['？', '！', '：', '；']) {
                continue;
            }
            measured += 1;
            // trimmed: 1.5 em, untrimmed 2, each plus what justification adds
            // (a few hundredths of an em per character, up to 0.27 seen)
            let em = pair["em"].as_f64().unwrap();
            assert!(em <= 1.9, "{at}: {pair}");
        }
    });
    assert!(measured >= 20, "only {measured} pairs of marks measured");
}

#[test]
fn an_opening_mark_after_the_paragraph_indent_loses_its_blank_half_as_in_print() {
    // the PDF sets “ at a line's start, the paragraph's first line too, in half an em
    let mut measured = 0;
    each_page(&BOOKS, |page, at| {
        for opening in page["openings"].as_array().unwrap() {
            measured += 1;
            let em = opening["em"].as_f64().unwrap();
            assert!(em <= 0.6, "{at}: {opening}");
        }
    });
    assert!(measured >= 3, "only {measured} opening marks measured");
}

#[test]
fn no_paragraph_ends_in_a_line_of_one_character() {
    // the PDF has no such runt lines; the stylesheet asks for text-wrap: pretty
    each_page(&BOOKS, |page, at| {
        let runts = page["runts"].as_array().unwrap();
        assert!(runts.is_empty(), "{at}: {runts:?}");
    });
}

#[test]
fn short_table_cells_and_titles_are_not_shredded_on_a_phone() {
    for book in BOOKS {
        for page in pages(book) {
            let cells = page["cells"].as_array().unwrap();
            assert!(cells.is_empty(), "{book} {}: {cells:?}", page["viewport"]);
            let Some(titles) = page["titles"].as_array() else {
                continue;
            };
            for lines in titles {
                let lines: Vec<&str> = lines
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_str().unwrap())
                    .collect();
                if lines.len() > 1 {
                    let last = lines.last().unwrap().chars().count();
                    assert!(last >= 2, "{book} {}: {lines:?}", page["file"]);
                }
            }
        }
    }
}

#[test]
fn no_page_is_wider_than_the_screen_and_wide_tables_scroll_in_their_box() {
    let mut scrolled = 0;
    for book in BOOKS {
        for page in pages(book) {
            let at = format!("{book} {} {}", page["file"], page["viewport"]);
            assert!(
                page["scrollWidth"].as_u64() <= page["innerWidth"].as_u64(),
                "{at}: the page is wider than the screen"
            );
            for table in page["tables"].as_array().unwrap() {
                assert_eq!(table["overflow"], "auto", "{at}: {table}");
                if table["width"].as_u64() > table["box"].as_u64() {
                    scrolled += 1;
                }
            }
        }
    }
    // the store book's table of thirteen months does not fit a phone
    assert!(scrolled >= 1, "no table is wider than the screen");
}

#[test]
fn the_page_list_has_each_printed_page_where_its_text_begins() {
    for book in [
        "book",
        "tests/books/multi",
        "tests/books/lunyu",
        "tests/books/store",
    ] {
        let built = built(book);
        let files = built.epub();
        let nav = epub_text_file(&files, "OEBPS/nav.xhtml");
        let list = nav
            .split("<nav epub:type=\"page-list\"")
            .nth(1)
            .unwrap_or_else(|| panic!("{book}: no page-list in {nav}"));
        let targets: Vec<(String, String)> = list
            .split("<li><a href=\"")
            .skip(1)
            .map(|item| {
                let (href, rest) = item.split_once("\">").unwrap();
                let label = rest.split('<').next().unwrap();
                (href.to_string(), label.to_string())
            })
            .collect();
        let pdf = proof::read(&built.file("pdf"));
        let pages = pdf.sizes.len();
        assert_eq!(targets.len(), pages, "{book}: one entry per PDF page");
        let lines = proof::lines(&pdf.glyphs, false);
        for (n, (href, label)) in targets.iter().enumerate() {
            assert_eq!(label, &(n + 1).to_string(), "{book}");
            let (file, id) = href.split_once('#').unwrap();
            let xhtml = epub_text_file(&files, &format!("OEBPS/{file}"));
            let marker = format!("id=\"{id}\" aria-label=\"{label}\"></span>");
            let at = xhtml
                .find(&marker)
                .unwrap_or_else(|| panic!("{book}: no marker {marker} in {file}"));
            let after = squeeze(&body_text(&strip_fallback_parens(
                &xhtml[at + marker.len()..],
            )));
            let first_line = lines.iter().find(|l| l.page == n);
            let Some(first_line) = first_line else {
                continue; // a blank page: marked where the next page begins
            };
            let printed = squeeze(&first_line.text());
            let shown: String = after.chars().take(printed.chars().count().min(6)).collect();
            assert!(
                printed.starts_with(&shown) && !shown.is_empty(),
                "{book} page {}: EPUB marker before {shown:?}, PDF page begins {printed:?}",
                n + 1
            );
        }
    }
}

/// XHTML without ruby's fallback parentheses (`<rp>`), which print has not.
fn strip_fallback_parens(xhtml: &str) -> String {
    let mut out = String::new();
    let mut rest = xhtml;
    while let Some(start) = rest.find("<rp>") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("</rp>")
            .map_or("", |end| &rest[start + end + 5..]);
    }
    out.push_str(rest);
    out
}

/// The Kindle conversion of the store book: (`convert.log`, `ebook-meta` output, the
/// AZW3 converted back to an EPUB, unpacked).
fn kindle() -> &'static (String, String, PathBuf) {
    static KINDLE: Mutex<Option<&'static (String, String, PathBuf)>> = Mutex::new(None);
    let mut cache = KINDLE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(done) = *cache {
        return done;
    }
    let built = built("tests/books/store");
    let out = built.out.join("kindle");
    let _guard = TOOLS.lock().unwrap_or_else(|e| e.into_inner());
    let run = Command::new(root().join("scripts/validators"))
        .arg("kindle")
        .arg(built.file("epub"))
        .arg(&out)
        .output()
        .expect("scripts/validators runs");
    let log = fs::read_to_string(out.join("convert.log")).unwrap_or_default();
    assert!(
        run.status.success(),
        "{log}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let meta = fs::read_to_string(out.join("meta.txt")).unwrap();
    let back = out.join("back");
    for (name, data) in zip_entries(&out.join("back.epub")) {
        if name.ends_with('/') {
            continue;
        }
        let path = back.join(&name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, data).unwrap();
    }
    let done: &'static (String, String, PathBuf) = Box::leak(Box::new((log, meta, back)));
    *cache = Some(done);
    done
}

/// Every file under `dir` whose name ends with `ext`.
fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_with(&path, ext));
        } else if path.to_string_lossy().ends_with(ext) {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn calibre_converts_for_kindle_without_a_warning_keeping_cover_toc_fonts_and_emphasis() {
    let (log, _, back) = kindle();
    for line in log.lines() {
        let lower = line.to_lowercase();
        assert!(
            !["warn", "error", "unknown", "ignor", "invalid", "failed"]
                .iter()
                .any(|w| lower.contains(w)),
            "Calibre complained: {line}\n{log}"
        );
    }
    assert!(log.contains("Found HTML cover OEBPS/cover.xhtml"), "{log}");
    let ncx = fs::read_to_string(back.join("toc.ncx")).unwrap();
    for title in ["产业拓新", "党建聚能", "数据一览"] {
        assert!(ncx.contains(title), "{title} in the Kindle TOC: {ncx}");
    }
    let fonts = files_with(back, ".otf");
    assert!(fonts.len() >= 3, "the web fonts travel: {fonts:?}");
    // emphasis keeps its mark: the dotted underline the stylesheet falls back to
    let html: String = files_with(back, ".html")
        .iter()
        .map(|p| fs::read_to_string(p).unwrap())
        .collect();
    let css: String = files_with(back, ".css")
        .iter()
        .map(|p| fs::read_to_string(p).unwrap())
        .collect();
    let at = html.find(">坚持项目为王").expect("the emphasised words");
    let open = &html[html[..at].rfind('<').unwrap()..at];
    let class = open
        .split("class=\"")
        .nth(1)
        .and_then(|c| c.split('"').next())
        .unwrap_or_else(|| panic!("no class on {open}"));
    let rule = css
        .split(&format!(".{class} {{"))
        .nth(1)
        .and_then(|r| r.split('}').next())
        .unwrap_or_else(|| panic!("no rule for .{class}"));
    assert!(
        rule.contains("text-decoration: underline"),
        "{open}: {rule}"
    );
}

#[test]
fn ebook_meta_reads_the_store_metadata() {
    let (_, meta, _) = kindle();
    let field = |name: &str| {
        meta.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in {meta}"))
    };
    assert!(field("Title").starts_with("镇江高新区"), "{meta}");
    assert_eq!(field("Author(s)"), "黄颢 & 朱大智 & 郭晶", "{meta}");
    assert_eq!(field("Languages"), "zho", "{meta}");
    assert_eq!(field("Identifiers"), "isbn:9787020002207", "{meta}");
    assert_eq!(field("Series"), "城市发展报告 #3", "{meta}");
    assert_eq!(field("Tags"), "经济, 城市发展", "{meta}");
    assert_eq!(field("Publisher"), "镇江日报社", "{meta}");
}

#[test]
fn store_metadata_is_in_the_package() {
    let opf = epub_text_file(&built("tests/books/store").epub(), "OEBPS/content.opf");
    for part in [
        ">urn:isbn:9787020002207</dc:identifier>",
        "<meta property=\"belongs-to-collection\" id=\"series\">城市发展报告</meta>",
        "<meta refines=\"#series\" property=\"group-position\">3</meta>",
        "<dc:rights>© 2021 镇江日报社 版权所有</dc:rights>",
        "scheme=\"marc:relators\">trl</meta>",
        "scheme=\"marc:relators\">edt</meta>",
        "scheme=\"marc:relators\">ill</meta>",
        "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>",
        ">printPageNumbers</meta>",
        "<meta property=\"pageBreakSource\">",
    ] {
        assert!(opf.contains(part), "{part} in {opf}");
    }
}

#[test]
fn a_store_ready_book_passes_epubcheck_and_ace() {
    let built = built("tests/books/store");
    assert_eq!(epub_validate(&built.file("epub")), CLEAN_EPUB);
}
