//! The small condition language of rule files.
//!
//! Rule files say *when* a criterion takes a value or an exception applies with conditions
//! such as `quality == 'standardized' && monopoly-behaviour` or
//! `suppliers-in-market <= 3 || market-power in ['supplier']`. The grammar:
//!
//! ```text
//! expr  := and ( "||" and )*
//! and   := not ( "&&" not )*
//! not   := "!" not | cmp
//! cmp   := atom ( ("==" | "!=" | "<" | "<=" | ">" | ">=") atom | "in" list | "not" "in" list )?
//! atom  := name | 'text' | "text" | number | true | false | "(" expr ")"
//! list  := "[" ( atom ( "," atom )* ","? )? "]"
//! ```
//!
//! Names are kebab-case ids of criteria and facts; `_` is accepted for `-` so that
//! `suppliers_in_market` and `suppliers-in-market` are one name.
//!
//! Evaluation is three-valued: a name without a value makes a comparison *unknown*, and
//! unknown propagates (`false && unknown` is false, `true || unknown` is true). A rule
//! applies only when its condition is known to be true, so a missing profile fact never
//! silently counts as `false`.

use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// A value a name can take in a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A word, e.g. a criterion value such as `core`.
    Text(String),
    /// A number (counts, shares, money).
    Number(Decimal),
    /// A yes/no fact.
    Bool(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => write!(f, "{s}"),
            Value::Number(n) => write!(f, "{}", n.normalize()),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A literal value.
    Literal(Value),
    /// A criterion or fact, by canonical (kebab-case) id; `span` is its byte range in the source.
    Name {
        /// Canonical id.
        id: String,
        /// Byte range in the condition text.
        span: (usize, usize),
    },
    /// `!e`
    Not(Box<Expr>),
    /// `a && b`
    And(Box<Expr>, Box<Expr>),
    /// `a || b`
    Or(Box<Expr>, Box<Expr>),
    /// `a OP b`
    Cmp(Box<Expr>, CmpOp, Box<Expr>),
    /// `a in [..]` (or `not in` when `negated`).
    In {
        /// The tested value.
        value: Box<Expr>,
        /// The list members.
        list: Vec<Expr>,
        /// `not in`.
        negated: bool,
    },
}

/// A syntax error in a condition, with its byte offset in the condition text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at character {}", offset + 1)]
pub struct ParseError {
    /// Byte offset in the condition text.
    pub offset: usize,
    /// What was wrong and what was expected.
    pub message: String,
}

/// An evaluation error: a comparison of values that cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot compare {left} ({left_kind}) {op} {right} ({right_kind})")]
pub struct EvalError {
    /// Left operand.
    pub left: String,
    /// Its kind.
    pub left_kind: &'static str,
    /// The operator.
    pub op: &'static str,
    /// Right operand.
    pub right: String,
    /// Its kind.
    pub right_kind: &'static str,
}

/// Makes `suppliers_in_market` and `Suppliers-In-Market` the same id: `suppliers-in-market`.
pub fn canonical_id(s: &str) -> String {
    s.trim().replace('_', "-").to_ascii_lowercase()
}

impl FromStr for Expr {
    type Err = ParseError;

    fn from_str(src: &str) -> Result<Expr, ParseError> {
        let tokens = lex(src)?;
        let mut p = Parser {
            tokens: &tokens,
            pos: 0,
            end: src.len(),
        };
        let e = p.or()?;
        match p.peek() {
            None => Ok(e),
            Some(t) => Err(ParseError {
                offset: t.start,
                message: format!(
                    "unexpected `{}`, expected `&&`, `||` or the end",
                    t.text(src)
                ),
            }),
        }
    }
}

