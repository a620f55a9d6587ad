//! ABC analysis: rank objects by their value over the period and cut the ranked list by
//! cumulative share.
//!
//! The conventions, each pinned by a test below:
//! - **Ranking**: value descending; equal values in id order (byte order of the id).
//! - **Share**: value ÷ the total of all values (net spend, credit notes included), as an
//!   exact decimal fraction (`0.25` is 25 %). Cumulative share runs down the ranked list.
//! - **Boundary** ([`BoundaryConvention`]): `textbook` — A while the cumulative share
//!   *including* the object is ≤ the A cut-off, B while ≤ the B cut-off, else C;
//!   `crossing-upper` — the object that crosses a cut-off stays in the upper class (A while
//!   the cumulative share *before* it is < the A cut-off), as the benchmark baselines do.
//! - **Zero and negative values** rank after every positive one and are always class C; the
//!   caller reports them as a warning. When the total is not positive, every object is C
//!   and every share is zero.

use crate::ratio::share;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// One of the three ABC classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AbcClass {
    /// The few objects that make up most of the value.
    A,
    /// The middle.
    B,
    /// The many objects with little value, and every zero or negative one.
    C,
}

impl AbcClass {
    /// The letter, as printed in reports.
    pub fn letter(self) -> char {
        match self {
            AbcClass::A => 'A',
            AbcClass::B => 'B',
            AbcClass::C => 'C',
        }
    }

    /// The class for a letter `A`, `B` or `C` (case-insensitive).
    pub fn from_letter(s: &str) -> Option<AbcClass> {
        match s.trim() {
            "A" | "a" => Some(AbcClass::A),
            "B" | "b" => Some(AbcClass::B),
            "C" | "c" => Some(AbcClass::C),
            _ => None,
        }
    }
}

impl fmt::Display for AbcClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// Which class the object whose cumulative share crosses a cut-off falls into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum BoundaryConvention {
    /// A while the cumulative share including the object is ≤ the A cut-off (the textbook rule).
    #[default]
    Textbook,
    /// A while the cumulative share before the object is < the A cut-off: the crossing object
    /// stays in the upper class (the convention of the benchmark baselines).
    CrossingUpper,
}

impl BoundaryConvention {
    /// The id used in rule files and reports.
    pub fn id(self) -> &'static str {
        match self {
            BoundaryConvention::Textbook => "textbook",
            BoundaryConvention::CrossingUpper => "crossing-upper",
        }
    }
}

/// The two cut-offs, in percent of the total (`80` means 80 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cutoffs {
    /// Upper bound of class A, in percent.
    pub a: Decimal,
    /// Upper bound of class B, in percent.
    pub b: Decimal,
}

/// One ranked object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AbcEntry {
    /// The object's id (supplier, category or item id), shared with the result that holds
    /// the entry (one copy per object, not one per field).
    pub id: Arc<str>,
    /// 1-based position in the ranked list (`u32`: the entry packs into 72 bytes, and a
    /// big ledger ranks tens of thousands of items).
    pub rank: u32,
    /// The object's value over the period (spend or profit).
    pub value: Decimal,
    /// value ÷ total, a fraction.
    pub share: Decimal,
    /// Sum of the shares down to and including this object, a fraction.
    pub cumulative_share: Decimal,
    /// The class.
    pub class: AbcClass,
}

/// The outcome of one ABC analysis on one measure.
#[derive(Debug, Clone, Serialize)]
pub struct AbcRanking {
    /// Objects in rank order.
    pub entries: Vec<AbcEntry>,
    /// Sum of all values.
    pub total: Decimal,
    /// Ids of objects with zero or negative value (ranked last, class C), in rank order.
    pub non_positive: Vec<String>,
    /// Positions in `entries`, sorted by id: [`AbcRanking::get`] is a binary search, not a
    /// scan. Built on the first lookup: most rankings (items, suppliers on big ledgers) are
    /// never looked up by id, and sorting their ids is most of the cost of ranking them.
    #[serde(skip)]
    by_id: std::sync::OnceLock<Vec<u32>>,
}

