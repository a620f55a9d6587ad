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

/// A small analysis through the library: (supplier, category, amount) lines and profiles.
fn analyse(lines: &[(&str, &str, i64)], profiles: &str) -> procura::analysis::Analysis {
    use procura::spend::{PurchaseLine, SpendCube};
    let rules = procura::rules::RuleSet::default_rules().expect("rules");
    let profiles = procura::profiles::Profiles::from_toml(
        profiles,
        std::path::Path::new("inline.toml"),
        &rules,
    )
    .expect("profiles");
    let mut cube = SpendCube::default();
    // The first line on New Year's Day, the others at the end of June: a half-year ledger.
    for (i, (s, c, amount)) in lines.iter().enumerate() {
        cube.add(&PurchaseLine {
            supplier_id: s,
            supplier_name: None,
            category: c,
            item_id: "",
            amount: rust_decimal::Decimal::from(*amount),
            profit: None,
            date: Some(if i == 0 { "2025-01-01" } else { "2025-06-30" }),
            currency: Some("EUR"),
        });
    }
    procura::analysis::analyze(&cube, &rules, &profiles).expect("analysis")
}

#[test]
fn a_single_source_in_partial_competition_gets_a_qualified_background_supplier() {
    let a = analyse(
        &[("S1", "FILM", 400), ("S1", "FILM", 600)],
        "[categories.FILM]\ncriticality = \"core\"\nsuppliers_in_market = 8\nqualified_suppliers = [\"Q9\"]\n\n[suppliers.Q9]\nname = \"Qualified Films\"\n",
    );
    let plan = a.advice.category("FILM").expect("plan");
    let roles: Vec<(&str, &str)> = plan
        .allocations
        .iter()
        .map(|x| (&*x.supplier_id, x.role.id()))
        .collect();
    assert_eq!(roles, [("S1", "main"), ("Q9", "candidate")]);
    assert_eq!(plan.moves.len(), 1);
    assert_eq!(plan.moves[0].amount, rust_decimal::Decimal::from(300));
    // Half a year is not about a year, so the money is per period.
    assert_eq!(
        plan.moves[0].text(),
        "move 300.00 EUR over the period (181 days, 2025-01-01 to 2025-06-30) from S1 to Q9"
    );
    assert!(plan.notes[0].contains("qualify Q9 (Qualified Films)"));
}

#[test]
fn no_free_capacity_sends_the_buyer_to_the_ways_out() {
    let a = analyse(
        &[("BIG", "FLOUR", 900), ("KEEN", "FLOUR", 100)],
        "[categories.FLOUR]\ncriticality = \"core\"\nsuppliers_in_market = 8\n\n[suppliers.BIG]\ninterested_in_our_volume = false\nfree_capacity = false\nour_share_of_supplier_revenue = 0.5\n\n[suppliers.KEEN]\ninterested_in_our_volume = true\ncapacity = \"small\"\n",
    );
    let plan = a.advice.supplier("BIG").expect("plan");
    let guide = plan
        .guides
        .iter()
        .find(|g| g.exception == "not-interested-in-volume")
        .expect("guide");
    let rules: Vec<&str> = guide.steps.iter().map(|s| s.rule.as_str()).collect();
    assert_eq!(
        rules,
        [
            "advice.guides.not-interested-in-volume.free-capacity-no",
            "advice.guides.not-interested-in-volume.ways.small-keen-supplier",
            "advice.guides.not-interested-in-volume.ways.creative-negotiation",
            "advice.guides.not-interested-in-volume.ways.make-or-buy",
            "advice.guides.not-interested-in-volume.ways.joint-purchasing",
            "advice.guides.not-interested-in-volume.warning",
        ],
        "a keen small supplier fits; we are half its revenue, so joint purchasing does not"
    );
    assert!(guide.steps[1].text.contains("KEEN"));
    // Mutual dependence is flagged too, whatever the type.
    assert!(
        plan.guides
            .iter()
            .any(|g| g.exception == "mutual-dependence")
    );
}

#[test]
fn by_limits_the_report_to_the_category_plans_or_the_supplier_actions() {
    let cats = ok(&["advise", FOOD, "--profiles", PROFILES, "--by", "category"]);
    assert!(cats.contains("== Category plans ==") && cats.contains("== Supply risks =="));
    assert!(!cats.contains("== Supplier actions =="));
    let sups = ok(&[
        "advise",
        FOOD,
        "--profiles",
        PROFILES,
        "--by",
        "supplier",
        "--format",
        "csv",
    ]);
    assert!(
        sups.lines().skip(1).all(|l| l.starts_with("method,")
            || l.starts_with("action,")
            || l.starts_with("review,"))
    );
    // Both parts together are the whole report.
    let all = food("csv");
    let cats = ok(&[
        "advise",
        FOOD,
        "--profiles",
        PROFILES,
        "--scorecard",
        SCORECARD,
        "--by",
        "category",
        "--format",
        "csv",
    ]);
    let sups = ok(&[
        "advise",
        FOOD,
        "--profiles",
        PROFILES,
        "--scorecard",
        SCORECARD,
        "--by",
        "supplier",
        "--format",
        "csv",
    ]);
    assert_eq!(
        cats.lines().count() + sups.lines().count() - 1,
        all.lines().count()
    );
}

#[test]
fn related_backups_are_the_other_suppliers_of_the_group_by_their_spend_there() {
    // PAPER is single-sourced (S1). Its group holds BOXES and TAPE: their suppliers are
    // the related backups, each under its largest other category of the group, ranked by
    // its spend there (ties by id); S1 itself serves PAPER, and OIL is in no group.
    let a = analyse(
        &[
            ("S1", "PAPER", 1000),
            ("S1", "BOXES", 50),
            ("B2", "BOXES", 300),
            ("B2", "TAPE", 700),
            ("A3", "TAPE", 300),
            ("Z4", "BOXES", 300),
            ("O5", "OIL", 900),
        ],
        "[categories.PAPER]\ncriticality = \"core\"\ngroup = \"packaging\"\n\n\
         [categories.BOXES]\ngroup = \"packaging\"\n\n[categories.TAPE]\ngroup = \"packaging\"\n",
    );
    let risk = a
        .advice
        .risks
        .iter()
        .find(|r| r.id == "single-source" && r.subject == "PAPER")
        .expect("PAPER single-source risk");
    let backups: Vec<(&str, &str, &str)> = risk
        .backup_candidates
        .iter()
        .map(|c| (c.supplier_id.as_str(), c.rule.as_str(), c.why.as_str()))
        .collect();
    let related = |s, c| {
        (
            s,
            "advice.risks.related",
            format!("already serves the related category {c} (group packaging)"),
        )
    };
    let expected = [
        related("B2", "TAPE"),
        related("A3", "TAPE"),
        related("Z4", "BOXES"),
    ];
    assert_eq!(
        backups,
        expected
            .iter()
            .map(|(s, r, w)| (*s, *r, w.as_str()))
            .collect::<Vec<_>>()
    );
}
