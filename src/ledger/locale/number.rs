//! Money and quantity strings as ERPs and spreadsheets write them, parsed to exact decimals.
//!
//! One column of one file uses one convention, but files differ: `1.234,56` (German, SAP),
//! `1 234,56` (Russian, 1C, with a space or no-break space), `1,234.56` (English),
//! `1'234.56` (Swiss), `1.234,56-` (SAP list output's trailing minus), `(1 234,56)`
//! (accounting negatives), with a currency before or after. [`parse_number`] reads one value
//! under a known [`NumberFormat`]; [`infer_decimal`] decides the decimal separator for a
//! whole column, or says honestly that it cannot.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use thiserror::Error;

use super::Sample;

/// The character that separates the integer part from the fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecimalSep {
    /// `1234.56`; a comma, if any, groups thousands.
    Point,
    /// `1234,56`; a point, if any, groups thousands.
    Comma,
}

impl DecimalSep {
    /// The separator character itself.
    pub fn as_char(self) -> char {
        match self {
            DecimalSep::Point => '.',
            DecimalSep::Comma => ',',
        }
    }

    /// The other one of `.` and `,`, which this convention uses to group thousands.
    fn other(self) -> char {
        match self {
            DecimalSep::Point => ',',
            DecimalSep::Comma => '.',
        }
    }
}

impl fmt::Display for DecimalSep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecimalSep::Point => f.write_str("point '.'"),
            DecimalSep::Comma => f.write_str("comma ','"),
        }
    }
}

/// A decimal separator name that [`DecimalSep::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown decimal separator {given:?}; expected `.`, `point`, `dot`, `,` or `comma`")]
pub struct UnknownDecimalSep {
    /// The text as given.
    pub given: String,
}

impl FromStr for DecimalSep {
    type Err = UnknownDecimalSep;

    /// Parses the value of a `--decimal` option: `.`, `point`, `dot`, `,` or `comma`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "." | "point" | "dot" | "period" => Ok(DecimalSep::Point),
            "," | "comma" => Ok(DecimalSep::Comma),
            _ => Err(UnknownDecimalSep {
                given: s.to_owned(),
            }),
        }
    }
}

/// How the numbers of one column are written.
///
/// Thousands may be grouped by spaces (plain, no-break U+00A0, narrow no-break U+202F,
/// thin U+2009), apostrophes (`'` and `’`) or whichever of `.` and `,` is not the decimal
/// separator; one number uses one kind of grouping, in groups of three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NumberFormat {
    /// The decimal separator.
    pub decimal: DecimalSep,
}

impl NumberFormat {
    /// `1,234.56`.
    pub const POINT: NumberFormat = NumberFormat {
        decimal: DecimalSep::Point,
    };
    /// `1.234,56`.
    pub const COMMA: NumberFormat = NumberFormat {
        decimal: DecimalSep::Comma,
    };
}

/// A currency found beside a number, as an ISO 4217 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The currency with this ISO 4217 code (any case), if it is a current code.
    pub fn from_code(code: &str) -> Option<Currency> {
        // Every code is three bytes: upper-cased in place, without a String per value.
        let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
        let bytes = bytes.map(|b| b.to_ascii_uppercase());
        let upper = std::str::from_utf8(&bytes).ok()?;
        ISO_CODES
            .binary_search(&upper)
            .ok()
            .map(|_| Currency(bytes))
    }

    /// The three-letter ISO 4217 code.
    pub fn code(&self) -> &str {
        // Only ever built from the ASCII codes in `ISO_CODES`.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Current ISO 4217 codes, sorted for binary search.
const ISO_CODES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SYP", "SZL", "THB", "TJS",
    "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

/// Symbols and abbreviations written beside amounts, with their ISO codes. Letters match
/// in any case. `$` is taken as USD, the reading in the vast majority of ledgers.
const SYMBOLS: &[(&str, &str)] = &[
    ("€", "EUR"),
    ("$", "USD"),
    ("US$", "USD"),
    ("£", "GBP"),
    ("₽", "RUB"),
    ("руб.", "RUB"),
    ("руб", "RUB"),
    ("р.", "RUB"),
    ("р", "RUB"),
    // 1C still labels the rouble with its pre-1998 code.
    ("RUR", "RUB"),
    ("zł", "PLN"),
    ("Kč", "CZK"),
    ("Fr.", "CHF"),
    ("Fr", "CHF"),
    ("SFr.", "CHF"),
    ("Ft", "HUF"),
    ("lei", "RON"),
    ("₴", "UAH"),
    ("грн.", "UAH"),
    ("грн", "UAH"),
    ("₸", "KZT"),
    ("₹", "INR"),
];

/// A parsed money or quantity value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParsedNumber {
    /// The exact value; zero is never negative.
    pub value: Decimal,
    /// The currency written beside the number, if any.
    pub currency: Option<Currency>,
    /// Whether the number was in exponent notation (`1.5E+03`), as Excel shows numbers too
    /// wide for their cell; worth a warning, since Excel may have rounded the digits away.
    pub exponent: bool,
}

