//! busybox `find`.
use super::{Ctx, Outcome};
pub fn main(ctx: &mut Ctx) -> Outcome { let _ = ctx; Outcome::Exit(2) }
