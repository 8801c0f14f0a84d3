//! The shell grammar we accept: POSIX's, without functions and here-documents.
//!
//! `list := and_or ((';' | '&' | NEWLINE) and_or)*`,
//! `and_or := pipeline (('&&' | '||') pipeline)*`, `pipeline := ['!'] command ('|' command)*`,
//! `command := simple | compound redirect*`, `simple := (assignment | word | redirect)+`,
//! `compound := { list } | ( list ) | for | while | until | if | case`.
//! Words keep their quoting so expansion can happen when the command runs, as in a real
//! shell (`export A=1; echo $A` prints 1). Reserved words are words in a command's first
//! place; the tokens are `lex.rs`'s.

/// A piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Literal text; `quoted` text is exempt from field splitting and globbing.
    Lit { text: String, quoted: bool },
    /// `$NAME`, `${NAME}`, `$?`, `$$`, `$#`, `$0`..`$9`.
    Var { name: String, quoted: bool },
    /// A leading unquoted `~` (or `~user`).
    Tilde(String),
    /// `$(COMMANDS)` or `` `COMMANDS` ``: replaced by what the commands print, trailing
    /// newlines removed.
    Cmd { text: String, quoted: bool },
    /// `$(( EXPR ))` (and bash's `$[ EXPR ]`): EXPR is expanded, then evaluated.
    Arith { text: Word, quoted: bool },
    /// `${NAME<op>...}`, `${#NAME}`.
    Param { name: String, op: Box<ParamOp>, quoted: bool },
}

/// What a `${...}` does with its parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamOp {
    /// `${#NAME}`
    Length,
    /// `${NAME:-WORD}` (`colon`), `${NAME-WORD}`
    Default { colon: bool, word: Word },
    /// `${NAME:=WORD}`, `${NAME=WORD}`
    Assign { colon: bool, word: Word },
    /// `${NAME:+WORD}`, `${NAME+WORD}`
    Alt { colon: bool, word: Word },
    /// `${NAME:?WORD}`, `${NAME?WORD}`
    Error { colon: bool, word: Word },
    /// `${NAME#PAT}`, `${NAME##PAT}`
    TrimPrefix { longest: bool, pat: Word },
    /// `${NAME%PAT}`, `${NAME%%PAT}`
    TrimSuffix { longest: bool, pat: Word },
    /// `${NAME:OFFSET}`, `${NAME:OFFSET:LENGTH}` (arithmetic texts)
    Substr { off: Word, len: Option<Word> },
    /// Not a substitution the shell knows: `${}`, `${x;}` (the whole text).
    Bad(String),
}

