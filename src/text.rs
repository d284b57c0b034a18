//! Text from inputs made safe to show in terminals, CI logs and Markdown: control, invisible
//! and bidirectional characters escaped, and GitHub workflow-command markers (`::`) broken.

use std::borrow::Cow;

/// Whether a character must not reach a terminal or log as itself (the one definition,
/// shared with the diagnostics' quoting in [`crate::model::shown`]).
pub use crate::model::shown::is_hidden;

/// The text with hidden characters written as escapes (`\n`, `\t`, `\u{1b}`, `\u{200b}`),
/// a backslash before an escape-looking sequence kept readable, and every `::` written
/// `:\:` so that no line of output can be read as a GitHub Actions workflow command.
/// Borrowed when nothing needs escaping.
pub fn escape(s: &str) -> Cow<'_, str> {
    let hidden = crate::model::shown::escape_hidden(s);
    if !hidden.contains("::") {
        return hidden;
    }
    Cow::Owned(hidden.replace("::", ":\\:").replace("\\::", "\\:\\:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape("AzureML Data Scientist"), Cow::Borrowed(_)));
        assert!(matches!(
            escape("Microsoft.Compute/*/read"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn line_breaks_escapes_and_invisibles_are_escaped() {
        assert_eq!(escape("ok\n\ngate: passed"), "ok\\n\\ngate: passed");
        assert_eq!(
            escape("\u{1b}[2J\u{1b}]0;x\u{7}"),
            "\\u{1b}[2J\\u{1b}]0;x\\u{7}"
        );
        assert_eq!(
            escape("\u{200b}Microsoft.Compute"),
            "\\u{200b}Microsoft.Compute"
        );
        assert_eq!(escape("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn workflow_command_markers_are_broken() {
        assert_eq!(escape("::error file=x::y"), ":\\:error file=x:\\:y");
        assert_eq!(escape(":::"), ":\\:\\:");
        assert!(!escape("x\n::add-mask::s").contains("::"));
    }
}
