//! The YAML that compose files use: block mappings and sequences (with the indentless
//! sequence under a key), plain, single- and double-quoted scalars, `|` and `>` block
//! scalars, flow sequences and mappings (`["a", "b"]`, `{a: b}`), comments and `---`.
//!
//! Errors carry both wordings a compose file's reader prints: PyYAML's (docker-compose 1.29.2:
//! `yaml.scanner.ScannerError: mapping values are not allowed here` with its marks) and
//! go-yaml v2.4.0's (compose v2 through compose-go v1.2.8: `yaml: line 5: mapping values are
//! not allowed in this context`). The marks are those the real scanners set; see
//! tests/reference/compose/v1-err-*.txt for the PyYAML side, checked for real.

/// A position in the text, 0-based (PyYAML prints both +1; go-yaml prints the line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub col: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// A scalar's text; `quoted` for '...' and "..." (never null, a bool or a number).
    Scalar { text: String, quoted: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub mark: Mark,
    pub value: Value,
}

impl Node {
    fn new(mark: Mark, value: Value) -> Node {
        Node { mark, value }
    }
    /// The scalar's text (a plain `null` or `~` is null, not text).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    /// The value under `key` in a mapping (the last one, as both parsers keep).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().rev().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }
    /// The kind of node, as PyYAML's constructor names Python types.
    pub fn py_type(&self) -> &'static str {
        match &self.value {
            Value::Null => "NoneType",
            Value::Seq(_) => "list",
            Value::Map(_) => "dict",
            Value::Scalar { text, quoted } => scalar_kind(text, *quoted).py,
        }
    }
}

/// What a scalar resolves to under YAML 1.1's implicit tags (both parsers use 1.1 rules).
pub struct Kind {
    pub py: &'static str,
    /// JSON-schema type name as compose-go's validator sees it.
    pub schema: &'static str,
}

pub fn scalar_kind(text: &str, quoted: bool) -> Kind {
    if quoted {
        return Kind { py: "str", schema: "string" };
    }
    let bools = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"];
    if bools.contains(&text) {
        return Kind { py: "bool", schema: "boolean" };
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_') && digits.as_bytes()[0].is_ascii_digit() {
        return Kind { py: "int", schema: "integer" };
    }
    if digits.parse::<f64>().is_ok() && digits.contains('.') && digits.as_bytes()[0] != b'.' {
        return Kind { py: "float", schema: "number" };
    }
    Kind { py: "str", schema: "string" }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// A scanner error (`yaml.scanner.ScannerError`), else a parser error.
    pub scanner: bool,
    pub context: Option<String>,
    pub context_mark: Option<Mark>,
    /// PyYAML's words for the problem.
    pub problem: String,
    pub problem_mark: Mark,
    /// go-yaml's words for the same problem.
    pub go_problem: String,
}

impl YamlError {
    /// `yaml.scanner.ScannerError: ...` as docker-compose 1.29.2 prints it for file `name`.
    pub fn pyyaml(&self, name: &str) -> String {
        let mark = |m: &Mark| format!("  in \"{name}\", line {}, column {}", m.line + 1, m.col + 1);
        let mut lines = vec![];
        if let Some(c) = &self.context {
            lines.push(c.clone());
        }
        if let Some(cm) = &self.context_mark {
            if *cm != self.problem_mark {
                lines.push(mark(cm));
            }
        }
        lines.push(self.problem.clone());
        lines.push(mark(&self.problem_mark));
        let class = if self.scanner { "yaml.scanner.ScannerError" } else { "yaml.parser.ParserError" };
        format!("{class}: {}", lines.join("\n"))
    }

    /// `yaml: line N: ...` as go-yaml v2.4.0's `(*parser).fail` words it: the problem's
    /// 0-based line (+1 for scanner errors), else the context's.
    pub fn go(&self) -> String {
        let mut line = 0;
        if self.problem_mark.line != 0 {
            line = self.problem_mark.line + usize::from(self.scanner);
        } else if let Some(c) = self.context_mark.filter(|c| c.line != 0) {
            line = c.line;
        }
        if line == 0 {
            format!("yaml: {}", self.go_problem)
        } else {
            format!("yaml: line {line}: {}", self.go_problem)
        }
    }
}

/// Parses one document; an empty one (only comments) is `Ok(None)`.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let mut p = Parser::new(text);
    p.parse_document()
}

