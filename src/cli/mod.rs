//! Command-line definitions (clap) and the wiring of library stages.

mod advise;
mod analyze;
mod check;
mod explain;
mod output;
mod progress;
mod report;
mod rules;

use clap::{Args, Parser, Subcommand};
use procura::ledger::ReadOptions;
use procura::ledger::locale::date::DateFormat;
use procura::ledger::locale::encoding::Encoding;
use procura::ledger::locale::headers::Mapping;
use procura::ledger::locale::number::DecimalSep;
use procura::ledger::locale::sniff::Delimiter;
use procura::pipeline::{self, Inputs};
use procura::rules::{RuleSet, RuleSource, RulesError};
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
    /// Check rule files, or show the effective rules and where each value came from.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Advise: a plan per category (split, roles, money to move, backups) and an action
    /// list per supplier (methods, relationship, exceptions, scorecard review).
    Advise(advise::AdviseArgs),
    /// A one-page report on one supplier for a supplier meeting (Markdown, HTML or XLSX).
    Report(report::ReportArgs),
    /// Check ledgers without analysing them: how each file was read, every row accounted
    /// for (used, skipped, rejected), normalisations, warnings and supplier-identity findings.
    Check(check::CheckArgs),
}

/// Options shared by the commands that read ledgers.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Ledger CSV files (one ledger when several are given).
    #[arg(required = true, value_name = "LEDGER")]
    pub ledgers: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArgs,
    /// A profiles file: facts per category and per supplier (TOML).
    #[arg(long, value_name = "FILE")]
    pub profiles: Option<PathBuf>,
    /// A profit file keyed by item_id or category (CSV), allocated by spend.
    #[arg(long, value_name = "FILE")]
    pub profit: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// How to read ledgers: each option overrides what procura detects.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Text encoding of the ledgers: utf-8, utf-16le, utf-16be, windows-1250, windows-1251,
    /// windows-1252 [default: detected, and reported by `procura check`].
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<Encoding>,
    /// Field delimiter: `,` `;` `|` or `tab` [default: sniffed; a `sep=;` first line is honoured].
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<Delimiter>,
    /// Decimal separator of every number column: `.` or `,` [default: decided per column;
    /// needed when a column cannot tell, as with `1,234`].
    #[arg(long, value_name = "SEP")]
    pub decimal: Option<DecimalSep>,
    /// Date format of the date column: iso, dd.mm.yyyy, dd/mm/yyyy, mm/dd/yyyy or excel
    /// [default: decided from the column].
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<DateFormat>,
    /// Header names for fields, e.g. `supplier_id=Kreditor,amount=Nettowert`; fields:
    /// supplier_id, supplier_name, amount, category, item_id, date, quantity, unit_price,
    /// price_unit, currency, order_id, profit.
    #[arg(long, value_name = "FIELD=HEADER,…")]
    pub columns: Option<Mapping>,
    /// Worksheet of an Excel ledger [default: the first].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Exchange rates to one reporting currency (CSV from,to,rate[,date]); needed when the
    /// ledgers have more than one currency.
    #[arg(long, value_name = "FILE")]
    pub fx: Option<PathBuf>,
    /// Leave rejected rows out instead of stopping; every output then says so at the top.
    #[arg(long)]
    pub lenient: bool,
}

impl ReadArgs {
    /// The library's read options.
    pub fn options(&self) -> ReadOptions {
        ReadOptions {
            encoding: self.encoding,
            delimiter: self.delimiter,
            decimal: self.decimal,
            date_format: self.date_format,
            columns: self.columns.clone().unwrap_or_default(),
            sheet: self.sheet.clone(),
            fx: None,
        }
    }
}

/// Which rule files to use: the shipped default with the given files layered on top.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule file layered on top of the shipped default rules; may be given several times,
    /// later files override earlier ones key by key.
    #[arg(long = "rules", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Do not start from the shipped default rules: the first --rules file must be complete.
    #[arg(long, requires = "files")]
    pub no_default_rules: bool,
}

impl RulesArgs {
    /// The rule sources, in layering order.
    pub fn sources(&self) -> Result<Vec<RuleSource>, Failure> {
        let mut sources = Vec::new();
        if !self.no_default_rules {
            sources.push(RuleSource::default_rules());
        }
        for f in &self.files {
            sources.push(RuleSource::read(f).map_err(|e| rules_failure(&e))?);
        }
        Ok(sources)
    }
}

/// Whether messages on stderr may be coloured: a terminal, and no `NO_COLOR`.
pub fn color_stderr() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn rules_failure(e: &RulesError) -> Failure {
    let n = e.errors().count();
    Failure {
        code: exit::RULES,
        message: format!(
            "the rules have {n} error{}:\n\n{}",
            if n == 1 { "" } else { "s" },
            e.render(color_stderr()).trim_end()
        ),
    }
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

/// Loads the shipped default rules with the `--rules` files layered on top; warnings go to
/// stderr, errors become a failure with every diagnostic rendered.
pub fn load_rules(args: &RulesArgs) -> Result<RuleSet, Failure> {
    let rules = RuleSet::layered(args.sources()?).map_err(|e| rules_failure(&e))?;
    if !rules.warnings.is_empty() {
        eprint!(
            "{}",
            procura::rules::render(&rules.warnings, &args.sources()?, color_stderr())
        );
    }
    Ok(rules)
}

/// Lets go of a command's analysis without freeing it, once its output is written: the
/// process ends next and the system takes the memory back at once, where freeing a
/// 10M-line ledger's analysis object by object took a tenth of a second.
pub fn leave<T>(analysis: T) {
    std::mem::forget(analysis);
}

pub fn inputs(c: &CommonArgs) -> Inputs {
    Inputs {
        ledgers: c.ledgers.clone(),
        profiles: c.profiles.clone(),
        profit: c.profit.clone(),
        read: c.read.options(),
        fx: c.read.fx.clone(),
        lenient: c.read.lenient,
        progress: None,
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Analyze(a) => analyze::run(a),
        Command::Explain(e) => explain::run(e),
        Command::Rules(r) => rules::run(r),
        Command::Advise(a) => advise::run(a),
        Command::Report(r) => report::run(r),
        Command::Check(c) => check::run(c),
    }
}
