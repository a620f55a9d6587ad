//! The fast ledger path gives what the general reader gives: the same cube and
//! byte-identical reports, on one thread and split over several. No timings here: the
//! benches (`cargo bench`) and `scripts/bench.sh` measure.

#[path = "../../benches/support/ledger_gen.rs"]
mod ledger_gen;

use crate::common::temp_dir;
use ledger_gen::{Shape, ledger};
use procura::analysis::{self, Dimension};
use procura::ledger::quality::{QualityReport, identity_findings};
use procura::ledger::{
    FastOptions, FileReport, ReadOptions, read_ledger, read_ledger_fast, read_ledger_with,
};
use procura::profiles::Profiles;
use procura::report::{self, Format};
use procura::rules::RuleSet;
use procura::spend::SpendCube;
use std::path::Path;

/// Everything a cube holds, as text in a fixed order (scale of the decimals included).
pub(crate) fn dump(cube: &SpendCube) -> String {
    let mut cells: Vec<String> = cube
        .cells
        .iter()
        .map(|(k, c)| {
            format!(
                "{}/{}/{} {} {} {} {}",
                cube.suppliers.name(k.supplier),
                cube.categories.name(k.category),
                cube.items.name(k.item),
                c.spend,
                c.profit,
                c.lines,
                c.credit_lines
            )
        })
        .collect();
    cells.sort();
    let ids = |i: &procura::spend::Interner| i.iter().map(|(_, s)| s).collect::<Vec<_>>().join(" ");
    format!(
        "suppliers {}\nnames {:?}\ncategories {}\nitems {}\nprofit {} currencies {:?} period {:?}\n{}",
        ids(&cube.suppliers),
        cube.supplier_names,
        ids(&cube.categories),
        ids(&cube.items),
        cube.has_profit,
        cube.currencies,
        cube.period,
        cells.join("\n")
    )
}

/// The reports an analysis of the cube renders.
fn reports(cube: &SpendCube) -> Vec<Vec<u8>> {
    let rules = RuleSet::default_rules().expect("default rules");
    let a = analysis::analyze(cube, &rules, &Profiles::default()).expect("analysis");
    let mut out = Vec::new();
    for by in [Dimension::Supplier, Dimension::Category, Dimension::Item] {
        out.push(report::render(&a, by, Format::Csv).expect("renders"));
    }
    out.push(report::render(&a, Dimension::Supplier, Format::Json).expect("renders"));
    out
}

fn general(path: &Path) -> SpendCube {
    let mut cube = SpendCube::default();
    read_ledger(path, &mut cube).expect("the general reader reads it");
    cube
}

fn fast(path: &Path, threads: usize) -> SpendCube {
    let read = std::sync::atomic::AtomicU64::new(0);
    let (cube, report) = read_ledger_fast(
        path,
        FastOptions {
            threads,
            progress: Some(&read),
            ..FastOptions::default()
        },
    )
    .expect("the fast path handles a clean ledger");
    // The progress counter ends at the file's size, however the file was split.
    assert_eq!(
        read.into_inner(),
        std::fs::metadata(path).expect("ledger").len(),
        "bytes counted on {threads} threads"
    );
    let mut g = SpendCube::default();
    let r = read_ledger(path, &mut g).expect("general");
    same_report(
        &report,
        &r,
        &format!("{} on {threads} threads", path.display()),
    );
    cube
}

/// The fast path's file report is the general reader's: serialized, rendered (with the
/// identity findings), and field by field (the identities are not serialized).
pub(crate) fn same_report(fast: &FileReport, general: &FileReport, what: &str) {
    let json = |f: &FileReport| serde_json::to_string_pretty(f).expect("serializes");
    assert_eq!(json(fast), json(general), "report differs: {what}");
    let text = |f: &FileReport| {
        QualityReport {
            notices: Vec::new(),
            files: vec![f.clone()],
            findings: identity_findings(std::slice::from_ref(f)),
        }
        .to_text()
    };
    assert_eq!(text(fast), text(general), "rendered report differs: {what}");
    assert!(fast == general, "identities differ: {what}");
}

fn check(name: &str, shape: Shape) {
    let dir = temp_dir(name);
    let path = dir.join("ledger.csv");
    std::fs::write(&path, ledger(shape)).expect("write ledger");
    let want = general(&path);
    let want_dump = dump(&want);
    let want_reports = reports(&want);
    for threads in [1, 2, 3, 7] {
        let got = fast(&path, threads);
        assert_eq!(dump(&got), want_dump, "cube differs on {threads} threads");
        // The dump covers the whole cube; the reports are rendered once, as a check on
        // what a user sees (the analysis in a debug build is the slow part of this test).
        if threads == 2 {
            assert!(
                reports(&got) == want_reports,
                "reports differ on {threads} threads"
            );
        }
    }
}

#[test]
fn fast_path_equals_the_general_reader_on_a_generated_ledger() {
    // Enough items that the fast path's item table grows several times.
    check(
        "gen",
        Shape {
            rows: 12_000,
            suppliers: 2_000,
            ..Shape::default()
        },
    );
}

/// Items bought from several suppliers and in several categories, in another mix in each
/// part of the file: merging the parts finds each cell whether or not it is its item's
/// last cell in the part merged into.
#[test]
fn fast_path_merges_parts_whose_items_have_several_cells() {
    let mut text = String::from(
        "order_id,date,supplier_id,supplier_name,category,item_id,quantity,unit_price,amount,currency\n",
    );
    for i in 0..6_000usize {
        // The supplier and category an item is bought in turn with the part of the file.
        let phase = i * 7 / 6_000;
        let item = i % 37;
        let supplier = (item + phase) % 5;
        let category = (item * (phase + 1)) % 3;
        text.push_str(&format!(
            "PO{i},2025-01-01,S{supplier},Supplier {supplier},CAT-{category},I{item},1,{0}.50,{0}.50,EUR\n",
            1 + i % 90,
        ));
    }
    let dir = temp_dir("fast-merge-cells");
    let path = dir.join("ledger.csv");
    std::fs::write(&path, &text).expect("write ledger");
    let want = dump(&general(&path));
    for threads in [1, 2, 3, 7] {
        assert_eq!(dump(&fast(&path, threads)), want, "{threads} threads");
    }
}

#[test]
fn fast_path_equals_the_general_reader_with_crlf_and_profit() {
    check(
        "gen-crlf",
        Shape {
            rows: 3_000,
            suppliers: 50,
            seed: 7,
            crlf: true,
            profit: true,
        },
    );
}

/// Line breaks inside quoted fields (Excel's Alt+Enter in a name) are read on the fast
/// path as the general reader reads them: the field keeps them, the record goes on, and
/// every line after is numbered as in the file. One name runs over 3,000 lines in the
/// middle of the file, so that splitting the file for two threads (and three, and seven)
/// starts a part inside it: that split is found, and the data are read again as one part.
#[test]
fn fast_path_reads_line_breaks_in_quotes_and_numbers_the_lines_after_them() {
    let dir = temp_dir("fast-quoted-breaks");
    let long_name = format!("\"Acme\n{}Branch\"", "line\n".repeat(3_000));
    let mut text = String::from(
        "order_id,date,supplier_id,supplier_name,category,item_id,quantity,unit_price,amount,currency\n",
    );
    let mut breaks = 0;
    let mut line_of_row = Vec::new();
    for i in 0..4_000usize {
        line_of_row.push(i + 2 + breaks);
        let name = match i {
            // Short names with a break early, long ones in the middle, one at the end.
            7 | 3_999 => "\"Beta\nGmbH\"".to_string(),
            2_000 => long_name.clone(),
            _ => format!("Supplier {}", i % 9),
        };
        breaks += name.matches('\n').count();
        // Row 2,500's amount is not its quantity × price: a warning at its line.
        let amount = if i == 2_500 { "7.00" } else { "6.00" };
        text.push_str(&format!(
            "PO{},2025-01-01,S{},{name},C1,I{},2,3.00,{amount},EUR\n",
            i / 3,
            i % 9,
            i % 11,
        ));
    }
    let cube = same_on_threads(&dir, "breaks.csv", &text);
    assert_eq!(cube.lines(), 4_000);
    let path = dir.join("breaks.csv");
    let (_, report) = read_ledger_fast(
        &path,
        FastOptions {
            threads: 2,
            ..FastOptions::default()
        },
    )
    .expect("read on the fast path");
    let lines: Vec<u64> = report.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [line_of_row[2_500] as u64], "{:?}", report.warnings);
    assert_eq!(line_of_row[2_500], 2_500 + 2 + 1 + 3_001);
    // The same ledger in windows-1251 (1C's code page), with Cyrillic names: a part of a
    // code-page file is read to exactly its range, and one that ends inside the long
    // name says so; the data are read again as one part.
    let cyrillic = text.replace("Supplier", "Поставщик");
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&cyrillic);
    let path = dir.join("breaks-1251.csv");
    std::fs::write(&path, &cp1251).expect("write");
    let want = dump(&general(&path));
    for threads in [1, 2, 3, 7] {
        assert_eq!(
            dump(&fast(&path, threads)),
            want,
            "windows-1251 on {threads} threads"
        );
    }
    // A last record whose last line reads like a total row: the end of the data is taken
    // to be inside that record, which the last part reads past; the file is handed back,
    // and the general reader reads the record as a purchase line.
    let p = dir.join("break-then-total.csv");
    std::fs::write(
        &p,
        "supplier_id,supplier_name,amount\nS1,A,5\nS1,\"A\nTotal\",10\n",
    )
    .expect("write");
    falls_back(&p, "break-then-total");
    assert_eq!(general(&p).lines(), 2);
}

/// The general reader's report of the file at `path` read with `options`, after checking
/// that the fast path, given the same options ([`FastOptions::reading`]), reads it to the
/// same cube and report on one, two and three threads.
fn same_with_options(path: &Path, options: &ReadOptions) -> FileReport {
    let what = path.display();
    let mut want = SpendCube::default();
    let general = read_ledger_with(path, options, &mut want).expect("general reader");
    for threads in [1, 2, 3] {
        let fast = FastOptions {
            threads,
            ..FastOptions::reading(options).expect("options the fast path takes")
        };
        let (got, report) = read_ledger_fast(path, fast)
            .unwrap_or_else(|| panic!("{what} on {threads} threads was handed back"));
        assert_eq!(dump(&got), dump(&want), "{what}: cube on {threads} threads");
        same_report(&report, &general, &format!("{what} on {threads} threads"));
    }
    general
}

/// Whether the fast path, given `options`, hands the file at `path` back.
fn handed_back_with(path: &Path, options: &ReadOptions) -> bool {
    let fast = FastOptions::reading(options).expect("options the fast path takes");
    read_ledger_fast(path, fast).is_none()
}

