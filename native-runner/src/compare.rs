//! `native-runner compare SCENARIO [--real-socket PATH] [--docker BIN]`: types each step of a
//! scenario (`scenario.rs`) with the real docker CLI into the simulated dockerd
//! (`native-runner daemon` on a temporary socket) and, with `--real-socket`, into real
//! dockerd; stdout, stderr and exit code must be equal after `normalize`. Prints `ok` or
//! `DIFFER` with a unified diff per step; any difference makes the exit status 1.
//! Without `--real-socket` it prints what the simulation answered, step by step.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::diff::unified;
use crate::normalize::Normalizer;
use crate::scenario::{self, Kind, Line};

/// Writes to stdout, ignoring a closed pipe (`compare ... | head`) instead of panicking.
macro_rules! say_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($t)*);
    }};
}

macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

pub const USAGE: &str = "usage: native-runner compare SCENARIO [--real-socket PATH] [--docker BIN]\n";

/// Longest one docker command may take before it counts as hung.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

struct Options {
    scenario: String,
    real: Option<String>,
    docker: String,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options { scenario: String::new(), real: None, docker: "docker".into() };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--real-socket" => o.real = Some(it.next().ok_or("--real-socket needs a path")?.clone()),
            "--docker" => o.docker = it.next().ok_or("--docker needs a program")?.clone(),
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            s if o.scenario.is_empty() => o.scenario = s.to_string(),
            s => return Err(format!("one scenario at a time (also got {s})\n{USAGE}")),
        }
    }
    if o.scenario.is_empty() {
        return Err(USAGE.into());
    }
    Ok(o)
}

