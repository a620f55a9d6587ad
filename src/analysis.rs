//! The analysis: from the spend cube, the rules and the profiles to ABC classes, the
//! relationship type of every supplier with its explanation, and the advice.

use crate::abc::{self, AbcClass, AbcEntry, AbcRanking};
use crate::advise::{self, Advice};
use crate::classify::{self, Classification, ClassifyError, Facts};
use crate::profiles::{Layer, Profiles};
use crate::relationship::RelationshipType;
use crate::rules::expr::Value;
use crate::rules::{ExceptionScope, RuleSet};
use crate::spend::{Cell, CellKey, Interner, Ix, SpendCube};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The objects an ABC analysis can rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Dimension {
    /// Per supplier.
    #[default]
    Supplier,
    /// Per category.
    Category,
    /// Per item.
    Item,
}

/// A finding worth a buyer's attention (a warning), with a stable id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct Finding {
    /// Stable kebab-case id of the kind of finding.
    pub id: String,
    /// The supplier, category or item it is about.
    pub subject: String,
    /// What was found, in words.
    pub message: String,
}

/// ABC classes of one object on both measures. Its id is the spend entry's
/// ([`AbcResult::id`]), serialized first as when it was a field of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbcResult {
    /// Spend ranking entry.
    pub spend: AbcEntry,
    /// Profit ranking entry, when the ledger has profit (boxed: most ledgers have none,
    /// and an empty slot then costs a pointer, not an entry, per object).
    pub profit: Option<Box<AbcEntry>>,
}

impl Serialize for AbcResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("AbcResult", 3)?;
        st.serialize_field("id", &self.spend.id)?;
        st.serialize_field("spend", &self.spend)?;
        st.serialize_field("profit", &self.profit)?;
        st.end()
    }
}

impl AbcResult {
    /// The object's id (the spend entry's, shared).
    pub fn id(&self) -> &Arc<str> {
        &self.spend.id
    }

    /// The combined spend×profit cell, e.g. `AB`; `A-` without profit data.
    pub fn cell(&self) -> AbcCell {
        let letter = |c: AbcClass| c.letter() as u8;
        AbcCell([
            letter(self.spend.class),
            self.profit.as_ref().map_or(b'-', |p| letter(p.class)),
        ])
    }
}

/// The combined spend×profit cell of an object, e.g. `AB`; `A-` without profit data: two
/// letters kept inline (one cell per supplier on big ledgers, where a `String` each cost
/// an allocation), read as a `str` and serialized as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AbcCell([u8; 2]);

impl AbcCell {
    /// The two letters.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters or `-` (see `AbcResult::cell`).
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl std::ops::Deref for AbcCell {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for AbcCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<AbcCell> for String {
    fn from(c: AbcCell) -> String {
        c.as_str().to_string()
    }
}

impl From<&AbcCell> for String {
    fn from(c: &AbcCell) -> String {
        c.as_str().to_string()
    }
}

impl Serialize for AbcCell {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One (supplier, category) pair. Its ids are the supplier's and the category's own,
/// shared (`Arc`): a big ledger has tens of thousands of pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairResult {
    /// Supplier id.
    pub supplier_id: Arc<str>,
    /// Category id.
    pub category: Arc<str>,
    /// Net spend with the supplier in the category.
    pub spend: Decimal,
    /// Profit allocated to the pair.
    pub profit: Decimal,
    /// The supplier's share of the category's spend, a fraction.
    pub share_in_category: Decimal,
    /// The category's share of our spend with the supplier, a fraction.
    pub share_of_supplier_spend: Decimal,
    /// Purchase lines.
    pub lines: u64,
    /// The classification with its trace, shared with the pairs whose classification
    /// cannot differ (the same category's facts, no profile of their own).
    pub classification: Arc<Classification>,
}

/// One supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierResult {
    /// Supplier id.
    pub id: String,
    /// Name from the ledger (or the profiles).
    pub name: String,
    /// ABC classes.
    pub abc: AbcResult,
    /// The combined spend×profit cell.
    pub abc_cell: AbcCell,
    /// The relationship type.
    pub relationship_type: RelationshipType,
    /// The categories whose type decided the supplier's type.
    pub decided_by_categories: Vec<Arc<str>>,
    /// Supplier-level exceptions that applied.
    pub exceptions: Vec<classify::AppliedException>,
    /// Type before supplier-level exceptions.
    pub type_from_categories: RelationshipType,
    /// The supplier's categories, by spend descending.
    pub categories: Vec<PairResult>,
}

/// One category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryResult {
    /// Category id.
    pub id: String,
    /// Name from the profiles, if any.
    pub name: String,
    /// ABC classes.
    pub abc: AbcResult,
    /// The category's own classification (category facts only).
    pub classification: Classification,
    /// Suppliers (their ids shared with the supplier results) and their spend in the
    /// category, by spend descending, ties by id.
    pub suppliers: Vec<(Arc<str>, Decimal)>,
}

