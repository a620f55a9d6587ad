//! Charts as inline SVG for the HTML reports: the ABC Pareto curve, the portfolio matrix and
//! the current-versus-proposed split bars.
//!
//! Small, dependency-free and deterministic: coordinates are printed with one decimal, every
//! label is XML-escaped, and the same input gives the same bytes. Values arrive as `f64`
//! because they only place pixels; the money itself is never computed here.

use std::fmt::Write as _;

/// Escapes text for XML/HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0; show them as a space.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// A number for a coordinate: one decimal, no `-0.0`.
fn n(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.1}");
    if s == "-0.0" { "0.0".into() } else { s }
}

/// Colour of an ABC class letter in every chart and table.
pub(crate) fn class_colour(class: char) -> &'static str {
    match class {
        'A' => "#1f5f8b",
        'B' => "#5fa2ce",
        _ => "#c7dbea",
    }
}

/// Colour of a relationship type (by its step 1–4 on the scale).
pub(crate) fn type_colour(step: u8) -> &'static str {
    match step {
        1 => "#8c8c8c",
        2 => "#4e79a7",
        3 => "#f28e2b",
        _ => "#2e8b57",
    }
}

/// Colours for the suppliers of one split bar, in allocation order.
const SEGMENT_COLOURS: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f",
];

/// One bar of the Pareto chart.
#[derive(Debug, Clone)]
pub(crate) struct ParetoBar {
    /// The label under the bar (a supplier id).
    pub label: String,
    /// Its share of the total, a fraction.
    pub share: f64,
    /// The cumulative share including it, a fraction.
    pub cumulative: f64,
    /// Its class letter.
    pub class: char,
}

const FONT: &str = "font-family=\"Helvetica,Arial,sans-serif\"";

/// The narrowest slot (px) that still gets a bar of its own in the Pareto chart.
const MIN_BAR_SLOT: f64 = 2.0;

/// Beyond this many dots the matrix draws them smaller and see-through.
const MANY_DOTS: usize = 150;

