//! Go's `text/template/parse` parser: the same grammar, node shapes and error messages
//! (`template: :1: unclosed action`, `function "x" not defined`, `unexpected EOF`, ...).

use super::lex::{go_quote, lex, Item, T};

#[derive(Clone, Debug)]
pub enum Node {
    Text(String),
    Action { pos: usize, pipe: Pipe },
    If { pos: usize, pipe: Pipe, list: Vec<Node>, else_list: Option<Vec<Node>> },
    Range { pos: usize, pipe: Pipe, list: Vec<Node>, else_list: Option<Vec<Node>> },
    With { pos: usize, pipe: Pipe, list: Vec<Node>, else_list: Option<Vec<Node>> },
    Break { pos: usize },
    Continue { pos: usize },
    Template { pos: usize, name: String, pipe: Option<Pipe> },
    /// Parser markers, never in a finished tree.
    End { pos: usize },
    Else { pos: usize },
}

#[derive(Clone, Debug)]
pub struct Pipe {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<String>,
    pub cmds: Vec<Cmd>,
}

#[derive(Clone, Debug)]
pub struct Cmd {
    pub pos: usize,
    pub args: Vec<Arg>,
}

#[derive(Clone, Debug)]
pub enum Num {
    Int(i64),
    Float(f64),
}

