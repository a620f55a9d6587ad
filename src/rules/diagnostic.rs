//! Problems found in rule files, as typed values a program can inspect, and their rendering
//! for people (the source line with a caret under the problem, and a hint).

use serde::Serialize;
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The rules cannot be used.
    Error,
    /// The rules can be used, but something in them is probably not what was meant.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn id(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in a rule file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable kebab-case id of the kind of problem (e.g. `unknown-key`), for programs and grep.
    pub code: &'static str,
    /// What is wrong, with the offending value and what was expected.
    pub message: String,
    /// The rule file (a path, or `<default rules>`).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte range in the file.
    pub span: Range<usize>,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    /// One line: `file:line:column: error[code]: message (hint: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file.display(),
            self.line,
            self.column,
            self.severity.id(),
            self.code,
            self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// The text of one rule file, kept so that problems can be shown in their context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSource {
    /// The file (a path, or `<default rules>`).
    pub name: PathBuf,
    /// Its text.
    pub text: String,
}

impl RuleSource {
    /// A rule file's text under a name.
    pub fn new(name: impl Into<PathBuf>, text: impl Into<String>) -> RuleSource {
        RuleSource {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The shipped default rules.
    pub fn default_rules() -> RuleSource {
        RuleSource::new(super::DEFAULT_RULES_NAME, super::DEFAULT_RULES)
    }

    /// Reads a rule file; a file that cannot be read is a diagnostic too.
    pub fn read(path: &Path) -> Result<RuleSource, RulesError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(RuleSource::new(path, text)),
            Err(e) => Err(RulesError {
                diagnostics: vec![Diagnostic {
                    severity: Severity::Error,
                    code: "cannot-read",
                    message: match e.kind() {
                        std::io::ErrorKind::InvalidData => {
                            "cannot read the rule file: it is not UTF-8 text".to_string()
                        }
                        _ => format!("cannot read the rule file: {e}"),
                    },
                    file: path.to_path_buf(),
                    line: 1,
                    column: 1,
                    span: 0..0,
                    hint: Some(
                        "a rule file is TOML text in UTF-8; save it as UTF-8 from the editor"
                            .into(),
                    )
                    .filter(|_| e.kind() == std::io::ErrorKind::InvalidData),
                }],
                sources: Vec::new(),
            }),
        }
    }
}

/// The rules could not be loaded: every problem found, with the texts they point into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesError {
    /// Every problem, errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The rule files the diagnostics point into.
    pub sources: Vec<RuleSource>,
}

impl RulesError {
    /// The errors (not the warnings).
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// Renders every diagnostic with its source line and caret.
    pub fn render(&self, color: bool) -> String {
        render(&self.diagnostics, &self.sources, color)
    }
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors().count();
        write!(
            f,
            "the rules have {n} error{}:\n{}",
            if n == 1 { "" } else { "s" },
            self.render(false).trim_end()
        )
    }
}

impl std::error::Error for RulesError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const CYAN: &str = "\x1b[1;36m";

/// Renders diagnostics for people, in the style of compilers:
///
/// ```text
/// error[unknown-key]: unknown key `a-cutof` in [abc]
///   --> company.toml:3:1
///    |
///  3 | a-cutof = 70
///    | ^^^^^^^
///    = hint: did you mean `a-cutoff`?
/// ```
///
/// `color` adds ANSI colours; the caller decides (a terminal, and no `NO_COLOR`).
pub fn render(diagnostics: &[Diagnostic], sources: &[RuleSource], color: bool) -> String {
    let paint = |code: &'static str| if color { code } else { "" };
    let reset = paint(RESET);
    let mut out = String::new();
    for d in diagnostics {
        let sev = match d.severity {
            Severity::Error => paint(RED),
            Severity::Warning => paint(YELLOW),
        };
        let _ = writeln!(
            out,
            "{sev}{}[{}]{reset}{}: {}{reset}",
            d.severity.id(),
            d.code,
            paint(BOLD),
            d.message
        );
        let source = sources.iter().find(|s| s.name == d.file);
        let line_text = source.and_then(|s| s.text.lines().nth(d.line.saturating_sub(1)));
        let width = d.line.to_string().len().max(2);
        let blue = paint(BLUE);
        let _ = writeln!(
            out,
            "{:width$}{blue}-->{reset} {}:{}:{}",
            "",
            d.file.display(),
            d.line,
            d.column
        );
        if let Some(text) = line_text {
            let text = text.trim_end_matches('\r');
            let _ = writeln!(out, "{:width$} {blue}|{reset}", "");
            let _ = writeln!(out, "{blue}{:>width$} |{reset} {text}", d.line);
            // The caret covers the span on this line, at least one character.
            let start_col = d.column.saturating_sub(1);
            let line_chars = text.chars().count();
            let span_chars = source
                .and_then(|s| s.text.get(d.span.clone()))
                .map(|t| t.split('\n').next().unwrap_or("").chars().count())
                .unwrap_or(0);
            let len = span_chars.min(line_chars.saturating_sub(start_col)).max(1);
            let pad: String = text
                .chars()
                .take(start_col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(
                out,
                "{:width$} {blue}|{reset} {pad}{sev}{}{reset}",
                "",
                "^".repeat(len)
            );
        }
        if let Some(h) = &d.hint {
            let _ = writeln!(
                out,
                "{:width$} {blue}={reset} {}hint{reset}: {h}",
                "",
                paint(CYAN)
            );
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(span: Range<usize>, text: &str) -> Diagnostic {
        let (line, column) = line_col(text, span.start);
        Diagnostic {
            severity: Severity::Error,
            code: "unknown-key",
            message: "unknown key `a-cutof` in [abc]".into(),
            file: "x.toml".into(),
            line,
            column,
            span,
            hint: Some("did you mean `a-cutoff`?".into()),
        }
    }

    #[test]
    fn renders_the_line_with_a_caret_under_the_span() {
        let text = "[abc]\na-cutof = 70\n";
        let out = render(
            &[diag(6..13, text)],
            &[RuleSource::new("x.toml", text)],
            false,
        );
        assert_eq!(
            out,
            "error[unknown-key]: unknown key `a-cutof` in [abc]\n  --> x.toml:2:1\n   |\n 2 | a-cutof = 70\n   | ^^^^^^^\n   = hint: did you mean `a-cutoff`?\n\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let text = "[abc]\na-cutof = 70\n";
        let sources = [RuleSource::new("x.toml", text)];
        assert!(!render(&[diag(6..13, text)], &sources, false).contains('\x1b'));
        assert!(render(&[diag(6..13, text)], &sources, true).contains("\x1b[1;31m"));
    }

    #[test]
    fn line_col_counts_characters_and_survives_odd_offsets() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ä = 1", 2), (1, 2));
        assert_eq!(line_col("ä", 1), (1, 1));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
