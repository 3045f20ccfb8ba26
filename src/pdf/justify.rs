//! Justification: a broken line → glyphs at their final positions.
//!
//! Marks at the line's edges lose their blank halves; then the line's gaps stretch or
//! shrink by the breaker's ratio, and what rounding leaves is spread evenly, so that every
//! line but a paragraph's last is flush at both edges.

use super::linebreak::LineSpan;
use super::shape::{FontKey, GlyphStr, Index, Items, Marks, SpaceGlyph};
use super::tags::ElemId;

/// The most a letter's ink may overhang the end of a line, in em, for the line to be
/// set a little narrower to keep it inside the measure.
const MAX_OVERHANG: f32 = 0.3;

/// Horizontal alignment of a line that is not justified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Flush left (a paragraph's last line).
    Left,
    /// Centred (headings, titles).
    Center,
    /// Flush right (the byline).
    Right,
}

/// A glyph placed on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    /// Its font.
    pub font: FontKey,
    /// Size in points.
    pub size: f32,
    /// Glyph id.
    pub id: u16,
    /// Pen position from the line's left edge, in points.
    pub x: f32,
    /// Baseline offset (up is positive), in points.
    pub dy: f32,
    /// Advance width, in points.
    pub advance: f32,
    /// The text it stands for (read it with [`Line::text`]).
    pub text: PlacedText,
    /// Decorations (emphasis, strike-through, link).
    pub marks: Marks,
    /// The structure element it belongs to.
    pub elem: ElemId,
}

impl PlacedGlyph {
    /// A glyph drawn in a gap (a space, a hyphen) at `x`, belonging to `elem`.
    pub fn gap(glyph: SpaceGlyph, x: f32, elem: ElemId) -> PlacedGlyph {
        PlacedGlyph {
            font: glyph.font,
            size: glyph.size,
            id: glyph.id,
            x,
            dy: 0.0,
            advance: glyph.advance,
            text: PlacedText::char(glyph.text),
            marks: Marks::default(),
            elem,
        }
    }
}

/// The text a placed glyph stands for, in four bytes (a long book holds a million placed
/// glyphs from composition until its PDF is written): a character, nothing, or the
/// number of a longer text (`——`, a ligature) that its line keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacedText(u32);

impl PlacedText {
    /// No text: another glyph of the same cluster holds it.
    pub const NONE: PlacedText = PlacedText(char::MAX as u32 + 1);

    /// The character `c`.
    pub fn char(c: char) -> PlacedText {
        PlacedText(c as u32)
    }
}

/// A finished line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Glyphs, left to right.
    pub glyphs: Vec<PlacedGlyph>,
    /// Width actually occupied (from the left edge).
    pub width: f32,
    /// The largest type size on the line.
    pub size: f32,
    /// The texts of more than one character that its glyphs stand for.
    longer: Vec<Box<str>>,
}

impl Line {
    /// An empty line `width` wide, its largest type `size` points.
    pub fn new(width: f32, size: f32) -> Line {
        Line {
            glyphs: Vec::new(),
            width,
            size,
            longer: Vec::new(),
        }
    }

    /// Keeps `text` for a glyph to be placed on this line.
    pub fn keep(&mut self, text: GlyphStr<'_>) -> PlacedText {
        match text {
            GlyphStr::None => PlacedText::NONE,
            GlyphStr::Char(c) => PlacedText::char(c),
            GlyphStr::Str(s) => {
                self.longer.push(s.into());
                PlacedText(PlacedText::NONE.0 + self.longer.len() as u32)
            }
        }
    }

    /// The text glyph `g` of this line stands for.
    pub fn text(&self, g: &PlacedGlyph) -> GlyphStr<'_> {
        let PlacedText(n) = g.text;
        if let Some(c) = char::from_u32(n) {
            return GlyphStr::Char(c);
        }
        match n.checked_sub(PlacedText::NONE.0 + 1) {
            Some(i) => self
                .longer
                .get(i as usize)
                .map_or(GlyphStr::None, |s| GlyphStr::Str(s)),
            None => GlyphStr::None,
        }
    }

    /// Renumbers the line's elements and links after its part of the book was merged
    /// into the whole.
    pub fn renumber(&mut self, elems: u32, links: u32) {
        for g in &mut self.glyphs {
            g.elem = g.elem.offset(elems);
            if let Some(link) = g.marks.link.get() {
                g.marks.link = Index::some(link + links);
            }
        }
    }
}

