//! The print edition's page numbers in the EPUB: a `pagebreak` marker where each page
//! of the PDF begins, and the `page-list` that leads to them, so that a reader of the
//! EPUB can cite the printed book's pages.

use std::collections::HashMap;

use super::xhtml::{chapter_href, Page, Stop, CONTENTS_PAGE, TITLE_PAGE};
use crate::model::{Place, Words};
use crate::script::is_counted;

/// A page of the print edition as the EPUB's page-list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTarget {
    /// Its number, as the folio prints it.
    pub label: String,
    /// Where it begins: `file#id`.
    pub href: String,
}

/// Puts a marker where each printed page begins: page `n` (from 1) begins at
/// `places[n - 1]`; a page that begins nowhere (a blank page) is marked with the page
/// after it. Returns the page-list, one target per page.
pub fn mark(pages: &mut [Page], places: &[Option<Place>]) -> Vec<PageTarget> {
    let by_href: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.href.clone(), i))
        .collect();
    let resolved: Vec<Option<(usize, usize)>> = places
        .iter()
        .map(|place| place.and_then(|p| resolve(pages, &by_href, p)))
        .collect();
    // a page that begins nowhere takes the place of the next page that begins somewhere,
    // or the end of the last page
    let end = pages
        .len()
        .checked_sub(1)
        .map(|last| (last, pages[last].body_end));
    let mut next = end;
    let mut at: Vec<Option<(usize, usize)>> = vec![None; places.len()];
    for (n, r) in resolved.iter().enumerate().rev() {
        if r.is_some() {
            next = *r;
        }
        at[n] = next;
    }
    let mut inserts: Vec<Vec<(usize, usize)>> = vec![Vec::new(); pages.len()];
    let mut targets = Vec::with_capacity(places.len());
    for (n, place) in at.iter().enumerate() {
        let Some((page, byte)) = *place else { continue };
        inserts[page].push((byte, n + 1));
        targets.push(PageTarget {
            label: (n + 1).to_string(),
            href: format!("{}#{}", pages[page].href, marker_id(n + 1)),
        });
    }
    for (page, mut markers) in pages.iter_mut().zip(inserts) {
        if markers.is_empty() {
            continue;
        }
        markers.sort();
        page.xhtml = insert_markers(&page.xhtml, &markers);
    }
    targets
}

/// The id of page `n`'s marker.
fn marker_id(n: usize) -> String {
    format!("page-{n}")
}

/// The page and byte where `place` is.
fn resolve(
    pages: &[Page],
    by_href: &HashMap<String, usize>,
    place: Place,
) -> Option<(usize, usize)> {
    let (href, block, offset) = match place {
        Place::TitlePage => (TITLE_PAGE.to_string(), 0, 0),
        Place::Contents(entry) => (CONTENTS_PAGE.to_string(), entry, 0),
        Place::Text {
            chapter,
            block,
            offset,
        } => (chapter_href(chapter), block, offset),
    };
    let index = *by_href.get(&href)?;
    let page = &pages[index];
    Some((index, locate(page, block, offset)))
}

/// The byte of `page` before the `offset`-th counted character of block `block` (or
/// before the block, for offset 0).
fn locate(page: &Page, block: usize, offset: usize) -> usize {
    let key = |s: &Stop| (s.block, s.offset);
    let first_at_or_after = page.stops.partition_point(|s| key(s) < (block, offset));
    if let Some(stop) = page.stops.get(first_at_or_after) {
        if key(stop) == (block, offset) {
            return stop.byte;
        }
    }
    let Some(before) = first_at_or_after.checked_sub(1).map(|i| page.stops[i]) else {
        return page.stops.first().map_or(page.body_end, |s| s.byte);
    };
    if before.block != block {
        // the block has no text this far: the next stop
        return page
            .stops
            .get(first_at_or_after)
            .map_or(page.body_end, |s| s.byte);
    }
    walk(
        &page.xhtml,
        before.byte,
        offset - before.offset,
        page.body_end,
    )
}