/// What is wrong with a value that [`parse_number`] rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumberProblem {
    /// Nothing but whitespace.
    #[error("the value is empty; expected a number")]
    Empty,
    /// Signs or a currency, but no digits.
    #[error("no digits; expected a number such as 1 234{}56", .0.as_char())]
    NoDigits(DecimalSep),
    /// A character that has no place in a number.
    #[error(
        "unexpected {0:?}; expected digits, one decimal separator, thousands separators, \
         a sign and a currency"
    )]
    UnexpectedChar(char),
    /// The decimal separator appears twice.
    #[error("more than one decimal {0}")]
    SeveralDecimalSeparators(DecimalSep),
    /// A decimal separator with no digits after it.
    #[error("no digits after the decimal {0}")]
    EmptyFraction(DecimalSep),
    /// Thousands separators that do not make groups of three digits.
    #[error("thousands separator {0:?} must split the integer part into groups of three digits")]
    BadGrouping(char),
    /// Two kinds of thousands separator in one number.
    #[error("thousands separators {0:?} and {1:?} mixed; expected one kind")]
    MixedGrouping(char, char),
    /// More than one of leading sign, trailing minus and parentheses.
    #[error("more than one sign (leading sign, trailing minus, parentheses); expected one")]
    SeveralSigns,
    /// An opening parenthesis without a closing one, or the reverse.
    #[error("unbalanced parenthesis; expected a negative amount as (1 234,56)")]
    UnbalancedParenthesis,
    /// A currency both before and after the number.
    #[error("two currencies, {0} and {1}; expected at most one")]
    SeveralCurrencies(Currency, Currency),
    /// Exponent notation that is not `mantissa E sign digits`.
    #[error("malformed exponent notation; expected e.g. 1{}5E+03", .0.as_char())]
    BadExponent(DecimalSep),
    /// More digits than a 96-bit decimal holds (28 or so), or an exponent beyond them.
    #[error("too large or too precise; at most 28 significant digits fit")]
    OutOfRange,
}

/// A value that is not a number in the expected format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{input:?} is not a number with a decimal {decimal}: {problem}")]
pub struct NumberError {
    /// The value as given.
    pub input: String,
    /// The decimal separator it was read with.
    pub decimal: DecimalSep,
    /// What is wrong with it.
    pub problem: NumberProblem,
}

/// Parses one money or quantity value.
///
/// Accepted around the digits, in any order: a leading `-`, `+` or `−` (U+2212), a trailing
/// `-` or `−` (SAP list output), enclosing parentheses (negative), and one currency symbol,
/// abbreviation or ISO code, with or without a space.
///
/// ```
/// use procura::ledger::locale::number::{parse_number, NumberFormat};
/// use rust_decimal::Decimal;
///
/// let n = parse_number("1.234,56- EUR", NumberFormat::COMMA).unwrap();
/// assert_eq!(n.value, Decimal::new(-123456, 2));
/// assert_eq!(n.currency.unwrap().code(), "EUR");
/// ```
pub fn parse_number(input: &str, format: NumberFormat) -> Result<ParsedNumber, NumberError> {
    let fail = |problem| NumberError {
        input: input.to_owned(),
        decimal: format.decimal,
        problem,
    };
    let parts = split_affixes(input, format.decimal).map_err(fail)?;
    let (mut value, exponent) = parse_body(parts.body, format.decimal).map_err(fail)?;
    if parts.negative && !value.is_zero() {
        value.set_sign_negative(true);
    }
    Ok(ParsedNumber {
        value,
        currency: parts.currency,
        exponent,
    })
}

/// A value split into its sign, currency and the digits between them.
pub(crate) struct Affixes<'a> {
    pub(crate) body: &'a str,
    pub(crate) negative: bool,
    pub(crate) currency: Option<Currency>,
}

/// Peels a value's signs, parentheses and currency off its digits, as [`parse_number`]
/// does first (the fast path reads currency-bearing values with it).
pub(crate) fn split_affixes(
    input: &str,
    decimal: DecimalSep,
) -> Result<Affixes<'_>, NumberProblem> {
    // `str::trim` takes the no-break spaces for whitespace too.
    let mut rest = input.trim();
    if rest.is_empty() {
        return Err(NumberProblem::Empty);
    }
    let mut signs = 0;
    let mut negative = false;
    let mut currency = None;
    let mut set_currency = |found: Currency| match currency.replace(found) {
        Some(first) => Err(NumberProblem::SeveralCurrencies(first, found)),
        None => Ok(()),
    };
    let mut open_paren = false;
    let mut close_paren = false;
    // Peel tokens off the front until the digits start, then off the back.
    loop {
        if let Some(after) = rest.strip_prefix('(').filter(|_| !open_paren) {
            open_paren = true;
            rest = after;
        } else if let Some(c @ ('-' | '−' | '+')) = rest.chars().next() {
            signs += 1;
            negative |= c != '+';
            rest = &rest[c.len_utf8()..];
        } else if let Some((found, len)) = currency_prefix(rest) {
            set_currency(found)?;
            rest = &rest[len..];
        } else {
            break;
        }
        rest = rest.trim();
    }
    loop {
        if let Some(before) = rest.strip_suffix(')').filter(|_| !close_paren) {
            close_paren = true;
            rest = before;
        } else if let Some(c @ ('-' | '−')) = rest.chars().next_back() {
            signs += 1;
            negative = true;
            rest = &rest[..rest.len() - c.len_utf8()];
        } else if let Some((found, len)) = currency_suffix(rest) {
            set_currency(found)?;
            rest = &rest[..rest.len() - len];
        } else {
            break;
        }
        rest = rest.trim();
    }
    if open_paren != close_paren {
        return Err(NumberProblem::UnbalancedParenthesis);
    }
    if open_paren {
        signs += 1;
        negative = true;
    }
    if signs > 1 {
        return Err(NumberProblem::SeveralSigns);
    }
    if rest.is_empty() {
        return Err(NumberProblem::NoDigits(decimal));
    }
    Ok(Affixes {
        body: rest,
        negative,
        currency,
    })
}

