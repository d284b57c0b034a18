//! Bicep: `Microsoft.Authorization/roleDefinitions` resources in `.bicep` files.

use super::role::RoleDefinition;
use crate::error::{Error, Result};

pub fn parse_bicep(_text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    Err(Error::shape(
        origin,
        "",
        "Bicep files are not supported yet",
    ))
}
