//! What containerd, the shim and runc do on the kernel: a container's processes, namespaces,
//! mounts and network, and their teardown. This is the engine's kernel-facing side: the same
//! steps native-runner performs with real syscalls.

use crate::kernel::process::{Caps, Exec};
use crate::kernel::vfs::{Loc, Node, NodeKind, SbKind, TreeFs};
use crate::kernel::{Kernel, NsId, Pid, ProcState};
use crate::shell::exec::{exec_program, LookupError};
use crate::utils::{Io, Outcome};

use super::containerd::{ExecTask, Publish, Task, TaskNetwork};
use super::containers::{hosts_file, log_lines, stream_bytes, stream_segments, CONTAINERS};
use super::json::Stamp;
use super::{hostfs, network, Dockerd};

pub struct Started {
    pub pid: Pid,
}

#[derive(Clone, Debug)]
pub struct StartError {
    /// `exec: "httpd": executable file not found in $PATH`
    pub message: String,
    pub exit_code: i32,
}

/// The mount options of the host's root filesystem, as bind mounts of its files show them.
const ROOT_DEV: &str = "/dev/nvme0n1p1";
const ROOT_OPTS: &str = "rw,noatime,attr2,inode64,noquota";

fn dev_tree(now: i64) -> TreeFs {
    let mut t = TreeFs::new(0o755, now);
    let chr = |a, b| Node::other(NodeKind::CharDev(a, b), 0o666, 0, 0, now);
    let link = |s: &str| Node::other(NodeKind::Symlink(s.to_string()), 0o777, 0, 0, now);
    t.put("/fd", link("/proc/self/fd"));
    t.put("/full", chr(1, 7));
    t.put("/mqueue", Node::dir(0o1777, 0, 0, now));
    t.put("/null", chr(1, 3));
    t.put("/ptmx", link("pts/ptmx"));
    t.put("/pts", Node::dir(0o755, 0, 0, now));
    t.put("/random", chr(1, 8));
    t.put("/shm", Node::dir(0o1777, 0, 0, now));
    t.put("/stderr", link("/proc/self/fd/2"));
    t.put("/stdin", link("/proc/self/fd/0"));
    t.put("/stdout", link("/proc/self/fd/1"));
    t.put("/tty", chr(5, 0));
    t.put("/urandom", chr(1, 9));
    t.put("/zero", chr(1, 5));
    t
}

/// The host file at `path` as a bind-mount source: its superblock and inode.
fn host_file(k: &Kernel, daemon: Pid, path: &str) -> Option<(usize, usize)> {
    match k.resolve(daemon, path, true).ok()?.loc {
        Loc::Tree { sb, ino } => Some((sb, ino)),
        _ => None,
    }
}

/// The process's environment as dockerd builds it (`CreateDaemonEnvironment`): PATH,
/// HOSTNAME and TERM (with a TTY) first, then the container's Env replacing those in place
/// or appended in order (a name without `=` unsets it); runc adds HOME last when unset.
fn process_env(list: &[String], hostname: &str, tty: bool) -> Vec<(String, String)> {
    let mut env: Vec<(String, Option<String>)> = vec![
        ("PATH".into(), Some("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into())),
        ("HOSTNAME".into(), Some(hostname.to_string())),
    ];
    if tty {
        env.push(("TERM".into(), Some("xterm".into())));
    }
    for e in list {
        let (name, value) = match e.split_once('=') {
            Some((a, b)) => (a, Some(b.to_string())),
            None => (e.as_str(), None),
        };
        match env.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None if value.is_some() => env.push((name.to_string(), value)),
            None => {}
        }
    }
    let mut env: Vec<(String, String)> = env.into_iter().filter_map(|(n, v)| v.map(|v| (n, v))).collect();
    if !env.iter().any(|(n, _)| n == "HOME") {
        env.push(("HOME".into(), "/root".into()));
    }
    env
}

/// Resolves `USER[:GROUP]` (names or numbers) against the container's /etc/passwd.
fn user_ids(k: &Kernel, pid: Pid, user: &str) -> (u32, u32) {
    if user.is_empty() {
        return (0, 0);
    }
    let (u, g) = user.split_once(':').unwrap_or((user, ""));
    let passwd = k.resolve(pid, "/etc/passwd", true).ok().and_then(|r| k.read_loc(pid, &r.loc).ok()).unwrap_or_default();
    let passwd = String::from_utf8_lossy(&passwd);
    let mut ids = u.parse::<u32>().ok().map(|n| (n, n));
    if ids.is_none() {
        ids = passwd.lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.first() != Some(&u) {
                return None;
            }
            Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?))
        });
    }
    let (uid, gid) = ids.unwrap_or((0, 0));
    (uid, g.parse().unwrap_or(gid))
}

