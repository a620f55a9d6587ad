//! The advice report of `procura advise`: a plan per category and an action list per
//! supplier, as a terminal text, CSV, JSON or Markdown. Every recommendation is printed
//! with the stable id of the rule that produced it.

use super::text::{self, Text};
use super::{Format, ReportError, exact, header_lines, money, money_grouped, percent};
use crate::advise::{Advice, CategoryPlan, PairMethods, SupplierPlan};
use crate::analysis::{Analysis, Dimension, Summary};
use rust_decimal::Decimal;
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

/// Which parts of the advice a report shows.
#[derive(Debug, Clone, Copy)]
struct Parts {
    /// The category plans and the supply risks.
    categories: bool,
    /// The supplier plans.
    suppliers: bool,
}

impl Parts {
    /// The parts `by` asks for: `None` and `Dimension::Item` ask for both.
    fn of(by: Option<Dimension>) -> Parts {
        Parts {
            categories: by != Some(Dimension::Supplier),
            suppliers: by != Some(Dimension::Category),
        }
    }
}

/// Renders the advice of an analysis in a format. `by` limits the table, CSV and Markdown
/// to the category plans (with the supply risks) or to the supplier action lists; `None`
/// and `Dimension::Item` show both. JSON always carries everything.
pub fn render_advice(
    a: &Analysis,
    format: Format,
    by: Option<Dimension>,
) -> Result<Vec<u8>, ReportError> {
    let parts = Parts::of(by);
    match format {
        // The benchmark's format is the ABC ranking; advice has no columns in it.
        Format::BenchCsv => super::bench_csv::render(a, by.unwrap_or(Dimension::Supplier)),
        Format::Table => Ok(table(a, parts).into_bytes()),
        Format::Csv | Format::Json => {
            let mut out = Vec::new();
            write_advice(a, format, by, &mut out)?;
            Ok(out)
        }
        Format::Markdown => Ok(text::whole(|o| markdown(o, a, parts)).into_bytes()),
        // The workbook and the page are the full report, whose advice sections carry the plans.
        Format::Xlsx | Format::Html => super::render_with(
            a,
            &super::Context::default(),
            by.unwrap_or_default(),
            format,
        ),
    }
}

fn opt_percent(v: Option<Decimal>) -> String {
    v.map(percent).unwrap_or_else(|| "—".into())
}

fn opt_money(v: Option<Decimal>) -> String {
    v.map(money_grouped).unwrap_or_else(|| "—".into())
}

fn period_line(a: &Advice) -> String {
    let p = &a.period;
    match (&p.from, &p.to, p.days) {
        (Some(from), Some(to), Some(days)) => format!(
            "money to move: {} (period {from} to {to}, {days} days) [{}]",
            p.per, p.rule
        ),
        _ => format!("money to move: {} [{}]", p.per, p.rule),
    }
}

fn plan_heading(p: &CategoryPlan, cur: &str) -> String {
    format!(
        "{}{} — {}: spend {} {cur}, {} supplier{}, top supplier {} {} %, HHI {} [{}]",
        p.category,
        if p.name.is_empty() {
            String::new()
        } else {
            format!(" ({})", p.name)
        },
        p.relationship_type,
        money_grouped(p.spend),
        p.suppliers,
        if p.suppliers == 1 { "" } else { "s" },
        p.top_supplier.as_deref().unwrap_or("—"),
        percent(p.top_share),
        p.hhi.round_dp(0),
        p.rule
    )
}

fn band_text(m: &PairMethods, cur: &str) -> String {
    match (m.band_above, m.band_up_to) {
        (None, Some(to)) => format!("up to {} {cur}", money_grouped(to)),
        (Some(from), Some(to)) => {
            format!(
                "above {} up to {} {cur}",
                money_grouped(from),
                money_grouped(to)
            )
        }
        (Some(from), None) => format!("above {} {cur}", money_grouped(from)),
        (None, None) => String::new(),
    }
}

