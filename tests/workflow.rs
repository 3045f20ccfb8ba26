//! The author's workflow, verb by verb, as a user drives it: `init` then `build`,
//! `check` (human and JSON), `watch` through an edit and a broken edit, shell
//! completions, the man page, `--version`, colour and `--quiet`.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

#[test]
fn init_makes_a_book_that_builds_into_a_valid_epub_and_pdf() {
    let dir = scratch("init");
    let run = inkstone(
        &dir,
        &[
            "init",
            "新书",
            "--title",
            "我的 第一本书",
            "--author",
            "甲",
            "--author",
            "乙",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    for file in [
        "book.toml",
        "01-开篇.md",
        "images/placeholder.png",
        ".gitignore",
    ] {
        assert!(dir.join("新书").join(file).is_file(), "{file}");
    }
    let toml = fs::read_to_string(dir.join("新书/book.toml")).unwrap();
    assert!(toml.contains("title = \"我的 第一本书\""), "{toml}");
    assert!(toml.contains("authors = [\"甲\", \"乙\"]"), "{toml}");
    // every key of book.toml is there, explained in both languages
    for key in [
        "isbn",
        "series",
        "contributors",
        "page_size",
        "margins",
        "bleed",
        "image_ppi",
    ] {
        assert!(toml.contains(&format!("# {key}")), "{key} in {toml}");
    }
    let build = inkstone(&dir, &["build", "新书", "-o", "out"]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert_eq!(stderr(&build), "", "a new book builds without a warning");
    assert_eq!(epub_validate(&dir.join("out/新书.epub")), CLEAN_EPUB);
    // (the proof reader's paragraph checks assume prose: the first chapter is a sampler
    // of lists, quotes and code, so the checks that hold for any page are asked)
    let report = proof::proofread(&dir.join("out/新书.pdf"), None);
    assert!(report.line_start_violations.is_empty(), "{report:#?}");
    assert!(report.line_end_violations.is_empty(), "{report:#?}");
    assert!(report.ink_over_measure.is_empty(), "{report:#?}");
    assert_eq!(report.notdef_glyphs, 0, "{report:#?}");
    assert!(report.fonts_not_embedded.is_empty() && report.fonts_not_subset.is_empty());
    // the first chapter shows what inkstone supports: notes, emphasis, a table, a figure
    let chapter = body_text(&epub_text_file(
        &epub_files(&dir.join("out/新书.epub")),
        "OEBPS/ch001.xhtml",
    ));
    for shown in ["着重号", "脚注", "三线表", "占位图"] {
        assert!(chapter.contains(shown), "{shown} in {chapter}");
    }
    // a second init into the folder, now full, is refused
    let again = inkstone(&dir, &["init", "新书"]);
    assert_eq!(again.status.code(), Some(1));
    let err = stderr(&again);
    assert!(
        err.starts_with("error[E0005]: the folder exists and is not empty"),
        "{err}"
    );
    assert!(err.contains("help: choose another folder name"), "{err}");
}

/// A book with one of each problem `check` looks for.
fn problem_book(dir: &Path) {
    write_book(
        dir,
        &[
            (
                "book.toml",
                "[book]\ntitle = \"问题 样书\"\nauthors = [\"甲\"]\n\n[print]\nimage_ppi = 300\n"
                    .as_bytes(),
            ),
            (
                "01.md",
                "# 第一章\n\n正文引用了未定义的注释[^missing]。\n\n![缺图](images/nothing.png)\n\n### 跳级的标题\n\n见[不存在的小节](#nowhere)和[别的章](02.md)。\n\n#\n\n控制字符\u{1}在这里，还有没有字形的字\u{2A6DA}。\n\n![小图](images/seal.png)\n\n[^unused]: 没有被引用的注释。\n"
                    .as_bytes(),
            ),
            (
                "images/seal.png",
                &fs::read(root().join("tests/books/markdown/images/seal.png")).unwrap(),
            ),
        ],
    );
}

#[test]
fn check_lists_every_problem_once_with_its_line_and_column() {
    let dir = scratch("check");
    problem_book(&dir.join("book"));
    let run = inkstone(&dir, &["check", "book", "--message-format", "json"]);
    assert_eq!(run.status.code(), Some(1), "an error was found");
    let stdout = String::from_utf8(run.stdout).unwrap();
    let findings: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let expected = [
        ("W0303", "warning", 3, 12, "undefined-footnote"),
        ("E0201", "error", 5, 1, "missing-file"),
        ("W0302", "warning", 7, 1, "skipped-heading-level"),
        ("W0307", "warning", 9, 11, "broken-link"),
        ("W0307", "warning", 9, 21, "broken-link"),
        ("W0301", "warning", 11, 1, "empty-heading"),
        ("W0308", "warning", 13, 5, "dropped-characters"),
        ("W0501", "warning", 13, 18, "missing-glyph"),
        ("W0401", "warning", 15, 1, "low-resolution"),
        ("W0304", "warning", 17, 1, "unused-footnote"),
    ];
    let got: Vec<(String, String, u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64, u64, String)> = expected
        .iter()
        .map(|&(c, s, l, col, n)| (c.into(), s.into(), l, col, n.into()))
        .collect();
    assert_eq!(got, want, "{stdout}");
    for f in &findings {
        assert_eq!(f["file"], "book/01.md", "{f}");
        assert!(!f["message"].as_str().unwrap().is_empty(), "{f}");
        assert!(
            !f["hint"].as_str().unwrap().is_empty(),
            "every finding says what to do: {f}"
        );
    }
    assert!(
        findings[1]["message"]
            .as_str()
            .unwrap()
            .contains("nothing.png"),
        "{}",
        findings[1]
    );
    // check writes nothing
    assert!(!dir.join("out").exists());

    // for people: each finding with its source line and a marker under the problem
    let human = inkstone(&dir, &["check", "book"]);
    let err = stderr(&human);
    assert!(err.contains("error[E0201]: image `book/images/nothing.png` not found\n --> book/01.md:5:1\n  |\n5 | ![缺图](images/nothing.png)\n  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^ missing-file"), "{err}");
    assert!(
        err.trim_end().ends_with("book: 1 error, 9 warnings"),
        "{err}"
    );
}

#[test]
fn check_passes_a_clean_book_and_strict_fails_on_warnings() {
    let dir = scratch("check-clean");
    write_book(
        &dir.join("book"),
        &[
            ("book.toml", "[book]\ntitle = \"书\"\n".as_bytes()),
            ("a.md", "# 章\n\n正文。\n".as_bytes()),
        ],
    );
    let run = inkstone(&dir, &["check", "book"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stderr(&run).trim(), "book: 0 errors, 0 warnings");
    fs::write(dir.join("book/a.md"), "# 章\n\n#\n\n正文。\n").unwrap();
    assert!(
        inkstone(&dir, &["check", "book"]).status.success(),
        "warnings pass"
    );
    let strict = inkstone(&dir, &["check", "book", "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "--strict fails on a warning");
    // a broken book.toml: every unknown key at once
    fs::write(
        dir.join("book/book.toml"),
        "[book]\ntitle = \"书\"\nautor = [\"甲\"]\nlanguge = \"zh\"\n",
    )
    .unwrap();
    let run = inkstone(&dir, &["check", "book", "--message-format", "json"]);
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0]["code"], "E0102");
    assert_eq!(
        (lines[0]["line"].as_u64(), lines[0]["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(lines[0]["hint"], "did you mean `authors`?");
    assert_eq!(lines[1]["line"], 4);
    assert_eq!(lines[1]["hint"], "did you mean `language`?");
}

/// Lines a child process writes on stderr, as they come.
fn lines_of(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line containing `what`, at most `limit`; returns the lines read.
fn wait_for(
    rx: &mpsc::Receiver<String>,
    what: &str,
    limit: Duration,
) -> Result<Vec<String>, Vec<String>> {
    let end = Instant::now() + limit;
    let mut seen = Vec::new();
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(what);
                seen.push(line);
                if found {
                    return Ok(seen);
                }
            }
            Err(_) => break,
        }
    }
    Err(seen)
}

#[test]
fn watch_rebuilds_on_a_change_and_survives_a_broken_edit() {
    let dir = scratch("watch");
    write_book(
        &dir.join("book"),
        &[
            ("book.toml", "[book]\ntitle = \"书\"\n".as_bytes()),
            ("a.md", "# 章\n\n第一稿。\n".as_bytes()),
        ],
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_inkstone"))
        .args(["watch", "book", "-o", "out"])
        .current_dir(&dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = lines_of(child.stderr.take().unwrap());
    let result = std::panic::catch_unwind(|| {
        let first = wait_for(&rx, "watching for changes", Duration::from_secs(60));
        assert!(first.is_ok(), "no first build: {first:?}");
        let epub = dir.join("out/book.epub");
        let before = fs::read(&epub).unwrap();
        // an edit: rebuilt within 2 s
        let edited = Instant::now();
        fs::write(dir.join("book/a.md"), "# 章\n\n第二稿。\n").unwrap();
        let rebuilt = wait_for(&rx, "built in", Duration::from_secs(10)).expect("a rebuild");
        let took = edited.elapsed();
        assert!(
            rebuilt
                .iter()
                .any(|l| l.starts_with("changed: ") && l.contains("a.md")),
            "{rebuilt:?}"
        );
        assert!(
            took < Duration::from_secs(2),
            "rebuilt {took:?} after the change"
        );
        let good = fs::read(&epub).unwrap();
        assert_ne!(good, before, "the EPUB holds the new text");
        // a broken edit: the error is printed, the last good outputs stay
        fs::write(dir.join("book/a.md"), "# 章\n\n![缺](nothing.png)\n").unwrap();
        let failed =
            wait_for(&rx, "build failed", Duration::from_secs(10)).expect("a failed build");
        let text = failed.join("\n");
        assert!(text.contains("error[E0201]"), "{text}");
        assert_eq!(fs::read(&epub).unwrap(), good, "the last good EPUB stays");
        // and it goes on watching: the fix is built
        fs::write(dir.join("book/a.md"), "# 章\n\n第三稿。\n").unwrap();
        wait_for(&rx, "built in", Duration::from_secs(10)).expect("a rebuild after the fix");
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn completions_man_page_and_version() {
    let dir = scratch("completions");
    for shell in ["bash", "zsh", "fish"] {
        let run = inkstone(&dir, &["completions", shell]);
        assert!(run.status.success());
        assert!(
            String::from_utf8_lossy(&run.stdout).contains("inkstone"),
            "{shell}"
        );
        if shell == "bash" {
            let script = dir.join("inkstone.bash");
            fs::write(&script, &run.stdout).unwrap();
            let syntax = Command::new("bash")
                .arg("-n")
                .arg(&script)
                .output()
                .unwrap();
            assert!(
                syntax.status.success(),
                "{}",
                String::from_utf8_lossy(&syntax.stderr)
            );
            // and it loads: the completion function is defined
            let loaded = Command::new("bash")
                .arg("-c")
                .arg(format!(
                    "source {} && complete -p inkstone",
                    script.display()
                ))
                .output()
                .unwrap();
            assert!(
                loaded.status.success(),
                "{}",
                String::from_utf8_lossy(&loaded.stderr)
            );
        }
    }
    let man = inkstone(&dir, &["man"]);
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains(".TH inkstone 1"), "{page}");
    for verb in ["init", "build", "check", "watch", "completions"] {
        assert!(page.contains(verb), "{verb} in the man page");
    }
    let version = inkstone(&dir, &["--version"]);
    let version = String::from_utf8_lossy(&version.stdout);
    assert!(version.starts_with("inkstone 0.1.0 ("), "{version}");
    assert!(version.trim_end().ends_with(')'), "{version}");
}

#[test]
fn colour_when_asked_plain_otherwise_and_quiet_says_nothing() {
    let dir = scratch("colour");
    write_book(
        &dir.join("book"),
        &[
            ("book.toml", "[book]\ntitle = \"书\"\n".as_bytes()),
            ("a.md", "# 章\n\n#\n\n正文。\n".as_bytes()),
        ],
    );
    let plain = inkstone(&dir, &["build", "book"]);
    assert!(stderr(&plain).contains("warning[W0301]"));
    assert!(
        !stderr(&plain).contains('\u{1b}'),
        "no colour off a terminal"
    );
    let coloured = inkstone(&dir, &["build", "book", "--color", "always"]);
    assert!(stderr(&coloured).contains('\u{1b}'), "colour when asked");
    let quiet = inkstone(&dir, &["build", "book", "-q"]);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "", "--quiet prints no warning");
}
