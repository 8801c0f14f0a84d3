//! busybox `find`: paths, then an expression of tests (`-name`, `-iname`, `-path`,
//! `-type`, `-maxdepth`, `-mindepth`, `-newer`, `-mtime`, `-mmin`, `-size`, `-perm`,
//! `-user`, `-group`, `-empty`, `-links`, `-inum`) and actions (`-print`, `-print0`,
//! `-exec CMD {} ;`, `-delete`, `-prune`, `-quit`) joined by `!`, `-a`, `-o` and parentheses.

use super::{concat_path, error, perror, show_usage, Ctx, Outcome};
use crate::kernel::vfs::{FileType, Stat};
use crate::kernel::Errno;
use crate::shell::expand::fnmatch;
use crate::utils::users;

#[derive(Clone, Debug)]
enum Expr {
    True,
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Name(String, bool),
    Path(String, bool),
    Type(char),
    Newer(i64),
    /// -mtime/-mmin: unit seconds, sign (-1 less, 0 exact, 1 more), value.
    Age(i64, i32, i64),
    Size(i32, u64, u64),
    Perm(char, u32),
    User(u32),
    Group(u32),
    Empty,
    Links(i32, u64),
    Inum(u64),
    Print(char),
    Exec(Vec<String>),
    Delete,
    Prune,
    Quit,
}

struct Parser<'a> {
    toks: &'a [String],
    i: usize,
    has_action: bool,
    maxdepth: Option<usize>,
    mindepth: usize,
}

