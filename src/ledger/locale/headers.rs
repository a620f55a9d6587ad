//! Recognising what a ledger's columns are from their header names.
//!
//! Exports name the same thing differently: `Vendor` (Odoo), `Kreditor` (SAP), `Контрагент`
//! (1C). [`map_headers`] maps a header row to the [`Field`]s a purchase line needs using a
//! synonym table in English, German and Russian, with a user [`Mapping`] taking precedence.
//! [`looks_like_header`] finds a header row below a report title, and [`is_total_row`]
//! spots the subtotal and grand-total rows that report-style exports mix into the data.
//!
//! Names are compared after normalising: Unicode NFC, lower case, `ä ö ü ß ё` folded to
//! `ae oe ue ss е` (so SAP's ASCII `WAEHRUNG` matches `Währung`), and every run of
//! characters other than letters, digits, `#`, `№` and `%` (spaces, no-break spaces, `_`,
//! `-`, `.`, `:`, `/`) read as one space. A name that does not match is tried again without
//! bracketed parts (`Amount (EUR)`) and without a trailing currency (`Betrag in EUR`,
//! `Сумма, руб.`).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

/// A column that a purchase line can take a value from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Who was bought from: a supplier number or, where the ERP has none, the name.
    /// Required.
    SupplierId,
    /// The supplier's name, when it is a column of its own.
    SupplierName,
    /// The line's net value. Required.
    Amount,
    /// The purchase category (material group).
    Category,
    /// The purchased item (material, product).
    ItemId,
    /// The booking, order or invoice date.
    Date,
    /// The quantity bought.
    Quantity,
    /// The price per price unit.
    UnitPrice,
    /// How many units the unit price is for (SAP's `Preiseinheit`: price per 100 pieces).
    PriceUnit,
    /// The currency of the amount.
    Currency,
    /// The purchase order or document number.
    OrderId,
    /// The profit that the purchased goods take part in.
    Profit,
}

impl Field {
    /// Every field, in the order used for output.
    pub const ALL: [Field; 12] = [
        Field::SupplierId,
        Field::SupplierName,
        Field::Amount,
        Field::Category,
        Field::ItemId,
        Field::Date,
        Field::Quantity,
        Field::UnitPrice,
        Field::PriceUnit,
        Field::Currency,
        Field::OrderId,
        Field::Profit,
    ];

    /// The field's name in user mappings and messages, e.g. `supplier_id`.
    pub fn key(self) -> &'static str {
        match self {
            Field::SupplierId => "supplier_id",
            Field::SupplierName => "supplier_name",
            Field::Amount => "amount",
            Field::Category => "category",
            Field::ItemId => "item_id",
            Field::Date => "date",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit_price",
            Field::PriceUnit => "price_unit",
            Field::Currency => "currency",
            Field::OrderId => "order_id",
            Field::Profit => "profit",
        }
    }

    /// Whether a ledger without this column cannot be analysed at all.
    pub fn is_required(self) -> bool {
        matches!(self, Field::SupplierId | Field::Amount)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A field name that [`Field::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown field {given:?}; expected one of supplier_id, supplier_name, amount, category, \
     item_id, date, quantity, unit_price, price_unit, currency, order_id, profit"
)]
pub struct UnknownField {
    /// The name as given.
    pub given: String,
}

impl FromStr for Field {
    type Err = UnknownField;

    /// Parses a field key; case, and `-` or a space for `_`, do not matter.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_lowercase().replace(['-', ' '], "_");
        Field::ALL
            .into_iter()
            .find(|field| field.key() == key)
            .ok_or_else(|| UnknownField {
                given: s.to_owned(),
            })
    }
}

/// Header names the user assigned to fields, overriding the synonym table: parsed from
/// `supplier_id=Kreditor,amount=Nettowert`. A header containing a comma is quoted:
/// `amount="Сумма, руб."`. One header may serve two fields (`supplier_id=Контрагент,
/// supplier_name=Контрагент`); a column the user mapped is not matched against the synonym
/// table for further fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    entries: Vec<(Field, String)>,
}

impl Mapping {
    /// No overrides: headers are recognised by the synonym table alone.
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// The header name the user gave for `field`.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.entries
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, header)| header.as_str())
    }

    /// The user's assignments, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &str)> {
        self.entries
            .iter()
            .map(|(field, header)| (*field, header.as_str()))
    }
}

/// Why a user mapping could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MappingError {
    /// An entry without `=`.
    #[error("{entry:?} has no `=`; expected field=Header, e.g. supplier_id=Kreditor")]
    MissingEquals {
        /// The entry as given.
        entry: String,
    },
    /// An entry whose left side is not a field.
    #[error(transparent)]
    UnknownField(#[from] UnknownField),
    /// An entry with nothing after `=`.
    #[error("{field}= names no header; expected {field}=Header")]
    EmptyHeader {
        /// The field.
        field: Field,
    },
    /// The same field assigned twice.
    #[error("{field} is mapped twice, to {first:?} and {second:?}")]
    DuplicateField {
        /// The field.
        field: Field,
        /// The first header given.
        first: String,
        /// The second header given.
        second: String,
    },
    /// A quote that is not closed.
    #[error("unclosed quote in {entry:?}")]
    UnclosedQuote {
        /// The entry as given.
        entry: String,
    },
}

