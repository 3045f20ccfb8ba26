//! Document model → XHTML pages (cover, title page, one file per chapter).

use std::fmt::Write as _;

use crate::model::{plain_text, Block, Book, Chapter, Heading, Inline, Metadata};
use crate::script::is_wide;

/// File name of the cover page.
pub const COVER_PAGE: &str = "cover.xhtml";
/// File name of the title page.
pub const TITLE_PAGE: &str = "title.xhtml";
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

/// The cover page, showing the cover image `image` (a file name in the package).
pub fn cover_page(meta: &Metadata, image: &str) -> Page {
    let mut alt = format!("封面：{}", meta.title);
    if !meta.authors.is_empty() {
        let _ = write!(alt, "，{}", meta.authors.join("、"));
    }
    let body = format!(
        "<section class=\"cover\" epub:type=\"cover\">\n<img role=\"doc-cover\" src=\"{}\" alt=\"{}\"/>\n</section>",
        escape(image),
        escape(&alt)
    );
    Page {
        href: COVER_PAGE.into(),
        xhtml: document(meta, &meta.title, "cover", &body),
        toc: Vec::new(),
    }
}

/// The title page: title, subtitle, authors, publisher.
pub fn title_page(meta: &Metadata) -> Page {
    let mut body = String::from("<section class=\"titlepage\" epub:type=\"titlepage\">\n");
    let _ = writeln!(body, "<h1 class=\"title\">{}</h1>", phrased(&meta.title));
    if let Some(subtitle) = &meta.subtitle {
        let _ = writeln!(body, "<p class=\"subtitle\">{}</p>", phrased(subtitle));
    }
    if !meta.authors.is_empty() {
        let names: Vec<String> = meta.authors.iter().map(|a| escape(a)).collect();
        let _ = writeln!(body, "<p class=\"authors\">{}</p>", names.join("　"));
    }
    if let Some(publisher) = &meta.publisher {
        let _ = writeln!(body, "<p class=\"publisher\">{}</p>", escape(publisher));
    }
    body.push_str("</section>");
    Page {
        href: TITLE_PAGE.into(),
        xhtml: document(meta, &meta.title, "frontmatter", &body),
        toc: Vec::new(),
    }
}

/// One chapter as a page. Its level-1 heading (or, lacking one, the book title for a
/// one-chapter book) titles the table-of-contents entry; deeper headings nest under it.
pub fn chapter_page(book: &Book, index: usize) -> Page {
    let chapter = &book.chapters[index];
    let href = chapter_href(index);
    let title = chapter_title(book, chapter);
    let mut body = String::new();
    let labelled = chapter
        .title()
        .map(|h| format!(" aria-labelledby=\"{}\"", escape(&h.id)))
        .unwrap_or_else(|| format!(" aria-label=\"{}\"", escape(&title)));
    let _ = writeln!(
        body,
        "<section class=\"chapter\" epub:type=\"chapter\" role=\"doc-chapter\"{labelled}>"
    );
    for block in &chapter.blocks {
        render_block(block, &mut body);
    }
    body.push_str("</section>");
    let toc = chapter_toc(&href, &title, chapter);
    Page {
        xhtml: document(&book.metadata, &title, "bodymatter", &body),
        href,
        toc,
    }
}

fn chapter_title(book: &Book, chapter: &Chapter) -> String {
    match chapter.title() {
        Some(h) => plain_text(&h.content),
        None if book.chapters.len() == 1 => book.metadata.title.clone(),
        None => chapter
            .source
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// The chapter's entry, with its headings nested by level beneath it.
fn chapter_toc(href: &str, title: &str, chapter: &Chapter) -> Vec<TocEntry> {
    let anchor = chapter
        .title()
        .map_or_else(|| href.to_string(), |h| format!("{href}#{}", h.id));
    let mut root = TocEntry {
        href: anchor,
        title: title.to_string(),
        children: Vec::new(),
    };
    let skip = usize::from(chapter.title().is_some());
    let mut stack: Vec<(u8, TocEntry)> = Vec::new();
    for heading in chapter.headings().skip(skip) {
        let entry = TocEntry {
            href: format!("{href}#{}", heading.id),
            title: plain_text(&heading.content),
            children: Vec::new(),
        };
        while stack
            .last()
            .is_some_and(|(level, _)| *level >= heading.level)
        {
            pop_into(&mut stack, &mut root);
        }
        stack.push((heading.level, entry));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut root);
    }
    vec![root]
}

fn pop_into(stack: &mut Vec<(u8, TocEntry)>, root: &mut TocEntry) {
    if let Some((_, entry)) = stack.pop() {
        match stack.last_mut() {
            Some((_, parent)) => parent.children.push(entry),
            None => root.children.push(entry),
        }
    }
}

fn render_block(block: &Block, out: &mut String) {
    match block {
        Block::Heading(h) => render_heading(h, out),
        Block::Paragraph(p) => {
            out.push_str("<p>");
            render_inlines(&p.content, out);
            out.push_str("</p>\n");
        }
        Block::Byline(p) => {
            out.push_str("<p class=\"byline\">");
            render_inlines(&p.content, out);
            out.push_str("</p>\n");
        }
    }
}

fn render_heading(h: &Heading, out: &mut String) {
    let _ = write!(out, "<h{} id=\"{}\">", h.level, escape(&h.id));
    match h.content.as_slice() {
        [Inline::Text(text)] => out.push_str(&phrased(text)),
        content => render_inlines(content, out),
    }
    let _ = writeln!(out, "</h{}>", h.level);
}

fn render_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Emphasis(inner) => {
                out.push_str("<em>");
                render_inlines(inner, out);
                out.push_str("</em>");
            }
            Inline::Strong(inner) => {
                out.push_str("<strong>");
                render_inlines(inner, out);
                out.push_str("</strong>");
            }
            Inline::LineBreak => out.push_str("<br/>"),
        }
    }
}

