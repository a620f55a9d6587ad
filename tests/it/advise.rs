//! `procura advise` on the fixtures, pinned with insta: the "done when" — every
//! category has a plan with numbers, the 95:5 category gets a 70/30 proposal with the money
//! to move, the single-sourced core category a named backup, the supplier not interested
//! in our volumes the guided sequence — and the scorecard review.

use crate::common::{ok, procura, temp_dir, write};
use serde_json::Value;

const FOOD: &str = "fixtures/food_ledger.csv";
const PROFILES: &str = "fixtures/food_profiles.toml";
const SCORECARD: &str = "fixtures/food_scorecard.csv";
const TINY: &str = "fixtures/tiny_ledger.csv";

fn food(format: &str) -> String {
    ok(&[
        "advise",
        FOOD,
        "--profiles",
        PROFILES,
        "--scorecard",
        SCORECARD,
        "--format",
        format,
    ])
}

fn json() -> Value {
    serde_json::from_str(&food("json")).expect("valid JSON")
}

fn find<'a>(list: &'a Value, key: &str, id: &str) -> &'a Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|x| x[key] == id)
        .unwrap_or_else(|| panic!("{key} = {id} in the list"))
}

#[test]
fn advise_food_table() {
    insta::assert_snapshot!(food("table"));
}

#[test]
fn advise_food_markdown() {
    insta::assert_snapshot!(food("md"));
}

#[test]
fn advise_food_csv() {
    insta::assert_snapshot!(food("csv"));
}

#[test]
fn every_category_gets_a_plan_with_numbers() {
    let v = json();
    let plans = v["advice"]["categories"].as_array().expect("plans");
    assert_eq!(plans.len(), 18);
    for p in plans {
        let id = p["category"].as_str().expect("id");
        assert!(p["spend"].is_string(), "{id}: spend");
        assert!(p["hhi"].is_string(), "{id}: HHI");
        assert!(p["top_share"].is_string(), "{id}: top-1 share");
        assert!(
            p["rule"].as_str().is_some_and(|r| !r.is_empty()),
            "{id}: rule"
        );
        let allocations = p["allocations"].as_array().expect("allocations");
        assert!(!allocations.is_empty(), "{id}: allocations");
        for a in allocations {
            assert!(a["current_share"].is_string(), "{id}: current share");
            assert!(
                a["why"].as_str().is_some_and(|w| !w.is_empty()),
                "{id}: why"
            );
            assert!(
                a["rule"].as_str().is_some_and(|r| !r.is_empty()),
                "{id}: rule"
            );
        }
    }
}

#[test]
fn the_95_5_category_gets_a_70_30_proposal_with_the_money_to_move() {
    let v = json();
    let film = find(&v["advice"]["categories"], "category", "PKG-FILM");
    insta::assert_json_snapshot!("advise_pkg_film_plan", film);
    let main = find(&film["allocations"], "supplier_id", "S-005");
    let background = find(&film["allocations"], "supplier_id", "S-037");
    assert_eq!(main["current_share"], "0.95");
    assert_eq!(main["proposed_share"], "0.7");
    assert_eq!(background["proposed_share"], "0.3");
    assert_eq!(film["moves"][0]["amount"], "312442.05");
    assert_eq!(
        film["moves"][0]["text"],
        "move 312,442.05 EUR/year from S-005 to S-037"
    );
}

#[test]
fn the_single_sourced_core_category_gets_a_named_backup() {
    let v = json();
    let risk = v["advice"]["risks"]
        .as_array()
        .expect("risks")
        .iter()
        .find(|r| r["id"] == "single-source" && r["subject"] == "RAW-MEAT")
        .expect("RAW-MEAT single-source risk");
    insta::assert_json_snapshot!("advise_raw_meat_risk", risk);
    assert_eq!(risk["backup_candidates"][0]["supplier_id"], "S-045");
    assert_eq!(
        risk["backup_candidates"][0]["name"],
        "Schlachthof Südmark eG"
    );
    // Realistic groups: no supplier of another raw material is proposed for sugar.
    let sugar = v["advice"]["risks"]
        .as_array()
        .expect("risks")
        .iter()
        .find(|r| r["subject"] == "RAW-SUGAR")
        .expect("RAW-SUGAR risk");
    assert_eq!(sugar["backup_candidates"], serde_json::json!([]));
}

#[test]
fn a_supplier_not_interested_in_our_volumes_gets_the_guided_sequence() {
    let v = json();
    let s010 = find(&v["advice"]["suppliers"], "supplier_id", "S-010");
    let guide = find(&s010["guides"], "exception", "not-interested-in-volume");
    insta::assert_json_snapshot!("advise_s010_guide", guide);
    let steps = guide["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 6, "check capacity, four ways out, the warning");
    assert_eq!(
        steps[0]["rule"],
        "advice.guides.not-interested-in-volume.free-capacity-unknown"
    );
    assert_eq!(
        steps[5]["rule"],
        "advice.guides.not-interested-in-volume.warning"
    );
    // With free capacity known, the first step is to use it as a card.
    let s011 = find(&v["advice"]["suppliers"], "supplier_id", "S-011");
    let guide = find(&s011["guides"], "exception", "not-interested-in-volume");
    assert_eq!(
        guide["steps"][0]["rule"],
        "advice.guides.not-interested-in-volume.free-capacity-yes"
    );
    assert!(
        guide["steps"][1]["text"]
            .as_str()
            .is_some_and(|t| t.contains("S-026")),
        "the small dairy keen to grow fits first"
    );
}

#[test]
fn the_scorecard_act_cells_become_actions() {
    let v = json();
    let s014 = find(&v["advice"]["suppliers"], "supplier_id", "S-014");
    insta::assert_json_snapshot!("advise_s014_scorecard", s014["scorecard"]);
    let acts: Vec<&str> = s014["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| a["kind"] == "review")
        .map(|a| a["rule"].as_str().expect("rule"))
        .collect();
    assert_eq!(acts, ["advice.scorecard.act-action"; 2]);
}

#[test]
fn explain_shows_the_rules_of_the_advice() {
    insta::assert_snapshot!(ok(&["explain", "S-010", FOOD, "--profiles", PROFILES]));
}

#[test]
fn a_period_other_than_a_year_is_named_as_such() {
    let text = ok(&["advise", TINY, "--format", "json"]);
    let v: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["advice"]["period"]["days"], 160);
    assert_eq!(v["advice"]["period"]["about_a_year"], false);
    assert_eq!(
        v["advice"]["period"]["per"],
        "EUR over the period (160 days, 2025-01-08 to 2025-06-16)"
    );
}

#[test]
fn advice_is_byte_identical_across_runs() {
    assert_eq!(food("csv"), food("csv"));
}

#[test]
fn a_bad_scorecard_names_file_line_column_and_value() {
    let dir = temp_dir("scorecard");
    let unknown = write(
        &dir,
        "sc.csv",
        "supplier_id,criterion,importance,performance\nS-0100,on-time,5,2\n",
    );
    let out = procura(&[
        "advise",
        FOOD,
        "--scorecard",
        unknown.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sc.csv:2:1: supplier \"S-0100\""), "{err}");
    assert!(err.contains("did you mean S-010"), "{err}");
    assert!(out.stdout.is_empty());
    let scale = write(
        &dir,
        "scale.csv",
        "supplier_id,criterion,importance,performance\nS-010,on-time,9,2\n",
    );
    let out = procura(&["advise", FOOD, "--scorecard", scale.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("scale.csv:2:3: `importance` is 9"), "{err}");
}
