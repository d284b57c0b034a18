//! "Did you mean" for unknown operations and namespaces, over the catalog (shared by lint,
//! generate, needs, actions and who-can): the same
//! provider's operations first (compared without the shared namespace, so a long common
//! prefix does not make unrelated names look alike), then the same path under another provider.
//!
//! Candidates whose length alone rules them out (the edit distance is at least the length
//! difference, and `did_you_mean` needs a similarity of 0.7) are dropped before comparing;
//! answers are memoised per lint run, since the same unknown names recur across roles.

use crate::error::did_you_mean;
use crate::graph::Index;
use crate::model::{OpId, Plane};
use std::cell::RefCell;
use std::collections::HashMap;

/// Whether `candidate` can reach `did_you_mean`'s similarity threshold against `input`.
fn close_in_length(input: &str, candidate: &str) -> bool {
    let (a, b) = (input.chars().count(), candidate.chars().count());
    let longest = a.max(b) as f64;
    (a.abs_diff(b) as f64) <= 0.3 * longest + f64::EPSILON
}

/// The closest catalog operation of `plane` to an unknown operation name.
pub fn operation(index: &Index, plane: Plane, name: &str) -> Option<String> {
    let catalog = index.catalog();
    let lower = name.trim().to_ascii_lowercase();
    let (ns, rest) = lower.split_once('/')?;
    if catalog.has_provider(ns) {
        let (lo, hi) = index.prefix_range(&format!("{ns}/"), plane);
        let cut = ns.len() + 1;
        let candidates: Vec<(&str, OpId)> = (lo..hi)
            .map(|id| (&catalog.name(id)[cut..], id))
            .filter(|(r, _)| close_in_length(rest, r))
            .collect();
        if let Some(best) = did_you_mean(rest, candidates.iter().map(|(r, _)| *r))
            && let Some((_, id)) = candidates.iter().find(|(r, _)| std::ptr::eq(*r, best))
        {
            return Some(catalog.name(*id).to_string());
        }
    }
    // The same resource path under another provider (a provider mix-up).
    let (lo, hi) = catalog.plane_range(plane);
    let suffix = format!("/{rest}");
    let depth = lower.matches('/').count();
    (lo..hi)
        .find(|id| {
            let l = catalog.lower(*id);
            l.ends_with(&suffix) && l.matches('/').count() == depth
        })
        .map(|id| catalog.name(id).to_string())
}

/// The closest catalog operation of either plane (control first), for names whose plane is
/// not known.
pub fn operation_either_plane(index: &Index, name: &str) -> Option<String> {
    operation(index, Plane::Control, name).or_else(|| operation(index, Plane::Data, name))
}

/// The closest provider namespace in the catalog.
pub fn namespace(index: &Index, ns: &str) -> Option<String> {
    let candidates = index
        .catalog()
        .providers()
        .iter()
        .map(String::as_str)
        .filter(|p| close_in_length(ns, p));
    did_you_mean(ns, candidates).map(str::to_string)
}

/// Memoised suggestions for one lint run.
#[derive(Debug, Default)]
pub struct Suggestions {
    operations: RefCell<HashMap<(Plane, String), Option<String>>>,
    namespaces: RefCell<HashMap<String, Option<String>>>,
}

impl Suggestions {
    pub fn operation(&self, index: &Index, plane: Plane, name: &str) -> Option<String> {
        let key = (plane, name.trim().to_ascii_lowercase());
        if let Some(hit) = self.operations.borrow().get(&key) {
            return hit.clone();
        }
        let s = operation(index, plane, name);
        self.operations.borrow_mut().insert(key, s.clone());
        s
    }

    pub fn namespace(&self, index: &Index, ns: &str) -> Option<String> {
        let key = ns.to_ascii_lowercase();
        if let Some(hit) = self.namespaces.borrow().get(&key) {
            return hit.clone();
        }
        let s = namespace(index, ns);
        self.namespaces.borrow_mut().insert(key, s.clone());
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::data::Model;

    #[test]
    fn suggestions_prefer_the_same_provider() {
        let m = Model::embedded().unwrap();
        let ix = &m.index;
        assert_eq!(
            operation(
                ix,
                Plane::Control,
                "Microsoft.MachineLearningServices/workspaces/onlineEndpoint/read"
            )
            .as_deref(),
            Some("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read")
        );
        // The shared namespace does not make an unrelated name similar.
        assert_eq!(
            operation(
                ix,
                Plane::Control,
                "Microsoft.MachineLearningServices/zzzzzzzz/qqqq"
            ),
            None
        );
        // Same path, other provider.
        assert_eq!(
            operation(
                ix,
                Plane::Control,
                "Microsoft.Network/storageAccounts/listKeys/action"
            )
            .as_deref(),
            Some("Microsoft.Storage/storageAccounts/listkeys/action")
        );
        assert_eq!(
            namespace(ix, "Microsoft.Comptue").as_deref(),
            Some("Microsoft.Compute")
        );
        let memo = Suggestions::default();
        assert_eq!(
            memo.namespace(ix, "Microsoft.Comptue").as_deref(),
            Some("Microsoft.Compute")
        );
        assert_eq!(
            memo.namespace(ix, "microsoft.comptue").as_deref(),
            Some("Microsoft.Compute")
        );
    }

    #[test]
    fn the_length_filter_never_drops_a_match() {
        // did_you_mean's threshold is 0.7: a candidate it could accept is never filtered out.
        let m = Model::embedded().unwrap();
        for p in m.index.catalog().providers().iter().take(60) {
            for q in m.index.catalog().providers().iter().take(60) {
                let sim = strsim::normalized_damerau_levenshtein(
                    &p.to_ascii_lowercase(),
                    &q.to_ascii_lowercase(),
                );
                if sim >= 0.7 {
                    assert!(close_in_length(p, q), "{p} {q}");
                }
            }
        }
    }
}