/// The currency at the start of `s` and its length in bytes; the longest match wins.
fn currency_prefix(s: &str) -> Option<(Currency, usize)> {
    // No code or symbol starts with a digit: most values are rejected without the tables.
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let word_len: usize = s
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(char::len_utf8)
        .sum();
    let iso = Currency::from_code(&s[..word_len]).map(|c| (c, word_len));
    let symbol = SYMBOLS
        .iter()
        .filter_map(|&(token, code)| {
            let len = prefix_len_ignoring_case(s, token)?;
            let boundary = !ends_in_letter(token) || !starts_with_letter(&s[len..]);
            boundary
                .then(|| Currency::from_code(code).map(|c| (c, len)))
                .flatten()
        })
        .max_by_key(|&(_, len)| len);
    longer(iso, symbol)
}

/// The currency at the end of `s` and its length in bytes; the longest match wins.
fn currency_suffix(s: &str) -> Option<(Currency, usize)> {
    if s.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let word_len: usize = s
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(char::len_utf8)
        .sum();
    let iso = Currency::from_code(&s[s.len() - word_len..]).map(|c| (c, word_len));
    let symbol = SYMBOLS
        .iter()
        .filter_map(|&(token, code)| {
            let len = suffix_len_ignoring_case(s, token)?;
            let boundary = !starts_with_letter(token) || !ends_in_letter(&s[..s.len() - len]);
            boundary
                .then(|| Currency::from_code(code).map(|c| (c, len)))
                .flatten()
        })
        .max_by_key(|&(_, len)| len);
    longer(iso, symbol)
}

fn longer(a: Option<(Currency, usize)>, b: Option<(Currency, usize)>) -> Option<(Currency, usize)> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn starts_with_letter(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_alphabetic)
}

fn ends_in_letter(s: &str) -> bool {
    s.chars().next_back().is_some_and(char::is_alphabetic)
}

fn same_ignoring_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// If `s` starts with `token` (ignoring case), the length in `s` of that start.
fn prefix_len_ignoring_case(s: &str, token: &str) -> Option<usize> {
    let mut len = 0;
    let mut chars = s.chars();
    for t in token.chars() {
        let c = chars.next()?;
        if !same_ignoring_case(c, t) {
            return None;
        }
        len += c.len_utf8();
    }
    Some(len)
}

/// If `s` ends with `token` (ignoring case), the length in `s` of that end.
fn suffix_len_ignoring_case(s: &str, token: &str) -> Option<usize> {
    let mut len = 0;
    let mut chars = s.chars().rev();
    for t in token.chars().rev() {
        let c = chars.next()?;
        if !same_ignoring_case(c, t) {
            return None;
        }
        len += c.len_utf8();
    }
    Some(len)
}

/// Parses the digits between the affixes; the flag says whether it had an exponent.
fn parse_body(body: &str, decimal: DecimalSep) -> Result<(Decimal, bool), NumberProblem> {
    if let Some(at) = body.find(['e', 'E']) {
        let mantissa = &body[..at];
        // Only a numeric mantissa makes this exponent notation; `5 euros` is just junk.
        if !mantissa.is_empty()
            && mantissa
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            let value = parse_exponent(mantissa, &body[at + 1..], decimal)?;
            return Ok((value, true));
        }
    }
    let mut parts = body.split(decimal.as_char());
    let integer = parts.next().unwrap_or_default();
    let fraction = parts.next();
    if parts.next().is_some() {
        return Err(NumberProblem::SeveralDecimalSeparators(decimal));
    }
    let fraction = match fraction {
        Some("") => return Err(NumberProblem::EmptyFraction(decimal)),
        Some(fraction) => fraction,
        None => "",
    };
    if let Some(c) = fraction.chars().find(|c| !c.is_ascii_digit()) {
        return Err(NumberProblem::UnexpectedChar(c));
    }
    let integer_digits = ungroup(integer, decimal)?;
    if integer_digits.is_empty() && fraction.is_empty() {
        return Err(NumberProblem::NoDigits(decimal));
    }
    let value = to_decimal(&integer_digits, fraction, 0)?;
    Ok((value, false))
}

/// Excel's exponent notation: `1.5E+03`, `1,5E-3`, `2E5`; no grouping in the mantissa.
fn parse_exponent(
    mantissa: &str,
    exponent: &str,
    decimal: DecimalSep,
) -> Result<Decimal, NumberProblem> {
    let bad = || NumberProblem::BadExponent(decimal);
    let (integer, fraction) = mantissa
        .split_once(decimal.as_char())
        .unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if integer.is_empty() || !all_digits(integer) || !all_digits(fraction) {
        return Err(bad());
    }
    let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if digits.is_empty() || digits.len() > 3 || !all_digits(digits) {
        return Err(bad());
    }
    let magnitude: i64 = digits.parse().map_err(|_| bad())?;
    let shift = if exponent.starts_with('-') {
        -magnitude
    } else {
        magnitude
    };
    to_decimal(integer, fraction, shift)
}

