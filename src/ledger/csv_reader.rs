//! The CSV ledger reader: streams records into the spend cube, one pass, no per-row
//! allocation beyond the csv crate's reused record.

use super::{Field, FileReport, LedgerError, Position, shown};
use crate::spend::{PurchaseLine, SpendCube};
use rust_decimal::Decimal;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Reads a ledger file into `cube`.
pub fn read_ledger(path: &Path, cube: &mut SpendCube) -> Result<FileReport, LedgerError> {
    let file = std::fs::File::open(path).map_err(|source| LedgerError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    read_ledger_from(path, std::io::BufReader::with_capacity(1 << 16, file), cube)
}

/// Reads a ledger from any reader into `cube`; `name` is used in messages.
pub fn read_ledger_from<R: Read>(
    name: &Path,
    reader: R,
    cube: &mut SpendCube,
) -> Result<FileReport, LedgerError> {
    let file: PathBuf = name.to_path_buf();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let io_err = |e: csv::Error, file: &PathBuf| -> LedgerError {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        match e.into_kind() {
            csv::ErrorKind::Io(source) => LedgerError::Io {
                file: file.clone(),
                source,
            },
            other => LedgerError::Malformed {
                at: Position {
                    file: file.clone(),
                    line,
                    column: None,
                },
                message: format!("{other:?}"),
            },
        }
    };
    if !rdr
        .read_byte_record(&mut record)
        .map_err(|e| io_err(e, &file))?
    {
        return Err(LedgerError::Empty { file });
    }
    let header: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let s = String::from_utf8_lossy(f);
            // A UTF-8 byte-order mark sticks to the first name.
            let s = if i == 0 {
                s.trim_start_matches('\u{feff}').to_string()
            } else {
                s.into_owned()
            };
            s.trim().to_string()
        })
        .collect();
    let columns = map_columns(&file, &header)?;
    let col = |f: Field| columns[f as usize];
    let mut report = FileReport {
        file: file.display().to_string(),
        columns: Field::ALL
            .iter()
            .filter(|f| col(**f).is_some())
            .map(|f| f.key().to_string())
            .collect(),
        ..FileReport::default()
    };

    while rdr
        .read_byte_record(&mut record)
        .map_err(|e| io_err(e, &file))?
    {
        let line_no = record.position().map(|p| p.line()).unwrap_or(0);
        report.rows_read += 1;
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            report.rows_blank += 1;
            continue;
        }
        if record.len() != header.len() {
            return Err(LedgerError::Malformed {
                at: Position {
                    file,
                    line: line_no,
                    column: None,
                },
                message: format!(
                    "the row has {} fields: expected {} as in the header",
                    record.len(),
                    header.len()
                ),
            });
        }
        let at = |i: usize| Position {
            file: file.clone(),
            line: line_no,
            column: Some((i + 1, header[i].clone())),
        };
        let text = |f: Field| -> Result<Option<&str>, LedgerError> {
            let Some(i) = col(f) else { return Ok(None) };
            let bytes = record.get(i).unwrap_or_default();
            std::str::from_utf8(bytes)
                .map(|s| Some(s.trim()))
                .map_err(|e| LedgerError::BadValue {
                    at: at(i),
                    value: shown(&String::from_utf8_lossy(bytes)),
                    problem: format!(
                        "is not valid UTF-8 (invalid byte at offset {} in the field): expected UTF-8 text",
                        e.valid_up_to()
                    ),
                })
        };
        let required_text = |f: Field| -> Result<&str, LedgerError> {
            let v = text(f)?.unwrap_or("");
            if v.is_empty() {
                let i = col(f).unwrap_or(0);
                return Err(LedgerError::BadValue {
                    at: at(i),
                    value: String::new(),
                    problem: format!("is empty: expected a {}", f.key()),
                });
            }
            Ok(v)
        };
        let number = |f: Field, required: bool| -> Result<Option<Decimal>, LedgerError> {
            let Some(v) = text(f)? else { return Ok(None) };
            if v.is_empty() {
                if required {
                    return Err(LedgerError::BadValue {
                        at: at(col(f).unwrap_or(0)),
                        value: String::new(),
                        problem: format!(
                            "is empty: expected the {} as a number like 1234.56",
                            f.key()
                        ),
                    });
                }
                return Ok(None);
            }
            parse_decimal(v).map(Some).ok_or_else(|| LedgerError::BadValue {
                at: at(col(f).unwrap_or(0)),
                value: shown(v),
                problem: format!(
                    "is not a number: expected the {} as a number like 1234.56 or -12.5 (point as decimal separator, no thousands separators)",
                    f.key()
                ),
            })
        };

        let supplier_id = required_text(Field::SupplierId)?;
        let amount = number(Field::Amount, true)?.unwrap_or_default();
        // Quantity and unit price are checked so a broken export is caught, not used.
        number(Field::Quantity, false)?;
        number(Field::UnitPrice, false)?;
        let profit = number(Field::Profit, false)?;
        let date = text(Field::Date)?.filter(|d| !d.is_empty());
        if let Some(d) = date
            && !is_iso_date(d)
        {
            return Err(LedgerError::BadValue {
                at: at(col(Field::Date).unwrap_or(0)),
                value: shown(d),
                problem: "is not a date: expected an ISO date like 2025-03-31".into(),
            });
        }
        let currency = text(Field::Currency)?.filter(|c| !c.is_empty());
        cube.add(&PurchaseLine {
            supplier_id,
            supplier_name: text(Field::SupplierName)?.filter(|n| !n.is_empty()),
            category: text(Field::Category)?
                .filter(|c| !c.is_empty())
                .unwrap_or(UNCATEGORIZED),
            item_id: text(Field::ItemId)?.unwrap_or(""),
            amount,
            profit,
            date,
            currency,
        });
        report.rows_used += 1;
        if amount < Decimal::ZERO {
            report.credit_notes += 1;
        }
    }
    Ok(report)
}

