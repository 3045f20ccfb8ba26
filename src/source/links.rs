//! The book's internal links checked once every chapter is read: a link to a heading
//! no chapter has, or to a chapter left out for having no text, loses its link (the
//! text stays) with a warning; links to the chapters kept follow their new numbers.

use std::path::{Path, PathBuf};

use super::markdown::HeadingIds;
use crate::error::{Code, Finding, Location, Warning};
use crate::model::{Block, Chapter, Inline, LinkTarget};

/// What internal links may point at.
pub struct Targets<'a> {
    /// Every heading id of the book.
    pub ids: &'a HeadingIds,
    /// For each chapter file as listed, its number in the book, `None` if left out.
    pub chapters: &'a [Option<usize>],
    /// Each chapter file as listed, to name it.
    pub files: &'a [PathBuf],
}

/// Leaves out the chapters without text, with a warning for each: `None` when no
/// chapter has any, otherwise each chapter's new number (`None` for those left out).
pub fn leave_out_empty(
    chapters: &mut Vec<Chapter>,
    warnings: &mut Vec<Warning>,
) -> Option<Vec<Option<usize>>> {
    let mut next = 0;
    let numbers: Vec<Option<usize>> = chapters
        .iter()
        .map(|c| {
            (!c.blocks.is_empty()).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    if next == 0 {
        return None;
    }
    for chapter in chapters.iter().filter(|c| c.blocks.is_empty()) {
        warnings.push(Finding::new(
            Code::EmptyChapter,
            Location::file(&chapter.source),
            "the chapter has no text; it was left out of the book",
            "write the chapter, or take it out of `chapters` in book.toml",
        ));
    }
    chapters.retain(|c| !c.blocks.is_empty());
    Some(numbers)
}

/// Checks the links of `block`, a block of chapter file `source`.
pub fn check(block: &mut Block, targets: &Targets<'_>, source: &Path, warnings: &mut Vec<Warning>) {
    block.each_run_mut(&mut |content, line| {
        fix_inlines(content, targets, &Location::line(source, line), warnings);
    });
}

fn fix_inlines(
    content: &mut Vec<Inline>,
    targets: &Targets<'_>,
    at: &Location,
    warnings: &mut Vec<Warning>,
) {
    let mut i = 0;
    while i < content.len() {
        if let Inline::Link {
            target,
            content: inner,
        } = &mut content[i]
        {
            let dropped = match target {
                LinkTarget::Heading(id) if !targets.ids.contains(id) => Some(Finding::new(
                    Code::BrokenLink,
                    at.find_on_line(&format!("#{id}")),
                    format!("no heading has the id `{id}`; the link was dropped, its text kept"),
                    "write the id of a heading of the book, e.g. [text](#id)",
                )),
                LinkTarget::Chapter(c) => match targets.chapters.get(*c).copied().flatten() {
                    Some(number) => {
                        *c = number;
                        None
                    }
                    None => {
                        let file = targets.files.get(*c).map_or_else(String::new, |f| {
                            f.file_name()
                                .unwrap_or_default()
                                .to_string_lossy()
                                .into_owned()
                        });
                        Some(Finding::new(
                            Code::BrokenLink,
                            at.find_on_line(&file),
                            format!(
                                "`{file}` has no text and was left out; the link was dropped, \
                                 its text kept"
                            ),
                            "link to a chapter with text, or write this one",
                        ))
                    }
                },
                _ => None,
            };
            if let Some(warning) = dropped {
                warnings.push(warning);
                let inner = std::mem::take(inner);
                content.splice(i..=i, inner);
                continue;
            }
        }
        if let Some(inner) = content[i].children_mut() {
            fix_inlines(inner, targets, at, warnings);
        }
        i += 1;
    }
}
