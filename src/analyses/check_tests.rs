//! Property tests of `check` and `recommend` against naive models.

use super::*;
use crate::analyses::needs::Needs;
use crate::analyses::recommend::recommend;
use crate::data::Model;
use crate::effective::{Naive, expand_with};
use proptest::prelude::*;
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::embedded().unwrap())
}

fn risk() -> &'static RiskModel {
    static R: OnceLock<RiskModel> = OnceLock::new();
    R.get_or_init(|| RiskModel::new(model()).unwrap())
}

/// Needed names: a few catalog operations (any plane, prefixed with their plane) and maybe an
/// unknown name.
fn needs_strategy() -> impl Strategy<Value = Vec<String>> {
    let n = model().index.catalog().len() as u32;
    (prop::collection::vec(0..n, 1..8), any::<bool>()).prop_map(|(ids, unknown)| {
        let cat = model().index.catalog();
        let mut v: Vec<String> = ids
            .iter()
            .map(|id| format!("{}:{}", cat.op(*id).plane.as_str(), cat.name(*id)))
            .collect();
        if unknown {
            v.push("Contoso.Widgets/things/read".to_string());
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn check_equals_set_differences_of_naive_expansions(
        role_ix in 0..928usize,
        needed in needs_strategy(),
    ) {
        let m = model();
        let role = &m.builtins.roles()[role_ix % m.builtins.len()];
        let needs = Needs::from_actions(&needed).unwrap();
        let set = needs.resolve(m);
        let rep = check(m, risk(), role, &needs, &set);
        // Naive: expand by scanning the catalog; missing = needed − granted; excess = granted − needed.
        let naive = expand_with(&Naive(m.index.catalog()), role, m.mode);
        let cat = m.index.catalog();
        let mut want_missing = Vec::new();
        for id in set.ops.ones() {
            if !naive.granted.contains(id) {
                want_missing.push(cat.name(id as OpId).to_string());
            }
        }
        let mut got_missing: Vec<String> = rep.missing.actions.iter().chain(&rep.missing.data_actions).cloned().collect();
        // Unknown needs: missing unless some entry of the role matches them (explain decides).
        got_missing.retain(|n| !n.starts_with("Contoso."));
        want_missing.sort();
        got_missing.sort();
        prop_assert_eq!(&got_missing, &want_missing);
        let mut want_excess = naive.granted.clone();
        want_excess.difference_with(&set.ops);
        let got_excess = rep.excess.len() - naive.unknown.iter().map(Vec::len).sum::<usize>();
        prop_assert_eq!(got_excess, want_excess.count_ones(..));
        prop_assert_eq!(rep.summary.least_privilege, rep.missing.is_empty() && rep.excess.is_empty());
        // Every excess operation is granted and not needed; nothing is both missing and excess.
        for n in &rep.excess.actions {
            prop_assert!(!rep.missing.actions.contains(n));
        }
    }

}

/// Needs within Azure ML (what the command is for): a few of its operations, maybe a pattern.
fn ml_needs() -> impl Strategy<Value = Vec<String>> {
    let cat = model().index.catalog();
    let ml: Vec<String> = (0..cat.len() as OpId)
        .map(|id| cat.name(id))
        .filter(|n| n.starts_with("Microsoft.MachineLearningServices/workspaces/"))
        .map(str::to_string)
        .collect();
    (
        prop::collection::vec(prop::sample::select(ml), 1..5),
        any::<bool>(),
    )
        .prop_map(|(mut v, blob)| {
            if blob {
                v.push(
                    "data:Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
                        .to_string(),
                );
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn recommended_roles_cover_every_need_and_are_ranked(needed in ml_needs()) {
        let m = model();
        let needs = Needs::from_actions(&needed).unwrap();
        let set = needs.resolve(m);
        let rep = recommend(m, risk(), &needs, &set, 3);
        let weights: Vec<u64> = rep.candidates.iter().map(|c| c.excess.weight).collect();
        prop_assert!(weights.windows(2).all(|w| w[0] <= w[1]), "{:?}", weights);
        for c in &rep.candidates {
            let role = m.builtins.by_name(&c.role).unwrap();
            let r = check(m, risk(), role, &needs, &set);
            prop_assert!(r.missing.is_empty(), "{} misses {:?}", c.role, r.missing);
            prop_assert_eq!(r.summary.excess_weight, c.excess.weight);
        }
        for p in &rep.pairs {
            let a = check(m, risk(), m.builtins.by_name(&p.roles[0]).unwrap(), &needs, &set);
            let b = check(m, risk(), m.builtins.by_name(&p.roles[1]).unwrap(), &needs, &set);
            for n in a.missing.actions.iter().chain(&a.missing.data_actions) {
                prop_assert!(!b.missing.actions.contains(n) && !b.missing.data_actions.contains(n), "{n} missing from both");
            }
            prop_assert!(a.missing.unknown_plane.iter().all(|n| !b.missing.unknown_plane.contains(n)));
        }
        prop_assert_eq!(rep.candidates.is_empty() && rep.pairs.is_empty(), rep.custom_role.as_ref().is_some_and(|c| c.compared_with.is_none()));
    }
}