/// One item. Its id is its ABC entries' ([`ItemResult::id`]), serialized first as when
/// it was a field of its own: a big ledger has tens of thousands of items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    /// ABC classes.
    pub abc: AbcResult,
    /// Number of suppliers it was bought from.
    pub suppliers: usize,
}

impl ItemResult {
    /// The item id (shared with the ABC entries).
    pub fn id(&self) -> &Arc<str> {
        self.abc.id()
    }
}

impl Serialize for ItemResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("ItemResult", 3)?;
        st.serialize_field("id", self.id())?;
        st.serialize_field("abc", &self.abc)?;
        st.serialize_field("suppliers", &self.suppliers)?;
        st.end()
    }
}

/// Totals and provenance of an analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Where the rules came from.
    pub rules: String,
    /// Where the profiles came from (empty when none).
    pub profiles: String,
    /// ABC cut-offs, percent.
    pub a_cutoff: Decimal,
    /// ABC cut-offs, percent.
    pub b_cutoff: Decimal,
    /// The boundary convention id.
    pub boundary: String,
    /// The one currency of the ledger, when it says.
    pub currency: Option<String>,
    /// First and last date in the ledger.
    pub period: Option<(String, String)>,
    /// Purchase lines aggregated.
    pub lines: u64,
    /// Total net spend.
    pub total_spend: Decimal,
    /// Total profit, when the ledger has profit.
    pub total_profit: Option<Decimal>,
    /// Counts.
    pub suppliers: usize,
    /// Counts.
    pub categories: usize,
    /// Counts.
    pub items: usize,
    /// Suppliers per type, least to most cooperative.
    pub suppliers_per_type: BTreeMap<RelationshipType, usize>,
    /// Suppliers per spend class.
    pub suppliers_per_spend_class: BTreeMap<AbcClass, usize>,
    /// What every output must say first (a lenient run that left rows out, currencies
    /// converted); empty for a plain run. The report writers put it at the top.
    #[serde(skip)]
    pub notices: Vec<String>,
}

/// Everything an analysis found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// Totals and provenance.
    pub summary: Summary,
    /// Suppliers in spend rank order.
    pub suppliers: Vec<SupplierResult>,
    /// Categories in spend rank order.
    pub categories: Vec<CategoryResult>,
    /// Items in spend rank order.
    pub items: Vec<ItemResult>,
    /// The advice.
    pub advice: Advice,
    /// Warnings, sorted by id then subject.
    pub findings: Vec<Finding>,
}

impl Analysis {
    /// A supplier by id.
    pub fn supplier(&self, id: &str) -> Option<&SupplierResult> {
        self.suppliers.iter().find(|s| s.id == id)
    }
}

/// Why an analysis could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A rule's condition failed to evaluate.
    #[error(transparent)]
    Classify(#[from] ClassifyError),
}

/// The spend and profit rankings of one kind of object, by interned index.
struct Rankings {
    spend: AbcRanking,
    /// The interned index of each spend entry, in rank order.
    order: Vec<Ix>,
    profit: Option<AbcRanking>,
    /// The interned index of each profit entry, in rank order.
    profit_order: Vec<Ix>,
}

impl Rankings {
    /// Ranks the objects of `ids` that have a sum in `sums` (indexed like `ids`).
    fn new(rules: &RuleSet, ids: &Interner, sums: &[Option<Cell>], has_profit: bool) -> Self {
        let values = |f: fn(&Cell) -> Decimal| -> Vec<(Ix, Decimal)> {
            sums.iter()
                .enumerate()
                .filter_map(|(i, c)| c.as_ref().map(|c| (i as Ix, f(c))))
                .collect()
        };
        let rank = |v| abc::rank_keyed(v, |i| ids.name(i), rules.cutoffs, rules.boundary);
        let (spend, order) = rank(values(|c| c.spend));
        let (profit, profit_order) = if has_profit {
            let (p, o) = rank(values(|c| c.profit));
            (Some(p), o)
        } else {
            (None, Vec::new())
        };
        Rankings {
            spend,
            order,
            profit,
            profit_order,
        }
    }

