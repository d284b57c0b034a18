//! Needs from what Azure said: the (operation, scope) pairs of pasted authorization errors
//! (`AuthorizationFailed`, `LinkedAuthorizationFailed`, Azure ML's permission errors, Key
//! Vault's `ForbiddenByRbac`, az CLI output wrapping them), as a needs file.

use crate::graph::Index;
use crate::model::Plane;

/// One operation an error says the caller lacked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub operation: String,
    /// The scope the operation was checked at, when the message names it.
    pub scope: Option<String>,
    /// The caller's object id, when the message names it.
    pub principal: Option<String>,
    /// Which message shape it came from (`AuthorizationFailed`, ...).
    pub kind: &'static str,
}

/// What the text held: the denied operations (in order, without duplicates) and remarks on
/// messages that name no operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub denied: Vec<Denied>,
    pub remarks: Vec<String>,
}

/// JSON escapes undone, and line breaks removed inside single-quoted tokens (clients wrap
/// long messages) and turned into spaces elsewhere.
fn normalise(text: &str) -> String {
    let t = text
        .replace("\\r\\n", "\n")
        .replace("\\n", "\n")
        .replace("\\\"", "\"")
        .replace("\\'", "'")
        .replace("\\\\", "\\");
    let mut out = String::with_capacity(t.len());
    let mut in_quote = false;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_quote = !in_quote;
                out.push(c);
            }
            '\r' | '\n' => {
                if in_quote {
                    while out.ends_with(' ') || out.ends_with('\t') {
                        out.pop();
                    }
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                } else {
                    // A new line ends any quote left open by an apostrophe in prose.
                    in_quote = false;
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The text between `open` (searched case-insensitively from `from`) and the next `close`.
fn between<'a>(
    s: &'a str,
    lower: &str,
    from: usize,
    open: &str,
    close: char,
) -> Option<(&'a str, usize)> {
    let start = lower[from..].find(&open.to_ascii_lowercase())? + from + open.len();
    let len = s[start..].find(close)?;
    Some((&s[start..start + len], start + len + 1))
}

/// Every authorization error in the text.
pub fn extract(text: &str) -> Extracted {
    let s = normalise(text);
    let lower = s.to_ascii_lowercase();
    let mut out = Extracted::default();
    let push = |out: &mut Extracted, d: Denied| {
        let dup = out
            .denied
            .iter()
            .any(|x| x.operation.eq_ignore_ascii_case(&d.operation) && x.scope == d.scope);
        if !dup && !d.operation.trim().is_empty() {
            out.denied.push(d);
        }
    };
    let oid_before = |at: usize| -> Option<String> {
        // The nearest "object id '...'" before `at` in the same message.
        let head = &lower[..at];
        let i = head.rfind("object id '")?;
        let start = i + "object id '".len();
        let end = s[start..].find('\'')? + start;
        Some(s[start..end].trim().to_string())
    };
    // LinkedAuthorizationFailed A: the caller lacks the linked action on the linked scopes.
    let mut at = 0;
    while let Some(i) = lower[at..].find("however, it does not have permission to perform action") {
        let i = i + at;
        let Some((action, next)) =
            between(&s, &lower, i, "perform action", '\'').and_then(|(_, n)| {
                // skip an optional "(s)" and the opening quote
                let q = s[n - 1..].find('\'')? + n - 1;
                let end = s[q + 1..].find('\'')? + q + 1;
                Some((&s[q + 1..end], end + 1))
            })
        else {
            break;
        };
        let scopes = between(&s, &lower, next, "linked scope(s) '", '\'').map(|(x, _)| x);
        for a in action.split(',') {
            for sc in scopes
                .map(|x| x.split(',').collect::<Vec<_>>())
                .unwrap_or_else(|| vec![""])
            {
                push(
                    &mut out,
                    Denied {
                        operation: a.trim().to_string(),
                        scope: Some(sc.trim().to_string()).filter(|x| !x.is_empty()),
                        principal: oid_before(i),
                        kind: "LinkedAuthorizationFailed",
                    },
                );
            }
        }
        at = next;
    }
    // LinkedAuthorizationFailed B: a tenant/subscription link, not a missing grant.
    if let Some(i) = lower.find("is not authorized to access linked subscription") {
        let sub = between(&s, &lower, i, "linked subscription '", '\'').map_or("?", |x| x.0);
        out.remarks.push(format!(
            "LinkedAuthorizationFailed: the tenant is not authorized to access linked subscription `{sub}`; that is a tenant or subscription link, not a missing role grant"
        ));
    }
    // AuthorizationFailed.
    let mut at = 0;
    while let Some(i) = lower[at..].find("does not have authorization to perform action '") {
        let i = i + at;
        let Some((action, next)) = between(&s, &lower, i, "perform action '", '\'') else {
            break;
        };
        let scope =
            between(&s, &lower, next, "over scope '", '\'').map(|(x, _)| x.trim().to_string());
        push(
            &mut out,
            Denied {
                operation: action.trim().to_string(),
                scope,
                principal: oid_before(i),
                kind: "AuthorizationFailed",
            },
        );
        at = next;
    }
    // Azure ML: Identity(object id: OID) does not have permissions for ACTION actions.
    let mut at = 0;
    while let Some(i) = lower[at..].find("identity(object id:") {
        let i = i + at;
        let oid =
            between(&s, &lower, i, "identity(object id:", ')').map(|(x, _)| x.trim().to_string());
        let rest = &lower[i..];
        let Some(j) = rest.find(" for ") else { break };
        let start = i + j + " for ".len();
        let end = s[start..]
            .find(char::is_whitespace)
            .map_or(s.len(), |e| e + start);
        if rest[..j].contains("does not have permission") {
            push(
                &mut out,
                Denied {
                    operation: s[start..end].trim_end_matches(['.', ',']).to_string(),
                    scope: None,
                    principal: oid,
                    kind: "Azure ML permission error",
                },
            );
        }
        at = end;
    }
    // Key Vault: Action: '...' / Resource: '...'.
    let mut at = 0;
    while let Some(i) = lower[at..].find("action: '") {
        let i = i + at;
        let Some((action, next)) = between(&s, &lower, i, "action: '", '\'') else {
            break;
        };
        let resource =
            between(&s, &lower, next, "resource: '", '\'').map(|(x, _)| x.trim().to_string());
        let principal = between(&s, &lower, 0, "oid=", ';').map(|(x, _)| x.trim().to_string());
        push(
            &mut out,
            Denied {
                operation: action.trim().to_string(),
                scope: resource,
                principal,
                kind: "ForbiddenByRbac",
            },
        );
        let deny = between(&s, &lower, next, "denyassignmentid:", ' ')
            .map(|(x, _)| x.trim().to_string())
            .filter(|x| !x.is_empty() && !x.eq_ignore_ascii_case("null"));
        if let Some(d) = deny {
            out.remarks.push(format!(
                "ForbiddenByRbac: deny assignment `{d}` blocked `{}`; a role grant does not lift it",
                action.trim()
            ));
        }
        at = next;
    }
    if lower.contains("not authorized to perform this operation using this permission") {
        out.remarks.push(
            "AuthorizationPermissionMismatch (Storage): the message names no operation; the data action follows from the request (a blob read needs Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read on the container)"
                .to_string(),
        );
    }
    out
}

/// The extracted operations as a needs file: a header, then per operation a comment with the
/// scope, principal and message kind and the operation (`data:` when the catalog lists it on
/// the data plane only); an operation the catalog lacks is said in a comment above it.
pub fn to_needs_text(index: &Index, origin: &str, x: &Extracted) -> String {
    let cat = index.catalog();
    let mut s =
        format!("# needs from the authorization errors in {origin} (azrbac needs from-error)\n");
    for r in &x.remarks {
        s.push_str(&format!("# note: {r}\n"));
    }
    for d in &x.denied {
        let at = d.scope.as_deref().unwrap_or("(the message names no scope)");
        let who = d
            .principal
            .as_deref()
            .map(|p| format!(", principal {p}"))
            .unwrap_or_default();
        s.push_str(&format!("# {}: at {at}{who}\n", d.kind));
        let control = cat.find(Plane::Control, &d.operation).is_some();
        let data = cat.find(Plane::Data, &d.operation).is_some();
        let name = match (control, data) {
            (false, true) => format!("data:{}", d.operation),
            (true, _) => d.operation.clone(),
            (false, false) => {
                let hint = crate::analyses::suggest::operation_either_plane(index, &d.operation)
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default();
                s.push_str(&format!("# not in the catalog{hint}\n"));
                d.operation.clone()
            }
        };
        s.push_str(&name);
        s.push('\n');
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn authorization_failed_wrapped_and_escaped() {
        let t = "ERROR: (AuthorizationFailed) The client 'a@b.com' with object id '11111111-1111-1111-1111-111111111111' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/data\n   stores/read' over scope '/subscriptions/x/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/datastores/d ' or the scope is invalid.";
        let x = extract(t);
        assert_eq!(x.denied.len(), 1);
        assert_eq!(
            x.denied[0].operation,
            "Microsoft.MachineLearningServices/workspaces/datastores/read"
        );
        assert!(
            x.denied[0]
                .scope
                .as_deref()
                .unwrap()
                .ends_with("/datastores/d")
        );
        assert_eq!(
            x.denied[0].principal.as_deref(),
            Some("11111111-1111-1111-1111-111111111111")
        );
        let j = r#"{"error":{"code":"AuthorizationFailed","message":"The client 'x' with object id 'o' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/read' over scope '/subscriptions/s' or the scope is invalid."}}"#;
        assert_eq!(
            extract(j).denied[0].operation,
            "Microsoft.Compute/virtualMachines/read"
        );
    }

    #[test]
    fn linked_and_ml_and_keyvault() {
        let a = "The client 'c' with object id 'o1' has permission to perform action 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write' on scope '/s/ep'; however, it does not have permission to perform action(s) 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '/s/id1,/s/id2' or the linked scope(s) are invalid.";
        let x = extract(a);
        assert_eq!(x.denied.len(), 2, "{x:?}");
        assert_eq!(x.denied[1].scope.as_deref(), Some("/s/id2"));
        let b = "The client has permission to perform action 'A/b/write' on scope '/s', however the current tenant 't' is not authorized to access linked subscription 'sub2'.";
        let x = extract(b);
        assert!(x.denied.is_empty());
        assert!(x.remarks[0].contains("sub2"));
        let ml = "UserError: Identity(object id: 22222222-2222-2222-2222-222222222222) does not have permissions for Microsoft.MachineLearningServices/workspaces/agents/action actions. Please refer to https://aka.ms/azureml-auth-troubleshooting";
        let x = extract(ml);
        assert_eq!(
            x.denied[0].operation,
            "Microsoft.MachineLearningServices/workspaces/agents/action"
        );
        let kv = "Caller is not authorized to perform action on resource.\\r\\nCaller: appid=a;oid=33;iss=i\\r\\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\\r\\nResource: '/subscriptions/s/resourcegroups/rg/providers/microsoft.keyvault/vaults/v/secrets/x'\\r\\nAssignment: (not found)\\r\\nDenyAssignmentId: null\\r\\n";
        let x = extract(kv);
        assert_eq!(
            x.denied[0].operation,
            "Microsoft.KeyVault/vaults/secrets/getSecret/action"
        );
        assert_eq!(x.denied[0].principal.as_deref(), Some("33"));
        assert!(x.remarks.is_empty());
        assert!(extract("nothing here").denied.is_empty());
    }
}
