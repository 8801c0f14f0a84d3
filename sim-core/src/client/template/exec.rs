//! Go's `text/template` execution (`exec.go`): walking the tree, evaluating pipelines,
//! fields, variables and calls, with Go's error texts
//! (`template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"`).

use crate::sort::SortSlice;
use super::funcs::{self, Ty};
use super::lex::go_quote;
use super::parse::{Arg, Cmd, Node, Num, Pipe, Tree};
use super::value::{MapKind, NilKind, V};

#[derive(Clone, Copy, Debug, Default)]
pub struct Opts {
    /// `missingkey=error` (the raw fallback of `docker inspect -f`).
    pub missing_key_error: bool,
    /// Executing a table header: the CLI's `HeaderFunctions` replace the string functions.
    pub header: bool,
    /// The data is the raw `interface{}` decoding: every value's static type is `interface {}`.
    pub raw: bool,
}

enum Flow {
    Normal,
    Break,
    Continue,
}

pub struct State<'a> {
    text: &'a str,
    name: &'a str,
    pub out: String,
    vars: Vec<(String, V)>,
    node: Option<(usize, String)>,
    pub opts: Opts,
    steps: usize,
}

pub type R<T> = Result<T, String>;

/// Runs the template; returns the output so far and the error that stopped it, if any.
pub fn execute(tree: &Tree, data: &V, opts: Opts) -> (String, Option<String>) {
    let mut st = State { text: &tree.text, name: &tree.name, out: String::new(), vars: vec![("$".into(), data.clone())], node: None, opts, steps: 0 };
    let r = st.walk_list(data, &tree.root);
    let err = r.err();
    (st.out, err)
}

