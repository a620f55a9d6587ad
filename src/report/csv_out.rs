//! CSV: one row per supplier, category or item; money with 2 decimals, shares exact.
//!
//! Spreadsheet formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or
//! a carriage return would be run as a formula by Excel or LibreOffice when the CSV is
//! opened (a supplier name `=HYPERLINK(…)` from an ERP export, say). Such a cell is written
//! with a leading `'`, which spreadsheets read as "this is text" and do not show. Numbers
//! (`-12.50`, a credit note) are not text and stay as they are.

use super::{ReportError, exact, money};
use std::borrow::Cow;

/// A cell as written: text that a spreadsheet would run as a formula gets a leading `'`.
pub(crate) fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<rust_decimal::Decimal>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

use crate::analysis::{AbcResult, Analysis, Dimension};

fn abc_columns(r: &AbcResult) -> Vec<String> {
    let mut v = vec![
        money(r.spend.value),
        exact(r.spend.share),
        exact(r.spend.cumulative_share),
        r.spend.class.to_string(),
    ];
    match &r.profit {
        Some(p) => v.extend([
            money(p.value),
            exact(p.share),
            exact(p.cumulative_share),
            p.class.to_string(),
        ]),
        None => v.extend(std::iter::repeat_n(String::new(), 4)),
    }
    v
}

const ABC_HEADER: [&str; 8] = [
    "spend",
    "spend_share",
    "spend_cumulative_share",
    "spend_class",
    "profit",
    "profit_share",
    "profit_cumulative_share",
    "profit_class",
];

pub(super) fn render(a: &Analysis, by: Dimension) -> Result<Vec<u8>, ReportError> {
    // Notices come first as `#` comment lines, which spreadsheet imports show and CSV
    // tools can be told to skip: a lenient run must not look like a complete one.
    let mut top = Vec::new();
    for n in &a.summary.notices {
        top.extend_from_slice(format!("# NOTE: {n}\n").as_bytes());
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(top);
    match by {
        Dimension::Supplier => {
            let mut h = vec!["supplier_id", "supplier_name"];
            h.extend(ABC_HEADER);
            h.extend([
                "relationship_type",
                "abc_cell",
                "decided_by",
                "categories",
                "procurement_methods",
                "contract_horizon",
                "review",
                "relationship_level",
                "exceptions",
            ]);
            w.write_record(&h)?;
            for (i, s) in a.suppliers.iter().enumerate() {
                // Plans come in the suppliers' order: look one up only when it does not.
                let plan = a
                    .advice
                    .suppliers
                    .get(i)
                    .filter(|p| *p.supplier_id == *s.id)
                    .or_else(|| a.advice.supplier(&s.id));
                let mut row = vec![s.id.clone(), s.name.clone()];
                row.extend(abc_columns(&s.abc));
                let exceptions: Vec<String> = s
                    .categories
                    .iter()
                    .flat_map(|p| p.classification.exceptions.iter())
                    .chain(&s.exceptions)
                    .map(|x| x.id.clone())
                    .fold(Vec::new(), |mut v, id| {
                        if !v.contains(&id) {
                            v.push(id);
                        }
                        v
                    });
                let methods: Vec<String> = plan
                    .map(|p| {
                        p.methods
                            .iter()
                            .map(|m| format!("{}:{}", m.category, m.methods.join("+")))
                            .collect()
                    })
                    .unwrap_or_default();
                row.extend([
                    s.relationship_type.id().to_string(),
                    s.abc_cell.to_string(),
                    s.decided_by_categories.join(" "),
                    s.categories
                        .iter()
                        .map(|p| p.category.clone())
                        .collect::<Vec<_>>()
                        .join(" "),
                    methods.join(" "),
                    plan.map(|p| p.contract_horizon.to_string())
                        .unwrap_or_default(),
                    plan.map(|p| p.review.to_string()).unwrap_or_default(),
                    plan.map(|p| p.relationship_level.to_string())
                        .unwrap_or_default(),
                    exceptions.join(" "),
                ]);
                w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
            }
        }
        Dimension::Category => {
            let mut h = vec!["category", "category_name"];
            h.extend(ABC_HEADER);
            h.extend([
                "relationship_type",
                "abc_cell",
                "suppliers",
                "top_share",
                "hhi",
                "sourcing",
                "proposal",
                "moves",
            ]);
            w.write_record(&h)?;
            for (i, c) in a.categories.iter().enumerate() {
                let plan = a
                    .advice
                    .categories
                    .get(i)
                    .map(|p| &**p)
                    .filter(|p| p.category == c.id)
                    .or_else(|| a.advice.category(&c.id));
                let mut row = vec![c.id.clone(), c.name.clone()];
                row.extend(abc_columns(&c.abc));
                row.extend([
                    c.classification.relationship_type.id().to_string(),
                    c.abc.cell().to_string(),
                    c.suppliers.len().to_string(),
                    plan.map(|p| exact(p.top_share)).unwrap_or_default(),
                    plan.map(|p| exact(p.hhi)).unwrap_or_default(),
                    plan.map(|p| format!("{:?}", p.sourcing).to_lowercase())
                        .unwrap_or_default(),
                    plan.map(|p| {
                        p.allocations
                            .iter()
                            .map(|x| {
                                format!(
                                    "{}={}{}",
                                    x.supplier_id,
                                    x.role.id(),
                                    x.proposed_share
                                        .map(|s| format!(":{}", exact(s)))
                                        .unwrap_or_default()
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default(),
                    plan.map(|p| {
                        p.moves
                            .iter()
                            .map(|m| format!("{}>{}:{}", m.from, m.to, money(m.amount)))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default(),
                ]);
                w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
            }
        }
        Dimension::Item => {
            let mut h = vec!["item_id"];
            h.extend(ABC_HEADER);
            h.extend(["abc_cell", "suppliers"]);
            w.write_record(&h)?;
            for i in &a.items {
                let mut row = vec![i.id().to_string()];
                row.extend(abc_columns(&i.abc));
                row.extend([i.abc.cell().to_string(), i.suppliers.to_string()]);
                w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
            }
        }
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| ReportError::Csv(csv::Error::from(e.into_error())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised_and_numbers_are_not() {
        for bad in [
            "=1+1",
            "+SUM(A1)",
            "-2+3",
            "@cmd",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(neutralise(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["-12.50", "+3", "S-001", "Müller & Co", "", "0.25"] {
            assert_eq!(neutralise(fine), fine, "{fine:?}");
        }
    }

    proptest::proptest! {
        /// Whatever the text, the written cell is either a number or does not start with a
        /// character a spreadsheet would run as a formula.
        #[test]
        fn no_cell_starts_a_formula(t in ".*") {
            let c = neutralise(&t);
            proptest::prop_assert!(
                c.parse::<rust_decimal::Decimal>().is_ok()
                    || !c.starts_with(['=', '+', '-', '@', '\t', '\r'])
            );
        }
    }
}
