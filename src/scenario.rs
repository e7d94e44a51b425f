//! Scenario files: the public input format (a spec, runsc's config, the host
//! files each gofer attach point serves, and steps), parsed with the JSON
//! path of any error.

use crate::engines::runsc2018::boot::{BootConfig, FileAccess, SpecView};
use crate::error::{Error, Result};
use crate::limits;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One host node as a scenario writes it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum HostNodeInput {
    /// A file with this content and mode 0644.
    Content(String),
    /// `{"type": "file"|"dir"|"symlink", "mode": "0755", "content": "...", "target": "..."}`.
    Typed(TypedHostNode),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypedHostNode {
    #[serde(rename = "type")]
    pub typ: String,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
}

/// `host`: attach point (the mount destination, `/` for the root) → relative
/// path → node.
pub type HostInput = BTreeMap<String, BTreeMap<String, HostNodeInput>>;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigInput {
    #[serde(default)]
    overlay: Option<bool>,
    #[serde(default)]
    file_access: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddContainerInput {
    cid: String,
    spec: oci_spec::runtime::Spec,
    #[serde(default)]
    host: Option<HostInput>,
    #[serde(default)]
    gofer_fds: Option<Vec<i32>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContainerOpInput {
    #[serde(default)]
    add: Option<AddContainerInput>,
    #[serde(default)]
    destroy: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum ContainerField {
    Op(Box<ContainerOpInput>),
    Cid(String),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecInput {
    argv0: String,
    #[serde(default)]
    env: Vec<String>,
    #[serde(default)]
    wd: String,
    #[serde(default)]
    container: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepInput {
    #[serde(default)]
    container: Option<ContainerField>,
    #[serde(default)]
    exec: Option<ExecInput>,
    #[serde(default)]
    sh: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioInput {
    /// Free text for readers (what the scenario shows); the engine ignores it.
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    spec: oci_spec::runtime::Spec,
    #[serde(default)]
    config: ConfigInput,
    #[serde(default)]
    host: Option<HostInput>,
    #[serde(default)]
    gofer_fds: Option<Vec<i32>>,
    #[serde(default)]
    steps: Vec<StepInput>,
}

/// A child container to add.
#[derive(Clone, Debug, PartialEq)]
pub struct AddContainer {
    pub cid: String,
    pub spec: SpecView,
    pub host: Option<HostInput>,
    pub gofer_fds: Option<Vec<i32>>,
}

/// One scenario step.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    AddContainer(AddContainer),
    DestroyContainer(String),
    /// `setExecutablePath` for a process.
    Exec {
        argv0: String,
        env: Vec<String>,
        wd: String,
        container: Option<String>,
    },
    /// A shell command line.
    Sh {
        line: String,
        container: Option<String>,
    },
}

/// A validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub spec: SpecView,
    pub config: BootConfig,
    pub host: Option<HostInput>,
    pub gofer_fds: Option<Vec<i32>>,
    pub steps: Vec<Step>,
}

pub use crate::limits::MAX_SCENARIO_BYTES;

impl Scenario {
    /// Parses a scenario, or a bare OCI spec (an object with `ociVersion`
    /// and no `spec` key) taken as a scenario with defaults. Errors name the
    /// JSON path at fault.
    pub fn from_json(text: &str) -> Result<Scenario> {
        if text.len() > MAX_SCENARIO_BYTES {
            // "more than", not the length: the CLI reads at most the limit
            // plus one byte, so the length seen is not the input's size.
            return Err(limits::SCENARIO_BYTES.spent("scenario").into());
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::msg(format!("invalid JSON: {e}")))?;
        let kind = match &value {
            serde_json::Value::Object(_) => None,
            serde_json::Value::Array(_) => Some("an array"),
            serde_json::Value::String(_) => Some("a string"),
            serde_json::Value::Number(_) => Some("a number"),
            serde_json::Value::Bool(_) => Some("a boolean"),
            serde_json::Value::Null => Some("null"),
        };
        if let Some(kind) = kind {
            return Err(Error::msg(format!(
                "(root): expected an object (a scenario or an OCI spec), found {kind}"
            )));
        }
        let bare = value
            .as_object()
            .is_some_and(|o| o.contains_key("ociVersion") && !o.contains_key("spec"));
        let mut value = if bare {
            serde_json::json!({ "spec": value })
        } else {
            value
        };
        if let Some(spec) = value.get_mut("spec") {
            crate::engines::runsc2018::boot::fill_go_zero_values(spec);
        }
        if let Some(steps) = value
            .get_mut("steps")
            .and_then(serde_json::Value::as_array_mut)
        {
            for step in steps {
                if let Some(spec) = step.pointer_mut("/container/add/spec") {
                    crate::engines::runsc2018::boot::fill_go_zero_values(spec);
                }
            }
        }
        let input: ScenarioInput = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            Error::msg(format!(
                "{}: {}",
                if path == "." {
                    "(root)".to_string()
                } else {
                    path
                },
                e.inner()
            ))
        })?;
        Scenario::validate(input)
    }

    fn validate(input: ScenarioInput) -> Result<Scenario> {
        let mut config = BootConfig {
            overlay: input.config.overlay.unwrap_or(false),
            ..BootConfig::default()
        };
        if let Some(fa) = &input.config.file_access {
            config.file_access = FileAccess::parse(fa).map_err(|e| e.wrap("config.file_access"))?;
        }
        limits::STEPS.check("steps", input.steps.len())?;
        check_gofer_fds("gofer_fds", input.gofer_fds.as_deref())?;
        check_host("host", input.host.as_ref())?;
        let spec = SpecView::from_oci(&input.spec);
        spec.check_limits("spec")?;
        let mut containers = 0usize;
        let mut steps = Vec::with_capacity(input.steps.len());
        for (i, s) in input.steps.into_iter().enumerate() {
            let at = |msg: &str| Error::msg(format!("steps[{i}]: {msg}"));
            let step = match (s.container, s.exec, s.sh) {
                (Some(ContainerField::Op(op)), None, None) => match (op.add, op.destroy) {
                    (Some(a), None) => {
                        containers += 1;
                        limits::CONTAINERS
                            .check(format_args!("steps[{i}].container.add"), containers)?;
                        let at = format!("steps[{i}].container.add");
                        let spec = SpecView::from_oci(&a.spec);
                        spec.check_limits(&format!("{at}.spec"))?;
                        check_gofer_fds(&format!("{at}.gofer_fds"), a.gofer_fds.as_deref())?;
                        check_host(&format!("{at}.host"), a.host.as_ref())?;
                        Step::AddContainer(AddContainer {
                            cid: a.cid,
                            spec,
                            host: a.host,
                            gofer_fds: a.gofer_fds,
                        })
                    }
                    (None, Some(cid)) => Step::DestroyContainer(cid),
                    _ => return Err(at("container needs exactly one of \"add\" or \"destroy\"")),
                },
                (None, Some(e), None) => Step::Exec {
                    argv0: e.argv0,
                    env: e.env,
                    wd: e.wd,
                    container: e.container,
                },
                (cid, None, Some(line)) => {
                    let container = match cid {
                        None => None,
                        Some(ContainerField::Cid(c)) => Some(c),
                        Some(ContainerField::Op(_)) => {
                            return Err(at("\"container\" beside \"sh\" must be a container id"))
                        }
                    };
                    Step::Sh { line, container }
                }
                _ => {
                    return Err(at(
                        "a step needs exactly one of \"container\", \"exec\" or \"sh\"",
                    ))
                }
            };
            steps.push(step);
        }
        Ok(Scenario {
            spec,
            config,
            host: input.host,
            gofer_fds: input.gofer_fds,
            steps,
        })
    }
}

/// At most [`limits::MAX_GOFER_FDS`] FDs.
fn check_gofer_fds(at: &str, fds: Option<&[i32]>) -> Result<()> {
    match fds {
        Some(f) => Ok(limits::GOFER_FDS.check(at, f.len())?),
        None => Ok(()),
    }
}

/// Host-tree paths and symlink targets within the path limits, and free
/// of NUL (no host file name or target can hold one: the gofer and the
/// shell would refuse them later, far from the input's mistake).
pub fn check_host(at: &str, host: Option<&HostInput>) -> Result<()> {
    let nul = |path: String, what: &str| {
        Error::with_errno(
            crate::errno::Errno::EINVAL,
            format!("{}: a {what} cannot contain NUL", path.escape_debug()),
        )
    };
    for (attach, nodes) in host.into_iter().flatten() {
        if attach.contains('\0') {
            return Err(nul(format!("{at}.{attach}"), "host-tree name"));
        }
        limits::check_path(format!("{at}.{attach}"), attach)?;
        for (rel, node) in nodes {
            if rel.contains('\0') {
                return Err(nul(format!("{at}.{attach}.{rel}"), "host-tree name"));
            }
            let path = format!("{attach}/{rel}");
            limits::check_path(format!("{at}.{attach}.{rel}"), &path)?;
            if let HostNodeInput::Typed(TypedHostNode {
                target: Some(t), ..
            }) = node
            {
                if t.contains('\0') {
                    return Err(nul(format!("{at}.{attach}.{rel}.target"), "symlink target"));
                }
                limits::check_path(format!("{at}.{attach}.{rel}.target"), t)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_spec_is_a_scenario_with_defaults() {
        let s = Scenario::from_json(r#"{"ociVersion":"1.0.0","root":{"path":"rootfs","readonly":true},"mounts":[{"destination":"/data","type":"bind","source":"/h","options":["ro"]}]}"#).unwrap();
        assert!(s.spec.root_readonly);
        assert_eq!(s.config, BootConfig::default());
        assert_eq!(s.spec.mounts[0].options, ["ro"]);
        assert!(s.steps.is_empty());
    }

    #[test]
    fn errors_name_the_json_path() {
        let e = Scenario::from_json(r#"{"spec":{"ociVersion":"1.0.0","mounts":[{"destination":"/x","type":"tmpfs","options":"ro"}]}}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("spec.mounts[0].options: invalid type: string \"ro\""),
            "{e}"
        );
        let e =
            Scenario::from_json(r#"{"spec":{"ociVersion":"1"},"config":{"file_access":"weird"}}"#)
                .unwrap_err();
        assert_eq!(
            e.to_string(),
            "config.file_access: invalid file access type \"weird\""
        );
        let e = Scenario::from_json(
            r#"{"spec":{"ociVersion":"1"},"steps":[{"sh":"ls","exec":{"argv0":"x"}}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "steps[0]: a step needs exactly one of \"container\", \"exec\" or \"sh\""
        );
        let e = Scenario::from_json("{").unwrap_err();
        assert!(e.to_string().starts_with("invalid JSON: "), "{e}");
        let e = Scenario::from_json(r#"{"spec":{"ociVersion":"1","mounts":[{"type":"tmpfs"}]}}"#)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("spec.mounts[0]: missing field `destination`"),
            "{e}"
        );
    }

    #[test]
    fn steps_parse() {
        let s = Scenario::from_json(
            r#"{"spec":{"ociVersion":"1"},"config":{"overlay":true},"gofer_fds":[3,4],
                "host":{"/":{"etc/hostname":"sandbox\n","bin/sh":{"type":"file","mode":"0755","content":""}}},
                "steps":[{"container":{"add":{"cid":"c1","spec":{"ociVersion":"1"},"gofer_fds":[10]}}},
                         {"exec":{"argv0":"sh","env":["PATH=/bin"],"wd":"/","container":"c1"}},
                         {"sh":"ls /dev"},{"sh":"cat /etc/hostname","container":"c1"},
                         {"container":{"destroy":"c1"}}]}"#,
        )
        .unwrap();
        assert!(s.config.overlay);
        assert_eq!(s.gofer_fds, Some(vec![3, 4]));
        assert_eq!(s.steps.len(), 5);
        assert!(
            matches!(&s.steps[0], Step::AddContainer(a) if a.cid == "c1" && a.gofer_fds == Some(vec![10]))
        );
        assert_eq!(
            s.steps[3],
            Step::Sh {
                line: "cat /etc/hostname".into(),
                container: Some("c1".into())
            }
        );
        assert_eq!(s.steps[4], Step::DestroyContainer("c1".into()));
    }
}
