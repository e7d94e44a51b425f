//! The one-line reason of a differing row, from the sides' decision logs:
//! per side, what it did at the destination and the runtime function (and
//! rule) behind it, e.g. "runsc 2018 ignores `nosuid` (`mountFlags`: only
//! rw, ro, noatime); runc sets `MS_NOSUID` (`parseMountOptions`: mount(8)'s
//! option table)".
//!
//! Only the first aspect that differs is explained (outcome, then
//! filesystem, read-only, flags, data); the others are named after it.

use super::rows::{spell_flag, DiffOutcome, Side, SideEntry};
use super::DiffCell;
use crate::engines::Engine;
use crate::report::{Decision, Reason};

/// The function that reads a spec mount's options in each engine, and its
/// rule (gVisor 82719be4 `runsc/boot/fs.go` `mountFlags`; 3c5eee17
/// `runsc/boot/vfs.go` `ParseMountOptions`; runc 76d9cf5d
/// `libcontainer/specconv/spec_linux.go` `parseMountOptions`).
pub fn option_rule(engine: Engine) -> (&'static str, &'static str) {
    match engine {
        Engine::Runsc2018 => ("mountFlags", "only rw, ro, noatime"),
        Engine::Runsc => ("ParseMountOptions", "only ro, noatime, noexec, nosuid"),
        Engine::Runc => ("parseMountOptions", "mount(8)'s option table"),
    }
}

/// What differs first on a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aspect {
    Outcome,
    Fs,
    ReadOnly,
    Flags,
    Data,
    Layers,
}

impl Aspect {
    const ALL: [Aspect; 6] = [
        Aspect::Outcome,
        Aspect::Fs,
        Aspect::ReadOnly,
        Aspect::Flags,
        Aspect::Data,
        Aspect::Layers,
    ];

    fn word(self) -> &'static str {
        match self {
            Aspect::Outcome => "outcome",
            Aspect::Fs => "filesystem",
            Aspect::ReadOnly => "read-only",
            Aspect::Flags => "flags",
            Aspect::Data => "data",
            Aspect::Layers => "layers",
        }
    }

    /// Whether the cells differ in this aspect; beyond the outcome, only
    /// the cells with a mount are compared (an absent mount has no
    /// filesystem to differ in).
    fn differs(self, cells: &[(String, DiffCell)]) -> bool {
        let present: Vec<&DiffCell> = cells
            .iter()
            .map(|(_, c)| c)
            .filter(|c| self == Aspect::Outcome || c.fs.is_some())
            .collect();
        let key = |c: &DiffCell| -> String {
            match self {
                Aspect::Outcome => c.outcome.as_str().to_string(),
                Aspect::Fs => c.fs.clone().unwrap_or_default(),
                Aspect::ReadOnly => format!("{:?}", c.ro),
                Aspect::Flags => c.flags.join(","),
                Aspect::Data => c.data.clone().unwrap_or_default(),
                Aspect::Layers => c.layers.join(" > "),
            }
        };
        present
            .windows(2)
            .any(|w| matches!(w, [a, b] if key(a) != key(b)))
    }
}

