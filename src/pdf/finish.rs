//! The one place that repairs what printpdf 0.12.8 writes, on its lopdf document:
//! * outlines: printpdf's are flat, point only at a page and are sorted by (page, name);
//!   we write a nested outline whose entries point at each heading's position;
//! * `/PageMode` is a string there; here it is the name `/UseOutlines`;
//! * its Info dictionary always holds `/GTS_PDFXVersion ()` (viewers then call the file
//!   PDF/X) and 1970 dates; here it holds title, authors, subject and the book's dates;
//! * it has no `/Lang`, says PDF 1.3, and draws a random `/ID`: here the catalog has the
//!   book's language, the version is 1.7 and the ID is derived from the book.

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

/// An outline entry: a heading and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    /// Title shown in the viewer's sidebar.
    pub title: String,
    /// 0-based page index.
    pub page: usize,
    /// Vertical position on the page, in PDF coordinates (from the bottom).
    pub y: f32,
    /// Nested entries.
    pub children: Vec<OutlineEntry>,
}

/// Document-level metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInfo {
    /// Title.
    pub title: String,
    /// All authors, in order.
    pub authors: Vec<String>,
    /// Subject (the book's description).
    pub subject: Option<String>,
    /// BCP 47 language tag.
    pub language: String,
    /// Creation and modification time, seconds since 1970.
    pub time: i64,
    /// The book's identifier (seeds the file ID).
    pub identifier: String,
}

/// Applies the repairs.
pub fn finish(
    doc: &mut Document,
    info: &DocumentInfo,
    outline: &[OutlineEntry],
) -> lopdf::Result<()> {
    doc.version = "1.7".into();
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let outlines = write_outline(doc, outline, &pages);
    let catalog = doc.catalog_mut()?;
    catalog.remove(b"Outlines");
    match outlines {
        Some(id) => {
            catalog.set("Outlines", Object::Reference(id));
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        None => catalog.set("PageMode", Object::Name(b"UseNone".to_vec())),
    }
    catalog.set("Lang", text_string(&info.language));
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );

    let date = pdf_date(info.time);
    let mut dict = Dictionary::new();
    dict.set("Title", text_string(&info.title));
    if !info.authors.is_empty() {
        dict.set("Author", text_string(&info.authors.join("、")));
    }
    if let Some(subject) = &info.subject {
        dict.set("Subject", text_string(subject));
    }
    dict.set("Creator", text_string("inkstone"));
    dict.set(
        "Producer",
        text_string(concat!(
            "inkstone ",
            env!("CARGO_PKG_VERSION"),
            " (printpdf 0.12.8)"
        )),
    );
    dict.set(
        "CreationDate",
        Object::String(date.clone().into_bytes(), StringFormat::Literal),
    );
    dict.set(
        "ModDate",
        Object::String(date.into_bytes(), StringFormat::Literal),
    );
    let info_id = doc.add_object(Object::Dictionary(dict));
    if let Ok(old) = doc.trailer.get(b"Info").and_then(Object::as_reference) {
        doc.objects.remove(&old);
    }
    doc.trailer.set("Info", Object::Reference(info_id));

    let seed = format!(
        "{}\u{1f}{}\u{1f}{}",
        info.identifier,
        info.time,
        pages.len()
    );
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, seed.as_bytes());
    let id = Object::String(id.as_bytes().to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    Ok(())
}

/// A PDF text string: ASCII as is, anything else as UTF-16BE with a byte-order mark.
fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            bytes.extend(unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// `D:YYYYMMDDHHmmSSZ`.
fn pdf_date(seconds: i64) -> String {
    let t = chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    t.format("D:%Y%m%d%H%M%SZ").to_string()
}

/// Writes the outline tree; returns the `/Outlines` dictionary's id.
fn write_outline(
    doc: &mut Document,
    entries: &[OutlineEntry],
    pages: &[ObjectId],
) -> Option<ObjectId> {
    if entries.is_empty() {
        return None;
    }
    let root = doc.new_object_id();
    let (first, last, count) = write_level(doc, entries, root, pages);
    doc.objects.insert(
        root,
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"Outlines".to_vec())),
            ("First", Object::Reference(first)),
            ("Last", Object::Reference(last)),
            ("Count", Object::Integer(count)),
        ])),
    );
    Some(root)
}

/// Writes sibling entries under `parent`; returns (first, last, number of visible
/// descendants).
fn write_level(
    doc: &mut Document,
    entries: &[OutlineEntry],
    parent: ObjectId,
    pages: &[ObjectId],
) -> (ObjectId, ObjectId, i64) {
    let ids: Vec<ObjectId> = entries.iter().map(|_| doc.new_object_id()).collect();
    let mut count = 0;
    for (i, entry) in entries.iter().enumerate() {
        let page = pages[entry.page.min(pages.len() - 1)];
        let mut dict = Dictionary::from_iter(vec![
            ("Title", text_string(&entry.title)),
            ("Parent", Object::Reference(parent)),
            (
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(entry.y),
                    Object::Null,
                ]),
            ),
        ]);
        if i > 0 {
            dict.set("Prev", Object::Reference(ids[i - 1]));
        }
        if i + 1 < ids.len() {
            dict.set("Next", Object::Reference(ids[i + 1]));
        }
        count += 1;
        if !entry.children.is_empty() {
            let (first, last, inner) = write_level(doc, &entry.children, ids[i], pages);
            dict.set("First", Object::Reference(first));
            dict.set("Last", Object::Reference(last));
            dict.set("Count", Object::Integer(inner));
            count += inner;
        }
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    (ids[0], ids[ids.len() - 1], count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_and_dates() {
        assert_eq!(
            text_string("ab"),
            Object::String(b"ab".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            text_string("中"),
            Object::String(vec![0xFE, 0xFF, 0x4E, 0x2D], StringFormat::Hexadecimal)
        );
        assert_eq!(pdf_date(1_635_724_800), "D:20211101000000Z");
    }
}
