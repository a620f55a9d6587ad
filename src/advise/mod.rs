//! Advice: from classes and types to what to do — sourcing splits per category, methods
//! and actions per supplier, and the supply risks the supply graph shows.
//!
//! Every recommendation carries the stable id of the rule that produced it.

pub mod graph;

use crate::analysis::{CategoryResult, Finding, Summary, SupplierResult};
use crate::profiles::Profiles;
use crate::relationship::RelationshipType;
use crate::rules::{RuleSet, SourcingPattern, VolumeBand};
use graph::SupplyGraph;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// A supplier's role in a category's sourcing proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The main supplier of a split (70 % by default).
    Main,
    /// The background supplier of a split (30 % by default).
    Background,
    /// A backup ("reserve") supplier with occasional orders.
    Backup,
    /// The one supplier a low-value category is bundled with.
    Bundle,
    /// A supplier under a frame agreement.
    Frame,
    /// A partner (single or dual source).
    Partner,
    /// A supplier whose volume moves to the others.
    PhaseOut,
    /// A supplier not used in the category now, proposed to take a role.
    Candidate,
}

impl Role {
    /// The id in output.
    pub fn id(self) -> &'static str {
        match self {
            Role::Main => "main",
            Role::Background => "background",
            Role::Backup => "backup",
            Role::Bundle => "bundle",
            Role::Frame => "frame",
            Role::Partner => "partner",
            Role::PhaseOut => "phase-out",
            Role::Candidate => "candidate",
        }
    }
}

/// One supplier in a category's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// Supplier id.
    pub supplier_id: String,
    /// Its role.
    pub role: Role,
    /// Current spend in the category.
    pub current_spend: Decimal,
    /// Current share of the category, a fraction.
    pub current_share: Decimal,
    /// Proposed share, a fraction (none where the plan does not set one, e.g. a backup).
    pub proposed_share: Option<Decimal>,
    /// Proposed spend over the same period.
    pub proposed_spend: Option<Decimal>,
    /// Why this supplier takes this role.
    pub why: String,
}

/// Money to move between suppliers of one category, over the ledger's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// From this supplier.
    pub from: String,
    /// To this supplier.
    pub to: String,
    /// The amount.
    pub amount: Decimal,
}

/// A supplier proposed as a backup, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Supplier id.
    pub supplier_id: String,
    /// Why it is a candidate.
    pub why: String,
}

/// The plan for one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryPlan {
    /// Category id.
    pub category: String,
    /// The category's relationship type.
    pub relationship_type: RelationshipType,
    /// The sourcing pattern of that type.
    pub sourcing: SourcingPattern,
    /// Stable id of the rule that produced the proposal.
    pub rule: String,
    /// The category's net spend.
    pub spend: Decimal,
    /// Share of the largest supplier, a fraction.
    pub top_share: Decimal,
    /// Herfindahl–Hirschman index of the current split (0–10,000).
    pub hhi: Decimal,
    /// Current and proposed allocation.
    pub allocations: Vec<Allocation>,
    /// Money to move to reach the proposal.
    pub moves: Vec<Move>,
    /// Backup candidates from the supply graph and the profiles.
    pub backup_candidates: Vec<Candidate>,
    /// Notes in words.
    pub notes: Vec<String>,
}

/// Methods for one (supplier, category) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairMethods {
    /// Category id.
    pub category: String,
    /// The pair's type.
    pub relationship_type: RelationshipType,
    /// Spend with the supplier in the category.
    pub spend: Decimal,
    /// The volume band of that spend.
    pub band: VolumeBand,
    /// Method ids, in order of preference.
    pub methods: Vec<String>,
    /// Stable id of the rule: `recommendations.TYPE.methods.BAND`.
    pub rule: String,
}

/// An action, with the rule that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// What to do.
    pub text: String,
    /// Stable id of the rule.
    pub rule: String,
}

/// The plan for one supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierPlan {
    /// Supplier id.
    pub supplier_id: String,
    /// Its type.
    pub relationship_type: RelationshipType,
    /// The goal of the relationship.
    pub goal: String,
    /// Relationship level to aim for.
    pub relationship_level: String,
    /// Bonds to build.
    pub bonds: Vec<String>,
    /// Contract horizon.
    pub contract_horizon: String,
    /// Review frequency.
    pub review: String,
    /// What decides between suppliers.
    pub decisive_factor: String,
    /// Steps before the method.
    pub pre_steps: Vec<String>,
    /// Methods per category.
    pub methods: Vec<PairMethods>,
    /// Actions, type actions first, then those of exceptions.
    pub actions: Vec<Action>,
}

