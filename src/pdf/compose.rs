//! Composition: the document model → rows of typeset lines, ready to paginate.
//!
//! Body text is 2-em indented and justified; section headings are set in the sans face
//! and kept with what follows; a chapter title opens a new page in a title block (with
//! the authors, in a book of one chapter); the byline is set flush right.

use super::justify::{set_line, Align, Line};
use super::linebreak::{break_lines, Params};
use super::paginate::{Anchor, Geometry, Row, RowLine};
use super::shape::{shape_paragraph, FontBank, Piece, Style};
use crate::fonts::Face;
use crate::model::{plain_text, Block, Book, Chapter, Heading, Inline};

/// Turns a book into rows.
pub struct Composer<'a> {
    /// The fonts.
    pub bank: &'a FontBank<'a>,
    /// Page geometry.
    pub geometry: Geometry,
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

impl Composer<'_> {
    /// Every row of the book, in order.
    pub fn rows(&self, book: &Book) -> Vec<Row> {
        let mut rows = Vec::new();
        let single = book.chapters.len() == 1;
        if !single {
            rows.extend(self.title_page(book));
        }
        for chapter in &book.chapters {
            rows.extend(self.chapter(book, chapter, single));
        }
        rows
    }

    fn body_size(&self) -> f32 {
        self.geometry.size
    }

    /// Sets inline content into lines.
    fn lines(&self, inlines: &[Inline], setting: Setting) -> Vec<Line> {
        let mut pieces = Vec::new();
        flatten(inlines, setting.face, setting.size, &mut pieces);
        self.lines_of_pieces(&pieces, setting)
    }

    fn text_lines(&self, text: &str, setting: Setting) -> Vec<Line> {
        let style = Style {
            face: setting.face,
            size: setting.size,
        };
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

    fn body_setting(&self) -> Setting {
        Setting {
            face: Face::SerifRegular,
            size: self.body_size(),
            measure: self.geometry.measure,
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

    /// A block of centred display lines, `rows` grid lines tall, the lines stacked from
    /// `top` (points below the row's top) at their own pitch.
    fn stack(&self, groups: &[(Vec<Line>, f32, f32)], top: f32) -> (Vec<RowLine>, f32) {
        let mut out = Vec::new();
        let mut y = top;
        for (lines, pitch, space_before) in groups {
            y += space_before;
            for line in lines {
                // baseline: the em box centred in this line's pitch
                let size = line.size;
                y += (pitch - size) / 2.0 + 0.88 * size;
                out.push(RowLine {
                    line: line.clone(),
                    x: 0.0,
                    baseline: y,
                });
                y += pitch - ((pitch - size) / 2.0 + 0.88 * size);
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
        let capacity = self.geometry.lines as f32 * self.geometry.pitch;
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

    fn chapter(&self, book: &Book, chapter: &Chapter, single: bool) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut blocks = chapter.blocks.iter().peekable();
        match chapter.title() {
            Some(title) => {
                blocks.next();
                rows.push(self.title_block(book, title, single));
            }
            None => rows.push(Row {
                height: 0,
                new_page: true,
                chapter_start: true,
                break_before: true,
                ..Row::default()
            }),
        }
        let mut after_heading = true;
        for block in blocks {
            match block {
                Block::Heading(h) => {
                    rows.extend(self.heading(h, after_heading));
                    after_heading = true;
                }
                Block::Paragraph(p) => {
                    let lines = self.lines(&p.content, self.body_setting());
                    rows.extend(self.body_rows(lines, after_heading));
                    after_heading = false;
                }
                Block::Byline(p) => {
                    let setting = Setting {
                        indent: 0.0,
                        justify: false,
                        align: Align::Right,
                        ..self.body_setting()
                    };
                    let mut byline = self.body_rows(self.lines(&p.content, setting), true);
                    if let Some(first) = byline.first_mut() {
                        // the byline stays with the text it signs
                        first.break_before = false;
                    }
                    rows.extend(byline);
                    after_heading = false;
                }
            }
        }
        if let Some(first) = rows.first_mut() {
            first.new_page = true;
            first.chapter_start = true;
        }
        rows
    }

    /// Body lines, one row each: a page may not leave one line of a paragraph alone at
    /// its foot or top, nor separate a heading from the paragraph's first two lines.
    fn body_rows(&self, lines: Vec<Line>, after_heading: bool) -> Vec<Row> {
        let n = lines.len();
        let baseline = self.geometry.baseline_in_line();
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| Row {
                height: 1,
                lines: vec![RowLine {
                    line,
                    x: 0.0,
                    baseline,
                }],
                break_before: (i == 0 && !after_heading) || (i >= 2 && n - i >= 2),
                ..Row::default()
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
        let lines = self.centre(lines, title.measure);
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

    /// Lines set centred within `measure` are moved so they centre on the text block.
    fn centre(&self, mut lines: Vec<RowLine>, measure: f32) -> Vec<RowLine> {
        for l in &mut lines {
            l.x += (self.geometry.measure - measure) / 2.0;
        }
        lines
    }

    /// A section heading: a blank line before it (dropped at a page top, left out right
    /// after another heading), then the heading in the sans face, centred for level 2,
    /// flush left below.
    fn heading(&self, heading: &Heading, after_heading: bool) -> Vec<Row> {
        let pitch = self.geometry.pitch;
        let (scale, align) = match heading.level {
            2 => (1.2, Align::Center),
            3 => (1.1, Align::Left),
            _ => (1.0, Align::Left),
        };
        let setting = Setting {
            measure: if align == Align::Center {
                self.geometry.measure * 0.85
            } else {
                self.geometry.measure
            },
            ..self.display_setting(Face::SansBold, scale, align)
        };
        let lines = self.lines(&heading.content, setting);
        let line_pitch = setting.size * 1.4;
        let text_height = lines.len() as f32 * line_pitch;
        let height = self.grid_lines(text_height + if heading.level == 2 { pitch } else { 0.0 });
        let top = (height as f32 * pitch - text_height) / 2.0;
        let (lines, _) = self.stack(&[(lines, line_pitch, 0.0)], top);
        let lines = self.centre(lines, setting.measure);
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
}

/// Inline content → pieces of styled text. Bold text takes the bold face of its family.
fn flatten(inlines: &[Inline], face: Face, size: f32, out: &mut Vec<Piece>) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push(Piece::Text(t.clone(), Style { face, size })),
            Inline::Emphasis(inner) => flatten(inner, face, size, out),
            Inline::Strong(inner) => {
                let bold = match face {
                    Face::SerifRegular => Face::SerifBold,
                    other => other,
                };
                flatten(inner, bold, size, out);
            }
            Inline::LineBreak => out.push(Piece::LineBreak),
        }
    }
}