#[derive(Clone, Debug)]
pub enum Arg {
    Field { pos: usize, idents: Vec<String> },
    Chain { pos: usize, node: Box<Arg>, fields: Vec<String> },
    Var { pos: usize, idents: Vec<String> },
    Ident { pos: usize, name: String },
    Dot { pos: usize },
    Nil { pos: usize },
    Bool { pos: usize, val: bool },
    Number { pos: usize, text: String, val: Num },
    Str { pos: usize, quoted: String, text: String },
    Pipe(Box<Pipe>),
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Var { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::Str { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Field { idents, .. } => {
                for i in idents {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for i in fields {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Var { idents, .. } => f.write_str(&idents.join(".")),
            Arg::Ident { name, .. } => f.write_str(name),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { val, .. } => f.write_str(if *val { "true" } else { "false" }),
            Arg::Number { text, .. } => f.write_str(text),
            Arg::Str { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl std::fmt::Display for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if let Arg::Pipe(p) = a {
                write!(f, "({p})")?;
            } else {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}

impl std::fmt::Display for Pipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.decl.is_empty() {
            f.write_str(&self.decl.join(", "))?;
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn write_list(f: &mut std::fmt::Formatter<'_>, l: &[Node]) -> std::fmt::Result {
    for n in l {
        write!(f, "{n}")?;
    }
    Ok(())
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let control = |f: &mut std::fmt::Formatter<'_>, name: &str, pipe: &Pipe, list: &[Node], el: &Option<Vec<Node>>| {
            write!(f, "{{{{{name} {pipe}}}}}")?;
            write_list(f, list)?;
            if let Some(e) = el {
                f.write_str("{{else}}")?;
                write_list(f, e)?;
            }
            f.write_str("{{end}}")
        };
        match self {
            Node::Text(t) => write!(f, "{}", go_quote(t)),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::If { pipe, list, else_list, .. } => control(f, "if", pipe, list, else_list),
            Node::Range { pipe, list, else_list, .. } => control(f, "range", pipe, list, else_list),
            Node::With { pipe, list, else_list, .. } => control(f, "with", pipe, list, else_list),
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
            Node::Template { name, pipe, .. } => match pipe {
                Some(p) => write!(f, "{{{{template {} {p}}}}}", go_quote(name)),
                None => write!(f, "{{{{template {}}}}}", go_quote(name)),
            },
            Node::End { .. } => f.write_str("{{end}}"),
            Node::Else { .. } => f.write_str("{{else}}"),
        }
    }
}

/// The parsed template.
#[derive(Clone, Debug)]
pub struct Tree {
    pub root: Vec<Node>,
    pub text: String,
    /// The template's name (`""` for the CLI's formats, `version` for `docker version`).
    pub name: String,
}

pub struct Parser<'a> {
    items: Vec<Item>,
    i: usize,
    vars: Vec<String>,
    funcs: &'a dyn Fn(&str) -> bool,
    range_depth: usize,
    /// Nesting of controls and parentheses, bounded so hostile input cannot exhaust the stack.
    depth: usize,
    /// Line of the last token read, for error messages.
    line: usize,
    name: String,
}

type PResult<T> = Result<T, String>;

/// Deepest nesting of `{{if}}`/`{{range}}`/`{{with}}` and `( )` accepted.
const MAX_NESTING: usize = 100;

/// Parses `text`; `has_func` says which function names exist.
pub fn parse(text: &str, has_func: &dyn Fn(&str) -> bool) -> Result<Tree, String> {
    parse_named("", text, has_func)
}

/// Parses a template called `name` (error messages say `template: NAME:LINE: ...`).
pub fn parse_named(name: &str, text: &str, has_func: &dyn Fn(&str) -> bool) -> Result<Tree, String> {
    let mut p = Parser { items: lex(text), i: 0, vars: vec!["$".into()], funcs: has_func, range_depth: 0, depth: 0, line: 1, name: name.to_string() };
    let root = p.parse_top()?;
    Ok(Tree { root, text: text.to_string(), name: name.to_string() })
}

impl Parser<'_> {
    fn next(&mut self) -> Item {
        let it = match self.items.get(self.i) {
            Some(it) => it.clone(),
            None => self.items.last().cloned().unwrap_or(Item { typ: T::Eof, pos: 0, val: String::new(), line: 1 }),
        };
        if self.i < self.items.len() {
            self.i += 1;
        }
        self.line = it.line;
        it
    }
    fn backup(&mut self) {
        self.i = self.i.saturating_sub(1);
    }
    fn peek(&mut self) -> Item {
        let it = self.next();
        self.backup();
        it
    }
    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != T::Space {
                return t;
            }
        }
    }
    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }
    fn errorf(&self, msg: String) -> String {
        format!("template: {}:{}: {msg}", self.name, self.line)
    }
    fn unexpected<X>(&self, tok: &Item, context: &str) -> PResult<X> {
        if tok.typ == T::Error {
            return Err(self.errorf(tok.val.clone()));
        }
        Err(self.errorf(format!("unexpected {tok} in {context}")))
    }
    fn expect(&mut self, typ: T, context: &str) -> PResult<Item> {
        let t = self.next_non_space();
        if t.typ != typ {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn parse_top(&mut self) -> PResult<Vec<Node>> {
        let mut root = Vec::new();
        while self.peek().typ != T::Eof {
            if self.peek().typ == T::LeftDelim {
                let save = self.i;
                self.next();
                if self.next_non_space().typ == T::Define {
                    return Err(self.errorf("template definitions are not supported here".into()));
                }
                self.i = save;
            }
            let n = self.text_or_action()?;
            match n {
                Node::End { .. } | Node::Else { .. } => return Err(self.errorf(format!("unexpected {n}"))),
                n => root.push(n),
            }
        }
        Ok(root)
    }

    /// Items up to `{{end}}` or `{{else}}`, which is returned separately.
    fn item_list(&mut self) -> PResult<(Vec<Node>, Node)> {
        let mut list = Vec::new();
        while self.peek_non_space().typ != T::Eof {
            let n = self.text_or_action()?;
            match n {
                Node::End { .. } | Node::Else { .. } => return Ok((list, n)),
                n => list.push(n),
            }
        }
        Err(self.errorf("unexpected EOF".into()))
    }

    fn text_or_action(&mut self) -> PResult<Node> {
        let t = self.next_non_space();
        match t.typ {
            T::Text => Ok(Node::Text(t.val)),
            T::LeftDelim => self.action(),
            _ => self.unexpected(&t, "input"),
        }
    }

    fn action(&mut self) -> PResult<Node> {
        let t = self.next_non_space();
        match t.typ {
            T::Block => return Err(self.errorf("block is not supported here".into())),
            T::Break => return self.break_control(t.pos, "break"),
            T::Continue => return self.break_control(t.pos, "continue"),
            T::Else => return self.else_control(),
            T::End => {
                let e = self.expect(T::RightDelim, "end")?;
                return Ok(Node::End { pos: e.pos });
            }
            T::If => {
                let (pos, pipe, list, el) = self.parse_control(true, "if")?;
                return Ok(Node::If { pos, pipe, list, else_list: el });
            }
            T::Range => {
                self.range_depth += 1;
                let r = self.parse_control(false, "range");
                self.range_depth -= 1;
                let (pos, pipe, list, el) = r?;
                return Ok(Node::Range { pos, pipe, list, else_list: el });
            }
            T::Template => {
                let tok = self.next_non_space();
                let name = match tok.typ {
                    T::Str | T::RawString => unquote(&tok.val).map_err(|e| self.errorf(e))?,
                    _ => return self.unexpected(&tok, "template clause"),
                };
                let pipe = if self.next_non_space().typ != T::RightDelim {
                    self.backup();
                    Some(self.pipeline("template clause")?)
                } else {
                    None
                };
                return Ok(Node::Template { pos: tok.pos, name, pipe });
            }
            T::With => {
                let (pos, pipe, list, el) = self.parse_control(false, "with")?;
                return Ok(Node::With { pos, pipe, list, else_list: el });
            }
            _ => {}
        }
        self.backup();
        let tok = self.peek();
        let pipe = self.pipeline("command")?;
        Ok(Node::Action { pos: tok.pos, pipe })
    }

    fn break_control(&mut self, pos: usize, name: &str) -> PResult<Node> {
        let t = self.next_non_space();
        if t.typ != T::RightDelim {
            return self.unexpected(&t, &format!("{{{{{name}}}}}"));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{{{{{name}}}}} outside {{{{range}}}}")));
        }
        Ok(if name == "break" { Node::Break { pos } } else { Node::Continue { pos } })
    }

    fn else_control(&mut self) -> PResult<Node> {
        let p = self.peek_non_space();
        if p.typ == T::If {
            return Ok(Node::Else { pos: p.pos });
        }
        let t = self.expect(T::RightDelim, "else")?;
        Ok(Node::Else { pos: t.pos })
    }

    #[allow(clippy::type_complexity)]
    fn parse_control(&mut self, allow_else_if: bool, context: &str) -> PResult<(usize, Pipe, Vec<Node>, Option<Vec<Node>>)> {
        let nvars = self.vars.len();
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.errorf("nesting too deep".into()));
        }
        let r = self.parse_control_inner(allow_else_if, context);
        self.depth -= 1;
        self.vars.truncate(nvars);
        r
    }

    #[allow(clippy::type_complexity)]
    fn parse_control_inner(&mut self, allow_else_if: bool, context: &str) -> PResult<(usize, Pipe, Vec<Node>, Option<Vec<Node>>)> {
        let pipe = self.pipeline(context)?;
        let (list, next) = self.item_list()?;
        let mut else_list = None;
        if let Node::Else { .. } = next {
            if allow_else_if && self.peek().typ == T::If {
                self.next();
                let (pos, p, l, e) = self.parse_control(true, "if")?;
                else_list = Some(vec![Node::If { pos, pipe: p, list: l, else_list: e }]);
            } else {
                let (el, n2) = self.item_list()?;
                if !matches!(n2, Node::End { .. }) {
                    return Err(self.errorf(format!("expected end; found {n2}")));
                }
                else_list = Some(el);
            }
        }
        Ok((pipe.pos, pipe, list, else_list))
    }

    fn pipeline(&mut self, context: &str) -> PResult<Pipe> {
        let tok = self.peek_non_space();
        let mut pipe = Pipe { pos: tok.pos, is_assign: false, decl: Vec::new(), cmds: Vec::new() };
        // Declarations: `$x :=`, `$i, $v :=`, `$x =`.
        loop {
            let v = self.peek_non_space();
            if v.typ != T::Variable {
                break;
            }
            let save = self.i;
            self.next_non_space();
            let next = self.peek_non_space();
            match next.typ {
                T::Assign | T::Declare => {
                    pipe.is_assign = next.typ == T::Assign;
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val.clone());
                    break;
                }
                T::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(v.val.clone());
                    self.vars.push(v.val.clone());
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().typ {
                            T::Variable | T::RightDelim | T::RightParen => continue,
                            _ => return Err(self.errorf("range can only initialize variables".into())),
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ => {
                    self.i = save;
                    break;
                }
            }
        }
        loop {
            let t = self.next_non_space();
            match t.typ {
                T::RightDelim | T::RightParen => {
                    if pipe.cmds.is_empty() {
                        return Err(self.errorf(format!("missing value for {context}")));
                    }
                    for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
                        if matches!(c.args.first(), Some(Arg::Bool { .. } | Arg::Dot { .. } | Arg::Nil { .. } | Arg::Number { .. } | Arg::Str { .. })) {
                            return Err(self.errorf(format!("non executable command in pipeline stage {}", i + 1)));
                        }
                    }
                    if t.typ == T::RightParen {
                        self.backup();
                    }
                    return Ok(pipe);
                }
                T::Bool
                | T::CharConstant
                | T::Complex
                | T::Dot
                | T::Field
                | T::Identifier
                | T::Number
                | T::Nil
                | T::RawString
                | T::Str
                | T::Variable
                | T::LeftParen => {
                    self.backup();
                    let c = self.command()?;
                    pipe.cmds.push(c);
                }
                _ => return self.unexpected(&t, context),
            }
        }
    }

