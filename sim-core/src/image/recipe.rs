//! Image recipes: the small Dockerfile subset `assets/images/*/Dockerfile` is written in.
//!
//! Instructions: FROM, ADD, COPY, ENV, WORKDIR, USER, EXPOSE, ENTRYPOINT, CMD, STOPSIGNAL,
//! LABEL, VOLUME, and RUN. A RUN cannot run anything here, so it states its file effects:
//! `RUN --effects=FILE.tree <command as the real Dockerfile has it>`. Header comments give what
//! a Dockerfile leaves to the build command: `# image: NAME:TAG`, `# platforms: linux/amd64 ...`
//! and `# created: RFC 3339 time` (fixed, so every build gives the same digests).

use super::oci::Platform;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    From(String),
    /// ADD or COPY of a recipe file (a `.tree` unpacks like a tarball) to a destination.
    Add { copy: bool, src: String, dest: String },
    Env(Vec<(String, String)>),
    Workdir(String),
    User(String),
    Expose(Vec<String>),
    Entrypoint(Vec<String>),
    Cmd(Vec<String>),
    StopSignal(String),
    Label(Vec<(String, String)>),
    Volume(Vec<String>),
    Run { command: String, effects: Option<String> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipe {
    pub name: String,
    pub platforms: Vec<Platform>,
    pub created: String,
    pub steps: Vec<Step>,
    /// The instruction text of each step, for the image history (`#(nop)` lines).
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipeError {
    pub line: usize,
    pub problem: String,
}

impl std::fmt::Display for RecipeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dockerfile line {}: {}", self.line, self.problem)
    }
}

/// Joins continuation lines (`\` at the end) and drops comments, keeping line numbers.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    for (i, raw) in text.lines().enumerate() {
        // A continuation keeps its leading whitespace, as Docker's parser does.
        let line = if cur.is_empty() { raw.trim() } else { raw.trim_end() };
        if cur.is_empty() {
            start = i + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
        } else if line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(body) = line.strip_suffix('\\') {
            cur.push_str(body);
            continue;
        }
        cur.push_str(line);
        out.push((start, std::mem::take(&mut cur)));
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}

/// A JSON array (`["a","b"]`) or shell form (`a b` -> `/bin/sh -c "a b"`).
fn exec_form(arg: &str) -> Result<Vec<String>, String> {
    if arg.starts_with('[') {
        serde_json::from_str::<Vec<String>>(arg).map_err(|e| format!("bad JSON array: {e}"))
    } else {
        Ok(vec!["/bin/sh".into(), "-c".into(), arg.to_string()])
    }
}

/// `k=v k2="v 2"` or the old `k v` form.
fn pairs(arg: &str) -> Result<Vec<(String, String)>, String> {
    if !arg.contains('=') {
        let (k, v) = arg.split_once(' ').ok_or("expected KEY VALUE")?;
        return Ok(vec![(k.to_string(), v.trim().to_string())]);
    }
    let mut out = Vec::new();
    let mut rest = arg.trim();
    while !rest.is_empty() {
        let (k, after) = rest.split_once('=').ok_or_else(|| format!("expected KEY=VALUE in {rest:?}"))?;
        let (v, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"').ok_or("unterminated quote")?;
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = after.find(' ').unwrap_or(after.len());
            (after[..end].to_string(), &after[end..])
        };
        out.push((k.trim().to_string(), v));
        rest = next.trim_start();
    }
    Ok(out)
}

fn header(text: &str, key: &str) -> Option<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('#'))
        .filter_map(|l| l.trim().strip_prefix(key))
        .filter_map(|l| l.strip_prefix(':'))
        .map(|v| v.trim().to_string())
        .next()
}

