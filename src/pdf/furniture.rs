//! Pages with their furniture: rows placed on the page (mirrored margins), running heads
//! (the book's title on left-hand pages, the section or chapter on right-hand ones)
//! over a hairline, folios, footnotes at the foot, the contents' page numbers and
//! leaders, link areas; and the outline. Everything here is what the emitter draws.

use std::collections::HashMap;

use rayon::prelude::*;

use super::compose::Composer;
use super::emit::{Area, LinkAction, PageContent, PlacedImage, PlacedLine, PlacedLink, Rule};
use super::geometry::{baseline_in, Geometry};
use super::justify::Line;
use super::paginate::{Notes, Page};
use super::rows::{Anchor, Row, TocLink};
use super::tags::ElemId;
use crate::model::{Book, LinkTarget};

/// Where each heading and each chapter is: (page, height from the top).
pub struct Places {
    headings: HashMap<String, (usize, f32)>,
    chapters: HashMap<usize, (usize, f32)>,
}

impl Places {
    /// The places of the anchors and chapter starts of `pages`.
    pub fn new(pages: &[Page], g: &Geometry) -> Places {
        let mut places = Places {
            headings: HashMap::new(),
            chapters: HashMap::new(),
        };
        for (index, page) in pages.iter().enumerate() {
            for (start, row) in &page.rows {
                let y = g.top + *start as f32 * g.pitch;
                if let Some(anchor) = &row.anchor {
                    places
                        .headings
                        .entry(anchor.id.clone())
                        .or_insert((index, y));
                }
                if let Some(chapter) = row.chapter {
                    places.chapters.entry(chapter).or_insert((index, y));
                }
            }
        }
        places
    }

    fn action(&self, target: &LinkTarget) -> Option<LinkAction> {
        let place = match target {
            LinkTarget::External(url) => return Some(LinkAction::Uri(url.clone())),
            LinkTarget::Heading(id) => self.headings.get(id),
            LinkTarget::Chapter(c) => self.chapters.get(c),
        };
        place.map(|&(page, y)| LinkAction::Place { page, y })
    }
}

/// What a page needs besides its rows.
pub struct Furnish<'a> {
    /// Sets the running heads, folios and page numbers.
    pub composer: &'a Composer<'a>,
    /// Footnote bodies.
    pub notes: &'a Notes,
    /// The book's links, by the glyphs' `link` marks.
    pub links: &'a [LinkTarget],
    /// The book.
    pub book: &'a Book,
}

/// Every page's content, in order (the pages' rows are moved into it): the running
/// heads found in page order, then the pages furnished side by side.
pub fn render(pages: Vec<Page>, f: &Furnish<'_>) -> Vec<PageContent> {
    let places = Places::new(&pages, &f.composer.geometry);
    let heads = running_heads(&pages, f.book);
    pages
        .into_par_iter()
        .zip(heads)
        .enumerate()
        .map(|(index, (page, head))| furnish(index, page, head, f, &places))
        .collect()
}

/// Each page's running head: the book's (short) title on left-hand pages; on
/// right-hand ones the chapter's title (in a book of one chapter, the first section
/// begun on the page, else the section it continues); none on the first page, blank
/// pages and pages that open a chapter.
fn running_heads(pages: &[Page], book: &Book) -> Vec<Option<String>> {
    let single = book.chapters.len() == 1;
    let meta = &book.metadata;
    let mut section: Option<String> = None;
    let mut chapter: Option<String> = None;
    let mut heads = Vec::with_capacity(pages.len());
    for (index, page) in pages.iter().enumerate() {
        let mut first_section_here = None;
        for (_, row) in &page.rows {
            if let Some(Anchor { title, level, .. }) = row.anchor.as_deref() {
                match level {
                    1 => {
                        chapter = Some(title.clone());
                        section = None;
                    }
                    2 => {
                        first_section_here.get_or_insert_with(|| title.clone());
                        section = Some(title.clone());
                    }
                    _ => {}
                }
            }
        }
        let head = if index == 0 || page.is_blank() || page.starts_chapter() {
            None
        } else if (index + 1) % 2 == 0 {
            Some(
                meta.short_title
                    .clone()
                    .unwrap_or_else(|| meta.title.clone()),
            )
        } else if single {
            first_section_here
                .or_else(|| section.clone())
                .or_else(|| chapter.clone())
        } else {
            chapter.clone()
        };
        heads.push(head);
    }
    heads
}

