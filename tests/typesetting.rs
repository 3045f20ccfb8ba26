//! What input nobody tuned for shows (issue 7): each defect found on real books, built
//! from a minimal book and checked in the PDF (and the EPUB where it applies).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// Builds a book of `chapters` (file name, Markdown) with `toml` extra lines under
/// `[book]`; returns the output folder and what the build printed on stderr.
fn book(name: &str, toml: &str, chapters: &[(&str, &str)]) -> (PathBuf, String) {
    let dir = scratch(name);
    let book = dir.join("book");
    let toml = format!("[book]\ntitle = \"试样\"\n{toml}");
    let mut files: Vec<(&str, &[u8])> = vec![("book.toml", toml.as_bytes())];
    files.extend(chapters.iter().map(|(n, t)| (*n, t.as_bytes())));
    write_book(&book, &files);
    let run = inkstone(&dir, &["build", "book"]);
    assert!(run.status.success(), "{name}: {}", stderr(&run));
    (dir.join("out"), stderr(&run))
}

fn body_lines(pdf: &Path) -> Vec<proof::TextLine> {
    let read = proof::read(pdf);
    proof::lines(&read.glyphs, false)
        .into_iter()
        .filter(|l| (l.size - 10.5).abs() < 0.01)
        .collect()
}

#[test]
fn every_paragraph_keeps_its_indent_on_a_chapters_last_page() {
    let paragraph = "子曰：“见贤思齐焉，见不贤而内自省也。”";
    let chapters: Vec<(String, String)> = (1..=20)
        .map(|i| {
            let body = vec![paragraph; 25 + i].join("\n\n");
            (format!("{i:02}.md"), format!("# 第{i}篇\n\n{body}\n"))
        })
        .collect();
    let refs: Vec<(&str, &str)> = chapters
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (out, _) = book("indents", "", &refs);
    let lines = body_lines(&out.join("book.pdf"));
    let paragraphs: Vec<&proof::TextLine> =
        lines.iter().filter(|l| l.text() == paragraph).collect();
    assert_eq!(paragraphs.len(), (1..=20).map(|i| 25 + i).sum::<usize>());
    // A5 at 10.5 pt: the 31-em measure is centred, a paragraph starts 2 em in
    let indented = (419.53 - 325.5) / 2.0 + 21.0;
    for l in paragraphs {
        assert!(
            (l.left() - indented).abs() < 0.05,
            "page {}: a paragraph starts at {} pt, not {indented}",
            l.page + 1,
            l.left()
        );
    }
}

#[test]
fn verse_lines_after_hard_breaks_start_where_the_first_starts() {
    let verse = "> 床前明月光，\\\n> 疑是地上霜。\\\n> 举头望明月，\\\n> 低头思故乡。\n";
    let (out, _) = book("verse", "", &[("a.md", verse)]);
    let lines = body_lines(&out.join("book.pdf"));
    let starts: Vec<f32> = lines.iter().map(|l| l.left()).collect();
    assert_eq!(
        starts.len(),
        4,
        "{:?}",
        lines.iter().map(|l| l.text()).collect::<Vec<_>>()
    );
    assert!(
        starts.iter().all(|x| (x - starts[0]).abs() < 0.05),
        "{starts:?}"
    );
    let files = epub_files(&out.join("book.epub"));
    let chapter = String::from_utf8_lossy(&files["OEBPS/ch001.xhtml"]).into_owned();
    assert_eq!(
        chapter
            .matches("<br/><span class=\"indent\"></span>")
            .count(),
        3
    );
    let css = String::from_utf8_lossy(&files["OEBPS/stylesheet.css"]).into_owned();
    assert!(css.contains("span.indent { display: inline-block; width: 2em; }"));
}

