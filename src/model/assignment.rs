//! Principals, role assignments and deny assignments as the inventory holds them: compact,
//! interned records (a tenant export has millions of them).

use super::role::RoleDefinition;
use rustc_hash::FxHashMap;

/// The id Azure uses in deny assignments for "all principals".
pub const EVERYONE: &str = "00000000-0000-0000-0000-000000000000";

/// A directory object's type, as exports name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PrincipalType {
    /// No input said what this principal is.
    #[default]
    Unknown,
    User,
    Group,
    ServicePrincipal,
    ForeignGroup,
    Device,
    /// The deny-assignment "all principals" entry (`SystemDefined`).
    Everyone,
    /// Any other type string, as written.
    Other(Box<str>),
}

impl PrincipalType {
    /// Parses `principalType` (`User`, `Group`, ...) or `@odata.type`
    /// (`#microsoft.graph.user`, ...), ignoring case.
    pub fn parse(s: &str) -> PrincipalType {
        let t = s.trim();
        let base = t
            .strip_prefix('#')
            .map(|x| x.rsplit('.').next().unwrap_or(x))
            .unwrap_or(t);
        const KNOWN: [(&str, PrincipalType); 6] = [
            ("user", PrincipalType::User),
            ("group", PrincipalType::Group),
            ("serviceprincipal", PrincipalType::ServicePrincipal),
            ("foreigngroup", PrincipalType::ForeignGroup),
            ("device", PrincipalType::Device),
            ("systemdefined", PrincipalType::Everyone),
        ];
        if base.is_empty() {
            return PrincipalType::Unknown;
        }
        KNOWN
            .iter()
            .find(|(k, _)| base.eq_ignore_ascii_case(k))
            .map_or_else(|| PrincipalType::Other(t.into()), |(_, v)| v.clone())
    }

    pub fn as_str(&self) -> &str {
        match self {
            PrincipalType::Unknown => "Unknown",
            PrincipalType::User => "User",
            PrincipalType::Group => "Group",
            PrincipalType::ServicePrincipal => "ServicePrincipal",
            PrincipalType::ForeignGroup => "ForeignGroup",
            PrincipalType::Device => "Device",
            PrincipalType::Everyone => "SystemDefined",
            PrincipalType::Other(s) => s,
        }
    }

    /// Whether principals of this type can have members.
    pub fn is_group(&self) -> bool {
        matches!(self, PrincipalType::Group | PrincipalType::ForeignGroup)
    }
}

/// One directory object.
#[derive(Debug, Clone, Default)]
pub struct Principal {
    /// The id as first written.
    pub id: Box<str>,
    pub kind: PrincipalType,
    /// Display name (`displayName`, or `principalName` when nothing better is known).
    pub name: Option<Box<str>>,
    /// Sign-in name (`userPrincipalName`, or the CLI's `principalName`).
    pub upn: Option<Box<str>>,
}

/// Principals interned by id (ASCII case ignored).
#[derive(Debug, Clone, Default)]
pub struct Principals {
    list: Vec<Principal>,
    lookup: FxHashMap<Box<str>, u32>,
    /// Ids that are GUIDs (almost all), by value: no string key to hash or compare.
    guids: FxHashMap<u128, u32>,
    buf: String,
}

/// `s` lower-cased into `buf` (reused, so interning allocates only for new keys).
pub(crate) fn lower_into<'a>(s: &'a str, buf: &'a mut String) -> &'a str {
    if !s.bytes().any(|b| b.is_ascii_uppercase()) {
        return s;
    }
    buf.clear();
    buf.push_str(s);
    buf.make_ascii_lowercase();
    buf
}

impl Principals {
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, i: u32) -> &Principal {
        &self.list[i as usize]
    }

    pub fn all(&self) -> &[Principal] {
        &self.list
    }

    /// The index of an id, adding it when new.
    pub fn intern(&mut self, id: &str) -> u32 {
        let t = id.trim();
        let i = self.list.len() as u32;
        if let Some(g) = super::inventory::guid_u128(t) {
            match self.guids.entry(g) {
                std::collections::hash_map::Entry::Occupied(e) => return *e.get(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        } else {
            let key = lower_into(t, &mut self.buf);
            if let Some(i) = self.lookup.get(key) {
                return *i;
            }
            self.lookup.insert(Box::from(key), i);
        }
        self.list.push(Principal {
            id: t.into(),
            ..Principal::default()
        });
        i
    }

    pub fn find(&self, id: &str) -> Option<u32> {
        match super::inventory::guid_u128(id) {
            Some(g) => self.guids.get(&g).copied(),
            None => self
                .lookup
                .get(id.trim().to_ascii_lowercase().as_str())
                .copied(),
        }
    }

    /// Records a type; a known type is never replaced by `Unknown`, and `Group` wins over a
    /// less specific statement.
    pub fn set_kind(&mut self, i: u32, kind: PrincipalType) {
        let p = &mut self.list[i as usize];
        if kind == PrincipalType::Unknown {
            return;
        }
        if p.kind == PrincipalType::Unknown || (kind.is_group() && !p.kind.is_group()) {
            p.kind = kind;
        }
    }

    /// Records a display name when none is known yet.
    pub fn set_name(&mut self, i: u32, name: &str) {
        let p = &mut self.list[i as usize];
        if p.name.is_none() && !name.trim().is_empty() {
            p.name = Some(name.trim().into());
        }
    }

    /// Records a sign-in name when none is known yet.
    pub fn set_upn(&mut self, i: u32, upn: &str) {
        let p = &mut self.list[i as usize];
        if p.upn.is_none() && !upn.trim().is_empty() {
            p.upn = Some(upn.trim().into());
        }
    }

    /// Principals whose display or sign-in name equals `name` (ASCII case ignored).
    pub fn by_name(&self, name: &str) -> Vec<u32> {
        let n = name.trim();
        (0..self.list.len() as u32)
            .filter(|i| {
                let p = &self.list[*i as usize];
                p.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n))
                    || p.upn.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n))
            })
            .collect()
    }
}

