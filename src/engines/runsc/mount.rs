//! `specs.Mount` (runtime-spec v1.2.1, the version gVisor 3c5eee17 builds
//! with) as Go holds it, and the three ways runsc's error texts print it.
//!
//! Go distinguishes a nil slice (the key was absent) from an empty one
//! (`"options": []`) in `%#v`, which restore's error texts use, so the slices
//! stay `Option`s here.

use crate::gostr::quote;
use std::fmt::Write;

/// `specs.LinuxIDMapping`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdMapping {
    pub container_id: u32,
    pub host_id: u32,
    pub size: u32,
}

/// `specs.Mount`, field for field (Go's zero values for absent strings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecMount {
    pub destination: String,
    pub typ: String,
    pub source: String,
    pub options: Option<Vec<String>>,
    pub uid_mappings: Option<Vec<IdMapping>>,
    pub gid_mappings: Option<Vec<IdMapping>>,
}

impl SpecMount {
    /// A mount with only a type and a destination (compileMounts' mandatory
    /// mounts).
    pub fn new(typ: &str, destination: &str) -> SpecMount {
        SpecMount {
            destination: destination.to_string(),
            typ: typ.to_string(),
            ..SpecMount::default()
        }
    }

    /// The options, nil read as empty (Go ranges over both alike).
    pub fn opts(&self) -> &[String] {
        self.options.as_deref().unwrap_or(&[])
    }

    /// Converts a parsed `oci_spec` mount.
    pub fn from_oci(m: &oci_spec::runtime::Mount) -> SpecMount {
        let path = |p: &std::path::Path| p.to_string_lossy().into_owned();
        let maps = |v: &Option<Vec<oci_spec::runtime::LinuxIdMapping>>| {
            v.as_ref().map(|ms| {
                ms.iter()
                    .map(|m| IdMapping {
                        container_id: m.container_id(),
                        host_id: m.host_id(),
                        size: m.size(),
                    })
                    .collect()
            })
        };
        SpecMount {
            destination: path(m.destination()),
            typ: m.typ().clone().unwrap_or_default(),
            source: m.source().as_deref().map(path).unwrap_or_default(),
            options: m.options().clone(),
            uid_mappings: maps(m.uid_mappings()),
            gid_mappings: maps(m.gid_mappings()),
        }
    }

    /// `spec.Mounts`, `None` when the spec has no `mounts` key (Go's nil).
    pub fn from_spec(spec: &oci_spec::runtime::Spec) -> Option<Vec<SpecMount>> {
        spec.mounts()
            .as_ref()
            .map(|ms| ms.iter().map(SpecMount::from_oci).collect())
    }

    /// Go's `%v` of a `*specs.Mount`: `&{/dst tmpfs src [] [] []}`.
    pub fn go_v_ptr(&self) -> String {
        format!("&{}", self.go_struct(false))
    }

    /// Go's `%+v` of a `specs.Mount` value:
    /// `{Destination:/dst Type:tmpfs Source:src Options:[] UIDMappings:[] GIDMappings:[]}`.
    pub fn go_plus_v(&self) -> String {
        self.go_struct(true)
    }

    /// `%v` (`plus` false) or `%+v` (field names) of the struct value.
    fn go_struct(&self, plus: bool) -> String {
        let name = |n: &str| if plus { format!("{n}:") } else { String::new() };
        let map = |m: &IdMapping| {
            format!(
                "{{{}{} {}{} {}{}}}",
                name("ContainerID"),
                m.container_id,
                name("HostID"),
                m.host_id,
                name("Size"),
                m.size
            )
        };
        format!(
            "{{{}{} {}{} {}{} {}[{}] {}{} {}{}}}",
            name("Destination"),
            self.destination,
            name("Type"),
            self.typ,
            name("Source"),
            self.source,
            name("Options"),
            self.opts().join(" "),
            name("UIDMappings"),
            maps_v(&self.uid_mappings, map),
            name("GIDMappings"),
            maps_v(&self.gid_mappings, map)
        )
    }

