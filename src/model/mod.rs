//! The typed model: planes, patterns, the operation catalog and role definitions.

pub mod assignment;
pub mod catalog;
pub mod condition;
pub mod config;
pub mod iac;
pub mod inventory;
pub mod json;
pub mod key_case;
pub mod line_index;
pub mod ops_parse;
pub mod pattern;
pub mod plane;
#[cfg(test)]
mod proptests;
pub mod role;
pub mod role_parse;
pub mod role_text;
pub mod roleset;
pub mod scope;
pub mod shown;

pub use catalog::{Catalog, OpId, Operation, Provenance, ProviderOps, canonical_cmp};
pub use iac::{bicep, terraform};
pub use pattern::{Pattern, PatternError, validate_user_pattern};
pub use plane::{Plane, WildcardMode};
pub use role::{Entry, Field, PermissionBlock, RoleDefinition, RoleFormat, guid_of, is_guid};
pub use role_parse::parse_roles_json;
pub use role_text::parse_role_text;
pub use roleset::RoleSet;
