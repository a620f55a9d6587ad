//! From rows of cells (CSV records or worksheet rows) to purchase lines in the cube: finds
//! the header, decides each column's conventions from the whole column, then uses, skips or
//! rejects every row and records why.

use super::MONEY_LIMIT;
use super::duplicates::{OrderDuplicates, order_key};
use super::locale::date::{
    Date, DateEvidenceSoFar, DateFormat, DateInference, DateInferenceError, is_serial_text,
    parse_date,
};
use super::locale::headers::{HeaderMap, is_total_cell, looks_like_header, map_headers};
use super::locale::number::{
    DecimalEvidence, DecimalInference, DecimalSep, NumberFormat, looks_like_excel_mangled_id,
    parse_currency, parse_number,
};
use super::{
    ColumnUse, CurrencyTotal, Field, FileReport, LedgerError, Normalisation, Position, ReadOptions,
    Rejection, RowWarning, SkipReason, SkippedRow, escaped, quality,
};
use crate::spend::{PurchaseLine, SpendCube, add_money};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The category of lines whose ledger has no category, or an empty one.
pub const UNCATEGORIZED: &str = "(uncategorized)";

/// One cell as the source gives it: delimited text has only text; a worksheet also has
/// numbers and dates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// No value.
    Empty,
    /// Text, to be parsed by the column's conventions.
    Text(String),
    /// A number cell (a worksheet's own number, exact as Excel displays it).
    Number(Decimal),
    /// A date cell.
    Date(Date),
}

impl Cell {
    /// The cell as text, trimmed.
    pub(super) fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s.trim()),
            Cell::Number(d) => Cow::Owned(d.normalize().to_string()),
            Cell::Date(d) => Cow::Owned(d.to_string()),
        }
    }

    /// Text that a column's convention must be decided from: typed cells need none.
    fn untyped(&self) -> &str {
        match self {
            Cell::Text(s) => s,
            _ => "",
        }
    }
}

/// A row of the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// 1-based line (record start, or sheet row).
    pub line: u64,
    /// The cells.
    pub cells: Vec<Cell>,
    /// A structural problem that makes the row unusable (e.g. an unclosed quote).
    pub problem: Option<String>,
}

impl Row {
    /// Empty, delimiters only, or a ruling line of SAP list output (`-----`, `=====`).
    pub(super) fn is_blank(&self) -> bool {
        self.problem.is_none()
            && self.cells.iter().all(|c| {
                c.text()
                    .chars()
                    .all(|ch| matches!(ch, '-' | '=' | '_' | '\u{2014}' | '\u{2500}'))
            })
    }

    fn texts(&self) -> Vec<String> {
        self.cells.iter().map(|c| c.text().into_owned()).collect()
    }

    /// The first non-empty cells, for showing a skipped row.
    pub(super) fn preview(&self) -> String {
        let parts: Vec<String> = self
            .cells
            .iter()
            .map(|c| c.text().into_owned())
            .filter(|t| !t.is_empty())
            .take(4)
            .collect();
        escaped(&parts.join(" | "))
    }
}

/// The numeric fields whose decimal separator is decided per column, in the order the
/// decisions are reported (the fast path reports them in the same order).
pub(super) const NUMERIC: [Field; 5] = [
    Field::Amount,
    Field::Quantity,
    Field::UnitPrice,
    Field::PriceUnit,
    Field::Profit,
];

/// Collects normalisations by kind, in order of first appearance.
#[derive(Default)]
struct Norms(Vec<Normalisation>);

impl Norms {
    fn note(&mut self, what: &str, line: u64) {
        match self.0.iter_mut().find(|n| n.what == what) {
            Some(n) => n.count += 1,
            None => self.0.push(Normalisation {
                what: what.to_string(),
                count: 1,
                first_line: line,
            }),
        }
    }
}

/// What one row parses to.
struct Parsed<'r> {
    supplier_id: Cow<'r, str>,
    supplier_name: Option<Cow<'r, str>>,
    category: Cow<'r, str>,
    item: Cow<'r, str>,
    amount: Decimal,
    profit: Option<Decimal>,
    date: Option<Date>,
    currency: Option<String>,
}

/// The decisions a read applies to every row.
struct Plan<'a> {
    header: Vec<String>,
    /// Columns up to the last named one: a shorter row lost fields.
    needed_width: usize,
    map: HeaderMap,
    /// Whether the source has typed cells (a workbook), where text in a number column is
    /// a number stored as text.
    typed: bool,
    number: [NumberFormat; Field::ALL.len()],
    date: DateFormat,
    options: &'a ReadOptions,
}

/// What a row after the header is, before it is parsed.
pub(super) enum Kind {
    Blank,
    Skipped(SkipReason),
    /// A purchase line (or a row to reject): parsed.
    Data,
}

/// What a row after the header `header` (with the amount in `amount_column`) is, as
/// this reader classifies it with `options`: for the fast path's last lines.
pub(super) fn row_kind(
    header: &[String],
    amount_column: Option<usize>,
    row: &Row,
    options: &ReadOptions,
) -> Kind {
    Layout {
        header,
        amount_column,
        named_columns: header.iter().filter(|h| !h.is_empty()).count(),
    }
    .kind(row, options)
}

/// What the rows after the header are classified by.
struct Layout<'h> {
    header: &'h [String],
    amount_column: Option<usize>,
    named_columns: usize,
}

