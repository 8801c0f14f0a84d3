//! A small terminal screen: what a terminal shows after a program's output bytes went
//! through it. Programs print real terminal bytes (busybox `ls` colours, the docker CLI's
//! pull progress redrawing one line per layer, `clear`), and the page shows the result, as
//! lines of styled text.
//!
//! The model is one region of lines below the prompt line, unbounded downwards like a
//! scrollback: a line feed adds a line (the tty's `onlcr` makes it CR LF), the cursor moves
//! within the lines written so far (a real terminal clamps at the screen's bottom, which is
//! where output is written), and nothing above the region can be reached. Lines do not wrap
//! here: the page wraps long lines when it draws them.
//!
//! Understood: C0 controls (BS, HT, LF, VT, FF, CR), CSI cursor movement (CUU, CUD, CUF,
//! CUB, CNL, CPL, CHA, CUP/HVP, VPA), erase in display and line (ED, EL), ECH, DCH, ICH,
//! SGR (16 colours, 256 and RGB colours reduced to 16, bold, dim, italic, underline,
//! inverse), DECSC/DECRC, RI, RIS. Other sequences (OSC titles, private modes) are read
//! and ignored. Feeding never panics, whatever the bytes.

use serde::Serialize;

/// Movements are bounded so that `ESC[999999999C` cannot make a line of a billion cells.
const MAX_COL: usize = 4096;
/// At most this many parameters of a CSI sequence are kept (xterm keeps 30).
const MAX_PARAMS: usize = 32;
/// Lines a screen keeps; older ones are dropped like a terminal's scrollback limit.
const MAX_LINES: usize = 20_000;

/// The look of a cell. Colours are 0-15: 0-7 normal, 8-15 bright.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Style {
    pub fg: Option<u8>,
    pub bg: Option<u8>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub inverse: bool,
}

impl Style {
    pub fn is_plain(&self) -> bool {
        *self == Style::default()
    }

    /// CSS class names for this style: `fg-N`, `bg-N`, `bold`, `dim`, `italic`,
    /// `underline`, `inverse` (the page's style sheet gives them colours).
    pub fn classes(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        if let Some(c) = self.fg {
            out.push(format!("fg-{c}"));
        }
        if let Some(c) = self.bg {
            out.push(format!("bg-{c}"));
        }
        for (on, name) in [(self.bold, "bold"), (self.dim, "dim"), (self.italic, "italic"), (self.underline, "underline"), (self.inverse, "inverse")] {
            if on {
                out.push(name.to_string());
            }
        }
        out.join(" ")
    }
}

/// A run of text in one style.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// One line of the screen: spans of text, adjacent spans differing in style.
pub type Line = Vec<Span>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cell {
    ch: char,
    style: Style,
}

const BLANK: Cell = Cell { ch: ' ', style: Style { fg: None, bg: None, bold: false, dim: false, italic: false, underline: false, inverse: false } };

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Ground,
    Escape,
    /// After `ESC (` and the like: one more byte names a character set.
    Charset,
    Csi { params: Vec<u32>, current: Option<u32>, private: bool, intermediate: bool },
    /// OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (`ESC \`), ignored.
    Str { esc: bool },
}

/// A terminal screen fed with output bytes (as text).
#[derive(Clone, Debug)]
pub struct Screen {
    lines: Vec<Vec<Cell>>,
    row: usize,
    col: usize,
    style: Style,
    saved: (usize, usize, Style),
    state: State,
    /// Rows a full screen has (for absolute positioning after a clear).
    rows: usize,
    cleared: bool,
}

impl Default for Screen {
    fn default() -> Screen {
        Screen::new(24)
    }
}

impl Screen {
    /// An empty screen of `rows` rows (used only to bound absolute cursor positions).
    pub fn new(rows: usize) -> Screen {
        Screen {
            lines: vec![Vec::new()],
            row: 0,
            col: 0,
            style: Style::default(),
            saved: (0, 0, Style::default()),
            state: State::Ground,
            rows: rows.clamp(1, 1000),
            cleared: false,
        }
    }

    /// The screen after `text` was written to a fresh one.
    pub fn of(text: &str) -> Screen {
        let mut s = Screen::default();
        s.feed(text);
        s
    }

