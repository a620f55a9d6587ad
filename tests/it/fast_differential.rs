//! The fast path against the general reader on random small ledgers: whenever the fast
//! path answers, its cube and its file report are the general reader's, on one thread
//! and split over several.
//!
//! The hand-written tests in `perf.rs` pin the cases we thought of; this one mixes the
//! quirks of real exports (quotes, escaped quotes, non-ASCII names, long item ids,
//! date-times, three-decimal quantities, credit notes, duplicates, a supplier under two
//! names, totals, grouped numbers, bad values, short rows, CRLF, no final newline) in
//! combinations nobody writes by hand. Every value is drawn as an index into a pool whose
//! first entries are plain, so a failing case shrinks toward the plainest file that still
//! differs.

use crate::common::temp_dir;
use crate::perf::{dump, same_report};
use procura::ledger::{FastOptions, read_ledger, read_ledger_fast};
use procura::spend::SpendCube;
use proptest::prelude::*;

/// Order ids: plain ones first, then the ones the fast path must leave or mirror.
const ORDERS: &[&str] = &[
    "PO1",
    "PO2",
    "PO3",
    "CN7",
    "",
    "Total",
    " PO1",
    "PO1 ",
    "\"PO,9\"",
    "Итого",
    "po1",
    "T1",
    "\"PO1\"",
    "1E+05",
];
const SUPPLIERS: &[&str] = &[
    "S1",
    "S2",
    "Ромашка",
    "ООО «Ромашка»",
    "Müller GmbH",
    "S10",
    "s1",
    "S1 ",
    "\"S,4\"",
    "",
    "1E+05",
    "\"S\"\"5\"",
    "Total",
    "S\u{a0}6",
    "\"S1\"",
    "007",
    "7",
    "S1\u{200b}",
    "Cafe\u{301}",
    "Café",
    "ООО\u{a0}«Ромашка»",
];
const NAMES: &[&str] = &[
    "Alpha GmbH",
    "Beta Oy",
    "\"Gamma, Inc.\"",
    "\"ООО \"\"Ромашка\"\"\"",
    "",
    "Alpha  GmbH",
    " Alpha GmbH",
    "ALPHA GMBH",
    "Alpha GmbH ",
    "\"Multi\nline\"",
    "Beta\u{a0}Oy",
    "Škoda",
    "Cafe\u{301}",
    "Café",
];
const CATEGORIES: &[&str] = &[
    "PKG-1",
    "RAW-2",
    "IT",
    "",
    "pkg-1",
    "\"A,B\"",
    "Категория",
    " IT",
    "Итого",
    "\"IT\"",
];
const ITEMS: &[&str] = &[
    "I1",
    "I2",
    "I3",
    "Item with a rather long name",
    "",
    "\"I,4\"",
    "I1 ",
    "Мука пшеничная высшего сорта",
    "\"I\"\"5\"",
    "i1",
    "0001",
    "\"I1\"",
];
/// Quantities and prices as written with a decimal point (the European style swaps the
/// separators).
const QUANTITIES: &[&str] = &[
    "1",
    "2",
    "10",
    "0.5",
    "1.250",
    "1200",
    "",
    "-1",
    "1,000",
    "+2",
    "1e3",
    "-0",
    "0",
    "1 000",
    "2.",
    ".5",
    "3.1415926",
    "12345678901234",
    "0.125",
    "1234.500",
    "2-",
    "(1)",
    "\u{2212}1",
    "1200-",
];
const PRICES: &[&str] = &[
    "1.00",
    "19.05",
    "3.5",
    "0.125",
    "100",
    "1250.00",
    "",
    "-1.00",
    "1,234.50",
    "0",
    "abc",
    "1.5.5",
    "99999999999.99",
    "2.000",
    "0.000001",
    "1.00-",
    "(2.50)",
    "1250.00\u{2212}",
];
/// Amounts other than quantity × price.
const AMOUNTS: &[&str] = &[
    "19.05",
    "-3.50",
    "100",
    "0.00",
    "7.1",
    "",
    "1,234.56",
    "-0.00",
    "1.005",
    "abc",
    "+5",
    "1 234.56",
    "123456789012345.00",
    "12345678901234567.00",
    "\"4.20\"",
    "1.234",
    "99999999999999999999",
    "-99999999999999999999",
    "0.0000000001",
    "79228162514264337593543950335",
    "3.50-",
    "(19.05)",
    "\u{2212}7.10",
    "1234.56-",
    "0.00-",
    "(1 234.56)",
    "3.50 -",
];
const PROFITS: &[&str] = &[
    "1.00",
    "-0.50",
    "2",
    "",
    "x",
    "1.005",
    "0.1",
    "-99999999999999999999",
    "0.50-",
    "(1.00)",
];
const ISO_DATES: &[&str] = &[
    "2025-03-04",
    "2025-03-05",
    "2025-12-31",
    "2025-03-04 09:30:00",
    "2025-03-05 0:00:00",
    "",
    "2025-02-30",
    "04.03.2025",
    "2025-03-04T09:30:00",
    "03/04/2025",
    "2025-3-4",
    "45000",
    "2025-03-04 9:30 PM",
    "2025-03-04 24:00",
    "2025-03-04  09:30",
];
const DOTTED_DATES: &[&str] = &[
    "04.03.2025",
    "13.03.2025",
    "31.12.2025",
    "04.03.2025 0:00:00",
    "05.03.2025 14:22:05",
    "",
    "2025-03-04",
    "31.02.2025",
    "4.3.2025",
    "05.05.2025",
];
/// US exports (SAP with a US user, Odoo in English, Excel): month first, slashes.
const MONTH_FIRST_DATES: &[&str] = &[
    "03/14/2025",
    "3/4/2025",
    "12/31/2025",
    "03/14/2025 9:30 AM",
    "1/1/2025",
    "",
    "14/03/2025",
    "02/30/2025",
    "2025/03/04",
    "03.04.2025",
    "3/4/25",
    "03-15-2025",
    "03/14/2025T09:30:00",
    "03/14/2025  09:30",
];
/// British and French Excel: day first, slashes; and year-first with slashes (Japan, SAP).
const DAY_FIRST_DATES: &[&str] = &[
    "14/03/2025",
    "4/3/2025",
    "31/12/2025",
    "2025/03/04",
    "5/5/2025 14:22",
    "",
    "03/14/2025",
    "31/02/2025",
    "04.03.2025",
    "2025.3.4",
    "04-03-2025",
];
/// The date pools a ledger's [`Ledger::dates`] picks from (0: ISO or dotted).
const DATE_POOLS: [&[&str]; 3] = [ISO_DATES, MONTH_FIRST_DATES, DAY_FIRST_DATES];
const CURRENCIES: &[&str] = &[
    "EUR", "USD", "€", "руб.", "eur", "", "EUR ", "XXX", "Total", "\"EUR\"", "$", "RUB",
];