struct Line {
    /// The text without the newline; tabs and all.
    text: Vec<char>,
}

struct Parser {
    lines: Vec<Line>,
    /// The next line to read.
    at: usize,
    /// Where the stream ends (after the final newline: the next line, column 0).
    end: Mark,
}

fn scanner_error(context: Option<(&str, Mark)>, problem: &str, at: Mark, go: &str) -> YamlError {
    YamlError {
        scanner: true,
        context: context.map(|c| c.0.to_string()),
        context_mark: context.map(|c| c.1),
        problem: problem.to_string(),
        problem_mark: at,
        go_problem: go.to_string(),
    }
}

fn parser_error(context: &str, cmark: Mark, problem: &str, at: Mark, go: &str) -> YamlError {
    YamlError {
        scanner: false,
        context: Some(context.to_string()),
        context_mark: Some(cmark),
        problem: problem.to_string(),
        problem_mark: at,
        go_problem: go.to_string(),
    }
}

/// What a line starts with, after its indentation, for the block parser.
enum Start {
    /// `- ` (or a lone `-`)
    Entry,
    /// `key:` with the key's node and the column after the colon.
    Key(Node, usize),
    /// Anything else: a scalar or a flow collection.
    Other,
}

impl Parser {
    fn new(text: &str) -> Parser {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines: Vec<Line> = text.split('\n').map(|l| Line { text: l.trim_end_matches('\r').chars().collect() }).collect();
        // A final newline ends the last line; the stream ends on the line after it.
        let end = if text.ends_with('\n') || text.is_empty() {
            lines.pop();
            Mark { line: lines.len(), col: 0 }
        } else {
            Mark { line: lines.len().saturating_sub(1), col: lines.last().map(|l| l.text.len()).unwrap_or(0) }
        };
        Parser { lines, at: 0, end }
    }

    fn char_at(&self, m: Mark) -> Option<char> {
        self.lines.get(m.line).and_then(|l| l.text.get(m.col)).copied()
    }

    /// The column of the first character that is not a space, or None for a blank or
    /// comment-only line. A tab in the indentation is an error, as both scanners say.
    fn indent_of(&self, line: usize) -> Result<Option<usize>, YamlError> {
        let t = &self.lines[line].text;
        let n = t.iter().take_while(|c| **c == ' ').count();
        match t.get(n) {
            None | Some('#') => Ok(None),
            Some('\t') => {
                // A tab after the indentation on an otherwise blank line is whitespace.
                if t[n..].iter().all(|c| *c == ' ' || *c == '\t') {
                    return Ok(None);
                }
                let m = Mark { line, col: n };
                // PyYAML gives this context without a mark.
                Err(scanner_error(Some(("while scanning for the next token", m)), "found character '\\t' that cannot start any token", m, "found character that cannot start any token").no_context_mark())
            }
            Some(_) => Ok(Some(n)),
        }
    }

    /// The next line with content at or after `self.at`: its index and indentation.
    fn peek_line(&self) -> Result<Option<(usize, usize)>, YamlError> {
        let mut i = self.at;
        while i < self.lines.len() {
            let t = &self.lines[i].text;
            let n = t.iter().take_while(|c| **c == ' ').count();
            // Document markers are not content.
            let s: String = t.iter().collect();
            if (s == "---" || s.starts_with("--- ") || s == "...") && n == 0 {
                i += 1;
                continue;
            }
            if let Some(ind) = self.indent_of(i)? {
                return Ok(Some((i, ind)));
            }
            i += 1;
        }
        Ok(None)
    }

    fn parse_document(&mut self) -> Result<Option<Node>, YamlError> {
        let Some((line, ind)) = self.peek_line()? else { return Ok(None) };
        let node = self.parse_block(line, ind)?;
        // Anything left over (only possible when the root does not start at column 0)
        // is content the document cannot hold.
        if let Some((l, i)) = self.peek_line()? {
            let at = Mark { line: l, col: i };
            return Err(match node.value {
                Value::Map(_) => parser_error("while parsing a block mapping", node.mark, "expected <block end>, but found '<block mapping start>'", at, "did not find expected key"),
                _ => YamlError {
                    scanner: false,
                    context: None,
                    context_mark: None,
                    problem: "expected '<document start>', but found '<block mapping start>'".into(),
                    problem_mark: at,
                    go_problem: "did not find expected <document start>".into(),
                },
            });
        }
        Ok(Some(node))
    }

