//! The terminal session: what a learner's terminal is connected to. It owns the simulated
//! machine, the stack of interactive shells (login bash, then `sudo unshare ... sh`, ...),
//! and turns typed lines into the bytes the terminal shows.

use crate::sort::SortSlice;
use super::exec::{run_line, TermInfo};
use super::hold::{Hold, Job};
use super::prompt::{self, PromptFacts};
use super::{Flavor, Machine, Shell, Vars};
use crate::host::{self, Profile};
use crate::kernel::process::Exec;
use crate::kernel::{Kernel, Pid, ProcState};
use crate::utils::users;

/// How the terminal is set up by its caller.
#[derive(Clone, Debug)]
pub struct TerminalConfig {
    pub cols: usize,
    pub rows: usize,
    /// Seeds every random choice the machine makes (MAC addresses, ids).
    pub seed: u64,
}

impl Default for TerminalConfig {
    fn default() -> Self {
        TerminalConfig { cols: 120, rows: 40, seed: 0x5eed }
    }
}

/// A completion: replace the text from `start` (a byte offset in the line) with one of
/// `candidates`; `common` is their longest common prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub start: usize,
    pub common: String,
    pub candidates: Vec<String>,
}

impl Completion {
    /// The candidates as readline lists them after a second Tab: the shown names (without
    /// the space a completion appends) in columns as wide as the widest name plus two,
    /// filled top to bottom, as many as fit in `cols`.
    pub fn listing(&self, cols: usize) -> String {
        let shown: Vec<&str> = self.candidates.iter().map(|n| n.strip_suffix(' ').unwrap_or(n)).collect();
        let width = shown.iter().map(|n| n.chars().count()).max().unwrap_or(0) + 2;
        let per_row = (cols.max(1) / width).max(1);
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
}

/// The byte Ctrl-C puts on the line (ETX): `Terminal::run` of it is an interrupt.
pub const CTRL_C: &str = "\u{3}";

pub struct Terminal {
    /// The machine the terminal is connected to (the EC2 host, the Mac). A desktop
    /// profile's Linux VM is `kernel.guest`; a shell runs on the kernel its `machine` names.
    pub kernel: Kernel,
    pub profile: Profile,
    shells: Vec<Shell>,
    cols: usize,
    tty: String,
    /// The sshd process the login shell hangs off (a new login starts there).
    session_parent: Pid,
    /// A foreground program holding the terminal until Ctrl-C (`docker run` of a server).
    held: Option<Hold>,
}

impl Terminal {
    pub fn new(profile: Profile, cfg: TerminalConfig) -> Terminal {
        let (mut kernel, login_pid) = profile.boot(cfg.seed);
        kernel.now = profile.session_start();
        let session_parent = profile.session_parent(&kernel, login_pid);
        let shell = login_shell(&mut kernel, profile, login_pid);
        Terminal { kernel, profile, shells: vec![shell], cols: cfg.cols.max(1), tty: "pts/0".into(), session_parent, held: None }
    }

    /// Whether a command (or the profile) reached a part the page's lighter build leaves
    /// out ([`crate::lite`]): the session must run again on the full build.
    pub fn wants_full(&self) -> bool {
        self.kernel.wants_full || self.kernel.guest.as_ref().is_some_and(|g| g.kernel.wants_full)
    }

