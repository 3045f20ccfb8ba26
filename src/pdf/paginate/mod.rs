//! Pagination: rows of lines on a character grid → pages.
//!
//! The text block is a whole number of lines at a fixed pitch, so body lines sit on the
//! same grid on every page. A row is one or more grid lines (a heading, a figure or a
//! table row takes more); rows say whether a page may begin with them, which is how
//! headings are kept with the two lines that follow them and how no paragraph leaves a
//! single line alone at the foot or the top of a page. Footnotes go to the foot of the
//! page that cites them, the body giving up whole grid lines for them; a note too long
//! for its page continues on the next. A table broken across pages repeats its header.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use super::justify::Line;
pub use super::rows::{NoteKey, Row};

/// A piece of a footnote on a page: which lines of it.
#[derive(Debug, Clone, PartialEq)]
pub struct NotePart {
    /// The note.
    pub key: NoteKey,
    /// Its lines shown here.
    pub lines: Range<usize>,
}

/// A page: its rows, with the grid line each starts on, and its footnotes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// (first grid line, row).
    pub rows: Vec<(usize, Row)>,
    /// Footnote parts at the foot, in order.
    pub notes: Vec<NotePart>,
}

impl Page {
    /// Whether a chapter begins on this page.
    pub fn starts_chapter(&self) -> bool {
        self.rows.iter().any(|(_, r)| r.chapter_start)
    }

    /// Whether the page is empty (a blank page before a right-hand chapter opening).
    pub fn is_blank(&self) -> bool {
        self.rows.is_empty() && self.notes.is_empty()
    }

    fn used(&self) -> usize {
        self.rows.iter().map(|(_, r)| r.height).sum()
    }
}

/// Footnote bodies, set in lines, and the room they take.
#[derive(Debug, Clone, Default)]
pub struct Notes {
    /// Each note's lines.
    pub bodies: HashMap<NoteKey, Vec<Line>>,
    /// Baseline distance of note lines.
    pub pitch: f32,
    /// Room for the rule that separates notes from the text.
    pub separator: f32,
}

impl Notes {
    fn height(&self, parts: &[NotePart]) -> f32 {
        if parts.is_empty() {
            return 0.0;
        }
        self.separator + parts.iter().map(|p| p.lines.len()).sum::<usize>() as f32 * self.pitch
    }

    fn lines(&self, key: NoteKey) -> usize {
        self.bodies.get(&key).map_or(0, Vec::len)
    }
}

/// How pages are filled.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Grid lines in the text block.
    pub capacity: usize,
    /// Baseline distance of the grid.
    pub pitch: f32,
    /// Chapters begin on odd pages.
    pub chapters_on_right: bool,
}

/// Fills pages with `rows`, breaking only where a row allows it (the last such place on
/// the page), dropping blank rows at the top of a page.
pub fn paginate(rows: Vec<Row>, notes: &Notes, settings: Settings) -> Vec<Page> {
    // a header repeats on the pages a table continues on, if it is short enough
    let headers: HashMap<(usize, usize), Row> = rows
        .iter()
        .filter(|r| r.height * 3 <= settings.capacity)
        .filter_map(|r| {
            r.table
                .filter(|t| t.header)
                .map(|t| (t.id, r.as_artifact()))
        })
        .collect();
    let mut paginator = Paginator {
        notes,
        settings,
        pages: Vec::new(),
        page: Page::default(),
        carry: Vec::new(),
    };
    let mut pending: VecDeque<Row> = rows.into();
    while let Some(row) = pending.pop_front() {
        if row.new_page && !paginator.page.rows.is_empty() {
            paginator.flush();
        }
        if row.chapter_start
            && settings.chapters_on_right
            && paginator.page.rows.is_empty()
            && paginator.pages.len() % 2 == 1
        {
            paginator.pages.push(Page::default());
        }
        let fresh = paginator.page.rows.is_empty();
        if fresh {
            if row.droppable {
                continue;
            }
            // a table continued from the last page repeats its header
            if let Some(part) = row.table.filter(|t| !t.header) {
                if let Some(header) = headers.get(&part.id) {
                    // (an empty page always takes a header row)
                    let _ = paginator.place(header.clone());
                }
            }
        }
        let Some(row) = paginator.place(row) else {
            continue;
        };
        if fresh {
            // does not fit even on an empty page: without the repeated header, if it
            // fits so; else anyway (a page that held only the header would come back
            // for ever)
            paginator.page.rows.clear();
            let Some(row) = paginator.place(row) else {
                continue;
            };
            paginator.force(row);
            continue;
        }
        // break before this row if a page may begin with it, else go back to the last
        // row a page may begin with, as long as something besides a table's header
        // stays (a page of the header alone would come back for ever)
        let rows = &paginator.page.rows;
        let cut = if row.break_before {
            rows.len()
        } else {
            rows.iter()
                .rposition(|(_, r)| r.break_before)
                .filter(|&k| {
                    rows[..k]
                        .iter()
                        .any(|(_, r)| !r.table.is_some_and(|t| t.header))
                })
                .unwrap_or(rows.len())
        };
        let carried = paginator.cut(cut);
        paginator.flush();
        pending.push_front(row);
        for r in carried.into_iter().rev() {
            pending.push_front(Row {
                new_page: false,
                ..r
            });
        }
    }
    paginator.flush();
    // notes carried past the last row go on pages of their own
    while !paginator.page.notes.is_empty() {
        paginator.flush();
    }
    paginator.pages
}

struct Paginator<'a> {
    notes: &'a Notes,
    settings: Settings,
    pages: Vec<Page>,
    page: Page,
    /// Note lines that did not fit on their page, for the next.
    carry: Vec<NotePart>,
}