pub fn parse(text: &str) -> Result<Recipe, RecipeError> {
    let err = |line, problem: String| RecipeError { line, problem };
    let name = header(text, "image").ok_or_else(|| err(1, "missing `# image: NAME:TAG` header".into()))?;
    let created = header(text, "created").ok_or_else(|| err(1, "missing `# created:` header".into()))?;
    let platforms = header(text, "platforms")
        .unwrap_or_else(|| "linux/amd64".into())
        .split_whitespace()
        .map(|p| Platform::parse(p).ok_or_else(|| err(1, format!("bad platform {p:?}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let mut steps = Vec::new();
    let mut sources = Vec::new();
    for (n, line) in logical_lines(text) {
        let (instr, arg) = line.split_once(char::is_whitespace).unwrap_or((line.as_str(), ""));
        let arg = arg.trim();
        let step = match instr.to_ascii_uppercase().as_str() {
            "FROM" => Step::From(arg.to_string()),
            i @ ("ADD" | "COPY") => {
                let w: Vec<&str> = arg.split_whitespace().collect();
                let [src, dest] = w.as_slice() else { return Err(err(n, format!("{i} needs SRC DEST"))) };
                Step::Add { copy: i == "COPY", src: src.to_string(), dest: dest.to_string() }
            }
            "ENV" => Step::Env(pairs(arg).map_err(|p| err(n, p))?),
            "LABEL" => Step::Label(pairs(arg).map_err(|p| err(n, p))?),
            "WORKDIR" => Step::Workdir(arg.to_string()),
            "USER" => Step::User(arg.to_string()),
            "EXPOSE" => Step::Expose(arg.split_whitespace().map(str::to_string).collect()),
            "ENTRYPOINT" => Step::Entrypoint(exec_form(arg).map_err(|p| err(n, p))?),
            "CMD" => Step::Cmd(exec_form(arg).map_err(|p| err(n, p))?),
            "STOPSIGNAL" => Step::StopSignal(arg.to_string()),
            "VOLUME" => Step::Volume(exec_form(arg).ok().filter(|_| arg.starts_with('[')).unwrap_or_else(|| {
                arg.split_whitespace().map(str::to_string).collect()
            })),
            "RUN" => match arg.strip_prefix("--effects=") {
                Some(r) => {
                    let (file, cmd) = r.split_once(' ').unwrap_or((r, ""));
                    Step::Run { command: cmd.trim().to_string(), effects: Some(file.to_string()) }
                }
                None => Step::Run { command: arg.to_string(), effects: None },
            },
            other => return Err(err(n, format!("unknown instruction: {other}"))),
        };
        if steps.is_empty() && !matches!(step, Step::From(_)) {
            return Err(err(n, "the first instruction must be FROM".into()));
        }
        steps.push(step);
        sources.push(line);
    }
    if steps.is_empty() {
        return Err(err(1, "file with no instructions".into()));
    }
    Ok(Recipe { name, platforms, created, steps, sources })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_subset() {
        let r = parse(
            "# image: web:1\n# created: 2022-01-01T00:00:00Z\n# platforms: linux/amd64 linux/arm64/v8\n\
             FROM alpine:3.15\nENV A=1 B=\"two words\"\nRUN --effects=x.tree set -x \\\n  && adduser web\n\
             EXPOSE 80/tcp\nSTOPSIGNAL SIGQUIT\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\nENTRYPOINT echo hi\n",
        )
        .expect("parses");
        assert_eq!(r.platforms.len(), 2);
        assert_eq!(r.steps[1], Step::Env(vec![("A".into(), "1".into()), ("B".into(), "two words".into())]));
        assert_eq!(r.steps[2], Step::Run { command: "set -x   && adduser web".into(), effects: Some("x.tree".into()) });
        assert_eq!(r.steps[6], Step::Entrypoint(vec!["/bin/sh".into(), "-c".into(), "echo hi".into()]));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("# image: a:1\n# created: x\nFROM scratch\nFROB x\n").expect_err("unknown");
        assert_eq!((e.line, e.problem.as_str()), (4, "unknown instruction: FROB"));
        assert!(parse("# image: a:1\n# created: x\nCMD x\n").is_err());
        assert!(parse("# created: x\nFROM scratch\n").is_err());
    }
}
