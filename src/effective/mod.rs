//! The effective layer: role → effective permissions, with provenance.

#[cfg(test)]
mod builtins_tests;
pub mod expand;
pub mod explain;
pub mod naive;
#[cfg(test)]
mod proptests;

pub use expand::{Effective, Resolver, Unknown, expand, expand_with};
pub use explain::{BlockTrace, EntryRef, PlaneExplanation, Verdict, explain};
pub use naive::Naive;
