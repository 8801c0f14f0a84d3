//! What a desktop app does between the Mac and its Linux VM: it carries connections to the
//! Docker socket into the VM (`daemon_endpoint`), forwards published ports to the Mac's
//! loopback (`forwarded_port`), and opens a shell in the VM (`guest_login`, for
//! `rdctl shell`).
//!
//! How the docker CLI is wired to it (integrator): where the CLI builds its transport as
//! `SimTransport::new(k, pid, path)`, it calls `daemon_endpoint(k, pid, path)` and builds
//! `SimTransport::new(ep.kernel, ep.pid, &ep.path)`; when `ep.crossed`, a terminal the
//! transport hands over (`take_terminal`) is marked with `Machine::cross_into_guest` before
//! it is returned, and the socket inspector reads the exchanges from the guest's dockerd
//! (`k.guest.kernel.docker.socket_log`) and the crossing from `k.guest.crossings`.

use crate::kernel::guest::Guest;
use crate::kernel::process::Exec;
use crate::kernel::vfs::FileType;
use crate::kernel::{Errno, Kernel, Pid, ProcState};
use crate::shell::exec::exec_program;
use crate::shell::{Machine, Shell};
use crate::utils::{Io, Outcome};

/// Where a connection to a unix socket ends up.
pub struct Endpoint<'a> {
    /// The kernel whose daemon listens.
    pub kernel: &'a mut Kernel,
    /// The process that connects there (the caller, or the forwarder inside the VM).
    pub pid: Pid,
    /// The socket path on that kernel.
    pub path: String,
    /// The connection went from the Mac into the VM.
    pub crossed: bool,
}

/// Which kernel serves the socket `socket_path` for process `pid` of `k`: the VM's, when the
/// path (after symlinks) is a socket the desktop app forwards and `pid` may open it; else
/// `k` itself (its own dockerd, or nobody: the transport then reports the daemon down).
pub fn daemon_endpoint<'a>(k: &'a mut Kernel, pid: Pid, socket_path: &str) -> Endpoint<'a> {
    let forward = match (&k.guest, k.resolve(pid, socket_path, true)) {
        (Some(g), Ok(r)) => {
            let st = k.stat_loc(&r.loc);
            let usable = st.map(|s| s.ftype == FileType::Socket && k.may_with_groups(pid, &s, 2)).unwrap_or(false);
            // Only while the app's process that carries the socket lives (kill it, and the
            // Mac's docker.sock leads nowhere).
            let carried = |f: &&crate::kernel::guest::SocketForward| usable && k.procs.contains_key(&f.host_pid);
            g.socket(&r.path).filter(carried).map(|f| (f.guest_path.clone(), f.guest_pid, r.path.clone()))
        }
        _ => None,
    };
    let Some((guest_path, guest_pid, host_path)) = forward else {
        return Endpoint { kernel: k, pid, path: socket_path.to_string(), crossed: false };
    };
    let now = k.now;
    // `forward` was found in the guest, so there is one.
    let g = k.guest.as_deref_mut().expect("a forward implies a guest");
    g.kernel.now = g.kernel.now.max(now);
    g.crossings.push((host_path, guest_path.clone()));
    Endpoint { kernel: &mut g.kernel, pid: guest_pid, path: guest_path, crossed: true }
}

/// The function the integrator calls from the transport: the kernel that serves
/// `socket_path` (see [`daemon_endpoint`] for the PID and path to use there).
pub fn daemon_kernel<'a>(k: &'a mut Kernel, pid: Pid, socket_path: &str) -> Option<&'a mut Kernel> {
    let ep = daemon_endpoint(k, pid, socket_path);
    let serves = ep.kernel.docker.as_ref().map(|d| d.running()).unwrap_or(false);
    serves.then_some(ep.kernel)
}

/// A published port of a container in the VM, as the Mac reaches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortRoute {
    /// The Mac process listening on the port (com.docker.backend, the Lima hostagent).
    pub host_pid: Pid,
    /// `*` or `127.0.0.1`.
    pub listen: String,
    /// The container whose port it is (in the VM's dockerd).
    pub container: String,
}

/// `curl localhost:PORT` on the Mac: the route through the desktop's port forwarder to the
/// container that publishes `port` in the VM, if any.
pub fn forwarded_port(k: &Kernel, port: u16) -> Option<PortRoute> {
    let g: &Guest = k.guest.as_deref()?;
    // The forwarder is a Mac process: without it the port is open in the VM only.
    if !k.procs.contains_key(&g.ports.host_pid) {
        return None;
    }
    let d = g.kernel.docker.as_ref()?;
    let container = d.ports_in_use.get(&port)?.clone();
    Some(PortRoute { host_pid: g.ports.host_pid, listen: g.ports.listen.clone(), container })
}