/// Header names the user gives with `--columns` (`supplier_id=LiefNr,…`) are taken on the
/// fast path as the general reader takes them: on the first line, below title lines, and
/// for the total row at the end; a mapping that names no column of the file is the
/// general reader's error to give.
#[test]
fn fast_path_reads_the_header_names_given_for_fields() {
    use procura::ledger::locale::headers::Mapping;
    let dir = temp_dir("fast-columns");
    let header = "Beleg,Buchungstag,LiefNr,LiefName,WG,MatNr,Mng,EPreis,NetBetrag,Waehr\n";
    let mut body = String::new();
    let mut sum = 0i64;
    for i in 0..5_000i64 {
        let cents = 600 + i % 7;
        sum += 2 * cents;
        body.push_str(&format!(
            "PO{},2025-01-0{},S{},Lieferant {},C{},I{},2,{}.{:02},{}.{:02},EUR\n",
            i / 3,
            1 + i % 9,
            i % 13,
            i % 13,
            i % 4,
            i % 17,
            cents / 100,
            cents % 100,
            2 * cents / 100,
            2 * cents % 100,
        ));
    }
    let total = format!("Summe,,,,,,,,{}.{:02},EUR\n", sum / 100, sum % 100);
    let columns: Mapping = "order_id=Beleg,date=Buchungstag,supplier_id=LiefNr,\
        supplier_name=LiefName,category=WG,item_id=MatNr,quantity=Mng,unit_price=EPreis,\
        amount=NetBetrag,currency=Waehr"
        .parse()
        .expect("a mapping");
    let options = ReadOptions {
        columns,
        ..ReadOptions::default()
    };
    for (name, text) in [
        ("first-line.csv", format!("{header}{body}")),
        (
            "titles-and-total.csv",
            format!("Einkauf 2025\nMandant 100\n{header}{body}{total}"),
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &text).expect("write");
        same_with_options(&path, &options);
        // Without the names the header is not found: the general reader's error.
        assert!(handed_back_with(&path, &ReadOptions::default()), "{name}");
    }
}

/// A delimiter given with `--delimiter` is taken on the fast path when it is the file's
/// own, and reported as given, as the general reader reports it; another one leaves the
/// file to the general reader.
#[test]
fn fast_path_reads_a_given_delimiter_that_is_the_files_own() {
    use procura::ledger::locale::sniff::Delimiter;
    let dir = temp_dir("fast-delimiter");
    let mut text = String::from("supplier_id;supplier_name;date;quantity;amount\n");
    for i in 0..3_000 {
        text.push_str(&format!(
            "S{};Lieferant {};0{}.02.2025;{};{},{:02}\n",
            i % 13,
            i % 13,
            1 + i % 9,
            1 + i % 4,
            10 + i % 50,
            i % 100,
        ));
    }
    let path = dir.join("semicolons.csv");
    std::fs::write(&path, &text).expect("write");
    let given = |d: Delimiter| ReadOptions {
        delimiter: Some(d),
        ..ReadOptions::default()
    };
    let general = same_with_options(&path, &given(Delimiter::Semicolon));
    assert!(
        general
            .decisions
            .iter()
            .any(|d| d == "delimiter: semicolon ';' (given with --delimiter)"),
        "{:?}",
        general.decisions
    );
    for other in [Delimiter::Comma, Delimiter::Tab] {
        assert!(handed_back_with(&path, &given(other)), "read with {other}");
    }
}

/// A decimal separator given with `--decimal` is the separator of every number column on
/// the fast path, as for the general reader: values that read two ways (`1,500`) are read
/// with it instead of stopping the run, and the decision says it was given.
#[test]
fn fast_path_reads_numbers_with_a_given_decimal_separator() {
    use procura::ledger::locale::number::DecimalSep;
    let dir = temp_dir("fast-decimal");
    let mut ambiguous = String::from("supplier_id;amount;quantity\n");
    let mut points = String::from("supplier_id,amount,quantity\n");
    for i in 0..2_000 {
        // Whole amounts prove nothing; quantities such as `1,500` read two ways.
        ambiguous.push_str(&format!(
            "S{};{};{},{:03}\n",
            i % 7,
            10 + i % 90,
            1 + i % 9,
            250 * (i % 4),
        ));
        points.push_str(&format!(
            "S{},{}.{:02},{}\n",
            i % 7,
            10 + i % 90,
            i % 100,
            1 + i % 3
        ));
    }
    for (name, text, given) in [
        ("ambiguous.csv", &ambiguous, DecimalSep::Comma),
        ("ambiguous-point.csv", &ambiguous, DecimalSep::Point),
        ("points.csv", &points, DecimalSep::Point),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        let options = ReadOptions {
            decimal: Some(given),
            ..ReadOptions::default()
        };
        let general = same_with_options(&path, &options);
        assert!(
            general
                .decisions
                .contains(&format!("numbers: decimal {given} (given with --decimal)")),
            "{name}: {:?}",
            general.decisions
        );
    }
    // Without it, the values that read two ways are the general reader's to ask about.
    assert!(read_ledger_fast(&dir.join("ambiguous.csv"), FastOptions::default()).is_none());
}

/// An encoding given with `--encoding` is read on the fast path as the general reader
/// reads it: UTF-8 (with or without a byte order mark) and single-byte code pages, checked
/// over the whole file and reported "as declared"; UTF-16, and bytes the given encoding
/// does not allow, are the general reader's.
#[test]
fn fast_path_reads_a_given_encoding_as_the_general_reader_does() {
    use procura::ledger::locale::encoding::Encoding;
    let dir = temp_dir("fast-encoding");
    let mut text = String::from("supplier_id;supplier_name;amount\n");
    for i in 0..3_000 {
        // Plain names first, as in a file whose code page shows only further down.
        let name = if i < 1_500 {
            "Plain"
        } else {
            "ООО «Ромашка»"
        };
        text.push_str(&format!(
            "S{};{name} {};{},{:02}\n",
            i % 11,
            i % 11,
            1 + i % 70,
            i % 100
        ));
    }
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let files = [
        ("utf8.csv", text.as_bytes().to_vec(), Encoding::Utf8),
        (
            "bom.csv",
            [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
            Encoding::Utf8,
        ),
        ("cp1251.csv", cp1251.to_vec(), Encoding::Windows1251),
        ("cp1251-as-1252.csv", cp1251.to_vec(), Encoding::Windows1252),
    ];
    for (name, bytes, given) in files {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).expect("write");
        let options = ReadOptions {
            encoding: Some(given),
            ..ReadOptions::default()
        };
        let general = same_with_options(&path, &options);
        assert!(
            general.decisions[0].ends_with("(as declared) (given with --encoding)")
                || general.decisions[0].ends_with("removed) (given with --encoding)"),
            "{name}: {:?}",
            general.decisions
        );
    }
    // UTF-16 declared, and a code page's bytes declared UTF-8: the general reader's.
    for (name, given) in [
        ("utf8.csv", Encoding::Utf16Le),
        ("cp1251.csv", Encoding::Utf8),
    ] {
        let options = ReadOptions {
            encoding: Some(given),
            ..ReadOptions::default()
        };
        assert!(
            handed_back_with(&dir.join(name), &options),
            "{name} read as {given}"
        );
    }
}

/// A date format given with `--date-format` is read on the fast path as the general
/// reader reads it: slashed dates that read two ways no longer stop the run, year-first
/// dates are taken in any format, and a date the format rejects (or an Excel serial
/// number) leaves the file to the general reader.
#[test]
fn fast_path_reads_dates_in_a_given_format() {
    use procura::ledger::locale::date::DateFormat;
    let dir = temp_dir("fast-date-format");
    // Days and months up to 12 only: nothing in the file tells the order.
    let mut ambiguous = String::from("supplier_id,date,amount\n");
    for i in 0..3_000 {
        ambiguous.push_str(&format!(
            "S{},{:02}/{:02}/2025,{}.{:02}\n",
            i % 7,
            1 + i % 12,
            1 + (i / 12) % 12,
            1 + i % 50,
            i % 100,
        ));
    }
    ambiguous.push_str("S1,2025-06-30 10:15,1.00\n");
    let path = dir.join("ambiguous.csv");
    std::fs::write(&path, &ambiguous).expect("write");
    let given = |format: DateFormat| ReadOptions {
        date_format: Some(format),
        ..ReadOptions::default()
    };
    for format in [DateFormat::DayMonthYear, DateFormat::MonthDayYear] {
        let general = same_with_options(&path, &given(format));
        assert!(
            general.decisions.contains(&format!(
                "column 2 (date): dates as {format} (given with --date-format)"
            )),
            "{:?}",
            general.decisions
        );
    }
    // Without a format the order is the general reader's to ask for; year-last dates in
    // ISO and any Excel serial format are its to reject or note.
    assert!(read_ledger_fast(&path, FastOptions::default()).is_none());
    for format in [DateFormat::Iso, DateFormat::ExcelSerial] {
        assert!(handed_back_with(&path, &given(format)), "read as {format}");
    }
    // Dates written as ISO dates in the Excel format are read as written (and not noted as
    // serials), here as by the general reader; a serial number is its to read.
    let iso: String = ambiguous
        .lines()
        .map(|l| match l.split(',').collect::<Vec<_>>()[..] {
            [s, d, a] if d.len() == 10 && d.as_bytes()[2] == b'/' => {
                format!("{s},2025-{}-{},{a}\n", &d[3..5], &d[..2])
            }
            _ => format!("{l}\n"),
        })
        .collect();
    let p = dir.join("iso.csv");
    std::fs::write(&p, &iso).expect("write");
    same_with_options(&p, &given(DateFormat::ExcelSerial));
    let p = dir.join("serial.csv");
    std::fs::write(&p, format!("{iso}S1,45723,1.00\n")).expect("write");
    assert!(
        handed_back_with(&p, &given(DateFormat::ExcelSerial)),
        "a serial number read on the fast path"
    );
    // A date that reads only day-first, in a file given month-first: rejected by the
    // general reader, so not read here.
    let p = dir.join("day-first.csv");
    std::fs::write(&p, format!("{ambiguous}S2,13/02/2025,1.00\n")).expect("write");
    assert!(
        handed_back_with(&p, &given(DateFormat::MonthDayYear)),
        "a day-first date read month-first"
    );
}