/// Fills each cell's `reason` and `function` and returns the row's line.
/// The layers are compared only when `layers` (the sides are one engine).
pub fn explain(
    sides: &[Side],
    entries: &[Vec<SideEntry>],
    cells: &mut [(String, DiffCell)],
    layers: bool,
) -> String {
    let differing: Vec<Aspect> = Aspect::ALL
        .iter()
        .copied()
        .filter(|a| (layers || *a != Aspect::Layers) && a.differs(cells))
        .collect();
    let Some(&first) = differing.first() else {
        return String::new();
    };
    // The flags some side has and another has not.
    let all_flags: Vec<String> = {
        let mut union: Vec<String> = cells.iter().flat_map(|(_, c)| c.flags.clone()).collect();
        union.sort();
        union.dedup();
        union
            .into_iter()
            .filter(|f| !cells.iter().all(|(_, c)| c.flags.contains(f)))
            .collect()
    };
    let mut parts = Vec::with_capacity(sides.len());
    for ((side, es), (_, cell)) in sides.iter().zip(entries).zip(cells.iter_mut()) {
        let shown = es.last();
        let d = shown
            .and_then(|e| e.decision)
            .and_then(|i| side.report.decisions.get(i));
        let (text, function) = match first {
            Aspect::Outcome => outcome_piece(side, es, cell),
            Aspect::Fs => {
                let fs = cell.fs.as_deref().unwrap_or("");
                with_reason(
                    format!("mounts `{fs}`"),
                    d.and_then(|d| mount_reason(d, fs)),
                )
            }
            Aspect::ReadOnly => {
                let verb = if cell.ro == Some(true) {
                    "mounts it read-only"
                } else {
                    "mounts it read-write"
                };
                match d.and_then(|d| d.reasons.iter().find(|r| r.text.contains("read-only"))) {
                    Some(r) => with_reason(verb.to_string(), Some(r)),
                    None => with_rule(verb.to_string(), option_rule(side.engine())),
                }
            }
            Aspect::Flags => flags_piece(side, d, cell, &all_flags),
            Aspect::Layers => {
                let stack: Vec<String> = cell.layers.iter().map(|l| format!("`{l}`")).collect();
                let verb = if stack.is_empty() {
                    "stacks no layers".to_string()
                } else {
                    format!("stacks {}", stack.join(" > "))
                };
                let r = d.and_then(|d| {
                    d.reasons
                        .iter()
                        .find(|r| r.text.contains("upper") || r.text.contains("overlay"))
                        .or_else(|| first_reason(d))
                });
                with_reason(verb, r)
            }
            Aspect::Data => {
                let verb = match cell.data.as_deref() {
                    Some(x) if !x.is_empty() => format!("passes data `{x}`"),
                    _ => "passes no data".to_string(),
                };
                let r = d.and_then(|d| {
                    d.reasons
                        .iter()
                        .find(|r| r.text.contains("options"))
                        .or(d.reasons.first())
                });
                match r {
                    Some(r) => with_reason(verb, Some(r)),
                    None => with_rule(verb, option_rule(side.engine())),
                }
            }
        };
        parts.push(format!("{} {text}", side.label));
        cell.reason = Some(text);
        cell.function = function;
    }
    let mut line = parts.join("; ");
    if differing.len() > 1 {
        let also: Vec<&str> = differing.iter().skip(1).map(|a| a.word()).collect();
        line.push_str(&format!(" (also differ: {})", also.join(", ")));
    }
    line
}

/// `verb (`function`: text)`.
fn with_reason(verb: String, r: Option<&Reason>) -> (String, Option<&'static str>) {
    match r {
        Some(r) => (
            format!("{verb} (`{}`: {})", r.function, r.text),
            Some(r.function),
        ),
        None => (verb, None),
    }
}

/// `verb (`function`: rule)`.
fn with_rule(
    verb: String,
    (f, rule): (&'static str, &'static str),
) -> (String, Option<&'static str>) {
    (format!("{verb} (`{f}`: {rule})"), Some(f))
}

/// Why a side's outcome is what it is.
fn outcome_piece(side: &Side, es: &[SideEntry], cell: &DiffCell) -> (String, Option<&'static str>) {
    let report = side.report;
    let decision_of = |e: &SideEntry| e.decision.and_then(|i| report.decisions.get(i));
    let Some(shown) = es.last() else {
        let text = match (&report.error, side.tree) {
            (Some(err), None) => format!("has no mount here (setup failed: {err})"),
            _ => "has no mount here".to_string(),
        };
        return (text, None);
    };
    let d = decision_of(shown);
    let fs = cell.fs.as_deref().unwrap_or("");
    let (mut text, function) = match shown.outcome {
        DiffOutcome::Mounted => with_reason(
            format!("mounts `{fs}`"),
            d.and_then(|d| mount_reason(d, fs)),
        ),
        DiffOutcome::Added => {
            let r = d
                .and_then(|d| mount_reason(d, fs))
                .or_else(|| reason_naming(side, &shown.path));
            with_reason(format!("adds `{fs}` itself"), r)
        }
        DiffOutcome::Dropped => with_reason("drops it".to_string(), d.and_then(first_reason)),
        DiffOutcome::Ignored => with_reason(
            "ignores it".to_string(),
            d.and_then(|d| {
                d.reasons
                    .iter()
                    .find(|r| r.text.contains("ignoring"))
                    .or(d.reasons.first())
            }),
        ),
        DiffOutcome::Failed => {
            let err = d
                .and_then(|d| d.error.clone())
                .or_else(|| report.error.clone())
                .unwrap_or_default();
            match d {
                // Setup stopped before this mount: the error is the
                // setup's, not this mount's.
                Some(d) if d.error.is_none() => {
                    (format!("is not reached (setup failed: {err})"), None)
                }
                // The error is the mount's; its last logged step is where
                // the engine was, not necessarily what refused it.
                _ => match d.and_then(|d| d.reasons.last()).map(|r| r.function) {
                    Some(f) => (format!("fails: {err} (after `{f}`)"), Some(f)),
                    None => (format!("fails: {err}"), None),
                },
            }
        }
        DiffOutcome::Absent => ("has no mount here".to_string(), None),
    };
    // What else the side did at this destination (runsc 2018 drops the
    // spec's `/dev` and mounts its own there).
    for e in es.iter().rev().skip(1) {
        if e.outcome == shown.outcome {
            continue;
        }
        let r = decision_of(e).and_then(first_reason);
        text.push_str(&format!(
            ", and the spec's mount here is {}",
            e.outcome.as_str()
        ));
        if let Some(r) = r {
            text.push_str(&format!(" (`{}`)", r.function));
        }
    }
    (text, function)
}

