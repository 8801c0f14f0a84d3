//! An exec's input and output over the hijacked connection (`POST /exec/{id}/start`): the
//! client's bytes to the process's stdin (with `-i`), its stdout and stderr back as stream
//! frames, or the raw terminal with `-t`; the exit code Docker reports when it ends.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

use sim_core::engine::containers::frame;

use crate::runtime::ExecChild;

/// Copies the client's input into `to` until the client stops sending.
fn input(mut conn: UnixStream, mut to: std::fs::File) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if to.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
            }
        }
    });
}

/// Copies `from` to the connection, framed for `stream` (raw when `stream` is 0).
fn output(mut from: std::fs::File, conn: Arc<Mutex<UnixStream>>, stream: u8) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let bytes = if stream == 0 { buf[..n].to_vec() } else { frame(stream, &buf[..n]) };
            let Ok(mut c) = conn.lock() else { return };
            if c.write_all(&bytes).is_err() {
                return;
            }
        }
    })
}

/// Carries the exec's streams until it ends; returns its exit code.
pub fn pump(conn: &UnixStream, mut child: ExecChild, stdin: bool) -> i32 {
    let Ok(w) = conn.try_clone() else { return child.wait().map(|s| s.docker_code()).unwrap_or(255) };
    let writer = Arc::new(Mutex::new(w));
    let mut outs = Vec::new();
    if let Some(pty) = child.pty.take() {
        if let (Ok(r), Ok(c)) = (pty.try_clone(), conn.try_clone()) {
            if stdin {
                input(c, pty);
            }
            outs.push(output(r, Arc::clone(&writer), 0));
        }
    } else {
        match (child.stdin.take(), conn.try_clone()) {
            (Some(i), Ok(c)) if stdin => input(c, i),
            // Without -i the process reads an empty input.
            (i, _) => drop(i),
        }
        if let Some(o) = child.stdout.take() {
            outs.push(output(o, Arc::clone(&writer), 1));
        }
        if let Some(e) = child.stderr.take() {
            outs.push(output(e, Arc::clone(&writer), 2));
        }
    }
    let code = child.wait().map(|s| s.docker_code()).unwrap_or(255);
    for o in outs {
        let _ = o.join();
    }
    code
}