fn method_line(m: &PairMethods, cur: &str) -> String {
    let names: Vec<&str> = m
        .method_details
        .iter()
        .map(|d| {
            if d.name.is_empty() {
                d.id.as_str()
            } else {
                d.name.as_str()
            }
        })
        .collect();
    format!(
        "{} ({}): {} {} volume, {} ({}) → {}; contract: {}; review: {} [{}]",
        m.category,
        m.relationship_type,
        money_grouped(m.spend),
        cur,
        m.band.id(),
        band_text(m, cur),
        names.join(", "),
        m.contract_horizon,
        m.review,
        m.rule
    )
}

fn supplier_heading(s: &SupplierPlan) -> String {
    format!(
        "{}{} — {}: aim for the {} level; bonds {}; contract {}; review {}",
        s.supplier_id,
        if s.name.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.name)
        },
        s.relationship_type,
        s.relationship_level,
        s.bonds.join(", "),
        s.contract_horizon,
        s.review
    )
}

fn finish(b: Builder, right: &[usize]) -> String {
    let mut t = b.build();
    t.with(Style::rounded());
    for &c in right {
        t.modify(Columns::one(c), Alignment::right());
    }
    t.to_string()
}

fn table(a: &Analysis, parts: Parts) -> String {
    let cur = a.summary.currency.as_deref().unwrap_or("");
    let adv = &a.advice;
    let mut o = header_lines(a).join("\n");
    o.push('\n');
    o.push_str(&period_line(adv));
    if let Some(s) = &adv.scorecard {
        o.push_str(&format!("\nscorecard: {s}"));
    }
    o.push('\n');
    if parts.categories {
        o.push_str("\n== Category plans ==\n");
    }
    for p in adv.categories.iter().filter(|_| parts.categories) {
        o.push_str(&format!("\n{}\n", plan_heading(p, cur)));
        if !p.allocations.is_empty() {
            let mut b = Builder::default();
            b.push_record([
                "supplier",
                "role",
                "current spend",
                "current %",
                "proposed %",
                "proposed spend",
            ]);
            for x in &p.allocations {
                b.push_record([
                    x.supplier_id.to_string(),
                    x.role.id().to_string(),
                    money_grouped(x.current_spend),
                    percent(x.current_share),
                    opt_percent(x.proposed_share),
                    opt_money(x.proposed_spend),
                ]);
            }
            o.push_str(&finish(b, &[2, 3, 4, 5]));
            o.push('\n');
            for x in &p.allocations {
                o.push_str(&format!("  {}: {} [{}]\n", x.supplier_id, x.why(), x.rule));
            }
        }
        for m in &p.moves {
            o.push_str(&format!("  → {} [{}]\n", m.text(), m.rule()));
        }
        for c in &p.backup_candidates {
            o.push_str(&format!(
                "  backup candidate {}: {} [{}]\n",
                c.label(),
                c.why,
                c.rule
            ));
        }
        for (n, r) in p.notes.iter().zip(&p.note_rules) {
            o.push_str(&format!("  note: {n} [{r}]\n"));
        }
    }
    if parts.categories && !adv.risks.is_empty() {
        o.push_str("\n== Supply risks ==\n\n");
        for r in adv.risks.iter().filter(|_| parts.categories) {
            o.push_str(&format!("  [{}] {} [{}]\n", r.id, r.message, r.rule));
        }
    }
    if parts.suppliers {
        o.push_str("\n== Supplier actions ==\n");
    }
    for s in adv.suppliers.iter().filter(|_| parts.suppliers) {
        o.push_str(&format!("\n{}\n", supplier_heading(s)));
        o.push_str(&format!("  goal: {}\n", s.goal));
        for m in &s.methods {
            o.push_str(&format!("  method {}\n", method_line(m, cur)));
            for step in m.pre_steps.iter() {
                o.push_str(&format!("    before: {step}\n"));
            }
        }
        for c in &s.scorecard {
            o.push_str(&format!(
                "  review {} (importance {}, performance {}): {} [{}]\n",
                c.criterion,
                c.importance.normalize(),
                c.performance.normalize(),
                c.text,
                c.rule
            ));
        }
        for x in &s.actions {
            o.push_str(&format!("  - {} [{}]\n", x.text, x.rule));
        }
    }
    o
}

fn markdown_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

