//! Data quality across all ledger files: supplier identities (one id with several names,
//! one name with several ids, ids that lost leading zeros or differ only in case) and the
//! per-file accounts, rendered as the report of `procura check`.

use super::{FileReport, SkipReason};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Characters that are invisible in a spreadsheet but make two ids different: zero-width
/// spaces and joiners, the word joiner, a byte order mark, a soft hyphen.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// No-break spaces, which look like spaces but compare differently.
fn is_no_break_space(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{2007}' | '\u{202F}')
}

/// Normalises a supplier id: invisible characters removed, no-break spaces made plain,
/// surrounding whitespace trimmed, Unicode NFC. Returns the id and what was changed.
pub(crate) fn normalize_id(raw: &str) -> (Cow<'_, str>, Vec<&'static str>) {
    // Invisible characters and no-break spaces are not ASCII, and ASCII is in NFC.
    if raw.is_ascii() {
        return (Cow::Borrowed(raw.trim()), Vec::new());
    }
    let mut changes = Vec::new();
    let mut s: String = raw.to_string();
    if s.chars().any(is_invisible) {
        s = s.chars().filter(|c| !is_invisible(*c)).collect();
        changes.push("invisible characters (zero-width, soft hyphen) removed from supplier ids");
    }
    if s.chars().any(is_no_break_space) {
        s = s
            .chars()
            .map(|c| if is_no_break_space(c) { ' ' } else { c })
            .collect();
        changes.push("no-break spaces in supplier ids made plain spaces");
    }
    let trimmed = s.trim();
    if trimmed.is_ascii() {
        return (Cow::Owned(trimmed.to_string()), changes);
    }
    let nfc: String = trimmed.nfc().collect();
    if nfc != trimmed {
        changes.push("supplier ids put in Unicode NFC form");
    }
    (Cow::Owned(nfc), changes)
}

/// The comparison key of a name: trimmed, whitespace runs collapsed, NFC, lower case.
fn name_key(name: &str) -> String {
    if name.is_ascii() {
        // ASCII is in NFC and lowercases byte by byte: one pass, one allocation (a big
        // ledger has a name for each of tens of thousands of suppliers).
        let mut key = String::with_capacity(name.len());
        for word in name.split(char::is_whitespace).filter(|w| !w.is_empty()) {
            if !key.is_empty() {
                key.push(' ');
            }
            key.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
        return key;
    }
    unicode_name_key(name)
}

/// [`name_key`] for any text.
fn unicode_name_key(name: &str) -> String {
    let folded: String = name.nfc().flat_map(char::to_lowercase).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many line numbers a finding lists per entry.
const LINES_SHOWN: usize = 5;

/// Where one (id, name) pair was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Seen {
    name: String,
    lines: Vec<u64>,
    count: u64,
}

/// Supplier ids with the names they appear with, per file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identities {
    /// id → each name as written (trimmed) and where. Names are compared by their key only
    /// when the findings are made, so that reading a row costs no normalisation. Hashed
    /// with Fx, as the interned ids are: one lookup per supplier and name (the fast path)
    /// or per line (the general reader), and the findings sort what they take from it.
    ids: FxHashMap<String, Vec<Seen>>,
}

impl Identities {
    /// Makes room for `n` more supplier ids.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.ids.reserve(n);
    }

    /// Records a used line.
    pub(crate) fn record(&mut self, id: &str, name: Option<&str>, line: u64) {
        self.record_lines(id, name, &[line], 0);
    }

    /// Records used lines of one (id, name): those at `lines`, in file order, and `more`
    /// after them whose lines are not kept (past the first few the checks keep only the
    /// count).
    pub(crate) fn record_lines(&mut self, id: &str, name: Option<&str>, lines: &[u64], more: u64) {
        let name = name.unwrap_or("").trim();
        let names = match self.ids.get_mut(id) {
            Some(names) => names,
            None => self.ids.entry(id.to_string()).or_default(),
        };
        let seen = match names.iter().position(|s| s.name == name) {
            Some(i) => &mut names[i],
            None => {
                names.push(Seen {
                    name: name.to_string(),
                    // Sized once: grown a line at a time it took two allocations.
                    lines: Vec::with_capacity(LINES_SHOWN),
                    count: 0,
                });
                let last = names.len() - 1;
                &mut names[last]
            }
        };
        seen.count += lines.len() as u64 + more;
        for &line in lines {
            if seen.lines.len() < LINES_SHOWN {
                seen.lines.push(line);
            }
        }
    }
}

