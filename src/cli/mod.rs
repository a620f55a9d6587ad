//! Command-line definitions (clap) and the wiring of library stages.

mod output;

use clap::{Args, Parser, Subcommand, ValueEnum};
use procura::analysis::Dimension;
use procura::pipeline::{self, Inputs};
use procura::report::{self, Format};
use procura::rules::RuleSet;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes, documented in README.md.
pub mod exit {
    /// Bad input data (ledger, profit file, profiles).
    pub const DATA: u8 = 1;
    /// Bad command line (clap's own code).
    pub const USAGE: u8 = 2;
    /// Bad rule file.
    pub const RULES: u8 = 3;
    /// The output could not be written.
    pub const OUTPUT: u8 = 4;
}

/// ABC analysis, supplier relationship types and sourcing advice from purchase ledgers.
#[derive(Debug, Parser)]
#[command(name = "procura", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Rank suppliers (or categories, items) by spend and profit, class them A/B/C, place
    /// every supplier on the four-step relationship scale and advise.
    Analyze(AnalyzeArgs),
    /// Explain one supplier's classes, relationship type and advice.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// Ledger CSV files (one ledger when several are given).
    #[arg(required = true, value_name = "LEDGER")]
    ledgers: Vec<PathBuf>,
    /// A rule file that replaces the shipped default rules.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// A profiles file: facts per category and per supplier (TOML).
    #[arg(long, value_name = "FILE")]
    profiles: Option<PathBuf>,
    /// A profit file keyed by item_id or category (CSV), allocated by spend.
    #[arg(long, value_name = "FILE")]
    profit: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// What to rank.
    #[arg(long, value_enum, default_value_t = By::Supplier)]
    by: By,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Write to this file instead of stdout (written whole or not at all).
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// The supplier id, as in the ledger.
    supplier_id: String,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum By {
    Supplier,
    Category,
    Item,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Csv,
    Json,
    Md,
}

/// An error for people, with its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<pipeline::Error> for Failure {
    fn from(e: pipeline::Error) -> Self {
        let code = match e {
            pipeline::Error::Rules(_) => exit::RULES,
            _ => exit::DATA,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

/// Runs the command line.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn load_rules(path: &Option<PathBuf>) -> Result<RuleSet, Failure> {
    match path {
        Some(p) => RuleSet::from_path(p),
        None => RuleSet::default_rules(),
    }
    .map_err(|e| Failure {
        code: exit::RULES,
        message: e.to_string(),
    })
}

fn inputs(c: &CommonArgs) -> Inputs {
    Inputs {
        ledgers: c.ledgers.clone(),
        profiles: c.profiles.clone(),
        profit: c.profit.clone(),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Analyze(a) => {
            let rules = load_rules(&a.common.rules)?;
            let analysis = pipeline::run(&inputs(&a.common), &rules)?;
            let by = match a.by {
                By::Supplier => Dimension::Supplier,
                By::Category => Dimension::Category,
                By::Item => Dimension::Item,
            };
            let format = match a.format {
                FormatArg::Table => Format::Table,
                FormatArg::Csv => Format::Csv,
                FormatArg::Json => Format::Json,
                FormatArg::Md => Format::Markdown,
            };
            let bytes = report::render(&analysis, by, format).map_err(|e| Failure {
                code: exit::OUTPUT,
                message: e.to_string(),
            })?;
            output::write(a.output.as_deref(), &bytes)
        }
        Command::Explain(e) => {
            let rules = load_rules(&e.common.rules)?;
            let analysis = pipeline::run(&inputs(&e.common), &rules)?;
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
            output::write(None, text.as_bytes())
        }
    }
}
