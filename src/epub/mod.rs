//! The `epub` stage: document model → EPUB 3 (XHTML pages, web-font subsets, package).

mod fonts;
mod package;
mod xhtml;

use std::collections::BTreeSet;

use crate::cover::CoverImage;
use crate::error::Result;
use crate::fonts::{Face, FontSet};
use crate::model::Book;
use package::{Contents, Resource};
use xhtml::TocEntry;

/// Writes the book as an EPUB 3 file (returned as bytes) with the prepared `cover`.
pub fn write(book: &Book, font_set: &FontSet, cover: &CoverImage) -> Result<Vec<u8>> {
    let meta = &book.metadata;
    let mut pages = vec![
        xhtml::cover_page(meta, &package::cover_file(cover)),
        xhtml::title_page(meta),
    ];
    pages.extend((0..book.chapters.len()).map(|i| xhtml::chapter_page(book, i)));

    let mut usage = fonts::Usage::default();
    for page in &pages {
        usage.add_xhtml(&page.xhtml);
    }
    // the nav document epub-builder writes: its heading, and the entries in body text
    usage.add_text(Face::SansBold, package::toc_name(&meta.language));
    for entry in pages.iter().flat_map(|p| &p.toc) {
        add_toc_text(entry, &mut usage);
    }

    let (resources, font_faces) = web_fonts(&usage, font_set)?;
    let stylesheet = format!("{font_faces}\n{}", include_str!("style.css"));
    let archive = package::assemble(Contents {
        meta,
        pages: &pages,
        stylesheet: &stylesheet,
        cover,
        resources: &resources,
    })?;
    archive.to_zip(meta.modified)
}

fn add_toc_text(entry: &TocEntry, usage: &mut fonts::Usage) {
    usage.add_text(Face::SerifRegular, &entry.title);
    for child in &entry.children {
        add_toc_text(child, usage);
    }
}

/// CSS family names of the bundled faces.
fn family(face: Face) -> (&'static str, &'static str) {
    match face {
        Face::SerifRegular => ("Inkstone Serif", "normal"),
        Face::SerifBold => ("Inkstone Serif", "bold"),
        Face::SansBold => ("Inkstone Sans", "bold"),
    }
}

/// Subsets of each used face, the fallback font's subset for characters no bundled face
/// has, and the `@font-face` rules that load them.
fn web_fonts(usage: &fonts::Usage, font_set: &FontSet) -> Result<(Vec<Resource>, String)> {
    let mut resources = Vec::new();
    let mut css = String::new();
    let mut add = |family: &str, weight: &str, stem: &str, data: Vec<u8>| {
        let href = format!("fonts/{stem}.otf");
        css.push_str(&format!(
            "@font-face {{\n  font-family: \"{family}\";\n  font-weight: {weight};\n  \
             font-style: normal;\n  src: url(\"{href}\") format(\"opentype\");\n}}\n"
        ));
        resources.push(Resource {
            href,
            media_type: "font/otf",
            data,
        });
    };
    for (&face, chars) in &usage.by_face {
        if let Some(data) = fonts::subset(face.data(), 0, chars)? {
            let (family, weight) = family(face);
            add(family, weight, face.stem(), data);
        }
    }
    if let Some(fallback) = font_set.fallback.as_ref().filter(|f| f.embeddable) {
        let used: BTreeSet<char> = usage.by_face.values().flatten().copied().collect();
        let missing: BTreeSet<char> = font_set.missing.intersection(&used).copied().collect();
        if let Some(data) = fonts::subset(&fallback.data, fallback.index, &missing)? {
            add("Inkstone Fallback", "normal", "fallback", data);
        }
    }
    Ok((resources, css))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_used_faces_are_embedded() {
        let mut usage = fonts::Usage::default();
        usage.add_text(Face::SerifRegular, "正文");
        usage.add_text(Face::SansBold, "标题");
        let (resources, css) = web_fonts(&usage, &FontSet::default()).unwrap();
        let hrefs: Vec<&str> = resources.iter().map(|r| r.href.as_str()).collect();
        assert_eq!(hrefs, ["fonts/serif-regular.otf", "fonts/sans-bold.otf"]);
        assert!(
            css.contains("font-family: \"Inkstone Sans\";\n  font-weight: bold;"),
            "{css}"
        );
        assert!(css.contains("url(\"fonts/serif-regular.otf\")"), "{css}");
    }
}
