//! The general ledger reader: any encoding, delimiter and layout, and Excel workbooks.
//!
//! Delimited text is never held whole: a first pass over the bytes detects and checks the
//! encoding ([`ByteScan`], with the errors and offsets of
//! [`decode`](super::locale::encoding::decode)), a second reads the start of the text for
//! the delimiter, and deciding a column's number and date conventions needs all of its
//! values before the first row is used, so [`read_rows`] then passes over the records
//! again, each pass decoding the file a block at a time ([`StreamRecords`]). Memory is a
//! block and a record, whatever the file's size. A workbook is read whole (calamine needs
//! the zip archive). Large clean UTF-8 files take the faster, parallel fast path instead;
//! this reader is the one that handles everything.

use super::fast::read_full;
use super::locale::encoding::{ByteScan, Encoding, TextDecoder};
use super::locale::sniff::Delimiter;
use super::locale::sniff::{SniffReason, sniff_start};
use super::records::{StreamRecords, TextRecord};
use super::rows::{Cell, Row, read_rows};
use super::{FileReport, LedgerError, ReadOptions, xlsx};
use crate::spend::SpendCube;
use std::cell::RefCell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Reads a ledger file into `cube` with everything detected, strictly: a rejected row is
/// an error ([`LedgerError::Rejected`]).
pub fn read_ledger(path: &Path, cube: &mut SpendCube) -> Result<FileReport, LedgerError> {
    let report = read_ledger_with(path, &ReadOptions::default(), cube)?;
    strict(report)
}

/// Reads a ledger file into `cube` with `options`. Rejected rows do not stop the read:
/// they are in the report, for the caller to decide (strict or lenient).
pub fn read_ledger_with(
    path: &Path,
    options: &ReadOptions,
    cube: &mut SpendCube,
) -> Result<FileReport, LedgerError> {
    read_ledger_counted(path, options, None, cube)
}

/// [`read_ledger_with`], adding to `progress` as it goes: delimited text is read in three
/// full passes (the encoding's, then the rows' evidence and use), and each adds a
/// third of the bytes it reads, so that the count reaches the file's size at the end. A
/// workbook counts once it is read.
pub fn read_ledger_with_progress(
    path: &Path,
    options: &ReadOptions,
    progress: &AtomicU64,
    cube: &mut SpendCube,
) -> Result<FileReport, LedgerError> {
    read_ledger_counted(path, options, Some(progress), cube)
}

fn read_ledger_counted(
    path: &Path,
    options: &ReadOptions,
    progress: Option<&AtomicU64>,
    cube: &mut SpendCube,
) -> Result<FileReport, LedgerError> {
    let mut report = FileReport {
        file: path.display().to_string(),
        ..FileReport::default()
    };
    let io = |source| LedgerError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    let len = metadata.len();
    let mut signature = [0u8; 4];
    let n = read_full(&mut file, &mut signature).map_err(io)?;
    if xlsx::is_workbook(&signature[..n]) {
        // A workbook is a zip archive: calamine reads it whole.
        let bytes = std::fs::read(path).map_err(io)?;
        read_source(path, &bytes, options, &mut report, cube)?;
        if let Some(p) = progress {
            p.fetch_add(len, Ordering::Relaxed);
        }
    } else {
        drop(file);
        let source = Source::File {
            path,
            len,
            modified: metadata.modified().ok(),
        };
        read_text(path, source, options, progress, &mut report, cube)?;
    }
    Ok(report)
}

/// Reads a ledger from any reader into `cube`, strictly; `name` is used in messages.
pub fn read_ledger_from<R: Read>(
    name: &Path,
    mut reader: R,
    cube: &mut SpendCube,
) -> Result<FileReport, LedgerError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|source| LedgerError::Io {
            file: name.to_path_buf(),
            source,
        })?;
    strict(read_bytes(name, &bytes, &ReadOptions::default(), cube)?)
}

fn strict(report: FileReport) -> Result<FileReport, LedgerError> {
    if report.rows_rejected > 0 {
        return Err(LedgerError::Rejected {
            files: vec![report],
        });
    }
    Ok(report)
}

