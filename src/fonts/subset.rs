//! Fonts cut down to the glyphs a book uses, with allsorts (the subsetter printpdf is
//! built on): font programs for the PDF and web fonts for the EPUB.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// Face `index` of `data` cut down to glyphs `ids` (the first must be 0, .notdef; no
/// repeats) as a font program for a PDF: outlines and metrics. Glyph `ids[i]` becomes
/// glyph `i` of the subset.
pub fn subset(data: &[u8], index: u32, ids: &[u16]) -> Result<Vec<u8>> {
    use allsorts::subset::SubsetProfile;

    with_tables(data, index, |provider| {
        cut(provider, ids, SubsetProfile::Pdf)
    })
}

/// Face `index` of `data` cut down to a web font for an EPUB: the glyphs of `map`
/// (plus .notdef), the tables a reading system needs, and a cmap that maps exactly
/// `map`'s characters to their glyphs (a glyph may be a locale form that the face's own
/// cmap does not reach, see [`super::forms`]). `None` when `map` is empty.
pub fn subset_web(data: &[u8], index: u32, map: &[(char, u16)]) -> Result<Option<Vec<u8>>> {
    use allsorts::subset::SubsetProfile;

    let mut ids: Vec<u16> = map.iter().map(|&(_, g)| g).filter(|&g| g != 0).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(None);
    }
    ids.insert(0, 0);
    with_tables(data, index, |tables| {
        let remapped = Remapped {
            tables,
            cmap: cmap(map),
        };
        cut(&remapped, &ids, SubsetProfile::Minimal).map(Some)
    })
}

/// Cuts the face behind `provider` down to glyphs `ids` with the tables of `profile`; the
/// cut font's cmap keeps the mappings of the face's cmap that reach those glyphs.
fn cut(
    provider: &impl allsorts::tables::FontTableProvider,
    ids: &[u16],
    profile: allsorts::subset::SubsetProfile,
) -> Result<Vec<u8>> {
    use allsorts::subset::{subset, CmapTarget};

    subset(provider, ids, &profile, CmapTarget::Unicode).map_err(|e| subset_error("subset", &e))
}

/// A face's tables with its cmap replaced: allsorts builds a cut font's cmap from the
/// face's own, so a character is given another glyph by giving the face another cmap.
/// (It also scans the whole cmap for each cut; a book's few thousand mappings are
/// quicker to scan than the face's tens of thousands.)
struct Remapped<'a, P> {
    tables: &'a P,
    cmap: Vec<u8>,
}

impl<P: allsorts::tables::FontTableProvider> allsorts::tables::FontTableProvider
    for Remapped<'_, P>
{
    fn table_data(
        &self,
        tag: u32,
    ) -> std::result::Result<Option<Cow<'_, [u8]>>, allsorts::error::ParseError> {
        if tag == allsorts::tag::CMAP {
            Ok(Some(Cow::Borrowed(&self.cmap)))
        } else {
            self.tables.table_data(tag)
        }
    }

    fn has_table(&self, tag: u32) -> bool {
        tag == allsorts::tag::CMAP || self.tables.has_table(tag)
    }

    fn table_tags(&self) -> Option<Vec<u32>> {
        self.tables.table_tags()
    }
}

