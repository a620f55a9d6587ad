//! The sections the full reports share, as plain tables of typed cells. Markdown, HTML and
//! XLSX render the same tables, so the three formats cannot drift apart; each decides only
//! how a money, percent, class or type cell looks.

use super::Context;
use super::supplier::{display_name, risk_levels, supply_risk, why};
use crate::abc::AbcClass;
use crate::analysis::{AbcResult, Analysis};
use crate::relationship::RelationshipType;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// One cell, typed so that each format can show it properly.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Text, shown as it is (escaped by the format).
    Text(String),
    /// Money, exact; rounded to 2 decimals when shown.
    Money(Decimal),
    /// A fraction shown as percent (`0.25` is 25 %).
    Percent(Decimal),
    /// A count or a rank.
    Int(u64),
    /// An ABC class, coloured.
    Class(AbcClass),
    /// A relationship type, coloured.
    Type(RelationshipType),
    /// Nothing (e.g. profit without profit data).
    Empty,
}

impl Cell {
    /// Text cell from anything printable.
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as plain text, as Markdown and HTML show it.
    pub(crate) fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Money(d) => super::money_grouped(*d),
            Cell::Percent(f) => format!("{} %", super::percent(*f)),
            Cell::Int(n) => n.to_string(),
            Cell::Class(c) => c.to_string(),
            Cell::Type(t) => t.id().to_string(),
            Cell::Empty => "—".into(),
        }
    }

    /// Whether the column is numeric (right-aligned, sorted as a number).
    pub(crate) fn numeric(&self) -> bool {
        matches!(self, Cell::Money(_) | Cell::Percent(_) | Cell::Int(_))
    }
}

/// A table: a title, a header and rows.
pub(crate) struct Table<'a> {
    /// Id for anchors (HTML) and a stable name.
    pub id: &'static str,
    /// Heading.
    pub title: String,
    /// Column names.
    pub head: Vec<&'static str>,
    /// Rows, each as long as `head`.
    pub rows: Rows<'a>,
}

impl Table<'_> {
    /// Per column, whether it is numeric (right-aligned, sorted as a number), as the first
    /// row shows.
    pub(crate) fn numeric_columns(&self) -> Vec<bool> {
        let first = self.rows.iter().next();
        (0..self.head.len())
            .map(|i| {
                first
                    .as_ref()
                    .and_then(|r| r.get(i))
                    .is_some_and(Cell::numeric)
            })
            .collect()
    }
}

/// A table's rows: held, or made one at a time as they are shown. A report of a 10M-line
/// ledger has tables of tens of thousands of rows (every supplier, item and allocation);
/// made as they are written, they are never held whole beside the analysis.
pub(crate) enum Rows<'a> {
    /// Rows held whole (small tables, and tables built by hand).
    Held(Vec<Vec<Cell>>),
    /// `count` rows, made anew by each call of `make`.
    Made { count: usize, make: RowMaker<'a> },
}

/// Makes a table's rows from the start.
pub(crate) type RowMaker<'a> = Box<dyn Fn() -> Box<dyn Iterator<Item = Vec<Cell>> + 'a> + 'a>;

impl<'a> Rows<'a> {
    /// `count` rows, made by `make` each time they are shown.
    pub(crate) fn made<I>(count: usize, make: impl Fn() -> I + 'a) -> Rows<'a>
    where
        I: Iterator<Item = Vec<Cell>> + 'a,
    {
        Rows::Made {
            count,
            make: Box::new(move || Box::new(make())),
        }
    }

    /// How many rows there are.
    pub(crate) fn len(&self) -> usize {
        match self {
            Rows::Held(v) => v.len(),
            Rows::Made { count, .. } => *count,
        }
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows in order, from the first.
    pub(crate) fn iter(&self) -> Box<dyn Iterator<Item = Cow<'_, [Cell]>> + '_> {
        match self {
            Rows::Held(v) => Box::new(v.iter().map(|r| Cow::Borrowed(r.as_slice()))),
            Rows::Made { make, .. } => Box::new(make().map(Cow::Owned)),
        }
    }
}

impl FromIterator<Vec<Cell>> for Rows<'_> {
    fn from_iter<I: IntoIterator<Item = Vec<Cell>>>(iter: I) -> Self {
        Rows::Held(iter.into_iter().collect())
    }
}

impl Default for Rows<'_> {
    fn default() -> Self {
        Rows::Held(Vec::new())
    }
}

