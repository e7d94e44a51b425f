//! Scenario files: the public input format (a spec, runsc's config, the host
//! files each gofer attach point serves, and steps), parsed with the JSON
//! path of any error.

use crate::engines::runsc2018::boot::{BootConfig, FileAccess, SpecView};
use crate::engines::Engine;
use crate::error::{Error, JsonPath, Result};
use crate::limits;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
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
    #[serde(default)]
    engine: Option<String>,
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
    /// Parsed by [`parse_add_container`], the Add-container button's parser too.
    #[serde(default)]
    add: Option<Value>,
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
    /// Each parsed by [`parse_step`], the page's replay parser too.
    #[serde(default)]
    steps: Vec<Value>,
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
    /// `config.engine`: which engine runs the scenario.
    pub engine: Engine,
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
        Scenario::from_json_on(text, None)
    }

    /// [`Scenario::from_json`], run on `engine` when one is given (the
    /// CLI's `--engine`): the file's `config.engine` is then not looked at.
    pub fn from_json_on(text: &str, engine: Option<Engine>) -> Result<Scenario> {
        if text.len() > MAX_SCENARIO_BYTES {
            // "more than", not the length: the CLI reads at most the limit
            // plus one byte, so the length seen is not the input's size.
            return Err(limits::exceeded(
                "scenario",
                format!("more than {MAX_SCENARIO_BYTES}"),
                "bytes",
                "MAX_SCENARIO_BYTES",
                MAX_SCENARIO_BYTES,
            ));
        }
        let value: Value = parse_json("", text)?;
        let kind = match &value {
            Value::Object(_) => None,
            Value::Array(_) => Some("an array"),
            Value::String(_) => Some("a string"),
            Value::Number(_) => Some("a number"),
            Value::Bool(_) => Some("a boolean"),
            Value::Null => Some("null"),
        };
        if let Some(kind) = kind {
            return Err(Error::input(
                JsonPath::default(),
                format!("expected an object (a scenario or an OCI spec), found {kind}"),
            ));
        }
        let mut value = if is_bare(&value) {
            serde_json::json!({ "spec": value })
        } else {
            value
        };
        if let Some(spec) = value.get_mut("spec") {
            crate::engines::runsc2018::boot::fill_go_zero_values(spec);
        }
        let input: ScenarioInput = deserialize_at(&JsonPath::default(), value)?;
        Scenario::validate(input, engine)
    }

    fn validate(input: ScenarioInput, engine: Option<Engine>) -> Result<Scenario> {
        let root = JsonPath::default();
        // The steps' own shapes first: serde found them before the
        // config's values when the steps were parsed with the scenario.
        let steps_at = root.key("steps");
        let step_inputs = input
            .steps
            .into_iter()
            .enumerate()
            .map(|(i, v)| deserialize_at::<StepInput>(&steps_at.index(i), v))
            .collect::<Result<Vec<_>>>()?;
        let config_at = root.key("config");
        let engine = match (engine, &input.config.engine) {
            (Some(e), _) => e,
            (None, None) => Engine::default(),
            (None, Some(name)) => Engine::parse(name)
                .map_err(|e| e.wrap("config.engine").at_path(config_at.key("engine")))?,
        };
        let mut config = BootConfig {
            overlay: input.config.overlay.unwrap_or(false),
            ..BootConfig::default()
        };
        if let Some(fa) = &input.config.file_access {
            config.file_access = FileAccess::parse(fa).map_err(|e| {
                e.wrap("config.file_access")
                    .at_path(config_at.key("file_access"))
            })?;
        }
        if step_inputs.len() > limits::MAX_STEPS {
            return Err(limits::exceeded(
                "steps",
                step_inputs.len(),
                "steps",
                "MAX_STEPS",
                limits::MAX_STEPS,
            )
            .at_path(steps_at));
        }
        let fds_at = root.key("gofer_fds");
        check_gofer_fds(&fds_at, input.gofer_fds.as_deref())?;
        check_host(&root.key("host"), input.host.as_ref())?;
        let spec = SpecView::from_oci(&input.spec);
        spec.check_limits(&root.key("spec"))?;
        let mut containers = 0usize;
        let mut steps = Vec::with_capacity(step_inputs.len());
        for (i, s) in step_inputs.into_iter().enumerate() {
            let at = steps_at.index(i);
            if matches!(&s.container, Some(ContainerField::Op(op)) if op.add.is_some()) {
                containers += 1;
                if containers > limits::MAX_CONTAINERS {
                    let add_at = at.key("container").key("add");
                    return Err(limits::exceeded(
                        &add_at,
                        containers,
                        "containers",
                        "MAX_CONTAINERS",
                        limits::MAX_CONTAINERS,
                    )
                    .at_path(add_at));
                }
            }
            steps.push(step_of(&at, s)?);
        }
        Ok(Scenario {
            engine,
            spec,
            config,
            host: input.host,
            gofer_fds: input.gofer_fds,
            steps,
        })
    }
}

/// Whether a JSON value is a bare OCI spec (an object with `ociVersion`
/// and no `spec` key) rather than a scenario.
pub fn is_bare(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("ociVersion") && !o.contains_key("spec"))
}

/// JSON text, or `<what>invalid JSON: …` with the line and column kept.
pub fn parse_json(what: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        Error::msg(format!("{what}invalid JSON: {e}")).at_position(e.line(), e.column())
    })
}

/// Deserializes `value`, found at `at` in the input; an error names the
/// whole path (`steps[0].exec.argv: unknown field …`) and keeps it.
fn deserialize_at<T: DeserializeOwned>(at: &JsonPath, value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = at.join_serde(e.path());
        Error::input(path, e.inner())
    })
}

