//! Machine profiles: the initial state of a simulated host. Each profile is data about a
//! real machine (the article's EC2 instance, ...), laid into a fresh kernel.

pub mod linux;
pub mod build;

/// The machines the playground can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// The article's Amazon Linux 2 instance on EC2.
    Linux,
}

impl Profile {
    pub const ALL: [Profile; 1] = [Profile::Linux];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Linux => "linux",
        }
    }

    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// Unix time at which a session on this profile starts by default.
    pub fn session_start(self) -> i64 {
        match self {
            Profile::Linux => linux::SESSION_START,
        }
    }
}
