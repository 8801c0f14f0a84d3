//! Streams of JSON messages (pull, load, import): moby's `jsonmessage.DisplayJSONMessagesStream`.
//! On a terminal each layer keeps a line that is redrawn in place (`ESC[nA ESC[2K \r ... \r ESC[nB`)
//! with a progress bar when the terminal is wider than 110 columns; elsewhere only the status
//! changes are printed, one per line.

use super::humanize::human_size;
use super::json::{parse_stream, Json};

/// Where the messages are shown.
#[derive(Clone, Copy, Debug)]
pub struct Term {
    pub is_tty: bool,
    /// The terminal's width (0 when unknown).
    pub width: usize,
    /// Now, in Unix seconds (for "time left").
    pub now: i64,
}

/// The text to print, and the error that ended the stream (`errorDetail.message`, or a
/// decoding error).
pub fn display(stream: &[u8], term: Term) -> (String, Option<String>) {
    let (docs, decode_err) = parse_stream(stream);
    let mut out = String::new();
    let mut ids: Vec<String> = Vec::new();
    for jm in &docs {
        if jm.get("aux").is_some() {
            continue;
        }
        let id = jm.s("id");
        let progress = jm.get("progressDetail").filter(|p| !p.is_null());
        let progress_msg = jm.s("progress");
        let mut diff = 0usize;
        if !id.is_empty() && (progress.is_some() || !progress_msg.is_empty()) {
            let line = match ids.iter().position(|x| *x == id) {
                Some(l) => l,
                None => {
                    ids.push(id.clone());
                    if term.is_tty {
                        out.push('\n');
                    }
                    ids.len() - 1
                }
            };
            diff = ids.len() - line;
            if term.is_tty {
                out.push_str(&format!("\x1b[{diff}A"));
            }
        } else {
            ids.clear();
        }
        if let Some(err) = jm.get("errorDetail").filter(|e| !e.is_null()) {
            if !id.is_empty() && term.is_tty && diff > 0 {
                out.push_str(&format!("\x1b[{diff}B"));
            }
            return (out, Some(err.s("message")));
        }
        display_one(jm, progress, &progress_msg, term, &mut out);
        if !id.is_empty() && term.is_tty && diff > 0 {
            out.push_str(&format!("\x1b[{diff}B"));
        }
    }
    (out, decode_err)
}

fn display_one(jm: &Json, progress: Option<&Json>, progress_msg: &str, term: Term, out: &mut String) {
    let stream = jm.s("stream");
    let mut endl = "";
    let bar = progress.map(|p| progress_string(p, term)).unwrap_or_default();
    if term.is_tty && stream.is_empty() && progress.is_some() {
        out.push_str("\x1b[2K");
        endl = "\r";
        out.push_str(endl);
    } else if progress.is_some() && !bar.is_empty() {
        // No progress bars off a terminal.
        return;
    }
    let time_nano = jm.i("timeNano");
    let time = jm.i("time");
    if time_nano != 0 {
        out.push_str(&format!("{} ", rfc3339_nano_fixed(time_nano as i128)));
    } else if time != 0 {
        out.push_str(&format!("{} ", rfc3339_nano_fixed(time as i128 * 1_000_000_000)));
    }
    let id = jm.s("id");
    if !id.is_empty() {
        out.push_str(&format!("{id}: "));
    }
    let from = jm.s("from");
    if !from.is_empty() {
        out.push_str(&format!("(from {from}) "));
    }
    let status = jm.s("status");
    if progress.is_some() && term.is_tty {
        out.push_str(&format!("{status} {bar}{endl}"));
    } else if !progress_msg.is_empty() {
        out.push_str(&format!("{status} {progress_msg}{endl}"));
    } else if !stream.is_empty() {
        out.push_str(&format!("{stream}{endl}"));
    } else {
        out.push_str(&format!("{status}{endl}\n"));
    }
}

