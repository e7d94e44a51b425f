//! Option handling of fs.go, in its order: `getMountNameAndOptions`
//! (fs.go:254-289), `p9MountOptions` (356-367), `parseAndFilterOptions`
//! (371-393), `mountDevice` (397-405) and `mountFlags` (464-479).

use super::config::{BootConfig, FileAccess};
use super::decisions::{Effect, Event, Finding, FindingKind, Recorder};
use super::fds::FdDispenser;
use super::MountSpec;
use crate::error::{Error, Result};
use crate::gostr::{quote, quote_slice};
use crate::vfs::MountSourceFlags;

/// What `getMountNameAndOptions` decided for one mount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountNameAndOptions {
    /// `""` means an unknown type: the mount is skipped.
    pub fs_name: String,
    pub opts: Vec<String>,
    pub use_overlay: bool,
    /// The gofer FD a bind consumed.
    pub fd: Option<i32>,
}

/// `getMountNameAndOptions(conf, m, fds)`. A `bind` consumes one FD whether
/// or not it has a source, and running out is fatal (runsc panics).
pub fn get_mount_name_and_options(
    conf: &BootConfig,
    m: &MountSpec,
    fds: &mut FdDispenser,
    rec: &mut Recorder,
) -> Result<MountNameAndOptions> {
    let mut out = MountNameAndOptions {
        fs_name: String::new(),
        opts: Vec::new(),
        use_overlay: false,
        fd: None,
    };
    match m.typ.as_str() {
        "devpts" | "devtmpfs" | "proc" | "sysfs" => {
            out.fs_name = m.typ.clone();
            rec.event(Event::AsIs { typ: &m.typ });
        }
        "none" => {
            out.fs_name = "sysfs".into();
            rec.event(Event::NoneIsSysfs);
        }
        "tmpfs" => {
            out.fs_name = m.typ.clone();
            // "tmpfs has some extra supported options that we must pass
            // through" (fs.go:270).
            out.opts = parse_and_filter_options(&m.options, &["mode", "uid", "gid"], rec)?;
        }
        "bind" => {
            let fd = fds.remove()?;
            out.fd = Some(fd);
            out.fs_name = "9p".into();
            // "Non-root bind mounts are always shared" (fs.go:276).
            out.opts = p9_mount_options(fd, FileAccess::Shared);
            rec.event(Event::BindOverGofer { fd });
            // "If configured, add overlay to all writable mounts" (fs.go:278).
            // Go's && short-circuits: mountFlags (and its warnings) runs
            // here only when --overlay is on.
            out.use_overlay = conf.overlay && !mount_flags(&m.options, rec).read_only;
            if out.use_overlay {
                rec.event(Event::BindOverlay);
            }
        }
        // "Most applications will "just work" without them, so this is a
        // warning for now" (fs.go:282-286).
        _ => rec.event(Event::UnknownType { typ: &m.typ }),
    }
    Ok(out)
}

/// `p9MountOptions(fd, fa)`.
pub fn p9_mount_options(fd: i32, fa: FileAccess) -> Vec<String> {
    let mut opts = vec![
        "trans=fd".to_string(),
        format!("rfdno={fd}"),
        format!("wfdno={fd}"),
        "privateunixsocket=true".to_string(),
    ];
    if fa == FileAccess::Shared {
        opts.push("cache=remote_revalidating".into());
    }
    opts
}

/// `parseAndFilterOptions(opts, allowedKeys...)`: keeps allowed `k` and
/// `k=v`, warns about the rest, and fails on anything with two `=`.
pub fn parse_and_filter_options(
    opts: &[String],
    allowed: &[&str],
    rec: &mut Recorder,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for o in opts {
        let kv: Vec<&str> = o.split('=').collect();
        match kv.as_slice() {
            [k] => {
                if allowed.contains(k) {
                    out.push(o.clone());
                } else {
                    rec.warn_finding(
                        "parseAndFilterOptions",
                        format!("ignoring unsupported key {}", quote_slice(&kv)),
                        dropped_key(o),
                    );
                }
            }
            [k, _] => {
                if allowed.contains(k) {
                    out.push(o.clone());
                } else {
                    rec.warn_finding(
                        "parseAndFilterOptions",
                        format!("ignoring unsupported key {}", quote(k)),
                        dropped_key(o),
                    );
                }
            }
            _ => return Err(Error::msg(format!("invalid option {}", quote(o)))),
        }
    }
    Ok(out)
}

/// `mountDevice(m)`: `9pfs-<raw destination>` for binds, `none` otherwise.
pub fn mount_device(m: &MountSpec) -> String {
    if m.typ == "bind" {
        // A device string with the target "is consistent across S/R and
        // uniquely identifies the connection" (fs.go:399-400).
        format!("9pfs-{}", m.destination)
    } else {
        "none".to_string()
    }
}

/// A filtered option's finding: it changes what the container sees, or not.
fn filtered_option(changes: bool) -> Finding {
    Finding {
        kind: FindingKind::FilteredOption,
        effect: if changes {
            Effect::ChangesBehaviour
        } else {
            Effect::Harmless
        },
    }
}

