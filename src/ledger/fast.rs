//! The fast path for large, clean ledgers: one pass over the bytes, both cores.
//!
//! It handles the common shape of an ERP export — UTF-8 (with or without a byte order
//! mark) or a single-byte code page the general reader's encoding scan chooses (1C's
//! windows-1251, decoded a block at a time), LF or CRLF line ends, a header on the first line (or below title lines, as
//! the general reader finds it; total rows and blank lines after the data are read as it
//! reads them too), quoted or not, that the general reader maps (by canonical names or
//! synonyms such as `Vendor` or `Контрагент`; the columns it does not map are skipped, each
//! cell checked for a total word or edge spaces), RFC 4180 quotes without newlines inside
//! them, amounts and profits with at most two decimals, quantities
//! and prices with at most six, supplier ids as the general reader keeps them (any script,
//! in NFC, with no invisible characters or no-break spaces), currencies as a code, symbol
//! or abbreviation the general reader reads (`EUR`, `€`, `руб.`), in one of three styles:
//! `,` delimiter with decimal points, (European Excel, 1C) `;` delimiter with decimal
//! commas (`19,05`), or (SAP's spreadsheet export) tab delimiter with the decimal
//! separator the first 64 KiB prove; numbers optionally with their thousands grouped by
//! spaces (1C's `54 600,00` with no-break spaces), apostrophes (`1'200`) or the other of
//! `.` and `,` (SAP's `1.234,56`, US Excel's `"1,234.56"`), negatives written with a
//! leading `-`, a trailing one (SAP's `1.234,56-`), in parentheses (`(45.00)`) or with
//! the Unicode minus, and with a currency beside them as a cell formatted as money is saved
//! (`€19.05`, `19,05 €`: the line's currency); an optional price unit (SAP's
//! `Preiseinheit`); dates year-first
//! (`2025-03-07`, `2025/3/7`) or year-last with day and month in the order the column
//! proves (`07.03.2025`, US `3/7/2025`, British `07/03/2025`, `07-03-2025`), not both in
//! one file, optionally with a time of day after a space or an ISO `T`
//! (`2025-03-07 09:30:00`, 1C's `07.03.2025 0:00:00`, `2025-03-07T09:30:00Z`,
//! `3/7/2025 9:30 AM`) — and produces exactly the spend
//! cube and the [`FileReport`] the general reader produces from the same file: row
//! accounting, columns, decisions (encoding, delimiter, header, each number column's
//! decimal proof, the date format and its proof), per-currency totals, supplier
//! identities, exact duplicates, quantity × price warnings, the thousands separators
//! removed, the decimal commas read and the times of day dropped. A file where one of these
//! could differ (a cell such as `Total` above the last data line, an id Excel turned into
//! an exponent, values that read two ways with no proof in the file, year-first and
//! year-last dates mixed) is not handled. Whenever it meets anything else (a byte its encoding does not
//! read, an unknown header, a quoted newline, a bad or unusual value, a blank line, a
//! short row) it answers "not handled" ([`None`]) and the caller runs the general reader,
//! which reads messy files and reports errors with their position. The fast path therefore never produces an error of
//! its own.
//!
//! How it is fast:
//! - the file is read in blocks into a reused buffer (memory does not grow with the file);
//!   each 64-byte stretch is classified into one bitmask of delimiters, newlines, carriage
//!   returns and quotes (SSE2 on x86_64, a portable loop elsewhere), and the set bits drive
//!   the field state machine;
//! - money is parsed straight from the bytes into integer ten-thousandths, with the decimal
//!   scale tracked so that the [`Decimal`] built at the end is the one the general reader's
//!   sums give (same value, same scale);
//! - supplier, category and item ids are interned (FxHash) behind one-entry caches: lines
//!   of one order share the supplier, and an item is nearly always bought from one
//!   supplier in one category, so most lines need one hash lookup (the item);
//! - the file is split into byte ranges at line starts, one per thread; each thread builds
//!   its own cube and the cubes are merged in file order with [`SpendCube::merge`], which
//!   keeps "first seen" (supplier names, id order) as a single pass would. A quoted
//!   newline anywhere makes the whole read "not handled", so a split point can never fall
//!   inside a record unnoticed: the thread owning the record that holds it sees the quote.

use super::digits;
use super::duplicates::{OrderDuplicates, order_key, push_listed};
use super::locale::encoding::Encoding;
use super::locale::headers::{Mapping, is_total_cell};
use super::locale::number::Currency;
// The number columns whose decimal separator the general reader decides, in its order.
use super::rows::NUMERIC;
use super::{Field, FileReport, UNCATEGORIZED};
use crate::spend::{Cell, CellKey, Interner, SpendCube};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes read per block.
///
/// A quarter of the 1 MiB L2 cache of the bench machine's cores: the block `read` copies
/// in is still there when the scan reads it, beside the tables the lines look up. 1 MiB
/// blocks evicted both (10M-row bench ledger, 11 interleaved runs: median wall 1.34 s
/// with 1 MiB, 1.28 s with 256 KiB; 64 and 128 KiB were no better).
const BLOCK: usize = 1 << 18;
/// The largest buffer a part holds (a record longer than this is the general reader's).
const MAX_BUFFER: usize = 1 << 30;
/// Below this size a file is read on one thread: starting threads would cost more.
const MIN_PARALLEL_BYTES: u64 = 8 << 20;
/// Money is held in units of 10^-SCALE (ten-thousandths): the fast path takes amounts
/// and profits with at most four decimals (ERP prices and Excel's computed amounts carry
/// three or four; a currency's own two are the common case).
const SCALE: u32 = 4;
/// Per number of decimals written (at most [`SCALE`]), what a value's digits are
/// multiplied by to be in units of 10^-SCALE.
const TO_UNITS: [i64; SCALE as usize + 1] = [10_000, 1_000, 100, 10, 1];
/// The longest date cell read (`yyyy-mm-dd hh:mm:ss.fff+hh:mm` is 29 bytes).
const DATE_CELL_BYTES: usize = 32;

/// How the fast path runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct FastOptions<'a> {
    /// Threads to use; `0` means one per available core for files of 8 MiB and more,
    /// one below.
    pub threads: usize,
    /// Incremented with the bytes of each block read, for a progress display.
    pub progress: Option<&'a AtomicU64>,
    /// Header names the user gave for fields (`--columns`), as the general reader takes
    /// them; `None`: the synonym table alone.
    pub columns: Option<&'a Mapping>,
    /// The delimiter the user gave (`--delimiter`). The fast path reads the file when the
    /// delimiter it finds is that one, and reports it as given, as the general reader
    /// does; a file the user reads with another delimiter is the general reader's.
    pub delimiter: Option<super::locale::sniff::Delimiter>,
    /// The decimal separator the user gave for every number column (`--decimal`): numbers
    /// are read with it, and no column's separator is decided, as the general reader does.
    pub decimal: Option<super::locale::number::DecimalSep>,
    /// The encoding the user gave (`--encoding`): UTF-8 or a single-byte code page is read
    /// in it, checked and reported as the general reader checks and reports it; UTF-16 is
    /// the general reader's.
    pub encoding: Option<Encoding>,
    /// The date format the user gave (`--date-format`): dates are read in it, as the
    /// general reader reads them; a date it rejects hands the file back.
    pub date_format: Option<super::locale::date::DateFormat>,
}

impl<'a> FastOptions<'a> {
    /// The fast path's options for reading as `options` ask (on one core per available
    /// one, with no progress counter); `None` when they ask for what only the general
    /// reader does: a worksheet of an Excel workbook, or amounts converted to a reporting
    /// currency.
    pub fn reading(options: &'a super::ReadOptions) -> Option<FastOptions<'a>> {
        (options.sheet.is_none() && options.fx.is_none()).then_some(FastOptions {
            columns: Some(&options.columns),
            delimiter: options.delimiter,
            decimal: options.decimal,
            encoding: options.encoding,
            date_format: options.date_format,
            ..FastOptions::default()
        })
    }
}

/// Reads a ledger file with the fast path. `None` means "not handled": the file has
/// something the fast path does not read, and the general reader must read it instead.
pub fn read_ledger_fast(path: &Path, opts: FastOptions<'_>) -> Option<(SpendCube, FileReport)> {
    let before = opts.progress.map(|p| p.load(Ordering::Relaxed));
    if let Some(read) = read_as(path, opts, None) {
        return Some(read);
    }
    // A given encoding was read as given: no second guess.
    if opts.encoding.is_some() {
        return None;
    }
    // A file in a code page whose first 64 KiB are ASCII (a Czech ledger whose first
    // suppliers' names are plain) was taken for UTF-8 and handed back at its first other
    // byte: when the file is not UTF-8, it is read again in the code page the general
    // reader chooses. A UTF-8 file handed back for another reason costs one more pass
    // over its bytes before the general reader's.
    let mut head = vec![0u8; HEAD];
    let n = read_full(&mut File::open(path).ok()?, &mut head).ok()?;
    if !is_utf8_head(head.get(..n)?) || is_utf8_file(path)? {
        return None;
    }
    if let (Some(p), Some(before)) = (opts.progress, before) {
        p.store(before, Ordering::Relaxed);
    }
    read_as(path, opts, Some(CodePage::detect(path, None)?))
}

/// Bytes read from the start of a file to find its encoding and header.
const HEAD: usize = 1 << 16;

/// [`read_ledger_fast`] with the text read as UTF-8 or in `code_page`; `None`: as UTF-8
/// when the file's first [`HEAD`] bytes are UTF-8, else in the code page the general
/// reader's encoding scan chooses.
fn read_as(
    path: &Path,
    opts: FastOptions<'_>,
    code_page: Option<CodePage>,
) -> Option<(SpendCube, FileReport)> {
    // The options the general reader's header search and row classification take here:
    // the user's header names, if any.
    let headers = super::ReadOptions {
        columns: opts.columns.cloned().unwrap_or_default(),
        ..super::ReadOptions::default()
    };
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut raw_head = vec![0u8; HEAD];
    let n = read_full(&mut file, &mut raw_head).ok()?;
    raw_head.truncate(n);
    // Text in a single-byte code page (1C's windows-1251) is read decoded, once a pass
    // over the whole file has chosen that code page as the general reader's first pass
    // does (and with its decision); UTF-8 is read as it is.
    let code_page = match (code_page, opts.encoding, is_utf8_head(&raw_head)) {
        (Some(c), _, _) => Some(c),
        (None, Some(Encoding::Utf8), true) | (None, None, true) => None,
        (None, Some(Encoding::Utf8), false) => return None,
        (None, Some(given), _) => Some(CodePage::detect(path, Some(given))?),
        (None, None, false) => Some(CodePage::detect(path, None)?),
    };
    let decoded_head;
    let head: &[u8] = match &code_page {
        None => &raw_head,
        Some(c) => {
            decoded_head = c.decode(&raw_head);
            decoded_head.as_bytes()
        }
    };
    // A UTF-8 byte order mark (Excel's "CSV UTF-8" writes one) is not part of the header:
    // the general reader drops it, and its decision names it.
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    // The header is the first line, or comes after title lines (1C, SAP list output).
    let HeaderAt {
        mut layout,
        preamble,
        end: header_end,
    } = HeaderAt::find(path, head, bom, &headers)?;
    match opts.decimal {
        Some(d) => layout.decimal = u8::try_from(d.as_char()).ok()?,
        None => layout.decide_decimal(head.get(header_end..)?),
    }
    // Lines before the data: the preamble's and the header.
    let header_lines = preamble.len() as u64 + 1;
    // Where the data start in the file: after the header's newline (the same newline in
    // a code page's bytes as in their decoded text).
    let first = match &code_page {
        None => header_end as u64 + 1,
        Some(_) => {
            let nth = usize::try_from(header_lines - 1).ok()?;
            memchr::memchr_iter(b'\n', &raw_head).nth(nth)? as u64 + 1
        }
    };
    let header: Vec<&str> = layout.names.iter().map(String::as_str).collect();
    // Total rows and blank lines at the end (1C's `Итого`) are the general reader's rows,
    // classified by it; the data end where they start.
    let tail = Tail::find(
        &mut file,
        len,
        first,
        &layout,
        &header,
        code_page.as_ref(),
        &headers,
    )?;
    let body_end = tail.start;
    if let Some(p) = opts.progress {
        // The lines above the data and below them; the parts count the rest.
        p.fetch_add(first + (len - body_end), Ordering::Relaxed);
    }

    let threads = match opts.threads {
        0 if len < MIN_PARALLEL_BYTES => 1,
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let mut bounds = vec![first];
    for t in 1..threads {
        let at = first + (body_end.saturating_sub(first)) * t as u64 / threads as u64;
        let start = next_order_start(path, at.max(first), &layout)?;
        let prev = *bounds.last()?;
        bounds.push(start.max(prev).min(body_end.max(first)));
    }
    bounds.push(body_end.max(first));

    let code_page = code_page.as_ref();
    let progress_before = opts.progress.map(|p| p.load(Ordering::Relaxed));
    let mut parts: Vec<Option<Part>> = if bounds.len() == 2 {
        vec![scan(
            path,
            bounds[0],
            bounds[1],
            &layout,
            opts.progress,
            code_page,
        )]
    } else {
        // The first part is read on this thread: its tables are freed into this thread's
        // allocator arena, where the analysis reuses them (a spawned thread's arena keeps
        // what it freed resident beside the analysis).
        std::thread::scope(|s| {
            let layout = &layout;
            let handles: Vec<_> = bounds
                .windows(2)
                .skip(1)
                .map(|w| {
                    let (a, b) = (w[0], w[1]);
                    s.spawn(move || scan(path, a, b, layout, opts.progress, code_page))
                })
                .collect();
            let first = scan(path, bounds[0], bounds[1], layout, opts.progress, code_page);
            std::iter::once(first)
                .chain(handles.into_iter().map(|h| h.join().ok().flatten()))
                .collect()
        })
    };
    match fit(&parts, &bounds) {
        Fit::Whole => {}
        Fit::Unread => return None,
        Fit::SplitInside => {
            // A split fell inside a quoted field with a line break: the data are read
            // again as one part, counted once.
            if let (Some(p), Some(before)) = (opts.progress, progress_before) {
                p.store(before, Ordering::Relaxed);
            }
            let (from, to) = (*bounds.first()?, *bounds.last()?);
            parts = vec![scan(path, from, to, &layout, opts.progress, code_page)];
            if !matches!(fit(&parts, &[from, to]), Fit::Whole) {
                return None;
            }
        }
    }
    let mut whole: Option<Part> = None;
    let mut report = FileReport {
        file: path.display().to_string(),
        rows_read: header_lines,
        rows_header: 1,
        decisions: head_decisions(
            head,
            n < HEAD,
            layout.delim,
            header_lines,
            code_page.as_ref().map(|c| &c.detection),
            opts.delimiter,
            opts.encoding,
        )?,
        ..FileReport::default()
    };
    for (line, row) in (1..).zip(&preamble) {
        match row {
            None => report.rows_blank += 1,
            Some(text) => {
                report.rows_preamble += 1;
                report.list_skipped(super::SkippedRow {
                    line,
                    reason: super::SkipReason::Preamble,
                    text: text.clone(),
                });
            }
        }
    }
    report.skipped.push(super::SkippedRow {
        line: header_lines,
        reason: super::SkipReason::Header,
        // The general reader's preview: the first four non-empty cells.
        text: super::escaped(
            &header
                .iter()
                .filter(|h| !h.is_empty())
                .take(4)
                .copied()
                .collect::<Vec<_>>()
                .join(" | "),
        ),
    });
    for f in Field::ALL {
        if let Some(c) = layout.column[f as usize] {
            report.columns.push(f.key().to_string());
            report.column_map.push(super::ColumnUse {
                field: f.key().to_string(),
                column: c + 1,
                header: header.get(c)?.to_string(),
            });
        }
    }
    // Line of the first record of the part: the data follow the header (no blank lines
    // between records; a record spans more than one line only by line breaks in quotes).
    let mut first_line = header_lines + 1;
    let mut currencies: std::collections::BTreeMap<String, (u64, i64, u8)> = Default::default();
    let mut total = (0i64, 0u8);
    let mut proofs: [Option<(u64, String)>; Field::ALL.len()] = Default::default();
    let mut dates = DateSeen::default();
    // Date cells with a time of day, and the first one's line.
    let mut timed: (u64, Option<u64>) = (0, None);
    let mut ambiguous: [Option<u64>; Field::ALL.len()] = Default::default();
    let mut decimals = 0u64;
    let mut first_decimal: [Option<u64>; Field::ALL.len()] = Default::default();
    let mut grouped: [Option<u64>; Field::ALL.len()] = Default::default();
    let mut grouped_count = 0u64;
    let mut signs = [0u64; Sign::NOTES.len()];
    let mut first_sign = [[None; Field::ALL.len()]; Sign::NOTES.len()];
    let mut currency_notes = 0u64;
    let mut first_currency_note: [Option<u64>; Field::ALL.len()] = Default::default();
    let mut magnitude = [0u128; 2];
    let mut pairs: Vec<PartPairs> = Vec::new();
    for part in parts {
        let mut part = part?;
        let mut x = std::mem::take(&mut part.extra);
        let lines = Lines::new(first_line, std::mem::take(&mut x.breaks));
        let line = |r: u64| lines.of(r);
        report.rows_read += part.rows;
        report.rows_used += part.rows;
        report.credit_notes += part.credit_lines;
        let found = x.dups.finish();
        report.duplicate_groups += found.groups;
        report.duplicate_lines += found.repeats;
        for g in found.listed {
            push_listed(&mut report.duplicates, g.into_iter().map(line).collect());
        }
        for (code, lines, sum, scale) in x.currencies {
            let e = currencies.entry(code).or_default();
            e.0 += lines;
            e.1 = e.1.checked_add(sum)?;
            e.2 = e.2.max(scale);
        }
        total = (total.0.checked_add(x.total)?, total.1.max(x.total_scale));
        for (p, q) in proofs.iter_mut().zip(x.proofs) {
            if p.is_none() {
                *p = q.map(|(r, v)| (line(r), v));
            }
        }
        dates.merge(std::mem::take(&mut x.dates), &lines);
        timed.0 += x.timed;
        timed.1 = timed.1.or(x.first_timed.map(line));
        for (a, b) in ambiguous.iter_mut().zip(x.ambiguous) {
            *a = a.or(b.map(line));
        }
        decimals += x.decimals;
        for (d, r) in first_decimal.iter_mut().zip(x.first_decimal) {
            *d = d.or(r.map(line));
        }
        for (g, r) in grouped.iter_mut().zip(x.grouped) {
            *g = g.or(r.map(line));
        }
        grouped_count += x.grouped_count;
        currency_notes += x.currency_notes;
        for (c, r) in first_currency_note.iter_mut().zip(x.first_currency_note) {
            *c = c.or(r.map(line));
        }
        for k in 0..Sign::NOTES.len() {
            signs[k] += x.signs[k];
            for (s, r) in first_sign[k].iter_mut().zip(x.first_sign[k]) {
                *s = s.or(r.map(line));
            }
        }
        for (m, part) in magnitude.iter_mut().zip(x.magnitude) {
            *m += part;
        }
        // In units of 10^-SCALE: 10^24 is the limit of 10^20.
        let limit = super::MONEY_LIMIT.mantissa().unsigned_abs() * 10u128.pow(SCALE);
        if magnitude.iter().any(|m| *m > limit) {
            return None;
        }
        report.warning_count += x.warning_count;
        for (r, message) in x.warnings {
            push_listed(
                &mut report.warnings,
                super::RowWarning {
                    line: line(r),
                    message,
                },
            );
        }
        first_line = lines.after(part.rows);
        // Parts merge before any cube is built: one cube, and a part's tables freed as
        // soon as they are added.
        let suppliers = match &mut whole {
            None => {
                whole = Some(part);
                None
            }
            Some(w) => Some(w.absorb(part)?),
        };
        pairs.push((
            lines,
            std::mem::take(&mut x.pairs),
            std::mem::take(&mut x.names.names),
            suppliers,
        ));
    }
    // The dates' order gives the period; its decision is written after the numbers'.
    let (order, date_decision) = match layout.column[Field::Date as usize] {
        Some(c) => match opts.date_format {
            Some(format) => dates.given(c, header.get(c)?, format)?,
            None => dates.decide(c, header.get(c)?)?,
        },
        None => (Order::DayFirst, None),
    };
    // The identities are recorded once the parts are merged and their tables freed:
    // recorded beside two parts' tables, they made the read's peak. The cube is built
    // from the merged part meanwhile, on the core the second part's scan has left.
    let cube = match &whole {
        Some(w) => std::thread::scope(|scope| {
            let cube = scope.spawn(|| w.cube(order));
            let recorded = record_identities(&mut report, w, pairs);
            let cube = cube.join().ok().flatten();
            recorded.and(cube).map(Some)
        })?,
        None => None,
    };
    drop(whole);
    match opts.decimal {
        Some(d) => report
            .decisions
            .push(format!("numbers: decimal {d} (given with --decimal)")),
        None => number_decisions(&mut report, &layout, &header, &proofs, &ambiguous)?,
    }
    report.decisions.extend(date_decision);
    let amount = Field::Amount as usize;
    let decided = opts.decimal.is_some() || proofs[amount].is_some() || ambiguous[amount].is_some();
    tail.report(&mut report, first_line, total, decided, layout.decimal);
    // The general reader notes normalisations in order of first appearance: on one line
    // the number columns in [`NUMERIC`] order (in each value the sign, the grouping, the
    // decimal comma, then the currency beside it), then the date. Each is put with its
    // first line and that rank.
    let mut noted: Vec<((u64, usize), super::Normalisation)> = Vec::new();
    // The first line among `lines` (per field) and the first field on it, in NUMERIC order.
    let first = |lines: &dyn Fn(Field) -> Option<u64>| -> Option<(u64, usize)> {
        let line = NUMERIC.iter().filter_map(|&f| lines(f)).min()?;
        let rank = NUMERIC.iter().position(|&f| lines(f) == Some(line))?;
        Some((line, rank))
    };
    // A number note of `kind` (0 the sign, 1 the grouping, 2 the decimal comma, 3 the
    // currency) made `count` times, first on the lines `lines` give per field.
    let mut note = |what: &str, count: u64, kind: usize, lines: &dyn Fn(Field) -> Option<u64>| {
        if count == 0 {
            return Some(());
        }
        let (first_line, rank) = first(lines)?;
        noted.push((
            (first_line, 4 * rank + kind),
            super::Normalisation {
                what: what.to_string(),
                count,
                first_line,
            },
        ));
        Some(())
    };
    for (k, what) in Sign::NOTES.iter().enumerate() {
        note(what, signs[k], 0, &|f| first_sign[k][f as usize])?;
    }
    note("thousands separators removed", grouped_count, 1, &|f| {
        grouped[f as usize]
    })?;
    // Each value written with a decimal comma is one the general reader notes.
    if layout.decimal == b',' {
        note("decimal comma read", decimals, 2, &|f| {
            first_decimal[f as usize]
        })?;
    }
    note(
        "currency beside the number taken as the line's currency",
        currency_notes,
        3,
        &|f| first_currency_note[f as usize],
    )?;
    if let (count @ 1.., Some(first_line)) = timed {
        noted.push((
            (first_line, usize::MAX),
            super::Normalisation {
                what: "time of day dropped from date-times".to_string(),
                count,
                first_line,
            },
        ));
    }
    noted.sort_by_key(|(at, _)| *at);
    report.normalisations = noted.into_iter().map(|(_, n)| n).collect();
    report.currencies = currencies
        .into_iter()
        .filter(|(_, (lines, _, _))| *lines > 0)
        .map(|(currency, (lines, sum, scale))| super::CurrencyTotal {
            currency,
            lines,
            amount: to_decimal(sum, scale),
        })
        .collect();
    report.amount_total = to_decimal(total.0, total.1);
    Some((cube.unwrap_or_default(), report))
}

/// A part's (supplier, name) pairs, kept until the parts are merged: the part's lines,
/// the pairs, the names' texts, and where the part's suppliers went in the merged part
/// (`None`: it is the first part).
type PartPairs = (Lines, Vec<PairSeen>, Texts, Option<Vec<u32>>);

/// Where a part's rows are in the file: the line its first row starts on, and the rows
/// whose record spans lines, each with the line breaks inside the records up to it.
#[derive(Debug, Default)]
struct Lines {
    first: u64,
    /// (row, line breaks in the records up to and including it), rows ascending.
    breaks: Vec<(u64, u64)>,
}

impl Lines {
    /// The lines of a part whose first row starts on line `first`; `breaks` are its rows
    /// with line breaks inside them, each with its own count.
    fn new(first: u64, mut breaks: Vec<(u64, u64)>) -> Lines {
        let mut sum = 0;
        for (_, b) in &mut breaks {
            sum += *b;
            *b = sum;
        }
        Lines { first, breaks }
    }

    /// The line row `row` starts on.
    fn of(&self, row: u64) -> u64 {
        let before = self.breaks.partition_point(|&(r, _)| r < row);
        let breaks = before
            .checked_sub(1)
            .and_then(|i| self.breaks.get(i))
            .map_or(0, |&(_, b)| b);
        self.first + row + breaks
    }

    /// The line after the part's `rows` rows.
    fn after(&self, rows: u64) -> u64 {
        self.first + rows + self.breaks.last().map_or(0, |&(_, b)| b)
    }
}

/// How the parts read from `bounds` fit together.
enum Fit {
    /// Each part stopped where the next one starts and the last at the end of the data:
    /// every part began on a record.
    Whole,
    /// A part stopped past the next one's start: it read a record (with a line break in a
    /// quoted field) to its end, and the next part began inside that record.
    SplitInside,
    /// A part that began on a record was not read (the general reader's file), or the last
    /// part ran past the end of the data.
    Unread,
}

/// How `parts` fit, read from `bounds`. Parts are taken in order: once the ones before a
/// part stopped at their ends, the part began on a record, and what it says holds.
fn fit(parts: &[Option<Part>], bounds: &[u64]) -> Fit {
    if parts.len() + 1 != bounds.len() {
        return Fit::Unread;
    }
    for (k, part) in parts.iter().enumerate() {
        let Some(part) = part else {
            return Fit::Unread;
        };
        if bounds.get(k + 1) != Some(&part.stop) {
            return if k + 2 < bounds.len() {
                Fit::SplitInside
            } else {
                Fit::Unread
            };
        }
    }
    Fit::Whole
}

/// Records the parts' (supplier, name) pairs in the report's identities, by the merged
/// part's supplier ids, with their lines in the file.
fn record_identities(report: &mut FileReport, whole: &Part, pairs: Vec<PartPairs>) -> Option<()> {
    report.identities.reserve(whole.suppliers.names.len());
    for (part_lines, part_pairs, names, suppliers) in pairs {
        for seen in &part_pairs {
            let s = match &suppliers {
                Some(map) => *map.get(seen.supplier as usize)?,
                None => seen.supplier,
            };
            let id = whole.suppliers.names.get(s as usize)?;
            let name = names.get(seen.name as usize)?;
            let rows = seen.rows();
            let mut lines = [0u64; PAIR_ROWS];
            for (line, row) in lines.iter_mut().zip(rows) {
                *line = part_lines.of(*row);
            }
            // Past the rows kept, the identity checks keep only the count.
            let more = seen.count - rows.len() as u64;
            report
                .identities
                .record_lines(id, Some(name), &lines[..rows.len()], more);
        }
    }
    Some(())
}

/// The general reader's decisions on the number columns' decimal separator: each column
/// with a proof (a value that reads only one way, at its line) is decided by it; then each
/// column whose values read two ways and that has no proof follows the file's first
/// proof. `None` when such a column has no proof in the file to follow: the general
/// reader asks the user.
fn number_decisions(
    report: &mut FileReport,
    layout: &Layout,
    header: &[&str],
    proofs: &[Option<(u64, String)>; Field::ALL.len()],
    ambiguous: &[Option<u64>; Field::ALL.len()],
) -> Option<()> {
    use super::locale::number::DecimalSep;
    let sep = match layout.decimal {
        b',' => DecimalSep::Comma,
        _ => DecimalSep::Point,
    };
    let mut file_proof: Option<String> = None;
    for f in NUMERIC {
        if let (Some(c), Some((line, value))) = (layout.column[f as usize], &proofs[f as usize]) {
            let name = format!("column {} ({})", c + 1, header.get(c)?);
            let why = format!("{} at line {line}", super::escaped(value));
            report
                .decisions
                .push(format!("{name}: decimal {sep} ({why} reads only that way)"));
            file_proof.get_or_insert(format!("{name}, {why}"));
        }
    }
    for f in NUMERIC {
        if let (Some(c), Some(_), None) = (
            layout.column[f as usize],
            ambiguous[f as usize],
            &proofs[f as usize],
        ) {
            let name = format!("column {} ({})", c + 1, header.get(c)?);
            report.decisions.push(format!(
                "{name}: decimal {sep}, as the file's other numbers show ({})",
                file_proof.as_ref()?
            ));
        }
    }
    Some(())
}

/// What a date column's cells say about its format, as the general reader's inference
/// weighs them (`DateEvidenceSoFar`): in a part with rows counted from the part's first,
/// then over the file with lines.
#[derive(Debug, Default)]
struct DateSeen {
    /// A year-first date was seen (`2025-03-07`, `2025/3/7`, `2025.03.07`).
    year_first: bool,
    /// A year-last date was seen (`07.03.2025`, `3/7/2025`, `07-03-2025`).
    year_last: bool,
    /// The first year-last date cell that reads only day-first (`13.01.2025`,
    /// `31/12/2025`), only month-first (`12/31/2025`), and both ways as two dates
    /// (`01/02/2025`), each with its row or line.
    day_first: Option<(u64, String)>,
    month_first: Option<(u64, String)>,
    ambiguous: Option<(u64, String)>,
    /// Some date that reads both ways is written without dots: only dotted dates have a
    /// convention (day-first) that decides them.
    ambiguous_undotted: bool,
}

/// The order of day and month in year-last dates: an index into [`Part::periods`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    DayFirst = 0,
    MonthFirst = 1,
}

impl DateSeen {
    /// Takes in what a later part saw, its rows on `lines`.
    fn merge(&mut self, other: DateSeen, lines: &Lines) {
        let at = |seen: Option<(u64, String)>| seen.map(|(r, v)| (lines.of(r), v));
        self.year_first |= other.year_first;
        self.year_last |= other.year_last;
        self.day_first = self.day_first.take().or(at(other.day_first));
        self.month_first = self.month_first.take().or(at(other.month_first));
        self.ambiguous = self.ambiguous.take().or(at(other.ambiguous));
        self.ambiguous_undotted |= other.ambiguous_undotted;
    }

