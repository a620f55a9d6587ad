//! The stages wired together, for the CLI and for programs that embed procura.

use crate::analysis::{self, Analysis, AnalysisError, Finding};
use crate::ledger::{self, FileReport, LedgerError};
use crate::profiles::{Profiles, ProfilesError};
use crate::profit;
use crate::rules::{RuleSet, RulesError};
use crate::spend::SpendCube;
use std::path::PathBuf;

/// What to analyse.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Ledger files; read as one ledger.
    pub ledgers: Vec<PathBuf>,
    /// A profiles file.
    pub profiles: Option<PathBuf>,
    /// A profit file, keyed by item or category.
    pub profit: Option<PathBuf>,
}

/// Any error of the whole run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// In a ledger or profit file.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// In the rules.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// In the profiles.
    #[error(transparent)]
    Profiles(#[from] ProfilesError),
    /// In the analysis.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// No ledger was given.
    #[error("no ledger file given: expected at least one CSV file")]
    NoLedger,
}

/// The ledgers read into one cube, with what each read did.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// The aggregated ledger.
    pub cube: SpendCube,
    /// One report per file.
    pub files: Vec<FileReport>,
    /// Findings from reading (e.g. profit allocation).
    pub findings: Vec<Finding>,
}

/// Reads ledgers (and the profit file) into one spend cube.
pub fn read(inputs: &Inputs) -> Result<Ledger, Error> {
    if inputs.ledgers.is_empty() {
        return Err(Error::NoLedger);
    }
    let mut out = Ledger::default();
    for path in &inputs.ledgers {
        out.files.push(ledger::read_ledger(path, &mut out.cube)?);
    }
    if out.cube.currencies.len() > 1 {
        return Err(LedgerError::MixedCurrencies {
            currencies: out.cube.currencies.clone(),
        }
        .into());
    }
    if let Some(p) = &inputs.profit {
        let table = profit::read_profit_file(p)?;
        if out.cube.has_profit {
            out.findings.push(Finding {
                id: "profit-replaced".into(),
                subject: p.display().to_string(),
                message: format!("the ledger's profit column is replaced by {}", p.display()),
            });
        }
        out.findings.extend(profit::allocate(&mut out.cube, &table));
    }
    Ok(out)
}

/// Reads everything and runs the analysis.
pub fn run(inputs: &Inputs, rules: &RuleSet) -> Result<Analysis, Error> {
    let profiles = match &inputs.profiles {
        Some(p) => Profiles::from_path(p, rules)?,
        None => Profiles::default(),
    };
    let ledger = read(inputs)?;
    let mut a = analysis::analyze(&ledger.cube, rules, &profiles)?;
    a.findings.extend(ledger.findings);
    a.findings.sort();
    Ok(a)
}

/// Reads everything and runs the analysis, keeping what each ledger file read did (for the
/// data-quality section of the full reports).
pub fn run_with_files(
    inputs: &Inputs,
    rules: &RuleSet,
) -> Result<(Analysis, Vec<FileReport>), Error> {
    let profiles = match &inputs.profiles {
        Some(p) => Profiles::from_path(p, rules)?,
        None => Profiles::default(),
    };
    let ledger = read(inputs)?;
    let mut a = analysis::analyze(&ledger.cube, rules, &profiles)?;
    a.findings.extend(ledger.findings);
    a.findings.sort();
    Ok((a, ledger.files))
}
