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

use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::model::Book;
use compose::Composer;
use emit::{PageContent, PlacedLine, Rule};
use finish::{DocumentInfo, OutlineEntry};
use paginate::{paginate, Anchor, Geometry, Page};
use shape::FontBank;

/// Writes the book as a PDF (returned as bytes).
pub fn write(book: &Book, font_set: &FontSet) -> Result<Vec<u8>> {
    let bank = FontBank::new(font_set, &book.metadata.language);
    let geometry = Geometry::new(&book.pdf);
    let composer = Composer {
        bank: &bank,
        geometry,
    };
    let pages = paginate(composer.rows(book), geometry.lines);
    let contents = render(&pages, &composer, book);
    let meta = &book.metadata;
    let mut doc = emit::emit(
        &contents,
        geometry.page_width,
        geometry.page_height,
        &bank,
        &meta.title,
    )?;
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

/// Pages with their furniture: a running head (the book's title on even pages, the
/// current section or chapter on odd ones) over a hairline, and the page number at the
/// foot; none on the first page, and no running head where a chapter begins.
fn render(pages: &[Page], composer: &Composer<'_>, book: &Book) -> Vec<PageContent> {
    let g = composer.geometry;
    let single = book.chapters.len() == 1;
    let mut current_section: Option<String> = None;
    let mut current_chapter: Option<String> = None;
    let mut out = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let mut content = PageContent::default();
        let mut first_section_here = None;
        for (start, row) in &page.rows {
            let top = g.top + *start as f32 * g.pitch;
            for l in &row.lines {
                content.lines.push(PlacedLine {
                    line: l.line.clone(),
                    x: g.left + l.x,
                    baseline: top + l.baseline,
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
        let number = index + 1;
        if index > 0 {
            let folio = composer.furniture(&number.to_string());
            let baseline = g.top + g.lines as f32 * g.pitch + 1.8 * g.pitch;
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
                    });
                }
            }
        }
        out.push(content);
    }
    out
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
