//! nginx 1.21.6 as the official image runs it: `/docker-entrypoint.sh` configures, then execs
//! `nginx -g 'daemon off;'`; the master process (root, PID 1) starts one worker per CPU as user
//! nginx, both renamed as nginx names them in `ps`; notices go to stderr (the container log).

use crate::sort::SortSlice;
use crate::http::{Request, Response};
use crate::kernel::process::Exec;
use crate::kernel::{Kernel, Pid, ProcState};
use crate::utils::{Ctx, Outcome};

pub const VERSION: &str = "1.21.6";

/// `2022/06/09 09:21:40` in nginx's log time format (UTC in the container).
fn log_time(unix: i64) -> String {
    let t = crate::clock::tm(unix);
    format!("{:04}/{:02}/{:02} {:02}:{:02}:{:02}", t.year, t.month, t.day, t.hour, t.min, t.sec)
}

/// The user nginx's workers run as, from the container's /etc/passwd.
fn nginx_ids(ctx: &Ctx) -> (u32, u32) {
    let passwd = ctx.read_file("/etc/passwd").unwrap_or_default();
    String::from_utf8_lossy(&passwd)
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.first() != Some(&"nginx") {
                return None;
            }
            Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?))
        })
        .unwrap_or((101, 101))
}

/// `nginx [-v] [-t] [-g directives]`.
pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut directives = String::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-v" => {
                ctx.err(&format!("nginx version: nginx/{VERSION}\n"));
                return Outcome::Exit(0);
            }
            "-t" => {
                ctx.err("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n");
                ctx.err("nginx: configuration file /etc/nginx/nginx.conf test is successful\n");
                return Outcome::Exit(0);
            }
            "-g" => match it.next() {
                Some(g) => directives = g.clone(),
                None => {
                    ctx.err("nginx: option \"-g\" requires parameter\n");
                    return Outcome::Exit(1);
                }
            },
            other => {
                ctx.err(&format!("nginx: invalid option: \"{}\"\n", other.trim_start_matches('-')));
                return Outcome::Exit(1);
            }
        }
    }
    let foreground = directives.replace(' ', "").contains("daemonoff;");
    let now = ctx.k.now;
    let pid = ctx.pid;
    let ns_pid = ctx.k.procs.get(&pid).and_then(|p| p.ns_pids.last().copied()).unwrap_or(pid);
    let title = if args.is_empty() { "nginx: master process nginx".to_string() } else { format!("nginx: master process nginx {}", args.join(" ")) };
    if let Some(p) = ctx.k.procs.get_mut(&pid) {
        p.argv = vec![title];
        p.vsz_kb = 6_280;
        p.rss_kb = 4_516;
    }
    let t = log_time(now);
    let os = ctx.k.uname.release.clone();
    ctx.err(&format!("{t} [notice] {ns_pid}#{ns_pid}: using the \"epoll\" event method\n"));
    ctx.err(&format!("{t} [notice] {ns_pid}#{ns_pid}: nginx/{VERSION}\n"));
    ctx.err(&format!("{t} [notice] {ns_pid}#{ns_pid}: built by gcc 10.3.1 20211027 (Alpine 10.3.1_git20211027) \n"));
    ctx.err(&format!("{t} [notice] {ns_pid}#{ns_pid}: OS: Linux {os}\n"));
    ctx.err(&format!("{t} [notice] {ns_pid}#{ns_pid}: getrlimit(RLIMIT_NOFILE): 1048576:1048576\n"));
    ctx.err(&format!("{t} [notice] {ns_pid}#{ns_pid}: start worker processes\n"));
    // The master opens its listeners (default.conf after the entrypoint: port 80, IPv4 and
    // IPv6-only) before it forks the workers, which inherit them; its log files take the
    // descriptors before them (fd 6 and 7, as `ss -tlnp` shows in the real container).
    ctx.k.sockets.fd_floor.insert(pid, 6);
    let _ = ctx.k.listen(pid, 80, false);
    let _ = ctx.k.listen(pid, 80, true);
    let (uid, gid) = nginx_ids(ctx);
    create_paths(ctx, ns_pid, uid);
    let host_ns = crate::kernel::NsId(0);
    ctx.k.skip_pids(host_ns, 67);
    for _ in 0..ctx.k.ncpu.max(1) {
        let ex = Exec {
            comm: "nginx".into(),
            argv: vec!["nginx: worker process".into()],
            exe: "/usr/sbin/nginx".into(),
            uid,
            gid,
            cwd: "/".into(),
            vsz_kb: 6_736,
            rss_kb: 1_776,
            state: Some(ProcState::Sleeping),
            ..Exec::default()
        };
        if let Ok(w) = ctx.k.spawn(pid, ex) {
            ctx.k.share_sockets(pid, w);
            let local = ctx.k.procs.get(&w).and_then(|p| p.ns_pids.last().copied()).unwrap_or(w);
            ctx.err(&format!("{t} [notice] {ns_pid}#{ns_pid}: start worker process {local}\n"));
        }
    }
    // On the article's host the next process in the container (its `docker exec -it nginx
    // sh`) was PID 39: the master's start took six more PIDs after its worker.
    if let Some(ns) = ctx.k.procs.get(&pid).map(|p| p.ns.pid) {
        if ns != host_ns {
            ctx.k.skip_pids(ns, 6);
        }
    }
    if foreground {
        Outcome::Running { until: None }
    } else {
        // Without `daemon off;` the master forks into the background and the command returns.
        Outcome::Exit(0)
    }
}

