//! A Mac running macOS 12.4 (Monterey) as a learner finds it in Terminal.app: launchd and
//! the usual daemons, the desktop app (Docker Desktop or Rancher Desktop) with its VM
//! process, a zsh login on ttys000, BSD userland (`ps`, `ls`, `ifconfig`, `uname` of
//! utils/macos), the user's home under /Users, and no dockerd: the Docker daemon is in the
//! guest VM (`Kernel::guest`). Process names and paths of macOS daemons are typical values
//! of macOS 12, not a capture of one machine.

use super::build::*;
use crate::kernel::net::{IfAddr, LinkKind, Route};
use crate::kernel::process::Exec;
use crate::kernel::vfs::{Node, NodeKind, SbKind, TreeFs};
use crate::kernel::{Kernel, NsId, Pid, Uname};
use crate::utils::macos::sw_vers;

/// The learner's short name. Fifteen characters, so that `/Users/NAME/.rd/docker.sock` is
/// 38 bytes long, as the link the article lists (`38B`).
pub const USER: &str = "playground-user";
pub const UID: u32 = 501;
pub const STAFF_GID: u32 = 20;
pub const HOME: &str = "/Users/playground-user";
pub const HOSTNAME: &str = "MacBook-Pro.local";
/// 2022-06-09 09:02 JST: the Mac boots.
pub const BOOT: i64 = 1_654_732_920;
/// 2022-06-09 15:13 JST: the desktop app is started (the article's `Jun  9 15:13`).
pub const APP_START: i64 = 1_654_755_180;
/// 2022-06-09 15:20 JST: the learner opens Terminal.
pub const SESSION_START: i64 = 1_654_755_600;
/// When the system volume was sealed (macOS 12.4, 2022-05-13).
const OS_TIME: i64 = 1_652_400_000;

/// What differs between the two Macs.
pub struct MacSpec {
    pub apple_silicon: bool,
    /// `PATH` of the login shell (Rancher Desktop's ~/.zshrc puts ~/.rd/bin first).
    pub path: &'static str,
}

