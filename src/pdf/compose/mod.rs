//! Composition: the document model → rows of typeset lines, ready to paginate, and the
//! structure tree that says what each line is.
//!
//! Body text is 2-em indented and justified; section headings are set in the sans face
//! and kept with what follows; a chapter title opens a new page in a title block (with
//! the authors, in a book of one chapter); quotes and lists are indented, code is set
//! line for line in the monospace face on a shaded ground, tables are ruled three-line
//! tables in smaller type, figures are scaled into the text block with their captions,
//! and footnotes are set for the foot of the page.
//!
//! Chapters are independent here: each is composed on its own ([`Composer::chapter`]),
//! into plain data ([`Composed`]) that the caller merges in order, so chapters can be
//! set in parallel.

mod code;
pub mod figure;
mod front;
mod heading;
mod inline;
mod list;
mod notes;
pub mod table;

use std::collections::HashMap;

use super::geometry::{baseline_in, Geometry};
use super::justify::{set_line, Align, Line};
use super::linebreak::{break_lines, Params};
use super::rows::{NoteKey, Row, RowLine, RowRule};
use super::shape::{shape_with_indent, FontBank, Piece, Style};
use super::tags::{ElemId, Role, Tree};
use crate::fonts::Face;
use crate::model::{Block, Book, Chapter, ImageAsset, Inline, LinkTarget, Place};

/// Turns a book into rows. Holds nothing that changes: one composer serves every
/// thread.
pub struct Composer<'a> {
    /// The fonts.
    pub bank: &'a FontBank<'a>,
    /// Page geometry.
    pub geometry: Geometry,
    /// The book's images.
    pub images: &'a [ImageAsset],
    /// The patterns that hyphenate Latin words in the book's language.
    hyphenate: Option<hypher::Lang>,
}

/// A part of the book set in rows: what the paginator and the emitter need of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    /// The rows, in order.
    pub rows: Vec<Row>,
    /// Footnote bodies, set for the foot of the page.
    pub notes: HashMap<NoteKey, Vec<Line>>,
    /// Link targets, indexed by the `link` mark of glyphs.
    pub links: Vec<LinkTarget>,
    /// The part's structure (its root a `Sect`).
    pub tree: Tree,
    /// Tables that had to be set in smaller type.
    pub small_tables: Vec<table::SmallTable>,
}

/// How a run of text is set.
#[derive(Debug, Clone, Copy)]
struct Setting {
    face: Face,
    size: f32,
    measure: f32,
    indent: f32,
    justify: bool,
    align: Align,
    display: bool,
}

/// Where blocks are set: an offset from the text block's left edge and a width.
#[derive(Debug, Clone, Copy)]
struct Frame {
    left: f32,
    width: f32,
    /// Inside a list item: a list here is nested, and indented further.
    in_list: bool,
}

impl Frame {
    /// The frame narrowed by `left` and `right`; deep nesting stops indenting once the
    /// frame would be narrower than [`MIN_FRAME_EMS`] ems of `size`, so nothing is ever
    /// set beyond the measure.
    fn inset(self, left: f32, right: f32, size: f32) -> Frame {
        if self.width - left - right < MIN_FRAME_EMS * size {
            return self;
        }
        Frame {
            left: self.left + left,
            width: self.width - left - right,
            ..self
        }
    }
}

/// The narrowest a quote or list may make the text, in ems.
const MIN_FRAME_EMS: f32 = 10.0;

/// Scale of footnote type to body type.
const NOTE_SCALE: f32 = 0.8;
/// Scale of table and caption type to body type.
const SMALL_SCALE: f32 = 0.9;
/// Scale of code type to body type.
const CODE_SCALE: f32 = 0.85;
/// Line height of display type (titles, headings) as a multiple of its size.
const DISPLAY_LEADING: f32 = 1.4;

