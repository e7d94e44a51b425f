//! "Why this mount?" in plain words: one sentence per decision, made from
//! the decision the engine logged (never re-derived by the page), a quirk
//! marked as one, and for a failure its cause and fix.
//!
//! The sentences follow the functions that made each decision: runsc 2018's
//! `compileMounts`, `createRootMount`, `getMountNameAndOptions` and
//! `mountSubmount` (runsc/boot/fs.go at 82719be4), today's runsc's
//! `vfs.go`, and runc's `libcontainer/rootfs_linux.go`.

mod failure;

use crate::engines::Engine;
use crate::report::{Decision, LayerRole, Origin, Outcome, Report};
use serde::Serialize;

pub use failure::failure_fix;

/// What the why pane says first about one decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountWhy {
    /// One plain sentence: "runsc mounted a tmpfs at /tmp because …".
    pub sentence: String,
    /// A runtime quirk the views would otherwise leave unexplained.
    pub quirk: Option<String>,
    /// For the mount setup failed at: what to change so it does not.
    pub fix: Option<String>,
}

/// The runtime's name as a sentence's subject.
fn runtime(e: Engine) -> &'static str {
    match e {
        Engine::Runsc2018 | Engine::Runsc => "runsc",
        Engine::Runc => "runc",
    }
}

/// "a tmpfs", "sysfs", "a 9p mount": the filesystem as a noun phrase.
fn fs_phrase(fs: &str) -> String {
    match fs {
        "9p" => "a 9p mount".to_string(),
        "proc" | "sysfs" | "devpts" | "mqueue" | "cgroup" | "cgroup2" => fs.to_string(),
        "overlay" | "overlayfs" => "an overlay".to_string(),
        "dev" => "its dev filesystem".to_string(),
        _ => format!("a {fs}"),
    }
}

/// Where the mount came from, as the clause after "because".
fn because(r: &Report, d: &Decision) -> String {
    let e = r.engine;
    let dest = d.destination.as_str();
    let fd = d
        .gofer_fd
        .map(|fd| format!(" on FD {fd}"))
        .unwrap_or_default();
    match d.origin {
        Origin::Root => format!(
            "it is the container's root filesystem (spec.root), and the sandbox cannot open host files itself: the gofer serves it{fd}"
        ),
        Origin::ChildContainersDir => {
            "createMountNamespace keeps the roots of child containers here".to_string()
        }
        Origin::Mandatory if dest == "/tmp" => {
            "the spec has no /tmp and compileMounts adds an empty tmpfs there (it hides the image's /tmp)".to_string()
        }
        Origin::Mandatory if e == Engine::Runsc2018 => format!(
            "compileMounts adds {dest} to every spec: the sandbox always provides it"
        ),
        Origin::Mandatory => format!("{} adds it itself: it is not in the spec", runtime(e)),
        Origin::Spec => {
            let at = d.origin_label.as_ref();
            match (d.typ.as_str(), d.fs_name.as_deref()) {
                ("bind", Some("9p")) => format!(
                    "{at} binds the host path {:?}, and the sandbox cannot open host files itself: the gofer serves it{fd}",
                    d.source
                ),
                ("none", Some("sysfs")) => format!("{at} has type \"none\", which runsc 2018 mounts as sysfs"),
                (t, Some(fs)) if fs != t => {
                    format!("{at} asks for {t}, which {} mounts as {fs}", runtime(e))
                }
                (t, _) => format!("{at} asks for {} at {dest}", fs_phrase(t)),
            }
        }
    }
}