impl State<'_> {
    pub fn at(&mut self, pos: usize, ctx: String) {
        self.node = Some((pos, ctx));
    }

    /// An execution error in Go's words, located at the current node.
    pub fn errorf(&self, msg: String) -> String {
        let name = self.name;
        match &self.node {
            None => format!("template: {name}: {msg}"),
            Some((pos, ctx)) => {
                let pos = (*pos).min(self.text.len());
                let before = &self.text[..pos];
                let line = 1 + before.matches('\n').count();
                let col = match before.rfind('\n') {
                    Some(nl) => pos - (nl + 1),
                    None => pos,
                };
                format!("template: {name}:{line}:{col}: executing \"{name}\" at <{ctx}>: {msg}")
            }
        }
    }

    fn tick(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > 1_000_000 {
            return Err(self.errorf("template too expensive to execute".into()));
        }
        Ok(())
    }

    fn walk_list(&mut self, dot: &V, list: &[Node]) -> R<Flow> {
        for n in list {
            match self.walk(dot, n)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &V, node: &Node) -> R<Flow> {
        self.tick()?;
        match node {
            Node::Text(t) => {
                self.out.push_str(t);
                Ok(Flow::Normal)
            }
            Node::Action { pos, pipe } => {
                self.at(*pos, node.to_string());
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at(*pos, node.to_string());
                    let s = v.print();
                    self.out.push_str(&s);
                }
                Ok(Flow::Normal)
            }
            Node::If { pipe, list, else_list, .. } => self.walk_if_with(false, dot, pipe, list, else_list.as_deref()),
            Node::With { pipe, list, else_list, .. } => self.walk_if_with(true, dot, pipe, list, else_list.as_deref()),
            Node::Range { pos, pipe, list, else_list } => self.walk_range(dot, *pos, node, pipe, list, else_list.as_deref()),
            Node::Break { .. } => Ok(Flow::Break),
            Node::Continue { .. } => Ok(Flow::Continue),
            Node::Template { pos, name, .. } => {
                self.at(*pos, node.to_string());
                Err(self.errorf(format!("template {} not defined", go_quote(name))))
            }
            Node::End { .. } | Node::Else { .. } => Ok(Flow::Normal),
        }
    }

    fn walk_if_with(&mut self, with: bool, dot: &V, pipe: &Pipe, list: &[Node], else_list: Option<&[Node]>) -> R<Flow> {
        let mark = self.vars.len();
        let v = self.eval_pipeline(dot, pipe)?;
        let r = if v.truth() {
            if with {
                self.walk_list(&v, list)
            } else {
                self.walk_list(dot, list)
            }
        } else if let Some(e) = else_list {
            self.walk_list(dot, e)
        } else {
            Ok(Flow::Normal)
        };
        self.vars.truncate(mark);
        r
    }

    fn walk_range(&mut self, dot: &V, pos: usize, node: &Node, pipe: &Pipe, list: &[Node], else_list: Option<&[Node]>) -> R<Flow> {
        self.at(pos, node.to_string());
        let outer = self.vars.len();
        let val = self.eval_pipeline(dot, pipe)?;
        let mark = self.vars.len();
        let ndecl = pipe.decl.len();
        let items: Vec<(V, V)> = match &val {
            V::List(l, _) => l.iter().enumerate().map(|(i, v)| (V::Int(i as i64), v.clone())).collect(),
            V::Map(m, _) => {
                let mut kv: Vec<(V, V)> = m.iter().map(|(k, v)| (V::Str(k.clone()), v.clone())).collect();
                kv.sort_stable_by(|a, b| match (&a.0, &b.0) {
                    (V::Str(x), V::Str(y)) => x.cmp(y),
                    _ => std::cmp::Ordering::Equal,
                });
                kv
            }
            // Go 1.22 ranges over an integer; the step limit stops an endless one.
            V::Int(n) => (0..(*n).clamp(0, 100_000)).map(|i| (V::Int(i), V::Int(i))).collect(),
            V::Invalid | V::Nil(_) => Vec::new(),
            other => {
                let msg = format!("range can't iterate over {}", other.fmt_v());
                self.vars.truncate(outer);
                return Err(self.errorf(msg));
            }
        };
        if items.is_empty() {
            let r = match else_list {
                Some(e) => self.walk_list(dot, e),
                None => Ok(Flow::Normal),
            };
            self.vars.truncate(outer);
            return r.map(|_| Flow::Normal);
        }
        for (k, v) in items {
            if ndecl > 0 {
                let n = self.vars.len();
                if n >= 1 {
                    self.vars[n - 1].1 = v.clone();
                }
            }
            if ndecl > 1 {
                let n = self.vars.len();
                if n >= 2 {
                    self.vars[n - 2].1 = if matches!(val, V::Int(_)) { v.clone() } else { k };
                }
            }
            let f = self.walk_list(&v, list);
            self.vars.truncate(mark);
            match f {
                Err(e) => {
                    self.vars.truncate(outer);
                    return Err(e);
                }
                Ok(Flow::Break) => break,
                Ok(_) => {}
            }
        }
        self.vars.truncate(outer);
        Ok(Flow::Normal)
    }

    pub fn eval_pipeline(&mut self, dot: &V, pipe: &Pipe) -> R<V> {
        self.at(pipe.pos, pipe.to_string());
        let mut value: Option<V> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?);
        }
        let value = value.unwrap_or(V::Invalid);
        for name in &pipe.decl {
            if pipe.is_assign {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = value.clone(),
                    None => return Err(self.errorf(format!("undefined variable: {name}"))),
                }
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], fin: &Option<V>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            let first = args.first().map(|a| a.to_string()).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &V, cmd: &Cmd, fin: Option<V>) -> R<V> {
        let Some(first) = cmd.args.first() else { return Ok(V::Invalid) };
        match first {
            Arg::Field { pos, idents } => {
                self.at(*pos, first.to_string());
                self.eval_field_chain(dot, dot.clone(), *pos, &first.to_string(), idents, &cmd.args, fin)
            }
            Arg::Chain { pos, node, fields } => {
                self.at(*pos, first.to_string());
                let recv = self.eval_arg(dot, Ty::Any, node)?;
                self.eval_field_chain(dot, recv, *pos, &first.to_string(), fields, &cmd.args, fin)
            }
            Arg::Ident { pos, name } => self.eval_function(dot, *pos, name, Some(cmd), &cmd.args, fin),
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                self.eval_pipeline(dot, p)
            }
            Arg::Var { pos, idents } => self.eval_variable(dot, *pos, &first.to_string(), idents, &cmd.args, fin),
            _ => {
                self.at(first.pos(), first.to_string());
                self.not_a_function(&cmd.args, &fin)?;
                match first {
                    Arg::Bool { val, .. } => Ok(V::Bool(*val)),
                    Arg::Dot { .. } => Ok(dot.clone()),
                    Arg::Nil { .. } => Err(self.errorf("nil is not a command".into())),
                    Arg::Number { val, .. } => Ok(num_value(val)),
                    Arg::Str { text, .. } => Ok(V::Str(text.clone())),
                    _ => Err(self.errorf(format!("can't evaluate command {}", go_quote(&first.to_string())))),
                }
            }
        }
    }

    fn eval_variable(&mut self, dot: &V, pos: usize, ctx: &str, idents: &[String], args: &[Arg], fin: Option<V>) -> R<V> {
        self.at(pos, ctx.to_string());
        let name = idents.first().cloned().unwrap_or_default();
        let value = match self.vars.iter().rev().find(|(n, _)| *n == name) {
            Some((_, v)) => v.clone(),
            None => return Err(self.errorf(format!("undefined variable: {name}"))),
        };
        if idents.len() == 1 {
            self.not_a_function(args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain(dot, value, pos, ctx, &idents[1..], args, fin)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain(&mut self, dot: &V, mut recv: V, pos: usize, ctx: &str, idents: &[String], args: &[Arg], fin: Option<V>) -> R<V> {
        let n = idents.len();
        for (i, name) in idents.iter().enumerate() {
            let last = i + 1 == n;
            let (a, f): (&[Arg], Option<V>) = if last { (args, fin.clone()) } else { (&[], None) };
            recv = self.eval_field(dot, name, pos, ctx, a, f, recv, i == 0)?;
        }
        Ok(recv)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field(&mut self, dot: &V, name: &str, pos: usize, ctx: &str, args: &[Arg], fin: Option<V>, recv: V, first: bool) -> R<V> {
        self.at(pos, ctx.to_string());
        let has_args = args.len() > 1 || fin.is_some();
        let typ = if self.opts.raw && !(first && matches!(recv, V::Map(_, MapKind::Raw))) { "interface {}".to_string() } else { recv.type_name() };
        match &recv {
            V::Invalid => {
                if self.opts.missing_key_error {
                    return Err(self.errorf(format!("nil data; no entry for key {}", go_quote(name))));
                }
                Ok(V::Invalid)
            }
            V::Nil(NilKind::Map) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                if self.opts.missing_key_error {
                    return Err(self.errorf(format!("map has no entry for key {}", go_quote(name))));
                }
                Ok(V::Invalid)
            }
            V::Nil(NilKind::Ptr) | V::Nil(NilKind::Iface) => Err(self.errorf(format!("nil pointer evaluating {typ}.{name}"))),
            V::Struct(s) => {
                if let Some((_, v)) = s.fields.iter().find(|(k, _)| k == name) {
                    // A method taking an argument (`.Label "key"`) is modelled as a map field.
                    if let (V::Map(m, _), true) = (v, name == "Label") {
                        return self.call_label(dot, m, args, fin);
                    }
                    if has_args {
                        return Err(self.errorf(format!("{name} has arguments but cannot be invoked as function")));
                    }
                    return Ok(v.clone());
                }
                Err(self.errorf(format!("can't evaluate field {name} in type {typ}")))
            }
            V::Map(m, kind) => {
                if *kind == MapKind::Header && name == "Label" {
                    let key = self.label_arg(dot, args, fin)?;
                    return Ok(V::Str(header_label(&key)));
                }
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                match m.iter().rev().find(|(k, _)| k == name) {
                    Some((_, v)) => Ok(v.clone()),
                    None if self.opts.missing_key_error => Err(self.errorf(format!("map has no entry for key {}", go_quote(name)))),
                    None => Ok(V::Invalid),
                }
            }
            _ => Err(self.errorf(format!("can't evaluate field {name} in type {typ}"))),
        }
    }

    fn label_arg(&mut self, dot: &V, args: &[Arg], fin: Option<V>) -> R<String> {
        let n = args.len().saturating_sub(1) + usize::from(fin.is_some());
        if n != 1 {
            return Err(self.errorf(format!("wrong number of args for Label: want 1 got {n}")));
        }
        let v = match args.get(1) {
            Some(a) => self.eval_arg(dot, Ty::Str, a)?,
            None => fin.unwrap_or(V::Invalid),
        };
        funcs::want_str(self, &v)
    }

    fn call_label(&mut self, dot: &V, labels: &[(String, V)], args: &[Arg], fin: Option<V>) -> R<V> {
        let key = self.label_arg(dot, args, fin)?;
        Ok(labels.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).unwrap_or(V::Str(String::new())))
    }

    pub fn eval_function(&mut self, dot: &V, pos: usize, name: &str, cmd: Option<&Cmd>, args: &[Arg], fin: Option<V>) -> R<V> {
        self.at(pos, name.to_string());
        let Some(sig) = funcs::signature(name, self.opts.header) else {
            return Err(self.errorf(format!("{} is not a defined function", go_quote(name))));
        };
        let rest = if args.is_empty() { args } else { &args[1..] };
        let num_in = rest.len() + usize::from(fin.is_some());
        match sig.variadic {
            Some(_) => {
                if num_in < sig.fixed.len() {
                    return Err(self.errorf(format!("wrong number of args for {name}: want at least {} got {}", sig.fixed.len(), rest.len())));
                }
            }
            None => {
                if num_in != sig.fixed.len() {
                    return Err(self.errorf(format!("wrong number of args for {name}: want {} got {num_in}", sig.fixed.len())));
                }
            }
        }
        // and/or evaluate lazily (Go 1.18+).
        if (name == "and" || name == "or") && !self.opts.header {
            let mut last = V::Invalid;
            let total = rest.len() + usize::from(fin.is_some());
            for i in 0..total {
                let v = if i < rest.len() { self.eval_arg(dot, Ty::Value, &rest[i])? } else { fin.clone().unwrap_or(V::Invalid) };
                let t = v.truth();
                last = v;
                if (name == "and" && !t) || (name == "or" && t) {
                    return Ok(last);
                }
            }
            return Ok(last);
        }
        let mut argv = Vec::with_capacity(num_in);
        for (i, a) in rest.iter().enumerate() {
            let ty = sig.fixed.get(i).copied().or(sig.variadic).unwrap_or(Ty::Any);
            argv.push(self.eval_arg(dot, ty, a)?);
        }
        if let Some(f) = fin {
            let ty = if num_in <= sig.fixed.len() { sig.fixed.get(num_in - 1).copied() } else { sig.variadic }.unwrap_or(Ty::Any);
            argv.push(funcs::validate(self, f, ty)?);
        }
        match funcs::call(self, name, argv) {
            Ok(v) => Ok(v),
            Err(e) => {
                if let Some(c) = cmd {
                    self.at(c.pos, c.to_string());
                } else {
                    self.at(pos, name.to_string());
                }
                Err(self.errorf(format!("error calling {name}: {e}")))
            }
        }
    }

    pub fn eval_arg(&mut self, dot: &V, ty: Ty, n: &Arg) -> R<V> {
        self.at(n.pos(), n.to_string());
        match n {
            Arg::Dot { .. } => funcs::validate(self, dot.clone(), ty),
            Arg::Nil { .. } => match ty {
                Ty::Any | Ty::Value | Ty::Strs => Ok(V::Nil(NilKind::Iface)),
                _ => Err(self.errorf(format!("cannot assign nil to {}", ty.go_name()))),
            },
            Arg::Field { pos, idents } => {
                let v = self.eval_field_chain(dot, dot.clone(), *pos, &n.to_string(), idents, std::slice::from_ref(n), None)?;
                funcs::validate(self, v, ty)
            }
            Arg::Var { pos, idents } => {
                let v = self.eval_variable(dot, *pos, &n.to_string(), idents, &[], None)?;
                funcs::validate(self, v, ty)
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, p)?;
                funcs::validate(self, v, ty)
            }
            Arg::Ident { pos, name } => {
                let v = self.eval_function(dot, *pos, name, None, &[], None)?;
                funcs::validate(self, v, ty)
            }
            Arg::Chain { pos, node, fields } => {
                let recv = self.eval_arg(dot, Ty::Any, node)?;
                let v = self.eval_field_chain(dot, recv, *pos, &n.to_string(), fields, &[], None)?;
                funcs::validate(self, v, ty)
            }
            Arg::Bool { val, .. } => match ty {
                Ty::Any | Ty::Value | Ty::Bool => Ok(V::Bool(*val)),
                _ => Err(self.errorf(format!("expected {}; found {n}", ty.expect_word()))),
            },
            Arg::Str { text, .. } => match ty {
                Ty::Any | Ty::Value | Ty::Str => Ok(V::Str(text.clone())),
                _ => Err(self.errorf(format!("expected {}; found {n}", ty.expect_word()))),
            },
            Arg::Number { val, .. } => match (ty, val) {
                (Ty::Any | Ty::Value, v) => Ok(num_value(v)),
                (Ty::Int, Num::Int(i)) => Ok(V::Int(*i)),
                _ => Err(self.errorf(format!("expected {}; found {n}", ty.expect_word()))),
            },
        }
    }
}

fn num_value(n: &Num) -> V {
    match n {
        Num::Int(i) => V::Int(*i),
        Num::Float(f) => V::Float(*f),
    }
}

/// `formatter.SubHeaderContext.Label`: the last dot-separated part, `-`/`_` as spaces.
fn header_label(name: &str) -> String {
    name.rsplit('.').next().unwrap_or("").replace(['-', '_'], " ")
}
