//! The one place XHTML text is written: it is escaped, recorded under the face the
//! stylesheet sets it in (so the web-font subsets hold exactly what is shown), and
//! counted, so that a place in a block ([`crate::model::Place`]) can be found again.

use std::fmt;

use crate::epub::fonts::Usage;
use crate::fonts::Face;
use crate::script::{address_breaks, class, counted_len, Class};

/// Where text of a block stands in a page: before the block's `offset`-th counted
/// character is byte `byte` of the XHTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// The block's number (see [`crate::model::Place::Text`]).
    pub block: usize,
    /// Counted characters of the block before `byte`.
    pub offset: usize,
    /// A byte position in the page's XHTML.
    pub byte: usize,
}

/// XHTML being written: the markup, the faces of its text, where its blocks stand.
#[derive(Debug, Clone, Default)]
pub struct Writer {
    /// The XHTML so far.
    pub out: String,
    /// The characters shown, by face.
    pub usage: Usage,
    /// Where each block and each run of text begins, in order.
    pub stops: Vec<Stop>,
    face: Face,
    block: usize,
    offset: usize,
}

impl Writer {
    /// A writer whose text is set in the regular serif until told otherwise.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// Appends markup as it is.
    pub fn markup(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// Appends text shown on the page, escaped, in the current face, counted as text of
    /// the current block.
    pub fn text(&mut self, text: &str) {
        self.stops.push(Stop {
            block: self.block,
            offset: self.offset,
            byte: self.out.len(),
        });
        self.offset += counted_len(text);
        self.shown(text);
    }

    /// Appends text shown on the page that the print edition does not have in the text
    /// (a task box, ruby's fallback parentheses): escaped and recorded, not counted.
    /// A line may break where the PDF's may inside a Latin run (`<wbr/>` after the
    /// delimiters of an address): reading systems keep such runs whole, and the line
    /// before one that does not fit is stretched across the screen.
    pub fn shown(&mut self, text: &str) {
        self.usage.add_text(self.face, text);
        let mut written = 0;
        for (start, run) in latin_runs(text) {
            for at in address_breaks(run) {
                escape_into(&mut self.out, &text[written..start + at]);
                self.out.push_str("<wbr/>");
                written = start + at;
            }
        }
        escape_into(&mut self.out, &text[written..]);
    }

    /// Block `block` begins here.
    pub fn begin_block(&mut self, block: usize) {
        self.block = block;
        self.offset = 0;
        self.stops.push(Stop {
            block,
            offset: 0,
            byte: self.out.len(),
        });
    }

    /// The face text is set in now.
    pub fn face(&self) -> Face {
        self.face
    }

    /// Sets text in `face` from now on; returns the face it was set in.
    pub fn set_face(&mut self, face: Face) -> Face {
        std::mem::replace(&mut self.face, face)
    }

    /// Runs `write` with text set in `face`.
    pub fn in_face(&mut self, face: Face, write: impl FnOnce(&mut Writer)) {
        let outer = self.set_face(face);
        write(self);
        self.set_face(outer);
    }
}

impl fmt::Write for Writer {
    /// Markup, for `write!`.
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.markup(s);
        Ok(())
    }
}

/// Escapes text for XHTML content and attribute values, dropping characters XML 1.0
/// cannot hold (C0 controls other than tab and newline, lone surrogates, U+FFFE/F).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// The runs of `text` that are Latin and hold no space, with their byte offsets.
fn latin_runs(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| c.is_whitespace() || class(c) != Class::Latin)
        .filter(|run| !run.is_empty())
        .map(move |run| (run.as_ptr() as usize - text.as_ptr() as usize, run))
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_may_break_inside_an_address_as_in_the_pdf() {
        let mut w = Writer::new();
        w.text("见 https://example.org/a_b 与 abc。");
        assert_eq!(
            w.out,
            "见 https://<wbr/>example.<wbr/>org/<wbr/>a_<wbr/>b 与 abc。"
        );
        let mut w = Writer::new();
        w.text("a<b.c");
        assert_eq!(
            w.out, "a&lt;b.c",
            "a short run that is no address stays whole"
        );
    }

    #[test]
    fn escaping_is_xml_safe() {
        assert_eq!(escape("a<b>&\"c\u{1}\u{b}"), "a&lt;b&gt;&amp;&quot;c");
    }

    #[test]
    fn text_is_recorded_by_face_and_counted_by_block() {
        let mut w = Writer::new();
        w.begin_block(0);
        w.markup("<p>");
        w.text("正 文");
        w.in_face(Face::SerifBold, |w| w.text("粗&"));
        w.shown("□");
        w.markup("</p>");
        assert_eq!(w.out, "<p>正 文粗&amp;□</p>");
        let get = |f| w.usage.chars(f).collect::<String>();
        assert_eq!(get(Face::SerifRegular), " □文正");
        assert_eq!(get(Face::SerifBold), "&粗");
        assert_eq!(
            w.stops,
            [
                Stop {
                    block: 0,
                    offset: 0,
                    byte: 0
                },
                Stop {
                    block: 0,
                    offset: 0,
                    byte: 3
                },
                Stop {
                    block: 0,
                    offset: 2,
                    byte: 10
                },
            ]
        );
    }
}
