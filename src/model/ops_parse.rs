//! Reading provider operations exactly as the Azure CLI prints them
//! (`az provider operation show --namespace X` or `az provider operation list`).

use super::catalog::ProviderOps;
use super::json::{Obj, kind};
use crate::error::{Error, Result};
use serde_json::Value;

const PROVIDER_KEYS: &[&str] = &[
    "id",
    "name",
    "type",
    "displayName",
    "operations",
    "resourceTypes",
];
const RESOURCE_TYPE_KEYS: &[&str] = &["name", "displayName", "operations", "links", "locations"];
const OPERATION_KEYS: &[&str] = &[
    "name",
    "displayName",
    "description",
    "isDataAction",
    "origin",
    "properties",
    "actionType",
];

/// Parses one provider object or an array of providers. Operations are collected both from
/// the provider's own `operations` and from every `resourceTypes[].operations`.
pub fn parse_provider_operations(value: &Value, origin: &str) -> Result<Vec<ProviderOps>> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| parse_provider(v, origin, &format!("/{i}")))
            .collect(),
        Value::Object(_) => Ok(vec![parse_provider(value, origin, "")?]),
        other => Err(Error::shape(
            origin,
            "",
            format!(
                "expected a provider object or an array of providers, found {}",
                kind(other)
            ),
        )),
    }
}

fn parse_provider(value: &Value, origin: &str, pointer: &str) -> Result<ProviderOps> {
    let p = Obj::new(value, origin, pointer, "provider")?;
    p.deny_unknown(PROVIDER_KEYS, "provider")?;
    let name = p
        .opt_str("name")?
        .ok_or_else(|| Error::shape(origin, pointer, "provider has no `name`"))?
        .to_string();
    let mut out = ProviderOps {
        name,
        operations: Vec::new(),
    };
    collect_ops(&p, &mut out)?;
    if let Some((k, rts)) = p.get("resourceTypes") {
        let base = p.child_pointer(k);
        match rts {
            Value::Null => {}
            Value::Array(items) => {
                for (i, rt) in items.iter().enumerate() {
                    let r = Obj::new(rt, origin, &format!("{base}/{i}"), "resource type")?;
                    r.deny_unknown(RESOURCE_TYPE_KEYS, "resource type")?;
                    collect_ops(&r, &mut out)?;
                }
            }
            other => {
                return Err(Error::shape(
                    origin,
                    &base,
                    format!("`resourceTypes` must be an array, found {}", kind(other)),
                ));
            }
        }
    }
    Ok(out)
}

fn collect_ops(parent: &Obj<'_>, out: &mut ProviderOps) -> Result<()> {
    let origin = parent.origin;
    let Some((k, ops)) = parent.get("operations") else {
        return Ok(());
    };
    let base = parent.child_pointer(k);
    let items = match ops {
        Value::Null => return Ok(()),
        Value::Array(items) => items,
        other => {
            return Err(Error::shape(
                origin,
                &base,
                format!("`operations` must be an array, found {}", kind(other)),
            ));
        }
    };
    for (i, op) in items.iter().enumerate() {
        let pointer = format!("{base}/{i}");
        let o = Obj::new(op, origin, &pointer, "operation")?;
        o.deny_unknown(OPERATION_KEYS, "operation")?;
        let name = o
            .opt_str("name")?
            .ok_or_else(|| Error::shape(origin, &pointer, "operation has no `name`"))?;
        let name = name.trim();
        if name.is_empty() || name.contains('*') || name.chars().any(char::is_whitespace) {
            return Err(Error::shape(
                origin,
                &pointer,
                format!("`{name}` is not an operation name"),
            ));
        }
        let is_data = o.opt_bool("isDataAction")?.unwrap_or(false);
        let description = o.opt_str("description")?.map(str::to_string);
        out.operations
            .push((name.to_string(), is_data, description));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_provider_and_resource_type_operations() {
        let v: Value = serde_json::from_str(r#"{"name":"Microsoft.A","displayName":"A","operations":[{"name":"Microsoft.A/register/action","isDataAction":false,"description":"d"}],
          "resourceTypes":[{"name":"x","operations":[{"name":"Microsoft.A/x/read","isDataAction":false},{"name":"Microsoft.A/x/blobs/read","isDataAction":true}]}]}"#).unwrap();
        let p = parse_provider_operations(&v, "a.json").unwrap();
        assert_eq!(p[0].operations.len(), 3);
        assert!(p[0].operations[2].1);
        assert_eq!(p[0].operations[0].2.as_deref(), Some("d"));
    }

    #[test]
    fn rejects_bad_shapes() {
        let v: Value = serde_json::from_str(
            r#"{"name":"Microsoft.A","operations":[{"name":"Microsoft.A/*"}]}"#,
        )
        .unwrap();
        assert!(parse_provider_operations(&v, "a.json").is_err());
        let v: Value = serde_json::from_str(r#"{"operations":[]}"#).unwrap();
        assert_eq!(
            parse_provider_operations(&v, "a.json")
                .unwrap_err()
                .to_string(),
            "a.json: provider has no `name`"
        );
        let v: Value = serde_json::from_str(r#"{"name":"A","operations":{}}"#).unwrap();
        assert!(parse_provider_operations(&v, "a.json").is_err());
    }
}
