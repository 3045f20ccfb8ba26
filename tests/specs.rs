//! The 1,008 examples of the Markdown specifications (issue 7): all 652 of CommonMark 0.31.2,
//! cmark-gfm's extension examples and pulldown-cmark's footnote, table, strikethrough,
//! heading-attribute and regression examples (tests/fixtures/specs), each a chapter of
//! one book, as a user would write them.
//!
//! * `inkstone check` refuses only what the book cannot hold: images outside the book
//!   or missing, each at its example's line, heading ids that XML does not allow or
//!   that an earlier example took;
//!   with the missing pictures made (as the author would) and the refused examples left
//!   out, the book builds;
//! * the EPUB passes EPUBCheck (and Ace, on a book of every 16th example: Ace takes a
//!   second and a half per chapter), the PDF `qpdf --check`, no glyph leaves the page;
//! * every word of each example's reference HTML is in its chapter, in order, in the
//!   EPUB and in the PDF's structure tree (what a screen reader reads), but for the
//!   few in [`DIFFERENT`] and footnotes never cited (left out, with a warning).

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::structure::{Elem, Kid};
use common::*;

/// One example: where it comes from, its Markdown and the reference HTML.
struct Example {
    origin: String,
    markdown: String,
    html: String,
}

/// The spec files, in the book's order.
const SPECS: [&str; 7] = [
    "commonmark-0.31.2.txt",
    "gfm-extensions.txt",
    "pulldown-footnotes.txt",
    "pulldown-table.txt",
    "pulldown-strikethrough.txt",
    "pulldown-heading_attrs.txt",
    "pulldown-regression.txt",
];

/// How many structure sections an example's words are looked for in, from the one
/// after the last example's.
const LOOK_AHEAD: usize = 12;

/// Examples whose text rightly differs from the reference HTML's, and why.
const DIFFERENT: [(&str, &str); 3] = [
    (
        "commonmark-0.31.2.txt:9045",
        "raw HTML with `>` inside an attribute: the words are the test's naive tag reader's",
    ),
    (
        "gfm-extensions.txt:605",
        "GFM's tag filter shows `<xmp>` as text; inkstone drops tags it does not support",
    ),
    (
        "pulldown-regression.txt:2844",
        "pulldown-cmark issue 1099, fixed after the 0.13.6 release inkstone uses",
    ),
];

const FENCE: &str = "````````````````````````````````";

/// The examples of a spec file.
fn examples(name: &str) -> Vec<Example> {
    let text = fs::read_to_string(fixture(&format!("specs/{name}"))).unwrap();
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if !(line.starts_with(FENCE) && line.contains("example")) {
            continue;
        }
        let (mut markdown, mut html, mut in_html) = (String::new(), String::new(), false);
        for (_, line) in lines.by_ref() {
            if line.starts_with(FENCE) {
                break;
            }
            if line == "." && !in_html {
                in_html = true;
                continue;
            }
            let part = if in_html { &mut html } else { &mut markdown };
            part.push_str(&line.replace('→', "\t"));
            part.push('\n');
        }
        out.push(Example {
            origin: format!("{name}:{}", n + 1),
            markdown,
            html,
        });
    }
    out
}

/// The words of a piece of HTML as a browser shows it: no tags, comments, processing
/// instructions or script and style content; entities decoded.
fn words(html: &str) -> Vec<String> {
    let mut text = html.to_string();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<!--", "-->"),
        ("<?", "?>"),
        ("<![CDATA[", "]]>"),
    ] {
        while let Some(start) = text.find(open) {
            let end = text[start..]
                .find(close)
                .map_or(text.len(), |e| start + e + close.len());
            text.replace_range(start..end, " ");
        }
    }
    let mut shown = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                shown.push(' ');
            }
            c if !in_tag => shown.push(c),
            _ => {}
        }
    }
    decode(&shown)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The four entities the reference renderer writes, and numeric ones.
fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e < 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text as it is searched: no whitespace, soft hyphens or hyphens (the PDF breaks
/// words at a line's end with one).
fn searchable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{AD}' && *c != '-')
        .collect()
}

/// The first of `words` not found in order in `text` (made [`searchable`]).
fn first_missing<'w>(words: &'w [String], text: &str) -> Option<&'w str> {
    let mut at = 0;
    for word in words {
        let bare: String = word.chars().filter(|c| *c != '-').collect();
        match text[at..].find(&bare) {
            Some(k) => at += k + bare.len(),
            None => return Some(word),
        }
    }
    None
}

/// The first of `expected` not in `text`: in order, or (for an example with notes,
/// which each renderer places its own way) anywhere.
fn missing_word<'w>(expected: &'w [String], notes: bool, text: &str) -> Option<&'w str> {
    if notes {
        expected
            .iter()
            .find(|w| !text.contains(w.as_str()))
            .map(String::as_str)
    } else {
        first_missing(expected, text)
    }
}

/// One finding of `check --message-format json`.
#[derive(Debug)]
struct Finding {
    file: String,
    code: String,
    line: u64,
    message: String,
}

