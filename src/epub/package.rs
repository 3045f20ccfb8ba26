//! Packaging with epub-builder, and the one place that repairs what it gets wrong.
//!
//! epub-builder 0.8.3 writes the OPF, the nav document and the NCX from our pages.
//! Its output needs these repairs (each covered by a test below):
//! * `dc:language` and `dc:creator` share ids (EPUBCheck RSC-005): the language ids go;
//! * no `xml:lang` on `<package>`, no `lang` on the nav document (Ace: serious);
//! * the toc nav lacks `role="doc-toc"`; the landmarks nav is not hidden;
//! * it has no publisher, subtitle or partial dates, and only UUID identifiers;
//! * ZIP entries carry the current time: its ZIP is read back and [`Archive::to_zip`]
//!   writes a reproducible one (mimetype first and stored, same order, fixed timestamps).

use std::io::{Cursor, Read};

use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};

use super::metadata::extra_metadata;
use super::xhtml::{escape, Page, TocEntry, CONTENTS_PAGE, COVER_PAGE, STYLESHEET, TITLE_PAGE};
use super::zipped::{self, Packed};
use crate::cover::CoverImage;
use crate::error::{Error, Result};
use crate::model::{Metadata, Words};

/// The files of an EPUB, in package order, before they are zipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Archive {
    /// (path inside the ZIP, contents), `mimetype` excluded (the ZIP writer adds it).
    pub entries: Vec<(String, Vec<u8>)>,
}

impl Archive {
    /// The contents of `path`, if present.
    #[cfg(test)]
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, data)| data.as_slice())
    }

    /// Reads the entries of a ZIP (the one epub-builder writes), `mimetype` excluded.
    fn from_zip(bytes: &[u8]) -> Result<Archive> {
        let error =
            |e: &dyn std::fmt::Display| Error::Internal(format!("reading epub-builder's ZIP: {e}"));
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| error(&e))?;
        let mut entries = Vec::new();
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).map_err(|e| error(&e))?;
            if file.name() == "mimetype" {
                continue;
            }
            let mut data = Vec::new();
            file.read_to_end(&mut data).map_err(|e| error(&e))?;
            entries.push((file.name().to_string(), data));
        }
        Ok(Archive { entries })
    }

    fn rewrite(&mut self, path: &str, edit: impl FnOnce(&str) -> String) {
        if let Some((_, data)) = self.entries.iter_mut().find(|(p, _)| p == path) {
            let text = String::from_utf8_lossy(data).into_owned();
            *data = edit(&text).into_bytes();
        }
    }

    /// The package as a ZIP (see [`zipped::archive`]); the files in `ahead` were
    /// compressed already.
    pub fn to_zip(&self, ahead: &[Packed], modified: i64) -> Result<Vec<u8>> {
        zipped::archive(&self.entries, ahead, modified)
    }
}

/// A file added to the package beside the pages (fonts).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Path relative to the package folder, e.g. `fonts/serif-regular.otf`.
    pub href: String,
    /// Media type, e.g. `font/otf`.
    pub media_type: &'static str,
    /// Contents.
    pub data: Vec<u8>,
}

/// What goes into the package.
#[derive(Debug, Clone, Copy)]
pub struct Contents<'a> {
    /// Bibliographic data.
    pub meta: &'a Metadata,
    /// The cover page, the title page, then the chapters, in reading order.
    pub pages: &'a [Page],
    /// The stylesheet.
    pub stylesheet: &'a str,
    /// The cover image.
    pub cover: &'a CoverImage,
    /// Fonts and other files.
    pub resources: &'a [Resource],
    /// The page-list nav (the print edition's pages), or nothing.
    pub page_list: &'a str,
}

/// The name of the table of contents, in the book's language.
pub fn toc_name(language: &str) -> &'static str {
    Words::of(language).contents()
}

