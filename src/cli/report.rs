//! `procura report`: a one-page report on one supplier, for a supplier meeting.

use super::progress;
use super::{CommonArgs, Failure, exit, inputs, load_rules, output};
use clap::{Args, ValueEnum};
use procura::pipeline;
use procura::report::{self, Format, ReportError};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The supplier id, as in the ledger.
    pub supplier_id: String,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Write to this file instead of stdout (written whole or not at all).
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for an e-mail or a wiki.
    Md,
    /// One self-contained HTML page that prints on one page.
    Html,
    /// An Excel workbook with one sheet.
    Xlsx,
}

/// Refuses to pour a workbook or a web page into a terminal: the user surely wanted a file.
/// Redirected stdout (`> file`, `| …`) is fine.
pub fn refuse_terminal(format: Format, output: Option<&Path>) -> Result<(), Failure> {
    let page = matches!(format, Format::Xlsx | Format::Html);
    if page && output.is_none() && std::io::stdout().is_terminal() {
        let (what, ext) = if format.is_binary() {
            ("an XLSX workbook is binary", "xlsx")
        } else {
            ("an HTML page is meant for a browser", "html")
        };
        return Err(Failure {
            code: exit::USAGE,
            message: format!(
                "{what} and stdout is a terminal: give --output report.{ext} (or redirect stdout to a file)"
            ),
        });
    }
    Ok(())
}

/// Runs `procura report`.
pub fn run(r: ReportArgs) -> Result<(), Failure> {
    let format = match r.format {
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Html => Format::Html,
        ReportFormat::Xlsx => Format::Xlsx,
    };
    refuse_terminal(format, r.output.as_deref())?;
    let rules = load_rules(&r.common.rules)?;
    let (analysis, files) =
        progress::run(inputs(&r.common), |i| pipeline::run_with_files(i, &rules))?;
    let ctx = report::Context {
        files: &files,
        rules: Some(&rules),
    };
    let bytes =
        report::supplier_report(&analysis, &ctx, &r.supplier_id, format).map_err(|e| match e {
            ReportError::UnknownSupplier(id) => {
                let ids = analysis.suppliers.iter().map(|s| s.id.as_str());
                let hint = procura::suggest::did_you_mean(&id, ids)
                    .map(|s| format!(" — did you mean {s}?"))
                    .unwrap_or_default();
                Failure {
                    code: exit::DATA,
                    message: format!("supplier {id:?} is not in the ledger{hint}"),
                }
            }
            e => Failure {
                code: exit::OUTPUT,
                message: e.to_string(),
            },
        })?;
    let written = output::write(r.output.as_deref(), &bytes);
    super::leave((analysis, files));
    written
}
