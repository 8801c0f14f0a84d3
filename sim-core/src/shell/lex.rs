//! The shell's tokens: words (with their quoting, `$...` expansions, backquotes, `~`),
//! operators, newlines and redirection operators. Reserved words (`if`, `do`, `}`, ...)
//! are words here; the grammar (`parse.rs`) tells them apart by where they stand.

use super::parse::{ParamOp, Part, RedirKind, SyntaxError, Word};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Word(Word),
    /// `;`, `;;`, `&`, `&&`, `||`, `|`, `(`, `)`, a newline (`"\n"`), and `&>`
    /// (which follows the `Redir(1, Out)` it makes).
    Op(&'static str),
    Redir(u32, RedirKind),
    /// bash's `(( EXPR ))` where a token starts: the text of EXPR.
    Arith(String),
}

pub fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

pub fn push_lit(word: &mut Word, c: char, quoted: bool) {
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

/// Reads a word made of text, quotes and expansions from `chars[i..]` up to (not
/// including) an unquoted `stop` character, or to the end when `stop` is None. Inside
/// double quotes (`dq`) single quotes are plain text and every part is quoted.
fn inner_word(chars: &[char], mut i: usize, stop: Option<char>, dq: bool) -> Result<(Word, usize), SyntaxError> {
    let mut word: Word = Vec::new();
    while let Some(&c) = chars.get(i) {
        if Some(c) == stop {
            break;
        }
        match c {
            '\\' => {
                match chars.get(i + 1) {
                    Some(&n) if !dq || matches!(n, '"' | '\\' | '$' | '`') => push_lit(&mut word, n, true),
                    Some(&n) => {
                        push_lit(&mut word, '\\', true);
                        push_lit(&mut word, n, true);
                    }
                    None => {}
                }
                i += 2;
            }
            '\'' if !dq => {
                let (text, next) = single_quoted(chars, i)?;
                word.push(Part::Lit { text, quoted: true });
                i = next;
            }
            '"' if !dq => {
                word.push(Part::Lit { text: String::new(), quoted: true });
                let (inner, j) = inner_word(chars, i + 1, Some('"'), true)?;
                if j >= chars.len() {
                    return Err(SyntaxError::UnmatchedQuote('"'));
                }
                word.extend(inner);
                i = j + 1;
            }
            '`' => {
                let (part, j) = backquoted(chars, i, dq)?;
                word.push(part);
                i = j;
            }
            '$' => {
                let (part, j) = dollar(chars, i, dq)?;
                match part {
                    Some(p) => word.push(p),
                    None => push_lit(&mut word, '$', dq),
                }
                i = j;
            }
            _ => {
                push_lit(&mut word, c, dq);
                i += 1;
            }
        }
    }
    Ok((word, i))
}

/// `${...}` after the `${` ending at `chars[i]` (the index of `{`).
fn braced(chars: &[char], i: usize, quoted: bool) -> Result<(Part, usize), SyntaxError> {
    // The whole text up to the matching `}`, for `bad substitution`.
    let mut end = i + 1;
    let mut depth = 1;
    while end < chars.len() {
        match chars[end] {
            '\\' => end += 1,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        end += 1;
    }
    if end >= chars.len() {
        return Err(SyntaxError::UnmatchedQuote('}'));
    }
    let whole: String = chars[i - 1..=end].iter().collect();
    let bad = |end: usize| Ok((Part::Param { name: String::new(), op: Box::new(ParamOp::Bad(whole.clone())), quoted }, end + 1));
    let mut j = i + 1;
    // `${#NAME}`: the length (but `${#}` is `$#`).
    let length = chars.get(j) == Some(&'#') && chars.get(j + 1).map(|c| *c != '}').unwrap_or(false);
    if length {
        j += 1;
    }
    let mut name = String::new();
    match chars.get(j) {
        Some(&c) if is_name_start(c) => {
            while let Some(&c) = chars.get(j).filter(|c| is_name_char(**c)) {
                name.push(c);
                j += 1;
            }
        }
        Some(&c) if c.is_ascii_digit() => {
            while let Some(&c) = chars.get(j).filter(|c| c.is_ascii_digit()) {
                name.push(c);
                j += 1;
            }
        }
        Some(&c) if matches!(c, '?' | '$' | '#' | '!' | '@' | '*' | '-') => {
            name.push(c);
            j += 1;
        }
        _ => return bad(end),
    }
    if length {
        if j != end {
            return bad(end);
        }
        return Ok((Part::Param { name, op: Box::new(ParamOp::Length), quoted }, end + 1));
    }
    if j == end {
        return Ok((Part::Var { name, quoted }, end + 1));
    }
    let c = chars[j];
    let n = chars.get(j + 1).copied();
    let (op_len, make): (usize, fn(Word) -> ParamOp) = match (c, n) {
        (':', Some('-')) => (2, |w| ParamOp::Default { colon: true, word: w }),
        (':', Some('=')) => (2, |w| ParamOp::Assign { colon: true, word: w }),
        (':', Some('+')) => (2, |w| ParamOp::Alt { colon: true, word: w }),
        (':', Some('?')) => (2, |w| ParamOp::Error { colon: true, word: w }),
        ('-', _) => (1, |w| ParamOp::Default { colon: false, word: w }),
        ('=', _) => (1, |w| ParamOp::Assign { colon: false, word: w }),
        ('+', _) => (1, |w| ParamOp::Alt { colon: false, word: w }),
        ('?', _) => (1, |w| ParamOp::Error { colon: false, word: w }),
        ('#', Some('#')) => (2, |w| ParamOp::TrimPrefix { longest: true, pat: w }),
        ('#', _) => (1, |w| ParamOp::TrimPrefix { longest: false, pat: w }),
        ('%', Some('%')) => (2, |w| ParamOp::TrimSuffix { longest: true, pat: w }),
        ('%', _) => (1, |w| ParamOp::TrimSuffix { longest: false, pat: w }),
        (':', _) => {
            // `${NAME:OFFSET}`, `${NAME:OFFSET:LENGTH}`: arithmetic texts.
            let (off, k) = inner_word(&chars[..end], j + 1, Some(':'), true)?;
            let len = if k < end { Some(inner_word(&chars[..end], k + 1, None, true)?.0) } else { None };
            return Ok((Part::Param { name, op: Box::new(ParamOp::Substr { off, len }), quoted }, end + 1));
        }
        _ => return bad(end),
    };
    // A pattern is a pattern even inside double quotes; quotes inside it quote.
    let dq = quoted && !matches!(c, '#' | '%');
    let (w, _) = inner_word(&chars[..end], j + op_len, None, dq)?;
    Ok((Part::Param { name, op: Box::new(make(w)), quoted }, end + 1))
}

/// Reads a `$...` expansion after the `$` at `chars[i]`; returns the part and the new index.
pub fn dollar(chars: &[char], i: usize, quoted: bool) -> Result<(Option<Part>, usize), SyntaxError> {
    let next = chars.get(i + 1).copied();
    if next == Some('(') {
        let close = closing_paren(chars, i + 2).ok_or(SyntaxError::UnmatchedQuote(')'))?;
        // `$(( EXPR ))`: the inner `(` closes right before the outer one.
        if chars.get(i + 2) == Some(&'(') {
            if let Some(inner) = closing_paren(chars, i + 3) {
                if inner + 1 == close {
                    let (text, _) = inner_word(&chars[..inner], i + 3, None, true)?;
                    return Ok((Some(Part::Arith { text, quoted }), close + 1));
                }
            }
        }
        let text: String = chars[i + 2..close].iter().collect();
        return Ok((Some(Part::Cmd { text, quoted }), close + 1));
    }
    if next == Some('[') {
        // `$[ EXPR ]`, bash's old arithmetic.
        if let Some(close) = chars[i + 2..].iter().position(|c| *c == ']').map(|p| p + i + 2) {
            let (text, _) = inner_word(&chars[..close], i + 2, None, true)?;
            return Ok((Some(Part::Arith { text, quoted }), close + 1));
        }
    }
    Ok(match next {
        Some('{') => {
            let (p, j) = braced(chars, i + 1, quoted)?;
            (Some(p), j)
        }
        Some(c) if c == '?' || c == '$' || c == '#' || c == '!' || c == '@' || c == '*' || c == '-' || c.is_ascii_digit() => {
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

/// How deeply `$(`, `${` and `$((` may nest in a word (they are read by recursion).
const MAX_NEST: usize = 32;

/// The deepest nesting of `${`, `$(` and backquotes in the text, roughly (quotes aside).
fn nesting(chars: &[char]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for (i, c) in chars.iter().enumerate() {
        match c {
            '(' | '{' if i > 0 && chars[i - 1] == '$' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// An arithmetic text (`(( ))`'s) as a word to expand: `$x`, `$(cmd)` and quotes.
pub fn arith_word(text: &str) -> Result<Word, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    inner_word(&chars, 0, None, true).map(|(w, _)| w)
}

/// Tokens of a line of ash (no `(( ))` command: `((` opens two subshells).
pub fn tokenize(line: &str) -> Result<Vec<Tok>, SyntaxError> {
    tokenize_with(line, false)
}

/// Tokens; with `arith_cmd` (bash, zsh) `((` where a token starts and closed by `))` is
/// an arithmetic command.
pub fn tokenize_with(line: &str, arith_cmd: bool) -> Result<Vec<Tok>, SyntaxError> {
    let chars: Vec<char> = line.chars().collect();
    if nesting(&chars) > MAX_NEST {
        return Err(SyntaxError::UnexpectedToken("(".into()));
    }
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
            ' ' | '\t' | '\r' => {
                flush!();
                i += 1;
            }
            '\n' => {
                flush!();
                toks.push(Tok::Op("\n"));
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '(' if arith_cmd && !in_word && chars.get(i + 1) == Some(&'(') => {
                match closing_paren(&chars, i + 2).filter(|j| chars.get(j + 1) == Some(&')')) {
                    Some(j) => {
                        toks.push(Tok::Arith(chars[i + 2..j].iter().collect()));
                        i = j + 2;
                    }
                    None => {
                        toks.push(Tok::Op("("));
                        i += 1;
                    }
                }
            }
            '(' | ')' => {
                flush!();
                toks.push(Tok::Op(if c == '(' { "(" } else { ")" }));
                i += 1;
            }
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
                // `!` is a word; the grammar takes a lone `!` before a pipeline as negation.
                if c == '!' {
                    push_lit(&mut word, c, false);
                    in_word = true;
                    i += 1;
                    continue;
                }
                flush!();
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                match c {
                    ';' if two == ";;" => {
                        toks.push(Tok::Op(";;"));
                        i += 2;
                    }
                    ';' => {
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
                let (text, next) = single_quoted(&chars, i)?;
                word.push(Part::Lit { text, quoted: true });
                i = next;
            }
            '"' => {
                in_word = true;
                // An empty "" still makes a (quoted, empty) word.
                word.push(Part::Lit { text: String::new(), quoted: true });
                let (inner, j) = inner_word(&chars, i + 1, Some('"'), true)?;
                if j >= chars.len() {
                    return Err(SyntaxError::UnmatchedQuote('"'));
                }
                for p in inner {
                    match p {
                        Part::Lit { text, quoted } => {
                            for ch in text.chars() {
                                push_lit(&mut word, ch, quoted);
                            }
                        }
                        p => word.push(p),
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
                if j < chars.len() && !matches!(chars[j], '/' | ' ' | '\t' | '\n' | ';' | '|' | '&' | '>' | '<' | ')') {
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

/// The text of a single-quoted string opening at `chars[i]` and the index after its
/// closing quote.
fn single_quoted(chars: &[char], i: usize) -> Result<(String, usize), SyntaxError> {
    let close = chars[i + 1..].iter().position(|c| *c == '\'').ok_or(SyntaxError::UnmatchedQuote('\''))?;
    Ok((chars[i + 1..i + 1 + close].iter().collect(), i + close + 2))
}