/// A `cmap` table of one Windows full-Unicode subtable (format 12) mapping each
/// character of `map` to its glyph; runs of consecutive characters on consecutive
/// glyphs share a group.
fn cmap(map: &[(char, u16)]) -> Vec<u8> {
    let mut sorted: Vec<(u32, u32)> = map
        .iter()
        .filter(|&&(_, g)| g != 0)
        .map(|&(c, g)| (c as u32, u32::from(g)))
        .collect();
    sorted.sort_unstable();
    sorted.dedup_by_key(|&mut (c, _)| c);
    // (first character, last character, first glyph)
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (c, g) in sorted {
        match groups.last_mut() {
            Some((first, last, glyph)) if c == *last + 1 && g == *glyph + (c - *first) => {
                *last = c;
            }
            _ => groups.push((c, c, g)),
        }
    }
    let length = 16 + 12 * groups.len() as u32;
    let mut out = Vec::with_capacity(12 + length as usize);
    out.extend_from_slice(&0u16.to_be_bytes()); // version
    out.extend_from_slice(&1u16.to_be_bytes()); // one subtable
    out.extend_from_slice(&3u16.to_be_bytes()); // Windows
    out.extend_from_slice(&10u16.to_be_bytes()); // full Unicode
    out.extend_from_slice(&12u32.to_be_bytes()); // offset of the subtable
    out.extend_from_slice(&12u16.to_be_bytes()); // format
    out.extend_from_slice(&0u16.to_be_bytes()); // reserved
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes()); // language
    out.extend_from_slice(&(groups.len() as u32).to_be_bytes());
    for (first, last, glyph) in groups {
        for n in [first, last, glyph] {
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
    out
}

/// Face `index` of `data` cut down to glyphs `ids` (as [`subset`]) as a bare `CFF `
/// table, what a PDF embeds as `/CIDFontType0C`: `None` when the face has no CFF outlines
/// or the cut font is not CID-keyed. The table is the one [`subset`] wraps in an
/// OpenType file, cut without building the file's other tables (allsorts offers this
/// only behind its `prince` feature, so the few calls are made here).
pub fn subset_cid_cff(data: &[u8], index: u32, ids: &[u16]) -> Result<Option<Vec<u8>>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::binary::write::{WriteBinary, WriteBuffer};
    use allsorts::cff::CFF;
    use allsorts::tables::FontTableProvider;

    with_tables(data, index, |provider| {
        let Some(table) = provider
            .table_data(allsorts::tag::CFF)
            .map_err(|e| subset_error("CFF table", &e))?
        else {
            return Ok(None);
        };
        let cff = ReadScope::new(&table)
            .read::<CFF<'_>>()
            .map_err(|e| subset_error("CFF", &e))?;
        if cff.name_index.len() != 1 || cff.fonts.len() != 1 {
            return Ok(None);
        }
        // fonts of more than 255 glyphs become CID-keyed, as in `subset`
        let cut: CFF<'_> = cff
            .subset(ids, true)
            .map_err(|e| subset_error("CFF subset", &e))?
            .into();
        if !cut.fonts.first().is_some_and(|f| f.is_cid_keyed()) {
            return Ok(None);
        }
        let mut out = WriteBuffer::new();
        CFF::write(&mut out, &cut).map_err(|e| subset_error("CFF write", &e))?;
        Ok(Some(out.into_inner()))
    })
}

/// Calls `f` with the tables of face `index` of `data`, read by allsorts.
fn with_tables<T>(
    data: &[u8],
    index: u32,
    f: impl FnOnce(&allsorts::font_data::DynamicFontTableProvider<'_>) -> Result<T>,
) -> Result<T> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;

    let font = ReadScope::new(data)
        .read::<FontData<'_>>()
        .map_err(|e| subset_error("parse", &e))?;
    let provider = font
        .table_provider(index as usize)
        .map_err(|e| subset_error("tables", &e))?;
    f(&provider)
}

/// An allsorts failure while cutting a font.
fn subset_error(what: &str, e: &dyn std::fmt::Debug) -> Error {
    Error::Internal(format!("font subsetting ({what}): {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Face;

    #[test]
    fn a_bare_cff_cut_is_the_table_of_the_whole_cut() {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::tables::FontTableProvider;

        let face = ttf_parser::Face::parse(Face::SerifRegular.data(), 0).unwrap();
        let mut ids: Vec<u16> = "镇江高新区，“”A1體"
            .chars()
            .map(|c| face.glyph_index(c).unwrap().0)
            .collect();
        ids.insert(0, 0);
        let data = Face::SerifRegular.data();
        let bare = subset_cid_cff(data, 0, &ids).unwrap().unwrap();
        let whole = subset(data, 0, &ids).unwrap();
        let font = ReadScope::new(&whole).read::<FontData<'_>>().unwrap();
        let provider = font.table_provider(0).unwrap();
        let table = provider.read_table_data(allsorts::tag::CFF).unwrap();
        assert_eq!(bare, *table);
    }
}
