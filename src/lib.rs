//! mountlab: gVisor's 2018 `runsc` mount engine (`runsc/boot/fs.go`) rebuilt in
//! Rust over an in-memory sentry-style VFS and an in-memory 9P2000.L gofer.
//!
//! The core (`errno`, `error`, `vfs`, `fs`, `p9`, `boot`, `scenario`) uses no `std::fs`, no threads
//! and no clocks, so it builds for `wasm32-unknown-unknown` as well as natively.

pub mod bench;
pub mod compare;
pub mod engines;
pub mod errno;
pub mod error;
pub mod fs;
pub mod gosort;
pub mod gostr;
pub mod host_tree;
pub mod limits;
pub mod p9;
pub mod playground;
pub mod report;
pub mod scenario;
pub mod shell;
pub mod tree;
pub mod util;
pub mod vfs;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use errno::Errno;
pub use error::{Error, Result};
