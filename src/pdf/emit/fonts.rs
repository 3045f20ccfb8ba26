//! Font embedding: each font the pages use, cut down to the glyphs they use (allsorts,
//! printpdf's subsetter), as a Type 0 font with Identity-H encoding. A CID-keyed CFF
//! (the Noto CJK faces) is embedded bare (`/FontFile3 /CIDFontType0C`), its codes the
//! CIDs of its charset (printpdf's `extract_cid_keyed_cff` and
//! `cff_charset_gid_to_cid_map`), so that every viewer finds the same glyphs; a
//! TrueType font goes in as `/FontFile2` with codes that are glyph ids. `/ToUnicode`
//! comes from printpdf's CMap writer; a glyph whose text differs from it gets
//! `/ActualText` in the content. The six-letter subset tag is derived from the glyph
//! set, so two different subsets never share a name. Colour bitmap fonts (emoji) are
//! not embedded: their glyphs are drawn as images.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::writers::Resources;
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};
use rayon::prelude::*;

use super::Document;
use crate::error::{Error, Result};
use crate::fonts::{Order, Outlines};
use crate::pdf::shape::{FontKey, GlyphStr, GlyphText};

/// How one font is embedded.
struct Embedded {
    key: FontKey,
    /// Resource name, e.g. `F1`.
    name: String,
    /// By glyph id, the glyphs the font draws (a few hundred or thousand of a face's
    /// tens of thousands, so a map rather than tables by glyph id).
    glyphs: HashMap<u16, Entry>,
    font_ref: Ref,
}

/// How a content stream shows one glyph of an embedded font.
struct Entry {
    /// The code in the content stream.
    code: u16,
    /// The width in thousandths of an em, as written in `/W`.
    width: f32,
    /// The text `/ToUnicode` gives it.
    text: GlyphText,
}

/// How a glyph is shown in a content stream.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    /// The font's resource name.
    pub name: &'a str,
    /// The glyph's code.
    pub code: u16,
    /// Its width in thousandths of an em, as the viewer sees it.
    pub width: f32,
    /// The text `/ToUnicode` gives it.
    pub mapped: &'a GlyphText,
}

impl Shown<'_> {
    /// The `/ActualText` the glyph needs where it stands for `text`: when that is
    /// several characters, or other text than `/ToUnicode` gives.
    pub fn actual_text(&self, text: GlyphStr<'_>) -> Option<String> {
        match text {
            GlyphStr::None => None,
            GlyphStr::Str(s) => Some(s.to_string()),
            GlyphStr::Char(_) if self.mapped.as_str() != text => Some(text.to_text()),
            GlyphStr::Char(_) => None,
        }
    }
}

/// The fonts of a document, embedded.
pub struct Fonts {
    fonts: Vec<Embedded>,
    /// The glyphs of fonts that are not embedded (colour bitmap fonts), in font and
    /// glyph order: they are drawn as images.
    bitmap_glyphs: Vec<(FontKey, u16)>,
}

impl Fonts {
    fn get(&self, key: FontKey) -> Option<&Embedded> {
        self.fonts.iter().find(|f| f.key == key)
    }

    /// How glyph `id` of `key` is shown: its font's resource name, its code, its width
    /// and the text `/ToUnicode` gives it; `None` for a glyph drawn as an image (a colour
    /// bitmap font).
    pub fn glyph(&self, key: FontKey, id: u16) -> Option<Shown<'_>> {
        let font = self.get(key)?;
        let entry = font.glyphs.get(&id)?;
        Some(Shown {
            name: font.name.as_str(),
            code: entry.code,
            width: entry.width,
            mapped: &entry.text,
        })
    }

    /// The glyphs drawn as images (of colour bitmap fonts), in font and glyph order.
    pub fn bitmap_glyphs(&self) -> &[(FontKey, u16)] {
        &self.bitmap_glyphs
    }

    /// Writes `/Font << /F1 … >>` into page resources.
    pub fn write_names(&self, resources: &mut Resources<'_>) {
        let mut dict = resources.fonts();
        for f in &self.fonts {
            dict.pair(Name(f.name.as_bytes()), f.font_ref);
        }
    }
}

