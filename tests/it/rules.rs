//! Rule files: `procura rules check` and `rules show`, one snapshot per kind of problem,
//! layering, and a property test that no edit of the default file makes the checker panic
//! or report a problem without a position.

use crate::common::{ok, procura, root, temp_dir, write};
use procura::rules::{self, DEFAULT_RULES, Diagnostic, RuleSet, RuleSource, Severity};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Checks `text` as a company file layered on the shipped default, and renders the problems
/// as `procura rules check` prints them (without colour).
fn check_override(text: &str) -> (Vec<Diagnostic>, String) {
    let checked = rules::check(vec![
        RuleSource::default_rules(),
        RuleSource::new("company.toml", text),
    ]);
    let rendered = rules::render(&checked.diagnostics, &checked.sources, false);
    (checked.diagnostics, rendered)
}

/// The codes of the diagnostics, in order.
fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

/// One kind of problem: the override yields exactly the expected codes; the rendering is pinned.
macro_rules! problem {
    ($name:ident, $text:expr, $codes:expr) => {
        #[test]
        fn $name() {
            let (d, rendered) = check_override($text);
            assert_eq!(codes(&d), $codes, "{rendered}");
            for x in &d {
                assert_eq!(x.file.to_str(), Some("company.toml"), "{rendered}");
            }
            insta::assert_snapshot!(rendered);
        }
    };
}

problem!(
    toml_syntax,
    "[abc]\na-cutoff = 70\nb-cutoff = \"90\n",
    ["toml-syntax"]
);

problem!(
    text_without_quotes,
    "[abc]\nboundary = textbook\n",
    ["toml-syntax"]
);

problem!(
    unknown_key_with_a_suggestion,
    "[abc]\na-cutof = 70\n",
    ["unknown-key"]
);

problem!(
    duplicate_key,
    "[abc]\na-cutoff = 70\nb-cutoff = 90\na-cutoff = 75\n",
    ["duplicate-key"]
);

problem!(
    wrong_type,
    "[splits.partial-competition]\nbackup-from = \"3\"\n",
    ["wrong-type"]
);

problem!(
    unknown_word,
    "[abc]\nboundary = \"text-book\"\n",
    ["unknown-value"]
);

problem!(
    cutoff_out_of_range,
    "[abc]\nb-cutoff = 120\n",
    ["cutoff-out-of-range"]
);

problem!(
    cutoff_not_finite,
    "[abc]\na-cutoff = nan\nb-cutoff = inf\n",
    ["not-finite", "not-finite"]
);

problem!(
    cutoffs_not_increasing,
    "[abc]\na-cutoff = 90\nb-cutoff = 85\n",
    ["cutoffs-not-increasing"]
);

// The pinned choice: a fraction where percent is expected is an error, not a warning.
problem!(
    cutoff_looks_like_a_fraction,
    "[abc]\na-cutoff = 0.8\nb-cutoff = 0.95\n",
    ["cutoff-looks-like-fraction", "cutoff-looks-like-fraction"]
);

problem!(
    profile_names_an_unknown_criterion,
    "[[types]]\nid = \"partnership\"\n[types.profile]\nsuply-risk = [\"high\"]\n",
    ["unknown-criterion"]
);

problem!(
    profile_names_an_unknown_value,
    "[[types]]\nid = \"partnership\"\n[types.profile]\nquality = [\"custom\"]\n",
    ["unknown-criterion-value"]
);

problem!(
    exception_compares_with_an_unknown_value,
    "[[exceptions]]\nid = \"no-bidders\"\nwhen = \"no-bidders && quality in ['standardized', 'nonstandard']\"\n",
    ["unknown-criterion-value"]
);

problem!(
    exception_reads_an_unknown_name,
    "[[exceptions]]\nid = \"no-bidders\"\nwhen = \"no-bidder\"\n",
    ["unknown-name"]
);

