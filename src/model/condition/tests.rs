//! Unit tests of parsing, printing, warnings, errors, the built-in roles' conditions and
//! delegation summaries.

use super::*;
use crate::model::RoleSet;

fn parse(s: &str) -> Condition {
    match Condition::parse(s) {
        Ok(c) => c,
        Err(e) => panic!("{s}: {e}"),
    }
}

fn err(s: &str) -> ParseError {
    match Condition::parse(s) {
        Ok(c) => panic!("{s} parsed as {c}"),
        Err(e) => e,
    }
}

/// Parses, prints, re-parses: the trees are equal and the printed form is stable.
fn round_trip(s: &str) -> Condition {
    let c = parse(s);
    let printed = c.to_string();
    let again = parse(&printed);
    assert_eq!(c.expr(), again.expr(), "{s}\nprinted: {printed}");
    assert_eq!(printed, again.to_string());
    assert!(
        again
            .warnings()
            .iter()
            .all(|w| !w.message.contains("ambiguous"))
    );
    c
}

const RBAC_ADMIN_GUARD: &str = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, f58310d9-a9f6-439a-9e8d-f62e7b41a168, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {8e3af657-a8ff-443c-a75c-2fe8c4bcb635, f58310d9-a9f6-439a-9e8d-f62e7b41a168, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9}))";

/// Condition strings from the reference notes (documentation examples).
const REFERENCE_EXAMPLES: &[&str] = &[
    "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>] StringEqualsIgnoreCase 'Cascade'))",
    "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {5e467623-bb1f-42f4-a55d-6e525e11384b}))",
    RBAC_ADMIN_GUARD,
    "@Request[subOperation] ForAnyOfAnyValues:StringEqualsIgnoreCase {'Blob.Read.WithTagConditions'}",
    "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>] StringEquals @Principal[Microsoft.Directory/CustomSecurityAttributes/Id:Engineering_Project]",
    "{'red','blue'} ForAllOfAnyValues:StringEquals {'red','green'}",
    "{10,20} ForAnyOfAllValues:NumericLessThan {15,18}",
    "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags&$keys$&] ForAllOfAnyValues:StringEquals {'Project', 'Program'}",
    "Exists @Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:versionId]",
    "NOT Exists @Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:snapshot]",
    "@Environment[UtcNow] DateTimeGreaterThan '2023-05-01T00:00:00.0000000Z'",
    "@Environment[isPrivateLink] BoolEquals true",
];

#[test]
fn every_builtin_condition_parses_and_round_trips() {
    let roles = RoleSet::from_compact_json(crate::data::ROLES_JSON, "embedded").unwrap();
    let mut n = 0;
    for role in roles.roles() {
        let conditions = role
            .condition
            .iter()
            .chain(role.permissions.iter().filter_map(|b| b.condition.as_ref()));
        for text in conditions {
            round_trip(text);
            n += 1;
        }
    }
    assert!(n >= 25, "only {n} built-in conditions found");
}

#[test]
fn reference_examples_parse_and_round_trip() {
    for s in REFERENCE_EXAMPLES {
        let c = round_trip(s);
        assert!(c.warnings().is_empty(), "{s}: {:?}", c.warnings());
    }
}

#[test]
fn tree_shape_of_the_storage_example() {
    let c = parse(REFERENCE_EXAMPLES[0]);
    let blob_read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
    let expected = Expr::Or(vec![
        Expr::Not(Box::new(Expr::And(vec![
            Expr::ActionMatches(blob_read.into()),
            Expr::Not(Box::new(Expr::SubOperationMatches("Blob.List".into()))),
        ]))),
        Expr::Compare {
            left: Operand::Attr(Attr {
                source: Source::Resource,
                name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>".into(),
            }),
            op: Operator {
                quant: None,
                base: BaseOp::Known(KnownOp::parse("StringEqualsIgnoreCase").unwrap()),
            },
            right: Operand::Value(Value::Str("Cascade".into())),
        },
    ]);
    assert_eq!(c.expr(), &expected);
    assert_eq!(c.action_patterns(), vec![blob_read]);
}