/// What one docker command printed and returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `docker -H unix://SOCK ARGS...`, killing it after STEP_TIMEOUT.
pub fn docker(bin: &str, sock: &str, args: &[String]) -> Result<Outcome, String> {
    let mut child = Command::new(bin)
        .arg("-H")
        .arg(format!("unix://{sock}"))
        .args(args)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{bin}: {e}"))?;
    let reader = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = reader(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let err = reader(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(s);
        }
        if start.elapsed() > STEP_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out.join().unwrap_or_default();
    let mut stderr = err.join().unwrap_or_default();
    let code = match status {
        Some(s) => s.code().unwrap_or(-1),
        None => {
            stderr.push_str(&format!("<compare: killed after {}s>\n", STEP_TIMEOUT.as_secs()));
            -1
        }
    };
    Ok(Outcome { stdout, stderr, code })
}

/// `native-runner daemon` on a socket in a temporary directory, stopped and removed on drop.
pub struct SimDaemon {
    child: Child,
    dir: PathBuf,
    pub socket: String,
}

impl SimDaemon {
    pub fn start(exe: &Path) -> Result<SimDaemon, String> {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("native-runner-compare-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let socket = dir.join("sim.sock").to_string_lossy().into_owned();
        let child = Command::new(exe)
            .args(["daemon", "--socket", &socket])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", exe.display()))?;
        let d = SimDaemon { child, dir, socket };
        let start = Instant::now();
        while !ping(&d.socket) {
            if start.elapsed() > Duration::from_secs(20) {
                return Err(format!("the simulated dockerd did not answer on {}", d.socket));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(d)
    }
}

impl Drop for SimDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// True when `GET /_ping` on the socket answers 200.
fn ping(socket: &str) -> bool {
    let Ok(mut s) = UnixStream::connect(socket) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && &head == b"HTTP/1.1 200"
}

pub fn run(args: &[String]) -> ExitCode {
    match run_inner(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprint!("native-runner compare: {e}");
            if !e.ends_with('\n') {
                eprintln!();
            }
            ExitCode::from(2)
        }
    }
}

/// Ok(true) when every step matched (or there was nothing to compare with).
fn run_inner(args: &[String]) -> Result<bool, String> {
    let o = parse_args(args)?;
    let text = std::fs::read_to_string(&o.scenario).map_err(|e| format!("{}: {e}", o.scenario))?;
    let lines = scenario::parse(&text, &o.scenario)?;
    let exe = std::env::current_exe().map_err(|e| format!("current executable: {e}"))?;
    let sim = SimDaemon::start(&exe)?;
    match &o.real {
        Some(real) => compare(&o, &lines, &sim.socket, real),
        None => show(&o, &lines, &sim.socket),
    }
}

/// The image fields a container inherits, compared before any step uses the image.
const IMAGE_CONFIG: &str = "{{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Config.Env}} {{.Config.WorkingDir}} {{.Config.User}} {{.Os}}/{{.Architecture}} {{.Size}}";
const LOAD_HINT: &str = "native-runner build-images --out DIR --fill-from amd64=ALPINE_MINIROOTFS.tar.gz alpine:3.15 && docker load -i DIR/alpine-3.15.tar";

/// `image REF`: pulled from the simulation's registry; on the real daemon it must be there.
fn ensure_image(o: &Options, sim: &str, real: Option<&str>, image: &str) -> Result<(), String> {
    let pulled = docker(&o.docker, sim, &["pull".into(), "-q".into(), image.into()])?;
    if pulled.code != 0 {
        return Err(format!("the simulated dockerd cannot pull {image}: {}", pulled.stderr));
    }
    let Some(real) = real else { return Ok(()) };
    // What a container of the image starts with must be the same image on both sides (an
    // image imported from a rootfs tarball has no Env, for one).
    let config: Vec<String> = ["image", "inspect", "--format", IMAGE_CONFIG, image].iter().map(|s| s.to_string()).collect();
    let have = docker(&o.docker, real, &config)?;
    if have.code != 0 {
        return Err(format!("real dockerd at {real} has no {image}, and compare never pulls; load the project's image: {LOAD_HINT}"));
    }
    let want = docker(&o.docker, sim, &config)?;
    if have.stdout != want.stdout {
        return Err(format!("real dockerd's {image} is not the project's image:\n  real:      {}  simulated: {}load the project's image: {LOAD_HINT}", have.stdout, want.stdout));
    }
    Ok(())
}

fn show(o: &Options, lines: &[Line], sim: &str) -> Result<bool, String> {
    for l in lines {
        match l.kind {
            Kind::Image => ensure_image(o, sim, None, &l.args[0])?,
            Kind::Setup | Kind::Cleanup => {
                docker(&o.docker, sim, &l.args)?;
            }
            Kind::Step => {
                let r = docker(&o.docker, sim, &l.args)?;
                say!("$ docker {}", scenario::quote_words(&l.args));
                say_raw!("{}{}", r.stdout, r.stderr);
                if r.code != 0 {
                    say!("[exit {}]", r.code);
                }
            }
        }
    }
    Ok(true)
}

/// The differences between two outcomes after normalizing, as unified diffs; empty if none.
pub fn differences(n: &Normalizer, real: &Outcome, sim: &Outcome) -> String {
    let mut out = String::new();
    for (what, r, s) in [("stdout", &real.stdout, &sim.stdout), ("stderr", &real.stderr, &sim.stderr)] {
        out.push_str(&unified(&n.apply(r), &n.apply(s), &format!("real dockerd ({what})"), &format!("simulated dockerd ({what})")));
    }
    if real.code != sim.code {
        out.push_str(&format!("exit code: real {}, simulated {}\n", real.code, sim.code));
    }
    out
}

fn compare(o: &Options, lines: &[Line], sim: &str, real: &str) -> Result<bool, String> {
    // A private real daemon (scripts/real-dockerd.sh) keeps its files elsewhere: its data
    // root, as it reports it, reads as the simulation's.
    let root = |sock: &str| -> Result<String, String> {
        let args: Vec<String> = ["info", "--format", "{{.DockerRootDir}}"].iter().map(|s| s.to_string()).collect();
        Ok(docker(&o.docker, sock, &args)?.stdout.trim().to_string())
    };
    let n = Normalizer::new()?.with_literal(&root(real)?, &root(sim)?);
    say!("compare {}: real docker CLI ({}) into real dockerd ({real}) and the simulated dockerd ({sim})", o.scenario, o.docker);
    let (mut ok, mut differ) = (0, 0);
    for l in lines.iter().filter(|l| l.kind != Kind::Cleanup) {
        match l.kind {
            Kind::Image => ensure_image(o, sim, Some(real), &l.args[0])?,
            Kind::Setup => {
                docker(&o.docker, real, &l.args)?;
                docker(&o.docker, sim, &l.args)?;
            }
            _ => {
                let r = docker(&o.docker, real, &l.args)?;
                let s = docker(&o.docker, sim, &l.args)?;
                let d = differences(&n, &r, &s);
                let cmd = scenario::quote_words(&l.args);
                if d.is_empty() {
                    ok += 1;
                    say!("ok      {}:{}: docker {cmd}", o.scenario, l.number);
                } else {
                    differ += 1;
                    say!("DIFFER  {}:{}: docker {cmd}", o.scenario, l.number);
                    for line in d.lines() {
                        say!("        {line}");
                    }
                }
            }
        }
    }
    for l in lines.iter().filter(|l| l.kind == Kind::Cleanup) {
        docker(&o.docker, real, &l.args)?;
        docker(&o.docker, sim, &l.args)?;
    }
    say!("{}: {} steps, {ok} ok, {differ} differ", o.scenario, ok + differ);
    Ok(differ == 0)
}
