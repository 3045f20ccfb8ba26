//! Page geometry and the typographic constants that place things on the page: the trim
//! size, the margins (inner and outer mirrored on facing pages), the text block on its
//! baseline grid, where the running head and the folio stand, and the bleed and slug of
//! a print master. Everything is in points, y measured from the top of the trim.

use crate::model::PdfOptions;

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;
/// How far an ideographic em box reaches above the baseline, in em (Noto CJK: 0.88).
pub const EM_BOX_ASCENT: f32 = 0.88;
/// The running head's baseline, in grid lines above the text block.
pub const HEAD_BASELINE: f32 = 1.1;
/// The hairline under the running head, in grid lines above the text block.
pub const HEAD_RULE: f32 = 0.55;
/// The folio's baseline, in grid lines below the text block.
pub const FOLIO_BASELINE: f32 = 1.8;
/// The fewest ems a line holds: settings that leave less are refused.
pub const MIN_EMS: f32 = 10.0;
/// The fewest lines a page holds: settings that leave less are refused.
pub const MIN_LINES: usize = 5;
/// Default side margins: a ninth of the page width, at least this many mm.
const MIN_SIDE_MM: f32 = 15.0;
/// Default head and foot margins in mm (at least; the rest is shared two to three).
const HEAD_MM: f32 = 18.0;
const FOOT_MM: f32 = 20.0;
/// Crop marks: their length and their distance from the trim (outside the bleed), in pt.
pub const MARK_LENGTH: f32 = 18.0;
/// Distance of the crop marks from the trim edge, in points (beyond the bleed).
pub const MARK_OFFSET: f32 = 9.0;

/// The distance from the top of a line box of height `pitch` to the baseline of type
/// of `size` in it: the em box centred in the pitch.
pub fn baseline_in(pitch: f32, size: f32) -> f32 {
    (pitch - size) / 2.0 + EM_BOX_ASCENT * size
}

/// Margins asked for in `book.toml`, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Above the text block.
    pub top: f32,
    /// Below it.
    pub bottom: f32,
    /// On the spine side.
    pub inner: f32,
    /// On the fore-edge side.
    pub outer: f32,
}

/// The margins of `options` in points: as given, or the defaults (a ninth of the page
/// width at the sides, at least 15 mm; 18 mm above and 20 mm below at least).
fn margins(options: &PdfOptions) -> Margins {
    match options.margins {
        Some(m) => Margins {
            top: m.top * PT_PER_MM,
            bottom: m.bottom * PT_PER_MM,
            inner: m.inner * PT_PER_MM,
            outer: m.outer * PT_PER_MM,
        },
        None => {
            let side = (MIN_SIDE_MM * PT_PER_MM).max(options.page_width_mm * PT_PER_MM / 9.0);
            Margins {
                top: HEAD_MM * PT_PER_MM,
                bottom: FOOT_MM * PT_PER_MM,
                inner: side,
                outer: side,
            }
        }
    }
}

/// Page and text-block geometry, in points (y measured from the top of the page).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Page width.
    pub page_width: f32,
    /// Page height.
    pub page_height: f32,
    /// Body type size.
    pub size: f32,
    /// Baseline distance.
    pub pitch: f32,
    /// Line length: a whole number of ems.
    pub measure: f32,
    /// The inner margin: left edge of the text block on a right-hand (odd) page.
    pub inner: f32,
    /// Top edge of the text block.
    pub top: f32,
    /// Lines in the text block.
    pub lines: usize,
}

