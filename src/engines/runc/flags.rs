//! The mount(2) flag, mount_setattr(2) attribute and runc extension bits that
//! a `configs.Mount` holds (values from golang.org/x/sys/unix as vendored by
//! runc 76d9cf5d), and their names: `stringifyMountFlags`
//! (libcontainer/mount_linux.go), which names `MS_*` bits in a `mountError`,
//! and the same rendering for `MOUNT_ATTR_*` and `EXT_*` bits in reports.

pub const MS_RDONLY: u64 = 0x1;
pub const MS_NOSUID: u64 = 0x2;
pub const MS_NODEV: u64 = 0x4;
pub const MS_NOEXEC: u64 = 0x8;
pub const MS_SYNCHRONOUS: u64 = 0x10;
pub const MS_REMOUNT: u64 = 0x20;
pub const MS_MANDLOCK: u64 = 0x40;
pub const MS_DIRSYNC: u64 = 0x80;
pub const MS_NOSYMFOLLOW: u64 = 0x100;
pub const MS_NOATIME: u64 = 0x400;
pub const MS_NODIRATIME: u64 = 0x800;
pub const MS_BIND: u64 = 0x1000;
pub const MS_MOVE: u64 = 0x2000;
pub const MS_REC: u64 = 0x4000;
pub const MS_SILENT: u64 = 0x8000;
pub const MS_POSIXACL: u64 = 0x10000;
pub const MS_UNBINDABLE: u64 = 0x20000;
pub const MS_PRIVATE: u64 = 0x40000;
pub const MS_SLAVE: u64 = 0x80000;
pub const MS_SHARED: u64 = 0x100000;
pub const MS_RELATIME: u64 = 0x200000;
pub const MS_KERNMOUNT: u64 = 0x400000;
pub const MS_I_VERSION: u64 = 0x800000;
pub const MS_STRICTATIME: u64 = 0x1000000;
pub const MS_LAZYTIME: u64 = 0x2000000;

pub const MOUNT_ATTR_RDONLY: u64 = 0x1;
pub const MOUNT_ATTR_NOSUID: u64 = 0x2;
pub const MOUNT_ATTR_NODEV: u64 = 0x4;
pub const MOUNT_ATTR_NOEXEC: u64 = 0x8;
/// The atime "enum" mask: setting any atime mode in `attr_set` needs it in
/// `attr_clr` (mount_setattr(2)).
pub const MOUNT_ATTR__ATIME: u64 = 0x70;
/// Zero: "relatime" is the absence of the other atime modes.
pub const MOUNT_ATTR_RELATIME: u64 = 0x0;
pub const MOUNT_ATTR_NOATIME: u64 = 0x10;
pub const MOUNT_ATTR_STRICTATIME: u64 = 0x20;
pub const MOUNT_ATTR_NODIRATIME: u64 = 0x80;
pub const MOUNT_ATTR_IDMAP: u64 = 0x100000;
pub const MOUNT_ATTR_NOSYMFOLLOW: u64 = 0x200000;

/// `configs.EXT_COPYUP` (libcontainer/configs/mount.go): copy the directory's
/// contents into a tmpfs mounted over it (`tmpcopyup`).
pub const EXT_COPYUP: u64 = 1;

/// `stringifyMountFlags`'s table, in its order (no name for 1<<9 or
/// MS_KERNMOUNT; MS_VERBOSE is spelled MS_SILENT).
const MS_NAMES: &[(&str, u64)] = &[
    ("MS_RDONLY", MS_RDONLY),
    ("MS_NOSUID", MS_NOSUID),
    ("MS_NODEV", MS_NODEV),
    ("MS_NOEXEC", MS_NOEXEC),
    ("MS_SYNCHRONOUS", MS_SYNCHRONOUS),
    ("MS_REMOUNT", MS_REMOUNT),
    ("MS_MANDLOCK", MS_MANDLOCK),
    ("MS_DIRSYNC", MS_DIRSYNC),
    ("MS_NOSYMFOLLOW", MS_NOSYMFOLLOW),
    ("MS_NOATIME", MS_NOATIME),
    ("MS_NODIRATIME", MS_NODIRATIME),
    ("MS_BIND", MS_BIND),
    ("MS_MOVE", MS_MOVE),
    ("MS_REC", MS_REC),
    ("MS_SILENT", MS_SILENT),
    ("MS_POSIXACL", MS_POSIXACL),
    ("MS_UNBINDABLE", MS_UNBINDABLE),
    ("MS_PRIVATE", MS_PRIVATE),
    ("MS_SLAVE", MS_SLAVE),
    ("MS_SHARED", MS_SHARED),
    ("MS_RELATIME", MS_RELATIME),
    ("MS_I_VERSION", MS_I_VERSION),
    ("MS_STRICTATIME", MS_STRICTATIME),
    ("MS_LAZYTIME", MS_LAZYTIME),
];

