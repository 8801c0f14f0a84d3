//! Commands the shell runs itself, without a new process: `cd`, `export`, `exit`, ...

use super::exec::LineResult;
use super::{Flavor, Shell};
use crate::kernel::vfs::FileType;
use crate::kernel::Kernel;
use crate::utils::Io;

const BUILTINS: &[&str] = &[
    ":", "[", "alias", "break", "cd", "continue", "echo", "exit", "export", "false", "history", "kill", "logout", "printf", "pwd", "read", "test", "true", "type",
    "unalias", "unset",
];

/// Words the grammar reserves (`type for`: `for is a shell keyword`).
const KEYWORDS: &[&str] = &["if", "then", "else", "elif", "fi", "case", "esac", "for", "while", "until", "do", "done", "in", "{", "}", "!"];

pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

/// Whether `name` is a builtin of this shell flavour (ash has no `logout`, ...).
pub fn is_builtin_for(flavor: Flavor, name: &str) -> bool {
    match flavor {
        Flavor::Ash => crate::utils::busybox::ash::is_builtin(name),
        _ => is_builtin(name),
    }
}

/// Runs a builtin; `history` needs the terminal's history, so the terminal handles it and
/// this returns its status only for the others.
pub fn run(k: &mut Kernel, sh: &mut Shell, argv: &[String], io: &mut Io, res: &mut LineResult) -> i32 {
    if sh.flavor == Flavor::Ash {
        if let Some(st) = crate::utils::busybox::ash::builtin(k, sh, argv, io, res) {
            return st;
        }
    }
    let name = sh.err_name();
    let args = &argv[1..];
    match argv[0].as_str() {
        ":" | "true" => 0,
        "false" => 1,
        "echo" => echo(args, io),
        "break" | "continue" => super::compound::jump(sh, argv, &mut |m| io.write_err(m), res),
        "alias" => super::alias::alias(sh, args, io),
        "test" | "[" => super::test::run(k, sh, argv, io),
        "read" => super::read::run(sh, args, io),
        "unalias" => super::alias::unalias(sh, args, io),
        "kill" => super::kill::run(k, sh, args, io),
        "printf" => {
            let Some(fmt) = args.first() else {
                io.write_err("printf: usage: printf [-v var] format [arguments]\n");
                return 2;
            };
            let (out, bad) = super::printf::format(fmt, &args[1..]);
            for b in &bad {
                io.write_err(&format!("{name}: printf: {b}: invalid number\n"));
            }
            io.write_out(&out);
            if bad.is_empty() {
                0
            } else {
                1
            }
        }
        "pwd" => {
            let cwd = sh.vars.get("PWD").map(str::to_string).unwrap_or_else(|| cwd_of(k, sh));
            io.write_out(&format!("{cwd}\n"));
            0
        }
        "cd" => cd(k, sh, args, io),
        "export" => {
            if args.is_empty() || args[0] == "-p" {
                for v in sh.vars.0.iter().filter(|v| v.exported) {
                    io.write_out(&format!("declare -x {}=\"{}\"\n", v.name, v.value.replace('"', "\\\"")));
                }
                return 0;
            }
            let mut st = 0;
            for a in args {
                let (n, v) = match a.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (a.as_str(), None),
                };
                if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || n.starts_with(|c: char| c.is_ascii_digit()) {
                    io.write_err(&format!("{name}: export: `{a}': not a valid identifier\n"));
                    st = 1;
                    continue;
                }
                match v {
                    Some(v) => sh.vars.set(n, v, true),
                    None => sh.vars.export(n),
                }
            }
            st
        }
        "unset" => {
            for a in args {
                sh.vars.unset(a);
            }
            0
        }
        "exit" | "logout" => {
            if argv[0] == "logout" && !sh.login {
                io.write_err(&format!("{name}: logout: not login shell: use `exit'\n"));
                return 1;
            }
            let code = match args.first() {
                None => sh.status,
                Some(a) => match a.parse::<i64>() {
                    Ok(n) => n.rem_euclid(256) as i32,
                    Err(_) => {
                        io.write_err(&format!("{name}: exit: {a}: numeric argument required\n"));
                        2
                    }
                },
            };
            if args.len() > 1 && args[0].parse::<i64>().is_ok() {
                io.write_err(&format!("{name}: exit: too many arguments\n"));
                return 1;
            }
            if sh.interactive && !sh.subshell {
                io.write_err(if sh.login { "logout\n" } else { "exit\n" });
            }
            res.exit = Some(code);
            code
        }
        "type" => type_of(k, sh, args, io),
        "history" => {
            let out: String = sh.history.iter().enumerate().map(|(i, l)| format!("{:>5}  {l}\n", i + 1)).collect();
            io.write_out(&out);
            0
        }
        _ => 0,
    }
}

