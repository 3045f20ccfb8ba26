//! The cover image: the author's picture, checked and re-encoded as JPEG, or a
//! typographic cover drawn from the title, subtitle and authors in the bundled fonts
//! (a PNG: flat colour and sharp type compress better losslessly).

use std::io::Cursor;
use std::sync::OnceLock;

use ab_glyph::{
    Font as _, FontRef, GlyphId, Outline, OutlineCurve, Point, PxScale, PxScaleFactor, Rect,
    ScaleFont as _,
};
use ab_glyph_rasterizer::Rasterizer;
use image::{ImageFormat, ImageReader, Limits, Rgb, RgbImage};

use crate::error::{Code, Error, Location, Result};
use crate::fonts::Face;
use crate::model::{CoverSource, Metadata};
use crate::raster;
use crate::script::{self, is_wide, Class};

/// Largest cover width in pixels (the EPUB cover is scaled to fit 1600×2560).
pub const MAX_WIDTH: u32 = 1600;
/// Largest cover height in pixels.
pub const MAX_HEIGHT: u32 = 2560;

/// A finished cover image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverImage {
    /// The encoded image.
    pub data: Vec<u8>,
    /// JPEG (the author's picture) or PNG (a drawn cover).
    pub format: CoverFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The encoding of a cover image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
}

impl CoverFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            CoverFormat::Jpeg => "jpg",
            CoverFormat::Png => "png",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            CoverFormat::Jpeg => "image/jpeg",
            CoverFormat::Png => "image/png",
        }
    }
}

/// The book's cover: the author's image when `book.toml` names one (`source`),
/// otherwise a typographic cover drawn from `metadata`.
pub fn prepare(metadata: &Metadata, source: Option<&CoverSource>) -> Result<CoverImage> {
    let (data, format, (width, height)) = match source {
        Some(source) => {
            let (data, size) = from_image(source)?;
            (data, CoverFormat::Jpeg, size)
        }
        None => {
            let canvas = draw(metadata);
            (canvas.to_png(), CoverFormat::Png, canvas.size())
        }
    };
    Ok(CoverImage {
        data,
        format,
        width,
        height,
    })
}

/// A book's cover, made once by whichever asks for it first: a job started as soon as
/// `book.toml` is read (so that drawing it overlaps reading the chapters), or the EPUB
/// when it gets there first. A second asker waits while the first makes it, so making
/// a cover must never wait for the build's other jobs: it uses no rayon (a worker
/// waiting here could otherwise be handed the very job it waits for).
pub struct Shared<'a> {
    made: OnceLock<Result<CoverImage>>,
    metadata: &'a Metadata,
    source: Option<&'a CoverSource>,
}

impl<'a> Shared<'a> {
    /// The cover of a book with `metadata` and the author's image `source`, not yet made.
    pub fn new(metadata: &'a Metadata, source: Option<&'a CoverSource>) -> Shared<'a> {
        Shared {
            made: OnceLock::new(),
            metadata,
            source,
        }
    }

    /// The cover, made now unless it has been; `None` when it could not be made (see
    /// [`Shared::into_error`]).
    pub fn get(&self) -> Option<&CoverImage> {
        self.made
            .get_or_init(|| prepare(self.metadata, self.source))
            .as_ref()
            .ok()
    }

    /// Why the cover could not be made, if it was asked for and could not.
    pub fn into_error(self) -> Option<Error> {
        self.made.into_inner().and_then(Result::err)
    }
}

