//! Risk tags for the diff from the risk taxonomy: catalog operations through the precomputed
//! [`RiskIndex`], unknown literals by matching their names against the taxonomy's rules.

use super::{CategoryInfo, Tagger, Tags};
use crate::analyses::risk::{RiskIndex, Severity, Taxonomy};
use crate::model::{OpId, Plane, WildcardMode};

/// Tags operations with the taxonomy's categories.
pub struct RiskTagger<'a> {
    pub taxonomy: &'a Taxonomy,
    pub risk: &'a RiskIndex,
    pub mode: WildcardMode,
}

impl Tagger for RiskTagger<'_> {
    fn tag(&self, plane: Plane, id: Option<OpId>, name: &str) -> Tags {
        let categories = match id {
            Some(id) => self.risk.categories(id).to_vec(),
            None => self.taxonomy.classify_name(name, plane, self.mode),
        };
        Tags {
            high: self.taxonomy.max_severity_of(&categories).is_some_and(Severity::is_high_risk),
            categories,
        }
    }
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Low => 0,
        Severity::Medium => 1,
        Severity::High => 2,
        Severity::Critical => 3,
    }
}

/// The categories as the report shows them, indexed like [`Tags::categories`].
pub fn category_infos(taxonomy: &Taxonomy) -> Vec<CategoryInfo> {
    taxonomy
        .categories()
        .iter()
        .map(|c| CategoryInfo {
            key: c.key.clone(),
            name: c.name.clone(),
            severity: c.severity.as_str().to_string(),
            rank: rank(c.severity),
            reason: c.reason.clone(),
            high: c.severity.is_high_risk(),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::data::Model;

    #[test]
    fn tags_catalog_operations_and_unknown_literals() {
        let m = Model::embedded().unwrap();
        let t = Taxonomy::embedded().unwrap();
        let risk = t.classify(&m.index, m.mode);
        let tagger = RiskTagger { taxonomy: &t, risk: &risk, mode: m.mode };
        let infos = category_infos(&t);
        let id = m.index.catalog().find(Plane::Control, "Microsoft.Authorization/roleAssignments/write").unwrap();
        let tags = tagger.tag(Plane::Control, Some(id), "Microsoft.Authorization/roleAssignments/write");
        assert!(tags.high);
        assert!(tags.categories.iter().any(|c| infos[*c].key == "privilege-escalation"), "{tags:?}");
        // A literal the catalog lacks is classified by name.
        let unknown = tagger.tag(Plane::Control, None, "Microsoft.Contoso/widgets/listKeys/action");
        assert!(unknown.categories.iter().any(|c| infos[*c].key == "secret-exposure"), "{unknown:?}");
        let read = m.index.catalog().find(Plane::Control, "Microsoft.Compute/virtualMachines/read").unwrap();
        assert!(!tagger.tag(Plane::Control, Some(read), "Microsoft.Compute/virtualMachines/read").high);
    }
}
