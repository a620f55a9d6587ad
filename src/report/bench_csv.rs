//! The benchmark's CSV: `supplier_id,spend,share,cum_share,class` in spend rank order, the
//! output format of the reference job in `../shared/bench/` (its `compare.py` reads it).
//! Spend with 2 decimals, shares exact; `--by category` and `--by item` name the first
//! column `category` and `item_id`.

use super::{ReportError, exact, money};
use crate::analysis::{AbcResult, Analysis, Dimension};

pub(super) fn render(a: &Analysis, by: Dimension) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::with_capacity(64 * (a.suppliers.len() + 1)));
    let (id, rows): (&str, Box<dyn Iterator<Item = &AbcResult>>) = match by {
        Dimension::Supplier => ("supplier_id", Box::new(a.suppliers.iter().map(|s| &s.abc))),
        Dimension::Category => ("category", Box::new(a.categories.iter().map(|c| &c.abc))),
        Dimension::Item => ("item_id", Box::new(a.items.iter().map(|i| &i.abc))),
    };
    w.write_record([id, "spend", "share", "cum_share", "class"])?;
    for r in rows {
        let e = &r.spend;
        w.write_record([
            &*e.id,
            &money(e.value),
            &exact(e.share),
            &exact(e.cumulative_share),
            &e.class.to_string(),
        ])?;
    }
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| ReportError::Csv(csv::Error::from(e.into_error())))
}
