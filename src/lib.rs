//! procura: ABC analysis, supplier relationship types and sourcing advice from purchase ledgers.

pub mod abc;
pub mod ledger;
pub mod profiles;
pub mod relationship;
pub mod rules;
pub mod spend;
pub mod suggest;
pub mod classify;
pub mod advise;
pub mod analysis;
