//! Rancher Desktop 1.4 (moby engine, Kubernetes off) on an M1 MacBook Pro, as the article's
//! author had it in June 2022: the Electron app, Lima's hostagent and `qemu-system-aarch64`
//! running the Alpine VM `lima-rancher-desktop` (arm64), dockerd inside pulling
//! `linux/arm64/v8`, qemu-user registered in the VM's binfmt_misc for amd64 images, and on
//! the Mac `/var/run/docker.sock -> /Users/NAME/.rd/docker.sock`, a socket that ssh (the
//! Lima hostagent's forward) carries to the VM's `/var/run/docker.sock`.
//!
//! From the article: the link, its owner, group, mode, size and time. From Rancher Desktop
//! and Lima sources/issues: the Lima instance `0` under ~/Library/Application Support,
//! the hostname, `limactl shell` (`cd DIR || cd HOME ; exec "$SHELL" --login`), the Alpine
//! PS1, qemu-binfmt flags without P until alpine-lima#82 (Aug 2022). Assumed: process
//! argument lists, sizes, the VM's kernel version and its process set.

use super::mac::{self, MacProc, MacSpec, APP_START, BOOT, HOME, UID, USER};
use super::vm::{self, VmProc, VmSpec};
use crate::host::desktop::GuestLogin;
use crate::image::oci::Platform;
use crate::kernel::binfmt::BinfmtEntry;
use crate::kernel::guest::{Guest, PortForwarder, SocketForward};
use crate::kernel::vfs::TreeFs;
use crate::kernel::{Kernel, Pid, Uname};

pub const APP: &str = "/Applications/Rancher Desktop.app";
pub const LIMACTL: &str = "/Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/bin/limactl";
const QEMU: &str = "/Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/bin/qemu-system-aarch64";
const LIMA_DIR: &str = "/Users/playground-user/Library/Application Support/rancher-desktop/lima/0";
pub const VM_HOSTNAME: &str = "lima-rancher-desktop";
const VM_BOOT: i64 = APP_START + 8;
pub const PATH: &str = "/Users/playground-user/.rd/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
pub const SPEC: MacSpec = MacSpec { apple_silicon: true, path: PATH };

const HOSTAGENT_PID: Pid = 2_301;
const QEMU_PID: Pid = 2_303;
const SSH_MUX_PID: Pid = 2_322;

/// The VM's sshd (listener) and the process the docker socket's forward comes out of.
const VM_SSHD: Pid = 2_311;
const VM_DOCKERD: Pid = 2_410;
const VM_CONTAINERD: Pid = 2_418;