    fn command(&mut self) -> PResult<Cmd> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Cmd { pos, args: Vec::new() };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let t = self.next();
            match t.typ {
                T::Space => continue,
                T::Error => return Err(self.errorf(t.val)),
                T::RightDelim | T::RightParen => self.backup(),
                T::Pipe => {}
                _ => return Err(self.errorf(format!("unexpected {t} in operand"))),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command".into()));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else { return Ok(None) };
        if self.peek().typ == T::Field {
            let pos = self.peek().pos;
            let mut fields = Vec::new();
            while self.peek().typ == T::Field {
                let f = self.next();
                fields.push(f.val.trim_start_matches('.').to_string());
            }
            return Ok(Some(match node {
                Arg::Field { pos: p, mut idents } => {
                    idents.extend(fields);
                    Arg::Field { pos: p.min(pos), idents }
                }
                Arg::Var { pos: p, mut idents } => {
                    idents.extend(fields);
                    Arg::Var { pos: p.min(pos), idents }
                }
                Arg::Bool { .. } | Arg::Str { .. } | Arg::Number { .. } | Arg::Nil { .. } | Arg::Dot { .. } => {
                    return Err(self.errorf(format!("unexpected . after term {}", go_quote(&node.to_string()))));
                }
                other => Arg::Chain { pos, node: Box::new(other), fields },
            }));
        }
        Ok(Some(node))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space();
        match t.typ {
            T::Error => Err(self.errorf(t.val)),
            T::Identifier => {
                if !(self.funcs)(&t.val) {
                    return Err(self.errorf(format!("function {} not defined", go_quote(&t.val))));
                }
                Ok(Some(Arg::Ident { pos: t.pos, name: t.val }))
            }
            T::Dot => Ok(Some(Arg::Dot { pos: t.pos })),
            T::Nil => Ok(Some(Arg::Nil { pos: t.pos })),
            T::Variable => {
                let idents: Vec<String> = split_var(&t.val);
                let name = idents.first().cloned().unwrap_or_default();
                if !self.vars.contains(&name) {
                    return Err(self.errorf(format!("undefined variable {}", go_quote(&name))));
                }
                Ok(Some(Arg::Var { pos: t.pos, idents }))
            }
            T::Field => Ok(Some(Arg::Field { pos: t.pos, idents: vec![t.val.trim_start_matches('.').to_string()] })),
            T::Bool => Ok(Some(Arg::Bool { pos: t.pos, val: t.val == "true" })),
            T::CharConstant | T::Complex | T::Number => {
                let val = parse_number(&t.val, t.typ).map_err(|e| self.errorf(e))?;
                Ok(Some(Arg::Number { pos: t.pos, text: t.val, val }))
            }
            T::LeftParen => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(self.errorf("nesting too deep".into()));
                }
                let pipe = self.pipeline("parenthesized pipeline");
                self.depth -= 1;
                let pipe = pipe?;
                let t2 = self.next();
                if t2.typ != T::RightParen {
                    return Err(self.errorf(format!("unclosed right paren: unexpected {t2}")));
                }
                Ok(Some(Arg::Pipe(Box::new(pipe))))
            }
            T::Str | T::RawString => {
                let text = unquote(&t.val).map_err(|e| self.errorf(e))?;
                Ok(Some(Arg::Str { pos: t.pos, quoted: t.val, text }))
            }
            _ => {
                self.backup();
                Ok(None)
            }
        }
    }
}