/// Packages `contents` with epub-builder and repairs the result. epub-builder writes
/// the OPF, the NCX and the nav; every other file is handed to it empty (it only lists
/// them) and put in afterwards, so that nothing large is compressed into its ZIP only
/// to be read back out.
pub fn assemble(contents: Contents<'_>) -> Result<Archive> {
    let meta = contents.meta;
    let builder_error = |e: epub_builder::Error| Error::Internal(format!("epub-builder: {e}"));
    let zip = ZipLibrary::new().map_err(builder_error)?;
    let mut builder = EpubBuilder::new(zip).map_err(builder_error)?;
    builder.epub_version(EpubVersion::V33);
    builder.set_title(meta.title.as_str());
    for author in &meta.authors {
        builder.add_author(author.as_str());
    }
    builder.add_language(meta.language.as_str());
    builder.set_generator("inkstone");
    builder.set_toc_name(toc_name(&meta.language));
    if let Some(description) = &meta.description {
        builder.add_description(description.as_str());
    }
    builder
        .set_modified_date(chrono::DateTime::from_timestamp(meta.modified, 0).unwrap_or_default());
    builder.set_uuid(package_uuid(&meta.identifier));
    // the files' real contents, by their path in the ZIP
    let mut files: Vec<(String, &[u8])> = Vec::new();
    let empty: &[u8] = &[];
    builder.stylesheet(empty).map_err(builder_error)?;
    files.push((zip_path(STYLESHEET), contents.stylesheet.as_bytes()));
    let cover = cover_file(contents.cover);
    builder
        .add_cover_image(&cover, empty, contents.cover.format.media_type())
        .map_err(builder_error)?;
    files.push((zip_path(&cover), contents.cover.data.as_slice()));
    for resource in contents.resources {
        builder
            .add_resource(&resource.href, empty, resource.media_type)
            .map_err(builder_error)?;
        files.push((zip_path(&resource.href), resource.data.as_slice()));
    }
    let mut first_chapter = true;
    for page in contents.pages {
        files.push((zip_path(&page.href), page.xhtml.as_bytes()));
        let mut content = EpubContent::new(page.href.as_str(), empty);
        // the guide and the landmarks name the cover, title page and contents pages,
        // so that Calibre and Kindle take the cover page for the cover
        content = match page.href.as_str() {
            COVER_PAGE => content.reftype(ReferenceType::Cover),
            TITLE_PAGE => content.reftype(ReferenceType::TitlePage),
            CONTENTS_PAGE => content.reftype(ReferenceType::Toc),
            _ => content,
        };
        if let Some(entry) = page.toc.first() {
            content = content.title(entry.title.as_str());
            for child in &entry.children {
                content = content.child(toc_element(child));
            }
            if std::mem::take(&mut first_chapter) {
                // the landmarks nav then points at the start of the text
                content = content.reftype(ReferenceType::Text);
            }
        }
        builder.add_content(content).map_err(builder_error)?;
    }
    let mut zipped = Vec::new();
    builder.generate(&mut zipped).map_err(builder_error)?;
    let mut archive = Archive::from_zip(&zipped)?;
    for (path, data) in files {
        if let Some((_, entry)) = archive.entries.iter_mut().find(|(p, _)| *p == path) {
            *entry = data.to_vec();
        }
    }
    let front = front_landmarks(contents.pages, &meta.language);
    repair(&mut archive, meta, &front, contents.page_list);
    Ok(archive)
}

/// The path inside the ZIP of the package file `href`.
pub fn zip_path(href: &str) -> String {
    format!("OEBPS/{href}")
}

/// The cover image's file name in the package.
pub fn cover_file(cover: &CoverImage) -> String {
    format!("cover.{}", cover.format.extension())
}

fn toc_element(entry: &TocEntry) -> TocElement {
    entry.children.iter().fold(
        TocElement::new(entry.href.as_str(), entry.title.as_str()),
        |e, child| e.child(toc_element(child)),
    )
}

/// The UUID epub-builder writes as the identifier: the book's own when it is a
/// `urn:uuid:`, otherwise one derived from it (and replaced by [`repair`]).
fn package_uuid(identifier: &str) -> uuid::Uuid {
    identifier
        .strip_prefix("urn:uuid:")
        .and_then(|u| uuid::Uuid::parse_str(u).ok())
        .unwrap_or_else(|| uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, identifier.as_bytes()))
}

const OPF: &str = "OEBPS/content.opf";
const NAV: &str = "OEBPS/nav.xhtml";
const NCX: &str = "OEBPS/toc.ncx";

/// The landmark of a front-matter page: its `epub:type` and its name in `language`.
fn landmark(href: &str, language: &str) -> Option<(&'static str, &'static str)> {
    let words = Words::of(language);
    match href {
        COVER_PAGE => Some(("cover", words.cover())),
        TITLE_PAGE => Some(("titlepage", words.title_page())),
        CONTENTS_PAGE => Some(("toc", words.contents())),
        _ => None,
    }
}

