//! Images: each embedded once, at the resolution its largest showing needs. A JPEG that
//! needs no scaling passes through untouched (DCT); an image that holds many more
//! pixels than the target resolution asks for is scaled down (a photo re-encoded as
//! JPEG, anything else deflated); transparency becomes a soft mask, except in a print
//! master, where images are flattened onto white. A print master names its images'
//! colours as sRGB (ICC-based), as PDF/X asks; it warns about an image whose effective
//! resolution is below the print resolution. Colour emoji glyphs are images too.

use std::collections::{BTreeMap, HashMap};

use pdf_writer::{Chunk, Filter, Finish, Name, Ref};
use rayon::prelude::*;

use super::fonts::{deflate, Fonts};
use super::Document;
use crate::model::{ImageAsset, ImageFormat};
use crate::pdf::shape::{Bitmap, FontKey};
use crate::raster;

/// An image is scaled down only when it holds this many times the pixels its target
/// resolution needs (in each direction): below that, re-encoding costs more than it
/// saves.
const DOWNSAMPLE_ABOVE: f32 = 1.5;

/// The images of a document, embedded.
pub struct Images {
    names: BTreeMap<usize, (String, Ref)>,
    glyphs: HashMap<(FontKey, u16), (String, Ref, Bitmap)>,
    /// The sRGB profile the images of a print master refer to.
    srgb: Option<Ref>,
}

impl Images {
    /// The resource name of book image `index`.
    pub fn image_name(&self, index: usize) -> &str {
        self.names.get(&index).map_or("", |(n, _)| n.as_str())
    }

    /// The resource name and placement of a colour bitmap glyph.
    pub fn glyph(&self, key: FontKey, id: u16) -> Option<(&str, &Bitmap)> {
        self.glyphs
            .get(&(key, id))
            .map(|(name, _, bitmap)| (name.as_str(), bitmap))
    }

    /// Writes `/XObject << /Im1 … >>` into page resources.
    pub fn write_names(&self, resources: &mut pdf_writer::writers::Resources<'_>) {
        if self.names.is_empty() && self.glyphs.is_empty() {
            return;
        }
        let mut dict = resources.x_objects();
        for (name, id) in self.names.values() {
            dict.pair(Name(name.as_bytes()), *id);
        }
        let mut glyphs: Vec<&(String, Ref, Bitmap)> = self.glyphs.values().collect();
        glyphs.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, id, _) in glyphs {
            dict.pair(Name(name.as_bytes()), *id);
        }
    }
}

/// Pixels ready to encode.
struct Pixels {
    width: u32,
    height: u32,
    data: Vec<u8>,
    /// DCT (JPEG bytes) rather than raw samples.
    jpeg: bool,
    /// Components per pixel: 1 (grey) or 3 (RGB).
    components: u8,
    alpha: Option<Vec<u8>>,
}

/// An image XObject's data, encoded: JPEG bytes or deflated samples, and the deflated
/// soft mask.
struct Encoded {
    width: u32,
    height: u32,
    data: Vec<u8>,
    filter: Filter,
    components: u8,
    mask: Option<Vec<u8>>,
}

impl Encoded {
    /// Deflates what is not JPEG already.
    fn new(pixels: Pixels) -> Self {
        let (data, filter) = if pixels.jpeg {
            (pixels.data, Filter::DctDecode)
        } else {
            (deflate(&pixels.data), Filter::FlateDecode)
        };
        Encoded {
            width: pixels.width,
            height: pixels.height,
            data,
            filter,
            components: pixels.components,
            mask: pixels.alpha.as_deref().map(deflate),
        }
    }
}

/// Embeds every image the pages show, and every colour bitmap glyph they draw.
pub fn embed(
    doc: &Document<'_>,
    fonts: &Fonts,
    pdf: &mut Chunk,
    next: &mut impl FnMut() -> Ref,
    target_ppi: f32,
) -> Images {
    let print = doc.print.is_some();
    let mut images = Images {
        names: BTreeMap::new(),
        glyphs: HashMap::new(),
        srgb: None,
    };
    // the largest size each image is shown at
    let mut largest: BTreeMap<usize, (f32, f32)> = BTreeMap::new();
    for placed in doc.pages.iter().flat_map(|p| &p.images) {
        let entry = largest.entry(placed.image).or_insert((0.0, 0.0));
        *entry = (
            entry.0.max(placed.area.width),
            entry.1.max(placed.area.height),
        );
    }
    let needs_srgb = print && (!largest.is_empty() || !fonts.bitmap_glyphs().is_empty());
    if needs_srgb {
        let id = next();
        pdf.icc_profile(id, SRGB_PROFILE_DEFLATED)
            .n(3)
            .range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
            .filter(Filter::FlateDecode);
        images.srgb = Some(id);
    }
    // scaled and encoded side by side, written in order
    let shown: Vec<(usize, Encoded)> = largest
        .into_par_iter()
        .filter_map(|(index, (w, h))| {
            let asset = doc.images.get(index)?;
            Some((index, Encoded::new(prepare(asset, w, h, target_ppi, print))))
        })
        .collect();
    for (index, encoded) in &shown {
        let id = write_image(pdf, next, encoded, images.srgb);
        images
            .names
            .insert(*index, (format!("Im{}", index + 1), id));
    }
    // colour emoji glyphs
    let glyphs: Vec<(usize, FontKey, u16, Bitmap, Encoded)> = fonts
        .bitmap_glyphs()
        .par_iter()
        .enumerate()
        .filter_map(|(n, &(key, id))| {
            let bitmap = doc.bank.bitmap(key, id)?;
            let decoded = image::load_from_memory(&bitmap.png).ok()?;
            let encoded = Encoded::new(from_rgba(&decoded.to_rgba8(), print));
            Some((n, key, id, bitmap, encoded))
        })
        .collect();
    for (n, key, id, bitmap, encoded) in glyphs {
        let xobject = write_image(pdf, next, &encoded, images.srgb);
        images
            .glyphs
            .insert((key, id), (format!("Gl{}", n + 1), xobject, bitmap));
    }
    images
}

