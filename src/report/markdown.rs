//! Markdown: the same sections as the table, to paste into a wiki or an e-mail.

use super::{header_lines, money_grouped, percent};
use crate::analysis::{AbcResult, Analysis, Dimension};

/// Escapes the characters that would break a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

fn abc(r: &AbcResult) -> String {
    let profit = match &r.profit {
        Some(p) => format!(
            "{} | {} | {}",
            money_grouped(p.value),
            percent(p.share),
            p.class
        ),
        None => "— | — | —".into(),
    };
    format!(
        "{} | {} | {} | {} | {profit}",
        money_grouped(r.spend.value),
        percent(r.spend.share),
        percent(r.spend.cumulative_share),
        r.spend.class
    )
}

pub(super) fn render(a: &Analysis, by: Dimension) -> String {
    let cur = a.summary.currency.as_deref().unwrap_or("");
    let mut o = String::from("# procura analysis\n\n");
    for l in header_lines(a) {
        o.push_str(&format!("- {}\n", cell(&l)));
    }
    let head = "spend | share % | cum % | ABC | profit | profit % | ABC profit";
    let sep = "---: | ---: | ---: | :-: | ---: | ---: | :-:";
    match by {
        Dimension::Supplier => {
            o.push_str(&format!("\n## Suppliers\n\n| # | supplier | name | {head} | relationship type |\n|---:|---|---|{sep}|---|\n"));
            for s in &a.suppliers {
                o.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    s.abc.spend.rank,
                    cell(&s.id),
                    cell(&s.name),
                    abc(&s.abc),
                    s.relationship_type
                ));
            }
        }
        Dimension::Category => {
            o.push_str(&format!("\n## Categories\n\n| # | category | name | {head} | suppliers | relationship type |\n|---:|---|---|{sep}|---:|---|\n"));
            for c in &a.categories {
                o.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    c.abc.spend.rank,
                    cell(&c.id),
                    cell(&c.name),
                    abc(&c.abc),
                    c.suppliers.len(),
                    c.classification.relationship_type
                ));
            }
        }
        Dimension::Item => {
            o.push_str(&format!(
                "\n## Items\n\n| # | item | {head} | suppliers |\n|---:|---|{sep}|---:|\n"
            ));
            for i in &a.items {
                o.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    i.abc.spend.rank,
                    cell(&i.id),
                    abc(&i.abc),
                    i.suppliers
                ));
            }
        }
    }
    if by != Dimension::Item {
        o.push_str("\n## Category plans\n");
        for p in &a.advice.categories {
            o.push_str(&format!(
                "\n### {} — {} ({} {cur}, top supplier {} %, HHI {})\n\nRule: `{}`\n\n",
                cell(&p.category),
                p.relationship_type,
                money_grouped(p.spend),
                percent(p.top_share),
                p.hhi,
                p.rule
            ));
            if !p.allocations.is_empty() {
                o.push_str(
                    "| supplier | role | current % | proposed % | why |\n|---|---|---:|---:|---|\n",
                );
                for x in &p.allocations {
                    o.push_str(&format!(
                        "| {} | {} | {} | {} | {} |\n",
                        cell(&x.supplier_id),
                        x.role.id(),
                        percent(x.current_share),
                        x.proposed_share.map(percent).unwrap_or_else(|| "—".into()),
                        cell(&x.why)
                    ));
                }
                o.push('\n');
            }
            for n in &p.notes {
                o.push_str(&format!("- {}\n", cell(n)));
            }
            for m in &p.moves {
                o.push_str(&format!("- {}\n", cell(&m.text)));
            }
        }
    }
    if !a.findings.is_empty() {
        o.push_str("\n## Findings\n\n");
        for f in &a.findings {
            o.push_str(&format!("- `{}` {}\n", f.id, cell(&f.message)));
        }
    }
    o
}