/// A data-quality finding over all files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct QualityFinding {
    /// What kind: `id-several-names`, `name-several-ids`, `id-leading-zeros`,
    /// `id-case`, `id-lost-zeros`.
    pub kind: String,
    /// What was found, for people.
    pub message: String,
    /// Where: for each id or name the message lists, in its order, the lines of each file
    /// it is on.
    pub places: Vec<LinesOf>,
}

impl QualityFinding {
    /// The first line the finding points to, as `file:line`.
    pub fn first_place(&self) -> Option<String> {
        self.places
            .iter()
            .find_map(|p| p.lines.first().map(|l| format!("{}:{l}", p.file)))
    }
}

/// The lines of one file on which an id or a name of a finding appears.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LinesOf {
    /// The id or name, as the finding's message shows it.
    pub of: String,
    /// The file.
    pub file: String,
    /// The first few lines, in file order.
    pub lines: Vec<u64>,
    /// How many lines after those.
    pub more: u64,
}

impl std::fmt::Display for LinesOf {
    /// `"S1" in l.csv: lines 2, 3 and 40 more`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<String> = self.lines.iter().map(u64::to_string).collect();
        let noun = if self.lines.len() + self.more as usize == 1 {
            "line"
        } else {
            "lines"
        };
        write!(
            f,
            "{:?} in {}: {noun} {}",
            self.of,
            self.file,
            lines.join(", ")
        )?;
        if self.more > 0 {
            write!(f, " and {} more", self.more)?;
        }
        Ok(())
    }
}

/// The lines of `seen` in `file`, as those of `of`.
fn lines_of(of: &str, file: &str, seen: &Seen) -> LinesOf {
    LinesOf {
        of: of.to_string(),
        file: file.to_string(),
        lines: seen.lines.clone(),
        more: seen.count.saturating_sub(seen.lines.len() as u64),
    }
}

/// One (supplier id, name key, file): the file's spellings of the key merged into the
/// first spelling (the one of the earliest line) with all their lines.
struct Pair<'a> {
    id: &'a str,
    key: String,
    file: usize,
    seen: Cow<'a, Seen>,
}

impl Pair<'_> {
    /// Takes in another spelling of the same key in the same file.
    fn absorb(&mut self, other: &Seen) {
        let e = self.seen.to_mut();
        if e.name.is_empty() || (other.lines.first() < e.lines.first()) {
            e.name.clone_from(&other.name);
        }
        e.count += other.count;
        e.lines.extend(&other.lines);
        e.lines.sort_unstable();
        e.lines.truncate(LINES_SHOWN);
    }
}

