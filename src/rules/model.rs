//! The parts of the rule set that are used as written: serde structs that mirror sections of
//! `rules/default.toml`. The schema check (`schema.rs`) runs first and reports unknown keys and
//! wrong types with their positions; `deny_unknown_fields` stays as a second guard.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A fact the profiles file may give.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FactDef {
    /// "text", "number", "yes/no" or "list".
    pub kind: FactKind,
    /// Whether it describes a category, a supplier or both.
    pub about: FactAbout,
    /// Allowed values of a text fact (any when empty).
    #[serde(default)]
    pub values: Vec<String>,
    /// What it means.
    #[serde(default)]
    pub description: String,
}

/// The kind of value a fact holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum FactKind {
    /// A word.
    #[serde(rename = "text")]
    Text,
    /// A number.
    #[serde(rename = "number")]
    Number,
    /// true or false.
    #[serde(rename = "yes/no")]
    YesNo,
    /// A list of words.
    #[serde(rename = "list")]
    List,
}

/// What a fact describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FactAbout {
    /// A category.
    Category,
    /// A supplier.
    Supplier,
    /// Either.
    Both,
}

/// How types are chosen.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClassificationDef {
    /// Which type wins a tie of scores.
    pub tie: TieBreak,
    /// How a supplier's type follows from its categories.
    pub supplier_type: SupplierTypeRule,
    /// A category is material for a supplier from this share of its spend, in percent.
    pub material_share: Decimal,
}

/// Which type wins when two score the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreak {
    /// The less cooperative (cheaper) type.
    LessCooperative,
    /// The more cooperative type.
    MoreCooperative,
}

/// How a supplier's type follows from the types of its categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SupplierTypeRule {
    /// The most cooperative type among its material categories.
    MostCooperative,
    /// The type of its largest category by spend.
    LargestCategory,
}

/// Whether an exception is checked per (supplier, category) pair or per supplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExceptionScope {
    /// Per supplier and category.
    Pair,
    /// Per supplier.
    Supplier,
}

/// A procurement method.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MethodDef {
    /// Readable name.
    pub name: String,
    /// What it is.
    pub description: String,
}

/// Upper limits of the small and medium volume bands (spend per pair over the period).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VolumeBandsDef {
    /// Up to this amount: small.
    pub small: Decimal,
    /// Up to this amount: medium; above: large.
    pub medium: Decimal,
}

/// A volume band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VolumeBand {
    /// Small volumes.
    Small,
    /// Medium volumes.
    Medium,
    /// Large volumes.
    Large,
}

impl VolumeBand {
    /// The id in rule files and reports.
    pub fn id(self) -> &'static str {
        match self {
            VolumeBand::Small => "small",
            VolumeBand::Medium => "medium",
            VolumeBand::Large => "large",
        }
    }
}

/// Methods per volume band.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MethodsByBand {
    /// For small volumes.
    pub small: Vec<String>,
    /// For medium volumes.
    pub medium: Vec<String>,
    /// For large volumes.
    pub large: Vec<String>,
}

impl MethodsByBand {
    /// The methods for a band.
    pub fn for_band(&self, band: VolumeBand) -> &[String] {
        match band {
            VolumeBand::Small => &self.small,
            VolumeBand::Medium => &self.medium,
            VolumeBand::Large => &self.large,
        }
    }
}

/// How a type's sourcing is organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourcingPattern {
    /// As few suppliers as possible, several categories per supplier.
    Bundle,
    /// Main / background / backup split.
    Split,
    /// Frame agreements with a few suppliers and a warm backup.
    FrameAgreements,
    /// A single or developed dual source.
    SingleOrDual,
}