pub fn start(d: &mut Dockerd, k: &mut Kernel, id: &str) -> Result<Started, StartError> {
    let Some(c) = d.containers.get(id).cloned() else { return Err(StartError { message: "no such container".into(), exit_code: 125 }) };
    let daemon = d.daemon_pid();
    let now = k.now;
    // runc and its helpers use a few PIDs before the shim.
    k.skip_pids(NsId(0), 9);
    let shim_exec = Exec {
        comm: "containerd-shim".into(),
        argv: ["/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", id, "-address", "/run/containerd/containerd.sock"].iter().map(|s| s.to_string()).collect(),
        exe: "/usr/bin/containerd-shim-runc-v2".into(),
        cwd: format!("/run/containerd/io.containerd.runtime.v2.task/moby/{id}"),
        vsz_kb: 711_720,
        rss_kb: 9_136,
        threads: 10,
        state: Some(ProcState::Sleeping),
        ..Exec::default()
    };
    let shim = k.spawn(1, shim_exec).map_err(|e| StartError { message: e.to_string(), exit_code: 125 })?;
    // The shim's ttrpc socket (fd 12, as `ss -xlp` shows it under real containerd 1.6).
    let shim_socket = shim_socket_path(id);
    let _ = hostfs::mkdir_p(k, 1, "/run/containerd/s", 0o700);
    let _ = hostfs::put(k, 1, &shim_socket, Node::other(NodeKind::Socket, 0o600, 0, 0, now));
    k.sockets.fd_floor.insert(shim, 12);
    let _ = k.bind_socket(shim, crate::kernel::sockets::Bind::unix(&shim_socket, u32::MAX));
    let fail = |k: &mut Kernel, msg: String, code: i32| {
        k.exit(shim);
        let _ = hostfs::remove_all(k, 1, &shim_socket);
        StartError { message: msg, exit_code: code }
    };
    if !c.pid_host && k.unshare_pid(shim).is_err() {
        return Err(fail(k, "cannot create a PID namespace".into(), 125));
    }
    k.skip_pids(NsId(0), 22);
    let tty = c.tty;
    let init_exec = Exec {
        comm: "runc:[2:INIT]".into(),
        argv: c.argv(),
        exe: "/".into(),
        cwd: "/".into(),
        tty: tty.then(|| "pts/0".to_string()),
        session_leader: true,
        foreground: tty,
        state: Some(ProcState::Sleeping),
        ..Exec::default()
    };
    let Ok(init) = k.spawn(shim, init_exec) else { return Err(fail(k, "cannot start the container's init".into(), 125)) };
    if let Some(p) = k.procs.get_mut(&init) {
        p.caps = if c.privileged { Caps::Full } else { Caps::DockerDefault };
    }
    // runc init (a Go program, PID 1 until it execs the command) starts threads that take
    // PIDs 2-6 of the new namespace: the first process after PID 1 is PID 7.
    if !c.pid_host {
        if let Some(ns) = k.procs.get(&init).map(|p| p.ns.pid) {
            k.skip_pids(ns, 5);
        }
    }
    // The container's namespaces: mount, UTS (its hostname), IPC, and network.
    let _ = k.enter_empty_mount_ns(init);
    let _ = k.unshare_uts(init);
    let _ = k.unshare_ipc(init);
    let hostname = c.hostname();
    if let Some(uts) = k.procs.get(&init).map(|p| p.ns.uts).and_then(|u| k.uts_ns.get_mut(&u)) {
        uts.hostname = hostname.clone();
    }
    let mode = c.network_mode.clone();
    let mut endpoint = None;
    let mut netns = None;
    if mode != "host" {
        if let Ok(ns) = k.unshare_net(init) {
            netns = Some(ns);
            if let Some(lo) = k.net_ns.get_mut(&ns).and_then(|n| n.links.get_mut(&1)) {
                lo.up = true;
                lo.carrier = true;
                lo.qdisc = "noqueue";
                // Docker turns IPv6 off in a container's namespace.
                lo.ipv6_disabled = true;
                lo.addrs.push(crate::kernel::net::IfAddr { addr: [127, 0, 0, 1], prefix: 8, brd: None, dynamic_lft: None });
            }
            if mode != "none" {
                let target = if mode == "default" { "bridge".to_string() } else { mode.clone() };
                if let Some(n) = d.networks.iter_mut().find(|n| n.name == target || n.id == target) {
                    endpoint = network::connect(k, n, id, ns);
                    if let (Some(ep), false) = (&endpoint, n.default_bridge) {
                        super::dns::register(k, &n.id, &c, ep.ip);
                    }
                }
            }
        }
    }
    // /etc/hosts, /etc/hostname, /etc/resolv.conf, kept by dockerd and bind-mounted in.
    let dir = format!("{CONTAINERS}/{id}");
    // On a user-defined network the embedded DNS server answers; elsewhere the host's file.
    let user_network = !matches!(mode.as_str(), "default" | "bridge" | "host" | "none");
    let resolv = if user_network { super::dns::RESOLV_CONF.as_bytes().to_vec() } else { hostfs::read(k, daemon, "/etc/resolv.conf").unwrap_or_default() };
    let _ = hostfs::write(k, daemon, &format!("{dir}/hostname"), format!("{hostname}\n").as_bytes(), 0o644);
    let _ = hostfs::write(k, daemon, &format!("{dir}/hosts"), hosts_file(endpoint.as_ref().map(|e| e.ip), &hostname).as_bytes(), 0o644);
    let _ = hostfs::write(k, daemon, &format!("{dir}/resolv.conf"), &resolv, 0o644);
    let _ = hostfs::write(k, daemon, &format!("{dir}/{id}-json.log"), b"", 0o640);
    let read_only_root = c.host_config.get("ReadonlyRootfs").and_then(|v| v.as_bool()).unwrap_or(false);
    mount_rootfs(k, daemon, init, &c, &dir, now, read_only_root);
    // Published ports: a docker-proxy per port and address family, under dockerd.
    let mut proxies = Vec::new();
    if let Some(ep) = &endpoint {
        for b in &c.ports {
            let (cport, proto) = b.port.split_once('/').unwrap_or((&b.port, "tcp"));
            let ips: Vec<&str> = if b.host_ip.is_empty() { vec!["0.0.0.0", "::"] } else { vec![b.host_ip.as_str()] };
            for ip in ips {
                let argv: Vec<String> = ["/usr/bin/docker-proxy", "-proto", proto, "-host-ip", ip, "-host-port", &b.host_port, "-container-ip", &crate::kernel::net::fmt_ip(ep.ip), "-container-port", cport]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                let ex = Exec { comm: "docker-proxy".into(), argv, exe: "/usr/bin/docker-proxy".into(), cwd: "/".into(), vsz_kb: 1_230_224, rss_kb: 3_344, threads: 7, state: Some(ProcState::Sleeping), ..Exec::default() };
                if let Ok(p) = k.spawn(daemon, ex) {
                    // Go's listener: fd 4 after the runtime's epoll descriptor, IPv6 only for
                    // `::`, the backlog somaxconn allows.
                    let addr = ip.parse::<std::net::IpAddr>().unwrap_or(crate::kernel::sockets::any(false));
                    if let Ok(port) = b.host_port.parse::<u16>() {
                        k.sockets.fd_floor.insert(p, 4);
                        let bind = if proto == "udp" { crate::kernel::sockets::Bind::udp(addr, port, addr.is_ipv6()) } else { crate::kernel::sockets::Bind::tcp(addr, port, addr.is_ipv6(), u32::MAX) };
                        let _ = k.bind_socket(p, bind);
                    }
                    proxies.push(p);
                }
            }
            if let Ok(port) = b.host_port.parse::<u16>() {
                d.ports_in_use.insert(port, id.to_string());
            }
            let bridge = bridge_of(d, &c.network_mode);
            network::publish(k, &bridge, ep.ip, proto, cport, &b.host_port);
        }
    }
    // runc execs the command: PATH lookup in the container, as the image's user.
    let user = c.config.get("User").and_then(|u| u.as_str()).unwrap_or("").to_string();
    let (uid, gid) = user_ids(k, init, &user);
    let workdir = c.config.get("WorkingDir").and_then(|w| w.as_str()).filter(|w| !w.is_empty()).unwrap_or("/").to_string();
    if let Some(p) = k.procs.get_mut(&init) {
        p.uid = uid;
        p.gid = gid;
        p.cwd = workdir;
    }
    let env = process_env(&c.env(), &hostname, tty);
    let mut host = None;
    let open_stdin = c.config.get("OpenStdin").and_then(|v| v.as_bool()).unwrap_or(false);
    let io = Io { stdin_tty: tty && open_stdin, tty_out: tty, err_to_out: tty, cols: 80, background: true, ..Io::default() };
    let task_env: Vec<String> = env.iter().map(|(a, b)| format!("{a}={b}")).collect();
    let result = match d.containerd.clone() {
        // The container runs for real: the simulated PID 1 stays as the engine's bookkeeping.
        Some(rt) => {
            let task = real_task(d, k, &c, init, endpoint.as_ref(), task_env, (uid, gid), daemon);
            match rt.start(&task) {
                Ok(host_pid) => {
                    host = Some(host_pid);
                    Ok((Outcome::Running { until: None }, io))
                }
                Err(e) => {
                    teardown(d, k, id, shim, init, &proxies, netns);
                    return Err(StartError { message: e.message, exit_code: e.exit_code });
                }
            }
        }
        None => exec_program(k, init, c.argv(), env, io),
    };
    let (outcome, io) = match result {
        Ok(x) => x,
        Err((e, _)) => {
            let name = c.path.clone();
            let (msg, code) = match e {
                LookupError::NotFound => (format!("exec: \"{name}\": executable file not found in $PATH"), 127),
                LookupError::NoSuchFile => (format!("exec: \"{name}\": stat {name}: no such file or directory"), 127),
                LookupError::ExecFormat => ("exec format error".to_string(), 1),
                _ => (format!("exec: \"{name}\": permission denied"), 126),
            };
            teardown(d, k, id, shim, init, &proxies, netns);
            return Err(StartError { message: msg, exit_code: code });
        }
    };
    let started = Stamp::now(k);
    let Some(cm) = d.containers.get_mut(id) else { return Err(StartError { message: "container vanished".into(), exit_code: 125 }) };
    for (stream, bytes) in io.streams() {
        cm.logs.extend(log_lines(stream, started, &if tty { onlcr(bytes) } else { bytes.to_vec() }));
    }
    cm.shim_pid = Some(shim);
    cm.proxies = proxies;
    cm.netns = netns;
    cm.sandbox_id = if cm.sandbox_id.is_empty() { super::store::random_hex64(k) } else { cm.sandbox_id.clone() };
    cm.state.running = true;
    cm.state.status = "running".into();
    cm.state.pid = init;
    cm.state.host_pid = host;
    cm.state.exit_code = 0;
    cm.state.error.clear();
    cm.state.started_at = Some(started);
    cm.state.finished_at = None;
    cm.state.exits_at = None;
    match outcome {
        Outcome::Exit(code) => {
            k.exit_with(init, code);
        }
        Outcome::Running { until } => cm.state.exits_at = until,
        Outcome::Shell(sh) => cm.terminal = Some(sh),
    }
    Ok(Started { pid: init })
}

