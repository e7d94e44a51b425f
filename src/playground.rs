//! The playground session behind the browser front (`web.rs`), kept here in
//! the core so native tests see every piece of it: input analysis with the
//! JSON path and position of an error, links from decision-log functions to
//! gVisor's source, per-connection 9P logs with frames in hex, and a session
//! that records every step run so it can be shared and replayed.

use crate::engines::runsc2018::boot::{BootConfig, FileAccess, SpecView};
use crate::engines::runsc2018::loader::{Loader as Engine, Report, StepReport};
use crate::error::Error;
use crate::scenario::{AddContainer, HostInput, Scenario, Step};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::engines::runsc2018::boot::GVISOR_COMMIT;

/// The playground's config controls; either may be absent to keep the
/// scenario's own value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default)]
    pub overlay: Option<bool>,
    #[serde(default)]
    pub file_access: Option<String>,
}

pub fn apply(config: &mut BootConfig, o: &Overrides) -> Result<(), Error> {
    if let Some(ov) = o.overlay {
        config.overlay = ov;
    }
    if let Some(fa) = &o.file_access {
        config.file_access = FileAccess::parse(fa).map_err(|e| e.wrap("config.file_access"))?;
    }
    Ok(())
}

/// Where an input error sits, for the editor's inline marker.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The engine's message, e.g. `spec.mounts[0].options: invalid type: ...`.
    pub message: String,
    /// The JSON path at fault as it appears in the text the user wrote
    /// (`mounts[0].options` for a bare spec), when the engine named one.
    pub path: Option<String>,
    /// 1-based line and column, for JSON syntax errors.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// What the page needs to know about a text before simulating it.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub ok: bool,
    pub error: Option<InputError>,
    /// True when the text is a bare OCI spec rather than a scenario.
    pub bare: bool,
    /// The scenario's own config (defaults for a bare spec).
    pub config: Option<BootConfig>,
    pub steps: usize,
}

pub fn is_bare(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("ociVersion") && !o.contains_key("spec"))
}

/// Splits an engine input error into message, JSON path and position.
pub fn locate_error(message: &str, bare: bool) -> InputError {
    let mut out = InputError {
        message: message.to_string(),
        ..InputError::default()
    };
    if let Some(rest) = message.strip_prefix("invalid JSON: ") {
        // serde_json: "... at line 3 column 5"
        if let Some(at) = rest.rfind(" at line ") {
            let tail = &rest[at + " at line ".len()..];
            let mut it = tail.split(" column ");
            out.line = it.next().and_then(|l| l.trim().parse().ok());
            out.column = it.next().and_then(|c| c.trim().parse().ok());
        }
        return out;
    }
    let Some((head, _)) = message.split_once(": ") else {
        return out;
    };
    let looks_like_path = !head.is_empty()
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.[]-?".contains(c));
    if !looks_like_path || head == "(root)" {
        return out;
    }
    let path = if bare {
        head.strip_prefix("spec.")
            .or_else(|| (head == "spec").then_some(""))
            .unwrap_or(head)
    } else {
        head
    };
    out.path = Some(path.to_string());
    out
}

/// Checks a spec or scenario text without simulating it.
pub fn analyze_text(text: &str) -> Analysis {
    let bare = serde_json::from_str::<Value>(text)
        .map(|v| is_bare(&v))
        .unwrap_or(false);
    match Scenario::from_json(text) {
        Ok(s) => Analysis {
            ok: true,
            error: None,
            bare,
            config: Some(s.config),
            steps: s.steps.len(),
        },
        Err(e) => Analysis {
            ok: false,
            error: Some(locate_error(&e.to_string(), bare)),
            bare,
            config: None,
            steps: 0,
        },
    }
}

/// A gVisor source location for a function named in the decision log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub function: String,
    pub file: String,
    pub start: u32,
    pub end: u32,
    pub url: String,
}

