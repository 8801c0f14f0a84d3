//! The shell grammar we accept: a POSIX subset.
//!
//! `list := and_or ((';' | '&') and_or)*`, `and_or := pipeline (('&&' | '||') pipeline)*`,
//! `pipeline := ['!'] command ('|' command)*`, `command := (assignment | word | redirect)+`.
//! Words keep their quoting so expansion can happen when the command runs, as in a real
//! shell (`export A=1; echo $A` prints 1).

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub negate: bool,
    pub cmds: Vec<SimpleCmd>,
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
    /// `syntax error near unexpected token `X'`
    UnexpectedToken(String),
    /// `unexpected EOF while looking for matching `X'` then `syntax error: unexpected end of file`
    UnmatchedQuote(char),
    /// `syntax error: unexpected end of file` (a line ending in `|`, `&&`, `||`)
    UnexpectedEof,
}

impl SyntaxError {
    /// The lines bash prints, each to be prefixed with the shell's name.
    pub fn lines(&self) -> Vec<String> {
        match self {
            SyntaxError::UnexpectedToken(t) => vec![format!("syntax error near unexpected token `{t}'")],
            SyntaxError::UnmatchedQuote(q) => vec![
                format!("unexpected EOF while looking for matching `{q}'"),
                "syntax error: unexpected end of file".to_string(),
            ],
            SyntaxError::UnexpectedEof => vec!["syntax error: unexpected end of file".to_string()],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(Word),
    /// `;`, `&`, `&&`, `||`, `|`, `!`
    Op(&'static str),
    Redir(u32, RedirKind),
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn push_lit(word: &mut Word, c: char, quoted: bool) {
    if let Some(Part::Lit { text, quoted: q }) = word.last_mut() {
        if *q == quoted {
            text.push(c);
            return;
        }
    }
    word.push(Part::Lit { text: c.to_string(), quoted });
}

/// The index of the `)` that closes the `(` before `from`, skipping quotes, escapes and
/// nested parentheses; None when the line ends first.
fn closing_paren(chars: &[char], from: usize) -> Option<usize> {
    let mut depth = 1;
    let mut j = from;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 1,
            '\'' => {
                j += 1;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
            }
            '"' => {
                j += 1;
                while j < chars.len() && chars[j] != '"' {
                    if chars[j] == '\\' {
                        j += 1;
                    }
                    j += 1;
                }
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Reads a backquoted command after the `` ` `` at `chars[i]`: its text (with `\$`, `` \` ``
/// and `\\` unescaped) and the index after the closing quote.
fn backquoted(chars: &[char], i: usize, quoted: bool) -> Result<(Part, usize), SyntaxError> {
    let mut j = i + 1;
    let mut text = String::new();
    loop {
        match chars.get(j) {
            None => return Err(SyntaxError::UnmatchedQuote('`')),
            Some('`') => return Ok((Part::Cmd { text, quoted }, j + 1)),
            Some('\\') if matches!(chars.get(j + 1), Some('$' | '`' | '\\')) => {
                text.push(chars[j + 1]);
                j += 2;
            }
            Some(&c) => {
                text.push(c);
                j += 1;
            }
        }
    }
}

/// Reads a `$...` expansion after the `$` at `chars[i]`; returns the part and the new index.
fn dollar(chars: &[char], i: usize, quoted: bool) -> Result<(Option<Part>, usize), SyntaxError> {
    let next = chars.get(i + 1).copied();
    if next == Some('(') {
        let close = closing_paren(chars, i + 2).ok_or(SyntaxError::UnmatchedQuote(')'))?;
        let text: String = chars[i + 2..close].iter().collect();
        return Ok((Some(Part::Cmd { text, quoted }), close + 1));
    }
    Ok(match next {
        Some('{') => {
            let mut j = i + 2;
            let mut name = String::new();
            while j < chars.len() && chars[j] != '}' {
                name.push(chars[j]);
                j += 1;
            }
            if j >= chars.len() {
                return Ok((Some(Part::Lit { text: format!("${{{name}"), quoted }), j));
            }
            (Some(Part::Var { name, quoted }), j + 1)
        }
        Some(c) if c == '?' || c == '$' || c == '#' || c == '!' || c.is_ascii_digit() => {
            (Some(Part::Var { name: c.to_string(), quoted }), i + 2)
        }
        Some(c) if is_name_start(c) => {
            let mut j = i + 1;
            let mut name = String::new();
            while j < chars.len() && is_name_char(chars[j]) {
                name.push(chars[j]);
                j += 1;
            }
            (Some(Part::Var { name, quoted }), j)
        }
        _ => (None, i + 1),
    })
}

fn tokenize(line: &str) -> Result<Vec<Tok>, SyntaxError> {
    let chars: Vec<char> = line.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut word: Word = Vec::new();
    let mut in_word = false;
    macro_rules! flush {
        () => {
            if in_word {
                toks.push(Tok::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                flush!();
                i += 1;
            }
            '#' if !in_word => break,
            ';' | '&' | '|' | '!' | '<' | '>' => {
                // A word of digits right before a redirection is its fd.
                if (c == '>' || c == '<') && in_word {
                    if let [Part::Lit { text, quoted: false }] = word.as_slice() {
                        if let Ok(fd) = text.parse::<u32>() {
                            word.clear();
                            in_word = false;
                            let (kind, n) = redir_op(&chars, i);
                            toks.push(Tok::Redir(fd, kind));
                            i += n;
                            continue;
                        }
                    }
                }
                if c == '!' && (in_word || chars.get(i + 1).map(|n| !n.is_whitespace()).unwrap_or(false)) {
                    push_lit(&mut word, c, false);
                    in_word = true;
                    i += 1;
                    continue;
                }
                flush!();
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                match c {
                    ';' => {
                        if two == ";;" {
                            return Err(SyntaxError::UnexpectedToken(";;".into()));
                        }
                        toks.push(Tok::Op(";"));
                        i += 1;
                    }
                    '&' if two == "&&" => {
                        toks.push(Tok::Op("&&"));
                        i += 2;
                    }
                    '&' if chars.get(i + 1) == Some(&'>') => {
                        // `&>file`: both stdout and stderr.
                        toks.push(Tok::Redir(1, RedirKind::Out));
                        toks.push(Tok::Op("&>"));
                        i += 2;
                    }
                    '&' => {
                        toks.push(Tok::Op("&"));
                        i += 1;
                    }
                    '|' if two == "||" => {
                        toks.push(Tok::Op("||"));
                        i += 2;
                    }
                    '|' => {
                        toks.push(Tok::Op("|"));
                        i += 1;
                    }
                    '!' => {
                        toks.push(Tok::Op("!"));
                        i += 1;
                    }
                    _ => {
                        let fd = if c == '<' { 0 } else { 1 };
                        let (kind, n) = redir_op(&chars, i);
                        toks.push(Tok::Redir(fd, kind));
                        i += n;
                    }
                }
            }
            '\'' => {
                in_word = true;
                let mut j = i + 1;
                let mut text = String::new();
                while j < chars.len() && chars[j] != '\'' {
                    text.push(chars[j]);
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(SyntaxError::UnmatchedQuote('\''));
                }
                word.push(Part::Lit { text, quoted: true });
                i = j + 1;
            }
            '"' => {
                in_word = true;
                // An empty "" still makes a (quoted, empty) word.
                word.push(Part::Lit { text: String::new(), quoted: true });
                let mut j = i + 1;
                loop {
                    let Some(&d) = chars.get(j) else { return Err(SyntaxError::UnmatchedQuote('"')) };
                    match d {
                        '"' => break,
                        '\\' if matches!(chars.get(j + 1), Some('"' | '\\' | '$' | '`')) => {
                            push_lit(&mut word, chars[j + 1], true);
                            j += 2;
                        }
                        '`' => {
                            let (part, nj) = backquoted(&chars, j, true)?;
                            word.push(part);
                            j = nj;
                        }
                        '$' => {
                            let (part, nj) = dollar(&chars, j, true)?;
                            match part {
                                Some(p) => word.push(p),
                                None => push_lit(&mut word, '$', true),
                            }
                            j = nj;
                        }
                        _ => {
                            push_lit(&mut word, d, true);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
            }
            '\\' => {
                in_word = true;
                match chars.get(i + 1) {
                    Some('\n') => {}
                    Some(&n) => push_lit(&mut word, n, true),
                    None => {}
                }
                i += 2;
            }
            '`' => {
                in_word = true;
                let (part, ni) = backquoted(&chars, i, false)?;
                word.push(part);
                i = ni;
            }
            '$' => {
                in_word = true;
                let (part, ni) = dollar(&chars, i, false)?;
                match part {
                    Some(p) => word.push(p),
                    None => push_lit(&mut word, '$', false),
                }
                i = ni;
            }
            '~' if !in_word => {
                in_word = true;
                let mut j = i + 1;
                let mut user = String::new();
                while j < chars.len() && (is_name_char(chars[j]) || chars[j] == '-' || chars[j] == '.') {
                    user.push(chars[j]);
                    j += 1;
                }
                if j < chars.len() && !matches!(chars[j], '/' | ' ' | '\t' | ';' | '|' | '&' | '>' | '<') {
                    // Not a tilde prefix after all.
                    push_lit(&mut word, '~', false);
                    for ch in user.chars() {
                        push_lit(&mut word, ch, false);
                    }
                } else {
                    word.push(Part::Tilde(user));
                }
                i = j;
            }
            _ => {
                in_word = true;
                push_lit(&mut word, c, false);
                i += 1;
            }
        }
    }
    if in_word {
        toks.push(Tok::Word(word));
    }
    Ok(toks)
}

fn redir_op(chars: &[char], i: usize) -> (RedirKind, usize) {
    let c = chars[i];
    let n = chars.get(i + 1).copied();
    match (c, n) {
        ('>', Some('>')) => (RedirKind::Append, 2),
        ('>', Some('&')) => match chars.get(i + 2).and_then(|d| d.to_digit(10)) {
            Some(d) => (RedirKind::Dup(d), 3),
            None => (RedirKind::Out, 2),
        },
        ('>', Some('|')) => (RedirKind::Out, 2),
        ('<', _) => (RedirKind::In, 1),
        _ => (RedirKind::Out, 1),
    }
}

fn op_name(t: &Tok) -> String {
    match t {
        Tok::Op(o) => o.to_string(),
        Tok::Redir(_, RedirKind::Append) => ">>".into(),
        Tok::Redir(_, RedirKind::In) => "<".into(),
        Tok::Redir(..) => ">".into(),
        Tok::Word(_) => "word".into(),
    }
}

/// Parses one input line.
pub fn parse(line: &str) -> Result<Script, SyntaxError> {
    let toks = tokenize(line)?;
    let mut script = Script::default();
    let mut i = 0;
    // Current and_or being built.
    let mut cur_andor: Option<AndOr> = None;
    let mut pending: Option<Connector> = None;
    let mut pipeline: Option<Pipeline> = None;
    let mut cmd: Option<SimpleCmd> = None;
    let mut negate = false;

    fn finish_cmd(cmd: &mut Option<SimpleCmd>, pipeline: &mut Option<Pipeline>, negate: &mut bool) {
        if let Some(c) = cmd.take() {
            pipeline.get_or_insert_with(|| Pipeline { negate: std::mem::take(negate), cmds: Vec::new() }).cmds.push(c);
        }
    }

    while i < toks.len() {
        match &toks[i] {
            Tok::Word(w) => {
                let c = cmd.get_or_insert_with(SimpleCmd::default);
                // NAME=value before the command name is an assignment.
                if c.words.is_empty() {
                    if let Some(Part::Lit { text, quoted: false }) = w.first() {
                        if let Some(eq) = text.find('=') {
                            let name = &text[..eq];
                            if !name.is_empty() && name.chars().next().map(is_name_start).unwrap_or(false) && name.chars().all(is_name_char) {
                                let mut value: Word = Vec::new();
                                let rest = &text[eq + 1..];
                                if !rest.is_empty() {
                                    value.push(Part::Lit { text: rest.to_string(), quoted: false });
                                }
                                value.extend(w[1..].iter().cloned());
                                c.assigns.push((name.to_string(), value));
                                i += 1;
                                continue;
                            }
                        }
                    }
                }
                c.words.push(w.clone());
                i += 1;
            }
            Tok::Redir(fd, kind) => {
                let c = cmd.get_or_insert_with(SimpleCmd::default);
                // `&>` was tokenized as Redir(1, Out) followed by Op("&>").
                let both = matches!(toks.get(i + 1), Some(Tok::Op("&>")));
                let skip = if both { 2 } else { 1 };
                if let RedirKind::Dup(_) = kind {
                    c.redirs.push(Redir { fd: *fd, kind: *kind, target: Vec::new() });
                    i += 1;
                    continue;
                }
                match toks.get(i + skip) {
                    Some(Tok::Word(w)) => {
                        c.redirs.push(Redir { fd: *fd, kind: *kind, target: w.clone() });
                        if both {
                            c.redirs.push(Redir { fd: 2, kind: RedirKind::Dup(1), target: Vec::new() });
                        }
                        i += skip + 1;
                    }
                    Some(t) => return Err(SyntaxError::UnexpectedToken(op_name(t))),
                    None => return Err(SyntaxError::UnexpectedToken("newline".into())),
                }
            }
            Tok::Op("!") => {
                if cmd.is_some() || pipeline.is_some() {
                    return Err(SyntaxError::UnexpectedToken("!".into()));
                }
                negate = !negate;
                i += 1;
            }
            Tok::Op("|") => {
                if cmd.is_none() {
                    return Err(SyntaxError::UnexpectedToken("|".into()));
                }
                finish_cmd(&mut cmd, &mut pipeline, &mut negate);
                i += 1;
                if i >= toks.len() {
                    return Err(SyntaxError::UnexpectedEof);
                }
            }
            Tok::Op(op @ ("&&" | "||")) => {
                if cmd.is_none() {
                    return Err(SyntaxError::UnexpectedToken(op.to_string()));
                }
                finish_cmd(&mut cmd, &mut pipeline, &mut negate);
                let p = pipeline.take().ok_or_else(|| SyntaxError::UnexpectedToken(op.to_string()))?;
                match (cur_andor.as_mut(), pending.take()) {
                    (Some(a), Some(conn)) => a.rest.push((conn, p)),
                    _ => cur_andor = Some(AndOr { first: p, rest: Vec::new() }),
                }
                pending = Some(if *op == "&&" { Connector::And } else { Connector::Or });
                i += 1;
                if i >= toks.len() {
                    return Err(SyntaxError::UnexpectedEof);
                }
            }
            Tok::Op(op) => {
                // `;` or `&`
                if cmd.is_none() {
                    return Err(SyntaxError::UnexpectedToken(op.to_string()));
                }
                finish_cmd(&mut cmd, &mut pipeline, &mut negate);
                let p = pipeline.take().ok_or_else(|| SyntaxError::UnexpectedToken(op.to_string()))?;
                let a = match (cur_andor.take(), pending.take()) {
                    (Some(mut a), Some(conn)) => {
                        a.rest.push((conn, p));
                        a
                    }
                    _ => AndOr { first: p, rest: Vec::new() },
                };
                script.items.push((a, *op == "&"));
                i += 1;
            }
        }
    }
    if cmd.is_some() {
        finish_cmd(&mut cmd, &mut pipeline, &mut negate);
    }
    if let Some(p) = pipeline.take() {
        let a = match (cur_andor.take(), pending.take()) {
            (Some(mut a), Some(conn)) => {
                a.rest.push((conn, p));
                a
            }
            _ => AndOr { first: p, rest: Vec::new() },
        };
        script.items.push((a, false));
    } else if negate {
        // A lone `!` is a valid (empty) pipeline in bash; treat as nothing.
    }
    Ok(script)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<Part>> {
        parse(line).expect("parses").items[0].0.first.cmds[0].words.clone()
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
        let c = &s.items[0].0.first.cmds[0];
        assert_eq!(c.redirs.len(), 2);
        assert_eq!(c.redirs[1].kind, RedirKind::Dup(1));
    }
}
