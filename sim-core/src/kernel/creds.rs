//! Supplementary groups, as `initgroups(3)` gives a login: the groups of /etc/group that list
//! the user by name. A process's groups decide, for example, whether it may open
//! `/var/run/docker.sock` (group `docker`).

use super::vfs::Stat;
use super::{Kernel, Pid};

impl Kernel {
    fn read_text(&self, pid: Pid, path: &str) -> String {
        let data = self.resolve(pid, path, true).ok().and_then(|r| self.read_loc(pid, &r.loc).ok()).unwrap_or_default();
        String::from_utf8_lossy(&data).into_owned()
    }

    /// The primary and supplementary groups of process `pid`.
    pub fn groups_of(&self, pid: Pid) -> Vec<u32> {
        let Some(p) = self.procs.get(&pid) else { return Vec::new() };
        let mut out = vec![p.gid];
        let passwd = self.read_text(pid, "/etc/passwd");
        let name = passwd.lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.get(2).and_then(|u| u.parse::<u32>().ok()) == Some(p.uid)).then(|| f[0].to_string())
        });
        let Some(name) = name else { return out };
        for l in self.read_text(pid, "/etc/group").lines() {
            let f: Vec<&str> = l.split(':').collect();
            let members = f.get(3).copied().unwrap_or("");
            if members.split(',').any(|m| m == name) {
                if let Some(g) = f.get(2).and_then(|g| g.parse::<u32>().ok()) {
                    if !out.contains(&g) {
                        out.push(g);
                    }
                }
            }
        }
        out
    }

    /// Like `may`, with the supplementary groups counted.
    pub fn may_with_groups(&self, pid: Pid, st: &Stat, want: u32) -> bool {
        let Some(p) = self.procs.get(&pid) else { return false };
        if p.uid == 0 || p.uid == st.uid {
            return self.may(pid, st, want);
        }
        let bits = if self.groups_of(pid).contains(&st.gid) { st.perm >> 3 } else { st.perm };
        bits & want == want
    }
}