/// Reads the author's cover: PNG, JPEG or WebP, scaled to fit 1600×2560, re-encoded as
/// JPEG (which also drops every metadata block the original carried); with its size in
/// pixels.
pub fn from_image(source: &CoverSource) -> Result<(Vec<u8>, (u32, u32))> {
    let at = || Location::file(&source.display);
    let bytes = std::fs::read(&source.path)
        .map_err(|e| Error::io(&source.display, "read the cover image", e))?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::io(&source.display, "read the cover image", e))?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP) => {}
        _ => {
            return Err(Error::input(
                Code::UnsupportedImage,
                at(),
                "the cover is not a PNG, JPEG or WebP image",
                "convert it to one of these formats",
            ))
        }
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(raster::MAX_SIDE);
    limits.max_image_height = Some(raster::MAX_SIDE);
    limits.max_alloc = Some(1 << 30);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| {
        Error::input(
            Code::UndecodableImage,
            at(),
            format!("cannot decode the cover image: {e}"),
            format!(
                "re-export it from an image editor (at most {} pixels a side)",
                raster::MAX_SIDE
            ),
        )
    })?;
    let has_alpha = image.color().has_alpha();
    let mut rgba = image.to_rgba8();
    let size = rgba.dimensions();
    let to = raster::fit_within(size, (MAX_WIDTH, MAX_HEIGHT));
    if to != size {
        rgba = raster::scaled(rgba.as_raw(), size, to, has_alpha);
    }
    let flat = flatten(&rgba);
    Ok((raster::jpeg(flat.as_raw(), to, raster::Samples::Rgb), to))
}

/// The image on a white background, without alpha.
fn flatten(rgba: &image::RgbaImage) -> RgbImage {
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

/// The paper colour of a drawn cover.
const PAPER: [u8; 3] = [0xF4, 0xEF, 0xE6];
/// The inks it is drawn in: black, grey and a vermilion accent.
const INKS: [[u8; 3]; 3] = [[0x1E, 0x1E, 0x1E], [0x4A, 0x4A, 0x4A], [0xB5, 0x31, 0x2A]];
const INK: usize = 0;
const GREY: usize = 1;
const VERMILION: usize = 2;
/// Coverage levels per ink (anti-aliasing steps).
const LEVELS: u8 = 64;
const MARGIN: f32 = 180.0;

/// `coverage` (clamped to 0–1) as a level of `LEVELS`, rounded half away from zero like
/// `f32::round` but without its library call (this runs for every pixel of the type).
fn coverage_level(coverage: f32) -> u8 {
    let scaled = coverage.clamp(0.0, 1.0) * f32::from(LEVELS);
    // `scaled` is in 0..=64, so truncation is a floor and `scaled - floor` is exact
    let floor = scaled as u8;
    if scaled - f32::from(floor) >= 0.5 {
        floor + 1
    } else {
        floor
    }
}

/// A cover being drawn: one palette index per pixel (paper, or an ink at a coverage
/// level), so the finished image is a small 8-bit indexed PNG.
///
/// The pixels are a zeroed allocation, which the kernel backs with memory only where
/// it is written: most of a cover is bare paper, so writing all 4 MB up front would
/// cost more than the drawing. Painting reads a pixel before writing it, and a page
/// first read and then written faults twice (the second time flushing it from every
/// core), so each row is written once, with paper, before its first pixel is read.
pub struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    /// Rows written (with paper) at least once.
    written: Vec<bool>,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![0; (width * height) as usize],
            written: vec![false; height as usize],
        }
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Puts `ink` at `coverage` (0–1) on a pixel, keeping whatever covers it more.
    fn paint(&mut self, x: i64, y: i64, ink: usize, coverage: f32) {
        // most pixels of a glyph's box are bare: their level is 0 whatever their place
        let level = coverage_level(coverage);
        if level == 0 {
            return;
        }
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let (row, width) = (y as usize, self.width as usize);
        if !self.written[row] {
            // an opaque zero, so that the compiler cannot drop the write as redundant
            self.pixels[row * width..(row + 1) * width].fill(std::hint::black_box(0));
            self.written[row] = true;
        }
        let pixel = &mut self.pixels[row * width + x as usize];
        let current = if *pixel == 0 {
            0
        } else {
            (*pixel - 1) % LEVELS + 1
        };
        if level >= current {
            *pixel = 1 + ink as u8 * LEVELS + (level - 1);
        }
    }

    fn fill(&mut self, x: u32, y: u32, w: u32, h: u32, ink: usize) {
        for yy in y..(y + h).min(self.height) {
            for xx in x..(x + w).min(self.width) {
                self.paint(i64::from(xx), i64::from(yy), ink, 1.0);
            }
        }
    }

    fn palette() -> Vec<u8> {
        let mut palette = PAPER.to_vec();
        for ink in INKS {
            for level in 1..=LEVELS {
                let t = f32::from(level) / f32::from(LEVELS);
                for c in 0..3 {
                    let (bg, fg) = (f32::from(PAPER[c]), f32::from(ink[c]));
                    palette.push((bg + (fg - bg) * t).round() as u8);
                }
            }
        }
        palette
    }

    /// The colour of every pixel.
    pub fn to_rgb(&self) -> RgbImage {
        let palette = Canvas::palette();
        RgbImage::from_fn(self.width, self.height, |x, y| {
            let i = usize::from(self.pixels[(y * self.width + x) as usize]) * 3;
            Rgb([palette[i], palette[i + 1], palette[i + 2]])
        })
    }

    /// The canvas as an 8-bit indexed PNG.
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(Canvas::palette());
        encoder.set_compression(png::Compression::Fast);
        // Writing an in-memory image into a Vec cannot fail.
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(&self.pixels);
            let _ = writer.finish();
        }
        out
    }
}

