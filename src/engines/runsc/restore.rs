//! Restore's spec check, up to and including the mounts
//! (runsc/specutils/restore.go: `validateSpecForContainer`'s first three
//! steps, `validateMounts`, `cloneMount`, `validateArray`).
//!
//! Mounts are matched by destination, ignoring `source`; options compare
//! sorted, uid/gid mappings as sets. Every mismatch prints both whole mount
//! lists with `%#v`. The later steps (annotations, process, linux) are left
//! for the full engine.

use super::mount::{go_sharp_v_mounts, IdMapping, SpecMount};
use crate::error::{Error, Result};
use crate::gostr::quote;
use std::collections::{BTreeMap, BTreeSet};

/// `cloneMount`: sorted options; every slice non-nil.
fn clone_mount(m: &SpecMount) -> SpecMount {
    let mut options = m.opts().to_vec();
    options.sort();
    SpecMount {
        destination: m.destination.clone(),
        typ: m.typ.clone(),
        source: m.source.clone(),
        options: Some(options),
        uid_mappings: Some(m.uid_mappings.clone().unwrap_or_default()),
        gid_mappings: Some(m.gid_mappings.clone().unwrap_or_default()),
    }
}

/// `validateArray`'s verdict (its own texts never reach the user from
/// `validateMounts`): same length, no duplicates, same set.
fn same_set(old: &[IdMapping], new: &[IdMapping]) -> bool {
    if old.len() != new.len() {
        return false;
    }
    let o: BTreeSet<_> = old.iter().collect();
    let n: BTreeSet<_> = new.iter().collect();
    o.len() == old.len() && n.len() == new.len() && o == n
}

fn mounts_error(
    c_name: &str,
    o: &Option<Vec<SpecMount>>,
    n: &Option<Vec<SpecMount>>,
    msg: Option<&str>,
) -> Error {
    let mut text = format!(
        "\"Mounts\" does not match across checkpoint restore for container: {}, checkpoint {} restore {}",
        quote(c_name),
        go_sharp_v_mounts(o),
        go_sharp_v_mounts(n)
    );
    if let Some(msg) = msg {
        text.push_str(", got error ");
        text.push_str(msg);
    }
    Error::msg(text)
}

/// `validateMounts("Mounts", cName, o, n)`. Duplicate destinations in the
/// restore spec must be identical (source included); in the checkpoint
/// spec the last one counts.
pub fn validate_mounts(
    c_name: &str,
    o: &Option<Vec<SpecMount>>,
    n: &Option<Vec<SpecMount>>,
) -> Result<()> {
    let old_mnts: BTreeMap<&str, SpecMount> = o
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|m| (m.destination.as_str(), clone_mount(m)))
        .collect();
    let mut new_mnts: BTreeMap<&str, SpecMount> = BTreeMap::new();
    for m in n.as_deref().unwrap_or(&[]) {
        let mnt = clone_mount(m);
        let Some(old) = old_mnts.get(m.destination.as_str()) else {
            return Err(mounts_error(c_name, o, n, None));
        };
        if let Some(val) = new_mnts.get(m.destination.as_str()) {
            if *val != mnt {
                return Err(mounts_error(
                    c_name,
                    o,
                    n,
                    Some("invalid mount in the restore spec"),
                ));
            }
            continue;
        }
        let maps_ok = same_set(
            old.uid_mappings.as_deref().unwrap_or(&[]),
            mnt.uid_mappings.as_deref().unwrap_or(&[]),
        ) && same_set(
            old.gid_mappings.as_deref().unwrap_or(&[]),
            mnt.gid_mappings.as_deref().unwrap_or(&[]),
        );
        let rest_ok = old.typ == mnt.typ && old.options == mnt.options;
        new_mnts.insert(m.destination.as_str(), mnt);
        if !maps_ok || !rest_ok {
            return Err(mounts_error(c_name, o, n, None));
        }
    }
    if old_mnts.len() != new_mnts.len() {
        return Err(mounts_error(c_name, o, n, None));
    }
    Ok(())
}

/// The two specs' fields these steps compare.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestoreFacts {
    pub version: String,
    pub root_readonly: bool,
    pub mounts: Option<Vec<SpecMount>>,
}

impl RestoreFacts {
    /// Reads them from a parsed spec.
    pub fn from_spec(spec: &oci_spec::runtime::Spec) -> RestoreFacts {
        RestoreFacts {
            version: spec.version().clone(),
            root_readonly: spec
                .root()
                .as_ref()
                .and_then(|r| r.readonly())
                .unwrap_or(false),
            mounts: SpecMount::from_spec(spec),
        }
    }
}

