//! Advice: from classes and types to what to do — a plan per category (current split,
//! concentration, the proposal of its type, who takes which role and why, the money to
//! move), a plan per supplier (methods per category with their parameters, relationship
//! actions, guided actions for exceptions, the scorecard review) and the supply risks the
//! supply graph shows, each with a backup candidate.
//!
//! Every recommendation carries the stable id of the rule that produced it; every number
//! and word comes from the rules (`[advice.*]`, `[recommendations.*]`, `[splits.*]`).

pub mod graph;
mod plan;
pub mod review;
mod supplier;
pub mod text;

use crate::analysis::{CategoryResult, Finding, PairResult, Summary, SupplierResult};
use crate::profiles::Profiles;
use crate::ratio::share;
use crate::relationship::RelationshipType;
use crate::rules::expr::Value;
use crate::rules::{RuleSet, SourcingPattern, VolumeBand};
use graph::SupplyGraph;
pub use review::{Quadrant, ReviewCell, apply_scorecard};
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
pub use text::Period;
use text::fill;

/// A supplier's role in a category's sourcing proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The main supplier of a split (70 % by default).
    Main,
    /// The background supplier of a split (30 % by default).
    Background,
    /// A backup ("reserve") supplier with occasional orders, or kept warm.
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

/// The words the sentences of an advice are made of where they are made when read (an
/// allocation's `why`, a move's text), with the ledger's currency and the unit of money to
/// move: one per advice, shared (`Arc`) by every allocation and move. A sentence made and
/// stored per allocation cost megabytes on big ledgers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Words {
    /// `advice.roles.fact-spend`: `{spend}`, `{currency}`, `{share}`.
    fact_spend: String,
    /// `advice.roles.fact-profit`: `{profit}`, `{currency}`, `{share}`.
    fact_profit: String,
    /// `advice.roles.fact-performance`: `{value}`.
    fact_performance: String,
    /// `advice.roles.fact-capacity`: `{value}`.
    fact_capacity: String,
    /// `advice.roles.fact-free-capacity`.
    fact_free_capacity: String,
    /// `advice.roles.fact-no-free-capacity`.
    fact_no_free_capacity: String,
    /// `advice.period.move`: `{amount}`, `{per}`, `{from}`, `{to}`, `{category}`.
    move_template: String,
    /// The ledger's one currency (empty when it does not say).
    currency: String,
    /// The unit of money to move, e.g. `EUR/year` (see [`Period`]).
    per: Arc<str>,
}

impl Words {
    /// The words of `rules` for a ledger in `currency`, money moved `per` the unit given.
    pub fn new(rules: &RuleSet, currency: &str, per: &str) -> Self {
        let roles = &rules.advice.roles;
        Words {
            fact_spend: roles.fact_spend.clone(),
            fact_profit: roles.fact_profit.clone(),
            fact_performance: roles.fact_performance.clone(),
            fact_capacity: roles.fact_capacity.clone(),
            fact_free_capacity: roles.fact_free_capacity.clone(),
            fact_no_free_capacity: roles.fact_no_free_capacity.clone(),
            move_template: rules.advice.period.r#move.clone(),
            currency: currency.to_string(),
            per: per.into(),
        }
    }
}

/// One supplier in a category's plan. Its id, name, reason and rule are shared (`Arc`):
/// one per supplier, or per role's reason and rule, not one per allocation; its `why` is
/// made from its fields when read ([`Allocation::why`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// Supplier id.
    pub supplier_id: Arc<str>,
    /// Supplier name (ledger, else profiles; empty when unknown).
    pub name: Arc<str>,
    /// Its role.
    pub role: Role,
    /// Whether the supplier buys in the category now (then its spend and profit there are
    /// facts of [`Allocation::why`]); false for a candidate.
    pub in_category: bool,
    /// Current spend in the category.
    pub current_spend: Decimal,
    /// Current share of the category, a fraction.
    pub current_share: Decimal,
    /// Proposed share, a fraction (none where the plan does not set one).
    pub proposed_share: Option<Decimal>,
    /// Proposed spend over the same period.
    pub proposed_spend: Option<Decimal>,
    /// Profit the supplier's goods take part in, in this category.
    pub profit: Decimal,
    /// Its share of the category's profit, a fraction (none without profit data).
    pub profit_share: Option<Decimal>,
    /// The `performance` fact, where known.
    pub performance: Option<String>,
    /// The `capacity` fact, where known.
    pub capacity: Option<String>,
    /// The `free-capacity` fact, where known.
    pub free_capacity: Option<bool>,
    /// The role's reason alone, in words (short, for tables).
    pub reason: Arc<str>,
    /// Stable id of the rule that gave the role.
    pub rule: Arc<str>,
    /// The words `why` is made of.
    pub words: Arc<Words>,
}

impl Allocation {
    /// Why this supplier takes this role, in words: the role's reason, then the facts
    /// (`reason; fact, fact, …`).
    pub fn why(&self) -> String {
        let w = &*self.words;
        let money = crate::report::money_grouped;
        let mut facts: Vec<String> = Vec::new();
        if self.in_category {
            facts.push(fill(
                &w.fact_spend,
                &[
                    ("spend", &money(self.current_spend)),
                    ("currency", &w.currency),
                    ("share", &pct1(self.current_share)),
                ],
            ));
            if let Some(ps) = self.profit_share
                && self.profit != Decimal::ZERO
            {
                facts.push(fill(
                    &w.fact_profit,
                    &[
                        ("profit", &money(self.profit)),
                        ("currency", &w.currency),
                        ("share", &pct1(ps)),
                    ],
                ));
            }
        }
        if let Some(p) = &self.performance {
            facts.push(fill(&w.fact_performance, &[("value", p)]));
        }
        if let Some(c) = &self.capacity {
            facts.push(fill(&w.fact_capacity, &[("value", c)]));
        }
        match self.free_capacity {
            Some(true) => facts.push(w.fact_free_capacity.clone()),
            Some(false) => facts.push(w.fact_no_free_capacity.clone()),
            None => {}
        }
        let mut why = String::with_capacity(
            self.reason.len() + facts.iter().map(|f| f.len() + 2).sum::<usize>(),
        );
        why.push_str(&self.reason);
        for (i, f) in facts.iter().enumerate() {
            why.push_str(if i == 0 { "; " } else { ", " });
            why.push_str(f);
        }
        why
    }
}