/// What a real runtime is asked to run: the same values the simulated start uses.
#[allow(clippy::too_many_arguments)]
fn real_task(d: &Dockerd, k: &Kernel, c: &super::containers::Container, init: Pid, ep: Option<&network::Endpoint>, env: Vec<String>, (uid, gid): (u32, u32), daemon: Pid) -> Task {
    let layers = d
        .store
        .images
        .get(&c.image_id)
        .map(|img| img.chain.iter().filter_map(|ch| d.store.layers.get(ch)).map(|l| l.diff_id.to_string()).collect())
        .unwrap_or_default();
    let hostname = c.hostname();
    let net = ep.and_then(|e| {
        let n = d.networks.iter().find(|n| n.endpoints.get(&c.id).is_some_and(|x| x.ip == e.ip))?;
        let (subnet, prefix) = n.subnet?;
        Some(TaskNetwork { network_id: n.id.clone(), default_bridge: n.default_bridge, subnet, ip: e.ip, prefix, gateway: n.gateway?, mac: e.mac })
    });
    let ports = if net.is_some() {
        c.ports
            .iter()
            .filter_map(|b| {
                let (cport, proto) = b.port.split_once('/').unwrap_or((&b.port, "tcp"));
                Some(Publish { proto: proto.to_string(), host_ip: b.host_ip.clone(), host_port: b.host_port.parse().ok()?, container_port: cport.parse().ok()? })
            })
            .collect()
    } else {
        Vec::new()
    };
    let read = |f: &str| hostfs::read(k, daemon, &format!("{CONTAINERS}/{}/{f}", c.id)).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let cwd = k.procs.get(&init).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into());
    Task {
        id: c.id.clone(),
        name: c.name.trim_start_matches('/').to_string(),
        layers,
        argv: c.argv(),
        env,
        cwd,
        uid,
        gid,
        hostname,
        hosts: read("hosts"),
        hostname_file: read("hostname"),
        resolv_conf: read("resolv.conf"),
        network: net,
        ports,
        tty: c.tty,
        read_only: c.host_config.get("ReadonlyRootfs").and_then(|v| v.as_bool()).unwrap_or(false),
    }
}

