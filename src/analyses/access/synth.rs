//! Synthetic tenants for benches and tests: a seeded generator writing the five inventory
//! files in the real export shapes (`az role assignment list`, REST or Resource Graph rows;
//! `az role definition list`; group member lists; REST deny assignments; management-group
//! entities). Deterministic for a seed and a configuration.

use crate::data::Model;
use crate::model::catalog::OpId;
use crate::model::{Plane, RoleDefinition};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The export shape used for role assignments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `az role assignment list --all -o json`.
    Cli,
    /// REST objects in a list response (`{"value": [...]}`).
    Rest,
    /// Azure Resource Graph rows (`{"count", "data": [...]}`).
    Graph,
    /// A mix of the three row shapes (in a bare array).
    Mixed,
}

/// How big a tenant to generate.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    pub assignments: usize,
    /// Users and service principals (groups come on top).
    pub principals: usize,
    pub groups: usize,
    pub custom_roles: usize,
    pub deny_assignments: usize,
    pub shape: Shape,
}

impl Config {
    /// The proportions of the scale target (1,000,000 assignments over 200,000
    /// principals, 50,000 groups, 5,000 custom roles), scaled to `assignments`.
    pub fn scaled(seed: u64, assignments: usize) -> Config {
        let f = assignments as f64 / 1_000_000.0;
        Config {
            seed,
            assignments,
            principals: ((200_000.0 * f) as usize).max(8),
            groups: ((50_000.0 * f) as usize).max(4),
            custom_roles: ((5_000.0 * f) as usize).max(3),
            deny_assignments: ((200.0 * f) as usize).max(3),
            shape: Shape::Cli,
        }
    }
}

/// SplitMix64: small, fast, and good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// True with probability `p` percent.
    pub fn pct(&mut self, p: u64) -> bool {
        self.next_u64() % 100 < p
    }
}

/// A deterministic GUID for (seed, kind tag, index).
pub fn guid(seed: u64, tag: u64, i: u64) -> String {
    let mut r = Rng::new(
        seed.wrapping_mul(31)
            .wrapping_add(tag << 48)
            .wrapping_add(i),
    );
    let a = r.next_u64();
    let b = r.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

const TAG_SUB: u64 = 1;
const TAG_USER: u64 = 2;
const TAG_SP: u64 = 3;
const TAG_GROUP: u64 = 4;
const TAG_ROLE: u64 = 5;
const TAG_ASSIGNMENT: u64 = 6;
const TAG_DENY: u64 = 7;
const TAG_MISSING: u64 = 8;

/// Popular built-in roles, by name (those missing from the embedded data are skipped).
const POPULAR: &[&str] = &[
    "Reader",
    "Contributor",
    "Owner",
    "AzureML Data Scientist",
    "AzureML Compute Operator",
    "Storage Blob Data Reader",
    "Storage Blob Data Contributor",
    "User Access Administrator",
    "Key Vault Secrets User",
    "Monitoring Reader",
];

/// The tenant's layout, derived from the configuration.
struct Layout<'m> {
    cfg: Config,
    model: &'m Model,
    mgs: usize,
    subs: usize,
    rgs_per_sub: usize,
    users: usize,
    builtins: Vec<&'m RoleDefinition>,
    popular: Vec<&'m RoleDefinition>,
    tenant: String,
}

