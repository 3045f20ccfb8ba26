//! A small, forgiving tokenizer for the raw HTML an author may put in Markdown.
//!
//! inkstone never copies raw HTML into its output: it reads tags from a short list
//! and turns them into the document model; everything else becomes text or is
//! dropped with a warning. This module only splits the HTML into tokens.

/// One piece of raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// Text between tags, with character references decoded.
    Text(String),
    /// `<name attr="value">` (the name in lower case).
    Start {
        /// Tag name, lower case.
        name: String,
        /// Attributes in source order, names in lower case, values decoded.
        attrs: Vec<(String, String)>,
    },
    /// `</name>`.
    End {
        /// Tag name, lower case.
        name: String,
    },
}

impl Token {
    /// The value of attribute `name` on a start tag.
    pub fn attr(&self, name: &str) -> Option<&str> {
        match self {
            Token::Start { attrs, .. } => attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// Splits raw HTML into tokens. Comments, doctypes and processing instructions are
/// dropped; a `<` that does not start a tag is text.
pub fn tokenize(html: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            // character data: its text, literally
            let end = after.find("]]>").unwrap_or(after.len());
            text.push_str(&after[..end]);
            flush_literal(&mut text, &mut tokens);
            rest = after.get(end + 3..).unwrap_or("");
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            continue;
        }
        match parse_tag(rest) {
            Some((token, len)) => {
                flush_text(&mut text, &mut tokens);
                tokens.push(token);
                rest = &rest[len..];
            }
            None => {
                text.push('<');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    flush_text(&mut text, &mut tokens);
    tokens
}

fn flush_literal(text: &mut String, tokens: &mut Vec<Token>) {
    if !text.is_empty() {
        tokens.push(Token::Text(std::mem::take(text)));
    }
}

fn flush_text(text: &mut String, tokens: &mut Vec<Token>) {
    if !text.is_empty() {
        tokens.push(Token::Text(decode_entities(text)));
        text.clear();
    }
}

/// Parses one tag at the start of `s` (which begins with `<`); returns it and its length.
fn parse_tag(s: &str) -> Option<(Token, usize)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                i += 1;
                break;
            }
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                break;
            }
            b'/' => i += 1,
            _ => {
                let attr_start = i;
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b'=' | b'>' | b'/')
                {
                    i += 1;
                }
                let attr_name = s[attr_start..i].to_ascii_lowercase();
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                let mut value = String::new();
                if bytes.get(i) == Some(&b'=') {
                    i += 1;
                    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    let (raw, len) = match bytes.get(i)? {
                        q @ (b'"' | b'\'') => {
                            let end = s[i + 1..].find(*q as char)?;
                            (&s[i + 1..i + 1 + end], end + 2)
                        }
                        _ => {
                            let end = s[i..]
                                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                                .unwrap_or(s.len() - i);
                            (&s[i..i + end], end)
                        }
                    };
                    value = decode_entities(raw);
                    i += len;
                }
                if !attr_name.is_empty() {
                    attrs.push((attr_name, value));
                }
            }
        }
    }
    let token = if closing {
        Token::End { name }
    } else {
        Token::Start { name, attrs }
    };
    Some((token, i))
}

/// Decodes HTML character references (`&amp;`, `&#x4E2D;`, every HTML5 named entity).
/// A reference that is not valid stays as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest
            .char_indices()
            .take(40)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        match end.and_then(|end| decode_reference(&rest[..=end]).map(|d| (d, end))) {
            Some((decoded, end)) => {
                out.push_str(&decoded);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes one `&…;` reference; the named ones through pulldown-cmark, which carries
/// the whole HTML5 entity table.
fn decode_reference(reference: &str) -> Option<String> {
    let body = &reference[1..reference.len() - 1];
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_alphanumeric() || c == '#') {
        return None;
    }
    if let Some(number) = body.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        let c = char::from_u32(value).filter(|&c| c != '\0')?;
        return Some(c.to_string());
    }
    let mut decoded = String::new();
    for event in pulldown_cmark::Parser::new(reference) {
        match event {
            pulldown_cmark::Event::Text(t) => decoded.push_str(&t),
            pulldown_cmark::Event::Start(_) | pulldown_cmark::Event::End(_) => {}
            _ => return None,
        }
    }
    (decoded != reference).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_attributes_and_text() {
        let tokens = tokenize("<P Class=\"byline\" data-x=a>黄颢&nbsp;&amp;</p>");
        assert_eq!(
            tokens,
            vec![
                Token::Start {
                    name: "p".into(),
                    attrs: vec![
                        ("class".into(), "byline".into()),
                        ("data-x".into(), "a".into())
                    ]
                },
                Token::Text("黄颢\u{a0}&".into()),
                Token::End { name: "p".into() },
            ]
        );
        assert_eq!(tokens[0].attr("class"), Some("byline"));
    }

    #[test]
    fn comments_dropped_and_stray_brackets_kept() {
        assert_eq!(
            tokenize("a<!-- x -->b < c <3"),
            vec![Token::Text("ab < c <3".into())]
        );
        assert_eq!(tokenize("<br/>").len(), 1);
        assert_eq!(tokenize("<unclosed attr=\"x").len(), 1);
    }

    #[test]
    fn cdata_is_literal_text() {
        assert_eq!(
            tokenize("<![CDATA[a &amp; <b>]]>c"),
            vec![Token::Text("a &amp; <b>".into()), Token::Text("c".into())]
        );
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("&hellip;&#x4E2D;&#25991;&bogus; & &;"),
            "…中文&bogus; & &;"
        );
        assert_eq!(decode_entities("&#0;&#xD800;"), "&#0;&#xD800;");
    }
}
