//! The default book: the news article (its source text as received is
//! `tests/fixtures/article.txt`).

mod common;

use std::fs;

use common::*;

/// The article, built once for this test binary; it builds without warnings.
fn article() -> &'static Built {
    let built = built("book");
    assert_eq!(built.stderr, "", "the article builds without warnings");
    built
}

/// A fresh build of the article into `name`, for the tests that compare two builds.
fn build_fresh(name: &str) -> std::path::PathBuf {
    let out = scratch(name);
    let output = inkstone(&root(), &["build", "book", "-o", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("book.epub") && printed.contains("book.pdf"),
        "prints the paths it wrote: {printed}"
    );
    out
}

#[test]
fn every_character_of_the_seed_is_in_the_epub_in_reading_order() {
    let files = article().epub();
    let chapter = body_text(&epub_text_file(&files, "OEBPS/ch001.xhtml"));
    let seed = fs::read_to_string(fixture("article.txt")).unwrap();
    assert_eq!(squeeze(&chapter), squeeze(&seed));
    // the paragraph the seed breaks mid-word reads as one paragraph
    assert!(chapter.contains("重大招商引资项目建设中的困难和问题"));
}

#[test]
fn metadata_lists_the_three_authors_in_order_and_the_language_everywhere() {
    let files = article().epub();
    let opf = epub_text_file(&files, "OEBPS/content.opf");
    let creators: Vec<&str> = opf
        .split("<dc:creator")
        .skip(1)
        .map(|s| &s[s.find('>').unwrap() + 1..s.find("</dc:creator>").unwrap()])
        .collect();
    assert_eq!(creators, ["黄颢", "朱大智", "郭晶"]);
    assert!(opf.contains("<dc:language>zh-CN</dc:language>"));
    assert!(opf.contains("xml:lang=\"zh-CN\""));
    assert!(opf.contains("<meta property=\"dcterms:modified\">2021-11-01T00:00:00Z</meta>"));
    assert!(opf.contains("<dc:identifier id=\"epub-id-1\">urn:uuid:"));
    for (name, data) in &files {
        if name.ends_with(".xhtml") {
            let text = String::from_utf8_lossy(data);
            assert!(
                text.contains("lang=\"zh-CN\" xml:lang=\"zh-CN\""),
                "{name} lacks lang"
            );
        }
    }
    let nav = epub_text_file(&files, "OEBPS/nav.xhtml");
    for section in [
        "产业拓新，“1+4”格局描画新蓝图",
        "党建聚能，学史力行展现新作为",
        "空间升级，利民惠民彰显新温度",
    ] {
        assert!(nav.contains(section), "nav lacks {section}");
    }
    let chapter = epub_text_file(&files, "OEBPS/ch001.xhtml");
    assert_eq!(chapter.matches("<h2 id=\"").count(), 3);
    assert!(chapter.contains("<p class=\"byline\">黄颢 朱大智 郭晶</p>"));
}

#[test]
fn two_builds_are_byte_identical() {
    let (a, b) = (
        build_fresh("article-repro-a"),
        build_fresh("article-repro-b"),
    );
    for file in ["book.epub", "book.pdf"] {
        let (one, two) = (
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap(),
        );
        assert!(one == two, "two builds of {file} differ");
    }
}

#[test]
fn source_date_epoch_sets_the_modification_time() {
    let out = scratch("article-sde");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_inkstone"))
        .args(["build", "book", "-o", out.to_str().unwrap()])
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .status()
        .unwrap();
    assert!(status.success());
    let files = epub_files(&out.join("book.epub"));
    let opf = epub_text_file(&files, "OEBPS/content.opf");
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>"),
        "{opf}"
    );
}

#[test]
fn embedded_fonts_are_subsets_covering_every_character_of_the_text() {
    let files = article().epub();
    let fonts: Vec<(&String, &Vec<u8>)> =
        files.iter().filter(|(n, _)| n.ends_with(".otf")).collect();
    assert_eq!(
        fonts.len(),
        2,
        "serif regular for the text, sans bold for the headings"
    );
    let faces: Vec<ttf_parser::Face> = fonts
        .iter()
        .map(|(_, data)| ttf_parser::Face::parse(data, 0).unwrap())
        .collect();
    for (name, data) in &files {
        if !name.ends_with(".xhtml") {
            continue;
        }
        for c in body_text(&String::from_utf8_lossy(data)).chars() {
            if !c.is_whitespace() {
                assert!(
                    faces.iter().any(|f| f.glyph_index(c).is_some()),
                    "{c} in {name} is in no embedded font"
                );
            }
        }
    }
    for (name, data) in &fonts {
        let glyphs = ttf_parser::Face::parse(data, 0).unwrap().number_of_glyphs();
        assert!(glyphs < 1000, "{name} has {glyphs} glyphs: not a subset");
    }
}

#[test]
fn the_committed_cover_is_the_one_the_build_draws() {
    let files = article().epub();
    let cover = &files["OEBPS/cover.png"];
    let committed = fs::read(root().join("covers/book.png")).unwrap();
    assert!(
        *cover == committed,
        "covers/book.png is stale: run scripts/update-covers.sh"
    );
    let image = image::load_from_memory(cover).unwrap();
    assert_eq!((image.width(), image.height()), (1600, 2560));
}