/// A risk the supply graph shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplyRisk {
    /// Stable id: `single-source` or `supplier-loss`.
    pub id: String,
    /// The category or supplier.
    pub subject: String,
    /// The categories concerned.
    pub categories: Vec<String>,
    /// In words.
    pub message: String,
    /// Backup candidates.
    pub backup_candidates: Vec<Candidate>,
}

/// All advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// Per category, in category spend rank order.
    pub categories: Vec<CategoryPlan>,
    /// Per supplier, in supplier spend rank order.
    pub suppliers: Vec<SupplierPlan>,
    /// Supply risks, single sources first.
    pub risks: Vec<SupplyRisk>,
}

impl Advice {
    /// The plan of a category.
    pub fn category(&self, id: &str) -> Option<&CategoryPlan> {
        self.categories.iter().find(|p| p.category == id)
    }

    /// The plan of a supplier.
    pub fn supplier(&self, id: &str) -> Option<&SupplierPlan> {
        self.suppliers.iter().find(|p| p.supplier_id == id)
    }
}

fn frac(part: Decimal, whole: Decimal) -> Decimal {
    if whole > Decimal::ZERO {
        (part / whole).normalize()
    } else {
        Decimal::ZERO
    }
}

/// Percent with 1 decimal, for sentences.
pub(crate) fn pct1(f: Decimal) -> String {
    format!("{:.1} %", (f * Decimal::ONE_HUNDRED).round_dp(1))
}

/// Builds the advice. Findings for single sources and supplier losses are added to `findings`.
pub fn advise(
    rules: &RuleSet,
    profiles: &Profiles,
    summary: &Summary,
    suppliers: &[SupplierResult],
    categories: &[CategoryResult],
    findings: &mut Vec<Finding>,
) -> Advice {
    let graph = SupplyGraph::new(suppliers.iter().flat_map(|s| {
        s.categories
            .iter()
            .map(|p| (p.supplier_id.as_str(), p.category.as_str(), p.spend))
    }));
    let currency = summary.currency.clone().unwrap_or_default();
    let cat_type: BTreeMap<&str, RelationshipType> = categories
        .iter()
        .map(|c| (c.id.as_str(), c.classification.relationship_type))
        .collect();
    let ctx = Ctx {
        rules,
        profiles,
        graph: &graph,
        cat_type: &cat_type,
        currency: &currency,
    };

    let plans: Vec<CategoryPlan> = categories.iter().map(|c| ctx.category_plan(c)).collect();

    let mut risks = Vec::new();
    for (c, s) in graph.single_sourced() {
        let t = cat_type
            .get(c.as_str())
            .copied()
            .unwrap_or(RelationshipType::EconomicOpportunistic);
        // A single source is a risk where the type needs competition or the supply matters.
        let critical = categories
            .iter()
            .find(|x| x.id == c)
            .and_then(|x| {
                x.classification
                    .criteria
                    .iter()
                    .find(|v| v.criterion == "product-criticality")
            })
            .and_then(|v| v.value.as_deref())
            .is_some_and(|v| v != "non-critical");
        if t == RelationshipType::EconomicOpportunistic && !critical {
            continue;
        }
        let candidates = ctx.backup_candidates(&c, std::slice::from_ref(&s));
        let message = format!(
            "{c} ({}) is bought from {s} alone{}",
            t.id(),
            match candidates.first() {
                Some(x) => format!("; backup candidate: {}", x.supplier_id),
                None => "; no backup candidate is known: qualify one".into(),
            }
        );
        findings.push(Finding {
            id: "single-source".into(),
            subject: c.clone(),
            message: message.clone(),
        });
        risks.push(SupplyRisk {
            id: "single-source".into(),
            subject: c.clone(),
            categories: vec![c],
            message,
            backup_candidates: candidates,
        });
    }
    for (s, cats) in graph.critical_suppliers(2) {
        let message = format!(
            "losing {s} would leave {} categories without a supplier: {}",
            cats.len(),
            cats.join(", ")
        );
        findings.push(Finding {
            id: "supplier-loss".into(),
            subject: s.clone(),
            message: message.clone(),
        });
        let mut candidates = Vec::new();
        for c in &cats {
            for x in ctx.backup_candidates(c, std::slice::from_ref(&s)) {
                if !candidates
                    .iter()
                    .any(|y: &Candidate| y.supplier_id == x.supplier_id)
                {
                    candidates.push(x);
                }
            }
        }
        risks.push(SupplyRisk {
            id: "supplier-loss".into(),
            subject: s,
            categories: cats,
            message,
            backup_candidates: candidates,
        });
    }
    for s in suppliers {
        for x in &s.exceptions {
            findings.push(Finding {
                id: x.id.clone(),
                subject: s.id.clone(),
                message: format!("{} {}: {}", s.id, x.title, x.explain),
            });
        }
    }

    let supplier_plans = suppliers.iter().map(|s| ctx.supplier_plan(s)).collect();
    Advice {
        categories: plans,
        suppliers: supplier_plans,
        risks,
    }
}

