//! Markdown: the sections of the HTML report, to paste into a wiki or an e-mail; and the
//! one-supplier report.

use super::sections::{self, Table};
use super::supplier::{display_name, roles, why};
use super::text::Text;
use super::{Context, header_lines, money_grouped, percent};
use crate::analysis::{Analysis, SupplierResult};

/// Escapes the characters that would break a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// A table with a heading at `level` (`##`, `###`); nothing for an empty table except a line
/// that says so, so that a reader knows the section was not forgotten.
fn table(o: &mut impl Text, t: &Table, level: &str) {
    o.push_str(&format!("\n{level} {}\n\n", cell(&t.title)));
    if t.rows.is_empty() {
        o.push_str("(none)\n");
        return;
    }
    o.push('|');
    for h in &t.head {
        o.push_str(&format!(" {} |", cell(h)));
    }
    o.push_str("\n|");
    for numeric in t.numeric_columns() {
        o.push_str(if numeric { "---:|" } else { "---|" });
    }
    o.push('\n');
    for r in t.rows.iter() {
        o.push('|');
        for c in r.iter() {
            o.push_str(&format!(" {} |", cell(&c.shown())));
        }
        o.push('\n');
    }
}

/// The first lines every full report starts with.
fn headline(a: &Analysis) -> String {
    let a_suppliers = a
        .suppliers
        .iter()
        .filter(|s| s.abc.spend.class == crate::abc::AbcClass::A);
    let (n, share) = a_suppliers.fold((0usize, rust_decimal::Decimal::ZERO), |(n, sh), s| {
        (n + 1, sh + s.abc.spend.share)
    });
    format!(
        "{n} of {} suppliers (class A) make up {} % of spend.",
        a.suppliers.len(),
        percent(share)
    )
}

/// The full report: every section, whatever dimension was asked.
pub(super) fn report(o: &mut impl Text, a: &Analysis, ctx: &Context<'_>) {
    let cur = a.summary.currency.as_deref().unwrap_or("");
    o.push_str("# Supplier report\n\n");
    for l in header_lines(a) {
        o.push_str(&format!("- {}\n", cell(&l)));
    }
    o.push_str(&format!("\n{}\n", headline(a)));

    o.push_str("\n## ABC Pareto curve\n");
    table(o, &sections::classes(a), "###");

    o.push_str("\n## Portfolio matrix\n");
    if let Some(t) = sections::spend_profit(a) {
        table(o, &t, "###");
    }
    table(o, &sections::risk_by_type(a, ctx), "###");

    table(o, &sections::suppliers(a), "##");
    table(o, &sections::categories(a), "##");

    o.push_str("\n## Sourcing splits\n");
    for p in &a.advice.categories {
        o.push_str(&format!(
            "\n### {} — {} ({} {cur}, top supplier {} %, HHI {})\n\nRule: `{}`\n\n",
            cell(&p.category),
            p.relationship_type,
            money_grouped(p.spend),
            percent(p.top_share),
            p.hhi.round_dp(0),
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
                    cell(&x.why())
                ));
            }
            o.push('\n');
        }
        for m in &p.moves {
            o.push_str(&format!("- {}\n", cell(&m.text())));
        }
        for n in &p.notes {
            o.push_str(&format!("- {}\n", cell(n)));
        }
    }

    o.push_str("\n## Advice\n");
    table(o, &sections::advice(a), "###");
    table(o, &sections::risks(a), "###");

    table(o, &sections::explanation(a), "##");
    table(o, &sections::items(a), "##");

    o.push_str("\n## Data quality\n");
    if !ctx.files.is_empty() {
        table(o, &sections::files(ctx), "###");
    }
    table(o, &sections::findings(a), "###");

    table(o, &sections::rules(a, ctx), "##");
}