/// As the allocation was written when `why` was a field: `why` in its place, `in_category`
/// and the words left out.
impl Serialize for Allocation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Allocation", 15)?;
        st.serialize_field("supplier_id", &self.supplier_id)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("role", &self.role)?;
        st.serialize_field("current_spend", &self.current_spend)?;
        st.serialize_field("current_share", &self.current_share)?;
        st.serialize_field("proposed_share", &self.proposed_share)?;
        st.serialize_field("proposed_spend", &self.proposed_spend)?;
        st.serialize_field("profit", &self.profit)?;
        st.serialize_field("profit_share", &self.profit_share)?;
        st.serialize_field("performance", &self.performance)?;
        st.serialize_field("capacity", &self.capacity)?;
        st.serialize_field("free_capacity", &self.free_capacity)?;
        st.serialize_field("reason", &self.reason)?;
        st.serialize_field("why", &self.why())?;
        st.serialize_field("rule", &self.rule)?;
        st.end()
    }
}

/// Money to move between suppliers of one category, over the ledger's period. Its text
/// is made when read ([`Move::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// From this supplier.
    pub from: Arc<str>,
    /// To this supplier.
    pub to: Arc<str>,
    /// The amount over the ledger's period.
    pub amount: Decimal,
    /// The category (the analysis' id, shared).
    pub category: Arc<str>,
    /// The words the text is made of, with the unit.
    pub words: Arc<Words>,
}

impl Move {
    /// The unit, e.g. `EUR/year` (see [`Period`]).
    pub fn per(&self) -> &str {
        &self.words.per
    }

    /// In words: "move 312,442.05 EUR/year from S-005 to S-037".
    pub fn text(&self) -> String {
        fill(
            &self.words.move_template,
            &[
                ("amount", &crate::report::money_grouped(self.amount)),
                ("per", &self.words.per),
                ("from", &self.from),
                ("to", &self.to),
                ("category", &self.category),
            ],
        )
    }

    /// Stable id of the rule: `advice.period.move`.
    pub fn rule(&self) -> &'static str {
        "advice.period.move"
    }
}

/// As the move was written when its unit, text and rule were fields.
impl Serialize for Move {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Move", 6)?;
        st.serialize_field("from", &self.from)?;
        st.serialize_field("to", &self.to)?;
        st.serialize_field("amount", &self.amount)?;
        st.serialize_field("per", self.per())?;
        st.serialize_field("text", &self.text())?;
        st.serialize_field("rule", self.rule())?;
        st.end()
    }
}

/// A supplier proposed as a backup, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Supplier id.
    pub supplier_id: String,
    /// Supplier name (ledger, else profiles; empty when unknown).
    pub name: String,
    /// Why it is a candidate.
    pub why: String,
    /// Stable id of the rule: `advice.risks.qualified`, `.related` or `.serving`.
    pub rule: String,
}

impl Candidate {
    /// `S-045 (Schlachthof Südmark eG)`, or the id alone without a name.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.supplier_id.clone()
        } else {
            format!("{} ({})", self.supplier_id, self.name)
        }
    }
}

/// The plan for one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryPlan {
    /// Category id.
    pub category: String,
    /// Category name from the profiles (empty when none).
    pub name: String,
    /// The category's relationship type.
    pub relationship_type: RelationshipType,
    /// The sourcing pattern of that type.
    pub sourcing: SourcingPattern,
    /// Stable id of the rule that produced the proposal.
    pub rule: String,
    /// The category's net spend.
    pub spend: Decimal,
    /// Suppliers with purchases in the category.
    pub suppliers: usize,
    /// The largest supplier.
    pub top_supplier: Option<String>,
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
    /// The stable id of the rule behind each note, in the same order as `notes`.
    pub note_rules: Vec<String>,
}

/// A procurement method with its description from the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodRef {
    /// Method id.
    pub id: String,
    /// Readable name.
    pub name: String,
    /// What it is.
    pub description: String,
}

/// The methods of every pair of one type and volume band, with their parameters: made
/// once per advice and shared by those pairs' [`PairMethods`] (a big ledger has tens of
/// thousands of pairs and a handful of these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodTemplate {
    /// The pairs' type.
    pub relationship_type: RelationshipType,
    /// The volume band.
    pub band: VolumeBand,
    /// The band's lower limit (exclusive), none for the small band.
    pub band_above: Option<Decimal>,
    /// The band's upper limit (inclusive), none for the large band.
    pub band_up_to: Option<Decimal>,
    /// Method ids, in order of preference.
    pub methods: Vec<String>,
    /// The methods with their names and descriptions.
    pub method_details: Vec<MethodRef>,
    /// Steps before the method (pre-screening, pre-qualification).
    pub pre_steps: Vec<String>,
    /// Contract horizon of the type.
    pub contract_horizon: String,
    /// Review frequency of the type.
    pub review: String,
    /// What decides between suppliers.
    pub decisive_factor: String,
    /// Stable id of the rule: `recommendations.TYPE.methods.BAND`.
    pub rule: String,
}

/// Methods for one (supplier, category) pair, with their parameters: the pair's category
/// and spend, and the template of its type and volume band, shared. The template's fields
/// read as the pair's own (`Deref`), and are serialized as its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairMethods {
    /// Category id (the analysis' own, shared).
    pub category: Arc<str>,
    /// Spend with the supplier in the category.
    pub spend: Decimal,
    /// Everything else: the same for every pair of the type and band.
    pub template: Arc<MethodTemplate>,
}

impl std::ops::Deref for PairMethods {
    type Target = MethodTemplate;
    fn deref(&self) -> &MethodTemplate {
        &self.template
    }
}

/// One flat object, as when every field was the pair's own.
impl Serialize for PairMethods {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let t = &*self.template;
        let mut st = serializer.serialize_struct("PairMethods", 13)?;
        st.serialize_field("category", &self.category)?;
        st.serialize_field("relationship_type", &t.relationship_type)?;
        st.serialize_field("spend", &self.spend)?;
        st.serialize_field("band", &t.band)?;
        st.serialize_field("band_above", &t.band_above)?;
        st.serialize_field("band_up_to", &t.band_up_to)?;
        st.serialize_field("methods", &t.methods)?;
        st.serialize_field("method_details", &t.method_details)?;
        st.serialize_field("pre_steps", &t.pre_steps)?;
        st.serialize_field("contract_horizon", &t.contract_horizon)?;
        st.serialize_field("review", &t.review)?;
        st.serialize_field("decisive_factor", &t.decisive_factor)?;
        st.serialize_field("rule", &t.rule)?;
        st.end()
    }
}

