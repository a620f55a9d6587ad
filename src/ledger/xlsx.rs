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

/// Whether the bytes are a workbook: a ZIP container (xlsx, ods) or an OLE compound file
/// (xls). Neither signature can start a text ledger.
pub(crate) fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The rows of the chosen sheet; line numbers are the sheet's row numbers.
///
/// calamine can panic on some damaged files (arithmetic overflow on absurd cell
/// references); the panic is caught here and reported as a damaged workbook, so that no
/// input makes procura crash.
pub(crate) fn rows(
    name: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    report: &mut FileReport,
) -> Result<Vec<Row>, LedgerError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheet(name, bytes, options, report)
    }))
    .unwrap_or_else(|_| {
        Err(LedgerError::Workbook {
            file: name.to_path_buf(),
            message: "the workbook is damaged: the spreadsheet reader gave up on it; open and save it again in Excel, or export the sheet as CSV".into(),
        })
    })
}

fn read_sheet(
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
    // Cells left of the used range are empty: pad so that column numbers in messages are
    // Excel's, unless the range starts so far right that padding would cost real memory.
    let pad = if first_col <= MAX_PADDING {
        first_col
    } else {
        0
    };
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![Cell::Empty; pad];
        cells.extend(row.iter().map(cell));
        out.push(Row {
            line: u64::from(first_row) + i as u64 + 1,
            cells,
            problem: None,
        });
    }
    Ok(out)
}

/// The most empty columns put in front of a sheet's used range.
const MAX_PADDING: usize = 256;

fn quoted(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    q.join(", ")
}

/// A number cell as Excel shows it: 15 significant digits. Excel computes in binary
/// floating point and stores `=300*0.3` as 89.999999999999986, but shows and means 90.
fn excel_number(f: f64) -> Cell {
    let shown = format!("{f:.14e}");
    match Decimal::from_scientific(&shown) {
        Ok(d) => Cell::Number(d.normalize()),
        Err(_) => Cell::Text(f.to_string()),
    }
}

/// One worksheet cell as the reader's cell.
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(Decimal::from(*i)),
        Data::Float(f) => excel_number(*f),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::csv_reader::read_bytes;
    use crate::spend::SpendCube;

    const WORKBOOK: &[u8] = include_bytes!("../../fixtures/exports/excel_workbook.xlsx");

    fn read(bytes: &[u8], options: &ReadOptions) -> Result<FileReport, LedgerError> {
        let mut cube = SpendCube::default();
        read_bytes(Path::new("w.xlsx"), bytes, options, &mut cube)
    }

    #[test]
    fn the_sheet_option_picks_a_sheet_and_a_wrong_name_lists_them() {
        let options = ReadOptions {
            sheet: Some("nope".into()),
            ..ReadOptions::default()
        };
        let e = read(WORKBOOK, &options).expect_err("no such sheet");
        assert_eq!(
            e.to_string(),
            "w.xlsx: no sheet \"nope\": the workbook has \"Purchases\", \"Notes\""
        );
        let options = ReadOptions {
            sheet: Some("notes".into()),
            ..ReadOptions::default()
        };
        let e = read(WORKBOOK, &options).expect_err("no ledger on the notes sheet");
        assert!(e.to_string().contains("no column for supplier_id"), "{e}");
    }

    #[test]
    fn cells_keep_their_types_and_formulas_their_cached_values() {
        let r = read(WORKBOOK, &ReadOptions::default()).expect("reads");
        assert_eq!((r.rows_used, r.rows_total), (5, 1));
        assert_eq!(r.amount_total, Decimal::new(38799, 1));
        assert_eq!(
            cell(&Data::Float(0.1 + 0.2)),
            Cell::Number(Decimal::new(3, 1))
        );
        assert_eq!(
            cell(&Data::Float(300.0 * 0.3)),
            Cell::Number(Decimal::from(90))
        );
        assert_eq!(
            cell(&Data::Float(-1234.56)),
            Cell::Number(Decimal::new(-123456, 2))
        );
        assert_eq!(cell(&Data::Float(1e-7)), Cell::Number(Decimal::new(1, 7)));
        assert_eq!(
            cell(&Data::Float(182.5)),
            Cell::Number(Decimal::new(1825, 1))
        );
    }

    proptest::proptest! {
        #[test]
        fn damaged_workbooks_give_an_error_not_a_panic(
            at in 0usize..WORKBOOK.len(),
            byte in proptest::num::u8::ANY,
            cut in 4usize..WORKBOOK.len(),
        ) {
            let mut damaged = WORKBOOK.to_vec();
            damaged[at] = byte;
            let _ = read(&damaged, &ReadOptions::default());
            let _ = read(&WORKBOOK[..cut], &ReadOptions::default());
        }
    }
}
