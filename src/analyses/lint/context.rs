//! What the rules read about one role, computed once: every entry's catalog set on its own
//! plane and its classification (known, unknown, wrong plane, ...), and every block's grant
//! and exclusion sets. Rules never resolve a pattern themselves.

use super::LintEnv;
use crate::effective::{Effective, Resolver, expand};
use crate::model::{Entry, Field, Plane, RoleDefinition};
use fixedbitset::FixedBitSet;
use std::cell::OnceCell;

/// What an entry is, measured against the catalog on its own plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Placeholder text (`{name}`, `<id>`): reported as such, nothing else checked.
    Placeholder,
    /// The provider namespace (first segment) is not in the catalog.
    UnknownNamespace,
    /// No `/` and no `*`: not an operation name at all.
    NotAnOperation,
    /// A literal the catalog does not list on either plane.
    UnknownOperation,
    /// Matches nothing on its own plane, `other` operations on the other plane.
    WrongPlane { other: usize },
    /// A wildcard that matches nothing on either plane.
    NoMatch,
    /// Matches at least one catalog operation on its own plane.
    Known,
}

/// One entry of a permission list and what it matches.
#[derive(Debug)]
pub struct EntryFacts<'a> {
    pub block: usize,
    pub field: Field,
    /// Position in its list.
    pub index: usize,
    pub entry: &'a Entry,
    /// Catalog operations of the field's plane that the entry matches.
    pub set: FixedBitSet,
    pub count: usize,
    pub class: Class,
}

impl EntryFacts<'_> {
    pub fn plane(&self) -> Plane {
        self.field.plane()
    }

    /// The trimmed entry as written.
    pub fn text(&self) -> &str {
        self.entry.pattern.as_str()
    }

    pub fn is_grant(&self) -> bool {
        !self.field.is_exclusion()
    }
}

/// One permission block: what its grant lists and its exclusion lists match (both planes in
/// one id space; each entry's set is already restricted to its plane).
#[derive(Debug)]
pub struct BlockFacts {
    pub grants: FixedBitSet,
    pub exclusions: FixedBitSet,
    /// Lists of this block (by `Field` order) holding a value lint cannot read (an ARM
    /// expression, a variable): their sets are lower bounds.
    pub unresolved: [bool; 4],
}

impl BlockFacts {
    pub fn is_unresolved(&self, field: Field) -> bool {
        self.unresolved[field as usize]
    }
}

/// Everything the rules need about one role.
pub struct RoleCtx<'a> {
    pub env: &'a LintEnv<'a>,
    pub role: &'a RoleDefinition,
    /// Every entry, in block order, then field order (Actions, NotActions, DataActions,
    /// NotDataActions), then list order.
    pub entries: Vec<EntryFacts<'a>>,
    pub blocks: Vec<BlockFacts>,
    effective: OnceCell<Effective>,
}