/// The pixels to embed for `asset` shown at most `w` × `h` points.
fn prepare(asset: &ImageAsset, w: f32, h: f32, target_ppi: f32, print: bool) -> Pixels {
    let limit_w = (w / 72.0 * target_ppi * DOWNSAMPLE_ABOVE).ceil() as u32;
    let limit_h = (h / 72.0 * target_ppi * DOWNSAMPLE_ABOVE).ceil() as u32;
    let fits = asset.width <= limit_w.max(1) && asset.height <= limit_h.max(1);
    if asset.format == ImageFormat::Jpeg && fits {
        if let Some(components @ (1 | 3)) = jpeg_components(&asset.data) {
            return Pixels {
                width: asset.width,
                height: asset.height,
                data: asset.data.clone(),
                jpeg: true,
                components,
                alpha: None,
            };
        }
    }
    let decoded = raster::pixels(asset);
    let mut pixels = if fits {
        // the decoded pixels, read in place
        let rgba = image::ImageBuffer::<image::Rgba<u8>, &[u8]>::from_raw(
            asset.width,
            asset.height,
            &decoded,
        )
        .unwrap_or_default();
        from_rgba(&rgba, print)
    } else {
        let factor = ((w / 72.0 * target_ppi) / asset.width as f32)
            .min((h / 72.0 * target_ppi) / asset.height as f32);
        let nw = ((asset.width as f32 * factor).round() as u32).max(1);
        let nh = ((asset.height as f32 * factor).round() as u32).max(1);
        let size = (asset.width, asset.height);
        let scaled = raster::scaled(&decoded, size, (nw, nh), asset.has_alpha);
        from_rgba(&scaled, print)
    };
    if asset.format == ImageFormat::Jpeg && pixels.alpha.is_none() && pixels.components == 3 {
        // a photo stays a photo: JPEG, not deflated samples
        let size = (pixels.width, pixels.height);
        let encoded = raster::jpeg(&pixels.data, size, raster::Samples::Rgb);
        if !encoded.is_empty() {
            pixels.data = encoded;
            pixels.jpeg = true;
        }
    }
    pixels
}

/// RGB samples and, unless `flatten` asks to lay them on white, an alpha channel.
fn from_rgba<C: std::ops::Deref<Target = [u8]>>(
    rgba: &image::ImageBuffer<image::Rgba<u8>, C>,
    flatten: bool,
) -> Pixels {
    let opaque = rgba.pixels().all(|p| p.0[3] == 255);
    let mut data = Vec::with_capacity((rgba.width() * rgba.height() * 3) as usize);
    for p in rgba.pixels() {
        let [r, g, b, a] = p.0;
        if flatten && a != 255 {
            let mix =
                |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
            data.extend([mix(r), mix(g), mix(b)]);
        } else {
            data.extend([r, g, b]);
        }
    }
    let alpha = (!opaque && !flatten).then(|| rgba.pixels().map(|p| p.0[3]).collect());
    Pixels {
        width: rgba.width(),
        height: rgba.height(),
        data,
        jpeg: false,
        components: 3,
        alpha,
    }
}

/// Writes an image XObject (and its soft mask); returns its reference.
fn write_image(
    pdf: &mut Chunk,
    next: &mut impl FnMut() -> Ref,
    pixels: &Encoded,
    srgb: Option<Ref>,
) -> Ref {
    let id = next();
    let mask = pixels.mask.as_ref().map(|data| {
        let mask_id = next();
        let mut mask = pdf.image_xobject(mask_id, data);
        mask.filter(Filter::FlateDecode);
        mask.width(pixels.width as i32);
        mask.height(pixels.height as i32);
        mask.color_space().device_gray();
        mask.bits_per_component(8);
        mask.finish();
        mask_id
    });
    let mut image = pdf.image_xobject(id, &pixels.data);
    image.filter(pixels.filter);
    image.width(pixels.width as i32);
    image.height(pixels.height as i32);
    match (pixels.components, srgb) {
        (1, _) => {
            image.color_space().device_gray();
        }
        (_, Some(profile)) => {
            image.color_space().icc_based(profile);
        }
        _ => {
            image.color_space().device_rgb();
        }
    }
    image.bits_per_component(8);
    if let Some(mask) = mask {
        image.s_mask(mask);
    }
    image.finish();
    id
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

/// The sRGB colour profile (Debian's icc-profiles-free, see `icc/README.md`), deflated
/// by `build.rs`.
const SRGB_PROFILE_DEFLATED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/sRGB.icc.zz"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_srgb_profile_inflates_to_the_bundled_one() {
        assert_eq!(
            crate::deflate::inflate(SRGB_PROFILE_DEFLATED),
            include_bytes!("icc/sRGB.icc")
        );
    }

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