#[test]
fn keywords_and_operators_ignore_case() {
    let a = parse("(!(ActionMatches{'a/b'})) OR (@Resource[x] BoolEquals true)");
    for s in [
        "(not (actionmatches{'a/b'})) or (@resource[x] boolequals TRUE)",
        "(NOT (ACTIONMATCHES{'a/b'})) || (@RESOURCE[x] BOOLEQUALS True)",
        "!(ActionMatches{'a/b'}) Or @Resource[x] BoolEquals true",
    ] {
        assert_eq!(parse(s).expr(), a.expr(), "{s}");
    }
    let b = parse("@Request[a] ForAnyOfAnyValues:GuidEquals {d715fb95a0f04f1c8be65ad2d2767f67}");
    let c = parse("@Request[a] foranyofanyvalues:guidequals{d715fb95a0f04f1c8be65ad2d2767f67}");
    assert_eq!(b.expr(), c.expr());
    assert!(b.to_string().contains("ForAnyOfAnyValues:GuidEquals"));
    // `&&` and `AND` build the same tree.
    assert_eq!(
        parse("ActionMatches{'a'} && ActionMatches{'b'}").expr(),
        parse("ActionMatches{'a'} and ActionMatches{'b'}").expr()
    );
}

#[test]
fn values_are_typed() {
    let c = parse(
        "{'s', 42, -7, true, FALSE, 5e467623-bb1f-42f4-a55d-6e525e11384b, d715fb95a0f04f1c8be65ad2d2767f67, 2023-05-01T00:00:00.0000000Z} StringEquals 'x'",
    );
    let Expr::Compare {
        left: Operand::Set(vs),
        ..
    } = c.expr()
    else {
        panic!("{c:?}")
    };
    assert_eq!(
        vs,
        &vec![
            Value::Str("s".into()),
            Value::Int(42),
            Value::Int(-7),
            Value::Bool(true),
            Value::Bool(false),
            Value::Guid("5e467623-bb1f-42f4-a55d-6e525e11384b".into()),
            Value::Guid("d715fb95a0f04f1c8be65ad2d2767f67".into()),
            Value::DateTime("2023-05-01T00:00:00.0000000Z".into()),
        ]
    );
}

#[test]
fn string_escapes() {
    let c = parse(r"@Resource[n] StringLike 'it\'s \\ a \* and \?'");
    let Expr::Compare {
        right: Operand::Value(Value::Str(s)),
        ..
    } = c.expr()
    else {
        panic!()
    };
    assert_eq!(s, r"it's \ a \* and \?");
    round_trip(r"@Resource[n] StringLike 'it\'s \\ a \* and \?'");
    round_trip("@Resource[n] StringEquals 'ünïcødé ✓ \u{202e}'");
}

#[test]
fn attribute_names_keep_special_characters() {
    for name in [
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags:Project<$key_case_sensitive$>",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags&$keys$&",
        "Microsoft.Directory/CustomSecurityAttributes/Id:Engineering_Project",
        "odd [nested] name",
    ] {
        let c = round_trip(&format!("Exists @Resource[{name}]"));
        assert_eq!(
            c.expr(),
            &Expr::Exists(Attr {
                source: Source::Resource,
                name: name.into()
            })
        );
    }
}

#[test]
fn mixing_and_or_without_parentheses_warns_and_and_binds_tighter() {
    let c = parse("ActionMatches{'a'} OR ActionMatches{'b'} AND ActionMatches{'c'}");
    assert_eq!(
        c.expr(),
        &Expr::Or(vec![
            Expr::ActionMatches("a".into()),
            Expr::And(vec![
                Expr::ActionMatches("b".into()),
                Expr::ActionMatches("c".into())
            ])
        ])
    );
    assert_eq!(c.warnings().len(), 1);
    assert!(c.warnings()[0].message.starts_with("ambiguous"));
    assert_eq!(c.warnings()[0].offset, 19);
    // Parenthesised: no warning.
    let ok = parse("ActionMatches{'a'} OR (ActionMatches{'b'} AND ActionMatches{'c'})");
    assert!(ok.warnings().is_empty());
    assert_eq!(ok.expr(), c.expr());
    // A single operator kind: no warning.
    assert!(
        parse("ActionMatches{'a'} OR ActionMatches{'b'} OR ActionMatches{'c'}")
            .warnings()
            .is_empty()
    );
}