    /// The order the general reader reads the column's dates in, and the decision it
    /// writes on the column (column `c`, headed `name`), if it writes one. `None` when it
    /// refuses the column (dates that prove both orders, or that read two ways with
    /// nothing to decide them) or decides in ways not mirrored here (year-first and
    /// year-last dates mixed).
    fn decide(&self, c: usize, name: &str) -> Option<(Order, Option<String>)> {
        use super::locale::date::DateFormat;
        let (order, format, why) = match (self.year_first, self.year_last) {
            (true, true) => return None,
            (true, false) => (
                Order::DayFirst,
                DateFormat::Iso,
                "every date is year-first".to_string(),
            ),
            // No date, or every one reads the same either way (`01.01.2025`): no decision.
            (false, false) => return Some((Order::DayFirst, None)),
            (false, true) => match (&self.day_first, &self.month_first, &self.ambiguous) {
                (Some(_), Some(_), _) => return None,
                (Some((line, d)), None, _) => (
                    Order::DayFirst,
                    DateFormat::DayMonthYear,
                    format!("{} at line {line} reads only that way", super::escaped(d)),
                ),
                (None, Some((line, d)), _) => (
                    Order::MonthFirst,
                    DateFormat::MonthDayYear,
                    format!("{} at line {line} reads only that way", super::escaped(d)),
                ),
                (None, None, Some(_)) if self.ambiguous_undotted => return None,
                (None, None, Some((line, d))) => (
                    Order::DayFirst,
                    DateFormat::DayMonthYear,
                    format!(
                        "dotted dates such as {} at line {line} are day-first",
                        super::escaped(d)
                    ),
                ),
                (None, None, None) => return Some((Order::DayFirst, None)),
            },
        };
        let decision = format!("column {} ({name}): dates as {format} ({why})", c + 1);
        Some((order, Some(decision)))
    }

    /// [`DateSeen::decide`] for a column whose format the user gave: the order it reads
    /// year-last dates in and the decision the general reader writes; `None` when a date
    /// seen is one the general reader rejects in that format (a year-last date for ISO or
    /// the Excel format, a date that reads only the other way round).
    fn given(
        &self,
        c: usize,
        name: &str,
        format: super::locale::date::DateFormat,
    ) -> Option<(Order, Option<String>)> {
        use super::locale::date::DateFormat;
        let order = match format {
            // In the Excel format a date written as one is read as for ISO; a serial
            // number is not read here (the cell is no date), and hands the file back.
            DateFormat::Iso | DateFormat::ExcelSerial if self.year_last => return None,
            DateFormat::Iso | DateFormat::ExcelSerial => Order::DayFirst,
            DateFormat::DayMonthYear if self.month_first.is_some() => return None,
            DateFormat::DayMonthYear => Order::DayFirst,
            DateFormat::MonthDayYear if self.day_first.is_some() => return None,
            DateFormat::MonthDayYear => Order::MonthFirst,
        };
        let decision = format!(
            "column {} ({name}): dates as {format} (given with --date-format)",
            c + 1
        );
        Some((order, Some(decision)))
    }
}

/// The decisions the general reader writes for a UTF-8 file delimited by `delim`, from its
/// first bytes (`whole`: they are the whole file): the encoding, and the delimiter with how
/// many of the first records agree; the header is line 1. `None` when the general reader's
/// sniffer would pick another delimiter.
fn head_decisions(
    head: &[u8],
    whole: bool,
    delim: u8,
    header_line: u64,
    code_page: Option<&super::locale::encoding::Detection>,
    given: Option<super::locale::sniff::Delimiter>,
    declared: Option<Encoding>,
) -> Option<Vec<String>> {
    use super::locale::{encoding, sniff};
    let text = if whole {
        head
    } else {
        // Whole lines only, and enough of them for the sniffer's sample.
        let end = memchr::memrchr(b'\n', head)?;
        let text = &head[..end + 1];
        if memchr::memchr_iter(b'\n', text).count() <= sniff::SNIFF_RECORDS {
            return None;
        }
        text
    };
    // Decoded as the general reader decodes the file: in the encoding given, if any (the
    // fast path reads only UTF-8 itself; a code page's text is decoded already).
    let decoded = encoding::decode(text, declared.filter(|_| code_page.is_none())).ok()?;
    let sniffed = sniff::sniff(&decoded.text).ok()?;
    let sniff::SniffReason::Consistent { records, matching } = sniffed.reason else {
        return None;
    };
    if sniffed.delimiter.as_byte() != delim || given.is_some_and(|g| g != sniffed.delimiter) {
        return None;
    }
    Some(vec![
        format!(
            "encoding: {}{}",
            code_page.unwrap_or(&decoded.detection),
            if declared.is_some() {
                " (given with --encoding)"
            } else {
                ""
            }
        ),
        match given {
            Some(d) => format!("delimiter: {d} (given with --delimiter)"),
            None => format!(
                "delimiter: {} ({matching} of the first {records} records have {} fields)",
                sniffed.delimiter, sniffed.fields
            ),
        },
        format!("header row at line {header_line}"),
    ])
}

/// A header found in a file's first bytes.
struct HeaderAt {
    layout: Layout,
    /// The lines above it: titles (`Закупки товаров и услуг`, `Период: …`) and blank
    /// lines, one per record; each `None` when blank, else the general reader's preview.
    preamble: Vec<Option<String>>,
    /// Where the header line ends (its newline) in the head.
    end: usize,
}

impl HeaderAt {
    /// The header on the first line (after a byte order mark of `bom` bytes), if this
    /// path reads it; else the header below title lines, found as the general reader
    /// finds it (its own `find_header` over its own records of the head) when this path
    /// reads it and every line above it is one record.
    fn find(
        path: &Path,
        head: &[u8],
        bom: usize,
        options: &super::ReadOptions,
    ) -> Option<HeaderAt> {
        let end = memchr::memchr(b'\n', head)?;
        match Layout::from_header(head.get(bom..end)?, &options.columns) {
            Some(layout) => Some(HeaderAt {
                layout,
                preamble: Vec::new(),
                end,
            }),
            None => Self::below_titles(path, head, bom, options),
        }
    }

    fn below_titles(
        path: &Path,
        head: &[u8],
        bom: usize,
        options: &super::ReadOptions,
    ) -> Option<HeaderAt> {
        use super::locale::sniff;
        let end = memchr::memrchr(b'\n', head)?;
        let text = std::str::from_utf8(head.get(bom..=end)?).ok()?;
        let delim = sniff::sniff(text).ok()?.delimiter.as_char();
        if !matches!(delim, ',' | ';' | '\t') {
            return None;
        }
        let rows: Vec<super::rows::Row> = super::records::split(text, delim)
            .into_iter()
            .map(super::csv_reader::text_row)
            .collect();
        let (ix, _) = super::rows::find_header(path, rows.iter(), options).ok()?;
        // One line per record up to the header, and a line after it in the head.
        if ix == 0
            || ix + 1 >= rows.len()
            || rows
                .iter()
                .take(ix + 1)
                .enumerate()
                .any(|(i, r)| r.line != i as u64 + 1 || r.problem.is_some())
        {
            return None;
        }
        let start = memchr::memchr_iter(b'\n', head).nth(ix - 1)? + 1;
        let line_end = start + memchr::memchr(b'\n', head.get(start..)?)?;
        let layout = Layout::from_header(head.get(start..line_end)?, &options.columns)?;
        if layout.delim != delim as u8 {
            return None;
        }
        let preamble = rows
            .iter()
            .take(ix)
            .map(|r| (!r.is_blank()).then(|| r.preview()))
            .collect();
        Some(HeaderAt {
            layout,
            preamble,
            end: line_end,
        })
    }
}

/// The last lines of a file when they are total rows or blank lines, as the general
/// reader classifies them: they are listed and checked after the data.
struct Tail {
    /// Where the first of them starts (the file's length when there are none).
    start: u64,
    /// Each in file order: `None` when blank, else a total row's preview and amount text.
    rows: Vec<Option<(String, String)>>,
}

impl Tail {
    /// The bytes read from the end to look for them.
    const WINDOW: u64 = 1 << 16;

    /// Accounts for the lines (the first at `line`) in `report` as the general reader
    /// does: blank lines counted; total rows listed and their amounts checked against the
    /// amounts used above them (`total`: units of 10^-SCALE and scale), the decision and any
    /// warning written after the data's. The amount column's decimal separator is the
    /// file's when the column is `decided` (a value in it proves the separator, or reads
    /// two ways and follows the file's proof), else the point, as the general reader
    /// decides.
    fn report(
        &self,
        report: &mut FileReport,
        line: u64,
        total: (i64, u8),
        decided: bool,
        decimal: u8,
    ) {
        use super::locale::number::{NumberFormat, parse_number};
        let format = match (decided, decimal) {
            (true, b',') => NumberFormat::COMMA,
            _ => NumberFormat::POINT,
        };
        let grand = to_decimal(total.0, total.1);
        // The amounts since the previous total row: all of them for the first.
        let mut since_previous = grand;
        let (mut agree, mut checked) = (0u64, 0u64);
        for (line, row) in (line..).zip(&self.rows) {
            report.rows_read += 1;
            let Some((preview, stated)) = row else {
                report.rows_blank += 1;
                continue;
            };
            report.rows_total += 1;
            report.list_skipped(super::SkippedRow {
                line,
                reason: super::SkipReason::Total,
                text: preview.clone(),
            });
            let subtotal = std::mem::take(&mut since_previous);
            if stated.trim().is_empty() {
                continue;
            }
            let Ok(stated) = parse_number(stated, format).map(|n| n.value) else {
                continue;
            };
            checked += 1;
            match super::rows::total_disagrees(line, stated, grand, subtotal) {
                None => agree += 1,
                Some(w) => report.warn(w),
            }
        }
        if checked > 0 {
            report
                .decisions
                .push(super::rows::totals_decision(agree, checked));
        }
    }

    /// Reads the file's last lines (at most [`Tail::WINDOW`] bytes, after the header);
    /// `None` when the window holds nothing but such lines (where they start is not known)
    /// or bytes that are not UTF-8.
    ///
    /// A line is taken as one record: were it the end of a record with a line break in
    /// quotes, the last part would read that record past the data's end, and the file is
    /// handed back ([`fit`]).
    fn find(
        file: &mut File,
        len: u64,
        first: u64,
        layout: &Layout,
        header: &[&str],
        code_page: Option<&CodePage>,
        options: &super::ReadOptions,
    ) -> Option<Tail> {
        use super::rows::{Kind, row_kind};
        let from = len.saturating_sub(Self::WINDOW).max(first);
        file.seek(SeekFrom::Start(from)).ok()?;
        let mut bytes = vec![0u8; usize::try_from(len - from).ok()?];
        file.read_exact(&mut bytes).ok()?;
        let mut rows = Vec::new();
        if bytes.is_empty() {
            return Some(Tail { start: len, rows });
        }
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let amount = layout.column[Field::Amount as usize];
        // Lines from the back; the last one may have no newline.
        let mut end = bytes.len() - usize::from(bytes.last() == Some(&b'\n'));
        loop {
            let start = match memchr::memrchr(b'\n', &bytes[..end]) {
                Some(nl) => nl + 1,
                // The window's first line is whole only when the window starts the data.
                None if from == first => 0,
                None => return None,
            };
            let line = &bytes[start..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let text = match code_page {
                None => std::borrow::Cow::Borrowed(std::str::from_utf8(line).ok()?),
                Some(c) => std::borrow::Cow::Owned(c.decode(line)),
            };
            let record = super::records::split(&text, char::from(layout.delim))
                .into_iter()
                .next()
                .map(super::csv_reader::text_row);
            let row = match record
                .as_ref()
                .map(|r| (r, row_kind(&header, amount, r, options)))
            {
                None => None, // an empty line
                Some((_, Kind::Blank)) => None,
                Some((r, Kind::Skipped(super::SkipReason::Total))) => {
                    let stated = amount
                        .and_then(|c| r.cells.get(c))
                        .map(|c| c.text().into_owned())
                        .unwrap_or_default();
                    Some((r.preview(), stated))
                }
                Some(_) => {
                    rows.reverse();
                    let start = match rows.is_empty() {
                        true => len,
                        false => from + end as u64 + 1,
                    };
                    return Some(Tail { start, rows });
                }
            };
            rows.push(row);
            if start == 0 {
                rows.reverse();
                return Some(Tail { start: from, rows });
            }
            end = start - 1;
        }
    }
}

/// Whether the first bytes of a file are UTF-8 (a character cut at the end of them
/// included).
fn is_utf8_head(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// Whether a whole file is UTF-8, checked a block at a time.
fn is_utf8_file(path: &Path) -> Option<bool> {
    let mut file = File::open(path).ok()?;
    let mut buf = vec![0u8; BLOCK];
    // Bytes of a character cut at the end of the last block, moved to the start.
    let mut carry = 0;
    loop {
        let n = read_full(&mut file, &mut buf[carry..]).ok()?;
        let filled = carry + n;
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => carry = 0,
            // A cut character at the very end of the file is not UTF-8.
            Err(e) if e.error_len().is_none() && n > 0 => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..filled, 0);
                carry = filled - valid;
            }
            Err(_) => return Some(false),
        }
        if filled < buf.len() {
            return Some(carry == 0);
        }
    }
}

/// A single-byte code page the general reader chose for a file, with its decision.
struct CodePage {
    table: &'static encoding_rs::Encoding,
    detection: super::locale::encoding::Detection,
}

impl CodePage {
    /// Runs the general reader's encoding scan over the whole file, for the encoding the
    /// user `declared` or to detect one; `None` unless it takes a single-byte code page (no
    /// byte order mark, no error).
    fn detect(path: &Path, declared: Option<Encoding>) -> Option<CodePage> {
        let mut scan = super::locale::encoding::ByteScan::new(declared);
        let mut file = File::open(path).ok()?;
        let mut block = vec![0u8; BLOCK];
        loop {
            let n = read_full(&mut file, &mut block).ok()?;
            if n == 0 {
                break;
            }
            scan.feed(&block[..n]);
        }
        let (detection, skip) = scan.finish().ok()?;
        let table = detection.encoding.single_byte_table()?;
        (skip == 0).then_some(CodePage { table, detection })
    }

    /// The text of `bytes`: every byte is one character.
    fn decode(&self, bytes: &[u8]) -> String {
        self.table.decode_without_bom_handling(bytes).0.into_owned()
    }
}