#[test]
fn a_verse_line_too_long_for_the_measure_wraps_two_ems_further_in() {
    let long = "五花马，千金裘，呼儿将出换美酒，与尔同销万古愁。".repeat(2);
    let verse = format!("> 人生得意须尽欢，\\\n> {long}\\\n> 天生我材必有用。\n\n{long}\n");
    let (out, _) = book("hanging", "", &[("a.md", verse.as_str())]);
    let lines = body_lines(&out.join("book.pdf"));
    let starts: Vec<f32> = lines.iter().map(|l| l.left()).collect();
    let texts: Vec<String> = lines.iter().map(|l| l.text()).collect();
    // 3 lines of verse, the long one in 2 or more; then the prose paragraph
    assert!(starts.len() >= 6, "{texts:?}");
    let verse_start = starts[0];
    let wrapped: Vec<usize> = (0..starts.len())
        .filter(|&i| (starts[i] - verse_start - 21.0).abs() < 0.05)
        .collect();
    assert!(
        !wrapped.is_empty(),
        "no line 2 em further in: {starts:?} {texts:?}"
    );
    for &i in &wrapped {
        assert!(
            texts[i - 1].starts_with("五花马") || (starts[i - 1] - starts[i]).abs() < 0.05,
            "only the long verse line wraps further in: {texts:?}"
        );
    }
    // the prose paragraph's wrapped lines start at the left edge, 2 em left of its first
    let prose = texts.iter().rposition(|t| t.starts_with("五花马")).unwrap();
    assert!(prose + 1 < starts.len(), "{texts:?}");
    assert!(
        (starts[prose + 1] - (starts[prose] - 21.0)).abs() < 0.05,
        "{starts:?}"
    );
    let files = epub_files(&out.join("book.epub"));
    let chapter = String::from_utf8_lossy(&files["OEBPS/ch001.xhtml"]).into_owned();
    assert_eq!(
        chapter.matches("<p class=\"verse\">").count(),
        1,
        "{chapter}"
    );
    let css = String::from_utf8_lossy(&files["OEBPS/stylesheet.css"]).into_owned();
    assert!(css.contains("p.verse { padding-left: 4em; text-indent: -2em; }"));
}

#[test]
fn no_ink_beyond_the_measure_for_long_words_numbers_addresses_and_code() {
    let built = built("tests/books/longwords");
    assert_eq!(built.stderr, "");
    let report = proof::proofread(&built.file("pdf"), None);
    assert!(report.ink_over_measure.is_empty(), "{report:#?}");
    assert!(report.ragged_lines.is_empty(), "{report:#?}");
    assert_eq!(report.notdef_glyphs, 0);
    // the long words were hyphenated, not cut anywhere
    let read = proof::read(&built.file("pdf"));
    let hyphens = read
        .glyphs
        .iter()
        .filter(|g| g.artifact && g.text == "-")
        .count();
    assert!(hyphens >= 3, "{hyphens} hyphens");
}

#[test]
fn format_characters_draw_nothing_and_raise_no_warning() {
    let text = "零宽\u{200B}空格、词\u{2060}连接、BOM\u{FEFF}、软\u{AD}连字、ZWNJ\u{200C}和ZWJ\u{200D}。\n";
    let (out, err) = book("format", "", &[("a.md", text)]);
    assert_eq!(err, "");
    let report = proof::proofread(&out.join("book.pdf"), None);
    assert_eq!(report.notdef_glyphs, 0, "{report:#?}");
    let all: String = proof::read(&out.join("book.pdf"))
        .glyphs
        .iter()
        .map(|g| g.text.clone())
        .collect();
    assert!(
        squeeze(&all).contains("零宽空格、词连接、BOM、软连字、ZWNJ和ZWJ。"),
        "{all}"
    );
}

#[test]
fn emoji_are_drawn_from_the_installed_emoji_font() {
    // scripts/test installs fonts-noto-color-emoji
    let (out, err) = book(
        "emoji",
        "",
        &[("a.md", "点赞👍，完成✅，庆祝🎉，肤色🧑🏿与🏿。\n")],
    );
    assert_eq!(err, "", "an emoji some font has is no reason to warn");
    let doc = lopdf::Document::load(out.join("book.pdf")).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let content = doc.get_and_decode_page_content(page).unwrap();
    let drawn = content
        .operations
        .iter()
        .filter(|op| op.operator == "Do")
        .count();
    assert!(drawn >= 5, "each emoji drawn as an image: {drawn}");
    assert_eq!(
        proof::proofread(&out.join("book.pdf"), None).notdef_glyphs,
        0
    );
    let css = String::from_utf8_lossy(&epub_files(&out.join("book.epub"))["OEBPS/stylesheet.css"])
        .into_owned();
    assert!(
        css.contains("\"Noto Color Emoji\""),
        "the EPUB names an emoji font"
    );
}

#[test]
fn a_note_cited_from_a_note_goes_to_the_same_page() {
    let text = "正文[^a]。\n\n[^a]: 注甲引注乙[^b]。\n[^b]: 注乙本文。\n";
    let (out, _) = book("note-in-note", "", &[("a.md", text)]);
    let pdf = out.join("book.pdf");
    let read = proof::read(&pdf);
    let page_of = |needle: &str| {
        proof::lines(&read.glyphs, false)
            .iter()
            .find(|l| squeeze(&l.text()).contains(needle))
            .map(|l| l.page)
    };
    assert_eq!(
        page_of("注乙本文"),
        page_of("注甲引注乙"),
        "note ② is on the page of ①"
    );
    assert!(page_of("注乙本文").is_some());
    // a definition followed by a reference that looks like one: no blank page
    let text =
        "[^1]: footnote definition text\n\n[^1]\\: this is a reference, rather than a definition\n";
    let (out, _) = book("note-escaped", "", &[("a.md", text)]);
    let read = proof::read(&out.join("book.pdf"));
    for page in 0..read.sizes.len() {
        assert!(
            read.glyphs.iter().any(|g| g.page == page && !g.artifact),
            "page {} is blank",
            page + 1
        );
    }
}

