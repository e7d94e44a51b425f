//! The deterministic spec generator behind every benchmark: `n` spec mounts
//! in a realistic mix, the host files their binds serve, the paths the
//! lookup benchmark resolves, and a line format the kernel helper
//! (`bench/kernel/`) reads to build the very same namespace with mount(2).
//!
//! The mix (fixed by a seeded splitmix64, so every run and every machine gets
//! the same spec): tmpfs with options (some of them unsupported and warned
//! about), read-only and writable binds, nested chains up to four deep whose
//! mount points live inside earlier mounts, file binds, and types runsc
//! ignores (`cgroup`, `mqueue`). Top-level mounts sit 64 to a directory under
//! `/srv/gNNNN`, as a large orchestrator's spec spreads them.

use crate::engines::runsc2018::boot::{MountSpec, SpecView};
use crate::scenario::{HostInput, HostNodeInput};
use std::collections::BTreeMap;
use std::fmt::Write;

/// How deep a nested chain may go (a mount inside a mount inside ...).
pub const MAX_CHAIN: usize = 4;
/// Top-level mounts per `/srv/gNNNN` directory.
pub const PER_GROUP: usize = 64;

/// What a generated mount is, as the kernel helper needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Tmpfs,
    BindRo,
    BindRw,
    /// A bind of a single file onto a file.
    FileBind,
    /// A type runsc 2018 skips with a warning.
    Ignored,
}

/// One generated mount with what the benchmarks need to know about it.
#[derive(Clone, Debug)]
pub struct GenMount {
    pub kind: Kind,
    pub spec: MountSpec,
    /// Index of the mount this one is nested in, if any.
    pub parent: Option<usize>,
    pub depth: usize,
    /// A file five directories below the mount point, when one was made.
    pub deep_file: Option<String>,
}

/// A generated spec.
#[derive(Clone, Debug)]
pub struct Generated {
    pub n: usize,
    pub mounts: Vec<GenMount>,
    pub spec: SpecView,
    pub host: HostInput,
}

/// splitmix64: small, fast, and the same everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