/// Amounts and profits with three or four decimals (ERP prices carried into the amount,
/// Excel's computed cells) are read on the fast path in ten-thousandths, summed at the
/// scale the general reader's sums take, and checked against quantity × price as it
/// checks them; five decimals are still the general reader's.
#[test]
fn fast_path_reads_amounts_with_up_to_four_decimals() {
    let dir = temp_dir("fast-four-decimals");
    let mut text = String::from("order_id,supplier_id,item_id,quantity,unit_price,amount,profit\n");
    for i in 0..3_000i64 {
        let price = 1_0000 + i % 97 * 37; // ten-thousandths: 1.0000 to 4.5520
        let quantity = 1 + i % 5;
        let mut amount = quantity * price;
        // Every 500th line's amount is a cent off: the general reader's warning.
        if i % 500 == 7 {
            amount += 100;
        }
        let four = |v: i64| format!("{}.{:04}", v / 10_000, v % 10_000);
        let (price, amount) = if i % 3 == 0 {
            // Three decimals where the fourth is zero, as some exports trim them.
            let three = |v: i64| format!("{}.{:03}", v / 10_000, v % 10_000 / 10);
            (
                three(price - price % 10),
                three(quantity * (price - price % 10)),
            )
        } else {
            (four(price), four(amount))
        };
        let profit = format!("{}.{:03}", i % 40, i % 1000);
        text.push_str(&format!(
            "PO{},S{},I{},{quantity},{price},{amount},{profit}\n",
            i / 2,
            i % 11,
            i % 23,
        ));
    }
    let cube = same_on_threads(&dir, "four.csv", &text);
    assert_eq!(cube.lines(), 3_000);
    let mut general = SpendCube::default();
    let report = read_ledger(&dir.join("four.csv"), &mut general).expect("read");
    assert_eq!(report.warning_count, 4, "{:?}", report.warnings);
    let p = dir.join("five.csv");
    std::fs::write(&p, "supplier_id,amount\nS1,1.23456\n").expect("write");
    falls_back(&p, "five decimals");
}

/// The fast path hands the file at `p` back to the general reader, on one thread and two.
fn falls_back(p: &Path, name: &str) {
    for threads in [1, 2] {
        let got = read_ledger_fast(
            p,
            FastOptions {
                threads,
                ..FastOptions::default()
            },
        );
        assert!(got.is_none(), "{name} on {threads} threads was handled");
    }
}

#[test]
fn fast_path_leaves_what_it_does_not_read_to_the_general_reader() {
    let dir = temp_dir("fast-other");
    let header = "supplier_id,supplier_name,amount\n";
    for (name, body) in [
        // The general reader writes a carriage return in quotes as a line break.
        ("quoted-cr", "S1,\"A\rB\",10\n"),
        ("quoted-crlf", "S1,\"A\r\nB\",10\n"),
        // A quote left open at the end of the file.
        ("open-quote", "S1,\"A\nB,10\n"),
        ("three-decimals", "S1,A,1.234\n"),
        ("bad-amount", "S1,A,12a\n"),
        ("short-row", "S1,A\n"),
        ("blank-line", "S1,A,1\n\nS2,B,2\n"),
        ("spaces", "S1 ,A,1\n"),
        ("plus", "S1,A,+1\n"),
        ("lone-cr", "S1,A,1\rS2,B,2\n"),
        ("quote-inside", "S1,A\"B,1\n"),
    ] {
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(&p, format!("{header}{body}")).expect("write");
        falls_back(&p, name);
    }
    // A byte that is not UTF-8 after 84 KB that are (ü in windows-1252): the head was
    // taken for UTF-8, and the file is read again in its code page, not handed back.
    let mut bytes = format!("{header}{}", "S1,A,1\n".repeat(12_000)).into_bytes();
    bytes.extend_from_slice(b"S2,M\xfcller,1\n");
    let p = dir.join("latin1-late.csv");
    std::fs::write(&p, bytes).expect("write");
    assert_eq!(dump(&fast(&p, 1)), dump(&general(&p)));
    // `vendor` is an alias of supplier_id: two columns for one field, the general
    // reader's error.
    let p = dir.join("alias.csv");
    std::fs::write(&p, "vendor,supplier_id,amount\nX,S1,1\n").expect("write");
    assert!(read_ledger_fast(&p, FastOptions::default()).is_none());
}

/// A file whose money goes beyond `MONEY_LIMIT` is the general reader's, which rejects the
/// lines that take it there; up to the limit the fast path reads it.
#[test]
fn fast_path_leaves_money_beyond_the_limit_to_the_general_reader() {
    let dir = temp_dir("fast-money-limit");
    // 9 × 10^14 on each line (near the largest amount the fast path holds, an i64 of
    // ten-thousandths), credits and purchases in turn so that no sum the fast path keeps
    // overflows: 111,111 lines add up to just under 10^20 in absolute value, and two more
    // pass it.
    let body = |lines: usize| {
        let mut t = String::from("order_id,supplier_id,amount\n");
        for i in 0..lines {
            let sign = if i % 2 == 0 { "" } else { "-" };
            t.push_str(&format!("PO{i},S{},{sign}900000000000000.00\n", i % 7));
        }
        t
    };
    let within = dir.join("within.csv");
    std::fs::write(&within, body(111_111)).expect("write");
    assert!(read_ledger_fast(&within, FastOptions::default()).is_some());
    let beyond = dir.join("beyond.csv");
    std::fs::write(&beyond, body(111_113)).expect("write");
    falls_back(&beyond, "beyond");
    let mut cube = SpendCube::default();
    let r = read_ledger(&beyond, &mut cube);
    let Err(procura::ledger::LedgerError::Rejected { files }) = r else {
        panic!("strict reading rejects the lines beyond the limit: {r:?}");
    };
    let lines: Vec<u64> = files[0].rejected.iter().map(|x| x.line).collect();
    assert_eq!(lines, [111_113, 111_114]);
}

#[test]
fn fast_path_reads_a_last_line_without_newline_and_a_header_only_file() {
    let dir = temp_dir("fast-edges");
    for (name, text) in [
        ("no-final-newline", "supplier_id,amount\nS1,1.5\nS2,2"),
        ("header-only", "supplier_id,amount\n"),
        (
            "quoted",
            "supplier_id,supplier_name,amount\n\"S1\",\"A, \"\"B\"\"\",\"3\"\n",
        ),
        (
            "items",
            "supplier_id,item_id,amount\nS1,I1,1\nS1,\"I1\",2\nS2,\"I\"\"2\",3\nS2,I-a-long-item-id-0001,4\nS2,\"I-a-long-item-id-0001\",5\nS3,,6\nS3,\"I-a-long-\"\"item\"\"\",7\n",
        ),
    ] {
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(&p, text).expect("write");
        let want = dump(&general(&p));
        for threads in [1, 2] {
            assert_eq!(
                dump(&fast(&p, threads)),
                want,
                "{name} on {threads} threads"
            );
        }
    }
}

#[test]
fn fast_path_report_equals_the_general_readers_on_the_food_fixture() {
    let path = crate::common::fixture("food_ledger.csv");
    let want = dump(&general(&path));
    for threads in [1, 2] {
        assert_eq!(
            dump(&fast(&path, threads)),
            want,
            "food on {threads} threads"
        );
    }
}

#[test]
fn fast_path_report_has_duplicates_identities_warnings_and_currencies() {
    let dir = temp_dir("fast-report");
    // Duplicates (one spelled with quotes), one id with two names, quantity × price off
    // by more than rounding, two currencies, an empty currency, decimal proofs late in the
    // file, a credit note.
    let mut text = String::from(
        "order_id,date,supplier_id,supplier_name,category,item_id,quantity,unit_price,amount,currency\n",
    );
    for i in 0..300 {
        let s = i % 7;
        let name = if i % 50 == 49 { "Acme Ltd" } else { "Acme" };
        text.push_str(&format!(
            "PO{i},2025-01-{:02},S{s},{name}{s},C{},I{},{},{}.5,{},EUR\n",
            1 + i % 28,
            i % 3,
            i % 11,
            1 + i % 4,
            i % 9,
            (1 + i % 4) * (i % 9) + (1 + i % 4) / 2 + if i % 37 == 0 { 3 } else { 0 }
        ));
    }
    text.push_str("PO1,2025-02-01,S1,Acme1,C1,I1,2,3.5,7.00,USD\n");
    text.push_str("\"PO1\",2025-02-01,S1,Acme1,C1,I1,2,3.5,7.00,USD\n");
    text.push_str("PO1,2025-02-01,S1,Acme1,C1,I1,2,3.5,7.00,USD\n");
    text.push_str("PO2,,S2,Acme2,,I2,,,-4.25,\n");
    text.push_str("PO3,2025-02-03,S3,\"Acme, \"\"3\"\"\",C3,I3,1,1,1.1,USD\n");
    let path = dir.join("ledger.csv");
    std::fs::write(&path, &text).expect("write");
    let mut g = SpendCube::default();
    let r = procura::ledger::read_ledger_with(&path, &Default::default(), &mut g).expect("general");
    assert!(!r.duplicates.is_empty() && !r.warnings.is_empty(), "{r:?}");
    assert!(r.currencies.len() > 1, "{:?}", r.currencies);
    let want = dump(&g);
    for threads in [1, 2, 3] {
        assert_eq!(dump(&fast(&path, threads)), want, "{threads} threads");
    }
    // `procura check` reads clean files by the fast path too: what it shows is the
    // general reader's report and cube, whichever reader ran.
    let inputs = procura::pipeline::Inputs {
        ledgers: vec![path.clone()],
        ..Default::default()
    };
    let checked = procura::pipeline::inspect(&inputs).expect("inspects");
    assert_eq!(dump(&checked.cube), want, "check's cube");
    same_report(&checked.files[0], &r, "check");
}

#[test]
fn fast_path_counts_identities_with_long_and_alternating_names() {
    // Names longer than a supplier's inline record, a supplier switching between two
    // spellings across orders, one order of 1,200 lines (beyond the lines compared for
    // duplicates) and a ledger with no order-id column (orders by supplier and date).
    let dir = temp_dir("fast-identities");
    let long = "Северо-Западная Торговая Компания «Ромашка» ООО";
    let mut with_orders = String::from("order_id,date,supplier_id,supplier_name,item_id,amount\n");
    let mut without = String::from("date,supplier_id,supplier_name,item_id,amount\n");
    for i in 0..400 {
        let s = i % 5;
        let name = if (i / 7) % 3 == 0 {
            format!("{long} {s}")
        } else {
            format!("{long} {s} (old)")
        };
        let line = format!(
            "2025-01-{:02},S{s},{name},I{},{}.{:02}",
            1 + (i / 20) % 28,
            i % 13,
            1 + i % 9,
            i % 100
        );
        with_orders.push_str(&format!("PO{},{line}\n", i / 3));
        without.push_str(&format!("{line}\n"));
    }
    for i in 0..1_200 {
        with_orders.push_str(&format!(
            "PO-BIG,2025-02-01,S9,{long} 9,I{},1.{:02}\n",
            i % 40,
            i % 3
        ));
    }
    for (name, text) in [("orders.csv", with_orders), ("no_orders.csv", without)] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        for threads in [1, 2, 3] {
            // `fast` compares the whole report with the general reader's.
            fast(&path, threads);
        }
        if name == "no_orders.csv" {
            continue;
        }
        let mut g = SpendCube::default();
        let r = read_ledger(&path, &mut g).expect("general");
        assert!(
            r.duplicate_groups > 0 && r.duplicates.len() as u64 == r.duplicate_groups.min(1_000),
            "{name}: {r:?}"
        );
    }
}