/// Text of the nav document besides the table of contents: the landmarks' names and
/// the page-list's numbers (set in the body face).
pub fn nav_text(language: &str) -> String {
    let mut text: String = [COVER_PAGE, TITLE_PAGE, CONTENTS_PAGE]
        .iter()
        .filter_map(|href| landmark(href, language))
        .map(|(_, name)| name)
        .collect();
    text.push_str("0123456789");
    text
}

/// Landmarks entries for the cover, the title page and the contents page (epub-builder
/// lists only pages that are in the table of contents).
fn front_landmarks(pages: &[Page], language: &str) -> String {
    let mut entries = String::new();
    for page in pages {
        if let Some((kind, title)) = landmark(&page.href, language) {
            entries.push_str(&format!(
                "\n      <li><a epub:type=\"{kind}\" href=\"{}\">{title}</a></li>",
                page.href
            ));
        }
    }
    entries
}

/// Rewrites what epub-builder gets wrong in the OPF, the nav and the NCX; adds the
/// `front` matter's landmarks and the page-list to the nav.
fn repair(archive: &mut Archive, meta: &Metadata, front: &str, page_list: &str) {
    let lang = escape(&meta.language);
    let identifier = escape(&meta.identifier);
    archive.rewrite(OPF, |opf| {
        let mut opf = opf.replacen(
            "<package version=\"3.0\"",
            &format!("<package version=\"3.0\" xml:lang=\"{lang}\""),
            1,
        );
        // dc:language must not reuse the creators' ids
        while let Some(start) = opf.find("<dc:language id=\"") {
            let Some(end) = opf[start..].find('>') else {
                break;
            };
            opf.replace_range(start..start + end, "<dc:language");
        }
        opf = replace_element_text(&opf, "<dc:identifier id=\"epub-id-1\">", &identifier);
        // the cover page is an SVG wrapper
        opf = add_property(&opf, COVER_PAGE, "svg");
        opf.replacen(
            "    <meta property=\"dcterms:modified\">",
            &format!(
                "{}    <meta property=\"dcterms:modified\">",
                extra_metadata(meta, !page_list.is_empty())
            ),
            1,
        )
    });
    archive.rewrite(NAV, |nav| {
        nav.replacen(
            "<html xmlns=\"http://www.w3.org/1999/xhtml\"",
            &format!("<html lang=\"{lang}\" xml:lang=\"{lang}\" xmlns=\"http://www.w3.org/1999/xhtml\""),
            1,
        )
        .replacen(
            "<nav epub:type = \"toc\" id=\"toc\">",
            "<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\" aria-labelledby=\"toc-title\">",
            1,
        )
        .replacen(
            "<nav epub:type = \"landmarks\">\n    <ol>",
            &format!(
                "<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\" aria-label=\"{}\">\n    <ol>{front}",
                Words::of(&meta.language).landmarks()
            ),
            1,
        )
        .replacen("</body>", &format!("{page_list}</body>"), 1)
    });
    archive.rewrite(NCX, |ncx| {
        ncx.replacen(
            "<head>",
            &format!("<head>\n    <meta name=\"dtb:uid\" content=\"{identifier}\" />"),
            1,
        )
    });
}

/// Adds `property` to the manifest item of `href`.
fn add_property(opf: &str, href: &str, property: &str) -> String {
    let needle = format!("href=\"{href}\"");
    let Some(at) = opf.find(&needle) else {
        return opf.to_string();
    };
    let start = opf[..at].rfind('<').unwrap_or(at);
    let end = opf[at..].find('>').map_or(opf.len(), |i| at + i);
    let item = &opf[start..end];
    let item = match item.find("properties=\"") {
        Some(p) => {
            let value = p + "properties=\"".len();
            format!("{}{property} {}", &item[..value], &item[value..])
        }
        None => item.replacen(&needle, &format!("{needle} properties=\"{property}\""), 1),
    };
    format!("{}{}{}", &opf[..start], item, &opf[end..])
}

