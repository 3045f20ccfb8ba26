//! What shaping makes: glyphs with the text they stand for, styles and marks, atoms and
//! the gaps between them, and the pieces of styled text it starts from.

use smallvec::SmallVec;

use super::FontKey;
use crate::fonts::Face;
use crate::pdf::tags::ElemId;
use crate::script::Class;

/// The text a glyph stands for, for copy and paste and search.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub enum GlyphText {
    /// Nothing: another glyph of the same cluster holds the text.
    #[default]
    None,
    /// One character (most glyphs).
    Char(char),
    /// Several characters (`——`, a ligature, an emoji sequence): rare, so behind a
    /// thin pointer, which keeps every glyph 8 bytes smaller.
    Str(Box<Box<str>>),
}

impl GlyphText {
    /// The text of `s`.
    pub fn new(s: &str) -> GlyphText {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (None, _) => GlyphText::None,
            (Some(c), None) => GlyphText::Char(c),
            _ => GlyphText::Str(Box::new(s.into())),
        }
    }

    /// The text, borrowed.
    pub fn as_str(&self) -> GlyphStr<'_> {
        match self {
            GlyphText::None => GlyphStr::None,
            GlyphText::Char(c) => GlyphStr::Char(*c),
            GlyphText::Str(s) => GlyphStr::Str(s),
        }
    }
}

/// The text a glyph stands for, borrowed (from a [`GlyphText`], or from the line a
/// placed glyph is on): what copy and paste, search and the structure tree read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GlyphStr<'a> {
    /// Nothing: another glyph of the same cluster holds the text.
    #[default]
    None,
    /// One character.
    Char(char),
    /// Several characters.
    Str(&'a str),
}

impl GlyphStr<'_> {
    /// Its first character.
    pub fn first(self) -> Option<char> {
        match self {
            GlyphStr::None => None,
            GlyphStr::Char(c) => Some(c),
            GlyphStr::Str(s) => s.chars().next(),
        }
    }

    /// How many of its characters count ([`crate::script::is_counted`]).
    pub fn counted_len(self) -> usize {
        match self {
            GlyphStr::None => 0,
            GlyphStr::Char(c) => usize::from(crate::script::is_counted(c)),
            GlyphStr::Str(s) => crate::script::counted_len(s),
        }
    }

    /// Whether it stands for no text.
    pub fn is_empty(self) -> bool {
        matches!(self, GlyphStr::None)
    }

    /// Appends the text to `out`.
    pub fn push_to(self, out: &mut String) {
        match self {
            GlyphStr::None => {}
            GlyphStr::Char(c) => out.push(c),
            GlyphStr::Str(s) => out.push_str(s),
        }
    }

    /// The text as a string.
    pub fn to_text(self) -> String {
        let mut out = String::new();
        self.push_to(&mut out);
        out
    }

    /// The text, owned.
    pub fn to_owned(self) -> GlyphText {
        match self {
            GlyphStr::None => GlyphText::None,
            GlyphStr::Char(c) => GlyphText::Char(c),
            GlyphStr::Str(s) => GlyphText::Str(Box::new(s.into())),
        }
    }
}

/// One glyph, sizes in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Its font.
    pub font: FontKey,
    /// Glyph id in its font.
    pub id: u16,
    /// Type size.
    pub size: f32,
    /// Advance width.
    pub advance: f32,
    /// Horizontal offset from the pen position.
    pub dx: f32,
    /// Vertical offset from the baseline (up is positive).
    pub dy: f32,
    /// Byte offset of its cluster in the atom's text.
    pub cluster: u32,
    /// Where its ink begins and ends, from the pen (Latin glyphs; for others, whose ink
    /// keeps inside their box, an empty extent).
    pub ink: (f32, f32),
    /// The text this glyph stands for.
    pub text: GlyphText,
}

/// The look of a piece of text, and where it belongs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// The face.
    pub face: Face,
    /// Size in points.
    pub size: f32,
    /// Baseline shift in points (up is positive): superscripts, subscripts.
    pub rise: f32,
    /// Decorations drawn with the text.
    pub marks: Marks,
    /// The structure element the text belongs to (tagged PDF).
    pub elem: ElemId,
    /// The language whose patterns hyphenate Latin words, if they may be hyphenated.
    pub hyphenate: Option<hypher::Lang>,
}

