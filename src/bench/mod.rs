//! `mountlab bench`: the benchmark suite (filled in by the performance work).

/// Runs `mountlab bench [--json]` and returns what to print.
pub fn cli(_args: &[String]) -> Result<String, String> {
    Err("bench: not implemented yet".to_string())
}
