//! Tests of the Markdown reader.
use super::*;

/// Images get consecutive indices; chapters `a.md` and `b.md` exist.
#[derive(Default)]
struct Fake {
    images: Vec<String>,
}

impl Resolver for Fake {
    fn image(&mut self, path: &str, at: &Location) -> Result<usize> {
        if path.starts_with("..") {
            return Err(Error::input(
                Code::OutsideBook,
                at.clone(),
                "outside",
                "move it",
            ));
        }
        self.images.push(path.to_string());
        Ok(self.images.len() - 1)
    }

    fn chapter(&self, path: &str) -> Option<usize> {
        ["a.md", "b.md"].iter().position(|c| *c == path)
    }
}

/// Reads a chapter and settles its heading ids, as one reader of the book would.
fn parse_chapter(
    path: &Path,
    text: &str,
    ids: &mut HeadingIds,
    resolver: &mut dyn Resolver,
    warnings: &mut Vec<Warning>,
) -> Result<ParsedChapter> {
    Ok(read_chapter(path, text, resolver)?.settle(ids, warnings))
}

fn parse(text: &str) -> (ParsedChapter, Vec<Warning>) {
    let mut warnings = Vec::new();
    let parsed = parse_chapter(
        Path::new("c.md"),
        text,
        &mut HeadingIds::default(),
        &mut Fake::default(),
        &mut warnings,
    )
    .unwrap();
    (parsed, warnings)
}

fn text_of(block: &Block) -> String {
    match block {
        Block::Heading(h) => plain_text(&h.content),
        Block::Paragraph(p) | Block::Byline(p) => plain_text(&p.content),
        other => format!("{other:?}"),
    }
}

#[test]
fn newline_between_chinese_vanishes_between_latin_is_a_space() {
    let (c, _) = parse("项目建\n设中的\nword\nnext\n中文\nRust\n");
    assert_eq!(text_of(&c.blocks[0]), "项目建设中的 word next 中文 Rust");
    let (c, _) = parse("*强调*\n继续，`code`\nmore");
    assert_eq!(text_of(&c.blocks[0]), "强调继续，code more");
}

#[test]
fn headings_get_unique_ids_and_lines() {
    let (c, _) = parse(
        "# 标题 一\n\n## 产业拓新，“1+4”格局\n\n## 产业拓新，“1+4”格局\n\n## 2021 年 {#y2021}\n",
    );
    let ids: Vec<_> = c
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading(h) => (h.level, h.id.clone(), h.line),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        ids,
        [
            (1, "标题-一".to_string(), 1),
            (2, "产业拓新14格局".to_string(), 3),
            (2, "产业拓新14格局-2".to_string(), 5),
            (2, "y2021".to_string(), 7)
        ]
    );
}

#[test]
fn chapters_read_apart_get_the_ids_one_reader_would_give() {
    let a = "# 一\n\n# 二 {#x}\n";
    let b = "<u>甲</u>\n\n# 一\n\n<u>乙</u>\n\n# 三 {#x}\n\n# 一\n\n<u>丙</u>\n";
    // read in either order (as side by side), settled in reading order
    let read_b = read_chapter(Path::new("b.md"), b, &mut Fake::default()).unwrap();
    let read_a = read_chapter(Path::new("a.md"), a, &mut Fake::default()).unwrap();
    let mut ids = HeadingIds::default();
    let mut warnings = Vec::new();
    read_a.settle(&mut ids, &mut warnings);
    let settled = read_b.settle(&mut ids, &mut warnings);
    let heading_ids: Vec<&str> = settled
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some(h.id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(heading_ids, ["一-2", "三", "一-3"]);
    // the same as reading each chapter only once the one before it is settled
    let (mut in_turn, mut turn_warnings) = (HeadingIds::default(), Vec::new());
    for (path, text) in [("a.md", a), ("b.md", b)] {
        parse_chapter(
            Path::new(path),
            text,
            &mut in_turn,
            &mut Fake::default(),
            &mut turn_warnings,
        )
        .unwrap();
    }
    assert_eq!(warnings, turn_warnings);
    // the error stands where the heading is, among the chapter's other warnings
    let lines: Vec<(Option<usize>, bool)> = warnings
        .iter()
        .map(|w| (w.location.line, w.is_error()))
        .collect();
    assert_eq!(
        lines,
        [
            (Some(1), false),
            (Some(5), false),
            (Some(7), true),
            (Some(11), false)
        ],
        "{warnings:?}"
    );
}

#[test]
fn duplicate_explicit_id_is_an_error_with_line() {
    let mut findings = vec![];
    parse_chapter(
        Path::new("c.md"),
        "# a {#x}\n\n# b {#x}\n\n# c {#9}\n",
        &mut HeadingIds::default(),
        &mut Fake::default(),
        &mut findings,
    )
    .unwrap();
    // both are errors; reading went on to the third heading
    let errors: Vec<String> = findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| f.to_string())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("c.md:3:1: heading id `x` is used twice"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("c.md:5:1: heading id `9` is not a valid id"),
        "{errors:?}"
    );
}

