//! The glyph a character is drawn with in a book's language. Noto CJK holds the forms of
//! several locales (Traditional Chinese's centred stops and its character shapes,
//! Japanese and Korean ones) behind the `locl` feature, and full-width forms that only
//! Han script text uses (the em dash of `——`). The PDF's shaper picks them by the book's
//! language and each character's script; the EPUB's web fonts map each character
//! straight to the same glyph, since a reading system may not apply `locl`. Of the
//! fonts' layout features they keep only what the PDF's typography needs from the
//! reading system: the pairs the font joins, the half-width marks, and the ligatures and
//! kerning of Latin letters (see [`Shaper::joins`], [`Shaper::trims`],
//! [`Shaper::ligatures`], [`Shaper::kerns`]).

use std::collections::BTreeMap;

use rustybuzz::{script, Direction, Feature, ShapePlan, UnicodeBuffer};
use ttf_parser::gpos::{PairAdjustment, PositioningSubtable};
use ttf_parser::gsub::SubstitutionSubtable;
use ttf_parser::opentype_layout::LayoutTable;
use ttf_parser::GlyphId;

use super::{Join, Kern, Trim};
use crate::script::{class, Class};

/// The shaper's language for a book's BCP 47 `tag` (Simplified Chinese when the tag
/// cannot be read).
pub fn shaping_language(tag: &str) -> rustybuzz::Language {
    tag.parse()
        .unwrap_or_else(|_| "zh-Hans".parse().expect("a valid tag"))
}

/// The shaper's script for a character standing alone: Latin for letters, digits and
/// the narrow punctuation around them, Han for the rest (as the PDF sets them).
fn shaping_script(c: char) -> rustybuzz::Script {
    if class(c) == Class::Latin {
        script::LATIN
    } else {
        script::HAN
    }
}

/// A face shaping single characters and pairs the way the PDF does, in a book's
/// language.
pub struct Shaper<'a> {
    face: super::ShapingFace<'a>,
    language: rustybuzz::Language,
    /// The OpenType language system of the book's language, if the font may have one.
    language_tag: Option<ttf_parser::Tag>,
    han: ShapePlan,
    latin: ShapePlan,
    /// Han script with the `halt` (half-width) feature.
    half: ShapePlan,
}

impl<'a> Shaper<'a> {
    /// Face `index` of `data` in a book in language `tag`; `None` when the shaper cannot
    /// read the face.
    pub fn new(data: &'a [u8], index: u32, tag: &str) -> Option<Shaper<'a>> {
        let face = super::shaping_face(data, index)?;
        let language = shaping_language(tag);
        let plan = |script, features: &[Feature]| {
            ShapePlan::new(
                &face,
                Direction::LeftToRight,
                Some(script),
                Some(&language),
                features,
            )
        };
        let halt = Feature::new(ttf_parser::Tag::from_bytes(b"halt"), 1, ..);
        let (han, latin) = (plan(script::HAN, &[]), plan(script::LATIN, &[]));
        let half = plan(script::HAN, &[halt]);
        Some(Shaper {
            face,
            language,
            language_tag: opentype_language(tag),
            han,
            latin,
            half,
        })
    }

    /// The glyphs of `text` in `script` (with `plan`, or the script's own), reusing
    /// `buffer`.
    fn shape(
        &self,
        text: &str,
        script: rustybuzz::Script,
        plan: Option<&ShapePlan>,
        buffer: UnicodeBuffer,
    ) -> (Vec<Shaped>, UnicodeBuffer) {
        let mut buffer = buffer;
        buffer.push_str(text);
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(script);
        buffer.set_language(self.language.clone());
        let plan = plan.unwrap_or(if script == script::LATIN {
            &self.latin
        } else {
            &self.han
        });
        let shaped = rustybuzz::shape_with_plan(&self.face, plan, buffer);
        let glyphs = shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(g, p)| Shaped {
                glyph: g.glyph_id as u16,
                dx: p.x_offset,
                advance: p.x_advance,
            })
            .collect();
        (glyphs, shaped.clear())
    }

    /// The glyph each of `chars` is drawn with when it stands alone: the shaper's
    /// choice when it makes one glyph of it, else the font's own mapping. Characters the
    /// face lacks are left out.
    pub fn glyphs(&self, chars: impl IntoIterator<Item = char>) -> Vec<(char, u16)> {
        let mut buffer = UnicodeBuffer::new();
        let mut found = Vec::new();
        for c in chars {
            let Some(own) = self.face.glyph_index(c).filter(|g| g.0 != 0) else {
                continue;
            };
            let (glyphs, reused) =
                self.shape(c.encode_utf8(&mut [0; 4]), shaping_script(c), None, buffer);
            buffer = reused;
            let glyph = match glyphs[..] {
                [one] if one.glyph != 0 => one.glyph,
                _ => own.0,
            };
            found.push((c, glyph));
        }
        found
    }

