//! Terraform: `azurerm_role_definition` resources in `.tf` files (HCL) and in plan JSON.

use super::role::RoleDefinition;
use crate::error::{Error, Result};
use serde_json::Value;

pub fn parse_hcl(_text: &str, origin: &str) -> Result<Vec<RoleDefinition>> {
    Err(Error::shape(
        origin,
        "",
        "Terraform files are not supported yet",
    ))
}

pub fn plan_roles(_value: &Value, origin: &str) -> Result<Vec<RoleDefinition>> {
    Err(Error::shape(
        origin,
        "",
        "Terraform plans are not supported yet",
    ))
}