fn signed(s: &str) -> (i32, &str) {
    match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => (0, s),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.i).map(String::as_str)
    }

    fn arg(&mut self, ctx: &mut Ctx, name: &str) -> Result<String, Outcome> {
        self.i += 1;
        match self.toks.get(self.i) {
            Some(a) => {
                self.i += 1;
                Ok(a.clone())
            }
            None => {
                error(ctx, &format!("{name} requires an argument"));
                Err(Outcome::Exit(1))
            }
        }
    }

    fn or(&mut self, ctx: &mut Ctx) -> Result<Expr, Outcome> {
        let mut l = self.and(ctx)?;
        while matches!(self.peek(), Some("-o") | Some("-or")) {
            self.i += 1;
            let r = self.and(ctx)?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self, ctx: &mut Ctx) -> Result<Expr, Outcome> {
        let mut l = self.not(ctx)?;
        loop {
            match self.peek() {
                None | Some("-o") | Some("-or") | Some(")") => return Ok(l),
                Some("-a") | Some("-and") => self.i += 1,
                _ => {}
            }
            let r = self.not(ctx)?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
    }

    fn not(&mut self, ctx: &mut Ctx) -> Result<Expr, Outcome> {
        if matches!(self.peek(), Some("!") | Some("-not")) {
            self.i += 1;
            let e = self.not(ctx)?;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.primary(ctx)
    }

    fn primary(&mut self, ctx: &mut Ctx) -> Result<Expr, Outcome> {
        let Some(tok) = self.peek().map(str::to_string) else { return Ok(Expr::True) };
        let t = tok.as_str();
        if t == "(" {
            self.i += 1;
            let e = self.or(ctx)?;
            if self.peek() == Some(")") {
                self.i += 1;
            }
            return Ok(e);
        }
        let num = |ctx: &mut Ctx, s: &str| -> Result<u64, Outcome> {
            s.parse::<u64>().map_err(|_| {
                error(ctx, &format!("invalid number '{s}'"));
                Outcome::Exit(1)
            })
        };
        Ok(match t {
            "-name" | "-iname" => Expr::Name(self.arg(ctx, t)?, t == "-iname"),
            "-path" | "-ipath" | "-wholename" => Expr::Path(self.arg(ctx, t)?, t == "-ipath"),
            "-type" => {
                let a = self.arg(ctx, t)?;
                let c = a.chars().next().unwrap_or('?');
                if a.len() != 1 || !"fdlcbps".contains(c) {
                    error(ctx, &format!("invalid argument '{a}' to '-type'"));
                    return Err(Outcome::Exit(1));
                }
                Expr::Type(c)
            }
            "-maxdepth" | "-mindepth" => {
                let a = self.arg(ctx, t)?;
                let n = num(ctx, &a)? as usize;
                if t == "-maxdepth" {
                    self.maxdepth = Some(n);
                } else {
                    self.mindepth = n;
                }
                Expr::True
            }
            "-newer" => {
                let a = self.arg(ctx, t)?;
                match ctx.k.resolve(ctx.pid, &a, true).ok().and_then(|r| ctx.k.stat_loc(&r.loc)) {
                    Some(s) => Expr::Newer(s.mtime),
                    None => {
                        perror(ctx, &a, Errno::ENOENT);
                        return Err(Outcome::Exit(1));
                    }
                }
            }
            "-mtime" | "-mmin" => {
                let a = self.arg(ctx, t)?;
                let (sign, v) = signed(&a);
                let v = num(ctx, v)? as i64;
                Expr::Age(if t == "-mtime" { 86400 } else { 60 }, sign, v)
            }
            "-size" => {
                let a = self.arg(ctx, t)?;
                let (sign, v) = signed(&a);
                let (digits, unit) = match v.chars().last() {
                    Some('c') => (&v[..v.len() - 1], 1),
                    Some('w') => (&v[..v.len() - 1], 2),
                    Some('b') => (&v[..v.len() - 1], 512),
                    Some('k') => (&v[..v.len() - 1], 1024),
                    Some('M') => (&v[..v.len() - 1], 1 << 20),
                    Some('G') => (&v[..v.len() - 1], 1 << 30),
                    _ => (v, 512),
                };
                Expr::Size(sign, num(ctx, digits)?, unit)
            }
            "-perm" => {
                let a = self.arg(ctx, t)?;
                let (kind, v) = match a.as_bytes().first() {
                    Some(b'-') => ('-', &a[1..]),
                    Some(b'/') => ('/', &a[1..]),
                    _ => ('=', a.as_str()),
                };
                match super::files::parse_mode(v, 0) {
                    Some(m) => Expr::Perm(kind, m),
                    None => {
                        error(ctx, &format!("invalid mode '{a}'"));
                        return Err(Outcome::Exit(1));
                    }
                }
            }
            "-user" | "-group" => {
                let a = self.arg(ctx, t)?;
                let id = if t == "-user" {
                    users::lookup_user(ctx.k, ctx.pid, &a).map(|u| u.uid)
                } else {
                    users::groups(ctx.k, ctx.pid).into_iter().find(|g| g.0 == a).map(|g| g.1)
                }
                .or_else(|| a.parse().ok());
                let Some(id) = id else {
                    error(ctx, &format!("unknown {} {a}", &t[1..]));
                    return Err(Outcome::Exit(1));
                };
                if t == "-user" {
                    Expr::User(id)
                } else {
                    Expr::Group(id)
                }
            }
            "-links" | "-inum" => {
                let a = self.arg(ctx, t)?;
                let (sign, v) = signed(&a);
                let n = num(ctx, v)?;
                if t == "-links" {
                    Expr::Links(sign, n)
                } else {
                    Expr::Inum(n)
                }
            }
            "-empty" | "-print" | "-print0" | "-delete" | "-prune" | "-quit" | "-xdev" | "-depth" | "-follow" => {
                self.i += 1;
                match t {
                    "-empty" => Expr::Empty,
                    "-print" | "-print0" => {
                        self.has_action = true;
                        Expr::Print(if t == "-print" { '\n' } else { '\0' })
                    }
                    "-delete" => {
                        self.has_action = true;
                        Expr::Delete
                    }
                    "-prune" => Expr::Prune,
                    "-quit" => Expr::Quit,
                    _ => Expr::True,
                }
            }
            "-exec" | "-ok" => {
                self.i += 1;
                let mut cmd = Vec::new();
                loop {
                    match self.toks.get(self.i) {
                        None => {
                            error(ctx, &format!("{t} requires an argument"));
                            return Err(Outcome::Exit(1));
                        }
                        Some(s) if s == ";" || s == "+" => {
                            self.i += 1;
                            break;
                        }
                        Some(s) => {
                            cmd.push(s.clone());
                            self.i += 1;
                        }
                    }
                }
                if cmd.is_empty() {
                    error(ctx, &format!("{t} requires an argument"));
                    return Err(Outcome::Exit(1));
                }
                self.has_action = true;
                Expr::Exec(cmd)
            }
            _ => {
                error(ctx, &format!("unrecognized: {t}"));
                return Err(show_usage(ctx));
            }
        })
    }
}

struct Walk {
    expr: Expr,
    print_default: bool,
    maxdepth: Option<usize>,
    mindepth: usize,
    status: i32,
    quit: bool,
}

fn type_letter(t: FileType) -> char {
    match t {
        FileType::File => 'f',
        FileType::Dir => 'd',
        FileType::Symlink => 'l',
        FileType::CharDev => 'c',
        FileType::BlockDev => 'b',
        FileType::Fifo => 'p',
        FileType::Socket => 's',
    }
}

impl Walk {
    /// Evaluates the expression; the second value is "prune".
    fn eval(&mut self, ctx: &mut Ctx, e: &Expr, path: &str, st: &Stat, prune: &mut bool) -> bool {
        let base = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
        let base = if base.is_empty() { "/" } else { base };
        match e {
            Expr::True => true,
            Expr::Not(x) => !self.eval(ctx, x, path, st, prune),
            Expr::And(a, b) => self.eval(ctx, a, path, st, prune) && self.eval(ctx, b, path, st, prune),
            Expr::Or(a, b) => self.eval(ctx, a, path, st, prune) || self.eval(ctx, b, path, st, prune),
            Expr::Name(p, fold) => {
                if *fold {
                    fnmatch(&p.to_lowercase(), &base.to_lowercase())
                } else {
                    fnmatch(p, base)
                }
            }
            Expr::Path(p, fold) => {
                if *fold {
                    fnmatch(&p.to_lowercase(), &path.to_lowercase())
                } else {
                    fnmatch(p, path)
                }
            }
            Expr::Type(c) => type_letter(st.ftype) == *c,
            Expr::Newer(t) => st.mtime > *t,
            Expr::Age(unit, sign, v) => {
                let age = (ctx.k.now - st.mtime) / unit;
                match sign {
                    1 => age > *v,
                    -1 => age < *v,
                    _ => age == *v,
                }
            }
            Expr::Size(sign, v, unit) => {
                let size = st.size.div_ceil(*unit);
                match sign {
                    1 => size > *v,
                    -1 => size < *v,
                    _ => size == *v,
                }
            }
            Expr::Perm(kind, m) => match kind {
                '-' => st.perm & m == *m,
                '/' => *m == 0 || st.perm & m != 0,
                _ => st.perm & 0o7777 == *m,
            },
            Expr::User(u) => st.uid == *u,
            Expr::Group(g) => st.gid == *g,
            Expr::Empty => match st.ftype {
                FileType::File => st.size == 0,
                FileType::Dir => {
                    ctx.k.resolve(ctx.pid, path, false).and_then(|r| ctx.k.read_dir(ctx.pid, &r.loc)).map(|v| v.is_empty()).unwrap_or(false)
                }
                _ => false,
            },
            Expr::Links(sign, v) => match sign {
                1 => st.nlink as u64 > *v,
                -1 => (st.nlink as u64) < *v,
                _ => st.nlink as u64 == *v,
            },
            Expr::Inum(n) => st.ino == *n,
            Expr::Print(end) => {
                ctx.out(&format!("{path}{end}"));
                true
            }
            Expr::Exec(cmd) => {
                let argv: Vec<String> = cmd.iter().map(|a| a.replace("{}", path)).collect();
                let Some(child) = crate::shell::exec::fork(ctx.k, ctx.pid, &argv, None) else { return false };
                let outcome = crate::utils::namespaces::run_child(ctx, child, argv, "find", |c| format!("find: {c}: No such file or directory\n"));
                matches!(outcome, Outcome::Exit(0))
            }
            Expr::Delete => {
                let r = if st.ftype == FileType::Dir { ctx.k.rmdir(ctx.pid, path) } else { ctx.k.unlink(ctx.pid, path) };
                if let Err(e) = r {
                    perror(ctx, &format!("can't delete '{path}'"), e);
                    self.status = 1;
                    return false;
                }
                true
            }
            Expr::Prune => {
                *prune = true;
                true
            }
            Expr::Quit => {
                self.quit = true;
                true
            }
        }
    }

    fn visit(&mut self, ctx: &mut Ctx, path: &str, depth: usize) {
        if self.quit {
            return;
        }
        let st = match ctx.k.resolve(ctx.pid, path, false).ok().and_then(|r| ctx.k.stat_loc(&r.loc)) {
            Some(s) => s,
            None => {
                let e = ctx.k.resolve(ctx.pid, path, false).err().unwrap_or(Errno::ENOENT);
                perror(ctx, path, e);
                self.status = 1;
                return;
            }
        };
        let mut prune = false;
        if depth >= self.mindepth {
            let expr = self.expr.clone();
            let hit = self.eval(ctx, &expr, path, &st, &mut prune);
            if hit && self.print_default {
                ctx.out(&format!("{path}\n"));
            }
        }
        if st.ftype != FileType::Dir || prune || self.maxdepth.map(|m| depth >= m).unwrap_or(false) {
            return;
        }
        let entries = match ctx.k.resolve(ctx.pid, path, false).and_then(|r| ctx.k.read_dir(ctx.pid, &r.loc)) {
            Ok(e) => e,
            Err(e) => {
                perror(ctx, path, e);
                self.status = 1;
                return;
            }
        };
        for (name, _) in entries {
            self.visit(ctx, &concat_path(path, &name), depth + 1);
        }
    }
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut i = 0;
    while i < args.len() && (args[i] == "-H" || args[i] == "-L") {
        i += 1;
    }
    let mut paths = Vec::new();
    while i < args.len() && !(args[i].starts_with('-') && args[i].len() > 1) && args[i] != "!" && args[i] != "(" {
        paths.push(args[i].clone());
        i += 1;
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    let toks = &args[i..];
    let mut p = Parser { toks, i: 0, has_action: false, maxdepth: None, mindepth: 0 };
    let expr = if toks.is_empty() {
        Expr::True
    } else {
        match p.or(ctx) {
            Ok(e) => e,
            Err(out) => return out,
        }
    };
    if p.i < toks.len() {
        error(ctx, &format!("unrecognized: {}", toks[p.i]));
        return show_usage(ctx);
    }
    let mut w = Walk { expr, print_default: !p.has_action, maxdepth: p.maxdepth, mindepth: p.mindepth, status: 0, quit: false };
    for path in &paths {
        w.visit(ctx, path, 0);
    }
    Outcome::Exit(w.status)
}