/// What to do with suppliers of one type.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RecommendationDef {
    /// The goal of the relationship.
    pub goal: String,
    /// How sourcing is organised.
    pub sourcing: SourcingPattern,
    /// Contract horizon.
    pub contract_horizon: String,
    /// Review frequency.
    pub review: String,
    /// Relationship level to aim for (DOMAIN section 6).
    pub relationship_level: String,
    /// Bonds to build.
    pub bonds: Vec<String>,
    /// What decides between suppliers.
    pub decisive_factor: String,
    /// Steps before the method (pre-screening, pre-qualification).
    pub pre_steps: Vec<String>,
    /// Methods per volume band.
    pub methods: MethodsByBand,
    /// Actions.
    pub actions: Vec<String>,
    /// The relationship level as an action: `{level}`.
    pub level_action: String,
    /// One action per bond (financial, social, customization, structural), by bond id.
    pub bond_actions: BTreeMap<String, String>,
}

/// The main / background split of partial competition.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SplitDef {
    /// Main supplier's share, percent.
    pub main: Decimal,
    /// Background supplier's share, percent.
    pub background: Decimal,
    /// A backup is named from this many suppliers (ours or qualified).
    pub backup_from: usize,
    /// What the backup gets.
    pub backup_orders: String,
    /// The backup keeps at most this share of the category, percent.
    pub backup_max_share: Decimal,
}

// --- Advice: the numbers and words of `procura advise` ([advice.*] and the per-type
// `level-action` / `bond-actions`). Added after the rest so that the file's order stays.

/// Everything `procura advise` reads from the `[advice.*]` tables.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AdviceDef {
    /// How the ledger's period is named in money to move.
    pub period: PeriodDef,
    /// How roles are chosen and explained.
    pub roles: RolesDef,
    /// Selective cooperation: frame agreements and the warm backup.
    pub frame_agreements: FrameAgreementsDef,
    /// Partnership: single or dual source.
    pub single_or_dual: SingleOrDualDef,
    /// Economic-opportunistic: bundling candidates.
    pub bundling: BundlingDef,
    /// Partial competition: words for the split.
    pub split: SplitWordsDef,
    /// Supply risks read from the supply graph.
    pub risks: RisksDef,
    /// Guided actions per exception id.
    pub guides: BTreeMap<String, GuideDef>,
    /// Supplier review with a scorecard.
    pub scorecard: ScorecardDef,
}

/// The period's length and how money per period is worded.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PeriodDef {
    /// From this many days (first to last date, both included) the period is about a year.
    pub year_min_days: u32,
    /// Up to this many days the period is about a year.
    pub year_max_days: u32,
    /// The unit of money per year: `{currency}`.
    pub per_year: String,
    /// The unit of money per other period: `{currency}`, `{days}`, `{from}`, `{to}`.
    pub per_period: String,
    /// The unit of money when the ledger has no dates: `{currency}`.
    pub per_unknown: String,
    /// A move in words: `{amount}`, `{per}`, `{from}`, `{to}`, `{category}`.
    pub r#move: String,
}

/// How suppliers are put in roles, and the words that say why.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RolesDef {
    /// Performance values that keep a supplier out of the main and background roles.
    pub demote_performance: Vec<String>,
    /// Capacity values that keep a supplier out of the main role.
    pub not_main_capacity: Vec<String>,
    /// Reason of the main supplier.
    pub main: String,
    /// Reason of the background supplier.
    pub background: String,
    /// Reason of the backup supplier: `{orders}`.
    pub backup: String,
    /// Reason of a backup not used in the category today: `{orders}`.
    pub backup_candidate: String,
    /// Reason of a proposed supplier not used today.
    pub candidate: String,
    /// Reason of the bundle supplier: `{count}`, `{categories}`.
    pub bundle: String,
    /// Reason of the bundle supplier when it serves no other such category.
    pub bundle_largest: String,
    /// Reason of a frame-agreement supplier.
    pub frame: String,
    /// Reason of the warm backup.
    pub warm_backup: String,
    /// Reason of a partner.
    pub partner: String,
    /// Reason of a supplier to phase out: `{best}`.
    pub phase_out: String,
    /// Reason of a supplier beyond those the type needs: `{best}`.
    pub beyond: String,
    /// Reason of a supplier without net spend.
    pub inactive: String,
    /// Spend fact: `{spend}`, `{currency}`, `{share}`.
    pub fact_spend: String,
    /// Profit fact: `{profit}`, `{currency}`, `{share}`.
    pub fact_profit: String,
    /// Performance fact: `{value}`.
    pub fact_performance: String,
    /// Capacity fact: `{value}`.
    pub fact_capacity: String,
    /// Free capacity known to be there.
    pub fact_free_capacity: String,
    /// Free capacity known not to be there.
    pub fact_no_free_capacity: String,
}