impl Geometry {
    /// The geometry for `options`. With margins given, the text block stands at the top
    /// and inner margins exactly, its width and height rounded down to whole ems and
    /// whole lines. Without, margins of about a ninth of the page width at the sides (at
    /// least 15 mm), the measure centred; 18 mm above and 20 mm below at least, the
    /// spare height shared two to three between head and foot.
    pub fn new(options: &PdfOptions) -> Geometry {
        let page_width = options.page_width_mm * PT_PER_MM;
        let page_height = options.page_height_mm * PT_PER_MM;
        let size = options.font_size_pt;
        let pitch = (size * options.line_pitch * 100.0).round() / 100.0;
        let m = margins(options);
        let ems = ((page_width - m.inner - m.outer) / size)
            .floor()
            .max(MIN_EMS);
        let measure = ems * size;
        let inner = match options.margins {
            Some(_) => m.inner,
            None => (page_width - measure) / 2.0,
        };
        let lines = (((page_height - m.top - m.bottom) / pitch).floor() as usize).max(MIN_LINES);
        let top = match options.margins {
            Some(_) => m.top,
            None => m.top + (page_height - m.top - m.bottom - lines as f32 * pitch) * 0.4,
        };
        Geometry {
            page_width,
            page_height,
            size,
            pitch,
            measure,
            inner,
            top,
            lines,
        }
    }

    /// The width and height `options` leave for the text block, in points, before
    /// they are rounded down to whole ems and lines.
    pub fn room(options: &PdfOptions) -> (f32, f32) {
        let m = margins(options);
        (
            options.page_width_mm * PT_PER_MM - m.inner - m.outer,
            options.page_height_mm * PT_PER_MM - m.top - m.bottom,
        )
    }

    /// Left edge of the text block on page `index` (0-based): the inner margin on a
    /// right-hand page (page 1, 3, …), mirrored on a left-hand one.
    pub fn left(&self, index: usize) -> f32 {
        if index % 2 == 0 {
            self.inner
        } else {
            self.page_width - self.inner - self.measure
        }
    }

    /// Distance from the top of a grid line to the baseline of body text on it.
    pub fn baseline_in_line(&self) -> f32 {
        baseline_in(self.pitch, self.size)
    }

    /// Height of the text block.
    pub fn block_height(&self) -> f32 {
        self.lines as f32 * self.pitch
    }

    /// The bottom edge of the text block.
    pub fn bottom(&self) -> f32 {
        self.top + self.block_height()
    }

    /// The running head's baseline.
    pub fn head_baseline(&self) -> f32 {
        // never so high that the head leaves the page (a small top margin, a wide pitch)
        (self.top - HEAD_BASELINE * self.pitch).max(self.size)
    }

    /// The height of the hairline under the running head: between the head and the
    /// text block.
    pub fn head_rule(&self) -> f32 {
        (self.top - HEAD_RULE * self.pitch)
            .max(self.head_baseline() + 0.25 * self.size)
            .min(self.top)
    }

    /// The folio's baseline: never so low that the folio leaves the page.
    pub fn folio_baseline(&self) -> f32 {
        (self.bottom() + FOLIO_BASELINE * self.pitch).min(self.page_height - 0.5 * self.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a5_geometry_is_a_whole_number_of_ems_and_lines() {
        let g = Geometry::new(&PdfOptions::default());
        assert!((g.page_width - 419.53).abs() < 0.01);
        assert_eq!(g.measure / g.size, 31.0);
        assert_eq!(g.pitch, 17.85);
        assert!(g.lines >= 25);
        assert!(g.bottom() < g.page_height - 56.0);
        assert!(
            (g.left(0) - g.left(1)).abs() < 0.01,
            "centred without margins"
        );
    }

    #[test]
    fn margins_mirror_on_facing_pages() {
        let options = PdfOptions {
            margins: Some(crate::model::MarginsMm {
                top: 20.0,
                bottom: 22.0,
                inner: 20.0,
                outer: 14.0,
            }),
            ..PdfOptions::default()
        };
        let g = Geometry::new(&options);
        assert!(
            (g.left(0) - 20.0 * PT_PER_MM).abs() < 0.01,
            "inner on the left of page 1"
        );
        let right_margin_verso = g.page_width - g.left(1) - g.measure;
        assert!(
            (right_margin_verso - 20.0 * PT_PER_MM).abs() < 0.01,
            "inner on the right of page 2"
        );
        assert!((g.top - 20.0 * PT_PER_MM).abs() < 0.01);
        assert!(g.bottom() <= g.page_height - 22.0 * PT_PER_MM + 0.01);
    }
}