/// The byte before the counted character that follows `skip` counted characters from
/// `from` (markup skipped, a character reference counted as one character), at most
/// `end`.
fn walk(xhtml: &str, from: usize, mut skip: usize, end: usize) -> usize {
    let bytes = xhtml.as_bytes();
    let mut i = from;
    while i < end {
        match bytes[i] {
            b'<' => {
                i += xhtml[i..].find('>').map_or(end - i, |j| j + 1);
            }
            b'&' => {
                if skip == 0 {
                    return i;
                }
                skip -= 1;
                i += xhtml[i..].find(';').map_or(1, |j| j + 1);
            }
            _ => {
                let c = xhtml[i..].chars().next().unwrap_or(' ');
                if is_counted(c) {
                    if skip == 0 {
                        return i;
                    }
                    skip -= 1;
                }
                i += c.len_utf8();
            }
        }
    }
    end
}

/// `xhtml` with page `n`'s marker inserted at each `(byte, n)`, in order.
fn insert_markers(xhtml: &str, markers: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(xhtml.len() + markers.len() * 100);
    let mut last = 0;
    for &(byte, n) in markers {
        out.push_str(&xhtml[last..byte]);
        out.push_str(&format!(
            "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{}\" aria-label=\"{n}\"></span>",
            marker_id(n)
        ));
        last = byte;
    }
    out.push_str(&xhtml[last..]);
    out
}

/// The `page-list` nav for the nav document (hidden: reading systems offer it in their
/// own way), labelled in the book's language.
pub fn page_list_nav(targets: &[PageTarget], language: &str) -> String {
    let label = Words::of(language).pages();
    let mut nav = format!(
        "<nav epub:type=\"page-list\" id=\"page-list\" role=\"doc-pagelist\" hidden=\"hidden\" aria-label=\"{label}\">\n<ol>\n"
    );
    for t in targets {
        nav.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>\n",
            t.href, t.label
        ));
    }
    nav.push_str("</ol>\n</nav>\n");
    nav
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epub::xhtml::Writer;

    fn page(href: &str, write: impl FnOnce(&mut Writer)) -> Page {
        let mut w = Writer::new();
        write(&mut w);
        Page {
            href: href.into(),
            body_end: w.out.len(),
            xhtml: w.out,
            toc: vec![],
            usage: Default::default(),
            stops: w.stops,
        }
    }

    #[test]
    fn markers_go_before_the_first_character_of_each_page() {
        let mut pages = vec![page("ch001.xhtml", |w| {
            w.begin_block(0);
            w.markup("<h1>");
            w.text("题");
            w.markup("</h1>");
            w.begin_block(1);
            w.markup("<p>");
            w.text("甲 乙");
            w.markup("<em>");
            w.text("丙&丁");
            w.markup("</em></p>");
        })];
        let text = |chapter, block, offset| {
            Some(Place::Text {
                chapter,
                block,
                offset,
            })
        };
        let targets = mark(
            &mut pages,
            &[text(0, 0, 0), None, text(0, 1, 2), text(0, 1, 4)],
        );
        assert_eq!(targets.len(), 4);
        assert_eq!(targets[2].href, "ch001.xhtml#page-3");
        let x = &pages[0].xhtml;
        let marker = |n: usize| {
            format!("<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"page-{n}\" aria-label=\"{n}\"></span>")
        };
        // page 2 is blank: marked where page 3 begins
        let expected = format!(
            "{}<h1>题</h1><p>甲 乙<em>{}{}丙&amp;{}丁</em></p>",
            marker(1),
            marker(2),
            marker(3),
            marker(4)
        );
        assert_eq!(x, &expected);
    }

    #[test]
    fn the_page_list_names_every_page() {
        let nav = page_list_nav(
            &[PageTarget {
                label: "1".into(),
                href: "ch001.xhtml#page-1".into(),
            }],
            "zh-CN",
        );
        assert!(nav.contains("epub:type=\"page-list\""));
        assert!(nav.contains("<li><a href=\"ch001.xhtml#page-1\">1</a></li>"));
    }
}