/// Reads a ledger held in memory: an Excel workbook by its signature, else delimited text.
pub(crate) fn read_bytes(
    name: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    cube: &mut SpendCube,
) -> Result<FileReport, LedgerError> {
    let mut report = FileReport {
        file: name.display().to_string(),
        ..FileReport::default()
    };
    read_source(name, bytes, options, &mut report, cube)?;
    Ok(report)
}

/// Reads a ledger held in memory into `cube`: an Excel workbook by its signature, else
/// delimited text, whose records are split afresh on each pass over them rather than held.
fn read_source(
    name: &Path,
    bytes: &[u8],
    options: &ReadOptions,
    report: &mut FileReport,
    cube: &mut SpendCube,
) -> Result<(), LedgerError> {
    if xlsx::is_workbook(bytes) {
        let rows = xlsx::rows(name, bytes, options, report)?;
        return read_rows(name, || rows.iter(), options, report, cube);
    }
    read_text(name, Source::Memory(bytes), options, None, report, cube)
}

/// Bytes read at a time by the passes over delimited text.
const BLOCK: usize = 1 << 20;

/// Where the bytes of delimited text come from on each pass over them.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    /// A file, opened afresh on each pass, with its length and modification time when
    /// the read started.
    File {
        path: &'a Path,
        len: u64,
        modified: Option<std::time::SystemTime>,
    },
    /// Bytes in memory.
    Memory(&'a [u8]),
}

impl<'a> Source<'a> {
    /// A reader of the bytes from offset `skip` on (after a byte order mark).
    fn open(self, skip: usize) -> std::io::Result<Box<dyn Read + 'a>> {
        match self {
            Source::File {
                path,
                len,
                modified,
            } => {
                let mut file = File::open(path)?;
                // Each pass must read the bytes the first one checked.
                let now = file.metadata()?;
                if now.len() != len || now.modified().ok() != modified {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "the file changed while it was being read",
                    ));
                }
                file.seek(SeekFrom::Start(skip as u64))?;
                Ok(Box::new(file))
            }
            Source::Memory(bytes) => Ok(Box::new(bytes.get(skip..).unwrap_or_default())),
        }
    }
}

/// Reads delimited text from `source` in passes over its bytes, none of which holds more
/// than a block and the record being read: one that detects and checks the encoding, one
/// over the start for the delimiter, then [`read_rows`]' passes over the records.
fn read_text(
    name: &Path,
    source: Source<'_>,
    options: &ReadOptions,
    progress: Option<&AtomicU64>,
    report: &mut FileReport,
    cube: &mut SpendCube,
) -> Result<(), LedgerError> {
    let io = |source| LedgerError::Io {
        file: name.to_path_buf(),
        source,
    };
    let mut scan = ByteScan::new(options.encoding);
    let mut block = vec![0u8; BLOCK];
    let mut reader = Counted::new(source.open(0).map_err(io)?, progress);
    loop {
        let n = read_full(&mut reader, &mut block).map_err(io)?;
        if n == 0 {
            break;
        }
        scan.feed(&block[..n]);
    }
    drop(reader);
    let (detection, skip) = scan.finish().map_err(|source| LedgerError::Encoding {
        file: name.to_path_buf(),
        source,
        declared: options.encoding.is_some(),
    })?;
    report.decisions.push(format!(
        "encoding: {}{}",
        detection,
        if options.encoding.is_some() {
            " (given with --encoding)"
        } else {
            ""
        }
    ));
    let encoding = detection.encoding;
    let delimiter = text_start(name, source, skip, encoding, options, report)?.as_char();

    // A pass that cannot read the file ends early; the error is the read's.
    let failed: RefCell<Option<std::io::Error>> = RefCell::new(None);
    // read_rows' first pass stops at the header; the two after it read every record.
    let passes = std::cell::Cell::new(0u32);
    let rows = || -> Box<dyn Iterator<Item = Row> + '_> {
        let counted = progress.filter(|_| passes.get() > 0);
        passes.set(passes.get() + 1);
        match source.open(skip) {
            Ok(reader) => Box::new(Pass {
                records: StreamRecords::new(
                    Counted::new(reader, counted),
                    TextDecoder::new(encoding),
                    delimiter,
                    BLOCK,
                ),
                failed: &failed,
            }),
            Err(e) => {
                failed.borrow_mut().get_or_insert(e);
                Box::new(std::iter::empty())
            }
        }
    };
    let read = read_rows(name, rows, options, report, cube);
    if let Some(e) = failed.take() {
        return Err(io(e));
    }
    read
}