/// Equal rankings are equal whether or not they were looked up (the lookup index is
/// built on demand and follows from the entries).
impl PartialEq for AbcRanking {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
            && self.total == other.total
            && self.non_positive == other.non_positive
    }
}

impl Eq for AbcRanking {}

impl AbcRanking {
    /// Number of objects in each class, as (A, B, C).
    pub fn class_counts(&self) -> (usize, usize, usize) {
        self.entries
            .iter()
            .fold((0, 0, 0), |(a, b, c), e| match e.class {
                AbcClass::A => (a + 1, b, c),
                AbcClass::B => (a, b + 1, c),
                AbcClass::C => (a, b, c + 1),
            })
    }

    /// The entry for an id, if ranked.
    pub fn get(&self, id: &str) -> Option<&AbcEntry> {
        let entry = |i: &u32| self.entries.get(*i as usize);
        let by_id = self.by_id.get_or_init(|| {
            let mut by_id: Vec<u32> = (0..self.entries.len() as u32).collect();
            by_id.sort_by(|a, b| {
                self.entries[*a as usize]
                    .id
                    .cmp(&self.entries[*b as usize].id)
            });
            by_id
        });
        if by_id.len() != self.entries.len() {
            // Entries changed after the index was built: it no longer covers them.
            return self.entries.iter().find(|e| &*e.id == id);
        }
        // The first of equal ids in rank order (the sort that built the index is stable),
        // as a scan from the top would find.
        let at = by_id.partition_point(|i| entry(i).is_some_and(|e| &*e.id < id));
        by_id.get(at).and_then(entry).filter(|e| &*e.id == id)
    }
}

/// Ranks `(id, value)` pairs and classes them. The input order does not matter.
pub fn rank<I>(values: I, cutoffs: Cutoffs, convention: BoundaryConvention) -> AbcRanking
where
    I: IntoIterator<Item = (String, Decimal)>,
{
    let mut items: Vec<(String, Decimal)> = values.into_iter().collect();
    sort_ranked(&mut items, |a, b| a.cmp(b));
    let total = items.iter().map(|(_, v)| *v).sum();
    classed(
        items.into_iter().map(|(id, v)| (Arc::from(id), v)),
        total,
        cutoffs,
        convention,
    )
}

/// [`rank`] of objects known by a key (e.g. an interned index) whose id is `id(key)`: the
/// ranking, and the keys in rank order. Ids are copied once, into the entries.
pub fn rank_keyed<'k, K: Copy + 'k>(
    mut values: Vec<(K, Decimal)>,
    id: impl Fn(K) -> &'k str,
    cutoffs: Cutoffs,
    convention: BoundaryConvention,
) -> (AbcRanking, Vec<K>) {
    sort_ranked(&mut values, |a, b| id(*a).cmp(id(*b)));
    let keys = values.iter().map(|(k, _)| *k).collect();
    let total = values.iter().map(|(_, v)| *v).sum();
    let named = values.into_iter().map(|(k, v)| (Arc::from(id(k)), v));
    (classed(named, total, cutoffs, convention), keys)
}