    pub fn set_cols(&mut self, cols: usize) {
        self.cols = cols.clamp(1, 4096);
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The foreground shell.
    pub fn shell(&self) -> &Shell {
        // The stack is never empty: the login shell is replaced, never removed.
        &self.shells[self.shells.len() - 1]
    }

    /// Puts an interactive shell that was started by something other than a typed line
    /// (a container's `sh` started by its runtime, a test) in the foreground.
    pub fn attach_shell(&mut self, sh: Shell) {
        self.shells.push(sh);
    }

    /// The stack of interactive shells, the login shell first.
    pub fn shells(&self) -> &[Shell] {
        &self.shells
    }

    /// The kernel of machine `depth` (0: the terminal's, 1: its guest VM). A depth with no
    /// machine behind it falls back to the deepest one there is.
    pub fn kernel_at(&self, depth: u8) -> &Kernel {
        let mut k = &self.kernel;
        for _ in 0..depth {
            match &k.guest {
                Some(g) => k = &g.kernel,
                None => break,
            }
        }
        k
    }

    pub fn kernel_at_mut(&mut self, depth: u8) -> &mut Kernel {
        kernel_at_mut(&mut self.kernel, depth)
    }

    /// The kernel the foreground shell runs on.
    pub fn shell_kernel(&self) -> &Kernel {
        self.kernel_at(self.shell().machine.depth)
    }

    /// Whether a foreground program holds the terminal: what is typed goes to it, not to a
    /// shell, until Ctrl-C (`Terminal::run` of [`CTRL_C`]) ends it.
    pub fn busy(&self) -> bool {
        self.held.is_some()
    }

    /// The prompt as the foreground shell prints it (none while a program holds the terminal).
    pub fn prompt(&self) -> String {
        if self.held.is_some() {
            return String::new();
        }
        let sh = self.shell();
        let k = self.kernel_at(sh.machine.depth);
        let uid = k.procs.get(&sh.pid).map(|p| p.uid).unwrap_or(0);
        let sign = if uid == 0 { '#' } else { '$' };
        let facts = |user: &str, host: &str| -> String {
            let f = PromptFacts { user, host, pwd: sh.vars.get("PWD").unwrap_or("/"), home: sh.vars.get("HOME").unwrap_or(""), uid };
            match sh.flavor {
                Flavor::Zsh => prompt::zsh(sh.vars.get("PS1").unwrap_or("%m%# "), &f),
                _ => prompt::bash(sh.vars.get("PS1").unwrap_or(""), &f),
            }
        };
        match sh.flavor {
            Flavor::BashAsSh => format!("sh-4.2{sign} "),
            Flavor::Ash => crate::utils::busybox::ash::prompt(k, sh),
            Flavor::Zsh => {
                let user = users::name_of_uid(k, sh.pid, uid).unwrap_or_else(|| uid.to_string());
                facts(&user, &k.hostname_of(sh.pid))
            }
            // A PS1 from the environment (Alpine's /etc/profile exports `\h:\w\$ `).
            Flavor::Bash if sh.vars.get("PS1").is_some() => {
                let user = users::name_of_uid(k, sh.pid, uid).unwrap_or_else(|| "I have no name!".to_string());
                facts(&user, &k.hostname_of(sh.pid))
            }
            Flavor::Bash => {
                let user = users::name_of_uid(k, sh.pid, uid).unwrap_or_else(|| "I have no name!".to_string());
                let host = k.hostname_of(sh.pid);
                let short = host.split('.').next().unwrap_or("").to_string();
                let pwd = sh.vars.get("PWD").unwrap_or("/");
                let home = sh.vars.get("HOME").unwrap_or("");
                let w = if !home.is_empty() && pwd == home {
                    "~".to_string()
                } else if pwd == "/" {
                    "/".to_string()
                } else {
                    pwd.trim_end_matches('/').rsplit('/').next().unwrap_or("/").to_string()
                };
                format!("[{user}@{short} {w}]{sign} ")
            }
        }
    }

    /// Runs one typed line at time `now` (Unix seconds; the clock never goes back) and
    /// returns what the terminal shows after it, before the next prompt.
    /// [`CTRL_C`] is Ctrl-C: it interrupts the program holding the terminal, or abandons the
    /// prompt's line. While a program holds the terminal, other lines are only echoed.
    pub fn run(&mut self, line: &str, now: i64) -> String {
        self.set_clock(now);
        if line == CTRL_C {
            return self.interrupt();
        }
        if self.held.is_some() {
            return String::new();
        }
        let term = TermInfo::terminal(self.cols, self.tty.clone());
        let top = self.shells.len() - 1;
        let trimmed = line.trim();
        if !trimmed.is_empty() && self.shells[top].history.last().map(|l| l != line).unwrap_or(true) {
            self.shells[top].history.push(line.to_string());
        }
        let depth = self.shells[top].machine.depth;
        let kernel = kernel_at_mut(&mut self.kernel, depth);
        if let Some(p) = kernel.procs.get_mut(&self.shells[top].pid) {
            p.foreground = false;
        }
        let res = run_line(kernel, &mut self.shells[top], line, &term);
        if let Some(p) = kernel.procs.get_mut(&self.shells[top].pid) {
            p.foreground = true;
            p.state = ProcState::Sleeping;
        }
        let mut screen = String::from_utf8_lossy(&res.screen).into_owned();
        if res.held.is_some() {
            self.held = res.held;
            return screen;
        }
        if let Some(mut new_shell) = res.new_shell {
            // The new shell's machine is counted from the machine of the shell that started it.
            new_shell.machine = match new_shell.machine.depth {
                0 => Machine { depth, waiters_inside: new_shell.waiters.len() },
                d => Machine { depth: depth.saturating_add(d), waiters_inside: new_shell.machine.waiters_inside },
            };
            self.shells.push(*new_shell);
        } else if let Some(code) = res.exit {
            screen.push_str(&self.pop_shell(code));
        }
        screen
    }

    /// One clock for every machine: a VM's clock follows its host's; it never goes back.
    fn set_clock(&mut self, now: i64) {
        let mut k = Some(&mut self.kernel);
        while let Some(kk) = k {
            if now > kk.now {
                kk.now = now;
            }
            k = kk.guest.as_deref_mut().map(|g| &mut g.kernel);
        }
    }

    /// Ctrl-C: the terminal echoes `^C` and sends SIGINT to the foreground program. At a
    /// prompt bash abandons the line (`$?` becomes 130); a follower dies of it (bash ends the
    /// line); the docker CLI attached to a container forwards it and ends when the container
    /// does, its last output right after the `^C`.
    fn interrupt(&mut self) -> String {
        let top = self.shells.len() - 1;
        let depth = self.shells[top].machine.depth;
        let Some(mut hold) = self.held.take() else {
            self.shells[top].status = 130;
            return "^C\n".into();
        };
        let kernel = kernel_at_mut(&mut self.kernel, depth);
        let (bytes, status) = match hold.job {
            Job::Follow => (b"\n".to_vec(), Some(130)),
            Job::DockerAttached { .. } => crate::lite::docker_interrupt(kernel, hold.pid, &mut hold.job, self.cols),
        };
        match status {
            Some(code) => {
                kernel.exit_with(hold.pid, code);
                self.shells[top].status = code;
            }
            None => self.held = Some(hold),
        }
        format!("^C{}", String::from_utf8_lossy(&bytes))
    }

    /// The foreground shell exits with `code`: the processes waiting for it end too, each
    /// on its own machine (`rdctl` on the Mac waits for the shell in the VM).
    fn pop_shell(&mut self, code: i32) -> String {
        let Some(sh) = self.shells.pop() else { return String::new() };
        let outer = self.shells.last().map(|s| s.machine.depth).unwrap_or(0);
        let inner = sh.machine.depth;
        kernel_at_mut(&mut self.kernel, inner).exit(sh.pid);
        for (i, w) in sh.waiters.iter().enumerate() {
            let depth = if i < sh.machine.waiters_inside { inner } else { outer };
            kernel_at_mut(&mut self.kernel, depth).exit(*w);
        }
        if self.shells.is_empty() {
            // The login shell logged out: the connection is made again, as a new login.
            let pid = self.profile.new_login(&mut self.kernel, self.session_parent);
            self.shells.push(login_shell(&mut self.kernel, self.profile, pid));
            return String::new();
        }
        let top = self.shells.len() - 1;
        self.shells[top].status = code;
        String::new()
    }

    /// Tab completion of the word before the cursor (the end of `line`).
    pub fn complete(&self, line: &str) -> Completion {
        let start = line.rfind([' ', '\t', ';', '|', '&', '>', '<']).map(|i| i + 1).unwrap_or(0);
        let word = &line[start..];
        let first_word = line[..start].trim().is_empty() || line[..start].trim_end().ends_with(['|', ';', '&']) || line[..start].trim_end() == "sudo";
        let sh = self.shell();
        let kernel = self.kernel_at(sh.machine.depth);
        let mut candidates: Vec<String> = Vec::new();
        if first_word && !word.contains('/') {
            for b in ["cd", "echo", "exit", "export", "history", "pwd", "type", "unset", "logout"] {
                if b.starts_with(word) {
                    candidates.push(format!("{b} "));
                }
            }
            let path = sh.vars.get("PATH").unwrap_or("").to_string();
            for dir in path.split(':') {
                let Ok(r) = kernel.resolve(sh.pid, dir, true) else { continue };
                let Ok(entries) = kernel.read_dir(sh.pid, &r.loc) else { continue };
                for (name, _) in entries {
                    if name.starts_with(word) {
                        candidates.push(format!("{name} "));
                    }
                }
            }
        } else {
            let (dir, prefix) = match word.rfind('/') {
                Some(i) => (&word[..=i], &word[i + 1..]),
                None => ("", word),
            };
            let lookup = if dir.is_empty() { "." } else { dir };
            if let Ok(r) = kernel.resolve(sh.pid, lookup, true) {
                if let Ok(entries) = kernel.read_dir(sh.pid, &r.loc) {
                    for (name, loc) in entries {
                        if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                            continue;
                        }
                        let is_dir = kernel.stat_loc(&loc).map(|s| s.ftype == crate::kernel::vfs::FileType::Dir).unwrap_or(false)
                            || kernel.resolve(sh.pid, &format!("{dir}{name}/"), true).is_ok();
                        candidates.push(format!("{dir}{name}{}", if is_dir { "/" } else { " " }));
                    }
                }
            }
        }
        candidates.sort_stable();
        candidates.dedup();
        let common = common_prefix(&candidates);
        Completion { start, common, candidates }
    }