impl<'a> RoleCtx<'a> {
    pub fn new<R: Resolver>(
        env: &'a LintEnv<'a>,
        role: &'a RoleDefinition,
        resolver: &R,
    ) -> RoleCtx<'a> {
        let index = &env.model.index;
        let catalog = index.catalog();
        let mode = env.model.mode;
        let mut entries = Vec::new();
        let mut blocks = Vec::with_capacity(role.permissions.len());
        for (b, block) in role.permissions.iter().enumerate() {
            let mut facts = BlockFacts {
                grants: index.empty_set(),
                exclusions: index.empty_set(),
                unresolved: Field::ALL.map(|f| unresolved_in(role, &block.pointer, f)),
            };
            for field in Field::ALL {
                let plane = field.plane();
                for (i, entry) in block.list(field).iter().enumerate() {
                    let mut set = index.empty_set();
                    let class = if has_placeholder(&entry.raw) {
                        Class::Placeholder
                    } else if entry
                        .pattern
                        .namespace()
                        .is_some_and(|ns| !catalog.has_provider(ns))
                    {
                        Class::UnknownNamespace
                    } else if entry.pattern.is_literal() && !entry.pattern.as_str().contains('/') {
                        Class::NotAnOperation
                    } else {
                        resolver.resolve_into(&entry.pattern, plane, mode, &mut set);
                        if !set.is_clear() {
                            Class::Known
                        } else {
                            let other_plane = other(plane);
                            let mut o = index.empty_set();
                            resolver.resolve_into(&entry.pattern, other_plane, mode, &mut o);
                            let other_count = o.count_ones(..);
                            if other_count > 0 {
                                Class::WrongPlane { other: other_count }
                            } else if entry.pattern.is_literal() {
                                Class::UnknownOperation
                            } else {
                                Class::NoMatch
                            }
                        }
                    };
                    if field.is_exclusion() {
                        facts.exclusions.union_with(&set);
                    } else {
                        facts.grants.union_with(&set);
                    }
                    let count = set.count_ones(..);
                    entries.push(EntryFacts {
                        block: b,
                        field,
                        index: i,
                        entry,
                        set,
                        count,
                        class,
                    });
                }
            }
            blocks.push(facts);
        }
        RoleCtx {
            env,
            role,
            entries,
            blocks,
            effective: OnceCell::new(),
        }
    }

    /// The role's effective permissions (computed on first use).
    pub fn effective(&self) -> &Effective {
        self.effective
            .get_or_init(|| expand(&self.env.model.index, self.role, self.env.model.mode))
    }

    /// Whether the role is (or is meant to be) a custom role. Only a role marked built-in whose
    /// GUID is one of Azure's built-in roles is exempt: nobody can create a built-in role, and
    /// `az role definition create` sends every role as custom whatever `IsCustom` says.
    pub fn is_custom(&self) -> bool {
        self.role.is_custom != Some(false)
            || self
                .role
                .guid
                .as_deref()
                .is_none_or(|g| self.env.model.builtins.by_guid(g).is_none())
    }

    /// The entries of one list of one block.
    pub fn list(&self, block: usize, field: Field) -> impl Iterator<Item = &EntryFacts<'a>> {
        self.entries
            .iter()
            .filter(move |e| e.block == block && e.field == field)
    }

    /// What an entry of a grant list really grants: its set minus its block's exclusions.
    pub fn granted_by(&self, e: &EntryFacts<'_>) -> FixedBitSet {
        let mut s = e.set.clone();
        s.difference_with(&self.blocks[e.block].exclusions);
        s
    }

    /// The name of a catalog operation.
    pub fn op_name(&self, id: usize) -> &str {
        self.env.model.index.catalog().name(id as u32)
    }

    /// Names of the operations in a set, in canonical order.
    pub fn names(&self, set: &FixedBitSet) -> Vec<String> {
        set.ones().map(|i| self.op_name(i).to_string()).collect()
    }
}

/// Whether `role.unresolved` names the list `field` of the block at `block_pointer`, or an
/// item of it. The parsers start each message with where the value is: a JSON pointer
/// (`/permissions/0/actions is the expression ...`) or a Terraform path
/// (`azurerm_role_definition.x.permissions[0].actions is ...`); a block's locator may carry
/// `@LINE:COLUMN`.
fn unresolved_in(role: &RoleDefinition, block_pointer: &str, field: Field) -> bool {
    let block_path = block_pointer.split('@').next().unwrap_or("");
    role.unresolved.iter().any(|u| {
        let pointer = u.split(' ').next().unwrap_or("");
        let Some(rest) = pointer
            .strip_prefix(block_path)
            .and_then(|r| r.strip_prefix('/').or_else(|| r.strip_prefix('.')))
        else {
            return false;
        };
        let key = rest.split(['/', '.', '[']).next().unwrap_or("");
        key.eq_ignore_ascii_case(field.name()) || key.eq_ignore_ascii_case(snake(field))
    })
}

/// Whether `role.unresolved` (or `role.symbolic`) names a value whose key (the last segment of its location, an
/// item index aside) is one of `keys`: `/properties/roleName`, `azurerm_role_definition.x.name`,
/// `/AssignableScopes`, `azurerm_role_definition.x.assignable_scopes[1]`.
pub fn unresolved_key(role: &RoleDefinition, keys: &[&str]) -> bool {
    role.unresolved.iter().chain(&role.symbolic).any(|u| {
        let at = u.split(' ').next().unwrap_or("");
        let segs: Vec<&str> = at
            .split(['/', '.'])
            .map(|s| s.split('[').next().unwrap_or(""))
            .filter(|s| !s.is_empty())
            .collect();
        let key = match segs.as_slice() {
            [.., k, last] if last.bytes().all(|b| b.is_ascii_digit()) => k,
            [.., last] => last,
            [] => return false,
        };
        keys.iter().any(|k| k.eq_ignore_ascii_case(key))
    })
}

