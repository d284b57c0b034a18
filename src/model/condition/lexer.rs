//! Splits condition text into tokens with their byte offsets.
//!
//! A *word* is a run of ASCII letters, digits and `_ - . : +`: keywords, operator names
//! (`ForAnyOfAnyValues:GuidEquals` is one word), integers, bare GUIDs and date-times. The
//! parser decides what a word means from where it stands. `@Source[name]` is one token; the
//! name runs to the matching `]` and may contain anything else.

use super::ParseError;
use super::ast::Source;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    /// `!`
    Bang,
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    Str(String),
    Word(String),
    Attr(Source, String),
    End,
}

impl Tok {
    /// How the token is named in messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBrace => "`{`".into(),
            Tok::RBrace => "`}`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Bang => "`!`".into(),
            Tok::AndAnd => "`&&`".into(),
            Tok::OrOr => "`||`".into(),
            Tok::Str(_) => "a quoted string".into(),
            Tok::Word(w) => format!("`{}`", shorten(w)),
            Tok::Attr(s, _) => format!("attribute `@{}[…]`", s.as_str()),
            Tok::End => "the end of the condition".into(),
        }
    }
}

/// At most 40 characters of `s`, for messages.
pub(crate) fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    crate::model::shown::escape_hidden(&out).into_owned()
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '+')
}

/// The tokens of `text`, each with the byte offset where it starts; the last is `End`.
pub(crate) fn tokenize(text: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((at, c)) = it.next() {
        let tok = match c {
            c if c.is_whitespace() => continue,
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '{' => Tok::LBrace,
            '}' => Tok::RBrace,
            ',' => Tok::Comma,
            '!' => Tok::Bang,
            '&' | '|' => {
                if it.next_if(|&(_, n)| n == c).is_none() {
                    return Err(ParseError::new(
                        at,
                        format!("expected `{c}{c}`, found a single `{c}`"),
                    ));
                }
                if c == '&' { Tok::AndAnd } else { Tok::OrOr }
            }
            '\'' => {
                let mut s = String::new();
                let mut closed = false;
                while let Some((_, ch)) = it.next() {
                    match ch {
                        '\'' => {
                            closed = true;
                            break;
                        }
                        '\\' => match it.next_if(|&(_, n)| n == '\'' || n == '\\') {
                            Some((_, n)) => s.push(n),
                            None => s.push('\\'),
                        },
                        other => s.push(other),
                    }
                }
                if !closed {
                    return Err(ParseError::new(at, "unterminated string: expected `'`"));
                }
                Tok::Str(s)
            }
            '@' => {
                let mut src = String::new();
                while let Some((_, ch)) = it.next_if(|&(_, n)| n.is_ascii_alphanumeric()) {
                    src.push(ch);
                }
                let Some(source) = Source::parse(&src) else {
                    let msg = match crate::error::did_you_mean(
                        &src,
                        Source::ALL.iter().map(|s| s.as_str()),
                    ) {
                        Some(s) => format!(
                            "unknown attribute source `@{}` (did you mean `@{s}`?)",
                            shorten(&src)
                        ),
                        None => format!(
                            "unknown attribute source `@{}` (expected Request, Resource, Principal or Environment)",
                            shorten(&src)
                        ),
                    };
                    return Err(ParseError::new(at, msg));
                };
                if it.next_if(|&(_, n)| n == '[').is_none() {
                    return Err(ParseError::new(
                        at,
                        format!("expected `[` after `@{}`", source.as_str()),
                    ));
                }
                let mut depth = 1usize;
                let mut name = String::new();
                for (_, ch) in it.by_ref() {
                    match ch {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    name.push(ch);
                }
                if depth != 0 {
                    return Err(ParseError::new(
                        at,
                        "unterminated attribute name: expected `]`",
                    ));
                }
                if name.trim().is_empty() {
                    return Err(ParseError::new(at, "empty attribute name"));
                }
                Tok::Attr(source, name)
            }
            c if is_word_char(c) => {
                let mut w = String::from(c);
                while let Some((_, ch)) = it.next_if(|&(_, n)| is_word_char(n)) {
                    w.push(ch);
                }
                Tok::Word(w)
            }
            other => {
                return Err(ParseError::new(
                    at,
                    format!("unexpected character `{}`", other.escape_debug()),
                ));
            }
        };
        out.push((at, tok));
    }
    out.push((text.len(), Tok::End));
    Ok(out)
}
