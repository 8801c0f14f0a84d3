//! A Go `text/template` for the docker CLI's `--format`/`-f`: Go's lexer, parser and
//! executor rules and error texts, over the values the CLI hands to it (see `value`).
//! Functions are Go's builtins plus the CLI's (`json`, `join`, `split`, `lower`, `upper`,
//! `title`, `pad`, `truncate`).

pub mod exec;
pub mod funcs;
pub mod lex;
pub mod parse;
pub mod value;

use crate::client::json::Json;
pub use exec::Opts;
pub use value::{context, header, raw, typed, Typing, V};

pub struct Template {
    tree: parse::Tree,
}

impl Template {
    /// `templates.Parse(format)`; the error is Go's (`template: :1: unclosed action`).
    pub fn parse(text: &str) -> Result<Template, String> {
        parse::parse(text, &funcs::exists).map(|tree| Template { tree })
    }

    /// A template with a name (`templates.New("version")`).
    pub fn parse_named(name: &str, text: &str) -> Result<Template, String> {
        parse::parse_named(name, text, &funcs::exists).map(|tree| Template { tree })
    }

    /// Executes with Go's default options.
    pub fn execute(&self, data: &V) -> Result<String, String> {
        match exec::execute(&self.tree, data, Opts::default()) {
            (out, None) => Ok(out),
            (_, Some(e)) => Err(e),
        }
    }

    /// Executes, keeping the output written before an error.
    pub fn execute_opts(&self, data: &V, opts: Opts) -> (String, Option<String>) {
        exec::execute(&self.tree, data, opts)
    }

    /// `docker inspect -f`: the typed object first; if that fails, the raw document with
    /// `missingkey=error` (`TemplateInspector.tryRawInspectFallback`).
    pub fn inspect(&self, doc: &Json, typing: Typing) -> Result<String, String> {
        if let (out, None) = exec::execute(&self.tree, &typed(doc, typing), Opts::default()) {
            return Ok(out);
        }
        match exec::execute(&self.tree, &raw(doc), Opts { missing_key_error: true, header: false, raw: true }) {
            (out, None) => Ok(out),
            (_, Some(e)) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests;
