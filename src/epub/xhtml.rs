//! Document model → XHTML pages (cover, title page, one file per chapter).

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::model::{
    note_marker, plain_text, Block, Book, Chapter, ColumnAlign, Footnote, Inline, LinkTarget, List,
    Metadata, Table,
};
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

/// What chapter pages need to know about the rest of the book.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// The chapter that holds each heading id.
    pub heading_chapter: HashMap<String, usize>,
    /// The package path of each image (by index in [`Book::images`]).
    pub images: Vec<String>,
}

impl Links {
    /// Heading ids and image files of `book`; images are stored as `image_files`.
    pub fn new(book: &Book, image_files: Vec<String>) -> Links {
        let mut heading_chapter = HashMap::new();
        for (i, chapter) in book.chapters.iter().enumerate() {
            for block in &chapter.blocks {
                collect_ids(block, i, &mut heading_chapter);
            }
        }
        Links {
            heading_chapter,
            images: image_files,
        }
    }
}

fn collect_ids(block: &Block, chapter: usize, out: &mut HashMap<String, usize>) {
    match block {
        Block::Heading(h) => {
            out.insert(h.id.clone(), chapter);
        }
        Block::Quote(inner) => inner.iter().for_each(|b| collect_ids(b, chapter, out)),
        Block::List(list) => list
            .items
            .iter()
            .flat_map(|i| &i.blocks)
            .for_each(|b| collect_ids(b, chapter, out)),
        _ => {}
    }
}

/// One chapter as a page. Its level-1 heading (or, lacking one, the book title for a
/// one-chapter book) titles the table-of-contents entry; deeper headings nest under it.
/// Footnotes follow the text as `epub:type="footnote"` asides (pop-up notes).
pub fn chapter_page(book: &Book, index: usize, links: &Links) -> Page {
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
    let mut renderer = Renderer {
        links,
        chapter: index,
        cited: HashMap::new(),
        out: body,
    };
    for block in &chapter.blocks {
        renderer.block(block);
    }
    renderer.footnotes(&chapter.footnotes, &book.metadata.language);
    let mut body = renderer.out;
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

/// Writes blocks and inlines of one chapter as XHTML.
struct Renderer<'a> {
    links: &'a Links,
    chapter: usize,
    /// How often each footnote has been cited so far (for unique reference ids).
    cited: HashMap<usize, usize>,
    out: String,
}

