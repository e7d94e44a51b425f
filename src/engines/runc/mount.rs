//! `configs.Mount` as runc holds it after specconv
//! (libcontainer/configs/mount.go, mount_linux.go), and Go's `%+v` of a
//! `*configs.Mount`, which runc's validation messages print.

use super::flags::MS_BIND;
use std::fmt::Write;

/// `configs.IDMap`: one uid or gid range (int64 fields in Go).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdMap {
    pub container_id: i64,
    pub host_id: i64,
    pub size: i64,
}

impl IdMap {
    /// A range of `size` ids from `container_id` onto `host_id`.
    pub fn new(container_id: i64, host_id: i64, size: i64) -> IdMap {
        IdMap {
            container_id,
            host_id,
            size,
        }
    }
}

/// `configs.MountIDMapping`. `None` mappings are Go's nil slices, which
/// validation tells apart from empty ones (`UIDMappings != nil`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MountIdMapping {
    pub recursive: bool,
    pub userns_path: String,
    pub uid_mappings: Option<Vec<IdMap>>,
    pub gid_mappings: Option<Vec<IdMap>>,
}

/// The part of `unix.MountAttr` runc fills in (`Attr_set`, `Attr_clr`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MountAttr {
    pub attr_set: u64,
    pub attr_clr: u64,
}

/// `configs.Mount`. `destination` is stored raw (neither cleaned nor
/// resolved); `device` is the fs type, or `"bind"` for a bind mount.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigsMount {
    pub source: String,
    pub destination: String,
    pub device: String,
    /// `MS_*` bits to set.
    pub flags: u64,
    /// `MS_*` bits the spec explicitly cleared (`rw`, `suid`, ...).
    pub cleared_flags: u64,
    /// One entry per propagation option, in spec order, each applied on its
    /// own after the mount.
    pub propagation_flags: Vec<u64>,
    /// Unrecognised options joined with `,`: mount(2)'s data.
    pub data: String,
    /// `RecAttr`: nil unless some `r*` attribute option was given.
    pub rec_attr: Option<MountAttr>,
    /// `EXT_*` bits.
    pub extensions: u64,
    /// `IDMapping`: nil unless `idmap`/`ridmap` or mount mappings were given.
    pub id_mapping: Option<MountIdMapping>,
}

/// Go prints a non-nil pointer nested in a struct as its address, which is
/// not reproducible; this stands in for it.
pub const GO_POINTER_STANDIN: &str = "0xc000010000";

impl ConfigsMount {
    /// `(*Mount).IsBind`: the flags have `MS_BIND` (not the type).
    pub fn is_bind(&self) -> bool {
        self.flags & MS_BIND != 0
    }

    /// `(*Mount).IsIDMapped`.
    pub fn is_id_mapped(&self) -> bool {
        self.id_mapping.is_some()
    }

    /// Go's `%+v` of the `*configs.Mount`:
    /// `&{Source:… Destination:… Device:… Flags:… ClearedFlags:…
    /// PropagationFlags:[…] Data:… Relabel: RecAttr:<nil> Extensions:…
    /// IDMapping:<nil>}`. Strings print raw, ints in decimal, nil slices as
    /// `[]`, non-nil nested pointers as [`GO_POINTER_STANDIN`].
    pub fn go_plus_v(&self) -> String {
        let props: Vec<String> = self
            .propagation_flags
            .iter()
            .map(|p| p.to_string())
            .collect();
        let ptr = |set: bool| if set { GO_POINTER_STANDIN } else { "<nil>" };
        format!(
            "&{{Source:{} Destination:{} Device:{} Flags:{} ClearedFlags:{} \
             PropagationFlags:[{}] Data:{} Relabel: RecAttr:{} Extensions:{} IDMapping:{}}}",
            self.source,
            self.destination,
            self.device,
            self.flags,
            self.cleared_flags,
            props.join(" "),
            self.data,
            ptr(self.rec_attr.is_some()),
            self.extensions,
            ptr(self.id_mapping.is_some()),
        )
    }
}

/// Go's `%+v` of an id-mapping slice (`[]configs.IDMap` and
/// `[]specs.LinuxIDMapping` have the same field names in the same order):
/// `[{ContainerID:0 HostID:1000 Size:1} …]`, and `[]` for nil or empty.
pub fn go_plus_v_idmaps(maps: Option<&[IdMap]>) -> String {
    let mut out = String::from("[");
    for (i, m) in maps.unwrap_or_default().iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(
            out,
            "{{ContainerID:{} HostID:{} Size:{}}}",
            m.container_id, m.host_id, m.size
        );
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::runc::flags::{MS_PRIVATE, MS_REC};

    #[test]
    fn plus_v_like_go() {
        let m = ConfigsMount {
            source: "tmpfs".into(),
            destination: "rel/path".into(),
            device: "tmpfs".into(),
            data: "mode=755".into(),
            ..ConfigsMount::default()
        };
        assert_eq!(
            m.go_plus_v(),
            "&{Source:tmpfs Destination:rel/path Device:tmpfs Flags:0 ClearedFlags:0 \
             PropagationFlags:[] Data:mode=755 Relabel: RecAttr:<nil> Extensions:0 IDMapping:<nil>}"
        );
        let m = ConfigsMount {
            source: "/src".into(),
            destination: "/dst".into(),
            device: "bind".into(),
            flags: MS_BIND | MS_REC,
            cleared_flags: 1,
            propagation_flags: vec![MS_PRIVATE | MS_REC, MS_PRIVATE],
            rec_attr: Some(MountAttr::default()),
            extensions: 1,
            id_mapping: Some(MountIdMapping::default()),
            ..ConfigsMount::default()
        };
        assert_eq!(
            m.go_plus_v(),
            "&{Source:/src Destination:/dst Device:bind Flags:20480 ClearedFlags:1 \
             PropagationFlags:[278528 262144] Data: Relabel: RecAttr:0xc000010000 Extensions:1 \
             IDMapping:0xc000010000}"
        );
    }

    #[test]
    fn plus_v_idmaps_like_go() {
        assert_eq!(go_plus_v_idmaps(None), "[]");
        assert_eq!(go_plus_v_idmaps(Some(&[])), "[]");
        let maps = [
            IdMap {
                container_id: 0,
                host_id: 1000,
                size: 1,
            },
            IdMap {
                container_id: 1,
                host_id: 2000,
                size: 10,
            },
        ];
        assert_eq!(
            go_plus_v_idmaps(Some(&maps)),
            "[{ContainerID:0 HostID:1000 Size:1} {ContainerID:1 HostID:2000 Size:10}]"
        );
    }
}
