//! `compileMounts` (fs.go:122-190) and `specutils.IsSupportedDevMount`
//! (specutils.go:296-316).

use super::decisions::{Event, Origin, Recorder};
use super::MountSpec;
use crate::vfs::{clean, clean_cow};

/// A mount after `compileMounts`, remembering where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledMount {
    pub mount: MountSpec,
    pub origin: Origin,
    pub spec_index: Option<usize>,
}

impl CompiledMount {
    /// A mount `compileMounts` adds itself.
    fn mandatory(typ: &str, destination: &str) -> CompiledMount {
        CompiledMount {
            mount: MountSpec::new(typ, destination),
            origin: Origin::Mandatory,
            spec_index: None,
        }
    }
}

/// Device paths the sandbox provides itself; spec mounts at or below them are
/// dropped (`specutils.IsSupportedDevMount`: "These are devices exist inside
/// sentry", specutils.go:297).
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
        // A single mount at '/dev' is always mounted, "as the spec says we
        // SHOULD" (specutils.go:305-307).
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
/// destination, whatever the type. Dropped mounts are logged in `rec`.
pub fn compile_mounts(spec_mounts: &[MountSpec], rec: &mut Recorder) -> Vec<CompiledMount> {
    // Keep track of whether proc, sys, and tmp were mounted (fs.go:123).
    let (mut proc_mounted, mut sys_mounted, mut tmp_mounted) = (false, false, false);
    // Always mount /dev (fs.go:127).
    let mut mounts = vec![
        CompiledMount::mandatory("devtmpfs", "/dev"),
        CompiledMount::mandatory("devpts", "/dev/pts"),
    ];
    // Mount all submounts from the spec (fs.go:138).
    for (index, m) in spec_mounts.iter().enumerate() {
        if !is_supported_dev_mount(m) {
            rec.event(Event::DevMountIgnored { index, mount: m });
            continue;
        }
        mounts.push(CompiledMount {
            mount: m.clone(),
            origin: Origin::Spec,
            spec_index: Some(index),
        });
        match clean(&m.destination).as_str() {
            "/proc" => proc_mounted = true,
            "/sys" => sys_mounted = true,
            "/tmp" => tmp_mounted = true,
            _ => {}
        }
    }
    // Mount proc and sys even if the user did not ask for it, "as the spec
    // says we SHOULD" (fs.go:155-156).
    let mut mandatory = Vec::new();
    if !proc_mounted {
        mandatory.push(CompiledMount::mandatory("proc", "/proc"));
    }
    if !sys_mounted {
        mandatory.push(CompiledMount::mandatory("sysfs", "/sys"));
    }
    // A tmpfs at /tmp "is a nice optimization, and fixes some apps that call
    // mknod in /tmp"; it always appears empty (fs.go:171-178).
    if !tmp_mounted {
        mandatory.push(CompiledMount::mandatory("tmpfs", "/tmp"));
    }
    // "The mandatory mounts should be ordered right after the root, in case
    // there are submounts of these mandatory mounts already in the spec."
    // (fs.go:185-186)
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
            &mut Recorder::default(),
        );
        assert_eq!(
            dests(&c),
            ["/sys", "/tmp", "/dev", "/dev/pts", "/foo", "/proc", "/bar"]
        );
        let c = compile_mounts(&[], &mut Recorder::default());
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
            &mut Recorder::default(),
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
            &mut rec,
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
        assert_eq!(
            rec.decisions[1].outcome,
            crate::engines::runsc2018::boot::decisions::Outcome::Dropped
        );
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
