//! Unit tests of three-valued evaluation: operators, quantifiers, Kleene connectives,
//! `ActionMatches`, suboperations and residuals.

use super::*;
use crate::model::WildcardMode;
use Tri::{False as F, True as T, Unknown as U};

fn cond(s: &str) -> Condition {
    Condition::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn eval(s: &str, q: &Query) -> Tri {
    cond(s).evaluate(q).value
}

/// A comparison of literals only (no query needed).
fn lit(s: &str) -> Tri {
    eval(s, &Query::new("x/y/read"))
}

const BLOB_READ: &str = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";

#[test]
fn documentation_quantifier_examples() {
    assert_eq!(
        lit("{'red','blue'} ForAllOfAnyValues:StringEquals {'red','green'}"),
        F
    );
    assert_eq!(lit("{10,20} ForAnyOfAllValues:NumericLessThan {15,18}"), T);
}

#[test]
fn quantifier_truth_tables() {
    // L = {1, 2}; R sets chosen so the four quantifiers differ.
    let cases: &[(&str, [Tri; 4])] = &[
        ("{1} ", [T, F, T, F]),
        ("{1, 2} ", [T, T, F, F]),
        ("{3} ", [F, F, F, F]),
        ("{1, 3} ", [T, F, F, F]),
    ];
    let quants = [
        "ForAnyOfAnyValues",
        "ForAllOfAnyValues",
        "ForAnyOfAllValues",
        "ForAllOfAllValues",
    ];
    for (r, expected) in cases {
        for (q, e) in quants.iter().zip(expected) {
            let s = format!("{{1, 2}} {q}:NumericEquals {r}");
            assert_eq!(lit(&s), *e, "{s}");
        }
    }
    // ∃l∀r and ∀l∀r distinguished: {1, 1} vs {1}.
    assert_eq!(lit("{1, 2} ForAnyOfAllValues:NumericEquals {1}"), T);
    assert_eq!(lit("{1, 2} ForAllOfAllValues:NumericEquals {1}"), F);
    assert_eq!(lit("{1, 1} ForAllOfAllValues:NumericEquals {1}"), T);
    // ∀l∃r vs ∃l∃r.
    assert_eq!(lit("{1, 2} ForAllOfAnyValues:NumericLessThan {2, 3}"), T);
    assert_eq!(lit("{1, 5} ForAllOfAnyValues:NumericLessThan {2, 3}"), F);
    assert_eq!(lit("{1, 5} ForAnyOfAnyValues:NumericLessThan {2, 3}"), T);
    // Negated operators apply per pair.
    assert_eq!(lit("{1} ForAnyOfAllValues:NumericNotEquals {2, 3}"), T);
    assert_eq!(lit("{2} ForAnyOfAllValues:NumericNotEquals {2, 3}"), F);
    assert_eq!(lit("{2} ForAnyOfAnyValues:NumericNotEquals {2, 3}"), T);
    // An attribute with no values (known absent): ∀ holds vacuously, ∃ fails.
    let q = Query::new("a").with_attribute(Source::Resource, "tags", Vec::<String>::new());
    assert_eq!(
        eval("@Resource[tags] ForAllOfAnyValues:StringEquals {'a'}", &q),
        T
    );
    assert_eq!(
        eval("@Resource[tags] ForAnyOfAnyValues:StringEquals {'a'}", &q),
        F
    );
    assert_eq!(eval("@Resource[tags] StringEquals 'a'", &q), U);
}

#[test]
fn string_operators() {
    let t: &[(&str, Tri)] = &[
        ("'Abc' StringEquals 'Abc'", T),
        ("'Abc' StringEquals 'abc'", F),
        ("'Abc' StringEqualsIgnoreCase 'aBC'", T),
        ("'Abc' StringNotEquals 'abc'", T),
        ("'Abc' StringNotEqualsIgnoreCase 'abc'", F),
        ("'Abcdef' StringStartsWith 'Abc'", T),
        ("'Abcdef' StringStartsWith 'abc'", F),
        ("'Abcdef' StringStartsWithIgnoreCase 'abc'", T),
        ("'Abcdef' StringNotStartsWith 'abc'", T),
        ("'Abcdef' StringNotStartsWithIgnoreCase 'abc'", F),
        ("'logs/2023/a.txt' StringLike 'logs/*/?.txt'", T),
        ("'logs/2023/ab.txt' StringLike 'logs/*/?.txt'", F),
        ("'LOGS/x' StringLike 'logs/*'", F),
        ("'LOGS/x' StringLikeIgnoreCase 'logs/*'", T),
        ("'a*b' StringLike 'a\\*b'", T),
        ("'axb' StringLike 'a\\*b'", F),
        ("'a?' StringLike 'a\\?'", T),
        ("'ab' StringLike 'a\\?'", F),
        ("'' StringLike '*'", T),
        ("'x' StringNotLike 'y*'", T),
        ("'yz' StringNotLikeIgnoreCase 'Y*'", F),
        ("'é' StringEqualsIgnoreCase 'É'", T),
        ("'日本' StringLike '??'", T),
    ];
    for (s, e) in t {
        assert_eq!(lit(s), *e, "{s}");
    }
}

#[test]
fn numeric_datetime_guid_bool_operators() {
    let t: &[(&str, Tri)] = &[
        ("5 NumericEquals 5", T),
        ("5 NumericNotEquals 5", F),
        ("5 NumericGreaterThan 4", T),
        ("5 NumericGreaterThan 5", F),
        ("5 NumericGreaterThanEquals 5", T),
        ("-3 NumericLessThan 2", T),
        ("2 NumericLessThanEquals 2", T),
        ("3 NumericLessThanEquals 2", F),
        ("'7' NumericEquals 7", T),
        ("'seven' NumericEquals 7", U),
        (
            "2023-05-01T00:00:00Z DateTimeEquals '2023-05-01T00:00:00.0000000Z'",
            T,
        ),
        (
            "2023-05-01T00:00:00.5Z DateTimeGreaterThan 2023-05-01T00:00:00.4999999Z",
            T,
        ),
        (
            "2023-05-01T00:00:00Z DateTimeLessThan 2023-04-30T23:59:59Z",
            F,
        ),
        (
            "2023-05-01T00:00:00Z DateTimeLessThanEquals 2023-05-01T00:00:00Z",
            T,
        ),
        (
            "2023-05-01T00:00:00Z DateTimeGreaterThanEquals 2024-01-01T00:00:00Z",
            F,
        ),
        (
            "2023-05-01T00:00:00Z DateTimeNotEquals 2024-01-01T00:00:00Z",
            T,
        ),
        ("'not a date' DateTimeEquals 2024-01-01T00:00:00Z", U),
        (
            "2023-13-01T00:00:00Z DateTimeEquals 2024-01-01T00:00:00Z",
            U,
        ),
        (
            "5E467623-BB1F-42F4-A55D-6E525E11384B GuidEquals 5e467623bb1f42f4a55d6e525e11384b",
            T,
        ),
        (
            "5e467623-bb1f-42f4-a55d-6e525e11384b GuidNotEquals 5e467623bb1f42f4a55d6e525e11384b",
            F,
        ),
        ("'x' GuidEquals 5e467623bb1f42f4a55d6e525e11384b", U),
        ("true BoolEquals TRUE", T),
        ("true BoolNotEquals false", T),
        ("'False' BoolEquals false", T),
        ("1 BoolEquals true", U),
    ];
    for (s, e) in t {
        assert_eq!(lit(s), *e, "{s}");
    }
}

#[test]
fn attributes_are_unknown_unless_supplied() {
    let s = "@Request[Microsoft.Authorization/roleAssignments:PrincipalType] StringEqualsIgnoreCase 'User'";
    assert_eq!(eval(s, &Query::new("a")), U);
    let q = |v: &str| {
        Query::new("a").with_attribute(
            Source::Request,
            "microsoft.authorization/roleassignments:principaltype",
            [v],
        )
    };
    assert_eq!(eval(s, &q("user")), T);
    assert_eq!(eval(s, &q("Group")), F);
    // Another source with the same name is not the same attribute.
    let other = Query::new("a").with_attribute(
        Source::Resource,
        "Microsoft.Authorization/roleAssignments:PrincipalType",
        ["User"],
    );
    assert_eq!(eval(s, &other), U);
    // Environment stays unknown even when supplied.
    let env = Query::new("a").with_attribute(Source::Environment, "isPrivateLink", ["true"]);
    assert_eq!(eval("@Environment[isPrivateLink] BoolEquals true", &env), U);
    assert_eq!(eval("Exists @Environment[isPrivateLink]", &env), U);
    // Exists: supplied values → T; supplied empty → F; else U.
    let e = "Exists @Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:versionId]";
    assert_eq!(eval(e, &Query::new("a")), U);
    let name = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs:versionId";
    let some = Query::new("a").with_attribute(Source::Request, name, ["2023-01-01T00:00:00Z"]);
    let none = Query::new("a").with_attribute(Source::Request, name, Vec::<String>::new());
    assert_eq!(eval(e, &some), T);
    assert_eq!(eval(e, &none), F);
    assert_eq!(eval(&format!("NOT {e}"), &none), T);
    // Attribute against attribute.
    let q = Query::new("a")
        .with_attribute(Source::Resource, "tags:Project", ["Cascade"])
        .with_attribute(Source::Principal, "csa:Project", ["cascade"]);
    assert_eq!(
        eval(
            "@Resource[tags:Project] StringEquals @Principal[csa:Project]",
            &q
        ),
        F
    );
    assert_eq!(
        eval(
            "@Resource[tags:Project] StringEqualsIgnoreCase @Principal[csa:Project]",
            &q
        ),
        T
    );
    // A multi-valued attribute without a quantifier: unknown, with a note.
    let q = Query::new("a").with_attribute(Source::Resource, "k", ["a", "b"]);
    let out = cond("@Resource[k] StringEquals 'a'").evaluate(&q);
    assert_eq!(out.value, U);
    assert!(
        out.notes[0].contains("without a quantifier"),
        "{:?}",
        out.notes
    );
}

#[test]
fn kleene_connectives() {
    // Leaves: T = ActionMatches{'*'}, F = ActionMatches{'none'}, U = an unknown attribute.
    let leaf = |v: Tri| match v {
        T => "ActionMatches{'*'}",
        F => "ActionMatches{'none'}",
        U => "@Request[u] BoolEquals true",
    };
    let q = Query::new("x/y/read");
    for a in [T, F, U] {
        assert_eq!(eval(&format!("!({})", leaf(a)), &q), !a);
        for b in [T, F, U] {
            let and = eval(&format!("({}) AND ({})", leaf(a), leaf(b)), &q);
            let or = eval(&format!("({}) OR ({})", leaf(a), leaf(b)), &q);
            let expected_and = match (a, b) {
                (F, _) | (_, F) => F,
                (T, T) => T,
                _ => U,
            };
            let expected_or = match (a, b) {
                (T, _) | (_, T) => T,
                (F, F) => F,
                _ => U,
            };
            assert_eq!(and, expected_and, "{a} AND {b}");
            assert_eq!(or, expected_or, "{a} OR {b}");
            assert_eq!(a.and(b), expected_and);
            assert_eq!(a.or(b), expected_or);
        }
    }
}

#[test]
fn action_matches_uses_azure_wildcards_ignoring_case() {
    let t: &[(&str, &str, Tri)] = &[
        (
            "Microsoft.Storage/*",
            "Microsoft.Storage/storageAccounts/read",
            T,
        ),
        ("*/read", "Microsoft.Storage/storageAccounts/read", T),
        (
            "microsoft.storage/storageaccounts/read",
            "Microsoft.Storage/storageAccounts/read",
            T,
        ),
        (
            "Microsoft.Storage/storageAccounts/read",
            "Microsoft.Storage/storageAccounts/write",
            F,
        ),
        (
            "Microsoft.Compute/*",
            "Microsoft.Storage/storageAccounts/read",
            F,
        ),
        (
            "Microsoft.Storage/storageAccounts/*/read",
            "Microsoft.Storage/storageAccounts/read",
            T,
        ),
        ("  ", "Microsoft.Storage/storageAccounts/read", U),
    ];
    for (p, a, e) in t {
        let s = format!("ActionMatches{{'{p}'}}");
        assert_eq!(eval(&s, &Query::new(a)), *e, "{p} vs {a}");
    }
    // The literal wildcard mode does not collapse `/*/`.
    let q = Query::new("Microsoft.Storage/storageAccounts/read").with_mode(WildcardMode::Literal);
    assert_eq!(
        eval(
            "ActionMatches{'Microsoft.Storage/storageAccounts/*/read'}",
            &q
        ),
        F
    );
    let out = cond("ActionMatches{'  '}").evaluate(&Query::new("a"));
    assert!(out.notes[0].contains("not usable"), "{:?}", out.notes);
}

#[test]
fn suboperation_rules() {
    let s = "SubOperationMatches{'Blob.List'}";
    assert_eq!(eval(s, &Query::new(BLOB_READ)), U);
    assert_eq!(eval(s, &Query::new(&BLOB_READ.to_uppercase())), U);
    assert_eq!(
        eval(s, &Query::new(BLOB_READ).with_suboperation("blob.list")),
        T
    );
    assert_eq!(
        eval(
            s,
            &Query::new(BLOB_READ).with_suboperation("Blob.Write.Tier")
        ),
        F
    );
    // Actions without suboperations.
    let delete = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete";
    assert_eq!(eval(s, &Query::new(delete)), F);
    for a in [
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
    ] {
        assert_eq!(eval(s, &Query::new(a)), U, "{a}");
    }
    // The legacy attribute form reads the same way.
    let legacy = "@Request[subOperation] ForAnyOfAnyValues:StringEqualsIgnoreCase {'Blob.List', 'Blob.Write.Tier'}";
    assert_eq!(eval(legacy, &Query::new(BLOB_READ)), U);
    assert_eq!(eval(legacy, &Query::new(delete)), F);
    assert_eq!(
        eval(
            legacy,
            &Query::new(BLOB_READ).with_suboperation("Blob.List")
        ),
        T
    );
    assert_eq!(
        eval(
            legacy,
            &Query::new(BLOB_READ).with_suboperation("Blob.Other")
        ),
        F
    );
    let negated = "@Request[subOperation] StringNotEquals 'Blob.List'";
    assert_eq!(eval(negated, &Query::new(delete)), T);
}

#[test]
fn canonical_clause_is_true_for_untargeted_actions() {
    let c = cond(
        "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>] StringEqualsIgnoreCase 'Cascade'))",
    );
    for a in [
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
        "Microsoft.Storage/storageAccounts/read",
    ] {
        let out = c.evaluate(&Query::new(a));
        assert_eq!(out.value, T, "{a}");
        assert_eq!(out.residual, None);
    }
    // Listing is not constrained either.
    assert_eq!(
        c.evaluate(&Query::new(BLOB_READ).with_suboperation("Blob.List"))
            .value,
        T
    );
    // Reading a blob depends on the tag: the residual says so.
    let out = c.evaluate(&Query::new(BLOB_READ));
    assert_eq!(out.value, U);
    assert_eq!(
        out.residual.as_ref().map(ToString::to_string).as_deref(),
        Some(
            "(!(SubOperationMatches{'Blob.List'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>] StringEqualsIgnoreCase 'Cascade')"
        )
        .map(|s| s.replacen("(!(SubOperationMatches{'Blob.List'}))", "!(!(SubOperationMatches{'Blob.List'}))", 1))
        .as_deref()
    );
    let out = c.evaluate(&Query::new(BLOB_READ).with_suboperation("Blob.Read"));
    assert_eq!(out.value, U);
    assert_eq!(
        out.residual.map(|r| r.to_string()).as_deref(),
        Some(
            "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>] StringEqualsIgnoreCase 'Cascade'"
        )
    );
    let tag = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>";
    let q = Query::new(BLOB_READ)
        .with_suboperation("Blob.Read")
        .with_attribute(Source::Resource, tag, ["cascade"]);
    assert_eq!(c.evaluate(&q).value, T);
    let q = Query::new(BLOB_READ)
        .with_suboperation("Blob.Read")
        .with_attribute(Source::Resource, tag, ["Other"]);
    assert_eq!(c.evaluate(&q).value, F);
}

#[test]
fn delegation_clause_unknown_only_for_its_action() {
    let c = cond(
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b}))",
    );
    assert_eq!(
        c.evaluate(&Query::new("Microsoft.Authorization/roleAssignments/read"))
            .value,
        T
    );
    assert_eq!(
        c.evaluate(&Query::new(
            "Microsoft.Authorization/roleAssignments/delete"
        ))
        .value,
        T
    );
    let w = "Microsoft.Authorization/roleAssignments/write";
    assert_eq!(c.evaluate(&Query::new(w)).value, U);
    let attr = "Microsoft.Authorization/roleAssignments:RoleDefinitionId";
    let q =
        Query::new(w).with_attribute(Source::Request, attr, ["5E467623BB1F42F4A55D6E525E11384B"]);
    assert_eq!(c.evaluate(&q).value, T);
    let q = Query::new(w).with_attribute(
        Source::Request,
        attr,
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"],
    );
    assert_eq!(c.evaluate(&q).value, F);
}

