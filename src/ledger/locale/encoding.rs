//! Turning a ledger file's raw bytes into UTF-8 text.
//!
//! ERP exports arrive in whatever the exporting machine used: UTF-8 (with or without a byte
//! order mark), UTF-16 from Excel's "Unicode text", Windows-1251 from 1C, Windows-1250 from
//! Central European SAP and Excel installations, Windows-1252 from Western ones. [`decode`]
//! detects which one a file is in (or honours an explicit [`Encoding`]), decodes it strictly
//! — a byte that is not valid in the chosen encoding is an error with its offset, never a
//! silent replacement character — and returns a [`Detection`] saying what was chosen and why,
//! so that the caller can report it once per file.
//!
//! Detection order:
//! 1. a byte order mark (UTF-8, UTF-16 LE, UTF-16 BE);
//! 2. the NUL-byte pattern of BOM-less UTF-16 (text files have no NULs otherwise);
//! 3. valid UTF-8 (this includes pure ASCII);
//! 4. bytes that are mostly well-formed UTF-8 with a few broken sequences are reported as
//!    corrupt UTF-8 rather than guessed as a legacy code page, which would turn every
//!    non-ASCII character into mojibake;
//! 5. otherwise a heuristic picks Windows-1251, -1250 or -1252 by how plausible the text
//!    decoded with each one looks (see [`Reason::Heuristic`]).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// A character encoding that ledger files are read in.
///
/// ISO-8859-1 ("latin1") is treated as Windows-1252, as browsers and the WHATWG Encoding
/// Standard do: the two differ only in 0x80–0x9F, where ISO-8859-1 has control characters
/// that never occur in real text but Windows-1252 has `€`, `„`, `…`, `Š` and friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    /// UTF-8, with or without a byte order mark.
    Utf8,
    /// UTF-16, little-endian (Excel's "Unicode text", Windows tools).
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// Windows-1250: Czech, Slovak, Polish, Hungarian, Slovene, Croatian, Romanian.
    Windows1250,
    /// Windows-1251: Russian and other Cyrillic (1C exports).
    Windows1251,
    /// Windows-1252: Western European (also accepted under the name ISO-8859-1).
    Windows1252,
}

impl Encoding {
    /// Every supported encoding, in the order used in messages.
    pub const ALL: [Encoding; 6] = [
        Encoding::Utf8,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Windows1250,
        Encoding::Windows1251,
        Encoding::Windows1252,
    ];

