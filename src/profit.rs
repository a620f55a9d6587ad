//! Profit from a separate file (`--profit FILE`), allocated to the suppliers of each item or
//! category in proportion to their spend on it.
//!
//! The file is CSV with a header: a key column `item_id` or `category`, and `profit`.
//! Profit means the gross profit the purchased goods take part in — the profit dimension
//! of ABC is the share in total profit, never the margin.

use crate::analysis::Finding;
use crate::ledger::{LedgerError, Position};
use crate::spend::{CellKey, SpendCube};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

/// What a profit file is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfitKey {
    /// Per item.
    Item,
    /// Per category.
    Category,
}

/// Profit per item or per category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfitTable {
    /// The key.
    pub key: ProfitKey,
    /// Profit per key.
    pub profit: BTreeMap<String, Decimal>,
}

/// Reads a profit file.
pub fn read_profit_file(path: &Path) -> Result<ProfitTable, LedgerError> {
    let file = std::fs::File::open(path).map_err(|source| LedgerError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    read_profit_from(path, file)
}

/// Reads a profit table from any reader; `name` is used in messages.
pub fn read_profit_from(name: &Path, r: impl std::io::Read) -> Result<ProfitTable, LedgerError> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(r);
    let mut records = rdr.records();
    let malformed = |e: csv::Error| LedgerError::Malformed {
        at: Position {
            file: name.to_path_buf(),
            line: e.position().map(|p| p.line()).unwrap_or(0),
            column: None,
        },
        message: e.to_string(),
    };
    let header = match records.next() {
        Some(h) => h.map_err(malformed)?,
        None => {
            return Err(LedgerError::Empty {
                file: name.to_path_buf(),
            });
        }
    };
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let find = |n: &str| names.iter().position(|h| h == n);
    let (key, key_col) = match (find("item_id"), find("category")) {
        (Some(i), _) => (ProfitKey::Item, i),
        (None, Some(c)) => (ProfitKey::Category, c),
        _ => {
            return Err(LedgerError::MissingColumn {
                file: name.to_path_buf(),
                missing: crate::ledger::Field::ItemId,
                found: names,
            });
        }
    };
    let Some(profit_col) = find("profit") else {
        return Err(LedgerError::MissingColumn {
            file: name.to_path_buf(),
            missing: crate::ledger::Field::Profit,
            found: names,
        });
    };
    let mut profit = BTreeMap::new();
    // The absolute profits so far: kept within the ledgers' money limit, so that the
    // allocation and every sum of profit stay exact.
    let mut magnitude = Decimal::ZERO;
    for rec in records {
        let rec = rec.map_err(malformed)?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let k = rec.get(key_col).unwrap_or("").trim();
        let v = rec.get(profit_col).unwrap_or("").trim();
        if k.is_empty() && v.is_empty() {
            continue;
        }
        let at = |col: usize| Position {
            file: name.to_path_buf(),
            line,
            column: Some((col + 1, names[col].clone())),
        };
        if k.is_empty() {
            return Err(LedgerError::BadValue {
                at: at(key_col),
                value: String::new(),
                problem: "is empty: expected an id".into(),
            });
        }
        let d = Decimal::from_str(v).map_err(|_| LedgerError::BadValue {
            at: at(profit_col),
            value: crate::ledger::shown(v),
            problem: "is not a number: expected the profit as a number like 1234.56".into(),
        })?;
        magnitude = magnitude
            .checked_add(d.abs())
            .filter(|m| *m <= crate::ledger::MONEY_LIMIT)
            .ok_or_else(|| LedgerError::BadValue {
                at: at(profit_col),
                value: crate::ledger::shown(v),
                problem: format!(
                    "is too large: with it the file's profits would add up to more than {:e} in absolute value, the most procura sums exactly",
                    crate::ledger::MONEY_LIMIT
                ),
            })?;
        if profit.insert(k.to_string(), d).is_some() {
            return Err(LedgerError::BadValue {
                at: at(key_col),
                value: crate::ledger::shown(k),
                problem: "appears twice: expected each id once".into(),
            });
        }
    }
    Ok(ProfitTable { key, profit })
}

