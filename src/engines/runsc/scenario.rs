//! The scenario `config` keys of today's runsc, each one of runsc's flags
//! with its default (runsc/config/flags.go at 3c5eee17).

use super::config::{FileAccessType, HostFifo, RunscConfig};
use super::overlay2::Overlay2;
use crate::error::{Error, JsonPath, Result};
use crate::gostr::quote;
use serde::Deserialize;
use serde_json::Value;

/// The keys this engine takes (besides `engine`).
pub const CONFIG_KEYS: &[&str] = &[
    "overlay2",
    "file_access",
    "file_access_mounts",
    "directfs",
    "host_fifo",
    "mount_cgroup_v2",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    #[serde(default)]
    overlay2: Option<String>,
    #[serde(default)]
    file_access: Option<String>,
    #[serde(default)]
    file_access_mounts: Option<String>,
    #[serde(default)]
    directfs: Option<bool>,
    #[serde(default)]
    host_fifo: Option<String>,
    #[serde(default)]
    mount_cgroup_v2: Option<bool>,
}

/// The flags a scenario gives. `--overlay2` is kept as written: a value
/// runsc refuses is a setup error (runsc fails to start), not a scenario
/// error, so it is parsed when the engine runs ([`RunscScenarioConfig::resolve`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunscScenarioConfig {
    pub conf: RunscConfig,
    pub overlay2: Option<String>,
}

impl RunscScenarioConfig {
    /// The flags runsc runs with, or the error Go's flag package gives for
    /// `--overlay2` (`Overlay2.Set`'s, wrapped as `flag` wraps it).
    pub fn resolve(&self) -> Result<RunscConfig> {
        let mut conf = self.conf.clone();
        if let Some(v) = &self.overlay2 {
            conf.overlay2 = Overlay2::parse(v).map_err(|e| {
                Error::msg(format!(
                    "invalid value {} for flag -overlay2: {e}",
                    quote(v)
                ))
            })?;
        }
        Ok(conf)
    }
}

/// `config` of a scenario on this engine, found at `at`; the enum flags
/// are refused with runsc's `Set` errors at their path.
pub fn parse_config(at: &JsonPath, value: Value) -> Result<RunscScenarioConfig> {
    let input: Input = crate::scenario::deserialize_at(at, value)?;
    let mut conf = RunscConfig::default();
    let access = |key: &str, v: &Option<String>, dflt: FileAccessType| match v {
        Some(v) => FileAccessType::parse(v)
            .map_err(|e| e.wrap(format!("config.{key}")).at_path(at.key(key))),
        None => Ok(dflt),
    };
    conf.file_access = access("file_access", &input.file_access, conf.file_access)?;
    conf.file_access_mounts = access(
        "file_access_mounts",
        &input.file_access_mounts,
        conf.file_access_mounts,
    )?;
    if let Some(v) = &input.host_fifo {
        conf.host_fifo = HostFifo::parse(v)
            .map_err(|e| e.wrap("config.host_fifo").at_path(at.key("host_fifo")))?;
    }
    conf.directfs = input.directfs.unwrap_or(conf.directfs);
    conf.mount_cgroup_v2 = input.mount_cgroup_v2.unwrap_or(conf.mount_cgroup_v2);
    Ok(RunscScenarioConfig {
        conf,
        overlay2: input.overlay2,
    })
}
