//! Reading real-world exports: each style in fixtures/exports/ reads to the same totals as
//! its clean UTF-8 twin, `procura check` on each is pinned, and bad rows are rejected with
//! what and where (strict) or left out with a notice at the top (lenient).

use crate::common::{procura, root};
use procura::ledger::ReadOptions;
use procura::pipeline::{self, Inputs};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;

const CZECH_COLUMNS: &str =
    "supplier_id=IČO,supplier_name=Dodavatel,amount=Částka bez DPH,currency=Měna";
const FX: &str = "fixtures/exports/multi_currency.fx.csv";

fn export(name: &str) -> PathBuf {
    root().join("fixtures/exports").join(name)
}

/// Spend and lines per (supplier, category), the currencies and the period of a read.
type Totals = (
    BTreeMap<(String, String), (Decimal, u64)>,
    Vec<String>,
    Option<(String, String)>,
);

fn totals(inputs: &Inputs) -> Totals {
    let ledger = pipeline::inspect(inputs).expect("reads");
    for f in &ledger.files {
        assert_eq!(f.rows_rejected, 0, "{}: {:?}", f.file, f.rejected);
        assert_eq!(
            f.rows_read,
            f.rows_used + f.rows_skipped() + f.rows_rejected
        );
        assert_eq!(ledger.cube.total_spend(), f.amount_total);
    }
    let cube = &ledger.cube;
    let per = cube
        .sum_by(|k| {
            (
                cube.suppliers.name(k.supplier).to_string(),
                cube.categories.name(k.category).to_string(),
            )
        })
        .into_iter()
        .map(|(k, c)| (k, (c.spend.normalize(), c.lines)))
        .collect();
    (per, cube.currencies.clone(), cube.period.clone())
}

fn assert_same_as_twin(name: &str, read: ReadOptions, fx: Option<&str>) {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let styled = totals(&Inputs {
        ledgers: vec![export(name)],
        read,
        fx: fx.map(|f| root().join(f)),
        ..Inputs::default()
    });
    let twin = totals(&Inputs {
        ledgers: vec![export(&format!("{stem}.twin.csv"))],
        ..Inputs::default()
    });
    assert!(!styled.0.is_empty(), "{name}: nothing read");
    assert_eq!(styled, twin, "{name} and its twin differ");
}

#[test]
fn each_export_style_reads_to_the_totals_of_its_clean_twin() {
    assert_same_as_twin("1c_windows1251.csv", ReadOptions::default(), None);
    assert_same_as_twin("sap_list_windows1252.txt", ReadOptions::default(), None);
    assert_same_as_twin("odoo_purchase.csv", ReadOptions::default(), None);
    assert_same_as_twin("excel_unicode_text.txt", ReadOptions::default(), None);
    assert_same_as_twin("excel_workbook.xlsx", ReadOptions::default(), None);
    let czech = ReadOptions {
        columns: CZECH_COLUMNS.parse().expect("mapping"),
        ..ReadOptions::default()
    };
    assert_same_as_twin("czech_windows1250.csv", czech, None);
    assert_same_as_twin("multi_currency.csv", ReadOptions::default(), Some(FX));
    assert_same_as_twin("bench_eu.csv", ReadOptions::default(), None);
}

/// Runs procura and returns stdout, then stderr and the exit code, as one text to pin.
fn run(args: &[&str]) -> String {
    let out = procura(args);
    format!(
        "{}--- stderr ---\n{}--- exit: {:?}\n",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status.code()
    )
}

#[test]
fn check_1c_windows1251() {
    insta::assert_snapshot!(run(&["check", "fixtures/exports/1c_windows1251.csv"]));
}

#[test]
fn check_sap_list_windows1252() {
    insta::assert_snapshot!(run(&["check", "fixtures/exports/sap_list_windows1252.txt"]));
}

#[test]
fn check_odoo_purchase() {
    insta::assert_snapshot!(run(&["check", "fixtures/exports/odoo_purchase.csv"]));
}

#[test]
fn check_excel_unicode_text() {
    insta::assert_snapshot!(run(&["check", "fixtures/exports/excel_unicode_text.txt"]));
}

#[test]
fn check_excel_workbook() {
    insta::assert_snapshot!(run(&["check", "fixtures/exports/excel_workbook.xlsx"]));
}

#[test]
fn check_czech_windows1250_needs_and_takes_columns() {
    insta::assert_snapshot!(run(&["check", "fixtures/exports/czech_windows1250.csv"]));
    insta::assert_snapshot!(run(&[
        "check",
        "fixtures/exports/czech_windows1250.csv",
        "--columns",
        CZECH_COLUMNS
    ]));
}

#[test]
fn check_multi_currency_with_fx() {
    insta::assert_snapshot!(run(&[
        "check",
        "fixtures/exports/multi_currency.csv",
        "--fx",
        FX
    ]));
}