/// An order whose lines straddle the fast path's 1 MiB read block, with a line repeated
/// on both sides (and a quoted spelling of it): the kept lines of the order are copied out
/// of the buffer before it is refilled, so the duplicates found are the general reader's.
#[test]
fn fast_path_finds_duplicates_across_a_refilled_buffer() {
    const BLOCK: usize = 1 << 20;
    let mut text = String::from(
        "order_id,date,supplier_id,supplier_name,category,item_id,quantity,unit_price,amount,currency\n",
    );
    let mut i = 0;
    while text.len() < BLOCK - 300 {
        text.push_str(&format!(
            "PO{i},2025-03-01,S{},Acme {},C1,I{},2,1.50,3.00,EUR\n",
            i % 50,
            i % 50,
            i % 700
        ));
        i += 1;
    }
    // The order's first lines end before the block's end, the rest after it.
    let line = "PX1,2025-03-02,S7,Acme 7,C1,I7,4,2.00,8.00,EUR\n";
    let quoted = "\"PX1\",2025-03-02,S7,\"Acme 7\",C1,I7,4,2.00,8.00,EUR\n";
    for k in 0..12 {
        text.push_str(match k % 3 {
            0 => line,
            1 => quoted,
            _ => "PX1,2025-03-02,S7,Acme 7,C1,I8,1,1.00,1.00,EUR\n",
        });
    }
    assert!(text.len() > BLOCK, "the order crosses the block's end");
    for j in 0..200 {
        text.push_str(&format!(
            "PY{j},2025-03-03,S1,Acme 1,C2,I1,1,1.00,1.00,EUR\n"
        ));
    }
    let dir = temp_dir("fast-refill-dups");
    let path = dir.join("ledger.csv");
    std::fs::write(&path, &text).expect("write");
    let mut g = SpendCube::default();
    let want =
        procura::ledger::read_ledger_with(&path, &Default::default(), &mut g).expect("general");
    assert!(
        want.duplicates.iter().any(|d| d.len() >= 8),
        "the repeated line is one group across the block's end: {:?}",
        want.duplicates
    );
    for threads in [1, 2] {
        let (cube, got) = read_ledger_fast(
            &path,
            FastOptions {
                threads,
                ..FastOptions::default()
            },
        )
        .expect("the fast path handles it");
        same_report(&got, &want, &format!("{threads} threads"));
        assert_eq!(dump(&cube), dump(&g), "{threads} threads");
    }
}

/// The fields of a comma-separated line (no newline in quotes), split at commas outside
/// quotes and kept as written.
fn split_fields(body: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in body.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                fields.last_mut().expect("a field").push(c);
            }
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().expect("a field").push(c),
        }
    }
    fields
}

/// The generated ledger `text` with the supplier's name as its id, as exports that
/// have no vendor number write it (Odoo's `Vendor`, 1C's `Контрагент`): the name
/// column dropped, and `name` applied to each name with its supplier's number after it
/// (the generator gives many suppliers one name).
fn names_as_ids(text: &str, name: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut f = split_fields(line);
        // order_id, date, supplier_id, supplier_name, …
        let n = name(&f.remove(3));
        if i > 0 {
            let number = &f[2];
            f[2] = match n.strip_suffix('"') {
                Some(quoted) => format!("{quoted} {number}\""),
                None => format!("{n} {number}"),
            };
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn fast_path_reads_supplier_names_as_ids_and_leaves_those_to_normalise() {
    let dir = temp_dir("fast-name-ids");
    let text = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 11,
        ..Shape::default()
    });
    // Names such as `Škodaoffice LLC` and `"ООО ""Ромашка"""`: non-ASCII, quoted,
    // longer than 16 bytes.
    let named = names_as_ids(&text, str::to_string);
    assert!(named.lines().any(|l| !l.is_ascii()), "non-ASCII ids");
    let cube = same_on_threads(&dir, "names.csv", &named);
    let numbered = same_on_threads(&dir, "numbers.csv", &text);
    assert_eq!(cube.suppliers.len(), numbered.suppliers.len());
    assert!(cube.suppliers.iter().any(|(_, id)| id.starts_with("ООО")));
    // Ids the general reader changes (and notes) are its to read: a decomposed accent,
    // a no-break space, a zero-width space.
    for (what, change) in [
        ("nfd", "e\u{301}"),
        ("nbsp", "\u{a0}"),
        ("zero-width", "\u{200b}"),
    ] {
        let changed = names_as_ids(&text, |n| {
            if n.starts_with("Atlas") {
                format!("{n}{change}")
            } else {
                n.to_string()
            }
        });
        let p = dir.join(format!("{what}.csv"));
        std::fs::write(&p, changed).expect("write");
        falls_back(&p, what);
    }
}

/// The generated ledger `text` (comma style) with the thousands of its quantities, prices
/// and amounts of 1,000 and more grouped by `group`; and how many values were grouped.
fn with_grouping(text: &str, group: &str) -> (String, u64) {
    let mut out = String::new();
    let mut numeric = Vec::new();
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let mut f = split_fields(line);
        if i == 0 {
            numeric = (0..f.len())
                .filter(|&c| ["quantity", "unit_price", "amount"].contains(&f[c].as_str()))
                .collect();
        } else {
            for &c in &numeric {
                let v = &f[c];
                let (sign, digits) = v.strip_prefix('-').map_or(("", v.as_str()), |d| ("-", d));
                let int = digits.split('.').next().unwrap_or("");
                if int.len() > 3 {
                    let mut g = String::from(sign);
                    for (k, ch) in int.chars().enumerate() {
                        if k > 0 && (int.len() - k) % 3 == 0 {
                            g.push_str(group);
                        }
                        g.push(ch);
                    }
                    g.push_str(&digits[int.len()..]);
                    // A value holding the delimiter is quoted, as exports write it.
                    f[c] = if group == "," { format!("\"{g}\"") } else { g };
                    count += 1;
                }
            }
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    (out, count)
}

#[test]
fn fast_path_reads_thousands_grouped_as_exports_group_them() {
    let dir = temp_dir("fast-grouping");
    let text = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 17,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &text);
    for (name, group, european) in [
        ("space", " ", false),
        ("apostrophe", "'", false),
        // US Excel: `"1,234.56"`, quoted in a comma-delimited file.
        ("excel-us", ",", false),
        // 1C: no-break spaces, decimal commas.
        ("nbsp-eu", "\u{a0}", true),
        ("narrow-eu", "\u{202f}", true),
        // SAP and German Excel: `1.234,56` (written as `~` until the decimal point has
        // become a comma).
        ("sap-eu", "~", true),
    ] {
        let (grouped, count) = with_grouping(&text, group);
        assert!(count > 100, "{name}: {count} values grouped");
        let grouped = if european {
            eu_style(&grouped).replace('~', ".")
        } else {
            grouped
        };
        let cube = same_on_threads(&dir, &format!("{name}.csv"), &grouped);
        assert_eq!(dump(&cube), dump(&plain), "{name}");
        let mut c = SpendCube::default();
        let r = read_ledger(&dir.join(format!("{name}.csv")), &mut c).expect("reads");
        let noted = r
            .normalisations
            .iter()
            .find(|n| n.what == "thousands separators removed")
            .map(|n| n.count);
        assert_eq!(noted, Some(count), "{name}");
    }
    // Grouped by the other of `.` and `,`, a value that reads two ways (`1.234`: 1234, or
    // 1.234) follows its column's proof or the file's; `1.234.567` proves the separator
    // without decimals.
    for (name, body, spend) in [
        (
            "sap-integer",
            "supplier_id;amount\nS1;1.234\nS2;2,50\n",
            "1236.50",
        ),
        (
            "sap-millions",
            "supplier_id;quantity;amount\nS1;1.000;1.234.567\nS2;1.000.000;2\n",
            "1234569",
        ),
        (
            "excel-integer",
            "supplier_id,amount\nS1,\"1,234\"\nS2,2.50\n",
            "1236.50",
        ),
        (
            "sap-quantity",
            "supplier_id;quantity;unit_price;amount\nS1;1.000;1,50;1.500,00\n",
            "1500.00",
        ),
    ] {
        let cube = same_on_threads(&dir, &format!("{name}.csv"), body);
        assert_eq!(cube.total_spend().to_string(), spend, "{name}");
    }
    // With no proof anywhere, the general reader asks which separator is meant.
    let p = dir.join("sap-undecided.csv");
    std::fs::write(&p, "supplier_id;amount\nS1;1.234\nS2;2\n").expect("write");
    falls_back(&p, "sap-undecided");
}