/// [`scan`] for a file in a code page: the part's bytes, exactly `[start, end)`, are
/// decoded a block at a time (a byte is a character, so a block decodes on its own) and
/// the text is scanned as a UTF-8 file's bytes are.
fn scan_decoded(
    path: &Path,
    start: u64,
    end: u64,
    layout: &Layout,
    progress: Option<&AtomicU64>,
    code_page: &CodePage,
) -> Option<Part> {
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut part = Part::new(layout);
    let mut queue = Queue::new();
    let mut raw = vec![0u8; BLOCK];
    let mut buf: Vec<u8> = Vec::with_capacity(2 * BLOCK);
    let mut left = end.saturating_sub(start);
    loop {
        let want = usize::try_from(left.min(BLOCK as u64)).ok()?;
        let n = read_full(&mut f, &mut raw[..want]).ok()?;
        left -= n as u64;
        if let Some(p) = progress {
            p.fetch_add(n as u64, Ordering::Relaxed);
        }
        let eof = left == 0 || n < want;
        buf.extend_from_slice(
            code_page
                .table
                .decode_without_bom_handling(&raw[..n])
                .0
                .as_bytes(),
        );
        if buf.len() > MAX_BUFFER {
            return None;
        }
        // The range ends where the bytes read end: no record beyond it is in `buf`.
        match scan_buffer(&buf, 0, u64::MAX, eof, layout, &mut part, &mut queue)? {
            Scanned::Done => break,
            Scanned::Consumed(used) => {
                if eof {
                    break;
                }
                part.keep_order_lines(&buf)?;
                buf.drain(..used);
            }
            Scanned::OpenQuote => {
                // The range ended inside a quoted field: the next part began inside its
                // record ([`fit`]; at the file's end, the file is handed back).
                part.stop = u64::MAX;
                return Some(part);
            }
        }
    }
    part.settle_identities()?;
    // The range was read to its end, which follows a newline outside quotes: the record
    // before it ended there, so the next part starts on a record.
    part.stop = end;
    Some(part)
}

/// Reads until `buf` is full or the reader ends; returns the bytes read.
pub(super) fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Offset of the first line start at or after `at` (the byte after a newline).
fn next_line_start(path: &Path, at: u64) -> Option<u64> {
    let mut f = File::open(path).ok()?;
    let from = at.checked_sub(1)?;
    f.seek(SeekFrom::Start(from)).ok()?;
    let mut buf = vec![0u8; 1 << 16];
    let mut off = from;
    loop {
        let n = read_full(&mut f, &mut buf).ok()?;
        if n == 0 {
            return Some(off);
        }
        if let Some(p) = memchr::memchr(b'\n', &buf[..n]) {
            return Some(off + p as u64 + 1);
        }
        off += n as u64;
    }
}

/// Offset of the first line after the one starting at or after `at` whose order differs
/// from that line's ([`super::duplicates`]), or the file's length: a part that starts
/// there holds whole orders, so the parts find the duplicates a single pass finds.
fn next_order_start(path: &Path, at: u64, layout: &Layout) -> Option<u64> {
    use std::io::BufRead;
    let mut offset = next_line_start(path, at)?;
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::Start(offset)).ok()?;
    let mut f = std::io::BufReader::with_capacity(1 << 16, f);
    let mut line = Vec::new();
    let mut first: Option<Vec<u8>> = None;
    let mut key = Vec::new();
    loop {
        line.clear();
        let n = f.read_until(b'\n', &mut line).ok()?;
        if n == 0 {
            return Some(offset);
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let cells = cells(text.strip_suffix(b"\r").unwrap_or(text), layout.delim);
        let cell = |f: Field| {
            layout.column[f as usize]
                .and_then(|c| cells.get(c))
                .map_or(&b""[..], Vec::as_slice)
        };
        let order = layout.column[Field::OrderId as usize].map(|_| cell(Field::OrderId));
        order_key(&mut key, order, cell(Field::SupplierId), cell(Field::Date));
        match &first {
            None => first = Some(key.clone()),
            Some(k) if *k != key => return Some(offset),
            Some(_) => {}
        }
        offset += n as u64;
    }
}

/// What each column of the file is, from the header.
#[derive(Debug)]
struct Layout {
    /// The header's names, unquoted.
    names: Vec<String>,
    /// Per column, the role it plays (`NONE` for a column procura does not read).
    role: Vec<u8>,
    /// Some column is one procura does not read.
    others: bool,
    /// Per field (indexed by `Field as usize`), its column.
    column: [Option<usize>; Field::ALL.len()],
    /// The field delimiter: `,`, or `;` (European and 1C exports).
    delim: u8,
    /// The decimal separator of the number columns: `.` in a comma file, `,` in a
    /// semicolon file (a `;` file with decimal points, or a `,` file with quoted decimal
    /// commas, is the general reader's).
    decimal: u8,
}

/// Roles of columns: where the scanner stores a field's span.
const NONE: u8 = u8::MAX;

impl Layout {
    /// Maps a header line as the general reader maps it (the synonym table: `supplier_id`,
    /// `Vendor`, `Kreditor`, `Поставщик`...); `None` unless it maps (the required fields
    /// named, no field named twice). Columns it does not map are skipped, as the general
    /// reader skips them (an ERP export has many: status, company, buyer...). The delimiter is the header's: `;` when the line has one, else
    /// `,` (split at the wrong one, a header's cells do not all name fields; and
    /// [`head_decisions`] checks the sniffer's delimiter against it).
    fn from_header(line: &[u8], columns: &Mapping) -> Option<Layout> {
        use super::locale::headers::map_headers;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = std::str::from_utf8(line).ok()?;
        // A tab file (SAP's spreadsheet export) says nothing of its decimal separator:
        // [`Layout::decide_decimal`] reads it from the data.
        let (delim, decimal) = if line.contains(&b'\t') {
            (b'\t', b'.')
        } else if line.contains(&b';') {
            (b';', b',')
        } else {
            (b',', b'.')
        };
        let cells: Vec<String> = if line.contains(&b'"') {
            // Quoted names (Odoo and many tools quote every cell): unquoted by the general
            // reader's own record splitter.
            let mut records = super::records::split(text, char::from(delim));
            let record = records
                .pop()
                .filter(|r| records.is_empty() && !r.unterminated)?;
            let fields = record.fields.clone();
            if super::csv_reader::text_row(record).problem.is_some() {
                return None;
            }
            fields
        } else {
            text.split(char::from(delim)).map(String::from).collect()
        };
        // The general reader's header texts are its cells unquoted and trimmed, after a
        // byte order mark is dropped: a header needing any of that is its to read (the
        // synonym match would fold a BOM's U+FEFF away, and the texts would differ). An
        // empty name (a delimiter at the end of every line) heads a column it skips.
        if cells
            .iter()
            .any(|c| c.contains('"') || c.trim() != c || c.contains('\u{feff}'))
        {
            return None;
        }
        let map = map_headers(&cells, columns).ok()?;
        let mut column = [None; Field::ALL.len()];
        let mut role = vec![NONE; cells.len()];
        for (f, c) in map.iter() {
            column[f as usize] = Some(c);
            *role.get_mut(c)? = f as u8;
        }
        if Field::ALL
            .iter()
            .any(|f| f.is_required() && column[*f as usize].is_none())
        {
            return None;
        }
        Some(Layout {
            names: cells,
            others: role.contains(&NONE),
            role,
            column,
            delim,
            decimal,
        })
    }

    /// The decimal separator of a tab file, from the number cells of the data lines in
    /// `text` (the head's, after the header): a comma when they prove it as the general
    /// reader weighs them, else the point. A wrong guess costs only speed: a value the
    /// other separator proves does not parse, and the file is handed back.
    fn decide_decimal(&mut self, text: &[u8]) {
        use super::locale::number::{DecimalInference, DecimalSep, infer_decimal};
        if self.delim != b'\t' {
            return;
        }
        let end = memchr::memrchr(b'\n', text).unwrap_or(0);
        let Ok(text) = std::str::from_utf8(&text[..end]) else {
            return;
        };
        let columns: Vec<usize> = NUMERIC
            .iter()
            .filter_map(|&f| self.column[f as usize])
            .collect();
        // The cells as the general reader splits and unquotes them.
        let rows: Vec<super::rows::Row> = super::records::split(text, '\t')
            .into_iter()
            .map(super::csv_reader::text_row)
            .collect();
        let values = rows.iter().flat_map(|row| {
            columns
                .iter()
                .filter_map(|&c| row.cells.get(c).map(|cell| cell.text()))
        });
        if let Ok(DecimalInference::Decided {
            decimal: DecimalSep::Comma,
            ..
        }) = infer_decimal(values)
        {
            self.decimal = b',';
        }
    }
}

/// A field's bytes in the buffer: `[start, end)`, and whether it was quoted with `""`
/// escapes inside (then the bytes still hold the doubled quotes).
///
/// Eight bytes: the escape flag is the top bit of `end` (offsets stay below
/// [`MAX_BUFFER`], 2^30). A record's spans are stored at each delimiter and copied
/// through the records in flight; with a separate flag a span took twelve bytes and two
/// stores.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    end: u32,
}

/// The bit of [`Span::end`] that marks an escaped field.
const ESCAPED: u32 = 1 << 31;

const _: () = assert!(MAX_BUFFER as u64 <= ESCAPED as u64);

impl Span {
    /// A span of a buffer; offsets fit 31 bits because [`scan`] never holds more than
    /// [`MAX_BUFFER`] bytes.
    #[inline]
    fn new(start: usize, end: usize, escaped: bool) -> Span {
        Span {
            start: start as u32,
            end: end as u32 | if escaped { ESCAPED } else { 0 },
        }
    }

    /// The bytes' positions in the buffer.
    #[inline]
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.end & !ESCAPED) as usize
    }

    /// Whether the field was quoted with `""` escapes inside.
    #[inline]
    fn escaped(self) -> bool {
        self.end & ESCAPED != 0
    }

    #[inline]
    fn is_empty(self) -> bool {
        self.end & !ESCAPED == self.start
    }
}

/// Ids interned by their bytes, in order of first appearance. Ids of up to 15 bytes (most
/// ids) are keyed by their bytes packed into a `u128` ([`pack`]): hashing and comparing
/// them is integer work, with no call to `memcmp`.
///
/// Each id has a second slot beside its index: the items keep there the cell they were
/// last bought in, so that one hash lookup finds both.
#[derive(Debug, Default)]
struct Ids {
    short: FxHashMap<u128, [u32; 2]>,
    long: FxHashMap<Box<[u8]>, [u32; 2]>,
    names: Texts,
    /// Per id, its packed key (`u128::MAX` for an id too long to pack): a line's field is
    /// this id when its packed bytes are this key. Not kept for the items in the item
    /// table (it holds their keys).
    keys: Vec<u128>,
}

impl Ids {
    /// The index of the id in `buf` at `span`; `None` when it is not text the general
    /// reader would keep as is (not UTF-8, or with white space around it).
    /// Returns the index and the slot.
    #[inline]
    fn intern(&mut self, buf: &[u8], span: Span, scratch: &mut Vec<u8>) -> Option<&mut [u32; 2]> {
        match pack(buf, span) {
            Some(key) => self.intern_short(key, &buf[span.range()]),
            None => self.intern_bytes(field(buf, span, scratch)),
        }
    }

    /// [`Ids::intern`] for a short id whose packed key is known.
    #[inline]
    fn intern_short(&mut self, key: u128, id: &[u8]) -> Option<&mut [u32; 2]> {
        use std::collections::hash_map::Entry;
        let Self {
            short, names, keys, ..
        } = self;
        match short.entry(key) {
            Entry::Occupied(e) => Some(e.into_mut()),
            Entry::Vacant(e) => {
                let i = Self::push_name(names, id)?;
                keys.push(key);
                Some(e.insert([i, u32::MAX]))
            }
        }
    }

    /// [`Ids::intern`] for an id given by its (unescaped) bytes.
    fn intern_bytes(&mut self, id: &[u8]) -> Option<&mut [u32; 2]> {
        if let Some(key) = pack_bytes(id) {
            return self.intern_short(key, id);
        }
        if !self.long.contains_key(id) {
            let i = self.push(id, u128::MAX)?;
            self.long.insert(id.into(), [i, u32::MAX]);
        }
        self.long.get_mut(id)
    }

    /// Adds an id that is not there, with its packed key.
    fn push(&mut self, id: &[u8], key: u128) -> Option<u32> {
        let i = Self::push_name(&mut self.names, id)?;
        self.keys.push(key);
        Some(i)
    }

    fn push_name(names: &mut Texts, id: &[u8]) -> Option<u32> {
        let s = std::str::from_utf8(id).ok()?;
        // A cell such as `Total` makes the general reader skip the row as a total row.
        if s.trim() != s || is_total_cell(s) {
            return None;
        }
        let i = u32::try_from(names.len()).ok()?;
        names.push(s)?;
        Some(i)
    }
}

/// Texts one after the other in one buffer, by index: a `Box<str>` each cost about 48
/// bytes (16 and an allocation) for an 8-byte id, and a part of the 10M-row bench ledger
/// holds 84,000 item ids.
#[derive(Debug, Default)]
struct Texts {
    text: String,
    /// Where each text ends in `text`; it starts where the one before ends.
    ends: Vec<u32>,
}

