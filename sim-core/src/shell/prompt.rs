//! Prompt strings: bash's `PS1` backslash escapes and zsh's `%` escapes, for the escapes
//! the profiles use (bash(1) PROMPTING; zsh(1) zshmisc "EXPANSION OF PROMPT SEQUENCES").

/// What a prompt may show.
pub struct PromptFacts<'a> {
    pub user: &'a str,
    /// The full hostname (`ip-172-30-1-40.ap-...`, `MacBook-Pro.local`).
    pub host: &'a str,
    pub pwd: &'a str,
    pub home: &'a str,
    pub uid: u32,
}

/// `$PWD` with `$HOME` written as `~`, as `\w` and `%~` show it.
fn tilde(pwd: &str, home: &str) -> String {
    if !home.is_empty() && home != "/" {
        if pwd == home {
            return "~".into();
        }
        if let Some(rest) = pwd.strip_prefix(home).filter(|r| r.starts_with('/')) {
            return format!("~{rest}");
        }
    }
    pwd.to_string()
}

fn short_host(host: &str) -> &str {
    host.split('.').next().unwrap_or(host)
}

/// bash: `\u \h \H \w \W \$ \\` (others are shown as typed).
pub fn bash(ps1: &str, f: &PromptFacts) -> String {
    let mut out = String::new();
    let mut it = ps1.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('u') => out.push_str(f.user),
            Some('h') => out.push_str(short_host(f.host)),
            Some('H') => out.push_str(f.host),
            Some('w') => out.push_str(&tilde(f.pwd, f.home)),
            Some('W') => {
                let t = tilde(f.pwd, f.home);
                let base = if t == "/" || t == "~" { t.clone() } else { t.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string() };
                out.push_str(&base);
            }
            Some('$') => out.push(if f.uid == 0 { '#' } else { '$' }),
            Some('\\') => out.push('\\'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// zsh: `%n %m %M %~ %/ %d %N~ %# %%` (N a digit count of trailing components).
pub fn zsh(ps1: &str, f: &PromptFacts) -> String {
    let mut out = String::new();
    let chars: Vec<char> = ps1.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            digits.push(chars[i]);
            i += 1;
        }
        let Some(&e) = chars.get(i) else {
            out.push('%');
            break;
        };
        i += 1;
        match e {
            'n' => out.push_str(f.user),
            'm' => out.push_str(short_host(f.host)),
            'M' => out.push_str(f.host),
            '#' => out.push(if f.uid == 0 { '#' } else { '%' }),
            '%' => out.push('%'),
            '~' | '/' | 'd' => {
                let full = if e == '~' { tilde(f.pwd, f.home) } else { f.pwd.to_string() };
                let n: usize = digits.parse().unwrap_or(0);
                out.push_str(&trailing(&full, n));
            }
            o => {
                out.push('%');
                out.push_str(&digits);
                out.push(o);
            }
        }
    }
    out
}

/// The last `n` components of a path (all of it when n is 0), as `%N~` shows them: `~` and
/// `/` count as a component of their own.
fn trailing(path: &str, n: usize) -> String {
    if n == 0 || path == "/" || path == "~" {
        return path.to_string();
    }
    let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    if comps.len() <= n {
        return path.to_string();
    }
    comps[comps.len() - n..].join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(pwd: &'a str, uid: u32) -> PromptFacts<'a> {
        PromptFacts { user: "u", host: "MacBook-Pro.local", pwd, home: "/Users/u", uid }
    }

    #[test]
    fn macos_zsh_prompt() {
        let ps1 = "%n@%m %1~ %# ";
        assert_eq!(zsh(ps1, &facts("/Users/u", 501)), "u@MacBook-Pro ~ % ");
        assert_eq!(zsh(ps1, &facts("/Users/u/src/app", 501)), "u@MacBook-Pro app % ");
        assert_eq!(zsh(ps1, &facts("/", 0)), "u@MacBook-Pro / # ");
        assert_eq!(zsh(ps1, &facts("/var/run", 501)), "u@MacBook-Pro run % ");
    }

    #[test]
    fn alpine_bash_prompt() {
        let f = PromptFacts { user: "u", host: "lima-rancher-desktop", pwd: "/Users/u", home: "/home/u.linux", uid: 501 };
        assert_eq!(bash("\\h:\\w\\$ ", &f), "lima-rancher-desktop:/Users/u$ ");
    }
}