impl<'m> Layout<'m> {
    fn new(model: &'m Model, cfg: &Config) -> Layout<'m> {
        let subs = (cfg.assignments / 2500).clamp(2, 4000);
        Layout {
            cfg: cfg.clone(),
            model,
            mgs: (subs / 20).clamp(3, 500),
            subs,
            rgs_per_sub: 12,
            users: cfg.principals * 4 / 5,
            builtins: model.builtins.roles().iter().collect(),
            popular: POPULAR
                .iter()
                .filter_map(|n| model.builtins.by_name(n))
                .collect(),
            tenant: guid(cfg.seed, 0, 0),
        }
    }

    fn mg_id(&self, i: usize) -> String {
        if i == 0 {
            format!(
                "/providers/Microsoft.Management/managementGroups/{}",
                self.tenant
            )
        } else {
            format!("/providers/Microsoft.Management/managementGroups/mg-{i}")
        }
    }

    /// Parent of management group `i > 0`: an earlier group (so the hierarchy nests).
    fn mg_parent(&self, i: usize) -> usize {
        if i <= 2 {
            0
        } else {
            Rng::new(self.cfg.seed ^ (i as u64) << 8).below(i)
        }
    }

    fn sub_mg(&self, s: usize) -> usize {
        Rng::new(self.cfg.seed ^ 0xABCD ^ (s as u64) << 12).below(self.mgs)
    }

    fn sub_id(&self, s: usize) -> String {
        format!("/subscriptions/{}", guid(self.cfg.seed, TAG_SUB, s as u64))
    }

    /// A random scope below the root: management group, subscription, resource group,
    /// resource or child resource.
    fn scope(&self, r: &mut Rng) -> String {
        let level = r.below(100);
        if level < 3 {
            return self.mg_id(r.below(self.mgs));
        }
        let sub = self.sub_id(r.below(self.subs));
        if level < 20 {
            return sub;
        }
        let rg = format!("{sub}/resourceGroups/rg-{}", r.below(self.rgs_per_sub));
        if level < 65 {
            return rg;
        }
        let ws = format!(
            "{rg}/providers/Microsoft.MachineLearningServices/workspaces/ws-{}",
            r.below(3)
        );
        match level {
            65..=79 => ws,
            80..=89 => format!("{ws}/onlineEndpoints/ep-{}", r.below(4)),
            90..=94 => format!(
                "{rg}/providers/Microsoft.Storage/storageAccounts/st{}",
                r.below(3)
            ),
            _ => format!(
                "{rg}/providers/Microsoft.Storage/storageAccounts/st{}/blobServices/default/containers/{}",
                r.below(3),
                // Container 0 is the one the synthetic conditions name.
                match r.below(5) {
                    0 => "public".to_string(),
                    n => format!("c{n}"),
                }
            ),
        }
    }

    /// Principal `i` of `principals + groups`: (id, type, name).
    fn principal(&self, i: usize) -> (String, &'static str, String) {
        let seed = self.cfg.seed;
        if i < self.users {
            (
                guid(seed, TAG_USER, i as u64),
                "User",
                format!("user{i}@contoso.example"),
            )
        } else if i < self.cfg.principals {
            (
                guid(seed, TAG_SP, i as u64),
                "ServicePrincipal",
                format!("sp-{i}"),
            )
        } else {
            let g = i - self.cfg.principals;
            (guid(seed, TAG_GROUP, g as u64), "Group", format!("grp-{g}"))
        }
    }

    fn custom_role_guid(&self, i: usize) -> String {
        guid(self.cfg.seed, TAG_ROLE, i as u64)
    }

    fn random_op(&self, r: &mut Rng, plane: Plane) -> Option<&str> {
        let cat = self.model.index.catalog();
        let (lo, hi) = cat.plane_range(plane);
        if hi <= lo {
            return None;
        }
        Some(cat.name(lo + r.below((hi - lo) as usize) as OpId))
    }

    /// An entry derived from a catalog operation: itself, or a wildcard over its provider,
    /// resource type or verb.
    fn entry(&self, r: &mut Rng, plane: Plane) -> Option<String> {
        let op = self.random_op(r, plane)?;
        let segs: Vec<&str> = op.split('/').collect();
        Some(match r.below(10) {
            0 => format!("{}/*", segs[0]),
            1 if segs.len() > 2 => format!("{}/*/read", segs[0]),
            2 | 3 if segs.len() > 2 => format!("{}/*", segs[..segs.len() - 1].join("/")),
            _ => op.to_string(),
        })
    }

    fn custom_role(&self, i: usize) -> Value {
        let mut r = Rng::new(self.cfg.seed ^ 0x5EED ^ (i as u64) << 20);
        let id = self.custom_role_guid(i);
        let n = 2 + r.below(10);
        let actions: Vec<String> = (0..n)
            .filter_map(|_| self.entry(&mut r, Plane::Control))
            .collect();
        let not_actions: Vec<String> = if r.pct(30) {
            (0..1 + r.below(3))
                .filter_map(|_| self.entry(&mut r, Plane::Control))
                .collect()
        } else {
            Vec::new()
        };
        let mut data: Vec<String> = Vec::new();
        if r.pct(10) {
            data.extend((0..1 + r.below(3)).filter_map(|_| self.entry(&mut r, Plane::Data)));
        }
        let mut actions = actions;
        if r.pct(2) {
            actions.push(format!("Contoso.Internal/widgets{i}/read"));
        }
        let sub = self.sub_id(r.below(self.subs));
        json!({
            "assignableScopes": [sub],
            "createdBy": null,
            "createdOn": "2024-03-01T10:00:00.000000+00:00",
            "description": format!("synthetic custom role {i}"),
            "id": format!("{sub}/providers/Microsoft.Authorization/roleDefinitions/{id}"),
            "name": id,
            "permissions": [{"actions": actions, "condition": null, "conditionVersion": null,
                             "dataActions": data, "notActions": not_actions, "notDataActions": []}],
            "roleName": format!("Custom role {i}"),
            "roleType": "CustomRole",
            "type": "Microsoft.Authorization/roleDefinitions",
            "updatedBy": null,
            "updatedOn": "2024-03-01T10:00:00.000000+00:00"
        })
    }

    fn assignment(&self, i: usize, r: &mut Rng) -> Value {
        let seed = self.cfg.seed;
        let total = self.cfg.principals + self.cfg.groups;
        let p = match r.below(10) {
            0..=5 if self.cfg.groups > 0 => self.cfg.principals + r.below(self.cfg.groups),
            _ => r.below(self.cfg.principals.max(1)),
        }
        .min(total.saturating_sub(1));
        let (pid, ptype, pname) = self.principal(p);
        let scope = self.scope(r);
        let (role_guid, role_name) = match r.below(100) {
            0 => (guid(seed, TAG_MISSING, r.below(5) as u64), None),
            1..=30 if self.cfg.custom_roles > 0 => {
                let c = r.below(self.cfg.custom_roles);
                (self.custom_role_guid(c), Some(format!("Custom role {c}")))
            }
            31..=70 if !self.popular.is_empty() => {
                let b = self.popular[r.below(self.popular.len())];
                (b.guid.clone().unwrap_or_default(), b.name.clone())
            }
            _ => {
                let b = self.builtins[r.below(self.builtins.len())];
                (b.guid.clone().unwrap_or_default(), b.name.clone())
            }
        };
        let name = guid(seed, TAG_ASSIGNMENT, i as u64);
        let sub_for_role = self.sub_id(0);
        let role_id =
            format!("{sub_for_role}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}");
        let condition = if r.pct(2) {
            Some(
                "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'public'))",
            )
        } else {
            None
        };
        let ptype = if r.pct(1) { None } else { Some(ptype) };
        let id = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}");
        let shape = match self.cfg.shape {
            Shape::Mixed => [Shape::Cli, Shape::Rest, Shape::Graph][r.below(3)],
            s => s,
        };
        match shape {
            Shape::Cli | Shape::Mixed => json!({
                "canDelegate": null, "condition": condition,
                "conditionVersion": condition.map(|_| "2.0"),
                "createdBy": "00000000-1111-2222-3333-444444444444", "createdOn": "2024-05-01T12:00:00.000000+00:00",
                "delegatedManagedIdentityResourceId": null, "description": null,
                "id": id, "name": name, "principalId": pid,
                "principalName": pname,
                "principalType": ptype,
                "resourceGroup": scope.split('/').nth(4),
                "roleDefinitionId": role_id, "roleDefinitionName": role_name,
                "scope": scope, "type": "Microsoft.Authorization/roleAssignments",
                "updatedBy": "00000000-1111-2222-3333-444444444444", "updatedOn": "2024-05-01T12:00:00.000000+00:00"
            }),
            Shape::Rest => json!({
                "id": id, "name": name, "type": "Microsoft.Authorization/roleAssignments",
                "properties": {
                    "roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"),
                    "principalId": pid, "principalType": ptype, "scope": scope,
                    "condition": condition, "conditionVersion": condition.map(|_| "2.0"),
                    "createdOn": "2024-05-01T12:00:00.0000000Z", "updatedOn": "2024-05-01T12:00:00.0000000Z",
                    "createdBy": null, "updatedBy": null, "delegatedManagedIdentityResourceId": null, "description": null
                }
            }),
            Shape::Graph => json!({
                "id": id.to_ascii_lowercase(), "name": name, "type": "microsoft.authorization/roleassignments",
                "tenantId": self.tenant, "kind": "", "location": "", "resourceGroup": "", "subscriptionId": "",
                "managedBy": "", "sku": null, "plan": null, "tags": null, "identity": null, "zones": null, "extendedLocation": null,
                "properties": {
                    "roleDefinitionId": role_id.to_ascii_lowercase(), "principalId": pid, "principalType": ptype,
                    "scope": scope, "condition": condition, "conditionVersion": condition.map(|_| "2.0"),
                    "createdOn": "2024-05-01T12:00:00.0000000Z", "updatedOn": "2024-05-01T12:00:00.0000000Z"
                }
            }),
        }
    }

    /// Members of group `g`: users and service principals, nested groups with a higher
    /// index, and now and then a lower one (which makes cycles).
    fn group(&self, g: usize) -> Value {
        let mut r = Rng::new(self.cfg.seed ^ 0x6A0 ^ (g as u64) << 24);
        let (id, _, name) = self.principal(self.cfg.principals + g);
        let size = if r.pct(2) {
            200 + r.below(800)
        } else {
            2 + r.below(14)
        };
        let mut members = Vec::with_capacity(size);
        let odata = |t: &str| match t {
            "User" => "#microsoft.graph.user",
            "ServicePrincipal" => "#microsoft.graph.servicePrincipal",
            _ => "#microsoft.graph.group",
        };
        for _ in 0..size {
            let (mid, mtype, mname) = self.principal(r.below(self.cfg.principals.max(1)));
            let mut m = json!({"@odata.type": odata(mtype), "id": mid, "displayName": mname});
            if mtype == "User" {
                m["userPrincipalName"] = json!(mname);
            }
            members.push(m);
        }
        let groups = self.cfg.groups;
        if groups > 1 {
            for _ in 0..r.below(3) {
                let other = if r.pct(5) {
                    r.below(groups)
                } else {
                    g + 1 + r.below(groups)
                };
                if other < groups && other != g {
                    let (mid, _, mname) = self.principal(self.cfg.principals + other);
                    members.push(json!({"@odata.type": "#microsoft.graph.group", "id": mid, "displayName": mname}));
                }
            }
        }
        json!({"id": id, "displayName": name, "members": members})
    }

    fn deny(&self, i: usize) -> Value {
        let mut r = Rng::new(self.cfg.seed ^ 0xDE ^ (i as u64) << 28);
        // Managed applications and similar features lock resource groups and resources.
        let mut scope = self.scope(&mut r);
        while !scope.contains("/resourceGroups/") {
            scope = self.scope(&mut r);
        }
        let id = guid(self.cfg.seed, TAG_DENY, i as u64);
        let actions: Vec<String> = match r.below(5) {
            0 => vec!["*/delete".into()],
            1 => vec![
                "Microsoft.Authorization/*/write".into(),
                "Microsoft.Authorization/*/delete".into(),
            ],
            2 => vec!["*".into()],
            _ => (0..2)
                .filter_map(|_| self.entry(&mut r, Plane::Control))
                .collect(),
        };
        let not_actions: Vec<String> = if actions.len() == 1 && actions[0] == "*" {
            vec!["*/read".into()]
        } else {
            Vec::new()
        };
        let total_groups = self.cfg.groups.max(1);
        let group = |r: &mut Rng| {
            let (gid, _, gname) = self.principal(self.cfg.principals + r.below(total_groups));
            json!({"id": gid, "type": "Group", "displayName": gname})
        };
        let (principals, exclude) = if r.pct(60) {
            (
                vec![json!({"id": crate::model::assignment::EVERYONE, "type": "SystemDefined"})],
                vec![group(&mut r)],
            )
        } else {
            (vec![group(&mut r)], Vec::new())
        };
        let not_children = r.pct(20);
        // Some denies only audit (API 2024-07-01-preview and later).
        let effect = if r.pct(15) { "audit" } else { "enforced" };
        json!({
            "id": format!("{scope}/providers/Microsoft.Authorization/denyAssignments/{id}"),
            "name": id, "type": "Microsoft.Authorization/denyAssignments",
            "properties": {
                "denyAssignmentName": format!("synthetic deny {i}"), "description": "created by a managed application",
                "permissions": [{"actions": actions, "notActions": not_actions, "dataActions": [], "notDataActions": []}],
                "scope": scope, "doNotApplyToChildScopes": not_children,
                "principals": principals, "excludePrincipals": exclude, "isSystemProtected": true,
                "denyAssignmentEffect": effect
            }
        })
    }
}

