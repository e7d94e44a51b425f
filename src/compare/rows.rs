//! One side of a comparison read off its report: every mount of the root
//! container and every spec mount that was not mounted, keyed by
//! destination, in the same engine-neutral terms for all three engines.
//!
//! The order rule: a mount's `order` is its rank by mount id in the root
//! container's mount table, and ids grow with mount order in every engine
//! (`crate::tree`), so the root is 0 everywhere and the mounts below it
//! count from 1. The reports' `mount_order` lists disagree on the root
//! (today's runsc lists `/` first, runsc 2018 and runc leave it out) and
//! runc's leaves out what runc adds itself (`maskPaths`, `readonlyPaths`,
//! `/dev/console`); the mount table has every mount of every engine.

use crate::engines::Engine;
use crate::report::{Decision, EngineMounts, LayerRole, MountNode, Origin, Outcome, Report};
use crate::util::path::clean;
use crate::util::FastMap;
use serde::Serialize;
use std::collections::VecDeque;

/// What became of a destination in one engine, in the diff's words.
///
/// Ordered by precedence: when an engine has several entries at one
/// destination (runsc 2018 drops the spec's `/dev` and adds its own), the
/// greatest is the one the row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffOutcome {
    /// The engine has nothing at this destination.
    Absent,
    /// Dropped before mounting (runsc 2018's `IsSupportedDevMount`).
    Dropped,
    /// Skipped with a warning (an unknown filesystem type).
    Ignored,
    /// Mounting failed (or setup stopped before it).
    Failed,
    /// Mounted by the engine itself, not asked for by the spec (`/tmp`,
    /// `/dev`, `/__runsc_containers__`, runc's masked paths).
    Added,
    /// A spec mount (or the spec's root), mounted.
    Mounted,
}

impl DiffOutcome {
    /// The word the CLI, the JSON and the page print.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffOutcome::Absent => "absent",
            DiffOutcome::Dropped => "dropped",
            DiffOutcome::Ignored => "ignored",
            DiffOutcome::Failed => "failed",
            DiffOutcome::Added => "added",
            DiffOutcome::Mounted => "mounted",
        }
    }
}

/// One column of a comparison: a report (and its mount tree) under a
/// name. The same type serves an engine comparison (named `runc`,
/// `runsc`, ...) and a before/after comparison of one engine.
#[derive(Clone, Copy, Debug)]
pub struct Side<'a> {
    /// The column's key in the JSON (`runsc-2018`, `before`).
    pub name: &'a str,
    /// What a reason calls it (`runsc 2018`, `before`).
    pub label: &'a str,
    pub report: &'a Report,
    /// The layered mount tree (`Simulation::tree`, `View::tree`); `None`
    /// when setup failed before the root.
    pub tree: Option<&'a MountNode>,
}

impl<'a> Side<'a> {
    /// The engine's own column: named and labelled after the engine.
    pub fn of_engine(report: &'a Report, tree: Option<&'a MountNode>) -> Side<'a> {
        Side {
            name: report.engine.name(),
            label: engine_label(report.engine),
            report,
            tree,
        }
    }

    pub fn engine(&self) -> Engine {
        self.report.engine
    }
}

/// How a reason names an engine: `runsc 2018`, `runsc`, `runc`.
pub fn engine_label(e: Engine) -> &'static str {
    match e {
        Engine::Runsc2018 => "runsc 2018",
        Engine::Runsc => "runsc",
        Engine::Runc => "runc",
    }
}

/// What one side has at a destination, as the diff compares and prints
/// it (a row's cell is these and the reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountFacts {
    pub outcome: DiffOutcome,
    /// The filesystem the engine mounted (runsc 2018's layered mounts:
    /// the mounted one, not the `overlayfs` shown over it); `None` when
    /// nothing is mounted.
    pub fs: Option<String>,
    /// Mount flags other than read-only, in mount(8)'s lowercase words,
    /// sorted.
    pub flags: Vec<String>,
    pub ro: Option<bool>,
    pub data: Option<String>,
    /// Rank in the mount table by mount id; the root is 0 (the module's
    /// order rule).
    pub order: Option<usize>,
    /// The inode stack's labels, top first (`tmpfs upper`, `9p /`,
    /// `stub dirs [tmp dev]`).
    pub layers: Vec<String>,
}

