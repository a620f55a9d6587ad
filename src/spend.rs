//! The spend cube: net spend, profit and line counts per (supplier, category, item).
//!
//! Memory grows with the number of distinct (supplier, category, item) triples, never with
//! the number of ledger lines. Cubes merge, so files read separately (or parts of one file
//! read on different threads) add up to the same cube.

use rust_decimal::Decimal;
use rustc_hash::{FxBuildHasher, FxHashMap};
use serde::Serialize;
use std::hash::BuildHasher;

/// Index of an interned id.
pub type Ix = u32;

/// Adds two amounts of money exactly; the sum has the larger scale of the two, as a sum
/// written by hand has (`100 + 0.00 + 7.1 = 107.10`), whatever the order of the lines.
///
/// `Decimal`'s own `+` returns the other operand unchanged when one is zero: `200 + 0.00`
/// and `(5.00 − 5.00) + 200` are `200`, while `200 + 0.01 − 0.01` is `200.00`. A running
/// sum's scale, which the reports show, would depend on the order of the lines and on
/// whether the sum passed through zero.
///
/// Saturates instead of overflowing: the readers reject the rows that would take a
/// file's money beyond [`crate::ledger::MONEY_LIMIT`], so sums of what they read never
/// come near the limit of a `Decimal`.
#[must_use]
pub fn add_money(a: Decimal, b: Decimal) -> Decimal {
    let mut sum = a.saturating_add(b);
    let scale = a.scale().max(b.scale());
    if sum.scale() < scale {
        // Only appends zeros: the value is unchanged.
        sum.rescale(scale);
    }
    sum
}

/// Interned ids: each distinct string is stored once.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    /// Every id's text, one after the other: one allocation for all of them, where a
    /// `Box<str>` each cost about 48 bytes for an 8-byte id (104,000 ids on the 10M-row
    /// bench ledger).
    text: String,
    /// Where each id ends in `text`; it starts where the one before ends.
    ends: Vec<usize>,
    /// Indices by the id's hash: a map keyed by the string would hold every id a second
    /// time.
    index: hashbrown::HashTable<Ix>,
}

fn id_hash(id: &str) -> u64 {
    FxBuildHasher.hash_one(id)
}

/// The id at index `i` of `text` cut at `ends`.
fn id_at<'a>(text: &'a str, ends: &[usize], i: Ix) -> &'a str {
    let i = i as usize;
    let Some(&end) = ends.get(i) else {
        return "";
    };
    let start = match i {
        0 => 0,
        _ => ends.get(i - 1).copied().unwrap_or(0),
    };
    text.get(start..end).unwrap_or("")
}

impl Interner {
    /// The index of `id`, adding it when new.
    pub fn intern(&mut self, id: &str) -> Ix {
        let hash = id_hash(id);
        if let Some(i) = self.find(id, hash) {
            return i;
        }
        let Self { text, ends, index } = self;
        let i = ends.len() as Ix;
        text.push_str(id);
        ends.push(text.len());
        let (text, ends) = (&*text, &*ends);
        index.insert_unique(hash, i, |&j| id_hash(id_at(text, ends, j)));
        i
    }

    /// The index of `id`, if known.
    pub fn get(&self, id: &str) -> Option<Ix> {
        self.find(id, id_hash(id))
    }

    fn find(&self, id: &str, hash: u64) -> Option<Ix> {
        self.index.find(hash, |&i| self.name(i) == id).copied()
    }

    /// The id at an index.
    pub fn name(&self, i: Ix) -> &str {
        id_at(&self.text, &self.ends, i)
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// All ids in order of first appearance.
    pub fn iter(&self) -> impl Iterator<Item = (Ix, &str)> {
        (0..self.ends.len() as Ix).map(|i| (i, self.name(i)))
    }
}

/// What the cube holds for one (supplier, category, item).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// Net spend: purchases minus credit notes.
    pub spend: Decimal,
    /// Gross profit the purchased goods take part in.
    pub profit: Decimal,
    /// Purchase lines.
    pub lines: u64,
    /// Lines with a negative amount (credit notes).
    pub credit_lines: u64,
}

impl Cell {
    /// Adds another cell's sums into this one.
    pub fn add(&mut self, other: &Cell) {
        self.spend = add_money(self.spend, other.spend);
        self.profit = add_money(self.profit, other.profit);
        self.lines += other.lines;
        self.credit_lines += other.credit_lines;
    }
}

/// Key of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    /// Supplier index.
    pub supplier: Ix,
    /// Category index.
    pub category: Ix,
    /// Item index.
    pub item: Ix,
}

