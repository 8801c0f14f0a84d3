//! busybox `nsenter`: how Docker Desktop's known line gets into its VM,
//! `docker run -it --rm --privileged --pid=host alpine nsenter -t 1 -m -u -n -i sh`.
//! Each namespace file is opened first (ptrace access to the target), then joined in
//! busybox's order (user, ipc, uts, net, pid, mnt); a container without `--privileged`
//! fails at one or the other, in busybox's words.

use super::getopt::{getopt, long, HasArg};
use super::show_usage;
use crate::kernel::{Errno, NsKind, Pid};
use crate::shell::exec::fork;
use crate::utils::namespaces::{exec_in_place, run_child};
use crate::utils::{Ctx, Outcome};

/// busybox's `ns_list`: the option letter and the namespace, in the order it opens and joins them.
const NAMESPACES: [(char, NsKind); 6] = [('U', NsKind::User), ('i', NsKind::Ipc), ('u', NsKind::Uts), ('n', NsKind::Net), ('p', NsKind::Pid), ('m', NsKind::Mnt)];

/// The process a namespace file `/proc/N/ns/KIND` names, as seen from `me`'s PID namespace.
fn target_of(ctx: &Ctx, path: &str, kind: NsKind) -> Option<Pid> {
    let rest = path.strip_prefix("/proc/")?;
    let (n, file) = rest.split_once("/ns/")?;
    if file != kind.file_name() {
        return None;
    }
    let me = ctx.k.procs.get(&ctx.pid)?;
    ctx.k.global_pid(me.ns.pid, n.parse().ok()?)
}

pub fn nsenter(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "+U::i::u::n::p::m::t:S:G:r::w::F", &[long("preserve-credentials", HasArg::No, '\u{1}')]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let target = match o.value('t') {
        Some(t) => match t.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                ctx.err(&format!("nsenter: invalid number '{t}'\n"));
                return Outcome::Exit(1);
            }
        },
        None => None,
    };
    let mut chosen = Vec::new();
    for (letter, kind) in NAMESPACES {
        if !o.has(letter) {
            continue;
        }
        let path = match (o.value(letter), target) {
            (Some(file), _) => file.to_string(),
            (None, Some(t)) => format!("/proc/{t}/ns/{}", kind.file_name()),
            (None, None) => return show_usage(ctx),
        };
        let opened = target_of(ctx, &path, kind).ok_or(Errno::ENOENT).and_then(|t| ctx.k.may_read_ns_of(ctx.pid, t).map(|()| t));
        match opened {
            Ok(t) => chosen.push((kind, t)),
            Err(e) => {
                ctx.err(&format!("nsenter: can't open '{path}': {}\n", super::strerror(e)));
                return Outcome::Exit(1);
            }
        }
    }
    let me = ctx.pid;
    for (kind, t) in &chosen {
        if let Err(e) = ctx.k.setns(me, *t, *kind) {
            ctx.err(&format!("nsenter: setns(): can't reassociate to namespace '{}': {}\n", kind.file_name(), super::strerror(e)));
            return Outcome::Exit(1);
        }
    }
    for (letter, id) in [('G', true), ('S', false)] {
        let Some(v) = o.value(letter) else { continue };
        let Ok(n) = v.parse::<u32>() else {
            ctx.err(&format!("nsenter: invalid number '{v}'\n"));
            return Outcome::Exit(1);
        };
        if let Some(p) = ctx.k.procs.get_mut(&me) {
            if id {
                p.gid = n;
            } else {
                p.uid = n;
            }
        }
    }
    let argv: Vec<String> = if o.operands.is_empty() { vec![ctx.getenv("SHELL").unwrap_or("/bin/sh").to_string()] } else { o.operands.clone() };
    let not_found = |c: &str| format!("nsenter: can't execute '{c}': No such file or directory\n");
    // Joining a PID namespace takes effect for children: busybox forks unless -F.
    if chosen.iter().any(|(k, _)| *k == NsKind::Pid) && !o.has('F') {
        let Some(child) = fork(ctx.k, me, &argv, None) else {
            ctx.err("nsenter: fork: Resource temporarily unavailable\n");
            return Outcome::Exit(1);
        };
        return run_child(ctx, child, argv, "nsenter", not_found);
    }
    exec_in_place(ctx, argv, "nsenter", not_found)
}
