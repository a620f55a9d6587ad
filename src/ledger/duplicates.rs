//! Exact duplicate lines within one order, found in memory that does not grow with the file.
//!
//! A line that repeats an earlier line of the same order cell for cell is worth a look (a
//! line keyed twice, an order exported twice) but may be real (the same item on two lines),
//! so it is kept and reported. Looking across the whole file would mean remembering every
//! line; an ERP export lists an order's lines together, so each line is compared with the
//! lines before it in its order only: consecutive data lines with the same order id, or,
//! in a ledger without an order-id column, with the same supplier id and date. Both
//! readers (the general one and the fast path) use this one definition, so their reports
//! agree.

/// A line is compared with at most this many earlier lines of its order (the first ones):
/// an order is rarely longer, and the bound keeps memory flat whatever the file holds.
pub(crate) const ORDER_LINES_COMPARED: usize = 1_000;

/// How many entries of each per-row list a [`super::FileReport`] keeps (skipped and
/// rejected rows, warnings, duplicate groups): the first ones in file order. The counts
/// cover every row; the lists are examples, so that memory does not grow with the file.
pub const LISTED: usize = 1_000;

/// The group of a line whose group is counted but not listed.
const NOT_LISTED: usize = usize::MAX;

/// Finds exact duplicate lines order by order. `T` is what a reader keeps of a line to
/// compare it with later ones.
#[derive(Debug)]
pub(crate) struct OrderDuplicates<T> {
    /// The current order's key; `None` before the first line.
    key: Option<Vec<u8>>,
    /// The current order's first lines: what is compared, the line number, and the index
    /// in `groups_now` of the group the line starts.
    lines: Vec<(T, u64, Option<usize>)>,
    /// Groups of the current order: line numbers, the first line first.
    groups_now: Vec<Vec<u64>>,
    /// The first [`LISTED`] groups of the orders before, in file order.
    listed: Vec<Vec<u64>>,
    /// Groups found.
    groups: u64,
    /// Lines repeating an earlier line.
    repeats: u64,
    /// The marks of the current order's kept lines, one bit each ([`mark_bit`]): a line
    /// whose bit is clear has no twin among them and is compared with none. Most lines of
    /// an order differ from all the others, so most lines are settled by this one test.
    marks: u64,
}

/// The bit of `marks` a line's mark sets.
#[inline]
fn mark_bit(mark: u64) -> u64 {
    1 << (mark % 64)
}

/// What a reader learns from [`OrderDuplicates::finish`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Found {
    /// The first [`LISTED`] groups of identical lines (line numbers), in file order.
    pub listed: Vec<Vec<u64>>,
    /// Groups in all.
    pub groups: u64,
    /// Lines that repeat an earlier line, in all.
    pub repeats: u64,
}

impl<T> Default for OrderDuplicates<T> {
    fn default() -> Self {
        Self {
            key: None,
            lines: Vec::new(),
            groups_now: Vec::new(),
            listed: Vec::new(),
            groups: 0,
            repeats: 0,
            marks: 0,
        }
    }
}

impl<T> OrderDuplicates<T> {
    /// Whether `key` is the current order's key.
    #[inline]
    pub fn same_order(&self, key: &[u8]) -> bool {
        self.key.as_deref() == Some(key)
    }

    /// Starts the order `key` unless it is the current one. Returns whether a new order
    /// began (the lines of the one before are no longer compared).
    #[inline]
    pub fn order(&mut self, key: &[u8]) -> bool {
        if self.same_order(key) {
            return false;
        }
        self.new_order(key);
        true
    }

    /// Starts the order `key`, which the caller knows is not the current one (the fast
    /// path compares order ids packed in integers first: a new order every three lines
    /// on the bench ledgers, and two calls to `memcmp` each).
    #[inline]
    pub fn new_order(&mut self, key: &[u8]) {
        debug_assert!(!self.same_order(key));
        self.close();
        match &mut self.key {
            Some(k) => {
                k.clear();
                k.extend_from_slice(key);
            }
            None => self.key = Some(key.to_vec()),
        }
    }

