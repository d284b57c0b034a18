//! The privileged-access review of a tenant (or of one scope and everything under it): every
//! principal that holds, or could activate through PIM, operations of a chosen severity, with
//! the categories, scopes, roles and groups that carry them.
//!
//! It reads what roles grant where: each assignment's role is intersected with the risk
//! categories once, and spread to the members of the assigned group. Deny assignments are not
//! subtracted and conditions are not decided per operation here (the review says so); `who-can`
//! gives the exact answer for one operation.

use crate::analyses::access::{AccessIndex, Marks, Warning, closure, input_warnings};
use crate::analyses::risk::{RiskIndex, Severity};
use crate::model::inventory::pim::{InForce, PimKind};
use crate::model::scope::ScopeKind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One assignment (or eligibility) that carries reviewed operations to a principal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Carrier {
    /// Scope node of the assignment.
    pub scope: u32,
    /// Resolved role.
    pub role: u32,
    /// The group holding the assignment, when reached through one.
    pub group: Option<u32>,
    /// A PIM eligibility (could be activated), not a standing assignment.
    pub eligible: bool,
    /// The assignment carries a condition.
    pub conditional: bool,
}

/// What one role reaches among the reviewed categories.
#[derive(Debug, Clone, Default)]
struct RoleReach {
    /// Category index → number of its operations the role grants.
    categories: BTreeMap<usize, usize>,
    severity: Option<Severity>,
}

/// One principal of the review.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub principal: u32,
    pub severity: Severity,
    /// Category index → the most operations of it any one carrier grants.
    pub categories: BTreeMap<usize, usize>,
    pub carriers: Vec<Carrier>,
    /// Has at least one standing (not eligible) carrier.
    pub standing: bool,
    /// Every standing carrier is conditional.
    pub conditional: bool,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub min: Severity,
    /// The scope reviewed (`/` for the whole tenant).
    pub scope: String,
    pub principals: Vec<Reviewed>,
    pub warnings: Vec<Warning>,
}

impl Review {
    pub fn complete(&self) -> bool {
        !self.warnings.iter().any(|w| w.incomplete)
    }
}

/// Reviews `scope` and everything under it (assignments above it count too: they apply
/// inside it) for operations of severity `min` or worse.
pub fn review(ix: &AccessIndex, risk: &RiskIndex, scope: &str, min: Severity) -> Review {
    let path = ix.inv.scopes.path(scope);
    // Scopes that count: the path up to the root, and everything under the scope.
    let mut inside: BTreeSet<u32> = path.nodes.iter().copied().collect();
    if let Some(s) = path.exact {
        inside.extend(ix.inv.scopes.descendants(s));
    } else if path.kind == ScopeKind::Root {
        inside.extend(0..ix.inv.scopes.len() as u32);
    }
    // Categories of the chosen severity or worse.
    let cats: Vec<usize> = (0..risk.category_count())
        .filter(|c| risk.severity(*c) >= min)
        .collect();
    let mut reach: HashMap<u32, RoleReach> = HashMap::new();
    let mut role_reach = |role: u32| -> RoleReach {
        reach
            .entry(role)
            .or_insert_with(|| {
                let eff = &ix.roles[role as usize].effective;
                let mut r = RoleReach::default();
                for &c in &cats {
                    let mut set = eff.granted.clone();
                    set.intersect_with(risk.ops_in(c));
                    let n = set.count_ones(..);
                    if n > 0 {
                        r.categories.insert(c, n);
                        r.severity = r.severity.max(Some(risk.severity(c)));
                    }
                }
                r
            })
            .clone()
    };
    // Seeds: (assigned principal, carrier, reach), standing and eligible.
    let mut seeds: Vec<(u32, Carrier, RoleReach)> = Vec::new();
    let mut unevaluated = 0usize;
    for a in &ix.inv.assignments {
        if !inside.contains(&a.scope) {
            continue;
        }
        let Some(role) = ix.assignment_role(a) else {
            unevaluated += 1;
            continue;
        };
        let r = role_reach(role);
        if r.severity.is_none() {
            continue;
        }
        seeds.push((
            a.principal,
            Carrier {
                scope: a.scope,
                role,
                group: None,
                eligible: false,
                conditional: a.condition.is_some(),
            },
            r,
        ));
    }
    for rec in &ix.inv.pim {
        if rec.kind != PimKind::Eligible
            || !inside.contains(&rec.scope)
            || rec.in_force(ix.at) != InForce::Yes
        {
            continue;
        }
        let Some(role) = ix.ref_role[rec.role as usize] else {
            unevaluated += 1;
            continue;
        };
        let r = role_reach(role);
        if r.severity.is_none() {
            continue;
        }
        seeds.push((
            rec.principal,
            Carrier {
                scope: rec.scope,
                role,
                group: None,
                eligible: true,
                conditional: rec.condition.is_some(),
            },
            r,
        ));
    }
    seeds.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    // Spread each assigned principal's carriers to its members (once per principal).
    let mut out: BTreeMap<u32, Reviewed> = BTreeMap::new();
    let mut marks = Marks::new(ix.inv.principals.len());
    let mut buf = Vec::new();
    let mut i = 0;
    while i < seeds.len() {
        let p = seeds[i].0;
        let j = i + seeds[i..].iter().take_while(|s| s.0 == p).count();
        closure(&ix.members, &[p], &mut marks, &mut buf);
        for &m in &buf {
            for (_, carrier, r) in &seeds[i..j] {
                let Some(sev) = r.severity else { continue };
                let e = out.entry(m).or_insert_with(|| Reviewed {
                    principal: m,
                    severity: sev,
                    categories: BTreeMap::new(),
                    carriers: Vec::new(),
                    standing: false,
                    conditional: true,
                });
                e.severity = e.severity.max(sev);
                for (c, n) in &r.categories {
                    let x = e.categories.entry(*c).or_default();
                    *x = (*x).max(*n);
                }
                let mut c = carrier.clone();
                c.group = (m != p).then_some(p);
                if !c.eligible {
                    e.standing = true;
                    e.conditional &= c.conditional;
                }
                e.carriers.push(c);
            }
        }
        i = j;
    }
    let mut principals: Vec<Reviewed> = out
        .into_values()
        .map(|mut r| {
            r.carriers.sort();
            r.carriers.dedup();
            if !r.standing {
                r.conditional = false;
            }
            r
        })
        .collect();
    principals.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.standing.cmp(&a.standing))
            .then_with(|| b.carriers.len().cmp(&a.carriers.len()))
            .then_with(|| {
                ix.principal_rank[a.principal as usize]
                    .cmp(&ix.principal_rank[b.principal as usize])
            })
    });
    let mut warnings = input_warnings(ix);
    warnings.push(Warning::note(
        "the review reads what roles grant at each scope: deny assignments are not subtracted and conditions are not decided per operation (a conditional grant is marked); `who-can OPERATION --scope S` gives the exact answer for one operation",
    ));
    if unevaluated > 0 {
        warnings.push(Warning::incomplete(format!(
            "{} {} a role definition azrbac does not have: not reviewed",
            if unevaluated == 1 {
                "1 role assignment or eligibility".to_string()
            } else {
                format!("{unevaluated} role assignments or eligibilities")
            },
            if unevaluated == 1 { "names" } else { "name" }
        )));
    }
    Review {
        min,
        scope: path.display.clone(),
        principals,
        warnings,
    }
}
