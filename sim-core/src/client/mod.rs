//! The docker CLI: arguments -> Engine API requests over the socket -> the CLI's output.

pub mod transport;
