//! Tables: three-line tables (a heavy rule above and below, a light one under the
//! header) in smaller type, column widths from the content, cells broken by the Chinese
//! rules and aligned as the source says; the header repeats on each page. A row taller
//! than a page is split between its lines, so no cell is ever cut off.

use super::{notes_of, Frame, Setter, Setting, SMALL_SCALE};
use crate::error::{Code, Finding, Location};
use crate::fonts::Face;
use crate::model::{Block, Book, ColumnAlign, Inline, Table};
use crate::pdf::geometry::baseline_in;
use crate::pdf::justify::{Align, Line};
use crate::pdf::rows::{Row, RowLine, RowRule, TablePart};
use crate::pdf::shape::shape_paragraph;
use crate::pdf::tags::{ElemId, Role};

/// Line height of table type, as a multiple of its size.
const TABLE_LEADING: f32 = 1.5;
/// A cell no wider than this (in ems of table type) is kept on one line.
const SHORT_CELL: f32 = 6.0;

impl Setter<'_, '_> {
    /// A table's rows.
    pub(super) fn table(&mut self, table: &Table, frame: Frame, parent: ElemId) -> Vec<Row> {
        let c = self.c;
        let columns = columns(table);
        // the header in the bold serif, the body in the regular one
        let all_rows: Vec<(Face, &Vec<Vec<Inline>>)> =
            std::iter::once((Face::SerifBold, &table.header))
                .chain(table.rows.iter().map(|r| (Face::SerifRegular, r)))
                .collect();
        let (size, pad) = table_type(c.body_size(), columns, frame.width);
        self.small_tables.extend(SmallTable::when_small(
            self.chapter,
            table,
            size,
            c.body_size(),
        ));
        let widths = self.column_widths_of(&all_rows, columns, size, pad, frame.width);
        let line_pitch = size * TABLE_LEADING;
        self.tables += 1;
        let id = (self.chapter, self.tables);
        let table_elem = self.tree.add(Role::Table, parent);
        let last = table.rows.len();
        let mut rows = Vec::new();
        for (r, &(face, cells)) in all_rows.iter().enumerate() {
            let tr = self.tree.add(Role::TR, table_elem);
            let mut cell_lines: Vec<(Vec<Line>, f32)> = Vec::new();
            let mut x = frame.left;
            for (col, cell) in cells.iter().enumerate().take(columns) {
                let align = match table.align.get(col) {
                    Some(ColumnAlign::Center) => Align::Center,
                    Some(ColumnAlign::Right) => Align::Right,
                    _ => Align::Left,
                };
                let role = if r == 0 { Role::TH } else { Role::TD };
                let elem = self.tree.add(role, tr);
                let setting = Setting {
                    face,
                    size,
                    measure: widths[col] - 2.0 * pad,
                    indent: 0.0,
                    justify: false,
                    align,
                    display: false,
                };
                cell_lines.push((self.lines(cell, setting, elem), x + pad));
                x += widths[col];
            }
            let tallest = cell_lines
                .iter()
                .map(|(l, _)| l.len())
                .max()
                .unwrap_or(1)
                .max(1);
            // a row taller than a page goes in slices of whole lines
            let per_slice = self.slice_lines(line_pitch, size);
            let slices = tallest.div_ceil(per_slice);
            for s in 0..slices {
                let from = s * per_slice;
                let to = (from + per_slice).min(tallest);
                let count = to - from;
                let text_height = count as f32 * line_pitch + 0.25 * size;
                let height = c.grid_lines(text_height);
                let top = (height as f32 * c.geometry.pitch - count as f32 * line_pitch) / 2.0;
                let mut lines = Vec::new();
                let mut notes = Vec::new();
                for (cell, x) in &cell_lines {
                    for (k, line) in cell.iter().enumerate().take(to).skip(from) {
                        notes.extend(notes_of([line], self.chapter));
                        lines.push(RowLine {
                            baseline: top
                                + (k - from) as f32 * line_pitch
                                + baseline_in(line_pitch, size),
                            line: line.clone(),
                            x: *x,
                        });
                    }
                }
                let bottom = height as f32 * c.geometry.pitch;
                let rule = |y: f32, width: f32| RowRule {
                    x: frame.left,
                    y,
                    length: frame.width,
                    width,
                    dotted: false,
                };
                let mut rules = Vec::new();
                let (first_slice, last_slice) = (s == 0, s + 1 == slices);
                if r == 0 && first_slice {
                    rules.push(rule(0.0, 1.0));
                }
                if r == 0 && last_slice {
                    rules.push(rule(bottom, 0.5));
                }
                if r == last && last_slice {
                    rules.push(rule(bottom, 1.0));
                }
                rows.push(Row {
                    height,
                    lines,
                    rules,
                    break_before: if slices > 1 {
                        true
                    } else {
                        r == 0 || (r >= 2 && last + 1 - r >= 2)
                    },
                    notes,
                    table: Some(TablePart {
                        id,
                        header: r == 0 && slices == 1,
                        last: r == last && last_slice,
                    }),
                    ..Row::default()
                });
            }
        }
        rows
    }