/// Frame agreements with a few suppliers and a warm backup.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrameAgreementsDef {
    /// At most this many frame-agreement suppliers.
    pub max_suppliers: usize,
    /// The warm backup's minimum share, percent.
    pub warm_backup_share: Decimal,
    /// Note naming the warm backup: `{candidate}`.
    pub keep_warm: String,
    /// Note when no backup is known.
    pub no_backup: String,
}

/// A single or a developed dual source.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SingleOrDualDef {
    /// At most this many partners.
    pub max_suppliers: usize,
    /// Note on the plan.
    pub note: String,
}

/// Bundling candidates for economic-opportunistic categories.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BundlingDef {
    /// At most this many candidates are named.
    pub max_candidates: usize,
    /// A candidate in words: `{supplier}`, `{categories}`, `{category}`.
    pub candidate: String,
}

/// Words of the partial-competition split.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SplitWordsDef {
    /// Note for a single-sourced category: `{candidate}`, `{background}`.
    pub single_source: String,
    /// Stands for the candidate when none is known.
    pub no_candidate: String,
}

/// Supply risks: thresholds and words.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RisksDef {
    /// Top-1 share from which a category is concentrated, percent.
    pub concentration_top_share: Decimal,
    /// Type ids for which concentration is a risk.
    pub concentration_types: Vec<String>,
    /// A supplier is a risk when its loss leaves this many categories unserved.
    pub supplier_loss_min_categories: usize,
    /// Criticality values for which a single economic-opportunistic source is no risk.
    pub single_source_ignore_criticality: Vec<String>,
    /// `{category}`, `{type}`, `{supplier}`.
    pub single_source: String,
    /// `{category}`, `{type}`, `{supplier}`, `{share}`, `{hhi}`.
    pub concentration: String,
    /// `{supplier}`, `{count}`, `{categories}`.
    pub supplier_loss: String,
    /// `{candidate}`.
    pub backup: String,
    /// When no backup candidate is known.
    pub no_backup: String,
    /// Why a qualified supplier is a candidate: `{category}`.
    pub qualified: String,
    /// Why a supplier of a related category is a candidate: `{related}`, `{group}`.
    pub related: String,
    /// Why a current supplier is a candidate: `{category}`, `{share}`.
    pub serving: String,
}

/// A guided sequence of actions for one exception.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GuideDef {
    /// Steps in order: `{supplier}`, `{categories}`, `{candidates}`, `{share}`.
    #[serde(default)]
    pub steps: Vec<String>,
    /// Stands for `{candidates}` when none is known.
    pub none_known: String,
    /// First step when free capacity is known to be there.
    #[serde(default)]
    pub free_capacity_yes: Option<String>,
    /// First step when free capacity is known not to be there.
    #[serde(default)]
    pub free_capacity_no: Option<String>,
    /// First step when free capacity is unknown.
    #[serde(default)]
    pub free_capacity_unknown: Option<String>,
    /// Capacity values of a supplier keen to grow with us.
    #[serde(default)]
    pub keen_capacity: Vec<String>,
    /// Below this share of the supplier's revenue our volumes are small for it.
    #[serde(default)]
    pub small_share: Option<Decimal>,
    /// Spend classes of a supplier that matters to us.
    #[serde(default)]
    pub important_classes: Vec<String>,
    /// Ways out, in the sources' order.
    #[serde(default)]
    pub ways: Vec<WayOutDef>,
    /// The closing warning.
    #[serde(default)]
    pub warning: Option<String>,
}