impl<'a> Composer<'a> {
    /// A composer for `images` with `bank` on `geometry`, for a book in `language`.
    pub fn new(
        bank: &'a FontBank<'a>,
        geometry: Geometry,
        images: &'a [ImageAsset],
        language: &str,
    ) -> Composer<'a> {
        Composer {
            bank,
            geometry,
            images,
            hyphenate: hyphenation_language(language),
        }
    }

    /// The front matter of a book of several chapters: a title page and the table of
    /// contents. Empty for a book of one chapter.
    pub fn front_matter(&self, book: &Book) -> Composed {
        let mut setter = Setter::new(self, usize::MAX);
        if book.chapters.len() > 1 {
            let mut rows = setter.title_page(book);
            rows.extend(setter.contents(book));
            setter.rows = rows;
        }
        setter.finish()
    }

    /// Chapter `index` of `book`.
    pub fn chapter(&self, book: &Book, index: usize) -> Composed {
        let mut setter = Setter::new(self, index);
        setter.chapter(book, &book.chapters[index]);
        setter.finish()
    }

    /// Baseline distance of footnote lines.
    pub fn note_pitch(&self) -> f32 {
        (self.geometry.size * NOTE_SCALE * 1.5 * 100.0).round() / 100.0
    }

    fn body_size(&self) -> f32 {
        self.geometry.size
    }

    /// Lines of `pieces` set as `setting` says.
    fn lines_of_pieces(&self, pieces: &[Piece], setting: Setting) -> Vec<Line> {
        let items = shape_with_indent(
            pieces,
            self.bank,
            setting.measure,
            setting.indent,
            setting.display,
        );
        let params = Params {
            measure: setting.measure,
            indent: setting.indent,
            justify: setting.justify,
        };
        break_lines(&items, &params)
            .iter()
            .map(|span| {
                set_line(
                    &items,
                    span,
                    setting.measure,
                    setting.justify,
                    setting.align,
                )
            })
            .collect()
    }

    /// Plain text set as `setting` says, belonging to `elem`.
    fn text_lines(&self, text: &str, setting: Setting, elem: ElemId) -> Vec<Line> {
        let style = self.style(setting.face, setting.size, elem);
        self.lines_of_pieces(&[Piece::Text(text.to_string(), style)], setting)
    }

    /// The plain style of `face` at `size` for `elem`, hyphenating in the book's
    /// language.
    fn style(&self, face: Face, size: f32, elem: ElemId) -> Style {
        Style {
            hyphenate: if face == Face::Mono {
                None
            } else {
                self.hyphenate
            },
            ..Style::plain(face, size, elem)
        }
    }

    fn body_setting(&self, frame: Frame) -> Setting {
        Setting {
            face: Face::SerifRegular,
            size: self.body_size(),
            measure: frame.width,
            indent: 2.0 * self.body_size(),
            justify: true,
            align: Align::Left,
            display: false,
        }
    }

    fn display_setting(&self, face: Face, scale: f32, align: Align) -> Setting {
        let size = (self.body_size() * scale * 10.0).round() / 10.0;
        Setting {
            face,
            size,
            measure: self.geometry.measure,
            indent: 0.0,
            justify: false,
            align,
            display: true,
        }
    }

    fn full_frame(&self) -> Frame {
        Frame {
            left: 0.0,
            width: self.geometry.measure,
            in_list: false,
        }
    }

    /// Groups of display lines stacked from `top` (points below the row's top), each
    /// group at its own pitch after its own space; returns the lines and the bottom.
    fn stack(&self, groups: &[(Vec<Line>, f32, f32)], top: f32) -> (Vec<RowLine>, f32) {
        let mut out = Vec::new();
        let mut y = top;
        for (lines, pitch, space_before) in groups {
            y += space_before;
            for line in lines {
                out.push(RowLine {
                    line: line.clone(),
                    x: 0.0,
                    baseline: y + baseline_in(*pitch, line.size),
                });
                y += pitch;
            }
        }
        (out, y)
    }

    fn grid_lines(&self, height: f32) -> usize {
        (height / self.geometry.pitch - 1e-3).ceil().max(1.0) as usize
    }
}

/// The hypher language for a BCP 47 tag; Latin words in Chinese text are taken to be
/// English.
fn hyphenation_language(tag: &str) -> Option<hypher::Lang> {
    let primary = tag
        .split('-')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match primary.as_bytes() {
        [a, b] => hypher::Lang::from_iso([*a, *b]).or(Some(hypher::Lang::English)),
        _ => Some(hypher::Lang::English),
    }
}

/// Composes one part of the book: the rows so far, and the structure, links and notes
/// they refer to.
struct Setter<'c, 'a> {
    c: &'c Composer<'a>,
    /// The chapter's index (for note keys and table ids).
    chapter: usize,
    rows: Vec<Row>,
    tree: Tree,
    links: Vec<LinkTarget>,
    notes: HashMap<NoteKey, Vec<Line>>,
    /// Footnotes cited by each footnote.
    note_cites: HashMap<NoteKey, Vec<NoteKey>>,
    tables: usize,
    small_tables: Vec<table::SmallTable>,
    /// The number the next block of the chapter gets (see [`Place::Text`]).
    next_block: usize,
}