/// Positive values first, by value descending, ties by id; then non-positive ones the same
/// way.
fn sort_ranked<K>(items: &mut Vec<(K, Decimal)>, by_id: impl Fn(&K, &K) -> Ordering) {
    // Decimals compared as integers at one common scale when they all fit: the same order,
    // without rescaling in every comparison.
    if let Some(keys) = integer_keys(items.iter().map(|(_, v)| *v)) {
        let mut keyed: Vec<(i128, (K, Decimal))> = keys.into_iter().zip(items.drain(..)).collect();
        // Unstable is exact here: the order is total but for entries equal in id and
        // value, which are interchangeable (and faster: no buffer, fewer moves).
        keyed.sort_unstable_by(|(ka, (ia, _)), (kb, (ib, _))| {
            (*kb > 0)
                .cmp(&(*ka > 0))
                .then_with(|| kb.cmp(ka))
                .then_with(|| by_id(ia, ib))
        });
        items.extend(keyed.into_iter().map(|(_, x)| x));
        return;
    }
    items.sort_unstable_by(|(ia, va), (ib, vb)| {
        let pa = *va > Decimal::ZERO;
        let pb = *vb > Decimal::ZERO;
        pb.cmp(&pa)
            .then_with(|| vb.cmp(va))
            .then_with(|| by_id(ia, ib))
    });
}

/// Each value's mantissa at the largest scale among them, when every one fits an `i128`:
/// these compare exactly as the values do.
fn integer_keys(values: impl Iterator<Item = Decimal> + Clone) -> Option<Vec<i128>> {
    let scale = values.clone().map(|v| v.scale()).max().unwrap_or(0);
    values
        .map(|v| {
            10i128
                .checked_pow(scale - v.scale())
                .and_then(|f| v.mantissa().checked_mul(f))
        })
        .collect()
}

