//! How a build reports its progress: a progress bar with the stage and chapter on a
//! terminal (indicatif), each stage's time and the peak memory so far with `--verbose`,
//! nothing with `--quiet` or when stderr is not a terminal.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A stage of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading `book.toml`, the chapters and the images.
    Reading,
    /// Shaping, breaking and setting the chapters (in parallel).
    Composing,
    /// Filling pages.
    Paginating,
    /// Running heads, folios, notes at the foot.
    Furnishing,
    /// Writing the PDF (fonts, pages, structure).
    Emitting,
    /// Writing the EPUB.
    Epub,
    /// Writing the files.
    Writing,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Composing => "setting chapters",
            Stage::Paginating => "paginating",
            Stage::Furnishing => "furnishing pages",
            Stage::Emitting => "writing the PDF",
            Stage::Epub => "writing the EPUB",
            Stage::Writing => "writing files",
        }
    }
}

/// How much a build says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Nothing but errors.
    Quiet,
    /// A progress bar when stderr is a terminal.
    #[default]
    Normal,
    /// Each stage's time and peak memory as it ends.
    Verbose,
}

/// Receives a build's progress; shared by the threads of a build.
pub struct Progress {
    bar: Option<ProgressBar>,
    verbose: bool,
    start: Instant,
    /// The stage under way on each track (the EPUB and the PDF go side by side) and
    /// when it began.
    current: Mutex<Vec<(Stage, Instant)>>,
}

impl Progress {
    /// A reporter at `verbosity`; the bar shows only on a terminal.
    pub fn new(verbosity: Verbosity) -> Progress {
        let bar = (verbosity == Verbosity::Normal && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} chapters")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            verbose: verbosity == Verbosity::Verbose,
            start: Instant::now(),
            current: Mutex::new(Vec::new()),
        }
    }

    /// A reporter that says nothing (tests, library use).
    pub fn silent() -> Progress {
        Progress::new(Verbosity::Quiet)
    }

    /// The build has `chapters` chapters to set.
    pub fn chapters(&self, chapters: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(chapters as u64);
        }
    }

    /// A chapter has been set.
    pub fn chapter_done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// `stage` begins.
    pub fn begin(&self, stage: Stage) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.push((stage, Instant::now()));
        if let Some(bar) = &self.bar {
            let names: Vec<&str> = current.iter().map(|(s, _)| s.name()).collect();
            bar.set_message(names.join(", "));
        }
    }

    /// `stage` has ended: in verbose mode, its time and the peak memory so far are
    /// reported.
    pub fn end(&self, stage: Stage) {
        let now = Instant::now();
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = current.iter().position(|(s, _)| *s == stage) {
            let (_, since) = current.remove(i);
            self.report(stage, now - since);
        }
    }

    fn report(&self, stage: Stage, took: std::time::Duration) {
        if self.verbose {
            eprintln!(
                "{:>8.1} ms  {:<18} {:>7.1} ms  peak {}",
                self.start.elapsed().as_secs_f64() * 1000.0,
                stage.name(),
                took.as_secs_f64() * 1000.0,
                peak_memory().map_or_else(
                    || "n/a".to_string(),
                    |kib| format!("{:.1} MiB", kib as f64 / 1024.0)
                )
            );
        }
    }

    /// The build is over: the bar goes.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The process's peak resident memory so far in KiB (Linux's `VmHWM`).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
