//! Where a run the Unicode rules keep whole may still break, so that no line is ever
//! wider than its measure: Latin words at their hyphenation points (hypher's patterns,
//! in the text's language), addresses after their delimiters and long numbers between
//! digit groups (emergency breaks), and, as a last resort, between any two characters.

use smallvec::SmallVec;

use super::{Atom, FontBank, Gap, Items, SpaceGlyph};
use crate::script;

/// The cost of breaking at a hyphenation point (TeX's `\hyphenpenalty`).
pub const HYPHEN_PENALTY: f32 = 50.0;
/// The cost of breaking an address after a delimiter or a number between digit groups.
pub const PERMITTED_PENALTY: f32 = 1000.0;
/// The cost of breaking between two characters where nothing else allows it.
pub const ANYWHERE_PENALTY: f32 = 3000.0;

/// The hyphen shown at the end of a line broken inside a word of `atom`.
pub fn hyphen_glyph(bank: &FontBank<'_>, atom: &Atom) -> Option<SpaceGlyph> {
    super::gap_glyph(bank, atom, '-', '-')
}

/// A place inside a Latin run where a line may break.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cut {
    /// Byte offset into the run's text.
    at: u32,
    /// Cost of breaking there.
    penalty: f32,
    /// A hyphen is shown when the line breaks there.
    hyphen: bool,
}

/// The places a Latin run may break: hyphenation points of its words, the delimiters of
/// an address, the groups of a long number.
fn cuts(text: &str, lang: Option<hypher::Lang>) -> Vec<Cut> {
    let mut cuts: Vec<Cut> = script::address_breaks(text)
        .map(|at| Cut {
            at: at as u32,
            penalty: PERMITTED_PENALTY,
            hyphen: false,
        })
        .collect();
    let address = script::is_address(text);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let mut j = i;
        if c.is_alphabetic() {
            while j < chars.len() && chars[j].1.is_alphabetic() {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
            if let (false, Some(lang)) = (address, lang) {
                let word = &text[start..end];
                let mut offset = start;
                let syllables: Vec<&str> = hypher::hyphenate(word, lang).collect();
                for syllable in &syllables[..syllables.len().saturating_sub(1)] {
                    offset += syllable.len();
                    cuts.push(Cut {
                        at: offset as u32,
                        penalty: HYPHEN_PENALTY,
                        hyphen: true,
                    });
                }
            }
        } else if c.is_ascii_digit() {
            while j < chars.len() && chars[j].1.is_ascii_digit() {
                j += 1;
            }
            let digits = j - i;
            if digits >= 6 {
                // groups of three: after a decimal point from the left, else from the
                // right (thousands)
                let fraction = i > 0 && matches!(chars[i - 1].1, '.' | ',');
                for k in 1..digits {
                    let group = if fraction { k } else { digits - k };
                    if group % 3 == 0 {
                        cuts.push(Cut {
                            at: chars[i + k].0 as u32,
                            penalty: PERMITTED_PENALTY,
                            hyphen: false,
                        });
                    }
                }
            }
        }
        // a character of neither kind (a delimiter: see `script::address_breaks`)
        i = j.max(i + 1);
    }
    cuts.sort_by_key(|c| c.at);
    cuts.dedup_by_key(|c| c.at);
    cuts
}

/// Pushes a Latin atom (with the gap before it), cut into pieces at the places where a
/// line may break inside it.
pub fn push_latin(items: &mut Items, gap: Gap, atom: Atom, text: &str, bank: &FontBank<'_>) {
    let lang = if atom.code { None } else { atom.hyphenate };
    let cuts = cuts(text, lang);
    let hyphen = cuts
        .iter()
        .any(|c| c.hyphen)
        .then(|| hyphen_glyph(bank, &atom))
        .flatten();
    let offsets: Vec<u32> = cuts.iter().map(|c| c.at).collect();
    let pieces = split_atom(&atom, &offsets);
    let mut gap = Some(gap);
    for (piece, start) in pieces {
        let gap = gap.take().unwrap_or_else(|| {
            let cut = cuts.iter().find(|c| c.at == start);
            Gap {
                breakable: true,
                penalty: cut.map_or(ANYWHERE_PENALTY, |c| c.penalty),
                hyphen: cut.filter(|c| c.hyphen).and(hyphen),
                ..Gap::default()
            }
        });
        items.gaps.push(gap);
        items.atoms.push(piece);
    }
}

