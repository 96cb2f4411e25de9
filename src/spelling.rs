//! Did-you-mean: the known word nearest to one a clerk or a rule set wrote (a header, a 类型,
//! a scheme's name, a measure's kind). A leaf, so that input and the rule set share it
//! without reaching into each other.

/// Normalises header text: no spaces, ASCII parentheses, lower case.
pub fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The candidate nearest to `word` (at most two edits, and fewer than the longer one has
/// characters), for a "did you mean".
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    near_misses(word, candidates).into_iter().next()
}

/// Every candidate at the least distance from `word` within the bounds of [`nearest`], in
/// their order: two equally near (平安晚报 → 平安迟报, 平安漏报) are both offered.
pub fn near_misses<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let w = norm(word);
    let scored: Vec<(usize, &str)> = candidates
        .map(|c| (edit_distance(&norm(c), &w), c))
        .filter(|(d, c)| *d <= 2 && *d < c.chars().count().max(w.chars().count()))
        .collect();
    let best = scored.iter().map(|(d, _)| *d).min();
    scored
        .into_iter()
        .filter(|(d, _)| Some(*d) == best)
        .map(|(_, c)| c)
        .collect()
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