/// `JSONProgress.String()`.
fn progress_string(p: &Json, term: Term) -> String {
    let current = p.i("current");
    let total = p.i("total");
    let start = p.i("start");
    let hide = p.b("hidecounts");
    let units = p.s("units");
    let width = if term.is_tty { term.width } else { 200 };
    if current <= 0 && total <= 0 {
        return String::new();
    }
    if total <= 0 {
        return if units.is_empty() { format!("{:>8}", human_size(current as f64)) } else { format!("{current} {units}") };
    }
    let percentage = (((current as f64 / total as f64) * 100.0) as i64 / 2).clamp(0, 50);
    let mut pb = String::new();
    if width > 110 {
        pb = format!("[{}>{}] ", "=".repeat(percentage as usize), " ".repeat((50 - percentage) as usize));
    }
    let numbers = if hide {
        String::new()
    } else if units.is_empty() {
        let c = human_size(current as f64);
        if current > total {
            format!("{c:>8}")
        } else {
            format!("{c:>8}/{}", human_size(total as f64))
        }
    } else if current > total {
        format!("{current} {units}")
    } else {
        format!("{current}/{total} {units}")
    };
    let mut left = String::new();
    if width > 50 && current > 0 && start > 0 && percentage < 50 {
        let from_start_ns = (term.now as i128 - start as i128) * 1_000_000_000;
        let per = from_start_ns / current as i128;
        let left_ns = (total - current) as i128 * per;
        left = format!(" {}", go_duration_round_s(left_ns));
    }
    format!("{pb}{numbers}{left}")
}

/// Go's `Duration.Round(time.Second).String()`.
fn go_duration_round_s(ns: i128) -> String {
    let secs = ((ns + 500_000_000) / 1_000_000_000).max(0);
    if secs == 0 {
        return "0s".into();
    }
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// `2006-01-02T15:04:05.000000000Z07:00` in UTC.
pub fn rfc3339_nano_fixed(ns: i128) -> String {
    let secs = ns.div_euclid(1_000_000_000) as i64;
    let frac = ns.rem_euclid(1_000_000_000);
    let t = crate::clock::tm(secs);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", t.year, t.month, t.day, t.hour, t.min, t.sec, frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Term = Term { is_tty: false, width: 0, now: 0 };
    const TTY0: Term = Term { is_tty: true, width: 0, now: 0 };

    #[test]
    fn plain_prints_status_changes_only() {
        let s = br#"{"status":"Pulling from ref-pullsrc","id":"1"}
{"status":"Pulling fs layer","progressDetail":{},"id":"e8d9e2277013"}
{"status":"Downloading","progressDetail":{"current":106,"total":106},"progress":"[==>]    106B/106B","id":"e8d9e2277013"}
{"status":"Download complete","progressDetail":{},"id":"e8d9e2277013"}
{"status":"Digest: sha256:c0b1"}
"#;
        let (out, err) = display(s, PLAIN);
        assert_eq!(out, "1: Pulling from ref-pullsrc\ne8d9e2277013: Pulling fs layer\ne8d9e2277013: Download complete\nDigest: sha256:c0b1\n");
        assert_eq!(err, None);
    }

    #[test]
    fn terminal_redraws_lines() {
        let s = br#"{"status":"Pulling from ref-pullsrc","id":"1"}
{"status":"Pulling fs layer","progressDetail":{},"id":"a"}
{"status":"Pulling fs layer","progressDetail":{},"id":"b"}
{"status":"Downloading","progressDetail":{"current":36560,"total":2732000},"progress":"x","id":"a"}
"#;
        let (out, _) = display(s, TTY0);
        assert_eq!(
            out,
            "1: Pulling from ref-pullsrc\n\n\x1b[1A\x1b[2K\ra: Pulling fs layer \r\x1b[1B\n\x1b[1A\x1b[2K\rb: Pulling fs layer \r\x1b[1B\x1b[2A\x1b[2K\ra: Downloading  36.56kB/2.732MB\r\x1b[2B"
        );
    }

    #[test]
    fn errors_end_the_stream() {
        let (out, err) = display(br#"{"status":"x"}{"errorDetail":{"message":"boom"},"error":"boom"}"#, PLAIN);
        assert_eq!((out.as_str(), err.as_deref()), ("x\n", Some("boom")));
    }
}
