//! Shaping: styled text → atoms and gaps.
//!
//! An atom is what the line breaker never splits: an ideograph, a punctuation mark, a
//! `——` or `……`, a Latin word or number, an emoji sequence (a grapheme cluster is never
//! split). Each is shaped with rustybuzz (script Hani or Latn, the book's language) and
//! knows the blank halves of its punctuation glyphs, read from the font's `halt`
//! feature. A gap sits between two atoms: its natural width (¼ em between Han and
//! Latin, a word space between Latin words, nothing between ideographs), how far it may
//! stretch or shrink, and whether and at what cost a line may break there.
//!
//! Format characters draw nothing: U+200B is a break opportunity, U+2060 and U+FEFF
//! forbid one, U+00AD is a hyphenation point, joiners and variation selectors only
//! steer the shaping of the sequence they are in.

mod bank;
mod gaps;
mod split;
mod text;
mod types;

use smallvec::SmallVec;
use unicode_segmentation::UnicodeSegmentation;

use super::breaks;
use crate::fonts::Face;
use crate::script::{class, Class};
use bank::UnitGlyph;
pub use bank::{Bitmap, FontBank, FontKey};
use text::{drafts, Text};
pub use types::*;

/// The glyph of `c` in the font and size of `atom`, standing for `text`, to draw in a
/// gap (a space, a hyphen at a break).
fn gap_glyph(bank: &FontBank<'_>, atom: &Atom, c: char, text: char) -> Option<SpaceGlyph> {
    let mut buf = [0u8; 4];
    let glyphs = bank.shape(atom.font, c.encode_utf8(&mut buf), c.is_ascii());
    match &glyphs[..] {
        [g] if g.id != 0 => Some(SpaceGlyph {
            font: atom.font,
            id: g.id,
            size: atom.size,
            advance: g.advance * atom.size,
            ink_right: bank.ink(atom.font, g.id).1 * atom.size,
            text,
        }),
        _ => None,
    }
}

/// Shapes `text` in `face` at 10 pt with the bundled fonts (for the tests of the stages
/// after shaping).
#[cfg(test)]
pub fn test_items(text: &str, face: Face, measure: f32, display: bool) -> Items {
    shape_paragraph(
        &[Piece::Text(
            text.into(),
            Style::plain(face, 10.0, crate::pdf::tags::ElemId::ARTIFACT),
        )],
        test_bank(),
        measure,
        display,
    )
}

/// The bundled fonts, for unit tests.
#[cfg(test)]
pub fn test_bank() -> &'static FontBank<'static> {
    use crate::fonts::FontSet;
    static SET: std::sync::OnceLock<FontSet> = std::sync::OnceLock::new();
    static BANK: std::sync::OnceLock<FontBank<'static>> = std::sync::OnceLock::new();
    BANK.get_or_init(|| FontBank::new(SET.get_or_init(FontSet::default), "zh-CN"))
}

/// The slant of emphasised Latin (there is no italic face): tan 12°.
pub const SLANT: f32 = 0.21;

/// The ink extent of a glyph whose ink is known to stay inside its box (ideographs and
/// marks, whose blank halves the line edges take away): it never overhangs.
const NO_INK: (f32, f32) = (f32::INFINITY, f32::NEG_INFINITY);

/// Stretch of the space between two characters, in em: the unit that spreads a line's
/// remaining space evenly.
pub const CHAR_STRETCH: f32 = 0.1;

/// Shapes a paragraph's pieces into atoms and gaps for lines of `measure` points whose
/// first is indented by `indent`. In `display` text (titles, headings) a space between
/// Chinese characters separates phrases: a gap where lines preferably break. Whatever
/// the text, no unbreakable run is left wider than the line: long words are hyphenated,
/// addresses and numbers broken at their delimiters, and anything else, as a last
/// resort, between characters.
pub fn shape_paragraph(
    pieces: &[Piece],
    bank: &FontBank<'_>,
    measure: f32,
    display: bool,
) -> Items {
    shape_with_indent(pieces, bank, measure, 0.0, display)
}