/// The `MOUNT_ATTR_*` names in bit order. runc never names these itself;
/// `MOUNT_ATTR__ATIME` comes before its parts so a full atime mask (what
/// runc puts in `attr_clr` for any atime option) reads as one name.
/// `MOUNT_ATTR_RELATIME` is 0 and so never shows.
const MOUNT_ATTR_NAMES: &[(&str, u64)] = &[
    ("MOUNT_ATTR_RDONLY", MOUNT_ATTR_RDONLY),
    ("MOUNT_ATTR_NOSUID", MOUNT_ATTR_NOSUID),
    ("MOUNT_ATTR_NODEV", MOUNT_ATTR_NODEV),
    ("MOUNT_ATTR_NOEXEC", MOUNT_ATTR_NOEXEC),
    ("MOUNT_ATTR__ATIME", MOUNT_ATTR__ATIME),
    ("MOUNT_ATTR_NOATIME", MOUNT_ATTR_NOATIME),
    ("MOUNT_ATTR_STRICTATIME", MOUNT_ATTR_STRICTATIME),
    ("MOUNT_ATTR_NODIRATIME", MOUNT_ATTR_NODIRATIME),
    ("MOUNT_ATTR_IDMAP", MOUNT_ATTR_IDMAP),
    ("MOUNT_ATTR_NOSYMFOLLOW", MOUNT_ATTR_NOSYMFOLLOW),
];

const EXT_NAMES: &[(&str, u64)] = &[("EXT_COPYUP", EXT_COPYUP)];

/// The names of the bits of `value`, `stringifyMountFlags`-style: each table
/// entry whose bits are all set (and not already named by an earlier entry),
/// in table order, then any remaining bits as one `0x…` hex number.
fn bit_names(value: u64, table: &[(&str, u64)]) -> Vec<String> {
    let mut names = Vec::new();
    let mut seen = 0u64;
    for &(name, bits) in table {
        if bits != 0 && value & bits == bits && seen & bits == 0 {
            seen |= bits;
            names.push(name.to_string());
        }
    }
    let remaining = value & !seen;
    if remaining != 0 {
        names.push(format!("0x{remaining:x}"));
    }
    names
}

/// `stringifyMountFlags(flags)`: `MS_*` names joined with `|`, `""` for 0.
pub fn stringify_mount_flags(flags: u64) -> String {
    mount_flag_names(flags).join("|")
}

/// The `MS_*` names of `flags` as a list (a report's `flags`).
pub fn mount_flag_names(flags: u64) -> Vec<String> {
    bit_names(flags, MS_NAMES)
}

/// Each propagation entry named `stringifyMountFlags`-style (its table
/// order), so `rprivate` (MS_PRIVATE|MS_REC) reads `MS_REC|MS_PRIVATE`;
/// entries keep the spec's order.
pub fn propagation_names(propagation: &[u64]) -> Vec<String> {
    propagation
        .iter()
        .map(|&p| stringify_mount_flags(p))
        .collect()
}

/// The `MOUNT_ATTR_*` names of a `RecAttr` set or clear mask.
pub fn mount_attr_names(attrs: u64) -> Vec<String> {
    bit_names(attrs, MOUNT_ATTR_NAMES)
}