/// Removes thousands separators from an integer part, checking that they make groups of
/// three, and returns its digits.
fn ungroup(integer: &str, decimal: DecimalSep) -> Result<String, NumberProblem> {
    let class = |c: char| match c {
        ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}' => Some(' '),
        '\'' | '’' => Some('\''),
        c if c == decimal.other() => Some(c),
        _ => None,
    };
    let mut separator: Option<char> = None;
    for c in integer.chars().filter(|c| !c.is_ascii_digit()) {
        let Some(kind) = class(c) else {
            return Err(NumberProblem::UnexpectedChar(c));
        };
        match separator {
            Some(seen) if class(seen) != Some(kind) => {
                return Err(NumberProblem::MixedGrouping(seen, c));
            }
            Some(_) => {}
            None => separator = Some(c),
        }
    }
    let Some(separator) = separator else {
        return Ok(integer.to_owned());
    };
    let groups: Vec<&str> = integer.split(|c| class(c).is_some()).collect();
    let well_formed = groups.iter().enumerate().all(|(i, group)| {
        if i == 0 {
            // A leading zero group (`0,123`) is never written by a grouping formatter.
            (1..=3).contains(&group.len()) && !group.starts_with('0')
        } else {
            group.len() == 3
        }
    });
    if !well_formed {
        return Err(NumberProblem::BadGrouping(separator));
    }
    Ok(groups.concat())
}

/// Builds `integer.fraction × 10^shift` exactly.
fn to_decimal(integer: &str, fraction: &str, shift: i64) -> Result<Decimal, NumberProblem> {
    let mut mantissa: i128 = 0;
    for b in integer.bytes().chain(fraction.bytes()) {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b - b'0')))
            .ok_or(NumberProblem::OutOfRange)?;
    }
    let scale = i64::try_from(fraction.len()).map_err(|_| NumberProblem::OutOfRange)? - shift;
    let (mantissa, scale) = if scale < 0 {
        let factor = u32::try_from(-scale)
            .ok()
            .and_then(|power| 10i128.checked_pow(power))
            .ok_or(NumberProblem::OutOfRange)?;
        let scaled = if mantissa == 0 {
            0
        } else {
            mantissa
                .checked_mul(factor)
                .ok_or(NumberProblem::OutOfRange)?
        };
        (scaled, 0)
    } else {
        (
            mantissa,
            u32::try_from(scale).map_err(|_| NumberProblem::OutOfRange)?,
        )
    };
    Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| NumberProblem::OutOfRange)
}

/// What a column's values say about its decimal separator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecimalInference {
    /// Some value can only be read with this separator (`1.234,56`, `1,5`, `1,234,567`).
    Decided {
        /// The separator.
        decimal: DecimalSep,
        /// The first value that proves it.
        proof: Sample,
    },
    /// Some values read differently under the two conventions (`1,234` is 1234 or 1.234)
    /// and none settles which: the caller must ask the user (e.g. for `--decimal`).
    Ambiguous {
        /// The first such value.
        example: Sample,
    },
    /// Every value reads the same either way (no separators, or no values), so either
    /// convention gives the same numbers.
    Indifferent,
}

/// A column in which some values can only be read with a decimal comma and others only with
/// a decimal point.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "the column mixes decimal separators: {:?} (value {}) needs a decimal comma, \
     {:?} (value {}) a decimal point",
    .comma.value, .comma.index + 1, .point.value, .point.index + 1
)]
pub struct DecimalConflict {
    /// The first value that only reads with a decimal comma.
    pub comma: Sample,
    /// The first value that only reads with a decimal point.
    pub point: Sample,
}

/// Decides the decimal separator of a column from its values.
///
/// Each value is read under both conventions: one that reads under only one proves it;
/// one that reads under both, with different results, is ambiguous; values that read
/// under neither are skipped (parsing reports them later). Any proof wins over ambiguity;
/// proofs for both conventions are a [`DecimalConflict`].
///
/// ```
/// use procura::ledger::locale::number::{infer_decimal, DecimalInference, DecimalSep};
///
/// let column = ["1,234", "12,5", "7"];
/// let Ok(DecimalInference::Decided { decimal, proof }) = infer_decimal(column) else {
///     panic!("not decided");
/// };
/// assert_eq!(decimal, DecimalSep::Comma);
/// assert_eq!(proof.value, "12,5");
/// ```
pub fn infer_decimal<I>(samples: I) -> Result<DecimalInference, DecimalConflict>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let mut evidence = DecimalEvidence::default();
    for (index, value) in samples.into_iter().enumerate() {
        if evidence.is_conflict() {
            break;
        }
        evidence.add(index, value.as_ref());
    }
    evidence.finish()
}

/// What [`infer_decimal`] keeps while it reads a column: the first value of each kind, so
/// that a column can be decided one value at a time without holding its values.
#[derive(Debug, Clone, Default)]
pub(crate) struct DecimalEvidence {
    comma: Option<Sample>,
    point: Option<Sample>,
    ambiguous: Option<Sample>,
}

