//! Exchange rates (`--fx FILE`): a ledger with several currencies is converted to one
//! reporting currency before anything is summed, and the report lists the rates used.
//!
//! The file is CSV (any delimiter, encoding as for ledgers) with a header row and the
//! columns `from`, `to`, `rate` and, optionally, `date`:
//!
//! ```text
//! from,to,rate,date
//! USD,EUR,0.92,
//! USD,EUR,0.91,2025-04-01
//! CHF,EUR,1.04,
//! ```
//!
//! One `from` unit is worth `rate` `to` units (decimal point). Every row has the same `to`:
//! the reporting currency. A row without a date applies to every line; a dated row applies
//! to lines on or after its date (ISO `yyyy-mm-dd`), until the next dated row of the same
//! currency, so monthly rates are one row per month. A line without a date takes the
//! undated rate.

use super::locale::date::{Date, DateFormat, parse_date};
use super::locale::encoding::decode;
use super::locale::number::{NumberFormat, parse_currency, parse_number};
use super::locale::sniff::sniff;
use super::records::split;
use super::{FileReport, LedgerError, Position, escaped};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Exchange rates to one reporting currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxTable {
    /// Where the rates came from.
    pub source: String,
    reporting: String,
    /// Per currency: the undated rate, and the dated ones sorted by date.
    rates: BTreeMap<String, Rates>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Rates {
    undated: Option<Decimal>,
    dated: Vec<(Date, Decimal)>,
}

/// A rate that was applied, with the lines and money it converted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FxUse {
    /// The line's currency.
    pub currency: String,
    /// The date the rate is valid from (`None`: the undated rate).
    pub from: Option<String>,
    /// Reporting-currency units per unit of `currency`.
    pub rate: Decimal,
    /// Lines converted with it.
    pub lines: u64,
    /// Their amount in `currency`.
    pub amount: Decimal,
}

impl FileReport {
    /// Records that a line of `amount` in `currency` was converted at `rate`.
    pub(crate) fn note_fx(
        &mut self,
        currency: &str,
        from: Option<Date>,
        rate: Decimal,
        amount: Decimal,
    ) {
        let from = from.map(|d| d.to_string());
        match self
            .fx_used
            .iter_mut()
            .find(|u| u.currency == currency && u.from == from)
        {
            Some(u) => {
                u.lines += 1;
                u.amount = crate::spend::add_money(u.amount, amount);
            }
            None => {
                self.fx_used.push(FxUse {
                    currency: currency.to_string(),
                    from,
                    rate,
                    lines: 1,
                    amount,
                });
                self.fx_used
                    .sort_by(|a, b| (&a.currency, &a.from).cmp(&(&b.currency, &b.from)));
            }
        }
    }
}

impl FxTable {
    /// Reads a rates file.
    pub fn from_path(path: &Path) -> Result<FxTable, LedgerError> {
        let bytes = std::fs::read(path).map_err(|source| LedgerError::Io {
            file: path.to_path_buf(),
            source,
        })?;
        let text = decode(&bytes, None)
            .map_err(|source| LedgerError::Encoding {
                file: path.to_path_buf(),
                source,
                declared: false,
            })?
            .text;
        FxTable::parse(path, &text)
    }

