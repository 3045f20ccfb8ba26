//! Heading ids: unique in the whole book, valid XML ids.
//!
//! Chapters are read side by side, each giving its headings ids unique within it; the
//! book's ids are then settled chapter by chapter in reading order, as one reader
//! going through the book would give them (see [`Request`]).

use std::collections::{HashMap, HashSet};

use crate::error::{Code, Finding, Location, Warning};

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

/// A heading's id as its chapter, read alone, gave it, and what the book-wide id is
/// made from.
#[derive(Debug)]
pub(super) struct Request {
    /// The `{#id}` the author wrote, when it is a valid id.
    pub explicit: Option<String>,
    /// The heading's plain text, to derive an id from.
    pub text: String,
    /// The id given within the chapter.
    pub local: String,
    /// Where the heading is.
    pub at: Location,
    /// How many of the chapter's warnings came before the heading's end.
    pub warnings_before: usize,
}

impl HeadingIds {
    /// Gives each of a chapter's `requests` (in order) its book-wide id: the author's
    /// when no earlier heading took it (otherwise an error, put among `warnings` where
    /// the heading is), else one derived from the text. Returns the local ids that
    /// differ from the book-wide ones.
    pub(super) fn settle(
        &mut self,
        requests: Vec<Request>,
        warnings: &mut Vec<Warning>,
    ) -> HashMap<String, String> {
        let mut renamed = HashMap::new();
        let mut inserted = 0;
        for request in requests {
            let id = match request.explicit {
                Some(id) if self.claim(&id) => id,
                Some(id) => {
                    let duplicate = Finding::new(
                        Code::DuplicateHeadingId,
                        request.at,
                        format!("heading id `{id}` is used twice in the book"),
                        "give each {#id} a different name",
                    );
                    warnings.insert(request.warnings_before + inserted, duplicate);
                    inserted += 1;
                    self.derive(&request.text)
                }
                None => self.derive(&request.text),
            };
            if id != request.local {
                renamed.insert(request.local, id);
            }
        }
        renamed
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
