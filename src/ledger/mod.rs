//! Readers of purchase ledgers: from ERP exports to purchase lines in the spend cube.
//!
//! A ledger is delimited text (CSV from 1C, SAP, Odoo, Dynamics, Excel — any of the
//! encodings, delimiters and number and date conventions in [`locale`]) or an Excel
//! workbook. The reader finds the header row (report titles above it are skipped),
//! recognises the columns by name ([`Field`]; `supplier_id` and `amount` are required),
//! decides each column's number and date convention from the whole column, and accounts for
//! every row: used, skipped (blank, preamble, header, total row) or rejected with the file,
//! line, column, value and reason. What it decided and every normalisation it applied are
//! in the [`FileReport`]; [`quality`] cross-checks supplier identities over all files.

mod csv_reader;
mod digits;
mod duplicates;
mod fast;
pub mod fx;
pub mod locale;
pub mod quality;
mod records;
mod rows;
mod xlsx;

pub use csv_reader::{read_ledger, read_ledger_from, read_ledger_with, read_ledger_with_progress};
pub use duplicates::LISTED;
pub use fast::{FastOptions, read_ledger_fast};
pub use rows::UNCATEGORIZED;

/// The most money one file may hold: its amounts' absolute values may add up to at most
/// 10^20, and so may its profits'. Within that, every sum procura makes of a file's money
/// (per cell, supplier, category or currency, in any order, with up to eight decimals) is
/// exact and far from the limit of a [`Decimal`]; a row that would take its file beyond it
/// is rejected. (The world's yearly output is about 10^14 US dollars.)
pub const MONEY_LIMIT: Decimal = Decimal::from_parts(0x6310_0000, 0x6BC7_5E2D, 5, false, 0);

use rust_decimal::Decimal;
use std::fmt;
use std::path::PathBuf;

/// A column procura recognises in a ledger: one definition, shared with the header
/// recognition in [`locale::headers`].
pub use locale::headers::Field;

/// Where a problem is in a ledger file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The file.
    pub file: PathBuf,
    /// 1-based line of the record's start.
    pub line: u64,
    /// 1-based column number and the column's header name, when the problem is in a field.
    pub column: Option<(usize, String)>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)?;
        if let Some((n, name)) = &self.column {
            write!(f, ", column {n} ({name})")?;
        }
        Ok(())
    }
}

