//! Where a line may break in Chinese text: UAX #14 (unicode-linebreak) tailored by the
//! clreq rules.

use unicode_linebreak::{linebreaks, BreakOpportunity};

use crate::script::{is_no_end, is_no_start};

/// For each char boundary of `text` (index `i` = before the `i`-th char, `1..len`),
/// whether a line may break there. Breaks after spaces are reported at the first char
/// after them. Index 0 and the end are not break points of interest and are `false`.
pub fn opportunities(text: &str) -> Vec<bool> {
    let mut chars: Vec<(usize, char)> = Vec::with_capacity(text.chars().count());
    chars.extend(text.char_indices());
    let mut allowed = vec![false; chars.len() + 1];
    let char_at_byte = |byte: usize| chars.partition_point(|&(b, _)| b < byte);
    for (byte, kind) in linebreaks(text) {
        if byte < text.len() && kind == BreakOpportunity::Allowed {
            allowed[char_at_byte(byte)] = true;
        }
    }
    for i in 1..chars.len() {
        let before = chars[i - 1].1;
        let after = chars[i].1;
        if is_no_start(after) || is_no_end(before) {
            allowed[i] = false;
        } else if matches!(before, '”' | '’') && !after.is_whitespace() {
            // UAX #14 treats quotation marks as ambiguous and allows no break beside
            // them; in Chinese text ” ’ close, so a break may follow them…
            allowed[i] = true;
        } else if matches!(after, '“' | '‘') && !before.is_whitespace() {
            // …and “ ‘ open, so a break may precede them.
            allowed[i] = true;
        }
    }
    allowed[0] = false;
    allowed[chars.len()] = false;
    allowed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with `|` at each allowed break.
    fn marked(text: &str) -> String {
        let ok = opportunities(text);
        let mut out = String::new();
        for (i, c) in text.chars().enumerate() {
            if ok[i] {
                out.push('|');
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn chinese_breaks_between_ideographs_but_not_before_stops() {
        assert_eq!(
            marked("镇江高新区，实体化。"),
            "镇|江|高|新|区，|实|体|化。"
        );
    }

    #[test]
    fn quotes_open_and_close() {
        assert_eq!(marked("叫“先行军”的"), "叫|“先|行|军”|的");
        assert_eq!(marked("说：“好。”他"), "说：|“好。”|他");
    }

    #[test]
    fn dashes_and_ellipses_are_not_split_or_line_initial() {
        assert_eq!(marked("甲——乙……丙"), "甲——|乙……|丙");
    }

    #[test]
    fn latin_words_and_numbers_stay_whole() {
        assert_eq!(marked("用Rust写2017年81.54%"), "用|Rust|写|2017|年|81.54%");
        assert_eq!(marked("English words here"), "English |words |here");
        assert_eq!(marked("“1+4”格局"), "“1+4”|格|局");
    }

    #[test]
    fn brackets() {
        assert_eq!(marked("产业（上海）招商"), "产|业|（上|海）|招|商");
    }
}
