//! The `epub` stage: document model → EPUB 3 (XHTML pages, web-font subsets, package).

mod fonts;
mod metadata;
mod package;
mod pagebreaks;
mod xhtml;
mod zipped;

use rayon::prelude::*;

use crate::cover::CoverImage;
use crate::error::Result;
use crate::fonts::{Face, FontSet};
use crate::model::{Book, ImageAsset, ImageFormat, Place};
use crate::raster;
use package::{Contents, Resource};
use xhtml::TocEntry;
use zipped::Packed;

/// An EPUB made but for its cover and the print edition's page breaks: its pages,
/// stylesheet and files.
#[derive(Debug, Clone)]
pub struct Prepared {
    pages: Vec<xhtml::Page>,
    stylesheet: String,
    resources: Vec<Resource>,
    /// The resources compressed for the ZIP.
    packed: Vec<Packed>,
}

/// Writes the book's pages and cuts its fonts, compressing them for the ZIP.
pub fn prepare(book: &Book, font_set: &FontSet) -> Result<Prepared> {
    let mut prepared = pages_and_fonts(book, font_set)?;
    // the bundled faces' web fonts were compressed as they were cut; the other files now
    let packed = &prepared.packed;
    let rest: Vec<Packed> = prepared
        .resources
        .par_iter()
        .filter_map(|r| {
            let path = package::zip_path(&r.href);
            let done = packed.iter().any(|p| p.path() == path);
            (!done).then(|| Packed::new(&path, &r.data))
        })
        .collect();
    prepared.packed.extend(rest);
    Ok(prepared)
}

/// The EPUB file: `prepared` with its `cover` (made apart, see [`crate::cover`]), a
/// marker where each page of the print edition begins (`print_pages[n]` is where page
/// `n + 1` begins) and a page-list, packaged.
pub fn finish(
    mut prepared: Prepared,
    cover: &CoverImage,
    book: &Book,
    print_pages: &[Option<Place>],
) -> Result<Vec<u8>> {
    let cover_file = package::cover_file(cover);
    let cover_page = xhtml::cover_page(&book.metadata, &cover_file, cover.width, cover.height);
    prepared.pages.insert(0, cover_page);
    let targets = pagebreaks::mark(&mut prepared.pages, print_pages);
    let page_list = pagebreaks::page_list_nav(&targets, &book.metadata.language);
    let archive = package::assemble(Contents {
        meta: &book.metadata,
        pages: &prepared.pages,
        stylesheet: &prepared.stylesheet,
        cover,
        resources: &prepared.resources,
        page_list: &page_list,
    })?;
    archive.to_zip(&prepared.packed, book.metadata.modified)
}

/// The XHTML pages (but the cover), the stylesheet and the other files (images, font
/// subsets), only the bundled faces' subsets compressed yet.
fn pages_and_fonts(book: &Book, font_set: &FontSet) -> Result<Prepared> {
    let meta = &book.metadata;
    let (image_files, mut resources) = images(book);
    let links = xhtml::Links::new(book, image_files);
    let mut pages = vec![xhtml::title_page(meta)];
    if book.chapters.len() > 1 {
        pages.push(xhtml::contents_page(
            book,
            package::toc_name(&meta.language),
        ));
    }
    let chapters: Vec<xhtml::Page> = (0..book.chapters.len())
        .into_par_iter()
        .map(|i| xhtml::chapter_page(book, i, &links))
        .collect();
    pages.extend(chapters);

    let mut usage = fonts::Usage::default();
    for page in &pages {
        usage.merge(&page.usage);
    }
    // the nav document epub-builder writes: its heading, and the entries in body text
    usage.add_text(Face::SansBold, package::toc_name(&meta.language));
    usage.add_text(Face::SerifRegular, &package::nav_text(&meta.language));
    for entry in pages.iter().flat_map(|p| &p.toc) {
        add_toc_text(entry, &mut usage);
    }

    let (fonts, packed, font_faces) = web_fonts(&usage, font_set, &meta.language)?;
    resources.extend(fonts);
    let stylesheet = format!("{font_faces}\n{}", include_str!("style.css"));
    Ok(Prepared {
        pages,
        stylesheet,
        resources,
        packed,
    })
}