/// The container's mount table: the overlay root, then what runc mounts over it.
fn mount_rootfs(k: &mut Kernel, daemon: Pid, init: Pid, c: &super::containers::Container, dir: &str, now: i64, read_only_root: bool) {
    let rootfs = &c.rootfs;
    let pid_ns = k.procs.get(&init).map(|p| p.ns.pid).unwrap_or(NsId(0));
    let proc_sb = k.vfs.add_sb("proc", SbKind::Proc { pid_ns }, 0, 0);
    let dev_sb = k.vfs.add_sb("tmpfs", SbKind::Tree(dev_tree(now)), 0, 0);
    let pts_sb = k.vfs.add_sb("devpts", SbKind::Tree(TreeFs::new(0o755, now)), 0, 0);
    let shm_sb = k.vfs.add_sb("tmpfs", SbKind::Tree(TreeFs::new(0o1777, now)), 65_536, 0);
    let mq_sb = k.vfs.add_sb("mqueue", SbKind::Tree(TreeFs::new(0o1777, now)), 0, 0);
    let cg_sb = k.vfs.add_sb("tmpfs", SbKind::Tree(TreeFs::new(0o755, now)), 0, 0);
    let cgv1_sb = k.vfs.add_sb("cgroup", SbKind::Tree(TreeFs::new(0o555, now)), 0, 0);
    let empty_sb = k.vfs.add_sb("tmpfs", SbKind::Tree(TreeFs::new(0o555, now)), 0, 0);
    let sys_sb = k.mounts_of(daemon).iter().find(|m| m.target == "/sys").map(|m| m.sb);
    let files: Vec<(String, Option<(usize, usize)>)> = ["resolv.conf", "hostname", "hosts"]
        .iter()
        .map(|f| (format!("/etc/{f}"), host_file(k, daemon, &format!("{dir}/{f}"))))
        .collect();
    let overlay_opts = format!(
        "{},relatime,lowerdir={},upperdir={}/{}/diff,workdir={}/{}/work",
        if read_only_root { "ro" } else { "rw" },
        rootfs.lowerdir, super::store::OVERLAY2, rootfs.cache_id, super::store::OVERLAY2, rootfs.cache_id
    );
    let Some(mnt) = k.procs.get(&init).map(|p| p.ns.mnt) else { return };
    let Some(ns) = k.mnt_ns.get_mut(&mnt) else { return };
    ns.mount("/", rootfs.overlay_sb, "overlay", &overlay_opts);
    // Volumes and bind mounts: host directories ready, mount points made in the root.
    let binds = super::binds::prepare(k, daemon, init, &c.mounts);
    let Some(ns) = k.mnt_ns.get_mut(&mnt) else { return };
    ns.mount("/proc", proc_sb, "proc", "rw,nosuid,nodev,noexec,relatime");
    ns.mount("/dev", dev_sb, "tmpfs", "rw,nosuid,size=65536k,mode=755");
    ns.mount("/dev/pts", pts_sb, "devpts", "rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666");
    if let Some(sys) = sys_sb {
        ns.mount("/sys", sys, "sysfs", "ro,nosuid,nodev,noexec,relatime");
        ns.mount("/sys/fs/cgroup", cg_sb, "tmpfs", "rw,nosuid,nodev,noexec,relatime,mode=755");
        // cgroup v1: one hierarchy per controller, read-only in the container.
        for c in ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids"] {
            ns.mount(&format!("/sys/fs/cgroup/{c}"), cgv1_sb, "cgroup", &format!("ro,nosuid,nodev,noexec,relatime,{c}"));
        }
        ns.mount("/sys/fs/cgroup/systemd", cgv1_sb, "cgroup", "ro,nosuid,nodev,noexec,relatime,name=systemd");
    }
    ns.mount("/dev/mqueue", mq_sb, "mqueue", "rw,nosuid,nodev,noexec,relatime");
    ns.mount("/dev/shm", shm_sb, "shm", "rw,nosuid,nodev,noexec,relatime,size=65536k");
    let ro_opts = format!("ro{}", ROOT_OPTS.strip_prefix("rw").unwrap_or(ROOT_OPTS));
    for b in &binds {
        ns.bind(&b.target, b.sb, b.ino, ROOT_DEV, if b.read_only { &ro_opts } else { ROOT_OPTS });
    }
    // The network files are read-only too with a read-only root (`NetworkMounts`).
    for (target, src) in files {
        if let Some((sb, ino)) = src {
            ns.bind(&target, sb, ino, ROOT_DEV, if read_only_root { &ro_opts } else { ROOT_OPTS });
        }
    }
    for p in ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys"] {
        ns.mount(p, proc_sb, "proc", "ro,nosuid,nodev,noexec,relatime");
    }
    ns.mount("/proc/acpi", empty_sb, "tmpfs", "ro,relatime");
    ns.mount("/proc/keys", dev_sb, "tmpfs", "rw,nosuid,size=65536k,mode=755");
    ns.mount("/proc/timer_list", dev_sb, "tmpfs", "rw,nosuid,size=65536k,mode=755");
    ns.mount("/sys/firmware", empty_sb, "tmpfs", "ro,relatime");
}

