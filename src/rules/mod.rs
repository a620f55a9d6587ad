//! The rule set: every domain number and word procura uses, loaded from TOML.
//!
//! `rules/default.toml` is the shipped rule set (embedded in the binary); a user's file
//! replaces it. Loading parses the file, compiles every condition and checks that the
//! pieces fit together (known criteria and values, known types and methods, shares that
//! add up, no cycle among derived criteria), so a mistake never turns into a silently
//! wrong classification.

pub mod expr;
mod model;

pub use expr::{Expr, Value};
pub use model::*;

use crate::abc::Cutoffs;
use crate::relationship::RelationshipType;
use petgraph::graph::{DiGraph, NodeIndex};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

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

/// A problem found while loading a rule file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct RulesError {
    /// The rule file.
    pub file: PathBuf,
    /// 1-based line and column, where known.
    pub location: Option<(usize, usize)>,
    /// What is wrong, and what was expected.
    pub message: String,
}

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
    /// Where it came from (a path, or [`DEFAULT_RULES_NAME`]).
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
    /// The numbers and words of the advice.
    pub advice: AdviceDef,
}

impl RuleSet {
    /// The shipped default rules.
    pub fn default_rules() -> Result<RuleSet, RulesError> {
        RuleSet::from_toml(DEFAULT_RULES, Path::new(DEFAULT_RULES_NAME))
    }

    /// Reads and checks a rule file.
    pub fn from_path(path: &Path) -> Result<RuleSet, RulesError> {
        let text = std::fs::read_to_string(path).map_err(|e| RulesError {
            file: path.to_path_buf(),
            location: None,
            message: format!("cannot read the rule file: {e}"),
        })?;
        RuleSet::from_toml(&text, path)
    }

    /// Parses and checks rule-file text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &Path) -> Result<RuleSet, RulesError> {
        let raw: RawRules = toml::from_str(text).map_err(|e| {
            let location = e.span().map(|s| line_col(text, s.start));
            RulesError {
                file: file.to_path_buf(),
                location,
                message: e.message().trim().to_string(),
            }
        })?;
        compile(raw, text, file)
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

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Finds where a snippet (e.g. a condition) first appears in the file, to point at it.
fn locate(text: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    text.find(needle).map(|o| line_col(text, o))
}

/// Finds the line where `key = …` is assigned (outside comments), to point at it.
fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(line_col(text, offset + (line.len() - trimmed.len())));
        }
        offset += line.len();
    }
    None
}

