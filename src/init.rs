//! `inkstone init`: a new book folder that builds as it is — `book.toml` with every key
//! explained in Chinese and English, a first chapter that shows the Markdown inkstone
//! supports, a placeholder image it draws, and a `.gitignore` for the outputs.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Code, Error, Location, Result};

/// What the new book is called and by whom.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The folder to create.
    pub dir: PathBuf,
    /// The title (default: 未命名).
    pub title: Option<String>,
    /// The authors, in credit order (default: none).
    pub authors: Vec<String>,
}

/// Creates the book folder; refuses a folder that exists and is not empty. Returns the
/// files written.
pub fn init(options: &InitOptions) -> Result<Vec<PathBuf>> {
    let dir = &options.dir;
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map_err(|e| Error::io(dir, "read the folder", e))?
            .next()
            .is_none();
        if !dir.is_dir() || !empty {
            return Err(Error::input(
                Code::FolderNotEmpty,
                Location::file(dir),
                "the folder exists and is not empty: init writes only into a new or empty folder",
                "choose another folder name (e.g. `inkstone init my-book`)",
            ));
        }
    }
    let title = options
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "未命名".to_string());
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "book.toml",
            book_toml(&title, &options.authors).into_bytes(),
        ),
        ("01-开篇.md", CHAPTER.as_bytes().to_vec()),
        ("images/placeholder.png", placeholder_png()),
        (".gitignore", b"# inkstone's outputs\nout/\n".to_vec()),
    ];
    let mut written = Vec::new();
    for (name, data) in files {
        let path = dir.join(name);
        write(&path, &data)?;
        written.push(path);
    }
    Ok(written)
}

fn write(path: &Path, data: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", e))?;
    }
    fs::write(path, data).map_err(|e| Error::io(path, "write the file", e))
}

/// A TOML string literal.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `book.toml` with the given title and authors and every other key commented out.
fn book_toml(title: &str, authors: &[String]) -> String {
    let authors: Vec<String> = authors.iter().map(|a| quoted(a.trim())).collect();
    BOOK_TOML
        .replace("{title}", &quoted(title))
        .replace("{authors}", &authors.join(", "))
}

const BOOK_TOML: &str = r#"# 书的设置 · The book's settings. Lines starting with # are comments: remove the #
# to use a key. 去掉行首的 # 即可启用该项。Every key is described in README.md.

[book]
title = {title}                       # 书名；中文书名里的空格是断行处 · title (spaces separate phrases)
authors = [{authors}]                 # 作者，按署名顺序 · authors, in credit order
language = "zh-CN"                    # 语言（BCP 47），繁体用 zh-TW · language tag
# subtitle = "副标题"                  # 副标题 · subtitle
# short_title = "短书名"               # 书眉用的短书名 · a shorter title for running heads
# date = "2026-01"                    # 出版日期 YYYY、YYYY-MM 或 YYYY-MM-DD · publication date
# publisher = "出版社"                 # 出版者 · publisher
# description = "简介"                 # 内容简介 · blurb
# isbn = "978-7-02-000220-7"          # ISBN-13，会校验校验位 · ISBN-13 (check digit checked)
# identifier = "urn:uuid:…"           # 唯一标识，默认由书名作者生成 · default: derived from title and authors
# series = "丛书名"                    # 丛书 · series
# series_index = 1                    # 丛书中的序号 · number in the series
# subjects = ["小说"]                  # 主题分类 · subjects
# rights = "© 2026 作者 版权所有"       # 版权声明 · rights statement
# contributors = [                    # 其他贡献者及其角色 · contributors and their roles:
#   { name = "译者名", role = "translator" },   # translator, editor, illustrator,
#   { name = "编者名", role = "editor" },       # cover-designer, photographer,
# ]                                             # introduction, annotator, narrator, contributor
# cover = "cover.jpg"                 # 封面图片（PNG、JPEG、WebP），默认自动绘制 · cover image; default: drawn
# chapters = ["01-开篇.md"]            # 章节文件及顺序，默认按文件名 · chapter files; default: every .md by name

# [pdf]                               # 排版 PDF 的设置 · the typeset PDF
# page_size = "A5"                    # A4、A5、B5、16开、32开 或 [宽, 高]（毫米）· or [width, height] in mm
# font_size = 10.5                    # 正文字号（磅），10.5 即五号 · body size in points
# line_pitch = 1.7                    # 行距，字号的倍数 · baseline distance, a multiple of the size
# chapter_start = "new-page"          # 章从新页起；"right-page" 从右页起 · or from a right-hand page
# margins = { top = 20, bottom = 22, inner = 20, outer = 14 }  # 页边距（毫米），内外对称 · margins in mm, mirrored

# [print]                             # 有此节时另出印刷版 PDF/X-4 · writes NAME.print.pdf for the printer
# bleed = 3                           # 出血（毫米）· bleed in mm
# marks = true                        # 裁切标记 · crop marks
# image_ppi = 300                     # 图片最低分辨率 · the least image resolution kept
"#;

const CHAPTER: &str = r#"# 开篇

这是用 inkstone 写的第一章。每个段落首行自动缩进两字，标点按中文排版规则挤压，中文与 English 或数字 2026 之间自动留出四分之一字的间隙。

## 行内格式

*着重号*标在字下，**粗体**用于强调，`代码`用等宽字体，~~删除线~~也可以用。注释写在文中[^1]，排在页脚（PDF）或弹出显示（EPUB）。链接可以指向[本章的小节](#表格与图片)或网址 <https://www.w3.org/TR/clreq/>。

[^1]: 这是一条脚注。定义放在哪里都可以，编号按引用的先后。

## 表格与图片

| 项目 | 说明 |
|------|------|
| 表格 | 三线表，表头加粗，短的单元格不会被拆开 |
| 图片 | 按版心缩放，题注在下方 |

![占位图](images/placeholder.png "占位图：换成你自己的图片")

## 引文、列表与代码

> 引文整体缩进。——《论语·学而》：学而时习之，不亦说乎？

1. 有序列表
2. 第二项
   - 嵌套的无序列表

```text
代码块逐行排出，保留空格。
```
"#;

/// A placeholder picture: a grey frame with its diagonals on paper, 1200 × 750 pixels.
fn placeholder_png() -> Vec<u8> {
    let (width, height) = (1200u32, 750u32);
    let paper = image::Rgb([0xF4, 0xEF, 0xE6]);
    let ink = image::Rgb([0x9A, 0x94, 0x8A]);
    let mut picture = image::RgbImage::from_pixel(width, height, paper);
    let border = 12;
    for (x, y, pixel) in picture.enumerate_pixels_mut() {
        let edge = x < border || y < border || x >= width - border || y >= height - border;
        // the diagonals, about 4 pixels wide
        let fx = x as f32 / width as f32;
        let fy = y as f32 / height as f32;
        let diagonal = ((fx - fy).abs() * height as f32) < 2.5
            || ((fx + fy - 1.0).abs() * height as f32) < 2.5;
        if edge || diagonal {
            *pixel = ink;
        }
    }
    let mut out = Vec::new();
    // Encoding an in-memory image into a Vec cannot fail.
    let _ = picture.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_toml_quotes_what_it_is_given() {
        let toml = book_toml("书 \"名\"", &["甲".into(), "乙".into()]);
        assert!(toml.contains("title = \"书 \\\"名\\\"\""), "{toml}");
        assert!(toml.contains("authors = [\"甲\", \"乙\"]"), "{toml}");
        assert!(toml::from_str::<toml::Table>(&toml).is_ok(), "{toml}");
    }
}