    /// What line `line` starts with at column `col`.
    fn classify(&self, line: usize, col: usize) -> Result<Start, YamlError> {
        let t = &self.lines[line].text;
        if t.get(col) == Some(&'-') && matches!(t.get(col + 1), None | Some(' ') | Some('\t')) {
            return Ok(Start::Entry);
        }
        // A key: a quoted scalar or a plain one, followed by `:` and a space or the end.
        let m = Mark { line, col };
        match t.get(col) {
            Some('"') | Some('\'') => {
                let (node, end) = self.quoted(m)?;
                let after = skip_spaces(t, end.col);
                if end.line == line && t.get(after) == Some(&':') && matches!(t.get(after + 1), None | Some(' ') | Some('\t')) {
                    return Ok(Start::Key(node, after + 1));
                }
                Ok(Start::Other)
            }
            Some('[') | Some('{') | Some('|') | Some('>') | Some('#') => Ok(Start::Other),
            _ => {
                if let Some(colon) = find_value_colon(t, col) {
                    let key: String = t[col..colon].iter().collect::<String>().trim_end().to_string();
                    return Ok(Start::Key(Node::new(m, Value::Scalar { text: key, quoted: false }), colon + 1));
                }
                Ok(Start::Other)
            }
        }
    }

    /// A block node whose first line is `line`, starting at column `ind`.
    fn parse_block(&mut self, line: usize, ind: usize) -> Result<Node, YamlError> {
        match self.classify(line, ind)? {
            Start::Entry => self.block_seq(line, ind),
            Start::Key(..) => self.block_map(line, ind),
            Start::Other => {
                let m = Mark { line, col: ind };
                self.at = line;
                self.inline_value(m, ind.saturating_sub(1))
            }
        }
    }

    fn block_map(&mut self, first: usize, ind: usize) -> Result<Node, YamlError> {
        let start = Mark { line: first, col: ind };
        let mut entries = Vec::new();
        self.at = first;
        // The first key may start mid-line (`- key: value`): it is taken where it is.
        let mut pending = Some((first, ind));
        loop {
            let next = match pending.take() {
                Some(x) => Some(x),
                None => self.peek_line()?,
            };
            let Some((line, i)) = next else { break };
            if i < ind {
                break;
            }
            let at = Mark { line, col: i };
            let start_kind = self.classify(line, i)?;
            if i > ind {
                let found = match start_kind {
                    Start::Key(..) => "'<block mapping start>'",
                    Start::Entry => "'<block sequence start>'",
                    Start::Other => "'<scalar>'",
                };
                return Err(parser_error("while parsing a block mapping", start, &format!("expected <block end>, but found {found}"), at, "did not find expected key"));
            }
            match start_kind {
                Start::Key(key, after) => {
                    self.at = line + 1;
                    let value = self.map_value(line, after, ind)?;
                    entries.push((key, value));
                    // Every entry moves on by a line at least.
                    self.at = self.at.max(line + 1);
                }
                Start::Entry => {
                    return Err(parser_error("while parsing a block mapping", start, "expected <block end>, but found '-'", at, "did not find expected key"));
                }
                Start::Other => {
                    // A line that is no `key:` where a key must be: PyYAML scans the scalar
                    // and then needs a `:`; a `:` inside it that is not followed by a space
                    // does not make a key.
                    return Err(parser_error("while parsing a block mapping", start, "expected <block end>, but found '<scalar>'", at, "could not find expected ':'"));
                }
            }
        }
        Ok(Node::new(start, Value::Map(entries)))
    }

    /// The value after `key:` on `line` (text from column `col`), in a mapping at `ind`.
    fn map_value(&mut self, line: usize, col: usize, ind: usize) -> Result<Node, YamlError> {
        let t = &self.lines[line].text;
        let c = skip_spaces(t, col);
        if c < t.len() && t[c] != '#' {
            let m = Mark { line, col: c };
            self.at = line;
            return self.inline_value(m, ind);
        }
        // Nothing on the line: a nested block, an indentless sequence, or null.
        match self.peek_line()? {
            Some((l, i)) if i > ind => self.parse_block(l, i),
            Some((l, i)) if i == ind && matches!(self.classify(l, i)?, Start::Entry) => self.block_seq(l, i),
            _ => Ok(Node::new(Mark { line, col: c.min(t.len()) }, Value::Null)),
        }
    }