    /// Whether the output erased the whole display (`clear`, `ESC[2J`, `ESC[3J`, `ESC c`):
    /// what was on the terminal before this output is gone.
    pub fn cleared(&self) -> bool {
        self.cleared
    }

    /// The cursor as (row, column), from the top of this output.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    /// Writes output to the screen.
    pub fn feed(&mut self, text: &str) {
        for c in text.chars() {
            self.byte(c);
        }
    }

    fn byte(&mut self, c: char) {
        match std::mem::replace(&mut self.state, State::Ground) {
            State::Ground => self.ground(c),
            State::Escape => self.escape(c),
            State::Charset => {}
            State::Csi { mut params, mut current, mut private, mut intermediate } => match c {
                '0'..='9' => {
                    let d = c as u32 - '0' as u32;
                    current = Some(current.unwrap_or(0).saturating_mul(10).saturating_add(d).min(99_999));
                    self.state = State::Csi { params, current, private, intermediate };
                }
                ';' | ':' => {
                    if params.len() < MAX_PARAMS {
                        params.push(current.unwrap_or(0));
                    }
                    self.state = State::Csi { params, current: None, private, intermediate };
                }
                '<' | '=' | '>' | '?' => {
                    private = true;
                    self.state = State::Csi { params, current, private, intermediate };
                }
                ' '..='/' => {
                    intermediate = true;
                    self.state = State::Csi { params, current, private, intermediate };
                }
                '@'..='~' => {
                    if let Some(v) = current {
                        if params.len() < MAX_PARAMS {
                            params.push(v);
                        }
                    }
                    if !private && !intermediate {
                        self.csi(c, &params);
                    }
                }
                // A control inside a sequence is executed (as terminals do); ESC starts over.
                '\x1b' => self.state = State::Escape,
                '\x18' | '\x1a' => {}
                c if (c as u32) < 0x20 => {
                    self.ground(c);
                    self.state = State::Csi { params, current, private, intermediate };
                }
                // Anything else aborts the sequence.
                _ => {}
            },
            State::Str { esc } => match c {
                '\x07' => {}
                '\\' if esc => {}
                '\x1b' => self.state = State::Str { esc: true },
                '\x18' | '\x1a' => {}
                _ => self.state = State::Str { esc: false },
            },
        }
    }

    fn ground(&mut self, c: char) {
        match c {
            '\x1b' => self.state = State::Escape,
            '\n' | '\x0b' | '\x0c' => {
                // onlcr: the tty sends CR LF for LF.
                self.col = 0;
                self.line_feed();
            }
            '\r' => self.col = 0,
            '\x08' => self.col = self.col.saturating_sub(1),
            '\t' => {
                let next = ((self.col / 8) + 1) * 8;
                self.col = next.min(MAX_COL);
            }
            c if (c as u32) < 0x20 || c == '\x7f' => {}
            // C1 controls as single characters (rarely sent, never printed).
            c if ('\u{80}'..='\u{9f}').contains(&c) => match c {
                '\u{9b}' => self.state = State::Csi { params: Vec::new(), current: None, private: false, intermediate: false },
                '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => self.state = State::Str { esc: false },
                _ => {}
            },
            c => self.put(c),
        }
    }

    fn escape(&mut self, c: char) {
        match c {
            '[' => self.state = State::Csi { params: Vec::new(), current: None, private: false, intermediate: false },
            ']' | 'P' | 'X' | '^' | '_' => self.state = State::Str { esc: false },
            '(' | ')' | '*' | '+' | '-' | '.' | '/' | '#' | '%' => self.state = State::Charset,
            '7' => self.saved = (self.row, self.col, self.style),
            '8' => {
                let (r, c, s) = self.saved;
                self.row = r.min(self.lines.len().saturating_sub(1));
                self.col = c;
                self.style = s;
            }
            'D' => self.line_feed(),
            'E' => {
                self.col = 0;
                self.line_feed();
            }
            'M' => self.row = self.row.saturating_sub(1),
            'c' => {
                *self = Screen { rows: self.rows, ..Screen::new(self.rows) };
                self.cleared = true;
            }
            '\x1b' => self.state = State::Escape,
            _ => {}
        }
    }

    fn line_feed(&mut self) {
        self.row += 1;
        if self.row >= self.lines.len() {
            self.lines.push(Vec::new());
        }
        if self.lines.len() > MAX_LINES {
            let extra = self.lines.len() - MAX_LINES;
            self.lines.drain(..extra);
            self.row = self.row.saturating_sub(extra);
        }
    }