fn write_item(w: &mut dyn Write, first: bool, v: &Value) -> io::Result<()> {
    if !first {
        w.write_all(b",\n")?;
    }
    serde_json::to_writer_pretty(&mut *w, v).map_err(io::Error::other)
}

/// The five writers of a tenant.
pub struct Writers<'a> {
    pub assignments: &'a mut dyn Write,
    pub roles: &'a mut dyn Write,
    pub groups: &'a mut dyn Write,
    pub deny: &'a mut dyn Write,
    pub management_groups: &'a mut dyn Write,
}

/// Writes a synthetic tenant; `progress` gets the number of assignments written so far.
pub fn generate(
    model: &Model,
    cfg: &Config,
    w: Writers<'_>,
    progress: &mut dyn FnMut(usize),
) -> io::Result<()> {
    let l = Layout::new(model, cfg);
    // Management groups and subscriptions.
    w.management_groups.write_all(b"[\n")?;
    for i in 0..l.mgs {
        let parent = if i == 0 {
            Value::Null
        } else {
            json!({"id": l.mg_id(l.mg_parent(i))})
        };
        let name = if i == 0 {
            l.tenant.clone()
        } else {
            format!("mg-{i}")
        };
        let v = json!({"displayName": if i == 0 { "Tenant Root Group".to_string() } else { name.clone() },
            "id": l.mg_id(i), "name": name, "parent": parent, "tenantId": l.tenant,
            "type": "Microsoft.Management/managementGroups"});
        write_item(w.management_groups, i == 0, &v)?;
    }
    for s in 0..l.subs {
        let id = l.sub_id(s);
        let v = json!({"displayName": format!("sub-{s}"), "id": id, "name": id.rsplit('/').next(),
            "parent": {"id": l.mg_id(l.sub_mg(s))}, "tenantId": l.tenant, "type": "/subscriptions"});
        write_item(w.management_groups, false, &v)?;
    }
    w.management_groups.write_all(b"\n]\n")?;
    // Custom roles.
    w.roles.write_all(b"[\n")?;
    for i in 0..cfg.custom_roles {
        write_item(w.roles, i == 0, &l.custom_role(i))?;
    }
    w.roles.write_all(b"\n]\n")?;
    // Groups.
    w.groups.write_all(b"[\n")?;
    for g in 0..cfg.groups {
        write_item(w.groups, g == 0, &l.group(g))?;
    }
    w.groups.write_all(b"\n]\n")?;
    // Deny assignments (REST list response).
    w.deny.write_all(b"{\"value\": [\n")?;
    for i in 0..cfg.deny_assignments {
        write_item(w.deny, i == 0, &l.deny(i))?;
    }
    w.deny.write_all(b"\n]}\n")?;
    // Role assignments.
    let (open, close): (&[u8], &[u8]) = match cfg.shape {
        Shape::Cli | Shape::Mixed => (b"[\n", b"\n]\n"),
        Shape::Rest => (b"{\"value\": [\n", b"\n]}\n"),
        Shape::Graph => (
            b"{\"count\": 0, \"data\": [\n",
            b"\n], \"skip_token\": null}\n",
        ),
    };
    w.assignments.write_all(open)?;
    let mut r = Rng::new(cfg.seed ^ 0xA55);
    for i in 0..cfg.assignments {
        write_item(w.assignments, i == 0, &l.assignment(i, &mut r))?;
        if i % 16384 == 0 {
            progress(i);
        }
    }
    w.assignments.write_all(close)?;
    progress(cfg.assignments);
    Ok(())
}

/// A tenant generated into memory: the five texts (assignments, roles, groups, deny
/// assignments, management groups).
pub fn generate_texts(model: &Model, cfg: &Config) -> io::Result<[String; 5]> {
    let mut bufs: [Vec<u8>; 5] = Default::default();
    let [a, r, g, d, m] = &mut bufs;
    generate(
        model,
        cfg,
        Writers {
            assignments: a,
            roles: r,
            groups: g,
            deny: d,
            management_groups: m,
        },
        &mut |_| {},
    )?;
    let mut out: [String; 5] = Default::default();
    for (o, b) in out.iter_mut().zip(bufs) {
        *o = String::from_utf8(b).map_err(io::Error::other)?;
    }
    Ok(out)
}