/// The `EXT_*` names of `configs.Mount.Extensions`.
pub fn extension_names(extensions: u64) -> Vec<String> {
    bit_names(extensions, EXT_NAMES)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ports `TestStringifyMountFlags` (libcontainer/mount_linux_test.go).
    #[test]
    fn test_stringify_mount_flags() {
        let cases: &[(&str, u64, &str)] = &[
            ("Empty", 0, ""),
            ("Single-MS_RDONLY", MS_RDONLY, "MS_RDONLY"),
            ("Single-MS_NOSUID", MS_NOSUID, "MS_NOSUID"),
            ("Single-MS_NODEV", MS_NODEV, "MS_NODEV"),
            ("Single-MS_NOEXEC", MS_NOEXEC, "MS_NOEXEC"),
            ("Single-MS_SYNCHRONOUS", MS_SYNCHRONOUS, "MS_SYNCHRONOUS"),
            ("Single-MS_REMOUNT", MS_REMOUNT, "MS_REMOUNT"),
            ("Single-MS_MANDLOCK", MS_MANDLOCK, "MS_MANDLOCK"),
            ("Single-MS_DIRSYNC", MS_DIRSYNC, "MS_DIRSYNC"),
            ("Single-MS_NOSYMFOLLOW", MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW"),
            ("Single-MS_NOATIME", MS_NOATIME, "MS_NOATIME"),
            ("Single-MS_NODIRATIME", MS_NODIRATIME, "MS_NODIRATIME"),
            ("Single-MS_BIND", MS_BIND, "MS_BIND"),
            ("Single-MS_MOVE", MS_MOVE, "MS_MOVE"),
            ("Single-MS_REC", MS_REC, "MS_REC"),
            ("Single-MS_SILENT", MS_SILENT, "MS_SILENT"),
            ("Single-MS_POSIXACL", MS_POSIXACL, "MS_POSIXACL"),
            ("Single-MS_UNBINDABLE", MS_UNBINDABLE, "MS_UNBINDABLE"),
            ("Single-MS_PRIVATE", MS_PRIVATE, "MS_PRIVATE"),
            ("Single-MS_SLAVE", MS_SLAVE, "MS_SLAVE"),
            ("Single-MS_SHARED", MS_SHARED, "MS_SHARED"),
            ("Single-MS_RELATIME", MS_RELATIME, "MS_RELATIME"),
            ("Single-MS_KERNMOUNT", MS_KERNMOUNT, "0x400000"),
            ("Single-MS_I_VERSION", MS_I_VERSION, "MS_I_VERSION"),
            ("Single-MS_STRICTATIME", MS_STRICTATIME, "MS_STRICTATIME"),
            ("Single-MS_LAZYTIME", MS_LAZYTIME, "MS_LAZYTIME"),
            ("Unknown-512", 1 << 9, "0x200"),
            (
                "Multiple-Valid1",
                MS_RDONLY | MS_REC | MS_BIND,
                "MS_RDONLY|MS_BIND|MS_REC",
            ),
            (
                "Multiple-Valid2",
                MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_REC | MS_NODIRATIME | MS_I_VERSION,
                "MS_NOSUID|MS_NODEV|MS_NOEXEC|MS_NODIRATIME|MS_REC|MS_I_VERSION",
            ),
            (
                "Multiple-Mixed",
                MS_REC | MS_BIND | (1 << 9) | (1 << 31),
                "MS_BIND|MS_REC|0x80000200",
            ),
        ];
        for &(name, flags, want) in cases {
            assert_eq!(stringify_mount_flags(flags), want, "{name}");
        }
    }

    #[test]
    fn propagation_and_attr_names() {
        assert_eq!(
            propagation_names(&[MS_PRIVATE | MS_REC, MS_SHARED]),
            vec!["MS_REC|MS_PRIVATE", "MS_SHARED"]
        );
        assert_eq!(
            mount_attr_names(MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME),
            vec!["MOUNT_ATTR_RDONLY", "MOUNT_ATTR__ATIME"]
        );
        assert_eq!(
            mount_attr_names(MOUNT_ATTR_NOATIME | MOUNT_ATTR_NOSYMFOLLOW),
            vec!["MOUNT_ATTR_NOATIME", "MOUNT_ATTR_NOSYMFOLLOW"]
        );
        assert_eq!(mount_attr_names(0x40), vec!["0x40"]);
        assert!(mount_attr_names(MOUNT_ATTR_RELATIME).is_empty());
        assert_eq!(extension_names(EXT_COPYUP), vec!["EXT_COPYUP"]);
        assert_eq!(
            mount_flag_names(MS_BIND | MS_REC),
            vec!["MS_BIND", "MS_REC"]
        );
    }
}
