//! Tenant-wide questions over an inventory: the privileged-access review.

pub mod review;

pub use review::{Carrier, Review, Reviewed, review};
