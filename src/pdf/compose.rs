//! Composition: the document model → rows of typeset lines, ready to paginate.
//!
//! Body text is 2-em indented and justified; section headings are set in the sans face
//! and kept with what follows; a chapter title opens a new page in a title block (with
//! the authors, in a book of one chapter); quotes and lists are indented, code is set
//! line for line in the monospace face on a shaded ground, tables are ruled three-line
//! tables in smaller type, figures are scaled into the text block with their captions,
//! and footnotes are set for the foot of the page.

use std::cell::RefCell;
use std::collections::HashMap;

use super::justify::{set_line, Align, Line, PlacedGlyph};
use super::linebreak::{break_lines, Params};
use super::paginate::{
    Anchor, Geometry, NoteKey, Notes, Row, RowFill, RowImage, RowLine, RowRule, TablePart, TocLink,
};
use super::shape::{shape_paragraph, FontBank, Marks, Piece, Style};
use crate::fonts::Face;
use crate::model::{
    note_marker, plain_text, Block, Book, Chapter, CodeBlock, ColumnAlign, Figure, Heading,
    ImageAsset, Inline, LinkTarget, List, Table,
};

/// Turns a book into rows.
pub struct Composer<'a> {
    /// The fonts.
    pub bank: &'a FontBank<'a>,
    /// Page geometry.
    pub geometry: Geometry,
    /// The book's images.
    pub images: &'a [ImageAsset],
    /// Link targets, indexed by the `link` mark of glyphs.
    pub links: RefCell<Vec<LinkTarget>>,
    /// Footnote bodies, set for the foot of the page.
    pub notes: RefCell<HashMap<NoteKey, Vec<Line>>>,
    tables: RefCell<usize>,
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

/// Scale of footnote type to body type.
const NOTE_SCALE: f32 = 0.8;
/// Scale of table and caption type to body type.
const SMALL_SCALE: f32 = 0.9;
/// Scale of code type to body type.
const CODE_SCALE: f32 = 0.85;

