//! The outline (bookmarks): chapter titles with their sections nested beneath, each
//! pointing at the heading's place on its page.

use pdf_writer::{Finish, Pdf, Ref, TextStr};

/// An outline entry: a heading and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    /// Title shown in the viewer's sidebar.
    pub title: String,
    /// 0-based page index.
    pub page: usize,
    /// Height of the heading's top, from the top of the trim.
    pub y: f32,
    /// Nested entries.
    pub children: Vec<OutlineEntry>,
}

/// Writes the outline; returns the `/Outlines` dictionary's reference, if there is one.
/// `height` is the trim height and `margin` what lies around the trim.
pub fn write(
    pdf: &mut Pdf,
    next: &mut impl FnMut() -> Ref,
    entries: &[OutlineEntry],
    pages: &[Ref],
    height: f32,
    margin: f32,
) -> Option<Ref> {
    if entries.is_empty() || pages.is_empty() {
        return None;
    }
    let root = next();
    let place = Place {
        pages,
        height,
        margin,
    };
    let (first, last, count) = level(pdf, next, entries, root, &place);
    pdf.outline(root).first(first).last(last).count(count);
    Some(root)
}

struct Place<'a> {
    pages: &'a [Ref],
    height: f32,
    margin: f32,
}

/// Writes sibling entries under `parent`; returns (first, last, number of visible
/// descendants).
fn level(
    pdf: &mut Pdf,
    next: &mut impl FnMut() -> Ref,
    entries: &[OutlineEntry],
    parent: Ref,
    place: &Place<'_>,
) -> (Ref, Ref, i32) {
    let ids: Vec<Ref> = entries.iter().map(|_| next()).collect();
    let mut count = 0;
    for (i, entry) in entries.iter().enumerate() {
        count += 1;
        let children = if entry.children.is_empty() {
            None
        } else {
            let (first, last, inner) = level(pdf, next, &entry.children, ids[i], place);
            count += inner;
            Some((first, last, inner))
        };
        let page = place.pages[entry.page.min(place.pages.len() - 1)];
        let mut item = pdf.outline_item(ids[i]);
        item.title(TextStr(&entry.title));
        item.parent(parent);
        if i > 0 {
            item.prev(ids[i - 1]);
        }
        if i + 1 < ids.len() {
            item.next(ids[i + 1]);
        }
        if let Some((first, last, inner)) = children {
            item.first(first).last(last).count(inner);
        }
        item.dest()
            .page(page)
            .xyz(0.0, place.height + place.margin - entry.y, None);
        item.finish();
    }
    (ids[0], ids[ids.len() - 1], count)
}
