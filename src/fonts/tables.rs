//! The small OpenType tables inkstone writes itself into the EPUB's web fonts (allsorts
//! cuts fonts but builds none of them): a cmap of exactly a book's characters, a GSUB
//! joining the pairs Chinese text sets as one mark, and a GPOS of the half-width marks
//! and the Latin kerning the PDF's shaper applies.

/// Glyphs the shaper sets as one: the two em dashes of `——` become one unbroken two-em
/// rule (the font's `ccmp` feature), Latin `fi` or `ffl` one ligature (its `liga`), as
/// the PDF sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// The glyphs joined, in order (two or more).
    pub glyphs: Vec<u16>,
    /// The glyph they become.
    pub joined: u16,
}

/// The layout rules a web font keeps, as the PDF's shaper applies them: the glyphs it
/// joins (`ccmp`) and the Latin ligatures (`liga`), the half-width marks (`halt`) and
/// the kerning of Latin letters (`kern`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// Glyphs joined by `ccmp`.
    pub joins: Vec<Join>,
    /// Latin ligatures.
    pub ligatures: Vec<Join>,
    /// Half-width settings.
    pub trims: Vec<Trim>,
    /// Kerning pairs.
    pub kerns: Vec<Kern>,
}

impl Rules {
    /// The glyphs the rules name.
    pub fn glyphs(&self) -> impl Iterator<Item = u16> + '_ {
        let joins = self.joins.iter().chain(&self.ligatures);
        joins
            .flat_map(|j| j.glyphs.iter().copied().chain([j.joined]))
            .chain(self.trims.iter().map(|t| t.glyph))
            .chain(self.kerns.iter().flat_map(|k| [k.first, k.second]))
    }
}

/// A layout rule naming glyphs, renumbered when its font is cut down.
pub trait Renumber: Sized {
    /// The rule with each glyph `g` renumbered `new(g)`; `None` when a glyph has no new
    /// number.
    fn renumbered(&self, new: impl Fn(u16) -> Option<u16>) -> Option<Self>;
}

impl Renumber for Join {
    fn renumbered(&self, new: impl Fn(u16) -> Option<u16>) -> Option<Join> {
        Some(Join {
            glyphs: self.glyphs.iter().map(|&g| new(g)).collect::<Option<_>>()?,
            joined: new(self.joined)?,
        })
    }
}

impl Renumber for Trim {
    fn renumbered(&self, new: impl Fn(u16) -> Option<u16>) -> Option<Trim> {
        Some(Trim {
            glyph: new(self.glyph)?,
            ..*self
        })
    }
}

impl Renumber for Kern {
    fn renumbered(&self, new: impl Fn(u16) -> Option<u16>) -> Option<Kern> {
        Some(Kern {
            first: new(self.first)?,
            second: new(self.second)?,
            ..*self
        })
    }
}

