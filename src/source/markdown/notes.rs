//! A chapter's footnotes, put together once the chapter is read: numbered in order of
//! first citation, each citation checked against the definitions, and only the notes a
//! reader can reach from the text kept (a note cited only from itself, or from notes
//! nobody cites, has no place on a printed page).

use std::collections::HashMap;

use crate::error::{Code, Finding, Location, Warning};
use crate::model::{Block, Footnote, Inline};

/// A footnote definition: where it is and what it holds.
pub type Definition = (Location, Vec<Block>);

/// The footnotes of a chapter whose text is `blocks`: `cited` holds each label in order
/// of first citation (with where that is) and the text numbers them so; `definitions`
/// maps labels to their content. Warns about citations without a definition,
/// definitions without a citation and notes cited only from such notes; the notes left
/// out are dropped and the rest renumbered (in the text and in the notes). Of
/// `note_warnings` (about the text of notes, by label), those of the notes kept are
/// given.
pub fn assemble(
    blocks: &mut [Block],
    cited: &[(String, Location)],
    mut definitions: HashMap<String, Definition>,
    note_warnings: Vec<(String, Warning)>,
    warnings: &mut Vec<Warning>,
) -> Vec<Footnote> {
    let mut notes: Vec<Vec<Block>> = Vec::with_capacity(cited.len());
    for (label, at) in cited {
        notes.push(match definitions.remove(label) {
            Some((_, blocks)) => blocks,
            None => {
                warnings.push(Finding::new(
                    Code::UndefinedFootnote,
                    at.clone(),
                    format!("footnote [^{label}] is cited but never defined"),
                    format!("add a line `[^{label}]: …` with its text"),
                ));
                Vec::new()
            }
        });
    }
    let mut unused: Vec<(Location, String)> = definitions
        .into_iter()
        .map(|(label, (at, _))| (at, label))
        .collect();
    unused.sort();
    for (at, label) in unused {
        warnings.push(Finding::new(
            Code::UnusedFootnote,
            at,
            format!("footnote [^{label}] is never cited; it was left out"),
            format!("cite it with [^{label}] where it belongs, or delete it"),
        ));
    }
    let reached = reachable(blocks, &mut notes);
    let kept = |label: &String| {
        cited
            .iter()
            .zip(&reached)
            .any(|((l, _), &r)| r && l == label)
    };
    warnings.extend(
        note_warnings
            .into_iter()
            .filter(|(label, _)| kept(label))
            .map(|(_, w)| w),
    );
    if reached.iter().all(|&r| r) {
        return number(notes);
    }
    for ((label, at), _) in cited.iter().zip(&reached).filter(|(_, &r)| !r) {
        warnings.push(Finding::new(
            Code::UnusedFootnote,
            at.clone(),
            format!(
                "footnote [^{label}] is cited only from inside footnotes the text never \
                 leads to; it was left out"
            ),
            format!("cite [^{label}] from the text, or delete it"),
        ));
    }
    // old number → new number, for the notes kept
    let mut renumbered = vec![0; notes.len() + 1];
    let mut next = 0;
    for (old, _) in reached.iter().enumerate().filter(|(_, &r)| r) {
        next += 1;
        renumbered[old + 1] = next;
    }
    let mut kept: Vec<Vec<Block>> = notes
        .into_iter()
        .zip(&reached)
        .filter_map(|(note, &r)| r.then_some(note))
        .collect();
    for block in blocks.iter_mut().chain(kept.iter_mut().flatten()) {
        block.each_run_mut(&mut |run, _| renumber(run, &renumbered));
    }
    number(kept)
}

/// Which notes (by number − 1) the text leads to, directly or through other notes.
fn reachable(blocks: &mut [Block], notes: &mut [Vec<Block>]) -> Vec<bool> {
    let mut reached = vec![false; notes.len()];
    let mut todo = Vec::new();
    for block in blocks.iter_mut() {
        block.each_run_mut(&mut |run, _| note_refs(run, &mut |n| todo.push(n)));
    }
    while let Some(n) = todo.pop() {
        let Some(seen) = reached.get_mut(n.wrapping_sub(1)) else {
            continue;
        };
        if std::mem::replace(seen, true) {
            continue;
        }
        for block in notes[n - 1].iter_mut() {
            block.each_run_mut(&mut |run, _| note_refs(run, &mut |n| todo.push(n)));
        }
    }
    reached
}

/// Calls `f` with the number of every footnote reference in `run`.
fn note_refs(run: &[Inline], f: &mut dyn FnMut(usize)) {
    for inline in run {
        match inline {
            Inline::NoteRef(n) => f(*n),
            other => note_refs(other.children(), f),
        }
    }
}

/// Gives every footnote reference in `run` its new number.
fn renumber(run: &mut [Inline], renumbered: &[usize]) {
    for inline in run {
        match inline {
            Inline::NoteRef(n) => *n = renumbered.get(*n).copied().unwrap_or(*n),
            other => {
                if let Some(children) = other.children_mut() {
                    renumber(children, renumbered);
                }
            }
        }
    }
}

/// The notes numbered 1, 2, … in order.
fn number(notes: Vec<Vec<Block>>) -> Vec<Footnote> {
    notes
        .into_iter()
        .enumerate()
        .map(|(i, blocks)| Footnote {
            number: i + 1,
            blocks,
        })
        .collect()
}
