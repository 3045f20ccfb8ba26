//! The bundled fonts (compiled into the binary, so inkstone finds them from any working
//! directory and after `cargo install`), and a fallback to an installed system font for
//! the rare character none of them has.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::error::{Code, Finding, Location, Warning};
use crate::model::Book;
use crate::script;

mod cut;
pub mod forms;
mod subset;
mod tables;

pub use cut::{Order, Outlines};
pub use subset::{subset, subset_cid_cff, subset_web};
pub use tables::{Join, Kern, Rules, Trim};

/// The bundled font files, one `static` each so that every font's bytes occur once in
/// the binary (an `include_bytes!` inside a function may be inlined at every caller).
static SERIF_REGULAR: &[u8] = include_bytes!("../../fonts/NotoSerifCJKsc-Regular.otf");
static SERIF_BOLD: &[u8] = include_bytes!("../../fonts/NotoSerifCJKsc-Bold.otf");
static SANS_BOLD: &[u8] = include_bytes!("../../fonts/NotoSansCJKsc-Bold.otf");
static MONO: &[u8] = include_bytes!("../../fonts/NotoSansMonoCJKsc-Regular.otf");

/// One of the bundled faces, each a subset of Noto CJK SC (see `fonts/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Face {
    /// Noto Serif CJK SC Regular: body text.
    #[default]
    SerifRegular,
    /// Noto Serif CJK SC Bold: `**strong**` text.
    SerifBold,
    /// Noto Sans CJK SC Bold: headings and titles.
    SansBold,
    /// Noto Sans Mono CJK SC Regular: code.
    Mono,
}

/// Face `index` of `data` parsed for shaping. A bundled face is parsed once per process
/// and shared: rustybuzz builds lookup tables for each face it parses (0.1-0.3 ms a
/// face), and the PDF's shaper, the web fonts and the drawn cover all ask for it.
pub fn shaping_face(data: &[u8], index: u32) -> Option<ShapingFace<'_>> {
    static BUNDLED: [OnceLock<Option<rustybuzz::Face<'static>>>; 4] =
        [const { OnceLock::new() }; 4];
    let bundled = Face::ALL
        .iter()
        .position(|face| index == 0 && std::ptr::eq(face.data(), data));
    match bundled {
        Some(i) => BUNDLED[i]
            .get_or_init(|| rustybuzz::Face::from_slice(Face::ALL[i].data(), 0))
            .as_ref()
            .map(ShapingFace::Shared),
        None => {
            rustybuzz::Face::from_slice(data, index).map(|face| ShapingFace::Own(Box::new(face)))
        }
    }
}

/// Parses every bundled face for shaping (see [`shaping_face`]), as the PDF's shaper
/// will: a build has it done on a worker while the chapters are read.
pub fn parse_bundled() {
    for face in Face::ALL {
        shaping_face(face.data(), 0);
    }
}

/// A face parsed for shaping: a bundled one shared by the whole process, or another.
pub enum ShapingFace<'a> {
    /// A bundled face.
    Shared(&'static rustybuzz::Face<'static>),
    /// A face parsed for its user alone.
    Own(Box<rustybuzz::Face<'a>>),
}

impl<'a> std::ops::Deref for ShapingFace<'a> {
    type Target = rustybuzz::Face<'a>;

    fn deref(&self) -> &rustybuzz::Face<'a> {
        match self {
            ShapingFace::Shared(face) => face,
            ShapingFace::Own(face) => face,
        }
    }
}

impl Face {
    /// Every bundled face.
    pub const ALL: [Face; 4] = [
        Face::SerifRegular,
        Face::SerifBold,
        Face::SansBold,
        Face::Mono,
    ];

    /// The font file (OpenType/CFF). Each file is compiled into the binary once.
    pub fn data(self) -> &'static [u8] {
        match self {
            Face::SerifRegular => SERIF_REGULAR,
            Face::SerifBold => SERIF_BOLD,
            Face::SansBold => SANS_BOLD,
            Face::Mono => MONO,
        }
    }

    /// A short file-name stem for the face, e.g. in the EPUB's `fonts/` folder.
    pub fn stem(self) -> &'static str {
        match self {
            Face::SerifRegular => "serif-regular",
            Face::SerifBold => "serif-bold",
            Face::SansBold => "sans-bold",
            Face::Mono => "mono",
        }
    }
}

/// A font installed on the system that covers characters no bundled face has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemFont {
    /// Where it was found.
    pub path: PathBuf,
    /// Face index inside a collection (0 for a single font).
    pub index: u32,
    /// The font file.
    pub data: Vec<u8>,
    /// Whether its licence bits (OS/2 fsType) allow embedding it in a document.
    pub embeddable: bool,
    /// Whether its glyphs are outlines (CFF or TrueType); a colour emoji font such as
    /// Noto Color Emoji holds bitmaps instead, which are drawn as images.
    pub outlines: bool,
}

