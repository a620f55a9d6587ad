//! Which character separates the fields of a delimited text export.
//!
//! "CSV" from ERPs is comma-separated in English locales, semicolon-separated wherever the
//! comma is the decimal separator (German SAP, 1C, Excel in most of Europe), tab-separated
//! from Excel's "Unicode text" and pipe-separated from SAP list output. Excel also honours a
//! first line `sep=;` naming the delimiter. [`sniff`] looks at the first records of the
//! decoded text and picks the delimiter that splits them most consistently.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// A field delimiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delimiter {
    /// `\t`.
    Tab,
    /// `;`.
    Semicolon,
    /// `|`.
    Pipe,
    /// `,`.
    Comma,
}

impl Delimiter {
    /// Every delimiter, in tie-break order: the characters least likely to occur inside
    /// data come first. A tab almost never appears in a value; a semicolon rarely; a pipe
    /// seldom; commas are everywhere (decimal commas, `Müller, Hans`), so when two
    /// delimiters split the sample equally well the comma is the likelier accident.
    pub const ALL: [Delimiter; 4] = [
        Delimiter::Tab,
        Delimiter::Semicolon,
        Delimiter::Pipe,
        Delimiter::Comma,
    ];

    /// The delimiter character.
    pub fn as_char(self) -> char {
        match self {
            Delimiter::Tab => '\t',
            Delimiter::Semicolon => ';',
            Delimiter::Pipe => '|',
            Delimiter::Comma => ',',
        }
    }

    /// The delimiter as a byte, as CSV readers such as the `csv` crate take it.
    pub fn as_byte(self) -> u8 {
        match self {
            Delimiter::Tab => b'\t',
            Delimiter::Semicolon => b';',
            Delimiter::Pipe => b'|',
            Delimiter::Comma => b',',
        }
    }

    fn from_char(c: char) -> Option<Delimiter> {
        Delimiter::ALL.into_iter().find(|d| d.as_char() == c)
    }
}

impl fmt::Display for Delimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Delimiter::Tab => "tab",
            Delimiter::Semicolon => "semicolon ';'",
            Delimiter::Pipe => "pipe '|'",
            Delimiter::Comma => "comma ','",
        })
    }
}

/// A delimiter name that [`Delimiter::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown delimiter {given:?}; expected `,`, `;`, `|`, `tab` (or comma, semicolon, pipe)")]
pub struct UnknownDelimiter {
    /// The text as given.
    pub given: String,
}

impl FromStr for Delimiter {
    type Err = UnknownDelimiter;

    /// Parses the value of a `--delimiter` option: the character itself, `\t`, or its name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let delimiter = match s.to_ascii_lowercase().as_str() {
            "\t" | "\\t" | "tab" => Delimiter::Tab,
            ";" | "semicolon" => Delimiter::Semicolon,
            "|" | "pipe" => Delimiter::Pipe,
            "," | "comma" => Delimiter::Comma,
            _ => {
                return Err(UnknownDelimiter {
                    given: s.to_owned(),
                });
            }
        };
        Ok(delimiter)
    }
}

/// Why [`sniff`] chose its delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SniffReason {
    /// The first line is Excel's `sep=` line.
    SepLine,
    /// The delimiter split the most records into the same number of fields (two or more).
    Consistent {
        /// How many records were examined.
        records: usize,
        /// How many of them had the usual number of fields.
        matching: usize,
    },
}

/// The outcome of [`sniff`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    /// The field delimiter.
    pub delimiter: Delimiter,
    /// How many lines at the start of the text are not data and must be skipped: 1 for an
    /// Excel `sep=` line, else 0.
    pub skip_lines: usize,
    /// The usual number of fields per record under this delimiter.
    pub fields: usize,
    /// Why this delimiter was chosen.
    pub reason: SniffReason,
}

/// Why no delimiter could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SniffError {
    /// No record with any content.
    #[error("the file has no data")]
    Empty,
    /// Every record is a single field under every delimiter.
    #[error(
        "no delimiter found: the first {records} records are single fields under each of \
         comma, semicolon, tab and pipe"
    )]
    NoDelimiter {
        /// How many records were examined.
        records: usize,
    },
    /// A `sep=` line naming a delimiter this reader does not support.
    #[error("the first line {line:?} names a delimiter other than `,`, `;`, tab or `|`")]
    UnsupportedSepLine {
        /// The line as found.
        line: String,
    },
}

/// How many records [`sniff`] examines.
pub const SNIFF_RECORDS: usize = 50;

