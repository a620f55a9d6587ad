//! Rule files as spanned trees, and their layering.
//!
//! Every value remembers the file and byte range it came from, so that a problem found after
//! layering several files still points at the line that caused it, and `procura rules show`
//! can say where each effective value came from.

use super::diagnostic::{Diagnostic, RuleSource, Severity, line_col};
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// Where a value was written: a file (index into the list of sources) and a byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Index of the rule file in the layered sources.
    pub file: usize,
    /// Byte range in that file.
    pub span: Range<usize>,
}

/// A value of the rule file.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A table (`[x]`, an inline table, or the file itself).
    Table(Vec<Entry>),
    /// An array.
    Array(Vec<Item>),
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float, as written (so that `80.5` becomes an exact decimal).
    Float(String),
    /// true or false.
    Bool(bool),
    /// A date or time, as written (no rule-file key takes one).
    Datetime(String),
}

impl Node {
    /// What kind of value it is, in words, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Table(_) => "a table",
            Node::Array(_) => "an array",
            Node::Str(_) => "a string",
            Node::Int(_) => "an integer",
            Node::Float(_) => "a float",
            Node::Bool(_) => "a boolean",
            Node::Datetime(_) => "a date",
        }
    }
}

/// A value with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The value.
    pub node: Node,
    /// Where it was written.
    pub origin: Origin,
}

/// A key of a table with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as written.
    pub key: String,
    /// Where the key was written (the last file that set it).
    pub key_origin: Origin,
    /// The value.
    pub value: Item,
}

impl Item {
    /// The entries, when this is a table.
    pub fn entries(&self) -> &[Entry] {
        match &self.node {
            Node::Table(e) => e,
            _ => &[],
        }
    }

    /// The entry under `key`, when this is a table that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key == key)
    }

    /// The value under `key`, when this is a table that has it.
    pub fn get(&self, key: &str) -> Option<&Item> {
        self.entry(key).map(|e| &e.value)
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.node {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    pub fn elements(&self) -> &[Item] {
        match &self.node {
            Node::Array(a) => a,
            _ => &[],
        }
    }

    /// The string under `key`.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Item::as_str)
    }

    /// The value as a `toml::Value`, for serde.
    pub fn to_value(&self) -> toml::Value {
        match &self.node {
            Node::Table(entries) => toml::Value::Table(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_value()))
                    .collect(),
            ),
            Node::Array(a) => toml::Value::Array(a.iter().map(Item::to_value).collect()),
            Node::Str(s) => toml::Value::String(s.clone()),
            Node::Int(i) => toml::Value::Integer(*i),
            Node::Float(f) => toml::Value::Float(float_value(f)),
            Node::Bool(b) => toml::Value::Boolean(*b),
            Node::Datetime(d) => toml::Value::String(d.clone()),
        }
    }
}

/// The value of a TOML float as written (`nan`, `+inf`, `1_000.5`, `8e1`).
pub fn float_value(raw: &str) -> f64 {
    let s = raw.replace('_', "");
    match s.trim_start_matches(['+', '-']) {
        "nan" => f64::NAN,
        "inf" if s.starts_with('-') => f64::NEG_INFINITY,
        "inf" => f64::INFINITY,
        _ => s.parse().unwrap_or(f64::NAN),
    }
}

/// Parses one rule file (number `file` among the layered sources) into a spanned tree. TOML
/// syntax errors, duplicate keys among them, become diagnostics; parsing recovers and goes on,
/// so that one bad line does not hide the problems after it.
pub fn parse(source: &RuleSource, file: usize, diags: &mut Vec<Diagnostic>) -> Item {
    let (table, errors) = DeTable::parse_recoverable(&source.text);
    let mut too_large = Vec::new();
    let root = Item {
        node: Node::Table(convert_table(table.get_ref(), file, &mut too_large)),
        origin: Origin { file, span: 0..0 },
    };
    for span in too_large {
        let raw = source.text.get(span.clone()).unwrap_or("").to_string();
        diags.push(at(
            source,
            file,
            span,
            Severity::Error,
            "out-of-range",
            format!("the integer {raw} is too large"),
            Some(format!("integers run from {} to {}", i64::MIN, i64::MAX)),
        ));
    }
    let mut errors: Vec<_> = errors.into_iter().collect();
    errors.sort_by_key(|e| e.span().map(|s| s.start).unwrap_or(0));
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        let (code, message, hint) = if message == "duplicate key" {
            let key = source.text.get(span.clone()).unwrap_or("").trim();
            let first = first_definition(&root, key, span.start)
                .map(|o| line_col(&source.text, o.start).0)
                .or_else(|| first_header(&source.text, key, span.start));
            (
                "duplicate-key",
                format!("duplicate key `{key}`"),
                Some(match first {
                    Some(l) => format!(
                        "`{key}` already appears on line {l}; a key (or table) may appear only once — keep one of them"
                    ),
                    None => "a key (or table) may appear only once — keep one of them".into(),
                }),
            )
        } else {
            let token = source.text.get(span.clone()).unwrap_or("").trim();
            let bare_word = !token.is_empty()
                && token
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                && !token.chars().all(|c| c.is_ascii_digit());
            if bare_word && (message.contains("invalid") || message.contains("quoted")) {
                (
                    "toml-syntax",
                    format!("TOML syntax: `{token}` is not a value: text must be in quotes"),
                    Some(format!("write \"{token}\"")),
                )
            } else {
                (
                    "toml-syntax",
                    format!("TOML syntax: {message}"),
                    Some(syntax_hint(&message)),
                )
            }
        };
        diags.push(at(source, file, span, Severity::Error, code, message, hint));
    }
    root
}