    /// How many lines of a table row go on one page at most: half a page, which leaves
    /// room for a repeated header (the paginator repeats one of at most a third).
    fn slice_lines(&self, line_pitch: f32, size: f32) -> usize {
        let room = self.c.geometry.block_height() / 2.0 - 0.25 * size;
        ((room / line_pitch).floor() as usize).max(1)
    }

    /// Column widths from the cells' natural (one-line) and minimum (longest unbreakable
    /// piece) widths. Every column gets at least one em of table type (a breaker can
    /// split anything between characters); the minimums above that give way in
    /// proportion when they do not all fit.
    fn column_widths_of(
        &self,
        rows: &[(Face, &Vec<Vec<Inline>>)],
        columns: usize,
        size: f32,
        pad: f32,
        total: f32,
    ) -> Vec<f32> {
        let mut natural = vec![2.0 * pad; columns];
        let mut minimum = vec![2.0 * pad; columns];
        // measuring sets no element: a scratch setter keeps the tree clean
        let mut scratch = super::Setter::new(self.c, self.chapter);
        for &(face, row) in rows {
            for (col, cell) in row.iter().enumerate().take(columns) {
                let mut pieces = Vec::new();
                let style = self.c.style(face, size, ElemId::ARTIFACT);
                scratch.flatten(cell, style, &mut pieces);
                let items = shape_paragraph(&pieces, self.c.bank, total, false);
                let width: f32 = items.atoms.iter().map(|a| a.width).sum::<f32>()
                    + items.gaps.iter().skip(1).map(|g| g.width).sum::<f32>();
                // the longest piece no break falls inside (a word, a short label)
                let mut widest: f32 = 0.0;
                let mut run = 0.0;
                for (k, atom) in items.atoms.iter().enumerate() {
                    let gap = items.gaps[k];
                    if k > 0 && gap.breakable && gap.penalty < 1000.0 {
                        run = 0.0;
                    } else if k > 0 {
                        run += gap.width;
                    }
                    run += atom.width;
                    widest = widest.max(run);
                }
                // a short cell (a row label) is not broken: its column takes its width
                if width <= SHORT_CELL * size {
                    widest = widest.max(width);
                }
                natural[col] = natural[col].max(width + 2.0 * pad);
                minimum[col] = minimum[col].max(widest.min(total / 2.0) + 2.0 * pad);
            }
        }
        let floor = size + 2.0 * pad;
        let minimum = fit_minimums(&minimum, floor, total);
        let natural: Vec<f32> = natural.iter().map(|w| w.max(floor)).collect();
        column_widths(&natural, &minimum, total)
    }
}

