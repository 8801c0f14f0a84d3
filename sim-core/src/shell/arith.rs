//! Arithmetic expansion `$(( EXPR ))`: bash's `expr.c` evaluator (64-bit integers that
//! wrap, C's operators and precedence, `**`, assignments, `++`/`--`, `,`, `?:`, variables
//! evaluated as expressions of their own) with its error words and "error token", and busybox
//! ash's shorter messages (`divide by zero`, `arithmetic syntax error`).
//!
//! Like bash, it evaluates while it parses, with one token of lookahead: the "error token"
//! bash prints is the text from the start of the last token read to the end.

/// How deeply variables may name expressions naming variables. bash allows 1024; each
/// level here is a new evaluator on the stack, so fewer.
const MAX_RECURSION: usize = 32;
/// How deeply operators and parentheses may nest in one expression.
const MAX_NEST: usize = 32;

/// What went wrong, in bash's words and in ash's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArithError {
    /// The expression that failed (for a variable's value: that value).
    pub expr: String,
    /// bash's message, e.g. `division by 0`.
    pub msg: &'static str,
    /// The rest of the expression from the token that failed.
    pub token: String,
}

impl ArithError {
    /// `EXPR: MSG (error token is "TOKEN")`, after bash's `NAME: `.
    pub fn bash(&self) -> String {
        format!("{}: {} (error token is \"{}\")", self.expr, self.msg, self.token)
    }
    /// busybox ash's message (math.c's error strings).
    pub fn ash(&self) -> &'static str {
        match self.msg {
            DIV0 => "divide by zero",
            EXP_NEG => "exponent less than 0",
            COLON => "malformed ?: operator",
            _ => "arithmetic syntax error",
        }
    }
}

const DIV0: &str = "division by 0";
const EXP_NEG: &str = "exponent less than 0";
const COLON: &str = "`:' expected for conditional expression";
const OPERAND: &str = "syntax error: operand expected";
const IN_EXPR: &str = "syntax error in expression";
const BAD_OP: &str = "syntax error: invalid arithmetic operator";
const TOO_GREAT: &str = "value too great for base";
const BAD_BASE: &str = "invalid arithmetic base";
const NON_VAR: &str = "attempted assignment to non-variable";
const MISSING_PAREN: &str = "missing `)'";
const RECURSION: &str = "expression recursion level exceeded";

/// The shell variables an expression reads and assigns.
pub trait Vars {
    fn get(&self, name: &str) -> Option<String>;
    fn set(&mut self, name: &str, value: String);
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(i64),
    /// A variable name; `Some(op)` when it is followed by an assignment operator
    /// (`=`, `+=`, ...), whose operator is given without the `=`.
    Ident(String),
    /// `VAR++` / `VAR--`.
    PostInc(String, i64),
    PreInc,
    PreDec,
    Op(&'static str),
    LParen,
    RParen,
    Eof,
}

struct Eval<'a> {
    s: Vec<char>,
    text: String,
    /// Where the next token starts.
    tp: usize,
    /// Where the last token read started.
    lasttp: usize,
    tok: Tok,
    /// Inside the branch `&&`, `||` or `?:` does not take: parsed, not evaluated.
    noeval: u32,
    /// ash evaluates both sides of `&&`, `||` and `?:`.
    eval_all: bool,
    vars: &'a mut dyn Vars,
    depth: usize,
    /// How deep unary operators and parentheses are nested here.
    nest: usize,
}

/// Evaluates `expr` (already expanded: `$x` and `$(cmd)` replaced) as bash does.
pub fn eval(expr: &str, vars: &mut dyn Vars, eval_all: bool) -> Result<i64, ArithError> {
    eval_depth(expr, vars, eval_all, 0)
}

fn eval_depth(expr: &str, vars: &mut dyn Vars, eval_all: bool, depth: usize) -> Result<i64, ArithError> {
    let text = expr.trim_start_matches([' ', '\t', '\n']).to_string();
    let mut e = Eval { s: text.chars().collect(), text: text.clone(), tp: 0, lasttp: 0, tok: Tok::Eof, noeval: 0, eval_all, vars, depth, nest: 0 };
    if depth > MAX_RECURSION {
        return Err(e.err(RECURSION));
    }
    e.next()?;
    if e.tok == Tok::Eof {
        return Ok(0);
    }
    let v = e.comma()?;
    if e.tok != Tok::Eof {
        return Err(e.err(IN_EXPR));
    }
    Ok(v)
}

