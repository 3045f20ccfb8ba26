//! Inline content flattened into pieces of styled text for shaping: emphasis, strong,
//! code, links, notes, ruby and language spans, each with its marks and its element in
//! the structure tree.

use super::{hyphenation_language, Setter};
use crate::fonts::Face;
use crate::model::Inline;
use crate::pdf::shape::{Index, Marks, Piece, Style};
use crate::pdf::tags::Role;

impl Setter<'_, '_> {
    /// Inline content → pieces of styled text, creating the elements of links and
    /// language spans under `style.elem`.
    pub(super) fn flatten(&mut self, inlines: &[Inline], style: Style, out: &mut Vec<Piece>) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => out.push(Piece::Text(t.clone(), style)),
                Inline::Emphasis(inner) => {
                    let marks = Marks {
                        emphasis: true,
                        ..style.marks
                    };
                    self.flatten(inner, Style { marks, ..style }, out);
                }
                Inline::Strong(inner) => {
                    let face = match style.face {
                        Face::SerifRegular => Face::SerifBold,
                        other => other,
                    };
                    self.flatten(inner, Style { face, ..style }, out);
                }
                Inline::Strikethrough(inner) => {
                    let marks = Marks {
                        strike: true,
                        ..style.marks
                    };
                    self.flatten(inner, Style { marks, ..style }, out);
                }
                Inline::Code(code) => out.push(Piece::Text(
                    code.clone(),
                    Style {
                        face: Face::Mono,
                        hyphenate: None,
                        ..style
                    },
                )),
                Inline::Link { target, content } => {
                    self.links.push(target.clone());
                    let elem = self.tree.add(Role::Link, style.elem);
                    let marks = Marks {
                        link: Index::some(self.links.len() as u32 - 1),
                        ..style.marks
                    };
                    self.flatten(
                        content,
                        Style {
                            marks,
                            elem,
                            ..style
                        },
                        out,
                    );
                }
                Inline::NoteRef(number) => {
                    let marks = Marks {
                        note: Index::some(*number as u32),
                        ..Marks::default()
                    };
                    out.push(Piece::Text(
                        crate::model::note_marker(*number),
                        Style {
                            size: style.size * 0.6,
                            rise: style.rise + style.size * 0.42,
                            marks,
                            ..style
                        },
                    ));
                }
                Inline::Superscript(inner) => {
                    let script = Style {
                        size: style.size * 0.7,
                        rise: style.rise + style.size * 0.36,
                        ..style
                    };
                    self.flatten(inner, script, out);
                }
                Inline::Subscript(inner) => {
                    let script = Style {
                        size: style.size * 0.7,
                        rise: style.rise - style.size * 0.14,
                        ..style
                    };
                    self.flatten(inner, script, out);
                }
                Inline::Ruby { base, annotation } => out.push(Piece::Ruby {
                    base: base.clone(),
                    annotation: annotation.clone(),
                    style,
                }),
                Inline::Lang { lang, content } => {
                    let elem = self.tree.add(Role::Span, style.elem);
                    if let Some(e) = self.tree.get_mut(elem) {
                        e.lang = Some(lang.clone());
                    }
                    let hyphenate = hyphenation_language(lang);
                    self.flatten(
                        content,
                        Style {
                            elem,
                            hyphenate,
                            ..style
                        },
                        out,
                    );
                }
                Inline::LineBreak => out.push(Piece::LineBreak),
            }
        }
    }
}
