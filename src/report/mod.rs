//! Report writers: one per format. Each renders an [`Analysis`] into bytes; rounding
//! happens here and nowhere else (money to 2 decimals, shares as percent with 2 decimals
//! in human formats, exact decimals in CSV and JSON).

mod advice;
mod bench_csv;
mod csv_out;
mod explain;
mod html;
mod json;
mod markdown;
mod sections;
mod supplier;
mod svg;
mod table;
mod text;
mod xlsx;

pub use advice::{render_advice, write_advice};
pub use explain::explain;
pub use supplier::supplier_report;

use crate::analysis::{Analysis, Dimension};
use crate::ledger::FileReport;
use crate::rules::RuleSet;
use rust_decimal::{Decimal, RoundingStrategy};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A terminal table.
    Table,
    /// CSV, one row per object.
    Csv,
    /// JSON with everything, including the explanation.
    Json,
    /// Markdown, for a wiki or an e-mail.
    Markdown,
    /// An Excel workbook with one sheet per section and native charts (binary).
    Xlsx,
    /// One self-contained, printable HTML page with SVG charts.
    Html,
    /// The benchmark's CSV (`supplier_id,spend,share,cum_share,class`), for comparing
    /// with the reference job's baselines.
    BenchCsv,
}

impl Format {
    /// Whether the output is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx)
    }
}

/// What the full reports (Markdown, HTML, XLSX) show besides the analysis itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// One read report per ledger file, for the data-quality section.
    pub files: &'a [FileReport],
    /// The effective rules, for the rules-used section and the order of the supply-risk
    /// levels in the portfolio matrix.
    pub rules: Option<&'a RuleSet>,
}

/// Renders an analysis in a format, for the objects of one dimension.
pub fn render(analysis: &Analysis, by: Dimension, format: Format) -> Result<Vec<u8>, ReportError> {
    render_with(analysis, &Context::default(), by, format)
}

/// Renders an analysis with the context the full reports show (files read, rules used).
/// `by` chooses the ranked objects of the table, CSV and JSON; the Markdown, HTML and XLSX
/// reports always show every section (suppliers, categories and items alike).
pub fn render_with(
    analysis: &Analysis,
    ctx: &Context<'_>,
    by: Dimension,
    format: Format,
) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Table => Ok(table::render(analysis, by).into_bytes()),
        Format::Csv => csv_out::render(analysis, by),
        Format::Json => json::render(analysis, by),
        Format::Markdown => Ok(text::whole(|o| markdown::report(o, analysis, ctx)).into_bytes()),
        Format::Xlsx => xlsx::render(analysis, ctx),
        Format::Html => Ok(text::whole(|o| html::report(o, analysis, ctx)).into_bytes()),
        Format::BenchCsv => bench_csv::render(analysis, by),
    }
}

/// [`render_with`], written to `out`. JSON, Markdown and HTML are written as they are made:
/// at 10M ledger lines they run to hundreds of megabytes, which made whole set the run's
/// peak memory. The other formats are made whole, then written.
pub fn write_with(
    analysis: &Analysis,
    ctx: &Context<'_>,
    by: Dimension,
    format: Format,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    match format {
        Format::Json => json::write(analysis, by, out),
        Format::Markdown => Ok(text::written(out, |o| markdown::report(o, analysis, ctx))?),
        Format::Html => Ok(text::written(out, |o| html::report(o, analysis, ctx))?),
        _ => Ok(out.write_all(&render_with(analysis, ctx, by, format)?)?),
    }
}

/// A report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// CSV writing failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// JSON writing failed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// XLSX writing failed.
    #[error("cannot write XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The supplier of a one-supplier report is not in the analysis.
    #[error("supplier {0:?} is not in the ledger")]
    UnknownSupplier(String),
    /// The one-supplier report has no such format.
    #[error("the one-supplier report is written as Markdown, HTML or XLSX, not {0:?}")]
    NotForSupplier(Format),
    /// Writing the report out failed.
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
}

impl ReportError {
    /// Whether writing stopped because the reader went away (`procura … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        let kind = match self {
            ReportError::Io(e) => Some(e.kind()),
            ReportError::Json(e) => e.io_error_kind(),
            _ => None,
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    }
}

/// Money with 2 decimals, half away from zero.
pub fn money(d: Decimal) -> String {
    format!(
        "{:.2}",
        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

/// Money with 2 decimals and thousands separators, for people.
pub fn money_grouped(d: Decimal) -> String {
    let s = money(d);
    let (sign, s) = s.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", &s));
    let (int, frac) = s.split_once('.').unwrap_or((s, "00"));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}.{frac}")
}

/// A fraction as percent with 2 decimals, e.g. `12.34`.
pub fn percent(f: Decimal) -> String {
    format!(
        "{:.2}",
        (f * Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

/// A fraction, exact, as a plain decimal.
pub fn exact(f: Decimal) -> String {
    f.normalize().to_string()
}

/// An amount followed by its currency code, or alone when the ledger names none.
fn with_currency(amount: String, currency: &str) -> String {
    if currency.is_empty() {
        amount
    } else {
        format!("{amount} {currency}")
    }
}

/// The heading lines every human format starts with.
pub(crate) fn header_lines(a: &Analysis) -> Vec<String> {
    let s = &a.summary;
    let cur = s.currency.as_deref().unwrap_or("");
    let mut out: Vec<String> = s.notices.iter().map(|n| format!("NOTE: {n}")).collect();
    out.push(format!(
        "{} lines, {} suppliers, {} categories, {} items; total spend {}{}",
        s.lines,
        s.suppliers,
        s.categories,
        s.items,
        with_currency(money_grouped(s.total_spend), cur),
        s.total_profit
            .map(|p| format!(", total profit {}", with_currency(money_grouped(p), cur)))
            .unwrap_or_else(|| ", no profit data".into())
    ));
    if let Some((from, to)) = &s.period {
        out.push(format!("period {from} to {to}"));
    }
    out.push(format!(
        "ABC cut-offs A ≤ {} %, B ≤ {} % ({} boundary); rules: {}{}",
        s.a_cutoff,
        s.b_cutoff,
        s.boundary,
        s.rules,
        if s.profiles.is_empty() {
            "; no profiles file".to_string()
        } else {
            format!("; profiles: {}", s.profiles)
        }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_rounds_half_away_from_zero_once() {
        assert_eq!(money(Decimal::new(12345, 3)), "12.35");
        assert_eq!(money(Decimal::new(-12345, 3)), "-12.35");
        assert_eq!(money(Decimal::from(7)), "7.00");
        assert_eq!(money_grouped(Decimal::new(-123456789, 2)), "-1,234,567.89");
        assert_eq!(money_grouped(Decimal::new(99, 2)), "0.99");
        assert_eq!(percent(Decimal::new(123456, 6)), "12.35");
    }
}