pub type Word = Vec<Part>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirKind {
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `<`
    In,
    /// `N>&M`
    Dup(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redir {
    pub fd: u32,
    pub kind: RedirKind,
    pub target: Word,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleCmd {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

/// A command of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Simple(SimpleCmd),
    /// A compound command and the redirections after it (`done > file`).
    Compound(Box<Compound>, Vec<Redir>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Compound {
    /// `{ LIST; }`
    Brace(Script),
    /// `( LIST )`: run in a forked shell.
    Subshell(Script),
    /// `for NAME [in WORDS]; do BODY; done` (no `in`: the positional parameters).
    For { var: String, words: Option<Vec<Word>>, body: Script },
    /// `while COND; do BODY; done`, `until` when `until`.
    Loop { until: bool, cond: Script, body: Script },
    /// `if C; then B; elif C; then B; else E; fi`
    If { arms: Vec<(Script, Script)>, otherwise: Option<Script> },
    /// `case WORD in PAT|PAT) BODY;; esac`
    Case { word: Word, arms: Vec<CaseArm> },
    /// bash's `(( EXPR ))`: status 0 when EXPR is not 0.
    Arith(String),
    /// bash's `for (( INIT; COND; STEP )); do BODY; done`
    ArithFor { init: String, cond: String, step: String, body: Script },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseArm {
    pub patterns: Vec<Word>,
    pub body: Script,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub negate: bool,
    pub cmds: Vec<Command>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Connector, Pipeline)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// Each item and whether it was put in the background with `&`.
    pub items: Vec<(AndOr, bool)>,
}

/// A syntax error, worded as bash words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// `syntax error near unexpected token `X'` (ash: `unexpected "X"`)
    UnexpectedToken(String),
    /// A plain word where it cannot be: bash names it, ash says `unexpected word`.
    UnexpectedWord(String),
    /// A token where a reserved word must be: ash also says which (`unexpected "done"
    /// (expecting "do")`).
    Expecting(String, &'static str),
    /// `unexpected EOF while looking for matching `X'` then `syntax error: unexpected end of file`
    UnmatchedQuote(char),
    /// `syntax error: unexpected end of file` (a line ending in `|`, `&&`, `||`)
    UnexpectedEof,
    /// A compound command the line leaves open: `syntax error: unexpected end of file`;
    /// ash adds what it was expecting (`(expecting "done")`) when not interactive.
    Unterminated(&'static str),
    /// `for 1 in ...`: bash `` `1': not a valid identifier ``, ash `bad for loop variable`.
    BadForVar(String),
}

impl SyntaxError {
    /// The lines bash prints, each to be prefixed with the shell's name.
    pub fn lines(&self) -> Vec<String> {
        match self {
            SyntaxError::UnexpectedToken(t) | SyntaxError::UnexpectedWord(t) | SyntaxError::Expecting(t, _) => {
                vec![format!("syntax error near unexpected token `{t}'")]
            }
            SyntaxError::UnmatchedQuote(q) => vec![
                format!("unexpected EOF while looking for matching `{q}'"),
                "syntax error: unexpected end of file".to_string(),
            ],
            SyntaxError::UnexpectedEof | SyntaxError::Unterminated(_) => vec!["syntax error: unexpected end of file".to_string()],
            SyntaxError::BadForVar(v) => vec![format!("`{v}': not a valid identifier")],
        }
    }

    /// The text ends before the command does: more lines could complete it.
    pub fn incomplete(&self) -> bool {
        matches!(self, SyntaxError::UnmatchedQuote(_) | SyntaxError::UnexpectedEof | SyntaxError::Unterminated(_))
    }
}

use super::lex::{is_name_char, is_name_start, tokenize, tokenize_with, Tok};

/// How deeply compound commands may nest.
const MAX_DEPTH: usize = 64;

const RESERVED: &[&str] = &["if", "then", "elif", "else", "fi", "for", "in", "while", "until", "do", "done", "case", "esac", "{", "}", "!"];

/// The text of a word as typed, for messages.
fn word_text(w: &Word) -> String {
    w.iter()
        .map(|p| match p {
            Part::Lit { text, .. } => text.clone(),
            Part::Var { name, .. } => format!("${name}"),
            _ => String::new(),
        })
        .collect()
}

/// A word that is all unquoted literal text.
fn plain(w: &Word) -> Option<&str> {
    match w.as_slice() {
        [Part::Lit { text, quoted: false }] => Some(text.as_str()),
        _ => None,
    }
}

fn op_name(t: &Tok) -> SyntaxError {
    SyntaxError::UnexpectedToken(match t {
        Tok::Op("\n") => "newline".into(),
        Tok::Op(o) => o.to_string(),
        Tok::Redir(_, RedirKind::Append) => ">>".into(),
        Tok::Redir(_, RedirKind::In) => "<".into(),
        Tok::Redir(..) => ">".into(),
        Tok::Arith(_) => "((".into(),
        Tok::Word(w) => match plain(w) {
            Some(r) if RESERVED.contains(&r) => r.to_string(),
            _ => return SyntaxError::UnexpectedWord(word_text(w)),
        },
    })
}

struct Parser<'a> {
    toks: Vec<Tok>,
    i: usize,
    /// `alias NAME=VALUE`s to expand in a command's first place.
    aliases: &'a [(String, String)],
    /// How deeply lists are nested here (compound commands nest by recursion).
    depth: usize,
}

impl Parser<'_> {
    /// Replaces an alias in a command's first place by its value's tokens (again while the
    /// first word is another alias, never the same one twice).
    fn expand_alias(&mut self) -> Result<(), SyntaxError> {
        let mut seen: Vec<String> = Vec::new();
        while seen.len() < 16 {
            let Some(Tok::Word(w)) = self.peek() else { break };
            let Some(name) = plain(w) else { break };
            if seen.iter().any(|s| s == name) {
                break;
            }
            let Some((_, value)) = self.aliases.iter().find(|(n, _)| n == name) else { break };
            let toks = tokenize(value)?;
            seen.push(name.to_string());
            self.toks.splice(self.i..self.i + 1, toks);
        }
        Ok(())
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }

    /// The reserved word at this place, if the token is one.
    fn reserved(&self) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Word(w)) => plain(w).and_then(|t| RESERVED.iter().find(|r| **r == t).copied()),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while self.is_op("\n") {
            self.i += 1;
        }
    }

    /// The error for the token here: an unexpected one, or the end of the text while
    /// `open` was still to come.
    fn unexpected(&self, open: &'static str) -> SyntaxError {
        match self.peek() {
            None => SyntaxError::Unterminated(open),
            Some(t) => op_name(t),
        }
    }

    /// Takes the reserved word `word`, which must be here.
    fn expect(&mut self, word: &'static str) -> Result<(), SyntaxError> {
        if self.reserved() == Some(word) {
            self.i += 1;
            return Ok(());
        }
        Err(match self.unexpected(word) {
            SyntaxError::UnexpectedToken(t) => SyntaxError::Expecting(t, word),
            e => e,
        })
    }

    /// A list up to a token that cannot continue it (a closing word, `)`, `;;`, the end).
    fn list(&mut self) -> Result<Script, SyntaxError> {
        // A bound on nesting keeps the stack small (no one nests compounds this deep).
        if self.depth > MAX_DEPTH {
            return Err(match self.peek() {
                Some(t) => op_name(t),
                None => SyntaxError::UnexpectedEof,
            });
        }
        self.depth += 1;
        let r = self.list_inner();
        self.depth -= 1;
        r
    }

    fn list_inner(&mut self) -> Result<Script, SyntaxError> {
        let mut script = Script::default();
        loop {
            self.skip_newlines();
            match self.peek() {
                None | Some(Tok::Op(")" | ";;")) => break,
                _ if matches!(self.reserved(), Some("then" | "elif" | "else" | "fi" | "do" | "done" | "esac" | "}")) => break,
                _ => {}
            }
            let ao = self.and_or()?;
            match self.peek() {
                Some(Tok::Op(op @ (";" | "&" | "\n"))) => {
                    let background = *op == "&";
                    self.i += 1;
                    script.items.push((ao, background));
                }
                _ => {
                    script.items.push((ao, false));
                    break;
                }
            }
        }
        Ok(script)
    }

    /// A list that must have a command, ended by one of the words the construct allows.
    fn body(&mut self, open: &'static str) -> Result<Script, SyntaxError> {
        let s = self.list()?;
        if s.items.is_empty() {
            return Err(self.unexpected(open));
        }
        Ok(s)
    }

    fn and_or(&mut self) -> Result<AndOr, SyntaxError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        while let Some(Tok::Op(op @ ("&&" | "||"))) = self.peek() {
            let conn = if *op == "&&" { Connector::And } else { Connector::Or };
            self.i += 1;
            self.skip_newlines();
            if self.peek().is_none() {
                return Err(SyntaxError::UnexpectedEof);
            }
            rest.push((conn, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        let mut negate = false;
        while self.reserved() == Some("!") {
            negate = !negate;
            self.i += 1;
        }
        let mut cmds = vec![self.command()?];
        while self.is_op("|") {
            self.i += 1;
            self.skip_newlines();
            if self.peek().is_none() {
                return Err(SyntaxError::UnexpectedEof);
            }
            cmds.push(self.command()?);
        }
        Ok(Pipeline { negate, cmds })
    }

    fn command(&mut self) -> Result<Command, SyntaxError> {
        if !self.aliases.is_empty() {
            self.expand_alias()?;
        }
        let compound = match self.reserved() {
            Some("{") => {
                self.i += 1;
                let body = self.body("}")?;
                self.expect("}")?;
                Compound::Brace(body)
            }
            Some("if") => self.if_clause()?,
            Some("for") => self.for_clause()?,
            Some(w @ ("while" | "until")) => {
                self.i += 1;
                let cond = self.body("do")?;
                self.expect("do")?;
                let body = self.body("done")?;
                self.expect("done")?;
                Compound::Loop { until: w == "until", cond, body }
            }
            Some("case") => self.case_clause()?,
            None if matches!(self.peek(), Some(Tok::Arith(_))) => {
                let Some(Tok::Arith(text)) = self.peek().cloned() else { return Err(SyntaxError::UnexpectedEof) };
                self.i += 1;
                Compound::Arith(text)
            }
            Some("in") => return self.simple().map(Command::Simple),
            Some(_) => return Err(self.unexpected("")),
            None if self.is_op("(") => {
                self.i += 1;
                let body = self.list()?;
                if body.items.is_empty() || !self.is_op(")") {
                    return Err(self.unexpected(")"));
                }
                self.i += 1;
                Compound::Subshell(body)
            }
            None => return self.simple().map(Command::Simple),
        };
        let mut redirs = Vec::new();
        while let Some(Tok::Redir(..)) = self.peek() {
            self.redir(&mut redirs)?;
        }
        Ok(Command::Compound(Box::new(compound), redirs))
    }

    fn if_clause(&mut self) -> Result<Compound, SyntaxError> {
        self.i += 1;
        let mut arms = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.body("then")?;
            self.expect("then")?;
            let then = self.body("fi")?;
            arms.push((cond, then));
            match self.reserved() {
                Some("elif") => self.i += 1,
                Some("else") => {
                    self.i += 1;
                    otherwise = Some(self.body("fi")?);
                    self.expect("fi")?;
                    break;
                }
                _ => {
                    self.expect("fi")?;
                    break;
                }
            }
        }
        Ok(Compound::If { arms, otherwise })
    }

    fn for_clause(&mut self) -> Result<Compound, SyntaxError> {
        self.i += 1;
        if let Some(Tok::Arith(text)) = self.peek().cloned() {
            // `for (( INIT; COND; STEP ))`
            self.i += 1;
            let parts: Vec<&str> = text.split(';').collect();
            let [init, cond, step] = parts.as_slice() else { return Err(SyntaxError::UnexpectedToken("((".into())) };
            if self.is_op(";") {
                self.i += 1;
            }
            self.skip_newlines();
            self.expect("do")?;
            let body = self.body("done")?;
            self.expect("done")?;
            return Ok(Compound::ArithFor { init: init.to_string(), cond: cond.to_string(), step: step.to_string(), body });
        }
        let var = match self.peek() {
            Some(Tok::Word(w)) => word_text(w),
            _ => return Err(self.unexpected("do")),
        };
        self.i += 1;
        self.skip_newlines();
        let mut words = None;
        if self.reserved() == Some("in") {
            self.i += 1;
            let mut ws = Vec::new();
            while let Some(Tok::Word(w)) = self.peek() {
                ws.push(w.clone());
                self.i += 1;
            }
            match self.peek() {
                Some(Tok::Op(";" | "\n")) => self.i += 1,
                _ => return Err(self.unexpected("do")),
            }
            words = Some(ws);
        } else if self.is_op(";") {
            self.i += 1;
        }
        self.skip_newlines();
        if !(var.chars().next().map(is_name_start).unwrap_or(false) && var.chars().all(is_name_char)) {
            return Err(SyntaxError::BadForVar(var));
        }
        self.expect("do")?;
        let body = self.body("done")?;
        self.expect("done")?;
        Ok(Compound::For { var, words, body })
    }

    fn case_clause(&mut self) -> Result<Compound, SyntaxError> {
        self.i += 1;
        let word = match self.peek() {
            Some(Tok::Word(w)) => w.clone(),
            _ => return Err(self.unexpected("in")),
        };
        self.i += 1;
        self.skip_newlines();
        self.expect("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines();
            if self.reserved() == Some("esac") {
                self.i += 1;
                break;
            }
            if self.is_op("(") {
                self.i += 1;
            }
            let mut patterns = Vec::new();
            loop {
                match self.peek() {
                    Some(Tok::Word(w)) => patterns.push(w.clone()),
                    _ => return Err(self.unexpected(")")),
                }
                self.i += 1;
                if self.is_op("|") {
                    self.i += 1;
                } else {
                    break;
                }
            }
            if !self.is_op(")") {
                return Err(self.unexpected(")"));
            }
            self.i += 1;
            let body = self.list()?;
            arms.push(CaseArm { patterns, body });
            if self.is_op(";;") {
                self.i += 1;
                continue;
            }
            self.skip_newlines();
            if self.reserved() == Some("esac") {
                self.i += 1;
                break;
            }
            return Err(self.unexpected(";;"));
        }
        Ok(Compound::Case { word, arms })
    }

    fn redir(&mut self, redirs: &mut Vec<Redir>) -> Result<(), SyntaxError> {
        let Some(Tok::Redir(fd, kind)) = self.peek().cloned() else { return Ok(()) };
        // `&>` was tokenized as Redir(1, Out) followed by Op("&>").
        let both = matches!(self.toks.get(self.i + 1), Some(Tok::Op("&>")));
        let skip = if both { 2 } else { 1 };
        if let RedirKind::Dup(_) = kind {
            redirs.push(Redir { fd, kind, target: Vec::new() });
            self.i += 1;
            return Ok(());
        }
        match self.toks.get(self.i + skip) {
            Some(Tok::Word(w)) => {
                redirs.push(Redir { fd, kind, target: w.clone() });
                if both {
                    redirs.push(Redir { fd: 2, kind: RedirKind::Dup(1), target: Vec::new() });
                }
                self.i += skip + 1;
                Ok(())
            }
            Some(t) => Err(op_name(t)),
            None => Err(SyntaxError::UnexpectedToken("newline".into())),
        }
    }

    fn simple(&mut self) -> Result<SimpleCmd, SyntaxError> {
        let mut c = SimpleCmd::default();
        loop {
            match self.peek() {
                Some(Tok::Word(w)) => {
                    let w = w.clone();
                    self.i += 1;
                    if c.words.is_empty() {
                        if let Some((name, value)) = assignment(&w) {
                            c.assigns.push((name, value));
                            continue;
                        }
                    }
                    c.words.push(w);
                }
                Some(Tok::Redir(..)) => {
                    let mut rs = std::mem::take(&mut c.redirs);
                    self.redir(&mut rs)?;
                    c.redirs = rs;
                }
                _ => break,
            }
        }
        if c.words.is_empty() && c.assigns.is_empty() && c.redirs.is_empty() {
            return Err(match self.peek() {
                None => SyntaxError::UnexpectedEof,
                Some(t) => op_name(t),
            });
        }
        Ok(c)
    }
}

/// `NAME=value` before the command name is an assignment.
fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit { text, quoted: false }) = w.first() else { return None };
    let eq = text.find('=')?;
    let name = &text[..eq];
    if name.is_empty() || !name.chars().next().map(is_name_start).unwrap_or(false) || !name.chars().all(is_name_char) {
        return None;
    }
    let mut value: Word = Vec::new();
    let rest = &text[eq + 1..];
    if !rest.is_empty() {
        value.push(Part::Lit { text: rest.to_string(), quoted: false });
    }
    value.extend(w[1..].iter().cloned());
    Some((name.to_string(), value))
}

/// Parses one input line (or several, joined by newlines).
pub fn parse(line: &str) -> Result<Script, SyntaxError> {
    parse_with(line, &[], false)
}

/// Parses with these aliases expanded; `arith_cmd`: bash's `(( ))` (not ash's).
pub fn parse_with(line: &str, aliases: &[(String, String)], arith_cmd: bool) -> Result<Script, SyntaxError> {
    let mut p = Parser { toks: tokenize_with(line, arith_cmd)?, i: 0, aliases, depth: 0 };
    let script = p.list()?;
    p.skip_newlines();
    match p.peek() {
        None => Ok(script),
        Some(t) => Err(op_name(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple(c: &Command) -> &SimpleCmd {
        match c {
            Command::Simple(s) => s,
            Command::Compound(..) => panic!("not a simple command"),
        }
    }

    fn words(line: &str) -> Vec<Vec<Part>> {
        simple(&parse(line).expect("parses").items[0].0.first.cmds[0]).words.clone()
    }

    #[test]
    fn quoting() {
        assert_eq!(
            words("echo 'a b' \"c $X\" d\\ e"),
            vec![
                vec![Part::Lit { text: "echo".into(), quoted: false }],
                vec![Part::Lit { text: "a b".into(), quoted: true }],
                vec![
                    Part::Lit { text: "c ".into(), quoted: true },
                    Part::Var { name: "X".into(), quoted: true },
                ],
                vec![
                    Part::Lit { text: "d".into(), quoted: false },
                    Part::Lit { text: " ".into(), quoted: true },
                    Part::Lit { text: "e".into(), quoted: false },
                ],
            ]
        );
    }

    #[test]
    fn lists_and_pipes() {
        let s = parse("a | b && c || d; e &").expect("parses");
        assert_eq!(s.items.len(), 2);
        assert_eq!(s.items[0].0.first.cmds.len(), 2);
        assert_eq!(s.items[0].0.rest.len(), 2);
        assert!(s.items[1].1);
    }

    #[test]
    fn errors() {
        assert_eq!(parse("; ls"), Err(SyntaxError::UnexpectedToken(";".into())));
        assert_eq!(parse("echo 'a"), Err(SyntaxError::UnmatchedQuote('\'')));
        assert_eq!(parse("ls |"), Err(SyntaxError::UnexpectedEof));
        assert_eq!(parse("ls >"), Err(SyntaxError::UnexpectedToken("newline".into())));
        assert_eq!(parse("| ls"), Err(SyntaxError::UnexpectedToken("|".into())));
    }

    #[test]
    fn redirections() {
        let s = parse("echo hi > /tmp/x 2>&1").expect("parses");
        let c = simple(&s.items[0].0.first.cmds[0]);
        assert_eq!(c.redirs.len(), 2);
        assert_eq!(c.redirs[1].kind, RedirKind::Dup(1));
    }

    #[test]
    fn compound_commands() {
        let s = parse("for i in 1 2; do echo $i; done | wc -l").expect("parses");
        assert_eq!(s.items[0].0.first.cmds.len(), 2);
        assert!(matches!(&s.items[0].0.first.cmds[0], Command::Compound(c, _) if matches!(**c, Compound::For { .. })));
        let s = parse("if a; then b; elif c; then d; else e; fi > f").expect("parses");
        match &s.items[0].0.first.cmds[0] {
            Command::Compound(c, r) => {
                assert!(matches!(&**c, Compound::If { arms, otherwise: Some(_) } if arms.len() == 2));
                assert_eq!(r.len(), 1);
            }
            _ => panic!("not compound"),
        }
        assert!(parse("case $x in (a|b) echo y;; *) echo z; esac").is_ok());
        assert!(parse("while true; do break; done; until false; do :; done").is_ok());
        assert!(parse("{ echo a; }; (cd /tmp; pwd); pwd").is_ok());
        assert!(parse("for i\ndo echo $i\ndone").is_ok());
        assert_eq!(parse("for i in 1 2; do echo"), Err(SyntaxError::Unterminated("done")));
        assert_eq!(parse("if true; then"), Err(SyntaxError::Unterminated("fi")));
        assert_eq!(parse("for i in 1; do done"), Err(SyntaxError::UnexpectedToken("done".into())));
        assert_eq!(parse("for i in; done"), Err(SyntaxError::Expecting("done".into(), "do")));
        assert_eq!(parse("{ echo; } foo"), Err(SyntaxError::UnexpectedWord("foo".into())));
        assert_eq!(parse("echo a ("), Err(SyntaxError::UnexpectedToken("(".into())));
        assert_eq!(parse("()"), Err(SyntaxError::UnexpectedToken(")".into())));
        assert_eq!(parse("for i in 1 2; do; echo; done"), Err(SyntaxError::UnexpectedToken(";".into())));
        assert_eq!(parse("case a in a) echo"), Err(SyntaxError::Unterminated(";;")));
        assert_eq!(words("echo }")[1], vec![Part::Lit { text: "}".into(), quoted: false }]);
    }

    #[test]
    fn expansions() {
        let w = words("echo $((1 + $x)) ${x:-a b} ${#x} ${x%%.*}");
        assert!(matches!(&w[1][0], Part::Arith { .. }));
        assert!(matches!(&w[2][0], Part::Param { op, .. } if matches!(**op, ParamOp::Default { colon: true, .. })));
        assert!(matches!(&w[3][0], Part::Param { op, .. } if **op == ParamOp::Length));
        assert!(matches!(&w[4][0], Part::Param { op, .. } if matches!(**op, ParamOp::TrimSuffix { longest: true, .. })));
        assert!(matches!(&words("echo ${}")[1][0], Part::Param { op, .. } if matches!(**op, ParamOp::Bad(_))));
        assert!(matches!(&words("echo $( (echo a) )")[1][0], Part::Cmd { .. }));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        assert!(parse(&format!("{}true{}", "{ ".repeat(5000), "; }".repeat(5000))).is_err());
        assert!(parse(&format!("echo {}1{}", "$(echo ".repeat(5000), ")".repeat(5000))).is_err());
        assert!(parse(&format!("echo $(({}1{}))", "(".repeat(5000), ")".repeat(5000))).is_ok());
    }
}
