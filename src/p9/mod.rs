//! 9P2000.L as gVisor's 2018 sentry and gofer speak it (`pkg/p9`, `runsc/fsgofer`).

pub mod host;
pub mod messages;
pub mod version;
pub mod wire;
