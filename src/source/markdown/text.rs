//! Small text helpers of the Markdown reader: tabs, runs of spaces, a block's edges.

use crate::model::Inline;

/// The last character of some inline content.
pub(super) fn last_char_of(content: &[Inline]) -> Option<char> {
    match content.last()? {
        Inline::Text(t) | Inline::Code(t) | Inline::Ruby { base: t, .. } => t.chars().last(),
        other => last_char_of(other.children()),
    }
}

/// Tabs of a code block as spaces to the next multiple of four columns.
pub(super) fn expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut column = 0;
        for c in line.chars() {
            if c == '\t' {
                let n = 4 - column % 4;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            } else {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// Every run of whitespace (but no-break spaces) as one space.
pub(super) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Removes spaces at the start and end of a block's content.
pub(super) fn trim_inlines(content: &mut Vec<Inline>) {
    if let Some(Inline::Text(t)) = content.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = content.last_mut() {
        *t = t.trim_end().to_string();
    }
    content.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
}
