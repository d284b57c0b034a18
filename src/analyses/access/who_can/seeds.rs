//! Who-can seeds: the grants of the operation by the assignments (and PIM eligibilities) at a
//! scope node, spread down group membership, and the warnings about principals whose type or
//! members the inputs do not give.

use super::*;

/// Where seeds come from: a role assignment, or (with `pim`) an eligibility record.
struct Source {
    /// Index into the inventory's assignments, or its PIM records with `pim`.
    index: u32,
    principal: u32,
    scope: u32,
    role: u32,
    condition: Option<u32>,
    pim: bool,
}

impl Ctx<'_, '_> {
    /// How `role` grants the operation (cached per role).
    fn role_grants(&mut self, role: u32) -> RoleGrants {
        let (ix, q) = (self.ix, self.q);
        self.roles
            .entry(role)
            .or_insert_with(|| {
                role_verdicts(
                    &ix.model.index,
                    ix.role_def(role),
                    Some(&ix.roles[role as usize].effective),
                    q,
                    ix.model.mode,
                )
                .into_iter()
                .map(|g| (g.plane, g.conditional, Arc::new(g.entry)))
                .collect()
            })
            .clone()
    }

    /// Seeds for one assignment (or eligibility, with `pim`) whose role grants the operation
    /// by `grants`, unless its condition is false for the operation.
    fn push_seeds(&self, seeds: &mut Vec<Seed>, grants: &RoleGrants, s: Source) {
        let cv = s.condition.map(|c| {
            self.ix
                .assignment_condition_at(c, &self.q.name, &self.target)
        });
        if cv.as_ref().is_some_and(|v| v.is_false()) {
            return;
        }
        let residual: Option<Arc<str>> = cv.as_ref().and_then(|v| v.residual()).map(Arc::from);
        for (plane, conditional, entry) in grants.iter() {
            seeds.push(Seed {
                assignment: s.index,
                principal: s.principal,
                scope: s.scope,
                role: s.role,
                plane: *plane,
                conditional: *conditional || residual.is_some(),
                entry: entry.clone(),
                condition: s.condition,
                residual: residual.clone(),
                pim: s.pim,
            });
        }
    }

    /// Grants of the operation by the assignments at one scope node.
    pub(super) fn seeds_at(&mut self, node: u32, seeds: &mut Vec<Seed>) {
        let ix = self.ix;
        for &ai in ix.assignments_at(node) {
            let a = &ix.inv.assignments[ai as usize];
            let Some(r) = ix.assignment_role(a) else {
                if self.seen_unevaluated.insert(ai) {
                    let rr = &ix.inv.role_refs[a.role as usize];
                    let name = rr
                        .name
                        .as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default();
                    self.unevaluated.push(Unevaluated {
                        assignment: ai,
                        reason: format!(
                            "role definition {}{name} is neither a built-in role nor in the supplied role definitions",
                            rr.guid
                        ),
                    });
                }
                continue;
            };
            let grants = self.role_grants(r);
            if grants.is_empty() {
                continue;
            }
            let source = Source {
                index: ai,
                principal: a.principal,
                scope: a.scope,
                role: r,
                condition: a.condition,
                pim: false,
            };
            self.push_seeds(seeds, &grants, source);
        }
    }

    /// Grants of the operation by eligible PIM records at one scope node, if activated; the
    /// records not in force at the index's moment go to `inactive`.
    pub(super) fn eligible_seeds_at(
        &mut self,
        node: u32,
        seeds: &mut Vec<Seed>,
        inactive: &mut Vec<(u32, InForce)>,
    ) {
        let ix = self.ix;
        for &ri in ix.eligible_by_scope.row(node) {
            let r = &ix.inv.pim[ri as usize];
            let Some(role) = ix.ref_role[r.role as usize] else {
                self.warnings.insert(Warning::incomplete(format!(
                    "an eligible PIM assignment on the path names role definition {}, which azrbac does not have: not evaluated",
                    ix.inv.role_refs[r.role as usize].guid
                )));
                continue;
            };
            let grants = self.role_grants(role);
            if grants.is_empty() {
                continue;
            }
            let state = r.in_force(ix.at);
            if state != InForce::Yes {
                inactive.push((ri, state));
                continue;
            }
            let source = Source {
                index: ri,
                principal: r.principal,
                scope: r.scope,
                role,
                condition: r.condition,
                pim: true,
            };
            self.push_seeds(seeds, &grants, source);
        }
    }

    pub(super) fn note_principal(&mut self, p: u32, parent: Option<u32>) {
        let ix = self.ix;
        let pr = ix.inv.principals.get(p);
        let has_record = ix.inv.group(p).is_some();
        if pr.kind == PrincipalType::Unknown && !has_record {
            self.untyped.insert(p);
        } else if pr.kind.is_group() && !has_record && ix.inv.has(InputKind::Groups) {
            self.missing_groups.entry(p).or_insert(parent);
        }
    }