    /// Runs a whole script, one line at a time, and returns the transcript: each prompt and
    /// line as typed, then what it printed. Line i runs at `start + i * step`.
    pub fn transcript(&mut self, script: &str, start: i64, step: i64) -> String {
        let mut out = String::new();
        for (i, line) in script.lines().enumerate() {
            out.push_str(&self.prompt());
            let at = start + i as i64 * step;
            // `^C` on a line of its own is Ctrl-C; the terminal echoes it itself.
            if line == "^C" {
                out.push_str(&self.run(CTRL_C, at));
                continue;
            }
            out.push_str(line);
            out.push('\n');
            out.push_str(&self.run(line, at));
        }
        out
    }
}

fn common_prefix(v: &[String]) -> String {
    let Some(first) = v.first() else { return String::new() };
    let mut end = first.len();
    for s in &v[1..] {
        end = end.min(first.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    first[..end].to_string()
}

/// The kernel of machine `depth` below `k` (the deepest there is if fewer).
fn kernel_at_mut(k: &mut Kernel, depth: u8) -> &mut Kernel {
    if depth == 0 || k.guest.is_none() {
        return k;
    }
    let g = k.guest.as_deref_mut().expect("checked just above");
    kernel_at_mut(&mut g.kernel, depth - 1)
}

fn login_shell(k: &mut Kernel, profile: Profile, pid: Pid) -> Shell {
    let env = profile.login_env();
    if let Some(p) = k.procs.get_mut(&pid) {
        p.env = env.clone();
    }
    let mut vars = Vars::from_environ(&env);
    // Variables the login shell's startup files set without exporting (zsh's PS1 from /etc/zshrc).
    for (name, value) in profile.login_shell_vars() {
        vars.set(name, value, false);
    }
    let arg0 = profile.login_arg0();
    Shell {
        pid,
        flavor: if arg0 == "-zsh" { Flavor::Zsh } else { Flavor::Bash },
        login: true,
        interactive: true,
        vars,
        arg0: arg0.into(),
        status: 0,
        waiters: Vec::new(),
        history: Vec::new(),
        machine: Machine::HOST,
        aliases: if arg0 == "-zsh" { super::zsh::DEFAULT_ALIASES.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect() } else { Vec::new() },
        loops: 0,
        input: None,
        subshell: false,
    }
}

/// A new ssh login on the article's host: bash as ec2-user on pts/0, under `parent` (sshd).
pub fn new_linux_login(k: &mut Kernel, parent: Pid) -> Pid {
    let exec = Exec {
        comm: "bash".into(),
        argv: vec!["-bash".into()],
        env: host::linux::login_env(),
        exe: "/usr/bin/bash".into(),
        uid: 1000,
        gid: 1000,
        cwd: "/home/ec2-user".into(),
        tty: Some("pts/0".into()),
        vsz_kb: 124_972,
        rss_kb: 3_908,
        session_leader: true,
        foreground: true,
        ..Exec::default()
    };
    k.spawn(parent, exec).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::Completion;

    #[test]
    fn listing_fills_columns_top_to_bottom() {
        let c = |cands: &[&str]| Completion { start: 0, common: String::new(), candidates: cands.iter().map(|s| s.to_string()).collect() };
        let names = c(&["if ", "ifconfig ", "ifup ", "ip "]);
        assert_eq!(names.listing(22), "if        ifup\nifconfig  ip\n");
        assert_eq!(names.listing(5), "if\nifconfig\nifup\nip\n");
    }
}
