//! The rule file as written: serde structs that mirror `rules/default.toml`.
//!
//! Unknown keys are rejected (`deny_unknown_fields`) so that a typo is an error.

use crate::abc::BoundaryConvention;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole file as parsed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRules {
    pub version: u32,
    pub abc: RawAbc,
    #[serde(default)]
    pub facts: BTreeMap<String, FactDef>,
    pub criteria: Vec<RawCriterion>,
    pub classification: ClassificationDef,
    pub types: Vec<RawType>,
    #[serde(default)]
    pub exceptions: Vec<RawException>,
    pub methods: BTreeMap<String, MethodDef>,
    pub volume_bands: VolumeBandsDef,
    pub recommendations: BTreeMap<String, RecommendationDef>,
    pub splits: RawSplits,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawAbc {
    pub a_cutoff: f64,
    pub b_cutoff: f64,
    #[serde(default)]
    pub boundary: BoundaryConvention,
}

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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawCriterion {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub question: Option<String>,
    pub values: Vec<String>,
    #[serde(default)]
    pub profile_key: Option<String>,
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub derive: Vec<RawDerive>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawDerive {
    pub when: String,
    pub value: String,
    #[serde(default)]
    pub why: Option<String>,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawType {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub also_called: Vec<String>,
    #[serde(default)]
    pub motto: String,
    pub profile: BTreeMap<String, Vec<String>>,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawException {
    pub id: String,
    pub title: String,
    pub scope: ExceptionScope,
    pub when: String,
    #[serde(default)]
    pub set: Option<String>,
    #[serde(default)]
    pub at_least: Option<String>,
    #[serde(default)]
    pub at_most: Option<String>,
    #[serde(default)]
    pub step_up: Option<u8>,
    #[serde(default)]
    pub explain: String,
    #[serde(default)]
    pub actions: Vec<String>,
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

    pub(crate) fn all(&self) -> impl Iterator<Item = &String> {
        self.small.iter().chain(&self.medium).chain(&self.large)
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
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawSplits {
    pub partial_competition: SplitDef,
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
}
