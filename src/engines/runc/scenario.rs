//! The scenario `config` keys of runc: how runc is run
//! ([`super::RuncOptions`]).

use super::RuncOptions;
use crate::error::{JsonPath, Result};
use serde_json::Value;

/// The keys this engine takes (besides `engine`).
pub const CONFIG_KEYS: &[&str] = &["rootless", "bundle", "cgroup", "no_pivot"];

/// `config` of a scenario on this engine, found at `at`.
pub fn parse_config(at: &JsonPath, value: Value) -> Result<RuncOptions> {
    crate::scenario::deserialize_at(at, value)
}
