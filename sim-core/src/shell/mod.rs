//! The terminal session: shells (bash on the host, `sh` in a namespace, ...) that parse
//! what the learner types and run programs as processes of the simulated kernel.

pub mod alias;
pub mod arith;
pub mod builtins;
pub mod compound;
pub mod exec;
pub mod expand;
pub mod hold;
pub mod kill;
pub mod lex;
pub mod printf;
pub mod parse;
pub mod prompt;
pub mod read;
pub mod terminal;
pub mod test;
pub mod zsh;

use crate::kernel::Pid;

/// Which shell program this is; it decides the prompt and the error prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// GNU bash 4.2 (Amazon Linux 2's `/bin/bash`).
    Bash,
    /// bash invoked as `sh`: POSIX mode, prompt `sh-4.2$ `.
    BashAsSh,
    /// busybox ash (`sh` in alpine images): prompt `\w \$ `, `sh: X: not found`.
    Ash,
    /// zsh 5.8.1, the login shell of macOS 12: prompt from `PS1` (`%n@%m %1~ %# ` as
    /// /etc/zshrc sets it), errors as `zsh: command not found: NAME`.
    Zsh,
}

/// Which machine a shell runs on, counted from the machine of the program that started it.
/// Once the shell is in the terminal's stack it is counted from the terminal's machine (the
/// Mac): depth 0 is the Mac, 1 its Linux VM (`rdctl shell`, Docker Desktop's `nsenter -t 1`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Machine {
    pub depth: u8,
    /// For a shell that crossed into a guest: how many of its `waiters` (the first ones)
    /// are processes of the guest; the rest belong to the machine it was started from.
    pub waiters_inside: usize,
}

impl Machine {
    /// The machine the terminal is connected to.
    pub const HOST: Machine = Machine { depth: 0, waiters_inside: 0 };

    /// Marks `sh`, started on a guest, as one level further in than the program that
    /// returns it (`rdctl shell`, a transport that crossed into the VM). The waiters it has
    /// now are guest processes; whatever the caller pushes after this is on its own machine.
    pub fn cross_into_guest(sh: &mut Shell) {
        sh.machine = Machine { depth: sh.machine.depth.saturating_add(1), waiters_inside: sh.waiters.len() };
    }
}

/// A shell variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    pub value: String,
    pub exported: bool,
}

/// Variables in the order they were defined (so `env` output is stable).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars(pub Vec<Var>);

impl Vars {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|v| v.name == name).map(|v| v.value.as_str())
    }
    pub fn set(&mut self, name: &str, value: &str, export: bool) {
        match self.0.iter_mut().find(|v| v.name == name) {
            Some(v) => {
                v.value = value.to_string();
                v.exported |= export;
            }
            None => self.0.push(Var { name: name.to_string(), value: value.to_string(), exported: export }),
        }
    }
    pub fn export(&mut self, name: &str) {
        if let Some(v) = self.0.iter_mut().find(|v| v.name == name) {
            v.exported = true;
        } else {
            // `export X` of an unset X marks it for export once set; bash does not list it in env.
        }
    }
    pub fn unset(&mut self, name: &str) {
        self.0.retain(|v| v.name != name);
    }
    /// The environment a child process gets.
    pub fn environ(&self) -> Vec<(String, String)> {
        self.0.iter().filter(|v| v.exported).map(|v| (v.name.clone(), v.value.clone())).collect()
    }
    pub fn from_environ(env: &[(String, String)]) -> Vars {
        Vars(env.iter().map(|(n, v)| Var { name: n.clone(), value: v.clone(), exported: true }).collect())
    }
}

/// A running shell: a process plus the state the shell keeps.
#[derive(Clone, Debug)]
pub struct Shell {
    pub pid: Pid,
    pub flavor: Flavor,
    pub login: bool,
    pub interactive: bool,
    pub vars: Vars,
    /// `$0`
    pub arg0: String,
    pub status: i32,
    /// Processes that end, in order, when this shell exits: the `sudo` and `unshare`
    /// that started it and wait for it.
    pub waiters: Vec<Pid>,
    /// Lines typed into this shell, for `history`.
    pub history: Vec<String>,
    /// The machine whose kernel runs this shell.
    pub machine: Machine,
    /// `alias NAME=VALUE`, in the order defined.
    pub aliases: Vec<(String, String)>,
    /// How many loops the command running now is inside (for `break`/`continue`).
    pub loops: u32,
    /// What the shell was given to read for the command running now (a pipe into a loop,
    /// `done < file`); the first command that reads takes it.
    pub input: Option<Vec<u8>>,
    /// A fork of the shell running `( ... )` or a member of a pipeline: `exit` ends only it,
    /// quietly.
    pub subshell: bool,
}

impl Shell {
    /// The name used in error messages: `-bash`, `bash`, `sh`.
    pub fn err_name(&self) -> String {
        match self.flavor {
            // zsh names itself without the login dash: `zsh: command not found: x`.
            Flavor::Zsh => self.arg0.trim_start_matches('-').to_string(),
            _ => self.arg0.clone(),
        }
    }
}
