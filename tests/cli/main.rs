//! The one integration-test binary: drives the real `azrbac` executable. One module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod access_tiers;
mod analyzer;
mod common;
mod diff;
mod diff_git;
mod diff_history;
mod diff_iac;
mod drift;
mod explain;
mod from_error;
mod fuzz;
mod generate;
mod hostile;
mod hostile_git;
mod hostile_iac;
mod hostile_output;
mod iac_eval;
mod inventory;
mod lint;
mod model;
mod pr_action;
mod pr_comment;
mod pr_config;
mod pr_golden;
mod pr_moved;
mod pr_scopes;
mod readme;
mod shell;
