//! A page's content stream, with its marked content.
//!
//! Grounds, rules, emphasis dots and strike-through lines are artifacts; images are
//! their figures' content; text goes out line by line, each run of glyphs of one element
//! in one marked-content sequence (`/P <</MCID n>> BDC … EMC`), artifacts (running
//! heads, folios, the code-wrap arrow, added hyphens) in `/Artifact BMC … EMC`. A glyph
//! whose text the font's `/ToUnicode` cannot say (`——`, a glyph standing for two
//! different characters) carries `/ActualText`. Glyphs of a run share one `Tm` and one
//! `TJ`, their positions kept exact by adjustments computed from the same `/W` widths
//! the viewer uses.

use pdf_writer::types::LineCapStyle;
use pdf_writer::{Content, Name, Str, TextStr};

use super::fonts::Fonts;
use super::images::Images;
use super::structure::tag;
use super::{Area, Document, PageContent, PlacedLine, Rule};
use crate::deflate;
use crate::pdf::justify::PlacedGlyph;
use crate::pdf::shape::{GlyphStr, SLANT};
use crate::pdf::tags::{ElemId, Tree};
use crate::script::{class, Class};

/// A page's content stream, compressed, and the marked content it holds, in order.
pub struct PageStream {
    /// The deflated content stream.
    pub bytes: Vec<u8>,
    /// (element, MCID) of each marked-content sequence tied to the structure tree.
    pub marked: Vec<(ElemId, i32)>,
}

/// Builds the content stream of page `index`. In a print master everything is moved by
/// `margin` (bleed and slug) and crop marks are drawn.
pub fn page(
    doc: &Document<'_>,
    page: &PageContent,
    fonts: &Fonts,
    images: &Images,
    margin: f32,
) -> PageStream {
    let height = doc.size.1;
    let mut w = Writer {
        content: Content::with_settings(pdf_writer::Settings { pretty: false }),
        marked: Vec::new(),
        open: None,
        height,
        tree: doc.tree,
    };
    if let Some(print) = doc.print {
        if print.marks {
            w.crop_marks(doc.size, margin, print.bleed);
        }
        w.content.save_state();
        w.content.transform([1.0, 0.0, 0.0, 1.0, margin, margin]);
    }
    w.fills(&page.fills);
    for placed in &page.images {
        w.begin(placed.elem);
        w.content.save_state();
        w.content.transform([
            placed.area.width,
            0.0,
            0.0,
            placed.area.height,
            placed.area.x,
            height - placed.area.y - placed.area.height,
        ]);
        w.content
            .x_object(Name(images.image_name(placed.image).as_bytes()));
        w.content.restore_state();
    }
    w.end();
    let mut rules = page.rules.clone();
    let mut dots = Vec::new();
    for placed in &page.lines {
        decorations(placed, &mut rules, &mut dots);
    }
    w.rules(&rules);
    w.dots(&dots);
    w.text(&page.lines, fonts, images);
    if doc.print.is_some() {
        w.content.restore_state();
    }
    let raw = w.content.finish();
    PageStream {
        bytes: deflate::zlib(raw.as_slice(), deflate::CONTENT),
        marked: w.marked,
    }
}

/// What a marked-content sequence is open for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    /// Content of an element.
    Elem(ElemId),
    /// An artifact.
    Artifact,
    /// Content of an element, with its actual text.
    Actual(ElemId),
}

impl Open {
    /// The sequence plain content of `elem` goes in.
    fn of(elem: ElemId) -> Open {
        if elem.is_artifact() {
            Open::Artifact
        } else {
            Open::Elem(elem)
        }
    }
}

struct Writer<'t> {
    content: Content,
    marked: Vec<(ElemId, i32)>,
    open: Option<Open>,
    height: f32,
    tree: &'t Tree,
}