impl MountFacts {
    /// Nothing at this destination.
    pub fn absent() -> MountFacts {
        MountFacts {
            outcome: DiffOutcome::Absent,
            fs: None,
            flags: Vec::new(),
            ro: None,
            data: None,
            order: None,
            layers: Vec::new(),
        }
    }
}

/// One engine's mount (or non-mount) at a destination, with where its
/// reasons are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SideEntry {
    pub facts: MountFacts,
    /// Index into the report's decisions.
    pub decision: Option<usize>,
    /// Where it is mounted (a decision-less mount's reason is found by it).
    pub path: String,
}

impl std::ops::Deref for SideEntry {
    type Target = MountFacts;
    fn deref(&self) -> &MountFacts {
        &self.facts
    }
}

/// Every entry of a side, with its row key (the cleaned destination: the
/// spec's for a spec mount, so a mount runc moved through a symlink
/// stays on the row of the spec mount it is).
pub fn entries(side: &Side) -> Vec<(String, SideEntry)> {
    let report = side.report;
    let mut flags = FlagIndex::of(report);
    let mut nodes = Vec::new();
    if let Some(t) = side.tree {
        collect(t, &mut nodes);
    }
    nodes.sort_by_key(|n| n.id);
    let mut used = vec![false; report.decisions.len()];
    let mut out = Vec::with_capacity(nodes.len() + report.decisions.len());
    for (order, n) in nodes.iter().enumerate() {
        let d = n.decision.and_then(|i| report.decisions.get(i));
        if let (Some(i), Some(_)) = (n.decision, d) {
            if let Some(u) = used.get_mut(i) {
                *u = true;
            }
        }
        let (key, outcome) = match d {
            Some(d) if d.origin == Origin::Spec => (clean(&d.destination), DiffOutcome::Mounted),
            Some(d) if d.origin == Origin::Root => (n.path.clone(), DiffOutcome::Mounted),
            _ => (n.path.clone(), DiffOutcome::Added),
        };
        // What the mount table says, except for runsc 2018's layered
        // mounts, shown as `overlayfs`: those are the filesystem under
        // the overlay (`devtmpfs` at /dev, `9p` at the root). The decision's
        // name is the spec's type on runc (`cgroup` where the kernel
        // mounted `cgroup2`), so the table comes first.
        let fs = if n.fs_name == "overlayfs" {
            n.layers
                .iter()
                .find(|l| l.role == LayerRole::Mount)
                .map(|l| l.fs.clone())
                .or_else(|| d.and_then(|d| d.fs_name.clone()))
                .unwrap_or_else(|| n.fs_name.clone())
        } else {
            n.fs_name.clone()
        };
        // Read-only as writes see it: through a tmpfs upper (`addOverlay`,
        // runsc 2018's --overlay) the mount is writable whatever its lower
        // (forced read-only); otherwise it is the mounted filesystem's flag
        // (a stub overlay's own flags are rw, `addSubmountOverlay`, but
        // writes reach the filesystem under it).
        let upper = n.layers.iter().any(|l| l.role == LayerRole::Upper);
        let ro = if upper {
            n.flags.read_only
        } else {
            d.and_then(|d| d.flags).unwrap_or(n.flags).read_only
        };
        let mut fl = flags.take(report.engine, n, d);
        if fl.is_none() && d.and_then(|d| d.flags).unwrap_or(n.flags).no_atime {
            fl = Some(vec!["noatime".to_string()]);
        }
        out.push((
            key,
            SideEntry {
                facts: MountFacts {
                    outcome,
                    fs: Some(fs),
                    flags: fl.unwrap_or_default(),
                    ro: Some(ro),
                    data: Some(d.and_then(|d| d.data.clone()).unwrap_or_default()),
                    order: Some(order),
                    layers: n.layers.iter().map(|l| l.label.clone()).collect(),
                },
                decision: n.decision,
                path: n.path.clone(),
            },
        ));
    }
    for (i, d) in report.decisions.iter().enumerate() {
        if used.get(i).copied().unwrap_or(true) || d.container.is_some() {
            continue;
        }
        let outcome = match d.outcome {
            Outcome::Dropped => DiffOutcome::Dropped,
            Outcome::Ignored => DiffOutcome::Ignored,
            Outcome::Failed | Outcome::NotReached => DiffOutcome::Failed,
            // Mounted but not in the table: covered by a later mount at
            // the same place or moved out of the root container's view.
            Outcome::Mounted => match d.origin {
                Origin::Spec | Origin::Root => DiffOutcome::Mounted,
                _ => DiffOutcome::Added,
            },
        };
        let mounted = outcome >= DiffOutcome::Added;
        out.push((
            clean(&d.destination),
            SideEntry {
                facts: MountFacts {
                    outcome,
                    fs: if mounted { d.fs_name.clone() } else { None },
                    ro: if mounted {
                        d.flags.map(|f| f.read_only)
                    } else {
                        None
                    },
                    data: if mounted { d.data.clone() } else { None },
                    ..MountFacts::absent()
                },
                decision: Some(i),
                path: d.destination.clone(),
            },
        ));
    }
    out
}

