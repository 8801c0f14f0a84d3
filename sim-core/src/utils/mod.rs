//! The programs the shell runs. Each prints in the format of the real tool it stands for
//! (procps `ps`, net-tools `ifconfig`, iproute2 `ip`, coreutils, util-linux), as checked
//! against those tools in `tests/`.

pub mod busybox;
pub mod copy;
pub mod coreutils;
pub mod curl;
pub mod fileutils;
pub mod find;
pub mod ifconfig;
pub mod ip;
pub mod iptables;
pub mod ls;
pub mod macos;
pub mod namespaces;
pub mod ps;
pub mod rm;
pub mod shells;
pub mod sockinfo;
pub mod ss;
pub mod netstat;
pub mod stat;
pub mod sysinfo;
pub mod systemctl;
pub mod textutils;
pub mod users;

use crate::kernel::{Kernel, Pid};
use crate::shell::Shell;

/// A program's standard streams. stdin is whole (pipelines run stage by stage).
#[derive(Clone, Debug, Default)]
pub struct Io {
    pub stdin: Vec<u8>,
    /// stdin is the terminal: there is no input to read.
    pub stdin_tty: bool,
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    /// stderr goes where stdout goes (both the terminal, or `2>&1`).
    pub err_to_out: bool,
    /// stdout is the terminal (`isatty(1)`).
    pub tty_out: bool,
    pub cols: usize,
    /// `2>FILE` (Some(Some(path))) or `2>/dev/null` (Some(None)).
    pub err_redirect: Option<Option<String>>,
    /// Nobody waits for the program (a container's process started by dockerd): one that
    /// would block returns `Outcome::Running` and stays alive instead.
    pub background: bool,
    /// The order of the writes to `out` and `err`, for when they go apart to one reader (a
    /// container's streams, which `docker logs` and an attached client show interleaved).
    pub order: WriteOrder,
    /// Set by a program that returns `Outcome::Running` in the foreground and holds the
    /// terminal until Ctrl-C (the docker CLI attached to a server).
    pub holds: Option<Box<crate::shell::hold::Job>>,
}

/// The order in which bytes went to stdout and stderr: runs of (stream, length), stream 1
/// stdout and 2 stderr. Writes through `Io::write_*` are in order; bytes appended to the
/// buffers directly are placed at the next ordered write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteOrder {
    runs: Vec<(u8, usize)>,
    seen: [usize; 2],
}

impl WriteOrder {
    /// Marks everything written so far (the buffers' lengths) as having come before what follows.
    pub fn catch_up(&mut self, out_len: usize, err_len: usize) {
        for (stream, len) in [(1u8, out_len), (2, err_len)] {
            let i = usize::from(stream - 1);
            if len > self.seen[i] {
                let n = len - self.seen[i];
                self.seen[i] = len;
                match self.runs.last_mut() {
                    Some(last) if last.0 == stream => last.1 += n,
                    _ => self.runs.push((stream, n)),
                }
            }
        }
    }

    /// `out` and `err` cut into the runs they were written in, in order; bytes past what was
    /// recorded follow, stdout's first.
    pub fn interleave<'a>(&self, out: &'a [u8], err: &'a [u8]) -> Vec<(u8, &'a [u8])> {
        let mut at = [0usize, 0];
        let mut v = Vec::new();
        let bufs = [out, err];
        for &(stream, n) in self.runs.iter().chain([(1u8, usize::MAX), (2, usize::MAX)].iter()) {
            let i = usize::from(stream - 1);
            let end = at[i].saturating_add(n).min(bufs[i].len());
            if end > at[i] {
                v.push((stream, &bufs[i][at[i]..end]));
                at[i] = end;
            }
        }
        v
    }
}

impl Io {
    /// Both streams on the terminal, no input.
    pub fn terminal(cols: usize) -> Io {
        Io { stdin_tty: true, err_to_out: true, tty_out: true, cols, ..Io::default() }
    }
    pub fn write_out(&mut self, s: &str) {
        self.push(1, s.as_bytes());
    }
    pub fn write_err(&mut self, s: &str) {
        let stream = if self.err_to_out && self.err_redirect.is_none() { 1 } else { 2 };
        self.push(stream, s.as_bytes());
    }
    /// Appends to stdout (1) or stderr (2) as they are, keeping the order of writes.
    pub fn push(&mut self, stream: u8, bytes: &[u8]) {
        self.order.catch_up(self.out.len(), self.err.len());
        if stream == 2 {
            self.err.extend_from_slice(bytes);
        } else {
            self.out.extend_from_slice(bytes);
        }
        self.order.catch_up(self.out.len(), self.err.len());
    }
    /// stdout and stderr as they were written, in order.
    pub fn streams(&self) -> Vec<(u8, &[u8])> {
        self.order.interleave(&self.out, &self.err)
    }
}

/// What a program gets: the kernel, its own PID, its arguments, environment and streams.
pub struct Ctx<'a> {
    pub k: &'a mut Kernel,
    pub pid: Pid,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub io: Io,
}