impl Style {
    /// Plain text in `face` at `size` points, belonging to `elem`.
    pub fn plain(face: Face, size: f32, elem: ElemId) -> Style {
        Style {
            face,
            size,
            rise: 0.0,
            marks: Marks::default(),
            elem,
            hyphenate: Some(hypher::Lang::English),
        }
    }
}

/// What is drawn along with some text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    /// Emphasis: dots under ideographs (着重号), italics for Latin.
    pub emphasis: bool,
    /// Struck through.
    pub strike: bool,
    /// Part of a link (an index into the book's link list).
    pub link: Index,
    /// The reference mark of this footnote (its number).
    pub note: Index,
}

/// A number, or none, in four bytes: every glyph carries two (a long book holds a
/// million glyphs from composition until its PDF is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Index(Option<std::num::NonZeroU32>);

impl Index {
    /// The number `n` (below `u32::MAX`).
    pub fn some(n: u32) -> Index {
        Index(std::num::NonZeroU32::new(n.wrapping_add(1)))
    }

    /// The number, if any.
    pub fn get(self) -> Option<u32> {
        self.0.map(|n| n.get() - 1)
    }
}

/// Inline content of a paragraph, flattened.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Text in one style.
    Text(String, Style),
    /// Ruby: `base` with `annotation` in small type above it, never split.
    Ruby {
        /// The annotated text.
        base: String,
        /// The annotation.
        annotation: String,
        /// The base's style.
        style: Style,
    },
    /// A forced line break.
    LineBreak,
}

/// An unbreakable unit, shaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    /// Its glyphs (most atoms have one).
    pub glyphs: SmallVec<[Glyph; 1]>,
    /// Their font.
    pub font: FontKey,
    /// Type size in points.
    pub size: f32,
    /// Decorations.
    pub marks: Marks,
    /// The structure element it belongs to.
    pub elem: ElemId,
    /// The language whose patterns hyphenate its words, if they may be hyphenated.
    pub hyphenate: Option<hypher::Lang>,
    /// Raised or lowered (a superscript, subscript or note mark): no Han–Latin space.
    pub raised: bool,
    /// Code (the monospace face): spaced from Chinese like Latin text.
    pub code: bool,
    /// Spacing class.
    pub class: Class,
    /// Width in points after the compression of adjacent marks.
    pub width: f32,
    /// Where the glyphs start relative to the atom's box (negative when a blank left
    /// half was taken away).
    pub shift: f32,
    /// Blank left part still present: taken away at the start of a line.
    pub left_blank: f32,
    /// Blank right part still present: taken away at the end of a line.
    pub right_blank: f32,
    /// How much the atom may give up in the middle of a line (`，、；` to ½ em).
    pub shrink: f32,
    /// Characters that count for a paragraph's last line (not punctuation).
    pub letters: usize,
    /// Its first and last characters.
    pub ends: (char, char),
}

/// The space between two atoms.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gap {
    /// Natural width in points.
    pub width: f32,
    /// How much it may grow (points, at adjustment ratio 1).
    pub stretch: f32,
    /// How much it may shrink (points, at ratio −1).
    pub shrink: f32,
    /// A line may break here.
    pub breakable: bool,
    /// A line must break here (a hard line break).
    pub forced: bool,
    /// Cost of breaking here (TeX penalty units).
    pub penalty: f32,
    /// A blank glyph drawn over the gap where the source has a space (a word space, or
    /// the ideographic space between Chinese phrases), so that the text layer holds a
    /// real space there rather than a hole in the line.
    pub space: Option<SpaceGlyph>,
    /// A hyphen shown at the end of the line when the line breaks here (a word
    /// hyphenated, or a soft hyphen).
    pub hyphen: Option<SpaceGlyph>,
}

/// A glyph drawn in a gap: a space, or a hyphen at a break.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpaceGlyph {
    /// Its font.
    pub font: FontKey,
    /// Glyph id.
    pub id: u16,
    /// Type size.
    pub size: f32,
    /// Advance width in points.
    pub advance: f32,
    /// Where its ink ends, from the pen, in points.
    pub ink_right: f32,
    /// The character it stands for.
    pub text: char,
}

/// A paragraph ready for the line breaker: `gaps[i]` is the gap before `atoms[i]`
/// (`gaps[0]` is unused).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Items {
    /// The atoms.
    pub atoms: Vec<Atom>,
    /// The gaps, one before each atom.
    pub gaps: Vec<Gap>,
}
