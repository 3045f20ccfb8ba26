//! Hostile input: whatever the source holds, the EPUB holds no script, no event handler
//! and no markup that is not well-formed XHTML; dangerous files are refused with a clear
//! error, never a crash.

mod common;

use std::fs;
use std::process::Command;

use common::*;

#[test]
fn hostile_markup_builds_into_valid_inert_xhtml() {
    let out = scratch("hostile-build");
    let run = inkstone(
        &root(),
        &["build", "tests/books/hostile", "-o", out.to_str().unwrap()],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let warnings = stderr(&run);
    assert!(!warnings.contains("panicked"));
    for expected in [
        "warning[W0305]: <script> was dropped with its content\n --> tests/books/hostile/a.md:3:1",
        "warning[W0308]: control characters were dropped\n  --> tests/books/hostile/a.md:13:",
        "a link to `javascript:alert(1)` was dropped",
        "HTML tag <iframe> is not supported",
    ] {
        assert!(
            warnings.contains(expected),
            "missing warning `{expected}` in:\n{warnings}"
        );
    }
    let files = epub_files(&out.join("hostile.epub"));
    for (name, data) in &files {
        if !(name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx")) {
            continue;
        }
        let text = String::from_utf8(data.clone()).expect("UTF-8");
        let lower = text.to_lowercase();
        for bad in [
            "<script",
            "onclick",
            "onerror",
            "onload",
            "onmouseover",
            "javascript:",
            "<iframe",
            "<style",
            "<![cdata[",
        ] {
            assert!(!lower.contains(bad), "{name} contains {bad}");
        }
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
            "{name} holds a control character"
        );
    }
    let chapter = body_text(&epub_text_file(&files, "OEBPS/ch001.xhtml"));
    assert!(
        chapter.contains("]]>"),
        "text that looks like markup stays text"
    );
    assert!(chapter.contains("<script>alert(\"代码块里的脚本只是文字\")</script>"));
    let qpdf = Command::new("qpdf")
        .arg("--check")
        .arg(out.join("hostile.pdf"))
        .output()
        .unwrap();
    assert!(qpdf.status.success());
    assert_eq!(epub_validate(&out.join("hostile.epub")), CLEAN_EPUB);
}

/// A PNG whose header claims `width` × `height` pixels (a decompression bomb: a few
/// bytes that would decode into gigabytes).
fn bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let _ = encoder.write_header().map(std::mem::forget);
    }
    out.extend([0, 0, 0, 0]);
    out.extend(b"IDAT");
    out.extend([0x35, 0xAF, 0x06, 0x1E]);
    out.extend([0, 0, 0, 0]);
    out.extend(b"IEND");
    out.extend([0xAE, 0x42, 0x60, 0x82]);
    out
}

/// Builds a good book, then breaks it, checking the second build's failure.
fn refused(name: &str, chapter: &str, extra: &[(&str, Vec<u8>)], expected: &[&str]) {
    let dir = scratch(name);
    let book = dir.join("book");
    write_book(
        &book,
        &[
            ("book.toml", b"[book]\ntitle = \"\xe4\xb9\xa6\"\n"),
            ("a.md", "# 章\n\n正文。\n".as_bytes()),
        ],
    );
    let first = inkstone(&dir, &["build", "book"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = fs::read(dir.join("out/book.pdf")).unwrap();
    for (path, data) in extra {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, data).unwrap();
    }
    fs::write(book.join("a.md"), chapter).unwrap();
    let run = inkstone(&dir, &["build", "book"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.matches("error[").count(), 1, "one error: {err}");
    for part in expected {
        assert!(err.contains(part), "`{part}` not in: {err}");
    }
    assert_eq!(
        fs::read(dir.join("out/book.pdf")).unwrap(),
        before,
        "the earlier PDF changed"
    );
}

#[test]
fn an_image_outside_the_book_folder_is_refused() {
    refused(
        "hostile-outside",
        "# 章\n\n正文。\n\n![秘密](../secret.png)\n",
        &[("secret.png", bomb(1, 1))],
        &[
            "error[E0202]: image `../secret.png` is outside the book folder",
            "--> book/a.md:5:1",
        ],
    );
}

#[test]
fn a_decompression_bomb_is_refused() {
    refused(
        "hostile-bomb",
        "# 章\n\n![炸弹](bomb.png)\n",
        &[("book/bomb.png", bomb(30_000, 30_000))],
        &[
            "error[E0403]: `book/bomb.png` is 30000 × 30000 pixels, too large to decode safely",
            "--> book/a.md:3:1",
        ],
    );
}

#[test]
fn a_missing_image_names_its_line() {
    refused(
        "hostile-missing-image",
        "# 章\n\n正文。\n\n\n![无](nowhere.png)\n",
        &[],
        &[
            "error[E0201]: image `book/nowhere.png` not found",
            "--> book/a.md:6:1",
        ],
    );
}
