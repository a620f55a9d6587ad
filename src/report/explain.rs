//! The explanation of one supplier's classification, in words a buyer understands.

use super::{money_grouped, percent};
use crate::advise::ActionKind;
use crate::analysis::Analysis;
use crate::classify::{Classification, ValueSource};

fn source(s: &ValueSource) -> String {
    match s {
        ValueSource::Profile { layer } => format!("from the {}", layer.describe()),
        ValueSource::Derived { rule, condition } => format!("derived by `{rule}` ({condition})"),
        ValueSource::Assumed => "assumed (rules default)".into(),
        ValueSource::Unknown => "unknown".into(),
    }
}

fn classification(o: &mut String, c: &Classification, indent: &str) {
    o.push_str(&format!("{indent}criteria:\n"));
    for v in &c.criteria {
        let why = match v.source {
            ValueSource::Profile { .. } => String::new(),
            _ => format!(" — {}", v.why),
        };
        o.push_str(&format!(
            "{indent}  {:<22} {:<14} {}{why}\n",
            v.criterion,
            v.value.as_deref().unwrap_or("?"),
            source(&v.source),
        ));
    }
    o.push_str(&format!(
        "{indent}type scores (weights of matching criteria):\n"
    ));
    for s in &c.scores {
        let mark = if s.relationship_type == c.matched_type {
            "  ← best match"
        } else {
            ""
        };
        o.push_str(&format!(
            "{indent}  {:<24} {}/{}{mark}{}\n",
            s.relationship_type.id(),
            s.score,
            s.max,
            if s.missed.is_empty() {
                String::new()
            } else {
                format!("  (misses: {})", s.missed.join(", "))
            }
        ));
    }
    for x in &c.exceptions {
        let change = if x.before == x.after {
            format!("no change: already {}", x.after)
        } else {
            format!("{} → {}", x.before, x.after)
        };
        o.push_str(&format!(
            "{indent}exception `{}` ({change}): {} — {}\n",
            x.id, x.title, x.explain
        ));
    }
    o.push_str(&format!(
        "{indent}→ {} (decided by `{}`)\n",
        c.relationship_type, c.decided_by
    ));
}

/// Explains why a supplier has its classes and type, and what follows. `None` when the
/// supplier is not in the analysis.
pub fn explain(a: &Analysis, supplier_id: &str) -> Option<String> {
    let s = a.supplier(supplier_id)?;
    let cur = a.summary.currency.as_deref().unwrap_or("");
    let mut o = String::new();
    for n in &a.summary.notices {
        o.push_str(&format!("NOTE: {n}\n"));
    }
    o.push_str(&format!(
        "{} {}\n",
        s.id,
        if s.name.is_empty() {
            String::new()
        } else {
            format!("— {}", s.name)
        }
    ));
    o.push_str(&format!(
        "\nABC: spend {} {cur}, share {} %, cumulative {} %, rank {} of {} → class {} (cut-offs A ≤ {} %, B ≤ {} %, {} boundary)\n",
        money_grouped(s.abc.spend.value),
        percent(s.abc.spend.share),
        percent(s.abc.spend.cumulative_share),
        s.abc.spend.rank,
        a.suppliers.len(),
        s.abc.spend.class,
        a.summary.a_cutoff,
        a.summary.b_cutoff,
        a.summary.boundary
    ));
    match &s.abc.profit {
        Some(p) => o.push_str(&format!(
            "     profit {} {cur}, share {} %, cumulative {} % → class {}; spend×profit cell {}\n",
            money_grouped(p.value),
            percent(p.share),
            percent(p.cumulative_share),
            p.class,
            s.abc_cell
        )),
        None => o.push_str("     no profit data\n"),
    }
    o.push_str(&format!(
        "\nRelationship type: {} — {}\n",
        s.relationship_type,
        if s.type_from_categories == s.relationship_type {
            format!(
                "the most cooperative type among its material categories ({})",
                s.decided_by_categories.join(", ")
            )
        } else {
            format!(
                "{} from its categories ({}), changed by a supplier exception",
                s.type_from_categories,
                s.decided_by_categories.join(", ")
            )
        }
    ));
    for x in &s.exceptions {
        o.push_str(&format!(
            "  exception `{}`: {} — {}\n",
            x.id, x.title, x.explain
        ));
    }
    for p in &s.categories {
        o.push_str(&format!(
            "\nCategory {}: spend {} {cur} ({} % of the category, {} % of this supplier)\n",
            p.category,
            money_grouped(p.spend),
            percent(p.share_in_category),
            percent(p.share_of_supplier_spend)
        ));
        classification(&mut o, &p.classification, "  ");
    }
    if let Some(plan) = a.advice.supplier(&s.id) {
        o.push_str(&format!("\nWhat to do ({}):\n", plan.relationship_type));
        o.push_str(&format!("  goal: {}\n", plan.goal));
        o.push_str(&format!(
            "  contract horizon: {}; review: {}\n",
            plan.contract_horizon, plan.review
        ));
        o.push_str(&format!(
            "  relationship level: {}; bonds: {}\n",
            plan.relationship_level,
            plan.bonds.join(", ")
        ));
        for m in &plan.methods {
            o.push_str(&format!(
                "  {}: {} volume ({} {cur}) → {} [`{}`]\n",
                m.category,
                m.band.id(),
                money_grouped(m.spend),
                m.methods.join(", "),
                m.rule
            ));
        }
        for step in plan.pre_steps.iter() {
            o.push_str(&format!("  before: {step}\n"));
        }
        // The roles in the category plans follow below, in more detail.
        for act in plan
            .actions
            .iter()
            .filter(|x| x.kind != ActionKind::Sourcing)
        {
            o.push_str(&format!("  - {} [`{}`]\n", act.text, act.rule));
        }
    }
    for p in &a.advice.categories {
        if let Some(x) = p.allocations.iter().find(|x| *x.supplier_id == *s.id) {
            o.push_str(&format!(
                "\nIn {} ({}): {} [`{}`]\n",
                p.category,
                p.relationship_type,
                x.why(),
                x.rule
            ));
            o.push_str(&format!(
                "  current {} % → proposed {} (top supplier {} %, HHI {}) [`{}`]\n",
                percent(x.current_share),
                x.proposed_share
                    .map(|v| format!("{} %", percent(v)))
                    .unwrap_or_else(|| "—".into()),
                percent(p.top_share),
                p.hhi.round_dp(0),
                p.rule
            ));
            for m in p
                .moves
                .iter()
                .filter(|m| *m.from == *s.id || *m.to == *s.id)
            {
                o.push_str(&format!("  {} [`{}`]\n", m.text(), m.rule()));
            }
        }
    }
    let risks: Vec<_> = a
        .advice
        .risks
        .iter()
        .filter(|r| {
            r.subject == s.id
                || r.backup_candidates.iter().any(|c| c.supplier_id == s.id)
                || s.categories
                    .iter()
                    .any(|p| r.categories.iter().any(|c| **c == *p.category))
        })
        .collect();
    if !risks.is_empty() {
        o.push_str("\nSupply risks:\n");
        for r in risks {
            o.push_str(&format!("  [{}] {} [`{}`]\n", r.id, r.message, r.rule));
        }
    }
    Some(o)
}