/// The Linux bridge of the network a container joins.
fn bridge_of(d: &Dockerd, mode: &str) -> String {
    let target = if mode == "default" { "bridge" } else { mode };
    d.networks.iter().find(|n| n.name == target || n.id == target).and_then(|n| n.bridge.clone()).unwrap_or_else(|| "docker0".into())
}

/// Ends a start that failed half-way: no process, port or namespace is left behind.
/// Where containerd 1.6 puts a shim's socket: `/run/containerd/s/` and the sha256 of the
/// containerd address, the namespace and the container id joined as a path.
pub fn shim_socket_path(id: &str) -> String {
    let d = crate::image::digest::Digest::of(format!("/run/containerd/containerd.sock/moby/{id}").as_bytes());
    format!("/run/containerd/s/{}", d.hex())
}

fn teardown(d: &mut Dockerd, k: &mut Kernel, id: &str, shim: Pid, init: Pid, proxies: &[Pid], netns: Option<NsId>) {
    if let Some(c) = d.containers.get(id).cloned() {
        let ip = d.networks.iter().find_map(|n| n.endpoints.get(id).map(|e| e.ip));
        if let Some(ip) = ip {
            let bridge = bridge_of(d, &c.network_mode);
            for b in &c.ports {
                let (cport, proto) = b.port.split_once('/').unwrap_or((&b.port, "tcp"));
                network::unpublish(k, &bridge, ip, proto, cport, &b.host_port);
            }
        }
    }
    k.exit(init);
    for p in proxies {
        k.exit(*p);
    }
    k.exit(shim);
    let _ = hostfs::remove_all(k, 1, &shim_socket_path(id));
    for n in d.networks.iter_mut() {
        if let Some(ip) = n.endpoints.get(id).map(|ep| ep.ip) {
            super::dns::unregister(k, &n.id, ip);
        }
        network::disconnect(k, n, id);
    }
    if let Some(ns) = netns {
        k.destroy_netns(ns);
    }
    d.ports_in_use.retain(|_, c| c != id);
}