    /// The class of each index on each measure (`None` where not ranked): lookups by index
    /// instead of by id.
    fn classes(&self, n: usize) -> (Vec<Option<AbcClass>>, Vec<Option<AbcClass>>) {
        let by_index = |r: Option<&AbcRanking>, order: &[Ix]| {
            let mut v = vec![None; n];
            for (e, &i) in r
                .map(|r| r.entries.as_slice())
                .unwrap_or(&[])
                .iter()
                .zip(order)
            {
                if let Some(slot) = v.get_mut(i as usize) {
                    *slot = Some(e.class);
                }
            }
            v
        };
        (
            by_index(Some(&self.spend), &self.order),
            by_index(self.profit.as_ref(), &self.profit_order),
        )
    }

    /// The results in spend rank order with the interned index of each, moving the entries
    /// instead of cloning them.
    fn into_results(self, n: usize) -> Vec<(Ix, AbcResult)> {
        let mut profit: Vec<Option<Box<AbcEntry>>> = Vec::new();
        if let Some(p) = self.profit {
            profit.resize_with(n, || None);
            for (e, i) in p.entries.into_iter().zip(self.profit_order) {
                if let Some(slot) = profit.get_mut(i as usize) {
                    *slot = Some(Box::new(e));
                }
            }
        }
        self.spend
            .entries
            .into_iter()
            .zip(self.order)
            .map(|(e, i)| {
                (
                    i,
                    AbcResult {
                        profit: profit.get_mut(i as usize).and_then(Option::take),
                        spend: e,
                    },
                )
            })
            .collect()
    }
}

/// Data facts that differ from one pair of a category to the next: a pair classification
/// whose conditions read none of them is the same for every pair of the category (unless
/// the supplier has a profile), so it is made once per category and shared.
const PAIR_DATA_FACTS: [&str; 7] = [
    "supplier-spend",
    "supplier-spend-class",
    "supplier-profit-class",
    "supplier-categories",
    "pair-spend",
    "share-in-category",
    "share-of-supplier-spend",
];

/// Data facts of a supplier (besides `has-profit-data`, the same for all): supplier-level
/// exceptions that read none of them depend only on the deciding pair's criteria and the
/// type, for a supplier without a profile.
const SUPPLIER_DATA_FACTS: [&str; 3] = [
    "supplier-spend",
    "supplier-spend-class",
    "supplier-categories",
];

/// Whether any condition of the pair classification (derivations and pair exceptions), or
/// of the supplier exceptions when `supplier` is set, reads one of `names`.
fn reads_any(rules: &RuleSet, supplier: bool, names: &[&str]) -> bool {
    let scope = if supplier {
        ExceptionScope::Supplier
    } else {
        ExceptionScope::Pair
    };
    let derived = rules
        .criteria
        .iter()
        .filter(|_| !supplier)
        .flat_map(|c| c.derive.iter().map(|d| &d.when));
    let excepted = rules
        .exceptions
        .iter()
        .filter(|x| x.scope == scope)
        .map(|x| &x.when);
    derived
        .chain(excepted)
        .any(|e| e.names().iter().any(|(n, _)| names.contains(n)))
}

/// Sums of the cells by one interned index: one pass over the cells, no strings.
fn sums_by(cells: &CellMap, n: usize, ix: fn(&CellKey) -> usize) -> Vec<Option<Cell>> {
    let mut sums: Vec<Option<Cell>> = vec![None; n];
    for (k, c) in cells {
        if let Some(slot) = sums.get_mut(ix(k)) {
            slot.get_or_insert_with(Cell::default).add(c);
        }
    }
    sums
}

/// The items in spend rank order. Independent of everything else the analysis makes, so
/// it runs beside the classification on big ledgers.
fn item_results(cube: &SpendCube, cells: Cells<'_>, rules: &RuleSet) -> Vec<ItemResult> {
    let n = cube.items.len();
    let sums = sums_by(&cells, n, |k| k.item as usize);
    // Distinct suppliers per item, by index: sort the (item, supplier) pairs of the cells
    // and count the distinct ones.
    let mut item_supplier: Vec<(Ix, Ix)> = cells.keys().map(|k| (k.item, k.supplier)).collect();
    drop(cells);
    let rank = Rankings::new(rules, &cube.items, &sums, cube.has_profit);
    drop(sums);
    item_supplier.sort_unstable();
    item_supplier.dedup();
    let mut suppliers_per_item = vec![0usize; n];
    for (i, _) in &item_supplier {
        if let Some(c) = suppliers_per_item.get_mut(*i as usize) {
            *c += 1;
        }
    }
    drop(item_supplier);
    rank.into_results(n)
        .into_iter()
        .map(|(i, r)| ItemResult {
            suppliers: suppliers_per_item.get(i as usize).copied().unwrap_or(0),
            abc: r,
        })
        .collect()
}

