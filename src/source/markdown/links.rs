//! Where links go: addresses outside the book, headings and chapters inside it.

use super::*;

/// The schemes a link may use.
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "ftp"];

impl Builder<'_> {
    /// The target of a link to `dest`, or `None` (with a warning) when it cannot be
    /// one: the link's text stays, as text.
    pub(super) fn link_target(&mut self, link_type: LinkType, dest: &str) -> Option<LinkTarget> {
        let dest = dest.trim();
        let dest = if matches!(link_type, LinkType::Email) {
            format!("mailto:{dest}")
        } else {
            dest.to_string()
        };
        if let Some(id) = dest.strip_prefix('#') {
            return Some(LinkTarget::Heading(id.to_string()));
        }
        let scheme = dest.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some(s) if SCHEMES.contains(&s) => match address(&dest) {
                Ok(href) => return Some(LinkTarget::External(href)),
                Err(why) => {
                    self.warn(
                        Code::BrokenLink,
                        format!("`{dest}` is not a valid address ({why}); its text is kept, without a link"),
                        "check the address",
                    );
                    return None;
                }
            },
            Some(s)
                if s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                    && s.len() > 1 =>
            {
                self.warn(
                    Code::BrokenLink,
                    format!("a link to `{dest}` was dropped: only http, https, mailto, tel and ftp addresses are allowed"),
                    "link to a web address, or to a chapter or heading of the book",
                );
                return None;
            }
            _ => {}
        }
        let (file, fragment) = dest.split_once('#').unwrap_or((&dest, ""));
        match self.resolver.chapter(file) {
            Some(_) if !fragment.is_empty() => Some(LinkTarget::Heading(fragment.to_string())),
            Some(index) => Some(LinkTarget::Chapter(index)),
            None => {
                self.warn(
                    Code::BrokenLink,
                    format!("a link to `{dest}` was dropped: it is neither an address nor a chapter of the book"),
                    "link to a chapter file of the book (e.g. 02.md#id) or to a full address (https://…)",
                );
                None
            }
        }
    }
}

/// An address as an `href` may hold it: parsed and serialised by the WHATWG URL
/// standard (the url crate), then with the characters RFC 3986 allows only in a host
/// (`[`, `]`) or nowhere (`|`, `^`, `` ` ``, `{`, `}`, `\`) percent-encoded after the
/// host too, as EPUB's checkers ask. A web address needs a host of valid labels.
pub(super) fn address(dest: &str) -> std::result::Result<String, String> {
    let url = url::Url::parse(dest).map_err(|e| e.to_string())?;
    if matches!(url.scheme(), "http" | "https" | "ftp") {
        let valid = match url.host() {
            Some(url::Host::Domain(domain)) => domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            }),
            Some(_) => true,
            None => false,
        };
        if !valid {
            return Err("no valid host".into());
        }
    }
    let (head, rest) = (
        &url[..url::Position::AfterPort],
        &url[url::Position::AfterPort..],
    );
    let mut out = head.to_string();
    for c in rest.chars() {
        if matches!(c, '[' | ']' | '|' | '^' | '`' | '{' | '}' | '\\') {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    Ok(out)
}