    /// Adds a line of the current order: `is_same(earlier)` says whether an earlier kept
    /// line is identical to it, and `keep()` gives what to keep of it when it is new and
    /// the order has room. The line is compared once and nothing is built for a repeat.
    /// `mark` is any number that identical lines share (a length, a hash): lines with
    /// different marks are not compared.
    pub fn add(
        &mut self,
        number: u64,
        mark: u64,
        is_same: impl Fn(&T) -> bool,
        keep: impl FnOnce() -> T,
    ) {
        if !self.repeat(number, mark, is_same) && self.has_room() {
            self.keep(keep(), number, mark);
        }
    }

    /// Records line `number` (with `mark`, as in [`Self::add`]) as a repeat when
    /// `is_same` finds its twin among the kept lines; says whether it did.
    #[inline]
    pub fn repeat(&mut self, number: u64, mark: u64, is_same: impl Fn(&T) -> bool) -> bool {
        if self.marks & mark_bit(mark) == 0 {
            return false;
        }
        self.repeat_among(number, is_same)
    }

    /// [`Self::repeat`] once the marks let a twin be among the kept lines.
    fn repeat_among(&mut self, number: u64, is_same: impl Fn(&T) -> bool) -> bool {
        let Some(i) = self.lines.iter().position(|(t, _, _)| is_same(t)) else {
            return false;
        };
        self.repeats += 1;
        let (_, first, group) = &mut self.lines[i];
        match *group {
            // `NOT_LISTED` has no entry: the group is only counted.
            Some(g) => {
                if let Some(lines) = self.groups_now.get_mut(g) {
                    lines.push(number);
                }
            }
            None => {
                self.groups += 1;
                // Once the list is full no group joins it, so none is built: on a big
                // ledger with many repeats, building each took an allocation per group.
                if self.listed.len() < LISTED {
                    *group = Some(self.groups_now.len());
                    self.groups_now.push(vec![*first, number]);
                } else {
                    *group = Some(NOT_LISTED);
                }
            }
        }
        true
    }

    /// Whether the current order keeps another line to compare the next ones with.
    pub fn has_room(&self) -> bool {
        self.lines.len() < ORDER_LINES_COMPARED
    }

    /// Keeps a new line of the current order (after [`Self::repeat`] found no twin and
    /// [`Self::has_room`] said yes).
    pub fn keep(&mut self, line: T, number: u64, mark: u64) {
        if self.has_room() {
            self.lines.push((line, number, None));
            self.marks |= mark_bit(mark);
        }
    }

    /// The current order's kept lines, to update where their bytes are.
    pub fn kept_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.lines.iter_mut().map(|(t, _, _)| t)
    }

    /// The current order's lines as kept.
    #[cfg(test)]
    fn kept(&self) -> impl Iterator<Item = &T> {
        self.lines.iter().map(|(t, _, _)| t)
    }

    /// Ends the current order: its groups, by first line, join the list.
    fn close(&mut self) {
        self.groups_now.sort_unstable();
        for g in self.groups_now.drain(..) {
            if self.listed.len() < LISTED {
                self.listed.push(g);
            }
        }
        self.lines.clear();
        self.marks = 0;
    }

    /// Ends the last order and gives what was found.
    pub fn finish(mut self) -> Found {
        self.close();
        Found {
            listed: self.listed,
            groups: self.groups,
            repeats: self.repeats,
        }
    }
}

/// The key of a line's order: its order id, or without an order-id column its supplier id
/// and date (the byte 0xFF, which UTF-8 text never holds, between them).
pub(crate) fn order_key(out: &mut Vec<u8>, order_id: Option<&[u8]>, supplier: &[u8], date: &[u8]) {
    out.clear();
    match order_id {
        Some(o) => out.extend_from_slice(o),
        None => {
            out.extend_from_slice(supplier);
            out.push(0xFF);
            out.extend_from_slice(date);
        }
    }
}

