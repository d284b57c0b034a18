//! Text quoted from an input in a message: one line, with control, invisible and
//! bidirectional-formatting characters escaped (`\u{1b}`, `\u{200b}`, `\u{202e}`), so a
//! diagnostic shows what the file holds and can neither drive the terminal nor hide text.

use std::borrow::Cow;

/// Longest quotation, in characters, before it is cut with `…`.
pub const MAX_QUOTE: usize = 400;

/// Whether a character is escaped when quoted: control characters, and characters that are
/// invisible or reorder text (zero-width spaces and joiners, bidirectional controls, the BOM,
/// soft hyphen, variation selectors, tags, line and paragraph separators).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
            | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF9..=0xFFFB | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// The text with every [`is_hidden`] character escaped as Rust writes it (`\n`, `\0`,
/// `\u{200b}`); other characters, backslashes and quotes included, are kept.
pub fn escape_hidden(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line for a diagnostic: line breaks and tabs folded to a space (runs of spaces then
/// collapse when the text had several lines, as a heredoc does), other hidden characters
/// escaped, and the text cut after [`MAX_QUOTE`] characters.
pub fn one_line(text: &str) -> String {
    let multiline = text.contains(['\n', '\r']);
    let mut out = String::with_capacity(text.len().min(MAX_QUOTE + 4));
    let mut chars = 0;
    let mut last_space = false;
    for c in text.chars() {
        let c = if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space && multiline {
            continue;
        }
        last_space = c == ' ';
        if chars == MAX_QUOTE {
            out.push('…');
            break;
        }
        if is_hidden(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
        chars += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_escaped() {
        assert_eq!(escape_hidden("plain/text"), "plain/text");
        assert_eq!(
            escape_hidden("\u{200b}Microsoft.Compute"),
            "\\u{200b}Microsoft.Compute"
        );
        assert_eq!(
            escape_hidden("a\u{202e}b\u{1b}[31m\0"),
            "a\\u{202e}b\\u{1b}[31m\\0"
        );
        assert_eq!(escape_hidden("a\\b \"q\" 'é' 日本"), "a\\b \"q\" 'é' 日本");
    }

    #[test]
    fn one_line_folds_breaks_and_escapes_the_rest() {
        assert_eq!(
            one_line("<<EOT\n  two\n  lines\nEOT"),
            "<<EOT two lines EOT"
        );
        assert_eq!(one_line("\u{1b}[31mx\0"), "\\u{1b}[31mx\\0");
        assert_eq!(one_line("a  b"), "a  b");
        let long = "x".repeat(500);
        assert_eq!(one_line(&long).chars().count(), MAX_QUOTE + 1);
    }
}