/// Appends big-endian 16-bit values.
fn put16(out: &mut Vec<u8>, values: &[u16]) {
    for v in values {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// Appends big-endian 32-bit values.
fn put32(out: &mut Vec<u8>, values: &[u32]) {
    for v in values {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// A `cmap` table of one Windows full-Unicode subtable (format 12) mapping each
/// character of `map` to its glyph; runs of consecutive characters on consecutive
/// glyphs share a group.
pub fn cmap(map: &[(char, u16)]) -> Vec<u8> {
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
    // version 0, one subtable: Windows (3), full Unicode (10), at 12
    put16(&mut out, &[0, 1, 3, 10]);
    put32(&mut out, &[12]);
    // format 12, reserved, length, language 0, the groups
    put16(&mut out, &[12, 0]);
    put32(&mut out, &[length, 0, groups.len() as u32]);
    for (first, last, glyph) in groups {
        put32(&mut out, &[first, last, glyph]);
    }
    out
}

/// A `GSUB` table with the features `ccmp` (applied by every shaper, whatever the
/// letter spacing), whose lookup joins the glyphs of each of `joins`, and `liga`
/// (applied to Latin text unless the reader turns ligatures off), whose lookup joins
/// those of `ligatures`; a feature with nothing to do is left out. `None` when both are
/// empty.
pub fn gsub(joins: &[Join], ligatures: &[Join]) -> Option<Vec<u8>> {
    let features: Vec<(&[u8; 4], u16, Vec<u8>)> = [(b"ccmp", joins), (b"liga", ligatures)]
        .into_iter()
        .filter(|(_, joins)| !joins.is_empty())
        .map(|(tag, joins)| (tag, 4, ligature_subtable(joins)))
        .collect();
    (!features.is_empty()).then(|| layout_table(&features))
}

/// A ligature substitution subtable (lookup type 4) of format 1 joining each of `joins`
/// (the same glyphs joined once). A first glyph's ligatures are tried longest first, so
/// that `ffi` wins over `ff`.
fn ligature_subtable(joins: &[Join]) -> Vec<u8> {
    let mut joins: Vec<&Join> = joins.iter().filter(|j| j.glyphs.len() >= 2).collect();
    joins.sort_by(|a, b| {
        (a.glyphs[0], std::cmp::Reverse(a.glyphs.len()), &a.glyphs).cmp(&(
            b.glyphs[0],
            std::cmp::Reverse(b.glyphs.len()),
            &b.glyphs,
        ))
    });
    joins.dedup_by(|a, b| a.glyphs == b.glyphs);
    let sets: Vec<&[&Join]> = joins.chunk_by(|a, b| a.glyphs[0] == b.glyphs[0]).collect();
    // each set: its count and offsets, then each ligature (the joined glyph, the count
    // of components, the components after the first)
    let ligature_bytes = |j: &Join| 2 * j.glyphs.len() + 2;
    let set_bytes = |set: &[&Join]| 2 + set.iter().map(|j| 2 + ligature_bytes(j)).sum::<usize>();
    let n = sets.len() as u16;
    let sets_at = 6 + 2 * n;
    let coverage_at = usize::from(sets_at) + sets.iter().map(|s| set_bytes(s)).sum::<usize>();
    let mut subtable = Vec::new();
    put16(&mut subtable, &[1, coverage_at as u16, n]);
    let mut at = usize::from(sets_at);
    for set in &sets {
        put16(&mut subtable, &[at as u16]);
        at += set_bytes(set);
    }
    for set in &sets {
        let count = set.len() as u16;
        put16(&mut subtable, &[count]);
        let mut at = 2 + 2 * usize::from(count);
        for j in *set {
            put16(&mut subtable, &[at as u16]);
            at += ligature_bytes(j);
        }
        for j in *set {
            put16(&mut subtable, &[j.joined, j.glyphs.len() as u16]);
            put16(&mut subtable, &j.glyphs[1..]);
        }
    }
    coverage(&mut subtable, sets.iter().map(|set| set[0].glyphs[0]));
    subtable
}

/// A full-width punctuation mark's half-width setting, from the font's `halt`
/// feature: what the designer says may be taken from its blank sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trim {
    /// The mark's glyph.
    pub glyph: u16,
    /// How far the glyph moves, in font units (left, negative).
    pub dx: i16,
    /// How much its advance changes, in font units (shorter, negative).
    pub advance: i16,
}

/// The kerning of a pair of glyphs, from the font's `kern` feature: how much the first
/// glyph's advance changes when the second follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kern {
    /// The first glyph of the pair.
    pub first: u16,
    /// The glyph after it.
    pub second: u16,
    /// The change of the first glyph's advance, in font units.
    pub advance: i16,
}

/// The most kerning pairs a web font keeps: one pair-adjustment subtable addresses its
/// pair sets with 16-bit offsets (4 bytes a pair). Past it, the smallest adjustments
/// are dropped.
const MAX_KERNS: usize = 14_000;

/// The most bytes the pair-adjustment subtable may take (10 of header, then for each
/// first glyph 6: its pair set's offset and count and its coverage entry, 4 for each
/// pair, 4 of coverage header), leaving the GPOS's 16-bit offsets room for the `halt`
/// lookup beside it. Only a book kerning over a thousand distinct first glyphs comes
/// near it; the smallest adjustments are dropped first.
const MAX_PAIRS_BYTES: usize = 64_000;

/// A `GPOS` table with the features `halt`, whose lookup sets each glyph of `trims`
/// (distinct) at half width (what a reading system's punctuation trimming, CSS
/// `text-spacing-trim`, reads), and `kern`, whose lookup adjusts the pairs of `kerns`;
/// a feature with nothing to do is left out. `None` when both are empty.
pub fn gpos(trims: &[Trim], kerns: &[Kern]) -> Option<Vec<u8>> {
    let mut features: Vec<(&[u8; 4], u16, Vec<u8>)> = Vec::new();
    if !trims.is_empty() {
        features.push((b"halt", 1, half_widths(trims)));
    }
    if !kerns.is_empty() {
        features.push((b"kern", 2, pairs(kerns)));
    }
    (!features.is_empty()).then(|| layout_table(&features))
}

/// A single adjustment subtable (lookup type 1) setting each glyph of `trims` at half
/// width.
fn half_widths(trims: &[Trim]) -> Vec<u8> {
    let mut trims = trims.to_vec();
    trims.sort_by_key(|t| t.glyph);
    trims.dedup_by_key(|t| t.glyph);
    let n = trims.len() as u16;
    // format 2: its coverage, value format x placement and x advance (5), one value
    // per glyph
    let mut subtable = Vec::new();
    put16(&mut subtable, &[2, 8 + 4 * n, 5, n]);
    for t in &trims {
        put16(&mut subtable, &[t.dx as u16, t.advance as u16]);
    }
    coverage(&mut subtable, trims.iter().map(|t| t.glyph));
    subtable
}

/// A pair adjustment subtable (lookup type 2) of format 1 changing the first glyph's
/// advance of each pair of `kerns` (at most [`MAX_KERNS`] and [`MAX_PAIRS_BYTES`], the
/// largest adjustments kept).
fn pairs(kerns: &[Kern]) -> Vec<u8> {
    let mut kerns = kerns.to_vec();
    kerns.sort_by_key(|k| (k.first, k.second));
    kerns.dedup_by_key(|k| (k.first, k.second));
    kerns.sort_by_key(|k| {
        (
            std::cmp::Reverse(k.advance.unsigned_abs()),
            k.first,
            k.second,
        )
    });
    let mut firsts = std::collections::BTreeSet::new();
    let mut bytes = 10 + 4;
    let kept = kerns
        .iter()
        .take(MAX_KERNS)
        .take_while(|k| {
            bytes += 4 + if firsts.insert(k.first) { 6 } else { 0 };
            bytes <= MAX_PAIRS_BYTES
        })
        .count();
    kerns.truncate(kept);
    kerns.sort_by_key(|k| (k.first, k.second));
    let sets: Vec<&[Kern]> = kerns.chunk_by(|a, b| a.first == b.first).collect();
    let n = sets.len() as u16;
    // format 1: coverage, value formats x advance (4) and none, one pair set per first
    // glyph (a count, then each second glyph with its value)
    let header = 10 + 2 * n;
    let set_bytes = |set: &[Kern]| 2 + 4 * set.len() as u16;
    let sets_len: u16 = sets.iter().map(|set| set_bytes(set)).sum();
    let mut subtable = Vec::new();
    put16(&mut subtable, &[1, header + sets_len, 4, 0, n]);
    let mut at = header;
    for set in &sets {
        put16(&mut subtable, &[at]);
        at += set_bytes(set);
    }
    for set in &sets {
        put16(&mut subtable, &[set.len() as u16]);
        for k in *set {
            put16(&mut subtable, &[k.second, k.advance as u16]);
        }
    }
    coverage(&mut subtable, sets.iter().map(|set| set[0].first));
    subtable
}

/// Appends a coverage table of format 1 listing `glyphs` (in increasing order).
fn coverage(out: &mut Vec<u8>, glyphs: impl ExactSizeIterator<Item = u16>) {
    put16(out, &[1, glyphs.len() as u16]);
    for g in glyphs {
        put16(out, &[g]);
    }
}

/// A `GSUB` or `GPOS` table of `features` (tag, lookup type, the lookup's one subtable;
/// in tag order) for the default, Han and Latin scripts.
fn layout_table(features: &[(&[u8; 4], u16, Vec<u8>)]) -> Vec<u8> {
    let count = features.len() as u16;
    // script list: DFLT, hani, latn (in tag order), all at one script table whose
    // default language system (at 4) takes every feature and has no required feature
    let mut scripts = Vec::new();
    put16(&mut scripts, &[3]);
    for script in [b"DFLT", b"hani", b"latn"] {
        scripts.extend_from_slice(script);
        put16(&mut scripts, &[2 + 3 * 6]);
    }
    put16(&mut scripts, &[4, 0, 0, 0xFFFF, count]);
    put16(&mut scripts, &(0..count).collect::<Vec<_>>());
    // feature list: each feature (6 bytes, after the records) with its one lookup
    let mut list = Vec::new();
    put16(&mut list, &[count]);
    for (i, (tag, _, _)) in (0u16..).zip(features) {
        list.extend_from_slice(*tag);
        put16(&mut list, &[2 + 6 * count + 6 * i]);
    }
    for i in 0..count {
        put16(&mut list, &[0, 1, i]);
    }
    // lookup list: each lookup (its one subtable at 8 from the lookup) after the offsets
    let mut lookups = Vec::new();
    put16(&mut lookups, &[count]);
    let mut at = 2 + 2 * count;
    for (_, _, subtable) in features {
        put16(&mut lookups, &[at]);
        at += 8 + subtable.len() as u16;
    }
    for (_, kind, subtable) in features {
        put16(&mut lookups, &[*kind, 0, 1, 8]);
        lookups.extend_from_slice(subtable);
    }

    let features_at = 10 + scripts.len() as u16;
    let lookups_at = features_at + list.len() as u16;
    let mut out = Vec::new();
    put16(&mut out, &[1, 0, 10, features_at, lookups_at]);
    out.extend(scripts);
    out.extend(list);
    out.extend(lookups);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cmap_groups_runs_of_characters_on_runs_of_glyphs() {
        let table = cmap(&[('a', 5), ('b', 6), ('c', 9), ('中', 7)]);
        let face = ttf_parser::cmap::Table::parse(&table).unwrap();
        let sub = face.subtables.into_iter().next().unwrap();
        assert_eq!(
            (sub.platform_id, sub.encoding_id),
            (ttf_parser::PlatformId::Windows, 10)
        );
        for (c, g) in [('a', 5), ('b', 6), ('c', 9), ('中', 7)] {
            assert_eq!(sub.glyph_index(c as u32), Some(ttf_parser::GlyphId(g)));
        }
        assert_eq!(sub.glyph_index('d' as u32), None);
        // a-b, c, 中: three groups of 12 bytes after 12 + 16
        assert_eq!(table.len(), 12 + 16 + 3 * 12);
    }

    #[test]
    fn the_gpos_leaves_out_a_feature_with_nothing_to_do() {
        let trims = [Trim {
            glyph: 9,
            dx: -500,
            advance: -500,
        }];
        let kerns = [Kern {
            first: 4,
            second: 7,
            advance: -40,
        }];
        assert_eq!(gpos(&[], &[]), None);
        let feature_count = |table: &[u8]| {
            let at = usize::from(u16::from_be_bytes([table[6], table[7]]));
            u16::from_be_bytes([table[at], table[at + 1]])
        };
        assert_eq!(feature_count(&gpos(&trims, &[]).unwrap()), 1);
        assert_eq!(feature_count(&gpos(&[], &kerns).unwrap()), 1);
        assert_eq!(feature_count(&gpos(&trims, &kerns).unwrap()), 2);
    }

    #[test]
    fn past_the_limit_the_smallest_kerning_pairs_are_dropped() {
        let kerns: Vec<Kern> = (0..MAX_KERNS as u16 + 10)
            .map(|i| Kern {
                first: i / 100,
                second: i % 100,
                advance: if i % 1000 == 7 { -1 } else { -50 },
            })
            .collect();
        let subtable = pairs(&kerns);
        let read = |at: usize| u16::from_be_bytes([subtable[at], subtable[at + 1]]);
        let sets = usize::from(read(8));
        let mut values = Vec::new();
        for set in 0..sets {
            let at = usize::from(read(10 + 2 * set));
            for pair in 0..usize::from(read(at)) {
                values.push(read(at + 2 + 4 * pair + 2) as i16);
            }
        }
        assert_eq!(values.len(), MAX_KERNS);
        assert_eq!(values.iter().filter(|&&v| v == -1).count(), 15 - 10);
    }

    #[test]
    fn kerning_over_many_first_glyphs_stays_within_16_bit_offsets() {
        // one pair for each of 12,000 first glyphs: 10 bytes a pair
        let kerns: Vec<Kern> = (0..12_000u16)
            .map(|i| Kern {
                first: i,
                second: 1,
                advance: if i < 100 { -90 } else { -20 },
            })
            .collect();
        let subtable = pairs(&kerns);
        assert!(subtable.len() <= MAX_PAIRS_BYTES, "{}", subtable.len());
        let sets = usize::from(u16::from_be_bytes([subtable[8], subtable[9]]));
        assert_eq!(subtable.len(), 14 + 10 * sets);
        // the largest adjustments are among those kept
        assert_eq!(
            u16::from_be_bytes([subtable[10 + 2 * sets + 4], subtable[10 + 2 * sets + 5]]) as i16,
            -90
        );
        let table = gpos(
            &[Trim {
                glyph: 9,
                dx: -500,
                advance: -500,
            }],
            &kerns,
        )
        .unwrap();
        assert!(table.len() < 65_536);
    }
}