/// What kind of action an [`Action`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// An action of the supplier's type.
    Type,
    /// The relationship level or a bond to build.
    Relationship,
    /// The supplier's role in a category, with the money to move.
    Sourcing,
    /// A step of a guided sequence for an exception.
    Exception,
    /// An exception's own action (no guide in the rules).
    ExceptionAction,
    /// An "act" cell of the scorecard review.
    Review,
}

/// An action, with the rule that produced it. Texts are shared (`Arc`): the actions of a
/// type are the same for all its suppliers; a supplier's role in a category is read from
/// the category's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// What kind of action.
    pub kind: ActionKind,
    /// What to do.
    pub text: ActionText,
    /// Stable id of the rule.
    pub rule: Arc<str>,
}

/// What an action says: a text, or a supplier's role in a category's plan, made when
/// read: `CATEGORY: why; move; move` (see [`ActionText::get`]). Serialized as the text.
#[derive(Clone)]
pub enum ActionText {
    /// A text (shared between the suppliers it applies to).
    Text(Arc<str>),
    /// The supplier's role in a category: its allocation in the plan, with the plan's
    /// moves from or to it.
    Role {
        /// The category's plan.
        plan: Arc<CategoryPlan>,
        /// The position of the supplier's allocation in the plan.
        allocation: usize,
    },
}

impl ActionText {
    /// The text.
    pub fn get(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ActionText::Text(t) => std::borrow::Cow::Borrowed(t),
            ActionText::Role { plan, allocation } => {
                let Some(a) = plan.allocations.get(*allocation) else {
                    return std::borrow::Cow::Borrowed("");
                };
                let mut text = format!("{}: {}", plan.category, a.why());
                for m in plan
                    .moves
                    .iter()
                    .filter(|m| m.from == a.supplier_id || m.to == a.supplier_id)
                {
                    text.push_str("; ");
                    text.push_str(&m.text());
                }
                std::borrow::Cow::Owned(text)
            }
        }
    }
}

impl std::fmt::Display for ActionText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.get())
    }
}

/// Shows the text, not the plan it is read from.
impl std::fmt::Debug for ActionText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.get(), f)
    }
}

/// Equal when the texts are, however they are made.
impl PartialEq for ActionText {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for ActionText {}

impl Serialize for ActionText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.get())
    }
}

impl From<Arc<str>> for ActionText {
    fn from(t: Arc<str>) -> Self {
        ActionText::Text(t)
    }
}

impl From<&str> for ActionText {
    fn from(t: &str) -> Self {
        ActionText::Text(t.into())
    }
}

impl From<String> for ActionText {
    fn from(t: String) -> Self {
        ActionText::Text(t.into())
    }
}

/// One step of a guided sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuideStep {
    /// 1-based position.
    pub step: usize,
    /// What to do.
    pub text: String,
    /// Stable id of the rule.
    pub rule: String,
    /// For a way out: whether procura found evidence that it fits.
    pub fits: Option<bool>,
    /// For a way out that fits: the evidence, in words.
    pub why: Option<String>,
}

/// The guided actions for one exception that applies to a supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guide {
    /// The exception id.
    pub exception: String,
    /// Its title.
    pub title: String,
    /// The categories it applies in (empty for a supplier-level exception).
    pub categories: Vec<String>,
    /// Stable id of the rule: `advice.guides.EXCEPTION`.
    pub rule: String,
    /// The steps in order.
    pub steps: Vec<GuideStep>,
}

/// What the advice says for every supplier of one type: the goal, the relationship level
/// and bonds, the contract horizon, the review frequency, what decides between suppliers
/// and the steps before the method. Made once per type per advice and shared (`Arc`) by
/// the suppliers' plans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeAdvice {
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
}

/// The plan for one supplier. The texts of its type are shared between the suppliers of
/// the type ([`SupplierPlan::texts`]) and read as the plan's own (`Deref`); its id and
/// name are the analysis' (`Arc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierPlan {
    /// Supplier id.
    pub supplier_id: Arc<str>,
    /// Supplier name.
    pub name: Arc<str>,
    /// Its type.
    pub relationship_type: RelationshipType,
    /// The texts of its type: goal, level, bonds, contract, review, decisive factor,
    /// pre-steps.
    pub texts: Arc<TypeAdvice>,
    /// Methods per category.
    pub methods: Vec<PairMethods>,
    /// Guided sequences for the exceptions that apply.
    pub guides: Vec<Guide>,
    /// The scorecard review (empty without a scorecard).
    pub scorecard: Vec<ReviewCell>,
    /// Every action in order: type, relationship, sourcing, exceptions, review.
    pub actions: Actions,
}

impl std::ops::Deref for SupplierPlan {
    type Target = TypeAdvice;
    fn deref(&self) -> &TypeAdvice {
        &self.texts
    }
}

/// One flat object, the type's texts in their places as when they were the plan's own.
impl Serialize for SupplierPlan {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let t = &*self.texts;
        let mut st = serializer.serialize_struct("SupplierPlan", 14)?;
        st.serialize_field("supplier_id", &self.supplier_id)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("relationship_type", &self.relationship_type)?;
        st.serialize_field("goal", &t.goal)?;
        st.serialize_field("relationship_level", &t.relationship_level)?;
        st.serialize_field("bonds", &t.bonds)?;
        st.serialize_field("contract_horizon", &t.contract_horizon)?;
        st.serialize_field("review", &t.review)?;
        st.serialize_field("decisive_factor", &t.decisive_factor)?;
        st.serialize_field("pre_steps", &t.pre_steps)?;
        st.serialize_field("methods", &self.methods)?;
        st.serialize_field("guides", &self.guides)?;
        st.serialize_field("scorecard", &self.scorecard)?;
        st.serialize_field("actions", &self.actions)?;
        st.end()
    }
}

