//! Total-fit line breaking (Knuth–Plass) over a paragraph's atoms and gaps.
//!
//! Every breakable gap is a candidate; the breaker chooses the set of breaks that
//! minimises the paragraph's total demerits, so a hard line early on can be eased by a
//! choice further down. Marks at a line's edges lose their blank halves (clreq), which
//! the width of each candidate line takes into account.

use super::shape::Items;

/// How lines are to be set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Line length in points.
    pub measure: f32,
    /// Indent of the first line in points.
    pub indent: f32,
    /// Justified (every line but the last flush at both edges) or ragged (headings:
    /// lines kept even in length).
    pub justify: bool,
}

/// One line of the result: atoms `start..end`, and how much its gaps stretch (`ratio`
/// > 0) or shrink (< 0) to fill the measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineSpan {
    /// First atom.
    pub start: usize,
    /// One past the last atom.
    pub end: usize,
    /// Adjustment ratio.
    pub ratio: f32,
    /// The paragraph's last line, or a line ended by a hard break: not justified.
    pub last: bool,
    /// How far in from the measure's left edge the line starts, in points.
    pub indent: f32,
}

const LINE_PENALTY: f32 = 10.0;
const FITNESS_DEMERITS: f32 = 3000.0;
/// Demerits for a paragraph whose last line holds fewer than two characters.
const RUNT_DEMERITS: f32 = 1.0e6;

#[derive(Debug, Clone, Copy)]
struct Node {
    pos: usize,
    fitness: usize,
    demerits: f32,
    prev: Option<usize>,
    ratio: f32,
    last: bool,
}

/// Prefix sums for O(1) line measurements.
struct Sums {
    atom_width: Vec<f32>,
    atom_shrink: Vec<f32>,
    letters: Vec<usize>,
    gap_width: Vec<f32>,
    gap_stretch: Vec<f32>,
    gap_shrink: Vec<f32>,
}

impl Sums {
    fn new(items: &Items) -> Sums {
        let n = items.atoms.len();
        let mut s = Sums {
            atom_width: vec![0.0; n + 1],
            atom_shrink: vec![0.0; n + 1],
            letters: vec![0; n + 1],
            gap_width: vec![0.0; n + 1],
            gap_stretch: vec![0.0; n + 1],
            gap_shrink: vec![0.0; n + 1],
        };
        for i in 0..n {
            let a = &items.atoms[i];
            s.atom_width[i + 1] = s.atom_width[i] + a.width;
            s.atom_shrink[i + 1] = s.atom_shrink[i] + a.shrink;
            s.letters[i + 1] = s.letters[i] + a.letters;
            // gap_*[k] sums gaps 1..k (gap j sits before atom j)
            let g = if i >= 1 {
                items.gaps[i]
            } else {
                Default::default()
            };
            s.gap_width[i + 1] = s.gap_width[i] + g.width;
            s.gap_stretch[i + 1] = s.gap_stretch[i] + g.stretch;
            s.gap_shrink[i + 1] = s.gap_shrink[i] + g.shrink;
        }
        s
    }
}

/// Where a paragraph's lines start, in points in from the measure's left edge.
#[derive(Debug, Clone, Copy)]
struct Starts {
    /// The first line, and every line after a hard break (verse lines align with the
    /// first).
    indent: f32,
    /// A line wrapped inside one of the lines of a paragraph with hard breaks (verse):
    /// twice as far in, so that it is not taken for a line of its own, as Chinese
    /// verse is set (code lines wrap the same way); at the edge in other paragraphs.
    wrapped: f32,
}

impl Starts {
    fn of(items: &Items, params: &Params) -> Starts {
        let verse = items.gaps.iter().any(|g| g.forced);
        Starts {
            indent: params.indent,
            wrapped: if verse { 2.0 * params.indent } else { 0.0 },
        }
    }

    /// Where a line starting at atom `pos` starts.
    fn at(self, items: &Items, pos: usize) -> f32 {
        if pos == 0 || items.gaps.get(pos).is_some_and(|g| g.forced) {
            self.indent
        } else {
            self.wrapped
        }
    }
}

/// The measurements of the line holding atoms `a..b`.
struct Measure {
    width: f32,
    stretch: f32,
    shrink: f32,
    letters: usize,
}

fn measure(items: &Items, sums: &Sums, a: usize, b: usize, start: f32) -> Measure {
    // gaps strictly inside the line: a+1 ..= b-1
    let gaps = |v: &Vec<f32>| v[b] - v[a + 1];
    let first = &items.atoms[a];
    let last = &items.atoms[b - 1];
    // a line broken inside a word ends with a hyphen
    let hyphen = items
        .gaps
        .get(b)
        .filter(|g| b < items.atoms.len() && !g.forced)
        .and_then(|g| g.hyphen)
        .map_or(0.0, |h| h.advance);
    let width = sums.atom_width[b] - sums.atom_width[a] + gaps(&sums.gap_width)
        - first.left_blank
        - last.right_blank
        + hyphen
        + start;
    Measure {
        width,
        stretch: gaps(&sums.gap_stretch),
        shrink: gaps(&sums.gap_shrink) + sums.atom_shrink[b] - sums.atom_shrink[a] - last.shrink,
        letters: sums.letters[b] - sums.letters[a],
    }
}

