//! Tests of pagination: widows and orphans, headings kept with their text, chapter
//! starts, notes and their continuations, table headers repeated.

use super::*;
use crate::pdf::rows::{Anchor, TablePart};

fn settings(capacity: usize) -> Settings {
    Settings {
        capacity,
        pitch: 10.0,
        chapters_on_right: false,
    }
}

fn body(n: usize, after_heading: bool) -> Vec<Row> {
    (0..n)
        .map(|i| Row {
            height: 1,
            break_before: (i == 0 && !after_heading) || (i >= 2 && n - i >= 2),
            ..Row::default()
        })
        .collect()
}

fn heading() -> Vec<Row> {
    vec![
        Row {
            height: 1,
            droppable: true,
            break_before: true,
            ..Row::default()
        },
        Row {
            height: 2,
            break_before: true,
            anchor: Some(Box::new(Anchor {
                id: "h".into(),
                title: "h".into(),
                level: 2,
            })),
            ..Row::default()
        },
    ]
}

fn heights(pages: &[Page]) -> Vec<usize> {
    pages.iter().map(Page::used).collect()
}

fn run(rows: Vec<Row>, capacity: usize) -> Vec<Page> {
    paginate(rows, &Notes::default(), settings(capacity))
}

#[test]
fn no_orphan_or_widow_line() {
    let mut rows = body(9, false);
    rows.extend(body(3, false));
    assert_eq!(heights(&run(rows, 10)), [9, 3]);
    let mut rows = body(7, false);
    rows.extend(body(4, false));
    assert_eq!(heights(&run(rows, 10)), [9, 2]);
}

#[test]
fn a_heading_is_never_at_the_foot_and_keeps_two_lines() {
    let mut rows = body(6, false);
    rows.extend(heading());
    rows.extend(body(5, true));
    let pages = run(rows, 10);
    assert_eq!(heights(&pages), [6, 7]);
    assert!(
        pages[1].rows[0].1.anchor.is_some(),
        "the spacer is dropped at the top"
    );
}

#[test]
fn chapters_start_new_pages_on_the_right_when_asked() {
    let mut rows = body(3, false);
    let mut next = body(3, false);
    next[0].new_page = true;
    next[0].chapter_start = true;
    rows.extend(next);
    assert_eq!(heights(&run(rows.clone(), 10)), [3, 3]);
    let pages = paginate(
        rows,
        &Notes::default(),
        Settings {
            chapters_on_right: true,
            ..settings(10)
        },
    );
    assert_eq!(heights(&pages), [3, 0, 3]);
    assert!(pages[1].is_blank());
}

fn notes(lines: &[(NoteKey, usize)]) -> Notes {
    Notes {
        bodies: lines
            .iter()
            .map(|&(k, n)| (k, vec![Line::default(); n]))
            .collect(),
        pitch: 8.0,
        separator: 6.0,
    }
}

#[test]
fn a_note_goes_to_the_page_that_cites_it() {
    // 10 lines of 10 pt; a 3-line note takes 6 + 24 = 30 pt, i.e. three grid lines
    let mut rows = body(9, false);
    rows[5].notes = vec![(0, 1)];
    let pages = paginate(rows, &notes(&[((0, 1), 3)]), settings(10));
    assert_eq!(heights(&pages), [7, 2]);
    assert_eq!(
        pages[0].notes,
        [NotePart {
            key: (0, 1),
            lines: 0..3
        }]
    );
}

#[test]
fn a_long_note_continues_on_the_next_pages() {
    let mut rows = body(8, false);
    rows[2].notes = vec![(0, 1)];
    let pages = paginate(rows, &notes(&[((0, 1), 20)]), settings(10));
    assert_eq!(
        pages[0].notes[0].lines.start, 0,
        "the note starts on the page citing it"
    );
    let parts: Vec<&NotePart> = pages.iter().flat_map(|p| &p.notes).collect();
    assert!(parts.len() >= 2);
    for pair in parts.windows(2) {
        assert_eq!(pair[0].lines.end, pair[1].lines.start, "{parts:?}");
    }
    assert_eq!(parts.last().unwrap().lines.end, 20);
    let body_lines: usize = pages.iter().map(Page::used).sum();
    assert_eq!(body_lines, 8);
}

#[test]
fn a_table_repeats_its_header_on_the_next_page() {
    let mut rows = body(6, false);
    let header = Row {
        height: 1,
        break_before: true,
        table: Some(TablePart {
            id: (0, 7),
            header: true,
            last: false,
        }),
        ..Row::default()
    };
    rows.push(header);
    for i in 0..6 {
        rows.push(Row {
            height: 1,
            break_before: i > 0,
            table: Some(TablePart {
                id: (0, 7),
                header: false,
                last: i == 5,
            }),
            ..Row::default()
        });
    }
    let pages = run(rows, 10);
    assert_eq!(heights(&pages), [10, 4]);
    assert!(pages[1].rows[0].1.table.unwrap().header);
}

#[test]
fn a_table_row_that_fits_a_page_only_without_the_header_ends() {
    // a row of 5 lines citing a note of 3 (three grid lines) fills a page of 8; the
    // header of 1 cannot come with it
    let part = |header| {
        Some(TablePart {
            id: (0, 7),
            header,
            last: false,
        })
    };
    let mut rows = vec![Row {
        height: 1,
        break_before: true,
        table: part(true),
        ..Row::default()
    }];
    for _ in 0..2 {
        rows.push(Row {
            height: 5,
            break_before: true,
            notes: vec![(0, 1)],
            table: part(false),
            ..Row::default()
        });
    }
    let pages = paginate(rows, &notes(&[((0, 1), 3)]), settings(8));
    let placed: usize = pages.iter().map(|p| p.rows.len()).sum();
    assert!(pages.len() <= 3 && placed <= 4, "{:?}", heights(&pages));
    assert!(pages.iter().all(|p| !p.rows.is_empty()));
}

#[test]
fn rows_kept_together_that_fill_a_page_with_the_header_end() {
    // two rows that must stay together (the second may not begin a page) and do
    // not fit on a page under the repeated header
    let part = |header, last| {
        Some(TablePart {
            id: (0, 7),
            header,
            last,
        })
    };
    let mut rows = vec![Row {
        height: 1,
        break_before: true,
        table: part(true, false),
        ..Row::default()
    }];
    rows.extend(body(9, false));
    rows.push(Row {
        height: 5,
        break_before: true,
        table: part(false, false),
        ..Row::default()
    });
    rows.push(Row {
        height: 5,
        break_before: false,
        table: part(false, true),
        ..Row::default()
    });
    let pages = run(rows, 10);
    assert!(pages.len() <= 4, "{:?}", heights(&pages));
}

#[test]
fn notes_carried_past_the_last_row_are_not_lost() {
    // one line of text citing a note of 30 lines: the note runs on over pages of
    // its own after the text ends
    let mut rows = body(1, false);
    rows[0].notes = vec![(0, 1)];
    let pages = paginate(rows, &notes(&[((0, 1), 30)]), settings(10));
    let parts: Vec<&NotePart> = pages.iter().flat_map(|p| &p.notes).collect();
    assert_eq!(parts.last().unwrap().lines.end, 30, "{parts:?}");
    for pair in parts.windows(2) {
        assert_eq!(pair[0].lines.end, pair[1].lines.start, "{parts:?}");
    }
}
