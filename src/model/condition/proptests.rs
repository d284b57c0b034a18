//! Property tests: print/parse round trip of random trees, a parser that never panics (on
//! arbitrary text and on mutations of the built-in conditions), Kleene soundness of the
//! evaluator against brute force over the unknown leaves, and quantifiers against a naive
//! reading of their definitions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::model::RoleSet;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn builtin_conditions() -> &'static [String] {
    static C: OnceLock<Vec<String>> = OnceLock::new();
    C.get_or_init(|| {
        let roles = RoleSet::from_compact_json(crate::data::ROLES_JSON, "embedded").unwrap();
        roles
            .roles()
            .iter()
            .flat_map(|r| {
                r.condition
                    .iter()
                    .chain(r.permissions.iter().filter_map(|b| b.condition.as_ref()))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect()
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::Str),
        "[ -~]{0,12}".prop_map(Value::Str),
        any::<i64>().prop_map(Value::Int),
        any::<bool>().prop_map(Value::Bool),
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
            .prop_map(Value::Guid),
        "[0-9a-f]{32}".prop_map(Value::Guid),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,7})?Z"
            .prop_map(Value::DateTime),
    ]
}

fn attr() -> impl Strategy<Value = Attr> {
    (
        prop::sample::select(Source::ALL.to_vec()),
        "[A-Za-z0-9/.:<>$&_-][A-Za-z0-9/.:<>$&_ '{}()-]{0,30}",
    )
        .prop_map(|(source, name)| Attr { source, name })
}

fn operand() -> impl Strategy<Value = Operand> {
    prop_oneof![
        attr().prop_map(Operand::Attr),
        value().prop_map(Operand::Value),
        prop::collection::vec(value(), 1..4).prop_map(Operand::Set),
    ]
}

fn operator() -> impl Strategy<Value = Operator> {
    let base = prop_oneof![
        4 => prop::sample::select(KNOWN_OPS.iter().map(|(_, k)| *k).collect::<Vec<_>>())
            .prop_map(BaseOp::Known),
        1 => prop::sample::select(vec!["IpInRange", "StringContains", "ListContains", "Zork"])
            .prop_map(|s| BaseOp::Undocumented(s.to_string())),
    ];
    (
        prop::option::of(prop::sample::select(Quant::ALL.to_vec())),
        base,
    )
        .prop_map(|(quant, base)| Operator { quant, base })
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<String>().prop_map(Expr::ActionMatches),
        "[ -~]{0,10}".prop_map(Expr::SubOperationMatches),
        attr().prop_map(Expr::Exists),
        (operand(), operator(), operand()).prop_map(|(left, op, right)| Expr::Compare {
            left,
            op,
            right
        }),
    ]
}

