//! The structure tree of the tagged PDF: the elements the composer made, their kids in
//! reading order (child elements, marked content on the pages, link annotations), the
//! parent tree that leads from content back to its element, and the link annotations
//! themselves.
//!
//! An element enters the tree when its first content is written, so its place among its
//! siblings is where its content begins in the book; elements without content (an empty
//! paragraph) are left out.

use pdf_writer::types::{ActionType, AnnotationType, StructRole, TableHeaderScope};
use pdf_writer::writers::Catalog;
use pdf_writer::{Finish, Pdf, Rect, Ref, Str, TextStr};

use super::{LinkAction, PageContent};
use crate::pdf::tags::{ElemId, Role, Tree};

/// A kid of an element, in reading order.
#[derive(Debug, Clone, Copy)]
enum Kid {
    Elem(ElemId),
    Content { page: Ref, mcid: i32 },
    Annotation { page: Ref, annot: Ref },
}

/// What a parent-tree entry leads to.
#[derive(Debug, Clone)]
enum Parent {
    /// The elements of a page's marked content, by MCID.
    Page(Vec<ElemId>),
    /// The element of an annotation.
    Annotation(ElemId),
}

/// Collects the tree as pages are written.
pub struct Builder<'t> {
    tree: &'t Tree,
    kids: Vec<Vec<Kid>>,
    placed: Vec<bool>,
    parents: Vec<Parent>,
}

/// What the catalog needs of the written tree.
pub struct Root {
    document: Option<Ref>,
    /// Parent-tree entries: a page's array of elements (an indirect object), or an
    /// annotation's element.
    parent_tree: Vec<(i32, Ref)>,
    ids: Vec<(String, Ref)>,
}

/// The marked-content tag of an element (its structure type).
pub fn tag(tree: &Tree, elem: ElemId) -> &'static [u8] {
    tree.elems
        .get(elem.0 as usize)
        .map_or(b"Span", |e| role_name(e.role))
}

fn role_name(role: Role) -> &'static [u8] {
    match role {
        Role::Document => b"Document",
        Role::Sect => b"Sect",
        Role::H(1) => b"H1",
        Role::H(2) => b"H2",
        Role::H(3) => b"H3",
        Role::H(4) => b"H4",
        Role::H(5) => b"H5",
        Role::H(_) => b"H6",
        Role::P => b"P",
        Role::L => b"L",
        Role::LI => b"LI",
        Role::Lbl => b"Lbl",
        Role::LBody => b"LBody",
        Role::BlockQuote => b"BlockQuote",
        Role::Table => b"Table",
        Role::TR => b"TR",
        Role::TH => b"TH",
        Role::TD => b"TD",
        Role::Figure => b"Figure",
        Role::Caption => b"Caption",
        Role::Note => b"Note",
        Role::Code => b"Code",
        Role::Link => b"Link",
        Role::Span => b"Span",
        Role::Toc => b"TOC",
        Role::Toci => b"TOCI",
    }
}

fn struct_role(role: Role) -> StructRole {
    match role {
        Role::Document => StructRole::Document,
        Role::Sect => StructRole::Sect,
        Role::H(1) => StructRole::H1,
        Role::H(2) => StructRole::H2,
        Role::H(3) => StructRole::H3,
        Role::H(4) => StructRole::H4,
        Role::H(5) => StructRole::H5,
        Role::H(_) => StructRole::H6,
        Role::P => StructRole::P,
        Role::L => StructRole::L,
        Role::LI => StructRole::LI,
        Role::Lbl => StructRole::Lbl,
        Role::LBody => StructRole::LBody,
        Role::BlockQuote => StructRole::BlockQuote,
        Role::Table => StructRole::Table,
        Role::TR => StructRole::TR,
        Role::TH => StructRole::TH,
        Role::TD => StructRole::TD,
        Role::Figure => StructRole::Figure,
        Role::Caption => StructRole::Caption,
        Role::Note => StructRole::Note,
        Role::Code => StructRole::Code,
        Role::Link => StructRole::Link,
        Role::Span => StructRole::Span,
        Role::Toc => StructRole::TOC,
        Role::Toci => StructRole::TOCI,
    }
}

