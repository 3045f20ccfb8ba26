//! Shaping: styled text → atoms and gaps.
//!
//! An atom is what the line breaker never splits: an ideograph, a punctuation mark, a
//! `——` or `……`, a Latin word or number. Each is shaped with rustybuzz (script Hani or
//! Latn, the book's language) and knows the blank halves of its punctuation glyphs, read
//! from the font's `halt` feature. A gap sits between two atoms: its natural width (¼ em
//! between Han and Latin, a word space between Latin words, nothing between ideographs),
//! how far it may stretch or shrink, and whether a line may break there.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use rustybuzz::{script, Direction, Feature, Language, Script, ShapePlan, UnicodeBuffer};

use super::breaks;
use crate::fonts::{Face, FontSet};
use crate::script::{class, Class};

/// Which font an atom is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontKey {
    /// A bundled face.
    Bundled(Face),
    /// The installed system font that covers what the bundled ones lack.
    Fallback,
}

/// A font ready to shape with, and what has been learnt about it.
struct Loaded<'a> {
    data: &'a [u8],
    index: u32,
    face: rustybuzz::Face<'a>,
    units_per_em: f32,
    plans: RefCell<HashMap<(Script, bool), Rc<ShapePlan>>>,
    blanks: RefCell<HashMap<char, (f32, f32)>>,
}

/// The fonts of a build, with shaping plans cached per script.
pub struct FontBank<'a> {
    fonts: Vec<(FontKey, Loaded<'a>)>,
    language: Language,
}

impl<'a> FontBank<'a> {
    /// Loads the bundled faces and the fallback of `font_set`. `language` is the book's
    /// BCP 47 tag (it selects the locale forms of the glyphs).
    pub fn new(font_set: &'a FontSet, language: &str) -> FontBank<'a> {
        let mut fonts = Vec::new();
        for face in Face::ALL {
            fonts.push((FontKey::Bundled(face), (face.data(), 0)));
        }
        if let Some(fallback) = &font_set.fallback {
            fonts.push((
                FontKey::Fallback,
                (fallback.data.as_slice(), fallback.index),
            ));
        }
        let fonts = fonts
            .into_iter()
            .filter_map(|(key, (data, index))| {
                let face = rustybuzz::Face::from_slice(data, index)?;
                Some((
                    key,
                    Loaded {
                        data,
                        index,
                        units_per_em: face.units_per_em() as f32,
                        face,
                        plans: RefCell::default(),
                        blanks: RefCell::default(),
                    },
                ))
            })
            .collect();
        let language = language
            .parse()
            .unwrap_or_else(|_| "zh-Hans".parse().expect("a valid tag"));
        FontBank { fonts, language }
    }

    fn get(&self, key: FontKey) -> &Loaded<'a> {
        self.fonts
            .iter()
            .find(|(k, _)| *k == key)
            .or_else(|| self.fonts.first())
            .map(|(_, f)| f)
            .expect("the bundled fonts are always loaded")
    }

    /// The font file and face index behind `key` (for embedding).
    pub fn data(&self, key: FontKey) -> (&'a [u8], u32) {
        let f = self.get(key);
        (f.data, f.index)
    }

    /// Whether `key` has a glyph for `c`.
    pub fn has_glyph(&self, key: FontKey, c: char) -> bool {
        self.fonts
            .iter()
            .any(|(k, f)| *k == key && f.face.glyph_index(c).is_some())
    }

    /// The font to set `text` in when the style asks for `face`: the face itself when
    /// it has every character, else the regular serif (the monospace face has fewer
    /// characters), else the system fallback.
    pub fn font_for(&self, face: Face, text: &str) -> FontKey {
        let covers = |key: FontKey| {
            text.chars()
                .all(|c| c.is_whitespace() || self.has_glyph(key, c))
        };
        [
            FontKey::Bundled(face),
            FontKey::Bundled(Face::SerifRegular),
            FontKey::Fallback,
        ]
        .into_iter()
        .find(|&key| covers(key))
        .unwrap_or(FontKey::Bundled(face))
    }

