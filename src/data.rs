//! The data embedded in the binary (catalog and built-in roles, see data/README.md) and the
//! per-process model built from it.

use crate::error::{Error, Result};
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
        // The built-in roles parse on a second thread while the catalog is read and indexed
        // (both take tens of milliseconds; the machine has at least two cores). Errors are
        // reported in the same order as a sequential load: catalog first.
        let roles_of = || RoleSet::from_compact_json(rtext, rorigin);
        let index_of = || Catalog::from_compact_json(ctext, corigin).map(Index::new);
        let (index, builtins) =
            std::thread::scope(
                |s| match std::thread::Builder::new().spawn_scoped(s, roles_of) {
                    Ok(handle) => {
                        let index = index_of();
                        let builtins = handle.join().unwrap_or_else(|_| {
                            Err(Error::Internal("loading the built-in roles failed".into()))
                        });
                        (index, builtins)
                    }
                    Err(_) => (index_of(), roles_of()),
                },
            );
        Ok(Model {
            index: index?,
            builtins: builtins?,
            mode,
        })
    }

    /// A model without built-in roles, for commands that only ask about the catalog
    /// (`generate`, `scenarios`): parsing the built-in roles is a fifth of a process's start.
    pub fn load_catalog_only(catalog: Option<(&str, &str)>, mode: WildcardMode) -> Result<Model> {
        let (ctext, corigin) = catalog.unwrap_or((CATALOG_JSON, "embedded catalog"));
        let catalog = Catalog::from_compact_json(ctext, corigin)?;
        Ok(Model {
            index: Index::new(catalog),
            builtins: RoleSet::new(Vec::new(), Default::default()),
            mode,
        })
    }

    /// The embedded model with Azure's wildcard semantics.
    pub fn embedded() -> Result<Model> {
        Model::load(None, None, WildcardMode::Azure)
    }
}