impl DecimalEvidence {
    /// Takes the value at `index` (its position among the column's values) into account.
    pub(crate) fn add(&mut self, index: usize, value: &str) {
        if self.is_conflict() {
            return;
        }
        let sample = || Sample {
            index,
            value: value.to_owned(),
        };
        let as_comma = parse_number(value, NumberFormat::COMMA).map(|n| n.value);
        let as_point = parse_number(value, NumberFormat::POINT).map(|n| n.value);
        match (as_comma, as_point) {
            (Ok(_), Err(_)) => {
                self.comma.get_or_insert_with(sample);
            }
            (Err(_), Ok(_)) => {
                self.point.get_or_insert_with(sample);
            }
            (Ok(a), Ok(b)) if a != b => {
                self.ambiguous.get_or_insert_with(sample);
            }
            _ => {}
        }
    }

    /// Whether both conventions are proven: no later value changes the outcome.
    fn is_conflict(&self) -> bool {
        self.comma.is_some() && self.point.is_some()
    }

    /// How many values are kept as evidence; it grows when a value is kept, so that a
    /// caller can note where that value came from.
    pub(crate) fn kept(&self) -> usize {
        [&self.comma, &self.point, &self.ambiguous]
            .iter()
            .filter(|s| s.is_some())
            .count()
    }

    /// The decision over every value added.
    pub(crate) fn finish(self) -> Result<DecimalInference, DecimalConflict> {
        match (self.comma, self.point, self.ambiguous) {
            (Some(comma), Some(point), _) => Err(DecimalConflict { comma, point }),
            (Some(proof), None, _) => Ok(DecimalInference::Decided {
                decimal: DecimalSep::Comma,
                proof,
            }),
            (None, Some(proof), _) => Ok(DecimalInference::Decided {
                decimal: DecimalSep::Point,
                proof,
            }),
            (None, None, Some(example)) => Ok(DecimalInference::Ambiguous { example }),
            (None, None, None) => Ok(DecimalInference::Indifferent),
        }
    }
}

/// The currency a whole value names: an ISO 4217 code (`eur`), a symbol (`€`) or an
/// abbreviation (`руб.`), as a currency column of a ledger holds it; `None` for anything else.
pub fn parse_currency(value: &str) -> Option<Currency> {
    let value = value.trim();
    // A whole value of ASCII letters that is a code is that code: no symbol is longer than
    // the whole value, and an equally long one loses to the code. This is the currency
    // column's every row, so it skips scanning the symbols.
    if value.bytes().all(|b| b.is_ascii_alphabetic())
        && let Some(currency) = Currency::from_code(value)
    {
        return Some(currency);
    }
    currency_prefix(value)
        .filter(|&(_, len)| len == value.len())
        .map(|(currency, _)| currency)
}

