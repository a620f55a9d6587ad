//! Splitting decoded delimited text into records, with the line each starts on.
//!
//! Written here rather than taken from the `csv` crate because every line must be
//! accounted for: the crate skips empty lines silently, and a report that says "line 12"
//! must mean line 12 of the file. Quoting follows RFC 4180 as Excel writes it: a field that
//! starts with `"` runs to the matching `"`, `""` inside is one quote, and delimiters and
//! line breaks inside are data. A quote elsewhere is an ordinary character, as Excel and
//! the `csv` crate read it.

use super::locale::encoding::TextDecoder;

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
        text,
        pos: 0,
        delimiter,
        line: 1,
        width: 0,
    }
}

/// An iterator over the records of delimited text; see [`records`].
pub(crate) struct Records<'a> {
    text: &'a str,
    /// Byte offset of the next record.
    pos: usize,
    delimiter: char,
    /// The line the next record starts on.
    line: u64,
    /// Fields in the record before: the next one's list is made that long at once (a
    /// ten-field row grew it three times).
    width: usize,
}

impl Iterator for Records<'_> {
    type Item = TextRecord;

    /// Works on bytes and copies runs of them: the delimiter, quotes and line breaks are
    /// ASCII (or, for another delimiter, start with a byte no other character has), so
    /// every place a run stops is a character boundary.
    fn next(&mut self) -> Option<TextRecord> {
        let text = self.text;
        let bytes = text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let mut buf = [0u8; 4];
        let delimiter = self.delimiter.encode_utf8(&mut buf).as_bytes();
        let start_line = self.line;
        let mut fields: Vec<String> = Vec::with_capacity(self.width);
        let mut field = String::new();
        let mut pos = self.pos;
        let mut at_field_start = true;
        loop {
            if at_field_start && bytes.get(pos) == Some(&b'"') {
                pos += 1;
                // A quoted field runs to the matching quote; `""` is one quote.
                loop {
                    let run_end = memchr::memchr3(b'"', b'\r', b'\n', &bytes[pos..])
                        .map_or(bytes.len(), |k| pos + k);
                    field.push_str(&text[pos..run_end]);
                    pos = run_end;
                    match bytes.get(pos) {
                        None => {
                            fields.push(field);
                            self.pos = pos;
                            self.width = fields.len();
                            return Some(TextRecord {
                                line: start_line,
                                fields,
                                unterminated: true,
                            });
                        }
                        Some(b'"') if bytes.get(pos + 1) == Some(&b'"') => {
                            field.push('"');
                            pos += 2;
                        }
                        Some(b'"') => {
                            pos += 1;
                            break;
                        }
                        Some(&b) => {
                            pos += 1;
                            if b == b'\r' && bytes.get(pos) == Some(&b'\n') {
                                pos += 1;
                            }
                            self.line += 1;
                            field.push('\n');
                        }
                    }
                }
            }
            // Unquoted text, or the rest of a field after its closing quote: a quote here
            // is an ordinary character.
            let mut from = pos;
            let run_end = loop {
                match memchr::memchr3(delimiter[0], b'\r', b'\n', &bytes[from..]) {
                    None => break bytes.len(),
                    Some(k) => {
                        let at = from + k;
                        if matches!(bytes[at], b'\r' | b'\n') || bytes[at..].starts_with(delimiter)
                        {
                            break at;
                        }
                        // The first byte of a longer delimiter, alone.
                        from = at + 1;
                    }
                }
            };
            field.push_str(&text[pos..run_end]);
            pos = run_end;
            match bytes.get(pos) {
                None => {
                    fields.push(field);
                    self.pos = pos;
                    self.width = fields.len();
                    return Some(TextRecord {
                        line: start_line,
                        fields,
                        unterminated: false,
                    });
                }
                Some(&b) if b == b'\r' || b == b'\n' => {
                    pos += 1;
                    if b == b'\r' && bytes.get(pos) == Some(&b'\n') {
                        pos += 1;
                    }
                    fields.push(field);
                    self.line += 1;
                    self.pos = pos;
                    self.width = fields.len();
                    return Some(TextRecord {
                        line: start_line,
                        fields,
                        unterminated: false,
                    });
                }
                Some(_) => {
                    pos += delimiter.len();
                    fields.push(std::mem::take(&mut field));
                    at_field_start = true;
                }
            }
        }
    }
}

/// The records of text decoded from a reader a block at a time, as [`records`] gives them
/// for the whole text: the text is held from the current record to the end of the last
/// block decoded, so a file of any size is read in little memory. A read error (or bytes
/// that no longer decode) ends the records and is kept for the caller ([`Self::error`]).
pub(crate) struct StreamRecords<R> {
    reader: R,
    decoder: TextDecoder,
    block: Vec<u8>,
    text: String,
    /// Byte offset of the next record in `text`.
    pos: usize,
    delimiter: char,
    line: u64,
    /// Fields in the record before (see [`Records`]).
    width: usize,
    /// The reader has no more bytes (and the decoder has been told).
    eof: bool,
    error: Option<std::io::Error>,
}

