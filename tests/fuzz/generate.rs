//! Random books from a seed: `book.toml` with extreme settings, chapters of every
//! Markdown construct inkstone reads, in Chinese (Simplified, Traditional, rare
//! characters), Latin, digits, punctuation runs, emoji and control characters, with CR
//! or CRLF line endings now and then. Every block whose text must reach both outputs
//! carries a marker word (`Zq` and four digits), which the harness looks for.

/// A small, fast, seeded generator (SplitMix64): the same seed gives the same book.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A generated book: its files, and the markers its text must keep.
pub struct Book {
    /// (path relative to the book folder, contents).
    pub files: Vec<(String, Vec<u8>)>,
    /// Marker words that must appear in both outputs when the build succeeds.
    pub markers: Vec<String>,
    /// Whether the book refers to a missing image (the build must then fail cleanly).
    pub broken: bool,
    /// Whether no chapter has anything in it (the build must then fail cleanly).
    pub textless: bool,
}

const HANZI: &str = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰菜重芥姜";
const HANT: &str = "學而時習之不亦說乎有朋自遠方來樂人不知而不慍君子為國語體變們見貝車馬鳥龍";
const RARE: &[&str] = &["𠀀", "𪛚", "㐀", "䶮", "𫟼", "𰻝"];
const LATIN: &[&str] = &[
    "the",
    "quick",
    "brown",
    "fox",
    "W3C",
    "typesetting",
    "Pneumonoultramicroscopicsilicovolcanoconiosis",
    "https://example.com/a/very/long/path?with=query&and=more",
    "3.14159265358979323846",
    "ISBN",
    "e-book",
];
const PUNCT: &[&str] = &[
    "，", "。", "、", "；", "：", "？", "！", "“", "”", "「", "」", "《", "》", "（", "）", "——",
    "……", "·",
];
const EMOJI: &[&str] = &["👍", "✅", "🎉", "🏿", "🧑🏿", "👨‍👩‍👧", "🇨🇳", "❤️"];
const ODD: &[&str] = &[
    "\u{200B}", "\u{00AD}", "\u{2060}", "\u{FEFF}", "\u{1}", "\u{7}", "\u{FFFE}", "\t", "&amp;",
    "<", ">", "&",
];

/// A generator of one book.
struct Writer<'a> {
    rng: &'a mut Rng,
    markers: Vec<String>,
    next_marker: usize,
    notes: usize,
}

