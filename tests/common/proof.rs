//! A proof-reader for typeset Chinese PDFs, written for inkstone's tests (not inkstone's
//! code: it reads any PDF by the spec).
//!
//! Glyphs are read with lopdf by interpreting each page's content stream (text state,
//! `TJ` adjustments, `/W` widths, `/ToUnicode`), marked content telling real text from
//! artifacts. Text fidelity is judged on poppler's `pdftotext`, ink beyond the measure on
//! poppler's `pdftoppm` renderings of the margins, fonts on `pdffonts`. The figures:
//! text read back exactly; no line starting with a mark clreq forbids there or ending
//! with an opening mark; `——` and `……` never split; every line of a paragraph but its
//! last flush at both edges; no ink past the measure; no paragraph ending in a single
//! character; no `.notdef`; fonts embedded, subset, with `/ToUnicode`; marks compressed
//! in pairs; ¼ em between Han and Latin; no widows or orphans.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use lopdf::{Document, Object};

/// Marks that never begin a line (clreq).
pub const NO_START: &str = "，。、；：？！‼⁇）］｝〕〉》」』】〗〙〟”’·・‧…—～,.;:?!)]}%";
/// Marks that never end a line.
pub const NO_END: &str = "（［｛〔〈《「『【〖〘〝“‘([{";
/// Full-width punctuation whose blank halves may be compressed.
const MARKS: &str = "，。、；：？！）》」』”’（《「『“‘";

/// One glyph as the PDF draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// 0-based page.
    pub page: usize,
    /// Left edge of its advance box.
    pub x: f32,
    /// Right edge of its advance box.
    pub x1: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    /// Type size.
    pub size: f32,
    /// The font's base name.
    pub font: String,
    /// The text `/ToUnicode` gives it.
    pub text: String,
    /// Its code (CID with Identity-H).
    pub code: u32,
    /// Inside `/Artifact` marked content.
    pub artifact: bool,
    /// The MCID of the innermost marked-content sequence that has one (ties the glyph
    /// to its structure element).
    pub mcid: Option<i64>,
}

/// A line of text: glyphs on one baseline of one page, left to right.
#[derive(Debug, Clone)]
pub struct TextLine {
    pub page: usize,
    pub y: f32,
    pub size: f32,
    pub glyphs: Vec<Glyph>,
}

impl TextLine {
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.text.as_str()).collect()
    }
    pub fn left(&self) -> f32 {
        self.glyphs.first().map_or(0.0, |g| g.x)
    }
    pub fn right(&self) -> f32 {
        self.glyphs.iter().map(|g| g.x1).fold(0.0, f32::max)
    }
    /// Where the ink probably begins: an opening mark's glyph sits in the right half of
    /// its box.
    fn ink_left(&self) -> f32 {
        match self.glyphs.first() {
            Some(g) if g.text.chars().next().is_some_and(|c| NO_END.contains(c)) => {
                g.x + 0.5 * g.size
            }
            _ => self.left(),
        }
    }
    /// Where the ink probably ends: a closing mark's glyph sits in the left half.
    fn ink_right(&self) -> f32 {
        match self.glyphs.last() {
            Some(g) if g.text.chars().next().is_some_and(|c| NO_START.contains(c)) => {
                g.x1 - 0.5 * g.size
            }
            _ => self.right(),
        }
    }
    fn mono(&self) -> bool {
        self.glyphs
            .iter()
            .filter(|g| g.font.contains("Mono"))
            .count()
            * 2
            > self.glyphs.len()
    }
    /// A gap of more than 1.5 em inside: a table row, not prose.
    fn tabular(&self) -> bool {
        self.glyphs
            .windows(2)
            .any(|w| w[1].x - w[0].x1 > 1.5 * self.size)
    }
}

/// Every glyph of every page, and each page's size.
pub struct Pages {
    pub sizes: Vec<(f32, f32)>,
    pub glyphs: Vec<Glyph>,
}

