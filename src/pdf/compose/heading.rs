//! Section headings: the sans face, centred at levels 1 and 2, on whole grid lines,
//! with a droppable blank line before them.

use super::{notes_of, shift, Frame, Setter, Setting, DISPLAY_LEADING};
use crate::fonts::Face;
use crate::model::Heading;
use crate::pdf::justify::Align;
use crate::pdf::rows::{Anchor, Row};
use crate::pdf::tags::{ElemId, Role};

impl Setter<'_, '_> {
    /// A section heading: a blank line before it (dropped at a page top, left out right
    /// after another heading), then the heading in the sans face, centred for level 2,
    /// flush left below.
    pub(super) fn heading(
        &mut self,
        heading: &Heading,
        after_heading: bool,
        frame: Frame,
        parent: ElemId,
    ) -> Vec<Row> {
        let pitch = self.c.geometry.pitch;
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
            ..self.c.display_setting(Face::SansBold, scale, align)
        };
        let elem = self.tree.add(Role::H(heading.level), parent);
        let lines = self.lines(&heading.content, setting, elem);
        let line_pitch = setting.size * DISPLAY_LEADING;
        let text_height = lines.len() as f32 * line_pitch;
        let height = self
            .c
            .grid_lines(text_height + if heading.level <= 2 { pitch } else { 0.0 });
        let top = (height as f32 * pitch - text_height) / 2.0;
        let (lines, _) = self.c.stack(&[(lines, line_pitch, 0.0)], top);
        let lines = shift(lines, frame.left + (frame.width - measure) / 2.0);
        let mut rows = Vec::new();
        if heading.level <= 3 && !after_heading {
            rows.push(Row {
                height: 1,
                droppable: true,
                break_before: true,
                ..Row::default()
            });
        }
        let notes = notes_of(lines.iter().map(|l| &l.line), self.chapter);
        rows.push(Row {
            height,
            lines,
            notes,
            break_before: true,
            anchor: Some(Box::new(Anchor {
                id: heading.id.clone(),
                title: crate::model::plain_text(&heading.content),
                level: heading.level,
            })),
            ..Row::default()
        });
        rows
    }
}