    fn block_seq(&mut self, first: usize, ind: usize) -> Result<Node, YamlError> {
        let start = Mark { line: first, col: ind };
        let mut items = Vec::new();
        self.at = first;
        let mut pending = Some((first, ind));
        loop {
            let next = match pending.take() {
                Some(x) => Some(x),
                None => self.peek_line()?,
            };
            let Some((line, i)) = next else { break };
            if i < ind {
                break;
            }
            let at = Mark { line, col: i };
            let kind = self.classify(line, i)?;
            if i > ind || !matches!(kind, Start::Entry) {
                if i == ind && matches!(kind, Start::Key(..)) {
                    // An indentless sequence under a key ends where the next key starts.
                    break;
                }
                let found = match kind {
                    Start::Key(..) => "'<block mapping start>'",
                    Start::Entry => "'<block sequence start>'",
                    Start::Other => "'<scalar>'",
                };
                return Err(parser_error("while parsing a block collection", start, &format!("expected <block end>, but found {found}"), at, "did not find expected '-' indicator"));
            }
            // After `- `: a nested node starting on this line or below.
            let t = &self.lines[line].text;
            let c = skip_spaces(t, i + 1);
            if c >= t.len() || t[c] == '#' {
                self.at = line + 1;
                match self.peek_line()? {
                    Some((l, j)) if j > ind => items.push(self.parse_block(l, j)?),
                    _ => items.push(Node::new(Mark { line, col: i + 1 }, Value::Null)),
                }
                continue;
            }
            match self.classify(line, c)? {
                Start::Entry => items.push(self.block_seq(line, c)?),
                Start::Key(..) => items.push(self.block_map(line, c)?),
                Start::Other => {
                    self.at = line;
                    items.push(self.inline_value(Mark { line, col: c }, ind)?);
                }
            }
            self.at = self.at.max(line + 1);
        }
        Ok(Node::new(start, Value::Seq(items)))
    }

    /// A value that starts at `m` on its line: a flow collection, a quoted or block scalar,
    /// or a plain scalar that may continue on more-indented lines. `parent` is the
    /// indentation of the collection it belongs to. Leaves `self.at` after it.
    fn inline_value(&mut self, m: Mark, parent: usize) -> Result<Node, YamlError> {
        let t = &self.lines[m.line].text;
        match t.get(m.col) {
            Some('[') | Some('{') => {
                let (node, end) = self.flow(m)?;
                self.expect_line_end(end)?;
                Ok(node)
            }
            Some('"') | Some('\'') => {
                let (node, end) = self.quoted(m)?;
                self.expect_line_end(end)?;
                Ok(node)
            }
            Some('|') | Some('>') => self.block_scalar(m, parent),
            Some(c @ ('@' | '`')) => Err(scanner_error(
                Some(("while scanning for the next token", m)),
                &format!("found character '{c}' that cannot start any token"),
                m,
                "found character that cannot start any token",
            )
            .no_context_mark()),
            _ => self.plain(m, parent),
        }
    }

    /// After a quoted scalar or flow collection: only a comment may follow on its line.
    fn expect_line_end(&mut self, end: Mark) -> Result<(), YamlError> {
        let t = &self.lines[end.line].text;
        let c = skip_spaces(t, end.col);
        self.at = end.line + 1;
        if c < t.len() && t[c] != '#' {
            let at = Mark { line: end.line, col: c };
            if t[c] == ':' {
                return Err(scanner_error(None, "mapping values are not allowed here", at, "mapping values are not allowed in this context"));
            }
            return Err(parser_error("while parsing a block mapping", at, "expected <block end>, but found '<scalar>'", at, "did not find expected key"));
        }
        Ok(())
    }

