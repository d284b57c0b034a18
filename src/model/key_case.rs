//! Keys the Azure CLI would not read: `az role definition create` matches top-level keys after
//! lower-casing only their first letter (`NotActions` and `notActions` both work, `notactions`
//! does not) and keys inside `permissions[]` exactly (camelCase). azrbac reads keys ignoring
//! case, as PowerShell and ARM do; these notes let lint say where the CLI would differ.

use super::json::Obj;
use super::role::KeyCase;
use serde_json::Value;

/// Top-level keys the CLI reads (canonical spellings), and what it does without them.
const TOP: &[(&str, &str)] = &[
    (
        "Name",
        "the CLI rejects the role (`please provide role name`)",
    ),
    (
        "roleName",
        "the CLI reads the display name from `name` instead",
    ),
    ("Id", "the CLI cannot find the role to update"),
    ("Description", "the role has no description"),
    ("Actions", "the role grants none of these operations"),
    (
        "NotActions",
        "none of these exclusions apply: the role grants more than this file shows",
    ),
    (
        "DataActions",
        "the role grants none of these data operations",
    ),
    (
        "NotDataActions",
        "none of these exclusions apply: the role grants more than this file shows",
    ),
    (
        "AssignableScopes",
        "the CLI rejects the role (`please provide 'assignableScopes'`)",
    ),
    ("permissions", "the role grants nothing"),
    ("Condition", "the condition is dropped"),
    ("ConditionVersion", "the condition version is dropped"),
];

/// Keys of a permission block (read exactly as written).
const BLOCK: &[(&str, &str)] = &[
    ("actions", "the block grants none of these operations"),
    (
        "notActions",
        "none of these exclusions apply: the role grants more than this file shows",
    ),
    (
        "dataActions",
        "the block grants none of these data operations",
    ),
    (
        "notDataActions",
        "none of these exclusions apply: the role grants more than this file shows",
    ),
    ("condition", "the condition is dropped"),
    ("conditionVersion", "the condition version is dropped"),
];

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Notes for the keys of a role in the `az role definition create` or `list` shape.
pub fn cli_keys(obj: &Obj<'_>) -> Vec<KeyCase> {
    let mut out = Vec::new();
    for (canon, effect) in TOP {
        if let Some((written, _)) = obj.get(canon)
            && lower_first(written) != lower_first(canon)
        {
            out.push(KeyCase {
                pointer: obj.child_pointer(written),
                written: written.to_string(),
                accepted: if canon.starts_with(|c: char| c.is_ascii_uppercase()) {
                    format!("`{canon}` or `{}`", lower_first(canon))
                } else {
                    format!("`{canon}`")
                },
                effect,
            });
        }
    }
    if let Some((pk, Value::Array(blocks))) = obj.get("permissions") {
        for (i, b) in blocks.iter().enumerate() {
            let Value::Object(map) = b else { continue };
            for (canon, effect) in BLOCK {
                if let Some(written) = map.keys().find(|k| k.eq_ignore_ascii_case(canon))
                    && written != canon
                {
                    out.push(KeyCase {
                        pointer: format!("{}/{i}/{}", obj.child_pointer(pk), written),
                        written: written.clone(),
                        accepted: format!("`{canon}`"),
                        effect,
                    });
                }
            }
        }
    }
    out
}

/// The role as `az role definition create` would read it: every list, condition or block
/// whose key the CLI ignores (see [`cli_keys`]) left out. `None` when the CLI reads every
/// key. A role deployed with the CLI grants what this reading grants; deployed with
/// PowerShell or ARM, what the role itself grants. Analyses that must not understate
/// access take both.
pub fn cli_reading(role: &super::role::RoleDefinition) -> Option<super::role::RoleDefinition> {
    if role.key_case.is_empty() {
        return None;
    }
    let mut r = role.clone();
    let under =
        |pointer: &str, key: &str| pointer == key || pointer.starts_with(&format!("{key}/"));
    for kc in &role.key_case {
        let key = kc.pointer.as_str();
        for b in &mut r.permissions {
            for f in super::role::Field::ALL {
                b.list_mut(f).retain(|e| !under(&e.pointer, key));
            }
            if kc.written.eq_ignore_ascii_case("condition") && under(key, &b.pointer) {
                b.condition = None;
            }
        }
        if kc.written.eq_ignore_ascii_case("condition")
            && key.trim_start_matches(&role.pointer).matches('/').count() == 1
        {
            r.condition = None;
        }
        // A `permissions` array the CLI does not read: the role grants nothing.
        if kc.written.eq_ignore_ascii_case("permissions") {
            r.permissions.clear();
        }
    }
    Some(r)
}
