//! The `pdf` stage: document model → typeset PDF.
//!
//! shape (rustybuzz) → break lines (UAX #14 tailored by clreq, total fit) → justify →
//! compose rows → paginate on a character grid → emit (printpdf) → finish (lopdf).

mod breaks;
mod compose;
mod emit;
mod finish;
mod justify;
mod linebreak;
mod paginate;
mod shape;

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::model::{Book, LinkTarget};
use compose::Composer;
use emit::{Area, LinkAction, PageContent, PlacedLine, Rule};
use finish::{DocumentInfo, OutlineEntry};
use paginate::{paginate, Anchor, Geometry, Notes, Page, Row, Settings, TocLink};
use shape::FontBank;

/// Writes the book as a PDF (returned as bytes).
pub fn write(book: &Book, font_set: &FontSet) -> Result<Vec<u8>> {
    let bank = FontBank::new(font_set, &book.metadata.language);
    let geometry = Geometry::new(&book.pdf);
    let composer = Composer::new(&bank, geometry, &book.images);
    let rows = composer.rows(book);
    let notes = composer.take_notes();
    let settings = Settings {
        capacity: geometry.lines,
        pitch: geometry.pitch,
        chapters_on_right: book.pdf.chapters_on_right,
    };
    let pages = paginate(rows, &notes, settings);
    let contents = render(&pages, &composer, &notes, book);
    let meta = &book.metadata;
    let size = (geometry.page_width, geometry.page_height);
    let mut doc = emit::emit(&contents, size, &bank, &book.images, &meta.title)?;
    let info = DocumentInfo {
        title: meta.title.clone(),
        authors: meta.authors.clone(),
        subject: meta.description.clone(),
        language: meta.language.clone(),
        time: meta.modified,
        identifier: meta.identifier.clone(),
    };
    let pdf_error = |e: &dyn std::fmt::Display| Error::Internal(format!("writing the PDF: {e}"));
    finish::finish(&mut doc, &info, &outline(&pages, &geometry)).map_err(|e| pdf_error(&e))?;
    doc.compress();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(|e| pdf_error(&e))?;
    Ok(bytes)
}

/// Where each heading and each chapter is: (page, height from the top).
struct Places {
    headings: HashMap<String, (usize, f32)>,
    chapters: HashMap<usize, (usize, f32)>,
}

