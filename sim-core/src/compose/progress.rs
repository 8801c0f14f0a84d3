//! compose v2.6's progress writer (`pkg/progress`): on a TTY, the `ttyWriter` redraws the
//! whole block every 100 ms (`[+] Running 2/2`, one line per resource with its spinner,
//! status and timer); without one, the `plainWriter` prints each event as it comes
//! (`Network x_default  Creating`). Time is the simulation's: the caller says how long each
//! step took, and the redraws happen on the 100 ms ticks that time crosses.
//!
//! Source: docker/compose v2.6.1 pkg/progress/{tty.go,plain.go,event.go,spinner.go}; the
//! escape sequences are github.com/morikuni/aec's (Up `ESC[nA`, Down `ESC[nB`, Column
//! `ESC[nG`, Hide `ESC[?25l`, Show `ESC[?25h`, colours `ESC[3xm` ... `ESC[0m`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Working,
    Done,
    Error,
}

#[derive(Clone, Debug)]
struct Event {
    id: String,
    parent: String,
    text: String,
    status: Status,
    status_text: String,
    start_ms: u64,
    end_ms: Option<u64>,
    spinner_at: u64,
    spinner_index: usize,
    spinner_stopped: bool,
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const SPINNER_DONE: &str = "⠿";

pub struct Writer {
    tty: bool,
    width: usize,
    now_ms: u64,
    events: Vec<Event>,
    tail: Vec<String>,
    repeated: bool,
    num_lines: usize,
    next_tick: u64,
    pub out: String,
}

impl Writer {
    /// A writer for stderr: the TTY one when stderr is a terminal `width` columns wide.
    pub fn new(tty: bool, width: usize) -> Writer {
        Writer { tty, width, now_ms: 0, events: Vec::new(), tail: Vec::new(), repeated: false, num_lines: 0, next_tick: 100, out: String::new() }
    }

    /// `w.Event(progress.Event{ID, ParentID, Text, Status, StatusText})`.
    pub fn event(&mut self, id: &str, parent: &str, text: &str, status: Status, status_text: &str) {
        if !self.tty {
            // fmt.Fprintln(out, e.ID, e.Text, e.StatusText)
            self.out.push_str(&format!("{id} {text} {status_text}\n"));
            return;
        }
        let now = self.now_ms;
        if let Some(e) = self.events.iter_mut().find(|e| e.id == id) {
            if matches!(status, Status::Done | Status::Error) && e.status != status {
                e.end_ms = Some(now);
                e.spinner_stopped = true;
            }
            e.status = status;
            e.text = text.to_string();
            e.status_text = status_text.to_string();
            if e.parent.is_empty() || parent.is_empty() {
                e.parent = parent.to_string();
            }
        } else {
            let done = matches!(status, Status::Done | Status::Error);
            self.events.push(Event {
                id: id.to_string(),
                parent: parent.to_string(),
                text: text.to_string(),
                status,
                status_text: status_text.to_string(),
                start_ms: now,
                end_ms: done.then_some(now),
                spinner_at: now,
                spinner_index: 0,
                spinner_stopped: done,
            });
        }
    }

    /// A `StatusText`-only event (`CreatingEvent`, `CreatedEvent`, ...): empty `Text`.
    pub fn status(&mut self, id: &str, status: Status, status_text: &str) {
        self.event(id, "", "", status, status_text);
    }

    /// `TailMsgf`: printed after the block (at once without a TTY).
    pub fn tail(&mut self, msg: &str) {
        if self.tty {
            self.tail.push(msg.to_string());
        } else {
            self.out.push_str(msg);
            self.out.push('\n');
        }
    }

    /// Simulated time passes: the TTY writer redraws on each 100 ms tick.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now_ms + ms;
        while self.tty && self.next_tick <= target {
            self.now_ms = self.next_tick;
            self.print();
            self.next_tick += 100;
        }
        self.now_ms = target;
    }

    /// The writer stops: a last redraw and the tail messages.
    pub fn finish(&mut self) -> String {
        if self.tty {
            self.print();
            for m in std::mem::take(&mut self.tail) {
                self.out.push_str(&m);
                self.out.push('\n');
            }
        }
        std::mem::take(&mut self.out)
    }

