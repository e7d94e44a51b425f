//! The command line's grammar, as clap derive structs. Their doc comments
//! are the `--help` text: they are written for users.

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use mountlab::engines::runsc2018::boot::FileAccess;
use mountlab::engines::Engine;
use mountlab::p9::net::ConnLimits;
use std::path::PathBuf;

/// Container mount engines rebuilt: gVisor's runsc of 2018 and of today,
/// and runc: preview what each would mount for an OCI spec, run
/// scenarios, serve the gofer over 9P.
#[derive(Debug, Parser)]
#[command(
    name = "mountlab",
    version,
    arg_required_else_help = true,
    after_help = "A file argument of - reads standard input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments or exits: `--help` and `--version`
    /// with 0, a usage error with 2 and the usage of its subcommand. (clap
    /// shows the usage for an unknown or missing argument, not for a bad
    /// value; this adds it there too.)
    pub fn parse_or_exit() -> Cli {
        Cli::try_parse().unwrap_or_else(|mut e| {
            if e.use_stderr() && e.get(ContextKind::Usage).is_none() {
                if let Some(usage) = subcommand_usage() {
                    e.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
                }
            }
            e.exit()
        })
    }
}

/// The usage line of the subcommand named first on the command line.
fn subcommand_usage() -> Option<StyledStr> {
    let name = std::env::args_os().nth(1)?;
    let mut cli = Cli::command();
    // Built, the subcommands know their full name (`mountlab preview`).
    cli.build();
    cli.find_subcommand_mut(name).map(|c| c.render_usage())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what runsc (2018 or today's) or runc would mount for an OCI
    /// spec or a scenario.
    ///
    /// Exit status: 0 when the mounts were built, 1 when the runtime's
    /// setup would fail (its error on standard error), 2 for bad input.
    Preview(PreviewArgs),
    /// Run a scenario and print its report as JSON.
    ///
    /// Exit status: 0 when every step passed, 1 when setup or a step
    /// failed, 2 for bad input.
    Run(RunArgs),
    /// Serve an in-memory 9P2000.L tree (the gofer) to real clients.
    ///
    /// Prints `listening on ADDRESS` once the socket is bound, then serves
    /// until killed; every refused or timed-out connection is logged on
    /// standard error with the limit's name.
    #[command(name = "serve-9p")]
    Serve9p(ServeArgs),
    /// Run the benchmark suite and print native figures (medians).
    Bench(BenchArgs),
    /// Compare what each engine would mount for one OCI spec, per
    /// destination, with the reason for every difference.
    ///
    /// Exit status (as diff(1)): 0 when the engines agree on every mount,
    /// 1 when they differ, 2 for bad input.
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// An OCI config.json, or a scenario file (- reads standard input).
    #[arg(value_name = "CONFIG.json")]
    pub file: String,
    /// Run as `runsc --overlay` (runsc-2018 only): a tmpfs upper over the
    /// root and every writable bind.
    #[arg(long)]
    pub overlay: bool,
    /// Run as `runsc --file-access` (runsc-2018 only; today's runsc reads
    /// config.file_access): exclusive or shared (the default is the
    /// file's, else exclusive).
    #[arg(long, value_name = "exclusive|shared", value_parser = file_access)]
    pub file_access: Option<FileAccess>,
    /// What to print: the mount tree, the whole report as JSON,
    /// /proc/mounts (in the engine's format), /proc/self/mountinfo, or the
    /// engine's decisions.
    #[arg(long, value_enum, default_value_t = Format::Tree)]
    pub format: Format,
    /// Which engine builds the mounts (overrides the file's
    /// config.engine): runsc-2018 (the default), runsc (today's) or runc.
    #[arg(long, value_name = "NAME", value_parser = engine)]
    pub engine: Option<Engine>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// An OCI config.json, or a scenario file (- reads standard input);
    /// its steps are not run.
    #[arg(value_name = "CONFIG.json")]
    pub file: String,
    /// The engines to compare, in column order (default: all three).
    #[arg(long, value_name = "NAME,NAME,...", value_delimiter = ',', value_parser = engine)]
    pub engines: Vec<Engine>,
    /// Run runsc 2018 as `runsc --overlay`.
    #[arg(long)]
    pub overlay: bool,
    /// Run today's runsc with `--overlay2=VALUE` (none, root:self,
    /// root:memory, all:memory, ...).
    #[arg(long, value_name = "VALUE")]
    pub overlay2: Option<String>,
    /// Run runc as `runc --rootless`.
    #[arg(long)]
    pub rootless: bool,
    /// text: the differing destinations side by side with their reasons;
    /// json: every destination.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Show the destinations where the engines agree too.
    #[arg(long)]
    pub all: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Tree,
    Json,
    Mounts,
    Mountinfo,
    Decisions,
}

fn file_access(s: &str) -> Result<FileAccess, String> {
    FileAccess::parse(s).map_err(|e| e.to_string())
}

/// The scenario's rule for `config.engine`, on the command line.
fn engine(s: &str) -> Result<Engine, String> {
    Engine::parse(s).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario: a spec, a config and steps (- reads standard input).
    #[arg(value_name = "SCENARIO.json")]
    pub file: String,
    /// Indent the JSON report.
    #[arg(long)]
    pub pretty: bool,
    /// Which engine runs the scenario (overrides its config.engine):
    /// runsc-2018 (the default), runsc (today's) or runc.
    #[arg(long, value_name = "NAME", value_parser = engine)]
    pub engine: Option<Engine>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen: HOST:PORT (port 0 picks one) or unix:PATH.
    #[arg(long, value_name = "HOST:PORT|unix:PATH")]
    pub listen: String,
    /// Copy this host directory into the in-memory tree first (the disk
    /// is never written).
    #[arg(long, value_name = "DIR")]
    pub seed: Option<PathBuf>,
    /// Serve the tree read-only.
    #[arg(long)]
    pub read_only: bool,
    /// Allow a walk from an opened fid (diod's `diodls -l` needs it);
    /// without it such a walk is EBUSY, as in gVisor's fsgofer.
    #[arg(long)]
    pub walk_from_open: bool,
    /// Change one connection limit (repeatable): MAX_CONNECTIONS,
    /// MAX_CONNECTIONS_PER_PEER, SERVE_IDLE_TIMEOUT_MS,
    /// SERVE_ATTACHED_IDLE_TIMEOUT_MS, SERVE_FRAME_TIMEOUT_MS or
    /// SERVE_WRITE_TIMEOUT_MS, to a positive integer (timeouts in ms).
    #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = limit)]
    pub limits: Vec<(String, u64)>,
}

/// `NAME=VALUE`, checked against the names [`ConnLimits::set`] knows.
fn limit(spec: &str) -> Result<(String, u64), String> {
    let bad = || "expected NAME=POSITIVE_INTEGER".to_string();
    let (name, value) = spec.split_once('=').ok_or_else(bad)?;
    let n: u64 = value.parse().map_err(|_| bad())?;
    ConnLimits::default()
        .set(name, n)
        .map_err(|e| e.to_string())?;
    Ok((name.to_string(), n))
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print the figures as JSON (with the growth exponents).
    #[arg(long)]
    pub json: bool,
    /// A quick run with small sizes and few samples (for tests).
    #[arg(long)]
    pub smoke: bool,
    /// Namespace sizes of the build and create figures.
    #[arg(long, value_name = "N,N,...", value_parser = sizes)]
    pub sizes: Option<Sizes>,
    /// Namespace sizes of the lookup and mountinfo figures.
    #[arg(long, value_name = "N,N,...", value_parser = sizes)]
    pub table_sizes: Option<Sizes>,
    /// Namespace sizes of the whole-process figures (`whole_*`: this
    /// binary spawned, spec in, output out).
    #[arg(long, value_name = "N,N,...", value_parser = sizes)]
    pub whole_sizes: Option<Sizes>,
    /// Only the figures whose key starts with one of these.
    #[arg(long, value_name = "KEY,KEY,...", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Samples per figure (the median is reported).
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    /// Instead of the suite: time the phases of one build of N mounts.
    #[arg(long, value_name = "N", group = "instead")]
    pub phases: Option<usize>,
    /// Instead of the suite: print the kernel helper's spec of N mounts
    /// (bench/kernel/).
    #[arg(long, value_name = "N", group = "instead")]
    pub emit_kernel_spec: Option<usize>,
    /// Instead of the suite: print a scenario of N mounts for `run`.
    #[arg(long, value_name = "N", group = "instead")]
    pub emit_scenario: Option<usize>,
}

/// A comma-separated list of sizes; `_` may group digits (`100_000`).
#[derive(Clone, Debug)]
pub struct Sizes(pub Vec<usize>);

fn sizes(v: &str) -> Result<Sizes, String> {
    v.split(',')
        .filter(|x| !x.trim().is_empty())
        .map(|x| {
            x.trim()
                .replace('_', "")
                .parse()
                .map_err(|_| format!("bad size {x:?}"))
        })
        .collect::<Result<_, _>>()
        .map(Sizes)
}