/// [`shape_paragraph`] for a paragraph whose first line is indented by `indent`.
pub fn shape_with_indent(
    pieces: &[Piece],
    bank: &FontBank<'_>,
    measure: f32,
    indent: f32,
    display: bool,
) -> Items {
    let text = Text::new(pieces);
    let allowed = breaks::opportunities(&text.text);
    let chars: Vec<char> = text.text.chars().collect();
    let drafts = drafts(&text, &chars, &allowed);

    let mut items = Items::default();
    items.atoms.reserve(drafts.len());
    items.gaps.reserve(drafts.len());
    let mut byte_of = Vec::with_capacity(chars.len() + 1);
    let mut offset = 0;
    for c in &chars {
        byte_of.push(offset);
        offset += c.len_utf8();
    }
    byte_of.push(offset);
    for d in &drafts {
        let style = text.chars[d.start].0;
        let atom_text = &text.text[byte_of[d.start]..byte_of[d.end]];
        let kind = class(chars[d.start]);
        let atom = match text.rubies.get(&d.start) {
            Some((base, annotation)) => make_ruby(bank, base, annotation, style),
            None => make_atom(bank, atom_text, kind, style),
        };
        let before = d.before;
        let breakable = before.forced
            || before.allow
            || before.soft_hyphen
            || (allowed[d.start] && !before.forbid && atom.marks.note.get().is_none());
        let gap = match items.atoms.last() {
            Some(prev) => {
                let mut gap = gaps::between(
                    prev,
                    &atom,
                    gaps::Boundary {
                        space: before.space,
                        breakable,
                        forced: before.forced,
                        display,
                    },
                    bank,
                );
                if before.soft_hyphen && !before.space {
                    gap.hyphen = split::hyphen_glyph(bank, prev);
                    gap.penalty = gap.penalty.max(split::HYPHEN_PENALTY);
                }
                gap
            }
            None => Gap::default(),
        };
        if kind == Class::Latin && !text.rubies.contains_key(&d.start) {
            split::push_latin(&mut items, gap, atom, atom_text, bank);
        } else {
            items.gaps.push(gap);
            items.atoms.push(atom);
        }
    }
    gaps::compress_adjacent_marks(&mut items);
    split::emergency_breaks(&mut items, measure - indent.max(0.0));
    items
}