/// Cross-checks supplier identities over all files.
///
/// Everything is kept in flat sorted vectors of references into the file reports, and a
/// finding's lines are rendered only when it is made: a big ledger has tens of thousands
/// of suppliers and nearly none of them has a finding (maps per supplier took 30 MB on a
/// 10M-line ledger with 20,000 suppliers, at the run's peak).
pub fn identity_findings(files: &[FileReport]) -> Vec<QualityFinding> {
    let mut pairs: Vec<Pair<'_>> = Vec::new();
    for (file, f) in files.iter().enumerate() {
        for (id, names) in &f.identities.ids {
            for seen in names {
                let mut seen = Cow::Borrowed(seen);
                // The readers record lines in file order; were they not, they are put in
                // order here as the merge of spellings does.
                if !seen.lines.is_sorted() {
                    seen.to_mut().lines.sort_unstable();
                }
                pairs.push(Pair {
                    id,
                    key: name_key(&seen.name),
                    file,
                    seen,
                });
            }
        }
    }
    // Stable: a file's spellings of one key merge in the order they were met.
    pairs.sort_by(|a, b| (a.id, &a.key, a.file).cmp(&(b.id, &b.key, b.file)));
    pairs.dedup_by(|later, kept| {
        let same = later.id == kept.id && later.key == kept.key && later.file == kept.file;
        if same {
            kept.absorb(&later.seen);
        }
        same
    });
    // Runs of `pairs`: per id, and per (id, name key).
    let runs = |same: fn(&Pair<'_>, &Pair<'_>) -> bool| -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..=pairs.len() {
            if i == pairs.len() || !same(&pairs[start], &pairs[i]) {
                out.push(start..i);
                start = i;
            }
        }
        out
    };
    let by_id = runs(|a, b| a.id == b.id);
    let by_key = runs(|a, b| a.id == b.id && a.key == b.key);
    // The places of a run, as those of `of`.
    let places = |range: std::ops::Range<usize>, of: &str| -> Vec<LinesOf> {
        pairs[range]
            .iter()
            .map(|p| lines_of(of, &files[p.file].file, &p.seen))
            .collect()
    };
    let mut out = Vec::new();

    // One id, several names: its (id, key) runs with a name.
    let mut keys = by_key
        .iter()
        .filter(|r| !pairs[r.start].key.is_empty())
        .peekable();
    while let Some(first) = keys.next() {
        let id = pairs[first.start].id;
        let mut named = vec![first.clone()];
        while let Some(next) = keys.next_if(|r| pairs[r.start].id == id) {
            named.push(next.clone());
        }
        if named.len() > 1 {
            let list: Vec<String> = named
                .iter()
                .map(|r| format!("{:?}", pairs[r.start].seen.name))
                .collect();
            out.push(QualityFinding {
                kind: "id-several-names".into(),
                message: format!(
                    "supplier id {id:?} has {} names: {}",
                    named.len(),
                    list.join(", ")
                ),
                places: named
                    .iter()
                    .flat_map(|r| places(r.clone(), &pairs[r.start].seen.name))
                    .collect(),
            });
        }
    }

    // One name, several ids: the (id, key) runs with a name, by key and then id.
    let mut named: Vec<&std::ops::Range<usize>> = by_key
        .iter()
        .filter(|r| !pairs[r.start].key.is_empty())
        .collect();
    named.sort_by(|a, b| {
        let (a, b) = (&pairs[a.start], &pairs[b.start]);
        (&a.key, a.id).cmp(&(&b.key, b.id))
    });
    for group in named.chunk_by(|a, b| pairs[a.start].key == pairs[b.start].key) {
        if group.len() > 1 {
            let list: Vec<String> = group
                .iter()
                .map(|r| format!("{:?}", pairs[r.start].id))
                .collect();
            out.push(QualityFinding {
                kind: "name-several-ids".into(),
                message: format!(
                    "supplier name {:?} (compared ignoring case and spacing) has {} ids: {}",
                    pairs[group[0].start].seen.name,
                    group.len(),
                    list.join(", ")
                ),
                places: group
                    .iter()
                    .flat_map(|r| places((*r).clone(), pairs[r.start].id))
                    .collect(),
            });
        }
    }

    // Ids that differ only in case, or (all digits) only in leading zeros: (leading
    // zeros?, the id compared, the id) sorted, in runs.
    let lines_for = |at: usize| places(by_id[at].clone(), pairs[by_id[at].start].id);
    let mut groups: Vec<(bool, Cow<'_, str>, usize)> = Vec::with_capacity(by_id.len());
    for (at, r) in by_id.iter().enumerate() {
        let id = pairs[r.start].id;
        let lower = if id.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
            Cow::Owned(id.to_lowercase())
        } else {
            Cow::Borrowed(id)
        };
        groups.push((false, lower, at));
        if id.bytes().all(|b| b.is_ascii_digit()) {
            groups.push((true, Cow::Borrowed(id.trim_start_matches('0')), at));
        }
    }
    // `by_id` is in id order, so within a run the members are too.
    groups.sort_unstable();
    for members in groups.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1) {
        if members.len() > 1 {
            let zeros = members[0].0;
            let list: Vec<String> = members
                .iter()
                .map(|m| format!("{:?}", pairs[by_id[m.2].start].id))
                .collect();
            out.push(QualityFinding {
                kind: if zeros { "id-leading-zeros" } else { "id-case" }.into(),
                message: format!(
                    "supplier ids {} differ only in {}: probably one supplier{}",
                    list.join(" and "),
                    if zeros { "leading zeros" } else { "case" },
                    if zeros {
                        " whose zeros a spreadsheet dropped"
                    } else {
                        ""
                    }
                ),
                places: members.iter().flat_map(|m| lines_for(m.2)).collect(),
            });
        }
    }
    drop(groups);

    // Zero-padded numeric ids fix a width; a shorter all-digit id may have lost its zeros.
    let ids = || by_id.iter().map(|r| pairs[r.start].id);
    let padded_width = ids()
        .filter(|i| i.len() > 1 && i.starts_with('0') && i.bytes().all(|b| b.is_ascii_digit()))
        .map(str::len)
        .max();
    if let Some(width) = padded_width {
        for (at, id) in ids().enumerate() {
            if id.len() < width && !id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit()) {
                out.push(QualityFinding {
                    kind: "id-lost-zeros".into(),
                    message: format!(
                        "supplier id {id:?} is shorter than the {width}-digit zero-padded ids of the ledger: it may have lost its leading zeros (export the column as text)"
                    ),
                    places: lines_for(at),
                });
            }
        }
    }
    out.sort();
    out
}