/// The Terraform spelling of a list (`not_actions`).
fn snake(field: Field) -> &'static str {
    match field {
        Field::Actions => "actions",
        Field::NotActions => "not_actions",
        Field::DataActions => "data_actions",
        Field::NotDataActions => "not_data_actions",
    }
}

pub fn other(plane: Plane) -> Plane {
    match plane {
        Plane::Control => Plane::Data,
        Plane::Data => Plane::Control,
    }
}

/// The placeholder in a string: `{...}` or `<...>` with something inside, as in the
/// documentation's `{subscriptionId}` and `<resourceGroupName>`.
pub fn placeholder(s: &str) -> Option<&str> {
    for (open, close) in [('{', '}'), ('<', '>')] {
        if let Some(start) = s.find(open)
            && let Some(len) = s[start + 1..].find(close)
            && len > 0
        {
            // `${name}` is shown whole (found in the issue 15 trial: the `$` was dropped).
            let from = if open == '{' && s[..start].ends_with('$') {
                start - 1
            } else {
                start
            };
            return Some(&s[from..start + len + 2]);
        }
    }
    None
}

pub fn has_placeholder(s: &str) -> bool {
    placeholder(s).is_some()
}

/// Whether a value is an ARM template expression (`[subscription().id]`), which lint cannot
/// evaluate (AZR201 reports it).
pub fn is_expression(s: &str) -> bool {
    let t = s.trim();
    t.starts_with('[') && t.ends_with(']') && !t.starts_with("[[")
}

/// The assignable scopes lint can read: literal values, with their pointers.
pub fn literal_scopes(role: &RoleDefinition) -> impl Iterator<Item = (&str, &str)> {
    role.assignable_scopes
        .iter()
        .filter(|(s, _)| !is_expression(s))
        .map(|(s, p)| (s.as_str(), p.as_str()))
}

/// `Microsoft.X/*` → "operations"; used in messages: "control-plane" / "data-plane".
pub fn plane_word(plane: Plane) -> &'static str {
    match plane {
        Plane::Control => "control-plane",
        Plane::Data => "data-plane",
    }
}

/// Joins names as `a`, `b`, … and N more.
pub fn quote_list(names: &[String], max: usize) -> String {
    let shown: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    if names.len() > max {
        format!("{} and {} more", shown.join(", "), names.len() - max)
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert_eq!(
            placeholder("/subscriptions/${subscription_id}"),
            Some("${subscription_id}")
        );
        assert_eq!(
            placeholder("/subscriptions/<subscriptionId>"),
            Some("<subscriptionId>")
        );
        assert_eq!(
            placeholder("Microsoft.A/{operationName}/read"),
            Some("{operationName}")
        );
        assert_eq!(placeholder("Microsoft.A/b/read"), None);
        assert_eq!(placeholder("a{}b"), None);
        assert_eq!(placeholder("a>b<"), None);
    }

    #[test]
    fn unresolved_keys() {
        let mut role = RoleDefinition::empty(crate::model::RoleFormat::Terraform, "t.tf", "");
        role.unresolved = vec![
            "azurerm_role_definition.name.permissions[0].actions is `var.a`, not a literal list"
                .into(),
            "azurerm_role_definition.x.assignable_scopes[1] is `var.s`, not a literal".into(),
            "/properties/assignableScopes/0 is the expression `[x]`".into(),
        ];
        assert!(
            !unresolved_key(&role, &["name"]),
            "a resource named `name` is not the name"
        );
        assert!(unresolved_key(&role, &["assignable_scopes"]));
        assert!(unresolved_key(&role, &["assignableScopes"]));
        assert!(unresolved_key(&role, &["actions"]));
        assert!(!unresolved_key(&role, &["scope"]));
    }

    #[test]
    fn lists() {
        let n: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(quote_list(&n, 2), "`a`, `b` and 1 more");
        assert_eq!(quote_list(&n, 3), "`a`, `b`, `c`");
    }
}