#[test]
fn byline_html_block() {
    let (c, warnings) = parse("正文。\n\n<p class=\"byline\">\n黄颢 朱大智 郭晶\n</p>\n");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(matches!(&c.blocks[1], Block::Byline(p) if p.line == 3));
    assert_eq!(text_of(&c.blocks[1]), "黄颢 朱大智 郭晶");
}

#[test]
fn emphasis_strong_strike_code_and_breaks() {
    let (c, _) = parse("甲*乙*__丙__~~丁~~`x`  \n戊");
    let Block::Paragraph(p) = &c.blocks[0] else {
        panic!()
    };
    assert_eq!(
        p.content,
        vec![
            Inline::Text("甲".into()),
            Inline::Emphasis(vec![Inline::Text("乙".into())]),
            Inline::Strong(vec![Inline::Text("丙".into())]),
            Inline::Strikethrough(vec![Inline::Text("丁".into())]),
            Inline::Code("x".into()),
            Inline::LineBreak,
            Inline::Text("戊".into()),
        ]
    );
}

#[test]
fn lists_nest_and_carry_task_boxes() {
    let (c, _) = parse("1. 一\n   - 甲\n   - [x] 乙\n2. 二\n\n- [ ] 待办\n");
    let Block::List(list) = &c.blocks[0] else {
        panic!("{:?}", c.blocks)
    };
    assert_eq!(list.start, Some(1));
    assert_eq!(list.items.len(), 2);
    let Block::List(inner) = &list.items[0].blocks[1] else {
        panic!()
    };
    assert_eq!(inner.items[1].checked, Some(true));
    assert_eq!(text_of(&inner.items[1].blocks[0]), "乙");
    let Block::List(tasks) = &c.blocks[1] else {
        panic!()
    };
    assert_eq!(tasks.items[0].checked, Some(false));
}

#[test]
fn quotes_code_rules_and_tables() {
    let (c, _) = parse("> 引\n> > 再引\n\n---\n\n```rust\nfn main() {\n\tx\n}\n```\n\n| 左 | 中 | 右 |\n|:--|:-:|--:|\n| 1 | 2 |\n");
    assert!(matches!(&c.blocks[0], Block::Quote(inner) if matches!(inner[1], Block::Quote(_))));
    assert_eq!(c.blocks[1], Block::Rule);
    let Block::Code(code) = &c.blocks[2] else {
        panic!()
    };
    assert_eq!(code.language.as_deref(), Some("rust"));
    assert_eq!(code.text, "fn main() {\n    x\n}");
    let Block::Table(t) = &c.blocks[3] else {
        panic!()
    };
    assert_eq!(
        t.align,
        [ColumnAlign::Left, ColumnAlign::Center, ColumnAlign::Right]
    );
    assert_eq!(t.rows[0].len(), 3, "short rows are padded");
}

