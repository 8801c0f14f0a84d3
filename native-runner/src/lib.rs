//! The parts of native-runner that its tests use too: `native-runner compare` (scenarios typed
//! with the real docker CLI into the simulated and the real dockerd) and what it is made of.

pub mod compare;
pub mod diff;
pub mod normalize;
pub mod scenario;