/// The aggregated ledger.
#[derive(Debug, Clone, Default)]
pub struct SpendCube {
    /// Supplier ids.
    pub suppliers: Interner,
    /// First supplier name seen per supplier index (empty when none).
    pub supplier_names: Vec<String>,
    /// Category ids.
    pub categories: Interner,
    /// Item ids.
    pub items: Interner,
    /// The cells.
    pub cells: FxHashMap<CellKey, Cell>,
    /// Whether any line carried profit.
    pub has_profit: bool,
    /// Currencies seen, sorted.
    pub currencies: Vec<String>,
    /// Earliest and latest date seen (ISO text sorts as dates).
    pub period: Option<(String, String)>,
}

/// One purchase line, as the readers hand it to the cube.
#[derive(Debug, Clone, Copy)]
pub struct PurchaseLine<'a> {
    /// Supplier id.
    pub supplier_id: &'a str,
    /// Supplier name, if the ledger has one.
    pub supplier_name: Option<&'a str>,
    /// Category id.
    pub category: &'a str,
    /// Item id.
    pub item_id: &'a str,
    /// Net line amount.
    pub amount: Decimal,
    /// Profit on the line, if given.
    pub profit: Option<Decimal>,
    /// ISO date, if given.
    pub date: Option<&'a str>,
    /// Currency code, if given.
    pub currency: Option<&'a str>,
}

impl SpendCube {
    /// Adds one purchase line.
    pub fn add(&mut self, line: &PurchaseLine<'_>) {
        let supplier = self.suppliers.intern(line.supplier_id);
        if supplier as usize == self.supplier_names.len() {
            self.supplier_names.push(String::new());
        }
        if let Some(name) = line.supplier_name
            && let Some(slot) = self.supplier_names.get_mut(supplier as usize)
            && slot.is_empty()
        {
            *slot = name.to_string();
        }
        let key = CellKey {
            supplier,
            category: self.categories.intern(line.category),
            item: self.items.intern(line.item_id),
        };
        let cell = self.cells.entry(key).or_default();
        cell.spend = add_money(cell.spend, line.amount);
        cell.lines += 1;
        if line.amount < Decimal::ZERO {
            cell.credit_lines += 1;
        }
        if let Some(p) = line.profit {
            cell.profit = add_money(cell.profit, p);
            self.has_profit = true;
        }
        if let Some(c) = line.currency
            && !c.is_empty()
            && !self.currencies.iter().any(|x| x == c)
        {
            self.currencies.push(c.to_string());
            self.currencies.sort();
        }
        if let Some(d) = line.date
            && !d.is_empty()
        {
            self.period = Some(match self.period.take() {
                None => (d.to_string(), d.to_string()),
                Some((a, b)) => (
                    if d < a.as_str() { d.to_string() } else { a },
                    if d > b.as_str() { d.to_string() } else { b },
                ),
            });
        }
    }

    /// Adds another cube into this one.
    pub fn merge(&mut self, other: SpendCube) {
        let mut sup_map = Vec::with_capacity(other.suppliers.len());
        for (i, id) in other.suppliers.iter() {
            let j = self.suppliers.intern(id);
            if j as usize == self.supplier_names.len() {
                self.supplier_names.push(String::new());
            }
            if let (Some(slot), Some(name)) = (
                self.supplier_names.get_mut(j as usize),
                other.supplier_names.get(i as usize),
            ) && slot.is_empty()
            {
                slot.clone_from(name);
            }
            sup_map.push(j);
        }
        let cat_map: Vec<Ix> = other
            .categories
            .iter()
            .map(|(_, id)| self.categories.intern(id))
            .collect();
        let item_map: Vec<Ix> = other
            .items
            .iter()
            .map(|(_, id)| self.items.intern(id))
            .collect();
        for (k, c) in other.cells {
            let key = CellKey {
                supplier: sup_map[k.supplier as usize],
                category: cat_map[k.category as usize],
                item: item_map[k.item as usize],
            };
            self.cells.entry(key).or_default().add(&c);
        }
        self.has_profit |= other.has_profit;
        for c in other.currencies {
            if !self.currencies.contains(&c) {
                self.currencies.push(c);
            }
        }
        self.currencies.sort();
        if let Some((a, b)) = other.period {
            self.period = Some(match self.period.take() {
                None => (a, b),
                Some((x, y)) => (a.min(x), b.max(y)),
            });
        }
    }

    /// Total net spend.
    pub fn total_spend(&self) -> Decimal {
        self.cells
            .values()
            .fold(Decimal::ZERO, |t, c| add_money(t, c.spend))
    }

    /// Total profit.
    pub fn total_profit(&self) -> Decimal {
        self.cells
            .values()
            .fold(Decimal::ZERO, |t, c| add_money(t, c.profit))
    }

    /// Number of purchase lines added.
    pub fn lines(&self) -> u64 {
        self.cells.values().map(|c| c.lines).sum()
    }

    /// Sums cells by a key function, e.g. per supplier or per (supplier, category).
    pub fn sum_by<K: Ord + Clone>(
        &self,
        key: impl Fn(&CellKey) -> K,
    ) -> std::collections::BTreeMap<K, Cell> {
        let mut out = std::collections::BTreeMap::new();
        for (k, c) in &self.cells {
            out.entry(key(k)).or_insert_with(Cell::default).add(c);
        }
        out
    }