impl Texts {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(j) => *self.ends.get(j)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// Adds a text; `None` when the buffer would pass 4 GiB (offsets are 32-bit).
    fn push(&mut self, s: &str) -> Option<()> {
        let end = u32::try_from(self.text.len() + s.len()).ok()?;
        self.text.push_str(s);
        self.ends.push(end);
        Some(())
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// A field of at most 15 bytes packed into a `u128`: the bytes, zero-padded, with the
/// length in the top byte (so the key of a field never equals another field's, and no key
/// is `u128::MAX`). `None` for longer or escaped fields.
#[inline]
fn pack(buf: &[u8], s: Span) -> Option<u128> {
    // An escaped span's `end` has its top bit set: its length reads as over 15.
    let len = s.end.wrapping_sub(s.start) as usize;
    if len > 15 {
        return None;
    }
    let start = s.start as usize;
    let v = match buf.get(start..start + 16) {
        Some(b) => u128::from_le_bytes(b.try_into().ok()?),
        None => {
            let mut a = [0u8; 16];
            a[..len].copy_from_slice(&buf[s.range()]);
            u128::from_le_bytes(a)
        }
    };
    Some((v & PACK_MASKS[len]) | ((len as u128) << 120))
}

/// Per length up to 15, the mask keeping that many low bytes of a `u128`: a table, since
/// the shift of a `u128` by a variable amount takes a dozen instructions and [`pack`] runs
/// for five fields of every line.
const PACK_MASKS: [u128; 16] = {
    let mut m = [0u128; 16];
    let mut len = 1;
    while len < 16 {
        m[len] = u128::MAX >> (128 - 8 * len);
        len += 1;
    }
    m
};

/// The items' hash table: open addressing on packed keys, so that a line's slot can be
/// prefetched when the line is read and looked up a few lines later (see [`RING`]).
#[derive(Debug)]
struct ItemTable {
    slots: Vec<ItemSlot>,
    len: usize,
    /// Changes whenever the table grows (slot positions move).
    generation: u32,
}

/// One slot: a packed item id (`u128::MAX`: empty), its index and its last cell. The key
/// is held as two `u64` so that a slot takes 24 bytes, not the 32 a `u128`'s alignment
/// would make it.
#[derive(Debug, Clone, Copy)]
struct ItemSlot {
    key: [u64; 2],
    item: u32,
    cell: u32,
}

/// A packed key as a slot holds it.
#[inline]
fn slot_key(key: u128) -> [u64; 2] {
    [key as u64, (key >> 64) as u64]
}

const EMPTY_KEY: [u64; 2] = [u64::MAX; 2];

const EMPTY_SLOT: ItemSlot = ItemSlot {
    key: EMPTY_KEY,
    item: u32::MAX,
    cell: u32::MAX,
};

impl Default for ItemTable {
    fn default() -> Self {
        ItemTable {
            slots: vec![EMPTY_SLOT; 1 << 12],
            len: 0,
            generation: 0,
        }
    }
}

impl ItemTable {
    /// A well-mixed 64-bit hash of a packed key.
    #[inline]
    fn hash(key: u128) -> u64 {
        let x = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        x.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (x >> 32)
    }

    #[inline]
    fn home(&self, hash: u64) -> usize {
        (hash.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> 32) as usize & (self.slots.len() - 1)
    }

    /// Asks the CPU to fetch the key's home slot.
    #[inline]
    fn prefetch(&self, hash: u64) {
        prefetch(self.slots.as_ptr().wrapping_add(self.home(hash)).cast());
    }

    /// The position of the key's slot, if present.
    #[inline]
    fn find(&self, key: u128, hash: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        let key = slot_key(key);
        loop {
            let k = self.slots.get(i)?.key;
            if k == key {
                return Some(i);
            }
            if k == EMPTY_KEY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a key that is not present; returns its position.
    fn insert(&mut self, slot: ItemSlot, hash: u64) -> Option<usize> {
        // Grown at half full: at three quarters the longer probes cost 17 % of the read.
        if (self.len + 1) * 2 > self.slots.len() {
            let bigger = vec![EMPTY_SLOT; self.slots.len() * 2];
            let old = std::mem::replace(&mut self.slots, bigger);
            self.generation = self.generation.wrapping_add(1);
            for s in old.into_iter().filter(|s| s.key != EMPTY_KEY) {
                let key = u128::from(s.key[0]) | (u128::from(s.key[1]) << 64);
                self.place(s, Self::hash(key))?;
            }
        }
        self.len += 1;
        self.place(slot, hash)
    }

    fn place(&mut self, slot: ItemSlot, hash: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        while self.slots.get(i)?.key != EMPTY_KEY {
            i = (i + 1) & mask;
        }
        *self.slots.get_mut(i)? = slot;
        Some(i)
    }
}

/// A hint to fetch the cache line at `p` (no effect where there is no such instruction).
#[inline(always)]
fn prefetch(p: *const i8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Records in flight between being read and being added. Each record goes through three
/// steps, each a fixed number of records after the one before, so that the memory it
/// needs next has arrived by then: its item's slot is prefetched when it is read, looked
/// up [`LOOK_AFTER`] records later (and its last cell prefetched), that cell's supplier's
/// last name prefetched [`TOUCH_AFTER`] records after that, and the record added
/// [`ADD_AFTER`] records later. On a big ledger the item slot, the cell and the
/// supplier's last name are the three cache misses of a line; prefetched in one burst
/// just before use they still stalled, spread out like this they overlap with reading.
const RING: usize = 32;
const LOOK_AFTER: usize = 8;
const TOUCH_AFTER: usize = 8;
const ADD_AFTER: usize = 8;
const _: () = assert!(LOOK_AFTER + TOUCH_AFTER + ADD_AFTER < RING);

/// A record waiting to be added: its field spans, the whole line, its item's packed key
/// and hash, and once looked up its slot in the item table and the table's generation
/// then.
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    spans: Spans,
    line: Span,
    key: Option<(u128, u64)>,
    found: Option<usize>,
    generation: u32,
}

/// The field spans of one record, indexed by `Field as usize`.
type Spans = [Span; Field::ALL.len()];

/// The records in flight, apart from the [`Part`] they are added to, so that a record is
/// added from its slot, not from a copy of it (the copy, a call to `memcpy`, took about 30
/// instructions a line).
struct Queue {
    /// Records waiting to be added, by count of records queued modulo [`RING`]; all
    /// records of a buffer are added before it is refilled (their spans point into it).
    ring: Box<[Pending; RING]>,
    /// Records queued, looked up, touched and added since the ring was last empty.
    queued: usize,
    looked: usize,
    touched: usize,
    added: usize,
}

impl Queue {
    fn new() -> Queue {
        Queue {
            ring: Box::new([Pending::default(); RING]),
            queued: 0,
            looked: 0,
            touched: 0,
            added: 0,
        }
    }

    /// Queues a record (its fields at `spans`, the whole line at `line`): its item's slot
    /// is prefetched, and the records queued before it move on a step.
    #[inline]
    fn push(
        &mut self,
        part: &mut Part,
        buf: &[u8],
        spans: &Spans,
        line: Span,
        layout: &Layout,
    ) -> Option<()> {
        let key = item_key(buf, item_span(spans, layout), &mut part.scratch)
            .map(|k| (k, ItemTable::hash(k)));
        if let Some((_, h)) = key {
            part.item_table.prefetch(h);
        }
        self.ring[self.queued % RING] = Pending {
            spans: *spans,
            line,
            key,
            ..Pending::default()
        };
        self.queued += 1;
        if self.queued - self.looked > LOOK_AFTER {
            self.advance(part, buf, layout)?;
        }
        Some(())
    }

    /// Moves the records in flight one step each: one is looked up, one touched, one added.
    #[inline(never)]
    fn advance(&mut self, part: &mut Part, buf: &[u8], layout: &Layout) -> Option<()> {
        self.look(part);
        if self.looked - self.touched > TOUCH_AFTER {
            self.touch(part);
        }
        if self.touched - self.added > ADD_AFTER {
            self.add_next(part, buf, layout)?;
        }
        Some(())
    }

    /// Looks up the next record's item slot and prefetches the item's last cell.
    #[inline]
    fn look(&mut self, part: &Part) {
        let table = &part.item_table;
        let p = &mut self.ring[self.looked % RING];
        let at = p.key.and_then(|(k, h)| table.find(k, h));
        p.found = at;
        p.generation = table.generation;
        if let Some(slot) = at.and_then(|a| table.slots.get(a)) {
            prefetch(part.cells.as_ptr().wrapping_add(slot.cell as usize).cast());
        }
        self.looked += 1;
    }

    /// Prefetches the last name and the packed id of the supplier of the next record's
    /// item's last cell.
    #[inline]
    fn touch(&mut self, part: &Part) {
        let p = &self.ring[self.touched % RING];
        let supplier = p
            .found
            .filter(|_| p.generation == part.item_table.generation)
            .and_then(|at| part.item_table.slots.get(at))
            .and_then(|slot| part.cells.get(slot.cell as usize))
            .map(|c| c.key.0);
        if let Some(s) = supplier {
            prefetch(part.supplier_pair.as_ptr().wrapping_add(s as usize).cast());
            prefetch(part.suppliers.keys.as_ptr().wrapping_add(s as usize).cast());
        }
        self.touched += 1;
    }

    /// Adds the next record, from its slot.
    #[inline]
    fn add_next(&mut self, part: &mut Part, buf: &[u8], layout: &Layout) -> Option<()> {
        let p = &self.ring[self.added % RING];
        self.added += 1;
        part.add(buf, &p.spans, p.line, layout, p.key, p.found, p.generation)
    }

    /// Adds every queued record (before the buffer they point into changes).
    fn flush(&mut self, part: &mut Part, buf: &[u8], layout: &Layout) -> Option<()> {
        while self.looked < self.queued {
            self.look(part);
        }
        while self.touched < self.looked {
            self.touch(part);
        }
        while self.added < self.touched {
            self.add_next(part, buf, layout)?;
        }
        (self.queued, self.looked, self.touched, self.added) = (0, 0, 0, 0);
        Some(())
    }
}

/// A number as the fast readers give it: its digits as an integer and its decimals, and
/// how it reads.
type NumberRead = ((i64, u8), Reads);

/// A currency written before or after plain digits (`€` in `€19.05`, ` €` in `19,05 €`,
/// `USD ` in `USD 19.05`), as the general reader's `split_affixes` peeled it off one value.
/// Another value with the same affix around plain digits splits the same way: the general
/// reader peels the same currency token (the digits beside it end any longer one), and
/// finds no sign, and the grouping it would note is none, since the affix holds none of
/// the characters its grouping rule looks at (`.`, `,`, `'`, `’`; a space before the
/// digits or after them it trims). Affixes with such characters (`руб.`) are not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MoneyAffix {
    /// Before the digits (else after them).
    before: bool,
    bytes: Vec<u8>,
    currency: Currency,
}

impl MoneyAffix {
    /// The affix of `text` around `body` (plain digits, no sign), if it may be kept.
    fn new(text: &[u8], body: &[u8], currency: Currency) -> Option<MoneyAffix> {
        if !digits_at_ends(body) {
            return None;
        }
        let (before, bytes) = match (text.strip_suffix(body), text.strip_prefix(body)) {
            (Some(affix), _) => (true, affix),
            (None, Some(affix)) => (false, affix),
            (None, None) => return None,
        };
        // Nor a minus, which the general reader notes by the text's shape.
        let text = std::str::from_utf8(bytes).ok()?;
        if text.contains(['.', ',', '\'', '’', '−', '-', '(', ')']) {
            return None;
        }
        Some(MoneyAffix {
            before,
            bytes: bytes.to_vec(),
            currency,
        })
    }

    /// `text` read as this affix around plain digits that `plain` reads, with the
    /// currency; `None` when it is not that.
    #[inline]
    fn read(
        &self,
        text: &[u8],
        plain: &impl Fn(&[u8]) -> Option<NumberRead>,
    ) -> Option<(NumberRead, Currency)> {
        let body = match self.before {
            true => text.strip_prefix(&self.bytes[..])?,
            false => text.strip_suffix(&self.bytes[..])?,
        };
        if !digits_at_ends(body) {
            return None;
        }
        Some((plain(body)?, self.currency))
    }
}

/// Sums of one cell in units of 10^-SCALE, with the largest decimal scale seen.
#[derive(Debug, Clone, Copy, Default)]
struct FastCell {
    /// (supplier, category, item)
    key: (u32, u32, u32),
    spend: i64,
    profit: i64,
    lines: u64,
    credit_lines: u64,
    spend_scale: u8,
    profit_scale: u8,
}

/// What one thread read: its own interned ids and cells.
#[derive(Debug, Default)]
struct Part {
    suppliers: Ids,
    supplier_names: Vec<Option<Box<str>>>,
    /// Per supplier, its last (supplier, name) pair: the index in `extra.pairs` and the
    /// name's bytes held inline, so that comparing a line's name with it touches one
    /// place in memory.
    supplier_pair: Vec<LastName>,
    /// The last line's supplier and the span of its name in the current buffer (their
    /// pair is the supplier's last); `None` after the buffer is refilled (the span is
    /// stale).
    last_identity: Option<(u32, Span)>,
    categories: Ids,
    /// Item names, and the items with ids too long to pack.
    items: Ids,
    /// The items with packed ids.
    item_table: ItemTable,
    cells: Vec<FastCell>,
    cell_index: FxHashMap<(u32, u32, u32), u32>,
    has_profit: bool,
    currencies: Vec<String>,
    /// The first and last date in ISO form (whose bytes order as the dates do), per
    /// [`Order`] of the year-last dates: the column's order is known only at the end.
    periods: [Option<([u8; 10], [u8; 10])>; 2],
    rows: u64,
    credit_lines: u64,
    // One-entry caches, keyed by packed field bytes (`u128::MAX`: empty).
    last_supplier: u128,
    last_supplier_ix: u32,
    last_category: u128,
    last_category_ix: u32,
    last_currency: u128,
    /// The current order's packed id (`u128::MAX`: none, or too long to pack).
    last_order: u128,
    /// The last line's date cell (a date, or a date and a time of day), its length, and
    /// whether it had a time.
    last_date: [u8; DATE_CELL_BYTES],
    last_date_len: usize,
    last_date_timed: bool,
    /// Scratch for unescaping `""` in quoted fields.
    scratch: Vec<u8>,
    /// Per column, the last cell's bytes in a column procura does not read (empty for
    /// the others).
    other_last: Vec<Vec<u8>>,
    /// The currency written beside a number of the current line, if any.
    line_currency: Option<Currency>,
    /// Per field, the currency affix its last money value was written with.
    money_affixes: [Option<MoneyAffix>; Field::ALL.len()],
    /// The current line's index in `extra.currencies` once its currency is known (before
    /// its quantity, price and price unit are read).
    line_currency_ix: usize,
    /// What the file report needs beyond the cube.
    extra: Extra,
    /// Where the part's reading stopped in the file: the start of the first record at or
    /// after the end of its range (or the end of the file). The next part must start
    /// there, or its range began inside a record ([`fit`]).
    stop: u64,
}

/// The file report's per-row facts of one part, with rows counted from the part's first
/// (the part's first line is known only when the parts are put together).
#[derive(Debug, Default)]
struct Extra {
    /// Exact duplicate lines, order by order; rows counted from the part's first.
    dups: OrderDuplicates<DupLine>,
    /// The bytes of the current order's lines kept for comparing.
    arena: Vec<u8>,
    /// The current order's key when it is built (a ledger without an order-id column).
    order_key: Vec<u8>,
    /// Warnings in all (`warnings` lists the first [`super::LISTED`]).
    warning_count: u64,
    /// Supplier names, interned (the empty name included).
    names: Ids,
    /// (supplier, name) → index in `pairs`.
    pair_index: FxHashMap<(u32, u32), u32>,
    /// Each (supplier, name) pair in order of first appearance: count and first rows.
    pairs: Vec<PairSeen>,
    /// Per currency (`""` when the line has none): lines, sum in units of 10^-SCALE, scale.
    currencies: Vec<(String, u64, i64, u8)>,
    /// Index in `currencies` of the current line's currency.
    currency_ix: usize,
    /// Sum of all amounts in units of 10^-SCALE, and the largest scale.
    total: i64,
    total_scale: u8,
    /// Sums of the amounts' and of the profits' absolute values, in units of 10^-SCALE: a file
    /// whose money goes beyond [`super::MONEY_LIMIT`] is the general reader's, which
    /// rejects the rows that take it there.
    magnitude: [u128; 2],
    /// Per field: the first row whose value has a decimal separator and reads only one
    /// way, and the value.
    proofs: [Option<(u64, String)>; Field::ALL.len()],
    /// Per field: the first row whose value reads two ways (`1.500`, `1,500`).
    ambiguous: [Option<u64>; Field::ALL.len()],
    /// Number values written with a decimal separator (the general reader notes each
    /// decimal comma it reads), and per field the first row with one.
    decimals: u64,
    first_decimal: [Option<u64>; Field::ALL.len()],
    /// Per field: the first row with a number whose thousands are grouped (`54 600,00`);
    /// and such numbers in all (the general reader notes each).
    grouped: [Option<u64>; Field::ALL.len()],
    grouped_count: u64,
    /// Per way of writing a negative number ([`Sign`]): such numbers in all, and per field
    /// the first row with one (the general reader notes each).
    signs: [u64; Sign::NOTES.len()],
    first_sign: [[Option<u64>; Field::ALL.len()]; Sign::NOTES.len()],
    /// What the date cells say about the column's date format.
    dates: DateSeen,
    /// Numbers written with a currency beside them (`$1,234.50`, `1 234,56 руб.`; the
    /// general reader notes each and takes it as the line's currency), and per field the
    /// first row with one.
    currency_notes: u64,
    first_currency_note: [Option<u64>; Field::ALL.len()],
    /// Date cells with a time of day (the general reader drops the time and notes each),
    /// and the first one's row.
    timed: u64,
    first_timed: Option<u64>,
    /// Quantity × price warnings: row and message.
    warnings: Vec<(u64, String)>,
    /// The rows whose record spans lines (a quoted field with a line break in it), each
    /// with the line breaks inside it; rows ascending.
    breaks: Vec<(u64, u64)>,
}

/// A line kept to compare the next lines of its order with: its cell and amount (lines
/// that differ in them differ), and where its bytes are: in the buffer being read, or,
/// once that is refilled, in the part's arena.
#[derive(Debug, Clone, Copy)]
struct DupLine {
    cell: u32,
    amount: i64,
    start: usize,
    end: usize,
    in_arena: bool,
}

/// Whether two short byte strings are equal, compared inline eight bytes at a time (ids
/// and names are a few dozen bytes: a call to `memcmp` costs more than the comparison).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some((x, ra)), Some((y, rb))) =
        (a.split_first_chunk::<8>(), b.split_first_chunk::<8>())
    {
        if u64::from_ne_bytes(*x) != u64::from_ne_bytes(*y) {
            return false;
        }
        (a, b) = (ra, rb);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// Whether two records (no line ends) delimited by `delim` hold the same cells: the same
/// bytes, or, when one is quoted, the same cells once the quotes are undone.
fn same_cells(a: &[u8], b: &[u8], delim: u8) -> bool {
    // The same bytes are the same cells, quoted or not: most candidates are settled here,
    // without splitting two quoted records into cells.
    if a == b {
        return true;
    }
    let quoted = |x: &[u8]| memchr::memchr(b'"', x).is_some();
    (quoted(a) || quoted(b)) && cells(a, delim) == cells(b, delim)
}

/// A supplier's last (supplier, name) pair: its index (`u32::MAX`: none yet) and the
/// name's bytes when they fit inline.
#[derive(Debug, Clone, Copy)]
struct LastName {
    pair: u32,
    len: u8,
    /// Whether the pair has all the rows it keeps ([`PAIR_ROWS`]): then its lines are
    /// only counted, here, and added to the pair when the supplier's pair changes or the
    /// part ends ([`Part::settle_identities`]).
    rows_full: bool,
    pending: u64,
    bytes: [u8; LAST_NAME_BYTES],
}

/// Names up to this long are compared inline; longer ones look up the pair's name.
const LAST_NAME_BYTES: usize = 33;

const NO_LAST_NAME: LastName = LastName {
    pair: u32::MAX,
    len: u8::MAX,
    rows_full: false,
    pending: 0,
    bytes: [0; LAST_NAME_BYTES],
};

impl LastName {
    fn new(pair: u32, name: &[u8]) -> LastName {
        let mut bytes = [0; LAST_NAME_BYTES];
        match bytes.get_mut(..name.len()) {
            Some(b) => {
                b.copy_from_slice(name);
                LastName {
                    pair,
                    len: name.len() as u8,
                    bytes,
                    ..NO_LAST_NAME
                }
            }
            None => LastName {
                pair,
                bytes,
                ..NO_LAST_NAME
            },
        }
    }

    /// Whether `name` is this pair's name: `Some` when decided inline.
    #[inline]
    fn is(&self, name: &[u8]) -> Option<bool> {
        let len = usize::from(self.len);
        (len <= LAST_NAME_BYTES).then(|| same_bytes(&self.bytes[..len], name))
    }
}

/// Rows kept per (supplier, name) pair of a part: at least as many as the identity checks
/// keep lines per pair (5), so that replaying them in file order keeps the same lines.
const PAIR_ROWS: usize = 8;

/// Where one (supplier, name) pair was seen in a part.
#[derive(Debug, Default)]
struct PairSeen {
    supplier: u32,
    name: u32,
    count: u64,
    /// The first rows, held inline: as a vector they were two allocations a pair (at
    /// 10M lines, 40,000 pairs) made while the lines are read, and freed after.
    rows: [u64; PAIR_ROWS],
    kept: u8,
}

impl PairSeen {
    /// The rows kept, first first.
    fn rows(&self) -> &[u64] {
        &self.rows[..usize::from(self.kept)]
    }
}

impl Extra {
    /// Notes a number of field `f` at `row` read with its thousands grouped.
    fn note_grouped(&mut self, f: Field, row: u64) {
        self.grouped_count += 1;
        self.grouped[f as usize].get_or_insert(row);
    }

    /// Notes a number of field `f` at `row` written negative as `sign` says.
    fn note_sign(&mut self, sign: Sign, f: Field, row: u64) {
        self.signs[sign as usize] += 1;
        self.first_sign[sign as usize][f as usize].get_or_insert(row);
    }

    /// Counts a number of field `f` at `row` written with a decimal separator.
    #[inline]
    fn note_decimal(&mut self, f: Field, row: u64) {
        self.decimals += 1;
        self.first_decimal[f as usize].get_or_insert(row);
    }

    /// Keeps what a value of field `f` at `row` says about the column's decimal
    /// separator: the first proof, and the first value that reads two ways.
    #[inline(always)]
    fn weigh(&mut self, f: Field, row: u64, reads: Reads, text: &[u8]) -> Option<()> {
        // Three values a line: what most say is already known, and is settled here
        // without a call.
        match reads {
            Reads::Same => Some(()),
            Reads::OneWay if self.proofs[f as usize].is_some() => Some(()),
            _ => self.weigh_news(f, row, reads, text),
        }
    }

    /// [`Extra::weigh`] of a value that may say something new.
    #[cold]
    #[inline(never)]
    fn weigh_news(&mut self, f: Field, row: u64, reads: Reads, text: &[u8]) -> Option<()> {
        match reads {
            Reads::TwoWays => {
                self.ambiguous[f as usize].get_or_insert(row);
            }
            Reads::OneWay if self.proofs[f as usize].is_none() => {
                self.proofs[f as usize] = Some((row, String::from_utf8(text.to_vec()).ok()?));
            }
            Reads::OneWay | Reads::Same => {}
        }
        Some(())
    }

    /// The index of a currency's totals, added when new.
    fn currency(&mut self, code: &str) -> usize {
        match self.currencies.iter().position(|c| c.0 == code) {
            Some(i) => i,
            None => {
                self.currencies.push((code.to_string(), 0, 0, 0));
                self.currencies.len() - 1
            }
        }
    }
}

impl Part {
    /// An empty part of a file laid out as `layout`.
    fn new(layout: &Layout) -> Part {
        let mut part = Part {
            last_supplier: u128::MAX,
            last_category: u128::MAX,
            last_currency: u128::MAX,
            last_order: u128::MAX,
            ..Part::default()
        };
        if layout.column[Field::Currency as usize].is_none() {
            part.extra.currency_ix = part.extra.currency("");
        }
        part.other_last = vec![Vec::new(); layout.role.len()];
        part
    }

    /// A new cell of `key`.
    fn new_cell(&mut self, key: (u32, u32, u32)) -> Option<u32> {
        let ix = u32::try_from(self.cells.len()).ok()?;
        self.cells.push(FastCell {
            key,
            ..FastCell::default()
        });
        self.cell_index.insert(key, ix);
        Some(ix)
    }

    /// Adds the part that follows this one in the file: its ids are appended in their
    /// order of first appearance (after this part's), its cells added to the same keys,
    /// its first supplier names kept where this part has none. Gives, per supplier of
    /// `other`, its index here.
    fn absorb(&mut self, other: Part) -> Option<Vec<u32>> {
        let mut suppliers = Vec::with_capacity(other.suppliers.names.len());
        for (i, id) in other.suppliers.names.iter().enumerate() {
            let known = self.suppliers.names.len();
            let j = self.suppliers.intern_bytes(id.as_bytes())?[0];
            if j as usize == known {
                self.supplier_names.push(None);
                self.supplier_pair.push(NO_LAST_NAME);
            }
            let slot = self.supplier_names.get_mut(j as usize)?;
            if slot.is_none() {
                slot.clone_from(other.supplier_names.get(i)?);
            }
            suppliers.push(j);
        }
        let categories = other
            .categories
            .names
            .iter()
            .map(|id| Some(self.categories.intern_bytes(id.as_bytes())?[0]))
            .collect::<Option<Vec<u32>>>()?;
        // The items and cells are looked up here in tables far bigger than a core's
        // cache (80,000 of each at 10M lines): each lookup's memory is prefetched
        // `AHEAD` lookups before, as the scan's queue does.
        const AHEAD: usize = 16;
        let keyed: Vec<Option<(u128, u64)>> = other
            .items
            .names
            .iter()
            .map(|id| {
                (id.len() < 16)
                    .then(|| pack_bytes(id.as_bytes()))
                    .flatten()
                    .map(|k| (k, ItemTable::hash(k)))
            })
            .collect();
        let mut items = Vec::with_capacity(keyed.len());
        // Per item of `other`, its slot here and the table's generation then.
        let mut slots = Vec::with_capacity(keyed.len());
        for (n, id) in other.items.names.iter().enumerate() {
            if let Some(Some((_, hash))) = keyed.get(n + AHEAD) {
                self.item_table.prefetch(*hash);
            }
            match keyed.get(n).copied().flatten() {
                Some((key, hash)) => {
                    let at = match self.item_table.find(key, hash) {
                        Some(at) => at,
                        None => self.new_item(id.as_bytes(), key, hash)?,
                    };
                    items.push(self.item_table.slots.get(at)?.item);
                    slots.push(Some((at, self.item_table.generation)));
                }
                None => {
                    items.push(self.items.intern_bytes(id.as_bytes())?[0]);
                    slots.push(None);
                }
            }
        }
        // An item's slot, while its position holds (the table did not grow since).
        let generation = self.item_table.generation;
        let slot_of = |item: u32| match slots.get(item as usize) {
            Some(&Some((at, g))) if g == generation => Some(at),
            _ => None,
        };
        for (n, c) in other.cells.iter().enumerate() {
            // The slot of a cell's item two steps ahead, the item's last cell here one
            // step ahead: that cell is most often the one this cell adds to.
            if let Some(at) = other
                .cells
                .get(n + 2 * AHEAD)
                .and_then(|c| slot_of(c.key.2))
            {
                prefetch(self.item_table.slots.as_ptr().wrapping_add(at).cast());
            }
            if let Some(slot) = other
                .cells
                .get(n + AHEAD)
                .and_then(|c| slot_of(c.key.2))
                .and_then(|at| self.item_table.slots.get(at))
            {
                prefetch(self.cells.as_ptr().wrapping_add(slot.cell as usize).cast());
            }
            let (s, k, i) = c.key;
            let key = (
                *suppliers.get(s as usize)?,
                *categories.get(k as usize)?,
                *items.get(i as usize)?,
            );
            let last = slot_of(i)
                .and_then(|at| self.item_table.slots.get(at))
                .map(|slot| slot.cell)
                .filter(|&cell| self.cells.get(cell as usize).is_some_and(|x| x.key == key));
            let ix = match last.or_else(|| self.cell_index.get(&key).copied()) {
                Some(ix) => ix,
                None => self.new_cell(key)?,
            };
            let mine = self.cells.get_mut(ix as usize)?;
            mine.spend = mine.spend.checked_add(c.spend)?;
            mine.profit = mine.profit.checked_add(c.profit)?;
            mine.lines += c.lines;
            mine.credit_lines += c.credit_lines;
            mine.spend_scale = mine.spend_scale.max(c.spend_scale);
            mine.profit_scale = mine.profit_scale.max(c.profit_scale);
        }
        self.has_profit |= other.has_profit;
        for c in other.currencies {
            if !self.currencies.contains(&c) {
                self.currencies.push(c);
            }
        }
        for (mine, theirs) in self.periods.iter_mut().zip(other.periods) {
            *mine = match (*mine, theirs) {
                (Some((a, b)), Some((x, y))) => Some((a.min(x), b.max(y))),
                (p, None) | (None, p) => p,
            };
        }
        self.rows += other.rows;
        self.credit_lines += other.credit_lines;
        Some(suppliers)
    }

    /// Adds an item that is not in the item table; gives its slot.
    fn new_item(&mut self, id: &[u8], key: u128, hash: u64) -> Option<usize> {
        let ix = Ids::push_name(&mut self.items.names, id)?;
        self.item_table.insert(
            ItemSlot {
                key: slot_key(key),
                item: ix,
                cell: u32::MAX,
            },
            hash,
        )
    }

    /// The spend cube of this part, its period from dates read in `order`; `None` if a
    /// sum does not fit a `Decimal`.
    fn cube(&self, order: Order) -> Option<SpendCube> {
        let mut cube = SpendCube::default();
        let interner = |ids: &Ids| {
            // In index order, which is the order of first appearance.
            let mut i = Interner::default();
            for n in ids.names.iter() {
                i.intern(n);
            }
            i
        };
        cube.suppliers = interner(&self.suppliers);
        cube.categories = interner(&self.categories);
        cube.items = interner(&self.items);
        cube.supplier_names = self
            .supplier_names
            .iter()
            .map(|n| n.as_deref().map(String::from).unwrap_or_default())
            .collect();
        cube.cells.reserve(self.cells.len());
        for c in &self.cells {
            let (supplier, category, item) = c.key;
            cube.cells.insert(
                CellKey {
                    supplier,
                    category,
                    item,
                },
                Cell {
                    spend: to_decimal(c.spend, c.spend_scale),
                    profit: to_decimal(c.profit, c.profit_scale),
                    lines: c.lines,
                    credit_lines: c.credit_lines,
                },
            );
        }
        cube.has_profit = self.has_profit;
        cube.currencies = self.currencies.clone();
        cube.currencies.sort();
        cube.period = match self.periods[order as usize] {
            Some((a, b)) => Some((date_text(&a)?, date_text(&b)?)),
            None => None,
        };
        Some(cube)
    }

    /// Adds one record whose fields are at `spans` (indexed by `Field as usize`); the
    /// whole line is at `line`. `item_key` is the item's packed key and hash, and `found`
    /// its slot in the item table when `generation` is still the table's.
    ///
    /// Most of a line's fields repeat what the lines before said (an order's lines share
    /// the date, supplier and name; an item is bought from one supplier in one category),
    /// so each check runs when its value changes, and the supplier and category are taken
    /// from the cell the item was last bought in when their bytes match it.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        buf: &[u8],
        spans: &Spans,
        line: Span,
        layout: &Layout,
        item_key: Option<(u128, u64)>,
        found: Option<usize>,
        generation: u32,
    ) -> Option<()> {
        let col = |f: Field| layout.column[f as usize].is_some();
        let raw = |s: Span| &buf[s.range()];
        let row = self.rows;
        self.line_currency = None;

        // Numbers need no unescaping (a number with `""` inside is not handled).
        let amount_span = spans[Field::Amount as usize];
        if amount_span.escaped() {
            return None;
        }
        let amount_text = raw(amount_span);
        let ((amount, amount_scale), amount_reads) =
            self.money(buf, amount_span, layout.decimal, Field::Amount, row)?;
        let profit_span = spans[Field::Profit as usize];
        let profit = if col(Field::Profit) {
            if profit_span.escaped() {
                return None;
            }
            if !profit_span.is_empty() {
                Some(self.money(buf, profit_span, layout.decimal, Field::Profit, row)?)
            } else {
                None
            }
        } else {
            None
        };
        let profit_reads = profit.map(|(_, reads)| reads);
        let profit = profit.map(|(v, _)| v);
        if col(Field::Date) {
            let d = raw(spans[Field::Date as usize]);
            if !d.is_empty() {
                // Compared as words: a slice compare is a call to `memcmp`.
                if !same_bytes(d, self.last_date.get(..self.last_date_len)?) {
                    self.date(d, row)?;
                }
                self.extra.timed += u64::from(self.last_date_timed);
            }
        }
        if col(Field::Currency) {
            let s = spans[Field::Currency as usize];
            let key = pack(buf, s);
            if key.is_none() || key != Some(self.last_currency) {
                self.currency(buf, s, key)?;
            }
        }
        self.line_currency_ix = self.extra.currency_ix;
        if let Some(c) = self.line_currency {
            self.line_currency_ix = self.currency_beside(c)?;
        }
        self.order(buf, spans, layout)?;

        // Supplier and category: those of the item's last cell when the bytes match.
        let supplier_span = spans[Field::SupplierId as usize];
        let category_span = if col(Field::Category) {
            spans[Field::Category as usize]
        } else {
            Span::default()
        };
        let supplier_key = pack(buf, supplier_span);
        let category_key = pack(buf, category_span).filter(|_| !category_span.is_empty());
        let (item, last_cell, at) = self.item(buf, spans, layout, item_key, found, generation)?;
        // The cell's supplier and category are the line's when the line's fields pack to
        // their keys (`u128::MAX`, too long to pack, never matches a packed field).
        let known = self.cells.get(last_cell as usize).and_then(|c| {
            let (s, k, _) = c.key;
            (self.suppliers.keys.get(s as usize).copied() == supplier_key
                && self.categories.keys.get(k as usize).copied() == category_key)
                .then_some(c.key)
        });
        let (supplier, cell_ix) = match known {
            Some((supplier, _, _)) => (supplier, last_cell),
            None => {
                let supplier = self.supplier(buf, supplier_span, supplier_key)?;
                let category = self.category(buf, category_span)?;
                let cell = self.cell(
                    (supplier, category, item),
                    last_cell,
                    at,
                    buf,
                    spans,
                    layout,
                )?;
                (supplier, cell)
            }
        };
        self.identity(buf, spans, layout, supplier, row)?;

        let cell = self.cells.get_mut(cell_ix as usize)?;
        cell.spend = cell.spend.checked_add(amount)?;
        cell.spend_scale = cell.spend_scale.max(amount_scale);
        cell.lines += 1;
        if amount < 0 {
            cell.credit_lines += 1;
            self.credit_lines += 1;
        }
        if let Some((p, scale)) = profit {
            cell.profit = cell.profit.checked_add(p)?;
            cell.profit_scale = cell.profit_scale.max(scale);
            self.has_profit = true;
        }
        let line_currency_ix = self.line_currency_ix;
        let x = &mut self.extra;
        if amount_scale > 0 {
            x.note_decimal(Field::Amount, row);
        }
        if profit.is_some_and(|p| p.1 > 0) {
            x.note_decimal(Field::Profit, row);
        }
        x.total = x.total.checked_add(amount)?;
        x.magnitude[0] += u128::from(amount.unsigned_abs());
        if let Some((p, _)) = profit {
            x.magnitude[1] += u128::from(p.unsigned_abs());
        }
        x.total_scale = x.total_scale.max(amount_scale);
        let c = x.currencies.get_mut(line_currency_ix)?;
        c.1 += 1;
        c.2 = c.2.checked_add(amount)?;
        c.3 = c.3.max(amount_scale);
        x.weigh(Field::Amount, row, amount_reads, amount_text)?;
        if let Some(reads) = profit_reads {
            x.weigh(Field::Profit, row, reads, raw(profit_span))?;
        }
        self.duplicate(buf, line, cell_ix, amount, row, layout.delim);
        self.extension(buf, spans, layout, row, (amount, amount_scale))?;
        self.rows += 1;
        Some(())
    }

    /// A date cell other than the last line's (at `row`): checked, its evidence for the
    /// column's date format kept, and the periods widened. A date is year-first
    /// (`2025-03-07`, `2025/3/7`) or year-last with day and month in either order
    /// (`07.03.2025`, `3/7/2025`, `07-03-2025`), optionally followed by one space or an ISO
    /// `T` and a time of day (`9:30`, `09:30:00`, `9:30 PM`, `09:30:00Z`: dropped, as the
    /// general reader drops it). A year-last date is kept both ways; the column's order
    /// is known only once every date is seen.
    #[cold]
    fn date(&mut self, cell: &[u8], row: u64) -> Option<()> {
        // The date runs up to a space or an ISO `T`, as the general reader splits it.
        let end = cell
            .iter()
            .position(|&b| b == b' ' || b == b'T')
            .unwrap_or(cell.len());
        let (d, timed) = match cell.split_at(end) {
            (d, []) => (d, false),
            (d, [_, time @ ..]) if is_plain_time(time) => (d, true),
            _ => return None,
        };
        let seen = &mut self.extra.dates;
        // The cell's ISO form day-first and month-first (the same for a year-first date).
        let both = match written_date(d)? {
            WrittenDate::YearFirst(iso) => {
                seen.year_first = true;
                [Some(iso), Some(iso)]
            }
            WrittenDate::YearLast {
                first,
                second,
                year,
                dotted,
            } => {
                seen.year_last = true;
                let day_first = iso_date(year, second, first);
                let month_first = iso_date(year, first, second);
                // The general reader quotes the whole cell.
                let text = || std::str::from_utf8(cell).ok().map(str::to_string);
                match (day_first, month_first) {
                    // No date either way: the general reader rejects the line.
                    (None, None) => return None,
                    (Some(_), None) if seen.day_first.is_none() => {
                        seen.day_first = Some((row, text()?));
                    }
                    (None, Some(_)) if seen.month_first.is_none() => {
                        seen.month_first = Some((row, text()?));
                    }
                    (Some(a), Some(b)) if a != b => {
                        seen.ambiguous_undotted |= !dotted;
                        if seen.ambiguous.is_none() {
                            seen.ambiguous = Some((row, text()?));
                        }
                    }
                    _ => {}
                }
                [day_first, month_first]
            }
        };
        if timed {
            self.extra.first_timed.get_or_insert(row);
        }
        self.last_date.get_mut(..cell.len())?.copy_from_slice(cell);
        self.last_date_len = cell.len();
        self.last_date_timed = timed;
        for (period, iso) in self.periods.iter_mut().zip(both) {
            if let Some(iso) = iso {
                *period = Some(match *period {
                    None => (iso, iso),
                    Some((a, b)) => (a.min(iso), b.max(iso)),
                });
            }
        }
        Some(())
    }

    /// The index of the line's currency when `c` is written beside its amount or profit:
    /// the currency column's when it names one (and then the same, else the line is the
    /// general reader's), else `c`, which the general reader takes as the line's.
    #[cold]
    fn currency_beside(&mut self, c: Currency) -> Option<usize> {
        let ix = self.extra.currency_ix;
        let have = &self.extra.currencies.get(ix)?.0;
        if !have.is_empty() {
            return (have == c.code()).then_some(ix);
        }
        let code = c.code();
        if !self.currencies.iter().any(|x| x == code) {
            self.currencies.push(code.to_string());
        }
        Some(self.extra.currency(code))
    }

    /// A currency cell other than the last line's (`key`: its packed bytes).
    #[cold]
    fn currency(&mut self, buf: &[u8], s: Span, key: Option<u128>) -> Option<()> {
        if s.is_empty() {
            self.extra.currency_ix = self.extra.currency("");
            self.last_currency = u128::MAX;
            return Some(());
        }
        let c = field(buf, s, &mut self.scratch);
        let text = std::str::from_utf8(c).ok()?;
        if text.trim() != text {
            return None;
        }
        // The general reader reads the value as a currency (a code in any case, a symbol
        // such as `€`, an abbreviation such as `руб.`) and keeps its code, silently.
        let currency = super::locale::number::parse_currency(text)?;
        let code = currency.code();
        if is_total_cell(text) {
            return None;
        }
        if !self.currencies.iter().any(|x| x == code) {
            self.currencies.push(code.to_string());
        }
        self.extra.currency_ix = self.extra.currency(code);
        self.last_currency = key.unwrap_or(u128::MAX);
        Some(())
    }

    /// The line's order, for the duplicates: a new one is checked and started.
    #[inline]
    fn order(&mut self, buf: &[u8], spans: &Spans, layout: &Layout) -> Option<()> {
        let new_order = match layout.column[Field::OrderId as usize] {
            Some(_) => {
                let s = spans[Field::OrderId as usize];
                let key = pack(buf, s);
                if key.is_some() && key == Some(self.last_order) {
                    return Some(());
                }
                let id = &buf[s.range()];
                // Both ids packed and differ: a new order, without comparing the bytes.
                let new = key.is_some() && self.last_order != u128::MAX;
                self.last_order = key.unwrap_or(u128::MAX);
                if !new && self.extra.dups.same_order(id) {
                    return Some(());
                }
                // Order ids are not kept, but one such as `Total` makes the row a total
                // row, and one with spaces around it is the general reader's to trim.
                if s.escaped() || !plain_cell(id) {
                    return None;
                }
                self.extra.dups.new_order(id);
                true
            }
            None => {
                let date = match layout.column[Field::Date as usize] {
                    Some(_) => {
                        let s = spans[Field::Date as usize];
                        &buf[s.range()]
                    }
                    None => b"",
                };
                let supplier = field(buf, spans[Field::SupplierId as usize], &mut self.scratch);
                let x = &mut self.extra;
                order_key(&mut x.order_key, None, supplier, date);
                x.dups.order(&x.order_key)
            }
        };
        if new_order {
            self.extra.arena.clear();
        }
        Some(())
    }

    /// The supplier's index: the last line's, or interned (a new id is checked first).
    #[inline]
    fn supplier(&mut self, buf: &[u8], s: Span, key: Option<u128>) -> Option<u32> {
        if s.is_empty() {
            return None;
        }
        if key.is_some() && key == Some(self.last_supplier) {
            return Some(self.last_supplier_ix);
        }
        let known = self.suppliers.names.len();
        let ix = self.suppliers.intern(buf, s, &mut self.scratch)?[0];
        if ix as usize == known {
            // The general reader normalises ids (invisible characters removed, no-break
            // spaces made plain, NFC) and notes it: an id it would change is its to read.
            // Ids Excel turned into exponents get a warning there. Checked once per id.
            let id = std::str::from_utf8(field(buf, s, &mut self.scratch)).ok()?;
            if !id.is_ascii() && super::quality::normalize_id(id) != (id.into(), Vec::new()) {
                return None;
            }
            if super::locale::number::looks_like_excel_mangled_id(id) {
                return None;
            }
            self.supplier_names.push(None);
            self.supplier_pair.push(NO_LAST_NAME);
        }
        self.last_supplier = key.unwrap_or(u128::MAX);
        self.last_supplier_ix = ix;
        Some(ix)
    }

    /// The category's index: the last line's, or interned; an empty one is
    /// "uncategorized".
    #[inline]
    fn category(&mut self, buf: &[u8], s: Span) -> Option<u32> {
        let key = pack(buf, s);
        if key.is_some() && key == Some(self.last_category) {
            return Some(self.last_category_ix);
        }
        let ix = if s.is_empty() {
            self.categories.intern_bytes(UNCATEGORIZED.as_bytes())?[0]
        } else {
            self.categories.intern(buf, s, &mut self.scratch)?[0]
        };
        self.last_category = key.unwrap_or(u128::MAX);
        self.last_category_ix = ix;
        Some(ix)
    }

    /// The item's index, the cell it was last bought in, and its slot in the item table.
    #[inline]
    fn item(
        &mut self,
        buf: &[u8],
        spans: &Spans,
        layout: &Layout,
        item_key: Option<(u128, u64)>,
        found: Option<usize>,
        generation: u32,
    ) -> Option<(u32, u32, Option<usize>)> {
        match item_key {
            Some((key, hash)) => {
                let at = match found {
                    Some(at) if generation == self.item_table.generation => at,
                    _ => match self.item_table.find(key, hash) {
                        Some(at) => at,
                        None => {
                            // The scratch taken out for the id's bytes, so that they
                            // need no copy of their own while the item is added.
                            let mut scratch = std::mem::take(&mut self.scratch);
                            let id = field(buf, item_span(spans, layout), &mut scratch);
                            let at = self.new_item(id, key, hash);
                            self.scratch = scratch;
                            at?
                        }
                    },
                };
                let slot = self.item_table.slots.get(at)?;
                Some((slot.item, slot.cell, Some(at)))
            }
            None => {
                let slot = self.long_item(buf, spans, layout)?;
                Some((slot[0], slot[1], None))
            }
        }
    }

    /// The index and last-cell slot of an item whose id is too long for the item table.
    fn long_item(&mut self, buf: &[u8], spans: &Spans, layout: &Layout) -> Option<&mut [u32; 2]> {
        match layout.column[Field::ItemId as usize] {
            Some(_) => self
                .items
                .intern(buf, spans[Field::ItemId as usize], &mut self.scratch),
            None => self.items.intern_bytes(b""),
        }
    }

    /// The cell of `key`, added when new; the item remembers it as its last cell.
    #[allow(clippy::too_many_arguments)]
    fn cell(
        &mut self,
        key: (u32, u32, u32),
        last_cell: u32,
        at: Option<usize>,
        buf: &[u8],
        spans: &Spans,
        layout: &Layout,
    ) -> Option<u32> {
        if self
            .cells
            .get(last_cell as usize)
            .is_some_and(|c| c.key == key)
        {
            return Some(last_cell);
        }
        let ix = match self.cell_index.get(&key) {
            Some(&ix) => ix,
            None => self.new_cell(key)?,
        };
        match at {
            Some(at) => self.item_table.slots.get_mut(at)?.cell = ix,
            None => self.long_item(buf, spans, layout)?[1] = ix,
        }
        Some(ix)
    }

    /// Identities: the (supplier, name) pair of the line, counted; the supplier's first
    /// non-empty name is its name. Each supplier remembers its last pair, so a line only
    /// compares its name with that pair's.
    #[inline]
    fn identity(
        &mut self,
        buf: &[u8],
        spans: &Spans,
        layout: &Layout,
        supplier: u32,
        row: u64,
    ) -> Option<()> {
        let name_span = match layout.column[Field::SupplierName as usize] {
            Some(_) => spans[Field::SupplierName as usize],
            None => Span::default(),
        };
        // The lines of an order repeat the supplier and its name: compared with the line
        // before (in the same buffer), the pair is known without a lookup.
        if let Some((s, prev)) = self.last_identity
            && s == supplier
            && !name_span.escaped()
            && !prev.escaped()
            && same_bytes(&buf[prev.range()], &buf[name_span.range()])
        {
            return self.count_identity(supplier, row);
        }
        let name = field(buf, name_span, &mut self.scratch);
        let x = &mut self.extra;
        let last = *self.supplier_pair.get(supplier as usize)?;
        let same = match last.is(name) {
            Some(same) => same,
            None => x.pairs.get(last.pair as usize).is_some_and(|p| {
                x.names
                    .names
                    .get(p.name as usize)
                    .is_some_and(|n| same_bytes(n.as_bytes(), name))
            }),
        };
        let ix = match same {
            true => last.pair,
            false => {
                // The lines counted for the pair before go to it.
                if let Some(p) = x.pairs.get_mut(last.pair as usize) {
                    p.count += last.pending;
                }
                let text = std::str::from_utf8(name).ok()?;
                if text.trim() != text {
                    return None;
                }
                let name_ix = x.names.intern_bytes(name)?[0];
                let pair = (supplier, name_ix);
                let ix = match x.pair_index.get(&pair) {
                    Some(&ix) => ix,
                    None => {
                        let ix = u32::try_from(x.pairs.len()).ok()?;
                        x.pairs.push(PairSeen {
                            supplier,
                            name: name_ix,
                            ..PairSeen::default()
                        });
                        x.pair_index.insert(pair, ix);
                        ix
                    }
                };
                *self.supplier_pair.get_mut(supplier as usize)? = LastName::new(ix, name);
                if !name.is_empty() {
                    let slot = self.supplier_names.get_mut(supplier as usize)?;
                    if slot.is_none() {
                        *slot = Some(text.into());
                    }
                }
                ix
            }
        };
        debug_assert_eq!(
            self.supplier_pair.get(supplier as usize).map(|l| l.pair),
            Some(ix)
        );
        self.last_identity = Some((supplier, name_span));
        self.count_identity(supplier, row)
    }

    /// Counts a line of the supplier's last pair; its row is kept while the pair keeps
    /// fewer than [`PAIR_ROWS`].
    #[inline]
    fn count_identity(&mut self, supplier: u32, row: u64) -> Option<()> {
        let last = self.supplier_pair.get_mut(supplier as usize)?;
        if last.rows_full {
            last.pending += 1;
            return Some(());
        }
        let seen = self.extra.pairs.get_mut(last.pair as usize)?;
        seen.count += 1;
        if let Some(slot) = seen.rows.get_mut(usize::from(seen.kept)) {
            *slot = row;
            seen.kept += 1;
        }
        last.rows_full = usize::from(seen.kept) >= PAIR_ROWS;
        Some(())
    }

    /// Adds the lines each supplier's last pair counted to the pair.
    fn settle_identities(&mut self) -> Option<()> {
        for last in &mut self.supplier_pair {
            if last.pending > 0 {
                self.extra.pairs.get_mut(last.pair as usize)?.count += last.pending;
                last.pending = 0;
            }
        }
        Some(())
    }

    /// Compares the line with the earlier lines of its order (its cell and amount first).
    #[inline]
    fn duplicate(&mut self, buf: &[u8], line: Span, cell: u32, amount: i64, row: u64, delim: u8) {
        let x = &mut self.extra;
        let arena = &x.arena;
        let bytes = &buf[line.range()];
        let is_same = |k: &DupLine| {
            k.cell == cell
                && k.amount == amount
                && match k.in_arena {
                    true => arena.get(k.start..k.end),
                    false => buf.get(k.start..k.end),
                }
                .is_some_and(|kept| same_cells(kept, bytes, delim))
        };
        // A new line is kept for the lines after it; its bytes are copied only if the
        // buffer is refilled before its order ends ([`Part::keep_order_lines`]).
        // Identical lines share their cell and amount.
        let mark = u64::from(cell) ^ amount as u64;
        if !x.dups.repeat(row, mark, is_same) && x.dups.has_room() {
            let range = line.range();
            x.dups.keep(
                DupLine {
                    cell,
                    amount,
                    start: range.start,
                    end: range.end,
                    in_arena: false,
                },
                row,
                mark,
            );
        }
    }

    /// Copies the bytes of the current order's kept lines still in `buf` to the arena:
    /// the buffer is about to be refilled, and the order's next lines compare with them.
    fn keep_order_lines(&mut self, buf: &[u8]) -> Option<()> {
        let x = &mut self.extra;
        for k in x.dups.kept_mut() {
            if !k.in_arena {
                let bytes = buf.get(k.start..k.end)?;
                k.start = x.arena.len();
                x.arena.extend_from_slice(bytes);
                k.end = x.arena.len();
                k.in_arena = true;
            }
        }
        Some(())
    }

    /// Quantity, price and price unit: the decimal proofs of their columns, and the
    /// general reader's check that quantity × price (÷ price unit) is the amount, on
    /// integers when the price unit is 1.
    #[inline]
    fn extension(
        &mut self,
        buf: &[u8],
        spans: &Spans,
        layout: &Layout,
        row: u64,
        amount: (i64, u8),
    ) -> Option<()> {
        // Three calls, not a loop filling an array of options: the array's
        // initialisation stalled every line on a store-to-load forward (a quarter of this
        // function's time).
        let quantity = self.number_cell(buf, spans, layout, Field::Quantity, row)?;
        let price = self.number_cell(buf, spans, layout, Field::UnitPrice, row)?;
        let unit = self.number_cell(buf, spans, layout, Field::PriceUnit, row)?;
        let unit = match unit {
            // The general reader rejects the line: it is its to read.
            Some((u, _)) if u <= 0 => return None,
            // SAP's price per 100 or per 1,000 units (a unit of 1 is no unit).
            Some((u, us)) if i128::from(u) != POW10[usize::from(us)] => Some((u, us)),
            _ => None,
        };
        let (Some((q, qs)), Some((p, ps))) = (quantity, price) else {
            return Some(());
        };
        if unit.is_some() {
            self.check_on_decimals(row, (q, qs), (p, ps), unit, amount);
            return Some(());
        }
        let (a, sa) = amount;
        // The common line: quantity × price written with two decimals between them is
        // exactly the amount (q·p in hundredths, the amount in units of 10^-4), in 64 bits
        // with no overflow possible (|q·p·100| < 2^56·100 < 2^63).
        if usize::from(qs) + usize::from(ps) == 2
            && q.unsigned_abs() < 1 << 28
            && p.unsigned_abs() < 1 << 28
            && q * p * TO_UNITS[2] == a
        {
            return Some(());
        }
        // The general reader's rule on integers in units of 10^-14: q and p have at most
        // six decimals each, so q·p has at most twelve, and the half units of the amount
        // and the price one more.
        let (qs, ps) = (usize::from(qs), usize::from(ps));
        let product = i128::from(q).checked_mul(i128::from(p))?;
        // Beyond a Decimal (96 bits) the general reader skips the check: hand such a file
        // back.
        if product.unsigned_abs() >> 96 != 0 {
            return None;
        }
        let expected = product.checked_mul(POW10[14 - (qs + ps)])?;
        // The amount in units of 10^-SCALE, in units of 10^-14.
        let amount14 = i128::from(a).checked_mul(POW10[14 - SCALE as usize])?;
        let half_ulp_amount = 5 * POW10[14 - (usize::from(sa) + 1)];
        let tolerance = i128::from(q)
            .abs()
            .checked_mul(5 * POW10[14 - (qs + ps + 1)])?
            .checked_add(half_ulp_amount)?;
        if (expected.abs() - amount14.abs()).abs() > tolerance {
            // The warning's text, from the general reader's own rule.
            let (qs, ps) = (u8::try_from(qs).ok()?, u8::try_from(ps).ok()?);
            self.check_on_decimals(row, (q, qs), (p, ps), None, (a, sa));
        }
        Some(())
    }

    /// The number in field `f` (quantity, price or price unit) of the line at `row`, its
    /// decimals noted and weighed: `Some(None)` when the ledger has no such column or the
    /// cell is empty, `None` when the line is the general reader's.
    #[inline(always)]
    fn number_cell(
        &mut self,
        buf: &[u8],
        spans: &Spans,
        layout: &Layout,
        f: Field,
        row: u64,
    ) -> Option<Option<(i64, u8)>> {
        if layout.column[f as usize].is_none() {
            return Some(None);
        }
        let s = spans[f as usize];
        if s.escaped() {
            return None;
        }
        if s.is_empty() {
            return Some(None);
        }
        let text = &buf[s.range()];
        let (v, reads) = match number_at(buf, s, layout.decimal) {
            Some(v) => (v, plain_reads(text, v.1)),
            None => self.unusual_number(text, layout.decimal, f, row)?,
        };
        if v.1 > 0 {
            self.extra.note_decimal(f, row);
        }
        self.extra.weigh(f, row, reads, text)?;
        Some(Some(v))
    }

    /// An amount or profit of field `f` at `row`, in units of 10^-SCALE with its scale, and how
    /// it reads.
    #[inline]
    fn money(&mut self, buf: &[u8], s: Span, sep: u8, f: Field, row: u64) -> Option<NumberRead> {
        let text = &buf[s.range()];
        match money_at(buf, s, sep) {
            Some(v) => Some((v, plain_reads(text, v.1))),
            None => self.unusual_money(text, sep, f, row),
        }
    }

    /// An amount or profit [`parse_money`] does not read ([`Part::unusual_value`]).
    #[cold]
    fn unusual_money(&mut self, text: &[u8], sep: u8, f: Field, row: u64) -> Option<NumberRead> {
        let plain = |b: &[u8]| parse_money(b, sep).map(|v| (v, plain_reads(b, v.1)));
        self.unusual_value(text, sep, f, row, plain, |b| parse_money_grouped(b, sep))
    }

    /// A quantity or price [`parse_number`] does not read ([`Part::unusual_value`]).
    #[cold]
    fn unusual_number(&mut self, text: &[u8], sep: u8, f: Field, row: u64) -> Option<NumberRead> {
        let plain = |b: &[u8]| parse_number(b, sep).map(|v| (v, plain_reads(b, v.1)));
        self.unusual_value(text, sep, f, row, plain, |b| parse_number_grouped(b, sep))
    }

    /// A number of field `f` at `row` its `plain` reader does not read: written negative
    /// otherwise than with a leading `-` ([`unusual_sign`]), or with its thousands grouped
    /// (its `grouped` reader), or both; each noted as the general reader notes it. The
    /// digits as an integer and the decimals, and how it reads; `None` when it is none of
    /// these.
    #[allow(clippy::too_many_arguments)]
    fn unusual_value(
        &mut self,
        text: &[u8],
        sep: u8,
        f: Field,
        row: u64,
        plain: impl Fn(&[u8]) -> Option<NumberRead>,
        grouped: impl Fn(&[u8]) -> Option<NumberRead>,
    ) -> Option<NumberRead> {
        match self.signed_value(text, f, row, &plain, &grouped) {
            Some(read) => Some(read),
            None => self.currency_value(text, sep, f, row, &plain, &grouped),
        }
    }

    /// [`Part::unusual_value`] for a number with no currency beside it.
    fn signed_value(
        &mut self,
        text: &[u8],
        f: Field,
        row: u64,
        plain: &impl Fn(&[u8]) -> Option<NumberRead>,
        grouped: &impl Fn(&[u8]) -> Option<NumberRead>,
    ) -> Option<NumberRead> {
        let (body, sign) = match unusual_sign(text) {
            Some((body, sign)) => (body, Some(sign)),
            None => (text, None),
        };
        // Without an unusual sign, `plain` has already failed on the text.
        let ((v, scale), reads) = match sign.and_then(|_| plain(body)) {
            Some(read) => read,
            None => {
                let read = grouped(body)?;
                self.extra.note_grouped(f, row);
                read
            }
        };
        match sign {
            None => Some(((v, scale), reads)),
            // A negative zero is the general reader's (it reads it as zero).
            Some(_) if v == 0 => None,
            Some(sign) => {
                self.extra.note_sign(sign, f, row);
                Some(((-v, scale), reads))
            }
        }
    }

    /// [`Part::unusual_value`] for a number with a currency beside it, as Excel writes a
    /// cell formatted as money (`$1,234.50`, `-€5.00`, `(45.00 USD)`, `1 234,56 руб.`):
    /// split as the general reader splits it, its digits read by `plain` or `grouped`, and
    /// noted as the general reader notes the whole text (the sign by its shape, the
    /// grouping by its own rule, the currency). The currency is the line's: one currency
    /// per line, and one the line's currency column (if any) agrees with, else the line is
    /// the general reader's.
    #[cold]
    fn currency_value(
        &mut self,
        text: &[u8],
        sep: u8,
        f: Field,
        row: u64,
        plain: &impl Fn(&[u8]) -> Option<NumberRead>,
        grouped: &impl Fn(&[u8]) -> Option<NumberRead>,
    ) -> Option<NumberRead> {
        use super::locale::number::{DecimalSep, split_affixes};
        let t = std::str::from_utf8(text).ok()?;
        // The general reader trims the cell first; a padded one is its to read.
        if t.trim() != t {
            return None;
        }
        // A column's money repeats its currency: its affix, once seen around plain digits,
        // is recognised again without the general splitting (see [`MoneyAffix`]).
        if let Some(read) = self.money_affixes[f as usize]
            .as_ref()
            .and_then(|a| a.read(text, plain))
        {
            return self.currency_noted(read, f, row);
        }
        let decimal = match sep {
            b',' => DecimalSep::Comma,
            _ => DecimalSep::Point,
        };
        let parts = split_affixes(t, decimal).ok()?;
        let currency = parts.currency?;
        let body = parts.body.as_bytes();
        let (((v, scale), reads), is_plain) = match plain(body) {
            // The plain readers take a leading `-`: the sign was peeled already.
            Some(read) if !body.starts_with(b"-") => (read, true),
            Some(_) => return None,
            None => (grouped(body)?, false),
        };
        // A negative zero is the general reader's (it reads it as zero).
        if parts.negative && v == 0 {
            return None;
        }
        if is_plain && !parts.negative {
            self.money_affixes[f as usize] = MoneyAffix::new(text, body, currency);
        }
        self.line_takes(currency, f)?;
        let x = &mut self.extra;
        if t.ends_with(['-', '−']) {
            x.note_sign(Sign::TrailingMinus, f, row);
        } else if t.starts_with('(') {
            x.note_sign(Sign::Parentheses, f, row);
        } else if t.contains('−') {
            x.note_sign(Sign::UnicodeMinus, f, row);
        }
        if super::rows::grouped(t, char::from(sep)) {
            x.note_grouped(f, row);
        }
        x.currency_notes += 1;
        x.first_currency_note[f as usize].get_or_insert(row);
        Some(((if parts.negative { -v } else { v }, scale), reads))
    }

    /// A value read by a [`MoneyAffix`]: the line takes its currency, and it is noted (it
    /// has no sign or grouping to note).
    fn currency_noted(
        &mut self,
        (read, currency): (NumberRead, Currency),
        f: Field,
        row: u64,
    ) -> Option<NumberRead> {
        self.line_takes(currency, f)?;
        self.extra.currency_notes += 1;
        self.extra.first_currency_note[f as usize].get_or_insert(row);
        Some(read)
    }

    /// The line takes the currency written beside a value of field `f`: one currency a
    /// line; the quantity, price and price unit come after the line's currency is settled,
    /// and theirs must be it. `None`: the general reader rejects the line.
    fn line_takes(&mut self, currency: Currency, f: Field) -> Option<()> {
        match self.line_currency {
            Some(c) if c != currency => return None,
            _ => self.line_currency = Some(currency),
        }
        if !matches!(f, Field::Amount | Field::Profit) {
            let line = self.extra.currencies.get(self.line_currency_ix)?;
            if line.0 != currency.code() {
                return None;
            }
        }
        Some(())
    }

    /// The general reader's check that quantity × price (÷ price unit) is the amount, on
    /// the line's `Decimal`s with its own function (a division by 12 rounds as it rounds),
    /// and the warning it gives recorded: for a line with a price unit other than 1, and
    /// for one the integer check found off.
    #[cold]
    fn check_on_decimals(
        &mut self,
        row: u64,
        (q, qs): (i64, u8),
        (p, ps): (i64, u8),
        unit: Option<(i64, u8)>,
        (a, sa): (i64, u8),
    ) {
        let d = |v: i64, scale: u8| Decimal::new(v, u32::from(scale));
        let unit = unit.map(|(u, us)| d(u, us));
        let warning = super::rows::extension_warning(to_decimal(a, sa), d(q, qs), d(p, ps), unit);
        if let Some(message) = warning {
            self.extra.warning_count += 1;
            push_listed(&mut self.extra.warnings, (row, message));
        }
    }

    /// The cells of a line (`record`, well-formed: the scanner has checked its quotes) in
    /// the columns procura does not read. The general reader still looks at them: a
    /// total word in any cell makes the row a total row, and the duplicate check compares
    /// every cell's trimmed text (here the lines' bytes). So each must be plain: no total
    /// word, no space at its ends. A cell is checked when it differs from its column's
    /// last (a status or company column repeats a few values). Split here, once per line,
    /// rather than in the scanner's loop, where a branch per cell cost files without such
    /// columns 6 to 8 %.
    #[inline(never)]
    fn other_cells(&mut self, record: &[u8], layout: &Layout) -> Option<()> {
        let (mut column, mut start, mut quoted) = (0, 0, false);
        for i in 0..=record.len() {
            match record.get(i) {
                Some(b'"') => quoted = !quoted,
                Some(&c) if quoted || c != layout.delim => {}
                // The cell's end: a delimiter outside quotes, or the record's end.
                _ => {
                    if layout.role.get(column) == Some(&NONE) {
                        self.other_cell(record.get(start..i)?, column)?;
                    }
                    column += 1;
                    start = i + 1;
                }
            }
        }
        Some(())
    }

    /// One cell of [`Part::other_cells`], as written (quoted or not).
    fn other_cell(&mut self, raw: &[u8], column: usize) -> Option<()> {
        if same_bytes(raw, self.other_last.get(column)?) {
            return Some(());
        }
        let text = match raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) {
            Some(inner) => unescape(inner, &mut self.scratch),
            None => raw,
        };
        if !plain_cell(text) {
            return None;
        }
        let last = self.other_last.get_mut(column)?;
        last.clear();
        last.extend_from_slice(raw);
        Some(())
    }
}

/// The packed key of a field's unescaped bytes; `None` when they are 16 bytes or more.
#[inline]
fn item_key(buf: &[u8], span: Span, scratch: &mut Vec<u8>) -> Option<u128> {
    if let Some(k) = pack(buf, span) {
        return Some(k);
    }
    pack_bytes(field(buf, span, scratch))
}

/// [`pack`] for bytes held on their own; `None` when they are 16 bytes or more.
fn pack_bytes(id: &[u8]) -> Option<u128> {
    let mut a = [0u8; 16];
    a.get_mut(..id.len())?.copy_from_slice(id);
    pack(&a, Span::new(0, id.len(), false))
}

/// The item's span; an empty one when the ledger has no item column.
#[inline]
fn item_span(spans: &Spans, layout: &Layout) -> Span {
    match layout.column[Field::ItemId as usize] {
        Some(_) => spans[Field::ItemId as usize],
        None => Span::default(),
    }
}

/// A field's bytes with quotes undone (`""` becomes `"`), using `scratch` when needed.
#[inline]
fn field<'a>(buf: &'a [u8], s: Span, scratch: &'a mut Vec<u8>) -> &'a [u8] {
    let raw = &buf[s.range()];
    match s.escaped() {
        false => raw,
        true => unescape(raw, scratch),
    }
}

/// The bytes of a quoted field's inside (`raw`, each quote in it doubled, as the scanner
/// checked) with each `""` made one `"`, in `scratch`.
fn unescape<'a>(raw: &[u8], scratch: &'a mut Vec<u8>) -> &'a [u8] {
    scratch.clear();
    let mut i = 0;
    while i < raw.len() {
        scratch.push(raw[i]);
        i += if raw[i] == b'"' { 2 } else { 1 };
    }
    scratch
}