impl Ctx<'_> {
    pub fn out(&mut self, s: &str) {
        self.io.write_out(s);
    }
    pub fn err(&mut self, s: &str) {
        self.io.write_err(s);
    }
    pub fn getenv(&self, name: &str) -> Option<&str> {
        self.env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    pub fn uid(&self) -> u32 {
        self.k.procs.get(&self.pid).map(|p| p.uid).unwrap_or(0)
    }
    /// The program's name as invoked, for error messages (`ls: ...`).
    pub fn name(&self) -> String {
        self.argv.first().map(|a| a.rsplit('/').next().unwrap_or(a).to_string()).unwrap_or_default()
    }
    /// Reads a file as this process.
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>, crate::kernel::Errno> {
        let r = self.k.resolve(self.pid, path, true)?;
        self.k.read_loc(self.pid, &r.loc)
    }
    /// The input a filter reads: the named files in order, or stdin. Errors are reported
    /// as `NAME: FILE: message` and make the status 1.
    pub fn inputs(&mut self, files: &[String]) -> (Vec<(String, Vec<u8>)>, i32) {
        if files.is_empty() || files == ["-"] {
            return (vec![("-".into(), self.io.stdin.clone())], 0);
        }
        let mut v = Vec::new();
        let mut st = 0;
        let name = self.name();
        for f in files {
            if f == "-" {
                v.push(("-".into(), self.io.stdin.clone()));
                continue;
            }
            match self.read_file(f) {
                Ok(d) => v.push((f.clone(), d)),
                Err(e) => {
                    self.err(&format!("{name}: {f}: {}\n", e.message()));
                    st = 1;
                }
            }
        }
        (v, st)
    }
}

/// How a program ended.
pub enum Outcome {
    Exit(i32),
    /// The program keeps running (a server, a `sleep` in a container): until the given time,
    /// when it exits with status 0, or until a signal ends it.
    Running { until: Option<i64> },
    /// The program became (or started) an interactive shell that now reads the terminal.
    Shell(Box<Shell>),
}

pub type Program = fn(&mut Ctx) -> Outcome;

/// The programs that exist, by the name the filesystem's executables carry.
pub fn program(name: &str) -> Option<Program> {
    if crate::lite::FULL_ONLY_PROGRAMS.contains(&name) {
        return Some(full_only_program(name));
    }
    Some(match name {
        "ps" => ps::main,
        "curl" => curl::main,
        "iptables" => iptables::main,
        "systemctl" => systemctl::main,
        "ls" => ls::main,
        "ifconfig" => ifconfig::main,
        "ip" => ip::main,
        "cat" => textutils::cat,
        "echo" => coreutils::echo,
        "pwd" => coreutils::pwd,
        "true" => coreutils::true_,
        "false" => coreutils::false_,
        "sleep" => coreutils::sleep,
        "readlink" => coreutils::readlink,
        "clear" => coreutils::clear,
        "hostname" => sysinfo::hostname,
        "uname" => sysinfo::uname,
        "id" => users::id,
        "whoami" => users::whoami,
        "mount" => sysinfo::mount,
        "df" => sysinfo::df,
        "env" => coreutils::env,
        "grep" => textutils::grep,
        "head" => textutils::head,
        "tail" => textutils::tail,
        "wc" => textutils::wc,
        "sort" => textutils::sort,
        "bash" => shells::bash,
        "sudo" => shells::sudo,
        "su" => shells::su,
        "unshare" => namespaces::unshare,
        "nsenter" => namespaces::nsenter,
        "which" => coreutils::which,
        "uptime" => sysinfo::uptime,
        "date" => sysinfo::date,
        "zsh" => shells::bash,
        _ => return None,
    })
}

/// The programs the page's lighter build leaves out ([`crate::lite::FULL_ONLY_PROGRAMS`]).
#[cfg(not(feature = "lite"))]
fn full_only_program(name: &str) -> Program {
    match name {
        "nginx" => crate::programs::nginx::main,
        "nginx-entrypoint" => crate::programs::nginx::entrypoint,
        "mysql-entrypoint" => crate::programs::mysql::entrypoint,
        "mysqld" => crate::programs::mysql::mysqld,
        "docker" => crate::client::main,
        "ps-bsd" => macos::ps::main,
        "ls-bsd" => macos::ls::main,
        "ifconfig-bsd" => macos::ifconfig::main,
        "uname-bsd" => macos::uname::main,
        "hostname-bsd" => macos::hostname::main,
        "sw_vers" => macos::sw_vers::main,
        "rdctl" => macos::rdctl::main,
        "docker-compose" => crate::compose::v1_main,
        "busybox" => busybox::main,
        "ss" => ss::main,
        "netstat" => netstat::main,
        "cp" => copy::cp,
        "mv" => copy::mv,
        "find" => find::find,
        "du" => find::du,
        "stat" => stat::stat,
        "touch" => fileutils::touch,
        "mkdir" => fileutils::mkdir,
        "rmdir" => fileutils::rmdir,
        "rm" => rm::rm,
        "ln" => fileutils::ln,
        "chmod" => fileutils::chmod,
        // Only the names of FULL_ONLY_PROGRAMS come here (a test checks each has its program).
        _ => crate::lite::full_only,
    }
}

