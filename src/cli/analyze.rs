//! `procura analyze`: the main job.

use super::progress;
use super::{CommonArgs, Failure, inputs, load_rules, output};
use clap::{Args, ValueEnum};
use procura::analysis::Dimension;
use procura::pipeline;
use procura::report::{self, Format};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// What to rank.
    #[arg(long, value_enum, default_value_t = By::Supplier)]
    pub by: By,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Write to this file instead of stdout (written whole or not at all).
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    Supplier,
    Category,
    Item,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Csv,
    Json,
    Md,
    /// An Excel workbook (needs --output, or stdout redirected to a file).
    Xlsx,
    /// One self-contained HTML page (needs --output, or stdout redirected to a file).
    Html,
    /// `supplier_id,spend,share,cum_share,class`: the benchmark's format.
    BenchCsv,
}

impl From<By> for Dimension {
    fn from(b: By) -> Dimension {
        match b {
            By::Supplier => Dimension::Supplier,
            By::Category => Dimension::Category,
            By::Item => Dimension::Item,
        }
    }
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Md => Format::Markdown,
            FormatArg::Xlsx => Format::Xlsx,
            FormatArg::Html => Format::Html,
            FormatArg::BenchCsv => Format::BenchCsv,
        }
    }
}

/// Runs `procura analyze`.
pub fn run(a: AnalyzeArgs) -> Result<(), Failure> {
    let rules = load_rules(&a.common.rules)?;
    let (analysis, files) =
        progress::run(inputs(&a.common), |i| pipeline::run_with_files(i, &rules))?;
    let by = Dimension::from(a.by);
    let format = Format::from(a.format);
    super::report::refuse_terminal(format, a.output.as_deref())?;
    let ctx = report::Context {
        files: &files,
        rules: Some(&rules),
    };
    let written = output::write_with(a.output.as_deref(), |out| {
        report::write_with(&analysis, &ctx, by, format, out)
    });
    super::leave((analysis, files));
    written
}
