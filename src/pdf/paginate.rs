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
use crate::model::PdfOptions;

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Page and text-block geometry, in points (y measured from the top of the page).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Page width.
    pub page_width: f32,
    /// Page height.
    pub page_height: f32,
    /// Body type size.
    pub size: f32,
    /// Baseline distance.
    pub pitch: f32,
    /// Line length: a whole number of ems.
    pub measure: f32,
    /// Left edge of the text block.
    pub left: f32,
    /// Top edge of the text block.
    pub top: f32,
    /// Lines in the text block.
    pub lines: usize,
}

impl Geometry {
    /// The geometry for `options`: margins of about a ninth of the page width at the
    /// sides (at least 15 mm), the measure rounded down to whole ems and centred; 18 mm
    /// above and 20 mm below at least, the block a whole number of lines, the rest shared
    /// two to three between head and foot.
    pub fn new(options: &PdfOptions) -> Geometry {
        let page_width = options.page_width_mm * PT_PER_MM;
        let page_height = options.page_height_mm * PT_PER_MM;
        let size = options.font_size_pt;
        let pitch = (size * options.line_pitch * 100.0).round() / 100.0;
        let side = (15.0 * PT_PER_MM).max(page_width / 9.0);
        let ems = ((page_width - 2.0 * side) / size).floor().max(10.0);
        let measure = ems * size;
        let left = (page_width - measure) / 2.0;
        let (head, foot) = (18.0 * PT_PER_MM, 20.0 * PT_PER_MM);
        let lines = (((page_height - head - foot) / pitch).floor() as usize).max(5);
        let spare = page_height - head - foot - lines as f32 * pitch;
        let top = head + spare * 0.4;
        Geometry {
            page_width,
            page_height,
            size,
            pitch,
            measure,
            left,
            top,
            lines,
        }
    }

    /// Distance from the top of a grid line to the baseline of body text on it: the em box
    /// (ideographic, 0.88 em above the baseline) centred in the pitch.
    pub fn baseline_in_line(&self) -> f32 {
        (self.pitch - self.size) / 2.0 + 0.88 * self.size
    }

    /// Height of the text block.
    pub fn block_height(&self) -> f32 {
        self.lines as f32 * self.pitch
    }
}

/// A line placed in a row: horizontal offset from the text block's left edge, baseline
/// distance from the row's top.
#[derive(Debug, Clone, PartialEq)]
pub struct RowLine {
    /// The line.
    pub line: Line,
    /// Offset from the text block's left edge.
    pub x: f32,
    /// Baseline below the row's top.
    pub baseline: f32,
}

/// A horizontal rule in a row (offsets from the text block's left edge and the row's
/// top).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowRule {
    /// Left end.
    pub x: f32,
    /// Height below the row's top.
    pub y: f32,
    /// Length.
    pub length: f32,
    /// Thickness.
    pub width: f32,
    /// Drawn as a line of dots (leaders).
    pub dotted: bool,
}

/// A shaded box the full height of its row (the ground of a code block).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowFill {
    /// Left edge.
    pub x: f32,
    /// Width.
    pub width: f32,
}

/// An image placed in a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowImage {
    /// Index into the book's images.
    pub image: usize,
    /// Left edge.
    pub x: f32,
    /// Top edge below the row's top.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// A heading set in a row (for the outline, running heads and links).
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Heading id.
    pub id: String,
    /// Plain-text title.
    pub title: String,
    /// Heading level (1 = chapter title).
    pub level: u8,
}

/// A footnote: (chapter index, number).
pub type NoteKey = (usize, usize);

/// A row's part in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TablePart {
    /// Which table (unique in the book).
    pub id: usize,
    /// The header row (repeated at the top of each page the table continues on).
    pub header: bool,
    /// The table's last row.
    pub last: bool,
}

/// A table-of-contents entry: where it points.
#[derive(Debug, Clone, PartialEq)]
pub struct TocLink {
    /// Heading id of the entry.
    pub id: String,
    /// Where the page number goes: right edge of the entry, from the block's left.
    pub right: f32,
    /// Where the leaders may start.
    pub leader_from: f32,
}

