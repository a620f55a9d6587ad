//! `procura rules check` and `procura rules show`: for the people who edit rule files.

use super::{Failure, RulesArgs, exit, output};
use clap::{Args, Subcommand, ValueEnum};
use procura::rules::{self, RuleSource, Severity};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check rule files and list every problem with its file, line, column and a hint. The
    /// files are layered on the shipped default in order, as `--rules` would; exit 0 when
    /// there is no error (warnings allowed), 3 otherwise.
    Check(CheckArgs),
    /// Print the effective rules (the shipped default with the `--rules` files layered on
    /// top), each value followed by the file and line it came from.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The rule files; none checks the shipped default alone.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Check the files without the shipped default under them: the first file must be complete.
    #[arg(long)]
    pub no_default_rules: bool,
    /// How to print the problems.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    /// For people: the source line with a caret and a hint.
    Text,
    /// For programs: a JSON array of diagnostics.
    Json,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub rules: RulesArgs,
}

/// Runs `procura rules …`.
pub fn run(c: RulesCommand) -> Result<(), Failure> {
    match c {
        RulesCommand::Check(a) => check(a),
        RulesCommand::Show(a) => show(a),
    }
}

fn color_stdout() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn check(a: CheckArgs) -> Result<(), Failure> {
    if a.no_default_rules && a.files.is_empty() {
        return Err(Failure {
            code: exit::USAGE,
            message: "--no-default-rules needs at least one rule file".into(),
        });
    }
    let args = RulesArgs {
        files: a.files.clone(),
        no_default_rules: a.no_default_rules,
    };
    let sources: Vec<RuleSource> = args.sources()?;
    let checked = rules::check(sources);
    let errors = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = checked.diagnostics.len() - errors;
    let text = match a.format {
        CheckFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&checked.diagnostics).map_err(|e| Failure {
                    code: exit::OUTPUT,
                    message: e.to_string(),
                })?;
            s.push('\n');
            s
        }
        CheckFormat::Text => {
            let mut s = rules::render(&checked.diagnostics, &checked.sources, color_stdout());
            let names: Vec<String> = checked
                .sources
                .iter()
                .map(|s| s.name.display().to_string())
                .collect();
            s.push_str(&format!(
                "{}: {} error{}, {} warning{}\n",
                names.join(" + "),
                errors,
                if errors == 1 { "" } else { "s" },
                warnings,
                if warnings == 1 { "" } else { "s" },
            ));
            s
        }
    };
    output::write(None, text.as_bytes())?;
    if errors > 0 {
        Err(Failure {
            code: exit::RULES,
            message: format!(
                "{errors} error{} in the rules",
                if errors == 1 { "" } else { "s" }
            ),
        })
    } else {
        Ok(())
    }
}

fn show(a: ShowArgs) -> Result<(), Failure> {
    let checked = rules::check(a.rules.sources()?);
    if checked.has_errors() {
        return Err(super::rules_failure(&procura::rules::RulesError {
            diagnostics: checked.diagnostics,
            sources: checked.sources,
        }));
    }
    output::write(None, checked.show().as_bytes())
}