/// Why a ledger could not be read at all (as opposed to a rejected row, which is recorded
/// in the [`FileReport`] and the read goes on).
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The file could not be opened or read.
    #[error("{}: cannot read the ledger: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file has no header row.
    #[error("{}: the ledger is empty: expected a header row with at least supplier_id and amount", file.display())]
    Empty {
        /// The file.
        file: PathBuf,
    },
    /// A required column is missing.
    #[error("{}:1: no `{}` column: expected a header row naming it; the header has: {}", file.display(), missing.key(), found.join(", "))]
    MissingColumn {
        /// The file.
        file: PathBuf,
        /// The missing field.
        missing: Field,
        /// The header names found.
        found: Vec<String>,
    },
    /// Two columns have the same recognised name.
    #[error("{}:1: columns {first} and {second} are both `{}`: expected each column once", file.display(), field.key())]
    DuplicateColumn {
        /// The file.
        file: PathBuf,
        /// The field.
        field: Field,
        /// 1-based column number of the first.
        first: usize,
        /// 1-based column number of the second.
        second: usize,
    },
    /// A field has a value that cannot be used.
    #[error("{at}: {value:?} {problem}")]
    BadValue {
        /// Where.
        at: Position,
        /// The offending value (truncated to 80 characters).
        value: String,
        /// What is wrong and what was expected.
        problem: String,
    },
    /// The CSV structure is broken (e.g. a row with a different number of fields).
    #[error("{at}: {message}")]
    Malformed {
        /// Where.
        at: Position,
        /// What the CSV parser found.
        message: String,
    },
    /// The ledgers mix currencies; summing them would be wrong.
    #[error("the ledger mixes currencies ({}): procura does not add different currencies; pass --fx FILE with exchange rates to convert them (see README, \"The ledger\")", currencies.join(", "))]
    MixedCurrencies {
        /// The currencies found.
        currencies: Vec<String>,
    },
    /// The bytes are not text in the detected (or given) encoding.
    #[error("{}: {source}{}", file.display(), if *declared { "" } else { "; pass --encoding (utf-8, utf-16le, utf-16be, windows-1250, windows-1251, windows-1252) if the detection is wrong" })]
    Encoding {
        /// The file.
        file: PathBuf,
        /// What the decoder found, with the byte offset.
        source: locale::encoding::DecodeError,
        /// Whether the encoding was given with `--encoding`.
        declared: bool,
    },
    /// No field delimiter could be found.
    #[error("{}: {source}; pass --delimiter (, ; | or tab)", file.display())]
    Delimiter {
        /// The file.
        file: PathBuf,
        /// Why sniffing failed.
        source: locale::sniff::SniffError,
    },
    /// The header row cannot be mapped to fields.
    #[error("{}:{line}: {source}{}; or pass --columns field=Header,…", file.display(), headers_found(source, headers))]
    Header {
        /// The file.
        file: PathBuf,
        /// The line of the row taken as the header.
        line: u64,
        /// What is wrong (boxed: the error type stays small).
        source: Box<locale::headers::HeaderError>,
        /// The header row's cells.
        headers: Vec<String>,
    },
    /// A column whose numbers or dates read differently under two conventions and nothing
    /// in the file decides which one is meant.
    #[error("{at}: {message}")]
    Ambiguous {
        /// The column and the line of the first ambiguous value.
        at: Position,
        /// The value, its two readings, and the option that settles it.
        message: String,
    },
    /// An Excel workbook that cannot be opened, or has no such sheet.
    #[error("{}: {message}", file.display())]
    Workbook {
        /// The file.
        file: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Strict mode: rows were rejected. Nothing is analysed until they are fixed (or
    /// `--lenient` is given).
    #[error("{}", rejected_message(.files))]
    Rejected {
        /// The reports of the files read, with their rejected rows.
        files: Vec<FileReport>,
    },
}

/// The headers of the row, for the header errors whose own message does not list them.
fn headers_found(source: &locale::headers::HeaderError, headers: &[String]) -> String {
    match source {
        locale::headers::HeaderError::Duplicate { .. } => {
            let quoted: Vec<String> = headers.iter().map(|h| format!("{h:?}")).collect();
            format!("; the headers are {}", quoted.join(", "))
        }
        _ => String::new(),
    }
}

/// How many rejected rows an error message lists before it summarises the rest.
const REJECTIONS_SHOWN: usize = 20;

fn rejected_message(files: &[FileReport]) -> String {
    let total: u64 = files.iter().map(|f| f.rows_rejected).sum();
    let mut out = format!(
        "{total} row{} rejected; nothing was analysed. Fix these rows (or pass --lenient to leave them out):",
        if total == 1 { " was" } else { "s were" }
    );
    let mut shown_rows = 0;
    for f in files {
        for r in &f.rejected {
            if shown_rows == REJECTIONS_SHOWN {
                break;
            }
            out.push_str(&format!("\n  {}:{}", f.file, r));
            shown_rows += 1;
        }
    }
    if total > shown_rows as u64 {
        out.push_str(&format!(
            "\n  … and {} more (run `procura check` for the full list)",
            total - shown_rows as u64
        ));
    }
    out
}

impl LedgerError {
    /// The position, when the error is in a row.
    pub fn position(&self) -> Option<&Position> {
        match self {
            LedgerError::BadValue { at, .. }
            | LedgerError::Malformed { at, .. }
            | LedgerError::Ambiguous { at, .. } => Some(at),
            _ => None,
        }
    }
}

/// How to read ledgers: every option overrides what the reader would otherwise detect.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The text encoding (`--encoding`); detected when `None`.
    pub encoding: Option<locale::encoding::Encoding>,
    /// The field delimiter (`--delimiter`); sniffed when `None`.
    pub delimiter: Option<locale::sniff::Delimiter>,
    /// The decimal separator of every number column (`--decimal`); decided per column
    /// from its values when `None`.
    pub decimal: Option<locale::number::DecimalSep>,
    /// The date format of the date column (`--date-format`); decided from its values when
    /// `None`.
    pub date_format: Option<locale::date::DateFormat>,
    /// Header names for fields (`--columns supplier_id=Kreditor,amount=Nettowert`).
    pub columns: locale::headers::Mapping,
    /// The worksheet of an Excel workbook (`--sheet`); the first when `None`.
    pub sheet: Option<String>,
    /// Exchange rates to the reporting currency (`--fx FILE`).
    pub fx: Option<fx::FxTable>,
}