/// A display title whose spaces between Chinese phrases are phrase breaks: each phrase
/// is kept whole on a line where possible.
fn phrased(text: &str) -> String {
    let phrases: Vec<&str> = text.split(' ').filter(|p| !p.is_empty()).collect();
    let between_chinese = phrases.windows(2).all(|w| {
        w[0].chars().last().is_some_and(is_wide) && w[1].chars().next().is_some_and(is_wide)
    });
    if phrases.len() < 2 || !between_chinese {
        return escape(text);
    }
    phrases
        .iter()
        .map(|p| format!("<span class=\"phrase\">{}</span>", escape(p)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A complete XHTML document with the book's language on the root element.
fn document(meta: &Metadata, title: &str, body_type: &str, body: &str) -> String {
    let lang = escape(&meta.language);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n\
<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n\
<link rel=\"stylesheet\" type=\"text/css\" href=\"{STYLESHEET}\"/>\n</head>\n\
<body epub:type=\"{body_type}\">\n{body}\n</body>\n</html>\n",
        escape(title)
    )
}

/// Escapes text for XHTML content and attribute values, dropping characters XML 1.0
/// cannot hold (C0 controls other than tab and newline, lone surrogates, U+FFFE/F).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Paragraph;

    fn meta() -> Metadata {
        Metadata::sample("甲 乙")
    }

    fn heading(level: u8, id: &str, text: &str) -> Block {
        Block::Heading(Heading {
            level,
            id: id.into(),
            content: vec![Inline::Text(text.into())],
            line: 1,
        })
    }

    #[test]
    fn escaping_is_xml_safe() {
        assert_eq!(escape("a<b>&\"c\u{1}\u{b}"), "a&lt;b&gt;&amp;&quot;c");
    }

    #[test]
    fn title_phrases_become_spans() {
        assert_eq!(
            phrased("镇江 高新"),
            "<span class=\"phrase\">镇江</span> <span class=\"phrase\">高新</span>"
        );
        assert_eq!(phrased("Rust 语言"), "Rust 语言");
    }

    #[test]
    fn chapter_page_has_lang_ids_and_nested_toc() {
        let book = Book {
            metadata: meta(),
            cover: None,
            chapters: vec![Chapter {
                source: "a.md".into(),
                blocks: vec![
                    heading(1, "t", "题"),
                    Block::Paragraph(Paragraph {
                        content: vec![Inline::Text("文<".into())],
                        line: 2,
                    }),
                    heading(2, "s1", "节一"),
                    heading(3, "s11", "小节"),
                    heading(2, "s2", "节二"),
                ],
            }],
            dir: "book".into(),
            pdf: Default::default(),
        };
        let page = chapter_page(&book, 0);
        assert!(page.xhtml.contains("lang=\"zh-CN\" xml:lang=\"zh-CN\""));
        assert!(page.xhtml.contains("<h2 id=\"s1\">节一</h2>"));
        assert!(page.xhtml.contains("<p>文&lt;</p>"));
        let toc = &page.toc[0];
        assert_eq!(toc.href, "ch001.xhtml#t");
        assert_eq!(toc.children.len(), 2);
        assert_eq!(toc.children[0].children[0].href, "ch001.xhtml#s11");
    }

    #[test]
    fn title_page_lists_authors() {
        let page = title_page(&meta());
        assert!(page.xhtml.contains("<p class=\"authors\">黄颢　郭晶</p>"));
    }
}