/// The root container's mounts of a tree (a child container's are
/// another namespace's business).
fn collect<'t>(n: &'t MountNode, out: &mut Vec<&'t MountNode>) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        if n.container.is_none() {
            out.push(n);
        }
        stack.extend(n.children.iter());
    }
}

/// The flags the engines after 2018 record per mount in the report's
/// `mounts` (runsc 2018's fit in its `MountSourceFlags`: read-only and
/// `noatime`), queued by destination so a destination mounted twice takes
/// its entries in order.
struct FlagIndex {
    by_dest: FastMap<String, VecDeque<Vec<String>>>,
}

impl FlagIndex {
    fn of(r: &Report) -> FlagIndex {
        let mut by_dest: FastMap<String, VecDeque<Vec<String>>> = FastMap::default();
        match &r.mounts {
            Some(EngineMounts::Runsc(ms)) => {
                for m in ms {
                    let mut f = m.flags.clone();
                    f.sort();
                    by_dest
                        .entry(m.destination.clone())
                        .or_default()
                        .push_back(f);
                }
            }
            Some(EngineMounts::Runc(ms)) => {
                for m in ms {
                    by_dest
                        .entry(clean(&m.destination))
                        .or_default()
                        .push_back(runc_flag_words(&m.flags));
                }
            }
            None => {}
        }
        FlagIndex { by_dest }
    }

    /// The flags of the mount `n` (with its decision `d`): today's runsc
    /// lists its mounts where they are mounted, runc by spec destination.
    fn take(&mut self, engine: Engine, n: &MountNode, d: Option<&Decision>) -> Option<Vec<String>> {
        let key = match engine {
            Engine::Runc => clean(&d?.destination),
            _ => n.path.clone(),
        };
        self.by_dest.get_mut(&key)?.pop_front()
    }
}

/// runc's `MS_*` names as mount(8)'s words (`MS_NOSUID` is `nosuid`),
/// without what is not a flag of the mount itself: read-only (its own
/// column) and the mechanics of bind and remount.
fn runc_flag_words(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = names
        .iter()
        .filter(|n| {
            !matches!(
                n.as_str(),
                "MS_RDONLY" | "MS_BIND" | "MS_REC" | "MS_REMOUNT" | "MS_SILENT"
            )
        })
        .map(|n| n.strip_prefix("MS_").unwrap_or(n).to_ascii_lowercase())
        .collect();
    out.sort();
    out
}

/// How an engine spells a flag word in its own terms: runc's `MS_NOSUID`,
/// runsc's `nosuid`.
pub fn spell_flag(engine: Engine, word: &str) -> String {
    match engine {
        Engine::Runc => format!("MS_{}", word.to_ascii_uppercase()),
        _ => word.to_string(),
    }
}
