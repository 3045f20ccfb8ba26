//! Fonts cut down to the glyphs a book uses, with allsorts (the subsetter printpdf is
//! built on): font programs for the PDF and web fonts for the EPUB.

use crate::error::{Error, Result};

/// What a font subset is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subset {
    /// A web font of an EPUB: the tables a reading system needs, a Unicode cmap.
    Web,
    /// A font program embedded in a PDF: outlines and metrics only.
    Pdf,
}

/// Face `index` of `data` cut down to glyphs `ids` (the first must be 0, .notdef; no
/// repeats), with allsorts, the subsetter printpdf is built on. Glyph `ids[i]` becomes
/// glyph `i` of the subset.
pub fn subset(data: &[u8], index: u32, ids: &[u16], purpose: Subset) -> Result<Vec<u8>> {
    use allsorts::subset::{subset as cut, CmapTarget, SubsetProfile};

    let profile = match purpose {
        Subset::Web => SubsetProfile::Minimal,
        Subset::Pdf => SubsetProfile::Pdf,
    };
    with_tables(data, index, |provider| {
        cut(provider, ids, &profile, CmapTarget::Unicode).map_err(|e| subset_error("subset", &e))
    })
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
        let whole = subset(data, 0, &ids, Subset::Pdf).unwrap();
        let font = ReadScope::new(&whole).read::<FontData<'_>>().unwrap();
        let provider = font.table_provider(0).unwrap();
        let table = provider.read_table_data(allsorts::tag::CFF).unwrap();
        assert_eq!(bare, *table);
    }
}
