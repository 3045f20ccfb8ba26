//! Robust under any input (issue 13): each minimal book that once crashed, ran out of
//! memory, wrote a broken PDF, drew outside the page or lost text now builds cleanly,
//! or is refused with one clear line.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// A book folder with `book.toml` (`title = "x"` and `extra`) and `chapters`.
fn write(name: &str, extra: &str, chapters: &[(&str, String)]) -> PathBuf {
    let dir = scratch(name);
    let toml = format!("[book]\ntitle = \"x\"\n{extra}");
    let mut files: Vec<(&str, &[u8])> = vec![("book.toml", toml.as_bytes())];
    files.extend(chapters.iter().map(|(n, t)| (*n, t.as_bytes())));
    write_book(&dir.join("book"), &files);
    dir
}

/// Builds the book in `dir` under GNU time; returns the run and its peak memory in KiB.
fn build_measured(dir: &Path) -> (std::process::Output, u64) {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "peak-kib %M"])
        .arg(env!("CARGO_BIN_EXE_inkstone"))
        .args(["build", "book"])
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("/usr/bin/time runs (scripts/test installs it)");
    let err = stderr(&out);
    let peak = err
        .lines()
        .find_map(|l| l.strip_prefix("peak-kib "))
        .and_then(|k| k.trim().parse().ok())
        .unwrap_or(0);
    (out, peak)
}

/// Builds, expecting success; checks the PDF with qpdf and that nothing is drawn
/// outside the page; returns the output folder.
fn builds_cleanly(name: &str, extra: &str, chapters: &[(&str, String)]) -> PathBuf {
    let dir = write(name, extra, chapters);
    let (run, peak) = build_measured(&dir);
    let err = stderr(&run);
    assert!(run.status.success(), "{name}: {err}");
    assert!(
        !err.contains("bug in inkstone") && !err.contains("panicked"),
        "{name}: {err}"
    );
    assert!(peak < 600 * 1024, "{name}: peak memory {peak} KiB");
    let pdf = dir.join("out/book.pdf");
    assert_qpdf_clean(&pdf);
    let read = proof::read(&pdf);
    for g in &read.glyphs {
        let (w, h) = read.sizes[g.page];
        assert!(
            g.x >= 0.0 && g.x1 <= w && g.y - g.size >= 0.0 && g.y <= h,
            "{name}: `{}` drawn outside the page at ({}, {})",
            g.text,
            g.x,
            g.y
        );
    }
    dir.join("out")
}

/// The text of the PDF (real content, no furniture), without whitespace.
fn pdf_text(out: &Path) -> String {
    let read = proof::read(&out.join("book.pdf"));
    squeeze(
        &read
            .glyphs
            .iter()
            .filter(|g| !g.artifact)
            .map(|g| g.text.as_str())
            .collect::<String>(),
    )
}

