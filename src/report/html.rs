//! HTML: one self-contained, printable page — inline CSS, inline SVG charts, a few lines of
//! inline JavaScript that sort the tables on a click. Nothing is loaded from the network and
//! the page reads completely without JavaScript. Every piece of text is escaped.

use super::sections::{self, Cell, Table};
use super::supplier::{display_name, risk_levels, roles, supply_risk, why};
use super::svg::{self, MatrixPoint, ParetoBar, Segment, esc};
use super::text::Text;
use super::{Context, header_lines, money_grouped, percent};
use crate::abc::AbcClass;
use crate::advise::CategoryPlan;
use crate::analysis::{Analysis, SupplierResult};
use crate::relationship::RelationshipType;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write as _;

const CSS: &str = r#"
:root{--ink:#1d2733;--muted:#5b6673;--line:#d9dee4;--head:#f1f4f7}
*{box-sizing:border-box}
body{font:14px/1.45 Helvetica,Arial,sans-serif;color:var(--ink);margin:0;background:#fff}
main{max-width:1160px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:15px;margin:18px 0 6px}
p.meta{color:var(--muted);margin:2px 0}
nav{margin:12px 0 4px;font-size:13px}
nav a{color:#1f5f8b;margin-right:12px;text-decoration:none}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:18px 0}
.card{flex:1 1 180px;border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:20px}
.card span{color:var(--muted);font-size:12px}
.card span.type{color:#fff;font-size:13px}
.lead{font-size:16px}
figure{margin:8px 0 4px}
figure svg{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:12px;margin-top:4px}
table{border-collapse:collapse;width:100%;margin:6px 0 14px;font-size:12.5px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}
table.sortable th{cursor:pointer}
th[aria-sort=ascending]::after{content:" \25B2"}
th[aria-sort=descending]::after{content:" \25BC"}
td.num,th.num{text-align:right;white-space:nowrap}
td.cls{text-align:center;font-weight:700;color:#fff}
td.cls-A{background:#1f5f8b}td.cls-B{background:#5fa2ce}td.cls-C{background:#c7dbea;color:#1d2733}
.type{display:inline-block;padding:1px 7px;border-radius:9px;color:#fff;font-size:11.5px;white-space:nowrap}
.t1{background:#8c8c8c}.t2{background:#4e79a7}.t3{background:#f28e2b}.t4{background:#2e8b57}
.split{display:grid;grid-template-columns:1fr;gap:2px;margin-bottom:10px}
.split svg{max-width:720px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:18px}
ul.actions li{margin:3px 0}
.small{font-size:12px;color:var(--muted)}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media print{
 @page{size:A4;margin:12mm}
 body{font-size:10.5pt}
 main{max-width:none;padding:0}
 nav{display:none}
 h2{break-after:avoid}
 figure,.card,tr,.split,.grid2{break-inside:avoid}
 thead{display:table-header-group}
 th[aria-sort]::after{content:""}
 table{font-size:9pt}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

/// Sorts a table by the clicked column; numbers by their exact `data-v`, text by its words.
const SORT_JS: &str = r#"document.querySelectorAll("table.sortable").forEach(function(t){t.querySelectorAll("thead th").forEach(function(th,i){th.tabIndex=0;th.title="click to sort";th.addEventListener("click",function(){var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),num=th.classList.contains("num"),asc=th.getAttribute("aria-sort")!=="ascending";t.querySelectorAll("thead th").forEach(function(h){h.removeAttribute("aria-sort")});th.setAttribute("aria-sort",asc?"ascending":"descending");rows.sort(function(x,y){var p=x.cells[i],q=y.cells[i],u=p.getAttribute("data-v"),v=q.getAttribute("data-v");u=u===null?p.textContent:u;v=v===null?q.textContent:v;var r=num?(parseFloat(u)||0)-(parseFloat(v)||0):u.localeCompare(v);return asc?r:-r});rows.forEach(function(r){b.appendChild(r)})})})});"#;

/// The matrix names at most this many suppliers (the class A ones, largest first), so
/// that the labels stay readable on large ledgers.
const MATRIX_LABELS: usize = 12;

/// What a page starts with, up to its body.
fn page_start(o: &mut impl Text, title: &str, extra_css: &str) {
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n<body>\n<main>\n",
        esc(title)
    );
}

/// What a page ends with, after its body.
fn page_end(o: &mut impl Text) {
    let _ = write!(o, "</main>\n<script>{SORT_JS}</script>\n</body>\n</html>\n");
}

/// A whole page around `body`.
fn page(title: &str, body: &str, extra_css: &str) -> String {
    let mut o = String::new();
    page_start(&mut o, title, extra_css);
    o.push_str(body);
    page_end(&mut o);
    o
}

fn type_badge(t: RelationshipType) -> String {
    format!("<span class=\"type t{}\">{}</span>", t.step(), esc(t.id()))
}

fn td(c: &Cell) -> String {
    match c {
        Cell::Class(k) => format!("<td class=\"cls cls-{k}\">{k}</td>"),
        Cell::Type(t) => format!("<td data-v=\"{}\">{}</td>", t.step(), type_badge(*t)),
        Cell::Money(d) => format!(
            "<td class=\"num\" data-v=\"{}\">{}</td>",
            d.normalize(),
            esc(&c.shown())
        ),
        Cell::Percent(f) => format!(
            "<td class=\"num\" data-v=\"{}\">{}</td>",
            f.normalize(),
            esc(&c.shown())
        ),
        Cell::Int(n) => format!("<td class=\"num\" data-v=\"{n}\">{n}</td>"),
        Cell::Text(_) | Cell::Empty => format!("<td>{}</td>", esc(&c.shown())),
    }
}

/// A sortable table; a line saying there is nothing when it is empty.
fn table(o: &mut impl Text, t: &Table, heading: Option<&str>) {
    if let Some(h) = heading {
        let _ = writeln!(o, "<{h} id=\"{}\">{}</{h}>", t.id, esc(&t.title));
    }
    if t.rows.is_empty() {
        o.push_str("<p class=\"small\">None.</p>\n");
        return;
    }
    o.push_str("<table class=\"sortable\"><thead><tr>");
    for (h, numeric) in t.head.iter().zip(t.numeric_columns()) {
        let _ = write!(
            o,
            "<th{}>{}</th>",
            if numeric { " class=\"num\"" } else { "" },
            esc(h)
        );
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in t.rows.iter() {
        o.push_str("<tr>");
        for c in r.iter() {
            o.push_str(&td(c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table>\n");
}

fn f64_of(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The Pareto chart of the suppliers' spend.
pub(super) fn pareto_svg(a: &Analysis) -> String {
    let bars: Vec<ParetoBar> = a
        .suppliers
        .iter()
        .map(|s| ParetoBar {
            label: s.id.clone(),
            share: f64_of(s.abc.spend.share),
            cumulative: f64_of(s.abc.spend.cumulative_share),
            class: s.abc.spend.class.letter(),
        })
        .collect();
    svg::pareto(
        &bars,
        f64_of(a.summary.a_cutoff) / 100.0,
        f64_of(a.summary.b_cutoff) / 100.0,
    )
}

/// The portfolio matrix: profit share (spend share without profit data) × supply risk.
pub(super) fn matrix_svg(a: &Analysis, ctx: &Context<'_>) -> (String, &'static str) {
    let levels = risk_levels(a, ctx);
    let has_profit = a.summary.total_profit.is_some();
    let x_title = if has_profit {
        "share in total profit"
    } else {
        "share of spend (no profit data)"
    };
    let points: Vec<MatrixPoint> = a
        .suppliers
        .iter()
        .map(|s| {
            let x = match (&s.abc.profit, has_profit) {
                (Some(p), true) => p.share,
                _ => s.abc.spend.share,
            };
            MatrixPoint {
                label: s.id.clone(),
                x: f64_of(x).max(0.0),
                level: supply_risk(s)
                    .and_then(|r| levels.iter().position(|l| l == r))
                    .unwrap_or(0),
                type_step: s.relationship_type.step(),
                type_id: s.relationship_type.id().to_string(),
                labelled: s.abc.spend.rank as usize <= MATRIX_LABELS
                    && (s.abc.spend.class == AbcClass::A
                        || s.abc
                            .profit
                            .as_ref()
                            .is_some_and(|p| p.class == AbcClass::A)),
            }
        })
        .collect();
    let types: Vec<(u8, String)> = RelationshipType::ALL
        .iter()
        .map(|t| (t.step(), t.id().to_string()))
        .collect();
    (svg::matrix(&points, &levels, x_title, &types), x_title)
}

fn split_svg(p: &CategoryPlan) -> String {
    let segs: Vec<Segment> = p
        .allocations
        .iter()
        .map(|x| Segment {
            label: x.supplier_id.to_string(),
            current: f64_of(x.current_share),
            proposed: x.proposed_share.map(f64_of),
        })
        .collect();
    svg::split_bars(&segs)
}

fn card(o: &mut impl Text, value: &str, label: &str) {
    let _ = write!(
        o,
        "<div class=\"card\"><b>{}</b><span>{}</span></div>",
        esc(value),
        esc(label)
    );
}

/// The full report: every section, whatever dimension was asked.
pub(super) fn report(o: &mut impl Text, a: &Analysis, ctx: &Context<'_>) {
    page_start(o, "Supplier report", "");
    let s = &a.summary;
    let cur = s.currency.as_deref().unwrap_or("");
    o.push_str("<header>\n<h1>Supplier report</h1>\n");
    for l in header_lines(a) {
        let _ = writeln!(o, "<p class=\"meta\">{}</p>", esc(&l));
    }
    o.push_str("<nav><a href=\"#pareto\">Pareto</a><a href=\"#matrix\">Portfolio matrix</a><a href=\"#suppliers\">Suppliers</a><a href=\"#categories\">Categories</a><a href=\"#splits\">Splits</a><a href=\"#advice\">Advice</a><a href=\"#explanation\">Explanation</a><a href=\"#items\">Items</a><a href=\"#quality\">Data quality</a><a href=\"#rules\">Rules used</a></nav>\n</header>\n");

    // Key figures.
    let in_a: Vec<&SupplierResult> = a
        .suppliers
        .iter()
        .filter(|x| x.abc.spend.class == AbcClass::A)
        .collect();
    let a_share: Decimal = in_a.iter().map(|x| x.abc.spend.share).sum();
    o.push_str("<div class=\"cards\">");
    card(
        o,
        &format!("{} {cur}", money_grouped(s.total_spend)),
        "total spend",
    );
    card(
        o,
        &format!("{} of {}", in_a.len(), a.suppliers.len()),
        &format!("suppliers in class A make {} % of spend", percent(a_share)),
    );
    card(
        o,
        &s.categories.to_string(),
        &format!("categories, {} items", s.items),
    );
    let partners = s
        .suppliers_per_type
        .iter()
        .filter(|(t, _)| **t >= RelationshipType::SelectiveCooperation)
        .map(|(_, n)| *n)
        .sum::<usize>();
    card(
        o,
        &partners.to_string(),
        "suppliers for selective cooperation or partnership",
    );
    o.push_str("</div>\n");

    let _ = writeln!(
        o,
        "<h2 id=\"pareto\">ABC Pareto curve</h2>\n<figure>{}<figcaption>Bars: each supplier's share of spend (left axis), coloured by class (dark A, mid B, light C). Line: cumulative share (right axis). Dashed: the A cut-off at {} % and the B cut-off at {} % ({} boundary).</figcaption></figure>",
        pareto_svg(a),
        s.a_cutoff.normalize(),
        s.b_cutoff.normalize(),
        esc(&s.boundary)
    );
    table(o, &sections::classes(a), None);

    let (m, x_title) = matrix_svg(a, ctx);
    let _ = writeln!(
        o,
        "<h2 id=\"matrix\">Portfolio matrix</h2>\n<figure>{m}<figcaption>Each dot is a supplier, placed by its {} and the supply risk of the category that decides its type; the colour is its relationship type. Labelled: the largest class A suppliers.</figcaption></figure>",
        esc(x_title)
    );
    o.push_str("<div class=\"grid2\"><div>");
    match sections::spend_profit(a) {
        Some(t) => table(o, &t, Some("h3")),
        None => o.push_str(
            "<h3>Spend × profit</h3><p class=\"small\">No profit data: the spend × profit matrix needs a profit column in the ledger or a --profit file.</p>",
        ),
    }
    o.push_str("</div><div>");
    table(o, &sections::risk_by_type(a, ctx), Some("h3"));
    o.push_str("</div></div>\n");

    table(o, &sections::suppliers(a), Some("h2"));
    table(o, &sections::categories(a), Some("h2"));

    o.push_str("<h2 id=\"splits\">Sourcing splits: current and proposed</h2>\n");
    for p in a
        .advice
        .categories
        .iter()
        .filter(|p| !p.allocations.is_empty())
    {
        let _ = write!(
            o,
            "<div class=\"split\"><h3>{} {} <span class=\"small\">{} {cur} · top supplier {} % · HHI {} · rule <code>{}</code></span></h3>{}",
            esc(&p.category),
            type_badge(p.relationship_type),
            esc(&money_grouped(p.spend)),
            percent(p.top_share),
            p.hhi.round_dp(0),
            esc(&p.rule),
            split_svg(p)
        );
        for x in &p.allocations {
            let _ = write!(
                o,
                "<div class=\"small\">{} — {}: {} % now, {} — {}</div>",
                esc(&x.supplier_id),
                esc(x.role.id()),
                percent(x.current_share),
                x.proposed_share
                    .map(|f| format!("{} % proposed", percent(f)))
                    .unwrap_or_else(|| "no fixed share".into()),
                esc(&x.why())
            );
        }
        for m in &p.moves {
            let _ = write!(o, "<div class=\"small\"><b>{}</b></div>", esc(&m.text()));
        }
        for n in &p.notes {
            let _ = write!(o, "<div class=\"small\">{}</div>", esc(n));
        }
        o.push_str("</div>\n");
    }
    table(o, &sections::splits(a), Some("h3"));
    table(o, &sections::moves(a), Some("h3"));

    o.push_str("<h2 id=\"advice\">Advice</h2>\n");
    table(o, &sections::advice(a), None);
    table(o, &sections::risks(a), Some("h3"));

    table(o, &sections::explanation(a), Some("h2"));
    table(o, &sections::items(a), Some("h2"));

    o.push_str("<h2 id=\"quality\">Data quality</h2>\n");
    if !ctx.files.is_empty() {
        table(o, &sections::files(ctx), Some("h3"));
    }
    table(o, &sections::findings(a), Some("h3"));
    table(o, &sections::rules(a, ctx), Some("h2"));
    o.push_str("<footer>Written by procura. Money rounded to cents once, here; shares are of net spend (credit notes included).</footer>\n");
    page_end(o);
}

/// The one-supplier page, sized for one printed A4 page.
pub(super) fn supplier(a: &Analysis, _ctx: &Context<'_>, s: &SupplierResult) -> String {
    let cur = a.summary.currency.as_deref().unwrap_or("");
    let plan = a.advice.supplier(&s.id);
    let mut o = String::new();
    for n in &a.summary.notices {
        let _ = writeln!(o, "<p class=\"meta\"><strong>NOTE: {}</strong></p>", esc(n));
    }
    let _ = writeln!(
        o,
        "<h1>{} — {}</h1>\n<p class=\"meta\">Supplier meeting brief · period {} · rules: {} · cut-offs A ≤ {} %, B ≤ {} %</p>",
        esc(&s.id),
        esc(display_name(s)),
        esc(&a
            .summary
            .period
            .as_ref()
            .map(|(f, t)| format!("{f} to {t}"))
            .unwrap_or_else(|| "the whole ledger".into())),
        esc(&a.summary.rules),
        a.summary.a_cutoff.normalize(),
        a.summary.b_cutoff.normalize()
    );
    o.push_str("<div class=\"cards\">");
    card(
        &mut o,
        &format!("{} {cur}", money_grouped(s.abc.spend.value)),
        &format!(
            "spend: {} % of ours, rank {} of {}, class {}",
            percent(s.abc.spend.share),
            s.abc.spend.rank,
            a.suppliers.len(),
            s.abc.spend.class
        ),
    );
    match &s.abc.profit {
        Some(p) => card(
            &mut o,
            &format!("{} {cur}", money_grouped(p.value)),
            &format!("profit: {} % of ours, class {}", percent(p.share), p.class),
        ),
        None => card(&mut o, "—", "no profit data"),
    }
    let _ = write!(
        o,
        "<div class=\"card\"><b>{}</b><span>relationship type{}</span></div>",
        type_badge(s.relationship_type),
        plan.map(|p| format!(": {}", esc(&p.goal)))
            .unwrap_or_default()
    );
    o.push_str("</div>\n");
    let _ = writeln!(o, "<h2>Why</h2>\n<p>{}</p>", esc(&why(a, s)));
    for x in &s.exceptions {
        let _ = writeln!(
            o,
            "<p class=\"small\"><code>{}</code>: {}</p>",
            esc(&x.id),
            esc(&x.explain)
        );
    }

    o.push_str("<h2>Categories and method</h2>\n<table><thead><tr><th>category</th><th class=\"num\">spend</th><th class=\"num\">share of category</th><th class=\"num\">share of this supplier</th><th>type</th><th>volume</th><th>method</th></tr></thead><tbody>\n");
    for p in &s.categories {
        let m = plan.and_then(|pl| pl.methods.iter().find(|m| *m.category == *p.category));
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} %</td><td class=\"num\">{} %</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&p.category),
            esc(&money_grouped(p.spend)),
            percent(p.share_in_category),
            percent(p.share_of_supplier_spend),
            type_badge(p.classification.relationship_type),
            esc(m.map(|m| m.band.id()).unwrap_or("—")),
            esc(&m
                .map(|m| m.methods.join(", "))
                .unwrap_or_else(|| "—".into()))
        );
    }
    o.push_str("</tbody></table>\n");
    if let Some(p) = plan {
        let _ = writeln!(
            o,
            "<p class=\"small\">Decisive factor: {}. Contract: {}. Review: {}. Relationship level: {}.</p>",
            esc(&p.decisive_factor),
            esc(&p.contract_horizon),
            esc(&p.review),
            esc(&p.relationship_level)
        );
    }

    o.push_str("<h2>Split proposal</h2>\n");
    let roles = roles(a, &s.id);
    if roles.is_empty() {
        o.push_str("<p>No category plan gives this supplier a role.</p>\n");
    }
    // Two proposals side by side, so that a supplier in several categories still fits a page;
    // on paper the reasons and moves are left out (the actions below repeat them).
    o.push_str("<div class=\"grid2\">\n");
    for (p, x) in &roles {
        let _ = write!(
            o,
            "<div class=\"split\"><h3>{} — {}: {} % now, {}</h3><div class=\"small why\">{}</div>{}",
            esc(&p.category),
            esc(x.role.id()),
            percent(x.current_share),
            x.proposed_share
                .map(|f| format!("{} % proposed", percent(f)))
                .unwrap_or_else(|| "no fixed share".into()),
            esc(&x.why()),
            split_svg(p)
        );
        let moves: Vec<String> = p
            .moves
            .iter()
            .filter(|m| *m.from == *s.id || *m.to == *s.id)
            .map(|m| m.text().clone())
            .collect();
        if !moves.is_empty() {
            let _ = write!(
                o,
                "<div class=\"small why\"><b>To do:</b> {}.</div>",
                esc(&moves.join("; "))
            );
        }
        o.push_str("</div>\n");
    }
    o.push_str("</div>\n");

    o.push_str("<h2>Actions</h2>\n<ul class=\"actions\">\n");
    if let Some(p) = plan {
        for step in p.pre_steps.iter() {
            let _ = writeln!(o, "<li>Before: {}</li>", esc(step));
        }
        for x in &p.actions {
            let _ = writeln!(
                o,
                "<li>{} <span class=\"small\">({})</span></li>",
                esc(&x.text.get()),
                esc(&x.rule)
            );
        }
    }
    o.push_str("</ul>\n");
    // One page: tighter type and margins than the full report.
    let css = "main{max-width:820px;padding:18px 22px}h1{font-size:22px}h2{font-size:15px;margin:16px 0 6px}h3{font-size:13px;margin:8px 0 2px}.card b{font-size:16px}.split svg{max-width:560px}@media print{@page{size:A4;margin:10mm}body{font-size:8pt;line-height:1.25}h1{font-size:14pt}h2{font-size:10.5pt;margin:8px 0 3px}h3{font-size:9pt;margin:4px 0 1px}.cards{margin:6px 0;gap:8px}.card{padding:5px 9px}.card b{font-size:11pt}.card span{font-size:8pt}.split svg{max-width:420px}table{font-size:8pt}.why{display:none}.grid2{gap:4px 16px}ul.actions{margin:2px 0;padding-left:14px;font-size:7.5pt}ul.actions .small{font-size:inherit}ul.actions li{margin:0 0 1px;break-inside:avoid}p{margin:3px 0}}";
    page(&format!("{} — supplier report", s.id), &o, css)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_are_escaped_and_typed() {
        let t = Table {
            id: "t",
            title: "<T>".into(),
            head: vec!["name", "spend"],
            rows: vec![vec![
                Cell::text("<script>alert(1)</script>"),
                Cell::Money(Decimal::new(-1234567, 2)),
            ]]
            .into(),
        };
        let mut o = String::new();
        table(&mut o, &t, Some("h2"));
        assert!(o.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!o.contains("<script>"));
        assert!(o.contains("<h2 id=\"t\">&lt;T&gt;</h2>"));
        assert!(o.contains("<td class=\"num\" data-v=\"-12345.67\">-12,345.67</td>"));
        assert!(o.contains("<th class=\"num\">spend</th>"));
    }
}
