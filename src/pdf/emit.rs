//! Emission with printpdf: placed glyphs, rules, images and links → PDF pages.
//!
//! Text is never drawn through `TextItem::Text` (which maps by cmap without shaping):
//! every glyph goes out as a glyph id placed with `SetTextMatrix`, with the text it
//! stands for, so that `/ToUnicode` gives the text back. printpdf merges the glyphs of a
//! line into one `TJ` and subsets the fonts. Emphasis dots, strike-through lines and
//! italics for emphasised Latin are drawn here from the glyphs' marks. Each image is
//! embedded once, however often it is shown.

use std::collections::BTreeMap;

use printpdf::{
    Actions, BorderArray, Codepoint, Color, ColorArray, Destination, DictItem, ExternalStream,
    ExternalXObject, FontId, Greyscale, HighlightingMode, Line as PdfLine, LineCapStyle,
    LineDashPattern, LinePoint, LinkAnnotation, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, RawImage,
    RawImageData, RawImageFormat, Rect, TextItem, TextMatrix, WindingOrder, XObject, XObjectId,
    XObjectTransform,
};

use super::justify::{Line, PlacedGlyph};
use super::shape::{FontBank, FontKey};
use crate::error::{Error, Result};
use crate::fonts::Face;
use crate::model::{ImageAsset, ImageFormat};
use crate::script::{class, Class};

const PT_PER_MM: f32 = 72.0 / 25.4;
/// Images are embedded at no more than this resolution where they are shown.
const MAX_DPI: f32 = 200.0;

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

/// A straight horizontal rule (y measured from the top).
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

/// What one page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageContent {
    /// Lines of text.
    pub lines: Vec<PlacedLine>,
    /// Rules.
    pub rules: Vec<Rule>,
    /// Light grey grounds (code blocks).
    pub fills: Vec<Area>,
    /// Images: (index into the book's images, where).
    pub images: Vec<(usize, Area)>,
    /// Link areas.
    pub links: Vec<(Area, LinkAction)>,
}

/// The PDF resource name (and subset tag) of a font: six capital letters, fixed so that
/// the output does not change from run to run.
fn font_tag(key: FontKey) -> &'static str {
    match key {
        FontKey::Bundled(Face::SerifRegular) => "SERIFR",
        FontKey::Bundled(Face::SerifBold) => "SERIFB",
        FontKey::Bundled(Face::SansBold) => "SANSBD",
        FontKey::Bundled(Face::Mono) => "MONORG",
        FontKey::Fallback => "SYSTEM",
    }
}

