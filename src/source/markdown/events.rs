//! pulldown-cmark's events folded into the model: text, breaks, code, raw HTML and
//! footnote references, and where each container starts and ends.

use super::*;

impl Builder<'_> {
    /// Folds one pulldown-cmark event into the model.
    pub(super) fn event(&mut self, event: Event<'_>) -> Result<()> {
        if let Some(Frame::Code { text, .. }) = self.stack.last_mut() {
            match event {
                Event::Text(t) => {
                    text.push_str(&t);
                    return Ok(());
                }
                Event::End(TagEnd::CodeBlock) => {}
                _ => return Ok(()),
            }
        }
        match event {
            Event::Start(tag) => self.start(tag)?,
            Event::End(tag) => self.end(tag)?,
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                let code = t.replace('\n', " ");
                if self.take_soft_break()
                    && !soft_break_vanishes(self.last_char(), code.chars().next())
                {
                    self.add_inline(Inline::Text(" ".into()));
                }
                self.add_inline(Inline::Code(code));
            }
            Event::SoftBreak => self.pending_break = true,
            Event::HardBreak => {
                self.take_soft_break();
                self.add_inline(Inline::LineBreak);
            }
            Event::Html(raw) | Event::InlineHtml(raw) => self.html(&raw),
            Event::Rule => {
                self.close_implicit_paragraph();
                self.add_block(Block::Rule);
            }
            Event::FootnoteReference(label) => {
                self.take_soft_break();
                let next = self.notes.len() + 1;
                let number = *self.notes.entry(label.to_string()).or_insert(next);
                if number == next {
                    let at = self.at();
                    self.note_order.push((label.to_string(), at));
                }
                self.add_inline(Inline::NoteRef(number));
            }
            Event::TaskListMarker(checked) => {
                for frame in self.stack.iter_mut().rev() {
                    if let Frame::Blocks(BlockKind::Item(state), _) = frame {
                        *state = Some(checked);
                        break;
                    }
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
        Ok(())
    }

    fn start(&mut self, tag: Tag<'_>) -> Result<()> {
        let line = self.line;
        let start = self.range.start;
        match tag {
            // an HTML block is read like a paragraph (its tags become markup or text)
            Tag::Paragraph | Tag::HtmlBlock => {
                self.close_implicit_paragraph();
                self.stack.push(Frame::Inline(
                    InlineKind::Paragraph {
                        line,
                        start,
                        implicit: false,
                        byline: false,
                    },
                    Vec::new(),
                ));
            }
            Tag::Heading { id, .. } => {
                self.close_implicit_paragraph();
                self.stack.push(Frame::Inline(
                    InlineKind::Heading {
                        line,
                        id: id.map(|i| i.to_string()),
                        at: self.at(),
                    },
                    Vec::new(),
                ));
            }
            Tag::BlockQuote(_) => self.push_blocks(BlockKind::Quote),
            Tag::List(start) => self.push_blocks(BlockKind::List(start, Vec::new())),
            Tag::Item => self.push_blocks(BlockKind::Item(None)),
            Tag::FootnoteDefinition(label) => {
                let at = self.at();
                self.push_blocks(BlockKind::Note(label.to_string(), at))
            }
            Tag::CodeBlock(kind) => {
                self.close_implicit_paragraph();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(str::to_string)
                        .filter(|l| !l.is_empty()),
                    CodeBlockKind::Indented => None,
                };
                self.stack.push(Frame::Code {
                    language,
                    text: String::new(),
                    line,
                });
            }
            Tag::Table(alignments) => {
                self.close_implicit_paragraph();
                let align = alignments
                    .iter()
                    .map(|a| match a {
                        Alignment::None => ColumnAlign::None,
                        Alignment::Left => ColumnAlign::Left,
                        Alignment::Center => ColumnAlign::Center,
                        Alignment::Right => ColumnAlign::Right,
                    })
                    .collect();
                self.stack.push(Frame::Table(Box::new(TableDraft {
                    align,
                    header: Vec::new(),
                    rows: Vec::new(),
                    row: Vec::new(),
                    in_head: false,
                    line,
                })));
            }
            Tag::TableHead => {
                if let Some(Frame::Table(t)) = self.stack.last_mut() {
                    t.in_head = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => self.stack.push(Frame::Inline(InlineKind::Cell, Vec::new())),
            Tag::Emphasis => self.push_inline(InlineKind::Emphasis),
            Tag::Strong => self.push_inline(InlineKind::Strong),
            Tag::Strikethrough => self.push_inline(InlineKind::Strikethrough),
            Tag::Superscript => self.push_inline(InlineKind::Superscript),
            Tag::Subscript => self.push_inline(InlineKind::Subscript),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let target = self.link_target(link_type, &dest_url);
                self.push_inline(InlineKind::Link(target));
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.take_soft_break();
                let at = self.at();
                self.push_inline(InlineKind::Image {
                    dest: dest_url.to_string(),
                    title: title.to_string(),
                    line,
                    at,
                });
            }
            Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {}
        }
        Ok(())
    }

    fn end(&mut self, tag: TagEnd) -> Result<()> {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => {
                self.html_skip = None;
                // close what raw HTML left open, then the paragraph
                self.close_spans();
                self.end_paragraph();
            }
            TagEnd::Heading(level) => self.end_heading(level)?,
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.close_spans();
                self.close_implicit_paragraph();
                self.end_blocks();
            }
            TagEnd::CodeBlock => {
                if let Some(Frame::Code {
                    language,
                    text,
                    line,
                }) = self.stack.pop()
                {
                    let text = expand_tabs(text.strip_suffix('\n').unwrap_or(&text));
                    let text: String = text
                        .chars()
                        .filter(|&c| !is_unprintable(c) && c != '\t')
                        .collect();
                    self.add_block(Block::Code(CodeBlock {
                        language,
                        text,
                        line,
                    }));
                }
            }
            TagEnd::TableCell => {
                // a tag left open in the cell (`x<b>`) ends with it
                self.close_spans();
                if let Some(Frame::Inline(_, mut content)) = self.stack.pop() {
                    trim_inlines(&mut content);
                    if let Some(Frame::Table(t)) = self.stack.last_mut() {
                        t.row.push(content);
                    }
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(Frame::Table(t)) = self.stack.last_mut() {
                    let row = std::mem::take(&mut t.row);
                    if t.in_head {
                        t.header = row;
                        t.in_head = false;
                    } else {
                        t.rows.push(row);
                    }
                }
            }
            TagEnd::Table => {
                if let Some(Frame::Table(t)) = self.stack.pop() {
                    let columns = t.align.len();
                    let mut rows = t.rows;
                    for row in &mut rows {
                        row.resize(columns, Vec::new());
                    }
                    let mut header = t.header;
                    header.resize(columns, Vec::new());
                    self.add_block(Block::Table(Table {
                        align: t.align,
                        header,
                        rows,
                        line: t.line,
                    }));
                }
            }
            TagEnd::Image => self.end_image()?,
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link => self.end_inline(),
            TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {}
        }
        Ok(())
    }
}
