//! The fonts of a build, ready to shape with: rustybuzz faces, their shaping plans, and
//! what has been learnt about them (the blank halves of punctuation, shaped single
//! characters). Shared by every thread that sets text: its caches are read-mostly
//! locks, filled on first use.

use std::sync::{Arc, OnceLock, RwLock};

use rustc_hash::FxHashMap as HashMap;

use rustybuzz::{script, Direction, Feature, Language, Script, ShapePlan, UnicodeBuffer};

use super::GlyphText;
use crate::fonts::{Face, FontSet, Outlines};

/// Which font a glyph is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontKey {
    /// A bundled face.
    Bundled(Face),
    /// The `n`-th installed font that covers what the bundled ones lack.
    Fallback(u8),
}

/// A glyph as the shaper gives it, at 1 em (sizes are multiplied in later).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitGlyph {
    /// Glyph id in its font.
    pub id: u16,
    /// Advance width in em.
    pub advance: f32,
    /// Horizontal offset from the pen, in em.
    pub dx: f32,
    /// Vertical offset from the baseline (up is positive), in em.
    pub dy: f32,
    /// Byte offset of its cluster in the shaped text.
    pub cluster: u32,
    /// The text this glyph stands for (the first glyph of a cluster holds it all).
    pub text: GlyphText,
}

/// A cache filled on first use and read by every thread.
type Cache<K, V> = RwLock<HashMap<K, V>>;

/// A glyph drawn as a picture (colour emoji), placed in em relative to the pen.
#[derive(Debug, Clone, PartialEq)]
pub struct Bitmap {
    /// The PNG image.
    pub png: Vec<u8>,
    /// Left edge from the pen.
    pub left: f32,
    /// Bottom edge from the baseline (up is positive).
    pub bottom: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// The two scripts text is shaped in: Han (ideographs, kana, punctuation) and Latin.
const SCRIPTS: [Script; 2] = [script::HAN, script::LATIN];

/// A font ready to shape with, and what has been learnt about it.
struct Loaded<'a> {
    data: &'a [u8],
    index: u32,
    face: crate::fonts::ShapingFace<'a>,
    units_per_em: f32,
    /// Plans by [script][halt].
    plans: [[OnceLock<ShapePlan>; 2]; 2],
    blanks: Cache<char, (f32, f32)>,
    /// Single characters shaped on their own (ideographs, marks): most of a book.
    singles: Cache<(char, bool), Arc<[UnitGlyph]>>,
    /// Horizontal ink extents of glyphs, in em.
    ink: Cache<u16, (f32, f32)>,
}

/// The fonts of a build.
pub struct FontBank<'a> {
    fonts: Vec<(FontKey, Loaded<'a>)>,
    language: Language,
    /// The font chosen for each single character of each face, and whether it has it.
    chosen: Cache<(Face, char), (FontKey, bool)>,
    /// The one glyph a single character of a face is set in (most of a book).
    single: Cache<(Face, char, bool), Option<(FontKey, UnitGlyph)>>,
    /// What the outlines of the glyphs cut so far call (the font set's).
    outlines: &'a Outlines,
}

impl<'a> FontBank<'a> {
    /// Loads the bundled faces and the fallback of `font_set`. `language` is the book's
    /// BCP 47 tag (it selects the locale forms of the glyphs).
    pub fn new(font_set: &'a FontSet, language: &str) -> FontBank<'a> {
        let mut sources: Vec<(FontKey, &'a [u8], u32)> = Face::ALL
            .iter()
            .map(|&face| (FontKey::Bundled(face), face.data(), 0))
            .collect();
        for (n, fallback) in font_set.fallbacks.iter().enumerate() {
            sources.push((
                FontKey::Fallback(n as u8),
                fallback.data.as_slice(),
                fallback.index,
            ));
        }
        let fonts = sources
            .into_iter()
            .filter_map(|(key, data, index)| {
                let face = crate::fonts::shaping_face(data, index)?;
                Some((
                    key,
                    Loaded {
                        data,
                        index,
                        units_per_em: face.units_per_em() as f32,
                        face,
                        plans: Default::default(),
                        blanks: RwLock::default(),
                        singles: RwLock::default(),
                        ink: RwLock::default(),
                    },
                ))
            })
            .collect();
        FontBank {
            fonts,
            language: crate::fonts::forms::shaping_language(language),
            chosen: RwLock::default(),
            single: RwLock::default(),
            outlines: &font_set.outlines,
        }
    }

    fn get(&self, key: FontKey) -> &Loaded<'a> {
        self.fonts
            .iter()
            .find(|(k, _)| *k == key)
            .or_else(|| self.fonts.first())
            .map(|(_, f)| f)
            .expect("the bundled fonts are always loaded")
    }

    /// The font file and face index behind `key` (for embedding).
    pub fn data(&self, key: FontKey) -> (&'a [u8], u32) {
        let f = self.get(key);
        (f.data, f.index)
    }

    /// What the outlines of the glyphs the build has cut so far call, shared with the
    /// EPUB's cuts of the same fonts.
    pub fn outlines(&self) -> &'a Outlines {
        self.outlines
    }