/// Draws a typographic cover: the title in the sans face broken between its phrases,
/// the subtitle, and the authors near the foot, on a paper-coloured ground.
pub fn draw(meta: &Metadata) -> Canvas {
    let mut canvas = Canvas::new(MAX_WIDTH, MAX_HEIGHT);
    let sans = Typeface::new(Face::SansBold);
    let serif = Typeface::new(Face::SerifRegular);
    let measure = MAX_WIDTH as f32 - 2.0 * MARGIN;

    canvas.fill((MAX_WIDTH - 240) / 2, 380, 240, 14, VERMILION);
    let phrases = meta.title_phrases();
    let (size, lines) = fit_lines(&sans, &phrases, measure, 150.0, 56.0, 5);
    let mut y = 520.0 + size;
    for line in &lines {
        sans.draw_centered(&mut canvas, line, size, y, INK);
        y += size * 1.4;
    }
    if let Some(subtitle) = &meta.subtitle {
        let phrases: Vec<&str> = subtitle.split_whitespace().collect();
        let (size, lines) = fit_lines(&serif, &phrases, measure, 72.0, 40.0, 3);
        y += size * 0.8;
        for line in &lines {
            serif.draw_centered(&mut canvas, line, size, y, GREY);
            y += size * 1.5;
        }
    }
    if !meta.authors.is_empty() {
        let names: Vec<&str> = meta.authors.iter().map(String::as_str).collect();
        let (size, lines) = fit_lines(&serif, &names, measure, 64.0, 36.0, 3);
        canvas.fill((MAX_WIDTH - 120) / 2, MAX_HEIGHT - 640, 120, 4, VERMILION);
        let mut y = MAX_HEIGHT as f32 - 520.0;
        for line in &lines {
            serif.draw_centered(&mut canvas, line, size, y, INK);
            y += size * 1.5;
        }
    }
    if let Some(publisher) = &meta.publisher {
        serif.draw_centered(
            &mut canvas,
            &[publisher],
            44.0,
            MAX_HEIGHT as f32 - 220.0,
            GREY,
        );
    }
    canvas
}