fn add_toc_text(entry: &TocEntry, usage: &mut fonts::Usage) {
    usage.add_text(Face::SerifRegular, &entry.title);
    for child in &entry.children {
        add_toc_text(child, usage);
    }
}

/// The character CSS `text-emphasis: filled dot` draws.
const EMPHASIS_DOT: char = '\u{2022}';

/// CSS family names of the bundled faces.
fn family(face: Face) -> (&'static str, &'static str) {
    match face {
        Face::SerifRegular => ("Inkstone Serif", "normal"),
        Face::SerifBold => ("Inkstone Serif", "bold"),
        Face::SansBold => ("Inkstone Sans", "bold"),
        Face::Mono => ("Inkstone Mono", "normal"),
    }
}

/// Largest width or height of an image in the EPUB, in pixels.
const MAX_IMAGE_SIDE: u32 = 1600;

/// The book's images as package files: PNG and JPEG within 1600 px as they are; larger
/// ones scaled down once; WebP and GIF converted (PNG, or JPEG for an opaque photo).
fn images(book: &Book) -> (Vec<String>, Vec<Resource>) {
    let mut files = Vec::new();
    let mut resources = Vec::new();
    // converted side by side, named in order
    let converted: Vec<(Vec<u8>, bool)> = book
        .images
        .par_iter()
        .map(|asset| {
            let fits = asset.width <= MAX_IMAGE_SIDE && asset.height <= MAX_IMAGE_SIDE;
            match asset.format {
                ImageFormat::Png if fits => (asset.data.clone(), true),
                ImageFormat::Jpeg if fits => (asset.data.clone(), false),
                format => {
                    let png =
                        asset.has_alpha || matches!(format, ImageFormat::Png | ImageFormat::Gif);
                    (reencode(asset, png), png)
                }
            }
        })
        .collect();
    for (i, (data, png)) in converted.into_iter().enumerate() {
        let (ext, media_type) = if png {
            ("png", "image/png")
        } else {
            ("jpg", "image/jpeg")
        };
        let href = format!("images/image-{:03}.{ext}", i + 1);
        files.push(href.clone());
        resources.push(Resource {
            href,
            media_type,
            data,
        });
    }
    (files, resources)
}

/// An image scaled to fit 1600 × 1600 px and encoded as PNG or JPEG.
fn reencode(asset: &ImageAsset, png: bool) -> Vec<u8> {
    let size = (asset.width, asset.height);
    let to = raster::fit_within(size, (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE));
    let pixels = raster::pixels(asset);
    let scaled = (to != size).then(|| raster::scaled(&pixels, size, to, asset.has_alpha));
    let (rgba, size) = match &scaled {
        Some(image) => (image.as_raw().as_slice(), image.dimensions()),
        None => (&*pixels, size),
    };
    if !png {
        return raster::jpeg(rgba, size, raster::Samples::Rgba);
    }
    use image::ImageEncoder as _;
    let mut out = Vec::new();
    // Encoding an in-memory image into a Vec cannot fail.
    let _ = image::codecs::png::PngEncoder::new(&mut out).write_image(
        rgba,
        size.0,
        size.1,
        image::ExtendedColorType::Rgba8,
    );
    out
}

