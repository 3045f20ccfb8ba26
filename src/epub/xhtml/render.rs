//! A chapter as an XHTML page: its blocks and inlines, its footnotes as pop-up asides,
//! its entry in the table of contents.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::writer::{escape, Writer};
use super::{chapter_href, document, phrased, Page, TocEntry};
use crate::fonts::Face;
use crate::model::{
    note_marker, plain_text, Block, Book, Chapter, ColumnAlign, Footnote, Inline, List, Table,
    Words,
};
use crate::script::is_wide;

mod inline;

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
                block.each_block(&mut |b| {
                    if let Block::Heading(h) = b {
                        heading_chapter.insert(h.id.clone(), i);
                    }
                });
            }
        }
        Links {
            heading_chapter,
            images: image_files,
        }
    }
}

/// One chapter as a page. Its level-1 heading (or, lacking one, the book title for a
/// one-chapter book) titles the table-of-contents entry; deeper headings nest under it.
/// Footnotes follow the text as `epub:type="footnote"` asides (pop-up notes). Blocks
/// are numbered as [`crate::model::Place::Text`] says.
pub fn chapter_page(book: &Book, index: usize, links: &Links) -> Page {
    let chapter = &book.chapters[index];
    let href = chapter_href(index);
    let title = chapter_title(book, chapter);
    let labelled = chapter
        .title()
        .map(|h| format!(" aria-labelledby=\"{}\"", escape(&h.id)))
        .unwrap_or_else(|| format!(" aria-label=\"{}\"", escape(&title)));
    let mut renderer = Renderer {
        links,
        chapter: index,
        cited: HashMap::new(),
        next_block: 0,
        w: Writer::new(),
    };
    let _ = writeln!(
        renderer.w,
        "<section class=\"chapter\" epub:type=\"chapter\" role=\"doc-chapter\"{labelled}>"
    );
    for block in &chapter.blocks {
        renderer.block(block);
    }
    renderer.footnotes(&chapter.footnotes, &book.metadata.language);
    renderer.w.markup("</section>");
    let toc = chapter_toc(&href, &title, chapter);
    document(&book.metadata, &title, "bodymatter", href, renderer.w, toc)
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

/// The widest a table cell's text may be, in half-em units (a Chinese character is 2),
/// and still be kept on one line: short labels are not broken, long cells wrap.
const SHORT_CELL: usize = 12;

/// Writes blocks and inlines of one chapter as XHTML.
struct Renderer<'a> {
    links: &'a Links,
    chapter: usize,
    /// How often each footnote has been cited so far (for unique reference ids).
    cited: HashMap<usize, usize>,
    /// The number the next block gets.
    next_block: usize,
    w: Writer,
}