/// The largest size (from `max` down to `min`) at which `units` (phrases) fit into at
/// most `max_lines` lines of `measure` pixels, breaking only between phrases; when even
/// the smallest size does not do, phrases are broken between characters.
fn fit_lines<'a>(
    face: &Typeface,
    units: &[&'a str],
    measure: f32,
    max: f32,
    min: f32,
    max_lines: usize,
) -> (f32, Vec<Vec<&'a str>>) {
    // shaping does not depend on the size: shape once, measure at each size
    let shaped: Vec<Shaped> = units.iter().map(|u| face.shape(u)).collect();
    let mut size = max;
    loop {
        let widths: Vec<f32> = shaped.iter().map(|s| s.width(face.scale(size))).collect();
        if widths.iter().all(|&w| w <= measure) {
            let lines = pack(units, &widths, size, measure);
            if lines.len() <= max_lines || size <= min {
                return (size, lines);
            }
        } else if size <= min {
            let pieces: Vec<&str> = units.iter().flat_map(|u| split_chars(u)).collect();
            let widths: Vec<f32> = pieces
                .iter()
                .map(|p| face.shape(p).width(face.scale(size)))
                .collect();
            return (size, pack(&pieces, &widths, size, measure));
        }
        size -= 2.0;
    }
}

/// Greedy lines of whole units (`widths` wide at `size`), half an em apart.
fn pack<'a>(units: &[&'a str], widths: &[f32], size: f32, measure: f32) -> Vec<Vec<&'a str>> {
    let mut lines: Vec<Vec<&str>> = Vec::new();
    let mut width = 0.0;
    for (&unit, &w) in units.iter().zip(widths) {
        match lines.last_mut() {
            Some(line) if width + size * 0.5 + w <= measure => {
                line.push(unit);
                width += size * 0.5 + w;
            }
            _ => {
                lines.push(vec![unit]);
                width = w;
            }
        }
    }
    lines
}

/// A phrase cut into single characters, a closing mark kept with the character before
/// and an opening mark with the one after.
fn split_chars(text: &str) -> Vec<&str> {
    let mut pieces: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices().skip(1) {
        let prev = text[..i].chars().last().unwrap_or(' ');
        let glue =
            script::is_no_start(c) || script::is_no_end(prev) || !(is_wide(c) || is_wide(prev));
        if !glue {
            pieces.push(&text[start..i]);
            start = i;
        }
    }
    pieces.push(&text[start..]);
    pieces
}

fn is_opening_mark(c: char) -> bool {
    script::class(c) == Class::Opening
}

fn is_closing_mark(c: char) -> bool {
    script::class(c) == Class::Closing
}

/// A bundled face, ready to shape with rustybuzz and draw with ab_glyph.
struct Typeface {
    shaper: crate::fonts::ShapingFace<'static>,
    outlines: FontRef<'static>,
    units_per_em: f32,
}

impl Typeface {
    fn new(face: Face) -> Self {
        let data = face.data();
        let shaper = crate::fonts::shaping_face(data, 0).expect("bundled font parses");
        let outlines = FontRef::try_from_slice(data).expect("bundled font parses");
        Typeface {
            units_per_em: shaper.units_per_em() as f32,
            shaper,
            outlines,
        }
    }

