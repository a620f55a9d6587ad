//! XLSX: a workbook a buyer can filter and forward. An Overview sheet with native Excel
//! charts (the ABC Pareto curve with its cut-offs, the spend×profit matrix), then one sheet
//! per section: Suppliers, Categories, Items, Advice, Explanation, Data quality, Rules used.
//!
//! Money and shares are real numbers with number formats (the value keeps every digit Excel
//! can hold; the format shows cents and percent), header rows are frozen and filtered, class
//! and type cells are coloured. Text is always written as a string, never as a formula, so a
//! supplier name such as `=HYPERLINK(…)` stays text. The document's creation time is fixed
//! (to the ledger's last date, or 2000-01-01) so the same input gives the same bytes.

use super::sections::{self, Cell, Table};
use super::supplier::{display_name, roles, why};
use super::{Context, ReportError, header_lines};
use crate::analysis::{Analysis, SupplierResult};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Chart, ChartLine, ChartLineDashType, ChartSolidFill, ChartType, Color, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::borrow::Cow;

const MONEY: &str = "#,##0.00";
/// Most characters one cell holds (Excel's limit).
const CELL_CHARS: usize = 32_767;
/// The last row of a sheet, counted from 0 (Excel's limit).
const LAST_ROW: u32 = 1_048_575;
const PERCENT: &str = "0.00%";
/// Widest a column gets, in characters; longer text stays in the cell.
const MAX_WIDTH: usize = 70;

/// The cell formats of one workbook.
struct Formats {
    title: Format,
    head: Format,
    money: Format,
    percent: Format,
    int: Format,
    bold: Format,
    class: [Format; 3],
    types: [Format; 4],
}

fn rgb(hex: &str) -> Color {
    Color::RGB(u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0))
}

impl Formats {
    fn new() -> Formats {
        let class = |hex: &str, white: bool| {
            Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(rgb(hex))
                .set_font_color(if white { Color::White } else { Color::Black })
        };
        let ty = |step: u8| {
            Format::new()
                .set_background_color(rgb(super::svg::type_colour(step)))
                .set_font_color(Color::White)
        };
        Formats {
            title: Format::new().set_bold().set_font_size(16),
            head: Format::new()
                .set_bold()
                .set_background_color(rgb("#1d2733"))
                .set_font_color(Color::White)
                .set_border_bottom(FormatBorder::Thin),
            money: Format::new().set_num_format(MONEY),
            percent: Format::new().set_num_format(PERCENT),
            int: Format::new().set_num_format("0"),
            bold: Format::new().set_bold(),
            class: [
                class(super::svg::class_colour('A'), true),
                class(super::svg::class_colour('B'), true),
                class(super::svg::class_colour('C'), false),
            ],
            types: [ty(1), ty(2), ty(3), ty(4)],
        }
    }
}

fn num(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// `text` as a cell can hold it: text longer than Excel allows (the actions of a main
/// supplier that takes volume from hundreds of others) is cut, and the cell says so,
/// rather than the whole workbook failing.
fn fitted(text: &str) -> Cow<'_, str> {
    let chars = text.chars().count();
    if chars <= CELL_CHARS {
        return Cow::Borrowed(text);
    }
    // Room for the note; it is far shorter than this.
    let kept = CELL_CHARS - 200;
    let cut = text.char_indices().nth(kept).map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!(
        "{} … [cut: {} more characters; an Excel cell holds {CELL_CHARS}. The HTML, Markdown and JSON reports have the whole text.]",
        &text[..cut],
        chars - kept
    ))
}

fn write_cell(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    col: u16,
    c: &Cell,
) -> Result<(), XlsxError> {
    match c {
        Cell::Text(s) => {
            ws.write_string(row, col, fitted(s))?;
        }
        Cell::Money(d) => {
            ws.write_number_with_format(row, col, num(*d), &f.money)?;
        }
        Cell::Percent(p) => {
            ws.write_number_with_format(row, col, num(*p), &f.percent)?;
        }
        Cell::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.int)?;
        }
        Cell::Class(k) => {
            ws.write_string_with_format(row, col, k.to_string(), &f.class[*k as usize])?;
        }
        Cell::Type(t) => {
            ws.write_string_with_format(row, col, t.id(), &f.types[t.step() as usize - 1])?;
        }
        Cell::Empty => {}
    }
    Ok(())
}

