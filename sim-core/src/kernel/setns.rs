//! `setns(2)` and the permission checks around it: opening `/proc/PID/ns/KIND` needs ptrace
//! read access to PID, joining the namespace needs CAP_SYS_ADMIN. This is why `nsenter -t 1`
//! fails in a plain container and works in a `--privileged --pid=host` one (Docker Desktop's
//! known way into its VM).

use super::process::Caps;
use super::{Errno, Kernel, NsKind, Pid};

impl Kernel {
    /// Whether `pid` holds every capability (root with the full set).
    pub fn has_all_caps(&self, pid: Pid) -> bool {
        self.procs.get(&pid).is_some_and(|p| p.uid == 0 && p.caps == Caps::Full)
    }

    /// `ptrace_may_access(target, PTRACE_MODE_READ)` for `me`: itself, a process of the
    /// same user holding no capability `me` lacks, or anything when `me` has CAP_SYS_PTRACE.
    pub fn may_read_ns_of(&self, me: Pid, target: Pid) -> Result<(), Errno> {
        let (Some(a), Some(b)) = (self.procs.get(&me), self.procs.get(&target)) else { return Err(Errno::ENOENT) };
        if me == target || self.has_all_caps(me) {
            return Ok(());
        }
        let target_has_more = self.has_all_caps(target) && a.caps != Caps::Full;
        if a.uid == b.uid && a.gid == b.gid && !target_has_more {
            Ok(())
        } else {
            Err(Errno::EACCES)
        }
    }

    /// `setns(fd of /proc/target/ns/KIND)` for `me`: EPERM without CAP_SYS_ADMIN. Joining a
    /// mount namespace puts `me` at its root; a PID namespace is for `me`'s next children.
    pub fn setns(&mut self, me: Pid, target: Pid, kind: NsKind) -> Result<(), Errno> {
        let tns = self.procs.get(&target).ok_or(Errno::ESRCH)?.ns;
        if !self.has_all_caps(me) {
            return Err(Errno::EPERM);
        }
        let p = self.procs.get_mut(&me).ok_or(Errno::ESRCH)?;
        match kind {
            NsKind::Mnt => {
                p.ns.mnt = tns.mnt;
                p.cwd = "/".into();
            }
            NsKind::Uts => p.ns.uts = tns.uts,
            NsKind::Ipc => p.ns.ipc = tns.ipc,
            NsKind::Net => p.ns.net = tns.net,
            NsKind::Pid => p.ns.pid_for_children = tns.pid,
            _ => return Err(Errno::EINVAL),
        }
        Ok(())
    }
}