    /// The canonical (WHATWG) name, as shown to users and accepted by [`FromStr`].
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1250 => "windows-1250",
            Encoding::Windows1251 => "windows-1251",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// The encoding_rs table for the single-byte code pages; `None` for the Unicode forms,
    /// which are decoded by hand so that errors carry offsets.
    pub(crate) fn single_byte_table(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            Encoding::Windows1250 => Some(encoding_rs::WINDOWS_1250),
            Encoding::Windows1251 => Some(encoding_rs::WINDOWS_1251),
            Encoding::Windows1252 => Some(encoding_rs::WINDOWS_1252),
            Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be => None,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An encoding name that [`Encoding::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown encoding {name:?}; expected one of utf-8, utf-16le, utf-16be, \
     windows-1250 (cp1250), windows-1251 (cp1251), windows-1252 (cp1252, latin1, iso-8859-1)"
)]
pub struct UnknownEncoding {
    /// The name as given.
    pub name: String,
}

impl FromStr for Encoding {
    type Err = UnknownEncoding;

    /// Parses the names people type: case, `-`, `_` and spaces are ignored, so `UTF8`,
    /// `utf_16_le`, `CP1251`, `win-1250` and `Windows 1252` all work.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        let encoding = match key.as_str() {
            "utf8" => Encoding::Utf8,
            "utf16le" | "ucs2le" => Encoding::Utf16Le,
            "utf16be" | "ucs2be" => Encoding::Utf16Be,
            "windows1250" | "cp1250" | "win1250" | "1250" => Encoding::Windows1250,
            "windows1251" | "cp1251" | "win1251" | "1251" => Encoding::Windows1251,
            "windows1252" | "cp1252" | "win1252" | "1252" | "latin1" | "iso88591" | "l1" => {
                Encoding::Windows1252
            }
            _ => {
                return Err(UnknownEncoding { name: s.to_owned() });
            }
        };
        Ok(encoding)
    }
}

/// Why [`decode`] chose the encoding it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The caller named the encoding.
    Declared,
    /// The file starts with this encoding's byte order mark.
    Bom,
    /// No BOM, but the NUL bytes sit in every other position, as ASCII text in UTF-16 does.
    Utf16NulPattern,
    /// No BOM, and the bytes are valid UTF-8 (pure ASCII counts as UTF-8).
    ValidUtf8,
    /// No BOM and not UTF-8: each legacy code page was scored on how plausible the text it
    /// decodes to looks, and the best one won (ties go to the earlier one in this list).
    ///
    /// A word gains a point per non-ASCII letter when one language written in that code page
    /// uses all of its non-ASCII letters, and loses them when none does, when it mixes Latin
    /// and Cyrillic letters, when it is Latin without a single ASCII letter (`Ñóììà`), or
    /// when its capitals are misplaced (`ódŸ`); a lone letter scores nothing; a symbol stuck
    /// between two letters (`Zak³ady`) costs two. When a single language uses every
    /// non-ASCII letter of the text, each distinct letter adds a point, because a file is
    /// usually written in one language. Code pages under which some byte of the
    /// file is undefined are not candidates and are left out of the list.
    Heuristic {
        /// The candidates and their scores, best first.
        scores: Vec<(Encoding, i64)>,
    },
}

/// What [`decode`] found out about a file, to be reported once per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The encoding the text was decoded from.
    pub encoding: Encoding,
    /// Whether a byte order mark was found and removed.
    pub bom: bool,
    /// Why this encoding was chosen.
    pub reason: Reason,
}

impl fmt::Display for Detection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.encoding)?;
        match &self.reason {
            Reason::Declared if self.bom => f.write_str(" (as declared; byte order mark removed)"),
            Reason::Declared => f.write_str(" (as declared)"),
            Reason::Bom => f.write_str(" (byte order mark)"),
            Reason::Utf16NulPattern => f.write_str(" (no byte order mark; NUL-byte pattern)"),
            Reason::ValidUtf8 => f.write_str(" (no byte order mark; valid UTF-8)"),
            Reason::Heuristic { scores } => {
                f.write_str(" (guessed: not UTF-8; plausibility")?;
                for (encoding, score) in scores {
                    write!(f, " {encoding}={score}")?;
                }
                f.write_str("; pass the encoding explicitly if this is wrong)")
            }
        }
    }
}

/// A file's text decoded to UTF-8, with the record of how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without any byte order mark.
    pub text: String,
    /// What was detected and why.
    pub detection: Detection,
}

/// Why a file's bytes could not be decoded. Offsets are byte offsets into the whole file,
/// counting any byte order mark.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// A byte (or the start of a byte sequence) that the encoding does not define.
    #[error("byte 0x{byte:02X} at offset {offset} is not valid {encoding}")]
    InvalidByte {
        /// The encoding the file was being decoded as.
        encoding: Encoding,
        /// Offset of the offending byte.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// The file looks like UTF-8 but contains a malformed sequence (a truncated or
    /// concatenated file, or one edited in a tool with another encoding).
    #[error(
        "the file looks like UTF-8 ({valid_sequences} well-formed multi-byte characters) but \
         byte 0x{byte:02X} at offset {offset} is not valid UTF-8; repair the file or pass \
         the encoding explicitly"
    )]
    CorruptUtf8 {
        /// Offset of the first offending byte.
        offset: usize,
        /// The offending byte.
        byte: u8,
        /// How many well-formed multi-byte UTF-8 characters the file has.
        valid_sequences: usize,
    },
    /// UTF-16 text with an odd number of bytes.
    #[error("{encoding} text ends in half a code unit at offset {offset}")]
    TruncatedUtf16 {
        /// The UTF-16 variant.
        encoding: Encoding,
        /// Offset of the dangling byte.
        offset: usize,
    },
    /// A UTF-16 surrogate without its partner.
    #[error("unpaired UTF-16 surrogate 0x{unit:04X} at offset {offset} in {encoding} text")]
    UnpairedSurrogate {
        /// The UTF-16 variant.
        encoding: Encoding,
        /// Offset of the code unit.
        offset: usize,
        /// The surrogate code unit.
        unit: u16,
    },
    /// The declared encoding contradicts the file's byte order mark.
    #[error("the file was declared {declared} but starts with a {bom} byte order mark")]
    BomMismatch {
        /// The encoding the caller named.
        declared: Encoding,
        /// The encoding the byte order mark belongs to.
        bom: Encoding,
    },
    /// Not UTF-8, and each legacy code page leaves some byte undefined.
    #[error(
        "cannot tell the encoding: byte 0x{byte:02X} at offset {offset} is not valid UTF-8, \
         and the file has bytes undefined in windows-1250, windows-1251 and windows-1252; \
         pass the encoding explicitly"
    )]
    Undetectable {
        /// Offset of the first byte that is not valid UTF-8.
        offset: usize,
        /// That byte.
        byte: u8,
    },
}

/// Decodes a whole file to UTF-8, detecting the encoding unless `declared` names it.
///
/// A byte order mark is removed. With a declared encoding, a BOM of another encoding is an
/// error rather than mojibake; a declared UTF-16 variant without a BOM is decoded as is.
///
/// ```
/// use procura::ledger::locale::encoding::{decode, Encoding, Reason};
///
/// // "Поставщик;Сумма" as a 1C export writes it, in Windows-1251.
/// let bytes = b"\xcf\xee\xf1\xf2\xe0\xe2\xf9\xe8\xea;\xd1\xf3\xec\xec\xe0";
/// let decoded = decode(bytes, None).unwrap();
/// assert_eq!(decoded.text, "Поставщик;Сумма");
/// assert_eq!(decoded.detection.encoding, Encoding::Windows1251);
/// assert!(matches!(decoded.detection.reason, Reason::Heuristic { .. }));
/// ```
pub fn decode(bytes: &[u8], declared: Option<Encoding>) -> Result<Decoded, DecodeError> {
    let (text, detection) = decode_borrowed(bytes, declared)?;
    Ok(Decoded {
        text: text.into_owned(),
        detection,
    })
}

/// [`decode`] without copying text that is already UTF-8: a large UTF-8 file is then held
/// once, as its bytes.
pub(crate) fn decode_borrowed(
    bytes: &[u8],
    declared: Option<Encoding>,
) -> Result<(Cow<'_, str>, Detection), DecodeError> {
    let mut scan = ByteScan::new(declared);
    scan.feed(bytes);
    let (detection, skip) = scan.finish()?;
    let text = decode_as(bytes, skip, detection.encoding)?;
    Ok((text, detection))
}

/// How many leading bytes decide the byte order mark and the BOM-less UTF-16 NUL pattern.
const HEAD_BYTES: usize = 4096;

/// One pass over a file's bytes, fed a block at a time, that finds what [`decode`] decides
/// the encoding from and checks the bytes in the encoding chosen, with the errors and
/// offsets [`decode`] gives; [`TextDecoder`] then decodes them on each later pass. A
/// ledger far larger than memory is read this way without ever being held whole.
pub(crate) struct ByteScan {
    declared: Option<Encoding>,
    /// The first bytes, up to [`SCORED_BYTES`]: the byte order mark, the NUL pattern, and
    /// the text the heuristic scores when the file is no longer than that.
    head: Vec<u8>,
    /// Bytes fed so far.
    len: usize,
    /// Whether the head has decided whether the file is UTF-16 (`utf16` then checks it).
    head_decided: bool,
    utf16: Option<Utf16Check>,
    utf8: Utf8Check,
    /// The byte values at or above 0x80 that occur in the file.
    present: [bool; 256],
    sample: Sample,
    /// The bytes the declared encoding leaves undefined, and the first one found.
    undefined: [bool; 256],
    first_undefined: Option<(usize, u8)>,
}

impl ByteScan {
    /// A scan for a file declared to be in `declared`, or to detect.
    pub(crate) fn new(declared: Option<Encoding>) -> ByteScan {
        ByteScan {
            declared,
            head: Vec::new(),
            len: 0,
            head_decided: false,
            utf16: None,
            utf8: Utf8Check::default(),
            present: [false; 256],
            sample: Sample::default(),
            undefined: declared.map_or([false; 256], undefined_bytes),
            first_undefined: None,
        }
    }

    /// Takes the file's next bytes.
    pub(crate) fn feed(&mut self, block: &[u8]) {
        let start = self.len;
        self.len += block.len();
        let kept = block
            .len()
            .min(SCORED_BYTES.saturating_sub(self.head.len()));
        self.head.extend_from_slice(&block[..kept]);
        if self.head_decided {
            if let Some(check) = &mut self.utf16 {
                check.feed(block);
            }
        } else if self.len >= HEAD_BYTES {
            self.decide_head();
            if let Some(check) = &mut self.utf16 {
                check.feed(&block[kept..]);
            }
        }
        self.utf8.feed(block);
        if !block.is_ascii() {
            for &byte in block {
                self.present[usize::from(byte)] = true;
            }
        }
        self.sample.feed(block);
        if self.first_undefined.is_none()
            && let Some(at) = block.iter().position(|&b| self.undefined[usize::from(b)])
        {
            self.first_undefined = Some((start + at, block[at]));
        }
    }

    /// Whether the head makes the file UTF-16, and from which byte its text starts: then
    /// the check of its code units starts with the bytes held so far.
    fn decide_head(&mut self) {
        self.head_decided = true;
        if let Some((encoding, skip)) = utf16_start(&self.head, self.declared) {
            let mut check = Utf16Check::new(encoding, skip);
            check.feed(self.head.get(skip..).unwrap_or_default());
            self.utf16 = Some(check);
        }
    }

    /// The encoding [`decode`] chooses, and the length of the byte order mark to skip; or
    /// the error [`decode`] gives for these bytes.
    pub(crate) fn finish(mut self) -> Result<(Detection, usize), DecodeError> {
        if !self.head_decided {
            self.decide_head();
        }
        let utf8 = self.utf8.finish();
        let utf16 = self.utf16.take().map(|c| c.finish(self.len));
        let undefined = self.first_undefined;
        // The bytes after the byte order mark must be text in the encoding chosen.
        let check = |encoding: Encoding| -> Result<(), DecodeError> {
            match encoding {
                Encoding::Utf8 => match utf8.first_error {
                    Some((offset, byte)) => Err(DecodeError::InvalidByte {
                        encoding,
                        offset,
                        byte,
                    }),
                    None => Ok(()),
                },
                Encoding::Utf16Le | Encoding::Utf16Be => match &utf16 {
                    Some(Err(error)) => Err(error.clone()),
                    _ => Ok(()),
                },
                Encoding::Windows1250 | Encoding::Windows1251 | Encoding::Windows1252 => {
                    match undefined {
                        Some((offset, byte)) => Err(DecodeError::InvalidByte {
                            encoding,
                            offset,
                            byte,
                        }),
                        None => Ok(()),
                    }
                }
            }
        };
        let head = &self.head;
        let bom = sniff_bom(head);
        if let Some(declared) = self.declared {
            let bom_len = match bom {
                Some((bom_encoding, _)) if bom_encoding != declared => {
                    return Err(DecodeError::BomMismatch {
                        declared,
                        bom: bom_encoding,
                    });
                }
                Some((_, len)) => len,
                None => 0,
            };
            check(declared)?;
            return Ok((detection(declared, bom_len > 0, Reason::Declared), bom_len));
        }
        if let Some((encoding, len)) = bom {
            check(encoding)?;
            return Ok((detection(encoding, true, Reason::Bom), len));
        }
        if let Some(encoding) = utf16_by_nul_pattern(head) {
            check(encoding)?;
            return Ok((detection(encoding, false, Reason::Utf16NulPattern), 0));
        }
        let Some((utf8_error, byte)) = utf8.first_error else {
            return Ok((detection(Encoding::Utf8, false, Reason::ValidUtf8), 0));
        };
        // Legacy text almost never contains well-formed multi-byte UTF-8 by accident (a
        // Cyrillic letter in 1251 is a lead byte, but so is the letter after it), so a
        // majority of well-formed sequences means UTF-8 that got damaged.
        if utf8.valid > utf8.invalid {
            return Err(DecodeError::CorruptUtf8 {
                offset: utf8_error,
                byte,
                valid_sequences: utf8.valid,
            });
        }
        let sample = if self.len <= SCORED_BYTES {
            &self.head[..]
        } else {
            &self.sample.finish()[..]
        };
        let scores = score_legacy(&self.present, sample);
        let Some(&(best, _)) = scores.first() else {
            return Err(DecodeError::Undetectable {
                offset: utf8_error,
                byte,
            });
        };
        Ok((detection(best, false, Reason::Heuristic { scores }), 0))
    }
}

fn detection(encoding: Encoding, bom: bool, reason: Reason) -> Detection {
    Detection {
        encoding,
        bom,
        reason,
    }
}

/// The UTF-16 variant the head makes the file (declared, by its byte order mark or by its
/// NUL pattern), and the offset its text starts at; `None` when [`decode`] would not read
/// it as UTF-16 (or fails before reading it).
fn utf16_start(head: &[u8], declared: Option<Encoding>) -> Option<(Encoding, usize)> {
    let utf16 = |e: Encoding| matches!(e, Encoding::Utf16Le | Encoding::Utf16Be);
    let bom = sniff_bom(head);
    match declared {
        Some(declared) => match bom {
            Some((b, _)) if b != declared => None,
            Some((_, len)) => utf16(declared).then_some((declared, len)),
            None => utf16(declared).then_some((declared, 0)),
        },
        None => match bom {
            Some((b, len)) => utf16(b).then_some((b, len)),
            None => utf16_by_nul_pattern(head).map(|e| (e, 0)),
        },
    }
}

/// The bytes a code page leaves undefined (see [`is_undefined_marker`]); none for the
/// Unicode forms.
fn undefined_bytes(encoding: Encoding) -> [bool; 256] {
    let mut undefined = [false; 256];
    if encoding.single_byte_table().is_some() {
        let high: Vec<u8> = (0x80..=0xFF).collect();
        for (c, byte) in decode_single_byte(&high, encoding).chars().zip(high) {
            undefined[usize::from(byte)] = is_undefined_marker(c);
        }
    }
    undefined
}

/// What a streamed check of UTF-8 found: the first malformed byte, and the counts of
/// well-formed multi-byte characters and of malformed sequences.
#[derive(Debug, Default)]
struct Utf8Check {
    /// The bytes of a sequence cut by the end of the last block.
    carry: Vec<u8>,
    /// Offset of the first byte not checked yet (the carry's first).
    offset: usize,
    first_error: Option<(usize, u8)>,
    valid: usize,
    invalid: usize,
}

impl Utf8Check {
    fn feed(&mut self, block: &[u8]) {
        if self.carry.is_empty() {
            self.run(block, false);
        } else {
            let mut joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(block);
            self.run(&joined, false);
        }
    }

    fn finish(mut self) -> Utf8Check {
        let carry = std::mem::take(&mut self.carry);
        self.run(&carry, true);
        self
    }

    /// Checks `data`, which starts at `self.offset`; a sequence cut by its end is carried
    /// to the next block unless it is the `last`.
    fn run(&mut self, data: &[u8], last: bool) {
        let base = self.offset;
        let mut at = 0;
        while at < data.len() {
            match std::str::from_utf8(&data[at..]) {
                Ok(_) => {
                    self.valid += lead_bytes(&data[at..]);
                    at = data.len();
                }
                Err(error) => {
                    let bad = at + error.valid_up_to();
                    self.valid += lead_bytes(&data[at..bad]);
                    match error.error_len() {
                        Some(len) => {
                            self.malformed(base + bad, data[bad]);
                            at = bad + len;
                        }
                        // `None` only for a sequence cut off by the end of the data.
                        None if last => {
                            self.malformed(base + bad, data[bad]);
                            at = data.len();
                        }
                        None => {
                            self.carry = data[bad..].to_vec();
                            at = data.len();
                        }
                    }
                }
            }
        }
        self.offset = base + data.len() - self.carry.len();
    }

    fn malformed(&mut self, offset: usize, byte: u8) {
        self.invalid += 1;
        self.first_error.get_or_insert((offset, byte));
    }
}

/// The multi-byte characters of valid UTF-8: each starts with a byte of 0xC0 or more.
fn lead_bytes(valid: &[u8]) -> usize {
    valid.iter().filter(|&&b| b >= 0xC0).count()
}

/// A streamed check of UTF-16 code units, with [`decode`]'s errors and offsets.
#[derive(Debug)]
struct Utf16Check {
    encoding: Encoding,
    /// Offset of the next byte.
    offset: usize,
    /// The first byte of a code unit cut by the end of the last block.
    odd: Option<u8>,
    /// A high surrogate waiting for its low one, and its offset.
    high: Option<(usize, u16)>,
    error: Option<DecodeError>,
}

impl Utf16Check {
    fn new(encoding: Encoding, skip: usize) -> Utf16Check {
        Utf16Check {
            encoding,
            offset: skip,
            odd: None,
            high: None,
            error: None,
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if let Some(first) = self.odd {
            let Some((&second, rest)) = bytes.split_first() else {
                return;
            };
            self.odd = None;
            self.unit([first, second]);
            bytes = rest;
        }
        let pairs = bytes.chunks_exact(2);
        self.odd = pairs.remainder().first().copied();
        for pair in pairs {
            if self.error.is_some() {
                return;
            }
            self.unit([pair[0], pair[1]]);
        }
    }

    fn unit(&mut self, pair: [u8; 2]) {
        let unit = match self.encoding {
            Encoding::Utf16Be => u16::from_be_bytes(pair),
            _ => u16::from_le_bytes(pair),
        };
        let at = self.offset;
        self.offset += 2;
        let is_high = (0xD800..0xDC00).contains(&unit);
        let is_low = (0xDC00..0xE000).contains(&unit);
        match self.high.take() {
            Some(_) if is_low => {}
            Some((offset, high)) => self.unpaired(offset, high),
            None if is_high => self.high = Some((at, unit)),
            None if is_low => self.unpaired(at, unit),
            None => {}
        }
    }

    fn unpaired(&mut self, offset: usize, unit: u16) {
        self.error.get_or_insert(DecodeError::UnpairedSurrogate {
            encoding: self.encoding,
            offset,
            unit,
        });
    }

    /// The first error; a dangling half unit is reported before any surrogate, as
    /// [`decode`] checks the length first.
    fn finish(mut self, len: usize) -> Result<(), DecodeError> {
        if self.odd.is_some() {
            return Err(DecodeError::TruncatedUtf16 {
                encoding: self.encoding,
                offset: len - 1,
            });
        }
        if let Some((offset, high)) = self.high.take() {
            self.unpaired(offset, high);
        }
        self.error.map_or(Ok(()), Err)
    }
}

/// The lines that hold non-ASCII bytes, gathered as the blocks pass (see [`scored_sample`]).
#[derive(Debug, Default)]
struct Sample {
    sample: Vec<u8>,
    /// The line the last block ended in: its first bytes, and whether it has a non-ASCII
    /// byte anywhere.
    line: Vec<u8>,
    line_non_ascii: bool,
}

impl Sample {
    fn full(&self) -> bool {
        self.sample.len() >= SCORED_BYTES
    }

    fn feed(&mut self, block: &[u8]) {
        if self.full() {
            return;
        }
        if block.is_ascii() && !self.line_non_ascii {
            // No line ending in this block is sampled: only the last line's start is kept.
            match memchr::memrchr(b'\n', block) {
                Some(end) => {
                    self.line.clear();
                    self.keep(&block[end + 1..]);
                }
                None => self.keep(block),
            }
            return;
        }
        let mut rest = block;
        while let Some(end) = memchr::memchr(b'\n', rest) {
            let part = &rest[..end];
            if self.line.is_empty() && !self.line_non_ascii {
                if !part.is_ascii() {
                    add_sample_line(&mut self.sample, part);
                }
            } else {
                self.line_non_ascii |= !part.is_ascii();
                self.keep(part);
                if self.line_non_ascii {
                    add_sample_line(&mut self.sample, &self.line);
                }
            }
            self.line.clear();
            self.line_non_ascii = false;
            rest = &rest[end + 1..];
            if self.full() {
                return;
            }
        }
        self.line_non_ascii |= !rest.is_ascii();
        self.keep(rest);
    }

    /// Keeps the start of the current line: no more of it is ever sampled.
    fn keep(&mut self, part: &[u8]) {
        let room = SCORED_BYTES.saturating_sub(self.line.len());
        self.line.extend_from_slice(&part[..part.len().min(room)]);
    }

    fn finish(mut self) -> Vec<u8> {
        if !self.full() && self.line_non_ascii {
            add_sample_line(&mut self.sample, &self.line);
        }
        self.sample
    }
}

/// Adds a line to the heuristic's sample, cut to the room left.
fn add_sample_line(sample: &mut Vec<u8>, line: &[u8]) {
    let room = SCORED_BYTES.saturating_sub(sample.len());
    sample.extend_from_slice(&line[..line.len().min(room)]);
    sample.push(b'\n');
}

/// Decodes a file's bytes, checked by a [`ByteScan`], to UTF-8 a block at a time.
pub(crate) struct TextDecoder {
    /// `None` for UTF-8, which is copied as it is.
    decoder: Option<encoding_rs::Decoder>,
    /// For a code page, the bytes it leaves undefined (they decode to C1 controls, not
    /// errors); none for the Unicode forms.
    undefined: [bool; 256],
    /// The bytes of a UTF-8 character cut by the end of the last block.
    carry: Vec<u8>,
}

/// Bytes that are not text in the encoding the scan found: the file changed between the
/// scan and this pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error(
    "the file's bytes are no longer valid text in the encoding found (was it changed while being read?)"
)]
pub(crate) struct Changed;

impl TextDecoder {
    /// A decoder of text in `encoding` (its byte order mark already skipped).
    pub(crate) fn new(encoding: Encoding) -> TextDecoder {
        let table = match encoding {
            Encoding::Utf8 => None,
            Encoding::Utf16Le => Some(encoding_rs::UTF_16LE),
            Encoding::Utf16Be => Some(encoding_rs::UTF_16BE),
            other => other.single_byte_table(),
        };
        TextDecoder {
            decoder: table.map(encoding_rs::Encoding::new_decoder_without_bom_handling),
            undefined: undefined_bytes(encoding),
            carry: Vec::new(),
        }
    }

    /// Appends the text of the next `bytes` to `out`; `last` with the file's last ones.
    pub(crate) fn decode(
        &mut self,
        bytes: &[u8],
        last: bool,
        out: &mut String,
    ) -> Result<(), Changed> {
        match &mut self.decoder {
            Some(decoder) => {
                let mut rest = bytes;
                loop {
                    let room = decoder
                        .max_utf8_buffer_length_without_replacement(rest.len())
                        .ok_or(Changed)?;
                    out.reserve(room);
                    let (result, read) =
                        decoder.decode_to_string_without_replacement(rest, out, last);
                    rest = &rest[read..];
                    match result {
                        encoding_rs::DecoderResult::InputEmpty => break,
                        encoding_rs::DecoderResult::OutputFull => continue,
                        encoding_rs::DecoderResult::Malformed(..) => return Err(Changed),
                    }
                }
                if bytes.iter().any(|&b| self.undefined[usize::from(b)]) {
                    return Err(Changed);
                }
                Ok(())
            }
            None => {
                let joined;
                let data = if self.carry.is_empty() {
                    bytes
                } else {
                    let mut j = std::mem::take(&mut self.carry);
                    j.extend_from_slice(bytes);
                    joined = j;
                    &joined[..]
                };
                match std::str::from_utf8(data) {
                    Ok(text) => out.push_str(text),
                    Err(error) if error.error_len().is_none() && !last => {
                        let (good, cut) = data.split_at(error.valid_up_to());
                        out.push_str(std::str::from_utf8(good).map_err(|_| Changed)?);
                        self.carry = cut.to_vec();
                    }
                    Err(_) => return Err(Changed),
                }
                Ok(())
            }
        }
    }
}

/// The encoding announced by a byte order mark, and the mark's length.
fn sniff_bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => Some((Encoding::Utf8, 3)),
        [0xFF, 0xFE, ..] => Some((Encoding::Utf16Le, 2)),
        [0xFE, 0xFF, ..] => Some((Encoding::Utf16Be, 2)),
        _ => None,
    }
}