/// Title lines above the header (1C's report title and period, SAP's list heading).
const TITLES: &[&str] = &[
    "Purchases 2025",
    "Период: 01.03.2025 - 31.03.2025",
    "",
    "\"Report, all suppliers\"",
    "sep=;",
    "supplier_id,amount",
    "\"two\nlines\"",
    "Total",
    "-----",
    "S1,1.50",
];

/// The optional columns, in the order they are written after the supplier id.
const OPTIONAL: [&str; 10] = [
    "order_id",
    "date",
    "supplier_name",
    "category",
    "item_id",
    "quantity",
    "unit_price",
    "currency",
    "profit",
    "price_unit",
];

/// Columns procura does not read, as ERP exports add them after the ones it reads.
const OTHER_NAMES: [&str; 2] = ["status", "company"];
/// Their values: plain ones first, then ones the general reader takes for a total row or
/// trims.
const OTHER_VALUES: &[&str] = &[
    "posted",
    "draft",
    "",
    "Main Co",
    "Total",
    " posted",
    "posted ",
    "Итого",
    "\"a,b;c\"",
    "\"x\"\"y\"",
    "*",
    "\" posted\"",
];

/// How money cells carry their currency (`#` stands for the number; a style starting
/// with `-` puts a negative number's minus before the currency): none, as Excel formats
/// money cells in the US, in Europe and in Russia, and as codes.
const MONEY_STYLES: [&str; 7] = ["", "€#", "-$#", "# €", "#\u{a0}руб.", "USD #", "# EUR"];

