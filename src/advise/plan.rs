//! The plan for one category: current split and concentration, the proposal of its type
//! (split, bundle, frame agreements, single or dual source), who takes which role and why,
//! and the money to move.

use super::text::fill;
use super::{Allocation, Candidate, CategoryPlan, Ctx, Move, Role, moves};
use crate::analysis::CategoryResult;
use crate::ratio::share;
use crate::rules::SourcingPattern;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The rule ids of the roles, made once per advice and shared by the allocations.
pub(super) const RULE_IDS: &[&str] = &[
    "splits.partial-competition.main",
    "splits.partial-competition.background",
    "splits.partial-competition.backup",
    "advice.roles.beyond",
    "advice.roles.bundle",
    "advice.roles.bundle-largest",
    "advice.roles.phase-out",
    "advice.roles.inactive",
    "advice.frame-agreements.frame",
    "advice.frame-agreements.warm-backup-share",
    "advice.single-or-dual",
];

/// The current suppliers of one category, with what every allocation needs.
struct Current<'c> {
    category: &'c str,
    /// Sum of the positive spends: the base of every share and proposal.
    total: Decimal,
    /// The category's profit (sum over its pairs; zero when the ledger has no profit).
    profit: Decimal,
}

impl Ctx<'_> {
    /// An allocation with the facts that explain it appended to the role's reason.
    #[allow(clippy::too_many_arguments)]
    fn alloc(
        &self,
        cur: &Current<'_>,
        supplier: &str,
        spend: Decimal,
        role: Role,
        proposed: Option<Decimal>,
        reason: Arc<str>,
        rule: &str,
    ) -> Allocation {
        let pair = self.pairs.get(&(supplier, cur.category));
        let profit = pair.map(|p| p.profit).unwrap_or_default();
        let profit_share = self.has_profit.then(|| share(profit, cur.profit));
        let performance = self.supplier_text(supplier, Some(cur.category), "performance");
        let capacity = self.supplier_text(supplier, Some(cur.category), "capacity");
        let free_capacity = self.supplier_bool(supplier, "free-capacity");
        let current_share = share(spend.max(Decimal::ZERO), cur.total);
        let (supplier_id, name) = self.id_name(supplier);
        Allocation {
            supplier_id,
            name,
            role,
            current_spend: spend,
            current_share,
            proposed_share: proposed.map(|p| p.normalize()),
            // Proposed spend in cents; a proposal that keeps the current share keeps the
            // current spend exactly, so that no phantom cent moves.
            proposed_spend: proposed.map(|p| {
                if p == current_share {
                    spend.max(Decimal::ZERO)
                } else {
                    (p * cur.total).round_dp(2).normalize()
                }
            }),
            profit,
            profit_share,
            performance,
            capacity,
            free_capacity,
            reason,
            rule: self.rule_id(rule),
            in_category: pair.is_some(),
            words: self.words.clone(),
        }
    }

    /// Order for the main and background roles: a supplier with a demoted performance goes
    /// last; otherwise the current spend decides (moving most of a category away from a
    /// supplier that meets expectations is a switch, not a split), ties by id.
    fn split_order(&self, category: &str, current: &mut [(Arc<str>, Decimal)]) {
        let demoted = |s: &str| {
            self.supplier_text(s, Some(category), "performance")
                .is_some_and(|p| self.rules.advice.roles.demote_performance.contains(&p))
        };
        current.sort_by(|a, b| {
            demoted(&a.0)
                .cmp(&demoted(&b.0))
                .then_with(|| b.1.cmp(&a.1))
                .then_with(|| a.0.cmp(&b.0))
        });
    }

    fn not_main(&self, category: &str, supplier: &str) -> bool {
        self.supplier_text(supplier, Some(category), "capacity")
            .is_some_and(|c| self.rules.advice.roles.not_main_capacity.contains(&c))
    }

    pub(super) fn category_plan(&self, c: &CategoryResult) -> CategoryPlan {
        let t = c.classification.relationship_type;
        let rec = &self.rules.recommendations[&t];
        let current: &[(Arc<str>, Decimal)] = &c.suppliers;
        let total: Decimal = current.iter().map(|x| x.1.max(Decimal::ZERO)).sum();
        // Only profit shares read it; without profit they are not made (and every pair's
        // profit is zero), so the lookups (a cache miss a supplier) are skipped.
        let profit: Decimal = if self.has_profit {
            current
                .iter()
                .filter_map(|(s, _)| self.pairs.get(&(&**s, c.id.as_str())))
                .map(|p| p.profit)
                .sum()
        } else {
            Decimal::ZERO
        };
        let cur = Current {
            category: &c.id,
            total,
            profit,
        };
        let share = |v: Decimal| share(v.max(Decimal::ZERO), total);
        let hhi: Decimal = current
            .iter()
            .map(|(_, v)| {
                let p = share(*v) * Decimal::ONE_HUNDRED;
                p * p
            })
            .sum::<Decimal>()
            .round_dp(2)
            .normalize();
        // Usually every current supplier is active: then no copy.
        let active: std::borrow::Cow<'_, [(Arc<str>, Decimal)]> =
            if current.iter().all(|x| x.1 > Decimal::ZERO) {
                std::borrow::Cow::Borrowed(current)
            } else {
                std::borrow::Cow::Owned(
                    current
                        .iter()
                        .filter(|x| x.1 > Decimal::ZERO)
                        .cloned()
                        .collect(),
                )
            };
        let mut plan = CategoryPlan {
            category: c.id.clone(),
            name: c.name.clone(),
            relationship_type: t,
            sourcing: rec.sourcing,
            rule: format!("recommendations.{}.sourcing", t.id()),
            spend: c.abc.spend.value,
            suppliers: current.len(),
            top_supplier: active.first().map(|x| x.0.to_string()),
            top_share: active.first().map(|x| share(x.1)).unwrap_or_default(),
            hhi,
            // Every current supplier, and a candidate or two.
            allocations: Vec::with_capacity(current.len() + 2),
            moves: Vec::new(),
            backup_candidates: Vec::new(),
            notes: Vec::new(),
            note_rules: Vec::new(),
        };
        let mut note = |plan: &mut CategoryPlan, text: String, rule: &str| {
            plan.notes.push(text);
            plan.note_rules.push(rule.to_string());
        };
        match rec.sourcing {
            SourcingPattern::Split => self.split_plan(&cur, &active, &mut plan, &mut note),
            SourcingPattern::Bundle => self.bundle_plan(&cur, &active, &mut plan, &mut note),
            SourcingPattern::FrameAgreements => {
                self.frame_plan(&cur, &active, &mut plan, &mut note)
            }
            SourcingPattern::SingleOrDual => {
                self.single_or_dual_plan(&cur, &active, &mut plan, &mut note)
            }
        }
        for (s, v) in current.iter().filter(|x| x.1 <= Decimal::ZERO) {
            plan.allocations.push(self.alloc(
                &cur,
                s,
                *v,
                Role::PhaseOut,
                Some(Decimal::ZERO),
                self.reasons.inactive.clone(),
                "advice.roles.inactive",
            ));
        }
        let category: Arc<str> = match self.category_ids.get(c.id.as_str()) {
            Some(id) => id.clone(),
            None => c.id.as_str().into(),
        };
        plan.moves = moves(&plan.allocations)
            .into_iter()
            .map(|(from, to, amount)| Move {
                from,
                to,
                amount,
                category: category.clone(),
                words: self.words.clone(),
            })
            .collect();
        plan
    }

    fn split_plan(
        &self,
        cur: &Current<'_>,
        active: &[(Arc<str>, Decimal)],
        plan: &mut CategoryPlan,
        note: &mut impl FnMut(&mut CategoryPlan, String, &str),
    ) {
        let words = &self.rules.advice.roles;
        let split = &self.rules.split;
        let hundred = Decimal::ONE_HUNDRED;
        let (main, background) = (split.main / hundred, split.background / hundred);
        let mut order = active.to_vec();
        self.split_order(cur.category, &mut order);
        // The main supplier must be able to carry most of the volume.
        if let Some(i) = order
            .iter()
            .position(|(s, _)| !self.not_main(cur.category, s))
            && i > 0
        {
            let m = order.remove(i);
            order.insert(0, m);
        }
        let candidates = self.backup_candidates(cur.category, &[], false);
        let rule = "splits.partial-competition";
        match order.as_slice() {
            [] => {}
            [(s, v)] => {
                let first = candidates.first();
                plan.allocations.push(self.alloc(
                    cur,
                    s,
                    *v,
                    Role::Main,
                    first.map(|_| main),
                    self.reasons.main.clone(),
                    "splits.partial-competition.main",
                ));
                if let Some(x) = first {
                    let mut a = self.alloc(
                        cur,
                        &x.supplier_id,
                        Decimal::ZERO,
                        Role::Candidate,
                        Some(background),
                        format!("{} ({})", words.candidate, x.why).into(),
                        "splits.partial-competition.background",
                    );
                    a.name = x.name.as_str().into();
                    plan.allocations.push(a);
                }
                note(
                    plan,
                    fill(
                        &self.rules.advice.split.single_source,
                        &[
                            (
                                "candidate",
                                &first.map(Candidate::label).unwrap_or_else(|| {
                                    self.rules.advice.split.no_candidate.clone()
                                }),
                            ),
                            ("background", &split.background.normalize().to_string()),
                        ],
                    ),
                    "advice.split.single-source",
                );
            }
            [first, second, rest @ ..] => {
                let n_known = order.len() + candidates.len();
                let backup_max = split.backup_max_share / hundred;
                let backup_share = match rest.first() {
                    Some((_, v)) if n_known >= split.backup_from => {
                        share(*v, cur.total).min(backup_max)
                    }
                    _ => Decimal::ZERO,
                };
                let rest_share = Decimal::ONE - backup_share;
                plan.allocations.push(self.alloc(
                    cur,
                    &first.0,
                    first.1,
                    Role::Main,
                    Some(main * rest_share),
                    self.reasons.main.clone(),
                    "splits.partial-competition.main",
                ));
                plan.allocations.push(self.alloc(
                    cur,
                    &second.0,
                    second.1,
                    Role::Background,
                    Some(background * rest_share),
                    self.reasons.background.clone(),
                    "splits.partial-competition.background",
                ));
                // One reason for every supplier beyond the split: shared, not made per one.
                let beyond: Arc<str> = fill(&words.beyond, &[("best", &first.0)]).into();
                for (i, (s, v)) in rest.iter().enumerate() {
                    if i == 0 && n_known >= split.backup_from {
                        plan.allocations.push(self.alloc(
                            cur,
                            s,
                            *v,
                            Role::Backup,
                            Some(backup_share),
                            fill(&words.backup, &[("orders", &split.backup_orders)]).into(),
                            "splits.partial-competition.backup",
                        ));
                    } else {
                        plan.allocations.push(self.alloc(
                            cur,
                            s,
                            *v,
                            Role::PhaseOut,
                            Some(Decimal::ZERO),
                            beyond.clone(),
                            "advice.roles.beyond",
                        ));
                    }
                }
                if rest.is_empty()
                    && n_known >= split.backup_from
                    && let Some(x) = candidates.first()
                {
                    let mut a = self.alloc(
                        cur,
                        &x.supplier_id,
                        Decimal::ZERO,
                        Role::Backup,
                        None,
                        format!(
                            "{} ({})",
                            fill(&words.backup_candidate, &[("orders", &split.backup_orders)]),
                            x.why
                        )
                        .into(),
                        "splits.partial-competition.backup",
                    );
                    a.name = x.name.as_str().into();
                    plan.allocations.push(a);
                }
            }
        }
        plan.rule = rule.into();
        plan.backup_candidates = candidates;
    }

    fn bundle_plan(
        &self,
        cur: &Current<'_>,
        active: &[(Arc<str>, Decimal)],
        plan: &mut CategoryPlan,
        note: &mut impl FnMut(&mut CategoryPlan, String, &str),
    ) {
        // As few suppliers as possible: keep the current supplier that already serves the
        // most economic-opportunistic categories (then the largest), and name the suppliers
        // that could take this category into a bundle. Volume is only moved between
        // suppliers that serve the category today: a bundling candidate must quote first.
        let words = &self.rules.advice.roles;
        // Counted without copying: the categories are listed for the one kept only.
        let bundled_count = |s: &str| -> usize {
            self.graph
                .category_spends(s)
                .filter(|&(c, v)| v > Decimal::ZERO && self.is_opportunistic(c))
                .count()
        };
        let mut keep: Vec<(&str, usize, Decimal)> = active
            .iter()
            .map(|(s, v)| (&**s, bundled_count(s), *v))
            .collect();
        keep.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| b.2.cmp(&a.2))
                .then_with(|| a.0.cmp(b.0))
        });
        if let Some(&(best, _, _)) = keep.first() {
            let best = best.to_string();
            let cats = self.bundled(&best);
            let phase_out: Arc<str> = fill(&words.phase_out, &[("best", &best)]).into();
            for (s, v) in active {
                if **s == *best {
                    let (reason, rule) = if cats.len() > 1 {
                        (
                            fill(
                                &words.bundle,
                                &[
                                    ("count", &cats.len().to_string()),
                                    ("categories", &cats.join(", ")),
                                ],
                            )
                            .into(),
                            "advice.roles.bundle",
                        )
                    } else {
                        (
                            self.reasons.bundle_largest.clone(),
                            "advice.roles.bundle-largest",
                        )
                    };
                    plan.allocations.push(self.alloc(
                        cur,
                        s,
                        *v,
                        Role::Bundle,
                        Some(Decimal::ONE),
                        reason,
                        rule,
                    ));
                } else {
                    plan.allocations.push(self.alloc(
                        cur,
                        s,
                        *v,
                        Role::PhaseOut,
                        Some(Decimal::ZERO),
                        phase_out.clone(),
                        "advice.roles.phase-out",
                    ));
                }
            }
        }
        // Candidates come from the category's group only: without a group nothing says
        // that a supplier of other low-value goods could deliver this one.
        let mut others: Vec<(&str, Vec<&str>)> = self
            .group_of(cur.category)
            .and_then(|g| self.groups.get(g))
            .into_iter()
            .flat_map(|g| &g.bundlers)
            .filter(|(s, _)| !active.iter().any(|x| *x.0 == **s))
            .map(|(s, cs)| (*s, cs.clone()))
            .collect();
        others.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
        let b = &self.rules.advice.bundling;
        for (s, cs) in others.into_iter().take(b.max_candidates) {
            note(
                plan,
                fill(
                    &b.candidate,
                    &[
                        ("supplier", s),
                        ("categories", &cs.join(", ")),
                        ("category", cur.category),
                    ],
                ),
                "advice.bundling.candidate",
            );
        }
    }

    fn frame_plan(
        &self,
        cur: &Current<'_>,
        active: &[(Arc<str>, Decimal)],
        plan: &mut CategoryPlan,
        note: &mut impl FnMut(&mut CategoryPlan, String, &str),
    ) {
        let words = &self.rules.advice.roles;
        let f = &self.rules.advice.frame_agreements;
        let warm = f.warm_backup_share / Decimal::ONE_HUNDRED;
        let candidates = self.backup_candidates(cur.category, &[], false);
        // Frame agreements for the largest suppliers; the next one is the backup kept
        // warm; with a single supplier the first candidate becomes that backup.
        let n = active.len();
        let frames = if n <= 1 {
            n
        } else {
            f.max_suppliers.max(1).min(n - 1)
        };
        let mut proposed: Vec<Decimal> = active.iter().map(|(_, v)| share(*v, cur.total)).collect();
        let mut backup_gain = Decimal::ZERO;
        let mut backup_from_candidate = None;
        if n > frames {
            let p = proposed[frames].max(warm);
            backup_gain = p - proposed[frames];
            proposed[frames] = p;
        } else if let Some(x) = candidates.first()
            && n > 0
        {
            backup_gain = warm;
            backup_from_candidate = Some(x.clone());
        }
        let mut phased = Decimal::ZERO;
        for p in proposed.iter_mut().skip(frames + 1) {
            phased += *p;
            *p = Decimal::ZERO;
        }
        if let Some(p) = proposed.first_mut() {
            *p += phased - backup_gain;
        }
        let beyond: Option<Arc<str>> = active
            .first()
            .map(|x| fill(&words.beyond, &[("best", &x.0)]).into());
        for (i, (s, v)) in active.iter().enumerate() {
            let (role, reason, rule) = if i < frames {
                (
                    Role::Frame,
                    self.reasons.frame.clone(),
                    "advice.frame-agreements.frame",
                )
            } else if i == frames {
                (
                    Role::Backup,
                    self.reasons.warm_backup.clone(),
                    "advice.frame-agreements.warm-backup-share",
                )
            } else {
                (
                    Role::PhaseOut,
                    beyond.clone().unwrap_or_default(),
                    "advice.roles.beyond",
                )
            };
            plan.allocations
                .push(self.alloc(cur, s, *v, role, Some(proposed[i]), reason, rule));
        }
        if let Some(x) = &backup_from_candidate {
            let mut a = self.alloc(
                cur,
                &x.supplier_id,
                Decimal::ZERO,
                Role::Candidate,
                Some(warm),
                format!("{} ({})", words.warm_backup, x.why).into(),
                "advice.frame-agreements.warm-backup-share",
            );
            a.name = x.name.as_str().into();
            plan.allocations.push(a);
        }
        let backup = active
            .get(frames)
            .map(|x| {
                let name = self.name(&x.0);
                if name.is_empty() {
                    x.0.to_string()
                } else {
                    format!("{} ({name})", x.0)
                }
            })
            .or_else(|| backup_from_candidate.as_ref().map(Candidate::label));
        match backup {
            Some(b) => note(
                plan,
                fill(&f.keep_warm, &[("candidate", &b)]),
                "advice.frame-agreements.keep-warm",
            ),
            None => note(
                plan,
                f.no_backup.clone(),
                "advice.frame-agreements.no-backup",
            ),
        }
        plan.rule = "advice.frame-agreements".into();
        plan.backup_candidates = candidates;
    }

    fn single_or_dual_plan(
        &self,
        cur: &Current<'_>,
        active: &[(Arc<str>, Decimal)],
        plan: &mut CategoryPlan,
        note: &mut impl FnMut(&mut CategoryPlan, String, &str),
    ) {
        let words = &self.rules.advice.roles;
        let d = &self.rules.advice.single_or_dual;
        let partners = d.max_suppliers.max(1);
        let mut proposed: Vec<Decimal> = active.iter().map(|(_, v)| share(*v, cur.total)).collect();
        let mut phased = Decimal::ZERO;
        for p in proposed.iter_mut().skip(partners) {
            phased += *p;
            *p = Decimal::ZERO;
        }
        if let Some(p) = proposed.first_mut() {
            *p += phased;
        }
        let beyond: Option<Arc<str>> = active
            .first()
            .map(|x| fill(&words.beyond, &[("best", &x.0)]).into());
        for (i, (s, v)) in active.iter().enumerate() {
            let (role, reason, rule) = if i < partners {
                (
                    Role::Partner,
                    self.reasons.partner.clone(),
                    "advice.single-or-dual",
                )
            } else {
                (
                    Role::PhaseOut,
                    beyond.clone().unwrap_or_default(),
                    "advice.roles.beyond",
                )
            };
            plan.allocations
                .push(self.alloc(cur, s, *v, role, Some(proposed[i]), reason, rule));
        }
        note(plan, d.note.clone(), "advice.single-or-dual.note");
        plan.rule = "advice.single-or-dual".into();
        plan.backup_candidates = self.backup_candidates(cur.category, &[], false);
    }
}