    /// `text` shaped, in font units.
    fn shape(&self, text: &str) -> Shaped {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let glyphs = shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(info, pos)| (info.glyph_id as u16, pos.x_offset, pos.x_advance))
            .collect();
        Shaped { glyphs }
    }

    /// Pixels per font unit at `size` px per em.
    fn scale(&self, size: f32) -> f32 {
        size / self.units_per_em
    }

    /// Draws units on one line, centred, half an em apart, baseline at `y`.
    fn draw_centered(&self, canvas: &mut Canvas, units: &[&str], size: f32, y: f32, ink: usize) {
        let gap = size * 0.5;
        let scale = self.scale(size);
        let shaped: Vec<Shaped> = units.iter().map(|u| self.shape(u)).collect();
        let widths: Vec<f32> = shaped.iter().map(|s| s.width(scale)).collect();
        let total = widths.iter().sum::<f32>() + gap * (units.len().saturating_sub(1)) as f32;
        // centre the ink, not the boxes: a full-width mark at either end is half blank
        let first = units.first().and_then(|u| u.chars().next());
        let last = units.last().and_then(|u| u.chars().last());
        let blank_left = if first.is_some_and(is_opening_mark) {
            size * 0.5
        } else {
            0.0
        };
        let blank_right = if last.is_some_and(is_closing_mark) {
            size * 0.5
        } else {
            0.0
        };
        let mut x = (canvas.width as f32 - (total - blank_left - blank_right)) / 2.0 - blank_left;
        let px_scale = PxScale::from(size * self.outlines.height_unscaled() / self.units_per_em);
        let factor = self.outlines.as_scaled(px_scale).scale_factor();
        let mut rasterizer = Rasterizer::new(0, 0);
        for (run, width) in shaped.iter().zip(&widths) {
            for (gid, dx) in run.placed(scale) {
                if let Some(outline) = self.outlines.outline(GlyphId(gid)) {
                    let at = ab_glyph::point(x + dx, y);
                    let bounds = rasterize(&mut rasterizer, &outline, factor, at);
                    let (left, top) = (bounds.min.x as i64, bounds.min.y as i64);
                    let width = rasterizer.dimensions().0 as i64;
                    // the coverage comes row by row, left to right
                    let (mut column, mut row) = (0, 0);
                    rasterizer.for_each_pixel(|_, coverage| {
                        canvas.paint(left + column, top + row, ink, coverage);
                        column += 1;
                        if column == width {
                            column = 0;
                            row += 1;
                        }
                    });
                }
            }
            x += width + gap;
        }
    }
}

/// Rasterizes `outline` scaled by `factor` with its origin at `at` into `rasterizer`,
/// and gives the pixel bounds its coverage covers. The arithmetic is ab_glyph's
/// `OutlinedGlyph::draw`, so the coverage is the same to the bit; that method hands
/// each pixel's column and row to its callback, worked out by a division per pixel
/// (about 0.2 ms of the article's CPU time, 81 interleaved runs).
fn rasterize(
    rasterizer: &mut Rasterizer,
    outline: &Outline,
    factor: PxScaleFactor,
    at: Point,
) -> Rect {
    let bounds = outline.px_bounds(factor, at);
    let offset = at - bounds.min;
    let (h_factor, v_factor) = (factor.horizontal, -factor.vertical);
    let scaled = |p: &Point| ab_glyph::point(p.x * h_factor, p.y * v_factor) + offset;
    rasterizer.reset(bounds.width() as usize, bounds.height() as usize);
    for curve in &outline.curves {
        match curve {
            OutlineCurve::Line(p0, p1) => rasterizer.draw_line(scaled(p0), scaled(p1)),
            OutlineCurve::Quad(p0, p1, p2) => {
                rasterizer.draw_quad(scaled(p0), scaled(p1), scaled(p2))
            }
            OutlineCurve::Cubic(p0, p1, p2, p3) => {
                rasterizer.draw_cubic(scaled(p0), scaled(p1), scaled(p2), scaled(p3))
            }
        }
    }
    bounds
}

/// A text shaped once, to be measured and drawn at any size: its glyphs with their x
/// offsets and advances in font units.
struct Shaped {
    glyphs: Vec<(u16, i32, i32)>,
}

impl Shaped {
    /// The total advance at `scale` px per font unit.
    fn width(&self, scale: f32) -> f32 {
        let mut x = 0.0;
        for &(_, _, advance) in &self.glyphs {
            x += advance as f32 * scale;
        }
        x
    }