/// The real runtime running container `id`, if one does.
pub fn real(d: &Dockerd, id: &str) -> Option<super::containerd::Shared> {
    let c = d.containers.get(id)?;
    c.state.host_pid.and(d.containerd.clone())
}

/// Takes what a real container wrote since the last look into its log.
pub fn collect_output(d: &mut Dockerd, id: &str) {
    let Some(rt) = real(d, id) else { return };
    let out = rt.output(id);
    if let Some(c) = d.containers.get_mut(id) {
        for o in out {
            c.logs.push(super::containers::LogLine { stream: o.stream, at: Stamp { secs: o.secs, nanos: o.nanos }, bytes: o.bytes });
        }
    }
}

/// Stops a real container (the signal, then SIGKILL after `timeout` seconds) and records its
/// exit. False if no real runtime runs it. (A daemon serving clients concurrently stops the
/// process before taking the engine's lock; the runtime then reports the exit at once.)
pub fn stop_real(d: &mut Dockerd, k: &mut Kernel, id: &str, sig: &str, timeout: i64) -> bool {
    let Some(rt) = real(d, id) else { return false };
    let code = rt.stop(id, sig, timeout).unwrap_or(137);
    collect_output(d, id);
    stopped(d, k, id, code);
    true
}

/// What a signal does to the container's PID 1: Some(exit status) if it ends it. A real
/// container gets the real signal; its end is seen when its runtime reports the exit.
pub fn signal(d: &Dockerd, k: &Kernel, id: &str, sig: &str) -> Option<i32> {
    if let Some(rt) = real(d, id) {
        let _ = rt.signal(id, sig);
        return None;
    }
    let c = d.containers.get(id)?;
    let comm = k.procs.get(&c.state.pid).map(|p| p.comm.clone()).unwrap_or_default();
    let sig = sig.trim_start_matches("SIG");
    match (comm.as_str(), sig) {
        (_, "KILL" | "9") => Some(137),
        // nginx stops on TERM and INT (fast) and QUIT (graceful); mysqld on TERM.
        ("nginx", "TERM" | "INT" | "QUIT" | "15" | "2" | "3") => Some(0),
        ("mysqld" | "docker-entrypoi", "TERM" | "15") => Some(0),
        // A PID 1 without a handler ignores every other signal.
        _ => None,
    }
}