const ASSIGN_OPS: &[&str] = &["*", "/", "%", "+", "-", "<<", ">>", "&", "^", "|"];

impl Eval<'_> {
    fn err(&self, msg: &'static str) -> ArithError {
        ArithError { expr: self.text.clone(), msg, token: self.s[self.lasttp.min(self.s.len())..].iter().collect() }
    }

    fn peek(&self, off: usize) -> Option<char> {
        self.s.get(self.tp + off).copied()
    }

    /// bash's `readtok`.
    fn next(&mut self) -> Result<(), ArithError> {
        while matches!(self.peek(0), Some(' ' | '\t' | '\n')) {
            self.tp += 1;
        }
        let Some(c) = self.peek(0) else {
            self.tok = Tok::Eof;
            return Ok(());
        };
        self.lasttp = self.tp;
        if c.is_ascii_alphabetic() || c == '_' {
            let start = self.tp;
            while matches!(self.peek(0), Some(c) if c.is_ascii_alphanumeric() || c == '_') {
                self.tp += 1;
            }
            let name: String = self.s[start..self.tp].iter().collect();
            // `VAR++` and `VAR--` (not `VAR+ +`).
            let save = self.tp;
            while matches!(self.peek(0), Some(' ' | '\t' | '\n')) {
                self.tp += 1;
            }
            match (self.peek(0), self.peek(1)) {
                (Some('+'), Some('+')) | (Some('-'), Some('-')) => {
                    let d = if self.peek(0) == Some('+') { 1 } else { -1 };
                    self.tp += 2;
                    self.tok = Tok::PostInc(name, d);
                }
                _ => {
                    self.tp = save;
                    self.tok = Tok::Ident(name);
                }
            }
            return Ok(());
        }
        if c.is_ascii_digit() {
            let start = self.tp;
            while matches!(self.peek(0), Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '#' || c == '@') {
                self.tp += 1;
            }
            let text: String = self.s[start..self.tp].iter().collect();
            self.tok = Tok::Num(self.number(&text)?);
            return Ok(());
        }
        self.tp += 1;
        let n = self.peek(0);
        let two = |a: char, b: char| c == a && n == Some(b);
        let op: &'static str = if two('*', '*') {
            "**"
        } else if two('<', '<') {
            "<<"
        } else if two('>', '>') {
            ">>"
        } else if two('<', '=') {
            "<="
        } else if two('>', '=') {
            ">="
        } else if two('=', '=') {
            "=="
        } else if two('!', '=') {
            "!="
        } else if two('&', '&') {
            "&&"
        } else if two('|', '|') {
            "||"
        } else if (two('+', '+') || two('-', '-')) && self.ident_follows(1) {
            self.tp += 1;
            self.tok = if c == '+' { Tok::PreInc } else { Tok::PreDec };
            return Ok(());
        } else {
            let one = match c {
                '(' => {
                    self.tok = Tok::LParen;
                    return Ok(());
                }
                ')' => {
                    self.tok = Tok::RParen;
                    return Ok(());
                }
                '+' => "+",
                '-' => "-",
                '*' => "*",
                '/' => "/",
                '%' => "%",
                '<' => "<",
                '>' => ">",
                '=' => "=",
                '!' => "!",
                '~' => "~",
                '&' => "&",
                '|' => "|",
                '^' => "^",
                '?' => "?",
                ':' => ":",
                ',' => ",",
                _ => return Err(self.err(BAD_OP)),
            };
            self.tok = Tok::Op(one);
            return Ok(());
        };
        self.tp += 1;
        self.tok = Tok::Op(op);
        Ok(())
    }

    /// After `++`/`--` at `tp - 1 + off`: does a name follow (then it is a pre-increment)?
    fn ident_follows(&self, off: usize) -> bool {
        let mut i = self.tp + off;
        while matches!(self.s.get(i), Some(' ' | '\t' | '\n')) {
            i += 1;
        }
        matches!(self.s.get(i), Some(c) if c.is_ascii_alphabetic() || *c == '_')
    }

    /// bash's `strlong`: decimal, `0x` hex, `0` octal, `BASE#DIGITS`.
    fn number(&self, text: &str) -> Result<i64, ArithError> {
        let (base, digits) = if let Some((b, d)) = text.split_once('#') {
            match b.parse::<i64>() {
                Ok(b) if (2..=64).contains(&b) => (b, d),
                _ => return Err(self.err(BAD_BASE)),
            }
        } else if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (16, h)
        } else if text.len() > 1 && text.starts_with('0') {
            (8, &text[1..])
        } else {
            (10, text)
        };
        let mut v: i64 = 0;
        for c in digits.chars() {
            let d = match c {
                '0'..='9' => c as i64 - '0' as i64,
                'a'..='z' => c as i64 - 'a' as i64 + 10,
                'A'..='Z' if base <= 36 => c as i64 - 'A' as i64 + 10,
                'A'..='Z' => c as i64 - 'A' as i64 + 36,
                '@' => 62,
                '_' => 63,
                _ => 99,
            };
            if d >= base {
                return Err(self.err(TOO_GREAT));
            }
            v = v.wrapping_mul(base).wrapping_add(d);
        }
        Ok(v)
    }

    fn evaluating(&self) -> bool {
        self.noeval == 0
    }

    fn var(&mut self, name: &str) -> Result<i64, ArithError> {
        if !self.evaluating() {
            return Ok(0);
        }
        match self.vars.get(name) {
            Some(v) if !v.trim().is_empty() => eval_depth(&v, self.vars, self.eval_all, self.depth + 1),
            _ => Ok(0),
        }
    }

    fn assign(&mut self, name: &str, v: i64) {
        if self.evaluating() {
            self.vars.set(name, v.to_string());
        }
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.tok, Tok::Op(o) if o == op)
    }

    fn comma(&mut self) -> Result<i64, ArithError> {
        let mut v = self.assignment()?;
        while self.is_op(",") {
            self.next()?;
            v = self.assignment()?;
        }
        Ok(v)
    }

    fn assignment(&mut self) -> Result<i64, ArithError> {
        // `NAME = ...` and `NAME op= ...`: look at what follows a name without consuming it.
        if let Tok::Ident(name) = self.tok.clone() {
            let save = (self.tp, self.lasttp);
            let mut i = self.tp;
            while matches!(self.s.get(i), Some(' ' | '\t' | '\n')) {
                i += 1;
            }
            let rest: String = self.s[i..].iter().take(3).collect();
            let op = if rest.starts_with('=') && !rest.starts_with("==") {
                Some(("", i + 1))
            } else {
                ASSIGN_OPS.iter().find(|o| rest.starts_with(&format!("{o}="))).map(|o| (*o, i + o.len() + 1))
            };
            if let Some((op, after)) = op {
                self.lasttp = i;
                self.tp = after;
                self.next()?;
                let rhs = self.assignment()?;
                let v = if op.is_empty() {
                    rhs
                } else {
                    let lhs = self.var(&name)?;
                    self.binary(op, lhs, rhs)?
                };
                self.assign(&name, v);
                return Ok(v);
            }
            (self.tp, self.lasttp) = save;
        }
        let v = self.conditional()?;
        if self.is_op("=") {
            return Err(self.err(NON_VAR));
        }
        Ok(v)
    }

    fn conditional(&mut self) -> Result<i64, ArithError> {
        let c = self.logical_or()?;
        if !self.is_op("?") {
            return Ok(c);
        }
        self.next()?;
        let skip_then = c == 0 && !self.eval_all;
        if skip_then {
            self.noeval += 1;
        }
        let a = self.comma()?;
        if skip_then {
            self.noeval -= 1;
        }
        if !self.is_op(":") {
            return Err(self.err(COLON));
        }
        self.next()?;
        let skip_else = c != 0 && !self.eval_all;
        if skip_else {
            self.noeval += 1;
        }
        let b = self.conditional()?;
        if skip_else {
            self.noeval -= 1;
        }
        Ok(if c != 0 { a } else { b })
    }

    fn logical_or(&mut self) -> Result<i64, ArithError> {
        let mut v = self.logical_and()?;
        while self.is_op("||") {
            self.next()?;
            let skip = v != 0 && !self.eval_all;
            if skip {
                self.noeval += 1;
            }
            let r = self.logical_and()?;
            if skip {
                self.noeval -= 1;
            }
            v = (v != 0 || r != 0) as i64;
        }
        Ok(v)
    }

    fn logical_and(&mut self) -> Result<i64, ArithError> {
        let mut v = self.level(0)?;
        while self.is_op("&&") {
            self.next()?;
            let skip = v == 0 && !self.eval_all;
            if skip {
                self.noeval += 1;
            }
            let r = self.level(0)?;
            if skip {
                self.noeval -= 1;
            }
            v = (v != 0 && r != 0) as i64;
        }
        Ok(v)
    }

    /// The left-associative binary levels from `|` down to `*`.
    fn level(&mut self, n: usize) -> Result<i64, ArithError> {
        const LEVELS: &[&[&str]] = &[&["|"], &["^"], &["&"], &["==", "!="], &["<", ">", "<=", ">="], &["<<", ">>"], &["+", "-"], &["*", "/", "%"]];
        let Some(ops) = LEVELS.get(n) else { return self.power() };
        let mut v = self.level(n + 1)?;
        while let Tok::Op(op) = self.tok {
            if !ops.contains(&op) {
                break;
            }
            // bash blames a division by 0 on what follows the operator.
            let stp = self.tp;
            self.next()?;
            let r = self.level(n + 1)?;
            v = self.binary(op, v, r).map_err(|mut e| {
                if e.msg == DIV0 {
                    let mut t = stp;
                    while matches!(self.s.get(t), Some(' ' | '\t' | '\n')) {
                        t += 1;
                    }
                    e.token = self.s[t.min(self.s.len())..].iter().collect();
                }
                e
            })?;
        }
        Ok(v)
    }

    fn binary(&self, op: &str, a: i64, b: i64) -> Result<i64, ArithError> {
        if !self.evaluating() {
            return Ok(0);
        }
        Ok(match op {
            "|" => a | b,
            "^" => a ^ b,
            "&" => a & b,
            "==" => (a == b) as i64,
            "!=" => (a != b) as i64,
            "<" => (a < b) as i64,
            ">" => (a > b) as i64,
            "<=" => (a <= b) as i64,
            ">=" => (a >= b) as i64,
            "<<" => a.wrapping_shl(b as u32),
            ">>" => a.wrapping_shr(b as u32),
            "+" => a.wrapping_add(b),
            "-" => a.wrapping_sub(b),
            "*" => a.wrapping_mul(b),
            "/" | "%" => {
                if b == 0 {
                    return Err(self.err(DIV0));
                }
                if op == "/" {
                    a.wrapping_div(b)
                } else {
                    a.wrapping_rem(b)
                }
            }
            _ => 0,
        })
    }

    /// `**`, right-associative, above the unary operators' results.
    fn power(&mut self) -> Result<i64, ArithError> {
        let base = self.unary()?;
        if !self.is_op("**") {
            return Ok(base);
        }
        self.next()?;
        self.nest += 1;
        if self.nest > MAX_NEST {
            return Err(self.err(RECURSION));
        }
        let exp = self.power();
        self.nest -= 1;
        let exp = exp?;
        if !self.evaluating() {
            return Ok(0);
        }
        if exp < 0 {
            return Err(self.err(EXP_NEG));
        }
        let mut v: i64 = 1;
        for _ in 0..exp.min(64) {
            v = v.wrapping_mul(base);
        }
        // Beyond 64 factors only 0, 1 and -1 keep a value that is not 0 after wrapping.
        if exp > 64 {
            v = match base {
                1 => 1,
                -1 => if exp % 2 == 0 { 1 } else { -1 },
                _ => 0,
            };
        }
        Ok(v)
    }

    fn unary(&mut self) -> Result<i64, ArithError> {
        // Unary operators and parentheses nest by recursion: a bound keeps the stack small.
        self.nest += 1;
        if self.nest > MAX_NEST {
            return Err(self.err(RECURSION));
        }
        let v = self.unary_inner();
        self.nest -= 1;
        v
    }

    fn unary_inner(&mut self) -> Result<i64, ArithError> {
        match self.tok.clone() {
            Tok::Op("!") => {
                self.next()?;
                Ok((self.unary()? == 0) as i64)
            }
            Tok::Op("~") => {
                self.next()?;
                Ok(!self.unary()?)
            }
            Tok::Op("-") => {
                self.next()?;
                Ok(self.unary()?.wrapping_neg())
            }
            Tok::Op("+") => {
                self.next()?;
                self.unary()
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<i64, ArithError> {
        match self.tok.clone() {
            Tok::PreInc | Tok::PreDec => {
                let d = if self.tok == Tok::PreInc { 1 } else { -1 };
                self.next()?;
                let Tok::Ident(name) = self.tok.clone() else { return Err(self.err(OPERAND)) };
                let v = self.var(&name)?.wrapping_add(d);
                self.assign(&name, v);
                self.next()?;
                Ok(v)
            }
            Tok::LParen => {
                self.next()?;
                let v = self.comma()?;
                if self.tok != Tok::RParen {
                    return Err(self.err(MISSING_PAREN));
                }
                self.next()?;
                Ok(v)
            }
            Tok::Num(n) => {
                self.next()?;
                Ok(n)
            }
            Tok::Ident(name) => {
                let v = self.var(&name)?;
                self.next()?;
                Ok(v)
            }
            Tok::PostInc(name, d) => {
                let v = self.var(&name)?;
                self.assign(&name, v.wrapping_add(d));
                self.next()?;
                Ok(v)
            }
            _ => Err(self.err(OPERAND)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct V(Vec<(String, String)>);
    impl Vars for V {
        fn get(&self, name: &str) -> Option<String> {
            self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        }
        fn set(&mut self, name: &str, value: String) {
            self.0.retain(|(n, _)| n != name);
            self.0.push((name.to_string(), value));
        }
    }

    fn ev(s: &str) -> Result<i64, String> {
        eval(s, &mut V::default(), false).map_err(|e| e.bash())
    }

    #[test]
    fn values_as_bash_computes_them() {
        assert_eq!(ev("2**10"), Ok(1024));
        assert_eq!(ev("-7/2"), Ok(-3));
        assert_eq!(ev("-7%3"), Ok(-1));
        assert_eq!(ev("2 ** 3 ** 2"), Ok(512));
        assert_eq!(ev("-2 ** 2"), Ok(4));
        assert_eq!(ev("0x10 + 010 + 2#101"), Ok(29));
        assert_eq!(ev("1 < 2 && 3 >= 3"), Ok(1));
        assert_eq!(ev("~0"), Ok(-1));
        assert_eq!(ev("-8 >> 1"), Ok(-4));
        assert_eq!(ev("0 ? 1/0 : 2"), Ok(2));
        assert_eq!(ev("9223372036854775807 + 1"), Ok(i64::MIN));
        assert_eq!(ev("  "), Ok(0));
        let mut v = V::default();
        assert_eq!(eval("x=3, x+1", &mut v, false), Ok(4));
        assert_eq!(eval("x++ + ++x", &mut v, false), Ok(8));
        assert_eq!(v.get("x").as_deref(), Some("5"));
        v.set("y", "1+2".into());
        assert_eq!(eval("y*2", &mut v, false), Ok(6));
    }

    #[test]
    fn errors_as_bash_words_them() {
        assert_eq!(ev("1/0").unwrap_err(), "1/0: division by 0 (error token is \"0\")");
        assert_eq!(ev(" 1 / 0 ").unwrap_err(), "1 / 0 : division by 0 (error token is \"0 \")");
        assert_eq!(ev("1/0+5").unwrap_err(), "1/0+5: division by 0 (error token is \"0+5\")");
        assert_eq!(ev("1+").unwrap_err(), "1+: syntax error: operand expected (error token is \"+\")");
        assert_eq!(ev("*2").unwrap_err(), "*2: syntax error: operand expected (error token is \"*2\")");
        assert_eq!(ev("a b c").unwrap_err(), "a b c: syntax error in expression (error token is \"b c\")");
        assert_eq!(ev("08").unwrap_err(), "08: value too great for base (error token is \"08\")");
        assert_eq!(ev("1.5").unwrap_err(), "1.5: syntax error: invalid arithmetic operator (error token is \".5\")");
        assert_eq!(ev("3=4").unwrap_err(), "3=4: attempted assignment to non-variable (error token is \"=4\")");
        assert_eq!(ev("2**-1").unwrap_err(), "2**-1: exponent less than 0 (error token is \"1\")");
        assert_eq!(ev("--").unwrap_err(), "--: syntax error: operand expected (error token is \"-\")");
        assert_eq!(ev("1 ? 2").unwrap_err(), "1 ? 2: `:' expected for conditional expression (error token is \"2\")");
        assert_eq!(ev("x = ").unwrap_err(), "x = : syntax error: operand expected (error token is \"= \")");
        assert!(eval("0 && 1/0", &mut V::default(), true).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_an_overflow() {
        assert!(ev(&format!("{}1{}", "(".repeat(5000), ")".repeat(5000))).is_err());
        assert!(ev(&format!("{}1", "-".repeat(5000))).is_err());
        assert!(ev(&"2**".repeat(5000)).is_err());
        let mut v = V::default();
        v.set("x", "x".into());
        assert!(eval("x", &mut v, false).is_err());
    }
}