fn tree<L: Strategy<Value = Expr> + 'static>(leaf: L) -> impl Strategy<Value = Expr> {
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            prop::collection::vec(inner, 2..4).prop_map(Expr::Or),
        ]
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(prop::sample::Index, char),
    Delete(prop::sample::Index),
    Replace(prop::sample::Index, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let c = prop_oneof![
        prop::sample::select(vec![
            '(', ')', '{', '}', '\'', '\\', ',', '!', '&', '|', '@', '[', ']', ':', ' ', 'é',
            '\u{0}'
        ]),
        any::<char>(),
    ];
    prop_oneof![
        (any::<prop::sample::Index>(), c.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<prop::sample::Index>().prop_map(Edit::Delete),
        (any::<prop::sample::Index>(), c).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match e {
            Edit::Insert(i, c) => {
                let at = i.index(chars.len() + 1);
                chars.insert(at, *c);
            }
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i.index(chars.len()));
            }
            Edit::Replace(i, c) if !chars.is_empty() => {
                let at = i.index(chars.len());
                chars[at] = *c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Parses within a time bound; when it parses, the printed form re-parses to the same tree
/// and evaluation does not panic.
fn check_parser(text: &str) -> Result<(), TestCaseError> {
    let start = Instant::now();
    let parsed = Condition::parse(text);
    prop_assert!(start.elapsed() < Duration::from_secs(2), "slow parse");
    match parsed {
        Ok(c) => {
            let again = Condition::parse(&c.to_string());
            prop_assert_eq!(again.as_ref().map(Condition::expr), Ok(c.expr()));
            let _ = c.evaluate(&Query::new("Microsoft.Authorization/roleAssignments/write"));
            for a in AssignmentAction::BOTH {
                let _ = c.delegation(a).map(|d| d.describe(|_| None));
            }
        }
        Err(e) => {
            prop_assert!(e.offset <= text.len() && text.is_char_boundary(e.offset));
            prop_assert!(!e.message.is_empty());
        }
    }
    Ok(())
}

// ---- Soundness against brute force -------------------------------------------------------

const PATTERNS: [(&str, bool); 4] = [("a/*", true), ("b/c", false), ("*", true), ("A/X", true)];
const ACTION: &str = "a/x";

/// Leaves: an `ActionMatches` with a known answer, or `@Request[vK] BoolEquals true`.
fn logic_leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        prop::sample::select(PATTERNS.iter().map(|(p, _)| *p).collect::<Vec<_>>())
            .prop_map(|p| Expr::ActionMatches(p.to_string())),
        (0usize..4).prop_map(|k| Expr::Compare {
            left: Operand::Attr(Attr {
                source: Source::Request,
                name: format!("v{k}"),
            }),
            op: Operator {
                quant: None,
                base: BaseOp::Known(KnownOp::parse("BoolEquals").unwrap()),
            },
            right: Operand::Value(Value::Bool(true)),
        }),
    ]
}

/// Two-valued evaluation written from the definitions, sharing nothing with `eval`.
fn naive(e: &Expr, vars: &BTreeMap<String, bool>) -> bool {
    match e {
        Expr::Or(items) => items.iter().any(|i| naive(i, vars)),
        Expr::And(items) => items.iter().all(|i| naive(i, vars)),
        Expr::Not(i) => !naive(i, vars),
        Expr::ActionMatches(p) => PATTERNS.iter().any(|(q, v)| q == p && *v),
        Expr::Compare {
            left: Operand::Attr(a),
            ..
        } => vars[&a.name],
        other => panic!("unexpected leaf {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn printed_trees_parse_back_equal(e in tree(leaf())) {
        let printed = e.to_string();
        let c = Condition::parse(&printed);
        prop_assert_eq!(c.as_ref().map(Condition::expr), Ok(&e), "printed: {}", printed);
        let c = c.unwrap();
        prop_assert!(c.warnings().iter().all(|w| !w.message.contains("ambiguous")));
        prop_assert_eq!(c.to_string(), printed);
    }

    #[test]
    fn parser_survives_arbitrary_text(s in "\\PC{0,200}") {
        check_parser(&s)?;
    }

    #[test]
    fn parser_survives_arbitrary_chars(s in ".{0,120}") {
        check_parser(&s)?;
    }

    #[test]
    fn parser_survives_token_soup(
        parts in prop::collection::vec(prop::sample::select(vec![
            "(", ")", "!", "NOT ", " AND ", " OR ", "&&", "||", "ActionMatches{'a/*'}",
            "SubOperationMatches{'Blob.List'}", "Exists ", "@Request[x]", " StringEquals ",
            " ForAnyOfAnyValues:GuidEquals ", "{", "}", ",", "'v'", "42", "true",
            "5e467623-bb1f-42f4-a55d-6e525e11384b", " IpInRange ",
        ]), 0..40)
    ) {
        check_parser(&parts.concat())?;
    }

    #[test]
    fn parser_survives_mutated_builtin_conditions(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let all = builtin_conditions();
        prop_assume!(!all.is_empty());
        let text = apply(&all[which.index(all.len())], &edits);
        check_parser(&text)?;
    }

    #[test]
    fn kleene_evaluation_is_sound(
        e in tree(logic_leaf()),
        known in prop::collection::vec(prop::option::of(any::<bool>()), 4),
    ) {
        let mut q = Query::new(ACTION);
        let mut fixed = BTreeMap::new();
        let mut free = Vec::new();
        for (k, v) in known.iter().enumerate() {
            let name = format!("v{k}");
            match v {
                Some(b) => {
                    q = q.with_attribute(Source::Request, &name, [b.to_string()]);
                    fixed.insert(name, *b);
                }
                None => free.push(name),
            }
        }
        let out = Condition::from_expr(e.clone()).evaluate(&q);
        let mut results = Vec::new();
        for mask in 0u32..(1 << free.len()) {
            let mut vars = fixed.clone();
            for (i, name) in free.iter().enumerate() {
                vars.insert(name.clone(), mask & (1 << i) != 0);
            }
            let full = naive(&e, &vars);
            results.push(full);
            // The residual decides exactly as the whole condition does.
            if let Some(r) = &out.residual {
                prop_assert_eq!(naive(r, &vars), full, "residual {}", r);
            }
        }
        match out.value {
            Tri::True => prop_assert!(results.iter().all(|r| *r)),
            Tri::False => prop_assert!(results.iter().all(|r| !*r)),
            Tri::Unknown => {
                prop_assert!(out.residual.is_some());
                prop_assert!(!free.is_empty(), "unknown with every leaf known");
            }
        }
        if out.value != Tri::Unknown {
            prop_assert!(out.residual.is_none());
        }
    }

    #[test]
    fn quantifiers_follow_their_definitions(
        l in prop::collection::vec(-3i64..4, 0..4),
        r in prop::collection::vec(-3i64..4, 1..4),
        q in prop::sample::select(Quant::ALL.to_vec()),
        op in prop::sample::select(vec![
            ("NumericEquals", 0), ("NumericNotEquals", 1), ("NumericLessThan", 2),
            ("NumericGreaterThanEquals", 3),
        ]),
    ) {
        let pair = |a: i64, b: i64| match op.1 { 0 => a == b, 1 => a != b, 2 => a < b, _ => a >= b };
        let inner = |a: i64| match q {
            Quant::ForAnyOfAnyValues | Quant::ForAllOfAnyValues => r.iter().any(|b| pair(a, *b)),
            _ => r.iter().all(|b| pair(a, *b)),
        };
        let expected = match q {
            Quant::ForAnyOfAnyValues | Quant::ForAnyOfAllValues => l.iter().any(|a| inner(*a)),
            _ => l.iter().all(|a| inner(*a)),
        };
        let set = |v: &[i64]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ");
        let text = format!("@Request[l] {}:{} {{{}}}", q.as_str(), op.0, set(&r));
        let query = Query::new("x").with_attribute(
            Source::Request,
            "L",
            l.iter().map(|x| x.to_string()),
        );
        let got = Condition::parse(&text).unwrap().evaluate(&query).value;
        prop_assert_eq!(got, Tri::from_bool(expected), "{} with l = {:?}", text, l);
    }
}
