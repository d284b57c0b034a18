//! Line and column (in Unicode code points) of each finding: from its JSON pointer through
//! `model::json::locate`, or from the `PATH@LINE:COLUMN` locator that the Terraform and Bicep
//! parsers write (through `model::role_text::locate`).
//! For JSON, the role object is located once; each finding inside it is then located in the
//! role's own text, so a file with many roles is not rescanned from the start for every finding.

use super::Finding;
use crate::model::RoleDefinition;
use crate::model::json::{array_element_offsets, locate, locate_offset};
use std::collections::HashMap;

/// Whether a pointer is a format-specific locator rather than a JSON pointer.
fn is_locator(pointer: &str) -> bool {
    !pointer.is_empty() && !pointer.starts_with('/')
}

/// Where each line of a file starts: built once per file, it turns a (line, column) into a
/// byte offset and back without rescanning the text.
pub struct LineIndex {
    starts: Vec<usize>,
    /// Byte offsets of the elements of arrays that hold roles, by the array's pointer
    /// (filled on first use): a file of thousands of roles is walked once, not once a role.
    elements: HashMap<String, Option<Vec<usize>>>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            elements: HashMap::new(),
        }
    }

    /// Byte offset where the value at a role's pointer starts. A pointer ending in an array
    /// index (`/3`, `/value/3`, `/resources/2`) is answered from the array's element offsets.
    fn role_offset(&mut self, text: &str, pointer: &str) -> Option<usize> {
        if let Some((parent, idx)) = pointer.rsplit_once('/')
            && let Ok(i) = idx.parse::<usize>()
        {
            let offsets = self
                .elements
                .entry(parent.to_string())
                .or_insert_with(|| array_element_offsets(text, parent));
            if let Some(v) = offsets {
                return v.get(i).copied();
            }
        }
        locate_offset(text, pointer)
    }

    /// Byte offset of a 1-based line and byte column (as `json::locate` counts them).
    fn offset(&self, text: &str, line: usize, column: usize) -> Option<usize> {
        let at = self.starts.get(line.checked_sub(1)?)? + column.checked_sub(1)?;
        (at <= text.len()).then_some(at)
    }

    /// 1-based line of a byte offset, and the offset where that line starts.
    fn line_of(&self, at: usize) -> (usize, usize) {
        let i = self.starts.partition_point(|s| *s <= at).max(1);
        (i, self.starts[i - 1])
    }
}

/// Fills `line`/`column` of findings about `role`, whose file text is `text`.
pub fn locate_findings(
    text: &str,
    lines: &mut LineIndex,
    role: &RoleDefinition,
    findings: &mut [Finding],
) {
    for f in findings.iter_mut().filter(|f| is_locator(&f.pointer)) {
        if let Some((l, c)) = crate::model::role_text::locate(text, &f.pointer) {
            f.line = Some(l);
            f.column = Some(c);
        }
    }
    if findings.iter().all(|f| is_locator(&f.pointer)) || is_locator(&role.pointer) {
        return;
    }
    let Some(start) = lines.role_offset(text, &role.pointer) else {
        return;
    };
    let (rline, _) = lines.line_of(start);
    let sub = &text[start..];
    for f in findings.iter_mut().filter(|f| !is_locator(&f.pointer)) {
        let at = match relative(&f.pointer, &role.pointer) {
            // Inside the role: located in the role's own text, then shifted.
            Some(rel) => locate(sub, rel).and_then(|(l, c)| {
                // On the role's first line, columns count from the role's start.
                let base = if l == 1 {
                    start
                } else {
                    lines.starts.get(rline - 1 + l - 1).copied()?
                };
                Some(base + c - 1)
            }),
            None => locate(text, &f.pointer).and_then(|(l, c)| lines.offset(text, l, c)),
        };
        if let Some(at) = at.filter(|a| *a <= text.len()) {
            let (line, line_start) = lines.line_of(at);
            f.line = Some(line);
            f.column = Some(
                text.get(line_start..at)
                    .map_or(1, |s| s.chars().count() + 1),
            );
        }
    }
}

/// The part of `pointer` below `base` (`""` for `base` itself), if `pointer` is inside it.
fn relative<'p>(pointer: &'p str, base: &str) -> Option<&'p str> {
    let rest = pointer.strip_prefix(base)?;
    if rest.is_empty() || rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn relative_pointers() {
        assert_eq!(relative("/3/permissions/0", "/3"), Some("/permissions/0"));
        assert_eq!(relative("/3", "/3"), Some(""));
        assert_eq!(relative("/30/x", "/3"), None);
        assert_eq!(relative("/Actions/0", ""), Some("/Actions/0"));
    }

    #[test]
    fn offsets_match_locate() {
        let text = "[\n  {\"a\": 1},\n  {\"Actions\": [\n    \"x\"]}\n]";
        let ix = LineIndex::new(text);
        let (l, c) = locate(text, "/1").unwrap();
        let at = ix.offset(text, l, c).unwrap();
        assert_eq!(&text[at..at + 1], "{");
        let (l2, c2) = locate(&text[at..], "/Actions/0").unwrap();
        assert_eq!((l + l2 - 1, c2), locate(text, "/1/Actions/0").unwrap());
        assert_eq!(ix.line_of(0), (1, 0));
        assert_eq!(ix.line_of(2), (2, 2));
        assert_eq!(ix.line_of(text.len()), (5, text.rfind('\n').unwrap() + 1));
    }
}