fn refused(name: &str, chapters: &[(&str, String)], expected: &[&str]) {
    let dir = write(name, "", chapters);
    let run = inkstone(&dir, &["build", "book"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{name}: {err}");
    assert_eq!(err.matches("error[").count(), 1, "{name}: one error: {err}");
    for part in expected {
        assert!(err.contains(part), "{name}: `{part}` not in {err}");
    }
}

fn hanzi(n: usize) -> String {
    "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏"
        .chars()
        .cycle()
        .take(n)
        .collect()
}

#[test]
fn a_lone_skin_tone_modifier() {
    let out = builds_cleanly("skin", "", &[("a.md", "正文🏿，🧑🏿。\n".into())]);
    // (colour glyphs are images where they stand in the text, each with its /ActualText)
    let text = pdf_text(&out);
    assert!(text.contains("正文") && text.contains("🧑🏿"), "{text}");
    assert_eq!(text.matches('🏿').count(), 2, "{text}");
}

#[test]
fn a_table_cell_taller_than_a_page() {
    let cell = hanzi(1200);
    let out = builds_cleanly(
        "tall-cell",
        "",
        &[("a.md", format!("| 头 |\n|---|\n| {cell} |\n"))],
    );
    assert!(
        pdf_text(&out).contains(&cell),
        "no character of the cell is lost"
    );
}

#[test]
fn a_header_cell_taller_than_a_page_and_a_wide_table() {
    let cell = hanzi(1500);
    let out = builds_cleanly(
        "tall-header",
        "",
        &[("a.md", format!("| {cell} | 乙 |\n|---|---|\n| 甲 | 乙 |\n"))],
    );
    // (the second column's cell stands beside the first slice of the first)
    assert!(pdf_text(&out).replace('乙', "").contains(&cell));
    let header: Vec<String> = (1..=17).map(|i| format!("列{i}")).collect();
    let table = format!(
        "| {} |\n|{}\n| {} |\n",
        header.join(" | "),
        "---|".repeat(17),
        header.join(" | ")
    );
    builds_cleanly(
        "wide-table",
        "[pdf]\npage_size = \"A4\"\n",
        &[("a.md", table)],
    );
}

#[test]
fn unclosed_tags_in_a_table_and_a_list() {
    let out = builds_cleanly(
        "open-tags",
        "",
        &[(
            "a.md",
            "| 甲 | 乙 |\n|---|---|\n| x<b> | y[^1] |\n\n2. <sup>text\n\n[^1]: 注。\n".into(),
        )],
    );
    let text = pdf_text(&out);
    assert!(text.contains("甲乙x") && text.contains("text"), "{text}");
    assert_eq!(epub_validate(&out.join("book.epub")), CLEAN_EPUB);
}

#[test]
fn an_empty_heading_and_an_empty_chapter() {
    // chapters without text are left out (W0311): beside a chapter with text they
    // build; alone they are a book without text, refused with one clear error
    let out = builds_cleanly(
        "empty",
        "",
        &[
            ("a.md", "#\n".into()),
            ("b.md", String::new()),
            ("c.md", "正文。\n".into()),
        ],
    );
    assert_eq!(pdf_text(&out), "正文。");
    refused(
        "empty-alone",
        &[("a.md", "#\n".into()), ("b.md", String::new())],
        &[
            "error[E0203]: no chapter has any text",
            "help: write at least one chapter",
        ],
    );
}

#[test]
fn a_heading_longer_than_a_page() {
    let text = hanzi(3000);
    let out = builds_cleanly(
        "long-heading",
        "",
        &[("a.md", format!("# {text}\n\n正文在后。\n"))],
    );
    let got = pdf_text(&out);
    assert!(got.contains(&text) && got.contains("正文在后。"));
}

#[test]
fn cr_line_endings() {
    let out = builds_cleanly(
        "cr",
        "",
        &[("a.md", "# 标题\r\r第一段。\r\r- 列表\r".into())],
    );
    let files = epub_files(&out.join("book.epub"));
    let chapter = String::from_utf8_lossy(&files["OEBPS/ch001.xhtml"]).into_owned();
    assert!(
        chapter.contains("<h1") && chapter.contains("<p>第一段。</p>") && chapter.contains("<li>"),
        "{chapter}"
    );
}

#[test]
fn runs_of_dashes_ellipses_and_stops() {
    let text = format!(
        "正文{}\n\n正文{}\n\n句号{}\n",
        "——".repeat(60),
        "…".repeat(120),
        "。".repeat(80)
    );
    builds_cleanly("dashes", "", &[("a.md", text)]);
}

#[test]
fn lists_and_quotes_nested_deep() {
    let list: String = (0..22)
        .map(|i| format!("{}1. 第{i}层\n", "   ".repeat(i)))
        .collect();
    let quotes = format!(
        "{}{}",
        "> ".repeat(6),
        (0..10)
            .map(|i| format!("{}1. 深{i}\n", "   ".repeat(i)))
            .collect::<String>()
            .replace('\n', &format!("\n{}", "> ".repeat(6)))
    );
    let out = builds_cleanly(
        "deep",
        "",
        &[("a.md", format!("{list}\n正文\n\n{quotes}\n"))],
    );
    let text = pdf_text(&out);
    for i in 0..16 {
        assert!(text.contains(&format!("第{i}层")), "item {i} lost: {text}");
    }
    assert!(text.contains("深9"), "{text}");
}

#[test]
fn a_footnote_defined_twice() {
    refused(
        "note-twice",
        &[("a.md", "甲[^1]。\n\n[^1]: 一\n\n[^1]: 二\n".into())],
        &[
            "error[E0303]: footnote [^1] is defined twice",
            "--> book/a.md:5:1",
        ],
    );
}

#[test]
fn a_heading_with_a_character_xml_forbids() {
    let out = builds_cleanly(
        "fffe",
        "",
        &[("a.md", "# 标\u{FFFE}题\n\n正文。\n\n## 节\u{FFFF}\n".into())],
    );
    assert_eq!(epub_validate(&out.join("book.epub")), CLEAN_EPUB);
}

#[test]
fn a_title_with_markup_characters() {
    let dir = scratch("title-chars");
    write_book(
        &dir.join("book"),
        &[
            (
                "book.toml",
                "[book]\ntitle = \"a & b < c > d\"\n".as_bytes(),
            ),
            ("a.md", "# 一\n\n甲。\n".as_bytes()),
            ("b.md", "# 二\n\n乙。\n".as_bytes()),
        ],
    );
    let run = inkstone(&dir, &["build", "book"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let read = proof::read(&dir.join("out/book.pdf"));
    let first: String = read
        .glyphs
        .iter()
        .filter(|g| g.page == 0)
        .map(|g| g.text.as_str())
        .collect();
    assert!(first.contains("a & b < c > d"), "{first}");
}

#[test]
fn an_image_with_no_path() {
    refused(
        "no-path",
        &[("a.md", "正文\n\n![x]()\n".into())],
        &["error[E0304]: the image has no path", "--> book/a.md:3:1"],
    );
}

#[test]
fn a_table_of_thirty_columns_on_a_small_page() {
    let cells: Vec<String> = (0..30).map(|i| hanzi(3 + i % 5)).collect();
    let row = format!("| {} |\n", cells.join(" | "));
    let table = format!("{row}|{}\n{row}{row}", "---|".repeat(30));
    let out = builds_cleanly("thirty-columns", "", &[("a.md", table)]);
    // every column holds a character: no glyph runs into its neighbour's
    let read = proof::read(&out.join("book.pdf"));
    for line in proof::lines(&read.glyphs, false) {
        for pair in line.glyphs.windows(2) {
            assert!(
                pair[1].x >= pair[0].x1 - 0.05,
                "`{}` and `{}` overlap on page {}",
                pair[0].text,
                pair[1].text,
                line.page + 1
            );
        }
    }
    assert!(pdf_text(&out).contains(&cells[29]));
    // in the EPUB the table scrolls in its box, which a keyboard can reach (Ace)
    assert_eq!(epub_validate(&out.join("book.epub")), CLEAN_EPUB);
    // the smaller type is named, with the table's file and line, by a build and by a
    // check with or without typesetting
    let dir = out.parent().unwrap();
    let build = inkstone(dir, &["build", "book"]);
    for run in [
        &build,
        &inkstone(dir, &["check", "book"]),
        &inkstone(dir, &["check", "book", "--typeset"]),
    ] {
        let err = stderr(run);
        assert!(
            err.contains("warning[W0601]: the table has 30 columns, too many for the page in")
                && err.contains("--> book/a.md:1:1"),
            "{err}"
        );
    }
}

#[test]
fn a_ruby_after_a_word_joiner() {
    let text =
        "段落\u{FEFF}<ruby>漢<rt>hàn</rt></ruby>字，27409\u{2060}<ruby>Zq<rt>zhù</rt></ruby>。\n";
    let out = builds_cleanly("ruby-joiner", "", &[("a.md", text.into())]);
    let pdf = pdf_text(&out);
    assert!(pdf.contains("段落漢") && pdf.contains("27409Zq"), "{pdf}");
}

#[test]
fn colour_glyphs_stand_in_the_reading_order() {
    let out = builds_cleanly("emoji-order", "", &[("a.md", "甲🎉乙，丙👍丁。\n".into())]);
    let pdf = out.join("book.pdf");
    let read = proof::read(&pdf);
    let (_, tree) = structure::read(&pdf);
    let text = squeeze(&tree.text(&structure::text_by_mcid(&read.glyphs)));
    assert!(text.contains("甲🎉乙，丙👍丁。"), "{text}");
}

#[test]
fn a_title_longer_than_the_title_page() {
    let title = hanzi(120);
    let dir = scratch("long-title");
    let toml = format!("[book]\ntitle = \"{title}\"\n[pdf]\npage_size = [70, 90]\n");
    write_book(
        &dir.join("book"),
        &[
            ("book.toml", toml.as_bytes()),
            ("a.md", "# 一\n\n正文。\n".as_bytes()),
            ("b.md", "# 二\n\n正文。\n".as_bytes()),
        ],
    );
    let (run, _) = build_measured(&dir);
    assert!(run.status.success(), "{}", stderr(&run));
    let read = proof::read(&dir.join("out/book.pdf"));
    for g in &read.glyphs {
        let (w, h) = read.sizes[g.page];
        assert!(
            g.x >= 0.0 && g.x1 <= w && g.y <= h,
            "`{}` outside the page",
            g.text
        );
    }
    assert!(pdf_text(&dir.join("out")).contains(&title));
}