/// A reader that adds a third of the bytes it reads to a progress count (one of the
/// three full passes over the file).
struct Counted<'a, R> {
    inner: R,
    progress: Option<&'a AtomicU64>,
    /// Bytes read whose third is not counted yet.
    pending: u64,
}

impl<'a, R> Counted<'a, R> {
    fn new(inner: R, progress: Option<&'a AtomicU64>) -> Self {
        Counted {
            inner,
            progress,
            pending: 0,
        }
    }
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = self.progress {
            self.pending += n as u64;
            p.fetch_add(self.pending / 3, Ordering::Relaxed);
            self.pending %= 3;
        }
        Ok(n)
    }
}

/// One pass over the records, which keeps the error that ends it early.
struct Pass<'a, R> {
    records: StreamRecords<R>,
    failed: &'a RefCell<Option<std::io::Error>>,
}

impl<R: Read> Iterator for Pass<'_, R> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        let record = self.records.next();
        if record.is_none()
            && let Some(e) = self.records.error()
        {
            self.failed.borrow_mut().get_or_insert(e);
        }
        record.map(text_row)
    }
}

/// A record of delimited text as a row.
pub(super) fn text_row(r: TextRecord) -> Row {
    Row {
        line: r.line,
        problem: r.unterminated.then(|| {
            "starts a quoted field that is never closed: expected a closing \" before the end of the file".to_string()
        }),
        cells: r
            .fields
            .into_iter()
            .map(|f| if f.is_empty() { Cell::Empty } else { Cell::Text(f) })
            .collect(),
    }
}

