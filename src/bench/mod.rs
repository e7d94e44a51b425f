//! `mountlab bench`: the benchmark suite.
//!
//! * [`gen`]: the deterministic spec generator (N mounts in a realistic mix)
//!   and the line format the kernel helper in `bench/kernel/` reads.
//! * [`suite`]: the workloads, clock-free, shared by criterion
//!   (`benches/engine.rs`), this CLI, the smoke test and the browser bench.
//! * [`execute`]: what `mountlab bench` runs (native only: it reads
//!   `std::time::Instant`); the binary parses its flags into a [`Task`].

pub mod gen;
pub mod suite;

#[cfg(not(target_arch = "wasm32"))]
mod run;

#[cfg(not(target_arch = "wasm32"))]
pub use run::{execute, run_suite, Figure, Options, Task};