/// What the master and its workers write to stderr when a signal ends nginx (measured with
/// nginx run as PID 1 of a PID namespace and signalled from outside it, so the master's line
/// names no sender): QUIT shuts down gracefully, TERM and INT exit at once. None for a
/// signal nginx does not end on.
pub fn shutdown_log(k: &Kernel, master: Pid, signal: &str) -> Option<String> {
    let (num, action) = match signal.trim_start_matches("SIG") {
        "QUIT" | "3" => (3, "shutting down"),
        "TERM" | "15" => (15, "exiting"),
        "INT" | "2" => (2, "exiting"),
        _ => return None,
    };
    let name = match num {
        3 => "SIGQUIT",
        15 => "SIGTERM",
        _ => "SIGINT",
    };
    let local = |p: Pid| k.procs.get(&p).and_then(|x| x.ns_pids.last().copied()).unwrap_or(p);
    let m = local(master);
    let t = log_time(k.now);
    let mut workers: Vec<Pid> = k.procs.values().filter(|p| p.ppid == master && p.comm == "nginx").map(|p| p.pid).collect();
    workers.sort_stable();
    let mut out = format!("{t} [notice] {m}#{m}: signal {num} ({name}) received, {action}\n");
    for w in &workers {
        let w = local(*w);
        if num == 3 {
            out.push_str(&format!("{t} [notice] {w}#{w}: gracefully shutting down\n"));
        }
        out.push_str(&format!("{t} [notice] {w}#{w}: exiting\n{t} [notice] {w}#{w}: exit\n"));
    }
    for w in &workers {
        let w = local(*w);
        out.push_str(&format!("{t} [notice] {m}#{m}: signal 17 (SIGCHLD) received from {w}\n{t} [notice] {m}#{m}: worker process {w} exited with code 0\n"));
    }
    out.push_str(&format!("{t} [notice] {m}#{m}: exit\n"));
    Some(out)
}