/// A supplier's actions: those of its type and relationship, shared (`Arc`) between all
/// suppliers of the type, then its own. Read (and serialized) as one list.
#[derive(Debug, Clone, Default)]
pub struct Actions {
    shared: Arc<[Action]>,
    own: Vec<Action>,
}

impl Actions {
    /// The type's shared actions, with room for `own` more.
    pub fn new(shared: Arc<[Action]>, own: usize) -> Self {
        Actions {
            shared,
            own: Vec::with_capacity(own),
        }
    }

    /// Every action in order: the shared ones, then the supplier's own.
    pub fn iter(
        &self,
    ) -> std::iter::Chain<std::slice::Iter<'_, Action>, std::slice::Iter<'_, Action>> {
        self.shared.iter().chain(self.own.iter())
    }

    /// How many actions.
    pub fn len(&self) -> usize {
        self.shared.len() + self.own.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds an action of the supplier's own at the end.
    pub fn push(&mut self, a: Action) {
        self.own.push(a);
    }
}

impl PartialEq for Actions {
    /// Equal when the lists are, however they are split between shared and own.
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Actions {}

impl<'a> IntoIterator for &'a Actions {
    type Item = &'a Action;
    type IntoIter = std::iter::Chain<std::slice::Iter<'a, Action>, std::slice::Iter<'a, Action>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Serialize for Actions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// A risk the supply graph shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplyRisk {
    /// Stable id: `single-source`, `concentration` or `supplier-loss`.
    pub id: String,
    /// The category or supplier.
    pub subject: String,
    /// The categories concerned.
    pub categories: Vec<String>,
    /// In words.
    pub message: String,
    /// Backup candidates.
    pub backup_candidates: Vec<Candidate>,
    /// Stable id of the rule: `advice.risks.ID`.
    pub rule: String,
}

/// All advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// The ledger's period and the unit of money to move.
    pub period: Period,
    /// Per category, in category spend rank order (shared with the supplier plans'
    /// actions that read a supplier's role from them).
    pub categories: Vec<Arc<CategoryPlan>>,
    /// Per supplier, in supplier spend rank order.
    pub suppliers: Vec<SupplierPlan>,
    /// Supply risks: single sources, then concentrations, then supplier losses.
    pub risks: Vec<SupplyRisk>,
    /// The scorecard file the review came from (none without one).
    pub scorecard: Option<String>,
}

impl Advice {
    /// The plan of a category.
    pub fn category(&self, id: &str) -> Option<&CategoryPlan> {
        self.categories
            .iter()
            .find(|p| p.category == id)
            .map(|p| &**p)
    }