#[test]
fn fast_path_reads_negatives_written_as_sap_and_accountants_write_them() {
    let dir = temp_dir("fast-signs");
    let text = ledger(Shape {
        rows: 5_000,
        suppliers: 200,
        seed: 31,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &text);
    let eu = eu_style(&text);
    // Every negative number, rewritten: SAP's trailing minus (in the European style),
    // accounting parentheses, and the Unicode minus sign before or after.
    for (name, body, delim, note) in [
        (
            "trailing",
            &eu,
            ';',
            "trailing minus (SAP list output) read as negative",
        ),
        ("parentheses", &text, ',', "parentheses read as negative"),
        ("unicode", &text, ',', "Unicode minus sign read as negative"),
    ] {
        let mut count = 0u64;
        let rewritten: String = body
            .lines()
            .map(|line| {
                let cells: Vec<String> = line
                    .split(delim)
                    .map(|cell| match cell.strip_prefix('-') {
                        Some(digits) if digits.starts_with(|c: char| c.is_ascii_digit()) => {
                            count += 1;
                            match name {
                                "trailing" => format!("{digits}-"),
                                "parentheses" => format!("({digits})"),
                                _ => format!("\u{2212}{digits}"),
                            }
                        }
                        _ => cell.to_string(),
                    })
                    .collect();
                cells.join(&delim.to_string()) + "\n"
            })
            .collect();
        assert!(count > 20, "{name}: {count} negatives");
        let cube = same_on_threads(&dir, &format!("{name}.csv"), &rewritten);
        assert_eq!(dump(&cube), dump(&plain), "{name}");
        let mut c = SpendCube::default();
        let r = read_ledger(&dir.join(format!("{name}.csv")), &mut c).expect("reads");
        let noted = r.normalisations.iter().find(|n| n.what == note);
        assert_eq!(noted.map(|n| n.count), Some(count), "{name}");
    }
}

#[test]
fn fast_path_reads_prices_per_price_unit_as_sap_writes_them() {
    use rust_decimal::Decimal;
    let dir = temp_dir("fast-price-unit");
    let text = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 37,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &text);
    // SAP's `Preiseinheit`: the price is for 100, 1,000 or 12 units; some lines give 1
    // or nothing. The amounts stay: quantity × price ÷ unit is the same.
    let mut out = String::new();
    let mut price_col = 0;
    for (i, line) in text.lines().enumerate() {
        let mut f = split_fields(line);
        if i == 0 {
            price_col = f
                .iter()
                .position(|h| h == "unit_price")
                .expect("a price column");
            f.push("price_unit".to_string());
        } else {
            let unit = ["100", "1", "", "1000", "12"][i % 5];
            let times: Decimal = unit.parse().unwrap_or(Decimal::ONE);
            if let Ok(p) = f[price_col].parse::<Decimal>() {
                f[price_col] = (p * times).normalize().to_string();
            }
            f.push(unit.to_string());
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    let cube = same_on_threads(&dir, "per-unit.csv", &out);
    assert_eq!(dump(&cube), dump(&plain));
    // A price per 12 that does not give the amount is warned about as the general reader
    // warns (`same_on_threads` compares the reports whole); a unit of 0 is its to reject.
    let body = "supplier_id,quantity,unit_price,price_unit,amount\nS1,5,10.00,12,4.17\nS2,5,10.00,12,4.00\nS3,1,100,100,1.00\n";
    same_on_threads(&dir, "per-12.csv", body);
    let mut c = SpendCube::default();
    let r = read_ledger(&dir.join("per-12.csv"), &mut c).expect("reads");
    assert_eq!(r.warning_count, 1, "{:?}", r.warnings);
    let p = dir.join("unit-0.csv");
    std::fs::write(
        &p,
        "supplier_id,quantity,unit_price,price_unit,amount\nS1,1,1.00,0,1.00\n",
    )
    .expect("write");
    falls_back(&p, "unit-0");
}

#[test]
fn fast_path_reads_tab_delimited_exports_in_either_decimal_style() {
    let dir = temp_dir("fast-tab");
    let text = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 23,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &text);
    let eu = eu_style(&text);
    let (sap, _) = with_grouping(&text, "~");
    let sap = eu_style(&sap).replace('~', ".");
    // SAP's spreadsheet export: tabs, and decimal points or commas as the user's settings
    // write them; the decimal separator is the one the data prove.
    for (name, body) in [("point", &text), ("comma", &eu), ("sap", &sap)] {
        let tabbed: String = match name {
            "point" => body
                .lines()
                .map(|l| split_fields(l).join("\t") + "\n")
                .collect(),
            _ => body.replace(';', "\t"),
        };
        assert!(tabbed.lines().next().is_some_and(|h| h.contains('\t')));
        let cube = same_on_threads(&dir, &format!("{name}.tsv"), &tabbed);
        assert_eq!(dump(&cube), dump(&plain), "{name}");
    }
}

#[test]
fn fast_path_reads_title_lines_above_the_header() {
    let dir = temp_dir("fast-preamble");
    let text = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 19,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &text);
    let titled = format!("Purchases 2025\n\"Report, all suppliers\",,\n\n{text}");
    let cube = same_on_threads(&dir, "titled.csv", &titled);
    assert_eq!(dump(&cube), dump(&plain));
    // 1C's title and period above a European-style ledger, CRLF.
    let eu = eu_style(&text).replace('\n', "\r\n");
    let c1 = format!("Закупки товаров и услуг\r\nПериод: 01.01.2025 - 31.12.2025\r\n\r\n{eu}");
    same_on_threads(&dir, "1c.csv", &c1);
    // The 1C fixture in UTF-8: title, period, header, date-times, grouped thousands,
    // `руб.`, and its total row.
    let fixture = crate::common::fixture("exports/1c_windows1251.csv");
    let bytes = std::fs::read(fixture).expect("fixture");
    let (utf8, _, _) = encoding_rs::WINDOWS_1251.decode(&bytes);
    same_on_threads(&dir, "1c-fixture.csv", &utf8);
    // Excel's `sep=` line is a decision of its own; a title with a newline in quotes
    // spans two lines: the general reader's.
    for (name, top) in [
        ("sep", "sep=,\n"),
        ("quoted-newline", "\"Purchases\n2025\"\n"),
    ] {
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(&p, format!("{top}{text}")).expect("write");
        falls_back(&p, name);
    }
}

#[test]
fn fast_path_reads_total_rows_and_blank_lines_at_the_end() {
    let dir = temp_dir("fast-tail");
    let text = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 23,
        ..Shape::default()
    });
    let mut g = SpendCube::default();
    std::fs::write(dir.join("plain.csv"), &text).expect("write");
    let r = read_ledger(&dir.join("plain.csv"), &mut g).expect("reads");
    let sum = r.amount_total.to_string();
    // order_id,date,supplier_id,supplier_name,category,item_id,quantity,unit_price,amount,currency
    let total = |word: &str, amount: &str| format!("{word},,,,,,,,{amount},\n");
    for (name, end) in [
        ("agrees", total("Total", &sum)),
        ("disagrees", total("Total", "1.00")),
        ("no-amount", total("Total", "")),
        (
            "blank-lines",
            format!("\n,,,,,,,,,\n{}\n", total("Итого", &sum)),
        ),
        (
            "two-totals",
            format!("{}{}", total("Subtotal", &sum), total("Total", &sum)),
        ),
        ("not-a-number", total("Total", "n/a")),
        ("no-newline", total("Total", &sum).trim_end().to_string()),
    ] {
        same_on_threads(&dir, &format!("{name}.csv"), &format!("{text}{end}"));
    }
    // A total row in the middle stays the general reader's; so does a file whose last
    // 64 KiB are all blank lines.
    let lines: Vec<&str> = text.lines().collect();
    let middle = format!(
        "{}\n{}{}\n",
        lines[..1500].join("\n"),
        total("Total", "1.00"),
        lines[1500..].join("\n")
    );
    let p = dir.join("middle.csv");
    std::fs::write(&p, middle).expect("write");
    falls_back(&p, "middle");
    let p = dir.join("blank-window.csv");
    std::fs::write(&p, format!("{text}{}", "\n".repeat(70_000))).expect("write");
    falls_back(&p, "blank-window");
}

#[test]
fn fast_path_reads_code_page_exports_as_the_general_reader_decodes_them() {
    // The 1C fixture as it is: windows-1251, title and period, date-times, grouped
    // thousands, `руб.`, a total row.
    let fixture = crate::common::fixture("exports/1c_windows1251.csv");
    for threads in [1, 2, 3] {
        assert_eq!(dump(&fast(&fixture, threads)), dump(&general(&fixture)));
    }
    // A generated ledger (Cyrillic, Latin-1 and Czech names among its suppliers) in each
    // code page, under 1C's title lines and over its total row; a name a code page cannot
    // write becomes `?`, as an export would write it.
    let dir = temp_dir("fast-code-pages");
    let text = eu_style(&ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 29,
        ..Shape::default()
    }));
    for (name, page, title, total) in [
        (
            "1251",
            encoding_rs::WINDOWS_1251,
            "Закупки товаров и услуг",
            "Итого",
        ),
        ("1250", encoding_rs::WINDOWS_1250, "Nákupy", "Total"),
        ("1252", encoding_rs::WINDOWS_1252, "Einkäufe", "Summe"),
    ] {
        let c1 = format!("{title}\nPeriod: 01.01.2025 - 31.12.2025\n\n{text}{total};;;;;;;;;\n");
        let encodable: String = c1
            .chars()
            .map(|c| {
                let mut b = [0u8; 4];
                let (_, _, lossy) = page.encode(c.encode_utf8(&mut b));
                if lossy { '?' } else { c }
            })
            .collect();
        let (bytes, _, _) = page.encode(&encodable);
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(&p, &bytes).expect("write");
        let want = dump(&general(&p));
        for threads in [1, 2, 3, 7] {
            assert_eq!(
                dump(&fast(&p, threads)),
                want,
                "{name} on {threads} threads"
            );
        }
    }
    // A file whose first 64 KiB are ASCII (its first suppliers' names are plain) is taken
    // for UTF-8 at first, and read again in its code page at its first other byte.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut ascii = 0;
    for line in &mut lines {
        if ascii > 80_000 {
            break;
        }
        *line = line
            .chars()
            .map(|c| if c.is_ascii() { c } else { 'x' })
            .collect();
        ascii += line.len() + 1;
    }
    let late = lines.join("\n") + "\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1250.encode(&late);
    assert!(bytes[..1 << 16].is_ascii() && !bytes.is_ascii());
    let p = dir.join("1250-late.csv");
    std::fs::write(&p, &bytes).expect("write");
    let want = dump(&general(&p));
    for threads in [1, 2, 3, 7] {
        assert_eq!(dump(&fast(&p, threads)), want, "late on {threads} threads");
    }
}

#[test]
fn fast_path_reads_currency_symbols_and_abbreviations_as_their_codes() {
    let dir = temp_dir("fast-currency-words");
    let text = ledger(Shape {
        rows: 2_000,
        suppliers: 100,
        seed: 13,
        ..Shape::default()
    });
    let coded = same_on_threads(&dir, "codes.csv", &text);
    // Every line's `EUR` as `€`; and as 1C writes roubles, `руб.` (the file then is in
    // roubles: the same figures under another code).
    let euro = same_on_threads(&dir, "euro.csv", &text.replace(",EUR\n", ",€\n"));
    assert_eq!(dump(&euro), dump(&coded));
    let roubles = same_on_threads(&dir, "roubles.csv", &text.replace(",EUR\n", ",руб.\n"));
    assert_eq!(roubles.currencies, ["RUB"]);
}

/// The ledger `text` (comma-separated, decimal points, ISO dates, no newline in quotes)
/// written as a European / 1C export: `;` between fields, decimal commas in the number
/// columns, `dd.mm.yyyy` dates. Quoted fields stay quoted.
fn eu_style(text: &str) -> String {
    let mut out = String::new();
    let mut numeric = Vec::new();
    let mut date = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let (body, end) = match line.strip_suffix("\r\n") {
            Some(b) => (b, "\r\n"),
            None => line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n")),
        };
        let mut fields = split_fields(body);
        if i == 0 {
            for (c, name) in fields.iter().enumerate() {
                if ["quantity", "unit_price", "amount", "profit"].contains(&name.as_str()) {
                    numeric.push(c);
                }
                if name == "date" {
                    date = Some(c);
                }
            }
        } else {
            for c in &numeric {
                fields[*c] = fields[*c].replace('.', ",");
            }
            if let Some(c) = date
                && let [y, m, d] = fields[c].split('-').collect::<Vec<_>>()[..]
            {
                fields[c] = format!("{d}.{m}.{y}");
            }
        }
        out.push_str(&fields.join(";"));
        out.push_str(end);
    }
    out
}