problem!(
    exception_names_an_unknown_type,
    "[[exceptions]]\nid = \"no-bidders\"\nstep-up = 0\n\n[[exceptions]]\nid = \"monopoly-standard\"\nset = \"selective\"\n",
    ["out-of-range", "unknown-type"]
);

problem!(
    recommendation_for_an_unknown_type,
    "[recommendations.partner-ship]\ngoal = \"…\"\n",
    ["unknown-type"]
);

problem!(
    recommendation_names_an_unknown_method,
    "[recommendations.partial-competition]\nmethods = { large = [\"competitive-procurment\"] }\n",
    ["unknown-method"]
);

problem!(
    split_shares_do_not_add_up,
    "[splits.partial-competition]\nmain = 70\nbackground = 20\n",
    ["split-not-100"]
);

problem!(
    split_shares_written_as_fractions,
    "[splits.partial-competition]\nmain = 0.7\nbackground = 0.3\n",
    ["split-not-100"]
);

problem!(
    condition_does_not_parse,
    "[[exceptions]]\nid = \"no-bidders\"\nwhen = \"no-bidders &&\"\n",
    ["condition-syntax"]
);

problem!(
    cycle_among_derived_criteria,
    "[[criteria]]\nid = \"supply-risk\"\nderive = [{ when = \"value-creation == 'high'\", value = \"high\" }]\n\n[[criteria]]\nid = \"value-creation\"\nderive = [{ when = \"interdependence == 'high'\", value = \"high\" }]\n\n[[criteria]]\nid = \"interdependence\"\nderive = [{ when = \"supply-risk == 'high'\", value = \"high\" }]\n",
    ["criteria-cycle"]
);

problem!(
    text_criterion_used_as_yes_no,
    "[[exceptions]]\nid = \"no-bidders\"\nwhen = \"no-bidders && quality\"\n",
    ["condition-type"]
);

problem!(
    unreachable_type_is_a_warning,
    "[classification]\ntie = \"more-cooperative\"\n\n[[types]]\nid = \"economic-opportunistic\"\n[types.profile]\nproduct-criticality = [\"core\"]\nsupply-risk = [\"medium\", \"high\"]\nprofit-share = [\"medium\", \"high\"]\nquality = [\"standardized\"]\nmarket-suppliers = [\"many\"]\nmarket-power = [\"buyer\", \"balanced\"]\ninterdependence = [\"moderate\"]\nvalue-creation = [\"medium\", \"high\"]\n",
    ["unreachable-type"]
);

problem!(
    criterion_compared_with_a_number,
    "[[exceptions]]\nid = \"no-bidders\"\nwhen = \"supply-risk >= 2 || quality == 1\"\n",
    ["condition-type", "condition-type"]
);

problem!(
    override_entry_without_an_id,
    "[[criteria]]\nname = \"strategic item\"\nvalues = [\"yes\", \"no\"]\n",
    ["missing-key"]
);

problem!(
    id_not_kebab_case,
    "[[exceptions]]\nid = \"Late_Delivery\"\ntitle = \"late deliveries\"\nscope = \"supplier\"\nwhen = \"performance == 'below'\"\n",
    ["bad-id"]
);

problem!(
    duplicate_ids_in_one_file,
    "[[exceptions]]\nid = \"no-bidders\"\nstep-up = 2\n\n[[exceptions]]\nid = \"no-bidders\"\nstep-up = 1\n",
    ["duplicate-id"]
);