impl From<Vec<Vec<Cell>>> for Rows<'_> {
    fn from(rows: Vec<Vec<Cell>>) -> Self {
        Rows::Held(rows)
    }
}

fn abc_cells(r: &AbcResult) -> Vec<Cell> {
    let mut v = vec![
        Cell::Money(r.spend.value),
        Cell::Percent(r.spend.share),
        Cell::Percent(r.spend.cumulative_share),
        Cell::Class(r.spend.class),
    ];
    match &r.profit {
        Some(p) => v.extend([
            Cell::Money(p.value),
            Cell::Percent(p.share),
            Cell::Class(p.class),
        ]),
        None => v.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
    }
    v
}

const ABC_HEAD: [&str; 7] = [
    "spend",
    "share",
    "cumulative",
    "ABC spend",
    "profit",
    "profit share",
    "ABC profit",
];

/// Items of a list as one run of sentences: each ends with a full stop.
fn sentences<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .map(|t| {
            let t = t.trim();
            if t.ends_with(['.', '!', '?']) {
                t.to_string()
            } else {
                format!("{t}.")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every supplier, in spend rank order.
pub(crate) fn suppliers(a: &Analysis) -> Table<'_> {
    let mut head = vec!["#", "supplier", "name"];
    head.extend(ABC_HEAD);
    head.extend(["cell", "supply risk", "relationship type", "categories"]);
    let rows = Rows::made(a.suppliers.len(), move || {
        a.suppliers.iter().map(move |s| {
            let mut r = vec![
                Cell::Int(s.abc.spend.rank as u64),
                Cell::text(&s.id),
                Cell::text(&s.name),
            ];
            r.extend(abc_cells(&s.abc));
            r.extend([
                Cell::text(s.abc_cell),
                supply_risk(s).map(Cell::text).unwrap_or(Cell::Empty),
                Cell::Type(s.relationship_type),
                Cell::Int(s.categories.len() as u64),
            ]);
            r
        })
    });
    Table {
        id: "suppliers",
        title: "Suppliers".into(),
        head,
        rows,
    }
}

/// Every category, in spend rank order, with its plan's figures.
pub(crate) fn categories(a: &Analysis) -> Table<'_> {
    let mut head = vec!["#", "category", "name"];
    head.extend(ABC_HEAD);
    head.extend([
        "suppliers",
        "top supplier share",
        "HHI",
        "relationship type",
    ]);
    let rows = Rows::made(a.categories.len(), move || {
        a.categories.iter().map(move |c| {
            let plan = a.advice.category(&c.id);
            let mut r = vec![
                Cell::Int(c.abc.spend.rank as u64),
                Cell::text(&c.id),
                Cell::text(&c.name),
            ];
            r.extend(abc_cells(&c.abc));
            r.extend([
                Cell::Int(c.suppliers.len() as u64),
                plan.map(|p| Cell::Percent(p.top_share))
                    .unwrap_or(Cell::Empty),
                plan.map(|p| Cell::text(super::exact(p.hhi.round_dp(0))))
                    .unwrap_or(Cell::Empty),
                Cell::Type(c.classification.relationship_type),
            ]);
            r
        })
    });
    Table {
        id: "categories",
        title: "Categories".into(),
        head,
        rows,
    }
}

/// Every item, in spend rank order.
pub(crate) fn items(a: &Analysis) -> Table<'_> {
    let mut head = vec!["#", "item"];
    head.extend(ABC_HEAD);
    head.extend(["cell", "suppliers"]);
    let rows = Rows::made(a.items.len(), move || {
        a.items.iter().map(move |i| {
            let mut r = vec![Cell::Int(i.abc.spend.rank as u64), Cell::text(&**i.id())];
            r.extend(abc_cells(&i.abc));
            r.extend([Cell::text(i.abc.cell()), Cell::Int(i.suppliers as u64)]);
            r
        })
    });
    Table {
        id: "items",
        title: "Items".into(),
        head,
        rows,
    }
}

