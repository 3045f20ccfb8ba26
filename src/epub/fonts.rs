//! Web-font subsets for the EPUB: each bundled face cut down to the characters the
//! book's XHTML actually sets in it.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::fonts::Face;

/// Which characters each face has to draw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// Characters per bundled face.
    pub by_face: BTreeMap<Face, BTreeSet<char>>,
}

impl Usage {
    /// Adds the text of an XHTML document we rendered, attributing each character to the
    /// face the stylesheet sets it in: code in the monospace face, headings in the sans
    /// face, `strong`/`b` in the bold serif, everything else in the regular serif. The
    /// `<head>` is not displayed.
    pub fn add_xhtml(&mut self, xhtml: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = xhtml;
        while !rest.is_empty() {
            if let Some(tag_body) = rest.strip_prefix('<') {
                let end = tag_body.find('>').map_or(tag_body.len(), |i| i + 1);
                let tag = &tag_body[..end.saturating_sub(1)];
                rest = &tag_body[end.min(tag_body.len())..];
                if tag.starts_with('?') || tag.starts_with('!') {
                    continue;
                }
                if let Some(name) = tag.strip_prefix('/') {
                    if let Some(pos) = stack.iter().rposition(|n| n == name.trim()) {
                        stack.truncate(pos);
                    }
                } else if !tag.ends_with('/') {
                    let name = tag.split_whitespace().next().unwrap_or_default();
                    stack.push(name.to_string());
                }
                continue;
            }
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            rest = &rest[end..];
            if stack.iter().any(|n| n == "head") {
                continue;
            }
            let face = face_for(&stack);
            self.add_text(face, &unescape(text));
        }
    }

    /// Adds text set in `face`.
    pub fn add_text(&mut self, face: Face, text: &str) {
        let set = self.by_face.entry(face).or_default();
        set.extend(text.chars().filter(|c| !c.is_control()));
    }
}

fn face_for(stack: &[String]) -> Face {
    if stack.iter().any(|n| n == "code" || n == "pre") {
        Face::Mono
    } else if stack
        .iter()
        .any(|n| matches!(n.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
    {
        Face::SansBold
    } else if stack.iter().any(|n| n == "strong" || n == "b") {
        Face::SerifBold
    } else {
        Face::SerifRegular
    }
}

/// Decodes the character references our own XHTML writer produces.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';').map_or(rest.len(), |i| amp + i);
        let entity = &rest[amp + 1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[(semi + 1).min(rest.len())..];
            }
            None => {
                out.push('&');
                rest = &rest[amp + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A font file cut down to the glyphs of `chars` (plus .notdef), keeping a Unicode cmap
/// so that a reading system can use it as a web font. Characters the font lacks are
/// skipped. Returns `None` when the font has none of them.
pub fn subset(data: &[u8], index: u32, chars: &BTreeSet<char>) -> Result<Option<Vec<u8>>> {
    let face = ttf_parser::Face::parse(data, index)
        .map_err(|e| Error::Internal(format!("reading a font to subset: {e}")))?;
    let mut glyphs: BTreeSet<u16> = chars
        .iter()
        .filter_map(|&c| face.glyph_index(c).map(|g| g.0))
        .collect();
    glyphs.remove(&0);
    if glyphs.is_empty() {
        return Ok(None);
    }
    let ids: Vec<u16> = std::iter::once(0).chain(glyphs).collect();
    crate::fonts::subset(data, index, &ids, crate::fonts::Subset::Web).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_attributed_to_faces() {
        let mut usage = Usage::default();
        usage.add_xhtml(
            "<?xml version=\"1.0\"?><html><head><title>题目</title></head><body>\
             <h1 id=\"a\">标<span>题</span></h1><p>正文&amp;<strong>粗</strong><br/>后</p></body></html>",
        );
        let get = |f| usage.by_face.get(&f).cloned().unwrap_or_default();
        assert_eq!(get(Face::SansBold), "标题".chars().collect());
        assert_eq!(get(Face::SerifBold), "粗".chars().collect());
        assert_eq!(get(Face::SerifRegular), "正文&后".chars().collect());
    }

    #[test]
    fn subset_keeps_a_cmap_for_the_characters() {
        let chars: BTreeSet<char> = "镇江高新区，“”A1".chars().collect();
        let bytes = subset(Face::SerifRegular.data(), 0, &chars)
            .unwrap()
            .unwrap();
        assert!(bytes.len() < 120_000, "{}", bytes.len());
        let face = ttf_parser::Face::parse(&bytes, 0).unwrap();
        for c in chars {
            assert!(face.glyph_index(c).is_some(), "{c}");
        }
        assert!(face.glyph_index('的').is_none());
        assert_eq!(face.number_of_glyphs(), 11);
    }

    #[test]
    fn unescape_our_references() {
        assert_eq!(unescape("a&amp;b&lt;&#x4E2D;&#25991;&zz"), "a&b<中文&zz");
    }
}
