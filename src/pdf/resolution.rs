//! Whether each image has the resolution `[print] image_ppi` asks for at the size it is
//! set: from the composed rows (exact), or estimated without typesetting (for
//! `inkstone check`).

use std::collections::BTreeMap;

use super::compose::figure;
use super::geometry::Geometry;
use super::rows::Row;
use crate::error::{Code, Finding, Location};
use crate::model::{Block, Book};

/// The widest each image is set in `rows`, in points.
pub fn placed_widths<'a>(rows: impl Iterator<Item = &'a Row>) -> BTreeMap<usize, f32> {
    let mut widths = BTreeMap::new();
    for image in rows.flat_map(|r| &r.images) {
        let width: &mut f32 = widths.entry(image.image).or_default();
        *width = width.max(image.width);
    }
    widths
}

/// The widest each image can be set without typesetting: at the full measure, with no
/// caption (a figure in a quote or a list is set narrower, so its true resolution is
/// higher than this estimate, never lower).
pub fn estimated_widths(book: &Book) -> BTreeMap<usize, f32> {
    let g = Geometry::new(&book.pdf);
    let mut widths = BTreeMap::new();
    for (index, asset) in book.images.iter().enumerate() {
        widths.insert(index, figure::fit(asset, g.measure, 0.0, &g).0);
    }
    widths
}

/// A warning for each image that prints below `[print] image_ppi` at `widths` (none
/// without `[print]`).
pub fn findings(book: &Book, widths: &BTreeMap<usize, f32>) -> Vec<Finding> {
    let Some(print) = &book.print else {
        return Vec::new();
    };
    let target = print.image_ppi;
    let uses = first_uses(book);
    let mut found = Vec::new();
    for (&index, &width) in widths {
        let Some(asset) = book.images.get(index) else {
            continue;
        };
        let ppi = asset.width as f32 / (width / 72.0).max(1e-3);
        if ppi + 0.5 < target {
            found.push(Finding::new(
                Code::LowResolution,
                uses[index].clone(),
                format!(
                    "the image `{}` prints at {ppi:.0} ppi, less than the {target:.0} ppi of \
                     [print] image_ppi: it will look soft",
                    asset.source.display()
                ),
                "use a larger image",
            ));
        }
    }
    found
}

/// Where each image is first shown (for messages about it).
fn first_uses(book: &Book) -> Vec<Location> {
    let mut uses = vec![Location::file(book.dir.join("book.toml")); book.images.len()];
    let mut seen = vec![false; book.images.len()];
    for chapter in &book.chapters {
        for block in &chapter.blocks {
            block.each_block(&mut |b| {
                if let Block::Figure(f) = b {
                    if f.image < seen.len() && !seen[f.image] {
                        seen[f.image] = true;
                        uses[f.image] = Location::span(&chapter.source, f.line, f.column, 1);
                    }
                }
            });
        }
    }
    uses
}