impl Expr {
    /// Every name the condition reads, in order of appearance (with duplicates).
    pub fn names(&self) -> Vec<(&str, (usize, usize))> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'a>(&'a self, out: &mut Vec<(&'a str, (usize, usize))>) {
        match self {
            Expr::Literal(_) => {}
            Expr::Name { id, span } => out.push((id, *span)),
            Expr::Not(e) => e.collect_names(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(a, _, b) => {
                a.collect_names(out);
                b.collect_names(out);
            }
            Expr::In { value, list, .. } => {
                value.collect_names(out);
                for e in list {
                    e.collect_names(out);
                }
            }
        }
    }

    /// Evaluates the condition. `Ok(None)` means unknown: some name it needs has no value.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<Value>) -> Result<Option<bool>, EvalError> {
        match self {
            Expr::Not(e) => Ok(e.eval(lookup)?.map(|b| !b)),
            Expr::And(a, b) => {
                let x = a.eval(lookup)?;
                if x == Some(false) {
                    return Ok(Some(false));
                }
                let y = b.eval(lookup)?;
                Ok(match (x, y) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                })
            }
            Expr::Or(a, b) => {
                let x = a.eval(lookup)?;
                if x == Some(true) {
                    return Ok(Some(true));
                }
                let y = b.eval(lookup)?;
                Ok(match (x, y) {
                    (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                })
            }
            Expr::Cmp(a, op, b) => {
                let (Some(x), Some(y)) = (a.value(lookup), b.value(lookup)) else {
                    return Ok(None);
                };
                compare(&x, *op, &y).map(Some)
            }
            Expr::In {
                value,
                list,
                negated,
            } => {
                let Some(x) = value.value(lookup) else {
                    return Ok(None);
                };
                let mut found = false;
                for item in list {
                    let Some(y) = item.value(lookup) else {
                        return Ok(None);
                    };
                    if compare(&x, CmpOp::Eq, &y)? {
                        found = true;
                    }
                }
                Ok(Some(found != *negated))
            }
            Expr::Literal(_) | Expr::Name { .. } => match self.value(lookup) {
                None => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(b)),
                Some(v) => Err(EvalError {
                    left: v.to_string(),
                    left_kind: kind(&v),
                    op: "==",
                    right: "true".into(),
                    right_kind: "yes/no",
                }),
            },
        }
    }

    fn value(&self, lookup: &dyn Fn(&str) -> Option<Value>) -> Option<Value> {
        match self {
            Expr::Literal(v) => Some(v.clone()),
            Expr::Name { id, .. } => lookup(id),
            // A nested condition used as a value: its truth.
            other => other.eval(lookup).ok().flatten().map(Value::Bool),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(Value::Text(s)) => write!(f, "'{s}'"),
            Expr::Literal(v) => write!(f, "{v}"),
            Expr::Name { id, .. } => write!(f, "{id}"),
            Expr::Not(e) => write!(f, "!{e}"),
            Expr::And(a, b) => write!(f, "({a} && {b})"),
            Expr::Or(a, b) => write!(f, "({a} || {b})"),
            Expr::Cmp(a, op, b) => write!(f, "{a} {} {b}", op.symbol()),
            Expr::In {
                value,
                list,
                negated,
            } => {
                write!(f, "{value} {}in [", if *negated { "not " } else { "" })?;
                for (i, e) in list.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{e}")?;
                }
                write!(f, "]")
            }
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Text(_) => "text",
        Value::Number(_) => "number",
        Value::Bool(_) => "yes/no",
    }
}

