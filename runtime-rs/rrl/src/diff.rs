//! A unified diff of two texts, line by line (`rrl fmt --check`).

/// The lines of `text`, each with its line end.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The longest common subsequence of two line lists, as pairs of indexes.
fn common(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut lengths = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[i][j] = if a[i] == b[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn with_end(line: &str) -> String {
    if line.ends_with('\n') {
        line.to_string()
    } else {
        format!("{line}\n\\ No newline at end of file\n")
    }
}

/// A unified diff from `before` to `after`, with 3 lines of context; line
/// ends are compared apart (a file with `\r\n` says so in the header).
pub fn unified(path: &str, before: &str, after: &str) -> String {
    let note = if before.contains("\r\n") {
        ", CRLF -> LF"
    } else {
        ""
    };
    let before = before.replace("\r\n", "\n");
    let (a, b) = (lines(&before), lines(after));
    let mut anchors = common(&a, &b);
    anchors.push((a.len(), b.len()));
    // Runs of changes: (a_start, a_end, b_start, b_end).
    let mut changes = Vec::new();
    let (mut i, mut j) = (0, 0);
    for &(ai, bj) in &anchors {
        if ai > i || bj > j {
            changes.push((i, ai, j, bj));
        }
        i = ai + 1;
        j = bj + 1;
    }
    let header = format!("--- {path}\n+++ {path} (formatted{note})\n");
    if changes.is_empty() {
        return if note.is_empty() {
            String::new()
        } else {
            header
        };
    }
    let mut out = header;
    const CONTEXT: usize = 3;
    let mut index = 0;
    while index < changes.len() {
        // Group changes whose contexts touch.
        let mut last = index;
        while last + 1 < changes.len() && changes[last + 1].0 - changes[last].1 <= 2 * CONTEXT {
            last += 1;
        }
        let a_start = changes[index].0.saturating_sub(CONTEXT);
        let b_start = changes[index].2.saturating_sub(CONTEXT);
        let a_end = (changes[last].1 + CONTEXT).min(a.len());
        let b_end = (changes[last].3 + CONTEXT).min(b.len());
        let range = |start: usize, end: usize| {
            let count = end - start;
            let first = if count == 0 { start } else { start + 1 };
            if count == 1 {
                format!("{first}")
            } else {
                format!("{first},{count}")
            }
        };
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a_start, a_end),
            range(b_start, b_end)
        ));
        let mut ai = a_start;
        for change in &changes[index..=last] {
            for line in &a[ai..change.0] {
                out.push_str(&with_end(&format!(" {line}")));
            }
            for line in &a[change.0..change.1] {
                out.push_str(&with_end(&format!("-{line}")));
            }
            for line in &b[change.2..change.3] {
                out.push_str(&with_end(&format!("+{line}")));
            }
            ai = change.1;
        }
        for line in &a[ai..a_end] {
            out.push_str(&with_end(&format!(" {line}")));
        }
        index = last + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn shows_the_change_with_context() {
        let diff = unified("f.rrl", "a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(
            diff,
            "--- f.rrl\n+++ f.rrl (formatted)\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        assert_eq!(unified("f.rrl", "a\n", "a\n"), "");
    }
}