/// The source location of a function named in a decision's reasons, from
/// the port table [`crate::engines::runsc2018::boot::PORT`].
pub fn source_ref_of(function: &str) -> Option<SourceRef> {
    let p = crate::engines::runsc2018::boot::port_of(function)?;
    let (start, end) = p.lines;
    let anchor = if end >= start && start > 1 {
        format!("#L{start}-L{end}")
    } else {
        String::new()
    };
    Some(SourceRef {
        function: p.go.to_string(),
        file: p.file.to_string(),
        start,
        end,
        url: format!(
            "https://github.com/google/gvisor/blob/{GVISOR_COMMIT}/{}{anchor}",
            p.file
        ),
    })
}

/// One 9P exchange as the inspector shows it.
#[derive(Clone, Debug, Serialize)]
pub struct MessageDto {
    pub seq: u64,
    pub tag: u16,
    pub request: String,
    pub reply: String,
    pub errno: Option<u32>,
    pub errno_name: Option<String>,
    pub request_size: usize,
    pub reply_size: usize,
    /// The raw frames (possibly cut to the log's limit) as hex.
    pub request_hex: String,
    pub reply_hex: String,
}

/// One gofer connection with its messages, oldest first.
#[derive(Clone, Debug, Serialize)]
pub struct ConnectionDto {
    /// Index of the gofer process (0 is the root container's).
    pub gofer: usize,
    /// The container whose gofer this is (`None` for the root container).
    pub container: Option<String>,
    pub conn: u32,
    /// Sandbox-side FD (`rfdno`/`wfdno`).
    pub fd: i32,
    pub attach: String,
    pub read_only: bool,
    /// Entries dropped from the bounded log.
    pub dropped: u64,
    pub messages: Vec<MessageDto>,
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Every gofer connection of a sandbox with its decoded messages.
pub fn ninep_connections(sb: &Engine) -> Vec<ConnectionDto> {
    let mut out = Vec::new();
    for (g, gofer) in sb.vfs.gofers().iter().enumerate() {
        let container = sb
            .containers
            .values()
            .find(|c| c.gofer == g)
            .map(|c| c.cid.clone());
        let aps = gofer.attach_points();
        for (c, log) in gofer.connections().iter().zip(gofer.conn_logs()) {
            let ap = aps.get(c.attach_index);
            out.push(ConnectionDto {
                gofer: g,
                container: container.clone(),
                conn: c.id.0,
                fd: c.fd,
                attach: ap.map(|a| a.path.clone()).unwrap_or_default(),
                read_only: ap.is_some_and(|a| a.read_only),
                dropped: log.dropped,
                messages: log
                    .entries()
                    .map(|e| MessageDto {
                        seq: e.seq,
                        tag: e.tag,
                        request: e.request(),
                        reply: e.reply(),
                        errno: e.errno,
                        errno_name: e
                            .errno
                            .and_then(|n| crate::Errno(n).name().map(str::to_string)),
                        request_size: e.request_size,
                        reply_size: e.reply_size,
                        request_hex: hex(e.request_bytes()),
                        reply_hex: hex(e.reply_bytes()),
                    })
                    .collect(),
            });
        }
    }
    out
}

/// A container as the containers panel lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ContainerDto {
    pub cid: String,
    pub destroyed: bool,
    pub fds: Vec<i32>,
    pub fds_consumed: Vec<i32>,
    pub mounts: usize,
}

/// Everything the page draws after a change, in one crossing.
#[derive(Clone, Debug, Serialize)]
pub struct View {
    pub report: Report,
    pub tree: Option<crate::tree::MountNode>,
    pub containers: Vec<ContainerDto>,
    pub connections: Vec<ConnectionDto>,
    pub config: BootConfig,
    /// Things the runsc command line would say about this config.
    pub cli_notes: Vec<String>,
}

/// What one step did, for the terminal and the containers panel.
#[derive(Clone, Debug, Serialize)]
pub struct StepResult {
    /// `sh`, `exec`, `add` or `destroy`.
    pub kind: String,
    pub container: Option<String>,
    /// The command line for `sh`.
    pub line: Option<String>,
    #[serde(flatten)]
    pub report: StepReport,
}

/// A simulated sandbox: the root container set up from a scenario, plus
/// every step run on it since.
pub struct Playground {
    engine: Engine,
    /// The scenario as given (a bare spec wrapped), for export.
    base: Value,
    /// Steps run through this session, as scenario steps.
    steps: Vec<Value>,
}