/// Every glyph each font draws, with the first text it stands for (pages read side by
/// side, then merged in page order).
fn used_glyphs(doc: &Document<'_>) -> BTreeMap<FontKey, BTreeMap<u16, GlyphText>> {
    type Used = HashMap<FontKey, HashMap<u16, GlyphText>>;
    let first_text = |entry: &mut GlyphText, text: GlyphStr<'_>| {
        if entry.as_str().is_empty() && !text.is_empty() {
            *entry = text.to_owned();
        }
    };
    let used: Used = doc
        .pages
        .par_iter()
        .fold(Used::default, |mut used, page| {
            for placed in &page.lines {
                for g in &placed.line.glyphs {
                    let entry = used.entry(g.font).or_default().entry(g.id).or_default();
                    first_text(entry, placed.line.text(g));
                }
            }
            used
        })
        .reduce(Used::default, |mut earlier, later| {
            for (key, glyphs) in later {
                let font = earlier.entry(key).or_default();
                for (id, text) in glyphs {
                    first_text(font.entry(id).or_default(), text.as_str());
                }
            }
            earlier
        });
    used.into_iter()
        .map(|(key, glyphs)| (key, glyphs.into_iter().collect()))
        .collect()
}

/// A font program cut down for embedding.
struct Program {
    key: FontKey,
    glyphs: BTreeMap<u16, GlyphText>,
    /// The bytes to embed and how.
    data: Vec<u8>,
    kind: ProgramKind,
    codes: HashMap<u16, u16>,
    widths: HashMap<u16, f32>,
    postscript_name: String,
    metrics: Metrics,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ProgramKind {
    /// A bare CID-keyed CFF: `/FontFile3 /CIDFontType0C`.
    CidCff,
    /// An OpenType font with CFF outlines: `/FontFile3 /OpenType`.
    OpenType,
    /// A TrueType font: `/FontFile2`.
    TrueType,
}

/// Font-wide metrics in thousandths of an em.
#[derive(Debug, Clone, Copy, Default)]
struct Metrics {
    bbox: [f32; 4],
    ascent: f32,
    descent: f32,
    cap_height: f32,
    serif: bool,
}

/// Subsets one font for the glyphs it draws.
fn program(
    key: FontKey,
    data: &[u8],
    index: u32,
    glyphs: BTreeMap<u16, GlyphText>,
    outlines: &Outlines,
) -> Result<Option<Program>> {
    let face = ttf_parser::Face::parse(data, index)
        .map_err(|e| Error::Internal(format!("reading a font to embed: {e}")))?;
    if face.tables().cff.is_none() && face.tables().glyf.is_none() {
        return Ok(None);
    }
    let ids: Vec<u16> = std::iter::once(0)
        .chain(glyphs.keys().copied().filter(|&g| g != 0))
        .collect();
    // allsorts renumbers the glyphs in the order they were asked for
    let new_gid: HashMap<u16, u16> = ids
        .iter()
        .enumerate()
        .map(|(i, &g)| (g, i as u16))
        .collect();
    let whole = || crate::fonts::subset(data, index, &ids);
    let (data, kind, cid_of) = if face.tables().cff.is_some() {
        // from the first glyph: the EPUB's web font, cut at the same time, starts from
        // the last
        match crate::fonts::subset_cid_cff(data, index, &ids, outlines, Order::FirstToLast)? {
            Some(cff) => {
                let cid_of = printpdf::font::cff_charset_gid_to_cid_map(&cff, 0);
                (cff, ProgramKind::CidCff, cid_of)
            }
            None => (whole()?, ProgramKind::OpenType, None),
        }
    } else {
        (whole()?, ProgramKind::TrueType, None)
    };
    let per_em = 1000.0 / f32::from(face.units_per_em());
    let mut codes = HashMap::default();
    let mut widths = HashMap::default();
    for &gid in glyphs.keys() {
        let sub = new_gid.get(&gid).copied().unwrap_or(0);
        let code = cid_of
            .as_ref()
            .and_then(|m| m.get(&sub).copied())
            .unwrap_or(sub);
        codes.insert(gid, code);
        let advance = face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0);
        widths.insert(gid, (f32::from(advance) * per_em).round());
    }
    let postscript_name = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| "Font".to_string())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let b = face.global_bounding_box();
    let os2 = face.tables().os2;
    let metrics = Metrics {
        bbox: [
            f32::from(b.x_min) * per_em,
            f32::from(b.y_min) * per_em,
            f32::from(b.x_max) * per_em,
            f32::from(b.y_max) * per_em,
        ],
        ascent: f32::from(face.ascender()) * per_em,
        descent: f32::from(face.descender()) * per_em,
        cap_height: os2
            .and_then(|t| t.capital_height())
            .map_or(f32::from(face.ascender()) * per_em, |h| {
                f32::from(h) * per_em
            }),
        serif: postscript_name_is_serif(&face),
    };
    Ok(Some(Program {
        key,
        glyphs,
        data,
        kind,
        codes,
        widths,
        postscript_name,
        metrics,
    }))
}