/// Units of 10^-SCALE and scale to the `Decimal` a sum of decimals of at most that scale
/// gives.
fn to_decimal(units: i64, scale: u8) -> Decimal {
    let drop = SCALE - u32::from(scale);
    Decimal::new(units / 10i64.pow(drop), u32::from(scale))
}

fn date_text(d: &[u8; 10]) -> Option<String> {
    std::str::from_utf8(d).ok().map(str::to_string)
}

/// Powers of ten as `i128`, for the quantity × price check in units of 10^-14.
const POW10: [i128; 15] = {
    let mut t = [1i128; 15];
    let mut i = 1;
    while i < 15 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Whether an order id is taken as it is: not a total word (`Total`, `Итого`…) and no
/// white space around it (the general reader trims it). Ids that begin with a letter or
/// digit no total word begins with are decided without decoding them.
#[inline]
fn plain_cell(id: &[u8]) -> bool {
    match id.first() {
        None => true,
        Some(&c)
            if c.is_ascii_alphanumeric()
                && !matches!(c.to_ascii_lowercase(), b't' | b'g' | b's' | b'z' | b'e')
                && id.last().is_some_and(|l| !l.is_ascii_whitespace()) =>
        {
            // A non-ASCII last byte may be a Unicode space: the slow check decides.
            id.last().is_some_and(u8::is_ascii) || slow_plain_cell(id)
        }
        Some(_) => slow_plain_cell(id),
    }
}

#[cold]
fn slow_plain_cell(id: &[u8]) -> bool {
    std::str::from_utf8(id).is_ok_and(|t| t.trim() == t && !is_total_cell(t))
}

/// [`parse_money`] of the cell at `s` in `buf` (not escaped), eight bytes at a time
/// when the cell reads plainly ([`digits::plain`]).
#[inline(always)]
fn money_at(buf: &[u8], s: Span, sep: u8) -> Option<(i64, u8)> {
    let r = s.range();
    match digits::plain(buf, r.start, r.end, sep) {
        // At most eight digits: in units of 10^-SCALE, far inside an i64.
        Some(p) if p.decimals <= SCALE as usize && !(p.negative && p.digits == 0) => {
            let v = p.digits as i64 * TO_UNITS[p.decimals];
            Some((if p.negative { -v } else { v }, p.decimals as u8))
        }
        _ => parse_money(&buf[r], sep),
    }
}

/// [`parse_number`] of the cell at `s` in `buf` (not escaped), eight bytes at a time
/// when the cell reads plainly ([`digits::plain`]).
#[inline(always)]
fn number_at(buf: &[u8], s: Span, sep: u8) -> Option<(i64, u8)> {
    let r = s.range();
    match digits::plain(buf, r.start, r.end, sep) {
        Some(p) if p.decimals <= 6 && !(p.negative && p.digits == 0) => {
            let v = p.digits as i64;
            Some((if p.negative { -v } else { v }, p.decimals as u8))
        }
        _ => parse_number(&buf[r], sep),
    }
}

/// Parses `-?digits(.d{1,4})?` into units of 10^-SCALE and the number of decimals
/// written, with `sep` as the decimal separator (`.` or `,`). Anything else — a `+`, no
/// digit before the separator, five decimals or more, more than 15 integer digits or a
/// value beyond an `i64` of ten-thousandths (about 9.2 × 10^14), thousands separators, a
/// negative zero — is left to the general reader (`None`).
#[inline]
fn parse_money(b: &[u8], sep: u8) -> Option<(i64, u8)> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let mut int: i64 = 0;
    let mut i = 0;
    // At most 16 digits are read (a 16th means "too long"), so `int` cannot overflow.
    while i < digits.len().min(16) && digits[i].is_ascii_digit() {
        int = int * 10 + i64::from(digits[i] - b'0');
        i += 1;
    }
    if i == 0 || i > 15 {
        return None;
    }
    let (frac, scale) = match &digits[i..] {
        [] => (0, 0),
        [s, decimals @ ..]
            if *s == sep
                && (1..=SCALE as usize).contains(&decimals.len())
                && decimals.iter().all(u8::is_ascii_digit) =>
        {
            let frac = decimals
                .iter()
                .fold(0i64, |f, d| f * 10 + i64::from(d - b'0'));
            (frac * TO_UNITS[decimals.len()], decimals.len() as u8)
        }
        _ => return None,
    };
    let v = int.checked_mul(TO_UNITS[0])?.checked_add(frac)?;
    if neg && v == 0 {
        return None;
    }
    Some((if neg { -v } else { v }, scale))
}

