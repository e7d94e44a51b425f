//! `compileMounts` (runsc/boot/vfs.go) and the specutils helpers that
//! decide a mount's kind: `MaybeConvertToBindMount`, `ChangeMountType`,
//! `IsGoferMount`, `IsErofsMount`, `HasMountConfig`.

use super::config::RunscConfig;
use super::mount::SpecMount;
use crate::vfs::clean_cow;

/// `MaybeConvertToBindMount`: type `bind` when the options hold `bind` or
/// `rbind` (the OCI rule for bind mounts whose type is a dummy).
pub fn maybe_convert_to_bind_mount(m: &mut SpecMount) {
    if m.typ != "bind" && m.opts().iter().any(|o| o == "bind" || o == "rbind") {
        m.typ = "bind".into();
    }
}

/// `ChangeMountType`: sets the type and, for a type other than `bind`,
/// drops `bind`/`rbind` from the options (a nil list becomes an empty
/// one, as Go's `make` does). True if `m` changed.
pub fn change_mount_type(m: &mut SpecMount, new_type: &str) -> bool {
    let mut updated = false;
    if m.typ != new_type {
        m.typ = new_type.to_string();
        updated = true;
    }
    if new_type != "bind" {
        let before = m.opts().len();
        let kept: Vec<String> = m
            .opts()
            .iter()
            .filter(|o| *o != "bind" && *o != "rbind")
            .cloned()
            .collect();
        updated |= kept.len() != before;
        m.options = Some(kept);
    }
    updated
}

/// `IsGoferMount`: a bind (by type or option) with a source.
pub fn is_gofer_mount(m: &SpecMount) -> bool {
    let is_bind = m.typ == "bind" || m.opts().iter().any(|o| o == "bind" || o == "rbind");
    is_bind && !m.source.is_empty()
}

/// `IsErofsMount`.
pub fn is_erofs_mount(m: &SpecMount) -> bool {
    m.typ == "erofs"
}

/// `HasMountConfig`: the mount takes a `GoferMountConf` (and usually an FD).
pub fn has_mount_config(m: &SpecMount) -> bool {
    is_gofer_mount(m) || is_erofs_mount(m)
}

