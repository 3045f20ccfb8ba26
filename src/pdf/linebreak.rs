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

/// The measurements of the line holding atoms `a..b`.
struct Measure {
    width: f32,
    stretch: f32,
    shrink: f32,
    letters: usize,
}

fn measure(items: &Items, sums: &Sums, a: usize, b: usize, indent: f32) -> Measure {
    // gaps strictly inside the line: a+1 ..= b-1
    let gaps = |v: &Vec<f32>| v[b] - v[a + 1];
    let first = &items.atoms[a];
    let last = &items.atoms[b - 1];
    let width = sums.atom_width[b] - sums.atom_width[a] + gaps(&sums.gap_width)
        - first.left_blank
        - last.right_blank
        + if a == 0 { indent } else { 0.0 };
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

/// Breaks the paragraph into lines.
pub fn break_lines(items: &Items, params: &Params) -> Vec<LineSpan> {
    let n = items.atoms.len();
    if n == 0 {
        return Vec::new();
    }
    let sums = Sums::new(items);
    let mut nodes = vec![Node {
        pos: 0,
        fitness: 1,
        demerits: 0.0,
        prev: None,
        ratio: 0.0,
        last: false,
    }];
    let mut active: Vec<usize> = vec![0];
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
        let mut still_active = Vec::with_capacity(active.len());
        for &a in &active {
            let node = nodes[a];
            let m = measure(items, &sums, node.pos, j, params.indent);
            let ratio = if forced && params.justify {
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
            };
            if ratio < -1.0 - 1e-4 {
                last_dropped = Some(a);
                continue; // the line only gets longer from here
            }
            still_active.push(a);
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
        active = still_active;
        let mut created = Vec::new();
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
                created.push(nodes.len() - 1);
            }
        }
        if created.is_empty() && active.is_empty() {
            // nothing fits (a run that may not be broken is longer than the line):
            // end an overfull line here rather than give up
            if let Some(prev) = last_dropped {
                nodes.push(Node {
                    pos: j,
                    fitness: 1,
                    demerits: nodes[prev].demerits + 1.0e7,
                    prev: Some(prev),
                    ratio: -1.0,
                    last: forced,
                });
                created.push(nodes.len() - 1);
            }
        }
        if forced {
            active = created;
        } else {
            active.extend(created);
        }
    }

    let Some(end) = active
        .iter()
        .copied()
        .filter(|&i| nodes[i].pos == n)
        .min_by(|&a, &b| nodes[a].demerits.total_cmp(&nodes[b].demerits))
    else {
        return vec![LineSpan {
            start: 0,
            end: n,
            ratio: 0.0,
            last: true,
        }];
    };
    let mut spans = Vec::new();
    let mut cur = end;
    while let Some(prev) = nodes[cur].prev {
        spans.push(LineSpan {
            start: nodes[prev].pos,
            end: nodes[cur].pos,
            ratio: nodes[cur].ratio,
            last: nodes[cur].last,
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
                    .flat_map(|a| a.glyphs.iter().map(|g| g.text.as_str()))
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
