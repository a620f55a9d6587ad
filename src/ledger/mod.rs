//! Readers of purchase ledgers: from ERP exports to purchase lines in the spend cube.
//!
//! A ledger is a CSV file with a header row. Columns are recognised by name (see
//! [`Field`]); `supplier_id` and `amount` are required. Every row is either added to the
//! cube or stops the read with a [`LedgerError`] that names the file, line, column, value
//! and what was expected.

mod csv_reader;
pub mod locale;

pub use csv_reader::{read_ledger, read_ledger_from};

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

/// Why a ledger could not be read.
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
    #[error("the ledger mixes currencies ({}): expected one currency; procura does not add different currencies", currencies.join(", "))]
    MixedCurrencies {
        /// The currencies found.
        currencies: Vec<String>,
    },
}

impl LedgerError {
    /// The position, when the error is in a row.
    pub fn position(&self) -> Option<&Position> {
        match self {
            LedgerError::BadValue { at, .. } | LedgerError::Malformed { at, .. } => Some(at),
            _ => None,
        }
    }
}

/// What a read did with one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileReport {
    /// The file.
    pub file: String,
    /// Data rows read (header excluded).
    pub rows_read: u64,
    /// Rows added to the cube.
    pub rows_used: u64,
    /// Blank rows skipped.
    pub rows_blank: u64,
    /// Rows with a negative amount (credit notes).
    pub credit_notes: u64,
    /// Columns recognised, by name.
    pub columns: Vec<String>,
}

/// Truncates a value for an error message.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 80;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(MAX).collect();
        s.push('…');
        s
    }
}
