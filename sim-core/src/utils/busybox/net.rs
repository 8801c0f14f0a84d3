//! busybox `ifconfig`.
use super::{Ctx, Outcome};
pub fn ifconfig(ctx: &mut Ctx) -> Outcome { let _ = ctx; Outcome::Exit(2) }