/// Subsets of each used face, subsets of installed fonts for characters no bundled face
/// has, and the `@font-face` rules that load them; `language` (the book's) picks the
/// glyph forms. The used faces' subsets come compressed for the ZIP as well.
fn web_fonts(
    usage: &fonts::Usage,
    font_set: &FontSet,
    language: &str,
) -> Result<(Vec<Resource>, Vec<Packed>, String)> {
    let mut resources = Vec::new();
    let mut css = String::new();
    let href = |stem: &str| format!("fonts/{stem}.otf");
    let mut add = |family: &str, weight: &str, stem: &str, data: Vec<u8>, range: &str| {
        let href = href(stem);
        css.push_str(&format!(
            "@font-face {{\n  font-family: \"{family}\";\n  font-weight: {weight};\n  \
             font-style: normal;\n  src: url(\"{href}\") format(\"opentype\");\n{range}}}\n"
        ));
        resources.push(Resource {
            href,
            media_type: "font/otf",
            data,
        });
    };
    // each face cut and compressed in one job, the faces side by side: the worker that
    // sets the print edition finishes first and then takes a whole face off the worker
    // that drew the cover, where it used to take only a compression once both cuts
    // were done (the article: 13.60 -> 13.35 and 13.84 -> 13.62 ms, 61 interleaved runs)
    let faces: Vec<(Face, &fonts::CharSet)> = usage.faces().collect();
    let subsets = faces
        .par_iter()
        .map(|&(face, chars)| {
            let outlines = &font_set.outlines;
            let data = fonts::subset(face.data(), 0, language, chars.iter(), outlines)?;
            let path = package::zip_path(&href(face.stem()));
            let subset = data.map(|data| {
                let compressed = Packed::new(&path, &data);
                (data, compressed)
            });
            Ok((face, subset))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut packed = Vec::new();
    for (face, subset) in subsets {
        if let Some((data, compressed)) = subset {
            let (family, weight) = family(face);
            add(family, weight, face.stem(), data, "");
            packed.push(compressed);
        }
    }
    // the emphasis dot (`text-emphasis: filled dot` draws U+2022 from the text's first
    // font): the serif's bullet is a speck at the half size marks are drawn in, the
    // sans bold's is a dot of the size printed books use
    if usage.has_emphasis() {
        let dot = [EMPHASIS_DOT];
        let outlines = &font_set.outlines;
        if let Some(data) = fonts::subset(Face::SansBold.data(), 0, language, dot, outlines)? {
            add(
                "Inkstone Marks",
                "100 900",
                "marks",
                data,
                "  unicode-range: U+2022;\n",
            );
        }
    }
    // installed fonts for what the bundled faces lack: one family, each file for the
    // characters it covers (unicode-range); colour bitmap fonts are left to the
    // reader's own emoji font
    if font_set.missing.is_empty() {
        return Ok((resources, packed, css));
    }
    let used = usage.all();
    let mut missing: Vec<char> = font_set
        .missing
        .iter()
        .copied()
        .filter(|&c| used.contains(c))
        .collect();
    for (n, fallback) in font_set.fallbacks.iter().enumerate() {
        if !(fallback.embeddable && fallback.outlines) || missing.is_empty() {
            continue;
        }
        let face = ttf_parser::Face::parse(&fallback.data, fallback.index).ok();
        let covered: Vec<char> = missing
            .iter()
            .copied()
            .filter(|&c| face.as_ref().is_some_and(|f| f.glyph_index(c).is_some()))
            .collect();
        if let Some(data) = fonts::subset(
            &fallback.data,
            fallback.index,
            language,
            covered.iter().copied(),
            &font_set.outlines,
        )? {
            let range: Vec<String> = covered
                .iter()
                .map(|&c| format!("U+{:X}", c as u32))
                .collect();
            let range = format!("  unicode-range: {};\n", range.join(", "));
            add(
                "Inkstone Fallback",
                "normal",
                &format!("fallback-{}", n + 1),
                data,
                &range,
            );
            missing.retain(|c| !covered.contains(c));
        }
    }
    Ok((resources, packed, css))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_used_faces_are_embedded() {
        let mut usage = fonts::Usage::default();
        usage.add_text(Face::SerifRegular, "正文");
        usage.add_text(Face::SansBold, "标题");
        let (resources, packed, css) = web_fonts(&usage, &FontSet::default(), "zh-CN").unwrap();
        let hrefs: Vec<&str> = resources.iter().map(|r| r.href.as_str()).collect();
        assert_eq!(hrefs, ["fonts/serif-regular.otf", "fonts/sans-bold.otf"]);
        let paths: Vec<&str> = packed.iter().map(Packed::path).collect();
        assert_eq!(
            paths,
            ["OEBPS/fonts/serif-regular.otf", "OEBPS/fonts/sans-bold.otf"]
        );
        assert!(
            css.contains("font-family: \"Inkstone Sans\";\n  font-weight: bold;"),
            "{css}"
        );
        assert!(css.contains("url(\"fonts/serif-regular.otf\")"), "{css}");
    }
}