    /// The pairs the shaper joins among the doubled marks of `map` (its characters and
    /// their glyphs, from [`Shaper::glyphs`]): `——` becomes one two-em rule.
    pub fn joins(&self, map: &[(char, u16)]) -> Vec<Join> {
        map.iter()
            .filter(|&&(c, _)| class(c) == Class::Inseparable)
            .filter_map(|&(c, glyph)| {
                let pair: String = [c, c].iter().collect();
                let script = shaping_script(c);
                match self.shape(&pair, script, None, UnicodeBuffer::new()).0[..] {
                    [joined] if joined.glyph != 0 && joined.glyph != glyph => Some(Join {
                        glyphs: vec![glyph, glyph],
                        joined: joined.glyph,
                    }),
                    _ => None,
                }
            })
            .collect()
    }

    /// The half-width settings of the full-width punctuation of `map` (its characters
    /// and their glyphs, from [`Shaper::glyphs`]), from the font's `halt` feature: the
    /// blanks the PDF takes away where marks meet.
    pub fn trims(&self, map: &[(char, u16)]) -> Vec<Trim> {
        let mut buffer = UnicodeBuffer::new();
        let mut found = Vec::new();
        for &(c, glyph) in map {
            if !matches!(class(c), Class::Opening | Class::Closing | Class::Middle) {
                continue;
            }
            let mut utf8 = [0; 4];
            let text = c.encode_utf8(&mut utf8);
            let (full, reused) = self.shape(text, script::HAN, None, buffer);
            let (half, reused) = self.shape(text, script::HAN, Some(&self.half), reused);
            buffer = reused;
            if let ([full], [half]) = (&full[..], &half[..]) {
                if full.glyph == glyph && half.glyph == glyph && half.advance < full.advance {
                    found.push(Trim {
                        glyph,
                        dx: (half.dx - full.dx) as i16,
                        advance: (half.advance - full.advance) as i16,
                    });
                }
            }
        }
        found
    }
}

impl Shaper<'_> {
    /// The kerning between the Latin characters of `map` (its characters and their
    /// glyphs, from [`Shaper::glyphs`]) and the glyphs of their `ligatures` (from
    /// [`Shaper::ligatures`]) as the PDF's shaper applies it: the pair
    /// adjustments of the `kern` lookups for Latin script in the book's language, read
    /// from the font's GPOS (in each lookup the first subtable that has the pair, the
    /// lookups' changes added up). Shaping each pair would take `n²` shapings; reading
    /// the table takes a lookup per pair (tested against shaping in the tests).
    pub fn kerns(&self, map: &[(char, u16)], ligatures: &[Join]) -> Vec<Kern> {
        let mut latin = latin_glyphs(map);
        latin.extend(ligatures.iter().map(|j| j.joined));
        latin.sort_unstable();
        latin.dedup();
        let Some(gpos) = self.face.tables().gpos else {
            return Vec::new();
        };
        let mut sums: BTreeMap<(u16, u16), i32> = BTreeMap::new();
        for index in latin_lookups(&gpos, b"kern", self.language_tag) {
            let Some(lookup) = gpos.lookups.get(index) else {
                continue;
            };
            let subtables: Vec<PairAdjustment<'_>> = (0..lookup.subtables.len())
                .filter_map(
                    |i| match lookup.subtables.get::<PositioningSubtable<'_>>(i) {
                        Some(PositioningSubtable::Pair(pairs)) => Some(pairs),
                        _ => None,
                    },
                )
                .collect();
            for &first in &latin {
                let covering: Vec<&PairAdjustment<'_>> = subtables
                    .iter()
                    .filter(|t| t.coverage().get(GlyphId(first)).is_some())
                    .collect();
                for &second in &latin {
                    let value = covering.iter().find_map(|t| pair_value(t, first, second));
                    if let Some(advance) = value.filter(|&a| a != 0) {
                        *sums.entry((first, second)).or_default() += i32::from(advance);
                    }
                }
            }
        }
        sums.into_iter()
            .filter(|&(_, advance)| advance != 0)
            .map(|((first, second), advance)| Kern {
                first,
                second,
                advance: advance.clamp(i16::MIN.into(), i16::MAX.into()) as i16,
            })
            .collect()
    }

    /// The ligatures among the Latin characters of `map` (its characters and their
    /// glyphs, from [`Shaper::glyphs`]) as the PDF's shaper sets them (`fi`, `ffl`): the
    /// ligature substitutions of the `liga` lookups for Latin script in the book's
    /// language, read from the font's GSUB, those whose glyphs all stand for characters
    /// of `map`.
    pub fn ligatures(&self, map: &[(char, u16)]) -> Vec<Join> {
        let latin = latin_glyphs(map);
        let Some(gsub) = self.face.tables().gsub else {
            return Vec::new();
        };
        let mut found: Vec<Join> = Vec::new();
        for index in latin_lookups(&gsub, b"liga", self.language_tag) {
            let Some(lookup) = gsub.lookups.get(index) else {
                continue;
            };
            for i in 0..lookup.subtables.len() {
                let Some(SubstitutionSubtable::Ligature(table)) =
                    lookup.subtables.get::<SubstitutionSubtable<'_>>(i)
                else {
                    continue;
                };
                for &first in &latin {
                    let Some(set) = table
                        .coverage
                        .get(GlyphId(first))
                        .and_then(|k| table.ligature_sets.get(k))
                    else {
                        continue;
                    };
                    for ligature in set {
                        let glyphs: Vec<u16> = std::iter::once(first)
                            .chain(ligature.components.into_iter().map(|g| g.0))
                            .collect();
                        let known = glyphs[1..].iter().all(|g| latin.binary_search(g).is_ok());
                        if known && !found.iter().any(|j| j.glyphs == glyphs) {
                            found.push(Join {
                                glyphs,
                                joined: ligature.glyph.0,
                            });
                        }
                    }
                }
            }
        }
        found
    }
}