/// Chooses the delimiter of delimited text (the whole text or just its start).
///
/// An Excel `sep=X` first line decides outright. Otherwise each candidate splits the first
/// [`SNIFF_RECORDS`] records, reading quotes as CSV does (a field that starts with `"` runs
/// to the matching `"`, `""` is a literal quote, and delimiters and line breaks inside are
/// data); blank lines are ignored, and an unterminated last record is left out in case the
/// text was cut. A candidate's usual field count is the commonest one (the larger on a tie),
/// and the candidate with the most records at its usual count wins, then the one with more
/// fields, then the earlier in [`Delimiter::ALL`]. A usual count of one field (the
/// delimiter does not occur) never wins.
///
/// ```
/// use procura::ledger::locale::sniff::{sniff, Delimiter};
///
/// let text = "Поставщик;Сумма;Дата\n\"ООО \"\"Ромашка\"\"; филиал\";1 234,56;07.03.2025\n";
/// let sniffed = sniff(text).unwrap();
/// assert_eq!(sniffed.delimiter, Delimiter::Semicolon);
/// assert_eq!(sniffed.fields, 3);
/// ```
pub fn sniff(text: &str) -> Result<Sniffed, SniffError> {
    sniff_start(text, true).unwrap_or(Err(SniffError::Empty))
}

/// [`sniff`] on the start of a text: what [`sniff`] gives for the whole text, or `None`
/// when the start is too short to tell (the first line or some candidate's first
/// [`SNIFF_RECORDS`] records do not end in it). With `whole`, the text is all there is.
pub(crate) fn sniff_start(text: &str, whole: bool) -> Option<Result<Sniffed, SniffError>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let first_line = text.split(['\r', '\n']).next().unwrap_or_default();
    if !whole && first_line.len() == text.len() {
        return None;
    }
    if let Some(declared) = sep_line(first_line) {
        let declared = declared.and_then(|d| {
            Delimiter::from_char(d).ok_or_else(|| SniffError::UnsupportedSepLine {
                line: first_line.to_owned(),
            })
        });
        let delimiter = match declared {
            Ok(d) => d,
            Err(e) => return Some(Err(e)),
        };
        let rest = &text[first_line.len()..];
        let (counts, complete) = field_counts(rest, delimiter);
        if !whole && !complete {
            return None;
        }
        let (fields, _) = usual_count(&counts).unwrap_or((0, 0));
        return Some(Ok(Sniffed {
            delimiter,
            skip_lines: 1,
            fields,
            reason: SniffReason::SepLine,
        }));
    }
    let mut best: Option<(Delimiter, usize, usize)> = None;
    let mut records = 0;
    for delimiter in Delimiter::ALL {
        let (counts, complete) = field_counts(text, delimiter);
        if !whole && !complete {
            return None;
        }
        records = records.max(counts.len());
        let Some((fields, matching)) = usual_count(&counts) else {
            continue;
        };
        if fields < 2 {
            continue;
        }
        // Strictly better only, so that ties keep the earlier delimiter.
        if best.is_none_or(|(_, f, m)| (matching, fields) > (m, f)) {
            best = Some((delimiter, fields, matching));
        }
    }
    if records == 0 {
        return Some(Err(SniffError::Empty));
    }
    let Some((delimiter, fields, matching)) = best else {
        return Some(Err(SniffError::NoDelimiter { records }));
    };
    Some(Ok(Sniffed {
        delimiter,
        skip_lines: 0,
        fields,
        reason: SniffReason::Consistent { records, matching },
    }))
}

/// For Excel's `sep=X` line (also quoted, any case): `Some(Ok(X))`; `Some(Err(..))` when
/// the line is `sep=` followed by anything but exactly one character; `None` otherwise.
fn sep_line(line: &str) -> Option<Result<char, SniffError>> {
    let unquoted = line
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(line);
    let prefix = unquoted.get(..4)?;
    if !prefix.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let mut rest = unquoted[4..].chars();
    Some(match (rest.next(), rest.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(SniffError::UnsupportedSepLine {
            line: line.to_owned(),
        }),
    })
}

/// The number of fields of each of the first [`SNIFF_RECORDS`] non-blank records, and
/// whether there were that many (then the text after them does not matter).
fn field_counts(text: &str, delimiter: Delimiter) -> (Vec<usize>, bool) {
    let delimiter = delimiter.as_char();
    let mut counts = Vec::new();
    let mut fields = 1;
    let mut blank = true;
    let mut at_field_start = true;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if !blank {
                    counts.push(fields);
                    if counts.len() == SNIFF_RECORDS {
                        return (counts, true);
                    }
                }
                fields = 1;
                blank = true;
                at_field_start = true;
            }
            c if c == delimiter => {
                fields += 1;
                blank = false;
                at_field_start = true;
            }
            '"' if at_field_start => {
                in_quotes = true;
                blank = false;
                at_field_start = false;
            }
            _ => {
                blank = false;
                at_field_start = false;
            }
        }
    }
    // A last record without a line break may have been cut off; keep it only if it is the
    // only one (and its quotes are closed).
    if !blank && !in_quotes && counts.is_empty() {
        counts.push(fields);
    }
    (counts, false)
}

