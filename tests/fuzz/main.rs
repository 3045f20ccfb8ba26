//! The fuzzing harness (issue 13): random books from seeds, each built like a user
//! would, checked for what must hold whatever the input:
//! * the build ends with exit 0, or exit 1 and an `error[E…]` diagnostic — never an
//!   internal error, a panic or a signal;
//! * its peak memory and its time stay within [`MEMORY_LIMIT_KIB`] and [`TIME_LIMIT`];
//! * `qpdf --check` passes on every PDF; EPUBCheck and Ace pass on a sample of EPUBs;
//! * no glyph is drawn outside the page;
//! * every marker word the generator put in a block (but in a footnote the build
//!   reports as never cited) is in both outputs — in the PDF's
//!   structure tree, in reading order — (or the build failed for a reason the generator
//!   planted: a missing image).
//!
//! `cargo test --test fuzz` runs [`DEFAULT_BOOKS`] books (seeds from 1);
//! `scripts/fuzz --books 5000 [--seed S]` runs more, in release mode, and prints the
//! slowest and the hungriest book. Environment: `INKSTONE_FUZZ_BOOKS`,
//! `INKSTONE_FUZZ_SEED` (the first seed), `INKSTONE_FUZZ_EPUBCHECK` (check every n-th
//! EPUB with EPUBCheck and Ace; 0: none).

#[path = "../common/mod.rs"]
mod common;
mod generate;

use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;

/// Seeds whose books once failed (each fixed at its cause): always run. 4, 7, 8, 19:
/// text lost in 30-column tables and headings with notes; 648: a title taller than its
/// page; 422, 1086, 2009: table rows and notes that paginated for ever or lost a note's
/// end; 2999: a note cited from a code block.
const FAILED_ONCE: [u64; 9] = [4, 7, 8, 19, 422, 648, 1086, 2009, 2999];

/// Books run by `cargo test`.
const DEFAULT_BOOKS: u64 = 200;
/// The most memory one build may take (the books are at most a few hundred KB).
const MEMORY_LIMIT_KIB: u64 = 700 * 1024;
/// The address space a build may reserve (threads' stacks and mapped fonts count).
const ADDRESS_LIMIT_KIB: u64 = 4 * 1024 * 1024;
/// The longest one build may take (a debug binary on a loaded 2-core machine).
const TIME_LIMIT: Duration = Duration::from_secs(60);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What one book's build measured.
#[derive(Debug, Clone)]
struct Run {
    seed: u64,
    took: Duration,
    peak_kib: u64,
    bytes: usize,
    failed_cleanly: bool,
}

