//! busybox's `getopt32` on musl's `getopt_long`: options may follow operands (musl
//! permutes), `--` ends them, an unknown option prints `ARGV0: unrecognized option: x`
//! and the applet's usage, and exits 1.

use super::show_usage;
use crate::utils::{Ctx, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HasArg {
    No,
    Required,
    Optional,
}

/// A long option and the key it reports as (a short letter, or a private one).
#[derive(Clone, Copy, Debug)]
pub struct Long {
    pub name: &'static str,
    pub arg: HasArg,
    pub key: char,
}

pub const fn long(name: &'static str, arg: HasArg, key: char) -> Long {
    Long { name, arg, key }
}

/// Options in the order given, with their arguments, and the operands.
#[derive(Clone, Debug, Default)]
pub struct Opts {
    pub list: Vec<(char, Option<String>)>,
    pub operands: Vec<String>,
}

impl Opts {
    pub fn has(&self, c: char) -> bool {
        self.list.iter().any(|(k, _)| *k == c)
    }
    /// The last argument given to `c`.
    pub fn value(&self, c: char) -> Option<&str> {
        self.list.iter().rev().find(|(k, _)| *k == c).and_then(|(_, v)| v.as_deref())
    }
    /// Every argument given to `c`, in order.
    pub fn values(&self, c: char) -> Vec<String> {
        self.list.iter().filter(|(k, _)| *k == c).filter_map(|(_, v)| v.clone()).collect()
    }
    /// Which of the letters came last (for "last one wins" pairs such as -C/-1/-l).
    pub fn last_of(&self, letters: &str) -> Option<char> {
        self.list.iter().rev().map(|(k, _)| *k).find(|k| letters.contains(*k))
    }
}

/// A parse failure: the message musl prints (without the argv[0] prefix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptError(pub String);

/// Parses `args` (argv without argv[0]) against `spec` (letters, `:` after one that takes
/// an argument, a leading `+` to stop at the first operand) and `longs`.
pub fn parse(args: &[String], spec: &str, longs: &[Long]) -> Result<Opts, OptError> {
    let stop_at_operand = spec.starts_with('+');
    let spec = spec.trim_start_matches('+');
    // `c:` takes an argument, `c::` an optional one, given only in the same word (`-mFILE`).
    let takes_arg = |c: char| -> Option<HasArg> {
        let i = spec.find(c)?;
        if c == ':' {
            return None;
        }
        let rest = &spec[i + c.len_utf8()..];
        Some(if rest.starts_with("::") {
            HasArg::Optional
        } else if rest.starts_with(':') {
            HasArg::Required
        } else {
            HasArg::No
        })
    };
    let mut o = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            o.operands.extend(args[i + 1..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let exact = longs.iter().find(|l| l.name == name);
            let prefixed: Vec<&Long> = longs.iter().filter(|l| l.name.starts_with(name)).collect();
            let l = match (exact, prefixed.len()) {
                (Some(l), _) => l,
                (None, 1) => prefixed[0],
                (None, 0) => return Err(OptError(format!("unrecognized option: {body}"))),
                _ => return Err(OptError(format!("option is ambiguous: {body}"))),
            };
            let value = match (l.arg, inline) {
                (HasArg::No, Some(_)) => return Err(OptError(format!("option does not take an argument: {}", l.name))),
                (HasArg::No, None) => None,
                (HasArg::Optional, v) => v,
                (HasArg::Required, Some(v)) => Some(v),
                (HasArg::Required, None) => {
                    i += 1;
                    match args.get(i) {
                        Some(v) => Some(v.clone()),
                        None => return Err(OptError(format!("option requires an argument: {}", l.name))),
                    }
                }
            };
            o.list.push((l.key, value));
            i += 1;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                match takes_arg(c) {
                    None => return Err(OptError(format!("unrecognized option: {c}"))),
                    Some(HasArg::No) => o.list.push((c, None)),
                    Some(HasArg::Optional) => {
                        let rest: String = chars[j + 1..].iter().collect();
                        o.list.push((c, (!rest.is_empty()).then_some(rest)));
                        break;
                    }
                    Some(HasArg::Required) => {
                        let rest: String = chars[j + 1..].iter().collect();
                        let v = if !rest.is_empty() {
                            rest
                        } else {
                            i += 1;
                            match args.get(i) {
                                Some(v) => v.clone(),
                                None => return Err(OptError(format!("option requires an argument: {c}"))),
                            }
                        };
                        o.list.push((c, Some(v)));
                        break;
                    }
                }
                j += 1;
            }
            i += 1;
            continue;
        }
        if stop_at_operand {
            o.operands.extend(args[i..].iter().cloned());
            break;
        }
        o.operands.push(a.clone());
        i += 1;
    }
    Ok(o)
}

/// Parses the running applet's arguments; on error prints musl's message (prefixed with
/// argv[0] as given) and the applet's usage, and returns the exit to take.
pub fn getopt(ctx: &mut Ctx, spec: &str, longs: &[Long]) -> Result<Opts, Outcome> {
    let args: Vec<String> = ctx.argv.get(1..).map(<[String]>::to_vec).unwrap_or_default();
    match parse(&args, spec, longs) {
        Ok(o) => Ok(o),
        Err(OptError(msg)) => {
            let arg0 = ctx.argv.first().cloned().unwrap_or_default();
            ctx.err(&format!("{arg0}: {msg}\n"));
            Err(show_usage(ctx))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn permutes_and_stops_at_dashdash() {
        let o = parse(&v(&["a", "-l", "b", "--", "-x"]), "l", &[]).expect("parses");
        assert!(o.has('l'));
        assert_eq!(o.operands, v(&["a", "b", "-x"]));
    }

    #[test]
    fn errors_in_musl_words() {
        assert_eq!(parse(&v(&["-z"]), "l", &[]).err(), Some(OptError("unrecognized option: z".into())));
        assert_eq!(parse(&v(&["--zz=1"]), "l", &[]).err(), Some(OptError("unrecognized option: zz=1".into())));
        assert_eq!(parse(&v(&["-w"]), "w:", &[]).err(), Some(OptError("option requires an argument: w".into())));
    }

    #[test]
    fn long_prefixes_and_arguments() {
        let longs = [long("color", HasArg::Optional, 'c'), long("full-time", HasArg::No, 'F')];
        let o = parse(&v(&["--col", "--full", "--color=never"]), "", &longs).expect("parses");
        assert_eq!(o.list, vec![('c', None), ('F', None), ('c', Some("never".into()))]);
        let o = parse(&v(&["-w10", "-w", "3"]), "w:", &[]).expect("parses");
        assert_eq!(o.values('w'), v(&["10", "3"]));
        // An optional argument is only taken from the same word.
        let o = parse(&v(&["-m/proc/1/ns/mnt", "-u", "x"]), "+m::u::", &[]).expect("parses");
        assert_eq!(o.list, vec![('m', Some("/proc/1/ns/mnt".into())), ('u', None)]);
        assert_eq!(o.operands, v(&["x"]));
    }
}
