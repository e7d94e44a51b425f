//! The playground session behind the browser front (`web.rs`), kept here in
//! the core so native tests see every piece of it: input analysis with the
//! JSON path and position of an error, links from decision-log functions to
//! gVisor's source, per-connection 9P logs with frames in hex, and a session
//! that records every step run so it can be shared and replayed.

use crate::engines::runc::simulation::RuncSimulation;
use crate::engines::runsc::simulation::RunscSimulation;
use crate::engines::runsc2018::boot::{BootConfig, FileAccess};
use crate::engines::runsc2018::loader::{Loader, Report, StepReport};
use crate::engines::{Engine, Simulation};
use crate::error::{Error, JsonPath, Seg};
use crate::scenario::EngineConfig;
use crate::scenario::{is_bare, parse_add_container, parse_json, parse_step, Scenario, Step};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::engines::runsc2018::boot::GVISOR_COMMIT;

/// The playground's config controls; either may be absent to keep the
/// scenario's own value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// runsc 2018's `--overlay` (the other engines ignore it).
    #[serde(default)]
    pub overlay: Option<bool>,
    /// `--file-access` (runsc 2018 and today's runsc; runc ignores it).
    #[serde(default)]
    pub file_access: Option<String>,
    /// The engine to run (`runsc-2018`, `runsc`, `runc`) instead of the
    /// scenario's `config.engine`.
    #[serde(default)]
    pub engine: Option<String>,
    /// Today's runsc's `--overlay2` (runsc's flag syntax, e.g. `none`,
    /// `root:memory`); the other engines ignore it.
    #[serde(default)]
    pub overlay2: Option<String>,
    /// runc's `--rootless`; the other engines ignore it.
    #[serde(default)]
    pub rootless: Option<bool>,
}

/// The page's controls over a parsed scenario: `overlay`, `overlay2`,
/// `rootless` and `file_access` where the engine has the flag.
pub fn apply(s: &mut Scenario, o: &Overrides) -> Result<(), Error> {
    if let Some(ov) = o.overlay {
        s.config.overlay = ov;
    }
    match &mut s.options {
        EngineConfig::Runsc2018 => {
            if let Some(fa) = &o.file_access {
                s.config.file_access =
                    FileAccess::parse(fa).map_err(|e| e.wrap("config.file_access"))?;
            }
        }
        EngineConfig::Runsc(c) => {
            if let Some(fa) = &o.file_access {
                c.conf.file_access = crate::engines::runsc::config::FileAccessType::parse(fa)
                    .map_err(|e| e.wrap("config.file_access"))?;
            }
            // Kept as written: runsc refuses a bad value when it starts
            // (a failed setup), as for the scenario's own key.
            if let Some(v) = &o.overlay2 {
                c.overlay2 = Some(v.clone());
            }
        }
        EngineConfig::Runc(r) => {
            if let Some(v) = o.rootless {
                r.rootless = v;
            }
        }
    }
    Ok(())
}

/// The overrides `engine` takes, as its scenario `config` keys, so the
/// download replays with the flags the page ran.
fn override_keys(engine: Engine, o: &Overrides) -> serde_json::Map<String, Value> {
    let mut c = serde_json::Map::new();
    match engine {
        Engine::Runsc2018 => {}
        Engine::Runsc => {
            if let Some(v) = &o.file_access {
                c.insert("file_access".into(), Value::String(v.clone()));
            }
            if let Some(v) = &o.overlay2 {
                c.insert("overlay2".into(), Value::String(v.clone()));
            }
        }
        Engine::Runc => {
            if let Some(v) = o.rootless {
                c.insert("rootless".into(), Value::Bool(v));
            }
        }
    }
    c
}

/// The run behind a playground, by engine.
pub enum EngineRun {
    Runsc2018(Box<Loader>),
    Runsc(Box<RunscSimulation>),
    Runc(Box<RuncSimulation>),
}

impl EngineRun {
    /// The scenario's run on the engine it names.
    pub fn of(s: &Scenario) -> Result<EngineRun, Error> {
        Ok(match s.engine {
            Engine::Runsc2018 => {
                let s = if s.sources.is_empty() {
                    s.clone()
                } else {
                    crate::engines::steps::sources_as_attach_points(s)
                };
                EngineRun::Runsc2018(Box::new(Loader::from_scenario(&s)?))
            }
            Engine::Runsc => EngineRun::Runsc(Box::new(RunscSimulation::from_scenario(s))),
            Engine::Runc => EngineRun::Runc(Box::new(RuncSimulation::from_scenario(s))),
        })
    }

    /// What every engine answers.
    pub fn sim(&self) -> &dyn Simulation {
        match self {
            EngineRun::Runsc2018(l) => l.as_ref(),
            EngineRun::Runsc(r) => r.as_ref(),
            EngineRun::Runc(r) => r.as_ref(),
        }
    }

