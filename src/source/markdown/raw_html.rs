//! Raw HTML in Markdown: a few tags become model elements, the rest is dropped.

use super::*;

impl Builder<'_> {
    /// Raw HTML: a few tags become model elements; the rest is dropped with a warning,
    /// its text kept (but not that of `<script>` and `<style>`).
    pub(super) fn html(&mut self, raw: &str) {
        for token in html::tokenize(raw) {
            if let Some(skip) = &self.html_skip {
                if matches!(&token, Token::End { name } if name == skip) {
                    self.html_skip = None;
                }
                continue;
            }
            match &token {
                Token::Text(t) => {
                    let mut parts = t.split(['\n', '\r']).peekable();
                    while let Some(part) = parts.next() {
                        let part = collapse_spaces(part);
                        if !part.trim().is_empty() {
                            self.text(&part);
                        }
                        if parts.peek().is_some() {
                            self.pending_break = true;
                        }
                    }
                }
                Token::Start { name, .. } => self.html_start(name, &token),
                Token::End { name } => self.html_end(name),
            }
        }
    }

    pub(super) fn html_start(&mut self, name: &str, token: &Token) {
        match name {
            "br" => {
                self.take_soft_break();
                self.add_inline(Inline::LineBreak);
            }
            "p" | "div" => {
                if token.attr("class") == Some("byline") {
                    if let Some(Frame::Inline(InlineKind::Paragraph { byline, .. }, _)) =
                        self.stack.last_mut()
                    {
                        *byline = true;
                    }
                }
            }
            "sup" => self.push_inline(InlineKind::Superscript),
            "sub" => self.push_inline(InlineKind::Subscript),
            "em" | "i" => self.push_inline(InlineKind::Emphasis),
            "strong" | "b" => self.push_inline(InlineKind::Strong),
            "del" | "s" => self.push_inline(InlineKind::Strikethrough),
            "span" => match token
                .attr("lang")
                .filter(|l| crate::source::is_language_tag(l))
            {
                Some(lang) => self.push_inline(InlineKind::Lang(lang.to_string())),
                None => self.push_inline(InlineKind::Flattened),
            },
            "ruby" => self.push_inline(InlineKind::Ruby {
                base: Vec::new(),
                in_annotation: false,
            }),
            "rt" => {
                if let Some(Frame::Inline(InlineKind::Ruby { in_annotation, .. }, _)) =
                    self.stack.last_mut()
                {
                    *in_annotation = true;
                }
            }
            "rp" => self.html_skip = Some("rp".into()),
            "script" | "style" => {
                self.warn(
                    Code::UnsupportedHtml,
                    format!("<{name}> was dropped with its content"),
                    "books hold no scripts or styles; remove it",
                );
                self.html_skip = Some(name.to_string());
            }
            _ => self.warn(
                Code::UnsupportedHtml,
                format!("HTML tag <{name}> is not supported; it was dropped, its text kept"),
                "use Markdown, or one of the tags README.md lists",
            ),
        }
    }

    pub(super) fn html_end(&mut self, name: &str) {
        let matches_top = |kind: &InlineKind| {
            matches!(
                (name, kind),
                ("sup", InlineKind::Superscript)
                    | ("sub", InlineKind::Subscript)
                    | ("em" | "i", InlineKind::Emphasis)
                    | ("strong" | "b", InlineKind::Strong)
                    | ("del" | "s", InlineKind::Strikethrough)
                    | ("span", InlineKind::Lang(_) | InlineKind::Flattened)
                    | ("ruby", InlineKind::Ruby { .. })
            )
        };
        match name {
            "rt" | "p" | "div" | "br" => {}
            _ => {
                if let Some(Frame::Inline(kind, _)) = self.stack.last() {
                    if matches_top(kind) {
                        self.end_inline();
                    }
                }
            }
        }
    }
}