/// The ABC Pareto chart: one bar per object (share, left axis), the cumulative share as a
/// line (0–100 %, right axis) and the two cut-offs as dashed lines.
pub(crate) fn pareto(bars: &[ParetoBar], a_cut: f64, b_cut: f64) -> String {
    let (w, h) = (900.0, 360.0);
    let (left, right, top, bottom) = (60.0, 60.0, 20.0, 70.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max_share = bars.iter().map(|b| b.share).fold(0.0_f64, f64::max);
    let max_share = if max_share > 0.0 { max_share } else { 1.0 };
    // A round top for the left axis, in percent.
    let top_pct = nice_ceiling(max_share * 100.0);
    let y_share = |s: f64| top + ph - (s * 100.0 / top_pct).clamp(0.0, 1.0) * ph;
    let y_cum = |c: f64| top + ph - c.clamp(0.0, 1.0) * ph;
    let slot = if bars.is_empty() {
        pw
    } else {
        pw / bars.len() as f64
    };
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart pareto\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"ABC Pareto curve\" {FONT} font-size=\"11\">"
    );
    o.push_str("<title>ABC Pareto curve: spend share per supplier and cumulative share</title>");
    // Grid and axes.
    for i in 0..=4 {
        let f = f64::from(i) / 4.0;
        let y = top + ph - f * ph;
        let _ = write!(
            o,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e5e5e5\"/>",
            n(left),
            n(y),
            n(left + pw),
            n(y)
        );
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#555\">{} %</text>",
            n(left - 6.0),
            n(y + 4.0),
            trim_num(top_pct * f)
        );
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" fill=\"#555\">{} %</text>",
            n(left + pw + 6.0),
            n(y + 4.0),
            trim_num(100.0 * f)
        );
    }
    let _ = write!(
        o,
        "<text x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" text-anchor=\"middle\" fill=\"#333\">share of spend</text>",
        n(top + ph / 2.0),
        n(top + ph / 2.0)
    );
    let _ = write!(
        o,
        "<text x=\"{}\" y=\"{}\" transform=\"rotate(90 {} {})\" text-anchor=\"middle\" fill=\"#333\">cumulative share</text>",
        n(w - 12.0),
        n(top + ph / 2.0),
        n(w - 12.0),
        n(top + ph / 2.0)
    );
    // Bars: one rectangle (with a tooltip) per object while they are wide enough to see;
    // beyond that one filled step outline per class, so thousands of suppliers still draw
    // as a solid, light-weight shape.
    if slot >= MIN_BAR_SLOT {
        let gap = (slot * 0.15).min(4.0);
        for (i, b) in bars.iter().enumerate() {
            let x = left + slot * i as f64 + gap / 2.0;
            let y = y_share(b.share);
            let _ = write!(
                o,
                "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {:.2} % (cumulative {:.2} %, class {})</title></rect>",
                n(x),
                n(y),
                n((slot - gap).max(0.5)),
                n(top + ph - y),
                class_colour(b.class),
                esc(&b.label),
                b.share * 100.0,
                b.cumulative * 100.0,
                b.class
            );
        }
    } else {
        let base = top + ph;
        let mut i = 0;
        while i < bars.len() {
            let class = bars[i].class;
            let start = i;
            let mut d = format!("M{},{}", n(left + slot * i as f64), n(base));
            while i < bars.len() && bars[i].class == class {
                let y = y_share(bars[i].share);
                let _ = write!(
                    d,
                    " L{},{} L{},{}",
                    n(left + slot * i as f64),
                    n(y),
                    n(left + slot * (i + 1) as f64),
                    n(y)
                );
                i += 1;
            }
            let _ = write!(d, " L{},{} Z", n(left + slot * i as f64), n(base));
            let _ = write!(
                o,
                "<path class=\"bars\" d=\"{d}\" fill=\"{}\"><title>class {}: {} objects</title></path>",
                class_colour(class),
                class,
                i - start
            );
        }
    }
    // Labels under the bars, when they fit.
    if !bars.is_empty() && slot >= 9.0 {
        for (i, b) in bars.iter().enumerate() {
            let x = left + slot * (i as f64 + 0.5);
            let y = top + ph + 8.0;
            let _ = write!(
                o,
                "<text x=\"{}\" y=\"{}\" transform=\"rotate(-60 {} {})\" text-anchor=\"end\" font-size=\"{}\" fill=\"#333\">{}</text>",
                n(x),
                n(y),
                n(x),
                n(y),
                if slot >= 14.0 { 10 } else { 8 },
                esc(&b.label)
            );
        }
    }
    // Cut-offs.
    for (cut, name) in [(a_cut, "A"), (b_cut, "B")] {
        let y = y_cum(cut);
        let _ = write!(
            o,
            "<line class=\"cutoff\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#c0392b\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>",
            n(left),
            n(y),
            n(left + pw),
            n(y)
        );
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#c0392b\">{name} cut-off {} %</text>",
            n(left + pw - 4.0),
            n(y - 4.0),
            trim_num(cut * 100.0)
        );
    }
    // The cumulative curve, starting at 0.
    if !bars.is_empty() {
        let mut pts = vec![format!("{},{}", n(left), n(y_cum(0.0)))];
        for (i, b) in bars.iter().enumerate() {
            pts.push(format!(
                "{},{}",
                n(left + slot * (i as f64 + 1.0)),
                n(y_cum(b.cumulative))
            ));
        }
        let _ = write!(
            o,
            "<polyline class=\"cumulative\" points=\"{}\" fill=\"none\" stroke=\"#222\" stroke-width=\"2\"/>",
            pts.join(" ")
        );
    }
    let _ = write!(
        o,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>",
        n(left),
        n(top),
        n(pw),
        n(ph)
    );
    o.push_str("</svg>");
    o
}

/// The smallest of 1, 2, 5 × 10ⁿ that is at least `v` (for an axis top).
fn nice_ceiling(v: f64) -> f64 {
    if v.is_nan() || v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= v - 1e-9 {
            return m * mag;
        }
    }
    10.0 * mag
}