/// Builds the PDF document (before the finishing repairs) for pages of `width` ×
/// `height` points.
pub fn emit(
    pages: &[PageContent],
    (width, height): (f32, f32),
    bank: &FontBank<'_>,
    images: &[ImageAsset],
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
    // each image once, at the resolution its largest showing needs
    let mut largest: BTreeMap<usize, (f32, f32)> = BTreeMap::new();
    for (index, area) in pages.iter().flat_map(|p| &p.images) {
        let entry = largest.entry(*index).or_insert((0.0, 0.0));
        *entry = (entry.0.max(area.width), entry.1.max(area.height));
    }
    for (&index, &(w, h)) in &largest {
        if let Some(asset) = images.get(index) {
            doc.resources
                .xobjects
                .map
                .insert(image_id(index), image_xobject(asset, w, h));
        }
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

fn image_id(index: usize) -> XObjectId {
    XObjectId(format!("Im{}", index + 1))
}

/// An image as an XObject: a JPEG that needs no scaling goes in as it is (DCT);
/// anything else as pixels scaled to at most 200 dpi where it is shown.
fn image_xobject(asset: &ImageAsset, width_pt: f32, height_pt: f32) -> XObject {
    let max_w = ((width_pt / 72.0 * MAX_DPI).ceil() as u32).max(1);
    let max_h = ((height_pt / 72.0 * MAX_DPI).ceil() as u32).max(1);
    let fits = asset.width <= max_w && asset.height <= max_h;
    if asset.format == ImageFormat::Jpeg && fits && jpeg_components(&asset.data) == Some(3) {
        let dict = BTreeMap::from([
            ("Type".to_string(), DictItem::Name(b"XObject".to_vec())),
            ("Subtype".to_string(), DictItem::Name(b"Image".to_vec())),
            ("Width".to_string(), DictItem::Int(i64::from(asset.width))),
            ("Height".to_string(), DictItem::Int(i64::from(asset.height))),
            (
                "ColorSpace".to_string(),
                DictItem::Name(b"DeviceRGB".to_vec()),
            ),
            ("BitsPerComponent".to_string(), DictItem::Int(8)),
            ("Filter".to_string(), DictItem::Name(b"DCTDecode".to_vec())),
        ]);
        return XObject::External(ExternalXObject {
            stream: ExternalStream {
                dict,
                content: asset.data.clone(),
                compress: false,
            },
            width: None,
            height: None,
            dpi: None,
        });
    }
    let rgba = image::RgbaImage::from_raw(asset.width, asset.height, asset.rgba.clone())
        .unwrap_or_default();
    let rgba = if fits {
        rgba
    } else {
        let scale = (max_w as f32 / asset.width as f32).min(max_h as f32 / asset.height as f32);
        let w = ((asset.width as f32 * scale).round() as u32).max(1);
        let h = ((asset.height as f32 * scale).round() as u32).max(1);
        image::imageops::resize(&rgba, w, h, image::imageops::FilterType::Lanczos3)
    };
    let (w, h) = (rgba.width() as usize, rgba.height() as usize);
    let (pixels, data_format) = if asset.has_alpha {
        (rgba.into_raw(), RawImageFormat::RGBA8)
    } else {
        let rgb: Vec<u8> = rgba
            .pixels()
            .flat_map(|p| [p.0[0], p.0[1], p.0[2]])
            .collect();
        (rgb, RawImageFormat::RGB8)
    };
    XObject::Image(RawImage {
        pixels: RawImageData::U8(pixels),
        width: w,
        height: h,
        data_format,
        tag: Vec::new(),
    })
}

/// The number of colour components of a baseline or progressive JPEG.
fn jpeg_components(data: &[u8]) -> Option<u8> {
    let mut i = 2;
    while i + 9 < data.len() {
        if data[i] != 0xFF {
            return None;
        }
        let marker = data[i + 1];
        let length = usize::from(u16::from_be_bytes([data[i + 2], data[i + 3]]));
        if matches!(marker, 0xC0..=0xC2) {
            return data.get(i + 9).copied();
        }
        i += 2 + length;
    }
    None
}

fn point(x: f32, y: f32, height: f32) -> LinePoint {
    LinePoint {
        p: Point {
            x: Pt(x),
            y: Pt(height - y),
        },
        bezier: false,
    }
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

fn page_ops(page: &PageContent, height: f32) -> Vec<Op> {
    let mut ops = Vec::new();
    if !page.fills.is_empty() {
        ops.push(Op::SetFillColor { col: grey(0.94) });
        for area in &page.fills {
            ops.push(Op::DrawPolygon {
                polygon: rectangle(area, height),
            });
        }
        ops.push(Op::SetFillColor { col: grey(0.0) });
    }
    for (index, area) in &page.images {
        ops.push(Op::UseXobject {
            id: image_id(*index),
            transform: XObjectTransform {
                translate_x: Some(Pt(area.x)),
                translate_y: Some(Pt(height - area.y - area.height)),
                scale_x: Some(area.width),
                scale_y: Some(area.height),
                no_auto_scale: true,
                ..XObjectTransform::default()
            },
        });
    }
    let mut rules = page.rules.clone();
    let mut dots = Vec::new();
    for placed in &page.lines {
        decorations(placed, &mut rules, &mut dots);
    }
    if !rules.is_empty() {
        ops.push(Op::SetOutlineColor { col: grey(0.0) });
        for rule in &rules {
            ops.push(Op::SetOutlineThickness { pt: Pt(rule.width) });
            if rule.dotted {
                ops.push(Op::SetLineCapStyle {
                    cap: LineCapStyle::Round,
                });
                ops.push(Op::SetLineDashPattern {
                    dash: LineDashPattern::new(0.0, &[0.0, 3.0]),
                });
            }
            ops.push(Op::DrawLine {
                line: PdfLine {
                    points: vec![
                        point(rule.from.0, rule.from.1, height),
                        point(rule.to.0, rule.to.1, height),
                    ],
                    is_closed: false,
                },
            });
            if rule.dotted {
                ops.push(Op::SetLineDashPattern {
                    dash: LineDashPattern::solid(),
                });
                ops.push(Op::SetLineCapStyle {
                    cap: LineCapStyle::Butt,
                });
            }
        }
    }
    for (x, y, r) in dots {
        ops.push(Op::DrawPolygon {
            polygon: circle(x, y, r, height),
        });
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
            let (x, y) = (placed.x + g.x, height - placed.baseline + g.dy);
            let matrix = if italic(g) {
                // no italic face: slant the upright one by 12°
                TextMatrix::Raw([1.0, 0.0, 0.21, 1.0, x, y])
            } else {
                TextMatrix::Translate(Pt(x), Pt(y))
            };
            ops.push(Op::SetTextMatrix { matrix });
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
    for (area, action) in &page.links {
        let actions = match action {
            LinkAction::Uri(uri) => Actions::Uri(uri.clone()),
            LinkAction::Place { page, y } => Actions::Goto(Destination::Xyz {
                page: page + 1,
                left: None,
                top: Some(height - y),
                zoom: None,
            }),
        };
        ops.push(Op::LinkAnnotation {
            link: LinkAnnotation::new(
                Rect {
                    x: Pt(area.x),
                    y: Pt(height - area.y - area.height),
                    width: Pt(area.width),
                    height: Pt(area.height),
                    mode: None,
                    winding_order: None,
                },
                actions,
                Some(BorderArray::default()),
                Some(ColorArray::Transparent),
                Some(HighlightingMode::Invert),
            ),
        });
    }
    ops
}

/// Emphasised Latin is slanted (there is no italic face).
fn italic(g: &PlacedGlyph) -> bool {
    g.marks.emphasis
        && g.text
            .chars()
            .next()
            .is_some_and(|c| class(c) == Class::Latin)
}

/// Emphasis dots under the ideographs of emphasised text, and strike-through lines.
fn decorations(placed: &PlacedLine, rules: &mut Vec<Rule>, dots: &mut Vec<(f32, f32, f32)>) {
    let mut strike: Option<(f32, f32, f32, f32)> = None; // from, to, y, width
    for g in &placed.line.glyphs {
        let x = placed.x + g.x;
        let baseline = placed.baseline - g.dy;
        if g.marks.emphasis
            && g.text
                .chars()
                .next()
                .is_some_and(|c| class(c) == Class::Ideograph)
        {
            dots.push((
                x + g.advance / 2.0,
                baseline + 0.26 * g.size,
                0.065 * g.size,
            ));
        }
        if g.marks.strike {
            let y = baseline - 0.32 * g.size;
            strike = Some(match strike {
                Some((from, _, y0, w)) => (from, x + g.advance, y0, w),
                None => (x, x + g.advance, y, 0.05 * g.size),
            });
        } else if let Some((from, to, y, w)) = strike.take() {
            rules.push(Rule {
                from: (from, y),
                to: (to, y),
                width: w,
                dotted: false,
            });
        }
    }
    if let Some((from, to, y, w)) = strike {
        rules.push(Rule {
            from: (from, y),
            to: (to, y),
            width: w,
            dotted: false,
        });
    }
}

fn rectangle(area: &Area, height: f32) -> Polygon {
    let (x0, x1) = (area.x, area.x + area.width);
    let (y0, y1) = (area.y, area.y + area.height);
    Polygon {
        rings: vec![PolygonRing {
            points: vec![
                point(x0, y0, height),
                point(x1, y0, height),
                point(x1, y1, height),
                point(x0, y1, height),
            ],
        }],
        mode: PaintMode::Fill,
        winding_order: WindingOrder::NonZero,
    }
}

/// A filled circle (four Bézier arcs) centred at (x, y) from the top.
fn circle(x: f32, y: f32, r: f32, height: f32) -> Polygon {
    const K: f32 = 0.552_284_8;
    let c = |dx: f32, dy: f32, bezier: bool| LinePoint {
        bezier,
        ..point(x + dx, y + dy, height)
    };
    let k = K * r;
    Polygon {
        rings: vec![PolygonRing {
            points: vec![
                c(r, 0.0, false),
                c(r, k, true),
                c(k, r, true),
                c(0.0, r, false),
                c(-k, r, true),
                c(-r, k, true),
                c(-r, 0.0, false),
                c(-r, -k, true),
                c(-k, -r, true),
                c(0.0, -r, false),
                c(k, -r, true),
                c(r, -k, true),
                c(r, 0.0, false),
            ],
        }],
        mode: PaintMode::Fill,
        winding_order: WindingOrder::NonZero,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_components_are_read_from_the_frame_header() {
        let mut jpeg = Vec::new();
        image::RgbImage::from_pixel(4, 4, image::Rgb([9, 9, 9]))
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        assert_eq!(jpeg_components(&jpeg), Some(3));
        assert_eq!(jpeg_components(b"not a jpeg"), None);
    }
}
