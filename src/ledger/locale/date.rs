//! Dates as ERPs and spreadsheets write them.
//!
//! `2025-03-07` (ISO, Odoo), `07.03.2025` and `07.03.2025 0:00:00` (SAP, 1C), `07/03/2025`
//! (British) or `03/07/2025` (American), `2025-03-07T10:00:00` (ISO date-times), and `45723`
//! (an Excel serial day number). [`parse_date`] reads one value under a known
//! [`DateFormat`]; [`infer_date_format`] decides day-first or month-first for a whole
//! column, or says honestly that it cannot. Times of day are checked and dropped: a ledger
//! line is booked on a day. Two-digit years are rejected, since `07.03.25` could be in
//! either century.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::Sample;

/// A calendar day (proleptic Gregorian), years 1 to 9999.
///
/// Ordered chronologically; displayed as ISO `yyyy-mm-dd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    // Field order makes the derived `Ord` chronological.
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it exists (`2024-02-29` does, `2025-02-29` does not).
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        validate(u32::from(year), u32::from(month), u32::from(day)).map_err(|problem| DateError {
            input: format!("{year:04}-{month:02}-{day:02}"),
            problem,
        })
    }

    /// The year, 1 to 9999.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The day that an Excel serial number stands for, in Excel's default 1900 date system.
    ///
    /// Excel numbers days from 1 = 1900-01-01 but, copying a Lotus 1-2-3 bug, counts a
    /// 29 February 1900 that never was as day 60; so days from 61 on are one behind a plain
    /// count, and 60 itself is rejected rather than silently turned into 1 March.
    pub fn from_excel_serial(serial: u32) -> Result<Date, DateError> {
        from_serial(serial).map_err(|problem| DateError {
            input: serial.to_string(),
            problem,
        })
    }

    /// This date's Excel serial number (1900 date system); `None` before 1900-01-01, which
    /// Excel cannot represent.
    pub fn to_excel_serial(self) -> Option<u32> {
        let days = self.days_since_epoch() - EXCEL_EPOCH;
        // Before 1 March 1900 Excel's count is one less, having no phantom leap day yet.
        let serial = if days >= 61 { days } else { days - 1 };
        u32::try_from(serial).ok().filter(|&serial| serial >= 1)
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's `days_from_civil`.
    fn days_since_epoch(self) -> i64 {
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The inverse of [`Date::days_since_epoch`] (Hinnant's `civil_from_days`).
    fn from_days_since_epoch(days: i64) -> Option<Date> {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Some(Date {
            year: u16::try_from(year)
                .ok()
                .filter(|&y| (1..=9999).contains(&y))?,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Day 0 of Excel's count, 1899-12-30, as days since 1970-01-01.
const EXCEL_EPOCH: i64 = -25_569;

/// The largest serial Excel accepts, 9999-12-31.
const MAX_EXCEL_SERIAL: u32 = 2_958_465;

fn from_serial(serial: u32) -> Result<Date, DateProblem> {
    if serial == 0 || serial > MAX_EXCEL_SERIAL {
        return Err(DateProblem::SerialOutOfRange(serial));
    }
    let days = match serial {
        60 => return Err(DateProblem::PhantomLeapDay),
        // Before the phantom 29 February, Excel's count is one behind the calendar's.
        ..60 => i64::from(serial) + 1,
        _ => i64::from(serial),
    };
    Date::from_days_since_epoch(EXCEL_EPOCH + days).ok_or(DateProblem::SerialOutOfRange(serial))
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn validate(year: u32, month: u32, day: u32) -> Result<Date, DateProblem> {
    if !(1..=9999).contains(&year) {
        return Err(DateProblem::Year(year));
    }
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return Err(DateProblem::Month(month)),
    };
    if !(1..=days_in_month).contains(&day) {
        return Err(DateProblem::Day { year, month, day });
    }
    // All three were range-checked above.
    match (u16::try_from(year), u8::try_from(month), u8::try_from(day)) {
        (Ok(year), Ok(month), Ok(day)) => Ok(Date { year, month, day }),
        _ => Err(DateProblem::Year(year)),
    }
}

/// How the dates of one column are written.
///
/// A year-first date (`2025-03-07`, also with `/` or `.`) is accepted under every format,
/// since it cannot be misread; day-first and month-first dates may use `.`, `/` or `-`
/// (the same one twice) and one- or two-digit days and months. Any of them may carry a time
/// of day (`0:00:00`, `14:30`, `2:30 PM`, `T10:00:00Z`), which is checked and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateFormat {
    /// `yyyy-mm-dd`.
    Iso,
    /// `dd.mm.yyyy`, `dd/mm/yyyy`, `dd-mm-yyyy`.
    DayMonthYear,
    /// `mm/dd/yyyy`, `mm.dd.yyyy`, `mm-dd-yyyy`.
    MonthDayYear,
    /// An Excel serial day number (`45723`, optionally with a time fraction, `45723.5`).
    ExcelSerial,
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateFormat::Iso => "yyyy-mm-dd",
            DateFormat::DayMonthYear => "dd.mm.yyyy",
            DateFormat::MonthDayYear => "mm/dd/yyyy",
            DateFormat::ExcelSerial => "excel",
        })
    }
}

/// A date format name that [`DateFormat::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown date format {given:?}; expected iso (yyyy-mm-dd), dd.mm.yyyy (or dd/mm/yyyy, \
     dmy), mm/dd/yyyy (or mdy) or excel"
)]
pub struct UnknownDateFormat {
    /// The text as given.
    pub given: String,
}