    /// Replaces the profit of every cell: `profit(key)` gives a cell's new profit.
    pub fn set_profit(&mut self, profit: impl Fn(&CellKey, &Cell) -> Decimal) {
        for (k, c) in self.cells.iter_mut() {
            c.profit = profit(k, c);
        }
        self.has_profit = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_sums_keep_the_larger_scale_whatever_the_order() {
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        let sum = |xs: &[&str]| xs.iter().fold(Decimal::ZERO, |t, x| add_money(t, d(x)));
        // `Decimal`'s `+` gives `207.1` for the first (the zero is dropped with its
        // scale) and `3` for the third (the sum passed through zero).
        assert_eq!(sum(&["100", "100", "0.00", "7.1"]).to_string(), "207.10");
        assert_eq!(sum(&["0.00", "7.1", "100", "100"]).to_string(), "207.10");
        assert_eq!(sum(&["5.00", "-5.00", "3"]).to_string(), "3.00");
        assert_eq!(sum(&["3", "5.00", "-5.00"]).to_string(), "3.00");
        assert_eq!(sum(&["0", "0"]).to_string(), "0");
        assert_eq!(add_money(Decimal::MAX, Decimal::ONE), Decimal::MAX);
    }

    proptest::proptest! {
        /// The sum of amounts, its scale included, does not depend on their order.
        #[test]
        fn money_sums_do_not_depend_on_the_order(
            cents in proptest::collection::vec((-300i64..300, 0u32..4), 0..12),
            rotate in 0usize..12,
        ) {
            let xs: Vec<Decimal> = cents.iter().map(|&(c, s)| Decimal::new(c, s)).collect();
            let sum = |xs: &[Decimal]| xs.iter().fold(Decimal::ZERO, |t, x| add_money(t, *x));
            let mut other = xs.clone();
            other.reverse();
            let by = rotate.min(other.len());
            other.rotate_left(by);
            let a = sum(&xs);
            proptest::prop_assert_eq!(a.to_string(), sum(&other).to_string());
            proptest::prop_assert_eq!(a, xs.iter().copied().sum::<Decimal>());
            proptest::prop_assert_eq!(a.scale(), xs.iter().map(Decimal::scale).max().unwrap_or(0));
        }
    }

    #[test]
    fn interner_keeps_first_appearance_order_and_finds_every_id_after_growing() {
        let mut i = Interner::default();
        let ids: Vec<String> = (0..5_000).map(|n| format!("S{n:05}")).collect();
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(i.intern(id), n as Ix);
        }
        // Again, in another order: the same indices, nothing added.
        for (n, id) in ids.iter().enumerate().rev() {
            assert_eq!(i.intern(id), n as Ix);
            assert_eq!(i.get(id), Some(n as Ix));
        }
        assert_eq!(i.len(), ids.len());
        assert_eq!(i.get("S5000"), None);
        assert_eq!(i.get(""), None);
        assert_eq!(i.name(42), "S00042");
        assert_eq!(i.name(5_000), "");
        let back: Vec<&str> = i.iter().map(|(_, s)| s).collect();
        assert_eq!(back, ids.iter().map(String::as_str).collect::<Vec<_>>());
        // The empty id and ids differing in case are ids of their own.
        assert_eq!(i.intern(""), 5_000);
        assert_eq!(i.intern("s00001"), 5_001);
        assert_eq!(i.get("S00001"), Some(1));
    }

    fn line<'a>(s: &'a str, c: &'a str, amount: i64) -> PurchaseLine<'a> {
        PurchaseLine {
            supplier_id: s,
            supplier_name: Some("Name"),
            category: c,
            item_id: "i",
            amount: Decimal::new(amount, 2),
            profit: None,
            date: Some("2025-01-02"),
            currency: Some("EUR"),
        }
    }

    #[test]
    fn merging_two_halves_gives_the_whole() {
        let lines = [
            line("a", "x", 100),
            line("b", "x", 250),
            line("a", "y", -30),
            line("c", "y", 5),
        ];
        let mut whole = SpendCube::default();
        lines.iter().for_each(|l| whole.add(l));
        let mut h1 = SpendCube::default();
        let mut h2 = SpendCube::default();
        lines[..2].iter().for_each(|l| h1.add(l));
        lines[2..].iter().for_each(|l| h2.add(l));
        h2.merge(h1);
        let per_supplier = |c: &SpendCube| {
            c.sum_by(|k| c.suppliers.name(k.supplier).to_string())
                .into_iter()
                .map(|(k, v)| (k, v.spend, v.lines))
                .collect::<Vec<_>>()
        };
        assert_eq!(per_supplier(&whole), per_supplier(&h2));
        assert_eq!(whole.total_spend(), h2.total_spend());
        assert_eq!(whole.total_spend(), Decimal::new(325, 2));
    }
}
