//! The page's components, one per file.

pub mod app;
pub mod architecture;
pub mod entry;
pub mod filesystem_panel;
pub mod header;
pub mod lesson_pane;
pub mod network_panel;
pub mod notice_bar;
pub mod panels;
pub mod processes_panel;
pub mod prompt_input;
pub mod screen;
pub mod socket_panel;
pub mod tools;