impl FromStr for Mapping {
    type Err = MappingError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut mapping = Mapping::new();
        for entry in split_entries(s)? {
            if entry.trim().is_empty() {
                continue;
            }
            let Some((key, header)) = entry.split_once('=') else {
                return Err(MappingError::MissingEquals { entry });
            };
            let field: Field = key.parse()?;
            let header = header.trim();
            let header = header
                .strip_prefix('"')
                .and_then(|h| h.strip_suffix('"'))
                .unwrap_or(header)
                .replace("\"\"", "\"");
            if header.trim().is_empty() {
                return Err(MappingError::EmptyHeader { field });
            }
            if let Some(first) = mapping.get(field) {
                return Err(MappingError::DuplicateField {
                    field,
                    first: first.to_owned(),
                    second: header,
                });
            }
            mapping.entries.push((field, header));
        }
        Ok(mapping)
    }
}

/// Splits at commas outside double quotes.
fn split_entries(s: &str) -> Result<Vec<String>, MappingError> {
    let mut entries = vec![String::new()];
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                entries.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(entry) = entries.last_mut() {
            entry.push(c);
        }
    }
    if quoted {
        return Err(MappingError::UnclosedQuote {
            entry: entries.pop().unwrap_or_default(),
        });
    }
    Ok(entries)
}

/// Which column (0-based) each recognised field comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    columns: [Option<usize>; Field::ALL.len()],
}

impl HeaderMap {
    /// The column holding `field`, if there is one.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns[field.index()]
    }

    /// The recognised fields and their columns, in [`Field::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, usize)> + '_ {
        Field::ALL
            .into_iter()
            .filter_map(|field| self.column(field).map(|column| (field, column)))
    }
}

/// Why a header row could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeaderError {
    /// No column for a required field.
    #[error(
        "no column for {}; the headers are {}; name the column with e.g. {}=<header>",
        join(.fields), quoted(.found), .fields.first().map_or("supplier_id", |f| f.key())
    )]
    MissingRequired {
        /// The required fields without a column.
        fields: Vec<Field>,
        /// The headers of the row.
        found: Vec<String>,
    },
    /// Two columns for one field.
    #[error(
        "columns {} ({first:?}) and {} ({second:?}) both look like {field}; choose one with \
         {field}=<header>",
        .first_column + 1, .second_column + 1
    )]
    Duplicate {
        /// The field.
        field: Field,
        /// The first column (0-based).
        first_column: usize,
        /// Its header.
        first: String,
        /// The second column (0-based).
        second_column: usize,
        /// Its header.
        second: String,
    },
    /// The user mapped a field to a header the row does not have.
    #[error("{field}={header:?} names no column; the headers are {}", quoted(.found))]
    MappedColumnMissing {
        /// The field.
        field: Field,
        /// The header name the user gave.
        header: String,
        /// The headers of the row.
        found: Vec<String>,
    },
}

fn join(fields: &[Field]) -> String {
    let keys: Vec<&str> = fields.iter().map(|f| f.key()).collect();
    keys.join(" and ")
}

fn quoted(headers: &[String]) -> String {
    let quoted: Vec<String> = headers.iter().map(|h| format!("{h:?}")).collect();
    quoted.join(", ")
}

/// Maps a header row to fields: first the user's mapping, then the synonym table for the
/// remaining columns. A field the user mapped is not looked for among the other columns.
///
/// ```
/// use procura::ledger::locale::headers::{map_headers, Field, Mapping};
///
/// let row: Vec<String> = ["Kreditor", "Name 1", "Material", "Nettowert", "Währung"]
///     .map(String::from)
///     .to_vec();
/// let map = map_headers(&row, &Mapping::new()).unwrap();
/// assert_eq!(map.column(Field::SupplierId), Some(0));
/// assert_eq!(map.column(Field::Amount), Some(3));
/// assert_eq!(map.column(Field::Category), None);
/// ```
pub fn map_headers(headers: &[String], user: &Mapping) -> Result<HeaderMap, HeaderError> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let mut columns = [None; Field::ALL.len()];
    let mut claimed = vec![false; headers.len()];
    for (field, header) in user.iter() {
        let wanted = normalize(header);
        let mut matches = (0..headers.len()).filter(|&i| normalized[i] == wanted);
        let Some(first) = matches.next() else {
            return Err(HeaderError::MappedColumnMissing {
                field,
                header: header.to_owned(),
                found: headers.to_vec(),
            });
        };
        if let Some(second) = matches.next() {
            return Err(duplicate(field, headers, first, second));
        }
        columns[field.index()] = Some(first);
        claimed[first] = true;
    }
    for (column, header) in headers.iter().enumerate() {
        if claimed[column] {
            continue;
        }
        let Some(field) = recognise(header) else {
            continue;
        };
        if user.get(field).is_some() {
            continue;
        }
        match columns[field.index()] {
            Some(first) => return Err(duplicate(field, headers, first, column)),
            None => columns[field.index()] = Some(column),
        }
    }
    let missing: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|field| field.is_required() && columns[field.index()].is_none())
        .collect();
    if !missing.is_empty() {
        return Err(HeaderError::MissingRequired {
            fields: missing,
            found: headers.to_vec(),
        });
    }
    Ok(HeaderMap { columns })
}