impl Renderer<'_> {
    /// The next block begins here.
    fn begin_block(&mut self) {
        self.w.begin_block(self.next_block);
        self.next_block += 1;
    }

    fn block(&mut self, block: &Block) {
        self.begin_block();
        match block {
            Block::Heading(h) => {
                let _ = write!(self.w, "<h{} id=\"{}\">", h.level, escape(&h.id));
                self.in_face(Face::SansBold, |r| match h.content.as_slice() {
                    [Inline::Text(text)] => phrased(&mut r.w, text),
                    content => r.inlines(content),
                });
                let _ = writeln!(self.w, "</h{}>", h.level);
            }
            Block::Paragraph(p) => self.paragraph(&p.content, None),
            Block::Byline(p) => self.paragraph(&p.content, Some("byline")),
            Block::Quote(inner) => {
                self.w.markup("<blockquote>\n");
                inner.iter().for_each(|b| self.block(b));
                self.w.markup("</blockquote>\n");
            }
            Block::List(list) => self.list(list),
            Block::Code(code) => {
                let class = code
                    .language
                    .as_ref()
                    .map(|l| format!(" class=\"language-{}\"", escape(l)))
                    .unwrap_or_default();
                let _ = write!(self.w, "<pre><code{class}>");
                self.w.in_face(Face::Mono, |w| w.text(&code.text));
                self.w.markup("</code></pre>\n");
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
                    self.w,
                    "<figure>\n<img src=\"{}\" alt=\"{}\"/>\n",
                    escape(src),
                    escape(alt)
                );
                if let Some(caption) = &figure.caption {
                    self.w.markup("<figcaption>");
                    self.w.text(caption);
                    self.w.markup("</figcaption>\n");
                }
                self.w.markup("</figure>\n");
            }
            Block::Rule => self.w.markup("<hr/>\n"),
        }
    }

    /// Blocks led by `prefix` (a task box, a backlink), which goes at the start of the
    /// first paragraph, on its line.
    fn blocks_after(&mut self, prefix: impl Fn(&mut Writer), blocks: &[Block]) {
        match blocks.split_first() {
            Some((Block::Paragraph(p), rest)) => {
                self.begin_block();
                self.w.markup("<p>");
                prefix(&mut self.w);
                self.inlines(&p.content);
                self.w.markup("</p>\n");
                rest.iter().for_each(|b| self.block(b));
            }
            _ => {
                self.w.markup("<p>");
                prefix(&mut self.w);
                self.w.markup("</p>\n");
                blocks.iter().for_each(|b| self.block(b));
            }
        }
    }

    fn paragraph(&mut self, content: &[Inline], class: Option<&str>) {
        // lines broken by hand (verse): a line wrapped inside one is set further in
        let class = class.or(has_line_break(content).then_some("verse"));
        match class {
            Some(class) => {
                let _ = write!(self.w, "<p class=\"{class}\">");
            }
            None => self.w.markup("<p>"),
        }
        self.inlines(content);
        self.w.markup("</p>\n");
    }

    fn list(&mut self, list: &List) {
        let tag = match list.start {
            Some(1) => {
                self.w.markup("<ol>\n");
                "ol"
            }
            Some(start) => {
                let _ = writeln!(self.w, "<ol start=\"{start}\">");
                "ol"
            }
            None => {
                self.w.markup("<ul>\n");
                "ul"
            }
        };
        for item in &list.items {
            let Some(done) = item.checked else {
                self.w.markup("<li>");
                item.blocks.iter().for_each(|b| self.block(b));
                self.w.markup("</li>\n");
                continue;
            };
            let (mark, label) = if done {
                ("▣", "已完成")
            } else {
                ("□", "未完成")
            };
            self.w.markup("<li class=\"task\">");
            let task_box = |w: &mut Writer| {
                let _ = write!(
                    w,
                    "<span class=\"box\" role=\"img\" aria-label=\"{label}\">"
                );
                w.shown(mark);
                w.markup("</span> ");
            };
            self.blocks_after(task_box, &item.blocks);
            self.w.markup("</li>\n");
        }
        let _ = writeln!(self.w, "</{tag}>");
    }

    fn table(&mut self, table: &Table) {
        let class = |i: usize, cell: &[Inline]| {
            let align = match table.align.get(i) {
                Some(ColumnAlign::Left) => Some("left"),
                Some(ColumnAlign::Center) => Some("center"),
                Some(ColumnAlign::Right) => Some("right"),
                _ => None,
            };
            let short = plain_text(cell)
                .chars()
                .map(|c| if is_wide(c) { 2 } else { 1 })
                .sum::<usize>()
                <= SHORT_CELL;
            let classes: Vec<&str> = align.into_iter().chain(short.then_some("short")).collect();
            if classes.is_empty() {
                String::new()
            } else {
                format!(" class=\"{}\"", classes.join(" "))
            }
        };
        // a table wider than the screen scrolls sideways in its box; the page stays put
        self.w
            .markup("<div class=\"table\" tabindex=\"0\">\n<table>\n<thead>\n<tr>");
        for (i, cell) in table.header.iter().enumerate() {
            let _ = write!(self.w, "<th scope=\"col\"{}>", class(i, cell));
            // the stylesheet sets header cells in bold
            let bold = bold(self.w.face());
            self.in_face(bold, |r| r.inlines(cell));
            self.w.markup("</th>");
        }
        self.w.markup("</tr>\n</thead>\n<tbody>\n");
        for row in &table.rows {
            self.w.markup("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let _ = write!(self.w, "<td{}>", class(i, cell));
                self.inlines(cell);
                self.w.markup("</td>");
            }
            self.w.markup("</tr>\n");
        }
        self.w.markup("</tbody>\n</table>\n</div>\n");
    }

    /// The chapter's footnotes, each an aside that reading systems show as a pop-up,
    /// with a link back to where it was cited.
    fn footnotes(&mut self, notes: &[Footnote], language: &str) {
        if notes.is_empty() {
            return;
        }
        let label = Words::of(language).notes();
        let _ = writeln!(
            self.w,
            "<section class=\"footnotes\" aria-label=\"{label}\">"
        );
        for note in notes {
            let _ = writeln!(
                self.w,
                "<aside class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\" id=\"{}\">",
                note_id(self.chapter, note.number)
            );
            let back_id = note_ref_id(self.chapter, note.number, 1);
            let marker = note_marker(note.number);
            let back = |w: &mut Writer| {
                let _ = write!(w, "<a href=\"#{back_id}\" role=\"doc-backlink\">");
                w.shown(&marker);
                w.markup("</a> ");
            };
            self.blocks_after(back, &note.blocks);
            self.w.markup("</aside>\n");
        }
        self.w.markup("</section>\n");
    }
}