/// One way out of an exception.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WayOutDef {
    /// Stable id.
    pub id: String,
    /// The action: `{supplier}`, `{categories}`, `{candidates}`, `{share}`.
    pub text: String,
    /// What procura looks for to decide that the way fits.
    pub evidence: Evidence,
    /// Why it fits, when it does: `{share}`, `{class}`.
    pub fits: String,
}

/// Evidence that a way out fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// Another supplier interested in our volumes, with a keen capacity.
    KeenSupplier,
    /// We are a small share of the supplier's revenue.
    SmallShare,
    /// The supplier is in an important spend class.
    Important,
    /// Nothing procura can read.
    None,
}

/// Scorecard review: scale, thresholds and words.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScorecardDef {
    /// Lowest score.
    pub scale_min: Decimal,
    /// Highest score.
    pub scale_max: Decimal,
    /// Important from this importance up.
    pub important_from: Decimal,
    /// Met or exceeded from this performance up.
    pub met_from: Decimal,
    /// Quadrant: important and exceeded. `{supplier}`, `{criterion}`.
    pub leverage: String,
    /// Quadrant: important and missed.
    pub act: String,
    /// Quadrant: unimportant and missed.
    pub status_quo: String,
    /// Quadrant: unimportant and exceeded.
    pub move_resources: String,
    /// The action for an "act" cell: `{supplier}`, `{criterion}`, `{importance}`, `{performance}`.
    pub act_action: String,
}

/// A problem in the advice tables: a snippet of the file to point at (e.g. `key =` or a
/// table header) and what is wrong.
pub(crate) struct AdviceProblem {
    /// Text to find in the rule file for the line and column.
    pub needle: String,
    /// What is wrong and what was expected.
    pub message: String,
}

fn problem(needle: impl Into<String>, message: String) -> Result<(), AdviceProblem> {
    Err(AdviceProblem {
        needle: needle.into(),
        message,
    })
}

fn percent_key(table: &str, key: &str, v: Decimal) -> Result<(), AdviceProblem> {
    if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
        return problem(
            format!("{key} ="),
            format!("`{table}.{key}` is {v}: expected a percentage from 0 to 100"),
        );
    }
    Ok(())
}