/// Page `index` with its rows placed, its links, notes, folio and running `head`.
fn furnish(
    index: usize,
    mut page: Page,
    head: Option<String>,
    f: &Furnish<'_>,
    places: &Places,
) -> PageContent {
    let g = f.composer.geometry;
    let left = g.left(index);
    let mut content = PageContent::default();
    let blank = page.is_blank();
    let tables: Vec<Option<(usize, usize)>> = page
        .rows
        .iter()
        .map(|(_, r)| r.table.map(|t| t.id))
        .collect();
    for (k, (start, row)) in std::mem::take(&mut page.rows).into_iter().enumerate() {
        let top = g.top + start as f32 * g.pitch;
        if let Some(toc) = &row.toc {
            toc_entry(toc, &row, top, left, f.composer, places, &mut content);
        }
        let table = row.table.map(|t| t.id);
        let next_in_table = tables.get(k + 1).is_some_and(|&next| next == table);
        if row.table.is_some_and(|t| !t.last) && !next_in_table {
            // a table broken by the page: close it here, it goes on overleaf
            let y = top + row.height as f32 * g.pitch;
            content.rules.push(Rule {
                from: (left, y),
                to: (left + g.measure, y),
                width: 1.0,
                dotted: false,
            });
        }
        place_row(row, top, left, &g, &mut content);
    }
    for placed in &content.lines {
        for (area, link, elem) in link_areas(placed) {
            let target = f.links.get(link as usize);
            if let Some(action) = target.and_then(|t| places.action(t)) {
                content.links.push(PlacedLink { area, action, elem });
            }
        }
    }
    place_notes(&page, f.notes, left, &g, &mut content);
    if index > 0 && !blank {
        let folio = f.composer.furniture(&(index + 1).to_string());
        content.lines.push(at(folio, left, g.folio_baseline()));
        if let Some(head) = head {
            let line = f.composer.furniture(&head);
            content.lines.push(at(line, left, g.head_baseline()));
            content.rules.push(Rule {
                from: (left, g.head_rule()),
                to: (left + g.measure, g.head_rule()),
                width: 0.4,
                dotted: false,
            });
        }
    }
    content
}

/// A row's lines, rules, grounds and images at their place on the page.
fn place_row(row: Row, top: f32, left: f32, g: &Geometry, content: &mut PageContent) {
    for l in row.lines {
        content.lines.push(PlacedLine {
            line: l.line,
            x: left + l.x,
            baseline: top + l.baseline,
        });
    }
    for r in &row.rules {
        let y = top + r.y;
        content.rules.push(Rule {
            from: (left + r.x, y),
            to: (left + r.x + r.length, y),
            width: r.width,
            dotted: r.dotted,
        });
    }
    for fill in &row.fills {
        content.fills.push(Area {
            x: left + fill.x,
            y: top,
            width: fill.width,
            height: row.height as f32 * g.pitch,
        });
    }
    for image in &row.images {
        content.images.push(PlacedImage {
            image: image.image,
            area: Area {
                x: left + image.x,
                y: top + image.y,
                width: image.width,
                height: image.height,
            },
            elem: image.elem,
        });
    }
}

/// A table-of-contents entry's page number, leaders and link.
fn toc_entry(
    toc: &TocLink,
    row: &Row,
    top: f32,
    left: f32,
    composer: &Composer<'_>,
    places: &Places,
    content: &mut PageContent,
) {
    let g = composer.geometry;
    let Some(&(page, y)) = places.headings.get(&toc.id) else {
        return;
    };
    let number = composer.page_number(page + 1, toc.right, toc.elem);
    let baseline = top + (row.height - 1) as f32 * g.pitch + g.baseline_in_line();
    let number_left = toc.right - number.width + number.glyphs.first().map_or(0.0, |f| f.x);
    let (from, to) = (toc.leader_from + 0.5 * g.size, number_left - 0.5 * g.size);
    if to > from {
        content.rules.push(Rule {
            from: (left + from, baseline - 0.1 * g.size),
            to: (left + to, baseline - 0.1 * g.size),
            width: 0.8,
            dotted: true,
        });
    }
    content.lines.push(at(number, left, baseline));
    content.links.push(PlacedLink {
        area: Area {
            x: left,
            y: top,
            width: toc.right,
            height: row.height as f32 * g.pitch,
        },
        action: LinkAction::Place { page, y },
        elem: toc.elem,
    });
}

/// The areas of a line covered by each link, with the link's index and element.
fn link_areas(placed: &PlacedLine) -> Vec<(Area, u32, ElemId)> {
    let mut out: Vec<(Area, u32, ElemId)> = Vec::new();
    for g in &placed.line.glyphs {
        let Some(link) = g.marks.link.get() else {
            continue;
        };
        let (x0, x1) = (placed.x + g.x, placed.x + g.x + g.advance);
        match out.last_mut() {
            Some((area, l, _)) if *l == link && x0 - (area.x + area.width) < g.size => {
                area.width = x1 - area.x;
            }
            _ => out.push((
                Area {
                    x: x0,
                    y: placed.baseline - 0.95 * g.size,
                    width: x1 - x0,
                    height: 1.2 * g.size,
                },
                link,
                g.elem,
            )),
        }
    }
    out
}

/// Footnotes at the foot of the text block, under a short rule.
fn place_notes(page: &Page, notes: &Notes, left: f32, g: &Geometry, content: &mut PageContent) {
    if page.notes.is_empty() {
        return;
    }
    let count: usize = page.notes.iter().map(|p| p.lines.len()).sum();
    let mut y = g.bottom() - count as f32 * notes.pitch;
    let rule_y = y - notes.separator / 2.0;
    content.rules.push(Rule {
        from: (left, rule_y),
        to: (left + g.measure / 4.0, rule_y),
        width: 0.4,
        dotted: false,
    });
    for part in &page.notes {
        let Some(lines) = notes.bodies.get(&part.key) else {
            continue;
        };
        for line in &lines[part.lines.clone()] {
            content.lines.push(PlacedLine {
                line: line.clone(),
                x: left,
                baseline: y + baseline_in(notes.pitch, line.size),
            });
            y += notes.pitch;
        }
    }
}

/// A line set across the measure (furniture is centred in it) at `baseline`.
fn at(line: Line, left: f32, baseline: f32) -> PlacedLine {
    PlacedLine {
        line,
        x: left,
        baseline,
    }
}
