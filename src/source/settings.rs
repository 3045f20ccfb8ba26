//! The settings of `[pdf]` and `[print]` in `book.toml`, checked: every number in its
//! range, and page, type size and margins that together leave room for a text block.

use crate::error::{Code, Error, Location, Result};
use crate::model::{MarginsMm, PdfOptions, PrintOptions, PAGE_SIZES};
use crate::pdf::geometry::{Geometry, MIN_EMS, MIN_LINES};

use super::config::{PageSizeValue, PdfTable, PrintTable};

/// The typeset PDF's settings from `[pdf]`.
pub fn pdf_options(
    table: &PdfTable,
    at: &impl Fn(std::ops::Range<usize>) -> Location,
) -> Result<PdfOptions> {
    let mut options = PdfOptions::default();
    if let Some(size) = &table.page_size {
        let (width, height) = match size.get_ref() {
            PageSizeValue::Preset(name) => PAGE_SIZES
                .iter()
                .find(|(preset, _, _)| preset.eq_ignore_ascii_case(name.trim()))
                .map(|&(_, w, h)| (w, h))
                .ok_or_else(|| {
                    let names: Vec<&str> = PAGE_SIZES.iter().map(|(n, _, _)| *n).collect();
                    Error::input(
                        Code::BadPageSize,
                        at(size.span()),
                        format!("unknown page size `{name}`"),
                        format!("use one of {}, or [width, height] in mm", names.join(", ")),
                    )
                })?,
            PageSizeValue::Millimetres([w, h]) => (*w as f32, *h as f32),
        };
        if !(70.0..=600.0).contains(&width) || !(90.0..=900.0).contains(&height) {
            return Err(Error::input(
                Code::OutOfRange,
                at(size.span()),
                format!("a page of {width} × {height} mm is out of range"),
                "give width and height in millimetres, e.g. [148, 210]",
            ));
        }
        options.page_width_mm = width;
        options.page_height_mm = height;
    }
    if let Some(size) = &table.font_size {
        options.font_size_pt = in_range(
            size,
            6.0..=24.0,
            at,
            "font_size {} pt is out of range",
            "use a body size between 6 and 24 points (10.5 is 五号)",
        )?;
    }
    if let Some(pitch) = &table.line_pitch {
        options.line_pitch = in_range(
            pitch,
            1.2..=3.0,
            at,
            "line_pitch {} is out of range",
            "use a multiple of the body size between 1.2 and 3 (1.7 is usual)",
        )?;
    }
    if let Some(margins) = &table.margins {
        let m = margins.get_ref();
        let values = [m.top, m.bottom, m.inner, m.outer];
        if values.iter().any(|v| !(0.0..=100.0).contains(v)) {
            return Err(Error::input(
                Code::OutOfRange,
                at(margins.span()),
                "a margin is out of range",
                "give each margin in millimetres, between 0 and 100",
            ));
        }
        options.margins = Some(MarginsMm {
            top: m.top as f32,
            bottom: m.bottom as f32,
            inner: m.inner as f32,
            outer: m.outer as f32,
        });
    }
    check_room(&options, table, at)?;
    if let Some(start) = &table.chapter_start {
        options.chapters_on_right = match start.get_ref().as_str() {
            "new-page" => false,
            "right-page" => true,
            other => {
                return Err(Error::input(
                    Code::BadChapterStart,
                    at(start.span()),
                    format!("chapter_start `{other}` is not known"),
                    "use \"new-page\" or \"right-page\"",
                ))
            }
        };
    }
    Ok(options)
}

/// Refuses settings that leave no room for a text block of at least ten ems by five
/// lines (the text would run off the page).
fn check_room(
    options: &PdfOptions,
    table: &PdfTable,
    at: &impl Fn(std::ops::Range<usize>) -> Location,
) -> Result<()> {
    let g = Geometry::new(options);
    let (width_left, height_left) = Geometry::room(options);
    if width_left >= MIN_EMS * g.size && height_left >= MIN_LINES as f32 * g.pitch {
        return Ok(());
    }
    let span = table
        .margins
        .as_ref()
        .map(|m| m.span())
        .or_else(|| table.font_size.as_ref().map(|f| f.span()))
        .or_else(|| table.page_size.as_ref().map(|p| p.span()))
        .unwrap_or(0..0);
    Err(Error::input(
        Code::NoRoom,
        at(span),
        format!(
            "a {} × {} mm page with {} pt type leaves no room for lines of {MIN_EMS} characters \
             and pages of {MIN_LINES} lines",
            options.page_width_mm, options.page_height_mm, options.font_size_pt
        ),
        "choose a larger page, smaller type or narrower margins",
    ))
}

