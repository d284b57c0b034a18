//! The report layer: renders analysis results as table, JSON, Markdown or SARIF text, and is
//! the only code that writes to stdout and stderr.

pub mod access_csv;
pub mod access_everywhere;
pub mod access_many;
pub mod access_principal;
pub mod access_who_can;
pub mod access_who_can_table;
pub mod actions;
pub mod catalog;
pub mod check;
pub mod diff_json;
pub mod diff_markdown;
pub mod diff_sarif;
pub mod diff_table;
pub mod expand;
pub mod explain;
pub mod generate;
pub mod lint;
pub mod lint_sarif;
pub mod md_budget;
pub mod mdtable;
pub mod progress;
pub mod recommend;
pub mod review;
pub mod risks;
pub mod role_formats;
pub mod roles;
pub mod scenarios;
pub mod style;

use serde::Serialize;
use std::io::{IsTerminal, Write};

/// Output formats. Each command accepts a subset (checked before any work is done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Sarif,
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
        }
    }
}

/// Writes text to stdout. A closed pipe (`| head`) ends output quietly instead of panicking.
pub fn out(text: &str) {
    let text = guard(text);
    let mut s = std::io::stdout().lock();
    let _ = s.write_all(text.as_bytes()).and_then(|_| s.flush());
}

/// Writes one line to stderr (warnings, notes, errors).
pub fn err_line(text: &str) {
    let text = guard(text);
    let mut s = std::io::stderr().lock();
    let _ = writeln!(s, "{text}");
}

/// The last line of defence for everything azrbac prints: control and invisible characters
/// that reached the output from an input are written as `\uXXXX` (the same value inside a
/// JSON string; visible in a table), except line breaks, tabs and the colour sequences
/// azrbac writes itself; and a line that starts with `::` (after blanks) is broken so that
/// GitHub Actions cannot read it as a workflow command.
pub fn guard(text: &str) -> std::borrow::Cow<'_, str> {
    let sgr = |rest: &str| {
        rest.strip_prefix('[').is_some_and(|r| {
            let end = r.find(|c: char| !(c.is_ascii_digit() || c == ';'));
            end.is_some_and(|e| r[e..].starts_with('m'))
        })
    };
    let needs = text.char_indices().any(|(i, c)| {
        crate::text::is_hidden(c)
            && c != '\n'
            && c != '\t'
            && !(c == '\u{1b}' && sgr(&text[i + 1..]))
    }) || text.lines().any(|l| l.trim_start().starts_with("::"));
    if !needs {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let blanks = line.len() - line.trim_start().len();
        let (lead, body) = line.split_at(blanks);
        out.push_str(lead);
        let body = match body.strip_prefix("::") {
            Some(rest) => {
                out.push_str(":\\u003a");
                rest
            }
            None => body,
        };
        for (i, c) in body.char_indices() {
            if crate::text::is_hidden(c) && c != '\t' && !(c == '\u{1b}' && sgr(&body[i + 1..])) {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            } else {
                out.push(c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Diagnostics are one line each: text quoted from an input (a Terraform heredoc, a long
/// Bicep expression) has its line breaks folded to spaces, its control, invisible and
/// bidirectional characters escaped (`\u{1b}`, `\u{200b}`), and is cut after 400 characters.
pub fn one_line(text: &str) -> String {
    crate::model::shown::one_line(text)
}

/// A warning on stderr, prefixed.
pub fn warn(text: &str) {
    err_line(&format!(
        "{}: {}",
        style::paint("warning", style::Color::Yellow, stderr_color()),
        one_line(text)
    ));
}

/// An error on stderr, prefixed.
pub fn error(text: &str) {
    err_line(&format!(
        "{}: {}",
        style::paint("error", style::Color::Red, stderr_color()),
        one_line(text)
    ));
}

/// Whether colour may be used on stdout: a terminal, and `NO_COLOR` unset or empty.
pub fn stdout_color() -> bool {
    no_color_unset() && std::io::stdout().is_terminal()
}

pub fn stderr_color() -> bool {
    no_color_unset() && std::io::stderr().is_terminal()
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Serialises a report as pretty JSON with object keys sorted and a trailing newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let v = serde_json::to_value(value)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }));
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// The table style: a rule under the header, nothing between rows.
const STYLE: comfy_table::TableStyle = comfy_table::TableStyle::new()
    .header_separator(comfy_table::LineStyle::none().fill('─').junction(' '));

/// A plain table with a header row, no colours, and no lines between rows.
pub fn table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(STYLE);
    t.set_header(header.iter().map(|h| comfy_table::Cell::new(*h)));
    t
}

/// A table row with text from inputs made safe: line breaks, escape sequences and invisible
/// characters written as escapes, `::` broken (see [`crate::text::escape`]), so that a role
/// or principal name cannot forge output lines or reach the terminal as control codes.
pub fn safe_row<I, S>(cells: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    cells
        .into_iter()
        .map(|c| {
            let c: String = c.into();
            match crate::text::escape(&c) {
                std::borrow::Cow::Borrowed(_) => c,
                std::borrow::Cow::Owned(o) => o,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_are_one_line() {
        assert_eq!(one_line("a\n   b\r\nc"), "a b c");
        assert_eq!(one_line("keep  two spaces"), "keep  two spaces");
        let long = "x".repeat(1000);
        let cut = one_line(&long);
        assert_eq!(cut.chars().count(), 401);
        assert!(cut.ends_with('…'));
    }
}