impl FromStr for DateFormat {
    type Err = UnknownDateFormat;

    /// Parses the value of a `--date-format` option: `iso`, `yyyy-mm-dd`, `dd.mm.yyyy`,
    /// `dd/mm/yyyy`, `dd-mm-yyyy`, `dmy`, `mm/dd/yyyy`, `mm.dd.yyyy`, `mm-dd-yyyy`, `mdy`,
    /// `excel`, `serial` (any case; `d`/`m`/`yy` spelled singly or doubled).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        // "dd.mm.yyyy" → "dmy": the order of the letters is what matters.
        let mut order = String::new();
        for c in lower.chars() {
            match c {
                'd' | 'm' | 'y' if !order.ends_with(c) => order.push(c),
                'd' | 'm' | 'y' | '.' | '/' | '-' | ' ' => {}
                _ => {
                    order.clear();
                    break;
                }
            }
        }
        match (lower.as_str(), order.as_str()) {
            ("iso" | "iso8601" | "iso-8601", _) | (_, "ymd") => Ok(DateFormat::Iso),
            ("excel" | "serial" | "excel-serial" | "excel serial", _) => {
                Ok(DateFormat::ExcelSerial)
            }
            (_, "dmy") => Ok(DateFormat::DayMonthYear),
            (_, "mdy") => Ok(DateFormat::MonthDayYear),
            _ => Err(UnknownDateFormat {
                given: s.to_owned(),
            }),
        }
    }
}

/// What is wrong with a value that [`parse_date`] rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateProblem {
    /// Nothing but whitespace.
    #[error("the value is empty; expected a date")]
    Empty,
    /// Not shaped like a date in the expected format.
    #[error("expected a date as {0}")]
    Shape(DateFormat),
    /// A year of two digits.
    #[error("two-digit year; expected four digits, since two could mean either century")]
    TwoDigitYear,
    /// A year outside 1 to 9999.
    #[error("year {0} is out of range; expected 1 to 9999")]
    Year(u32),
    /// A month outside 1 to 12.
    #[error("there is no month {0}; expected 1 to 12")]
    Month(u32),
    /// A day the month does not have.
    #[error("{year:04}-{month:02} has no day {day}")]
    Day {
        /// The year.
        year: u32,
        /// The month.
        month: u32,
        /// The day that does not exist.
        day: u32,
    },
    /// A malformed or impossible time of day after the date.
    #[error("invalid time of day {0:?}; expected H:MM or H:MM:SS, optionally with AM/PM")]
    Time(String),
    /// An Excel serial outside the days Excel can represent.
    #[error("Excel serial {0} is out of range; expected 1 to 2958465")]
    SerialOutOfRange(u32),
    /// Excel serial 60, Excel's non-existent 29 February 1900.
    #[error(
        "Excel serial 60 is 29 February 1900, a day that did not exist (Excel kept the \
         Lotus 1-2-3 leap-year bug)"
    )]
    PhantomLeapDay,
}

/// A value that is not a date in the expected format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{input:?} is not a valid date: {problem}")]
pub struct DateError {
    /// The value as given.
    pub input: String,
    /// What is wrong with it.
    pub problem: DateProblem,
}

/// Parses one date under `format` (see [`DateFormat`] for what each accepts).
///
/// ```
/// use procura::ledger::locale::date::{parse_date, DateFormat};
///
/// let date = parse_date("07.03.2025 0:00:00", DateFormat::DayMonthYear).unwrap();
/// assert_eq!(date.to_string(), "2025-03-07");
/// let serial = parse_date("45723", DateFormat::ExcelSerial).unwrap();
/// assert_eq!(serial, date);
/// ```
pub fn parse_date(input: &str, format: DateFormat) -> Result<Date, DateError> {
    parse(input, format).map_err(|problem| DateError {
        input: input.to_owned(),
        problem,
    })
}