/// The one-supplier report in Markdown.
pub(super) fn supplier(a: &Analysis, s: &SupplierResult) -> String {
    let cur = a.summary.currency.as_deref().unwrap_or("");
    let mut o = format!("# {} — {}\n\n", cell(&s.id), cell(display_name(s)));
    for n in &a.summary.notices {
        o.push_str(&format!("**NOTE: {}**\n\n", cell(n)));
    }
    let period = a
        .summary
        .period
        .as_ref()
        .map(|(f, t)| format!("{f} to {t}"))
        .unwrap_or_else(|| "the whole ledger".into());
    o.push_str(&format!(
        "Supplier meeting brief · period {period} · rules: {}\n\n",
        cell(&a.summary.rules)
    ));
    o.push_str("| | |\n|---|---|\n");
    o.push_str(&format!(
        "| spend | {} {cur} ({} % of spend, rank {} of {}) — class **{}** |\n",
        money_grouped(s.abc.spend.value),
        percent(s.abc.spend.share),
        s.abc.spend.rank,
        a.suppliers.len(),
        s.abc.spend.class
    ));
    match &s.abc.profit {
        Some(p) => o.push_str(&format!(
            "| profit | {} {cur} ({} % of profit) — class **{}** |\n",
            money_grouped(p.value),
            percent(p.share),
            p.class
        )),
        None => o.push_str("| profit | no profit data |\n"),
    }
    o.push_str(&format!(
        "| relationship type | **{}** |\n",
        s.relationship_type
    ));
    let plan = a.advice.supplier(&s.id);
    if let Some(p) = plan {
        o.push_str(&format!("| goal | {} |\n", cell(&p.goal)));
        o.push_str(&format!(
            "| contract / review | {} / {} |\n",
            cell(&p.contract_horizon),
            cell(&p.review)
        ));
    }
    o.push_str(&format!("\n## Why\n\n{}\n", cell(&why(a, s))));
    for x in &s.exceptions {
        o.push_str(&format!("\n- `{}`: {}\n", x.id, cell(&x.explain)));
    }

    o.push_str("\n## Categories\n\n| category | spend | share of category | share of this supplier | type | volume | method |\n|---|---:|---:|---:|---|---|---|\n");
    for p in &s.categories {
        let m = plan.and_then(|pl| pl.methods.iter().find(|m| *m.category == *p.category));
        o.push_str(&format!(
            "| {} | {} | {} % | {} % | {} | {} | {} |\n",
            cell(&p.category),
            money_grouped(p.spend),
            percent(p.share_in_category),
            percent(p.share_of_supplier_spend),
            p.classification.relationship_type,
            m.map(|m| m.band.id()).unwrap_or("—"),
            m.map(|m| cell(&m.methods.join(", ")))
                .unwrap_or_else(|| "—".into())
        ));
    }
    if let Some(p) = plan {
        o.push_str(&format!(
            "\nDecisive factor: {}.\n",
            cell(&p.decisive_factor)
        ));
        for step in p.pre_steps.iter() {
            o.push_str(&format!("- before: {}\n", cell(step)));
        }
    }

    let roles = roles(a, &s.id);
    o.push_str("\n## Split proposal\n\n");
    if roles.is_empty() {
        o.push_str("No category plan gives this supplier a role.\n");
    } else {
        o.push_str("| category | role | current | proposed | why |\n|---|---|---:|---:|---|\n");
        for (p, x) in &roles {
            o.push_str(&format!(
                "| {} | {} | {} % | {} | {} |\n",
                cell(&p.category),
                x.role.id(),
                percent(x.current_share),
                x.proposed_share
                    .map(|f| format!("{} %", percent(f)))
                    .unwrap_or_else(|| "—".into()),
                cell(&x.why())
            ));
        }
        for (p, _) in &roles {
            for m in p
                .moves
                .iter()
                .filter(|m| *m.from == *s.id || *m.to == *s.id)
            {
                o.push_str(&format!("\n- {}: {}", cell(&p.category), cell(&m.text())));
            }
        }
        o.push('\n');
    }

    o.push_str("\n## Actions\n\n");
    match plan {
        Some(p) if !p.actions.is_empty() => {
            for x in &p.actions {
                o.push_str(&format!("- {} (`{}`)\n", cell(&x.text.get()), x.rule));
            }
        }
        _ => o.push_str("(none)\n"),
    }
    o
}
