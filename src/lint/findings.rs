//! The findings of a run: every reason an engine marked with a
//! [`Finding`](crate::report::Finding), at the spec mount it is about. The
//! rules live in the engines (the port of each Go function marks its own
//! reasons); this only collects them, so `mountlab lint` and the page's
//! marks can never disagree with what the engine did.

use crate::report::{Decision, Effect, FindingKind, Origin};
use serde::Serialize;

/// One finding about `spec.mounts[index]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LintFinding {
    /// The index into `spec.mounts`.
    pub index: usize,
    /// `spec.mounts[3]`, as the engine's JSON paths and origin labels say.
    pub at: String,
    /// The mount's destination as the spec writes it.
    pub destination: String,
    /// The rule's name (`ignored-type`, ...).
    pub rule: &'static str,
    pub kind: FindingKind,
    pub effect: Effect,
    /// The Go function behind the reason (`getMountNameAndOptions`).
    pub function: &'static str,
    /// The engine's reason, without the `warning: ` it is logged under.
    pub reason: String,
    /// 1-based line and column of the entry in the file (set by [`super::place`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

/// The root container's findings by spec index (`compileMounts` logs its
/// dropped `/dev` mounts before any other), in the order each mount's
/// reasons were logged.
pub fn findings_of(decisions: &[Decision]) -> Vec<LintFinding> {
    let mut out = Vec::new();
    for d in decisions {
        // A child container's spec is another file; the page's editor and
        // `mountlab lint` hold the root container's.
        if d.container.is_some() || d.origin != Origin::Spec {
            continue;
        }
        let Some(index) = d.spec_index else { continue };
        for r in &d.reasons {
            let Some(f) = r.finding else { continue };
            out.push(LintFinding {
                index,
                at: d.origin_label.to_string(),
                destination: d.destination.clone(),
                rule: f.kind.name(),
                kind: f.kind,
                effect: f.effect,
                function: r.function,
                reason: r
                    .text
                    .strip_prefix("warning: ")
                    .unwrap_or(&r.text)
                    .to_string(),
                line: None,
                column: None,
            });
        }
    }
    // Stable: a mount's reasons keep their order.
    out.sort_by_key(|f| f.index);
    out
}