impl Renderer<'_> {
    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading(h) => {
                let _ = write!(self.out, "<h{} id=\"{}\">", h.level, escape(&h.id));
                match h.content.as_slice() {
                    [Inline::Text(text)] => self.out.push_str(&phrased(text)),
                    content => self.inlines(content),
                }
                let _ = writeln!(self.out, "</h{}>", h.level);
            }
            Block::Paragraph(p) => self.paragraph(&p.content, None),
            Block::Byline(p) => self.paragraph(&p.content, Some("byline")),
            Block::Quote(inner) => {
                self.out.push_str("<blockquote>\n");
                inner.iter().for_each(|b| self.block(b));
                self.out.push_str("</blockquote>\n");
            }
            Block::List(list) => self.list(list),
            Block::Code(code) => {
                let class = code
                    .language
                    .as_ref()
                    .map(|l| format!(" class=\"language-{}\"", escape(l)))
                    .unwrap_or_default();
                let _ = writeln!(
                    self.out,
                    "<pre><code{class}>{}</code></pre>",
                    escape(&code.text)
                );
            }
            Block::Table(table) => self.table(table),
            Block::Figure(figure) => {
                let src = self
                    .links
                    .images
                    .get(figure.image)
                    .map(String::as_str)
                    .unwrap_or_default();
                let alt = if figure.alt.is_empty() {
                    figure.caption.as_deref().unwrap_or_default()
                } else {
                    &figure.alt
                };
                let _ = write!(
                    self.out,
                    "<figure>\n<img src=\"{}\" alt=\"{}\"/>\n",
                    escape(src),
                    escape(alt)
                );
                if let Some(caption) = &figure.caption {
                    let _ = writeln!(self.out, "<figcaption>{}</figcaption>", escape(caption));
                }
                self.out.push_str("</figure>\n");
            }
            Block::Rule => self.out.push_str("<hr/>\n"),
        }
    }

    /// Blocks led by `prefix` (markup: a task box, a backlink), which goes at the start
    /// of the first paragraph, on its line.
    fn blocks_after(&mut self, prefix: &str, blocks: &[Block]) {
        match blocks.split_first() {
            Some((Block::Paragraph(p), rest)) => {
                self.out.push_str("<p>");
                self.out.push_str(prefix);
                self.inlines(&p.content);
                self.out.push_str("</p>\n");
                rest.iter().for_each(|b| self.block(b));
            }
            _ => {
                let _ = writeln!(self.out, "<p>{prefix}</p>");
                blocks.iter().for_each(|b| self.block(b));
            }
        }
    }

    fn paragraph(&mut self, content: &[Inline], class: Option<&str>) {
        match class {
            Some(class) => {
                let _ = write!(self.out, "<p class=\"{class}\">");
            }
            None => self.out.push_str("<p>"),
        }
        self.inlines(content);
        self.out.push_str("</p>\n");
    }

    fn list(&mut self, list: &List) {
        let tag = match list.start {
            Some(1) => {
                self.out.push_str("<ol>\n");
                "ol"
            }
            Some(start) => {
                let _ = writeln!(self.out, "<ol start=\"{start}\">");
                "ol"
            }
            None => {
                self.out.push_str("<ul>\n");
                "ul"
            }
        };
        for item in &list.items {
            let Some(done) = item.checked else {
                self.out.push_str("<li>");
                item.blocks.iter().for_each(|b| self.block(b));
                self.out.push_str("</li>\n");
                continue;
            };
            let (mark, label) = if done {
                ("▣", "已完成")
            } else {
                ("□", "未完成")
            };
            let box_ =
                format!("<span class=\"box\" role=\"img\" aria-label=\"{label}\">{mark}</span> ");
            self.out.push_str("<li class=\"task\">");
            self.blocks_after(&box_, &item.blocks);
            self.out.push_str("</li>\n");
        }
        let _ = writeln!(self.out, "</{tag}>");
    }

    fn table(&mut self, table: &Table) {
        let class = |i: usize| match table.align.get(i) {
            Some(ColumnAlign::Left) => " class=\"left\"",
            Some(ColumnAlign::Center) => " class=\"center\"",
            Some(ColumnAlign::Right) => " class=\"right\"",
            _ => "",
        };
        self.out.push_str("<table>\n<thead>\n<tr>");
        for (i, cell) in table.header.iter().enumerate() {
            let _ = write!(self.out, "<th scope=\"col\"{}>", class(i));
            self.inlines(cell);
            self.out.push_str("</th>");
        }
        self.out.push_str("</tr>\n</thead>\n<tbody>\n");
        for row in &table.rows {
            self.out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let _ = write!(self.out, "<td{}>", class(i));
                self.inlines(cell);
                self.out.push_str("</td>");
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody>\n</table>\n");
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline, false);
        }
    }

    /// One inline; `emphasis` is set inside `*…*`, where Latin runs are marked so the
    /// stylesheet can set them in italics rather than with emphasis dots.
    fn inline(&mut self, inline: &Inline, emphasis: bool) {
        let wrap = |r: &mut Self, open: &str, close: &str, inner: &[Inline]| {
            r.out.push_str(open);
            for i in inner {
                r.inline(i, emphasis);
            }
            r.out.push_str(close);
        };
        match inline {
            Inline::Text(t) if emphasis => self.out.push_str(&latin_spans(t)),
            Inline::Text(t) => self.out.push_str(&escape(t)),
            Inline::Emphasis(inner) => {
                self.out.push_str("<em>");
                for i in inner {
                    self.inline(i, true);
                }
                self.out.push_str("</em>");
            }
            Inline::Strong(inner) => wrap(self, "<strong>", "</strong>", inner),
            Inline::Strikethrough(inner) => wrap(self, "<del>", "</del>", inner),
            Inline::Superscript(inner) => wrap(self, "<sup>", "</sup>", inner),
            Inline::Subscript(inner) => wrap(self, "<sub>", "</sub>", inner),
            Inline::Code(code) => {
                let _ = write!(self.out, "<code>{}</code>", escape(code));
            }
            Inline::Link { target, content } => {
                let href = match target {
                    LinkTarget::External(url) => url.clone(),
                    LinkTarget::Heading(id) => match self.links.heading_chapter.get(id) {
                        Some(&c) if c != self.chapter => format!("{}#{id}", chapter_href(c)),
                        _ => format!("#{id}"),
                    },
                    LinkTarget::Chapter(c) => chapter_href(*c),
                };
                let open = format!("<a href=\"{}\">", escape(&href));
                wrap(self, &open, "</a>", content);
            }
            Inline::NoteRef(n) => {
                let count = self.cited.entry(*n).or_insert(0);
                *count += 1;
                let id = note_ref_id(self.chapter, *n, *count);
                let _ = write!(
                    self.out,
                    "<a class=\"noteref\" epub:type=\"noteref\" role=\"doc-noteref\" id=\"{id}\" href=\"#{}\"><sup>{}</sup></a>",
                    note_id(self.chapter, *n),
                    note_marker(*n)
                );
            }
            Inline::Ruby { base, annotation } => {
                let _ = write!(
                    self.out,
                    "<ruby>{}<rp>(</rp><rt>{}</rt><rp>)</rp></ruby>",
                    escape(base),
                    escape(annotation)
                );
            }
            Inline::Lang { lang, content } => {
                let lang = escape(lang);
                let open = format!("<span lang=\"{lang}\" xml:lang=\"{lang}\">");
                wrap(self, &open, "</span>", content);
            }
            // a line after a hard break starts where the paragraph's first line starts
            // (verse): the stylesheet gives the spacer the paragraph's indent
            Inline::LineBreak => self.out.push_str("<br/><span class=\"indent\"></span>"),
        }
    }

    /// The chapter's footnotes, each an aside that reading systems show as a pop-up,
    /// with a link back to where it was cited.
    fn footnotes(&mut self, notes: &[Footnote], language: &str) {
        if notes.is_empty() {
            return;
        }
        let label = if language.starts_with("zh") {
            "注释"
        } else {
            "Notes"
        };
        let _ = writeln!(
            self.out,
            "<section class=\"footnotes\" aria-label=\"{label}\">"
        );
        for note in notes {
            let _ = writeln!(
                self.out,
                "<aside class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\" id=\"{}\">",
                note_id(self.chapter, note.number)
            );
            let back = format!(
                "<a href=\"#{}\" role=\"doc-backlink\">{}</a> ",
                note_ref_id(self.chapter, note.number, 1),
                note_marker(note.number)
            );
            self.blocks_after(&back, &note.blocks);
            self.out.push_str("</aside>\n");
        }
        self.out.push_str("</section>\n");
    }
}

