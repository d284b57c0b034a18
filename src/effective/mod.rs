//! The effective layer: role → effective permissions, with provenance.

pub mod expand;
pub mod explain;
pub mod naive;

pub use expand::{Effective, Resolver, Unknown, expand, expand_with};
pub use explain::{BlockTrace, EntryRef, PlaneExplanation, Verdict, explain};
pub use naive::Naive;
