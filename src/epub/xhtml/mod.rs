//! Document model → XHTML pages: the cover, the title page, the contents (a book of
//! several chapters), one page per chapter. All text goes through one [`Writer`], which
//! records the face each character is set in and where each block stands.

mod render;
mod writer;

use std::fmt::Write as _;

use crate::epub::fonts::Usage;
use crate::fonts::Face;
use crate::model::{plain_text, Book, Metadata, Words};
use crate::script::is_wide;
pub use render::{chapter_page, Links};
pub use writer::{escape, Stop, Writer};

/// File name of the cover page.
pub const COVER_PAGE: &str = "cover.xhtml";
/// File name of the title page.
pub const TITLE_PAGE: &str = "title.xhtml";
/// File name of the contents page.
pub const CONTENTS_PAGE: &str = "contents.xhtml";
/// File name of the stylesheet (epub-builder's fixed name, which its nav links to).
pub const STYLESHEET: &str = "stylesheet.css";

/// One rendered XHTML page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// File name inside the package, e.g. `ch001.xhtml`.
    pub href: String,
    /// The complete XHTML document.
    pub xhtml: String,
    /// Entries this page contributes to the table of contents.
    pub toc: Vec<TocEntry>,
    /// The characters it shows, by face.
    pub usage: Usage,
    /// Where its blocks and their runs of text begin in `xhtml`.
    pub stops: Vec<Stop>,
    /// Where its body's content ends in `xhtml`.
    pub body_end: usize,
}

/// A table-of-contents entry with its sub-entries.
#[derive(Debug, Clone, PartialEq)]
pub struct TocEntry {
    /// Link target, e.g. `ch001.xhtml#id`.
    pub href: String,
    /// Plain-text title.
    pub title: String,
    /// Nested entries (sections under a chapter).
    pub children: Vec<TocEntry>,
}

/// File name of the `index`-th chapter (0-based).
pub fn chapter_href(index: usize) -> String {
    format!("ch{:03}.xhtml", index + 1)
}

/// The cover page: the cover image (`image`, a file in the package, `width` × `height`
/// pixels) in an SVG wrapper that scales it to fit any screen without scrolling.
pub fn cover_page(meta: &Metadata, image: &str, width: u32, height: u32) -> Page {
    let alt = Words::of(&meta.language).cover_text(&meta.title, &meta.authors);
    let mut w = Writer::new();
    let _ = write!(
        w,
        "<section class=\"cover\" epub:type=\"cover\">\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         version=\"1.1\" width=\"100%\" height=\"100%\" viewBox=\"0 0 {width} {height}\" \
         preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"{alt}\">\n\
         <title>{alt}</title>\n\
         <image width=\"{width}\" height=\"{height}\" xlink:href=\"{image}\"/>\n\
         </svg>\n</section>",
        alt = escape(&alt),
        image = escape(image),
    );
    document(meta, &meta.title, "cover", COVER_PAGE.into(), w, Vec::new())
}

/// The title page: title, subtitle, authors, publisher. It is one block, 0.
pub fn title_page(meta: &Metadata) -> Page {
    let mut w = Writer::new();
    w.markup("<section class=\"titlepage\" epub:type=\"titlepage\">\n");
    w.begin_block(0);
    w.markup("<h1 class=\"title\">");
    w.in_face(Face::SansBold, |w| phrased(w, &meta.title));
    w.markup("</h1>\n");
    if let Some(subtitle) = &meta.subtitle {
        w.markup("<p class=\"subtitle\">");
        phrased(&mut w, subtitle);
        w.markup("</p>\n");
    }
    if !meta.authors.is_empty() {
        w.markup("<p class=\"authors\">");
        w.text(&meta.authors.join("　"));
        w.markup("</p>\n");
    }
    if let Some(publisher) = &meta.publisher {
        w.markup("<p class=\"publisher\">");
        w.text(publisher);
        w.markup("</p>\n");
    }
    w.markup("</section>");
    document(
        meta,
        &meta.title,
        "frontmatter",
        TITLE_PAGE.into(),
        w,
        Vec::new(),
    )
}