#[test]
fn footnotes_are_numbered_by_first_citation() {
    let (c, warnings) = parse("甲[^b]乙[^a]丙[^b]\n\n[^a]: 注一\n[^b]: 注二\n[^c]: 无人引\n");
    let Block::Paragraph(p) = &c.blocks[0] else {
        panic!()
    };
    let refs: Vec<usize> = p
        .content
        .iter()
        .filter_map(|i| match i {
            Inline::NoteRef(n) => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(refs, [1, 2, 1]);
    assert_eq!(text_of(&c.footnotes[0].blocks[0]), "注二");
    assert_eq!(text_of(&c.footnotes[1].blocks[0]), "注一");
    assert!(warnings.iter().any(|w| w.message.contains("[^c]")));
}

#[test]
fn notes_the_text_never_leads_to_are_left_out_and_the_rest_renumbered() {
    let refs = |content: &[Inline]| -> Vec<usize> {
        content
            .iter()
            .filter_map(|i| match i {
                Inline::NoteRef(n) => Some(*n),
                _ => None,
            })
            .collect()
    };
    // [^s] is cited first, but only from itself; [^b] only from [^a], which the text cites
    let (c, warnings) = parse("[^s]: 自引[^s]\n\n正文[^a]\n\n[^a]: 注一[^b]\n[^b]: 注二\n");
    let Block::Paragraph(p) = &c.blocks[0] else {
        panic!("{:?}", c.blocks)
    };
    assert_eq!(refs(&p.content), [1]);
    assert_eq!(c.footnotes.len(), 2);
    let Block::Paragraph(note) = &c.footnotes[0].blocks[0] else {
        panic!("{:?}", c.footnotes)
    };
    assert_eq!(plain_text(&note.content), "注一");
    assert_eq!(refs(&note.content), [2]);
    assert_eq!(text_of(&c.footnotes[1].blocks[0]), "注二");
    assert_eq!(c.footnotes[1].number, 2);
    let left_out: Vec<&Warning> = warnings
        .iter()
        .filter(|w| w.message.contains("left out"))
        .collect();
    assert_eq!(left_out.len(), 1, "{warnings:?}");
    assert!(left_out[0]
        .message
        .starts_with("footnote [^s] is cited only from inside"));
    assert_eq!(left_out[0].location.line, Some(1));
}

#[test]
fn a_note_left_out_is_warned_about_once_whatever_its_text_holds() {
    // [^b] is never cited; its text cites [^c], defined nowhere: one warning, for [^b]
    let (_, warnings) = parse("正文。\n\n[^b]: 注 b 引用了[^c]。\n");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("[^b] is never cited"));
    // cited, the same note shows its text, and the undefined [^c] in it is named
    let (_, warnings) = parse("正文[^b]。\n\n[^b]: 注 b 引用了[^c]。\n");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("no footnote [^c]"));
}

#[test]
fn images_become_figures_and_split_their_paragraph() {
    let (c, _) = parse("前文![图一](a.png \"标题\")后文\n");
    assert_eq!(text_of(&c.blocks[0]), "前文");
    let Block::Figure(f) = &c.blocks[1] else {
        panic!("{:?}", c.blocks)
    };
    assert_eq!(
        (f.image, f.alt.as_str(), f.caption.as_deref()),
        (0, "图一", Some("标题"))
    );
    assert_eq!(text_of(&c.blocks[2]), "后文");
    // an image that cannot be used is an error the reading goes on past: it is
    // recorded, its alternative text stands in
    let mut findings = vec![];
    let c = parse_chapter(
        Path::new("c.md"),
        "x\n\n![a](../x.png)\n",
        &mut HeadingIds::default(),
        &mut Fake::default(),
        &mut findings,
    )
    .unwrap();
    assert_eq!(findings.len(), 1);
    assert!(findings[0].is_error());
    assert_eq!(findings[0].code, Code::OutsideBook);
    assert!(
        findings[0].to_string().starts_with("c.md:3:1: outside"),
        "{}",
        findings[0]
    );
    assert_eq!(text_of(&c.blocks[1]), "a");
}

#[test]
fn links_external_internal_and_refused() {
    let (c, warnings) =
        parse("[甲](https://a.cn) [乙](#x) [丙](b.md) [丁](b.md#y) [戊](javascript:alert(1))");
    let Block::Paragraph(p) = &c.blocks[0] else {
        panic!()
    };
    let targets: Vec<&LinkTarget> = p
        .content
        .iter()
        .filter_map(|i| match i {
            Inline::Link { target, .. } => Some(target),
            _ => None,
        })
        .collect();
    assert_eq!(
        targets,
        [
            &LinkTarget::External("https://a.cn/".into()),
            &LinkTarget::Heading("x".into()),
            &LinkTarget::Chapter(1),
            &LinkTarget::Heading("y".into()),
        ]
    );
    assert!(text_of(&c.blocks[0]).ends_with("戊"));
    assert!(warnings.iter().any(|w| w.message.contains("javascript")));
}

