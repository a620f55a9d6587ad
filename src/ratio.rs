//! Shares of a total: the quotient of two decimals, normalized.
//!
//! Every ranked supplier, category and item carries two shares of its total (its own and
//! the cumulative one), and the advice a few more: on the 10M-row bench ledger that is
//! over 200,000 divisions. `Decimal`'s division is general (96-bit operands, any scale)
//! and takes about 700 instructions; a share of money is two 64-bit integers at a common
//! scale and a quotient below one, which [`ratio`] divides on `u128` in a fraction of
//! that, to the same result bit for bit.

use rust_decimal::Decimal;

/// `(part / whole).normalize()`: the quotient rounded half to even at 28 decimals (or
/// exact when it has fewer), trailing zeros removed, as `Decimal` divides.
///
/// # Panics
///
/// As `part / whole` does: when `whole` is zero or the quotient overflows a `Decimal`.
/// Callers divide by totals they have checked to be positive.
#[must_use]
pub fn ratio(part: Decimal, whole: Decimal) -> Decimal {
    match small_ratio(part, whole) {
        Some(q) => q,
        None => (part / whole).normalize(),
    }
}

/// `part`'s share of `whole`: [`ratio`], or zero when `whole` is not positive (a total
/// of nothing, or of credit notes, has no shares).
#[must_use]
pub fn share(part: Decimal, whole: Decimal) -> Decimal {
    if whole > Decimal::ZERO {
        ratio(part, whole)
    } else {
        Decimal::ZERO
    }
}

/// 10^n for n ≤ 28, as `u128`.
const POW10: [u128; 29] = {
    let mut t = [1u128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Decimals a quotient is carried to: `Decimal`'s largest scale.
const SCALE: u32 = 28;

/// [`ratio`] on integers, when both values' mantissas at their common scale fit 64 bits
/// and the quotient is below 7: then `q × 10^28` fits the 96 bits of a `Decimal` at scale
/// 28, so `Decimal`'s division carries it to all 28 decimals and rounds there (half to
/// even), which this does too. `None` otherwise (the caller divides as `Decimal` does).
fn small_ratio(part: Decimal, whole: Decimal) -> Option<Decimal> {
    let scale = part.scale().max(whole.scale());
    let at_scale = |d: Decimal| -> Option<u128> {
        let m = d.mantissa().unsigned_abs();
        let f = *POW10.get((scale - d.scale()) as usize)?;
        m.checked_mul(f).filter(|&x| x <= u128::from(u64::MAX))
    };
    let (n, d) = (at_scale(part)?, at_scale(whole)?);
    if d == 0 {
        return None;
    }
    let int = n / d;
    if int >= 7 {
        return None;
    }
    // 28 decimals in two steps of 14: a remainder (below d < 2^64) times 10^14 stays
    // below 2^111.
    let step = POW10[14];
    let r = (n % d) * step;
    let (hi, r) = (r / d, r % d);
    let r = r * step;
    let (lo, r) = (r / d, r % d);
    let mut q = int * POW10[28] + hi * step + lo;
    // Half to even on what is left: r / d against one half.
    let twice = r * 2;
    if twice > d || (twice == d && q & 1 == 1) {
        q += 1;
    }
    let q = i128::try_from(q).ok()?;
    let negative = part.is_sign_negative() != whole.is_sign_negative();
    let q = if negative { -q } else { q };
    Decimal::try_from_i128_with_scale(q, SCALE)
        .ok()
        .map(|q| q.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("test literal")
    }

    /// The same decimal, bit for bit (value, scale and sign).
    fn same(a: Decimal, b: Decimal) -> bool {
        a.serialize() == b.serialize()
    }

    /// Asserts that [`ratio`] gives `(p / w).normalize()` for each pair.
    fn assert_divides_as_decimal(pairs: &[(&str, &str)]) {
        for &(p, w) in pairs {
            let (p, w) = (d(p), d(w));
            assert!(same(ratio(p, w), (p / w).normalize()), "{p} / {w}");
        }
    }

    #[test]
    fn shares_are_the_normalized_quotient() {
        assert_divides_as_decimal(&[
            ("1", "3"),
            ("2", "3"),
            ("19.05", "100"),
            ("0.00", "5"),
            ("-3.50", "7"),
            ("3.50", "-7"),
            ("50", "100.00"),
            ("100.00", "100"),
            ("6.99", "1"),
            ("1855881981576", "1855881981576.00"),
            ("1", "18558819815.76"),
        ]);
        assert_eq!(
            ratio(d("1"), d("3")).to_string(),
            "0.3333333333333333333333333333"
        );
        assert_eq!(
            ratio(d("2"), d("3")).to_string(),
            "0.6666666666666666666666666667"
        );
        assert_eq!(ratio(d("1.00"), d("8")).to_string(), "0.125");
        assert_eq!(ratio(d("0.00"), d("-5")).to_string(), "0");
    }

    #[test]
    fn a_half_at_the_last_decimal_rounds_to_even() {
        // 1 / 2^29 has 29 decimals, the last a 5: the 28th decimal rounds to even.
        let w = Decimal::from(1u64 << 29);
        for p in [1u64, 3, 5, 7, 9] {
            let p = Decimal::from(p);
            assert!(same(ratio(p, w), (p / w).normalize()), "{p} / {w}");
        }
    }

    #[test]
    fn large_quotients_and_mantissas_are_divided_as_decimal_does() {
        assert_divides_as_decimal(&[
            ("7", "1"),
            ("70", "9.99"),
            ("18446744073709551616", "3"),
            ("1", "18446744073709551616"),
            ("0.0000000000000000000000000001", "3"),
        ]);
    }

    fn money() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0u32..=6, 0u32..=3).prop_map(|(m, scale, cut)| {
            // Mantissas of every size, most of them money-like.
            let m = m >> (cut * 20);
            Decimal::new(m, scale)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn ratio_is_decimal_division_normalized(p in money(), w in money()) {
            let w = if w.is_zero() { Decimal::ONE } else { w };
            if let Some(q) = p.checked_div(w) {
                prop_assert!(same(ratio(p, w), q.normalize()), "{} / {}", p, w);
            }
        }

        #[test]
        fn shares_of_a_total_are_decimal_division_normalized(
            parts in proptest::collection::vec(0i64..1_000_000_000_000, 1..20),
            scales in proptest::collection::vec(0u32..=2, 20),
        ) {
            let parts: Vec<Decimal> = parts
                .iter()
                .zip(&scales)
                .map(|(&m, &s)| Decimal::new(m, s))
                .collect();
            let total: Decimal = parts.iter().sum();
            prop_assume!(!total.is_zero());
            let mut cumulative = Decimal::ZERO;
            for &p in &parts {
                cumulative += p;
                prop_assert!(same(ratio(p, total), (p / total).normalize()));
                prop_assert!(same(ratio(cumulative, total), (cumulative / total).normalize()));
            }
        }
    }
}