    /// A plain scalar from `m`, folded over continuation lines indented more than `parent`.
    fn plain(&mut self, m: Mark, parent: usize) -> Result<Node, YamlError> {
        let mut parts: Vec<String> = Vec::new();
        let mut line = m.line;
        let mut col = m.col;
        let mut blank_run = 0;
        loop {
            let t = &self.lines[line].text;
            let mut end = t.len();
            let mut i = col;
            while i < t.len() {
                let c = t[i];
                if c == '#' && i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t') {
                    end = i;
                    break;
                }
                if c == ':' && matches!(t.get(i + 1), None | Some(' ') | Some('\t')) {
                    return Err(scanner_error(None, "mapping values are not allowed here", Mark { line, col: i }, "mapping values are not allowed in this context"));
                }
                i += 1;
            }
            let piece: String = t[col..end].iter().collect::<String>().trim().to_string();
            let had_comment = end < t.len();
            if !piece.is_empty() {
                if !parts.is_empty() {
                    if blank_run > 0 {
                        parts.push("\n".repeat(blank_run));
                    } else {
                        parts.push(" ".into());
                    }
                }
                parts.push(piece);
            }
            self.at = line + 1;
            if had_comment {
                break;
            }
            // Continuation: the next non-blank line indented more than the parent, which
            // is neither a key nor an entry of the parent.
            let mut next = line + 1;
            let mut blanks = 0;
            while next < self.lines.len() && self.lines[next].text.iter().all(|c| *c == ' ' || *c == '\t') {
                next += 1;
                blanks += 1;
            }
            if next >= self.lines.len() {
                break;
            }
            let Some(ind) = self.indent_of(next)? else { break };
            if ind <= parent || (ind == 0 && m.col == 0) {
                break;
            }
            line = next;
            col = ind;
            blank_run = blanks;
        }
        let text: String = parts.concat();
        Ok(Node::new(m, plain_value(text)))
    }

    /// A quoted scalar starting at `m`; returns it and the mark after the closing quote.
    fn quoted(&self, m: Mark) -> Result<(Node, Mark), YamlError> {
        let q = self.char_at(m).unwrap_or('"');
        let mut out = String::new();
        let mut line = m.line;
        let mut col = m.col + 1;
        loop {
            let mut escaped_break = false;
            let Some(t) = self.lines.get(line).map(|l| &l.text) else {
                return Err(scanner_error(Some(("while scanning a quoted scalar", m)), "found unexpected end of stream", self.end, "found unexpected end of stream"));
            };
            while col < t.len() {
                let c = t[col];
                if c == q {
                    if q == '\'' && t.get(col + 1) == Some(&'\'') {
                        out.push('\'');
                        col += 2;
                        continue;
                    }
                    return Ok((Node::new(m, Value::Scalar { text: out, quoted: true }), Mark { line, col: col + 1 }));
                }
                if q == '"' && c == '\\' {
                    let Some(e) = t.get(col + 1).copied() else {
                        // An escaped line break joins the lines.
                        escaped_break = true;
                        break;
                    };
                    let simple = match e {
                        'n' => Some('\n'),
                        't' | '\t' => Some('\t'),
                        'r' => Some('\r'),
                        '0' => Some('\0'),
                        '\\' => Some('\\'),
                        '"' => Some('"'),
                        '/' => Some('/'),
                        ' ' => Some(' '),
                        'a' => Some('\x07'),
                        'b' => Some('\x08'),
                        'e' => Some('\x1b'),
                        'f' => Some('\x0c'),
                        'v' => Some('\x0b'),
                        _ => None,
                    };
                    if let Some(s) = simple {
                        out.push(s);
                        col += 2;
                        continue;
                    }
                    let width = match e {
                        'x' => 2,
                        'u' => 4,
                        'U' => 8,
                        _ => 0,
                    };
                    let hex: String = t.iter().skip(col + 2).take(width).collect();
                    match (width > 0 && hex.len() == width).then(|| u32::from_str_radix(&hex, 16).ok()).flatten().and_then(char::from_u32) {
                        Some(ch) => {
                            out.push(ch);
                            col += 2 + width;
                            continue;
                        }
                        None => {
                            let at = Mark { line, col: col + 1 };
                            return Err(scanner_error(
                                Some(("while scanning a double-quoted scalar", m)),
                                &format!("found unknown escape character '{e}'"),
                                at,
                                "found unknown escape character while parsing a quoted scalar",
                            ));
                        }
                    }
                }
                out.push(c);
                col += 1;
            }
            // The line ends inside the quotes: trailing spaces go, and the break folds
            // into a space (or into newlines for blank lines).
            let trimmed = out.trim_end_matches([' ', '\t']).len();
            out.truncate(trimmed);
            line += 1;
            let mut blanks = 0;
            while self.lines.get(line).is_some_and(|l| l.text.iter().all(|c| *c == ' ' || *c == '\t')) {
                line += 1;
                blanks += 1;
            }
            if self.lines.get(line).is_none() {
                return Err(scanner_error(Some(("while scanning a quoted scalar", m)), "found unexpected end of stream", self.end, "found unexpected end of stream"));
            }
            if blanks > 0 {
                out.push_str(&"\n".repeat(blanks));
            } else if !escaped_break {
                out.push(' ');
            }
            let lt = &self.lines[line].text;
            col = lt.iter().take_while(|c| **c == ' ' || **c == '\t').count();
        }
    }

    /// `|` or `>` and the more-indented lines after it.
    fn block_scalar(&mut self, m: Mark, parent: usize) -> Result<Node, YamlError> {
        let t = &self.lines[m.line].text;
        let folded = t[m.col] == '>';
        let header: String = t[m.col + 1..].iter().collect();
        let header = header.split(" #").next().unwrap_or("").trim().to_string();
        let keep = header.contains('+');
        let strip = header.contains('-');
        let explicit: Option<usize> = header.chars().find(|c| c.is_ascii_digit()).and_then(|c| c.to_digit(10)).map(|d| d as usize);
        let mut line = m.line + 1;
        let mut block_ind = explicit.map(|d| parent + d);
        let mut lines: Vec<String> = Vec::new();
        while line < self.lines.len() {
            let lt = &self.lines[line].text;
            let n = lt.iter().take_while(|c| **c == ' ').count();
            let blank = lt.iter().all(|c| *c == ' ');
            if blank {
                lines.push(String::new());
                line += 1;
                continue;
            }
            let ind = *block_ind.get_or_insert(n);
            if n < ind || n <= parent && !(parent == 0 && m.col == 0) {
                break;
            }
            lines.push(lt[ind..].iter().collect());
            line += 1;
        }
        self.at = line;
        // Trailing blank lines belong to the chomping, not the content.
        let content_end = lines.iter().rposition(|l| !l.is_empty()).map(|p| p + 1).unwrap_or(0);
        let trailing = lines.len() - content_end;
        let body = &lines[..content_end];
        let mut text = String::new();
        if folded {
            let mut prev_more = false;
            for (i, l) in body.iter().enumerate() {
                let more = l.starts_with(' ') || l.starts_with('\t');
                if i > 0 {
                    if l.is_empty() || body[i - 1].is_empty() || more || prev_more {
                        text.push('\n');
                    } else {
                        text.push(' ');
                    }
                }
                prev_more = more;
                text.push_str(l);
            }
        } else {
            text = body.join("\n");
        }
        if !body.is_empty() && !strip {
            text.push('\n');
        }
        if keep {
            text.push_str(&"\n".repeat(trailing));
        }
        Ok(Node::new(m, Value::Scalar { text, quoted: true }))
    }

    /// A flow collection starting at `m` (`[` or `{`); returns it and the mark after it.
    fn flow(&self, m: Mark) -> Result<(Node, Mark), YamlError> {
        let mut cur = m;
        self.flow_node(&mut cur)
    }

    /// The next character of flow content at or after `cur`, skipping spaces, line breaks
    /// and comments.
    fn flow_skip(&self, cur: &mut Mark) {
        loop {
            let Some(t) = self.lines.get(cur.line).map(|l| &l.text) else { return };
            while cur.col < t.len() && (t[cur.col] == ' ' || t[cur.col] == '\t') {
                cur.col += 1;
            }
            if cur.col < t.len() && t[cur.col] != '#' {
                return;
            }
            cur.line += 1;
            cur.col = 0;
            if cur.line >= self.lines.len() {
                *cur = self.end;
                return;
            }
        }
    }

    fn flow_node(&self, cur: &mut Mark) -> Result<(Node, Mark), YamlError> {
        let start = *cur;
        let open = self.char_at(start).unwrap_or('[');
        let (close, what) = if open == '[' { (']', "sequence") } else { ('}', "mapping") };
        cur.col += 1;
        let mut items = Vec::new();
        let mut pairs = Vec::new();
        loop {
            self.flow_skip(cur);
            let Some(c) = self.char_at(*cur) else {
                return Err(parser_error(
                    &format!("while parsing a flow {what}"),
                    start,
                    &format!("expected ',' or '{close}', but got '<stream end>'"),
                    *cur,
                    &format!("did not find expected ',' or '{close}'"),
                ));
            };
            if c == close {
                cur.col += 1;
                let v = if open == '[' { Value::Seq(items) } else { Value::Map(pairs) };
                return Ok((Node::new(start, v), *cur));
            }
            let item = self.flow_item(cur, close)?;
            self.flow_skip(cur);
            let value = if self.char_at(*cur) == Some(':') {
                cur.col += 1;
                self.flow_skip(cur);
                match self.char_at(*cur) {
                    Some(',') => None,
                    Some(ch) if ch == close => None,
                    _ => Some(self.flow_item(cur, close)?),
                }
            } else {
                None
            };
            if open == '[' {
                match value {
                    Some(v) => items.push(Node::new(item.mark, Value::Map(vec![(item, v)]))),
                    None => items.push(item),
                }
            } else {
                let mk = item.mark;
                pairs.push((item, value.unwrap_or(Node::new(mk, Value::Null))));
            }
            self.flow_skip(cur);
            match self.char_at(*cur) {
                Some(',') => cur.col += 1,
                Some(ch) if ch == close => {}
                other => {
                    let got = match other {
                        None => "<stream end>",
                        Some('[') => "'['",
                        Some('{') => "'{'",
                        _ => "<scalar>",
                    };
                    let got = if got.starts_with('<') { format!("'{got}'") } else { got.to_string() };
                    return Err(parser_error(
                        &format!("while parsing a flow {what}"),
                        start,
                        &format!("expected ',' or '{close}', but got {got}"),
                        *cur,
                        &format!("did not find expected ',' or '{close}'"),
                    ));
                }
            }
        }
    }

    fn flow_item(&self, cur: &mut Mark, close: char) -> Result<Node, YamlError> {
        let start = *cur;
        match self.char_at(start) {
            Some('[') | Some('{') => {
                let (n, end) = self.flow_node(cur)?;
                *cur = end;
                Ok(n)
            }
            Some('"') | Some('\'') => {
                let (n, end) = self.quoted(start)?;
                *cur = end;
                Ok(n)
            }
            _ => {
                // A plain scalar in flow context ends at `,`, the closing bracket, `: `, or
                // the end of the line (it may continue on the next line).
                let mut text = String::new();
                while let Some(t) = self.lines.get(cur.line).map(|l| &l.text) {
                    let mut stop = false;
                    while cur.col < t.len() {
                        let c = t[cur.col];
                        if c == ',' || c == close || c == ']' || c == '}' || (c == '#' && text.ends_with(' ')) {
                            stop = true;
                            break;
                        }
                        if c == ':' && matches!(t.get(cur.col + 1), None | Some(' ') | Some(',') | Some(']') | Some('}')) {
                            stop = true;
                            break;
                        }
                        text.push(c);
                        cur.col += 1;
                    }
                    if stop {
                        break;
                    }
                    let mut probe = Mark { line: cur.line + 1, col: 0 };
                    self.flow_skip(&mut probe);
                    if probe.line >= self.lines.len() || matches!(self.char_at(probe), Some(',') | Some(']') | Some('}') | Some(':')) {
                        break;
                    }
                    *cur = probe;
                    text.push(' ');
                }
                Ok(Node::new(start, plain_value(text.trim().to_string())))
            }
        }
    }
}

