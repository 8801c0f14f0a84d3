//! The docker CLI: arguments -> Engine API requests over the socket -> the CLI's output.

pub mod api;
pub mod args;
pub mod humanize;
pub mod json;
pub mod progress;
pub mod reference;
pub mod stream;
pub mod table;
pub mod template;
pub mod transport;