/// Checks that the fast path reads `text` as the general reader does (cube and report,
/// on several thread counts), and returns the cube.
fn same_on_threads(dir: &Path, name: &str, text: &str) -> SpendCube {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write ledger");
    let want = general(&path);
    let want_dump = dump(&want);
    for threads in [1, 2, 3, 7] {
        // `fast` compares the whole report with the general reader's.
        let got = fast(&path, threads);
        assert_eq!(
            dump(&got),
            want_dump,
            "{name}: cube differs on {threads} threads"
        );
    }
    want
}

#[test]
fn fast_path_reads_the_european_style_of_a_generated_ledger() {
    let dir = temp_dir("fast-eu-gen");
    let comma = ledger(Shape {
        rows: 6_000,
        suppliers: 500,
        seed: 11,
        crlf: false,
        profit: true,
    });
    let eu = eu_style(&comma);
    assert!(
        eu.contains(";01.01.2025;") && eu.contains(";-"),
        "converted"
    );
    let eu_cube = same_on_threads(&dir, "eu.csv", &eu);
    // The same ledger in both styles is the same cube and the same reports.
    let comma_cube = same_on_threads(&dir, "comma.csv", &comma);
    assert_eq!(dump(&eu_cube), dump(&comma_cube));
    assert!(reports(&eu_cube) == reports(&comma_cube), "reports differ");
    let report = |f: &str| {
        let mut c = SpendCube::default();
        read_ledger(&dir.join(f), &mut c).expect("reads")
    };
    let r = report("eu.csv");
    assert!(
        r.decisions.iter().any(|d| d.contains("decimal comma")),
        "{:?}",
        r.decisions
    );
    assert!(
        r.decisions
            .iter()
            .any(|d| d.contains("dates as dd.mm.yyyy")),
        "{:?}",
        r.decisions
    );
    assert_eq!(r.normalisations.len(), 1, "{:?}", r.normalisations);
    // CRLF line ends.
    let crlf = eu_style(&ledger(Shape {
        rows: 2_000,
        suppliers: 40,
        seed: 3,
        crlf: true,
        profit: false,
    }));
    same_on_threads(&dir, "eu-crlf.csv", &crlf);
}

/// `text` with its header line replaced by `header`.
fn with_header(text: &str, header: &str) -> String {
    let body = text.split_once('\n').map_or("", |(_, rest)| rest);
    format!("{header}\n{body}")
}

#[test]
fn fast_path_reads_headers_named_as_erps_name_them() {
    let dir = temp_dir("fast-aliases");
    let comma = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 5,
        ..Shape::default()
    });
    let canonical = same_on_threads(&dir, "canonical.csv", &comma);
    // The generator's columns: order_id, date, supplier_id, supplier_name, category,
    // item_id, quantity, unit_price, amount, currency.
    let english = "Order Reference,Order Date,Vendor,Vendor Name,Product Category,Product,\
                   Quantity,Unit Price,Untaxed Amount,Currency";
    let german = "Bestellnummer;Belegdatum;Kreditor;Name des Kreditors;Warengruppe;Material;\
                  Menge;Preis;Nettowert;Währung";
    let russian = "Номер заказа;Дата;Контрагент;Наименование контрагента;Группа номенклатуры;\
                   Номенклатура;Количество;Цена;Сумма, руб.;Валюта";
    for (name, text) in [
        ("english.csv", with_header(&comma, english)),
        // Excel's "CSV UTF-8" starts with a byte order mark.
        (
            "english-bom.csv",
            format!("\u{feff}{}", with_header(&comma, english)),
        ),
        ("german.csv", with_header(&eu_style(&comma), german)),
        ("russian.csv", with_header(&eu_style(&comma), russian)),
    ] {
        let cube = same_on_threads(&dir, name, &text);
        assert_eq!(dump(&cube), dump(&canonical), "{name}");
        let mut c = SpendCube::default();
        let r = read_ledger(&dir.join(name), &mut c).expect("reads");
        let first = text.lines().next().and_then(|h| h.split([',', ';']).nth(2));
        assert_eq!(
            r.column_map
                .iter()
                .find(|c| c.field == "supplier_id")
                .map(|c| c.header.as_str()),
            first,
            "{name}: the report names the file's header"
        );
    }
    // Headers the general reader reads differently, or not at all, are left to it; the
    // same row under the canonical header (the control) is read by this path.
    for (name, header, control, row) in [
        // Padded names: the general reader trims them.
        (
            "padded",
            "Vendor , Untaxed Amount",
            "supplier_id,amount",
            "S1,1.50",
        ),
        // Two columns for one field: the general reader's error.
        (
            "twice",
            "Vendor,Kreditor,Untaxed Amount",
            "supplier_id,supplier_name,amount",
            "S1,S1,1.50",
        ),
        // A byte order mark before a header the general reader trims.
        (
            "bom-padded",
            "\u{feff} Vendor,Untaxed Amount",
            "supplier_id,amount",
            "S1,1.50",
        ),
    ] {
        let p = dir.join(format!("{name}-control.csv"));
        std::fs::write(&p, format!("{control}\n{row}\n")).expect("write");
        assert!(
            read_ledger_fast(&p, FastOptions::default()).is_some(),
            "{name}: control"
        );
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(&p, format!("{header}\n{row}\n")).expect("write");
        falls_back(&p, name);
    }
}

#[test]
fn fast_path_skips_columns_it_does_not_read_and_reads_quoted_cells() {
    let dir = temp_dir("fast-other-columns");
    let comma = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 13,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &comma);
    // Columns an ERP export adds (a status, the company, a free-text comment), before,
    // between and after the ones procura reads; and every cell quoted, as Odoo and
    // Python's QUOTE_ALL write them.
    let with_others = |text: &str| -> String {
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            let (status, comment) = match i {
                0 => ("Status".to_string(), "Comment".to_string()),
                _ => (
                    ["posted", "draft"][i % 2].to_string(),
                    ["", "\"urgent, call first\"", "ok"][i % 3].to_string(),
                ),
            };
            let (first, rest) = line.split_once(',').unwrap_or((line, ""));
            out.push_str(&format!("{status},{first},{comment},{rest},Main Co\n"));
        }
        out.replacen("Main Co\n", "Company\n", 1)
    };
    let quote_all = |text: &str| -> String {
        let dir = temp_dir("fast-other-columns-src");
        let p = dir.join("src.csv");
        std::fs::write(&p, text).expect("write");
        let mut out = Vec::new();
        {
            let mut w = csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::Always)
                .from_writer(&mut out);
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_path(&p)
                .expect("read");
            for rec in r.records() {
                w.write_record(&rec.expect("record")).expect("write");
            }
        }
        String::from_utf8(out).expect("utf-8")
    };
    let others = with_others(&comma);
    assert!(
        others.starts_with("Status,order_id,Comment,"),
        "{}",
        &others[..80]
    );
    let quoted = quote_all(&comma);
    assert!(
        quoted.starts_with("\"order_id\",\"date\","),
        "{}",
        &quoted[..80]
    );
    for (name, text) in [
        ("others.csv", others.clone()),
        ("quoted.csv", quoted),
        ("quoted-others.csv", quote_all(&others)),
    ] {
        let cube = same_on_threads(&dir, name, &text);
        assert_eq!(dump(&cube), dump(&plain), "{name}");
    }
    // A delimiter at the end of every line: an unnamed empty column, skipped.
    let trailing: String = comma.lines().map(|l| format!("{l},\n")).collect();
    let cube = same_on_threads(&dir, "trailing.csv", &trailing);
    assert_eq!(dump(&cube), dump(&plain), "trailing");
    let cube = same_on_threads(&dir, "trailing-eu.csv", &eu_style(&trailing));
    assert_eq!(dump(&cube), dump(&plain), "trailing-eu");
    // A total word in a column procura does not read makes a total row for the general
    // reader (between data lines: the last lines are classified as it classifies them);
    // a space at a cell's end is trimmed before it compares lines for duplicates.
    for (name, status) in [
        ("total-in-other", "Total"),
        ("stars-in-other", "**"),
        ("padded-other", "posted "),
        ("quoted-padded-other", "\" posted\""),
    ] {
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(
            &p,
            format!(
                "supplier_id,status,amount\nS1,posted,1.50\nS2,{status},2.00\nS3,posted,1.00\n"
            ),
        )
        .expect("write");
        falls_back(&p, name);
    }
}

#[test]
fn fast_path_reads_money_written_with_its_currency() {
    let dir = temp_dir("fast-money-currency");
    let comma = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 14,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &comma);
    // The amount and price columns rewritten by `write` (from the value as written).
    let with_money = |text: &str, write: &dyn Fn(&str) -> String| -> String {
        let mut out = String::new();
        let mut money = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let mut fields = split_fields(line);
            if i == 0 {
                money = ["unit_price", "amount"]
                    .iter()
                    .filter_map(|n| fields.iter().position(|f| f == n))
                    .collect();
            } else {
                for &c in &money {
                    fields[c] = write(&fields[c]);
                }
            }
            let quoted: Vec<String> = fields
                .iter()
                .map(|f| match f.contains([',', '"']) {
                    true => format!("\"{}\"", f.replace('"', "\"\"")),
                    false => f.clone(),
                })
                .collect();
            out.push_str(&quoted.join(","));
            out.push('\n');
        }
        out
    };
    for (name, write) in [
        // The symbol first, a negative's minus before it (as US Excel writes `-$5.00`;
        // the ledger's currency column says EUR).
        (
            "symbol-first",
            Box::new(|v: &str| match v.strip_prefix('-') {
                Some(p) => format!("-€{p}"),
                None => format!("€{v}"),
            }) as Box<dyn Fn(&str) -> String>,
        ),
        ("euro-after", Box::new(|v: &str| format!("{v} €"))),
        ("code-first", Box::new(|v: &str| format!("EUR {v}"))),
    ] {
        let text = with_money(&comma, &*write);
        assert_ne!(text, comma, "{name}: money rewritten");
        // Its spend is the plain ledger's (the currency column names the same currency,
        // or none: the line takes the one beside its amount).
        let path = dir.join(format!("{name}.csv"));
        let cube = same_on_threads(&dir, &format!("{name}.csv"), &text);
        assert_eq!(cube.total_spend(), plain.total_spend(), "{name}");
        let mut c = SpendCube::default();
        let r = read_ledger(&path, &mut c);
        let noted = r.ok().and_then(|r| {
            r.normalisations
                .iter()
                .find(|n| n.what.starts_with("currency beside the number"))
                .map(|n| n.count)
        });
        assert!(noted.is_some_and(|n| n > 3_000), "{name}: {noted:?}");
    }
    // The same in the European style: `19,05 €`, grouped `1.234,56 €`.
    same_on_threads(
        &dir,
        "eu.csv",
        "supplier_id;amount;currency\nS1;19,05 €;EUR\nS2;1.234,56 €;\nS3;(5,00 €);EUR\n",
    );
    // No currency column: the line's currency is the one beside its amount.
    let cube = same_on_threads(
        &dir,
        "no-column.csv",
        "supplier_id,amount,quantity,unit_price\nS1,$19.05,5,$3.81\nS2,$1.00,1,1.00\n",
    );
    assert_eq!(cube.currencies, ["USD"]);
    // Left to the general reader, which rejects the line: a currency other than the
    // currency column's, two currencies on a line, a price's currency on a line whose
    // amount has none and whose column names another.
    for (name, row) in [
        ("other-than-column", "S1,$19.05,,,EUR"),
        ("two-on-a-line", "S1,$19.05,5,€3.81,"),
        ("price-only", "S1,19.05,5,$3.81,EUR"),
    ] {
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(
            &p,
            format!("supplier_id,amount,quantity,unit_price,currency\nS0,1.00,,,EUR\n{row}\n"),
        )
        .expect("write");
        falls_back(&p, name);
    }
}