impl Paginator<'_> {
    fn room(&self) -> f32 {
        self.settings.capacity as f32 * self.settings.pitch
    }

    /// Starts the page: notes carried over come first (as many lines as leave room for
    /// two lines of text).
    fn start_page(&mut self) {
        if !self.page.rows.is_empty() || !self.page.notes.is_empty() {
            return;
        }
        let limit = self.room() - 2.0 * self.settings.pitch;
        let mut parts = Vec::new();
        let mut rest = Vec::new();
        for part in std::mem::take(&mut self.carry) {
            if !rest.is_empty() {
                rest.push(part);
                continue;
            }
            let mut trial = parts.clone();
            trial.push(part.clone());
            if self.notes.height(&trial) <= limit {
                parts = trial;
                continue;
            }
            let fit = (part.lines.start..part.lines.end).rev().find(|&end| {
                let mut t = parts.clone();
                t.push(NotePart {
                    key: part.key,
                    lines: part.lines.start..end,
                });
                end > part.lines.start && self.notes.height(&t) <= limit
            });
            // a page with nothing else takes at least one line of a note, however tall
            let fit = fit.or(parts.is_empty().then_some(part.lines.start + 1));
            match fit {
                Some(end) => {
                    parts.push(NotePart {
                        key: part.key,
                        lines: part.lines.start..end,
                    });
                    if end < part.lines.end {
                        rest.push(NotePart {
                            key: part.key,
                            lines: end..part.lines.end,
                        });
                    }
                }
                None => rest.push(part),
            }
        }
        self.page.notes = parts;
        self.carry = rest;
    }

    /// Places `row` if it fits with its notes (the last of them possibly split, keeping
    /// at least two of its lines here); gives it back if it does not.
    fn place(&mut self, row: Row) -> Option<Row> {
        self.start_page();
        let used = self.page.used() + row.height;
        let body = used as f32 * self.settings.pitch;
        let mut parts = self.page.notes.clone();
        let new: Vec<NoteKey> = row
            .notes
            .iter()
            .copied()
            .filter(|k| !self.page.notes.iter().any(|p| p.key == *k))
            .collect();
        for key in &new {
            parts.push(NotePart {
                key: *key,
                lines: 0..self.notes.lines(*key),
            });
        }
        if body + self.notes.height(&parts) <= self.room() + 0.01 {
            self.page.rows.push((used - row.height, row));
            self.page.notes = parts;
            return None;
        }
        // split the last new note
        let Some(last) = parts.last().cloned().filter(|p| new.contains(&p.key)) else {
            return Some(row);
        };
        let total = last.lines.end;
        for keep in (total.min(2)..total).rev() {
            let mut trial = parts.clone();
            if let Some(p) = trial.last_mut() {
                p.lines = 0..keep;
            }
            if keep > 0 && body + self.notes.height(&trial) <= self.room() + 0.01 {
                self.page.rows.push((used - row.height, row));
                self.page.notes = trial;
                self.carry.push(NotePart {
                    key: last.key,
                    lines: keep..total,
                });
                return None;
            }
        }
        Some(row)
    }

    /// Places `row` that does not fit even on an empty page, and ends the page.
    fn force(&mut self, row: Row) {
        self.keep(row);
        self.flush();
    }

    /// Puts `row` on the page whether it fits or not; the notes it cites that are not
    /// on the page go on to the next.
    fn keep(&mut self, row: Row) {
        for key in &row.notes {
            let placed = self.page.notes.iter().any(|p| p.key == *key);
            if !placed && !self.carry.iter().any(|p| p.key == *key) {
                self.carry.push(NotePart {
                    key: *key,
                    lines: 0..self.notes.lines(*key),
                });
            }
        }
        let used = self.page.used();
        self.page.rows.push((used, row));
    }

    /// Removes the rows from `cut` on (and blank rows left at the foot), rebuilding the
    /// page's notes from the rows that stay; returns the removed rows.
    fn cut(&mut self, cut: usize) -> Vec<Row> {
        let mut rows: Vec<Row> = std::mem::take(&mut self.page.rows)
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let carried = rows.split_off(cut);
        while rows.last().is_some_and(|r| r.droppable) {
            rows.pop();
        }
        // the notes this page continued from the last are those no row here cites
        let carried_in: Vec<NotePart> = self
            .page
            .notes
            .iter()
            .filter(|p| {
                !rows
                    .iter()
                    .chain(&carried)
                    .any(|r| r.notes.contains(&p.key))
            })
            .cloned()
            .collect();
        let mut leftover = std::mem::take(&mut self.carry);
        leftover.retain(|p| {
            !rows
                .iter()
                .chain(&carried)
                .any(|r| r.notes.contains(&p.key))
        });
        // replay the page: what it continued, then the rows that stay (the notes of the
        // removed rows go with them to the next page)
        self.page = Page::default();
        self.carry = carried_in;
        self.carry.extend(leftover);
        for row in rows {
            if let Some(row) = self.place(row) {
                // it stood here before: it stays
                self.keep(row);
            }
        }
        carried
    }

    fn flush(&mut self) {
        if self.page.rows.is_empty() && self.page.notes.is_empty() && self.carry.is_empty() {
            return;
        }
        while self.page.rows.last().is_some_and(|(_, r)| r.droppable) {
            self.page.rows.pop();
        }
        self.pages.push(std::mem::take(&mut self.page));
        if !self.carry.is_empty() && self.page.rows.is_empty() {
            self.start_page();
        }
    }
}

#[cfg(test)]
mod tests;