/// PID 1 ended on `signal` with `code`: what it wrote on its way out (nginx's shutdown
/// notices) goes to the log, then the container stops.
pub fn ended_by_signal(d: &mut Dockerd, k: &mut Kernel, id: &str, signal: &str, code: i32) {
    let pid1 = d.containers.get(id).map(|c| c.state.pid).unwrap_or(0);
    let is_nginx = k.procs.get(&pid1).is_some_and(|p| p.comm == "nginx");
    if let Some(text) = is_nginx.then(|| crate::programs::nginx::shutdown_log(k, pid1, signal)).flatten() {
        let at = Stamp::now(k);
        if let Some(c) = d.containers.get_mut(id) {
            c.logs.extend(log_lines(2, at, text.as_bytes()));
        }
    }
    stopped(d, k, id, code);
}

/// The container's PID 1 ended with `code`: its namespaces, ports and veth go with it.
pub fn stopped(d: &mut Dockerd, k: &mut Kernel, id: &str, code: i32) {
    let Some(c) = d.containers.get(id).cloned() else { return };
    if c.state.running {
        k.exit_with(c.state.pid, code);
    }
    let proxies = c.proxies.clone();
    let shim = c.shim_pid.unwrap_or(0);
    teardown(d, k, id, shim, c.state.pid, &proxies, c.netns);
    let at = Stamp::now(k);
    if let Some(cm) = d.containers.get_mut(id) {
        cm.state.running = false;
        cm.state.status = "exited".into();
        cm.state.exit_code = code;
        cm.state.finished_at = Some(at);
        cm.state.exits_at = None;
        cm.state.frozen = None;
        cm.state.pid = 0;
        cm.state.host_pid = None;
        cm.shim_pid = None;
        cm.proxies.clear();
        cm.netns = None;
        cm.terminal = None;
    }
    if c.auto_remove {
        destroy(d, k, id);
    }
}

/// Removes a stopped container's files and layers.
pub fn destroy(d: &mut Dockerd, k: &mut Kernel, id: &str) {
    let Some(c) = d.containers.remove(id) else { return };
    // `--rm` takes the container's anonymous volumes with it.
    if c.auto_remove {
        super::mounts::remove_anonymous(d, k, &c.mounts);
    }
    if let Some(rt) = &d.containerd {
        rt.delete(id);
    }
    d.removed.insert(id.to_string(), (c.state.exit_code, c.logs.clone()));
    let daemon = d.daemon_pid();
    let o = super::store::OVERLAY2;
    let _ = hostfs::remove_all(k, daemon, &format!("{CONTAINERS}/{id}"));
    let _ = hostfs::remove_all(k, daemon, &format!("{o}/{id}"));
    let _ = hostfs::remove_all(k, daemon, &format!("{o}/{id}-init"));
    let _ = hostfs::remove_all(k, daemon, &format!("{o}/l/{}", c.rootfs.link));
    let _ = hostfs::remove_all(k, daemon, &format!("{o}/l/{}", c.rootfs.init_link));
    d.execs.retain(|_, e| e.container != id);
}

/// What `docker exec` produced: the hijacked stream's bytes, and the interactive shell when
/// the command is one and has a terminal.
pub struct ExecOutput {
    pub stream: Vec<u8>,
    pub shell: Option<Box<crate::shell::Shell>>,
}

