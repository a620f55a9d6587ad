//! Report writers: one per format. Each renders an [`Analysis`] into bytes; rounding
//! happens here and nowhere else (money to 2 decimals, shares as percent with 2 decimals
//! in human formats, exact decimals in CSV and JSON).

mod advice;
mod csv_out;
mod explain;
mod json;
mod markdown;
mod table;

pub use advice::render_advice;
pub use explain::explain;

use crate::analysis::{Analysis, Dimension};
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
}

/// Renders an analysis in a format, for the objects of one dimension.
pub fn render(analysis: &Analysis, by: Dimension, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Table => Ok(table::render(analysis, by).into_bytes()),
        Format::Csv => csv_out::render(analysis, by),
        Format::Json => json::render(analysis, by),
        Format::Markdown => Ok(markdown::render(analysis, by).into_bytes()),
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

/// The heading lines every human format starts with.
pub(crate) fn header_lines(a: &Analysis) -> Vec<String> {
    let s = &a.summary;
    let cur = s.currency.as_deref().unwrap_or("");
    let mut out = vec![format!(
        "{} lines, {} suppliers, {} categories, {} items; total spend {} {cur}{}",
        s.lines,
        s.suppliers,
        s.categories,
        s.items,
        money_grouped(s.total_spend),
        s.total_profit
            .map(|p| format!(", total profit {} {cur}", money_grouped(p)))
            .unwrap_or_else(|| ", no profit data".into())
    )];
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