/// The face `strong` (or a header cell) sets text in, inside text set in `face`.
fn bold(face: Face) -> Face {
    match face {
        Face::SerifRegular => Face::SerifBold,
        other => other,
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

/// Whether `content` holds a hard line break, at any depth.
fn has_line_break(content: &[Inline]) -> bool {
    content
        .iter()
        .any(|i| matches!(i, Inline::LineBreak) || has_line_break(i.children()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Heading, LinkTarget, Metadata, Paragraph};

    fn heading(level: u8, id: &str, text: &str) -> Block {
        Block::Heading(Heading {
            level,
            id: id.into(),
            content: vec![Inline::Text(text.into())],
            line: 1,
        })
    }

    fn para(content: Vec<Inline>) -> Block {
        Block::Paragraph(Paragraph { content, line: 2 })
    }

    fn book(blocks: Vec<Block>, footnotes: Vec<Footnote>) -> Book {
        Book {
            metadata: Metadata::sample("甲 乙"),
            chapters: vec![Chapter {
                source: "a.md".into(),
                blocks,
                footnotes,
            }],
            dir: "book".into(),
            pdf: Default::default(),
            print: None,
            images: vec![],
        }
    }

    #[test]
    fn chapter_page_has_lang_ids_and_nested_toc() {
        let book = book(
            vec![
                heading(1, "t", "题"),
                para(vec![Inline::Text("文<".into())]),
                heading(2, "s1", "节一"),
                heading(3, "s11", "小节"),
                heading(2, "s2", "节二"),
                para(vec![
                    Inline::Emphasis(vec![Inline::Text("重点Rust".into())]),
                    Inline::NoteRef(1),
                    Inline::Link {
                        target: LinkTarget::Heading("s2".into()),
                        content: vec![Inline::Text("见节二".into())],
                    },
                ]),
            ],
            vec![Footnote {
                number: 1,
                blocks: vec![para(vec![Inline::Text("注文".into())])],
            }],
        );
        let links = Links::new(&book, vec![]);
        let page = chapter_page(&book, 0, &links);
        let x = &page.xhtml;
        assert!(
            x.contains("<em>重点<span class=\"latin\">Rust</span></em>"),
            "{x}"
        );
        assert!(x.contains("epub:type=\"noteref\" role=\"doc-noteref\" id=\"fnref-1-1\" href=\"#fn-1-1\"><sup>①</sup></a>"));
        assert!(x.contains("epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-1-1\">"));
        assert!(x.contains("<a href=\"#fnref-1-1\" role=\"doc-backlink\">①</a> 注文"));
        assert!(x.contains("<a href=\"#s2\">见节二</a>"));
        assert!(x.contains("lang=\"zh-CN\" xml:lang=\"zh-CN\""));
        assert!(x.contains("<h2 id=\"s1\">节一</h2>"));
        assert!(x.contains("<p>文&lt;</p>"));
        let toc = &page.toc[0];
        assert_eq!(toc.href, "ch001.xhtml#t");
        assert_eq!(toc.children.len(), 2);
        assert_eq!(toc.children[0].children[0].href, "ch001.xhtml#s11");
    }

    #[test]
    fn faces_follow_the_stylesheet() {
        let book = book(
            vec![
                heading(1, "t", "题目"),
                para(vec![
                    Inline::Text("正".into()),
                    Inline::Strong(vec![Inline::Text("粗".into())]),
                    Inline::Code("x".into()),
                ]),
                Block::Table(Table {
                    header: vec![vec![Inline::Text("表头".into())]],
                    rows: vec![vec![vec![Inline::Text("格".into())]]],
                    align: vec![ColumnAlign::None],
                    line: 3,
                }),
            ],
            vec![],
        );
        let page = chapter_page(&book, 0, &Links::new(&book, vec![]));
        let faces = |f| page.usage.chars(f).collect::<String>();
        assert_eq!(faces(Face::SansBold), "目题");
        assert_eq!(faces(Face::SerifBold), "头粗表");
        assert_eq!(faces(Face::Mono), "x");
        assert_eq!(faces(Face::SerifRegular), "格正");
        assert!(page
            .xhtml
            .contains("<th scope=\"col\" class=\"short\">表头</th>"));
    }

    #[test]
    fn blocks_are_numbered_in_document_order() {
        let book = book(
            vec![
                heading(1, "t", "题"),
                Block::Quote(vec![para(vec![Inline::Text("甲乙".into())])]),
                para(vec![Inline::Text("丙 丁".into())]),
            ],
            vec![],
        );
        let page = chapter_page(&book, 0, &Links::new(&book, vec![]));
        let starts: Vec<(usize, String)> = page
            .stops
            .iter()
            .filter(|s| s.offset == 0)
            .map(|s| {
                (
                    s.block,
                    page.xhtml[s.byte..].chars().take(6).collect::<String>(),
                )
            })
            .collect();
        assert_eq!(starts[0], (0, "<h1 id".to_string()));
        let start = |block| &starts.iter().find(|s| s.0 == block).unwrap().1;
        assert_eq!(start(1), "<block");
        assert_eq!(start(2), "<p>甲乙<");
        assert_eq!(start(3), "<p>丙 丁");
    }
}
