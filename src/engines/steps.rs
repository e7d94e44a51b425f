//! What the engines after 2018 share to run a scenario's steps and fill
//! its report: the shell on a namespace of their VFS, the host trees as
//! the report shows them, and `sources` for runsc 2018 (which keys its
//! host by attach point).

use crate::error::Error;
use crate::p9::host::{HostFs, NodeKind};
use crate::report::{HostNodeReport, HostNodeType, StepReport};
use crate::scenario::{HostInput, Scenario};
use crate::shell::{self, Task};
use crate::vfs::{clean, DirentId, Vfs};
use std::collections::BTreeMap;

/// The scenario runsc 2018 runs when `sources` is given: each bind whose
/// source `sources` names gets that tree at its attach point (the mount
/// destination), unless `host` gives one there already. 2018's gofer
/// serves each bind from its attach point, so this is where the source's
/// files belong.
pub fn sources_as_attach_points(s: &Scenario) -> Scenario {
    let mut out = s.clone();
    let host = out.host.get_or_insert_with(BTreeMap::new);
    for m in &s.spec.mounts {
        let Some(tree) = s.sources.get(&clean(&m.source)) else {
            continue;
        };
        host.entry(clean(&m.destination))
            .or_insert_with(|| tree.clone());
    }
    out
}

/// A step this engine does not take, with the reason.
pub fn refused(text: impl Into<String>) -> StepReport {
    StepReport::failed(&Error::msg(text.into()))
}

/// A shell line run as root in the namespace of `root`, `cwd` kept across
/// lines (each container's own).
pub fn sh(vfs: &mut Vfs, root: DirentId, cwd: &mut DirentId, line: &str) -> StepReport {
    let out = shell::run(
        vfs,
        Task {
            root,
            cwd,
            env: &[],
            wd: "/",
        },
        line,
    );
    StepReport {
        ok: out.error.is_none(),
        error: out.error,
        errno: out.errno,
        fatal: false,
        output: Some(out.output),
        notes: out.notes,
        ..StepReport::default()
    }
}

/// The host tree below `path` as the report shows it (`.` for `path`
/// itself), each file's content once per inode, within `left` bytes of
/// content in all.
pub fn host_nodes(host: &HostFs, path: &str, left: &mut usize) -> BTreeMap<String, HostNodeReport> {
    let mut nodes = BTreeMap::new();
    let mut first_name: BTreeMap<u64, String> = BTreeMap::new();
    let Ok(list) = host.list(path) else {
        return nodes;
    };
    for (rel, info) in list {
        let rel = if rel.is_empty() { ".".to_string() } else { rel };
        // Every listed inode exists; one that did not would have nothing
        // to report.
        let Some(kind) = host.node(info.ino).map(|n| &n.kind) else {
            continue;
        };
        let mut hardlink = None;
        let content = match kind {
            NodeKind::File(b) => match first_name.get(&info.ino) {
                Some(first) => {
                    hardlink = Some(first.clone());
                    None
                }
                None if b.len() > *left => {
                    *left = 0;
                    Some(crate::limits::REPORT_BYTES.truncated_marker())
                }
                None => {
                    *left -= b.len();
                    first_name.insert(info.ino, rel.clone());
                    Some(String::from_utf8_lossy(b).into_owned())
                }
            },
            _ => None,
        };
        nodes.insert(
            rel,
            HostNodeReport {
                typ: HostNodeType::of(kind),
                mode: format!("{:04o}", info.mode & 0o7777),
                content,
                target: info.target,
                hardlink,
            },
        );
    }
    nodes
}

/// The spec's mounts that name a source, with it.
pub fn sourced_mounts(
    spec: &oci_spec::runtime::Spec,
) -> impl Iterator<Item = (&oci_spec::runtime::Mount, String)> {
    spec.mounts()
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            let src = m.source().as_ref()?.to_string_lossy().into_owned();
            (!src.is_empty()).then_some((m, src))
        })
}

/// `host["/"]` and `sources` of a scenario (or an added container), the
/// form both builders take. A bind whose source `sources` does not give
/// but whose destination `host` keys (runsc 2018's attach-point form, as
/// the presets write it) takes that tree as its source, so a 2018
/// scenario shows the same files on the other engines; `absolute` makes a
/// spec source a host path as the engine does (bundle-relative).
pub fn image_and_sources(
    spec: &oci_spec::runtime::Spec,
    host: Option<&HostInput>,
    sources: Option<&HostInput>,
    absolute: impl Fn(&str) -> String,
) -> (Option<crate::engines::runsc::host::HostTree>, HostInput) {
    let mut out = sources.cloned().unwrap_or_default();
    for (m, src) in sourced_mounts(spec) {
        let dst = clean(&m.destination().to_string_lossy());
        if dst == "/" {
            continue;
        }
        let Some(tree) = host.and_then(|h| h.get(&dst)) else {
            continue;
        };
        out.entry(absolute(&src)).or_insert_with(|| tree.clone());
    }
    (host.and_then(|h| h.get("/")).cloned(), out)
}

/// A setup error no mount's decision carries goes on the root's (the
/// first decision), so the log shows it.
pub fn error_on_root(decisions: &mut [crate::report::Decision], e: Option<&Error>) {
    if let (Some(e), false) = (e, decisions.iter().any(|d| d.error.is_some())) {
        if let Some(root) = decisions.first_mut() {
            root.error = Some(e.to_string());
        }
    }
}
