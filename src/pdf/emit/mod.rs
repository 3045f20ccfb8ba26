//! Emission: placed glyphs, rules, images and links → a tagged PDF.
//!
//! printpdf's document model holds every page's operations in memory until it
//! serialises them, has no marked content to tie text to a structure tree, and writes
//! an outline, Info dictionary and boxes that need repairing. So inkstone uses printpdf
//! for what it does best — preparing font programs for embedding (the CID-keyed CFF of
//! a subset, its CID map, the `/ToUnicode` CMap) — and writes the document itself with
//! pdf-writer (the low-level writer Typst uses), streaming: each page's content is
//! built and compressed on its own (in parallel), then appended. One file per concern:
//! [`content`] (page content and marked content), [`fonts`], [`images`], [`outline`],
//! [`structure`] (the tag tree), [`metadata`] (Info, XMP, IDs, output intent).

mod content;
mod fonts;
mod images;
mod metadata;
mod outline;
mod structure;

use pdf_writer::types::{PageMode, TabOrder};
use pdf_writer::{Chunk, Finish, Name, Pdf, Rect, Ref, TextStr};
use rayon::prelude::*;

use super::geometry::{MARK_LENGTH, MARK_OFFSET, PT_PER_MM};
use super::justify::Line;
use super::shape::FontBank;
use super::tags::{ElemId, Tree};
use crate::error::{Error, Result};
use crate::model::ImageAsset;
pub use metadata::DocumentInfo;
pub use outline::OutlineEntry;

/// A line at its place on the page (y measured from the top).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLine {
    /// The line.
    pub line: Line,
    /// Left edge, from the page's left edge.
    pub x: f32,
    /// Baseline, from the page's top edge.
    pub baseline: f32,
}

/// A straight horizontal rule (y measured from the top); always an artifact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Start (x, y).
    pub from: (f32, f32),
    /// End (x, y).
    pub to: (f32, f32),
    /// Thickness in points.
    pub width: f32,
    /// A line of dots (leaders) rather than a solid rule.
    pub dotted: bool,
}

/// A rectangle, y measured from the top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkAction {
    /// An address outside the document.
    Uri(String),
    /// A place in the document: page index and height from the top.
    Place {
        /// 0-based page.
        page: usize,
        /// Height of the destination, from the top.
        y: f32,
    },
}

/// An image shown on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedImage {
    /// Index into the book's images.
    pub image: usize,
    /// Where.
    pub area: Area,
    /// Its figure element.
    pub elem: ElemId,
}

/// A link area on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLink {
    /// Where.
    pub area: Area,
    /// Where it goes.
    pub action: LinkAction,
    /// Its link element.
    pub elem: ElemId,
}

/// What one page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageContent {
    /// Lines of text.
    pub lines: Vec<PlacedLine>,
    /// Rules.
    pub rules: Vec<Rule>,
    /// Light grey grounds (code blocks).
    pub fills: Vec<Area>,
    /// Images.
    pub images: Vec<PlacedImage>,
    /// Link areas.
    pub links: Vec<PlacedLink>,
}

/// The print master's setup: bleed and slug around the trim, crop marks, the least
/// image resolution, and the output intent that makes it PDF/X-4.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Print {
    /// Bleed in points.
    pub bleed: f32,
    /// Crop marks in the slug.
    pub marks: bool,
    /// The least effective image resolution kept, in ppi.
    pub image_ppi: f32,
}

impl Print {
    /// The print setup of `[print]`.
    pub fn new(options: &crate::model::PrintOptions) -> Print {
        Print {
            bleed: options.bleed_mm * PT_PER_MM,
            marks: options.marks,
            image_ppi: options.image_ppi,
        }
    }

    /// The space around the trim: bleed, and the slug the marks stand in.
    fn margin(&self) -> f32 {
        self.bleed
            + if self.marks {
                MARK_OFFSET + MARK_LENGTH + 2.0
            } else {
                0.0
            }
    }
}

/// Everything the emitter writes.
pub struct Document<'a> {
    /// The pages.
    pub pages: &'a [PageContent],
    /// Trim size (width, height) in points.
    pub size: (f32, f32),
    /// The fonts.
    pub bank: &'a FontBank<'a>,
    /// The book's images.
    pub images: &'a [ImageAsset],
    /// The structure tree.
    pub tree: &'a Tree,
    /// The outline.
    pub outline: &'a [OutlineEntry],
    /// Bibliographic data.
    pub info: &'a DocumentInfo,
    /// A print master (PDF/X-4) rather than a screen PDF.
    pub print: Option<Print>,
}

/// Images are embedded at no more than this resolution in a screen PDF.
const SCREEN_PPI: f32 = 200.0;

/// How objects are written: compact, whichever part of the file they are written in.
pub const SETTINGS: pdf_writer::Settings = pdf_writer::Settings { pretty: false };