/// The type size and the cell padding of a table of `columns` columns in a measure of
/// `total`: small type and half an em of body type each side of a cell; for a table so
/// wide that its columns could not each hold a character that way, thinner padding and
/// then smaller type, so that every column holds at least one character.
fn table_type(body: f32, columns: usize, total: f32) -> (f32, f32) {
    let normal = normal_size(body);
    let pad = 0.5 * body;
    let per_column = total / columns as f32;
    if normal + 2.0 * pad <= per_column {
        return (normal, pad);
    }
    // thin padding, the type as large as then fits (a tenth of a point down)
    let fitted = per_column / (1.0 + 2.0 * TIGHT_PAD);
    let size = (fitted * 10.0).floor() / 10.0;
    let size = if size > 0.0 { size.min(normal) } else { fitted };
    (size, TIGHT_PAD * size)
}

/// The type size of tables with room enough: the small size, to a tenth of a point.
fn normal_size(body: f32) -> f32 {
    (body * SMALL_SCALE * 10.0).round() / 10.0
}

/// A table with too many columns for its measure, set in smaller type than tables get.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmallTable {
    /// The chapter's index.
    pub chapter: usize,
    /// The table's source line.
    pub line: usize,
    /// Its columns.
    pub columns: usize,
    /// The type size it was set in, in points.
    pub size: f32,
}

impl SmallTable {
    /// `table` of `chapter` set at `size` with body type of `body`: `Some` when that is
    /// smaller than tables are normally set.
    fn when_small(chapter: usize, table: &Table, size: f32, body: f32) -> Option<SmallTable> {
        (size < normal_size(body)).then(|| SmallTable {
            chapter,
            line: table.line,
            columns: columns(table),
            size,
        })
    }
}

/// The number of columns of `table` (at least one).
fn columns(table: &Table) -> usize {
    table.align.len().max(1)
}

/// A warning for each table set in smaller type, naming its file and line.
pub fn findings(book: &Book, tables: &[SmallTable]) -> Vec<Finding> {
    let normal = normal_size(book.pdf.font_size_pt);
    tables
        .iter()
        .filter_map(|t| {
            let chapter = book.chapters.get(t.chapter)?;
            Some(Finding::new(
                Code::SmallTableType,
                Location::line(&chapter.source, t.line),
                format!(
                    "the table has {} columns, too many for the page in {normal} pt type; \
                     it was set in {:.1} pt",
                    t.columns, t.size
                ),
                "split it into narrower tables, or move some of its columns into the text",
            ))
        })
        .collect()
}

/// The tables a book's PDF will set in smaller type, estimated without typesetting: each
/// at the full measure (a table in a quote or a list is set narrower, so its type may
/// be smaller still).
pub fn estimated(book: &Book) -> Vec<SmallTable> {
    let g = crate::pdf::Geometry::new(&book.pdf);
    let mut found = Vec::new();
    for (chapter, c) in book.chapters.iter().enumerate() {
        let mut visit = |block: &Block| {
            if let Block::Table(table) = block {
                let (size, _) = table_type(g.size, columns(table), g.measure);
                found.extend(SmallTable::when_small(chapter, table, size, g.size));
            }
        };
        c.blocks.iter().for_each(|b| b.each_block(&mut visit));
    }
    found
}

/// Cell padding of a very wide table, in ems of its type.
const TIGHT_PAD: f32 = 0.2;

/// Column minimums that fit in `total`: each at least `floor`; when they add up to more
/// than `total`, what each asks above `floor` is cut in the same proportion.
fn fit_minimums(minimum: &[f32], floor: f32, total: f32) -> Vec<f32> {
    let minimum: Vec<f32> = minimum.iter().map(|m| m.max(floor)).collect();
    let sum: f32 = minimum.iter().sum();
    if sum <= total {
        return minimum;
    }
    let base = floor * minimum.len() as f32;
    let keep = ((total - base) / (sum - base)).clamp(0.0, 1.0);
    minimum.iter().map(|m| floor + (m - floor) * keep).collect()
}