    fn sim_mut(&mut self) -> &mut dyn Simulation {
        match self {
            EngineRun::Runsc2018(l) => l.as_mut(),
            EngineRun::Runsc(r) => r.as_mut(),
            EngineRun::Runc(r) => r.as_mut(),
        }
    }

    /// The report (a copy).
    pub fn report(&self) -> Report {
        self.sim().report()
    }

    /// `/proc/self/mounts` of the root (`None`) or a child container, in
    /// the engine's format.
    pub fn proc_mounts(&self, cid: Option<&str>) -> Result<Vec<String>, Error> {
        match (self, cid) {
            (EngineRun::Runsc2018(l), _) => l.proc_mounts(cid),
            (_, None) => Ok(self.sim().proc_mounts()),
            (EngineRun::Runsc(r), Some(c)) => r
                .run()
                .and_then(|run| run.children.get(c).map(|ch| ch.proc_mounts(&run.vfs)))
                .ok_or_else(|| Error::msg(format!("unknown container {c:?}"))),
            (EngineRun::Runc(_), Some(c)) => Err(Error::msg(format!(
                "unknown container {c:?}: runc runs one container"
            ))),
        }
    }

    /// `/proc/self/mountinfo` of the root or a child container.
    pub fn mountinfo(&self, cid: Option<&str>) -> Result<Vec<String>, Error> {
        match (self, cid) {
            (EngineRun::Runsc2018(l), _) => Ok(crate::fs::mountinfo_text(&l.mount_table(cid)?)
                .lines()
                .map(str::to_string)
                .collect()),
            (_, None) => Ok(self.sim().mountinfo()),
            (_, Some(c)) => Err(Error::msg(format!(
                "mountinfo of container {c:?} is not modelled on engine {}",
                self.sim().engine()
            ))),
        }
    }
}

/// An input error as the page shows it: the engine's text unchanged, and
/// where it sits, typed (no re-parsing of the text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The engine's message, e.g. `spec.mounts[0].options: invalid type: ...`.
    pub message: String,
    /// The JSON path at fault in the text the user wrote, as keys and
    /// indices (`["mounts", 0, "options"]` for a bare spec, whose `spec`
    /// the user did not write); `None` when the error names no path or
    /// the root.
    pub path: Option<JsonPath>,
    /// The same path as text (`mounts[0].options`), for a caption.
    pub location: Option<String>,
    /// The message without the path it begins with (the whole message
    /// when it names none).
    pub detail: String,
    /// 1-based line and column, for JSON syntax errors.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl InputError {
    /// The page's view of an engine error; `bare` says the user's text is
    /// a bare spec, so paths drop their leading `spec`.
    pub fn of(e: &Error, bare: bool) -> InputError {
        let message = e.to_string();
        let at = e.input_at();
        let full = at.and_then(|a| a.path.clone()).filter(|p| !p.is_root());
        let detail = full
            .as_ref()
            .and_then(|p| {
                // `path: serde's text`, or `path must be … (parser: …)`.
                let p = p.to_string();
                message
                    .strip_prefix(&format!("{p}: "))
                    .or_else(|| message.strip_prefix(&format!("{p} ")))
            })
            .unwrap_or(&message)
            .to_string();
        let path = full.map(|p| match p.0.split_first() {
            Some((Seg::Key(k), rest)) if bare && k == "spec" => JsonPath(rest.to_vec()),
            _ => p,
        });
        InputError {
            location: path.as_ref().map(ToString::to_string),
            path,
            detail,
            line: at.and_then(|a| a.line),
            column: at.and_then(|a| a.column),
            message,
        }
    }
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
    /// The scenario's `config.engine`.
    pub engine: Option<crate::engines::Engine>,
    /// The scenario's own `--overlay2` (today's runsc) and `rootless`
    /// (runc), for the page's flag controls; absent on other engines.
    pub overlay2: Option<String>,
    pub rootless: Option<bool>,
    pub steps: usize,
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
            engine: Some(s.engine),
            overlay2: match &s.options {
                EngineConfig::Runsc(c) => c.overlay2.clone(),
                _ => None,
            },
            rootless: match &s.options {
                EngineConfig::Runc(r) => Some(r.rootless),
                _ => None,
            },
            steps: s.steps.len(),
        },
        Err(e) => Analysis {
            ok: false,
            error: Some(InputError::of(&e, bare)),
            bare,
            config: None,
            engine: None,
            overlay2: None,
            rootless: None,
            steps: 0,
        },
    }
}

