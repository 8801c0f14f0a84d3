//! JSON as the docker CLI sees it: documents keep their key order (the daemon's structs
//! decide it, and `docker inspect` prints it back unchanged), numbers keep their text, and
//! encoding escapes like Go's `encoding/json`. `indent` is Go's `json.Indent` on raw bytes.

/// A JSON value whose objects keep their keys in document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number's text as it appeared (or as Go would print it).
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// Deepest nesting accepted, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 200;

impl Json {
    pub fn str(s: &str) -> Json {
        Json::Str(s.to_string())
    }
    pub fn int(n: i64) -> Json {
        Json::Num(n.to_string())
    }
    pub fn obj(fields: Vec<(&str, Json)>) -> Json {
        Json::Obj(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    pub fn strs(v: &[String]) -> Json {
        Json::Arr(v.iter().map(|s| Json::Str(s.clone())).collect())
    }
    /// The value of `key` in an object (the last one, as Go's decoder keeps).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(f) => f.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// The value of `key` in an object, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Obj(f) => f.iter_mut().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// Follows a path of object keys.
    pub fn at(&self, path: &[&str]) -> Option<&Json> {
        let mut v = self;
        for k in path {
            v = v.get(k)?;
        }
        Some(v)
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    /// A string field, "" when absent or not a string (Go's zero value).
    pub fn s(&self, key: &str) -> String {
        self.get(key).and_then(Json::as_str).unwrap_or("").to_string()
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Num(n) => n.parse::<i64>().ok().or_else(|| n.parse::<f64>().ok().map(|f| f as i64)),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => n.parse::<f64>().ok(),
            _ => None,
        }
    }
    /// An integer field, 0 when absent.
    pub fn i(&self, key: &str) -> i64 {
        self.get(key).and_then(Json::as_i64).unwrap_or(0)
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn b(&self, key: &str) -> bool {
        self.get(key).and_then(Json::as_bool).unwrap_or(false)
    }
    pub fn as_arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            _ => &[],
        }
    }
    pub fn as_obj(&self) -> &[(String, Json)] {
        match self {
            Json::Obj(o) => o,
            _ => &[],
        }
    }
    /// A list of strings field (null or absent: empty).
    pub fn strings(&self, key: &str) -> Vec<String> {
        self.get(key).map(|v| v.as_arr().iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// Compact encoding as Go's encoder writes it (`escape_html`: `json.Marshal`'s
    /// `\u003c` for `<`, `>`, `&`; the CLI's `json` template function turns it off).
    pub fn encode(&self, escape_html: bool) -> String {
        let mut out = String::new();
        self.encode_into(&mut out, escape_html);
        out
    }

    fn encode_into(&self, out: &mut String, esc: bool) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => quote_into(out, s, esc),
            Json::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.encode_into(out, esc);
                }
                out.push(']');
            }
            Json::Obj(o) => {
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    quote_into(out, k, esc);
                    out.push(':');
                    v.encode_into(out, esc);
                }
                out.push('}');
            }
        }
    }
}

/// A Go JSON string literal.
pub fn quote(s: &str, escape_html: bool) -> String {
    let mut out = String::new();
    quote_into(&mut out, s, escape_html);
    out
}

