//! The package metadata epub-builder cannot write: subtitle, publisher, date, the
//! store's data (ISBN, series, subjects, rights, contributors) and accessibility.

use super::xhtml::escape;
use crate::model::{Metadata, Words};

/// The accessibility standard the books claim to meet (EPUB Accessibility 1.1).
const CONFORMS_TO: &str = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA";

/// Metadata epub-builder cannot write: subtitle, publisher, date and accessibility.
pub fn extra_metadata(meta: &Metadata, page_numbers: bool) -> String {
    let mut xml = String::new();
    let mut line = |s: String| {
        xml.push_str("    ");
        xml.push_str(&s);
        xml.push('\n');
    };
    if let Some(subtitle) = &meta.subtitle {
        line(format!(
            "<dc:title id=\"subtitle\">{}</dc:title>",
            escape(subtitle)
        ));
        line("<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>".into());
    }
    if let Some(publisher) = &meta.publisher {
        line(format!(
            "<dc:publisher>{}</dc:publisher>",
            escape(publisher)
        ));
    }
    if let Some(date) = &meta.date {
        line(format!("<dc:date>{}</dc:date>", escape(date)));
    }
    for entry in store_metadata(meta) {
        line(entry);
    }
    for (property, value) in accessibility(meta, page_numbers) {
        line(format!(
            "<meta property=\"{property}\">{}</meta>",
            escape(&value)
        ));
    }
    xml
}

/// What stores read: the ISBN (when the identifier is another), series, subjects,
/// rights and contributors with their MARC relator roles.
fn store_metadata(meta: &Metadata) -> Vec<String> {
    let mut xml = Vec::new();
    if let Some(isbn) = &meta.isbn {
        let urn = format!("urn:isbn:{isbn}");
        if meta.identifier != urn {
            xml.push(format!("<dc:identifier id=\"isbn\">{urn}</dc:identifier>"));
        }
    }
    if let Some(series) = &meta.series {
        xml.push(format!(
            "<meta property=\"belongs-to-collection\" id=\"series\">{}</meta>",
            escape(&series.name)
        ));
        xml.push("<meta refines=\"#series\" property=\"collection-type\">series</meta>".into());
        if let Some(position) = &series.position {
            xml.push(format!(
                "<meta refines=\"#series\" property=\"group-position\">{position}</meta>"
            ));
        }
    }
    for subject in &meta.subjects {
        xml.push(format!("<dc:subject>{}</dc:subject>", escape(subject)));
    }
    if let Some(rights) = &meta.rights {
        xml.push(format!("<dc:rights>{}</dc:rights>", escape(rights)));
    }
    for (i, c) in meta.contributors.iter().enumerate() {
        let id = format!("contributor-{}", i + 1);
        xml.push(format!(
            "<dc:contributor id=\"{id}\">{}</dc:contributor>",
            escape(&c.name)
        ));
        xml.push(format!(
            "<meta refines=\"#{id}\" property=\"role\" scheme=\"marc:relators\">{}</meta>",
            c.role.marc()
        ));
    }
    xml
}

/// Accessibility metadata (schema.org, as EPUB Accessibility 1.1 asks); with
/// `page_numbers`, the print edition's page breaks are marked.
fn accessibility(meta: &Metadata, page_numbers: bool) -> Vec<(&'static str, String)> {
    let words = Words::of(&meta.language);
    let summary = words.accessibility_summary();
    let mut properties = vec![
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "alternativeText"),
        ("schema:accessibilityFeature", "displayTransformability"),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        ("dcterms:conformsTo", CONFORMS_TO),
    ];
    if page_numbers {
        properties.push(("schema:accessibilityFeature", "printPageNumbers"));
        properties.push(("schema:accessibilityFeature", "pageNavigation"));
    }
    let mut properties: Vec<(&str, String)> = properties
        .into_iter()
        .map(|(p, v)| (p, v.to_string()))
        .collect();
    if page_numbers {
        // the pages are those of the PDF made in the same build
        properties.push(("pageBreakSource", words.print_edition(&meta.title)));
    }
    properties
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contributor, Role, Series};

    #[test]
    fn store_data_is_written() {
        let meta = Metadata {
            isbn: Some("9787020002207".into()),
            series: Some(Series {
                name: "丛书".into(),
                position: Some("2".into()),
            }),
            subjects: vec!["小说".into()],
            rights: Some("版权所有".into()),
            contributors: vec![Contributor {
                name: "丙".into(),
                role: Role::Translator,
            }],
            ..Metadata::sample("书")
        };
        let xml = extra_metadata(&meta, false);
        for part in [
            "<dc:identifier id=\"isbn\">urn:isbn:9787020002207</dc:identifier>",
            "<meta property=\"belongs-to-collection\" id=\"series\">丛书</meta>",
            "<meta refines=\"#series\" property=\"group-position\">2</meta>",
            "<dc:subject>小说</dc:subject>",
            "<dc:rights>版权所有</dc:rights>",
            "<meta refines=\"#contributor-1\" property=\"role\" scheme=\"marc:relators\">trl</meta>",
            "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>",
        ] {
            assert!(xml.contains(part), "{part} in {xml}");
        }
        assert!(!xml.contains("printPageNumbers"));
    }
}