/// The config a scenario without one runs with (runsc's command-line
/// defaults), for the page's controls.
pub fn default_config() -> BootConfig {
    BootConfig::default()
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
    /// The request's message name (`Twalk`), from its type byte.
    pub name: &'static str,
    /// The reply's message name (`Rwalk`, `Rlerror`).
    pub reply_name: &'static str,
    /// True when a frame's hex is cut to the log's limit (the sizes are
    /// the whole frames').
    pub truncated: bool,
    pub request: String,
    pub reply: String,
    pub errno: Option<u32>,
    pub errno_name: Option<String>,
    pub request_size: usize,
    pub reply_size: usize,
    /// The raw frames (possibly cut to the log's limit) as hex.
    pub request_hex: String,
    pub reply_hex: String,
    /// The step that caused the exchange: an index into
    /// [`View::ninep_groups`] (0 is setup).
    pub group: usize,
    /// Why an error reply is part of the plan (`p9::explain`); `None` for
    /// a success or an error worth an alarm.
    pub expected: Option<String>,
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

/// The name of a frame's message type (`size[4] type[1] …`), `?` for a
/// type no message has.
fn message_name(frame: &[u8]) -> &'static str {
    frame
        .get(4)
        .and_then(|&ty| crate::p9::messages::Message::name_of(ty))
        .unwrap_or("?")
}

/// What the 9P inspector says beside the connections of each engine.
pub fn connections_note(engine: Engine) -> Option<&'static str> {
    match engine {
        Engine::Runsc2018 => None,
        Engine::Runsc => Some(
            "today's runsc speaks LISAFS to its gofer; here the gofer is mountlab's in-memory 9P2000.L server standing in for it, so these are 9P frames, not LISAFS messages",
        ),
        Engine::Runc => Some("runc has no gofer: the kernel mounts directly"),
    }
}

/// Every gofer connection of a sandbox with its decoded messages (none for
/// runc, which has no gofer).
pub fn ninep_connections(run: &EngineRun) -> Vec<ConnectionDto> {
    ninep_connections_by_step(run, &[])
}

/// The VFS whose gofers the root container talks to (none on runc).
fn gofer_vfs(run: &EngineRun) -> Option<&crate::vfs::Vfs> {
    match run {
        EngineRun::Runsc2018(sb) => Some(&sb.vfs),
        EngineRun::Runsc(r) => r.run().map(|run| &run.vfs),
        EngineRun::Runc(_) => None,
    }
}

/// The newest log sequence number of each gofer (0 before any exchange).
fn gofer_seqs(run: &EngineRun) -> Vec<u64> {
    gofer_vfs(run).map_or_else(Vec::new, |v| {
        v.gofers()
            .iter()
            .map(|g| g.log.entries().next_back().map_or(0, |e| e.seq))
            .collect()
    })
}

/// The group of gofer `g`'s exchange `seq`: the last step whose start
/// mark (`marks[i]`, each gofer's newest seq before step `i` ran) is below
/// it, as an index into the groups (0 is setup, step `i` is `i + 1`).
fn group_of(marks: &[Vec<u64>], g: usize, seq: u64) -> usize {
    marks
        .iter()
        .rposition(|m| m.get(g).copied().unwrap_or(0) < seq)
        .map_or(0, |i| i + 1)
}

/// [`ninep_connections`], each exchange under the step that caused it.
fn ninep_connections_by_step(run: &EngineRun, marks: &[Vec<u64>]) -> Vec<ConnectionDto> {
    match run {
        EngineRun::Runsc2018(sb) => gofer_connections(&sb.vfs, marks, |g| {
            sb.containers
                .values()
                .find(|c| c.gofer == g)
                .map(|c| c.cid.clone())
        }),
        EngineRun::Runsc(r) => match r.run() {
            Some(run) => gofer_connections(&run.vfs, marks, |g| {
                run.children
                    .values()
                    .find(|c| c.gofer == g)
                    .map(|c| c.cid.clone())
            }),
            None => Vec::new(),
        },
        EngineRun::Runc(_) => Vec::new(),
    }
}

