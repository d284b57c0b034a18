//! Line and column (in Unicode code points) of each finding: from its JSON pointer through
//! `model::json::locate`, or from the `PATH@LINE:COLUMN` locator that the Terraform and Bicep
//! parsers write (through `model::role_text::locate`).
//! For JSON, the role object is located once; each finding inside it is then located in the
//! role's own text, so a file with many roles is not rescanned from the start for every finding.

use super::Finding;
use crate::model::RoleDefinition;
use crate::model::json::locate;

/// Whether a pointer is a format-specific locator rather than a JSON pointer.
fn is_locator(pointer: &str) -> bool {
    !pointer.is_empty() && !pointer.starts_with('/')
}

/// Fills `line`/`column` of findings about `role`, whose file text is `text`.
pub fn locate_findings(text: &str, role: &RoleDefinition, findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| is_locator(&f.pointer)) {
        if let Some((l, c)) = crate::model::role_text::locate(text, &f.pointer) {
            f.line = Some(l);
            f.column = Some(c);
        }
    }
    if findings.iter().all(|f| is_locator(&f.pointer)) || is_locator(&role.pointer) {
        return;
    }
    let Some((rline, rcol)) = locate(text, &role.pointer) else {
        return;
    };
    let Some(start) = offset(text, rline, rcol) else {
        return;
    };
    let sub = &text[start..];
    for f in findings.iter_mut().filter(|f| !is_locator(&f.pointer)) {
        let at = match relative(&f.pointer, &role.pointer) {
            Some(rel) => locate(sub, rel)
                .and_then(|(l, c)| offset(sub, l, c))
                .map(|o| start + o),
            None => locate(text, &f.pointer).and_then(|(l, c)| offset(text, l, c)),
        };
        if let Some(at) = at {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            // Count lines from the role's start when the value is inside it.
            let (base, from) = if at >= start {
                (rline, start - (rcol - 1))
            } else {
                (1, 0)
            };
            f.line = Some(base + text[from..line_start].matches('\n').count());
            f.column = Some(text[line_start..at].chars().count() + 1);
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

/// Byte offset of a 1-based line and (byte) column.
fn offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let at = start + column - 1;
    (at <= text.len()).then_some(at)
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
        let (l, c) = locate(text, "/1").unwrap();
        let at = offset(text, l, c).unwrap();
        assert_eq!(&text[at..at + 1], "{");
        let (l2, c2) = locate(&text[at..], "/Actions/0").unwrap();
        assert_eq!((l + l2 - 1, c2), locate(text, "/1/Actions/0").unwrap());
    }
}
