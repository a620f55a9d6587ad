//! From layered rule files to a checked [`RuleSet`], collecting every problem on the way.

use super::diagnostic::{Diagnostic, RuleSource, Severity, line_col};
use super::expr::{self, CmpOp, Expr, Value};
use super::model::*;
use super::tree::{self, Item, Node, Origin};
use super::{Criterion, DATA_FACTS, DeriveRule, Exception, ExceptionEffect, RuleSet, TypeDef};
use crate::abc::{BoundaryConvention, Cutoffs};
use crate::relationship::RelationshipType;
use crate::suggest::did_you_mean;
use petgraph::graph::{DiGraph, NodeIndex};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Range;
use std::str::FromStr;

/// The values of a criterion that can be read as yes/no in conditions: a criterion whose
/// values are exactly these two may be used as `strategic-item` or `!strategic-item`.
const YES_NO: [&str; 2] = ["yes", "no"];

/// The result of checking layered rule files: the rules when they are usable, every
/// diagnostic, and the effective (layered) tree for `procura rules show`.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The rules, when there is no error.
    pub rules: Option<RuleSet>,
    /// Every problem found, in file order (the sources' order, then line, then column).
    pub diagnostics: Vec<Diagnostic>,
    /// The files, in layering order.
    pub sources: Vec<RuleSource>,
    /// The layered tree.
    pub effective: Item,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The effective rules as TOML, each value with the file and line it came from.
    pub fn show(&self) -> String {
        tree::show(&self.effective, &self.sources)
    }
}

/// Parses every source, layers them in order (the first is the base), checks the result
/// against the schema and compiles it, collecting every diagnostic. No source at all means
/// the shipped default.
pub fn check(sources: Vec<RuleSource>) -> Checked {
    let sources = if sources.is_empty() {
        vec![RuleSource::default_rules()]
    } else {
        sources
    };
    let mut diags = Vec::new();
    let mut effective: Option<Item> = None;
    for (i, s) in sources.iter().enumerate() {
        let t = tree::parse(s, i, &mut diags);
        match &mut effective {
            None => effective = Some(t),
            Some(base) => tree::merge(base, t, &sources, &mut diags),
        }
    }
    let effective = effective.unwrap_or(Item {
        node: Node::Table(Vec::new()),
        origin: Origin {
            file: 0,
            span: 0..0,
        },
    });
    super::schema::check(&effective, &sources, &mut diags);
    let mut c = Compiler {
        sources: &sources,
        diags,
    };
    let rules = c.compile(&effective);
    let mut diags = c.diags;
    tidy(&mut diags, &sources);
    let rules = rules.map(|mut r| {
        r.source = sources
            .iter()
            .map(|s| s.name.display().to_string())
            .collect::<Vec<_>>()
            .join(" + ");
        r.warnings = diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .cloned()
            .collect();
        r
    });
    Checked {
        rules,
        diagnostics: diags,
        sources,
        effective,
    }
}

/// Orders diagnostics by file and position, drops exact duplicates, and drops follow-up
/// problems on a line that already has a TOML syntax error (parsing recovered there, so what
/// follows on that line is noise).
fn tidy(diags: &mut Vec<Diagnostic>, sources: &[RuleSource]) {
    let file_index = |d: &Diagnostic| {
        sources
            .iter()
            .position(|s| s.name == d.file)
            .unwrap_or(usize::MAX)
    };
    let syntax: BTreeSet<(usize, usize)> = diags
        .iter()
        .filter(|d| d.code == "toml-syntax")
        .map(|d| (file_index(d), d.line))
        .collect();
    diags.retain(|d| {
        matches!(d.code, "toml-syntax" | "duplicate-key")
            || !syntax.contains(&(file_index(d), d.line))
    });
    // A table whose name is wrong (`[recommendations.partnershp]`) is not also missing keys.
    let misnamed: Vec<(std::path::PathBuf, Range<usize>)> = diags
        .iter()
        .filter(|d| d.code == "unknown-type")
        .map(|d| (d.file.clone(), d.span.clone()))
        .collect();
    diags.retain(|d| {
        d.code != "missing-key"
            || !misnamed
                .iter()
                .any(|(f, s)| *f == d.file && d.span.start <= s.start && s.end <= d.span.end)
    });
    diags.sort_by(|a, b| {
        (
            file_index(a),
            a.span.start,
            a.line,
            a.column,
            a.code,
            &a.message,
        )
            .cmp(&(
                file_index(b),
                b.span.start,
                b.line,
                b.column,
                b.code,
                &b.message,
            ))
    });
    diags.dedup();
}

struct Compiler<'a> {
    sources: &'a [RuleSource],
    diags: Vec<Diagnostic>,
}

/// What conditions may name.
struct Names<'a> {
    /// Criterion id → its values.
    criteria: BTreeMap<String, Vec<String>>,
    facts: &'a BTreeMap<String, FactDef>,
}

impl Names<'_> {
    fn known(&self, name: &str) -> bool {
        self.criteria.contains_key(name)
            || self.facts.contains_key(name)
            || DATA_FACTS.iter().any(|(f, _)| *f == name)
    }

    fn all(&self) -> Vec<&str> {
        self.criteria
            .keys()
            .map(String::as_str)
            .chain(self.facts.keys().map(String::as_str))
            .chain(DATA_FACTS.iter().map(|(f, _)| *f))
            .collect()
    }

    /// The values a name may be compared with, when it has a closed set of them.
    fn values(&self, name: &str) -> Option<&[String]> {
        if let Some(v) = self.criteria.get(name) {
            return Some(v);
        }
        self.facts
            .get(name)
            .filter(|f| f.kind == FactKind::Text && !f.values.is_empty())
            .map(|f| f.values.as_slice())
    }

    fn is_yes_no(&self, name: &str) -> bool {
        self.criteria.get(name).is_some_and(|v| is_yes_no(v))
    }
}

fn is_yes_no(values: &[String]) -> bool {
    values.len() == 2 && YES_NO.iter().all(|w| values.iter().any(|v| v == w))
}

