//! Classification: from criteria values to one of the four relationship types, with the
//! trace that explains it.
//!
//! For each (supplier, category) pair — and for each category on its own — every criterion
//! takes a value (from the profiles, from a derivation rule, or by assumption), each type's
//! profile is scored against those values, the best score wins, and the exceptions of the
//! rules then adjust the type. A supplier's type follows from its pairs as the rules say.

use crate::profiles::Layer;
use crate::relationship::RelationshipType;
use crate::rules::expr::Value;
use crate::rules::{
    Exception, ExceptionEffect, ExceptionScope, RuleSet, SupplierTypeRule, TieBreak,
};
use rust_decimal::Decimal;
use serde::Serialize;

/// Where a criterion's value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ValueSource {
    /// Given in the profiles file.
    Profile {
        /// Which part of it.
        layer: Layer,
    },
    /// Derived by a rule.
    Derived {
        /// Stable id of the rule: `CRITERION.derive.N` (1-based).
        rule: String,
        /// The condition that held.
        condition: String,
    },
    /// Nothing decided; the criterion's default was assumed.
    Assumed,
    /// Nothing decided and there is no default.
    Unknown,
}

/// One criterion's value for one pair or category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionValue {
    /// Criterion id.
    pub criterion: String,
    /// The value, when known.
    pub value: Option<String>,
    /// Where it came from.
    pub source: ValueSource,
    /// Why, in words.
    pub why: String,
}

/// How well one type's profile fits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeScore {
    /// The type.
    pub relationship_type: RelationshipType,
    /// Sum of the weights of the criteria that fit.
    pub score: Decimal,
    /// Sum of the weights of all criteria in the profile.
    pub max: Decimal,
    /// Criteria that fit.
    pub matched: Vec<String>,
    /// Criteria that do not fit (or are unknown).
    pub missed: Vec<String>,
}

/// An exception that applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedException {
    /// Stable id of the exception rule.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The type before.
    pub before: RelationshipType,
    /// The type after (the same for a flag).
    pub after: RelationshipType,
    /// Why, in words.
    pub explain: String,
    /// Actions that follow.
    pub actions: Vec<String>,
}

/// The classification of one pair or category, with its trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// Criterion values, in evaluation order.
    pub criteria: Vec<CriterionValue>,
    /// Score of each type, least to most cooperative.
    pub scores: Vec<TypeScore>,
    /// The type the profile match chose.
    pub matched_type: RelationshipType,
    /// Exceptions that applied, in order.
    pub exceptions: Vec<AppliedException>,
    /// The final type.
    pub relationship_type: RelationshipType,
    /// Stable id of the rule that decided: `profile-match` or an exception id.
    pub decided_by: String,
}

/// A condition in the rules could not be evaluated (values of the wrong kind).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule `{rule}`: {source}")]
pub struct ClassifyError {
    /// The rule.
    pub rule: String,
    /// The problem.
    pub source: crate::rules::expr::EvalError,
}

/// A fact visible to conditions, with where it came from.
pub trait Facts {
    /// The value of a fact, and the profile layer when it came from the profiles file.
    fn fact(&self, id: &str) -> Option<(Value, Option<Layer>)>;
}

