//! Inline content as XHTML: emphasis (dots for Chinese, italics for Latin runs),
//! strong, code, links, footnote references, ruby and language spans, each run of text
//! recorded under the face the stylesheet sets it in.

use std::fmt::Write as _;

use super::super::chapter_href;
use super::super::writer::{escape, Writer};
use super::{bold, note_id, note_ref_id, Renderer};
use crate::fonts::Face;
use crate::model::{note_marker, Inline, LinkTarget};

impl Renderer<'_> {
    /// Runs `write` with text set in `face`.
    pub(super) fn in_face(&mut self, face: Face, write: impl FnOnce(&mut Self)) {
        let outer = self.w.set_face(face);
        write(self);
        self.w.set_face(outer);
    }

    pub(super) fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline, false);
        }
    }

    /// One inline; `emphasis` is set inside `*…*`, where Latin runs are marked so the
    /// stylesheet can set them in italics rather than with emphasis dots.
    pub(super) fn inline(&mut self, inline: &Inline, emphasis: bool) {
        let wrap = |r: &mut Self, open: &str, close: &str, inner: &[Inline]| {
            r.w.markup(open);
            for i in inner {
                r.inline(i, emphasis);
            }
            r.w.markup(close);
        };
        match inline {
            Inline::Text(t) if emphasis => latin_spans(&mut self.w, t),
            Inline::Text(t) => self.w.text(t),
            Inline::Emphasis(inner) => {
                self.w.usage.add_emphasis();
                self.w.markup("<em>");
                for i in inner {
                    self.inline(i, true);
                }
                self.w.markup("</em>");
            }
            Inline::Strong(inner) => {
                let face = bold(self.w.face());
                self.in_face(face, |r| wrap(r, "<strong>", "</strong>", inner));
            }
            Inline::Strikethrough(inner) => wrap(self, "<del>", "</del>", inner),
            Inline::Superscript(inner) => wrap(self, "<sup>", "</sup>", inner),
            Inline::Subscript(inner) => wrap(self, "<sub>", "</sub>", inner),
            Inline::Code(code) => {
                self.w.markup("<code>");
                self.w.in_face(Face::Mono, |w| w.text(code));
                self.w.markup("</code>");
            }
            Inline::Link { target, content } => {
                let href = match target {
                    LinkTarget::External(url) => url.clone(),
                    LinkTarget::Heading(id) => match self.links.heading_chapter.get(id) {
                        Some(&c) if c != self.chapter => format!("{}#{id}", chapter_href(c)),
                        _ => format!("#{id}"),
                    },
                    LinkTarget::Chapter(c) => chapter_href(*c),
                };
                let open = format!("<a href=\"{}\">", escape(&href));
                wrap(self, &open, "</a>", content);
            }
            Inline::NoteRef(n) => {
                let count = self.cited.entry(*n).or_insert(0);
                *count += 1;
                let id = note_ref_id(self.chapter, *n, *count);
                let _ = write!(
                    self.w,
                    "<a class=\"noteref\" epub:type=\"noteref\" role=\"doc-noteref\" id=\"{id}\" href=\"#{}\"><sup>",
                    note_id(self.chapter, *n),
                );
                self.w.text(&note_marker(*n));
                self.w.markup("</sup></a>");
            }
            Inline::Ruby { base, annotation } => {
                self.w.markup("<ruby>");
                self.w.text(base);
                self.w.markup("<rp>");
                self.w.shown("(");
                self.w.markup("</rp><rt>");
                self.w.text(annotation);
                self.w.markup("</rt><rp>");
                self.w.shown(")");
                self.w.markup("</rp></ruby>");
            }
            Inline::Lang { lang, content } => {
                let lang = escape(lang);
                let open = format!("<span lang=\"{lang}\" xml:lang=\"{lang}\">");
                wrap(self, &open, "</span>", content);
            }
            // a line after a hard break starts where the paragraph's first line starts
            // (verse): the stylesheet gives the spacer the paragraph's indent
            Inline::LineBreak => self.w.markup("<br/><span class=\"indent\"></span>"),
        }
    }
}

/// Emphasised text: Latin runs wrapped in `<span class="latin">` (set in italics),
/// the rest left to the emphasis dots.
fn latin_spans(w: &mut Writer, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let latin_at = rest.find(|c: char| c.is_ascii_alphanumeric());
        let Some(start) = latin_at else {
            w.text(rest);
            return;
        };
        if start > 0 {
            w.text(&rest[..start]);
        }
        let run = &rest[start..];
        let len = run
            .find(|c: char| !c.is_ascii() || c.is_ascii_whitespace())
            .unwrap_or(run.len());
        w.markup("<span class=\"latin\">");
        w.text(&run[..len]);
        w.markup("</span>");
        rest = &run[len..];
    }
}
