//! The scorecard file for the supplier review (`procura advise --scorecard FILE`).
//!
//! CSV with a header row, UTF-8, comma-separated, decimal point; columns are found by name:
//!
//! | column | meaning |
//! |---|---|
//! | `supplier_id` | the supplier, as in the ledger |
//! | `criterion` | the touchpoint or criterion judged (e.g. `on-time delivery`) |
//! | `importance` | how important it is to us, on the rules' scale (`advice.scorecard`) |
//! | `performance` | performance against expectation on the same scale (the middle = as expected) |
//!
//! Every row is checked: a missing column, a score that is not a number or lies outside
//! the scale, an empty criterion and (when placed, see [`crate::advise::apply_scorecard`])
//! a supplier that is not in the ledger are errors with the file, line, column and value.

use crate::rules::RuleSet;
use rust_decimal::Decimal;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One judged touchpoint or criterion of one supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreEntry {
    /// The supplier.
    pub supplier_id: String,
    /// The touchpoint or criterion.
    pub criterion: String,
    /// Importance on the rules' scale.
    pub importance: Decimal,
    /// Performance against expectation on the rules' scale.
    pub performance: Decimal,
    /// 1-based line in the file.
    pub line: u64,
    /// 1-based column of `supplier_id`, for errors about the supplier.
    pub supplier_column: usize,
}

/// A scorecard file, read and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    /// Where it came from.
    pub source: String,
    /// The rows in file order.
    pub entries: Vec<ScoreEntry>,
}

/// A problem in a scorecard file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct ScorecardError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line and column, where known.
    pub location: Option<(u64, usize)>,
    /// What is wrong and what was expected.
    pub message: String,
}

const COLUMNS: [&str; 4] = ["supplier_id", "criterion", "importance", "performance"];

impl Scorecard {
    /// Reads and checks a scorecard file against the rules' scale.
    pub fn from_path(path: &Path, rules: &RuleSet) -> Result<Scorecard, ScorecardError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScorecardError {
            file: path.to_path_buf(),
            location: None,
            message: format!("cannot read the scorecard file: {e}"),
        })?;
        Scorecard::from_csv(&text, path, rules)
    }

    /// Parses scorecard CSV text; `file` names it in errors.
    pub fn from_csv(text: &str, file: &Path, rules: &RuleSet) -> Result<Scorecard, ScorecardError> {
        let err = |location: Option<(u64, usize)>, message: String| ScorecardError {
            file: file.to_path_buf(),
            location,
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| err(Some((1, 1)), format!("cannot read the header row: {e}")))?
            .clone();
        let mut index = [0usize; 4];
        for (i, name) in COLUMNS.iter().enumerate() {
            index[i] = headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    err(
                        Some((1, 1)),
                        format!(
                            "no `{name}` column: expected the columns {} (found {})",
                            COLUMNS.join(", "),
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?;
        }
        let scale = &rules.advice.scorecard;
        let mut out = Scorecard {
            source: file.display().to_string(),
            entries: Vec::new(),
        };
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line());
                err(line.map(|l| (l, 1)), format!("not a valid CSV row: {e}"))
            })?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            let field = |i: usize| record.get(index[i]).unwrap_or("").trim();
            let supplier_id = field(0);
            if supplier_id.is_empty() {
                return Err(err(
                    Some((line, index[0] + 1)),
                    "empty `supplier_id`: expected a supplier id from the ledger".into(),
                ));
            }
            let criterion = field(1);
            if criterion.is_empty() {
                return Err(err(
                    Some((line, index[1] + 1)),
                    "empty `criterion`: expected the touchpoint or criterion judged".into(),
                ));
            }
            let score = |i: usize| -> Result<Decimal, ScorecardError> {
                let raw = field(i);
                let v = Decimal::from_str(raw).map_err(|_| {
                    err(
                        Some((line, index[i] + 1)),
                        format!(
                            "`{}` is {raw:?}: expected a number from {} to {}",
                            COLUMNS[i], scale.scale_min, scale.scale_max
                        ),
                    )
                })?;
                if v < scale.scale_min || v > scale.scale_max {
                    return Err(err(
                        Some((line, index[i] + 1)),
                        format!(
                            "`{}` is {raw}: expected a number from {} to {} (the scale of the rules' `advice.scorecard`)",
                            COLUMNS[i], scale.scale_min, scale.scale_max
                        ),
                    ));
                }
                Ok(v)
            };
            out.entries.push(ScoreEntry {
                supplier_id: supplier_id.to_string(),
                criterion: criterion.to_string(),
                importance: score(2)?,
                performance: score(3)?,
                line,
                supplier_column: index[0] + 1,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Scorecard, ScorecardError> {
        let rules = RuleSet::default_rules().expect("default rules");
        Scorecard::from_csv(text, Path::new("sc.csv"), &rules)
    }

    #[test]
    fn reads_rows_by_column_name() {
        let s = read("criterion,supplier_id,performance,importance\non-time delivery,S-1,2,5\n")
            .expect("valid");
        assert_eq!(s.entries.len(), 1);
        assert_eq!(s.entries[0].supplier_id, "S-1");
        assert_eq!(s.entries[0].importance, Decimal::from(5));
        assert_eq!(s.entries[0].performance, Decimal::from(2));
        assert_eq!((s.entries[0].line, s.entries[0].supplier_column), (2, 2));
    }

    #[test]
    fn bad_rows_name_the_line_column_and_value() {
        let e = read("supplier_id,criterion,importance,performance\nS-1,x,5,7\n")
            .expect_err("out of scale");
        assert_eq!(e.location, Some((2, 4)));
        assert!(e.message.contains("`performance` is 7"), "{}", e.message);
        let e = read("supplier_id,criterion,importance,performance\nS-1,x,high,3\n")
            .expect_err("not a number");
        assert!(
            e.to_string()
                .starts_with("sc.csv:2:3: `importance` is \"high\"")
        );
        let e = read("supplier_id,importance,performance\n").expect_err("no criterion");
        assert!(e.message.contains("no `criterion` column"));
    }
}
