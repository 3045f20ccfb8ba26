//! Figures: the image scaled to fit the text block (not beyond 150 dpi of its pixels,
//! never taller than the page), centred, its caption below in smaller type.

use super::{shift, Frame, Setter, Setting, SMALL_SCALE};
use crate::fonts::Face;
use crate::model::{Figure, ImageAsset};
use crate::pdf::geometry::Geometry;
use crate::pdf::justify::Align;
use crate::pdf::rows::{Row, RowImage};
use crate::pdf::tags::{ElemId, Role};

/// The resolution at which an image is shown at its natural size, in pixels per inch.
pub const NATURAL_PPI: f32 = 150.0;
/// The size (width, height in points) an image is set at in a frame `width` wide above a
/// caption `caption_height` high: its natural size at [`NATURAL_PPI`], scaled down to
/// the frame's width and to the page's height less the caption.
pub fn fit(asset: &ImageAsset, width: f32, caption_height: f32, g: &Geometry) -> (f32, f32) {
    let natural_width = asset.width as f32 * 72.0 / NATURAL_PPI;
    let natural_height = asset.height as f32 * 72.0 / NATURAL_PPI;
    // never taller than the page less the caption, so a figure always fits
    let max_height = (g.block_height() - caption_height - g.pitch).max(g.block_height() / 4.0);
    let scale = (width / natural_width)
        .min(max_height / natural_height)
        .min(1.0);
    (natural_width * scale, natural_height * scale)
}

/// The most caption lines set under the image in the image's row.
const MAX_CAPTION_LINES: usize = 3;

impl Setter<'_, '_> {
    /// A figure's row.
    pub(super) fn figure(&mut self, figure: &Figure, frame: Frame, parent: ElemId) -> Vec<Row> {
        let c = self.c;
        let Some(asset) = c.images.get(figure.image) else {
            return Vec::new();
        };
        let pitch = c.geometry.pitch;
        let elem = self.tree.add(Role::Figure, parent);
        if let Some(e) = self.tree.get_mut(elem) {
            e.alt = Some(if figure.alt.is_empty() {
                figure.caption.clone().unwrap_or_default()
            } else {
                figure.alt.clone()
            });
        }
        let caption_setting = Setting {
            measure: frame.width,
            display: false,
            ..c.display_setting(Face::SerifRegular, SMALL_SCALE, Align::Center)
        };
        let mut caption = match &figure.caption {
            Some(text) => {
                let caption_elem = self.tree.add(Role::Caption, parent);
                c.text_lines(text, caption_setting, caption_elem)
            }
            None => Vec::new(),
        };
        // a long caption follows the image line by line, like body text
        let long_caption = if caption.len() > MAX_CAPTION_LINES {
            std::mem::take(&mut caption)
        } else {
            Vec::new()
        };
        let caption_pitch = caption_setting.size * 1.5;
        let caption_height = if caption.is_empty() {
            0.0
        } else {
            0.4 * pitch + caption.len() as f32 * caption_pitch
        };
        let (width, height) = fit(asset, frame.width, caption_height, &c.geometry);
        let rows_needed = c
            .grid_lines(height + caption_height + pitch)
            .min(c.geometry.lines);
        let top = ((rows_needed as f32 * pitch - height - caption_height) / 2.0).max(0.0);
        let (lines, _) = c.stack(&[(caption, caption_pitch, 0.0)], top + height + 0.4 * pitch);
        let lines = shift(lines, frame.left);
        let mut rows = vec![Row {
            height: rows_needed,
            lines,
            images: vec![RowImage {
                image: figure.image,
                x: frame.left + (frame.width - width) / 2.0,
                y: top,
                width,
                height,
                elem,
            }],
            break_before: true,
            ..Row::default()
        }];
        let mut caption_rows = self.body_rows(long_caption, true, frame);
        if let Some(first) = caption_rows.first_mut() {
            first.break_before = false;
        }
        rows.extend(caption_rows);
        rows
    }
}