    fn plan(&self, key: FontKey, script: Script, halt: bool) -> Rc<ShapePlan> {
        let f = self.get(key);
        f.plans
            .borrow_mut()
            .entry((script, halt))
            .or_insert_with(|| {
                let features: Vec<Feature> = if halt {
                    vec![Feature::new(ttf_parser::Tag::from_bytes(b"halt"), 1, ..)]
                } else {
                    Vec::new()
                };
                Rc::new(ShapePlan::new(
                    &f.face,
                    Direction::LeftToRight,
                    Some(script),
                    Some(&self.language),
                    &features,
                ))
            })
            .clone()
    }

    fn shape_raw(&self, key: FontKey, text: &str, script: Script, halt: bool) -> Vec<RawGlyph> {
        let f = self.get(key);
        let plan = self.plan(key, script, halt);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(script);
        buffer.set_language(self.language.clone());
        let shaped = rustybuzz::shape_with_plan(&f.face, &plan, buffer);
        shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(info, pos)| RawGlyph {
                id: info.glyph_id as u16,
                cluster: info.cluster as usize,
                advance: pos.x_advance as f32 / f.units_per_em,
                dx: pos.x_offset as f32 / f.units_per_em,
                dy: pos.y_offset as f32 / f.units_per_em,
            })
            .collect()
    }

    /// Shapes `text` in `key` at `size` pt.
    pub fn shape(&self, key: FontKey, text: &str, latin: bool, size: f32) -> Vec<Glyph> {
        let script = if latin { script::LATIN } else { script::HAN };
        let raw = self.shape_raw(key, text, script, false);
        let mut glyphs = Vec::with_capacity(raw.len());
        for (i, g) in raw.iter().enumerate() {
            let first_of_cluster = i == 0 || raw[i - 1].cluster != g.cluster;
            let text = if first_of_cluster {
                let end = raw[i + 1..]
                    .iter()
                    .map(|n| n.cluster)
                    .find(|&c| c != g.cluster)
                    .unwrap_or(text.len());
                let (lo, hi) = (g.cluster.min(end), g.cluster.max(end));
                text.get(lo..hi).unwrap_or_default().to_string()
            } else {
                String::new()
            };
            glyphs.push(Glyph {
                font: key,
                id: g.id,
                size,
                advance: g.advance * size,
                dx: g.dx * size,
                dy: g.dy * size,
                text,
            });
        }
        glyphs
    }

    /// The blank (left, right) parts of a full-width punctuation mark, in em, from the
    /// font's `halt` (half-width) feature: what the designer says may be taken away.
    pub fn blanks(&self, key: FontKey, c: char) -> (f32, f32) {
        if let Some(&b) = self.get(key).blanks.borrow().get(&c) {
            return b;
        }
        let mut buf = [0u8; 4];
        let text = c.encode_utf8(&mut buf);
        let full = self.shape_raw(key, text, script::HAN, false);
        let half = self.shape_raw(key, text, script::HAN, true);
        let b = match (full.as_slice(), half.as_slice()) {
            ([f], [h]) if h.advance < f.advance - 0.01 => {
                let cut = f.advance - h.advance;
                let left = (-h.dx).clamp(0.0, cut);
                (left, cut - left)
            }
            _ => (0.0, 0.0),
        };
        self.get(key).blanks.borrow_mut().insert(c, b);
        b
    }
}

struct RawGlyph {
    id: u16,
    cluster: usize,
    advance: f32,
    dx: f32,
    dy: f32,
}

/// One glyph, sizes in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Its font.
    pub font: FontKey,
    /// Glyph id in its font.
    pub id: u16,
    /// Type size.
    pub size: f32,
    /// Advance width.
    pub advance: f32,
    /// Horizontal offset from the pen position.
    pub dx: f32,
    /// Vertical offset from the baseline (up is positive).
    pub dy: f32,
    /// The text this glyph stands for (copy-paste); empty for the other glyphs of a
    /// cluster.
    pub text: String,
}