fn fitness(ratio: f32) -> usize {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// How loose a justified line may be in the first pass (adjustment ratio): looser
/// candidates are not considered, which keeps the work per break point small. Should a
/// paragraph find no solution within it, a second pass considers every line.
const TOLERANCE: f32 = 2.5;

/// Breaks the paragraph into lines.
pub fn break_lines(items: &Items, params: &Params) -> Vec<LineSpan> {
    if items.atoms.is_empty() {
        return Vec::new();
    }
    let sums = Sums::new(items);
    let starts = Starts::of(items, params);
    let mut nodes = Vec::with_capacity(items.atoms.len() / 4 + 4);
    if params.justify {
        if let Some(end) = run(items, params, starts, &sums, Some(TOLERANCE), &mut nodes) {
            return spans(items, starts, &nodes, end);
        }
    }
    match run(items, params, starts, &sums, None, &mut nodes) {
        Some(end) => spans(items, starts, &nodes, end),
        None => vec![LineSpan {
            start: 0,
            end: items.atoms.len(),
            ratio: 0.0,
            last: true,
            indent: starts.indent,
        }],
    }
}

/// The ratio that makes a line of `m` fill the measure (or the looseness of a ragged
/// line); `NEG_INFINITY` when it cannot be made short enough.
fn ratio(m: &Measure, params: &Params, forced: bool) -> f32 {
    if forced && params.justify {
        if m.width <= params.measure {
            0.0
        } else if m.shrink > 0.0 {
            (params.measure - m.width) / m.shrink
        } else {
            f32::NEG_INFINITY
        }
    } else if !params.justify {
        if m.width <= params.measure {
            (params.measure - m.width) / params.measure
        } else {
            f32::NEG_INFINITY
        }
    } else if m.width < params.measure {
        if m.stretch > 0.0 {
            (params.measure - m.width) / m.stretch
        } else {
            100.0
        }
    } else if m.width > params.measure {
        if m.shrink > 0.0 {
            (params.measure - m.width) / m.shrink
        } else {
            f32::NEG_INFINITY
        }
    } else {
        0.0
    }
}

/// One pass of the breaker over a flat arena of nodes (cleared first); returns the
/// best node at the paragraph's end. With a `tolerance`, candidates looser than it are
/// skipped: the active nodes are in order of position, so the lines from them only get
/// shorter (and looser) down the list, and the scan stops at the first that is too loose.
fn run(
    items: &Items,
    params: &Params,
    starts: Starts,
    sums: &Sums,
    tolerance: Option<f32>,
    nodes: &mut Vec<Node>,
) -> Option<usize> {
    let n = items.atoms.len();
    nodes.clear();
    nodes.push(Node {
        pos: 0,
        fitness: 1,
        demerits: 0.0,
        prev: None,
        ratio: 0.0,
        last: false,
    });
    let mut active: Vec<usize> = vec![0];
    let mut kept: Vec<usize> = Vec::new();
    let mut last_dropped: Option<usize> = None;

    for j in 1..=n {
        let at_end = j == n;
        let gap = if at_end {
            Default::default()
        } else {
            items.gaps[j]
        };
        if !at_end && !gap.breakable {
            continue;
        }
        let forced = at_end || gap.forced;
        let mut best: [Option<(f32, usize, f32)>; 4] = [None; 4];
        kept.clear();
        let mut scanned = active.len();
        for (k, &a) in active.iter().enumerate() {
            let node = nodes[a];
            let m = measure(items, sums, node.pos, j, starts.at(items, node.pos));
            let ratio = ratio(&m, params, forced);
            if ratio < -1.0 - 1e-4 {
                last_dropped = Some(a);
                continue; // the line only gets longer from here
            }
            if tolerance.is_some_and(|t| !forced && ratio > t) {
                scanned = k;
                break;
            }
            kept.push(a);
            let badness = if params.justify {
                (100.0 * ratio.abs().powi(3)).min(10_000.0)
            } else {
                // ragged: keep lines even (the last one too)
                1000.0 * ratio * ratio
            };
            let penalty = if forced { 0.0 } else { gap.penalty };
            let mut demerits = (LINE_PENALTY + badness).powi(2) + penalty * penalty.abs();
            let fit = fitness(ratio);
            if params.justify && fit.abs_diff(node.fitness) > 1 {
                demerits += FITNESS_DEMERITS;
            }
            if at_end && node.pos > 0 && m.letters < 2 {
                demerits += RUNT_DEMERITS;
            }
            let total = node.demerits + demerits;
            if best[fit].is_none_or(|(d, _, _)| total < d) {
                best[fit] = Some((total, a, ratio));
            }
        }
        kept.extend_from_slice(&active[scanned..]);
        std::mem::swap(&mut active, &mut kept);
        let created_from = nodes.len();
        for (fit, entry) in best.iter().enumerate() {
            if let Some((demerits, prev, ratio)) = *entry {
                nodes.push(Node {
                    pos: j,
                    fitness: fit,
                    demerits,
                    prev: Some(prev),
                    ratio,
                    last: forced,
                });
            }
        }
        if nodes.len() == created_from && active.is_empty() {
            // nothing fits: with a tolerance, the lines skipped as too loose may hold the
            // answer, so this pass gives up; without, end an overfull line here (cannot
            // happen once shaping has made every run breakable, but never give up)
            if tolerance.is_some() {
                return None;
            }
            if let Some(prev) = last_dropped {
                nodes.push(Node {
                    pos: j,
                    fitness: 1,
                    demerits: nodes[prev].demerits + 1.0e7,
                    prev: Some(prev),
                    ratio: -1.0,
                    last: forced,
                });
            }
        }
        if forced {
            active.clear();
        }
        active.extend(created_from..nodes.len());
    }

    active
        .iter()
        .copied()
        .filter(|&i| nodes[i].pos == n)
        .min_by(|&a, &b| nodes[a].demerits.total_cmp(&nodes[b].demerits))
}

/// The lines from the first node to `end`.
fn spans(items: &Items, starts: Starts, nodes: &[Node], end: usize) -> Vec<LineSpan> {
    let mut spans = Vec::new();
    let mut cur = end;
    while let Some(prev) = nodes[cur].prev {
        spans.push(LineSpan {
            start: nodes[prev].pos,
            end: nodes[cur].pos,
            ratio: nodes[cur].ratio,
            last: nodes[cur].last,
            indent: starts.at(items, nodes[prev].pos),
        });
        cur = prev;
    }
    spans.reverse();
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Face;
    use crate::pdf::shape::test_items;

    fn lines(text: &str, measure_em: f32, indent_em: f32) -> Vec<String> {
        let items = test_items(text, Face::SerifRegular, measure_em * 10.0, false);
        let spans = break_lines(
            &items,
            &Params {
                measure: measure_em * 10.0,
                indent: indent_em * 10.0,
                justify: true,
            },
        );
        spans
            .iter()
            .map(|s| {
                items.atoms[s.start..s.end]
                    .iter()
                    .flat_map(|a| a.glyphs.iter().map(|g| g.text.as_str().to_text()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn pure_han_fills_whole_lines() {
        let text = "一二三四五六七八九十".repeat(3);
        assert_eq!(lines(&text, 10.0, 0.0), ["一二三四五六七八九十"; 3]);
    }

    #[test]
    fn no_line_starts_with_a_stop_or_ends_with_an_opening_mark() {
        let text =
            "子曰：“学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？”"
                .repeat(4);
        for width in 7..16 {
            for line in lines(&text, width as f32, 2.0) {
                let first = line.chars().next().unwrap();
                let last = line.chars().last().unwrap();
                assert!(!crate::script::is_no_start(first), "{width}: {line}");
                assert!(!crate::script::is_no_end(last), "{width}: {line}");
            }
        }
    }

    #[test]
    fn a_last_line_of_one_character_is_avoided() {
        // 11 characters in lines of 10 would leave one alone
        let all = lines("一二三四五六七八九十百", 10.0, 0.0);
        assert!(all.last().unwrap().chars().count() >= 2, "{all:?}");
    }

    #[test]
    fn a_verse_line_too_long_wraps_twice_as_far_in() {
        use crate::pdf::shape::{shape_paragraph, test_bank, Piece, Style};
        let style = Style::plain(Face::SerifRegular, 10.0, crate::pdf::tags::ElemId::ARTIFACT);
        let text = |t: &str| Piece::Text(t.into(), style);
        let verse = [
            text("五花马，千金裘，呼儿将出换美酒，与尔同销万古愁。"),
            Piece::LineBreak,
            text("君不见黄河之水天上来。"),
        ];
        let params = Params {
            measure: 150.0,
            indent: 20.0,
            justify: true,
        };
        let items = shape_paragraph(&verse, test_bank(), params.measure, false);
        let starts: Vec<f32> = break_lines(&items, &params)
            .iter()
            .map(|s| s.indent)
            .collect();
        // the first line of verse (24 characters) wraps once, 13 + 11; the second fits
        assert_eq!(starts, [20.0, 40.0, 20.0]);
        // prose wraps at the edge
        let items = test_items(
            &"一二三四五六七八九十".repeat(4),
            Face::SerifRegular,
            150.0,
            false,
        );
        let starts: Vec<f32> = break_lines(&items, &params)
            .iter()
            .map(|s| s.indent)
            .collect();
        assert_eq!(starts, [20.0, 0.0, 0.0]);
    }

    #[test]
    fn ragged_lines_are_balanced() {
        let items = test_items("一二三四五六七八九十一二", Face::SansBold, 100.0, true);
        let spans = break_lines(
            &items,
            &Params {
                measure: 100.0,
                indent: 0.0,
                justify: false,
            },
        );
        let counts: Vec<usize> = spans.iter().map(|s| s.end - s.start).collect();
        assert_eq!(counts, [6, 6]);
    }
}
