//! Go's `text/template/parse` lexer (Go 1.24): text, `{{`/`}}` with trim markers (`{{- `,
//! ` -}}`), comments, and the tokens inside actions. Errors become an error item, as in Go.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum T {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    Str,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl T {
    pub fn is_keyword(self) -> bool {
        matches!(
            self,
            T::Block | T::Break | T::Continue | T::Dot | T::Define | T::Else | T::End | T::If | T::Nil | T::Range | T::Template | T::With
        )
    }
}

#[derive(Clone, Debug)]
pub struct Item {
    pub typ: T,
    pub pos: usize,
    pub val: String,
    pub line: usize,
}

impl std::fmt::Display for Item {
    /// Go's `item.String()`, used in "unexpected ..." messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.typ {
            T::Eof => f.write_str("EOF"),
            T::Error => f.write_str(&self.val),
            t if t.is_keyword() => write!(f, "<{}>", self.val),
            _ if self.val.chars().count() > 10 => {
                let q = go_quote(&self.val);
                // %.10q: the quoted form cut to 10 runes.
                let cut: String = q.chars().take(10).collect();
                write!(f, "{cut}...")
            }
            _ => f.write_str(&go_quote(&self.val)),
        }
    }
}

/// Go's `%q` / `strconv.Quote` of a string (printable Unicode kept).
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%#U`: `U+0023 '#'`.
pub fn go_sharp_u(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    items: Vec<Item>,
    paren_depth: i32,
    inside: bool,
}

