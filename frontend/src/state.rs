//! The whole page state and its reducer: the simulated terminal, the scrollback, the line
//! being typed and the learner's history. Every change goes through [`Action`].

use std::cell::RefCell;
use std::rc::Rc;

use sim_core::{Profile, Terminal, TerminalConfig};
use yew::Reducible;

use crate::clock::Clock;
use crate::escape;

/// Columns used until the page has measured its terminal.
pub const DEFAULT_COLS: usize = 100;
/// Scrollback entries kept; older ones are dropped like a terminal's scrollback limit.
const SCROLLBACK: usize = 2000;
const SEED: u64 = 0x5eed;

/// A prompt and the line typed after it, as the scrollback shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub prompt: Rc<str>,
    pub line: Rc<str>,
}

/// One block of scrollback: the command (absent for text left after a screen clear) and
/// what was printed after it, free of escape sequences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub command: Option<Command>,
    pub output: Rc<str>,
}

pub enum Action {
    /// The input's text changed (typing, pasting).
    Input(String),
    /// Enter: run this line.
    Submit(String),
    /// Ctrl-C: abandon this line.
    Interrupt(String),
    /// Ctrl-L.
    ClearScreen,
    /// Tab on this line.
    Complete(String),
    /// Up arrow, with the line as currently typed.
    HistoryPrev(String),
    /// Down arrow.
    HistoryNext,
    /// The terminal's width in characters was measured.
    SetCols(usize),
}

#[derive(Clone)]
pub struct Session {
    term: Rc<RefCell<Terminal>>,
    clock: Rc<Clock>,
    cols: usize,
    pub entries: Rc<Vec<Entry>>,
    pub prompt: Rc<str>,
    pub input: String,
    history: Rc<Vec<String>>,
    /// Position in `history` while browsing it with the arrows.
    hist_pos: Option<usize>,
    /// The line being typed before browsing started, restored by Down at the end.
    draft: String,
    /// The line after a Tab that left several candidates: a second Tab lists them.
    ambiguous: Option<String>,
    /// Commands from the URL, run once the width is known.
    pending: Vec<String>,
}

impl Session {
    pub fn new(startup: Vec<String>) -> Session {
        let profile = Profile::Linux;
        let term = Terminal::new(profile, TerminalConfig { cols: DEFAULT_COLS, rows: 30, seed: SEED });
        let prompt: Rc<str> = term.prompt().into();
        Session {
            term: Rc::new(RefCell::new(term)),
            clock: Rc::new(Clock::new(profile.session_start())),
            cols: DEFAULT_COLS,
            entries: Rc::new(Vec::new()),
            prompt,
            input: String::new(),
            history: Rc::new(Vec::new()),
            hist_pos: None,
            draft: String::new(),
            ambiguous: None,
            pending: startup,
        }
    }

    fn push(&mut self, entry: Entry) {
        let entries = Rc::make_mut(&mut self.entries);
        entries.push(entry);
        if entries.len() > SCROLLBACK {
            let extra = entries.len() - SCROLLBACK;
            entries.drain(..extra);
        }
    }

    fn command(&self, line: &str) -> Option<Command> {
        Some(Command { prompt: self.prompt.clone(), line: line.into() })
    }

    fn submit(&mut self, line: String) {
        let output = self.term.borrow_mut().run(&line, self.clock.now());
        let (cleared, rest) = escape::split_clear(&output);
        let text = escape::strip(rest);
        if cleared {
            self.entries = Rc::new(Vec::new());
            if !text.is_empty() {
                self.push(Entry { command: None, output: text.into() });
            }
        } else {
            self.push(Entry { command: self.command(&line), output: text.into() });
        }
        if !line.trim().is_empty() && self.history.last() != Some(&line) {
            Rc::make_mut(&mut self.history).push(line);
        }
        self.prompt = self.term.borrow().prompt().into();
        self.input.clear();
        self.hist_pos = None;
        self.ambiguous = None;
    }

    fn complete(&mut self, line: String) {
        let comp = self.term.borrow().complete(&line);
        let Some(head) = line.get(..comp.start) else { return };
        let word = &line[comp.start..];
        match comp.candidates.as_slice() {
            [] => self.ambiguous = None,
            [only] => {
                self.input = format!("{head}{only}");
                self.ambiguous = None;
            }
            _ => {
                if comp.common.len() > word.len() {
                    self.input = format!("{head}{}", comp.common);
                } else if self.ambiguous.as_deref() == Some(line.as_str()) {
                    let listed = comp.listing(self.cols);
                    self.push(Entry { command: self.command(&line), output: listed.into() });
                    self.input = line;
                } else {
                    self.input = line;
                }
                self.ambiguous = Some(self.input.clone());
            }
        }
    }

    fn history_prev(&mut self, line: String) {
        let pos = match self.hist_pos {
            None if self.history.is_empty() => return,
            None => {
                self.draft = line;
                self.history.len() - 1
            }
            Some(p) => p.saturating_sub(1),
        };
        self.hist_pos = Some(pos);
        self.input = self.history[pos].clone();
    }

    fn history_next(&mut self) {
        let Some(pos) = self.hist_pos else { return };
        if pos + 1 < self.history.len() {
            self.hist_pos = Some(pos + 1);
            self.input = self.history[pos + 1].clone();
        } else {
            self.hist_pos = None;
            self.input = std::mem::take(&mut self.draft);
        }
    }
}

impl Reducible for Session {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
        match action {
            Action::Input(text) => s.input = text,
            Action::Submit(line) => s.submit(line),
            Action::Interrupt(line) => {
                s.push(Entry { command: s.command(&format!("{line}^C")), output: "".into() });
                s.input.clear();
                s.hist_pos = None;
                s.ambiguous = None;
            }
            Action::ClearScreen => s.entries = Rc::new(Vec::new()),
            Action::Complete(line) => s.complete(line),
            Action::HistoryPrev(line) => s.history_prev(line),
            Action::HistoryNext => s.history_next(),
            Action::SetCols(cols) => {
                s.cols = cols.max(1);
                s.term.borrow_mut().set_cols(s.cols);
                for line in std::mem::take(&mut s.pending) {
                    s.submit(line);
                }
            }
        }
        Rc::new(s)
    }
}