fn markdown(o: &mut impl Text, a: &Analysis, parts: Parts) {
    let cur = a.summary.currency.as_deref().unwrap_or("");
    let adv = &a.advice;
    let c = markdown_cell;
    o.push_str("# procura advice\n\n");
    for l in header_lines(a) {
        o.push_str(&format!("- {}\n", c(&l)));
    }
    o.push_str(&format!("- {}\n", c(&period_line(adv))));
    if let Some(s) = &adv.scorecard {
        o.push_str(&format!("- scorecard: {}\n", c(s)));
    }
    if parts.categories {
        o.push_str("\n## Category plans\n");
    }
    for p in adv.categories.iter().filter(|_| parts.categories) {
        o.push_str(&format!("\n### {}\n\n", c(&plan_heading(p, cur))));
        if !p.allocations.is_empty() {
            o.push_str("| supplier | role | current spend | current % | proposed % | proposed spend | why | rule |\n|---|---|---:|---:|---:|---:|---|---|\n");
            for x in &p.allocations {
                o.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} | `{}` |\n",
                    c(&x.supplier_id),
                    x.role.id(),
                    money_grouped(x.current_spend),
                    percent(x.current_share),
                    opt_percent(x.proposed_share),
                    opt_money(x.proposed_spend),
                    c(&x.why()),
                    x.rule
                ));
            }
            o.push('\n');
        }
        for m in &p.moves {
            o.push_str(&format!("- **{}** `{}`\n", c(&m.text()), m.rule()));
        }
        for x in &p.backup_candidates {
            o.push_str(&format!(
                "- backup candidate {}: {} `{}`\n",
                c(&x.label()),
                c(&x.why),
                x.rule
            ));
        }
        for (n, r) in p.notes.iter().zip(&p.note_rules) {
            o.push_str(&format!("- {} `{r}`\n", c(n)));
        }
    }
    if parts.categories && !adv.risks.is_empty() {
        o.push_str("\n## Supply risks\n\n");
        for r in adv.risks.iter().filter(|_| parts.categories) {
            o.push_str(&format!("- `{}` {} `{}`\n", r.id, c(&r.message), r.rule));
        }
    }
    if parts.suppliers {
        o.push_str("\n## Supplier actions\n");
    }
    for s in adv.suppliers.iter().filter(|_| parts.suppliers) {
        o.push_str(&format!("\n### {}\n\n", c(&supplier_heading(s))));
        o.push_str(&format!("Goal: {}\n\n", c(&s.goal)));
        for m in &s.methods {
            o.push_str(&format!("- method {}\n", c(&method_line(m, cur))));
            for step in m.pre_steps.iter() {
                o.push_str(&format!("  - before: {}\n", c(step)));
            }
        }
        if !s.scorecard.is_empty() {
            o.push_str("\n| criterion | importance | performance | quadrant | rule |\n|---|---:|---:|---|---|\n");
            for x in &s.scorecard {
                o.push_str(&format!(
                    "| {} | {} | {} | {} | `{}` |\n",
                    c(&x.criterion),
                    x.importance.normalize(),
                    x.performance.normalize(),
                    c(&x.text),
                    x.rule
                ));
            }
        }
        o.push('\n');
        for (i, x) in s.actions.iter().enumerate() {
            o.push_str(&format!("{}. {} `{}`\n", i + 1, c(&x.text.get()), x.rule));
        }
    }
}

/// The CSV columns, one row per recommendation.
const CSV_HEADER: [&str; 11] = [
    "section",
    "category",
    "supplier_id",
    "kind",
    "spend",
    "share",
    "proposed_share",
    "proposed_spend",
    "hhi",
    "text",
    "rule",
];

