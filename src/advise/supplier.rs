//! The plan for one supplier: methods per category with their parameters, the actions of
//! its type, the relationship level and bonds, its roles in the category plans, and the
//! guided actions for the exceptions that apply to it.

use super::text::fill;
use super::{
    Action, ActionKind, ActionText, Actions, CategoryPlan, Ctx, Guide, GuideStep, MethodRef,
    MethodTemplate, PairMethods, SupplierPlan, TypeAdvice, TypeTexts, pct1,
};
use crate::analysis::SupplierResult;
use crate::classify::AppliedException;
use crate::relationship::RelationshipType;
use crate::rules::{Evidence, GuideDef, VolumeBand};
use std::sync::Arc;

impl Ctx<'_> {
    /// `allocated`: (plan, allocation) positions of the supplier's first allocation in
    /// each plan that has one, in plan order.
    /// The methods of a pair of type `pt` in `band`, without its category and spend: the
    /// same for every pair of that type and band, so made once (see [`Ctx::methods`]).
    fn method_template(&self, pt: RelationshipType, band: VolumeBand) -> Arc<MethodTemplate> {
        if let Some((_, m)) = self.methods.iter().find(|(k, _)| *k == (pt, band)) {
            return m.clone();
        }
        Arc::new(self.make_method_template(pt, band))
    }

    pub(super) fn make_method_template(
        &self,
        pt: RelationshipType,
        band: VolumeBand,
    ) -> MethodTemplate {
        let bands = &self.rules.volume_bands;
        let prec = &self.rules.recommendations[&pt];
        let ids = prec.methods.for_band(band).to_vec();
        MethodTemplate {
            relationship_type: pt,
            band,
            band_above: match band {
                VolumeBand::Small => None,
                VolumeBand::Medium => Some(bands.small),
                VolumeBand::Large => Some(bands.medium),
            },
            band_up_to: match band {
                VolumeBand::Small => Some(bands.small),
                VolumeBand::Medium => Some(bands.medium),
                VolumeBand::Large => None,
            },
            method_details: ids
                .iter()
                .map(|m| MethodRef {
                    id: m.clone(),
                    name: self
                        .rules
                        .methods
                        .get(m)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    description: self
                        .rules
                        .methods
                        .get(m)
                        .map(|d| d.description.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            methods: ids,
            pre_steps: prec.pre_steps.clone(),
            contract_horizon: prec.contract_horizon.clone(),
            review: prec.review.clone(),
            decisive_factor: prec.decisive_factor.clone(),
            rule: format!("recommendations.{}.methods.{}", pt.id(), band.id()),
        }
    }

    /// The texts of a supplier's type and its type and relationship actions (level and
    /// bonds): the same for every supplier of the type, so made once (see
    /// [`Ctx::type_texts`]).
    fn type_texts(&self, t: RelationshipType) -> std::borrow::Cow<'_, TypeTexts> {
        match self.type_texts.iter().find(|(k, _)| *k == t) {
            Some((_, a)) => std::borrow::Cow::Borrowed(a),
            None => std::borrow::Cow::Owned(self.make_type_texts(t)),
        }
    }

    pub(super) fn make_type_texts(&self, t: RelationshipType) -> TypeTexts {
        let rec = &self.rules.recommendations[&t];
        let rule: Arc<str> = format!("recommendations.{}.actions", t.id()).into();
        let mut actions: Vec<Action> = rec
            .actions
            .iter()
            .map(|a| Action {
                kind: ActionKind::Type,
                text: a.as_str().into(),
                rule: rule.clone(),
            })
            .collect();
        actions.push(Action {
            kind: ActionKind::Relationship,
            text: fill(&rec.level_action, &[("level", &rec.relationship_level)]).into(),
            rule: format!("recommendations.{}.level-action", t.id()).into(),
        });
        for bond in &rec.bonds {
            if let Some(text) = rec.bond_actions.get(bond) {
                actions.push(Action {
                    kind: ActionKind::Relationship,
                    text: text.as_str().into(),
                    rule: format!("recommendations.{}.bond-actions.{bond}", t.id()).into(),
                });
            }
        }
        TypeTexts {
            texts: Arc::new(TypeAdvice {
                goal: rec.goal.clone(),
                relationship_level: rec.relationship_level.clone(),
                bonds: rec.bonds.clone(),
                contract_horizon: rec.contract_horizon.clone(),
                review: rec.review.clone(),
                decisive_factor: rec.decisive_factor.clone(),
                pre_steps: rec.pre_steps.clone(),
            }),
            actions: actions.into(),
        }
    }

    /// `allocated`: the (plan, allocation) of the supplier in each plan that allocates to
    /// it, in plan order.
    pub(super) fn supplier_plan(
        &self,
        s: &SupplierResult,
        plans: &[Arc<CategoryPlan>],
        allocated: &[(usize, usize)],
    ) -> SupplierPlan {
        let t = s.relationship_type;
        let methods = s
            .categories
            .iter()
            .map(|p| {
                let pt = p.classification.relationship_type;
                let band = self.rules.volume_band(p.spend);
                PairMethods {
                    category: p.category.clone(),
                    spend: p.spend,
                    template: self.method_template(pt, band),
                }
            })
            .collect();

        let texts = self.type_texts(t);
        let mut actions = Actions::new(texts.actions.clone(), allocated.len());
        for &(pi, ai) in allocated {
            let Some(plan) = plans.get(pi) else { continue };
            let Some(a) = plan.allocations.get(ai) else {
                continue;
            };
            // `CATEGORY: why; move; move`, made when read from the shared plan.
            actions.push(Action {
                kind: ActionKind::Sourcing,
                text: ActionText::Role {
                    plan: plan.clone(),
                    allocation: ai,
                },
                rule: a.rule.clone(),
            });
        }

        // Exceptions: the pairs' first (with the categories they apply in), then the
        // supplier's own; each once.
        let mut applied: Vec<(&AppliedException, Vec<String>)> = Vec::new();
        for p in &s.categories {
            for x in &p.classification.exceptions {
                match applied.iter_mut().find(|(y, _)| y.id == x.id) {
                    Some((_, cats)) => cats.push(p.category.to_string()),
                    None => applied.push((x, vec![p.category.to_string()])),
                }
            }
        }
        for x in &s.exceptions {
            if !applied.iter().any(|(y, _)| y.id == x.id) {
                applied.push((x, Vec::new()));
            }
        }
        let mut guides = Vec::new();
        for (x, cats) in applied {
            match self.rules.advice.guides.get(&x.id) {
                Some(g) => {
                    let guide = self.guide(s, x, &cats, g);
                    for step in &guide.steps {
                        let text = match &step.why {
                            Some(why) => format!("{}. {} {why}", step.step, step.text),
                            None => format!("{}. {}", step.step, step.text),
                        };
                        actions.push(Action {
                            kind: ActionKind::Exception,
                            text: text.into(),
                            rule: step.rule.as_str().into(),
                        });
                    }
                    guides.push(guide);
                }
                None => {
                    for a in &x.actions {
                        actions.push(Action {
                            kind: ActionKind::ExceptionAction,
                            text: a.as_str().into(),
                            rule: format!("exceptions.{}", x.id).into(),
                        });
                    }
                }
            }
        }

        let (supplier_id, name) = self.id_name(&s.id);
        SupplierPlan {
            supplier_id,
            name,
            relationship_type: t,
            texts: texts.texts.clone(),
            methods,
            guides,
            scorecard: Vec::new(),
            actions,
        }
    }

    /// The guided sequence of one exception for one supplier.
    fn guide(
        &self,
        s: &SupplierResult,
        x: &AppliedException,
        cats: &[String],
        g: &GuideDef,
    ) -> Guide {
        let base = format!("advice.guides.{}", x.id);
        // The categories it applies in: those of the exception, else all of the supplier's.
        let scope: Vec<String> = if cats.is_empty() {
            s.categories
                .iter()
                .map(|p| p.category.to_string())
                .collect()
        } else {
            cats.to_vec()
        };
        let mut candidates: Vec<String> = Vec::new();
        for c in &scope {
            for cand in self.backup_candidates(c, &[s.id.as_str()], false) {
                let label = cand.label();
                if !candidates.contains(&label) {
                    candidates.push(label);
                }
            }
        }
        let share = self
            .supplier_number(&s.id, "our-share-of-supplier-revenue")
            .map(pct1)
            .unwrap_or_else(|| "?".into());
        let class = s.abc.spend.class.to_string();
        let candidates_text = if candidates.is_empty() {
            g.none_known.clone()
        } else {
            candidates.join(", ")
        };
        let values = |cands: &str| -> Vec<(&'static str, String)> {
            vec![
                ("supplier", s.id.clone()),
                ("categories", scope.join(", ")),
                ("candidates", cands.to_string()),
                ("share", share.clone()),
                ("class", class.clone()),
            ]
        };
        let fill_with = |tpl: &str, cands: &str| {
            let v = values(cands);
            let refs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            fill(tpl, &refs)
        };
        let mut steps: Vec<GuideStep> = Vec::new();
        let push = |steps: &mut Vec<GuideStep>,
                    text: String,
                    rule: String,
                    fits: Option<bool>,
                    why: Option<String>| {
            steps.push(GuideStep {
                step: steps.len() + 1,
                text,
                rule,
                fits,
                why,
            });
        };
        let capacity_step = match self.supplier_bool(&s.id, "free-capacity") {
            Some(true) => g
                .free_capacity_yes
                .as_ref()
                .map(|t| (t, "free-capacity-yes")),
            Some(false) => g.free_capacity_no.as_ref().map(|t| (t, "free-capacity-no")),
            None => g
                .free_capacity_unknown
                .as_ref()
                .map(|t| (t, "free-capacity-unknown")),
        };
        if let Some((tpl, key)) = capacity_step {
            push(
                &mut steps,
                fill_with(tpl, &candidates_text),
                format!("{base}.{key}"),
                None,
                None,
            );
        }
        for tpl in &g.steps {
            push(
                &mut steps,
                fill_with(tpl, &candidates_text),
                format!("{base}.steps"),
                None,
                None,
            );
        }
        // The ways out in order of fit: those with evidence first, each group in the
        // rules' order.
        let keen = self.keen_suppliers(s, &scope, g);
        let mut ways: Vec<(bool, usize, String, String, String)> = Vec::new();
        for (i, w) in g.ways.iter().enumerate() {
            let fits = match w.evidence {
                Evidence::KeenSupplier => !keen.is_empty(),
                Evidence::SmallShare => g.small_share.is_some_and(|limit| {
                    self.supplier_number(&s.id, "our-share-of-supplier-revenue")
                        .is_some_and(|v| v < limit)
                }),
                Evidence::Important => g.important_classes.contains(&class),
                Evidence::None => false,
            };
            let cands = match w.evidence {
                Evidence::KeenSupplier if !keen.is_empty() => keen.join(", "),
                _ => candidates_text.clone(),
            };
            ways.push((
                fits,
                i,
                fill_with(&w.text, &cands),
                fill_with(&w.fits, &cands),
                format!("{base}.ways.{}", w.id),
            ));
        }
        ways.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        for (fits, _, text, why, rule) in ways {
            push(
                &mut steps,
                text,
                rule,
                Some(fits),
                (fits && !why.is_empty()).then_some(why),
            );
        }
        if let Some(w) = &g.warning {
            push(
                &mut steps,
                fill_with(w, &candidates_text),
                format!("{base}.warning"),
                None,
                None,
            );
        }
        Guide {
            exception: x.id.clone(),
            title: x.title.clone(),
            categories: cats.to_vec(),
            rule: base,
            steps,
        }
    }

    /// Suppliers keen to grow with us in the given categories: other current suppliers,
    /// qualified ones and suppliers of related categories that say they are interested in
    /// our volumes and have a keen capacity.
    fn keen_suppliers(&self, s: &SupplierResult, scope: &[String], g: &GuideDef) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in scope {
            for cand in self.backup_candidates(c, &[s.id.as_str()], true) {
                let interested =
                    self.supplier_bool(&cand.supplier_id, "interested-in-our-volume") == Some(true);
                let capacity = self.supplier_text(&cand.supplier_id, Some(c), "capacity");
                if interested
                    && capacity
                        .as_ref()
                        .is_some_and(|c| g.keen_capacity.contains(c))
                {
                    let label = format!(
                        "{} ({}{})",
                        cand.supplier_id,
                        if cand.name.is_empty() {
                            String::new()
                        } else {
                            format!("{}, ", cand.name)
                        },
                        fill(
                            &self.rules.advice.roles.fact_capacity,
                            &[("value", &capacity.unwrap_or_default())]
                        )
                    );
                    if !out.contains(&label) {
                        out.push(label);
                    }
                }
            }
        }
        out
    }
}
