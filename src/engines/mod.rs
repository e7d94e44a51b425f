//! The engines beside the 2018 port (`crate::engines::runsc2018::boot`): today's runsc
//! (`runsc/boot/vfs.go`, gVisor 3c5eee17) and runc (opencontainers/runc
//! 76d9cf5d, with the kernel under it).
//!
//! Each engine is a module of its own; what they share (Go string
//! formatting, `path.Clean`, Go's `sort.Slice`) lives in the leaf modules
//! `gostr` and `gosort`. So far these hold the rules that depend only on the
//! spec and the engine's flags (option tables, validation, flag parsing), each
//! ported with the runtime's exact strings and its own unit tests; the
//! mount-namespace builders come with the engines' issues.

pub mod runc;
pub mod runsc;
pub mod runsc2018;
pub mod steps;

use crate::error::{Error, Result};
use crate::gostr::quote;
use serde::Serialize;

/// The engines a scenario may name in `config.engine`. Adding one adds a
/// variant here, its name in [`Engine::ALL`] and an arm in
/// [`run_scenario`]; nothing inside another engine changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Engine {
    /// gVisor 82719be4's `runsc` (`runsc/boot/fs.go`), the port this crate
    /// began with.
    #[default]
    #[serde(rename = "runsc-2018")]
    Runsc2018,
    /// Today's runsc (gVisor 3c5eee17, `runsc/boot/vfs.go`).
    #[serde(rename = "runsc")]
    Runsc,
    /// runc 76d9cf5d and the Linux kernel under it.
    #[serde(rename = "runc")]
    Runc,
}

impl Engine {
    /// Every engine that can run a scenario today, by name.
    pub const ALL: &'static [Engine] = &[Engine::Runsc2018, Engine::Runsc, Engine::Runc];

    /// The name scenarios, the CLI's `--engine` and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Runsc2018 => "runsc-2018",
            Engine::Runsc => "runsc",
            Engine::Runc => "runc",
        }
    }

    /// What a fatal error (where the runtime itself would panic) is shown
    /// under, by the CLI and the page alike.
    pub fn panic_label(self) -> &'static str {
        match self {
            Engine::Runsc2018 | Engine::Runsc => "runsc would panic here",
            Engine::Runc => "runc would panic here",
        }
    }

    /// The scenario `config` keys this engine takes (besides `engine`);
    /// each engine's module owns its list.
    pub fn config_keys(self) -> &'static [&'static str] {
        match self {
            Engine::Runsc2018 => crate::scenario::CONFIG_KEYS_2018,
            Engine::Runsc => runsc::scenario::CONFIG_KEYS,
            Engine::Runc => runc::scenario::CONFIG_KEYS,
        }
    }

    /// The engine called `name`.
    pub fn parse(name: &str) -> Result<Engine> {
        Engine::ALL
            .iter()
            .copied()
            .find(|e| e.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Engine::ALL.iter().map(|e| e.name()).collect();
                Error::msg(format!(
                    "engine {} is not available (known: {})",
                    quote(name),
                    known.join(", ")
                ))
            })
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a front asks of a scenario run, whichever engine ran it. Each
/// engine implements it for its own sandbox type.
pub trait Simulation {
    /// The engine that ran.
    fn engine(&self) -> Engine;
    /// The full report (a copy: the run lives on).
    fn report(&self) -> crate::report::Report;
    /// The full report, moving out what can be moved (the run is done
    /// with); a copy unless the engine moves anything out.
    fn take_report(&mut self) -> crate::report::Report {
        self.report()
    }
    /// The layered mount tree, or `None` when the root is not set up.
    fn tree(&self) -> Option<crate::report::MountNode>;
    /// The decision log.
    fn decisions(&self) -> &[crate::report::Decision];
    /// The warnings the runtime would log, in order.
    fn warnings(&self) -> &[String];
    /// The root container's mount table at the global root.
    fn mount_table(&self) -> Vec<crate::vfs::MountInfo>;
    /// The root container's `/proc/mounts`, in the engine's format.
    fn proc_mounts(&self) -> Vec<String>;
    /// The root container's `/proc/self/mountinfo`.
    fn mountinfo(&self) -> Vec<String>;
    /// The root container's setup error, if setup failed.
    fn setup_error(&self) -> Option<&Error>;
    /// Runs one more step and records it (the playground's terminal and
    /// buttons); returns a copy of its report.
    fn run_step(&mut self, step: &crate::scenario::Step) -> crate::report::StepReport;
}

/// The one dispatch point: runs a scenario on the engine it names
/// (`config.engine`, or the CLI's `--engine`).
pub fn simulate(s: &crate::scenario::Scenario) -> Result<Box<dyn Simulation>> {
    match s.engine {
        Engine::Runsc2018 => {
            if s.sources.is_empty() {
                return Ok(Box::new(runsc2018::loader::Loader::from_scenario(s)?));
            }
            let s = steps::sources_as_attach_points(s);
            Ok(Box::new(runsc2018::loader::Loader::from_scenario(&s)?))
        }
        Engine::Runsc => Ok(Box::new(runsc::simulation::RunscSimulation::from_scenario(
            s,
        ))),
        Engine::Runc => Ok(Box::new(runc::simulation::RuncSimulation::from_scenario(s))),
    }
}

/// A scenario's report, from the engine it names.
pub fn run_scenario(s: &crate::scenario::Scenario) -> Result<crate::report::Report> {
    simulate(s).map(|mut r| r.take_report())
}