impl Layout<'_> {
    /// Blank, a repeated header, a total row, a note, or data. Pure, so that every pass
    /// over the rows classifies them alike.
    fn kind(&self, row: &Row, options: &ReadOptions) -> Kind {
        if row.is_blank() {
            return Kind::Blank;
        }
        if row.problem.is_none() {
            let same_as_header = row.cells.len() == self.header.len()
                && row
                    .cells
                    .iter()
                    .zip(self.header)
                    .all(|(c, h)| c.text() == h.as_str());
            // A repeated header has a word, not a number, where the amount goes; checking
            // only such rows keeps the header recognition off the hot path.
            let amount_has_digit = self
                .amount_column
                .and_then(|c| row.cells.get(c))
                .is_some_and(
                    |c| !matches!(c, Cell::Text(t) if !t.bytes().any(|b| b.is_ascii_digit())),
                );
            if same_as_header
                || (!amount_has_digit && looks_like_header(&row.texts(), &options.columns))
            {
                return Kind::Skipped(SkipReason::Header);
            }
            if row.cells.iter().any(|c| is_total_cell(&c.text())) {
                return Kind::Skipped(SkipReason::Total);
            }
            let mut filled = row
                .cells
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.text().is_empty());
            // In a ledger of two or three columns a lone value is more likely a line with
            // missing values (rejected) than a title.
            if let (Some((column, Cell::Text(_))), None) = (filled.next(), filled.next())
                && Some(column) != self.amount_column
                && self.named_columns > 3
            {
                return Kind::Skipped(SkipReason::Note);
            }
        }
        Kind::Data
    }
}

/// A column's evidence for its conventions, gathered one row at a time, with the line of
/// each value kept as evidence (indexes count the well-formed data rows).
struct Evidence<E> {
    field: Field,
    column: usize,
    evidence: E,
    lines: Vec<(usize, u64)>,
}

impl<E> Evidence<E> {
    fn line_of(&self, index: usize) -> u64 {
        self.lines
            .iter()
            .find(|(i, _)| *i == index)
            .map_or(0, |(_, line)| *line)
    }
}