/// The print master's settings from `[print]`, when the table is there.
pub fn print_options(
    table: Option<&toml::Spanned<PrintTable>>,
    at: &impl Fn(std::ops::Range<usize>) -> Location,
) -> Result<Option<PrintOptions>> {
    let Some(table) = table else {
        return Ok(None);
    };
    let table = table.get_ref();
    let mut options = PrintOptions::default();
    if let Some(bleed) = &table.bleed {
        options.bleed_mm = in_range(
            bleed,
            0.0..=10.0,
            at,
            "bleed {} mm is out of range",
            "use a bleed between 0 and 10 mm (3 mm is usual)",
        )?;
    }
    if let Some(marks) = table.marks {
        options.marks = marks;
    }
    if let Some(ppi) = &table.image_ppi {
        options.image_ppi = in_range(
            ppi,
            72.0..=1200.0,
            at,
            "image_ppi {} is out of range",
            "use a resolution between 72 and 1200 pixels per inch (300 is usual for print)",
        )?;
    }
    Ok(Some(options))
}

/// A number from `[pdf]`, checked against `range`; `message` holds `{}` for the value.
fn in_range(
    value: &toml::Spanned<f64>,
    range: std::ops::RangeInclusive<f64>,
    at: &impl Fn(std::ops::Range<usize>) -> Location,
    message: &str,
    hint: &str,
) -> Result<f32> {
    let v = *value.get_ref();
    if range.contains(&v) {
        Ok(v as f32)
    } else {
        Err(Error::input(
            Code::OutOfRange,
            at(value.span()),
            message.replace("{}", &v.to_string()),
            hint,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::config::{self, line_of};
    use std::path::Path;

    #[test]
    fn pdf_numbers_are_range_checked_with_their_line() {
        let text = "[book]\ntitle = \"x\"\n[pdf]\nline_pitch = 1.5\nfont_size = 30\n";
        let path = Path::new("book.toml");
        let parsed = config::parse(path, text).unwrap();
        let at = |span: std::ops::Range<usize>| Location::line(path, line_of(text, span.start));
        let e = pdf_options(&parsed.pdf, &at).unwrap_err();
        assert_eq!(
            e.to_string(),
            "book.toml:5: font_size 30 pt is out of range; use a body size between 6 and 24 points (10.5 is 五号)"
        );
    }

    #[test]
    fn a_page_too_small_for_its_type_is_refused() {
        let text = "[book]\ntitle = \"x\"\n[pdf]\npage_size = [70, 90]\nfont_size = 24\n";
        let path = Path::new("book.toml");
        let parsed = config::parse(path, text).unwrap();
        let at = |span: std::ops::Range<usize>| Location::line(path, line_of(text, span.start));
        let e = pdf_options(&parsed.pdf, &at).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("book.toml:5: a 70 × 90 mm page with 24 pt type leaves no room"),
            "{e}"
        );
    }

    #[test]
    fn margins_and_print_settings() {
        let text = "[book]\ntitle = \"x\"\n[pdf]\nmargins = { top = 20, bottom = 22, inner = 20, outer = 14 }\n[print]\nbleed = 3\nmarks = false\n";
        let path = Path::new("book.toml");
        let parsed = config::parse(path, text).unwrap();
        let at = |span: std::ops::Range<usize>| Location::line(path, line_of(text, span.start));
        let pdf = pdf_options(&parsed.pdf, &at).unwrap();
        assert_eq!(pdf.margins.unwrap().inner, 20.0);
        let print = print_options(parsed.print.as_ref(), &at).unwrap().unwrap();
        assert_eq!(
            (print.bleed_mm, print.marks, print.image_ppi),
            (3.0, false, 300.0)
        );
        let e = config::parse(path, "[book]\ntitle = \"x\"\n[pdf]\nmargins = { top = 1, botom = 2, inner = 3, outer = 4 }\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown key `botom` in [pdf] margins; did you mean `bottom`?"),
            "{e}"
        );
    }
}
