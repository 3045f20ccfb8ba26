//! Emission with printpdf: placed glyphs → PDF pages.
//!
//! Text is never drawn through `TextItem::Text` (which maps by cmap without shaping):
//! every glyph goes out as a glyph id placed with `SetTextMatrix`, with the text it
//! stands for, so that `/ToUnicode` gives the text back. printpdf merges the glyphs of a
//! line into one `TJ` and subsets the fonts.

use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line as PdfLine, LinePoint, Mm, Op, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem, TextMatrix,
};

use super::justify::Line;
use super::shape::{FontBank, FontKey};
use crate::error::{Error, Result};
use crate::fonts::Face;

const PT_PER_MM: f32 = 72.0 / 25.4;

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

/// A straight rule (y measured from the top).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Start (x, y).
    pub from: (f32, f32),
    /// End (x, y).
    pub to: (f32, f32),
    /// Thickness in points.
    pub width: f32,
}

/// What one page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageContent {
    /// Lines of text.
    pub lines: Vec<PlacedLine>,
    /// Rules.
    pub rules: Vec<Rule>,
}

/// The PDF resource name (and subset tag) of a font: six capital letters, fixed so that
/// the output does not change from run to run.
fn font_tag(key: FontKey) -> &'static str {
    match key {
        FontKey::Bundled(Face::SerifRegular) => "SERIFR",
        FontKey::Bundled(Face::SerifBold) => "SERIFB",
        FontKey::Bundled(Face::SansBold) => "SANSBD",
        FontKey::Fallback => "SYSTEM",
    }
}

/// Builds the PDF document (before the finishing repairs) for pages of `width` ×
/// `height` points.
pub fn emit(
    pages: &[PageContent],
    width: f32,
    height: f32,
    bank: &FontBank<'_>,
    title: &str,
) -> Result<lopdf::Document> {
    let mut doc = PdfDocument::new(title);
    let mut used: Vec<FontKey> = pages
        .iter()
        .flat_map(|p| {
            p.lines
                .iter()
                .flat_map(|l| l.line.glyphs.iter().map(|g| g.font))
        })
        .collect();
    used.sort();
    used.dedup();
    for key in used {
        let (data, index) = bank.data(key);
        let mut warnings = Vec::new();
        let font =
            ParsedFont::from_bytes(data, index as usize, &mut warnings).ok_or_else(|| {
                Error::Internal(format!("printpdf cannot read the font {}", font_tag(key)))
            })?;
        doc.resources.fonts.map.insert(
            FontId(font_tag(key).into()),
            printpdf::font::PdfFont::new(font),
        );
    }
    let pdf_pages = pages
        .iter()
        .map(|page| {
            PdfPage::new(
                Mm(width / PT_PER_MM),
                Mm(height / PT_PER_MM),
                page_ops(page, height),
            )
        })
        .collect();
    doc.with_pages(pdf_pages);
    let mut warnings = Vec::new();
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    Ok(doc.to_lopdf_document(&options, &mut warnings))
}

fn page_ops(page: &PageContent, height: f32) -> Vec<Op> {
    let mut ops = Vec::new();
    if !page.rules.is_empty() {
        ops.push(Op::SetOutlineColor {
            col: Color::Greyscale(Greyscale::new(0.0, None)),
        });
        for rule in &page.rules {
            ops.push(Op::SetOutlineThickness { pt: Pt(rule.width) });
            let point = |(x, y): (f32, f32)| LinePoint {
                p: Point {
                    x: Pt(x),
                    y: Pt(height - y),
                },
                bezier: false,
            };
            ops.push(Op::DrawLine {
                line: PdfLine {
                    points: vec![point(rule.from), point(rule.to)],
                    is_closed: false,
                },
            });
        }
    }
    ops.push(Op::StartTextSection);
    let mut current: Option<(FontKey, f32)> = None;
    for placed in &page.lines {
        for g in &placed.line.glyphs {
            if current != Some((g.font, g.size)) {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(FontId(font_tag(g.font).into())),
                    size: Pt(g.size),
                });
                current = Some((g.font, g.size));
            }
            ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(
                    Pt(placed.x + g.x),
                    Pt(height - placed.baseline + g.dy),
                ),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![Codepoint {
                    gid: g.id,
                    offset: 0.0,
                    cid: (!g.text.is_empty()).then(|| g.text.clone()),
                }])],
            });
        }
    }
    ops.push(Op::EndTextSection);
    ops
}