/// What to do with each supplier: type, goal, methods, contract, review and actions.
pub(crate) fn advice(a: &Analysis) -> Table<'_> {
    let rows = Rows::made(a.advice.suppliers.len(), move || {
        a.advice.suppliers.iter().map(move |p| {
            let name = a.supplier(&p.supplier_id).map(display_name).unwrap_or("");
            vec![
                Cell::text(&*p.supplier_id),
                Cell::text(name),
                Cell::Type(p.relationship_type),
                Cell::text(&*p.goal),
                Cell::text(
                    p.methods
                        .iter()
                        .map(|m| format!("{}: {}", m.category, m.methods.join(", ")))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                Cell::text(&*p.contract_horizon),
                Cell::text(&*p.review),
                Cell::text(sentences(
                    p.actions
                        .iter()
                        .map(|x| x.text.get())
                        .collect::<Vec<_>>()
                        .iter()
                        .map(|t| &**t),
                )),
            ]
        })
    });
    Table {
        id: "advice",
        title: "Advice per supplier".into(),
        head: vec![
            "supplier",
            "name",
            "relationship type",
            "goal",
            "methods",
            "contract horizon",
            "review",
            "actions",
        ],
        rows,
    }
}

/// The sourcing proposals: every allocation of every category plan, current and proposed.
pub(crate) fn splits(a: &Analysis) -> Table<'_> {
    let plans = &a.advice.categories;
    let count = plans.iter().map(|p| p.allocations.len()).sum();
    let rows = Rows::made(count, move || {
        plans.iter().flat_map(|p| {
            p.allocations.iter().map(move |x| {
                vec![
                    Cell::text(&p.category),
                    Cell::Type(p.relationship_type),
                    Cell::text(&*x.supplier_id),
                    Cell::text(x.role.id()),
                    Cell::Money(x.current_spend),
                    Cell::Percent(x.current_share),
                    x.proposed_share.map(Cell::Percent).unwrap_or(Cell::Empty),
                    x.proposed_spend.map(Cell::Money).unwrap_or(Cell::Empty),
                    Cell::text(x.why()),
                    Cell::text(&p.rule),
                ]
            })
        })
    });
    Table {
        id: "splits",
        title: "Sourcing splits: current and proposed".into(),
        head: vec![
            "category",
            "relationship type",
            "supplier",
            "role",
            "current spend",
            "current share",
            "proposed share",
            "proposed spend",
            "why",
            "rule",
        ],
        rows,
    }
}

/// Money to move between suppliers to reach the proposals.
pub(crate) fn moves(a: &Analysis) -> Table<'_> {
    let plans = &a.advice.categories;
    let count = plans.iter().map(|p| p.moves.len()).sum();
    let rows = Rows::made(count, move || {
        plans.iter().flat_map(|p| {
            p.moves.iter().map(move |m| {
                vec![
                    Cell::text(&p.category),
                    Cell::text(&*m.from),
                    Cell::text(&*m.to),
                    Cell::Money(m.amount),
                    Cell::text(m.per()),
                ]
            })
        })
    });
    Table {
        id: "moves",
        title: "Volume to move".into(),
        head: vec!["category", "from", "to", "amount", "per"],
        rows,
    }
}

/// The supply risks the supply graph shows.
pub(crate) fn risks(a: &Analysis) -> Table<'_> {
    let rows = Rows::made(a.advice.risks.len(), move || {
        a.advice.risks.iter().map(move |r| {
            vec![
                Cell::text(&r.id),
                Cell::text(&r.subject),
                Cell::text(&r.message),
                Cell::text(
                    r.backup_candidates
                        .iter()
                        .map(|c| c.supplier_id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]
        })
    });
    Table {
        id: "risks",
        title: "Supply risks".into(),
        head: vec!["risk", "subject", "what", "backup candidates"],
        rows,
    }
}

/// A short explanation per supplier.
pub(crate) fn explanation(a: &Analysis) -> Table<'_> {
    let rows = Rows::made(a.suppliers.len(), move || {
        a.suppliers.iter().map(move |s| {
            vec![
                Cell::text(&s.id),
                Cell::text(&s.name),
                Cell::Class(s.abc.spend.class),
                s.abc
                    .profit
                    .as_ref()
                    .map(|p| Cell::Class(p.class))
                    .unwrap_or(Cell::Empty),
                Cell::Type(s.relationship_type),
                Cell::text(why(a, s)),
            ]
        })
    });
    Table {
        id: "explanation",
        title: "Why each supplier has its type".into(),
        head: vec![
            "supplier",
            "name",
            "ABC spend",
            "ABC profit",
            "relationship type",
            "why",
        ],
        rows,
    }
}

