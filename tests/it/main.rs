//! procura's integration tests: one test binary, one module per area.

mod advise;
mod analyze;
mod any_ledger;
mod common;
mod fast_differential;
mod ledger;
mod library;
mod perf;
mod reports;
mod rules;
