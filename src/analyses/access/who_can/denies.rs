//! Who-can deny assignments: which denies cover the operation at a target, whom they stop
//! (with effects and conditions), and splitting reached principals into allowed and denied.

use super::*;
use crate::analyses::access::conditions::CondValue;

/// What azrbac says about a deny assignment that covers an operation: groups it names that
/// the inputs do not give, a condition it cannot decide (`cv`), an effect it does not know.
pub(super) fn cover_warnings(ix: &AccessIndex, d: u32, cv: &CondValue) -> Vec<Warning> {
    let da = &ix.inv.denies[d as usize];
    let mut out = deny_group_warnings(ix, d);
    let audit = da.effect == DenyEffect::Audit;
    if let Some(r) = cv.residual()
        && !audit
    {
        out.push(Warning::incomplete(format!(
            "deny assignment {} applies to this operation only under a condition azrbac cannot decide offline ({}): principals it may stop are kept and marked conditional (possibly denied)",
            da.name.as_deref().unwrap_or(&da.id),
            crate::text::escape(r)
        )));
    }
    if let DenyEffect::Other(e) = &da.effect {
        out.push(Warning::incomplete(format!(
            "deny assignment {} has effect `{}`, which azrbac does not know (`enforced` blocks, `audit` only logs): principals it may stop are kept and marked conditional",
            da.name.as_deref().unwrap_or(&da.id),
            crate::text::escape(e)
        )));
    }
    out
}

impl Ctx<'_, '_> {
    /// The deny's coverage for this operation, or `None` when it does not deny it.
    pub(super) fn cover(&mut self, d: u32) -> Option<&DenyCover> {
        if !self.covers.contains_key(&d) {
            let ix = self.ix;
            let da = &ix.inv.denies[d as usize];
            let planes = role_verdicts(
                &ix.model.index,
                &da.permissions,
                None,
                self.q,
                ix.model.mode,
            );
            let cv = ix.deny_condition_at(d, &self.q.name, &self.target);
            let cover = if planes.is_empty() || cv.is_false() {
                None
            } else {
                let n = ix.inv.principals.len();
                let mut buf = Vec::new();
                let covered = if da.everyone {
                    None
                } else {
                    let mut m = Marks::new(n);
                    closure(&ix.members, &da.principals, &mut m, &mut buf);
                    Some(m)
                };
                let mut excluded = Marks::new(n);
                closure(&ix.members, &da.exclude, &mut excluded, &mut buf);
                self.warnings.extend(cover_warnings(ix, d, &cv));
                let audit = da.effect == DenyEffect::Audit;
                Some(DenyCover {
                    planes,
                    covered,
                    excluded,
                    conditional: cv.is_unknown() || matches!(da.effect, DenyEffect::Other(_)),
                    audit,
                })
            };
            self.covers.insert(d, cover);
        }
        self.covers.get(&d).and_then(Option::as_ref)
    }

    /// Deny assignments that apply at a target: on its path to `/`, those with
    /// `doNotApplyToChildScopes` only at the target itself.
    pub(super) fn deny_list(&mut self, key: u32, nodes: &[u32], exact: Option<u32>) {
        if self.deny_lists.contains_key(&key) {
            return;
        }
        let mut list = Vec::new();
        for (k, &node) in nodes.iter().enumerate() {
            for &d in self.ix.denies_at(node) {
                let da = &self.ix.inv.denies[d as usize];
                if da.do_not_apply_to_child_scopes && !(k == 0 && exact == Some(node)) {
                    continue;
                }
                if self.cover(d).is_some() {
                    list.push(d);
                }
            }
        }
        self.deny_lists.insert(key, list);
    }