fn app_procs() -> Vec<MacProc> {
    let s = APP_START - BOOT;
    vec![
        (2_280, 1, UID, 1_824, 409_520_496, 142_336, s, "/Applications/Rancher Desktop.app/Contents/MacOS/Rancher Desktop"),
        (2_284, 2_280, UID, 620, 409_392_208, 68_720, s + 1, "/Applications/Rancher Desktop.app/Contents/Frameworks/Rancher Desktop Helper (GPU).app/Contents/MacOS/Rancher Desktop Helper (GPU) --type=gpu-process --enable-crash-reporter=e3a7c2c5-0f5e-4c8d-a8f8-9b6b2c1d9f10,no_channel --user-data-dir=/Users/playground-user/Library/Application Support/Rancher Desktop --shared-files --field-trial-handle=1718379636,r,1556251137306263488,4410127396618425862,131072 --disable-features=SpareRendererForSitePerProcess"),
        (2_286, 2_280, UID, 1_310, 1_623_742_448, 176_212, s + 1, "/Applications/Rancher Desktop.app/Contents/Frameworks/Rancher Desktop Helper (Renderer).app/Contents/MacOS/Rancher Desktop Helper (Renderer) --type=renderer --enable-crash-reporter=e3a7c2c5-0f5e-4c8d-a8f8-9b6b2c1d9f10,no_channel --user-data-dir=/Users/playground-user/Library/Application Support/Rancher Desktop --app-path=/Applications/Rancher Desktop.app/Contents/Resources/app.asar --no-sandbox --no-zygote --first-renderer-process --lang=en-US --num-raster-threads=4"),
        (HOSTAGENT_PID, 2_280, UID, 310, 409_740_672, 38_096, s + 4, "/Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/bin/limactl hostagent --pidfile /Users/playground-user/Library/Application Support/rancher-desktop/lima/0/ha.pid --socket /Users/playground-user/Library/Application Support/rancher-desktop/lima/0/ha.sock 0"),
        (QEMU_PID, HOSTAGENT_PID, UID, 19_640, 413_611_632, 2_204_880, s + 5, "/Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/bin/qemu-system-aarch64 -m 4096 -cpu host -machine virt,accel=hvf,highmem=off -bios /Applications/Rancher Desktop.app/Contents/Resources/resources/darwin/lima/share/qemu/edk2-aarch64-code.fd -cdrom /Users/playground-user/Library/Application Support/rancher-desktop/lima/0/cidata.iso -drive file=/Users/playground-user/Library/Application Support/rancher-desktop/lima/0/basedisk,media=cdrom,readonly=on -drive file=/Users/playground-user/Library/Application Support/rancher-desktop/lima/0/diffdisk,if=virtio,discard=on -smp 2,sockets=1,cores=2,threads=1 -netdev user,id=net0,net=192.168.5.0/24,dhcpstart=192.168.5.15,hostfwd=tcp:127.0.0.1:50832-:22 -device virtio-net-pci,netdev=net0,mac=52:55:55:3a:61:1e -device virtio-rng-pci -display none -device virtio-gpu -device virtio-keyboard-pci -device virtio-mouse-pci -device qemu-xhci,id=usb-bus -parallel none -chardev socket,id=char-serial,path=/Users/playground-user/Library/Application Support/rancher-desktop/lima/0/serial.sock,server=on,wait=off,logfile=/Users/playground-user/Library/Application Support/rancher-desktop/lima/0/serial.log -serial chardev:char-serial -chardev socket,id=char-qmp,path=/Users/playground-user/Library/Application Support/rancher-desktop/lima/0/qmp.sock,server=on,wait=off -qmp chardev:char-qmp -name lima-0 -pidfile /Users/playground-user/Library/Application Support/rancher-desktop/lima/0/qemu.pid"),
        (SSH_MUX_PID, 1, UID, 140, 408_719_008, 6_480, s + 40, "ssh: /Users/playground-user/Library/Application Support/rancher-desktop/lima/0/ssh.sock [mux]"),
    ]
}

/// The VM's processes besides init and kernel threads: (pid, ppid, uid, stat, vsz, rss,
/// started, argv).
const VM_PROCS: &[VmProc] = &[
    (2_251, 1, 0, "Ss", 1_592, 796, 2, "/sbin/syslogd -t -n"),
    (2_290, 1, 0, "Ss", 1_588, 76, 3, "/sbin/acpid"),
    (2_301, 1, 0, "Ss", 1_604, 980, 3, "/usr/sbin/crond -c /etc/crontabs -f"),
    (VM_SSHD, 1, 0, "Ss", 4_304, 2_852, 4, "sshd: /usr/sbin/sshd [listener] 0 of 10-100 startups"),
    (2_340, 1, 0, "Ssl", 719_664, 14_512, 6, "/usr/local/bin/lima-guestagent daemon"),
    (2_402, 1, 0, "Ss", 1_680, 92, 10, "supervise-daemon docker --start --stdout /var/log/docker.log --stderr /var/log/docker.log --pidfile /run/docker.pid --respawn-delay 2 --respawn-max 5 --respawn-period 1800 /usr/bin/dockerd"),
    (VM_DOCKERD, 2_402, 0, "Sl", 1_453_672, 73_016, 11, "/usr/bin/dockerd"),
    (VM_CONTAINERD, VM_DOCKERD, 0, "Ssl", 1_339_028, 38_424, 12, "containerd --config /var/run/docker/containerd/containerd.toml --log-level info"),
    (2_460, 1, 0, "Ss+", 1_596, 84, 14, "/sbin/getty 38400 tty1"),
];

