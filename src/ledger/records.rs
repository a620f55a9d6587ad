//! Splitting decoded delimited text into records, with the line each starts on.
//!
//! Written here rather than taken from the `csv` crate because every line must be
//! accounted for: the crate skips empty lines silently, and a report that says "line 12"
//! must mean line 12 of the file. Quoting follows RFC 4180 as Excel writes it: a field that
//! starts with `"` runs to the matching `"`, `""` inside is one quote, and delimiters and
//! line breaks inside are data. A quote elsewhere is an ordinary character, as Excel and
//! the `csv` crate read it.

/// One record of delimited text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextRecord {
    /// 1-based line the record starts on.
    pub line: u64,
    /// The fields, unquoted.
    pub fields: Vec<String>,
    /// The record ends inside a quoted field: the file ended before the closing quote.
    pub unterminated: bool,
}

/// Splits `text` into records; every line break outside quotes ends one, so an empty line
/// is a record with one empty field.
pub(crate) fn split(text: &str, delimiter: char) -> Vec<TextRecord> {
    records(text, delimiter).collect()
}

/// The records of `text` one at a time, as [`split`] gives them, so that a large file can
/// be read more than once without holding its records.
pub(crate) fn records(text: &str, delimiter: char) -> Records<'_> {
    Records {
        chars: text.chars().peekable(),
        delimiter,
        line: 1,
    }
}

/// An iterator over the records of delimited text; see [`records`].
pub(crate) struct Records<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    delimiter: char,
    /// The line the next character is on.
    line: u64,
}

impl Iterator for Records<'_> {
    type Item = TextRecord;

    fn next(&mut self) -> Option<TextRecord> {
        let delimiter = self.delimiter;
        let chars = &mut self.chars;
        let mut fields: Vec<String> = Vec::new();
        let mut field = String::new();
        let start_line = self.line;
        let mut in_quotes = false;
        let mut at_field_start = true;
        // Whether anything (even an empty field) has been seen since the last record ended.
        let mut pending = false;
        while let Some(c) = chars.next() {
            if in_quotes {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => in_quotes = false,
                    '\r' => {
                        if chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                        self.line += 1;
                        field.push('\n');
                    }
                    '\n' => {
                        self.line += 1;
                        field.push('\n');
                    }
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '\r' | '\n' => {
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    fields.push(field);
                    self.line += 1;
                    return Some(TextRecord {
                        line: start_line,
                        fields,
                        unterminated: false,
                    });
                }
                c if c == delimiter => {
                    fields.push(std::mem::take(&mut field));
                    at_field_start = true;
                    pending = true;
                }
                '"' if at_field_start => {
                    in_quotes = true;
                    at_field_start = false;
                    pending = true;
                }
                c => {
                    field.push(c);
                    at_field_start = false;
                    pending = true;
                }
            }
        }
        (pending || in_quotes).then(|| {
            fields.push(field);
            TextRecord {
                line: start_line,
                fields,
                unterminated: in_quotes,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: &TextRecord) -> Vec<&str> {
        r.fields.iter().map(String::as_str).collect()
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_line_breaks() {
        let recs = split(
            "a;b\r\n\"x;1\";\"say \"\"hi\"\"\"\n\n\"two\r\nlines\";z\nlast;1",
            ';',
        );
        assert_eq!(recs.len(), 5);
        assert_eq!(fields(&recs[0]), ["a", "b"]);
        assert_eq!(fields(&recs[1]), ["x;1", "say \"hi\""]);
        assert_eq!((recs[2].line, fields(&recs[2])), (3, vec![""]));
        assert_eq!(
            (recs[3].line, fields(&recs[3])),
            (4, vec!["two\nlines", "z"])
        );
        assert_eq!(recs[4].line, 6);
        assert!(!recs[4].unterminated);
    }

    #[test]
    fn an_unclosed_quote_is_flagged_and_a_stray_quote_is_data() {
        let recs = split("a,b\n5\"x,\"open\n", ',');
        assert_eq!(fields(&recs[1]), ["5\"x", "open\n"]);
        assert!(recs[1].unterminated);
        assert!(split("", ',').is_empty());
        assert_eq!(split("\n", ',').len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn every_line_break_outside_quotes_is_counted(text in "[a-c,\"\r\n]{0,60}") {
            let recs = split(&text, ',');
            let mut prev = 0;
            for r in &recs {
                proptest::prop_assert!(r.line > prev);
                prev = r.line;
            }
            if !text.contains('"') {
                let breaks = text.replace("\r\n", "\n").replace('\r', "\n");
                let expected = breaks.split('\n').count() - usize::from(breaks.ends_with('\n'));
                proptest::prop_assert_eq!(recs.len(), if text.is_empty() { 0 } else { expected });
            }
        }
    }
}