    pub(super) fn hit(&self, d: u32, r: u32, plane: Plane) -> Option<DenyHit> {
        let c = self.covers.get(&d)?.as_ref()?;
        let pg = c.planes.iter().find(|p| p.plane == plane)?;
        if c.excluded.contains(r) {
            return None;
        }
        let (via, via_cut) = match &c.covered {
            None => (Vec::new(), false),
            Some(m) if m.contains(r) => m.via_capped(r),
            Some(_) => return None,
        };
        Some(DenyHit {
            deny: d,
            plane,
            entry: pg.entry.clone(),
            everyone: c.covered.is_none(),
            via,
            via_cut,
            conditional: c.conditional || pg.conditional,
            audit: c.audit,
        })
    }

    /// Applies deny assignments. `target` maps a grant to its deny-list key and the scope node
    /// the key stands for. With `per_grant` (the `below` answer), a principal may appear in both
    /// lists (some grants blocked, some not), and a grant stopped at its target only by denies
    /// with `doNotApplyToChildScopes` (which the target's list holds only when they sit at the
    /// target itself) is kept as applying under the target.
    pub(super) fn split(
        &self,
        reached: HashMap<u32, Vec<Grant>>,
        target: impl Fn(&Grant) -> (u32, Option<u32>),
        per_grant: bool,
    ) -> Split {
        let mut out = Split::default();
        for (r, grants) in reached {
            let mut keep = Vec::new();
            let mut blocked = Vec::new();
            let mut hits: Vec<DenyHit> = Vec::new();
            let mut maybe: Vec<DenyHit> = Vec::new();
            let mut audited: Vec<DenyHit> = Vec::new();
            for mut g in grants {
                let (key, node) = target(&g);
                let mut stop = None;
                let mut stop_children = false;
                let mut maybe_here = Vec::new();
                for &d in self.deny_lists.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                    if let Some(h) = self.hit(d, r, g.plane) {
                        if h.audit {
                            push_unique(&mut audited, h);
                            continue;
                        }
                        let here_only = self.ix.inv.denies[d as usize].do_not_apply_to_child_scopes;
                        if h.conditional {
                            maybe_here.push(h);
                        } else {
                            stop_children |= !here_only;
                            if stop.is_none() {
                                stop = Some(h);
                            }
                        }
                    }
                }
                let beneath = per_grant && stop.is_some() && !stop_children && node.is_some();
                if beneath {
                    // Conditional denies that stop only at the node do not reach under it.
                    maybe_here.retain(|h| {
                        !self.ix.inv.denies[h.deny as usize].do_not_apply_to_child_scopes
                    });
                    g.only_below = node;
                }
                for h in maybe_here {
                    push_unique(&mut maybe, h);
                }
                match stop {
                    Some(h) if !beneath => {
                        g.stopped_by = Some(h.deny);
                        blocked.push(g);
                        push_unique(&mut hits, h);
                    }
                    _ => keep.push(g),
                }
            }
            let all_blocked = keep.is_empty();
            if !blocked.is_empty() && (per_grant || all_blocked) {
                out.denied
                    .push(answer(r, blocked, std::mem::take(&mut hits)));
            }
            if !all_blocked {
                let mut a = answer(r, keep, maybe.clone());
                a.denied_by.extend(hits);
                a.audited_by = audited;
                a.conditional |= !maybe.is_empty();
                out.allowed.push(a);
            }
        }
        self.sort(&mut out.allowed);
        self.sort(&mut out.denied);
        out
    }

    pub(super) fn sort(&self, list: &mut [Answer]) {
        let ix = self.ix;
        list.sort_unstable_by_key(|a| ix.principal_rank[a.principal as usize]);
        for a in list.iter_mut() {
            a.grants.sort_by(|x, y| {
                ix.scope_rank[x.scope as usize]
                    .cmp(&ix.scope_rank[y.scope as usize])
                    .then_with(|| x.role.cmp(&y.role))
                    .then_with(|| x.via.cmp(&y.via))
                    .then_with(|| x.plane.cmp(&y.plane))
                    .then_with(|| x.assignment.cmp(&y.assignment))
            });
            a.grants.dedup();
        }
    }
}
