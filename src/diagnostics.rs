//! Findings as people and tools read them: with the source line and a marker under the
//! problem (annotate-snippets, as rustc prints them), or as one JSON object per line.

use std::io::IsTerminal;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::error::{Finding, Severity};

/// Whether diagnostics on stderr are coloured when the user asked for `auto`: on a
/// terminal, unless `NO_COLOR` is set (to anything but the empty string).
pub fn auto_color() -> bool {
    wants_color(
        std::env::var_os("NO_COLOR").as_deref(),
        std::io::stderr().is_terminal(),
    )
}

/// Colour on a terminal, unless `no_color` (the value of `NO_COLOR`) is set and not
/// empty (<https://no-color.org>).
fn wants_color(no_color: Option<&std::ffi::OsStr>, terminal: bool) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// A finding for people: `error[E0201]: …`, the file, line and column, the source line
/// with the problem marked, and the hint; in colour when `color` is set.
pub fn human(finding: &Finding, color: bool) -> String {
    let level = match finding.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let at = &finding.location;
    let path = at.path.display().to_string();
    let source = at.line.and_then(|line| source_line(&at.path, line));
    let title = level
        .primary_title(finding.message.as_str())
        .id(finding.code.id());
    let mut report = Vec::new();
    match (&source, at.line) {
        (Some(text), Some(line)) => {
            let (start, end) = byte_span(text, at.column, at.width);
            let snippet = Snippet::source(text.as_str())
                .line_start(line)
                .path(path.as_str())
                .annotation(
                    AnnotationKind::Primary
                        .span(start..end)
                        .label(finding.code.name()),
                );
            report.push(title.element(snippet));
        }
        _ => {
            // no line to show: the place as a note
            report.push(Group::with_title(title));
            report.push(Group::with_title(
                Level::NOTE.secondary_title(format!("in {}", at)),
            ));
        }
    }
    if !finding.hint.is_empty() {
        report.push(Group::with_title(
            Level::HELP.secondary_title(finding.hint.as_str()),
        ));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report).to_string()
}

/// Line `line` (1-based) of the file at `path`, if it can be read.
fn source_line(path: &std::path::Path, line: usize) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.split('\n')
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end_matches('\r').to_string())
}

/// The byte range of `width` characters from the 1-based `column` of `line` (the whole
/// line when no column is known).
fn byte_span(line: &str, column: Option<usize>, width: usize) -> (usize, usize) {
    let Some(column) = column else {
        return (0, line.len());
    };
    let offset = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(i, _)| i)
    };
    let start = offset(column - 1);
    let end = offset(column - 1 + width.max(1)).max(start);
    (start, end)
}

/// A finding for tools: one JSON object (file, line, column, severity, code, name,
/// message, hint; line and column null when unknown).
pub fn json(finding: &Finding) -> String {
    let at = &finding.location;
    serde_json::json!({
        "file": at.path.display().to_string(),
        "line": at.line,
        "column": at.column,
        "severity": finding.severity.name(),
        "code": finding.code.id(),
        "name": finding.code.name(),
        "message": finding.message,
        "hint": finding.hint,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Code, Location};

    #[test]
    fn a_finding_shows_its_line_with_a_marker_under_the_span() {
        let dir = std::env::temp_dir().join(format!("inkstone-diag-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.md");
        std::fs::write(&file, "第一行\n文字![图](缺.png)后\n").unwrap();
        let finding = Finding::new(
            Code::MissingFile,
            Location::span(&file, 2, 3, 10),
            "image `缺.png` not found",
            "check the name, or create the file",
        );
        let text = human(&finding, false);
        assert!(
            text.starts_with("error[E0201]: image `缺.png` not found"),
            "{text}"
        );
        assert!(text.contains(&format!("{}:2:3", file.display())), "{text}");
        assert!(text.contains("2 | 文字![图](缺.png)后"), "{text}");
        // the marker under the image: two wide characters in, ten characters long
        assert!(text.contains("|     ^^^^^^^^^^^^ missing-file"), "{text}");
        assert!(text.contains("help: check the name"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_color_turns_colour_off_on_a_terminal() {
        use std::ffi::OsStr;
        assert!(wants_color(None, true));
        assert!(!wants_color(Some(OsStr::new("1")), true));
        assert!(wants_color(Some(OsStr::new("")), true));
        assert!(!wants_color(None, false));
    }

    #[test]
    fn json_has_every_field() {
        let finding = Finding::new(
            Code::UnknownKey,
            Location::span("book/book.toml", 3, 1, 6),
            "unknown key `author` in [book]",
            "did you mean `authors`?",
        );
        let value: serde_json::Value = serde_json::from_str(&json(&finding)).unwrap();
        assert_eq!(value["file"], "book/book.toml");
        assert_eq!(value["line"], 3);
        assert_eq!(value["column"], 1);
        assert_eq!(value["severity"], "error");
        assert_eq!(value["code"], "E0102");
        assert_eq!(value["name"], "unknown-key");
        assert_eq!(value["hint"], "did you mean `authors`?");
    }
}