impl Playground {
    /// Native constructor (the wasm one wraps it).
    pub fn build(
        text: &str,
        overlay: Option<bool>,
        file_access: Option<&str>,
    ) -> Result<Playground, Error> {
        Playground::build_with(
            text,
            &Overrides {
                overlay,
                file_access: file_access.map(str::to_string),
            },
        )
    }

    pub fn build_with(text: &str, o: &Overrides) -> Result<Playground, Error> {
        let mut scenario = Scenario::from_json(text)?;
        apply(&mut scenario.config, o)?;
        let engine = Engine::from_scenario(&scenario)?;
        let mut base: Value =
            serde_json::from_str(text).map_err(|e| Error::msg(format!("invalid JSON: {e}")))?;
        if is_bare(&base) {
            base = serde_json::json!({ "spec": base });
        }
        if let Some(obj) = base.as_object_mut() {
            obj.insert(
                "config".into(),
                serde_json::to_value(scenario.config).unwrap_or(Value::Null),
            );
        }
        Ok(Playground {
            engine,
            base,
            steps: Vec::new(),
        })
    }

    /// The engine behind the handle.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The DTO of the page's `view()`.
    pub fn view_dto(&self) -> View {
        let cfg = self.engine.config;
        let mut cli_notes = Vec::new();
        if cfg.overlay && cfg.file_access == FileAccess::Shared {
            cli_notes.push(
                "runsc's command line refuses this combination: \"overlay flag is incompatible with shared file access\" (runsc/main.go); fs.go itself does not check it".to_string(),
            );
        }
        View {
            report: self.engine.report(),
            tree: crate::tree::mount_tree(&self.engine),
            containers: self
                .engine
                .containers
                .values()
                .map(|c| ContainerDto {
                    cid: c.cid.clone(),
                    destroyed: c.destroyed,
                    fds: c.fds.clone(),
                    fds_consumed: c.fds_consumed.clone(),
                    mounts: if c.destroyed {
                        0
                    } else {
                        self.engine.vfs.mount_table(c.root).len()
                    },
                })
                .collect(),
            connections: ninep_connections(&self.engine),
            config: cfg,
            cli_notes,
        }
    }

    fn record(
        &mut self,
        step: Value,
        kind: &str,
        container: Option<&str>,
        line: Option<&str>,
        r: StepReport,
    ) -> StepResult {
        self.steps.push(step);
        StepResult {
            kind: kind.to_string(),
            container: container.map(str::to_string),
            line: line.map(str::to_string),
            report: r,
        }
    }

    /// Runs a shell line; an error only when there is no task to run it in.
    pub fn run_line(&mut self, line: &str, cid: Option<&str>) -> Result<StepResult, Error> {
        let r = self.engine.run_step(&Step::Sh {
            line: line.to_string(),
            container: cid.map(str::to_string),
        });
        let mut step = serde_json::json!({ "sh": line });
        if let (Some(c), Some(obj)) = (cid, step.as_object_mut()) {
            obj.insert("container".into(), Value::String(c.to_string()));
        }
        let failed = r.output.is_none() && !r.ok;
        let res = self.record(step, "sh", cid, Some(line), r);
        if failed {
            return Err(step_error(&res.report));
        }
        Ok(res)
    }

