//! "Did you mean" for unknown operations and namespaces, over the catalog: the same
//! provider's operations first (compared without the shared namespace, so a long common
//! prefix does not make unrelated names look alike), then the same path under another provider.

use crate::error::did_you_mean;
use crate::graph::Index;
use crate::model::{OpId, Plane};

/// The closest catalog operation of `plane` to an unknown operation name.
pub fn operation(index: &Index, plane: Plane, name: &str) -> Option<String> {
    let catalog = index.catalog();
    let lower = name.trim().to_ascii_lowercase();
    let (ns, rest) = lower.split_once('/')?;
    if catalog.has_provider(ns) {
        let (lo, hi) = index.prefix_range(&format!("{ns}/"), plane);
        let cut = ns.len() + 1;
        let candidates: Vec<(&str, OpId)> =
            (lo..hi).map(|id| (&catalog.name(id)[cut..], id)).collect();
        if let Some(best) = did_you_mean(rest, candidates.iter().map(|(r, _)| *r))
            && let Some((_, id)) = candidates.iter().find(|(r, _)| std::ptr::eq(*r, best))
        {
            return Some(catalog.name(*id).to_string());
        }
    }
    // The same resource path under another provider (a provider mix-up).
    let (lo, hi) = catalog.plane_range(plane);
    let suffix = format!("/{rest}");
    (lo..hi)
        .find(|id| {
            catalog.lower(*id).ends_with(&suffix)
                && catalog.lower(*id).matches('/').count() == lower.matches('/').count()
        })
        .map(|id| catalog.name(id).to_string())
}

/// The closest provider namespace in the catalog.
pub fn namespace(index: &Index, ns: &str) -> Option<String> {
    did_you_mean(ns, index.catalog().providers().iter().map(String::as_str)).map(str::to_string)
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
    }
}