fn syntax_hint(message: &str) -> String {
    if message.contains("string") {
        "close the quotes: text is written \"…\" on one line (or \"\"\"…\"\"\" over several)".into()
    } else if message.contains("quoted") {
        "text values are written in quotes: key = \"value\"".into()
    } else if message.contains("array") {
        "arrays are written [\"a\", \"b\"], with commas between the elements and a closing ]".into()
    } else if message.contains("table") || message.contains("`]`") {
        "table headers are written [name] or [[name]] on a line of their own".into()
    } else {
        "see the TOML format at https://toml.io; every line is `key = value`, a [table] header or a # comment".into()
    }
}

/// The line of the first `[key]` table header before `before` (for duplicate-key hints on
/// tables, which the recovered tree does not keep apart).
fn first_header(text: &str, key: &str, before: usize) -> Option<usize> {
    let head = text.get(..before)?;
    let header = format!("[{key}]");
    head.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(&header))
        .map(|(i, _)| i + 1)
        .next()
}

/// Where a key of this name was first set before `before` (for duplicate-key hints).
fn first_definition(root: &Item, key: &str, before: usize) -> Option<Range<usize>> {
    let mut best: Option<Range<usize>> = None;
    let mut stack = vec![root];
    while let Some(item) = stack.pop() {
        match &item.node {
            Node::Table(entries) => {
                for e in entries {
                    if e.key == key
                        && e.key_origin.span.start < before
                        && best
                            .as_ref()
                            .is_none_or(|b| b.start < e.key_origin.span.start)
                    {
                        best = Some(e.key_origin.span.clone());
                    }
                    stack.push(&e.value);
                }
            }
            Node::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    best
}

/// A diagnostic at a byte range of a source.
pub fn at(
    source: &RuleSource,
    _file: usize,
    span: Range<usize>,
    severity: Severity,
    code: &'static str,
    message: String,
    hint: Option<String>,
) -> Diagnostic {
    let (line, column) = line_col(&source.text, span.start);
    Diagnostic {
        severity,
        code,
        message,
        file: source.name.clone(),
        line,
        column,
        span,
        hint,
    }
}

/// Converts a parsed table; integers that do not fit an i64 are collected in `too_large`
/// (and read as 0, which is never used: they are errors).
fn convert_table(t: &DeTable<'_>, file: usize, too_large: &mut Vec<Range<usize>>) -> Vec<Entry> {
    t.iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_origin: Origin {
                file,
                span: k.span(),
            },
            value: convert(v.get_ref(), v.span(), file, too_large),
        })
        .collect()
}

fn convert(
    v: &DeValue<'_>,
    span: Range<usize>,
    file: usize,
    too_large: &mut Vec<Range<usize>>,
) -> Item {
    let node = match v {
        DeValue::String(s) => Node::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Node::Int(n),
            Err(_) => {
                too_large.push(span.clone());
                Node::Int(0)
            }
        },
        DeValue::Float(f) => Node::Float(f.as_str().to_string()),
        DeValue::Boolean(b) => Node::Bool(*b),
        DeValue::Datetime(d) => Node::Datetime(d.to_string()),
        DeValue::Array(a) => Node::Array(
            a.iter()
                .map(|e| convert(e.get_ref(), e.span(), file, too_large))
                .collect(),
        ),
        DeValue::Table(t) => Node::Table(convert_table(t, file, too_large)),
    };
    Item {
        node,
        origin: Origin { file, span },
    }
}

