//! A Markdown document with a size cap: sections are written in order of importance, long
//! lists are folded in `<details>` and cut at a row boundary with a line saying how many rows
//! were left out and where to find them, so the whole never exceeds the cap (GitHub rejects
//! comments over 65,536 characters).

use std::fmt::Write;

/// Lists longer than this many rows are folded.
pub const FOLD_ROWS: usize = 10;
/// The most a cut note takes (it names a file whose name is shortened to fit).
const NOTE_MAX: usize = 400;

/// A document being written under a cap (in bytes, which bounds the characters too).
pub struct Doc<'a> {
    pub s: String,
    limit: usize,
    /// Where the uncut report is, for the cut notes.
    full: Option<&'a str>,
    /// Rows left out so far.
    pub omitted: usize,
}

impl<'a> Doc<'a> {
    /// `limit: None` writes everything.
    pub fn new(limit: Option<usize>, full: Option<&'a str>) -> Doc<'a> {
        Doc {
            s: String::new(),
            limit: limit.unwrap_or(usize::MAX),
            full,
            omitted: 0,
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The length the document may grow to while keeping `reserve` bytes for what follows.
    pub fn until(&self, reserve: usize) -> usize {
        self.limit.saturating_sub(reserve)
    }

    /// The length `extra` more bytes would reach, capped at `stop`; `stop` itself when the
    /// document is not capped (sections then take what they need).
    pub fn from_here(&self, extra: usize, stop: usize) -> usize {
        if self.limit == usize::MAX {
            return stop;
        }
        self.s.len().saturating_add(extra).min(stop)
    }

    /// Whether `n` more bytes fit before `stop`.
    pub fn fits(&self, n: usize, stop: usize) -> bool {
        self.s.len().saturating_add(n) <= stop
    }

    /// Appends text that must appear (the verdict, headings); callers keep it short.
    pub fn push(&mut self, text: &str) {
        self.s.push_str(text);
    }

    /// Appends `text` when it fits before `stop`; returns whether it did.
    pub fn push_if(&mut self, text: &str, stop: usize) -> bool {
        if self.fits(text.len(), stop) {
            self.s.push_str(text);
            true
        } else {
            false
        }
    }

    /// The line that replaces `n` rows of `what` left out.
    pub fn cut_note(&self, n: usize, what: &str) -> String {
        let place = match self.full {
            Some(f) => {
                let mut f = crate::text::escape(f).into_owned();
                if f.len() > 200 {
                    let mut end = 200;
                    while !f.is_char_boundary(end) {
                        end -= 1;
                    }
                    f.truncate(end);
                    f.push('…');
                }
                format!("the full report is in `{}`", f.replace('`', "'"))
            }
            None => "`azrbac diff --format json` lists everything".to_string(),
        };
        format!(
            "\n…{n} more {what} left out to keep this comment under GitHub's size limit; {place}.\n"
        )
    }

    /// Writes a list: `heading` (bold, when the list is short) or a `<details>` fold titled
    /// `summary` (when it has more than [`FOLD_ROWS`] rows), then `header` and as many rows as
    /// fit before `stop`, then a cut note for the rest. Returns how many rows were written.
    pub fn list(
        &mut self,
        heading: Option<&str>,
        summary: &str,
        header: &str,
        rows: &[String],
        what: &str,
        stop: usize,
    ) -> usize {
        if rows.is_empty() {
            return 0;
        }
        let folded = rows.len() > FOLD_ROWS;
        let (open, close) = if folded {
            (
                format!("<details><summary>{summary}</summary>\n\n"),
                "\n</details>\n\n".to_string(),
            )
        } else {
            (
                heading.map(|h| format!("**{h}**\n\n")).unwrap_or_default(),
                "\n".to_string(),
            )
        };
        let fixed = open.len() + header.len() + close.len() + NOTE_MAX;
        if !self.fits(fixed, stop) {
            let note = self.cut_note(rows.len(), what);
            self.omitted += rows.len();
            self.push_if(&note, stop);
            return 0;
        }
        self.s.push_str(&open);
        self.s.push_str(header);
        let body_stop = stop.saturating_sub(close.len() + NOTE_MAX);
        let mut written = 0;
        for r in rows {
            if !self.fits(r.len() + 1, body_stop) {
                break;
            }
            self.s.push_str(r);
            self.s.push('\n');
            written += 1;
        }
        if written < rows.len() {
            let note = self.cut_note(rows.len() - written, what);
            self.omitted += rows.len() - written;
            self.s.push_str(&note);
        }
        let _ = write!(self.s, "{close}");
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_cut_at_a_row_with_a_note_and_stay_under_the_stop() {
        let rows: Vec<String> = (0..1000).map(|i| format!("| row {i} |")).collect();
        let mut d = Doc::new(Some(3000), Some("full.md"));
        let n = d.list(None, "1000 rows", "| h |\n|---|\n", &rows, "rows", 3000);
        assert!(n > 10 && n < 1000, "{n}");
        assert!(d.s.len() <= 3000, "{}", d.s.len());
        assert!(d.s.contains(&format!("…{} more rows left out", 1000 - n)));
        assert!(d.s.contains("`full.md`"));
        assert!(d.s.ends_with("</details>\n\n"));
        assert_eq!(d.omitted, 1000 - n);
        // Uncapped, everything is written.
        let mut d = Doc::new(None, None);
        assert_eq!(d.list(None, "x", "", &rows, "rows", d.until(0)), 1000);
        assert_eq!(d.omitted, 0);
    }
}