/// The ranking of `(id, value)` pairs already in rank order; `total` is the sum of the
/// values, added up in that order.
fn classed<I>(
    items: I,
    total: Decimal,
    cutoffs: Cutoffs,
    convention: BoundaryConvention,
) -> AbcRanking
where
    I: IntoIterator<Item = (Arc<str>, Decimal)>,
    I::IntoIter: ExactSizeIterator,
{
    let items = items.into_iter();
    let hundred = Decimal::ONE_HUNDRED;
    // Compare `cumulative * 100` with `total * cut-off` so that no division rounds the boundary.
    let a_limit = total * cutoffs.a;
    let b_limit = total * cutoffs.b;
    let mut cumulative = Decimal::ZERO;
    let mut entries = Vec::with_capacity(items.len());
    let mut non_positive = Vec::new();
    for (i, (id, value)) in items.enumerate() {
        let before = cumulative;
        cumulative += value;
        let class = if value <= Decimal::ZERO || total <= Decimal::ZERO {
            AbcClass::C
        } else {
            let (x, strict) = match convention {
                BoundaryConvention::Textbook => (cumulative * hundred, false),
                BoundaryConvention::CrossingUpper => (before * hundred, true),
            };
            let within = |limit: Decimal| if strict { x < limit } else { x <= limit };
            if within(a_limit) {
                AbcClass::A
            } else if within(b_limit) {
                AbcClass::B
            } else {
                AbcClass::C
            }
        };
        if value <= Decimal::ZERO {
            non_positive.push(id.to_string());
        }
        entries.push(AbcEntry {
            id,
            rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
            value,
            share: share(value, total),
            cumulative_share: share(cumulative, total),
            class,
        });
    }
    AbcRanking {
        entries,
        total,
        non_positive,
        by_id: std::sync::OnceLock::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A decimal from a literal string, for tests.
    fn d(s: &str) -> Decimal {
        s.parse().expect("test literal")
    }

    fn cut() -> Cutoffs {
        Cutoffs {
            a: d("80"),
            b: d("95"),
        }
    }

    fn classes(r: &AbcRanking) -> String {
        r.entries
            .iter()
            .map(|e| format!("{}:{}", e.id, e.class))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn input(pairs: &[(&str, &str)]) -> Vec<(String, Decimal)> {
        pairs.iter().map(|(i, v)| (i.to_string(), d(v))).collect()
    }

    #[test]
    fn textbook_boundary_is_inclusive_of_the_object() {
        // Cumulative shares: 50, 80 (exactly on the cut-off), 90, 95 (exactly), 100.
        let r = rank(
            input(&[
                ("a", "50"),
                ("b", "30"),
                ("c", "10"),
                ("d", "5"),
                ("e", "5"),
            ]),
            cut(),
            BoundaryConvention::Textbook,
        );
        assert_eq!(classes(&r), "a:A b:A c:B d:B e:C");
    }

    #[test]
    fn textbook_object_crossing_the_cut_off_falls_to_the_lower_class() {
        // b takes the cumulative share from 50 to 85: above 80, so B.
        let r = rank(
            input(&[("a", "50"), ("b", "35"), ("c", "15")]),
            cut(),
            BoundaryConvention::Textbook,
        );
        assert_eq!(classes(&r), "a:A b:B c:C");
    }

    #[test]
    fn crossing_upper_keeps_the_crossing_object_in_the_upper_class() {
        let r = rank(
            input(&[("a", "50"), ("b", "35"), ("c", "15")]),
            cut(),
            BoundaryConvention::CrossingUpper,
        );
        // b: 50 before < 80 → A; c: 85 before < 95 → B.
        assert_eq!(classes(&r), "a:A b:A c:B");
    }

    #[test]
    fn crossing_upper_on_an_exact_boundary_moves_down() {
        // Before e: exactly 80 → not < 80 → B; before f: 95 → not < 95 → C.
        let r = rank(
            input(&[("a", "80"), ("e", "15"), ("f", "5")]),
            cut(),
            BoundaryConvention::CrossingUpper,
        );
        assert_eq!(classes(&r), "a:A e:B f:C");
    }

    #[test]
    fn a_single_dominant_object_is_b_under_textbook_but_a_under_crossing_upper() {
        let pairs = input(&[("big", "90"), ("small", "10")]);
        let t = rank(pairs.clone(), cut(), BoundaryConvention::Textbook);
        let u = rank(pairs, cut(), BoundaryConvention::CrossingUpper);
        assert_eq!(classes(&t), "big:B small:C");
        assert_eq!(classes(&u), "big:A small:B");
    }

    #[test]
    fn ties_are_ranked_by_id() {
        let r = rank(
            input(&[("z", "10"), ("b", "10"), ("m", "10"), ("a", "70")]),
            cut(),
            BoundaryConvention::Textbook,
        );
        let ids: Vec<_> = r.entries.iter().map(|e| &*e.id).collect();
        assert_eq!(ids, ["a", "b", "m", "z"]);
        // a 70, b 80 → A; m 90 → B; z 100 → C.
        assert_eq!(classes(&r), "a:A b:A m:B z:C");
    }

    #[test]
    fn zero_and_negative_values_rank_last_and_are_c() {
        let r = rank(
            input(&[("neg", "-20"), ("zero", "0"), ("x", "100"), ("y", "20")]),
            cut(),
            BoundaryConvention::CrossingUpper,
        );
        assert_eq!(classes(&r), "x:A y:C zero:C neg:C");
        assert_eq!(r.non_positive, ["zero", "neg"]);
        assert_eq!(r.total, d("100"));
        // Shares are of the net total: x alone is 100 %, y takes the running sum to 120 %.
        assert_eq!(r.entries[0].share, d("1"));
        assert_eq!(r.entries[1].cumulative_share, d("1.2"));
        assert_eq!(r.entries[3].cumulative_share, d("1"));
    }

    #[test]
    fn a_non_positive_total_makes_everything_c_with_zero_shares() {
        let r = rank(
            input(&[("a", "10"), ("b", "-30")]),
            cut(),
            BoundaryConvention::Textbook,
        );
        assert_eq!(classes(&r), "a:C b:C");
        assert!(r.entries.iter().all(|e| e.share.is_zero()));
    }

    #[test]
    fn empty_input_gives_an_empty_ranking() {
        let r = rank(Vec::new(), cut(), BoundaryConvention::Textbook);
        assert!(r.entries.is_empty());
        assert_eq!(r.total, Decimal::ZERO);
    }

    #[test]
    fn shares_are_exact_fractions() {
        let r = rank(
            input(&[("a", "1"), ("b", "1"), ("c", "2")]),
            cut(),
            BoundaryConvention::Textbook,
        );
        assert_eq!(r.entries[0].share, d("0.5"));
        assert_eq!(r.entries[1].cumulative_share, d("0.75"));
    }

    proptest! {
        #[test]
        fn order_of_input_does_not_matter(
            vals in proptest::collection::vec((0u16..50, -1000i64..100_000), 0..40),
            seed in any::<u64>(),
        ) {
            let mut seen = std::collections::BTreeMap::new();
            for (id, cents) in vals {
                seen.insert(format!("S{id:03}"), Decimal::new(cents, 2));
            }
            let forward: Vec<_> = seen.clone().into_iter().collect();
            let mut shuffled = forward.clone();
            // A cheap deterministic shuffle driven by the seed.
            let n = shuffled.len();
            for i in 0..n {
                let j = ((seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64)) % n as u64) as usize;
                shuffled.swap(i, j);
            }
            for conv in [BoundaryConvention::Textbook, BoundaryConvention::CrossingUpper] {
                let a = rank(forward.clone(), cut(), conv);
                let b = rank(shuffled.clone(), cut(), conv);
                prop_assert_eq!(&a, &b);
                // The sum of values is preserved.
                let sum: Decimal = seen.values().copied().sum();
                prop_assert_eq!(a.total, sum);
                // Classes never go up along the ranked list.
                for w in a.entries.windows(2) {
                    prop_assert!(w[0].class <= w[1].class);
                }
            }
        }

        /// Sorting on integer keys gives the order of the decimals themselves, whatever
        /// their scales; values too large for the keys fall back to decimal comparisons.
        #[test]
        fn integer_keys_sort_as_the_decimals_do(
            vals in proptest::collection::vec((0u16..30, -100_000i64..100_000, 0u32..6), 0..40),
            huge in proptest::bool::ANY,
        ) {
            let mut items: Vec<(String, Decimal)> = vals
                .iter()
                .map(|(i, m, s)| (format!("x{i}"), Decimal::new(*m, *s)))
                .collect();
            if huge {
                items.push(("big".into(), Decimal::MAX));
                items.push(("tiny".into(), Decimal::new(1, 28)));
            }
            let mut expected = items.clone();
            expected.sort_by(|(ia, va), (ib, vb)| {
                (*vb > Decimal::ZERO)
                    .cmp(&(*va > Decimal::ZERO))
                    .then_with(|| vb.cmp(va))
                    .then_with(|| ia.cmp(ib))
            });
            sort_ranked(&mut items, |a, b| a.cmp(b));
            prop_assert_eq!(items, expected);
        }

        #[test]
        fn get_finds_what_a_scan_finds(
            vals in proptest::collection::vec((0u8..20, -50i64..100_000), 0..40),
            probe in 0u8..25,
        ) {
            let input: Vec<_> = vals.iter().map(|(i, v)| (format!("S{i:02}"), Decimal::new(*v, 2))).collect();
            let r = rank(input, cut(), BoundaryConvention::Textbook);
            let id = format!("S{probe:02}");
            prop_assert_eq!(r.get(&id), r.entries.iter().find(|e| *e.id == *id));
        }

        #[test]
        fn crossing_upper_never_gives_a_lower_class_than_textbook(
            vals in proptest::collection::vec(1i64..100_000, 1..30),
        ) {
            let input: Vec<_> = vals.iter().enumerate().map(|(i, v)| (format!("S{i:03}"), Decimal::new(*v, 2))).collect();
            let t = rank(input.clone(), cut(), BoundaryConvention::Textbook);
            let u = rank(input, cut(), BoundaryConvention::CrossingUpper);
            for (x, y) in t.entries.iter().zip(&u.entries) {
                prop_assert!(y.class <= x.class);
            }
        }
    }
}