/// Lexes the whole input. The last item is `Eof` or `Error`.
pub fn lex(input: &str) -> Vec<Item> {
    let mut l = Lexer { input, pos: 0, start: 0, items: Vec::new(), paren_depth: 0, inside: false };
    l.run();
    l.items
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.input[self.pos..]
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn backup_char(&mut self, c: char) {
        self.pos -= c.len_utf8();
    }
    fn line_at(&self, pos: usize) -> usize {
        1 + self.input[..pos.min(self.input.len())].matches('\n').count()
    }
    fn push(&mut self, typ: T, start: usize, end: usize) {
        let val = self.input[start..end].to_string();
        let line = self.line_at(start);
        self.items.push(Item { typ, pos: start, val, line });
    }
    fn emit(&mut self, typ: T) {
        self.push(typ, self.start, self.pos);
        self.start = self.pos;
    }
    fn ignore(&mut self) {
        self.start = self.pos;
    }
    fn errorf(&mut self, msg: String) -> bool {
        let line = self.line_at(self.start);
        self.items.push(Item { typ: T::Error, pos: self.start, val: msg, line });
        false
    }

    fn run(&mut self) {
        loop {
            let ok = if self.inside { self.lex_inside() } else { self.lex_text() };
            if !ok {
                return;
            }
        }
    }

    /// Text up to the next `{{`; returns false at EOF.
    fn lex_text(&mut self) -> bool {
        if let Some(x) = self.rest().find(LEFT) {
            let delim_at = self.pos + x;
            let trim = has_left_trim_marker(&self.input[delim_at + LEFT.len()..]);
            let mut text_end = delim_at;
            if trim {
                text_end = self.pos + self.input[self.pos..delim_at].trim_end_matches(is_space).len();
            }
            if text_end > self.start {
                self.push(T::Text, self.start, text_end);
            }
            self.pos = delim_at;
            self.start = self.pos;
            return self.lex_left_delim(trim);
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.push(T::Text, self.start, self.pos);
        }
        self.start = self.pos;
        self.push(T::Eof, self.pos, self.pos);
        false
    }

    fn lex_left_delim(&mut self, trim: bool) -> bool {
        self.pos += LEFT.len();
        let trim_len = if trim { 2 } else { 0 };
        let after = &self.input[self.pos + trim_len..];
        if after.starts_with("/*") {
            self.pos += trim_len;
            self.ignore();
            return self.lex_comment();
        }
        self.emit(T::LeftDelim);
        self.pos += trim_len;
        self.ignore();
        self.paren_depth = 0;
        self.inside = true;
        true
    }

    fn lex_comment(&mut self) -> bool {
        self.pos += 2;
        let Some(i) = self.rest().find("*/") else {
            return self.errorf("unclosed comment".into());
        };
        self.pos += i + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".into());
        }
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT.len();
        if trim {
            let r = self.rest();
            self.pos += r.len() - r.trim_start_matches(is_space).len();
        }
        self.ignore();
        self.inside = false;
        true
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let r = self.rest();
        if has_right_trim_marker(r) && r[2..].starts_with(RIGHT) {
            return (true, true);
        }
        if r.starts_with(RIGHT) {
            return (true, false);
        }
        (false, false)
    }

    fn lex_right_delim(&mut self, trim: bool) -> bool {
        if trim {
            self.pos += 2;
            self.ignore();
        }
        self.pos += RIGHT.len();
        self.emit(T::RightDelim);
        if trim {
            let r = self.rest();
            self.pos += r.len() - r.trim_start_matches(is_space).len();
            self.ignore();
        }
        self.inside = false;
        true
    }

    fn lex_inside(&mut self) -> bool {
        let (delim, trim) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim(trim);
            }
            return self.errorf("unclosed left paren".into());
        }
        let Some(r) = self.next() else {
            return self.errorf("unclosed action".into());
        };
        match r {
            c if is_space(c) => {
                self.backup_char(c);
                self.lex_space()
            }
            '=' => {
                self.emit(T::Assign);
                true
            }
            ':' => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(T::Declare);
                true
            }
            '|' => {
                self.emit(T::Pipe);
                true
            }
            '"' => self.lex_quote(),
            '`' => self.lex_raw_quote(),
            '$' => self.lex_variable(),
            '\'' => self.lex_char(),
            '.' => {
                if let Some(c) = self.peek() {
                    if !c.is_ascii_digit() {
                        return self.lex_field_or_variable(T::Field);
                    }
                }
                self.backup_char('.');
                self.lex_number()
            }
            '+' | '-' | '0'..='9' => {
                self.backup_char(r);
                self.lex_number()
            }
            c if is_alnum(c) => {
                self.backup_char(c);
                self.lex_identifier()
            }
            '(' => {
                self.emit(T::LeftParen);
                self.paren_depth += 1;
                true
            }
            ')' => {
                self.emit(T::RightParen);
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf(format!("unexpected right paren {}", go_sharp_u(')')));
                }
                true
            }
            c if (c as u32) <= 0x7f && !c.is_control() => {
                self.emit(T::Char);
                true
            }
            c => self.errorf(format!("unrecognized character in action: {}", go_sharp_u(c))),
        }
    }

    fn lex_space(&mut self) -> bool {
        let mut n = 0;
        while let Some(c) = self.peek() {
            if !is_space(c) {
                break;
            }
            self.next();
            n += 1;
        }
        // A space that belongs to a ` -}}` trim marker.
        let before = &self.input[self.pos - 1..];
        if has_right_trim_marker(before) && before[2..].starts_with(RIGHT) {
            self.backup_char(' ');
            if n == 1 {
                return true;
            }
        }
        self.emit(T::Space);
        true
    }

    fn lex_identifier(&mut self) -> bool {
        while let Some(c) = self.peek() {
            if !is_alnum(c) {
                break;
            }
            self.next();
        }
        let word = self.input[self.start..self.pos].to_string();
        if !self.at_terminator() {
            let c = self.peek().unwrap_or('\u{fffd}');
            return self.errorf(format!("bad character {}", go_sharp_u(c)));
        }
        let typ = match word.as_str() {
            "block" => T::Block,
            "break" => T::Break,
            "continue" => T::Continue,
            "define" => T::Define,
            "else" => T::Else,
            "end" => T::End,
            "if" => T::If,
            "range" => T::Range,
            "nil" => T::Nil,
            "template" => T::Template,
            "with" => T::With,
            "true" | "false" => T::Bool,
            _ => T::Identifier,
        };
        self.emit(typ);
        true
    }

    fn lex_variable(&mut self) -> bool {
        if self.at_terminator() {
            self.emit(T::Variable);
            return true;
        }
        self.lex_field_or_variable(T::Variable)
    }

    fn lex_field_or_variable(&mut self, typ: T) -> bool {
        if self.at_terminator() {
            self.emit(if typ == T::Variable { T::Variable } else { T::Dot });
            return true;
        }
        while let Some(c) = self.peek() {
            if !is_alnum(c) {
                break;
            }
            self.next();
        }
        if !self.at_terminator() {
            let c = self.peek().unwrap_or('\u{fffd}');
            return self.errorf(format!("bad character {}", go_sharp_u(c)));
        }
        self.emit(typ);
        true
    }

    fn at_terminator(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) if is_space(c) => true,
            Some('.' | ',' | '|' | ':' | ')' | '(' | '=') => true,
            Some(c) => RIGHT.starts_with(c),
        }
    }

    fn lex_char(&mut self) -> bool {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    Some(c) if c != '\n' => {}
                    _ => return self.errorf("unterminated character constant".into()),
                },
                None | Some('\n') => return self.errorf("unterminated character constant".into()),
                Some('\'') => break,
                _ => {}
            }
        }
        self.emit(T::CharConstant);
        true
    }

    fn lex_number(&mut self) -> bool {
        if !self.scan_number() {
            let s = self.input[self.start..self.pos].to_string();
            return self.errorf(format!("bad number syntax: {}", go_quote(&s)));
        }
        if let Some(sign @ ('+' | '-')) = self.peek() {
            let _ = sign;
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let s = self.input[self.start..self.pos].to_string();
                return self.errorf(format!("bad number syntax: {}", go_quote(&s)));
            }
            self.emit(T::Complex);
        } else {
            self.emit(T::Number);
        }
        true
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.next();
                true
            }
            _ => false,
        }
    }
    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        let mut hex = false;
        let mut decimal = true;
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
                hex = true;
                decimal = false;
            } else if self.accept("oO") {
                digits = "01234567_";
                decimal = false;
            } else if self.accept("bB") {
                digits = "01_";
                decimal = false;
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if decimal && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if hex && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if let Some(c) = self.peek() {
            if is_alnum(c) {
                self.next();
                return false;
            }
        }
        true
    }

    fn lex_quote(&mut self) -> bool {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    Some(c) if c != '\n' => {}
                    _ => return self.errorf("unterminated quoted string".into()),
                },
                None | Some('\n') => return self.errorf("unterminated quoted string".into()),
                Some('"') => break,
                _ => {}
            }
        }
        self.emit(T::Str);
        true
    }

    fn lex_raw_quote(&mut self) -> bool {
        loop {
            match self.next() {
                None => return self.errorf("unterminated raw quoted string".into()),
                Some('`') => break,
                _ => {}
            }
        }
        self.emit(T::RawString);
        true
    }
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types(s: &str) -> Vec<T> {
        lex(s).into_iter().map(|i| i.typ).collect()
    }

    #[test]
    fn basic_tokens() {
        assert_eq!(types("a{{.B.C}}d"), vec![T::Text, T::LeftDelim, T::Field, T::Field, T::RightDelim, T::Text, T::Eof]);
        assert_eq!(
            types("{{range $k, $v := .L}}{{end}}"),
            vec![
                T::LeftDelim, T::Range, T::Space, T::Variable, T::Char, T::Space, T::Variable, T::Space, T::Declare, T::Space,
                T::Field, T::RightDelim, T::LeftDelim, T::End, T::RightDelim, T::Eof
            ]
        );
        let items = lex("{{.Nope");
        assert_eq!(items.last().map(|i| i.val.clone()).as_deref(), Some("unclosed action"));
    }

    #[test]
    fn trim_markers() {
        let items = lex("a  {{- .X -}}  b");
        let texts: Vec<String> = items.iter().filter(|i| i.typ == T::Text).map(|i| i.val.clone()).collect();
        assert_eq!(texts, vec!["a", "b"]);
    }
}