/// The cells of a cube.
type CellMap = rustc_hash::FxHashMap<CellKey, Cell>;

/// The cube's cells as the analysis' two threads hold them: borrowed from a cube the
/// caller keeps, or shared, and let go by each thread once it has summed them. The cells
/// are most of a big cube (9 MB of the 12.5 MB of the 10M-row bench ledger's), and the
/// advice, where the analysis peaks, does not need them.
#[derive(Clone)]
enum Cells<'a> {
    Borrowed(&'a CellMap),
    Shared(Arc<CellMap>),
}

impl std::ops::Deref for Cells<'_> {
    type Target = CellMap;

    fn deref(&self) -> &CellMap {
        match self {
            Cells::Borrowed(c) => c,
            Cells::Shared(c) => c,
        }
    }
}

/// Items from this many on are ranked on a thread of their own.
const ITEMS_ON_A_THREAD: usize = 4096;

/// Runs ABC, classification and advice over a spend cube.
pub fn analyze(
    cube: &SpendCube,
    rules: &RuleSet,
    profiles: &Profiles,
) -> Result<Analysis, AnalysisError> {
    analyze_sharing(cube, rules, profiles, true)
}

/// [`analyze`]; with `share` false every classification is made on its own (the tests
/// check that sharing changes nothing).
fn analyze_sharing(
    cube: &SpendCube,
    rules: &RuleSet,
    profiles: &Profiles,
    share: bool,
) -> Result<Analysis, AnalysisError> {
    let cells = Cells::Borrowed(&cube.cells);
    analyze_beside(cube, cells, rules, profiles, share, || ())
        .0
        .map(|(c, items)| c.advised(rules, profiles, items))
}

/// [`analyze`], with `beside` run while the items are ranked (after the classification,
/// before the advice), and its result. This is how the pipeline makes its
/// supplier-identity findings: beside the analysis, but not as a third thread on a
/// two-core machine, and done (with the identities they free) before the advice, where
/// the analysis peaks.
///
/// The cube is taken, and its cells freed once they are summed.
pub(crate) fn analyze_with<T: Send>(
    mut cube: SpendCube,
    rules: &RuleSet,
    profiles: &Profiles,
    beside: impl FnOnce() -> T + Send,
) -> (Result<Analysis, AnalysisError>, T) {
    let cells = Cells::Shared(Arc::new(std::mem::take(&mut cube.cells)));
    let (classified, besides) = analyze_beside(&cube, cells, rules, profiles, true, beside);
    // The rest of the cube (the ids, about 4 MB at 10M rows) goes before the advice too.
    drop(cube);
    (
        classified.map(|(c, items)| c.advised(rules, profiles, items)),
        besides,
    )
}

/// The analysis but for the advice, with `beside` run while the items are ranked; `cube`'s
/// cells are `cells` (`cube.cells` itself may have been taken out).
fn analyze_beside<T: Send>(
    cube: &SpendCube,
    cells: Cells<'_>,
    rules: &RuleSet,
    profiles: &Profiles,
    share: bool,
    beside: impl FnOnce() -> T + Send,
) -> (Result<(Classified, Vec<ItemResult>), AnalysisError>, T) {
    if cube.items.len() < ITEMS_ON_A_THREAD {
        let besides = beside();
        // Items first, and their intermediate data dropped: this keeps the peak down.
        let items = item_results(cube, cells.clone(), rules);
        let a = analyze_without_items(cube, cells, rules, profiles, share).map(|c| (c, items));
        return (a, besides);
    }
    // The classification and the items' ranking take about as long as each other, but
    // either may finish first (on the 10M bench ledger the ranking mostly does): `beside`
    // is run by whichever thread is done first, while the other finishes.
    let beside = Mutex::new(Some(beside));
    let besides = Mutex::new(None);
    let run_beside = || {
        let once = beside.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(f) = once {
            *besides.lock().unwrap_or_else(PoisonError::into_inner) = Some(f());
        }
    };
    let classified = std::thread::scope(|scope| {
        let item_cells = cells.clone();
        let items = scope.spawn(|| {
            let items = item_results(cube, item_cells, rules);
            run_beside();
            items
        });
        let classified = analyze_without_items(cube, cells, rules, profiles, share);
        run_beside();
        // The advice waits for the items: made while the items were ranked, it put both
        // working sets at the same moment (the run's peak on big ledgers).
        let items = items
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        classified.map(|c| (c, items))
    });
    let besides = besides.into_inner().unwrap_or_else(PoisonError::into_inner);
    match besides {
        Some(b) => (classified, b),
        // Both threads ran `run_beside` before the scope ended: it ran, or panicked
        // (and the panic was resumed above).
        None => unreachable!("beside ran on one of the two threads"),
    }
}

