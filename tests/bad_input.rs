//! Bad input: one clear diagnostic (its code, the file, line and column, what is wrong
//! and what to do), a non-zero exit, no panic, and no partial or changed output.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const GOOD_TOML: &[u8] = "[book]\ntitle = \"书\"\nauthors = [\"甲\"]\n".as_bytes();
const GOOD_CHAPTER: &[u8] = "# 第一章\n\n正文。\n".as_bytes();

/// Builds a good book into `out`, breaks it with `break_it`, builds again and checks
/// the failure: one diagnostic of `code` holding each of `expected`, the exit status,
/// and the earlier EPUB untouched.
fn fails_cleanly(name: &str, break_it: impl FnOnce(&Path), code: &str, expected: &[&str]) {
    let dir = scratch(name);
    let book = dir.join("book");
    fs::create_dir_all(&book).unwrap();
    write_book(&book, &[("book.toml", GOOD_TOML), ("a.md", GOOD_CHAPTER)]);
    let first = inkstone(&dir, &["build", "book", "--format", "epub"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let epub = dir.join("out/book.epub");
    let before = fs::read(&epub).unwrap();

    break_it(&book);
    let run = inkstone(&dir, &["build", "book", "--format", "epub"]);
    let err = stderr(&run);
    assert!(!run.status.success(), "{name}: the build should fail");
    assert_eq!(run.status.code(), Some(1), "{name}: exit status");
    assert!(!err.contains("panicked"), "{name}: panic: {err}");
    assert_eq!(err.matches("error[").count(), 1, "{name}: one error: {err}");
    assert!(
        err.starts_with(&format!("error[{code}]: ")),
        "{name}: {err}"
    );
    assert!(err.contains("help: "), "{name}: what to do: {err}");
    for part in expected {
        assert!(err.contains(part), "{name}: `{part}` not in: {err}");
    }
    assert_eq!(
        fs::read(&epub).unwrap(),
        before,
        "{name}: the earlier EPUB changed"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.join("out")).unwrap().flatten().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "{name}: stray files in out/: {leftovers:?}"
    );
}

#[test]
fn no_book_toml() {
    fails_cleanly(
        "bad-no-toml",
        |b| fs::remove_file(b.join("book.toml")).unwrap(),
        "E0002",
        &["not found", "in book/book.toml", "help: create it"],
    );
}

#[test]
fn a_book_without_any_text_fails_cleanly() {
    fails_cleanly(
        "no-text",
        |b| fs::write(b.join("a.md"), "<!-- 待写 -->\n").unwrap(),
        "E0203",
        &[
            "no chapter has any text",
            "book/book.toml",
            "help: write at least one",
        ],
    );
}

#[test]
fn toml_syntax_error() {
    fails_cleanly(
        "bad-syntax",
        |b| fs::write(b.join("book.toml"), "[book]\ntitle = \"书\nauthors = []\n").unwrap(),
        "E0101",
        &["--> book/book.toml:2:", "TOML syntax error"],
    );
}

#[test]
fn unknown_key_suggests_the_nearest() {
    fails_cleanly(
        "bad-key",
        |b| {
            fs::write(
                b.join("book.toml"),
                "[book]\ntitle = \"书\"\nautor = [\"甲\"]\n",
            )
            .unwrap()
        },
        "E0102",
        &[
            "--> book/book.toml:3:1",
            "3 | autor",
            "unknown key `autor`",
            "help: did you mean `authors`?",
        ],
    );
}

#[test]
fn missing_chapter_file() {
    fails_cleanly(
        "bad-missing-chapter",
        |b| {
            fs::write(
                b.join("book.toml"),
                "[book]\ntitle = \"书\"\nchapters = [\"a.md\",\n  \"b.md\"]\n",
            )
            .unwrap()
        },
        "E0201",
        &[
            "--> book/book.toml:4:",
            "chapter file `book/b.md` not found",
        ],
    );
}

#[test]
fn chapter_not_utf8() {
    fails_cleanly(
        "bad-encoding",
        |b| {
            // "正文" in GBK on line 3
            fs::write(b.join("a.md"), b"# ok\n\n\xd5\xfd\xce\xc4\n").unwrap()
        },
        "E0003",
        &["book/a.md:3", "not valid UTF-8", "save the file as UTF-8"],
    );
}

/// A `book.toml` naming `cover.png` as the cover.
const COVER_TOML: &str = "[book]\ntitle = \"书\"\ncover = \"cover.png\"\n";

/// Makes book `b` name `cover.png` as its cover and gives that file `image`.
fn with_cover(b: &Path, image: &[u8]) {
    fs::write(b.join("book.toml"), COVER_TOML).unwrap();
    fs::write(b.join("cover.png"), image).unwrap();
}

#[test]
fn missing_cover() {
    fails_cleanly(
        "bad-cover-missing",
        |b| fs::write(b.join("book.toml"), COVER_TOML).unwrap(),
        "E0201",
        &[
            "--> book/book.toml:3:",
            "cover image `book/cover.png` not found",
        ],
    );
}

#[test]
fn unreadable_cover() {
    fails_cleanly(
        "bad-cover-garbage",
        |b| {
            with_cover(b, b"this is not an image");
        },
        "E0401",
        &["book/cover.png", "not a PNG, JPEG or WebP image"],
    );
}

#[test]
fn a_chapter_error_comes_before_a_broken_cover() {
    // the cover is made while the chapters are read: the reading's error still wins
    fails_cleanly(
        "bad-chapter-and-cover",
        |b| {
            with_cover(b, b"this is not an image");
            fs::write(b.join("a.md"), "# 第一章\n\n![图](missing.png)\n").unwrap();
        },
        "E0201",
        &["book/a.md:3", "missing.png"],
    );
}

#[test]
fn truncated_cover() {
    fails_cleanly(
        "bad-cover-truncated",
        |b| {
            with_cover(b, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0");
        },
        "E0402",
        &["book/cover.png", "cannot decode the cover image"],
    );
}

#[test]
fn cover_outside_the_book_folder() {
    fails_cleanly(
        "bad-cover-outside",
        |b| {
            fs::write(b.parent().unwrap().join("secret.png"), b"x").unwrap();
            fs::write(
                b.join("book.toml"),
                "[book]\ntitle = \"书\"\ncover = \"../secret.png\"\n",
            )
            .unwrap();
        },
        "E0202",
        &["--> book/book.toml:3:", "outside the book folder"],
    );
}

#[test]
fn absolute_chapter_path_is_outside_the_book_folder() {
    fails_cleanly(
        "bad-chapter-absolute",
        |b| {
            fs::write(
                b.join("book.toml"),
                "[book]\ntitle = \"书\"\nchapters = [\"/etc/hostname\"]\n",
            )
            .unwrap()
        },
        "E0202",
        &["--> book/book.toml:3:", "outside the book folder"],
    );
}

#[test]
fn missing_book_folder() {
    let dir = scratch("bad-no-folder");
    let run = inkstone(&dir, &["build", "nowhere"]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(err.starts_with("error[E0001]: no such folder"), "{err}");
    assert!(err.contains("in nowhere"), "{err}");
    assert!(
        err.contains("help: pass the folder that holds book.toml (e.g. `inkstone build book`)"),
        "{err}"
    );
}

#[test]
fn a_good_cover_image_is_scaled_and_reencoded() {
    let dir = scratch("good-cover");
    let book = dir.join("book");
    let mut png = Vec::new();
    image::RgbaImage::from_pixel(3200, 1000, image::Rgba([200, 30, 30, 255]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    write_book(
        &book,
        &[
            (
                "book.toml",
                "[book]\ntitle = \"书\"\ncover = \"art/cover.png\"\n".as_bytes(),
            ),
            ("a.md", GOOD_CHAPTER),
            ("art/cover.png", &png),
        ],
    );
    let run = inkstone(&dir, &["build", "book"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let files = epub_files(&dir.join("out/book.epub"));
    let cover = image::load_from_memory(&files["OEBPS/cover.jpg"]).unwrap();
    assert_eq!((cover.width(), cover.height()), (1600, 500));
    assert_eq!(
        image::guess_format(&files["OEBPS/cover.jpg"]).unwrap(),
        image::ImageFormat::Jpeg
    );
}

#[test]
fn a_character_no_bundled_font_has_is_named_with_file_and_line() {
    let dir = scratch("missing-glyph");
    // 𠀀 (U+20000, CJK Extension B) is outside GBK, so no bundled face has it
    write_book(
        &dir.join("book"),
        &[
            ("book.toml", GOOD_TOML),
            ("a.md", "# 第一章\n\n正文。\n\n罕见字𠀀在此。\n".as_bytes()),
        ],
    );
    let run = inkstone(&dir, &["build", "book"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.starts_with("warning[W0501]: no bundled"), "{err}");
    assert!(err.contains("--> book/a.md:5:4"), "{err}");
    assert!(err.contains("𠀀 (U+20000)"), "{err}");
    assert!(
        err.contains("using the installed font") || err.contains("install a font that has it"),
        "{err}"
    );
    assert!(dir.join("out/book.epub").exists() && dir.join("out/book.pdf").exists());
}

#[test]
fn an_installed_font_fills_in_for_a_missing_character() {
    // .ci/run installs fonts-noto-cjk, whose full faces have 㐀 (U+3400, Extension A),
    // which the bundled GBK subsets lack
    let dir = scratch("fallback-glyph");
    write_book(
        &dir.join("book"),
        &[
            ("book.toml", GOOD_TOML),
            ("a.md", "# 第一章\n\n罕见字㐀在此。\n".as_bytes()),
        ],
    );
    let run = inkstone(&dir, &["build", "book"]);
    assert!(run.status.success(), "{}", stderr(&run));
    // a character some font on the machine has is no reason to warn (issue 7)
    assert_eq!(stderr(&run), "");
    let files = epub_files(&dir.join("out/book.epub"));
    let fallback = ttf_parser::Face::parse(&files["OEBPS/fonts/fallback-1.otf"], 0).unwrap();
    assert!(fallback.glyph_index('㐀').is_some());
    let fonts = std::process::Command::new("pdffonts")
        .arg(dir.join("out/book.pdf"))
        .output()
        .unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    // the bundled serif (text) and sans (title), and the installed serif for 㐀
    assert_eq!(
        fonts.lines().filter(|l| l.contains("NotoSerifCJK")).count(),
        2,
        "the PDF embeds the installed face beside the bundled one: {fonts}"
    );
}

#[test]
fn an_empty_chapter_is_left_out_of_both_editions() {
    let dir = scratch("empty-chapter");
    let chapter_a = "# 第一章\n\n正文，见[下一章](b.md)与[第三章](c.md)。\n";
    let toml = |chapters: &str| format!("[book]\ntitle = \"书\"\nchapters = [{chapters}]\n");
    let both = toml("\"a.md\", \"b.md\", \"c.md\"");
    write_book(
        &dir.join("book"),
        &[
            ("book.toml", both.as_bytes()),
            ("a.md", chapter_a.as_bytes()),
            ("b.md", b"\n\n"),
            ("c.md", "# 第三章\n\n正文。\n".as_bytes()),
        ],
    );
    let run = inkstone(&dir, &["build", "book"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("warning[W0311]: the chapter has no text; it was left out of the book"),
        "{err}"
    );
    assert!(err.contains("in book/b.md"), "{err}");
    assert!(
        err.contains("warning[W0307]: `b.md` has no text and was left out")
            && err.contains("--> book/a.md:3:"),
        "{err}"
    );
    let files = epub_files(&dir.join("out/book.epub"));
    let pages: Vec<&String> = files.keys().filter(|k| k.contains("/ch0")).collect();
    assert_eq!(pages, ["OEBPS/ch001.xhtml", "OEBPS/ch002.xhtml"]);
    let first = epub_text_file(&files, "OEBPS/ch001.xhtml");
    assert!(
        first.contains("<a href=\"ch002.xhtml\">第三章</a>"),
        "{first}"
    );
    assert!(
        !first.contains("b.md") && first.contains("见下一章与"),
        "{first}"
    );
    assert!(body_text(&epub_text_file(&files, "OEBPS/ch002.xhtml")).contains("第三章"));

    // the PDF has the pages of the book without the empty chapter, no blank one
    let without = scratch("empty-chapter-left-out");
    let listed = toml("\"a.md\", \"c.md\"");
    write_book(
        &without.join("book"),
        &[
            ("book.toml", listed.as_bytes()),
            ("a.md", chapter_a.as_bytes()),
            ("c.md", "# 第三章\n\n正文。\n".as_bytes()),
        ],
    );
    let run = inkstone(&without, &["build", "book"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        pdf_pages(&dir.join("out/book.pdf")),
        pdf_pages(&without.join("out/book.pdf"))
    );
}