/// Recognises BOM-less UTF-16 by its NUL bytes: CSV text is mostly ASCII (delimiters,
/// digits, dates), whose high byte is zero, and nothing else puts NULs into a text file.
fn utf16_by_nul_pattern(bytes: &[u8]) -> Option<Encoding> {
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        zero_even += usize::from(pair[0] == 0);
        zero_odd += usize::from(pair[1] == 0);
    }
    // At least 40 % of the units have a zero high byte, and almost none a zero low byte.
    let mostly = |count: usize| count * 10 >= pairs * 4;
    let hardly = |count: usize| count * 20 <= pairs;
    if mostly(zero_odd) && hardly(zero_even) {
        Some(Encoding::Utf16Le)
    } else if mostly(zero_even) && hardly(zero_odd) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Decodes `bytes[skip..]` as `encoding`, reporting offsets relative to the whole input.
fn decode_as(bytes: &[u8], skip: usize, encoding: Encoding) -> Result<Cow<'_, str>, DecodeError> {
    let body = &bytes[skip..];
    match encoding {
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(error) => {
                let offset = error.valid_up_to();
                Err(DecodeError::InvalidByte {
                    encoding,
                    offset: skip + offset,
                    byte: body[offset],
                })
            }
        },
        Encoding::Utf16Le => decode_utf16(body, skip, encoding, u16::from_le_bytes).map(Cow::Owned),
        Encoding::Utf16Be => decode_utf16(body, skip, encoding, u16::from_be_bytes).map(Cow::Owned),
        Encoding::Windows1250 | Encoding::Windows1251 | Encoding::Windows1252 => {
            let text = decode_single_byte(body, encoding);
            // Single-byte decoding maps byte i to char i, so the index is the offset.
            match text.chars().position(is_undefined_marker) {
                Some(offset) => Err(DecodeError::InvalidByte {
                    encoding,
                    offset: skip + offset,
                    byte: body[offset],
                }),
                None => Ok(Cow::Owned(text)),
            }
        }
    }
}

