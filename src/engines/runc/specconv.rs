//! specconv's mount rules (libcontainer/specconv/spec_linux.go):
//! `parseMountOptions` with its five option tables, `createLibcontainerMount`,
//! `toConfigIDMap`, the `rootfsPropagation` lookup, and Go's `%+v` of the
//! `specs.Mount` that `invalid mount %+v: %w` prints.

use super::flags::*;
use super::mount::{go_plus_v_idmaps, ConfigsMount, IdMap, MountAttr, MountIdMapping};
use crate::error::{Error, Result};
use oci_spec::runtime::{LinuxIdMapping, Mount as SpecMount};

/// One entry of `mountFlags`, `recAttrFlags` or `extensionFlags`:
/// `clear` means the option turns the bits off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagOpt {
    pub clear: bool,
    pub flag: u64,
}

const fn set(flag: u64) -> FlagOpt {
    FlagOpt { clear: false, flag }
}

const fn clr(flag: u64) -> FlagOpt {
    FlagOpt { clear: true, flag }
}

/// `mountFlags`. `defaults` has flag 0, so `parseMountOptions` passes it on
/// as data. ("acl" is deliberately absent: runc#3738.)
const MOUNT_FLAGS: &[(&str, FlagOpt)] = &[
    ("async", clr(MS_SYNCHRONOUS)),
    ("atime", clr(MS_NOATIME)),
    ("bind", set(MS_BIND)),
    ("defaults", set(0)),
    ("dev", clr(MS_NODEV)),
    ("diratime", clr(MS_NODIRATIME)),
    ("dirsync", set(MS_DIRSYNC)),
    ("exec", clr(MS_NOEXEC)),
    ("iversion", set(MS_I_VERSION)),
    ("lazytime", set(MS_LAZYTIME)),
    ("loud", clr(MS_SILENT)),
    ("mand", set(MS_MANDLOCK)),
    ("noatime", set(MS_NOATIME)),
    ("nodev", set(MS_NODEV)),
    ("nodiratime", set(MS_NODIRATIME)),
    ("noexec", set(MS_NOEXEC)),
    ("noiversion", clr(MS_I_VERSION)),
    ("nolazytime", clr(MS_LAZYTIME)),
    ("nomand", clr(MS_MANDLOCK)),
    ("norelatime", clr(MS_RELATIME)),
    ("nostrictatime", clr(MS_STRICTATIME)),
    ("nosuid", set(MS_NOSUID)),
    ("nosymfollow", set(MS_NOSYMFOLLOW)),
    ("rbind", set(MS_BIND | MS_REC)),
    ("relatime", set(MS_RELATIME)),
    ("remount", set(MS_REMOUNT)),
    ("ro", set(MS_RDONLY)),
    ("rw", clr(MS_RDONLY)),
    ("silent", set(MS_SILENT)),
    ("strictatime", set(MS_STRICTATIME)),
    ("suid", clr(MS_NOSUID)),
    ("sync", set(MS_SYNCHRONOUS)),
    ("symfollow", clr(MS_NOSYMFOLLOW)),
];

/// `mountPropagationMapping`.
const MOUNT_PROPAGATION: &[(&str, u64)] = &[
    ("rprivate", MS_PRIVATE | MS_REC),
    ("private", MS_PRIVATE),
    ("rslave", MS_SLAVE | MS_REC),
    ("slave", MS_SLAVE),
    ("rshared", MS_SHARED | MS_REC),
    ("shared", MS_SHARED),
    ("runbindable", MS_UNBINDABLE | MS_REC),
    ("unbindable", MS_UNBINDABLE),
];

/// `recAttrFlags` (mount_setattr(2) with AT_RECURSIVE).
const REC_ATTR_FLAGS: &[(&str, FlagOpt)] = &[
    ("rro", set(MOUNT_ATTR_RDONLY)),
    ("rrw", clr(MOUNT_ATTR_RDONLY)),
    ("rnosuid", set(MOUNT_ATTR_NOSUID)),
    ("rsuid", clr(MOUNT_ATTR_NOSUID)),
    ("rnodev", set(MOUNT_ATTR_NODEV)),
    ("rdev", clr(MOUNT_ATTR_NODEV)),
    ("rnoexec", set(MOUNT_ATTR_NOEXEC)),
    ("rexec", clr(MOUNT_ATTR_NOEXEC)),
    ("rnodiratime", set(MOUNT_ATTR_NODIRATIME)),
    ("rdiratime", clr(MOUNT_ATTR_NODIRATIME)),
    ("rrelatime", set(MOUNT_ATTR_RELATIME)),
    ("rnorelatime", clr(MOUNT_ATTR_RELATIME)),
    ("rnoatime", set(MOUNT_ATTR_NOATIME)),
    ("ratime", clr(MOUNT_ATTR_NOATIME)),
    ("rstrictatime", set(MOUNT_ATTR_STRICTATIME)),
    ("rnostrictatime", clr(MOUNT_ATTR_STRICTATIME)),
    ("rnosymfollow", set(MOUNT_ATTR_NOSYMFOLLOW)),
    ("rsymfollow", clr(MOUNT_ATTR_NOSYMFOLLOW)),
];