/// One scenario step, given as JSON at `at` (`steps[i]`). The page's
/// replay and `runStep` parse their steps here, as scenario files do.
pub fn parse_step(at: &JsonPath, value: Value) -> Result<Step> {
    let s: StepInput = deserialize_at(at, value)?;
    step_of(at, s)
}

fn step_of(at: &JsonPath, s: StepInput) -> Result<Step> {
    let here = |msg: &str| Error::input(at.clone(), msg);
    Ok(match (s.container, s.exec, s.sh) {
        (Some(ContainerField::Op(op)), None, None) => match (op.add, op.destroy) {
            (Some(a), None) => {
                Step::AddContainer(parse_add_container(&at.key("container").key("add"), a)?)
            }
            (None, Some(cid)) => Step::DestroyContainer(cid),
            _ => {
                return Err(here(
                    "container needs exactly one of \"add\" or \"destroy\"",
                ))
            }
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
                    return Err(here("\"container\" beside \"sh\" must be a container id"))
                }
            };
            Step::Sh { line, container }
        }
        _ => {
            return Err(here(
                "a step needs exactly one of \"container\", \"exec\" or \"sh\"",
            ))
        }
    })
}

/// A child container to add (`{"cid", "spec", "host", "gofer_fds"}`), found
/// at `at` in the input. The one parser of an added container: scenario
/// steps and the page's Add-container button both use it, so a spec Go
/// would accept (no `process.user`, say) is accepted by both.
pub fn parse_add_container(at: &JsonPath, mut value: Value) -> Result<AddContainer> {
    if let Some(spec) = value.get_mut("spec") {
        crate::engines::runsc2018::boot::fill_go_zero_values(spec);
    }
    let a: AddContainerInput = deserialize_at(at, value)?;
    let spec = SpecView::from_oci(&a.spec);
    spec.check_limits(&at.key("spec"))?;
    check_gofer_fds(&at.key("gofer_fds"), a.gofer_fds.as_deref())?;
    check_host(&at.key("host"), a.host.as_ref())?;
    Ok(AddContainer {
        cid: a.cid,
        spec,
        host: a.host,
        gofer_fds: a.gofer_fds,
    })
}

/// At most [`limits::MAX_GOFER_FDS`] FDs.
fn check_gofer_fds(at: &JsonPath, fds: Option<&[i32]>) -> Result<()> {
    match fds {
        Some(f) if f.len() > limits::MAX_GOFER_FDS => {
            Err(
                limits::exceeded(at, f.len(), "FDs", "MAX_GOFER_FDS", limits::MAX_GOFER_FDS)
                    .at_path(at.clone()),
            )
        }
        _ => Ok(()),
    }
}

/// Host-tree paths and symlink targets within the path limits, and free
/// of NUL (no host file name or target can hold one: the gofer and the
/// shell would refuse them later, far from the input's mistake).
pub fn check_host(at: &JsonPath, host: Option<&HostInput>) -> Result<()> {
    let nul = |path: JsonPath, what: &str| {
        Error::with_errno(
            crate::errno::Errno::EINVAL,
            format!(
                "{}: a {what} cannot contain NUL",
                path.to_string().escape_debug()
            ),
        )
        .at_path(path)
    };
    let check_path =
        |path: JsonPath, p: &str| limits::check_path(&path, p).map_err(|e| e.at_path(path.clone()));
    for (attach, nodes) in host.into_iter().flatten() {
        let attach_at = at.key(attach.as_str());
        if attach.contains('\0') {
            return Err(nul(attach_at, "host-tree name"));
        }
        check_path(attach_at.clone(), attach)?;
        for (rel, node) in nodes {
            let rel_at = attach_at.key(rel.as_str());
            if rel.contains('\0') {
                return Err(nul(rel_at, "host-tree name"));
            }
            check_path(rel_at.clone(), &format!("{attach}/{rel}"))?;
            if let HostNodeInput::Typed(TypedHostNode {
                target: Some(t), ..
            }) = node
            {
                let target_at = rel_at.key("target");
                if t.contains('\0') {
                    return Err(nul(target_at, "symlink target"));
                }
                check_path(target_at, t)?;
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

    /// `config.engine`: runsc-2018 by default and by name; any other name,
    /// including the engines not built yet, is refused with its path.
    #[test]
    fn the_engine_is_named_in_config() {
        let s = Scenario::from_json(r#"{"spec":{"ociVersion":"1"}}"#).unwrap();
        assert_eq!(s.engine, Engine::Runsc2018);
        let s =
            Scenario::from_json(r#"{"spec":{"ociVersion":"1"},"config":{"engine":"runsc-2018"}}"#)
                .unwrap();
        assert_eq!(s.engine, Engine::Runsc2018);
        for name in ["runc", "runsc", "", "RUNSC-2018"] {
            let text = format!(r#"{{"spec":{{"ociVersion":"1"}},"config":{{"engine":"{name}"}}}}"#);
            let e = Scenario::from_json(&text).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("config.engine: engine \"{name}\" is not available (known: runsc-2018)")
            );
            assert_eq!(
                e.input_at().and_then(|a| a.path.clone()),
                Some(JsonPath::default().key("config").key("engine"))
            );
            // A given engine (the CLI's --engine) overrides the file's.
            let s = Scenario::from_json_on(&text, Some(Engine::Runsc2018)).unwrap();
            assert_eq!(s.engine, Engine::Runsc2018);
        }
        let e = Scenario::from_json(r#"{"spec":{"ociVersion":"1"},"config":{"engine":1}}"#)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "config.engine: invalid type: integer `1`, expected a string"
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
