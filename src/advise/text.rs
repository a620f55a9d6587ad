//! Words from the rules: filling `{name}` templates, and the ledger's period as the unit of
//! money to move ("EUR/year" when the period is about a year).

use crate::rules::PeriodDef;
use serde::Serialize;

/// Replaces every `{name}` in `template` by its value. A name without a value stays as
/// written, so that a typo in a rule file shows in the output instead of vanishing. An
/// empty value (e.g. no currency in the ledger) leaves no double or edge spaces.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let filled = fill_raw(template, values);
    if !values.iter().any(|(_, v)| v.is_empty()) {
        return filled;
    }
    let mut out = String::with_capacity(filled.len());
    for word in filled.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn fill_raw(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The ledger's period, as the advice names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First date in the ledger (ISO), when the ledger has dates.
    pub from: Option<String>,
    /// Last date in the ledger (ISO).
    pub to: Option<String>,
    /// Days from the first to the last date, both included.
    pub days: Option<u32>,
    /// Whether the period counts as about a year (`advice.period`).
    pub about_a_year: bool,
    /// The unit of money to move, e.g. `EUR/year`.
    pub per: String,
    /// Stable id of the rule: `advice.period`.
    pub rule: String,
}

/// Days since 1970-01-01 of an ISO date `YYYY-MM-DD`; `None` when it is not one.
fn days_from_civil(date: &str) -> Option<i64> {
    let mut parts = date.get(..10)?.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days-from-civil: exact for the proleptic Gregorian calendar.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

impl Period {
    /// The period of a ledger from its first and last date.
    pub fn new(rules: &PeriodDef, period: Option<&(String, String)>, currency: &str) -> Period {
        let days = period.and_then(|(from, to)| {
            let d = days_from_civil(to)? - days_from_civil(from)? + 1;
            u32::try_from(d).ok()
        });
        let about_a_year =
            days.is_some_and(|d| (rules.year_min_days..=rules.year_max_days).contains(&d));
        let per = match (period, days) {
            _ if about_a_year => fill(&rules.per_year, &[("currency", currency)]),
            (Some((from, to)), Some(d)) => fill(
                &rules.per_period,
                &[
                    ("currency", currency),
                    ("days", &d.to_string()),
                    ("from", from),
                    ("to", to),
                ],
            ),
            _ => fill(&rules.per_unknown, &[("currency", currency)]),
        };
        Period {
            from: period.map(|p| p.0.clone()),
            to: period.map(|p| p.1.clone()),
            days,
            about_a_year,
            per,
            rule: "advice.period".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_known_names_and_keep_unknown_ones() {
        assert_eq!(
            fill(
                "move {amount} {per} from {from}",
                &[("amount", "5"), ("per", "EUR/year")]
            ),
            "move 5 EUR/year from {from}"
        );
        assert_eq!(fill("no names {", &[]), "no names {");
        assert_eq!(
            fill(
                "{amount} {currency} over the period",
                &[("amount", "5"), ("currency", "")]
            ),
            "5 over the period"
        );
        assert_eq!(fill("{currency}/year", &[("currency", "")]), "/year");
    }

    fn rules() -> PeriodDef {
        PeriodDef {
            year_min_days: 335,
            year_max_days: 395,
            per_year: "{currency}/year".into(),
            per_period: "{currency} per {days} days ({from}–{to})".into(),
            per_unknown: "{currency} in the period".into(),
            r#move: String::new(),
        }
    }

    #[test]
    fn a_year_of_dates_is_per_year_and_a_quarter_is_per_period() {
        let year = ("2025-01-02".to_string(), "2025-12-31".to_string());
        let p = Period::new(&rules(), Some(&year), "EUR");
        assert_eq!(
            (p.days, p.about_a_year, p.per.as_str()),
            (Some(364), true, "EUR/year")
        );
        let quarter = ("2024-01-01".to_string(), "2024-03-31".to_string());
        let p = Period::new(&rules(), Some(&quarter), "EUR");
        assert_eq!(p.days, Some(91), "2024 is a leap year");
        assert_eq!(p.per, "EUR per 91 days (2024-01-01–2024-03-31)");
        let p = Period::new(&rules(), None, "EUR");
        assert_eq!(p.per, "EUR in the period");
    }
}
