//! Running one spec through several engines, each with its own flags
//! (`--overlay` is runsc 2018's, `--overlay2` today's runsc's, `rootless`
//! runc's), for `mountlab diff` and the page's `compareEngines`.

use super::{diff, MountDiff, Side};
use crate::engines::{simulate, Engine};
use crate::error::{Error, Result};
use crate::playground::{apply, Overrides, Playground};
use crate::report::{MountNode, Report};
use crate::scenario::{EngineConfig, Scenario};
use serde::Deserialize;

/// The engines to compare and each engine's flags; a flag applies to its
/// own engine only. `None` keeps the scenario's own value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareFlags {
    /// Engine names (`runsc-2018`, `runsc`, `runc`); absent: all three.
    #[serde(default)]
    pub engines: Option<Vec<String>>,
    /// runsc 2018's `--overlay`.
    #[serde(default)]
    pub overlay: Option<bool>,
    /// Today's runsc's `--overlay2` (`none`, `root:memory`, ...).
    #[serde(default)]
    pub overlay2: Option<String>,
    /// runc's `--rootless`.
    #[serde(default)]
    pub rootless: Option<bool>,
    /// `--file-access` of both runscs.
    #[serde(default)]
    pub file_access: Option<String>,
}

impl CompareFlags {
    /// The engines named, in order (all three, as [`Engine::ALL`], when
    /// none are); an unknown name or one named twice is an error.
    pub fn engines(&self) -> Result<Vec<Engine>> {
        let Some(names) = &self.engines else {
            return Ok(Engine::ALL.to_vec());
        };
        let mut out = Vec::with_capacity(names.len());
        for n in names {
            let e = Engine::parse(n.trim())?;
            if out.contains(&e) {
                return Err(Error::msg(format!("engine {e} is named twice")));
            }
            out.push(e);
        }
        if out.is_empty() {
            return Err(Error::msg("no engine to compare"));
        }
        Ok(out)
    }

    /// The page's overrides that run `engine` with its own flags.
    pub fn overrides_for(&self, engine: Engine) -> Overrides {
        Overrides {
            engine: Some(engine.name().to_string()),
            overlay: self.overlay.filter(|_| engine == Engine::Runsc2018),
            overlay2: self.overlay2.clone().filter(|_| engine == Engine::Runsc),
            rootless: self.rootless.filter(|_| engine == Engine::Runc),
            file_access: self.file_access.clone().filter(|_| engine != Engine::Runc),
        }
    }
}

/// One engine's run for a comparison.
pub struct EngineRunOutput {
    pub report: Report,
    pub tree: Option<MountNode>,
    /// The file's config keys set aside on this engine.
    pub notes: Vec<String>,
}

/// Runs the spec (or scenario, its steps left out, as `preview` does) on
/// `engine` with its flags. An error is bad input (the scenario does not
/// parse, a flag's value is refused); a failed setup is in the report.
pub fn run_engine(text: &str, engine: Engine, flags: &CompareFlags) -> Result<EngineRunOutput> {
    run_on(text, engine, flags, Front::Cli)
}

/// Who runs the comparison: the command line (its flag checks, no steps)
/// or the page (as `new Sandbox` runs it: steps too, flag combinations
/// noted in the view rather than refused).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Front {
    Cli,
    Page,
}

fn run_on(
    text: &str,
    engine: Engine,
    flags: &CompareFlags,
    front: Front,
) -> Result<EngineRunOutput> {
    run_scenario_on(
        Scenario::from_json_on(text, Some(engine))?,
        engine,
        flags,
        front,
    )
}

fn run_scenario_on(
    mut s: Scenario,
    engine: Engine,
    flags: &CompareFlags,
    front: Front,
) -> Result<EngineRunOutput> {
    apply(&mut s, &flags.overrides_for(engine))?;
    if front == Front::Cli {
        // The runtimes' command lines refuse these before any mount: runsc
        // 2018's `--overlay` with shared file access (runsc/main.go), today's
        // runsc's flag package a bad `--overlay2` (`Overlay2.Set`). Here they
        // are bad input, not a failed setup with no mounts to compare.
        match &s.options {
            EngineConfig::Runsc2018 => s.config.validate_cli()?,
            EngineConfig::Runsc(c) => {
                c.resolve()?;
            }
            EngineConfig::Runc(_) => {}
        }
        s.steps.clear();
    }
    let mut sim = simulate(&s)?;
    let tree = sim.tree();
    Ok(EngineRunOutput {
        report: sim.take_report(),
        tree,
        notes: s.ignored_config,
    })
}

