//! The errors Go's encoding/json gives dockerd for a body or a query parameter it cannot read,
//! in its words: the scanner's "invalid character 'b' looking for beginning of object key
//! string", a `json.Decoder`'s "EOF" / "unexpected EOF", `json.Unmarshal`'s "unexpected end of
//! JSON input", and "json: cannot unmarshal array into Go value of type T" for a document of
//! the wrong kind. Checked against real dockerd 20.10 (native-runner/tests/daemon_robustness.rs).

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    /// Inside an object, after a key, expecting ':'.
    Colon,
    /// Inside an object, after a value, expecting ',' or '}'.
    ObjectNext,
    /// Inside an array, after a value, expecting ',' or ']'.
    ArrayNext,
}

enum Scan {
    /// One complete value ends at this offset.
    Done(usize),
    /// The input ended inside the value.
    Truncated,
    /// Nothing but whitespace.
    Empty,
    Invalid(String),
}

/// Go's `quoteChar`: the byte in single quotes, escaped as strconv.Quote escapes it.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".into(),
        b'"' => "'\"'".into(),
        b'\\' => r"'\\'".into(),
        b'\n' => r"'\n'".into(),
        b'\r' => r"'\r'".into(),
        b'\t' => r"'\t'".into(),
        0x07 => r"'\a'".into(),
        0x08 => r"'\b'".into(),
        0x0c => r"'\f'".into(),
        0x0b => r"'\v'".into(),
        c if c < 0x20 || c == 0x7f => format!("'\\x{c:02x}'"),
        c if c < 0x80 => format!("'{}'", c as char),
        // string(byte) in Go is the rune U+00XX.
        c if c < 0xa0 => format!("'\\u{:04x}'", c),
        c => format!("'{}'", char::from(c)),
    }
}