    /// The plan of a supplier.
    pub fn supplier(&self, id: &str) -> Option<&SupplierPlan> {
        self.suppliers.iter().find(|p| &*p.supplier_id == id)
    }
}

/// Percent with 1 decimal, for sentences.
pub(crate) fn pct1(f: Decimal) -> String {
    format!("{:.1} %", (f * Decimal::ONE_HUNDRED).round_dp(1))
}

/// `f` of every item, in order, on the machine's cores (at most eight threads) when the
/// summed `weight` of the items reaches `min_weight`: the items are cut into runs of about
/// equal weight, one per thread, and the results joined in item order, so the output is the
/// same whatever the number of threads.
pub(crate) fn par_map<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let total: usize = items.iter().map(&weight).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
        .min(items.len());
    if threads < 2 || total < min_weight {
        return items.iter().map(f).collect();
    }
    // Cut where the running weight passes each thread's share.
    let mut runs: Vec<&[T]> = Vec::with_capacity(threads);
    let (mut start, mut acc) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        acc += weight(item);
        if acc * threads >= total * (runs.len() + 1) && runs.len() + 1 < threads {
            runs.push(&items[start..=i]);
            start = i + 1;
        }
    }
    runs.push(&items[start..]);
    // Each thread fills its own run of one output vector: no per-thread vectors copied
    // into a joined one (with 20,000 supplier plans both were alive at the memory peak).
    // `Option<R>` is as large as `R` for the plans (a niche), and the final `filter_map`
    // collects in place.
    let mut out: Vec<Option<R>> = Vec::with_capacity(items.len());
    out.resize_with(items.len(), || None);
    let f = &f;
    std::thread::scope(|scope| {
        let mut rest: &mut [Option<R>] = &mut out;
        let mut first: Option<(&[T], &mut [Option<R>])> = None;
        let mut handles = Vec::with_capacity(runs.len());
        for run in &runs {
            let (slots, tail) = rest.split_at_mut(run.len());
            rest = tail;
            let run: &[T] = run;
            if first.is_none() {
                first = Some((run, slots));
            } else {
                handles.push(scope.spawn(move || fill_slots(run, slots, f)));
            }
        }
        if let Some((run, slots)) = first {
            fill_slots(run, slots, f);
        }
        for h in handles {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
    // `flatten` would copy into a new vector; this identity `filter_map` collects in place.
    #[allow(clippy::filter_map_identity)]
    let out: Vec<R> = out.into_iter().filter_map(|r| r).collect();
    out
}

/// `f` of each item into the slot beside it.
fn fill_slots<T, R>(items: &[T], slots: &mut [Option<R>], f: impl Fn(&T) -> R) {
    for (slot, item) in slots.iter_mut().zip(items) {
        *slot = Some(f(item));
    }
}

/// Work below which the plans are made on one thread: starting threads costs more than
/// it saves on a small ledger.
const PARALLEL_FROM: usize = 2048;

/// Builds the advice. Supply risks and supplier exceptions are added to `findings`.
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
            .map(|p| (&*p.supplier_id, &*p.category, p.spend))
    }));
    let currency = summary.currency.clone().unwrap_or_default();
    let period = Period::new(&rules.advice.period, summary.period.as_ref(), &currency);
    let cat_type: BTreeMap<&str, RelationshipType> = categories
        .iter()
        .map(|c| (c.id.as_str(), c.classification.relationship_type))
        .collect();
    // Lookups only (never iterated): hashed, not ordered.
    let pairs: FxHashMap<(&str, &str), &PairResult> = suppliers
        .iter()
        .flat_map(|s| s.categories.iter())
        .map(|p| ((&*p.supplier_id, &*p.category), p))
        .collect();
    let ctx = Ctx {
        rules,
        profiles,
        graph: &graph,
        cat_type: &cat_type,
        pairs,
        has_profit: summary.total_profit.is_some(),
        methods: Vec::new(),
        type_texts: Vec::new(),
        shared: FxHashMap::default(),
        reasons: Reasons::default(),
        words: Arc::default(),
        rule_ids: Vec::new(),
        category_ids: categories
            .iter()
            .map(|c| (c.id.as_str(), c.abc.id().clone()))
            .collect(),
        groups: FxHashMap::default(),
    };
    let mut ctx = ctx;
    ctx.groups = ctx.index_groups();
    // One id and name per supplier (the id is the analysis' own), one text per role's
    // reason and one per rule id: the allocations share them.
    let shared = suppliers
        .iter()
        .enumerate()
        .map(|(position, s)| {
            (
                s.id.as_str(),
                Shared {
                    position,
                    id: s.abc.id().clone(),
                    name: Arc::from(ctx.profile_name(&s.id, &s.name)),
                },
            )
        })
        .collect();
    ctx.shared = shared;
    ctx.reasons = Reasons::new(&rules.advice.roles);
    ctx.words = Arc::new(Words::new(rules, &currency, &period.per));
    ctx.rule_ids = plan::RULE_IDS.iter().map(|&r| (r, Arc::from(r))).collect();
    for &t in rules.recommendations.keys() {
        for band in [VolumeBand::Small, VolumeBand::Medium, VolumeBand::Large] {
            let m = ctx.make_method_template(t, band);
            ctx.methods.push(((t, band), Arc::new(m)));
        }
        let a = ctx.make_type_texts(t);
        ctx.type_texts.push((t, a));
    }
    let ctx = ctx;

    let plans: Vec<CategoryPlan> = par_map(
        categories,
        |c| c.suppliers.len() + 1,
        PARALLEL_FROM,
        |c| ctx.category_plan(c),
    );
    let risks = ctx.risks(categories, &plans, findings);
    // Only the category plans look pairs up: the map goes before the supplier plans.
    let mut ctx = ctx;
    ctx.pairs = FxHashMap::default();
    let ctx = ctx;
    for s in suppliers {
        for x in &s.exceptions {
            findings.push(Finding {
                id: x.id.clone(),
                subject: s.id.clone(),
                message: format!("{} {}: {}", s.id, x.title, x.explain),
            });
        }
    }
    // The plans are shared from here on: a supplier's action for its role in a category
    // reads the plan, not a copy of its allocation's words.
    let plans: Vec<Arc<CategoryPlan>> = plans.into_iter().map(Arc::new).collect();
    // Per supplier (by its position in `suppliers`), the plans that allocate to it (in plan
    // order) with its first allocation there: an action list reads those, not every plan
    // (with 20,000 suppliers a scan of every plan's allocations per supplier took seconds).
    // Flat, one run per supplier: a vector per supplier in a map cost megabytes on big
    // ledgers.
    let position = |id: &str| ctx.shared.get(id).map(|x| x.position);
    let mut allocated = Runs::new(suppliers.len());
    let passes: [Pass; 2] = [Runs::count, Runs::put];
    for pass in passes {
        // The plan a supplier's last allocation was seen in: one entry per plan.
        let mut last: Vec<Option<usize>> = vec![None; suppliers.len()];
        for (pi, plan) in plans.iter().enumerate() {
            for (ai, a) in plan.allocations.iter().enumerate() {
                let Some(si) = position(&a.supplier_id) else {
                    continue;
                };
                if let Some(l) = last.get_mut(si)
                    && *l != Some(pi)
                {
                    *l = Some(pi);
                    pass(&mut allocated, si, (pi, ai));
                }
            }
        }
        allocated.counted();
    }
    let supplier_plans = par_map(
        suppliers,
        |s| s.categories.len() + 1,
        PARALLEL_FROM,
        |s| {
            let si = position(&s.id).unwrap_or(usize::MAX);
            ctx.supplier_plan(s, &plans, allocated.of(si))
        },
    );
    Advice {
        period,
        categories: plans,
        suppliers: supplier_plans,
        risks,
        scorecard: None,
    }
}

/// One of the two passes that fill [`Runs`].
type Pass = fn(&mut Runs, usize, (usize, usize));

/// (plan, allocation) positions grouped by supplier position, in one flat vector: filled in
/// two passes over the same entries, [`Runs::count`] then [`Runs::put`], with
/// [`Runs::counted`] after each.
struct Runs {
    /// Where each supplier's run starts in `entries` (one more than the suppliers); while
    /// counting, each supplier's count; while putting, each run's next free slot.
    starts: Vec<usize>,
    entries: Vec<(usize, usize)>,
    counting: bool,
}

impl Runs {
    fn new(suppliers: usize) -> Self {
        Runs {
            starts: vec![0; suppliers + 1],
            entries: Vec::new(),
            counting: true,
        }
    }

    fn count(&mut self, supplier: usize, _: (usize, usize)) {
        if let Some(n) = self.starts.get_mut(supplier + 1) {
            *n += 1;
        }
    }

    fn put(&mut self, supplier: usize, entry: (usize, usize)) {
        if let Some(next) = self.starts.get_mut(supplier)
            && let Some(slot) = self.entries.get_mut(*next)
        {
            *slot = entry;
            *next += 1;
        }
    }

    /// After counting: the counts become run starts. After putting: each run's next free
    /// slot is the next run's start, so the starts move back by one run.
    fn counted(&mut self) {
        if self.counting {
            for i in 1..self.starts.len() {
                self.starts[i] += self.starts[i - 1];
            }
            self.entries = vec![(0, 0); self.starts.last().copied().unwrap_or(0)];
            self.counting = false;
        } else {
            self.starts.rotate_right(1);
            if let Some(s) = self.starts.first_mut() {
                *s = 0;
            }
        }
    }