/// `text` (a generated ledger, in either style: the order id, then the date) with a time
/// of day after the dates of most orders, in the shapes ERPs write (`9:30`, `09:30:00`,
/// 1C's `0:00:00`); the lines of an order share it. Gives the text and its timed lines.
fn with_times(text: &str) -> (String, u64) {
    let mut out = String::new();
    let mut timed = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let at = line.find([',', ';']).map(|d| d + 11);
        let order: u64 = line
            .bytes()
            .take_while(|b| *b != b',' && *b != b';')
            .filter(u8::is_ascii_digit)
            .fold(0, |n, b| n * 10 + u64::from(b - b'0'));
        match (i, at) {
            (1.., Some(at)) if order % 4 != 0 => {
                let time = [" 9:30", " 09:30:00", " 0:00:00"][(order % 4 - 1) as usize];
                out.push_str(&line[..at]);
                out.push_str(time);
                out.push_str(&line[at..]);
                timed += 1;
            }
            _ => out.push_str(line),
        }
    }
    (out, timed)
}

#[test]
fn fast_path_reads_date_times_as_the_general_reader_drops_their_time() {
    let dir = temp_dir("fast-date-times");
    let comma = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 9,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &comma);
    for (name, text) in [("iso.csv", comma.clone()), ("eu.csv", eu_style(&comma))] {
        let (timed_text, timed) = with_times(&text);
        assert!(
            timed > 1_000 && timed_text.contains(" 09:30:00"),
            "{name}: times added"
        );
        // The same spend as without the times, and the general reader's report.
        let cube = same_on_threads(&dir, name, &timed_text);
        assert_eq!(dump(&cube), dump(&plain), "{name}");
        let mut c = SpendCube::default();
        let r = read_ledger(&dir.join(name), &mut c).expect("reads");
        let dropped = r
            .normalisations
            .iter()
            .find(|n| n.what.starts_with("time of day dropped"))
            .map(|n| n.count);
        assert_eq!(dropped, Some(timed), "{name}: {:?}", r.normalisations);
    }
    // The normalisations in order of first appearance: the time (line 2) before the
    // decimal comma (line 3).
    same_on_threads(
        &dir,
        "time-first.csv",
        "supplier_id;date;amount\nS1;01.02.2025 9:30;5\nS2;13.02.2025;1,50\n",
    );
    // Times in the other forms the general reader reads: an ISO `T`, AM/PM, fractions of
    // a second, UTC and offsets.
    for (name, date) in [
        ("iso-t", "2025-03-04T09:30:00"),
        ("iso-t-utc", "2025-03-04T09:30:00Z"),
        ("am-pm", "2025-03-04 9:30 AM"),
        ("fraction", "2025-03-04 09:30:00.5"),
        ("offset", "2025-03-04 09:30:00+01:00"),
        ("dotted-t", "04.03.2025T09:30"),
    ] {
        // One style of dates per file.
        let next = if name.starts_with("dotted") {
            "05.03.2025"
        } else {
            "2025-03-05"
        };
        let body = format!("supplier_id,date,amount\nS1,{date},1.50\nS2,{next},2.00\n");
        let cube = same_on_threads(&dir, &format!("{name}.csv"), &body);
        assert_eq!(cube.total_spend().to_string(), "3.50", "{name}");
    }
    // Times the general reader trims, or rejects, are left to it.
    for (name, date) in [
        ("two-spaces", "2025-03-04  09:30"),
        ("hour-24", "2025-03-04 24:00"),
        ("no-minutes", "2025-03-04 9"),
    ] {
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(&p, format!("supplier_id,date,amount\nS1,{date},1.50\n")).expect("write");
        falls_back(&p, name);
    }
}

