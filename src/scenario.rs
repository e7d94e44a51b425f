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

/// runsc 2018's `config` keys (besides `engine`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config2018Input {
    #[serde(default)]
    overlay: Option<bool>,
    #[serde(default)]
    file_access: Option<String>,
}

/// The `config` keys runsc 2018 takes.
pub const CONFIG_KEYS_2018: &[&str] = &["overlay", "file_access"];

/// What a scenario's `config` says to the engine it names, beyond the
/// 2018 [`BootConfig`] (which stays in [`Scenario::config`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum EngineConfig {
    /// runsc 2018: everything is in [`Scenario::config`].
    #[default]
    Runsc2018,
    Runsc(crate::engines::runsc::scenario::RunscScenarioConfig),
    Runc(crate::engines::runc::RuncOptions),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddContainerInput {
    cid: String,
    spec: oci_spec::runtime::Spec,
    #[serde(default)]
    host: Option<HostInput>,
    #[serde(default)]
    sources: Option<HostInput>,
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
struct RestoreInput {
    spec: Value,
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
    #[serde(default)]
    restore: Option<RestoreInput>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioInput {
    /// Free text for readers (what the scenario shows); the engine ignores it.
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    spec: oci_spec::runtime::Spec,
    /// `engine` and the named engine's keys, checked in [`Scenario::validate`].
    #[serde(default)]
    config: serde_json::Map<String, Value>,
    #[serde(default)]
    host: Option<HostInput>,
    /// Bind sources by host path (every engine).
    #[serde(default)]
    sources: Option<HostInput>,
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
    /// The spec as given (the engines after 2018 read it whole).
    pub oci: Box<oci_spec::runtime::Spec>,
    pub host: Option<HostInput>,
    /// Bind sources by host path.
    pub sources: Option<HostInput>,
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
    /// Today's runsc: restore the root container from a checkpoint with
    /// this spec (`specutils.RestoreValidateSpec`).
    Restore(Box<oci_spec::runtime::Spec>),
}

/// A validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// `config.engine`: which engine runs the scenario.
    pub engine: Engine,
    pub spec: SpecView,
    /// The spec as given (the engines after 2018 read it whole).
    pub oci: Box<oci_spec::runtime::Spec>,
    /// runsc 2018's config (its defaults for the other engines).
    pub config: BootConfig,
    /// The other engines' config keys, parsed by their modules.
    pub options: EngineConfig,
    pub host: Option<HostInput>,
    /// `sources`: bind sources by host path (empty when absent).
    pub sources: HostInput,
    /// Notes on the file's config keys set aside because another engine
    /// than the file's runs it (`config.overlay is a key of engine …`).
    pub ignored_config: Vec<String>,
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
        Scenario::validate(Scenario::input_of(text)?, engine)
    }

    /// The text as each of `engines` reads it (`from_json_on` for each),
    /// parsed once: the page's `compareEngines` reads one text three times.
    /// The outer error is the text's own (the same for every engine).
    pub fn from_json_on_each(text: &str, engines: &[Engine]) -> Result<Vec<Result<Scenario>>> {
        let input = Scenario::input_of(text)?;
        Ok(engines
            .iter()
            .map(|&e| Scenario::validate(input.clone(), Some(e)))
            .collect())
    }

    /// The text parsed into the scenario's input shape, before any engine
    /// reads it.
    fn input_of(text: &str) -> Result<ScenarioInput> {
        if text.len() > MAX_SCENARIO_BYTES {
            // "more than", not the length: the CLI reads at most the limit
            // plus one byte, so the length seen is not the input's size.
            return Err(limits::SCENARIO_BYTES.spent("scenario").into());
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
        deserialize_at(&JsonPath::default(), value)
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
        let mut config_map = input.config;
        let named = match config_map.remove("engine") {
            Some(v) => deserialize_at::<Option<String>>(&config_at.key("engine"), v)?,
            None => None,
        };
        let engine = match (engine, &named) {
            (Some(e), _) => e,
            (None, None) => Engine::default(),
            (None, Some(name)) => Engine::parse(name)
                .map_err(|e| e.wrap("config.engine").at_path(config_at.key("engine")))?,
        };
        // Run on another engine than the file's (the CLI's --engine, the
        // page's selector), the file's own engine's keys that the chosen
        // one does not take are set aside, with a note, not refused.
        let file_engine = match &named {
            Some(name) => Engine::parse(name).ok(),
            None => Some(Engine::default()),
        };
        let mut ignored_config = Vec::new();
        if let Some(fe) = file_engine.filter(|fe| *fe != engine) {
            let foreign: Vec<String> = config_map
                .keys()
                .filter(|k| {
                    fe.config_keys().contains(&k.as_str())
                        && !engine.config_keys().contains(&k.as_str())
                })
                .cloned()
                .collect();
            for k in foreign {
                config_map.remove(&k);
                ignored_config.push(format!(
                    "config.{k} is a key of engine {fe}, ignored on engine {engine}"
                ));
            }
        }
        check_config_keys(&config_at, engine, &config_map)?;
        let (config, options) = parse_engine_config(&config_at, engine, config_map)?;
        limits::STEPS
            .check(&steps_at, step_inputs.len())
            .map_err(|e| e.at_path(steps_at.clone()))?;
        let fds_at = root.key("gofer_fds");
        check_gofer_fds(&fds_at, input.gofer_fds.as_deref())?;
        check_host(&root.key("host"), input.host.as_ref())?;
        check_host(&root.key("sources"), input.sources.as_ref())?;
        let spec = SpecView::from_oci(&input.spec);
        spec.check_limits(&root.key("spec"))?;
        let mut containers = 0usize;
        let mut steps = Vec::with_capacity(step_inputs.len());
        for (i, s) in step_inputs.into_iter().enumerate() {
            let at = steps_at.index(i);
            if matches!(&s.container, Some(ContainerField::Op(op)) if op.add.is_some()) {
                containers += 1;
                let add_at = at.key("container").key("add");
                limits::CONTAINERS
                    .check(&add_at, containers)
                    .map_err(|e| e.at_path(add_at.clone()))?;
            }
            steps.push(step_of(&at, s)?);
        }
        Ok(Scenario {
            engine,
            spec,
            oci: Box::new(input.spec),
            config,
            options,
            host: input.host,
            sources: input.sources.unwrap_or_default(),
            ignored_config,
            gofer_fds: input.gofer_fds,
            steps,
        })
    }
}

/// Every key of `config` belongs to `engine`; a key of another engine is
/// refused naming both (`config.overlay2: …`), any other as serde would.
fn check_config_keys(
    at: &JsonPath,
    engine: Engine,
    config: &serde_json::Map<String, Value>,
) -> Result<()> {
    for key in config.keys() {
        let mine = engine.config_keys();
        if mine.contains(&key.as_str()) {
            continue;
        }
        let here = at.key(key.as_str());
        let owners: Vec<&str> = Engine::ALL
            .iter()
            .filter(|e| e.config_keys().contains(&key.as_str()))
            .map(|e| e.name())
            .collect();
        let text = if owners.is_empty() {
            format!(
                "unknown field `{key}`, expected one of `engine`, {}",
                mine.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!(
                "{} is a config key of {}, not of engine {engine} (its keys: engine, {})",
                crate::gostr::quote(key),
                owners.join(", "),
                mine.join(", ")
            )
        };
        return Err(Error::input(here, text));
    }
    Ok(())
}

/// The named engine's config keys, parsed by its own module (2018's here).
fn parse_engine_config(
    at: &JsonPath,
    engine: Engine,
    config: serde_json::Map<String, Value>,
) -> Result<(BootConfig, EngineConfig)> {
    let value = Value::Object(config);
    Ok(match engine {
        Engine::Runsc2018 => {
            let input: Config2018Input = deserialize_at(at, value)?;
            let mut config = BootConfig {
                overlay: input.overlay.unwrap_or(false),
                ..BootConfig::default()
            };
            if let Some(fa) = &input.file_access {
                config.file_access = FileAccess::parse(fa)
                    .map_err(|e| e.wrap("config.file_access").at_path(at.key("file_access")))?;
            }
            (config, EngineConfig::Runsc2018)
        }
        Engine::Runsc => (
            BootConfig::default(),
            EngineConfig::Runsc(crate::engines::runsc::scenario::parse_config(at, value)?),
        ),
        Engine::Runc => (
            BootConfig::default(),
            EngineConfig::Runc(crate::engines::runc::scenario::parse_config(at, value)?),
        ),
    })
}

/// Whether a JSON value is a bare OCI spec (an object with `ociVersion`
/// and no `spec` key) rather than a scenario.
pub fn is_bare(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("ociVersion") && !o.contains_key("spec"))
}

/// JSON text, or `<what>` and what is wrong with it in words, serde's
/// text after, with the line and column of the mistake kept.
pub fn parse_json(what: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| crate::wording::syntax_error(what, text, &e))
}

