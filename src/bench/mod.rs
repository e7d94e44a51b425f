//! `mountlab bench`: the benchmark suite.
//!
//! * [`gen`]: the deterministic spec generator (N mounts in a realistic mix)
//!   and the line format the kernel helper in `bench/kernel/` reads.
//! * [`suite`]: the workloads, clock-free, shared by criterion
//!   (`benches/engine.rs`), this CLI, the smoke test and the browser bench.
//! * the CLI itself (native only: it reads `std::time::Instant`).

pub mod gen;
pub mod suite;

#[cfg(not(target_arch = "wasm32"))]
mod run;

#[cfg(not(target_arch = "wasm32"))]
pub use run::{run_suite, Figure, Options};

/// Runs `mountlab bench [--json] [--smoke] [--sizes 10,100,...]
/// [--emit-kernel-spec N]` and returns what to print.
pub fn cli(args: &[String]) -> Result<String, String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        run::cli(args)
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = args;
        Err("bench: the native CLI needs a clock; use bench/wasm in the browser".to_string())
    }
}
