//! Any ledger, however odd, gives an analysis or a clear error, never a panic; and every
//! analysis renders in every format, for every view, with its advice.
//!
//! The ledgers are the random ones of the fast-path differential test (quirks of real
//! exports, bad values, amounts near the largest a `Decimal` holds), read leniently so
//! that the rows left make it through to the analysis.

use crate::common::temp_dir;
use crate::fast_differential::ledger;
use procura::analysis::Dimension;
use procura::pipeline::{Inputs, run};
use procura::report::{Format, render, render_advice};
use procura::rules::RuleSet;
use proptest::prelude::*;
use std::sync::OnceLock;

/// The formats whose output depends on the view (`--by`), rendered for each view.
const BY_VIEW: [Format; 4] = [Format::Table, Format::Csv, Format::Json, Format::BenchCsv];
/// The full reports: one page or workbook with every view, rendered once (they are the
/// slow ones in a debug build).
const WHOLE: [Format; 3] = [Format::Markdown, Format::Html, Format::Xlsx];

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::default_rules().expect("default rules"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::common::cases(48), ..ProptestConfig::default() })]

    #[test]
    fn any_ledger_is_analysed_and_rendered_or_refused_with_a_reason(l in ledger()) {
        let dir = temp_dir("any-ledger");
        let path = dir.join("ledger.csv");
        std::fs::write(&path, l.bytes()).expect("write ledger");
        let inputs = Inputs {
            ledgers: vec![path],
            lenient: true,
            ..Inputs::default()
        };
        let a = match run(&inputs, rules()) {
            Ok(a) => a,
            Err(e) => {
                // Refused (no rows left, currencies mixed…): with a message that says why.
                prop_assert!(!e.to_string().trim().is_empty());
                return Ok(());
            }
        };
        let by_supplier: rust_decimal::Decimal =
            a.suppliers.iter().map(|s| s.abc.spend.value).sum();
        prop_assert_eq!(by_supplier, a.summary.total_spend);
        for format in BY_VIEW {
            for by in [Dimension::Supplier, Dimension::Category, Dimension::Item] {
                let out = render(&a, by, format);
                prop_assert!(out.is_ok(), "{:?} by {:?}: {:?}", format, by, out.err());
            }
            for by in [None, Some(Dimension::Supplier), Some(Dimension::Category)] {
                let out = render_advice(&a, format, by);
                prop_assert!(out.is_ok(), "advice {:?} by {:?}: {:?}", format, by, out.err());
            }
        }
        for format in WHOLE {
            let out = render(&a, Dimension::Supplier, format);
            prop_assert!(out.is_ok(), "{:?}: {:?}", format, out.err());
            let out = render_advice(&a, format, None);
            prop_assert!(out.is_ok(), "advice {:?}: {:?}", format, out.err());
        }
    }
}
