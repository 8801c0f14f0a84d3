//! The page's components, one per file.

pub mod app;
pub mod entry;
pub mod header;
pub mod prompt_input;
pub mod screen;
