//! Images of a book: found inside the book folder, decoded once with limits (a
//! decompression bomb is refused, not allocated), shared by every use.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ImageReader, Limits};

use crate::error::{Code, Error, Location, Result};
use crate::model::{ImageAsset, ImageFormat};

/// Largest width or height accepted, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// Largest decoded size accepted, in bytes.
const MAX_ALLOC: u64 = 512 << 20;

/// Loads each image once and hands out its index.
#[derive(Debug)]
pub struct ImageStore {
    dir: PathBuf,
    root: PathBuf,
    by_path: HashMap<PathBuf, usize>,
    /// The images, in order of first use.
    pub images: Vec<ImageAsset>,
}

impl ImageStore {
    /// A store for the book in `dir` (as the user named it), whose canonical path is
    /// `root`.
    pub fn new(dir: &Path, root: &Path) -> ImageStore {
        ImageStore {
            dir: dir.to_path_buf(),
            root: root.to_path_buf(),
            by_path: HashMap::new(),
            images: Vec::new(),
        }
    }

    /// The index of the image at `rel` (relative to the book folder), loading it on
    /// first use. `at` is the place that uses it.
    pub fn load(&mut self, rel: &str, at: &Location) -> Result<usize> {
        let rel = percent_decode(rel);
        let (shown, canonical) =
            super::inside_book(&self.dir, &self.root, &rel, at.clone(), "image")?;
        if let Some(&index) = self.by_path.get(&canonical) {
            return Ok(index);
        }
        let data = std::fs::read(&canonical).map_err(|e| Error::io(&shown, "read the image", e))?;
        let asset = decode(&shown, data, at)?;
        self.images.push(asset);
        self.by_path.insert(canonical, self.images.len() - 1);
        Ok(self.images.len() - 1)
    }
}

/// Decodes an image file, refusing unknown formats and images too large to be safe.
pub fn decode(shown: &Path, data: Vec<u8>, at: &Location) -> Result<ImageAsset> {
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
    let mut reader = ImageReader::new(Cursor::new(&data))
        .with_guessed_format()
        .map_err(|e| Error::io(shown, "read the image", e))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| undecodable(shown, at, &e))?;
    let rgba = image.to_rgba8();
    let has_alpha = rgba.pixels().any(|p| p.0[3] != 255);
    Ok(ImageAsset {
        source: shown.to_path_buf(),
        format,
        width,
        height,
        rgba: rgba.into_raw(),
        has_alpha,
        data,
    })
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
        let asset = decode(Path::new("a.png"), png(3, 2), &Location::file("c.md")).unwrap();
        assert_eq!(
            (asset.width, asset.height, asset.format),
            (3, 2, ImageFormat::Png)
        );
        assert_eq!(asset.rgba.len(), 24);
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
        let e = decode(Path::new("bomb.png"), bomb, &Location::line("c.md", 4)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("c.md:4: `bomb.png` is 30000 × 30000 pixels"),
            "{e}"
        );
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        let e = decode(
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
    fn percent_escapes() {
        assert_eq!(percent_decode("a%20b.png"), "a b.png");
        assert_eq!(percent_decode("100%.png"), "100%.png");
    }
}
