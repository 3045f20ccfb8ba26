//! A tagged PDF's structure tree read back with lopdf: elements with their roles,
//! attributes and kids (marked content by page and MCID, annotations), and the text
//! each element holds (through the proof reader's glyphs and their MCIDs).

use std::collections::HashMap;
use std::path::Path;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::proof::Glyph;

/// A kid of a structure element.
#[derive(Debug, Clone, PartialEq)]
pub enum Kid {
    /// A structure element.
    Elem(Elem),
    /// Marked content: 0-based page and MCID.
    Content { page: usize, mcid: i64 },
    /// An object reference (a link annotation).
    Object,
}

/// A structure element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Elem {
    /// Its structure type (`/S`).
    pub role: String,
    /// `/Alt`.
    pub alt: Option<String>,
    /// `/Lang`.
    pub lang: Option<String>,
    /// `/A << /O /Table /Scope … >>`.
    pub scope: Option<String>,
    /// Its kids, in order.
    pub kids: Vec<Kid>,
}

impl Elem {
    /// This element and every element below it, in document order.
    pub fn walk(&self) -> Vec<&Elem> {
        let mut out = vec![self];
        for kid in &self.kids {
            if let Kid::Elem(e) = kid {
                out.extend(e.walk());
            }
        }
        out
    }

    /// The marked content of this element and its descendants, in order.
    pub fn contents(&self) -> Vec<(usize, i64)> {
        let mut out = Vec::new();
        for kid in &self.kids {
            match kid {
                Kid::Content { page, mcid } => out.push((*page, *mcid)),
                Kid::Elem(e) => out.extend(e.contents()),
                Kid::Object => {}
            }
        }
        out
    }

    /// Whether an annotation hangs below it.
    pub fn has_object(&self) -> bool {
        self.kids.iter().any(|k| match k {
            Kid::Object => true,
            Kid::Elem(e) => e.has_object(),
            Kid::Content { .. } => false,
        })
    }

    /// The text of its marked content, `text` holding each (page, MCID)'s text.
    pub fn text(&self, text: &HashMap<(usize, i64), String>) -> String {
        self.contents()
            .iter()
            .filter_map(|key| text.get(key))
            .cloned()
            .collect()
    }
}

/// The text shown in each (page, MCID), from the proof reader's glyphs.
pub fn text_by_mcid(glyphs: &[Glyph]) -> HashMap<(usize, i64), String> {
    let mut out: HashMap<(usize, i64), String> = HashMap::new();
    for g in glyphs {
        if let Some(mcid) = g.mcid {
            out.entry((g.page, mcid)).or_default().push_str(&g.text);
        }
    }
    out
}

/// The PDF at `path` and its structure tree (a root element of role `StructTreeRoot`).
pub fn read(path: &Path) -> (Document, Elem) {
    let doc = Document::load(path).expect("the PDF parses");
    let pages: HashMap<ObjectId, usize> = doc
        .get_pages()
        .into_values()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    let catalog = doc.catalog().expect("a catalog");
    let root = catalog
        .get(b"StructTreeRoot")
        .and_then(|o| doc.dereference(o))
        .and_then(|(_, o)| o.as_dict())
        .expect("a StructTreeRoot");
    let mut tree = Elem {
        role: "StructTreeRoot".into(),
        ..Elem::default()
    };
    tree.kids = kids(&doc, root, None, &pages);
    (doc, tree)
}

fn kids(
    doc: &Document,
    dict: &Dictionary,
    page: Option<usize>,
    pages: &HashMap<ObjectId, usize>,
) -> Vec<Kid> {
    let page = dict
        .get(b"Pg")
        .and_then(|o| o.as_reference())
        .ok()
        .and_then(|id| pages.get(&id).copied())
        .or(page);
    let Ok(k) = dict.get(b"K") else {
        return Vec::new();
    };
    let items: Vec<&Object> = match k {
        Object::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .filter_map(|item| kid(doc, item, page, pages))
        .collect()
}

fn kid(
    doc: &Document,
    item: &Object,
    page: Option<usize>,
    pages: &HashMap<ObjectId, usize>,
) -> Option<Kid> {
    match item {
        Object::Integer(mcid) => Some(Kid::Content {
            page: page?,
            mcid: *mcid,
        }),
        Object::Reference(id) => {
            let dict = doc.get_dictionary(*id).ok()?;
            Some(elem_or_ref(doc, dict, page, pages))
        }
        Object::Dictionary(dict) => Some(elem_or_ref(doc, dict, page, pages)),
        _ => None,
    }
}

fn elem_or_ref(
    doc: &Document,
    dict: &Dictionary,
    page: Option<usize>,
    pages: &HashMap<ObjectId, usize>,
) -> Kid {
    let name = |key: &[u8]| {
        dict.get(key)
            .and_then(|o| o.as_name())
            .ok()
            .map(|n| String::from_utf8_lossy(n).into_owned())
    };
    match name(b"Type").as_deref() {
        Some("OBJR") => return Kid::Object,
        Some("MCR") => {
            let page = dict
                .get(b"Pg")
                .and_then(|o| o.as_reference())
                .ok()
                .and_then(|id| pages.get(&id).copied())
                .or(page)
                .unwrap_or(usize::MAX);
            let mcid = dict.get(b"MCID").and_then(|m| m.as_i64()).unwrap_or(-1);
            return Kid::Content { page, mcid };
        }
        _ => {}
    }
    let text = |key: &[u8]| {
        dict.get(key)
            .ok()
            .and_then(|t| lopdf::decode_text_string(t).ok())
    };
    // `/A` is an attribute dictionary or an array of them
    let attributes: Vec<&Dictionary> = match dict.get(b"A").ok().map(|a| resolve(doc, a)) {
        Some(Object::Dictionary(d)) => vec![d],
        Some(Object::Array(list)) => list
            .iter()
            .filter_map(|a| resolve(doc, a).as_dict().ok())
            .collect(),
        _ => Vec::new(),
    };
    let scope = attributes
        .iter()
        .find_map(|a| a.get(b"Scope").ok())
        .and_then(|s| s.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned());
    Kid::Elem(Elem {
        role: name(b"S").unwrap_or_default(),
        alt: text(b"Alt"),
        lang: text(b"Lang"),
        scope,
        kids: kids(doc, dict, page, pages),
    })
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

/// The catalog's XMP metadata stream, as text.
pub fn xmp(doc: &Document) -> String {
    let id = doc
        .catalog()
        .unwrap()
        .get(b"Metadata")
        .unwrap()
        .as_reference()
        .unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(bytes).unwrap()
}
