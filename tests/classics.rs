//! Books the typesetter was not written for: the Analects (twenty chapters of short
//! paragraphs, Simplified), the first four books of Mencius (long paragraphs,
//! Traditional characters, corner-bracket quotes) and a Traditional miscellany (verse
//! set line by line, prose, dialogue with dashes, Latin words and a URL), proof-read in
//! full.

mod common;

use common::*;

/// The text of a test book as its chapters hold it (Markdown headings, paragraphs, quotes,
/// hard breaks and emphasis, their marks taken out).
fn book_text(book: &str) -> String {
    markdown_files(book)
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            text.replace("\\\n", "\n").replace(['#', '>', '*'], "")
        })
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
    let expected = squeeze(&book_text(book));
    assert!(
        all.ends_with(&expected),
        "{book}: every chapter's text, in order, after the contents\nexpected {expected}\nfound {all}"
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
fn verse_prose_and_dialogue_in_traditional_characters_pass_the_proof_reader() {
    proof("tests/books/verse", "詩文雜鈔", "李白王羲之魯迅");
}

#[test]
fn the_epubs_pass_epubcheck_and_ace() {
    for book in [
        "tests/books/lunyu",
        "tests/books/mengzi",
        "tests/books/verse",
    ] {
        assert_eq!(
            epub_validate(&built(book).file("epub")),
            CLEAN_EPUB,
            "{book}"
        );
    }
}

/// Where the ink of `c` sits across its em in the EPUB's body font (0 left edge, 1
/// right edge: the middle of its outline's box), and the glyph's advance in em.
fn web_font_placement(book: &str, c: char) -> (f32, f32) {
    let files = built(book).epub();
    let font = ttf_parser::Face::parse(&files["OEBPS/fonts/serif-regular.otf"], 0).unwrap();
    let glyph = font
        .glyph_index(c)
        .unwrap_or_else(|| panic!("{book}: no {c}"));
    let em = f32::from(font.units_per_em());
    let ink = font.glyph_bounding_box(glyph).unwrap();
    let middle = (f32::from(ink.x_min) + f32::from(ink.x_max)) / 2.0;
    let advance = f32::from(font.glyph_hor_advance(glyph).unwrap());
    (middle / em, advance / em)
}

#[test]
fn the_epub_draws_the_stops_of_traditional_chinese_centred_as_the_pdf_does() {
    // Traditional Chinese (Taiwan, Hong Kong) centres the comma and the full stop in
    // the em; Simplified sets them in its lower left. The font holds both forms behind
    // `locl`, which the PDF applies; a reading system may not, so the web font maps
    // each character straight to the form of the book's language.
    for c in ['，', '。', '、'] {
        let (middle, advance) = web_font_placement("tests/books/mengzi", c);
        assert!((0.4..0.6).contains(&middle), "{c} in 孟子: ink at {middle}");
        assert_eq!(advance, 1.0);
        let (middle, _) = web_font_placement("tests/books/lunyu", c);
        assert!(middle < 0.35, "{c} in 论语: ink at {middle}");
    }
}

#[test]
fn the_words_inkstone_adds_are_in_the_script_of_the_book() {
    // a Traditional book's contents page, navigation and accessibility summary are
    // written in traditional characters, a Simplified book's in simplified ones
    for (book, contents, summary) in [
        ("tests/books/mengzi", "目錄", "本書為可重排文本"),
        ("tests/books/verse", "目錄", "本書為可重排文本"),
        ("tests/books/lunyu", "目录", "本书为可重排文本"),
    ] {
        let built = built(book);
        let files = built.epub();
        let nav = epub_text_file(&files, "OEBPS/nav.xhtml");
        assert!(
            nav.contains(&format!("<h1 id=\"toc-title\">{contents}</h1>")),
            "{book}: {nav}"
        );
        let opf = epub_text_file(&files, "OEBPS/content.opf");
        assert!(opf.contains(summary), "{book}: {opf}");
        let pdf = proof::read(&built.file("pdf"));
        let text: String = pdf.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert!(text.contains(contents), "{book}: the PDF's contents page");
    }
}

#[test]
fn two_em_dashes_are_one_unbroken_rule_in_the_epub_as_in_the_pdf() {
    // `——` is one mark two ems long; the font joins the pair (its ccmp feature), which
    // the PDF applies and the EPUB's web font keeps for the reading system's shaper
    let files = built("tests/books/verse").epub();
    let data = &files["OEBPS/fonts/serif-regular.otf"];
    let face = rustybuzz::Face::from_slice(data, 0).unwrap();
    let shape = |text: &str| {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&face, &[], buffer);
        let glyphs: Vec<(u16, i32)> = shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(i, p)| (i.glyph_id as u16, p.x_advance))
            .collect();
        glyphs
    };
    let em = face.units_per_em();
    let pair = shape("他們——不答");
    assert_eq!(pair.len(), 5, "{pair:?}");
    let (rule, advance) = pair[2];
    assert_eq!(advance, 2 * em);
    let ink = face.glyph_bounding_box(ttf_parser::GlyphId(rule)).unwrap();
    assert!(
        i32::from(ink.x_max) - i32::from(ink.x_min) > 2 * em * 4 / 5,
        "one rule across the two ems: {ink:?}"
    );
    let single = shape("一—二");
    assert_eq!(single.len(), 3);
    assert_eq!(single[1].1, em, "a single dash stays one em");
}

#[test]
fn the_epub_fonts_carry_the_half_width_marks_that_punctuation_trimming_reads() {
    // a reading system trims the blank half of a full-width mark next to another one
    // (CSS text-spacing-trim) from the font's halt feature, as the PDF does
    let files = built("tests/books/lunyu").epub();
    let data = &files["OEBPS/fonts/serif-regular.otf"];
    let face = rustybuzz::Face::from_slice(data, 0).unwrap();
    let halt = rustybuzz::Feature::new(ttf_parser::Tag::from_bytes(b"halt"), 1, ..);
    for (mark, features) in [("。", vec![]), ("。", vec![halt]), ("“", vec![halt])] {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(mark);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&face, &features, buffer);
        let advance = shaped.glyph_positions()[0].x_advance;
        let expected = if features.is_empty() { 1000 } else { 500 };
        assert_eq!(advance, expected, "{mark} {features:?}");
    }
}