/// Reads the rows that `rows` gives (afresh on every call) into `cube`, filling `report`.
/// Errors stop the whole file (no header, an ambiguous column); row problems are
/// rejections in the report.
///
/// The rows are streamed three times rather than held: to find the header, to gather each
/// column's evidence for its conventions, and to use them; so memory does not grow with
/// the number of rows (beyond four bytes of hash per data row for finding exact duplicates).
pub(crate) fn read_rows<F, I>(
    file: &Path,
    rows: F,
    options: &ReadOptions,
    report: &mut FileReport,
    cube: &mut SpendCube,
) -> Result<(), LedgerError>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Borrow<Row>,
{
    let (header_ix, header_row) = find_header(file, rows(), options)?;
    let header = header_row.texts();
    let map = map_headers(&header, &options.columns).map_err(|source| LedgerError::Header {
        file: file.to_path_buf(),
        line: header_row.line,
        source: Box::new(source),
        headers: header.clone(),
    })?;
    report
        .decisions
        .push(format!("header row at line {}", header_row.line));
    for (field, column) in map.iter() {
        report.columns.push(field.key().to_string());
        report.column_map.push(ColumnUse {
            field: field.key().to_string(),
            column: column + 1,
            header: header[column].clone(),
        });
    }
    let layout = Layout {
        header: &header,
        amount_column: map.column(Field::Amount),
        named_columns: header.iter().filter(|h| !h.is_empty()).count(),
    };
    let needed_width = header
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |i| i + 1);

    // Pass 2: count, and gather the evidence for each column's conventions.
    let mut numbers: Vec<Evidence<DecimalEvidence>> = match options.decimal {
        Some(_) => Vec::new(),
        None => NUMERIC
            .iter()
            .filter_map(|&field| {
                map.column(field).map(|column| Evidence {
                    field,
                    column,
                    evidence: DecimalEvidence::default(),
                    lines: Vec::new(),
                })
            })
            .collect(),
    };
    let mut dates: Option<Evidence<DateEvidenceSoFar>> = match options.date_format {
        Some(_) => None,
        None => map.column(Field::Date).map(|column| Evidence {
            field: Field::Date,
            column,
            evidence: DateEvidenceSoFar::default(),
            lines: Vec::new(),
        }),
    };
    let mut typed = false;
    let mut well_formed = 0usize;
    // The rows after the header that are skipped, by index: the report lists each of them
    // anyway, and the last pass need not classify every row again.
    let mut skipped: Vec<(usize, SkipReason)> = Vec::new();
    for (i, row) in rows().enumerate() {
        let row = row.borrow();
        report.rows_read += 1;
        typed |= row
            .cells
            .iter()
            .any(|c| matches!(c, Cell::Number(_) | Cell::Date(_)));
        if i <= header_ix {
            continue;
        }
        match layout.kind(row, options) {
            Kind::Data => {}
            Kind::Blank => continue,
            Kind::Skipped(reason) => {
                skipped.push((i, reason));
                continue;
            }
        }
        // Rows that will be rejected for their shape must not sway a column's conventions.
        if row.problem.is_some() || shape_problem(row, header.len(), needed_width).is_some() {
            continue;
        }
        for e in &mut numbers {
            let kept = e.evidence.kept();
            e.evidence.add(
                well_formed,
                row.cells.get(e.column).map_or("", Cell::untyped),
            );
            if e.evidence.kept() > kept {
                e.lines.push((well_formed, row.line));
            }
        }
        if let Some(e) = &mut dates {
            let kept = e.evidence.kept();
            e.evidence.add(
                well_formed,
                row.cells.get(e.column).map_or("", Cell::untyped),
            );
            if e.evidence.kept() > kept {
                e.lines.push((well_formed, row.line));
            }
        }
        well_formed += 1;
    }
    let mut duplicates = RowDuplicates::new(&map);
    let plan = Plan {
        needed_width,
        typed,
        number: decide_numbers(file, &header, numbers, options, report)?,
        date: decide_dates(file, &header, &map, dates, options, report)?,
        header: header.clone(),
        map,
        options,
    };

    // Pass 3: use, skip or reject every row.
    let mut norms = Norms::default();
    let mut by_currency: BTreeMap<String, (u64, Decimal)> = BTreeMap::new();
    let mut totals = TotalCheck::default();
    let mut money = Magnitude::default();
    let mut skipped = skipped.into_iter().peekable();
    let mut date_text = String::new();
    for (i, row) in rows().enumerate() {
        let row = row.borrow();
        if i < header_ix {
            if row.is_blank() {
                report.rows_blank += 1;
            } else {
                skip(report, row, SkipReason::Preamble);
            }
            continue;
        }
        if i == header_ix {
            skip(report, row, SkipReason::Header);
            continue;
        }
        if row.is_blank() {
            report.rows_blank += 1;
            continue;
        }
        if let Some((_, reason)) = skipped.next_if(|(at, _)| *at == i) {
            skip(report, row, reason);
            if reason == SkipReason::Total {
                totals.total_row(&plan, row);
            }
            continue;
        }
        duplicates.add(row);
        let parsed = match parse_row(&plan, row, &mut norms, report) {
            Ok(p) => p,
            Err(rejection) => {
                report.reject(rejection);
                continue;
            }
        };
        let (amount, profit, currency, rate) = match convert(&plan, row, &parsed, &mut norms) {
            Ok(c) => c,
            Err(rejection) => {
                report.reject(rejection);
                continue;
            }
        };
        if let Err(rejection) = money.add(&plan, row, amount, profit) {
            report.reject(rejection);
            continue;
        }
        if let Some((from_currency, from, rate)) = rate {
            report.note_fx(&from_currency, from, rate, parsed.amount);
        }
        let original = match by_currency.get_mut(parsed.currency.as_deref().unwrap_or("")) {
            Some(o) => o,
            None => by_currency
                .entry(parsed.currency.clone().unwrap_or_default())
                .or_default(),
        };
        original.0 += 1;
        original.1 = add_money(original.1, parsed.amount);
        let date = parsed.date.map(|d| {
            // One buffer for every row's date text.
            date_text.clear();
            let _ = write!(date_text, "{d}");
            date_text.as_str()
        });
        cube.add(&PurchaseLine {
            supplier_id: &parsed.supplier_id,
            supplier_name: parsed.supplier_name.as_deref(),
            category: &parsed.category,
            item_id: &parsed.item,
            amount,
            profit,
            date,
            currency: currency.as_deref(),
        });
        report.identities.record(
            &parsed.supplier_id,
            parsed.supplier_name.as_deref(),
            row.line,
        );
        report.rows_used += 1;
        report.amount_total = add_money(report.amount_total, amount);
        totals.used(parsed.amount);
        if amount < Decimal::ZERO {
            report.credit_notes += 1;
        }
    }
    report.currencies = by_currency
        .into_iter()
        .filter(|(_, (lines, _))| *lines > 0)
        .map(|(currency, (lines, amount))| CurrencyTotal {
            currency,
            lines,
            amount,
        })
        .collect();
    let found = duplicates.inner.finish();
    report.duplicates = found.listed;
    report.duplicate_groups = found.groups;
    report.duplicate_lines = found.repeats;
    totals.finish(report);
    report.normalisations.extend(norms.0);
    Ok(())
}

/// The absolute values of the amounts, and of the profits, of the rows used so far,
/// added up: kept within [`MONEY_LIMIT`], so that no sum of the file's money can overflow
/// or round.
#[derive(Default)]
struct Magnitude {
    amounts: Decimal,
    profits: Decimal,
}

impl Magnitude {
    /// Counts a row's money, or rejects the row when it would take the file beyond the
    /// limit.
    fn add(
        &mut self,
        plan: &Plan<'_>,
        row: &Row,
        amount: Decimal,
        profit: Option<Decimal>,
    ) -> Result<(), Rejection> {
        let within =
            |sum: Decimal, v: Decimal| sum.checked_add(v.abs()).filter(|s| *s <= MONEY_LIMIT);
        let too_large = |field: Field, what: &str| {
            let cell = plan.cell(row, field);
            plan.reject(
                row,
                cell.map(|(c, _)| c),
                &cell.map(|(_, v)| v.text().into_owned()).unwrap_or_default(),
                format!(
                    "is too large: with it the file's {what} would add up to more than {MONEY_LIMIT:e} in absolute value, the most procura sums exactly"
                ),
            )
        };
        let amounts =
            within(self.amounts, amount).ok_or_else(|| too_large(Field::Amount, "amounts"))?;
        let profits = match profit {
            Some(p) => {
                within(self.profits, p).ok_or_else(|| too_large(Field::Profit, "profits"))?
            }
            None => self.profits,
        };
        (self.amounts, self.profits) = (amounts, profits);
        Ok(())
    }
}