#[test]
fn undocumented_operators_parse_with_a_warning() {
    for (s, needle) in [
        ("@Environment[ip] IpInRange '10.0.0.0/8'", "`IpInRange`"),
        ("@Request[x] StringContains 'a'", "`StringContains`"),
        (
            "@Request[x] ForAnyOfAnyValues:ListContains {'a'}",
            "`ListContains`",
        ),
        (
            "@Environment[t] TimeOfDayGreaterThan '10:00'",
            "`TimeOfDayGreaterThan`",
        ),
    ] {
        let c = round_trip(s);
        assert_eq!(c.warnings().len(), 1, "{s}");
        let w = &c.warnings()[0].message;
        assert!(
            w.contains("undocumented operator") && w.contains(needle),
            "{w}"
        );
        assert!(!w.contains("did you mean"), "{w}");
    }
    // A misspelt documented operator gets a suggestion and its offset.
    let c = parse("@Request[x] StringEqual 'a'");
    assert_eq!(c.warnings()[0].offset, 12);
    assert!(
        c.warnings()[0]
            .message
            .contains("did you mean `StringEquals`")
    );
    let c = parse("@Request[x] ForAnyOfAnyValues:GuidEqual {'a'}");
    assert_eq!(c.warnings()[0].offset, 30);
    assert!(c.warnings()[0].message.contains("`GuidEquals`"));
}

#[test]
fn undocumented_quantifier_combination_warns() {
    let c = parse("@Request[x] ForAnyOfAnyValues:BoolEquals {true}");
    assert_eq!(c.warnings().len(), 1);
    assert!(
        c.warnings()[0]
            .message
            .contains("not a documented combination")
    );
}

#[test]
fn errors_carry_offsets_and_messages() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "empty condition"),
        ("   ", 0, "empty condition"),
        (
            "ActionMatches{'a'",
            17,
            "expected `}` after ActionMatches pattern",
        ),
        ("ActionMatches('a')", 13, "expected `{` after ActionMatches"),
        (
            "ActionMatches{a}",
            14,
            "expected a quoted string after `ActionMatches{`",
        ),
        (
            "SubOperationMatches{'a' ",
            24,
            "expected `}` after SubOperationMatches pattern",
        ),
        (
            "(ActionMatches{'a'}",
            19,
            "expected `)` to close the `(` at byte 0",
        ),
        ("ActionMatches{'a'})", 18, "unbalanced `)`"),
        (
            "ActionMatches{'a'} ActionMatches{'b'}",
            19,
            "expected `AND`, `OR`",
        ),
        ("ActionMatches{'a'} AND", 22, "expected a condition"),
        ("'abc", 0, "unterminated string"),
        (
            "@Request[abc StringEquals 'a'",
            0,
            "unterminated attribute name",
        ),
        ("@Requst[a] StringEquals 'a'", 0, "did you mean `@Request`"),
        ("@Request a", 0, "expected `[` after `@Request`"),
        ("@Request[] BoolEquals true", 0, "empty attribute name"),
        ("@Request[a] 'b'", 12, "expected a comparison operator"),
        ("@Request[a] AND 'b'", 12, "expected a comparison operator"),
        (
            "@Request[a] ForAnyOfAnyValue:GuidEquals {x}",
            12,
            "did you mean `ForAnyOfAnyValues`",
        ),
        ("@Request[a] GuidEquals {}", 23, "empty set"),
        (
            "@Request[a] GuidEquals {'a' 'b'}",
            28,
            "expected `,` or `}`",
        ),
        (
            "@Request[a] NumericEquals 99999999999999999999",
            26,
            "out of range",
        ),
        ("ActionMatch{'a'}", 0, "did you mean `ActionMatches`"),
        ("Exists 'a'", 7, "expected an attribute"),
        (
            "ActionMatches{'a'} & ActionMatches{'b'}",
            19,
            "expected `&&`",
        ),
        (
            "ActionMatches{'a'} | ActionMatches{'b'}",
            19,
            "expected `||`",
        ),
        ("ActionMatches{'a'} ; x", 19, "unexpected character `;`"),
        ("ActionMatches{'é'} ≠", 20, "unexpected character `≠`"),
        ("@Request[a] 12-3 'b'", 12, "expected a comparison operator"),
    ];
    for (s, offset, needle) in cases {
        let e = err(s);
        assert!(e.message.contains(needle), "{s}: {e}");
        assert_eq!(e.offset, *offset, "{s}: {e}");
        assert!(s.is_char_boundary(e.offset.min(s.len())));
        assert!(!e.to_string().contains('\n'));
    }
    assert_eq!(
        err("ActionMatches{'abc'").to_string(),
        "expected `}` after ActionMatches pattern, found the end of the condition at byte 19"
    );
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let e = err(&"(".repeat(100_000));
    assert!(e.message.contains("at most 65536"), "{e}");
    for s in [
        "(".repeat(60_000),
        format!("{}ActionMatches{{'a'}}{}", "(".repeat(300), ")".repeat(300)),
        format!("{}ActionMatches{{'a'}}", "!".repeat(60_000)),
        format!("{}ActionMatches{{'a'}}", "NOT ".repeat(10_000)),
    ] {
        let e = err(&s);
        assert!(e.message.contains("nesting deeper than 256"), "{e}");
    }
    let ok = format!("{}ActionMatches{{'a'}}{}", "(".repeat(200), ")".repeat(200));
    assert_eq!(parse(&ok).expr(), &Expr::ActionMatches("a".into()));
}

