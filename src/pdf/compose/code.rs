//! Code blocks: the monospace face in smaller type on a shaded ground, line for line,
//! never justified; a line too long is wrapped between tokens (or, failing that,
//! between characters), the continuation marked with an arrow that is an artifact, not
//! text.

use super::{Frame, Setter, CODE_SCALE};
use crate::fonts::Face;
use crate::model::CodeBlock;
use crate::pdf::justify::{Line, PlacedGlyph, PlacedText};
use crate::pdf::rows::{Row, RowFill, RowLine};
use crate::pdf::shape::{GlyphText, Marks};
use crate::pdf::tags::{ElemId, Role};

/// The mark that begins a wrapped code line's continuation.
const CONTINUATION: &str = "→";

impl Setter<'_, '_> {
    /// A code block's rows: one per visual line.
    pub(super) fn code(&mut self, code: &CodeBlock, frame: Frame, parent: ElemId) -> Vec<Row> {
        let c = self.c;
        let size = (c.body_size() * CODE_SCALE * 10.0).round() / 10.0;
        let pad = 0.5 * c.body_size();
        let measure = frame.width - 2.0 * pad;
        let elem = self.tree.add(Role::Code, parent);
        let mut visual: Vec<Line> = Vec::new();
        for source_line in code.text.split('\n') {
            visual.extend(self.code_line(source_line, size, measure, elem));
        }
        let n = visual.len();
        let baseline = c.geometry.baseline_in_line();
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

    /// One source line of code, shaped in runs of one font (the monospace face lacks
    /// rare characters: those come from the serif) and wrapped if needed.
    fn code_line(&self, text: &str, size: f32, measure: f32, elem: ElemId) -> Vec<Line> {
        let bank = self.c.bank;
        // each glyph with its text, which the line it goes to keeps
        let mut glyphs: Vec<(PlacedGlyph, GlyphText)> = Vec::new();
        let mut x = 0.0;
        let chars: Vec<char> = text.chars().collect();
        let font_of = |c: char| {
            let mut buf = [0u8; 4];
            bank.font_for(Face::Mono, c.encode_utf8(&mut buf))
        };
        let mut start = 0;
        while start < chars.len() {
            let font = font_of(chars[start]);
            let mut end = start + 1;
            while end < chars.len() && font_of(chars[end]) == font {
                end += 1;
            }
            let run: String = chars[start..end].iter().collect();
            for g in bank.shape(font, &run, true).iter() {
                let placed = PlacedGlyph {
                    font,
                    size,
                    id: g.id,
                    x: x + g.dx * size,
                    dy: g.dy * size,
                    advance: g.advance * size,
                    text: PlacedText::NONE,
                    marks: Marks::default(),
                    elem,
                };
                glyphs.push((placed, g.text.clone()));
                x += g.advance * size;
            }
            start = end;
        }
        // wrap: break after the last space that keeps the line within the measure
        let mut lines = Vec::new();
        let indent = 2.0 * size;
        let mut rest: &[(PlacedGlyph, GlyphText)] = &glyphs;
        let mut continued = false;
        while !rest.is_empty() {
            let offset = rest[0].0.x - if continued { indent } else { 0.0 };
            let fits = |g: &PlacedGlyph| g.x + g.advance - offset <= measure + 0.01;
            let all = rest.iter().take_while(|(g, _)| fits(g)).count();
            let take = if all == rest.len() {
                all
            } else {
                rest[..all]
                    .iter()
                    .rposition(|(_, text)| *text == GlyphText::Char(' '))
                    .map(|p| p + 1)
                    .filter(|&p| p > 0)
                    .unwrap_or(all.max(1))
            };
            let mut line = Line::new(0.0, size);
            if continued {
                let font = bank.font_for(Face::Mono, CONTINUATION);
                for g in bank.shape(font, CONTINUATION, true).iter() {
                    let text = line.keep(g.text.as_str());
                    line.glyphs.push(PlacedGlyph {
                        font,
                        size,
                        id: g.id,
                        x: g.dx * size,
                        dy: g.dy * size,
                        advance: g.advance * size,
                        text,
                        marks: Marks::default(),
                        elem: ElemId::ARTIFACT,
                    });
                }
            }
            for (g, text) in &rest[..take] {
                let text = line.keep(text.as_str());
                line.glyphs.push(PlacedGlyph {
                    x: g.x - offset,
                    text,
                    ..g.clone()
                });
            }
            line.width = line.glyphs.last().map_or(0.0, |g| g.x + g.advance);
            lines.push(line);
            rest = &rest[take..];
            continued = true;
        }
        if lines.is_empty() {
            lines.push(Line::new(0.0, size));
        }
        lines
    }
}