/// Exact duplicate rows, order by order ([`super::duplicates`]): a row is kept as its
/// cells' texts while its order lasts.
struct RowDuplicates {
    /// Each kept row as its trimmed cell texts, each after its length (one allocation a
    /// row, compared as bytes).
    inner: OrderDuplicates<Vec<u8>>,
    /// The columns of the order id, the supplier id and the date.
    order: Option<usize>,
    supplier: Option<usize>,
    date: Option<usize>,
    key: Vec<u8>,
    /// The current row, encoded as the kept rows are.
    row: Vec<u8>,
}

impl RowDuplicates {
    fn new(map: &HeaderMap) -> Self {
        Self {
            inner: OrderDuplicates::default(),
            order: map.column(Field::OrderId),
            supplier: map.column(Field::SupplierId),
            date: map.column(Field::Date),
            key: Vec::new(),
            row: Vec::new(),
        }
    }

    fn add(&mut self, row: &Row) {
        let text = |c: Option<usize>| {
            c.and_then(|c| row.cells.get(c))
                .map_or(Cow::Borrowed(""), Cell::text)
        };
        let order = self.order.map(|c| text(Some(c)));
        order_key(
            &mut self.key,
            order.as_deref().map(str::as_bytes),
            text(self.supplier).as_bytes(),
            text(self.date).as_bytes(),
        );
        self.inner.order(&self.key);
        self.row.clear();
        for cell in &row.cells {
            let text = cell.text();
            self.row
                .extend_from_slice(&(text.len() as u64).to_le_bytes());
            self.row.extend_from_slice(text.as_bytes());
        }
        let encoded = &self.row;
        // Identical rows encode to the same length.
        let mark = encoded.len() as u64;
        self.inner.add(
            row.line,
            mark,
            |k: &Vec<u8>| k == encoded,
            || encoded.clone(),
        );
    }
}

fn skip(report: &mut FileReport, row: &Row, reason: SkipReason) {
    match reason {
        SkipReason::Blank => report.rows_blank += 1,
        SkipReason::Preamble => report.rows_preamble += 1,
        SkipReason::Header => report.rows_header += 1,
        SkipReason::Total => report.rows_total += 1,
        SkipReason::Note => report.rows_note += 1,
    }
    report.list_skipped(SkippedRow {
        line: row.line,
        reason,
        text: row.preview(),
    });
}

/// The header is the first row that names at least two fields, one of them required; with
/// none, the first non-blank row is taken so that the error lists what it holds. Gives the
/// header's index among the rows, and the row.
pub(super) fn find_header<I>(
    file: &Path,
    rows: I,
    options: &ReadOptions,
) -> Result<(usize, Row), LedgerError>
where
    I: Iterator,
    I::Item: Borrow<Row>,
{
    let mut first: Option<(usize, Row)> = None;
    for (i, row) in rows.enumerate() {
        let row = row.borrow();
        if row.is_blank() {
            continue;
        }
        if looks_like_header(&row.texts(), &options.columns) {
            return Ok((i, row.clone()));
        }
        if first.is_none() {
            first = Some((i, row.clone()));
        }
    }
    let Some((i, first)) = first else {
        return Err(LedgerError::Empty {
            file: file.to_path_buf(),
        });
    };
    match map_headers(&first.texts(), &options.columns) {
        Ok(_) => Ok((i, first)),
        Err(source) => Err(LedgerError::Header {
            file: file.to_path_buf(),
            line: first.line,
            source: Box::new(source),
            headers: first.texts(),
        }),
    }
}

fn at(file: &Path, line: u64, column: usize, header: &[String]) -> Position {
    Position {
        file: file.to_path_buf(),
        line,
        column: Some((column + 1, header.get(column).cloned().unwrap_or_default())),
    }
}