/// Checks what serde cannot in the advice: ranges, and references to types, exceptions and
/// bonds. `recommendations` are by type id; `exceptions` are the exception ids.
pub(crate) fn check_advice(
    advice: &AdviceDef,
    split: &SplitDef,
    recommendations: &[(&str, &RecommendationDef)],
    exceptions: &[&str],
) -> Result<(), AdviceProblem> {
    let p = &advice.period;
    if p.year_min_days > p.year_max_days {
        return problem(
            "year-min-days =",
            format!(
                "`advice.period.year-min-days` ({}) is above `year-max-days` ({}): expected a range of days",
                p.year_min_days, p.year_max_days
            ),
        );
    }
    percent_key(
        "splits.partial-competition",
        "backup-max-share",
        split.backup_max_share,
    )?;
    percent_key(
        "advice.frame-agreements",
        "warm-backup-share",
        advice.frame_agreements.warm_backup_share,
    )?;
    percent_key(
        "advice.risks",
        "concentration-top-share",
        advice.risks.concentration_top_share,
    )?;
    for (table, key, n) in [
        (
            "advice.frame-agreements",
            "max-suppliers",
            advice.frame_agreements.max_suppliers,
        ),
        (
            "advice.single-or-dual",
            "max-suppliers",
            advice.single_or_dual.max_suppliers,
        ),
        (
            "advice.risks",
            "supplier-loss-min-categories",
            advice.risks.supplier_loss_min_categories,
        ),
    ] {
        if n == 0 {
            return problem(
                format!("[{table}]"),
                format!("`{table}.{key}` is 0: expected at least 1"),
            );
        }
    }
    for t in &advice.risks.concentration_types {
        if !recommendations.iter().any(|(id, _)| id == t) {
            let ids: Vec<&str> = recommendations.iter().map(|(id, _)| *id).collect();
            return problem(
                "concentration-types =",
                format!(
                    "`advice.risks.concentration-types` names unknown type `{t}`: expected one of {}",
                    ids.join(", ")
                ),
            );
        }
    }
    for id in advice.guides.keys() {
        if !exceptions.contains(&id.as_str()) {
            return problem(
                format!("[advice.guides.{id}]"),
                format!(
                    "`advice.guides.{id}` is a guide for an unknown exception: expected one of {}",
                    exceptions.join(", ")
                ),
            );
        }
    }
    for (tid, r) in recommendations {
        for bond in r.bond_actions.keys() {
            if !r.bonds.contains(bond) {
                return problem(
                    format!("[recommendations.{tid}]"),
                    format!(
                        "`recommendations.{tid}.bond-actions` has an action for `{bond}`, which is not among its bonds ({})",
                        r.bonds.join(", ")
                    ),
                );
            }
        }
    }
    let s = &advice.scorecard;
    if s.scale_min >= s.scale_max
        || !(s.scale_min..=s.scale_max).contains(&s.important_from)
        || !(s.scale_min..=s.scale_max).contains(&s.met_from)
    {
        return problem(
            "[advice.scorecard]",
            format!(
                "`advice.scorecard`: expected scale-min < scale-max and both thresholds on the scale (scale {}–{}, important-from {}, met-from {})",
                s.scale_min, s.scale_max, s.important_from, s.met_from
            ),
        );
    }
    Ok(())
}

#[cfg(test)]
mod advice_tests {
    use crate::rules::{DEFAULT_RULES, RuleSet, RulesError};
    use std::path::Path;

    /// The message of the one error the edit causes (every error is positioned).
    fn with(replace: &str, by: &str) -> Result<RuleSet, String> {
        assert!(DEFAULT_RULES.contains(replace), "{replace}");
        RuleSet::from_toml(&DEFAULT_RULES.replace(replace, by), Path::new("r.toml")).map_err(
            |e: RulesError| {
                let errors: Vec<_> = e.errors().collect();
                assert_eq!(errors.len(), 1, "{e}");
                assert!(errors[0].line > 1, "{e}");
                errors[0].message.clone()
            },
        )
    }

    #[test]
    fn advice_numbers_and_references_are_checked_with_their_position() {
        let e = with("warm-backup-share = 5", "warm-backup-share = 500").expect_err("range");
        assert!(e.contains("`advice.frame-agreements.warm-backup-share` is 500"));
        let e = with(
            "concentration-types = [\"partial-competition\"",
            "concentration-types = [\"partial-competiton\"",
        )
        .expect_err("unknown type");
        assert!(e.contains("unknown type `partial-competiton`"), "{e}");
        let e = with("[advice.guides.no-bidders]", "[advice.guides.no-bidder]")
            .expect_err("unknown exception");
        assert!(e.contains("unknown exception"), "{e}");
        let e = with("year-min-days = 335", "year-min-days = 400").expect_err("days");
        assert!(e.contains("year-min-days"));
        let e = with("met-from = 3", "met-from = 7").expect_err("scale");
        assert!(e.contains("advice.scorecard"));
        let e = with(
            "bond-actions = { financial = \"Financial bond: fix prices",
            "bond-actions = { structural = \"x\", financial = \"Financial bond: fix prices",
        )
        .expect_err("bond not of the type");
        assert!(e.contains("`structural`"), "{e}");
    }
}
