//! Display matter: the title page and the table of contents of a book of several
//! chapters, a chapter's title block, and the one-line furniture of each page (running
//! heads, folios, the contents' page numbers).

use super::{notes_of, shift, Composer, Setter, Setting, DISPLAY_LEADING};
use crate::fonts::Face;
use crate::model::{plain_text, Book, Heading, Place, Words};
use crate::pdf::justify::{Align, Line};
use crate::pdf::rows::{Anchor, Row, RowLine, TocLink};
use crate::pdf::tags::{ElemId, Role};

/// The ellipsis that ends a running head cut short.
const ELLIPSIS: &str = "……";

impl Setter<'_, '_> {
    /// The title page of a book of several chapters.
    pub(super) fn title_page(&mut self, book: &Book) -> Vec<Row> {
        let c = self.c;
        let meta = &book.metadata;
        let title = c.display_setting(Face::SansBold, 2.2, Align::Center);
        let sub = c.display_setting(Face::SerifRegular, 1.35, Align::Center);
        let byline = c.display_setting(Face::SerifRegular, 1.2, Align::Center);
        let mut p = || self.tree.add(Role::P, ElemId::ROOT);
        let mut groups = vec![(
            c.text_lines(&meta.title, title, p()),
            title.size * 1.45,
            0.0,
        )];
        if let Some(subtitle) = &meta.subtitle {
            groups.push((c.text_lines(subtitle, sub, p()), sub.size * 1.6, sub.size));
        }
        if !meta.authors.is_empty() {
            groups.push((
                c.text_lines(&meta.authors.join(" "), byline, p()),
                byline.size * 1.6,
                3.0 * byline.size,
            ));
        }
        let capacity = c.geometry.block_height();
        let (mut lines, mut bottom) = c.stack(&groups, capacity * 0.22);
        if let Some(publisher) = &meta.publisher {
            // at the foot of the page, or below a title that fills it
            let (publisher_lines, below) = c.stack(
                &[(c.text_lines(publisher, byline, p()), byline.size * 1.6, 0.0)],
                (capacity - 2.0 * c.geometry.pitch).max(bottom + byline.size),
            );
            lines.extend(publisher_lines);
            bottom = below;
        }
        vec![Row {
            // a page, or as many as a title longer than a page takes
            height: c.geometry.lines.max(c.grid_lines(bottom)),
            lines,
            break_before: true,
            new_page: true,
            chapter_start: true,
            place: Some(Place::TitlePage),
            ..Row::default()
        }]
    }

    /// The table of contents: chapter titles and their sections, with leaders to the
    /// page numbers (set once the pages are known) and links.
    pub(super) fn contents(&mut self, book: &Book) -> Vec<Row> {
        let c = self.c;
        let heading = c.display_setting(Face::SansBold, 1.3, Align::Center);
        let name = Words::of(&book.metadata.language).contents();
        let toc = self.tree.add(Role::Toc, ElemId::ROOT);
        let caption = self.tree.add(Role::P, toc);
        let (lines, bottom) = c.stack(
            &[(
                c.text_lines(name, heading, caption),
                heading.size * DISPLAY_LEADING,
                0.0,
            )],
            c.geometry.pitch,
        );
        let mut rows = vec![Row {
            height: c.grid_lines(bottom + c.geometry.pitch),
            lines,
            break_before: true,
            new_page: true,
            chapter_start: true,
            place: Some(Place::Contents(0)),
            ..Row::default()
        }];
        let number_room = 3.0 * c.body_size();
        for chapter in &book.chapters {
            let Some(title) = chapter.title() else {
                continue;
            };
            let entries = std::iter::once(title).chain(chapter.headings().filter(|h| h.level == 2));
            for h in entries {
                let level_one = h.level == 1;
                let left = if level_one { 0.0 } else { 2.0 * c.body_size() };
                let setting = Setting {
                    face: if level_one {
                        Face::SerifBold
                    } else {
                        Face::SerifRegular
                    },
                    measure: c.geometry.measure - left - number_room,
                    indent: 0.0,
                    justify: false,
                    align: Align::Left,
                    ..c.body_setting(c.full_frame())
                };
                let item = self.tree.add(Role::Toci, toc);
                let link = self.tree.add(Role::Link, item);
                let lines = c.text_lines(&plain_text(&h.content), setting, link);
                let n = lines.len();
                let leader_from = left + lines.last().map_or(0.0, |l| l.width);
                let baseline = c.geometry.baseline_in_line();
                rows.push(Row {
                    height: n,
                    lines: lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, line)| RowLine {
                            line,
                            x: left,
                            baseline: baseline + i as f32 * c.geometry.pitch,
                        })
                        .collect(),
                    break_before: true,
                    toc: Some(Box::new(TocLink {
                        id: h.id.clone(),
                        right: c.geometry.measure,
                        leader_from,
                        elem: link,
                    })),
                    place: Some(Place::Contents(rows.len())),
                    ..Row::default()
                });
            }
        }
        rows
    }

    /// A chapter's title block: the title large in the sans face, broken between its
    /// phrases; in a book of one chapter also the subtitle and the authors.
    pub(super) fn title_block(&mut self, book: &Book, heading: &Heading) -> Row {
        let c = self.c;
        let pitch = c.geometry.pitch;
        let title = Setting {
            measure: c.geometry.measure * 0.9,
            ..c.display_setting(Face::SansBold, 1.9, Align::Center)
        };
        let elem = self.tree.add(Role::H(1), ElemId::ROOT);
        let mut groups = vec![(
            self.lines(&heading.content, title, elem),
            title.size * 1.45,
            0.0,
        )];
        if book.chapters.len() == 1 {
            let meta = &book.metadata;
            let narrow = |setting: Setting| Setting {
                measure: title.measure,
                ..setting
            };
            if let Some(subtitle) = &meta.subtitle {
                let sub = narrow(c.display_setting(Face::SerifRegular, 1.3, Align::Center));
                let p = self.tree.add(Role::P, ElemId::ROOT);
                groups.push((
                    c.text_lines(subtitle, sub, p),
                    sub.size * 1.5,
                    0.3 * sub.size,
                ));
            }
            if !meta.authors.is_empty() {
                let by = narrow(c.display_setting(Face::SerifRegular, 1.15, Align::Center));
                let p = self.tree.add(Role::P, ElemId::ROOT);
                groups.push((
                    c.text_lines(&meta.authors.join(" "), by, p),
                    by.size * 1.5,
                    by.size,
                ));
            }
        }
        let (lines, bottom) = c.stack(&groups, pitch);
        let lines = shift(lines, (c.geometry.measure - title.measure) / 2.0);
        let notes = notes_of(lines.iter().map(|l| &l.line), self.chapter);
        Row {
            height: c.grid_lines(bottom + 1.5 * pitch),
            lines,
            notes,
            break_before: true,
            new_page: true,
            chapter_start: true,
            anchor: Some(Box::new(Anchor {
                id: heading.id.clone(),
                title: plain_text(&heading.content),
                level: 1,
            })),
            ..Row::default()
        }
    }
}