    /// Adds a child container from a spec (or a scenario-shaped object with
    /// `spec`, `host`, `gofer_fds`) and optional host JSON.
    pub fn add(
        &mut self,
        cid: &str,
        spec_json: &str,
        host_json: Option<&str>,
    ) -> Result<StepResult, Error> {
        let v: Value = serde_json::from_str(spec_json)
            .map_err(|e| Error::msg(format!("container spec: invalid JSON: {e}")))?;
        let (spec_v, mut host_v, fds_v) = match v.as_object() {
            Some(o) if o.contains_key("spec") => (
                o.get("spec").cloned().unwrap_or(Value::Null),
                o.get("host").cloned(),
                o.get("gofer_fds").cloned(),
            ),
            _ => (v, None, None),
        };
        if let Some(h) = host_json.map(str::trim).filter(|h| !h.is_empty()) {
            host_v = Some(
                serde_json::from_str(h)
                    .map_err(|e| Error::msg(format!("container host: invalid JSON: {e}")))?,
            );
        }
        let spec: oci_spec::runtime::Spec = serde_path_to_error::deserialize(spec_v.clone())
            .map_err(|e| Error::msg(format!("container spec: {}: {}", e.path(), e.inner())))?;
        let host: Option<HostInput> = match &host_v {
            Some(h) if !h.is_null() => {
                Some(serde_path_to_error::deserialize(h.clone()).map_err(|e| {
                    Error::msg(format!("container host: {}: {}", e.path(), e.inner()))
                })?)
            }
            _ => None,
        };
        let gofer_fds: Option<Vec<i32>> = match &fds_v {
            Some(f) if !f.is_null() => Some(
                serde_json::from_value(f.clone())
                    .map_err(|e| Error::msg(format!("container gofer_fds: {e}")))?,
            ),
            _ => None,
        };
        let a = AddContainer {
            cid: cid.to_string(),
            spec: SpecView::from_oci(&spec),
            host,
            gofer_fds: gofer_fds.clone(),
        };
        let r = self.engine.run_step(&Step::AddContainer(a));
        let mut add = serde_json::json!({ "cid": cid, "spec": spec_v });
        if let Some(obj) = add.as_object_mut() {
            if let Some(h) = host_v.filter(|h| !h.is_null()) {
                obj.insert("host".into(), h);
            }
            if let Some(f) = fds_v.filter(|f| !f.is_null()) {
                obj.insert("gofer_fds".into(), f);
            }
        }
        let ok = r.ok;
        let res = self.record(
            serde_json::json!({ "container": { "add": add } }),
            "add",
            Some(cid),
            None,
            r,
        );
        if !ok {
            return Err(step_error(&res.report));
        }
        Ok(res)
    }

    /// `destroyContainerFS`.
    pub fn destroy(&mut self, cid: &str) -> Result<StepResult, Error> {
        let r = self
            .engine
            .run_step(&Step::DestroyContainer(cid.to_string()));
        let ok = r.ok;
        let res = self.record(
            serde_json::json!({ "container": { "destroy": cid } }),
            "destroy",
            Some(cid),
            None,
            r,
        );
        if !ok {
            return Err(step_error(&res.report));
        }
        Ok(res)
    }

    /// Runs one scenario step given as JSON (replaying a shared URL). Step
    /// failures are results here, not errors, so a replay continues.
    pub fn step(&mut self, step_json: &str) -> Result<StepResult, Error> {
        let step: Value = serde_json::from_str(step_json)
            .map_err(|e| Error::msg(format!("step: invalid JSON: {e}")))?;
        let wrapper =
            serde_json::json!({ "spec": { "ociVersion": "1.0.0" }, "steps": [step.clone()] });
        let parsed = Scenario::from_json(&wrapper.to_string())?;
        let Some(s) = parsed.steps.into_iter().next() else {
            return Err(Error::msg("step: nothing to run"));
        };
        let (kind, container, line) = match &s {
            Step::Sh { line, container } => ("sh", container.clone(), Some(line.clone())),
            Step::Exec {
                container, argv0, ..
            } => ("exec", container.clone(), Some(argv0.clone())),
            Step::AddContainer(a) => ("add", Some(a.cid.clone()), None),
            Step::DestroyContainer(c) => ("destroy", Some(c.clone()), None),
        };
        let r = self.engine.run_step(&s);
        Ok(self.record(step, kind, container.as_deref(), line.as_deref(), r))
    }

    /// The scenario with every step run so far appended (what `mountlab run`
    /// replays).
    pub fn scenario_value(&self) -> Value {
        let mut v = self.base.clone();
        if let Some(obj) = v.as_object_mut() {
            let mut steps = obj
                .get("steps")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            steps.extend(self.steps.iter().cloned());
            obj.insert("steps".into(), Value::Array(steps));
        }
        v
    }

    /// The steps run through this session, as scenario steps.
    pub fn steps(&self) -> &[Value] {
        &self.steps
    }
}

/// The error a failed step stands for (fatal when runsc would panic).
pub fn step_error(r: &StepReport) -> Error {
    let text = r.error.clone().unwrap_or_else(|| "step failed".to_string());
    if r.fatal {
        Error::fatal(text)
    } else {
        Error::msg(text)
    }
}
