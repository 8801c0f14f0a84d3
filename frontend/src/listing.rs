//! Lays out completion candidates the way bash lists them after a second Tab: in columns,
//! filled top to bottom, as wide as the terminal allows.

/// `names` as shown (without the trailing space a completion adds), in columns that fit
/// `cols` characters.
pub fn columns(names: &[String], cols: usize) -> String {
    let shown: Vec<&str> = names.iter().map(|n| n.strip_suffix(' ').unwrap_or(n)).collect();
    let widest = shown.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let width = widest + 2;
    let per_row = (cols.max(1) / width.max(1)).max(1);
    let rows = shown.len().div_ceil(per_row);
    let mut out = String::new();
    for r in 0..rows {
        let mut line = String::new();
        for c in 0..per_row {
            let Some(name) = shown.get(c * rows + r) else { break };
            line.push_str(name);
            line.push_str(&" ".repeat(width - name.chars().count()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_columns_top_to_bottom() {
        let names: Vec<String> = ["if ", "ifconfig ", "ifup ", "ip "].iter().map(|s| s.to_string()).collect();
        assert_eq!(columns(&names, 22), "if        ifup\nifconfig  ip\n");
        assert_eq!(columns(&names, 5), "if\nifconfig\nifup\nip\n");
    }
}
