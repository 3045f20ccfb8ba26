//! Character classes for Chinese text (clreq): which characters are ideographs, which
//! are full-width punctuation of which kind, which may not start or end a line, and how
//! the soft line breaks of the source are resolved.

/// An ideograph (Han character) of any CJK Unified Ideographs block or the
/// compatibility block.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF | 0x3007)
}

/// A character set on the full-width (1 em) grid in Chinese text: ideographs, kana,
/// bopomofo, CJK and full-width punctuation, and the quotation marks, dashes and
/// ellipsis that Chinese text uses in their full-width forms.
pub fn is_wide(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x2E80..=0x2FDF      // radicals
            | 0x3000..=0x303F    // CJK symbols and punctuation
            | 0x3040..=0x31FF    // kana, bopomofo, strokes
            | 0x3200..=0x33FF    // enclosed CJK, compatibility
            | 0xFE10..=0xFE1F    // vertical forms
            | 0xFE30..=0xFE4F    // compatibility forms
            | 0xFF01..=0xFF60    // full-width forms
            | 0xFFE0..=0xFFE6)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·' | '‧' | '・')
}

/// Marks that never start a line (clreq 避头): stops, closing brackets and quotes,
/// interpuncts, the ellipsis, dashes, the wave dash, and `%`.
pub fn is_no_start(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '‼'
            | '⁇'
            | '．'
            | '）'
            | '］'
            | '｝'
            | '〕'
            | '〉'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〗'
            | '〙'
            | '〟'
            | '”'
            | '’'
            | '·'
            | '・'
            | '‧'
            | '…'
            | '—'
            | '～'
            | '%'
            | '％'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '々'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
    )
}

/// Marks that never end a line (clreq 避尾): opening brackets and quotes.
pub fn is_no_end(c: char) -> bool {
    matches!(
        c,
        '（' | '［'
            | '｛'
            | '〔'
            | '〈'
            | '《'
            | '「'
            | '『'
            | '【'
            | '〖'
            | '〘'
            | '〝'
            | '“'
            | '‘'
            | '('
            | '['
            | '{'
    )
}

/// A character that draws nothing of its own: a format control (zero-width space and
/// joiners, the word joiner, the byte-order mark, the soft hyphen, bidi controls) or a
/// variation selector. Such characters steer line breaking and shaping; they never
/// need a glyph, and a missing one is no reason to warn.
pub fn is_invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    let u = c as u32;
    // most text: ASCII, Latin-1 before the soft hyphen, the CJK blocks
    if u < 0xAD || (0x2E80..0xFE00).contains(&u) {
        return false;
    }
    c.general_category() == GeneralCategory::Format
        || matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x034F)
}

/// Whether `c` counts as a character of the text when a place in a block is given as a
/// count of characters: whitespace and invisible characters do not (a line break may
/// swallow a space, and the PDF drops format characters), so the EPUB and the PDF count
/// the same characters for the same text.
pub fn is_counted(c: char) -> bool {
    !c.is_whitespace() && !is_invisible(c)
}

/// How many characters of `text` count (see [`is_counted`]).
pub fn counted_len(text: &str) -> usize {
    text.chars().filter(|&c| is_counted(c)).count()
}

/// A character a book cannot hold: a control character other than tab and line feed,
/// or a noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF and their kin in every plane),
/// which XML forbids or reserves.
pub fn is_unprintable(c: char) -> bool {
    let u = c as u32;
    (c.is_control() && c != '\n' && c != '\t')
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE
}

/// Whether a Latin run is an address (a URL, an e-mail address, a path).
pub fn is_address(text: &str) -> bool {
    text.contains("://")
        || text.starts_with("www.")
        || (text.contains('@') && text.contains('.'))
        || text.matches('/').count() >= 2
}