fn duplicate(field: Field, headers: &[String], first: usize, second: usize) -> HeaderError {
    HeaderError::Duplicate {
        field,
        first_column: first,
        first: headers[first].clone(),
        second_column: second,
        second: headers[second].clone(),
    }
}

/// Whether a row looks like the header row: at least two cells name fields (by synonym or
/// by the user's mapping), one of them a required field. For finding the header below the
/// title lines of report-style exports.
pub fn looks_like_header(fields: &[String], user: &Mapping) -> bool {
    let user_headers: Vec<(Field, String)> = user
        .iter()
        .map(|(field, header)| (field, normalize(header)))
        .collect();
    let recognised: Vec<Field> = fields
        .iter()
        .filter_map(|cell| {
            let cell_normalized = normalize(cell);
            user_headers
                .iter()
                .find(|(_, header)| *header == cell_normalized)
                .map(|(field, _)| *field)
                .or_else(|| recognise(cell))
        })
        .collect();
    recognised.len() >= 2 && recognised.iter().any(|field| field.is_required())
}

/// Whether a row is a subtotal or grand-total row rather than a purchase line: some cell
/// says so (`Total`, `Grand total`, `Summe`, `Gesamtsumme`, `Gesamtergebnis`, `Итого`,
/// `Всего`, `Итог`, `Общий итог`...), alone, followed by `:` or by more words for the
/// phrases only a total row begins with (`Итого по поставщику`, `Summe Kreditor 1000`,
/// `Total for ACME`); or a cell is only SAP's total marker `*`, `**` or `***`.
///
/// `Total S.A.` (a supplier) is not a total row: a bare `total` must stand alone.
pub fn is_total_row(fields: &[String]) -> bool {
    fields.iter().any(|cell| is_total_cell(cell))
}

/// Words that, alone in a cell, mark a total row.
const TOTAL_WORDS: &[&str] = &[
    "total",
    "totals",
    "grand total",
    "subtotal",
    "sub total",
    "sum",
    "summe",
    "zwischensumme",
    "gesamt",
    "gesamtsumme",
    "gesamtergebnis",
    "ergebnis",
    "итого",
    "итог",
    "итоги",
    "всего",
    "общий итог",
    "промежуточный итог",
];

/// Words that begin a total row's label even when more words follow.
const TOTAL_PREFIXES: &[&str] = &[
    "grand total",
    "subtotal",
    "sub total",
    "total for",
    "total of",
    "summe",
    "zwischensumme",
    "gesamtsumme",
    "итого",
    "итог по",
    "итоги",
    "всего",
    "общий итог",
    "промежуточный итог",
];

/// The first two letters, lowercased, of every total word and prefix that begins with two
/// ASCII letters (a test keeps this in step with [`TOTAL_WORDS`] and [`TOTAL_PREFIXES`]).
const TOTAL_ASCII_STARTS: &[[u8; 2]] = &[*b"to", *b"gr", *b"su", *b"zw", *b"ge", *b"er"];

/// Whether one cell marks a total row (see [`is_total_row`]).
pub fn is_total_cell(cell: &str) -> bool {
    let raw = cell.trim();
    if (1..=3).contains(&raw.len()) && raw.bytes().all(|b| b == b'*') {
        return true;
    }
    // Every total word starts with one of these letters once normalised: most cells (ids,
    // numbers, names) are rejected here without the cost of normalising them.
    let mut kept = raw
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '#' | '№' | '%'));
    let first = kept.next();
    if !first.is_some_and(|c| {
        c.to_lowercase()
            .all(|l| matches!(l, 't' | 'g' | 's' | 'z' | 'e' | 'и' | 'в' | 'о' | 'п'))
    }) {
        return false;
    }
    // And with one of a few pairs of letters: ids such as `S000123` and most names
    // starting with those letters are rejected too (normalising keeps ASCII letters and
    // digits as they are, lowercased; the general reader checks every cell of every row).
    if let (Some(a), Some(b)) = (first, kept.next())
        && a.is_ascii()
        && b.is_ascii()
        && !TOTAL_ASCII_STARTS
            .contains(&[a.to_ascii_lowercase() as u8, b.to_ascii_lowercase() as u8])
    {
        return false;
    }
    names_a_total(raw)
}

/// Whether a trimmed cell's words are a total word or begin with a total prefix: the
/// rule of [`is_total_cell`] without its quick rejections.
fn names_a_total(raw: &str) -> bool {
    let normalized = normalize(raw);
    if TOTAL_WORDS.contains(&normalized.as_str()) {
        return true;
    }
    // `Total: 12 rows`: the label ends at the colon.
    if let Some((label, _)) = raw.split_once(':') {
        if TOTAL_WORDS.contains(&normalize(label).as_str()) {
            return true;
        }
    }
    TOTAL_PREFIXES.iter().any(|prefix| {
        normalized
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(' '))
    })
}

