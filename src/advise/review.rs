//! The supplier review (DOMAIN section 6): each scorecard row placed in one of four
//! quadrants by importance and performance against expectation; the "act" cells become
//! actions in the supplier's plan.

use super::text::fill;
use super::{Action, ActionKind, Advice};
use crate::rules::RuleSet;
use crate::scorecard::{Scorecard, ScorecardError};
use rust_decimal::Decimal;
use serde::Serialize;
use std::path::PathBuf;

/// The four quadrants of the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quadrant {
    /// Important and exceeded (at least met): build on it.
    Leverage,
    /// Important and missed: act.
    Act,
    /// Unimportant and missed: leave it.
    StatusQuo,
    /// Unimportant and exceeded: move resources elsewhere.
    MoveResources,
}

impl Quadrant {
    /// The id in output and in rule ids (`advice.scorecard.ID`).
    pub fn id(self) -> &'static str {
        match self {
            Quadrant::Leverage => "leverage",
            Quadrant::Act => "act",
            Quadrant::StatusQuo => "status-quo",
            Quadrant::MoveResources => "move-resources",
        }
    }

    /// The quadrant of an importance and a performance score under the rules' thresholds.
    pub fn of(rules: &RuleSet, importance: Decimal, performance: Decimal) -> Quadrant {
        let s = &rules.advice.scorecard;
        match (importance >= s.important_from, performance >= s.met_from) {
            (true, true) => Quadrant::Leverage,
            (true, false) => Quadrant::Act,
            (false, false) => Quadrant::StatusQuo,
            (false, true) => Quadrant::MoveResources,
        }
    }
}

/// One scorecard row, placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewCell {
    /// The touchpoint or criterion.
    pub criterion: String,
    /// Importance score.
    pub importance: Decimal,
    /// Performance against expectation.
    pub performance: Decimal,
    /// The quadrant.
    pub quadrant: Quadrant,
    /// The quadrant in words.
    pub text: String,
    /// Stable id of the rule: `advice.scorecard.QUADRANT`.
    pub rule: String,
}

/// Places every scorecard row of a supplier in the analysis in its quadrant, adds the cells
/// to the supplier plans and turns the "act" cells into actions. A supplier that is not in
/// the ledger is an error naming the row.
pub fn apply_scorecard(
    advice: &mut Advice,
    rules: &RuleSet,
    scorecard: &Scorecard,
) -> Result<(), ScorecardError> {
    let words = &rules.advice.scorecard;
    for e in &scorecard.entries {
        let Some(plan) = advice
            .suppliers
            .iter_mut()
            .find(|p| *p.supplier_id == *e.supplier_id)
        else {
            let ids: Vec<String> = advice
                .suppliers
                .iter()
                .map(|p| p.supplier_id.to_string())
                .collect();
            let hint = crate::suggest::did_you_mean(&e.supplier_id, ids.iter().map(String::as_str))
                .map(|s| format!(" — did you mean {s}?"))
                .unwrap_or_default();
            return Err(ScorecardError {
                file: PathBuf::from(&scorecard.source),
                location: Some((e.line, e.supplier_column)),
                message: format!(
                    "supplier {:?} is not in the ledger: expected a supplier id of the ledger{hint}",
                    e.supplier_id
                ),
            });
        };
        let quadrant = Quadrant::of(rules, e.importance, e.performance);
        let importance = e.importance.normalize().to_string();
        let performance = e.performance.normalize().to_string();
        let values = [
            ("supplier", e.supplier_id.as_str()),
            ("criterion", e.criterion.as_str()),
            ("importance", importance.as_str()),
            ("performance", performance.as_str()),
        ];
        let template = match quadrant {
            Quadrant::Leverage => &words.leverage,
            Quadrant::Act => &words.act,
            Quadrant::StatusQuo => &words.status_quo,
            Quadrant::MoveResources => &words.move_resources,
        };
        plan.scorecard.push(ReviewCell {
            criterion: e.criterion.clone(),
            importance: e.importance,
            performance: e.performance,
            quadrant,
            text: fill(template, &values),
            rule: format!("advice.scorecard.{}", quadrant.id()),
        });
        if quadrant == Quadrant::Act {
            plan.actions.push(Action {
                kind: ActionKind::Review,
                text: fill(&words.act_action, &values).into(),
                rule: "advice.scorecard.act-action".into(),
            });
        }
    }
    advice.scorecard = Some(scorecard.source.clone());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_quadrants_follow_the_thresholds() {
        let r = RuleSet::default_rules().expect("default rules");
        let q = |i: i64, p: i64| Quadrant::of(&r, Decimal::from(i), Decimal::from(p));
        assert_eq!(q(5, 5), Quadrant::Leverage);
        assert_eq!(q(4, 3), Quadrant::Leverage, "met counts as not missed");
        assert_eq!(q(5, 2), Quadrant::Act);
        assert_eq!(q(2, 1), Quadrant::StatusQuo);
        assert_eq!(q(3, 4), Quadrant::MoveResources);
    }
}