/// What each ledger file read gave.
pub(crate) fn files<'t>(ctx: &Context<'_>) -> Table<'t> {
    let rows = ctx
        .files
        .iter()
        .map(|f| {
            vec![
                Cell::text(&f.file),
                Cell::Int(f.rows_read),
                Cell::Int(f.rows_used),
                Cell::Int(f.rows_blank),
                Cell::Int(f.credit_notes),
                Cell::text(f.columns.join(", ")),
            ]
        })
        .collect();
    Table {
        id: "files",
        title: "Files read".into(),
        head: vec![
            "file",
            "rows read",
            "rows used",
            "blank rows",
            "credit notes",
            "columns recognised",
        ],
        rows,
    }
}

/// The findings (warnings), by id then subject.
pub(crate) fn findings(a: &Analysis) -> Table<'_> {
    let rows = a
        .findings
        .iter()
        .map(|f| {
            vec![
                Cell::text(&f.id),
                Cell::text(&f.subject),
                Cell::text(&f.message),
            ]
        })
        .collect();
    Table {
        id: "findings",
        title: "Findings".into(),
        head: vec!["finding", "subject", "message"],
        rows,
    }
}

/// The effective rules: where they came from, the cut-offs, the boundary, the criteria and
/// the exceptions.
pub(crate) fn rules<'t>(a: &Analysis, ctx: &Context<'_>) -> Table<'t> {
    let s = &a.summary;
    let mut rows = vec![
        vec![Cell::text("rules"), Cell::text(&s.rules), Cell::Empty],
        vec![
            Cell::text("profiles"),
            Cell::text(if s.profiles.is_empty() {
                "none"
            } else {
                &s.profiles
            }),
            Cell::Empty,
        ],
        vec![
            Cell::text("A cut-off"),
            Cell::Percent(s.a_cutoff / Decimal::ONE_HUNDRED),
            Cell::text("A while the cumulative share is at most this"),
        ],
        vec![
            Cell::text("B cut-off"),
            Cell::Percent(s.b_cutoff / Decimal::ONE_HUNDRED),
            Cell::text("B while the cumulative share is at most this; C above"),
        ],
        vec![
            Cell::text("boundary"),
            Cell::text(&s.boundary),
            Cell::text("which class the object that crosses a cut-off falls into"),
        ],
    ];
    if let Some(r) = ctx.rules {
        for c in &r.criteria {
            rows.push(vec![
                Cell::text(format!("criterion {}", c.id)),
                Cell::text(c.values.join(" < ")),
                Cell::text(format!("weight {}; {}", c.weight.normalize(), c.question)),
            ]);
        }
        for x in &r.exceptions {
            rows.push(vec![
                Cell::text(format!("exception {}", x.id)),
                Cell::text(&x.when_text),
                Cell::text(&x.title),
            ]);
        }
    }
    Table {
        id: "rules",
        title: "Rules used".into(),
        head: vec!["setting", "value", "meaning"],
        rows: rows.into(),
    }
}

/// Suppliers counted by spend class (rows A, B, C) and profit class (columns A, B, C);
/// `None` without profit data.
pub(crate) fn spend_profit_counts(a: &Analysis) -> Option<[[u64; 3]; 3]> {
    let mut m = [[0u64; 3]; 3];
    for s in &a.suppliers {
        let p = s.abc.profit.as_ref()?;
        m[s.abc.spend.class as usize][p.class as usize] += 1;
    }
    Some(m)
}

