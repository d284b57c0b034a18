//! A tenant's authorization inventory read from offline exports: role assignments, custom
//! role definitions, group memberships, deny assignments and management groups, each kind
//! either supplied (from a named file) or missing — never silently assumed empty.

mod assignments;
mod deny;
pub mod fields;
mod groups;
mod keys;
mod mgs;
pub mod pim;
mod roles;

use super::assignment::lower_into;
use super::assignment::{Assignment, DenyAssignment, PrincipalType, Principals, RoleRef, StrArena};
use super::role::RoleDefinition;
use super::scope::ScopeTree;
use crate::error::Result;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// The five kinds of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    Assignments,
    Roles,
    Groups,
    Deny,
    ManagementGroups,
    /// PIM role eligibility schedule instances (or schedules).
    Eligible,
    /// PIM role assignment schedule instances (or schedules).
    PimAssignments,
}

impl InputKind {
    pub const ALL: [InputKind; 5] = [
        InputKind::Assignments,
        InputKind::Roles,
        InputKind::Groups,
        InputKind::Deny,
        InputKind::ManagementGroups,
    ];

    /// The PIM exports: optional tiers beside the core inputs.
    pub const PIM: [InputKind; 2] = [InputKind::Eligible, InputKind::PimAssignments];

    /// Every kind an inventory folder may hold.
    pub const EVERY: [InputKind; 7] = [
        InputKind::Assignments,
        InputKind::Roles,
        InputKind::Groups,
        InputKind::Deny,
        InputKind::ManagementGroups,
        InputKind::Eligible,
        InputKind::PimAssignments,
    ];

    /// The file name `--inventory DIR` reads.
    pub fn file_name(self) -> &'static str {
        match self {
            InputKind::Assignments => "assignments.json",
            InputKind::Roles => "roles.json",
            InputKind::Groups => "groups.json",
            InputKind::Deny => "deny-assignments.json",
            InputKind::ManagementGroups => "management-groups.json",
            InputKind::Eligible => "eligible-assignments.json",
            InputKind::PimAssignments => "pim-assignments.json",
        }
    }

    /// The command-line flag that supplies this kind as a file.
    pub fn flag(self) -> &'static str {
        match self {
            InputKind::Assignments => "--assignments",
            InputKind::Roles => "--roles",
            InputKind::Groups => "--groups",
            InputKind::Deny => "--deny",
            InputKind::ManagementGroups => "--management-groups",
            InputKind::Eligible => "--eligible",
            InputKind::PimAssignments => "--pim-assignments",
        }
    }

    /// The camelCase key used in JSON output.
    pub fn key(self) -> &'static str {
        match self {
            InputKind::Assignments => "assignments",
            InputKind::Roles => "roles",
            InputKind::Groups => "groups",
            InputKind::Deny => "denyAssignments",
            InputKind::ManagementGroups => "managementGroups",
            InputKind::Eligible => "eligibleAssignments",
            InputKind::PimAssignments => "pimAssignments",
        }
    }

    /// What an answer must say when this kind was not supplied.
    pub fn missing_statement(self) -> &'static str {
        match self {
            InputKind::Assignments => {
                "no role assignments supplied: nobody is shown with access (answers understate access)"
            }
            InputKind::Roles => {
                "no custom role definitions supplied: only built-in roles are known, assignments of other roles are not evaluated (answers may understate access)"
            }
            InputKind::Groups => {
                "no group memberships supplied: members of groups are not listed (answers understate access)"
            }
            InputKind::Deny => "no deny assignments supplied: answers may overstate access",
            InputKind::ManagementGroups => {
                "no management groups supplied: subscriptions are not placed under management groups, so grants at management groups are not applied (answers may understate access)"
            }
            InputKind::Eligible => {
                "no PIM eligibility export supplied (eligible-assignments.json): principals who could activate a role are not shown"
            }
            InputKind::PimAssignments => {
                "no PIM assignment export supplied (pim-assignments.json): time-bound and activated role assignments are not marked as such"
            }
        }
    }
}

/// Where one kind of input came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub origin: String,
    /// Records read (assignments, roles, groups, deny assignments, entities).
    pub count: usize,
}

/// A group's direct members, as the export lists them.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub principal: u32,
    pub members: Vec<u32>,
}

