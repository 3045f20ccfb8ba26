//! Footnotes, set for the foot of the page: smaller type, justified, the mark hanging
//! before the text. A note cited from another note goes to the page of the note that
//! cites it.

use super::{notes_of, Setter, Setting, NOTE_SCALE};
use crate::fonts::Face;
use crate::model::{note_marker, Block, Chapter, Inline};
use crate::pdf::justify::{Align, Line};
use crate::pdf::rows::NoteKey;
use crate::pdf::tags::{ElemId, Role};

impl Setter<'_, '_> {
    /// Sets the chapter's footnotes.
    pub(super) fn footnotes(&mut self, chapter: &Chapter) {
        let c = self.c;
        let size = (c.body_size() * NOTE_SCALE * 10.0).round() / 10.0;
        let hang = 1.6 * size;
        let setting = Setting {
            face: Face::SerifRegular,
            size,
            measure: c.geometry.measure - hang,
            indent: 0.0,
            justify: true,
            align: Align::Left,
            display: false,
        };
        for note in &chapter.footnotes {
            let key = (self.chapter, note.number);
            let elem = self.tree.add(Role::Note, ElemId::ROOT);
            if let Some(e) = self.tree.get_mut(elem) {
                e.id = Some(format!("fn-{}-{}", self.chapter + 1, note.number));
            }
            let mut lines = Vec::new();
            let mut first_p = None;
            for block in &note.blocks {
                let content = match block {
                    Block::Paragraph(p) | Block::Byline(p) => p.content.clone(),
                    other => {
                        let mut text = String::new();
                        other.each_text(&mut |t, _| {
                            if !text.is_empty() {
                                text.push(' ');
                            }
                            text.push_str(t)
                        });
                        vec![Inline::Text(text)]
                    }
                };
                let p = self.tree.add(Role::P, elem);
                first_p.get_or_insert(p);
                lines.extend(self.lines(&content, setting, p));
            }
            if lines.is_empty() {
                lines.push(Line::default());
            }
            let mut cites: Vec<NoteKey> = Vec::new();
            for line in &mut lines {
                for k in notes_of([&*line], self.chapter) {
                    if k != key && !cites.contains(&k) {
                        cites.push(k);
                    }
                }
                for g in &mut line.glyphs {
                    g.x += hang;
                }
                line.width += hang;
                line.size = size;
            }
            let marker = c.text_lines(
                &note_marker(note.number),
                Setting {
                    justify: false,
                    ..setting
                },
                first_p.unwrap_or(elem),
            );
            if let (Some(first), Some(mark)) = (lines.first_mut(), marker.into_iter().next()) {
                first.glyphs.splice(0..0, mark.glyphs);
            }
            self.notes.insert(key, lines);
            self.note_cites.insert(key, cites);
        }
    }

    /// Adds to each row the notes that the notes it cites cite, so that those go to the
    /// same page.
    pub(super) fn expand_note_citations(&mut self) {
        if self.note_cites.values().all(Vec::is_empty) {
            return;
        }
        for row in &mut self.rows {
            let mut k = 0;
            while k < row.notes.len() {
                if let Some(cited) = self.note_cites.get(&row.notes[k]) {
                    for key in cited {
                        if !row.notes.contains(key) {
                            row.notes.push(*key);
                        }
                    }
                }
                k += 1;
            }
        }
    }
}