/// Splits `atom` before each glyph cluster that starts at one of `offsets` (bytes into
/// its text); returns the pieces with the offset each starts at.
pub fn split_atom(atom: &Atom, offsets: &[u32]) -> Vec<(Atom, u32)> {
    let mut pieces: Vec<(Atom, u32)> = Vec::new();
    let mut current: SmallVec<[super::Glyph; 1]> = SmallVec::new();
    let mut start = 0;
    for g in &atom.glyphs {
        let cluster_start = !g.text.as_str().is_empty();
        if cluster_start && !current.is_empty() && offsets.contains(&g.cluster) {
            pieces.push((piece(atom, std::mem::take(&mut current)), start));
            start = g.cluster;
        }
        current.push(g.clone());
    }
    if pieces.is_empty() {
        return vec![(atom.clone(), 0)];
    }
    pieces.push((piece(atom, current), start));
    let last = pieces.len() - 1;
    for (k, (p, _)) in pieces.iter_mut().enumerate() {
        if k > 0 {
            p.left_blank = 0.0;
        }
        if k < last {
            p.right_blank = 0.0;
            p.shrink = 0.0;
        }
    }
    pieces
}

/// A piece of `atom` holding `glyphs`.
fn piece(atom: &Atom, glyphs: SmallVec<[super::Glyph; 1]>) -> Atom {
    let text: String = glyphs.iter().map(|g| g.text.as_str().to_text()).collect();
    let first = text.chars().next().unwrap_or(atom.ends.0);
    let last = text.chars().last().unwrap_or(atom.ends.1);
    Atom {
        width: glyphs.iter().map(|g| g.advance).sum(),
        letters: if atom.letters > 0 {
            text.chars().count()
        } else {
            0
        },
        ends: (first, last),
        glyphs,
        shift: atom.shift,
        ..atom.clone()
    }
}

/// Makes sure no unbreakable run of atoms is wider than `limit` (the line less its
/// indent): inside a run that is, a line may break between any two atoms, and an atom
/// that is wider by itself is split between its characters. The high penalty keeps
/// these breaks for when nothing else will do.
pub fn emergency_breaks(items: &mut Items, limit: f32) {
    let limit = limit.max(1.0);
    if items.atoms.iter().any(|a| a.width > limit) {
        let old = std::mem::take(items);
        for (atom, gap) in old.atoms.into_iter().zip(old.gaps) {
            if atom.width <= limit {
                items.atoms.push(atom);
                items.gaps.push(gap);
                continue;
            }
            let offsets: Vec<u32> = atom.glyphs.iter().map(|g| g.cluster).collect();
            for (k, (piece, _)) in split_atom(&atom, &offsets).into_iter().enumerate() {
                items.gaps.push(if k == 0 {
                    gap
                } else {
                    Gap {
                        breakable: true,
                        penalty: ANYWHERE_PENALTY,
                        ..Gap::default()
                    }
                });
                items.atoms.push(piece);
            }
        }
    }
    let n = items.atoms.len();
    let mut start = 0;
    let mut width = 0.0;
    for j in 0..=n {
        let ends_run = j == n || (j > 0 && items.gaps[j].breakable);
        if ends_run {
            if width > limit {
                for gap in &mut items.gaps[start + 1..j] {
                    if !gap.breakable {
                        gap.breakable = true;
                        gap.penalty = ANYWHERE_PENALTY;
                    }
                }
            }
            start = j;
            width = 0.0;
        }
        if j < n {
            if j > start {
                width += items.gaps[j].width;
            }
            width += items.atoms[j].width;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{test_items, tests::texts};
    use super::*;
    use crate::fonts::Face;

    #[test]
    fn long_words_are_hyphenated() {
        let it = test_items(
            "Pneumonoultramicroscopicsilicovolcanoconiosis",
            Face::SerifRegular,
            300.0,
            false,
        );
        assert!(it.atoms.len() > 5, "{:?}", texts(&it));
        assert!(it.gaps[1..]
            .iter()
            .all(|g| g.breakable && g.hyphen.is_some()));
        assert_eq!(
            texts(&it).concat(),
            "Pneumonoultramicroscopicsilicovolcanoconiosis"
        );
    }

    #[test]
    fn addresses_break_after_delimiters_and_numbers_between_groups() {
        let cut_at = |text: &str| -> Vec<String> {
            let cuts = cuts(text, Some(hypher::Lang::English));
            let mut pieces = Vec::new();
            let mut from = 0;
            for c in cuts {
                pieces.push(text[from..c.at as usize].to_string());
                from = c.at as usize;
            }
            pieces.push(text[from..].to_string());
            pieces
        };
        assert_eq!(
            cut_at("https://example.com/a/path?x=1"),
            ["https://", "example.", "com/", "a/", "path?", "x=", "1"],
            "never inside the run of delimiters ://"
        );
        assert_eq!(
            cut_at("3.14159265358979"),
            ["3.", "141", "592", "653", "589", "79"]
        );
        assert_eq!(cut_at("1234567"), ["1", "234", "567"]);
    }

    #[test]
    fn nothing_is_wider_than_the_line() {
        let it = test_items(&"——".repeat(60), Face::SerifRegular, 100.0, false);
        assert!(it.atoms.iter().all(|a| a.width <= 100.0));
        assert!(it.gaps[1..].iter().all(|g| g.breakable));
        let it = test_items(&"x".repeat(80), Face::SerifRegular, 100.0, false);
        assert!(it.atoms.iter().all(|a| a.width <= 100.0));
    }
}