    /// (glyph id, x offset in px) of each glyph at `scale` px per font unit.
    fn placed(&self, scale: f32) -> Vec<(u16, f32)> {
        let mut x = 0.0;
        let mut placed = Vec::with_capacity(self.glyphs.len());
        for &(gid, offset, advance) in &self.glyphs {
            placed.push((gid, x + offset as f32 * scale));
            x += advance as f32 * scale;
        }
        placed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(title: &str) -> Metadata {
        Metadata {
            subtitle: Some("副标题".into()),
            ..Metadata::sample(title)
        }
    }

    #[test]
    fn phrases_are_kept_whole_on_lines() {
        let sans = Typeface::new(Face::SansBold);
        let phrases = [
            "镇江高新区",
            "争当创新发展“先行军”",
            "打造科技创新策源地",
            "加快成为镇江发展活力标杆",
        ];
        let (size, lines) = fit_lines(&sans, &phrases, 1240.0, 150.0, 56.0, 5);
        assert!(size >= 90.0, "{size}");
        assert_eq!(lines.len(), 4);
        for line in &lines {
            let total: f32 = line
                .iter()
                .map(|u| sans.shape(u).width(sans.scale(size)))
                .sum();
            assert!(total <= 1240.0);
        }
    }

    #[test]
    fn a_long_unspaced_title_breaks_between_characters_obeying_kinsoku() {
        let pieces = split_chars("甲乙“丙丁”，戊Rust己");
        assert_eq!(pieces, ["甲", "乙", "“丙", "丁”，", "戊", "Rust", "己"]);
    }

    #[test]
    fn coverage_levels_round_like_f32_round() {
        let round = |c: f32| (c.clamp(0.0, 1.0) * f32::from(LEVELS)).round() as u8;
        let mut samples: Vec<f32> = (0..=1_000_000).map(|i| i as f32 / 1_000_000.0).collect();
        for level in 0..=LEVELS {
            let half = (f32::from(level) + 0.5) / f32::from(LEVELS);
            samples.extend([half, half.next_down(), half.next_up()]);
        }
        samples.extend([-1.0, 2.0, f32::NAN, f32::INFINITY, 0.5f32.next_down()]);
        for c in samples {
            assert_eq!(coverage_level(c), round(c), "{c:e}");
        }
    }

    #[test]
    fn glyphs_are_rasterized_to_the_coverage_ab_glyph_draws() {
        let face = Typeface::new(Face::SansBold);
        let scale = PxScale::from(137.3);
        let factor = face.outlines.as_scaled(scale).scale_factor();
        let mut rasterizer = Rasterizer::new(0, 0);
        let places = [
            (10.37, 700.81),
            (0.5, 99.99),
            (1234.7, 2000.2),
            (-20.25, 3.0),
        ];
        for (c, (x, y)) in "镇“A體".chars().zip(places) {
            let (id, at) = (face.outlines.glyph_id(c), ab_glyph::point(x, y));
            let glyph = ab_glyph::Glyph {
                id,
                scale,
                position: at,
            };
            let drawn = face.outlines.outline_glyph(glyph).unwrap();
            let mut theirs = Vec::new();
            drawn.draw(|x, y, coverage| theirs.push((x as usize, y as usize, coverage.to_bits())));
            let outline = face.outlines.outline(id).unwrap();
            let bounds = rasterize(&mut rasterizer, &outline, factor, at);
            assert_eq!(bounds, drawn.px_bounds(), "{c}");
            let width = rasterizer.dimensions().0;
            let mut ours = Vec::new();
            rasterizer.for_each_pixel(|i, coverage| {
                ours.push((i % width, i / width, coverage.to_bits()))
            });
            assert!(ours.iter().any(|p| p.2 != 0), "{c}");
            assert_eq!(ours, theirs, "{c}");
        }
    }

    #[test]
    fn drawn_cover_has_ink_and_is_deterministic() {
        let a = draw(&meta("镇江高新区 争当创新发展“先行军”")).to_rgb();
        assert_eq!(a.dimensions(), (MAX_WIDTH, MAX_HEIGHT));
        let dark = a.pixels().filter(|p| p.0[0] < 80).count();
        assert!(dark > 20_000, "title ink: {dark}");
        let vermilion = a.pixels().filter(|p| p.0 == INKS[VERMILION]).count();
        assert_eq!(vermilion, 240 * 14 + 120 * 4);
        let png = draw(&meta("镇江高新区 争当创新发展“先行军”")).to_png();
        assert_eq!(png, draw(&meta("镇江高新区 争当创新发展“先行军”")).to_png());
        let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(decoded, a);
        assert!(png.len() < 200_000, "{}", png.len());
    }
}