fn decode_utf16(
    body: &[u8],
    skip: usize,
    encoding: Encoding,
    unit: fn([u8; 2]) -> u16,
) -> Result<String, DecodeError> {
    let pairs = body.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(DecodeError::TruncatedUtf16 {
            encoding,
            offset: skip + body.len() - 1,
        });
    }
    let units = pairs.map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(body.len() / 2);
    let mut offset = skip;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => {
                text.push(c);
                offset += 2 * c.len_utf16();
            }
            Err(error) => {
                return Err(DecodeError::UnpairedSurrogate {
                    encoding,
                    offset,
                    unit: error.unpaired_surrogate(),
                });
            }
        }
    }
    Ok(text)
}

/// Decodes with an encoding_rs code page table. encoding_rs follows the WHATWG tables,
/// which map the handful of bytes a code page leaves undefined to the C1 control with the
/// same number instead of failing, so callers check with [`is_undefined_marker`].
fn decode_single_byte(bytes: &[u8], encoding: Encoding) -> String {
    match encoding.single_byte_table() {
        Some(table) => table.decode_without_bom_handling(bytes).0.into_owned(),
        None => String::new(),
    }
}

/// A C1 control in single-byte decoder output stands for a byte the code page leaves
/// undefined; real text never contains C1 controls.
fn is_undefined_marker(c: char) -> bool {
    ('\u{80}'..='\u{9F}').contains(&c)
}