/// The OpenType language system of a book's BCP 47 `tag`, for the Chinese, Japanese and
/// Korean books whose fonts set Latin differently (none: the default system), as
/// HarfBuzz maps them: Hong Kong and Macau take their own system whatever the script
/// subtag, Cantonese the Hong Kong one and Literary Chinese the Traditional one.
fn opentype_language(tag: &str) -> Option<ttf_parser::Tag> {
    let lower = tag.to_ascii_lowercase();
    let mut subtags = lower.split(['-', '_']);
    let primary = subtags.next()?;
    let rest: Vec<&str> = subtags.collect();
    let system: &[u8; 4] = match primary {
        "zh" | "cmn" if rest.iter().any(|s| matches!(*s, "hk" | "mo")) => b"ZHH ",
        "zh" | "cmn" if rest.iter().any(|s| matches!(*s, "hant" | "tw")) => b"ZHT ",
        "zh" | "cmn" => b"ZHS ",
        "yue" => b"ZHH ",
        "lzh" => b"ZHT ",
        "ja" => b"JAN ",
        "ko" => b"KOR ",
        _ => return None,
    };
    Some(ttf_parser::Tag::from_bytes(system))
}

/// The glyphs of the Latin characters of `map` (no spaces), in glyph order.
fn latin_glyphs(map: &[(char, u16)]) -> Vec<u16> {
    let mut latin: Vec<u16> = map
        .iter()
        .filter(|&&(c, _)| class(c) == Class::Latin && !c.is_whitespace())
        .map(|&(_, g)| g)
        .collect();
    latin.sort_unstable();
    latin.dedup();
    latin
}

/// The lookups of the features `feature` of `table` for Latin script (else the default
/// script) in language system `language` (else the default one), in the order they
/// apply.
fn latin_lookups(
    table: &LayoutTable<'_>,
    feature: &[u8; 4],
    language: Option<ttf_parser::Tag>,
) -> Vec<u16> {
    let script = table
        .scripts
        .find(ttf_parser::Tag::from_bytes(b"latn"))
        .or_else(|| table.scripts.find(ttf_parser::Tag::from_bytes(b"DFLT")));
    let Some(script) = script else {
        return Vec::new();
    };
    let system = language
        .and_then(|tag| script.languages.find(tag))
        .or(script.default_language);
    let Some(system) = system else {
        return Vec::new();
    };
    let mut lookups: Vec<u16> = system
        .feature_indices
        .into_iter()
        .filter_map(|i| table.features.get(i))
        .filter(|f| f.tag == ttf_parser::Tag::from_bytes(feature))
        .flat_map(|f| f.lookup_indices)
        .collect();
    lookups.sort_unstable();
    lookups.dedup();
    lookups
}