fn parse(input: &str, format: DateFormat) -> Result<Date, DateProblem> {
    let text = input.trim();
    if text.is_empty() {
        return Err(DateProblem::Empty);
    }
    if format == DateFormat::ExcelSerial && text.starts_with(|c: char| c.is_ascii_digit()) {
        if let Some(serial) = parse_serial(text) {
            return from_serial(serial?);
        }
    }
    let shape = || DateProblem::Shape(format);
    // The date runs up to a space or an ISO `T`; a time of day may follow.
    let date_end = text
        .find(|c: char| c.is_whitespace() || c == 'T')
        .unwrap_or(text.len());
    let (date, time) = text.split_at(date_end);
    let time = match time.strip_prefix('T') {
        // An ISO `T` promises a time.
        Some("") => return Err(shape()),
        Some(time) => time,
        None => time.trim(),
    };
    let parts = split_date(date).ok_or_else(shape)?;
    let (year, month, day) = match (parts, format) {
        (Parts::YearFirst(y, m, d), _) => (y, m, d),
        (Parts::YearLast(..), DateFormat::Iso | DateFormat::ExcelSerial) => return Err(shape()),
        (Parts::YearLast(a, b, y), DateFormat::DayMonthYear) => (y, b, a),
        (Parts::YearLast(a, b, y), DateFormat::MonthDayYear) => (y, a, b),
        (Parts::TwoDigitYear, _) => return Err(DateProblem::TwoDigitYear),
    };
    let date = validate(year, month, day)?;
    if !time.is_empty() && !is_time_of_day(time) {
        return Err(DateProblem::Time(time.to_owned()));
    }
    Ok(date)
}

/// Whether `input` is written as an Excel serial day number (`45723`, `45723.5`), which
/// [`parse_date`] reads as one in the [`DateFormat::ExcelSerial`] format; a written date
/// (`2025-03-07`) is not, in any format.
pub fn is_serial_text(input: &str) -> bool {
    parse_serial(input.trim()).is_some()
}

/// Reads `45723` or `45723.5`/`45723,5` (the fraction is the time of day). `None` when the
/// text is not shaped like a serial at all.
fn parse_serial(text: &str) -> Option<Result<u32, DateProblem>> {
    let (days, fraction) = text.split_once(['.', ',']).unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if days.is_empty() || !digits(days) || !digits(fraction) || days.len() > 9 {
        return None;
    }
    // At most nine digits, so it fits; out-of-range values are reported by `from_serial`.
    Some(
        days.parse()
            .map_err(|_| DateProblem::Shape(DateFormat::ExcelSerial)),
    )
}

/// The three numbers of a date, before the format says which is which.
enum Parts {
    /// `yyyy-mm-dd` (any of the separators).
    YearFirst(u32, u32, u32),
    /// `aa.bb.yyyy`: day and month in some order, then the year.
    YearLast(u32, u32, u32),
    /// `aa.bb.yy`.
    TwoDigitYear,
}

fn split_date(date: &str) -> Option<Parts> {
    let separator = date.chars().find(|c| matches!(c, '.' | '/' | '-'))?;
    let mut fields = date.split(separator);
    let (a, b, c) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() {
        return None;
    }
    let number = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    if a.len() == 4 {
        return Some(Parts::YearFirst(
            number(a, 4..=4)?,
            number(b, 1..=2)?,
            number(c, 1..=2)?,
        ));
    }
    let (first, second) = (number(a, 1..=2)?, number(b, 1..=2)?);
    match c.len() {
        4 => Some(Parts::YearLast(first, second, number(c, 4..=4)?)),
        2 => number(c, 2..=2).map(|_| Parts::TwoDigitYear),
        _ => None,
    }
}

/// `H:MM`, `H:MM:SS`, `H:MM:SS.fff`, then optionally ` AM`/` PM`, `Z` or a UTC offset.
pub(crate) fn is_time_of_day(time: &str) -> bool {
    let upper = time.to_ascii_uppercase();
    let (clock, twelve_hour) = match upper
        .strip_suffix("AM")
        .or_else(|| upper.strip_suffix("PM"))
    {
        Some(clock) => (clock.trim_end(), true),
        None => (upper.as_str(), false),
    };
    let clock = strip_utc_offset(clock);
    let mut fields = clock.split(':');
    let (Some(hours), Some(minutes)) = (fields.next(), fields.next()) else {
        return false;
    };
    let seconds = fields.next();
    if fields.next().is_some() {
        return false;
    }
    let in_range = |s: &str, lengths: std::ops::RangeInclusive<usize>, max: u32| {
        lengths.contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let hours_ok = if twelve_hour {
        in_range(hours, 1..=2, 12) && hours.parse::<u32>().is_ok_and(|h| h >= 1)
    } else {
        in_range(hours, 1..=2, 23)
    };
    let seconds_ok = seconds.is_none_or(|seconds| {
        let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, "0"));
        in_range(whole, 2..=2, 59)
            && !fraction.is_empty()
            && fraction.bytes().all(|b| b.is_ascii_digit())
    });
    hours_ok && in_range(minutes, 2..=2, 59) && seconds_ok
}

