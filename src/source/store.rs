//! What stores and catalogues ask of `[book]`: the ISBN (checked), the series, the
//! contributors and their roles.

use std::ops::Range;

use toml::Spanned;

use super::config::{closest, ContributorTable};
use crate::error::{Code, Error, Location, Result};
use crate::model::{Contributor, Role, Series};

/// The ISBN-13 as 13 digits, from the ISBN as written (hyphens, spaces, an `ISBN` or
/// `urn:isbn:` prefix allowed). A wrong check digit is an error naming the right one;
/// an ISBN-10 is an error naming its ISBN-13.
pub fn isbn(value: &Spanned<String>, at: &impl Fn(Range<usize>) -> Location) -> Result<String> {
    let written = value.get_ref().trim();
    let lower = written.to_ascii_lowercase();
    let bare = lower
        .strip_prefix("urn:isbn:")
        .or_else(|| lower.strip_prefix("isbn"))
        .unwrap_or(&lower);
    let digits: String = bare
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | ':'))
        .collect::<String>()
        .to_ascii_uppercase();
    let error = |message: String, hint: String| {
        Error::input(Code::BadIsbn, at(value.span()), message, hint)
    };
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if digits.len() == 10 && all_digits(&digits[..9]) {
        let thirteen = format!("978{}", &digits[..9]);
        let full = format!("{thirteen}{}", check_digit_13(&thirteen));
        return Err(error(
            format!("`{written}` is an ISBN-10; EPUB stores need the ISBN-13"),
            format!("write isbn = \"{full}\""),
        ));
    }
    if digits.len() != 13 || !all_digits(&digits) {
        return Err(error(
            format!("`{written}` is not an ISBN-13"),
            "write the 13 digits of the ISBN, e.g. \"978-7-02-000220-7\" (hyphens may stay)".into(),
        ));
    }
    let expected = check_digit_13(&digits[..12]);
    let given = digits.chars().last().unwrap_or('0');
    if given != expected {
        return Err(error(
            format!("the ISBN `{written}` ends in check digit {given}, but its first 12 digits call for {expected}"),
            format!(
                "check the number against the ISBN agency's record; if the first 12 digits are right, it is {}{expected}",
                &digits[..12]
            ),
        ));
    }
    Ok(digits)
}

/// The ISBN-13 check digit of 12 digits: weights 1 and 3 alternating, modulo 10.
fn check_digit_13(twelve: &str) -> char {
    let sum: u32 = twelve
        .chars()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d } else { 3 * d })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10).unwrap_or('0')
}

/// The series and the book's place in it; a place without a series is an error.
pub fn series(
    name: Option<&Spanned<String>>,
    index: Option<&Spanned<f64>>,
    at: &impl Fn(Range<usize>) -> Location,
) -> Result<Option<Series>> {
    let name = name
        .map(|n| (n, n.get_ref().trim().to_string()))
        .filter(|(_, n)| !n.is_empty());
    let position = match index {
        Some(i) if !(0.0..=1e6).contains(i.get_ref()) => {
            return Err(Error::input(
                Code::BadSeries,
                at(i.span()),
                format!("series_index {} is out of range", i.get_ref()),
                "give the book's number in its series, e.g. series_index = 2",
            ))
        }
        Some(i) if i.get_ref().fract() == 0.0 => Some((i, format!("{}", *i.get_ref() as u64))),
        Some(i) => Some((i, format!("{}", i.get_ref()))),
        None => None,
    };
    match (name, position) {
        (None, Some((i, _))) => Err(Error::input(
            Code::BadSeries,
            at(i.span()),
            "series_index without a series",
            "add series = \"…\" with the series' name, or remove series_index",
        )),
        (None, None) => Ok(None),
        (Some((_, name)), position) => Ok(Some(Series {
            name,
            position: position.map(|(_, p)| p),
        })),
    }
}

/// The contributors, each with a known role.
pub fn contributors(
    tables: &[Spanned<ContributorTable>],
    at: &impl Fn(Range<usize>) -> Location,
) -> Result<Vec<Contributor>> {
    let mut out = Vec::new();
    for entry in tables {
        let table = entry.get_ref();
        let name = table.name.trim();
        if name.is_empty() {
            return Err(Error::input(
                Code::BadContributor,
                at(entry.span()),
                "a contributor has an empty name",
                "write the name as credited, or remove the entry",
            ));
        }
        let written = table.role.get_ref().trim().to_ascii_lowercase();
        let Some(&(_, role)) = Role::NAMES.iter().find(|(n, _)| *n == written) else {
            let names: Vec<&str> = Role::NAMES.iter().map(|(n, _)| *n).collect();
            let hint = match closest(&written, &names) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("use one of {}", names.join(", ")),
            };
            return Err(Error::input(
                Code::BadContributor,
                at(table.role.span()),
                format!("unknown contributor role `{}`", table.role.get_ref()),
                hint,
            ));
        };
        out.push(Contributor {
            name: name.to_string(),
            role,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn at(span: Range<usize>) -> Location {
        Location::line(Path::new("book.toml"), span.start + 1)
    }

    fn spanned<T>(value: T) -> Spanned<T> {
        Spanned::new(0..1, value)
    }

    #[test]
    fn isbn_13_is_checked() {
        assert_eq!(
            isbn(&spanned("978-7-02-000220-7".into()), &at).unwrap(),
            "9787020002207"
        );
        assert_eq!(
            isbn(&spanned("ISBN 978 7 02 000220 7".into()), &at).unwrap(),
            "9787020002207"
        );
        let e = isbn(&spanned("978-7-02-000220-8".into()), &at).unwrap_err();
        assert!(
            e.to_string()
                .contains("check digit 8, but its first 12 digits call for 7"),
            "{e}"
        );
        assert!(e.to_string().contains("it is 9787020002207"), "{e}");
    }

    #[test]
    fn isbn_10_names_its_isbn_13() {
        let e = isbn(&spanned("7-02-000220-X".into()), &at).unwrap_err();
        assert!(e.to_string().contains("isbn = \"9787020002207\""), "{e}");
        let e = isbn(&spanned("12345".into()), &at).unwrap_err();
        assert!(e.to_string().contains("not an ISBN-13"), "{e}");
    }

    #[test]
    fn series_needs_a_name() {
        let s = series(Some(&spanned("丛书".into())), Some(&spanned(2.0)), &at)
            .unwrap()
            .unwrap();
        assert_eq!(s.position.as_deref(), Some("2"));
        let s = series(Some(&spanned("丛书".into())), Some(&spanned(2.5)), &at).unwrap();
        assert_eq!(s.unwrap().position.as_deref(), Some("2.5"));
        assert!(series(None, Some(&spanned(1.0)), &at).is_err());
    }

    #[test]
    fn roles_are_marc_relators() {
        let table = ContributorTable {
            name: "丙".into(),
            role: spanned("Translator".into()),
        };
        let c = contributors(&[spanned(table)], &at).unwrap();
        assert_eq!(c[0].role.marc(), "trl");
        let table = ContributorTable {
            name: "丁".into(),
            role: spanned("illustrater".into()),
        };
        let e = contributors(&[spanned(table)], &at).unwrap_err();
        assert!(e.to_string().contains("did you mean `illustrator`?"), "{e}");
    }
}
