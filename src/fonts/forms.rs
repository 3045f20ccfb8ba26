//! The glyph a character is drawn with in a book's language. Noto CJK holds the forms of
//! several locales (Traditional Chinese's centred stops and its character shapes,
//! Japanese and Korean ones) behind the `locl` feature, and full-width forms that only
//! Han script text uses (the em dash of `——`). The PDF's shaper picks them by the book's
//! language and each character's script; the EPUB's web fonts map each character
//! straight to the same glyph, since a reading system may not apply `locl` and the cut
//! fonts carry no layout tables.

use rustybuzz::{script, Direction, ShapePlan, UnicodeBuffer};

use crate::script::{class, Class};

/// The shaper's language for a book's BCP 47 `tag` (Simplified Chinese when the tag
/// cannot be read).
pub fn shaping_language(tag: &str) -> rustybuzz::Language {
    tag.parse()
        .unwrap_or_else(|_| "zh-Hans".parse().expect("a valid tag"))
}

/// The shaper's script for a character standing alone: Latin for letters, digits and
/// the narrow punctuation around them, Han for the rest (as the PDF sets them).
pub fn shaping_script(c: char) -> rustybuzz::Script {
    if class(c) == Class::Latin {
        script::LATIN
    } else {
        script::HAN
    }
}

/// The glyph face `index` of `data` draws each of `chars` with when the character
/// stands alone in a book in language `tag`: the shaper's choice when it makes one
/// glyph of it, else the font's own mapping. Characters the face lacks are left out.
pub fn glyphs(
    data: &[u8],
    index: u32,
    tag: &str,
    chars: impl IntoIterator<Item = char>,
) -> Vec<(char, u16)> {
    let Some(face) = rustybuzz::Face::from_slice(data, index) else {
        return Vec::new();
    };
    let language = shaping_language(tag);
    let plan = |script| {
        ShapePlan::new(
            &face,
            Direction::LeftToRight,
            Some(script),
            Some(&language),
            &[],
        )
    };
    let (han, latin) = (plan(script::HAN), plan(script::LATIN));
    let mut buffer = UnicodeBuffer::new();
    let mut found = Vec::new();
    for c in chars {
        let Some(own) = face.glyph_index(c).filter(|g| g.0 != 0) else {
            continue;
        };
        let script = shaping_script(c);
        buffer.push_str(c.encode_utf8(&mut [0; 4]));
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(script);
        buffer.set_language(language.clone());
        let plan = if script == script::LATIN {
            &latin
        } else {
            &han
        };
        let shaped = rustybuzz::shape_with_plan(&face, plan, buffer);
        let glyph = match shaped.glyph_infos() {
            [one] if one.glyph_id != 0 => one.glyph_id as u16,
            _ => own.0,
        };
        found.push((c, glyph));
        buffer = shaped.clear();
    }
    found
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
        let hans = glyphs(data, 0, "zh-Hans", "，。中a".chars());
        let hant = glyphs(data, 0, "zh-TW", "，。中a".chars());
        assert_eq!(hans[0], ('，', own('，')));
        assert_ne!(hant[0].1, own('，'), "a centred comma");
        assert_ne!(hant[1].1, own('。'), "a centred full stop");
        assert_eq!(hant[3], ('a', own('a')));
    }

    #[test]
    fn the_em_dash_is_full_width_in_han_text() {
        let data = Face::SerifRegular.data();
        let face = ttf_parser::Face::parse(data, 0).unwrap();
        let [(_, dash)] = glyphs(data, 0, "zh-CN", ['—'])[..] else {
            panic!("one glyph")
        };
        let advance = |g| face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap();
        assert_eq!(advance(dash), 1000);
        assert!(advance(own('—')) < 1000, "the font's own dash is narrower");
    }

    #[test]
    fn characters_the_face_lacks_are_left_out() {
        let data = Face::Mono.data();
        assert!(glyphs(data, 0, "zh-CN", ['\u{10FFFD}']).is_empty());
    }
}
