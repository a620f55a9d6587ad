//! The rule set: every domain number and word procura uses, loaded from TOML.
//!
//! `rules/default.toml` is the shipped rule set (embedded in the binary). A company's files
//! are layered on top of it, key by key ([`RuleSet::layered`]), so that a ten-line file of
//! its own changes is enough. Loading parses every file, checks it against the schema of the
//! rule file, compiles every condition and checks that the pieces fit together (known
//! criteria and values, known types and methods, shares that add up, no cycle among derived
//! criteria, every type reachable). Every problem is reported, not only the first, as a
//! [`Diagnostic`] with its file, line and column, so a mistake never turns into a silently
//! wrong classification.

mod compile;
pub mod diagnostic;
pub mod expr;
mod model;
pub mod schema;
pub mod tree;

pub use compile::{Checked, check};
pub use diagnostic::{Diagnostic, RuleSource, RulesError, Severity, line_col, render};
pub use expr::{Expr, Value};
pub use model::*;

use crate::abc::Cutoffs;
use crate::relationship::RelationshipType;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

/// The shipped default rule set, `rules/default.toml`.
pub const DEFAULT_RULES: &str = include_str!("../../rules/default.toml");

/// Name under which the embedded default rules are reported.
pub const DEFAULT_RULES_NAME: &str = "<default rules>";

/// Data facts that procura computes from the ledger, available to every condition.
pub const DATA_FACTS: &[(&str, &str)] = &[
    (
        "has-profit-data",
        "yes/no: the ledger or a --profit file gave profit",
    ),
    ("category-spend", "number: the category's net spend"),
    (
        "category-spend-class",
        "text: the category's spend ABC class",
    ),
    (
        "category-profit-class",
        "text: the category's profit ABC class",
    ),
    (
        "category-profit-share",
        "number: the category's share of total profit, in percent",
    ),
    (
        "suppliers-in-category",
        "number: suppliers we bought the category from",
    ),
    ("supplier-spend", "number: the supplier's net spend"),
    (
        "supplier-spend-class",
        "text: the supplier's spend ABC class",
    ),
    (
        "supplier-profit-class",
        "text: the supplier's profit ABC class",
    ),
    (
        "supplier-categories",
        "number: categories we buy from the supplier",
    ),
    (
        "pair-spend",
        "number: net spend with the supplier in the category",
    ),
    (
        "share-in-category",
        "number: the supplier's share of the category's spend, in percent",
    ),
    (
        "share-of-supplier-spend",
        "number: the category's share of our spend with the supplier, in percent",
    ),
];

/// A criterion's `derive` rule, compiled.
#[derive(Debug, Clone)]
pub struct DeriveRule {
    /// The condition.
    pub when: Expr,
    /// The condition as written.
    pub when_text: String,
    /// The value the criterion takes when the condition holds.
    pub value: String,
    /// Why, in words.
    pub why: String,
}

/// A criterion, compiled.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// Stable kebab-case id.
    pub id: String,
    /// Readable name.
    pub name: String,
    /// The question it answers.
    pub question: String,
    /// Allowed values, in order.
    pub values: Vec<String>,
    /// The profile fact that sets it directly.
    pub profile_key: Option<String>,
    /// Weight in the type scores.
    pub weight: Decimal,
    /// Value assumed when nothing else decides.
    pub default: Option<String>,
    /// Derivation rules, first true wins.
    pub derive: Vec<DeriveRule>,
}

/// An exception, compiled.
#[derive(Debug, Clone)]
pub struct Exception {
    /// Stable kebab-case id.
    pub id: String,
    /// Readable title.
    pub title: String,
    /// Whether it applies per pair or per supplier.
    pub scope: ExceptionScope,
    /// The condition.
    pub when: Expr,
    /// The condition as written.
    pub when_text: String,
    /// The effect on the type.
    pub effect: ExceptionEffect,
    /// Why, in words.
    pub explain: String,
    /// Actions that follow.
    pub actions: Vec<String>,
}