/// The look of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// The face.
    pub face: Face,
    /// Size in points.
    pub size: f32,
    /// Baseline shift in points (up is positive): superscripts, subscripts.
    pub rise: f32,
    /// Decorations drawn with the text.
    pub marks: Marks,
}

impl Style {
    /// Plain text in `face` at `size` points.
    pub fn plain(face: Face, size: f32) -> Style {
        Style {
            face,
            size,
            rise: 0.0,
            marks: Marks::default(),
        }
    }
}

/// What is drawn along with some text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    /// Emphasis: dots under ideographs (着重号), italics for Latin.
    pub emphasis: bool,
    /// Struck through.
    pub strike: bool,
    /// Part of a link (an index into the composer's link list).
    pub link: Option<u32>,
    /// The reference mark of this footnote (its number).
    pub note: Option<u32>,
}

/// Inline content of a paragraph, flattened.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Text in one style.
    Text(String, Style),
    /// Ruby: `base` with `annotation` in small type above it, never split.
    Ruby {
        /// The annotated text.
        base: String,
        /// The annotation.
        annotation: String,
        /// The base's style.
        style: Style,
    },
    /// A forced line break.
    LineBreak,
}

/// An unbreakable unit, shaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    /// Its glyphs.
    pub glyphs: Vec<Glyph>,
    /// Their font.
    pub font: FontKey,
    /// Type size in points.
    pub size: f32,
    /// Decorations.
    pub marks: Marks,
    /// Raised or lowered (a superscript, subscript or note mark): no Han–Latin space.
    pub raised: bool,
    /// Code (the monospace face): spaced from Chinese like Latin text.
    pub code: bool,
    /// Spacing class.
    pub class: Class,
    /// Width in points after the compression of adjacent marks.
    pub width: f32,
    /// Where the glyphs start relative to the atom's box (negative when a blank left
    /// half was taken away).
    pub shift: f32,
    /// Blank left part still present: taken away at the start of a line.
    pub left_blank: f32,
    /// Blank right part still present: taken away at the end of a line.
    pub right_blank: f32,
    /// How much the atom may give up in the middle of a line (`，、；` to ½ em).
    pub shrink: f32,
    /// Characters that count for a paragraph's last line (not punctuation).
    pub letters: usize,
    /// Its first and last characters.
    pub ends: (char, char),
}

/// The space between two atoms.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gap {
    /// Natural width in points.
    pub width: f32,
    /// How much it may grow (points, at adjustment ratio 1).
    pub stretch: f32,
    /// How much it may shrink (points, at ratio −1).
    pub shrink: f32,
    /// A line may break here.
    pub breakable: bool,
    /// A line must break here (a hard line break).
    pub forced: bool,
    /// Cost of breaking here (TeX penalty units).
    pub penalty: f32,
    /// A blank glyph (the ideographic space) drawn over the gap when it stands for a
    /// typed space between Chinese words, so that text extraction sees one space there
    /// rather than a hole in the line.
    pub space: Option<SpaceGlyph>,
}

/// An invisible space glyph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpaceGlyph {
    /// Its font.
    pub font: FontKey,
    /// Glyph id of U+3000.
    pub id: u16,
    /// Type size.
    pub size: f32,
}

/// A paragraph ready for the line breaker: `gaps[i]` is the gap before `atoms[i]`
/// (`gaps[0]` is unused).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Items {
    /// The atoms.
    pub atoms: Vec<Atom>,
    /// The gaps, one before each atom.
    pub gaps: Vec<Gap>,
}

/// Shapes `text` in `face` at 10 pt with the bundled fonts (for the tests of the stages
/// after shaping).
#[cfg(test)]
pub fn test_items(text: &str, face: Face, measure: f32, display: bool) -> Items {
    static SET: std::sync::OnceLock<FontSet> = std::sync::OnceLock::new();
    let bank = FontBank::new(SET.get_or_init(FontSet::default), "zh-CN");
    shape_paragraph(
        &[Piece::Text(text.into(), Style::plain(face, 10.0))],
        &bank,
        measure,
        display,
    )
}

