//! procura's integration tests: one test binary, one module per area.

mod analyze;
mod common;
mod library;