/// `compileMounts(spec, conf)`: the spec's mounts with `/dev` forced to
/// `dev`, `/dev/pts` to `devpts`, late cgroup mounts dropped, and the
/// missing `/proc`, `/sys`, `/dev`, `/dev/pts` put first (no source, no
/// options). There is no mandatory `/tmp`: `mountTmp` decides that later.
pub fn compile_mounts(spec_mounts: &[SpecMount], conf: &RunscConfig) -> Vec<SpecMount> {
    let (mut proc_mounted, mut sys_mounted, mut dev_mounted, mut devpts_mounted) =
        (false, false, false, false);
    let mut cgroups_mounted = false;
    let mut mounts = Vec::with_capacity(spec_mounts.len() + 4);
    for m in spec_mounts {
        let clean = clean_cow(&m.destination);
        if conf.mount_cgroup_v2 {
            // One unified /sys/fs/cgroup: v1 controller submounts go.
            if (m.typ == "cgroup" || m.typ == "cgroup2") && clean.starts_with("/sys/fs/cgroup/") {
                continue;
            }
        } else if m.typ == "cgroup" && cgroups_mounted {
            // "/sys/fs/cgroup" mounts every controller; later ones are no-ops.
            continue;
        }
        let mut m = m.clone();
        match clean.as_ref() {
            "/proc" => proc_mounted = true,
            "/sys" => sys_mounted = true,
            "/dev" => {
                m.typ = "dev".into();
                dev_mounted = true;
            }
            "/dev/pts" => {
                m.typ = "devpts".into();
                devpts_mounted = true;
            }
            "/sys/fs/cgroup" => cgroups_mounted = true,
            _ => {}
        }
        mounts.push(m);
    }
    let mut out = Vec::with_capacity(mounts.len() + 4);
    for (mounted, typ, dst) in [
        (proc_mounted, "proc", "/proc"),
        (sys_mounted, "sysfs", "/sys"),
        (dev_mounted, "dev", "/dev"),
        (devpts_mounted, "devpts", "/dev/pts"),
    ] {
        if !mounted {
            out.push(SpecMount::new(typ, dst));
        }
    }
    out.extend(mounts);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mnt(typ: &str, dst: &str) -> SpecMount {
        SpecMount::new(typ, dst)
    }

    fn summary(ms: &[SpecMount]) -> Vec<(String, String)> {
        ms.iter()
            .map(|m| (m.typ.clone(), m.destination.clone()))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn empty_spec_gets_the_four_mandatory_mounts() {
        let c = compile_mounts(&[], &RunscConfig::default());
        assert_eq!(
            summary(&c),
            pairs(&[
                ("proc", "/proc"),
                ("sysfs", "/sys"),
                ("dev", "/dev"),
                ("devpts", "/dev/pts")
            ])
        );
        assert!(c.iter().all(|m| m.source.is_empty() && m.options.is_none()));
    }

    #[test]
    fn dev_types_are_forced_and_spec_mounts_follow_the_mandatory_ones() {
        let spec = [
            mnt("tmpfs", "/dev/"),
            mnt("mqueue", "/dev/mqueue"),
            mnt("bind", "/dev/pts"),
            mnt("proc", "/proc"),
            mnt("tmpfs", "/dev/shm"),
        ];
        let c = compile_mounts(&spec, &RunscConfig::default());
        assert_eq!(
            summary(&c),
            pairs(&[
                ("sysfs", "/sys"),
                ("dev", "/dev/"),
                ("mqueue", "/dev/mqueue"),
                ("devpts", "/dev/pts"),
                ("proc", "/proc"),
                ("tmpfs", "/dev/shm"),
            ])
        );
    }

    #[test]
    fn cgroup_mounts_after_sys_fs_cgroup_are_dropped() {
        let spec = [
            mnt("cgroup", "/sys/fs/cgroup/cpu"),
            mnt("cgroup", "/sys/fs/cgroup"),
            mnt("cgroup", "/sys/fs/cgroup/memory"),
            mnt("cgroup2", "/sys/fs/cgroup/unified"),
        ];
        let v1 = compile_mounts(&spec, &RunscConfig::default());
        assert_eq!(
            summary(&v1)[4..],
            pairs(&[
                ("cgroup", "/sys/fs/cgroup/cpu"),
                ("cgroup", "/sys/fs/cgroup"),
                ("cgroup2", "/sys/fs/cgroup/unified"),
            ])[..]
        );
        let v2 = compile_mounts(
            &spec,
            &RunscConfig {
                mount_cgroup_v2: true,
                ..RunscConfig::default()
            },
        );
        assert_eq!(
            summary(&v2)[4..],
            pairs(&[("cgroup", "/sys/fs/cgroup")])[..]
        );
    }

    #[test]
    fn bind_kind_helpers() {
        let mut m = SpecMount {
            typ: "none".into(),
            source: "/src".into(),
            options: Some(vec!["rbind".into(), "ro".into()]),
            ..SpecMount::default()
        };
        assert!(is_gofer_mount(&m) && has_mount_config(&m));
        maybe_convert_to_bind_mount(&mut m);
        assert_eq!(m.typ, "bind");
        assert!(change_mount_type(&mut m, "tmpfs"));
        assert_eq!(
            (m.typ.as_str(), m.opts()),
            ("tmpfs", &["ro".to_string()][..])
        );
        assert!(!change_mount_type(&mut m, "tmpfs"));
        let no_source = SpecMount::new("bind", "/x");
        assert!(!is_gofer_mount(&no_source) && !has_mount_config(&no_source));
        assert!(has_mount_config(&SpecMount::new("erofs", "/x")));
    }
}