/// Classifies one pair (or one category, when `facts` has no supplier facts).
pub fn classify(rules: &RuleSet, facts: &dyn Facts) -> Result<Classification, ClassifyError> {
    let mut values: Vec<CriterionValue> = Vec::with_capacity(rules.criteria.len());
    for c in &rules.criteria {
        let lookup = |name: &str| lookup(&values, facts, name);
        let from_profile = c
            .profile_key
            .as_deref()
            .and_then(|k| facts.fact(k))
            .and_then(|(v, layer)| match v {
                Value::Text(s) => Some((s, layer)),
                _ => None,
            });
        let cv = if let Some((value, Some(layer))) = from_profile {
            CriterionValue {
                criterion: c.id.clone(),
                why: format!("given in the {}", layer.describe()),
                value: Some(value),
                source: ValueSource::Profile { layer },
            }
        } else {
            let mut found = None;
            for (i, r) in c.derive.iter().enumerate() {
                // Named only when it holds or fails: most rules tried do neither.
                let rule = || format!("{}.derive.{}", c.id, i + 1);
                let holds = r.when.eval(&lookup).map_err(|source| ClassifyError {
                    rule: rule(),
                    source,
                })?;
                if holds == Some(true) {
                    found = Some(CriterionValue {
                        criterion: c.id.clone(),
                        value: Some(r.value.clone()),
                        source: ValueSource::Derived {
                            rule: rule(),
                            condition: r.when_text.clone(),
                        },
                        why: r.why.clone(),
                    });
                    break;
                }
            }
            found.unwrap_or_else(|| match &c.default {
                Some(d) => CriterionValue {
                    criterion: c.id.clone(),
                    value: Some(d.clone()),
                    source: ValueSource::Assumed,
                    why: "nothing in the profiles or the data decides it; the rules' default is assumed".into(),
                },
                None => CriterionValue {
                    criterion: c.id.clone(),
                    value: None,
                    source: ValueSource::Unknown,
                    why: "nothing in the profiles or the data decides it".into(),
                },
            })
        };
        values.push(cv);
    }

    let scores: Vec<TypeScore> = rules
        .types
        .iter()
        .map(|t| {
            let mut s = TypeScore {
                relationship_type: t.kind,
                score: Decimal::ZERO,
                max: Decimal::ZERO,
                matched: Vec::new(),
                missed: Vec::new(),
            };
            for (cid, accepted) in &t.profile {
                let weight = rules
                    .criterion(cid)
                    .map(|c| c.weight)
                    .unwrap_or(Decimal::ONE);
                s.max += weight;
                let v = values
                    .iter()
                    .find(|v| &v.criterion == cid)
                    .and_then(|v| v.value.as_ref());
                if v.is_some_and(|v| accepted.contains(v)) {
                    s.score += weight;
                    s.matched.push(cid.clone());
                } else {
                    s.missed.push(cid.clone());
                }
            }
            s
        })
        .collect();
    // Best relative fit; ties go the way the rules say.
    let fit = |s: &TypeScore| {
        if s.max.is_zero() {
            Decimal::ZERO
        } else {
            s.score / s.max
        }
    };
    let mut best = scores[0].relationship_type;
    let mut best_fit = fit(&scores[0]);
    for s in &scores[1..] {
        let f = fit(s);
        let better = f > best_fit
            || (f == best_fit && rules.classification.tie == TieBreak::MoreCooperative);
        if better {
            best = s.relationship_type;
            best_fit = f;
        }
    }

    let mut out = Classification {
        criteria: values,
        scores,
        matched_type: best,
        exceptions: Vec::new(),
        relationship_type: best,
        decided_by: "profile-match".into(),
    };
    apply_exceptions(rules, ExceptionScope::Pair, facts, &mut out)?;
    Ok(out)
}

fn lookup(values: &[CriterionValue], facts: &dyn Facts, name: &str) -> Option<Value> {
    if let Some(v) = values.iter().find(|v| v.criterion == name) {
        return v.value.clone().map(Value::Text);
    }
    facts.fact(name).map(|(v, _)| v)
}

/// Applies the exceptions of one scope, in order, to a classification.
pub fn apply_exceptions(
    rules: &RuleSet,
    scope: ExceptionScope,
    facts: &dyn Facts,
    c: &mut Classification,
) -> Result<(), ClassifyError> {
    let outcome = exceptions(rules, scope, &c.criteria, facts, c.relationship_type)?;
    c.exceptions.extend(outcome.applied);
    if let Some(x) = outcome.decided_by {
        c.relationship_type = outcome.relationship_type;
        c.decided_by = x.to_string();
    }
    Ok(())
}

/// What the exceptions of one scope did to a type: see [`exceptions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionOutcome<'r> {
    /// The exceptions that applied, in order.
    pub applied: Vec<AppliedException>,
    /// The type after them.
    pub relationship_type: RelationshipType,
    /// The id of the last exception that changed the type, if any did.
    pub decided_by: Option<&'r str>,
}