/// Builds the book of `seed` and checks the invariants; the failure, if any, as text.
fn run_one(seed: u64, epubcheck: bool) -> Result<Run, String> {
    let book = generate::book(seed);
    let dir = scratch(&format!("seed-{seed}"));
    let files: Vec<(&str, &[u8])> = book
        .files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    write_book(&dir.join("book"), &files);
    let bytes = book.files.iter().map(|(_, d)| d.len()).sum();
    let start = Instant::now();
    // under an address-space limit: a runaway build fails alone instead of taking the
    // machine's memory (GNU time still reports its peak)
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_LIMIT_KIB}; exec /usr/bin/time -f 'peak-kib %M' \"$0\" build book --color never"
        ))
        .arg(env!("CARGO_BIN_EXE_inkstone"))
        .current_dir(&dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .map_err(|e| format!("seed {seed}: cannot run: {e}"))?;
    let took = start.elapsed();
    let err = stderr(&out);
    let fail = |what: String| Err(format!("seed {seed} ({}): {what}\n{err}", dir.display()));
    let peak_kib = err
        .lines()
        .find_map(|l| l.strip_prefix("peak-kib "))
        .and_then(|k| k.trim().parse().ok())
        .unwrap_or(0);
    let Some(code) = out.status.code() else {
        return fail("killed by a signal".into());
    };
    if err.contains("panicked") || err.contains("E0999") || err.contains("bug in inkstone") {
        return fail("an internal error".into());
    }
    if peak_kib > MEMORY_LIMIT_KIB {
        return fail(format!("peak memory {peak_kib} KiB"));
    }
    if took > TIME_LIMIT {
        return fail(format!("took {took:?}"));
    }
    let run = Run {
        seed,
        took,
        peak_kib,
        bytes,
        failed_cleanly: code != 0,
    };
    match code {
        0 if book.broken => return fail("a missing image was not refused".into()),
        0 if book.textless => return fail("a book without text was not refused".into()),
        0 => {}
        1 if err.starts_with("error[E") || err.contains("\nerror[E") => {
            let expected = book.broken
                || (book.textless && err.contains("error[E0203]: no chapter has any text"));
            if expected || err.contains("error[E0114]") || err.contains("error[E0113]") {
                let _ = std::fs::remove_dir_all(&dir);
                return Ok(run);
            }
            return fail("an error for a book that holds none".into());
        }
        other => return fail(format!("exit status {other}")),
    }
    for pdf in ["out/book.pdf", "out/book.print.pdf"] {
        let path = dir.join(pdf);
        if !path.exists() {
            continue;
        }
        if let Some(problem) = qpdf_problem(&path) {
            return fail(problem);
        }
    }
    let pdf = proof::read(&dir.join("out/book.pdf"));
    for g in &pdf.glyphs {
        let (width, height) = pdf.sizes[g.page];
        let inside = g.x >= -0.5 && g.x1 <= width + 0.5 && g.y >= 0.0 && g.y <= height + 0.5;
        if !inside {
            return fail(format!(
                "glyph {:?} outside page {} at ({}, {})",
                g.text,
                g.page + 1,
                g.x,
                g.y
            ));
        }
    }
    // the text in logical order, as a screen reader reads it from the structure tree
    // (a table row split between pages draws its cells slice by slice)
    let (_, tree) = structure::read(&dir.join("out/book.pdf"));
    let pdf_text = squeeze(&tree.text(&structure::text_by_mcid(&pdf.glyphs)));
    let epub = epub_files(&dir.join("out/book.epub"));
    let epub_text: String = epub
        .iter()
        .filter(|(n, _)| n.starts_with("OEBPS/ch"))
        .map(|(_, d)| squeeze(&body_text(&String::from_utf8_lossy(d))))
        .collect();
    let uncited = uncited_notes(&book, &err);
    for marker in book
        .markers
        .iter()
        .filter(|m| !uncited.contains(m.as_str()))
    {
        if !epub_text.contains(marker.as_str()) {
            return fail(format!("{marker} missing from the EPUB"));
        }
        if !pdf_text.contains(marker.as_str()) {
            return fail(format!("{marker} missing from the PDF"));
        }
    }
    if epubcheck {
        let summary = epub_validate(&dir.join("out/book.epub"));
        if summary != CLEAN_EPUB {
            return fail(format!("EPUBCheck/Ace: {summary}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(run)
}

/// The text of the footnote definitions the build reported as never cited (and left
/// out): their citation fell into a code block or a link's address.
fn uncited_notes(book: &generate::Book, err: &str) -> String {
    let mut out = String::new();
    for warning in err.split("warning[W0304]: footnote [^").skip(1) {
        let label = warning.split(']').next().unwrap_or_default();
        let Some(file) = warning
            .split("--> book/")
            .nth(1)
            .and_then(|w| w.split(':').next())
        else {
            continue;
        };
        let definition = format!("[^{label}]:");
        for (name, data) in &book.files {
            if name != file {
                continue;
            }
            let text = String::from_utf8_lossy(data).replace('\r', "\n");
            for line in text.lines().filter(|l| l.starts_with(&definition)) {
                out.push_str(line);
            }
        }
    }
    out
}

#[test]
fn random_books_hold_the_invariants() {
    let books = env_number("INKSTONE_FUZZ_BOOKS", DEFAULT_BOOKS);
    let first = env_number("INKSTONE_FUZZ_SEED", 1);
    let every = env_number("INKSTONE_FUZZ_EPUBCHECK", 40);
    // the seeds that once failed, then the range asked for
    let seeds: Vec<u64> = FAILED_ONCE
        .iter()
        .copied()
        .filter(|s| !(first..first + books).contains(s))
        .chain(first..first + books)
        .collect();
    let next = AtomicU64::new(0);
    let runs: Mutex<Vec<Run>> = Mutex::new(Vec::new());
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&seed) = seeds.get(next.fetch_add(1, Ordering::SeqCst) as usize) {
                    let check = every > 0 && seed % every == 0;
                    match run_one(seed, check) {
                        Ok(run) => runs.lock().unwrap().push(run),
                        Err(failure) => failures.lock().unwrap().push(failure),
                    }
                }
            });
        }
    });
    let runs = runs.into_inner().unwrap();
    let failures = failures.into_inner().unwrap();
    report(&runs, first, books, &failures);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Prints the count, the seeds, the slowest and the hungriest book.
fn report(runs: &[Run], first: u64, books: u64, failures: &[String]) {
    let refused = runs.iter().filter(|r| r.failed_cleanly).count();
    eprintln!(
        "fuzz: {} books (seeds {first}–{} and {} that once failed), {} built, {refused} refused with a clear error, {} failures",
        runs.len() + failures.len(),
        first + books - 1,
        runs.len() + failures.len() - books as usize,
        runs.len() - refused,
        failures.len()
    );
    if let Some(slow) = runs.iter().max_by_key(|r| r.took) {
        eprintln!(
            "fuzz: slowest seed {} ({} bytes): {:.2} s, {} MiB",
            slow.seed,
            slow.bytes,
            slow.took.as_secs_f64(),
            slow.peak_kib / 1024
        );
    }
    if let Some(big) = runs.iter().max_by_key(|r| r.peak_kib) {
        eprintln!(
            "fuzz: hungriest seed {} ({} bytes): {} MiB, {:.2} s",
            big.seed,
            big.bytes,
            big.peak_kib / 1024,
            big.took.as_secs_f64()
        );
    }
}
