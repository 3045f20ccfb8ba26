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
use crate::model::{Book, LinkTarget, Place};
use crate::progress::{Progress, Stage};
use compose::{Composed, Composer};
use emit::{Document, DocumentInfo, OutlineEntry, Print};
pub use geometry::{Geometry, PT_PER_MM};
use paginate::{paginate, Notes, Page, Settings};
use shape::FontBank;
use tags::{ElemId, Role, Tree};

/// The PDFs of a book.
#[derive(Debug, Clone, PartialEq)]
pub struct Pdfs {
    /// The screen PDF: tagged (PDF/UA-1), no bleed, RGB images.
    pub screen: Vec<u8>,
    /// The print master (PDF/X-4), when `[print]` asks for it.
    pub print: Option<Vec<u8>>,
}

/// Sets a book in its fonts: made once per build, it holds the shaping caches every
/// chapter shares.
pub struct Typesetter<'a> {
    book: &'a Book,
    bank: FontBank<'a>,
}

impl<'a> Typesetter<'a> {
    /// A typesetter for `book` in `font_set`.
    pub fn new(book: &'a Book, font_set: &'a FontSet) -> Typesetter<'a> {
        Typesetter {
            book,
            bank: FontBank::new(font_set, &book.metadata.language),
        }
    }

    /// Composes the book (chapters in parallel) and paginates it. Returns where each
    /// page begins in the book (`None`: a blank page, or one of rules only), which the
    /// EPUB marks, and the laid-out pages the PDFs are made from; problems that do not
    /// stop the build (images too coarse for print, tables in small type) go to
    /// `warnings`.
    pub fn lay_out(
        &self,
        progress: &Progress,
        warnings: &mut Vec<Warning>,
    ) -> (Vec<Option<Place>>, Laid<'_>) {
        let book = self.book;
        let geometry = Geometry::new(&book.pdf);
        let composer = Composer::new(&self.bank, geometry, &book.images, &book.metadata.language);
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
        let mut parts = Vec::with_capacity(chapters.len() + 1);
        parts.push(front);
        parts.extend(chapters);
        let merged = merge(parts);
        warnings.extend(resolution::findings(
            book,
            &resolution::placed_widths(merged.rows.iter()),
        ));
        warnings.extend(compose::table::findings(book, &merged.small_tables));
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
        let laid = Laid {
            book,
            composer,
            pages,
            notes,
            links: merged.links,
            tree: merged.tree,
            outline,
        };
        (places, laid)
    }
}

/// The book composed and paginated: what its PDFs are made from.
pub struct Laid<'a> {
    book: &'a Book,
    composer: Composer<'a>,
    pages: Vec<Page>,
    notes: Notes,
    links: Vec<LinkTarget>,
    tree: Tree,
    outline: Vec<OutlineEntry>,
}

impl Laid<'_> {
    /// Furnishes the pages (running heads, folios, notes) and writes the screen PDF,
    /// and the print master when `[print]` asks for one.
    pub fn emit(self, progress: &Progress) -> Result<Pdfs> {
        let book = self.book;
        let geometry = self.composer.geometry;
        progress.begin(Stage::Furnishing);
        let contents = furniture::render(
            self.pages,
            &furniture::Furnish {
                composer: &self.composer,
                notes: &self.notes,
                links: &self.links,
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
            bank: self.composer.bank,
            images: &book.images,
            tree: &self.tree,
            outline: &self.outline,
            info: &info,
            print,
        };
        progress.end(Stage::Furnishing);
        progress.begin(Stage::Emitting);
        // the screen PDF and the print master side by side
        let (screen, print) = rayon::join(
            || emit::emit(&document(None)),
            || {
                book.print
                    .as_ref()
                    .map(|options| emit::emit(&document(Some(Print::new(options)))))
                    .transpose()
            },
        );
        let (screen, print) = (screen?, print?);
        progress.end(Stage::Emitting);
        Ok(Pdfs { screen, print })
    }
}

/// The parts of the book put together: elements and links renumbered into one tree
/// and one list.
fn merge(parts: Vec<Composed>) -> Composed {
    let mut whole = Composed {
        rows: Vec::with_capacity(parts.iter().map(|p| p.rows.len()).sum()),
        notes: HashMap::new(),
        links: Vec::new(),
        tree: Tree::new(Role::Document),
        small_tables: Vec::new(),
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
        whole.small_tables.extend(part.small_tables);
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
