//! Closing containers: spans, paragraphs, headings, block containers and images.

use super::ids::{is_valid_id, Request};
use super::*;

impl Builder<'_> {
    /// Closes the innermost inline span and adds it to its parent.
    pub(super) fn end_inline(&mut self) {
        let Some(Frame::Inline(kind, content)) = self.stack.pop() else {
            return;
        };
        let inline = match kind {
            InlineKind::Emphasis => Some(Inline::Emphasis(content)),
            InlineKind::Strong => Some(Inline::Strong(content)),
            InlineKind::Strikethrough => Some(Inline::Strikethrough(content)),
            InlineKind::Superscript => Some(Inline::Superscript(content)),
            InlineKind::Subscript => Some(Inline::Subscript(content)),
            InlineKind::Lang(lang) => Some(Inline::Lang { lang, content }),
            InlineKind::Link(Some(target)) => Some(Inline::Link { target, content }),
            InlineKind::Ruby { base, .. } => Some(Inline::Ruby {
                base: plain_text(&base),
                annotation: plain_text(&content),
            }),
            InlineKind::Link(None) | InlineKind::Flattened | InlineKind::Cell => {
                for inline in content {
                    self.add_inline(inline);
                }
                None
            }
            other => {
                // a paragraph, heading or image closed out of order: put it back
                self.stack.push(Frame::Inline(other, content));
                None
            }
        };
        if let Some(inline) = inline {
            self.add_inline(inline);
        }
    }

    /// The label of the footnote definition being read, if any.
    fn note_label(&self) -> Option<String> {
        self.stack.iter().rev().find_map(|frame| match frame {
            Frame::Blocks(BlockKind::Note(label, _), _) => Some(label.clone()),
            _ => None,
        })
    }

    pub(super) fn end_paragraph(&mut self) {
        self.take_soft_break();
        let Some(Frame::Inline(
            InlineKind::Paragraph {
                line,
                start,
                byline,
                ..
            },
            mut content,
        )) = self.stack.pop()
        else {
            return;
        };
        trim_inlines(&mut content);
        if content.is_empty() {
            return;
        }
        for label in undefined_note_refs(&content) {
            // where the reference is written, from the paragraph's start on
            let written = format!("[^{label}]");
            let at = match self.text.get(start..).and_then(|t| t.find(&written)) {
                Some(i) => {
                    Location::of_range(self.path, self.text, start + i..start + i + written.len())
                }
                None => Location::line(self.path, line),
            };
            let warning = Finding::new(
                Code::UndefinedFootnote,
                at,
                format!(
                    "`[^{label}]` looks like a footnote reference, but no footnote [^{label}] is \
                     defined (it shows as written)"
                ),
                format!("add a line `[^{label}]: …` with its text"),
            );
            match self.note_label() {
                Some(note) => self.note_warnings.push((note, warning)),
                None => self.warnings.push(warning),
            }
        }
        let p = Paragraph { content, line };
        self.add_block(if byline {
            Block::Byline(p)
        } else {
            Block::Paragraph(p)
        });
    }

    pub(super) fn end_heading(&mut self, level: HeadingLevel) -> Result<()> {
        self.take_soft_break();
        self.close_spans();
        let Some(Frame::Inline(InlineKind::Heading { line, id, at }, mut content)) =
            self.stack.pop()
        else {
            return Ok(());
        };
        trim_inlines(&mut content);
        if plain_text(&content).trim().is_empty() {
            self.warnings.push(Finding::new(
                Code::EmptyHeading,
                at,
                "an empty heading was left out",
                "write its text after the #",
            ));
            return Ok(());
        }
        // a bad id is an error; reading goes on with an id made from the text, so that
        // `check` lists every one at once
        let text = plain_text(&content);
        let explicit = match id {
            Some(id) if !is_valid_id(&id) => {
                self.warnings.push(Finding::new(
                    Code::BadHeadingId,
                    at.clone(),
                    format!("heading id `{id}` is not a valid id"),
                    "start it with a letter and use only letters, digits, '-', '_' and '.'",
                ));
                None
            }
            id => id,
        };
        // unique in the chapter; made unique in the book by `Read::settle`
        let id = match &explicit {
            Some(id) if self.ids.claim(id) => id.clone(),
            _ => self.ids.derive(&text),
        };
        self.headings.push(Request {
            explicit,
            text,
            local: id.clone(),
            at,
            warnings_before: self.warnings.len(),
        });
        self.add_block(Block::Heading(Heading {
            level: heading_level(level),
            id,
            content,
            line,
        }));
        Ok(())
    }

    pub(super) fn end_blocks(&mut self) {
        let Some(Frame::Blocks(kind, blocks)) = self.stack.pop() else {
            return;
        };
        match kind {
            BlockKind::Quote => self.add_block(Block::Quote(blocks)),
            BlockKind::Item(checked) => match self.stack.last_mut() {
                Some(Frame::Blocks(BlockKind::List(_, items), _)) => {
                    items.push(ListItem { checked, blocks })
                }
                _ => {
                    for block in blocks {
                        self.add_block(block);
                    }
                }
            },
            BlockKind::List(start, items) => self.add_block(Block::List(List { start, items })),
            BlockKind::Note(label, at) => match self.definitions.entry(label) {
                std::collections::hash_map::Entry::Occupied(taken) => {
                    self.duplicate_note.get_or_insert((taken.key().clone(), at));
                }
                std::collections::hash_map::Entry::Vacant(free) => {
                    free.insert((at, blocks));
                }
            },
            BlockKind::Flattened | BlockKind::Root => {
                for block in blocks {
                    self.add_block(block);
                }
            }
        }
    }

    /// An image: a figure when it stands in a paragraph of its own (the paragraph is
    /// split around it); inside other inline markup, its alternative text.
    pub(super) fn end_image(&mut self) -> Result<()> {
        let Some(Frame::Inline(
            InlineKind::Image {
                dest,
                title,
                line,
                at,
            },
            alt,
        )) = self.stack.pop()
        else {
            return Ok(());
        };
        let alt_text = plain_text(&alt);
        if dest.trim().is_empty() {
            return Err(Error::input(
                Code::EmptyImagePath,
                at,
                "the image has no path: `![…]()`",
                "write the path of an image inside the book folder between the parentheses",
            ));
        }
        if dest.contains("://") || dest.starts_with("//") {
            self.warnings.push(Finding::new(
                Code::RemoteImage,
                at,
                format!(
                    "the remote image `{dest}` is not downloaded: its text alternative stands \
                     in its place"
                ),
                "save the image in the book folder and use its path",
            ));
            self.add_inline(Inline::Text(alt_text));
            return Ok(());
        }
        // an image that cannot be used is an error, but the chapter is read on (its
        // alternative text stands in), so that every problem is found in one pass
        let image = match self.resolver.image(&dest, &at) {
            Ok(image) => image,
            Err(e) => {
                self.warnings.extend(e.findings());
                self.add_inline(Inline::Text(alt_text));
                return Ok(());
            }
        };
        let figure = Block::Figure(Figure {
            image,
            alt: alt_text.trim().to_string(),
            caption: Some(title.trim().to_string()).filter(|t| !t.is_empty()),
            line,
            column: at.column.unwrap_or(1),
        });
        match self.stack.last() {
            Some(Frame::Inline(
                InlineKind::Paragraph {
                    line,
                    start,
                    implicit,
                    byline,
                },
                _,
            )) => {
                let (line, start, implicit, byline) = (*line, *start, *implicit, *byline);
                self.end_paragraph();
                self.add_block(figure);
                self.stack.push(Frame::Inline(
                    InlineKind::Paragraph {
                        line,
                        start,
                        implicit,
                        byline,
                    },
                    Vec::new(),
                ));
            }
            _ => {
                self.warn(
                    Code::SimplifiedMarkup,
                    "an image inside a link, emphasis or table is shown as its alternative text",
                    "give the image a paragraph of its own to show it",
                );
                self.add_inline(Inline::Text(alt_text));
            }
        }
        Ok(())
    }
}

/// Labels written as footnote references (`[^x]`) that stayed text: pulldown-cmark
/// leaves a reference to an undefined footnote as it is.
fn undefined_note_refs(content: &[Inline]) -> Vec<String> {
    let mut text = String::new();
    for inline in content {
        if let Inline::Text(t) = inline {
            text.push_str(t);
        }
    }
    let mut labels = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("[^") {
        let after = &rest[start + 2..];
        match after.find(']') {
            Some(end)
                if end > 0
                    && !after[..end].contains(char::is_whitespace)
                    && !after[end + 1..].starts_with(':') =>
            {
                labels.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    labels
}