/// Writes the document.
pub fn emit(doc: &Document<'_>) -> Result<Vec<u8>> {
    let mut alloc = Ref::new(1);
    let mut next = || alloc.bump();
    let catalog_id = next();
    let pages_id = next();
    let resources_id = next();
    let page_ids: Vec<Ref> = doc.pages.iter().map(|_| next()).collect();

    let mut pdf = Pdf::with_settings(SETTINGS);
    pdf.set_version(1, 7);

    // fonts and images first: the pages refer to them by name; the fonts' objects are
    // written (deflated) while the pages' content is made, all side by side, and go
    // into the file in the order they were numbered
    let (inside, embedded) = rayon::join(|| check_bounds(doc), || fonts::embed(doc, &mut next));
    inside?;
    let (fonts, pending) = embedded?;
    let target_ppi = doc.print.map_or(SCREEN_PPI, |p| p.image_ppi);
    let mut image_objects = Chunk::with_settings(SETTINGS);
    let images = images::embed(doc, &fonts, &mut image_objects, &mut next, target_ppi);
    let margin = doc.print.map_or(0.0, |p| p.margin());
    let (font_objects, streams): (Vec<Chunk>, Vec<content::PageStream>) = rayon::join(
        || pending.par_iter().map(fonts::write).collect(),
        || {
            doc.pages
                .par_iter()
                .map(|page| content::page(doc, page, &fonts, &images, margin))
                .collect()
        },
    );
    for objects in &font_objects {
        pdf.extend(objects);
    }
    pdf.extend(&image_objects);

    let mut tree = structure::Builder::new(doc.tree);
    let (width, height) = (doc.size.0 + 2.0 * margin, doc.size.1 + 2.0 * margin);
    for (index, (page, stream)) in doc.pages.iter().zip(streams).enumerate() {
        let content_id = next();
        pdf.stream(content_id, &stream.bytes)
            .filter(pdf_writer::Filter::FlateDecode);
        // the page's content enters the structure before its link annotations, so that
        // a paragraph's text before a link stays before it in the reading order
        let key = tree.add_page(page_ids[index], &stream.marked);
        let annotations = structure::links(
            &mut pdf, &mut next, page, index, &page_ids, doc.size.1, margin, &mut tree,
        );
        let mut p = pdf.page(page_ids[index]);
        p.parent(pages_id);
        p.media_box(Rect::new(0.0, 0.0, width, height));
        if let Some(print) = doc.print {
            p.trim_box(Rect::new(margin, margin, width - margin, height - margin));
            let bleed = margin - print.bleed;
            p.bleed_box(Rect::new(bleed, bleed, width - bleed, height - bleed));
        }
        p.pair(Name(b"Resources"), resources_id);
        p.contents(content_id);
        p.struct_parents(key);
        if !annotations.is_empty() {
            p.annotations(annotations);
            p.tab_order(TabOrder::StructureOrder);
        }
        p.finish();
    }

    let mut resources = pdf
        .indirect(resources_id)
        .start::<pdf_writer::writers::Resources>();
    fonts.write_names(&mut resources);
    images.write_names(&mut resources);
    resources.finish();
    pdf.pages(pages_id)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);

    let outline = outline::write(
        &mut pdf,
        &mut next,
        doc.outline,
        &page_ids,
        doc.size.1,
        margin,
    );
    let meta = metadata::write(&mut pdf, &mut next, doc.info, doc.print.is_some());
    let intent = doc
        .print
        .map(|_| metadata::output_intent_profile(&mut pdf, &mut next));
    let root = tree.write(&mut pdf, &mut next);

    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(pages_id);
    catalog.lang(TextStr(&doc.info.language));
    catalog.metadata(meta.xmp);
    catalog.viewer_preferences().display_doc_title(true);
    catalog.mark_info().marked(true);
    match outline {
        Some(id) => {
            catalog.outlines(id);
            catalog.page_mode(PageMode::UseOutlines);
        }
        None => {
            catalog.page_mode(PageMode::UseNone);
        }
    }
    root.write_into(&mut catalog);
    if let Some(profile) = intent {
        metadata::write_output_intent(&mut catalog, profile);
    }
    catalog.finish();
    pdf.set_file_id((meta.file_id.clone(), meta.file_id));
    Ok(pdf.finish())
}

/// Nothing may be drawn outside the page: a glyph, rule, ground or image beyond the
/// trim is a bug in composition, caught here before a broken file is written (pages
/// checked side by side; the first in page order is reported).
fn check_bounds(doc: &Document<'_>) -> Result<()> {
    doc.pages
        .par_iter()
        .enumerate()
        .map(|(index, page)| check_page(index, page, doc.size))
        .find_first(Result::is_err)
        .unwrap_or(Ok(()))
}

/// [`check_bounds`] for page `index` of a page `size` wide and high.
fn check_page(index: usize, page: &PageContent, (width, height): (f32, f32)) -> Result<()> {
    let tolerance = 0.5;
    let inside = |x: f32, y: f32| {
        (-tolerance..=width + tolerance).contains(&x)
            && (-tolerance..=height + tolerance).contains(&y)
    };
    let fail = |what: String| {
        Error::Internal(format!(
            "page {}: {what} would be drawn outside the {width:.1} × {height:.1} pt page",
            index + 1
        ))
    };
    for placed in &page.lines {
        for g in &placed.line.glyphs {
            let x = placed.x + g.x;
            let y = placed.baseline - g.dy;
            if !inside(x, y - 0.88 * g.size) || !inside(x + g.advance, y + 0.12 * g.size) {
                return Err(fail(format!(
                    "the glyph of `{}` at ({x:.1}, {y:.1})",
                    placed.line.text(g).to_text()
                )));
            }
        }
    }
    for rule in &page.rules {
        if !inside(rule.from.0, rule.from.1) || !inside(rule.to.0, rule.to.1) {
            return Err(fail(format!("a rule at {:?}", rule.from)));
        }
    }
    let areas = page.fills.iter().chain(page.images.iter().map(|i| &i.area));
    for a in areas {
        if !inside(a.x, a.y) || !inside(a.x + a.width, a.y + a.height) {
            return Err(fail(format!("an area at ({:.1}, {:.1})", a.x, a.y)));
        }
    }
    Ok(())
}