/// The data-quality report of `procura check`: each file's account and the findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityReport {
    /// Notices every output must show first (e.g. a lenient run).
    pub notices: Vec<String>,
    /// One account per file.
    pub files: Vec<FileReport>,
    /// Findings over all files.
    pub findings: Vec<QualityFinding>,
}

/// How many entries of a long list the text report shows.
const LIST_SHOWN: usize = 50;

impl QualityReport {
    /// The report as text for a terminal.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        for n in &self.notices {
            o.push_str(&format!("NOTE: {n}\n"));
        }
        if !self.notices.is_empty() {
            o.push('\n');
        }
        for f in &self.files {
            o.push_str(&format!("{}\n", f.file));
            for d in &f.decisions {
                o.push_str(&format!("  {d}\n"));
            }
            let cols: Vec<String> = f
                .column_map
                .iter()
                .map(|c| format!("{} = {} {:?}", c.field, c.column, c.header))
                .collect();
            if !cols.is_empty() {
                o.push_str(&format!("  columns: {}\n", cols.join(", ")));
            }
            let skipped: Vec<String> = SkipReason::ALL
                .iter()
                .map(|r| {
                    let n = match r {
                        SkipReason::Blank => f.rows_blank,
                        SkipReason::Preamble => f.rows_preamble,
                        SkipReason::Header => f.rows_header,
                        SkipReason::Total => f.rows_total,
                        SkipReason::Note => f.rows_note,
                    };
                    format!("{} {n}", r.name())
                })
                .collect();
            o.push_str(&format!(
                "  rows: {} read = {} used + {} skipped ({}) + {} rejected\n",
                f.rows_read,
                f.rows_used,
                f.rows_skipped(),
                skipped.join(", "),
                f.rows_rejected
            ));
            for c in &f.currencies {
                let cur = if c.currency.is_empty() {
                    "(no currency given)"
                } else {
                    &c.currency
                };
                o.push_str(&format!(
                    "  money used: {} {cur} in {} lines\n",
                    c.amount.normalize(),
                    c.lines
                ));
            }
            for u in &f.fx_used {
                o.push_str(&format!(
                    "  converted: {} {} in {} lines at {} ({})\n",
                    u.amount.normalize(),
                    u.currency,
                    u.lines,
                    u.rate.normalize(),
                    u.from
                        .as_ref()
                        .map_or("undated rate".to_string(), |d| format!("rate from {d}"))
                ));
            }
            if f.credit_notes > 0 {
                o.push_str(&format!("  credit notes: {}\n", f.credit_notes));
            }
            let skipped = f.rows_skipped() - f.rows_blank;
            list(&mut o, "skipped", f.skipped.iter(), skipped, |s| {
                format!("line {} {}: {}", s.line, s.reason.name(), s.text)
            });
            list(&mut o, "normalised", f.normalisations.iter(), 0, |n| {
                format!(
                    "{} ({} values, first at line {})",
                    n.what, n.count, n.first_line
                )
            });
            list(
                &mut o,
                "warnings",
                f.warnings.iter(),
                f.warning_count,
                |w| format!("line {}: {}", w.line, w.message),
            );
            list(
                &mut o,
                "exact duplicate lines within one order (kept)",
                f.duplicates.iter(),
                f.duplicate_groups,
                |d| {
                    let l: Vec<String> = d.iter().map(u64::to_string).collect();
                    format!("lines {}", l.join(", "))
                },
            );
            list(
                &mut o,
                "rejected",
                f.rejected.iter(),
                f.rows_rejected,
                |r| r.to_string(),
            );
            o.push('\n');
        }
        if self.findings.is_empty() {
            o.push_str("supplier identities: no findings\n");
        } else {
            o.push_str("supplier identities:\n");
            for f in &self.findings {
                o.push_str(&format!("  [{}] {}\n", f.kind, f.message));
                for p in &f.places {
                    o.push_str(&format!("    {p}\n"));
                }
            }
        }
        o
    }
}