/// Stretch of the space between two characters, in em: the unit that spreads a line's
/// remaining space evenly.
pub const CHAR_STRETCH: f32 = 0.1;

/// Shapes a paragraph's pieces into atoms and gaps. `measure` (points) bounds the width
/// of an atom: a longer one (a URL) is cut into characters so the line never overflows.
/// In `display` text (titles, headings) a space between Chinese characters separates
/// phrases: a one-em gap where lines preferably break.
pub fn shape_paragraph(
    pieces: &[Piece],
    bank: &FontBank<'_>,
    measure: f32,
    display: bool,
) -> Items {
    let mut chars: Vec<(char, Style)> = Vec::new();
    let mut forced_before: Vec<usize> = Vec::new();
    // a ruby stands in the text as one object replacement character
    let mut rubies: HashMap<usize, (&str, &str)> = HashMap::new();
    for piece in pieces {
        match piece {
            Piece::Text(text, style) => chars.extend(text.chars().map(|c| (c, *style))),
            Piece::Ruby {
                base,
                annotation,
                style,
            } => {
                rubies.insert(chars.len(), (base.as_str(), annotation.as_str()));
                chars.push(('\u{FFFC}', *style));
            }
            Piece::LineBreak => forced_before.push(chars.len()),
        }
    }
    let text: String = chars.iter().map(|(c, _)| *c).collect();
    let allowed = breaks::opportunities(&text);

    // group characters into atoms
    struct Draft {
        start: usize,
        end: usize,
        style: Style,
        space_before: bool,
        forced_before: bool,
    }
    let mut drafts: Vec<Draft> = Vec::new();
    let mut space = false;
    let mut forced = false;
    for (i, &(c, style)) in chars.iter().enumerate() {
        forced |= forced_before.contains(&i);
        if c.is_whitespace() && c != '\u{a0}' {
            space = true;
            continue;
        }
        let kind = class(c);
        let joins = drafts.last().is_some_and(|d| {
            let prev = chars[d.end - 1].0;
            d.end == i
                && !space
                && !forced
                && d.style == style
                && match kind {
                    Class::Latin => class(prev) == Class::Latin && !allowed[i],
                    Class::Inseparable => prev == c,
                    _ => false,
                }
        });
        if joins {
            if let Some(d) = drafts.last_mut() {
                d.end = i + 1;
            }
        } else {
            drafts.push(Draft {
                start: i,
                end: i + 1,
                style,
                space_before: std::mem::take(&mut space),
                forced_before: std::mem::take(&mut forced) && !drafts.is_empty(),
            });
        }
    }

    let mut items = Items::default();
    for d in &drafts {
        let atom_text: String = chars[d.start..d.end].iter().map(|(c, _)| *c).collect();
        let kind = class(chars[d.start].0);
        let atom = match rubies.get(&d.start) {
            Some((base, annotation)) => make_ruby(bank, base, annotation, d.style),
            None => make_atom(bank, &atom_text, kind, d.style),
        };
        let gap = match items.atoms.last() {
            Some(prev) => gap_between(
                prev,
                &atom,
                Boundary {
                    space: d.space_before,
                    // a footnote mark stays with the word it annotates
                    breakable: (allowed[d.start] && atom.marks.note.is_none()) || d.forced_before,
                    forced: d.forced_before,
                    display,
                },
                bank,
            ),
            None => Gap::default(),
        };
        if kind == Class::Latin && atom.width > 6.0 * d.style.size && atom_text.chars().count() > 1
        {
            // a long word or address: it may break after its delimiters (/ . @ : …),
            // and, should a piece still be longer than the line, between characters
            let mut first = true;
            for piece in split_after_delimiters(&atom_text) {
                let whole = make_atom(bank, piece, kind, d.style);
                let parts: Vec<String> = if whole.width > measure {
                    piece.chars().map(String::from).collect()
                } else {
                    vec![piece.to_string()]
                };
                for (k, part) in parts.iter().enumerate() {
                    let atom = if parts.len() == 1 {
                        whole.clone()
                    } else {
                        make_atom(bank, part, kind, d.style)
                    };
                    let gap = if std::mem::take(&mut first) {
                        gap
                    } else {
                        Gap {
                            breakable: true,
                            penalty: if k == 0 { 100.0 } else { 200.0 },
                            ..Gap::default()
                        }
                    };
                    items.gaps.push(gap);
                    items.atoms.push(atom);
                }
            }
            continue;
        }
        items.gaps.push(gap);
        items.atoms.push(atom);
    }
    compress_adjacent_marks(&mut items);
    items
}

