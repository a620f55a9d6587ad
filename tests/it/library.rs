//! The library used the way an embedding program would, without the binary.

use procura::analysis::analyze;
use procura::profiles::Profiles;
use procura::relationship::RelationshipType;
use procura::rules::RuleSet;
use procura::spend::{PurchaseLine, SpendCube};
use rust_decimal::Decimal;
use std::path::Path;

#[test]
fn a_program_can_classify_from_its_own_lines() {
    let rules = RuleSet::default_rules().expect("shipped rules load");
    let profiles = Profiles::from_toml(
        "[categories.RAW-MEAT]\ncriticality = \"strategic\"\nquality = \"customized\"\nsuppliers_in_market = 2\n",
        Path::new("inline.toml"),
        &rules,
    )
    .expect("profiles");
    let mut cube = SpendCube::default();
    for (s, c, amount) in [("S1", "RAW-MEAT", 900), ("S2", "OFF-PAPER", 100)] {
        cube.add(&PurchaseLine {
            supplier_id: s,
            supplier_name: None,
            category: c,
            item_id: "",
            amount: Decimal::from(amount),
            profit: None,
            date: None,
            currency: Some("EUR"),
        });
    }
    let a = analyze(&cube, &rules, &profiles).expect("analysis");
    let s1 = a.supplier("S1").expect("S1");
    assert_eq!(s1.relationship_type, RelationshipType::Partnership);
    let s2 = a.supplier("S2").expect("S2");
    assert_eq!(
        s2.relationship_type,
        RelationshipType::EconomicOpportunistic
    );
    assert_eq!(a.summary.total_spend, Decimal::from(1000));
}

#[test]
fn every_type_appears_on_the_fixtures() {
    let rules = RuleSet::default_rules().expect("rules");
    let inputs = procura::pipeline::Inputs {
        ledgers: vec![crate::common::fixture("food_ledger.csv")],
        profiles: Some(crate::common::fixture("food_profiles.toml")),
        profit: None,
        ..Default::default()
    };
    let a = procura::pipeline::run(&inputs, &rules).expect("analysis");
    for t in RelationshipType::ALL {
        assert!(
            a.suppliers.iter().any(|s| s.relationship_type == t),
            "no supplier of type {t}"
        );
    }
    for id in [
        "monopoly-standard-important",
        "monopoly-standard",
        "no-bidders",
        "core-problematic-supply",
        "non-critical-non-standard",
        "mutual-dependence",
        "not-interested-in-volume",
    ] {
        let applied = a.suppliers.iter().any(|s| {
            s.exceptions.iter().any(|x| x.id == id)
                || s.categories
                    .iter()
                    .any(|p| p.classification.exceptions.iter().any(|x| x.id == id))
        }) || a
            .categories
            .iter()
            .any(|c| c.classification.exceptions.iter().any(|x| x.id == id));
        assert!(applied, "exception {id} never applies on the fixtures");
    }
    // Every supplier has both classes and a type; the sums are preserved.
    let spend: Decimal = a.suppliers.iter().map(|s| s.abc.spend.value).sum();
    assert_eq!(spend, a.summary.total_spend);
    assert!(a.suppliers.iter().all(|s| s.abc.profit.is_some()));
}

#[test]
fn the_progress_counter_ends_at_the_bytes_of_the_ledger() {
    // A clean file (fast path) and a 1C export (general reader): a program drawing its
    // own progress display sees the whole input counted.
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    for file in [
        "fixtures/food_ledger.csv",
        "fixtures/exports/1c_windows1251.csv",
    ] {
        let counter = Arc::new(AtomicU64::new(0));
        let inputs = procura::pipeline::Inputs {
            ledgers: vec![Path::new(file).to_path_buf()],
            progress: Some(Arc::clone(&counter)),
            ..Default::default()
        };
        procura::pipeline::read(&inputs).expect("reads");
        let size = std::fs::metadata(file).expect("fixture").len();
        assert_eq!(counter.load(Ordering::Relaxed), size, "{file}");
    }
}