/// How `limactl shell` reaches the VM: the user's login shell over ssh.
pub struct GuestLogin<'a> {
    pub user: &'a str,
    pub uid: u32,
    pub gid: u32,
    /// The directory to start in (the Mac's current directory, shared into the VM), and
    /// where to go when the VM has no such directory (`cd DIR || cd HOME`).
    pub cwd: &'a str,
    pub fallback_cwd: &'a str,
    pub shell: &'a str,
    /// The VM's sshd (the listener) the session hangs off.
    pub sshd: Pid,
    pub env: Vec<(String, String)>,
}

/// Opens the user's shell in the guest of `k` as sshd does: `sshd: USER [priv]` (root),
/// `sshd: USER@pts/0`, then `$SHELL --login` (with `-c CMD` when a command is given).
/// Returns the interactive shell, already marked as on the guest and with the two sshd
/// processes as its waiters, or the command's output and status.
/// An interactive shell in the guest, or a command's output and status.
pub type GuestSession = Result<Box<Shell>, (Vec<u8>, i32)>;

pub fn guest_login(k: &mut Kernel, l: &GuestLogin, command: Option<&str>, cols: usize) -> Result<GuestSession, Errno> {
    let now = k.now;
    let g = k.guest.as_deref_mut().ok_or(Errno::ENOENT)?;
    let gk = &mut g.kernel;
    gk.now = gk.now.max(now);
    let sshd = |argv: &str, uid: u32, gid: u32| Exec {
        comm: "sshd".into(),
        argv: vec![argv.to_string()],
        exe: "/usr/sbin/sshd".into(),
        uid,
        gid,
        cwd: "/".into(),
        vsz_kb: 7_040,
        rss_kb: 3_400,
        state: Some(ProcState::Sleeping),
        session_leader: uid == 0,
        ..Exec::default()
    };
    let cwd = if gk.resolve(l.sshd, l.cwd, true).is_ok() { l.cwd } else { l.fallback_cwd };
    let tty = if command.is_none() { Some("pts/0".to_string()) } else { None };
    let privsep = gk.spawn(l.sshd, sshd(&format!("sshd: {} [priv]", l.user), 0, 0))?;
    let session = gk.spawn(privsep, sshd(&format!("sshd: {}@{}", l.user, if tty.is_some() { "pts/0" } else { "notty" }), l.uid, l.gid))?;
    let mut argv = vec![l.shell.to_string(), "--login".to_string()];
    if let Some(c) = command {
        argv.push("-c".into());
        argv.push(c.to_string());
    }
    let shell_exec = Exec {
        comm: l.shell.rsplit('/').next().unwrap_or(l.shell).into(),
        argv: argv.clone(),
        env: l.env.clone(),
        exe: l.shell.into(),
        uid: l.uid,
        gid: l.gid,
        cwd: cwd.into(),
        tty: tty.clone(),
        session_leader: true,
        foreground: true,
        ..Exec::default()
    };
    let shell_pid = gk.spawn(session, shell_exec)?;
    let io = if command.is_some() { Io { cols, ..Io::default() } } else { Io::terminal(cols) };
    let outcome = exec_program(gk, shell_pid, argv, l.env.clone(), io);
    match outcome {
        Ok((Outcome::Shell(mut sh), _)) => {
            // `cd DIR; exec $SHELL --login`: the login shell stays where limactl went.
            sh.vars.set("PWD", cwd, true);
            if let Some(p) = gk.procs.get_mut(&shell_pid) {
                p.cwd = cwd.to_string();
            }
            sh.waiters.push(session);
            sh.waiters.push(privsep);
            Machine::cross_into_guest(&mut sh);
            Ok(Ok(sh))
        }
        Ok((Outcome::Exit(code), io)) => {
            for p in [shell_pid, session, privsep] {
                gk.exit(p);
            }
            let mut out = io.out;
            out.extend_from_slice(&io.err);
            Ok(Err((out, code)))
        }
        Ok((Outcome::Running { .. }, io)) => {
            for p in [shell_pid, session, privsep] {
                gk.exit(p);
            }
            Ok(Err((io.out, 0)))
        }
        Err((_, io)) => {
            for p in [shell_pid, session, privsep] {
                gk.exit(p);
            }
            let mut out = io.out;
            out.extend_from_slice(format!("sh: {}: not found\n", l.shell).as_bytes());
            Ok(Err((out, 127)))
        }
    }
}