/// Lists the first [`LIST_SHOWN`] of `items` under `title`; `total` counts them all (the
/// report keeps only the first of a long list).
fn list<T>(
    o: &mut String,
    title: &str,
    items: impl ExactSizeIterator<Item = T>,
    total: u64,
    show: impl Fn(T) -> String,
) {
    let total = total.max(items.len() as u64);
    if total == 0 {
        return;
    }
    o.push_str(&format!("  {title}:\n"));
    let mut shown = 0u64;
    for item in items.take(LIST_SHOWN) {
        o.push_str(&format!("    {}\n", show(item)));
        shown += 1;
    }
    if total > shown {
        o.push_str(&format!("    … and {} more\n", total - shown));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The identity findings as they were made with maps per supplier (until the flat
    /// vectors replaced them): the oracle the proptest below holds the new way to.
    mod reference {
        use super::super::*;
        use std::collections::{BTreeMap, BTreeSet};

        type NamePairs<'a> = BTreeMap<(&'a str, String), Seen>;

        fn pairs(identities: &Identities) -> NamePairs<'_> {
            let mut out: BTreeMap<(&str, String), Seen> = BTreeMap::new();
            for (id, names) in &identities.ids {
                for seen in names {
                    let e = out.entry((id.as_str(), name_key(&seen.name))).or_default();
                    if e.name.is_empty() || (seen.lines.first() < e.lines.first()) {
                        e.name.clone_from(&seen.name);
                    }
                    e.count += seen.count;
                    e.lines.extend(&seen.lines);
                    e.lines.sort_unstable();
                    e.lines.truncate(LINES_SHOWN);
                }
            }
            out
        }

        type Place<'a> = (&'a str, &'a Seen);

        fn render<'a>(of: &str, places: impl IntoIterator<Item = &'a Place<'a>>) -> Vec<LinesOf> {
            places
                .into_iter()
                .map(|(file, seen)| lines_of(of, file, seen))
                .collect()
        }

        pub(super) fn identity_findings(files: &[FileReport]) -> Vec<QualityFinding> {
            // id → name key → (spelling, lines)
            let pairs: Vec<(&str, NamePairs<'_>)> = files
                .iter()
                .map(|f| (f.file.as_str(), pairs(&f.identities)))
                .collect();
            // Per id its name keys in order, in a vector: nearly every id has one name, and a
            // map per id cost 600 bytes per supplier.
            type Names<'a> = Vec<(&'a str, (&'a str, Vec<Place<'a>>))>;
            let mut by_id: BTreeMap<&str, Names<'_>> = BTreeMap::new();
            for (file, map) in &pairs {
                for ((id, key), seen) in map {
                    let names = by_id.entry(id).or_default();
                    let at = match names.binary_search_by_key(&key.as_str(), |(k, _)| k) {
                        Ok(at) => at,
                        Err(at) => {
                            names.insert(at, (key.as_str(), (seen.name.as_str(), Vec::new())));
                            at
                        }
                    };
                    names[at].1.1.push((file, seen));
                }
            }
            let mut out = Vec::new();
            // name key → (the first spelling met, (id, lines) in id order)
            type Ids<'a> = Vec<(&'a str, Vec<Place<'a>>)>;
            let mut by_name: BTreeMap<&str, (&str, Ids<'_>)> = BTreeMap::new();
            for (id, names) in &by_id {
                let named: Vec<_> = names.iter().filter(|(k, _)| !k.is_empty()).collect();
                if named.len() > 1 {
                    let list: Vec<String> =
                        named.iter().map(|(_, (n, _))| format!("{n:?}")).collect();
                    out.push(QualityFinding {
                        kind: "id-several-names".into(),
                        message: format!(
                            "supplier id {id:?} has {} names: {}",
                            named.len(),
                            list.join(", ")
                        ),
                        places: named.iter().flat_map(|(_, (n, l))| render(n, l)).collect(),
                    });
                }
                // An id has each name key once, and the ids come in order: pushed, they stay
                // sorted and distinct.
                for (key, (spelling, lines)) in named {
                    by_name
                        .entry(key)
                        .or_insert_with(|| (*spelling, Vec::new()))
                        .1
                        .push((id, lines.clone()));
                }
            }
            for (name, ids) in by_name.values() {
                if ids.len() > 1 {
                    let list: Vec<String> = ids.iter().map(|(i, _)| format!("{i:?}")).collect();
                    out.push(QualityFinding {
                        kind: "name-several-ids".into(),
                        message: format!(
                            "supplier name {name:?} (compared ignoring case and spacing) has {} ids: {}",
                            ids.len(),
                            list.join(", ")
                        ),
                        places: ids.iter().flat_map(|(i, l)| render(i, l)).collect(),
                    });
                }
            }
            let ids: Vec<&str> = by_id.keys().copied().collect();
            let lines_for = |id: &str| -> Vec<LinesOf> {
                by_id
                    .get(id)
                    .map(|names| render(id, names.iter().flat_map(|(_, (_, l))| l)))
                    .unwrap_or_default()
            };
            // Ids that differ only in case, or (all digits) only in leading zeros.
            let mut groups: BTreeMap<(bool, String), BTreeSet<&str>> = BTreeMap::new();
            for id in &ids {
                groups
                    .entry((false, id.to_lowercase()))
                    .or_default()
                    .insert(id);
                if id.bytes().all(|b| b.is_ascii_digit()) {
                    let stripped = id.trim_start_matches('0');
                    groups
                        .entry((true, stripped.to_string()))
                        .or_default()
                        .insert(id);
                }
            }
            for ((zeros, _), members) in &groups {
                if members.len() > 1 {
                    let list: Vec<String> = members.iter().map(|i| format!("{i:?}")).collect();
                    out.push(QualityFinding {
                        kind: if *zeros {
                            "id-leading-zeros"
                        } else {
                            "id-case"
                        }
                        .into(),
                        message: format!(
                            "supplier ids {} differ only in {}: probably one supplier{}",
                            list.join(" and "),
                            if *zeros { "leading zeros" } else { "case" },
                            if *zeros {
                                " whose zeros a spreadsheet dropped"
                            } else {
                                ""
                            }
                        ),
                        places: members.iter().flat_map(|i| lines_for(i)).collect(),
                    });
                }
            }
            // Zero-padded numeric ids fix a width; a shorter all-digit id may have lost its zeros.
            let padded_width = ids
                .iter()
                .filter(|i| {
                    i.len() > 1 && i.starts_with('0') && i.bytes().all(|b| b.is_ascii_digit())
                })
                .map(|i| i.len())
                .max();
            if let Some(width) = padded_width {
                for id in &ids {
                    if id.len() < width
                        && !id.starts_with('0')
                        && id.bytes().all(|b| b.is_ascii_digit())
                    {
                        out.push(QualityFinding {
                            kind: "id-lost-zeros".into(),
                            message: format!(
                                "supplier id {id:?} is shorter than the {width}-digit zero-padded ids of the ledger: it may have lost its leading zeros (export the column as text)"
                            ),
                            places: lines_for(id),
                        });
                    }
                }
            }
            out.sort();
            out
        }
    }

    /// Supplier ids that differ in case, leading zeros or padding, names that differ in
    /// case and spacing, in one to three files, recorded as the readers record them: line
    /// by line (the general reader), or per (id, name) its first lines and a count of the
    /// rest (the fast path).
    fn identity_files() -> impl proptest::strategy::Strategy<Value = Vec<FileReport>> {
        use proptest::strategy::Strategy;
        let id = proptest::sample::select(vec![
            "S1", "s1", "S01", "S2", "007", "7", "0007", "8", "08", "A-1", "a-1", "Ω1", "ω1",
        ]);
        let name = proptest::sample::select(vec![
            "",
            "Acme",
            "ACME ",
            "acme  ltd",
            "Acme Ltd",
            "Beta",
            " beta",
            "Škoda",
            "ŠKODA",
            "Σας",
            "ΣΑΣ",
        ]);
        let line = (id, name, 1u64..4);
        let file = (proptest::collection::vec(line, 1..40), proptest::bool::ANY);
        proptest::collection::vec(file, 1..4).prop_map(|files| {
            files
                .into_iter()
                .enumerate()
                .map(|(i, (lines, by_line))| {
                    let mut f = FileReport {
                        file: format!("f{i}.csv"),
                        ..FileReport::default()
                    };
                    let mut at = 1;
                    let mut pairs: Vec<((&str, &str), Vec<u64>)> = Vec::new();
                    for (id, name, gap) in lines {
                        at += gap;
                        let name = name.trim();
                        if by_line {
                            f.identities
                                .record(id, (!name.is_empty()).then_some(name), at);
                        } else {
                            match pairs.iter_mut().find(|(p, _)| *p == (id, name)) {
                                Some((_, l)) => l.push(at),
                                None => pairs.push(((id, name), vec![at])),
                            }
                        }
                    }
                    for ((id, name), lines) in pairs {
                        let kept = lines.len().min(3);
                        let more = (lines.len() - kept) as u64;
                        let name = (!name.is_empty()).then_some(name);
                        f.identities.record_lines(id, name, &lines[..kept], more);
                    }
                    f
                })
                .collect()
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// The findings made in flat vectors are the ones the maps made.
        #[test]
        fn identity_findings_equal_the_reference(files in identity_files()) {
            proptest::prop_assert_eq!(
                identity_findings(&files),
                reference::identity_findings(&files)
            );
        }
    }

    proptest::proptest! {
        /// The ASCII way to a name's key is the general one.
        #[test]
        fn ascii_name_keys_are_the_general_ones(name in "[ -~\t\n\x0b\x0c\r]{0,24}") {
            proptest::prop_assert_eq!(name_key(&name), unicode_name_key(&name));
        }
    }

    #[test]
    fn ids_lose_invisible_characters_and_no_break_spaces() {
        let (id, changes) = normalize_id(" 00\u{200B}12\u{A0}A ");
        assert_eq!(id, "0012 A");
        assert_eq!(changes.len(), 2);
        assert_eq!(normalize_id(" 0042 "), (Cow::Borrowed("0042"), vec![]));
    }

    #[test]
    fn identity_findings_name_ids_names_and_lost_zeros() {
        let mut f = FileReport {
            file: "l.csv".into(),
            ..FileReport::default()
        };
        f.identities.record("0001000", Some("Müller GmbH"), 2);
        f.identities.record("0001000", Some("müller  gmbh"), 3);
        f.identities.record("0001000", Some("Mueller GmbH"), 4);
        f.identities.record("1000", Some("Acme"), 5);
        f.identities.record("0002000", Some("acme"), 6);
        let found = identity_findings(&[f]);
        let kinds: Vec<&str> = found.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "id-leading-zeros",
                "id-lost-zeros",
                "id-several-names",
                "name-several-ids"
            ]
        );
        let places: Vec<String> = found[2].places.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            places,
            [
                "\"Mueller GmbH\" in l.csv: line 4",
                "\"Müller GmbH\" in l.csv: lines 2, 3"
            ]
        );
        assert_eq!(found[2].first_place().as_deref(), Some("l.csv:4"));
    }

    /// Findings over two files list each file's first lines and how many more, per name
    /// and per id in order (the places are formatted only for findings).
    #[test]
    fn identity_findings_over_two_files_list_lines_and_counts() {
        let file = |name: &str| FileReport {
            file: name.into(),
            ..FileReport::default()
        };
        let (mut a, mut b) = (file("a.csv"), file("b.csv"));
        a.identities
            .record_lines("S2", Some("Acme"), &[2, 3, 4, 5, 6], 10);
        a.identities.record("S1", Some("ACME "), 9);
        a.identities.record("S3", Some("Other"), 11);
        b.identities.record("S2", Some("Acme Ltd"), 7);
        b.identities.record("s3", Some("Other"), 8);
        let found = identity_findings(&[a, b]);
        let texts: Vec<Vec<String>> = found
            .iter()
            .map(|f| f.places.iter().map(|p| p.to_string()).collect())
            .collect();
        let got: Vec<(&str, &str, Vec<&str>)> = found
            .iter()
            .enumerate()
            .map(|(i, f)| {
                (
                    f.kind.as_str(),
                    f.message.as_str(),
                    texts[i].iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "id-case",
                    "supplier ids \"S3\" and \"s3\" differ only in case: probably one supplier",
                    vec!["\"S3\" in a.csv: line 11", "\"s3\" in b.csv: line 8"]
                ),
                (
                    "id-several-names",
                    "supplier id \"S2\" has 2 names: \"Acme\", \"Acme Ltd\"",
                    vec![
                        "\"Acme\" in a.csv: lines 2, 3, 4, 5, 6 and 10 more",
                        "\"Acme Ltd\" in b.csv: line 7"
                    ]
                ),
                (
                    "name-several-ids",
                    "supplier name \"ACME\" (compared ignoring case and spacing) has 2 ids: \"S1\", \"S2\"",
                    vec![
                        "\"S1\" in a.csv: line 9",
                        "\"S2\" in a.csv: lines 2, 3, 4, 5, 6 and 10 more"
                    ]
                ),
                (
                    "name-several-ids",
                    "supplier name \"Other\" (compared ignoring case and spacing) has 2 ids: \"S3\", \"s3\"",
                    vec!["\"S3\" in a.csv: line 11", "\"s3\" in b.csv: line 8"]
                ),
            ]
        );
    }
}
