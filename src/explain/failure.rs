//! The cause and fix of a failed setup, for the mount it failed at.

use crate::report::{Decision, HostNodeType, Origin, Outcome, Report};

/// What to change so setup does not fail at `d`, when the failure is one
/// the engine's source names a cause for.
pub fn failure_fix(r: &Report, d: &Decision) -> Option<String> {
    let err = d.error.as_deref().or(r.error.as_deref())?;
    if err.contains("fdDispenser out of fds") {
        return Some(out_of_fds(r, d));
    }
    if err.contains("too many levels of symbolic links") {
        return Some(symlinked_destination(r, d));
    }
    None
}

/// runsc 2018's `fdDispenser.remove` panics when the gofer FDs run out:
/// `createRootMount` takes one for the root, `getMountNameAndOptions` one
/// per bind (binds `compileMounts` dropped take none). Every FD was
/// consumed before the panic, so the consumed ones are the ones given.
fn out_of_fds(r: &Report, d: &Decision) -> String {
    let mine = |x: &&Decision| x.container == d.container;
    let root = r
        .decisions
        .iter()
        .filter(mine)
        .filter(|x| x.origin == Origin::Root && x.typ == "9p")
        .count();
    let binds = r
        .decisions
        .iter()
        .filter(mine)
        .filter(|x| x.origin == Origin::Spec && x.typ == "bind" && x.outcome != Outcome::Dropped)
        .count();
    let given = r.fds_consumed.len();
    let need = root + binds;
    let parts = match (root, binds) {
        (0, b) => format!("{b} bind{}", plural(b)),
        (_, b) => format!("root + {b} bind{}", plural(b)),
    };
    format!(
        "needs {need} FDs: {parts}; the scenario gave {given}; ran out at {}. Fix: give it {need} gofer FDs (the scenario's \"gofer_fds\", runsc's --io-fds: root first, then the binds in spec order), or drop {} bind{}.",
        d.destination,
        need.saturating_sub(given),
        plural(need.saturating_sub(given))
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `mountSubmount` finds the destination with `maxTraversals = 0`, so a
/// symlink on the way fails with ELOOP instead of being followed.
fn symlinked_destination(r: &Report, d: &Decision) -> String {
    let link = symlink_on_path(r, &d.destination);
    let cause = match &link {
        Some((at, target)) => format!(
            "{at} is a symlink to {target:?} in the image, and mountSubmount looks the destination up with maxTraversals=0, so it fails with ELOOP instead of following it"
        ),
        None => "a component of the destination is a symlink, and mountSubmount looks it up with maxTraversals=0, so it fails with ELOOP instead of following it".to_string(),
    };
    let fix = match &link {
        Some((at, target)) => {
            let resolved = resolve(at, target);
            let rest = d.destination.strip_prefix(at.as_str()).unwrap_or("");
            format!(
                "Fix: mount at {resolved}{rest} (where the link points) instead of {}.",
                d.destination
            )
        }
        None => "Fix: name the destination by its resolved path, without symlinks.".to_string(),
    };
    format!("{cause}. {fix}")
}

/// The first symlink on the way to `dest` in the root's host tree, as
/// (its path, its target).
fn symlink_on_path(r: &Report, dest: &str) -> Option<(String, String)> {
    let tree = r.host.get("/")?;
    let mut at = String::new();
    for part in dest.split('/').filter(|p| !p.is_empty()) {
        if !at.is_empty() {
            at.push('/');
        }
        at.push_str(part);
        if let Some(n) = tree.get(&at) {
            if n.typ == HostNodeType::Symlink {
                return Some((format!("/{at}"), n.target.clone().unwrap_or_default()));
            }
        }
    }
    None
}

/// A symlink's target as an absolute path, lexically (`/var/run` +
/// `../run` is `/run`), with Go's `path.Join` and `path.Clean`.
fn resolve(link: &str, target: &str) -> String {
    if target.starts_with('/') {
        return crate::util::path::clean(target);
    }
    let parent = link.rsplit_once('/').map_or("/", |(p, _)| p);
    crate::util::path::join(if parent.is_empty() { "/" } else { parent }, target)
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn resolves_relative_and_absolute_targets() {
        assert_eq!(resolve("/var/run", "../run"), "/run");
        assert_eq!(resolve("/var/run", "/run"), "/run");
        assert_eq!(resolve("/a/b/c", "./d/../e"), "/a/b/e");
        assert_eq!(resolve("/x", "../../y"), "/y");
    }
}