/// The commonest count (the larger on a tie) and how many records have it.
fn usual_count(counts: &[usize]) -> Option<(usize, usize)> {
    let mut tally: Vec<(usize, usize)> = Vec::new();
    for &count in counts {
        match tally.iter_mut().find(|(c, _)| *c == count) {
            Some((_, n)) => *n += 1,
            None => tally.push((count, 1)),
        }
    }
    tally.into_iter().max_by_key(|&(count, n)| (n, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sniffed(text: &str) -> Sniffed {
        sniff(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn each_delimiter_in_a_plain_file() {
        for delimiter in Delimiter::ALL {
            let d = delimiter.as_char();
            let text = format!(
                "supplier{d}amount{d}date\nACME{d}12.50{d}2025-03-07\nBeta{d}3{d}2025-03-08\n"
            );
            let s = sniffed(&text);
            assert_eq!(s.delimiter, delimiter, "{text:?}");
            assert_eq!(s.fields, 3);
            assert_eq!(s.skip_lines, 0);
            assert_eq!(
                s.reason,
                SniffReason::Consistent {
                    records: 3,
                    matching: 3
                }
            );
        }
    }

    #[test]
    fn semicolons_win_over_decimal_commas() {
        let text = "Kreditor;Name;Betrag\n\
                    1000;Müller, Hans;1.234,56\n\
                    1001;Schmidt, Eva;99,90\n\
                    1002;Bäckerei Maier;5,00\n";
        let s = sniffed(text);
        assert_eq!(s.delimiter, Delimiter::Semicolon);
        assert_eq!(s.fields, 3);
    }

    #[test]
    fn commas_with_quoted_commas_and_semicolons() {
        let text = "supplier,amount,note\n\
                    \"Müller; Hans\",\"1,234.56\",\"a; b; c\"\n\
                    \"ACME, Inc.\",12.50,\"x;y\"\n\
                    Beta,3,none\n";
        let s = sniffed(text);
        assert_eq!(s.delimiter, Delimiter::Comma);
        assert_eq!(
            s.reason,
            SniffReason::Consistent {
                records: 4,
                matching: 4
            }
        );
    }

    #[test]
    fn quoted_line_breaks_and_doubled_quotes_stay_inside_the_field() {
        let text =
            "a;b;c\n\"line one\nline two; still the field\";\"say \"\"hi\"\"; ok\";3\r\nx;y;z\r\n";
        let s = sniffed(text);
        assert_eq!(s.delimiter, Delimiter::Semicolon);
        assert_eq!(
            s.reason,
            SniffReason::Consistent {
                records: 3,
                matching: 3
            }
        );
    }

    #[test]
    fn tabs_from_excel_unicode_text() {
        let text = "Vendor\tProduct\tUntaxed Amount\nACME, Inc.\tPaper; A4\t1,234.56\n";
        assert_eq!(sniffed(text).delimiter, Delimiter::Tab);
    }

    #[test]
    fn sap_list_output_with_pipes_and_rules() {
        let text = "----------------------------------------\n\
                    | Kreditor | Name            | Betrag   |\n\
                    ----------------------------------------\n\
                    | 1000     | Müller, Hans    | 1.234,56 |\n\
                    | 1001     | Schmidt         |    99,90-|\n\
                    ----------------------------------------\n";
        let s = sniffed(text);
        assert_eq!(s.delimiter, Delimiter::Pipe);
        assert_eq!(s.fields, 5);
    }

    #[test]
    fn excel_sep_line_decides_and_is_skipped() {
        let s = sniffed("sep=;\r\nsupplier,amount;x\nACME,1;2\n");
        assert_eq!(s.delimiter, Delimiter::Semicolon);
        assert_eq!(s.skip_lines, 1);
        assert_eq!(s.fields, 2);
        assert_eq!(s.reason, SniffReason::SepLine);
        assert_eq!(sniffed("SEP=,\n").delimiter, Delimiter::Comma);
        assert_eq!(sniffed("\"sep=|\"\na|b\n").delimiter, Delimiter::Pipe);
        assert_eq!(sniffed("sep=\t\na\tb\n").delimiter, Delimiter::Tab);
        assert_eq!(sniffed("\u{FEFF}sep=;\na;b\n").skip_lines, 1);
        assert_eq!(
            sniff("sep=^\na^b\n"),
            Err(SniffError::UnsupportedSepLine {
                line: "sep=^".to_owned()
            })
        );
        assert!(matches!(
            sniff("sep=\na,b\n"),
            Err(SniffError::UnsupportedSepLine { .. })
        ));
        assert!(matches!(
            sniff("sep=;;\na,b\n"),
            Err(SniffError::UnsupportedSepLine { .. })
        ));
        // A column named "sep" is not a sep line.
        assert_eq!(
            sniffed("separator,amount\na,1\n").delimiter,
            Delimiter::Comma
        );
    }

    #[test]
    fn blank_lines_and_a_cut_last_record_are_ignored() {
        let text = "a;b;c\n\n1;2;3\r\n\r\n4;5;6\n7;8";
        let s = sniffed(text);
        assert_eq!(
            s.reason,
            SniffReason::Consistent {
                records: 3,
                matching: 3
            }
        );
        // A single unterminated line is all there is, so it counts.
        assert_eq!(sniffed("supplier;amount").fields, 2);
    }

    #[test]
    fn ties_follow_the_documented_order() {
        // Both split every line into two fields.
        assert_eq!(sniffed("a;b,c\nd;e,f\n").delimiter, Delimiter::Semicolon);
        assert_eq!(sniffed("a|b,c\nd|e,f\n").delimiter, Delimiter::Pipe);
        assert_eq!(sniffed("a\tb;c\n").delimiter, Delimiter::Tab);
        // More fields beat fewer at equal consistency.
        assert_eq!(sniffed("a,b,c;d\ne,f,g;h\n").delimiter, Delimiter::Comma);
    }

    #[test]
    fn only_the_first_records_are_examined() {
        let mut text = String::new();
        for _ in 0..SNIFF_RECORDS {
            text.push_str("a;b\n");
        }
        text.push_str(&"x,y,z\n".repeat(100));
        let s = sniffed(&text);
        assert_eq!(s.delimiter, Delimiter::Semicolon);
        assert_eq!(
            s.reason,
            SniffReason::Consistent {
                records: SNIFF_RECORDS,
                matching: SNIFF_RECORDS
            }
        );
    }

    #[test]
    fn nothing_to_sniff() {
        assert_eq!(sniff(""), Err(SniffError::Empty));
        assert_eq!(sniff("\n\r\n\n"), Err(SniffError::Empty));
        assert_eq!(
            sniff("supplier\nACME\n"),
            Err(SniffError::NoDelimiter { records: 2 })
        );
    }

    #[test]
    fn delimiter_names_parse() {
        assert_eq!("tab".parse(), Ok(Delimiter::Tab));
        assert_eq!("\\t".parse(), Ok(Delimiter::Tab));
        assert_eq!(";".parse(), Ok(Delimiter::Semicolon));
        assert_eq!("Pipe".parse(), Ok(Delimiter::Pipe));
        assert_eq!(",".parse(), Ok(Delimiter::Comma));
        assert!(":".parse::<Delimiter>().is_err());
        for delimiter in Delimiter::ALL {
            assert_eq!(delimiter.as_char().to_string().parse(), Ok(delimiter));
            assert_eq!(
                u32::from(delimiter.as_byte()),
                u32::from(delimiter.as_char())
            );
        }
    }

    proptest! {
        #[test]
        fn sniffing_never_panics(text in "\\PC{0,200}") {
            let _ = sniff(&text);
        }

        #[test]
        fn sniffing_csv_like_junk_never_panics(text in "[a\"\r\n,;|\t]{0,80}") {
            let _ = sniff(&text);
        }

        #[test]
        fn generated_tables_are_sniffed_right(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-zA-Z0-9 .\"\n#]{0,8}", 3),
                1..8,
            ),
            delimiter_index in 0usize..4,
        ) {
            // Every field is quoted, so delimiters (`#` stands for it), quotes and line
            // breaks inside are data.
            let delimiter = Delimiter::ALL[delimiter_index];
            let mut text = String::new();
            for row in &rows {
                let fields: Vec<String> = row
                    .iter()
                    .map(|f| f.replace('"', "\"\"").replace('#', &delimiter.as_char().to_string()))
                    .map(|f| format!("\"{f}\""))
                    .collect();
                text.push_str(&fields.join(&delimiter.as_char().to_string()));
                text.push_str("\r\n");
            }
            let s = sniff(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(s.delimiter, delimiter);
            prop_assert_eq!(s.fields, 3);
        }

        /// The streaming reader sniffs the start of a file: whenever the start decides,
        /// it decides as the whole text does.
        #[test]
        fn a_start_that_decides_decides_as_the_whole_text(
            lines in proptest::collection::vec("(sep=;|\"?[a-z]{0,3}[,;\t|\"]?[a-z\"]{0,3}[,;]?\"?)", 0..140),
            crlf in any::<bool>(),
        ) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let whole = sniff(&text);
            for cut in (0..=text.len()).filter(|&c| text.is_char_boundary(c)) {
                if let Some(start) = sniff_start(&text[..cut], cut == text.len()) {
                    prop_assert_eq!(&start, &whole, "cut at {}", cut);
                }
            }
        }
    }
}