/// Reads the start of the text, as much as deciding needs: an error if the text is only
/// white space, else its delimiter (given, or sniffed from the start), recorded.
fn text_start(
    name: &Path,
    source: Source<'_>,
    skip: usize,
    encoding: Encoding,
    options: &ReadOptions,
    report: &mut FileReport,
) -> Result<Delimiter, LedgerError> {
    let io = |source| LedgerError::Io {
        file: name.to_path_buf(),
        source,
    };
    let mut reader = source.open(skip).map_err(io)?;
    let mut decoder = TextDecoder::new(encoding);
    let mut block = vec![0u8; BLOCK];
    let mut text = String::new();
    let sniffed = loop {
        let n = read_full(&mut reader, &mut block).map_err(io)?;
        let whole = n == 0;
        decoder
            .decode(&block[..n], whole, &mut text)
            .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        if text.trim().is_empty() {
            if whole {
                return Err(LedgerError::Empty {
                    file: name.to_path_buf(),
                });
            }
            continue;
        }
        if let Some(d) = options.delimiter {
            report
                .decisions
                .push(format!("delimiter: {d} (given with --delimiter)"));
            return Ok(d);
        }
        if let Some(sniffed) = sniff_start(&text, whole) {
            break sniffed;
        }
    };
    let delimiter = match sniffed {
        Ok(s) => {
            report.decisions.push(match &s.reason {
                SniffReason::SepLine => {
                    format!("delimiter: {} (the file's sep= line)", s.delimiter)
                }
                SniffReason::Consistent { records, matching } => format!(
                    "delimiter: {} ({matching} of the first {records} records have {} fields)",
                    s.delimiter, s.fields
                ),
            });
            s.delimiter
        }
        Err(source) => {
            return Err(LedgerError::Delimiter {
                file: name.to_path_buf(),
                source,
            });
        }
    };
    // Excel's `sep=` line stays a row (a preamble row) so that every line is counted.
    Ok(delimiter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::locale::number::DecimalSep;
    use crate::ledger::{Field, SkipReason};
    use rust_decimal::Decimal;

    #[test]
    fn a_pass_over_a_file_that_changed_since_the_first_is_an_error() {
        let path = std::env::temp_dir().join(format!("procura-changed-{}.csv", std::process::id()));
        std::fs::write(&path, "supplier_id,amount\nS1,10\n").expect("write");
        let metadata = std::fs::metadata(&path).expect("metadata");
        let source = |len| Source::File {
            path: &path,
            len,
            modified: metadata.modified().ok(),
        };
        assert!(source(metadata.len()).open(0).is_ok());
        let changed = source(metadata.len() + 1).open(0).err().expect("changed");
        assert_eq!(changed.kind(), std::io::ErrorKind::InvalidData);
        assert!(
            changed
                .to_string()
                .contains("changed while it was being read")
        );
        let _ = std::fs::remove_file(&path);
    }

    fn read_opts(
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Result<(SpendCube, FileReport), LedgerError> {
        let mut cube = SpendCube::default();
        let r = read_bytes(Path::new("t.csv"), bytes, options, &mut cube)?;
        assert_eq!(
            r.rows_read,
            r.rows_used + r.rows_skipped() + r.rows_rejected
        );
        assert_eq!(cube.total_spend(), r.amount_total);
        Ok((cube, r))
    }

    fn read(text: &str) -> Result<(SpendCube, FileReport), LedgerError> {
        read_opts(text.as_bytes(), &ReadOptions::default())
    }

    #[test]
    fn money_beyond_the_limit_is_rejected_not_summed() {
        assert_eq!(super::super::MONEY_LIMIT, Decimal::from(10u128.pow(20)));
        // The largest `Decimal`, twice: a plain sum would overflow (a panic before the
        // limit was checked).
        let max = "79228162514264337593543950335";
        let (cube, r) = read(&format!(
            "supplier_id,amount,profit\n\
             S1,{max},1\n\
             S2,{max},1\n\
             S3,1.50,1\n\
             S4,99999999999999999997,1\n\
             S5,1.50,0\n\
             S6,0.01,0\n\
             S7,0,-99999999999999999998\n\
             S8,0,0.01\n"
        ))
        .expect("reads");
        let rejected: Vec<_> = r
            .rejected
            .iter()
            .map(|x| (x.line, x.value.trim_matches('"')))
            .collect();
        // The amounts reach the limit at line 6 (at most 10^20 is allowed) and pass it at
        // line 7; the profits, counted on their own, at lines 8 and 9.
        assert_eq!(rejected, [(2, max), (3, max), (7, "0.01"), (9, "0.01")]);
        assert!(
            r.rejected[0]
                .reason
                .contains("amounts would add up to more than 1e20"),
            "{}",
            r.rejected[0].reason
        );
        assert!(
            r.rejected[3].reason.contains("profits"),
            "{}",
            r.rejected[3].reason
        );
        assert_eq!(r.rows_used, 4);
        assert_eq!(cube.total_spend().to_string(), "100000000000000000000.00");
    }

    #[test]
    fn an_amount_too_large_to_convert_is_rejected() {
        let fx = crate::ledger::fx::FxTable::parse(
            Path::new("fx.csv"),
            "from,to,rate\nUSD,EUR,1000000000000000000000\n",
        )
        .expect("rates");
        let options = ReadOptions {
            fx: Some(fx),
            ..ReadOptions::default()
        };
        let (_, r) = read_opts(
            b"supplier_id,amount,currency\nS1,100000000,USD\nS2,1,EUR\n",
            &options,
        )
        .expect("reads");
        assert_eq!(r.rows_used, 1);
        assert_eq!(r.rejected.len(), 1);
        assert!(
            r.rejected[0].reason.contains("too large to convert"),
            "{}",
            r.rejected[0].reason
        );
        // Nothing of the rejected line is noted as converted.
        assert!(r.fx_used.is_empty(), "{:?}", r.fx_used);
    }

    #[test]
    fn reads_a_plain_ledger_with_quotes_and_credit_notes() {
        let (cube, r) = read(
            "supplier_id,supplier_name,amount,category\nS1,\"Acme, Inc.\",100.50,RAW\nS2,\"B \"\"Q\"\"\",-20,RAW\n,,,\nS1,,5,PKG\n",
        )
        .expect("reads");
        assert_eq!(
            (r.rows_read, r.rows_used, r.rows_blank, r.rows_header),
            (5, 3, 1, 1)
        );
        assert_eq!(r.credit_notes, 1);
        assert_eq!(cube.total_spend(), Decimal::new(8550, 2));
        assert_eq!(cube.supplier_names[0], "Acme, Inc.");
        assert_eq!(cube.supplier_names[1], "B \"Q\"");
    }

    /// In the Excel format, serial numbers are noted as read as dates; dates written as
    /// dates are read as written, and not counted with them.
    #[test]
    fn only_serial_numbers_are_noted_as_excel_serials() {
        use crate::ledger::locale::date::DateFormat;
        let options = ReadOptions {
            date_format: Some(DateFormat::ExcelSerial),
            ..ReadOptions::default()
        };
        let text = b"supplier_id,date,amount\nS1,2025-03-07,5\nS2,45723,6\nS3,45724.5,7\n";
        let (_, r) = read_opts(text, &options).expect("reads");
        let serial: Vec<(u64, u64)> = r
            .normalisations
            .iter()
            .filter(|n| n.what == "Excel serial numbers read as dates")
            .map(|n| (n.count, n.first_line))
            .collect();
        assert_eq!(serial, [(2, 3)], "{:?}", r.normalisations);
    }

    #[test]
    fn a_bad_row_is_rejected_with_line_column_value_and_reason() {
        let (_, r) = read("supplier_id,amount\nS1,10\nS2,12a\nS3,\"1,5\"\n").expect("reads");
        assert_eq!(r.rows_rejected, 1);
        assert_eq!(
            r.rejected[0].to_string(),
            "3, column 2 (amount): \"12a\" is not a number with a decimal comma ',': unexpected 'a'; expected digits, one decimal separator, thousands separators, a sign and a currency"
        );
        let mut cube = SpendCube::default();
        let e = read_ledger_from(
            Path::new("t.csv"),
            &b"supplier_id,amount\nS1,10\nS2,1.234,56\n"[..],
            &mut cube,
        )
        .expect_err("strict");
        let msg = e.to_string();
        assert!(
            msg.contains("t.csv:3: \"S2 | 1.234 | 56\" has 3 fields: expected 2"),
            "{msg}"
        );
    }

    #[test]
    fn missing_and_doubled_columns_list_the_headers() {
        let e = read("vendor_nr,amount\nS1,10\n").expect_err("missing");
        assert_eq!(
            e.to_string(),
            "t.csv:1: no column for supplier_id; the headers are \"vendor_nr\", \"amount\"; name the column with e.g. supplier_id=<header>; or pass --columns field=Header,…"
        );
        let e = read("Vendor,Lieferant,Betrag\nS1,S1,10\n").expect_err("two");
        assert_eq!(
            e.to_string(),
            "t.csv:1: columns 1 (\"Vendor\") and 2 (\"Lieferant\") both look like supplier_id; choose one with supplier_id=<header>; the headers are \"Vendor\", \"Lieferant\", \"Betrag\"; or pass --columns field=Header,…"
        );
        let options = ReadOptions {
            columns: "supplier_id=Kreditor,amount=Nettowert"
                .parse()
                .expect("mapping"),
            ..ReadOptions::default()
        };
        let (cube, _) =
            read_opts(b"Kreditor;Nettowert;Wert\n0042;1.234,50;9\n", &options).expect("mapped");
        assert_eq!(cube.suppliers.name(0), "0042");
        assert_eq!(cube.total_spend(), Decimal::new(123450, 2));
    }

    #[test]
    fn a_1c_export_in_windows_1251_with_title_total_and_date_times() {
        let text = "Отчет по закупкам за март 2025\n\nКонтрагент;Номенклатура;Дата;Количество;Сумма\nООО \u{ab}Ромашка\u{bb};Мука;07.03.2025 0:00:00;10;1 234,50\nИП Петров;Сахар;31.03.2025 12:30:00;2;99,90\nИтого;;;;1 334,40\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let (cube, r) = read_opts(&bytes, &ReadOptions::default()).expect("reads");
        assert_eq!(cube.total_spend(), Decimal::new(133440, 2));
        assert_eq!(
            (
                r.rows_preamble,
                r.rows_blank,
                r.rows_header,
                r.rows_total,
                r.rows_used
            ),
            (1, 1, 1, 1, 2)
        );
        assert!(
            r.decisions[0].starts_with("encoding: windows-1251"),
            "{:?}",
            r.decisions
        );
        assert_eq!(
            cube.period,
            Some(("2025-03-07".into(), "2025-03-31".into()))
        );
        assert!(
            r.normalisations
                .iter()
                .any(|n| n.what.contains("time of day"))
        );
    }

    #[test]
    fn sap_list_output_with_trailing_minus_price_unit_and_a_warning() {
        let text = "Einkaufsbelege\n\n|Kreditor|Name 1|Menge|Nettopreis|Preiseinheit|Nettowert|Währung|\n|0000100234|Müller GmbH|1.000|12,50|100|125,00|EUR|\n|0000100235|Schmidt AG|10|3,00|1|30,00-|EUR|\n|0000100234|Müller GmbH|2|10,00|1|30,00|EUR|\n|*|||||125,00|EUR|\n";
        let (cube, r) = read(text).expect("reads");
        assert_eq!(cube.total_spend(), Decimal::new(12500, 2));
        assert_eq!(cube.suppliers.name(0), "0000100234");
        assert_eq!(r.rows_total, 1);
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert_eq!(r.warnings[0].line, 6);
        assert!(
            r.normalisations
                .iter()
                .any(|n| n.what.contains("trailing minus"))
        );
        assert_eq!(
            r.columns
                .iter()
                .filter(|c| *c == Field::PriceUnit.key())
                .count(),
            1
        );
    }

    #[test]
    fn excel_sep_line_is_honoured_and_counted() {
        let (cube, r) = read("sep=,\nLieferant,Betrag\nA,\"1,5\"\n").expect("reads");
        assert_eq!(cube.total_spend(), Decimal::new(15, 1));
        assert_eq!((r.rows_read, r.rows_preamble), (3, 1));
        assert!(r.decisions[1].contains("sep= line"), "{:?}", r.decisions);
    }

    #[test]
    fn an_ambiguous_column_asks_for_the_option_that_settles_it() {
        let e = read("supplier_id,amount\nS1,\"1,234\"\nS2,7\n").expect_err("ambiguous");
        assert!(e.to_string().contains("pass --decimal"), "{e}");
        assert!(
            e.to_string().starts_with("t.csv:2, column 2 (amount):"),
            "{e}"
        );
        let options = ReadOptions {
            decimal: Some(DecimalSep::Comma),
            ..ReadOptions::default()
        };
        let (cube, _) = read_opts(b"supplier_id,amount\nS1,\"1,234\"\n", &options).expect("given");
        assert_eq!(cube.total_spend(), Decimal::new(1234, 3));
        let e = read("supplier_id,amount,date\nS1,1,03/07/2025\n").expect_err("ambiguous date");
        assert!(e.to_string().contains("--date-format"), "{e}");
        let (cube, _) =
            read("supplier_id,amount,date\nS1,1,03/07/2025\nS1,1,03/25/2025\n").expect("decided");
        assert_eq!(
            cube.period,
            Some(("2025-03-07".into(), "2025-03-25".into()))
        );
    }

    #[test]
    fn a_column_without_proof_follows_the_files_other_numbers() {
        let (cube, r) = read("Lieferant;Menge;Betrag\nA;1,500;1.234,56\n").expect("reads");
        assert_eq!(cube.total_spend(), Decimal::new(123456, 2));
        assert!(
            r.decisions
                .iter()
                .any(|d| d.contains("as the file's other numbers show")),
            "{:?}",
            r.decisions
        );
    }

    #[test]
    fn repeated_headers_totals_and_duplicates_are_accounted_for() {
        let (_, r) = read("supplier_id,amount\nA,1\nA,1\nsupplier_id,amount\nB,2\nTotal,4\n,\n")
            .expect("reads");
        assert_eq!(
            (
                r.rows_read,
                r.rows_used,
                r.rows_header,
                r.rows_total,
                r.rows_blank
            ),
            (7, 3, 2, 1, 1)
        );
        assert_eq!(r.duplicates, vec![vec![2, 3]]);
        let reasons: Vec<SkipReason> = r.skipped.iter().map(|s| s.reason).collect();
        assert_eq!(
            reasons,
            [SkipReason::Header, SkipReason::Header, SkipReason::Total]
        );
    }

    #[test]
    fn page_titles_and_footers_of_printed_reports_are_notes() {
        let text = "Liste Einkaufsbelege\n|Kreditor|Name 1|Material|Nettowert|\n|0001|A|M1|1,00|\n\nListe Einkaufsbelege   Seite 2\n|Kreditor|Name 1|Material|Nettowert|\n|0002|B|M2|2,50|\n|Ende der Liste||||\n";
        let (cube, r) = read(text).expect("reads");
        assert_eq!(cube.total_spend(), Decimal::new(350, 2));
        assert_eq!(
            (r.rows_preamble, r.rows_header, r.rows_note, r.rows_blank),
            (1, 2, 2, 1)
        );
        // A row with only an amount is a purchase line without a supplier: rejected.
        let (_, r) = read("Vendor;Amount\nA;1\n;5\nB;\n").expect("reads");
        assert_eq!(r.rows_rejected, 2);
    }

    #[test]
    fn total_rows_are_checked_against_the_rows_above() {
        let (_, r) =
            read("Vendor;Amount\nA;1,50\nB;2\nSubtotal;3,50\nC;4\nTotal;9\n").expect("reads");
        assert_eq!(r.rows_total, 2);
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert_eq!(
            r.warnings[0].message,
            "the total row says 9 but the rows used above it add up to 7.5 (4 since the previous total row): rows may be missing or misread"
        );
        assert!(r.decisions.contains(
            &"total rows: 1 of 2 with an amount agree with the rows above them".to_string()
        ));
    }

    #[test]
    fn invalid_bytes_are_an_error_with_the_offset() {
        let e = read_opts(
            b"supplier_id,amount\nS\xc3\xa9,1\nS\xc3\xa9,1\nS\xff,2\n",
            &ReadOptions::default(),
        )
        .expect_err("corrupt");
        assert!(e.to_string().contains("byte 0xFF at offset 32"), "{e}");
        let options = ReadOptions {
            encoding: Some(crate::ledger::locale::encoding::Encoding::Utf8),
            ..ReadOptions::default()
        };
        let e = read_opts(b"supplier_id,amount\nS\xff,2\n", &options).expect_err("declared");
        assert!(e.to_string().contains("offset 20"), "{e}");
    }

    #[test]
    fn invisible_characters_in_ids_are_removed_and_reported() {
        let (cube, r) = read("supplier_id,amount\n\u{200b}S1\u{a0},1\nS1,2\n").expect("reads");
        assert_eq!(cube.suppliers.len(), 1);
        assert_eq!(r.normalisations.len(), 2, "{:?}", r.normalisations);
    }

    #[test]
    fn utf16_tab_separated_unicode_text() {
        let text = "Vendor\tAmount\tCurrency\r\nV1\t1,234.50\tUSD\r\nV2\t(10.00)\tUSD\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let (cube, r) = read_opts(&bytes, &ReadOptions::default()).expect("reads");
        assert_eq!(cube.total_spend(), Decimal::new(122450, 2));
        assert_eq!(cube.currencies, ["USD"]);
        assert!(r.decisions[1].contains("tab"), "{:?}", r.decisions);
    }

    /// One generated row of a ledger, and what reading it should do.
    #[derive(Debug, Clone)]
    enum Gen {
        Good(i64, u8),
        Bad(String),
        Blank,
        Total,
        Header,
    }

    fn gen_row() -> impl proptest::strategy::Strategy<Value = Gen> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (-1_000_000i64..1_000_000, 0u8..5).prop_map(|(a, s)| Gen::Good(a, s)),
            1 => "[a-z\"\n;,]{1,6}".prop_map(Gen::Bad),
            1 => Just(Gen::Blank),
            1 => Just(Gen::Total),
            1 => Just(Gen::Header),
        ]
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_give_a_result_not_a_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let mut cube = SpendCube::default();
            if let Ok(r) = read_bytes(Path::new("fuzz.csv"), &bytes, &ReadOptions::default(), &mut cube) {
                proptest::prop_assert_eq!(r.rows_read, r.rows_used + r.rows_skipped() + r.rows_rejected);
                proptest::prop_assert_eq!(cube.total_spend(), r.amount_total);
            }
        }

        #[test]
        fn any_options_on_any_text_give_a_result_not_a_panic(
            text in "[a-zA-Z0-9 ,;|\t\"\n.:/()-]{0,200}",
            delimiter in 0usize..5,
            decimal in 0usize..3,
            date in 0usize..5,
        ) {
            use crate::ledger::locale::{date::DateFormat, sniff::Delimiter};
            let options = ReadOptions {
                delimiter: Delimiter::ALL.get(delimiter).copied(),
                decimal: [Some(DecimalSep::Point), Some(DecimalSep::Comma), None][decimal],
                date_format: [
                    Some(DateFormat::Iso),
                    Some(DateFormat::DayMonthYear),
                    Some(DateFormat::MonthDayYear),
                    Some(DateFormat::ExcelSerial),
                    None,
                ][date],
                ..ReadOptions::default()
            };
            let text = format!("Lieferant;Betrag;Datum\n{text}");
            let mut cube = SpendCube::default();
            if let Ok(r) = read_bytes(Path::new("fuzz.csv"), text.as_bytes(), &options, &mut cube) {
                proptest::prop_assert_eq!(r.rows_read, r.rows_used + r.rows_skipped() + r.rows_rejected);
                proptest::prop_assert_eq!(cube.total_spend(), r.amount_total);
            }
        }

        #[test]
        fn any_csv_text_gives_a_result_not_a_panic(text in "[a-zA-Z0-9 ,;|\t\"\n\r.\u{a0}€()-]{0,300}") {
            let mut cube = SpendCube::default();
            let text = format!("supplier_id;amount;date\n{text}");
            if let Ok(r) = read_bytes(Path::new("fuzz.csv"), text.as_bytes(), &ReadOptions::default(), &mut cube) {
                proptest::prop_assert_eq!(r.rows_read, r.rows_used + r.rows_skipped() + r.rows_rejected);
                proptest::prop_assert_eq!(cube.total_spend(), r.amount_total);
            }
        }

        #[test]
        fn every_row_is_accounted_for_and_the_money_adds_up(rows in proptest::collection::vec(gen_row(), 0..40)) {
            let mut text = String::from("Report\nsupplier_id;amount\n");
            let (mut used, mut sum, mut rejected) = (0u64, Decimal::ZERO, 0u64);
            for (i, row) in rows.iter().enumerate() {
                match row {
                    Gen::Good(a, s) => {
                        let d = Decimal::new(*a, 2);
                        sum += d;
                        used += 1;
                        text.push_str(&format!("S{s};{}\n", d.to_string().replace('.', ",")));
                    }
                    Gen::Bad(v) => {
                        rejected += 1;
                        text.push_str(&format!("S{i};\"x{}\"\n", v.replace('"', "\"\"")));
                    }
                    Gen::Blank => text.push_str(";\n"),
                    Gen::Total => text.push_str("Итого;1\n"),
                    Gen::Header => text.push_str("supplier_id;amount\n"),
                }
            }
            let options = ReadOptions { decimal: Some(DecimalSep::Comma), ..ReadOptions::default() };
            let (cube, r) = read_opts(text.as_bytes(), &options).expect("reads");
            proptest::prop_assert_eq!(r.rows_read, rows.len() as u64 + 2);
            proptest::prop_assert_eq!(r.rows_used, used);
            proptest::prop_assert_eq!(r.rows_rejected, rejected);
            proptest::prop_assert_eq!(cube.total_spend(), sum);
            proptest::prop_assert_eq!(cube.lines(), used);
        }
    }
}
