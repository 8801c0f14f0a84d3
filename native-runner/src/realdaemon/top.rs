//! `docker top`: dockerd runs `ps` on the host (`-ef`, or the client's ps arguments) and
//! keeps the rows of the container's processes, as `parsePSOutput` does: the PID column
//! found by its title, the last column keeping its spaces.

use std::collections::BTreeSet;
use std::process::Command;

/// Host PIDs of the processes in the PID namespace of `init`.
fn container_pids(init: i32) -> Result<BTreeSet<String>, String> {
    let ns = std::fs::read_link(format!("/proc/{init}/ns/pid")).map_err(|e| format!("reading the container's PID namespace: {e}"))?;
    let mut pids = BTreeSet::new();
    for e in std::fs::read_dir("/proc").map_err(|e| e.to_string())?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.bytes().all(|b| b.is_ascii_digit()) && std::fs::read_link(e.path().join("ns/pid")).is_ok_and(|l| l == ns) {
            pids.insert(name);
        }
    }
    Ok(pids)
}

pub fn top(init: i32, ps_args: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let args: Vec<&str> = if ps_args.trim().is_empty() { vec!["-ef"] } else { ps_args.split_whitespace().collect() };
    let pids = container_pids(init)?;
    let out = Command::new("ps").args(&args).output().map_err(|e| format!("Error running ps: {e}"))?;
    if !out.status.success() {
        // moby's top_unix.go: "first line of stderr shows why ps failed".
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().filter(|l| !l.is_empty()).map(str::to_string).unwrap_or_else(|| format!("exit status {}", out.status.code().unwrap_or(1)));
        return Err(format!("ps: {first}"));
    }
    parse(&String::from_utf8_lossy(&out.stdout), &pids)
}

fn parse(text: &str, pids: &BTreeSet<String>) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut lines = text.lines();
    let titles: Vec<String> = lines.next().unwrap_or("").split_whitespace().map(str::to_string).collect();
    let Some(pid_col) = titles.iter().position(|t| t == "PID") else {
        return Err("Couldn't find PID field in ps output".into());
    };
    let mut rows = Vec::new();
    for l in lines {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.get(pid_col).is_none_or(|p| !pids.contains(*p)) {
            continue;
        }
        let n = titles.len();
        let mut row: Vec<String> = f.iter().take(n.saturating_sub(1)).map(|s| s.to_string()).collect();
        row.push(f.iter().skip(n.saturating_sub(1)).copied().collect::<Vec<_>>().join(" "));
        rows.push(row);
    }
    Ok((titles, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_containers_rows_and_the_last_columns_spaces() {
        let ps = "UID          PID    PPID  C STIME TTY          TIME CMD\nroot           1       0  0 10:00 ?        00:00:01 /sbin/init\nroot        4242    4200  0 10:01 ?        00:00:00 sleep 1000\n";
        let pids: BTreeSet<String> = ["4242".to_string()].into();
        let (t, r) = parse(ps, &pids).expect("parses");
        assert_eq!(t, ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]);
        assert_eq!(r, vec![vec!["root", "4242", "4200", "0", "10:01", "?", "00:00:00", "sleep 1000"]]);
        assert!(parse("USER COMMAND\n", &pids).is_err());
    }
}
