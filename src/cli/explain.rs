//! `procura explain`: why a supplier has its classes and type.

use super::progress;
use super::{CommonArgs, Failure, exit, inputs, load_rules, output};
use clap::Args;
use procura::{pipeline, report};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The supplier id, as in the ledger.
    pub supplier_id: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `procura explain`.
pub fn run(e: ExplainArgs) -> Result<(), Failure> {
    let rules = load_rules(&e.common.rules)?;
    let analysis = progress::run(inputs(&e.common), |i| pipeline::run(i, &rules))?;
    let text = report::explain(&analysis, &e.supplier_id).ok_or_else(|| {
        let ids: Vec<&str> = analysis.suppliers.iter().map(|s| s.id.as_str()).collect();
        let hint = procura::suggest::did_you_mean(&e.supplier_id, ids.iter().copied())
            .map(|s| format!(" — did you mean {s}?"))
            .unwrap_or_default();
        Failure {
            code: exit::DATA,
            message: format!("supplier {:?} is not in the ledger{hint}", e.supplier_id),
        }
    })?;
    let written = output::write(None, text.as_bytes());
    super::leave(analysis);
    written
}
