//! A paragraph's text as the shaper reads it: its characters with their styles and what
//! the source says about each boundary (spaces, hard breaks, format characters), rubies
//! as placeholders, and the characters grouped into the runs that become atoms.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;

use super::{Piece, Style};
use crate::script::{class, is_invisible, Class};

/// What the source says about the boundary before a character.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Before {
    /// A hard line break.
    pub(super) forced: bool,
    /// Whitespace.
    pub(super) space: bool,
    /// U+200B: a break is allowed.
    pub(super) allow: bool,
    /// U+2060, U+FEFF: no break.
    pub(super) forbid: bool,
    /// U+00AD: a hyphenation point.
    pub(super) soft_hyphen: bool,
}

/// A paragraph's text with the styles and boundaries of its characters.
#[derive(Default)]
pub(super) struct Text<'p> {
    pub(super) text: String,
    /// Per character of `text`: its style and what comes before it.
    pub(super) chars: Vec<(Style, Before)>,
    /// A ruby stands in the text as one object replacement character.
    pub(super) rubies: HashMap<usize, (&'p str, &'p str)>,
}

impl<'p> Text<'p> {
    pub(super) fn new(pieces: &'p [Piece]) -> Text<'p> {
        let mut t = Text::default();
        let mut before = Before::default();
        for piece in pieces {
            match piece {
                Piece::Text(text, style) if text.chars().all(stands_alone) => {
                    // most text: every character a cluster of its own
                    for c in text.chars() {
                        if c.is_whitespace() && c != '\u{a0}' {
                            before.space = true;
                        } else {
                            t.text.push(c);
                            t.chars.push((*style, std::mem::take(&mut before)));
                        }
                    }
                }
                Piece::Text(text, style) => {
                    for grapheme in text.graphemes(true) {
                        let emoji = grapheme.chars().count() > 1 && is_emoji_sequence(grapheme);
                        for c in grapheme.chars() {
                            match c {
                                '\u{200B}' => before.allow = true,
                                '\u{2060}' | '\u{FEFF}' => before.forbid = true,
                                '\u{AD}' => before.soft_hyphen = true,
                                c if is_invisible(c) && !emoji => {}
                                c if c.is_whitespace() && c != '\u{a0}' => before.space = true,
                                c => {
                                    t.text.push(c);
                                    t.chars.push((*style, std::mem::take(&mut before)));
                                }
                            }
                        }
                    }
                }
                Piece::Ruby {
                    base,
                    annotation,
                    style,
                } => {
                    t.rubies
                        .insert(t.chars.len(), (base.as_str(), annotation.as_str()));
                    t.text.push('\u{FFFC}');
                    t.chars.push((*style, std::mem::take(&mut before)));
                }
                Piece::LineBreak => before.forced = true,
            }
        }
        t
    }
}

/// A character that is a grapheme cluster of its own whatever surrounds it and draws
/// something (ASCII and Latin-1 letters, ideographs, kana, CJK punctuation, full-width
/// forms): text made only of these needs no segmentation.
fn stands_alone(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7E
        | 0xA0..=0xAC | 0xAE..=0x2FF
        | 0x3000..=0x3029 | 0x3030..=0x3098 | 0x309B..=0x30FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xFF01..=0xFF9D
        | 0x2010..=0x2027 | 0x2030..=0x205E
        | 0x20000..=0x3FFFF)
}

/// Whether a grapheme cluster of several characters is an emoji sequence (a ZWJ
/// sequence, a modifier sequence, a flag, a keycap): its joiners and selectors are part
/// of it.
fn is_emoji_sequence(grapheme: &str) -> bool {
    use unicode_properties::UnicodeEmoji;
    grapheme.chars().any(|c| {
        c.is_emoji_char() && !c.is_ascii() && !matches!(c, '\u{200D}' | '\u{FE0F}' | '\u{FE0E}')
    })
}

/// A run of characters that becomes one atom.
pub(super) struct Draft {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) before: Before,
}

/// Groups the characters into atoms: Latin runs that may not break stay together, a
/// `——` or `……` pair is one atom, and every grapheme cluster is kept whole.
pub(super) fn drafts(text: &Text<'_>, chars: &[char], allowed: &[bool]) -> Vec<Draft> {
    // the first character index of every grapheme cluster
    let mut cluster_start = vec![true; chars.len() + 1];
    if !chars.iter().copied().all(stands_alone) {
        cluster_start.fill(false);
        let mut index = 0;
        for grapheme in text.text.graphemes(true) {
            cluster_start[index] = true;
            index += grapheme.chars().count();
        }
        cluster_start[chars.len()] = true;
    }
    let mut drafts: Vec<Draft> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let (style, before) = text.chars[i];
        let ruby = text.rubies.contains_key(&i);
        let boundary = before.space || before.forced || before.allow || before.soft_hyphen || ruby;
        if !cluster_start[i] && !boundary {
            if let Some(d) = drafts.last_mut() {
                d.end = i + 1;
                continue;
            }
        }
        let joins = drafts.last().is_some_and(|d| {
            let prev = chars[d.end - 1];
            d.end == i
                && !boundary
                && text.chars[d.start].0 == style
                && !text.rubies.contains_key(&d.start)
                && match class(c) {
                    Class::Latin => class(prev) == Class::Latin && (!allowed[i] || before.forbid),
                    // `——` and `……` are pairs: a third mark begins the next pair
                    Class::Inseparable => prev == c && d.end - d.start == 1,
                    _ => false,
                }
        });
        match drafts.last_mut() {
            Some(d) if joins => d.end = i + 1,
            _ => drafts.push(Draft {
                start: i,
                end: i + 1,
                before,
            }),
        }
    }
    drafts
}
