//! `kill(2)`: the permission check and what the simulation does with a signal. A signal that
//! ends a process ends it; STOP and CONT stop and resume it; PID 1 of a namespace ignores
//! signals it has no handler for, so it is left alone.

use super::{Errno, Kernel, Pid, ProcState};

impl Kernel {
    /// Sends signal `sig` from `sender` to `target` (global PIDs): EPERM unless the sender is
    /// root or runs as the target's user.
    pub fn send_signal(&mut self, sender: Pid, target: Pid, sig: u32) -> Result<(), Errno> {
        let s_uid = self.procs.get(&sender).ok_or(Errno::ESRCH)?.uid;
        let t = self.procs.get(&target).ok_or(Errno::ESRCH)?;
        if s_uid != 0 && s_uid != t.uid {
            return Err(Errno::EPERM);
        }
        let is_init = t.ns_pids.last() == Some(&1);
        let fatal = !matches!(sig, 0 | 17 | 18 | 20 | 21 | 22 | 23 | 28);
        match sig {
            19 => {
                if let Some(p) = self.procs.get_mut(&target) {
                    p.state = ProcState::Stopped;
                }
            }
            18 => {
                if let Some(p) = self.procs.get_mut(&target) {
                    if p.state == ProcState::Stopped {
                        p.state = ProcState::Sleeping;
                    }
                }
            }
            _ if fatal && !is_init => self.exit(target),
            _ => {}
        }
        Ok(())
    }
}
