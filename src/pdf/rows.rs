//! Rows: what composition hands to pagination. A row is a horizontal slice of the text
//! block, whole grid lines high, holding lines, rules, grounds and images placed
//! relative to its top and to the text block's left edge, and saying whether a page may
//! begin with it.

use super::justify::Line;
use super::tags::ElemId;
use crate::model::Place;

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
    /// The figure it belongs to.
    pub elem: ElemId,
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
    /// Which table: (chapter, number in the chapter).
    pub id: (usize, usize),
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
    /// The entry's element (its page number belongs to it).
    pub elem: ElemId,
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
    /// The heading set in this row, if any (boxed, as the fields below: most rows are a
    /// line of a paragraph, and a long book holds tens of thousands of them).
    pub anchor: Option<Box<Anchor>>,
    /// Footnotes cited in this row.
    pub notes: Vec<NoteKey>,
    /// The row's part in a table.
    pub table: Option<TablePart>,
    /// A table-of-contents entry, whose page number is set once pages are known.
    pub toc: Option<Box<TocLink>>,
    /// The first row of chapter `n`.
    pub chapter: Option<usize>,
    /// Where in the book the row's text begins (a page beginning with this row begins
    /// there).
    pub place: Option<Place>,
}

impl Row {
    /// Renumbers what the row refers to after its part of the book was merged into
    /// the whole: elements by `elems`, links by `links`.
    pub fn renumber(&mut self, elems: u32, links: u32) {
        for l in &mut self.lines {
            l.line.renumber(elems, links);
        }
        for image in &mut self.images {
            image.elem = image.elem.offset(elems);
        }
        if let Some(toc) = &mut self.toc {
            toc.elem = toc.elem.offset(elems);
        }
    }

    /// The row cut into rows of at most `max` grid lines of `pitch` (a heading or title
    /// taller than a page), by where its lines stand; the first keeps what begins the
    /// row (its anchor, its page break), the others may begin a page.
    pub fn split(self, max: usize, pitch: f32) -> Vec<Row> {
        let max = max.max(1);
        if self.height <= max {
            return vec![self];
        }
        let slices = self.height.div_ceil(max);
        let slice_height = max as f32 * pitch;
        let slice_of = |y: f32| ((y / slice_height).floor().max(0.0) as usize).min(slices - 1);
        let mut out: Vec<Row> = (0..slices)
            .map(|k| Row {
                height: if k + 1 == slices {
                    self.height - max * (slices - 1)
                } else {
                    max
                },
                break_before: true,
                fills: self.fills.clone(),
                table: self.table,
                place: self.place,
                ..Row::default()
            })
            .collect();
        for mut l in self.lines {
            // the line belongs where most of its em box is
            let k = slice_of(l.baseline - 0.4 * l.line.size);
            l.baseline -= k as f32 * slice_height;
            out[k].lines.push(l);
        }
        for mut r in self.rules {
            let k = slice_of(r.y - 0.01);
            r.y -= k as f32 * slice_height;
            out[k].rules.push(r);
        }
        for mut image in self.images {
            let k = slice_of(image.y);
            image.y -= k as f32 * slice_height;
            out[k].images.push(image);
        }
        for key in self.notes {
            let k = out
                .iter()
                .position(|row| {
                    row.lines.iter().any(|l| {
                        l.line
                            .glyphs
                            .iter()
                            .any(|g| g.marks.note.get() == Some(key.1 as u32))
                    })
                })
                .unwrap_or(0);
            out[k].notes.push(key);
        }
        let first = &mut out[0];
        first.break_before = self.break_before;
        first.droppable = self.droppable;
        first.new_page = self.new_page;
        first.chapter_start = self.chapter_start;
        first.anchor = self.anchor;
        first.toc = self.toc;
        first.chapter = self.chapter;
        out
    }

    /// The same row as furniture: repeated on a page (a table's header), so its text is
    /// an artifact, not content.
    pub fn as_artifact(&self) -> Row {
        let mut row = Row {
            new_page: false,
            anchor: None,
            place: None,
            ..self.clone()
        };
        for l in &mut row.lines {
            for g in &mut l.line.glyphs {
                g.elem = ElemId::ARTIFACT;
            }
        }
        row.notes.clear();
        row
    }
}
