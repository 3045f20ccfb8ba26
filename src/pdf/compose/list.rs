//! Lists: markers (bullets by depth, numbers, task boxes) set with the first paragraph
//! of each item, nested lists indented 2 em more.

use super::{Frame, Setter};
use crate::fonts::Face;
use crate::model::{Block, List};
use crate::pdf::shape::Piece;
use crate::pdf::tags::{ElemId, Role};

impl Setter<'_, '_> {
    /// A list: each item begins like a paragraph, 2 em in, with its marker (bullet,
    /// number or task box) and a full-width space; a nested list is indented 2 em more.
    pub(super) fn list(&mut self, list: &List, frame: Frame, parent: ElemId) {
        let size = self.c.body_size();
        let inset = if frame.in_list { 2.0 * size } else { 0.0 };
        let depth = (frame.left / (2.0 * size)).round() as usize;
        let inner = Frame {
            in_list: true,
            ..frame.inset(inset, 0.0, size)
        };
        let list_elem = self.tree.add(Role::L, parent);
        for (i, item) in list.items.iter().enumerate() {
            let marker = match (item.checked, list.start) {
                (Some(true), _) => "▣".to_string(),
                (Some(false), _) => "□".to_string(),
                (None, Some(start)) => format!("{}.", start.saturating_add(i as u64)),
                (None, None) => ["•", "◦", "▪"][depth.min(2)].to_string(),
            };
            let li = self.tree.add(Role::LI, list_elem);
            let label = self.tree.add(Role::Lbl, li);
            let body = self.tree.add(Role::LBody, li);
            let marker = Piece::Text(
                format!("{marker}\u{3000}"),
                self.c.style(Face::SerifRegular, size, label),
            );
            let mut blocks = item.blocks.as_slice();
            let mut pieces = vec![marker];
            let mut first_block = None;
            if let Some((Block::Paragraph(first), rest)) = blocks.split_first() {
                first_block = Some(self.take_block_number());
                let p = self.tree.add(Role::P, body);
                let style = self.c.style(Face::SerifRegular, size, p);
                self.flatten(&first.content, style, &mut pieces);
                blocks = rest;
            }
            let lines = self.c.lines_of_pieces(&pieces, self.c.body_setting(inner));
            let rows = self.body_rows(lines, false, inner);
            let first_row = self.rows.len();
            self.rows.extend(rows);
            if let Some(block) = first_block {
                self.place_rows(first_row, block);
            }
            let mut after_heading = false;
            self.blocks(blocks, inner, body, &mut after_heading);
        }
    }
}