/// Lays `over` on top of `base`, key by key: tables merge, arrays of tables that all carry an
/// `id` (criteria, types, exceptions) merge entry by entry on that id (a new id appends), and
/// any other value replaces the one below it.
pub fn merge(base: &mut Item, over: Item, sources: &[RuleSource], diags: &mut Vec<Diagnostic>) {
    match (&mut base.node, over.node) {
        (Node::Table(b), Node::Table(o)) => {
            for e in o {
                match b.iter_mut().find(|x| x.key == e.key) {
                    Some(x) => {
                        x.key_origin = e.key_origin;
                        merge(&mut x.value, e.value, sources, diags);
                    }
                    None => b.push(e),
                }
            }
        }
        (Node::Array(b), Node::Array(o))
            if !b.is_empty()
                && by_id(b)
                && !o.is_empty()
                && o.iter().all(|e| matches!(e.node, Node::Table(_))) =>
        {
            let mut seen: Vec<(String, usize)> = Vec::new();
            for e in o {
                let Some(id) = e.str_at("id").map(String::from) else {
                    // Without an id the entry matches nothing; replacing the whole array
                    // instead would silently drop every entry of the files below.
                    if let Some(src) = sources.get(e.origin.file) {
                        diags.push(at(
                            src,
                            e.origin.file,
                            e.origin.span.clone(),
                            Severity::Error,
                            "missing-key",
                            "this entry has no `id`".into(),
                            Some(
                                "entries of [[criteria]], [[types]] and [[exceptions]] are matched by their id: add id = \"…\" (an existing id changes that entry, a new one adds an entry)"
                                    .into(),
                            ),
                        ));
                    }
                    continue;
                };
                if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
                    if let Some(src) = sources.get(e.origin.file) {
                        let line = line_col(&src.text, *first).0;
                        diags.push(at(
                            src,
                            e.origin.file,
                            id_span(&e),
                            Severity::Error,
                            "duplicate-id",
                            format!("`{id}` is defined twice in this file"),
                            Some(format!(
                                "the first definition is on line {line}; merge the two into one entry"
                            )),
                        ));
                    }
                    continue;
                }
                seen.push((id.clone(), id_span(&e).start));
                match b.iter_mut().find(|x| x.str_at("id") == Some(id.as_str())) {
                    Some(x) => merge(x, e, sources, diags),
                    None => b.push(e),
                }
            }
        }
        (_, node) => {
            *base = Item {
                node,
                origin: over.origin,
            };
        }
    }
}

/// Whether every element of an array is a table with a string `id`.
fn by_id(a: &[Item]) -> bool {
    a.iter().all(|e| e.str_at("id").is_some())
}

/// The span of an entry's `id` value (or of the entry).
pub fn id_span(e: &Item) -> Range<usize> {
    e.get("id")
        .map(|i| i.origin.span.clone())
        .unwrap_or_else(|| e.origin.span.clone())
}

/// Renders the effective (layered) rules as TOML, each value followed by a comment naming the
/// file and line it came from.
pub fn show(root: &Item, sources: &[RuleSource]) -> String {
    let mut out = String::new();
    let names: Vec<String> = sources
        .iter()
        .map(|s| s.name.display().to_string())
        .collect();
    let layers = if names.len() > 1 {
        format!(
            "{}, each layered on the ones before it",
            names.join(", then ")
        )
    } else {
        names.join("")
    };
    out.push_str(&format!(
        "# The effective rules: {layers}.\n# After each value: the file and line it came from.\n"
    ));
    show_table(root, "", sources, &mut out);
    out
}

fn where_from(origin: &Origin, sources: &[RuleSource]) -> String {
    match sources.get(origin.file) {
        Some(s) => format!(
            "{}:{}",
            s.name.display(),
            line_col(&s.text, origin.span.start).0
        ),
        None => "?".into(),
    }
}

