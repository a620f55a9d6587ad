//! The stages wired together, for the CLI and for programs that embed procura.

use crate::analysis::{self, Analysis, AnalysisError, Finding};
use crate::ledger::quality::{self, QualityFinding, QualityReport};
use crate::ledger::{self, FileReport, LedgerError, ReadOptions};
use crate::profiles::{Profiles, ProfilesError};
use crate::profit;
use crate::rules::{RuleSet, RulesError};
use crate::spend::SpendCube;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What to analyse.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Ledger files; read as one ledger.
    pub ledgers: Vec<PathBuf>,
    /// A profiles file.
    pub profiles: Option<PathBuf>,
    /// A profit file, keyed by item or category.
    pub profit: Option<PathBuf>,
    /// How to read the ledgers (encoding, delimiter, number and date conventions, columns).
    pub read: ReadOptions,
    /// An exchange-rates file converting every currency to one reporting currency.
    pub fx: Option<PathBuf>,
    /// Leave rejected rows out instead of stopping; every output then says so first.
    pub lenient: bool,
    /// Bytes of the ledgers read so far, counted as the read goes, for a progress display
    /// (the library only counts; the CLI draws the bar).
    pub progress: Option<Arc<AtomicU64>>,
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
    /// Data-quality findings over all files (supplier identities).
    pub quality: Vec<QualityFinding>,
    /// What every output must say first: rows left out by `--lenient`, currencies
    /// converted.
    pub notices: Vec<String>,
}

/// Reads every ledger and accounts for every row, without judging: rejected rows are in
/// the file reports, and the cube has the used rows. This is what `procura check` shows.
///
/// Clean files take the fast path like [`read`]'s: its file report is the general
/// reader's (tests compare them whole), and a 10M-line ledger is checked in seconds; both
/// readers stream the file, in memory that does not grow with it.
pub fn inspect(inputs: &Inputs) -> Result<Ledger, Error> {
    let mut out = read_files(inputs)?;
    out.quality = quality::identity_findings(&out.files);
    Ok(out)
}

/// [`inspect`] without the supplier-identity findings over the files.
fn read_files(inputs: &Inputs) -> Result<Ledger, Error> {
    if inputs.ledgers.is_empty() {
        return Err(Error::NoLedger);
    }
    let mut options = inputs.read.clone();
    if let Some(p) = &inputs.fx {
        options.fx = Some(ledger::fx::FxTable::from_path(p)?);
    }
    let mut out = Ledger::default();
    for path in &inputs.ledgers {
        let progress = inputs.progress.as_deref();
        out.files
            .push(read_file(path, &options, progress, &mut out.cube)?);
    }
    let rejected: u64 = out.files.iter().map(|f| f.rows_rejected).sum();
    if rejected > 0 && inputs.lenient {
        let used: u64 = out.files.iter().map(|f| f.rows_used).sum();
        out.notices.push(format!(
            "LENIENT RUN: {rejected} rejected row{} left out of the analysis ({used} rows used); run `procura check` on the same files for what to fix",
            if rejected == 1 { " was" } else { "s were" }
        ));
    }
    if let Some(fx) = &options.fx {
        let mut used: Vec<String> = Vec::new();
        for f in &out.files {
            for u in &f.fx_used {
                let s = format!(
                    "{} {} ({})",
                    u.currency,
                    u.rate.normalize(),
                    u.from
                        .as_ref()
                        .map_or("undated".to_string(), |d| format!("from {d}"))
                );
                if !used.contains(&s) {
                    used.push(s);
                }
            }
        }
        used.sort();
        out.notices.push(format!(
            "amounts converted to {} with rates from {}: {}",
            fx.reporting(),
            fx.source,
            if used.is_empty() {
                "none needed".to_string()
            } else {
                used.join(", ")
            }
        ));
    }
    Ok(out)
}

/// Reads one ledger file into `cube`: the one place where a file meets a reader.
///
/// With default options (nothing given on the command line, no exchange rates), a clean
/// UTF-8 ledger (comma-separated with decimal points, or semicolon-separated with decimal
/// commas as 1C and European Excel write them) is read by the fast path, whose report is
/// the general reader's; anything it does not handle is read by the general reader.
fn read_file(
    path: &std::path::Path,
    options: &ReadOptions,
    progress: Option<&AtomicU64>,
    cube: &mut SpendCube,
) -> Result<FileReport, Error> {
    let before = progress.map(|p| p.load(Ordering::Relaxed));
    if let Some(fast) = ledger::FastOptions::reading(options)
        && let Some((read, report)) =
            ledger::read_ledger_fast(path, ledger::FastOptions { progress, ..fast })
    {
        if cube.suppliers.is_empty() && cube.cells.is_empty() && cube.currencies.is_empty() {
            *cube = read;
        } else {
            cube.merge(read);
        }
        return Ok(report);
    }
    // What a fast attempt counted before handing the file over is taken back: the
    // general reader counts the file again, over its passes.
    if let (Some(p), Some(before)) = (progress, before) {
        p.store(before, Ordering::Relaxed);
    }
    let report = match progress {
        Some(p) => ledger::read_ledger_with_progress(path, options, p, cube)?,
        None => ledger::read_ledger_with(path, options, cube)?,
    };
    // The passes leave a few bytes uncounted (each one's last third of a byte, a byte
    // order mark): the file counts whole.
    if let (Some(p), Some(before)) = (progress, before) {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        p.store(before + size, Ordering::Relaxed);
    }
    Ok(report)
}

