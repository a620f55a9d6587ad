//! Plain decimal numbers read eight bytes at a time, for the fast path's money, quantity
//! and price cells.
//!
//! A cell such as `1234.56` is read with one 64-bit load from the buffer it lies in: its
//! bytes are checked to be digits around at most one decimal separator, all at once, and
//! turned into an integer with three multiplications (the method of Lemire's "Fast number
//! parsing"), not a byte at a time. Only cells that read plainly are read here; for
//! anything else (a cell of more than eight characters after its sign, fewer than eight
//! bytes left in the buffer, a second separator, no digit on one side of the separator)
//! [`plain`] says `None`, and the caller's byte-at-a-time reader decides.

/// A plain number: its sign, its digits read as one integer (`12.5` → 125), and how many
/// of them are decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Plain {
    pub(super) negative: bool,
    pub(super) digits: u64,
    pub(super) int_len: usize,
    pub(super) decimals: usize,
}

/// `0x01` in every byte: `b * ONES` is the byte `b` in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The cell `buf[start..end]` as a [`Plain`] number, when it is an optional `-`, then one
/// to eight characters that are digits with at most one `sep` between digits, and at
/// least eight bytes of `buf` start after the sign. `None` otherwise: not a verdict on the
/// cell, only that it is not read here.
#[inline(always)]
pub(super) fn plain(buf: &[u8], start: usize, end: usize, sep: u8) -> Option<Plain> {
    let negative = *buf.get(start)? == b'-';
    let from = start + usize::from(negative);
    let len = end.checked_sub(from)?;
    if len == 0 || len > 8 {
        return None;
    }
    // Bytes past the cell are loaded too, and masked off.
    let word = u64::from_le_bytes(buf.get(from..from + 8)?.try_into().ok()?);
    let keep = u64::MAX >> (64 - 8 * len);
    // Digits become 0..=9, every other byte something above 9.
    let x = (word ^ (b'0' as u64 * ONES)) & keep;
    // The top bit of each byte that is not a digit: its low seven bits plus 0x76 pass
    // 0x7f from 10 up, and never carry into the next byte (at most 0x7f + 0x76 = 0xf5);
    // a byte with its top bit already set is not a digit either.
    let not_digit = ((x & (0x7f * ONES)).wrapping_add(0x76 * ONES) | x) & (0x80 * ONES) & keep;
    let (int_len, decimals, digits) = if not_digit == 0 {
        (len, 0, x)
    } else {
        // `i` < `len`: `not_digit` holds only bits of the cell's bytes.
        let i = (not_digit.trailing_zeros() / 8) as usize;
        let decimals = len - i - 1;
        if i == 0 || decimals == 0 || not_digit != 0x80 << (8 * i) || (word >> (8 * i)) as u8 != sep
        {
            return None;
        }
        // The separator's byte taken out: the decimals move down one byte.
        let below = u64::MAX >> (64 - 8 * i);
        (i, decimals, (x & below) | ((x >> 8) & !below))
    };
    // Right-aligned in the word, the missing leading digits are zeros (1 ≤ n ≤ 8).
    let n = int_len + decimals;
    Some(Plain {
        negative,
        digits: eight_digits(digits << (8 * (8 - n))),
        int_len,
        decimals,
    })
}

