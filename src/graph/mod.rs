//! The graph layer: a petgraph index over the catalog that resolves patterns to bitsets.

pub mod index;
#[cfg(test)]
pub(crate) mod proptests;

pub use index::{Index, Node, NodeKind, resource_type_of};
