//! The engines beside the 2018 port (`crate::engines::runsc2018::boot`): today's runsc
//! (`runsc/boot/vfs.go`, gVisor 3c5eee17) and runc (opencontainers/runc
//! 76d9cf5d, with the kernel under it).
//!
//! Each engine is a module of its own; what they share (Go string
//! formatting, `path.Clean`, Go's `sort.Slice`) lives in the leaf modules
//! `gostr` and `gosort`. So far these hold the rules that depend only on the
//! spec and the engine's flags (option tables, validation, flag parsing), each
//! ported with the runtime's exact strings and its own unit tests; the
//! mount-namespace builders come with the engines' issues.

pub mod runc;
pub mod runsc;
pub mod runsc2018;