/// Whether `value` looks like an identifier that Excel turned into exponent notation
/// (`1.23E+05`, German Excel `1,23E+05`): a single digit, an optional fraction, `E`, an
/// explicit sign and at least two exponent digits, exactly as Excel displays it.
///
/// Such a value in an id column (supplier, item, order number) has lost its digits and
/// cannot be trusted; part numbers like `12E45` lack the sign and are not matched.
pub fn looks_like_excel_mangled_id(value: &str) -> bool {
    let value = value.trim();
    let Some((mantissa, exponent)) = value.split_once(['E', 'e']) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once(['.', ',']) {
        Some((integer, fraction)) => integer.len() == 1 && digits(integer) && digits(fraction),
        None => mantissa.len() == 1 && digits(mantissa),
    };
    let exponent_ok = exponent
        .strip_prefix(['+', '-'])
        .is_some_and(|digits_part| digits_part.len() >= 2 && digits(digits_part));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn comma(s: &str) -> ParsedNumber {
        parse_number(s, NumberFormat::COMMA).unwrap_or_else(|e| panic!("{e}"))
    }

    fn point(s: &str) -> ParsedNumber {
        parse_number(s, NumberFormat::POINT).unwrap_or_else(|e| panic!("{e}"))
    }

    fn problem(s: &str, format: NumberFormat) -> NumberProblem {
        match parse_number(s, format) {
            Ok(n) => panic!("{s:?} parsed as {n:?}"),
            Err(e) => {
                assert_eq!(e.input, s);
                e.problem
            }
        }
    }

    fn code(n: ParsedNumber) -> Option<String> {
        n.currency.map(|c| c.code().to_owned())
    }

    #[test]
    fn plain_and_grouped_numbers() {
        assert_eq!(comma("1234,56").value, dec("1234.56"));
        assert_eq!(comma("1.234,56").value, dec("1234.56"));
        assert_eq!(comma("1 234,56").value, dec("1234.56"));
        assert_eq!(comma("1\u{A0}234\u{A0}567,8").value, dec("1234567.8"));
        assert_eq!(comma("1\u{202F}234,5").value, dec("1234.5"));
        assert_eq!(point("1,234.56").value, dec("1234.56"));
        assert_eq!(point("1'234.56").value, dec("1234.56"));
        assert_eq!(point("1’234’567.5").value, dec("1234567.5"));
        assert_eq!(point("1 234.56").value, dec("1234.56"));
        assert_eq!(point("42").value, dec("42"));
        assert_eq!(point(".5").value, dec("0.5"));
        assert_eq!(comma("0,5").value, dec("0.5"));
        assert_eq!(point("007").value, dec("7"));
    }

    #[test]
    fn scale_is_kept_for_money() {
        assert_eq!(comma("12,50").value.scale(), 2);
        assert_eq!(comma("12,50").value.to_string(), "12.50");
    }

    #[test]
    fn negatives_in_every_form() {
        for s in [
            "-1.234,56",
            "−1.234,56",
            "1.234,56-",
            "1.234,56−",
            "(1.234,56)",
            "( 1 234,56 )",
        ] {
            assert_eq!(comma(s).value, dec("-1234.56"), "{s}");
        }
        assert_eq!(point("+12.5").value, dec("12.5"));
        assert_eq!(point("-0.00").value, Decimal::ZERO);
        assert!(point("-0").value.is_sign_positive());
    }

    #[test]
    fn currencies_beside_the_number() {
        let cases = [
            ("€ 1.234,56", NumberFormat::COMMA, "1234.56", "EUR"),
            ("1 234,56 руб.", NumberFormat::COMMA, "1234.56", "RUB"),
            ("1 234,56 руб", NumberFormat::COMMA, "1234.56", "RUB"),
            ("1 234,56 р.", NumberFormat::COMMA, "1234.56", "RUB"),
            ("1 234,56₽", NumberFormat::COMMA, "1234.56", "RUB"),
            ("1 234,56 RUR", NumberFormat::COMMA, "1234.56", "RUB"),
            ("EUR 12.50", NumberFormat::POINT, "12.50", "EUR"),
            ("12,50 €", NumberFormat::COMMA, "12.50", "EUR"),
            ("12,50€", NumberFormat::COMMA, "12.50", "EUR"),
            ("$1,234.56", NumberFormat::POINT, "1234.56", "USD"),
            ("US$ 5", NumberFormat::POINT, "5", "USD"),
            ("1234.56 USD", NumberFormat::POINT, "1234.56", "USD"),
            ("1234.56usd", NumberFormat::POINT, "1234.56", "USD"),
            ("£3.10", NumberFormat::POINT, "3.10", "GBP"),
            ("12,00 zł", NumberFormat::COMMA, "12.00", "PLN"),
            ("12,00 ZŁ", NumberFormat::COMMA, "12.00", "PLN"),
            ("1 500 Kč", NumberFormat::COMMA, "1500", "CZK"),
            ("CHF 1'234.50", NumberFormat::POINT, "1234.50", "CHF"),
            ("Fr. 12.50", NumberFormat::POINT, "12.50", "CHF"),
            ("12.50 Fr.", NumberFormat::POINT, "12.50", "CHF"),
            ("1 000 Ft", NumberFormat::COMMA, "1000", "HUF"),
            ("100 грн.", NumberFormat::COMMA, "100", "UAH"),
            ("SEK 10", NumberFormat::POINT, "10", "SEK"),
        ];
        for (s, format, value, currency) in cases {
            let n = parse_number(s, format).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(n.value, dec(value), "{s}");
            assert_eq!(code(n).as_deref(), Some(currency), "{s}");
        }
        assert_eq!(code(comma("12,50")), None);
    }

    #[test]
    fn signs_and_currencies_combine() {
        for s in [
            "-€ 12,50",
            "€ -12,50",
            "€-12,50",
            "(€ 12,50)",
            "(12,50) €",
            "12,50- EUR",
            "12,50 € -",
        ] {
            let n = comma(s);
            assert_eq!(n.value, dec("-12.50"), "{s}");
            assert_eq!(code(n).as_deref(), Some("EUR"), "{s}");
        }
    }

    #[test]
    fn exponent_notation_is_read_and_flagged() {
        let n = point("1.5E+03");
        assert_eq!(n.value, dec("1500"));
        assert!(n.exponent);
        assert_eq!(comma("1,5E+03").value, dec("1500"));
        assert_eq!(point("2e5").value, dec("200000"));
        assert_eq!(point("1.25E-2").value, dec("0.0125"));
        assert_eq!(point("-4.2E+01").value, dec("-42"));
        assert!(!point("42").exponent);
        assert_eq!(
            problem("1,5E+03", NumberFormat::POINT),
            NumberProblem::BadExponent(DecimalSep::Point)
        );
        assert_eq!(
            problem("1.5E", NumberFormat::POINT),
            NumberProblem::BadExponent(DecimalSep::Point)
        );
        assert_eq!(
            problem("E5", NumberFormat::POINT),
            NumberProblem::UnexpectedChar('E')
        );
        assert_eq!(
            problem("1E+999", NumberFormat::POINT),
            NumberProblem::OutOfRange
        );
        assert_eq!(
            problem("1E-40", NumberFormat::POINT),
            NumberProblem::OutOfRange
        );
    }

    #[test]
    fn garbage_is_rejected_with_what_was_expected() {
        use NumberProblem as P;
        assert_eq!(problem("", NumberFormat::COMMA), P::Empty);
        assert_eq!(problem(" \u{A0} ", NumberFormat::COMMA), P::Empty);
        assert_eq!(
            problem("€", NumberFormat::COMMA),
            P::NoDigits(DecimalSep::Comma)
        );
        assert_eq!(
            problem("-", NumberFormat::COMMA),
            P::NoDigits(DecimalSep::Comma)
        );
        assert_eq!(problem("n/a", NumberFormat::COMMA), P::UnexpectedChar('n'));
        assert_eq!(
            problem("12 kg", NumberFormat::COMMA),
            P::UnexpectedChar('k')
        );
        assert_eq!(problem("12%", NumberFormat::POINT), P::UnexpectedChar('%'));
        assert_eq!(
            problem("1,2,3", NumberFormat::COMMA),
            P::SeveralDecimalSeparators(DecimalSep::Comma)
        );
        assert_eq!(
            problem("12,", NumberFormat::COMMA),
            P::EmptyFraction(DecimalSep::Comma)
        );
        assert_eq!(problem("1,5", NumberFormat::POINT), P::BadGrouping(','));
        assert_eq!(problem("12.34,5", NumberFormat::COMMA), P::BadGrouping('.'));
        assert_eq!(
            problem("1234.567,5", NumberFormat::COMMA),
            P::BadGrouping('.')
        );
        assert_eq!(problem("0.123,5", NumberFormat::COMMA), P::BadGrouping('.'));
        assert_eq!(
            problem("1 234.567,5", NumberFormat::COMMA),
            P::MixedGrouping(' ', '.')
        );
        assert_eq!(
            problem("1,234 5", NumberFormat::COMMA),
            P::UnexpectedChar(' ')
        );
        assert_eq!(problem("--5", NumberFormat::COMMA), P::SeveralSigns);
        assert_eq!(problem("-5-", NumberFormat::COMMA), P::SeveralSigns);
        assert_eq!(problem("-(5)", NumberFormat::COMMA), P::SeveralSigns);
        assert_eq!(problem("(5", NumberFormat::COMMA), P::UnbalancedParenthesis);
        assert_eq!(problem("5)", NumberFormat::COMMA), P::UnbalancedParenthesis);
        assert!(matches!(
            problem("€ 5 USD", NumberFormat::COMMA),
            P::SeveralCurrencies(..)
        ));
        assert_eq!(
            problem("99999999999999999999999999999999", NumberFormat::POINT),
            P::OutOfRange
        );
        assert_eq!(
            problem("0.00000000000000000000000000001", NumberFormat::POINT),
            P::OutOfRange
        );
        assert_eq!(
            problem("12 XYZ", NumberFormat::POINT),
            P::UnexpectedChar('X')
        );
        // A currency word glued into another word is not a currency.
        assert_eq!(
            problem("5 euros", NumberFormat::POINT),
            P::UnexpectedChar('e')
        );
    }

    #[test]
    fn error_messages_name_the_value_and_the_expectation() {
        let error = parse_number("1,5", NumberFormat::POINT).unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"1,5\" is not a number with a decimal point '.': thousands separator ',' must \
             split the integer part into groups of three digits"
        );
        let error = parse_number("abc", NumberFormat::COMMA).unwrap_err();
        assert!(error.to_string().contains("expected digits"), "{error}");
    }

    #[test]
    fn decimal_sep_parses_from_option_values() {
        assert_eq!(",".parse(), Ok(DecimalSep::Comma));
        assert_eq!("Comma".parse(), Ok(DecimalSep::Comma));
        assert_eq!(".".parse(), Ok(DecimalSep::Point));
        assert_eq!("dot".parse(), Ok(DecimalSep::Point));
        assert!("semicolon".parse::<DecimalSep>().is_err());
    }

    #[test]
    fn currency_codes() {
        assert!(
            ISO_CODES.windows(2).all(|w| w[0] < w[1]),
            "ISO_CODES must stay sorted"
        );
        assert!(
            SYMBOLS
                .iter()
                .all(|(_, code)| Currency::from_code(code).is_some())
        );
        assert_eq!(
            Currency::from_code("eur").map(|c| c.to_string()).as_deref(),
            Some("EUR")
        );
        assert_eq!(Currency::from_code("XYZ"), None);
        assert_eq!(Currency::from_code("EURO"), None);
        assert_eq!(Currency::from_code("€"), None);
    }

    fn infer(values: &[&str]) -> Result<DecimalInference, DecimalConflict> {
        infer_decimal(values)
    }

    fn decided(values: &[&str]) -> (DecimalSep, String) {
        match infer(values) {
            Ok(DecimalInference::Decided { decimal, proof }) => (decimal, proof.value),
            other => panic!("{values:?}: {other:?}"),
        }
    }

    #[test]
    fn inference_from_single_proofs() {
        assert_eq!(decided(&["1.234,56"]).0, DecimalSep::Comma);
        assert_eq!(decided(&["1,234.56"]).0, DecimalSep::Point);
        assert_eq!(decided(&["1,5"]).0, DecimalSep::Comma);
        assert_eq!(decided(&["1.5"]).0, DecimalSep::Point);
        assert_eq!(decided(&["1,234,567"]).0, DecimalSep::Point);
        assert_eq!(decided(&["1.234.567"]).0, DecimalSep::Comma);
        assert_eq!(decided(&["0,123"]).0, DecimalSep::Comma);
        assert_eq!(decided(&["1234,567"]).0, DecimalSep::Comma);
        assert_eq!(decided(&["1 234,567"]).0, DecimalSep::Comma);
        assert_eq!(decided(&["€ 12,50"]).0, DecimalSep::Comma);
        assert_eq!(decided(&["1.5E+03"]).0, DecimalSep::Point);
    }

    #[test]
    fn inference_over_a_column() {
        assert_eq!(
            decided(&["1,234", "n/a", "", "12,5", "7"]),
            (DecimalSep::Comma, "12,5".to_owned())
        );
        let Ok(DecimalInference::Decided { proof, .. }) = infer(&["1,234", "7", "2.000,00"]) else {
            panic!();
        };
        assert_eq!(
            proof,
            Sample {
                index: 2,
                value: "2.000,00".to_owned()
            }
        );
    }

    #[test]
    fn ambiguous_and_indifferent_columns() {
        assert_eq!(
            infer(&["1,234", "5,678"]),
            Ok(DecimalInference::Ambiguous {
                example: Sample {
                    index: 0,
                    value: "1,234".to_owned()
                }
            })
        );
        assert_eq!(
            infer(&["1.234", "12"]).map(|i| matches!(i, DecimalInference::Ambiguous { .. })),
            Ok(true)
        );
        assert_eq!(
            infer(&["12", "1 234", "-5", "garbage"]),
            Ok(DecimalInference::Indifferent)
        );
        assert_eq!(infer(&[]), Ok(DecimalInference::Indifferent));
    }

    #[test]
    fn conflicting_proofs_are_an_error() {
        let error = infer(&["1,234", "12,5", "3", "1,234.56"]).unwrap_err();
        assert_eq!(error.comma.value, "12,5");
        assert_eq!(
            error.point,
            Sample {
                index: 3,
                value: "1,234.56".to_owned()
            }
        );
        assert!(error.to_string().contains("\"12,5\" (value 2)"), "{error}");
    }

    #[test]
    fn excel_mangled_ids() {
        for id in [
            "1.23E+05",
            "1,23E+05",
            "4.56789E+11",
            "1E+05",
            "9.9e-07",
            " 1.2E+10 ",
        ] {
            assert!(looks_like_excel_mangled_id(id), "{id}");
        }
        for id in [
            "123000",
            "12E45",
            "1.23E5",
            "AB1.2E+05",
            "12.3E+05",
            "1.E+05",
            "1.2E+5",
            "E+05",
            "",
        ] {
            assert!(!looks_like_excel_mangled_id(id), "{id}");
        }
    }

    /// Writes `value` the way an export would, with grouping, sign style and currency.
    fn render(
        value: Decimal,
        decimal: DecimalSep,
        group: Option<char>,
        negative_style: u8,
        currency: u8,
    ) -> String {
        let text = value.abs().to_string();
        let (integer, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::new();
        for (i, c) in integer.chars().enumerate() {
            if i > 0 && (integer.len() - i) % 3 == 0 {
                if let Some(g) = group {
                    grouped.push(g);
                }
            }
            grouped.push(c);
        }
        if !fraction.is_empty() {
            grouped.push(decimal.as_char());
            grouped.push_str(fraction);
        }
        let signed = if value.is_sign_negative() && !value.is_zero() {
            match negative_style % 4 {
                0 => format!("-{grouped}"),
                1 => format!("−{grouped}"),
                2 => format!("{grouped}-"),
                _ => format!("({grouped})"),
            }
        } else {
            grouped
        };
        match currency % 4 {
            0 => signed,
            1 => format!("€ {signed}"),
            2 => format!("{signed} руб."),
            _ => format!("{signed}USD"),
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = parse_number(&s, NumberFormat::COMMA);
            let _ = parse_number(&s, NumberFormat::POINT);
            let _ = looks_like_excel_mangled_id(&s);
        }

        #[test]
        fn parsing_number_like_junk_never_panics(s in "[-−+()€$ 0-9.,'eE\u{A0}]{0,30}") {
            let _ = parse_number(&s, NumberFormat::COMMA);
            let _ = parse_number(&s, NumberFormat::POINT);
        }

        #[test]
        fn inference_never_panics(values in proptest::collection::vec("[-0-9.,' ]{0,12}", 0..20)) {
            let _ = infer_decimal(&values);
        }

        #[test]
        fn rendered_values_round_trip(
            mantissa in -10_000_000_000_000i64..10_000_000_000_000,
            scale in 0u32..6,
            comma_decimal in any::<bool>(),
            group_kind in 0u8..5,
            negative_style in any::<u8>(),
            currency in any::<u8>(),
        ) {
            let value = Decimal::new(mantissa, scale);
            let decimal = if comma_decimal { DecimalSep::Comma } else { DecimalSep::Point };
            let group = match group_kind {
                0 => None,
                1 => Some(' '),
                2 => Some('\u{A0}'),
                3 => Some('\''),
                _ => Some(decimal.other()),
            };
            let text = render(value, decimal, group, negative_style, currency);
            let parsed = parse_number(&text, NumberFormat { decimal })
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parsed.value, value);
            prop_assert_eq!(parsed.value.scale(), value.scale());
            prop_assert_eq!(parsed.currency.is_some(), currency % 4 != 0);
        }

        #[test]
        fn a_proof_decides_the_column_it_was_written_in(
            mantissa in 1_000_000i64..1_000_000_000_000,
            comma_decimal in any::<bool>(),
        ) {
            // Two decimals and thousands grouped by the other separator: always a proof.
            let value = Decimal::new(mantissa, 2);
            let decimal = if comma_decimal { DecimalSep::Comma } else { DecimalSep::Point };
            let text = render(value, decimal, Some(decimal.other()), 0, 0);
            let inferred = infer_decimal([text]);
            let decided = matches!(
                &inferred,
                Ok(DecimalInference::Decided { decimal: d, .. }) if *d == decimal
            );
            prop_assert!(decided, "{:?}", inferred);
        }
    }
}