/// Writes a table with its header at `row`; returns the row after it. `widths` collects the
/// widest text per column.
fn write_table(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    t: &Table,
    widths: &mut Vec<usize>,
) -> Result<u32, XlsxError> {
    write_table_to(ws, f, row, t, widths, LAST_ROW)
}

/// [`write_table`] on a sheet whose last row is `last_row`: rows that do not fit are left
/// out, and the last row says how many, rather than the whole workbook failing.
fn write_table_to(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    t: &Table,
    widths: &mut Vec<usize>,
    last_row: u32,
) -> Result<u32, XlsxError> {
    if widths.len() < t.head.len() {
        widths.resize(t.head.len(), 0);
    }
    for (i, h) in t.head.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &f.head)?;
        widths[i] = widths[i].max(h.chars().count() + 2);
    }
    let first = row + 1;
    // Every row fits, or all but the last that fit, which then holds the note.
    let room = usize::try_from(last_row.saturating_sub(first) + 1).unwrap_or(usize::MAX);
    let shown = if t.rows.len() <= room {
        t.rows.len()
    } else {
        room.saturating_sub(1)
    };
    for (r, cells) in t.rows.iter().take(shown).enumerate() {
        for (i, c) in cells.iter().enumerate() {
            write_cell(ws, f, first + r as u32, i as u16, c)?;
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.shown().chars().count() + 1);
            }
        }
    }
    let mut end = first + shown as u32;
    if shown < t.rows.len() {
        ws.write_string_with_format(
            end,
            0,
            format!(
                "… {} more rows left out: an Excel sheet holds {} rows. The JSON report has them all.",
                t.rows.len() - shown,
                u64::from(LAST_ROW) + 1
            ),
            &f.bold,
        )?;
        end += 1;
    }
    Ok(end)
}

fn set_widths(ws: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, (*w).clamp(4, MAX_WIDTH) as f64)?;
    }
    Ok(())
}

/// A sheet holding one table: frozen header, autofilter, widths.
fn table_sheet(wb: &mut Workbook, f: &Formats, name: &str, t: &Table) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let mut widths = Vec::new();
    let end = write_table(ws, f, 0, t, &mut widths)?;
    ws.set_freeze_panes(1, 0)?;
    if !t.rows.is_empty() {
        ws.autofilter(0, 0, end - 1, t.head.len() as u16 - 1)?;
    }
    set_widths(ws, &widths)
}

/// A sheet holding several tables one under the other; the first gets the autofilter.
fn tables_sheet(
    wb: &mut Workbook,
    f: &Formats,
    name: &str,
    tables: &[Table],
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let mut widths = Vec::new();
    let mut row = 0;
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            ws.write_string_with_format(row, 0, &t.title, &f.bold)?;
            row += 1;
        }
        let end = write_table(ws, f, row, t, &mut widths)?;
        if i == 0 && !t.rows.is_empty() {
            ws.autofilter(row, 0, end - 1, t.head.len() as u16 - 1)?;
        }
        row = end + 2;
    }
    ws.set_freeze_panes(1, 0)?;
    set_widths(ws, &widths)
}

fn properties(a: &Analysis) -> Result<DocProperties, XlsxError> {
    // The ledger's last day, so the same ledger always gives the same file.
    let created = a
        .summary
        .period
        .as_ref()
        .and_then(|(_, to)| ExcelDateTime::parse_from_str(to).ok())
        .map_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1), Ok)?;
    Ok(DocProperties::new()
        .set_title("Supplier report")
        .set_creation_datetime(&created))
}