/// Price units (SAP's `Preiseinheit`: the price is for this many units).
const UNITS: &[&str] = &[
    "1", "100", "", "1000", "12", "0", "-1", "abc", "1,000", "0.5",
];

/// One generated line: an index into each pool, and what else happens to it.
#[derive(Debug, Clone)]
struct Line {
    order: usize,
    supplier: usize,
    name: usize,
    category: usize,
    item: usize,
    quantity: usize,
    price: usize,
    /// `None`: the amount is quantity × price (when both are numbers).
    amount: Option<usize>,
    profit: usize,
    /// Index into [`UNITS`].
    unit: usize,
    /// Index into [`OTHER_VALUES`], for the columns procura does not read.
    other: usize,
    date: usize,
    currency: usize,
    shape: Shape,
}

/// What a line is besides its values.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Plain,
    /// The line before it again, byte for byte.
    Repeat,
    Blank,
    /// One cell fewer.
    Short,
    /// One cell more.
    Long,
    /// The header again.
    Header,
    /// Delimiters and nothing else.
    Delimiters,
    /// A total row (`Итого`, `Total` in the supplier column) with the amounts so far, none,
    /// or another amount.
    Total,
}

/// A ledger: its style, columns, lines and line ends.
#[derive(Debug, Clone)]
pub(crate) struct Ledger {
    european: bool,
    /// Tab-delimited (SAP's spreadsheet export), numbers in the ledger's style.
    tab: bool,
    /// Columns procura does not read, after the others (0 to 2 of [`OTHER_NAMES`]).
    others: usize,
    /// Every cell quoted, the header's too (Odoo's export, Python's `QUOTE_ALL`).
    quote_all: bool,
    /// A delimiter at the end of every line but blank ones, the header's too (an empty
    /// last column, as some exports write).
    trailing: bool,
    /// How money cells carry a currency: an index into [`MONEY_STYLES`].
    money: usize,
    /// How dates are written: 0 as the style says (ISO, or dotted when European), 1 from
    /// [`MONTH_FIRST_DATES`], 2 from [`DAY_FIRST_DATES`].
    dates: usize,
    /// Which optional columns it has.
    columns: [bool; 10],
    /// Header names as ERPs write them instead of the canonical ones.
    synonyms: bool,
    /// The columns are written rotated left by this many places.
    rotation: usize,
    /// How numbers of 1,000 and more group their thousands: an index into [`GROUPS`].
    group: usize,
    lines: Vec<Line>,
    crlf: bool,
    final_newline: bool,
    /// A UTF-8 byte order mark first, as Excel's "CSV UTF-8" writes.
    bom: bool,
    /// Title lines above the header: indices into [`TITLES`].
    titles: Vec<usize>,
    /// Lines after the data, as 1C ends its reports: total rows and blank lines.
    ending: Vec<Shape>,
    /// The file's encoding: UTF-8, or a code page ([`PAGES`]) in which a character it
    /// cannot write becomes `?`, as an export writes it.
    page: usize,
}

/// The encodings files are written in: UTF-8, and the code pages 1C and Windows use.
const PAGES: [&encoding_rs::Encoding; 3] = [
    encoding_rs::UTF_8,
    encoding_rs::WINDOWS_1251,
    encoding_rs::WINDOWS_1252,
];

