//! The `pdf` stage: document model → typeset, tagged PDF (and a PDF/X-4 print master
//! when `[print]` asks for one).
//!
//! shape (rustybuzz) → break lines (UAX #14 tailored by clreq, total fit) → justify →
//! compose rows and the structure tree (chapters in parallel) → paginate on a character
//! grid → furnish pages (running heads, folios, notes) → emit (pdf-writer, fonts
//! prepared by printpdf).

mod breaks;
pub mod compose;
mod emit;
mod furniture;
pub mod geometry;
mod justify;
mod linebreak;
mod paginate;
pub mod resolution;
mod rows;
mod shape;
mod tags;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::{Result, Warning};
use crate::fonts::FontSet;
use crate::model::{Book, Place};
use crate::progress::{Progress, Stage};
use compose::{Composed, Composer};
use emit::{Document, DocumentInfo, OutlineEntry, Print};
pub use geometry::{Geometry, PT_PER_MM};
use paginate::{paginate, Notes, Page, Settings};
use shape::FontBank;
use tags::{ElemId, Role, Tree};

/// The typeset book: where its pages begin, and its PDFs when they were asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Typeset {
    /// Where each page begins in the book (`None`: a blank page, or one of rules only).
    pub pages: Vec<Option<Place>>,
    /// The PDFs, unless only the pages were asked for.
    pub pdfs: Option<Pdfs>,
}

/// The PDFs of a book.
#[derive(Debug, Clone, PartialEq)]
pub struct Pdfs {
    /// The screen PDF: tagged (PDF/UA-1), no bleed, RGB images.
    pub screen: Vec<u8>,
    /// The print master (PDF/X-4), when `[print]` asks for it.
    pub print: Option<Vec<u8>>,
}

/// Typesets the book and, when `emit` is set, writes its PDFs; problems that do not
/// stop the build (images too coarse for print) go to `warnings`. Without `emit` the
/// book is still composed and paginated, for where its pages begin (the EPUB marks
/// them).
pub fn write(
    book: &Book,
    font_set: &FontSet,
    emit: bool,
    progress: &Progress,
    warnings: &mut Vec<Warning>,
) -> Result<Typeset> {
    let language = &book.metadata.language;
    let bank = FontBank::new(font_set, language);
    let geometry = Geometry::new(&book.pdf);
    let composer = Composer::new(&bank, geometry, &book.images, language);
    progress.begin(Stage::Composing);
    let front = composer.front_matter(book);
    let chapters: Vec<Composed> = (0..book.chapters.len())
        .into_par_iter()
        .map(|index| {
            let chapter = composer.chapter(book, index);
            progress.chapter_done();
            chapter
        })
        .collect();
    let merged = merge(std::iter::once(front).chain(chapters));
    warnings.extend(resolution::findings(
        book,
        &resolution::placed_widths(merged.rows.iter()),
    ));
    progress.end(Stage::Composing);
    progress.begin(Stage::Paginating);
    let notes = Notes {
        bodies: merged.notes,
        pitch: composer.note_pitch(),
        separator: geometry.pitch,
    };
    let settings = Settings {
        capacity: geometry.lines,
        pitch: geometry.pitch,
        chapters_on_right: book.pdf.chapters_on_right,
    };
    let pages = paginate(merged.rows, &notes, settings);
    let places: Vec<Option<Place>> = pages
        .iter()
        .map(|p| p.rows.iter().find_map(|(_, row)| row.place))
        .collect();
    let outline = outline(&pages, &geometry);
    progress.end(Stage::Paginating);
    if !emit {
        return Ok(Typeset {
            pages: places,
            pdfs: None,
        });
    }
    progress.begin(Stage::Furnishing);
    let contents = furniture::render(
        pages,
        &furniture::Furnish {
            composer: &composer,
            notes: &notes,
            links: &merged.links,
            book,
        },
    );
    let meta = &book.metadata;
    let info = DocumentInfo {
        title: meta.title.clone(),
        authors: meta.authors.clone(),
        subject: meta.description.clone(),
        language: meta.language.clone(),
        time: meta.modified,
        identifier: meta.identifier.clone(),
    };
    let document = |print: Option<Print>| Document {
        pages: &contents,
        size: (geometry.page_width, geometry.page_height),
        bank: &bank,
        images: &book.images,
        tree: &merged.tree,
        outline: &outline,
        info: &info,
        print,
    };
    progress.end(Stage::Furnishing);
    progress.begin(Stage::Emitting);
    let screen = emit::emit(&document(None))?;
    let print = match &book.print {
        Some(options) => Some(emit::emit(&document(Some(Print::new(options))))?),
        None => None,
    };
    progress.end(Stage::Emitting);
    Ok(Typeset {
        pages: places,
        pdfs: Some(Pdfs { screen, print }),
    })
}

/// The parts of the book put together: elements and links renumbered into one tree
/// and one list.
fn merge(parts: impl Iterator<Item = Composed>) -> Composed {
    let mut whole = Composed {
        rows: Vec::new(),
        notes: HashMap::new(),
        links: Vec::new(),
        tree: Tree::new(Role::Document),
    };
    for part in parts {
        let elems = whole.tree.graft(part.tree, ElemId::ROOT);
        let links = whole.links.len() as u32;
        for mut row in part.rows {
            row.renumber(elems, links);
            whole.rows.push(row);
        }
        for (key, mut lines) in part.notes {
            for line in &mut lines {
                line.renumber(elems, links);
            }
            whole.notes.insert(key, lines);
        }
        whole.links.extend(part.links);
    }
    whole
}

/// The outline: chapter titles, with their sections nested beneath, each pointing at
/// the heading's place on its page.
fn outline(pages: &[Page], g: &Geometry) -> Vec<OutlineEntry> {
    let mut roots: Vec<OutlineEntry> = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        for (start, row) in &page.rows {
            let Some(anchor) = &row.anchor else { continue };
            let entry = OutlineEntry {
                title: anchor.title.clone(),
                page: index,
                y: g.top + *start as f32 * g.pitch,
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