/// Many short strings in one buffer (assignment names, conditions).
#[derive(Debug, Clone, Default)]
pub struct StrArena {
    buf: String,
    ends: Vec<usize>,
}

impl StrArena {
    pub fn push(&mut self, s: &str) -> u32 {
        self.buf.push_str(s);
        self.ends.push(self.buf.len());
        (self.ends.len() - 1) as u32
    }

    /// Pushes `s` lower-cased (ASCII).
    pub fn push_lower(&mut self, s: &str) -> u32 {
        let start = self.buf.len();
        self.buf.push_str(s);
        self.buf[start..].make_ascii_lowercase();
        self.ends.push(self.buf.len());
        (self.ends.len() - 1) as u32
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// A role definition as an assignment names it: joined on the GUID, whatever the prefix.
#[derive(Debug, Clone)]
pub struct RoleRef {
    /// Lower-cased GUID (or the id as written when it has no GUID).
    pub guid: Box<str>,
    /// The id as first written.
    pub id: Box<str>,
    /// `roleDefinitionName` when the export carries it.
    pub name: Option<Box<str>>,
}

/// One role assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    /// Index into the inventory's assignment-name arena (the GUID, or the id as written).
    pub name: u32,
    pub principal: u32,
    /// Scope-tree node.
    pub scope: u32,
    /// Index into the inventory's role references.
    pub role: u32,
    /// Index into the inventory's condition arena.
    pub condition: Option<u32>,
}

/// One deny assignment. Its permissions are held as a role definition so that the role
/// algebra (and provenance) applies unchanged: `Actions − NotActions` is what it denies.
#[derive(Debug, Clone)]
pub struct DenyAssignment {
    pub id: String,
    pub name: Option<String>,
    /// Scope-tree node.
    pub scope: u32,
    pub permissions: RoleDefinition,
    pub principals: Vec<u32>,
    /// `principals` names the everyone id.
    pub everyone: bool,
    pub exclude: Vec<u32>,
    pub do_not_apply_to_child_scopes: bool,
    pub condition: Option<String>,
    /// `denyAssignmentEffect`: whether the deny blocks or only logs.
    pub effect: DenyEffect,
    /// `isSystemProtected`: created by Azure (managed applications, blueprints); `false` for
    /// user-assigned denies, `None` when the export does not say.
    pub system_protected: Option<bool>,
}

/// What a deny assignment does when it matches (`denyAssignmentEffect`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum DenyEffect {
    /// Blocks the request. Also the reading of a missing effect: exports from API versions
    /// before 2024-07-01-preview have no such field, and every deny then blocked.
    #[default]
    Enforced,
    /// Logs the request and lets it through: never blocks.
    Audit,
    /// A value azrbac does not know: it may block, so the deny is "possibly denied".
    Other(String),
}

impl DenyEffect {
    pub fn parse(s: &str) -> DenyEffect {
        let t = s.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("enforced") {
            DenyEffect::Enforced
        } else if t.eq_ignore_ascii_case("audit") {
            DenyEffect::Audit
        } else {
            DenyEffect::Other(t.to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            DenyEffect::Enforced => "enforced",
            DenyEffect::Audit => "audit",
            DenyEffect::Other(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_types() {
        assert_eq!(
            PrincipalType::parse("#microsoft.graph.servicePrincipal"),
            PrincipalType::ServicePrincipal
        );
        assert_eq!(PrincipalType::parse("user"), PrincipalType::User);
        assert_eq!(
            PrincipalType::parse("SystemDefined"),
            PrincipalType::Everyone
        );
        assert_eq!(
            PrincipalType::parse("#microsoft.graph.orgContact").as_str(),
            "#microsoft.graph.orgContact"
        );
        assert_eq!(PrincipalType::parse(""), PrincipalType::Unknown);
    }

    #[test]
    fn interning_ignores_case() {
        let mut p = Principals::default();
        let a = p.intern("AB-cd");
        assert_eq!(p.intern(" ab-CD "), a);
        p.set_kind(a, PrincipalType::User);
        p.set_kind(a, PrincipalType::Unknown);
        assert_eq!(p.get(a).kind, PrincipalType::User);
        p.set_name(a, "Alice");
        assert_eq!(p.by_name("alice"), vec![a]);
        let mut s = StrArena::default();
        let x = s.push("one");
        let y = s.push("");
        let z = s.push("three");
        assert_eq!((s.get(x), s.get(y), s.get(z)), ("one", "", "three"));
    }
}
