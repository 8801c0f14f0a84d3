//! The desktop profiles: the Mac's socket leads into the VM's dockerd, the VM pulls for its
//! own platform, binfmt_misc runs foreign binaries through qemu, and `rdctl shell` puts a
//! shell of the VM in the terminal and takes everything with it when it exits.

use sim_core::client::transport::DockerTransport;
use sim_core::engine::socket::SimTransport;
use sim_core::host::{desktop, mac, Profile};
use sim_core::http::Request;
use sim_core::kernel::process::Exec;
use sim_core::kernel::Errno;
use sim_core::shell::terminal::{Terminal, TerminalConfig};

fn ping(t: &mut Terminal, path: &str) -> (u16, Vec<u8>, bool) {
    let ep = desktop::daemon_endpoint(&mut t.kernel, mac::SHELL_PID, path);
    let crossed = ep.crossed;
    let mut s = SimTransport::new(ep.kernel, ep.pid, &ep.path);
    let mut r = Request::new("GET", "/_ping");
    r.headers.push(("Host".into(), "api.moby.localhost".into()));
    let resp = s.roundtrip(&r).expect("the VM's dockerd answers");
    (resp.status, resp.body, crossed)
}

#[test]
fn mac_socket_reaches_the_vms_dockerd() {
    for profile in [Profile::RancherDesktopM1, Profile::DockerDesktopMac] {
        let mut t = Terminal::new(profile, TerminalConfig::default());
        assert!(t.kernel.docker.is_none(), "no dockerd on the Mac");
        let (status, body, crossed) = ping(&mut t, "/var/run/docker.sock");
        assert_eq!((status, body.as_slice(), crossed), (200, &b"OK"[..], true));
        let g = t.kernel.guest.as_ref().expect("a VM");
        assert_eq!(g.crossings.len(), 1);
        assert_eq!(g.kernel.docker.as_ref().map(|d| d.socket_log.len()), Some(1));
        assert!(desktop::daemon_kernel(&mut t.kernel, mac::SHELL_PID, "/var/run/docker.sock").is_some());
        // A path nobody forwards stays on the Mac, where no daemon listens.
        assert!(desktop::daemon_kernel(&mut t.kernel, mac::SHELL_PID, "/tmp/docker.sock").is_none());
    }
}

#[test]
fn vm_platforms() {
    let t = Terminal::new(Profile::RancherDesktopM1, TerminalConfig::default());
    let d = t.kernel.guest.as_ref().and_then(|g| g.kernel.docker.as_ref()).expect("dockerd");
    assert_eq!((d.platform.architecture.as_str(), d.platform.variant.as_deref()), ("arm64", Some("v8")));
    let t = Terminal::new(Profile::DockerDesktopMac, TerminalConfig::default());
    let d = t.kernel.guest.as_ref().and_then(|g| g.kernel.docker.as_ref()).expect("dockerd");
    assert_eq!(d.platform.architecture, "amd64");
}

#[test]
fn binfmt_runs_amd64_through_qemu_on_the_m1_vm() {
    let mut t = Terminal::new(Profile::RancherDesktopM1, TerminalConfig::default());
    let g = t.kernel.guest.as_mut().expect("a VM");
    let k = &mut g.kernel;
    assert_eq!(k.emulation_for("amd64").as_deref(), Some("/usr/bin/qemu-x86_64"));
    assert_eq!(k.emulation_for("arm64"), None);
    let pid = k.spawn(1, Exec { comm: "sleep".into(), argv: vec!["sleep".into(), "31".into()], ..Exec::default() }).expect("spawn");
    k.binfmt_exec(pid, "amd64", "/bin/sleep").expect("qemu-x86_64 is registered");
    let p = k.procs.get(&pid).expect("process");
    // Flags OCF (no P): argv[0] is replaced by the file name, as a real kernel does.
    assert_eq!(p.argv, ["/usr/bin/qemu-x86_64", "/bin/sleep", "31"]);
    assert_eq!(p.comm, "sleep");
    assert_eq!(k.machine_of(pid), "x86_64");
    assert_eq!(k.machine_of(1), "aarch64");
    // Native binaries are left alone; an architecture nobody registered cannot run.
    assert_eq!(k.binfmt_exec(1, "arm64", "/sbin/init"), Ok(()));
    let mut linux = Terminal::new(Profile::Linux, TerminalConfig::default());
    assert_eq!(linux.kernel.emulation_for("arm64"), None);
    assert_eq!(linux.kernel.binfmt_exec(1, "arm64", "/bin/true"), Err(Errno::ENOEXEC));
}

#[test]
fn rdctl_shell_enters_the_vm_and_exit_cleans_up() {
    let mut t = Terminal::new(Profile::RancherDesktopM1, TerminalConfig::default());
    let start = Profile::RancherDesktopM1.session_start();
    let mac_procs = t.kernel.procs.len();
    let vm_procs = t.kernel.guest.as_ref().map(|g| g.kernel.procs.len()).unwrap_or(0);
    t.run("rdctl shell", start);
    assert_eq!(t.shell().machine.depth, 1);
    assert_eq!(t.prompt(), "lima-rancher-desktop:/Users/playground-user$ ");
    assert_eq!(t.run("uname -m", start + 1), "aarch64\n");
    // On the Mac, rdctl, limactl and ssh wait for it.
    let waiting: Vec<String> = t.kernel.procs.values().filter(|p| p.tty.as_deref() == Some("ttys000")).map(|p| p.comm.clone()).collect();
    assert!(waiting.contains(&"limactl".to_string()) && waiting.contains(&"ssh".to_string()), "{waiting:?}");
    t.run("exit", start + 2);
    assert_eq!(t.shell().machine.depth, 0);
    assert_eq!(t.prompt(), "playground-user@MacBook-Pro ~ % ");
    assert_eq!(t.kernel.procs.len(), mac_procs);
    assert_eq!(t.kernel.guest.as_ref().map(|g| g.kernel.procs.len()).unwrap_or(0), vm_procs);
}

#[test]
fn published_port_is_forwarded_only_when_published() {
    let t = Terminal::new(Profile::DockerDesktopMac, TerminalConfig::default());
    assert_eq!(desktop::forwarded_port(&t.kernel, 8080), None);
}
