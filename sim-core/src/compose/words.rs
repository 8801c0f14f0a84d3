//! `command: sh -c "echo hi"` as a list of words: POSIX shell quoting as Python's
//! `shlex.split` (docker-compose 1.29.2) and go-shellwords (compose-go) apply it. Neither
//! expands anything: `$VAR` was interpolated earlier and `*` stays a `*`.

/// Why a string could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// A quote was not closed (`shlex`: "No closing quotation").
    NoClosingQuotation,
    /// A backslash ended the string (`shlex`: "No escaped character").
    NoEscapedCharacter,
}

pub fn split(s: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err(SplitError::NoClosingQuotation),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some('\n') => {}
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => return Err(SplitError::NoClosingQuotation),
                        },
                        Some(x) => cur.push(x),
                        None => return Err(SplitError::NoClosingQuotation),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(x) => cur.push(x),
                    None => return Err(SplitError::NoEscapedCharacter),
                }
            }
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_shlex() {
        assert_eq!(split("--default-authentication-plugin=mysql_native_password").expect("ok"), ["--default-authentication-plugin=mysql_native_password"]);
        assert_eq!(split(r#"sh -c "echo hello from db && sleep 1000""#).expect("ok"), ["sh", "-c", "echo hello from db && sleep 1000"]);
        assert_eq!(split(r#"a 'b c' d\ e "f\"g" ''"#).expect("ok"), ["a", "b c", "d e", "f\"g", ""]);
        assert_eq!(split("  ").expect("ok"), Vec::<String>::new());
        assert_eq!(split("'open"), Err(SplitError::NoClosingQuotation));
        assert_eq!(split("end\\"), Err(SplitError::NoEscapedCharacter));
    }
}