/// What an exception does to the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionEffect {
    /// Only flags a finding.
    Flag,
    /// Sets the type.
    Set(RelationshipType),
    /// Raises the type to at least this one.
    AtLeast(RelationshipType),
    /// Caps the type at this one.
    AtMost(RelationshipType),
    /// Moves the type this many steps towards partnership.
    StepUp(u8),
}

/// A relationship type's definition, compiled.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Which type.
    pub kind: RelationshipType,
    /// Readable name.
    pub name: String,
    /// Other names in the sources.
    pub also_called: Vec<String>,
    /// One line that says what the type is about.
    pub motto: String,
    /// Accepted values per criterion id.
    pub profile: BTreeMap<String, Vec<String>>,
}

/// The loaded, checked rule set.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Where it came from (a path, or [`DEFAULT_RULES_NAME`]; layered files joined by ` + `).
    pub source: String,
    /// ABC cut-offs.
    pub cutoffs: Cutoffs,
    /// ABC boundary convention.
    pub boundary: crate::abc::BoundaryConvention,
    /// Profile facts by id.
    pub facts: BTreeMap<String, FactDef>,
    /// Criteria in evaluation order (every criterion after the criteria it reads).
    pub criteria: Vec<Criterion>,
    /// Type definitions, least to most cooperative.
    pub types: Vec<TypeDef>,
    /// Classification settings.
    pub classification: ClassificationDef,
    /// Exceptions in order of application.
    pub exceptions: Vec<Exception>,
    /// Procurement methods by id.
    pub methods: BTreeMap<String, MethodDef>,
    /// Volume band limits.
    pub volume_bands: VolumeBandsDef,
    /// Recommendations per type.
    pub recommendations: BTreeMap<RelationshipType, RecommendationDef>,
    /// The 30:70 split.
    pub split: SplitDef,
    /// Warnings found while loading (e.g. a type no input can produce).
    pub warnings: Vec<Diagnostic>,
    /// The numbers and words of the advice.
    pub advice: AdviceDef,
}

impl RuleSet {
    /// The shipped default rules.
    pub fn default_rules() -> Result<RuleSet, RulesError> {
        RuleSet::layered(vec![RuleSource::default_rules()])
    }

    /// Reads and checks one complete rule file (not layered on the default).
    pub fn from_path(path: &Path) -> Result<RuleSet, RulesError> {
        RuleSet::layered(vec![RuleSource::read(path)?])
    }

    /// Parses and checks one complete rule file's text; `file` names it in diagnostics.
    pub fn from_toml(text: &str, file: &Path) -> Result<RuleSet, RulesError> {
        RuleSet::layered(vec![RuleSource::new(file, text)])
    }

    /// The shipped default with the given files layered on top, later files winning key by key:
    /// what `--rules A --rules B` loads.
    pub fn with_overrides(paths: &[std::path::PathBuf]) -> Result<RuleSet, RulesError> {
        let mut sources = vec![RuleSource::default_rules()];
        for p in paths {
            sources.push(RuleSource::read(p)?);
        }
        RuleSet::layered(sources)
    }

    /// Layers the sources (the first is the base, each next one overrides key by key) and
    /// checks the result. On failure the error carries every diagnostic, warnings included.
    pub fn layered(sources: Vec<RuleSource>) -> Result<RuleSet, RulesError> {
        let checked = check(sources);
        match checked.rules {
            Some(r) if !checked.has_errors() => Ok(r),
            _ => Err(RulesError {
                diagnostics: checked.diagnostics,
                sources: checked.sources,
            }),
        }
    }

    /// The definition of a type.
    pub fn type_def(&self, t: RelationshipType) -> Option<&TypeDef> {
        self.types.iter().find(|d| d.kind == t)
    }