impl<'a> Composer<'a> {
    /// A composer for `images` with `bank` on `geometry`.
    pub fn new(
        bank: &'a FontBank<'a>,
        geometry: Geometry,
        images: &'a [ImageAsset],
    ) -> Composer<'a> {
        Composer {
            bank,
            geometry,
            images,
            links: RefCell::default(),
            notes: RefCell::default(),
            tables: RefCell::new(0),
        }
    }

    /// Every row of the book, in order: for a book of several chapters a title page and
    /// a table of contents first.
    pub fn rows(&self, book: &Book) -> Vec<Row> {
        let mut rows = Vec::new();
        let single = book.chapters.len() == 1;
        if !single {
            rows.extend(self.title_page(book));
            rows.extend(self.contents(book));
        }
        for (index, chapter) in book.chapters.iter().enumerate() {
            rows.extend(self.chapter(book, index, chapter, single));
        }
        rows
    }

    /// The room footnotes take: their bodies, pitch and separator.
    pub fn take_notes(&self) -> Notes {
        Notes {
            bodies: self.notes.take(),
            pitch: self.note_pitch(),
            separator: self.geometry.pitch,
        }
    }

    /// Baseline distance of footnote lines.
    pub fn note_pitch(&self) -> f32 {
        (self.geometry.size * NOTE_SCALE * 1.5 * 100.0).round() / 100.0
    }

    fn body_size(&self) -> f32 {
        self.geometry.size
    }

    /// Sets inline content into lines.
    fn lines(&self, inlines: &[Inline], setting: Setting) -> Vec<Line> {
        let mut pieces = Vec::new();
        self.flatten(
            inlines,
            Style::plain(setting.face, setting.size),
            &mut pieces,
        );
        self.lines_of_pieces(&pieces, setting)
    }

    fn text_lines(&self, text: &str, setting: Setting) -> Vec<Line> {
        let style = Style::plain(setting.face, setting.size);
        self.lines_of_pieces(&[Piece::Text(text.to_string(), style)], setting)
    }

    fn lines_of_pieces(&self, pieces: &[Piece], setting: Setting) -> Vec<Line> {
        let items = shape_paragraph(pieces, self.bank, setting.measure, setting.display);
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
                    setting.indent,
                    setting.justify,
                    setting.align,
                )
            })
            .collect()
    }

    /// Inline content → pieces of styled text.
    fn flatten(&self, inlines: &[Inline], style: Style, out: &mut Vec<Piece>) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => out.push(Piece::Text(t.clone(), style)),
                Inline::Emphasis(inner) => {
                    let marks = Marks {
                        emphasis: true,
                        ..style.marks
                    };
                    self.flatten(inner, Style { marks, ..style }, out);
                }
                Inline::Strong(inner) => {
                    let face = match style.face {
                        Face::SerifRegular => Face::SerifBold,
                        other => other,
                    };
                    self.flatten(inner, Style { face, ..style }, out);
                }
                Inline::Strikethrough(inner) => {
                    let marks = Marks {
                        strike: true,
                        ..style.marks
                    };
                    self.flatten(inner, Style { marks, ..style }, out);
                }
                Inline::Code(code) => out.push(Piece::Text(
                    code.clone(),
                    Style {
                        face: Face::Mono,
                        ..style
                    },
                )),
                Inline::Link { target, content } => {
                    let mut links = self.links.borrow_mut();
                    links.push(target.clone());
                    let marks = Marks {
                        link: Some(links.len() as u32 - 1),
                        ..style.marks
                    };
                    drop(links);
                    self.flatten(content, Style { marks, ..style }, out);
                }
                Inline::NoteRef(number) => {
                    let marks = Marks {
                        note: Some(*number as u32),
                        ..Marks::default()
                    };
                    out.push(Piece::Text(
                        note_marker(*number),
                        Style {
                            size: style.size * 0.6,
                            rise: style.rise + style.size * 0.42,
                            marks,
                            ..style
                        },
                    ));
                }
                Inline::Superscript(inner) => {
                    let script = Style {
                        size: style.size * 0.7,
                        rise: style.rise + style.size * 0.36,
                        ..style
                    };
                    self.flatten(inner, script, out);
                }
                Inline::Subscript(inner) => {
                    let script = Style {
                        size: style.size * 0.7,
                        rise: style.rise - style.size * 0.14,
                        ..style
                    };
                    self.flatten(inner, script, out);
                }
                Inline::Ruby { base, annotation } => out.push(Piece::Ruby {
                    base: base.clone(),
                    annotation: annotation.clone(),
                    style,
                }),
                Inline::Lang { content, .. } => self.flatten(content, style, out),
                Inline::LineBreak => out.push(Piece::LineBreak),
            }
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

    /// Groups of centred display lines stacked from `top` (points below the row's top),
    /// each group at its own pitch after its own space; returns the lines and the bottom.
    fn stack(&self, groups: &[(Vec<Line>, f32, f32)], top: f32) -> (Vec<RowLine>, f32) {
        let mut out = Vec::new();
        let mut y = top;
        for (lines, pitch, space_before) in groups {
            y += space_before;
            for line in lines {
                // baseline: the em box centred in this line's pitch
                let above = (pitch - line.size) / 2.0 + 0.88 * line.size;
                out.push(RowLine {
                    line: line.clone(),
                    x: 0.0,
                    baseline: y + above,
                });
                y += pitch;
            }
        }
        (out, y)
    }

    fn grid_lines(&self, height: f32) -> usize {
        (height / self.geometry.pitch - 1e-3).ceil().max(1.0) as usize
    }

    /// The title page of a book of several chapters.
    fn title_page(&self, book: &Book) -> Vec<Row> {
        let meta = &book.metadata;
        let title = self.display_setting(Face::SansBold, 2.2, Align::Center);
        let sub = self.display_setting(Face::SerifRegular, 1.35, Align::Center);
        let byline = self.display_setting(Face::SerifRegular, 1.2, Align::Center);
        let mut groups = vec![(self.text_lines(&meta.title, title), title.size * 1.45, 0.0)];
        if let Some(subtitle) = &meta.subtitle {
            groups.push((self.text_lines(subtitle, sub), sub.size * 1.6, sub.size));
        }
        if !meta.authors.is_empty() {
            groups.push((
                self.text_lines(&meta.authors.join(" "), byline),
                byline.size * 1.6,
                3.0 * byline.size,
            ));
        }
        let capacity = self.geometry.block_height();
        let (mut lines, _) = self.stack(&groups, capacity * 0.22);
        if let Some(publisher) = &meta.publisher {
            let (publisher_lines, _) = self.stack(
                &[(self.text_lines(publisher, byline), byline.size * 1.6, 0.0)],
                capacity - 2.0 * self.geometry.pitch,
            );
            lines.extend(publisher_lines);
        }
        vec![Row {
            height: self.geometry.lines,
            lines,
            break_before: true,
            new_page: true,
            chapter_start: true,
            ..Row::default()
        }]
    }

    /// The table of contents: chapter titles and their sections, with leaders to the
    /// page numbers (set once the pages are known) and links.
    fn contents(&self, book: &Book) -> Vec<Row> {
        let heading = self.display_setting(Face::SansBold, 1.3, Align::Center);
        let name = if book.metadata.language.starts_with("zh") {
            "目录"
        } else {
            "Contents"
        };
        let (lines, bottom) = self.stack(
            &[(self.text_lines(name, heading), heading.size * 1.4, 0.0)],
            self.geometry.pitch,
        );
        let mut rows = vec![Row {
            height: self.grid_lines(bottom + self.geometry.pitch),
            lines,
            break_before: true,
            new_page: true,
            chapter_start: true,
            ..Row::default()
        }];
        let number_room = 3.0 * self.body_size();
        for chapter in &book.chapters {
            let Some(title) = chapter.title() else {
                continue;
            };
            let entries = std::iter::once(title).chain(chapter.headings().filter(|h| h.level == 2));
            for h in entries {
                let left = if h.level == 1 {
                    0.0
                } else {
                    2.0 * self.body_size()
                };
                let face = if h.level == 1 {
                    Face::SerifBold
                } else {
                    Face::SerifRegular
                };
                let setting = Setting {
                    face,
                    measure: self.geometry.measure - left - number_room,
                    indent: 0.0,
                    justify: false,
                    align: Align::Left,
                    ..self.body_setting(self.full_frame())
                };
                let lines = self.text_lines(&plain_text(&h.content), setting);
                let n = lines.len();
                let leader_from = left + lines.last().map_or(0.0, |l| l.width);
                let baseline = self.geometry.baseline_in_line();
                rows.push(Row {
                    height: n,
                    lines: lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, line)| RowLine {
                            line,
                            x: left,
                            baseline: baseline + i as f32 * self.geometry.pitch,
                        })
                        .collect(),
                    break_before: true,
                    toc: Some(TocLink {
                        id: h.id.clone(),
                        right: self.geometry.measure,
                        leader_from,
                    }),
                    ..Row::default()
                });
            }
        }
        rows
    }

    fn chapter(&self, book: &Book, index: usize, chapter: &Chapter, single: bool) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut blocks = chapter.blocks.as_slice();
        match chapter.title() {
            Some(title) => {
                blocks = &blocks[1..];
                rows.push(self.title_block(book, title, single));
            }
            None => rows.push(Row {
                height: 0,
                break_before: true,
                ..Row::default()
            }),
        }
        let mut after_heading = true;
        self.blocks(
            blocks,
            self.full_frame(),
            index,
            &mut rows,
            &mut after_heading,
        );
        if let Some(first) = rows.first_mut() {
            first.new_page = true;
            first.chapter_start = true;
            first.chapter = Some(index);
        }
        self.footnotes(chapter, index);
        rows
    }

    fn blocks(
        &self,
        blocks: &[Block],
        frame: Frame,
        chapter: usize,
        rows: &mut Vec<Row>,
        after_heading: &mut bool,
    ) {
        for block in blocks {
            match block {
                Block::Heading(h) => {
                    rows.extend(self.heading(h, *after_heading, frame));
                    *after_heading = true;
                    continue;
                }
                Block::Paragraph(p) => {
                    let lines = self.lines(&p.content, self.body_setting(frame));
                    rows.extend(self.body_rows(lines, *after_heading, frame, chapter));
                }
                Block::Byline(p) => {
                    let setting = Setting {
                        indent: 0.0,
                        justify: false,
                        align: Align::Right,
                        ..self.body_setting(frame)
                    };
                    let mut byline =
                        self.body_rows(self.lines(&p.content, setting), true, frame, chapter);
                    if let Some(first) = byline.first_mut() {
                        // the byline stays with the text it signs
                        first.break_before = false;
                    }
                    rows.extend(byline);
                }
                Block::Quote(inner) => {
                    let inset = 2.0 * self.body_size();
                    let quote = Frame {
                        left: frame.left + inset,
                        width: (frame.width - 2.0 * inset).max(8.0 * self.body_size()),
                        ..frame
                    };
                    self.blocks(inner, quote, chapter, rows, after_heading);
                }
                Block::List(list) => self.list(list, frame, chapter, rows),
                Block::Code(code) => rows.extend(self.code(code, frame)),
                Block::Table(table) => rows.extend(self.table(table, frame, chapter)),
                Block::Figure(figure) => rows.extend(self.figure(figure, frame)),
                Block::Rule => rows.push(self.rule(frame)),
            }
            *after_heading = false;
        }
    }

    /// Lines one row each: a page may not leave one line of a block alone at its foot
    /// or top, nor separate a heading from the first two lines after it.
    fn body_rows(
        &self,
        lines: Vec<Line>,
        after_heading: bool,
        frame: Frame,
        chapter: usize,
    ) -> Vec<Row> {
        let n = lines.len();
        let baseline = self.geometry.baseline_in_line();
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| {
                let notes = notes_of(&line, chapter);
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

    /// A chapter's title block: the title large in the sans face, broken between its
    /// phrases; in a book of one chapter also the subtitle and the authors.
    fn title_block(&self, book: &Book, heading: &Heading, single: bool) -> Row {
        let pitch = self.geometry.pitch;
        let title = Setting {
            measure: self.geometry.measure * 0.9,
            ..self.display_setting(Face::SansBold, 1.9, Align::Center)
        };
        let mut groups = vec![(self.lines(&heading.content, title), title.size * 1.45, 0.0)];
        if single {
            let meta = &book.metadata;
            let narrow = |setting: Setting| Setting {
                measure: title.measure,
                ..setting
            };
            if let Some(subtitle) = &meta.subtitle {
                let sub = narrow(self.display_setting(Face::SerifRegular, 1.3, Align::Center));
                groups.push((
                    self.text_lines(subtitle, sub),
                    sub.size * 1.5,
                    0.3 * sub.size,
                ));
            }
            if !meta.authors.is_empty() {
                let by = narrow(self.display_setting(Face::SerifRegular, 1.15, Align::Center));
                groups.push((
                    self.text_lines(&meta.authors.join(" "), by),
                    by.size * 1.5,
                    by.size,
                ));
            }
        }
        let (lines, bottom) = self.stack(&groups, pitch);
        let lines = self.shift(lines, (self.geometry.measure - title.measure) / 2.0);
        Row {
            height: self.grid_lines(bottom + 1.5 * pitch),
            lines,
            break_before: true,
            new_page: true,
            chapter_start: true,
            anchor: Some(Anchor {
                id: heading.id.clone(),
                title: plain_text(&heading.content),
                level: 1,
            }),
            ..Row::default()
        }
    }

    fn shift(&self, mut lines: Vec<RowLine>, dx: f32) -> Vec<RowLine> {
        for l in &mut lines {
            l.x += dx;
        }
        lines
    }

    /// A section heading: a blank line before it (dropped at a page top, left out right
    /// after another heading), then the heading in the sans face, centred for level 2,
    /// flush left below.
    fn heading(&self, heading: &Heading, after_heading: bool, frame: Frame) -> Vec<Row> {
        let pitch = self.geometry.pitch;
        let (scale, align) = match heading.level {
            1 | 2 => (1.2, Align::Center),
            3 => (1.1, Align::Left),
            _ => (1.0, Align::Left),
        };
        let measure = if align == Align::Center {
            frame.width * 0.85
        } else {
            frame.width
        };
        let setting = Setting {
            measure,
            ..self.display_setting(Face::SansBold, scale, align)
        };
        let lines = self.lines(&heading.content, setting);
        let line_pitch = setting.size * 1.4;
        let text_height = lines.len() as f32 * line_pitch;
        let height = self.grid_lines(text_height + if heading.level <= 2 { pitch } else { 0.0 });
        let top = (height as f32 * pitch - text_height) / 2.0;
        let (lines, _) = self.stack(&[(lines, line_pitch, 0.0)], top);
        let lines = self.shift(lines, frame.left + (frame.width - measure) / 2.0);
        let mut rows = Vec::new();
        if heading.level <= 3 && !after_heading {
            rows.push(Row {
                height: 1,
                droppable: true,
                break_before: true,
                ..Row::default()
            });
        }
        rows.push(Row {
            height,
            lines,
            break_before: true,
            anchor: Some(Anchor {
                id: heading.id.clone(),
                title: plain_text(&heading.content),
                level: heading.level,
            }),
            ..Row::default()
        });
        rows
    }

    /// A list: each item begins like a paragraph, 2 em in, with its marker (bullet,
    /// number or task box) and a full-width space; a nested list is indented 2 em more.
    fn list(&self, list: &List, frame: Frame, chapter: usize, rows: &mut Vec<Row>) {
        let inset = if frame.in_list {
            2.0 * self.body_size()
        } else {
            0.0
        };
        let depth = (frame.left / (2.0 * self.body_size())).round() as usize;
        let inner = Frame {
            left: frame.left + inset,
            width: (frame.width - inset).max(8.0 * self.body_size()),
            in_list: true,
        };
        for (i, item) in list.items.iter().enumerate() {
            let marker = match (item.checked, list.start) {
                (Some(true), _) => "▣".to_string(),
                (Some(false), _) => "□".to_string(),
                (None, Some(start)) => format!("{}.", start + i as u64),
                (None, None) => ["•", "◦", "▪"][depth.min(2)].to_string(),
            };
            let marker = Piece::Text(
                format!("{marker}\u{3000}"),
                Style::plain(Face::SerifRegular, self.body_size()),
            );
            let mut blocks = item.blocks.as_slice();
            let mut pieces = vec![marker];
            if let Some((Block::Paragraph(first), rest)) = blocks.split_first() {
                self.flatten(
                    &first.content,
                    Style::plain(Face::SerifRegular, self.body_size()),
                    &mut pieces,
                );
                blocks = rest;
            }
            let lines = self.lines_of_pieces(&pieces, self.body_setting(inner));
            rows.extend(self.body_rows(lines, false, inner, chapter));
            let mut after_heading = false;
            self.blocks(blocks, inner, chapter, rows, &mut after_heading);
        }
    }

    /// A code block: the monospace face in smaller type on a shaded ground, line for
    /// line, never justified; a line too long is wrapped between tokens, the
    /// continuation marked with ↪.
    fn code(&self, code: &CodeBlock, frame: Frame) -> Vec<Row> {
        let size = (self.body_size() * CODE_SCALE * 10.0).round() / 10.0;
        let pad = 0.5 * self.body_size();
        let measure = frame.width - 2.0 * pad;
        let mut visual: Vec<Line> = Vec::new();
        for source_line in code.text.split('\n') {
            visual.extend(self.code_line(source_line, size, measure));
        }
        let n = visual.len();
        let baseline = self.geometry.baseline_in_line();
        visual
            .into_iter()
            .enumerate()
            .map(|(i, line)| Row {
                height: 1,
                lines: vec![RowLine {
                    line,
                    x: frame.left + pad,
                    baseline,
                }],
                fills: vec![RowFill {
                    x: frame.left,
                    width: frame.width,
                }],
                break_before: i == 0 || (i >= 2 && n - i >= 2),
                ..Row::default()
            })
            .collect()
    }

    /// One source line of code, wrapped if needed.
    fn code_line(&self, text: &str, size: f32, measure: f32) -> Vec<Line> {
        let style = Style::plain(Face::Mono, size);
        // shape character by character runs of one font (the monospace face lacks rare
        // characters: those come from the serif)
        let mut glyphs: Vec<PlacedGlyph> = Vec::new();
        let mut x = 0.0;
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let font = self.bank.font_for(style.face, &chars[start].to_string());
            let mut end = start + 1;
            while end < chars.len()
                && self.bank.font_for(style.face, &chars[end].to_string()) == font
            {
                end += 1;
            }
            let run: String = chars[start..end].iter().collect();
            for g in self.bank.shape(font, &run, true, size) {
                glyphs.push(PlacedGlyph {
                    font: g.font,
                    size,
                    id: g.id,
                    x: x + g.dx,
                    dy: g.dy,
                    advance: g.advance,
                    text: g.text,
                    marks: Marks::default(),
                });
                x += g.advance;
            }
            start = end;
        }
        // wrap: break after the last space that keeps the line within the measure
        let mut lines = Vec::new();
        let marker_width = size;
        let mut rest: &[PlacedGlyph] = &glyphs;
        let mut continued = false;
        while !rest.is_empty() {
            let offset = rest[0].x - if continued { 2.0 * marker_width } else { 0.0 };
            let fits = |g: &PlacedGlyph| g.x + g.advance - offset <= measure + 0.01;
            let all = rest.iter().take_while(|g| fits(g)).count();
            let take = if all == rest.len() {
                all
            } else {
                rest[..all]
                    .iter()
                    .rposition(|g| g.text == " ")
                    .map(|p| p + 1)
                    .filter(|&p| p > 0)
                    .unwrap_or(all.max(1))
            };
            let mut line = Line {
                glyphs: rest[..take]
                    .iter()
                    .map(|g| PlacedGlyph {
                        x: g.x - offset,
                        ..g.clone()
                    })
                    .collect(),
                width: 0.0,
                size,
            };
            if continued {
                let mark = self
                    .bank
                    .shape(self.bank.font_for(Face::Mono, "→"), "→", true, size);
                line.glyphs.splice(
                    0..0,
                    mark.into_iter().map(|g| PlacedGlyph {
                        font: g.font,
                        size,
                        id: g.id,
                        x: g.dx,
                        dy: g.dy,
                        advance: g.advance,
                        text: g.text,
                        marks: Marks::default(),
                    }),
                );
            }
            line.width = line.glyphs.last().map_or(0.0, |g| g.x + g.advance);
            lines.push(line);
            rest = &rest[take..];
            continued = true;
        }
        if lines.is_empty() {
            lines.push(Line {
                size,
                ..Line::default()
            });
        }
        lines
    }

    /// A three-line table (a heavy rule above and below, a light one under the header):
    /// smaller type, column widths from the content, cells broken by the Chinese rules
    /// and aligned as the source says; the header repeats on each page.
    fn table(&self, table: &Table, frame: Frame, chapter: usize) -> Vec<Row> {
        let size = (self.body_size() * SMALL_SCALE * 10.0).round() / 10.0;
        let pad = 0.5 * self.body_size();
        let columns = table.align.len().max(1);
        let setting = |face: Face, measure: f32, align: Align| Setting {
            face,
            size,
            measure,
            indent: 0.0,
            justify: false,
            align,
            display: false,
        };
        // natural (one-line) and minimum (longest unbreakable piece) widths
        let mut natural = vec![2.0 * pad; columns];
        let mut minimum = vec![2.0 * pad; columns];
        // the header in the bold serif, the body in the regular one
        let all_rows: Vec<(Face, &Vec<Vec<Inline>>)> =
            std::iter::once((Face::SerifBold, &table.header))
                .chain(table.rows.iter().map(|r| (Face::SerifRegular, r)))
                .collect();
        for &(face, row) in &all_rows {
            for (c, cell) in row.iter().enumerate().take(columns) {
                let mut pieces = Vec::new();
                self.flatten(cell, Style::plain(face, size), &mut pieces);
                let items = shape_paragraph(&pieces, self.bank, frame.width, false);
                let width: f32 = items.atoms.iter().map(|a| a.width).sum::<f32>()
                    + items.gaps.iter().skip(1).map(|g| g.width).sum::<f32>();
                let widest = items.atoms.iter().map(|a| a.width).fold(0.0, f32::max);
                natural[c] = natural[c].max(width + 2.0 * pad);
                minimum[c] = minimum[c].max(widest + 2.0 * pad);
            }
        }
        let widths = column_widths(&natural, &minimum, frame.width);
        let line_pitch = size * 1.5;
        let id = {
            let mut n = self.tables.borrow_mut();
            *n += 1;
            *n
        };
        let last = table.rows.len();
        let mut rows = Vec::new();
        for (r, &(face, cells)) in all_rows.iter().enumerate() {
            let mut lines = Vec::new();
            let mut tallest = 1;
            let mut x = frame.left;
            let mut notes = Vec::new();
            for (c, cell) in cells.iter().enumerate().take(columns) {
                let align = match table.align.get(c) {
                    Some(ColumnAlign::Center) => Align::Center,
                    Some(ColumnAlign::Right) => Align::Right,
                    _ => Align::Left,
                };
                let cell_lines = self.lines(cell, setting(face, widths[c] - 2.0 * pad, align));
                tallest = tallest.max(cell_lines.len());
                for (k, line) in cell_lines.into_iter().enumerate() {
                    notes.extend(notes_of(&line, chapter));
                    lines.push((line, x + pad, k));
                }
                x += widths[c];
            }
            let text_height = tallest as f32 * line_pitch + 0.25 * size;
            let height = self.grid_lines(text_height);
            let top = (height as f32 * self.geometry.pitch - tallest as f32 * line_pitch) / 2.0;
            let row_lines = lines
                .into_iter()
                .map(|(line, x, k)| RowLine {
                    baseline: top + k as f32 * line_pitch + (line_pitch - size) / 2.0 + 0.88 * size,
                    line,
                    x,
                })
                .collect();
            let bottom = height as f32 * self.geometry.pitch;
            let mut rules = Vec::new();
            let rule = |y: f32, width: f32| RowRule {
                x: frame.left,
                y,
                length: frame.width,
                width,
                dotted: false,
            };
            if r == 0 {
                rules.push(rule(0.0, 1.0));
                rules.push(rule(bottom, 0.5));
            }
            if r == last {
                rules.push(rule(bottom, 1.0));
            }
            rows.push(Row {
                height,
                lines: row_lines,
                rules,
                break_before: r == 0 || (r >= 2 && last + 1 - r >= 2),
                notes,
                table: Some(TablePart {
                    id,
                    header: r == 0,
                    last: r == last,
                }),
                ..Row::default()
            });
        }
        rows
    }

    /// A figure: the image scaled to fit the text block (not beyond 150 dpi, never
    /// taller than the page), centred, its caption below in smaller type.
    fn figure(&self, figure: &Figure, frame: Frame) -> Vec<Row> {
        let Some(asset) = self.images.get(figure.image) else {
            return Vec::new();
        };
        let pitch = self.geometry.pitch;
        let caption_setting = Setting {
            measure: frame.width,
            ..self.display_setting(Face::SerifRegular, SMALL_SCALE, Align::Center)
        };
        let caption = figure
            .caption
            .as_ref()
            .map(|c| {
                self.text_lines(
                    c,
                    Setting {
                        display: false,
                        ..caption_setting
                    },
                )
            })
            .unwrap_or_default();
        let caption_pitch = caption_setting.size * 1.5;
        let caption_height = if caption.is_empty() {
            0.0
        } else {
            0.4 * pitch + caption.len() as f32 * caption_pitch
        };
        let natural_width = asset.width as f32 * 72.0 / 150.0;
        let natural_height = asset.height as f32 * 72.0 / 150.0;
        let max_height = self.geometry.block_height() - caption_height - pitch;
        let scale = (frame.width / natural_width)
            .min(max_height / natural_height)
            .min(1.0);
        let (width, height) = (natural_width * scale, natural_height * scale);
        let rows_needed = self.grid_lines(height + caption_height + pitch);
        let top = (rows_needed as f32 * pitch - height - caption_height) / 2.0;
        let (lines, _) = self.stack(&[(caption, caption_pitch, 0.0)], top + height + 0.4 * pitch);
        let lines = self.shift(lines, frame.left);
        vec![Row {
            height: rows_needed,
            lines,
            images: vec![RowImage {
                image: figure.image,
                x: frame.left + (frame.width - width) / 2.0,
                y: top,
                width,
                height,
            }],
            break_before: true,
            ..Row::default()
        }]
    }

    /// A thematic break: a short centred rule with a line of space on either side.
    fn rule(&self, frame: Frame) -> Row {
        let length = 4.0 * self.body_size();
        Row {
            height: 2,
            rules: vec![RowRule {
                x: frame.left + (frame.width - length) / 2.0,
                y: self.geometry.pitch,
                length,
                width: 0.5,
                dotted: false,
            }],
            break_before: true,
            ..Row::default()
        }
    }

    /// Sets the chapter's footnotes for the foot of the page: smaller type, the mark
    /// hanging before the text.
    fn footnotes(&self, chapter: &Chapter, index: usize) {
        let size = (self.body_size() * NOTE_SCALE * 10.0).round() / 10.0;
        let hang = 1.6 * size;
        for note in &chapter.footnotes {
            let setting = Setting {
                face: Face::SerifRegular,
                size,
                measure: self.geometry.measure - hang,
                indent: 0.0,
                justify: true,
                align: Align::Left,
                display: false,
            };
            let mut lines = Vec::new();
            for block in &note.blocks {
                let content = match block {
                    Block::Paragraph(p) | Block::Byline(p) => p.content.clone(),
                    other => {
                        let mut text = String::new();
                        other.each_text(&mut |t, _| text.push_str(t));
                        vec![Inline::Text(text)]
                    }
                };
                lines.extend(self.lines(&content, setting));
            }
            if lines.is_empty() {
                lines.push(Line::default());
            }
            for line in &mut lines {
                for g in &mut line.glyphs {
                    g.x += hang;
                }
                line.width += hang;
                line.size = size;
            }
            let marker = self.text_lines(
                &note_marker(note.number),
                Setting {
                    justify: false,
                    ..setting
                },
            );
            if let (Some(first), Some(mark)) = (lines.first_mut(), marker.into_iter().next()) {
                first.glyphs.splice(0..0, mark.glyphs);
            }
            self.notes.borrow_mut().insert((index, note.number), lines);
        }
    }

    /// A running head or folio: one line of small type, centred; a title too long for
    /// the line keeps as many of its phrases as fit.
    pub fn furniture(&self, text: &str) -> Line {
        let setting = self.display_setting(Face::SerifRegular, 0.85, Align::Center);
        let mut phrases: Vec<&str> = text.split(' ').filter(|p| !p.is_empty()).collect();
        loop {
            let candidate = phrases.join(" ");
            let lines = self.text_lines(&candidate, setting);
            if lines.len() <= 1 || phrases.len() <= 1 {
                return lines.into_iter().next().unwrap_or_default();
            }
            phrases.pop();
        }
    }

    /// A page number in a table of contents: body type, flush right at `right`.
    pub fn page_number(&self, number: usize, right: f32) -> Line {
        let setting = Setting {
            measure: right,
            indent: 0.0,
            justify: false,
            align: Align::Right,
            ..self.body_setting(self.full_frame())
        };
        self.text_lines(&number.to_string(), setting)
            .into_iter()
            .next()
            .unwrap_or_default()
    }
}

/// The footnotes cited on a line.
fn notes_of(line: &Line, chapter: usize) -> Vec<NoteKey> {
    let mut notes: Vec<NoteKey> = Vec::new();
    for g in &line.glyphs {
        if let Some(n) = g.marks.note {
            let key = (chapter, n as usize);
            if !notes.contains(&key) {
                notes.push(key);
            }
        }
    }
    notes
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
    let sum: f32 = widths.iter().sum();
    widths.iter().map(|w| w * total / sum).collect()
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
}
