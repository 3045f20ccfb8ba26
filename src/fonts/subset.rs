//! Fonts cut down to the glyphs a book uses, with allsorts (the subsetter printpdf is
//! built on): font programs for the PDF and web fonts for the EPUB.

use std::borrow::Cow;

use allsorts::tables::FontTableProvider;

use super::cut::{Order, Outlines, Scratch};
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
/// PDF's shaper does. `None` when `map` is empty. The outlines are cut as for
/// [`subset_cid_cff`], from the last glyph.
pub fn subset_web(
    data: &[u8],
    index: u32,
    map: &[(char, u16)],
    rules: &Rules,
    outlines: &Outlines,
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
    // the face's outlines cut as for the PDF; allsorts makes the other tables around a
    // stand-in program of as many empty glyphs, which costs it next to nothing to cut
    let program = subset_cid_cff(data, index, &ids, outlines, Order::LastToFirst)?;
    let cut_font = with_tables(data, index, |face| {
        let mut added = vec![(allsorts::tag::CMAP, Cow::Owned(tables::cmap(map)))];
        if program.is_some() {
            added.push((allsorts::tag::CFF, Cow::Borrowed(&STAND_IN[..])));
        }
        let remapped = Replaced {
            tables: face,
            added,
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
    if let Some(program) = program {
        added.push((allsorts::tag::CFF, Cow::Owned(program)));
    }
    if let Some(gsub) = tables::gsub(&joins, &ligatures) {
        added.push((allsorts::tag::GSUB, Cow::Owned(gsub)));
    }
    if let Some(gpos) = tables::gpos(&trims, &kerns) {
        added.push((allsorts::tag::GPOS, Cow::Owned(gpos)));
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

/// Glyphs in the stand-in program: as many as a font can have.
const STAND_IN_GLYPHS: usize = 65_535;

/// Where the stand-in's CharStrings INDEX starts, right after its empty Private DICT;
/// everything before it is laid out in [`stand_in`].
const STAND_IN_HEAD: usize = 119;

/// The stand-in's length: its head, then the CharStrings INDEX (count and offset size,
/// an offset of 3 bytes for each glyph and one past the last, and a byte for each glyph).
const STAND_IN_LEN: usize = STAND_IN_HEAD + 3 + 3 * (STAND_IN_GLYPHS + 1) + STAND_IN_GLYPHS;

/// A CID-keyed `CFF ` table of [`STAND_IN_GLYPHS`] glyphs that draw nothing, in one font
/// DICT without subroutines. Given to allsorts in place of a face's own program when it
/// builds a web font's tables (`cmap`, `hmtx`, `OS/2` and the rest, which depend only
/// on the glyph numbers), it makes cutting the program nearly free: the program is cut
/// by [`subset_cid_cff`] instead, whose font DICT lookup is by glyph where allsorts
/// searches the face's ranges linearly, and put in its place.
pub(super) static STAND_IN: [u8; STAND_IN_LEN] = stand_in();

/// Builds [`STAND_IN`]. Every number in a DICT is a 5-byte integer, so the offsets the
/// Top DICT names are fixed; each is checked where its part begins, when inkstone is
/// compiled.
const fn stand_in() -> [u8; STAND_IN_LEN] {
    const fn int(out: &mut [u8], at: usize, value: u32) -> usize {
        let b = value.to_be_bytes();
        out[at] = 29;
        out[at + 1] = b[0];
        out[at + 2] = b[1];
        out[at + 3] = b[2];
        out[at + 4] = b[3];
        at + 5
    }
    const fn bytes(out: &mut [u8], at: usize, data: &[u8]) -> usize {
        let mut i = 0;
        while i < data.len() {
            out[at + i] = data[i];
            i += 1;
        }
        at + data.len()
    }
    const TOP_DICT: usize = 19;
    const STRINGS: usize = TOP_DICT + 50;
    const CHARSET: u32 = 90;
    const FD_SELECT: u32 = 95;
    const FD_ARRAY: u32 = 103;
    const PRIVATE: u32 = STAND_IN_HEAD as u32;
    const CHAR_STRINGS: u32 = STAND_IN_HEAD as u32;
    let glyphs = STAND_IN_GLYPHS as u32;
    let mut out = [0; STAND_IN_LEN];
    // header; Name INDEX (one name)
    let mut at = bytes(&mut out, 0, &[1, 0, 4, 4, 0, 1, 1, 1, 6]);
    at = bytes(&mut out, at, b"stand");
    // Top DICT INDEX: one DICT of 50 bytes
    at = bytes(&mut out, at, &[0, 1, 1, 1, 51]);
    assert!(at == TOP_DICT);
    at = int(&mut out, at, 391); // ROS: "Adobe", "Identity", 0
    at = int(&mut out, at, 392);
    at = int(&mut out, at, 0);
    at = bytes(&mut out, at, &[12, 30]);
    at = int(&mut out, at, glyphs); // CIDCount
    at = bytes(&mut out, at, &[12, 34]);
    at = int(&mut out, at, CHARSET);
    at = bytes(&mut out, at, &[15]);
    at = int(&mut out, at, FD_SELECT);
    at = bytes(&mut out, at, &[12, 37]);
    at = int(&mut out, at, CHAR_STRINGS);
    at = bytes(&mut out, at, &[17]);
    at = int(&mut out, at, FD_ARRAY);
    at = bytes(&mut out, at, &[12, 36]);
    // String INDEX; empty Global Subr INDEX
    assert!(at == STRINGS);
    at = bytes(&mut out, at, &[0, 2, 1, 1, 6, 14]);
    at = bytes(&mut out, at, b"AdobeIdentity");
    at = bytes(&mut out, at, &[0, 0]);
    // charset: glyphs 1 on are CIDs 1 on (format 2, one range)
    assert!(at == CHARSET as usize);
    let left = (glyphs - 2).to_be_bytes();
    at = bytes(&mut out, at, &[2, 0, 1, left[2], left[3]]);
    // FDSelect: every glyph in font DICT 0 (format 3, one range)
    assert!(at == FD_SELECT as usize);
    let end = glyphs.to_be_bytes();
    at = bytes(&mut out, at, &[3, 0, 1, 0, 0, 0, end[2], end[3]]);
    // FDArray INDEX: one font DICT, whose Private DICT is empty
    assert!(at == FD_ARRAY as usize);
    at = bytes(&mut out, at, &[0, 1, 1, 1, 12]);
    at = int(&mut out, at, 0);
    at = int(&mut out, at, PRIVATE);
    at = bytes(&mut out, at, &[18]);
    // the empty Private DICT, then the CharStrings INDEX: each glyph `endchar` alone
    assert!(at == PRIVATE as usize && at == CHAR_STRINGS as usize);
    let count = glyphs.to_be_bytes();
    at = bytes(&mut out, at, &[count[2], count[3], 3]);
    let mut i = 0;
    while i <= STAND_IN_GLYPHS {
        let offset = (1 + i as u32).to_be_bytes();
        at = bytes(&mut out, at, &[offset[1], offset[2], offset[3]]);
        i += 1;
    }
    assert!(out.len() - at == STAND_IN_GLYPHS);
    while at < out.len() {
        out[at] = 14;
        at += 1;
    }
    out
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
    added: Vec<(u32, Cow<'a, [u8]>)>,
}

impl<P: allsorts::tables::FontTableProvider> allsorts::tables::FontTableProvider
    for Replaced<'_, P>
{
    fn table_data(
        &self,
        tag: u32,
    ) -> std::result::Result<Option<Cow<'_, [u8]>>, allsorts::error::ParseError> {
        match self.added.iter().find(|(t, _)| *t == tag) {
            Some((_, data)) => Ok(Some(Cow::Borrowed(data.as_ref()))),
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
/// only behind its `prince` feature, so the few calls are made here). A CID-keyed
/// program is cut by [`super::cut`], which takes the subroutines each glyph calls from
/// `outlines`, or finds them going through `ids` in `order`.
pub fn subset_cid_cff(
    data: &[u8],
    index: u32,
    ids: &[u16],
    outlines: &Outlines,
    order: Order,
) -> Result<Option<Vec<u8>>> {
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
        // the cut borrows it, so it outlives the program read
        let mut scratch = Scratch::default();
        let mut cff = ReadScope::new(&table)
            .read::<CFF<'_>>()
            .map_err(|e| subset_error("CFF", &e))?;
        if cff.name_index.len() != 1 || cff.fonts.len() != 1 {
            return Ok(None);
        }
        fd_select_per_glyph(&mut cff.fonts[0]);
        let face = (data.as_ptr() as usize, index);
        let how = (face, outlines, order);
        if let Some(cut) = super::cut::cid_keyed(&cff, &table, ids, how, &mut scratch)? {
            return Ok(Some(cut));
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

/// Gives a CID-keyed font's FDSelect as one font DICT number per glyph (format 0) when
/// the face has it as ranges (format 3) that cover every glyph. allsorts finds a
/// glyph's font DICT in ranges by a linear search: the cut ([`super::cut`]) asks for
/// each glyph it cuts, and allsorts' interpreter again for each outline that calls a
/// local subroutine (when allsorts cut the face itself, it asked for each call, and with
/// Noto CJK's ranges that was 7 % of the article's build). The cut font is the same
/// either way, as its FDSelect is written in format 0 from the numbers looked up.
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
pub(super) fn subset_error(what: &str, e: &dyn std::fmt::Debug) -> Error {
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
        let bare = subset_cid_cff(data, 0, &ids, &Outlines::default(), Order::FirstToLast)
            .unwrap()
            .unwrap();
        let whole = subset(data, 0, &ids).unwrap();
        let font = ReadScope::new(&whole).read::<FontData<'_>>().unwrap();
        let provider = font.table_provider(0).unwrap();
        let table = provider.read_table_data(allsorts::tag::CFF).unwrap();
        assert_eq!(bare, *table);
    }

    #[test]
    fn a_web_font_is_the_font_allsorts_cuts_from_the_face_itself() {
        use allsorts::subset::SubsetProfile;

        for face in [Face::SerifRegular, Face::SansBold] {
            let parsed = ttf_parser::Face::parse(face.data(), 0).unwrap();
            let map: Vec<(char, u16)> = "镇江高新区，“”A1體"
                .chars()
                .map(|c| (c, parsed.glyph_index(c).unwrap().0))
                .collect();
            let ours = subset_web(
                face.data(),
                0,
                &map,
                &Rules::default(),
                &Outlines::default(),
            )
            .unwrap()
            .unwrap();
            let mut ids: Vec<u16> = map.iter().map(|&(_, g)| g).collect();
            ids.sort_unstable();
            ids.insert(0, 0);
            let theirs = with_tables(face.data(), 0, |tables| {
                let face_with_cmap = Replaced {
                    tables,
                    added: vec![(allsorts::tag::CMAP, Cow::Owned(tables::cmap(&map)))],
                };
                cut(&face_with_cmap, &ids, SubsetProfile::Minimal)
            })
            .unwrap();
            assert_eq!(ours, theirs, "{face:?}");
        }
    }

    #[test]
    fn the_stand_in_program_has_as_many_empty_glyphs_as_a_font_can_have() {
        use allsorts::binary::read::ReadScope;
        use allsorts::cff::CFF;

        let cff = ReadScope::new(&STAND_IN).read::<CFF<'_>>().unwrap();
        let font = &cff.fonts[0];
        assert!(font.is_cid_keyed());
        assert_eq!(font.char_strings_index.len(), usize::from(u16::MAX));
        let last = font.char_strings_index.read_object(65_534).unwrap();
        assert_eq!(last, [14]);
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
