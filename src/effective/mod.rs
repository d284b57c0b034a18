//! The effective layer: role → effective permissions, with provenance.

#[cfg(test)]
mod builtins_tests;
pub mod explain;
pub mod expand;
pub mod naive;
#[cfg(test)]
mod proptests;

pub use explain::{BlockTrace, EntryRef, PlaneExplanation, Verdict, explain};
pub use expand::{Effective, Resolver, Unknown, expand, expand_with};
pub use naive::Naive;
