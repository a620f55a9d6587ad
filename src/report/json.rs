//! JSON: the whole analysis, explanation included; decimals as strings so nothing is lost.

use super::ReportError;
use crate::analysis::{Analysis, Dimension};
use serde::Serialize;
use std::io::Write;

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
    let mut out = Vec::new();
    write(a, by, &mut out)?;
    Ok(out)
}

/// [`render`], written to `out` as it is made (`out` is best buffered: the writer makes
/// many small writes).
pub(super) fn write(a: &Analysis, by: Dimension, out: &mut dyn Write) -> Result<(), ReportError> {
    let doc = Document {
        procura: env!("CARGO_PKG_VERSION"),
        notices: &a.summary.notices,
        by,
        analysis: a,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}
