//! `inkstone watch`: build, then build again whenever a file of the book changes
//! (notify, debounced), keeping the last good outputs when a rebuild fails.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::{build, BuildOptions, BuildReport};

/// How long the files must stay quiet before a rebuild starts (an editor's save is
/// often several writes).
const DEBOUNCE: Duration = Duration::from_millis(150);

/// One build of a watch.
#[derive(Debug)]
pub struct Rebuild {
    /// The files whose change started it (empty for the first build).
    pub changed: Vec<PathBuf>,
    /// How long it took.
    pub took: Duration,
    /// What it wrote, or why it failed (the outputs of the last good build stay).
    pub result: Result<BuildReport>,
}

/// Builds the book, then again after every change to its files, telling `report` about
/// each build. Returns only when the book folder can no longer be watched.
pub fn watch(options: &BuildOptions, mut report: impl FnMut(Rebuild)) -> Result<()> {
    let book_dir = options
        .book_dir
        .canonicalize()
        .map_err(|e| Error::io(&options.book_dir, "open the book folder", e))?;
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|e| Error::io(&options.out_dir, "create the output folder", e))?;
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|e| watch_error(&options.book_dir, e))?;
    watcher
        .watch(&book_dir, RecursiveMode::Recursive)
        .map_err(|e| watch_error(&options.book_dir, e))?;
    // the outputs may be written inside the book folder: their changes are not edits
    let outputs = options
        .out_dir
        .canonicalize()
        .unwrap_or_else(|_| options.out_dir.clone());
    report(timed(options, Vec::new()));
    loop {
        let Ok(first) = rx.recv() else {
            return Ok(());
        };
        let mut changed = Vec::new();
        collect(first, &outputs, &mut changed);
        while let Ok(next) = rx.recv_timeout(DEBOUNCE) {
            collect(next, &outputs, &mut changed);
        }
        if changed.is_empty() {
            continue;
        }
        changed.sort();
        changed.dedup();
        report(timed(options, changed));
    }
}

fn timed(options: &BuildOptions, changed: Vec<PathBuf>) -> Rebuild {
    let start = Instant::now();
    let result = build(options);
    Rebuild {
        changed,
        took: start.elapsed(),
        result,
    }
}

/// The paths of an event that are edits of the book: writes, creations, removals and
/// renames, outside the outputs, not editors' scratch files.
fn collect(event: notify::Result<notify::Event>, outputs: &Path, changed: &mut Vec<PathBuf>) {
    let Ok(event) = event else { return };
    if !matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    ) {
        return;
    }
    for path in event.paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let scratch = name.as_deref().is_none_or(|n| {
            n.starts_with(".#") || n.ends_with('~') || n.ends_with(".swp") || n.ends_with(".tmp")
        });
        if !scratch && !path.starts_with(outputs) {
            changed.push(path);
        }
    }
}

fn watch_error(dir: &Path, e: notify::Error) -> Error {
    Error::io(
        dir,
        "watch the book folder",
        std::io::Error::other(e.to_string()),
    )
}