impl Writer<'_> {
    /// A new marker word, remembered.
    fn marker(&mut self) -> String {
        self.next_marker += 1;
        let m = format!("Zq{:04}", self.next_marker);
        self.markers.push(m.clone());
        m
    }

    /// Random running text of about `len` pieces (no Markdown syntax of its own).
    fn text(&mut self, len: usize) -> String {
        let mut out = String::new();
        for _ in 0..len {
            let piece = match self.rng.below(100) {
                0..=54 => {
                    let n = 1 + self.rng.below(6);
                    (0..n)
                        .map(|_| {
                            let pool: Vec<char> = HANZI.chars().collect();
                            *self.rng.pick(&pool)
                        })
                        .collect()
                }
                55..=62 => {
                    let pool: Vec<char> = HANT.chars().collect();
                    (0..3).map(|_| *self.rng.pick(&pool)).collect()
                }
                63..=74 => format!(" {} ", self.rng.pick(LATIN)),
                75..=86 => self.rng.pick(PUNCT).to_string(),
                87..=90 => self.rng.below(100_000).to_string(),
                91..=93 => self.rng.pick(EMOJI).to_string(),
                94..=95 => self.rng.pick(RARE).to_string(),
                96..=97 => self.rng.pick(ODD).to_string(),
                _ => self.rng.pick(PUNCT).repeat(1 + self.rng.below(60)),
            };
            out.push_str(&piece);
        }
        out
    }

    /// Inline content: text with a marker and, now and then, inline markup.
    fn inline(&mut self, len: usize) -> String {
        let mut out = self.text(len / 2 + 1);
        let marker = self.marker();
        let marked = match self.rng.below(14) {
            0 => format!("*{marker}*"),
            1 => format!("**{marker}**"),
            2 => format!("`{marker}`"),
            3 => format!("~~{marker}~~"),
            4 => format!("[{marker}](https://example.com/{})", self.rng.below(99)),
            5 => format!("[{marker}](#nowhere-{})", self.rng.below(9)),
            6 => format!("<sup>{marker}</sup>"),
            7 => format!("<ruby>{marker}<rt>zhù</rt></ruby>"),
            8 => format!("<span lang=\"en\">{marker}</span>"),
            9 => format!("<b>{marker}"),
            _ => format!(" {marker} "),
        };
        out.push_str(&marked);
        if self.rng.chance(15) {
            self.notes += 1;
            out.push_str(&format!("[^n{}]", self.notes));
        }
        if self.rng.chance(10) {
            out.push_str("\\\n");
        }
        out.push_str(&self.text(len / 2));
        out
    }

    /// One block (at nesting depth `depth`).
    fn block(&mut self, depth: usize) -> String {
        match self.rng.below(if depth > 18 { 6 } else { 12 }) {
            0..=4 => {
                let len = *self.rng.pick(&[3, 10, 30, 80, 400]);
                self.inline(len)
            }
            5 => {
                let level = 1 + self.rng.below(6);
                let text = if self.rng.chance(10) {
                    String::new()
                } else {
                    let len = *self.rng.pick(&[1, 3, 8, 600]);
                    self.inline(len).replace("\\\n", "")
                };
                format!("{} {}", "#".repeat(level), text)
            }
            6 => {
                let cols = *self.rng.pick(&[1, 2, 3, 5, 12, 30]);
                let rows = 1 + self.rng.below(5);
                let mut t = String::new();
                let cell = |w: &mut Self| {
                    let len = *w.rng.pick(&[1, 2, 5, 40, 700]);
                    w.inline(len).replace(['|', '\n'], " ").replace('\\', "")
                };
                let head: Vec<String> = (0..cols).map(|_| cell(self)).collect();
                t.push_str(&format!("| {} |\n", head.join(" | ")));
                t.push_str(&format!("|{}\n", "---|".repeat(cols)));
                for _ in 0..rows {
                    let row: Vec<String> = (0..cols).map(|_| cell(self)).collect();
                    t.push_str(&format!("| {} |\n", row.join(" | ")));
                }
                t
            }
            7 => {
                let marker = self.marker();
                let body = self.text(20).replace('`', "");
                format!(
                    "```rust\nfn {marker}() {{ {body} }}\n    let x = \"{}\";\n```",
                    "长".repeat(self.rng.below(200))
                )
            }
            8 => {
                let inner = self.block(depth + 1);
                inner
                    .lines()
                    .map(|l| format!("> {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            9 | 10 => {
                let ordered = self.rng.chance(50);
                let items = 1 + self.rng.below(4);
                let mut out = Vec::new();
                for i in 0..items {
                    let bullet = if ordered {
                        format!("{}. ", i + 1)
                    } else {
                        "- ".to_string()
                    };
                    let pad = " ".repeat(bullet.len());
                    let body = if self.rng.chance(25) && depth < 22 {
                        self.block(depth + 1)
                    } else {
                        let len = 1 + self.rng.below(20);
                        self.inline(len)
                    };
                    let task = if !ordered && self.rng.chance(15) {
                        "[x] "
                    } else {
                        ""
                    };
                    let mut lines = body.lines();
                    let first = lines.next().unwrap_or_default();
                    let mut item = format!("{bullet}{task}{first}");
                    for l in lines {
                        item.push('\n');
                        item.push_str(&pad);
                        item.push_str(l);
                    }
                    out.push(item);
                }
                out.join("\n")
            }
            _ => {
                if self.rng.chance(50) {
                    "---".to_string()
                } else {
                    let marker = self.marker();
                    format!("![{marker}](images/p.png \"{marker} 图\")")
                }
            }
        }
    }
}

/// A tiny PNG (2 × 2 pixels, grey).
fn png() -> Vec<u8> {
    let mut out = Vec::new();
    let img = image::RgbImage::from_pixel(40, 30, image::Rgb([120, 120, 120]));
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// The book of `seed`.
pub fn book(seed: u64) -> Book {
    let mut rng = Rng::new(seed);
    let mut w = Writer {
        rng: &mut rng,
        markers: Vec::new(),
        next_marker: 0,
        notes: 0,
    };
    let title = match w.rng.below(4) {
        0 => "a & b < c > d".to_string(),
        1 => w.text(3).replace(['"', '\\', '\n'], ""),
        _ => "随机 样书".to_string(),
    };
    let title: String = title
        .chars()
        .filter(|c| !c.is_control() && *c != '\u{FFFE}')
        .collect();
    let title = if title.trim().is_empty() {
        "书".to_string()
    } else {
        title
    };
    let mut toml = format!("[book]\ntitle = \"{}\"\n", title.replace(['\\', '"'], ""));
    if w.rng.chance(60) {
        toml.push_str("authors = [\"甲\", \"Bob\"]\n");
    }
    toml.push_str(&format!(
        "language = \"{}\"\n",
        w.rng.pick(&["zh-CN", "zh-TW", "zh-Hant", "en", "ja"])
    ));
    let chapters = 1 + w.rng.below(3);
    let names: Vec<String> = (0..chapters).map(|i| format!("{:02}.md", i + 1)).collect();
    let mut pdf = String::new();
    if w.rng.chance(60) {
        pdf.push_str(&format!(
            "page_size = {}\n",
            w.rng.pick(&[
                "\"A4\"",
                "\"A5\"",
                "\"B5\"",
                "\"16开\"",
                "\"32开\"",
                "[70, 90]",
                "[600, 900]",
                "[90, 300]"
            ])
        ));
    }
    if w.rng.chance(50) {
        pdf.push_str(&format!(
            "font_size = {}\n",
            w.rng.pick(&["6", "9", "10.5", "14", "24"])
        ));
    }
    if w.rng.chance(30) {
        pdf.push_str(&format!(
            "line_pitch = {}\n",
            w.rng.pick(&["1.2", "1.7", "3"])
        ));
    }
    if w.rng.chance(30) {
        pdf.push_str("chapter_start = \"right-page\"\n");
    }
    if w.rng.chance(20) {
        pdf.push_str("margins = { top = 10, bottom = 12, inner = 15, outer = 8 }\n");
    }
    if !pdf.is_empty() {
        toml.push_str(&format!("\n[pdf]\n{pdf}"));
    }
    if w.rng.chance(15) {
        toml.push_str("\n[print]\nbleed = 3\nmarks = true\nimage_ppi = 300\n");
    }
    let mut files = vec![("book.toml".to_string(), toml.into_bytes())];
    let mut broken = false;
    let mut textless = true;
    for name in &names {
        // footnotes are numbered per chapter: a note cited in one chapter is defined there
        w.notes = 0;
        let mut blocks = Vec::new();
        if w.rng.chance(80) {
            let len = *w.rng.pick(&[1, 4, 10]);
            blocks.push(format!("# {}", w.inline(len).replace("\\\n", "")));
        }
        let n = *w.rng.pick(&[0, 1, 3, 8, 20]);
        // a chapter without a heading or a block is left out of the book
        textless &= blocks.is_empty() && n == 0;
        for _ in 0..n {
            let depth = 0;
            blocks.push(w.block(depth));
        }
        let notes_here = w.notes;
        // define the notes cited so far (some twice, some never cited)
        for k in 1..=notes_here {
            if w.rng.chance(90) {
                let len = 1 + w.rng.below(10);
                blocks.push(format!("[^n{k}]: {}", w.inline(len).replace("\\\n", "")));
            }
        }
        if w.rng.chance(3) {
            blocks.push("![缺](images/missing.png)".to_string());
            broken = true;
        }
        let mut text = blocks.join("\n\n");
        text.push('\n');
        let text = match w.rng.below(10) {
            0 => text.replace('\n', "\r\n"),
            1 => text.replace('\n', "\r"),
            _ => text,
        };
        files.push((name.clone(), text.into_bytes()));
    }
    files.push(("images/p.png".to_string(), png()));
    // footnote markers and markers of notes never defined are not checked: a note's text
    // reaches the outputs only where it is cited
    Book {
        files,
        markers: w.markers,
        broken,
        textless,
    }
}