/// An index into a pool of `all` values whose first `plain` ones are plain: one in
/// `odds + 1` is drawn from the whole pool.
fn pick(plain: usize, all: usize, odds: u32) -> impl Strategy<Value = usize> {
    prop_oneof![odds => 0..plain, 1 => 0..all]
}

/// A line whose values are each drawn from their whole pool once in `odds + 1`.
fn line(odds: u32) -> impl Strategy<Value = Line> {
    let ids = (
        pick(4, ORDERS.len(), odds),
        pick(6, SUPPLIERS.len(), odds),
        pick(4, NAMES.len(), odds),
        pick(3, CATEGORIES.len(), odds),
        pick(4, ITEMS.len(), odds),
    );
    let numbers = (
        pick(6, QUANTITIES.len(), odds),
        pick(6, PRICES.len(), odds),
        prop_oneof![6 => Just(None), 1 => pick(5, AMOUNTS.len(), odds).prop_map(Some)],
        pick(3, PROFITS.len(), odds),
        pick(3, UNITS.len(), odds),
    );
    let rest = (
        pick(
            5,
            DATE_POOLS
                .iter()
                .chain([&DOTTED_DATES])
                .map(|p| p.len())
                .min()
                .unwrap_or(5),
            odds,
        ),
        pick(5, CURRENCIES.len(), odds),
        pick(4, OTHER_VALUES.len(), odds),
        prop_oneof![
            odds * 4 => Just(Shape::Plain),
            4 => Just(Shape::Repeat),
            1 => Just(Shape::Blank),
            1 => Just(Shape::Short),
            1 => Just(Shape::Long),
            1 => Just(Shape::Header),
            1 => Just(Shape::Delimiters),
            1 => Just(Shape::Total),
        ],
    );
    (ids, numbers, rest).prop_map(
        |(
            (order, supplier, name, category, item),
            (quantity, price, amount, profit, unit),
            (date, currency, other, shape),
        )| Line {
            order,
            supplier,
            name,
            category,
            item,
            quantity,
            price,
            amount,
            profit,
            unit,
            other,
            date,
            currency,
            shape,
        },
    )
}

/// A ledger: a third of them with no odd value at all, the others with odd values at
/// one of two rates, so that both what the fast path reads and what it refuses are
/// exercised.
pub(crate) fn ledger() -> impl Strategy<Value = Ledger> {
    let odds = prop_oneof![Just(u32::MAX / 64), Just(400u32), Just(60u32)];
    let lines = odds.prop_flat_map(|odds| proptest::collection::vec(line(odds), 0..24));
    (
        (
            any::<bool>(),
            prop_oneof![3 => Just(false), 1 => Just(true)],
            prop_oneof![4 => Just(0usize), 1 => Just(1usize), 1 => Just(2usize)],
            (
                prop_oneof![3 => Just(0usize), 1 => 1..=OTHER_NAMES.len()],
                prop_oneof![4 => Just(false), 1 => Just(true)],
                prop_oneof![5 => Just(false), 1 => Just(true)],
                prop_oneof![4 => Just(0usize), 1 => 1..MONEY_STYLES.len()],
            ),
        ),
        proptest::array::uniform10(prop_oneof![3 => Just(true), 1 => Just(false)])
            // A price unit column in about one ledger of seven.
            .prop_map(|mut c| {
                c[9] &= c[0] && !c[3];
                c
            }),
        prop_oneof![3 => Just(false), 1 => Just(true)],
        0usize..11,
        prop_oneof![3 => Just(0usize), 1 => 0..GROUPS.len()],
        lines,
        prop_oneof![3 => Just(false), 1 => Just(true)],
        prop_oneof![5 => Just(true), 1 => Just(false)],
        prop_oneof![4 => Just(false), 1 => Just(true)],
        prop_oneof![
            2 => Just(Vec::new()),
            1 => proptest::collection::vec(pick(4, TITLES.len(), 8), 1..4),
        ],
        prop_oneof![
            2 => Just(Vec::new()),
            1 => proptest::collection::vec(
                prop_oneof![3 => Just(Shape::Total), 1 => Just(Shape::Blank), 1 => Just(Shape::Delimiters)],
                1..4,
            ),
        ],
        prop_oneof![4 => Just(0usize), 1 => Just(1usize), 1 => Just(2usize)],
    )
        .prop_map(
            |(
                (european, tab, dates, (others, quote_all, trailing, money)),
                columns,
                synonyms,
                rotation,
                group,
                lines,
                crlf,
                final_newline,
                bom,
                titles,
                ending,
                page,
            )| {
                Ledger {
                    european,
                    tab,
                    dates,
                    others,
                    quote_all,
                    trailing,
                    money,
                    columns,
                    synonyms,
                    rotation,
                    group,
                    lines,
                    crlf,
                    final_newline,
                    bom,
                    titles,
                    ending,
                    page,
                }
            },
        )
}