/// A key `parseAndFilterOptions` drops never reaches the filesystem (a
/// tmpfs `size=` limit is gone): that changes what the container sees,
/// unless `mountFlags` reads the option from the spec anyway (`ro`, `rw`,
/// `noatime` become mount flags, not data).
fn dropped_key(o: &str) -> Finding {
    filtered_option(!matches!(o, "rw" | "ro" | "noatime"))
}

/// What an option `mountFlags` ignores costs: the protections nosuid,
/// nodev and noexec are simply absent in 2018's VFS (a behaviour change);
/// the rest have no counterpart there (atime, propagation, `bind`) or
/// reach the filesystem as data anyway (tmpfs `mode=`), so they are harmless.
fn unknown_flag(o: &str) -> Finding {
    filtered_option(matches!(o, "nosuid" | "nodev" | "noexec"))
}

/// `mountFlags(opts)`: only `rw`, `ro` (last wins) and `noatime` mean
/// anything; every other option warns and is ignored (no nosuid, nodev or
/// noexec in 2018).
pub fn mount_flags(opts: &[String], rec: &mut Recorder) -> MountSourceFlags {
    let mut mf = MountSourceFlags::default();
    for o in opts {
        match o.as_str() {
            "rw" => mf.read_only = false,
            "ro" => mf.read_only = true,
            "noatime" => mf.no_atime = true,
            _ => rec.warn_finding(
                "mountFlags",
                format!("ignoring unknown mount option {}", quote(o)),
                unknown_flag(o),
            ),
        }
    }
    mf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn filter_options_like_fs_go() {
        let mut rec = Recorder::default();
        let got = parse_and_filter_options(
            &s(&[
                "nosuid",
                "size=64m",
                "mode=1777",
                "uid=1000",
                "gid=1000",
                "noatime",
                "=x",
                "mode=",
            ]),
            &["mode", "uid", "gid"],
            &mut rec,
        )
        .unwrap();
        assert_eq!(got, s(&["mode=1777", "uid=1000", "gid=1000", "mode="]));
        assert_eq!(
            rec.warnings,
            [
                "ignoring unsupported key [\"nosuid\"]",
                "ignoring unsupported key \"size\"",
                "ignoring unsupported key [\"noatime\"]",
                "ignoring unsupported key \"\"",
            ]
        );
        let err = parse_and_filter_options(&s(&["x=y=z"]), &["mode"], &mut rec).unwrap_err();
        assert_eq!(err.to_string(), "invalid option \"x=y=z\"");
        assert_eq!(
            parse_and_filter_options(&s(&["mode"]), &["mode"], &mut rec).unwrap(),
            s(&["mode"])
        );
    }

    #[test]
    fn mount_flags_last_of_ro_rw_wins() {
        let mut rec = Recorder::default();
        let f = mount_flags(&s(&["ro", "nosuid", "rw", "noatime", "RO"]), &mut rec);
        assert_eq!(
            f,
            MountSourceFlags {
                read_only: false,
                no_atime: true
            }
        );
        assert_eq!(
            rec.warnings,
            [
                "ignoring unknown mount option \"nosuid\"",
                "ignoring unknown mount option \"RO\""
            ]
        );
        assert!(mount_flags(&s(&["rw", "ro"]), &mut rec).read_only);
    }

    #[test]
    fn names_and_options_per_type() {
        let conf = BootConfig {
            overlay: true,
            file_access: FileAccess::Exclusive,
        };
        let mut rec = Recorder::default();
        let mut fds = FdDispenser::new(&[5]);
        let none =
            get_mount_name_and_options(&conf, &MountSpec::new("none", "/x"), &mut fds, &mut rec)
                .unwrap();
        assert_eq!(none.fs_name, "sysfs");
        let mut bind = MountSpec::new("bind", "/data");
        bind.options = s(&["rbind", "rw"]);
        let b = get_mount_name_and_options(&conf, &bind, &mut fds, &mut rec).unwrap();
        assert_eq!(b.fs_name, "9p");
        assert_eq!(b.fd, Some(5));
        assert!(b.use_overlay);
        assert_eq!(
            b.opts.join(","),
            "trans=fd,rfdno=5,wfdno=5,privateunixsocket=true,cache=remote_revalidating"
        );
        assert_eq!(rec.warnings, ["ignoring unknown mount option \"rbind\""]);
        let err = get_mount_name_and_options(&conf, &bind, &mut fds, &mut rec).unwrap_err();
        assert!(err.is_fatal());
        let unknown = get_mount_name_and_options(
            &conf,
            &MountSpec::new("cgroup", "/sys/fs/cgroup"),
            &mut fds,
            &mut rec,
        )
        .unwrap();
        assert_eq!(unknown.fs_name, "");
        assert_eq!(
            rec.warnings.last().unwrap(),
            "ignoring unknown filesystem type \"cgroup\""
        );
        assert_eq!(
            p9_mount_options(3, FileAccess::Exclusive).join(","),
            "trans=fd,rfdno=3,wfdno=3,privateunixsocket=true"
        );
        assert_eq!(mount_device(&bind), "9pfs-/data");
        assert_eq!(mount_device(&MountSpec::new("tmpfs", "/t")), "none");
    }
}
