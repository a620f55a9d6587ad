//! `procura advise`: the per-category plans and the per-supplier action lists.

use super::analyze::{By, FormatArg};
use super::progress;
use super::{CommonArgs, Failure, exit, inputs, load_rules, output};
use clap::Args;
use procura::analysis::Dimension;
use procura::report::{self, Format};
use procura::scorecard::Scorecard;
use procura::{advise, pipeline};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AdviseArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// A scorecard file (CSV: supplier_id, criterion, importance, performance) for the
    /// supplier review.
    #[arg(long, value_name = "FILE")]
    pub scorecard: Option<PathBuf>,
    /// Show only the category plans (with the supply risks) or only the supplier action
    /// lists; both when not given (JSON always carries both).
    #[arg(long, value_enum)]
    pub by: Option<By>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Write to this file instead of stdout (written whole or not at all).
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Runs `procura advise`.
pub fn run(a: AdviseArgs) -> Result<(), Failure> {
    let rules = load_rules(&a.common.rules)?;
    // The scorecard is checked before the ledger is read, so that a typo in it fails fast.
    let scorecard = match &a.scorecard {
        Some(p) => Some(Scorecard::from_path(p, &rules).map_err(data)?),
        None => None,
    };
    let (mut analysis, files) =
        progress::run(inputs(&a.common), |i| pipeline::run_with_files(i, &rules))?;
    if let Some(s) = &scorecard {
        advise::apply_scorecard(&mut analysis.advice, &rules, s).map_err(data)?;
    }
    let format = Format::from(a.format);
    super::report::refuse_terminal(format, a.output.as_deref())?;
    let by = a.by.map(Dimension::from);
    let written = output::write_with(a.output.as_deref(), |out| match format {
        // The full report, with the files read and the rules used.
        Format::Xlsx | Format::Html => {
            let ctx = report::Context {
                files: &files,
                rules: Some(&rules),
            };
            report::write_with(&analysis, &ctx, by.unwrap_or_default(), format, out)
        }
        _ => report::write_advice(&analysis, format, by, out),
    });
    super::leave((analysis, files));
    written
}

fn data(e: procura::scorecard::ScorecardError) -> Failure {
    Failure {
        code: exit::DATA,
        message: e.to_string(),
    }
}