/// Runs the exceptions of one scope, in order, on a type, with `criteria` as the
/// criterion values the conditions see (then `facts`). [`apply_exceptions`] without a
/// [`Classification`] to change: the supplier level needs only the outcome.
pub fn exceptions<'r>(
    rules: &'r RuleSet,
    scope: ExceptionScope,
    criteria: &[CriterionValue],
    facts: &dyn Facts,
    start: RelationshipType,
) -> Result<ExceptionOutcome<'r>, ClassifyError> {
    let mut out = ExceptionOutcome {
        applied: Vec::new(),
        relationship_type: start,
        decided_by: None,
    };
    for x in rules.exceptions.iter().filter(|x| x.scope == scope) {
        let holds = x
            .when
            .eval(&|name: &str| lookup(criteria, facts, name))
            .map_err(|source| ClassifyError {
                rule: x.id.clone(),
                source,
            })?;
        if holds != Some(true) {
            continue;
        }
        let before = out.relationship_type;
        let after = effect(x, before);
        out.applied.push(AppliedException {
            id: x.id.clone(),
            title: x.title.clone(),
            before,
            after,
            explain: x.explain.clone(),
            actions: x.actions.clone(),
        });
        if after != before {
            out.relationship_type = after;
            out.decided_by = Some(&x.id);
        }
    }
    Ok(out)
}

fn effect(x: &Exception, t: RelationshipType) -> RelationshipType {
    match x.effect {
        ExceptionEffect::Flag => t,
        ExceptionEffect::Set(s) => s,
        ExceptionEffect::AtLeast(s) => t.max(s),
        ExceptionEffect::AtMost(s) => t.min(s),
        ExceptionEffect::StepUp(n) => t.step_up(n),
    }
}

