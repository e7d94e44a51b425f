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
        let spec: oci_spec::runtime::Spec =
            serde_json::from_str(json).map_err(|e| Error::msg(format!("invalid OCI spec: {e}")))?;
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