const OS_RELEASE: &str = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.15.4\nPRETTY_NAME=\"Alpine Linux v3.15\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://bugs.alpinelinux.org/\"\n";

fn vm_spec() -> VmSpec {
    VmSpec {
        hostname: VM_HOSTNAME,
        uname: Uname {
            sysname: "Linux".into(),
            release: "5.15.40-0-virt".into(),
            version: "#1-Alpine SMP Mon, 16 May 2022 15:24:25 +0000".into(),
            machine: "aarch64".into(),
            processor: "unknown".into(),
            os: "GNU/Linux".into(),
        },
        boot: VM_BOOT,
        mem_kb: 4_025_392,
        ncpu: 2,
        platform: Platform::new("linux", "arm64", Some("v8")),
        os_release: OS_RELEASE,
        passwd: format!("root:x:0:0:root:/root:/bin/ash\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nsshd:x:22:22:sshd:/dev/null:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n{USER}:x:{UID}:1000:{USER}:/home/{USER}.linux:/bin/ash\n"),
        group: format!("root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nwheel:x:10:root,{USER}\nsshd:x:22:sshd\nnogroup:x:65533:\nnobody:x:65534:\n{USER}:x:1000:\n"),
        addr: [192, 168, 5, 15],
        gateway: [192, 168, 5, 2],
        mac: [0x52, 0x55, 0x55, 0x3a, 0x61, 0x1e],
        procs: VM_PROCS,
        dockerd_pid: VM_DOCKERD,
        containerd_pid: VM_CONTAINERD,
        docker_users: vec![USER.into()],
        // alpine-lima's qemu-binfmt service, before `binfmt_flags="POCF"` (alpine-lima#82).
        binfmt: BinfmtEntry::qemu("amd64", "/usr/bin/qemu-x86_64", "OCF").into_iter().collect(),
        shared_dirs: vec![(HOME.into(), UID, 20), (format!("/home/{USER}.linux"), UID, 1000)],
        extra_programs: &[("/usr/bin/qemu-x86_64", "qemu-user")],
    }
}

fn install_app(k: &mut Kernel, t: &mut TreeFs) {
    let t0 = APP_START;
    t.put(&format!("{APP}/Contents/MacOS/Rancher Desktop"), super::build::program("rancher-desktop", 160_560, 0o755, t0 - 86_400 * 20));
    t.put(LIMACTL, super::build::program("limactl", 28_310_016, 0o755, t0 - 86_400 * 20));
    t.put(QEMU, super::build::program("qemu-system", 11_862_544, 0o755, t0 - 86_400 * 20));
    // ~/.rd: the CLI tools and the socket Lima forwards (`ssh -L ~/.rd/docker.sock:/var/run/docker.sock`).
    for (name, prog, size) in [("docker", "docker", 56_184_384u64), ("rdctl", "rdctl", 13_942_144), ("kubectl", "kubectl", 56_512_736), ("nerdctl", "nerdctl", 25_526_272)] {
        mac::put_user(t, &format!("{HOME}/.rd/bin/{name}"), super::build::program(prog, size, 0o755, t0 - 86_400 * 20));
    }
    mac::put_user(t, &format!("{HOME}/.rd/docker.sock"), mac::socket(0o600, t0 + 40));
    mac::put_user(t, &format!("{HOME}/.zshrc"), super::build::text(&format!("\n### MANAGED BY RANCHER DESKTOP START (DO NOT EDIT)\nexport PATH=\"{HOME}/.rd/bin:$PATH\"\n### MANAGED BY RANCHER DESKTOP END (DO NOT EDIT)\n"), 0o644, t0 - 86_400 * 20));
    // The docker context Rancher Desktop creates (meta.json under sha256("rancher-desktop")).
    let meta = format!("{{\"Name\":\"rancher-desktop\",\"Metadata\":{{\"Description\":\"Rancher Desktop moby context\"}},\"Endpoints\":{{\"docker\":{{\"Host\":\"unix://{HOME}/.rd/docker.sock\",\"SkipTLSVerify\":false}}}}}}");
    let ctx_dir = crate::image::digest::Digest::of(b"rancher-desktop").hex().to_string();
    mac::put_user(t, &format!("{HOME}/.docker/contexts/meta/{ctx_dir}/meta.json"), super::build::text(&meta, 0o644, t0));
    mac::put_user(t, &format!("{HOME}/.docker/config.json"), super::build::text("{\n  \"auths\": {}\n}", 0o644, t0));
    mac::put_user(t, &format!("{LIMA_DIR}/ha.sock"), mac::socket(0o600, t0 + 4));
    // The administrative-access link (`sudo ln -s`), exactly as the article lists it.
    let mut link = mac::mac_symlink(&format!("{HOME}/.rd/docker.sock"), t0);
    link.uid = 0;
    link.gid = 1;
    t.put("/private/var/run/docker.sock", link);
    for p in app_procs() {
        mac::place_mac(k, &p);
    }
}

