//! Docker Desktop 4.10 on an Intel MacBook Pro (macOS 12.4), June 2022: the Docker app,
//! `com.docker.backend` (watchdog and backend), `com.docker.vpnkit`,
//! `com.docker.driver.amd64-linux` and `com.docker.hyperkit` running the LinuxKit VM
//! `docker-desktop` (x86_64) with dockerd pulling `linux/amd64`; the privileged helper
//! `com.docker.vmnetd` made `/var/run/docker.sock` a link to
//! `~/Library/Containers/com.docker.docker/Data/docker.raw.sock`, the backend's socket,
//! which it carries over vsock to the VM's dockerd.
//!
//! Why a link to docker.raw.sock: Docker Desktop before 4.13 (Oct 2022) created
//! /var/run/docker.sock through com.docker.vmnetd as a symlink into the app's container
//! data; 4.13 moved the user socket to ~/.docker/run/docker.sock. A mid-2022 install
//! therefore has the link to Data/docker.raw.sock (from release notes and user reports,
//! not a capture). Assumed: process argument lists and sizes, the VM's process set.

use super::mac::{self, MacProc, MacSpec, APP_START, BOOT, HOME, UID};
use super::vm::{self, VmProc, VmSpec};
use crate::image::oci::Platform;
use crate::kernel::binfmt::BinfmtEntry;
use crate::kernel::guest::{Guest, PortForwarder, SocketForward};
use crate::kernel::vfs::TreeFs;
use crate::kernel::{Kernel, Pid, Uname};

pub const SPEC: MacSpec = MacSpec { apple_silicon: false, path: mac::MAC_PATH_PLAIN };
pub const RAW_SOCK: &str = "/Users/playground-user/Library/Containers/com.docker.docker/Data/docker.raw.sock";
pub const VM_HOSTNAME: &str = "docker-desktop";
const VM_BOOT: i64 = APP_START + 6;

const BACKEND_PID: Pid = 2_268;
const HYPERKIT_PID: Pid = 2_275;
const VM_BRIDGE: Pid = 611;
const VM_DOCKERD: Pid = 1_020;
const VM_CONTAINERD: Pid = 1_027;