fn make_atom(bank: &FontBank<'_>, text: &str, class: Class, style: Style) -> Atom {
    let first = text.chars().next().unwrap_or(' ');
    let font = bank.font_for(style.face, text);
    let mut glyphs = bank.shape(font, text, class == Class::Latin, style.size);
    for g in &mut glyphs {
        g.dy += style.rise;
    }
    let width: f32 = glyphs.iter().map(|g| g.advance).sum();
    let (left, right) = match class {
        Class::Opening | Class::Closing | Class::Middle => {
            let (l, r) = bank.blanks(font, first);
            (l * style.size, r * style.size)
        }
        _ => (0.0, 0.0),
    };
    let shrink = if matches!(first, '，' | '、' | '；') {
        right
    } else {
        0.0
    };
    let letters = match class {
        Class::Ideograph | Class::Latin => text.chars().count(),
        _ => 0,
    };
    let ends = (first, text.chars().last().unwrap_or(first));
    Atom {
        glyphs,
        font,
        size: style.size,
        marks: style.marks,
        raised: style.rise != 0.0,
        code: style.face == Face::Mono,
        class,
        width,
        shift: 0.0,
        left_blank: left,
        right_blank: right,
        shrink,
        letters,
        ends,
    }
}

/// A ruby: the base, and the annotation at half size centred above it.
fn make_ruby(bank: &FontBank<'_>, base: &str, annotation: &str, style: Style) -> Atom {
    let mut atom = make_atom(bank, base, Class::Ideograph, style);
    let small = style.size * 0.5;
    let latin = annotation.is_ascii()
        || annotation
            .chars()
            .any(|c| c.is_alphabetic() && !crate::script::is_wide(c));
    let font = bank.font_for(style.face, annotation);
    let mut over = bank.shape(font, annotation, latin, small);
    let over_width: f32 = over.iter().map(|g| g.advance).sum();
    let width = atom.width.max(over_width);
    let base_shift = (width - atom.width) / 2.0;
    for g in &mut atom.glyphs {
        g.dx += base_shift;
    }
    // the pen stands after the base when the annotation's glyphs begin
    let back = (width - over_width) / 2.0 - atom.width;
    for g in &mut over {
        g.dx += back;
        g.dy += style.rise + style.size * 0.95;
    }
    atom.glyphs.extend(over);
    atom.width = width;
    atom.left_blank = 0.0;
    atom.right_blank = 0.0;
    atom.ends = (
        base.chars().next().unwrap_or(' '),
        base.chars().last().unwrap_or(' '),
    );
    atom
}

/// What lies between two atoms in the source.
#[derive(Debug, Clone, Copy)]
struct Boundary {
    space: bool,
    breakable: bool,
    forced: bool,
    display: bool,
}