/// Column widths filling `total`, as browsers lay out automatic tables: a column whose
/// content fits its fair share of the width gets its natural width; the others share
/// what is left, none below its minimum (its longest unbreakable piece).
fn column_widths(natural: &[f32], minimum: &[f32], total: f32) -> Vec<f32> {
    let sum_natural: f32 = natural.iter().sum();
    if sum_natural <= total {
        return natural.iter().map(|w| w * total / sum_natural).collect();
    }
    let n = natural.len();
    let mut widths = vec![0.0; n];
    let mut fixed = vec![false; n];
    loop {
        let free: Vec<usize> = (0..n).filter(|&i| !fixed[i]).collect();
        let used: f32 = (0..n).filter(|&i| fixed[i]).map(|i| widths[i]).sum();
        let share = (total - used) / free.len().max(1) as f32;
        let narrow: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&i| natural[i].max(minimum[i]) <= share)
            .collect();
        if narrow.is_empty() {
            // the wide columns share the rest in proportion to their natural widths
            let wide_natural: f32 = free.iter().map(|&i| natural[i]).sum();
            for &i in &free {
                widths[i] = ((total - used) * natural[i] / wide_natural).max(minimum[i]);
            }
            break;
        }
        for i in narrow {
            widths[i] = natural[i].max(minimum[i]);
            fixed[i] = true;
        }
    }
    shrink_to(widths, minimum, total)
}

/// `widths` brought to add up to `total`: spare width shared in proportion; an excess
/// taken from what each column has above its minimum, in proportion to that.
fn shrink_to(widths: Vec<f32>, minimum: &[f32], total: f32) -> Vec<f32> {
    let sum: f32 = widths.iter().sum();
    if sum <= total {
        return widths.iter().map(|w| w * total / sum).collect();
    }
    let slack: f32 = widths.iter().zip(minimum).map(|(w, m)| w - m).sum();
    if slack <= 0.0 {
        return widths.iter().map(|w| w * total / sum).collect();
    }
    let cut = ((sum - total) / slack).min(1.0);
    widths
        .iter()
        .zip(minimum)
        .map(|(w, m)| w - (w - m) * cut)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_widths_fill_the_measure() {
        let w = column_widths(&[10.0, 30.0], &[5.0, 10.0], 80.0);
        assert_eq!(w, [20.0, 60.0]);
        // a narrow column keeps its natural width, the wide one wraps
        let w = column_widths(&[50.0, 30.0, 300.0], &[10.0, 10.0, 10.0], 300.0);
        assert_eq!(w, [50.0, 30.0, 220.0]);
        let w = column_widths(&[100.0, 20.0], &[10.0, 20.0], 60.0);
        assert!((w.iter().sum::<f32>() - 60.0).abs() < 0.01);
        assert!(w[1] >= 20.0 - 0.01);
    }

    #[test]
    fn minimums_that_do_not_fit_give_way_but_keep_the_floor() {
        let m = fit_minimums(&[10.0, 50.0, 90.0], 10.0, 60.0);
        assert!((m.iter().sum::<f32>() - 60.0).abs() < 0.01);
        assert!(m.iter().all(|&w| w >= 10.0 - 0.01));
        let w = column_widths(&[10.0, 80.0, 120.0], &m, 60.0);
        assert!((w.iter().sum::<f32>() - 60.0).abs() < 0.01);
        assert!(w.iter().zip(&m).all(|(w, m)| w + 0.01 >= *m), "{w:?} {m:?}");
    }

    #[test]
    fn thirty_columns_get_smaller_type_that_fits() {
        let (size, pad) = table_type(10.5, 30, 325.0);
        assert!(30.0 * (size + 2.0 * pad) <= 325.0 + 0.01);
        assert!(size >= 7.0);
        assert_eq!(table_type(10.5, 3, 325.0), (9.5, 5.25));
    }
}
