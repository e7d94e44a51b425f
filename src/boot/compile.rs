//! `compileMounts` (fs.go:122-190) and `specutils.IsSupportedDevMount`.

use super::decisions::{Decision, Origin, Outcome, Recorder};
use super::MountSpec;
use crate::gostr::quote;
use crate::vfs::{clean, clean_cow};

/// A mount after `compileMounts`, remembering where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledMount {
    pub mount: MountSpec,
    pub origin: Origin,
    pub spec_index: Option<usize>,
}

/// Device paths the sandbox provides itself; spec mounts at or below them are
/// dropped (`specutils.IsSupportedDevMount`).
const UNSUPPORTED_DEV: &[&str] = &[
    "/dev/fd",
    "/dev/stdin",
    "/dev/stdout",
    "/dev/stderr",
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/shm",
    "/dev/pts",
    "/dev/ptmx",
];

/// `specutils.IsSupportedDevMount(m)`.
pub fn is_supported_dev_mount(m: &MountSpec) -> bool {
    let dst = clean_cow(&m.destination);
    let dst = dst.as_ref();
    if dst == "/dev" {
        return false;
    }
    !UNSUPPORTED_DEV.iter().any(|dev| {
        dst == *dev
            || dst
                .strip_prefix(dev)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// `specutils.Is9PMount(m)`: binds with a source that the gofer serves.
pub fn is_9p_mount(m: &MountSpec) -> bool {
    m.typ == "bind" && !m.source.is_empty() && is_supported_dev_mount(m)
}

/// `compileMounts(spec)`: `[/proc?, /sys?, /tmp?, /dev, /dev/pts, spec mounts…]`.
/// The mandatory mounts are **prepended**, so a spec's own `/proc` keeps its
/// spec position after `/dev`. "Mounted" is decided by the cleaned
/// destination, whatever the type. When `rec` is given, dropped mounts get
/// their decision logged there with `container`.
pub fn compile_mounts(
    spec_mounts: &[MountSpec],
    rec: Option<(&mut Recorder, Option<&str>)>,
) -> Vec<CompiledMount> {
    let mut rec = rec;
    let (mut proc_mounted, mut sys_mounted, mut tmp_mounted) = (false, false, false);
    let mut mounts = vec![
        CompiledMount {
            mount: MountSpec::new("devtmpfs", "/dev"),
            origin: Origin::Mandatory,
            spec_index: None,
        },
        CompiledMount {
            mount: MountSpec::new("devpts", "/dev/pts"),
            origin: Origin::Mandatory,
            spec_index: None,
        },
    ];
    for (i, m) in spec_mounts.iter().enumerate() {
        if !is_supported_dev_mount(m) {
            if let Some((r, cid)) = rec.as_mut() {
                let mut d = Decision::new(*cid, Origin::Spec, Some(i), m);
                d.outcome = Outcome::Dropped;
                let idx = r.begin(d);
                r.note("specutils.IsSupportedDevMount", "the sandbox provides this device path itself (devtmpfs/devpts), so the spec mount is dropped");
                r.warn(
                    "compileMounts",
                    format!("ignoring dev mount at {}", quote(&m.destination)),
                );
                r.select(None);
                let _ = idx;
            }
            continue;
        }
        mounts.push(CompiledMount {
            mount: m.clone(),
            origin: Origin::Spec,
            spec_index: Some(i),
        });
        match clean(&m.destination).as_str() {
            "/proc" => proc_mounted = true,
            "/sys" => sys_mounted = true,
            "/tmp" => tmp_mounted = true,
            _ => {}
        }
    }
    let mut mandatory = Vec::new();
    if !proc_mounted {
        mandatory.push(CompiledMount {
            mount: MountSpec::new("proc", "/proc"),
            origin: Origin::Mandatory,
            spec_index: None,
        });
    }
    if !sys_mounted {
        mandatory.push(CompiledMount {
            mount: MountSpec::new("sysfs", "/sys"),
            origin: Origin::Mandatory,
            spec_index: None,
        });
    }
    if !tmp_mounted {
        mandatory.push(CompiledMount {
            mount: MountSpec::new("tmpfs", "/tmp"),
            origin: Origin::Mandatory,
            spec_index: None,
        });
    }
    mandatory.extend(mounts);
    mandatory
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(typ: &str, dst: &str) -> MountSpec {
        MountSpec::new(typ, dst)
    }

    fn dests(c: &[CompiledMount]) -> Vec<&str> {
        c.iter().map(|x| x.mount.destination.as_str()).collect()
    }

    #[test]
    fn mandatory_mounts_are_prepended() {
        let c = compile_mounts(
            &[m("tmpfs", "/foo"), m("proc", "/proc"), m("tmpfs", "/bar")],
            None,
        );
        assert_eq!(
            dests(&c),
            ["/sys", "/tmp", "/dev", "/dev/pts", "/foo", "/proc", "/bar"]
        );
        let c = compile_mounts(&[], None);
        assert_eq!(dests(&c), ["/proc", "/sys", "/tmp", "/dev", "/dev/pts"]);
    }

    #[test]
    fn mounted_is_decided_by_clean_destination_whatever_the_type() {
        let c = compile_mounts(
            &[
                m("tmpfs", "/proc//"),
                m("bind", "/sys/"),
                m("cgroup", "/tmp/../tmp"),
            ],
            None,
        );
        assert_eq!(
            dests(&c),
            ["/dev", "/dev/pts", "/proc//", "/sys/", "/tmp/../tmp"]
        );
    }

    #[test]
    fn supported_dev_mounts() {
        for (dst, ok) in [
            ("/dev", false),
            ("/dev/", false),
            ("/dev/shm", false),
            ("/dev/shm/x", false),
            ("/dev/pts", false),
            ("/dev/null", false),
            ("/dev/fd-foo", true),
            ("/dev/mqueue", true),
            ("/dev/tty", true),
            ("/devices", true),
            ("/data", true),
        ] {
            assert_eq!(is_supported_dev_mount(&m("bind", dst)), ok, "{dst}");
        }
        let mut rec = Recorder::default();
        let c = compile_mounts(
            &[
                m("tmpfs", "/dev"),
                m("bind", "/dev/shm"),
                m("mqueue", "/dev/mqueue"),
            ],
            Some((&mut rec, None)),
        );
        assert_eq!(
            dests(&c),
            ["/proc", "/sys", "/tmp", "/dev", "/dev/pts", "/dev/mqueue"]
        );
        assert_eq!(
            rec.warnings,
            [
                "ignoring dev mount at \"/dev\"",
                "ignoring dev mount at \"/dev/shm\""
            ]
        );
        assert_eq!(rec.decisions.len(), 2);
        assert_eq!(rec.decisions[1].outcome, Outcome::Dropped);
    }

    #[test]
    fn is_9p_mount_needs_a_source() {
        let mut b = m("bind", "/data");
        assert!(!is_9p_mount(&b));
        b.source = "/host".into();
        assert!(is_9p_mount(&b));
        b.destination = "/dev/shm".into();
        assert!(!is_9p_mount(&b));
    }
}
