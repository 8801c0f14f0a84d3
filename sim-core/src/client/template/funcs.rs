//! The functions a docker CLI template can call: Go's builtins (`and`, `index`, `len`,
//! `eq`, `printf`, ...) and the CLI's own (`json`, `join`, `split`, `lower`, `upper`,
//! `title`, `pad`, `truncate`), with their argument checks and error texts.

use super::exec::State;
use super::lex::go_quote;
use super::value::{MapKind, NilKind, V};

/// A parameter type, as far as argument checking needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `interface{}`
    Any,
    /// `reflect.Value` (builtins get the value as is).
    Value,
    Str,
    Int,
    Bool,
    Strs,
}

impl Ty {
    pub fn go_name(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::Value => "reflect.Value",
            Ty::Str => "string",
            Ty::Int => "int",
            Ty::Bool => "bool",
            Ty::Strs => "[]string",
        }
    }
    /// The word of "expected integer; found ..." for a literal of the wrong kind.
    pub fn expect_word(self) -> &'static str {
        match self {
            Ty::Int => "integer",
            t => t.go_name(),
        }
    }
}

pub struct Sig {
    pub fixed: &'static [Ty],
    pub variadic: Option<Ty>,
}

/// The names templates may call (what the parser accepts).
pub fn exists(name: &str) -> bool {
    signature(name, false).is_some()
}

pub fn signature(name: &str, header: bool) -> Option<Sig> {
    use Ty::*;
    let s = |fixed: &'static [Ty], variadic: Option<Ty>| Some(Sig { fixed, variadic });
    if header {
        match name {
            "json" | "title" | "lower" | "upper" => return s(&[Str], None),
            "split" | "join" => return s(&[Str, Str], None),
            "truncate" => return s(&[Str, Int], None),
            _ => {}
        }
    }
    match name {
        "and" | "or" | "eq" | "index" | "slice" | "call" => s(&[Value], Some(Value)),
        "not" | "len" => s(&[Value], None),
        "ne" | "lt" | "le" | "gt" | "ge" => s(&[Value, Value], None),
        "print" | "println" | "html" | "js" | "urlquery" => s(&[], Some(Any)),
        "printf" => s(&[Str], Some(Any)),
        "json" => s(&[Any], None),
        "split" => s(&[Str, Str], None),
        "join" => s(&[Strs, Str], None),
        "title" | "lower" | "upper" => s(&[Str], None),
        "pad" => s(&[Str, Int, Int], None),
        "truncate" => s(&[Str, Int], None),
        _ => None,
    }
}

/// `validateType`: checks an evaluated value against a parameter type.
pub fn validate(st: &State, v: V, ty: Ty) -> Result<V, String> {
    let bad = |got: String| Err(st.errorf(format!("wrong type for value; expected {}; got {got}", ty.go_name())));
    match ty {
        Ty::Value => Ok(v),
        Ty::Any => Ok(match v {
            V::Invalid => V::Nil(NilKind::Iface),
            v => v,
        }),
        Ty::Str => match v {
            V::Str(_) => Ok(v),
            V::Invalid => Err(st.errorf("invalid value; expected string".into())),
            other => bad(got_type(st, &other)),
        },
        Ty::Int => match v {
            V::Int(_) => Ok(v),
            V::Invalid => Err(st.errorf("invalid value; expected int".into())),
            other => bad(got_type(st, &other)),
        },
        Ty::Bool => match v {
            V::Bool(_) => Ok(v),
            V::Invalid => Err(st.errorf("invalid value; expected bool".into())),
            other => bad(got_type(st, &other)),
        },
        Ty::Strs => match v {
            V::List(_, true) | V::Nil(NilKind::Slice) => Ok(v),
            V::Invalid => Ok(V::Nil(NilKind::Slice)),
            other => bad(got_type(st, &other)),
        },
    }
}

fn got_type(st: &State, v: &V) -> String {
    match v {
        V::Nil(NilKind::Iface) => "interface {}".into(),
        V::Map(_, MapKind::Raw) if st.opts.raw => "map[string]interface {}".into(),
        v => v.type_name(),
    }
}

/// A string argument (already validated).
pub fn want_str(st: &State, v: &V) -> Result<String, String> {
    match v {
        V::Str(s) => Ok(s.clone()),
        other => Err(st.errorf(format!("wrong type for value; expected string; got {}", got_type(st, other)))),
    }
}

fn s_of(v: &V) -> String {
    match v {
        V::Str(s) => s.clone(),
        _ => String::new(),
    }
}

