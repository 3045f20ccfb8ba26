//! The words inkstone itself puts into a book (the contents' name, landmarks, labels,
//! the accessibility summary), in the book's language: Simplified Chinese, Traditional
//! Chinese, or English for any other language.

/// Which set of words a book's language takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// Chinese in simplified characters (`zh`, `zh-CN`, `zh-Hans`, `zh-SG`).
    Simplified,
    /// Chinese in traditional characters (`zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`, `yue`).
    Traditional,
    /// Any other language.
    English,
}

impl Words {
    /// The words for BCP 47 tag `language`: a script subtag decides, else the region,
    /// else the language (Cantonese is written in traditional characters).
    pub fn of(language: &str) -> Words {
        let lower = language.to_ascii_lowercase();
        let mut subtags = lower.split('-');
        let primary = subtags.next().unwrap_or_default();
        let rest: Vec<&str> = subtags.collect();
        let chinese = match primary {
            "zh" | "cmn" => Words::Simplified,
            "yue" | "lzh" => Words::Traditional,
            _ => return Words::English,
        };
        if rest.contains(&"hant") {
            Words::Traditional
        } else if rest.contains(&"hans") {
            Words::Simplified
        } else if rest.iter().any(|s| matches!(*s, "tw" | "hk" | "mo")) {
            Words::Traditional
        } else {
            chinese
        }
    }

    /// Picks the word of these words among the three.
    fn pick(
        self,
        simplified: &'static str,
        traditional: &'static str,
        english: &'static str,
    ) -> &'static str {
        match self {
            Words::Simplified => simplified,
            Words::Traditional => traditional,
            Words::English => english,
        }
    }

    /// The name of the table of contents.
    pub fn contents(self) -> &'static str {
        self.pick("目录", "目錄", "Contents")
    }

    /// The cover's name (a landmark).
    pub fn cover(self) -> &'static str {
        self.pick("封面", "封面", "Cover")
    }

    /// The title page's name (a landmark).
    pub fn title_page(self) -> &'static str {
        self.pick("书名页", "書名頁", "Title page")
    }

    /// The name of the landmarks list.
    pub fn landmarks(self) -> &'static str {
        self.pick("导航", "導覽", "Landmarks")
    }

    /// The name of the list of the print edition's pages.
    pub fn pages(self) -> &'static str {
        self.pick("页码", "頁碼", "Pages")
    }

    /// The heading of a chapter's footnotes.
    pub fn notes(self) -> &'static str {
        self.pick("注释", "註釋", "Notes")
    }

    /// The accessibility summary of a reflowable EPUB.
    pub fn accessibility_summary(self) -> &'static str {
        self.pick(
            "本书为可重排文本，有完整的目录和标题结构，阅读顺序与印刷版一致；封面图片附有文字说明；无闪烁、声音或动态内容。",
            "本書為可重排文本，有完整的目錄和標題結構，閱讀順序與印刷版一致；封面圖片附有文字說明；無閃爍、聲音或動態內容。",
            "Reflowable text with a full table of contents and heading structure, reading order as in print; the cover image has a text alternative; no flashing, sound or motion.",
        )
    }

    /// The name of the print edition made beside the EPUB, for a book titled `title`.
    pub fn print_edition(self, title: &str) -> String {
        match self {
            Words::English => format!("{title} (PDF edition)"),
            _ => format!("{title}（PDF 版）"),
        }
    }

    /// The text alternative of the cover of a book titled `title` by `authors`.
    pub fn cover_text(self, title: &str, authors: &[String]) -> String {
        match (self, authors.is_empty()) {
            (Words::English, true) => format!("Cover: {title}"),
            (Words::English, false) => format!("Cover: {title}, {}", authors.join(", ")),
            (_, true) => format!("封面：{title}"),
            (_, false) => format!("封面：{title}，{}", authors.join("、")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_then_the_region_then_the_language_decide() {
        for tag in ["zh", "zh-CN", "zh-Hans", "zh-SG", "zh-Hans-HK", "cmn"] {
            assert_eq!(Words::of(tag), Words::Simplified, "{tag}");
        }
        for tag in [
            "zh-Hant",
            "zh-TW",
            "zh-HK",
            "zh-mo",
            "zh-Hant-CN",
            "yue",
            "lzh",
        ] {
            assert_eq!(Words::of(tag), Words::Traditional, "{tag}");
        }
        for tag in ["en", "ja", "en-TW", "fr-CA"] {
            assert_eq!(Words::of(tag), Words::English, "{tag}");
        }
        assert_eq!(Words::of("zh-TW").contents(), "目錄");
        assert_eq!(Words::of("zh").contents(), "目录");
    }
}