impl Composer<'_> {
    /// A running head or folio: one line of small type, centred, an artifact. A title
    /// too long for the line keeps as many of its phrases as fit and ends with an
    /// ellipsis; one long phrase is cut between characters.
    pub fn furniture(&self, text: &str) -> Line {
        let setting = self.display_setting(Face::SerifRegular, 0.85, Align::Center);
        let one_line = |candidate: &str| {
            let lines = self.text_lines(candidate, setting, ElemId::ARTIFACT);
            (lines.len() <= 1).then(|| lines.into_iter().next().unwrap_or_default())
        };
        if let Some(line) = one_line(text) {
            return line;
        }
        // the most phrases that fit, then (for one long phrase) the most characters:
        // each found by bisection, so a title of thousands of characters costs a few
        // trials, not thousands
        let phrases: Vec<&str> = text.split_whitespace().collect();
        let with_phrases =
            |keep: usize| one_line(&format!("{}{ELLIPSIS}", phrases[..keep].join(" ")));
        if let Some(line) = longest_fit(phrases.len().saturating_sub(1), with_phrases) {
            return line;
        }
        let chars: Vec<char> = text.chars().collect();
        let with_chars = |keep: usize| {
            let cut: String = chars[..keep].iter().collect();
            one_line(&format!("{}{ELLIPSIS}", cut.trim_end()))
        };
        longest_fit(chars.len().saturating_sub(1), with_chars).unwrap_or_default()
    }

    /// A page number in a table of contents: body type, flush right at `right`,
    /// belonging to the entry's element `elem`.
    pub fn page_number(&self, number: usize, right: f32, elem: ElemId) -> Line {
        let setting = Setting {
            measure: right,
            indent: 0.0,
            justify: false,
            align: Align::Right,
            ..self.body_setting(self.full_frame())
        };
        self.text_lines(&number.to_string(), setting, elem)
            .into_iter()
            .next()
            .unwrap_or_default()
    }
}

/// The result for the largest `keep` in `1..=most` for which `fit` gives one (the
/// trials fit up to some count and not beyond), by bisection.
fn longest_fit<T>(most: usize, fit: impl Fn(usize) -> Option<T>) -> Option<T> {
    let (mut lo, mut hi) = (1, most);
    let mut best = None;
    while lo <= hi {
        let mid = (lo + hi) / 2;
        match fit(mid) {
            Some(found) => {
                best = Some(found);
                lo = mid + 1;
            }
            None => hi = mid - 1,
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PdfOptions;
    use crate::pdf::geometry::Geometry;
    use crate::pdf::shape::test_bank;

    fn text(line: &Line) -> String {
        line.glyphs.iter().map(|g| line.text(g).to_text()).collect()
    }

    #[test]
    fn a_long_running_head_ends_with_an_ellipsis_at_a_phrase_boundary() {
        let composer = Composer::new(
            test_bank(),
            Geometry::new(&PdfOptions::default()),
            &[],
            "zh-CN",
        );
        let title = "镇江高新区 争当创新发展“先行军” 打造科技创新策源地 加快成为镇江发展活力标杆 再加一个很长的短语";
        let head = text(&composer.furniture(title));
        assert!(head.ends_with("……"), "{head}");
        assert!(
            title
                .replace(' ', "")
                .starts_with(&head.replace(['…', ' '], "")),
            "{head}"
        );
        assert!(
            head.contains("争当创新发展“先行军” "),
            "phrases keep their space: {head}"
        );
        assert_eq!(text(&composer.furniture("短题")), "短题");
    }
}
