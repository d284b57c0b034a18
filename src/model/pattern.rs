//! Permission patterns (`Actions` entries): parsing, validation and the reference matcher.
//!
//! Semantics (docs/semantics.md): comparison ignores ASCII case; surrounding whitespace is
//! ignored; `*` matches any run of characters including `/` and the empty run; in
//! [`WildcardMode::Azure`] a `*` written between two slashes (`/*/`) also matches a single
//! `/`. An entry without `*` matches exactly that name.

use super::plane::WildcardMode;
use std::fmt;

/// One entry of `Actions`/`NotActions`/`DataActions`/`NotDataActions`, trimmed and validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// The entry with surrounding whitespace removed, spelling kept.
    text: String,
    /// `text` lower-cased (ASCII).
    lower: String,
    /// Lower-cased literal pieces between the stars; `parts.len() == stars + 1`.
    parts: Vec<String>,
}

/// Why a string is not a usable pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    Empty,
    ControlCharacter,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::Empty => f.write_str("empty entry"),
            PatternError::ControlCharacter => f.write_str("entry contains a control character"),
        }
    }
}

impl Pattern {
    /// Parses an entry as written in a role. Only empty entries and control characters are
    /// rejected: anything else Azure might store is evaluated (lint reports the oddities).
    pub fn parse(raw: &str) -> Result<Pattern, PatternError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(PatternError::Empty);
        }
        if text.chars().any(|c| c.is_control()) {
            return Err(PatternError::ControlCharacter);
        }
        let lower = text.to_ascii_lowercase();
        let parts = lower.split('*').map(str::to_string).collect();
        Ok(Pattern {
            text: text.to_string(),
            lower,
            parts,
        })
    }

    /// The trimmed entry, spelling as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The trimmed entry, ASCII lower-cased.
    pub fn lower(&self) -> &str {
        &self.lower
    }

    pub fn is_literal(&self) -> bool {
        self.parts.len() == 1
    }

    pub fn star_count(&self) -> usize {
        self.parts.len() - 1
    }

    /// Lower-cased literal text before the first `*` (the whole entry when literal).
    pub fn prefix(&self) -> &str {
        &self.parts[0]
    }

    /// Lower-cased literal text after the last `*` (empty when literal).
    pub fn suffix(&self) -> &str {
        if self.is_literal() {
            ""
        } else {
            &self.parts[self.parts.len() - 1]
        }
    }

    /// The provider namespace the entry names (its first segment), if it has no `*` in it.
    pub fn namespace(&self) -> Option<&str> {
        let first = self.text.split('/').next()?;
        if first.contains('*') || !self.text.contains('/') {
            None
        } else {
            Some(first)
        }
    }

    /// Whether this pattern matches an operation name (any case). This is the reference
    /// matcher: the graph index must agree with it on every input.
    pub fn matches(&self, name: &str, mode: WildcardMode) -> bool {
        let name = name.as_bytes();
        match self.parts.len() {
            1 => name.eq_ignore_ascii_case(self.lower.as_bytes()),
            2 => {
                let p = self.parts[0].as_bytes();
                let s = self.parts[1].as_bytes();
                if name.len() < p.len() || name.len() < s.len() {
                    return false;
                }
                if !name[..p.len()].eq_ignore_ascii_case(p)
                    || !name[name.len() - s.len()..].eq_ignore_ascii_case(s)
                {
                    return false;
                }
                if name.len() >= p.len() + s.len() {
                    return true;
                }
                // `/*/` collapsed to `/`: prefix and suffix share the slash.
                mode == WildcardMode::Azure
                    && p.last() == Some(&b'/')
                    && s.first() == Some(&b'/')
                    && name.len() + 1 == p.len() + s.len()
            }
            _ => self.matches_general(name, mode),
        }
    }

    /// Dynamic-programming matcher for entries with several stars.
    fn matches_general(&self, name: &[u8], mode: WildcardMode) -> bool {
        // Cheap rejection first: the text before the first star is a literal prefix, and the
        // text after the last star (less a leading `/` a collapsed `/*/` may share) a suffix.
        let first = self.parts[0].as_bytes();
        let last = self.parts[self.parts.len() - 1].as_bytes();
        let last = last.strip_prefix(b"/").unwrap_or(last);
        if name.len() < first.len()
            || name.len() < last.len()
            || !name[..first.len()].eq_ignore_ascii_case(first)
            || !name[name.len() - last.len()..].eq_ignore_ascii_case(last)
        {
            return false;
        }
        let elems = self.elements(mode);
        // dp[j]: the pattern elements consumed so far match name[..j].
        let mut dp = vec![false; name.len() + 1];
        dp[0] = true;
        let mut next = vec![false; name.len() + 1];
        for el in &elems {
            match el {
                Elem::Byte(b) => {
                    next[0] = false;
                    for j in 0..name.len() {
                        next[j + 1] = dp[j] && name[j].to_ascii_lowercase() == *b;
                    }
                }
                Elem::Any => {
                    let mut seen = false;
                    for j in 0..=name.len() {
                        seen |= dp[j];
                        next[j] = seen;
                    }
                }
                Elem::AnyThenSlash => {
                    // matches "" or any run ending in '/'
                    let mut seen = false;
                    next[0] = dp[0];
                    for j in 1..=name.len() {
                        seen |= dp[j - 1];
                        next[j] = dp[j] || (name[j - 1] == b'/' && seen);
                    }
                }
            }
            std::mem::swap(&mut dp, &mut next);
        }
        dp[name.len()]
    }

    fn elements(&self, mode: WildcardMode) -> Vec<Elem> {
        let mut out = Vec::new();
        let n = self.parts.len();
        let mut skip_slash = false;
        for (i, part) in self.parts.iter().enumerate() {
            let mut bytes = part.as_bytes();
            if skip_slash {
                bytes = &bytes[1..];
                skip_slash = false;
            }
            out.extend(bytes.iter().map(|b| Elem::Byte(*b)));
            if i + 1 < n {
                let next = self.parts[i + 1].as_bytes();
                let seg_star = mode == WildcardMode::Azure
                    && part.as_bytes().last() == Some(&b'/')
                    && next.first() == Some(&b'/');
                if seg_star {
                    out.push(Elem::AnyThenSlash);
                    skip_slash = true;
                } else {
                    out.push(Elem::Any);
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy)]
enum Elem {
    Byte(u8),
    Any,
    AnyThenSlash,
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Checks that a user-typed operation name or pattern (command line, needs file) is
/// well formed: no whitespace inside, and a provider namespace (`Company.Service/...`)
/// unless it starts with `*`.
pub fn validate_user_pattern(s: &str) -> Result<Pattern, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty operation name".to_string());
    }
    if t.chars().any(char::is_whitespace) {
        return Err(format!("`{t}` contains whitespace"));
    }
    if !t.starts_with('*') {
        let first = t.split('/').next().unwrap_or("");
        if !t.contains('/') || !first.contains('.') {
            return Err(format!(
                "`{t}` is not an operation name or pattern: expected `Namespace.Provider/...` or a pattern starting with `*`"
            ));
        }
    }
    Pattern::parse(t).map_err(|e| format!("`{t}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use WildcardMode::{Azure, Literal};

    fn m(p: &str, n: &str, mode: WildcardMode) -> bool {
        Pattern::parse(p).unwrap().matches(n, mode)
    }

    const MLS: &str = "Microsoft.MachineLearningServices";

    #[test]
    fn spec_vectors() {
        // The test vectors of the reference spec, section 2.2.
        assert!(m("*", "Microsoft.Compute/virtualMachines/read", Azure));
        assert!(m("*/read", "Microsoft.Compute/virtualMachines/read", Azure));
        assert!(m(
            "Microsoft.Compute/*",
            "Microsoft.Compute/virtualMachines/extensions/write",
            Azure
        ));
        assert!(m(
            "Microsoft.Network/*/read",
            "Microsoft.Network/virtualNetworks/subnets/read",
            Azure
        ));
        assert!(m(
            &format!("{MLS}/workspaces/*/read"),
            &format!("{MLS}/workspaces/datasets/registered/profile/read"),
            Azure
        ));
        assert!(m(
            &format!("{MLS}/workspaces/computes/*/write"),
            &format!("{MLS}/workspaces/computes/write"),
            Azure
        ));
        assert!(m(
            &format!("{MLS}/workspaces/*/read"),
            &format!("{MLS}/workspaces/read"),
            Azure
        ));
        assert!(m(
            &format!("{MLS}/workspaces/onlineEndpoints/*/action"),
            &format!("{MLS}/workspaces/onlineendpoints/listkeys/action"),
            Azure
        ));
        assert!(!m(
            "Microsoft.Storage/*/write",
            "Microsoft.Storage/storageAccounts/read",
            Azure
        ));
    }

    #[test]
    fn segment_star_collapse_only_in_azure_mode() {
        assert!(m(
            "Microsoft.KeyVault/vaults/*/read",
            "Microsoft.KeyVault/vaults/read",
            Azure
        ));
        assert!(!m(
            "Microsoft.KeyVault/vaults/*/read",
            "Microsoft.KeyVault/vaults/read",
            Literal
        ));
        assert!(m(
            "Microsoft.KeyVault/vaults/*/read",
            "Microsoft.KeyVault/vaults/x/read",
            Literal
        ));
        // A star not flanked by slashes never collapses.
        assert!(!m(
            "Microsoft.KeyVault/vaults*/read",
            "Microsoft.KeyVault/vault/read",
            Azure
        ));
        assert!(m(
            "Microsoft.KeyVault/vaults*/read",
            "Microsoft.KeyVault/vaults/read",
            Azure
        ));
    }

    #[test]
    fn case_and_whitespace() {
        assert!(m(
            "  MICROSOFT.compute/*  ",
            "microsoft.Compute/disks/read",
            Azure
        ));
        assert_eq!(Pattern::parse(" a/b ").unwrap().as_str(), "a/b");
        assert_eq!(Pattern::parse("   "), Err(PatternError::Empty));
        assert_eq!(
            Pattern::parse("a/\u{7}b"),
            Err(PatternError::ControlCharacter)
        );
    }

    #[test]
    fn literal_matches_exactly() {
        assert!(m("Microsoft.Foo/bar/read", "microsoft.foo/BAR/read", Azure));
        assert!(!m(
            "Microsoft.Foo/bar/read",
            "Microsoft.Foo/bar/read/x",
            Azure
        ));
        assert!(!m("Microsoft.Foo/bar", "Microsoft.Foo/bar/read", Azure));
    }

    #[test]
    fn multiple_stars_follow_the_same_rules() {
        assert!(m("Microsoft.A/*/b/*/read", "Microsoft.A/x/b/y/read", Azure));
        assert!(m("Microsoft.A/*/b/*/read", "Microsoft.A/b/read", Azure));
        assert!(!m("Microsoft.A/*/b/*/read", "Microsoft.A/b/read", Literal));
        assert!(m("Microsoft.A/*/*/read", "Microsoft.A/read", Azure));
        assert!(m("*/*", "a/b", Literal));
        assert!(!m("*/*", "ab", Literal));
        assert!(m("a**b", "ab", Literal));
    }

    #[test]
    fn empty_star_run() {
        assert!(m("Microsoft.Compute/*", "Microsoft.Compute/", Azure));
        assert!(!m("Microsoft.Compute/*", "Microsoft.Compute", Azure));
        assert!(m("*read", "read", Azure));
    }

    #[test]
    fn user_patterns() {
        assert!(validate_user_pattern("Microsoft.Compute/*/read").is_ok());
        assert!(validate_user_pattern("*/read").is_ok());
        assert!(validate_user_pattern("read").is_err());
        assert!(validate_user_pattern("Microsoft.Compute/virtual machines/read").is_err());
        assert!(validate_user_pattern("compute/read").is_err());
    }
}