/// `extensionFlags`.
const EXTENSION_FLAGS: &[(&str, FlagOpt)] = &[("tmpcopyup", set(EXT_COPYUP))];

/// `complexFlags`: `idmap` and `ridmap`, as the `Recursive` they set.
const COMPLEX_FLAGS: &[(&str, bool)] = &[("idmap", false), ("ridmap", true)];

fn lookup<T: Copy>(table: &[(&str, T)], key: &str) -> Option<T> {
    table.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}

/// `mountFlags[o]`.
pub fn mount_flag(option: &str) -> Option<FlagOpt> {
    lookup(MOUNT_FLAGS, option)
}

/// `mountPropagationMapping[o]`: also what `linux.rootfsPropagation` takes.
pub fn mount_propagation(option: &str) -> Option<u64> {
    lookup(MOUNT_PROPAGATION, option)
}

/// `recAttrFlags[o]`.
pub fn rec_attr_flag(option: &str) -> Option<FlagOpt> {
    lookup(REC_ATTR_FLAGS, option)
}

/// `extensionFlags[o]`.
pub fn extension_flag(option: &str) -> Option<FlagOpt> {
    lookup(EXTENSION_FLAGS, option)
}

/// `complexFlags[o]`: `Some(recursive)` for `idmap` / `ridmap`.
pub fn complex_flag(option: &str) -> Option<bool> {
    lookup(COMPLEX_FLAGS, option)
}

/// `KnownMountOptions` (what `runc features` lists): the keys of the first
/// four tables, sorted (the complex flags are not listed).
pub fn known_mount_options() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = MOUNT_FLAGS
        .iter()
        .map(|(k, _)| *k)
        .chain(MOUNT_PROPAGATION.iter().map(|(k, _)| *k))
        .chain(REC_ATTR_FLAGS.iter().map(|(k, _)| *k))
        .chain(EXTENSION_FLAGS.iter().map(|(k, _)| *k))
        .collect();
    keys.sort_unstable();
    keys
}

/// Applies a set/clear entry to a (set, cleared) pair: the later option wins.
fn apply(opt: FlagOpt, set_bits: &mut u64, clear_bits: &mut u64) {
    if opt.clear {
        *set_bits &= !opt.flag;
        *clear_bits |= opt.flag;
    } else {
        *set_bits |= opt.flag;
        *clear_bits &= !opt.flag;
    }
}

/// `parseMountOptions`: each option goes to the first table that has it
/// (mountFlags with a non-zero flag, propagation, recAttr, extensions,
/// complex), else to `Data`.
pub fn parse_mount_options<S: AsRef<str>>(options: &[S]) -> ConfigsMount {
    let mut m = ConfigsMount::default();
    let mut data: Vec<&str> = Vec::new();
    let (mut rec_set, mut rec_clr) = (0u64, 0u64);
    for o in options.iter().map(AsRef::as_ref) {
        if let Some(f) = mount_flag(o).filter(|f| f.flag != 0) {
            apply(f, &mut m.flags, &mut m.cleared_flags);
        } else if let Some(p) = mount_propagation(o).filter(|&p| p != 0) {
            m.propagation_flags.push(p);
        } else if let Some(f) = rec_attr_flag(o) {
            apply(f, &mut rec_set, &mut rec_clr);
            // mount_setattr(2): an atime mode in attr_set needs
            // MOUNT_ATTR__ATIME in attr_clr. runc's test is "the flag is
            // within the atime mask", which rrelatime (0) also passes.
            if f.flag & MOUNT_ATTR__ATIME == f.flag {
                rec_clr |= MOUNT_ATTR__ATIME;
            }
        } else if let Some(f) = extension_flag(o) {
            let mut unused = 0;
            apply(f, &mut m.extensions, &mut unused);
        } else if let Some(recursive) = complex_flag(o) {
            // A fresh MountIDMapping each time, as runc's closures do.
            m.id_mapping = Some(MountIdMapping {
                recursive,
                ..MountIdMapping::default()
            });
        } else {
            data.push(o);
        }
    }
    m.data = data.join(",");
    if rec_set != 0 || rec_clr != 0 {
        m.rec_attr = Some(MountAttr {
            attr_set: rec_set,
            attr_clr: rec_clr,
        });
    }
    m
}

