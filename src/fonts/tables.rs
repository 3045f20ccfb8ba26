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
/// letter spacing), for the default, Han and Latin scripts, whose one lookup replaces
/// each pair of `joins` (distinct first glyphs) by its joined glyph.
pub fn gsub(joins: &[Join]) -> Vec<u8> {
    let mut joins = joins.to_vec();
    joins.sort_by_key(|j| j.first);
    joins.dedup_by_key(|j| j.first);
    let n = joins.len() as u16;

    // script list: DFLT, hani, latn (in tag order), each with a default language
    // system that takes feature 0
    let mut scripts = Vec::new();
    put16(&mut scripts, &[3]);
    let script_at = 2 + 3 * 6;
    for tag in [b"DFLT", b"hani", b"latn"] {
        scripts.extend_from_slice(tag);
        put16(&mut scripts, &[script_at]);
    }
    put16(&mut scripts, &[4, 0]); // default language system at 4, no others
    put16(&mut scripts, &[0, 0xFFFF, 1, 0]); // no required feature; feature 0

    // feature list: ccmp, lookup 0
    let mut features = Vec::new();
    put16(&mut features, &[1]);
    features.extend_from_slice(b"ccmp");
    put16(&mut features, &[8, 0, 1, 0]);

    // lookup list: one lookup (at 4), a ligature lookup (type 4) of one subtable (at 8
    // from the lookup)
    let mut lookups = Vec::new();
    put16(&mut lookups, &[1, 4, 4, 0, 1, 8]);
    // the subtable: format 1, its coverage, one ligature set per first glyph (10 bytes
    // each: one ligature, at 4 in the set: the joined glyph, two components, the second)
    let sets_at = 6 + 2 * n;
    let coverage_at = sets_at + 10 * n;
    put16(&mut lookups, &[1, coverage_at, n]);
    for i in 0..n {
        put16(&mut lookups, &[sets_at + 10 * i]);
    }
    for j in &joins {
        put16(&mut lookups, &[1, 4, j.joined, 2, j.second]);
    }
    put16(&mut lookups, &[1, n]);
    put16(
        &mut lookups,
        &joins.iter().map(|j| j.first).collect::<Vec<_>>(),
    );

    let mut out = Vec::new();
    let features_at = 10 + scripts.len() as u16;
    let lookups_at = features_at + features.len() as u16;
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
