//! Document metadata: the Info dictionary, the XMP metadata stream (title, creators,
//! language, dates; `pdfuaid:part 1`; `pdfxid:GTS_PDFXVersion` in a print master), the
//! file identifier derived from the book, and the PDF/X output intent.

use pdf_writer::types::{OutputIntentSubtype, TrappingStatus};
use pdf_writer::writers::Catalog;
use pdf_writer::{Date, Filter, Finish, Name, Pdf, Ref, TextStr};
use xmp_writer::{DateTime, LangId, Timezone, XmpWriter};

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

/// What the catalog and the trailer need of the metadata.
pub struct Meta {
    /// The XMP stream.
    pub xmp: Ref,
    /// The file identifier.
    pub file_id: Vec<u8>,
}

/// The print master's output condition.
const CONDITION: &str = "Coated FOGRA39 (ISO 12647-2:2004)";
const CONDITION_ID: &str = "FOGRA39";
/// The CMYK profile of the output intent (see `icc/README.md`), deflated by `build.rs`.
const CMYK_PROFILE_DEFLATED: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/FOGRA39-inkstone.icc.zz"));
/// The PDF/X version a print master conforms to.
const PDFX_VERSION: &str = "PDF/X-4";

fn utc(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// Writes the Info dictionary and the XMP stream.
pub fn write(
    pdf: &mut Pdf,
    next: &mut impl FnMut() -> Ref,
    info: &DocumentInfo,
    print: bool,
) -> Meta {
    use chrono::{Datelike, Timelike};
    let t = utc(info.time);
    let producer = concat!("inkstone ", env!("CARGO_PKG_VERSION"));
    let authors = info.authors.join("、");
    let seed = format!(
        "{}\u{1f}{}\u{1f}{}",
        info.identifier,
        info.time,
        if print { "print" } else { "screen" }
    );
    let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, seed.as_bytes());

    let info_id = next();
    let mut dict = pdf.document_info(info_id);
    dict.title(TextStr(&info.title));
    if !authors.is_empty() {
        dict.author(TextStr(&authors));
    }
    if let Some(subject) = &info.subject {
        dict.subject(TextStr(subject));
    }
    dict.creator(TextStr("inkstone"));
    dict.producer(TextStr(producer));
    let date = Date::new(t.year() as u16)
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    dict.creation_date(date);
    dict.modified_date(date);
    if print {
        dict.trapped(TrappingStatus::NotTrapped);
        dict.pair(Name(b"GTS_PDFXVersion"), TextStr(PDFX_VERSION));
    }
    dict.finish();

    let when = DateTime::new(
        t.year() as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        Timezone::Utc,
    );
    let mut xmp = XmpWriter::new();
    xmp.title([(None, info.title.as_str())]);
    xmp.creator(info.authors.iter().map(String::as_str));
    if let Some(subject) = &info.subject {
        xmp.description([(None, subject.as_str())]);
    }
    xmp.language([LangId(&info.language)]);
    xmp.format("application/pdf");
    xmp.identifier(&info.identifier);
    xmp.create_date(when);
    xmp.modify_date(when);
    xmp.metadata_date(when);
    xmp.creator_tool("inkstone");
    xmp.producer(producer);
    xmp.pdf_version("1.7");
    xmp.document_id(&format!("uuid:{uuid}"));
    xmp.instance_id(&format!("uuid:{uuid}"));
    xmp.pdfua_part(1);
    if print {
        xmp.pdfx_version(PDFX_VERSION);
        xmp.trapped(false);
    }
    let xml = xmp.finish(None);
    let xmp_id = next();
    pdf.metadata(xmp_id, xml.as_bytes());
    Meta {
        xmp: xmp_id,
        file_id: uuid.as_bytes().to_vec(),
    }
}

/// Writes the output intent's ICC profile; returns its reference.
pub fn output_intent_profile(pdf: &mut Pdf, next: &mut impl FnMut() -> Ref) -> Ref {
    let id = next();
    pdf.icc_profile(id, CMYK_PROFILE_DEFLATED)
        .n(4)
        .range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
        .filter(Filter::FlateDecode);
    id
}

/// Writes the PDF/X output intent into the catalog.
pub fn write_output_intent(catalog: &mut Catalog<'_>, profile: Ref) {
    let mut intents = catalog.output_intents();
    let mut intent = intents.push();
    intent.subtype(OutputIntentSubtype::PDFX);
    intent.output_condition(TextStr(CONDITION));
    intent.output_condition_identifier(TextStr(CONDITION_ID));
    intent.registry_name(TextStr("http://www.color.org"));
    intent.info(TextStr(CONDITION));
    intent.dest_output_profile(profile);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_intent_profile_inflates_to_the_bundled_one() {
        assert_eq!(
            crate::deflate::inflate(CMYK_PROFILE_DEFLATED),
            include_bytes!("icc/FOGRA39-inkstone.icc")
        );
    }
}