/// The integer of eight digit values (0..=9), one per byte, the most significant in the
/// lowest byte (as eight digits load little-endian from text).
#[inline(always)]
fn eight_digits(v: u64) -> u64 {
    const MASK: u64 = 0x0000_00ff_0000_00ff;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    // Each even byte becomes the two-digit number it starts (at most 99: no carry).
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    // The four two-digit numbers weighted and added in the top half; the wrapping of the
    // multiplications only reaches the bottom half, which is dropped.
    (v & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2))
        >> 32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reading [`plain`] stands for, a byte at a time.
    fn slow(cell: &[u8], sep: u8) -> Option<Plain> {
        let (negative, body) = match cell.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, cell),
        };
        if body.is_empty() || body.len() > 8 {
            return None;
        }
        let (int, frac) = match body.iter().position(|&b| b == sep) {
            Some(i) => (&body[..i], &body[i + 1..]),
            None => (body, &[][..]),
        };
        let all_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
        if int.is_empty()
            || !all_digits(int)
            || !all_digits(frac)
            || (frac.is_empty() && body.len() != int.len())
        {
            return None;
        }
        let digits = int
            .iter()
            .chain(frac)
            .fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'));
        Some(Plain {
            negative,
            digits,
            int_len: int.len(),
            decimals: frac.len(),
        })
    }

    /// `cell` inside a buffer, with `after` bytes following it.
    fn read_in(cell: &[u8], after: &[u8], sep: u8) -> Option<Plain> {
        let mut buf = b"x,".to_vec();
        buf.extend_from_slice(cell);
        let end = buf.len();
        buf.extend_from_slice(after);
        plain(&buf, 2, end, sep)
    }

    #[test]
    fn reads_plain_cells_whole() {
        let pad = b",EUR\n........";
        let read = |cell: &str, sep: u8| read_in(cell.as_bytes(), pad, sep);
        let p = |negative, digits, int_len, decimals| {
            Some(Plain {
                negative,
                digits,
                int_len,
                decimals,
            })
        };
        assert_eq!(read("19.05", b'.'), p(false, 1905, 2, 2));
        assert_eq!(read("-3,5", b','), p(true, 35, 1, 1));
        assert_eq!(read("5", b'.'), p(false, 5, 1, 0));
        assert_eq!(read("99999999", b'.'), p(false, 99_999_999, 8, 0));
        assert_eq!(read("-123456.7", b'.'), p(true, 1_234_567, 6, 1));
        assert_eq!(read("-1234567.", b'.'), None);
        assert_eq!(read("0.000001", b'.'), p(false, 1, 1, 6));
        assert_eq!(read("007", b','), p(false, 7, 3, 0));
    }

    #[test]
    fn leaves_everything_else_to_the_caller() {
        let pad = b",EUR\n........";
        for cell in [
            "",
            "-",
            "+1",
            ".5",
            "5.",
            "1.2.3",
            "1,5",
            "123456789",
            "1234567.8",
            "-1234567.8",
            "1e5",
            "1 234",
            "--1",
            "12-",
            "٣",
            "1\u{a0}2",
        ] {
            assert_eq!(read_in(cell.as_bytes(), pad, b'.'), None, "{cell:?}");
        }
        // Fewer than eight bytes from the digits to the buffer's end.
        assert_eq!(read_in(b"19.05", b"\n", b'.'), None);
        assert_eq!(read_in(b"-19.05", b"\n.", b'.'), None);
        assert!(read_in(b"-19.05", b"\n..", b'.').is_some());
    }

    proptest! {
        /// Whatever the cell and the bytes after it: read as the byte-at-a-time rule
        /// reads it, or left to the caller, and never left when plain and eight bytes
        /// are there.
        #[test]
        fn agrees_with_a_byte_at_a_time_reading(
            cell in proptest::collection::vec(
                prop_oneof![
                    8 => proptest::sample::select(b"0123456789".to_vec()),
                    2 => proptest::sample::select(b".,- +e\"/:".to_vec()),
                    1 => any::<u8>(),
                ],
                0..11,
            ),
            after in proptest::collection::vec(any::<u8>(), 0..12),
            comma in any::<bool>(),
        ) {
            let sep = if comma { b',' } else { b'.' };
            let got = read_in(&cell, &after, sep);
            let want = slow(&cell, sep);
            let room = cell.len() - usize::from(cell.first() == Some(&b'-')) + after.len() >= 8;
            if room {
                prop_assert_eq!(got, want);
            } else {
                prop_assert_eq!(got, None);
            }
        }

        #[test]
        fn reads_every_number_of_up_to_eight_digits(
            v in 0u64..100_000_000,
            decimals in 0usize..8,
            negative in any::<bool>(),
        ) {
            let digits = v.to_string();
            let text = if decimals > 0 && decimals < digits.len() {
                let (i, f) = digits.split_at(digits.len() - decimals);
                format!("{}{i}.{f}", if negative { "-" } else { "" })
            } else {
                format!("{}{digits}", if negative { "-" } else { "" })
            };
            let got = read_in(text.as_bytes(), b"\n00000000", b'.');
            if text.len() - usize::from(negative) <= 8 {
                prop_assert!(got.is_some(), "{text} not read");
                let got = got.unwrap_or(Plain { negative: false, digits: u64::MAX, int_len: 0, decimals: 0 });
                prop_assert_eq!(got.digits, v);
                prop_assert_eq!(got.negative, negative);
            } else {
                prop_assert_eq!(got, None);
            }
        }
    }
}
