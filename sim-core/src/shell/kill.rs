//! The `kill` builtin of bash and zsh: the host's way to signal a process by PID, e.g. a
//! container's process seen from the host, or a desktop app's port forwarder on the Mac.
//! Messages as bash 4.2/5 and zsh 5.8 print them.

use super::{Flavor, Shell};
use crate::kernel::{Kernel, Pid};
use crate::utils::busybox::misc::signal_number;
use crate::utils::Io;

const BASH_USAGE: &str = "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n";

pub fn run(k: &mut Kernel, sh: &Shell, args: &[String], io: &mut Io) -> i32 {
    let zsh = sh.flavor == Flavor::Zsh;
    let name = sh.err_name();
    let mut sig = 15;
    let mut rest = args;
    match rest.first().map(String::as_str) {
        Some("-s" | "-n") => {
            let Some(n) = rest.get(1).and_then(|s| signal_number(s)) else {
                let what = rest.get(1).cloned().unwrap_or_default();
                io.write_err(&if zsh { format!("kill: unknown signal: SIG{what}\nkill: type kill -l for a list of signals\n") } else { format!("{name}: kill: {what}: invalid signal specification\n") });
                return 1;
            };
            sig = n;
            rest = &rest[2.min(rest.len())..];
        }
        Some(a) if a.len() > 1 && a.starts_with('-') && a != "--" => {
            let Some(n) = signal_number(&a[1..]) else {
                io.write_err(&if zsh { format!("kill: unknown signal: SIG{}\nkill: type kill -l for a list of signals\n", &a[1..]) } else { format!("{name}: kill: {}: invalid signal specification\n", &a[1..]) });
                return 1;
            };
            sig = n;
            rest = &rest[1..];
        }
        _ => {}
    }
    if rest.first().map(String::as_str) == Some("--") {
        rest = &rest[1..];
    }
    if rest.is_empty() {
        if zsh {
            io.write_err("kill: not enough arguments\n");
            return 1;
        }
        io.write_err(BASH_USAGE);
        return 2;
    }
    let Some(me) = k.procs.get(&sh.pid).cloned() else { return 1 };
    let mut status = 0;
    for t in rest {
        let Ok(n) = t.parse::<u32>() else {
            io.write_err(&if zsh { format!("kill: illegal pid: {t}\n") } else { format!("{name}: kill: {t}: arguments must be process or job IDs\n") });
            status = 1;
            continue;
        };
        let target: Option<Pid> = k.global_pid(me.ns.pid, n);
        // An interactive shell ignores SIGTERM: `kill $$` leaves it running.
        if target == Some(sh.pid) && sig == 15 {
            continue;
        }
        let result = match target {
            Some(g) => k.send_signal(sh.pid, g, sig),
            None => Err(crate::kernel::Errno::ESRCH),
        };
        if let Err(e) = result {
            let why = e.message();
            io.write_err(&if zsh { format!("kill: kill {t} failed: {}\n", why.to_lowercase()) } else { format!("{name}: kill: ({t}) - {why}\n") });
            status = 1;
        }
    }
    status
}
