//! Excel workbooks (`.xlsx`, `.xlsm`, `.xls`, `.ods`) through calamine: the first sheet or
//! `--sheet`, each cell as Excel holds it. Formula cells give their cached value, numbers
//! stay exact as Excel displays them, date cells are dates, and numbers stored as text are
//! text, read by the column's conventions like any delimited file.

use super::locale::date::Date;
use super::rows::{Cell, Row};
use super::{FileReport, LedgerError, ReadOptions};
use calamine::{Data, Reader, open_workbook_auto_from_rs};
use rust_decimal::Decimal;
use std::io::Cursor;
use std::path::Path;
use std::str::FromStr;

/// Whether the bytes are a workbook: a ZIP container (xlsx, ods) or an OLE compound file
/// (xls). Neither signature can start a text ledger.
pub(crate) fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The rows of the chosen sheet; line numbers are the sheet's row numbers.
pub(crate) fn rows(
    name: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    report: &mut FileReport,
) -> Result<Vec<Row>, LedgerError> {
    let fail = |message: String| LedgerError::Workbook {
        file: name.to_path_buf(),
        message,
    };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| fail(format!("cannot open the workbook: {e}")))?;
    let sheets = book.sheet_names();
    let sheet = match &options.sheet {
        Some(s) => sheets
            .iter()
            .find(|n| *n == s)
            .or_else(|| sheets.iter().find(|n| n.eq_ignore_ascii_case(s)))
            .cloned()
            .ok_or_else(|| {
                fail(format!(
                    "no sheet {s:?}: the workbook has {}",
                    quoted(&sheets)
                ))
            })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| fail("the workbook has no sheets".into()))?,
    };
    report.decisions.push(format!(
        "workbook sheet {sheet:?}{} of {}",
        if options.sheet.is_some() {
            " (given with --sheet)"
        } else {
            " (the first)"
        },
        quoted(&sheets)
    ));
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| fail(format!("cannot read sheet {sheet:?}: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c) as usize;
    let mut out = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        // Cells left of the used range are empty: keep columns where Excel has them.
        let mut cells = vec![Cell::Empty; first_col];
        cells.extend(row.iter().map(cell));
        out.push(Row {
            line: u64::from(first_row) + i as u64 + 1,
            cells,
            problem: None,
        });
    }
    Ok(out)
}

fn quoted(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    q.join(", ")
}

/// One worksheet cell as the reader's cell.
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(Decimal::from(*i)),
        // Rust prints the shortest text that reads back as the same f64: what Excel shows.
        Data::Float(f) => match Decimal::from_str(&f.to_string()) {
            Ok(d) => Cell::Number(d),
            Err(_) => Cell::Text(f.to_string()),
        },
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match Date::new(y, m, d) {
                Ok(date) => Cell::Date(date),
                Err(_) => Cell::Text(dt.as_f64().to_string()),
            }
        }
        Data::DateTime(dt) => Cell::Text(dt.as_f64().to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(e.to_string()),
    }
}