type Matrix = [f32; 6];

fn mul(a: Matrix, b: Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// What a page's fonts say about their glyphs.
struct FontInfo {
    name: String,
    widths: HashMap<u32, f32>,
    default_width: f32,
    unicode: HashMap<u32, String>,
}

fn number(o: &Object) -> f32 {
    o.as_float()
        .or_else(|_| o.as_i64().map(|i| i as f32))
        .unwrap_or(0.0)
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

/// Parses `bfchar` and `bfrange` entries of a ToUnicode CMap.
fn parse_cmap(text: &str) -> HashMap<u32, String> {
    let mut map = HashMap::new();
    let hex = |s: &str| -> Vec<u16> {
        let s = s.trim_matches(|c| c == '<' || c == '>');
        (0..s.len() / 4)
            .filter_map(|i| u16::from_str_radix(&s[i * 4..i * 4 + 4], 16).ok())
            .collect()
    };
    let code = |s: &str| -> u32 {
        u32::from_str_radix(s.trim_matches(|c| c == '<' || c == '>'), 16).unwrap_or(0)
    };
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != "endbfchar" {
                    map.insert(
                        code(tokens[i]),
                        String::from_utf16_lossy(&hex(tokens[i + 1])),
                    );
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    let (lo, hi) = (code(tokens[i]), code(tokens[i + 1]));
                    let base = hex(tokens[i + 2]);
                    for (k, c) in (lo..=hi).enumerate() {
                        let mut units = base.clone();
                        if let Some(last) = units.last_mut() {
                            *last += k as u16;
                        }
                        map.insert(c, String::from_utf16_lossy(&units));
                    }
                    i += 3;
                }
            }
            _ => i += 1,
        }
    }
    map
}

fn font_info(doc: &Document, dict: &lopdf::Dictionary) -> FontInfo {
    let name = dict
        .get(b"BaseFont")
        .and_then(|o| o.as_name())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let mut widths = HashMap::new();
    let mut default_width = 1000.0;
    if let Ok(descendants) = dict.get(b"DescendantFonts").map(|o| resolve(doc, o)) {
        if let Some(cid) = descendants
            .as_array()
            .ok()
            .and_then(|a| a.first())
            .and_then(|o| resolve(doc, o).as_dict().ok())
        {
            default_width = cid.get(b"DW").map(number).unwrap_or(1000.0);
            if let Ok(w) = cid
                .get(b"W")
                .map(|o| resolve(doc, o))
                .and_then(|o| o.as_array())
            {
                let mut i = 0;
                while i < w.len() {
                    let start = number(&w[i]) as u32;
                    match w.get(i + 1).map(|o| resolve(doc, o)) {
                        Some(Object::Array(list)) => {
                            for (k, v) in list.iter().enumerate() {
                                widths.insert(start + k as u32, number(v));
                            }
                            i += 2;
                        }
                        Some(end) => {
                            let end = number(end) as u32;
                            let v = w.get(i + 2).map(number).unwrap_or(0.0);
                            for c in start..=end {
                                widths.insert(c, v);
                            }
                            i += 3;
                        }
                        None => break,
                    }
                }
            }
        }
    }
    let unicode = dict
        .get(b"ToUnicode")
        .ok()
        .and_then(|o| o.as_reference().ok())
        .and_then(|id| doc.get_object(id).ok())
        .and_then(|o| o.as_stream().ok())
        .and_then(|s| {
            s.decompressed_content()
                .ok()
                .or_else(|| Some(s.content.clone()))
        })
        .map(|bytes| parse_cmap(&String::from_utf8_lossy(&bytes)))
        .unwrap_or_default();
    FontInfo {
        name,
        widths,
        default_width,
        unicode,
    }
}