/// The normalised form of a header described in the module documentation.
fn normalize(header: &str) -> String {
    // ASCII text is its own NFC form and lowercases byte by byte: the common case (ids,
    // numbers, codes in every cell checked for a total word) skips Unicode normalisation.
    if header.is_ascii() {
        normalize_chars(header.bytes().map(|b| char::from(b.to_ascii_lowercase())))
    } else {
        normalize_chars(header.nfc().flat_map(char::to_lowercase))
    }
}

/// [`normalize`] on text already in NFC and lowercased.
fn normalize_chars(chars: impl Iterator<Item = char>) -> String {
    let (size, _) = chars.size_hint();
    let mut out = String::with_capacity(size);
    let mut space = false;
    for c in chars {
        if c.is_alphanumeric() || matches!(c, '#' | '№' | '%') {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            match c {
                'ä' => out.push_str("ae"),
                'ö' => out.push_str("oe"),
                'ü' => out.push_str("ue"),
                'ß' => out.push_str("ss"),
                'ё' => out.push('е'),
                c => out.push(c),
            }
        } else {
            space = true;
        }
    }
    out
}

/// The field a header names according to the synonym table, trying the fallbacks
/// described in the module documentation.
fn recognise(header: &str) -> Option<Field> {
    let normalized = normalize(header);
    if let Some(&field) = SYNONYMS.get(&normalized) {
        return Some(field);
    }
    let unbracketed = normalize(&strip_brackets(header));
    if let Some(&field) = SYNONYMS.get(&unbracketed) {
        return Some(field);
    }
    let mut words: Vec<&str> = unbracketed.split(' ').collect();
    if words.len() > 1 && words.last().is_some_and(|w| CURRENCY_WORDS.contains(w)) {
        words.pop();
        if words.len() > 1
            && words
                .last()
                .is_some_and(|w| matches!(*w, "in" | "в" | "en"))
        {
            words.pop();
        }
        return SYNONYMS.get(&words.join(" ")).copied();
    }
    None
}

