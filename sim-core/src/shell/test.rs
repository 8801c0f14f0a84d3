//! `test` and `[`, the builtin of bash and of busybox ash: POSIX's rules by argument
//! count, then `!`, `-a`, `-o` and parentheses for longer expressions; file tests against
//! the simulated filesystem. Errors are worded by each shell (bash: `[: missing `]'`,
//! `integer expression expected`; ash: `missing ]`, `out of range`, `unknown operand`).

use super::{Flavor, Shell};
use crate::kernel::vfs::FileType;
use crate::kernel::Kernel;
use crate::utils::Io;

/// Why an expression cannot be evaluated.
enum TestError {
    /// bash `X: unary operator expected`
    Unary(String),
    /// bash `X: binary operator expected`
    Binary(String),
    /// bash `X: integer expression expected`
    Integer(String),
    /// bash `too many arguments`; ash `X: unknown operand`
    TooMany(String),
    /// bash `argument expected`
    Argument,
    /// `(` without `)`
    Paren,
}

/// Runs `test ARGS` or `[ ARGS ]` (argv[0] says which); the status is 0, 1, or 2 on error.
pub fn run(k: &Kernel, sh: &Shell, argv: &[String], io: &mut Io) -> i32 {
    let ash = sh.flavor == Flavor::Ash;
    let name = sh.err_name();
    let which = argv.first().map(String::as_str).unwrap_or("test");
    let mut args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    if which == "[" {
        if args.last() != Some(&"]") {
            io.write_err(&match sh.flavor {
                Flavor::Ash => format!("{name}: missing ]\n"),
                Flavor::Zsh => "[: ']' expected\n".to_string(),
                _ => format!("{name}: [: missing `]'\n"),
            });
            return 2;
        }
        args.pop();
    }
    let t = Test { k, sh };
    match t.eval(&args) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            if sh.flavor == Flavor::Zsh {
                let msg = match e {
                    TestError::Integer(s) => format!("integer expression expected: {s}"),
                    TestError::Paren => "')' expected".into(),
                    TestError::Argument => "argument expected".into(),
                    TestError::Unary(s) | TestError::Binary(s) | TestError::TooMany(s) => format!("unknown condition: {s}"),
                };
                io.write_err(&format!("{which}: {msg}\n"));
                return 2;
            }
            let msg = match (e, ash) {
                (TestError::Integer(s), true) if s.is_empty() => "out of range".to_string(),
                (TestError::Integer(s), true) => format!("{s}: out of range"),
                (TestError::Integer(s), false) => format!("{which}: {s}: integer expression expected"),
                (TestError::Unary(s) | TestError::Binary(s) | TestError::TooMany(s), true) => format!("{s}: unknown operand"),
                (TestError::Unary(s), false) => format!("{which}: {s}: unary operator expected"),
                (TestError::Binary(s), false) => format!("{which}: {s}: binary operator expected"),
                (TestError::TooMany(_), false) => format!("{which}: too many arguments"),
                (TestError::Argument, _) => format!("{which}: argument expected"),
                (TestError::Paren, false) => format!("{which}: `)' expected"),
                (TestError::Paren, true) => "missing )".to_string(),
            };
            io.write_err(&format!("{name}: {msg}\n"));
            2
        }
    }
}

const UNARY: &[&str] = &["-e", "-f", "-d", "-r", "-w", "-x", "-s", "-L", "-h", "-b", "-c", "-p", "-S", "-z", "-n", "-g", "-u", "-k", "-t"];
const BINARY: &[&str] = &["=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"];

struct Test<'a> {
    k: &'a Kernel,
    sh: &'a Shell,
}