impl<'c, 'a> Setter<'c, 'a> {
    fn new(c: &'c Composer<'a>, chapter: usize) -> Self {
        Setter {
            c,
            chapter,
            rows: Vec::new(),
            tree: Tree::new(Role::Sect),
            links: Vec::new(),
            notes: HashMap::new(),
            note_cites: HashMap::new(),
            tables: 0,
            small_tables: Vec::new(),
            next_block: 0,
        }
    }

    fn finish(mut self) -> Composed {
        self.expand_note_citations();
        // nothing taller than half a page: a heading or title of a thousand characters
        // is cut between its lines like body text
        let max = (self.c.geometry.lines / 2).max(1);
        let pitch = self.c.geometry.pitch;
        if self
            .rows
            .iter()
            .any(|r| r.height > max && r.images.is_empty())
        {
            self.rows = std::mem::take(&mut self.rows)
                .into_iter()
                .flat_map(|r| {
                    if r.images.is_empty() {
                        r.split(max, pitch)
                    } else {
                        vec![r]
                    }
                })
                .collect();
        }
        count_places(&mut self.rows, &self.tree);
        Composed {
            rows: self.rows,
            notes: self.notes,
            links: self.links,
            tree: self.tree,
            small_tables: self.small_tables,
        }
    }

    fn chapter(&mut self, book: &Book, chapter: &Chapter) {
        let mut blocks = chapter.blocks.as_slice();
        match chapter.title() {
            Some(title) => {
                blocks = &blocks[1..];
                let row = self.title_block(book, title);
                self.rows.push(row);
                let block = self.take_block_number();
                self.place_rows(0, block);
            }
            None => self.rows.push(Row {
                height: 0,
                break_before: true,
                ..Row::default()
            }),
        }
        let mut after_heading = true;
        self.blocks(
            blocks,
            self.c.full_frame(),
            ElemId::ROOT,
            &mut after_heading,
        );
        if let Some(first) = self.rows.first_mut() {
            first.new_page = true;
            first.chapter_start = true;
            first.chapter = Some(self.chapter);
        }
        self.footnotes(chapter);
    }

    /// Inline content set as `setting` says, belonging to `elem`.
    fn lines(&mut self, inlines: &[Inline], setting: Setting, elem: ElemId) -> Vec<Line> {
        let mut pieces = Vec::new();
        let style = self.c.style(setting.face, setting.size, elem);
        self.flatten(inlines, style, &mut pieces);
        self.c.lines_of_pieces(&pieces, setting)
    }

    fn blocks(&mut self, blocks: &[Block], frame: Frame, parent: ElemId, after_heading: &mut bool) {
        for block in blocks {
            let number = self.take_block_number();
            let first_row = self.rows.len();
            self.block(block, frame, parent, after_heading);
            self.place_rows(first_row, number);
        }
    }

    /// The number of the next block of the chapter.
    fn take_block_number(&mut self) -> usize {
        self.next_block += 1;
        self.next_block - 1
    }

    /// Rows from `first` on that have no place yet begin block `block` (their offsets
    /// are counted when the chapter is done, [`count_places`]).
    fn place_rows(&mut self, first: usize, block: usize) {
        let place = Place::Text {
            chapter: self.chapter,
            block,
            offset: 0,
        };
        for row in &mut self.rows[first..] {
            if row.place.is_none() && !row.droppable {
                row.place = Some(place);
            }
        }
    }

