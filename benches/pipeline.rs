//! Benches of the stages that matter on big ledgers: the parser (fast path on one and on
//! two threads, and the general reader), the aggregation (adding lines to the spend cube,
//! merging cubes) and the classifier (classification and advice for 20,000 suppliers).
//!
//! `cargo bench --bench pipeline`. The ledgers are generated (benches/support) into the
//! temporary directory; `scripts/bench.sh` measures the whole program against the
//! baselines.

#[path = "support/ledger_gen.rs"]
mod ledger_gen;

use divan::{Bencher, black_box};
use ledger_gen::{Shape, ledger};
use procura::analysis;
use procura::ledger::{FastOptions, read_ledger, read_ledger_fast};
use procura::profiles::Profiles;
use procura::rules::RuleSet;
use procura::spend::{PurchaseLine, SpendCube};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

/// A 200,000-row ledger (about 16 MB) written once per run.
fn ledger_file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let p = std::env::temp_dir().join(format!("procura-bench-{}.csv", std::process::id()));
        let text = ledger(Shape {
            rows: 200_000,
            suppliers: 2_000,
            ..Shape::default()
        });
        std::fs::write(&p, text).expect("write the bench ledger");
        p
    })
}

mod parser {
    use super::*;

    #[divan::bench(args = [1, 2])]
    fn fast_path(bencher: Bencher, threads: usize) {
        let path = ledger_file();
        bencher.bench(|| {
            read_ledger_fast(
                black_box(path),
                FastOptions {
                    threads,
                    ..FastOptions::default()
                },
            )
            .expect("handled")
        });
    }

    #[divan::bench(sample_count = 10)]
    fn general_reader(bencher: Bencher) {
        let path = ledger_file();
        bencher.bench(|| {
            let mut cube = SpendCube::default();
            read_ledger(black_box(path), &mut cube).expect("reads");
            cube
        });
    }
}

mod aggregation {
    use super::*;

    /// Owned purchase lines, so the bench measures the cube and not the parser.
    fn lines(n: usize) -> Vec<(String, String, String, Decimal)> {
        (0..n)
            .map(|i| {
                let s = (i * 7919) % 5_000;
                (
                    format!("S{s:06}"),
                    format!("CAT-{:03}", s % 200),
                    format!("I{:07}", (i * 104_729) % 50_000),
                    Decimal::new((i % 10_000) as i64 - 100, 2),
                )
            })
            .collect()
    }

    #[divan::bench]
    fn add_100k_lines(bencher: Bencher) {
        let input = lines(100_000);
        bencher.bench(|| {
            let mut cube = SpendCube::default();
            for (s, c, i, amount) in &input {
                cube.add(&PurchaseLine {
                    supplier_id: s,
                    supplier_name: None,
                    category: c,
                    item_id: i,
                    amount: *amount,
                    profit: None,
                    date: None,
                    currency: None,
                });
            }
            cube
        });
    }

    #[divan::bench]
    fn merge_two_halves(bencher: Bencher) {
        let path = ledger_file();
        let (cube, _) = read_ledger_fast(path, FastOptions::default()).expect("handled");
        bencher
            .with_inputs(|| (cube.clone(), cube.clone()))
            .bench_values(|(mut a, b)| {
                a.merge(b);
                a
            });
    }
}

mod classifier {
    use super::*;

    /// Classification and advice (the analysis without reading) for 20,000 suppliers.
    #[divan::bench(sample_count = 10)]
    fn analyze_20k_suppliers(bencher: Bencher) {
        let dir =
            std::env::temp_dir().join(format!("procura-bench-20k-{}.csv", std::process::id()));
        std::fs::write(
            &dir,
            ledger(Shape {
                rows: 300_000,
                suppliers: 20_000,
                ..Shape::default()
            }),
        )
        .expect("write");
        let (cube, _) = read_ledger_fast(&dir, FastOptions::default()).expect("handled");
        let _ = std::fs::remove_file(&dir);
        let rules = RuleSet::default_rules().expect("rules");
        let profiles = Profiles::default();
        bencher.bench(|| analysis::analyze(black_box(&cube), &rules, &profiles).expect("runs"));
    }
}
