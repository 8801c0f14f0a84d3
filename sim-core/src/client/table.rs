//! Go's `text/tabwriter` as the docker CLI configures it (`NewWriter(out, 10, 1, 3, ' ', 0)`
//! for tables, min width 20 for `docker top`): cells end at `\t`; a column is as wide as its
//! widest cell plus the padding, at least the min width; a line's last cell is not padded;
//! a line without tabs ends the block of aligned lines. Widths count East Asian wide
//! characters as two, as go-runewidth does.

#[derive(Clone, Copy)]
struct Cell {
    /// Byte range in the text buffer.
    start: usize,
    len: usize,
    width: usize,
}

pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    buf: String,
    lines: Vec<Vec<Cell>>,
    cell_start: usize,
    out: String,
}

impl TabWriter {
    pub fn new(minwidth: usize, padding: usize) -> TabWriter {
        TabWriter { minwidth, padding, buf: String::new(), lines: vec![Vec::new()], cell_start: 0, out: String::new() }
    }

    /// The docker CLI's table writer.
    pub fn docker() -> TabWriter {
        TabWriter::new(10, 3)
    }

    pub fn write(&mut self, text: &str) {
        for ch in text.chars() {
            match ch {
                '\t' | '\n' | '\x0b' | '\x0c' => {
                    let ncells = self.terminate_cell();
                    if ch == '\n' || ch == '\x0c' {
                        self.lines.push(Vec::new());
                        if ch == '\x0c' || ncells == 1 {
                            self.flush_lines();
                        }
                    }
                }
                c => self.buf.push(c),
            }
        }
    }

    fn terminate_cell(&mut self) -> usize {
        let start = self.cell_start;
        let len = self.buf.len() - start;
        let width = str_width(&self.buf[start..]);
        let line = self.lines.last_mut();
        let n = match line {
            Some(l) => {
                l.push(Cell { start, len, width });
                l.len()
            }
            None => 0,
        };
        self.cell_start = self.buf.len();
        n
    }

    /// Writes everything out and returns the text.
    pub fn finish(mut self) -> String {
        if self.buf.len() > self.cell_start {
            self.terminate_cell();
        }
        self.flush_lines();
        self.out
    }

    fn flush_lines(&mut self) {
        let n = self.lines.len();
        let mut widths = Vec::new();
        self.format(&mut widths, 0, n);
        self.lines.clear();
        self.lines.push(Vec::new());
        self.buf.clear();
        self.cell_start = 0;
    }

    fn write_lines(&mut self, widths: &[usize], line0: usize, line1: usize) {
        for i in line0..line1 {
            let line = self.lines[i].clone();
            for (j, c) in line.iter().enumerate() {
                if c.len == 0 {
                    if j < widths.len() {
                        self.pad(c.width, widths[j]);
                    }
                } else {
                    let text = self.buf[c.start..c.start + c.len].to_string();
                    self.out.push_str(&text);
                    if j < widths.len() {
                        self.pad(c.width, widths[j]);
                    }
                }
            }
            if i + 1 < self.lines.len() {
                self.out.push('\n');
            }
        }
    }

    fn pad(&mut self, textw: usize, cellw: usize) {
        for _ in textw..cellw {
            self.out.push(' ');
        }
    }

    fn format(&mut self, widths: &mut Vec<usize>, line0: usize, line1: usize) {
        let column = widths.len();
        let mut line0 = line0;
        let mut this = line0;
        while this < line1 {
            if column + 1 >= self.lines[this].len() {
                this += 1;
                continue;
            }
            self.write_lines(widths, line0, this);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 {
                let line = &self.lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                let w = line[column].width + self.padding;
                if w > width {
                    width = w;
                }
                this += 1;
            }
            widths.push(width);
            self.format(widths, line0, this);
            widths.pop();
            line0 = this;
        }
        self.write_lines(widths, line0, line1);
    }
}

/// Display width as go-runewidth counts it (wide and fullwidth East Asian characters: 2;
/// combining marks and zero-width: 0).
pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

pub fn char_width(c: char) -> usize {
    let u = c as u32;
    if u == 0 || (0x300..0x370).contains(&u) || (0x200B..0x2010).contains(&u) || u == 0xFEFF {
        return 0;
    }
    if (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0x303E).contains(&u)
        || (0x3041..=0x33FF).contains(&u)
        || (0x3400..=0x4DBF).contains(&u)
        || (0x4E00..=0x9FFF).contains(&u)
        || (0xA000..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || (0x1F300..=0x1F64F).contains(&u)
        || (0x1F900..=0x1F9FF).contains(&u)
        || (0x20000..=0x3FFFD).contains(&u)
    {
        return 2;
    }
    1
}

/// Lays out tab-separated lines as the docker CLI's tables.
pub fn tabulate(text: &str) -> String {
    let mut w = TabWriter::docker();
    w.write(text);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_like_docker_ps() {
        let t = tabulate("CONTAINER ID\tIMAGE\tNAMES\nf83e478e4a27\talpine:3.15\tref-cow\n");
        assert_eq!(
            t,
            "CONTAINER ID   IMAGE         NAMES\nf83e478e4a27   alpine:3.15   ref-cow\n"
        );
    }

    #[test]
    fn min_width_and_empty_last_cell() {
        // history: the padded SIZE cell is followed by an empty COMMENT.
        let t = tabulate("IMAGE\tSIZE\tCOMMENT\nabc\t0B\t\n");
        assert_eq!(t, "IMAGE     SIZE      COMMENT\nabc       0B        \n");
    }

    #[test]
    fn line_without_tabs_ends_a_block() {
        let t = tabulate("a\tb\nx\nlonger-cell\tc\n");
        assert_eq!(t, "a         b\nx\nlonger-cell   c\n");
    }

    #[test]
    fn ellipsis_counts_one() {
        let t = tabulate("\"sh -c 'while true; …\"\tx\n\"sleep 1000\"\ty\n");
        assert_eq!(t, "\"sh -c 'while true; …\"   x\n\"sleep 1000\"             y\n");
    }
}
