//! Lessons as data: a lesson is a file (JSON, format 1) of steps, each with a goal in
//! English and Japanese, a [`Check`] evaluated against the simulated machine, hints, a
//! solution and an explanation. See `assets/lessons/README.md` for the format.
//!
//! - [`format`]: the lesson file's types and [`parse`], whose errors name the line.
//! - [`check`]: the checks and their evaluation against a [`World`].
//!
//! Parsing never panics, whatever the input (`tests/lesson_no_panic.rs`).

pub mod check;
pub mod format;

pub use check::{Check, Outcome, World};
pub use format::{parse, Diagram, Lesson, LessonError, Panel, Step, Text};

#[cfg(test)]
mod tests;