/// A number with its thousands grouped as the general reader ungroups them: by spaces
/// (plain, no-break U+00A0, narrow no-break U+202F, thin U+2009), apostrophes (`'`, `’`)
/// or the other of `.` and `,` (SAP's and German Excel's `1.234,56`, US Excel's
/// `"1,234.56"`), one kind per number, groups of three after a first group of one to
/// three digits not starting with `0`; then optionally the decimal separator and
/// decimals. At least one separator, at most 15 integer digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grouped {
    /// The digits as an integer, signed.
    value: i64,
    int_digits: usize,
    decimals: usize,
    /// Grouped by the other of `.` and `,` (rather than by spaces or apostrophes).
    by_other: bool,
    /// Thousands separators.
    separators: usize,
}

impl Grouped {
    /// How the general reader's decimal inference reads the number: with decimals it
    /// reads only with `sep` (the other reading mixes separators); grouped by the other
    /// separator once and without decimals (`1.234`) it reads two ways (1234, or 1.234);
    /// twice (`1.234.567`), only one way (two decimal separators are not a number); by
    /// spaces or apostrophes without decimals, the same either way.
    fn reads(&self) -> Reads {
        match (self.decimals, self.by_other, self.separators) {
            (1.., _, _) | (0, true, 2..) => Reads::OneWay,
            (0, true, _) => Reads::TwoWays,
            (0, false, _) => Reads::Same,
        }
    }
}

/// What a number says about the decimal separator, as the general reader's inference
/// weighs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// Either separator gives the same number (no separator, or spaces grouping it).
    Same,
    /// Only the file's separator reads it: it proves the column's separator.
    OneWay,
    /// Both read it, as different numbers: the column's proof (or the file's) decides.
    TwoWays,
}

/// Reads a number with its thousands grouped ([`Grouped`]), `sep` its decimal separator;
/// `None` for anything else.
fn ungroup(b: &[u8], sep: u8) -> Option<Grouped> {
    let other = if sep == b',' { b'.' } else { b',' };
    let (neg, rest) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let (int, frac) = match rest.iter().position(|&c| c == sep) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    if rest.len() > int.len() && frac.is_empty() {
        return None; // a separator with no decimals after it
    }
    let mut v: i64 = 0;
    let mut digits = 0usize; // all digits read
    let mut group = 0usize; // digits in the current group
    let mut groups = 0usize;
    let mut kind = None; // 0: spaces, 1: apostrophes, 2: the other separator
    let mut i = 0;
    while i < int.len() {
        let c = int[i];
        if c.is_ascii_digit() {
            if groups == 0 && group == 0 && c == b'0' {
                return None; // a first group starting with 0
            }
            v = v.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
            digits += 1;
            group += 1;
            i += 1;
            continue;
        }
        let (k, len) = match &int[i..] {
            [b' ', ..] => (0, 1),
            [0xC2, 0xA0, ..] => (0, 2),
            [0xE2, 0x80, 0xAF | 0x89, ..] => (0, 3),
            [b'\'', ..] => (1, 1),
            [0xE2, 0x80, 0x99, ..] => (1, 3),
            [c, ..] if *c == other => (2, 1),
            _ => return None,
        };
        if *kind.get_or_insert(k) != k {
            return None; // two kinds of grouping
        }
        let ok = if groups == 0 {
            (1..=3).contains(&group)
        } else {
            group == 3
        };
        if !ok {
            return None;
        }
        groups += 1;
        group = 0;
        i += len;
    }
    if groups == 0 || group != 3 || digits > 15 {
        return None;
    }
    for &c in frac {
        if !c.is_ascii_digit() || digits >= 18 {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
        digits += 1;
    }
    if neg && v == 0 {
        return None;
    }
    Some(Grouped {
        value: if neg { -v } else { v },
        int_digits: digits - frac.len(),
        decimals: frac.len(),
        by_other: kind == Some(2),
        separators: groups,
    })
}

/// [`parse_money`] for an amount with its thousands grouped ([`ungroup`]): at most two
/// decimals; with how it reads.
fn parse_money_grouped(b: &[u8], sep: u8) -> Option<NumberRead> {
    let g = ungroup(b, sep)?;
    let units = g.value.checked_mul(*TO_UNITS.get(g.decimals)?)?;
    Some(((units, g.decimals as u8), g.reads()))
}

/// [`parse_number`] for a quantity or price with its thousands grouped ([`ungroup`]): at
/// most twelve integer digits and six decimals; with how it reads.
fn parse_number_grouped(b: &[u8], sep: u8) -> Option<NumberRead> {
    let g = ungroup(b, sep)?;
    (g.int_digits <= 12 && g.decimals <= 6).then_some(((g.value, g.decimals as u8), g.reads()))
}

/// Parses a quantity or price `-?digits(.digits)?` (with `sep`, `.` or `,`, as the decimal
/// separator) into its digits as an integer and the number of decimals written: at most
/// twelve integer digits and six decimals. Anything else is left to the general reader
/// (`None`).
#[inline]
fn parse_number(b: &[u8], sep: u8) -> Option<(i64, u8)> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let int_len = digits.iter().take_while(|c| c.is_ascii_digit()).count();
    if int_len == 0 || int_len > 12 {
        return None;
    }
    let frac = match &digits[int_len..] {
        [] => &[][..],
        [s, rest @ ..] if *s == sep && !rest.is_empty() && rest.len() <= 6 => rest,
        _ => return None,
    };
    let mut v: i64 = 0;
    for &c in digits[..int_len].iter().chain(frac) {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    if neg && v == 0 {
        return None;
    }
    Some((if neg { -v } else { v }, frac.len() as u8))
}

/// Whether a number [`parse_number`] read with three decimals also reads, with the other
/// separator grouping thousands, as another number: `1.500` is 1.5 or 1500, `1,500` 1.5
/// or 1500. The general reader's grouping wants one to three digits before the separator,
/// not starting with `0`, so `0,500` and `1234,500` read only one way: they prove the
/// separator.
#[inline]
fn reads_both_ways(text: &[u8]) -> bool {
    let int = text.strip_prefix(b"-").unwrap_or(text);
    // Digits, the separator, three decimals.
    (5..=7).contains(&int.len()) && !int.starts_with(b"0")
}

/// How a negative number is written besides with a leading `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    /// SAP's list output: `1.234,56-` (or with `−`, U+2212).
    TrailingMinus,
    /// Accounting: `(45.00)`.
    Parentheses,
    /// A leading `−` (U+2212).
    UnicodeMinus,
}

impl Sign {
    /// The general reader's note for each, by `Sign as usize`.
    const NOTES: [&'static str; 3] = [
        "trailing minus (SAP list output) read as negative",
        "parentheses read as negative",
        "Unicode minus sign read as negative",
    ];
}