    /// Whether `key` has a glyph for `c`.
    pub fn has_glyph(&self, key: FontKey, c: char) -> bool {
        self.fonts
            .iter()
            .any(|(k, f)| *k == key && f.face.glyph_index(c).is_some())
    }

    /// The font to set `text` in when the style asks for `face`: the face itself when
    /// it has every character, else the regular serif (the monospace face has fewer
    /// characters), else the first installed font that has them all.
    pub fn font_for(&self, face: Face, text: &str) -> FontKey {
        self.choose(face, text).0
    }

    /// The font for `text` (see [`FontBank::font_for`]) and whether it has every
    /// character; a single character's choice is remembered.
    pub fn choose(&self, face: Face, text: &str) -> (FontKey, bool) {
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if let Some(&chosen) = read(&self.chosen).get(&(face, c)) {
                return chosen;
            }
            let chosen = self.choose_uncached(face, text);
            write(&self.chosen).insert((face, c), chosen);
            return chosen;
        }
        self.choose_uncached(face, text)
    }

    fn choose_uncached(&self, face: Face, text: &str) -> (FontKey, bool) {
        let found = [FontKey::Bundled(face), FontKey::Bundled(Face::SerifRegular)]
            .into_iter()
            .chain(
                self.fonts
                    .iter()
                    .filter_map(|(key, _)| matches!(key, FontKey::Fallback(_)).then_some(*key)),
            )
            .find(|&key| self.covers(key, text));
        match found {
            Some(key) => (key, true),
            None => (FontKey::Bundled(face), false),
        }
    }

    /// Whether `key` has a glyph for every visible character of `text`.
    pub fn covers(&self, key: FontKey, text: &str) -> bool {
        text.chars()
            .all(|c| c.is_whitespace() || crate::script::is_invisible(c) || self.has_glyph(key, c))
    }

    /// Where the ink of glyph `id` of `key` begins and ends horizontally, in em from
    /// the pen (a Latin letter may overhang its advance box a little).
    pub fn ink(&self, key: FontKey, id: u16) -> (f32, f32) {
        let f = self.get(key);
        if let Some(&extent) = read(&f.ink).get(&id) {
            return extent;
        }
        let scale = 1.0 / f.units_per_em;
        let gid = ttf_parser::GlyphId(id);
        let extent = f.face.glyph_bounding_box(gid).map_or_else(
            || {
                (
                    0.0,
                    f32::from(f.face.glyph_hor_advance(gid).unwrap_or(0)) * scale,
                )
            },
            |b| (f32::from(b.x_min) * scale, f32::from(b.x_max) * scale),
        );
        write(&f.ink).insert(id, extent);
        extent
    }

    /// The colour bitmap of glyph `id` of `key`, when the font draws it as an image (a
    /// colour emoji font): the PNG data, and its placement in em (left, bottom, width,
    /// height) relative to the pen on the baseline.
    pub fn bitmap(&self, key: FontKey, id: u16) -> Option<Bitmap> {
        let f = self.get(key);
        if f.face.tables().cff.is_some() || f.face.tables().glyf.is_some() {
            return None;
        }
        let image = f
            .face
            .glyph_raster_image(ttf_parser::GlyphId(id), u16::MAX)?;
        if image.format != ttf_parser::RasterImageFormat::PNG {
            return None;
        }
        let ppem = f32::from(image.pixels_per_em.max(1));
        Some(Bitmap {
            png: image.data.to_vec(),
            left: f32::from(image.x) / ppem,
            bottom: f32::from(image.y) / ppem,
            width: f32::from(image.width) / ppem,
            height: f32::from(image.height) / ppem,
        })
    }

    fn plan<'s>(&self, f: &'s Loaded<'a>, latin: bool, halt: bool) -> &'s ShapePlan {
        f.plans[usize::from(latin)][usize::from(halt)].get_or_init(|| {
            let features: Vec<Feature> = if halt {
                vec![Feature::new(ttf_parser::Tag::from_bytes(b"halt"), 1, ..)]
            } else {
                Vec::new()
            };
            ShapePlan::new(
                &f.face,
                Direction::LeftToRight,
                Some(SCRIPTS[usize::from(latin)]),
                Some(&self.language),
                &features,
            )
        })
    }

    fn shape_uncached(&self, key: FontKey, text: &str, latin: bool, halt: bool) -> Vec<UnitGlyph> {
        let f = self.get(key);
        let plan = self.plan(f, latin, halt);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(Direction::LeftToRight);
        buffer.set_script(SCRIPTS[usize::from(latin)]);
        buffer.set_language(self.language.clone());
        let shaped = rustybuzz::shape_with_plan(&f.face, plan, buffer);
        let infos = shaped.glyph_infos();
        let scale = 1.0 / f.units_per_em;
        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, pos)) in infos.iter().zip(shaped.glyph_positions()).enumerate() {
            let cluster = info.cluster as usize;
            let first_of_cluster = i == 0 || infos[i - 1].cluster as usize != cluster;
            let text = if first_of_cluster {
                let end = infos[i + 1..]
                    .iter()
                    .map(|n| n.cluster as usize)
                    .find(|&c| c != cluster)
                    .unwrap_or(text.len());
                let (lo, hi) = (cluster.min(end), cluster.max(end));
                GlyphText::new(text.get(lo..hi).unwrap_or_default())
            } else {
                GlyphText::None
            };
            glyphs.push(UnitGlyph {
                id: info.glyph_id as u16,
                advance: pos.x_advance as f32 * scale,
                dx: pos.x_offset as f32 * scale,
                dy: pos.y_offset as f32 * scale,
                cluster: cluster as u32,
                text,
            });
        }
        glyphs
    }

    /// Shapes `text` in `key` (Latin script when `latin`, else Han), at 1 em. A single
    /// character is shaped once per build and remembered.
    pub fn shape(&self, key: FontKey, text: &str, latin: bool) -> Arc<[UnitGlyph]> {
        let mut chars = text.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return self.shape_uncached(key, text, latin, false).into();
        };
        let f = self.get(key);
        if let Some(glyphs) = read(&f.singles).get(&(c, latin)) {
            return glyphs.clone();
        }
        let glyphs: Arc<[UnitGlyph]> = self.shape_uncached(key, text, latin, false).into();
        write(&f.singles).insert((c, latin), glyphs.clone());
        glyphs
    }

    /// The font and the one glyph character `c` is set in when the style asks for
    /// `face` (Latin script when `latin`), if one font has it and shapes it into one
    /// glyph: the common case, answered from one cache.
    pub fn single(&self, face: Face, c: char, latin: bool) -> Option<(FontKey, UnitGlyph)> {
        if let Some(found) = read(&self.single).get(&(face, c, latin)) {
            return found.clone();
        }
        let mut buf = [0u8; 4];
        let text = c.encode_utf8(&mut buf);
        let found = match self.choose(face, text) {
            (key, true) => match &self.shape(key, text, latin)[..] {
                [g] => Some((key, g.clone())),
                _ => None,
            },
            _ => None,
        };
        write(&self.single).insert((face, c, latin), found.clone());
        found
    }

    /// The blank (left, right) parts of a full-width punctuation mark, in em, from the
    /// font's `halt` (half-width) feature: what the designer says may be taken away.
    pub fn blanks(&self, key: FontKey, c: char) -> (f32, f32) {
        let f = self.get(key);
        if let Some(&b) = read(&f.blanks).get(&c) {
            return b;
        }
        let mut buf = [0u8; 4];
        let text = c.encode_utf8(&mut buf);
        let full = self.shape_uncached(key, text, false, false);
        let half = self.shape_uncached(key, text, false, true);
        let b = match (full.as_slice(), half.as_slice()) {
            ([f], [h]) if h.advance < f.advance - 0.01 => {
                let cut = f.advance - h.advance;
                let left = (-h.dx).clamp(0.0, cut);
                (left, cut - left)
            }
            _ => (0.0, 0.0),
        };
        write(&f.blanks).insert(c, b);
        b
    }
}

/// Reads a cache (threads read at once; a cache poisoned by a panic elsewhere is still
/// a valid cache).
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

/// Writes to a cache.
fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_is_shared_between_threads() {
        fn sync<T: Sync>() {}
        sync::<FontBank<'static>>();
    }
}
