//! The docker CLI: arguments -> Engine API requests over the socket -> the CLI's output.

pub mod humanize;
pub mod json;
pub mod stream;
pub mod table;
pub mod template;
pub mod transport;