/// The first sentence for decision `d` of report `r`.
fn sentence(r: &Report, d: &Decision) -> String {
    let rt = runtime(r.engine);
    let dest = d.mount_path.as_deref().unwrap_or(&d.destination);
    let at = d.origin_label.as_ref();
    match d.outcome {
        Outcome::Mounted => match d.fs_name.as_deref().unwrap_or(&d.typ) {
            "9p" => format!("{rt} mounted {dest} over 9P because {}.", because(r, d)),
            "bind" if d.origin == Origin::Root => format!(
                "{rt} bind-mounted {:?} at / because it is the container's root filesystem (spec.root), which {rt} then pivots into.",
                d.source
            ),
            "bind" => format!(
                "{rt} bind-mounted the host path {:?} at {dest} because {at} asks for it.",
                d.source
            ),
            fs => format!(
                "{rt} mounted {} at {dest} because {}.",
                fs_phrase(fs),
                because(r, d)
            ),
        },
        Outcome::Dropped => format!(
            "{rt} did not mount {at} ({} at {dest}): {}.",
            d.typ,
            if r.engine == Engine::Runsc2018 {
                "compileMounts drops a spec mount of a /dev path the sandbox provides itself (IsSupportedDevMount)"
            } else {
                "the sandbox provides this path itself"
            }
        ),
        Outcome::Ignored if r.engine == Engine::Runsc2018 => format!(
            "{rt} skipped {at}: it has no {:?} filesystem, and getMountNameAndOptions ignores a type it does not know with a warning, not an error.",
            d.typ
        ),
        Outcome::Ignored => format!(
            "{rt} skipped {at}: it does not mount the type {:?} (a warning, not an error).",
            d.typ
        ),
        Outcome::Failed => format!(
            "Setup failed here: {rt} could not mount {at} at {dest}: {}.",
            d.error.as_deref().or(r.error.as_deref()).unwrap_or("no reason given")
        ),
        Outcome::NotReached => {
            let stop = r
                .decisions
                .iter()
                .find(|x| x.outcome == Outcome::Failed)
                .map(|x| format!(" at {}", x.destination))
                .unwrap_or_default();
            format!("{rt} never got to {dest}: setup stopped earlier{stop}, so this mount was never made.")
        }
    }
}

/// A quirk of the decision worth saying out loud.
fn quirk(r: &Report, d: &Decision) -> Option<String> {
    if d.outcome != Outcome::Mounted {
        return None;
    }
    let layered_ro = d.flags.is_some_and(|f| f.read_only)
        && d.shown_as.as_deref() == Some("overlayfs")
        && d.layers.iter().any(|l| l.role == LayerRole::Lower)
        && !d.layers.iter().any(|l| l.role == LayerRole::Upper);
    if r.engine == Engine::Runsc2018 && layered_ro {
        // addSubmountOverlay builds its overlay with fs.MountSourceFlags{}
        // (writable) over the read-only mount: the mount table reads the
        // overlay's flags, writes reach the read-only filesystem below.
        return Some(format!(
            "A runsc 2018 quirk: /proc/mounts shows the outer overlay's flags (rw); the filesystem underneath is ro, so writes to {} fail with EROFS. addSubmountOverlay lays a writable overlay (fs.MountSourceFlags{{}}) over the read-only mount to hold the stub directories.",
            d.mount_path.as_deref().unwrap_or(&d.destination)
        ));
    }
    if r.engine == Engine::Runsc2018 && d.typ == "none" && d.fs_name.as_deref() == Some("sysfs") {
        return Some(
            "A runsc 2018 quirk: getMountNameAndOptions maps type \"none\" to sysfs, whatever the source says.".to_string(),
        );
    }
    if r.engine == Engine::Runsc2018 && d.origin == Origin::Spec && d.typ == "bind" {
        return Some(
            "A runsc 2018 quirk: a bind is always cache=remote_revalidating, whatever --file-access says (getMountNameAndOptions passes FileAccessShared); only the root follows the flag.".to_string(),
        );
    }
    None
}

/// The why of decision `d` of report `r`.
pub fn explain_decision(r: &Report, d: &Decision) -> MountWhy {
    MountWhy {
        sentence: sentence(r, d),
        quirk: quirk(r, d),
        fix: (d.outcome == Outcome::Failed)
            .then(|| failure_fix(r, d))
            .flatten(),
    }
}

/// One [`MountWhy`] per decision of the report, in the same order.
pub fn explain_report(r: &Report) -> Vec<MountWhy> {
    r.decisions.iter().map(|d| explain_decision(r, d)).collect()
}

#[cfg(test)]
mod tests;