fn opts(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The relative path of the deep file made below some mounts.
pub const DEEP_REL: &str = "d1/d2/d3/d4/d5/file";

/// Generates the spec of `n` mounts.
pub fn generate(n: usize) -> Generated {
    let mut rng = Rng::new(0x6d6f_756e_746c_6162 ^ n as u64);
    let mut mounts: Vec<GenMount> = Vec::with_capacity(n);
    // Mounts that may hold a nested mount (directories, writable or bound).
    let mut nestable: Vec<usize> = Vec::new();
    let mut host: HostInput = BTreeMap::new();
    let mut root_files: BTreeMap<String, HostNodeInput> = BTreeMap::new();
    root_files.insert(
        "etc/hostname".into(),
        HostNodeInput::Content("bench\n".into()),
    );
    root_files.insert("bin/sh".into(), HostNodeInput::Content(String::new()));
    let mut top = 0usize;
    for i in 0..n {
        let roll = rng.below(100);
        let top_dest = |top: usize| format!("/srv/g{:04}/m{}", top / PER_GROUP, top % PER_GROUP);
        let (kind, dest, parent, depth) = if (65..85).contains(&roll) && !nestable.is_empty() {
            // Nested inside a recent nestable mount.
            let window = nestable.len().min(32);
            let p = nestable[nestable.len() - 1 - rng.below(window)];
            let pm = &mounts[p];
            let kind = match rng.below(3) {
                0 => Kind::Tmpfs,
                1 => Kind::BindRo,
                _ => Kind::BindRw,
            };
            (
                kind,
                format!("{}/n{i}", pm.spec.destination),
                Some(p),
                pm.depth + 1,
            )
        } else {
            let kind = match roll {
                0..=29 => Kind::Tmpfs,
                30..=49 => Kind::BindRo,
                50..=84 => Kind::BindRw,
                85..=91 => Kind::FileBind,
                _ => Kind::Ignored,
            };
            let mut dest = top_dest(top);
            top += 1;
            if kind == Kind::FileBind {
                dest.push_str(".conf");
            }
            (kind, dest, None, 0)
        };
        let spec = match kind {
            Kind::Tmpfs => {
                let o = match rng.below(4) {
                    0 => opts(&["nosuid", "nodev", "mode=755"]),
                    1 => opts(&["nosuid", "nodev", "noexec", "mode=1777", "size=65536k"]),
                    2 => opts(&["mode=700", "uid=0", "gid=0"]),
                    _ => opts(&["rw", "noatime"]),
                };
                MountSpec {
                    destination: dest,
                    typ: "tmpfs".into(),
                    source: "tmpfs".into(),
                    options: o,
                }
            }
            Kind::BindRo | Kind::BindRw | Kind::FileBind => MountSpec {
                destination: dest,
                typ: "bind".into(),
                source: format!("/host/b{i}"),
                options: if kind == Kind::BindRo {
                    opts(&["rbind", "ro"])
                } else {
                    opts(&["rbind", "rw"])
                },
            },
            Kind::Ignored => MountSpec {
                destination: dest,
                typ: if i % 2 == 0 { "cgroup" } else { "mqueue" }.into(),
                source: "none".into(),
                options: opts(&["nosuid", "noexec", "nodev"]),
            },
        };
        let mut deep_file = None;
        match kind {
            Kind::BindRo | Kind::BindRw => {
                let mut files = BTreeMap::new();
                files.insert("README".into(), HostNodeInput::Content("bound\n".into()));
                if i % 4 == 0 {
                    files.insert(DEEP_REL.into(), HostNodeInput::Content("deep\n".into()));
                    deep_file = Some(format!("{}/{DEEP_REL}", spec.destination));
                }
                host.insert(spec.destination.clone(), files);
            }
            Kind::FileBind => {
                let mut files = BTreeMap::new();
                files.insert(".".into(), HostNodeInput::Content("key=value\n".into()));
                host.insert(spec.destination.clone(), files);
            }
            _ => {}
        }
        // Tmpfs chains are writable only when not read-only; binds of either
        // kind hold a pre-made mount point, so all directories nest.
        if matches!(kind, Kind::Tmpfs | Kind::BindRo | Kind::BindRw) && depth < MAX_CHAIN {
            nestable.push(i);
        }
        mounts.push(GenMount {
            kind,
            spec,
            parent,
            depth,
            deep_file,
        });
    }
    host.insert("/".into(), root_files);
    let spec = SpecView {
        root_path: "/rootfs".into(),
        root_readonly: false,
        mounts: mounts.iter().map(|m| m.spec.clone()).collect(),
        args: vec!["/bin/sh".into()],
        env: vec!["PATH=/usr/bin:/bin".into()],
        cwd: "/".into(),
    };
    Generated {
        n,
        mounts,
        spec,
        host,
    }
}

/// The paths the lookup benchmark resolves, `count` of each category:
/// mount points, deep files, and missing names (in a tmpfs, in a bind, and
/// next to the mounts).
pub struct LookupPaths {
    pub mount_points: Vec<String>,
    pub deep_files: Vec<String>,
    pub missing: Vec<String>,
}

impl LookupPaths {
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.mount_points
            .iter()
            .chain(&self.deep_files)
            .chain(&self.missing)
    }

    pub fn len(&self) -> usize {
        self.mount_points.len() + self.deep_files.len() + self.missing.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Deep tmpfs files the lookup benchmark creates after the build (tmpfs
/// mounts start empty): `<mount>/d1/d2/d3/d4/d5/file`.
pub fn tmpfs_deep_files(g: &Generated) -> Vec<String> {
    g.mounts
        .iter()
        .enumerate()
        .filter(|(i, m)| m.kind == Kind::Tmpfs && i % 4 == 1 && !is_read_only(&m.spec))
        .map(|(_, m)| format!("{}/{DEEP_REL}", m.spec.destination))
        .collect()
}

fn is_read_only(m: &MountSpec) -> bool {
    m.options
        .iter()
        .rev()
        .find(|o| *o == "ro" || *o == "rw")
        .is_some_and(|o| o == "ro")
}

/// The mount the create benchmarks write into: the first top-level mount
/// of `kind` (a writable tmpfs or a writable bind).
pub fn create_target(g: &Generated, kind: Kind) -> Option<&str> {
    g.mounts
        .iter()
        .find(|m| m.kind == kind && m.depth == 0 && !is_read_only(&m.spec))
        .map(|m| m.spec.destination.as_str())
}

/// Picks the lookup paths deterministically from a generated spec.
pub fn lookup_paths(g: &Generated, count: usize) -> LookupPaths {
    let mounted: Vec<&GenMount> = g
        .mounts
        .iter()
        .filter(|m| m.kind != Kind::Ignored)
        .collect();
    let mut deep: Vec<String> = g
        .mounts
        .iter()
        .filter_map(|m| m.deep_file.clone())
        .collect();
    deep.extend(tmpfs_deep_files(g));
    deep.sort();
    let pick = |v: &[String], seed: u64| -> Vec<String> {
        let mut rng = Rng::new(seed);
        (0..count.min(v.len().max(1) * 64))
            .filter_map(|_| v.get(rng.below(v.len())).cloned())
            .take(count)
            .collect()
    };
    let points: Vec<String> = mounted.iter().map(|m| m.spec.destination.clone()).collect();
    let dirs: Vec<String> = mounted
        .iter()
        .filter(|m| m.kind != Kind::FileBind)
        .map(|m| format!("{}/missing", m.spec.destination))
        .chain((0..8).map(|i| format!("/srv/g0000/absent{i}")))
        .collect();
    LookupPaths {
        mount_points: pick(&points, 1),
        deep_files: pick(&deep, 2),
        missing: pick(&dirs, 3),
    }
}

/// The line format `bench/kernel/mountbench.c` reads. Host-side staging
/// paths are relative to the helper's staging directory; mount
/// destinations are relative to its root directory.
///
/// ```text
/// D <path>                       stage a directory
/// F <path>                       stage a small file
/// T <dest> <flags> <data>        tmpfs; flags: comma list of ro,nosuid,nodev,noexec,noatime or -
/// B <dest> <src> ro|rw           recursive bind of a directory
/// f <dest> <src> ro|rw           bind of a file onto a file
/// X <dest>                       ignored type (nothing mounted)
/// P <path>                       create a deep file after the build (tmpfs)
/// L m|d|x <path>                 a lookup path (mount point, deep file, missing)
/// C tmpfs|bind <dest>            the mount the create benchmark writes into
/// ```
pub fn kernel_spec(g: &Generated, lookups: usize) -> String {
    let mut s = String::new();
    // Staging: every bind source with its files and the mount points of
    // the mounts nested in it (a read-only bind cannot grow them later).
    for (i, m) in g.mounts.iter().enumerate() {
        match m.kind {
            Kind::BindRo | Kind::BindRw => {
                let src = format!("host/b{i}");
                let _ = writeln!(s, "D {src}");
                let _ = writeln!(s, "F {src}/README");
                if m.deep_file.is_some() {
                    let _ = writeln!(s, "D {src}/d1/d2/d3/d4/d5");
                    let _ = writeln!(s, "F {src}/{DEEP_REL}");
                }
            }
            Kind::FileBind => {
                let _ = writeln!(s, "F host/b{i}");
            }
            _ => {}
        }
        if let Some(p) = m.parent {
            let pm = &g.mounts[p];
            if matches!(pm.kind, Kind::BindRo | Kind::BindRw) {
                let rel = m
                    .spec
                    .destination
                    .strip_prefix(pm.spec.destination.as_str())
                    .unwrap_or("");
                let _ = writeln!(s, "D host/b{p}{rel}");
            }
        }
    }
    for (i, m) in g.mounts.iter().enumerate() {
        let d = &m.spec.destination;
        match m.kind {
            Kind::Tmpfs => {
                let mut flags: Vec<&str> = Vec::new();
                let mut data: Vec<&str> = Vec::new();
                for o in &m.spec.options {
                    match o.as_str() {
                        "ro" | "nosuid" | "nodev" | "noexec" | "noatime" => flags.push(o),
                        "rw" => {}
                        o => data.push(o),
                    }
                }
                let flags = if flags.is_empty() {
                    "-".to_string()
                } else {
                    flags.join(",")
                };
                let data = if data.is_empty() {
                    "-".to_string()
                } else {
                    data.join(",")
                };
                let _ = writeln!(s, "T {d} {flags} {data}");
            }
            Kind::BindRo => {
                let _ = writeln!(s, "B {d} host/b{i} ro");
            }
            Kind::BindRw => {
                let _ = writeln!(s, "B {d} host/b{i} rw");
            }
            Kind::FileBind => {
                let _ = writeln!(s, "f {d} host/b{i} rw");
            }
            Kind::Ignored => {
                let _ = writeln!(s, "X {d}");
            }
        }
    }
    for p in tmpfs_deep_files(g) {
        let _ = writeln!(s, "P {p}");
    }
    if let Some(d) = create_target(g, Kind::Tmpfs) {
        let _ = writeln!(s, "C tmpfs {d}");
    }
    if let Some(d) = create_target(g, Kind::BindRw) {
        let _ = writeln!(s, "C bind {d}");
    }
    let lp = lookup_paths(g, lookups);
    for p in &lp.mount_points {
        let _ = writeln!(s, "L m {p}");
    }
    for p in &lp.deep_files {
        let _ = writeln!(s, "L d {p}");
    }
    for p in &lp.missing {
        let _ = writeln!(s, "L x {p}");
    }
    s
}

/// The generated spec as a scenario file (`mountlab run` / `preview`
/// input): the OCI spec and the host files its binds serve. The
/// whole-process benchmark feeds this to the release binary, so what it
/// times is what a user runs on the same spec the kernel helper builds.
pub fn scenario_json(g: &Generated) -> String {
    use serde_json::{json, Map, Value};
    let mounts: Vec<Value> = g
        .spec
        .mounts
        .iter()
        .map(|m| {
            json!({
                "destination": m.destination,
                "type": m.typ,
                "source": m.source,
                "options": m.options,
            })
        })
        .collect();
    let host: Map<String, Value> = g
        .host
        .iter()
        .map(|(attach, nodes)| {
            let files: Map<String, Value> = nodes
                .iter()
                .filter_map(|(rel, node)| match node {
                    HostNodeInput::Content(c) => Some((rel.clone(), Value::String(c.clone()))),
                    HostNodeInput::Typed(_) => None,
                })
                .collect();
            (attach.clone(), Value::Object(files))
        })
        .collect();
    let v = json!({
        "description": format!("mountlab bench: the generated spec of {} mounts", g.n),
        "spec": {
            "ociVersion": "1.0.0",
            "root": {"path": g.spec.root_path, "readonly": g.spec.root_readonly},
            "process": {"args": g.spec.args, "env": g.spec.env, "cwd": g.spec.cwd},
            "mounts": mounts,
        },
        "host": host,
    });
    let mut s = v.to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_mixed() {
        let a = generate(1000);
        let b = generate(1000);
        let da: Vec<_> = a.mounts.iter().map(|m| &m.spec.destination).collect();
        let db: Vec<_> = b.mounts.iter().map(|m| &m.spec.destination).collect();
        assert_eq!(da, db);
        assert_eq!(a.mounts.len(), 1000);
        for k in [
            Kind::Tmpfs,
            Kind::BindRo,
            Kind::BindRw,
            Kind::FileBind,
            Kind::Ignored,
        ] {
            assert!(a.mounts.iter().any(|m| m.kind == k), "{k:?}");
        }
        assert!(a.mounts.iter().any(|m| m.depth == MAX_CHAIN));
        assert!(a.mounts.iter().all(|m| m.depth <= MAX_CHAIN));
        // Nested mounts come after their parents.
        for (i, m) in a.mounts.iter().enumerate() {
            if let Some(p) = m.parent {
                assert!(p < i);
            }
        }
    }

    #[test]
    fn scenario_json_is_a_scenario_of_the_same_spec() {
        let g = generate(300);
        let s = crate::scenario::Scenario::from_json(&scenario_json(&g)).unwrap();
        assert_eq!(s.spec.mounts, g.spec.mounts);
        assert_eq!(s.host.as_ref(), Some(&g.host));
    }
}
