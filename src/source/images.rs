//! Images of a book: found inside the book folder, checked by their headers as the
//! chapters are read (a decompression bomb is refused, not allocated), then decoded
//! once, all side by side, and shared by every use. Decoded pixels are kept for the
//! build only up to a budget: a book of many large photos would otherwise hold them all
//! at once (a 12-megapixel photo is 48 MB decoded); the images past it are decoded again
//! where their pixels are needed.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::ImageReader;
use rayon::prelude::*;

use crate::error::{Code, Error, Finding, Location, Result};
use crate::model::{ImageAsset, ImageFormat};
use crate::raster::{self, MAX_ALLOC, MAX_SIDE};

/// Decoded pixels kept for the whole build, in bytes: images in the order first used,
/// while their pixels together fit.
const PIXEL_BUDGET: u64 = 256 << 20;

/// An image found for a use in a chapter, not yet given its index in the book.
#[derive(Debug)]
pub struct Found {
    /// The image, checked by its header.
    asset: ImageAsset,
    /// Its canonical path: one image, however it is spelled.
    canonical: PathBuf,
    /// Where it is used.
    at: Location,
}

/// Holds each image once and hands out its index.
#[derive(Debug)]
pub struct ImageStore {
    dir: PathBuf,
    root: PathBuf,
    by_path: HashMap<PathBuf, usize>,
    /// The images, in the order first used; their pixels are empty until [`decode`].
    ///
    /// [`decode`]: ImageStore::decode
    images: Vec<ImageAsset>,
    /// Where each image is first used (for a message if its pixels cannot be decoded).
    first_use: Vec<Location>,
}

impl ImageStore {
    /// A store for the book in `dir` (canonical form `root`).
    pub fn new(dir: &Path, root: &Path) -> ImageStore {
        ImageStore {
            dir: dir.to_path_buf(),
            root: root.to_path_buf(),
            by_path: HashMap::new(),
            images: Vec::new(),
            first_use: Vec::new(),
        }
    }

    /// The image at `rel` (relative to the book folder), read and checked by its header;
    /// `at` is where it is used. Reads nothing the store holds, so chapters can look up
    /// their images side by side, then [`add`](ImageStore::add) them in reading order.
    pub fn find(&self, rel: &str, at: &Location) -> Result<Found> {
        let rel = percent_decode(rel);
        let (shown, canonical) =
            super::inside_book(&self.dir, &self.root, &rel, at.clone(), "image")?;
        let data = std::fs::read(&canonical).map_err(|e| Error::io(&shown, "read the image", e))?;
        Ok(Found {
            asset: inspect(&shown, data, at)?,
            canonical,
            at: at.clone(),
        })
    }

    /// The index of a found image: a new one on its first use, the same one after.
    pub fn add(&mut self, found: Found) -> usize {
        if let Some(&index) = self.by_path.get(&found.canonical) {
            return index;
        }
        self.images.push(found.asset);
        self.first_use.push(found.at);
        self.by_path.insert(found.canonical, self.images.len() - 1);
        self.images.len() - 1
    }

    /// Every image decoded, side by side, keeping its pixels within [`PIXEL_BUDGET`]
    /// when `keep_pixels`; an image that cannot be decoded adds an error to `findings`
    /// (at its first use).
    pub fn decode(mut self, keep_pixels: bool, findings: &mut Vec<Finding>) -> Vec<ImageAsset> {
        let budget = if keep_pixels { PIXEL_BUDGET } else { 0 };
        let keep = within_budget(&self.images, budget);
        let failed: Vec<Error> = self
            .images
            .par_iter_mut()
            .zip(&self.first_use)
            .zip(&keep)
            .filter_map(|((asset, at), &keep)| decode_pixels(asset, at, keep).err())
            .collect();
        findings.extend(failed.iter().flat_map(Error::findings));
        self.images
    }
}

/// For each image in order, whether its pixels are kept: while the decoded sizes so far
/// add up to at most `budget` bytes.
fn within_budget(images: &[ImageAsset], budget: u64) -> Vec<bool> {
    let mut total = 0;
    images
        .iter()
        .map(|a| {
            total += u64::from(a.width) * u64::from(a.height) * 4;
            total <= budget
        })
        .collect()
}

/// An image checked by its header (format and size): its pixels not decoded yet.
pub fn inspect(shown: &Path, data: Vec<u8>, at: &Location) -> Result<ImageAsset> {
    let reader = ImageReader::new(Cursor::new(&data))
        .with_guessed_format()
        .map_err(|e| Error::io(shown, "read the image", e))?;
    let format = match reader.format() {
        Some(image::ImageFormat::Png) => ImageFormat::Png,
        Some(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
        Some(image::ImageFormat::WebP) => ImageFormat::WebP,
        Some(image::ImageFormat::Gif) => ImageFormat::Gif,
        _ => {
            return Err(Error::input(
                Code::UnsupportedImage,
                at.clone(),
                format!(
                    "`{}` is not a PNG, JPEG, WebP or GIF image",
                    shown.display()
                ),
                "convert it to one of these formats",
            ))
        }
    };
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| undecodable(shown, at, &e))?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) * 4 > MAX_ALLOC
    {
        return Err(Error::input(
            Code::ImageTooLarge,
            at.clone(),
            format!(
                "`{}` is {width} × {height} pixels, too large to decode safely",
                shown.display()
            ),
            format!("scale it down to at most {MAX_SIDE} pixels a side"),
        ));
    }
    Ok(ImageAsset {
        source: shown.to_path_buf(),
        format,
        width,
        height,
        rgba: None,
        has_alpha: false,
        data,
    })
}