fn compare(x: &Value, op: CmpOp, y: &Value) -> Result<bool, EvalError> {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (x, y) {
        (Value::Number(a), Value::Number(b)) => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => Some(a.cmp(b)),
        _ => None,
    };
    let Some(ord) = ord else {
        return Err(EvalError {
            left: x.to_string(),
            left_kind: kind(x),
            op: op.symbol(),
            right: y.to_string(),
            right_kind: kind(y),
        });
    };
    Ok(match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Text(String),
    Number(Decimal),
    True,
    False,
    In,
    NotKw,
    And,
    Or,
    Bang,
    Op(CmpOp),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

impl Token {
    fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let two = bytes.get(i..i + 2);
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b'[' => Tok::LBracket,
            b']' => Tok::RBracket,
            b',' => Tok::Comma,
            _ if two == Some(b"&&") => Tok::And,
            _ if two == Some(b"||") => Tok::Or,
            _ if two == Some(b"==") => Tok::Op(CmpOp::Eq),
            _ if two == Some(b"!=") => Tok::Op(CmpOp::Ne),
            _ if two == Some(b"<=") => Tok::Op(CmpOp::Le),
            _ if two == Some(b">=") => Tok::Op(CmpOp::Ge),
            b'<' => Tok::Op(CmpOp::Lt),
            b'>' => Tok::Op(CmpOp::Gt),
            b'!' => Tok::Bang,
            b'\'' | b'"' => {
                let close = src[i + 1..].find(c as char).ok_or_else(|| ParseError {
                    offset: start,
                    message: "text is not closed: missing quote".into(),
                })?;
                let text = &src[i + 1..i + 1 + close];
                i += close + 2;
                out.push(Token {
                    tok: Tok::Text(text.to_string()),
                    start,
                    end: i,
                });
                continue;
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
                    j += 1;
                }
                let lit = &src[i..j];
                let n = Decimal::from_str(lit).map_err(|_| ParseError {
                    offset: start,
                    message: format!("`{lit}` is not a number"),
                })?;
                i = j;
                out.push(Token {
                    tok: Tok::Number(n),
                    start,
                    end: i,
                });
                continue;
            }
            c if c.is_ascii_alphabetic() => {
                let mut j = i + 1;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-')
                {
                    j += 1;
                }
                let word = &src[i..j];
                i = j;
                let tok = match word {
                    "true" => Tok::True,
                    "false" => Tok::False,
                    "in" => Tok::In,
                    "not" => Tok::NotKw,
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    _ => Tok::Name(canonical_id(word)),
                };
                out.push(Token { tok, start, end: i });
                continue;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(ParseError {
                    offset: start,
                    message: format!(
                        "unexpected character `{ch}`, expected a name, a quoted text, a number or an operator"
                    ),
                });
            }
        };
        i += match tok {
            Tok::And | Tok::Or | Tok::Op(CmpOp::Eq | CmpOp::Ne | CmpOp::Le | CmpOp::Ge) => 2,
            _ => 1,
        };
        out.push(Token { tok, start, end: i });
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek().map(|x| &x.tok) == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn offset(&self) -> usize {
        self.peek().map(|t| t.start).unwrap_or(self.end)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.and()?;
        while self.eat(&Tok::Or) {
            let r = self.and()?;
            e = Expr::Or(Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.not()?;
        while self.eat(&Tok::And) {
            let r = self.not()?;
            e = Expr::And(Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.eat(&Tok::Bang) || self.eat(&Tok::NotKw) {
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, ParseError> {
        let left = self.atom()?;
        if let Some(Token {
            tok: Tok::Op(op), ..
        }) = self.peek()
        {
            let op = *op;
            self.pos += 1;
            let right = self.atom()?;
            return Ok(Expr::Cmp(Box::new(left), op, Box::new(right)));
        }
        let negated = if self.peek().map(|t| &t.tok) == Some(&Tok::NotKw)
            && self.tokens.get(self.pos + 1).map(|t| &t.tok) == Some(&Tok::In)
        {
            self.pos += 2;
            true
        } else if self.eat(&Tok::In) {
            false
        } else {
            return Ok(left);
        };
        let at = self.offset();
        if !self.eat(&Tok::LBracket) {
            return Err(ParseError {
                offset: at,
                message: "expected `[` to start the list after `in`".into(),
            });
        }
        let mut list = Vec::new();
        while !self.eat(&Tok::RBracket) {
            list.push(self.atom()?);
            if !self.eat(&Tok::Comma) {
                let at = self.offset();
                if !self.eat(&Tok::RBracket) {
                    return Err(ParseError {
                        offset: at,
                        message: "expected `,` or `]` in the list".into(),
                    });
                }
                break;
            }
        }
        Ok(Expr::In {
            value: Box::new(left),
            list,
            negated,
        })
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let at = self.offset();
        let Some(t) = self.peek().cloned() else {
            return Err(ParseError {
                offset: at,
                message: "the condition ends too early: expected a name or a value".into(),
            });
        };
        self.pos += 1;
        Ok(match t.tok {
            Tok::Name(id) => Expr::Name {
                id,
                span: (t.start, t.end),
            },
            Tok::Text(s) => Expr::Literal(Value::Text(s)),
            Tok::Number(n) => Expr::Literal(Value::Number(n)),
            Tok::True => Expr::Literal(Value::Bool(true)),
            Tok::False => Expr::Literal(Value::Bool(false)),
            Tok::LParen => {
                let e = self.or()?;
                let at = self.offset();
                if !self.eat(&Tok::RParen) {
                    return Err(ParseError {
                        offset: at,
                        message: "expected `)`".into(),
                    });
                }
                e
            }
            _ => {
                return Err(ParseError {
                    offset: at,
                    message: "expected a name, a quoted text, a number, true, false or `(`".into(),
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, Value)]) -> HashMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn eval(src: &str, env: &HashMap<String, Value>) -> Option<bool> {
        let e: Expr = src.parse().expect("parses");
        e.eval(&|n: &str| env.get(n).cloned()).expect("evaluates")
    }

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn comparisons_and_logic() {
        let e = env(&[
            ("quality", t("standardized")),
            ("monopoly-behaviour", Value::Bool(true)),
            ("suppliers-in-market", Value::Number(3.into())),
        ]);
        assert_eq!(
            eval("quality == 'standardized' && monopoly_behaviour", &e),
            Some(true)
        );
        assert_eq!(eval("suppliers-in-market <= 3", &e), Some(true));
        assert_eq!(eval("suppliers-in-market > 3", &e), Some(false));
        assert_eq!(
            eval("quality in ['non-standard', \"customized\"]", &e),
            Some(false)
        );
        assert_eq!(eval("quality not in ['customized']", &e), Some(true));
        assert_eq!(eval("!(monopoly-behaviour)", &e), Some(false));
        assert_eq!(eval("not monopoly-behaviour or true", &e), Some(true));
    }

    #[test]
    fn unknown_propagates_three_valued() {
        let e = env(&[("a", Value::Bool(true)), ("b", Value::Bool(false))]);
        assert_eq!(eval("missing == 'x'", &e), None);
        assert_eq!(eval("b && missing", &e), Some(false));
        assert_eq!(eval("missing && b", &e), Some(false));
        assert_eq!(eval("a && missing", &e), None);
        assert_eq!(eval("a || missing", &e), Some(true));
        assert_eq!(eval("missing || b", &e), None);
        assert_eq!(eval("!missing", &e), None);
    }

    #[test]
    fn names_are_canonical_kebab_case() {
        let e: Expr = "Suppliers_In_Market >= 2 && x".parse().expect("parses");
        let names: Vec<_> = e.names().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["suppliers-in-market", "x"]);
        assert_eq!(e.names()[0].1, (0, 19));
    }

    #[test]
    fn negative_numbers_and_decimals() {
        let e = env(&[("share", Value::Number("0.35".parse().expect("dec")))]);
        assert_eq!(eval("share >= 0.3 && share > -1", &e), Some(true));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = "a == ".parse::<Expr>().expect_err("incomplete");
        assert_eq!(err.offset, 5);
        let err = "a == 'x".parse::<Expr>().expect_err("unclosed");
        assert_eq!(err.offset, 5);
        let err = "a ~ b".parse::<Expr>().expect_err("bad char");
        assert_eq!(err.offset, 2);
        let err = "a b".parse::<Expr>().expect_err("two names");
        assert_eq!(err.offset, 2);
        let err = "a in 'x'".parse::<Expr>().expect_err("no list");
        assert_eq!(err.offset, 5);
    }

    #[test]
    fn type_mismatch_is_an_error() {
        let e = env(&[("q", t("core"))]);
        let x: Expr = "q < 3".parse().expect("parses");
        assert!(x.eval(&|n: &str| e.get(n).cloned()).is_err());
        let x: Expr = "q".parse().expect("parses");
        assert!(x.eval(&|n: &str| e.get(n).cloned()).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<Expr>();
        }
    }
}
