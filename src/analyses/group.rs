//! Grouping operation names by provider and resource type, for tables and summaries.

use crate::graph::resource_type_of;
use crate::model::catalog::canonical_cmp;
use std::collections::BTreeMap;

/// Operations of one resource type: the type and the verbs (`read`, `listKeys/action`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeGroup {
    pub resource_type: String,
    pub verbs: Vec<String>,
}

/// Operations of one provider, grouped by resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderGroup {
    pub provider: String,
    pub count: usize,
    pub types: Vec<TypeGroup>,
}

/// Resource types of one provider: sort key → (spelling, verbs).
type TypeMap = BTreeMap<String, (String, Vec<String>)>;

/// Groups names (any order) by provider (first segment) and resource type, sorted.
pub fn group_names<S: AsRef<str>>(names: &[S]) -> Vec<ProviderGroup> {
    let mut by: BTreeMap<String, (String, TypeMap)> = BTreeMap::new();
    for n in names {
        let n = n.as_ref();
        let provider = n.split('/').next().unwrap_or(n);
        let rt = resource_type_of(n);
        let verb = n.get(rt.len() + 1..).unwrap_or("").to_string();
        let p = by
            .entry(sort_key(provider))
            .or_insert_with(|| (provider.to_string(), BTreeMap::new()));
        let t =
            p.1.entry(sort_key(rt))
                .or_insert_with(|| (rt.to_string(), Vec::new()));
        t.1.push(verb);
    }
    by.into_values()
        .map(|(provider, types)| {
            let types: Vec<TypeGroup> = types
                .into_values()
                .map(|(resource_type, mut verbs)| {
                    verbs.sort_by(|a, b| canonical_cmp(a, b));
                    TypeGroup {
                        resource_type,
                        verbs,
                    }
                })
                .collect();
            ProviderGroup {
                provider,
                count: types.iter().map(|t| t.verbs.len()).sum(),
                types,
            }
        })
        .collect()
}

fn sort_key(s: &str) -> String {
    s.bytes()
        .map(|b| crate::model::catalog::sort_byte(b) as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups() {
        let g = group_names(&[
            "Microsoft.B/x/read",
            "Microsoft.A/y/listKeys/action",
            "Microsoft.A/y/read",
            "Microsoft.A/read",
        ]);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].provider, "Microsoft.A");
        assert_eq!(g[0].count, 3);
        assert_eq!(g[0].types[0].resource_type, "Microsoft.A");
        assert_eq!(g[0].types[1].verbs, vec!["listKeys/action", "read"]);
    }
}
