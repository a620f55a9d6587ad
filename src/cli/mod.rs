//! Command-line definitions (clap) and the wiring of library stages.

mod advise;
mod analyze;
mod explain;
mod output;

use clap::{Args, Parser, Subcommand};
use procura::pipeline::{self, Inputs};
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
    Analyze(analyze::AnalyzeArgs),
    /// Explain one supplier's classes, relationship type and advice.
    Explain(explain::ExplainArgs),
    /// Advise: a plan per category (split, roles, money to move, backups) and an action
    /// list per supplier (methods, relationship, exceptions, scorecard review).
    Advise(advise::AdviseArgs),
}

/// Options shared by the commands that read ledgers.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Ledger CSV files (one ledger when several are given).
    #[arg(required = true, value_name = "LEDGER")]
    pub ledgers: Vec<PathBuf>,
    /// A rule file that replaces the shipped default rules.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// A profiles file: facts per category and per supplier (TOML).
    #[arg(long, value_name = "FILE")]
    pub profiles: Option<PathBuf>,
    /// A profit file keyed by item_id or category (CSV), allocated by spend.
    #[arg(long, value_name = "FILE")]
    pub profit: Option<PathBuf>,
}

/// An error for people, with its exit code.
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// The message.
    pub message: String,
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

pub fn load_rules(path: &Option<PathBuf>) -> Result<RuleSet, Failure> {
    match path {
        Some(p) => RuleSet::from_path(p),
        None => RuleSet::default_rules(),
    }
    .map_err(|e| Failure {
        code: exit::RULES,
        message: e.to_string(),
    })
}

pub fn inputs(c: &CommonArgs) -> Inputs {
    Inputs {
        ledgers: c.ledgers.clone(),
        profiles: c.profiles.clone(),
        profit: c.profit.clone(),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Analyze(a) => analyze::run(a),
        Command::Explain(e) => explain::run(e),
        Command::Advise(a) => advise::run(a),
    }
}
