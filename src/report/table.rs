//! The terminal table: the ranked objects, then the category plans and the findings.

use super::{header_lines, money_grouped, percent};
use crate::advise::Role;
use crate::analysis::{AbcResult, Analysis, Dimension};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

fn abc_cells(r: &AbcResult) -> [String; 6] {
    let (p, ps, pc) = match &r.profit {
        Some(p) => (
            money_grouped(p.value),
            percent(p.share),
            p.class.to_string(),
        ),
        None => ("—".into(), "—".into(), "—".into()),
    };
    [
        money_grouped(r.spend.value),
        percent(r.spend.share),
        percent(r.spend.cumulative_share),
        r.spend.class.to_string(),
        format!("{p} ({ps} %)"),
        pc,
    ]
}

fn finish(b: Builder, right: &[usize]) -> String {
    let mut t = b.build();
    t.with(Style::rounded());
    for &c in right {
        t.modify(Columns::one(c), Alignment::right());
    }
    t.to_string()
}

pub(super) fn render(a: &Analysis, by: Dimension) -> String {
    let mut out = header_lines(a).join("\n");
    out.push_str("\n\n");
    let abc_head = [
        "spend",
        "share %",
        "cum %",
        "ABC",
        "profit (share %)",
        "ABC profit",
    ];
    match by {
        Dimension::Supplier => {
            let mut b = Builder::default();
            let mut h = vec!["#".to_string(), "supplier".into(), "name".into()];
            h.extend(abc_head.map(String::from));
            h.extend(["cell".into(), "relationship type".into()]);
            b.push_record(h);
            for s in &a.suppliers {
                let mut row = vec![s.abc.spend.rank.to_string(), s.id.clone(), s.name.clone()];
                row.extend(abc_cells(&s.abc));
                row.extend([s.abc_cell.to_string(), s.relationship_type.id().to_string()]);
                b.push_record(row);
            }
            out.push_str(&finish(b, &[0, 3, 4, 5, 7]));
        }
        Dimension::Category => {
            let mut b = Builder::default();
            let mut h = vec!["#".to_string(), "category".into(), "name".into()];
            h.extend(abc_head.map(String::from));
            h.extend(["suppliers".into(), "relationship type".into()]);
            b.push_record(h);
            for c in &a.categories {
                let mut row = vec![c.abc.spend.rank.to_string(), c.id.clone(), c.name.clone()];
                row.extend(abc_cells(&c.abc));
                row.extend([
                    c.suppliers.len().to_string(),
                    c.classification.relationship_type.id().to_string(),
                ]);
                b.push_record(row);
            }
            out.push_str(&finish(b, &[0, 3, 4, 5, 7, 9]));
        }
        Dimension::Item => {
            let mut b = Builder::default();
            let mut h = vec!["#".to_string(), "item".into()];
            h.extend(abc_head.map(String::from));
            h.push("suppliers".into());
            b.push_record(h);
            for i in &a.items {
                let mut row = vec![i.abc.spend.rank.to_string(), i.id().to_string()];
                row.extend(abc_cells(&i.abc));
                row.push(i.suppliers.to_string());
                b.push_record(row);
            }
            out.push_str(&finish(b, &[0, 2, 3, 4, 6, 8]));
        }
    }
    out.push('\n');

    if by != Dimension::Item {
        let mut b = Builder::default();
        b.push_record([
            "category",
            "type",
            "supplier",
            "role",
            "current %",
            "proposed %",
            "why",
        ]);
        let mut any = false;
        for p in &a.advice.categories {
            for x in &p.allocations {
                if !matches!(
                    x.role,
                    Role::Main | Role::Background | Role::Backup | Role::Candidate
                ) || p.sourcing != crate::rules::SourcingPattern::Split
                {
                    continue;
                }
                any = true;
                b.push_record([
                    p.category.clone(),
                    p.relationship_type.id().to_string(),
                    x.supplier_id.to_string(),
                    x.role.id().to_string(),
                    percent(x.current_share),
                    x.proposed_share
                        .map(percent)
                        .unwrap_or_else(|| "occasional".into()),
                    x.reason.to_string(),
                ]);
            }
        }
        if any {
            out.push_str("\nSourcing splits (partial competition, main/background/backup):\n");
            out.push_str(&finish(b, &[4, 5]));
            out.push('\n');
            for p in &a.advice.categories {
                for m in &p.moves {
                    out.push_str(&format!("  {}: {}\n", p.category, m.text()));
                }
            }
        }
    }
    if !a.findings.is_empty() {
        out.push_str("\nFindings:\n");
        for f in &a.findings {
            out.push_str(&format!("  [{}] {}\n", f.id, f.message));
        }
    }
    out
}