    /// Go's `%+v` of a `*specs.Mount`: `&` then [`SpecMount::go_plus_v`].
    pub fn go_plus_v_ptr(&self) -> String {
        format!("&{}", self.go_plus_v())
    }

    /// Go's `%#v` of a `specs.Mount` value, as inside a `[]specs.Mount`.
    pub fn go_sharp_v(&self) -> String {
        let opts = match &self.options {
            None => "[]string(nil)".to_string(),
            Some(v) => {
                let items: Vec<String> = v.iter().map(|s| quote(s)).collect();
                format!("[]string{{{}}}", items.join(", "))
            }
        };
        let maps = |v: &Option<Vec<IdMapping>>| match v {
            None => "[]specs.LinuxIDMapping(nil)".to_string(),
            Some(ms) => {
                let mut out = String::from("[]specs.LinuxIDMapping{");
                for (i, m) in ms.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    // %#v prints unsigned integers in hex.
                    let _ = write!(
                        out,
                        "specs.LinuxIDMapping{{ContainerID:{:#x}, HostID:{:#x}, Size:{:#x}}}",
                        m.container_id, m.host_id, m.size
                    );
                }
                out.push('}');
                out
            }
        };
        format!(
            "specs.Mount{{Destination:{}, Type:{}, Source:{}, Options:{}, UIDMappings:{}, GIDMappings:{}}}",
            quote(&self.destination),
            quote(&self.typ),
            quote(&self.source),
            opts,
            maps(&self.uid_mappings),
            maps(&self.gid_mappings)
        )
    }
}

/// `%v` / `%+v` of a `[]specs.LinuxIDMapping` (nil prints as empty).
fn maps_v(v: &Option<Vec<IdMapping>>, one: impl Fn(&IdMapping) -> String) -> String {
    let items: Vec<String> = v.as_deref().unwrap_or(&[]).iter().map(one).collect();
    format!("[{}]", items.join(" "))
}

/// Go's `%#v` of a `[]specs.Mount`.
pub fn go_sharp_v_mounts(mounts: &Option<Vec<SpecMount>>) -> String {
    match mounts {
        None => "[]specs.Mount(nil)".to_string(),
        Some(ms) => {
            let items: Vec<String> = ms.iter().map(SpecMount::go_sharp_v).collect();
            format!("[]specs.Mount{{{}}}", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> SpecMount {
        SpecMount {
            destination: "/dst".into(),
            typ: "bind".into(),
            source: "/src".into(),
            options: Some(vec!["rbind".into(), "ro".into()]),
            uid_mappings: Some(vec![IdMapping {
                container_id: 0,
                host_id: 1000,
                size: 1,
            }]),
            gid_mappings: None,
        }
    }

    #[test]
    fn go_formats_of_a_mount() {
        assert_eq!(
            SpecMount::new("tmpfs", "dst").go_v_ptr(),
            "&{dst tmpfs  [] [] []}"
        );
        assert_eq!(
            m().go_v_ptr(),
            "&{/dst bind /src [rbind ro] [{0 1000 1}] []}"
        );
        assert_eq!(
            m().go_plus_v_ptr(),
            "&{Destination:/dst Type:bind Source:/src Options:[rbind ro] UIDMappings:[{ContainerID:0 HostID:1000 Size:1}] GIDMappings:[]}"
        );
        assert_eq!(
            go_sharp_v_mounts(&Some(vec![m()])),
            "[]specs.Mount{specs.Mount{Destination:\"/dst\", Type:\"bind\", Source:\"/src\", Options:[]string{\"rbind\", \"ro\"}, UIDMappings:[]specs.LinuxIDMapping{specs.LinuxIDMapping{ContainerID:0x0, HostID:0x3e8, Size:0x1}}, GIDMappings:[]specs.LinuxIDMapping(nil)}}"
        );
        assert_eq!(go_sharp_v_mounts(&None), "[]specs.Mount(nil)");
        assert_eq!(go_sharp_v_mounts(&Some(vec![])), "[]specs.Mount{}");
    }
}
