//! The reports buyers forward: Markdown, HTML (checked in headless Chromium where it can
//! run), XLSX (read back with calamine, its charts found in the zip), the one-supplier
//! report, and the neutralising of formula-like text.

use crate::common::{ok, procura, root, temp_dir, write};
use calamine::{Data, Reader, Xlsx};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const FOOD: &str = "fixtures/food_ledger.csv";
const PROFILES: &str = "fixtures/food_profiles.toml";

/// Runs procura with `--output` into `dir` and returns the file's path.
fn to_file(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let out_s = out.to_str().expect("UTF-8 temp path");
    let mut all = args.to_vec();
    all.extend(["--output", out_s]);
    let r = procura(&all);
    assert!(
        r.status.success(),
        "procura {all:?} failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    out
}

fn food_report(dir: &Path, format: &str) -> PathBuf {
    to_file(
        dir,
        &format!("report.{format}"),
        &["analyze", FOOD, "--profiles", PROFILES, "--format", format],
    )
}

/// The text a reader sees: tags, styles, scripts and SVG drawings removed, one line per
/// block, blank lines dropped.
fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [
        ("<style", "</style>"),
        ("<script", "</script>"),
        ("<svg", "</svg>"),
    ] {
        while let Some(i) = s.find(open) {
            let Some(j) = s[i..].find(close) else { break };
            s.replace_range(i..i + j + close.len(), "\n");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for ch in s.chars() {
        match ch {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let name = tag.trim_start_matches('/').split(' ').next().unwrap_or("");
                match name {
                    "td" | "th" if !tag.starts_with('/') => out.push_str(" | "),
                    "b" | "span" | "code" => out.push(' '),
                    "tr" | "p" | "div" | "h1" | "h2" | "h3" | "li" | "figcaption" | "br"
                    | "header" | "footer" | "nav" | "a" => out.push('\n'),
                    _ => {}
                }
            }
            c if in_tag => tag.push(c),
            c => out.push(c),
        }
    }
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn html_report_text_is_pinned() {
    let dir = temp_dir("html-text");
    let html = std::fs::read_to_string(food_report(&dir, "html")).expect("html");
    insta::assert_snapshot!(visible_text(&html));
}

#[test]
fn html_report_is_self_contained_and_has_both_charts() {
    let dir = temp_dir("html-self");
    let html = std::fs::read_to_string(food_report(&dir, "html")).expect("html");
    // Nothing loaded from elsewhere: no external scripts, styles, images or fonts.
    for needle in ["src=", "<link", "@import", "url(", "http://", "https://"] {
        let hits: Vec<_> = html
            .match_indices(needle)
            .filter(|(i, _)| !html[*i..].starts_with("http://www.w3.org/2000/svg"))
            .collect();
        assert!(hits.is_empty(), "{needle} in the page: {hits:?}");
    }
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert!(html.contains("class=\"chart pareto\""));
    assert!(html.contains("class=\"chart matrix\""));
    // One bar per supplier, two cut-offs, one dot per supplier.
    assert_eq!(html.matches("class=\"bar\"").count(), 44);
    assert_eq!(html.matches("class=\"cutoff\"").count(), 2);
    assert_eq!(html.matches("class=\"dot\"").count(), 44);
    assert!(html.contains("class=\"chart split\""));
    assert!(html.contains("@media print"));
    assert!(html.contains("table class=\"sortable\""));
}

#[test]
fn markdown_report_has_the_sections_of_the_html() {
    let md = ok(&["analyze", FOOD, "--profiles", PROFILES, "--format", "md"]);
    let mut last = 0;
    for h in [
        "## ABC Pareto curve",
        "## Portfolio matrix",
        "## Suppliers",
        "## Categories",
        "## Sourcing splits",
        "## Advice",
        "## Why each supplier has its type",
        "## Items",
        "## Data quality",
        "### Files read",
        "## Rules used",
    ] {
        let at = md.find(h).unwrap_or_else(|| panic!("{h} missing"));
        assert!(at > last, "{h} out of order");
        last = at;
    }
}

#[test]
fn one_supplier_report_in_markdown_is_pinned() {
    insta::assert_snapshot!(ok(&["report", "S-011", FOOD, "--profiles", PROFILES]));
}

#[test]
fn one_supplier_report_as_xlsx_reads_back() {
    let dir = temp_dir("one-xlsx");
    let path = to_file(
        &dir,
        "s007.xlsx",
        &[
            "report",
            "S-007",
            FOOD,
            "--profiles",
            PROFILES,
            "--format",
            "xlsx",
        ],
    );
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).expect("calamine opens it");
    assert_eq!(wb.sheet_names(), ["Supplier"]);
    let s = sheet(&mut wb, "Supplier");
    let value = |key: &str| {
        s.rows()
            .find(|r| r[0] == key)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no row {key}"))
    };
    assert_eq!(value("spend"), Data::Float(8_737_680.35));
    assert_eq!(value("ABC spend"), Data::String("A".into()));
    assert_eq!(
        value("relationship type"),
        Data::String("partnership".into())
    );
    assert!(s.rows().any(|r| r[0] == "RAW-MEAT"), "its category");
}

#[test]
fn one_supplier_report_names_an_unknown_supplier_and_suggests_one() {
    let out = procura(&["report", "S-11", FOOD, "--profiles", PROFILES]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"S-11\" is not in the ledger"), "{err}");
    assert!(err.contains("did you mean"), "{err}");
}