    /// The warnings for untyped principals and groups missing from the group export: each
    /// named when there are a few, else counted with the first three in id order (a
    /// truncated group export would otherwise give thousands of lines).
    pub(super) fn gap_warnings(&self) -> Vec<Warning> {
        const NAMED: usize = 3;
        let ix = self.ix;
        let mut out = Vec::new();
        let id = |p: u32| crate::text::escape(&ix.inv.principals.get(p).id).into_owned();
        let group = |p: u32, parent: Option<u32>| {
            let inside = parent
                .map(|g| {
                    format!(
                        ", a member of {},",
                        crate::text::escape(ix.principal_label(g))
                    )
                })
                .unwrap_or_default();
            format!(
                "{} ({}){inside}",
                crate::text::escape(ix.principal_label(p)),
                id(p)
            )
        };
        // In id order, so that the text does not depend on the order of the input.
        let mut missing: Vec<(u32, Option<u32>)> =
            self.missing_groups.iter().map(|(p, g)| (*p, *g)).collect();
        missing.sort_by(|a, b| {
            ix.inv
                .principals
                .get(a.0)
                .id
                .cmp(&ix.inv.principals.get(b.0).id)
        });
        let mut untyped: Vec<u32> = self.untyped.iter().copied().collect();
        untyped.sort_by(|a, b| {
            ix.inv
                .principals
                .get(*a)
                .id
                .cmp(&ix.inv.principals.get(*b).id)
        });
        if missing.len() <= NAMED {
            for (p, parent) in &missing {
                out.push(Warning::incomplete(format!(
                    "group {} is not in the group export: its members are not listed",
                    group(*p, *parent)
                )));
            }
        } else {
            let shown: Vec<String> = missing
                .iter()
                .take(NAMED)
                .map(|(p, parent)| group(*p, *parent))
                .collect();
            out.push(Warning::incomplete(format!(
                "{} groups on the path are not in the group export, so their members are not listed: {} and {} more",
                self.missing_groups.len(),
                shown.join("; "),
                self.missing_groups.len() - NAMED
            )));
        }
        if untyped.len() <= NAMED {
            for p in &untyped {
                out.push(Warning::incomplete(format!(
                    "principal {} has no type in any input: if it is a group, its members are not listed",
                    id(*p)
                )));
            }
        } else {
            let shown: Vec<String> = untyped.iter().take(NAMED).map(|p| id(*p)).collect();
            out.push(Warning::incomplete(format!(
                "{} principals have no type in any input (if they are groups, their members are not listed): {} and {} more",
                self.untyped.len(),
                shown.join(", "),
                self.untyped.len() - NAMED
            )));
        }
        out
    }

    /// Spreads seeds down group membership: principal → its grants.
    pub(super) fn reach(&mut self, mut seeds: Vec<Seed>) -> HashMap<u32, Vec<Grant>> {
        seeds.sort_by_key(|s| (s.principal, s.assignment));
        let mut out: HashMap<u32, Vec<Grant>> = HashMap::new();
        let mut i = 0;
        while i < seeds.len() {
            let sp = seeds[i].principal;
            let j = i + seeds[i..].iter().take_while(|s| s.principal == sp).count();
            self.walk_from(sp, |r, via, via_cut| {
                let list = out.entry(r).or_default();
                for s in &seeds[i..j] {
                    list.push(s.grant(via, via_cut, None));
                }
            });
            i = j;
        }
        out
    }

    /// Walks the group closure of seed principal `sp` once: `f(principal, group path, path
    /// cut)` for every principal it reaches (itself first), noting principals whose type or
    /// members the inputs do not give.
    pub(super) fn walk_from(&mut self, sp: u32, mut f: impl FnMut(u32, &Arc<[u32]>, bool)) {
        self.note_principal(sp, None);
        let mut buf = std::mem::take(&mut self.buf);
        closure(&self.ix.members, &[sp], &mut self.marks, &mut buf);
        for &r in &buf {
            let (via, via_cut) = self.marks.via_capped(r);
            let via: Arc<[u32]> = via.into();
            if r != sp && self.ix.inv.principals.get(r).kind.is_group() {
                self.note_principal(r, via.first().copied());
            }
            f(r, &via, via_cut);
        }
        self.buf = buf;
    }
}

impl Seed {
    /// The grant this seed gives a principal it reaches through the groups `via`.
    pub(super) fn grant(&self, via: &Arc<[u32]>, via_cut: bool, stopped_by: Option<u32>) -> Grant {
        Grant {
            assignment: self.assignment,
            scope: self.scope,
            role: self.role,
            via: via.clone(),
            via_cut,
            plane: self.plane,
            entry: self.entry.clone(),
            conditional: self.conditional,
            condition: self.condition,
            residual: self.residual.clone(),
            pim: self.pim,
            only_below: None,
            stopped_by,
        }
    }
}