/// A number for an axis label: no trailing zeros.
fn trim_num(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// One supplier in the portfolio matrix.
#[derive(Debug, Clone)]
pub(crate) struct MatrixPoint {
    /// Supplier id, shown next to the dot for the largest ones.
    pub label: String,
    /// Horizontal position: its share in total profit (or in spend without profit data), a
    /// fraction.
    pub x: f64,
    /// Row: the index of its supply-risk level, 0 = lowest.
    pub level: usize,
    /// Its relationship type's step on the scale (1–4), for the colour.
    pub type_step: u8,
    /// The type's id, for the tooltip.
    pub type_id: String,
    /// Whether the label is printed beside the dot.
    pub labelled: bool,
}

/// The portfolio matrix: suppliers placed by profit share (horizontal, square-root scale so
/// the many small suppliers stay apart) and supply risk (one band per level, low at the
/// bottom), coloured by relationship type, with a legend.
pub(crate) fn matrix(
    points: &[MatrixPoint],
    levels: &[String],
    x_title: &str,
    types: &[(u8, String)],
) -> String {
    let (w, h) = (900.0, 380.0);
    let (left, right, top, bottom) = (90.0, 20.0, 20.0, 80.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let rows = levels.len().max(1);
    let band = ph / rows as f64;
    let max_x = points.iter().map(|p| p.x).fold(0.0_f64, f64::max);
    let top_pct = nice_ceiling(max_x * 100.0);
    let xs = |f: f64| left + (f * 100.0 / top_pct).clamp(0.0, 1.0).sqrt() * pw;
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart matrix\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Portfolio matrix\" {FONT} font-size=\"11\">"
    );
    o.push_str("<title>Portfolio matrix: suppliers by profit share and supply risk, coloured by relationship type</title>");
    for (i, level) in levels.iter().enumerate() {
        // Row 0 (lowest risk) at the bottom.
        let y0 = top + ph - band * (i as f64 + 1.0);
        let _ = write!(
            o,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            n(left),
            n(y0),
            n(pw),
            n(band),
            if i % 2 == 0 { "#f6f6f6" } else { "#ececec" }
        );
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">{}</text>",
            n(left - 8.0),
            n(y0 + band / 2.0 + 4.0),
            esc(level)
        );
    }
    for f in [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0] {
        let v = top_pct * f;
        let x = xs(v / 100.0);
        let _ = write!(
            o,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#d0d0d0\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{} %</text>",
            n(x),
            n(top),
            n(x),
            n(top + ph),
            n(x),
            n(top + ph + 14.0),
            trim_num(v)
        );
    }
    let _ = write!(
        o,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333\">{} (square-root scale)</text>",
        n(left + pw / 2.0),
        n(top + ph + 32.0),
        esc(x_title)
    );
    let _ = write!(
        o,
        "<text x=\"14\" y=\"{}\" transform=\"rotate(-90 14 {})\" text-anchor=\"middle\" fill=\"#333\">supply risk</text>",
        n(top + ph / 2.0),
        n(top + ph / 2.0)
    );
    let (radius, stroke, opacity) = if points.len() > MANY_DOTS {
        ("3.5", "0.5", " fill-opacity=\"0.6\"")
    } else {
        ("6", "1", "")
    };
    // Spread the dots of one band vertically, in input order, so equal positions stay visible.
    let mut seen = vec![0usize; rows];
    let per_band: Vec<usize> = (0..rows)
        .map(|r| points.iter().filter(|p| p.level.min(rows - 1) == r).count())
        .collect();
    for p in points {
        let r = p.level.min(rows - 1);
        let k = seen[r];
        seen[r] += 1;
        let slots = per_band[r].clamp(1, 7);
        let y =
            top + ph - band * r as f64 - band * ((k % slots) as f64 + 1.0) / (slots as f64 + 1.0);
        let x = xs(p.x);
        let _ = write!(
            o,
            "<circle class=\"dot\" cx=\"{}\" cy=\"{}\" r=\"{radius}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"{stroke}\"{opacity}><title>{}: {:.2} %, {}</title></circle>",
            n(x),
            n(y),
            type_colour(p.type_step),
            esc(&p.label),
            p.x * 100.0,
            esc(&p.type_id)
        );
        if p.labelled {
            let _ = write!(
                o,
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#222\">{}</text>",
                n(x + 8.0),
                n(y + 3.5),
                esc(&p.label)
            );
        }
    }
    let _ = write!(
        o,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>",
        n(left),
        n(top),
        n(pw),
        n(ph)
    );
    // Legend.
    let mut x = left;
    let y = h - 18.0;
    for (step, id) in types {
        let _ = write!(
            o,
            "<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" fill=\"#333\">{}</text>",
            n(x + 6.0),
            n(y - 4.0),
            type_colour(*step),
            n(x + 16.0),
            n(y),
            esc(id)
        );
        x += 30.0 + 6.5 * id.chars().count() as f64;
    }
    o.push_str("</svg>");
    o
}

/// One supplier's segment in a split bar.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    /// Supplier id.
    pub label: String,
    /// Its current share, a fraction.
    pub current: f64,
    /// Its proposed share, a fraction; `None` where the plan sets none (a backup).
    pub proposed: Option<f64>,
}