fn postscript_name_is_serif(face: &ttf_parser::Face<'_>) -> bool {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FULL_NAME)
        .find_map(|n| n.to_string())
        .is_some_and(|n| {
            let n = n.to_lowercase();
            (n.contains("serif") || n.contains("song") || n.contains("ming")) && !n.contains("sans")
        })
}

/// Six capital letters derived from the font and its glyph set (FNV-1a), so that the
/// same subset always has the same tag and different subsets different ones.
fn subset_tag(name: &str, glyphs: &BTreeMap<u16, GlyphText>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(name.as_bytes());
    for gid in glyphs.keys() {
        eat(&gid.to_be_bytes());
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

/// A font to write: its program and the objects it is written as.
pub struct Pending {
    program: Program,
    /// `SUBSET+PostScriptName`.
    base: String,
    font_ref: Ref,
    cid_ref: Ref,
    descriptor_ref: Ref,
    file_ref: Ref,
    cmap_ref: Ref,
}

/// Subsets every outline font the pages use (in parallel) and numbers their objects,
/// returning how the content streams refer to them and what is left to write
/// ([`write`]).
pub fn embed(doc: &Document<'_>, next: &mut impl FnMut() -> Ref) -> Result<(Fonts, Vec<Pending>)> {
    let used: Vec<(FontKey, BTreeMap<u16, GlyphText>)> = used_glyphs(doc).into_iter().collect();
    // each font a program, or (a font without outlines) its glyphs to draw as images
    let programs: Vec<std::result::Result<Program, Vec<(FontKey, u16)>>> = used
        .into_par_iter()
        .map(|(key, glyphs)| {
            let (data, index) = doc.bank.data(key);
            let ids: Vec<(FontKey, u16)> = glyphs.keys().map(|&id| (key, id)).collect();
            let outlines = doc.bank.outlines();
            Ok(program(key, data, index, glyphs, outlines)?.ok_or(ids))
        })
        .collect::<Result<_>>()?;
    let mut bitmap_glyphs = Vec::new();
    let mut embedded = Vec::new();
    for p in programs {
        match p {
            Ok(p) => embedded.push(p),
            Err(ids) => bitmap_glyphs.extend(ids),
        }
    }
    let mut fonts = Vec::new();
    let mut pending = Vec::new();
    for (n, p) in embedded.into_iter().enumerate() {
        let base = format!(
            "{}+{}",
            subset_tag(&p.postscript_name, &p.glyphs),
            p.postscript_name
        );
        let (font_ref, cid_ref, descriptor_ref, file_ref, cmap_ref) =
            (next(), next(), next(), next(), next());
        fonts.push(lookup(&p, format!("F{}", n + 1), font_ref));
        pending.push(Pending {
            program: p,
            base,
            font_ref,
            cid_ref,
            descriptor_ref,
            file_ref,
            cmap_ref,
        });
    }
    let fonts = Fonts {
        fonts,
        bitmap_glyphs,
    };
    Ok((fonts, pending))
}

/// How the content streams refer to the glyphs of `p`.
fn lookup(p: &Program, name: String, font_ref: Ref) -> Embedded {
    let glyphs = p
        .glyphs
        .iter()
        .map(|(&gid, text)| {
            let entry = Entry {
                code: p.codes[&gid],
                width: p.widths[&gid],
                text: text.clone(),
            };
            (gid, entry)
        })
        .collect();
    Embedded {
        key: p.key,
        name,
        glyphs,
        font_ref,
    }
}

/// Writes the objects of one font (Type 0 font, CID font, descriptor, the program
/// deflated, `/ToUnicode`) into a chunk of their own, so that fonts are written side by
/// side and with the pages' content.
pub fn write(f: &Pending) -> Chunk {
    let p = &f.program;
    let base = f.base.as_str();
    let mut chunk = Chunk::with_settings(super::SETTINGS);
    let mut type0 = chunk.type0_font(f.font_ref);
    type0.base_font(Name(base.as_bytes()));
    type0.encoding_predefined(Name(b"Identity-H"));
    type0.descendant_font(f.cid_ref);
    type0.to_unicode(f.cmap_ref);
    type0.finish();

    let mut cid = chunk.cid_font(f.cid_ref);
    cid.subtype(if p.kind == ProgramKind::TrueType {
        CidFontType::Type2
    } else {
        CidFontType::Type0
    });
    cid.base_font(Name(base.as_bytes()));
    cid.system_info(SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    });
    cid.font_descriptor(f.descriptor_ref);
    cid.default_width(1000.0);
    if p.kind == ProgramKind::TrueType {
        cid.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    let mut by_code: Vec<(u16, f32)> = p.glyphs.keys().map(|g| (p.codes[g], p.widths[g])).collect();
    by_code.sort_by_key(|&(code, _)| code);
    by_code.dedup_by_key(|&mut (code, _)| code);
    let mut widths = cid.widths();
    let mut k = 0;
    while k < by_code.len() {
        let start = by_code[k].0;
        let mut run = vec![by_code[k].1];
        while k + run.len() < by_code.len() && by_code[k + run.len()].0 == start + run.len() as u16
        {
            run.push(by_code[k + run.len()].1);
        }
        k += run.len();
        widths.consecutive(start, run);
    }
    widths.finish();
    cid.finish();

    let m = p.metrics;
    let mut descriptor = chunk.font_descriptor(f.descriptor_ref);
    descriptor.name(Name(base.as_bytes()));
    let mut flags = FontFlags::SYMBOLIC;
    if m.serif {
        flags |= FontFlags::SERIF;
    }
    descriptor.flags(flags);
    descriptor.bbox(Rect::new(m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]));
    descriptor.italic_angle(0.0);
    descriptor.ascent(m.ascent);
    descriptor.descent(m.descent);
    descriptor.cap_height(m.cap_height);
    descriptor.stem_v(80.0);
    match p.kind {
        ProgramKind::TrueType => descriptor.font_file2(f.file_ref),
        _ => descriptor.font_file3(f.file_ref),
    };
    descriptor.finish();

    let compressed = crate::deflate::zlib(&p.data, crate::deflate::FONTS);
    let mut file = chunk.stream(f.file_ref, &compressed);
    file.filter(Filter::FlateDecode);
    match p.kind {
        ProgramKind::CidCff => {
            file.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        }
        ProgramKind::OpenType => {
            file.pair(Name(b"Subtype"), Name(b"OpenType"));
        }
        ProgramKind::TrueType => {
            file.pair(Name(b"Length1"), p.data.len() as i32);
        }
    }
    file.finish();

    let mappings: BTreeMap<u32, Vec<u32>> = p
        .glyphs
        .iter()
        .filter(|(_, text)| !text.as_str().is_empty())
        .map(|(g, text)| {
            (
                u32::from(p.codes[g]),
                text.as_str().to_text().chars().map(|c| c as u32).collect(),
            )
        })
        .collect();
    let cmap = printpdf::ToUnicodeCMap { mappings }.to_cmap_string(base);
    let cmap = deflate(cmap.as_bytes());
    chunk.stream(f.cmap_ref, &cmap).filter(Filter::FlateDecode);
    chunk
}

/// Deflates a CMap or image stream.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    crate::deflate::zlib(data, crate::deflate::PDF_RESOURCES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_tags_follow_the_glyph_set() {
        let one: BTreeMap<u16, GlyphText> = [(1, GlyphText::Char('a'))].into();
        let two: BTreeMap<u16, GlyphText> = [(2, GlyphText::Char('b'))].into();
        let tag = subset_tag("Noto", &one);
        assert_eq!(tag.len(), 6);
        assert!(tag.chars().all(|c| c.is_ascii_uppercase()));
        assert_eq!(tag, subset_tag("Noto", &one));
        assert_ne!(tag, subset_tag("Noto", &two));
    }
}