/// A supplier's type from the types of its categories, as the rules say.
///
/// `pairs` holds, per category, the pair's type and the category's share of our spend with
/// the supplier in percent. Returns the type and the categories that decided it.
pub fn supplier_type<S: AsRef<str>>(
    rules: &RuleSet,
    pairs: &[(S, RelationshipType, Decimal)],
) -> Option<(RelationshipType, Vec<String>)> {
    let material: Vec<&(S, RelationshipType, Decimal)> = pairs
        .iter()
        .filter(|(_, _, share)| *share >= rules.classification.material_share)
        .collect();
    let considered: Vec<&(S, RelationshipType, Decimal)> = if material.is_empty() {
        pairs.iter().collect()
    } else {
        material
    };
    match rules.classification.supplier_type {
        SupplierTypeRule::MostCooperative => {
            let t = considered.iter().map(|p| p.1).max()?;
            let by: Vec<String> = considered
                .iter()
                .filter(|p| p.1 == t)
                .map(|p| p.0.as_ref().to_string())
                .collect();
            Some((t, by))
        }
        SupplierTypeRule::LargestCategory => {
            let p = considered
                .iter()
                .max_by(|a, b| a.2.cmp(&b.2).then_with(|| b.0.as_ref().cmp(a.0.as_ref())))?;
            Some((p.1, vec![p.0.as_ref().to_string()]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<String, (Value, Option<Layer>)>);

    impl Facts for Map {
        fn fact(&self, id: &str) -> Option<(Value, Option<Layer>)> {
            self.0.get(id).cloned()
        }
    }

    fn facts(pairs: &[(&str, Value, bool)]) -> Map {
        Map(pairs
            .iter()
            .map(|(k, v, profile)| {
                (
                    k.to_string(),
                    (v.clone(), profile.then_some(Layer::Category)),
                )
            })
            .collect())
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    fn rules() -> RuleSet {
        RuleSet::default_rules().expect("rules")
    }

    fn value<'a>(c: &'a Classification, id: &str) -> &'a CriterionValue {
        c.criteria
            .iter()
            .find(|v| v.criterion == id)
            .expect("criterion")
    }

    #[test]
    fn office_supplies_are_economic_opportunistic() {
        let f = facts(&[
            ("has-profit-data", Value::Bool(true), false),
            ("category-profit-share", Value::Number(Decimal::ZERO), false),
            ("category-spend-class", t("C"), false),
            ("suppliers-in-category", Value::Number(1.into()), false),
        ]);
        let c = classify(&rules(), &f).expect("classifies");
        assert_eq!(c.relationship_type, RelationshipType::EconomicOpportunistic);
        assert_eq!(
            value(&c, "product-criticality").source,
            ValueSource::Assumed
        );
        assert_eq!(c.decided_by, "profile-match");
    }

    #[test]
    fn standardized_core_goods_from_many_suppliers_are_partial_competition() {
        let f = facts(&[
            ("criticality", t("core"), true),
            ("suppliers-in-market", Value::Number(12.into()), true),
            ("category-profit-class", t("B"), false),
            ("has-profit-data", Value::Bool(true), false),
        ]);
        let c = classify(&rules(), &f).expect("classifies");
        assert_eq!(
            c.relationship_type,
            RelationshipType::PartialCompetition,
            "{c:#?}"
        );
        assert!(matches!(
            value(&c, "product-criticality").source,
            ValueSource::Profile { .. }
        ));
        assert!(matches!(
            value(&c, "market-suppliers").source,
            ValueSource::Derived { .. }
        ));
    }

    #[test]
    fn monopoly_behaviour_on_a_standard_product_overrides_partial_competition() {
        let f = facts(&[
            ("criticality", t("core"), true),
            ("suppliers-in-market", Value::Number(12.into()), true),
            ("monopoly-behaviour", Value::Bool(true), true),
            ("category-profit-class", t("B"), false),
        ]);
        let c = classify(&rules(), &f).expect("classifies");
        assert_eq!(c.relationship_type, RelationshipType::SelectiveCooperation);
        assert_eq!(c.decided_by, "monopoly-standard");
        let f = facts(&[
            ("criticality", t("critical"), true),
            ("monopoly-behaviour", Value::Bool(true), true),
        ]);
        let c = classify(&rules(), &f).expect("classifies");
        assert_eq!(c.relationship_type, RelationshipType::Partnership);
    }

    #[test]
    fn core_product_with_problematic_supply_is_never_type_1_or_2() {
        let f = facts(&[
            ("criticality", t("core"), true),
            ("suppliers-in-market", Value::Number(2.into()), true),
            ("quality", t("standardized"), true),
            ("category-profit-class", t("A"), false),
        ]);
        let c = classify(&rules(), &f).expect("classifies");
        assert!(
            c.relationship_type >= RelationshipType::SelectiveCooperation,
            "{c:#?}"
        );
    }

    #[test]
    fn non_critical_is_never_partnership() {
        let f = facts(&[
            ("criticality", t("non-critical"), true),
            ("quality", t("customized"), true),
            ("suppliers-in-market", Value::Number(1.into()), true),
            ("supply-risk", t("high"), true),
            ("interdependence", t("high"), true),
            ("value-creation", t("high"), true),
            ("profit-share", t("high"), true),
        ]);
        let c = classify(&rules(), &f).expect("classifies");
        assert_eq!(c.relationship_type, RelationshipType::SelectiveCooperation);
        assert_eq!(c.decided_by, "non-critical-non-standard");
    }

    #[test]
    fn no_bidders_steps_up() {
        let f = facts(&[("no-bidders", Value::Bool(true), true)]);
        let c = classify(&rules(), &f).expect("classifies");
        assert_eq!(c.matched_type, RelationshipType::EconomicOpportunistic);
        assert_eq!(c.relationship_type, RelationshipType::PartialCompetition);
        assert!(c.exceptions.iter().any(|x| x.id == "no-bidders"));
    }

    #[test]
    fn supplier_type_is_the_most_cooperative_material_category() {
        let r = rules();
        let pairs = vec![
            (
                "A".to_string(),
                RelationshipType::PartialCompetition,
                Decimal::from(60),
            ),
            (
                "B".to_string(),
                RelationshipType::Partnership,
                Decimal::from(5),
            ),
            (
                "C".to_string(),
                RelationshipType::SelectiveCooperation,
                Decimal::from(35),
            ),
        ];
        // B is below the material share, so it does not count.
        assert_eq!(
            supplier_type(&r, &pairs),
            Some((
                RelationshipType::SelectiveCooperation,
                vec!["C".to_string()]
            ))
        );
    }
}