impl YamlError {
    fn no_context_mark(self) -> YamlError {
        YamlError { context_mark: None, ..self }
    }
}

fn plain_value(text: String) -> Value {
    if text.is_empty() || text == "~" || text == "null" || text == "Null" || text == "NULL" {
        Value::Null
    } else {
        Value::Scalar { text, quoted: false }
    }
}

fn skip_spaces(t: &[char], mut i: usize) -> usize {
    while i < t.len() && (t[i] == ' ' || t[i] == '\t') {
        i += 1;
    }
    i
}

/// The colon that ends a plain key on a block line (`key: value`, `key:`), if any.
fn find_value_colon(t: &[char], from: usize) -> Option<usize> {
    let mut i = from;
    while i < t.len() {
        let c = t[i];
        if c == '#' && i > from && (t[i - 1] == ' ' || t[i - 1] == '\t') {
            return None;
        }
        if c == ':' && matches!(t.get(i + 1), None | Some(' ') | Some('\t')) {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::Scalar { text: text.into(), quoted: false }
    }

    fn article() -> &'static str {
        "version: '3.1'\n\nservices:\n\n  db:\n    image: mysql\n    platform: 'linux/amd64'\n    command: --default-authentication-plugin=mysql_native_password\n    restart: always\n    environment:\n      MYSQL_ROOT_PASSWORD: example\n"
    }

    #[test]
    fn the_articles_file() {
        let doc = parse(article()).expect("parses").expect("a document");
        assert_eq!(doc.get("version").and_then(Node::as_str), Some("3.1"));
        let db = doc.get("services").and_then(|s| s.get("db")).expect("db");
        assert_eq!(db.get("image").map(|n| &n.value), Some(&s("mysql")));
        assert_eq!(db.get("platform").and_then(Node::as_str), Some("linux/amd64"));
        assert_eq!(db.get("command").and_then(Node::as_str), Some("--default-authentication-plugin=mysql_native_password"));
        assert_eq!(db.get("environment").and_then(|e| e.get("MYSQL_ROOT_PASSWORD")).and_then(Node::as_str), Some("example"));
        assert_eq!(db.mark, Mark { line: 5, col: 4 });
    }

    #[test]
    fn sequences_flow_and_comments() {
        let doc = parse("a:\n- x # c\n- 'y'\nb: [\"s\", t, [u]]  # end\nc: {k: v, w: 1}\nd:\n  - e: 1\n    f: 2\n  -\n    g\n").expect("ok").expect("doc");
        assert_eq!(doc.get("a").map(|n| &n.value), Some(&Value::Seq(vec![Node::new(Mark { line: 1, col: 2 }, s("x")), Node::new(Mark { line: 2, col: 2 }, Value::Scalar { text: "y".into(), quoted: true })])));
        let Some(Value::Seq(b)) = doc.get("b").map(|n| &n.value) else { panic!("seq") };
        assert_eq!(b.len(), 3);
        assert_eq!(doc.get("c").and_then(|c| c.get("w")).and_then(Node::as_str), Some("1"));
        let Some(Value::Seq(d)) = doc.get("d").map(|n| &n.value) else { panic!("seq") };
        assert_eq!(d[0].get("f").and_then(Node::as_str), Some("2"));
        assert_eq!(d[1].as_str(), Some("g"));
    }

    #[test]
    fn scalars_fold_and_escape() {
        let doc = parse("a: \"x\\ty\\u00e9\"\nb: 'it''s'\nc: one\n  two\nd: |\n  l1\n  l2\ne: >-\n  f1\n  f2\nf:\ng: ~\n").expect("ok").expect("doc");
        assert_eq!(doc.get("a").and_then(Node::as_str), Some("x\ty\u{e9}"));
        assert_eq!(doc.get("b").and_then(Node::as_str), Some("it's"));
        assert_eq!(doc.get("c").and_then(Node::as_str), Some("one two"));
        assert_eq!(doc.get("d").and_then(Node::as_str), Some("l1\nl2\n"));
        assert_eq!(doc.get("e").and_then(Node::as_str), Some("f1 f2"));
        assert_eq!(doc.get("f").map(|n| &n.value), Some(&Value::Null));
        assert_eq!(doc.get("g").map(|n| &n.value), Some(&Value::Null));
    }

    #[test]
    fn errors_in_both_wordings() {
        let e = parse("version: \"3.1\"\nservices:\n  db:\n    image: alpine:3.15\n    command: sleep: 1000\n").expect_err("error");
        assert_eq!(e.pyyaml("./docker-compose.yml"), "yaml.scanner.ScannerError: mapping values are not allowed here\n  in \"./docker-compose.yml\", line 5, column 19");
        assert_eq!(e.go(), "yaml: line 5: mapping values are not allowed in this context");
        let e = parse("version: \"3.1\"\nservices:\n  db:\n    image: alpine:3.15\n   command: sleep 1000\n").expect_err("error");
        assert_eq!(e.pyyaml("f"), "yaml.parser.ParserError: while parsing a block mapping\n  in \"f\", line 3, column 3\nexpected <block end>, but found '<block mapping start>'\n  in \"f\", line 5, column 4");
        assert_eq!(e.go(), "yaml: line 4: did not find expected key");
        assert_eq!(parse("").expect("ok"), None);
        assert_eq!(parse("# only a comment\n").expect("ok"), None);
    }
}