/// Decides the decimal separator of each number column: `--decimal`, else the column's
/// own proof, else a proof from another column of the file (one file is written in one
/// locale), else an error that asks for `--decimal`.
fn decide_numbers(
    file: &Path,
    header: &[String],
    columns: Vec<Evidence<DecimalEvidence>>,
    options: &ReadOptions,
    report: &mut FileReport,
) -> Result<[NumberFormat; Field::ALL.len()], LedgerError> {
    let mut formats = [NumberFormat::POINT; Field::ALL.len()];
    if let Some(decimal) = options.decimal {
        formats = [NumberFormat { decimal }; Field::ALL.len()];
        report
            .decisions
            .push(format!("numbers: decimal {decimal} (given with --decimal)"));
        return Ok(formats);
    }
    let mut proofs: Vec<(DecimalSep, String)> = Vec::new();
    let mut ambiguous: Vec<(Field, usize, u64, String)> = Vec::new();
    for e in columns {
        let (field, column) = (e.field, e.column);
        let name = format!("column {} ({})", column + 1, header[column]);
        let line_of = |i: usize| e.line_of(i);
        match e.evidence.clone().finish() {
            Ok(DecimalInference::Decided { decimal, proof }) => {
                let line = line_of(proof.index);
                formats[field as usize] = NumberFormat { decimal };
                let why = format!("{} at line {line}", escaped(proof.value.trim()));
                report.decisions.push(format!(
                    "{name}: decimal {decimal} ({why} reads only that way)"
                ));
                proofs.push((decimal, format!("{name}, {why}")));
            }
            Ok(DecimalInference::Ambiguous { example }) => {
                let line = line_of(example.index);
                ambiguous.push((field, column, line, example.value));
            }
            Ok(DecimalInference::Indifferent) => {}
            Err(conflict) => {
                let line = line_of(conflict.comma.index);
                return Err(LedgerError::Ambiguous {
                    at: at(file, line, column, header),
                    message: format!(
                        "the column mixes decimal separators: {} (line {line}) needs a decimal comma, {} (line {}) a decimal point; fix the column or pass --decimal",
                        escaped(&conflict.comma.value),
                        escaped(&conflict.point.value),
                        line_of(conflict.point.index)
                    ),
                });
            }
        }
    }
    let file_decimal = match proofs.first() {
        Some((first, _)) if proofs.iter().all(|(d, _)| d == first) => Some(proofs[0].clone()),
        _ => None,
    };
    for (field, column, line, value) in ambiguous {
        let name = format!("column {} ({})", column + 1, header[column]);
        match &file_decimal {
            Some((decimal, why)) => {
                formats[field as usize] = NumberFormat { decimal: *decimal };
                report.decisions.push(format!(
                    "{name}: decimal {decimal}, as the file's other numbers show ({why})"
                ));
            }
            None => {
                let as_point = parse_number(&value, NumberFormat::POINT)
                    .map(|n| n.value.to_string())
                    .unwrap_or_default();
                let as_comma = parse_number(&value, NumberFormat::COMMA)
                    .map(|n| n.value.to_string())
                    .unwrap_or_default();
                return Err(LedgerError::Ambiguous {
                    at: at(file, line, column, header),
                    message: format!(
                        "{} reads as {as_point} with a decimal point and as {as_comma} with a decimal comma, and no value in the file decides which: pass --decimal . or --decimal ,",
                        escaped(value.trim())
                    ),
                });
            }
        }
    }
    Ok(formats)
}

/// Decides the date column's format: `--date-format`, else the column's values, else an
/// error that asks for `--date-format`.
fn decide_dates(
    file: &Path,
    header: &[String],
    map: &HeaderMap,
    evidence: Option<Evidence<DateEvidenceSoFar>>,
    options: &ReadOptions,
    report: &mut FileReport,
) -> Result<DateFormat, LedgerError> {
    let Some(column) = map.column(Field::Date) else {
        return Ok(DateFormat::Iso);
    };
    let name = format!("column {} ({})", column + 1, header[column]);
    if let Some(format) = options.date_format {
        report.decisions.push(format!(
            "{name}: dates as {format} (given with --date-format)"
        ));
        return Ok(format);
    }
    let Some(evidence) = evidence else {
        return Ok(DateFormat::Iso);
    };
    let line_of = |i: usize| evidence.line_of(i);
    match evidence.evidence.clone().finish() {
        Ok(DateInference::Decided { format, evidence }) => {
            use super::locale::date::DateEvidence;
            let why = match evidence {
                DateEvidence::Proof(s) => format!(
                    "{} at line {} reads only that way",
                    escaped(s.value.trim()),
                    line_of(s.index)
                ),
                DateEvidence::DottedConvention(s) => format!(
                    "dotted dates such as {} at line {} are day-first",
                    escaped(s.value.trim()),
                    line_of(s.index)
                ),
                DateEvidence::YearFirst => "every date is year-first".to_string(),
                DateEvidence::Serial(s) => format!(
                    "Excel serial day numbers such as {} at line {}",
                    escaped(s.value.trim()),
                    line_of(s.index)
                ),
            };
            report
                .decisions
                .push(format!("{name}: dates as {format} ({why})"));
            Ok(format)
        }
        Ok(DateInference::Ambiguous { example }) => Err(LedgerError::Ambiguous {
            at: at(file, line_of(example.index), column, header),
            message: format!(
                "{} could be day-first or month-first and no date in the column decides: pass --date-format dd/mm/yyyy or --date-format mm/dd/yyyy",
                escaped(example.value.trim())
            ),
        }),
        // Every value reads the same either way: any order gives the same dates.
        Ok(DateInference::Indifferent) => Ok(DateFormat::DayMonthYear),
        Err(e) => {
            let first = match &e {
                DateInferenceError::Conflict { day_first, .. } => day_first.index,
                DateInferenceError::SerialsAndText { serial, .. } => serial.index,
            };
            Err(LedgerError::Ambiguous {
                at: at(file, line_of(first), column, header),
                message: format!("{e} (counting data rows); fix the column or pass --date-format"),
            })
        }
    }
}

