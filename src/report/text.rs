//! Where the text reports (Markdown, HTML) go as they are made: a `String` held whole (the
//! one-supplier page, [`super::render_with`]), or a writer fed in chunks, so that the
//! report of a 10M-line ledger (over 100 MB of HTML) is never held whole in memory.

use std::fmt;
use std::io;

/// A text report being made. Writing cannot fail here: a [`Chunked`] writer keeps its
/// first error for [`Chunked::finish`], so the report code need not check every line.
pub(super) trait Text: fmt::Write {
    /// Appends `s`.
    fn push_str(&mut self, s: &str) {
        // A String never fails; a Chunked writer keeps the error (see above).
        let _ = self.write_str(s);
    }

    /// Appends `c`.
    fn push(&mut self, c: char) {
        let _ = self.write_char(c);
    }
}

impl Text for String {}

/// Text written to `out` in chunks of about [`Chunked::CHUNK`] bytes.
pub(super) struct Chunked<'a> {
    buf: String,
    out: &'a mut dyn io::Write,
    error: Option<io::Error>,
}

impl<'a> Chunked<'a> {
    /// How much text collects before it is written: large enough that writes are few,
    /// small beside the tables the report is made from.
    const CHUNK: usize = 64 * 1024;

    /// A report written to `out`.
    fn new(out: &'a mut dyn io::Write) -> Self {
        Chunked {
            buf: String::with_capacity(Self::CHUNK + Self::CHUNK / 4),
            out,
            error: None,
        }
    }

    fn drain(&mut self) {
        if let Err(e) = self.out.write_all(self.buf.as_bytes()) {
            self.error = Some(e);
        }
        self.buf.clear();
    }

    /// Writes what is left; the first error of the whole report, if there was one.
    fn finish(mut self) -> io::Result<()> {
        if self.error.is_none() {
            self.drain();
        }
        self.error.map_or(Ok(()), Err)
    }
}

impl fmt::Write for Chunked<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.error.is_some() {
            return Err(fmt::Error);
        }
        self.buf.push_str(s);
        if self.buf.len() >= Self::CHUNK {
            self.drain();
        }
        match self.error {
            Some(_) => Err(fmt::Error),
            None => Ok(()),
        }
    }
}

impl Text for Chunked<'_> {}

/// The text `report` makes, held whole.
pub(super) fn whole(report: impl FnOnce(&mut String)) -> String {
    let mut o = String::new();
    report(&mut o);
    o
}

/// The text `report` makes, written to `out` as it is made.
pub(super) fn written(
    out: &mut dyn io::Write,
    report: impl FnOnce(&mut Chunked<'_>),
) -> io::Result<()> {
    let mut o = Chunked::new(out);
    report(&mut o);
    o.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `room` bytes, then fails.
    struct Full {
        room: usize,
        got: Vec<u8>,
    }

    impl io::Write for Full {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.got.len() + b.len() > self.room {
                return Err(io::Error::other("disk full"));
            }
            self.got.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn chunks_arrive_whole_and_in_order() {
        let mut out = Vec::new();
        let mut text = String::new();
        let mut c = Chunked::new(&mut out);
        for i in 0..50_000 {
            let line = format!("line {i}\n");
            c.push_str(&line);
            text.push_str(&line);
        }
        c.push('.');
        text.push('.');
        c.finish().unwrap();
        assert!(text.len() > 4 * Chunked::CHUNK);
        assert_eq!(out, text.as_bytes());
    }

    #[test]
    fn the_first_write_error_is_kept_and_later_writes_stop() {
        let mut out = Full {
            room: Chunked::CHUNK * 2,
            got: Vec::new(),
        };
        let mut c = Chunked::new(&mut out);
        for _ in 0..10_000 {
            c.push_str("0123456789abcdef0123456789abcdef\n");
        }
        assert!(fmt::Write::write_str(&mut c, "more").is_err());
        let e = c.finish().unwrap_err();
        assert_eq!(e.to_string(), "disk full");
        assert!(out.got.len() <= Chunked::CHUNK * 2);
    }
}