    /// The lowest row the cursor may move to: the last line written, or the screen's height.
    fn bottom(&self) -> usize {
        self.lines.len().max(self.rows).saturating_sub(1)
    }

    fn goto_row(&mut self, row: usize) {
        self.row = row.min(self.bottom());
        while self.lines.len() <= self.row {
            self.lines.push(Vec::new());
        }
    }

    fn put(&mut self, c: char) {
        let style = self.style;
        let col = self.col;
        if let Some(line) = self.lines.get_mut(self.row) {
            if line.len() < col {
                line.resize(col, BLANK);
            }
            match line.get_mut(col) {
                Some(cell) => *cell = Cell { ch: c, style },
                None => line.push(Cell { ch: c, style }),
            }
        }
        // Past the width a real terminal would wrap; the page wraps when it draws.
        self.col = col.saturating_add(1);
    }

    fn csi(&mut self, c: char, params: &[u32]) {
        // A missing or zero count means 1.
        let n = params.first().copied().filter(|v| *v > 0).unwrap_or(1) as usize;
        let p0 = params.first().copied().unwrap_or(0);
        match c {
            'A' => self.row = self.row.saturating_sub(n),
            'B' | 'e' => {
                // CUD stops at the last line (the bottom of the screen, where output is).
                let last = self.lines.len().saturating_sub(1);
                self.row = self.row.saturating_add(n).min(last.max(self.row));
            }
            'C' | 'a' => self.col = self.col.saturating_add(n).min(MAX_COL),
            'D' => self.col = self.col.saturating_sub(n),
            'E' => {
                let last = self.lines.len().saturating_sub(1);
                self.row = self.row.saturating_add(n).min(last.max(self.row));
                self.col = 0;
            }
            'F' => {
                self.row = self.row.saturating_sub(n);
                self.col = 0;
            }
            'G' | '`' => self.col = (n - 1).min(MAX_COL),
            'H' | 'f' => {
                let row = params.first().copied().filter(|v| *v > 0).unwrap_or(1) as usize;
                let col = params.get(1).copied().filter(|v| *v > 0).unwrap_or(1) as usize;
                self.goto_row(row - 1);
                self.col = (col - 1).min(MAX_COL);
            }
            'd' => self.goto_row(n - 1),
            'J' => match p0 {
                0 => {
                    self.erase_line_from(self.col);
                    self.lines.truncate(self.row + 1);
                }
                1 => {
                    for r in 0..self.row {
                        if let Some(l) = self.lines.get_mut(r) {
                            l.clear();
                        }
                    }
                    self.erase_line_to(self.col);
                }
                2 | 3 => {
                    for l in &mut self.lines {
                        l.clear();
                    }
                    self.cleared = true;
                }
                _ => {}
            },
            'K' => match p0 {
                0 => self.erase_line_from(self.col),
                1 => self.erase_line_to(self.col),
                2 => {
                    if let Some(l) = self.lines.get_mut(self.row) {
                        l.clear();
                    }
                }
                _ => {}
            },
            'X' => {
                let (col, row) = (self.col, self.row);
                if let Some(l) = self.lines.get_mut(row) {
                    for cell in l.iter_mut().skip(col).take(n) {
                        *cell = BLANK;
                    }
                }
            }
            'P' => {
                let (col, row) = (self.col, self.row);
                if let Some(l) = self.lines.get_mut(row) {
                    if col < l.len() {
                        let end = col.saturating_add(n).min(l.len());
                        l.drain(col..end);
                    }
                }
            }
            '@' => {
                let (col, row) = (self.col, self.row);
                if let Some(l) = self.lines.get_mut(row) {
                    if col < l.len() {
                        let n = n.min(MAX_COL);
                        l.splice(col..col, std::iter::repeat_n(BLANK, n));
                    }
                }
            }
            'm' => self.sgr(params),
            's' => self.saved = (self.row, self.col, self.style),
            'u' => {
                let (r, c, _) = self.saved;
                self.row = r.min(self.lines.len().saturating_sub(1));
                self.col = c;
            }
            _ => {}
        }
    }

    fn erase_line_from(&mut self, col: usize) {
        if let Some(l) = self.lines.get_mut(self.row) {
            l.truncate(col);
        }
    }