/// Drops a trailing `Z`, `+01:00`, `-0500` or `+03` from a time of day.
fn strip_utc_offset(clock: &str) -> &str {
    if let Some(rest) = clock.strip_suffix('Z') {
        return rest;
    }
    match clock.rfind(['+', '-']) {
        Some(at) => {
            let offset = clock[at + 1..].replace(':', "");
            let valid = matches!(offset.len(), 2 | 4) && offset.bytes().all(|b| b.is_ascii_digit());
            if valid { &clock[..at] } else { clock }
        }
        None => clock,
    }
}

/// Why [`infer_date_format`] chose the format it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateEvidence {
    /// This value reads only in the chosen order (`31.01.2025`: day first).
    Proof(Sample),
    /// Nothing proves the order, but the dates are written with dots, and dotted dates are
    /// day-first wherever they are used (German, Russian, Czech, Polish...); this is the
    /// first of them.
    DottedConvention(Sample),
    /// Every value is year-first.
    YearFirst,
    /// Every value is an Excel serial between 1950 and 2100; this is the first.
    Serial(Sample),
}

/// What a column's values say about its date format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateInference {
    /// The column's format, and why.
    Decided {
        /// The format.
        format: DateFormat,
        /// The evidence for it.
        evidence: DateEvidence,
    },
    /// Some value reads as two different dates (`03/07/2025`) and none settles which
    /// comes first: the caller must ask the user (e.g. for `--date-format`).
    Ambiguous {
        /// The first such value.
        example: Sample,
    },
    /// Every value reads the same either way (`01/01/2025`), or there are none.
    Indifferent,
}

/// A column whose values contradict each other.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateInferenceError {
    /// One value can only be day-first and another only month-first.
    #[error(
        "the column mixes date orders: {:?} (value {}) is day-first, {:?} (value {}) month-first",
        .day_first.value, .day_first.index + 1, .month_first.value, .month_first.index + 1
    )]
    Conflict {
        /// The first value that only reads day-first.
        day_first: Sample,
        /// The first value that only reads month-first.
        month_first: Sample,
    },
    /// Some values are Excel serials and others written dates.
    #[error(
        "the column mixes Excel serial numbers ({:?}, value {}) and written dates ({:?}, value {})",
        .serial.value, .serial.index + 1, .text.value, .text.index + 1
    )]
    SerialsAndText {
        /// The first serial.
        serial: Sample,
        /// The first written date.
        text: Sample,
    },
}

/// The serials [`infer_date_format`] takes as dates: 1950-01-01 to 2100-12-31. Plain
/// numbers outside (quantities, years like `2025`) are more likely not dates at all.
const PLAUSIBLE_SERIALS: std::ops::RangeInclusive<u32> = 18_264..=73_415;

/// Decides the date format of a column from its values.
///
/// A value that reads only day-first (a first number above 12) or only month-first (a
/// second number above 12) proves the order; proofs both ways are a conflict. Without
/// proof, dotted dates are taken as day-first (see [`DateEvidence::DottedConvention`]) and
/// otherwise a value that reads both ways makes the column [`DateInference::Ambiguous`].
/// Values that are no date in any format are skipped (parsing reports them later).
///
/// ```
/// use procura::ledger::locale::date::{infer_date_format, DateFormat, DateInference};
///
/// let column = ["03/07/2025", "", "03/25/2025"];
/// let Ok(DateInference::Decided { format, .. }) = infer_date_format(column) else {
///     panic!("not decided");
/// };
/// assert_eq!(format, DateFormat::MonthDayYear);
/// ```
pub fn infer_date_format<I>(samples: I) -> Result<DateInference, DateInferenceError>
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let mut evidence = DateEvidenceSoFar::default();
    for (index, value) in samples.into_iter().enumerate() {
        evidence.add(index, value.as_ref());
    }
    evidence.finish()
}

/// What [`infer_date_format`] keeps while it reads a column: the first value of each kind
/// and two flags, so that a column can be decided one value at a time without holding its
/// values.
#[derive(Debug, Clone)]
pub(crate) struct DateEvidenceSoFar {
    day_first: Option<Sample>,
    month_first: Option<Sample>,
    ambiguous: Option<Sample>,
    all_ambiguous_dotted: bool,
    serial: Option<Sample>,
    text: Option<Sample>,
    year_last: bool,
}

impl Default for DateEvidenceSoFar {
    fn default() -> Self {
        Self {
            day_first: None,
            month_first: None,
            ambiguous: None,
            all_ambiguous_dotted: true,
            serial: None,
            text: None,
            year_last: false,
        }
    }
}

