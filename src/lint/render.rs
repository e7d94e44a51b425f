//! `mountlab lint`'s text output: one line per finding in the
//! `FILE:LINE:COLUMN: ` form editors and CI jump to, then a summary.

use super::LintReport;
use crate::report::Effect;

/// The findings as text; `file` names the input (`-` for standard input).
pub fn render_text(file: &str, r: &LintReport) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let pos = match (f.line, f.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            _ => file.to_string(),
        };
        out.push_str(&format!(
            "{pos}: {at} ({dest}): {rule} ({effect}): {reason} [{function}]\n",
            at = f.at,
            dest = f.destination,
            rule = f.rule,
            effect = f.effect.label(),
            reason = f.reason,
            function = f.function,
        ));
    }
    let changing = r
        .findings
        .iter()
        .filter(|f| f.effect == Effect::ChangesBehaviour)
        .count();
    let n = r.findings.len();
    out.push_str(&match n {
        0 => format!("{file}: no findings on engine {}\n", r.engine),
        _ => format!(
            "{file}: {n} finding{s} on engine {e} ({changing} change{s2} behaviour, {harmless} harmless)\n",
            s = if n == 1 { "" } else { "s" },
            e = r.engine,
            s2 = if changing == 1 { "s" } else { "" },
            harmless = n - changing,
        ),
    });
    if let Some(e) = &r.setup_error {
        out.push_str(&format!(
            "{file}: setup stopped: {e} (mounts after it were not checked)\n"
        ));
    }
    out
}