/// Why a row was skipped rather than used: it is not a purchase line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Empty, whitespace or delimiters only.
    Blank,
    /// Above the header row: Excel's `sep=` line, report titles, parameters.
    Preamble,
    /// The header row, or a repetition of it (page headers of a printed report).
    Header,
    /// A subtotal or total row (`Total`, `Итого`, `Gesamt`, SAP's `*`).
    Total,
    /// Below the header, a row with text in one cell only and no amount: a page title or
    /// footer of a printed report, a group heading. It holds no money.
    Note,
}

impl SkipReason {
    /// Every reason, in report order.
    pub const ALL: [SkipReason; 5] = [
        SkipReason::Blank,
        SkipReason::Preamble,
        SkipReason::Header,
        SkipReason::Total,
        SkipReason::Note,
    ];

    /// The reason's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            SkipReason::Blank => "blank",
            SkipReason::Preamble => "preamble",
            SkipReason::Header => "header",
            SkipReason::Total => "total",
            SkipReason::Note => "note",
        }
    }
}

/// A skipped row that is not blank, so that a reader of the report can check it was right
/// to skip it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedRow {
    /// 1-based line (for a workbook: the sheet row).
    pub line: u64,
    /// Why.
    pub reason: SkipReason,
    /// The row's first non-empty cells, escaped and truncated.
    pub text: String,
}

/// A row that is a purchase line but cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    /// 1-based line where the row starts (for a workbook: the sheet row).
    pub line: u64,
    /// 1-based column number and its header, when one value is the problem.
    pub column: Option<(usize, String)>,
    /// The offending value, escaped and truncated to 80 characters.
    pub value: String,
    /// What is wrong and what was expected.
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.line)?;
        if let Some((n, name)) = &self.column {
            write!(f, ", column {n} ({name})")?;
        }
        write!(f, ": {} {}", self.value, self.reason)
    }
}

/// One kind of change the reader made to values so they could be used, with how often and
/// where first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Normalisation {
    /// What was done, e.g. "decimal comma read as the decimal point".
    pub what: String,
    /// In how many values.
    pub count: u64,
    /// The first line where it happened.
    pub first_line: u64,
}

/// A used row with something worth a look, e.g. quantity × price not matching the amount.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowWarning {
    /// 1-based line.
    pub line: u64,
    /// What is odd.
    pub message: String,
}

/// Money per original currency in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CurrencyTotal {
    /// The currency code (empty when the file does not say).
    pub currency: String,
    /// Used rows in it.
    pub lines: u64,
    /// Their amount, in that currency.
    pub amount: Decimal,
}

/// The recognised column of a field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ColumnUse {
    /// The field.
    pub field: String,
    /// 1-based column number.
    pub column: usize,
    /// The header as written.
    pub header: String,
}