#[test]
fn check_json_of_a_broken_ledger() {
    insta::assert_snapshot!(run(&[
        "check",
        "fixtures/exports/broken.csv",
        "--format",
        "json"
    ]));
}

#[test]
fn mixed_currencies_without_rates_are_an_error_that_lists_them() {
    insta::assert_snapshot!(run(&["analyze", "fixtures/exports/multi_currency.csv"]));
}

#[test]
fn converted_currencies_are_named_at_the_top_of_the_report() {
    insta::assert_snapshot!(run(&[
        "analyze",
        "fixtures/exports/multi_currency.csv",
        "--fx",
        FX,
        "--format",
        "md"
    ]));
}

#[test]
fn strict_by_default_a_rejected_row_stops_the_run_and_writes_nothing() {
    let dir = crate::common::temp_dir("ledger-strict");
    let out = dir.join("report.csv");
    let text = run(&[
        "analyze",
        "fixtures/exports/broken.csv",
        "--output",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(!out.exists(), "a strict run wrote its report");
    insta::assert_snapshot!(text);
}

#[test]
fn lenient_says_so_at_the_top_of_every_format() {
    for format in ["table", "csv", "json", "md"] {
        let out = procura(&[
            "analyze",
            "fixtures/exports/broken.csv",
            "--lenient",
            "--format",
            format,
        ]);
        assert!(out.status.success(), "{format}: {:?}", out.status);
        let text = String::from_utf8_lossy(&out.stdout);
        let head: String = text.lines().take(4).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("LENIENT RUN: 5 rejected rows were left out"),
            "{format}: {head}"
        );
    }
    // HTML, and the one-supplier page: the notice comes before any table.
    for args in [
        &["analyze", "--format", "html"][..],
        &["report", "S1", "--format", "html"][..],
        &["report", "S1", "--format", "md"][..],
    ] {
        let mut all = args.to_vec();
        all.extend(["fixtures/exports/broken.csv", "--lenient"]);
        let out = procura(&all);
        assert!(out.status.success(), "{args:?}: {:?}", out.status);
        let text = String::from_utf8_lossy(&out.stdout);
        let notice = text.find("LENIENT RUN").expect("a notice");
        let first_table = text
            .find("<table")
            .or_else(|| text.find("| "))
            .unwrap_or(text.len());
        assert!(
            notice < first_table,
            "{args:?}: the notice is not at the top"
        );
    }
    // Workbooks: the notice is in the first rows of the first sheet.
    let dir = crate::common::temp_dir("ledger-lenient-xlsx");
    for (name, args) in [
        ("analysis.xlsx", &["analyze"][..]),
        ("s1.xlsx", &["report", "S1"][..]),
    ] {
        let path = dir.join(name);
        let mut all = args.to_vec();
        let p = path.to_str().expect("utf-8 path");
        all.extend([
            "fixtures/exports/broken.csv",
            "--lenient",
            "--format",
            "xlsx",
            "--output",
            p,
        ]);
        assert!(procura(&all).status.success(), "{args:?}");
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto(&path).expect("a workbook");
        let sheet = book
            .worksheet_range_at(0)
            .expect("a sheet")
            .expect("readable");
        let top: Vec<String> = sheet
            .rows()
            .take(4)
            .flatten()
            .map(|c| c.to_string())
            .collect();
        assert!(
            top.iter().any(|c| c.contains("LENIENT RUN")),
            "{name}: {top:?}"
        );
    }
    for format in ["table", "csv", "json", "md"] {
        let out = procura(&[
            "advise",
            "fixtures/exports/broken.csv",
            "--lenient",
            "--format",
            format,
        ]);
        assert!(out.status.success(), "advise {format}: {:?}", out.status);
        let text = String::from_utf8_lossy(&out.stdout);
        let head: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
        assert!(head.contains("LENIENT RUN"), "advise {format}: {head}");
    }
    insta::assert_snapshot!(run(&[
        "analyze",
        "fixtures/exports/broken.csv",
        "--lenient",
        "--format",
        "csv"
    ]));
}

#[test]
fn an_ambiguous_decimal_asks_for_decimal_and_the_option_settles_it() {
    let dir = crate::common::temp_dir("ledger-ambiguous");
    let path = crate::common::write(&dir, "l.csv", "Vendor;Amount\nA;1,234\nB;7\n");
    let p = path.to_str().expect("utf-8 path");
    let out = procura(&["check", p]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("l.csv:2, column 2 (Amount): \"1,234\" reads as 1234 with a decimal point and as 1.234 with a decimal comma"), "{err}");
    let out = procura(&["check", p, "--decimal", ","]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("money used: 8.234 (no currency given)"));
}
