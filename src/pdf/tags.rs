//! The logical structure of the PDF (tagged PDF, PDF/UA-1): a tree of elements — the
//! document, its chapters, headings, paragraphs, lists, tables, figures, notes, links —
//! that the composer builds as it sets each block. Every glyph, image and link area
//! carries the element it belongs to, or [`ElemId::ARTIFACT`] when it is not part of
//! the text (running heads, folios, rules, grounds, the code-wrap arrow, hyphens that
//! line breaking added). The emitter writes the tree and ties the content to it.

/// An element: its index in [`Tree::elems`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElemId(pub u32);

impl ElemId {
    /// Content that is no part of the text: running heads, folios, rules and the like.
    pub const ARTIFACT: ElemId = ElemId(u32::MAX);
    /// The root element of every tree.
    pub const ROOT: ElemId = ElemId(0);

    /// Whether this marks an artifact.
    pub fn is_artifact(self) -> bool {
        self == ElemId::ARTIFACT
    }

    /// The same element in a tree that has `offset` elements before this one's.
    pub fn offset(self, offset: u32) -> ElemId {
        if self.is_artifact() {
            self
        } else {
            ElemId(self.0 + offset)
        }
    }
}

/// The standard structure types inkstone uses (ISO 32000-1, 14.8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The whole book.
    Document,
    /// A chapter, or the front matter.
    Sect,
    /// A heading of level 1 to 6.
    H(u8),
    /// A paragraph (also the title page's lines, bylines, captions of code).
    P,
    /// A list.
    L,
    /// A list item.
    LI,
    /// A list item's marker.
    Lbl,
    /// A list item's content.
    LBody,
    /// A block quotation.
    BlockQuote,
    /// A table.
    Table,
    /// A table row.
    TR,
    /// A header cell (with its scope).
    TH,
    /// A data cell.
    TD,
    /// An image (with its text alternative).
    Figure,
    /// A figure's caption.
    Caption,
    /// A footnote.
    Note,
    /// A block of code.
    Code,
    /// A link, tied to its link annotations.
    Link,
    /// A span of text in another language.
    Span,
    /// The table of contents (`TOC`).
    Toc,
    /// An entry of the table of contents (`TOCI`).
    Toci,
}

/// One element of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Elem {
    /// Its type.
    pub role: Role,
    /// Its parent (`None` for the root).
    pub parent: Option<ElemId>,
    /// A text alternative (figures).
    pub alt: Option<String>,
    /// The language of its content, when it differs from the document's.
    pub lang: Option<String>,
    /// A unique id (notes).
    pub id: Option<String>,
}

/// A structure tree: element 0 is the root.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// The elements; an element's parent always comes before it.
    pub elems: Vec<Elem>,
}

impl Tree {
    /// A tree of one element of `role`.
    pub fn new(role: Role) -> Tree {
        Tree {
            elems: vec![Elem {
                role,
                parent: None,
                alt: None,
                lang: None,
                id: None,
            }],
        }
    }

    /// Adds an element of `role` under `parent`.
    pub fn add(&mut self, role: Role, parent: ElemId) -> ElemId {
        self.elems.push(Elem {
            role,
            parent: Some(parent),
            alt: None,
            lang: None,
            id: None,
        });
        ElemId(self.elems.len() as u32 - 1)
    }

    /// The element `id`.
    pub fn get(&self, id: ElemId) -> Option<&Elem> {
        self.elems.get(id.0 as usize)
    }

    /// The element `id`, to set its attributes.
    pub fn get_mut(&mut self, id: ElemId) -> Option<&mut Elem> {
        self.elems.get_mut(id.0 as usize)
    }

    /// Hangs `other`'s root under `parent`; returns the offset to add to `other`'s ids.
    pub fn graft(&mut self, other: Tree, parent: ElemId) -> u32 {
        let offset = self.elems.len() as u32;
        for mut elem in other.elems {
            elem.parent = Some(elem.parent.map_or(parent, |p| p.offset(offset)));
            self.elems.push(elem);
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grafting_offsets_ids_and_keeps_parents() {
        let mut doc = Tree::new(Role::Document);
        let mut chapter = Tree::new(Role::Sect);
        let p = chapter.add(Role::P, ElemId::ROOT);
        let link = chapter.add(Role::Link, p);
        let offset = doc.graft(chapter, ElemId::ROOT);
        assert_eq!(offset, 1);
        assert_eq!(doc.elems[1].parent, Some(ElemId::ROOT));
        assert_eq!(
            doc.elems[link.offset(offset).0 as usize].parent,
            Some(p.offset(offset))
        );
        assert_eq!(ElemId::ARTIFACT.offset(5), ElemId::ARTIFACT);
    }
}
