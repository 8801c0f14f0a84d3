//! texttable 1.6.7 as docker-compose 1.29.2's `ps` sets it up: header centred under a line
//! of `-`, cells left-aligned, columns three spaces apart, no borders; columns shrink and
//! cells wrap (Python's textwrap) when the table is wider than the terminal.

/// Draws the table; `max_width` is the terminal's width (999 without one, as compose's
/// `get_terminal_size(fallback=(999, 0))`).
pub fn draw(headers: &[&str], rows: &[Vec<String>], max_width: usize) -> String {
    let ncols = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(ncols) {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let deco = 3 * ncols.saturating_sub(1);
    let content: usize = widths.iter().sum();
    if max_width > 0 && content + deco > max_width && max_width >= ncols + deco {
        let mut avail = max_width - deco;
        let mut new = vec![0; ncols];
        let mut i = 0;
        while avail > 0 {
            if new[i] < widths[i] {
                new[i] += 1;
                avail -= 1;
            }
            i = (i + 1) % ncols;
            if new == widths {
                break;
            }
        }
        widths = new;
    }
    let mut out = String::new();
    let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    out.push_str(&line(&header, &widths, true));
    out.push_str(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("---"));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r, &widths, false));
    }
    out.pop();
    out
}

fn line(cells: &[String], widths: &[usize], header: bool) -> String {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(widths).map(|(c, w)| if c.trim().is_empty() { vec![String::new()] } else { wrap(c, *w) }).collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    let mut out = String::new();
    for i in 0..height {
        let mut parts = Vec::new();
        for (cell, w) in wrapped.iter().zip(widths) {
            let text = cell.get(i).cloned().unwrap_or_default();
            let fill = w.saturating_sub(text.chars().count());
            if header {
                parts.push(format!("{}{}{}", " ".repeat(fill / 2), text, " ".repeat(fill - fill / 2)));
            } else {
                parts.push(format!("{text}{}", " ".repeat(fill)));
            }
        }
        out.push_str(&parts.join("   "));
        out.push('\n');
    }
    out
}

/// Python's `textwrap.wrap(text, width)`: words packed greedily, long words broken.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let mut w: Vec<char> = word.chars().collect();
        loop {
            let cur_len = cur.chars().count();
            let need = if cur.is_empty() { w.len() } else { cur_len + 1 + w.len() };
            if need <= width {
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.extend(w.iter());
                break;
            }
            if cur.is_empty() {
                cur = w[..width].iter().collect();
                w = w[width..].to_vec();
                lines.push(std::mem::take(&mut cur));
                if w.is_empty() {
                    break;
                }
                continue;
            }
            lines.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_ps_layout() {
        let rows = vec![vec!["compose-check_db_1".to_string(), "sh -c echo hello from db & ...".into(), "Up".into(), String::new()]];
        assert_eq!(
            draw(&["Name", "Command", "State", "Ports"], &rows, 999),
            "       Name                     Command               State   Ports\n-------------------------------------------------------------------\ncompose-check_db_1   sh -c echo hello from db & ...   Up           "
        );
        assert_eq!(draw(&["Name", "Command", "State", "Ports"], &[], 999), "Name   Command   State   Ports\n------------------------------");
    }
}