    fn erase_line_to(&mut self, col: usize) {
        if let Some(l) = self.lines.get_mut(self.row) {
            for cell in l.iter_mut().take(col.saturating_add(1)) {
                *cell = BLANK;
            }
        }
    }

    fn sgr(&mut self, params: &[u32]) {
        if params.is_empty() {
            self.style = Style::default();
            return;
        }
        let mut i = 0;
        while let Some(&p) = params.get(i) {
            let s = &mut self.style;
            match p {
                0 => *s = Style::default(),
                1 => s.bold = true,
                2 => s.dim = true,
                3 => s.italic = true,
                4 => s.underline = true,
                7 => s.inverse = true,
                21 | 22 => {
                    s.bold = false;
                    s.dim = false;
                }
                23 => s.italic = false,
                24 => s.underline = false,
                27 => s.inverse = false,
                30..=37 => s.fg = Some((p - 30) as u8),
                39 => s.fg = None,
                40..=47 => s.bg = Some((p - 40) as u8),
                49 => s.bg = None,
                90..=97 => s.fg = Some((p - 90 + 8) as u8),
                100..=107 => s.bg = Some((p - 100 + 8) as u8),
                38 | 48 => {
                    let (colour, used) = extended_colour(params.get(i + 1..).unwrap_or(&[]));
                    if p == 38 {
                        s.fg = colour;
                    } else {
                        s.bg = colour;
                    }
                    i += used;
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// The screen as lines of spans. The line the cursor is on, when it is the last and
    /// empty, is left out: it is where the next prompt goes. Blanks at the end of a line
    /// are left out.
    pub fn lines(&self) -> Vec<Line> {
        let mut rows: &[Vec<Cell>] = &self.lines;
        if self.row + 1 == rows.len() && rows.last().is_some_and(|l| l.iter().all(|c| *c == BLANK)) {
            rows = &rows[..rows.len() - 1];
        }
        rows.iter().map(|cells| spans(cells)).collect()
    }

    /// The screen as plain text, one `\n` after every line but the last.
    pub fn text(&self) -> String {
        let lines: Vec<String> = self.lines().iter().map(|l| l.iter().map(|s| s.text.as_str()).collect()).collect();
        lines.join("\n")
    }
}

/// `38;5;N` or `38;2;R;G;B` (after the 38): the colour, reduced to the 16, and how many
/// parameters it used.
fn extended_colour(rest: &[u32]) -> (Option<u8>, usize) {
    match rest.first() {
        Some(5) => match rest.get(1) {
            Some(&n) if n < 16 => (Some(n as u8), 2),
            Some(&n) if n < 232 => {
                let n = n - 16;
                let (r, g, b) = (n / 36, (n / 6) % 6, n % 6);
                (Some(nearest(r * 51, g * 51, b * 51)), 2)
            }
            Some(&n) if n < 256 => (Some(if n < 244 { 8 } else { 7 }), 2),
            _ => (None, 2),
        },
        Some(2) => match (rest.get(1), rest.get(2), rest.get(3)) {
            (Some(&r), Some(&g), Some(&b)) => (Some(nearest(r.min(255), g.min(255), b.min(255))), 4),
            _ => (None, rest.len()),
        },
        _ => (None, 0),
    }
}

/// The nearest of the 16 colours to an RGB value.
fn nearest(r: u32, g: u32, b: u32) -> u8 {
    let bright = r.max(g).max(b) > 170;
    let bit = |v: u32| u8::from(v > 90);
    let base = bit(r) | (bit(g) << 1) | (bit(b) << 2);
    if bright {
        base + 8
    } else {
        base
    }
}

fn spans(cells: &[Cell]) -> Line {
    let end = cells.iter().rposition(|c| *c != BLANK).map(|i| i + 1).unwrap_or(0);
    let mut out: Line = Vec::new();
    for cell in &cells[..end] {
        match out.last_mut() {
            Some(last) if last.style == cell.style => last.text.push(cell.ch),
            _ => out.push(Span { text: cell.ch.to_string(), style: cell.style }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PULL_ALPINE: &str = include_str!("testdata/pull-alpine.out");
    const RUN_NGINX: &str = include_str!("testdata/run-nginx.out");
    const LS: &str = include_str!("testdata/busybox-ls.out");
    const LS_L: &str = include_str!("testdata/busybox-ls-l.out");
    const CLEAR: &str = include_str!("testdata/clear.out");
    const COMPOSE_UP: &str = include_str!("testdata/compose-up.out");

    fn plain(text: &str) -> String {
        Screen::of(text).text()
    }

    #[test]
    fn docker_pull_ends_as_one_line_per_layer() {
        assert_eq!(
            plain(PULL_ALPINE),
            "3.15: Pulling from library/alpine\n\
             a4e8d2592abf: Pull complete\n\
             Digest: sha256:a73ec48ed17087b58e57629088bf3b63444aedb85aa041fd5227db3d4007d837\n\
             Status: Downloaded newer image for alpine:3.15\n\
             docker.io/library/alpine:3.15"
        );
    }

    #[test]
    fn docker_run_pulls_six_layers_then_prints_the_id() {
        let text = plain(RUN_NGINX);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..2], ["Unable to find image 'nginx:1.21-alpine' locally", "1.21-alpine: Pulling from library/nginx"]);
        assert_eq!(
            lines[2..8],
            [
                "a4e8d2592abf: Already exists",
                "ae6478236cb7: Pull complete",
                "59152da27f7e: Pull complete",
                "b843f401c282: Pull complete",
                "2ad3a6f030dc: Pull complete",
                "4b78e98a71d9: Pull complete",
            ]
        );
        assert!(lines[8].starts_with("Digest: sha256:"), "{text}");
        assert_eq!(lines[9], "Status: Downloaded newer image for nginx:1.21-alpine");
        assert_eq!(lines[10].len(), 64);
        assert_eq!(lines.len(), 11);
    }

    #[test]
    fn compose_up_ends_with_one_done_line_per_container() {
        let s = Screen::of(COMPOSE_UP);
        let text = s.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Creating network \"ec2-user_default\" with the default driver", "{text}");
        assert!(lines.contains(&"Pulling db (mysql:5.7)..."), "{text}");
        assert!(!text.contains("Pulling fs layer") && !text.contains("Downloading"), "{text}");
        assert_eq!(lines[lines.len() - 2..], ["Creating ec2-user_db_1 ... done", "Creating ec2-user_web_1 ... done"], "{text}");
        let done = s.lines().into_iter().last().and_then(|l| l.into_iter().find(|sp| sp.text == "done")).expect("done");
        assert_eq!(done.style.fg, Some(2), "green");
    }

    #[test]
    fn busybox_ls_colours_become_styled_spans() {
        let lines = Screen::of(LS).lines();
        assert_eq!(lines.len(), 4);
        let bin = &lines[0][0];
        assert_eq!(bin.text, "bin");
        assert_eq!(bin.style, Style { fg: Some(4), bold: true, ..Style::default() });
        assert_eq!(bin.style.classes(), "fg-4 bold");
        assert!(lines[0][1].style.is_plain() && lines[0][1].text.trim().is_empty());
        let exe = lines[3].iter().find(|s| s.text == "docker-entrypoint.sh").expect("the script");
        assert_eq!(exe.style.fg, Some(2), "an executable is green");
        assert!(plain(LS).starts_with("bin                   etc                   mnt"));
        assert!(!plain(LS).contains('\u{1b}'));
    }

    #[test]
    fn busybox_ls_l_keeps_symlink_colours() {
        let lines = Screen::of(LS_L).lines();
        let modules = &lines[7];
        let texts: Vec<(&str, Option<u8>)> = modules.iter().map(|s| (s.text.as_str(), s.style.fg)).collect();
        assert!(texts.contains(&("modules", Some(6))), "{texts:?}");
        assert!(texts.contains(&("/usr/lib/nginx/modules", Some(4))), "{texts:?}");
        assert_eq!(lines[2].len(), 1, "ESC[0;0m is plain: {:?}", lines[2]);
        assert!(lines[2][0].text.ends_with("fastcgi.conf") && lines[2][0].style.is_plain());
    }

    #[test]
    fn clear_erases_everything_before() {
        let s = Screen::of(CLEAR);
        assert!(s.cleared());
        assert_eq!(s.text(), "");
        let s = Screen::of(&format!("old\n{CLEAR}new\n"));
        assert!(s.cleared());
        assert_eq!(s.text(), "new");
        assert!(!Screen::of("plain\n").cleared());
    }

    #[test]
    fn cursor_moves_and_erases() {
        assert_eq!(plain("abcdef\rXY\n"), "XYcdef");
        assert_eq!(plain("abcdef\x1b[3D\x1b[K!\n"), "abc!");
        assert_eq!(plain("abcdef\x1b[3D\x1b[1K!\n"), "   !ef");
        assert_eq!(plain("one\ntwo\n\x1b[2A\x1b[2KONE\x1b[2B\rthree\n"), "ONE\ntwo\nthree");
        assert_eq!(plain("a\x1b[5Cb\n"), "a     b");
        assert_eq!(plain("abc\x1b[1Gz\x1b[10Gy"), "zbc      y");
        assert_eq!(plain("x\x1b[9A\x1b[9Ay"), "xy", "up stops at the first line");
        assert_eq!(plain("x\x1b[9By"), "xy", "down stops at the last line");
        assert_eq!(plain("a\tb\n"), "a       b");
        assert_eq!(plain("abc\x08\x08X\n"), "aXc");
        assert_eq!(plain("abcdef\x1b[1;3H\x1b[2P\n"), "abef");
        assert_eq!(plain("abcdef\x1b[3G\x1b[2@\n"), "ab  cdef");
        assert_eq!(plain("abcdef\x1b[2G\x1b[3X\n"), "a   ef");
        assert_eq!(plain("one\ntwo\nthree\x1b[2;1H\x1b[J"), "one");
        assert_eq!(plain("x\x1b7\nyy\x1b8z"), "xz\nyy");
    }

    #[test]
    fn trailing_newlines_and_empty_lines() {
        assert_eq!(plain("a\n"), "a");
        assert_eq!(plain("\n\n"), "\n");
        assert_eq!(Screen::of("\n\n").lines().len(), 2);
        assert_eq!(plain(""), "");
        assert_eq!(plain("no newline"), "no newline");
    }

    #[test]
    fn sgr_colours() {
        let l = &Screen::of("\x1b[31mr\x1b[1;92mG\x1b[0m \x1b[38;5;4mb\x1b[38;2;255;0;0mR\x1b[7mI\x1b[27;39;44mB\x1b[m.").lines()[0];
        let st: Vec<(String, String)> = l.iter().map(|s| (s.text.clone(), s.style.classes())).collect();
        assert_eq!(
            st,
            [
                ("r".into(), "fg-1".into()),
                ("G".into(), "fg-10 bold".into()),
                (" ".into(), "".into()),
                ("b".into(), "fg-4".into()),
                ("R".into(), "fg-9".into()),
                ("I".into(), "fg-9 inverse".into()),
                ("B".into(), "bg-4".into()),
                (".".into(), "".into()),
            ]
        );
    }

    #[test]
    fn other_sequences_are_ignored() {
        assert_eq!(plain("a\x1b]0;title\x07b\x1b]2;t\x1b\\c\x1b[?25ld\x1b(Be\x1b[>0cf\n"), "abcdef");
        assert_eq!(plain("\x1bPq#0\x1b\\x"), "x");
        assert_eq!(plain("a\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29;30;31;32;33;34;35mb"), "ab");
    }

    #[test]
    fn huge_movements_are_bounded() {
        let s = Screen::of("\x1b[999999999999C\x1b[99999999;99999999Hx\x1b[999999@\x1b[999999P");
        assert!(s.cursor().1 <= MAX_COL + 1);
        assert!(s.lines.len() <= 1000);
    }

    #[test]
    fn a_sequence_split_across_feeds() {
        let mut s = Screen::default();
        s.feed("ab\x1b[");
        s.feed("1;3");
        s.feed("1mc\x1b[0mdef\x1b[2D\x1b");
        s.feed("[KX");
        assert_eq!(s.text(), "abcdX");
        assert_eq!(s.lines()[0][1].style.fg, Some(1));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let mut s = Screen::default();
            s.feed(&text);
            let _ = s.lines();
        }

        #[test]
        fn never_panics_on_sequences(parts in proptest::collection::vec("(\x1b\\[[0-9;?]{0,12}[@-~]|\x1b[78cMDE]|[a-z \r\n\t\x08]{0,5})", 0..60)) {
            let mut s = Screen::default();
            for p in &parts {
                s.feed(p);
            }
            let _ = s.text();
        }
    }
}