    /// The run of one supplier; empty for an unknown position.
    fn of(&self, supplier: usize) -> &[(usize, usize)] {
        match (self.starts.get(supplier), self.starts.get(supplier + 1)) {
            (Some(&a), Some(&b)) => self.entries.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// What the advice reads, shared by the category and supplier plans.
struct Ctx<'a> {
    rules: &'a RuleSet,
    profiles: &'a Profiles,
    graph: &'a SupplyGraph<'a>,
    cat_type: &'a BTreeMap<&'a str, RelationshipType>,
    /// Every pair by (supplier, category), for the category plans (emptied after them).
    pairs: FxHashMap<(&'a str, &'a str), &'a PairResult>,
    has_profit: bool,
    /// The methods per (type, band), made once: see `Ctx::method_template`.
    methods: Vec<((RelationshipType, VolumeBand), Arc<MethodTemplate>)>,
    /// The texts and actions per type, made once: see `Ctx::type_texts`.
    type_texts: Vec<(RelationshipType, TypeTexts)>,
    /// Per supplier of the analysis, its position, id and name (shared by its allocations).
    shared: FxHashMap<&'a str, Shared>,
    /// The roles' fixed reasons, shared by the allocations.
    reasons: Reasons,
    /// The words of the allocations' `why` and the moves' texts, shared by them.
    words: Arc<Words>,
    /// The rule ids the allocations give, shared by them (see `Ctx::rule_id`).
    rule_ids: Vec<(&'static str, Arc<str>)>,
    /// Per category, its id as the analysis shares it, for the pairs' methods.
    category_ids: FxHashMap<&'a str, Arc<str>>,
    /// The category groups of the profiles, by name: see `Ctx::index_groups`.
    groups: FxHashMap<&'a str, Group<'a>>,
}

/// A category group, as the backup and bundling candidates of its categories look it up.
#[derive(Default)]
struct Group<'a> {
    /// Every supplier buying in one of the group's categories, in id order, with those
    /// categories and its spend in each, by spend descending (ties by id).
    members: Vec<(&'a str, Vec<(&'a str, Decimal)>)>,
    /// Every supplier serving two or more of the group's economic-opportunistic
    /// categories with spend, in id order, with those categories (in the same order).
    bundlers: Vec<(&'a str, Vec<&'a str>)>,
}

/// A supplier of the analysis, as the advice shares it.
struct Shared {
    /// Its position in the analysis' suppliers.
    position: usize,
    /// Its id, the analysis' own.
    id: Arc<str>,
    /// Its name: from the ledger, else the profiles' `name` fact.
    name: Arc<str>,
}

/// The roles' reasons that do not depend on the category, made once.
#[derive(Default)]
struct Reasons {
    main: Arc<str>,
    background: Arc<str>,
    frame: Arc<str>,
    warm_backup: Arc<str>,
    partner: Arc<str>,
    inactive: Arc<str>,
    bundle_largest: Arc<str>,
}

impl Reasons {
    fn new(words: &crate::rules::RolesDef) -> Self {
        Reasons {
            main: words.main.as_str().into(),
            background: words.background.as_str().into(),
            frame: words.frame.as_str().into(),
            warm_backup: words.warm_backup.as_str().into(),
            partner: words.partner.as_str().into(),
            inactive: words.inactive.as_str().into(),
            bundle_largest: words.bundle_largest.as_str().into(),
        }
    }
}

/// The texts of one type in a supplier plan and its actions, shared between its suppliers.
#[derive(Clone)]
struct TypeTexts {
    texts: Arc<TypeAdvice>,
    /// The type's actions, then the relationship level and bond actions.
    actions: Arc<[Action]>,
}

impl<'a> Ctx<'a> {
    fn group_of(&self, category: &str) -> Option<&'a str> {
        let profiles: &'a Profiles = self.profiles;
        profiles
            .categories
            .get(category)
            .and_then(|f| f.text("group"))
    }

    /// Whether a category is economic-opportunistic.
    fn is_opportunistic(&self, category: &str) -> bool {
        self.cat_type.get(category) == Some(&RelationshipType::EconomicOpportunistic)
    }