    /// Parses the text of a rates file; `name` is used in messages.
    pub fn parse(name: &Path, text: &str) -> Result<FxTable, LedgerError> {
        let file: PathBuf = name.to_path_buf();
        let delimiter = sniff(text)
            .map_err(|source| LedgerError::Delimiter {
                file: file.clone(),
                source,
            })?
            .delimiter;
        let mut records = split(text, delimiter.as_char())
            .into_iter()
            .filter(|r| r.fields.iter().any(|f| !f.trim().is_empty()));
        let Some(header) = records.next() else {
            return Err(LedgerError::Empty { file });
        };
        let names: Vec<String> = header
            .fields
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let find = |n: &str| names.iter().position(|h| h == n);
        let (Some(from_col), Some(to_col), Some(rate_col)) =
            (find("from"), find("to"), find("rate"))
        else {
            return Err(LedgerError::Malformed {
                at: Position {
                    file,
                    line: header.line,
                    column: None,
                },
                message: format!(
                    "expected the header from,to,rate (and optionally date); found {}",
                    names.join(", ")
                ),
            });
        };
        let date_col = find("date");
        let mut table = FxTable {
            source: name.display().to_string(),
            reporting: String::new(),
            rates: BTreeMap::new(),
        };
        for r in records {
            let cell = |c: usize| r.fields.get(c).map_or("", |s| s.trim());
            let bad = |c: usize, problem: String| LedgerError::BadValue {
                at: Position {
                    file: file.clone(),
                    line: r.line,
                    column: Some((c + 1, names[c].clone())),
                },
                value: escaped(cell(c)),
                problem,
            };
            let currency = |c: usize| {
                parse_currency(cell(c))
                    .map(|x| x.code().to_string())
                    .ok_or_else(|| bad(c, "is not a currency: expected an ISO code".into()))
            };
            let from = currency(from_col)?;
            let to = currency(to_col)?;
            if table.reporting.is_empty() {
                table.reporting = to.clone();
            } else if table.reporting != to {
                return Err(bad(
                    to_col,
                    format!(
                        "differs from {}: expected one reporting currency in the `to` column",
                        table.reporting
                    ),
                ));
            }
            let rate = parse_number(cell(rate_col), NumberFormat::POINT)
                .ok()
                .map(|n| n.value)
                .filter(|v| *v > Decimal::ZERO)
                .ok_or_else(|| {
                    bad(
                        rate_col,
                        "is not a positive number with a decimal point".into(),
                    )
                })?;
            let date = match date_col.map(cell).filter(|d| !d.is_empty()) {
                None => None,
                Some(d) => Some(parse_date(d, DateFormat::Iso).map_err(|e| {
                    bad(
                        date_col.unwrap_or(0),
                        format!("is not a date: {}", e.problem),
                    )
                })?),
            };
            let entry = table.rates.entry(from.clone()).or_default();
            let duplicate = match date {
                None => entry.undated.replace(rate).is_some(),
                Some(d) => {
                    let dup = entry.dated.iter().any(|(x, _)| *x == d);
                    entry.dated.push((d, rate));
                    entry.dated.sort();
                    dup
                }
            };
            if duplicate {
                return Err(bad(
                    from_col,
                    "has two rates for the same date: expected one".into(),
                ));
            }
        }
        if table.reporting.is_empty() {
            return Err(LedgerError::Empty { file });
        }
        Ok(table)
    }

    /// The reporting currency.
    pub fn reporting(&self) -> &str {
        &self.reporting
    }

    /// The rate for a line in `currency` on `date`: the latest dated rate on or before it,
    /// else the undated one. Returns the rate's date and the rate, or why there is none.
    pub fn rate(
        &self,
        currency: &str,
        date: Option<Date>,
    ) -> Result<(Option<Date>, Decimal), String> {
        let Some(rates) = self.rates.get(currency) else {
            return Err(format!(
                "has no exchange rate to {} in {}: add a row `{currency},{},<rate>`",
                self.reporting, self.source, self.reporting
            ));
        };
        if let Some(d) = date
            && let Some((from, rate)) = rates.dated.iter().rev().find(|(from, _)| *from <= d)
        {
            return Ok((Some(*from), *rate));
        }
        rates.undated.map(|r| (None, r)).ok_or_else(|| match date {
            Some(d) => format!(
                "has no exchange rate to {} on or before {d} in {}: add an earlier or an undated rate",
                self.reporting, self.source
            ),
            None => format!(
                "has no undated exchange rate to {} in {} for a line without a date",
                self.reporting, self.source
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_rates_apply_from_their_date_and_undated_ones_otherwise() {
        let t = FxTable::parse(
            Path::new("fx.csv"),
            "from,to,rate,date\nUSD,EUR,0.92,\nUSD,EUR,0.90,2025-04-01\nCHF,EUR,1.04,2025-01-01\n",
        )
        .expect("parses");
        assert_eq!(t.reporting(), "EUR");
        let d = |s| parse_date(s, DateFormat::Iso).ok();
        assert_eq!(
            t.rate("USD", d("2025-03-31")),
            Ok((None, Decimal::new(92, 2)))
        );
        assert_eq!(
            t.rate("USD", d("2025-04-02")),
            Ok((d("2025-04-01"), Decimal::new(90, 2)))
        );
        assert!(t.rate("CHF", d("2024-12-31")).is_err());
        assert!(
            t.rate("GBP", None)
                .expect_err("none")
                .contains("no exchange rate")
        );
    }

    #[test]
    fn two_reporting_currencies_are_an_error() {
        let e = FxTable::parse(
            Path::new("fx.csv"),
            "from,to,rate\nUSD,EUR,0.9\nGBP,USD,1.2\n",
        )
        .expect_err("two to");
        assert!(e.to_string().contains("one reporting currency"), "{e}");
    }
}