impl DateEvidenceSoFar {
    /// Takes the value at `index` (its position among the column's values) into account.
    pub(crate) fn add(&mut self, index: usize, value: &str) {
        let sample = || Sample {
            index,
            value: value.to_owned(),
        };
        let dmy = parse(value, DateFormat::DayMonthYear);
        let mdy = parse(value, DateFormat::MonthDayYear);
        if dmy.is_err() && mdy.is_err() {
            let is_serial = parse_serial(value.trim())
                .and_then(Result::ok)
                .is_some_and(|n| PLAUSIBLE_SERIALS.contains(&n));
            if is_serial {
                self.serial.get_or_insert_with(sample);
            }
            return;
        }
        self.text.get_or_insert_with(sample);
        self.year_last |= parse(value, DateFormat::Iso).is_err();
        match (dmy, mdy) {
            (Ok(_), Err(_)) => {
                self.day_first.get_or_insert_with(sample);
            }
            (Err(_), Ok(_)) => {
                self.month_first.get_or_insert_with(sample);
            }
            (Ok(a), Ok(b)) if a != b => {
                let separator = value.trim().chars().find(|c| !c.is_ascii_digit());
                self.all_ambiguous_dotted &= separator == Some('.');
                self.ambiguous.get_or_insert_with(sample);
            }
            _ => {}
        }
    }

    /// How many values are kept as evidence; it grows when a value is kept, so that a
    /// caller can note where that value came from.
    pub(crate) fn kept(&self) -> usize {
        [
            &self.day_first,
            &self.month_first,
            &self.ambiguous,
            &self.serial,
            &self.text,
        ]
        .iter()
        .filter(|s| s.is_some())
        .count()
    }