/// The Overview sheet: headline figures, the Pareto chart and the spend×profit matrix, and
/// the chart data below them.
fn overview(
    wb: &mut Workbook,
    f: &Formats,
    a: &Analysis,
    ctx: &Context<'_>,
) -> Result<(), XlsxError> {
    const SHEET: &str = "Overview";
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    ws.write_string_with_format(0, 0, "Supplier report", &f.title)?;
    for (i, l) in header_lines(a).iter().enumerate() {
        ws.write_string(1 + i as u32, 0, fitted(l))?;
    }
    let mut widths = vec![14, 14, 14, 14, 14, 14];

    // Chart data, under the charts: one row per supplier.
    let data_row: u32 = 52;
    ws.write_string_with_format(data_row - 1, 0, "Pareto chart data", &f.bold)?;
    let s = &a.summary;
    let pareto = Table {
        id: "pareto",
        title: "Pareto chart data".into(),
        head: vec![
            "#",
            "supplier",
            "spend",
            "cumulative share",
            "A cut-off",
            "B cut-off",
        ],
        rows: a
            .suppliers
            .iter()
            .map(|x| {
                vec![
                    Cell::Int(x.abc.spend.rank as u64),
                    Cell::text(&x.id),
                    Cell::Money(x.abc.spend.value),
                    Cell::Percent(x.abc.spend.cumulative_share),
                    Cell::Percent(s.a_cutoff / Decimal::ONE_HUNDRED),
                    Cell::Percent(s.b_cutoff / Decimal::ONE_HUNDRED),
                ]
            })
            .collect(),
    };
    let end = write_table(ws, f, data_row, &pareto, &mut widths)?;
    if !a.suppliers.is_empty() {
        let (first, last) = (data_row + 1, end - 1);
        let range = |col: u16| (SHEET, first, col, last, col);
        let mut chart = Chart::new(ChartType::Column);
        chart
            .add_series()
            .set_name("spend")
            .set_categories(range(1))
            .set_values(range(2))
            .set_gap(30)
            .set_format(ChartSolidFill::new().set_color(rgb(super::svg::class_colour('A'))));
        let mut line = Chart::new(ChartType::Line);
        line.add_series()
            .set_name("cumulative share")
            .set_categories(range(1))
            .set_values(range(3))
            .set_secondary_axis(true)
            .set_format(ChartLine::new().set_color(Color::Black).set_width(2.0));
        for (col, name) in [(4u16, "A cut-off"), (5, "B cut-off")] {
            line.add_series()
                .set_name(name)
                .set_categories(range(1))
                .set_values(range(col))
                .set_secondary_axis(true)
                .set_format(
                    ChartLine::new()
                        .set_color(rgb("#c0392b"))
                        .set_dash_type(ChartLineDashType::Dash),
                );
        }
        chart.combine(&line);
        chart
            .title()
            .set_name("ABC Pareto curve: spend per supplier");
        chart.x_axis().set_name("suppliers by spend");
        chart.y_axis().set_name("spend").set_num_format("#,##0");
        chart
            .y2_axis()
            .set_name("cumulative share")
            .set_num_format("0%")
            .set_min(0.0)
            .set_max(1.0);
        chart.set_width(980).set_height(420);
        ws.insert_chart(6, 0, &chart)?;
    }

    // The matrix, right of nothing: under the Pareto chart.
    let matrix_row: u32 = 29;
    let mut next = matrix_row;
    if let Some(t) = sections::spend_profit(a) {
        ws.write_string_with_format(next, 0, &t.title, &f.bold)?;
        let end = write_table(ws, f, next + 1, &t, &mut widths)?;
        let (first, last) = (next + 2, end - 1);
        let mut chart = Chart::new(ChartType::ColumnStacked);
        for (col, colour) in [(1u16, 'A'), (2, 'B'), (3, 'C')] {
            chart
                .add_series()
                .set_name((SHEET, next + 1, col))
                .set_categories((SHEET, first, 0, last, 0))
                .set_values((SHEET, first, col, last, col))
                .set_format(ChartSolidFill::new().set_color(rgb(super::svg::class_colour(colour))));
        }
        chart
            .title()
            .set_name("Spend × profit: suppliers per spend class, by profit class");
        chart.x_axis().set_name("spend class");
        chart.y_axis().set_name("suppliers");
        chart
            .legend()
            .set_position(rust_xlsxwriter::ChartLegendPosition::Right);
        chart.set_width(560).set_height(300);
        ws.insert_chart(matrix_row, 6, &chart)?;
        next = end + 1;
    }
    let t = sections::risk_by_type(a, ctx);
    ws.write_string_with_format(next, 0, &t.title, &f.bold)?;
    write_table(ws, f, next + 1, &t, &mut widths)?;
    for (i, w) in widths.iter().enumerate().take(6) {
        ws.set_column_width(i as u16, (*w).clamp(4, 24) as f64)?;
    }
    Ok(())
}