fn sheet(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> calamine::Range<Data> {
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn zip_entry(path: &Path, name: &str) -> Option<String> {
    let f = std::fs::File::open(path).expect("xlsx file");
    let mut z = zip::ZipArchive::new(f).expect("xlsx is a zip");
    let mut e = z.by_name(name).ok()?;
    let mut s = String::new();
    e.read_to_string(&mut s).expect("UTF-8 entry");
    Some(s)
}

#[test]
fn xlsx_reads_back_with_its_sheets_values_and_charts() {
    let dir = temp_dir("xlsx");
    let path = food_report(&dir, "xlsx");
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).expect("calamine opens it");
    assert_eq!(
        wb.sheet_names(),
        [
            "Overview",
            "Suppliers",
            "Categories",
            "Items",
            "Advice",
            "Explanation",
            "Data quality",
            "Rules used"
        ]
    );
    let s = sheet(&mut wb, "Suppliers");
    assert_eq!(s.get_value((0, 1)), Some(&Data::String("supplier".into())));
    assert_eq!(s.get_value((1, 1)), Some(&Data::String("S-007".into())));
    // Money and shares are numbers, not text.
    assert_eq!(s.get_value((1, 3)), Some(&Data::Float(8_737_680.35)));
    match s.get_value((1, 4)) {
        Some(Data::Float(f)) => assert!((f - 0.3726).abs() < 0.0001, "{f}"),
        other => panic!("share is {other:?}"),
    }
    assert_eq!(s.get_value((1, 6)), Some(&Data::String("A".into())));
    assert_eq!(s.height(), 45, "header and 44 suppliers");
    let c = sheet(&mut wb, "Categories");
    assert_eq!(c.height(), 19);
    let i = sheet(&mut wb, "Items");
    assert_eq!(i.height(), 92);
    let r = sheet(&mut wb, "Rules used");
    let rows: Vec<String> = r.rows().map(|row| row[0].to_string()).collect();
    assert!(rows.contains(&"A cut-off".to_string()), "{rows:?}");
    assert_eq!(
        r.rows()
            .find(|row| row[0] == "A cut-off")
            .map(|row| row[1].clone()),
        Some(Data::Float(0.8))
    );
    let q = sheet(&mut wb, "Data quality");
    let text: Vec<String> = q
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(text.iter().any(|t| t == "single-source"), "findings");
    assert!(text.iter().any(|t| t.ends_with("food_ledger.csv")), "files");

    // The charts: the Pareto curve (bars, a line on the secondary axis, two cut-offs) and
    // the spend×profit matrix.
    let pareto = zip_entry(&path, "xl/charts/chart1.xml").expect("chart1.xml");
    assert!(pareto.contains("<c:barChart>"), "bars");
    assert!(pareto.contains("<c:lineChart>"), "line");
    assert_eq!(
        pareto.matches("<c:ser>").count(),
        4,
        "spend, cumulative, A and B cut-offs"
    );
    assert!(
        pareto.contains("Overview!$D$54:$D$97"),
        "cumulative share series"
    );
    let matrix = zip_entry(&path, "xl/charts/chart2.xml").expect("chart2.xml");
    assert!(matrix.contains("<c:grouping val=\"stacked\"/>"));
    let drawing = zip_entry(&path, "xl/drawings/drawing1.xml").expect("drawing");
    assert_eq!(drawing.matches("<c:chart ").count(), 2);
    // A fixed creation time: the ledger's last day.
    let core = zip_entry(&path, "docProps/core.xml").expect("core.xml");
    assert!(core.contains("2025-12-31T00:00:00Z"), "{core}");
}

#[test]
fn xlsx_and_html_are_byte_identical_across_runs() {
    let dir = temp_dir("xlsx-same");
    for format in ["xlsx", "html"] {
        let args = ["analyze", FOOD, "--profiles", PROFILES, "--format", format];
        let one = std::fs::read(to_file(&dir, &format!("one.{format}"), &args)).expect("one");
        let two = std::fs::read(to_file(&dir, &format!("two.{format}"), &args)).expect("two");
        assert!(one == two, "{format} differs between two runs");
    }
}

#[test]
fn formula_like_text_stays_text_in_csv_xlsx_and_html() {
    let dir = temp_dir("inject");
    let ledger = write(
        &dir,
        "l.csv",
        "supplier_id,supplier_name,category,amount\n\
         S1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",C1,100.00\n\
         S2,@SUM(A1),C1,50.00\n\
         S3,<script>alert(1)</script>,-C2,-20.00\n",
    );
    let l = ledger.to_str().expect("path");
    let csv = ok(&["analyze", l, "--format", "csv"]);
    assert!(csv.contains("S1,\"'=HYPERLINK("), "{csv}");
    assert!(csv.contains("S2,'@SUM(A1)"), "{csv}");
    assert!(
        csv.contains(",-20.00,"),
        "negative money stays a number: {csv}"
    );
    let cats = ok(&["analyze", l, "--format", "csv", "--by", "category"]);
    assert!(cats.contains("\n'-C2,"), "{cats}");

    let x = to_file(&dir, "r.xlsx", &["analyze", l, "--format", "xlsx"]);
    let mut wb: Xlsx<_> = calamine::open_workbook(&x).expect("xlsx");
    let s = sheet(&mut wb, "Suppliers");
    let names: Vec<Data> = s.rows().skip(1).map(|r| r[2].clone()).collect();
    assert!(names.contains(&Data::String("=HYPERLINK(\"http://x\",\"y\")".into())));
    // No cell of any sheet is a formula.
    for n in 1..=8 {
        if let Some(xml) = zip_entry(&x, &format!("xl/worksheets/sheet{n}.xml")) {
            assert!(!xml.contains("<f>"), "sheet{n} has a formula");
        }
    }

    let h = to_file(&dir, "r.html", &["analyze", l, "--format", "html"]);
    let html = std::fs::read_to_string(h).expect("html");
    assert!(!html.contains("<script>alert"), "unescaped markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn a_failed_report_leaves_no_file() {
    let dir = temp_dir("no-half");
    let out = dir.join("r.xlsx");
    let r = procura(&[
        "analyze",
        "fixtures/missing.csv",
        "--format",
        "xlsx",
        "--output",
        out.to_str().expect("path"),
    ]);
    assert_eq!(r.status.code(), Some(1));
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// Runs the screenshot script; `None` when it skipped (it says why on stderr).
fn script(args: &[&str]) -> Option<String> {
    let out = Command::new("bash")
        .arg(root().join("scripts/html-screenshot.sh"))
        .args(args)
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    match out.status.code() {
        Some(0) => Some(stdout),
        Some(77) => {
            println!("SKIPPED the headless-Chromium check: {}", stderr.trim());
            eprintln!("SKIPPED the headless-Chromium check: {}", stderr.trim());
            None
        }
        code => panic!("html-screenshot.sh failed ({code:?}):\n{stdout}\n{stderr}"),
    }
}

#[test]
fn html_renders_the_charts_in_headless_chromium() {
    let dir = temp_dir("chromium");
    let html = food_report(&dir, "html");
    let shot = dir.join("report.png");
    if let Some(out) = script(&[html.to_str().expect("path"), shot.to_str().expect("path")]) {
        assert!(
            out.contains("OK: the Pareto chart and the portfolio matrix rendered"),
            "{out}"
        );
    }
}

#[test]
fn one_supplier_html_prints_on_one_page() {
    let dir = temp_dir("one-page");
    // S-007 is the largest; S-011 carries an exception with its guide; S-020 has the most
    // categories and split roles (the longest page of the fixture).
    for id in ["S-007", "S-011", "S-020"] {
        let html = to_file(
            &dir,
            &format!("{id}.html"),
            &[
                "report",
                id,
                FOOD,
                "--profiles",
                PROFILES,
                "--format",
                "html",
            ],
        );
        let pdf = dir.join(format!("{id}.pdf"));
        let Some(out) = script(&[
            "--pages",
            html.to_str().expect("path"),
            pdf.to_str().expect("path"),
        ]) else {
            return;
        };
        assert_eq!(out.trim(), "pages: 1", "{id}");
    }
}

/// The food ledger with its profiles under the shipped rules, analysed by the library.
fn food_analysis() -> (procura::analysis::Analysis, procura::rules::RuleSet) {
    use procura::pipeline::{self, Inputs};
    let rules = procura::rules::RuleSet::default_rules().expect("rules");
    let inputs = Inputs {
        ledgers: vec![root().join(FOOD)],
        profiles: Some(root().join(PROFILES)),
        ..Inputs::default()
    };
    (pipeline::run(&inputs, &rules).expect("analysis"), rules)
}

#[test]
fn the_library_renders_every_report_without_a_context() {
    use procura::analysis::Dimension;
    use procura::report::{self, Format};
    let (a, _) = food_analysis();
    let html = report::render(&a, Dimension::Supplier, Format::Html).expect("html");
    let html = String::from_utf8(html).expect("UTF-8");
    // Without rules in the context the matrix still orders the levels as the shipped rules
    // do: low at the bottom (drawn first), high at the top.
    let (low, high) = (
        html.find(">low</text>").expect("low band"),
        html.find(">high</text>").expect("high band"),
    );
    assert!(low < high);
    let xlsx = report::render(&a, Dimension::Supplier, Format::Xlsx).expect("xlsx");
    assert!(xlsx.starts_with(b"PK"), "a zip");
    let md = report::render(&a, Dimension::Supplier, Format::Markdown).expect("md");
    let md = String::from_utf8(md).expect("UTF-8");
    assert!(md.contains("## Data quality") && !md.contains("### Files read"));
    let one = report::supplier_report(&a, &report::Context::default(), "S-007", Format::Json);
    assert!(one.is_err(), "the one-supplier report has no JSON form");
}

/// A writer that takes `room` bytes, then fails as a full disk does.
struct FullDisk {
    room: usize,
    taken: usize,
}

impl std::io::Write for FullDisk {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.taken + b.len() > self.room {
            return Err(std::io::Error::other("no space left on device"));
        }
        self.taken += b.len();
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn every_report_written_as_it_is_made_is_the_report_made_whole() {
    use procura::analysis::Dimension;
    use procura::report::{self, Format};
    let (a, rules) = food_analysis();
    let ctx = report::Context {
        files: &[],
        rules: Some(&rules),
    };
    for format in [
        Format::Table,
        Format::Csv,
        Format::Json,
        Format::Markdown,
        Format::Html,
        Format::Xlsx,
        Format::BenchCsv,
    ] {
        for by in [Dimension::Supplier, Dimension::Item] {
            let whole = report::render_with(&a, &ctx, by, format).expect("rendered");
            let mut written = Vec::new();
            report::write_with(&a, &ctx, by, format, &mut written).expect("written");
            assert_eq!(written, whole, "{format:?} by {by:?}");
            // A disk that fills up half-way is an error, never a panic or a silent stop.
            let mut full = FullDisk {
                room: whole.len() / 2,
                taken: 0,
            };
            let e =
                report::write_with(&a, &ctx, by, format, &mut full).expect_err("the disk is full");
            assert!(
                e.to_string().contains("no space left on device"),
                "{format:?}: {e}"
            );
            let whole = report::render_advice(&a, format, Some(by)).expect("advice rendered");
            let mut written = Vec::new();
            report::write_advice(&a, format, Some(by), &mut written).expect("advice written");
            assert_eq!(written, whole, "advice {format:?} by {by:?}");
        }
    }
}
