//! Fonts cut down to the glyphs a book uses, with allsorts (the subsetter printpdf is
//! built on): font programs for the PDF and web fonts for the EPUB.

use std::borrow::Cow;

use allsorts::tables::FontTableProvider;

use super::tables::{self, Renumber, Rules};
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
/// (plus .notdef) and those `rules` name, the tables a reading system needs, a cmap that
/// maps exactly `map`'s characters to their glyphs (a glyph may be a locale form that
/// the face's own cmap does not reach, see [`super::forms`]), a GSUB that joins the
/// glyphs of `rules.joins` and sets the Latin ligatures, and a GPOS that sets the marks
/// of `rules.trims` at half width on demand and kerns the pairs of `rules.kerns`, as the
/// PDF's shaper does. `None` when `map` is empty.
pub fn subset_web(
    data: &[u8],
    index: u32,
    map: &[(char, u16)],
    rules: &Rules,
) -> Result<Option<Vec<u8>>> {
    use allsorts::subset::SubsetProfile;

    let mut ids: Vec<u16> = map
        .iter()
        .map(|&(_, g)| g)
        .chain(rules.glyphs())
        .filter(|&g| g != 0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(None);
    }
    ids.insert(0, 0);
    let cut_font = with_tables(data, index, |face| {
        let remapped = Replaced {
            tables: face,
            added: vec![(allsorts::tag::CMAP, tables::cmap(map))],
        };
        cut(&remapped, &ids, SubsetProfile::Minimal)
    })?;
    // the cut font's glyph `i` is glyph `ids[i]` of the face
    let new = |g: u16| ids.binary_search(&g).ok().map(|i| i as u16);
    let (joins, ligatures) = (
        renumbered(&rules.joins, new),
        renumbered(&rules.ligatures, new),
    );
    let (trims, kerns) = (renumbered(&rules.trims, new), renumbered(&rules.kerns, new));
    let mut added = Vec::new();
    if let Some(gsub) = tables::gsub(&joins, &ligatures) {
        added.push((allsorts::tag::GSUB, gsub));
    }
    if let Some(gpos) = tables::gpos(&trims, &kerns) {
        added.push((allsorts::tag::GPOS, gpos));
    }
    if added.is_empty() {
        return Ok(Some(cut_font));
    }
    with_tables(&cut_font, 0, |cut_tables| {
        let mut tags = cut_tables.table_tags().unwrap_or_default();
        tags.extend(added.iter().map(|(tag, _)| *tag));
        tags.sort_unstable();
        tags.dedup();
        let with_layout = Replaced {
            tables: cut_tables,
            added,
        };
        allsorts::subset::whole_font(&with_layout, &tags)
            .map_err(|e| subset_error("layout tables", &e))
    })
    .map(Some)
}

/// The items of `items` with their glyphs renumbered by `new`, those whose glyphs the
/// cut font lacks left out.
fn renumbered<T: Renumber>(items: &[T], new: impl Fn(u16) -> Option<u16>) -> Vec<T> {
    items
        .iter()
        .filter_map(|item| item.renumbered(&new))
        .collect()
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

/// A font's tables with some replaced or added. allsorts builds a cut font's cmap
/// from the face's own, so a character is given another glyph by giving the face
/// another cmap (allsorts also scans the whole cmap for each cut: a book's few thousand
/// mappings are quicker to scan than the face's tens of thousands); and it writes a
/// font of the tables a provider has, so a table is added by providing it.
struct Replaced<'a, P> {
    tables: &'a P,
    /// The tags and the data of the tables replaced or added.
    added: Vec<(u32, Vec<u8>)>,
}