/// `validateSpecForContainer` through the mounts, wrapped as
/// `RestoreValidateSpec` (enforce) wraps it.
pub fn validate_restore(c_name: &str, old: &RestoreFacts, new: &RestoreFacts) -> Result<()> {
    let check = || -> Result<()> {
        if old.version != new.version {
            return Err(Error::msg(format!(
                "\"OCI Version\" does not match across checkpoint restore for container: {}, checkpoint {} restore {}",
                quote(c_name),
                quote(&old.version),
                quote(&new.version)
            )));
        }
        if old.root_readonly != new.root_readonly {
            return Err(Error::msg(format!(
                "\"Root.Readonly\" does not match across checkpoint restore for container: {}, checkpoint {} restore {}",
                quote(c_name),
                old.root_readonly,
                new.root_readonly
            )));
        }
        validate_mounts(c_name, &old.mounts, &new.mounts)
    };
    check().map_err(|e| {
        e.wrap(format!(
            "failed to validate spec for container {}",
            quote(c_name)
        ))
        .wrap("failed to validate restore spec")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpfs(src: &str, dst: &str) -> SpecMount {
        SpecMount {
            source: src.into(),
            destination: dst.into(),
            typ: "tmpfs".into(),
            ..SpecMount::default()
        }
    }

    /// Ports container_test.go `TestSpecValidation` "RestoreDupMountsSuccess".
    #[test]
    fn restore_dup_mounts_success() {
        let o = Some(vec![tmpfs("/m", "/m")]);
        let n = Some(vec![tmpfs("/r", "/m"), tmpfs("/r", "/m")]);
        validate_mounts("c", &o, &n).unwrap();
    }

    /// Ports `TestSpecValidation` "RestoreDupMountsFail", whole text.
    #[test]
    fn restore_dup_mounts_fail() {
        let o = Some(vec![tmpfs("/m", "/m")]);
        let n = Some(vec![tmpfs("/r", "/m"), tmpfs("/r2", "/m")]);
        let m = |s: &str| {
            format!("specs.Mount{{Destination:\"/m\", Type:\"tmpfs\", Source:\"{s}\", Options:[]string(nil), UIDMappings:[]specs.LinuxIDMapping(nil), GIDMappings:[]specs.LinuxIDMapping(nil)}}")
        };
        assert_eq!(
            validate_mounts("c", &o, &n).unwrap_err().to_string(),
            format!(
                "\"Mounts\" does not match across checkpoint restore for container: \"c\", checkpoint []specs.Mount{{{}}} restore []specs.Mount{{{}, {}}}, got error invalid mount in the restore spec",
                m("/m"),
                m("/r"),
                m("/r2")
            )
        );
    }

    /// Ports `TestSpecValidation` "RestoreMountsFail", with the wrappers.
    #[test]
    fn restore_mounts_fail() {
        let old = RestoreFacts {
            mounts: Some(vec![tmpfs("/m", "/m")]),
            ..RestoreFacts::default()
        };
        let new = RestoreFacts {
            mounts: Some(vec![tmpfs("/r", "/r")]),
            ..RestoreFacts::default()
        };
        let e = validate_restore("c", &old, &new).unwrap_err().to_string();
        assert!(
            e.starts_with("failed to validate restore spec: failed to validate spec for container \"c\": \"Mounts\" does not match across checkpoint restore for container: \"c\", checkpoint []specs.Mount{"),
            "{e}"
        );
    }

    #[test]
    fn options_order_and_sources_do_not_matter_but_the_rest_does() {
        let mut a = tmpfs("/a", "/x");
        a.options = Some(vec!["ro".into(), "mode=755".into()]);
        let mut b = tmpfs("/b", "/x");
        b.options = Some(vec!["mode=755".into(), "ro".into()]);
        validate_mounts("c", &Some(vec![a.clone()]), &Some(vec![b.clone()])).unwrap();
        b.typ = "bind".into();
        assert!(validate_mounts("c", &Some(vec![a.clone()]), &Some(vec![b])).is_err());
        // A missing or extra destination.
        assert!(validate_mounts(
            "c",
            &Some(vec![a.clone(), tmpfs("/y", "/y")]),
            &Some(vec![a.clone()])
        )
        .is_err());
        assert!(validate_mounts("c", &None, &Some(vec![a.clone()])).is_err());
        validate_mounts("c", &None, &Some(vec![])).unwrap();
        // Mappings compare as sets.
        let map = |c, h| IdMapping {
            container_id: c,
            host_id: h,
            size: 1,
        };
        let mut u1 = a.clone();
        u1.uid_mappings = Some(vec![map(0, 1), map(1, 2)]);
        let mut u2 = a.clone();
        u2.uid_mappings = Some(vec![map(1, 2), map(0, 1)]);
        validate_mounts("c", &Some(vec![u1.clone()]), &Some(vec![u2])).unwrap();
        assert!(validate_mounts("c", &Some(vec![u1]), &Some(vec![a])).is_err());
    }

    #[test]
    fn version_and_readonly_come_first() {
        let old = RestoreFacts {
            version: "1.0.0".into(),
            ..RestoreFacts::default()
        };
        let mut new = RestoreFacts {
            version: "1.0.2".into(),
            root_readonly: true,
            ..RestoreFacts::default()
        };
        assert_eq!(
            validate_restore("c", &old, &new).unwrap_err().to_string(),
            "failed to validate restore spec: failed to validate spec for container \"c\": \"OCI Version\" does not match across checkpoint restore for container: \"c\", checkpoint \"1.0.0\" restore \"1.0.2\""
        );
        new.version = "1.0.0".into();
        assert_eq!(
            validate_restore("c", &old, &new).unwrap_err().to_string(),
            "failed to validate restore spec: failed to validate spec for container \"c\": \"Root.Readonly\" does not match across checkpoint restore for container: \"c\", checkpoint false restore true"
        );
    }
}