/// `$x.A.B` as idents `["$x", "A", "B"]`.
fn split_var(v: &str) -> Vec<String> {
    v.split('.').map(str::to_string).collect()
}

fn parse_number(text: &str, typ: T) -> Result<Num, String> {
    if typ == T::CharConstant {
        let inner = unquote_char(text).ok_or_else(|| "invalid syntax".to_string())?;
        return Ok(Num::Int(inner as i64));
    }
    if typ == T::Complex {
        return Err(format!("illegal number syntax: {}", go_quote(text)));
    }
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match clean.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, clean.trim_start_matches('+').to_string()),
    };
    let int = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        i64::from_str_radix(b, 2).ok()
    } else if body.len() > 1 && body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit()) {
        i64::from_str_radix(&body[1..], 8).ok()
    } else {
        body.parse::<i64>().ok()
    };
    if let Some(i) = int {
        return Ok(Num::Int(if neg { -i } else { i }));
    }
    match clean.parse::<f64>() {
        Ok(f) if f.is_finite() => {
            if f == f.trunc() && f.abs() < 9.2e18 && !clean.contains(['.', 'e', 'E']) {
                Ok(Num::Int(f as i64))
            } else {
                Ok(Num::Float(f))
            }
        }
        _ => Err(format!("illegal number syntax: {}", go_quote(text))),
    }
}