/// [`analyze_sharing`] but for the items and the advice.
fn analyze_without_items(
    cube: &SpendCube,
    cells: Cells<'_>,
    rules: &RuleSet,
    profiles: &Profiles,
    share: bool,
) -> Result<Classified, AnalysisError> {
    let has_profit = cube.has_profit;
    // Sums by interned index (one pass over the cells, no strings): the cube has many
    // more cells than suppliers or categories, and everything below works by index.
    let per_supplier = sums_by(&cells, cube.suppliers.len(), |k| k.supplier as usize);
    let per_category = sums_by(&cells, cube.categories.len(), |k| k.category as usize);
    let cell_at =
        |sums: &[Option<Cell>], i: Ix| sums.get(i as usize).copied().flatten().unwrap_or_default();
    // Hashed with Fx, not SipHash: one lookup per cell of the cube, and the keys are our
    // own indices. Its order reaches nothing: both lists made from it are sorted.
    let mut pair_sums: rustc_hash::FxHashMap<(Ix, Ix), Cell> = rustc_hash::FxHashMap::default();
    pair_sums.reserve(cube.suppliers.len() * 2);
    for (k, c) in cells.iter() {
        pair_sums
            .entry((k.supplier, k.category))
            .or_default()
            .add(c);
    }
    let total = cells.values().fold(Cell::default(), |mut t, c| {
        t.add(c);
        t
    });
    drop(cells);
    // Per supplier its categories in id order; per category its suppliers by spend
    // descending, ties by id.
    let mut sup_pairs: Vec<Vec<(Ix, Cell)>> = vec![Vec::new(); cube.suppliers.len()];
    let mut cat_suppliers: Vec<Vec<(Ix, Decimal)>> = vec![Vec::new(); cube.categories.len()];
    for ((s, c), cell) in pair_sums {
        if let Some(v) = sup_pairs.get_mut(s as usize) {
            v.push((c, cell));
        }
        if let Some(v) = cat_suppliers.get_mut(c as usize) {
            v.push((s, cell.spend));
        }
    }
    for v in &mut sup_pairs {
        v.sort_unstable_by(|a, b| cube.categories.name(a.0).cmp(cube.categories.name(b.0)));
    }
    for v in &mut cat_suppliers {
        v.sort_unstable_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| cube.suppliers.name(a.0).cmp(cube.suppliers.name(b.0)))
        });
    }

    let sup_rank = Rankings::new(rules, &cube.suppliers, &per_supplier, has_profit);
    let cat_rank = Rankings::new(rules, &cube.categories, &per_category, has_profit);
    let total_profit = total.profit;

    let mut findings = Vec::new();
    for (what, r) in [("supplier", &sup_rank), ("category", &cat_rank)] {
        // The non-positive objects are the last entries, in the same order.
        let first = r
            .spend
            .entries
            .len()
            .saturating_sub(r.spend.non_positive.len());
        for (id, e) in r.spend.non_positive.iter().zip(&r.spend.entries[first..]) {
            let v = e.value;
            findings.push(Finding {
                id: "non-positive-spend".into(),
                subject: id.clone(),
                message: format!(
                    "{what} {id} has net spend {v} (credit notes at least equal to purchases): ranked last, class C"
                ),
            });
        }
    }

    let (cat_spend_class, cat_profit_class) = cat_rank.classes(cube.categories.len());
    let pct = |part: Decimal, whole: Decimal| {
        if whole > Decimal::ZERO {
            (part / whole * Decimal::ONE_HUNDRED).normalize()
        } else {
            Decimal::ZERO
        }
    };

    let category_facts = |ci: Ix| -> Vec<(&'static str, Value)> {
        let cell = cell_at(&per_category, ci);
        let mut v = vec![
            ("has-profit-data", Value::Bool(has_profit)),
            ("category-spend", Value::Number(cell.spend)),
            (
                "suppliers-in-category",
                Value::Number(
                    cat_suppliers
                        .get(ci as usize)
                        .map(|s| s.len())
                        .unwrap_or(0)
                        .into(),
                ),
            ),
        ];
        if let Some(cls) = cat_spend_class.get(ci as usize).copied().flatten() {
            v.push(("category-spend-class", Value::Text(cls.to_string())));
        }
        if let Some(cls) = cat_profit_class.get(ci as usize).copied().flatten() {
            v.push(("category-profit-class", Value::Text(cls.to_string())));
            v.push((
                "category-profit-share",
                Value::Number(pct(cell.profit, total_profit)),
            ));
        }
        v
    };

    // Every supplier's and category's id, shared by the results that name them.
    let supplier_ids: Vec<Option<Arc<str>>> = {
        let mut ids = vec![None; cube.suppliers.len()];
        for (e, &i) in sup_rank.spend.entries.iter().zip(&sup_rank.order) {
            if let Some(slot) = ids.get_mut(i as usize) {
                *slot = Some(e.id.clone());
            }
        }
        ids
    };
    let id_of = |ids: &[Option<Arc<str>>], i: Ix, names: &Interner| -> Arc<str> {
        match ids.get(i as usize) {
            Some(Some(id)) => id.clone(),
            _ => names.name(i).into(),
        }
    };
    let mut category_ids: Vec<Option<Arc<str>>> = vec![None; cube.categories.len()];

    // Categories on their own.
    let mut categories = Vec::new();
    for (ci, r) in cat_rank.into_results(cube.categories.len()) {
        let ci = Some(ci);
        let facts = DataFacts {
            data: ci.map(category_facts).unwrap_or_default(),
            profiles,
            supplier: None,
            category: Some(r.id()),
        };
        let classification = classify::classify(rules, &facts)?;
        if let Some(slot) = ci.and_then(|ci| category_ids.get_mut(ci as usize)) {
            *slot = Some(r.id().clone());
        }
        categories.push(CategoryResult {
            name: profiles
                .categories
                .get(&**r.id())
                .and_then(|f| f.text("name"))
                .unwrap_or("")
                .to_string(),
            suppliers: ci
                .and_then(|ci| cat_suppliers.get(ci as usize))
                .map(|v| {
                    v.iter()
                        .map(|(s, spend)| (id_of(&supplier_ids, *s, &cube.suppliers), *spend))
                        .collect()
                })
                .unwrap_or_default(),
            id: r.id().to_string(),
            abc: r,
            classification,
        });
    }

    // Pairs, then suppliers. Classifications are shared where they cannot differ: per
    // category for suppliers without a profile when no condition reads pair data, and
    // the supplier-level exceptions per (deciding classification, type) likewise.
    let pair_reads_pair_data = reads_any(rules, false, &PAIR_DATA_FACTS);
    let supplier_reads_data = reads_any(rules, true, &SUPPLIER_DATA_FACTS);
    let mut per_category_classification: Vec<Option<Arc<Classification>>> =
        vec![None; cube.categories.len()];
    let mut supplier_outcomes: rustc_hash::FxHashMap<
        (usize, RelationshipType),
        (Vec<classify::AppliedException>, RelationshipType),
    > = rustc_hash::FxHashMap::default();
    let mut suppliers = Vec::with_capacity(sup_rank.order.len());
    for (si, r) in sup_rank.into_results(cube.suppliers.len()) {
        let s: &str = r.id();
        let si = Some(si);
        let s_cell = si.map(|i| cell_at(&per_supplier, i)).unwrap_or_default();
        let s_pairs: &[(Ix, Cell)] = si
            .and_then(|i| sup_pairs.get(i as usize))
            .map(|v| v.as_slice())
            .unwrap_or(&[]);
        let has_profile = profiles.suppliers.contains_key(s);
        let shared_per_category = share && !pair_reads_pair_data && !has_profile;
        let mut pairs = Vec::with_capacity(s_pairs.len());
        for &(ci, cell) in s_pairs {
            let c = cube.categories.name(ci);
            let c_cell = cell_at(&per_category, ci);
            let memo = if shared_per_category {
                per_category_classification
                    .get(ci as usize)
                    .and_then(|m| m.clone())
            } else {
                None
            };
            let classification = match memo {
                Some(m) => m,
                None => {
                    let mut data = category_facts(ci);
                    data.push(("supplier-spend", Value::Number(s_cell.spend)));
                    data.push((
                        "supplier-spend-class",
                        Value::Text(r.spend.class.to_string()),
                    ));
                    if let Some(p) = &r.profit {
                        data.push(("supplier-profit-class", Value::Text(p.class.to_string())));
                    }
                    data.push(("supplier-categories", Value::Number(s_pairs.len().into())));
                    data.push(("pair-spend", Value::Number(cell.spend)));
                    data.push((
                        "share-in-category",
                        Value::Number(pct(cell.spend, c_cell.spend)),
                    ));
                    data.push((
                        "share-of-supplier-spend",
                        Value::Number(pct(cell.spend, s_cell.spend)),
                    ));
                    let facts = DataFacts {
                        data,
                        profiles,
                        supplier: Some(s),
                        category: Some(c),
                    };
                    let made = Arc::new(classify::classify(rules, &facts)?);
                    if shared_per_category {
                        if let Some(slot) = per_category_classification.get_mut(ci as usize) {
                            *slot = Some(made.clone());
                        }
                    }
                    made
                }
            };
            pairs.push(PairResult {
                supplier_id: r.id().clone(),
                category: id_of(&category_ids, ci, &cube.categories),
                spend: cell.spend,
                profit: cell.profit,
                share_in_category: crate::ratio::share(cell.spend, c_cell.spend),
                share_of_supplier_spend: crate::ratio::share(cell.spend, s_cell.spend),
                lines: cell.lines,
                classification,
            });
        }
        pairs.sort_by(|a, b| {
            b.spend
                .cmp(&a.spend)
                .then_with(|| a.category.cmp(&b.category))
        });
        let shares: Vec<(&str, RelationshipType, Decimal)> = pairs
            .iter()
            .map(|p| {
                (
                    &*p.category,
                    p.classification.relationship_type,
                    p.share_of_supplier_spend * Decimal::ONE_HUNDRED,
                )
            })
            .collect();
        let (from_categories, decided_by) = classify::supplier_type(rules, &shares)
            .unwrap_or((RelationshipType::EconomicOpportunistic, Vec::new()));
        // Supplier-level exceptions see the supplier's facts and its deciding category's
        // criteria (none without one).
        let deciding = pairs
            .iter()
            .find(|p| decided_by.first().map(String::as_str) == Some(&*p.category))
            .map(|p| &p.classification);
        let criteria: &[classify::CriterionValue] =
            deciding.map(|c| c.criteria.as_slice()).unwrap_or(&[]);
        let memo_key = (share && !supplier_reads_data && !has_profile).then(|| {
            (
                deciding.map(|c| Arc::as_ptr(c) as usize).unwrap_or(0),
                from_categories,
            )
        });
        let known = memo_key.and_then(|k| supplier_outcomes.get(&k)).cloned();
        let (exceptions, relationship_type) = match known {
            Some(o) => o,
            None => {
                let facts = DataFacts {
                    data: vec![
                        ("has-profit-data", Value::Bool(has_profit)),
                        ("supplier-spend", Value::Number(s_cell.spend)),
                        (
                            "supplier-spend-class",
                            Value::Text(r.spend.class.to_string()),
                        ),
                        ("supplier-categories", Value::Number(s_pairs.len().into())),
                    ],
                    profiles,
                    supplier: Some(s),
                    category: None,
                };
                let o = classify::exceptions(
                    rules,
                    ExceptionScope::Supplier,
                    criteria,
                    &facts,
                    from_categories,
                )?;
                let o = (o.applied, o.relationship_type);
                if let Some(k) = memo_key {
                    supplier_outcomes.insert(k, o.clone());
                }
                o
            }
        };
        let ledger_name = si
            .and_then(|i| cube.supplier_names.get(i as usize))
            .cloned()
            .unwrap_or_default();
        let name = if ledger_name.is_empty() {
            profiles
                .suppliers
                .get(s)
                .and_then(|p| p.facts.text("name"))
                .unwrap_or("")
                .to_string()
        } else {
            ledger_name
        };
        suppliers.push(SupplierResult {
            id: r.id().to_string(),
            name,
            abc_cell: r.cell(),
            abc: r,
            relationship_type,
            type_from_categories: from_categories,
            decided_by_categories: decided_by
                .iter()
                .map(|c| match pairs.iter().find(|p| *p.category == **c) {
                    Some(p) => p.category.clone(),
                    None => c.as_str().into(),
                })
                .collect(),
            exceptions,
            categories: pairs,
        });
    }

    // What only the classification needed goes before the advice is made: the advice is
    // where the memory peaks on big ledgers.
    drop(sup_pairs);
    drop(cat_suppliers);
    drop(supplier_outcomes);
    drop(per_category_classification);
    let mut per_type = BTreeMap::new();
    let mut per_class = BTreeMap::new();
    for s in &suppliers {
        *per_type.entry(s.relationship_type).or_insert(0) += 1;
        *per_class.entry(s.abc.spend.class).or_insert(0) += 1;
    }
    let summary = Summary {
        rules: rules.source.clone(),
        profiles: profiles.source.clone(),
        a_cutoff: rules.cutoffs.a,
        b_cutoff: rules.cutoffs.b,
        boundary: rules.boundary.id().to_string(),
        currency: cube.currencies.first().cloned(),
        period: cube.period.clone(),
        lines: total.lines,
        total_spend: total.spend,
        total_profit: has_profit.then_some(total_profit),
        suppliers: suppliers.len(),
        categories: categories.len(),
        items: cube.items.len(),
        suppliers_per_type: per_type,
        suppliers_per_spend_class: per_class,
        notices: Vec::new(),
    };
    Ok(Classified {
        summary,
        suppliers,
        categories,
        findings,
    })
}

