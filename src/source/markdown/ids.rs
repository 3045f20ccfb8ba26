//! Heading ids: unique in the whole book, valid XML ids.

use std::collections::HashSet;

/// Heading ids already taken in the book, so that every id is unique book-wide.
#[derive(Debug, Default)]
pub struct HeadingIds {
    taken: HashSet<String>,
}

impl HeadingIds {
    /// Reserves an id derived from the heading text (`产业拓新14格局`), adding `-2`,
    /// `-3`… when it is taken.
    pub(super) fn derive(&mut self, text: &str) -> String {
        let base = slug(text);
        let mut id = base.clone();
        let mut n = 1;
        while self.taken.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.taken.insert(id.clone());
        id
    }

    /// Reserves an id the author wrote as `{#id}`; false when it is already taken.
    pub(super) fn claim(&mut self, id: &str) -> bool {
        self.taken.insert(id.to_string())
    }

    /// Whether `id` belongs to a heading of the book.
    pub fn contains(&self, id: &str) -> bool {
        self.taken.contains(id)
    }
}

/// A GitHub-style slug that is also a valid XML id: letters (Chinese included) and
/// digits kept, spaces to `-`, punctuation dropped, an `h-` prefix when it would start
/// with something other than a letter; at most [`SLUG_CHARS`] characters (a heading
/// of a thousand characters gives an id of its opening words).
pub(super) fn slug(text: &str) -> String {
    let mut s = String::new();
    for c in text.trim().chars() {
        if s.chars().count() >= SLUG_CHARS {
            break;
        }
        if c.is_alphanumeric() || c == '_' || c == '-' {
            s.extend(c.to_lowercase());
        } else if c.is_whitespace() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    match s.chars().next() {
        None => "section".to_string(),
        Some(c) if c.is_alphabetic() || c == '_' => s,
        Some(_) => format!("h-{s}"),
    }
}

/// The longest id made from a heading's text.
const SLUG_CHARS: usize = 48;

pub(super) fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