/// `/docker-entrypoint.sh`: runs the executable scripts of /docker-entrypoint.d/ in order, as
/// the image's script does, then execs its arguments in the same process.
pub fn entrypoint(ctx: &mut Ctx) -> Outcome {
    let me = ctx.argv.first().cloned().unwrap_or_else(|| "/docker-entrypoint.sh".into());
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let quiet = ctx.getenv("NGINX_ENTRYPOINT_QUIET_LOGS").is_some_and(|v| !v.is_empty());
    if matches!(args.first().map(String::as_str), Some("nginx" | "nginx-debug")) {
        let scripts = list_scripts(ctx);
        let say = |ctx: &mut Ctx, s: String| {
            if !quiet {
                ctx.out(&s);
            }
        };
        if scripts.is_empty() {
            say(ctx, format!("{me}: No files found in /docker-entrypoint.d/, skipping configuration\n"));
        } else {
            say(ctx, format!("{me}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n"));
            say(ctx, format!("{me}: Looking for shell scripts in /docker-entrypoint.d/\n"));
            for (path, exec) in &scripts {
                if !path.ends_with(".sh") {
                    say(ctx, format!("{me}: Ignoring {path}\n"));
                } else if !exec {
                    say(ctx, format!("{me}: Ignoring {path}, not executable\n"));
                } else {
                    say(ctx, format!("{me}: Launching {path}\n"));
                    if path.ends_with("10-listen-on-ipv6-by-default.sh") {
                        let name = "10-listen-on-ipv6-by-default.sh";
                        if ipv6_listen_enabled(ctx) {
                            // A container started again keeps its edited file.
                            say(ctx, format!("{name}: info: IPv6 listen already enabled\n"));
                        } else {
                            say(ctx, format!("{name}: info: Getting the checksum of /etc/nginx/conf.d/default.conf\n"));
                            listen_on_ipv6(ctx);
                            say(ctx, format!("{name}: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n"));
                        }
                    }
                }
            }
            say(ctx, format!("{me}: Configuration complete; ready for start up\n"));
        }
        // find, sort, basename and the scripts each took a PID (after runc's 2-6): the
        // worker is PID 32, as in the article.
        if let Some(ns) = ctx.k.procs.get(&ctx.pid).map(|p| p.ns.pid) {
            ctx.k.skip_pids(ns, 25);
        }
    }
    super::exec_args(ctx, &args)
}

const DEFAULT_CONF: &str = "/etc/nginx/conf.d/default.conf";

/// The script's `grep -q "listen  \[::]\:80;"` on default.conf.
fn ipv6_listen_enabled(ctx: &Ctx) -> bool {
    ctx.read_file(DEFAULT_CONF).is_ok_and(|t| String::from_utf8_lossy(&t).contains("listen  [::]:80;"))
}

/// The script's `sed -i -E 's,listen       80;,listen       80;\n    listen  [::]:80;,'` on
/// default.conf: the file is written again, so the container's upper layer gets a copy.
fn listen_on_ipv6(ctx: &mut Ctx) {
    let Ok(text) = ctx.read_file(DEFAULT_CONF) else { return };
    let text = String::from_utf8_lossy(&text).replace("listen       80;", "listen       80;\n    listen  [::]:80;");
    let _ = ctx.k.write_file(ctx.pid, DEFAULT_CONF, text.as_bytes(), false);
}

/// What the master makes before it starts its workers (`ngx_create_paths`,
/// `ngx_create_pidfile`): the temp directories compiled in under /var/cache/nginx, mode
/// 0700 and owned by the worker user, and /var/run/nginx.pid with its PID.
fn create_paths(ctx: &mut Ctx, ns_pid: u32, worker_uid: u32) {
    for t in ["client_temp", "proxy_temp", "fastcgi_temp", "uwsgi_temp", "scgi_temp"] {
        let path = format!("/var/cache/nginx/{t}");
        if ctx.k.resolve(ctx.pid, &path, false).is_err() && ctx.k.mkdir(ctx.pid, &path, 0o700).is_ok() {
            let _ = ctx.k.chown(ctx.pid, &path, Some(worker_uid), None);
        }
    }
    let _ = ctx.k.write_file(ctx.pid, "/var/run/nginx.pid", format!("{ns_pid}\n").as_bytes(), false);
}

/// The files of /docker-entrypoint.d/, sorted, with whether each is executable.
fn list_scripts(ctx: &Ctx) -> Vec<(String, bool)> {
    let Ok(dir) = ctx.k.resolve(ctx.pid, "/docker-entrypoint.d", true) else { return Vec::new() };
    let Ok(entries) = ctx.k.read_dir(ctx.pid, &dir.loc) else { return Vec::new() };
    let mut out: Vec<(String, bool)> = entries
        .into_iter()
        .filter_map(|(name, loc)| {
            let st = ctx.k.stat_loc(&loc)?;
            (st.ftype == crate::kernel::vfs::FileType::File).then(|| (format!("/docker-entrypoint.d/{name}"), st.perm & 0o111 != 0))
        })
        .collect();
    out.sort_stable();
    out
}

/// `Thu, 09 Jun 2022 09:25:31 GMT`
fn http_date(unix: i64) -> String {
    let t = crate::clock::tm(unix);
    format!("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", t.wday_name(), t.day, t.mon(), t.year, t.hour, t.min, t.sec)
}