/// Everything read from the exports. Build with the `read_*` methods, then call
/// [`Inventory::finish`] once.
#[derive(Debug, Default)]
pub struct Inventory {
    pub principals: Principals,
    pub scopes: ScopeTree,
    pub assignments: Vec<Assignment>,
    pub assignment_names: StrArena,
    pub conditions: StrArena,
    pub role_refs: Vec<RoleRef>,
    role_ref_lookup: FxHashMap<Box<str>, u32>,
    role_ref_guids: FxHashMap<u128, u32>,
    /// Role definitions from the export (custom roles, and built-ins when the export has them).
    pub roles: Vec<RoleDefinition>,
    pub groups: Vec<Group>,
    group_lookup: HashMap<u32, usize>,
    pub denies: Vec<DenyAssignment>,
    /// PIM records (eligible and active), in input order.
    pub pim: Vec<pim::PimRecord>,
    /// Management-group export: child scope node → parent node (`None` for a top group).
    pub placement: HashMap<u32, Option<u32>>,
    pub sources: HashMap<InputKind, Source>,
    /// Remarks about the input (skipped rows, duplicates), for the answers' warnings.
    pub notes: Vec<String>,
    /// Remarks that make every answer incomplete: records that conflict, exports that are
    /// one page of several. Each names the file or records concerned.
    pub gaps: Vec<String>,
    /// Assignment name → the assignments kept under it (more than one when the copies
    /// differ in content).
    seen_guids: FxHashMap<u128, Vec<u32>>,
    seen_other: FxHashMap<Box<str>, Vec<u32>>,
    /// Names of assignments listed with different contents, and where.
    conflicting: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    /// Management-group placement as each record stated it: node → (parent, where stated).
    stated_parents: HashMap<u32, Vec<(Option<u32>, String)>>,
    key_buf: String,
    duplicates: usize,
    finished: bool,
}

impl Inventory {
    pub fn new() -> Inventory {
        Inventory::default()
    }

    /// Whether a kind of input was supplied.
    pub fn has(&self, kind: InputKind) -> bool {
        self.sources.contains_key(&kind)
    }

    fn record(&mut self, kind: InputKind, origin: &str, count: usize) {
        let s = self.sources.entry(kind).or_insert(Source {
            origin: String::new(),
            count: 0,
        });
        if !s.origin.is_empty() {
            s.origin.push_str(", ");
        }
        s.origin.push_str(origin);
        s.count += count;
    }

    /// Reads role assignments (az CLI list, REST objects or list responses, Resource Graph
    /// rows); `progress` is called with the running count now and then.
    pub fn read_assignments(
        &mut self,
        text: &str,
        origin: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        let before = self.assignments.len();
        assignments::parse(self, text, origin, progress)?;
        let n = self.assignments.len() - before;
        self.record(InputKind::Assignments, origin, n);
        Ok(n)
    }

    /// Reads role definitions (`az role definition list` output, REST, Resource Graph rows).
    pub fn read_roles(&mut self, text: &str, origin: &str) -> Result<usize> {
        let list = roles::parse(text, origin, &mut self.notes, &mut self.gaps)?;
        let n = list.len();
        self.roles.extend(list);
        self.record(InputKind::Roles, origin, n);
        Ok(n)
    }

    /// Reads group memberships: `[{"id", "displayName", "members": [directory objects]}]`.
    pub fn read_groups(
        &mut self,
        text: &str,
        origin: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        let n = groups::parse(self, text, origin, progress)?;
        self.record(InputKind::Groups, origin, n);
        Ok(n)
    }

    /// Reads deny assignments (REST objects or list response, or PowerShell objects).
    pub fn read_deny(&mut self, text: &str, origin: &str) -> Result<usize> {
        let n = deny::parse(self, text, origin)?;
        self.record(InputKind::Deny, origin, n);
        Ok(n)
    }

    /// Reads PIM role eligibility schedule instances (or schedules).
    pub fn read_eligible(&mut self, text: &str, origin: &str) -> Result<usize> {
        let n = pim::parse(self, text, origin, pim::PimKind::Eligible)?;
        self.record(InputKind::Eligible, origin, n);
        Ok(n)
    }

    /// Reads PIM role assignment schedule instances (or schedules).
    pub fn read_pim_assignments(&mut self, text: &str, origin: &str) -> Result<usize> {
        let n = pim::parse(self, text, origin, pim::PimKind::Active)?;
        self.record(InputKind::PimAssignments, origin, n);
        Ok(n)
    }

    /// Reads `az account management-group entities list` output (or the REST forms).
    pub fn read_management_groups(&mut self, text: &str, origin: &str) -> Result<usize> {
        let n = mgs::parse(self, text, origin)?;
        self.check_placement(origin)?;
        self.record(InputKind::ManagementGroups, origin, n);
        Ok(n)
    }