fn note_id(chapter: usize, number: usize) -> String {
    format!("fn-{}-{number}", chapter + 1)
}

fn note_ref_id(chapter: usize, number: usize, occurrence: usize) -> String {
    match occurrence {
        1 => format!("fnref-{}-{number}", chapter + 1),
        k => format!("fnref-{}-{number}-{k}", chapter + 1),
    }
}

/// Emphasised text: Latin runs wrapped in `<span class="latin">` (set in italics),
/// the rest left to the emphasis dots.
fn latin_spans(text: &str) -> String {
    let mut out = String::new();
    let mut latin = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric()
            || (!latin.is_empty() && c.is_ascii() && !c.is_ascii_whitespace())
        {
            latin.push(c);
            continue;
        }
        if !latin.is_empty() {
            let _ = write!(out, "<span class=\"latin\">{}</span>", escape(&latin));
            latin.clear();
        }
        out.push_str(&escape(&c.to_string()));
    }
    if !latin.is_empty() {
        let _ = write!(out, "<span class=\"latin\">{}</span>", escape(&latin));
    }
    out
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
    use crate::model::{Heading, Paragraph};

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
                    Block::Paragraph(Paragraph {
                        content: vec![
                            Inline::Emphasis(vec![Inline::Text("重点Rust".into())]),
                            Inline::NoteRef(1),
                            Inline::Link {
                                target: LinkTarget::Heading("s2".into()),
                                content: vec![Inline::Text("见节二".into())],
                            },
                        ],
                        line: 3,
                    }),
                ],
                footnotes: vec![Footnote {
                    number: 1,
                    blocks: vec![Block::Paragraph(Paragraph {
                        content: vec![Inline::Text("注文".into())],
                        line: 9,
                    })],
                }],
            }],
            dir: "book".into(),
            pdf: Default::default(),
            print: None,
            images: vec![],
        };
        let links = Links::new(&book, vec![]);
        let page = chapter_page(&book, 0, &links);
        assert!(
            page.xhtml
                .contains("<em>重点<span class=\"latin\">Rust</span></em>"),
            "{}",
            page.xhtml
        );
        assert!(page.xhtml.contains("epub:type=\"noteref\" role=\"doc-noteref\" id=\"fnref-1-1\" href=\"#fn-1-1\"><sup>①</sup></a>"));
        assert!(page
            .xhtml
            .contains("epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-1-1\">"));
        assert!(page
            .xhtml
            .contains("<a href=\"#fnref-1-1\" role=\"doc-backlink\">①</a> 注文"));
        assert!(page.xhtml.contains("<a href=\"#s2\">见节二</a>"));
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