fn compile(raw: RawRules, text: &str, file: &Path) -> Result<RuleSet, RulesError> {
    let err = |location: Option<(usize, usize)>, message: String| RulesError {
        file: file.to_path_buf(),
        location,
        message,
    };
    if raw.version != 1 {
        return Err(err(
            locate_key(text, "version"),
            format!(
                "rule-file version {} is not supported: expected 1",
                raw.version
            ),
        ));
    }

    // ABC cut-offs: percent, finite, 0 < a < b <= 100.
    let (a, b) = (raw.abc.a_cutoff, raw.abc.b_cutoff);
    let pct = |v: f64, key: &str| -> Result<Decimal, RulesError> {
        if !v.is_finite() || v <= 0.0 || v > 100.0 {
            return Err(err(
                locate_key(text, key),
                format!("`abc.{key}` is {v}: expected a percentage above 0 and at most 100"),
            ));
        }
        if v < 1.0 {
            return Err(err(
                locate_key(text, key),
                format!(
                    "`abc.{key}` is {v}: cut-offs are in percent; did you mean {}?",
                    v * 100.0
                ),
            ));
        }
        Decimal::from_f64_retain(v)
            .map(|d| d.round_dp(6).normalize())
            .ok_or_else(|| {
                err(
                    locate_key(text, key),
                    format!("`abc.{key}` is {v}: not a number"),
                )
            })
    };
    let cutoffs = Cutoffs {
        a: pct(a, "a-cutoff")?,
        b: pct(b, "b-cutoff")?,
    };
    if cutoffs.a >= cutoffs.b {
        return Err(err(
            locate_key(text, "b-cutoff"),
            format!(
                "the A cut-off ({}) must be below the B cut-off ({})",
                cutoffs.a, cutoffs.b
            ),
        ));
    }

    // Facts: canonical ids.
    let facts: BTreeMap<String, FactDef> = raw
        .facts
        .into_iter()
        .map(|(k, v)| (expr::canonical_id(&k), v))
        .collect();

    // Types: exactly the four, each once.
    let mut types = Vec::new();
    for t in raw.types {
        let Some(kind) = RelationshipType::from_id(&t.id) else {
            return Err(err(
                locate(text, &format!("\"{}\"", t.id)),
                format!(
                    "unknown relationship type `{}`: expected one of {}",
                    t.id,
                    RelationshipType::ALL.map(|t| t.id()).join(", ")
                ),
            ));
        };
        if types.iter().any(|d: &TypeDef| d.kind == kind) {
            return Err(err(
                locate(text, &format!("\"{}\"", t.id)),
                format!("type `{}` is defined twice", t.id),
            ));
        }
        types.push(TypeDef {
            kind,
            name: t.name,
            also_called: t.also_called,
            motto: t.motto,
            profile: t
                .profile
                .into_iter()
                .map(|(k, v)| (expr::canonical_id(&k), v))
                .collect(),
        });
    }
    types.sort_by_key(|t| t.kind);
    for kind in RelationshipType::ALL {
        if !types.iter().any(|t| t.kind == kind) {
            return Err(err(
                None,
                format!("type `{}` has no [[types]] entry", kind.id()),
            ));
        }
    }

    // Criteria: compile conditions, check values.
    let mut criteria = Vec::new();
    for c in raw.criteria {
        let id = expr::canonical_id(&c.id);
        if criteria.iter().any(|x: &Criterion| x.id == id) {
            return Err(err(
                locate(text, &format!("\"{}\"", c.id)),
                format!("criterion `{id}` is defined twice"),
            ));
        }
        if c.values.is_empty() {
            return Err(err(
                locate(text, &format!("\"{}\"", c.id)),
                format!("criterion `{id}` has no values"),
            ));
        }
        let check_value = |v: &str, what: &str| -> Result<(), RulesError> {
            if c.values.iter().any(|x| x == v) {
                Ok(())
            } else {
                Err(err(
                    locate(text, &format!("\"{v}\"")),
                    format!(
                        "{what} `{v}` is not a value of criterion `{id}`: expected one of {}",
                        c.values.join(", ")
                    ),
                ))
            }
        };
        if let Some(d) = &c.default {
            check_value(d, "default")?;
        }
        let mut derive = Vec::new();
        for r in &c.derive {
            check_value(&r.value, "derived value")?;
            let when: Expr = r.when.parse().map_err(|e: expr::ParseError| {
                err(
                    locate(text, &r.when),
                    format!("condition `{}`: {e}", r.when),
                )
            })?;
            derive.push(DeriveRule {
                when,
                when_text: r.when.clone(),
                value: r.value.clone(),
                why: r.why.clone().unwrap_or_else(|| r.when.clone()),
            });
        }
        let weight = Decimal::from_f64_retain(c.weight)
            .filter(|w| *w >= Decimal::ZERO && c.weight.is_finite())
            .ok_or_else(|| {
                err(
                    locate_key(text, "weight"),
                    format!(
                        "criterion `{id}` has weight {}: expected a number ≥ 0",
                        c.weight
                    ),
                )
            })?
            .round_dp(6)
            .normalize();
        criteria.push(Criterion {
            id,
            name: c.name,
            question: c.question.unwrap_or_default(),
            values: c.values,
            profile_key: c.profile_key.map(|k| expr::canonical_id(&k)),
            weight,
            default: c.default,
            derive,
        });
    }

    // Type profiles name known criteria and values.
    for t in &types {
        for (cid, vals) in &t.profile {
            let Some(c) = criteria.iter().find(|c| &c.id == cid) else {
                return Err(err(
                    locate(text, cid),
                    format!(
                        "the profile of `{}` names unknown criterion `{cid}`",
                        t.kind.id()
                    ),
                ));
            };
            for v in vals {
                if !c.values.contains(v) {
                    return Err(err(
                        locate(text, &format!("\"{v}\"")),
                        format!(
                            "the profile of `{}` gives `{v}` for `{cid}`: expected one of {}",
                            t.kind.id(),
                            c.values.join(", ")
                        ),
                    ));
                }
            }
        }
    }

    // Every name in a condition is a criterion, a profile fact or a data fact.
    let criterion_ids: Vec<String> = criteria.iter().map(|c| c.id.clone()).collect();
    let known = |name: &str| {
        criterion_ids.iter().any(|c| c == name)
            || facts.contains_key(name)
            || DATA_FACTS.iter().any(|(f, _)| *f == name)
    };
    for c in &criteria {
        for r in &c.derive {
            for (name, _) in r.when.names() {
                if !known(name) {
                    return Err(err(
                        locate(text, &r.when_text),
                        format!(
                            "condition `{}` of criterion `{}` names `{name}`, which is neither a criterion nor a fact",
                            r.when_text, c.id
                        ),
                    ));
                }
            }
        }
    }

    let criteria = order_criteria(criteria, text, file)?;

    // Exceptions.
    let mut exceptions = Vec::new();
    for x in raw.exceptions {
        let when: Expr = x.when.parse().map_err(|e: expr::ParseError| {
            err(
                locate(text, &x.when),
                format!("condition `{}`: {e}", x.when),
            )
        })?;
        for (name, _) in when.names() {
            if !known(name) {
                return Err(err(
                    locate(text, &x.when),
                    format!(
                        "condition of exception `{}` names `{name}`, which is neither a criterion nor a fact",
                        x.id
                    ),
                ));
            }
        }
        let ty = |s: &str| {
            RelationshipType::from_id(s).ok_or_else(|| {
                err(
                    locate(text, &format!("\"{s}\"")),
                    format!("exception `{}` names unknown type `{s}`", x.id),
                )
            })
        };
        let effects = [
            x.set.as_deref().map(|s| ty(s).map(ExceptionEffect::Set)),
            x.at_least
                .as_deref()
                .map(|s| ty(s).map(ExceptionEffect::AtLeast)),
            x.at_most
                .as_deref()
                .map(|s| ty(s).map(ExceptionEffect::AtMost)),
            x.step_up.map(|n| Ok(ExceptionEffect::StepUp(n))),
        ];
        let mut chosen: Vec<ExceptionEffect> = Vec::new();
        for e in effects.into_iter().flatten() {
            chosen.push(e?);
        }
        if chosen.len() > 1 {
            return Err(err(
                locate(text, &format!("\"{}\"", x.id)),
                format!(
                    "exception `{}` has more than one of set, at-least, at-most, step-up",
                    x.id
                ),
            ));
        }
        exceptions.push(Exception {
            id: x.id,
            title: x.title,
            scope: x.scope,
            when,
            when_text: x.when,
            effect: chosen.pop().unwrap_or(ExceptionEffect::Flag),
            explain: x.explain,
            actions: x.actions,
        });
    }

    // Recommendations: one per type, known methods.
    let mut recommendations = BTreeMap::new();
    for (tid, r) in raw.recommendations {
        let Some(kind) = RelationshipType::from_id(&tid) else {
            return Err(err(
                locate(text, &format!("recommendations.{tid}")),
                format!("recommendations for unknown type `{tid}`"),
            ));
        };
        for m in r.methods.all() {
            if !raw.methods.contains_key(m) {
                return Err(err(
                    locate(text, &format!("\"{m}\"")),
                    format!(
                        "recommendations for `{tid}` name unknown method `{m}`: expected one of {}",
                        raw.methods.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        recommendations.insert(kind, r);
    }
    for kind in RelationshipType::ALL {
        if !recommendations.contains_key(&kind) {
            return Err(err(
                None,
                format!(
                    "type `{}` has no [recommendations.{}]",
                    kind.id(),
                    kind.id()
                ),
            ));
        }
    }

    let split = raw.splits.partial_competition;
    if split.main + split.background != Decimal::ONE_HUNDRED {
        return Err(err(
            locate(text, "[splits.partial-competition]"),
            format!(
                "the shares of the partial-competition split add up to {} %: expected 100 % (main {} + background {})",
                split.main + split.background,
                split.main,
                split.background
            ),
        ));
    }
    if split.main < split.background {
        return Err(err(
            locate(text, "[splits.partial-competition]"),
            format!(
                "the main share ({}) is below the background share ({})",
                split.main, split.background
            ),
        ));
    }
    if raw.volume_bands.small >= raw.volume_bands.medium {
        return Err(err(
            locate(text, "[volume-bands]"),
            "volume band `small` must be below `medium`".into(),
        ));
    }

    // The advice's numbers and references (checked in the model, located here).
    let by_id: Vec<(&str, &RecommendationDef)> =
        recommendations.iter().map(|(t, r)| (t.id(), r)).collect();
    let exception_ids: Vec<&str> = exceptions
        .iter()
        .map(|x: &Exception| x.id.as_str())
        .collect();
    if let Err(p) = model::check_advice(&raw.advice, &split, &by_id, &exception_ids) {
        return Err(err(locate(text, &p.needle), p.message));
    }
    Ok(RuleSet {
        source: file.display().to_string(),
        cutoffs,
        boundary: raw.abc.boundary,
        facts,
        criteria,
        types,
        classification: raw.classification,
        exceptions,
        methods: raw.methods,
        volume_bands: raw.volume_bands,
        recommendations,
        split,
        advice: raw.advice,
    })
}

/// Orders criteria so that each comes after every criterion its conditions read, with a
/// petgraph dependency graph; a cycle is an error that names every member.
fn order_criteria(
    criteria: Vec<Criterion>,
    text: &str,
    file: &Path,
) -> Result<Vec<Criterion>, RulesError> {
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..criteria.len()).map(|i| graph.add_node(i)).collect();
    let index: HashMap<&str, usize> = criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    for (i, c) in criteria.iter().enumerate() {
        for r in &c.derive {
            for (name, _) in r.when.names() {
                if let Some(&j) = index.get(name) {
                    // j must be evaluated before i.
                    graph.update_edge(nodes[j], nodes[i], ());
                }
            }
        }
    }
    // Kahn's algorithm, always taking the earliest-declared ready criterion, so that the
    // evaluation order (and the explanation) follows the file wherever the graph allows.
    let mut indegree: Vec<usize> = nodes
        .iter()
        .map(|&n| {
            graph
                .neighbors_directed(n, petgraph::Direction::Incoming)
                .count()
        })
        .collect();
    let mut ready: std::collections::BTreeSet<usize> =
        (0..nodes.len()).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for m in graph.neighbors_directed(nodes[i], petgraph::Direction::Outgoing) {
            let j = graph[m];
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.insert(j);
            }
        }
    }
    let sorted = if order.len() == nodes.len() {
        Ok(order)
    } else {
        Err(())
    };
    match sorted {
        Ok(order) => {
            let mut slots: Vec<Option<Criterion>> = criteria.into_iter().map(Some).collect();
            Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
        }
        Err(_) => {
            let sccs = petgraph::algo::tarjan_scc(&graph);
            let cycle: Vec<String> = sccs
                .into_iter()
                .find(|s| s.len() > 1 || s.iter().any(|n| graph.contains_edge(*n, *n)))
                .unwrap_or_default()
                .into_iter()
                .map(|n| {
                    let c = &criteria[graph[n]];
                    match locate(text, &format!("\"{}\"", c.id)) {
                        Some((l, _)) => format!("`{}` (line {l})", c.id),
                        None => format!("`{}`", c.id),
                    }
                })
                .collect();
            let mut cycle = cycle;
            cycle.sort();
            Err(RulesError {
                file: file.to_path_buf(),
                location: None,
                message: format!(
                    "derived criteria read each other in a cycle: {}",
                    cycle.join(" → ")
                ),
            })
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

    #[test]
    fn a_fraction_where_percent_is_expected_is_rejected() {
        let e = with("a-cutoff = 80", "a-cutoff = 0.8").expect_err("fraction");
        assert!(e.message.contains("did you mean 80"), "{}", e.message);
        assert_eq!(e.location.map(|l| l.0), Some(25));
    }

    #[test]
    fn cut_offs_must_increase() {
        let e = with("b-cutoff = 95", "b-cutoff = 70").expect_err("a >= b");
        assert!(e.message.contains("must be below"), "{}", e.message);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = with("a-cutoff = 80", "a-cutof = 80").expect_err("typo");
        assert!(e.message.contains("a-cutof"), "{}", e.message);
        assert!(e.location.is_some());
    }

    #[test]
    fn split_shares_must_add_up() {
        let e = with("background = 30", "background = 20").expect_err("90 %");
        assert!(e.message.contains("add up to 90"), "{}", e.message);
    }

    #[test]
    fn cycles_among_derived_criteria_are_named() {
        // Make product-criticality read value-creation, which reads product-criticality.
        let e = with(
            "{ when = \"category-profit-share > 0\"",
            "{ when = \"value-creation == 'high'\"",
        )
        .expect_err("cycle");
        assert!(e.message.contains("cycle"), "{}", e.message);
        assert!(
            e.message.contains("`product-criticality` (line"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("`value-creation` (line"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_names_in_conditions_are_errors() {
        let e = with("when = \"no-bidders\"", "when = \"no-biders\"").expect_err("typo");
        assert!(e.message.contains("no-biders"), "{}", e.message);
    }

    #[test]
    fn profile_values_must_exist() {
        let e = with(
            "product-criticality = [\"non-critical\"]",
            "product-criticality = [\"noncritical\"]",
        )
        .expect_err("bad value");
        assert!(e.message.contains("noncritical"), "{}", e.message);
    }

    #[test]
    fn unknown_methods_are_errors() {
        let e = with(
            "small = [\"rfq\"], medium = [\"rfq\", \"competitive-negotiation\"]",
            "small = [\"rfx\"], medium = [\"rfq\", \"competitive-negotiation\"]",
        )
        .expect_err("method");
        assert!(e.message.contains("`rfx`"), "{}", e.message);
    }
}