/// Removes `( … )` and `[ … ]` parts.
fn strip_brackets(header: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(header.len());
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Currencies that trail an amount header (normalised).
const CURRENCY_WORDS: &[&str] = &[
    "eur", "usd", "rub", "chf", "czk", "pln", "gbp", "huf", "uah", "руб", "р", "€", "$",
];

/// The synonym table: for each field, header names seen in real exports (English generic
/// and Odoo, German SAP, Russian 1C, plus SAP's technical field names). Written naturally
/// and normalised when the table is built.
const SYNONYM_TABLE: &[(Field, &[&str])] = &[
    (
        Field::SupplierId,
        &[
            "supplier_id",
            "supplier id",
            "supplier",
            "supplier no",
            "supplier number",
            "supplier code",
            "supplier #",
            "vendor",
            "vendor id",
            "vendor no",
            "vendor number",
            "vendor code",
            "vendor #",
            "vendor account",
            "creditor",
            "creditor id",
            "creditor number",
            "partner",
            "partner id",
            "Lieferant",
            "Lieferanten-Nr.",
            "Lieferantennummer",
            "Lieferantennr",
            "Lieferanten-ID",
            "Kreditor",
            "Kreditorennummer",
            "Kreditorennr",
            "Kreditor-Nr.",
            "LIFNR",
            "Поставщик",
            "Код поставщика",
            "ID поставщика",
            "Контрагент",
            "Код контрагента",
        ],
    ),
    (
        Field::SupplierName,
        &[
            "supplier_name",
            "supplier name",
            "vendor name",
            "creditor name",
            "name of supplier",
            "partner name",
            "Lieferantenname",
            "Name des Lieferanten",
            "Lieferantenbezeichnung",
            "Kreditorname",
            "Kreditorenname",
            "Name des Kreditors",
            "Name 1",
            "NAME1",
            "Наименование поставщика",
            "Название поставщика",
            "Поставщик наименование",
            "Наименование контрагента",
            "Контрагент наименование",
        ],
    ),
    (
        Field::Amount,
        &[
            "amount",
            "net amount",
            "net value",
            "net",
            "amount net",
            "net total",
            "spend",
            "value",
            "line amount",
            "line total",
            "subtotal",
            "untaxed amount",
            "amount untaxed",
            "price subtotal",
            "amount excl. VAT",
            "net amount excl. VAT",
            "Betrag",
            "Nettobetrag",
            "Nettowert",
            "Bestellnettowert",
            "Netto",
            "Wert",
            "Betrag netto",
            "Nettowert in Belegwährung",
            "NETWR",
            "Сумма",
            "Сумма без НДС",
            "Сумма без учета НДС",
            "Стоимость",
            "Стоимость без НДС",
            "Сумма закупки",
        ],
    ),
    (
        Field::Category,
        &[
            "category",
            "product category",
            "material group",
            "commodity",
            "commodity group",
            "commodity code",
            "spend category",
            "product group",
            "item group",
            "Warengruppe",
            "Materialgruppe",
            "Kategorie",
            "Produktkategorie",
            "Warengruppenbezeichnung",
            "MATKL",
            "Категория",
            "Категория номенклатуры",
            "Группа номенклатуры",
            "Номенклатурная группа",
            "Вид номенклатуры",
            "Группа товаров",
            "Товарная группа",
        ],
    ),
    (
        Field::ItemId,
        &[
            "item_id",
            "item id",
            "item",
            "item no",
            "item number",
            "item code",
            "material",
            "material number",
            "material no",
            "material id",
            "product",
            "product id",
            "product code",
            "product number",
            "internal reference",
            "sku",
            "article",
            "article number",
            "part number",
            "part no",
            "Materialnummer",
            "Material-Nr.",
            "Artikel",
            "Artikelnummer",
            "Artikel-Nr.",
            "MATNR",
            "Номенклатура",
            "Код номенклатуры",
            "Артикул",
            "Товар",
            "Код товара",
        ],
    ),
    (
        Field::Date,
        &[
            "date",
            "order date",
            "posting date",
            "invoice date",
            "document date",
            "purchase date",
            "po date",
            "bill date",
            "accounting date",
            "confirmation date",
            "Datum",
            "Bestelldatum",
            "Belegdatum",
            "Buchungsdatum",
            "Rechnungsdatum",
            "BEDAT",
            "BUDAT",
            "BLDAT",
            "Дата",
            "Период",
            "Дата документа",
            "Дата поступления",
            "Дата заказа",
            "Дата покупки",
        ],
    ),
    (
        Field::Quantity,
        &[
            "quantity",
            "qty",
            "order quantity",
            "ordered quantity",
            "qty ordered",
            "ordered qty",
            "Menge",
            "Bestellmenge",
            "Anzahl",
            "Количество",
            "Кол-во",
            "Кол.",
        ],
    ),
    (
        Field::UnitPrice,
        &[
            "unit price",
            "price",
            "net price",
            "price per unit",
            "unit cost",
            "Preis",
            "Nettopreis",
            "Einzelpreis",
            "Stückpreis",
            "NETPR",
            "Цена",
            "Цена за единицу",
            "Цена за ед.",
            "Цена без НДС",
        ],
    ),
    (
        Field::PriceUnit,
        &[
            "price unit",
            "pricing unit",
            "per",
            "price per",
            "Preiseinheit",
            "PEINH",
            "Единица цены",
        ],
    ),
    (
        Field::Currency,
        &[
            "currency",
            "currency code",
            "curr",
            "cur",
            "ccy",
            "Währung",
            "Währungsschlüssel",
            "WAERS",
            "Валюта",
            "Код валюты",
            "Валюта документа",
        ],
    ),
    (
        Field::OrderId,
        &[
            "order_id",
            "order id",
            "order",
            "order no",
            "order number",
            "order reference",
            "reference",
            "po",
            "po number",
            "po no",
            "purchase order",
            "purchase order number",
            "document",
            "document number",
            "document no",
            "Bestellung",
            "Bestellnummer",
            "Bestell-Nr.",
            "Einkaufsbeleg",
            "Beleg",
            "Belegnummer",
            "EBELN",
            "Документ",
            "Номер документа",
            "Заказ",
            "Номер заказа",
            "Заказ поставщику",
            "Регистратор",
        ],
    ),
    (
        Field::Profit,
        &[
            "profit",
            "gross profit",
            "profit contribution",
            "contribution margin",
            "margin amount",
            "Gewinn",
            "Deckungsbeitrag",
            "Rohertrag",
            "Прибыль",
            "Валовая прибыль",
            "Маржинальный доход",
            "Валовый доход",
        ],
    ),
];

/// The synonym table, normalised, for lookups.
static SYNONYMS: LazyLock<HashMap<String, Field>> = LazyLock::new(|| {
    SYNONYM_TABLE
        .iter()
        .flat_map(|(field, names)| names.iter().map(|name| (normalize(name), *field)))
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The quick rejection by the first two letters knows every total word and prefix.
    #[test]
    fn total_ascii_starts_cover_every_total_word() {
        for w in TOTAL_WORDS.iter().chain(TOTAL_PREFIXES) {
            let b = w.as_bytes();
            if b.len() >= 2 && b[0].is_ascii() && b[1].is_ascii() {
                assert!(TOTAL_ASCII_STARTS.contains(&[b[0], b[1]]), "{w}");
            }
        }
    }

    proptest! {
        /// The quick rejections change nothing: a cell is a total cell exactly when it is
        /// SAP's star marker or its words name a total.
        #[test]
        fn quick_rejections_keep_the_total_rule(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "Total", "total", "TO", "Sum", "summe", "Gesamt", "ergebnis", "Grand",
                "Zwischen", "sub", "for", "Итого", "ВСЕГО", "общий", "итог", "по", "S0", "1",
                "ACME", "ä", "ß", "ё", " ", ":", "-", "*", "#", "%", "\u{301}",
            ]),
            0..5,
        )) {
            let cell = pieces.concat();
            let raw = cell.trim();
            let stars = (1..=3).contains(&raw.len()) && raw.bytes().all(|b| b == b'*');
            prop_assert_eq!(is_total_cell(&cell), stars || names_a_total(raw), "{:?}", cell);
        }
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    fn mapped(cells: &[&str]) -> HeaderMap {
        map_headers(&row(cells), &Mapping::new()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn mapping(s: &str) -> Mapping {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_synonym_table_is_unambiguous() {
        let mut seen: HashMap<String, Field> = HashMap::new();
        for (field, names) in SYNONYM_TABLE {
            for name in *names {
                let key = normalize(name);
                assert!(!key.is_empty(), "{name:?} normalises to nothing");
                if let Some(other) = seen.insert(key.clone(), *field) {
                    assert_eq!(
                        other, *field,
                        "{name:?} ({key:?}) names both {other} and {field}"
                    );
                }
            }
        }
        // Every field has synonyms, including its own key.
        for field in Field::ALL {
            assert_eq!(recognise(field.key()), Some(field), "{field}");
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize("  Vendor\u{A0}\u{A0}ID "), "vendor id");
        assert_eq!(normalize("supplier_id"), "supplier id");
        assert_eq!(normalize("Supplier-ID"), "supplier id");
        assert_eq!(normalize("WÄHRUNG"), "waehrung");
        assert_eq!(normalize("Waehrung"), "waehrung");
        assert_eq!(normalize("Stückpreis"), "stueckpreis");
        assert_eq!(normalize("Кол-во"), "кол во");
        assert_eq!(normalize("Lieferanten-Nr.:"), "lieferanten nr");
        // Decomposed й (и + combining breve) and ü (u + combining diaeresis) compose first.
        assert_eq!(normalize("Нои\u{306}"), "ной");
        assert_eq!(normalize("Stu\u{308}ck"), "stueck");
        assert_eq!(normalize("ЁЛКА"), "елка");
    }

    #[test]
    fn sap_export() {
        let map = mapped(&[
            "Einkaufsbeleg",
            "Kreditor",
            "Name 1",
            "Material",
            "Warengruppe",
            "Belegdatum",
            "Bestellmenge",
            "Nettopreis",
            "Preiseinheit",
            "Nettowert",
            "Währung",
        ]);
        let expected = [
            (Field::SupplierId, 1),
            (Field::SupplierName, 2),
            (Field::Amount, 9),
            (Field::Category, 4),
            (Field::ItemId, 3),
            (Field::Date, 5),
            (Field::Quantity, 6),
            (Field::UnitPrice, 7),
            (Field::PriceUnit, 8),
            (Field::Currency, 10),
            (Field::OrderId, 0),
        ];
        assert_eq!(map.iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn sap_technical_names() {
        let map = mapped(&[
            "EBELN", "LIFNR", "MATNR", "MATKL", "BEDAT", "MENGE", "NETPR", "PEINH", "NETWR",
            "WAERS",
        ]);
        assert_eq!(map.iter().count(), 10);
    }

    #[test]
    fn one_c_export() {
        let map = mapped(&[
            "Документ",
            "Контрагент",
            "Номенклатура",
            "Количество",
            "Цена",
            "Сумма",
            "Валюта",
            "Дата",
        ]);
        assert_eq!(map.column(Field::SupplierId), Some(1));
        assert_eq!(map.column(Field::ItemId), Some(2));
        assert_eq!(map.column(Field::Amount), Some(5));
        assert_eq!(map.column(Field::OrderId), Some(0));
        assert_eq!(map.column(Field::Date), Some(7));
        let map = mapped(&["Период", "Поставщик", "Сумма без НДС", "Кол-во"]);
        assert_eq!(map.column(Field::Date), Some(0));
        assert_eq!(map.column(Field::Amount), Some(2));
        assert_eq!(map.column(Field::Quantity), Some(3));
    }

    #[test]
    fn odoo_export() {
        let map = mapped(&[
            "Order Reference",
            "Vendor",
            "Product",
            "Product Category",
            "Quantity",
            "Unit Price",
            "Untaxed Amount",
            "Currency",
            "Order Date",
        ]);
        assert_eq!(map.iter().count(), 9);
        assert_eq!(map.column(Field::Category), Some(3));
        assert_eq!(map.column(Field::ItemId), Some(2));
    }

    #[test]
    fn decorated_headers() {
        let map = mapped(&["SUPPLIER_ID", "Amount (EUR)"]);
        assert_eq!(map.column(Field::Amount), Some(1));
        assert!(map_headers(&row(&["Vendor", "Betrag in EUR"]), &Mapping::new()).is_ok());
        assert!(map_headers(&row(&["Vendor", "Сумма, руб."]), &Mapping::new()).is_ok());
        assert!(map_headers(&row(&["Vendor #", "Net amount [USD]"]), &Mapping::new()).is_ok());
        // Unrecognised columns are simply not mapped.
        let map = mapped(&["Vendor", "Comment", "Amount", ""]);
        assert_eq!(map.iter().count(), 2);
    }

    #[test]
    fn missing_required_columns_list_the_headers_found() {
        let error = map_headers(&row(&["Name", "Betrag"]), &Mapping::new()).unwrap_err();
        assert_eq!(
            error,
            HeaderError::MissingRequired {
                fields: vec![Field::SupplierId],
                found: row(&["Name", "Betrag"]),
            }
        );
        assert_eq!(
            error.to_string(),
            "no column for supplier_id; the headers are \"Name\", \"Betrag\"; name the column \
             with e.g. supplier_id=<header>"
        );
        let error = map_headers(&row(&["a", "b"]), &Mapping::new()).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("no column for supplier_id and amount"),
            "{error}"
        );
    }

    #[test]
    fn two_columns_for_one_field_name_both() {
        let error =
            map_headers(&row(&["Kreditor", "Lieferant", "Betrag"]), &Mapping::new()).unwrap_err();
        assert_eq!(
            error,
            HeaderError::Duplicate {
                field: Field::SupplierId,
                first_column: 0,
                first: "Kreditor".to_owned(),
                second_column: 1,
                second: "Lieferant".to_owned(),
            }
        );
        assert!(
            error
                .to_string()
                .contains("columns 1 (\"Kreditor\") and 2 (\"Lieferant\")"),
            "{error}"
        );
        // The user resolves it.
        let map = map_headers(
            &row(&["Kreditor", "Lieferant", "Betrag"]),
            &mapping("supplier_id=Lieferant"),
        )
        .unwrap();
        assert_eq!(map.column(Field::SupplierId), Some(1));
    }

    #[test]
    fn user_mapping_overrides_the_table() {
        let headers = row(&["Kred.", "Wert netto", "Betrag", "Lieferant"]);
        let map =
            map_headers(&headers, &mapping("supplier_id=Kred., amount = Wert netto")).unwrap();
        assert_eq!(map.column(Field::SupplierId), Some(0));
        assert_eq!(map.column(Field::Amount), Some(1));
        // One column may serve two fields.
        let map = map_headers(
            &row(&["Контрагент", "Сумма"]),
            &mapping("supplier_id=Контрагент,supplier_name=Контрагент"),
        )
        .unwrap();
        assert_eq!(map.column(Field::SupplierId), Some(0));
        assert_eq!(map.column(Field::SupplierName), Some(0));
        // Matching the user's names is as forgiving as the table's.
        let map = map_headers(
            &row(&["KRED_NR", "AMOUNT"]),
            &mapping("supplier_id=kred nr"),
        )
        .unwrap();
        assert_eq!(map.column(Field::SupplierId), Some(0));
    }

    #[test]
    fn user_mapping_errors() {
        let error = map_headers(
            &row(&["Vendor", "Amount"]),
            &mapping("category=Warengruppe"),
        )
        .unwrap_err();
        assert_eq!(
            error,
            HeaderError::MappedColumnMissing {
                field: Field::Category,
                header: "Warengruppe".to_owned(),
                found: row(&["Vendor", "Amount"]),
            }
        );
        let error = map_headers(
            &row(&["Vendor", "Amount", "amount"]),
            &mapping("amount=Amount"),
        )
        .unwrap_err();
        assert!(matches!(
            error,
            HeaderError::Duplicate {
                first_column: 1,
                second_column: 2,
                ..
            }
        ));
    }

    #[test]
    fn mappings_parse() {
        let m = mapping("supplier_id=Kreditor,amount=Nettowert");
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [
                (Field::SupplierId, "Kreditor"),
                (Field::Amount, "Nettowert")
            ]
        );
        let m = mapping("Supplier-ID = Kreditor , amount=\"Сумма, руб.\",,");
        assert_eq!(m.get(Field::Amount), Some("Сумма, руб."));
        assert_eq!(m.get(Field::SupplierId), Some("Kreditor"));
        assert_eq!(mapping(""), Mapping::new());
        assert_eq!(
            mapping("order_id=\"Say \"\"hi\"\"\"").get(Field::OrderId),
            Some("Say \"hi\"")
        );

        assert_eq!(
            "supplier".parse::<Mapping>(),
            Err(MappingError::MissingEquals {
                entry: "supplier".to_owned()
            })
        );
        assert!(matches!(
            "vendor=Kreditor".parse::<Mapping>(),
            Err(MappingError::UnknownField(_))
        ));
        assert_eq!(
            "amount= ".parse::<Mapping>(),
            Err(MappingError::EmptyHeader {
                field: Field::Amount
            })
        );
        assert_eq!(
            "amount=A,amount=B".parse::<Mapping>(),
            Err(MappingError::DuplicateField {
                field: Field::Amount,
                first: "A".to_owned(),
                second: "B".to_owned()
            })
        );
        assert!(matches!(
            "amount=\"A".parse::<Mapping>(),
            Err(MappingError::UnclosedQuote { .. })
        ));
        let error = "vendor=Kreditor".parse::<Mapping>().unwrap_err();
        assert!(error.to_string().contains("supplier_id"), "{error}");
    }

    #[test]
    fn field_keys_parse() {
        for field in Field::ALL {
            assert_eq!(field.key().parse(), Ok(field));
            assert_eq!(field.to_string(), field.key());
        }
        assert_eq!("Unit Price".parse(), Ok(Field::UnitPrice));
        assert_eq!("order-id".parse(), Ok(Field::OrderId));
        assert!("vendor".parse::<Field>().is_err());
        let required: Vec<Field> = Field::ALL.into_iter().filter(|f| f.is_required()).collect();
        assert_eq!(required, [Field::SupplierId, Field::Amount]);
    }

    #[test]
    fn header_rows_below_a_title() {
        let none = Mapping::new();
        assert!(!looks_like_header(
            &row(&["Einkaufsbelege", "", "", ""]),
            &none
        ));
        assert!(!looks_like_header(
            &row(&["Zeitraum: 01.01.2025 - 31.03.2025"]),
            &none
        ));
        assert!(looks_like_header(
            &row(&["Kreditor", "Name 1", "Nettowert"]),
            &none
        ));
        assert!(looks_like_header(&row(&["Поставщик", "Сумма"]), &none));
        // Two recognised names, but neither required.
        assert!(!looks_like_header(&row(&["Material", "Menge"]), &none));
        // A data row.
        assert!(!looks_like_header(
            &row(&["1000", "Müller GmbH", "1.234,56"]),
            &none
        ));
        // The user's names count.
        assert!(looks_like_header(
            &row(&["Kred.", "Material"]),
            &mapping("supplier_id=Kred.")
        ));
    }

    #[test]
    fn total_rows() {
        for cells in [
            &["Total", "", "1234.56"][..],
            &["", "Grand total", "1234.56"],
            &["Summe", "", "1.234,56"],
            &["Gesamt", "1.234,56"],
            &["Gesamtsumme", "1.234,56"],
            &["Gesamtergebnis", "1.234,56"],
            &["Итого", "1 234,56"],
            &["Итого:", "1 234,56"],
            &["ИТОГО по поставщику ООО Ромашка", "1 234,56"],
            &["Всего", "1 234,56"],
            &["Итог", "1 234,56"],
            &["Общий итог", "1 234,56"],
            &["Summe Kreditor 1000", "1.234,56"],
            &["Total for ACME Inc.", "99.00"],
            &["Total: 12 lines", "99.00"],
            &["*", "1000", "1.234,56"],
            &["**", "", "5.000,00"],
            &["  TOTAL  ", "1"],
        ] {
            assert!(is_total_row(&row(cells)), "{cells:?}");
        }
        for cells in [
            &["Total S.A.", "Fuel", "1234.56"][..],
            &["TotalEnergies", "1"],
            &["ACME", "Summer tyres", "1"],
            &["Всеволод Иванов ИП", "1"],
            &["1000", "Müller GmbH", "1.234,56"],
            &["*ACME*", "1"],
            &[],
        ] {
            assert!(!is_total_row(&row(cells)), "{cells:?}");
        }
    }

    proptest! {
        #[test]
        fn header_functions_never_panic(
            cells in proptest::collection::vec("\\PC{0,12}", 0..8),
            user in "\\PC{0,30}",
        ) {
            let mapping = user.parse::<Mapping>().unwrap_or_default();
            let _ = map_headers(&cells, &mapping);
            let _ = looks_like_header(&cells, &mapping);
            let _ = is_total_row(&cells);
        }

        #[test]
        fn synonyms_survive_case_spacing_and_separators(
            index in 0usize..SYNONYM_TABLE.len(),
            pick in any::<prop::sample::Index>(),
            upper in any::<bool>(),
            separator in "[ _\u{A0}-]",
            pad in "[ \u{A0}]{0,2}",
        ) {
            let (field, names) = SYNONYM_TABLE[index];
            let name = pick.get(names);
            let mut header: String = name.split(' ').collect::<Vec<_>>().join(&separator);
            if upper {
                header = header.to_uppercase();
            }
            let header = format!("{pad}{header}{pad}");
            prop_assert_eq!(recognise(&header), Some(field), "{:?}", header);
        }

        #[test]
        fn mappings_round_trip(
            fields in proptest::sample::subsequence(Field::ALL.to_vec(), 0..=12),
            names in proptest::collection::vec("[A-Za-zÄäÖöЁёА-я0-9 ,\"]{1,10}", 12),
        ) {
            // Headers with commas and quotes survive when written quoted.
            let names = names.iter().map(|n| n.trim()).filter(|n| !n.is_empty());
            let pairs: Vec<(Field, String)> =
                fields.into_iter().zip(names).map(|(f, n)| (f, n.to_owned())).collect();
            let text: Vec<String> = pairs
                .iter()
                .map(|(f, n)| format!("{f}=\"{}\"", n.replace('"', "\"\"")))
                .collect();
            let parsed: Mapping = text
                .join(",")
                .parse()
                .map_err(|e: MappingError| TestCaseError::fail(e.to_string()))?;
            let round: Vec<(Field, String)> =
                parsed.iter().map(|(f, n)| (f, n.to_owned())).collect();
            prop_assert_eq!(round, pairs);
        }
    }
}