#[test]
fn addresses_are_percent_encoded_and_checked() {
    let href = |s: &str| super::links::address(s).unwrap();
    assert_eq!(href("https://a.cn/?q=<1> 2"), "https://a.cn/?q=%3C1%3E%202");
    assert_eq!(
        href("https://例子.cn/路径"),
        "https://xn--fsqu00a.cn/%E8%B7%AF%E5%BE%84"
    );
    assert_eq!(
        href("https://example.com/\\[\\"),
        "https://example.com//%5B/"
    );
    assert_eq!(href("https://[::1]:80/a[b]"), "https://[::1]:80/a%5Bb%5D");
    assert_eq!(href("mailto:foo@bar.baz"), "mailto:foo@bar.baz");
    assert!(super::links::address("https://../").is_err());
}

#[test]
fn raw_html_subset_and_hostile_markup() {
    let (c, warnings) = parse(
        "H<sub>2</sub>O 与 E=mc<sup>2</sup>，<ruby>汉<rp>(</rp><rt>hàn</rt><rp>)</rp></ruby>，<span lang=\"en\">word</span><br>\
         <script>alert(1)</script><b onclick=\"x()\">粗</b><blink>闪</blink>]]>\u{7}。",
    );
    let Block::Paragraph(p) = &c.blocks[0] else {
        panic!("{:?}", c.blocks)
    };
    assert!(p
        .content
        .contains(&Inline::Subscript(vec![Inline::Text("2".into())])));
    assert!(p
        .content
        .contains(&Inline::Superscript(vec![Inline::Text("2".into())])));
    assert!(p.content.contains(&Inline::Ruby {
        base: "汉".into(),
        annotation: "hàn".into()
    }));
    assert!(p.content.contains(&Inline::Lang {
        lang: "en".into(),
        content: vec![Inline::Text("word".into())]
    }));
    assert!(p.content.contains(&Inline::LineBreak));
    let text = plain_text(&p.content);
    assert!(!text.contains("alert"), "{text}");
    assert!(
        text.contains("粗") && text.contains("闪") && text.contains("]]>"),
        "{text}"
    );
    assert!(!text.contains('\u{7}'));
    assert!(warnings.iter().any(|w| w.message.contains("<script>")));
    assert!(warnings.iter().any(|w| w.message.contains("<blink>")));
    assert!(warnings
        .iter()
        .any(|w| w.message.contains("control characters")));
}

#[test]
fn absurd_nesting_is_flattened_not_a_crash() {
    let quotes = ">".repeat(20_000) + " 深";
    let (c, warnings) = parse(&quotes);
    assert!(warnings.iter().any(|w| w.message.contains("nesting")));
    fn depth(blocks: &[Block]) -> usize {
        blocks
            .iter()
            .map(|b| match b {
                Block::Quote(inner) => 1 + depth(inner),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }
    assert!(depth(&c.blocks) <= MAX_DEPTH * 2);
    let lists = (0..3000)
        .map(|i| format!("{}- 项\n", "  ".repeat(i)))
        .collect::<String>();
    let (c, _) = parse(&lists);
    assert!(!c.blocks.is_empty());
}

#[test]
fn slugs() {
    assert_eq!(super::ids::slug("Hello, World!"), "hello-world");
    assert_eq!(super::ids::slug("2021 年"), "h-2021-年");
    let long = super::ids::slug(&"天地玄黄 ".repeat(100));
    assert!(
        long.chars().count() <= 48 && long.starts_with("天地玄黄-天地玄黄"),
        "{long}"
    );
    assert_eq!(super::ids::slug("！？"), "section");
}

#[test]
fn empty_headings_are_left_out_with_a_warning() {
    let (c, warnings) = parse("# \n\n##\n\n### ###\n\n正文\n");
    assert_eq!(c.blocks.len(), 1, "{:?}", c.blocks);
    let lines: Vec<usize> = warnings
        .iter()
        .filter(|w| w.message.contains("empty heading"))
        .map(|w| w.location.line.unwrap())
        .collect();
    assert_eq!(lines, [1, 3, 5]);
}

#[test]
fn a_lone_cr_ends_a_line() {
    let (c, _) = parse("# 标题\r\r第一段。\r\r- 列表\r");
    assert!(matches!(&c.blocks[0], Block::Heading(h) if h.line == 1));
    assert!(matches!(&c.blocks[1], Block::Paragraph(p) if p.line == 3));
    assert!(matches!(&c.blocks[2], Block::List(_)));
}

#[test]
fn skipped_heading_levels_close_up() {
    let (c, _) = parse("# 一\n\n##### 二\n\n### 三\n\n#### 四\n");
    let levels: Vec<u8> = c
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) => Some(h.level),
            _ => None,
        })
        .collect();
    assert_eq!(levels, [1, 2, 2, 3]);
}