    /// The economic-opportunistic categories a supplier buys in with spend, by spend
    /// descending (ties by id): what it could take into a bundle.
    fn bundled(&self, supplier: &str) -> Vec<&'a str> {
        self.graph
            .categories_of(supplier)
            .into_iter()
            .filter(|&(c, v)| v > Decimal::ZERO && self.is_opportunistic(c))
            .map(|(c, _)| c)
            .collect()
    }

    /// The profiles' category groups with their suppliers, found in one pass over the
    /// suppliers. Looked for per category instead, every supplier was gone through for
    /// each grouped category, twice (5,000 suppliers and 200 grouped categories added
    /// 0.24 s to a 0.16 s run).
    fn index_groups(&self) -> FxHashMap<&'a str, Group<'a>> {
        let mut out: FxHashMap<&'a str, Group<'a>> = FxHashMap::default();
        let profiles: &'a Profiles = self.profiles;
        if !profiles
            .categories
            .values()
            .any(|f| f.text("group").is_some())
        {
            return out;
        }
        for s in self.graph.supplier_ids() {
            // A supplier's categories fall into few groups: a short list, not a map.
            let mut by_group: Vec<(&'a str, Vec<(&'a str, Decimal)>)> = Vec::new();
            for (c, v) in self.graph.categories_of(s) {
                let Some(g) = self.group_of(c) else {
                    continue;
                };
                match by_group.iter_mut().find(|(x, _)| *x == g) {
                    Some((_, cs)) => cs.push((c, v)),
                    None => by_group.push((g, vec![(c, v)])),
                }
            }
            for (g, cs) in by_group {
                let group = out.entry(g).or_default();
                let bundled: Vec<&'a str> = cs
                    .iter()
                    .filter(|&&(c, v)| v > Decimal::ZERO && self.is_opportunistic(c))
                    .map(|&(c, _)| c)
                    .collect();
                if bundled.len() >= 2 {
                    group.bundlers.push((s, bundled));
                }
                group.members.push((s, cs));
            }
        }
        out
    }

    /// A supplier's id and name, shared: the ledger's suppliers' from `shared`, another's
    /// (a candidate from the profiles) made here.
    fn id_name(&self, supplier: &str) -> (Arc<str>, Arc<str>) {
        match self.shared.get(supplier) {
            Some(x) => (x.id.clone(), x.name.clone()),
            None => (supplier.into(), self.name(supplier).into()),
        }
    }

    /// A rule id, shared when it is one of the allocations' (see `plan::RULE_IDS`).
    fn rule_id(&self, rule: &str) -> Arc<str> {
        match self.rule_ids.iter().find(|(r, _)| *r == rule) {
            Some((_, a)) => a.clone(),
            None => rule.into(),
        }
    }

    /// A supplier's name: from the ledger, else the profiles' `name` fact.
    fn name(&self, supplier: &str) -> String {
        match self.shared.get(supplier) {
            Some(x) => x.name.to_string(),
            None => self.profile_name(supplier, ""),
        }
    }

    /// `ledger_name` when there is one, else the profiles' `name` fact of `supplier`.
    fn profile_name(&self, supplier: &str, ledger_name: &str) -> String {
        if !ledger_name.is_empty() {
            return ledger_name.to_string();
        }
        self.profiles
            .suppliers
            .get(supplier)
            .and_then(|p| p.facts.text("name"))
            .unwrap_or("")
            .to_string()
    }

    /// A supplier fact, the (supplier, category) layer first when a category is given.
    fn supplier_fact(&self, supplier: &str, category: Option<&str>, id: &str) -> Option<&Value> {
        let p = self.profiles.suppliers.get(supplier)?;
        category
            .and_then(|c| p.categories.get(c))
            .and_then(|f| f.get(id))
            .or_else(|| p.facts.get(id))
    }

    fn supplier_text(&self, supplier: &str, category: Option<&str>, id: &str) -> Option<String> {
        match self.supplier_fact(supplier, category, id) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        }
    }

    fn supplier_bool(&self, supplier: &str, id: &str) -> Option<bool> {
        match self.supplier_fact(supplier, None, id) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn supplier_number(&self, supplier: &str, id: &str) -> Option<Decimal> {
        match self.supplier_fact(supplier, None, id) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }

    /// Backup candidates for a category: with `serving`, its current suppliers other than
    /// those in `exclude` first (largest first); then suppliers qualified for it in the
    /// profiles; then suppliers of related categories (same `group`), largest related spend
    /// first. Never a supplier in `exclude`.
    fn backup_candidates(&self, category: &str, exclude: &[&str], serving: bool) -> Vec<Candidate> {
        let words = &self.rules.advice.risks;
        let current = self.graph.suppliers_of(category);
        let total: Decimal = current.iter().map(|x| x.1.max(Decimal::ZERO)).sum();
        let excluded = |s: &str| exclude.contains(&s);
        let mut out: Vec<Candidate> = Vec::new();
        if serving {
            for &(s, v) in &current {
                if excluded(s) || v <= Decimal::ZERO {
                    continue;
                }
                out.push(Candidate {
                    supplier_id: s.to_string(),
                    name: self.name(s),
                    why: fill(
                        &words.serving,
                        &[("category", category), ("share", &pct1(share(v, total)))],
                    ),
                    rule: "advice.risks.serving".into(),
                });
            }
        }
        // A category can have thousands of suppliers: each candidate is looked up among
        // them, not compared with each.
        let serving: FxHashSet<&str> = current.iter().map(|x| x.0).collect();
        let skip = |s: &str, out: &[Candidate]| {
            excluded(s) || serving.contains(s) || out.iter().any(|c| c.supplier_id == s)
        };
        if let Some(f) = self.profiles.categories.get(category) {
            for s in f.list("qualified-suppliers") {
                if !skip(s, &out) {
                    out.push(Candidate {
                        supplier_id: s.clone(),
                        name: self.name(s),
                        why: fill(&words.qualified, &[("category", category)]),
                        rule: "advice.risks.qualified".into(),
                    });
                }
            }
        }
        // Related categories are those the profiles put in the same group; without a
        // group nothing says two categories are related, so no guess is made.
        let Some(group) = self.group_of(category) else {
            return out;
        };
        let members = self.groups.get(group).map_or(&[][..], |g| &g.members[..]);
        let mut related: Vec<(&str, &str, Decimal)> = Vec::new();
        for &(s, ref cs) in members {
            if skip(s, &out) {
                continue;
            }
            // Its first other category of the group, as it ranks its categories.
            if let Some(&(c, spend)) = cs.iter().find(|&&(c, _)| c != category) {
                related.push((s, c, spend));
            }
        }
        related.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(b.0)));
        for (s, c, _) in related {
            out.push(Candidate {
                name: self.name(s),
                supplier_id: s.to_string(),
                why: fill(&words.related, &[("related", c), ("group", group)]),
                rule: "advice.risks.related".into(),
            });
        }
        out
    }

    /// The risks of the supply graph: single sources, concentrations, supplier losses.
    fn risks(
        &self,
        categories: &[CategoryResult],
        plans: &[CategoryPlan],
        findings: &mut Vec<Finding>,
    ) -> Vec<SupplyRisk> {
        let words = &self.rules.advice.risks;
        let with_backup = |message: String, candidates: &[Candidate]| match candidates.first() {
            Some(x) => format!(
                "{message}; {}",
                fill(&words.backup, &[("candidate", &x.label())])
            ),
            None => format!("{message}; {}", words.no_backup),
        };
        let mut risks = Vec::new();
        for (c, s) in self.graph.single_sourced() {
            let t = self
                .cat_type
                .get(c)
                .copied()
                .unwrap_or(RelationshipType::EconomicOpportunistic);
            let criticality = categories
                .iter()
                .find(|x| x.id == c)
                .and_then(|x| {
                    x.classification
                        .criteria
                        .iter()
                        .find(|v| v.criterion == "product-criticality")
                })
                .and_then(|v| v.value.clone());
            // A single source is a risk where the type needs competition or the supply matters.
            let ignored = criticality.as_deref().is_none_or(|v| {
                words
                    .single_source_ignore_criticality
                    .iter()
                    .any(|x| x == v)
            });
            if t == RelationshipType::EconomicOpportunistic && ignored {
                continue;
            }
            let candidates = self.backup_candidates(c, &[s], false);
            let message = with_backup(
                fill(
                    &words.single_source,
                    &[("category", c), ("type", t.id()), ("supplier", s)],
                ),
                &candidates,
            );
            findings.push(Finding {
                id: "single-source".into(),
                subject: c.to_string(),
                message: message.clone(),
            });
            risks.push(SupplyRisk {
                id: "single-source".into(),
                subject: c.to_string(),
                categories: vec![c.to_string()],
                message,
                backup_candidates: candidates,
                rule: "advice.risks.single-source".into(),
            });
        }
        let limit = words.concentration_top_share / Decimal::ONE_HUNDRED;
        for p in plans {
            let active = p
                .allocations
                .iter()
                .filter(|a| a.current_spend > Decimal::ZERO)
                .count();
            let Some(top) = p.top_supplier.clone() else {
                continue;
            };
            if active < 2
                || p.top_share < limit
                || !words
                    .concentration_types
                    .iter()
                    .any(|t| t == p.relationship_type.id())
            {
                continue;
            }
            let candidates = self.backup_candidates(&p.category, &[top.as_str()], true);
            let message = with_backup(
                fill(
                    &words.concentration,
                    &[
                        ("category", &p.category),
                        ("type", p.relationship_type.id()),
                        ("supplier", &top),
                        ("share", &pct1(p.top_share)),
                        ("hhi", &p.hhi.round_dp(0).to_string()),
                    ],
                ),
                &candidates,
            );
            findings.push(Finding {
                id: "concentration".into(),
                subject: p.category.clone(),
                message: message.clone(),
            });
            risks.push(SupplyRisk {
                id: "concentration".into(),
                subject: p.category.clone(),
                categories: vec![p.category.clone()],
                message,
                backup_candidates: candidates,
                rule: "advice.risks.concentration".into(),
            });
        }
        for (s, cats) in self
            .graph
            .critical_suppliers(words.supplier_loss_min_categories.max(1))
        {
            let mut candidates: Vec<Candidate> = Vec::new();
            for c in &cats {
                for x in self.backup_candidates(c, &[s], false) {
                    if !candidates.iter().any(|y| y.supplier_id == x.supplier_id) {
                        candidates.push(x);
                    }
                }
            }
            let message = with_backup(
                fill(
                    &words.supplier_loss,
                    &[
                        ("supplier", s),
                        ("count", &cats.len().to_string()),
                        ("categories", &cats.join(", ")),
                    ],
                ),
                &candidates,
            );
            findings.push(Finding {
                id: "supplier-loss".into(),
                subject: s.to_string(),
                message: message.clone(),
            });
            risks.push(SupplyRisk {
                id: "supplier-loss".into(),
                subject: s.to_string(),
                categories: cats.iter().map(|c| c.to_string()).collect(),
                message,
                backup_candidates: candidates,
                rule: "advice.risks.supplier-loss".into(),
            });
        }
        risks
    }
}