/// Header names ERPs use for the fields (the general reader's synonyms), in the order
/// supplier id, amount, then [`OPTIONAL`].
const SYNONYMS: [&str; 12] = [
    "Vendor",
    "Untaxed Amount",
    "Order Reference",
    "Order Date",
    "Vendor Name",
    "Product Category",
    "Product",
    "Quantity",
    "Unit Price",
    "Currency",
    "Margin",
    "Preiseinheit",
];

/// `q × p` (÷ the price unit) rounded to cents as ERPs write amounts, or `None` when
/// either is not a plain number.
fn product(q: &str, p: &str, unit: Option<rust_decimal::Decimal>) -> Option<String> {
    use rust_decimal::Decimal;
    let q: Decimal = q.parse().ok()?;
    let p: Decimal = p.parse().ok()?;
    let v = q.checked_mul(p)?;
    let v = match unit {
        Some(u) if !u.is_zero() => v.checked_div(u)?,
        _ => v,
    };
    Some(format!("{:.2}", v.round_dp(2)))
}

/// Thousands separators as exports write them: none, spaces (1C's no-break space, the
/// narrow one of French locales), Swiss apostrophes, and the other of `.` and `,` (SAP's
/// `1.234,56`; US Excel's `"1,234.56"`, quoted in a comma-delimited file).
const GROUPS: [&str; 6] = ["", " ", "\u{a0}", "\u{202f}", "'", "other"];

/// `number` (in the ledger's style) with its thousands grouped by `group`; as it is when
/// it is not a plain number.
fn grouped(number: &str, group: &str, european: bool) -> String {
    let group = match group {
        "other" if european => ".",
        "other" => ",",
        g => g,
    };
    let (sign, rest) = match number.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", number),
    };
    let int_len = rest.chars().take_while(char::is_ascii_digit).count();
    if group.is_empty() || int_len < 4 || rest.starts_with('0') {
        return number.to_string();
    }
    let (int, tail) = rest.split_at(int_len);
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int_len - i) % 3 == 0 {
            out.push_str(group);
        }
        out.push(c);
    }
    out.push_str(tail);
    if group == "," {
        // The delimiter: an export quotes the value.
        return format!("\"{out}\"");
    }
    out
}

/// A number written with a decimal point, in the ledger's style.
fn styled(number: &str, european: bool) -> String {
    match european {
        false => number.to_string(),
        true => number
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect(),
    }
}

