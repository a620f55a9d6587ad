//! The shape of a rule file: every key, its type, whether it is required. Checking a file
//! against it finds unknown keys (with a did-you-mean), missing keys and wrong types, all of
//! them at once, each at its line.
//!
//! A key added to the rule file must be added here too; `rules/README.md` documents every key
//! listed here (a test checks that).

use super::diagnostic::{Diagnostic, RuleSource, Severity};
use super::tree::{Item, Node, at};
use crate::suggest::did_you_mean;

/// The type of a value.
#[derive(Debug)]
pub enum Shape {
    /// A table with known keys.
    Table(&'static [Field]),
    /// A table whose keys are ids chosen by the author (facts, methods), each value of one shape.
    Map(&'static Shape),
    /// An array, each element of one shape.
    ArrayOf(&'static Shape),
    /// Text.
    Str,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A whole number.
    Int,
    /// A number, whole or not.
    Number,
    /// Any value: a section whose shape serde checks when it is read (its errors are turned
    /// into positioned diagnostics too, one per section).
    Opaque,
}

/// One key of a table.
#[derive(Debug)]
pub struct Field {
    /// The key.
    pub key: &'static str,
    /// Its type.
    pub shape: Shape,
    /// Whether it must be given.
    pub required: bool,
}

const fn req(key: &'static str, shape: Shape) -> Field {
    Field {
        key,
        shape,
        required: true,
    }
}

const fn opt(key: &'static str, shape: Shape) -> Field {
    Field {
        key,
        shape,
        required: false,
    }
}

const STR_LIST: Shape = Shape::ArrayOf(&Shape::Str);

const ABC: &[Field] = &[
    req("a-cutoff", Shape::Number),
    req("b-cutoff", Shape::Number),
    opt("boundary", Shape::OneOf(&["textbook", "crossing-upper"])),
];

const FACT: &[Field] = &[
    req("kind", Shape::OneOf(&["text", "number", "yes/no", "list"])),
    req("about", Shape::OneOf(&["category", "supplier", "both"])),
    opt("values", STR_LIST),
    opt("description", Shape::Str),
];

const DERIVE: &[Field] = &[
    req("when", Shape::Str),
    req("value", Shape::Str),
    opt("why", Shape::Str),
];

const CRITERION: &[Field] = &[
    req("id", Shape::Str),
    req("name", Shape::Str),
    opt("question", Shape::Str),
    req("values", STR_LIST),
    opt("profile-key", Shape::Str),
    opt("weight", Shape::Number),
    opt("default", Shape::Str),
    opt("derive", Shape::ArrayOf(&Shape::Table(DERIVE))),
];

const CLASSIFICATION: &[Field] = &[
    req(
        "tie",
        Shape::OneOf(&["less-cooperative", "more-cooperative"]),
    ),
    req(
        "supplier-type",
        Shape::OneOf(&["most-cooperative", "largest-category"]),
    ),
    req("material-share", Shape::Number),
];

const TYPE: &[Field] = &[
    req("id", Shape::Str),
    req("name", Shape::Str),
    opt("also-called", STR_LIST),
    opt("motto", Shape::Str),
    req("profile", Shape::Map(&STR_LIST)),
];

const EXCEPTION: &[Field] = &[
    req("id", Shape::Str),
    req("title", Shape::Str),
    req("scope", Shape::OneOf(&["pair", "supplier"])),
    req("when", Shape::Str),
    opt("set", Shape::Str),
    opt("at-least", Shape::Str),
    opt("at-most", Shape::Str),
    opt("step-up", Shape::Int),
    opt("explain", Shape::Str),
    opt("actions", STR_LIST),
];

const METHOD: &[Field] = &[req("name", Shape::Str), req("description", Shape::Str)];

const VOLUME_BANDS: &[Field] = &[req("small", Shape::Number), req("medium", Shape::Number)];

const METHODS_BY_BAND: &[Field] = &[
    req("small", STR_LIST),
    req("medium", STR_LIST),
    req("large", STR_LIST),
];

const RECOMMENDATION: &[Field] = &[
    req("goal", Shape::Str),
    req(
        "sourcing",
        Shape::OneOf(&["bundle", "split", "frame-agreements", "single-or-dual"]),
    ),
    req("contract-horizon", Shape::Str),
    req("review", Shape::Str),
    req("relationship-level", Shape::Str),
    req("bonds", STR_LIST),
    req("decisive-factor", Shape::Str),
    req("pre-steps", STR_LIST),
    req("methods", Shape::Table(METHODS_BY_BAND)),
    req("actions", STR_LIST),
    req("level-action", Shape::Str),
    req("bond-actions", Shape::Map(&Shape::Str)),
];

const SPLIT: &[Field] = &[
    req("main", Shape::Number),
    req("background", Shape::Number),
    req("backup-from", Shape::Int),
    req("backup-orders", Shape::Str),
    req("backup-max-share", Shape::Number),
];

const SPLITS: &[Field] = &[req("partial-competition", Shape::Table(SPLIT))];

/// The whole rule file.
pub const RULE_FILE: &[Field] = &[
    req("version", Shape::Int),
    req("abc", Shape::Table(ABC)),
    opt("facts", Shape::Map(&Shape::Table(FACT))),
    req("criteria", Shape::ArrayOf(&Shape::Table(CRITERION))),
    req("classification", Shape::Table(CLASSIFICATION)),
    req("types", Shape::ArrayOf(&Shape::Table(TYPE))),
    opt("exceptions", Shape::ArrayOf(&Shape::Table(EXCEPTION))),
    req("methods", Shape::Map(&Shape::Table(METHOD))),
    req("volume-bands", Shape::Table(VOLUME_BANDS)),
    req("recommendations", Shape::Map(&Shape::Table(RECOMMENDATION))),
    req("splits", Shape::Table(SPLITS)),
    // The advice's many words and numbers are checked by their serde structs (model.rs).
    req("advice", Shape::Opaque),
];

/// Every key path of the schema (`abc.a-cutoff`, `criteria.derive.when`, …), for documentation
/// checks.
pub fn key_paths() -> Vec<String> {
    fn walk(fields: &[Field], prefix: &str, out: &mut Vec<String>) {
        for f in fields {
            let path = if prefix.is_empty() {
                f.key.to_string()
            } else {
                format!("{prefix}.{}", f.key)
            };
            out.push(path.clone());
            shape(&f.shape, &path, out);
        }
    }
    fn shape(s: &Shape, path: &str, out: &mut Vec<String>) {
        match s {
            Shape::Table(f) => walk(f, path, out),
            Shape::Map(v) | Shape::ArrayOf(v) => shape(v, path, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(RULE_FILE, "", &mut out);
    out
}

/// Checks a (layered) rule tree against the schema. `base` is the file that missing keys are
/// reported in when the tree has no better place.
pub fn check(root: &Item, sources: &[RuleSource], diags: &mut Vec<Diagnostic>) {
    check_shape(root, &Shape::Table(RULE_FILE), "", sources, diags);
}

fn describe(path: &str) -> String {
    if path.is_empty() {
        "the top level".into()
    } else {
        format!("[{path}]")
    }
}

fn push(
    sources: &[RuleSource],
    item_file: usize,
    span: std::ops::Range<usize>,
    code: &'static str,
    message: String,
    hint: Option<String>,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(src) = sources.get(item_file) {
        diags.push(at(
            src,
            item_file,
            span,
            Severity::Error,
            code,
            message,
            hint,
        ));
    }
}

fn check_shape(
    item: &Item,
    shape: &Shape,
    path: &str,
    sources: &[RuleSource],
    diags: &mut Vec<Diagnostic>,
) {
    let o = &item.origin;
    let wrong = |expected: &str, example: Option<String>, diags: &mut Vec<Diagnostic>| {
        push(
            sources,
            o.file,
            o.span.clone(),
            "wrong-type",
            format!(
                "`{path}` is {}{}: expected {expected}",
                item.node.kind(),
                match &item.node {
                    Node::Str(s) => format!(" (\"{s}\")"),
                    Node::Int(i) => format!(" ({i})"),
                    Node::Float(f) => format!(" ({f})"),
                    Node::Bool(b) => format!(" ({b})"),
                    _ => String::new(),
                }
            ),
            example,
            diags,
        )
    };
    let last = path.rsplit('.').next().unwrap_or(path);
    match shape {
        Shape::Table(fields) => {
            let Node::Table(entries) = &item.node else {
                return wrong(
                    "a table",
                    Some(format!(
                        "write it as a [{path}] section with key = value lines"
                    )),
                    diags,
                );
            };
            for e in entries {
                let sub = join(path, &e.key);
                match fields.iter().find(|f| f.key == e.key) {
                    Some(f) => check_shape(&e.value, &f.shape, &sub, sources, diags),
                    None => {
                        let keys = fields.iter().map(|f| f.key);
                        let hint = match did_you_mean(&e.key, keys) {
                            Some(k) => format!("did you mean `{k}`?"),
                            None => format!(
                                "the keys of {} are: {}",
                                describe(path),
                                fields.iter().map(|f| f.key).collect::<Vec<_>>().join(", ")
                            ),
                        };
                        push(
                            sources,
                            e.key_origin.file,
                            e.key_origin.span.clone(),
                            "unknown-key",
                            format!("unknown key `{}` in {}", e.key, describe(path)),
                            Some(hint),
                            diags,
                        );
                    }
                }
            }
            let missing: Vec<&Field> = fields
                .iter()
                .filter(|f| f.required && !entries.iter().any(|e| e.key == f.key))
                .collect();
            if !missing.is_empty() {
                let list = missing
                    .iter()
                    .map(|f| format!("`{}`", f.key))
                    .collect::<Vec<_>>()
                    .join(", ");
                let what = missing
                    .iter()
                    .map(|f| format!("{} ({})", f.key, expected(&f.shape)))
                    .collect::<Vec<_>>()
                    .join(", ");
                push(
                    sources,
                    o.file,
                    o.span.clone(),
                    "missing-key",
                    format!("{} has no {list}", describe(path)),
                    Some(format!("add {what}; rules/README.md describes every key")),
                    diags,
                );
            }
        }
        Shape::Map(value) => {
            let Node::Table(entries) = &item.node else {
                return wrong("a table", None, diags);
            };
            for e in entries {
                check_shape(&e.value, value, &join(path, &e.key), sources, diags);
            }
        }
        Shape::ArrayOf(element) => {
            let Node::Array(items) = &item.node else {
                let example = match element {
                    Shape::Str => Some(format!("write a list: {last} = [\"…\", \"…\"]")),
                    _ => None,
                };
                return wrong("an array", example, diags);
            };
            for (i, x) in items.iter().enumerate() {
                let sub = match x.str_at("id") {
                    Some(id) => format!("{path}.{id}"),
                    None => format!("{path}[{}]", i + 1),
                };
                check_shape(x, element, &sub, sources, diags);
            }
        }
        Shape::Str => {
            if !matches!(item.node, Node::Str(_)) {
                wrong(
                    "text in quotes",
                    Some(format!("write {last} = \"…\"")),
                    diags,
                );
            }
        }
        Shape::OneOf(words) => match &item.node {
            Node::Str(s) if words.contains(&s.as_str()) => {}
            Node::Str(s) => {
                let hint = match did_you_mean(s, words.iter().copied()) {
                    Some(w) => format!("did you mean \"{w}\"?"),
                    None => format!("expected one of: {}", quoted(words)),
                };
                push(
                    sources,
                    o.file,
                    o.span.clone(),
                    "unknown-value",
                    format!("`{path}` is \"{s}\": expected one of {}", quoted(words)),
                    Some(hint),
                    diags,
                );
            }
            _ => wrong(
                &format!("one of {}", quoted(words)),
                Some(format!(
                    "write {last} = \"{}\"",
                    words.first().unwrap_or(&"")
                )),
                diags,
            ),
        },
        Shape::Int => {
            if !matches!(item.node, Node::Int(_)) {
                let example = number_in(&item.node).unwrap_or_else(|| "3".into());
                wrong(
                    "a whole number",
                    Some(format!("write numbers without quotes: {last} = {example}")),
                    diags,
                );
            }
        }
        Shape::Opaque => {}
        Shape::Number => {
            if !matches!(item.node, Node::Int(_) | Node::Float(_)) {
                let example = number_in(&item.node).unwrap_or_else(|| "80".into());
                wrong(
                    "a number",
                    Some(format!("write numbers without quotes: {last} = {example}")),
                    diags,
                );
            }
        }
    }
}

/// The number a string holds (`"80"`), to show how it is written without quotes.
fn number_in(node: &Node) -> Option<String> {
    match node {
        Node::Str(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
            Some(s.trim().to_string())
        }
        _ => None,
    }
}

fn expected(s: &Shape) -> String {
    match s {
        Shape::Table(_) | Shape::Map(_) => "a table".into(),
        Shape::ArrayOf(_) => "an array".into(),
        Shape::Str => "text".into(),
        Shape::OneOf(w) => format!("one of {}", quoted(w)),
        Shape::Int => "a whole number".into(),
        Shape::Number => "a number".into(),
        Shape::Opaque => "a value".into(),
    }
}

fn quoted(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}