impl Writer<'_> {
    /// Opens the marked-content sequence for `elem` (closing another one first).
    fn begin(&mut self, elem: ElemId) {
        let want = Open::of(elem);
        if self.open == Some(want) {
            return;
        }
        self.end();
        if elem.is_artifact() {
            self.content.begin_marked_content(Name(b"Artifact"));
        } else {
            let mcid = self.mark(elem);
            self.content
                .begin_marked_content_with_properties(Name(tag(self.tree, elem)))
                .properties()
                .identify(mcid);
        }
        self.open = Some(want);
    }

    /// Opens a sequence for one glyph of `elem` whose text is `text`.
    fn begin_actual(&mut self, elem: ElemId, text: &str) {
        self.end();
        if elem.is_artifact() {
            self.begin(elem);
            return;
        }
        let mcid = self.mark(elem);
        self.content
            .begin_marked_content_with_properties(Name(b"Span"))
            .properties()
            .identify(mcid)
            .actual_text(TextStr(text));
        self.open = Some(Open::Actual(elem));
    }

    /// The next MCID, recorded for `elem`.
    fn mark(&mut self, elem: ElemId) -> i32 {
        let mcid = self.marked.len() as i32;
        self.marked.push((elem, mcid));
        mcid
    }

    /// Closes the open marked-content sequence, if any.
    fn end(&mut self) {
        if self.open.take().is_some() {
            self.content.end_marked_content();
        }
    }

    fn artifact(&mut self) {
        self.begin(ElemId::ARTIFACT);
    }

    fn fills(&mut self, fills: &[Area]) {
        if fills.is_empty() {
            return;
        }
        self.artifact();
        self.content.set_fill_gray(0.94);
        for a in fills {
            self.content
                .rect(a.x, self.height - a.y - a.height, a.width, a.height);
        }
        self.content.fill_nonzero();
        self.content.set_fill_gray(0.0);
        self.end();
    }

    fn rules(&mut self, rules: &[Rule]) {
        if rules.is_empty() {
            return;
        }
        self.artifact();
        self.content.set_stroke_gray(0.0);
        for rule in rules {
            self.content.set_line_width(rule.width);
            if rule.dotted {
                self.content.set_line_cap(LineCapStyle::RoundCap);
                self.content.set_dash_pattern([0.0, 3.0], 0.0);
            }
            self.content.move_to(rule.from.0, self.height - rule.from.1);
            self.content.line_to(rule.to.0, self.height - rule.to.1);
            self.content.stroke();
            if rule.dotted {
                self.content.set_dash_pattern([], 0.0);
                self.content.set_line_cap(LineCapStyle::ButtCap);
            }
        }
        self.end();
    }

    /// Filled circles (emphasis dots): four Bézier arcs each.
    fn dots(&mut self, dots: &[(f32, f32, f32)]) {
        if dots.is_empty() {
            return;
        }
        const K: f32 = 0.552_284_8;
        self.artifact();
        for &(x, y, r) in dots {
            let y = self.height - y;
            let k = K * r;
            let c = &mut self.content;
            c.move_to(x + r, y);
            c.cubic_to(x + r, y + k, x + k, y + r, x, y + r);
            c.cubic_to(x - k, y + r, x - r, y + k, x - r, y);
            c.cubic_to(x - r, y - k, x - k, y - r, x, y - r);
            c.cubic_to(x + k, y - r, x + r, y - k, x + r, y);
            c.close_path();
        }
        self.content.fill_nonzero();
        self.end();
    }

    /// The text of the page, line by line.
    fn text(&mut self, lines: &[PlacedLine], fonts: &Fonts, images: &Images) {
        if lines.is_empty() {
            return;
        }
        self.content.begin_text();
        let mut font: Option<(&str, f32)> = None;
        // one run's buffers serve every line (a flush empties them)
        let mut run = Run::default();
        for placed in lines {
            for g in &placed.line.glyphs {
                let Some(shown) = fonts.glyph(g.font, g.id) else {
                    // a colour bitmap glyph: an image between two text objects, where it
                    // stands in the text (the reading order follows the content order)
                    if let Some((name, b)) = images.glyph(g.font, g.id) {
                        let x = placed.x + g.x + b.left * g.size;
                        let y = self.height - placed.baseline + g.dy + b.bottom * g.size;
                        let matrix = [b.width * g.size, 0.0, 0.0, b.height * g.size, x, y];
                        run.flush(&mut self.content);
                        self.end();
                        self.content.end_text();
                        self.bitmap(g.elem, &placed.line.text(g).to_text(), name, matrix);
                        self.content.begin_text();
                    }
                    continue;
                };
                let (name, code) = (shown.name, shown.code);
                let text = placed.line.text(g);
                let actual = shown.actual_text(text);
                let x = placed.x + g.x;
                let y = self.height - placed.baseline + g.dy;
                let matrix = if italic(g, text) {
                    // no italic face: slant the upright one by 12°
                    [1.0, 0.0, SLANT, 1.0, x, y]
                } else {
                    [1.0, 0.0, 0.0, 1.0, x, y]
                };
                let same_run = actual.is_none()
                    && !run.actual
                    && self.open == Some(Open::of(g.elem))
                    && font == Some((name, g.size))
                    && run.continues(matrix);
                if !same_run {
                    run.flush(&mut self.content);
                    match &actual {
                        Some(text) => self.begin_actual(g.elem, text),
                        None => self.begin(g.elem),
                    }
                    if font != Some((name, g.size)) {
                        self.content.set_font(Name(name.as_bytes()), g.size);
                        font = Some((name, g.size));
                    }
                    run.start(matrix, g.size);
                    run.actual = actual.is_some();
                }
                run.push(code, x, shown.width);
            }
            run.flush(&mut self.content);
        }
        self.end();
        self.content.end_text();
    }

    /// A colour glyph drawn as an image, marked with the text it stands for.
    fn bitmap(&mut self, elem: ElemId, text: &str, name: &str, matrix: [f32; 6]) {
        if text.is_empty() {
            self.begin(elem);
        } else {
            self.begin_actual(elem, text);
        }
        self.content.save_state();
        self.content.transform(matrix);
        self.content.x_object(Name(name.as_bytes()));
        self.content.restore_state();
        self.end();
    }

    /// Crop marks at the four corners of the trim, in the slug outside the bleed.
    fn crop_marks(&mut self, (width, height): (f32, f32), margin: f32, bleed: f32) {
        use crate::pdf::geometry::{MARK_LENGTH, MARK_OFFSET};
        self.artifact();
        self.content.set_line_width(0.25);
        self.content.set_stroke_gray(0.0);
        let (x0, y0, x1, y1) = (margin, margin, margin + width, margin + height);
        let off = bleed + MARK_OFFSET;
        for (x, y, dx, dy) in [
            (x0, y0, -1.0, -1.0),
            (x1, y0, 1.0, -1.0),
            (x0, y1, -1.0, 1.0),
            (x1, y1, 1.0, 1.0),
        ] {
            self.content.move_to(x + dx * off, y);
            self.content.line_to(x + dx * (off + MARK_LENGTH), y);
            self.content.move_to(x, y + dy * off);
            self.content.line_to(x, y + dy * (off + MARK_LENGTH));
        }
        self.content.stroke();
        self.end();
    }
}

