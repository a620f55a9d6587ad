//! Profiles: what the buyer knows about categories and suppliers that the ledger cannot
//! say (criticality, the supply market, the supplier's interest in our volumes…).
//!
//! A TOML file with `[categories.ID]`, `[suppliers.ID]` and
//! `[suppliers.ID.categories.ID]` tables. Every key must be a fact declared in the rules
//! (`[facts.*]`) or the `profile-key` of a criterion, with a value of the right kind, so
//! that a typo is an error rather than a silently ignored fact.

use crate::rules::expr::{Value, canonical_id};
use crate::rules::{FactAbout, FactKind, RuleSet, line_col};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Facts about one category, supplier, or supplier in one category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FactSet {
    /// Single-valued facts by canonical id.
    pub values: BTreeMap<String, Value>,
    /// List facts by canonical id.
    pub lists: BTreeMap<String, Vec<String>>,
}

impl FactSet {
    /// A fact's value.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.values.get(id)
    }

    /// A text fact.
    pub fn text(&self, id: &str) -> Option<&str> {
        match self.values.get(id) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// A list fact (empty when absent).
    pub fn list(&self, id: &str) -> &[String] {
        self.lists.get(id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// What the profiles file says about one supplier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SupplierProfile {
    /// Facts about the supplier.
    pub facts: FactSet,
    /// Facts about the supplier in one category, by category id.
    pub categories: BTreeMap<String, FactSet>,
}

/// The profiles file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Profiles {
    /// Where it came from (empty when there is none).
    pub source: String,
    /// Facts per category id.
    pub categories: BTreeMap<String, FactSet>,
    /// Facts per supplier id.
    pub suppliers: BTreeMap<String, SupplierProfile>,
}

/// A problem in a profiles file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct ProfilesError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line and column, where known.
    pub location: Option<(usize, usize)>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Profiles {
    /// Reads a profiles file, checking it against the rules.
    pub fn from_path(path: &Path, rules: &RuleSet) -> Result<Profiles, ProfilesError> {
        let text = std::fs::read_to_string(path).map_err(|e| ProfilesError {
            file: path.to_path_buf(),
            location: None,
            message: format!("cannot read the profiles file: {e}"),
        })?;
        Profiles::from_toml(&text, path, rules)
    }

    /// Parses profiles text, checking it against the rules; `file` names it in errors.
    pub fn from_toml(text: &str, file: &Path, rules: &RuleSet) -> Result<Profiles, ProfilesError> {
        let err = |location: Option<(usize, usize)>, message: String| ProfilesError {
            file: file.to_path_buf(),
            location,
            message,
        };
        let doc: toml::Table = toml::from_str(text).map_err(|e| {
            err(
                e.span().map(|s| line_col(text, s.start)),
                e.message().trim().to_string(),
            )
        })?;
        let mut out = Profiles {
            source: file.display().to_string(),
            ..Profiles::default()
        };
        let checker = Checker { rules, text, file };
        for (key, value) in doc {
            match key.as_str() {
                "categories" => {
                    for (cid, facts) in table(&value, &key, &checker)? {
                        let set = checker.fact_set(facts, Scope::Category, cid)?;
                        out.categories.insert(cid.clone(), set);
                    }
                }
                "suppliers" => {
                    for (sid, facts) in table(&value, &key, &checker)? {
                        let mut profile = SupplierProfile::default();
                        let mut own = toml::Table::new();
                        for (k, v) in table(facts, sid, &checker)? {
                            if k == "categories" {
                                for (cid, f) in table(v, k, &checker)? {
                                    let set = checker.fact_set(f, Scope::Pair, cid)?;
                                    profile.categories.insert(cid.clone(), set);
                                }
                            } else {
                                own.insert(k.clone(), v.clone());
                            }
                        }
                        profile.facts =
                            checker.fact_set(&toml::Value::Table(own), Scope::Supplier, sid)?;
                        out.suppliers.insert(sid.clone(), profile);
                    }
                }
                other => {
                    return Err(err(
                        checker.locate(other),
                        format!("unknown table `{other}`: expected `categories` or `suppliers`"),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Facts for a (supplier, category) pair, most specific first: the pair's own, then the
    /// supplier's, then the category's.
    pub fn layers<'a>(
        &'a self,
        supplier: Option<&str>,
        category: Option<&str>,
    ) -> Vec<(Layer, &'a FactSet)> {
        let mut out = Vec::new();
        if let Some(s) = supplier.and_then(|s| self.suppliers.get(s)) {
            if let Some(c) = category.and_then(|c| s.categories.get(c)) {
                out.push((Layer::SupplierCategory, c));
            }
            out.push((Layer::Supplier, &s.facts));
        }
        if let Some(c) = category.and_then(|c| self.categories.get(c)) {
            out.push((Layer::Category, c));
        }
        out
    }
}

/// Which part of the profiles file a fact came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// `[suppliers.S.categories.C]`
    SupplierCategory,
    /// `[suppliers.S]`
    Supplier,
    /// `[categories.C]`
    Category,
}

impl Layer {
    /// Words for the explanation.
    pub fn describe(self) -> &'static str {
        match self {
            Layer::SupplierCategory => "profile of the supplier in this category",
            Layer::Supplier => "supplier profile",
            Layer::Category => "category profile",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Category,
    Supplier,
    Pair,
}

struct Checker<'a> {
    rules: &'a RuleSet,
    text: &'a str,
    file: &'a Path,
}

fn table<'v>(
    v: &'v toml::Value,
    key: &str,
    c: &Checker<'_>,
) -> Result<&'v toml::Table, ProfilesError> {
    v.as_table().ok_or_else(|| ProfilesError {
        file: c.file.to_path_buf(),
        location: c.locate(key),
        message: format!("`{key}` must be a table"),
    })
}

impl Checker<'_> {
    fn locate(&self, key: &str) -> Option<(usize, usize)> {
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let t = line.trim_start();
            let hit = t
                .strip_prefix(key)
                .map(|r| r.trim_start().starts_with('='))
                .unwrap_or(false)
                || (t.starts_with('[') && t.contains(key));
            if hit {
                return Some(line_col(self.text, offset + line.len() - t.len()));
            }
            offset += line.len();
        }
        None
    }

    fn fact_set(
        &self,
        v: &toml::Value,
        scope: Scope,
        owner: &str,
    ) -> Result<FactSet, ProfilesError> {
        let err = |key: &str, message: String| ProfilesError {
            file: self.file.to_path_buf(),
            location: self.locate(key),
            message: format!("{owner}: {message}"),
        };
        let mut set = FactSet::default();
        for (raw_key, value) in table(v, owner, self)? {
            let key = canonical_id(raw_key);
            if let Some(c) = self
                .rules
                .criteria
                .iter()
                .find(|c| c.profile_key.as_deref() == Some(key.as_str()))
            {
                let Some(s) = value.as_str() else {
                    return Err(err(
                        raw_key,
                        format!("`{raw_key}` must be text, one of {}", c.values.join(", ")),
                    ));
                };
                if !c.values.iter().any(|x| x == s) {
                    return Err(err(
                        raw_key,
                        format!(
                            "`{raw_key}` is {s:?}: expected one of {}",
                            c.values.join(", ")
                        ),
                    ));
                }
                set.values.insert(key, Value::Text(s.to_string()));
                continue;
            }
            let Some(def) = self.rules.facts.get(&key) else {
                let mut known: Vec<String> = self.rules.facts.keys().cloned().collect();
                known.extend(
                    self.rules
                        .criteria
                        .iter()
                        .filter_map(|c| c.profile_key.clone()),
                );
                known.sort();
                let hint = crate::suggest::did_you_mean(&key, known.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                return Err(err(
                    raw_key,
                    format!(
                        "unknown fact `{raw_key}`: {hint}expected one of {}",
                        known.join(", ")
                    ),
                ));
            };
            let fits = matches!(
                (def.about, scope),
                (FactAbout::Both, _)
                    | (_, Scope::Pair)
                    | (FactAbout::Category, Scope::Category)
                    | (FactAbout::Supplier, Scope::Supplier)
            );
            if !fits {
                return Err(err(
                    raw_key,
                    format!(
                        "`{raw_key}` describes a {}, it cannot be given here",
                        if def.about == FactAbout::Category {
                            "category"
                        } else {
                            "supplier"
                        }
                    ),
                ));
            }
            let kind_err = |what: &str| err(raw_key, format!("`{raw_key}` must be {what}"));
            match def.kind {
                FactKind::Text => {
                    let s = value.as_str().ok_or_else(|| kind_err("text"))?;
                    if !def.values.is_empty() && !def.values.iter().any(|x| x == s) {
                        return Err(err(
                            raw_key,
                            format!(
                                "`{raw_key}` is {s:?}: expected one of {}",
                                def.values.join(", ")
                            ),
                        ));
                    }
                    set.values.insert(key, Value::Text(s.to_string()));
                }
                FactKind::YesNo => {
                    let b = value.as_bool().ok_or_else(|| kind_err("true or false"))?;
                    set.values.insert(key, Value::Bool(b));
                }
                FactKind::Number => {
                    let n = match value {
                        toml::Value::Integer(i) => Some(Decimal::from(*i)),
                        toml::Value::Float(f) if f.is_finite() => {
                            Decimal::from_str(&f.to_string()).ok()
                        }
                        _ => None,
                    }
                    .ok_or_else(|| kind_err("a finite number"))?;
                    set.values.insert(key, Value::Number(n));
                }
                FactKind::List => {
                    let items = value
                        .as_array()
                        .and_then(|a| {
                            a.iter()
                                .map(|x| x.as_str().map(str::to_string))
                                .collect::<Option<Vec<_>>>()
                        })
                        .ok_or_else(|| kind_err("a list of texts"))?;
                    set.lists.insert(key, items);
                }
            }
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Profiles, ProfilesError> {
        let rules = RuleSet::default_rules().expect("rules");
        Profiles::from_toml(text, Path::new("p.toml"), &rules)
    }

    #[test]
    fn reads_categories_suppliers_and_pairs() {
        let p = load(
            "[categories.RAW-MEAT]\ncriticality = \"critical\"\nsuppliers_in_market = 2\nqualified-suppliers = [\"S-9\"]\n\n[suppliers.S-1]\nour_share_of_supplier_revenue = 0.4\ninterested_in_our_volume = false\n\n[suppliers.S-1.categories.RAW-MEAT]\nsupply_risk = \"high\"\n",
        )
        .expect("loads");
        let c = &p.categories["RAW-MEAT"];
        assert_eq!(c.text("criticality"), Some("critical"));
        assert_eq!(c.get("suppliers-in-market"), Some(&Value::Number(2.into())));
        assert_eq!(c.list("qualified-suppliers"), ["S-9"]);
        let s = &p.suppliers["S-1"];
        assert_eq!(
            s.facts.get("our-share-of-supplier-revenue"),
            Some(&Value::Number(Decimal::new(4, 1)))
        );
        assert_eq!(s.categories["RAW-MEAT"].text("supply-risk"), Some("high"));
        let layers = p.layers(Some("S-1"), Some("RAW-MEAT"));
        assert_eq!(
            layers.iter().map(|l| l.0).collect::<Vec<_>>(),
            [Layer::SupplierCategory, Layer::Supplier, Layer::Category]
        );
    }

    #[test]
    fn typos_and_wrong_values_are_errors_with_lines() {
        let e = load("[categories.X]\ncriticalty = \"core\"\n").expect_err("typo");
        assert_eq!(e.location.map(|l| l.0), Some(2));
        assert!(
            e.message.contains("did you mean `criticality`"),
            "{}",
            e.message
        );
        let e = load("[categories.X]\ncriticality = \"vital\"\n").expect_err("value");
        assert!(
            e.message.contains("expected one of non-critical, core"),
            "{}",
            e.message
        );
        let e = load("[suppliers.S]\nsuppliers_in_market = 3\n").expect_err("scope");
        assert!(e.message.contains("describes a category"), "{}", e.message);
        let e = load("[categories.X]\nmonopoly_behaviour = \"yes\"\n").expect_err("kind");
        assert!(e.message.contains("true or false"), "{}", e.message);
    }
}
