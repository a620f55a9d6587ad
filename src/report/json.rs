//! JSON: the whole analysis, explanation included; decimals as strings so nothing is lost.

use super::ReportError;
use crate::analysis::{Analysis, Dimension};
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    procura: &'static str,
    /// What the reader must know first (a lenient run, converted currencies).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notices: &'a [String],
    by: Dimension,
    #[serde(flatten)]
    analysis: &'a Analysis,
}

pub(super) fn render(a: &Analysis, by: Dimension) -> Result<Vec<u8>, ReportError> {
    let mut out = serde_json::to_vec_pretty(&Document {
        procura: env!("CARGO_PKG_VERSION"),
        notices: &a.summary.notices,
        by,
        analysis: a,
    })?;
    out.push(b'\n');
    Ok(out)
}
