//! The whole page state and its reducer: the simulated machine and its terminal, the
//! scrollback and the line being typed, the open lesson and the learner's progress, the
//! language, presenter mode. Every change goes through [`Action`].
//!
//! The machine is rebuilt by typing the session's commands again into a fresh terminal
//! (the simulation is deterministic): that is how undo, reload and permalinks work.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use sim_core::lesson::{Lesson, Outcome, Panel, World};
use sim_core::view::screen::{Line, Screen};
use sim_core::view::{MachineView, SocketMark};
use sim_core::shell::terminal::CTRL_C;
use sim_core::{Profile, Terminal, TerminalConfig};
use yew::Reducible;

use crate::clock::Clock;
use crate::i18n::Lang;
use crate::query::Link;
use crate::storage::{Saved, Typed, VERSION};

/// Columns used until the page has measured its terminal.
pub const DEFAULT_COLS: usize = 100;
/// Scrollback entries kept; older ones are dropped like a terminal's scrollback limit.
const SCROLLBACK: usize = 2000;
/// Commands kept per session (a replay types them all again).
const MAX_COMMANDS: usize = 500;
const SEED: u64 = 0x5eed;

/// A prompt and the line typed after it, as the scrollback shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub prompt: Rc<str>,
    pub line: Rc<str>,
}

/// One block of scrollback: the command (absent for text left after a screen clear) and
/// what the terminal shows of its output: lines of styled text, after the escape
/// sequences moved the cursor, erased and coloured (`sim_core::view::screen`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub command: Option<Command>,
    pub output: Rc<[Line]>,
}

impl Entry {
    /// The output as plain text, one `\n` between lines.
    pub fn text(&self) -> String {
        let lines: Vec<String> = self.output.iter().map(|l| l.iter().map(|s| s.text.as_str()).collect()).collect();
        lines.join("\n")
    }
}

/// Plain text (no escape sequences) as lines.
fn plain_lines(text: &str) -> Rc<[Line]> {
    Screen::of(text).lines().into()
}

/// What the page is showing: free play, or a lesson (index into `lessons`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Sandbox,
    Lesson(usize),
}