#[test]
fn latin_words_are_separated_by_real_spaces_in_the_text() {
    let (out, _) = book(
        "spaces",
        "",
        &[(
            "a.md",
            "English in italics 与 language tags 混排，W3C 中文排版需求。\n",
        )],
    );
    let read = proof::read(&out.join("book.pdf"));
    let text: String = read
        .glyphs
        .iter()
        .filter(|g| !g.artifact)
        .map(|g| g.text.as_str())
        .collect();
    assert!(
        text.contains("English in italics 与 language tags"),
        "{text}"
    );
    assert!(text.contains("W3C 中文"), "a typed space stays: {text}");
}

#[test]
fn drawn_marks_are_artifacts_and_two_em_dashes_carry_their_text() {
    let code = format!("```\n{}\n```\n\n他说——好。\n", "x".repeat(120));
    let (out, _) = book("artifacts", "", &[("a.md", &code)]);
    let read = proof::read(&out.join("book.pdf"));
    let arrows: Vec<&proof::Glyph> = read.glyphs.iter().filter(|g| g.text == "→").collect();
    assert!(!arrows.is_empty());
    assert!(
        arrows.iter().all(|g| g.artifact),
        "the wrap arrow is not text"
    );
    let doc = lopdf::Document::load(out.join("book.pdf")).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let content = doc.get_and_decode_page_content(page).unwrap();
    let actual = content.operations.iter().any(|op| {
        op.operator == "BDC"
            && op
                .operands
                .get(1)
                .and_then(|o| o.as_dict().ok())
                .is_some_and(|d| {
                    d.get(b"ActualText")
                        .ok()
                        .and_then(|t| lopdf::decode_text_string(t).ok())
                        .as_deref()
                        == Some("——")
                })
    });
    assert!(
        actual,
        "—— is one glyph for two characters: /ActualText says which"
    );
}

#[test]
fn subset_tags_follow_the_glyphs_in_the_subset() {
    let fonts = |out: &Path| {
        let run = std::process::Command::new("pdffonts")
            .arg(out.join("book.pdf"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&run.stdout)
            .lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next().map(String::from))
            .collect::<Vec<_>>()
    };
    let (a, _) = book("tags-a", "", &[("a.md", "甲乙丙。\n")]);
    let (b, _) = book("tags-b", "", &[("a.md", "丁戊己。\n")]);
    let (c, _) = book("tags-c", "", &[("a.md", "甲乙丙。\n")]);
    let serif = |v: Vec<String>| v.into_iter().find(|n| n.contains("Serif")).unwrap();
    assert_ne!(serif(fonts(&a)), serif(fonts(&b)));
    assert_eq!(serif(fonts(&a)), serif(fonts(&c)));
}

/// The running heads (artifact lines at the top of pages) of a PDF, by page.
fn running_heads(pdf: &Path) -> Vec<(usize, String)> {
    let read = proof::read(pdf);
    proof::lines(&read.glyphs, true)
        .into_iter()
        .filter(|l| l.y < 60.0)
        .map(|l| (l.page, l.text()))
        .collect()
}

#[test]
fn running_heads_use_the_short_title_or_an_ellipsis() {
    let long =
        "镇江高新区 争当创新发展“先行军” 打造科技创新策源地 加快成为镇江发展活力标杆 再加一个短语";
    let body = vec!["正文的一段话，写得足够长，好让书有好几页。"; 120].join("\n\n");
    let chapters = [
        ("a.md", format!("# 章\n\n{body}\n")),
        ("b.md", format!("# 节\n\n{body}\n")),
    ];
    let refs: Vec<(&str, &str)> = chapters.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let toml = format!("title = \"{long}\"\n");
    let dir = scratch("heads-long");
    let files: Vec<(&str, &[u8])> =
        std::iter::once(("book.toml", format!("[book]\n{toml}").into_bytes()))
            .chain(refs.iter().map(|(n, t)| (*n, t.as_bytes().to_vec())))
            .map(|(n, t)| (n, Box::leak(t.into_boxed_slice()) as &[u8]))
            .collect();
    write_book(&dir.join("book"), &files);
    assert!(inkstone(&dir, &["build", "book"]).status.success());
    let verso: Vec<String> = running_heads(&dir.join("out/book.pdf"))
        .into_iter()
        .filter(|(p, _)| p % 2 == 1)
        .map(|(_, t)| t)
        .collect();
    assert!(!verso.is_empty());
    for head in &verso {
        assert!(head.ends_with("……"), "{head}");
        assert!(
            head.starts_with("镇江高新区 争当创新发展“先行军”"),
            "{head}"
        );
    }
    let (out, _) = book("heads-short", "short_title = \"短题\"\n", &refs);
    let verso: Vec<String> = running_heads(&out.join("book.pdf"))
        .into_iter()
        .filter(|(p, _)| p % 2 == 1)
        .map(|(_, t)| t)
        .collect();
    assert!(
        !verso.is_empty() && verso.iter().all(|h| h == "短题"),
        "{verso:?}"
    );
}