/// A decision's first reason that is not a kernel call (runc's log
/// interleaves the mount(2) calls with runc's own functions).
fn first_reason(d: &Decision) -> Option<&Reason> {
    d.reasons
        .iter()
        .find(|r| r.function != "kernel")
        .or(d.reasons.first())
}

/// The reason that says how a mount of `fs` was made: the first naming
/// the filesystem, else the first of the runtime's own.
fn mount_reason<'d>(d: &'d Decision, fs: &str) -> Option<&'d Reason> {
    d.reasons
        .iter()
        .find(|r| r.function != "kernel" && !fs.is_empty() && r.text.contains(fs))
        .or_else(|| first_reason(d))
}

/// The logged reason about a mount that has no reason of its own: runc's
/// masked and read-only paths (`/proc/kcore: bind of /dev/null` on the
/// root's decision), today's runsc's cgroup controllers (`controller cpu
/// bound at /sys/fs/cgroup/cpu`); the kernel's mount(2) call naming it
/// (runc's `/dev/console`) when the runtime says nothing else.
fn reason_naming<'r>(side: &Side<'r>, path: &str) -> Option<&'r Reason> {
    let all = || side.report.decisions.iter().flat_map(|d| d.reasons.iter());
    let names = |r: &&Reason| {
        r.text
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with(':') || rest.starts_with(' '))
            || r.text
                .strip_suffix(path)
                .is_some_and(|rest| rest.ends_with(" at "))
    };
    let quoted = format!("\"{path}\"");
    all()
        .filter(|r| r.function != "kernel")
        .find(names)
        .or_else(|| all().find(|r| r.text.contains(&quoted)))
}

/// Which of the differing flags a side sets, and which it ignores.
fn flags_piece(
    side: &Side,
    d: Option<&Decision>,
    cell: &DiffCell,
    differing: &[String],
) -> (String, Option<&'static str>) {
    let engine = side.engine();
    let asked = |f: &str| d.is_some_and(|d| d.options.iter().any(|o| o == f));
    let mut words = Vec::new();
    let set: Vec<String> = differing
        .iter()
        .filter(|f| cell.flags.contains(f))
        .map(|f| format!("`{}`", spell_flag(engine, f)))
        .collect();
    if !set.is_empty() {
        words.push(format!("sets {}", set.join(", ")));
    }
    let (ignored, unset): (Vec<&String>, Vec<&String>) = differing
        .iter()
        .filter(|f| !cell.flags.contains(f))
        .partition(|f| asked(f));
    if !ignored.is_empty() {
        let names: Vec<String> = ignored.iter().map(|f| format!("`{f}`")).collect();
        words.push(format!("ignores {}", names.join(", ")));
    }
    if !unset.is_empty() {
        let names: Vec<String> = unset
            .iter()
            .map(|f| format!("`{}`", spell_flag(engine, f)))
            .collect();
        words.push(format!("does not set {}", names.join(", ")));
    }
    with_rule(words.join(", "), option_rule(engine))
}
