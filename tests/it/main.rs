//! procura's integration tests: one test binary, one module per area.

mod advise;
mod analyze;
mod common;
mod ledger;
mod library;
mod perf;
mod reports;
mod rules;