/// Deserializes `value`, found at `at` in the input; an error names the
/// whole path (`steps[0].exec.argv: unknown field …`) and keeps it.
pub fn deserialize_at<T: DeserializeOwned>(at: &JsonPath, value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = at.join_serde(e.path());
        crate::wording::value_error(path, &e.inner().to_string())
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
    if let Some(r) = s.restore {
        if s.container.is_some() || s.exec.is_some() || s.sh.is_some() {
            return Err(here(
                "a step needs exactly one of \"container\", \"exec\", \"sh\" or \"restore\"",
            ));
        }
        let spec_at = at.key("restore").key("spec");
        let mut v = r.spec;
        crate::engines::runsc2018::boot::fill_go_zero_values(&mut v);
        let spec: oci_spec::runtime::Spec = deserialize_at(&spec_at, v)?;
        SpecView::from_oci(&spec).check_limits(&spec_at)?;
        return Ok(Step::Restore(Box::new(spec)));
    }
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
                "a step needs exactly one of \"container\", \"exec\", \"sh\" or \"restore\"",
            ))
        }
    })
}

/// A child container to add (`{"cid", "spec", "host", "gofer_fds"}`), found
/// at `at` in the input. The one parser of an added container: scenario
/// steps and the page's Add-container button both use it, so a spec Go
/// would accept (no `process.user`, say) is accepted by both.
pub fn parse_add_container(at: &JsonPath, mut value: Value) -> Result<AddContainer> {
    check_oci_spec(&at.key("spec"), value.get("spec"))?;
    if let Some(spec) = value.get_mut("spec") {
        crate::engines::runsc2018::boot::fill_go_zero_values(spec);
    }
    let a: AddContainerInput = deserialize_at(at, value)?;
    let spec = SpecView::from_oci(&a.spec);
    spec.check_limits(&at.key("spec"))?;
    check_gofer_fds(&at.key("gofer_fds"), a.gofer_fds.as_deref())?;
    check_host(&at.key("host"), a.host.as_ref())?;
    check_host(&at.key("sources"), a.sources.as_ref())?;
    Ok(AddContainer {
        cid: a.cid,
        spec,
        oci: Box::new(a.spec),
        host: a.host,
        sources: a.sources,
        gofer_fds: a.gofer_fds,
    })
}