fn i_of(v: &V) -> i64 {
    match v {
        V::Int(i) => *i,
        _ => 0,
    }
}

/// Calls a function; the error is the text after "error calling NAME: ".
pub fn call(st: &State, name: &str, a: Vec<V>) -> Result<V, String> {
    let arg = |i: usize| a.get(i).cloned().unwrap_or(V::Invalid);
    if st.opts.header {
        if let "json" | "split" | "join" | "title" | "lower" | "upper" | "truncate" = name {
            return Ok(arg(0));
        }
    }
    match name {
        "not" => Ok(V::Bool(!arg(0).truth())),
        "and" | "or" => Ok(arg(a.len().saturating_sub(1))),
        "len" => length(&arg(0)).map(V::Int),
        "index" => index(&a),
        "slice" => slice(&a),
        "print" => Ok(V::Str(sprint(&a))),
        "println" => Ok(V::Str(sprintln(&a))),
        "printf" => Ok(V::Str(sprintf(&s_of(&arg(0)), &a[1.min(a.len())..]))),
        "html" => Ok(V::Str(html_escape(&sprint_args(&a)))),
        "js" => Ok(V::Str(js_escape(&sprint_args(&a)))),
        "urlquery" => Ok(V::Str(crate::http::query_escape(&sprint_args(&a)))),
        "call" => Err(format!("non-function {} of type {}", arg(0).fmt_v(), arg(0).type_name())),
        "eq" => eq(&a).map(V::Bool),
        "ne" => eq(&a).map(|b| V::Bool(!b)),
        "lt" => less(&arg(0), &arg(1)).map(V::Bool),
        "le" => less_eq(&arg(0), &arg(1)).map(V::Bool),
        "gt" => less_eq(&arg(0), &arg(1)).map(|b| V::Bool(!b)),
        "ge" => less(&arg(0), &arg(1)).map(|b| V::Bool(!b)),
        "json" => Ok(V::Str(arg(0).to_json())),
        "split" => {
            let (s, sep) = (s_of(&arg(0)), s_of(&arg(1)));
            let parts: Vec<V> = if sep.is_empty() {
                s.chars().map(|c| V::Str(c.to_string())).collect()
            } else {
                s.split(sep.as_str()).map(|p| V::Str(p.to_string())).collect()
            };
            Ok(V::List(parts, true))
        }
        "join" => {
            let sep = s_of(&arg(1));
            let items: Vec<String> = match arg(0) {
                V::List(l, _) => l.iter().map(s_of).collect(),
                _ => Vec::new(),
            };
            Ok(V::Str(items.join(&sep)))
        }
        "title" => Ok(V::Str(title(&s_of(&arg(0))))),
        "lower" => Ok(V::Str(s_of(&arg(0)).to_lowercase())),
        "upper" => Ok(V::Str(s_of(&arg(0)).to_uppercase())),
        "pad" => {
            let s = s_of(&arg(0));
            if s.is_empty() {
                return Ok(V::Str(s));
            }
            let (p, q) = (i_of(&arg(1)), i_of(&arg(2)));
            if p < 0 || q < 0 {
                return Err("strings: negative Repeat count".into());
            }
            Ok(V::Str(format!("{}{s}{}", " ".repeat(p.min(10_000) as usize), " ".repeat(q.min(10_000) as usize))))
        }
        "truncate" => {
            let s = s_of(&arg(0));
            let n = i_of(&arg(1));
            if (s.len() as i64) < n {
                return Ok(V::Str(s));
            }
            if n < 0 {
                return Err(format!("runtime error: slice bounds out of range [:{n}]"));
            }
            Ok(V::Str(String::from_utf8_lossy(&s.as_bytes()[..n as usize]).into_owned()))
        }
        _ => Err(format!("{} is not a defined function", go_quote(name))),
    }
}

fn length(v: &V) -> Result<i64, String> {
    match v {
        V::Str(s) | V::Num(s) => Ok(s.len() as i64),
        V::List(l, _) => Ok(l.len() as i64),
        V::Map(m, _) => Ok(m.len() as i64),
        V::Nil(NilKind::Slice) | V::Nil(NilKind::Map) => Ok(0),
        V::Nil(_) => Err("len of nil pointer".into()),
        V::Invalid => Err("len of untyped nil".into()),
        other => Err(format!("len of type {}", other.type_name())),
    }
}