/// What a read did with one file: every row accounted for
/// (`rows_read = rows_used + rows_skipped() + rows_rejected`), every decision and every
/// normalisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileReport {
    /// The file.
    pub file: String,
    /// Rows read: every record of the file (every row of the sheet), header, title lines and
    /// blank lines included.
    pub rows_read: u64,
    /// Rows added to the cube.
    pub rows_used: u64,
    /// Blank rows skipped.
    pub rows_blank: u64,
    /// Rows with a negative amount (credit notes).
    pub credit_notes: u64,
    /// Fields recognised, by key.
    pub columns: Vec<String>,
    /// Rows above the header skipped (Excel's `sep=` line, report titles).
    pub rows_preamble: u64,
    /// Header rows skipped (the header and its repetitions).
    pub rows_header: u64,
    /// Total and subtotal rows skipped.
    pub rows_total: u64,
    /// Lone-text rows below the header skipped (page titles, footers, group headings).
    pub rows_note: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// How the file was read: format, encoding, delimiter, header line, and each column's
    /// number and date convention, with the reason.
    pub decisions: Vec<String>,
    /// Which column each field came from.
    pub column_map: Vec<ColumnUse>,
    /// The non-blank skipped rows: the first [`LISTED`] (the `rows_*` counts cover all).
    pub skipped: Vec<SkippedRow>,
    /// The rejected rows: the first [`LISTED`] (`rows_rejected` counts all).
    pub rejected: Vec<Rejection>,
    /// Normalisations applied to values.
    pub normalisations: Vec<Normalisation>,
    /// Used rows worth a look: the first [`LISTED`] warnings.
    pub warnings: Vec<RowWarning>,
    /// Warnings in all, listed or not.
    pub warning_count: u64,
    /// Groups of lines that repeat an earlier line of the same order exactly (kept: they
    /// can be real): the first [`LISTED`] groups, in file order, as line numbers.
    pub duplicates: Vec<Vec<u64>>,
    /// Groups of exact duplicate lines in all.
    pub duplicate_groups: u64,
    /// Lines that repeat an earlier line of their order, in all.
    pub duplicate_lines: u64,
    /// Money of the used rows per original currency.
    pub currencies: Vec<CurrencyTotal>,
    /// Money of the used rows as added to the cube (after any conversion).
    pub amount_total: Decimal,
    /// Exchange rates applied.
    pub fx_used: Vec<fx::FxUse>,
    /// Supplier ids and names seen, for the identity checks across files.
    #[serde(skip)]
    pub identities: quality::Identities,
}

impl FileReport {
    /// Rows skipped for any reason.
    pub fn rows_skipped(&self) -> u64 {
        self.rows_blank + self.rows_preamble + self.rows_header + self.rows_total + self.rows_note
    }

    /// Records a warning: counted always, listed while fewer than [`LISTED`] are.
    pub(crate) fn warn(&mut self, warning: RowWarning) {
        self.warning_count += 1;
        duplicates::push_listed(&mut self.warnings, warning);
    }

    /// Records a rejected row (counted in `rows_rejected`, listed while fewer than
    /// [`LISTED`] are).
    pub(crate) fn reject(&mut self, rejection: Rejection) {
        self.rows_rejected += 1;
        duplicates::push_listed(&mut self.rejected, rejection);
    }

    /// Lists a skipped row while fewer than [`LISTED`] are (the caller counts it).
    pub(crate) fn list_skipped(&mut self, row: SkippedRow) {
        duplicates::push_listed(&mut self.skipped, row);
    }
}

/// How many characters of a value a message shows.
const SHOWN_CHARS: usize = 80;

/// Truncates a value for an error message.
pub(crate) fn shown(value: &str) -> String {
    if value.chars().count() <= SHOWN_CHARS {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(SHOWN_CHARS).collect();
        s.push('…');
        s
    }
}

/// A value quoted with control and invisible characters escaped, then truncated, for
/// messages that must show exactly what is in the file.
pub(crate) fn escaped(value: &str) -> String {
    let mut out = String::from("\"");
    for (n, c) in value.chars().enumerate() {
        if n == SHOWN_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || quality::is_invisible(c) => {
                out.push_str(&c.escape_unicode().to_string())
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