fn app_procs() -> Vec<MacProc> {
    let s = APP_START - BOOT;
    vec![
        (160, 1, 0, 40, 4_380_124, 3_040, 6, "/Library/PrivilegedHelperTools/com.docker.vmnetd"),
        (2_262, 1, UID, 1_210, 5_140_228, 98_432, s, "/Applications/Docker.app/Contents/MacOS/Docker"),
        (2_266, 2_262, UID, 90, 4_812_604, 18_220, s + 1, "/Applications/Docker.app/Contents/MacOS/com.docker.backend -watchdog -native-api"),
        (BACKEND_PID, 2_266, UID, 2_460, 5_092_860, 52_048, s + 1, "/Applications/Docker.app/Contents/MacOS/com.docker.backend -watchdog -native-api"),
        (2_271, BACKEND_PID, UID, 880, 4_420_356, 24_632, s + 2, "com.docker.vpnkit --ethernet fd:3 --diagnostics fd:4 --pcap fd:5 --vsock-path vms/0/connect --host-names host.docker.internal,docker.for.mac.host.internal,docker.for.mac.localhost --listen-backlog 32 --mtu 1500 --allowed-bind-addresses 0.0.0.0 --http /Users/playground-user/Library/Group Containers/group.com.docker/http_proxy.json --dhcp /Users/playground-user/Library/Group Containers/group.com.docker/dhcp.json --port-max-idle-time 300 --max-connections 2000 --gateway-ip 192.168.65.1 --host-ip 192.168.65.2 --lowest-ip 192.168.65.3 --highest-ip 192.168.65.254 --log-destination asl --gc-compact-interval 1800"),
        (2_273, BACKEND_PID, UID, 310, 4_907_380, 21_500, s + 2, "com.docker.driver.amd64-linux -addr fd:3 -debug -native-api"),
        (HYPERKIT_PID, 2_273, UID, 24_820, 6_529_408, 2_131_844, s + 3, "/Applications/Docker.app/Contents/MacOS/com.docker.hyperkit -A -u -F vms/0/hyperkit.pid -c 4 -m 2048M -s 0:0,hostbridge -s 31,lpc -s 1:0,virtio-vpnkit,path=vpnkit.eth.sock,uuid=1c0b6e4a-3d0a-4e39-8f6c-0c9a6b3c2e11 -U 6d3b8c44-2f1e-4b6a-9a77-5e2c1d0f8a33 -s 2:0,virtio-blk,/Users/playground-user/Library/Containers/com.docker.docker/Data/vms/0/data/Docker.raw -s 3,virtio-sock,guest_cid=3,path=vms/0,guest_forwards=2376;1525 -s 4,virtio-rnd -l com1,null,asl,log=vms/0/console-ring -f kexec,/Applications/Docker.app/Contents/Resources/linuxkit/kernel,/Applications/Docker.app/Contents/Resources/linuxkit/initrd.img,earlyprintk=serial page_poison=1 vsyscall=emulate panic=1 nospec_store_bypass_disable noibrs noibpb no_stf_barrier mitigations=off linuxkit.unified_cgroup_hierarchy=1 vpnkit.connect=tcp+bootstrap+client://192.168.65.2:50218/6a1f0b9e2c7d4e8f console=ttyS0"),
        (2_280, 2_262, UID, 1_740, 5_560_820, 121_004, s + 4, "/Applications/Docker.app/Contents/MacOS/Docker Desktop.app/Contents/MacOS/Docker Desktop --name=dashboard"),
        (2_290, BACKEND_PID, UID, 60, 4_878_112, 14_060, s + 5, "/Applications/Docker.app/Contents/MacOS/com.docker.dev-envs"),
    ]
}

const VM_PROCS: &[VmProc] = &[
    (420, 1, 0, "Sl", 711_520, 6_100, 1, "/usr/bin/memlogd -fd-log 3 -fd-query 4 -max-lines 5000 -max-line-len 1024"),
    (480, 1, 0, "Ssl", 1_320_812, 36_604, 1, "/usr/bin/containerd"),
    (VM_BRIDGE, 1, 0, "Sl", 712_480, 9_912, 2, "/usr/bin/vpnkit-bridge --addr connect --vsock-port 62373 guest"),
    (1_002, 480, 0, "Sl", 712_100, 7_220, 3, "/usr/bin/containerd-shim-runc-v2 -namespace services.linuxkit -id docker -address /run/containerd/containerd.sock"),
    (VM_DOCKERD, 1_002, 0, "Sl", 1_602_300, 80_616, 4, "/usr/local/bin/dockerd --containerd /var/run/desktop-containerd/containerd.sock --pidfile /run/desktop/docker.pid --swarm-default-advertise-addr=eth0 --host-gateway-ip 192.168.65.2"),
    (VM_CONTAINERD, 1_002, 0, "Sl", 1_405_204, 40_808, 4, "containerd --config /var/run/desktop-containerd/containerd.toml"),
];

const OS_RELEASE: &str = "PRETTY_NAME=\"Docker Desktop\"\n";