    fn print(&mut self) {
        if self.events.is_empty() {
            return;
        }
        let mut b = String::new();
        for _ in 0..=self.num_lines {
            b.push_str("\x1b[1A");
        }
        if !self.repeated {
            b.push_str("\x1b[1B");
        }
        self.repeated = true;
        b.push_str("\x1b[0G");
        self.out.push_str(&b);
        self.out.push_str("\x1b[?25l");
        let done = self.events.iter().filter(|e| e.status == Status::Done).count();
        let mut first = format!("[+] Running {done}/{}", self.num_lines);
        if self.num_lines != 0 && done == self.num_lines {
            first = format!("\x1b[34m{first}\x1b[0m");
        }
        self.out.push_str(&first);
        self.out.push('\n');
        let mut status_padding: i64 = 0;
        for e in &self.events {
            let l = (e.id.len() + 1 + e.text.len()) as i64;
            if status_padding < l {
                status_padding = l;
            }
            if !e.parent.is_empty() {
                status_padding -= 2;
            }
        }
        let mut lines = 0;
        let order: Vec<usize> = (0..self.events.len()).collect();
        for &i in &order {
            if !self.events[i].parent.is_empty() {
                continue;
            }
            let line = self.line_text(i, "", status_padding);
            self.out.push_str(&line);
            lines += 1;
            let parent = self.events[i].id.clone();
            for &j in &order {
                if self.events[j].parent == parent {
                    let line = self.line_text(j, "  ", status_padding);
                    self.out.push_str(&line);
                    lines += 1;
                }
            }
        }
        self.num_lines = lines;
        self.out.push_str("\x1b[?25h");
    }

    fn spinner(&mut self, i: usize) -> &'static str {
        let now = self.now_ms;
        let e = &mut self.events[i];
        if e.spinner_stopped {
            return SPINNER_DONE;
        }
        if now.saturating_sub(e.spinner_at) > 100 {
            e.spinner_index = (e.spinner_index + 1) % SPINNER.len();
        }
        SPINNER[e.spinner_index]
    }

    fn line_text(&mut self, i: usize, pad: &str, status_padding: i64) -> String {
        let spin = self.spinner(i);
        let e = &self.events[i];
        let end = if e.status == Status::Working { self.now_ms } else { e.end_ms.unwrap_or(e.start_ms) };
        let elapsed = end.saturating_sub(e.start_ms) as f64 / 1000.0;
        let text_len = (e.id.len() + 1 + e.text.len()) as i64;
        let padding = (status_padding - text_len).max(0) as usize;
        let max_status = self.width as i64 - text_len - status_padding - 15;
        let mut status = e.status_text.clone();
        if max_status > 0 && status.len() as i64 > max_status {
            let cut = floor_char_boundary(&status, max_status as usize);
            status = format!("{}...", &status[..cut]);
        }
        let text = format!("{pad} {spin} {} {}{} {status}", e.id, e.text, " ".repeat(padding));
        let timer = format!("{elapsed:.1}s\n");
        let o = align(&text, &timer, self.width);
        let color = match e.status {
            Status::Done => "\x1b[34m",
            Status::Error => "\x1b[31m",
            Status::Working => "\x1b[37m",
        };
        format!("{color}{o}\x1b[0m")
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `fmt.Sprintf("%-[2]*[1]s %[3]s", l, w-len(r)-1, r)`: Go pads by runes.
fn align(l: &str, r: &str, w: usize) -> String {
    let width = w as i64 - r.len() as i64 - 1;
    let n = l.chars().count() as i64;
    let pad = if width > n { (width - n) as usize } else { 0 };
    format!("{l}{} {r}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines() {
        let mut w = Writer::new(false, 80);
        w.status("Network x_default", Status::Working, "Creating");
        w.status("Network x_default", Status::Done, "Created");
        w.event("db", "", "Pulling", Status::Working, "");
        assert_eq!(w.finish(), "Network x_default  Creating\nNetwork x_default  Created\ndb Pulling \n");
    }

    #[test]
    fn tty_frames_end_with_the_final_state() {
        let mut w = Writer::new(true, 80);
        w.status("Network x_default", Status::Working, "Creating");
        w.advance(150);
        w.status("Network x_default", Status::Done, "Created");
        w.status("Container x-db-1", Status::Working, "Creating");
        w.advance(100);
        w.status("Container x-db-1", Status::Done, "Created");
        let out = w.finish();
        let last = out.rsplit("\x1b[?25l").next().unwrap_or("");
        assert!(last.starts_with("\x1b[34m[+] Running 2/2\x1b[0m\n"), "{last:?}");
        assert!(last.contains(" ⠿ Network x_default  Created"), "{last:?}");
        assert!(last.contains("0.1s\n\x1b[0m"), "{last:?}");
        let line = last.lines().nth(1).unwrap_or("");
        // Go pads the text to width - len(timer) - 1 where the timer ends in "\n": 79 columns.
        assert_eq!(line.trim_start_matches("\x1b[34m").chars().count(), 79, "{line:?}");
    }
}