fn index_arg(i: &V, len: usize) -> Result<usize, String> {
    let x = match i {
        V::Int(x) => *x,
        V::Invalid | V::Nil(_) => return Err("cannot index slice/array with nil".into()),
        other => return Err(format!("cannot index slice/array with type {}", other.type_name())),
    };
    if x < 0 || x as usize > len {
        return Err(format!("index out of range: {x}"));
    }
    if x as usize == len {
        return Err("reflect: slice index out of range".into());
    }
    Ok(x as usize)
}

fn index(a: &[V]) -> Result<V, String> {
    let mut item = a.first().cloned().unwrap_or(V::Invalid);
    if matches!(item, V::Invalid | V::Nil(NilKind::Iface)) {
        return Err("index of untyped nil".into());
    }
    for ix in a.iter().skip(1) {
        item = match &item {
            V::Nil(NilKind::Ptr) => return Err("index of nil pointer".into()),
            V::List(l, _) => l[index_arg(ix, l.len())?].clone(),
            V::Str(s) => V::Int(s.as_bytes()[index_arg(ix, s.len())?] as i64),
            V::Nil(NilKind::Slice) => return Err(index_arg(ix, 0).err().unwrap_or_default()),
            V::Map(m, kind) => {
                let key = match ix {
                    V::Str(k) => k.clone(),
                    V::Invalid | V::Nil(_) => return Err("value is nil; should be of type string".into()),
                    other => return Err(format!("value has type {}; should be string", other.type_name())),
                };
                match m.iter().rev().find(|(k, _)| *k == key) {
                    Some((_, v)) => v.clone(),
                    None if *kind == MapKind::Raw => V::Invalid,
                    None if m.iter().all(|(_, v)| matches!(v, V::Str(_))) => V::Str(String::new()),
                    None => V::Invalid,
                }
            }
            V::Nil(NilKind::Map) => V::Invalid,
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

fn slice(a: &[V]) -> Result<V, String> {
    let item = a.first().cloned().unwrap_or(V::Invalid);
    let idx: Vec<i64> = a.iter().skip(1).map(i_of).collect();
    if idx.len() > 3 {
        return Err(format!("too many slice indexes: {}", idx.len()));
    }
    let len = match &item {
        V::Str(s) => s.len(),
        V::List(l, _) => l.len(),
        V::Invalid | V::Nil(NilKind::Iface) => return Err("slice of untyped nil".into()),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let lo = idx.first().copied().unwrap_or(0);
    let hi = idx.get(1).copied().unwrap_or(len as i64);
    if lo < 0 || hi < lo || hi as usize > len {
        return Err(format!("index out of range: {}", if lo < 0 || lo as usize > len { lo } else { hi }));
    }
    let (lo, hi) = (lo as usize, hi as usize);
    Ok(match item {
        V::Str(s) => V::Str(String::from_utf8_lossy(&s.as_bytes()[lo..hi]).into_owned()),
        V::List(l, t) => V::List(l[lo..hi].to_vec(), t),
        other => other,
    })
}

#[derive(PartialEq)]
enum Basic {
    Bool,
    Int,
    Float,
    Str,
    Other,
}

fn basic(v: &V) -> Basic {
    match v {
        V::Bool(_) => Basic::Bool,
        V::Int(_) => Basic::Int,
        V::Float(_) => Basic::Float,
        V::Str(_) | V::Num(_) => Basic::Str,
        _ => Basic::Other,
    }
}

fn is_nil(v: &V) -> bool {
    matches!(v, V::Invalid | V::Nil(_))
}

fn eq(a: &[V]) -> Result<bool, String> {
    let Some(a1) = a.first() else { return Err("missing argument for comparison".into()) };
    if a.len() < 2 {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic(a1);
    for b in &a[1..] {
        let k2 = basic(b);
        let truth = if k1 != k2 {
            if !is_nil(a1) && !is_nil(b) && (k1 != Basic::Other || k2 != Basic::Other) {
                return Err("incompatible types for comparison".into());
            }
            is_nil(a1) && is_nil(b)
        } else {
            match (a1, b) {
                (V::Bool(x), V::Bool(y)) => x == y,
                (V::Int(x), V::Int(y)) => x == y,
                (V::Float(x), V::Float(y)) => x == y,
                (V::Str(x) | V::Num(x), V::Str(y) | V::Num(y)) => x == y,
                _ => {
                    if is_nil(a1) || is_nil(b) {
                        is_nil(a1) == is_nil(b)
                    } else if matches!(b, V::List(..) | V::Map(..)) || matches!(a1, V::List(..) | V::Map(..)) {
                        return Err(format!("non-comparable type {}: {}", b.fmt_v(), b.type_name()));
                    } else {
                        a1.fmt_v() == b.fmt_v()
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn less(a: &V, b: &V) -> Result<bool, String> {
    let (k1, k2) = (basic(a), basic(b));
    if k1 == Basic::Other || k2 == Basic::Other {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return Err("incompatible types for comparison".into());
    }
    Ok(match (a, b) {
        (V::Int(x), V::Int(y)) => x < y,
        (V::Float(x), V::Float(y)) => x < y,
        (V::Str(x) | V::Num(x), V::Str(y) | V::Num(y)) => x < y,
        _ => return Err("invalid type for comparison".into()),
    })
}

fn less_eq(a: &V, b: &V) -> Result<bool, String> {
    if less(a, b)? {
        return Ok(true);
    }
    eq(&[a.clone(), b.clone()])
}

fn is_string(v: &V) -> bool {
    matches!(v, V::Str(_))
}

/// `fmt.Sprint`: spaces between operands when neither is a string.
pub fn sprint(a: &[V]) -> String {
    let mut out = String::new();
    for (i, v) in a.iter().enumerate() {
        if i > 0 && !is_string(v) && !is_string(&a[i - 1]) {
            out.push(' ');
        }
        out.push_str(&v.fmt_v());
    }
    out
}

fn sprint_args(a: &[V]) -> String {
    if a.len() == 1 {
        if let V::Str(s) = &a[0] {
            return s.clone();
        }
    }
    sprint(a)
}

/// `fmt.Sprintln`: always spaces, and a newline.
pub fn sprintln(a: &[V]) -> String {
    let mut s = a.iter().map(V::fmt_v).collect::<Vec<_>>().join(" ");
    s.push('\n');
    s
}

/// `fmt.Sprintf` for the common verbs (%v %s %d %q %t %x %X %f %%), with width, `-` and `0`.
pub fn sprintf(format: &str, args: &[V]) -> String {
    let mut out = String::new();
    let mut ai = 0;
    let mut it = format.chars().peekable();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut minus, mut zero) = (false, false);
        while let Some(&f) = it.peek() {
            match f {
                '-' => minus = true,
                '0' => zero = true,
                '+' | '#' | ' ' => {}
                _ => break,
            }
            it.next();
        }
        let mut width = String::new();
        while let Some(&d) = it.peek() {
            if !d.is_ascii_digit() {
                break;
            }
            width.push(d);
            it.next();
        }
        let mut prec: Option<usize> = None;
        if it.peek() == Some(&'.') {
            it.next();
            let mut p = String::new();
            while let Some(&d) = it.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                p.push(d);
                it.next();
            }
            prec = Some(p.parse::<usize>().unwrap_or(0).min(1_000));
        }
        let Some(verb) = it.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(ai) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        ai += 1;
        let text = match (verb, arg) {
            ('v', v) => v.fmt_v(),
            ('s', V::Str(s)) | ('s', V::Num(s)) => match prec {
                Some(p) => s.chars().take(p).collect(),
                None => s.clone(),
            },
            ('d', V::Int(i)) => i.to_string(),
            ('q', V::Str(s)) => go_quote(s),
            ('t', V::Bool(b)) => b.to_string(),
            ('x', V::Int(i)) => format!("{i:x}"),
            ('X', V::Int(i)) => format!("{i:X}"),
            ('x', V::Str(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
            ('f', V::Float(f)) => format!("{:.*}", prec.unwrap_or(6), f),
            ('f', V::Int(i)) => format!("%!f(int={i})"),
            (v, a) => format!("%!{v}({}={})", a.type_name(), a.fmt_v()),
        };
        let w: usize = width.parse().unwrap_or(0).min(10_000);
        let n = text.chars().count();
        if n < w {
            let pad = w - n;
            if minus {
                out.push_str(&text);
                out.push_str(&" ".repeat(pad));
            } else if zero {
                out.push_str(&"0".repeat(pad));
                out.push_str(&text);
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(&text);
            }
        } else {
            out.push_str(&text);
        }
    }
    if ai < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[ai..].iter().map(|a| format!("{}={}", a.type_name(), a.fmt_v())).collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `strings.Title`.
fn title(s: &str) -> String {
    let mut out = String::new();
    let mut prev_sep = true;
    for c in s.chars() {
        if prev_sep {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            !(c.is_alphanumeric()) && c.is_whitespace()
        };
    }
    out
}