#[test]
fn headings_in_quotes_and_lists_close_up_too() {
    let (c, _) = parse("# 一\n\n> ###### 二\n\n- ##### 三\n\n###### 四\n");
    let mut levels = Vec::new();
    fn walk(blocks: &[Block], levels: &mut Vec<u8>) {
        for b in blocks {
            match b {
                Block::Heading(h) => levels.push(h.level),
                Block::Quote(inner) => walk(inner, levels),
                Block::List(l) => l.items.iter().for_each(|i| walk(&i.blocks, levels)),
                _ => {}
            }
        }
    }
    walk(&c.blocks, &mut levels);
    assert_eq!(levels, [1, 2, 2, 3]);
}

#[test]
fn footnotes_defined_twice_or_never() {
    let e = parse_chapter(
        Path::new("c.md"),
        "甲[^1]\n\n[^1]: 一\n\n[^1]: 二\n",
        &mut HeadingIds::default(),
        &mut Fake::default(),
        &mut vec![],
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("c.md:5:1: footnote [^1] is defined twice"),
        "{e}"
    );
    let (_, warnings) = parse("甲[^x]\n");
    assert!(
        warnings.iter().any(
            |w| w.message.contains("no footnote [^x] is defined") && w.location.line == Some(1)
        ),
        "{warnings:?}"
    );
}

#[test]
fn tags_left_open_keep_their_text_where_it_belongs() {
    let (c, _) = parse("| 甲 | 乙 |\n|---|---|\n| x<b> | y |\n");
    let Block::Table(t) = &c.blocks[0] else {
        panic!("{:?}", c.blocks)
    };
    assert_eq!(plain_text(&t.rows[0][0]), "x");
    assert_eq!(plain_text(&t.rows[0][1]), "y");
    let (c, _) = parse("2. <sup>text\n3. next\n");
    let Block::List(list) = &c.blocks[0] else {
        panic!("{:?}", c.blocks)
    };
    assert_eq!(text_of(&list.items[0].blocks[0]), "text");
    assert_eq!(list.items.len(), 2);
}

#[test]
fn characters_xml_cannot_hold_are_dropped() {
    let (c, warnings) = parse("# 标\u{FFFE}题\n\n正\u{FFFF}文\u{FDD0}\n");
    assert_eq!(text_of(&c.blocks[0]), "标题");
    assert_eq!(text_of(&c.blocks[1]), "正文");
    assert!(warnings.iter().any(|w| w.message.contains("XML")));
}

#[test]
fn remote_and_empty_image_paths() {
    let (c, warnings) = parse("前![标志](http://example.com/logo.png)后\n");
    assert_eq!(text_of(&c.blocks[0]), "前标志后");
    assert!(warnings[0]
        .message
        .starts_with("the remote image `http://example.com/logo.png` is not downloaded"));
    assert_eq!(warnings[0].location.line, Some(1));
    let e = parse_chapter(
        Path::new("c.md"),
        "正文\n\n![x]()\n",
        &mut HeadingIds::default(),
        &mut Fake::default(),
        &mut vec![],
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("c.md:3:1: the image has no path"),
        "{e}"
    );
}