/// A child's spec must be an OCI spec: an object with `ociVersion`, the
/// one field the runtime spec requires (config.md). Without the check,
/// every field has a default, so `{"foo": 1}` would start a default
/// container instead of being refused.
fn check_oci_spec(at: &JsonPath, spec: Option<&Value>) -> Result<()> {
    let Some(Value::Object(o)) = spec else {
        // A missing or non-object spec: serde names it in its words.
        return Ok(());
    };
    if o.contains_key("ociVersion") {
        return Ok(());
    }
    let keys: Vec<String> = o.keys().take(5).map(|k| crate::gostr::quote(k)).collect();
    let found = if keys.is_empty() {
        "it is empty".to_string()
    } else {
        format!("its keys are {}", keys.join(", "))
    };
    Err(Error::msg(format!(
        "{at} is not an OCI spec: it has no \"ociVersion\" ({found})"
    ))
    .at_path(at.clone()))
}

/// At most [`limits::MAX_GOFER_FDS`] FDs.
fn check_gofer_fds(at: &JsonPath, fds: Option<&[i32]>) -> Result<()> {
    match fds {
        Some(f) => limits::GOFER_FDS
            .check(at, f.len())
            .map_err(|e| e.at_path(at.clone())),
        None => Ok(()),
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
                .starts_with("spec.mounts[0].options must be a list of strings, e.g. [\"ro\"] (parser: invalid type: string \"ro\""),
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
            "steps[0]: a step needs exactly one of \"container\", \"exec\", \"sh\" or \"restore\""
        );
        let e = Scenario::from_json("{").unwrap_err();
        assert!(e.to_string().starts_with("invalid JSON: "), "{e}");
        let e = Scenario::from_json(r#"{"spec":{"ociVersion":"1","mounts":[{"type":"tmpfs"}]}}"#)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("spec.mounts[0] needs the key \"destination\" (parser: missing field `destination`)"),
            "{e}"
        );
    }

    /// `config.engine`: runsc-2018 by default; each engine by name; any
    /// other name is refused with its path.
    #[test]
    fn the_engine_is_named_in_config() {
        let s = Scenario::from_json(r#"{"spec":{"ociVersion":"1"}}"#).unwrap();
        assert_eq!(s.engine, Engine::Runsc2018);
        for e in Engine::ALL {
            let text = format!(
                r#"{{"spec":{{"ociVersion":"1"}},"config":{{"engine":"{}"}}}}"#,
                e.name()
            );
            assert_eq!(Scenario::from_json(&text).unwrap().engine, *e);
        }
        for name in ["", "RUNSC-2018", "crun"] {
            let text = format!(r#"{{"spec":{{"ociVersion":"1"}},"config":{{"engine":"{name}"}}}}"#);
            let e = Scenario::from_json(&text).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("config.engine: engine \"{name}\" is not available (known: runsc-2018, runsc, runc)")
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
            "config.engine must be a string in double quotes, e.g. \"1\" (parser: invalid type: integer `1`, expected a string)"
        );
    }

    /// Each engine takes its own keys; another engine's key is refused
    /// naming its owner, with the JSON path.
    #[test]
    fn config_keys_belong_to_their_engine() {
        let err = |config: &str| {
            let text = format!(r#"{{"spec":{{"ociVersion":"1"}},"config":{config}}}"#);
            let e = Scenario::from_json(&text).unwrap_err();
            (e.to_string(), e.input_at().and_then(|a| a.path.clone()))
        };
        assert_eq!(
            err(r#"{"engine":"runsc","overlay":true}"#),
            (
                "config.overlay: \"overlay\" is a config key of runsc-2018, not of engine runsc (its keys: engine, overlay2, file_access, file_access_mounts, directfs, host_fifo, mount_cgroup_v2)".to_string(),
                Some(JsonPath::default().key("config").key("overlay"))
            )
        );
        assert_eq!(
            err(r#"{"overlay2":"none"}"#).0,
            "config.overlay2: \"overlay2\" is a config key of runsc, not of engine runsc-2018 (its keys: engine, overlay, file_access)"
        );
        assert_eq!(
            err(r#"{"engine":"runc","file_access":"shared"}"#).0,
            "config.file_access: \"file_access\" is a config key of runsc-2018, runsc, not of engine runc (its keys: engine, rootless, bundle, cgroup, no_pivot)"
        );
        assert_eq!(
            err(r#"{"engine":"runc","weird":1}"#).0,
            "config.weird: unknown field `weird`, expected one of `engine`, `rootless`, `bundle`, `cgroup`, `no_pivot`"
        );
        assert_eq!(
            err(r#"{"engine":"runsc","file_access":"weird"}"#).0,
            "config.file_access: invalid file access type \"weird\""
        );
        assert_eq!(
            err(r#"{"engine":"runsc","directfs":"no"}"#).0,
            "config.directfs must be true or false (parser: invalid type: string \"no\", expected a boolean)"
        );
        assert!(err(r#"{"engine":"runc","cgroup":"v3"}"#)
            .0
            .starts_with("config.cgroup: unknown variant `v3`"),);
        let s = Scenario::from_json(
            r#"{"spec":{"ociVersion":"1"},"config":{"engine":"runsc","overlay2":"bogus","directfs":false,"host_fifo":"open"}}"#,
        )
        .unwrap();
        let EngineConfig::Runsc(c) = &s.options else {
            panic!("{:?}", s.options)
        };
        assert!(!c.conf.directfs);
        // --overlay2 is parsed when runsc starts: its error is a setup error.
        assert_eq!(
            c.resolve().unwrap_err().to_string(),
            "invalid value \"bogus\" for flag -overlay2: expected format is --overlay2={mount}:{medium}[,size={size}], got \"bogus\""
        );
        let s = Scenario::from_json(
            r#"{"spec":{"ociVersion":"1"},"config":{"engine":"runc","rootless":true,"cgroup":"v1"}}"#,
        )
        .unwrap();
        assert!(matches!(&s.options, EngineConfig::Runc(o) if o.rootless));
    }

    /// Run on another engine than the file's, its own engine's keys are
    /// set aside with a note; a key of a third engine is still refused.
    #[test]
    fn an_overriding_engine_sets_the_files_keys_aside() {
        let text =
            r#"{"spec":{"ociVersion":"1"},"config":{"overlay":false,"file_access":"shared"}}"#;
        let s = Scenario::from_json_on(text, Some(Engine::Runsc)).unwrap();
        assert_eq!(
            s.ignored_config,
            ["config.overlay is a key of engine runsc-2018, ignored on engine runsc"]
        );
        let EngineConfig::Runsc(c) = &s.options else {
            panic!("{:?}", s.options)
        };
        assert_eq!(
            c.conf.file_access,
            crate::engines::runsc::config::FileAccessType::Shared
        );
        let s = Scenario::from_json_on(text, Some(Engine::Runc)).unwrap();
        assert_eq!(s.ignored_config.len(), 2);
        let third = r#"{"spec":{"ociVersion":"1"},"config":{"engine":"runc","overlay2":"none"}}"#;
        let e = Scenario::from_json_on(third, Some(Engine::Runsc2018)).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("config.overlay2: \"overlay2\" is a config key of runsc,"),
            "{e}"
        );
        assert!(Scenario::from_json(text).unwrap().ignored_config.is_empty());
    }

    /// `sources` keys are checked as `host`'s are.
    #[test]
    fn sources_are_checked_like_host() {
        let e = Scenario::from_json(
            "{\"spec\":{\"ociVersion\":\"1\"},\"sources\":{\"/h\":{\"a\\u0000b\":\"x\"}}}",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("host-tree name cannot contain NUL"),
            "{e}"
        );
        let s = Scenario::from_json(
            r#"{"spec":{"ociVersion":"1"},"sources":{"/h":{"a":"x"}},"steps":[{"restore":{"spec":{"ociVersion":"1"}}}]}"#,
        )
        .unwrap();
        assert!(s.sources.contains_key("/h"));
        assert!(matches!(s.steps[0], Step::Restore(_)));
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