fn invalid(c: u8, context: &str) -> Scan {
    Scan::Invalid(format!("invalid character {} {context}", quote_char(c)))
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Scans the first JSON value of `b` as Go's scanner does.
fn scan(b: &[u8]) -> Scan {
    let mut i = 0;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    if i == b.len() {
        return Scan::Empty;
    }
    let mut stack: Vec<Ctx> = Vec::new();
    loop {
        // A value begins at i (after whitespace).
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let Some(&c) = b.get(i) else { return Scan::Truncated };
        match c {
            b'{' => {
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                match b.get(i) {
                    None => return Scan::Truncated,
                    Some(b'}') => i += 1,
                    Some(b'"') => {
                        stack.push(Ctx::Colon);
                        match string(b, i) {
                            Ok(end) => i = end,
                            Err(s) => return s,
                        }
                    }
                    Some(&x) => return invalid(x, "looking for beginning of object key string"),
                }
            }
            b'[' => {
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                match b.get(i) {
                    None => return Scan::Truncated,
                    Some(b']') => i += 1,
                    Some(_) => {
                        stack.push(Ctx::ArrayNext);
                        continue;
                    }
                }
            }
            b'"' => match string(b, i) {
                Ok(end) => i = end,
                Err(s) => return s,
            },
            b'-' | b'0'..=b'9' => match number(b, i) {
                Ok(end) => i = end,
                Err(s) => return s,
            },
            b't' | b'f' | b'n' => {
                let word: &[u8] = match c {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                let name = std::str::from_utf8(word).unwrap_or("");
                for (k, &want) in word.iter().enumerate().skip(1) {
                    match b.get(i + k) {
                        None => return Scan::Truncated,
                        Some(&x) if x != want => return invalid(x, &format!("in literal {name} (expecting '{}')", want as char)),
                        _ => {}
                    }
                }
                i += word.len();
            }
            x => return invalid(x, "looking for beginning of value"),
        }
        // A value ended at i: what may follow depends on where it was.
        loop {
            let Some(top) = stack.last().copied() else { return Scan::Done(i) };
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let Some(&x) = b.get(i) else { return Scan::Truncated };
            match (top, x) {
                (Ctx::Colon, b':') => {
                    i += 1;
                    if let Some(t) = stack.last_mut() {
                        *t = Ctx::ObjectNext;
                    }
                    break;
                }
                (Ctx::Colon, x) => return invalid(x, "after object key"),
                (Ctx::ObjectNext, b',') => {
                    i += 1;
                    while i < b.len() && is_space(b[i]) {
                        i += 1;
                    }
                    match b.get(i) {
                        None => return Scan::Truncated,
                        Some(b'"') => match string(b, i) {
                            Ok(end) => {
                                i = end;
                                if let Some(t) = stack.last_mut() {
                                    *t = Ctx::Colon;
                                }
                            }
                            Err(s) => return s,
                        },
                        Some(&y) => return invalid(y, "looking for beginning of object key string"),
                    }
                }
                (Ctx::ObjectNext, b'}') | (Ctx::ArrayNext, b']') => {
                    i += 1;
                    stack.pop();
                }
                (Ctx::ObjectNext, x) => return invalid(x, "after object key:value pair"),
                (Ctx::ArrayNext, b',') => {
                    i += 1;
                    break;
                }
                (Ctx::ArrayNext, x) => return invalid(x, "after array element"),
            }
        }
    }
}

/// A string starting at `b[i] == '"'`; the offset after its closing quote.
fn string(b: &[u8], mut i: usize) -> Result<usize, Scan> {
    i += 1;
    loop {
        let Some(&c) = b.get(i) else { return Err(Scan::Truncated) };
        match c {
            b'"' => return Ok(i + 1),
            b'\\' => {
                let Some(&e) = b.get(i + 1) else { return Err(Scan::Truncated) };
                match e {
                    b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => i += 2,
                    b'u' => {
                        for k in 0..4 {
                            match b.get(i + 2 + k) {
                                None => return Err(Scan::Truncated),
                                Some(h) if h.is_ascii_hexdigit() => {}
                                Some(&h) => return Err(invalid(h, "in \\u hexadecimal character escape")),
                            }
                        }
                        i += 6;
                    }
                    e => return Err(invalid(e, "in string escape code")),
                }
            }
            c if c < 0x20 => return Err(invalid(c, "in string literal")),
            _ => i += 1,
        }
    }
}

/// A number starting at `b[i]`; the offset after it.
fn number(b: &[u8], mut i: usize) -> Result<usize, Scan> {
    let digits = |b: &[u8], mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    if b[i] == b'-' {
        i += 1;
        match b.get(i) {
            None => return Err(Scan::Truncated),
            Some(c) if c.is_ascii_digit() => {}
            Some(&c) => return Err(invalid(c, "in numeric literal")),
        }
    }
    i = if b[i] == b'0' { i + 1 } else { digits(b, i) };
    if b.get(i) == Some(&b'.') {
        i += 1;
        match b.get(i) {
            None => return Err(Scan::Truncated),
            Some(c) if c.is_ascii_digit() => i = digits(b, i),
            Some(&c) => return Err(invalid(c, "after decimal point in numeric literal")),
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        match b.get(i) {
            None => return Err(Scan::Truncated),
            Some(c) if c.is_ascii_digit() => i = digits(b, i),
            Some(&c) => return Err(invalid(c, "in exponent of numeric literal")),
        }
    }
    // A number at the very end is complete only for Unmarshal; the Decoder waits for more.
    Ok(i)
}

/// The JSON kind Go names in "cannot unmarshal KIND into ...".
fn kind(b: &[u8]) -> &'static str {
    match b.iter().find(|c| !is_space(**c)) {
        Some(b'[') => "array",
        Some(b'"') => "string",
        Some(b't' | b'f') => "bool",
        Some(b'n') => "null",
        Some(b'{') => "object",
        _ => "number",
    }
}

/// What `json.NewDecoder(body).Decode(&v)` says, v being an object of Go type `go_type`
/// (e.g. `runconfig.ContainerConfigWrapper`); None when it decodes.
pub fn decode_error(body: &[u8], go_type: &str) -> Option<String> {
    match scan(body) {
        Scan::Empty => Some("EOF".into()),
        Scan::Truncated => Some("unexpected EOF".into()),
        Scan::Invalid(m) => Some(m),
        Scan::Done(_) => match kind(body) {
            "object" | "null" => None,
            k => Some(format!("json: cannot unmarshal {k} into Go value of type {go_type}")),
        },
    }
}

/// What `json.Unmarshal(data, &v)` says about the syntax of `data` (the whole input must be
/// one value); None when it is valid JSON.
pub fn unmarshal_syntax_error(data: &[u8]) -> Option<String> {
    match scan(data) {
        Scan::Empty | Scan::Truncated => Some("unexpected end of JSON input".into()),
        Scan::Invalid(m) => Some(m),
        Scan::Done(end) => data[end..].iter().find(|c| !is_space(**c)).map(|&c| format!("invalid character {} after top-level value", quote_char(c))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "runconfig.ContainerConfigWrapper";

    #[test]
    fn decoder_errors_as_dockerd() {
        // Captured from dockerd 20.10 (POST /containers/create).
        assert_eq!(decode_error(b"{bad js", T).unwrap(), "invalid character 'b' looking for beginning of object key string");
        assert_eq!(decode_error(b"", T).unwrap(), "EOF");
        assert_eq!(decode_error(b"[]", T).unwrap(), "json: cannot unmarshal array into Go value of type runconfig.ContainerConfigWrapper");
        assert_eq!(decode_error(b"{\"Image\":", T).unwrap(), "unexpected EOF");
        assert_eq!(decode_error(b"{\"Image\" 1}", T).unwrap(), "invalid character '1' after object key");
        assert_eq!(decode_error(b"{\"a\":1 \"b\"}", T).unwrap(), "invalid character '\"' after object key:value pair");
        assert_eq!(decode_error(b"{\"a\":[1 2]}", T).unwrap(), "invalid character '2' after array element");
        assert_eq!(decode_error(b"{\"a\":tru}", T).unwrap(), "invalid character '}' in literal true (expecting 'e')");
        assert_eq!(decode_error(b"{\"a\":-x}", T).unwrap(), "invalid character 'x' in numeric literal");
        assert_eq!(decode_error(b"{\"a\":\"\\q\"}", T).unwrap(), "invalid character 'q' in string escape code");
        assert_eq!(decode_error(b"\n", T).unwrap(), "EOF");
        assert_eq!(decode_error(b"{} trailing", T), None);
        assert_eq!(decode_error(b"{\"Image\":\"alpine\",\"Cmd\":[\"ls\",\"-l\"],\"X\":{\"y\":null,\"z\":1.5e3}}", T), None);
    }

    #[test]
    fn unmarshal_errors() {
        assert_eq!(unmarshal_syntax_error(b"{bad").unwrap(), "invalid character 'b' looking for beginning of object key string");
        assert_eq!(unmarshal_syntax_error(b"{").unwrap(), "unexpected end of JSON input");
        assert_eq!(unmarshal_syntax_error(b"{}x").unwrap(), "invalid character 'x' after top-level value");
        assert_eq!(unmarshal_syntax_error(b"{\"name\":[\"x\"]}"), None);
    }
}