impl<'t> Builder<'t> {
    /// A builder for `tree`.
    pub fn new(tree: &'t Tree) -> Builder<'t> {
        let n = tree.elems.len();
        Builder {
            tree,
            kids: vec![Vec::new(); n],
            placed: vec![false; n],
            parents: Vec::new(),
        }
    }

    /// Enters `elem` and its ancestors into the tree, each as the last kid of its parent.
    fn place(&mut self, elem: ElemId) {
        let mut chain = Vec::new();
        let mut cur = Some(elem);
        while let Some(e) = cur {
            let i = e.0 as usize;
            if i >= self.placed.len() || self.placed[i] {
                break;
            }
            self.placed[i] = true;
            chain.push(e);
            cur = self.tree.elems[i].parent;
        }
        for e in chain {
            if let Some(parent) = self.tree.elems[e.0 as usize].parent {
                self.kids[parent.0 as usize].push(Kid::Elem(e));
            }
        }
    }

    /// Records a page's marked content; returns the page's `/StructParents` key.
    pub fn add_page(&mut self, page: Ref, marked: &[(ElemId, i32)]) -> i32 {
        for &(elem, mcid) in marked {
            self.place(elem);
            if let Some(kids) = self.kids.get_mut(elem.0 as usize) {
                kids.push(Kid::Content { page, mcid });
            }
        }
        self.parents
            .push(Parent::Page(marked.iter().map(|&(e, _)| e).collect()));
        self.parents.len() as i32 - 1
    }

    /// Records a link annotation of `elem`; returns its `/StructParent` key.
    fn add_annotation(&mut self, page: Ref, annot: Ref, elem: ElemId) -> i32 {
        self.place(elem);
        if let Some(kids) = self.kids.get_mut(elem.0 as usize) {
            kids.push(Kid::Annotation { page, annot });
        }
        self.parents.push(Parent::Annotation(elem));
        self.parents.len() as i32 - 1
    }

    /// Writes every element that has content; returns what the catalog needs.
    pub fn write(self, pdf: &mut Pdf, next: &mut impl FnMut() -> Ref) -> Root {
        let refs: Vec<Option<Ref>> = self
            .placed
            .iter()
            .map(|&placed| placed.then(&mut *next))
            .collect();
        let mut ids = Vec::new();
        for (i, elem) in self.tree.elems.iter().enumerate() {
            let Some(id) = refs[i] else { continue };
            let mut e = pdf.struct_element(id);
            e.kind(struct_role(elem.role));
            if let Some(parent) = elem.parent.and_then(|p| refs[p.0 as usize]) {
                e.parent(parent);
            }
            if let Some(alt) = &elem.alt {
                e.alt(TextStr(alt));
            }
            if let Some(lang) = &elem.lang {
                e.lang(TextStr(lang));
            }
            if let Some(elem_id) = &elem.id {
                e.id(Str(elem_id.as_bytes()));
                ids.push((elem_id.clone(), id));
            }
            // the page of its first content: marked content there needs no page of its own
            let home = self.kids[i].iter().find_map(|k| match *k {
                Kid::Content { page, .. } => Some(page),
                _ => None,
            });
            if let Some(page) = home {
                e.page(page);
            }
            if elem.role == Role::TH {
                e.attributes()
                    .push()
                    .table()
                    .scope(TableHeaderScope::Column);
            }
            let mut kids = e.children();
            for kid in &self.kids[i] {
                match *kid {
                    Kid::Elem(child) => {
                        if let Some(r) = refs[child.0 as usize] {
                            kids.struct_element(r);
                        }
                    }
                    Kid::Content { page, mcid } if Some(page) == home => {
                        kids.marked_content_id(mcid);
                    }
                    Kid::Content { page, mcid } => {
                        kids.marked_content_ref().marked_content_id(mcid).page(page);
                    }
                    Kid::Annotation { page, annot } => {
                        kids.object_ref().object(annot).page(page);
                    }
                }
            }
            kids.finish();
            e.finish();
        }
        let lookup = |e: ElemId| refs.get(e.0 as usize).copied().flatten();
        let mut parent_tree = Vec::new();
        for (key, parent) in self.parents.iter().enumerate() {
            let entry = match parent {
                Parent::Page(elems) => {
                    let array = next();
                    pdf.indirect(array)
                        .array()
                        .items(elems.iter().filter_map(|&e| lookup(e)));
                    Some(array)
                }
                Parent::Annotation(e) => lookup(*e),
            };
            if let Some(entry) = entry {
                parent_tree.push((key as i32, entry));
            }
        }
        ids.sort();
        Root {
            document: refs.first().copied().flatten(),
            parent_tree,
            ids,
        }
    }
}

impl Root {
    /// Writes `/StructTreeRoot` into the catalog.
    pub fn write_into(&self, catalog: &mut Catalog<'_>) {
        let mut root = catalog.struct_tree_root();
        if let Some(document) = self.document {
            root.child(document);
        }
        let next_key = self.parent_tree.last().map_or(0, |(k, _)| k + 1);
        let mut tree = root.parent_tree();
        let mut nums = tree.nums();
        for &(key, r) in &self.parent_tree {
            nums.insert(key, r);
        }
        nums.finish();
        tree.finish();
        root.parent_tree_next_key(next_key);
        if !self.ids.is_empty() {
            let mut names = root.id_tree();
            let mut names = names.names();
            for (id, r) in &self.ids {
                names.insert(Str(id.as_bytes()), *r);
            }
        }
    }
}

/// Writes a page's link annotations, tied to their link elements; returns their
/// references. Areas are moved by `margin` (a print master's bleed and slug).
#[allow(clippy::too_many_arguments)]
pub fn links(
    pdf: &mut Pdf,
    next: &mut impl FnMut() -> Ref,
    page: &PageContent,
    index: usize,
    pages: &[Ref],
    height: f32,
    margin: f32,
    tree: &mut Builder<'_>,
) -> Vec<Ref> {
    let mut out = Vec::new();
    for link in &page.links {
        let id = next();
        let key = tree.add_annotation(pages[index], id, link.elem);
        let a = link.area;
        let rect = Rect::new(
            a.x + margin,
            height - a.y - a.height + margin,
            a.x + a.width + margin,
            height - a.y + margin,
        );
        let mut annot = pdf.annotation(id);
        annot.subtype(AnnotationType::Link);
        annot.rect(rect);
        annot.border(0.0, 0.0, 0.0, None);
        annot.struct_parent(key);
        match &link.action {
            LinkAction::Uri(uri) => {
                annot.contents(TextStr(uri));
                annot
                    .action()
                    .action_type(ActionType::Uri)
                    .uri(Str(uri.as_bytes()));
            }
            LinkAction::Place { page, y } => {
                let target = pages[(*page).min(pages.len() - 1)];
                annot.contents(TextStr(&format!("→ {}", page + 1)));
                annot
                    .action()
                    .action_type(ActionType::GoTo)
                    .destination()
                    .page(target)
                    .xyz(0.0, height + margin - y, None);
            }
        }
        annot.finish();
        out.push(id);
    }
    out
}