/// The data-quality report of [`inspect`]: per-file accounts and identity findings.
pub fn quality_report(ledger: &Ledger) -> QualityReport {
    QualityReport {
        notices: ledger.notices.clone(),
        files: ledger.files.clone(),
        findings: ledger.quality.clone(),
    }
}

/// Reads ledgers (and the profit file) into one spend cube. Strict unless
/// `inputs.lenient`: any rejected row is an error listing what to fix.
pub fn read(inputs: &Inputs) -> Result<Ledger, Error> {
    let mut out = inspect(inputs)?;
    accept(inputs, &out)?;
    quality_findings(&mut out);
    add_profit(inputs, &mut out)?;
    Ok(out)
}

/// Refuses what a run cannot analyse: rejected rows (unless lenient), several currencies.
fn accept(inputs: &Inputs, out: &Ledger) -> Result<(), Error> {
    if !inputs.lenient && out.files.iter().any(|f| f.rows_rejected > 0) {
        return Err(LedgerError::Rejected {
            files: out.files.clone(),
        }
        .into());
    }
    if out.cube.currencies.len() > 1 {
        return Err(LedgerError::MixedCurrencies {
            currencies: out.cube.currencies.clone(),
        }
        .into());
    }
    Ok(())
}

/// The data-quality findings every output shows: identities, and rows with warnings.
fn quality_findings(out: &mut Ledger) {
    for q in &out.quality {
        out.findings.push(Finding {
            id: format!("data-{}", q.kind),
            subject: q.first_place().unwrap_or_default(),
            message: q.message.clone(),
        });
    }
    let warned: u64 = out.files.iter().map(|f| f.warning_count).sum();
    if warned > 0 {
        out.findings.push(Finding {
            id: "data-row-warnings".into(),
            subject: out
                .files
                .iter()
                .find(|f| !f.warnings.is_empty())
                .map(|f| f.file.clone())
                .unwrap_or_default(),
            message: format!(
                "{warned} ledger rows have warnings (e.g. quantity × price differs from the amount); run `procura check` to see them"
            ),
        });
    }
}

/// Allocates the profit file's figures to the cube's cells.
fn add_profit(inputs: &Inputs, out: &mut Ledger) -> Result<(), Error> {
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
    Ok(())
}

/// Reads everything and runs the analysis.
pub fn run(inputs: &Inputs, rules: &RuleSet) -> Result<Analysis, Error> {
    run_with_files(inputs, rules).map(|(a, _)| a)
}

/// Reads everything and runs the analysis, keeping what each ledger file read did (for the
/// data-quality section of the full reports). The identity findings over the files are in
/// the analysis' findings; the file reports come back without their
/// [`identities`](FileReport::identities), which the findings used up.
pub fn run_with_files(
    inputs: &Inputs,
    rules: &RuleSet,
) -> Result<(Analysis, Vec<FileReport>), Error> {
    let profiles = match &inputs.profiles {
        Some(p) => Profiles::from_path(p, rules)?,
        None => Profiles::default(),
    };
    // What `read` does, with the identity findings over the files made while the
    // analysis ranks the items, not on the way from the read to the analysis. On a thread
    // of their own they ran as a third thread on two cores, and held their working set
    // and the identities at the analysis' peak.
    let mut ledger = read_files(inputs)?;
    accept(inputs, &ledger)?;
    let mut files = std::mem::take(&mut ledger.files);
    add_profit(inputs, &mut ledger)?;
    let cube = std::mem::take(&mut ledger.cube);
    let (analysed, identities) = analysis::analyze_with(cube, rules, &profiles, move || {
        let found = quality::identity_findings(&files);
        // Made into findings, the per-file identities (every supplier id with its names
        // and first lines: 7.9 MB at 10M lines) are let go before the advice is made.
        for f in &mut files {
            f.identities = quality::Identities::default();
        }
        (found, files)
    });
    (ledger.quality, ledger.files) = identities;
    let mut a = analysed?;
    quality_findings(&mut ledger);
    a.summary.notices = ledger.notices;
    a.findings.extend(ledger.findings);
    a.findings.sort();
    Ok((a, ledger.files))
}
