//! Property tests of the reference matcher (`Pattern::matches`) against an oracle built
//! directly from the rule text (docs/semantics.md, spec section 2.2).
//!
//! The oracle shares no code with `Pattern`: it lower-cases and trims by hand, treats `*` as
//! "any run" with a plain backtracking glob, and applies the Azure rule "a `/*/` also matches
//! a single `/`" literally: for every subset of the stars written between two slashes, it
//! deletes those stars together with the slash after them (`X/*/Y` → `X/Y`) and tries the
//! plain glob on the result. Overlapping occurrences (`a/*/*/b`) may both collapse.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::pattern::{Pattern, PatternError};
use super::plane::WildcardMode;
use proptest::prelude::*;

/// Plain glob: `*` = any run of characters (including `/` and the empty run).
fn glob(p: &[char], n: &[char]) -> bool {
    match p.split_first() {
        None => n.is_empty(),
        Some(('*', rest)) => (0..=n.len()).any(|k| glob(rest, &n[k..])),
        Some((c, rest)) => n.first() == Some(c) && glob(rest, &n[1..]),
    }
}

/// The rules, by construction.
fn oracle(pattern: &str, name: &str, mode: WildcardMode) -> bool {
    let trimmed = pattern.trim_matches(|c: char| c.is_whitespace());
    let p: Vec<char> = trimmed.chars().map(|c| c.to_ascii_lowercase()).collect();
    let n: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    // Stars written as `/*/` (judged on the original text).
    let eligible: Vec<usize> = (0..p.len())
        .filter(|&i| p[i] == '*' && i > 0 && p[i - 1] == '/' && p.get(i + 1) == Some(&'/'))
        .collect();
    if mode == WildcardMode::Literal || eligible.is_empty() {
        return glob(&p, &n);
    }
    (0u32..1 << eligible.len()).any(|mask| {
        let drop: Vec<usize> = eligible
            .iter()
            .enumerate()
            .filter(|(bit, _)| mask & (1 << bit) != 0)
            .flat_map(|(_, &i)| [i, i + 1])
            .collect();
        let collapsed: Vec<char> = p
            .iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, c)| *c)
            .collect();
        glob(&collapsed, &n)
    })
}

/// Characters that make collisions likely: letters in both cases, separators, and one
/// non-ASCII letter (never case-folded).
fn name_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => Just('a'), 3 => Just('B'), 2 => Just('b'), 2 => Just('A'),
        4 => Just('/'), 1 => Just('-'), 1 => Just('.'), 1 => Just('é'),
    ]
}

fn arb_name() -> impl Strategy<Value = String> {
    prop::collection::vec(name_char(), 0..12).prop_map(|v| v.into_iter().collect())
}

/// Random patterns: the name alphabet plus `*` (often), with `/*/`, leading and trailing
/// stars and several stars arising naturally.
fn arb_pattern_core() -> impl Strategy<Value = String> {
    let c = prop_oneof![5 => name_char(), 3 => Just('*')];
    prop::collection::vec(c, 1..10).prop_map(|v| v.into_iter().collect())
}

fn arb_ws() -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof![Just(' '), Just('\t'), Just('\n')], 0..3)
        .prop_map(|v| v.into_iter().collect())
}

/// A name the pattern must match: each `*` replaced by a random run.
fn instantiate(pattern: &str, fills: &[String]) -> String {
    let mut out = String::new();
    for (i, piece) in pattern.split('*').enumerate() {
        if i > 0 {
            out.push_str(&fills[(i - 1) % fills.len()]);
        }
        out.push_str(piece);
    }
    out
}

