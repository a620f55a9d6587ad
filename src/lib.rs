//! procura: ABC analysis, supplier relationship types and sourcing advice from purchase ledgers.
pub mod ledger;