fn vm_spec() -> VmSpec {
    VmSpec {
        hostname: VM_HOSTNAME,
        uname: Uname {
            sysname: "Linux".into(),
            release: "5.10.104-linuxkit".into(),
            version: "#1 SMP Thu Mar 17 17:08:06 UTC 2022".into(),
            machine: "x86_64".into(),
            processor: "unknown".into(),
            os: "GNU/Linux".into(),
        },
        boot: VM_BOOT,
        mem_kb: 2_036_060,
        ncpu: 4,
        platform: Platform::new("linux", "amd64", None),
        os_release: OS_RELEASE,
        passwd: "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n".into(),
        group: "root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nnogroup:x:65533:\nnobody:x:65534:\n".into(),
        addr: [192, 168, 65, 3],
        gateway: [192, 168, 65, 1],
        mac: [0x02, 0x50, 0x00, 0x00, 0x00, 0x01],
        procs: VM_PROCS,
        dockerd_pid: VM_DOCKERD,
        containerd_pid: VM_CONTAINERD,
        docker_users: Vec::new(),
        // LinuxKit's binfmt service registers qemu-user for the other architectures.
        binfmt: BinfmtEntry::qemu("arm64", "/usr/bin/qemu-aarch64", "OCF").into_iter().collect(),
        shared_dirs: vec![(HOME.into(), UID, 20)],
        extra_programs: &[("/usr/bin/qemu-aarch64", "qemu-user")],
    }
}

fn install_app(k: &mut Kernel, t: &mut TreeFs) {
    let t0 = APP_START;
    t.put("/Applications/Docker.app/Contents/MacOS/Docker", super::build::program("docker-desktop", 3_190_720, 0o755, t0 - 86_400 * 10));
    t.put("/Applications/Docker.app/Contents/Resources/bin/docker", super::build::program("docker", 57_842_432, 0o755, t0 - 86_400 * 10));
    t.put("/usr/local/bin/docker", mac::mac_symlink("/Applications/Docker.app/Contents/Resources/bin/docker", t0 - 86_400 * 10));
    mac::put_user(t, RAW_SOCK, mac::socket(0o755, t0 + 2));
    mac::put_user(t, "/Users/playground-user/Library/Containers/com.docker.docker/Data/docker.sock", mac::socket(0o755, t0 + 2));
    mac::put_user(t, &format!("{HOME}/.docker/config.json"), super::build::text("{\n\t\"auths\": {},\n\t\"credsStore\": \"desktop\"\n}", 0o644, t0 - 86_400 * 10));
    let mut link = mac::mac_symlink(RAW_SOCK, t0 - 86_400 * 10);
    link.uid = 0;
    link.gid = 1;
    t.put("/private/var/run/docker.sock", link);
    for p in app_procs() {
        mac::place_mac(k, &p);
    }
}

/// The engine Docker Desktop 4.10.1 ships (Docker Engine 20.10.17).
fn versions(k: &mut Kernel) {
    if let Some(d) = k.docker.as_mut() {
        d.versions.engine = "20.10.17".into();
        d.versions.git_commit = "a89b842".into();
        d.versions.go = "go1.17.11".into();
        d.versions.build_time = "Mon Jun  6 23:01:23 2022".into();
        d.versions.containerd = "1.6.6".into();
        d.versions.containerd_commit = "10c12954828e7c7c9b6e0ea9b0c02b01407d3ae1".into();
        d.versions.runc = "1.1.2".into();
        d.versions.runc_commit = "v1.1.2-0-ga916309".into();
        d.versions.init = "0.19.0".into();
    }
}

/// Boots the Intel Mac with Docker Desktop running; returns it and the login shell's PID.
pub fn boot(seed: u64) -> (Kernel, Pid) {
    let (mut k, _) = mac::boot(&SPEC, seed, install_app);
    let mut guest = vm::boot(&vm_spec(), seed);
    versions(&mut guest);
    k.guest = Some(Box::new(Guest {
        name: "docker-desktop".into(),
        kernel: guest,
        vm_pid: HYPERKIT_PID,
        sockets: vec![SocketForward { host_path: RAW_SOCK.into(), guest_path: "/var/run/docker.sock".into(), host_pid: BACKEND_PID, guest_pid: VM_BRIDGE, via: "vsock (com.docker.backend)".into() }],
        ports: PortForwarder { host_pid: BACKEND_PID, listen: "*".into() },
        crossings: Vec::new(),
    }));
    let shell = mac::finish(&mut k, &SPEC);
    (k, shell)
}