impl<R: std::io::Read> StreamRecords<R> {
    /// The records of the text `reader` gives in the encoding of `decoder`, in blocks of
    /// `block` bytes.
    pub(crate) fn new(reader: R, decoder: TextDecoder, delimiter: char, block: usize) -> Self {
        StreamRecords {
            reader,
            decoder,
            block: vec![0; block.max(1)],
            text: String::new(),
            pos: 0,
            delimiter,
            line: 1,
            width: 0,
            eof: false,
            error: None,
        }
    }

    /// Why the records ended early, if they did.
    pub(crate) fn error(&mut self) -> Option<std::io::Error> {
        self.error.take()
    }

    /// Drops the text before the current record and decodes the next block after the rest.
    fn refill(&mut self) -> std::io::Result<()> {
        self.text.drain(..self.pos);
        self.pos = 0;
        let n = loop {
            match self.reader.read(&mut self.block) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        self.eof = n == 0;
        self.decoder
            .decode(&self.block[..n], self.eof, &mut self.text)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

impl<R: std::io::Read> Iterator for StreamRecords<R> {
    type Item = TextRecord;

    fn next(&mut self) -> Option<TextRecord> {
        if self.error.is_some() {
            return None;
        }
        loop {
            let mut records = Records {
                text: &self.text,
                pos: self.pos,
                delimiter: self.delimiter,
                line: self.line,
                width: self.width,
            };
            let record = records.next();
            // A record that runs to the end of the text decoded so far may go on in the
            // next block (a `\r` there may have its `\n` next): it is read again then.
            if self.eof || records.pos < self.text.len() {
                self.pos = records.pos;
                self.line = records.line;
                self.width = records.width;
                return record;
            }
            if let Err(e) = self.refill() {
                self.error = Some(e);
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: &TextRecord) -> Vec<&str> {
        r.fields.iter().map(String::as_str).collect()
    }

    /// A delimiter of several bytes splits only where all of them are; a character that
    /// shares its first byte (`©` and `§` both start with 0xC2) is text.
    #[test]
    fn a_multibyte_delimiter_splits_only_where_it_is_whole() {
        let recs = split("a©b§c\r\n©§\"x§y\"§\n", '§');
        assert_eq!(fields(&recs[0]), ["a©b", "c"]);
        assert_eq!(fields(&recs[1]), ["©", "x§y", ""]);
        assert_eq!(recs.len(), 2);
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

    /// The records as a plain character-by-character reading gives them, to check the
    /// byte-wise splitter against.
    fn reference_split(text: &str, delimiter: char) -> Vec<TextRecord> {
        let mut records = Vec::new();
        let mut fields: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut line: u64 = 1;
        let mut start_line: u64 = 1;
        let mut in_quotes = false;
        let mut at_field_start = true;
        // Whether anything (even an empty field) has been seen since the last record ended.
        let mut pending = false;
        let mut chars = text.chars().peekable();
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
                        line += 1;
                        field.push('\n');
                    }
                    '\n' => {
                        line += 1;
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
                    fields.push(std::mem::take(&mut field));
                    records.push(TextRecord {
                        line: start_line,
                        fields: std::mem::take(&mut fields),
                        unterminated: false,
                    });
                    line += 1;
                    start_line = line;
                    at_field_start = true;
                    pending = false;
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
        if pending || in_quotes {
            fields.push(field);
            records.push(TextRecord {
                line: start_line,
                fields,
                unterminated: in_quotes,
            });
        }
        records
    }

    proptest::proptest! {
        #[test]
        fn the_bytewise_splitter_agrees_with_a_plain_reading(
            text in "[a-c,;é€\"\r\n]{0,80}",
            delimiter in proptest::sample::select(vec![',', ';', '€']),
        ) {
            proptest::prop_assert_eq!(split(&text, delimiter), reference_split(&text, delimiter));
        }

        #[test]
        fn streamed_records_are_the_whole_texts_in_any_blocks(
            text in "[a-c,;é€\"\r\n]{0,120}",
            delimiter in proptest::sample::select(vec![',', ';', '€']),
            block in 1usize..20,
        ) {
            let decoder = TextDecoder::new(crate::ledger::locale::encoding::Encoding::Utf8);
            let mut stream = StreamRecords::new(text.as_bytes(), decoder, delimiter, block);
            let streamed: Vec<TextRecord> = stream.by_ref().collect();
            proptest::prop_assert!(stream.error().is_none());
            proptest::prop_assert_eq!(streamed, split(&text, delimiter));
        }

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