/// Boots the M1 Mac with Rancher Desktop running; returns it and the login shell's PID.
pub fn boot(seed: u64) -> (Kernel, Pid) {
    let (mut k, _) = mac::boot(&SPEC, seed, install_app);
    let guest = vm::boot(&vm_spec(), seed);
    k.guest = Some(Box::new(Guest {
        name: "0".into(),
        kernel: guest,
        vm_pid: QEMU_PID,
        sockets: vec![SocketForward {
            host_path: format!("{HOME}/.rd/docker.sock"),
            guest_path: "/var/run/docker.sock".into(),
            host_pid: SSH_MUX_PID,
            guest_pid: VM_SSHD,
            via: "ssh -L (Lima hostagent)".into(),
        }],
        ports: PortForwarder { host_pid: HOSTAGENT_PID, listen: "127.0.0.1".into() },
        crossings: Vec::new(),
    }));
    let shell = mac::finish(&mut k, &SPEC);
    (k, shell)
}

/// The ssh that `limactl shell 0` runs from directory `cwd`.
pub fn ssh_argv(cwd: &str) -> Vec<String> {
    let script = format!("cd {cwd} || cd {HOME} ; exec \"$SHELL\" --login");
    ["/usr/bin/ssh", "-F", "/dev/null", "-o", "IdentityFile=\"/Users/playground-user/Library/Application Support/rancher-desktop/lima/_config/user\"", "-o", "User=playground-user", "-o", "ControlMaster=\"auto\"", "-o", "ControlPath=\"/Users/playground-user/Library/Application Support/rancher-desktop/lima/0/ssh.sock\"", "-t", "-q", "-p", "50832", "127.0.0.1", "--", &script]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// The login `rdctl shell` gets in the VM, starting in `cwd` (the Mac's home is shared).
pub fn guest_login(cwd: &str) -> GuestLogin<'_> {
    let env: Vec<(String, String)> = [
        ("USER", USER.to_string()),
        ("LOGNAME", USER.to_string()),
        ("HOME", format!("/home/{USER}.linux")),
        ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string()),
        ("SHELL", "/bin/ash".to_string()),
        ("MAIL", format!("/var/mail/{USER}")),
        ("SSH_CLIENT", "192.168.5.2 50833 22".to_string()),
        ("SSH_CONNECTION", "192.168.5.2 50833 192.168.5.15 22".to_string()),
        ("SSH_TTY", "/dev/pts/0".to_string()),
        ("TERM", "xterm-256color".to_string()),
        ("PAGER", "less".to_string()),
        ("PS1", "\\h:\\w\\$ ".to_string()),
        ("CHARSET", "UTF-8".to_string()),
        ("LANG", "C.UTF-8".to_string()),
        ("LC_COLLATE", "C".to_string()),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.clone()))
    .collect();
    GuestLogin { user: USER, uid: UID, gid: 1000, cwd, fallback_cwd: HOME, shell: "/bin/ash", sshd: VM_SSHD, env }
}