#[cfg(feature = "lite")]
fn full_only_program(_name: &str) -> Program {
    crate::lite::full_only
}

/// The program an image's executable runs, by its canonical path, for files that carry no
/// program of their own (image layers hold bytes, not program names). Extend this table
/// with the image binaries the playground models (nginx, mysqld, ...).
pub fn known_binary(path: &str) -> Option<&'static str> {
    match path {
        "/bin/busybox" => Some("busybox"),
        other => crate::programs::binary_at(other),
    }
}

/// Typical VSZ and RSS (KiB) of a program on the article's host, for `ps`.
pub fn footprint(name: &str) -> (u64, u64) {
    match name {
        "bash" => (115_676, 2_040),
        "ps" => (155_448, 1_860),
        "sudo" => (246_456, 4_544),
        "unshare" => (107_988, 584),
        "nsenter" => (107_992, 580),
        "sleep" => (107_956, 356),
        "grep" => (112_828, 976),
        "ip" => (116_624, 1_308),
        "busybox" => (1_624, 940),
        // macOS programs map the 4 GiB shared region: VSZ is large for anything.
        "ps-bsd" => (4_268_408, 1_148),
        "ls-bsd" | "uname-bsd" | "hostname-bsd" | "ifconfig-bsd" | "sw_vers" => (4_268_180, 1_020),
        "rdctl" => (5_011_884, 21_460),
        _ => (107_948, 612),
    }
}

/// The usage line GNU tools print after an option error.
pub fn gnu_try(name: &str) -> String {
    format!("Try '{name} --help' for more information.\n")
}

/// Parses GNU-style short and long options. `with_arg` lists short options that take an
/// argument. Returns flags (short letters or long names), option arguments and operands.
pub struct Parsed {
    pub flags: Vec<String>,
    pub values: Vec<(String, String)>,
    pub operands: Vec<String>,
}

pub enum OptError {
    /// `invalid option -- 'x'`
    Invalid(char),
    /// `unrecognized option '--foo'`
    Unrecognized(String),
    /// `option requires an argument -- 'x'`
    MissingArg(char),
    /// `option '--foo' requires an argument`
    MissingLongArg(String),
}

impl OptError {
    pub fn message(&self, name: &str) -> String {
        match self {
            OptError::Invalid(c) => format!("{name}: invalid option -- '{c}'\n"),
            OptError::Unrecognized(o) => format!("{name}: unrecognized option '{o}'\n"),
            OptError::MissingArg(c) => format!("{name}: option requires an argument -- '{c}'\n"),
            OptError::MissingLongArg(o) => format!("{name}: option '{o}' requires an argument\n"),
        }
    }
}

/// getopt_long with permutation: options may follow operands until `--`.
pub fn getopt(args: &[String], short: &str, with_arg: &str, long: &[&str], long_arg: &[&str]) -> Result<Parsed, OptError> {
    let mut p = Parsed { flags: Vec::new(), values: Vec::new(), operands: Vec::new() };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            p.operands.extend(args[i + 1..].iter().cloned());
            break;
        }
        if let Some(l) = a.strip_prefix("--") {
            let (lname, inline) = match l.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (l, None),
            };
            // Unambiguous prefixes are accepted, as getopt_long does.
            let all: Vec<&str> = long.iter().chain(long_arg.iter()).copied().collect();
            let exact = all.iter().find(|n| **n == lname).copied();
            let cands: Vec<&str> = all.iter().filter(|n| n.starts_with(lname)).copied().collect();
            let full = match (exact, cands.len()) {
                (Some(e), _) => e,
                (None, 1) => cands[0],
                _ => return Err(OptError::Unrecognized(a.clone())),
            };
            if long_arg.contains(&full) {
                let v = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(OptError::MissingLongArg(format!("--{full}"))),
                        }
                    }
                };
                p.values.push((full.to_string(), v));
            } else {
                p.flags.push(full.to_string());
            }
            i += 1;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                if with_arg.contains(c) {
                    let rest: String = chars[j + 1..].iter().collect();
                    let v = if !rest.is_empty() {
                        rest
                    } else {
                        i += 1;
                        match args.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(OptError::MissingArg(c)),
                        }
                    };
                    p.values.push((c.to_string(), v));
                    break;
                } else if short.contains(c) {
                    p.flags.push(c.to_string());
                } else {
                    return Err(OptError::Invalid(c));
                }
                j += 1;
            }
            i += 1;
            continue;
        }
        p.operands.push(a.clone());
        i += 1;
    }
    Ok(p)
}

impl Parsed {
    pub fn has(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
    pub fn value(&self, f: &str) -> Option<&str> {
        self.values.iter().rev().find(|(n, _)| n == f).map(|(_, v)| v.as_str())
    }
}