/// Where a line may break inside a Latin run that the Unicode rules keep whole: after
/// each delimiter (`/ . - ? & = _ # @ : , ; ~ +`) of an address, or of any run longer
/// than 12 bytes, but not inside a run of delimiters (`://` stays whole); byte offsets
/// of the characters that follow, never at either end.
pub fn address_breaks(text: &str) -> impl Iterator<Item = usize> + '_ {
    let delimiter = |c: char| {
        matches!(
            c,
            '/' | '.' | '-' | '?' | '&' | '=' | '_' | '#' | '@' | ':' | ',' | ';' | '~' | '+'
        )
    };
    let breakable = is_address(text) || text.len() > 12;
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        if !breakable {
            return None;
        }
        loop {
            let (at, c) = chars.next()?;
            let &(next, after) = chars.peek()?;
            if delimiter(c) && !delimiter(after) && at > 0 {
                return Some(next);
            }
        }
    })
}

/// The clreq class of a character, as far as spacing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Opening brackets and quotes: their glyph sits in the right half of the em.
    Opening,
    /// Closing brackets and quotes, and the stops `，。、；：？！`: glyph in the left half.
    Closing,
    /// Interpuncts, centred in the em.
    Middle,
    /// `——` and `……`: two-em units that are never split.
    Inseparable,
    /// Ideographs and the other characters set on the em grid.
    Ideograph,
    /// Latin letters, digits and the narrow punctuation around them.
    Latin,
}

/// The class of `c`.
pub fn class(c: char) -> Class {
    match c {
        '“' | '‘' | '（' | '［' | '｛' | '〔' | '〈' | '《' | '「' | '『' | '【' | '〖' | '〘'
        | '〝' => Class::Opening,
        '”' | '’' | '）' | '］' | '｝' | '〕' | '〉' | '》' | '」' | '』' | '】' | '〗' | '〙'
        | '〟' | '，' | '。' | '、' | '；' | '：' | '？' | '！' | '‼' | '⁇' | '．' => {
            Class::Closing
        }
        '・' | '‧' => Class::Middle,
        '—' | '…' => Class::Inseparable,
        c if is_wide(c) => Class::Ideograph,
        _ => Class::Latin,
    }
}

/// Whether a source line break between `before` and `after` is dropped (true) or
/// becomes a space (false). As in CSS Text 3 segment-break transformation, tailored
/// for Chinese: no space between two full-width characters.
pub fn soft_break_vanishes(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (Some(b), Some(a)) => is_wide(b) && is_wide(a),
        // at the start or end of a paragraph a line break is nothing at all
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_han('镇') && is_han('〇') && is_han('𠀀'));
        assert!(!is_han('，') && !is_han('a'));
        assert!(is_wide('，') && is_wide('“') && is_wide('（') && is_wide('镇'));
        assert!(!is_wide('a') && !is_wide('1') && !is_wide(','));
    }

    #[test]
    fn punctuation_classes() {
        assert_eq!(class('“'), Class::Opening);
        assert_eq!(class('，'), Class::Closing);
        assert_eq!(class('镇'), Class::Ideograph);
        assert_eq!(class('—'), Class::Inseparable);
        assert_eq!(class('a'), Class::Latin);
        assert_eq!(class('8'), Class::Latin);
    }

    #[test]
    fn unprintable_characters() {
        for c in [
            '\u{7}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{1FFFF}',
            '\r',
        ] {
            assert!(is_unprintable(c), "U+{:04X}", c as u32);
        }
        for c in ['\n', '\t', 'a', '中', '\u{FFFD}'] {
            assert!(!is_unprintable(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn invisible_characters() {
        for c in [
            '\u{200B}', '\u{2060}', '\u{FEFF}', '\u{AD}', '\u{200C}', '\u{200D}', '\u{FE0F}',
        ] {
            assert!(is_invisible(c), "U+{:04X}", c as u32);
        }
        assert!(!is_invisible('a') && !is_invisible('中') && !is_invisible(' '));
    }

    #[test]
    fn soft_breaks() {
        assert!(soft_break_vanishes(Some('建'), Some('设')));
        assert!(soft_break_vanishes(Some('，'), Some('设')));
        assert!(!soft_break_vanishes(Some('a'), Some('b')));
        assert!(!soft_break_vanishes(Some('中'), Some('R')));
        assert!(soft_break_vanishes(None, Some('R')));
    }
}