/// Sets `span` of `items` into a line of `measure` points, starting where the line
/// breaker put it (`span.indent`). Justified lines fill the measure; others are
/// aligned by `align`.
pub fn set_line(items: &Items, span: &LineSpan, measure: f32, justify: bool, align: Align) -> Line {
    let (line, ink) = place(items, span, measure, justify, align, 0.0);
    // a letter whose ink overhangs its box at either end of the line (a v, a hyphen):
    // set the line again a little narrower, so no ink crosses the measure
    let over_left = (-ink.0).max(0.0);
    let over_right = (ink.1 - measure).max(0.0);
    // (an overhang is a fraction of a letter; more would be an overfull line, which
    // squeezing cannot mend)
    if over_left + over_right < 0.01 || over_left + over_right > MAX_OVERHANG * line.size {
        return line;
    }
    let (mut line, _) = place(
        items,
        span,
        measure - over_left - over_right,
        justify,
        align,
        over_left,
    );
    line.width += over_right;
    line
}

/// Sets the line `offset` in from the left in `measure`; returns it with the extent of
/// its ink.
fn place(
    items: &Items,
    span: &LineSpan,
    measure: f32,
    justify: bool,
    align: Align,
    offset: f32,
) -> (Line, (f32, f32)) {
    let atoms = &items.atoms[span.start..span.end];
    let Some(last_index) = atoms.len().checked_sub(1) else {
        return (Line::default(), (0.0, 0.0));
    };
    let stretching = justify && !span.last;
    // a hyphen at the end of a line broken inside a word
    let hyphen = items
        .gaps
        .get(span.end)
        .filter(|g| span.end < items.atoms.len() && !g.forced)
        .and_then(|g| g.hyphen);
    let ratio = if stretching {
        span.ratio
    } else {
        span.ratio.min(0.0)
    };
    // widths of atoms and of the gaps before them (the first gap is not on the line)
    let mut boxes = Vec::with_capacity(atoms.len());
    let mut gaps = Vec::with_capacity(atoms.len());
    for (k, atom) in atoms.iter().enumerate() {
        let mut width = atom.width;
        let mut shift = atom.shift;
        if k == 0 {
            width -= atom.left_blank;
            shift -= atom.left_blank;
        }
        if k == last_index {
            width -= atom.right_blank;
        } else if ratio < 0.0 {
            width += ratio * atom.shrink;
        }
        boxes.push((width, shift));
        let gap = if k == 0 {
            0.0
        } else {
            let g = items.gaps[span.start + k];
            g.width
                + if ratio >= 0.0 {
                    ratio * g.stretch
                } else {
                    ratio * g.shrink
                }
        };
        gaps.push(gap);
    }
    let start = span.indent;
    let hyphen_width = hyphen.map_or(0.0, |h| h.advance);
    let natural: f32 =
        start + boxes.iter().map(|b| b.0).sum::<f32>() + gaps.iter().sum::<f32>() + hyphen_width;
    if stretching && last_index > 0 {
        // spread what the ratio left over (rounding, a line without stretch) evenly over
        // the gaps that may stretch (never inside a word), or all of them if none may
        let stretchy = |k: &usize| items.gaps[span.start + k].stretch > 0.0;
        let count = (1..=last_index).filter(stretchy).count();
        let all = count == 0;
        let spread = (measure - natural) / if all { last_index } else { count } as f32;
        for k in (1..=last_index).filter(|k| all || stretchy(k)) {
            gaps[k] += spread;
        }
    }
    let width: f32 =
        start + boxes.iter().map(|b| b.0).sum::<f32>() + gaps.iter().sum::<f32>() + hyphen_width;
    let offset = offset
        + match (stretching, align) {
            (true, _) | (false, Align::Left) => 0.0,
            (false, Align::Center) => (measure - width) / 2.0,
            (false, Align::Right) => measure - width,
        };
    let mut ink = (f32::MAX, f32::MIN);
    let spaces = (1..atoms.len())
        .filter(|&k| items.gaps[span.start + k].space.is_some())
        .count();
    let glyphs = atoms.iter().map(|a| a.glyphs.len()).sum::<usize>();
    let mut line = Line::new(width + offset, 0.0);
    line.glyphs
        .reserve_exact(glyphs + spaces + usize::from(hyphen.is_some()));
    let mut x = offset + start;
    for (k, atom) in atoms.iter().enumerate() {
        if let Some(space) = (k > 0).then(|| items.gaps[span.start + k].space).flatten() {
            line.glyphs.push(PlacedGlyph::gap(space, x, atom.elem));
        }
        x += gaps[k];
        let (box_width, shift) = boxes[k];
        let mut pen = x + shift;
        for g in &atom.glyphs {
            if k == 0 || k == last_index {
                ink = (
                    ink.0.min(pen + g.dx + g.ink.0),
                    ink.1.max(pen + g.dx + g.ink.1),
                );
            }
            let text = line.keep(g.text.as_str());
            line.glyphs.push(PlacedGlyph {
                font: g.font,
                size: g.size,
                id: g.id,
                x: pen + g.dx,
                dy: g.dy,
                advance: g.advance,
                text,
                marks: atom.marks,
                elem: atom.elem,
            });
            pen += g.advance;
        }
        line.size = line.size.max(atom.size);
        x += box_width;
    }
    if let Some(h) = hyphen {
        // added by line breaking: not part of the text
        line.glyphs.push(PlacedGlyph::gap(h, x, ElemId::ARTIFACT));
        ink.1 = ink.1.max(x + h.ink_right);
    }
    (line, ink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Face;
    use crate::pdf::linebreak::{break_lines, Params};
    use crate::pdf::shape::test_items;

    fn set(text: &str, measure: f32, indent: f32) -> Vec<Line> {
        let items = test_items(text, Face::SerifRegular, measure, false);
        let params = Params {
            measure,
            indent,
            justify: true,
        };
        break_lines(&items, &params)
            .iter()
            .map(|s| set_line(&items, s, measure, true, Align::Left))
            .collect()
    }

    #[test]
    fn justified_lines_fill_the_measure_exactly() {
        let text = "肩负“城市发展新空间、新兴产业承载地、创新驱动主引擎”的使命，2017年6月6日，镇江高新区实体化运作。作为全市最年轻的一个“板块”，镇江高新区抢抓机遇、奋力奔跑，以前所未有的干劲。";
        let lines = set(text, 155.0, 20.0);
        assert!(lines.len() > 3);
        for line in &lines[..lines.len() - 1] {
            assert!((line.width - 155.0).abs() < 0.01, "{}", line.width);
            let last = line.glyphs.last().unwrap();
            assert!(last.x < 155.0);
        }
        assert!(lines.last().unwrap().width < 155.0);
    }

    #[test]
    fn a_mark_at_the_line_end_is_set_in_half_an_em() {
        // 9 ideographs and a comma in 9.5 em: the comma loses its blank half
        let lines = set(
            "一二三四五六七八九，一二三四五六七八九，一二三四五六七八九。",
            95.0,
            0.0,
        );
        assert_eq!(lines.len(), 3);
        let first = &lines[0];
        assert_eq!(
            first.text(first.glyphs.last().unwrap()),
            GlyphStr::Char('，')
        );
        assert!((first.glyphs.last().unwrap().x - 90.0).abs() < 0.01);
        assert!((first.width - 95.0).abs() < 0.01);
    }

    #[test]
    fn a_line_keeps_the_text_of_each_glyph() {
        let mut line = Line::new(0.0, 10.0);
        let texts = [
            GlyphStr::Char('中'),
            GlyphStr::Str("——"),
            GlyphStr::None,
            GlyphStr::Str("ffi"),
            GlyphStr::Char(char::MAX),
            GlyphStr::Char('\0'),
        ];
        for text in texts {
            let text = line.keep(text);
            line.glyphs.push(PlacedGlyph {
                text,
                ..PlacedGlyph::gap(
                    SpaceGlyph {
                        font: FontKey::Bundled(Face::SerifRegular),
                        id: 1,
                        size: 10.0,
                        advance: 10.0,
                        ink_right: 10.0,
                        text: ' ',
                    },
                    0.0,
                    ElemId::ARTIFACT,
                )
            });
        }
        let read: Vec<GlyphStr<'_>> = line.glyphs.iter().map(|g| line.text(g)).collect();
        assert_eq!(read, texts);
        assert_eq!(std::mem::size_of::<PlacedText>(), 4);
    }

    #[test]
    fn paragraph_indent_and_opening_mark_at_line_start() {
        let lines = set("“一二三四五六七八九十”", 200.0, 20.0);
        // the opening quote loses its blank left half after the indent
        assert!(
            (lines[0].glyphs[0].x - 15.0).abs() < 0.01,
            "{}",
            lines[0].glyphs[0].x
        );
    }
}