impl Plan<'_> {
    fn reject(&self, row: &Row, column: Option<usize>, value: &str, reason: String) -> Rejection {
        Rejection {
            line: row.line,
            column: column.map(|c| (c + 1, self.header.get(c).cloned().unwrap_or_default())),
            value: escaped(value),
            reason,
        }
    }

    fn cell<'r>(&self, row: &'r Row, field: Field) -> Option<(usize, &'r Cell)> {
        let column = self.map.column(field)?;
        Some((column, row.cells.get(column).unwrap_or(&Cell::Empty)))
    }

    fn text<'r>(&self, row: &'r Row, field: Field) -> Option<Cow<'r, str>> {
        self.cell(row, field)
            .map(|(_, c)| c.text())
            .filter(|t| !t.is_empty())
    }

    /// A number field; `None` when the column is absent or the cell empty.
    fn number(
        &self,
        row: &Row,
        field: Field,
        norms: &mut Norms,
        currency: &mut Option<String>,
    ) -> Result<Option<Decimal>, Rejection> {
        let Some((column, cell)) = self.cell(row, field) else {
            return Ok(None);
        };
        match cell {
            Cell::Empty => Ok(None),
            Cell::Number(d) => Ok(Some(*d)),
            Cell::Date(d) => Err(self.reject(
                row,
                Some(column),
                &d.to_string(),
                format!("is a date: expected the {} as a number", field.key()),
            )),
            Cell::Text(raw) => {
                let t = raw.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                let format = self.number[field as usize];
                let n = parse_number(t, format).map_err(|e| {
                    self.reject(
                        row,
                        Some(column),
                        raw,
                        format!(
                            "is not a number with a decimal {}: {}",
                            e.decimal, e.problem
                        ),
                    )
                })?;
                let line = row.line;
                if self.typed {
                    norms.note("numbers stored as text read as numbers", line);
                }
                if t.ends_with(['-', '−']) {
                    norms.note("trailing minus (SAP list output) read as negative", line);
                } else if t.starts_with('(') {
                    norms.note("parentheses read as negative", line);
                } else if t.contains('−') {
                    norms.note("Unicode minus sign read as negative", line);
                }
                if grouped(t, format.decimal.as_char()) && !n.exponent {
                    norms.note("thousands separators removed", line);
                }
                if format.decimal == DecimalSep::Comma && t.contains(',') && !n.exponent {
                    norms.note("decimal comma read", line);
                }
                if n.exponent {
                    norms.note(
                        "exponent notation (as Excel shows wide numbers) expanded; its digits may be rounded",
                        line,
                    );
                }
                if let Some(c) = n.currency {
                    norms.note(
                        "currency beside the number taken as the line's currency",
                        line,
                    );
                    let code = c.code().to_string();
                    match currency {
                        Some(have) if *have != code => {
                            return Err(self.reject(
                                row,
                                Some(column),
                                raw,
                                format!("is in {code} but the line's currency is {have}: expected one currency per line"),
                            ));
                        }
                        _ => *currency = Some(code),
                    }
                }
                Ok(Some(n.value))
            }
        }
    }
}

fn parse_row<'r>(
    plan: &Plan<'_>,
    row: &'r Row,
    norms: &mut Norms,
    report: &mut FileReport,
) -> Result<Parsed<'r>, Rejection> {
    if let Some(problem) = &row.problem {
        let first = row.cells.first().map(|c| c.text().into_owned());
        return Err(plan.reject(row, None, &first.unwrap_or_default(), problem.clone()));
    }
    if let Some(problem) = shape_problem(row, plan.header.len(), plan.needed_width) {
        return Err(plan.reject(row, None, &row.texts().join(" | "), problem));
    }
    let line = row.line;

    // The supplier id is text: leading zeros are kept; invisible characters are removed.
    let Some((id_column, id_cell)) = plan.cell(row, Field::SupplierId) else {
        return Err(plan.reject(row, None, "", "has no supplier_id column".into()));
    };
    // Untrimmed, so that a trailing no-break space is seen and reported.
    let raw_id = match id_cell {
        Cell::Text(s) => Cow::Borrowed(s.as_str()),
        other => other.text(),
    };
    let (supplier_id, changes) = match &raw_id {
        Cow::Borrowed(s) => quality::normalize_id(s),
        Cow::Owned(s) => {
            let (id, changes) = quality::normalize_id(s);
            (Cow::Owned(id.into_owned()), changes)
        }
    };
    for change in changes {
        norms.note(change, line);
    }
    if supplier_id.is_empty() {
        return Err(plan.reject(
            row,
            Some(id_column),
            &raw_id,
            "is empty: expected a supplier id".into(),
        ));
    }
    if looks_like_excel_mangled_id(&supplier_id) {
        report.warn(RowWarning {
            line,
            message: format!(
                "supplier id {} looks like a number Excel turned into exponent notation: its digits are lost; export the column as text",
                escaped(&supplier_id)
            ),
        });
    }

    let mut currency = match plan.cell(row, Field::Currency) {
        Some((column, cell)) => {
            let t = cell.text();
            if t.is_empty() {
                None
            } else {
                let c = parse_currency(&t).ok_or_else(|| {
                    plan.reject(
                        row,
                        Some(column),
                        &t,
                        "is not a currency: expected an ISO code such as EUR, or a symbol such as €".into(),
                    )
                })?;
                Some(c.code().to_string())
            }
        }
        None => None,
    };
    let amount = plan.number(row, Field::Amount, norms, &mut currency)?;
    let Some(amount) = amount else {
        let column = plan.map.column(Field::Amount);
        return Err(plan.reject(
            row,
            column,
            "",
            "is empty: expected the amount as a number".into(),
        ));
    };
    let quantity = plan.number(row, Field::Quantity, norms, &mut currency)?;
    let price = plan.number(row, Field::UnitPrice, norms, &mut currency)?;
    let price_unit = plan.number(row, Field::PriceUnit, norms, &mut currency)?;
    let profit = plan.number(row, Field::Profit, norms, &mut currency)?;
    if let Some((column, cell)) = plan.cell(row, Field::PriceUnit)
        && price_unit.is_some_and(|p| p <= Decimal::ZERO)
    {
        return Err(plan.reject(
            row,
            Some(column),
            &cell.text(),
            "is not a positive number: expected the number of units the price is for, such as 1 or 100".into(),
        ));
    }
    if let (Some(q), Some(p)) = (quantity, price) {
        check_extension(amount, q, p, price_unit, line, report);
    }

    let date = match plan.cell(row, Field::Date) {
        None | Some((_, Cell::Empty)) => None,
        Some((_, Cell::Date(d))) => Some(*d),
        Some((column, Cell::Number(n))) => {
            let serial = n.trunc().to_u32();
            let date = serial.and_then(|s| Date::from_excel_serial(s).ok());
            match date {
                Some(d) => {
                    norms.note("Excel serial numbers read as dates", line);
                    Some(d)
                }
                None => {
                    return Err(plan.reject(
                        row,
                        Some(column),
                        &n.to_string(),
                        "is a number but not an Excel date: expected a date".into(),
                    ));
                }
            }
        }
        Some((column, Cell::Text(raw))) => {
            let t = raw.trim();
            if t.is_empty() {
                None
            } else {
                let d = parse_date(t, plan.date).map_err(|e| {
                    plan.reject(
                        row,
                        Some(column),
                        raw,
                        format!("is not a date: {}", e.problem),
                    )
                })?;
                // Only a serial number is noted: a written date read in the Excel
                // format is read as written.
                if plan.date == DateFormat::ExcelSerial && is_serial_text(t) {
                    norms.note("Excel serial numbers read as dates", line);
                }
                if t.contains(':') {
                    norms.note("time of day dropped from date-times", line);
                }
                Some(d)
            }
        }
    };

    Ok(Parsed {
        supplier_id,
        supplier_name: plan.text(row, Field::SupplierName),
        category: plan
            .text(row, Field::Category)
            .unwrap_or(Cow::Borrowed(UNCATEGORIZED)),
        item: plan.text(row, Field::ItemId).unwrap_or_default(),
        amount,
        profit,
        date,
        currency,
    })
}

