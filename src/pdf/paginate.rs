//! Pagination: rows of lines on a character grid → pages.
//!
//! The text block is a whole number of lines at a fixed pitch, so body lines sit on the
//! same grid on every page. A row is one or more grid lines (a heading takes more); rows
//! say whether a page may begin with them, which is how headings are kept with the two
//! lines that follow them and how no paragraph leaves a single line alone at the foot or
//! the top of a page.

use std::collections::VecDeque;

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

/// Something to remember about a row: a heading (for the outline and running heads).
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Heading id.
    pub id: String,
    /// Plain-text title.
    pub title: String,
    /// Heading level (1 = chapter title).
    pub level: u8,
}

/// A horizontal slice of the text block: whole grid lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// Height in grid lines.
    pub height: usize,
    /// Its lines.
    pub lines: Vec<RowLine>,
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
}

/// A page: its rows, with the grid line each starts on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// (first grid line, row).
    pub rows: Vec<(usize, Row)>,
}

impl Page {
    /// Whether a chapter begins on this page.
    pub fn starts_chapter(&self) -> bool {
        self.rows.iter().any(|(_, r)| r.chapter_start)
    }
}

/// Fills pages of `capacity` grid lines with `rows`, breaking only where a row allows it
/// (the last such place on the page), dropping blank rows at the top of a page.
pub fn paginate(rows: Vec<Row>, capacity: usize) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut page = Page::default();
    let mut used = 0;
    let mut pending: VecDeque<Row> = rows.into();
    while let Some(row) = pending.pop_front() {
        if row.new_page && !page.rows.is_empty() {
            pages.push(std::mem::take(&mut page));
            used = 0;
        }
        if page.rows.is_empty() && row.droppable {
            continue;
        }
        if used + row.height > capacity && !page.rows.is_empty() {
            // go back to the last row a page may begin with
            let cut = page
                .rows
                .iter()
                .rposition(|(_, r)| r.break_before)
                .filter(|&k| k > 0)
                .unwrap_or(page.rows.len());
            let carried: Vec<Row> = page.rows.drain(cut..).map(|(_, r)| r).collect();
            while page.rows.last().is_some_and(|(_, r)| r.droppable) {
                page.rows.pop();
            }
            pages.push(std::mem::take(&mut page));
            used = 0;
            pending.push_front(row);
            for r in carried.into_iter().rev() {
                pending.push_front(Row {
                    new_page: false,
                    ..r
                });
            }
            continue;
        }
        page.rows.push((used, row));
        used += page.rows.last().map_or(0, |(_, r)| r.height);
    }
    if !page.rows.is_empty() {
        pages.push(page);
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

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
        pages
            .iter()
            .map(|p| p.rows.iter().map(|(_, r)| r.height).sum())
            .collect()
    }

    #[test]
    fn a5_geometry_is_a_whole_number_of_ems_and_lines() {
        let g = Geometry::new(&PdfOptions::default());
        assert!((g.page_width - 419.53).abs() < 0.01);
        assert_eq!(g.measure / g.size, 31.0);
        assert_eq!(g.pitch, 17.85);
        assert!(g.lines >= 25);
        assert!(g.top + g.lines as f32 * g.pitch < g.page_height - 56.0);
    }

    #[test]
    fn no_orphan_or_widow_line() {
        // 9 lines of text then a 3-line paragraph on pages of 10 lines: the paragraph
        // may not leave its first line alone at the foot
        let mut rows = body(9, false);
        rows.extend(body(3, false));
        assert_eq!(heights(&paginate(rows, 10)), [9, 3]);
        // a 4-line paragraph at the foot keeps at least two lines on each side
        let mut rows = body(7, false);
        rows.extend(body(4, false));
        assert_eq!(heights(&paginate(rows, 10)), [9, 2]);
    }

    #[test]
    fn a_heading_is_never_at_the_foot_and_keeps_two_lines() {
        let mut rows = body(6, false);
        rows.extend(heading());
        rows.extend(body(5, true));
        let pages = paginate(rows, 10);
        // 6 + spacer + heading(2) = 9; the heading would have only one line below it
        assert_eq!(heights(&pages), [6, 7]);
        assert!(
            pages[1].rows[0].1.anchor.is_some(),
            "the spacer is dropped at the top"
        );
    }

    #[test]
    fn chapters_start_new_pages() {
        let mut rows = body(3, false);
        let mut next = body(3, false);
        next[0].new_page = true;
        rows.extend(next);
        assert_eq!(heights(&paginate(rows, 10)), [3, 3]);
    }
}