/// The connections of every gofer of `vfs`; `owner(g)` names the
/// container of gofer `g` (`None` for the root container's).
fn gofer_connections(
    vfs: &crate::vfs::Vfs,
    marks: &[Vec<u64>],
    owner: impl Fn(usize) -> Option<String>,
) -> Vec<ConnectionDto> {
    let mut out = Vec::new();
    for (g, gofer) in vfs.gofers().iter().enumerate() {
        let container = owner(g);
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
                    .map(|e| (e, group_of(marks, g, e.seq)))
                    .map(|(e, group)| MessageDto {
                        seq: e.seq,
                        tag: e.tag,
                        name: message_name(e.request_bytes()),
                        reply_name: message_name(e.reply_bytes()),
                        truncated: e.request_bytes().len() < e.request_size
                            || e.reply_bytes().len() < e.reply_size,
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
                        group,
                        expected: e.errno.and_then(|n| {
                            crate::p9::explain::expected_error(e.request_bytes(), n, group == 0)
                        }),
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
    /// Where the container's root is in the tree the page draws: under
    /// `/__runsc_containers__` on runsc 2018 (fs.go's
    /// `createMountNamespace`), `/` of its own namespace on today's runsc.
    pub root_path: String,
    /// The panel's line for it: `/__runsc_containers__/c1 · 4 mounts · FDs 10, 11`.
    pub summary: String,
}

impl ContainerDto {
    fn new(
        cid: &str,
        destroyed: bool,
        fds: Vec<i32>,
        fds_consumed: Vec<i32>,
        mounts: usize,
        root_path: String,
    ) -> ContainerDto {
        let consumed: Vec<String> = fds_consumed.iter().map(i32::to_string).collect();
        let consumed = if consumed.is_empty() {
            "\u{2014}".to_string()
        } else {
            consumed.join(", ")
        };
        ContainerDto {
            cid: cid.to_string(),
            destroyed,
            summary: format!("{root_path} · {mounts} mounts · FDs {consumed}"),
            fds,
            fds_consumed,
            mounts,
            root_path,
        }
    }
}

/// Everything the page draws after a change, in one crossing.
#[derive(Clone, Debug, Serialize)]
pub struct View {
    /// The engine that ran.
    pub engine: Engine,
    pub report: Report,
    pub tree: Option<crate::tree::MountNode>,
    pub containers: Vec<ContainerDto>,
    pub connections: Vec<ConnectionDto>,
    /// What the 9P inspector says about this engine's gofer (its
    /// stand-in, or that there is none).
    pub connections_note: Option<&'static str>,
    /// What caused each group of 9P exchanges: `setup`, then one label
    /// per step run in the session (`$ cat /etc/passwd`).
    pub ninep_groups: Vec<String>,
    /// The overlay notes of each step run in the session (copy-ups,
    /// whiteouts; see [`StepResult::notes`]), so a replay can print them.
    pub step_notes: Vec<Vec<String>>,
    /// runsc 2018's config (its defaults on the other engines).
    pub config: BootConfig,
    /// Things the runsc command line would say about this config.
    pub cli_notes: Vec<String>,
    /// The status line: `runsc-2018 · 11 mounts · gofer FDs 3, 4` (the
    /// mounts are the lines of the root container's `/proc/mounts`).
    pub status: String,
    /// What a fatal error is shown under: `runsc would panic here:`.
    pub panic_label: String,
    /// What the containers panel says while it lists none.
    pub containers_note: &'static str,
    /// "Why this mount?" in plain words, one per report decision.
    pub why: Vec<crate::explain::MountWhy>,
    /// The root container's lint findings (`mountlab lint`'s), for the
    /// editor's marks and the grouped warnings.
    pub lint: Vec<crate::lint::LintFinding>,
}

/// The view's status line for a report.
fn status_of(r: &Report) -> String {
    let mut s = format!("{} · {} mounts", r.engine, r.proc_mounts.len());
    if r.engine == Engine::Runsc2018 {
        let fds: Vec<String> = r.fds_consumed.iter().map(i32::to_string).collect();
        let fds = if fds.is_empty() {
            "none".to_string()
        } else {
            fds.join(", ")
        };
        s.push_str(&format!(" · gofer FDs {fds}"));
    }
    s
}

/// What kind of step a result is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Sh,
    Exec,
    Add,
    Destroy,
    /// Today's runsc's restore check.
    Restore,
    /// A replayed step that is not a valid scenario step (its error is in
    /// the report); it is not run and not recorded.
    Invalid,
}

/// What one step did, for the terminal and the containers panel.
#[derive(Clone, Debug, Serialize)]
pub struct StepResult {
    pub kind: StepKind,
    pub container: Option<String>,
    /// The command line for `sh`.
    pub line: Option<String>,
    /// What the overlay did underneath a shell line, named: `copied up
    /// /etc/passwd: 74 B read over 9P into the tmpfs upper`.
    pub notes: Vec<String>,
    #[serde(flatten)]
    pub report: StepReport,
}

/// A simulated sandbox: the root container set up from a scenario, plus
/// every step run on it since.
pub struct Playground {
    engine: EngineRun,
    /// The scenario's config keys set aside for the chosen engine.
    ignored_config: Vec<String>,
    /// How many steps the scenario itself had (they ran at build).
    scenario_steps: usize,
    /// The scenario as given (a bare spec wrapped), for export.
    base: Value,
    /// Steps run through this session, as scenario steps.
    steps: Vec<Value>,
    /// Each gofer's newest 9P log seq before each of `steps` ran, so the
    /// inspector can put an exchange under the step that caused it.
    marks: Vec<Vec<u64>>,
    /// The notes of each of `steps` ([`StepResult::notes`]).
    notes: Vec<Vec<String>>,
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
                ..Overrides::default()
            },
        )
    }

    pub fn build_with(text: &str, o: &Overrides) -> Result<Playground, Error> {
        let engine = match &o.engine {
            Some(name) => Some(Engine::parse(name).map_err(|e| e.wrap("config.engine"))?),
            None => None,
        };
        let mut scenario = Scenario::from_json_on(text, engine)?;
        apply(&mut scenario, o)?;
        let run = EngineRun::of(&scenario)?;
        let mut base: Value = parse_json("", text)?;
        if is_bare(&base) {
            base = serde_json::json!({ "spec": base });
        }
        if let Some(obj) = base.as_object_mut() {
            let config = match scenario.engine {
                Engine::Runsc2018 => serde_json::to_value(scenario.config).unwrap_or(Value::Null),
                // The scenario's own keys for this engine stay; the
                // engine is named, so the export runs on the engine it
                // ran on.
                e => {
                    let mut c = obj
                        .get("config")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    // The keys set aside (another engine's) leave the export.
                    c.retain(|k, _| e.config_keys().contains(&k.as_str()));
                    c.extend(override_keys(e, o));
                    c.insert("engine".into(), Value::String(e.name().to_string()));
                    Value::Object(c)
                }
            };
            obj.insert("config".into(), config);
        }
        Ok(Playground {
            engine: run,
            ignored_config: scenario.ignored_config.clone(),
            scenario_steps: scenario.steps.len(),
            base,
            steps: Vec::new(),
            marks: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// The engine behind the handle.
    pub fn engine(&self) -> &EngineRun {
        &self.engine
    }

    /// The DTO of the page's `view()`.
    pub fn view_dto(&self) -> View {
        let sim = self.engine.sim();
        let mut cli_notes = self.ignored_config.clone();
        let cfg = match &self.engine {
            EngineRun::Runsc2018(l) => l.config,
            _ => BootConfig::default(),
        };
        if matches!(self.engine, EngineRun::Runsc2018(_))
            && cfg.overlay
            && cfg.file_access == FileAccess::Shared
        {
            cli_notes.push(
                "runsc's command line refuses this combination: \"overlay flag is incompatible with shared file access\" (runsc/main.go); fs.go itself does not check it".to_string(),
            );
        }
        let report = sim.report();
        View {
            engine: sim.engine(),
            status: status_of(&report),
            containers_note: match sim.engine() {
                Engine::Runsc2018 => "No child containers. Start one above: it gets its own gofer and mounts under /__runsc_containers__/<id>.",
                Engine::Runsc => "No other containers in the pod. Start one above: it gets its own mount namespace and gofer; a volume a pod hint shares shows in both.",
                Engine::Runc => "runc runs one container per `runc run`: there are no child containers to start.",
            },
            panic_label: format!("{}:", sim.engine().panic_label()),
            why: crate::explain::explain_report(&report),
            lint: crate::lint::findings_of(&report.decisions),
            report,
            tree: sim.tree(),
            containers: containers_of(&self.engine),
            connections: ninep_connections_by_step(&self.engine, &self.marks),
            ninep_groups: std::iter::once("setup".to_string())
                .chain(self.steps.iter().map(step_label))
                .collect(),
            step_notes: self.notes.clone(),
            connections_note: connections_note(sim.engine()),
            config: cfg,
            cli_notes,
        }
    }

    /// Runs a step, first marking where each gofer's log stands (see
    /// [`Playground::marks`]); every step run is then recorded.
    fn run_marked(&mut self, s: &Step) -> StepReport {
        self.marks.push(gofer_seqs(&self.engine));
        self.engine.sim_mut().run_step(s)
    }

    fn record(
        &mut self,
        step: Value,
        kind: StepKind,
        container: Option<&str>,
        line: Option<&str>,
        r: StepReport,
    ) -> StepResult {
        self.steps.push(step);
        self.notes.push(r.notes.clone());
        StepResult {
            kind,
            container: container.map(str::to_string),
            line: line.map(str::to_string),
            notes: r.notes.clone(),
            report: r,
        }
    }

    /// Runs a shell line; an error only when there is no task to run it in.
    pub fn run_line(&mut self, line: &str, cid: Option<&str>) -> Result<StepResult, Error> {
        let r = self.run_marked(&Step::Sh {
            line: line.to_string(),
            container: cid.map(str::to_string),
        });
        let mut step = serde_json::json!({ "sh": line });
        if let (Some(c), Some(obj)) = (cid, step.as_object_mut()) {
            obj.insert("container".into(), Value::String(c.to_string()));
        }
        let failed = r.output.is_none() && !r.ok;
        let res = self.record(step, StepKind::Sh, cid, Some(line), r);
        if failed {
            return Err(step_error(&res.report));
        }
        Ok(res)
    }

    /// Adds a child container from a spec (or a scenario-shaped object with
    /// `spec`, `host`, `gofer_fds`) and optional host JSON. The container is
    /// parsed by the scenario's own parser ([`parse_add_container`]), so the
    /// button accepts what a scenario file accepts.
    pub fn add(
        &mut self,
        cid: &str,
        spec_json: &str,
        host_json: Option<&str>,
    ) -> Result<StepResult, Error> {
        let v = parse_json("container spec: ", spec_json)?;
        let mut add = match v {
            Value::Object(o) if o.contains_key("spec") => {
                let mut add = serde_json::Map::new();
                for key in ["spec", "host", "gofer_fds"] {
                    if let Some(x) = o.get(key).filter(|x| !x.is_null()) {
                        add.insert(key.into(), x.clone());
                    }
                }
                add
            }
            v => serde_json::Map::from_iter([("spec".to_string(), v)]),
        };
        if let Some(h) = host_json.map(str::trim).filter(|h| !h.is_empty()) {
            let h = parse_json("container host: ", h)?;
            if h.is_null() {
                add.remove("host");
            } else {
                add.insert("host".into(), h);
            }
        }
        add.insert("cid".into(), Value::String(cid.to_string()));
        let add = Value::Object(add);
        let a = parse_add_container(&JsonPath::default(), add.clone())?;
        let r = self.run_add(&Step::AddContainer(a), cid);
        let ok = r.ok;
        let res = self.record(
            serde_json::json!({ "container": { "add": add } }),
            StepKind::Add,
            Some(cid),
            None,
            r,
        );
        if !ok {
            return Err(step_error(&res.report));
        }
        Ok(res)
    }

    /// Starts a child container, unless the root container's setup
    /// failed: runsc's boot stops at `createMountNamespace`'s error and
    /// the sandbox exits, so there is no running sandbox to add it to.
    fn run_add(&mut self, add: &Step, cid: &str) -> StepReport {
        // runc has no child containers at all; its own refusal says so.
        let has_children = !matches!(self.engine, EngineRun::Runc(_));
        if has_children && self.engine.sim().setup_error().is_some() {
            // Marked all the same: every step has its 9P group, even an empty one.
            self.marks.push(gofer_seqs(&self.engine));
            return StepReport::failed(&Error::msg(format!(
                "cannot start container {cid}: the root container's setup failed, so the sandbox never booted; only the partial namespace can be explored"
            )));
        }
        self.run_marked(add)
    }

    /// `destroyContainerFS`.
    pub fn destroy(&mut self, cid: &str) -> Result<StepResult, Error> {
        let r = self.run_marked(&Step::DestroyContainer(cid.to_string()));
        let ok = r.ok;
        let res = self.record(
            serde_json::json!({ "container": { "destroy": cid } }),
            StepKind::Destroy,
            Some(cid),
            None,
            r,
        );
        if !ok {
            return Err(step_error(&res.report));
        }
        Ok(res)
    }

    /// Runs one scenario step given as JSON value, parsed as the scenario's
    /// `steps[i]` (its index in the exported scenario). Step failures are
    /// results, not errors, so a replay continues; only a step that is not
    /// a valid step is an error.
    pub fn run_step_value(&mut self, step: Value) -> Result<StepResult, Error> {
        let at = JsonPath::default()
            .key("steps")
            .index(self.scenario_steps + self.steps.len());
        let s = parse_step(&at, step.clone())?;
        let (kind, container, line) = match &s {
            Step::Sh { line, container } => (StepKind::Sh, container.clone(), Some(line.clone())),
            Step::Exec {
                container, argv0, ..
            } => (StepKind::Exec, container.clone(), Some(argv0.clone())),
            Step::AddContainer(a) => (StepKind::Add, Some(a.cid.clone()), None),
            Step::DestroyContainer(c) => (StepKind::Destroy, Some(c.clone()), None),
            Step::Restore(_) => (StepKind::Restore, None, None),
        };
        let r = match kind {
            StepKind::Add => self.run_add(&s, container.as_deref().unwrap_or_default()),
            _ => self.run_marked(&s),
        };
        Ok(self.record(step, kind, container.as_deref(), line.as_deref(), r))
    }

    /// Runs one scenario step given as JSON text.
    pub fn step(&mut self, step_json: &str) -> Result<StepResult, Error> {
        let step = parse_json("step: ", step_json)?;
        self.run_step_value(step)
    }

    /// Runs steps as `mountlab run` runs a scenario's (after a runsc panic
    /// none runs), one result per step: a step that is not a valid step
    /// gives a result of kind `invalid` with its error, is not run and is
    /// not recorded.
    pub fn replay(&mut self, steps: &[Value]) -> Vec<StepResult> {
        steps
            .iter()
            .map(|v| {
                self.run_step_value(v.clone())
                    .unwrap_or_else(|e| StepResult {
                        kind: StepKind::Invalid,
                        container: None,
                        line: None,
                        notes: Vec::new(),
                        report: StepReport::failed(&e),
                    })
            })
            .collect()
    }

    /// [`Playground::replay`] of a JSON array of steps.
    pub fn replay_json(&mut self, steps_json: &str) -> Result<Vec<StepResult>, Error> {
        let v = parse_json("steps: ", steps_json)?;
        let Value::Array(steps) = v else {
            return Err(Error::msg("steps: expected an array of scenario steps"));
        };
        Ok(self.replay(&steps))
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

/// The containers panel: 2018's children (kept after destroy, marked),
/// today's runsc's pod containers; runc has none.
fn containers_of(run: &EngineRun) -> Vec<ContainerDto> {
    match run {
        EngineRun::Runsc2018(sb) => sb
            .containers
            .values()
            .map(|c| {
                let mounts = if c.destroyed {
                    0
                } else {
                    sb.vfs.mount_table(c.root).len()
                };
                let root = format!(
                    "{}/{}",
                    crate::engines::runsc2018::boot::CHILD_CONTAINERS_DIR,
                    c.cid
                );
                ContainerDto::new(
                    &c.cid,
                    c.destroyed,
                    c.fds.clone(),
                    c.fds_consumed.clone(),
                    mounts,
                    root,
                )
            })
            .collect(),
        EngineRun::Runsc(r) => r
            .run()
            .map(|run| {
                run.children
                    .values()
                    .map(|c| {
                        let mounts = c.setup.mounts.len();
                        ContainerDto::new(&c.cid, false, Vec::new(), Vec::new(), mounts, "/".into())
                    })
                    .collect()
            })
            .unwrap_or_default(),
        EngineRun::Runc(_) => Vec::new(),
    }
}

/// A session step as the 9P inspector heads its group: `$ cat /etc/passwd`,
/// `$ ls (in c1)`, `start container c1`, `destroy container c1`.
fn step_label(step: &Value) -> String {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    if let Some(line) = step.get("sh") {
        return match step.get("container").and_then(Value::as_str) {
            Some(c) => format!("$ {} (in {c})", text(Some(line))),
            None => format!("$ {}", text(Some(line))),
        };
    }
    let c = step.get("container");
    if let Some(add) = c.and_then(|c| c.get("add")) {
        return format!("start container {}", text(add.get("cid")));
    }
    if let Some(d) = c.and_then(|c| c.get("destroy")) {
        return format!("destroy container {}", text(Some(d)));
    }
    match step.as_object().and_then(|o| o.keys().next()) {
        Some(k) => format!("step {k}"),
        None => "step".to_string(),
    }
}

/// What a toggle or an edit changed in the root container's mounts: mount
/// path → a short label (`+ upper`, `new`, `gone`, `ro → rw`), and one
/// sentence saying it (`--overlay put a tmpfs upper over 7 mounts`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MountChanges {
    pub changes: std::collections::BTreeMap<String, String>,
    pub sentence: String,
}

/// Whether a cell stands for a mount there (the spec's or the engine's own).
fn is_mounted(c: &crate::compare::DiffCell) -> bool {
    use crate::compare::DiffOutcome;
    matches!(c.outcome, DiffOutcome::Mounted | DiffOutcome::Added)
}

/// The upper layer of a cell's stack (`tmpfs upper`), by its label.
fn upper_of(c: &crate::compare::DiffCell) -> Option<&str> {
    c.layers.iter().find_map(|l| l.strip_suffix(" upper"))
}

/// The short label of a row that differs between `a` (before) and `b`.
fn change_label(a: &crate::compare::DiffCell, b: &crate::compare::DiffCell) -> String {
    let ro = |c: &crate::compare::DiffCell| if c.ro == Some(true) { "ro" } else { "rw" };
    match (is_mounted(a), is_mounted(b)) {
        (false, true) => return "new".into(),
        (true, false) if b.outcome == crate::compare::DiffOutcome::Absent => return "gone".into(),
        (true, false) | (false, false) => {
            return format!("{} → {}", a.outcome.as_str(), b.outcome.as_str())
        }
        (true, true) => {}
    }
    match (upper_of(a), upper_of(b)) {
        (None, Some(_)) => return "+ upper".into(),
        (Some(_), None) => return "− upper".into(),
        _ => {}
    }
    if a.ro != b.ro {
        return format!("{} → {}", ro(a), ro(b));
    }
    if a.fs != b.fs {
        let fs = |c: &crate::compare::DiffCell| c.fs.clone().unwrap_or_default();
        return format!("{} → {}", fs(a), fs(b));
    }
    if a.flags != b.flags || a.data != b.data {
        return options_label(a, b);
    }
    // Only the stub directories under it differ: a mount added or removed
    // below it, named on that mount.
    let kept = |c: &crate::compare::DiffCell| {
        c.layers
            .iter()
            .filter(|l| !l.starts_with("stub dirs"))
            .cloned()
            .collect::<Vec<_>>()
    };
    if kept(a) == kept(b) { STUBS } else { "layers" }.to_string()
}

/// A cell's mount options: its flags, then its data's comma-separated
/// options (`cache=remote_revalidating`).
fn options_of(c: &crate::compare::DiffCell) -> Vec<&str> {
    let data = c.data.as_deref().unwrap_or_default();
    c.flags
        .iter()
        .map(String::as_str)
        .chain(data.split(',').filter(|o| !o.is_empty()))
        .collect()
}

/// The options a change set and took off: `+ cache=remote_revalidating`,
/// `− cache=remote_revalidating`, or `options` when only their values moved.
fn options_label(a: &crate::compare::DiffCell, b: &crate::compare::DiffCell) -> String {
    let (oa, ob) = (options_of(a), options_of(b));
    let added: Vec<&str> = ob.iter().filter(|o| !oa.contains(o)).copied().collect();
    let removed: Vec<&str> = oa.iter().filter(|o| !ob.contains(o)).copied().collect();
    match (added.is_empty(), removed.is_empty()) {
        (false, true) => format!("+ {}", added.join(",")),
        (true, false) => format!("− {}", removed.join(",")),
        _ => "options".into(),
    }
}

/// The label of a mount whose stub directories alone changed (the
/// sentence leaves it out: the mount below it says what happened).
const STUBS: &str = "stubs";

/// The mounts that changed from one run to another of the same engine
/// (the rows of `compare::diff_runs`'s diff marked as differing, layers
/// included), as short labels, after `what` (`--overlay`, `the edit`)
/// changed.
pub fn mount_changes(diff: &crate::compare::MountDiff, what: &str) -> MountChanges {
    let mut changes = std::collections::BTreeMap::new();
    let mut uppers = Vec::new();
    for row in diff.rows.iter().filter(|r| r.differs) {
        let (Some(a), Some(b)) = (row.engines.get("before"), row.engines.get("after")) else {
            continue;
        };
        let label = change_label(a, b);
        if label == "+ upper" {
            uppers.extend(upper_of(b).map(str::to_string));
        }
        changes.insert(row.destination.clone(), label);
    }
    let upper_fs = uppers.first().map_or("tmpfs", String::as_str);
    MountChanges {
        sentence: changes_sentence(&changes, upper_fs, what),
        changes,
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// `--overlay put a tmpfs upper over 7 mounts`, `the edit: 1 new mount,
/// 1 gone`, `--file-access changed no mount`.
fn changes_sentence(
    changes: &std::collections::BTreeMap<String, String>,
    upper_fs: &str,
    what: &str,
) -> String {
    let count = |label: &str| changes.values().filter(|l| *l == label).count();
    let mut parts = Vec::new();
    let up = count("+ upper");
    if up > 0 {
        parts.push(format!(
            "put a {upper_fs} upper over {}",
            plural(up, "mount")
        ));
    }
    let down = count("− upper");
    if down > 0 {
        parts.push(format!("took the upper off {}", plural(down, "mount")));
    }
    let new = count("new");
    if new > 0 {
        parts.push(format!("added {}", plural(new, "mount")));
    }
    let gone = count("gone");
    if gone > 0 {
        parts.push(format!("removed {}", plural(gone, "mount")));
    }
    // Options set or taken off, each with the mounts it changed.
    let mut options: std::collections::BTreeMap<&str, usize> = Default::default();
    for l in changes.values() {
        if (l.starts_with("+ ") || l.starts_with("− ")) && !l.ends_with(" upper") {
            *options.entry(l.as_str()).or_default() += 1;
        }
    }
    for (l, n) in &options {
        let mounts = plural(*n, "mount");
        parts.push(match (l.strip_prefix("+ "), l.strip_prefix("− ")) {
            (Some(o), _) => format!("set {o} on {mounts}"),
            (_, Some(o)) => format!("took {o} off {mounts}"),
            _ => format!("changed {mounts}"),
        });
    }
    let optioned: usize = options.values().sum();
    let other = changes.len() - up - down - new - gone - count(STUBS) - optioned;
    if other > 0 {
        parts.push(format!("changed {}", plural(other, "mount")));
    }
    if parts.is_empty() {
        return format!("{what} changed no mount");
    }
    format!("{what} {}", parts.join(", "))
}

/// [`mount_changes`] of two texts with their config overrides, each run
/// without steps (steps make no mounts in the root container), as
/// `compare::run::compare_runs` runs them.
pub fn mount_changes_of(
    before: (&str, &Overrides),
    after: (&str, &Overrides),
    what: &str,
) -> Result<MountChanges, Error> {
    let diff = crate::compare::run::compare_runs(before, after)?;
    Ok(mount_changes(&diff, what))
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