/// The digits of a number written negative otherwise than with a leading `-`
/// (`1.234,56-`, `(45.00)`, `−5`, `5−`), and how; `None` for anything else (spaces
/// around the sign, two signs, a currency beside it: the general reader's).
fn unusual_sign(b: &[u8]) -> Option<(&[u8], Sign)> {
    const MINUS: &[u8] = "−".as_bytes();
    let (body, sign) = if let Some(body) = b.strip_suffix(b"-") {
        (body, Sign::TrailingMinus)
    } else if let Some(body) = b.strip_suffix(MINUS) {
        (body, Sign::TrailingMinus)
    } else if let Some(body) = b.strip_prefix(b"(").and_then(|r| r.strip_suffix(b")")) {
        (body, Sign::Parentheses)
    } else if let Some(body) = b.strip_prefix(MINUS) {
        (body, Sign::UnicodeMinus)
    } else {
        return None;
    };
    digits_at_ends(body).then_some((body, sign))
}

/// Whether `b` starts and ends with an ASCII digit.
fn digits_at_ends(b: &[u8]) -> bool {
    let digit = |b: Option<&u8>| b.is_some_and(u8::is_ascii_digit);
    digit(b.first()) && digit(b.last())
}

/// How a number [`parse_number`] read with `scale` decimals reads under the general
/// reader's inference ([`Reads`]).
#[inline]
fn plain_reads(text: &[u8], scale: u8) -> Reads {
    match scale {
        3 if reads_both_ways(text) => Reads::TwoWays,
        1.. => Reads::OneWay,
        0 => Reads::Same,
    }
}

/// A date as written, before its column's order of day and month is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WrittenDate {
    /// A valid year-first date, in ISO form.
    YearFirst([u8; 10]),
    /// Two numbers of one or two digits (zero-padded here) and a four-digit year; `dotted`
    /// when separated by dots.
    YearLast {
        first: [u8; 2],
        second: [u8; 2],
        year: [u8; 4],
        dotted: bool,
    },
}

/// The date part of a date cell as the general reader splits it: three runs of digits
/// separated by the first of `.`, `/` and `-` (the same one twice), either a four-digit
/// year and one- or two-digit month and day, or two one- or two-digit numbers and a
/// four-digit year. `None` for anything else (two-digit years, serials, an invalid
/// year-first date).
fn written_date(d: &[u8]) -> Option<WrittenDate> {
    let sep = *d.iter().find(|b| matches!(b, b'.' | b'/' | b'-'))?;
    let mut fields = d.split(|&b| b == sep);
    let (a, b, c) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() {
        return None;
    }
    let digits = |f: &[u8], lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&f.len()) && f.iter().all(u8::is_ascii_digit)
    };
    // One or two digits as two.
    let two = |f: &[u8]| match *f {
        [x] => [b'0', x],
        [x, y] => [x, y],
        _ => [b'0'; 2],
    };
    let four = |f: &[u8]| -> Option<[u8; 4]> { f.try_into().ok() };
    if a.len() == 4 {
        if !(digits(a, 4..=4) && digits(b, 1..=2) && digits(c, 1..=2)) {
            return None;
        }
        return iso_date(four(a)?, two(b), two(c)).map(WrittenDate::YearFirst);
    }
    if !(digits(a, 1..=2) && digits(b, 1..=2) && digits(c, 4..=4)) {
        return None;
    }
    Some(WrittenDate::YearLast {
        first: two(a),
        second: two(b),
        year: four(c)?,
        dotted: sep == b'.',
    })
}

/// The ISO form (`YYYY-MM-DD`) of a valid date; `None` for an invalid one.
fn iso_date(year: [u8; 4], month: [u8; 2], day: [u8; 2]) -> Option<[u8; 10]> {
    let [y0, y1, y2, y3] = year;
    let iso = [
        y0, y1, y2, y3, b'-', month[0], month[1], b'-', day[0], day[1],
    ];
    is_iso_date(&iso).then_some(iso)
}

/// Whether `time` is a time of day the general reader drops from a date-time: `H:MM` or
/// `H:MM:SS` in range, optionally with fractions of a second, AM/PM, `Z` or a UTC offset,
/// as it reads them; ASCII with no space at either end (more spaces are its to trim).
fn is_plain_time(time: &[u8]) -> bool {
    let spaced = |b: Option<&u8>| b.is_some_and(u8::is_ascii_whitespace);
    time.is_ascii()
        && !spaced(time.first())
        && !spaced(time.last())
        && std::str::from_utf8(time).is_ok_and(super::locale::date::is_time_of_day)
}

/// Whether `d` is a valid ISO calendar date `YYYY-MM-DD` (years 1 to 9999, as the general
/// reader's).
fn is_iso_date(d: &[u8; 10]) -> bool {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        d[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if d[4] != b'-' || d[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if y == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Bits of one stretch of up to 64 bytes, bit `i` for byte `i`.
#[derive(Clone, Copy)]
struct Masks {
    /// Structural bytes: the delimiter, `\n`, `\r` and `"`.
    all: u64,
    /// Non-ASCII bytes.
    hi: u64,
    /// `\n`.
    nl: u64,
    /// Whether the stretch holds a `\r` or a `"`: without them, each structural byte is
    /// a delimiter or a newline ([`scan_buffer`]'s plain lane).
    special: bool,
}

/// [`Masks`] of one 64-byte stretch.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn masks(b: &[u8; 64], delim: u8) -> Masks {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86_64 baseline; the four unaligned 16-byte loads stay
    // inside the 64-byte array.
    unsafe {
        let comma = _mm_set1_epi8(delim as i8);
        let nl = _mm_set1_epi8(b'\n' as i8);
        let cr = _mm_set1_epi8(b'\r' as i8);
        let q = _mm_set1_epi8(b'"' as i8);
        let mut m = 0u64;
        let mut hi = 0u64;
        let mut newlines = 0u64;
        let mut special = _mm_setzero_si128();
        for k in 0..4 {
            let v = _mm_loadu_si128(b.as_ptr().add(16 * k) as *const __m128i);
            let is_nl = _mm_cmpeq_epi8(v, nl);
            let is_special = _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, q));
            special = _mm_or_si128(special, is_special);
            let hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), is_nl), is_special);
            m |= u64::from(_mm_movemask_epi8(hit) as u16) << (16 * k);
            newlines |= u64::from(_mm_movemask_epi8(is_nl) as u16) << (16 * k);
            hi |= u64::from(_mm_movemask_epi8(v) as u16) << (16 * k);
        }
        Masks {
            all: m,
            hi,
            nl: newlines,
            special: _mm_movemask_epi8(special) != 0,
        }
    }
}

/// [`Masks`] of one 64-byte stretch.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn masks(b: &[u8; 64], delim: u8) -> Masks {
    tail_masks(b, delim)
}

/// [`masks`] for a stretch shorter than 64 bytes.
#[inline]
fn tail_masks(b: &[u8], delim: u8) -> Masks {
    let mut out = Masks {
        all: 0,
        hi: 0,
        nl: 0,
        special: false,
    };
    for (i, &c) in b.iter().enumerate() {
        let special = matches!(c, b'\r' | b'"');
        out.all |= u64::from(c == delim || c == b'\n' || special) << i;
        out.hi |= u64::from(c >= 0x80) << i;
        out.nl |= u64::from(c == b'\n') << i;
        out.special |= special;
    }
    out
}

/// Outcome of scanning a buffer.
enum Scanned {
    /// Records up to this offset were added; the rest is an incomplete record (or lies
    /// beyond the range).
    Consumed(usize),
    /// The range is done.
    Done,
    /// The data end inside a quoted field: in a code page's part (read to exactly its
    /// range) the split fell inside a field with a line break; at the file's end the quote
    /// is the general reader's to report.
    OpenQuote,
}

/// Adds the complete records of `buf` that start before `end - base` to `part`.
/// `buf[0]` is at file offset `base` and starts a record. `None`: not handled.
fn scan_buffer(
    buf: &[u8],
    base: u64,
    end: u64,
    eof: bool,
    layout: &Layout,
    part: &mut Part,
    queue: &mut Queue,
) -> Option<Scanned> {
    let n = buf.len();
    let ncols = layout.role.len();
    let delim = layout.delim;
    let mut pos = 0usize; // start of the current record
    let mut field_ix = 0usize;
    let mut fstart = 0usize;
    let mut quoted = false; // inside a quoted field
    let mut escaped = false; // the current quoted field holds `""`
    let mut closed_at = usize::MAX; // where the current quoted field's closing quote is
    let mut skip_to = 0usize; // bits before this were consumed (the second quote of `""`)
    let mut cr_at = usize::MAX;
    // Line breaks inside the current record's quoted fields.
    let mut rec_breaks = 0u64;
    let mut rec_hi = false; // a non-ASCII byte in the current record's earlier stretches
    // The first and the last non-ASCII byte of the record's earlier stretches (when
    // `rec_hi`): only the bytes from the record's first to its last non-ASCII byte need
    // checking for UTF-8, since ASCII bytes are UTF-8 on their own and never part of a
    // longer sequence.
    let mut first_hi = 0usize;
    let mut last_hi = 0usize;
    if base >= end {
        part.stop = base;
        return Some(Scanned::Done);
    }
    // Spans of earlier calls point into bytes since moved.
    part.last_identity = None;
    // The spans of the record being read. Kept here rather than written to the record's
    // slot of the queue: stores to the stack need no reload of what else the loop reads
    // (through the slot, 32 more instructions a line).
    let mut spans = [Span::default(); Field::ALL.len()];
    let mut hi_from; // first bit of the stretch's `hi` in the current record
    // The end of a record at the newline at `p` (bit `off` of the stretch's masks): the
    // record is `[pos, p)`, or `[pos, p - 1)` after a `\r`.
    macro_rules! newline {
        ($p:expr, $off:expr, $hi:expr) => {{
            let (p, off, hi): (usize, usize, u64) = ($p, $off, $hi);
            let fend = if cr_at == p.wrapping_sub(1) { cr_at } else { p };
            let span = if closed_at != usize::MAX {
                Span::new(fstart + 1, closed_at, escaped)
            } else {
                Span::new(fstart, fend, false)
            };
            if fend == pos || field_ix + 1 != ncols {
                return None; // a blank line or a row of another width
            }
            let role = *layout.role.get(field_ix)?;
            if role != NONE {
                spans[role as usize] = span;
            }
            // The record's non-ASCII bytes in this stretch, from bit `hi_from`.
            let here = (hi >> hi_from) & low_bits(off - hi_from);
            if rec_hi || here != 0 {
                let at = p - off + hi_from; // the byte of bit `hi_from`
                let first = if rec_hi {
                    first_hi
                } else {
                    at + here.trailing_zeros() as usize
                };
                let last = if here != 0 {
                    at + 63 - here.leading_zeros() as usize
                } else {
                    last_hi
                };
                if std::str::from_utf8(buf.get(first..=last)?).is_err() {
                    return None;
                }
            }
            let line = Span::new(pos, fend, false);
            if layout.others {
                part.other_cells(&buf[line.range()], layout)?;
            }
            if rec_breaks != 0 {
                // The record's row: the part's rows so far and the records queued before
                // it (each is added, in order, as one row).
                let row = part.rows + (queue.queued - queue.added) as u64;
                part.extra.breaks.push((row, rec_breaks));
                rec_breaks = 0;
            }
            queue.push(part, buf, &spans, line, layout)?;
            pos = p + 1;
            hi_from = off + 1;
            rec_hi = false;
            field_ix = 0;
            fstart = pos;
            closed_at = usize::MAX;
            escaped = false;
            if base + pos as u64 >= end {
                queue.flush(part, buf, layout)?;
                part.stop = base + pos as u64;
                return Some(Scanned::Done);
            }
        }};
    }
    // The end of a stretch (at `chunk`, non-ASCII bytes `hi`) in the middle of a record:
    // its non-ASCII bytes in the record are noted.
    macro_rules! note_hi {
        ($chunk:expr, $hi:expr) => {{
            let (chunk, hi): (usize, u64) = ($chunk, $hi);
            if hi_from < 64 && (hi >> hi_from) != 0 {
                if !rec_hi {
                    first_hi = chunk + hi_from + (hi >> hi_from).trailing_zeros() as usize;
                    rec_hi = true;
                }
                last_hi = chunk + 63 - hi.leading_zeros() as usize;
            }
        }};
    }
    let mut chunk = 0usize;
    while chunk < n {
        let m = if chunk + 64 <= n {
            masks(buf[chunk..chunk + 64].try_into().ok()?, delim)
        } else {
            tail_masks(&buf[chunk..], delim)
        };
        let (mut mask, hi) = (m.all, m.hi);
        hi_from = pos.max(chunk) - chunk;
        if !m.special && !quoted && closed_at == usize::MAX {
            // The plain lane: no quote and no `\r` in the stretch, none open before it;
            // each bit is a delimiter or a newline, told apart by the newline mask.
            while mask != 0 {
                let off = mask.trailing_zeros() as usize;
                let p = chunk + off;
                mask &= mask - 1;
                if (m.nl >> off) & 1 == 0 {
                    let role = *layout.role.get(field_ix)?;
                    if role != NONE {
                        spans[role as usize] = Span::new(fstart, p, false);
                    }
                    field_ix += 1;
                    fstart = p + 1;
                } else {
                    newline!(p, off, hi);
                }
            }
            // The stretch's end, as after the general loop below. Written once, with the
            // two loops as an if/else, the scan took 39 more instructions a line
            // (cachegrind, 1M-row bench ledger).
            note_hi!(chunk, hi);
            chunk += 64;
            continue;
        }
        while mask != 0 {
            let off = mask.trailing_zeros() as usize;
            let p = chunk + off;
            mask &= mask - 1;
            if p < skip_to {
                continue;
            }
            let c = buf[p];
            if quoted {
                match c {
                    b'"' => {
                        if p + 1 >= n {
                            if eof {
                                quoted = false;
                                closed_at = p;
                                continue;
                            }
                            queue.flush(part, buf, layout)?;
                            return Some(Scanned::Consumed(pos));
                        }
                        if buf[p + 1] == b'"' {
                            escaped = true;
                            skip_to = p + 2;
                        } else {
                            quoted = false;
                            closed_at = p;
                            let next = buf[p + 1];
                            if next != delim && !matches!(next, b'\n' | b'\r') {
                                return None; // text after the closing quote
                            }
                        }
                    }
                    c if c == delim => {}
                    // A line break in a quoted field (Excel's Alt+Enter) is part of the
                    // field, as for the general reader, and the record goes on.
                    b'\n' => rec_breaks += 1,
                    // The general reader writes a `\r` in quotes as `\n`: its line.
                    _ => return None,
                }
                continue;
            }
            match c {
                c if c == delim => {
                    let span = if closed_at != usize::MAX {
                        Span::new(fstart + 1, closed_at, escaped)
                    } else {
                        Span::new(fstart, p, false)
                    };
                    let role = *layout.role.get(field_ix)?;
                    if role != NONE {
                        spans[role as usize] = span;
                    }
                    field_ix += 1;
                    fstart = p + 1;
                    closed_at = usize::MAX;
                    escaped = false;
                }
                b'"' => {
                    if p != fstart {
                        return None; // a quote inside an unquoted field
                    }
                    quoted = true;
                }
                b'\r' => {
                    if p + 1 >= n {
                        if eof {
                            return None;
                        }
                        queue.flush(part, buf, layout)?;
                        return Some(Scanned::Consumed(pos));
                    }
                    if buf[p + 1] != b'\n' {
                        return None; // a lone carriage return
                    }
                    cr_at = p;
                }
                _ => newline!(p, off, hi),
            }
        }
        note_hi!(chunk, hi);
        chunk += 64;
    }
    queue.flush(part, buf, layout)?;
    if pos >= n || !eof {
        return Some(if eof {
            part.stop = base + n as u64;
            Scanned::Done
        } else {
            Scanned::Consumed(pos)
        });
    }
    if quoted {
        return Some(Scanned::OpenQuote);
    }
    // The last record has no newline: end it as if it had one (in another buffer).
    part.keep_order_lines(buf)?;
    let mut with_nl = buf[pos..].to_vec();
    with_nl.push(b'\n');
    match scan_buffer(
        &with_nl,
        base + pos as u64,
        u64::MAX,
        true,
        layout,
        part,
        queue,
    )? {
        Scanned::Done | Scanned::Consumed(_) => {
            part.stop = base + n as u64;
            Some(Scanned::Done)
        }
        // The record was ended with a newline outside quotes.
        Scanned::OpenQuote => None,
    }
}

/// The cells of a record (no newline inside) delimited by `delim`, with quotes undone.
fn cells(line: &[u8], delim: u8) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cell = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < line.len() {
        match (quoted, line[i]) {
            (true, b'"') if line.get(i + 1) == Some(&b'"') => {
                cell.push(b'"');
                i += 1;
            }
            (true, b'"') => quoted = false,
            (false, b'"') => quoted = true,
            (false, c) if c == delim => out.push(std::mem::take(&mut cell)),
            (_, c) => cell.push(c),
        }
        i += 1;
    }
    out.push(cell);
    out
}