/// A horizontal slice of the text block: whole grid lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// Height in grid lines.
    pub height: usize,
    /// Its lines.
    pub lines: Vec<RowLine>,
    /// Rules.
    pub rules: Vec<RowRule>,
    /// Shaded boxes.
    pub fills: Vec<RowFill>,
    /// Images.
    pub images: Vec<RowImage>,
    /// A page may begin with this row.
    pub break_before: bool,
    /// Blank space that is dropped at the top of a page.
    pub droppable: bool,
    /// The row must begin a page (a chapter).
    pub new_page: bool,
    /// The row begins a chapter.
    pub chapter_start: bool,
    /// The heading set in this row, if any.
    pub anchor: Option<Anchor>,
    /// Footnotes cited in this row.
    pub notes: Vec<NoteKey>,
    /// The row's part in a table.
    pub table: Option<TablePart>,
    /// A table-of-contents entry, whose page number is set once pages are known.
    pub toc: Option<TocLink>,
    /// The first row of chapter `n`.
    pub chapter: Option<usize>,
}

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
    let headers: HashMap<usize, Row> = rows
        .iter()
        .filter_map(|r| r.table.filter(|t| t.header).map(|t| (t.id, r.clone())))
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
        if paginator.page.rows.is_empty() {
            if row.droppable {
                continue;
            }
            // a table continued from the last page repeats its header
            if let Some(part) = row.table.filter(|t| !t.header) {
                if let Some(header) = headers.get(&part.id) {
                    let header = Row {
                        new_page: false,
                        anchor: None,
                        ..header.clone()
                    };
                    // (an empty page always takes a header row)
                    let _ = paginator.place(&header);
                }
            }
        }
        if paginator.place(&row) {
            continue;
        }
        if paginator.page.rows.is_empty() {
            // does not fit even on an empty page: place it anyway
            paginator.force(row);
            continue;
        }
        // break before this row if a page may begin with it, else go back to the last
        // row a page may begin with
        let cut = if row.break_before {
            paginator.page.rows.len()
        } else {
            paginator
                .page
                .rows
                .iter()
                .rposition(|(_, r)| r.break_before)
                .filter(|&k| k > 0)
                .unwrap_or(paginator.page.rows.len())
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
            match fit {
                Some(end) => {
                    parts.push(NotePart {
                        key: part.key,
                        lines: part.lines.start..end,
                    });
                    rest.push(NotePart {
                        key: part.key,
                        lines: end..part.lines.end,
                    });
                }
                None => rest.push(part),
            }
        }
        self.page.notes = parts;
        self.carry = rest;
    }

    /// Places `row` if it fits with its notes (the last of them possibly split, keeping
    /// at least two of its lines here).
    fn place(&mut self, row: &Row) -> bool {
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
            self.page.rows.push((used - row.height, row.clone()));
            self.page.notes = parts;
            return true;
        }
        // split the last new note
        let Some(last) = parts.last().cloned().filter(|p| new.contains(&p.key)) else {
            return false;
        };
        let total = last.lines.end;
        for keep in (total.min(2)..total).rev() {
            let mut trial = parts.clone();
            if let Some(p) = trial.last_mut() {
                p.lines = 0..keep;
            }
            if keep > 0 && body + self.notes.height(&trial) <= self.room() + 0.01 {
                self.page.rows.push((used - row.height, row.clone()));
                self.page.notes = trial;
                self.carry.push(NotePart {
                    key: last.key,
                    lines: keep..total,
                });
                return true;
            }
        }
        false
    }

    fn force(&mut self, row: Row) {
        let used = self.page.used();
        for key in &row.notes {
            self.carry.push(NotePart {
                key: *key,
                lines: 0..self.notes.lines(*key),
            });
        }
        self.page.rows.push((used, row));
        self.flush();
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
        for row in &rows {
            if !self.place(row) {
                let used = self.page.used();
                self.page.rows.push((used, row.clone()));
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
mod tests {
    use super::*;

    fn settings(capacity: usize) -> Settings {
        Settings {
            capacity,
            pitch: 10.0,
            chapters_on_right: false,
        }
    }

    fn body(n: usize, after_heading: bool) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                height: 1,
                break_before: (i == 0 && !after_heading) || (i >= 2 && n - i >= 2),
                ..Row::default()
            })
            .collect()
    }

    fn heading() -> Vec<Row> {
        vec![
            Row {
                height: 1,
                droppable: true,
                break_before: true,
                ..Row::default()
            },
            Row {
                height: 2,
                break_before: true,
                anchor: Some(Anchor {
                    id: "h".into(),
                    title: "h".into(),
                    level: 2,
                }),
                ..Row::default()
            },
        ]
    }

    fn heights(pages: &[Page]) -> Vec<usize> {
        pages.iter().map(Page::used).collect()
    }

    fn run(rows: Vec<Row>, capacity: usize) -> Vec<Page> {
        paginate(rows, &Notes::default(), settings(capacity))
    }

    #[test]
    fn a5_geometry_is_a_whole_number_of_ems_and_lines() {
        let g = Geometry::new(&PdfOptions::default());
        assert!((g.page_width - 419.53).abs() < 0.01);
        assert_eq!(g.measure / g.size, 31.0);
        assert_eq!(g.pitch, 17.85);
        assert!(g.lines >= 25);
        assert!(g.top + g.block_height() < g.page_height - 56.0);
    }

    #[test]
    fn no_orphan_or_widow_line() {
        let mut rows = body(9, false);
        rows.extend(body(3, false));
        assert_eq!(heights(&run(rows, 10)), [9, 3]);
        let mut rows = body(7, false);
        rows.extend(body(4, false));
        assert_eq!(heights(&run(rows, 10)), [9, 2]);
    }

    #[test]
    fn a_heading_is_never_at_the_foot_and_keeps_two_lines() {
        let mut rows = body(6, false);
        rows.extend(heading());
        rows.extend(body(5, true));
        let pages = run(rows, 10);
        assert_eq!(heights(&pages), [6, 7]);
        assert!(
            pages[1].rows[0].1.anchor.is_some(),
            "the spacer is dropped at the top"
        );
    }

    #[test]
    fn chapters_start_new_pages_on_the_right_when_asked() {
        let mut rows = body(3, false);
        let mut next = body(3, false);
        next[0].new_page = true;
        next[0].chapter_start = true;
        rows.extend(next);
        assert_eq!(heights(&run(rows.clone(), 10)), [3, 3]);
        let pages = paginate(
            rows,
            &Notes::default(),
            Settings {
                chapters_on_right: true,
                ..settings(10)
            },
        );
        assert_eq!(heights(&pages), [3, 0, 3]);
        assert!(pages[1].is_blank());
    }

    fn notes(lines: &[(NoteKey, usize)]) -> Notes {
        Notes {
            bodies: lines
                .iter()
                .map(|&(k, n)| (k, vec![Line::default(); n]))
                .collect(),
            pitch: 8.0,
            separator: 6.0,
        }
    }

    #[test]
    fn a_note_goes_to_the_page_that_cites_it() {
        // 10 lines of 10 pt; a 3-line note takes 6 + 24 = 30 pt, i.e. three grid lines
        let mut rows = body(9, false);
        rows[5].notes = vec![(0, 1)];
        let pages = paginate(rows, &notes(&[((0, 1), 3)]), settings(10));
        assert_eq!(heights(&pages), [7, 2]);
        assert_eq!(
            pages[0].notes,
            [NotePart {
                key: (0, 1),
                lines: 0..3
            }]
        );
    }

    #[test]
    fn a_long_note_continues_on_the_next_pages() {
        let mut rows = body(8, false);
        rows[2].notes = vec![(0, 1)];
        let pages = paginate(rows, &notes(&[((0, 1), 20)]), settings(10));
        assert_eq!(
            pages[0].notes[0].lines.start, 0,
            "the note starts on the page citing it"
        );
        let parts: Vec<&NotePart> = pages.iter().flat_map(|p| &p.notes).collect();
        assert!(parts.len() >= 2);
        for pair in parts.windows(2) {
            assert_eq!(pair[0].lines.end, pair[1].lines.start, "{parts:?}");
        }
        assert_eq!(parts.last().unwrap().lines.end, 20);
        let body_lines: usize = pages.iter().map(Page::used).sum();
        assert_eq!(body_lines, 8);
    }

    #[test]
    fn a_table_repeats_its_header_on_the_next_page() {
        let mut rows = body(6, false);
        let header = Row {
            height: 1,
            break_before: true,
            table: Some(TablePart {
                id: 7,
                header: true,
                last: false,
            }),
            ..Row::default()
        };
        rows.push(header);
        for i in 0..6 {
            rows.push(Row {
                height: 1,
                break_before: i > 0,
                table: Some(TablePart {
                    id: 7,
                    header: false,
                    last: i == 5,
                }),
                ..Row::default()
            });
        }
        let pages = run(rows, 10);
        assert_eq!(heights(&pages), [10, 4]);
        assert!(pages[1].rows[0].1.table.unwrap().header);
    }
}
