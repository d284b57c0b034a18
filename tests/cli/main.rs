//! The one integration-test binary: drives the real `azrbac` executable. One module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod analyzer;
mod common;
mod diff;
mod diff_git;
mod diff_history;
mod diff_iac;
mod explain;
mod generate;
mod hostile_iac;
mod inventory;
mod lint;
mod model;
mod readme;