#[test]
fn markdown_that_made_invalid_epubs() {
    let text = "# 标题\n\n## \n\n##### 跳级\n\n<https://example.com/\\[\\>\n\n[foo<https://example.com/?search=](uri)>\n\n<https://../>\n\n![标志](http://example.com/logo.png)\n";
    let (out, err) = book("spec-markdown", "", &[("a.md", text)]);
    assert!(
        err.contains("warning[W0301]: an empty heading was left out\n --> book/a.md:3:1"),
        "{err}"
    );
    assert!(
        err.contains("warning[W0302]: a level-5 heading follows a level-1 heading; it is set as level 2\n --> book/a.md:5:1"),
        "{err}"
    );
    assert!(
        err.contains(
            "warning[W0306]: the remote image `http://example.com/logo.png` is not downloaded"
        ) && err.contains("--> book/a.md:13:1"),
        "{err}"
    );
    assert!(
        err.contains("`https://../` is not a valid address"),
        "{err}"
    );
    let files = epub_files(&out.join("book.epub"));
    let nav = String::from_utf8_lossy(&files["OEBPS/nav.xhtml"]).into_owned();
    assert!(
        !nav.contains("<ol>\n</ol>") && !nav.contains("<ol></ol>"),
        "{nav}"
    );
    let chapter = String::from_utf8_lossy(&files["OEBPS/ch001.xhtml"]).into_owned();
    assert!(
        chapter.contains("<h2 id=\"跳级\">跳级</h2>"),
        "the skipped level closes up: {chapter}"
    );
    assert!(
        chapter.contains("href=\"https://example.com//%5B/\""),
        "{chapter}"
    );
    assert!(
        chapter.contains("标志"),
        "the alt text stands in the image's place"
    );
    assert_eq!(epub_validate(&out.join("book.epub")), CLEAN_EPUB);
    let strict = inkstone(
        &out.join(".."),
        &["build", "book", "--strict", "-o", "strict"],
    );
    assert_eq!(strict.status.code(), Some(1));
    assert!(stderr(&strict).contains("--strict makes warnings errors"));
    assert!(!out.join("../strict").exists(), "nothing written");
    let _ = fs::metadata(&out);
}

#[test]
fn no_widow_or_orphan_on_a_book_built_to_provoke_them() {
    // paragraphs of one to six full lines and a bit, in an order that brings every
    // line of a paragraph to a page's foot somewhere (A5: 31 characters a line)
    let text: String = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳"
        .chars()
        .cycle()
        .take(4000)
        .collect();
    let mut offset = 0;
    let paragraphs: Vec<String> = (0..320)
        .map(|i| {
            let lines = 1 + (i * 7 + i / 5) % 6;
            let n = 29 + 31 * (lines - 1) + (i * 13) % 20;
            offset = (offset + n) % 2000;
            let body: String = text.chars().skip(offset).take(n).collect();
            format!("{body}。")
        })
        .collect();
    let chapter = format!("# 孤行\n\n{}\n", paragraphs.join("\n\n"));
    let (out, _) = book("widows", "", &[("a.md", &chapter)]);
    let pdf = out.join("book.pdf");
    let report = proof::proofread(&pdf, None);
    assert!(report.pages > 20, "{} pages", report.pages);
    assert!(report.widows.is_empty(), "widows: {:?}", report.widows);
    assert!(report.orphans.is_empty(), "orphans: {:?}", report.orphans);
    // the book does provoke: many pages begin inside a paragraph (flush left, not
    // indented)
    let lines = body_lines(&pdf);
    let left = lines.iter().map(|l| l.left()).fold(f32::MAX, f32::min);
    let continued = lines
        .windows(2)
        .filter(|w| w[1].page != w[0].page && (w[1].left() - left).abs() < 0.5)
        .count();
    assert!(
        continued >= 10,
        "{continued} pages begin inside a paragraph"
    );
}