/// The analysis before the advice and the items.
struct Classified {
    summary: Summary,
    suppliers: Vec<SupplierResult>,
    categories: Vec<CategoryResult>,
    findings: Vec<Finding>,
}

impl Classified {
    /// The analysis with its advice, and `items`.
    fn advised(self, rules: &RuleSet, profiles: &Profiles, items: Vec<ItemResult>) -> Analysis {
        let Classified {
            summary,
            suppliers,
            categories,
            mut findings,
        } = self;
        let advice = advise::advise(
            rules,
            profiles,
            &summary,
            &suppliers,
            &categories,
            &mut findings,
        );
        findings.sort();
        Analysis {
            summary,
            suppliers,
            categories,
            items,
            advice,
            findings,
        }
    }
}

/// Facts for one pair, category or supplier: profile layers first, then data.
struct DataFacts<'a> {
    data: Vec<(&'static str, Value)>,
    profiles: &'a Profiles,
    supplier: Option<&'a str>,
    category: Option<&'a str>,
}

impl Facts for DataFacts<'_> {
    fn fact(&self, id: &str) -> Option<(Value, Option<Layer>)> {
        for (layer, set) in self.profiles.layers(self.supplier, self.category) {
            if let Some(v) = set.get(id) {
                return Some((v.clone(), Some(layer)));
            }
        }
        self.data
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, v)| (v.clone(), None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The fixtures directory, and the food fixture's ledger read into a cube.
    fn food_cube() -> (std::path::PathBuf, SpendCube) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut cube = SpendCube::default();
        crate::ledger::read_ledger(&dir.join("food_ledger.csv"), &mut cube).expect("reads");
        (dir, cube)
    }

    /// A classification shared between pairs is exactly the one each pair would get on its
    /// own: the food fixture (suppliers with and without profiles, profit data) and the
    /// same ledger without profiles.
    #[test]
    fn shared_classifications_equal_unshared_ones() {
        let rules = RuleSet::default_rules().expect("rules");
        let (dir, cube) = food_cube();
        let profiles =
            Profiles::from_path(&dir.join("food_profiles.toml"), &rules).expect("profiles");
        for p in [&profiles, &Profiles::default()] {
            let shared = analyze_sharing(&cube, &rules, p, true).expect("analyzes");
            let alone = analyze_sharing(&cube, &rules, p, false).expect("analyzes");
            assert!(!shared.suppliers.is_empty());
            assert_eq!(shared, alone);
        }
    }

    /// The pipeline's way, the cube taken and its cells let go once summed, with work
    /// beside it, gives exactly what `analyze` gives on a borrowed cube: on the food
    /// fixture and on a cube with enough items to be ranked on a second thread.
    #[test]
    fn analysis_of_a_taken_cube_equals_analysis_of_a_borrowed_one() {
        let rules = RuleSet::default_rules().expect("rules");
        let (_, food) = food_cube();
        let mut big = SpendCube::default();
        for i in 0..ITEMS_ON_A_THREAD * 2 {
            let (s, c, item) = (
                format!("S{}", i % 97),
                format!("C{}", i % 13),
                format!("I{i}"),
            );
            big.add(&crate::spend::PurchaseLine {
                supplier_id: &s,
                supplier_name: Some("Name"),
                category: &c,
                item_id: &item,
                amount: Decimal::new((i as i64 * 7919) % 100_000 - 500, 2),
                profit: Some(Decimal::new((i as i64 * 31) % 1000, 2)),
                date: None,
                currency: None,
            });
        }
        assert!(big.items.len() >= ITEMS_ON_A_THREAD);
        for cube in [food, big] {
            let borrowed = analyze(&cube, &rules, &Profiles::default()).expect("analyzes");
            let (taken, beside) = analyze_with(cube, &rules, &Profiles::default(), || "beside");
            assert_eq!(beside, "beside");
            assert_eq!(taken.expect("analyzes"), borrowed);
        }
    }

    /// The default rules read no pair or supplier data in pair conditions, so pairs of a
    /// category share their classification (what makes big ledgers fast).
    #[test]
    fn default_pair_conditions_read_no_pair_data() {
        let rules = RuleSet::default_rules().expect("rules");
        assert!(!reads_any(&rules, false, &PAIR_DATA_FACTS));
        assert!(reads_any(&rules, false, &["category-spend-class"]));
    }
}