/// A table's plain values go under its header; sub-tables and arrays of tables follow as
/// sections of their own, as TOML requires.
fn show_table(table: &Item, path: &str, sources: &[RuleSource], out: &mut String) {
    let is_section = |v: &Item| match &v.node {
        Node::Table(_) => true,
        Node::Array(a) => {
            !a.is_empty() && a.iter().all(|e| matches!(e.node, Node::Table(_))) && path.is_empty()
        }
        _ => false,
    };
    for e in table.entries() {
        if is_section(&e.value) {
            continue;
        }
        out.push_str(&key_text(&e.key));
        out.push_str(" = ");
        let inline = inline(&e.value);
        if inline.len() > 80
            && let Node::Array(a) = &e.value.node
        {
            out.push_str(&format!("[  # {}\n", where_from(&e.value.origin, sources)));
            for x in a {
                out.push_str(&format!("    {},\n", inline_of(x)));
            }
            out.push_str("]\n");
        } else {
            out.push_str(&format!(
                "{inline}  # {}\n",
                where_from(&e.value.origin, sources)
            ));
        }
    }
    for e in table.entries() {
        if !is_section(&e.value) {
            continue;
        }
        let sub = if path.is_empty() {
            key_text(&e.key)
        } else {
            format!("{path}.{}", key_text(&e.key))
        };
        match &e.value.node {
            Node::Table(_) => {
                let has_values = e.value.entries().iter().any(|x| !is_table(&x.value));
                if has_values {
                    out.push_str(&format!("\n[{sub}]\n"));
                }
                show_table(&e.value, &sub, sources, out);
            }
            Node::Array(a) => {
                for x in a {
                    out.push_str(&format!("\n[[{sub}]]\n"));
                    show_table(x, &sub, sources, out);
                }
            }
            _ => {}
        }
    }
}

fn is_table(i: &Item) -> bool {
    matches!(i.node, Node::Table(_))
}

fn inline(i: &Item) -> String {
    inline_of(i)
}

fn inline_of(i: &Item) -> String {
    match &i.node {
        Node::Table(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|e| format!("{} = {}", key_text(&e.key), inline_of(&e.value)))
                .collect();
            if inner.is_empty() {
                "{}".into()
            } else {
                format!("{{ {} }}", inner.join(", "))
            }
        }
        Node::Array(a) => format!(
            "[{}]",
            a.iter().map(inline_of).collect::<Vec<_>>().join(", ")
        ),
        Node::Str(s) => toml::Value::String(s.clone()).to_string(),
        Node::Int(n) => n.to_string(),
        Node::Float(f) => f.clone(),
        Node::Bool(b) => b.to_string(),
        Node::Datetime(d) => d.clone(),
    }
}

fn key_text(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        toml::Value::String(k.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str, text: &str, file: usize) -> (Item, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let t = parse(&RuleSource::new(name, text), file, &mut d);
        (t, d)
    }

    #[test]
    fn tables_merge_key_by_key_and_id_arrays_by_id() {
        let base_text = "[abc]\na = 1\nb = 2\n[[c]]\nid = \"x\"\nv = 1\n[[c]]\nid = \"y\"\nv = 2\n";
        let over_text = "[abc]\nb = 3\n[[c]]\nid = \"y\"\nv = 5\n[[c]]\nid = \"z\"\nv = 6\n";
        let sources = [
            RuleSource::new("base", base_text),
            RuleSource::new("over", over_text),
        ];
        let (mut base, d1) = tree("base", base_text, 0);
        let (over, d2) = tree("over", over_text, 1);
        assert!(d1.is_empty() && d2.is_empty());
        let mut d = Vec::new();
        merge(&mut base, over, &sources, &mut d);
        assert!(d.is_empty());
        let abc = base.get("abc").expect("abc");
        assert_eq!(abc.get("a").map(|i| i.origin.file), Some(0));
        assert_eq!(
            abc.get("b").map(|i| (&i.node, i.origin.file)),
            Some((&Node::Int(3), 1))
        );
        let c = base.get("c").expect("c").elements();
        let ids: Vec<_> = c.iter().filter_map(|e| e.str_at("id")).collect();
        assert_eq!(ids, ["x", "y", "z"]);
        assert_eq!(c[1].get("v").map(|i| &i.node), Some(&Node::Int(5)));
        let shown = show(&base, &sources);
        assert!(shown.contains("b = 3  # over:2"), "{shown}");
        assert!(shown.contains("a = 1  # base:2"), "{shown}");
    }

    #[test]
    fn duplicate_keys_point_at_the_first_definition() {
        let (_, d) = tree("f", "a = 1\nb = 2\na = 3\n", 0);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "duplicate-key");
        assert_eq!((d[0].line, d[0].column), (3, 1));
        assert!(d[0].hint.as_deref().unwrap_or("").contains("line 1"));
    }

    #[test]
    fn integers_too_large_are_errors_not_zero() {
        let (_, d) = tree("f", "a = 99999999999999999999\n", 0);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code, d[0].line, d[0].column), ("out-of-range", 1, 5));
    }

    #[test]
    fn floats_keep_their_text() {
        assert!(float_value("nan").is_nan());
        assert_eq!(float_value("-inf"), f64::NEG_INFINITY);
        assert_eq!(float_value("1_000.5"), 1000.5);
        assert_eq!(float_value("8e1"), 80.0);
    }
}