struct Ctx<'a> {
    rules: &'a RuleSet,
    profiles: &'a Profiles,
    graph: &'a SupplyGraph,
    cat_type: &'a BTreeMap<&'a str, RelationshipType>,
    currency: &'a str,
}

impl Ctx<'_> {
    fn group_of(&self, category: &str) -> Option<&str> {
        self.profiles
            .categories
            .get(category)
            .and_then(|f| f.text("group"))
    }

    /// Backup candidates for a category: suppliers qualified for it in the profiles, then
    /// suppliers of related categories (same group), best spend first; never those in `exclude`
    /// or already serving the category.
    fn backup_candidates(&self, category: &str, exclude: &[String]) -> Vec<Candidate> {
        let serving: Vec<String> = self
            .graph
            .suppliers_of(category)
            .into_iter()
            .map(|x| x.0)
            .collect();
        let skip = |s: &str| exclude.iter().any(|x| x == s) || serving.iter().any(|x| x == s);
        let mut out: Vec<Candidate> = Vec::new();
        if let Some(f) = self.profiles.categories.get(category) {
            for s in f.list("qualified-suppliers") {
                if !skip(s) && !out.iter().any(|c| &c.supplier_id == s) {
                    out.push(Candidate {
                        supplier_id: s.clone(),
                        why: format!("listed as qualified for {category} in the profiles"),
                    });
                }
            }
        }
        // Related categories are those the profiles put in the same group; without a
        // group nothing says two categories are related, so no guess is made.
        let Some(group) = self.group_of(category) else {
            return out;
        };
        let mut related: Vec<(String, String, Decimal)> = Vec::new();
        for s in self.graph.supplier_ids() {
            if skip(s) || out.iter().any(|c| c.supplier_id == s) {
                continue;
            }
            for (c, spend) in self.graph.categories_of(s) {
                if c != category && self.group_of(&c) == Some(group) {
                    related.push((s.to_string(), c, spend));
                    break;
                }
            }
        }
        related.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        for (s, c, _) in related {
            out.push(Candidate {
                supplier_id: s,
                why: format!("already serves the related category {c} (group {group})"),
            });
        }
        out
    }

    /// Order for roles: a supplier performing below expectation goes last; otherwise the
    /// current spend decides (moving most of a category away from a supplier that meets
    /// expectations is a switch, not a split), ties by id.
    fn role_order(&self, current: &mut [(String, Decimal)]) {
        let below = |s: &str| {
            self.profiles
                .suppliers
                .get(s)
                .and_then(|p| p.facts.text("performance"))
                == Some("below")
        };
        current.sort_by(|a, b| {
            below(&a.0)
                .cmp(&below(&b.0))
                .then_with(|| b.1.cmp(&a.1))
                .then_with(|| a.0.cmp(&b.0))
        });
    }

    fn why_role(&self, s: &str, share: Decimal, role: &str) -> String {
        let perf = self
            .profiles
            .suppliers
            .get(s)
            .and_then(|p| p.facts.text("performance"))
            .map(|p| format!(", performance {p} expectation"))
            .unwrap_or_default();
        format!("{role}: current share {}{perf}", pct1(share))
    }

    fn category_plan(&self, c: &CategoryResult) -> CategoryPlan {
        let t = c.classification.relationship_type;
        let rec = &self.rules.recommendations[&t];
        let spend = c.abc.spend.value;
        let current: Vec<(String, Decimal)> = c.suppliers.clone();
        let positive_total: Decimal = current.iter().map(|x| x.1.max(Decimal::ZERO)).sum();
        let share = |v: Decimal| frac(v.max(Decimal::ZERO), positive_total);
        let hhi: Decimal = current
            .iter()
            .map(|(_, v)| {
                let p = share(*v) * Decimal::ONE_HUNDRED;
                p * p
            })
            .sum::<Decimal>()
            .round_dp(2)
            .normalize();
        let top_share = current.first().map(|x| share(x.1)).unwrap_or_default();
        let ids: Vec<String> = current.iter().map(|x| x.0.clone()).collect();
        let mut plan = CategoryPlan {
            category: c.id.clone(),
            relationship_type: t,
            sourcing: rec.sourcing,
            rule: format!("recommendations.{}.sourcing", t.id()),
            spend,
            top_share,
            hhi,
            allocations: Vec::new(),
            moves: Vec::new(),
            backup_candidates: Vec::new(),
            notes: Vec::new(),
        };
        let alloc =
            |s: &str, v: Decimal, role: Role, proposed: Option<Decimal>, why: String| Allocation {
                supplier_id: s.to_string(),
                role,
                current_spend: v,
                current_share: share(v),
                proposed_share: proposed,
                proposed_spend: proposed.map(|p| (p * positive_total).round_dp(2)),
                why,
            };
        match rec.sourcing {
            SourcingPattern::Split => {
                plan.rule = "splits.partial-competition".into();
                let split = &self.rules.split;
                let main = split.main / Decimal::ONE_HUNDRED;
                let background = split.background / Decimal::ONE_HUNDRED;
                let mut ordered = current.clone();
                self.role_order(&mut ordered);
                let candidates = self.backup_candidates(&c.id, &[]);
                match ordered.as_slice() {
                    [] => {}
                    [(s, v)] => {
                        plan.allocations.push(alloc(
                            s,
                            *v,
                            Role::Main,
                            Some(main),
                            self.why_role(s, share(*v), "the only supplier today"),
                        ));
                        if let Some(x) = candidates.first() {
                            plan.allocations.push(Allocation {
                                supplier_id: x.supplier_id.clone(),
                                role: Role::Candidate,
                                current_spend: Decimal::ZERO,
                                current_share: Decimal::ZERO,
                                proposed_share: Some(background),
                                proposed_spend: Some((background * positive_total).round_dp(2)),
                                why: format!("proposed background supplier: {}", x.why),
                            });
                        }
                        plan.notes.push(format!(
                            "single source: partial competition needs a background supplier; qualify {} and give it {} % of the volume",
                            candidates.first().map(|x| x.supplier_id.as_str()).unwrap_or("a second supplier"),
                            split.background
                        ));
                    }
                    [first, second, rest @ ..] => {
                        plan.allocations.push(alloc(
                            &first.0,
                            first.1,
                            Role::Main,
                            Some(main),
                            self.why_role(&first.0, share(first.1), "main supplier"),
                        ));
                        plan.allocations.push(alloc(
                            &second.0,
                            second.1,
                            Role::Background,
                            Some(background),
                            self.why_role(&second.0, share(second.1), "background supplier"),
                        ));
                        let n_known = ordered.len() + candidates.len();
                        for (i, (s, v)) in rest.iter().enumerate() {
                            if i == 0 && n_known >= split.backup_from {
                                plan.allocations.push(alloc(s, *v, Role::Backup, None, format!("backup supplier ({}): third by performance and spend, current share {}", split.backup_orders, pct1(share(*v)))));
                            } else {
                                plan.allocations.push(alloc(
                                    s,
                                    *v,
                                    Role::PhaseOut,
                                    Some(Decimal::ZERO),
                                    format!(
                                        "beyond main, background and backup: current share {}",
                                        pct1(share(*v))
                                    ),
                                ));
                            }
                        }
                        if rest.is_empty()
                            && n_known >= split.backup_from
                            && let Some(x) = candidates.first()
                        {
                            plan.allocations.push(Allocation {
                                supplier_id: x.supplier_id.clone(),
                                role: Role::Backup,
                                current_spend: Decimal::ZERO,
                                current_share: Decimal::ZERO,
                                proposed_share: None,
                                proposed_spend: None,
                                why: format!(
                                    "backup supplier ({}): {}",
                                    split.backup_orders, x.why
                                ),
                            });
                        }
                    }
                }
                plan.backup_candidates = candidates;
            }
            SourcingPattern::Bundle => {
                // As few suppliers as possible: keep the current supplier that already
                // serves the most economic-opportunistic categories (then the largest), and
                // name the suppliers that could take this category into a bundle. Volume is
                // only moved between suppliers that serve the category today: a bundling
                // candidate must quote first.
                let bundled = |s: &str| -> Vec<String> {
                    self.graph
                        .categories_of(s)
                        .into_iter()
                        .filter(|(c, _)| {
                            self.cat_type.get(c.as_str())
                                == Some(&RelationshipType::EconomicOpportunistic)
                        })
                        .map(|(c, _)| c)
                        .collect()
                };
                let mut keep: Vec<(String, usize, Decimal)> = current
                    .iter()
                    .map(|(s, v)| (s.clone(), bundled(s).len(), *v))
                    .collect();
                keep.sort_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then_with(|| b.2.cmp(&a.2))
                        .then_with(|| a.0.cmp(&b.0))
                });
                if let Some((best, n, _)) = keep.first().cloned() {
                    for (s, v) in &current {
                        if *s == best {
                            let why = if n > 1 {
                                format!(
                                    "bundle: already serves {n} economic-opportunistic categories; current share {}",
                                    pct1(share(*v))
                                )
                            } else {
                                format!(
                                    "bundle: the largest supplier; current share {}",
                                    pct1(share(*v))
                                )
                            };
                            plan.allocations.push(alloc(
                                s,
                                *v,
                                Role::Bundle,
                                Some(Decimal::ONE),
                                why,
                            ));
                        } else {
                            plan.allocations.push(alloc(
                                s,
                                *v,
                                Role::PhaseOut,
                                Some(Decimal::ZERO),
                                format!(
                                    "consolidate with {best}: current share {}",
                                    pct1(share(*v))
                                ),
                            ));
                        }
                    }
                }
                let mut others: Vec<(String, Vec<String>)> = self
                    .graph
                    .supplier_ids()
                    .filter(|s| !ids.iter().any(|x| x == s))
                    .map(|s| (s.to_string(), bundled(s)))
                    .filter(|(_, cs)| cs.len() >= 2)
                    .collect();
                others.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
                for (s, cs) in others.into_iter().take(3) {
                    plan.notes.push(format!(
                        "bundling candidate {s} already serves {}: ask it to quote for {} too",
                        cs.join(", "),
                        c.id
                    ));
                }
            }
            SourcingPattern::FrameAgreements => {
                for (s, v) in &current {
                    plan.allocations.push(alloc(
                        s,
                        *v,
                        Role::Frame,
                        None,
                        format!("frame agreement: current share {}", pct1(share(*v))),
                    ));
                }
                let candidates = self.backup_candidates(&c.id, &[]);
                if current.len() < 2 {
                    match candidates.first() {
                        Some(x) => plan.notes.push(format!("keep {} warm as a qualified backup with regular small orders", x.supplier_id)),
                        None => plan.notes.push("no qualified backup is known: develop one (a local supplier, a substitute specification)".into()),
                    }
                }
                plan.backup_candidates = candidates;
            }
            SourcingPattern::SingleOrDual => {
                for (i, (s, v)) in current.iter().enumerate() {
                    let role = if i < 2 { Role::Partner } else { Role::PhaseOut };
                    plan.allocations.push(alloc(
                        s,
                        *v,
                        role,
                        None,
                        format!(
                            "{}: current share {}",
                            if i < 2 {
                                "partner"
                            } else {
                                "beyond a dual source"
                            },
                            pct1(share(*v))
                        ),
                    ));
                }
                plan.notes.push(
                    "a single or a developed dual source; long-term agreement with joint planning"
                        .into(),
                );
                plan.backup_candidates = self.backup_candidates(&c.id, &[]);
            }
        }
        plan.moves = moves(&plan.allocations);
        for m in &plan.moves {
            plan.notes.push(format!(
                "move {} {} from {} to {} over the period",
                m.amount, self.currency, m.from, m.to
            ));
        }
        plan
    }

    fn supplier_plan(&self, s: &SupplierResult) -> SupplierPlan {
        let t = s.relationship_type;
        let rec = &self.rules.recommendations[&t];
        let methods = s
            .categories
            .iter()
            .map(|p| {
                let pt = p.classification.relationship_type;
                let band = self.rules.volume_band(p.spend);
                PairMethods {
                    category: p.category.clone(),
                    relationship_type: pt,
                    spend: p.spend,
                    band,
                    methods: self.rules.recommendations[&pt]
                        .methods
                        .for_band(band)
                        .to_vec(),
                    rule: format!("recommendations.{}.methods.{}", pt.id(), band.id()),
                }
            })
            .collect();
        let mut actions: Vec<Action> = rec
            .actions
            .iter()
            .map(|a| Action {
                text: a.clone(),
                rule: format!("recommendations.{}.actions", t.id()),
            })
            .collect();
        let mut seen: Vec<&str> = Vec::new();
        for x in s
            .categories
            .iter()
            .flat_map(|p| p.classification.exceptions.iter())
            .chain(s.exceptions.iter())
        {
            if seen.contains(&x.id.as_str()) {
                continue;
            }
            seen.push(&x.id);
            for a in &x.actions {
                actions.push(Action {
                    text: a.clone(),
                    rule: format!("exceptions.{}", x.id),
                });
            }
        }
        SupplierPlan {
            supplier_id: s.id.clone(),
            relationship_type: t,
            goal: rec.goal.clone(),
            relationship_level: rec.relationship_level.clone(),
            bonds: rec.bonds.clone(),
            contract_horizon: rec.contract_horizon.clone(),
            review: rec.review.clone(),
            decisive_factor: rec.decisive_factor.clone(),
            pre_steps: rec.pre_steps.clone(),
            methods,
            actions,
        }
    }
}

