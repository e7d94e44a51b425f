//! The parts of an OCI runtime spec the mount engine reads, in a plain form
//! (`specs.Spec.Root.Readonly`, `specs.Spec.Mounts`, the process fields used by
//! `setExecutablePath`).

use crate::error::{Error, Result};
use serde::Serialize;

/// `specs.Mount`, with absent fields as Go's zero values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MountSpec {
    pub destination: String,
    #[serde(rename = "type")]
    pub typ: String,
    pub source: String,
    pub options: Vec<String>,
}

impl MountSpec {
    /// A mount with only a type and a destination (the mandatory mounts).
    pub fn new(typ: &str, destination: &str) -> MountSpec {
        MountSpec {
            destination: destination.to_string(),
            typ: typ.to_string(),
            ..MountSpec::default()
        }
    }
}

/// What fs.go and the loader read from a spec.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpecView {
    pub root_path: String,
    pub root_readonly: bool,
    pub mounts: Vec<MountSpec>,
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub cwd: String,
}

impl SpecView {
    /// Parses an OCI runtime spec from JSON with `oci-spec` (never
    /// `Spec::load`, which reads files).
    pub fn from_json(json: &str) -> Result<SpecView> {
        let mut value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| Error::msg(format!("invalid OCI spec: {e}")))?;
        fill_go_zero_values(&mut value);
        let spec: oci_spec::runtime::Spec =
            serde_path_to_error::deserialize(value).map_err(|e| {
                let path = e.path().to_string();
                Error::msg(format!("invalid OCI spec: {path}: {}", e.inner()))
            })?;
        Ok(SpecView::from_oci(&spec))
    }

    /// Converts a parsed `oci_spec` spec.
    pub fn from_oci(spec: &oci_spec::runtime::Spec) -> SpecView {
        let path_str = |p: &std::path::Path| p.to_string_lossy().into_owned();
        let (root_path, root_readonly) = match spec.root() {
            Some(r) => (path_str(r.path()), r.readonly().unwrap_or(false)),
            None => (String::new(), false),
        };
        let mounts = spec
            .mounts()
            .as_ref()
            .map(|ms| {
                ms.iter()
                    .map(|m| MountSpec {
                        destination: path_str(m.destination()),
                        typ: m.typ().clone().unwrap_or_default(),
                        source: m.source().as_ref().map(|s| path_str(s)).unwrap_or_default(),
                        options: m.options().clone().unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (args, env, cwd) = match spec.process() {
            Some(p) => (
                p.args().clone().unwrap_or_default(),
                p.env().clone().unwrap_or_default(),
                path_str(p.cwd()),
            ),
            None => (Vec::new(), Vec::new(), String::new()),
        };
        SpecView {
            root_path,
            root_readonly,
            mounts,
            args,
            env,
            cwd,
        }
    }
}

impl SpecView {
    /// The input limits of a spec ([`crate::limits`]): at most
    /// `MAX_MOUNTS` mounts, each destination within `MAX_PATH_BYTES` and
    /// `MAX_PATH_DEPTH`. `at` is the spec's JSON path (`spec`).
    /// Errors keep the JSON path at fault (`at` is the spec's own).
    pub fn check_limits(&self, at: &crate::error::JsonPath) -> Result<()> {
        use crate::limits;
        let mounts = at.key("mounts");
        if self.mounts.len() > limits::MAX_MOUNTS {
            return Err(limits::exceeded(
                &mounts,
                self.mounts.len(),
                "mounts",
                "MAX_MOUNTS",
                limits::MAX_MOUNTS,
            )
            .at_path(mounts));
        }
        for (i, m) in self.mounts.iter().enumerate() {
            let dest = mounts.index(i).key("destination");
            limits::check_path(&dest, &m.destination).map_err(|e| e.at_path(dest.clone()))?;
        }
        Ok(())
    }
}

/// Go's `specs.Spec` takes a missing `process.user` or `process.cwd` as the
/// zero value, where `oci-spec` requires them; fill them in so a spec runsc
/// accepts is accepted here too.
pub fn fill_go_zero_values(spec: &mut serde_json::Value) {
    if let Some(p) = spec
        .get_mut("process")
        .and_then(serde_json::Value::as_object_mut)
    {
        p.entry("user")
            .or_insert_with(|| serde_json::json!({"uid": 0, "gid": 0}));
        p.entry("cwd").or_insert_with(|| serde_json::json!(""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_without_user_or_cwd_is_accepted_as_go_would() {
        let s = SpecView::from_json(
            r#"{"ociVersion":"1.0.0","process":{"args":["sh"],"env":["PATH=/bin"]}}"#,
        )
        .unwrap();
        assert_eq!(s.args, ["sh"]);
        assert_eq!(s.cwd, "");
        let e = SpecView::from_json(
            r#"{"ociVersion":"1.0.0","mounts":[{"destination":"/x","options":"ro"}]}"#,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid OCI spec: mounts[0].options: invalid type"),
            "{e}"
        );
    }
}
