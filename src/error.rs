//! Errors and warnings that point at the user's files.
//!
//! Every problem with a book's input is reported as one line that names the file (and the
//! line, when there is one), says what is wrong and what to do about it, in the spirit of
//! ripgrep's and rustc's messages.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A place in the user's files: a path, and a 1-based line when one is known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file, as the user named it (relative to where inkstone was run when possible).
    pub path: PathBuf,
    /// 1-based line number inside the file.
    pub line: Option<usize>,
}

impl Location {
    /// A whole file, no particular line.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
        }
    }

    /// A line inside a file.
    pub fn line(path: impl Into<PathBuf>, line: usize) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path.display(), line),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The book's source is wrong: the message says where, what, and what to do.
    #[error("{location}: {message}; {hint}")]
    Input {
        /// Where the problem is.
        location: Location,
        /// What is wrong.
        message: String,
        /// What the user can do about it.
        hint: String,
    },
    /// A file could not be read or written.
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// What inkstone was doing, e.g. "read the chapter".
        action: &'static str,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// `--strict` and warnings: nothing was written.
    #[error("{}; --strict makes warnings errors: nothing was written", strict_summary(.0))]
    Strict(Vec<Warning>),
    /// A step that should not fail on valid input did; the message names the step.
    #[error("{0}; this is a bug in inkstone, please report it with the book that triggers it")]
    Internal(String),
}

impl Error {
    /// A problem in the user's input at `location`, with a hint on how to fix it.
    pub fn input(location: Location, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Input {
            location,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// An I/O failure on `path` while doing `action`.
    pub fn io(path: &Path, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }
}

fn strict_summary(warnings: &[Warning]) -> String {
    match warnings {
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more warnings)", rest.len()),
        [] => "no warnings".to_string(),
    }
}

/// The result type used throughout inkstone.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the user should know about that does not stop the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where it is.
    pub location: Location,
    /// What it is, and what inkstone did about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_read_as_one_line_with_location_and_hint() {
        let e = Error::input(
            Location::line("book/book.toml", 3),
            "unknown key `titel` in [book]",
            "did you mean `title`?",
        );
        assert_eq!(
            e.to_string(),
            "book/book.toml:3: unknown key `titel` in [book]; did you mean `title`?"
        );
    }

    #[test]
    fn locations_without_a_line_show_only_the_path() {
        assert_eq!(Location::file("a/b.md").to_string(), "a/b.md");
    }
}
