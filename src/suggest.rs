//! "Did you mean …?" suggestions for misspelt ids.

/// The closest candidate to `word` by edit distance, when it is close enough to be a typo;
/// failing that, the one candidate that `word` (of four characters or more) begins, since a
/// shortened id (`selective` for `selective-cooperation`) is a common slip too.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    let candidates: Vec<&'a str> = candidates.collect();
    let close = candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c);
    close.or_else(|| {
        let mut starts = candidates
            .iter()
            .filter(|c| word.chars().count() >= 4 && c.starts_with(word));
        match (starts.next(), starts.next()) {
            (Some(c), None) => Some(*c),
            _ => None,
        }
    })
}

/// Edit distance between two strings, in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let c = ["criticality", "quality", "supply-risk"];
        assert_eq!(
            did_you_mean("criticalty", c.into_iter()),
            Some("criticality")
        );
        assert_eq!(
            did_you_mean("supply_risk", c.into_iter()),
            Some("supply-risk")
        );
        assert_eq!(did_you_mean("colour", c.into_iter()), None);
        // A shortened id, when only one candidate begins with it.
        assert_eq!(did_you_mean("supply", c.into_iter()), Some("supply-risk"));
        assert_eq!(did_you_mean("s", c.into_iter()), None);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