/// Replaces the cube's profit with the table's, allocated to the cells of each item or
/// category in proportion to their spend (equally where that spend is not positive). The
/// allocation preserves each key's profit exactly: the last cell takes the remainder.
pub fn allocate(cube: &mut SpendCube, table: &ProfitTable) -> Vec<Finding> {
    let mut findings = Vec::new();
    let key_name = |cube: &SpendCube, k: &CellKey| -> String {
        match table.key {
            ProfitKey::Item => cube.items.name(k.item).to_string(),
            ProfitKey::Category => cube.categories.name(k.category).to_string(),
        }
    };
    let mut groups: BTreeMap<String, Vec<(CellKey, Decimal)>> = BTreeMap::new();
    for (k, c) in &cube.cells {
        groups
            .entry(key_name(cube, k))
            .or_default()
            .push((*k, c.spend));
    }
    let mut new_profit: BTreeMap<CellKey, Decimal> = BTreeMap::new();
    for (id, cells) in &mut groups {
        cells.sort();
        let Some(&p) = table.profit.get(id) else {
            continue;
        };
        let positive: Decimal = cells.iter().map(|c| c.1.max(Decimal::ZERO)).sum();
        let n = Decimal::from(cells.len());
        if positive <= Decimal::ZERO {
            findings.push(Finding {
                id: "profit-equal-split".into(),
                subject: id.clone(),
                message: format!("{id} has no positive spend: its profit is split equally among its {} suppliers", cells.len()),
            });
        }
        let mut given = Decimal::ZERO;
        for (i, (k, spend)) in cells.iter().enumerate() {
            let part = if i + 1 == cells.len() {
                p - given
            } else if positive > Decimal::ZERO {
                let spend = *spend.max(&Decimal::ZERO);
                // Multiplied first, so that the share is exact where it fits; a product
                // beyond a Decimal takes the share first (the last cell takes the rest,
                // so the key's profit is kept exactly either way).
                p.checked_mul(spend)
                    .and_then(|x| x.checked_div(positive))
                    .unwrap_or_else(|| p * (spend / positive))
            } else {
                p / n
            };
            given += part;
            new_profit.insert(*k, part);
        }
    }
    for id in table.profit.keys() {
        if !groups.contains_key(id) {
            findings.push(Finding {
                id: "profit-unmatched".into(),
                subject: id.clone(),
                message: format!("the profit file names {id}, which the ledger does not have: its profit is not used"),
            });
        }
    }
    cube.set_profit(|k, _| new_profit.get(k).copied().unwrap_or_default());
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spend::PurchaseLine;

    #[test]
    fn profit_is_allocated_by_spend_and_sums_are_kept() {
        let mut cube = SpendCube::default();
        for (s, amount) in [("A", 300), ("B", 600), ("C", 100)] {
            cube.add(&PurchaseLine {
                supplier_id: s,
                supplier_name: None,
                category: "RAW",
                item_id: "I1",
                amount: Decimal::from(amount),
                profit: None,
                date: None,
                currency: None,
            });
        }
        let t = read_profit_from(
            Path::new("p.csv"),
            "item_id,profit\nI1,1000\nI9,5\n".as_bytes(),
        )
        .expect("reads");
        let f = allocate(&mut cube, &t);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].id, "profit-unmatched");
        let per = cube.sum_by(|k| cube.suppliers.name(k.supplier).to_string());
        assert_eq!(per["A"].profit, Decimal::from(300));
        assert_eq!(per["B"].profit, Decimal::from(600));
        assert_eq!(per["C"].profit, Decimal::from(100));
        assert_eq!(cube.total_profit(), Decimal::from(1000));
    }

    #[test]
    fn large_profits_are_allocated_without_overflow_and_too_large_ones_refused() {
        let big = "100000000000000000000"; // 10^20, the limit
        let t = read_profit_from(
            Path::new("p.csv"),
            format!("category,profit\nRAW,{big}\n").as_bytes(),
        )
        .expect("at the limit");
        let mut cube = SpendCube::default();
        for (s, amount) in [("A", "30000000000000000000"), ("B", "70000000000000000000")] {
            cube.add(&PurchaseLine {
                supplier_id: s,
                supplier_name: None,
                category: "RAW",
                item_id: "",
                amount: amount.parse().expect("amount"),
                profit: None,
                date: None,
                currency: None,
            });
        }
        // 10^20 × 3·10^19 does not fit in a Decimal: the share is taken first.
        allocate(&mut cube, &t);
        assert_eq!(cube.total_profit(), big.parse::<Decimal>().expect("d"));
        let a = cube
            .cells
            .iter()
            .find(|(k, _)| k.supplier == 0)
            .map(|(_, c)| c.profit);
        assert_eq!(a, Some("30000000000000000000".parse().expect("d")));

        let e = read_profit_from(
            Path::new("p.csv"),
            format!("category,profit\nRAW,{big}\nPKG,-0.01\n").as_bytes(),
        )
        .expect_err("beyond the limit");
        assert!(
            e.to_string()
                .starts_with("p.csv:3, column 2 (profit): \"-0.01\" is too large"),
            "{e}"
        );
    }

    #[test]
    fn bad_profit_values_are_positioned() {
        let e = read_profit_from(Path::new("p.csv"), "category,profit\nRAW,12x\n".as_bytes())
            .expect_err("bad");
        assert_eq!(
            e.to_string(),
            "p.csv:2, column 2 (profit): \"12x\" is not a number: expected the profit as a number like 1234.56"
        );
    }
}
