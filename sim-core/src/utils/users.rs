//! Users and groups, read from the viewer's own `/etc/passwd` and `/etc/group`: the same
//! uid is `nginx` inside a container and `101` on the host.

use super::{getopt, gnu_try, Ctx, Outcome};
use crate::kernel::{Kernel, Pid};

#[derive(Clone, Debug)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: String,
    pub shell: String,
}

fn read(k: &Kernel, viewer: Pid, path: &str) -> String {
    k.resolve(viewer, path, true)
        .and_then(|r| k.read_loc(viewer, &r.loc))
        .map(|d| String::from_utf8_lossy(&d).into_owned())
        .unwrap_or_default()
}

pub fn users(k: &Kernel, viewer: Pid) -> Vec<User> {
    read(k, viewer, "/etc/passwd")
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 7 {
                return None;
            }
            Some(User { name: f[0].into(), uid: f[2].parse().ok()?, gid: f[3].parse().ok()?, home: f[5].into(), shell: f[6].into() })
        })
        .collect()
}

/// (name, gid, members)
pub fn groups(k: &Kernel, viewer: Pid) -> Vec<(String, u32, Vec<String>)> {
    read(k, viewer, "/etc/group")
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 4 {
                return None;
            }
            let members = f[3].split(',').filter(|m| !m.is_empty()).map(str::to_string).collect();
            Some((f[0].to_string(), f[2].parse().ok()?, members))
        })
        .collect()
}

pub fn lookup_user(k: &Kernel, viewer: Pid, name: &str) -> Option<User> {
    users(k, viewer).into_iter().find(|u| u.name == name)
}

pub fn name_of_uid(k: &Kernel, viewer: Pid, uid: u32) -> Option<String> {
    users(k, viewer).into_iter().find(|u| u.uid == uid).map(|u| u.name)
}

pub fn name_of_gid(k: &Kernel, viewer: Pid, gid: u32) -> Option<String> {
    groups(k, viewer).into_iter().find(|g| g.1 == gid).map(|g| g.0)
}

/// Supplementary groups of a user: the primary group first, then the groups naming it.
pub fn group_ids(k: &Kernel, viewer: Pid, user: &User) -> Vec<u32> {
    let mut v = vec![user.gid];
    for (_, gid, members) in groups(k, viewer) {
        if members.contains(&user.name) && !v.contains(&gid) {
            v.push(gid);
        }
    }
    v
}

fn label(id: u32, name: Option<String>) -> String {
    match name {
        Some(n) => format!("{id}({n})"),
        None => id.to_string(),
    }
}

pub fn id(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "ugGnr", "", &["user", "group", "groups", "name", "real", "help"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("id"));
            ctx.err(&gnu_try("id"));
            return Outcome::Exit(1);
        }
    };
    let k: &Kernel = ctx.k;
    let (uid, gid) = k.procs.get(&ctx.pid).map(|p| (p.uid, p.gid)).unwrap_or((0, 0));
    let user = match p.operands.first() {
        Some(name) => match lookup_user(k, ctx.pid, name).or_else(|| name.parse::<u32>().ok().and_then(|n| users(k, ctx.pid).into_iter().find(|u| u.uid == n))) {
            Some(u) => u,
            None => {
                ctx.err(&format!("id: '{name}': no such user\n"));
                return Outcome::Exit(1);
            }
        },
        None => users(k, ctx.pid).into_iter().find(|u| u.uid == uid).unwrap_or(User {
            name: uid.to_string(),
            uid,
            gid,
            home: "/".into(),
            shell: String::new(),
        }),
    };
    let gid = if p.operands.is_empty() { gid } else { user.gid };
    let gids = group_ids(k, ctx.pid, &User { gid, ..user.clone() });
    let names = p.has("n") || p.has("name");
    let out = if p.has("u") || p.has("user") {
        if names { user.name.clone() } else { user.uid.to_string() }
    } else if p.has("g") || p.has("group") {
        if names { name_of_gid(k, ctx.pid, gid).unwrap_or(gid.to_string()) } else { gid.to_string() }
    } else if p.has("G") || p.has("groups") {
        gids.iter().map(|g| if names { name_of_gid(k, ctx.pid, *g).unwrap_or(g.to_string()) } else { g.to_string() }).collect::<Vec<_>>().join(" ")
    } else {
        let groups: Vec<String> = gids.iter().map(|g| label(*g, name_of_gid(k, ctx.pid, *g))).collect();
        format!(
            "uid={} gid={} groups={}",
            label(user.uid, name_of_uid(k, ctx.pid, user.uid)),
            label(gid, name_of_gid(k, ctx.pid, gid)),
            groups.join(",")
        )
    };
    ctx.out(&format!("{out}\n"));
    Outcome::Exit(0)
}

pub fn whoami(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "", "", &["help", "version"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("whoami"));
            ctx.err(&gnu_try("whoami"));
            return Outcome::Exit(1);
        }
    };
    if let Some(extra) = p.operands.first() {
        ctx.err(&format!("whoami: extra operand '{extra}'\n"));
        ctx.err(&gnu_try("whoami"));
        return Outcome::Exit(1);
    }
    let uid = ctx.uid();
    match name_of_uid(ctx.k, ctx.pid, uid) {
        Some(n) => {
            ctx.out(&format!("{n}\n"));
            Outcome::Exit(0)
        }
        None => {
            ctx.err(&format!("whoami: cannot find name for user ID {uid}\n"));
            Outcome::Exit(1)
        }
    }
}
