//! The two small OpenType tables inkstone writes itself into the EPUB's web fonts
//! (allsorts cuts fonts but builds neither): a cmap of exactly a book's characters, and
//! a GSUB joining the pairs Chinese text sets as one mark.

/// Two glyphs the shaper sets as one: the two em dashes of `——` become one unbroken
/// two-em rule (the font's `ccmp` feature, which the PDF applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Join {
    /// The first glyph of the pair.
    pub first: u16,
    /// The second glyph of the pair.
    pub second: u16,
    /// The glyph the pair becomes.
    pub joined: u16,
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

/// A `GSUB` table with one feature, `ccmp` (applied by every shaper, whatever the
/// letter spacing), whose one lookup replaces each pair of `joins` (distinct first
/// glyphs) by its joined glyph.
pub fn gsub(joins: &[Join]) -> Vec<u8> {
    let mut joins = joins.to_vec();
    joins.sort_by_key(|j| j.first);
    joins.dedup_by_key(|j| j.first);
    let n = joins.len() as u16;
    // a ligature lookup (type 4): format 1, its coverage, one ligature set per first
    // glyph (10 bytes each: one ligature, at 4 in the set: the joined glyph, two
    // components, the second)
    let mut subtable = Vec::new();
    let sets_at = 6 + 2 * n;
    put16(&mut subtable, &[1, sets_at + 10 * n, n]);
    for i in 0..n {
        put16(&mut subtable, &[sets_at + 10 * i]);
    }
    for j in &joins {
        put16(&mut subtable, &[1, 4, j.joined, 2, j.second]);
    }
    coverage(&mut subtable, joins.iter().map(|j| j.first));
    layout_table(b"ccmp", 4, &subtable)
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

/// A `GPOS` table with one feature, `halt`, whose one lookup sets each glyph of `trims`
/// (distinct) at half width: what a reading system's punctuation trimming (CSS
/// `text-spacing-trim`) reads.
pub fn gpos(trims: &[Trim]) -> Vec<u8> {
    let mut trims = trims.to_vec();
    trims.sort_by_key(|t| t.glyph);
    trims.dedup_by_key(|t| t.glyph);
    let n = trims.len() as u16;
    // a single adjustment lookup (type 1), format 2: its coverage, value format
    // x placement and x advance (5), one value per glyph
    let mut subtable = Vec::new();
    put16(&mut subtable, &[2, 8 + 4 * n, 5, n]);
    for t in &trims {
        put16(&mut subtable, &[t.dx as u16, t.advance as u16]);
    }
    coverage(&mut subtable, trims.iter().map(|t| t.glyph));
    layout_table(b"halt", 1, &subtable)
}

/// Appends a coverage table of format 1 listing `glyphs` (in increasing order).
fn coverage(out: &mut Vec<u8>, glyphs: impl ExactSizeIterator<Item = u16>) {
    put16(out, &[1, glyphs.len() as u16]);
    for g in glyphs {
        put16(out, &[g]);
    }
}

/// A `GSUB` or `GPOS` table of one feature `tag` for the default, Han and Latin scripts,
/// whose one lookup of type `kind` has the one `subtable`.
fn layout_table(tag: &[u8; 4], kind: u16, subtable: &[u8]) -> Vec<u8> {
    // script list: DFLT, hani, latn (in tag order), all at one script table whose
    // default language system (at 4) takes feature 0 and has no required feature
    let mut scripts = Vec::new();
    put16(&mut scripts, &[3]);
    for script in [b"DFLT", b"hani", b"latn"] {
        scripts.extend_from_slice(script);
        put16(&mut scripts, &[2 + 3 * 6]);
    }
    put16(&mut scripts, &[4, 0, 0, 0xFFFF, 1, 0]);
    // feature list: the feature (at 8), lookup 0
    let mut features = Vec::new();
    put16(&mut features, &[1]);
    features.extend_from_slice(tag);
    put16(&mut features, &[8, 0, 1, 0]);
    // lookup list: the lookup at 4, its one subtable at 8 from the lookup
    let mut lookups = Vec::new();
    put16(&mut lookups, &[1, 4, kind, 0, 1, 8]);
    lookups.extend_from_slice(subtable);

    let features_at = 10 + scripts.len() as u16;
    let lookups_at = features_at + features.len() as u16;
    let mut out = Vec::new();
    put16(&mut out, &[1, 0, 10, features_at, lookups_at]);
    out.extend(scripts);
    out.extend(features);
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
}