/// A message shown above the terminal until dismissed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A key of the page's texts.
    Key(&'static str),
    /// A key and a detail (an error message, a lesson title).
    KeyDetail(&'static str, String),
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
    SetLang(Lang),
    OpenSandbox,
    OpenLesson(usize),
    NextStep,
    PrevStep,
    ShowHint,
    ShowSolution,
    Undo,
    Reset,
    TogglePresenter,
    ShowPanel(Panel),
    /// A teacher's lesson file: its name (or URL) and source, or the error that kept it
    /// from loading.
    LessonLoaded(Result<(String, String), String>),
    /// The text of an exported progress file.
    Import(String),
    DismissNotice,
}

/// The simulated machine of one session and the commands that made it.
#[derive(Clone)]
pub struct Machine {
    term: Rc<RefCell<Terminal>>,
    pub typed: Rc<Vec<Typed>>,
    /// Where the socket log stood before the last command.
    mark: SocketMark,
}

impl Machine {
    fn fresh(profile: Profile, cols: usize) -> Machine {
        let term = Terminal::new(profile, TerminalConfig { cols, rows: 30, seed: SEED });
        Machine { term: Rc::new(RefCell::new(term)), typed: Rc::new(Vec::new()), mark: SocketMark::default() }
    }
}

/// The machine a lesson runs on (its `profile`); the sandbox is the Linux host.
pub fn profile_of(lesson: Option<&Lesson>) -> Profile {
    lesson.and_then(|l| Profile::from_name(&l.profile)).unwrap_or(Profile::Linux)
}

#[derive(Clone)]
pub struct Session {
    machine: Machine,
    /// The machine profile of the open lesson (the sandbox's is Linux).
    pub profile: Profile,
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
    /// Commands from the URL or the saved session, typed again once the width is known.
    pending: Vec<Typed>,
    /// Lines entered into the static terminal before the page ran, typed after `pending`.
    boot_lines: Vec<String>,
    pub lang: Lang,
    pub lessons: Rc<Vec<Lesson>>,
    /// How many of `lessons` are built in (the rest a teacher loaded).
    builtin: usize,
    custom_sources: Rc<Vec<String>>,
    pub mode: Mode,
    pub step: usize,
    /// Index in `machine.typed` where the current step began.
    step_start: usize,
    /// The sandbox's commands while a lesson is open.
    sandbox_saved: Rc<Vec<Typed>>,
    pub progress: Rc<BTreeMap<String, BTreeSet<String>>>,
    pub hints_shown: usize,
    pub solution_shown: bool,
    /// The current step's check after the last command (None before any).
    pub outcome: Option<Outcome>,
    pub view: Rc<MachineView>,
    pub presenter: bool,
    pub panel: Panel,
    pub notice: Option<Notice>,
    /// Bumped whenever something worth saving changed.
    pub generation: u64,
    /// The lighter build reached a part it leaves out: the full build is loading
    /// (see [`crate::handover`]); lines are kept in `deferred` for it.
    pub needs_full: bool,
    /// Lines the full build types (the one that needed it first), in order.
    pub deferred: Rc<Vec<Typed>>,
}

impl Session {
    /// The session at page load: the URL's session if it has one, else the saved one.
    pub fn new(link: Link, saved: Result<Option<Saved>, String>) -> Session {
        let mut notice = None;
        let saved = match saved {
            Ok(s) => s.unwrap_or_default(),
            Err(_) => {
                notice = Some(Notice::Key("storage_damaged"));
                Saved::default()
            }
        };
        crate::mark("session-start");
        let builtin = crate::course::builtin();
        crate::mark("course-parsed");
        let nbuiltin = builtin.len();
        let mut lessons = builtin;
        let mut custom = Vec::new();
        for src in &saved.custom_lessons {
            if let Ok(l) = sim_core::lesson::parse(src) {
                if !lessons.iter().any(|x| x.id == l.id) {
                    lessons.push(l);
                    custom.push(src.clone());
                }
            }
        }
        let find = |id: &str| lessons.iter().position(|l| l.id == id);
        // The lesson the session opens in decides the machine to boot.
        let opening = if link.is_session() {
            link.lesson.as_deref().and_then(find).filter(|_| !link.sandbox)
        } else {
            saved.lesson.as_deref().and_then(find)
        };
        let profile = profile_of(opening.and_then(|i| lessons.get(i)));
        let machine = Machine::fresh(profile, DEFAULT_COLS);
        crate::mark("machine-booted");
        let prompt: Rc<str> = machine.term.borrow().prompt().into();
        let start = profile.session_start();
        let lang = link.lang.as_deref().or(Some(saved.lang.as_str())).and_then(Lang::from_code).unwrap_or_default();
        let mut s = Session {
            machine,
            profile,
            clock: Rc::new(Clock::new(start)),
            cols: DEFAULT_COLS,
            entries: Rc::new(Vec::new()),
            prompt,
            input: String::new(),
            history: Rc::new(Vec::new()),
            hist_pos: None,
            draft: String::new(),
            ambiguous: None,
            pending: Vec::new(),
            boot_lines: Vec::new(),
            lang,
            lessons: Rc::new(lessons),
            builtin: nbuiltin,
            custom_sources: Rc::new(custom),
            mode: Mode::Sandbox,
            step: 0,
            step_start: 0,
            sandbox_saved: Rc::new(Vec::new()),
            progress: Rc::new(saved.progress.clone()),
            hints_shown: 0,
            solution_shown: false,
            outcome: None,
            view: Rc::new(MachineView::default()),
            presenter: saved.presenter || link.presenter,
            panel: Panel::Processes,
            notice,
            generation: 0,
            needs_full: false,
            deferred: Rc::new(Vec::new()),
        };
        s.check_full();
        if link.is_session() {
            // A permalink: its commands, typed again at one-second intervals.
            let typed: Vec<Typed> = link
                .commands
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, line)| Typed { line, at: start + i as i64 })
                .collect();
            s.sandbox_saved = Rc::new(saved.sandbox);
            if let Some(i) = opening {
                s.mode = Mode::Lesson(i);
                s.step = link.step.unwrap_or(0).min(s.lessons[i].steps.len().saturating_sub(1));
                // The step's check looks at the commands typed since it began.
                s.step_start = typed.len().saturating_sub(link.since.unwrap_or(0));
            }
            s.pending = typed;
        } else {
            match opening {
                Some(i) => {
                    s.mode = Mode::Lesson(i);
                    s.step = saved.step.min(s.lessons[i].steps.len().saturating_sub(1));
                    s.step_start = saved.step_start.min(saved.lesson_session.len());
                    s.pending = saved.lesson_session;
                    s.sandbox_saved = Rc::new(saved.sandbox);
                }
                None => s.pending = saved.sandbox,
            }
        }
        // A Docker lesson in the lighter build (a saved session, a permalink): the full
        // build has it.
        if !s.needs_full && s.lesson().is_some_and(crate::course::is_stand_in) {
            s.needs_full = true;
            s.notice = Some(Notice::Key("loading_full"));
        }
        s.panel = s.step_panels().first().copied().unwrap_or(Panel::Processes);
        s.refresh();
        s
    }

    /// A session handed over by the lighter build: the simulated clock goes on from its
    /// last command rather than from the session's start.
    pub fn resume_clock(&mut self) {
        if let Some(last) = self.pending.iter().map(|t| t.at).max() {
            self.clock = Rc::new(Clock::new(last.max(self.profile.session_start())));
        }
    }

    /// What the static terminal received before the page ran: its lines are typed once
    /// the terminal's width is known, its unfinished line stays in the input.
    pub fn boot(&mut self, boot: crate::boot::Boot) {
        self.boot_lines = boot.lines;
        if !boot.input.is_empty() {
            self.input = boot.input;
        }
    }

    /// What a reload must find again (and the full build, lines deferred for it included).
    pub fn saved(&self) -> Saved {
        let typed: Vec<Typed> = self.machine.typed.iter().chain(self.deferred.iter()).cloned().collect();
        let (lesson, lesson_session, sandbox) = match self.mode {
            Mode::Sandbox => (None, Vec::new(), typed),
            Mode::Lesson(i) => (self.lessons.get(i).map(|l| l.id.clone()), typed, (*self.sandbox_saved).clone()),
        };
        Saved {
            version: VERSION,
            lang: self.lang.code().into(),
            lesson,
            step: self.step,
            progress: (*self.progress).clone(),
            sandbox,
            lesson_session,
            step_start: self.step_start,
            presenter: self.presenter,
            custom_lessons: (*self.custom_sources).clone(),
        }
    }

    /// The permalink's parameters for this session.
    pub fn link(&self) -> Link {
        Link {
            lesson: self.lesson().map(|l| l.id.clone()),
            sandbox: self.mode == Mode::Sandbox,
            step: self.lesson().map(|_| self.step),
            lang: Some(self.lang.code().into()),
            commands: Some(self.machine.typed.iter().map(|t| t.line.clone()).collect()),
            since: self.lesson().map(|_| self.machine.typed.len().saturating_sub(self.step_start)),
            lesson_url: None,
            presenter: false,
        }
    }

    pub fn lesson(&self) -> Option<&Lesson> {
        match self.mode {
            Mode::Lesson(i) => self.lessons.get(i),
            Mode::Sandbox => None,
        }
    }

    pub fn is_custom(&self, index: usize) -> bool {
        index >= self.builtin
    }

    pub fn step_done(&self) -> bool {
        match self.lesson().and_then(|l| l.steps.get(self.step).map(|s| (l, s))) {
            Some((l, s)) => self.progress.get(&l.id).is_some_and(|done| done.contains(&s.id)),
            None => false,
        }
    }

    pub fn lesson_done(&self, index: usize) -> bool {
        self.lessons.get(index).is_some_and(|l| {
            !crate::course::is_stand_in(l) && self.progress.get(&l.id).is_some_and(|done| l.steps.iter().all(|s| done.contains(&s.id)))
        })
    }

    pub fn can_undo(&self) -> bool {
        !self.machine.typed.is_empty()
    }

    /// The panels the current step points at.
    pub fn step_panels(&self) -> Vec<Panel> {
        self.lesson().and_then(|l| l.steps.get(self.step)).map(|s| s.panels.clone()).unwrap_or_default()
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

    /// In the lighter build: whether the machine reached a part it leaves out, so that
    /// the full build must take over.
    fn check_full(&mut self) {
        if !self.needs_full && self.machine.term.borrow().wants_full() {
            self.needs_full = true;
            self.notice = Some(Notice::Key("loading_full"));
        }
    }

    /// Types `line` at simulated time `at`: scrollback, history, the record of commands.
    fn type_line(&mut self, line: String, at: i64) {
        if self.needs_full {
            return self.defer(line, at);
        }
        let output = {
            let mut term = self.machine.term.borrow_mut();
            self.machine.mark = SocketMark::of(&term.kernel);
            term.run(&line, at)
        };
        self.check_full();
        if self.needs_full {
            // What the lighter build printed is not the command's output: the full build's is.
            return self.defer(line, at);
        }
        let screen = Screen::of(&output);
        let lines: Rc<[Line]> = screen.lines().into();
        if screen.cleared() {
            // The display was erased: what was on it, this command's line included, is gone.
            self.entries = Rc::new(Vec::new());
            if !lines.is_empty() {
                self.push(Entry { command: None, output: lines });
            }
        } else if line == CTRL_C {
            // The terminal echoed `^C` itself, at the start of the output.
            self.push(Entry { command: None, output: lines });
        } else {
            self.push(Entry { command: self.command(&line), output: lines });
        }
        if !line.trim().is_empty() && line != CTRL_C && self.history.last() != Some(&line) {
            Rc::make_mut(&mut self.history).push(line.clone());
        }
        if !line.trim().is_empty() {
            let typed = Rc::make_mut(&mut self.machine.typed);
            typed.push(Typed { line, at });
            if typed.len() > MAX_COMMANDS {
                typed.remove(0);
                self.step_start = self.step_start.saturating_sub(1);
            }
        }
        self.prompt = self.machine.term.borrow().prompt().into();
    }

    /// A line for the full build: shown as typed, run once it has taken over.
    fn defer(&mut self, line: String, at: i64) {
        self.push(Entry { command: self.command(&line), output: Rc::from(Vec::new()) });
        if !line.trim().is_empty() {
            Rc::make_mut(&mut self.deferred).push(Typed { line, at });
        }
    }

    fn submit(&mut self, line: String) {
        // A command typed after a step is done belongs to the next step.
        if self.step_done() && !line.trim().is_empty() {
            if let Some(n) = self.lesson().map(|l| l.steps.len()) {
                if self.step + 1 < n {
                    self.go_to_step(self.step + 1);
                }
            }
        }
        let at = self.clock.now();
        self.type_line(line, at);
        self.input.clear();
        self.hist_pos = None;
        self.ambiguous = None;
        self.refresh();
        self.generation += 1;
    }

    /// A fresh machine with `typed` typed into it again.
    fn rebuild(&mut self, typed: Vec<Typed>) {
        if self.needs_full {
            // Waiting for the full build: the new session is all for it to type.
            self.machine.typed = Rc::new(Vec::new());
            self.deferred = Rc::new(Vec::new());
        } else {
            self.machine = Machine::fresh(self.profile, self.cols);
            self.check_full();
        }
        self.entries = Rc::new(Vec::new());
        self.history = Rc::new(Vec::new());
        self.prompt = self.machine.term.borrow().prompt().into();
        for t in typed {
            self.type_line(t.line, t.at);
        }
        self.input.clear();
        self.hist_pos = None;
        self.ambiguous = None;
    }

    /// After the machine changed: the panels' view and the current step's check.
    fn refresh(&mut self) {
        let term = self.machine.term.borrow();
        let shell = term.shell().pid;
        self.view = Rc::new(MachineView::of_terminal(&term, self.machine.mark));
        let Mode::Lesson(i) = self.mode else {
            self.outcome = None;
            return;
        };
        if self.needs_full {
            // The full build checks the step when it has typed the deferred lines.
            return;
        }
        let Some(lesson) = self.lessons.get(i) else { return };
        let Some(step) = lesson.steps.get(self.step) else { return };
        let commands: Vec<String> =
            self.machine.typed.get(self.step_start..).unwrap_or(&[]).iter().map(|t| t.line.clone()).collect();
        if commands.is_empty() {
            self.outcome = None;
            return;
        }
        let outcome = step.check.eval(&World { kernel: term.shell_kernel(), shell, commands: &commands });
        self.outcome = Some(outcome);
        if outcome == Outcome::Passed {
            let (lid, sid) = (lesson.id.clone(), step.id.clone());
            Rc::make_mut(&mut self.progress).entry(lid).or_default().insert(sid);
        }
    }

    fn go_to_step(&mut self, step: usize) {
        let Some(lesson) = self.lesson() else { return };
        let last = lesson.steps.len().saturating_sub(1);
        let step = step.min(last);
        if step == self.step {
            return;
        }
        self.step = step;
        self.step_start = self.machine.typed.len();
        self.hints_shown = 0;
        self.solution_shown = false;
        self.outcome = None;
        if let Some(p) = self.step_panels().first() {
            self.panel = *p;
        }
        self.generation += 1;
    }

    fn open(&mut self, mode: Mode) {
        if self.mode == mode {
            return;
        }
        let leaving = std::mem::take(Rc::make_mut(&mut self.machine.typed));
        let typed = match (self.mode, mode) {
            (Mode::Sandbox, _) => {
                self.sandbox_saved = Rc::new(leaving);
                Vec::new()
            }
            (Mode::Lesson(_), Mode::Sandbox) => std::mem::take(Rc::make_mut(&mut self.sandbox_saved)),
            (Mode::Lesson(_), Mode::Lesson(_)) => Vec::new(),
        };
        self.mode = mode;
        self.step = 0;
        self.step_start = 0;
        // A lesson starts where its learner left off: the first step not done.
        if let Some(l) = self.lesson() {
            let done = self.progress.get(&l.id);
            let first_open = l.steps.iter().position(|s| !done.is_some_and(|d| d.contains(&s.id)));
            self.step = first_open.unwrap_or(0);
        }
        self.hints_shown = 0;
        self.solution_shown = false;
        self.outcome = None;
        // A lesson written for another machine boots that machine.
        let profile = profile_of(self.lesson());
        if profile != self.profile {
            self.profile = profile;
            self.clock = Rc::new(Clock::new(profile.session_start()));
        }
        self.rebuild(typed);
        self.step_start = self.machine.typed.len();
        self.panel = self.step_panels().first().copied().unwrap_or(Panel::Processes);
        // A Docker lesson in the lighter build: the full build has it, and takes over.
        if !self.needs_full && self.lesson().is_some_and(crate::course::is_stand_in) {
            self.needs_full = true;
            self.notice = Some(Notice::Key("loading_full"));
        }
        self.refresh();
        self.generation += 1;
    }

    fn complete(&mut self, line: String) {
        let comp = self.machine.term.borrow().complete(&line);
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
                    self.push(Entry { command: self.command(&line), output: plain_lines(&listed) });
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

    fn lesson_loaded(&mut self, result: Result<(String, String), String>) {
        let (name, src) = match result {
            Ok(loaded) => loaded,
            Err(e) => {
                self.notice = Some(Notice::KeyDetail("lesson_error", e));
                return;
            }
        };
        match sim_core::lesson::parse(&src) {
            Ok(lesson) => {
                let title = lesson.title.get(self.lang.code()).to_string();
                let lessons = Rc::make_mut(&mut self.lessons);
                let customs = Rc::make_mut(&mut self.custom_sources);
                let index = match lessons.iter().position(|l| l.id == lesson.id) {
                    // A teacher's newer version replaces the older; a built-in id stays built in.
                    Some(i) if i >= self.builtin => {
                        lessons[i] = lesson;
                        if let Some(slot) = customs.get_mut(i - self.builtin) {
                            *slot = src;
                        }
                        i
                    }
                    Some(i) => i,
                    None => {
                        lessons.push(lesson);
                        customs.push(src);
                        lessons.len() - 1
                    }
                };
                self.notice = Some(Notice::KeyDetail("lesson_loaded", title));
                self.mode = Mode::Sandbox;
                self.open(Mode::Lesson(index));
            }
            Err(e) => self.notice = Some(Notice::KeyDetail("lesson_error", format!("{name}: {e}"))),
        }
    }

    fn import(&mut self, text: String) {
        match Saved::from_json(&text) {
            Ok(saved) => {
                let link = Link::default();
                let mut s = Session::new(link, Ok(Some(saved)));
                s.cols = self.cols;
                if s.profile == self.profile {
                    s.clock = self.clock.clone();
                }
                s.notice = Some(Notice::Key("import_ok"));
                let pending = std::mem::take(&mut s.pending);
                let step_start = s.step_start;
                s.rebuild(pending);
                s.step_start = step_start;
                s.refresh();
                s.generation = self.generation + 1;
                *self = s;
            }
            Err(e) => self.notice = Some(Notice::KeyDetail("import_failed", e)),
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
            Action::Interrupt(_) if s.machine.term.borrow().busy() => {
                // A program holds the terminal (`docker run` of a server): Ctrl-C goes to it,
                // and is typed into the session like a line, so a replay does it too.
                let at = s.clock.now();
                s.type_line(CTRL_C.to_string(), at);
                // What was typed on the line is flushed with the interrupt.
                s.input.clear();
                s.refresh();
                s.generation += 1;
            }
            Action::Interrupt(line) => {
                s.push(Entry { command: s.command(&format!("{line}^C")), output: Rc::from(Vec::new()) });
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
                s.machine.term.borrow_mut().set_cols(s.cols);
                let pending = std::mem::take(&mut s.pending);
                if !pending.is_empty() {
                    let step_start = s.step_start;
                    for t in pending {
                        s.type_line(t.line, t.at);
                    }
                    s.step_start = step_start;
                    s.refresh();
                }
                let input = std::mem::take(&mut s.input);
                for line in std::mem::take(&mut s.boot_lines) {
                    s.submit(line);
                }
                s.input = input;
            }
            Action::SetLang(lang) => {
                s.lang = lang;
                s.generation += 1;
            }
            Action::OpenSandbox => s.open(Mode::Sandbox),
            Action::OpenLesson(i) if i < s.lessons.len() => s.open(Mode::Lesson(i)),
            Action::OpenLesson(_) => {}
            Action::NextStep => s.go_to_step(s.step + 1),
            Action::PrevStep => s.go_to_step(s.step.saturating_sub(1)),
            Action::ShowHint => s.hints_shown += 1,
            Action::ShowSolution => s.solution_shown = true,
            Action::Undo => {
                let mut typed = (*s.machine.typed).clone();
                if typed.pop().is_some() {
                    let step_start = s.step_start.min(typed.len());
                    s.rebuild(typed);
                    s.step_start = step_start;
                    s.refresh();
                    s.generation += 1;
                }
            }
            Action::Reset => {
                s.rebuild(Vec::new());
                s.step_start = 0;
                s.outcome = None;
                s.refresh();
                s.generation += 1;
            }
            Action::TogglePresenter => {
                s.presenter = !s.presenter;
                s.generation += 1;
            }
            Action::ShowPanel(p) => s.panel = p,
            Action::LessonLoaded(r) => {
                s.lesson_loaded(r);
                s.generation += 1;
            }
            Action::Import(text) => s.import(text),
            Action::DismissNotice => s.notice = None,
        }
        Rc::new(s)
    }
}
