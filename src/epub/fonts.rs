//! Web-font subsets for the EPUB: each bundled face cut down to the characters the
//! XHTML writer recorded under it ([`super::xhtml::Writer`]).

use std::collections::BTreeMap;

use crate::error::Result;
use crate::fonts::forms::Shaper;
use crate::fonts::Face;
use crate::fonts::Rules;

/// A set of characters: one bit per code point, grown as needed (a book's text
/// touches a few thousand code points, most of them in one block).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharSet {
    words: Vec<u64>,
}

impl CharSet {
    /// Adds `c`.
    pub fn insert(&mut self, c: char) {
        let (word, bit) = (c as usize / 64, c as usize % 64);
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << bit;
    }

    /// Whether `c` is in the set.
    pub fn contains(&self, c: char) -> bool {
        let (word, bit) = (c as usize / 64, c as usize % 64);
        self.words.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }

    /// Adds every character of `other`.
    pub fn union_with(&mut self, other: &CharSet) {
        if other.words.len() > self.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (mine, theirs) in self.words.iter_mut().zip(&other.words) {
            *mine |= theirs;
        }
    }

    /// The characters, in code point order.
    pub fn iter(&self) -> impl Iterator<Item = char> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            (0..64)
                .filter(move |bit| word & (1 << bit) != 0)
                .filter_map(move |bit| char::from_u32((i * 64 + bit) as u32))
        })
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }
}

/// Which characters each face has to draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    by_face: BTreeMap<Face, CharSet>,
    emphasis: bool,
}

impl Usage {
    /// Adds text set in `face` (control characters draw nothing).
    pub fn add_text(&mut self, face: Face, text: &str) {
        let set = self.by_face.entry(face).or_default();
        for c in text.chars().filter(|c| !c.is_control()) {
            set.insert(c);
        }
    }

    /// Emphasis dots are drawn (the marks font is needed).
    pub fn add_emphasis(&mut self) {
        self.emphasis = true;
    }

    /// Whether emphasis dots are drawn.
    pub fn has_emphasis(&self) -> bool {
        self.emphasis
    }

    /// Adds everything `other` records.
    pub fn merge(&mut self, other: &Usage) {
        self.emphasis |= other.emphasis;
        for (face, chars) in &other.by_face {
            self.by_face.entry(*face).or_default().union_with(chars);
        }
    }

    /// The faces used, with their characters.
    pub fn faces(&self) -> impl Iterator<Item = (Face, &CharSet)> {
        self.by_face
            .iter()
            .filter(|(_, chars)| !chars.is_empty())
            .map(|(face, chars)| (*face, chars))
    }

    /// The characters set in `face`, in code point order.
    #[cfg(test)]
    pub fn chars(&self, face: Face) -> impl Iterator<Item = char> + '_ {
        self.by_face.get(&face).into_iter().flat_map(|s| s.iter())
    }

    /// Every character shown, whatever its face.
    pub fn all(&self) -> CharSet {
        let mut all = CharSet::default();
        for chars in self.by_face.values() {
            all.union_with(chars);
        }
        all
    }
}

/// A font file cut down to a web font for `chars` (plus .notdef): each character
/// mapped to the glyph the PDF draws it with in a book in language `tag` (the font's
/// locale forms, see [`crate::fonts::forms`]), the pairs the PDF joins (`——`)
/// joined, the half-width settings of full-width punctuation (for the reading
/// system's punctuation trimming, as the PDF's) and the ligatures and kerning of Latin
/// letters, as the PDF sets them. Characters the font lacks are skipped. Returns `None`
/// when the font has none of them.
pub fn subset(
    data: &[u8],
    index: u32,
    tag: &str,
    chars: impl IntoIterator<Item = char>,
    outlines: &crate::fonts::Outlines,
) -> Result<Option<Vec<u8>>> {
    let Some(shaper) = Shaper::new(data, index, tag) else {
        return Ok(None);
    };
    let map = shaper.glyphs(chars);
    let ligatures = shaper.ligatures(&map);
    let rules = Rules {
        joins: shaper.joins(&map),
        trims: shaper.trims(&map),
        kerns: shaper.kerns(&map, &ligatures),
        ligatures,
    };
    crate::fonts::subset_web(data, index, &map, &rules, outlines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn char_sets_hold_any_code_point() {
        let mut set = CharSet::default();
        for c in ['a', '中', '😀', '\u{10FFFD}'] {
            set.insert(c);
        }
        assert!(set.contains('中') && !set.contains('文'));
        assert_eq!(set.iter().collect::<String>(), "a中😀\u{10FFFD}");
        let mut other = CharSet::default();
        other.insert('b');
        set.union_with(&other);
        assert_eq!(set.iter().count(), 5);
    }

    #[test]
    fn subset_keeps_a_cmap_for_the_characters() {
        let chars = "镇江高新区，“”A1".chars();
        let bytes = subset(
            Face::SerifRegular.data(),
            0,
            "zh-CN",
            chars.clone(),
            &Default::default(),
        )
        .unwrap()
        .unwrap();
        assert!(bytes.len() < 120_000, "{}", bytes.len());
        let face = ttf_parser::Face::parse(&bytes, 0).unwrap();
        for c in chars {
            assert!(face.glyph_index(c).is_some(), "{c}");
        }
        assert!(face.glyph_index('的').is_none());
        assert_eq!(face.number_of_glyphs(), 11);
    }

    /// The advances of `text` shaped as Latin in `data`, in a Chinese book (as the PDF
    /// shapes it).
    fn latin_advances(data: &[u8], text: &str) -> Vec<i32> {
        let face = rustybuzz::Face::from_slice(data, 0).unwrap();
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_script(rustybuzz::script::LATIN);
        buffer.set_language("zh-CN".parse().unwrap());
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        let shaped = rustybuzz::shape(&face, &[], buffer);
        shaped
            .glyph_positions()
            .iter()
            .map(|p| p.x_advance)
            .collect()
    }

    #[test]
    fn latin_text_is_kerned_and_joined_in_the_web_font_as_in_the_pdf() {
        for face in [Face::SerifRegular, Face::SansBold] {
            let text = "AVATAR To Yves, LTAV 1977. An affluent office of fifty flies.";
            let chars: BTreeSet<char> = text.chars().chain("中，".chars()).collect();
            let web = subset(face.data(), 0, "zh-CN", chars, &Default::default())
                .unwrap()
                .unwrap();
            let kerned = latin_advances(face.data(), text);
            assert_eq!(latin_advances(&web, text), kerned, "{face:?}");
            // the font does kern these pairs
            let unkerned: Vec<i32> = text
                .chars()
                .map(|c| latin_advances(face.data(), &c.to_string())[0])
                .collect();
            assert_ne!(kerned, unkerned, "{face:?}");
            // ffl, ffi, fi and fl are set as ligatures (one glyph each)
            let glyphs = latin_advances(face.data(), "affluent office fifty flies").len();
            assert_eq!(glyphs, 27 - 2 - 2 - 1 - 1, "{face:?}");
        }
    }
}