/// The spend×profit matrix as a table.
pub(crate) fn spend_profit<'t>(a: &Analysis) -> Option<Table<'t>> {
    let m = spend_profit_counts(a)?;
    let classes = [AbcClass::A, AbcClass::B, AbcClass::C];
    let rows = classes
        .iter()
        .map(|c| {
            let mut r = vec![Cell::Class(*c)];
            r.extend(m[*c as usize].iter().map(|n| Cell::Int(*n)));
            r
        })
        .collect();
    Some(Table {
        id: "spend-profit",
        title: "Suppliers by spend class (rows) and profit class (columns)".into(),
        head: vec!["spend \\ profit", "A", "B", "C"],
        rows,
    })
}

/// Suppliers counted by supply-risk level (rows, highest first) and type (columns).
pub(crate) fn risk_by_type<'t>(a: &Analysis, ctx: &Context<'_>) -> Table<'t> {
    let levels = risk_levels(a, ctx);
    let mut rows = Vec::new();
    for level in levels.iter().rev() {
        let mut r = vec![Cell::text(level)];
        for t in RelationshipType::ALL {
            let n = a
                .suppliers
                .iter()
                .filter(|s| s.relationship_type == t && supply_risk(s) == Some(level.as_str()))
                .count();
            r.push(Cell::Int(n as u64));
        }
        rows.push(r);
    }
    Table {
        id: "risk-type",
        title: "Suppliers by supply risk (rows) and relationship type (columns)".into(),
        head: std::iter::once("supply risk")
            .chain(RelationshipType::ALL.map(RelationshipType::id))
            .collect(),
        rows: rows.into(),
    }
}

/// Per spend class: how many suppliers and what share of spend they make.
pub(crate) fn classes(a: &Analysis) -> Table<'_> {
    let classes = [AbcClass::A, AbcClass::B, AbcClass::C];
    let rows = classes
        .iter()
        .map(|c| {
            let members = a.suppliers.iter().filter(|s| s.abc.spend.class == *c);
            let (n, share) = members.fold((0u64, Decimal::ZERO), |(n, sh), s| {
                (n + 1, sh + s.abc.spend.share)
            });
            vec![
                Cell::Class(*c),
                Cell::Int(n),
                Cell::Percent(share),
                Cell::Percent(if a.suppliers.is_empty() {
                    Decimal::ZERO
                } else {
                    Decimal::from(n) / Decimal::from(a.suppliers.len())
                }),
            ]
        })
        .collect();
    Table {
        id: "classes",
        title: "ABC classes of suppliers".into(),
        head: vec!["class", "suppliers", "share of spend", "share of suppliers"],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_show_money_and_percent_rounded_once() {
        assert_eq!(Cell::Money(Decimal::new(1234565, 3)).shown(), "1,234.57");
        assert_eq!(Cell::Percent(Decimal::new(12345, 5)).shown(), "12.35 %");
        assert_eq!(Cell::Empty.shown(), "—");
        assert!(Cell::Int(3).numeric() && !Cell::text("x").numeric());
        assert_eq!(
            sentences(["Do this.", "then that", " and so? "].into_iter()),
            "Do this. then that. and so?"
        );
    }

    /// A table whose rows are made as they are written says how many it will make; the
    /// writers trust that count (empty tables, a sheet's last row), so it must be right.
    #[test]
    fn made_rows_are_as_many_as_their_count() {
        use crate::pipeline::{self, Inputs};
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let rules = crate::rules::RuleSet::default_rules().expect("rules");
        let inputs = Inputs {
            ledgers: vec![dir.join("food_ledger.csv")],
            profiles: Some(dir.join("food_profiles.toml")),
            ..Inputs::default()
        };
        let a = pipeline::run(&inputs, &rules).expect("analysis");
        let tables = [
            suppliers(&a),
            categories(&a),
            items(&a),
            advice(&a),
            splits(&a),
            moves(&a),
            risks(&a),
            explanation(&a),
        ];
        for t in &tables {
            assert!(matches!(t.rows, Rows::Made { .. }), "{}", t.id);
            assert!(
                !t.rows.is_empty(),
                "{}: the fixture fills every table",
                t.id
            );
            assert_eq!(t.rows.len(), t.rows.iter().count(), "{}", t.id);
            assert!(t.rows.iter().all(|r| r.len() == t.head.len()), "{}", t.id);
        }
    }
}
