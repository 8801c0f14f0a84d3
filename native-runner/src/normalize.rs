//! What differs between two runs of the same docker command without either being wrong:
//! ids, times and durations, addresses the daemon hands out in order, host PIDs, counters,
//! and the column widths those values set. Everything else is compared as printed.
//! Shared by `native-runner compare` and the cross-check tests.

use regex_lite::Regex;

/// Each rule: a pattern and what it becomes. Order matters: ids before PIDs, cells last.
const RULES: &[(&str, &str)] = &[
    // Container, image and exec ids, long and short.
    (r"[0-9a-f]{64}", "<ID>"),
    (r"\b[0-9a-f]{12}\b", "<ID>"),
    // Times: go-units' HumanDuration ("2 seconds ago", "Up About a minute") and RFC 3339.
    (r"(Less than a second|About a minute|About an hour|\d+ (seconds?|minutes?|hours?|days?|weeks?|months?|years?)) ago", "<WHEN> ago"),
    (r"Up (Less than a second|About a minute|About an hour|\d+ (seconds?|minutes?|hours?|days?|weeks?|months?|years?))", "Up <WHEN>"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", "<TIME>"),
    // The CLI's CreatedAt ("2026-11-29 03:41:40 +0000 UTC").
    (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} [A-Z]+", "<TIME>"),
    // `ls -l`'s recent times (files a container's start wrote): two runs may straddle a minute.
    (r"\b[A-Z][a-z]{2} [ \d]\d \d\d:\d\d\b", "<MTIME>"),
    // docker0's addresses go in order of the containers the daemon already runs.
    (r"172\.17\.0\.\d+", "172.17.0.<N>"),
    (r"02:42:ac:11:00:[0-9a-f]{2}", "<MAC>"),
    // A veth's interface index counts every link the host ever made (`ip addr` in a container).
    (r"(?m)^\d+: (\w+)@if\d+:", "<IF>: $1@if<IF>:"),
    // Host PIDs in inspect (0 when not running stays).
    (r#""Pid": [1-9]\d*"#, r#""Pid": <PID>"#),
    // The daemon's exec root (its netns files), which a private test daemon moves.
    (r#""SandboxKey": "\S*/netns/"#, r#""SandboxKey": "<EXEC-ROOT>/netns/"#),
    // The host's disk and the overlay's layer paths, as a container's `mount` shows them.
    // A bind of the host's disk (/etc/hosts, volumes, `-v /host:/ctr`) keeps only rw or ro.
    (r"/dev/\S+ on (/\S+) type \S+ \((r[ow])[^)]*\)", "<DISK> on $1 type <FS> ($2,<OPTS>)"),
    (r"(?m)^/dev/\S+ (/\S*) \S+ (r[ow])\S* 0 0$", "<DISK> $1 <FS> $2,<OPTS> 0 0"),
    (r"lowerdir=\S+\)", "<OVERLAY>)"),
    // Traffic counters.
    (r"(RX|TX) (packets|bytes):\d+", "$1 $2:<N>"),
    (r"\(\d+(\.\d+)? [KMG]?i?B\)", "(<SIZE>)"),
    // `docker top`'s ps -ef lines: host PID and PPID, CPU share, start time.
    (r"(?m)^(\S+ +)\d+ +\d+ +\d+ +\d\d:\d\d ", "$1<PID>   <PID>   <C>   <STIME> "),
    // Host PIDs (docker top -o), and the PIDs runc's helpers leave to an exec'd process.
    (r"(?m)^\d{3,} +", "<PID> "),
    (r"(?m)^ +([2-9]|\d{2,}) root ", " <PID> root "),
    // Table columns are as wide as their widest (volatile) value: compare the cells.
    (r" {3,}", "   "),
];

/// The compiled rules; built once per comparison run.
pub struct Normalizer {
    rules: Vec<(Regex, &'static str)>,
    /// Exact texts replaced first: a daemon's configured directories (a private test
    /// daemon's data root instead of /var/lib/docker).
    literals: Vec<(String, String)>,
}

impl Normalizer {
    pub fn new() -> Result<Normalizer, String> {
        let rules = RULES.iter().map(|(re, with)| Regex::new(re).map(|r| (r, *with)).map_err(|e| format!("normalize rule {re}: {e}"))).collect::<Result<_, _>>()?;
        Ok(Normalizer { rules, literals: Vec::new() })
    }

    /// Also replaces `from` by `to` (before the rules), when it is not empty.
    pub fn with_literal(mut self, from: &str, to: &str) -> Normalizer {
        if !from.is_empty() && from != to {
            self.literals.push((from.to_string(), to.to_string()));
        }
        self
    }

    pub fn apply(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (from, to) in &self.literals {
            out = out.replace(from.as_str(), to);
        }
        for (re, with) in &self.rules {
            out = re.replace_all(&out, *with).into_owned();
        }
        out
    }
}

/// One-off normalization (compiles the rules each time).
pub fn normalize(s: &str) -> String {
    match Normalizer::new() {
        Ok(n) => n.apply(s),
        Err(_) => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn volatile_fields_only() {
        assert_eq!(normalize("Up 2 seconds"), normalize("Up About a minute"));
        assert_eq!(normalize("Exited (0) 3 seconds ago"), normalize("Exited (0) Less than a second ago"));
        assert_eq!(normalize("2026-11-29T02:53:18.123456789Z"), "<TIME>");
        assert_eq!(normalize("f9ef34fd2ca4 alpine"), "<ID> alpine");
        // What is not volatile stays and differs.
        assert_ne!(normalize("Exited (0) 3 seconds ago"), normalize("Exited (1) 3 seconds ago"));
        assert_ne!(normalize("alpine 3.15 5.59MB"), normalize("alpine 3.15 5.6MB"));
        assert_ne!(normalize("Error: No such container: a"), normalize("Error: No such container: b"));
    }

    #[test]
    fn disk_binds_keep_their_target_and_rw_or_ro() {
        // This machine's disk against the article's EC2 host's, in `mount` and /proc/mounts.
        let here = "/dev/vda on /data type ext4 (ro,relatime,discard,resv_strict,resuid=65534,resgid=65534)";
        let ec2 = "/dev/nvme0n1p1 on /data type xfs (ro,noatime,attr2,inode64,noquota)";
        assert_eq!(normalize(here), normalize(ec2));
        assert_eq!(normalize("/dev/vda /data ext4 rw,relatime,discard 0 0"), normalize("/dev/nvme0n1p1 /data xfs rw,noatime,attr2 0 0"));
        assert_ne!(normalize(ec2), normalize("/dev/nvme0n1p1 on /data type xfs (rw,noatime,attr2,inode64,noquota)"));
        assert_ne!(normalize("/dev/vda /data ext4 rw,relatime 0 0"), normalize("/dev/vda /srv ext4 rw,relatime 0 0"));
    }
}