impl<P: allsorts::tables::FontTableProvider> allsorts::tables::FontTableProvider
    for Replaced<'_, P>
{
    fn table_data(
        &self,
        tag: u32,
    ) -> std::result::Result<Option<Cow<'_, [u8]>>, allsorts::error::ParseError> {
        match self.added.iter().find(|(t, _)| *t == tag) {
            Some((_, data)) => Ok(Some(Cow::Borrowed(data))),
            None => self.tables.table_data(tag),
        }
    }

    fn has_table(&self, tag: u32) -> bool {
        self.added.iter().any(|(t, _)| *t == tag) || self.tables.has_table(tag)
    }

    fn table_tags(&self) -> Option<Vec<u32>> {
        self.tables.table_tags()
    }
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

    with_tables(data, index, |provider| {
        let Some(table) = provider
            .table_data(allsorts::tag::CFF)
            .map_err(|e| subset_error("CFF table", &e))?
        else {
            return Ok(None);
        };
        let mut cff = ReadScope::new(&table)
            .read::<CFF<'_>>()
            .map_err(|e| subset_error("CFF", &e))?;
        if cff.name_index.len() != 1 || cff.fonts.len() != 1 {
            return Ok(None);
        }
        fd_select_per_glyph(&mut cff.fonts[0]);
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

/// Gives a CID-keyed font's FDSelect as one font DICT number per glyph (format 0) when
/// the face has it as ranges (format 3) that cover every glyph. allsorts finds a
/// glyph's font DICT in ranges by a linear search, for each glyph it cuts and again for
/// each subroutine call in its outline: with Noto CJK's ranges that was 7 % of the
/// article's build. The cut font is the same either way, as allsorts writes the cut's
/// FDSelect in format 0 from the numbers it looked up.
fn fd_select_per_glyph(font: &mut allsorts::cff::Font<'_>) {
    use allsorts::binary::read::ReadArrayCow;
    use allsorts::cff::{CFFVariant, FDSelect};

    let glyphs = font.char_strings_index.len();
    let CFFVariant::CID(cid) = &mut font.data else {
        return;
    };
    let FDSelect::Format3 { ranges, sentinel } = &cid.fd_select else {
        return;
    };
    let ranges: Vec<_> = ranges.iter().map(|r| (r.first, r.n_left)).collect();
    let starts_at_zero = ranges.first().is_some_and(|&(first, _)| first == 0);
    if !starts_at_zero || usize::from(*sentinel) < glyphs {
        return;
    }
    let mut per_glyph = Vec::with_capacity(glyphs);
    for (i, &(first, dict)) in ranges.iter().enumerate() {
        let end = ranges.get(i + 1).map_or(*sentinel, |&(next, _)| next);
        if end < first {
            return;
        }
        per_glyph.extend(std::iter::repeat_n(dict, usize::from(end - first)));
    }
    per_glyph.truncate(glyphs);
    cid.fd_select = FDSelect::Format0 {
        glyph_font_dict_indices: ReadArrayCow::Owned(per_glyph),
    };
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

    #[test]
    fn a_glyph_has_the_same_font_dict_in_ranges_and_per_glyph() {
        use allsorts::binary::read::ReadScope;
        use allsorts::cff::{CFFVariant, FDSelect, CFF};

        for face in [Face::SerifRegular, Face::SansBold] {
            let table = with_tables(face.data(), 0, |tables| {
                Ok(tables
                    .read_table_data(allsorts::tag::CFF)
                    .unwrap()
                    .into_owned())
            })
            .unwrap();
            let ranges = ReadScope::new(&table).read::<CFF<'_>>().unwrap();
            let mut per_glyph = ReadScope::new(&table).read::<CFF<'_>>().unwrap();
            fd_select_per_glyph(&mut per_glyph.fonts[0]);
            fn select<'b, 'a>(cff: &'b CFF<'a>) -> &'b FDSelect<'a> {
                match &cff.fonts[0].data {
                    CFFVariant::CID(cid) => &cid.fd_select,
                    CFFVariant::Type1(_) => panic!("the bundled faces are CID-keyed"),
                }
            }
            let (before, after) = (select(&ranges), select(&per_glyph));
            assert!(matches!(before, FDSelect::Format3 { .. }), "{face:?}");
            assert!(matches!(after, FDSelect::Format0 { .. }), "{face:?}");
            let glyphs = ranges.fonts[0].char_strings_index.len() as u16;
            for g in 0..glyphs {
                assert_eq!(before.font_dict_index(g), after.font_dict_index(g));
            }
            assert_eq!(after.font_dict_index(glyphs), None);
        }
    }
}