fn quote_into(out: &mut String, s: &str, esc: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if esc => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse(bytes: &[u8]) -> Result<Json, String> {
    let mut p = Parser { b: bytes, i: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(format!("invalid character {} after top-level value", p.describe()));
    }
    Ok(v)
}

/// Parses a stream of concatenated documents (pull progress, load output). Stops at the first
/// error, returning what was decoded before it and the error.
pub fn parse_stream(bytes: &[u8]) -> (Vec<Json>, Option<String>) {
    let mut p = Parser { b: bytes, i: 0 };
    let mut out = Vec::new();
    loop {
        p.ws();
        if p.i >= p.b.len() {
            return (out, None);
        }
        match p.value(0) {
            Ok(v) => out.push(v),
            Err(e) => return (out, Some(e)),
        }
    }
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn describe(&self) -> String {
        match self.b.get(self.i) {
            Some(c) if c.is_ascii_graphic() || *c == b' ' => format!("'{}'", *c as char),
            Some(c) => format!("'\\x{c:02x}'"),
            None => "EOF".into(),
        }
    }
    fn err<T>(&self, ctx: &str) -> Result<T, String> {
        if self.i >= self.b.len() {
            Err("unexpected end of JSON input".into())
        } else {
            Err(format!("invalid character {} {ctx}", self.describe()))
        }
    }
    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err("exceeded max depth".into());
        }
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Json::Obj(fields));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return self.err("looking for beginning of object key string");
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return self.err("after object key");
                    }
                    self.i += 1;
                    self.ws();
                    let v = self.value(depth + 1)?;
                    fields.push((k, v));
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Obj(fields));
                        }
                        _ => return self.err("after object key:value pair"),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => return self.err("after array element"),
                    }
                }
            }
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') => self.lit("true", Json::Bool(true)),
            Some(b'f') => self.lit("false", Json::Bool(false)),
            Some(b'n') => self.lit("null", Json::Null),
            Some(c) if *c == b'-' || c.is_ascii_digit() => self.number(),
            _ => self.err("looking for beginning of value"),
        }
    }
    fn lit(&mut self, word: &str, v: Json) -> Result<Json, String> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            return Ok(v);
        }
        let start = self.i;
        while self.i < self.b.len() && self.i - start < word.len() && self.b[self.i] == word.as_bytes()[self.i - start] {
            self.i += 1;
        }
        let expecting = word.as_bytes().get(self.i - start).map(|c| *c as char).unwrap_or(' ');
        self.err(&format!("in literal {word} (expecting '{expecting}')"))
    }
    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(c) if c.is_ascii_digit() => {
                while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
            }
            _ => return self.err("in numeric literal"),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                return self.err("after decimal point in numeric literal");
            }
            while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e') | Some(b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+') | Some(b'-')) {
                self.i += 1;
            }
            if !self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                return self.err("in exponent of numeric literal");
            }
            while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                self.i += 1;
            }
        }
        Ok(Json::Num(String::from_utf8_lossy(&self.b[start..self.i]).into_owned()))
    }
    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.i..self.i + 4)?;
        let v = u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
        self.i += 4;
        Some(v)
    }
    fn string(&mut self) -> Result<String, String> {
        self.i += 1; // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.b.get(self.i) else { return Err("unexpected end of JSON input".into()) };
            match c {
                b'"' => {
                    self.i += 1;
                    // Invalid UTF-8 becomes U+FFFD, as Go's decoder does.
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else { return Err("unexpected end of JSON input".into()) };
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let Some(u) = self.hex4() else { return self.err("in \\u hexadecimal character escape") };
                            let ch = if (0xD800..0xDC00).contains(&u) && self.b.get(self.i..self.i + 2) == Some(b"\\u") {
                                let save = self.i;
                                self.i += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => char::from_u32(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)),
                                    _ => {
                                        self.i = save;
                                        None
                                    }
                                }
                            } else {
                                char::from_u32(u)
                            };
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.unwrap_or('\u{fffd}').encode_utf8(&mut buf).as_bytes());
                        }
                        _ => {
                            self.i -= 1;
                            return self.err("in string escape code");
                        }
                    }
                }
                c if c < 0x20 => return self.err("in string literal"),
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

/// Go's `json.Indent(dst, src, prefix, indent)`: re-indents raw JSON, keeping strings and
/// numbers byte for byte; `{}` and `[]` stay compact; leading whitespace is dropped and
/// trailing whitespace kept.
pub fn indent(src: &[u8], prefix: &str, ind: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len() * 2);
    let mut depth = 0usize;
    let mut i = 0;
    // Skip leading whitespace.
    while i < src.len() && matches!(src[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend_from_slice(prefix.as_bytes());
        for _ in 0..depth {
            out.extend_from_slice(ind.as_bytes());
        }
    };
    let mut need_indent = false;
    let start_trailing = {
        let mut e = src.len();
        while e > i && matches!(src[e - 1], b' ' | b'\t' | b'\n' | b'\r') {
            e -= 1;
        }
        e
    };
    while i < start_trailing {
        let c = src[i];
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        if need_indent && c != b']' && c != b'}' {
            need_indent = false;
            depth += 1;
            newline(&mut out, depth);
        }
        match c {
            b'"' => {
                let s = i;
                i += 1;
                while i < src.len() {
                    match src[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                out.extend_from_slice(&src[s..i.min(src.len())]);
                continue;
            }
            b'{' | b'[' => {
                out.push(c);
                need_indent = true;
            }
            b',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            b':' => {
                out.push(c);
                out.push(b' ');
            }
            b'}' | b']' => {
                if need_indent {
                    need_indent = false;
                } else {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out.extend_from_slice(&src[start_trailing.max(i.min(src.len()))..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_numbers_are_kept() {
        let v = parse(br#"{"b":1,"a":[1.50,-2e3,null,true],"c":{"x":"\u003c\n"}}"#).expect("parses");
        assert_eq!(v.encode(false), r#"{"b":1,"a":[1.50,-2e3,null,true],"c":{"x":"<\n"}}"#);
        assert_eq!(v.encode(true), r#"{"b":1,"a":[1.50,-2e3,null,true],"c":{"x":"\u003c\n"}}"#);
        assert_eq!(v.at(&["c", "x"]).and_then(Json::as_str), Some("<\n"));
    }

    #[test]
    fn errors_are_go_like() {
        assert_eq!(parse(b""), Err("unexpected end of JSON input".into()));
        assert_eq!(parse(b"{\"a\":1"), Err("unexpected end of JSON input".into()));
        assert!(parse(b"[1,]").is_err());
        assert!(parse(&[b'['; 1000]).is_err());
        let (docs, err) = parse_stream(b"{\"a\":1}\r\n{\"b\":2}\n");
        assert_eq!((docs.len(), err), (2, None));
    }

    #[test]
    fn indent_like_go() {
        let got = indent(b"[{\"a\":[],\"b\":{},\"c\":[1,2],\"d\":\"x, y\"}\n]", "", "    ");
        let want = "[\n    {\n        \"a\": [],\n        \"b\": {},\n        \"c\": [\n            1,\n            2\n        ],\n        \"d\": \"x, y\"\n    }\n]";
        assert_eq!(String::from_utf8_lossy(&got), want);
    }
}
