//! The one integration-test binary: drives the real `azrbac` executable. One module per area.

mod common;
mod lint;
mod model;
