//! The naive model: resolve every pattern by testing it against every catalog operation.
//! It is the baseline the graph index is checked against (tests) and measured against (benches).

use super::expand::Resolver;
use crate::model::{Catalog, OpId, Pattern, Plane, WildcardMode};
use fixedbitset::FixedBitSet;

/// Scans the whole plane for every pattern.
pub struct Naive<'a>(pub &'a Catalog);

impl Resolver for Naive<'_> {
    fn width(&self) -> usize {
        self.0.len()
    }

    fn resolve_into(
        &self,
        pattern: &Pattern,
        plane: Plane,
        mode: WildcardMode,
        out: &mut FixedBitSet,
    ) -> usize {
        let (lo, hi) = self.0.plane_range(plane);
        let mut n = 0;
        for id in lo..hi {
            if pattern.matches(self.0.name(id as OpId), mode) {
                out.insert(id as usize);
                n += 1;
            }
        }
        n
    }
}
