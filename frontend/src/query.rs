//! The page's URL parameters, i.e. the permalink:
//! `?lesson=ID&step=N&lang=ja&cmds=LINE%0ALINE&since=K` reproduces a session (the
//! commands, one per line, typed again; the last K of them typed during step N) and a
//! lesson position; `?mode=sandbox&cmds=...` a sandbox.
//! `?run=cmd1;cmd2` (commands split at `;`) still works; `?lesson-url=URL` loads a
//! teacher's lesson file.

/// What the URL asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub lesson: Option<String>,
    pub sandbox: bool,
    pub step: Option<usize>,
    pub lang: Option<String>,
    /// Commands to type, or None when the URL has none.
    pub commands: Option<Vec<String>>,
    /// How many of the last commands belong to the current step.
    pub since: Option<usize>,
    pub lesson_url: Option<String>,
    pub presenter: bool,
}

impl Link {
    /// Whether the URL describes a session (it then wins over the saved one).
    pub fn is_session(&self) -> bool {
        self.lesson.is_some() || self.sandbox || self.commands.is_some()
    }
}

/// The parameters of the page's URL.
pub fn current() -> Link {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    parse(&search)
}

pub fn parse(search: &str) -> Link {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(search) else {
        return Link::default();
    };
    let commands = match (params.get("cmds"), params.get("run")) {
        (Some(c), _) => Some(split_lines(&c)),
        (None, Some(r)) => Some(split_commands(&r)),
        (None, None) => None,
    };
    Link {
        lesson: params.get("lesson").filter(|s| !s.is_empty()),
        sandbox: params.get("mode").as_deref() == Some("sandbox"),
        step: params.get("step").and_then(|s| s.parse::<usize>().ok()).map(|s| s.saturating_sub(1)),
        lang: params.get("lang"),
        commands,
        since: params.get("since").and_then(|s| s.parse::<usize>().ok()),
        lesson_url: params.get("lesson-url").filter(|s| !s.is_empty()),
        presenter: params.get("presenter").as_deref() == Some("1"),
    }
}

/// The permalink of a session: the page's address with the parameters of `link`.
pub fn permalink(link: &Link) -> String {
    let base = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new() else { return base };
    if let Some(id) = &link.lesson {
        params.append("lesson", id);
    } else {
        params.append("mode", "sandbox");
    }
    if let Some(step) = link.step {
        params.append("step", &(step + 1).to_string());
    }
    if let Some(lang) = &link.lang {
        params.append("lang", lang);
    }
    if let Some(cmds) = &link.commands {
        params.append("cmds", &cmds.join("\n"));
    }
    if let Some(since) = link.since.filter(|n| *n > 0) {
        params.append("since", &since.to_string());
    }
    format!("{base}?{}", String::from(params.to_string()))
}

fn split_commands(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
}

fn split_lines(s: &str) -> Vec<String> {
    s.lines().map(|l| l.trim_end_matches('\r')).filter(|c| !c.trim().is_empty()).map(String::from).collect()
}

/// Drops the parameters from the address bar once they have been applied, so that a
/// reload continues the saved session instead of starting the permalink's again.
pub fn forget() {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    if loc.search().map(|s| s.is_empty()).unwrap_or(true) {
        return;
    }
    if let (Ok(history), Ok(path)) = (w.history(), loc.pathname()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

#[cfg(test)]
mod tests {
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn splits_at_semicolons() {
        assert_eq!(super::split_commands("ps aux; ;ls -l"), vec!["ps aux", "ls -l"]);
        assert_eq!(super::split_lines("ps aux; ls\n\nexit\n"), vec!["ps aux; ls", "exit"]);
    }
}
