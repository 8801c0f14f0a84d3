//! Terminal control sequences in program output: the page shows plain text, so sequences
//! are removed, except the one that matters, "clear the screen".

/// What `clear` prints: cursor home, erase the screen.
const CLEAR: &str = "\x1b[H\x1b[2J";

/// Splits output at its last screen clear: `(true, text after it)` if the screen was
/// cleared, else `(false, output)`.
pub fn split_clear(output: &str) -> (bool, &str) {
    match output.rfind(CLEAR) {
        Some(i) => (true, &output[i + CLEAR.len()..]),
        None => (false, output),
    }
}

/// Removes escape sequences: CSI (`ESC [ params final`), OSC (`ESC ] ... BEL|ESC \`) and
/// two-byte `ESC x` sequences. Other text, tabs and newlines are kept.
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            if c != '\r' {
                out.push(c);
            }
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameters and intermediates, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn strips_csi_and_osc() {
        assert_eq!(strip("a\x1b[1;31mred\x1b[0m b\x1b]0;title\x07c"), "ared bc");
        assert_eq!(strip("x\r\n\ty"), "x\n\ty");
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn finds_last_clear() {
        assert_eq!(split_clear("old\x1b[H\x1b[2J\x1b[3Jnew"), (true, "\x1b[3Jnew"));
        assert_eq!(split_clear("plain"), (false, "plain"));
    }
}
