//! Reading the messy parts of real-world ledger exports: pure functions over bytes and
//! strings, no I/O.
//!
//! ERP exports (1C, SAP, Odoo, Excel) differ in everything that is not the data itself:
//! - [`encoding`]: the bytes' character encoding (UTF-8, UTF-16, Windows-1250/1251/1252);
//! - [`sniff`]: the field delimiter, and Excel's `sep=` line;
//! - [`headers`]: what the columns are called, in English, German and Russian;
//! - [`number`]: decimal comma or point, thousands separators, negative forms, currencies;
//! - [`date`]: day-first or month-first, 1C date-times, Excel serial numbers.
//!
//! Each module detects what it can from the file, reports what it decided and why (so that
//! guesses, such as a legacy code page or dotted dates being day-first, are visible), and
//! accepts an explicit override (each option type implements `FromStr`). Where the data
//! cannot decide and a guess could silently be wrong (is `1,234` 1234 or 1.234?), the
//! answer is "ambiguous", for the caller to ask the user.

pub mod date;
pub mod encoding;
pub mod headers;
pub mod number;
pub mod sniff;

/// One value of a column handed to an inference function (such as
/// [`number::infer_decimal`] or [`date::infer_date_format`]), kept as the evidence or
/// example behind its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Position among the samples given, counting every sample, blank or not (0-based).
    pub index: usize,
    /// The value as given.
    pub value: String,
}