/// A process of the Mac: (pid, ppid, uid, cpu ticks, vsz, rss, started s after boot, argv).
pub type MacProc = (Pid, Pid, u32, u64, u64, u64, i64, &'static str);

const PASSWD: &str = "##
# User Database
#
# Note that this file is consulted directly only when the system is running
# in single-user mode.  At other times this information is provided by
# Open Directory.
##
nobody:*:-2:-2:Unprivileged User:/var/empty:/usr/bin/false
root:*:0:0:System Administrator:/var/root:/bin/sh
daemon:*:1:1:System Services:/var/root:/usr/bin/false
_networkd:*:24:24:Network Services:/var/networkd:/usr/bin/false
_appleevents:*:55:55:AppleEvents Daemon:/var/empty:/usr/bin/false
_mdnsresponder:*:65:65:mDNSResponder:/var/empty:/usr/bin/false
_windowserver:*:88:88:WindowServer:/var/empty:/usr/bin/false
_spotlight:*:89:89:Spotlight:/var/empty:/usr/bin/false
_softwareupdate:*:200:200:Software Update Service:/var/db/softwareupdate:/usr/bin/false
_coreaudiod:*:202:202:Core Audio Daemon:/var/empty:/usr/bin/false
_locationd:*:205:205:Location Daemon:/var/db/locationd:/usr/bin/false
_nsurlsessiond:*:242:242:NSURLSession Daemon:/var/db/nsurlsessiond:/usr/bin/false
_timed:*:266:266:Time Sync Daemon:/var/db/timed:/usr/bin/false
playground-user:*:501:20:Playground User:/Users/playground-user:/bin/zsh
";

const GROUP: &str = "##
# Group Database
##
nobody:*:-2:
nogroup:*:-1:
wheel:*:0:root
daemon:*:1:root
kmem:*:2:root
sys:*:3:root
tty:*:4:root
operator:*:5:root
everyone:*:12:
staff:*:20:root
_networkd:*:24:
_appleevents:*:55:
_mdnsresponder:*:65:
admin:*:80:root,playground-user
_windowserver:*:88:
_spotlight:*:89:
_softwareupdate:*:200:
_coreaudiod:*:202:
_locationd:*:205:
_nsurlsessiond:*:242:
_timed:*:266:
";

/// /etc/zshrc's prompt line on macOS 12 (`PS1="%n@%m %1~ %# "`).
pub const ZSH_PS1: &str = "%n@%m %1~ %# ";

/// The BSD and shared programs: (path, program, size, mode).
const PROGRAMS: &[(&str, &str, u64, u32)] = &[
    ("/bin/bash", "bash", 1_296_640, 0o755),
    ("/bin/cat", "cat", 119_264, 0o755),
    ("/bin/date", "date", 135_696, 0o755),
    ("/bin/echo", "echo", 118_496, 0o755),
    ("/bin/hostname", "hostname-bsd", 118_544, 0o755),
    ("/bin/ls", "ls-bsd", 187_040, 0o755),
    ("/bin/ps", "ps-bsd", 184_048, 0o4755),
    ("/bin/pwd", "pwd", 118_512, 0o755),
    ("/bin/sh", "bash", 134_000, 0o755),
    ("/bin/sleep", "sleep", 118_528, 0o755),
    ("/bin/zsh", "zsh", 1_366_624, 0o755),
    ("/sbin/ifconfig", "ifconfig-bsd", 270_640, 0o755),
    ("/usr/bin/curl", "curl", 208_064, 0o755),
    ("/usr/bin/env", "env", 118_672, 0o755),
    ("/usr/bin/false", "false", 118_432, 0o755),
    ("/usr/bin/grep", "grep", 202_112, 0o755),
    ("/usr/bin/head", "head", 118_816, 0o755),
    ("/usr/bin/id", "id", 137_104, 0o755),
    ("/usr/bin/sort", "sort", 203_344, 0o755),
    ("/usr/bin/sw_vers", "sw_vers", 134_336, 0o755),
    ("/usr/bin/tail", "tail", 136_464, 0o755),
    ("/usr/bin/true", "true", 118_432, 0o755),
    ("/usr/bin/uname", "uname-bsd", 118_592, 0o755),
    ("/usr/bin/wc", "wc", 118_752, 0o755),
    ("/usr/bin/which", "which", 118_208, 0o755),
    ("/usr/bin/whoami", "whoami", 118_432, 0o755),
];

/// launchd's children that every Mac has (the desktop app's processes come from its profile).
pub const SYSTEM_PROCS: &[MacProc] = &[
    (1, 0, 0, 2_912, 4_418_744, 13_520, 0, "/sbin/launchd"),
    (88, 1, 0, 3_204, 4_379_760, 7_340, 4, "/usr/libexec/logd"),
    (89, 1, 0, 455, 4_378_192, 6_012, 4, "/usr/libexec/UserEventAgent (System)"),
    (92, 1, 0, 1_215, 4_379_080, 4_760, 4, "/System/Library/Frameworks/CoreServices.framework/Versions/A/Frameworks/FSEvents.framework/Versions/A/Support/fseventsd"),
    (97, 1, 0, 311, 4_378_632, 3_212, 4, "/usr/sbin/systemstats --daemon"),
    (99, 1, 0, 1_840, 4_380_440, 8_428, 4, "/usr/libexec/configd"),
    (101, 1, 0, 722, 4_379_924, 5_160, 4, "/System/Library/CoreServices/powerd.bundle/powerd"),
    (106, 1, 0, 2_620, 4_432_112, 31_744, 4, "/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Support/mds"),
    (112, 1, 0, 1_018, 4_380_120, 9_048, 4, "/usr/libexec/opendirectoryd"),
    (140, 1, 65, 512, 4_379_744, 4_492, 5, "/usr/sbin/mDNSResponder"),
    (151, 1, 88, 98_231, 9_026_104, 74_936, 5, "/System/Library/PrivateFrameworks/SkyLight.framework/Resources/WindowServer -daemon"),
    (161, 1, 0, 88, 4_378_312, 2_132, 5, "/usr/sbin/notifyd"),
    (166, 1, 202, 1_380, 4_392_840, 8_204, 6, "/usr/sbin/coreaudiod"),
    (174, 1, 0, 640, 4_380_212, 6_512, 6, "/usr/sbin/securityd -i"),
    (178, 1, 0, 356, 4_379_632, 7_300, 6, "/System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow console"),
    (402, 1, UID, 120, 4_379_196, 5_024, 30, "/usr/sbin/cfprefsd agent"),
    (404, 1, UID, 210, 4_380_588, 7_808, 30, "/usr/libexec/UserEventAgent (Aqua)"),
    (409, 1, UID, 96, 4_378_624, 3_356, 30, "/usr/sbin/distnoted agent"),
    (416, 1, UID, 1_902, 4_752_296, 48_116, 31, "/System/Library/CoreServices/Dock.app/Contents/MacOS/Dock"),
    (418, 1, UID, 640, 4_710_812, 29_872, 31, "/System/Library/CoreServices/SystemUIServer.app/Contents/MacOS/SystemUIServer"),
    (419, 1, UID, 2_204, 5_224_488, 84_520, 31, "/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder"),
];

/// Terminal.app and the login it starts (`login -pfl USER /bin/bash -c exec -la zsh /bin/zsh`).
pub const TERMINAL_PID: Pid = 2_710;
pub const LOGIN_PID: Pid = 2_712;
pub const SHELL_PID: Pid = 2_713;

fn tree() -> TreeFs {
    let t0 = OS_TIME;
    let mut t = TreeFs::new(0o755, t0);
    for (path, perm) in [
        ("/Applications", 0o775),
        ("/Applications/Safari.app", 0o755),
        ("/Applications/Utilities", 0o755),
        ("/Library", 0o755),
        ("/System", 0o755),
        ("/System/Library/CoreServices", 0o755),
        ("/Users", 0o755),
        ("/Users/Shared", 0o1777),
        ("/Volumes", 0o755),
        ("/cores", 0o1775),
        ("/dev", 0o555),
        ("/opt", 0o755),
        ("/private", 0o755),
        ("/private/etc", 0o755),
        ("/private/tmp", 0o1777),
        ("/private/var", 0o755),
        ("/private/var/db", 0o755),
        ("/private/var/root", 0o750),
        ("/private/var/run", 0o775),
        ("/private/var/folders", 0o755),
        ("/sbin", 0o755),
        ("/usr", 0o755),
        ("/usr/bin", 0o755),
        ("/usr/lib", 0o755),
        ("/usr/libexec", 0o755),
        ("/usr/local", 0o755),
        ("/usr/local/bin", 0o755),
        ("/usr/sbin", 0o755),
        ("/usr/share", 0o755),
        ("/bin", 0o755),
    ] {
        t.put(path, dir(perm, t0));
    }
    for (link, target) in [("/etc", "private/etc"), ("/tmp", "private/tmp"), ("/var", "private/var"), ("/home", "/System/Volumes/Data/home")] {
        let mut l = symlink(target, t0);
        l.perm = 0o755;
        t.put(link, l);
    }
    // /private/var/run and /private/var/root belong to group daemon and wheel.
    for (path, gid) in [("/private/var/run", 1u32), ("/Applications", 80)] {
        if let Ok(ino) = t.walk(&path.split('/').filter(|c| !c.is_empty()).collect::<Vec<_>>()) {
            if let Some(n) = t.nodes.get_mut(ino) {
                n.gid = gid;
            }
        }
    }
    t.put("/private/etc/passwd", text(PASSWD, 0o644, t0));
    t.put("/private/etc/group", text(GROUP, 0o644, t0));
    t.put("/private/etc/hosts", text("##\n# Host Database\n#\n# localhost is used to configure the loopback interface\n# when the system is booting.  Do not change this entry.\n##\n127.0.0.1\tlocalhost\n255.255.255.255\tbroadcasthost\n::1             localhost\n", 0o644, t0));
    t.put("/private/etc/shells", text("# List of acceptable shells for chpass(1).\n# Ftpd will not allow users to connect who are not using\n# one of these shells.\n\n/bin/bash\n/bin/csh\n/bin/dash\n/bin/ksh\n/bin/sh\n/bin/tcsh\n/bin/zsh\n", 0o644, t0));
    t.put("/private/etc/zshrc", text("# System-wide profile for interactive zsh(1) shells.\n\n# Setup user specific overrides for this in ~/.zshrc. See zshbuiltins(1)\n# and zshoptions(1) for more details.\n\n# Default prompt\nPS1=\"%n@%m %1~ %# \"\n", 0o444, t0));
    t.put("/private/etc/paths", text("/usr/local/bin\n/usr/bin\n/bin\n/usr/sbin\n/sbin\n", 0o644, t0));
    t.put("/private/var/db/timezone/zoneinfo/Asia/Tokyo", text("TZif2", 0o644, t0));
    let mut lt = symlink("/var/db/timezone/zoneinfo/Asia/Tokyo", t0);
    lt.perm = 0o755;
    t.put("/private/etc/localtime", lt);
    t.put(sw_vers::PLIST, text(&sw_vers::plist("macOS", "12.4", "21F79"), 0o444, t0));
    for (path, prog, size, perm) in PROGRAMS {
        t.put(path, program(prog, *size, *perm, t0));
    }
    // The user's home.
    let home_dirs = ["", "/Desktop", "/Documents", "/Downloads", "/Library", "/Movies", "/Music", "/Pictures", "/Public"];
    for d in home_dirs {
        let perm = match d {
            "" => 0o750,
            "/Public" => 0o755,
            _ => 0o700,
        };
        put_owned(&mut t, &format!("{HOME}{d}"), dir(perm, BOOT - 86_400 * 30), UID, STAFF_GID);
    }
    t
}

/// Creates a file, directory or link in the Mac's tree owned by the user.
pub fn put_user(t: &mut TreeFs, path: &str, node: Node) {
    // Parents of the user's files are theirs too (created by the app as the user).
    let (parent, _) = crate::kernel::vfs::split_parent(path);
    if t.walk(&parent.split('/').filter(|c| !c.is_empty()).collect::<Vec<_>>()).is_err() {
        let mut comps = String::new();
        for c in parent.split('/').filter(|c| !c.is_empty()) {
            comps = format!("{comps}/{c}");
            if t.walk(&comps.split('/').filter(|c| !c.is_empty()).collect::<Vec<_>>()).is_err() {
                put_owned(t, &comps, dir(0o755, node.mtime), UID, STAFF_GID);
            }
        }
    }
    put_owned(t, path, node, UID, STAFF_GID);
}

/// A unix socket node.
pub fn socket(perm: u32, mtime: i64) -> Node {
    Node::other(NodeKind::Socket, perm, 0, 0, mtime)
}

/// A symlink as macOS makes it (its mode follows the umask: `lrwxr-xr-x`).
pub fn mac_symlink(target: &str, mtime: i64) -> Node {
    let mut l = symlink(target, mtime);
    l.perm = 0o755;
    l
}

/// Boots the Mac with `app` (the desktop app's processes) laid into its files and process
/// table by `install_app`; returns the kernel and the login shell's PID.
pub fn boot(spec: &MacSpec, seed: u64, install_app: impl FnOnce(&mut Kernel, &mut TreeFs)) -> (Kernel, Pid) {
    let uname = if spec.apple_silicon {
        Uname {
            sysname: "Darwin".into(),
            release: "21.5.0".into(),
            version: "Darwin Kernel Version 21.5.0: Tue Apr 26 21:08:37 PDT 2022; root:xnu-8020.121.3~4/RELEASE_ARM64_T8101".into(),
            machine: "arm64".into(),
            processor: "arm".into(),
            os: "Darwin".into(),
        }
    } else {
        Uname {
            sysname: "Darwin".into(),
            release: "21.5.0".into(),
            version: "Darwin Kernel Version 21.5.0: Tue Apr 26 21:08:22 PDT 2022; root:xnu-8020.121.3~4/RELEASE_X86_64".into(),
            machine: "x86_64".into(),
            processor: "i386".into(),
            os: "Darwin".into(),
        }
    };
    let mut k = Kernel::new(uname, BOOT, 16 * 1024 * 1024, 8, 99_998);
    k.rng = seed ^ 0x6d61_6300;
    if let Some(u) = k.uts_ns.get_mut(&NsId(0)) {
        u.hostname = HOSTNAME.into();
    }
    // launchd and the daemons first: the app's processes are their children.
    for p in SYSTEM_PROCS {
        place_mac(&mut k, p);
    }
    let mut root = tree();
    install_app(&mut k, &mut root);
    let root_sb = k.vfs.add_sb("apfs", SbKind::Tree(root), 488_245_288, 131_002_560);
    let mut dev = TreeFs::new(0o555, BOOT);
    dev.put("/null", chardev(3, 2, 0o666, 0, BOOT));
    dev.put("/zero", chardev(3, 3, 0o666, 0, BOOT));
    dev.put("/tty", chardev(2, 0, 0o666, 0, BOOT));
    dev.put("/console", chardev(0, 0, 0o600, 0, BOOT));
    put_owned(&mut dev, "/ttys000", chardev(16, 0, 0o620, 4, SESSION_START), UID, 4);
    let dev_sb = k.vfs.add_sb("devfs", SbKind::Tree(dev), 0, 0);
    if let Some(ns) = k.mnt_ns.get_mut(&NsId(0)) {
        ns.mount("/", root_sb, "/dev/disk1s5s1", "ro,local,journaled");
        ns.mount("/dev", dev_sb, "devfs", "local,nobrowse");
    }

    // Network: lo0, the tunnel pseudo-interfaces, Wi-Fi en0 on the home network.
    if let Some(net) = k.net_ns.get_mut(&NsId(0)) {
        if let Some(lo) = net.links.get_mut(&1) {
            lo.name = "lo0".into();
            lo.mtu = 16384;
            lo.up = true;
            lo.carrier = true;
            lo.ipv6_ll = true;
            lo.addrs.push(IfAddr { addr: [127, 0, 0, 1], prefix: 8, brd: None, dynamic_lft: None });
        }
        net.add_link("gif0", LinkKind::Dummy, [0; 6], 1280);
        net.add_link("stf0", LinkKind::Dummy, [0; 6], 1280);
        let en0 = net.add_link("en0", LinkKind::Ether, if spec.apple_silicon { [0xf0, 0x2f, 0x4b, 0x0c, 0x5e, 0x21] } else { [0x3c, 0x22, 0xfb, 0x9a, 0x41, 0x7e] }, 1500);
        if let Some(l) = net.links.get_mut(&en0) {
            l.up = true;
            l.carrier = true;
            l.ipv6_ll = true;
            l.addrs.push(IfAddr { addr: [192, 168, 1, 23], prefix: 24, brd: Some([192, 168, 1, 255]), dynamic_lft: Some(86_000) });
        }
        let awdl = net.add_link("awdl0", LinkKind::Ether, [0x5a, 0x1e, 0x6f, 0x20, 0x33, 0x8d], 1484);
        let llw = net.add_link("llw0", LinkKind::Ether, [0x5a, 0x1e, 0x6f, 0x20, 0x33, 0x8d], 1500);
        for i in [awdl, llw] {
            if let Some(l) = net.links.get_mut(&i) {
                l.up = true;
                l.carrier = true;
                l.ipv6_ll = true;
            }
        }
        for (name, mtu) in [("utun0", 1380), ("utun1", 2000)] {
            let u = net.add_link(name, LinkKind::Dummy, [0; 6], mtu);
            if let Some(l) = net.links.get_mut(&u) {
                l.up = true;
                l.carrier = true;
                l.ipv6_ll = true;
            }
        }
        net.routes.push(Route { dst: None, via: Some([192, 168, 1, 1]), dev: en0, src: None, proto: None, metric: None });
    }

    (k, SHELL_PID)
}

/// Finishes a Mac after its app's processes are placed: Terminal and the login shell, and
/// the PID the next process gets.
pub fn finish(k: &mut Kernel, spec: &MacSpec) -> Pid {
    place_terminal(k, spec.path);
    k.set_last_pid(NsId(0), SHELL_PID + 40);
    SHELL_PID
}

/// Places a Mac process at its PID (comm is the executable's basename, cut at 16 bytes as
/// MAXCOMLEN).
pub fn place_mac(k: &mut Kernel, p: &MacProc) {
    let (pid, ppid, uid, ticks, vsz, rss, started, argv) = *p;
    let exe_end = argv.find(" -").or_else(|| argv.find(" (")).unwrap_or(argv.len());
    let exe = &argv[..exe_end];
    let comm: String = exe.rsplit('/').next().unwrap_or(exe).chars().take(16).collect();
    k.set_last_pid(NsId(0), pid.saturating_sub(1));
    let saved = k.now;
    k.now = BOOT + started;
    let parent = if pid == 1 { 0 } else { ppid };
    let exec = Exec {
        comm,
        argv: vec![argv.to_string()],
        exe: exe.to_string(),
        uid,
        gid: if uid == UID { STAFF_GID } else { uid },
        cwd: "/".into(),
        vsz_kb: vsz,
        rss_kb: rss,
        cpu_ticks: ticks,
        threads: 4,
        session_leader: true,
        ..Exec::default()
    };
    let _ = k.spawn(parent, exec);
    k.now = saved;
}

/// Terminal.app, `login` and the zsh login shell on ttys000.
pub fn place_terminal(k: &mut Kernel, path: &str) {
    place_mac(k, &(TERMINAL_PID, 1, UID, 21, 4_796_412, 63_212, SESSION_START - 5 - BOOT, "/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal"));
    let saved = k.now;
    k.now = SESSION_START - 4;
    let _ = new_login_at(k, TERMINAL_PID, Some(LOGIN_PID), path);
    k.now = saved;
}

/// A new Terminal window: `login` (root, on ttys000) and `-zsh` under it. With `at`, the
/// login gets that PID (profile building).
pub fn new_login_at(k: &mut Kernel, terminal: Pid, at: Option<Pid>, path: &str) -> Pid {
    if let Some(pid) = at {
        k.set_last_pid(NsId(0), pid - 1);
    }
    let login = Exec {
        comm: "login".into(),
        argv: ["login", "-pfl", USER, "/bin/bash", "-c", "exec -la zsh /bin/zsh"].iter().map(|s| s.to_string()).collect(),
        exe: "/usr/bin/login".into(),
        uid: 0,
        gid: 0,
        cwd: HOME.into(),
        tty: Some("ttys000".into()),
        vsz_kb: 4_297_860,
        rss_kb: 4_104,
        cpu_ticks: 2,
        session_leader: true,
        ..Exec::default()
    };
    let Ok(login_pid) = k.spawn(terminal, login) else { return 1 };
    let zsh = Exec {
        comm: "zsh".into(),
        argv: vec!["-zsh".into()],
        env: login_env(path),
        exe: "/bin/zsh".into(),
        uid: UID,
        gid: STAFF_GID,
        cwd: HOME.into(),
        tty: Some("ttys000".into()),
        vsz_kb: 4_298_164,
        rss_kb: 4_960,
        cpu_ticks: 4,
        session_leader: false,
        foreground: true,
        ..Exec::default()
    };
    k.spawn(login_pid, zsh).unwrap_or(1)
}

/// `PATH` as path_helper builds it from /etc/paths.
pub const MAC_PATH_PLAIN: &str = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

/// The environment of Terminal.app's zsh login (macOS 12.4, Terminal 2.12).
pub fn login_env(path: &str) -> Vec<(String, String)> {
    [
        ("TERM_PROGRAM", "Apple_Terminal"),
        ("SHELL", "/bin/zsh"),
        ("TERM", "xterm-256color"),
        ("TMPDIR", "/var/folders/7x/k1bqv0cd2rz0dmg7hx2xw1yw0000gn/T/"),
        ("TERM_PROGRAM_VERSION", "445"),
        ("TERM_SESSION_ID", "8C0E7A32-6A1B-4C3F-9E54-2B1D6F0A7C11"),
        ("USER", USER),
        ("SSH_AUTH_SOCK", "/private/tmp/com.apple.launchd.Xy3kQ0cL2a/Listeners"),
        ("PATH", path),
        ("__CFBundleIdentifier", "com.apple.Terminal"),
        ("PWD", HOME),
        ("XPC_FLAGS", "0x0"),
        ("XPC_SERVICE_NAME", "0"),
        ("SHLVL", "1"),
        ("HOME", HOME),
        ("LOGNAME", USER),
        ("LANG", "en_US.UTF-8"),
        ("_", "/usr/bin/env"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}