/// `text` with each ISO date (`2025-03-07` in the date column) rewritten by `write` from
/// its year, month and day.
fn with_dates(text: &str, write: impl Fn(&str, &str, &str) -> String) -> String {
    let mut out = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let date = line
            .split(',')
            .position(|f| f.len() == 10 && f.as_bytes()[4] == b'-' && f.as_bytes()[7] == b'-');
        match date {
            Some(c) if i > 0 => {
                let mut fields: Vec<String> = line.split(',').map(String::from).collect();
                let (y, m, d) = (&fields[c][0..4], &fields[c][5..7], &fields[c][8..10]);
                fields[c] = write(y, m, d);
                out.push_str(&fields.join(","));
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[test]
fn fast_path_reads_dates_written_month_first_day_first_and_year_first_with_slashes() {
    let dir = temp_dir("fast-slashed-dates");
    let iso = ledger(Shape {
        rows: 3_000,
        suppliers: 200,
        seed: 12,
        ..Shape::default()
    });
    let plain = same_on_threads(&dir, "plain.csv", &iso);
    let short = |n: &str| n.trim_start_matches('0').to_string();
    type Write = Box<dyn Fn(&str, &str, &str) -> String>;
    let styles: [(&str, Write, &str); 5] = [
        // SAP with a US user, Odoo in English: zero-padded, month first.
        (
            "us-padded",
            Box::new(|y, m, d| format!("{m}/{d}/{y}")),
            "mm/dd/yyyy",
        ),
        // US Excel: no leading zeros.
        (
            "us-excel",
            Box::new(move |y, m, d| format!("{}/{}/{y}", short(m), short(d))),
            "mm/dd/yyyy",
        ),
        // British and French Excel: day first.
        (
            "uk",
            Box::new(|y, m, d| format!("{d}/{m}/{y}")),
            "dd.mm.yyyy",
        ),
        // SAP's other user formats: dashes day first, slashes year first.
        (
            "dashed",
            Box::new(|y, m, d| format!("{d}-{m}-{y}")),
            "dd.mm.yyyy",
        ),
        (
            "year-first",
            Box::new(|y, m, d| format!("{y}/{m}/{d}")),
            "yyyy-mm-dd",
        ),
    ];
    for (name, write, format) in styles {
        let text = with_dates(&iso, write);
        assert_ne!(text, iso, "{name}: dates rewritten");
        // The general reader's report on every split, the same spend and period as the
        // ISO ledger's, and the order decided as the general reader decides it.
        let cube = same_on_threads(&dir, &format!("{name}.csv"), &text);
        assert_eq!(dump(&cube), dump(&plain), "{name}");
        assert_eq!(cube.period, plain.period, "{name}");
        let mut c = SpendCube::default();
        let r = read_ledger(&dir.join(format!("{name}.csv")), &mut c).expect("reads");
        assert!(
            r.decisions
                .iter()
                .any(|d| d.contains(&format!("dates as {format}"))),
            "{name}: {:?}",
            r.decisions
        );
    }
    // A month-first proof late in the file decides the dates before it, on every split.
    same_on_threads(
        &dir,
        "late-proof.csv",
        "supplier_id,date,amount\nS1,03/04/2025,1.50\nS2,3/5/2025,2.00\nS3,05/05/2025,1.00\nS1,12/31/2025,3.00\n",
    );
    // Dates that read the same either way decide nothing.
    same_on_threads(
        &dir,
        "indifferent.csv",
        "supplier_id,date,amount\nS1,01/01/2025,1.50\nS2,5/5/2025,2.00\n",
    );
    // Left to the general reader, which asks for --date-format or rejects the line:
    // slashed dates with nothing to decide their order, both orders proved, year-first
    // and year-last mixed, a date in neither order, a two-digit year.
    for (name, dates) in [
        ("ambiguous", ["03/04/2025", "04/03/2025"]),
        ("conflict", ["12/31/2025", "31/12/2025"]),
        ("mixed", ["2025/03/04", "04.03.2025"]),
        ("no-date", ["12/31/2025", "02/30/2025"]),
        ("two-digit-year", ["12/31/2025", "12/31/25"]),
    ] {
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(
            &p,
            format!(
                "supplier_id,date,amount\nS1,{},1.50\nS2,{},2.00\n",
                dates[0], dates[1]
            ),
        )
        .expect("write");
        falls_back(&p, name);
    }
}

#[test]
fn fast_path_reads_european_ledgers_with_quotes_credits_and_three_decimals() {
    let dir = temp_dir("fast-eu-edges");
    // Names quoted with `;` and `""` inside, credit notes, quantities with three decimals
    // that read two ways (`1,500`: decided by the amounts) and some that do not (`0,250`),
    // dates that read both ways before a day-first one, an id with two names, duplicates,
    // quantity × price off by more than rounding, a line with no date, currency or profit.
    let mut text = String::from(
        "order_id;date;supplier_id;supplier_name;category;item_id;quantity;unit_price;amount;currency;profit\n",
    );
    for i in 0..400u32 {
        let s = i % 6;
        let name = match s {
            0 => "\"Müller; Söhne GmbH\"".to_string(),
            1 => "\"ООО \"\"Ромашка\"\"; филиал\"".to_string(),
            2 if i % 50 == 49 => "Acme Ltd".to_string(),
            _ => format!("Acme {s}"),
        };
        let day = 1 + (i / 30) % 12;
        let date = format!("{day:02}.{:02}.2025", 1 + (i / 40) % 12);
        let (qty, price, amount) = match i % 5 {
            0 => ("1,500".to_string(), "2,00", "3,00".to_string()),
            1 => ("0,250".to_string(), "4,00", "1,00".to_string()),
            2 => ("-2".to_string(), "1,25", "-2,50".to_string()),
            3 => ("3".to_string(), "7", format!("{},5", 21 + i % 3)),
            _ => ("12".to_string(), "0,5", "6".to_string()),
        };
        text.push_str(&format!(
            "PO{};{date};S{s};{name};C{};I{};{qty};{price};{amount};EUR;{}\n",
            i / 3,
            i % 4,
            i % 9,
            if i % 7 == 0 { "" } else { "0,10" }
        ));
    }
    text.push_str("PO1;;S1;\"ООО \"\"Ромашка\"\"; филиал\";;I1;;;-4,25;;\n");
    text.push_str("PO9;13.02.2025;S2;Acme 2;C1;I1;2;3,5;7,00;EUR;1\n");
    text.push_str("PO9;13.02.2025;S2;\"Acme 2\";C1;I1;2;3,5;7,00;EUR;1\n");
    let cube = same_on_threads(&dir, "edges.csv", &text);
    // The period is compared as dates: `13.02.2025` is not the last one.
    assert_eq!(
        cube.period,
        Some(("2025-01-01".into(), "2025-10-02".into()))
    );
    let mut g = SpendCube::default();
    let r = read_ledger(&dir.join("edges.csv"), &mut g).expect("general");
    for want in [
        "column 7 (quantity): decimal comma ',' (\"0,250\" at line 3 reads only that way)",
        "column 2 (date): dates as dd.mm.yyyy (\"13.02.2025\" at line 403 reads only that way)",
    ] {
        assert!(
            r.decisions.iter().any(|d| d == want),
            "{want}: {:?}",
            r.decisions
        );
    }
    assert!(!r.duplicates.is_empty() && r.warning_count > 0, "{r:?}");

    // Quantities that read two ways with no proof in their column follow the amounts;
    // dates that all read two ways are day-first by the dotted convention; dates whose day
    // and month are equal need no decision.
    for (name, dates) in [
        ("dotted.csv", ["01.02.2025", "03.04.2025"]),
        ("same.csv", ["01.01.2025", "02.02.2025"]),
        ("iso.csv", ["2025-02-01", "2025-04-03"]),
    ] {
        let mut text = String::from("supplier_id;date;quantity;amount\n");
        for i in 0..200 {
            text.push_str(&format!(
                "S{};{};{},500;{},50\n",
                i % 3,
                dates[i % 2],
                1 + i % 4,
                3 * (1 + i % 4)
            ));
        }
        same_on_threads(&dir, name, &text);
        let mut g = SpendCube::default();
        let r = read_ledger(&dir.join(name), &mut g).expect("general");
        assert!(
            r.decisions
                .iter()
                .any(|d| d.contains("as the file's other numbers show")),
            "{:?}",
            r.decisions
        );
        assert_eq!(
            r.decisions.iter().any(|d| d.contains("dotted dates")),
            name == "dotted.csv",
            "{:?}",
            r.decisions
        );
    }
}

#[test]
fn fast_path_decides_three_decimal_quantities_as_the_general_reader_in_comma_files() {
    // `1.500` reads two ways and follows the amounts; `0.500` and `1234.500` read one way.
    let dir = temp_dir("fast-three-decimals");
    for (name, odd) in [("follow", "2.500"), ("zero", "0.500"), ("wide", "1234.500")] {
        let mut text = String::from("supplier_id,date,quantity,amount\n");
        for i in 0..100 {
            let q = if i == 60 {
                odd.to_string()
            } else {
                format!("{}.500", 1 + i % 4)
            };
            text.push_str(&format!("S{},2025-03-0{},{q},{}.50\n", i % 3, 1 + i % 9, i));
        }
        same_on_threads(&dir, &format!("{name}.csv"), &text);
    }
    // Dotted dates in a comma file.
    let mut text = String::from("supplier_id,date,amount\n");
    for i in 0..50 {
        text.push_str(&format!(
            "S{},{:02}.0{}.2025,{i}.25\n",
            i % 4,
            1 + i % 28,
            1 + i % 9
        ));
    }
    let cube = same_on_threads(&dir, "dotted.csv", &text);
    assert_eq!(
        cube.period,
        Some(("2025-01-01".into(), "2025-09-27".into()))
    );
}

#[test]
fn fast_path_leaves_european_files_it_cannot_mirror_to_the_general_reader() {
    let dir = temp_dir("fast-eu-other");
    let header = "supplier_id;supplier_name;date;quantity;amount\n";
    for (name, body) in [
        // Thousands in groups other than three (grouped numbers are read:
        // `fast_path_reads_thousands_grouped_as_exports_group_them`).
        ("thousands-point-bad-groups", "S1;A;01.02.2025;1;1.23,56\n"),
        ("thousands-space-bad-groups", "S1;A;01.02.2025;1;12 34,56\n"),
        ("decimal-point", "S1;A;01.02.2025;1;19.05\n"),
        ("three-decimal-amount", "S1;A;01.02.2025;1;1,234\n"),
        // Values that read two ways and nothing in the file to decide: the general reader
        // asks for --decimal.
        ("ambiguous-only", "S1;A;01.02.2025;1,500;2\n"),
        (
            "mixed-dates",
            "S1;A;2025-02-01;1;1,5\nS2;B;03.02.2025;1;2\n",
        ),
        ("no-such-day", "S1;A;31.02.2025;1;1,5\n"),
        // Slashed dates that read two ways, nothing deciding them.
        ("slashes", "S1;A;01/02/2025;1;1,5\n"),
        ("text-after-quote", "S1;\"A\"B;01.02.2025;1;1,5\n"),
        ("short-row", "S1;A;01.02.2025;1\n"),
    ] {
        let p = dir.join(format!("{name}.csv"));
        std::fs::write(&p, format!("{header}{body}")).expect("write");
        falls_back(&p, name);
    }
    // Short dotted dates and dotted month-first ones are read as the general reader reads
    // them (`fast_path_reads_dates_written_month_first_day_first_and_year_first_with_slashes`).
    for (name, body) in [
        ("quoted-newline", "S1;\"A\nB\";01.02.2025;1;1,5\n"),
        ("short-date", "S1;A;1.2.2025;1;1,5\n"),
        ("month-first", "S1;A;02.13.2025;1;1,5\n"),
    ] {
        same_on_threads(&dir, &format!("{name}.csv"), &format!("{header}{body}"));
    }
}

#[test]
fn analyze_output_of_a_european_ledger_is_the_general_readers() {
    // `--delimiter` makes the pipeline take the general reader: the analysis must not tell.
    let dir = temp_dir("fast-eu-cli");
    let comma = ledger(Shape {
        rows: 3_000,
        suppliers: 300,
        seed: 5,
        ..Shape::default()
    });
    let eu = crate::common::write(&dir, "eu.csv", &eu_style(&comma));
    let en = crate::common::write(&dir, "en.csv", &comma);
    let eu = eu.to_str().expect("path");
    for format in ["json", "csv"] {
        let fast = crate::common::ok(&["analyze", eu, "--format", format]);
        let general = crate::common::ok(&["analyze", eu, "--format", format, "--delimiter", ";"]);
        assert!(fast == general, "analyze --format {format} differs");
    }
    let en = en.to_str().expect("path");
    assert_eq!(
        crate::common::ok(&["analyze", eu, "--format", "csv"]),
        crate::common::ok(&["analyze", en, "--format", "csv"])
    );
}

/// The general reader streams the file in blocks: a windows-1251 ledger of several blocks
/// (records and characters cut at their ends) gives the cube and report of the same ledger
/// in UTF-8, but for the encoding found, read from the file as from memory.
#[test]
fn general_reader_streams_a_windows_1251_ledger_as_its_utf8_twin() {
    let dir = temp_dir("stream-1251");
    let text = ledger(Shape {
        rows: 40_000,
        suppliers: 300,
        ..Shape::default()
    })
    .replace("Müller Logistik AG", "ЗАО «Мюллер Логистик»")
    .replace("Škoda Parts s.r.o.", "ИП Шкода");
    let (cp1251, _, lossy) = encoding_rs::WINDOWS_1251.encode(&text);
    assert!(!lossy);
    assert!(cp1251.len() > 2 << 20, "several blocks: {}", cp1251.len());
    let utf8 = dir.join("utf8.csv");
    let legacy = dir.join("cp1251.csv");
    std::fs::write(&utf8, &text).expect("write");
    std::fs::write(&legacy, &cp1251).expect("write");

    let mut want = SpendCube::default();
    let want_report = read_ledger(&utf8, &mut want).expect("reads UTF-8");
    let mut got = SpendCube::default();
    let read = std::sync::atomic::AtomicU64::new(0);
    let got_report =
        procura::ledger::read_ledger_with_progress(&legacy, &Default::default(), &read, &mut got)
            .expect("reads windows-1251");
    // Three full passes, a third of their bytes each: the count ends at the file's size,
    // but for each pass' last third of a byte.
    let counted = read.into_inner();
    let size = cp1251.len() as u64;
    assert!(counted <= size && counted + 3 > size, "{counted} of {size}");
    assert_eq!(dump(&got), dump(&want));
    let mut from_memory = SpendCube::default();
    let memory_report =
        procura::ledger::read_ledger_from(&legacy, &cp1251[..], &mut from_memory).expect("reads");
    assert_eq!(dump(&from_memory), dump(&want));
    assert!(
        memory_report == got_report,
        "file and memory reports differ"
    );

    let (encoding, rest) = got_report.decisions.split_first().expect("decisions");
    assert!(
        encoding.starts_with("encoding: windows-1251 (guessed"),
        "{encoding}"
    );
    assert_eq!(rest, &want_report.decisions[1..]);
    assert_eq!(got_report.rows_read, want_report.rows_read);
    assert_eq!(got_report.rows_used, want_report.rows_used);
}

/// Quotes, escaped quotes, `\r\n` and plain lines with every offset in the scan's 64-byte
/// stretches: a padding grows by one byte a line, so a closing quote ends a stretch and its
/// delimiter starts the next, a `\r` ends one and its `\n` starts the next, and stretches
/// with no quote or `\r` (the scan's plain lane) follow ones with them.
#[test]
fn fast_path_reads_quotes_and_crlf_at_every_offset_of_a_stretch() {
    let mut text = String::from(
        "order_id,date,supplier_id,supplier_name,category,item_id,quantity,unit_price,amount,currency\n",
    );
    for i in 0..400usize {
        let pad = "x".repeat(i % 67);
        let name = match i % 4 {
            0 => format!("\"Alpha, \"\"Q\"\"{pad}\""),
            1 => format!("Beta-{pad}"),
            2 => format!("\"Gamma{pad}\""),
            _ => format!("Delta{pad}"),
        };
        let end = if i % 3 == 0 { "\r\n" } else { "\n" };
        let amount = format!("{}.{:02}", 10 + i, i % 100);
        text.push_str(&format!(
            "PO{i},2025-01-{:02},S{},{name},CAT-{},I{},1,{amount},{amount},EUR{end}",
            1 + i % 28,
            i % 4,
            i % 3,
            i % 7,
        ));
    }
    let dir = temp_dir("stretch-offsets");
    let path = dir.join("ledger.csv");
    std::fs::write(&path, &text).expect("write ledger");
    let want = dump(&general(&path));
    for threads in [1, 2] {
        assert_eq!(dump(&fast(&path, threads)), want, "{threads} threads");
    }
}