/// The change of `first`'s advance when `second` follows, if the subtable has the pair.
fn pair_value(pairs: &PairAdjustment<'_>, first: u16, second: u16) -> Option<i16> {
    let (first, second) = (GlyphId(first), GlyphId(second));
    let (value, _) = match pairs {
        PairAdjustment::Format1 { coverage, sets } => {
            sets.get(coverage.get(first)?)?.get(second)?
        }
        PairAdjustment::Format2 {
            classes, matrix, ..
        } => matrix.get((classes.0.get(first), classes.1.get(second)))?,
    };
    Some(value.x_advance)
}

/// A glyph as the shaper set it, in font units.
#[derive(Debug, Clone, Copy)]
struct Shaped {
    glyph: u16,
    dx: i32,
    advance: i32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Face;

    fn own(c: char) -> u16 {
        let face = ttf_parser::Face::parse(Face::SerifRegular.data(), 0).unwrap();
        face.glyph_index(c).unwrap().0
    }

    #[test]
    fn traditional_chinese_takes_the_locale_forms() {
        let data = Face::SerifRegular.data();
        let hans = Shaper::new(data, 0, "zh-Hans")
            .unwrap()
            .glyphs("，。中a".chars());
        let hant = Shaper::new(data, 0, "zh-TW")
            .unwrap()
            .glyphs("，。中a".chars());
        assert_eq!(hans[0], ('，', own('，')));
        assert_ne!(hant[0].1, own('，'), "a centred comma");
        assert_ne!(hant[1].1, own('。'), "a centred full stop");
        assert_eq!(hant[3], ('a', own('a')));
    }

    #[test]
    fn the_em_dash_is_full_width_in_han_text_and_two_join() {
        let data = Face::SerifRegular.data();
        let face = ttf_parser::Face::parse(data, 0).unwrap();
        let shaper = Shaper::new(data, 0, "zh-CN").unwrap();
        let map = shaper.glyphs("—…中".chars());
        let dash = map[0].1;
        let advance = |g| face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap();
        assert_eq!(advance(dash), 1000);
        assert!(advance(own('—')) < 1000, "the font's own dash is narrower");
        // two dashes join into one two-em rule; two ellipses stay two
        let joins = shaper.joins(&map);
        assert_eq!(joins.len(), 1, "{joins:?}");
        assert_eq!(joins[0].glyphs, [dash, dash]);
        assert_eq!(advance(joins[0].joined), 2000);
    }

    #[test]
    fn kerning_read_from_the_table_is_what_the_shaper_applies() {
        let chars: Vec<char> = ('A'..='Z').chain("aeorvwy0179.,-'".chars()).collect();
        for face in [Face::SerifRegular, Face::SansBold, Face::Mono] {
            for tag in [
                "zh-CN",
                "zh-TW",
                "zh-HK",
                "zh-Hant-HK",
                "yue",
                "lzh",
                "ja",
                "ko",
                "en",
            ] {
                let shaper = Shaper::new(face.data(), 0, tag).unwrap();
                let map = shaper.glyphs(chars.iter().copied());
                let kerns: BTreeMap<(u16, u16), i16> = shaper
                    .kerns(&map, &[])
                    .into_iter()
                    .map(|k| ((k.first, k.second), k.advance))
                    .collect();
                let shape = |text: &str| {
                    shaper
                        .shape(text, script::LATIN, None, UnicodeBuffer::new())
                        .0
                };
                let (mut pairs, mut kerned) = (0, 0);
                for &(a, first) in &map {
                    let alone = shape(&a.to_string())[0].advance;
                    for &(b, second) in &map {
                        let two = shape(&format!("{a}{b}"));
                        if two.len() != 2 || two[0].glyph != first || two[1].glyph != second {
                            continue;
                        }
                        let expected = (two[0].advance - alone) as i16;
                        let found = kerns.get(&(first, second)).copied().unwrap_or(0);
                        assert_eq!(found, expected, "{face:?} {tag} {a}{b}");
                        pairs += 1;
                        kerned += usize::from(expected != 0);
                    }
                }
                assert!(pairs > 1500, "{face:?} {tag}: {pairs}");
                assert_eq!(kerned, kerns.len(), "{face:?} {tag}");
                assert_eq!(kerned > 100, face != Face::Mono, "{face:?} {tag}: {kerned}");
            }
        }
    }

    #[test]
    fn characters_the_face_lacks_are_left_out() {
        let data = Face::Mono.data();
        let shaper = Shaper::new(data, 0, "zh-CN").unwrap();
        assert!(shaper.glyphs(['\u{10FFFD}']).is_empty());
    }
}