/// Whether an id is kebab-case: lower-case letters and digits in words joined by `-`.
fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn kebab(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

impl Compiler<'_> {
    fn push(
        &mut self,
        severity: Severity,
        origin: &Origin,
        span: Range<usize>,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        if let Some(src) = self.sources.get(origin.file) {
            self.diags.push(tree::at(
                src,
                origin.file,
                span,
                severity,
                code,
                message,
                hint,
            ));
        }
    }

    fn err(&mut self, item: &Item, code: &'static str, message: String, hint: Option<String>) {
        self.push(
            Severity::Error,
            &item.origin,
            item.origin.span.clone(),
            code,
            message,
            hint,
        );
    }

    fn line(&self, origin: &Origin) -> usize {
        self.sources
            .get(origin.file)
            .map(|s| line_col(&s.text, origin.span.start).0)
            .unwrap_or(0)
    }

    /// "line 12" or "company.toml line 12" when the place is in another file than `here`.
    fn place(&self, origin: &Origin, here: &Origin) -> String {
        let line = self.line(origin);
        match self.sources.get(origin.file) {
            Some(s) if origin.file != here.file => format!("{} line {line}", s.name.display()),
            _ => format!("line {line}"),
        }
    }

    /// Builds a public definition with serde. Where the schema has checked the shape already,
    /// serde agrees; in a section the schema leaves to serde ([`Shape::Opaque`]), serde's
    /// error is turned into a positioned diagnostic (its message names the key path).
    ///
    /// [`Shape::Opaque`]: super::schema::Shape::Opaque
    fn build<T: DeserializeOwned>(&mut self, item: &Item, what: &str) -> Option<T> {
        match item.to_value().try_into::<T>() {
            Ok(t) => Some(t),
            Err(e) => {
                if !self.has_errors_within(item) {
                    self.serde_error(item, what, &e.to_string());
                }
                None
            }
        }
    }

    /// Whether an error was already reported on a line inside `item` (then serde's error would
    /// only repeat it).
    fn has_errors_within(&self, item: &Item) -> bool {
        let lines: BTreeSet<(std::path::PathBuf, usize)> = self
            .diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.file.clone(), d.line))
            .collect();
        let mut stack = vec![item];
        while let Some(i) = stack.pop() {
            let here = |o: &Origin| {
                self.sources
                    .get(o.file)
                    .is_some_and(|s| lines.contains(&(s.name.clone(), self.line(o))))
            };
            if here(&i.origin) {
                return true;
            }
            match &i.node {
                Node::Table(entries) => {
                    for e in entries {
                        if here(&e.key_origin) {
                            return true;
                        }
                        stack.push(&e.value);
                    }
                }
                Node::Array(a) => stack.extend(a.iter()),
                _ => {}
            }
        }
        false
    }

    /// Reports a serde error (`message\nin `a.b``) at the key it names.
    fn serde_error(&mut self, item: &Item, what: &str, text: &str) {
        let (message, path) = match text.trim().rsplit_once("\nin `") {
            Some((m, p)) => (m.trim().to_string(), p.trim_end_matches('`').to_string()),
            None => (text.trim().to_string(), String::new()),
        };
        // The deepest node the path reaches.
        let mut node = item;
        let mut full = what.to_string();
        for seg in path.split('.').filter(|s| !s.is_empty()) {
            match node.get(seg) {
                Some(next) => {
                    node = next;
                    full = format!("{full}.{seg}");
                }
                None => break,
            }
        }
        let quoted = |m: &str, prefix: &str| {
            m.strip_prefix(prefix)
                .and_then(|r| r.split('`').next())
                .map(String::from)
        };
        if let Some(key) = quoted(&message, "unknown field `") {
            let expected: Vec<String> = message
                .split_once("expected")
                .map(|(_, list)| {
                    list.split('`')
                        .skip(1)
                        .step_by(2)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            let hint = match did_you_mean(&key, expected.iter().map(String::as_str)) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("the keys of [{full}] are: {}", expected.join(", ")),
            };
            let (origin, span) = node
                .entry(&key)
                .map(|e| (e.key_origin.clone(), e.key_origin.span.clone()))
                .unwrap_or_else(|| (node.origin.clone(), node.origin.span.clone()));
            self.push(
                Severity::Error,
                &origin,
                span,
                "unknown-key",
                format!("unknown key `{key}` in [{full}]"),
                Some(hint),
            );
        } else if let Some(key) = quoted(&message, "missing field `") {
            self.err(
                node,
                "missing-key",
                format!("[{full}] has no `{key}`"),
                Some(format!("add `{key}`; rules/README.md describes every key")),
            );
        } else {
            self.err(node, "wrong-type", format!("`{full}`: {message}"), None);
        }
    }

    /// A number as an exact decimal; `nan` and `inf` (legal TOML) are refused.
    fn decimal(&mut self, item: &Item, path: &str) -> Option<Decimal> {
        match &item.node {
            Node::Int(i) => Some(Decimal::from(*i)),
            Node::Float(raw) => {
                let s = raw.replace('_', "");
                if s.contains("nan") || s.contains("inf") {
                    self.err(
                        item,
                        "not-finite",
                        format!("`{path}` is {raw}: expected a finite number"),
                        Some("nan and inf are valid TOML but not a usable value here: write a number such as 80".into()),
                    );
                    return None;
                }
                let d = Decimal::from_str(&s)
                    .or_else(|_| Decimal::from_scientific(&s))
                    .ok();
                if d.is_none() {
                    self.err(
                        item,
                        "out-of-range",
                        format!("`{path}` is {raw}: the number is too large or too precise"),
                        None,
                    );
                }
                d.map(|d| d.normalize())
            }
            _ => None,
        }
    }

    fn compile(&mut self, root: &Item) -> Option<RuleSet> {
        let version_ok = match root.get("version") {
            Some(
                v @ Item {
                    node: Node::Int(n), ..
                },
            ) if *n != 1 => {
                self.err(
                    v,
                    "unsupported-version",
                    format!("rule-file version {n} is not supported: expected 1"),
                    Some("write version = 1".into()),
                );
                false
            }
            _ => true,
        };
        let cutoffs = root.get("abc").and_then(|abc| self.cutoffs(abc));
        let boundary = root
            .get("abc")
            .and_then(|a| a.get("boundary"))
            .map(|b| self.build::<BoundaryConvention>(b, "abc.boundary"))
            .unwrap_or(Some(BoundaryConvention::default()));

        let facts: BTreeMap<String, FactDef> = root
            .get("facts")
            .map(|f| f.entries().to_vec())
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                let id = expr::canonical_id(&e.key);
                self.check_id(&e.key, &e.key_origin, "fact");
                self.build::<FactDef>(&e.value, &format!("facts.{}", e.key))
                    .map(|f| (id, f))
            })
            .collect();

        let empty = Item {
            node: Node::Array(Vec::new()),
            origin: root.origin.clone(),
        };
        let criteria_items = root.get("criteria").unwrap_or(&empty).elements().to_vec();
        // First pass: ids and values, so that conditions can refer to any criterion.
        let mut names = Names {
            criteria: BTreeMap::new(),
            facts: &facts,
        };
        let mut first_seen: BTreeMap<String, Origin> = BTreeMap::new();
        for c in &criteria_items {
            let (Some(id), Some(values)) = (c.str_at("id"), c.get("values")) else {
                continue;
            };
            let canonical = expr::canonical_id(id);
            let values: Vec<String> = values
                .elements()
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            if let Some(first) = first_seen.get(&canonical) {
                let place = self.place(first, &c.origin);
                let idi = c.get("id").unwrap_or(c);
                self.err(
                    idi,
                    "duplicate-id",
                    format!("criterion `{canonical}` is defined twice"),
                    Some(format!(
                        "the first definition is on {place}; merge the two into one entry"
                    )),
                );
                continue;
            }
            first_seen.insert(
                canonical.clone(),
                c.get("id").map(|i| i.origin.clone()).unwrap_or_default(),
            );
            names.criteria.insert(canonical, values);
        }
        let mut criteria = Vec::new();
        let mut criterion_origins: Vec<Origin> = Vec::new();
        let mut done: BTreeSet<String> = BTreeSet::new();
        for c in &criteria_items {
            let Some(id) = c.str_at("id") else { continue };
            let canonical = expr::canonical_id(id);
            if !done.insert(canonical.clone()) {
                continue;
            }
            if let Some(cr) = self.criterion(c, &canonical, &names) {
                criteria.push(cr);
                criterion_origins.push(c.get("id").map(|i| i.origin.clone()).unwrap_or_default());
            }
        }
        let criteria = self.order_criteria(criteria, &criterion_origins, &criteria_items);

        let types = self.types(root, &names);
        let exceptions = self.exceptions(root, &names);
        let classification = root
            .get("classification")
            .and_then(|c| self.build::<ClassificationDef>(c, "classification"));
        let methods = self.methods(root);
        let volume_bands = self.volume_bands(root);
        let recommendations = self.recommendations(root, &methods);
        let split = self.split(root);
        let advice = root
            .get("advice")
            .and_then(|a| self.build::<AdviceDef>(a, "advice"));
        if let (Some(advice), Some(split), Some(recommendations)) =
            (&advice, &split, &recommendations)
        {
            let by_id: Vec<(&str, &RecommendationDef)> =
                recommendations.iter().map(|(t, r)| (t.id(), r)).collect();
            // Every exception written, also one whose condition has an error of its own.
            let exception_ids: Vec<&str> = root
                .get("exceptions")
                .map(Item::elements)
                .unwrap_or_default()
                .iter()
                .filter_map(|x| x.str_at("id"))
                .collect();
            if let Err(p) = check_advice(advice, split, &by_id, &exception_ids) {
                self.at_needle(&p.needle, "invalid-advice", p.message);
            }
        }

        if let (Some(criteria), Some(types), Some(exceptions), Some(classification)) =
            (&criteria, &types, &exceptions, &classification)
            && version_ok
        {
            self.unreachable_types(criteria, types, exceptions, classification, root);
        }

        if self.diags.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
        Some(RuleSet {
            source: String::new(),
            cutoffs: cutoffs?,
            boundary: boundary?,
            facts,
            criteria: criteria?,
            types: types?,
            classification: classification?,
            exceptions: exceptions?,
            methods: methods?,
            volume_bands: volume_bands?,
            recommendations: recommendations?,
            split: split?,
            advice: advice?,
            warnings: Vec::new(),
        })
        .filter(|_| version_ok)
    }

    /// An error at the last place `needle` (e.g. `key =` or a table header) is written in
    /// the layered files: the file that set it last.
    fn at_needle(&mut self, needle: &str, code: &'static str, message: String) {
        let found = self.sources.iter().enumerate().rev().find_map(|(i, s)| {
            s.text
                .find(needle)
                .map(|o| (i, o..o + needle.trim_end_matches([' ', '=']).len()))
        });
        let (file, span) = found.unwrap_or((0, 0..0));
        let item = Item {
            node: Node::Bool(true),
            origin: Origin { file, span },
        };
        self.err(&item, code, message, None);
    }

    /// Ids appear in reports and must stay greppable: kebab-case. Criterion and fact ids are
    /// canonicalised first (`_` is `-` in conditions); other ids are used as written.
    fn check_id(&mut self, id: &str, origin: &Origin, what: &str) {
        let canonical = match what {
            "criterion" | "fact" => expr::canonical_id(id),
            _ => id.to_string(),
        };
        if !is_kebab(&canonical) {
            let span = origin.span.clone();
            self.push(
                Severity::Error,
                origin,
                span,
                "bad-id",
                format!("{what} id `{id}` is not kebab-case"),
                Some(format!(
                    "ids appear in reports and must stay greppable: lower-case words joined by `-`, e.g. `{}`",
                    kebab(id)
                )),
            );
        }
    }

    fn cutoffs(&mut self, abc: &Item) -> Option<Cutoffs> {
        let one = |me: &mut Self, key: &str| -> Option<(Decimal, &Item)> {
            let item = abc.get(key)?;
            let path = format!("abc.{key}");
            let v = me.decimal(item, &path)?;
            if v <= Decimal::ZERO || v > Decimal::ONE_HUNDRED {
                me.err(
                    item,
                    "cutoff-out-of-range",
                    format!("`{path}` is {v}: expected a percentage above 0 and at most 100"),
                    Some("cut-offs are percent of cumulative value, e.g. a-cutoff = 80, b-cutoff = 95".into()),
                );
                return None;
            }
            if v < Decimal::ONE {
                me.err(
                    item,
                    "cutoff-looks-like-fraction",
                    format!(
                        "`{path}` is {v}: cut-offs are in percent, and {v} % is surely not meant"
                    ),
                    Some(format!(
                        "did you mean {}? write {key} = {}",
                        (v * Decimal::ONE_HUNDRED).normalize(),
                        (v * Decimal::ONE_HUNDRED).normalize()
                    )),
                );
                return None;
            }
            Some((v, item))
        };
        let a = one(self, "a-cutoff");
        let b = one(self, "b-cutoff");
        let ((a, ai), (b, bi)) = (a?, b?);
        if a >= b {
            let place = self.place(&ai.origin, &bi.origin);
            self.err(
                bi,
                "cutoffs-not-increasing",
                format!("the B cut-off ({b}) must be above the A cut-off ({a})"),
                Some(format!(
                    "class B runs from the A cut-off ({place}) up to the B cut-off: e.g. a-cutoff = 80, b-cutoff = 95"
                )),
            );
            return None;
        }
        Some(Cutoffs { a, b })
    }

    fn criterion(&mut self, c: &Item, id: &str, names: &Names<'_>) -> Option<Criterion> {
        let id_item = c.get("id")?;
        self.check_id(id, &id_item.origin, "criterion");
        let values_item = c.get("values")?;
        let values: Vec<String> = values_item
            .elements()
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        if values.is_empty() {
            self.err(
                values_item,
                "empty-values",
                format!("criterion `{id}` has no values"),
                Some(
                    "list the values it can take, e.g. values = [\"low\", \"medium\", \"high\"]"
                        .into(),
                ),
            );
        }
        // A broken rule is left out and reported; the criterion is kept so that the checks
        // that follow (the criteria graph, reachability) still run.
        let check_value = |me: &mut Self, item: &Item, what: &str| {
            let Some(v) = item.as_str() else { return };
            if values.iter().any(|x| x == v) || values.is_empty() {
                return;
            }
            me.err(
                item,
                "unknown-criterion-value",
                format!(
                    "{what} `{v}` is not a value of criterion `{id}`: expected one of {}",
                    values.join(", ")
                ),
                Some(value_hint(v, &values)),
            );
        };
        if let Some(d) = c.get("default") {
            check_value(self, d, "default");
        }
        let mut derive = Vec::new();
        for r in c.get("derive").map(Item::elements).unwrap_or_default() {
            let Some(value) = r.get("value") else {
                continue;
            };
            check_value(self, value, "derived value");
            let Some(when) = r.get("when") else {
                continue;
            };
            let Some(expr) = self.condition(when, names, &format!("criterion `{id}`")) else {
                continue;
            };
            let when_text = when.as_str().unwrap_or_default().to_string();
            derive.push(DeriveRule {
                when: expr,
                value: value.as_str().unwrap_or_default().to_string(),
                why: r.str_at("why").unwrap_or(&when_text).to_string(),
                when_text,
            });
        }
        let weight = match c.get("weight") {
            None => Some(Decimal::ONE),
            Some(w) => match self.decimal(w, &format!("criteria.{id}.weight")) {
                Some(d) if d < Decimal::ZERO => {
                    self.err(
                        w,
                        "weight-negative",
                        format!("criterion `{id}` has weight {d}: expected a number ≥ 0"),
                        Some("0 keeps the criterion out of the type scores".into()),
                    );
                    Some(Decimal::ONE)
                }
                d => Some(d.unwrap_or(Decimal::ONE)),
            },
        };
        let name = c.str_at("name").map(String::from);
        Some(Criterion {
            id: id.to_string(),
            name: name?,
            question: c.str_at("question").unwrap_or_default().to_string(),
            values,
            profile_key: c.str_at("profile-key").map(expr::canonical_id),
            weight: weight?,
            default: c.str_at("default").map(String::from),
            derive,
        })
    }

    /// Maps a position inside a condition string to the file, when the string is written
    /// without escapes (otherwise the whole string is pointed at).
    fn inner_span(&self, item: &Item, range: (usize, usize)) -> Range<usize> {
        let span = item.origin.span.clone();
        let Some(content) = item.as_str() else {
            return span;
        };
        let raw = self
            .sources
            .get(item.origin.file)
            .and_then(|s| s.text.get(span.clone()))
            .unwrap_or("");
        if raw.len() == content.len() + 2 && raw.get(1..raw.len() - 1) == Some(content) {
            (span.start + 1 + range.0)..(span.start + 1 + range.1.max(range.0))
        } else {
            span
        }
    }

    /// Parses a condition and checks every name and every compared value in it.
    fn condition(&mut self, item: &Item, names: &Names<'_>, owner: &str) -> Option<Expr> {
        let text = item.as_str()?;
        let e: Expr = match text.parse() {
            Ok(e) => e,
            Err(err) => {
                let err: expr::ParseError = err;
                let span = self.inner_span(item, (err.offset, err.offset + 1));
                self.push(
                    Severity::Error,
                    &item.origin,
                    span,
                    "condition-syntax",
                    format!("the condition of {owner} does not parse: {}", err.message),
                    Some("conditions look like: quality == 'standardized' && suppliers-in-market <= 3; text values in single quotes".into()),
                );
                return None;
            }
        };
        let before = self.diags.len();
        for (name, range) in e.names() {
            if !names.known(name) {
                let span = self.inner_span(item, range);
                let hint = match did_you_mean(name, names.all().into_iter()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "a condition may read criteria, the facts under [facts] and the data facts listed in rules/README.md".into(),
                };
                self.push(
                    Severity::Error,
                    &item.origin,
                    span,
                    "unknown-name",
                    format!(
                        "the condition of {owner} reads `{name}`, which is neither a criterion nor a fact"
                    ),
                    Some(hint),
                );
            }
        }
        let e = self.rewrite(e, true, item, names, owner);
        (self.diags.len() == before).then_some(e)
    }

    /// Checks compared values against the names' values and lets yes/no criteria stand as
    /// conditions of their own (`strategic-item` means `strategic-item == 'yes'`).
    fn rewrite(
        &mut self,
        e: Expr,
        condition: bool,
        item: &Item,
        names: &Names<'_>,
        owner: &str,
    ) -> Expr {
        match e {
            Expr::Name { id, span } if condition => {
                if names.is_yes_no(&id) {
                    return Expr::Cmp(
                        Box::new(Expr::Name { id, span }),
                        CmpOp::Eq,
                        Box::new(Expr::Literal(Value::Text(YES_NO[0].into()))),
                    );
                }
                let what = if let Some(values) = names.criteria.get(&id) {
                    Some(format!("a criterion with the values {}", values.join(", ")))
                } else {
                    names
                        .facts
                        .get(&id)
                        .filter(|f| f.kind != FactKind::YesNo)
                        .map(|f| {
                            format!(
                                "a {} fact",
                                match f.kind {
                                    FactKind::Text => "text",
                                    FactKind::Number => "number",
                                    FactKind::List => "list",
                                    FactKind::YesNo => "yes/no",
                                }
                            )
                        })
                };
                if let Some(what) = what {
                    let example = names
                        .values(&id)
                        .and_then(|v| v.first())
                        .map(|v| format!("{id} == '{v}'"))
                        .unwrap_or_else(|| format!("{id} > 0"));
                    let s = self.inner_span(item, span);
                    self.push(
                        Severity::Error,
                        &item.origin,
                        s,
                        "condition-type",
                        format!(
                            "the condition of {owner} uses `{id}` as yes/no, but it is {what}"
                        ),
                        Some(format!(
                            "compare it, e.g. {example}; only yes/no facts and criteria with the values yes and no stand alone"
                        )),
                    );
                }
                Expr::Name { id, span }
            }
            Expr::Not(x) => Expr::Not(Box::new(self.rewrite(*x, true, item, names, owner))),
            Expr::And(a, b) => Expr::And(
                Box::new(self.rewrite(*a, true, item, names, owner)),
                Box::new(self.rewrite(*b, true, item, names, owner)),
            ),
            Expr::Or(a, b) => Expr::Or(
                Box::new(self.rewrite(*a, true, item, names, owner)),
                Box::new(self.rewrite(*b, true, item, names, owner)),
            ),
            Expr::Cmp(a, op, b) => {
                let (a, b) = (*a, *b);
                let (a, b) = match (&a, &b) {
                    (Expr::Name { id, .. }, Expr::Literal(Value::Bool(v)))
                        if names.is_yes_no(id) =>
                    {
                        (a.clone(), yes_no_literal(*v))
                    }
                    (Expr::Literal(Value::Bool(v)), Expr::Name { id, .. })
                        if names.is_yes_no(id) =>
                    {
                        (yes_no_literal(*v), b.clone())
                    }
                    _ => (a, b),
                };
                if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    self.check_compared(&a, std::slice::from_ref(&b), item, names, owner);
                    self.check_compared(&b, std::slice::from_ref(&a), item, names, owner);
                } else {
                    for side in [&a, &b] {
                        if let Expr::Name { id, span } = side
                            && let Some(values) = names.criteria.get(id)
                        {
                            let s = self.inner_span(item, *span);
                            self.push(
                                Severity::Error,
                                &item.origin,
                                s,
                                "condition-type",
                                format!(
                                    "the condition of {owner} orders `{id}` with <, <=, > or >=, but its values are words: {}",
                                    values.join(", ")
                                ),
                                Some(format!(
                                    "criteria are compared with ==, != or in [...], e.g. {id} in [{}]",
                                    values
                                        .iter()
                                        .rev()
                                        .take(2)
                                        .rev()
                                        .map(|v| format!("'{v}'"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )),
                            );
                        }
                    }
                }
                Expr::Cmp(
                    Box::new(self.rewrite(a, false, item, names, owner)),
                    op,
                    Box::new(self.rewrite(b, false, item, names, owner)),
                )
            }
            Expr::In {
                value,
                list,
                negated,
            } => {
                self.check_compared(&value, &list, item, names, owner);
                Expr::In {
                    value,
                    list,
                    negated,
                }
            }
            other => other,
        }
    }

    /// `name == 'x'` or `name in ['x', …]`: every text literal must be a value of the name.
    fn check_compared(
        &mut self,
        name: &Expr,
        others: &[Expr],
        item: &Item,
        names: &Names<'_>,
        owner: &str,
    ) {
        let Expr::Name { id, span } = name else {
            return;
        };
        let Some(values) = names.values(id) else {
            return;
        };
        for o in others {
            if let Expr::Literal(lit @ (Value::Number(_) | Value::Bool(_))) = o
                && names.criteria.contains_key(id)
            {
                let s = self.inner_span(item, *span);
                self.push(
                    Severity::Error,
                    &item.origin,
                    s,
                    "condition-type",
                    format!(
                        "the condition of {owner} compares `{id}` with {lit}, but its values are words: {}",
                        values.join(", ")
                    ),
                    Some(format!(
                        "compare it with one of its values in quotes, e.g. {id} == '{}'",
                        values.first().map(String::as_str).unwrap_or("")
                    )),
                );
                continue;
            }
            if let Expr::Literal(Value::Text(v)) = o
                && !values.contains(v)
            {
                let s = self.inner_span(item, *span);
                self.push(
                    Severity::Error,
                    &item.origin,
                    s,
                    "unknown-criterion-value",
                    format!(
                        "the condition of {owner} compares `{id}` with '{v}', which is not one of its values: {}",
                        values.join(", ")
                    ),
                    Some(value_hint(v, values)),
                );
            }
        }
    }

    /// Orders criteria so that each comes after every criterion its conditions read, with a
    /// petgraph dependency graph; every cycle is an error naming each member with its line.
    fn order_criteria(
        &mut self,
        criteria: Vec<Criterion>,
        origins: &[Origin],
        items: &[Item],
    ) -> Option<Vec<Criterion>> {
        let mut graph: DiGraph<usize, ()> = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..criteria.len()).map(|i| graph.add_node(i)).collect();
        let index: BTreeMap<&str, usize> = criteria
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        // reads[i]: the criteria criterion i reads, in declaration order.
        let mut reads: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); criteria.len()];
        for (i, c) in criteria.iter().enumerate() {
            for r in &c.derive {
                for (name, _) in r.when.names() {
                    if let Some(&j) = index.get(name) {
                        graph.update_edge(nodes[j], nodes[i], ());
                        reads[i].insert(j);
                    }
                }
            }
        }
        // Kahn's algorithm, always taking the earliest-declared ready criterion, so that the
        // evaluation order (and the explanation) follows the file wherever the graph allows.
        let mut indegree: Vec<usize> = nodes
            .iter()
            .map(|&n| {
                graph
                    .neighbors_directed(n, petgraph::Direction::Incoming)
                    .count()
            })
            .collect();
        let mut ready: BTreeSet<usize> = (0..nodes.len()).filter(|&i| indegree[i] == 0).collect();
        let mut order = Vec::with_capacity(nodes.len());
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for m in graph.neighbors_directed(nodes[i], petgraph::Direction::Outgoing) {
                let j = graph[m];
                indegree[j] -= 1;
                if indegree[j] == 0 {
                    ready.insert(j);
                }
            }
        }
        if order.len() == nodes.len() {
            let mut slots: Vec<Option<Criterion>> = criteria.into_iter().map(Some).collect();
            return Some(order.into_iter().filter_map(|i| slots[i].take()).collect());
        }
        self.report_cycles(&criteria, origins, items, &graph, &reads);
        // The declaration order, so that later checks still run; the cycle's error keeps the
        // rule set from being used.
        Some(criteria)
    }

    fn report_cycles(
        &mut self,
        criteria: &[Criterion],
        origins: &[Origin],
        items: &[Item],
        graph: &DiGraph<usize, ()>,
        reads: &[BTreeSet<usize>],
    ) {
        let mut sccs: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(graph)
            .into_iter()
            .map(|s| {
                let mut v: Vec<usize> = s.into_iter().map(|n| graph[n]).collect();
                v.sort();
                v
            })
            .filter(|s| s.len() > 1 || s.iter().any(|&i| reads[i].contains(&i)))
            .collect();
        sccs.sort();
        for scc in sccs {
            let cycle = shortest_cycle(scc[0], &scc, reads);
            let Some(origin) = origins.get(scc[0]) else {
                continue;
            };
            let mut words: Vec<String> = cycle
                .iter()
                .map(|&i| {
                    format!(
                        "`{}` ({})",
                        criteria[i].id,
                        origins
                            .get(i)
                            .map(|o| self.place(o, origin))
                            .unwrap_or_default()
                    )
                })
                .collect();
            words.push(format!("`{}`", criteria[scc[0]].id));
            // Point at the name, in a condition of the first member, that reads the next one:
            // the likely edit. The message lists every member with its line.
            let next = &criteria[cycle.get(1).copied().unwrap_or(scc[0])].id;
            let (at_origin, at_span) = self
                .reading(items, &criteria[scc[0]].id, next)
                .unwrap_or_else(|| (origin.clone(), origin.span.clone()));
            self.push(
                Severity::Error,
                &at_origin,
                at_span,
                "criteria-cycle",
                format!(
                    "derived criteria read each other in a cycle: {}",
                    words.join(" reads ")
                ),
                Some("a criterion can only be derived from criteria that do not, in turn, read it: remove one of these conditions or read a fact instead".into()),
            );
        }
    }

    /// Where a derive condition of criterion `id` reads `name`: the name inside the string.
    fn reading(&self, items: &[Item], id: &str, name: &str) -> Option<(Origin, Range<usize>)> {
        let c = items
            .iter()
            .find(|c| c.str_at("id").map(expr::canonical_id).as_deref() == Some(id))?;
        c.get("derive")?.elements().iter().find_map(|r| {
            let when = r.get("when")?;
            let e: Expr = when.as_str()?.parse().ok()?;
            let range = e.names().into_iter().find(|(n, _)| *n == name)?.1;
            Some((when.origin.clone(), self.inner_span(when, range)))
        })
    }

    fn types(&mut self, root: &Item, names: &Names<'_>) -> Option<Vec<TypeDef>> {
        let list = root.get("types")?;
        let mut types: Vec<TypeDef> = Vec::new();
        let mut origins: BTreeMap<RelationshipType, Origin> = BTreeMap::new();
        let mut ok = true;
        for t in list.elements() {
            let Some(id) = t.str_at("id") else {
                ok = false;
                continue;
            };
            let id_item = t.get("id").unwrap_or(t);
            let Some(kind) = RelationshipType::from_id(id) else {
                self.unknown_type(id_item, id, "[[types]] entry");
                ok = false;
                continue;
            };
            if let Some(first) = origins.get(&kind) {
                let place = self.place(first, &id_item.origin);
                self.err(
                    id_item,
                    "duplicate-id",
                    format!("type `{id}` is defined twice"),
                    Some(format!("the first definition is on {place}; keep one")),
                );
                ok = false;
                continue;
            }
            origins.insert(kind, id_item.origin.clone());
            let mut profile: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for e in t.get("profile").map(Item::entries).unwrap_or_default() {
                let cid = expr::canonical_id(&e.key);
                let Some(values) = names.criteria.get(&cid) else {
                    let hint = match did_you_mean(&cid, names.criteria.keys().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "the criteria are: {}",
                            names
                                .criteria
                                .keys()
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    let span = e.key_origin.span.clone();
                    self.push(
                        Severity::Error,
                        &e.key_origin,
                        span,
                        "unknown-criterion",
                        format!("the profile of `{id}` names unknown criterion `{cid}`"),
                        Some(hint),
                    );
                    ok = false;
                    continue;
                };
                let mut accepted = Vec::new();
                for v in e.value.elements() {
                    let Some(s) = v.as_str() else { continue };
                    if !values.iter().any(|x| x == s) {
                        self.err(
                            v,
                            "unknown-criterion-value",
                            format!(
                                "the profile of `{id}` gives `{s}` for `{cid}`: expected one of {}",
                                values.join(", ")
                            ),
                            Some(value_hint(s, values)),
                        );
                        ok = false;
                    }
                    accepted.push(s.to_string());
                }
                profile.insert(cid, accepted);
            }
            types.push(TypeDef {
                kind,
                name: t.str_at("name").unwrap_or(id).to_string(),
                also_called: t
                    .get("also-called")
                    .map(|a| {
                        a.elements()
                            .iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                motto: t.str_at("motto").unwrap_or_default().to_string(),
                profile,
            });
        }
        types.sort_by_key(|t| t.kind);
        for kind in RelationshipType::ALL {
            if !types.iter().any(|t| t.kind == kind) && ok {
                self.err(
                    list,
                    "missing-type",
                    format!("type `{}` has no [[types]] entry", kind.id()),
                    Some(format!(
                        "every one of the four types needs an entry: {}",
                        RelationshipType::ALL.map(|t| t.id()).join(", ")
                    )),
                );
                ok = false;
            }
        }
        // Types with broken parts are kept, so that later checks (reachability) still run;
        // the errors already reported keep the rule set from being used.
        Some(types)
    }

    fn unknown_type(&mut self, item: &Item, id: &str, what: &str) {
        let ids = RelationshipType::ALL.map(|t| t.id());
        let hint = match did_you_mean(id, ids.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the types are: {}", ids.join(", ")),
        };
        self.err(
            item,
            "unknown-type",
            format!("{what} names unknown type `{id}`"),
            Some(hint),
        );
    }

    fn exceptions(&mut self, root: &Item, names: &Names<'_>) -> Option<Vec<Exception>> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<String, Origin> = BTreeMap::new();
        let list = root
            .get("exceptions")
            .map(Item::elements)
            .unwrap_or_default();
        for x in list {
            let Some(id) = x.str_at("id") else {
                continue;
            };
            let id_item = x.get("id").unwrap_or(x);
            if !is_kebab(id) {
                self.check_id(id, &id_item.origin, "exception");
            }
            if let Some(first) = seen.get(id) {
                let place = self.place(first, &id_item.origin);
                self.err(
                    id_item,
                    "duplicate-id",
                    format!("exception `{id}` is defined twice"),
                    Some(format!("the first definition is on {place}; keep one")),
                );
                continue;
            }
            seen.insert(id.to_string(), id_item.origin.clone());
            let when = x
                .get("when")
                .and_then(|w| self.condition(w, names, &format!("exception `{id}`")));
            let mut effects = Vec::new();
            for (key, make) in [
                (
                    "set",
                    ExceptionEffect::Set as fn(RelationshipType) -> ExceptionEffect,
                ),
                ("at-least", ExceptionEffect::AtLeast),
                ("at-most", ExceptionEffect::AtMost),
            ] {
                if let Some(item) = x.get(key)
                    && let Some(s) = item.as_str()
                {
                    match RelationshipType::from_id(s) {
                        Some(t) => effects.push((key, make(t))),
                        None => {
                            self.unknown_type(item, s, &format!("exception `{id}` ({key})"));
                        }
                    }
                }
            }
            if let Some(item) = x.get("step-up")
                && let Node::Int(n) = item.node
            {
                let max = RelationshipType::ALL.len() as i64 - 1;
                if (1..=max).contains(&n) {
                    effects.push(("step-up", ExceptionEffect::StepUp(n as u8)));
                } else {
                    self.err(
                        item,
                        "out-of-range",
                        format!("exception `{id}` steps up {n} types: expected 1 to {max}"),
                        Some("step-up moves the type that many steps towards partnership".into()),
                    );
                }
            }
            if effects.len() > 1 {
                self.err(
                    id_item,
                    "conflicting-effects",
                    format!(
                        "exception `{id}` has more than one effect: {}",
                        effects.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                    ),
                    Some("an exception does one thing: set, at-least, at-most or step-up (or none, to only flag a finding); split it in two".into()),
                );
            }
            let scope = x
                .get("scope")
                .and_then(|s| self.build::<ExceptionScope>(s, "scope"));
            let (Some(when), Some(scope)) = (when, scope) else {
                continue;
            };
            out.push(Exception {
                id: id.to_string(),
                title: x.str_at("title").unwrap_or_default().to_string(),
                scope,
                when,
                when_text: x.str_at("when").unwrap_or_default().to_string(),
                effect: effects
                    .pop()
                    .map(|(_, e)| e)
                    .unwrap_or(ExceptionEffect::Flag),
                explain: x.str_at("explain").unwrap_or_default().to_string(),
                actions: x
                    .get("actions")
                    .map(|a| {
                        a.elements()
                            .iter()
                            .filter_map(|s| s.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        Some(out)
    }

    fn methods(&mut self, root: &Item) -> Option<BTreeMap<String, MethodDef>> {
        let mut out = BTreeMap::new();
        let mut ok = true;
        for e in root.get("methods")?.entries() {
            if !is_kebab(&e.key) {
                self.check_id(&e.key, &e.key_origin, "method");
                ok = false;
            }
            match self.build::<MethodDef>(&e.value, &format!("methods.{}", e.key)) {
                Some(m) => {
                    out.insert(e.key.clone(), m);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn volume_bands(&mut self, root: &Item) -> Option<VolumeBandsDef> {
        let item = root.get("volume-bands")?;
        let small = item.get("small")?;
        let medium = item.get("medium")?;
        let s = self.decimal(small, "volume-bands.small");
        let m = self.decimal(medium, "volume-bands.medium");
        let (s, m) = (s?, m?);
        if s < Decimal::ZERO {
            self.err(
                small,
                "out-of-range",
                format!("volume band `small` is {s}: expected an amount ≥ 0"),
                None,
            );
            return None;
        }
        if s >= m {
            let place = self.place(&small.origin, &medium.origin);
            self.err(
                medium,
                "volume-bands-not-increasing",
                format!("volume band `medium` ({m}) must be above `small` ({s})"),
                Some(format!(
                    "`small` ({place}) is the upper limit of small volumes, `medium` of medium ones"
                )),
            );
            return None;
        }
        self.build::<VolumeBandsDef>(item, "volume-bands")
    }

    fn recommendations(
        &mut self,
        root: &Item,
        methods: &Option<BTreeMap<String, MethodDef>>,
    ) -> Option<BTreeMap<RelationshipType, RecommendationDef>> {
        let table = root.get("recommendations")?;
        let mut out = BTreeMap::new();
        let mut ok = true;
        for e in table.entries() {
            let Some(kind) = RelationshipType::from_id(&e.key) else {
                let key_item = Item {
                    node: Node::Str(e.key.clone()),
                    origin: e.key_origin.clone(),
                };
                self.unknown_type(&key_item, &e.key, &format!("[recommendations.{}]", e.key));
                ok = false;
                continue;
            };
            if let Some(methods) = methods {
                for band in e
                    .value
                    .get("methods")
                    .map(Item::entries)
                    .unwrap_or_default()
                {
                    for m in band.value.elements() {
                        let Some(mid) = m.as_str() else { continue };
                        if !methods.contains_key(mid) {
                            let hint = match did_you_mean(mid, methods.keys().map(String::as_str)) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => format!(
                                    "the methods are: {}; a new one needs a [methods.{mid}] section",
                                    methods.keys().cloned().collect::<Vec<_>>().join(", ")
                                ),
                            };
                            self.err(
                                m,
                                "unknown-method",
                                format!(
                                    "the recommendations for `{}` name unknown method `{mid}` ({} volumes)",
                                    e.key, band.key
                                ),
                                Some(hint),
                            );
                            ok = false;
                        }
                    }
                }
            }
            match self.build::<RecommendationDef>(&e.value, &format!("recommendations.{}", e.key)) {
                Some(r) => {
                    out.insert(kind, r);
                }
                None => ok = false,
            }
        }
        if ok {
            for kind in RelationshipType::ALL {
                if !out.contains_key(&kind) {
                    self.err(
                        table,
                        "missing-recommendation",
                        format!("type `{}` has no [recommendations.{}]", kind.id(), kind.id()),
                        Some("every type needs its recommendations: goal, sourcing, methods, actions …".into()),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn split(&mut self, root: &Item) -> Option<SplitDef> {
        let item = root.get("splits")?.get("partial-competition")?;
        let (main_i, back_i) = (item.get("main")?, item.get("background")?);
        let main = self.decimal(main_i, "splits.partial-competition.main");
        let background = self.decimal(back_i, "splits.partial-competition.background");
        let (main, background) = (main?, background?);
        let sum = main + background;
        if main < Decimal::ZERO || background < Decimal::ZERO {
            let bad = if main < Decimal::ZERO { main_i } else { back_i };
            self.err(
                bad,
                "out-of-range",
                "a share of the partial-competition split is negative".into(),
                Some("shares are percent of the category's spend, between 0 and 100".into()),
            );
            return None;
        }
        if sum != Decimal::ONE_HUNDRED {
            let hint = if sum == Decimal::ONE {
                format!(
                    "the shares are in percent: did you mean main = {}, background = {}?",
                    (main * Decimal::ONE_HUNDRED).normalize(),
                    (background * Decimal::ONE_HUNDRED).normalize()
                )
            } else {
                format!(
                    "the shares are percent of the category's spend and must add up to 100: e.g. main = {}, background = {}",
                    main.min(Decimal::ONE_HUNDRED),
                    Decimal::ONE_HUNDRED - main.min(Decimal::ONE_HUNDRED)
                )
            };
            self.err(
                back_i,
                "split-not-100",
                format!(
                    "the shares of the partial-competition split add up to {} %: main {main} + background {background}, expected 100",
                    sum.normalize()
                ),
                Some(hint),
            );
            return None;
        }
        if main < background {
            self.err(
                main_i,
                "split-main-below-background",
                format!("the main share ({main}) is below the background share ({background})"),
                Some(
                    "the main supplier gets the larger share (the 30:70 principle: main = 70)"
                        .into(),
                ),
            );
            return None;
        }
        self.build::<SplitDef>(item, "splits.partial-competition")
    }

    /// Warns about types that no input can produce: no combination of the values the
    /// criteria can take makes the type score best, and no exception leads to it.
    fn unreachable_types(
        &mut self,
        criteria: &[Criterion],
        types: &[TypeDef],
        exceptions: &[Exception],
        classification: &ClassificationDef,
        root: &Item,
    ) {
        let in_profiles: BTreeSet<&str> = types
            .iter()
            .flat_map(|t| t.profile.keys().map(String::as_str))
            .collect();
        // The values each profiled criterion can take (None: no value at all).
        let mut domains: Vec<(&Criterion, Vec<Option<&str>>)> = Vec::new();
        for c in criteria
            .iter()
            .filter(|c| in_profiles.contains(c.id.as_str()))
        {
            let mut d: Vec<Option<&str>> = if c.profile_key.is_some() {
                c.values.iter().map(|v| Some(v.as_str())).collect()
            } else {
                let mut v: Vec<Option<&str>> = c
                    .derive
                    .iter()
                    .map(|r| Some(r.value.as_str()))
                    .chain(c.default.as_deref().map(Some))
                    .collect();
                v.sort();
                v.dedup();
                v
            };
            if c.default.is_none() {
                d.push(None);
            }
            domains.push((c, d));
        }
        let combos = domains
            .iter()
            .try_fold(1usize, |acc, (_, d)| acc.checked_mul(d.len().max(1)));
        // Too many combinations to try: say nothing rather than something uncertain.
        let Some(combos) = combos.filter(|n| *n <= 200_000) else {
            return;
        };
        let mut reachable = [false; 4];
        // Per type, the types that score exactly as it does on every input (for the hint).
        let mut always_tied: [u8; 4] = [u8::MAX; 4];
        // Per type: the most it can score, and per profiled criterion the weight and which of
        // the criterion's possible values match (precomputed: the loop below runs often).
        let tables: Vec<(RelationshipType, Decimal, Vec<ProfileRow>)> = types
            .iter()
            .map(|t| {
                let mut max = Decimal::ZERO;
                let rows = t
                    .profile
                    .iter()
                    .map(|(cid, accepted)| {
                        let w = criteria
                            .iter()
                            .find(|c| &c.id == cid)
                            .map(|c| c.weight)
                            .unwrap_or(Decimal::ONE);
                        max += w;
                        let dom = domains.iter().position(|(c, _)| &c.id == cid);
                        let matches = dom
                            .map(|k| {
                                domains[k]
                                    .1
                                    .iter()
                                    .map(|v| v.is_some_and(|v| accepted.iter().any(|a| a == v)))
                                    .collect()
                            })
                            .unwrap_or_default();
                        (dom, w, matches)
                    })
                    .collect();
                (t.kind, max, rows)
            })
            .collect();
        let mut idx = vec![0usize; domains.len()];
        let mut fits: Vec<(RelationshipType, Decimal)> = Vec::with_capacity(types.len());
        // Per type, the fit of each set of matching rows met so far: a type has a few
        // rows, so the same sets come back in most combinations, and the sum and the
        // division (most of the time of loading the rules, which every run does) are made
        // once per set. Types with more rows than a mask holds are not cached.
        let mut known: Vec<rustc_hash::FxHashMap<u64, Decimal>> =
            vec![rustc_hash::FxHashMap::default(); tables.len()];
        for _ in 0..combos {
            let mut best: Option<(RelationshipType, Decimal)> = None;
            fits.clear();
            for ((kind, max, rows), known) in tables.iter().zip(&mut known) {
                let matched = |(dom, _, matches): &ProfileRow| {
                    dom.is_some_and(|k| matches.get(idx[k]).copied().unwrap_or(false))
                };
                let fit_of = || {
                    let mut score = Decimal::ZERO;
                    for row in rows {
                        if matched(row) {
                            score += row.1;
                        }
                    }
                    if max.is_zero() {
                        Decimal::ZERO
                    } else {
                        score / *max
                    }
                };
                let fit = if rows.len() <= 64 {
                    let mask = rows
                        .iter()
                        .enumerate()
                        .filter(|(_, row)| matched(row))
                        .fold(0u64, |m, (i, _)| m | 1 << i);
                    *known.entry(mask).or_insert_with(fit_of)
                } else {
                    fit_of()
                };
                fits.push((*kind, fit));
                let better = match best {
                    None => true,
                    Some((_, f)) => {
                        fit > f || (fit == f && classification.tie == TieBreak::MoreCooperative)
                    }
                };
                if better {
                    best = Some((*kind, fit));
                }
            }
            if let Some((t, _)) = best {
                reachable[t as usize] = true;
            }
            for (k, f) in &fits {
                let same: u8 = fits
                    .iter()
                    .filter(|(u, g)| u != k && g == f)
                    .fold(0, |m, (u, _)| m | 1 << (*u as u8));
                always_tied[*k as usize] &= same;
            }
            // Next combination (odometer).
            for (k, (_, d)) in domains.iter().enumerate() {
                idx[k] += 1;
                if idx[k] < d.len() {
                    break;
                }
                idx[k] = 0;
            }
        }
        // Exceptions lead to types too.
        loop {
            let before = reachable;
            for x in exceptions {
                match x.effect {
                    ExceptionEffect::Set(t)
                    | ExceptionEffect::AtLeast(t)
                    | ExceptionEffect::AtMost(t) => {
                        reachable[t as usize] = true;
                    }
                    ExceptionEffect::StepUp(n) => {
                        for t in RelationshipType::ALL {
                            if before[t as usize] {
                                reachable[t.step_up(n) as usize] = true;
                            }
                        }
                    }
                    ExceptionEffect::Flag => {}
                }
            }
            if reachable == before {
                break;
            }
        }
        for t in RelationshipType::ALL {
            if reachable[t as usize] {
                continue;
            }
            let item = root
                .get("types")
                .map(Item::elements)
                .unwrap_or_default()
                .iter()
                .find(|e| e.str_at("id") == Some(t.id()))
                .and_then(|e| e.get("id"));
            let tied: Vec<RelationshipType> = RelationshipType::ALL
                .into_iter()
                .filter(|u| always_tied[t as usize] & (1 << (*u as u8)) != 0)
                .collect();
            let hint = if tied.is_empty() {
                "check its [types.profile]: each listed value must be one the criterion can take (from the profiles or a derive rule)".to_string()
            } else {
                format!(
                    "it scores exactly as {} on every input and loses every tie (classification.tie = \"{}\"): make the profiles differ, or change the tie rule",
                    tied.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    match classification.tie {
                        TieBreak::LessCooperative => "less-cooperative",
                        TieBreak::MoreCooperative => "more-cooperative",
                    }
                )
            };
            if let Some(item) = item {
                self.push(
                    Severity::Warning,
                    &item.origin,
                    item.origin.span.clone(),
                    "unreachable-type",
                    format!(
                        "no input can ever produce type `{}`: no combination of criterion values makes its profile score best, and no exception leads to it",
                        t.id()
                    ),
                    Some(hint),
                );
            }
        }
    }
}

impl Default for Origin {
    fn default() -> Self {
        Origin {
            file: 0,
            span: 0..0,
        }
    }
}

/// One profiled criterion of a type, for the reachability check: which domain it is (none
/// when the criterion is unknown), its weight, and which of the domain's values match.
type ProfileRow = (Option<usize>, Decimal, Vec<bool>);

fn yes_no_literal(v: bool) -> Expr {
    Expr::Literal(Value::Text(
        if v { YES_NO[0] } else { YES_NO[1] }.to_string(),
    ))
}

fn value_hint(v: &str, values: &[String]) -> String {
    match did_you_mean(v, values.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("the values are: {}", values.join(", ")),
    }
}

/// The shortest cycle through `start` within one strongly connected component, following
/// "reads" edges, in order.
fn shortest_cycle(start: usize, scc: &[usize], reads: &[BTreeSet<usize>]) -> Vec<usize> {
    if reads[start].contains(&start) {
        return vec![start];
    }
    let mut prev: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(i) = queue.pop_front() {
        for &j in &reads[i] {
            if !scc.contains(&j) {
                continue;
            }
            if j == start {
                let mut path = vec![i];
                let mut k = i;
                while let Some(&p) = prev.get(&k) {
                    path.push(p);
                    k = p;
                }
                path.reverse();
                return path;
            }
            if j != start && !prev.contains_key(&j) {
                prev.insert(j, i);
                queue.push_back(j);
            }
        }
    }
    scc.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a split table with serde, as a section the schema leaves to serde would be.
    fn build_split(text: &str) -> Vec<Diagnostic> {
        let sources = [RuleSource::new("x.toml", text)];
        let mut diags = Vec::new();
        let root = tree::parse(&sources[0], 0, &mut diags);
        let mut c = Compiler {
            sources: &sources,
            diags,
        };
        let item = root.get("split").expect("split");
        assert!(c.build::<SplitDef>(item, "split").is_none());
        c.diags
    }

    #[test]
    fn serde_errors_point_at_the_key_they_name() {
        let d = build_split(
            "[split]\nmain = 70\nbackground = 30\nbackup-from = 3\nbackup-order = \"x\"\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].code, d[0].line, d[0].column), ("unknown-key", 5, 1));
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `backup-orders`?"));

        let d = build_split(
            "[split]\nmain = 70\nbackground = 30\nbackup-from = \"3\"\nbackup-orders = \"x\"\n",
        );
        assert_eq!((d[0].code, d[0].line, d[0].column), ("wrong-type", 4, 15));
        assert!(
            d[0].message
                .starts_with("`split.backup-from`: invalid type"),
            "{}",
            d[0].message
        );

        let d = build_split("[split]\nmain = 70\nbackground = 30\nbackup-from = 3\n");
        assert_eq!((d[0].code, d[0].line), ("missing-key", 1));
        assert!(d[0].message.contains("`backup-orders`"), "{}", d[0].message);
    }
}
