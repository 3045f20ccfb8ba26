//! The space between atoms (clreq §3.2, §3.4): nothing between ideographs and marks,
//! ¼ em between Han and Latin letters or digits, a word space between Latin words, and
//! half an em for a space typed between Chinese words; and the compression of adjacent
//! punctuation marks.

use super::{gap_glyph as bank_glyph, Atom, FontBank, Gap, Items, CHAR_STRETCH};
use crate::script::Class;

/// What lies between two atoms in the source.
#[derive(Debug, Clone, Copy)]
pub struct Boundary {
    /// Whitespace was typed there.
    pub space: bool,
    /// A line may break there.
    pub breakable: bool,
    /// A line must break there.
    pub forced: bool,
    /// Display type (a title or heading): spaces separate phrases.
    pub display: bool,
}

/// The gap between `prev` and `next`.
pub fn between(prev: &Atom, next: &Atom, at: Boundary, bank: &FontBank<'_>) -> Gap {
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
        gap.space = bank_glyph(bank, next, '\u{3000}', ' ');
    } else if latin(prev) && latin(next) {
        if at.space {
            let space = bank_glyph(bank, next, ' ', ' ');
            let space_width = space.map_or(0.25 * em, |s| s.advance);
            gap.width = space_width;
            gap.stretch = (0.5 * em - space_width).max(0.0) + char_stretch;
            gap.shrink = (space_width - 0.25 * em).max(0.0);
            gap.space = space;
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
        // space was typed there); a typed space stays in the text layer
        gap.width = 0.25 * em;
        gap.stretch = char_stretch;
        gap.shrink = 0.125 * em;
        if at.space {
            gap.space = bank_glyph(bank, if latin(prev) { prev } else { next }, ' ', ' ');
        }
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

/// Two adjacent marks take 1.5 em, not 2 (`。”` `）。` `：“`): half an em of the blank
/// between them goes, from the first mark's right half if it has one, else from the
/// second's left half.
pub fn compress_adjacent_marks(items: &mut Items) {
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
    use super::super::{shape_paragraph, test_bank, test_items, Piece, Style};
    use super::*;
    use crate::fonts::Face;
    use crate::pdf::shape::FontKey;
    use crate::pdf::tags::ElemId;

    fn items(text: &str) -> Items {
        test_items(text, Face::SerifRegular, 300.0, false)
    }

    #[test]
    fn spaces_between_chinese_words_are_kept() {
        let it = items("黄颢 朱大智");
        assert!((it.gaps[2].width - 5.0).abs() < 0.01);
        // beside a mark in body text a typed space is dropped…
        let it = items("好。 再见");
        assert_eq!(it.gaps[2].width, 0.0);
        // …but in a title it separates phrases: ¾ em of white after the quote's ink
        let style = Style::plain(Face::SansBold, 10.0, ElemId::ARTIFACT);
        let it = shape_paragraph(
            &[Piece::Text("“先行军” 打造".into(), style)],
            test_bank(),
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
        let b = test_bank();
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
}