/// The category of lines whose ledger has no category, or an empty one.
pub const UNCATEGORIZED: &str = "(uncategorized)";

/// Finds each recognised column; errors on a missing required or a duplicated one.
fn map_columns(file: &Path, header: &[String]) -> Result<Vec<Option<usize>>, LedgerError> {
    let mut columns: Vec<Option<usize>> = vec![None; Field::ALL.len()];
    for (i, name) in header.iter().enumerate() {
        let norm = name.to_ascii_lowercase().replace([' ', '-'], "_");
        if let Some(f) = Field::ALL.iter().find(|f| f.key() == norm) {
            if let Some(first) = columns[*f as usize] {
                return Err(LedgerError::DuplicateColumn {
                    file: file.to_path_buf(),
                    field: *f,
                    first: first + 1,
                    second: i + 1,
                });
            }
            columns[*f as usize] = Some(i);
        }
    }
    for f in Field::ALL {
        if f.is_required() && columns[f as usize].is_none() {
            return Err(LedgerError::MissingColumn {
                file: file.to_path_buf(),
                missing: f,
                found: header.to_vec(),
            });
        }
    }
    Ok(columns)
}

/// Parses a plain decimal: optional sign, digits, optional point and digits.
fn parse_decimal(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    Decimal::from_str(s).ok()
}

/// Whether `s` is a valid ISO calendar date `YYYY-MM-DD`.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> { s.get(r)?.parse().ok() };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(SpendCube, FileReport), LedgerError> {
        let mut cube = SpendCube::default();
        let r = read_ledger_from(Path::new("t.csv"), text.as_bytes(), &mut cube)?;
        Ok((cube, r))
    }

    #[test]
    fn reads_a_plain_ledger_with_quotes_and_credit_notes() {
        let (cube, r) = read(
            "supplier_id,supplier_name,amount,category\nS1,\"Acme, Inc.\",100.50,RAW\nS2,\"B \"\"Q\"\"\",-20,RAW\n,,,\nS1,,5,PKG\n",
        )
        .expect("reads");
        assert_eq!(r.rows_read, 4);
        assert_eq!(r.rows_used, 3);
        assert_eq!(r.rows_blank, 1);
        assert_eq!(r.credit_notes, 1);
        assert_eq!(cube.total_spend(), Decimal::new(8550, 2));
        assert_eq!(cube.supplier_names[0], "Acme, Inc.");
        assert_eq!(cube.supplier_names[1], "B \"Q\"");
    }

    #[test]
    fn a_bad_amount_names_file_line_column_value_and_expectation() {
        let e = read("supplier_id,amount\nS1,10\nS2,1.234,56\n").expect_err("bad");
        assert!(matches!(e, LedgerError::Malformed { .. }), "{e}");
        let e = read("supplier_id,amount\nS1,10\nS2,12a\n").expect_err("bad");
        assert_eq!(
            e.to_string(),
            "t.csv:3, column 2 (amount): \"12a\" is not a number: expected the amount as a number like 1234.56 or -12.5 (point as decimal separator, no thousands separators)"
        );
    }

    #[test]
    fn missing_required_columns_list_the_header() {
        let e = read("vendor,amount\nS1,10\n").expect_err("missing");
        assert_eq!(
            e.to_string(),
            "t.csv:1: no `supplier_id` column: expected a header row naming it; the header has: vendor, amount"
        );
    }

    #[test]
    fn empty_supplier_and_bad_dates_are_errors() {
        let e = read("supplier_id,amount\n,10\n").expect_err("empty id");
        assert!(e.to_string().contains("column 1 (supplier_id)"), "{e}");
        let e = read("supplier_id,amount,date\nS,10,2025-02-30\n").expect_err("bad date");
        assert!(
            e.to_string().contains("\"2025-02-30\" is not a date"),
            "{e}"
        );
    }

    #[test]
    fn numbers_are_plain_decimals() {
        assert_eq!(parse_decimal("-12.50"), Some(Decimal::new(-1250, 2)));
        assert_eq!(parse_decimal("+3"), Some(Decimal::from(3)));
        assert_eq!(parse_decimal(".5"), Some(Decimal::new(5, 1)));
        for bad in ["", "-", "1e5", "1,5", "1 000", "NaN", "0x10", "1.2.3"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_give_a_result_not_a_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut cube = SpendCube::default();
            let _ = read_ledger_from(Path::new("fuzz.csv"), &bytes[..], &mut cube);
        }

        #[test]
        fn every_used_row_is_in_the_cube(amounts in proptest::collection::vec(-100_000i64..100_000, 0..50)) {
            let mut text = String::from("supplier_id,amount\n");
            let mut sum = Decimal::ZERO;
            for (i, a) in amounts.iter().enumerate() {
                let d = Decimal::new(*a, 2);
                sum += d;
                text.push_str(&format!("S{},{}\n", i % 7, d));
            }
            let (cube, r) = read(&text).expect("reads");
            proptest::prop_assert_eq!(r.rows_used as usize, amounts.len());
            proptest::prop_assert_eq!(cube.lines() as usize, amounts.len());
            proptest::prop_assert_eq!(cube.total_spend(), sum);
        }
    }
}