/// Whether a number's integer part is written in groups: among its digits and the
/// characters that group or separate them (spaces of several widths, `'`, `’`, `.`, `,`),
/// trimmed, the part before the first `decimal` has something other than digits.
pub(super) fn grouped(number: &str, decimal: char) -> bool {
    let kept = |c: &char| c.is_ascii_digit() || " \u{a0}\u{202f}\u{2009}'’.,".contains(*c);
    // White space counts only between kept characters: around them it is trimmed.
    let mut started = false;
    let mut space = false;
    for c in number.chars().filter(kept) {
        if c == decimal {
            return space;
        }
        if c.is_whitespace() {
            space |= started;
            continue;
        }
        if space || !c.is_ascii_digit() {
            return true;
        }
        started = true;
    }
    false
}

/// Checks the file's own total rows against the used rows above them: a total that is
/// neither the sum since the previous total row (a subtotal) nor the sum of everything above
/// it (a grand total) means rows were lost or misread, and is a warning. Kept as running
/// sums, so that the rows need not be held.
#[derive(Default)]
struct TotalCheck {
    grand: Decimal,
    since_previous: Decimal,
    agree: u64,
    checked: u64,
    /// Warnings for totals that disagree, added after the rows' own warnings.
    warnings: Vec<RowWarning>,
}

impl TotalCheck {
    /// A used row's amount as read.
    fn used(&mut self, amount: Decimal) {
        self.grand = add_money(self.grand, amount);
        self.since_previous = add_money(self.since_previous, amount);
    }

    /// A total row: its amount, when it states one, is checked.
    fn total_row(&mut self, plan: &Plan<'_>, row: &Row) {
        let Some(column) = plan.map.column(Field::Amount) else {
            return;
        };
        let format = plan.number[Field::Amount as usize];
        let stated = match row.cells.get(column) {
            Some(Cell::Number(d)) => Some(*d),
            Some(Cell::Text(t)) if !t.trim().is_empty() => {
                parse_number(t, format).ok().map(|n| n.value)
            }
            _ => None,
        };
        let subtotal = std::mem::take(&mut self.since_previous);
        let Some(stated) = stated else {
            return;
        };
        let grand = self.grand;
        self.checked += 1;
        match total_disagrees(row.line, stated, grand, subtotal) {
            None => self.agree += 1,
            Some(w) => self.warnings.push(w),
        }
    }

    fn finish(self, report: &mut FileReport) {
        for w in self.warnings {
            report.warn(w);
        }
        if self.checked > 0 {
            report
                .decisions
                .push(totals_decision(self.agree, self.checked));
        }
    }
}

/// The warning for a total row (at `line`) stating `stated` when the used rows above it
/// add up to `grand`, and to `subtotal` since the previous total row; `None` when it
/// agrees with either.
pub(super) fn total_disagrees(
    line: u64,
    stated: Decimal,
    grand: Decimal,
    subtotal: Decimal,
) -> Option<RowWarning> {
    (stated != subtotal && stated != grand).then(|| RowWarning {
        line,
        message: format!(
            "the total row says {} but the rows used above it add up to {} ({} since the previous total row): rows may be missing or misread",
            stated.normalize(),
            grand.normalize(),
            subtotal.normalize()
        ),
    })
}

/// The decision on a file's total rows: how many of those with an amount agree.
pub(super) fn totals_decision(agree: u64, checked: u64) -> String {
    format!("total rows: {agree} of {checked} with an amount agree with the rows above them")
}