/// Pushes `item` onto a per-row list unless it already holds [`LISTED`] entries.
#[inline]
pub(crate) fn push_listed<T>(list: &mut Vec<T>, item: T) {
    if list.len() < LISTED {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(orders: &[(&str, &str)]) -> Found {
        let mut d = OrderDuplicates::default();
        for (i, (order, line)) in orders.iter().enumerate() {
            d.order(order.as_bytes());
            let mark = line.len() as u64;
            d.add(
                i as u64 + 1,
                mark,
                |k: &String| k == line,
                || line.to_string(),
            );
        }
        d.finish()
    }

    #[test]
    fn repeats_within_an_order_are_grouped_by_first_line() {
        let f = run(&[
            ("o1", "a"),
            ("o1", "b"),
            ("o1", "b"),
            ("o1", "a"),
            ("o1", "a"),
            ("o2", "a"),
        ]);
        assert_eq!(f.listed, vec![vec![1, 4, 5], vec![2, 3]]);
        assert_eq!((f.groups, f.repeats), (2, 3));
    }

    #[test]
    fn lines_of_different_orders_are_not_compared() {
        // The same line in two orders (or the same order id twice, apart) is not a repeat:
        // only the lines listed together are compared.
        let f = run(&[("o1", "a"), ("o2", "a"), ("o1", "a")]);
        assert_eq!(f, Found::default());
    }

    #[test]
    fn memory_is_bounded_by_the_lines_compared_per_order() {
        let mut d = OrderDuplicates::default();
        d.order(b"o");
        for i in 0..(ORDER_LINES_COMPARED as u64 + 10) {
            d.add(i + 1, i, |k| *k == i, || i);
        }
        assert_eq!(d.kept().count(), ORDER_LINES_COMPARED);
        // A repeat of a line beyond the first ones compared is not seen.
        let late = ORDER_LINES_COMPARED as u64 + 5;
        assert!(!d.repeat(99_999, late, |k| *k == late));
        assert_eq!(d.finish().repeats, 0);
    }

    #[test]
    fn the_list_keeps_the_first_groups_and_counts_all() {
        let mut d = OrderDuplicates::default();
        for o in 0..(LISTED as u64 + 5) {
            d.order(&o.to_le_bytes());
            d.add(2 * o + 1, 0, |k| *k == "x", || "x");
            d.add(2 * o + 2, 0, |k| *k == "x", || "x");
        }
        let f = d.finish();
        assert_eq!(f.listed.len(), LISTED);
        assert_eq!(f.listed[0], vec![1, 2]);
        assert_eq!(
            (f.groups, f.repeats),
            (LISTED as u64 + 5, LISTED as u64 + 5)
        );
    }

    #[test]
    fn a_line_is_compared_only_when_a_kept_line_shares_its_mark_bit() {
        let compared = std::cell::Cell::new(0);
        let mut d = OrderDuplicates::default();
        let add = |d: &mut OrderDuplicates<&str>, n: u64, line: &'static str| {
            let same = |k: &&str| {
                compared.set(compared.get() + 1);
                *k == line
            };
            d.add(n, line.len() as u64, same, || line);
        };
        d.order(b"o1");
        add(&mut d, 1, "a");
        add(&mut d, 2, "bb");
        assert_eq!(compared.get(), 0, "no kept line had either mark");
        add(&mut d, 3, "cc");
        assert_eq!(
            compared.get(),
            2,
            "`bb` has its mark: compared with `a` and `bb`"
        );
        add(&mut d, 4, "bb");
        assert_eq!(compared.get(), 4, "with `a`, then `bb`, its twin");
        add(&mut d, 5, "ddd");
        assert_eq!(compared.get(), 4, "no kept line has mark 3");
        // Marks 1 and 65 share a bit: a shared bit only costs the comparisons.
        let long: &'static str = "x".repeat(65).leak();
        add(&mut d, 6, long);
        assert_eq!(compared.get(), 8);
        // A new order forgets the marks.
        d.order(b"o2");
        add(&mut d, 7, "a");
        assert_eq!(compared.get(), 8);
        let f = d.finish();
        assert_eq!(f.listed, vec![vec![2, 4]]);
        assert_eq!((f.groups, f.repeats), (1, 1));
    }

    #[test]
    fn the_order_key_without_an_order_id_is_supplier_and_date() {
        let mut k = Vec::new();
        order_key(&mut k, None, b"S1", b"2025-01-01");
        assert_eq!(k, b"S1\xFF2025-01-01");
        order_key(&mut k, Some(b"PO1"), b"S1", b"2025-01-01");
        assert_eq!(k, b"PO1");
    }
}