impl Ledger {
    /// The file's bytes: its text in its encoding (a code page has no byte order mark).
    pub(crate) fn bytes(&self) -> Vec<u8> {
        let text = self.text();
        let page = PAGES[self.page];
        if page == encoding_rs::UTF_8 {
            return text.into_bytes();
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let writable: String = text
            .chars()
            .map(|c| {
                let mut b = [0u8; 4];
                match page.encode(c.encode_utf8(&mut b)).2 {
                    true => '?',
                    false => c,
                }
            })
            .collect();
        page.encode(&writable).0.into_owned()
    }

    pub(crate) fn text(&self) -> String {
        let delim = match (self.tab, self.european) {
            (true, _) => "\t",
            (false, true) => ";",
            (false, false) => ",",
        };
        let end = if self.crlf { "\r\n" } else { "\n" };
        let mut names: Vec<&str> = vec![];
        let canonical = ["supplier_id", "amount"];
        for (k, name) in canonical.iter().enumerate() {
            names.push(if self.synonyms { SYNONYMS[k] } else { name });
        }
        for (k, name) in OPTIONAL.iter().enumerate() {
            if self.columns[k] {
                names.push(if self.synonyms { SYNONYMS[k + 2] } else { name });
            }
        }
        names.extend(&OTHER_NAMES[..self.others]);
        let turn = self.rotation % names.len();
        names.rotate_left(turn);
        let header = self
            .quoted(names.iter().map(|n| n.to_string()).collect())
            .join(delim);
        let mut out = if self.bom { "\u{feff}" } else { "" }.to_string();
        for &t in &self.titles {
            out.push_str(TITLES[t]);
            out.push_str(end);
        }
        out.push_str(&header);
        if self.trailing {
            out.push_str(delim);
        }
        let mut previous: Option<String> = None;
        // The amounts written so far, for total rows that agree with them.
        let mut sum = rust_decimal::Decimal::ZERO;
        let ending = self.ending.iter().map(|&shape| (shape, None));
        let lines = self.lines.iter().map(|l| (l.shape, Some(l)));
        for (k, (shape, l)) in lines.chain(ending).enumerate() {
            out.push_str(end);
            let row = match (shape, l) {
                (Shape::Blank, _) => String::new(),
                (Shape::Header, _) => header.clone(),
                (Shape::Delimiters, _) => delim.repeat(names.len() - 1),
                (Shape::Total, _) => {
                    let mut cells = vec![String::new(); names.len()];
                    cells[0] = ["Итого", "Total"][k % 2].to_string();
                    cells[1] = match k % 4 {
                        0 | 1 => grouped(
                            &styled(&sum.to_string(), self.european),
                            GROUPS[self.group],
                            self.european,
                        ),
                        2 => String::new(),
                        _ => styled("1.00", self.european),
                    };
                    cells.rotate_left(turn);
                    cells.join(delim)
                }
                (_, None) => String::new(),
                (Shape::Repeat, _) if previous.is_some() => previous.clone().unwrap_or_default(),
                (_, Some(l)) => {
                    let mut cells = self.quoted(self.cells(l));
                    if let Ok(a) = self.amount(l).parse::<rust_decimal::Decimal>() {
                        sum = sum.checked_add(a).unwrap_or(sum);
                    }
                    cells.rotate_left(turn);
                    match l.shape {
                        Shape::Short => {
                            cells.pop();
                        }
                        Shape::Long => cells.push("x".to_string()),
                        _ => {}
                    }
                    cells.join(delim)
                }
            };
            out.push_str(&row);
            if self.trailing && !row.is_empty() {
                out.push_str(delim);
            }
            previous = Some(row);
        }
        if self.final_newline {
            out.push_str(end);
        }
        out
    }

    /// A line's amount, with a decimal point.
    fn amount(&self, l: &Line) -> String {
        match l.amount {
            Some(a) => AMOUNTS[a].to_string(),
            None => product(QUANTITIES[l.quantity], PRICES[l.price], self.unit(l))
                .filter(|_| self.columns[5] && self.columns[6])
                .unwrap_or_else(|| AMOUNTS[l.price % 5].to_string()),
        }
    }

    /// The line's price unit when the ledger has the column and it is a number.
    fn unit(&self, l: &Line) -> Option<rust_decimal::Decimal> {
        UNITS[l.unit].parse().ok().filter(|_| self.columns[9])
    }

    /// The cells as written: each quoted when the ledger quotes every cell (a cell that
    /// needs its quotes has them already).
    fn quoted(&self, cells: Vec<String>) -> Vec<String> {
        match self.quote_all {
            false => cells,
            true => cells
                .into_iter()
                .map(|c| match c.starts_with('"') {
                    true => c,
                    false => format!("\"{c}\""),
                })
                .collect(),
        }
    }

    fn cells(&self, l: &Line) -> Vec<String> {
        let eu = self.european;
        let quantity = QUANTITIES[l.quantity];
        let price = PRICES[l.price];
        let amount = self.amount(l);
        let date = match (self.dates, eu) {
            (0, false) => ISO_DATES[l.date],
            (0, true) => DOTTED_DATES[l.date],
            (d, _) => DATE_POOLS[d][l.date],
        };
        let number = |n: &str| grouped(&styled(n, eu), GROUPS[self.group], eu);
        // Money as a cell formatted as money writes it: with the currency beside it.
        let money = |n: String, style: usize| match MONEY_STYLES[style] {
            _ if n.is_empty() => n,
            "" => n,
            style => {
                let (quote, bare) = match n.strip_prefix('"').and_then(|i| i.strip_suffix('"')) {
                    Some(inner) => ("\"", inner.to_string()),
                    None => ("", n),
                };
                let written = match (style.split_once('#'), bare.strip_prefix('-')) {
                    (Some((before, after)), Some(positive)) if before.starts_with('-') => {
                        format!("{before}{positive}{after}")
                    }
                    (Some((before, after)), _) => {
                        format!("{}{bare}{after}", before.trim_start_matches('-'))
                    }
                    (None, _) => bare,
                };
                format!("{quote}{written}{quote}")
            }
        };
        // Mostly every money cell in the ledger's style; now and then an amount without
        // its currency, or a price with another or none.
        let style = self.money;
        let amount_style = if (l.item + l.unit) % 4 == 3 { 0 } else { style };
        let other_style = if style == 0 {
            0
        } else {
            style % (MONEY_STYLES.len() - 1) + 1
        };
        let price_style = [style, 0, other_style][(l.item + l.order) % 3];
        let mut cells = vec![
            SUPPLIERS[l.supplier].to_string(),
            money(number(&amount), amount_style),
        ];
        let optional = [
            ORDERS[l.order].to_string(),
            date.to_string(),
            NAMES[l.name].to_string(),
            CATEGORIES[l.category].to_string(),
            ITEMS[l.item].to_string(),
            number(quantity),
            money(number(price), price_style),
            CURRENCIES[l.currency].to_string(),
            money(number(PROFITS[l.profit]), style),
            number(UNITS[l.unit]),
        ];
        for (k, v) in optional.into_iter().enumerate() {
            if self.columns[k] {
                cells.push(v);
            }
        }
        for _ in 0..self.others {
            cells.push(OTHER_VALUES[l.other].to_string());
        }
        cells
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::common::cases(384), ..ProptestConfig::default() })]

    /// Whenever the fast path reads a file, it reads it as the general reader does.
    #[test]
    fn the_fast_path_reads_what_it_reads_as_the_general_reader(l in ledger()) {
        let dir = temp_dir("fast-differential");
        let path = dir.join("ledger.csv");
        let text = l.text();
        std::fs::write(&path, l.bytes()).expect("write ledger");
        let mut want = SpendCube::default();
        let general = read_ledger(&path, &mut want);
        for threads in [1, 2, 3] {
            let opts = FastOptions { threads, ..FastOptions::default() };
            let Some((got, report)) = read_ledger_fast(&path, opts) else {
                continue;
            };
            let what = format!("{threads} threads on\n{text}");
            let general = general.as_ref().map_err(|e| e.to_string());
            prop_assert!(general.is_ok(), "fast path read what the general reader refuses: {what}\n{general:?}");
            if let Ok(g) = general {
                prop_assert_eq!(dump(&got), dump(&want), "cube differs: {}", what);
                same_report(&report, g, &what);
            }
        }
    }
}
