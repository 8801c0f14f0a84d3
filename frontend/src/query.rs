//! The page's URL parameters: `?run=cmd1;cmd2` runs commands at start, like a permalink.

/// Commands from `?run=`, split at `;` (empty ones dropped). None when absent.
pub fn run_commands() -> Vec<String> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    params.get("run").map(|s| split_commands(&s)).unwrap_or_default()
}

fn split_commands(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_at_semicolons() {
        assert_eq!(super::split_commands("ps aux; ;ls -l"), vec!["ps aux", "ls -l"]);
    }
}