/// `mountlab diff`: the spec through each engine named, aligned. Errors
/// are prefixed with the engine at fault.
pub fn compare_engines(
    text: &str,
    flags: &CompareFlags,
) -> Result<(MountDiff, Vec<EngineRunOutput>)> {
    let runs = run_all(text, &flags.engines()?, flags)?;
    let sides: Vec<Side> = runs
        .iter()
        .map(|r| Side::of_engine(&r.report, r.tree.as_ref()))
        .collect();
    Ok((diff(&sides), runs))
}

/// One engine's run, its error prefixed with the engine's name.
fn run_named(text: &str, e: Engine, flags: &CompareFlags) -> Result<EngineRunOutput> {
    run_on(text, e, flags, Front::Cli).map_err(|err| err.wrap(e.name()))
}

/// Natively the engines run side by side, a thread each (they share only
/// the text and the flags): on a loaded machine three runnable threads get
/// three shares of it. The stack is the main thread's and more (a spec of
/// deeply nested mounts recurses). A panic (a bug) goes on as the panic
/// it is.
#[cfg(not(target_arch = "wasm32"))]
fn run_all(text: &str, engines: &[Engine], flags: &CompareFlags) -> Result<Vec<EngineRunOutput>> {
    const STACK: usize = 64 << 20;
    std::thread::scope(|s| {
        let handles = engines
            .iter()
            .map(|&e| {
                std::thread::Builder::new()
                    .name(format!("diff-{e}"))
                    .stack_size(STACK)
                    .spawn_scoped(s, move || run_named(text, e, flags))
            })
            .collect::<Vec<_>>();
        handles
            .into_iter()
            .zip(engines)
            .map(|(h, &e)| match h {
                Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                // No thread to be had: run it here.
                Err(_) => run_named(text, e, flags),
            })
            .collect()
    })
}

/// In the browser: one after the other.
#[cfg(target_arch = "wasm32")]
fn run_all(text: &str, engines: &[Engine], flags: &CompareFlags) -> Result<Vec<EngineRunOutput>> {
    engines.iter().map(|&e| run_named(text, e, flags)).collect()
}

/// The page's `compareEngines`: each engine's run as `new Sandbox(text,
/// {engine, …})` makes it (its steps run), and the diff of them. Only the
/// report and the tree are built, the two things the diff and the Compare
/// view read: no `View` (9P connections with their hex frames, plain-word
/// "why"s, lint findings, the scenario re-parsed for the download), which
/// cost a third of the time and were never drawn. The report and tree are
/// the ones that sandbox's view holds (tests/diff.rs checks every preset).
pub fn compare_views(
    text: &str,
    flags: &CompareFlags,
) -> Result<(MountDiff, Vec<EngineRunOutput>)> {
    let engines = flags.engines()?;
    // The text is parsed once for all the engines (a tenth of the time).
    let scenarios =
        Scenario::from_json_on_each(text, &engines).map_err(|err| match engines.first() {
            Some(e) => err.wrap(e.name()),
            None => err,
        })?;
    let runs = engines
        .iter()
        .zip(scenarios)
        .map(|(&e, s)| {
            s.and_then(|s| run_scenario_on(s, e, flags, Front::Page))
                .map_err(|err| err.wrap(e.name()))
        })
        .collect::<Result<Vec<_>>>()?;
    let sides: Vec<Side> = runs
        .iter()
        .map(|r| Side::of_engine(&r.report, r.tree.as_ref()))
        .collect();
    Ok((diff(&sides), runs))
}

/// The page's "mounts that changed": one engine's runs before and after a
/// toggle (flags or spec), as `new Sandbox` builds them, diffed with the
/// sides named `before` and `after`. Only each side's report and tree are
/// made (what the diff reads), not a whole `View`.
pub fn compare_runs(before: (&str, &Overrides), after: (&str, &Overrides)) -> Result<MountDiff> {
    let side = |(text, o): (&str, &Overrides)| -> Result<(Report, Option<MountNode>)> {
        let pg = Playground::build_with(text, o)?;
        let sim = pg.engine().sim();
        Ok((sim.report(), sim.tree()))
    };
    let (b, a) = (side(before)?, side(after)?);
    Ok(super::diff_runs((&b.0, b.1.as_ref()), (&a.0, a.1.as_ref())))
}