    /// Links the scope tree (management-group placement from the export) and records what
    /// reading noticed. Idempotent.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.scopes.link(&self.placement);
        if self.duplicates > 0 {
            self.notes.push(format!(
                "{} role assignments appear more than once in the input with the same contents; each is counted once",
                self.duplicates
            ));
        }
        if !self.conflicting.is_empty() {
            let n = self.conflicting.len();
            let shown: Vec<String> = self
                .conflicting
                .iter()
                .take(5)
                .map(|(name, at)| {
                    let at: Vec<&str> = at.iter().map(String::as_str).collect();
                    format!("{name} ({})", at.join(", "))
                })
                .collect();
            self.gaps.push(format!(
                "{} listed more than once with different contents (principal, role, scope or condition): every version is kept, as either could be the current one: {}{}",
                if n == 1 {
                    "1 role assignment name is".to_string()
                } else {
                    format!("{n} role assignment names are")
                },
                shown.join("; "),
                if n > 5 { format!("; and {} more", n - 5) } else { String::new() }
            ));
        }
        roles::merge_duplicates(&mut self.roles, &mut self.gaps, &mut self.notes);
        deny::settle_duplicates(self);
    }

    /// Adds definitions known from elsewhere (the embedded built-ins an export redefines
    /// differently) and merges them with the export's copies of the same GUID: the role then
    /// grants the union, and answers are incomplete (see `roles::merge_duplicates`).
    pub fn merge_definitions(&mut self, defs: Vec<RoleDefinition>) {
        if defs.is_empty() {
            return;
        }
        self.roles.extend(defs);
        roles::merge_duplicates(&mut self.roles, &mut self.gaps, &mut self.notes);
    }

    /// The group record of a principal, when the export lists its members.
    pub fn group(&self, principal: u32) -> Option<&Group> {
        self.group_lookup.get(&principal).map(|i| &self.groups[*i])
    }

    pub(crate) fn group_mut(&mut self, principal: u32) -> &mut Group {
        let next = self.groups.len();
        let i = *self.group_lookup.entry(principal).or_insert(next);
        if i == next {
            self.groups.push(Group {
                principal,
                members: Vec::new(),
            });
        }
        &mut self.groups[i]
    }

    /// The role reference of a `roleDefinitionId`, joined on its GUID.
    pub(crate) fn role_ref(&mut self, id: &str, name: Option<&str>) -> u32 {
        let t = id.trim();
        let slice = guid_slice(t);
        let known = match slice.and_then(guid_u128) {
            Some(g) => self.role_ref_guids.get(&g).copied(),
            None => self
                .role_ref_lookup
                .get(lower_into(t, &mut self.key_buf))
                .copied(),
        };
        let i = match known {
            Some(i) => i,
            None => {
                let i = self.role_refs.len() as u32;
                let key: Box<str> = lower_into(slice.unwrap_or(t), &mut self.key_buf).into();
                self.role_refs.push(RoleRef {
                    guid: key.clone(),
                    id: t.into(),
                    name: None,
                });
                match slice.and_then(guid_u128) {
                    Some(g) => {
                        self.role_ref_guids.insert(g, i);
                    }
                    None => {
                        self.role_ref_lookup.insert(key, i);
                    }
                }
                i
            }
        };
        if let Some(n) = name
            && !n.trim().is_empty()
            && self.role_refs[i as usize].name.is_none()
        {
            self.role_refs[i as usize].name = Some(n.trim().into());
        }
        i
    }

    /// Whether an assignment with this name and the same contents was kept before. A copy
    /// with other contents is kept too (the caller pushes it) and recorded as a conflict:
    /// which copy is current is unknown, so both may grant.
    pub(crate) fn is_duplicate(&mut self, name: &str, a: &Assignment, origin: &str) -> bool {
        let kept = match guid_u128(name) {
            Some(g) => self.seen_guids.entry(g).or_default(),
            None => self
                .seen_other
                .entry(name.to_ascii_lowercase().into())
                .or_default(),
        };
        let conditions = &self.conditions;
        let assignments = &self.assignments;
        let same = |b: &Assignment| {
            b.principal == a.principal
                && b.role == a.role
                && b.scope == a.scope
                && b.condition.map(|c| conditions.get(c).trim())
                    == a.condition.map(|c| conditions.get(c).trim())
        };
        if kept.iter().any(|i| same(&assignments[*i as usize])) {
            self.duplicates += 1;
            return true;
        }
        if !kept.is_empty() {
            self.conflicting
                .entry(name.to_ascii_lowercase())
                .or_default()
                .insert(origin.to_string());
        }
        kept.push(assignments.len() as u32);
        false
    }

    /// Records the parent one management-group record states for a node (`None`: it says
    /// the node is top-level); [`Inventory::check_placement`] refuses conflicting statements.
    pub(crate) fn state_parent(
        &mut self,
        node: u32,
        parent: Option<u32>,
        origin: &str,
        pointer: &str,
    ) {
        self.stated_parents
            .entry(node)
            .or_default()
            .push((parent, format!("{origin}: {pointer}")));
    }

    /// Records a node the management-group export lists without saying where it sits.
    pub(crate) fn list_unstated(&mut self, node: u32) {
        self.placement.entry(node).or_insert(None);
    }

    /// Sets `placement` from the stated parents, refusing a node stated under two parents
    /// and a cycle of management groups (either would leave grants unapplied).
    pub(crate) fn check_placement(&mut self, origin: &str) -> Result<()> {
        let mut nodes: Vec<u32> = self.stated_parents.keys().copied().collect();
        nodes.sort_unstable();
        for node in nodes {
            let stated = &self.stated_parents[&node];
            let mut parents: Vec<(Option<u32>, &str)> =
                stated.iter().map(|(p, at)| (*p, at.as_str())).collect();
            parents.sort_by_key(|(p, _)| *p);
            parents.dedup_by_key(|(p, _)| *p);
            if parents.len() > 1 {
                let name = |p: Option<u32>| match p {
                    Some(p) => crate::text::escape(self.scopes.display(p)).into_owned(),
                    None => "no parent (top level)".to_string(),
                };
                return Err(crate::error::Error::shape(
                    origin,
                    "",
                    format!(
                        "{} is placed under two parents, {} ({}) and {} ({}): a scope has one parent in Azure, so the export mixes snapshots taken at different times; export the hierarchy again",
                        crate::text::escape(self.scopes.display(node)),
                        name(parents[0].0),
                        parents[0].1,
                        name(parents[1].0),
                        parents[1].1,
                    ),
                ));
            }
            self.placement.insert(node, parents[0].0);
        }
        // A cycle of parents has no root and would leave its members unplaced: refuse it.
        // Each node has at most one parent, so one walk per node with colours is linear.
        let mut colour: FxHashMap<u32, u8> = FxHashMap::default();
        let mut nodes: Vec<u32> = self.placement.keys().copied().collect();
        nodes.sort_unstable();
        for start in nodes {
            let mut path = Vec::new();
            let mut cur = Some(start);
            while let Some(c) = cur {
                match colour.get(&c).copied().unwrap_or(0) {
                    2 => break,
                    1 => {
                        let from = path.iter().position(|x| *x == c).unwrap_or(0);
                        let mut names: Vec<String> = path[from..]
                            .iter()
                            .map(|n| crate::text::escape(self.scopes.display(*n)).into_owned())
                            .collect();
                        names.push(crate::text::escape(self.scopes.display(c)).into_owned());
                        return Err(crate::error::Error::shape(
                            origin,
                            "",
                            format!(
                                "management groups form a cycle ({}): the hierarchy has no root; export it again",
                                names.join(" → ")
                            ),
                        ));
                    }
                    _ => {
                        colour.insert(c, 1);
                        path.push(c);
                        cur = self.placement.get(&c).copied().flatten();
                    }
                }
            }
            for n in path {
                colour.insert(n, 2);
            }
        }
        Ok(())
    }

    pub(crate) fn set_principal(&mut self, id: &str, kind: PrincipalType) -> u32 {
        let i = self.principals.intern(id);
        self.principals.set_kind(i, kind);
        i
    }
}

/// A GUID (8-4-4-4-12 hex digits, any case) as a number, validated and parsed in one pass.
pub fn guid_u128(s: &str) -> Option<u128> {
    let b = s.trim().as_bytes();
    if b.len() != 36 {
        return None;
    }
    let mut v: u128 = 0;
    for (i, c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if *c != b'-' {
                return None;
            }
            continue;
        }
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | d as u128;
    }
    Some(v)
}

/// The GUID at the end of an id (`.../roleDefinitions/{guid}`), or the id itself when it is
/// a GUID; borrowed, case kept.
pub fn guid_slice(id: &str) -> Option<&str> {
    let last = id.trim().trim_end_matches('/').rsplit('/').next()?;
    guid_u128(last).map(|_| last)
}

#[cfg(test)]
mod tests;