fn check(dir: &Path) -> Vec<Finding> {
    let run = inkstone(dir, &["check", "book", "--message-format", "json"]);
    String::from_utf8_lossy(&run.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON object a line");
            Finding {
                file: v["file"].as_str().unwrap_or_default().to_string(),
                code: v["code"].as_str().unwrap_or_default().to_string(),
                line: v["line"].as_u64().unwrap_or(0),
                message: v["message"].as_str().unwrap_or_default().to_string(),
            }
        })
        .filter(|f| f.code.starts_with('E'))
        .collect()
}

/// The chapter file of example `i`.
fn chapter_name(i: usize) -> String {
    format!("{:04}.md", i + 1)
}

/// The index of the example a chapter file holds.
fn example_of(file: &str) -> Option<usize> {
    let stem = Path::new(file).file_stem()?.to_str()?;
    stem.parse::<usize>().ok().map(|n| n - 1)
}

/// A small picture for an image path an example refers to.
fn picture(path: &Path) {
    let img = image::RgbImage::from_pixel(40, 30, image::Rgb([90, 120, 160]));
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("jpg" | "jpeg") => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::Png,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    img.save_with_format(path, format).unwrap();
}

/// The chapters' structure elements: the sections of the document after the front
/// matter's (the title page's and the contents').
fn chapter_sections(root: &Elem) -> Vec<&Elem> {
    let document = root
        .walk()
        .into_iter()
        .find(|e| e.role == "Document")
        .expect("a Document element");
    document
        .kids
        .iter()
        .filter_map(|k| match k {
            Kid::Elem(e) if e.role == "Sect" => Some(e),
            _ => None,
        })
        .filter(|s| !s.walk().iter().any(|e| e.role == "TOC"))
        .collect()
}