/// The most installed fonts a build draws on for characters the bundled faces lack.
pub const MAX_FALLBACKS: usize = 4;

/// The fonts a build uses: the bundled faces, plus installed fonts for what they lack.
#[derive(Debug, Default)]
pub struct FontSet {
    /// Installed fonts covering characters missing from the bundled ones, the one that
    /// covers most first (a CJK face for rare ideographs, an emoji font for emoji…).
    pub fallbacks: Vec<SystemFont>,
    /// The characters the bundled fonts do not have.
    pub missing: BTreeSet<char>,
    /// What the outlines of the glyphs cut so far call, for the build's other cuts of
    /// the same faces.
    pub outlines: Outlines,
}

impl FontSet {
    /// Checks every character of the book against the bundled fonts. Each missing one is
    /// reported with the file and line where it first occurs when no installed font has
    /// it either; installed fonts that cover the others are chosen.
    pub fn for_book(book: &Book, warnings: &mut Vec<Warning>) -> FontSet {
        let body = ttf_parser::Face::parse(Face::SerifRegular.data(), 0).ok();
        let has = |c: char| body.as_ref().is_some_and(|f| f.glyph_index(c).is_some());
        let mut missing: Vec<(char, Location)> = Vec::new();
        // each character is looked up once: a book holds a few thousand distinct ones
        let mut seen = CharSet::default();
        each_book_text(book, &mut |text, location| {
            for c in text.chars() {
                if !seen.insert(c)
                    || c.is_whitespace()
                    || c.is_control()
                    || script::is_invisible(c)
                    || has(c)
                {
                    continue;
                }
                missing.push((c, location()));
            }
        });
        if missing.is_empty() {
            return FontSet::default();
        }
        let chars: BTreeSet<char> = missing.iter().map(|(c, _)| *c).collect();
        let fallbacks = find_system_fonts(&chars, &system_font_dirs());
        for (c, location) in missing {
            let covered = fallbacks.iter().any(|f| {
                ttf_parser::Face::parse(&f.data, f.index)
                    .is_ok_and(|face| face.glyph_index(c).is_some())
            });
            if !covered {
                warnings.push(Finding::new(
                    Code::MissingGlyph,
                    exact_location(&location, c),
                    format!(
                        "no bundled or installed font has {c} (U+{:04X}); readers will see a \
                         blank box",
                        c as u32
                    ),
                    "install a font that has it (e.g. fonts-noto-cjk-extra, \
                     fonts-noto-color-emoji), or replace the character",
                ));
            }
        }
        FontSet {
            fallbacks,
            missing: chars,
            outlines: Outlines::default(),
        }
    }
}

/// Calls `f` with every piece of text in the book and a way to name the place it comes
/// from.
fn each_book_text(book: &Book, f: &mut dyn FnMut(&str, &dyn Fn() -> Location)) {
    let m = &book.metadata;
    let toml = || Location::file(book.dir.join("book.toml"));
    for text in std::iter::once(&m.title)
        .chain(&m.subtitle)
        .chain(&m.authors)
    {
        f(text, &toml);
    }
    for chapter in &book.chapters {
        let notes = chapter.footnotes.iter().flat_map(|n| &n.blocks);
        for block in chapter.blocks.iter().chain(notes) {
            block.each_text(&mut |text, line| {
                f(text, &|| Location::line(&chapter.source, line));
            });
        }
    }
}

/// A set of characters: a bitmap for the Basic Multilingual Plane, a tree beyond.
#[derive(Default)]
struct CharSet {
    bmp: Vec<u64>,
    rest: BTreeSet<char>,
}

impl CharSet {
    /// Adds `c`; whether it was not there yet.
    fn insert(&mut self, c: char) -> bool {
        let u = c as usize;
        if u >= 0x10000 {
            return self.rest.insert(c);
        }
        if self.bmp.is_empty() {
            self.bmp = vec![0; 0x10000 / 64];
        }
        let (word, bit) = (u / 64, 1u64 << (u % 64));
        let new = self.bmp[word] & bit == 0;
        self.bmp[word] |= bit;
        new
    }
}

/// Narrows a block's location to the line and column of the file where `c` first
/// occurs from there.
fn exact_location(block: &Location, c: char) -> Location {
    let Some(start) = block.line else {
        return block.clone();
    };
    let Ok(text) = fs::read_to_string(&block.path) else {
        return block.clone();
    };
    text.lines()
        .enumerate()
        .skip(start - 1)
        .find_map(|(i, line)| {
            let column = line.chars().position(|x| x == c)?;
            Some(Location::span(&block.path, i + 1, column + 1, 1))
        })
        .unwrap_or_else(|| block.clone())
}

/// Where fonts are installed on Linux, macOS and Windows.
fn system_font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/System/Library/Fonts",
        "/Library/Fonts",
        "C:\\Windows\\Fonts",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".fonts"));
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join("Library/Fonts"));
    }
    dirs
}