#[test]
fn undocumented_operators_evaluate_unknown() {
    let q = Query::new("a").with_attribute(Source::Request, "x", ["10.0.0.1"]);
    let out = cond("@Request[x] IpInRange '10.0.0.0/8'").evaluate(&q);
    assert_eq!(out.value, U);
    assert!(out.notes[0].contains("undocumented operator `IpInRange`"));
    assert_eq!(
        out.residual.map(|r| r.to_string()).as_deref(),
        Some("@Request[x] IpInRange '10.0.0.0/8'")
    );
    // Folded away when another operand decides.
    assert_eq!(
        eval("(@Request[x] IpInRange 'a') OR ActionMatches{'*'}", &q),
        T
    );
}

#[test]
fn residual_folds_decided_parts() {
    let c = cond(
        "ActionMatches{'a'} AND (@Request[x] BoolEquals true) AND (ActionMatches{'b'} OR @Request[y] BoolEquals true)",
    );
    let out = c.evaluate(&Query::new("a"));
    assert_eq!(out.value, U);
    assert_eq!(
        out.residual.map(|r| r.to_string()).as_deref(),
        Some("(@Request[x] BoolEquals true) AND (@Request[y] BoolEquals true)")
    );
    assert_eq!(c.evaluate(&Query::new("b")).value, F);
    assert_eq!(c.evaluate(&Query::new("b")).residual, None);
}