/// How much text the heuristic scores; enough for any header plus many rows.
const SCORED_BYTES: usize = 64 * 1024;

/// Scores the legacy code pages that define every byte of the file (`present`: the byte
/// values it has), on the `sample` of its text, best first, ties in the order 1252, 1251,
/// 1250 (the widest used first).
fn score_legacy(present: &[bool; 256], sample: &[u8]) -> Vec<(Encoding, i64)> {
    let mut scores: Vec<(Encoding, i64)> = [
        Encoding::Windows1252,
        Encoding::Windows1251,
        Encoding::Windows1250,
    ]
    .into_iter()
    .filter(|&encoding| defines_all(encoding, present))
    .map(|encoding| {
        let text = decode_single_byte(sample, encoding);
        (encoding, plausibility(&text, languages(encoding)))
    })
    .collect();
    // A stable sort keeps the tie order above.
    scores.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    scores
}

/// Whether `encoding` defines every byte value marked in `present`.
fn defines_all(encoding: Encoding, present: &[bool; 256]) -> bool {
    let high: Vec<u8> = (0x80..=0x9F_u8)
        .filter(|&byte| present[usize::from(byte)])
        .collect();
    !decode_single_byte(&high, encoding)
        .chars()
        .any(is_undefined_marker)
}

/// The non-ASCII lower-case letters of the languages commonly written in each code page.
fn languages(encoding: Encoding) -> &'static [&'static str] {
    match encoding {
        Encoding::Windows1252 => &[
            "äöüßé",            // German
            "àâæçéèêëîïôœùûüÿ", // French
            "áéíñóúüªº",        // Spanish
            "áâãàçéêíóôõúüªº",  // Portuguese
            "àèéìíîòóùú",       // Italian
            "éèëïóöü",          // Dutch
            "æøåéó",            // Danish, Norwegian
            "åäöéü",            // Swedish
            "äöåšž",            // Finnish, Estonian
            "áðéíóúýþæö",       // Icelandic
            "àçéèíïòóúü",       // Catalan
        ],
        Encoding::Windows1250 => &[
            "áčďéěíňóřšťúůýž",   // Czech
            "áäčďéíĺľňóôŕšťúýž", // Slovak
            "ąćęłńóśźż",         // Polish
            "áéíóöőúüű",         // Hungarian
            "ăâîşţ",             // Romanian (cedilla forms, as 1250 has them)
            "čćđšž",             // Croatian, Bosnian, Slovene
            "äöüßé",             // German
            "çë",                // Albanian
        ],
        Encoding::Windows1251 => &[
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", // Russian
            "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя", // Ukrainian
            "абвгдеёжзійклмнопрстуўфхцчшыьэюя",  // Belarusian
            "абвгдежзийклмнопрстуфхцчшщъьюя",    // Bulgarian
            "абвгдђежзијклљмнњопрстћуфхцчџш",    // Serbian
            "абвгдѓежзѕијклљмнњопрстќуфхцчџш",   // Macedonian
        ],
        Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be => &[],
    }
}

/// The plausibility score described at [`Reason::Heuristic`].
fn plausibility(text: &str, languages: &[&str]) -> i64 {
    let chars: Vec<char> = text.chars().collect();
    let mut score = 0i64;
    let mut letters = std::collections::BTreeSet::new();
    let mut start = 0;
    while start < chars.len() {
        if !chars[start].is_alphabetic() {
            let c = chars[start];
            let sandwiched = start > 0
                && chars[start - 1].is_alphabetic()
                && chars
                    .get(start + 1)
                    .is_some_and(|next| next.is_alphabetic());
            if !c.is_ascii() && !c.is_whitespace() && sandwiched {
                score -= 2;
            }
            start += 1;
            continue;
        }
        let end = chars[start..]
            .iter()
            .position(|c| !c.is_alphabetic())
            .map_or(chars.len(), |len| start + len);
        let word = &chars[start..end];
        score += word_score(word, languages);
        // Lone letters prove little (see `word_score`), so they do not count here either.
        letters.extend(
            word.iter()
                .filter(|_| word.len() > 1)
                .filter(|c| !c.is_ascii())
                .flat_map(|c| c.to_lowercase()),
        );
        start = end;
    }
    // Words can each look like a different language (Hungarian `Szállító` like Spanish,
    // `Győri` through 1252 like Portuguese); a file is usually in one, so a single language
    // explaining every letter of the text is worth a point per distinct letter.
    let one_language = languages
        .iter()
        .any(|language| letters.iter().all(|c| language.contains(*c)));
    if one_language {
        score += i64::try_from(letters.len()).unwrap_or(0);
    }
    score
}