/// Why a row's number of fields does not fit the header: fewer than the named columns, or
/// values beyond the header's last column.
fn shape_problem(row: &Row, width: usize, needed_width: usize) -> Option<String> {
    if row.problem.is_some() {
        return None;
    }
    let extra = row.cells.len() > width && row.cells[width..].iter().any(|c| !c.text().is_empty());
    (row.cells.len() < needed_width || extra).then(|| {
        format!(
            "has {} fields: expected {} as in the header (is a value with the delimiter in it unquoted, such as a decimal comma in a comma-separated file?)",
            row.cells.len(),
            width
        )
    })
}

/// Warns when quantity × price ÷ price unit differs from the amount by more than the
/// rounding of the amount and of the price can explain.
fn check_extension(
    amount: Decimal,
    quantity: Decimal,
    price: Decimal,
    price_unit: Option<Decimal>,
    line: u64,
    report: &mut FileReport,
) {
    if let Some(message) = extension_warning(amount, quantity, price, price_unit) {
        report.warn(RowWarning { line, message });
    }
}

/// The warning of [`check_extension`], if the line earns one: the rule in one place for
/// both readers (the fast path applies it to lines with a price unit other than 1).
pub(super) fn extension_warning(
    amount: Decimal,
    quantity: Decimal,
    price: Decimal,
    price_unit: Option<Decimal>,
) -> Option<String> {
    let unit = price_unit.unwrap_or(Decimal::ONE);
    let expected = quantity
        .checked_mul(price)
        .and_then(|v| v.checked_div(unit))?;
    let half_ulp = |d: Decimal| Decimal::new(5, d.scale() + 1);
    let tolerance = half_ulp(amount) + quantity.abs() * half_ulp(price) / unit;
    // Magnitudes: ERPs differ in which of quantity and amount carry a credit's sign.
    if (expected.abs() - amount.abs()).abs() <= tolerance {
        return None;
    }
    let per = match price_unit {
        Some(u) if u != Decimal::ONE => format!(" per {}", u.normalize()),
        _ => String::new(),
    };
    Some(format!(
        "quantity {} × price {}{per} = {} but the amount is {}",
        quantity.normalize(),
        price.normalize(),
        expected.normalize(),
        amount.normalize()
    ))
}

/// The amount, profit and currency of a line as added to the cube, and the rate it was
/// converted at (its currency, the rate's date, the rate), to note once the line is used.
type Converted = (
    Decimal,
    Option<Decimal>,
    Option<String>,
    Option<(String, Option<Date>, Decimal)>,
);

/// Converts the line to the reporting currency when exchange rates are given.
fn convert(
    plan: &Plan<'_>,
    row: &Row,
    parsed: &Parsed<'_>,
    norms: &mut Norms,
) -> Result<Converted, Rejection> {
    let Some(fx) = &plan.options.fx else {
        return Ok((parsed.amount, parsed.profit, parsed.currency.clone(), None));
    };
    let reporting = fx.reporting().to_string();
    let currency = match &parsed.currency {
        Some(c) => c.clone(),
        None => {
            norms.note(
                "no currency given: amount taken as the --fx reporting currency",
                row.line,
            );
            reporting.clone()
        }
    };
    if currency == reporting {
        return Ok((parsed.amount, parsed.profit, Some(reporting), None));
    }
    let (from, rate) = fx.rate(&currency, parsed.date).map_err(|reason| {
        let column = plan
            .map
            .column(Field::Currency)
            .or(plan.map.column(Field::Amount));
        plan.reject(row, column, &currency, reason)
    })?;
    let too_large = || {
        let column = plan.map.column(Field::Amount);
        plan.reject(
            row,
            column,
            &parsed.amount.to_string(),
            format!("is too large to convert at the rate {rate}"),
        )
    };
    let amount = parsed.amount.checked_mul(rate).ok_or_else(too_large)?;
    let profit = match parsed.profit {
        Some(p) => Some(p.checked_mul(rate).ok_or_else(too_large)?),
        None => None,
    };
    Ok((
        amount,
        profit,
        Some(reporting),
        Some((currency, from, rate)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The notes' test for grouping, as it was written with a String per number.
    fn grouped_by_collecting(number: &str, decimal: char) -> bool {
        let digits_part: String = number
            .chars()
            .filter(|c| c.is_ascii_digit() || " \u{a0}\u{202f}\u{2009}'’.,".contains(*c))
            .collect();
        digits_part
            .trim()
            .split(decimal)
            .next()
            .is_some_and(|int| int.chars().any(|c| !c.is_ascii_digit()))
    }

    #[test]
    fn grouping_is_seen_between_digits_only() {
        for (number, decimal, want) in [
            ("1 234,56", ',', true),
            ("1234,56", ',', false),
            (" 1234 ", '.', false),
            ("€ 1234.50", '.', false),
            ("1.234.567", ',', true),
            ("12,5 EUR", ',', false),
            ("-1'234.5", '.', true),
        ] {
            assert_eq!(grouped(number, decimal), want, "{number:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn grouping_is_decided_as_by_collecting_the_digits(
            number in "[0-9 \u{a0}\u{202f}\u{2009}'’.,a€-]{0,12}",
            comma in proptest::bool::ANY,
        ) {
            let decimal = if comma { ',' } else { '.' };
            proptest::prop_assert_eq!(
                grouped(&number, decimal),
                grouped_by_collecting(&number, decimal)
            );
        }
    }
}
