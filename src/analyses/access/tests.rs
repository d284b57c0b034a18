//! Unit tests of the access analyses.