/// bash's `type [-a] NAME...`: aliases, keywords, builtins, then files on PATH.
fn type_of(k: &Kernel, sh: &Shell, args: &[String], io: &mut Io) -> i32 {
    let name = sh.err_name();
    let all = args.first().map(|a| a == "-a").unwrap_or(false);
    let mut st = 0;
    for a in args.iter().skip(all as usize) {
        let mut found = false;
        if let Some((_, v)) = sh.aliases.iter().find(|(n, _)| n == a) {
            if sh.flavor == Flavor::Zsh {
                io.write_out(&format!("{a} is an alias for {v}\n"));
            } else {
                io.write_out(&format!("{a} is aliased to `{v}'\n"));
            }
            found = true;
        }
        if (all || !found) && KEYWORDS.contains(&a.as_str()) {
            io.write_out(&format!("{a} is a shell keyword\n"));
            found = true;
        }
        if (all || !found) && is_builtin(a) {
            io.write_out(&format!("{a} is a shell builtin\n"));
            found = true;
        }
        if all || !found {
            let path = sh.vars.get("PATH").unwrap_or("").to_string();
            let dirs: Vec<String> = if a.contains('/') { vec![String::new()] } else { path.split(':').map(str::to_string).collect() };
            for d in dirs {
                if found && !all {
                    break;
                }
                let p = if d.is_empty() { a.clone() } else { d.clone() };
                let p = if d.is_empty() { p } else { format!("{}/{a}", p.trim_end_matches('/')) };
                if let Ok((path, _)) = super::exec::lookup(k, sh.pid, &p, "") {
                    io.write_out(&format!("{a} is {path}\n"));
                    found = true;
                }
            }
        }
        if !found {
            io.write_err(&format!("{name}: type: {a}: not found\n"));
            st = 1;
        }
    }
    st
}

fn cwd_of(k: &Kernel, sh: &Shell) -> String {
    k.procs.get(&sh.pid).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into())
}

fn echo(args: &[String], io: &mut Io) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut s = args[i..].join(" ");
    if escapes {
        s = s
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\");
        if let Some(pos) = s.find("\\c") {
            s.truncate(pos);
            newline = false;
        }
    }
    if newline {
        s.push('\n');
    }
    io.write_out(&s);
    0
}

fn cd(k: &mut Kernel, sh: &mut Shell, args: &[String], io: &mut Io) -> i32 {
    let name = sh.err_name();
    if args.len() > 1 {
        io.write_err(&format!("{name}: cd: too many arguments\n"));
        return 1;
    }
    let old = sh.vars.get("PWD").map(str::to_string).unwrap_or_else(|| cwd_of(k, sh));
    let (target, print) = match args.first().map(String::as_str) {
        None => match sh.vars.get("HOME") {
            Some(h) => (h.to_string(), false),
            None => {
                io.write_err(&format!("{name}: cd: HOME not set\n"));
                return 1;
            }
        },
        Some("-") => match sh.vars.get("OLDPWD") {
            Some(o) => (o.to_string(), true),
            None => {
                io.write_err(&format!("{name}: cd: OLDPWD not set\n"));
                return 1;
            }
        },
        Some(t) => (t.to_string(), false),
    };
    // bash keeps a logical PWD: `..` is taken off the text, symlinks are not resolved.
    let logical = if target.starts_with('/') { target.clone() } else { format!("{}/{}", old.trim_end_matches('/'), target) };
    let mut comps: Vec<&str> = Vec::new();
    for c in logical.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                comps.pop();
            }
            c => comps.push(c),
        }
    }
    let logical = format!("/{}", comps.join("/"));
    match k.resolve(sh.pid, &logical, true) {
        Ok(r) => {
            let st = k.stat_loc(&r.loc);
            match st {
                Some(s) if s.ftype == FileType::Dir => {
                    if !k.may(sh.pid, &s, 1) {
                        io.write_err(&format!("{name}: cd: {target}: Permission denied\n"));
                        return 1;
                    }
                }
                _ => {
                    io.write_err(&format!("{name}: cd: {target}: Not a directory\n"));
                    return 1;
                }
            }
            if let Some(p) = k.procs.get_mut(&sh.pid) {
                p.cwd = r.path.clone();
            }
            sh.vars.set("OLDPWD", &old, true);
            sh.vars.set("PWD", &logical, true);
            if print {
                io.write_out(&format!("{logical}\n"));
            }
            0
        }
        Err(e) => {
            io.write_err(&format!("{name}: cd: {target}: {}\n", e.message()));
            1
        }
    }
}