/// Shapes one atom of `text` in `style`.
fn make_atom(bank: &FontBank<'_>, text: &str, class: Class, style: Style) -> Atom {
    let first = text.chars().next().unwrap_or(' ');
    let latin = class == Class::Latin;
    let mut chars = text.chars();
    let one = match (chars.next(), chars.next()) {
        (Some(c), None) => bank.single(style.face, c, latin),
        _ => None,
    };
    // (font, offset of its run, glyph)
    type Shaped = SmallVec<[(FontKey, usize, UnitGlyph); 1]>;
    let (font, shaped): (FontKey, Shaped) = match one {
        Some((font, g)) => (font, smallvec::smallvec![(font, 0, g)]),
        None => {
            let runs = font_runs(bank, style.face, text);
            let font = runs.first().map_or(FontKey::Bundled(style.face), |r| r.0);
            let shaped = runs
                .iter()
                .flat_map(|(font, range)| {
                    let shaped = bank.shape(*font, &text[range.clone()], latin);
                    (0..shaped.len()).map(move |i| (*font, range.start, shaped[i].clone()))
                })
                .collect();
            (font, shaped)
        }
    };
    let glyphs: SmallVec<[Glyph; 1]> = shaped
        .into_iter()
        .map(|(font, start, g)| Glyph {
            font,
            id: g.id,
            size: style.size,
            advance: g.advance * style.size,
            dx: g.dx * style.size,
            dy: g.dy * style.size + style.rise,
            cluster: g.cluster + start as u32,
            ink: if latin {
                let (l, r) = bank.ink(font, g.id);
                // emphasised Latin is slanted by 12°: its top leans right
                let (down, up) = if style.marks.emphasis {
                    (SLANT * 0.25, SLANT * 0.75)
                } else {
                    (0.0, 0.0)
                };
                ((l - down) * style.size, (r + up) * style.size)
            } else {
                NO_INK
            },
            text: g.text,
        })
        .collect();
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
        elem: style.elem,
        hyphenate: style.hyphenate,
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

/// The fonts `text` is set in, run by run: one font when one has every character,
/// else each grapheme cluster in the first font that has it (a rare character or an
/// emoji inside a word).
fn font_runs(
    bank: &FontBank<'_>,
    face: Face,
    text: &str,
) -> Vec<(FontKey, std::ops::Range<usize>)> {
    if let (font, true) = bank.choose(face, text) {
        return vec![(font, 0..text.len())];
    }
    let mut runs: Vec<(FontKey, std::ops::Range<usize>)> = Vec::new();
    let mut push = |font: FontKey, start: usize, end: usize| match runs.last_mut() {
        Some((f, range)) if *f == font => range.end = end,
        _ => runs.push((font, start..end)),
    };
    for (start, grapheme) in text.grapheme_indices(true) {
        if let (font, true) = bank.choose(face, grapheme) {
            push(font, start, start + grapheme.len());
        } else {
            // no font has the whole cluster (a modifier after a letter): each character
            // in a font of its own
            for (i, c) in grapheme.char_indices() {
                let mut buf = [0u8; 4];
                let at = start + i;
                push(
                    bank.font_for(face, c.encode_utf8(&mut buf)),
                    at,
                    at + c.len_utf8(),
                );
            }
        }
    }
    runs
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
    let mut over: Vec<Glyph> = bank
        .shape(font, annotation, latin)
        .iter()
        .map(|g| Glyph {
            font,
            id: g.id,
            size: small,
            advance: g.advance * small,
            dx: g.dx * small,
            dy: g.dy * small,
            cluster: g.cluster,
            ink: NO_INK,
            text: g.text.clone(),
        })
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Items {
        test_items(text, Face::SerifRegular, 300.0, false)
    }

    /// The text of each atom.
    pub fn texts(items: &Items) -> Vec<String> {
        items
            .atoms
            .iter()
            .map(|a| {
                let mut s = String::new();
                for g in &a.glyphs {
                    g.text.as_str().push_to(&mut s);
                }
                s
            })
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
    fn a_run_of_dashes_is_a_run_of_pairs() {
        let it = items("正文————————");
        assert_eq!(texts(&it), ["正", "文", "——", "——", "——", "——"]);
    }

    #[test]
    fn format_characters_draw_nothing() {
        let it = items("甲\u{200B}乙\u{2060}丙\u{FEFF}丁\u{200C}戊\u{200D}己");
        assert_eq!(texts(&it), ["甲", "乙", "丙", "丁", "戊", "己"]);
        assert!(it.gaps[1].breakable, "U+200B allows a break");
        assert!(!it.gaps[2].breakable, "U+2060 forbids one");
        assert!(!it.gaps[3].breakable, "U+FEFF forbids one");
        let it = items("abc\u{200B}def");
        assert_eq!(texts(&it), ["abc", "def"]);
        assert!(it.gaps[1].breakable);
    }

    #[test]
    fn a_soft_hyphen_is_a_hyphenation_point() {
        let it = items("Typo\u{AD}graphie");
        assert_eq!(texts(&it)[0], "Typo");
        assert_eq!(texts(&it).concat(), "Typographie");
        assert!(it.gaps[1].breakable);
        assert_eq!(it.gaps[1].hyphen.map(|h| h.text), Some('-'));
    }

    #[test]
    fn han_latin_gap_is_a_quarter_em_and_replaces_a_typed_space() {
        let it = items("用 Rust写");
        assert!((it.gaps[1].width - 2.5).abs() < 0.01);
        assert!((it.gaps[2].width - 2.5).abs() < 0.01);
        assert!(it.gaps[1].breakable && it.gaps[2].breakable);
        assert!(
            it.gaps[1].space.is_some() && it.gaps[2].space.is_none(),
            "a typed space is kept in the text layer"
        );
    }

    #[test]
    fn word_spaces_are_real_spaces() {
        let it = items("English words");
        let words = texts(&it).iter().position(|t| t == "words").unwrap();
        assert_eq!(it.gaps[words].space.map(|s| s.text), Some(' '));
    }
}