    /// The decision over every value added.
    pub(crate) fn finish(self) -> Result<DateInference, DateInferenceError> {
        if let (Some(serial), Some(text)) = (&self.serial, &self.text) {
            return Err(DateInferenceError::SerialsAndText {
                serial: serial.clone(),
                text: text.clone(),
            });
        }
        let decided = |format, evidence| Ok(DateInference::Decided { format, evidence });
        match (self.day_first, self.month_first, self.ambiguous) {
            (Some(day_first), Some(month_first), _) => Err(DateInferenceError::Conflict {
                day_first,
                month_first,
            }),
            (Some(proof), None, _) => decided(DateFormat::DayMonthYear, DateEvidence::Proof(proof)),
            (None, Some(proof), _) => decided(DateFormat::MonthDayYear, DateEvidence::Proof(proof)),
            (None, None, Some(example)) if self.all_ambiguous_dotted => decided(
                DateFormat::DayMonthYear,
                DateEvidence::DottedConvention(example),
            ),
            (None, None, Some(example)) => Ok(DateInference::Ambiguous { example }),
            (None, None, None) => match self.serial {
                Some(first) => decided(DateFormat::ExcelSerial, DateEvidence::Serial(first)),
                None if self.text.is_some() && !self.year_last => {
                    decided(DateFormat::Iso, DateEvidence::YearFirst)
                }
                None => Ok(DateInference::Indifferent),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(year: u16, month: u8, day: u8) -> Date {
        Date::new(year, month, day).unwrap_or_else(|e| panic!("{e}"))
    }

    fn parsed(input: &str, format: DateFormat) -> Date {
        parse_date(input, format).unwrap_or_else(|e| panic!("{e}"))
    }

    fn problem(input: &str, format: DateFormat) -> DateProblem {
        match parse_date(input, format) {
            Ok(date) => panic!("{input:?} parsed as {date}"),
            Err(error) => {
                assert_eq!(error.input, input);
                error.problem
            }
        }
    }

    #[test]
    fn dates_validate_months_and_leap_years() {
        assert!(Date::new(2024, 2, 29).is_ok());
        assert!(Date::new(2000, 2, 29).is_ok());
        let error = Date::new(2025, 2, 29).unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"2025-02-29\" is not a valid date: 2025-02 has no day 29"
        );
        assert!(Date::new(1900, 2, 29).is_err());
        assert!(Date::new(2025, 4, 31).is_err());
        assert!(Date::new(2025, 12, 31).is_ok());
        assert_eq!(
            Date::new(2025, 13, 1).unwrap_err().problem,
            DateProblem::Month(13)
        );
        assert_eq!(
            Date::new(2025, 0, 1).unwrap_err().problem,
            DateProblem::Month(0)
        );
        assert!(Date::new(2025, 1, 0).is_err());
        assert_eq!(
            Date::new(0, 1, 1).unwrap_err().problem,
            DateProblem::Year(0)
        );
        assert_eq!(
            Date::new(10000, 1, 1).unwrap_err().problem,
            DateProblem::Year(10000)
        );
    }

    #[test]
    fn dates_order_and_display() {
        let mut dates = [
            ymd(2025, 3, 7),
            ymd(2024, 12, 31),
            ymd(2025, 1, 15),
            ymd(2025, 3, 6),
        ];
        dates.sort();
        let shown: Vec<String> = dates.iter().map(Date::to_string).collect();
        assert_eq!(
            shown,
            ["2024-12-31", "2025-01-15", "2025-03-06", "2025-03-07"]
        );
        assert_eq!(ymd(7, 1, 2).to_string(), "0007-01-02");
        let date = ymd(2025, 3, 7);
        assert_eq!((date.year(), date.month(), date.day()), (2025, 3, 7));
    }

    #[test]
    fn excel_serials_in_the_1900_system() {
        assert_eq!(Date::from_excel_serial(45723).unwrap(), ymd(2025, 3, 7));
        assert_eq!(Date::from_excel_serial(1).unwrap(), ymd(1900, 1, 1));
        assert_eq!(Date::from_excel_serial(59).unwrap(), ymd(1900, 2, 28));
        assert_eq!(Date::from_excel_serial(61).unwrap(), ymd(1900, 3, 1));
        assert_eq!(Date::from_excel_serial(25569).unwrap(), ymd(1970, 1, 1));
        assert_eq!(Date::from_excel_serial(36526).unwrap(), ymd(2000, 1, 1));
        assert_eq!(
            Date::from_excel_serial(2_958_465).unwrap(),
            ymd(9999, 12, 31)
        );
        assert_eq!(
            Date::from_excel_serial(60).unwrap_err().problem,
            DateProblem::PhantomLeapDay
        );
        assert_eq!(
            Date::from_excel_serial(0).unwrap_err().problem,
            DateProblem::SerialOutOfRange(0)
        );
        assert!(Date::from_excel_serial(2_958_466).is_err());
        assert_eq!(ymd(2025, 3, 7).to_excel_serial(), Some(45723));
        assert_eq!(ymd(1900, 1, 1).to_excel_serial(), Some(1));
        assert_eq!(ymd(1900, 2, 28).to_excel_serial(), Some(59));
        assert_eq!(ymd(1900, 3, 1).to_excel_serial(), Some(61));
        assert_eq!(ymd(1899, 12, 31).to_excel_serial(), None);
        assert_eq!(
            PLAUSIBLE_SERIALS.start(),
            &ymd(1950, 1, 1).to_excel_serial().unwrap()
        );
        assert_eq!(
            PLAUSIBLE_SERIALS.end(),
            &ymd(2100, 12, 31).to_excel_serial().unwrap()
        );
    }

    #[test]
    fn written_dates_in_each_format() {
        let march_7 = ymd(2025, 3, 7);
        use DateFormat::*;
        for (input, format) in [
            ("2025-03-07", Iso),
            ("2025-3-7", Iso),
            ("2025/03/07", Iso),
            ("07.03.2025", DayMonthYear),
            ("7.3.2025", DayMonthYear),
            ("07/03/2025", DayMonthYear),
            ("07-03-2025", DayMonthYear),
            ("03/07/2025", MonthDayYear),
            ("3/7/2025", MonthDayYear),
            ("45723", ExcelSerial),
            ("45723.75", ExcelSerial),
            ("45723,5", ExcelSerial),
            ("  07.03.2025  ", DayMonthYear),
        ] {
            assert_eq!(parsed(input, format), march_7, "{input} as {format}");
        }
    }

    #[test]
    fn year_first_dates_are_accepted_under_every_format() {
        for format in [
            DateFormat::DayMonthYear,
            DateFormat::MonthDayYear,
            DateFormat::ExcelSerial,
        ] {
            assert_eq!(parsed("2025-03-07", format), ymd(2025, 3, 7));
        }
    }

    #[test]
    fn date_times_from_1c_iso_and_excel() {
        let march_7 = ymd(2025, 3, 7);
        for (input, format) in [
            ("07.03.2025 0:00:00", DateFormat::DayMonthYear),
            ("07.03.2025 14:30:05", DateFormat::DayMonthYear),
            ("07.03.2025 14:30", DateFormat::DayMonthYear),
            ("2025-03-07T10:00:00", DateFormat::Iso),
            ("2025-03-07T10:00:00Z", DateFormat::Iso),
            ("2025-03-07T10:00:00.123+01:00", DateFormat::Iso),
            ("2025-03-07T23:59:59-0500", DateFormat::Iso),
            ("2025-03-07 10:00:00", DateFormat::Iso),
            ("3/7/2025 2:30 PM", DateFormat::MonthDayYear),
            ("3/7/2025 12:00:00 am", DateFormat::MonthDayYear),
        ] {
            assert_eq!(parsed(input, format), march_7, "{input}");
        }
    }

    #[test]
    fn bad_dates_are_rejected_with_what_was_expected() {
        use DateFormat::*;
        assert_eq!(problem("", DayMonthYear), DateProblem::Empty);
        assert_eq!(problem("07.03.25", DayMonthYear), DateProblem::TwoDigitYear);
        assert_eq!(problem("03/07/25", MonthDayYear), DateProblem::TwoDigitYear);
        assert_eq!(problem("07.03.2025", Iso), DateProblem::Shape(Iso));
        assert_eq!(
            problem("07.03.2025", ExcelSerial),
            DateProblem::Shape(ExcelSerial)
        );
        assert_eq!(
            problem("45723", DayMonthYear),
            DateProblem::Shape(DayMonthYear)
        );
        assert_eq!(
            problem("07.03/2025", DayMonthYear),
            DateProblem::Shape(DayMonthYear)
        );
        assert_eq!(
            problem("07.03.2025.", DayMonthYear),
            DateProblem::Shape(DayMonthYear)
        );
        assert_eq!(
            problem("7 March 2025", DayMonthYear),
            DateProblem::Shape(DayMonthYear)
        );
        assert_eq!(
            problem("07.03.02025", DayMonthYear),
            DateProblem::Shape(DayMonthYear)
        );
        assert_eq!(
            problem("31.02.2025", DayMonthYear),
            DateProblem::Day {
                year: 2025,
                month: 2,
                day: 31
            }
        );
        assert_eq!(problem("13/25/2025", MonthDayYear), DateProblem::Month(13));
        assert_eq!(
            problem("07.03.2025 25:00", DayMonthYear),
            DateProblem::Time("25:00".to_owned())
        );
        assert_eq!(
            problem("07.03.2025 noon", DayMonthYear),
            DateProblem::Time("noon".to_owned())
        );
        assert_eq!(
            problem("3/7/2025 13:00 PM", MonthDayYear),
            DateProblem::Time("13:00 PM".to_owned())
        );
        assert_eq!(problem("2025-03-07T", Iso), DateProblem::Shape(Iso));
        assert_eq!(problem("60", ExcelSerial), DateProblem::PhantomLeapDay);
        assert_eq!(problem("0", ExcelSerial), DateProblem::SerialOutOfRange(0));
        assert_eq!(problem("-5", ExcelSerial), DateProblem::Shape(ExcelSerial));
        let error = parse_date("07.03.25", DayMonthYear).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("\"07.03.25\" is not a valid date: two-digit year"),
            "{error}"
        );
    }

    #[test]
    fn format_overrides_parse() {
        use DateFormat::*;
        for (name, format) in [
            ("iso", Iso),
            ("ISO", Iso),
            ("yyyy-mm-dd", Iso),
            ("dd.mm.yyyy", DayMonthYear),
            ("dd/mm/yyyy", DayMonthYear),
            ("DD-MM-YYYY", DayMonthYear),
            ("d.m.yyyy", DayMonthYear),
            ("dmy", DayMonthYear),
            ("mm/dd/yyyy", MonthDayYear),
            ("mdy", MonthDayYear),
            ("excel", ExcelSerial),
            ("serial", ExcelSerial),
        ] {
            assert_eq!(name.parse::<DateFormat>(), Ok(format), "{name}");
        }
        for format in [Iso, DayMonthYear, MonthDayYear, ExcelSerial] {
            assert_eq!(format.to_string().parse::<DateFormat>(), Ok(format));
        }
        for bad in ["", "dd.mm", "yyyy", "dd.mm.yyyy hh:mm", "german"] {
            assert!(bad.parse::<DateFormat>().is_err(), "{bad}");
        }
    }

    fn infer(values: &[&str]) -> Result<DateInference, DateInferenceError> {
        infer_date_format(values)
    }

    fn sample(index: usize, value: &str) -> Sample {
        Sample {
            index,
            value: value.to_owned(),
        }
    }

    #[test]
    fn a_day_above_12_proves_the_order() {
        assert_eq!(
            infer(&["03/07/2025", "25/07/2025"]),
            Ok(DateInference::Decided {
                format: DateFormat::DayMonthYear,
                evidence: DateEvidence::Proof(sample(1, "25/07/2025")),
            })
        );
        assert_eq!(
            infer(&["03/07/2025", "07/25/2025 0:00:00"]),
            Ok(DateInference::Decided {
                format: DateFormat::MonthDayYear,
                evidence: DateEvidence::Proof(sample(1, "07/25/2025 0:00:00")),
            })
        );
    }

    #[test]
    fn conflicting_proofs_are_an_error() {
        let error = infer(&["25/07/2025", "07/25/2025"]).unwrap_err();
        assert_eq!(
            error,
            DateInferenceError::Conflict {
                day_first: sample(0, "25/07/2025"),
                month_first: sample(1, "07/25/2025"),
            }
        );
        assert!(
            error
                .to_string()
                .contains("\"07/25/2025\" (value 2) month-first"),
            "{error}"
        );
    }

    #[test]
    fn undecided_slashes_are_ambiguous_and_dots_day_first() {
        assert_eq!(
            infer(&["", "03/07/2025", "01/01/2025"]),
            Ok(DateInference::Ambiguous {
                example: sample(1, "03/07/2025")
            })
        );
        assert_eq!(
            infer(&["03-07-2025"]),
            Ok(DateInference::Ambiguous {
                example: sample(0, "03-07-2025")
            })
        );
        assert_eq!(
            infer(&["07.03.2025 0:00:00", "01.02.2025"]),
            Ok(DateInference::Decided {
                format: DateFormat::DayMonthYear,
                evidence: DateEvidence::DottedConvention(sample(0, "07.03.2025 0:00:00")),
            })
        );
        // A proof still beats the convention.
        assert!(matches!(
            infer(&["07.03.2025", "03.25.2025"]),
            Ok(DateInference::Decided {
                format: DateFormat::MonthDayYear,
                ..
            })
        ));
    }

    #[test]
    fn iso_serial_and_empty_columns() {
        assert_eq!(
            infer(&["2025-03-07", "2025-03-08T10:00:00"]),
            Ok(DateInference::Decided {
                format: DateFormat::Iso,
                evidence: DateEvidence::YearFirst
            })
        );
        assert_eq!(
            infer(&["45723", "", "45724.5"]),
            Ok(DateInference::Decided {
                format: DateFormat::ExcelSerial,
                evidence: DateEvidence::Serial(sample(0, "45723")),
            })
        );
        // Years and quantities are not taken for serials.
        assert_eq!(infer(&["2025", "12"]), Ok(DateInference::Indifferent));
        assert_eq!(
            infer(&["01/01/2025", "2025-03-07"]),
            Ok(DateInference::Indifferent)
        );
        assert_eq!(infer(&[]), Ok(DateInference::Indifferent));
        assert_eq!(
            infer(&["45723", "07.03.2025"]),
            Err(DateInferenceError::SerialsAndText {
                serial: sample(0, "45723"),
                text: sample(1, "07.03.2025"),
            })
        );
    }

    const ALL_FORMATS: [DateFormat; 4] = [
        DateFormat::Iso,
        DateFormat::DayMonthYear,
        DateFormat::MonthDayYear,
        DateFormat::ExcelSerial,
    ];

    prop_compose! {
        fn any_date()(year in 1u16..=9999, month in 1u8..=12, day in 1u8..=31) -> Option<Date> {
            Date::new(year, month, day).ok()
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,30}") {
            for format in ALL_FORMATS {
                let _ = parse_date(&s, format);
            }
            let _ = s.parse::<DateFormat>();
        }

        #[test]
        fn parsing_date_like_junk_never_panics(s in "[0-9./: T+-]{0,24}(AM|PM|Z)?") {
            for format in ALL_FORMATS {
                let _ = parse_date(&s, format);
            }
        }

        #[test]
        fn inference_never_panics(values in proptest::collection::vec("[0-9./-]{0,12}", 0..20)) {
            let _ = infer_date_format(&values);
        }

        #[test]
        fn days_round_trip(days in -719_162i64..=2_932_896) {
            // 0001-01-01 to 9999-12-31.
            let date = Date::from_days_since_epoch(days).unwrap();
            prop_assert_eq!(date.days_since_epoch(), days);
            prop_assert!(Date::new(date.year(), date.month(), date.day()).is_ok());
        }

        #[test]
        fn excel_serials_round_trip(serial in 1u32..=2_958_465) {
            prop_assume!(serial != 60);
            let date = Date::from_excel_serial(serial).unwrap();
            prop_assert_eq!(date.to_excel_serial(), Some(serial));
        }

        #[test]
        fn written_dates_round_trip(
            date in any_date(),
            separator in "[./-]",
            pad in any::<bool>(),
            time in any::<bool>(),
        ) {
            let Some(date) = date else { return Ok(()) };
            let (d, m, y) = (date.day(), date.month(), date.year());
            let (dd, mm) = if pad {
                (format!("{d:02}"), format!("{m:02}"))
            } else {
                (d.to_string(), m.to_string())
            };
            let suffix = if time { " 0:00:00" } else { "" };
            let dmy = format!("{dd}{separator}{mm}{separator}{y:04}{suffix}");
            let mdy = format!("{mm}{separator}{dd}{separator}{y:04}{suffix}");
            prop_assert_eq!(parse_date(&dmy, DateFormat::DayMonthYear), Ok(date));
            prop_assert_eq!(parse_date(&mdy, DateFormat::MonthDayYear), Ok(date));
            prop_assert_eq!(parse_date(&date.to_string(), DateFormat::Iso), Ok(date));
        }

        #[test]
        fn ordering_is_chronological(a in any_date(), b in any_date()) {
            if let (Some(a), Some(b)) = (a, b) {
                prop_assert_eq!(a.cmp(&b), a.days_since_epoch().cmp(&b.days_since_epoch()));
            }
        }
    }
}