/// The moves that turn current spend into proposed spend: suppliers that lose volume give
/// it to those that gain, largest first, ties by id.
fn moves(allocations: &[Allocation]) -> Vec<Move> {
    let mut give: Vec<(String, Decimal)> = Vec::new();
    let mut take: Vec<(String, Decimal)> = Vec::new();
    for a in allocations {
        let Some(p) = a.proposed_spend else { continue };
        let delta = p - a.current_spend.max(Decimal::ZERO);
        if delta < Decimal::ZERO {
            give.push((a.supplier_id.clone(), -delta));
        } else if delta > Decimal::ZERO {
            take.push((a.supplier_id.clone(), delta));
        }
    }
    let order = |v: &mut Vec<(String, Decimal)>| {
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)))
    };
    order(&mut give);
    order(&mut take);
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < give.len() && j < take.len() {
        let amount = give[i].1.min(take[j].1);
        if amount > Decimal::ZERO {
            out.push(Move {
                from: give[i].0.clone(),
                to: take[j].0.clone(),
                amount: amount.round_dp(2),
            });
        }
        give[i].1 -= amount;
        take[j].1 -= amount;
        if give[i].1.is_zero() {
            i += 1;
        }
        if take[j].1.is_zero() {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str, current: i64, proposed: Option<i64>) -> Allocation {
        Allocation {
            supplier_id: s.into(),
            role: Role::Main,
            current_spend: Decimal::from(current),
            current_share: Decimal::ZERO,
            proposed_share: None,
            proposed_spend: proposed.map(Decimal::from),
            why: String::new(),
        }
    }

    #[test]
    fn moves_balance_gains_and_losses() {
        let m = moves(&[
            a("S1", 950, Some(700)),
            a("S2", 50, Some(300)),
            a("S3", 0, None),
        ]);
        assert_eq!(
            m,
            [Move {
                from: "S1".into(),
                to: "S2".into(),
                amount: Decimal::from(250)
            }]
        );
        let m = moves(&[
            a("A", 600, Some(0)),
            a("B", 400, Some(0)),
            a("C", 0, Some(1000)),
        ]);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].from, "A");
        assert_eq!(m[1].amount, Decimal::from(400));
    }
}