/// Glyphs shown with one `Tm` and one `TJ`: the pen advances by the `/W` widths, and
/// an adjustment moves it where the next glyph stands.
#[derive(Default)]
struct Run {
    matrix: Option<[f32; 6]>,
    size: f32,
    /// Pen position relative to the run's origin, in thousandths of an em.
    pen: f64,
    items: Vec<Item>,
    /// The glyph codes of the run's strings, one after another.
    codes: Vec<u8>,
    actual: bool,
}

enum Item {
    /// A string: `codes[start..end]`.
    Codes {
        start: usize,
        end: usize,
    },
    Adjust(f32),
}

impl Run {
    fn start(&mut self, matrix: [f32; 6], size: f32) {
        self.matrix = Some(matrix);
        self.size = size;
        self.pen = 0.0;
        self.items.clear();
        self.codes.clear();
    }

    /// Whether a glyph set with `matrix` can join the run (same slant and baseline).
    fn continues(&self, matrix: [f32; 6]) -> bool {
        self.matrix
            .is_some_and(|m| m[..4] == matrix[..4] && (m[5] - matrix[5]).abs() < 1e-4)
    }

    fn push(&mut self, code: u16, x: f32, width: f32) {
        let Some(m) = self.matrix else { return };
        let target = f64::from(x - m[4]) * 1000.0 / f64::from(self.size);
        let shift = target - self.pen;
        if shift.abs() > 0.01 {
            // TJ numbers move the pen left: a negative number moves it right
            self.items.push(Item::Adjust(-(shift as f32)));
            self.pen = target;
        }
        let start = self.codes.len();
        self.codes.extend(code.to_be_bytes());
        let end = self.codes.len();
        match self.items.last_mut() {
            Some(Item::Codes { end: last, .. }) if *last == start => *last = end,
            _ => self.items.push(Item::Codes { start, end }),
        }
        self.pen += f64::from(width);
    }

    fn flush(&mut self, content: &mut Content) {
        let Some(m) = self.matrix.take() else { return };
        if self.items.is_empty() {
            return;
        }
        content.set_text_matrix(m);
        let mut shown = content.show_positioned();
        let mut items = shown.items();
        for item in &self.items {
            match *item {
                Item::Codes { start, end } => {
                    items.show(Str(&self.codes[start..end]));
                }
                Item::Adjust(amount) => {
                    items.adjust(amount);
                }
            }
        }
        self.items.clear();
        self.codes.clear();
    }
}

/// Emphasised Latin is slanted (there is no italic face).
fn italic(g: &PlacedGlyph, text: GlyphStr<'_>) -> bool {
    g.marks.emphasis && text.first().is_some_and(|c| class(c) == Class::Latin)
}

/// Emphasis dots under the ideographs of emphasised text, and strike-through lines.
fn decorations(placed: &PlacedLine, rules: &mut Vec<Rule>, dots: &mut Vec<(f32, f32, f32)>) {
    let mut strike: Option<(f32, f32, f32, f32)> = None; // from, to, y, width
    for g in &placed.line.glyphs {
        let x = placed.x + g.x;
        let baseline = placed.baseline - g.dy;
        let first = placed.line.text(g).first();
        if g.marks.emphasis && first.is_some_and(|c| class(c) == Class::Ideograph) {
            dots.push((
                x + g.advance / 2.0,
                baseline + 0.26 * g.size,
                0.065 * g.size,
            ));
        }
        if g.marks.strike {
            let y = baseline - 0.32 * g.size;
            strike = Some(match strike {
                Some((from, _, y0, w)) => (from, x + g.advance, y0, w),
                None => (x, x + g.advance, y, 0.05 * g.size),
            });
        } else if let Some((from, to, y, w)) = strike.take() {
            rules.push(Rule {
                from: (from, y),
                to: (to, y),
                width: w,
                dotted: false,
            });
        }
    }
    if let Some((from, to, y, w)) = strike {
        rules.push(Rule {
            from: (from, y),
            to: (to, y),
            width: w,
            dotted: false,
        });
    }
}