/// The gap between `prev` and `next` (clreq: nothing between ideographs and marks, ¼ em
/// between Han and Latin or digits, a word space between Latin words, ½ or ¾ em for a
/// space between Chinese words or phrases).
fn gap_between(prev: &Atom, next: &Atom, at: Boundary, bank: &FontBank<'_>) -> Gap {
    let em = prev.size.max(next.size);
    let char_stretch = CHAR_STRETCH * em;
    let latin = |a: &Atom| a.class == Class::Latin || a.code;
    let han = |a: &Atom| a.class == Class::Ideograph && !a.code;
    let wide = |a: &Atom| !latin(a);
    let mut gap = Gap {
        breakable: at.breakable,
        forced: at.forced,
        ..Gap::default()
    };
    let phrase = at.space && wide(prev) && wide(next) && (at.display || (han(prev) && han(next)));
    if phrase {
        // white between the ink of two words (names in a byline) or two phrases (of a
        // headline): ½ em in text, ¾ em in display type. (A full em reads as a column
        // gap to text extraction, which then tears the line apart.)
        let white = if at.display { 0.75 } else { 0.5 };
        gap.width = (white * em - prev.right_blank - next.left_blank).max(0.0);
        gap.stretch = char_stretch;
        gap.shrink = 0.25 * em;
        gap.breakable = true;
        gap.space = bank
            .shape(next.font, "\u{3000}", false, next.size)
            .first()
            .map(|g| SpaceGlyph {
                font: next.font,
                id: g.id,
                size: next.size,
            });
    } else if latin(prev) && latin(next) {
        if at.space {
            let space_width = bank
                .shape(next.font, " ", true, next.size)
                .first()
                .map_or(0.25 * em, |g| g.advance);
            gap.width = space_width;
            gap.stretch = (0.5 * em - space_width).max(0.0) + char_stretch;
            gap.shrink = (space_width - 0.25 * em).max(0.0);
        } else {
            // a break inside a Latin run (after a hyphen or slash): no space, no stretch
            gap.penalty = 50.0;
        }
    } else if !prev.raised
        && !next.raised
        && ((han(prev) && latin(next) && (next.ends.0.is_alphanumeric() || at.space))
            || (latin(prev) && han(next) && (prev.ends.1.is_alphanumeric() || at.space)))
    {
        // between Han and a Latin letter or digit (not a symbol such as +, unless a
        // space was typed there)
        gap.width = 0.25 * em;
        gap.stretch = char_stretch;
        gap.shrink = 0.125 * em;
    } else {
        // ideographs and marks: a space typed beside a full-width mark is dropped
        gap.stretch = char_stretch;
    }
    if at.display && !phrase && !(at.space && latin(prev) && latin(next)) {
        // a title breaks between its phrases, inside one only when it must
        gap.penalty += 500.0;
    }
    gap
}

