//! 9P2000.L as gVisor's 2018 sentry and gofer speak it (`pkg/p9`, `runsc/fsgofer`).

pub mod client;
pub mod consts;
pub mod explain;
pub mod fsgofer;
pub mod host;
pub mod log;
pub mod messages;
#[cfg(not(target_arch = "wasm32"))]
pub mod net;
#[cfg(not(target_arch = "wasm32"))]
pub mod seed;
pub mod server;
pub mod spans;
pub mod transport;
pub mod version;
pub mod wire;