/// `toConfigIDMap`: nil stays nil.
pub fn to_config_id_map(maps: Option<&[LinuxIdMapping]>) -> Option<Vec<IdMap>> {
    maps.map(|ms| {
        ms.iter()
            .map(|id| IdMap {
                container_id: i64::from(id.container_id()),
                host_id: i64::from(id.host_id()),
                size: i64::from(id.size()),
            })
            .collect()
    })
}

fn path_string(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `filepath.Join(dir, name)` on Linux: the same as Go's `path.Join` (empty
/// elements ignored, the result cleaned).
pub fn filepath_join(dir: &str, name: &str) -> String {
    crate::vfs::join(dir, name)
}

/// `filepath.IsAbs` on Linux.
pub fn is_abs(p: &str) -> bool {
    p.starts_with('/')
}

/// The warning `createLibcontainerMount` logs for a relative destination.
pub fn relative_destination_warning(destination: &str) -> String {
    format!(
        "mount destination {destination} is not absolute. Support for non-absolute mount \
         destinations will be removed in a future release."
    )
}

/// `createLibcontainerMount(cwd, m)`: the converted mount and the warnings
/// runc logs. `cwd` is the bundle directory (runc's working directory).
/// The error is unwrapped; [`wrap_invalid_mount`] adds runc's prefix.
pub fn create_libcontainer_mount(cwd: &str, m: &SpecMount) -> Result<(ConfigsMount, Vec<String>)> {
    let mut warnings = Vec::new();
    let destination = path_string(m.destination());
    if !is_abs(&destination) {
        warnings.push(relative_destination_warning(&destination));
    }
    let mut mnt = parse_mount_options(m.options().as_deref().unwrap_or_default());
    let source = m.source().as_deref().map(path_string).unwrap_or_default();
    mnt.destination = destination;
    mnt.device = m.typ().clone().unwrap_or_default();
    if mnt.is_bind() {
        // The type is meaningless for a bind; runc sets "bind" because
        // rootfs_linux.go keys some checks on it.
        mnt.device = "bind".to_string();
        mnt.source = if is_abs(&source) {
            source
        } else {
            filepath_join(cwd, &source)
        };
    } else {
        mnt.source = source;
    }
    let (uids, gids) = (m.uid_mappings().as_deref(), m.gid_mappings().as_deref());
    if uids.is_some() || gids.is_some() {
        let idm = mnt.id_mapping.get_or_insert_with(MountIdMapping::default);
        idm.uid_mappings = to_config_id_map(uids);
        idm.gid_mappings = to_config_id_map(gids);
    }
    // Checked after the conversion, on the converted values (so a NUL in a
    // relative bind source is found after the join).
    if [&mnt.source, &mnt.destination, &mnt.device]
        .iter()
        .any(|s| s.contains('\0'))
    {
        return Err(Error::msg("mount field contains null byte"));
    }
    Ok((mnt, warnings))
}

/// Go's `%+v` of a `specs.Mount` value (runtime-spec v1.3.0 field order):
/// `{Destination:… Type:… Source:… Options:[a b] UIDMappings:[…] GIDMappings:[…]}`.
pub fn go_plus_v_spec_mount(m: &SpecMount) -> String {
    let uids = to_config_id_map(m.uid_mappings().as_deref());
    let gids = to_config_id_map(m.gid_mappings().as_deref());
    format!(
        "{{Destination:{} Type:{} Source:{} Options:[{}] UIDMappings:{} GIDMappings:{}}}",
        path_string(m.destination()),
        m.typ().as_deref().unwrap_or_default(),
        m.source().as_deref().map(path_string).unwrap_or_default(),
        m.options().as_deref().unwrap_or_default().join(" "),
        go_plus_v_idmaps(uids.as_deref()),
        go_plus_v_idmaps(gids.as_deref()),
    )
}

/// `CreateLibcontainerConfig`'s `invalid mount %+v: %w` around a
/// `createLibcontainerMount` error.
pub fn wrap_invalid_mount(m: &SpecMount, err: Error) -> Error {
    err.wrap(format_args!("invalid mount {}", go_plus_v_spec_mount(m)))
}

/// `CreateLibcontainerConfig`'s `linux.rootfsPropagation` handling: the
/// propagation value, or runc's error for an unknown name or an
/// `[r]private` root without pivot_root.
pub fn parse_rootfs_propagation(value: &str, no_pivot_root: bool) -> Result<u64> {
    let prop = mount_propagation(value)
        .ok_or_else(|| Error::msg(format!("rootfsPropagation={value} is not supported")))?;
    if no_pivot_root && prop & MS_PRIVATE != 0 {
        return Err(Error::msg(
            "rootfsPropagation of [r]private is not safe without pivot_root",
        ));
    }
    Ok(prop)
}