/// `09/Jun/2022:09:25:31 +0000` (the access log's `$time_local`).
fn log_local(unix: i64) -> String {
    let t = crate::clock::tm(unix);
    format!("{:02}/{}/{}:{:02}:{:02}:{:02} +0000", t.day, t.mon(), t.year, t.hour, t.min, t.sec)
}

fn page(k: &Kernel, status: u16, title: &str) -> Response {
    let body = format!("<html>\r\n<head><title>{status} {title}</title></head>\r\n<body>\r\n<center><h1>{status} {title}</h1></center>\r\n<hr><center>nginx/{VERSION}</center>\r\n</body>\r\n</html>\r\n");
    let mut r = Response::new(status);
    r.headers.push(("Server".into(), format!("nginx/{VERSION}")));
    r.headers.push(("Date".into(), http_date(k.now)));
    r.headers.push(("Content-Type".into(), "text/html".into()));
    r.headers.push(("Content-Length".into(), body.len().to_string()));
    r.headers.push(("Connection".into(), if status == 400 { "close" } else { "keep-alive" }.into()));
    r.body = body.into_bytes();
    r
}

/// nginx's answer to a request it cannot parse.
pub fn bad_request(k: &Kernel) -> Response {
    page(k, 400, "Bad Request")
}

/// A request to nginx (the default server: root /usr/share/nginx/html, index index.html),
/// answered by one of its workers; the access line goes to the container's log.
pub fn serve(k: &mut Kernel, master: Pid, peer: [u8; 4], req: &Request) -> Response {
    let worker = k.procs.values().find(|p| p.ppid == master && p.comm == "nginx").map(|p| p.pid).unwrap_or(master);
    let path = req.path();
    let file = if path.ends_with('/') { format!("/usr/share/nginx/html{path}index.html") } else { format!("/usr/share/nginx/html{path}") };
    let found = k.resolve(worker, &file, true).ok().and_then(|r| {
        let st = k.stat_loc(&r.loc)?;
        let data = k.read_loc(worker, &r.loc).ok()?;
        (st.ftype == crate::kernel::vfs::FileType::File).then_some((st, data))
    });
    let head = req.method == "HEAD";
    let mut resp = match (&found, req.method.as_str()) {
        (Some((st, data)), "GET" | "HEAD") => {
            let mut r = Response::new(200);
            r.headers.push(("Server".into(), format!("nginx/{VERSION}")));
            r.headers.push(("Date".into(), http_date(k.now)));
            r.headers.push(("Content-Type".into(), mime(&file).into()));
            r.headers.push(("Content-Length".into(), data.len().to_string()));
            r.headers.push(("Last-Modified".into(), http_date(st.mtime)));
            r.headers.push(("Connection".into(), "keep-alive".into()));
            r.headers.push(("ETag".into(), format!("\"{:x}-{:x}\"", st.mtime, data.len())));
            r.headers.push(("Accept-Ranges".into(), "bytes".into()));
            r.body = data.clone();
            r
        }
        (Some(_), _) => page(k, 405, "Not Allowed"),
        (None, _) => page(k, 404, "Not Found"),
    };
    let sent = if head { 0 } else { resp.body.len() };
    if head {
        resp.body.clear();
    }
    let ua = req.header("User-Agent").unwrap_or("-").to_string();
    let line = format!(
        "{} - - [{}] \"{} {} HTTP/1.1\" {} {} \"-\" \"{}\" \"-\"\n",
        crate::kernel::net::fmt_ip(peer),
        log_local(k.now),
        req.method,
        req.target,
        resp.status,
        sent,
        ua
    );
    if resp.status == 404 {
        let wpid = k.procs.get(&worker).and_then(|p| p.ns_pids.last().copied()).unwrap_or(worker);
        let host = req.header("Host").unwrap_or("localhost").to_string();
        let err = format!(
            "{} [error] {wpid}#{wpid}: *1 open() \"{file}\" failed (2: No such file or directory), client: {}, server: localhost, request: \"{} {} HTTP/1.1\", host: \"{host}\"\n",
            log_time(k.now),
            crate::kernel::net::fmt_ip(peer),
            req.method,
            req.target
        );
        crate::engine::containers::log_for_pid(k, master, 2, err.as_bytes());
    }
    crate::engine::containers::log_for_pid(k, master, 1, line.as_bytes());
    resp
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html" | "htm") => "text/html",
        Some("css") => "text/css",
        Some("js") => "application/javascript",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}
