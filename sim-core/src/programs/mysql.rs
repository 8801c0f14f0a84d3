//! MySQL 5.7 as the official image runs it: `docker-entrypoint.sh` switches to the mysql user
//! with gosu, refuses to initialize without a root password option (the message real users
//! meet), initializes the data directory, then execs mysqld, which listens on 3306.

use crate::utils::{Ctx, Outcome};

pub const VERSION: &str = "5.7.38";

/// `2022-06-09 09:30:00+00:00` (`date --rfc-3339=seconds`).
fn note_time(unix: i64) -> String {
    let t = crate::clock::tm(unix);
    format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00:00", t.year, t.month, t.day, t.hour, t.min, t.sec)
}

/// `2022-06-09T09:30:00.000000Z` (mysqld's log timestamps).
fn log_time(unix: i64) -> String {
    let t = crate::clock::tm(unix);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", t.year, t.month, t.day, t.hour, t.min, t.sec, 0)
}

fn set(ctx: &Ctx, name: &str) -> bool {
    ctx.getenv(name).is_some_and(|v| !v.is_empty())
}

/// `docker-entrypoint.sh [mysqld args]`.
pub fn entrypoint(ctx: &mut Ctx) -> Outcome {
    let mut args: Vec<String> = ctx.argv[1..].to_vec();
    if args.first().is_some_and(|a| a.starts_with('-')) {
        args.insert(0, "mysqld".into());
    }
    if args.first().map(String::as_str) != Some("mysqld") {
        return super::exec_args(ctx, &args);
    }
    let version = ctx.getenv("MYSQL_VERSION").unwrap_or("5.7.38-1.el7").to_string();
    let now = ctx.k.now;
    let t = note_time(now);
    ctx.out(&format!("{t} [Note] [Entrypoint]: Entrypoint script for MySQL Server {version} started.\n"));
    if ctx.uid() == 0 {
        ctx.out(&format!("{t} [Note] [Entrypoint]: Switching to dedicated user 'mysql'\n"));
        // gosu mysql "$BASH_SOURCE" "$@": same process, now the mysql user.
        if let Some(p) = ctx.k.procs.get_mut(&ctx.pid) {
            p.uid = 999;
            p.gid = 999;
        }
        ctx.out(&format!("{t} [Note] [Entrypoint]: Entrypoint script for MySQL Server {version} started.\n"));
    }
    let initialized = ctx.k.resolve(ctx.pid, "/var/lib/mysql/mysql", true).is_ok();
    if !initialized {
        if !set(ctx, "MYSQL_ROOT_PASSWORD") && !set(ctx, "MYSQL_ALLOW_EMPTY_PASSWORD") && !set(ctx, "MYSQL_RANDOM_ROOT_PASSWORD") {
            ctx.err(&format!(
                "{t} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD\n"
            ));
            return Outcome::Exit(1);
        }
        ctx.out(&format!("{t} [Note] [Entrypoint]: Initializing database files\n"));
        let pid = ctx.pid;
        let _ = ctx.k.write_file(pid, "/var/lib/mysql/auto.cnf", b"[auto]\nserver-uuid=7c6b1e5e-e7e1-11ec-9d6a-0242ac110002\n", false);
        if let Ok(dir) = ctx.k.resolve(pid, "/var/lib/mysql", true) {
            let (now, uid) = (ctx.k.now, ctx.uid());
            let _ = ctx.k.create_at(&dir.loc, "mysql", crate::kernel::vfs::Node::dir(0o750, uid, uid, now));
        }
        ctx.out(&format!("{t} [Note] [Entrypoint]: Database files initialized\n"));
        ctx.out(&format!("{t} [Note] [Entrypoint]: Starting temporary server\n"));
        ctx.out(&format!("{t} [Note] [Entrypoint]: Temporary server started.\n"));
        if let Some(db) = ctx.getenv("MYSQL_DATABASE").filter(|d| !d.is_empty()).map(str::to_string) {
            ctx.out(&format!("{t} [Note] [Entrypoint]: Creating database {db}\n"));
        }
        ctx.out(&format!("{t} [Note] [Entrypoint]: Stopping temporary server\n"));
        ctx.out(&format!("{t} [Note] [Entrypoint]: Temporary server stopped\n\n"));
        ctx.out(&format!("{t} [Note] [Entrypoint]: MySQL init process done. Ready for start up.\n\n"));
    }
    super::exec_args(ctx, &args)
}

/// `mysqld [options]`: the server, in the foreground, listening on 3306.
pub fn mysqld(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    if args.iter().any(|a| a == "--version" || a == "-V") {
        ctx.out(&format!("mysqld  Ver {VERSION} for Linux on x86_64 (MySQL Community Server (GPL))\n"));
        return Outcome::Exit(0);
    }
    let lt = log_time(ctx.k.now);
    let local = ctx.k.procs.get(&ctx.pid).and_then(|p| p.ns_pids.last().copied()).unwrap_or(ctx.pid);
    if let Some(p) = ctx.k.procs.get_mut(&ctx.pid) {
        p.vsz_kb = 1_121_784;
        p.rss_kb = 186_120;
        p.threads = 27;
    }
    ctx.err(&format!("{lt} 0 [Note] mysqld (mysqld {VERSION}) starting as process {local} ...\n"));
    ctx.err(&format!("{lt} 0 [Note] InnoDB: 5.7.38 started; log sequence number 2750223\n"));
    ctx.err(&format!("{lt} 0 [Note] Server hostname (bind-address): '*'; port: 3306\n"));
    ctx.err(&format!("{lt} 0 [Note] IPv6 is available.\n"));
    ctx.err(&format!("{lt} 0 [Note]   - '::' resolves to '::';\n"));
    ctx.err(&format!("{lt} 0 [Note] Server socket created on IP: '::'.\n"));
    ctx.err(&format!("{lt} 0 [Note] mysqld: ready for connections.\n"));
    ctx.err(&format!("Version: '{VERSION}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)\n"));
    // One dual-stack socket on `::` (bind-address '*'), back_log 80 + max_connections / 5.
    let any6 = crate::kernel::sockets::any(true);
    let _ = ctx.k.bind_socket(ctx.pid, crate::kernel::sockets::Bind::tcp(any6, 3306, false, 110));
    Outcome::Running { until: None }
}
