//! busybox `stat`, `du`.
use super::{Ctx, Outcome};
pub fn main(ctx: &mut Ctx) -> Outcome { let _ = ctx; Outcome::Exit(2) }
pub fn du(ctx: &mut Ctx) -> Outcome { let _ = ctx; Outcome::Exit(2) }