#[test]
fn huge_input_is_refused() {
    let clause = "(ActionMatches{'a'}) AND ";
    let s = clause.repeat(MAX_LEN / clause.len() + 1);
    let e = err(&s);
    assert!(e.message.contains("at most 65536"), "{e}");
    // Just under the limit parses (a long flat AND chain is not deep).
    let s = format!(
        "{}ActionMatches{{'b'}}",
        clause.repeat((MAX_LEN - 30) / clause.len())
    );
    assert!(s.len() <= MAX_LEN);
    let c = parse(&s);
    assert!(matches!(c.expr(), Expr::And(items) if items.len() > 2000));
}

#[test]
fn delegation_of_the_rbac_admin_guard() {
    let c = parse(RBAC_ADMIN_GUARD);
    let names = |g: &str| {
        match g {
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" => Some("Owner"),
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" => Some("User Access Administrator"),
            "f58310d9-a9f6-439a-9e8d-f62e7b41a168" => {
                Some("Role Based Access Control Administrator")
            }
            _ => None,
        }
        .map(str::to_string)
    };
    let w = c.delegation(AssignmentAction::Write).unwrap();
    assert_eq!(
        w.roles,
        Constraint::AllExcept(vec![
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635".into(),
            "f58310d9-a9f6-439a-9e8d-f62e7b41a168".into(),
            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9".into(),
        ])
    );
    assert_eq!(
        w.describe(names),
        "may assign any role except Owner, Role Based Access Control Administrator, User Access Administrator"
    );
    let d = c.delegation(AssignmentAction::Delete).unwrap();
    assert_eq!(d.roles, w.roles);
    assert!(
        d.describe(names)
            .starts_with("may remove assignments of any role except Owner")
    );
}