/// Two stacked horizontal bars for one category: the current split and the proposed one,
/// one colour per supplier, labelled where the segment is wide enough.
pub(crate) fn split_bars(segments: &[Segment]) -> String {
    let (w, bar_h) = (640.0, 22.0);
    let left = 80.0;
    let pw = w - left - 10.0;
    let h = 2.0 * bar_h + 3.0 * 8.0 + 4.0;
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart split\" viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"Current and proposed split\" {FONT} font-size=\"11\">",
        n(h)
    );
    for (row, name) in ["current", "proposed"].iter().enumerate() {
        let y = 8.0 + row as f64 * (bar_h + 8.0);
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#333\">{name}</text><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f3f3f3\"/>",
            n(left - 6.0),
            n(y + bar_h / 2.0 + 4.0),
            n(left),
            n(y),
            n(pw),
            n(bar_h)
        );
        if row == 1 && segments.iter().all(|s| s.proposed.is_none()) {
            let _ = write!(
                o,
                "<text x=\"{}\" y=\"{}\" fill=\"#555\">no split proposed: keep the current sourcing</text>",
                n(left + 6.0),
                n(y + bar_h / 2.0 + 4.0)
            );
            continue;
        }
        let mut x = left;
        for (i, s) in segments.iter().enumerate() {
            let f = if row == 0 {
                s.current
            } else {
                s.proposed.unwrap_or(0.0)
            };
            let f = f.clamp(0.0, 1.0);
            if f <= 0.0 {
                continue;
            }
            let sw = f * pw;
            let colour = SEGMENT_COLOURS[i % SEGMENT_COLOURS.len()];
            let _ = write!(
                o,
                "<rect class=\"seg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\" stroke=\"#fff\"><title>{} {name}: {:.1} %</title></rect>",
                n(x),
                n(y),
                n(sw),
                n(bar_h),
                esc(&s.label),
                f * 100.0
            );
            let text = format!("{} {} %", s.label, trim_num(f * 100.0));
            if sw >= 7.0 * text.chars().count() as f64 {
                let _ = write!(
                    o,
                    "<text x=\"{}\" y=\"{}\" fill=\"#fff\">{}</text>",
                    n(x + 4.0),
                    n(y + bar_h / 2.0 + 4.0),
                    esc(&text)
                );
            }
            x += sw;
        }
    }
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<ParetoBar> {
        vec![
            ParetoBar {
                label: "S<1>".into(),
                share: 0.6,
                cumulative: 0.6,
                class: 'A',
            },
            ParetoBar {
                label: "S2".into(),
                share: 0.3,
                cumulative: 0.9,
                class: 'B',
            },
            ParetoBar {
                label: "S3".into(),
                share: 0.1,
                cumulative: 1.0,
                class: 'C',
            },
        ]
    }

    #[test]
    fn pareto_has_a_bar_per_object_the_curve_and_both_cutoffs() {
        let s = pareto(&bars(), 0.8, 0.95);
        assert_eq!(s.matches("class=\"bar\"").count(), 3);
        assert_eq!(s.matches("class=\"cutoff\"").count(), 2);
        assert_eq!(s.matches("<polyline").count(), 1);
        // The plot is 270 px high from y=20: 80 % sits at 20 + 270 * 0.2 = 74.
        assert!(s.contains("y1=\"74.0\""), "{s}");
        assert!(s.contains("A cut-off 80 %"));
        // The curve ends at 100 % (the top of the plot).
        assert!(s.contains("840.0,20.0\""), "{s}");
        // Labels are escaped.
        assert!(s.contains("S&lt;1&gt;"));
        assert!(!s.contains("S<1>"));
        assert_eq!(s, pareto(&bars(), 0.8, 0.95), "deterministic");
    }

    #[test]
    fn many_bars_draw_as_one_shape_per_class() {
        let many: Vec<ParetoBar> = (0..1000)
            .map(|i| ParetoBar {
                label: format!("S{i}"),
                share: 0.001,
                cumulative: f64::from(i + 1) / 1000.0,
                class: if i < 800 { 'A' } else { 'C' },
            })
            .collect();
        let s = pareto(&many, 0.8, 0.95);
        assert_eq!(s.matches("class=\"bar\"").count(), 0);
        assert_eq!(s.matches("class=\"bars\"").count(), 2);
        assert!(s.contains("class A: 800 objects") && s.contains("class C: 200 objects"));
    }

    #[test]
    fn pareto_of_nothing_is_an_empty_frame() {
        let s = pareto(&[], 0.8, 0.95);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert_eq!(s.matches("class=\"bar\"").count(), 0);
        assert!(!s.contains("NaN"));
    }

    #[test]
    fn matrix_places_dots_by_level_and_colours_by_type() {
        let levels = vec!["low".to_string(), "medium".into(), "high".into()];
        let pts = vec![
            MatrixPoint {
                label: "S1".into(),
                x: 0.5,
                level: 2,
                type_step: 4,
                type_id: "partnership".into(),
                labelled: true,
            },
            MatrixPoint {
                label: "S2".into(),
                x: 0.0,
                level: 0,
                type_step: 1,
                type_id: "economic-opportunistic".into(),
                labelled: false,
            },
        ];
        let s = matrix(&pts, &levels, "share in total profit", &[(1, "e".into())]);
        assert_eq!(s.matches("class=\"dot\"").count(), 2);
        // The plot is 280 px high from y=20, three bands of 93.3 px.
        // S1: top band (20–113.3), alone, so in its middle; x = sqrt(0.5/0.5) → right edge.
        assert!(
            s.contains("cx=\"880.0\" cy=\"66.7\" r=\"6\" fill=\"#2e8b57\""),
            "{s}"
        );
        // S2: bottom band (206.7–300), in its middle, at the left edge.
        assert!(
            s.contains("cx=\"90.0\" cy=\"253.3\" r=\"6\" fill=\"#8c8c8c\""),
            "{s}"
        );
        assert!(s.contains(">S1</text>") && !s.contains(">S2</text>"));
    }

    #[test]
    fn split_bars_draw_current_and_proposed_segments() {
        let s = split_bars(&[
            Segment {
                label: "S1".into(),
                current: 0.95,
                proposed: Some(0.7),
            },
            Segment {
                label: "S2".into(),
                current: 0.05,
                proposed: Some(0.3),
            },
            Segment {
                label: "S3".into(),
                current: 0.0,
                proposed: None,
            },
        ]);
        // Two segments per bar; the backup without a share draws none.
        assert_eq!(s.matches("class=\"seg\"").count(), 4);
        assert!(s.contains("S1 proposed: 70.0 %"));
        assert!(s.contains(">S1 95 %</text>"));
        assert!(!s.contains("no split proposed"));
        let keep = split_bars(&[Segment {
            label: "S1".into(),
            current: 1.0,
            proposed: None,
        }]);
        assert_eq!(keep.matches("class=\"seg\"").count(), 1);
        assert!(keep.contains("no split proposed: keep the current sourcing"));
    }

    #[test]
    fn esc_escapes_markup_and_drops_control_characters() {
        assert_eq!(
            esc("<a href='x'>&\"\u{1}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot; "
        );
        assert_eq!(nice_ceiling(37.3), 50.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(n(-0.01), "0.0");
    }

    proptest::proptest! {
        /// Escaped text never carries markup, and unescapes to the input (control
        /// characters aside, which XML cannot hold).
        #[test]
        fn esc_never_leaves_markup(t in ".*") {
            let e = esc(&t);
            proptest::prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let back = e
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            let clean: String = t
                .chars()
                .map(|c| if (c as u32) < 0x20 && c != '\n' && c != '\t' { ' ' } else { c })
                .collect();
            proptest::prop_assert_eq!(back, clean);
        }

        /// Any shares, even out of range, give coordinates that are numbers.
        #[test]
        fn charts_never_print_nan(shares in proptest::collection::vec(-2.0f64..3.0, 0..40)) {
            let bars: Vec<ParetoBar> = shares
                .iter()
                .map(|s| ParetoBar { label: "x".into(), share: *s, cumulative: *s, class: 'B' })
                .collect();
            let p = pareto(&bars, 0.8, 0.95);
            proptest::prop_assert!(!p.contains("NaN") && !p.contains("inf"));
            let pts: Vec<MatrixPoint> = shares
                .iter()
                .enumerate()
                .map(|(i, s)| MatrixPoint {
                    label: "x".into(),
                    x: *s,
                    level: i,
                    type_step: 2,
                    type_id: "t".into(),
                    labelled: true,
                })
                .collect();
            let m = matrix(&pts, &["low".into(), "high".into()], "x", &[]);
            proptest::prop_assert!(!m.contains("NaN") && !m.contains("inf"));
        }
    }
}