impl Places {
    fn new(pages: &[Page], g: &Geometry) -> Places {
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

/// Pages with their furniture: a running head (the book's title on even pages, the
/// current section or chapter on odd ones) over a hairline, the page number at the foot,
/// the footnotes above it; none on the first page or a blank one, and no running head
/// where a chapter begins.
fn render(pages: &[Page], composer: &Composer<'_>, notes: &Notes, book: &Book) -> Vec<PageContent> {
    let g = composer.geometry;
    let single = book.chapters.len() == 1;
    let places = Places::new(pages, &g);
    let links = composer.links.borrow();
    let mut current_section: Option<String> = None;
    let mut current_chapter: Option<String> = None;
    let mut out = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let mut content = PageContent::default();
        let mut first_section_here = None;
        for (k, (start, row)) in page.rows.iter().enumerate() {
            let top = g.top + *start as f32 * g.pitch;
            place_row(row, top, &g, &mut content);
            if let Some(toc) = &row.toc {
                toc_entry(toc, row, top, composer, &places, &mut content);
            }
            let table = row.table.map(|t| t.id);
            let next_in_table = page
                .rows
                .get(k + 1)
                .is_some_and(|(_, next)| next.table.map(|t| t.id) == table);
            let continues = row.table.is_some_and(|t| !t.last) && !next_in_table;
            if continues {
                // a table broken by the page: close it here, it goes on overleaf
                let y = top + row.height as f32 * g.pitch;
                content.rules.push(Rule {
                    from: (g.left, y),
                    to: (g.left + g.measure, y),
                    width: 1.0,
                    dotted: false,
                });
            }
            if let Some(Anchor { title, level, .. }) = &row.anchor {
                match level {
                    1 => {
                        current_chapter = Some(title.clone());
                        current_section = None;
                    }
                    2 => {
                        first_section_here.get_or_insert_with(|| title.clone());
                        current_section = Some(title.clone());
                    }
                    _ => {}
                }
            }
        }
        for placed in &content.lines {
            for (area, link) in link_areas(placed) {
                if let Some(action) = links.get(link as usize).and_then(|t| places.action(t)) {
                    content.links.push((area, action));
                }
            }
        }
        place_notes(page, notes, &g, &mut content);
        let number = index + 1;
        if index > 0 && !page.is_blank() {
            let folio = composer.furniture(&number.to_string());
            let baseline = g.top + g.block_height() + 1.8 * g.pitch;
            content.lines.push(centred(folio, baseline, &g));
            if !page.starts_chapter() {
                let head = if number % 2 == 0 {
                    Some(book.metadata.title.clone())
                } else if single {
                    first_section_here
                        .or_else(|| current_section.clone())
                        .or_else(|| current_chapter.clone())
                } else {
                    current_chapter.clone()
                };
                if let Some(head) = head {
                    let line = composer.furniture(&head);
                    let baseline = g.top - 1.1 * g.pitch;
                    content.lines.push(centred(line, baseline, &g));
                    let y = g.top - 0.55 * g.pitch;
                    content.rules.push(Rule {
                        from: (g.left, y),
                        to: (g.left + g.measure, y),
                        width: 0.4,
                        dotted: false,
                    });
                }
            }
        }
        out.push(content);
    }
    out
}

/// A row's lines, rules, grounds and images at their place on the page.
fn place_row(row: &Row, top: f32, g: &Geometry, content: &mut PageContent) {
    for l in &row.lines {
        content.lines.push(PlacedLine {
            line: l.line.clone(),
            x: g.left + l.x,
            baseline: top + l.baseline,
        });
    }
    for r in &row.rules {
        let y = top + r.y;
        content.rules.push(Rule {
            from: (g.left + r.x, y),
            to: (g.left + r.x + r.length, y),
            width: r.width,
            dotted: r.dotted,
        });
    }
    for f in &row.fills {
        content.fills.push(Area {
            x: g.left + f.x,
            y: top,
            width: f.width,
            height: row.height as f32 * g.pitch,
        });
    }
    for image in &row.images {
        content.images.push((
            image.image,
            Area {
                x: g.left + image.x,
                y: top + image.y,
                width: image.width,
                height: image.height,
            },
        ));
    }
}

/// A table-of-contents entry's page number, leaders and link.
fn toc_entry(
    toc: &TocLink,
    row: &Row,
    top: f32,
    composer: &Composer<'_>,
    places: &Places,
    content: &mut PageContent,
) {
    let g = composer.geometry;
    let Some(&(page, y)) = places.headings.get(&toc.id) else {
        return;
    };
    let number = composer.page_number(page + 1, toc.right);
    let baseline = top + (row.height - 1) as f32 * g.pitch + g.baseline_in_line();
    let number_left = toc.right - number.width + number.glyphs.first().map_or(0.0, |f| f.x);
    let (from, to) = (toc.leader_from + 0.5 * g.size, number_left - 0.5 * g.size);
    if to > from {
        content.rules.push(Rule {
            from: (g.left + from, baseline - 0.1 * g.size),
            to: (g.left + to, baseline - 0.1 * g.size),
            width: 0.8,
            dotted: true,
        });
    }
    content.lines.push(PlacedLine {
        line: number,
        x: g.left,
        baseline,
    });
    content.links.push((
        Area {
            x: g.left,
            y: top,
            width: toc.right,
            height: row.height as f32 * g.pitch,
        },
        LinkAction::Place { page, y },
    ));
}

/// The areas of a line covered by each link.
fn link_areas(placed: &PlacedLine) -> Vec<(Area, u32)> {
    let mut out: Vec<(Area, u32)> = Vec::new();
    for g in &placed.line.glyphs {
        let Some(link) = g.marks.link else { continue };
        let (x0, x1) = (placed.x + g.x, placed.x + g.x + g.advance);
        match out.last_mut() {
            Some((area, l)) if *l == link && x0 - (area.x + area.width) < g.size => {
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
            )),
        }
    }
    out
}

/// Footnotes at the foot of the text block, under a short rule.
fn place_notes(page: &Page, notes: &Notes, g: &Geometry, content: &mut PageContent) {
    if page.notes.is_empty() {
        return;
    }
    let count: usize = page.notes.iter().map(|p| p.lines.len()).sum();
    let bottom = g.top + g.block_height();
    let mut y = bottom - count as f32 * notes.pitch;
    let rule_y = y - notes.separator / 2.0;
    content.rules.push(Rule {
        from: (g.left, rule_y),
        to: (g.left + g.measure / 4.0, rule_y),
        width: 0.4,
        dotted: false,
    });
    for part in &page.notes {
        let Some(lines) = notes.bodies.get(&part.key) else {
            continue;
        };
        for line in &lines[part.lines.clone()] {
            let above = (notes.pitch - line.size) / 2.0 + 0.88 * line.size;
            content.lines.push(PlacedLine {
                line: line.clone(),
                x: g.left,
                baseline: y + above,
            });
            y += notes.pitch;
        }
    }
}

/// A furniture line (already centred on the measure) at `baseline`.
fn centred(line: justify::Line, baseline: f32, g: &Geometry) -> PlacedLine {
    PlacedLine {
        line,
        x: g.left,
        baseline,
    }
}

/// The outline: chapter titles, with their sections nested beneath, each pointing at the
/// heading's place on its page.
fn outline(pages: &[Page], g: &Geometry) -> Vec<OutlineEntry> {
    let mut roots: Vec<OutlineEntry> = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        for (start, row) in &page.rows {
            let Some(anchor) = &row.anchor else { continue };
            let entry = OutlineEntry {
                title: anchor.title.clone(),
                page: index,
                y: g.page_height - (g.top + *start as f32 * g.pitch),
                children: Vec::new(),
            };
            insert(&mut roots, entry, anchor.level, 1);
        }
    }
    roots
}

/// Puts `entry` (of heading `level`) under the last entry of the level above it.
fn insert(siblings: &mut Vec<OutlineEntry>, entry: OutlineEntry, level: u8, depth: u8) {
    match siblings.last_mut() {
        Some(parent) if level > depth => insert(&mut parent.children, entry, level, depth + 1),
        _ => siblings.push(entry),
    }
}