#[test]
fn delegation_with_roles_principal_types_and_principals() {
    let c = parse(
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR \
         (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {A795C7A0-D4A2-40C1-AE25-D81F01202912, 5e467623bb1f42f4a55d6e525e11384b} \
         AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'user', 'Group'} \
         AND @Request[Microsoft.Authorization/roleAssignments:PrincipalId] ForAnyOfAnyValues:GuidEquals {11111111-1111-1111-1111-111111111111}))",
    );
    let w = c.delegation(AssignmentAction::Write).unwrap();
    assert_eq!(
        w.roles,
        Constraint::Only(vec![
            "a795c7a0-d4a2-40c1-ae25-d81f01202912".into(),
            "5e467623-bb1f-42f4-a55d-6e525e11384b".into()
        ])
    );
    assert_eq!(
        w.principal_types,
        Constraint::Only(vec!["User".into(), "Group".into()])
    );
    assert!(w.roles.allows("5e467623-bb1f-42f4-a55d-6e525e11384b"));
    assert!(!w.roles.allows("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"));
    let name = |g: &str| match g {
        "a795c7a0-d4a2-40c1-ae25-d81f01202912" => Some("Backup Reader".to_string()),
        "5e467623-bb1f-42f4-a55d-6e525e11384b" => Some("Backup Contributor".to_string()),
        _ => None,
    };
    assert_eq!(
        w.describe(name),
        "may assign only Backup Reader, Backup Contributor to User, Group (only principals 11111111-1111-1111-1111-111111111111)"
    );
    // The condition does not mention delete: unconstrained.
    let d = c.delegation(AssignmentAction::Delete).unwrap();
    assert!(d.is_unconstrained());
    assert_eq!(d.describe(|_| None), "may remove assignments of any role");
}

#[test]
fn delegation_of_builtin_shapes() {
    // Resilience roles: an extra conjunct on another attribute is kept as `also`.
    let c = parse(
        "@Resource[HasObotoken] boolequals true && (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {de754d53-652d-4c75-a67f-1e48d8b49c97})",
    );
    let w = c.delegation(AssignmentAction::Write).unwrap();
    assert_eq!(
        w.roles,
        Constraint::Only(vec!["de754d53-652d-4c75-a67f-1e48d8b49c97".into()])
    );
    assert_eq!(w.also.len(), 1);
    assert_eq!(
        w.to_string(),
        "may assign only de754d53-652d-4c75-a67f-1e48d8b49c97; only when @Resource[HasObotoken] BoolEquals true"
    );
    // GuidNotEquals single value, and two constraints combined.
    let c = parse(
        "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals \
         {11111111-1111-1111-1111-111111111111, 22222222-2222-2222-2222-222222222222} AND \
         @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidNotEquals 22222222-2222-2222-2222-222222222222)",
    );
    let w = c.delegation(AssignmentAction::Write).unwrap();
    assert_eq!(
        w.roles,
        Constraint::Only(vec!["11111111-1111-1111-1111-111111111111".into()])
    );
    // A disjunction over the modelled attributes is not summarised.
    let c = parse(
        "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidEquals 11111111-1111-1111-1111-111111111111) OR (@Request[Microsoft.Authorization/roleAssignments:PrincipalType] StringEqualsIgnoreCase 'User')",
    );
    assert_eq!(c.delegation(AssignmentAction::Write), None);
    // A condition false for the action: nothing may be assigned.
    let c = parse("ActionMatches{'Microsoft.Storage/*'}");
    let w = c.delegation(AssignmentAction::Write).unwrap();
    assert_eq!(w.describe(|_| None), "may assign no role");
}

#[test]
fn length_error_offset_is_a_char_boundary() {
    let s = "é".repeat(MAX_LEN);
    let e = err(&s);
    assert!(s.is_char_boundary(e.offset));
    assert!(e.offset <= MAX_LEN);
}

#[test]
fn every_builtin_delegation_condition_is_summarised() {
    let roles = RoleSet::from_compact_json(crate::data::ROLES_JSON, "embedded").unwrap();
    let mut constrained = 0;
    for role in roles.roles() {
        for text in role.permissions.iter().filter_map(|b| b.condition.as_ref()) {
            if !text.contains("roleAssignments:") {
                continue;
            }
            let c = parse(text);
            for a in AssignmentAction::BOTH {
                let d = c.delegation(a);
                let d = d.unwrap_or_else(|| panic!("{}: no summary for {a:?}", role.label()));
                if d.roles != Constraint::Any {
                    constrained += 1;
                }
            }
        }
    }
    assert!(constrained >= 25, "{constrained}");
}
