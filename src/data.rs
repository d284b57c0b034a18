//! The data embedded in the binary (catalog and built-in roles, see data/README.md) and the
//! per-process model built from it.

use crate::error::Result;
use crate::graph::Index;
use crate::model::{Catalog, RoleSet, WildcardMode};

/// The shipped operation catalog (compact form, no description sentences).
pub const CATALOG_JSON: &str = include_str!("../data/catalog.json");
/// The shipped built-in role definitions (no description sentences).
pub const ROLES_JSON: &str = include_str!("../data/roles.json");

/// Everything a command asks questions of: the index over the catalog, the built-in roles
/// and the wildcard mode. Built once per process; immutable.
#[derive(Debug)]
pub struct Model {
    pub index: Index,
    pub builtins: RoleSet,
    pub mode: WildcardMode,
}

impl Model {
    /// Builds the model from catalog and built-in role texts (embedded ones by default).
    pub fn load(
        catalog: Option<(&str, &str)>,
        roles: Option<(&str, &str)>,
        mode: WildcardMode,
    ) -> Result<Model> {
        let (ctext, corigin) = catalog.unwrap_or((CATALOG_JSON, "embedded catalog"));
        let (rtext, rorigin) = roles.unwrap_or((ROLES_JSON, "embedded built-in roles"));
        let catalog = Catalog::from_compact_json(ctext, corigin)?;
        let builtins = RoleSet::from_compact_json(rtext, rorigin)?;
        Ok(Model {
            index: Index::new(catalog),
            builtins,
            mode,
        })
    }

    /// The embedded model with Azure's wildcard semantics.
    pub fn embedded() -> Result<Model> {
        Model::load(None, None, WildcardMode::Azure)
    }
}