fn word_score(word: &[char], languages: &[&str]) -> i64 {
    let non_ascii: Vec<char> = word.iter().copied().filter(|c| !c.is_ascii()).collect();
    let Ok(count) = i64::try_from(non_ascii.len()) else {
        return 0;
    };
    if count == 0 {
        return 0;
    }
    let is_cyrillic = |c: &char| ('\u{400}'..='\u{52F}').contains(c);
    let cyrillic = non_ascii.iter().filter(|c| is_cyrillic(c)).count();
    let mixed_script = cyrillic > 0 && cyrillic < word.len();
    let misplaced_capital = word
        .windows(2)
        .any(|pair| pair[0].is_lowercase() && pair[1].is_uppercase() && !pair[1].is_ascii());
    let covered = languages.iter().any(|letters| {
        non_ascii
            .iter()
            .flat_map(|c| c.to_lowercase())
            .all(|c| letters.contains(c))
    });
    // Latin-script words always have some ASCII letters; whole words of accented letters
    // are what Cyrillic looks like through a Latin code page (`Ïîñòàâùèê`).
    let all_accented_latin = cyrillic == 0 && word.len() >= 2 && !word.iter().any(char::is_ascii);
    if mixed_script {
        -2 * count
    } else if !covered || misplaced_capital || all_accented_latin {
        -count
    } else if word.len() == 1 {
        // A lone letter proves little: 0x80 is `€` in 1252 but `Ђ` in 1251.
        0
    } else {
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The whole-file decoding that [`ByteScan`] replaced, kept as the oracle it must agree
    // with on any bytes, however they are cut into blocks.
    #[allow(clippy::needless_pass_by_value)]
    fn detected(
        text: Cow<'_, str>,
        encoding: Encoding,
        bom: bool,
        reason: Reason,
    ) -> (Cow<'_, str>, Detection) {
        (text, detection(encoding, bom, reason))
    }

    fn present(bytes: &[u8]) -> [bool; 256] {
        let mut present = [false; 256];
        for &byte in bytes {
            if byte >= 0x80 {
                present[usize::from(byte)] = true;
            }
        }
        present
    }

    /// Counts well-formed multi-byte UTF-8 characters and malformed sequences.
    fn utf8_sequence_counts(bytes: &[u8]) -> (usize, usize) {
        let (mut valid, mut invalid) = (0, 0);
        let mut rest = bytes;
        loop {
            let (good, next) = match std::str::from_utf8(rest) {
                Ok(text) => (text, None),
                Err(error) => {
                    let (good, bad) = rest.split_at(error.valid_up_to());
                    invalid += 1;
                    // `error_len` is `None` only for a sequence cut off by the end of input.
                    let skip = error.error_len().unwrap_or(bad.len());
                    (
                        std::str::from_utf8(good).unwrap_or_default(),
                        Some(&bad[skip..]),
                    )
                }
            };
            valid += good.chars().filter(|c| !c.is_ascii()).count();
            match next {
                Some(next) => rest = next,
                None => return (valid, invalid),
            }
        }
    }

    /// The text the heuristic scores: the lines that hold non-ASCII bytes, wherever they are in
    /// the file, up to [`SCORED_BYTES`]. Only such lines tell the code pages apart, and in an
    /// ERP export the first one can be far down the file (a supplier list sorted by id, a
    /// ledger whose first thousand lines are all Latin): scoring the file's first bytes alone
    /// would find nothing there and fall to the tie order, decoding Cyrillic as Western
    /// mojibake without a word.
    fn scored_sample(bytes: &[u8]) -> Cow<'_, [u8]> {
        let prefix = &bytes[..bytes.len().min(SCORED_BYTES)];
        if bytes.len() <= SCORED_BYTES {
            return Cow::Borrowed(prefix);
        }
        let mut sample = Vec::with_capacity(SCORED_BYTES);
        for line in bytes.split(|&b| b == b'\n') {
            if sample.len() >= SCORED_BYTES {
                break;
            }
            if !line.is_ascii() {
                let room = SCORED_BYTES - sample.len();
                sample.extend_from_slice(&line[..line.len().min(room)]);
                sample.push(b'\n');
            }
        }
        Cow::Owned(sample)
    }

    fn reference(
        bytes: &[u8],
        declared: Option<Encoding>,
    ) -> Result<(Cow<'_, str>, Detection), DecodeError> {
        let bom = sniff_bom(bytes);
        if let Some(declared) = declared {
            let bom_len = match bom {
                Some((bom_encoding, _)) if bom_encoding != declared => {
                    return Err(DecodeError::BomMismatch {
                        declared,
                        bom: bom_encoding,
                    });
                }
                Some((_, len)) => len,
                None => 0,
            };
            let text = decode_as(bytes, bom_len, declared)?;
            return Ok(detected(text, declared, bom_len > 0, Reason::Declared));
        }
        if let Some((encoding, len)) = bom {
            let text = decode_as(bytes, len, encoding)?;
            return Ok(detected(text, encoding, true, Reason::Bom));
        }
        if let Some(encoding) = utf16_by_nul_pattern(bytes) {
            let text = decode_as(bytes, 0, encoding)?;
            return Ok(detected(text, encoding, false, Reason::Utf16NulPattern));
        }
        let utf8_error = match std::str::from_utf8(bytes) {
            Ok(text) => {
                return Ok(detected(
                    Cow::Borrowed(text),
                    Encoding::Utf8,
                    false,
                    Reason::ValidUtf8,
                ));
            }
            Err(error) => error.valid_up_to(),
        };
        let byte = bytes.get(utf8_error).copied().unwrap_or_default();
        let (valid_sequences, invalid_sequences) = utf8_sequence_counts(bytes);
        // Legacy text almost never contains well-formed multi-byte UTF-8 by accident (a
        // Cyrillic letter in 1251 is a lead byte, but so is the letter after it), so a
        // majority of well-formed sequences means UTF-8 that got damaged.
        if valid_sequences > invalid_sequences {
            return Err(DecodeError::CorruptUtf8 {
                offset: utf8_error,
                byte,
                valid_sequences,
            });
        }
        let scores = score_legacy(&present(bytes), &scored_sample(bytes));
        let Some(&(best, _)) = scores.first() else {
            return Err(DecodeError::Undetectable {
                offset: utf8_error,
                byte,
            });
        };
        let text = decode_as(bytes, 0, best)?;
        Ok(detected(text, best, false, Reason::Heuristic { scores }))
    }

    use proptest::prelude::*;

    fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{text:?} is not representable");
        bytes.into_owned()
    }

    fn detect(bytes: &[u8]) -> Detection {
        match decode(bytes, None) {
            Ok(decoded) => decoded.detection,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn names_parse_in_the_forms_people_type() {
        for (name, expected) in [
            ("utf-8", Encoding::Utf8),
            ("UTF8", Encoding::Utf8),
            ("utf-16le", Encoding::Utf16Le),
            ("UTF_16_BE", Encoding::Utf16Be),
            ("windows-1251", Encoding::Windows1251),
            ("cp1251", Encoding::Windows1251),
            ("Win-1250", Encoding::Windows1250),
            ("latin1", Encoding::Windows1252),
            ("ISO-8859-1", Encoding::Windows1252),
            ("cp1252", Encoding::Windows1252),
        ] {
            assert_eq!(name.parse::<Encoding>(), Ok(expected), "{name}");
        }
        let error = "koi8-r".parse::<Encoding>().unwrap_err();
        assert_eq!(error.name, "koi8-r");
        assert!(error.to_string().contains("windows-1251"));
        // Plain "utf-16" does not say which byte order; a BOM would, so detection handles it.
        assert!("utf-16".parse::<Encoding>().is_err());
    }

    #[test]
    fn canonical_names_round_trip() {
        for encoding in Encoding::ALL {
            assert_eq!(encoding.name().parse::<Encoding>(), Ok(encoding));
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("Поставщик;Сумма".as_bytes(), None).unwrap();
        assert_eq!(plain.text, "Поставщик;Сумма");
        assert_eq!(plain.detection.reason, Reason::ValidUtf8);
        assert!(!plain.detection.bom);

        let with_bom = decode(b"\xEF\xBB\xBFa;b", None).unwrap();
        assert_eq!(with_bom.text, "a;b");
        assert_eq!(with_bom.detection.reason, Reason::Bom);
        assert!(with_bom.detection.bom);
    }

    #[test]
    fn ascii_is_utf8() {
        assert_eq!(
            detect(b"supplier,amount\nACME,12.50\n").encoding,
            Encoding::Utf8
        );
        assert_eq!(detect(b"").encoding, Encoding::Utf8);
    }

    #[test]
    fn utf16_with_bom() {
        let text = "Lieferant;Währung\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let decoded = decode(&le, None).unwrap();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.detection.encoding, Encoding::Utf16Le);

        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let decoded = decode(&be, None).unwrap();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.detection.encoding, Encoding::Utf16Be);
    }

    #[test]
    fn utf16_without_bom_is_found_by_its_nuls() {
        let text = "Vendor\tAmount\r\nACME\t12.50\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let decoded = decode(&le, None).unwrap();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.detection.reason, Reason::Utf16NulPattern);
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(detect(&be).encoding, Encoding::Utf16Be);
    }

    #[test]
    fn utf16_errors_carry_offsets() {
        assert_eq!(
            decode(b"\xFF\xFEa\x00b", None),
            Err(DecodeError::TruncatedUtf16 {
                encoding: Encoding::Utf16Le,
                offset: 4
            })
        );
        // "a" then a lone high surrogate D800 then "b".
        assert_eq!(
            decode(b"\xFF\xFEa\x00\x00\xD8b\x00", None),
            Err(DecodeError::UnpairedSurrogate {
                encoding: Encoding::Utf16Le,
                offset: 4,
                unit: 0xD800
            })
        );
        // A surrogate pair is fine and advances the offset by four bytes.
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("😀€".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&bytes, None).unwrap().text, "😀€");
    }

    #[test]
    fn a_1c_header_in_1251() {
        let bytes = encode("Поставщик;Сумма;Дата", encoding_rs::WINDOWS_1251);
        let decoded = decode(&bytes, None).unwrap();
        assert_eq!(decoded.text, "Поставщик;Сумма;Дата");
        assert_eq!(decoded.detection.encoding, Encoding::Windows1251);
    }

    #[test]
    fn a_1c_export_in_1251() {
        let text = "Контрагент;Номенклатура;Количество;Сумма\n\
                    ООО «Ромашка»;Бумага офисная А4;10;1 234,56\n\
                    ИП Ёлкин;Картридж № 5;2;4 500,00\n";
        let bytes = encode(text, encoding_rs::WINDOWS_1251);
        assert_eq!(decode(&bytes, None).unwrap().text, text);
    }

    #[test]
    fn a_czech_supplier_list_in_1250() {
        let text = "Dodavatel;Částka;Datum\n\
                    Škoda Auto a.s.;1 234,50;07.03.2025\n\
                    Dřevo Praha s.r.o.;500,00;08.03.2025\n\
                    Pražská energetika;99,90;09.03.2025\n";
        let bytes = encode(text, encoding_rs::WINDOWS_1250);
        let decoded = decode(&bytes, None).unwrap();
        assert_eq!(decoded.detection.encoding, Encoding::Windows1250);
        assert_eq!(decoded.text, text);
    }

    #[test]
    fn a_polish_supplier_list_in_1250() {
        let text = "Dostawca;Kwota\n\
                    Zakłady Mięsne Łódź sp. z o.o.;1 234,56\n\
                    Przedsiębiorstwo Handlowe Żak;99,00\n";
        let bytes = encode(text, encoding_rs::WINDOWS_1250);
        assert_eq!(detect(&bytes).encoding, Encoding::Windows1250);
    }

    #[test]
    fn a_short_czech_header_in_1250() {
        let bytes = encode("Dodavatel;Částka", encoding_rs::WINDOWS_1250);
        assert_eq!(detect(&bytes).encoding, Encoding::Windows1250);
    }

    #[test]
    fn german_in_1252() {
        let bytes = encode("Müller GmbH;Straße", encoding_rs::WINDOWS_1252);
        let decoded = decode(&bytes, None).unwrap();
        assert_eq!(decoded.text, "Müller GmbH;Straße");
        assert_eq!(decoded.detection.encoding, Encoding::Windows1252);
    }

    #[test]
    fn western_texts_in_1252() {
        for text in [
            "Lieferant;Währung;Betrag\nBäckerei Müller;EUR;1.234,56 €\n",
            "Fournisseur;Montant\nSociété Générale;12,50\nCrème & Frères;3,00\n",
            "Proveedor;Importe\nEspaña Señor S.A.;12,50\n",
            "Leverandør;Beløb\nSøren Jørgensen A/S;100,00\n",
        ] {
            let bytes = encode(text, encoding_rs::WINDOWS_1252);
            let decoded = decode(&bytes, None).unwrap();
            assert_eq!(decoded.detection.encoding, Encoding::Windows1252, "{text}");
            assert_eq!(decoded.text, text);
        }
    }

    #[test]
    fn more_languages_in_their_code_pages() {
        let cases: &[(&str, &'static encoding_rs::Encoding)] = &[
            (
                "Szállító;Összeg\nGyőri Keksz Kft.;1 000\n",
                encoding_rs::WINDOWS_1250,
            ),
            (
                "Dodávateľ;Suma\nĽubovnianska mliekareň;12,50\n",
                encoding_rs::WINDOWS_1250,
            ),
            ("Dostawca\nŁódź\n", encoding_rs::WINDOWS_1250),
            ("Firma\nČerný\n", encoding_rs::WINDOWS_1250),
            (
                "Контрагент;Сумма\nООО Samsung Electronics Рус;12\nАО «Лаборатория Касперского»;№ 5\n",
                encoding_rs::WINDOWS_1251,
            ),
            ("Дата;Сумма\n07.03.2025;1\n", encoding_rs::WINDOWS_1251),
            (
                "Fornitore;Importo\nCaffè Nero S.p.A.;12,50\nPerché sì;1\n",
                encoding_rs::WINDOWS_1252,
            ),
            (
                "Fournisseur\nVoilà Crème brûlée\n",
                encoding_rs::WINDOWS_1252,
            ),
        ];
        for &(text, table) in cases {
            let decoded = decode(&encode(text, table), None).unwrap();
            assert_eq!(decoded.detection.encoding.name(), table.name(), "{text}");
            assert_eq!(decoded.text, text);
        }
    }

    #[test]
    fn euro_sign_alone_is_1252_not_serbian() {
        let bytes = encode("Amount\n€ 12.50\n", encoding_rs::WINDOWS_1252);
        assert_eq!(detect(&bytes).encoding, Encoding::Windows1252);
    }

    #[test]
    fn non_ascii_text_far_down_the_file_decides_the_code_page() {
        // 100 KiB of Latin lines, then the Cyrillic names: scored on its first bytes only,
        // the file looked like any code page and decoded as Western mojibake.
        let mut text = "supplier;amount\n".to_string();
        while text.len() < 100 * 1024 {
            text.push_str("S001;12,50\n");
        }
        text.push_str("ООО «Северсталь-Снаб»;7,00\nИП Ёлкин;1,00\n");
        let bytes = encode(&text, encoding_rs::WINDOWS_1251);
        let decoded = decode(&bytes, None).unwrap();
        assert_eq!(decoded.detection.encoding, Encoding::Windows1251);
        assert_eq!(decoded.text, text);
    }

    #[test]
    fn heuristic_reports_its_scores() {
        let bytes = encode("Поставщик;Сумма;Дата", encoding_rs::WINDOWS_1251);
        let detection = detect(&bytes);
        let Reason::Heuristic { scores } = &detection.reason else {
            panic!("{detection:?}");
        };
        assert_eq!(scores.len(), 3);
        // Three words of 9 + 5 + 4 letters, which Russian spells with 12 distinct letters.
        assert_eq!(scores[0], (Encoding::Windows1251, 30));
        let shown = detection.to_string();
        assert!(shown.starts_with("windows-1251 (guessed"), "{shown}");
        assert!(shown.contains("windows-1251=30"), "{shown}");
    }

    #[test]
    fn declared_encoding_is_honoured() {
        // These bytes would be detected as 1251, but the caller knows better.
        let bytes = encode("Поставщик", encoding_rs::WINDOWS_1251);
        let decoded = decode(&bytes, Some(Encoding::Windows1252)).unwrap();
        assert_eq!(decoded.text, "Ïîñòàâùèê");
        assert_eq!(decoded.detection.reason, Reason::Declared);
        assert_eq!(decoded.detection.to_string(), "windows-1252 (as declared)");
    }

    #[test]
    fn declared_encoding_strips_its_own_bom_and_rejects_another() {
        let decoded = decode(b"\xEF\xBB\xBFabc", Some(Encoding::Utf8)).unwrap();
        assert_eq!(decoded.text, "abc");
        assert!(decoded.detection.bom);
        assert_eq!(
            decode(b"\xEF\xBB\xBFabc", Some(Encoding::Windows1251)),
            Err(DecodeError::BomMismatch {
                declared: Encoding::Windows1251,
                bom: Encoding::Utf8
            })
        );
    }

    #[test]
    fn declared_utf16_without_bom() {
        let bytes: Vec<u8> = "Σ".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let decoded = decode(&bytes, Some(Encoding::Utf16Be)).unwrap();
        assert_eq!(decoded.text, "Σ");
    }

    #[test]
    fn invalid_utf8_when_declared_reports_the_offset() {
        assert_eq!(
            decode(b"abc\xFFdef", Some(Encoding::Utf8)),
            Err(DecodeError::InvalidByte {
                encoding: Encoding::Utf8,
                offset: 3,
                byte: 0xFF
            })
        );
        // The offset counts the BOM.
        assert_eq!(
            decode(b"\xEF\xBB\xBFab\xC3", None),
            Err(DecodeError::InvalidByte {
                encoding: Encoding::Utf8,
                offset: 5,
                byte: 0xC3
            })
        );
    }

    #[test]
    fn undefined_code_page_bytes_are_errors_not_replacements() {
        // 0x81 is undefined in windows-1252; 0x98 in windows-1251.
        assert_eq!(
            decode(b"ab\x81", Some(Encoding::Windows1252)),
            Err(DecodeError::InvalidByte {
                encoding: Encoding::Windows1252,
                offset: 2,
                byte: 0x81
            })
        );
        assert_eq!(
            decode(b"\x98", Some(Encoding::Windows1251)),
            Err(DecodeError::InvalidByte {
                encoding: Encoding::Windows1251,
                offset: 0,
                byte: 0x98
            })
        );
    }

    #[test]
    fn undefined_bytes_rule_out_candidates() {
        // 0x8D is undefined in 1252 but Ť in 1250; 0x98 is undefined in 1251.
        let bytes = b"\x8Dest \x98";
        let error = decode(bytes, None).unwrap_err();
        assert_eq!(
            error,
            DecodeError::Undetectable {
                offset: 0,
                byte: 0x8D
            }
        );
        let detection = detect(b"\x8Dest");
        assert_eq!(detection.encoding, Encoding::Windows1250);
        let Reason::Heuristic { scores } = detection.reason else {
            panic!("not guessed");
        };
        assert!(scores.iter().all(|(e, _)| *e != Encoding::Windows1252));
    }

    #[test]
    fn damaged_utf8_is_not_guessed_as_a_code_page() {
        let mut bytes = "Поставщик;Сумма\nРомашка;12\n".as_bytes().to_vec();
        bytes.insert(10, 0xFF);
        let error = decode(&bytes, None).unwrap_err();
        assert_eq!(
            error,
            DecodeError::CorruptUtf8 {
                offset: 10,
                byte: 0xFF,
                valid_sequences: 21
            }
        );
        assert!(error.to_string().contains("offset 10"));
    }

    /// Scans `bytes` in blocks cut after each length of `cuts` (then the rest), and decodes
    /// the text in the same blocks, as the streaming reader does.
    fn scanned(
        bytes: &[u8],
        declared: Option<Encoding>,
        cuts: &[usize],
    ) -> Result<(String, Detection), DecodeError> {
        let blocks = |body: &[u8]| {
            let mut out = Vec::new();
            let mut at = 0;
            for &cut in cuts {
                let end = (at + cut).min(body.len());
                out.push((at, end));
                at = end;
            }
            out.push((at, body.len()));
            out
        };
        let mut scan = ByteScan::new(declared);
        for (a, b) in blocks(bytes) {
            scan.feed(&bytes[a..b]);
        }
        let (detection, skip) = scan.finish()?;
        let body = &bytes[skip..];
        let mut decoder = TextDecoder::new(detection.encoding);
        let mut text = String::new();
        let parts = blocks(body);
        for (i, &(a, b)) in parts.iter().enumerate() {
            decoder
                .decode(&body[a..b], i + 1 == parts.len(), &mut text)
                .expect("checked bytes decode");
        }
        Ok((text, detection))
    }

    fn oracle(
        bytes: &[u8],
        declared: Option<Encoding>,
    ) -> Result<(String, Detection), DecodeError> {
        reference(bytes, declared).map(|(text, detection)| (text.into_owned(), detection))
    }

    #[test]
    fn code_pages_leave_their_known_bytes_undefined() {
        let undefined = |e| {
            let table = undefined_bytes(e);
            (0..=255u8)
                .filter(|&b| table[usize::from(b)])
                .collect::<Vec<u8>>()
        };
        assert_eq!(undefined(Encoding::Windows1251), [0x98]);
        assert_eq!(
            undefined(Encoding::Windows1252),
            [0x81, 0x8D, 0x8F, 0x90, 0x9D]
        );
        assert_eq!(
            undefined(Encoding::Windows1250),
            [0x81, 0x83, 0x88, 0x90, 0x98]
        );
        assert!(undefined(Encoding::Utf8).is_empty());
    }

    #[test]
    fn streamed_scans_of_large_files_agree_with_whole_file_decoding() {
        let mut latin = String::new();
        while latin.len() < 70 * 1024 {
            latin.push_str("PO1;S001;Acme;12,50\n");
        }
        let cyrillic = "ООО «Северсталь-Снаб»;7,00\nИП Ёлкин;1,00\n".repeat(40);
        let mut files: Vec<Vec<u8>> = vec![
            encode(&format!("{latin}{cyrillic}"), encoding_rs::WINDOWS_1251),
            encode(
                &format!("{cyrillic}{latin}{cyrillic}"),
                encoding_rs::WINDOWS_1251,
            ),
            encode(
                &format!("{latin}Zakłady Škoda;1\n"),
                encoding_rs::WINDOWS_1250,
            ),
            format!("{latin}{cyrillic}").into_bytes(),
            format!("\u{feff}{cyrillic}{latin}").into_bytes(),
        ];
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            format!("{latin}{cyrillic}")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        files.push(utf16.clone());
        utf16.push(b'x');
        files.push(utf16);
        let mut damaged = format!("{latin}{cyrillic}").into_bytes();
        damaged[72_000] = 0xFF;
        files.push(damaged);
        for bytes in &files {
            for declared in [None, Some(Encoding::Windows1251), Some(Encoding::Utf8)] {
                let want = oracle(bytes, declared);
                for cut in [1, 7, 4095, 65_536, bytes.len()] {
                    let cuts = vec![cut; bytes.len() / cut];
                    assert_eq!(
                        scanned(bytes, declared, &cuts),
                        want,
                        "cut {cut}, {declared:?}"
                    );
                }
            }
        }
    }

    /// Pieces of text files: ASCII, Cyrillic and Czech in their code pages and in UTF-8,
    /// UTF-16 units, byte order marks, lone surrogates, NULs and stray bytes.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"S001;12,50\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(encode("ООО «Ромашка»", encoding_rs::WINDOWS_1251)),
            Just(encode("Škoda Dřevo", encoding_rs::WINDOWS_1250)),
            Just("Поставщик €".as_bytes().to_vec()),
            Just(vec![0xEF, 0xBB, 0xBF]),
            Just(vec![0xFF, 0xFE]),
            Just(vec![0xFE, 0xFF]),
            Just(vec![b'a', 0, b'b', 0]),
            Just(vec![0x00, 0xD8]),
            Just(vec![0x00, 0xDC]),
            Just(vec![0x98]),
            Just(vec![0xE2, 0x82]),
            any::<u8>().prop_map(|b| vec![b]),
        ]
    }

    fn declared() -> impl Strategy<Value = Option<Encoding>> {
        prop_oneof![
            Just(None),
            proptest::sample::select(Encoding::ALL.to_vec()).prop_map(Some),
        ]
    }

    proptest! {
        #[test]
        fn decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode(&bytes, None);
            for encoding in Encoding::ALL {
                let _ = decode(&bytes, Some(encoding));
            }
        }

        #[test]
        fn streamed_scans_agree_with_whole_file_decoding(
            pieces in proptest::collection::vec(piece(), 0..60),
            declared in declared(),
            cuts in proptest::collection::vec(1usize..40, 0..30),
        ) {
            let bytes = pieces.concat();
            prop_assert_eq!(scanned(&bytes, declared, &cuts), oracle(&bytes, declared));
        }

        #[test]
        fn utf8_round_trips(text in "[^\u{feff}]*") {
            let decoded = decode(text.as_bytes(), Some(Encoding::Utf8)).unwrap();
            prop_assert_eq!(decoded.text, text);
        }

        #[test]
        fn detected_text_without_nul_round_trips_through_utf8(text in "[^\u{0}\u{feff}]*") {
            let decoded = decode(text.as_bytes(), None).unwrap();
            prop_assert_eq!(decoded.text, text);
        }

        #[test]
        fn utf16_round_trips(text in "\\PC*") {
            let mut bytes = vec![0xFF, 0xFE];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            prop_assert_eq!(decode(&bytes, None).unwrap().text, text);
        }

        #[test]
        fn cyrillic_1251_round_trips(text in "[А-яЁё ;,.0-9]{0,60}") {
            let bytes = encode(&text, encoding_rs::WINDOWS_1251);
            prop_assert_eq!(decode(&bytes, Some(Encoding::Windows1251)).unwrap().text, text);
        }

        #[test]
        fn cyrillic_words_are_detected_as_1251(
            words in proptest::collection::vec("[А-Я][а-я]{3,9}", 2..6),
        ) {
            let text = words.join(";");
            let bytes = encode(&text, encoding_rs::WINDOWS_1251);
            let decoded = decode(&bytes, None).unwrap();
            prop_assert_eq!(decoded.detection.encoding, Encoding::Windows1251);
            prop_assert_eq!(decoded.text, text);
        }
    }
}