/// Decodes the pixels of an image [`inspect`] accepted, to find whether any is
/// transparent and that they can be decoded at all; keeps them when `keep`.
pub fn decode_pixels(asset: &mut ImageAsset, at: &Location, keep: bool) -> Result<()> {
    let rgba = raster::decode(&asset.data).map_err(|e| undecodable(&asset.source, at, &e))?;
    asset.has_alpha = rgba.pixels().any(|p| p.0[3] != 255);
    asset.rgba = keep.then(|| rgba.into_raw());
    Ok(())
}

fn undecodable(shown: &Path, at: &Location, e: &dyn std::fmt::Display) -> Error {
    Error::input(
        Code::UndecodableImage,
        at.clone(),
        format!("cannot decode the image `{}`: {e}", shown.display()),
        "re-export it from an image editor",
    )
}

/// `%20` and friends in a Markdown image path.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::from_pixel(width, height, image::Rgb([1, 2, 3]))
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn decodes_and_reports_size() {
        let at = Location::file("c.md");
        let mut asset = inspect(Path::new("a.png"), png(3, 2), &at).unwrap();
        assert!(asset.rgba.is_none());
        decode_pixels(&mut asset, &at, true).unwrap();
        assert_eq!(
            (asset.width, asset.height, asset.format),
            (3, 2, ImageFormat::Png)
        );
        assert_eq!(asset.rgba.as_ref().map(Vec::len), Some(24));
        assert!(!asset.has_alpha);
    }

    /// A PNG whose header claims `width` × `height` pixels, with no pixel data.
    pub fn bomb(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Rgb);
            let _ = encoder.write_header().map(std::mem::forget);
        }
        // an empty IDAT (a decoder reads the header up to it), then IEND
        out.extend([0, 0, 0, 0]);
        out.extend(b"IDAT");
        out.extend([0x35, 0xAF, 0x06, 0x1E]);
        out.extend([0, 0, 0, 0]);
        out.extend(b"IEND");
        out.extend([0xAE, 0x42, 0x60, 0x82]);
        out
    }

    #[test]
    fn refuses_a_decompression_bomb_by_its_header() {
        let bomb = bomb(30_000, 30_000);
        let e = inspect(Path::new("bomb.png"), bomb, &Location::line("c.md", 4)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("c.md:4: `bomb.png` is 30000 × 30000 pixels"),
            "{e}"
        );
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        let e = inspect(
            Path::new("x.png"),
            b"<svg/>".to_vec(),
            &Location::line("c.md", 1),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("is not a PNG, JPEG, WebP or GIF image"),
            "{e}"
        );
    }

    #[test]
    fn pixels_that_cannot_be_decoded_are_an_error_at_the_first_use() {
        // a header of 3 × 2 pixels with no pixel data: accepted by its header
        let at = Location::line("c.md", 7);
        let broken = inspect(Path::new("broken.png"), bomb(3, 2), &at).unwrap();
        let fine = inspect(Path::new("a.png"), png(3, 2), &at).unwrap();
        let store = ImageStore {
            dir: PathBuf::new(),
            root: PathBuf::new(),
            by_path: HashMap::new(),
            images: vec![fine, broken],
            first_use: vec![Location::line("c.md", 2), at],
        };
        let mut findings = Vec::new();
        let images = store.decode(true, &mut findings);
        assert_eq!(images[0].rgba.as_ref().map(Vec::len), Some(24));
        assert!(images[1].rgba.is_none());
        assert_eq!(findings.len(), 1);
        let message = findings[0].to_string();
        assert!(
            message.starts_with("c.md:7: cannot decode the image `broken.png`"),
            "{message}"
        );
    }

    #[test]
    fn pixels_are_kept_in_order_while_they_fit_the_budget() {
        let at = Location::file("c.md");
        let sized = |w, h| inspect(Path::new("a.png"), png(w, h), &at).unwrap();
        // 24, 400, 24 and 40 bytes of pixels
        let images = [sized(3, 2), sized(10, 10), sized(3, 2), sized(5, 2)];
        assert_eq!(within_budget(&images, 448), [true, true, true, false]);
        assert_eq!(within_budget(&images, 100), [true, false, false, false]);
    }

    #[test]
    fn percent_escapes() {
        assert_eq!(percent_decode("a%20b.png"), "a b.png");
        assert_eq!(percent_decode("100%.png"), "100%.png");
    }
}