/// The advice as CSV, written to `out` as it is made (at 10M ledger lines it is tens of
/// megabytes): notices (a lenient run, converted currencies) first, as `#` comment lines.
fn write_csv(a: &Analysis, parts: Parts, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    for n in &a.summary.notices {
        writeln!(out, "# NOTE: {n}")?;
    }
    let adv = &a.advice;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(CSV_HEADER)?;
    let opt = |v: Option<Decimal>, f: fn(Decimal) -> String| v.map(f).unwrap_or_default();
    for p in adv.categories.iter().filter(|_| parts.categories) {
        w.write_record([
            "category",
            &p.category,
            p.top_supplier.as_deref().unwrap_or(""),
            p.relationship_type.id(),
            &money(p.spend),
            &exact(p.top_share),
            "",
            "",
            &exact(p.hhi),
            &p.name,
            &p.rule,
        ])?;
        for x in &p.allocations {
            w.write_record([
                "allocation",
                &p.category,
                &x.supplier_id,
                x.role.id(),
                &money(x.current_spend),
                &exact(x.current_share),
                &opt(x.proposed_share, exact),
                &opt(x.proposed_spend, money),
                "",
                &x.why(),
                &x.rule,
            ])?;
        }
        for m in &p.moves {
            w.write_record([
                "move",
                &p.category,
                &m.from,
                &format!("to {}", m.to),
                &money(m.amount),
                "",
                "",
                "",
                "",
                &m.text(),
                m.rule(),
            ])?;
        }
        for x in &p.backup_candidates {
            w.write_record([
                "backup-candidate",
                &p.category,
                &x.supplier_id,
                "",
                "",
                "",
                "",
                "",
                "",
                &x.why,
                &x.rule,
            ])?;
        }
        for (n, r) in p.notes.iter().zip(&p.note_rules) {
            w.write_record(["note", &p.category, "", "", "", "", "", "", "", n, r])?;
        }
    }
    for r in adv.risks.iter().filter(|_| parts.categories) {
        let (cat, sup) = if r.id == "supplier-loss" {
            (r.categories.join(" "), r.subject.clone())
        } else {
            (
                r.subject.clone(),
                r.backup_candidates
                    .first()
                    .map(|c| c.supplier_id.clone())
                    .unwrap_or_default(),
            )
        };
        w.write_record([
            "risk", &cat, &sup, &r.id, "", "", "", "", "", &r.message, &r.rule,
        ])?;
    }
    for s in adv.suppliers.iter().filter(|_| parts.suppliers) {
        for m in &s.methods {
            w.write_record([
                "method",
                &m.category,
                &s.supplier_id,
                m.band.id(),
                &money(m.spend),
                "",
                "",
                "",
                "",
                &format!(
                    "{}; contract: {}; review: {}; before: {}",
                    m.methods.join(" "),
                    m.contract_horizon,
                    m.review,
                    m.pre_steps.join(" ")
                ),
                &m.rule,
            ])?;
        }
        for c in &s.scorecard {
            w.write_record([
                "review",
                "",
                &s.supplier_id,
                c.quadrant.id(),
                "",
                "",
                "",
                "",
                "",
                &format!(
                    "{} (importance {}, performance {}): {}",
                    c.criterion,
                    c.importance.normalize(),
                    c.performance.normalize(),
                    c.text
                ),
                &c.rule,
            ])?;
        }
        for x in &s.actions {
            let kind = serde_json::to_value(x.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            w.write_record([
                "action",
                "",
                &s.supplier_id,
                &kind,
                "",
                "",
                "",
                "",
                "",
                &x.text.get(),
                &x.rule,
            ])?;
        }
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(())
}

#[derive(Serialize)]
struct Document<'a> {
    procura: &'static str,
    command: &'static str,
    /// What the reader must know first (a lenient run, converted currencies).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notices: &'a [String],
    summary: &'a Summary,
    advice: &'a Advice,
}

/// The advice as JSON, written to `out` as it is made.
fn write_json(a: &Analysis, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let doc = Document {
        procura: env!("CARGO_PKG_VERSION"),
        command: "advise",
        notices: &a.summary.notices,
        summary: &a.summary,
        advice: &a.advice,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// [`render_advice`], written to `out`; JSON, CSV and Markdown as they are made (see
/// [`write_with`](super::write_with)).
pub fn write_advice(
    a: &Analysis,
    format: Format,
    by: Option<Dimension>,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    match format {
        Format::Json => write_json(a, out),
        Format::Csv => write_csv(a, Parts::of(by), out),
        Format::Markdown => Ok(text::written(out, |o| markdown(o, a, Parts::of(by)))?),
        _ => Ok(out.write_all(&render_advice(a, format, by)?)?),
    }
}