/// Runs exec instance `eid`: a new process in all of the container's namespaces, a child of
/// the shim, as `runc exec` makes it.
pub fn exec(d: &mut Dockerd, k: &mut Kernel, eid: &str, stdin: Vec<u8>) -> ExecOutput {
    let none = ExecOutput { stream: Vec::new(), shell: None };
    let Some(e) = d.execs.get(eid).cloned() else { return none };
    let Some(c) = d.containers.get(&e.container).cloned() else { return none };
    let Some(init) = k.procs.get(&c.state.pid).cloned() else { return none };
    if let Some(rt) = real(d, &e.container) {
        return exec_real(d, k, &rt, &e, &c, &init);
    }
    let shim = c.shim_pid.unwrap_or(init.ppid);
    // runc exec's init takes the next PID (7 in a fresh container), and its threads the
    // five after it: successive execs get 7, 13, 19, ... (measured with runc 1.1 here).
    k.skip_pids(NsId(0), 12);
    let ex = Exec {
        comm: "runc:[2:INIT]".into(),
        argv: e.argv.clone(),
        exe: "/".into(),
        cwd: if e.workdir.is_empty() { init.cwd.clone() } else { e.workdir.clone() },
        tty: e.tty.then(|| "pts/0".to_string()),
        session_leader: true,
        foreground: e.tty,
        state: Some(ProcState::Sleeping),
        ..Exec::default()
    };
    let Ok(pid) = k.spawn_in(shim, init.ns, ex) else { return none };
    k.skip_pids(init.ns.pid, 5);
    let (uid, gid) = user_ids(k, pid, &e.user);
    if let Some(p) = k.procs.get_mut(&pid) {
        p.uid = uid;
        p.gid = gid;
        p.caps = if c.privileged || e.privileged { Caps::Full } else { Caps::DockerDefault };
    }
    let mut env_list = c.env();
    env_list.extend(e.env.iter().cloned());
    let env = process_env(&env_list, &c.hostname(), e.tty);
    let io = Io { stdin, stdin_tty: e.tty && e.attach_stdin, tty_out: e.tty, err_to_out: e.tty, cols: 80, ..Io::default() };
    if let Some(x) = d.execs.get_mut(eid) {
        x.running = true;
        x.pid = pid;
    }
    let (code, io, shell) = match exec_program(k, pid, e.argv.clone(), env, io) {
        Ok((Outcome::Exit(code), io)) => {
            k.exit_with(pid, code);
            (code, io, None)
        }
        Ok((Outcome::Running { until }, io)) => {
            if let Some(t) = until {
                k.now = k.now.max(t);
            }
            k.exit_with(pid, 0);
            (0, io, None)
        }
        Ok((Outcome::Shell(sh), io)) => (0, io, Some(sh)),
        Err((le, _)) => {
            let name = e.argv.first().cloned().unwrap_or_default();
            let why = match le {
                LookupError::NotFound => format!("exec: \"{name}\": executable file not found in $PATH"),
                LookupError::NoSuchFile => format!("exec: \"{name}\": stat {name}: no such file or directory"),
                _ => format!("exec: \"{name}\": permission denied"),
            };
            k.exit_with(pid, 126);
            let msg = format!("OCI runtime exec failed: exec failed: unable to start container process: {why}: unknown\r\n");
            (126, Io { out: msg.into_bytes(), ..Io::default() }, None)
        }
    };
    if let Some(x) = d.execs.get_mut(eid) {
        if shell.is_none() {
            x.running = false;
            x.exit_code = Some(code);
        }
    }
    // The program's output passed through the pty; runc's own error did not.
    let through_pty = e.tty && code != 126;
    let streams: Vec<(u8, Vec<u8>)> = io.streams().into_iter().map(|(n, b)| (n, if through_pty { onlcr(b) } else { b.to_vec() })).collect();
    ExecOutput { stream: stream_segments(e.tty, &streams), shell }
}

/// `docker exec` in a real container: the process starts now; its input and output are
/// carried by the runtime over the hijacked connection, and its exit comes back through
/// `exec_exited`.
fn exec_real(d: &mut Dockerd, k: &mut Kernel, rt: &super::containerd::Shared, e: &super::containers::ExecInstance, c: &super::containers::Container, init: &crate::kernel::Process) -> ExecOutput {
    let (uid, gid) = user_ids(k, c.state.pid, &e.user);
    let mut env_list = c.env();
    env_list.extend(e.env.iter().cloned());
    let env = process_env(&env_list, &c.hostname(), e.tty).into_iter().map(|(a, b)| format!("{a}={b}")).collect();
    let task = ExecTask {
        container: c.id.clone(),
        argv: e.argv.clone(),
        env,
        cwd: if e.workdir.is_empty() { init.cwd.clone() } else { e.workdir.clone() },
        uid,
        gid,
        tty: e.tty,
        stdin: e.attach_stdin,
    };
    match rt.exec(&e.id, &task) {
        Ok(pid) => {
            if let Some(x) = d.execs.get_mut(&e.id) {
                x.running = true;
                x.host_pid = Some(pid);
            }
            ExecOutput { stream: Vec::new(), shell: None }
        }
        Err(err) => {
            exec_exited(d, &e.id, err.exit_code);
            let msg = format!("OCI runtime exec failed: exec failed: unable to start container process: {}: unknown\r\n", err.message);
            ExecOutput { stream: stream_bytes(e.tty, &msg.into_bytes(), &[]), shell: None }
        }
    }
}

/// A real exec instance ended with `code`.
pub fn exec_exited(d: &mut Dockerd, exec_id: &str, code: i32) {
    if let Some(x) = d.execs.get_mut(exec_id) {
        x.running = false;
        x.exit_code = Some(code);
        x.host_pid = None;
    }
}

/// What a pseudo-terminal's line discipline (`onlcr`) makes of a program's output: every
/// newline leaves as CR LF, as `docker run -t` and `docker logs` of a TTY container show.
fn onlcr(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}