impl Test<'_> {
    /// POSIX's rules for up to four arguments, then the general grammar.
    fn eval(&self, a: &[&str]) -> Result<bool, TestError> {
        let ash = self.sh.flavor == Flavor::Ash;
        match a.len() {
            0 => Ok(false),
            1 => Ok(!a[0].is_empty()),
            2 if a[0] == "!" => Ok(a[1].is_empty()),
            2 if UNARY.contains(&a[0]) => self.unary(a[0], a[1]),
            2 => Err(TestError::Unary(if ash { a[1] } else { a[0] }.to_string())),
            3 if BINARY.contains(&a[1]) => self.binary(a[0], a[1], a[2]),
            3 if a[1] == "-a" => Ok(!a[0].is_empty() && !a[2].is_empty()),
            3 if a[1] == "-o" => Ok(!a[0].is_empty() || !a[2].is_empty()),
            3 if a[0] == "!" => self.eval(&a[1..]).map(|v| !v),
            3 if a[0] == "(" && a[2] == ")" => Ok(!a[1].is_empty()),
            3 => Err(TestError::Binary(a[1].to_string())),
            4 if a[0] == "!" => self.eval(&a[1..]).map(|v| !v),
            4 if a[0] == "(" && a[3] == ")" => self.eval(&a[1..3]),
            _ => {
                let mut i = 0;
                let v = self.or(a, &mut i)?;
                match a.get(i) {
                    None => Ok(v),
                    Some(t) => Err(TestError::TooMany(t.to_string())),
                }
            }
        }
    }

    fn or(&self, a: &[&str], i: &mut usize) -> Result<bool, TestError> {
        let mut v = self.and(a, i)?;
        while a.get(*i) == Some(&"-o") {
            *i += 1;
            let r = self.and(a, i)?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&self, a: &[&str], i: &mut usize) -> Result<bool, TestError> {
        let mut v = self.not(a, i)?;
        while a.get(*i) == Some(&"-a") {
            *i += 1;
            let r = self.not(a, i)?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&self, a: &[&str], i: &mut usize) -> Result<bool, TestError> {
        let mut negate = false;
        while a.get(*i) == Some(&"!") {
            *i += 1;
            negate = !negate;
        }
        self.primary(a, i).map(|v| v != negate)
    }

    fn primary(&self, a: &[&str], i: &mut usize) -> Result<bool, TestError> {
        let Some(&t) = a.get(*i) else { return Err(TestError::Argument) };
        if t == "(" {
            // Parentheses nest by recursion: a bound keeps the stack small.
            if a[..*i].iter().filter(|x| **x == "(").count() > 64 {
                return Err(TestError::Paren);
            }
            *i += 1;
            let v = self.or(a, i)?;
            if a.get(*i) != Some(&")") {
                return Err(TestError::Paren);
            }
            *i += 1;
            return Ok(v);
        }
        if let Some(&op) = a.get(*i + 1).filter(|op| BINARY.contains(op)) {
            let Some(&r) = a.get(*i + 2) else { return Err(TestError::Argument) };
            *i += 3;
            return self.binary(t, op, r);
        }
        if UNARY.contains(&t) {
            if let Some(&x) = a.get(*i + 1) {
                *i += 2;
                return self.unary(t, x);
            }
        }
        *i += 1;
        Ok(!t.is_empty())
    }

    fn unary(&self, op: &str, x: &str) -> Result<bool, TestError> {
        let (k, pid) = (self.k, self.sh.pid);
        match op {
            "-z" => return Ok(x.is_empty()),
            "-n" => return Ok(!x.is_empty()),
            "-t" => return Ok(false),
            _ => {}
        }
        let follow = !matches!(op, "-L" | "-h");
        let Some(st) = k.resolve(pid, x, follow).ok().and_then(|r| k.stat_loc(&r.loc)) else { return Ok(false) };
        Ok(match op {
            "-e" => true,
            "-f" => st.ftype == FileType::File,
            "-d" => st.ftype == FileType::Dir,
            "-L" | "-h" => st.ftype == FileType::Symlink,
            "-b" => st.ftype == FileType::BlockDev,
            "-c" => st.ftype == FileType::CharDev,
            "-p" => st.ftype == FileType::Fifo,
            "-S" => st.ftype == FileType::Socket,
            "-s" => st.size > 0,
            "-r" => k.may(pid, &st, 4),
            "-w" => k.may(pid, &st, 2),
            "-x" => k.may(pid, &st, 1) && (st.perm & 0o111 != 0 || st.ftype == FileType::Dir),
            "-u" => st.perm & 0o4000 != 0,
            "-g" => st.perm & 0o2000 != 0,
            "-k" => st.perm & 0o1000 != 0,
            _ => false,
        })
    }

    fn binary(&self, l: &str, op: &str, r: &str) -> Result<bool, TestError> {
        let int = |s: &str| -> Result<i64, TestError> { s.trim().parse::<i64>().map_err(|_| TestError::Integer(s.to_string())) };
        Ok(match op {
            "=" | "==" => l == r,
            "!=" => l != r,
            "<" => l < r,
            ">" => l > r,
            "-eq" => int(l)? == int(r)?,
            "-ne" => int(l)? != int(r)?,
            "-lt" => int(l)? < int(r)?,
            "-le" => int(l)? <= int(r)?,
            "-gt" => int(l)? > int(r)?,
            "-ge" => int(l)? >= int(r)?,
            "-nt" | "-ot" | "-ef" => {
                let st = |p: &str| self.k.resolve(self.sh.pid, p, true).ok().and_then(|x| self.k.stat_loc(&x.loc));
                match (st(l), st(r)) {
                    (Some(a), Some(b)) => match op {
                        "-nt" => a.mtime > b.mtime,
                        "-ot" => a.mtime < b.mtime,
                        _ => a.dev == b.dev && a.ino == b.ino,
                    },
                    (Some(_), None) => op == "-nt",
                    (None, Some(_)) => op == "-ot",
                    (None, None) => false,
                }
            }
            _ => false,
        })
    }
}