    /// A criterion by id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// The volume band of an amount.
    pub fn volume_band(&self, amount: Decimal) -> VolumeBand {
        if amount <= self.volume_bands.small {
            VolumeBand::Small
        } else if amount <= self.volume_bands.medium {
            VolumeBand::Medium
        } else {
            VolumeBand::Large
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_load() {
        let r = RuleSet::default_rules().expect("default rules load");
        assert_eq!(r.cutoffs.a, Decimal::from(80));
        assert_eq!(r.cutoffs.b, Decimal::from(95));
        assert_eq!(r.boundary, crate::abc::BoundaryConvention::Textbook);
        assert_eq!(r.types.len(), 4);
        assert_eq!(r.split.main, Decimal::from(70));
        assert_eq!(r.split.background, Decimal::from(30));
        // Every criterion comes after the criteria it reads.
        for (i, c) in r.criteria.iter().enumerate() {
            for d in &c.derive {
                for (name, _) in d.when.names() {
                    if let Some(j) = r.criteria.iter().position(|x| x.id == name) {
                        assert!(j < i, "{} reads {} which comes later", c.id, name);
                    }
                }
            }
        }
    }

    fn with(replace: &str, by: &str) -> Result<RuleSet, RulesError> {
        assert!(DEFAULT_RULES.contains(replace), "fixture text: {replace}");
        let text = DEFAULT_RULES.replacen(replace, by, 1);
        RuleSet::from_toml(&text, Path::new("test.toml"))
    }

    /// The line of the default file where `needle` first appears (the file is edited by
    /// people: tests must not hard-code its line numbers).
    fn line_of(needle: &str) -> usize {
        let at = DEFAULT_RULES.find(needle).expect("in the default rules");
        line_col(DEFAULT_RULES, at).0
    }

    /// The one error of a broken file.
    fn only(e: RulesError) -> Diagnostic {
        let errors: Vec<&Diagnostic> = e.errors().collect();
        assert_eq!(errors.len(), 1, "{e}");
        errors[0].clone()
    }

    #[test]
    fn a_fraction_where_percent_is_expected_is_rejected() {
        // Pinned choice: 0.8 is an error (not a warning), with the percent it surely meant.
        let d = only(with("a-cutoff = 80", "a-cutoff = 0.8").expect_err("fraction"));
        assert_eq!(d.code, "cutoff-looks-like-fraction");
        assert_eq!(d.severity, Severity::Error);
        assert!(
            d.hint.as_deref().unwrap_or("").contains("did you mean 80"),
            "{d}"
        );
        assert_eq!((d.line, d.column), (line_of("a-cutoff = 80"), 12));
    }

    #[test]
    fn cut_offs_must_increase() {
        let d = only(with("b-cutoff = 95", "b-cutoff = 70").expect_err("a >= b"));
        assert_eq!(d.code, "cutoffs-not-increasing");
        assert!(d.message.contains("must be above"), "{d}");
    }

    #[test]
    fn unknown_keys_are_errors_with_a_suggestion() {
        let e = with("a-cutoff = 80", "a-cutof = 80").expect_err("typo");
        let codes: Vec<&str> = e.errors().map(|d| d.code).collect();
        assert_eq!(codes, ["missing-key", "unknown-key"], "{e}");
        let d = e.errors().nth(1).expect("two");
        assert_eq!(d.hint.as_deref(), Some("did you mean `a-cutoff`?"));
        assert_eq!((d.line, d.column), (line_of("a-cutoff = 80"), 1));
    }

    #[test]
    fn split_shares_must_add_up() {
        let d = only(with("background = 30", "background = 20").expect_err("90 %"));
        assert_eq!(d.code, "split-not-100");
        assert!(d.message.contains("add up to 90"), "{d}");
    }

    #[test]
    fn cycles_among_derived_criteria_are_named() {
        // Make product-criticality read value-creation, which reads product-criticality.
        let d = only(
            with(
                "{ when = \"category-profit-share > 0\"",
                "{ when = \"value-creation == 'high'\"",
            )
            .expect_err("cycle"),
        );
        assert_eq!(d.code, "criteria-cycle");
        let expected = format!(
            "`product-criticality` (line {}) reads `value-creation` (line {}) reads `product-criticality`",
            line_of("id = \"product-criticality\""),
            line_of("id = \"value-creation\"")
        );
        assert!(d.message.contains(&expected), "{d}");
    }

    #[test]
    fn unknown_names_in_conditions_are_errors() {
        let d = only(with("when = \"no-bidders\"", "when = \"no-biders\"").expect_err("typo"));
        assert_eq!(d.code, "unknown-name");
        assert!(d.message.contains("no-biders"), "{d}");
        assert_eq!(d.hint.as_deref(), Some("did you mean `no-bidders`?"));
    }

    #[test]
    fn profile_values_must_exist() {
        let d = only(
            with(
                "product-criticality = [\"non-critical\"]",
                "product-criticality = [\"noncritical\"]",
            )
            .expect_err("bad value"),
        );
        assert_eq!(d.code, "unknown-criterion-value");
        assert!(d.message.contains("noncritical"), "{d}");
        assert_eq!(d.hint.as_deref(), Some("did you mean `non-critical`?"));
    }

    #[test]
    fn unknown_methods_are_errors() {
        let d = only(
            with(
                "small = [\"rfq\"], medium = [\"rfq\", \"competitive-negotiation\"]",
                "small = [\"rfx\"], medium = [\"rfq\", \"competitive-negotiation\"]",
            )
            .expect_err("method"),
        );
        assert_eq!(d.code, "unknown-method");
        assert!(d.message.contains("`rfx`"), "{d}");
        assert_eq!(d.hint.as_deref(), Some("did you mean `rfq`?"));
    }

    #[test]
    fn yes_no_criteria_stand_alone_in_conditions() {
        let text = format!(
            "{DEFAULT_RULES}\n[[criteria]]\nid = \"strategic-item\"\nname = \"strategic item\"\nvalues = [\"yes\", \"no\"]\nweight = 0\ndefault = \"no\"\nderive = [{{ when = \"product-criticality == 'strategic' && market-suppliers == 'few'\", value = \"yes\" }}]\n\n[[exceptions]]\nid = \"strategic-single\"\ntitle = \"t\"\nscope = \"pair\"\nwhen = \"strategic-item && !(supply-problem == false)\"\n"
        );
        let r = RuleSet::from_toml(&text, Path::new("x.toml")).expect("loads");
        let x = r
            .exceptions
            .iter()
            .find(|x| x.id == "strategic-single")
            .expect("x");
        let lookup = |n: &str| match n {
            "strategic-item" => Some(Value::Text("yes".into())),
            "supply-problem" => Some(Value::Text("yes".into())),
            _ => None,
        };
        assert_eq!(x.when.eval(&lookup), Ok(Some(true)));
        // A text criterion cannot stand alone.
        let bad = text.replace("when = \"strategic-item &&", "when = \"quality &&");
        let e = RuleSet::from_toml(&bad, Path::new("x.toml")).expect_err("text");
        assert_eq!(only(e).code, "condition-type");
    }

    #[test]
    fn layering_keeps_the_ids_and_appends_new_ones() {
        let over = "[[criteria]]\nid = \"quality\"\ndefault = \"customized\"\n";
        let r = RuleSet::layered(vec![
            RuleSource::default_rules(),
            RuleSource::new("o.toml", over),
        ])
        .expect("loads");
        let q = r.criterion("quality").expect("quality");
        assert_eq!(q.default.as_deref(), Some("customized"));
        assert_eq!(q.name, "quality");
        assert_eq!(
            r.criteria.len(),
            RuleSet::default_rules().expect("d").criteria.len()
        );
        assert_eq!(r.source, "<default rules> + o.toml");
    }
}
