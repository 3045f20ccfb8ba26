//! A book of several chapters: navigation, ids, metadata and text handling.

mod common;

use common::*;

fn build_multi() -> std::collections::BTreeMap<String, Vec<u8>> {
    let built = built("tests/books/multi");
    assert_eq!(built.stderr, "");
    built.epub()
}

#[test]
fn chapters_in_name_order_with_nested_navigation() {
    let files = build_multi();
    let nav = epub_text_file(&files, "OEBPS/nav.xhtml");
    let order: Vec<usize> = [
        "学而第一",
        "排版札记",
        "中西文混排",
        "标点挤压",
        "结语",
        "桃花源記",
    ]
    .iter()
    .map(|t| nav.find(t).unwrap_or_else(|| panic!("nav lacks {t}")))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "nav order: {order:?}"
    );
    // 标点挤压 (level 3) sits inside the list of 中西文混排 (level 2)
    let mixed = nav.find("中西文混排").unwrap();
    let punct = nav.find("标点挤压").unwrap();
    assert!(nav[mixed..punct].contains("<ol>"), "{nav}");
    for ch in ["ch001.xhtml", "ch002.xhtml", "ch003.xhtml"] {
        assert!(files.contains_key(&format!("OEBPS/{ch}")));
    }
    let ncx = epub_text_file(&files, "OEBPS/toc.ncx");
    assert!(ncx.contains("桃花源記"));
}

#[test]
fn metadata_has_subtitle_publisher_date_and_given_identifier() {
    let files = build_multi();
    let opf = epub_text_file(&files, "OEBPS/content.opf");
    assert!(
        opf.contains(">urn:isbn:9780000000002</dc:identifier>"),
        "{opf}"
    );
    assert!(opf.contains("<dc:title id=\"subtitle\">论语选读 与 排版札记</dc:title>"));
    assert!(opf.contains("<dc:publisher>砚台书社</dc:publisher>"));
    assert!(opf.contains("<dc:date>2026-11-27</dc:date>"));
    let title = body_text(&epub_text_file(&files, "OEBPS/title.xhtml"));
    for part in ["排印试样", "论语选读", "孔门弟子", "墨池", "砚台书社"] {
        assert!(title.contains(part), "title page lacks {part}");
    }
}

#[test]
fn soft_line_breaks_vanish_between_chinese_and_are_spaces_between_latin() {
    let files = build_multi();
    let text = body_text(&epub_text_file(&files, "OEBPS/ch002.xhtml"));
    assert!(
        text.contains("约 1.7 倍；这一段在源文件里分成了几行，排出来应当连成一段，"),
        "{text}"
    );
    assert!(text.contains("English words keep their space."), "{text}");
    let xhtml = epub_text_file(&files, "OEBPS/ch002.xhtml");
    assert!(xhtml.contains("<strong>粗体</strong>和<em>着重</em>"));
    assert!(xhtml.contains("<p class=\"byline\">墨池</p>"));
    // the bold serif is embedded because the text uses it
    assert!(files.contains_key("OEBPS/fonts/serif-bold.otf"));
}

#[test]
fn heading_ids_are_unique_across_the_book() {
    let files = build_multi();
    let mut ids = Vec::new();
    for (name, data) in &files {
        if name.starts_with("OEBPS/ch") {
            let text = String::from_utf8_lossy(data);
            ids.extend(
                text.split(" id=\"")
                    .skip(1)
                    .map(|s| s[..s.find('"').unwrap()].to_string()),
            );
        }
    }
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids are unique: {ids:?}");
    // besides the markers of the printed pages' starts
    let headings = ids.iter().filter(|id| !id.starts_with("page-")).count();
    assert_eq!(headings, 6, "one id per heading");
}

#[test]
fn each_format_alone_gives_the_bytes_of_the_whole_build() {
    // the EPUB waits for the layout (it marks where printed pages begin) and the PDF
    // is written as soon as the layout is done: asking for one format must change
    // neither
    let whole = built("tests/books/multi");
    for format in ["epub", "pdf"] {
        let out = scratch(&format!("multi-only-{format}"));
        let run = inkstone(
            &root(),
            &[
                "build",
                "tests/books/multi",
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert!(run.status.success(), "{}", stderr(&run));
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [format!("multi.{format}")], "only the asked format");
        let alone = std::fs::read(out.join(format!("multi.{format}"))).unwrap();
        let both = std::fs::read(whole.file(format)).unwrap();
        assert!(alone == both, "multi.{format} differs when built alone");
    }
}