pub(super) fn render(a: &Analysis, ctx: &Context<'_>) -> Result<Vec<u8>, ReportError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(a)?);
    overview(&mut wb, &f, a, ctx)?;
    table_sheet(&mut wb, &f, "Suppliers", &sections::suppliers(a))?;
    table_sheet(&mut wb, &f, "Categories", &sections::categories(a))?;
    table_sheet(&mut wb, &f, "Items", &sections::items(a))?;
    tables_sheet(
        &mut wb,
        &f,
        "Advice",
        &[
            sections::advice(a),
            sections::splits(a),
            sections::moves(a),
            sections::risks(a),
        ],
    )?;
    table_sheet(&mut wb, &f, "Explanation", &sections::explanation(a))?;
    tables_sheet(
        &mut wb,
        &f,
        "Data quality",
        &[sections::findings(a), sections::files(ctx)],
    )?;
    table_sheet(&mut wb, &f, "Rules used", &sections::rules(a, ctx))?;
    Ok(wb.save_to_buffer()?)
}

/// The one-supplier report as a one-sheet workbook.
pub(super) fn supplier(a: &Analysis, s: &SupplierResult) -> Result<Vec<u8>, ReportError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(a)?);
    let ws = wb.add_worksheet();
    ws.set_name("Supplier")?;
    ws.write_string_with_format(0, 0, format!("{} — {}", s.id, display_name(s)), &f.title)?;
    if !a.summary.notices.is_empty() {
        // A lenient run or converted currencies: said on the row under the title.
        let notes: Vec<String> = a
            .summary
            .notices
            .iter()
            .map(|n| format!("NOTE: {n}"))
            .collect();
        ws.write_string(1, 0, fitted(&notes.join(" · ")))?;
    }
    let plan = a.advice.supplier(&s.id);
    let mut facts = vec![
        vec![Cell::text("spend"), Cell::Money(s.abc.spend.value)],
        vec![
            Cell::text("share of spend"),
            Cell::Percent(s.abc.spend.share),
        ],
        vec![Cell::text("rank"), Cell::Int(s.abc.spend.rank as u64)],
        vec![Cell::text("ABC spend"), Cell::Class(s.abc.spend.class)],
    ];
    if let Some(p) = &s.abc.profit {
        facts.push(vec![Cell::text("profit"), Cell::Money(p.value)]);
        facts.push(vec![Cell::text("share of profit"), Cell::Percent(p.share)]);
        facts.push(vec![Cell::text("ABC profit"), Cell::Class(p.class)]);
    }
    facts.push(vec![
        Cell::text("relationship type"),
        Cell::Type(s.relationship_type),
    ]);
    facts.push(vec![Cell::text("why"), Cell::text(why(a, s))]);
    if let Some(p) = plan {
        facts.push(vec![Cell::text("goal"), Cell::text(&*p.goal)]);
        facts.push(vec![
            Cell::text("contract horizon"),
            Cell::text(&*p.contract_horizon),
        ]);
        facts.push(vec![Cell::text("review"), Cell::text(&*p.review)]);
        facts.push(vec![
            Cell::text("decisive factor"),
            Cell::text(&*p.decisive_factor),
        ]);
    }
    let mut widths = Vec::new();
    let mut row = write_table(
        ws,
        &f,
        2,
        &Table {
            id: "facts",
            title: String::new(),
            head: vec!["", ""],
            rows: facts.into(),
        },
        &mut widths,
    )? + 1;
    let cats = Table {
        id: "categories",
        title: "Categories".into(),
        head: vec![
            "category",
            "spend",
            "share of category",
            "share of this supplier",
            "type",
            "volume",
            "method",
        ],
        rows: s
            .categories
            .iter()
            .map(|p| {
                let m = plan.and_then(|pl| pl.methods.iter().find(|m| *m.category == *p.category));
                vec![
                    Cell::text(&*p.category),
                    Cell::Money(p.spend),
                    Cell::Percent(p.share_in_category),
                    Cell::Percent(p.share_of_supplier_spend),
                    Cell::Type(p.classification.relationship_type),
                    m.map(|m| Cell::text(m.band.id())).unwrap_or(Cell::Empty),
                    m.map(|m| Cell::text(m.methods.join(", ")))
                        .unwrap_or(Cell::Empty),
                ]
            })
            .collect(),
    };
    let split = Table {
        id: "split",
        title: "Split proposal".into(),
        head: vec!["category", "role", "current share", "proposed share", "why"],
        rows: roles(a, &s.id)
            .iter()
            .map(|(p, x)| {
                vec![
                    Cell::text(&p.category),
                    Cell::text(x.role.id()),
                    Cell::Percent(x.current_share),
                    x.proposed_share.map(Cell::Percent).unwrap_or(Cell::Empty),
                    Cell::text(x.why()),
                ]
            })
            .collect(),
    };
    let actions = Table {
        id: "actions",
        title: "Actions".into(),
        head: vec!["action", "rule"],
        rows: plan
            .map(|p| {
                p.actions
                    .iter()
                    .map(|x| vec![Cell::text(&*x.text.get()), Cell::text(&*x.rule)])
                    .collect()
            })
            .unwrap_or_default(),
    };
    for t in [cats, split, actions] {
        ws.write_string_with_format(row, 0, &t.title, &f.bold)?;
        row = write_table(ws, &f, row + 1, &t, &mut widths)? + 1;
    }
    set_widths(ws, &widths)?;
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn text_longer_than_a_cell_holds_is_cut_and_says_so() {
        assert!(matches!(fitted("short"), Cow::Borrowed("short")));
        let exact = "ж".repeat(CELL_CHARS);
        assert!(matches!(fitted(&exact), Cow::Borrowed(_)));
        let long = "ж".repeat(CELL_CHARS + 1000);
        let cut = fitted(&long);
        assert!(cut.chars().count() <= CELL_CHARS);
        assert!(cut.starts_with(&"ж".repeat(CELL_CHARS - 200)));
        assert!(
            cut.ends_with("the whole text.]"),
            "{}",
            &cut[cut.len() - 200..]
        );
        assert!(cut.contains("[cut: 1200 more characters"));
    }

    #[test]
    fn rows_past_the_last_row_of_a_sheet_are_counted_in_a_note() {
        let f = Formats::new();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let t = Table {
            id: "t",
            title: "T".into(),
            head: vec!["n", "text"],
            rows: (0..10u64)
                .map(|n| vec![Cell::Int(n), Cell::text("x".repeat(CELL_CHARS + 1))])
                .collect(),
        };
        let mut widths = Vec::new();
        // Header at row 0, room for rows 1 to 5: four rows and the note.
        let end = write_table_to(ws, &f, 0, &t, &mut widths, 5).expect("written");
        assert_eq!(end, 6);
        // All ten fit when the sheet is long enough.
        let ws = wb.add_worksheet();
        let end = write_table_to(ws, &f, 0, &t, &mut widths, 10).expect("written");
        assert_eq!(end, 11);
        let bytes = wb.save_to_buffer().expect("saved");
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx");
        let sheet = book.worksheet_range("Sheet1").expect("Sheet1");
        let rows: Vec<_> = sheet.rows().collect();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[4][0], Data::Float(3.0));
        let note = rows[5][0].to_string();
        assert!(note.starts_with("… 6 more rows left out"), "{note}");
        // The long text is there, cut to what a cell holds.
        let text = sheet
            .get_value((4, 1))
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!((CELL_CHARS - 200..=CELL_CHARS).contains(&text.chars().count()));
        assert!(text.ends_with("the whole text.]"));
    }
}
