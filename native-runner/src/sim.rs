//! `native-runner sim`: a transcript from a script, through the same `Terminal` the page uses.

use std::io::{Read, Write};

use sim_core::{Profile, Terminal, TerminalConfig};

pub struct Options {
    pub profile: Profile,
    pub script: Option<String>,
    pub cols: usize,
    pub seed: u64,
}

pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options { profile: Profile::Linux, script: None, cols: TerminalConfig::default().cols, seed: TerminalConfig::default().seed };
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| args.get(i + 1).cloned().ok_or_else(|| format!("option '{}' requires an argument", args[i]));
        match args[i].as_str() {
            "--profile" => {
                let name = value(i)?;
                o.profile = Profile::from_name(&name).ok_or_else(|| {
                    let known: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
                    format!("unknown profile '{name}' (known: {})", known.join(", "))
                })?;
                i += 1;
            }
            "--script" => {
                o.script = Some(value(i)?);
                i += 1;
            }
            "--cols" => {
                o.cols = value(i)?.parse().map_err(|_| "--cols needs a number".to_string())?;
                i += 1;
            }
            "--seed" => {
                o.seed = value(i)?.parse().map_err(|_| "--seed needs a number".to_string())?;
                i += 1;
            }
            other => return Err(format!("unknown option '{other}'")),
        }
        i += 1;
    }
    Ok(o)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let o = parse(args)?;
    let script = match o.script.as_deref() {
        None | Some("-") => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map_err(|e| format!("reading stdin: {e}"))?;
            s
        }
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?,
    };
    let mut term = Terminal::new(o.profile, TerminalConfig { cols: o.cols, rows: 40, seed: o.seed });
    let start = o.profile.session_start();
    let out = term.transcript(&script, start, 1);
    std::io::stdout().write_all(out.as_bytes()).map_err(|e| format!("writing: {e}"))?;
    Ok(())
}
