//! Nothing leaks: counts mounts, network namespaces, veths, bridges, iptables rules and
//! processes before and after 200 run/rm cycles (a quarter on a bridge network with a
//! MASQUERADE rule) and 20 SIGKILLs of the runtime itself mid-run (at random points of
//! start-up, or with the container running), followed by `native-runner cleanup`.
//!
//! The machine is shared (a real dockerd and other tests may create their own objects
//! meanwhile), so the strict checks are on what this test's runtime made — its root, its
//! bridge, the veths and network namespaces it recorded, processes carrying its marker —
//! and the global counts are printed beside them.

mod leaks;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use leaks::{count, record_running, sh, Seen};

const FIXTURE: &str = "../../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz";
const SUBNET: &str = "10.202.0.0/16";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

fn nr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_native-runner"))
}

/// Runs `cleanup` and removes the root even when an assertion fails.
struct CleanupOnDrop(PathBuf);

impl Drop for CleanupOnDrop {
    fn drop(&mut self) {
        let _ = nr().arg("cleanup").arg("--root").arg(&self.0).output();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_ms(i: u64, max: u64) -> u64 {
    // A fixed spread of kill points: early in start-up through well after.
    (i * 7919 + 13) % max
}

#[test]
fn nothing_leaks_after_200_cycles_and_20_runtime_kills() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIPPED nothing_leaks: the runtime needs root");
        return;
    }
    if !fixture().exists() {
        eprintln!("SKIPPED nothing_leaks: alpine fixture missing at {}", fixture().display());
        return;
    }
    if Command::new("iptables").arg("--version").output().map(|o| !o.status.success()).unwrap_or(true) {
        eprintln!("SKIPPED nothing_leaks: iptables missing");
        return;
    }
    let root = std::env::temp_dir().join(format!("nr-test-leaks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let rs = root.to_str().expect("utf-8").to_string();
    // Unique per run, so a run that failed earlier cannot pollute this one's counts.
    let bridge = format!("nrt-lk{}", std::process::id() % 100_000);
    let _guard = CleanupOnDrop(root.clone());
    let marker = format!("{}", 31_000_000 + std::process::id());
    let fx = fixture();
    // Unpack once outside the counted window.
    assert!(nr().args(["unpack", "--root", &rs]).arg(&fx).output().expect("unpack").status.success());
    let before = count(&root, &marker, &bridge);
    eprintln!("before: {before:?}");

    let mut seen = Seen::default();
    let t0 = Instant::now();
    for i in 0..200 {
        let mut c = nr();
        c.args(["run", "--root", &rs, "--rm", "--rootfs-tar"]).arg(&fx);
        if i % 4 == 0 {
            c.args(["--net", "--masquerade", "--bridge", &bridge, "--subnet", SUBNET]);
        }
        let code: i32 = i % 5;
        c.args(["--", "sh", "-c", &format!("exit {code}")]);
        let st = c.status().expect("run");
        assert_eq!(st.code(), Some(code), "cycle {i}");
    }
    eprintln!("200 run/rm cycles in {:.1} s", t0.elapsed().as_secs_f64());
    let mid = count(&root, &marker, &bridge);
    let left: usize = ["containers", "names"].iter().map(|d| std::fs::read_dir(root.join(d)).map(|x| x.count()).unwrap_or(0)).sum();
    assert_eq!(left, 0, "run --rm leaves no container state: {mid:?}");
    assert_eq!(mid.veths_on_our_bridge, 0, "veths of exited containers: {mid:?}");

    for i in 0..20u64 {
        let mut c = nr();
        c.args(["run", "--root", &rs, "--rm", "--net", "--masquerade", "--bridge", &bridge, "--subnet", SUBNET, "--rootfs-tar"])
            .arg(&fx)
            .args(["--", "sleep", &marker])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let running = || sh(&format!("ps -eo args | grep -c '^sleep {marker}$'")).trim().parse::<usize>().unwrap_or(0);
        let n0 = running();
        let mut child = c.spawn().expect("spawn run");
        if i % 2 == 0 {
            // Mid start-up: anywhere in the first ~30 ms.
            std::thread::sleep(Duration::from_micros(rand_ms(i, 30) * 1000 + rand_ms(i * 3, 1000)));
        } else {
            // With the container running.
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && running() <= n0 {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        record_running(&root, &mut seen);
        // SAFETY: our own child's PID, not yet reaped.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        let _ = child.wait();
    }
    let killed = count(&root, &marker, &bridge);
    eprintln!("after 20 runtime kills, before cleanup: {killed:?}");
    let o = nr().args(["cleanup", "--root", &rs]).output().expect("cleanup");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    eprintln!("cleanup: {}", String::from_utf8_lossy(&o.stdout).trim());
    // Namespace teardown after the last process exits is asynchronous in the kernel.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut after = count(&root, &marker, &bridge);
    while Instant::now() < deadline && (after.veths_on_our_bridge > 0 || after.marker_processes > 0 || after.our_bridge) {
        std::thread::sleep(Duration::from_millis(100));
        after = count(&root, &marker, &bridge);
    }
    eprintln!("after:  {after:?}");
    eprintln!("recorded {} container netns, {} veths", seen.netns.len(), seen.veths.len());

    assert_eq!(after.mounts_ours, 0, "mounts under the runtime root");
    assert_eq!(after.marker_processes, 0, "container processes");
    assert_eq!(after.runtime_processes, 0, "runtime processes");
    assert!(!after.our_bridge, "bridge {bridge}");
    assert_eq!(after.veths_on_our_bridge, 0, "veths");
    assert_eq!(after.iptables_ours, before.iptables_ours, "tagged iptables rules");
    leaks::assert_traces_gone(&before, &after, &seen);
    let _ = std::fs::remove_dir_all(&root);
}

/// A runtime SIGKILLed between reserving an address and writing its container's record
/// leaves only the address file. `cleanup` frees it, and the on-demand network and its
/// bridge go with it; an address held by a live runtime stays.
#[test]
fn an_address_reserved_by_a_dead_runtime_frees_its_network() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIPPED an_address_reserved_by_a_dead_runtime: bridges need root");
        return;
    }
    let root = std::env::temp_dir().join(format!("nr-test-reserve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let _guard = CleanupOnDrop(root.clone());
    let rs = root.to_str().expect("utf-8").to_string();
    let net = |name: &str, bridge: &str, subnet: &str| {
        let dir = root.join("networks").join(name);
        std::fs::create_dir_all(dir.join("ips")).expect("network dir");
        let gw = subnet.replace(".0/24", ".1");
        std::fs::write(dir.join("config"), format!("name={name}\nbridge={bridge}\nsubnet={subnet}\ngateway={gw}\nmasquerade=false\nauto_remove=true\n")).expect("config");
        let added = Command::new("ip").args(["link", "add", bridge, "type", "bridge"]).status().map(|s| s.success()).unwrap_or(false);
        assert!(added, "ip link add {bridge}");
        dir.join("ips")
    };
    let pid = std::process::id() % 100_000;
    let (dead_br, live_br) = (format!("nrt-dd{pid}"), format!("nrt-lv{pid}"));
    let dead_ips = net("dead", &dead_br, "10.203.1.0/24");
    let live_ips = net("live", &live_br, "10.203.2.0/24");
    // A PID that was a process and is no more; and this test, which is alive.
    let mut gone = Command::new("true").spawn().expect("true");
    let gone_pid = gone.id();
    let _ = gone.wait();
    let start_of = |pid: u32| -> String {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(19).map(str::to_string)).unwrap_or_else(|| "1".into())
    };
    std::fs::write(dead_ips.join("10.203.1.2"), format!("0123456789ab\n{gone_pid} 1\n")).expect("ip file");
    let me = std::process::id();
    std::fs::write(live_ips.join("10.203.2.2"), format!("ba9876543210\n{me} {}\n", start_of(me))).expect("ip file");

    let o = nr().args(["cleanup", "--root", &rs]).output().expect("cleanup");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let link = |b: &str| Command::new("ip").args(["link", "show", b]).output().map(|o| o.status.success()).unwrap_or(false);
    let (dead_left, live_left) = (link(&dead_br), link(&live_br));
    for b in [&live_br, &dead_br] {
        let _ = sh(&format!("ip link del {b} 2>/dev/null"));
    }
    assert!(out.contains("1 addresses, 1 networks"), "{out}");
    assert!(!dead_left, "the dead runtime's bridge {dead_br} is left");
    assert!(!dead_ips.exists(), "the dead runtime's network record is left");
    assert!(live_left, "the live runtime's bridge {live_br} was removed");
    assert!(live_ips.join("10.203.2.2").exists(), "the live runtime's address was freed");
}