/// Replaces the text of the element that starts with `open` (up to the next `<`).
fn replace_element_text(xml: &str, open: &str, text: &str) -> String {
    let Some(start) = xml.find(open).map(|i| i + open.len()) else {
        return xml.to_string();
    };
    let end = xml[start..].find('<').map_or(xml.len(), |i| start + i);
    format!("{}{}{}", &xml[..start], text, &xml[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Metadata {
        Metadata {
            subtitle: Some("副题".into()),
            identifier: "urn:isbn:9787000000000".into(),
            date: Some("2021-11".into()),
            modified: 1_638_316_800,
            publisher: Some("社<".into()),
            ..Metadata::sample("书 & 名")
        }
    }

    fn page(href: &str, title: Option<&str>) -> Page {
        Page {
            href: href.into(),
            xhtml: "<html/>".into(),
            toc: title
                .map(|t| TocEntry {
                    href: href.into(),
                    title: t.into(),
                    children: vec![TocEntry {
                        href: format!("{href}#s"),
                        title: "节".into(),
                        children: vec![],
                    }],
                })
                .into_iter()
                .collect(),
            usage: Default::default(),
            stops: vec![],
            body_end: 0,
        }
    }

    fn archive() -> Archive {
        assemble(Contents {
            meta: &meta(),
            pages: &[page("cover.xhtml", None), page("ch001.xhtml", Some("章"))],
            stylesheet: "",
            cover: &CoverImage {
                data: b"jpeg".to_vec(),
                format: crate::cover::CoverFormat::Jpeg,
                width: 2,
                height: 3,
            },
            resources: &[],
            page_list: "<nav epub:type=\"page-list\"></nav>",
        })
        .unwrap()
    }

    #[test]
    fn opf_is_repaired() {
        let a = archive();
        let opf = String::from_utf8(a.get(OPF).unwrap().to_vec()).unwrap();
        assert!(
            opf.contains("<package version=\"3.0\" xml:lang=\"zh-CN\""),
            "{opf}"
        );
        assert!(opf.contains("<dc:language>zh-CN</dc:language>"), "{opf}");
        assert!(
            opf.contains(">urn:isbn:9787000000000</dc:identifier>"),
            "{opf}"
        );
        assert!(opf.contains("<dc:title>书 &amp; 名</dc:title>"), "{opf}");
        assert!(opf.contains("<dc:publisher>社&lt;</dc:publisher>"), "{opf}");
        assert!(opf.contains("<dc:date>2021-11</dc:date>"), "{opf}");
        assert!(opf.contains("property=\"title-type\">subtitle"), "{opf}");
        assert!(
            opf.contains("<meta property=\"dcterms:modified\">2021-12-01T00:00:00Z</meta>"),
            "{opf}"
        );
        assert!(opf.contains("schema:accessibilitySummary"), "{opf}");
        assert!(opf.contains(">printPageNumbers</meta>"), "{opf}");
        assert!(
            opf.contains("<meta property=\"pageBreakSource\">书 &amp; 名（PDF 版）</meta>"),
            "{opf}"
        );
        assert!(
            opf.contains("href=\"cover.xhtml\" properties=\"svg\""),
            "{opf}"
        );
        assert!(a
            .get("META-INF/com.apple.ibooks.display-options.xml")
            .is_some());
        assert!(opf.contains("<reference type=\"cover\""), "{opf}");
        let creators = opf.matches("<dc:creator").count();
        assert_eq!(creators, 2);
        // ids are unique
        let mut ids: Vec<&str> = opf
            .split(" id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "{opf}");
    }

    #[test]
    fn nav_is_repaired() {
        let a = archive();
        let nav = String::from_utf8(a.get(NAV).unwrap().to_vec()).unwrap();
        assert!(
            nav.contains("<html lang=\"zh-CN\" xml:lang=\"zh-CN\""),
            "{nav}"
        );
        assert!(nav.contains("role=\"doc-toc\""), "{nav}");
        assert!(
            nav.contains("epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\""),
            "{nav}"
        );
        assert!(
            nav.contains("bodymatter"),
            "landmarks must not be empty: {nav}"
        );
        assert!(nav.contains("ch001.xhtml#s"), "{nav}");
        assert!(
            nav.contains("<nav epub:type=\"page-list\"></nav></body>"),
            "{nav}"
        );
        assert!(
            nav.contains("<li><a epub:type=\"cover\" href=\"cover.xhtml\">封面</a></li>"),
            "{nav}"
        );
        let ncx = String::from_utf8(a.get(NCX).unwrap().to_vec()).unwrap();
        assert!(
            ncx.contains("dtb:uid\" content=\"urn:isbn:9787000000000\""),
            "{ncx}"
        );
    }

    #[test]
    fn zip_is_reproducible_with_mimetype_first() {
        let a = archive();
        let one = a.to_zip(&[], 1_638_316_800).unwrap();
        let two = archive().to_zip(&[], 1_638_316_800).unwrap();
        assert_eq!(one, two);
        assert_eq!(&one[30..38], b"mimetype");
        assert_eq!(&one[38..58], b"application/epub+zip");
    }
}
