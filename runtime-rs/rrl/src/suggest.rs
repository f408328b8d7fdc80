//! "Did you mean ...?": the closest of some names to a misspelt one, chosen
//! as Python's `difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)`
//! chooses it, so that a help line reads the same in both implementations.

/// A help line: the closest candidate to `name`, or `otherwise`
/// (`rrl.check._did_you_mean`).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: &str,
) -> String {
    match closest(name, candidates) {
        Some(close) => format!("did you mean `{close}`?"),
        None => otherwise.to_string(),
    }
}

/// The candidate most similar to `name` with a similarity of at least 0.6;
/// of equally similar ones, the greatest (as `heapq.nlargest` picks it).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = name.chars().collect();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = ratio(&candidate.chars().collect::<Vec<_>>(), &word);
        let better = match best {
            None => true,
            Some((top, text)) => score > top || (score == top && candidate > text),
        };
        if score >= 0.6 && better {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, text)| text)
}

/// `difflib.SequenceMatcher(None, a, b).ratio()`: twice the characters of
/// the matching blocks over the length of both.
fn ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let matches = SequenceMatcher::new(a, b).matching_characters();
    2.0 * matches as f64 / total as f64
}

struct SequenceMatcher<'s> {
    a: &'s [char],
    b: &'s [char],
    /// Where each character of `b` stands, but the popular ones (autojunk).
    b2j: std::collections::HashMap<char, Vec<usize>>,
}

impl<'s> SequenceMatcher<'s> {
    fn new(a: &'s [char], b: &'s [char]) -> SequenceMatcher<'s> {
        let mut b2j: std::collections::HashMap<char, Vec<usize>> = Default::default();
        for (j, c) in b.iter().enumerate() {
            b2j.entry(*c).or_default().push(j);
        }
        if b.len() >= 200 {
            let most = b.len() / 100 + 1;
            b2j.retain(|_, places| places.len() <= most);
        }
        SequenceMatcher { a, b, b2j }
    }

    /// The longest block of `a[alo..ahi]` equal to one of `b[blo..bhi]`, the
    /// earliest in `a` and then in `b` of the longest.
    fn longest_match(
        &self,
        alo: usize,
        ahi: usize,
        blo: usize,
        bhi: usize,
    ) -> (usize, usize, usize) {
        let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0);
        let mut j2len: std::collections::HashMap<usize, usize> = Default::default();
        for i in alo..ahi {
            let mut next: std::collections::HashMap<usize, usize> = Default::default();
            for &j in self.b2j.get(&self.a[i]).into_iter().flatten() {
                if j < blo {
                    continue;
                }
                if j >= bhi {
                    break;
                }
                let k = j
                    .checked_sub(1)
                    .and_then(|p| j2len.get(&p))
                    .copied()
                    .unwrap_or(0)
                    + 1;
                next.insert(j, k);
                if k > bestsize {
                    (besti, bestj, bestsize) = (i + 1 - k, j + 1 - k, k);
                }
            }
            j2len = next;
        }
        // Popular characters were left out of `b2j`: extend over them.
        while besti > alo && bestj > blo && self.a[besti - 1] == self.b[bestj - 1] {
            (besti, bestj, bestsize) = (besti - 1, bestj - 1, bestsize + 1);
        }
        while besti + bestsize < ahi
            && bestj + bestsize < bhi
            && self.a[besti + bestsize] == self.b[bestj + bestsize]
        {
            bestsize += 1;
        }
        (besti, bestj, bestsize)
    }

    /// The characters of all the matching blocks (`get_matching_blocks`).
    fn matching_characters(&self) -> usize {
        let mut total = 0;
        let mut queue = vec![(0, self.a.len(), 0, self.b.len())];
        while let Some((alo, ahi, blo, bhi)) = queue.pop() {
            let (i, j, k) = self.longest_match(alo, ahi, blo, bhi);
            if k == 0 {
                continue;
            }
            total += k;
            if alo < i && blo < j {
                queue.push((alo, i, blo, j));
            }
            if i + k < ahi && j + k < bhi {
                queue.push((i + k, ahi, j + k, bhi));
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_as_difflib() {
        // difflib.get_close_matches(word, possibilities, n=1)
        assert_eq!(
            closest("Eception", ["Exception", "ValueError"]),
            Some("Exception")
        );
        assert_eq!(
            closest("apple", ["ape", "apple pie", "peach", "puppy"]),
            Some("ape")
        );
        assert_eq!(closest("xyz", ["Exception"]), None);
        // Equally close: the greatest.
        assert_eq!(closest("abc", ["abx", "aby"]), Some("aby"));
        assert_eq!(
            did_you_mean("Stauts", ["Status", "str"], "otherwise"),
            "did you mean `Status`?"
        );
    }
}