fn unquote_char(text: &str) -> Option<char> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let s = unquote(&format!("\"{}\"", inner.replace('"', "\\\""))).ok()?;
    let mut cs = s.chars();
    let c = cs.next()?;
    if cs.next().is_some() {
        return None;
    }
    Some(c)
}

/// Go's `strconv.Unquote` for "..." and `...`.
pub fn unquote(s: &str) -> Result<String, String> {
    if let Some(raw) = s.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        return Ok(raw.replace('\r', ""));
    }
    let inner = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')).ok_or_else(|| "invalid syntax".to_string())?;
    let mut out = String::new();
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it.next().ok_or_else(|| "invalid syntax".to_string())?;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let h: String = (0..n).filter_map(|_| it.next()).collect();
                let v = u32::from_str_radix(&h, 16).map_err(|_| "invalid syntax".to_string())?;
                if e == 'x' {
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                } else {
                    out.push(char::from_u32(v).ok_or_else(|| "invalid syntax".to_string())?);
                }
            }
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = it.next().and_then(|c| c.to_digit(8)).ok_or_else(|| "invalid syntax".to_string())?;
                    v = v * 8 + d;
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            _ => return Err("invalid syntax".into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Tree, String> {
        parse(s, &|n| matches!(n, "json" | "index" | "join" | "len" | "eq" | "printf"))
    }

    #[test]
    fn errors_like_go() {
        assert_eq!(p("{{.Nope").err().as_deref(), Some("template: :1: unclosed action"));
        assert_eq!(p("{{nope .}}").err().as_deref(), Some("template: :1: function \"nope\" not defined"));
        assert_eq!(p("{{if .A}}x").err().as_deref(), Some("template: :1: unexpected EOF"));
        assert_eq!(p("{{end}}").err().as_deref(), Some("template: :1: unexpected {{end}}"));
        assert_eq!(p("{{}}").err().as_deref(), Some("template: :1: missing value for command"));
        assert_eq!(p("{{$x}}").err().as_deref(), Some("template: :1: undefined variable \"$x\""));
        assert_eq!(p("{{.A | 3}}").err().as_deref(), Some("template: :1: non executable command in pipeline stage 2"));
        assert_eq!(p("a\n{{.A").err().as_deref(), Some("template: :2: unclosed action"));
    }

    #[test]
    fn node_strings() {
        let t = p("{{range $k, $v := .Labels}}{{json (index . 1)}}{{end}}").expect("parses");
        assert_eq!(t.root[0].to_string(), "{{range $k, $v := .Labels}}{{json (index . 1)}}{{end}}");
    }
}
