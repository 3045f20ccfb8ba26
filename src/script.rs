//! Character classes for Chinese text: which characters are ideographs, which are
//! full-width punctuation, and how the soft line breaks of the source are resolved.

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
    fn soft_breaks() {
        assert!(soft_break_vanishes(Some('建'), Some('设')));
        assert!(soft_break_vanishes(Some('，'), Some('设')));
        assert!(!soft_break_vanishes(Some('a'), Some('b')));
        assert!(!soft_break_vanishes(Some('中'), Some('R')));
        assert!(soft_break_vanishes(None, Some('R')));
    }
}