/// Reads every glyph of the PDF at `path`.
pub fn read(path: &Path) -> Pages {
    let doc = Document::load(path).expect("the PDF parses");
    let mut pages = Pages {
        sizes: Vec::new(),
        glyphs: Vec::new(),
    };
    for (index, (_, page_id)) in doc.get_pages().into_iter().enumerate() {
        let page = doc.get_dictionary(page_id).unwrap();
        let media: Vec<f32> = page
            .get(b"MediaBox")
            .and_then(|o| o.as_array())
            .map(|a| a.iter().map(number).collect())
            .unwrap_or_else(|_| vec![0.0, 0.0, 0.0, 0.0]);
        let height = media[3];
        pages.sizes.push((media[2], media[3]));
        let fonts: HashMap<Vec<u8>, FontInfo> = doc
            .get_page_fonts(page_id)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, dict)| (name, font_info(&doc, dict)))
            .collect();
        let content = doc.get_and_decode_page_content(page_id).unwrap();
        let mut ctm_stack = vec![IDENTITY];
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let (mut font, mut size, mut leading, mut char_space, mut scale, mut rise) =
            (None::<&FontInfo>, 0.0f32, 0.0f32, 0.0f32, 1.0f32, 0.0f32);
        let mut marked: Vec<bool> = Vec::new();
        // the MCIDs of the open marked-content sequences
        let mut mcids: Vec<Option<i64>> = Vec::new();
        // the /ActualText of the open marked-content sequences
        let mut actual: Vec<Option<String>> = Vec::new();
        for op in &content.operations {
            let f = |i: usize| op.operands.get(i).map(number).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" => ctm_stack.push(*ctm_stack.last().unwrap()),
                "Q" if ctm_stack.len() > 1 => {
                    ctm_stack.pop();
                }
                "cm" => {
                    let m = [f(0), f(1), f(2), f(3), f(4), f(5)];
                    let top = ctm_stack.last_mut().unwrap();
                    *top = mul(m, *top);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "BMC" | "BDC" => {
                    let artifact = op.operands.first().and_then(|o| o.as_name().ok())
                        == Some(b"Artifact".as_slice());
                    let outer = marked.last().copied().unwrap_or(false);
                    marked.push(artifact || outer);
                    let properties = op.operands.get(1).and_then(|o| o.as_dict().ok());
                    actual.push(
                        properties
                            .and_then(|d| d.get(b"ActualText").ok())
                            .and_then(|t| lopdf::decode_text_string(t).ok()),
                    );
                    let mcid = properties
                        .and_then(|d| d.get(b"MCID").ok())
                        .and_then(|m| m.as_i64().ok());
                    mcids.push(mcid.or_else(|| mcids.last().copied().flatten()));
                }
                "EMC" => {
                    marked.pop();
                    actual.pop();
                    mcids.pop();
                }
                // an image standing for text (a colour emoji): its actual text, where
                // it is drawn
                "Do" => {
                    if let Some(Some(text)) = actual.last() {
                        let ctm = *ctm_stack.last().unwrap();
                        pages.glyphs.push(Glyph {
                            page: index,
                            x: ctm[4],
                            x1: ctm[4] + ctm[0],
                            y: height - ctm[5],
                            size: ctm[3],
                            font: String::new(),
                            text: text.clone(),
                            code: u32::MAX,
                            artifact: marked.last().copied().unwrap_or(false),
                            mcid: mcids.last().copied().flatten(),
                        });
                    }
                }
                "Tf" => {
                    font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|n| fonts.get(n));
                    size = f(1);
                }
                "TL" => leading = f(0),
                "Tc" => char_space = f(0),
                "Tz" => scale = f(0) / 100.0,
                "Ts" => rise = f(0),
                "Tm" => {
                    tm = [f(0), f(1), f(2), f(3), f(4), f(5)];
                    tlm = tm;
                }
                "Td" | "TD" => {
                    if op.operator == "TD" {
                        leading = -f(1);
                    }
                    tlm = mul([1.0, 0.0, 0.0, 1.0, f(0), f(1)], tlm);
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul([1.0, 0.0, 0.0, 1.0, 0.0, -leading], tlm);
                    tm = tlm;
                }
                "TJ" | "Tj" | "'" | "\"" => {
                    if matches!(op.operator.as_str(), "'" | "\"") {
                        tlm = mul([1.0, 0.0, 0.0, 1.0, 0.0, -leading], tlm);
                        tm = tlm;
                    }
                    let items: Vec<&Object> = match op.operator.as_str() {
                        "TJ" => op
                            .operands
                            .first()
                            .and_then(|o| o.as_array().ok())
                            .map(|a| a.iter().collect())
                            .unwrap_or_default(),
                        _ => op.operands.last().into_iter().collect(),
                    };
                    let Some(info) = font else { continue };
                    let ctm = *ctm_stack.last().unwrap();
                    for item in items {
                        match item {
                            Object::String(bytes, _) => {
                                for pair in bytes.chunks(2) {
                                    let code =
                                        pair.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
                                    let w = info
                                        .widths
                                        .get(&code)
                                        .copied()
                                        .unwrap_or(info.default_width)
                                        / 1000.0;
                                    let trm = mul(
                                        mul([size * scale, 0.0, 0.0, size, 0.0, rise], tm),
                                        ctm,
                                    );
                                    let advance = (w * size + char_space) * scale;
                                    let end = mul(mul([1.0, 0.0, 0.0, 1.0, advance, 0.0], tm), ctm);
                                    let effective = size * (tm[3] * ctm[3]).abs();
                                    pages.glyphs.push(Glyph {
                                        page: index,
                                        x: trm[4],
                                        x1: end[4],
                                        y: height - trm[5] + rise,
                                        size: effective,
                                        font: info.name.clone(),
                                        text: info.unicode.get(&code).cloned().unwrap_or_default(),
                                        code,
                                        artifact: marked.last().copied().unwrap_or(false),
                                        mcid: mcids.last().copied().flatten(),
                                    });
                                    tm = mul([1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
                                }
                            }
                            other => {
                                let n = number(other);
                                tm = mul([1.0, 0.0, 0.0, 1.0, -n / 1000.0 * size * scale, 0.0], tm);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    pages
}

/// Groups glyphs into lines (same page, baseline within 0.5 pt), top to bottom: the
/// lines of the text (with what line breaking added to them, such as a hyphen), or with
/// `artifacts`, the lines that are furniture only (running heads, folios).
pub fn lines(glyphs: &[Glyph], artifacts: bool) -> Vec<TextLine> {
    let mut by_line: BTreeMap<(usize, i64), Vec<Glyph>> = BTreeMap::new();
    for g in glyphs.iter().filter(|g| !g.text.is_empty()) {
        by_line
            .entry((g.page, (g.y * 2.0).round() as i64))
            .or_default()
            .push(g.clone());
    }
    by_line
        .into_values()
        .filter(|glyphs| glyphs.iter().any(|g| !g.text.trim().is_empty()))
        .filter(|glyphs| glyphs.iter().all(|g| g.artifact) == artifacts)
        .map(|mut glyphs| {
            glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
            TextLine {
                page: glyphs[0].page,
                y: median(glyphs.iter().map(|g| g.y).collect()).unwrap_or(0.0),
                size: median(glyphs.iter().map(|g| g.size).collect()).unwrap_or(0.0),
                glyphs,
            }
        })
        .collect()
}

/// The proof-reader's figures.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub pages: usize,
    pub page_mm: (f32, f32),
    pub body_size: f32,
    /// Text differences against the reference (missing, extra), empty when exact.
    pub text_diff: Vec<String>,
    pub line_start_violations: Vec<String>,
    pub line_end_violations: Vec<String>,
    pub split_pairs: Vec<String>,
    pub ragged_lines: Vec<String>,
    pub runt_lines: Vec<String>,
    pub ink_over_measure: Vec<String>,
    pub notdef_glyphs: usize,
    pub fonts_not_embedded: Vec<String>,
    pub fonts_not_subset: Vec<String>,
    pub fonts_without_tounicode: Vec<String>,
    pub widows: Vec<String>,
    pub orphans: Vec<String>,
    pub pair_adv_em: Option<f32>,
    pub cjk_latin_gap_em: Option<f32>,
    pub pitch_em: Option<f32>,
}

impl Report {
    /// Asserts that every layout figure is clean.
    pub fn assert_clean_layout(&self, what: &str) {
        let checks: [(&str, usize); 13] = [
            ("line_start_violations", self.line_start_violations.len()),
            ("line_end_violations", self.line_end_violations.len()),
            ("split_pairs", self.split_pairs.len()),
            ("ragged_lines", self.ragged_lines.len()),
            ("runt_lines", self.runt_lines.len()),
            ("ink_over_measure", self.ink_over_measure.len()),
            ("notdef_glyphs", self.notdef_glyphs),
            ("fonts_not_embedded", self.fonts_not_embedded.len()),
            ("fonts_not_subset", self.fonts_not_subset.len()),
            (
                "fonts_without_tounicode",
                self.fonts_without_tounicode.len(),
            ),
            ("widows", self.widows.len()),
            ("orphans", self.orphans.len()),
            ("pages", usize::from(self.pages == 0)),
        ];
        for (name, count) in checks {
            assert_eq!(count, 0, "{what}: {name}\n{self:#?}");
        }
    }

    /// Asserts everything: the layout, the text, and the clreq spacing figures.
    pub fn assert_proof(&self, what: &str) {
        self.assert_clean_layout(what);
        assert!(self.text_diff.is_empty(), "{what}: text differs\n{self:#?}");
        let pair = self.pair_adv_em.unwrap_or(9.0);
        assert!(pair <= 0.55, "{what}: pair_adv_em {pair}\n{self:#?}");
        let gap = self.cjk_latin_gap_em.unwrap_or(0.0);
        assert!(
            (0.2..=0.3).contains(&gap),
            "{what}: cjk_latin_gap_em {gap}\n{self:#?}"
        );
    }
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    Some(v[v.len() / 2])
}

/// The most common value of `values` rounded to a tenth.
fn mode(values: impl Iterator<Item = f32>) -> Option<f32> {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for v in values {
        *counts.entry((v * 10.0).round() as i64).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(v, n)| (n, -v))
        .map(|(v, _)| v as f32 / 10.0)
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Proof-reads the PDF at `pdf`; `reference` is the text it should hold (whitespace
/// is ignored), or `None` to skip the text check.
pub fn proofread(pdf: &Path, reference: Option<&str>) -> Report {
    let read = read(pdf);
    let mut r = Report {
        pages: read.sizes.len(),
        page_mm: read.sizes.first().map_or((0.0, 0.0), |(w, h)| {
            ((w * 25.4 / 72.0).round(), (h * 25.4 / 72.0).round())
        }),
        ..Report::default()
    };
    r.notdef_glyphs = read.glyphs.iter().filter(|g| g.code == 0).count();
    fonts(pdf, &mut r);
    let body = lines(&read.glyphs, false);
    r.body_size = mode(
        read.glyphs
            .iter()
            .filter(|g| g.text.chars().next().is_some_and(is_han))
            .map(|g| g.size),
    )
    .unwrap_or(0.0);
    if let Some(reference) = reference {
        r.text_diff = text_diff(pdf, &read, reference);
    }
    let prose: Vec<&TextLine> = body.iter().filter(|l| !l.mono() && !l.tabular()).collect();
    for l in &prose {
        let text = l.text().trim().to_string();
        let (first, last) = (text.chars().next(), text.chars().last());
        if first.is_some_and(|c| NO_START.contains(c)) {
            r.line_start_violations
                .push(format!("p{}: {text}", l.page + 1));
        }
        if last.is_some_and(|c| NO_END.contains(c)) {
            r.line_end_violations
                .push(format!("p{}: {text}", l.page + 1));
        }
    }
    for w in prose.windows(2) {
        let (a, b) = (w[0].text(), w[1].text());
        for pair in ['—', '…'] {
            if a.ends_with(pair) && b.starts_with(pair) && !a.ends_with(&format!("{pair}{pair}")) {
                r.split_pairs.push(format!("{a} / {b}"));
            }
        }
    }
    let edges = edges(&prose);
    paragraphs(&prose, &edges, &mut r);
    r.ink_over_measure = ink_over_measure(pdf, &prose, &edges, &read);
    spacing(&body, &mut r);
    r
}

/// Font figures from `pdffonts`.
fn fonts(pdf: &Path, r: &mut Report) {
    let out = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts runs");
    for line in String::from_utf8_lossy(&out.stdout).lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 6 {
            continue;
        }
        let n = cols.len();
        // … emb sub uni object ID
        let (emb, sub, uni) = (cols[n - 5], cols[n - 4], cols[n - 3]);
        let name = cols[0].to_string();
        if emb != "yes" {
            r.fonts_not_embedded.push(name.clone());
        }
        if sub != "yes" {
            r.fonts_not_subset.push(name.clone());
        }
        if uni != "yes" {
            r.fonts_without_tounicode.push(name);
        }
    }
}

/// The reference against what `pdftotext` reads, page by page, each page's artifacts
/// (running heads, folios) taken out first.
fn text_diff(pdf: &Path, read: &Pages, reference: &str) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let artifacts = lines(&read.glyphs, true);
    let mut got = String::new();
    for (index, page) in text.split('\u{c}').enumerate() {
        let mut page = squeeze(page);
        for l in artifacts.iter().filter(|l| l.page == index) {
            let furniture = squeeze(&l.text());
            // a running head or folio stands at the top or the bottom of the page
            if page.starts_with(&furniture) {
                page.replace_range(..furniture.len(), "");
            } else if page.ends_with(&furniture) {
                page.truncate(page.len() - furniture.len());
            }
        }
        got.push_str(&page);
    }
    let want = squeeze(reference);
    if got == want {
        return Vec::new();
    }
    let (g, w): (Vec<char>, Vec<char>) = (got.chars().collect(), want.chars().collect());
    let start = g.iter().zip(&w).take_while(|(a, b)| a == b).count();
    let end = g[start..]
        .iter()
        .rev()
        .zip(w[start..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let context = |v: &[char], from: usize, to: usize| -> String {
        v[from.saturating_sub(10)..to.min(v.len())].iter().collect()
    };
    vec![
        format!("expected …{}…", context(&w, start, w.len() - end)),
        format!("     got …{}…", context(&g, start, g.len() - end)),
    ]
}

/// Justification, runts, widows and orphans: the lines of body size grouped into
/// paragraphs by their indents. A line continues the paragraph of the line before when
/// it starts at the text block's left edge and the line before is full (or indented, as
/// a first line is).
fn paragraphs(prose: &[&TextLine], edges: &HashMap<usize, (f32, f32)>, r: &mut Report) {
    let size = r.body_size;
    if size == 0.0 {
        return;
    }
    let body: Vec<&TextLine> = prose
        .iter()
        .copied()
        .filter(|l| (l.size - size).abs() < 0.05 && l.glyphs.len() > 1)
        .collect();
    let pitch = median(
        body.windows(2)
            .filter(|w| w[0].page == w[1].page)
            .map(|w| w[1].y - w[0].y)
            .filter(|d| *d > 0.0)
            .collect(),
    );
    r.pitch_em = pitch.map(|p| p / size);
    let pitch = pitch.unwrap_or(1.7 * size);
    let edge = |l: &TextLine| edges.get(&(l.page % 2)).copied().unwrap_or((0.0, f32::MAX));
    let flush_left = |l: &TextLine| l.ink_left() < edge(l).0 + 0.5 * size;
    // full: the glyph boxes reach the right edge (a mark at the end of a line keeps
    // the half of its em box that holds its ink: centred in Traditional Chinese, so its
    // ink may end short of the edge; ink beyond the edge is measured by rendering)
    let full = |l: &TextLine| l.right() >= edge(l).1 - 0.25 * size;
    // whether line i+1 goes on with the paragraph of line i
    let continues = |i: usize| -> bool {
        let (a, Some(b)) = (body[i], body.get(i + 1)) else {
            return false;
        };
        let adjacent = b.page == a.page && (b.y - a.y - pitch).abs() < 0.5;
        let overleaf = b.page == a.page + 1;
        (adjacent || overleaf)
            && flush_left(b)
            && b.ink_left() < a.ink_left() + 0.1 * size
            && full(a)
    };
    for i in 0..body.len() {
        let l = body[i];
        let Some(next) = body.get(i + 1) else {
            continue;
        };
        let adjacent = next.page == l.page && (next.y - l.y - pitch).abs() < 0.5;
        // the next line starts at the block's edge, level with or left of this one: the
        // paragraph goes on, so this line should have been full
        if adjacent && flush_left(next) && next.ink_left() < l.ink_left() + 0.1 * size && !full(l) {
            r.ragged_lines
                .push(format!("p{}: {}", l.page + 1, l.text()));
        }
    }
    for i in 0..body.len() {
        let l = body[i];
        let starts = i == 0 || !continues(i - 1);
        let ends = !continues(i);
        if ends && !starts {
            let letters = l
                .text()
                .chars()
                .filter(|c| !NO_START.contains(*c) && !NO_END.contains(*c))
                .count();
            if letters < 2 {
                r.runt_lines.push(format!("p{}: {}", l.page + 1, l.text()));
            }
        }
        let next_on_other_page = body.get(i + 1).is_some_and(|n| n.page != l.page);
        if starts && !ends && next_on_other_page {
            r.orphans.push(format!("p{}: {}", l.page + 1, l.text()));
        }
        let previous_on_other_page = i > 0 && body[i - 1].page != l.page;
        if ends && !starts && previous_on_other_page {
            r.widows.push(format!("p{}: {}", l.page + 1, l.text()));
        }
    }
}

/// The text block's (left, right) edges on odd and even pages (0 and 1, by page index
/// parity): the commonest start among the lines that start furthest left (not the
/// indented first lines), and the commonest end among those that end furthest right.
fn edges(prose: &[&TextLine]) -> HashMap<usize, (f32, f32)> {
    let mut edges = HashMap::new();
    for parity in 0..2 {
        let lines: Vec<&&TextLine> = prose.iter().filter(|l| l.page % 2 == parity).collect();
        let size = median(lines.iter().map(|l| l.size).collect()).unwrap_or(10.0);
        let least = lines.iter().map(|l| l.ink_left()).fold(f32::MAX, f32::min);
        let left = mode(
            lines
                .iter()
                .map(|l| l.ink_left())
                .filter(|x| *x < least + 0.5 * size),
        );
        // (the commonest end among the lines that end furthest right: a page of short
        // lines, list items and verse, does not pull the edge in)
        let most = lines.iter().map(|l| l.ink_right()).fold(f32::MIN, f32::max);
        let right = mode(
            lines
                .iter()
                .map(|l| l.ink_right())
                .filter(|x| *x > most - 0.5 * size),
        );
        if let (Some(left), Some(right)) = (left, right) {
            edges.insert(parity, (left, right));
        }
    }
    edges
}

/// Pages whose margins hold ink beyond the text block's edges (±0.1 pt), seen in
/// 600-dpi renderings of the margin strips beside the prose lines.
fn ink_over_measure(
    pdf: &Path,
    prose: &[&TextLine],
    edges: &HashMap<usize, (f32, f32)>,
    read: &Pages,
) -> Vec<String> {
    let mut found = Vec::new();
    for (index, &(width, _)) in read.sizes.iter().enumerate() {
        let Some(&(left, right)) = edges.get(&(index % 2)) else {
            continue;
        };
        let on_page: Vec<&&TextLine> = prose.iter().filter(|l| l.page == index).collect();
        if on_page.is_empty() {
            continue;
        }
        let top = on_page
            .iter()
            .map(|l| l.y - l.size)
            .fold(f32::MAX, f32::min);
        let bottom = on_page
            .iter()
            .map(|l| l.y + 0.3 * l.size)
            .fold(0.0, f32::max);
        // (a mark at a line's edge has lost its blank half: its ink stays inside)
        for (from, to) in [(0.0, left - 0.1), (right + 0.1, width)] {
            if to - from < 1.0 {
                continue;
            }
            let image = render(pdf, index, from, top, to, bottom);
            if let Some(dark) = darkest_column(&image) {
                let x = from + dark as f32 * 72.0 / 600.0;
                // name the line the ink belongs to
                let line = on_page
                    .iter()
                    .filter(|l| l.glyphs.iter().any(|g| g.x - 1.0 <= x && x <= g.x1 + 1.0))
                    .map(|l| l.text())
                    .next()
                    .unwrap_or_default();
                found.push(format!(
                    "p{}: ink at x = {x:.2} pt (block {left:.2}–{right:.2}): {line}",
                    index + 1
                ));
            }
        }
    }
    found
}

/// A 600-dpi grey rendering (PGM) of a rectangle of a page, in points from the top left.
fn render(pdf: &Path, page: usize, x0: f32, y0: f32, x1: f32, y1: f32) -> Vec<u8> {
    let px = |pt: f32| (pt * 600.0 / 72.0).round() as i64;
    let number = (page + 1).to_string();
    Command::new("pdftoppm")
        .args(["-gray", "-r", "600", "-f", &number, "-l", &number])
        .args(["-x", &px(x0).to_string(), "-y", &px(y0).to_string()])
        .args(["-W", &(px(x1) - px(x0)).max(1).to_string()])
        .args(["-H", &(px(y1) - px(y0)).max(1).to_string()])
        .arg(pdf)
        .output()
        .expect("pdftoppm runs")
        .stdout
}

/// The dark pixels of a PGM image as columns.
fn dark_columns(pgm: &[u8]) -> Vec<usize> {
    // header: P5 <w> <h> <max>, then one byte per pixel
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 && i < pgm.len() {
        while i < pgm.len() && pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < pgm.len() && !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    let Some(w) = fields.get(1).and_then(|w| w.parse::<usize>().ok()) else {
        return Vec::new();
    };
    pgm.get(i + 1..)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(_, &v)| v < 128)
        .map(|(k, _)| k % w)
        .collect()
}

/// The first column of a PGM image holding a dark pixel.
fn darkest_column(pgm: &[u8]) -> Option<usize> {
    dark_columns(pgm).into_iter().min()
}

/// Punctuation compression and the Han–Latin gap.
fn spacing(body: &[TextLine], r: &mut Report) {
    let mut pairs = Vec::new();
    let mut gaps = Vec::new();
    for l in body.iter().filter(|l| !l.tabular()) {
        let ink: Vec<&Glyph> = l
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .collect();
        for w in ink.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (ca, cb) = (a.text.chars().next(), b.text.chars().next());
            let (Some(ca), Some(cb)) = (ca, cb) else {
                continue;
            };
            if MARKS.contains(ca) && MARKS.contains(cb) {
                pairs.push((b.x - a.x) / a.size);
            }
            if is_han(ca) && cb.is_ascii_alphanumeric() && a.size == b.size {
                gaps.push((b.x - a.x1) / a.size);
            }
        }
    }
    r.pair_adv_em = median(pairs);
    r.cjk_latin_gap_em = median(gaps);
}