#[test]
fn every_spec_example_builds_into_both_outputs() {
    let all: Vec<Example> = SPECS.iter().flat_map(|s| examples(s)).collect();
    assert_eq!(all.len(), 652 + 28 + 26 + 29 + 16 + 45 + 212);
    let dir = scratch("specs");
    let book = dir.join("book");
    let toml = "[book]\ntitle = \"Markdown specification examples\"\nlanguage = \"en\"\n";
    let mut files: Vec<(String, Vec<u8>)> = vec![("book.toml".into(), toml.into())];
    for (i, e) in all.iter().enumerate() {
        files.push((chapter_name(i), e.markdown.clone().into_bytes()));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    write_book(&book, &refs);

    // 1. check: errors only for images, each in an example that shows one, and for
    // heading ids that are not XML ids or that an earlier example took already
    let findings = check(&dir);
    let mut outside = BTreeSet::new();
    let mut missing = BTreeSet::new();
    for f in &findings {
        let i = example_of(&f.file).unwrap_or_else(|| panic!("{f:?}"));
        let e = &all[i];
        assert!(f.line >= 1, "{}: {f:?}", e.origin);
        match f.code.as_str() {
            "E0201" => {
                assert!(e.html.contains("<img"), "{}: {f:?}", e.origin);
                let name = f.message.split('`').nth(1).unwrap_or_default();
                missing.insert(name.to_string());
            }
            "E0202" => {
                assert!(e.html.contains("<img"), "{}: {f:?}", e.origin);
                outside.insert(i);
            }
            "E0302" => {
                let id = f.message.split('`').nth(1).unwrap_or_default();
                let taken = format!("#{id}");
                assert!(
                    all[..i].iter().any(|p| p.markdown.contains(&taken)),
                    "{}: {f:?}",
                    e.origin
                );
                outside.insert(i);
            }
            "E0301" => {
                // an id XML does not allow (`{#1}`, `{#`code`}`)
                assert!(e.markdown.contains('{'), "{}: {f:?}", e.origin);
                outside.insert(i);
            }
            _ => panic!("{}: unexpected {f:?}", e.origin),
        }
    }
    // the author makes the missing pictures; pictures outside the book are left out
    for name in &missing {
        picture(&dir.join(name));
    }
    for &i in &outside {
        fs::remove_file(book.join(chapter_name(i))).unwrap();
    }
    assert!(outside.len() < 40, "{} examples refused", outside.len());

    // 2. the build
    let run = inkstone(&dir, &["build", "book", "--color", "never"]);
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    assert!(
        !err.contains("bug in inkstone") && !err.contains("panicked"),
        "{err}"
    );
    let epub = dir.join("out/book.epub");
    let pdf = dir.join("out/book.pdf");
    assert_eq!(epubcheck_only(&epub), CLEAN_EPUBCHECK);
    accessible_sample(&dir, 16);
    assert_qpdf_clean(&pdf);
    let read = proof::read(&pdf);
    for g in &read.glyphs {
        let (w, h) = read.sizes[g.page];
        assert!(
            g.x >= 0.0 && g.x1 <= w + 0.5 && g.y <= h,
            "`{}` outside page {}",
            g.text,
            g.page + 1
        );
    }

    // 3. every word of every example, in order, in both outputs; an example that shows
    // nothing (link definitions alone, a comment) is a chapter without text, left out
    // of the book with a warning, and its reference rendering has no word either
    let empty: BTreeSet<usize> = err
        .split("warning[W0311]")
        .skip(1)
        .filter_map(|w| w.split("note: in ").nth(1))
        .filter_map(|at| example_of(at.lines().next().unwrap_or_default()))
        .collect();
    // footnotes never cited from the text are left out of both outputs, each with a
    // warning
    let uncited: BTreeSet<usize> = err
        .split("warning[W0304]")
        .skip(1)
        .filter_map(|w| w.split("--> ").nth(1))
        .filter_map(|at| example_of(at.split(':').next().unwrap_or_default()))
        .collect();
    let different = |i: usize| DIFFERENT.iter().any(|(o, _)| all[i].origin.ends_with(o));
    let mut lost = Vec::new();
    for &i in empty
        .iter()
        .filter(|&&i| !uncited.contains(&i) && !different(i))
    {
        if let Some(w) = words(&all[i].html).first() {
            lost.push(format!(
                "{}: left out, but the reference shows `{w}`",
                all[i].origin
            ));
        }
    }
    let kept: Vec<usize> = (0..all.len())
        .filter(|i| !outside.contains(i) && !empty.contains(i))
        .collect();
    let files = epub_files(&epub);
    let (_, tree) = structure::read(&pdf);
    let by_mcid = structure::text_by_mcid(&read.glyphs);
    // (a chapter that shows no text, such as one of link definitions alone or a rule,
    // has no section in the structure tree; one of an empty list item has its label:
    // an example's words are looked for in the next few sections)
    let sections: Vec<String> = chapter_sections(&tree)
        .iter()
        .map(|s| searchable(&s.text(&by_mcid)))
        .collect();
    // characters no font has are boxes in the PDF (the build warned about each)
    let no_glyph: Vec<char> = err
        .lines()
        .filter_map(|l| l.strip_prefix("warning[W0501]: no bundled or installed font has "))
        .filter_map(|l| l.chars().next())
        .collect();
    let mut next = 0;
    for (k, &i) in kept.iter().enumerate() {
        if uncited.contains(&i) || different(i) {
            continue;
        }
        let mut expected = words(&all[i].html);
        // footnotes: numbered and placed by each renderer in its own way (the
        // reference puts definitions where they stand, numbers them by label)
        let notes = all[i].html.contains("footnote");
        if notes {
            expected.retain(|w| !w.chars().all(|c| c.is_ascii_digit()));
        }
        let missing = |text: &str| missing_word(&expected, notes, text);
        let xhtml = epub_text_file(&files, &format!("OEBPS/ch{:03}.xhtml", k + 1));
        if let Some(w) = missing(&searchable(&body_text(&xhtml))) {
            lost.push(format!("{}: `{w}` missing from the EPUB", all[i].origin));
        }
        expected.retain(|w| !w.chars().any(|c| no_glyph.contains(&c)));
        if expected.is_empty() {
            continue;
        }
        let missing = |text: &str| missing_word(&expected, notes, text);
        let found = (next..(next + LOOK_AHEAD).min(sections.len()))
            .find(|&s| missing(&sections[s]).is_none());
        match found {
            Some(s) => next = s + 1,
            None => {
                let w = missing(sections.get(next).map_or("", |s| s));
                let w = w.unwrap_or(&expected[0]);
                lost.push(format!("{}: `{w}` missing from the PDF", all[i].origin));
            }
        }
    }
    assert!(
        lost.is_empty(),
        "{} losses:\n{}",
        lost.len(),
        lost.join("\n")
    );
}

/// Ace on a book of every `n`-th chapter of the book in `dir` (Ace takes a second and
/// a half per chapter; the whole book would take half an hour).
fn accessible_sample(dir: &Path, n: usize) {
    let sample = dir.join("sample");
    let _ = fs::remove_dir_all(&sample);
    fs::create_dir_all(&sample).unwrap();
    let mut chapters: Vec<_> = fs::read_dir(dir.join("book"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    chapters.sort();
    let mut k = 0;
    for path in chapters {
        let name = path.file_name().unwrap();
        let is_chapter = path.extension().is_some_and(|e| e == "md");
        if is_chapter {
            k += 1;
            if k % n != 1 {
                continue;
            }
        }
        if path.is_file() {
            fs::copy(&path, sample.join(name)).unwrap();
        }
    }
    // the pictures the examples show, wherever they are
    copy_tree(&dir.join("book"), &sample);
    let out = dir.join("sample-out");
    let run = inkstone(dir, &["build", "sample", "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(epub_validate(&out.join("sample.epub")), CLEAN_EPUB);
}

/// Copies the files of `from` that are not chapters, folders included, into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target);
        } else if path.extension().is_none_or(|e| e != "md") {
            fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn the_word_reader_sees_what_a_browser_shows() {
    assert_eq!(
        words("<p>a &amp; b<!-- c --></p><script>d</script><img alt=\"e\"/>&#x41;&#66;"),
        ["a", "b", "AB"]
    );
    let w: Vec<String> = ["ab", "cd"].map(String::from).to_vec();
    assert_eq!(first_missing(&w, &searchable("x ab y c-d")), None);
    assert_eq!(first_missing(&w, &searchable("cd ab")), Some("cd"));
}