#[test]
fn a_warning_alone_does_not_stop_the_rules() {
    let text = "[classification]\ntie = \"more-cooperative\"\n\n[[types]]\nid = \"economic-opportunistic\"\n[types.profile]\nproduct-criticality = [\"core\"]\nsupply-risk = [\"medium\", \"high\"]\nprofit-share = [\"medium\", \"high\"]\nquality = [\"standardized\"]\nmarket-suppliers = [\"many\"]\nmarket-power = [\"buyer\", \"balanced\"]\ninterdependence = [\"moderate\"]\nvalue-creation = [\"medium\", \"high\"]\n";
    let r = RuleSet::layered(vec![
        RuleSource::default_rules(),
        RuleSource::new("company.toml", text),
    ])
    .expect("a warning is not an error");
    assert_eq!(codes(&r.warnings), ["unreachable-type"]);
    assert_eq!(r.warnings[0].severity, Severity::Warning);
}

#[test]
fn the_shipped_default_checks_clean() {
    let out = procura(&["rules", "check"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "<default rules>: 0 errors, 0 warnings\n"
    );
    // And as a complete file on its own.
    let out = procura(&["rules", "check", "--no-default-rules", "rules/default.toml"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", out);
}

#[test]
fn the_broken_copy_of_the_default_lists_every_break() {
    let out = procura(&["rules", "check", "rules/examples/broken.toml"]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    // Every line marked BROKEN is reported (the cycle and the copied profile are reported at
    // the ids they concern).
    let text = std::fs::read_to_string(root().join("rules/examples/broken.toml")).expect("read");
    for (i, line) in text.lines().enumerate() {
        if line.contains("# BROKEN") && !line.contains("copied") && !line.starts_with("tie") {
            let at = format!("rules/examples/broken.toml:{}:", i + 1);
            assert!(
                stdout.contains(&at),
                "line {} not reported: {line}\n{stdout}",
                i + 1
            );
        }
    }
    insta::assert_snapshot!(stdout);
}

#[test]
fn check_speaks_json_for_programs() {
    let out = procura(&[
        "rules",
        "check",
        "rules/examples/broken.toml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = v.as_array().expect("an array");
    assert_eq!(list.len(), 16);
    let first = &list[0];
    assert_eq!(first["code"], "cutoff-looks-like-fraction");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "rules/examples/broken.toml");
    assert!(first["line"].as_u64().is_some_and(|l| l > 1));
    assert!(first["hint"].as_str().is_some_and(|h| h.contains("80")));
}

#[test]
fn the_company_override_example_checks_clean_and_shows_where_values_came_from() {
    let out = procura(&["rules", "check", "rules/examples/company-override.toml"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let shown = ok(&[
        "rules",
        "show",
        "--rules",
        "rules/examples/company-override.toml",
    ]);
    // What the company file changed, with its lines, under their section headers.
    let mut from_company: Vec<&str> = Vec::new();
    let mut header = None;
    for l in shown.lines() {
        if l.starts_with('[') {
            header = Some(l);
        } else if l.contains("company-override.toml:") {
            if let Some(h) = header.take() {
                from_company.push(h);
            }
            from_company.push(l);
        }
    }
    insta::assert_snapshot!(from_company.join("\n"));
    // Everything else still comes from the shipped default.
    assert!(
        shown.contains("boundary = \"textbook\"  # <default rules>:"),
        "{shown}"
    );
    assert!(
        shown.contains("medium = [\"rfq\", \"competitive-negotiation\"]  # <default rules>:"),
        "{shown}"
    );
    // The output is itself a complete rule file that loads to the same rules.
    let again = RuleSet::from_toml(&shown, std::path::Path::new("shown.toml")).expect("loads");
    let layered = RuleSet::with_overrides(&[root().join("rules/examples/company-override.toml")])
        .expect("loads");
    assert_eq!(again.cutoffs, layered.cutoffs);
    assert_eq!(again.criteria.len(), layered.criteria.len());
    assert_eq!(
        serde_json::to_string(&again.recommendations).expect("json"),
        serde_json::to_string(&layered.recommendations).expect("json")
    );
}

#[test]
fn analyze_takes_several_rule_files_in_order() {
    let dir = temp_dir("layers");
    let second = write(&dir, "second.toml", "[abc]\nb-cutoff = 85\n");
    let out = ok(&[
        "analyze",
        "fixtures/tiny_ledger.csv",
        "--rules",
        "rules/examples/company-override.toml",
        "--rules",
        second.to_str().expect("path"),
    ]);
    assert!(
        out.contains("ABC cut-offs A ≤ 70 %, B ≤ 85 %"),
        "the later file wins, the earlier one still counts: {out}"
    );
    assert!(
        out.contains("rules: <default rules> + rules/examples/company-override.toml + "),
        "{out}"
    );
}

#[test]
fn a_broken_override_stops_analyze_with_every_problem() {
    let dir = temp_dir("broken-override");
    let f = write(&dir, "c.toml", "[abc]\na-cutof = 70\nb-cutoff = 0.9\n");
    let out = procura(&[
        "analyze",
        "fixtures/tiny_ledger.csv",
        "--rules",
        f.to_str().expect("p"),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the rules have 2 errors"), "{err}");
    assert!(err.contains("c.toml:2:1"), "{err}");
    assert!(err.contains("c.toml:3:12"), "{err}");
    assert!(!err.contains('\x1b'), "no colour with NO_COLOR: {err}");
}

/// Every leaf of a rule tree by path, with its value as TOML and the file it came from.
fn leaves(item: &rules::tree::Item, path: &str, out: &mut BTreeMap<String, (String, usize)>) {
    use rules::tree::Node;
    match &item.node {
        Node::Table(entries) => {
            for e in entries {
                leaves(&e.value, &format!("{path}.{}", e.key), out);
            }
        }
        Node::Array(a) if a.iter().all(|x| x.str_at("id").is_some()) && !a.is_empty() => {
            for x in a {
                leaves(x, &format!("{path}[{}]", x.str_at("id").unwrap_or("")), out);
            }
        }
        _ => {
            out.insert(
                path.to_string(),
                (item.to_value().to_string(), item.origin.file),
            );
        }
    }
}

#[test]
fn layering_changes_only_the_keys_it_names() {
    let over =
        std::fs::read_to_string(root().join("rules/examples/company-override.toml")).expect("read");
    let base = rules::check(vec![RuleSource::default_rules()]);
    let layered = rules::check(vec![
        RuleSource::default_rules(),
        RuleSource::new("company.toml", over.as_str()),
    ]);
    assert!(!layered.has_errors());
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    leaves(&base.effective, "", &mut a);
    leaves(&layered.effective, "", &mut b);
    let changed: Vec<&String> = b
        .iter()
        .filter(|(k, v)| a.get(*k).map(|x| &x.0) != Some(&v.0))
        .map(|(k, _)| k)
        .collect();
    let from_override: Vec<&String> = b.iter().filter(|(_, v)| v.1 == 1).map(|(k, _)| k).collect();
    assert_eq!(
        from_override,
        [
            ".abc.a-cutoff",
            ".abc.b-cutoff",
            ".methods.catalogue-order.description",
            ".methods.catalogue-order.name",
            ".recommendations.economic-opportunistic.methods.small",
        ]
    );
    assert_eq!(changed, from_override);
    // Nothing was lost either.
    assert!(a.keys().all(|k| b.contains_key(k)));
}

#[test]
fn an_added_criterion_is_usable_as_yes_no() {
    let text =
        std::fs::read_to_string(root().join("rules/examples/strategic-item.toml")).expect("read");
    let r = RuleSet::layered(vec![
        RuleSource::default_rules(),
        RuleSource::new("strategic-item.toml", text.as_str()),
    ])
    .expect("loads");
    let c = r.criterion("strategic-item").expect("appended");
    assert_eq!(c.values, ["yes", "no"]);
    // It comes after the criteria it reads.
    let pos = |id: &str| r.criteria.iter().position(|c| c.id == id).expect("id");
    assert!(pos("strategic-item") > pos("product-criticality"));
    assert!(pos("strategic-item") > pos("market-suppliers"));
    assert!(
        r.exceptions
            .iter()
            .any(|x| x.id == "strategic-single-source")
    );
    let out = procura(&["rules", "check", "rules/examples/strategic-item.toml"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn the_reference_documents_every_key() {
    let readme = std::fs::read_to_string(root().join("rules/README.md")).expect("read");
    // The example override is shown as it is shipped (and tested).
    let example =
        std::fs::read_to_string(root().join("rules/examples/company-override.toml")).expect("read");
    assert!(
        readme.contains(&example),
        "rules/README.md shows an outdated example"
    );
    for path in rules::schema::key_paths() {
        let key = path.rsplit('.').next().unwrap_or(&path);
        assert!(
            readme.contains(&format!("`{key}`")),
            "rules/README.md does not document `{key}` ({path})"
        );
    }
}

/// One edit of the default file, as a person might make it by mistake.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    ChangeNumber(usize, String),
    ChangeWord(usize, String),
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let n = lines.len();
    match edit {
        Edit::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Edit::DuplicateLine(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Edit::ChangeNumber(i, by) => {
            // The first number on the first line at or after i that has one.
            if let Some(k) = (0..n)
                .map(|k| (i + k) % n)
                .find(|&k| lines[k].contains(|c: char| c.is_ascii_digit()))
            {
                let l = &lines[k];
                let start = l.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
                let end = l[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map(|e| start + e)
                    .unwrap_or(l.len());
                lines[k] = format!("{}{by}{}", &l[..start], &l[end..]);
            }
        }
        Edit::ChangeWord(i, by) => {
            let k = i % n;
            let l = &lines[k];
            if let Some(start) = l.find(|c: char| c.is_ascii_alphabetic()) {
                let end = l[start..]
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .map(|e| start + e)
                    .unwrap_or(l.len());
                lines[k] = format!("{}{by}{}", &l[..start], &l[end..]);
            }
        }
    }
    lines.join("\n") + "\n"
}

fn edit() -> impl Strategy<Value = Edit> {
    let line = 0usize..10_000;
    prop_oneof![
        line.clone().prop_map(Edit::DeleteLine),
        line.clone().prop_map(Edit::DuplicateLine),
        (
            line.clone(),
            prop_oneof![
                Just("0".to_string()),
                Just("-1".to_string()),
                Just("0.5".to_string()),
                Just("101".to_string()),
                Just("nan".to_string()),
                Just("inf".to_string()),
                Just("1e400".to_string()),
                Just("99999999999999999999".to_string()),
                "[0-9]{1,4}(\\.[0-9]{1,3})?",
            ]
        )
            .prop_map(|(i, s)| Edit::ChangeNumber(i, s)),
        (line, "[a-z\\-_'\"\\[\\]=]{0,8}").prop_map(|(i, s)| Edit::ChangeWord(i, s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::common::cases(64), ..ProptestConfig::default() })]

    /// Any edit of the default file either still validates or yields at least one error with
    /// a position inside the file, never a panic.
    #[test]
    fn any_edit_of_the_default_validates_or_is_pinpointed(edits in proptest::collection::vec(edit(), 1..3)) {
        let mut text = DEFAULT_RULES.to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        let lines = text.lines().count().max(1);
        let checked = rules::check(vec![RuleSource::new("mutated.toml", text.as_str())]);
        if checked.rules.is_none() {
            prop_assert!(checked.has_errors(), "no rules and no error");
        }
        for d in &checked.diagnostics {
            prop_assert_eq!(d.file.to_str(), Some("mutated.toml"));
            prop_assert!(d.line >= 1 && d.line <= lines + 1, "{d}");
            prop_assert!(d.column >= 1, "{d}");
            prop_assert!(d.span.start <= text.len(), "{d}");
        }
        // The rendering never panics either.
        let _ = rules::render(&checked.diagnostics, &checked.sources, true);
    }
}