/// The contents, as the print edition has them: each chapter's title and its sections
/// (level 2), linked. Its heading is block 0, entry `k` block `k`
/// ([`crate::model::Place::Contents`]).
pub fn contents_page(book: &Book, name: &str) -> Page {
    let mut w = Writer::new();
    w.markup("<nav class=\"contents\" role=\"doc-toc\" aria-labelledby=\"contents-title\">\n");
    w.begin_block(0);
    w.markup("<h1 id=\"contents-title\">");
    w.in_face(Face::SansBold, |w| w.text(name));
    w.markup("</h1>\n<ol>\n");
    let mut entry = 0;
    for (index, chapter) in book.chapters.iter().enumerate() {
        let Some(title) = chapter.title() else {
            continue;
        };
        let href = chapter_href(index);
        entry += 1;
        w.markup("<li class=\"chapter\">");
        w.begin_block(entry);
        let _ = write!(w, "<a href=\"{href}#{}\">", escape(&title.id));
        w.in_face(Face::SerifBold, |w| w.text(&plain_text(&title.content)));
        w.markup("</a>");
        let sections: Vec<_> = chapter.headings().filter(|h| h.level == 2).collect();
        if !sections.is_empty() {
            w.markup("\n<ol>\n");
            for section in sections {
                entry += 1;
                w.markup("<li>");
                w.begin_block(entry);
                let _ = write!(w, "<a href=\"{href}#{}\">", escape(&section.id));
                w.text(&plain_text(&section.content));
                w.markup("</a></li>\n");
            }
            w.markup("</ol>\n");
        }
        w.markup("</li>\n");
    }
    w.markup("</ol>\n</nav>");
    document(
        &book.metadata,
        name,
        "frontmatter",
        CONTENTS_PAGE.into(),
        w,
        Vec::new(),
    )
}

/// A display title whose spaces between Chinese phrases are phrase breaks: each phrase
/// is kept whole on a line where possible.
pub fn phrased(w: &mut Writer, text: &str) {
    let phrases: Vec<&str> = text.split(' ').filter(|p| !p.is_empty()).collect();
    let between_chinese = phrases.windows(2).all(|pair| {
        pair[0].chars().last().is_some_and(is_wide) && pair[1].chars().next().is_some_and(is_wide)
    });
    if phrases.len() < 2 || !between_chinese {
        w.text(text);
        return;
    }
    for (i, phrase) in phrases.iter().enumerate() {
        if i > 0 {
            w.text(" ");
        }
        w.markup("<span class=\"phrase\">");
        w.text(phrase);
        w.markup("</span>");
    }
}

/// A complete XHTML page around the body `w` wrote, with the book's language on the
/// root element and the stylesheet linked.
fn document(
    meta: &Metadata,
    title: &str,
    body_type: &str,
    href: String,
    w: Writer,
    toc: Vec<TocEntry>,
) -> Page {
    let lang = escape(&meta.language);
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n\
<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n\
<link rel=\"stylesheet\" type=\"text/css\" href=\"{STYLESHEET}\"/>\n</head>\n\
<body class=\"{body_type}\" epub:type=\"{body_type}\">\n",
        escape(title)
    );
    let shift = head.len();
    let body_end = shift + w.out.len();
    let xhtml = format!("{head}{}\n</body>\n</html>\n", w.out);
    let stops = w
        .stops
        .into_iter()
        .map(|s| Stop {
            byte: s.byte + shift,
            ..s
        })
        .collect();
    Page {
        href,
        xhtml,
        toc,
        usage: w.usage,
        stops,
        body_end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_phrases_become_spans() {
        let mut w = Writer::new();
        phrased(&mut w, "镇江 高新");
        assert_eq!(
            w.out,
            "<span class=\"phrase\">镇江</span> <span class=\"phrase\">高新</span>"
        );
        let mut w = Writer::new();
        phrased(&mut w, "Rust 语言");
        assert_eq!(w.out, "Rust 语言");
    }

    #[test]
    fn title_page_lists_authors_and_records_faces() {
        let page = title_page(&Metadata::sample("甲 乙"));
        assert!(page.xhtml.contains("<p class=\"authors\">黄颢　郭晶</p>"));
        assert_eq!(
            page.usage.chars(Face::SansBold).collect::<String>(),
            " 乙甲"
        );
        assert_eq!(&page.xhtml[page.stops[0].byte..][..16], "<h1 class=\"title");
    }

    #[test]
    fn cover_page_scales_the_image_in_svg() {
        let page = cover_page(&Metadata::sample("书"), "cover.png", 1600, 2560);
        assert!(page.xhtml.contains("viewBox=\"0 0 1600 2560\""));
        assert!(page.xhtml.contains("preserveAspectRatio=\"xMidYMid meet\""));
        assert!(page.xhtml.contains("xlink:href=\"cover.png\""));
        assert!(page.usage.faces().next().is_none());
    }
}