    fn block(&mut self, block: &Block, frame: Frame, parent: ElemId, after_heading: &mut bool) {
        {
            match block {
                Block::Heading(h) => {
                    let rows = self.heading(h, *after_heading, frame, parent);
                    self.rows.extend(rows);
                    *after_heading = true;
                    return;
                }
                Block::Paragraph(p) => {
                    let elem = self.tree.add(Role::P, parent);
                    let lines = self.lines(&p.content, self.c.body_setting(frame), elem);
                    let rows = self.body_rows(lines, *after_heading, frame);
                    self.rows.extend(rows);
                }
                Block::Byline(p) => {
                    let elem = self.tree.add(Role::P, parent);
                    let setting = Setting {
                        indent: 0.0,
                        justify: false,
                        align: Align::Right,
                        ..self.c.body_setting(frame)
                    };
                    let lines = self.lines(&p.content, setting, elem);
                    let mut byline = self.body_rows(lines, true, frame);
                    if let Some(first) = byline.first_mut() {
                        // the byline stays with the text it signs
                        first.break_before = false;
                    }
                    self.rows.extend(byline);
                }
                Block::Quote(inner) => {
                    let inset = 2.0 * self.c.body_size();
                    let quote = frame.inset(inset, inset, self.c.body_size());
                    let elem = self.tree.add(Role::BlockQuote, parent);
                    self.blocks(inner, quote, elem, after_heading);
                }
                Block::List(list) => self.list(list, frame, parent),
                Block::Code(code) => {
                    let rows = self.code(code, frame, parent);
                    self.rows.extend(rows);
                }
                Block::Table(table) => {
                    let rows = self.table(table, frame, parent);
                    self.rows.extend(rows);
                }
                Block::Figure(figure) => {
                    let rows = self.figure(figure, frame, parent);
                    self.rows.extend(rows);
                }
                Block::Rule => {
                    let row = self.rule(frame);
                    self.rows.push(row);
                }
            }
            *after_heading = false;
        }
    }

    /// Lines one row each: a page may not leave one line of a block alone at its foot
    /// or top, nor separate a heading from the first two lines after it.
    fn body_rows(&self, lines: Vec<Line>, after_heading: bool, frame: Frame) -> Vec<Row> {
        let n = lines.len();
        let baseline = self.c.geometry.baseline_in_line();
        let chapter = self.chapter;
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                let notes = notes_of([&line], chapter);
                Row {
                    height: 1,
                    lines: vec![RowLine {
                        line,
                        x: frame.left,
                        baseline,
                    }],
                    break_before: (i == 0 && !after_heading) || (i >= 2 && n - i >= 2),
                    notes,
                    ..Row::default()
                }
            })
            .collect()
    }

    /// A thematic break: a short centred rule with a line of space on either side.
    fn rule(&self, frame: Frame) -> Row {
        let length = 4.0 * self.c.body_size();
        Row {
            height: 2,
            rules: vec![RowRule {
                x: frame.left + (frame.width - length) / 2.0,
                y: self.c.geometry.pitch,
                length,
                width: 0.5,
                dotted: false,
            }],
            break_before: true,
            ..Row::default()
        }
    }
}

/// Counts the offsets of the rows' places: a row that continues a block begins after
/// the block's counted characters ([`crate::script::is_counted`]) in the rows before
/// it. List markers and artifacts (hyphens added by line breaking) are no part of the
/// block's text.
fn count_places(rows: &mut [Row], tree: &Tree) {
    let mut counted: HashMap<usize, usize> = HashMap::new();
    for row in rows {
        let Some(Place::Text { block, offset, .. }) = &mut row.place else {
            continue;
        };
        let so_far = counted.entry(*block).or_default();
        *offset = *so_far;
        let glyphs = row
            .lines
            .iter()
            .flat_map(|l| l.line.glyphs.iter().map(|g| (g, l.line.text(g))));
        for (g, text) in glyphs {
            let label = tree.get(g.elem).is_some_and(|e| e.role == Role::Lbl);
            if !g.elem.is_artifact() && !label {
                *so_far += text.counted_len();
            }
        }
    }
}

/// Lines moved right by `dx`.
fn shift(mut lines: Vec<RowLine>, dx: f32) -> Vec<RowLine> {
    for l in &mut lines {
        l.x += dx;
    }
    lines
}

/// The footnotes cited on `lines`, each once, in order.
fn notes_of<'l>(lines: impl IntoIterator<Item = &'l Line>, chapter: usize) -> Vec<NoteKey> {
    let mut notes: Vec<NoteKey> = Vec::new();
    for g in lines.into_iter().flat_map(|line| &line.glyphs) {
        if let Some(n) = g.marks.note.get() {
            let key = (chapter, n as usize);
            if !notes.contains(&key) {
                notes.push(key);
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_are_hyphenated_in_the_books_language() {
        assert_eq!(hyphenation_language("zh-CN"), Some(hypher::Lang::English));
        assert_eq!(hyphenation_language("de"), Some(hypher::Lang::German));
        assert_eq!(hyphenation_language("en-GB"), Some(hypher::Lang::English));
    }
}
