//! The bundled fonts (compiled into the binary, so inkstone finds them from any working
//! directory and after `cargo install`), and a fallback to an installed system font for
//! the rare character none of them has.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Location, Warning};
use crate::model::Book;

/// The bundled font files, one `static` each so that every font's bytes occur once in
/// the binary (an `include_bytes!` inside a function may be inlined at every caller).
static SERIF_REGULAR: &[u8] = include_bytes!("../fonts/NotoSerifCJKsc-Regular.otf");
static SERIF_BOLD: &[u8] = include_bytes!("../fonts/NotoSerifCJKsc-Bold.otf");
static SANS_BOLD: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Bold.otf");
static MONO: &[u8] = include_bytes!("../fonts/NotoSansMonoCJKsc-Regular.otf");

/// One of the bundled faces, each a subset of Noto CJK SC (see `fonts/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    /// Noto Serif CJK SC Regular: body text.
    SerifRegular,
    /// Noto Serif CJK SC Bold: `**strong**` text.
    SerifBold,
    /// Noto Sans CJK SC Bold: headings and titles.
    SansBold,
    /// Noto Sans Mono CJK SC Regular: code.
    Mono,
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
}

/// The fonts a build uses: the bundled faces, plus a system font for what they lack.
#[derive(Debug, Clone, Default)]
pub struct FontSet {
    /// The installed font that covers characters missing from the bundled ones.
    pub fallback: Option<SystemFont>,
    /// The characters the bundled fonts do not have.
    pub missing: BTreeSet<char>,
}

impl FontSet {
    /// Checks every character of the book against the bundled fonts. Each missing one is
    /// reported with the file and line where it first occurs, and a system font that
    /// covers it is looked for.
    pub fn for_book(book: &Book, warnings: &mut Vec<Warning>) -> FontSet {
        let body = ttf_parser::Face::parse(Face::SerifRegular.data(), 0).ok();
        let has = |c: char| body.as_ref().is_some_and(|f| f.glyph_index(c).is_some());
        let mut missing: Vec<(char, Location)> = Vec::new();
        let mut seen = BTreeSet::new();
        for (text, location) in book_texts(book) {
            for c in text.chars() {
                if c.is_whitespace() || c.is_control() || seen.contains(&c) || has(c) {
                    continue;
                }
                seen.insert(c);
                missing.push((c, exact_location(&location, c)));
            }
        }
        if missing.is_empty() {
            return FontSet::default();
        }
        let chars: BTreeSet<char> = missing.iter().map(|(c, _)| *c).collect();
        let fallback = find_system_font(&chars, &system_font_dirs());
        for (c, location) in missing {
            let covered = fallback
                .as_ref()
                .and_then(|f| ttf_parser::Face::parse(&f.data, f.index).ok())
                .is_some_and(|face| face.glyph_index(c).is_some());
            let message = match (&fallback, covered) {
                (Some(f), true) => format!(
                    "no bundled font has {c} (U+{:04X}); using the installed font {} for it",
                    c as u32,
                    f.path.display()
                ),
                _ => format!(
                    "no bundled or installed font has {c} (U+{:04X}); readers will see a \
                     blank box: install a font that has it (e.g. fonts-noto-cjk-extra), or \
                     replace the character",
                    c as u32
                ),
            };
            warnings.push(Warning { location, message });
        }
        FontSet {
            fallback,
            missing: chars,
        }
    }
}

/// Every piece of text in the book with the place it comes from.
fn book_texts(book: &Book) -> Vec<(String, Location)> {
    let m = &book.metadata;
    let toml = Location::file(book.dir.join("book.toml"));
    let mut texts = vec![(m.title.clone(), toml.clone())];
    texts.extend(m.subtitle.iter().map(|s| (s.clone(), toml.clone())));
    texts.extend(m.authors.iter().map(|s| (s.clone(), toml.clone())));
    for chapter in &book.chapters {
        let notes = chapter.footnotes.iter().flat_map(|n| &n.blocks);
        for block in chapter.blocks.iter().chain(notes) {
            block.each_text(&mut |text, line| {
                texts.push((text.to_string(), Location::line(&chapter.source, line)));
            });
        }
    }
    texts
}

/// Narrows a block's location to the line of the file where `c` first occurs from there.
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
        .find(|(_, line)| line.contains(c))
        .map_or_else(
            || block.clone(),
            |(i, _)| Location::line(&block.path, i + 1),
        )
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

/// The installed face that covers the most of `chars`; among equals, the one closest to
/// body text: regular weight, a serif (宋/明) design, Simplified Chinese, then path order.
pub fn find_system_font(chars: &BTreeSet<char>, dirs: &[PathBuf]) -> Option<SystemFont> {
    let mut files = Vec::new();
    for dir in dirs {
        collect_font_files(dir, &mut files, 0);
    }
    files.sort();
    // (covered characters, suitability, path, face index)
    let mut best: Option<(usize, u32, PathBuf, u32)> = None;
    for path in files {
        let Ok(data) = fs::read(&path) else { continue };
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        for index in 0..faces {
            let Ok(face) = ttf_parser::Face::parse(&data, index) else {
                continue;
            };
            let covered = chars
                .iter()
                .filter(|&&c| face.glyph_index(c).is_some())
                .count();
            let score = suitability(&face);
            let better = best
                .as_ref()
                .is_none_or(|(n, s, _, _)| (covered, score) > (*n, *s));
            if covered > 0 && better {
                best = Some((covered, score, path.clone(), index));
            }
        }
    }
    let (_, _, path, index) = best?;
    let data = fs::read(&path).ok()?;
    let embeddable = ttf_parser::Face::parse(&data, index)
        .ok()
        .is_some_and(|face| {
            face.tables()
                .os2
                .is_none_or(|os2| os2.permissions() != Some(ttf_parser::Permissions::Restricted))
        });
    Some(SystemFont {
        path,
        index,
        data,
        embeddable,
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
        assert!(find_system_font(&chars, &[PathBuf::from("/nonexistent")]).is_none());
    }
}
