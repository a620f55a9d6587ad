//! `procura check`: the data-quality report alone, without classification.

use super::{Failure, ReadArgs, exit, output};
use clap::{Args, ValueEnum};
use procura::pipeline::{self, Inputs};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Ledger files (CSV in any encoding and delimiter, or Excel workbooks).
    #[arg(required = true, value_name = "LEDGER")]
    pub ledgers: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
}

/// Runs `procura check`: prints the report; exits non-zero when rows were rejected (unless
/// `--lenient`), so that a script can stop before analysing.
pub fn run(c: CheckArgs) -> Result<(), Failure> {
    let inputs = Inputs {
        ledgers: c.ledgers.clone(),
        read: c.read.options(),
        fx: c.read.fx.clone(),
        lenient: c.read.lenient,
        ..Inputs::default()
    };
    let ledger = pipeline::inspect(&inputs)?;
    let report = pipeline::quality_report(&ledger);
    let bytes = match c.format {
        CheckFormat::Table => report.to_text().into_bytes(),
        CheckFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&report).map_err(|e| Failure {
                code: exit::OUTPUT,
                message: format!("cannot write JSON: {e}"),
            })?;
            v.push(b'\n');
            v
        }
    };
    output::write(None, &bytes)?;
    let rejected: u64 = report.files.iter().map(|f| f.rows_rejected).sum();
    if rejected > 0 && !c.read.lenient {
        return Err(Failure {
            code: exit::DATA,
            message: format!(
                "{rejected} row{} rejected: fix them as listed above, or pass --lenient to leave them out",
                if rejected == 1 { " was" } else { "s were" }
            ),
        });
    }
    Ok(())
}
