//! What every report says about one supplier — the short explanation of its type, its
//! supply-risk level, the rows of its split proposals — and the one-page report on one
//! supplier for a supplier meeting (`procura report SUPPLIER_ID …`).

use super::{Context, Format, ReportError, html, markdown, percent, xlsx};
use crate::advise::{Allocation, CategoryPlan};
use crate::analysis::{Analysis, SupplierResult};
use crate::classify::Classification;
use crate::rules::RuleSet;

/// The criterion whose value places a supplier on the matrix's vertical axis. Its levels,
/// in order, come from the rules; only the id is fixed here because the chart is drawn for it.
pub(crate) const SUPPLY_RISK: &str = "supply-risk";

/// How many criteria that fit the type the short explanation names.
const WHY_CRITERIA: usize = 4;

/// The value of a criterion in a classification.
pub(crate) fn criterion<'a>(c: &'a Classification, id: &str) -> Option<&'a str> {
    c.criteria
        .iter()
        .find(|v| v.criterion == id)
        .and_then(|v| v.value.as_deref())
}

/// The classification of the category that decided the supplier's type.
pub(crate) fn deciding(s: &SupplierResult) -> Option<&crate::analysis::PairResult> {
    s.decided_by_categories
        .first()
        .and_then(|c| s.categories.iter().find(|p| *p.category == **c))
        .or_else(|| s.categories.first())
}

/// The supplier's supply-risk level: that of its deciding category.
pub(crate) fn supply_risk(s: &SupplierResult) -> Option<&str> {
    deciding(s).and_then(|p| criterion(&p.classification, SUPPLY_RISK))
}

/// The supply-risk levels, lowest first: from the rules when given; else from the shipped
/// rules when they know every level seen; else the levels seen, sorted (stable at least).
pub(crate) fn risk_levels(a: &Analysis, ctx: &Context<'_>) -> Vec<String> {
    let from = |r: &RuleSet| {
        r.criteria
            .iter()
            .find(|c| c.id == SUPPLY_RISK)
            .map(|c| c.values.clone())
    };
    if let Some(v) = ctx.rules.and_then(from) {
        return v;
    }
    let mut seen: Vec<String> = a
        .suppliers
        .iter()
        .filter_map(|s| supply_risk(s).map(str::to_string))
        .collect();
    seen.sort();
    seen.dedup();
    match RuleSet::default_rules().ok().as_ref().and_then(from) {
        Some(v) if seen.iter().all(|l| v.contains(l)) => v,
        _ => seen,
    }
}

/// The supplier's name, or its id when the ledger gives none.
pub(crate) fn display_name(s: &SupplierResult) -> &str {
    if s.name.is_empty() { &s.id } else { &s.name }
}

/// A short explanation of the supplier's classes and type, in one paragraph.
pub(crate) fn why(a: &Analysis, s: &SupplierResult) -> String {
    let mut o = format!(
        "Spend class {} ({} % of spend, rank {} of {})",
        s.abc.spend.class,
        percent(s.abc.spend.share),
        s.abc.spend.rank,
        a.suppliers.len()
    );
    match &s.abc.profit {
        Some(p) => o.push_str(&format!(
            "; profit class {} ({} % of profit).",
            p.class,
            percent(p.share)
        )),
        None => o.push_str("; no profit data."),
    }
    o.push_str(&format!(" Type {}", s.type_from_categories));
    if let Some(p) = deciding(s) {
        o.push_str(&format!(
            ", set by its category {} ({} % of our spend with it)",
            p.category,
            percent(p.share_of_supplier_spend)
        ));
        let c = &p.classification;
        let fits: Vec<String> = c
            .scores
            .iter()
            .find(|t| t.relationship_type == c.matched_type)
            .map(|t| {
                t.matched
                    .iter()
                    .take(WHY_CRITERIA)
                    .filter_map(|id| criterion(c, id).map(|v| format!("{id} {v}")))
                    .collect()
            })
            .unwrap_or_default();
        if !fits.is_empty() {
            o.push_str(&format!(", which fits on {}", fits.join(", ")));
        }
        o.push_str(&format!(" (decided by `{}`)", c.decided_by));
    }
    o.push('.');
    for x in &s.exceptions {
        if x.before == x.after {
            o.push_str(&format!(" Flag `{}`: {}.", x.id, x.title));
        } else {
            o.push_str(&format!(
                " Exception `{}` moves it from {} to {}: {}.",
                x.id, x.before, x.after, x.title
            ));
        }
    }
    o
}

/// The category plans that give the supplier a role, with its allocation.
pub(crate) fn roles<'a>(a: &'a Analysis, id: &str) -> Vec<(&'a CategoryPlan, &'a Allocation)> {
    a.advice
        .categories
        .iter()
        .filter_map(|p| {
            p.allocations
                .iter()
                .find(|x| &*x.supplier_id == id)
                .map(|x| (&**p, x))
        })
        .collect()
}

/// The one-page report on one supplier, for a supplier meeting: its classes, type and why,
/// its categories and shares, the method, the split proposals and the actions.
pub fn supplier_report(
    a: &Analysis,
    ctx: &Context<'_>,
    supplier_id: &str,
    format: Format,
) -> Result<Vec<u8>, ReportError> {
    let s = a
        .supplier(supplier_id)
        .ok_or_else(|| ReportError::UnknownSupplier(supplier_id.to_string()))?;
    match format {
        Format::Html => Ok(html::supplier(a, ctx, s).into_bytes()),
        Format::Xlsx => xlsx::supplier(a, s),
        Format::Table | Format::Markdown => Ok(markdown::supplier(a, s).into_bytes()),
        Format::Csv | Format::Json | Format::BenchCsv => Err(ReportError::NotForSupplier(format)),
    }
}
