//! Errors and warnings that point at the user's files.
//!
//! Every problem with a book's input is a [`Finding`]: where it is (file, line, column),
//! a stable [`Code`], what is wrong and what to do about it, in the spirit of ripgrep's
//! and rustc's messages. An [`Error`] stops a build; warnings do not.

mod codes;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub use codes::Code;

/// A place in the user's files: a path, and a 1-based line and column when known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file, as the user named it (relative to where inkstone was run when possible).
    pub path: PathBuf,
    /// 1-based line number inside the file.
    pub line: Option<usize>,
    /// 1-based column (in characters) on that line.
    pub column: Option<usize>,
    /// How many characters from the column the problem spans (at least 1 when a column
    /// is known).
    pub width: usize,
}

impl Location {
    /// A whole file, no particular line.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
            width: 0,
        }
    }

    /// A line inside a file.
    pub fn line(path: impl Into<PathBuf>, line: usize) -> Self {
        Location {
            line: Some(line),
            ..Location::file(path)
        }
    }

    /// `width` characters from `column` of `line` of a file.
    pub fn span(path: impl Into<PathBuf>, line: usize, column: usize, width: usize) -> Self {
        Location {
            line: Some(line),
            column: Some(column.max(1)),
            width: width.max(1),
            ..Location::file(path)
        }
    }

    /// The place of `needle` on this location's line of its file, from this location's
    /// column on (this location when the file or the needle cannot be found).
    pub fn find_on_line(&self, needle: &str) -> Location {
        let Some(line) = self.line else {
            return self.clone();
        };
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        let Some(source) = text.split('\n').nth(line - 1) else {
            return self.clone();
        };
        let from = source
            .char_indices()
            .nth(self.column.unwrap_or(1) - 1)
            .map_or(source.len(), |(i, _)| i);
        match source[from..].find(needle) {
            Some(i) => {
                let column = source[..from + i].chars().count() + 1;
                Location::span(&self.path, line, column, needle.chars().count())
            }
            None => self.clone(),
        }
    }

    /// The place of the byte range `range` of `text`, the contents of `path` (the span
    /// ends at the end of its first line).
    pub fn of_range(path: impl Into<PathBuf>, text: &str, range: std::ops::Range<usize>) -> Self {
        let start = floor_char_boundary(text, range.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, range.end.clamp(start, text.len()));
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let width = text[start..end.min(line_end)].chars().count();
        Location::span(path, line, column, width)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The build cannot go on (or, with `--strict`, a warning).
    Error,
    /// The build goes on; inkstone did what the message says.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A problem found in a book: where, what kind, what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Its stable code.
    pub code: Code,
    /// Where it is.
    pub location: Location,
    /// What is wrong (and, for a warning, what inkstone did about it).
    pub message: String,
    /// What the user can do about it (may be empty).
    pub hint: String,
}

impl Finding {
    /// A finding of `code`, an error or a warning as the code says.
    pub fn new(
        code: Code,
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: if code.is_error() {
                Severity::Error
            } else {
                Severity::Warning
            },
            code,
            location,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// Whether it stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "; {}", self.hint)?;
        }
        Ok(())
    }
}

/// A warning: what [`Finding`]s that do not stop a build are called where they are made.
pub type Warning = Finding;

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The book's source is wrong: one or more findings, each saying where, what and
    /// what to do.
    #[error("{}", lines(.0))]
    Book(Vec<Finding>),
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
    Strict(Vec<Finding>),
    /// A step that should not fail on valid input did; the message names the step.
    #[error("{0}; this is a bug in inkstone, please report it with the book that triggers it")]
    Internal(String),
}

impl Error {
    /// A problem of kind `code` in the user's input at `location`, with a hint on how to
    /// fix it.
    pub fn input(
        code: Code,
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Error::Book(vec![Finding::new(code, location, message, hint)])
    }

    /// An I/O failure on `path` while doing `action`.
    pub fn io(path: &Path, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }

    /// The error as findings, for reporting: the book's findings as they are, the
    /// warnings `--strict` refused as errors, I/O failures and bugs as one finding.
    pub fn findings(&self) -> Vec<Finding> {
        match self {
            Error::Book(findings) => findings.clone(),
            Error::Strict(warnings) => warnings
                .iter()
                .map(|w| Finding {
                    severity: Severity::Error,
                    hint: join(
                        &w.hint,
                        "--strict makes warnings errors: nothing was written",
                    ),
                    ..w.clone()
                })
                .collect(),
            Error::Io {
                path,
                action,
                source,
            } => vec![Finding::new(
                Code::Io,
                Location::file(path),
                format!("cannot {action}: {source}"),
                "check that the file exists and can be read (or written)",
            )],
            Error::Internal(what) => vec![Finding::new(
                Code::Internal,
                Location::file(""),
                what.clone(),
                "this is a bug in inkstone, please report it with the book that triggers it",
            )],
        }
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}; {b}")
    }
}

fn lines(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn strict_summary(warnings: &[Finding]) -> String {
    match warnings {
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more warnings)", rest.len()),
        [] => "no warnings".to_string(),
    }
}

/// The result type used throughout inkstone.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_read_as_one_line_with_location_and_hint() {
        let e = Error::input(
            Code::UnknownKey,
            Location::span("book/book.toml", 3, 1, 5),
            "unknown key `titel` in [book]",
            "did you mean `title`?",
        );
        assert_eq!(
            e.to_string(),
            "book/book.toml:3:1: unknown key `titel` in [book]; did you mean `title`?"
        );
    }

    #[test]
    fn locations_without_a_line_show_only_the_path() {
        assert_eq!(Location::file("a/b.md").to_string(), "a/b.md");
        assert_eq!(Location::line("a/b.md", 2).to_string(), "a/b.md:2");
    }

    #[test]
    fn ranges_become_line_column_and_width_in_characters() {
        let text = "第一行\n  图片![x](y.png) 后\n";
        let start = text.find('!').unwrap();
        let at = Location::of_range("a.md", text, start..start + "![x](y.png)".len());
        assert_eq!((at.line, at.column, at.width), (Some(2), Some(5), 11));
        // a span running past its line ends there
        let at = Location::of_range("a.md", text, 0..text.len());
        assert_eq!((at.line, at.column, at.width), (Some(1), Some(1), 3));
    }
}
