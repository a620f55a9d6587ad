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
//! Each module detects what it can from the file and reports what it decided and why, and
//! each accepts an explicit override for what it cannot decide: a guess that can silently be
//! wrong (is `1,234` one thousand or one point two?) is returned as ambiguous instead.

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
