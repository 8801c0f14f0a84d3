//! A unified diff of two texts by lines (longest common subsequence), with three lines of
//! context, as `diff -u` prints its hunks.

const CONTEXT: usize = 3;
/// Beyond this many lines on a side, the LCS table would be large: show both sides whole.
const MAX_LINES: usize = 4000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Same,
    Del,
    Add,
}

/// The lines of `a` and `b` as a list of operations (Same/Del/Add) in order.
fn script<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(Op, &'a str)> {
    let (n, m) = (a.len(), b.len());
    if n > MAX_LINES || m > MAX_LINES {
        let mut out: Vec<(Op, &str)> = a.iter().map(|l| (Op::Del, *l)).collect();
        out.extend(b.iter().map(|l| (Op::Add, *l)));
        return out;
    }
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push((Op::Same, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push((Op::Del, a[i]));
            i += 1;
        } else {
            out.push((Op::Add, b[j]));
            j += 1;
        }
    }
    out
}

/// `---`/`+++` headers and `@@ -l,n +l,n @@` hunks; empty when the texts are equal.
pub fn unified(a: &str, b: &str, a_name: &str, b_name: &str) -> String {
    if a == b {
        return String::new();
    }
    let al: Vec<&str> = a.lines().collect();
    let bl: Vec<&str> = b.lines().collect();
    let ops = script(&al, &bl);
    let mut out = format!("--- {a_name}\n+++ {b_name}\n");
    if al == bl {
        // Only the final newline differs.
        out.push_str(&format!("@@ end of text @@\n-{:?}\n+{:?}\n", a.ends_with('\n'), b.ends_with('\n')));
        return out;
    }
    // Group changes into hunks with CONTEXT lines around them.
    let changed: Vec<usize> = ops.iter().enumerate().filter(|(_, (op, _))| *op != Op::Same).map(|(k, _)| k).collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k];
        while k + 1 < changed.len() && changed[k + 1] <= end + 2 * CONTEXT + 1 {
            k += 1;
            end = changed[k];
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        // Line numbers where the hunk starts on each side.
        let a_before = ops[..start].iter().filter(|(op, _)| *op != Op::Add).count();
        let b_before = ops[..start].iter().filter(|(op, _)| *op != Op::Del).count();
        let a_len = ops[start..end].iter().filter(|(op, _)| *op != Op::Add).count();
        let b_len = ops[start..end].iter().filter(|(op, _)| *op != Op::Del).count();
        out.push_str(&format!("@@ -{},{} +{},{} @@\n", a_before + usize::from(a_len > 0), a_len, b_before + usize::from(b_len > 0), b_len));
        for (op, line) in &ops[start..end] {
            let mark = match op {
                Op::Same => ' ',
                Op::Del => '-',
                Op::Add => '+',
            };
            out.push(mark);
            out.push_str(line);
            out.push('\n');
        }
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn hunks_like_diff_u() {
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        let b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n";
        assert_eq!(unified(a, b, "real", "sim"), "--- real\n+++ sim\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
        assert_eq!(unified("x\n", "x\n", "a", "b"), "");
        assert_eq!(unified("", "new\n", "a", "b"), "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+new\n");
        assert!(unified("x\n", "x", "a", "b").contains("end of text"));
    }
}