/// The moves that turn current spend into proposed spend: suppliers that lose volume give
/// it to those that gain, largest first, ties by id. Amounts are exact (cents at most, as
/// proposed spend is); the report rounds.
fn moves(allocations: &[Allocation]) -> Vec<(Arc<str>, Arc<str>, Decimal)> {
    let mut give: Vec<(Arc<str>, Decimal)> = Vec::new();
    let mut take: Vec<(Arc<str>, Decimal)> = Vec::new();
    for a in allocations {
        let Some(p) = a.proposed_spend else { continue };
        let delta = p - a.current_spend.max(Decimal::ZERO);
        if delta < Decimal::ZERO {
            give.push((a.supplier_id.clone(), -delta));
        } else if delta > Decimal::ZERO {
            take.push((a.supplier_id.clone(), delta));
        }
    }
    let order = |v: &mut Vec<(Arc<str>, Decimal)>| {
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)))
    };
    order(&mut give);
    order(&mut take);
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < give.len() && j < take.len() {
        let amount = give[i].1.min(take[j].1);
        if amount > Decimal::ZERO {
            out.push((give[i].0.clone(), take[j].0.clone(), amount));
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
            name: "".into(),
            role: Role::Main,
            current_spend: Decimal::from(current),
            current_share: Decimal::ZERO,
            proposed_share: None,
            proposed_spend: proposed.map(Decimal::from),
            profit: Decimal::ZERO,
            profit_share: None,
            performance: None,
            capacity: None,
            free_capacity: None,
            reason: "".into(),
            rule: "".into(),
            in_category: true,
            words: Arc::default(),
        }
    }

    #[test]
    fn moves_balance_gains_and_losses() {
        let m = moves(&[
            a("S1", 950, Some(700)),
            a("S2", 50, Some(300)),
            a("S3", 0, None),
        ]);
        assert_eq!(m, [("S1".into(), "S2".into(), Decimal::from(250))]);
        let m = moves(&[
            a("A", 600, Some(0)),
            a("B", 400, Some(0)),
            a("C", 0, Some(1000)),
        ]);
        assert_eq!(m.len(), 2);
        assert_eq!(&*m[0].0, "A");
        assert_eq!(m[1].2, Decimal::from(400));
    }

    proptest::proptest! {
        /// Whatever the split, the moves take each supplier from its current to its
        /// proposed spend when the proposal keeps the category's total.
        #[test]
        fn moves_turn_current_into_proposed_spend(
            current in proptest::collection::vec(0i64..1_000_000, 1..8),
            weights in proptest::collection::vec(0i64..100, 8),
        ) {
            let total: i64 = current.iter().sum();
            let wsum: i64 = weights.iter().take(current.len()).sum::<i64>().max(1);
            let mut proposed: Vec<i64> = weights
                .iter()
                .take(current.len())
                .map(|w| total * w / wsum)
                .collect();
            let rest = total - proposed.iter().sum::<i64>();
            proposed[0] += rest;
            let allocations: Vec<Allocation> = current
                .iter()
                .zip(&proposed)
                .enumerate()
                .map(|(i, (c, p))| a(&format!("S{i}"), *c, Some(*p)))
                .collect();
            let m = moves(&allocations);
            for (i, (c, p)) in current.iter().zip(&proposed).enumerate() {
                let id = format!("S{i}");
                let out: Decimal = m.iter().filter(|x| *x.0 == *id).map(|x| x.2).sum();
                let inn: Decimal = m.iter().filter(|x| *x.1 == *id).map(|x| x.2).sum();
                proptest::prop_assert_eq!(Decimal::from(*c) - out + inn, Decimal::from(*p));
                proptest::prop_assert!(out.is_zero() || inn.is_zero(), "a supplier gives or takes");
            }
        }
    }
}
