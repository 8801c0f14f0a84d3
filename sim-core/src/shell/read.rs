//! The `read` builtin of bash and ash.

use super::Shell;
use crate::utils::Io;

/// `read [-r] [-p PROMPT] [NAME...]`: one line of the input (a pipe or a redirection of
/// this command, or the input given to the loop it is in), split on blanks into the names
/// (the last takes the rest; `REPLY` without names). Status 1 at the end of the input, or
/// when the line had no newline. At the terminal there is nothing to read in the
/// simulation: status 1.
pub fn run(sh: &mut Shell, args: &[String], io: &mut Io) -> i32 {
    let mut raw = false;
    let mut names: Vec<&String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-r" => raw = true,
            "-p" => i += 1,
            _ => names.extend(&args[i..]),
        }
        if !names.is_empty() {
            break;
        }
        i += 1;
    }
    let input: &mut Vec<u8> = if !io.stdin_tty {
        &mut io.stdin
    } else if let Some(inp) = sh.input.as_mut() {
        inp
    } else {
        return 1;
    };
    if input.is_empty() {
        return 1;
    }
    // One line; without -r a backslash escapes the next character (and joins lines).
    let mut line = String::new();
    let mut ended = false;
    let mut taken = 0;
    let text = String::from_utf8_lossy(input).into_owned();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        taken += c.len_utf8();
        match c {
            '\n' => {
                ended = true;
                break;
            }
            '\\' if !raw => {
                if let Some(n) = chars.next() {
                    taken += n.len_utf8();
                    if n != '\n' {
                        line.push(n);
                    }
                }
            }
            c => line.push(c),
        }
    }
    input.drain(..taken.min(input.len()));
    let ws = [' ', '\t', '\n'];
    let line = line.trim_matches(ws);
    if names.is_empty() {
        sh.vars.set("REPLY", line, false);
    } else {
        let mut rest = line;
        for (j, n) in names.iter().enumerate() {
            if j + 1 == names.len() {
                sh.vars.set(n, rest.trim_matches(ws), false);
            } else {
                let (w, r) = rest.split_once(ws).unwrap_or((rest, ""));
                sh.vars.set(n, w, false);
                rest = r.trim_start_matches(ws);
            }
        }
    }
    if ended {
        0
    } else {
        1
    }
}
