//! procura: ABC analysis, supplier relationship types and sourcing advice from purchase ledgers.

pub mod abc;
pub mod advise;
pub mod analysis;
pub mod classify;
pub mod ledger;
pub mod pipeline;
pub mod profiles;
pub mod profit;
pub mod relationship;
pub mod report;
pub mod rules;
pub mod spend;
pub mod suggest;