/// Installed faces that together cover as much of `chars` as they can: the face that
/// covers the most, then the one that covers the most of the rest, and so on (at most
/// [`MAX_FALLBACKS`]). Among equals, the one closest to body text: regular weight, a
/// serif (宋/明) design, Simplified Chinese, then path order.
pub fn find_system_fonts(chars: &BTreeSet<char>, dirs: &[PathBuf]) -> Vec<SystemFont> {
    let mut files = Vec::new();
    for dir in dirs {
        collect_font_files(dir, &mut files, 0);
    }
    files.sort();
    let wanted: Vec<char> = chars.iter().copied().collect();
    // (path, face index, suitability, which of `wanted` it covers)
    let mut candidates: Vec<(PathBuf, u32, u32, Vec<bool>)> = Vec::new();
    for path in files {
        let Ok(data) = fs::read(&path) else { continue };
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        for index in 0..faces {
            let Ok(face) = ttf_parser::Face::parse(&data, index) else {
                continue;
            };
            let covers: Vec<bool> = wanted
                .iter()
                .map(|&c| face.glyph_index(c).is_some())
                .collect();
            if covers.iter().any(|&c| c) {
                candidates.push((path.clone(), index, suitability(&face), covers));
            }
        }
    }
    let mut left = vec![true; wanted.len()];
    let mut chosen = Vec::new();
    while chosen.len() < MAX_FALLBACKS {
        let gain = |covers: &[bool]| covers.iter().zip(&left).filter(|(c, l)| **c && **l).count();
        // most new characters, then suitability, then the first in path order
        let best = candidates
            .iter()
            .enumerate()
            .map(|(i, (_, _, score, covers))| (gain(covers), *score, std::cmp::Reverse(i)))
            .max()
            .filter(|(gained, _, _)| *gained > 0);
        let Some((_, _, std::cmp::Reverse(i))) = best else {
            break;
        };
        let (path, index, _, covers) = candidates.remove(i);
        for (l, c) in left.iter_mut().zip(&covers) {
            *l &= !c;
        }
        if let Some(font) = load_system_font(path, index) {
            chosen.push(font);
        }
    }
    chosen
}

/// Reads face `index` of the font file at `path`.
fn load_system_font(path: PathBuf, index: u32) -> Option<SystemFont> {
    let data = fs::read(&path).ok()?;
    let face = ttf_parser::Face::parse(&data, index).ok()?;
    let embeddable = face
        .tables()
        .os2
        .is_none_or(|os2| os2.permissions() != Some(ttf_parser::Permissions::Restricted));
    let outlines = face.tables().cff.is_some() || face.tables().glyf.is_some();
    Some(SystemFont {
        path,
        index,
        data,
        embeddable,
        outlines,
    })
}

/// How well a face suits body text: regular weight first, then a serif design, then
/// Simplified Chinese.
fn suitability(face: &ttf_parser::Face<'_>) -> u32 {
    let name: String = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FULL_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_default()
        .to_lowercase();
    let weight = face.weight().to_number();
    let regular = 1000 - u32::from(weight.abs_diff(400)).min(1000);
    let serif = ["serif", "song", "ming", "宋", "明"]
        .iter()
        .any(|k| name.contains(k))
        && !name.contains("sans");
    let simplified = [" sc", "cn", "gb", "hans"].iter().any(|k| name.contains(k));
    regular * 4 + u32::from(serif) * 2 + u32::from(simplified)
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && depth < 6 {
            collect_font_files(&path, out, depth + 1);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_are_parsed_for_shaping_once() {
        let shared = |data: &[u8]| match shaping_face(data, 0) {
            Some(ShapingFace::Shared(face)) => Some(face as *const _),
            _ => None,
        };
        for face in Face::ALL {
            let first = shared(face.data()).expect("shared");
            assert_eq!(shared(face.data()), Some(first), "{face:?}");
        }
        // the same bytes elsewhere are another font as far as sharing goes
        let copy = Face::Mono.data().to_vec();
        assert!(matches!(shaping_face(&copy, 0), Some(ShapingFace::Own(_))));
    }

    #[test]
    fn bundled_faces_parse_and_cover_gb2312_and_big5_samples() {
        // (the monospace face covers GB 2312 only)
        for face in Face::ALL {
            let f = ttf_parser::Face::parse(face.data(), 0).unwrap();
            let sample = if face == Face::Mono {
                "镇江高新区“”，。、…—（）0aZ{}<>"
            } else {
                "镇江高新区“”，。、…—（）0aZ體龜鬱齉"
            };
            for c in sample.chars() {
                assert!(f.glyph_index(c).is_some(), "{face:?} lacks {c}");
            }
            assert_eq!(f.units_per_em(), 1000);
        }
    }

    #[test]
    fn no_system_font_in_an_empty_folder() {
        let chars: BTreeSet<char> = ['𠀀'].into();
        assert!(find_system_fonts(&chars, &[PathBuf::from("/nonexistent")]).is_empty());
    }
}