fn random_case(s: &str, flips: &[bool]) -> String {
    s.chars()
        .zip(flips.iter().cycle())
        .map(|(c, f)| {
            if *f {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn matches(p: &str, n: &str, mode: WildcardMode) -> bool {
    Pattern::parse(p).unwrap().matches(n, mode)
}

const MODES: [WildcardMode; 2] = [WildcardMode::Azure, WildcardMode::Literal];

#[test]
fn oracle_reads_the_rules_as_intended() {
    // Sanity of the oracle itself on the spec's vectors.
    use WildcardMode::{Azure, Literal};
    assert!(oracle(
        "Microsoft.KeyVault/vaults/*/read",
        "microsoft.keyvault/vaults/read",
        Azure
    ));
    assert!(!oracle(
        "Microsoft.KeyVault/vaults/*/read",
        "microsoft.keyvault/vaults/read",
        Literal
    ));
    assert!(oracle("a/*/*/b", "a/b", Azure));
    assert!(!oracle("a/*/*/b", "a/b", Literal));
    assert!(oracle("*/read", "x/read", Literal));
    assert!(!oracle("*/read", "read", Azure));
    assert!(!oracle(
        "Microsoft.Storage/*/write",
        "Microsoft.Storage/storageAccounts/read",
        Azure
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// `Pattern::matches` agrees with the oracle on random patterns and names.
    #[test]
    fn matcher_agrees_with_the_rules(p in arb_pattern_core(), n in arb_name()) {
        for mode in MODES {
            prop_assert_eq!(matches(&p, &n, mode), oracle(&p, &n, mode), "pattern {:?} name {:?} {:?}", p, n, mode);
        }
    }

    /// Names built from the pattern (stars filled with random runs, or `/*/` collapsed) are
    /// matched, and the matcher still agrees with the oracle on them.
    #[test]
    fn matcher_agrees_on_instantiated_names(
        p in arb_pattern_core(),
        fills in prop::collection::vec(arb_name(), 1..4),
        collapse in any::<bool>(),
    ) {
        let mut n = instantiate(&p, &fills);
        if !p.contains('*') {
            n = p.clone();
        }
        for mode in MODES {
            prop_assert!(matches(&p, &n, mode), "pattern {:?} must match {:?} ({:?})", p, n, mode);
        }
        if collapse && p.contains("/*/") {
            let c = instantiate(&p.replacen("/*/", "/", 1), &fills);
            prop_assert!(matches(&p, &c, WildcardMode::Azure), "{:?} azure must match collapsed {:?}", p, c);
            for mode in MODES {
                prop_assert_eq!(matches(&p, &c, mode), oracle(&p, &c, mode));
            }
        }
    }

    /// Literal-mode matches are a subset of Azure-mode matches.
    #[test]
    fn literal_mode_is_a_subset(p in arb_pattern_core(), n in arb_name()) {
        if matches(&p, &n, WildcardMode::Literal) {
            prop_assert!(matches(&p, &n, WildcardMode::Azure));
        }
    }

    /// ASCII case never matters, on either side.
    #[test]
    fn case_insensitive(
        p in arb_pattern_core(),
        n in arb_name(),
        f1 in prop::collection::vec(any::<bool>(), 1..8),
        f2 in prop::collection::vec(any::<bool>(), 1..8),
    ) {
        for mode in MODES {
            let base = matches(&p, &n, mode);
            prop_assert_eq!(matches(&random_case(&p, &f1), &random_case(&n, &f2), mode), base);
        }
    }

    /// Surrounding whitespace is trimmed and changes nothing; the spelling is kept.
    #[test]
    fn whitespace_is_trimmed(p in arb_pattern_core(), n in arb_name(), a in arb_ws(), b in arb_ws()) {
        let padded = format!("{a}{p}{b}");
        let parsed = Pattern::parse(&padded).unwrap();
        prop_assert_eq!(parsed.as_str(), p.as_str());
        for mode in MODES {
            prop_assert_eq!(parsed.matches(&n, mode), matches(&p, &n, mode));
            prop_assert_eq!(parsed.matches(&n, mode), oracle(&padded, &n, mode));
        }
    }

    /// An entry without `*` matches exactly its own name (any case) and nothing else.
    #[test]
    fn literal_entries_match_exactly(
        p in prop::collection::vec(name_char(), 1..12).prop_map(|v| v.into_iter().collect::<String>()),
        n in arb_name(),
    ) {
        for mode in MODES {
            prop_assert_eq!(matches(&p, &n, mode), p.trim().eq_ignore_ascii_case(&n));
        }
    }

    /// Whitespace-only entries are rejected, never silently matched.
    #[test]
    fn blank_entries_are_rejected(w in arb_ws()) {
        prop_assert_eq!(Pattern::parse(&w), Err(PatternError::Empty));
    }
}
