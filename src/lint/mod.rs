//! `mountlab lint`: what an engine accepts but a spec author should see
//! (ignored types, dropped `/dev` mounts, converted types, relative
//! destinations, filtered options), each at its `spec.mounts[i]` with the
//! reason and the Go function behind it, and where the entry is in the file.

mod findings;
mod render;
pub mod spans;

pub use findings::{findings_of, LintFinding};
pub use render::render_text;

use crate::engines::{simulate, Engine};
use crate::error::Result;
use crate::scenario::Scenario;
use serde::Serialize;

/// What `mountlab lint` prints (`--format json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// The engine whose decisions the findings come from.
    pub engine: Engine,
    pub findings: Vec<LintFinding>,
    /// The root container's setup error: findings after it are not known.
    pub setup_error: Option<String>,
}

/// Lints a spec or scenario text on `engine` (the file's own when `None`):
/// the root container is set up as `mountlab preview` sets it up (its
/// steps are not run), and its findings are placed in the text. An input
/// error is the `Err`.
pub fn lint_text(text: &str, engine: Option<Engine>) -> Result<LintReport> {
    let mut s = Scenario::from_json_on(text, engine)?;
    s.steps.clear();
    let sim = simulate(&s)?;
    let mut findings = findings_of(sim.decisions());
    place(&mut findings, text);
    Ok(LintReport {
        engine: sim.engine(),
        findings,
        setup_error: sim.setup_error().map(ToString::to_string),
    })
}

/// Sets each finding's line and column: where its `spec.mounts[i]`
/// entry starts in `text`.
pub fn place(findings: &mut [LintFinding], text: &str) {
    let entries = spans::mount_entries(text);
    let lines = spans::Lines::new(text);
    for f in findings {
        // Entries come in index order, one per index.
        if let Some((_, span)) = entries.get(f.index).filter(|(i, _)| *i == f.index) {
            let r = lines.range(*span);
            f.line = Some(r.line);
            f.column = Some(r.column);
        }
    }
}