/// A long Latin run cut after each delimiter of an address or path.
fn split_after_delimiters(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(
            c,
            '/' | '.' | '@' | ':' | '-' | '_' | '?' | '&' | '=' | '#' | ','
        ) {
            let end = i + c.len_utf8();
            if end < text.len() {
                pieces.push(&text[start..end]);
                start = end;
            }
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// Two adjacent marks take 1.5 em, not 2 (`。”` `）。` `：“`): half an em of the blank
/// between them goes, from the first mark's right half if it has one, else from the
/// second's left half.
fn compress_adjacent_marks(items: &mut Items) {
    for i in 1..items.atoms.len() {
        if items.gaps[i].width != 0.0 {
            continue;
        }
        let (head, tail) = items.atoms.split_at_mut(i);
        let (a, b) = (&mut head[i - 1], &mut tail[0]);
        let mark = |c: Class| matches!(c, Class::Opening | Class::Closing | Class::Middle);
        if !mark(a.class) || !mark(b.class) {
            continue;
        }
        let half = 0.5 * a.size.min(b.size);
        if a.right_blank + b.left_blank < half - 0.01 {
            continue;
        }
        let from_a = a.right_blank.min(half);
        a.right_blank -= from_a;
        a.width -= from_a;
        a.shrink = 0.0;
        let from_b = (half - from_a).min(b.left_blank);
        b.left_blank -= from_b;
        b.width -= from_b;
        b.shift -= from_b;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> FontBank<'static> {
        static SET: std::sync::OnceLock<FontSet> = std::sync::OnceLock::new();
        FontBank::new(SET.get_or_init(FontSet::default), "zh-CN")
    }

    fn items(text: &str) -> Items {
        shape_paragraph(
            &[Piece::Text(
                text.into(),
                Style::plain(Face::SerifRegular, 10.0),
            )],
            &bank(),
            300.0,
            false,
        )
    }

    fn texts(items: &Items) -> Vec<String> {
        items
            .atoms
            .iter()
            .map(|a| a.glyphs.iter().map(|g| g.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn atoms_are_ideographs_marks_words_and_pairs() {
        let it = items("用 Rust 写，2017年——好……");
        assert_eq!(
            texts(&it),
            ["用", "Rust", "写", "，", "2017", "年", "——", "好", "……"]
        );
        assert_eq!(it.atoms[6].glyphs.len(), 1, "—— is one two-em glyph");
        assert!((it.atoms[6].width - 20.0).abs() < 0.01);
    }

    #[test]
    fn han_latin_gap_is_a_quarter_em_and_replaces_a_typed_space() {
        let it = items("用 Rust写");
        assert!((it.gaps[1].width - 2.5).abs() < 0.01);
        assert!((it.gaps[2].width - 2.5).abs() < 0.01);
        assert!(it.gaps[1].breakable && it.gaps[2].breakable);
    }

    #[test]
    fn spaces_between_chinese_words_are_kept() {
        let it = items("黄颢 朱大智");
        assert!((it.gaps[2].width - 5.0).abs() < 0.01);
        // beside a mark in body text a typed space is dropped…
        let it = items("好。 再见");
        assert_eq!(it.gaps[2].width, 0.0);
        // …but in a title it separates phrases: ¾ em of white after the quote's ink
        let style = Style::plain(Face::SansBold, 10.0);
        let it = shape_paragraph(
            &[Piece::Text("“先行军” 打造".into(), style)],
            &bank(),
            300.0,
            true,
        );
        let gap = it.gaps[5];
        assert!(
            (gap.width - 2.5).abs() < 0.01 && gap.space.is_some(),
            "{gap:?}"
        );
        assert!(
            it.gaps[2].penalty > gap.penalty,
            "a title breaks between phrases"
        );
    }

    #[test]
    fn no_han_latin_gap_beside_a_symbol() {
        let it = items("网+治理");
        assert_eq!(it.gaps[1].width, 0.0);
        assert_eq!(it.gaps[2].width, 0.0);
        let it = items("达81.54%的");
        assert!((it.gaps[1].width - 2.5).abs() < 0.01);
        assert_eq!(it.gaps[2].width, 0.0);
    }

    #[test]
    fn punctuation_blanks_come_from_halt() {
        let b = bank();
        let key = FontKey::Bundled(Face::SerifRegular);
        assert_eq!(b.blanks(key, '，'), (0.0, 0.5));
        assert_eq!(b.blanks(key, '“'), (0.5, 0.0));
        assert_eq!(b.blanks(key, '”'), (0.0, 0.5));
        assert_eq!(b.blanks(key, '（'), (0.5, 0.0));
    }

    #[test]
    fn adjacent_marks_take_one_and_a_half_em() {
        for pair in ["。”", "）。", "：“", "”，", "“（"] {
            let it = items(pair);
            let total: f32 = it.atoms.iter().map(|a| a.width).sum();
            assert!((total - 15.0).abs() < 0.01, "{pair}: {total}");
        }
        let it = items("“（");
        assert!(
            (it.atoms[1].shift + 5.0).abs() < 0.01,
            "the second mark moves left"
        );
    }

    #[test]
    fn stops_may_shrink_in_mid_line() {
        let it = items("甲，乙。");
        assert!((it.atoms[1].shrink - 5.0).abs() < 0.01);
        assert_eq!(it.atoms[3].shrink, 0.0);
        assert!((it.atoms[3].right_blank - 5.0).abs() < 0.01);
    }

    #[test]
    fn forced_breaks_and_overlong_words() {
        let style = Style::plain(Face::SerifRegular, 10.0);
        let it = shape_paragraph(
            &[
                Piece::Text("甲".into(), style),
                Piece::LineBreak,
                Piece::Text("乙https://example.com/a/very/long/path".into(), style),
            ],
            &bank(),
            60.0,
            false,
        );
        assert!(it.gaps[1].forced);
        assert!(it.atoms.iter().all(|a| a.width <= 60.0));
        assert_eq!(
            split_after_delimiters("mailto:a@b.com"),
            ["mailto:", "a@", "b.", "com"]
        );
    }
}
