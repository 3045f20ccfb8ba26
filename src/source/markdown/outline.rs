//! Heading levels: pulldown-cmark's levels as numbers, and the chapter's outline closed
//! up so that no level is skipped (with a warning for each heading set higher).

use std::path::Path;

use pulldown_cmark::HeadingLevel;

use crate::error::{Code, Finding, Location};
use crate::model::Block;

/// A heading level as a number, 1 to 6.
pub(super) fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Closes up the levels of a chapter's headings ([`gap_free_headings`]); a warning
/// for each heading set higher than written.
pub(super) fn close_up_levels(path: &Path, blocks: &mut [Block]) -> Vec<Finding> {
    gap_free_headings(blocks)
        .into_iter()
        .map(|(line, from, to)| {
            Finding::new(
                Code::SkippedHeadingLevel,
                Location::span(path, line, 1, usize::from(from)),
                format!(
                    "a level-{from} heading follows a level-{} heading; it is set as level {to}",
                    to - 1
                ),
                format!(
                    "use {} for a heading directly below a level-{} one",
                    "#".repeat(usize::from(to)),
                    to - 1
                ),
            )
        })
        .collect()
}

/// Maps the levels of a chapter's headings onto an outline without gaps (`#` then
/// `#####` become levels 1 and 2), so that both outputs nest them properly: a heading
/// is one level below the nearest heading before it of a lower source level. Returns
/// the headings set higher than written: (line, written level, level given), for
/// those given level 2 or below (a chapter may begin at any level).
fn gap_free_headings(blocks: &mut [Block]) -> Vec<(usize, u8, u8)> {
    let mut raised = Vec::new();
    // (source level, level given) of the headings that enclose the current one; the
    // chapter itself stands at level 1
    let mut open: Vec<(u8, u8)> = vec![(1, 1)];
    close_up(blocks, &mut open, &mut raised);
    raised
}

/// [`gap_free_headings`] over `blocks` and the blocks inside them (quotes, list
/// items), in document order: a reader's outline does not stop at a quote.
fn close_up(blocks: &mut [Block], open: &mut Vec<(u8, u8)>, raised: &mut Vec<(usize, u8, u8)>) {
    for block in blocks {
        match block {
            Block::Heading(h) => {
                while open.last().is_some_and(|&(source, _)| source >= h.level) && open.len() > 1 {
                    open.pop();
                }
                let level = match open.last() {
                    Some(&(source, given)) if source < h.level => (given + 1).min(h.level),
                    _ => h.level.min(1),
                };
                open.push((h.level, level));
                if level < h.level && level > 1 {
                    raised.push((h.line, h.level, level));
                }
                h.level = level;
            }
            Block::Quote(inner) => close_up(inner, open, raised),
            Block::List(list) => {
                for item in &mut list.items {
                    close_up(&mut item.blocks, open, raised);
                }
            }
            _ => {}
        }
    }
}