/// The `n` lowest bits set (`n` ≤ 64).
#[inline]
fn low_bits(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// Scans the records that start in `[start, end)`; `start` is a record start.
fn scan(
    path: &Path,
    start: u64,
    end: u64,
    layout: &Layout,
    progress: Option<&AtomicU64>,
    code_page: Option<&CodePage>,
) -> Option<Part> {
    if let Some(c) = code_page {
        return scan_decoded(path, start, end, layout, progress, c);
    }
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut part = Part::new(layout);
    let mut queue = Queue::new();
    let mut buf = vec![0u8; BLOCK];
    let mut filled = 0;
    let mut base = start;
    loop {
        if filled == buf.len() {
            // A record longer than the block; spans hold 32-bit offsets.
            if buf.len() * 2 > MAX_BUFFER {
                return None;
            }
            buf.resize(buf.len() * 2, 0);
        }
        let n = read_full(&mut f, &mut buf[filled..]).ok()?;
        if let Some(p) = progress {
            // Only this part's bytes: the last block may reach into the next part.
            let from = base + filled as u64;
            p.fetch_add(
                (from + n as u64).min(end).saturating_sub(from),
                Ordering::Relaxed,
            );
        }
        filled += n;
        let eof = filled < buf.len();
        match scan_buffer(
            &buf[..filled],
            base,
            end,
            eof,
            layout,
            &mut part,
            &mut queue,
        )? {
            Scanned::Done => {
                part.settle_identities()?;
                return Some(part);
            }
            Scanned::Consumed(used) => {
                if eof {
                    part.settle_identities()?;
                    return Some(part);
                }
                part.keep_order_lines(&buf[..filled])?;
                buf.copy_within(used..filled, 0);
                filled -= used;
                base += used as u64;
            }
            // This part reads past its range to the end of its last record: a quote open
            // at the end is the file's, the general reader's to report.
            Scanned::OpenQuote => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reading option but a worksheet and exchange rates is passed to the fast path.
    #[test]
    fn reading_options_reach_the_fast_path_but_a_sheet_or_rates() {
        use super::super::ReadOptions;
        use super::super::locale::date::DateFormat;
        use super::super::locale::number::DecimalSep;
        use super::super::locale::sniff::Delimiter;
        let options = ReadOptions {
            encoding: Some(Encoding::Windows1251),
            delimiter: Some(Delimiter::Semicolon),
            decimal: Some(DecimalSep::Comma),
            date_format: Some(DateFormat::DayMonthYear),
            columns: "supplier_id=LiefNr".parse().expect("a mapping"),
            ..ReadOptions::default()
        };
        let fast = FastOptions::reading(&options).expect("the fast path's");
        assert_eq!(fast.encoding, Some(Encoding::Windows1251));
        assert_eq!(fast.delimiter, Some(Delimiter::Semicolon));
        assert_eq!(fast.decimal, Some(DecimalSep::Comma));
        assert_eq!(fast.date_format, Some(DateFormat::DayMonthYear));
        assert_eq!(fast.columns, Some(&options.columns));
        assert_eq!(fast.threads, 0);
        let sheet = ReadOptions {
            sheet: Some("Purchases".into()),
            ..ReadOptions::default()
        };
        assert!(FastOptions::reading(&sheet).is_none());
        let fx =
            super::super::fx::FxTable::parse(Path::new("fx.csv"), "from,to,rate\nUSD,EUR,0.9\n")
                .expect("rates");
        let rates = ReadOptions {
            fx: Some(fx),
            ..ReadOptions::default()
        };
        assert!(FastOptions::reading(&rates).is_none());
    }

    #[test]
    fn money_parses_to_ten_thousandths_with_its_scale() {
        assert_eq!(parse_money(b"19.05", b'.'), Some((190_500, 2)));
        assert_eq!(parse_money(b"-3.5", b'.'), Some((-35_000, 1)));
        assert_eq!(parse_money(b"007", b'.'), Some((70_000, 0)));
        assert_eq!(parse_money(b"19,05", b','), Some((190_500, 2)));
        assert_eq!(parse_money(b"-3,5", b','), Some((-35_000, 1)));
        assert_eq!(parse_money(b"007", b','), Some((70_000, 0)));
        // Up to four decimals, as ERP prices and Excel's computed amounts carry them.
        assert_eq!(parse_money(b"1.234", b'.'), Some((12_340, 3)));
        assert_eq!(parse_money(b"-0.0512", b'.'), Some((-512, 4)));
        assert_eq!(parse_money(b"19,0512", b','), Some((190_512, 4)));
        // The largest value taken: an i64 of ten-thousandths.
        assert_eq!(
            parse_money(b"922337203685477.5807", b'.'),
            Some((i64::MAX, 4))
        );
        assert_eq!(parse_money(b"922337203685477.5808", b'.'), None);
        assert_eq!(parse_money(b"999999999999999.99", b'.'), None);
        for other in [
            &b"19.05"[..],
            // More digits than an i64 holds: refused, not overflowed.
            b"79228162514264337593543950335",
            b"-99999999999999999999.99",
            b"1.234,56",
            b"1 234,56",
            b",5",
            b"5,",
            b"-0,00",
            b"1,23456",
        ] {
            assert_eq!(
                parse_money(other, b','),
                None,
                "{}",
                String::from_utf8_lossy(other)
            );
        }
        for other in [
            &b""[..],
            b"-",
            b"+1",
            b".5",
            b"5.",
            b"1.23456",
            b"0.0000000001",
            b"1,5",
            b"-0",
            b"-0.00",
            b"1e5",
            b"1234567890123456",
        ] {
            assert_eq!(
                parse_money(other, b'.'),
                None,
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[test]
    fn decimals_keep_the_scale_of_the_sum() {
        assert_eq!(to_decimal(40_000, 2).to_string(), "4.00");
        assert_eq!(to_decimal(45_000, 1).to_string(), "4.5");
        assert_eq!(to_decimal(-70_000, 0).to_string(), "-7");
        assert_eq!(to_decimal(45_120, 4).to_string(), "4.5120");
    }

    #[test]
    fn a_tab_files_decimal_separator_is_the_one_its_numbers_prove() {
        let decided = |data: &str| {
            let mut layout = Layout::from_header(b"supplier_id\tquantity\tamount", &Mapping::new())
                .expect("a header");
            assert_eq!(layout.delim, b'\t');
            layout.decide_decimal(format!("\n{data}").as_bytes());
            char::from(layout.decimal)
        };
        assert_eq!(decided("S1\t1\t1.234,56\nS2\t1\t5\n"), ',');
        assert_eq!(decided("S1\t2\t19,05\n"), ',');
        assert_eq!(decided("S1\t2\t19.05\n"), '.');
        assert_eq!(decided("S1\t\"1,500\"\t1\n"), '.'); // reads two ways: no proof
        assert_eq!(decided("S1\t1\t7\n"), '.');
        // The last line may be cut at the end of the head: it is not weighed.
        assert_eq!(decided("S1\t2\t19.05\nS2\t1\t2,5"), '.');
    }

    #[test]
    fn headers_map_as_the_general_reader_maps_them() {
        assert!(Layout::from_header(b"supplier_id,amount\r", &Mapping::new()).is_some());
        let aliases = Layout::from_header(b"Supplier ID,Net amount,Vendor Name", &Mapping::new())
            .expect("aliases");
        assert_eq!(aliases.column[Field::SupplierName as usize], Some(2));
        assert_eq!(
            aliases.role,
            [
                Field::SupplierId as u8,
                Field::Amount as u8,
                Field::SupplierName as u8
            ]
        );
        assert!(Layout::from_header(b"supplier_id,amount,vendor", &Mapping::new()).is_none());
        // A column it does not map is skipped, as the general reader skips it.
        let other = Layout::from_header(b"status,supplier_id,amount", &Mapping::new())
            .expect("other column");
        assert_eq!(
            other.role,
            [NONE, Field::SupplierId as u8, Field::Amount as u8]
        );
        // Quoted names are unquoted as the general reader's splitter unquotes them.
        let quoted = Layout::from_header(b"\"Vendor\",\"Amount, EUR\",\"Note\"", &Mapping::new())
            .expect("quoted names");
        assert_eq!(quoted.names, ["Vendor", "Amount, EUR", "Note"]);
        assert_eq!(quoted.column[Field::Amount as usize], Some(1));
        // Names with quotes inside, names the general reader trims, and text after a
        // closing quote are its to read.
        assert!(
            Layout::from_header(b"\"Vendor\",amount,\"Note \"\"x\"\"\"", &Mapping::new()).is_none()
        );
        assert!(Layout::from_header(b"\" Vendor\",amount", &Mapping::new()).is_none());
        assert!(Layout::from_header(b"\"Vendor\"x,amount", &Mapping::new()).is_none());
        // An empty name (a delimiter ending every line) heads a column skipped too.
        let trailing = Layout::from_header(b"supplier_id,amount,", &Mapping::new())
            .expect("trailing delimiter");
        assert_eq!(trailing.role[2], NONE);
        assert!(Layout::from_header(b"supplier_id,amount,amount", &Mapping::new()).is_none());
        assert!(Layout::from_header(b"supplier_id,category", &Mapping::new()).is_none());
        let eu =
            Layout::from_header(b"supplier_id;amount;date\r", &Mapping::new()).expect("semicolons");
        assert_eq!((eu.delim, eu.decimal), (b';', b','));
        assert_eq!(eu.column[Field::Date as usize], Some(2));
        // A header split at the wrong delimiter names no field.
        assert!(Layout::from_header(b"supplier_id;amount,date", &Mapping::new()).is_none());
    }

    #[test]
    fn order_ids_that_are_totals_or_padded_are_not_plain() {
        for plain in [&b"PO00000001"[..], b"CN17", b"S-1", b"42", b""] {
            assert!(plain_cell(plain), "{}", String::from_utf8_lossy(plain));
        }
        for not in [
            &b"Total"[..],
            b"TOTAL:",
            b"Summe",
            b" PO1",
            b"PO1 ",
            b"***",
            "Итого".as_bytes(),
            "PO1\u{a0}".as_bytes(),
        ] {
            assert!(!plain_cell(not), "{}", String::from_utf8_lossy(not));
        }
    }

    proptest::proptest! {
        /// Texts in one buffer give back each text pushed, empty ones included.
        #[test]
        fn texts_give_back_what_was_pushed(texts in proptest::collection::vec(".{0,6}", 0..30)) {
            let mut t = Texts::default();
            for s in &texts {
                t.push(s).expect("fits");
            }
            proptest::prop_assert_eq!(t.len(), texts.len());
            for (i, s) in texts.iter().enumerate() {
                proptest::prop_assert_eq!(t.get(i), Some(s.as_str()));
            }
            proptest::prop_assert_eq!(t.get(texts.len()), None);
            proptest::prop_assert_eq!(t.iter().collect::<Vec<_>>(), texts.iter().map(String::as_str).collect::<Vec<_>>());
        }

        #[test]
        fn same_bytes_is_equality(a in proptest::collection::vec(0u8..4, 0..40),
                                  b in proptest::collection::vec(0u8..4, 0..40)) {
            proptest::prop_assert_eq!(same_bytes(&a, &b), a == b);
            proptest::prop_assert!(same_bytes(&a, &a));
        }
    }

    #[test]
    fn packed_fields_are_their_bytes_and_length_whatever_follows() {
        let buf = b"ab,abc,,0123456789abcdef,x";
        let key = |start, end| pack(buf, Span::new(start, end, false));
        assert_eq!(
            key(0, 2),
            Some(u128::from_le_bytes(*b"ab\0\0\0\0\0\0\0\0\0\0\0\0\0\x02"))
        );
        // The same bytes packed apart from the buffer, and at its very end.
        assert_eq!(key(0, 2), pack_bytes(b"ab"));
        assert_eq!(key(25, 26), pack_bytes(b"x"));
        // A prefix is another key, the same bytes elsewhere the same; the empty field is 0.
        assert_ne!(key(0, 2), key(3, 6));
        assert_eq!(key(0, 2), key(3, 5));
        assert_eq!(key(7, 7), Some(0));
        for len in 0..=15 {
            let id = &b"0123456789abcdef"[..len];
            let k = pack(buf, Span::new(8, 8 + len, false)).unwrap();
            assert_eq!(k.to_le_bytes()[..len], *id);
            assert!(k.to_le_bytes()[len..15].iter().all(|&b| b == 0));
            assert_eq!(k >> 120, len as u128);
        }
        // Sixteen bytes or more, or escaped, are not packed.
        assert_eq!(key(8, 24), None);
        assert_eq!(pack(buf, Span::new(0, 2, true)), None);
        assert_eq!(pack(buf, Span::new(7, 7, true)), None);
    }

    #[test]
    fn a_span_keeps_its_escape_flag_apart_from_its_bytes() {
        let last = MAX_BUFFER - 1;
        for escaped in [false, true] {
            let s = Span::new(5, last, escaped);
            assert_eq!(s.range(), 5..last);
            assert_eq!(s.escaped(), escaped);
            assert!(!s.is_empty());
            let e = Span::new(last, last, escaped);
            assert!(e.is_empty());
            assert_eq!(e.escaped(), escaped);
        }
        assert_eq!(std::mem::size_of::<Span>(), 8);
    }

    #[test]
    fn records_are_the_same_cell_for_cell_quoted_or_not() {
        assert!(same_cells(b"PO1,S1,3.81", b"PO1,S1,3.81", b','));
        assert!(same_cells(b"PO1,\"A, B\",1", b"PO1,\"A, B\",1", b','));
        // Quotes around a cell that needs none: the same cells, other bytes.
        assert!(same_cells(b"PO1,\"S1\",3.81", b"PO1,S1,3.81", b','));
        assert!(same_cells(b"PO1,S1,3.81", b"PO1,\"S1\",3.81", b','));
        assert!(same_cells(b"\"a \"\"b\"\"\";1", b"\"a \"\"b\"\"\";1", b';'));
        assert!(!same_cells(b"PO1,S1,3.81", b"PO1,S2,3.81", b','));
        assert!(!same_cells(b"PO1,\"S1\",3.81", b"PO1,\"S2\",3.81", b','));
        assert!(!same_cells(b"PO1,\"S1,3\",81", b"PO1,S1,3,81", b','));
    }

    #[test]
    fn iso_dates_are_checked() {
        assert!(is_iso_date(b"2024-02-29"));
        assert!(!is_iso_date(b"2025-02-29"));
        assert!(!is_iso_date(b"2025-13-01"));
        assert!(!is_iso_date(b"31.12.2025"));
        // The general reader's years run from 1.
        assert!(!is_iso_date(b"0000-01-01"));
    }

    /// A date part's ISO forms day-first and month-first, as the fast path reads it.
    fn fast_reads(d: &str) -> [Option<String>; 2] {
        let text = |iso: Option<[u8; 10]>| iso.map(|i| String::from_utf8_lossy(&i).into_owned());
        match written_date(d.as_bytes()) {
            None => [None, None],
            Some(WrittenDate::YearFirst(iso)) => [text(Some(iso)), text(Some(iso))],
            Some(WrittenDate::YearLast {
                first,
                second,
                year,
                ..
            }) => [
                text(iso_date(year, second, first)),
                text(iso_date(year, first, second)),
            ],
        }
    }

    /// The same as the general reader reads it.
    fn general_reads(d: &str) -> [Option<String>; 2] {
        use crate::ledger::locale::date::{DateFormat, parse_date};
        [DateFormat::DayMonthYear, DateFormat::MonthDayYear]
            .map(|f| parse_date(d, f).ok().map(|date| date.to_string()))
    }

    #[test]
    fn dates_are_read_both_ways_and_checked() {
        let reads = |a: Option<&str>, b: Option<&str>| [a.map(String::from), b.map(String::from)];
        let cases = [
            // Day-first only, month-first only, both ways, the same either way.
            ("29.02.2024", reads(Some("2024-02-29"), None)),
            ("12/31/2025", reads(None, Some("2025-12-31"))),
            ("3/4/2025", reads(Some("2025-04-03"), Some("2025-03-04"))),
            ("05-05-2025", reads(Some("2025-05-05"), Some("2025-05-05"))),
            // Year-first in any of the separators, with short months and days.
            ("2025/3/4", reads(Some("2025-03-04"), Some("2025-03-04"))),
            ("2025.03.04", reads(Some("2025-03-04"), Some("2025-03-04"))),
            // No date either way.
            ("29.02.2025", reads(None, None)),
            ("13/13/2025", reads(None, None)),
            ("00.01.2025", reads(None, None)),
            ("01.01.0000", reads(None, None)),
            ("3/4/25", reads(None, None)),
            ("2025-02-30", reads(None, None)),
            ("03/04-2025", reads(None, None)),
            ("1.2.2025.", reads(None, None)),
            ("01.02.20x5", reads(None, None)),
            ("45000", reads(None, None)),
            ("", reads(None, None)),
        ];
        for (d, want) in cases {
            assert_eq!(fast_reads(d), want, "{d}");
            assert_eq!(general_reads(d), want, "{d} (general reader)");
        }
    }

    proptest::proptest! {
        /// Whatever the date part, the fast path reads it as the general reader does, in
        /// either order of day and month.
        #[test]
        fn dates_read_as_the_general_reader_reads_them(d in proptest::prop_oneof![
            "[0-9]{0,4}[./-]?[0-9]{0,3}[./-]?[0-9]{0,5}",
            // Near-dates: days and months around their limits, leap years, year 0.
            "(0?[0-9]|[12][0-9]|3[0-2])[./-](0?[0-9]|1[0-3]|[23][0-9])[./-](19|20|00)[0-9]{2}",
            "(19|20|00)[0-9]{2}[./-](0?[0-9]|1[0-3])[./-](0?[0-9]|[12][0-9]|3[0-2])",
        ]) {
            proptest::prop_assert_eq!(fast_reads(&d), general_reads(&d));
        }
    }

    /// What the general reader's evidence makes of one value of a number column.
    fn general_evidence(value: &str) -> crate::ledger::locale::number::DecimalInference {
        let mut e = crate::ledger::locale::number::DecimalEvidence::default();
        e.add(0, value);
        e.finish().expect("one value cannot conflict")
    }

    /// Fails unless the general reader's evidence from one value is what `reads` says,
    /// with `decimal` the separator a proof proves.
    fn same_reading(
        evidence: crate::ledger::locale::number::DecimalInference,
        decimal: crate::ledger::locale::number::DecimalSep,
        reads: Reads,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        use crate::ledger::locale::number::DecimalInference;
        match evidence {
            DecimalInference::Decided { decimal: d, .. } => {
                proptest::prop_assert_eq!(d, decimal);
                proptest::prop_assert_eq!(reads, Reads::OneWay);
            }
            DecimalInference::Ambiguous { .. } => proptest::prop_assert_eq!(reads, Reads::TwoWays),
            DecimalInference::Indifferent => proptest::prop_assert_eq!(reads, Reads::Same),
        }
        Ok(())
    }

    proptest::proptest! {
        /// A value the fast path reads is, for the general reader, a proof of the
        /// separator, a value that reads two ways, or one that reads the same either way,
        /// exactly as the fast path classifies it.
        #[test]
        fn number_classes_are_the_general_readers(
            neg in proptest::bool::ANY,
            int in "[0-9]{1,6}",
            frac in "[0-9]{0,6}",
            comma in proptest::bool::ANY,
        ) {
            use crate::ledger::locale::number::DecimalSep;
            let sep = if comma { b',' } else { b'.' };
            let mut text = format!("{}{int}", if neg { "-" } else { "" });
            if !frac.is_empty() {
                text.push(char::from(sep));
                text.push_str(&frac);
            }
            let Some((_, scale)) = parse_number(text.as_bytes(), sep) else {
                // Only a negative zero is refused among these.
                proptest::prop_assert!(neg);
                return Ok(());
            };
            let want = if comma { DecimalSep::Comma } else { DecimalSep::Point };
            same_reading(general_evidence(&text), want, plain_reads(text.as_bytes(), scale))?;
            if let Some((_, money_scale)) = parse_money(text.as_bytes(), sep) {
                // Money has at most two decimals: each is a proof.
                proptest::prop_assert_eq!(money_scale, scale);
            }
        }

        /// Whatever text of digits, separators and thousands separators the grouped
        /// readers take, the general reader reads to the same number; and as a proof of
        /// the decimal separator when it has decimals, never as a value read two ways.
        #[test]
        fn grouped_numbers_read_as_the_general_reader_reads_them(
            neg in proptest::bool::ANY,
            int in "[1-9][0-9]{0,2}((( |\u{a0}|\u{202f}|\u{2009}|'|’)[0-9]{3}){1,4}|(( |,|[.])[0-9]{1,4}){1,3})",
            frac in "[0-9]{0,7}",
            comma in proptest::bool::ANY,
        ) {
            use crate::ledger::locale::number::{DecimalSep, NumberFormat, parse_number as general};
            let sep = if comma { ',' } else { '.' };
            let mut text = format!("{}{int}", if neg { "-" } else { "" });
            if !frac.is_empty() {
                text.push(sep);
                text.push_str(&frac);
            }
            let format = if comma { NumberFormat::COMMA } else { NumberFormat::POINT };
            let want = general(&text, format).map(|n| n.value);
            if let Some(((v, scale), reads)) = parse_number_grouped(text.as_bytes(), sep as u8) {
                proptest::prop_assert_eq!(Ok(Decimal::new(v, u32::from(scale))), want.clone());
                let decimal = if comma { DecimalSep::Comma } else { DecimalSep::Point };
                same_reading(general_evidence(&text), decimal, reads)?;
            }
            if let Some(((h, scale), reads)) = parse_money_grouped(text.as_bytes(), sep as u8) {
                let decimal = if comma { DecimalSep::Comma } else { DecimalSep::Point };
                same_reading(general_evidence(&text), decimal, reads)?;
                let got = to_decimal(h, scale);
                proptest::prop_assert_eq!(Ok(got), want.clone());
                // The same scale as the general reader's value, which the sums keep.
                proptest::prop_assert_eq!(Some(got.scale()), want.ok().map(|w| w.scale()));
            }
        }
    }

    proptest::proptest! {
        /// A number written negative otherwise than with a leading `-` reads, without its
        /// sign, to the general reader's value negated, with the note the general reader
        /// writes for it.
        #[test]
        fn unusual_signs_read_as_the_general_reader_reads_them(
            open in "[(−]?",
            int in "[1-9][0-9]{0,2}(([ .,'][0-9]{3}){0,2}|[0-9]{0,3})",
            frac in "([.,][0-9]{1,3})?",
            close in "[)−-]?",
            comma in proptest::bool::ANY,
        ) {
            use crate::ledger::locale::number::{NumberFormat, parse_number as general};
            let text = format!("{open}{int}{frac}{close}");
            let sep = if comma { b',' } else { b'.' };
            let Some((body, sign)) = unusual_sign(text.as_bytes()) else {
                return Ok(());
            };
            let read = parse_money(body, sep)
                .or_else(|| parse_money_grouped(body, sep).map(|(v, _)| v));
            let Some((v, scale)) = read else {
                return Ok(());
            };
            let format = if comma { NumberFormat::COMMA } else { NumberFormat::POINT };
            let want = general(&text, format).map(|n| n.value);
            proptest::prop_assert_eq!(Ok(to_decimal(-v, scale)), want, "{}", text);
            // The general reader's choice of note (rows.rs).
            let t = text.as_str();
            let note = if t.ends_with(['-', '−']) {
                Sign::TrailingMinus
            } else if t.starts_with('(') {
                Sign::Parentheses
            } else {
                Sign::UnicodeMinus
            };
            proptest::prop_assert_eq!(sign, note);
        }
    }

    #[test]
    fn unusual_signs_are_read_only_when_plain() {
        let minus = "\u{2212}";
        assert_eq!(
            unusual_sign(b"1.234,56-"),
            Some((&b"1.234,56"[..], Sign::TrailingMinus))
        );
        assert_eq!(
            unusual_sign(format!("5{minus}").as_bytes()),
            Some((&b"5"[..], Sign::TrailingMinus))
        );
        assert_eq!(
            unusual_sign(b"(45.00)"),
            Some((&b"45.00"[..], Sign::Parentheses))
        );
        assert_eq!(
            unusual_sign(format!("{minus}5").as_bytes()),
            Some((&b"5"[..], Sign::UnicodeMinus))
        );
        for not in [
            &b"-5-"[..],
            b"5 -",
            b"( 5)",
            b"(5",
            b"5)",
            b"-",
            b"()",
            b"-5",
            b"5",
        ] {
            assert_eq!(unusual_sign(not), None, "{}", String::from_utf8_lossy(not));
        }
    }

    #[test]
    fn grouped_numbers_take_one_kind_of_separator_in_groups_of_three() {
        assert_eq!(
            parse_money_grouped(b"54 600,00", b','),
            Some(((546_000_000, 2), Reads::OneWay))
        );
        assert_eq!(
            parse_money_grouped("-1\u{a0}234\u{a0}567.5".as_bytes(), b'.'),
            Some(((-12_345_675_000, 1), Reads::OneWay))
        );
        assert_eq!(
            parse_number_grouped(b"1'200", b'.'),
            Some(((1200, 0), Reads::Same))
        );
        assert_eq!(
            parse_number_grouped(b"1 200,125", b','),
            Some(((1_200_125, 3), Reads::OneWay))
        );
        // SAP's and German Excel's grouping, and US Excel's.
        assert_eq!(
            parse_money_grouped(b"-1.234.567,89", b','),
            Some(((-12_345_678_900, 2), Reads::OneWay))
        );
        assert_eq!(
            parse_money_grouped(b"1,234.5", b'.'),
            Some(((12_345_000, 1), Reads::OneWay))
        );
        assert_eq!(
            parse_number_grouped(b"1.000", b','),
            Some(((1000, 0), Reads::TwoWays))
        );
        assert_eq!(
            parse_number_grouped(b"1,000,000", b'.'),
            Some(((1_000_000, 0), Reads::OneWay))
        );
        assert_eq!(
            parse_money_grouped(b"1.234", b','),
            Some(((12_340_000, 0), Reads::TwoWays))
        );
        assert_eq!(parse_number_grouped(b"1,000.5", b','), None);
        // Up to four decimals, in ten-thousandths.
        assert_eq!(
            parse_money_grouped(b"1 234,567", b','),
            Some(((12_345_670, 3), Reads::OneWay))
        );
        for not in [
            &b"1200"[..],             // no separator: the plain reader's
            b"12 00",                 // a group of two
            b"1234 567",              // a first group of four
            b"0 123",                 // a first group starting with 0
            b"1 234'567",             // two kinds
            b"1 234,",                // a separator with no decimals
            b" 1 234",                // white space around
            b"1 234,56789",           // five decimals: not money here
            b"1 234 567 890 123 456", // more than 15 digits
        ] {
            assert_eq!(
                parse_money_grouped(not, b','),
                None,
                "{}",
                String::from_utf8_lossy(not)
            );
        }
    }

    /// Whether [`scan_buffer`] reads `body` (lines under the header
    /// `supplier_id,supplier_name,amount`) rather than handing it back.
    fn scans(body: &[u8]) -> bool {
        let layout = Layout::from_header(b"supplier_id,supplier_name,amount", &Mapping::new())
            .expect("a header");
        let mut part = Part::new(&layout);
        let mut queue = Queue::new();
        scan_buffer(body, 0, u64::MAX, true, &layout, &mut part, &mut queue).is_some()
    }

    /// Only a line's bytes from its first non-ASCII byte to its last are checked for
    /// UTF-8: every offset of the 64-byte stretches, with bytes that are or are not UTF-8
    /// (cut by ASCII, by the delimiter, by the line's end), alone in their line, between
    /// other non-ASCII bytes, and across the end of a stretch.
    #[test]
    fn utf8_is_checked_from_a_lines_first_non_ascii_byte_to_its_last() {
        let samples: [&[u8]; 12] = [
            "Škoda".as_bytes(),
            "Ромашка".as_bytes(),
            "株式会社".as_bytes(),
            "😀".as_bytes(),
            b"\x80",
            b"\xc5",
            b"\xc5x",
            b"\xe6\xa0",
            b"\xf0\x9f\x98",
            b"\xff",
            b"\xed\xa0\x80", // a surrogate
            b"\xc0\xaf",     // an overlong `/`
        ];
        let mut checked = 0;
        for pad in 0..140 {
            for sample in samples {
                for (before, after) in [("", ""), ("ü", ""), ("", "ü"), ("Ü", "ß")] {
                    let mut body =
                        format!("S0,{},1.00\nS1,{}", "é".repeat(pad % 7), before).into_bytes();
                    body.extend(std::iter::repeat_n(b'x', pad));
                    body.extend_from_slice(sample);
                    body.extend_from_slice(format!("{after},1.00\nS2,Ñ,2.00\n").as_bytes());
                    assert_eq!(
                        scans(&body),
                        std::str::from_utf8(&body).is_ok(),
                        "pad {pad}, {:?}",
                        String::from_utf8_lossy(&body)
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 140 * 12 * 4);
    }
}
