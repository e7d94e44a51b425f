//! The timed half of `mountlab bench` (native only): medians of repeated
//! samples for every workload in [`super::suite`].

use super::gen::{generate, kernel_spec, scenario_json};
use super::suite::{
    boot, stage_host, CreateTarget, Creates, Lookups, Mountinfo, NineP, Readdir, CREATE_BATCH,
};
use serde::Serialize;
use std::fmt::Write;
use std::time::{Duration, Instant};

/// One measured figure.
#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    /// Stable key, e.g. `build`, `build_overlay`, `lookup`, `create_tmpfs`.
    pub key: String,
    /// Namespace size the figure was measured at, when it depends on one.
    pub n: Option<usize>,
    /// Median nanoseconds per operation.
    pub ns_per_op: f64,
    /// Median operations per second.
    pub ops_per_sec: f64,
    /// What one operation is.
    pub op: String,
    pub samples: usize,
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub sizes: Vec<usize>,
    /// Target time of one sample.
    pub sample_time: Duration,
    pub samples: usize,
    /// Paths per lookup category.
    pub lookups: usize,
    /// Namespace sizes for lookups and mountinfo.
    pub table_sizes: Vec<usize>,
    /// Only the figures whose key starts with one of these (all if empty).
    pub only: Vec<String>,
    /// Namespace sizes of the whole-process figures (`whole_*`).
    pub whole_sizes: Vec<usize>,
    /// The `mountlab` binary the whole-process figures spawn; `None` skips
    /// them (a test harness is not `mountlab`).
    pub whole_bin: Option<std::path::PathBuf>,
}

impl Options {
    fn wants(&self, key: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| key.starts_with(o.as_str()))
    }
}

impl Options {
    pub fn full() -> Options {
        Options {
            sizes: vec![10, 100, 1_000, 10_000, 100_000],
            sample_time: Duration::from_millis(300),
            samples: 7,
            lookups: 1000,
            table_sizes: vec![1_000, 10_000],
            only: Vec::new(),
            whole_sizes: WHOLE_SIZES.to_vec(),
            whole_bin: None,
        }
    }

    pub fn smoke() -> Options {
        Options {
            sizes: vec![10, 100],
            sample_time: Duration::from_millis(2),
            samples: 3,
            lookups: 20,
            table_sizes: vec![100],
            only: Vec::new(),
            whole_sizes: vec![100],
            whole_bin: None,
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Runs `step` (which reports how many operations it did and how long the
/// timed part took) until a sample has lasted `target`; `samples` times.
fn measure(
    samples: usize,
    target: Duration,
    mut step: impl FnMut() -> Result<(u64, Duration), String>,
) -> Result<(f64, usize), String> {
    let mut per_op = Vec::with_capacity(samples);
    for _ in 0..samples {
        let (mut ops, mut spent) = (0u64, Duration::ZERO);
        while spent < target || ops == 0 {
            let (n, d) = step()?;
            ops += n;
            spent += d;
        }
        per_op.push(spent.as_nanos() as f64 / ops as f64);
    }
    Ok((median(per_op), samples))
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

fn figure(key: &str, n: Option<usize>, op: &str, (ns, samples): (f64, usize)) -> Figure {
    Figure {
        key: key.into(),
        n,
        ns_per_op: ns,
        ops_per_sec: 1e9 / ns,
        op: op.into(),
        samples,
    }
}

fn e2s(e: crate::Error) -> String {
    e.to_string()
}

/// The sizes of the whole-process figures in a full run.
pub const WHOLE_SIZES: [usize; 5] = [1_000, 5_000, 10_000, 50_000, 100_000];

/// What the whole-process figures run, as a user types it after the
/// scenario file: `run`, `preview` in each of its formats, and `diff`
/// (the three engines, text).
pub const WHOLE_COMMANDS: [(&str, &[&str]); 7] = [
    ("whole_run", &["run"]),
    ("whole_preview_tree", &["preview", "--format", "tree"]),
    ("whole_preview_json", &["preview", "--format", "json"]),
    ("whole_preview_mounts", &["preview", "--format", "mounts"]),
    (
        "whole_preview_mountinfo",
        &["preview", "--format", "mountinfo"],
    ),
    (
        "whole_preview_decisions",
        &["preview", "--format", "decisions"],
    ),
    ("whole_diff", &["diff"]),
];

/// Times the release binary from spawn to exit on the generated spec of
/// each size, as a user waits for it: reading and parsing the scenario,
/// the build, the report and writing it out (to /dev/null, so the
/// terminal's speed is not part of it).
fn whole_process(o: &Options, bin: &std::path::Path, out: &mut Vec<Figure>) -> Result<(), String> {
    use std::process::{Command, Stdio};
    for &n in &o.whole_sizes {
        if !WHOLE_COMMANDS.iter().any(|(k, _)| o.wants(k)) {
            return Ok(());
        }
        let file =
            std::env::temp_dir().join(format!("mountlab-whole-{}-{n}.json", std::process::id()));
        std::fs::write(&file, scenario_json(&generate(n)))
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let samples = if n >= 50_000 {
            o.samples.min(3)
        } else {
            o.samples
        };
        for (key, args) in WHOLE_COMMANDS {
            if !o.wants(key) {
                continue;
            }
            let r = measure(samples, Duration::ZERO, || {
                let mut cmd = Command::new(bin);
                cmd.arg(args[0]).arg(&file).args(&args[1..]);
                cmd.stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null());
                let t = Instant::now();
                let status = cmd
                    .status()
                    .map_err(|e| format!("{}: {e}", bin.display()))?;
                let d = t.elapsed();
                // `diff` exits 1 when the engines differ, as they do on
                // the generated spec (diff(1)'s status, not a failure).
                let done = status.success() || (args[0] == "diff" && status.code() == Some(1));
                if !done {
                    return Err(format!("{key} N={n}: mountlab exited with {status}"));
                }
                Ok((1, d))
            });
            let r = match r {
                Ok(r) => r,
                Err(e) => {
                    let _ = std::fs::remove_file(&file);
                    return Err(e);
                }
            };
            out.push(figure(key, Some(n), "whole process, spawn to exit", r));
        }
        let _ = std::fs::remove_file(&file);
    }
    Ok(())
}

/// Runs the whole suite.
pub fn run_suite(o: &Options) -> Result<Vec<Figure>, String> {
    let mut out = Vec::new();
    if let Some(bin) = &o.whole_bin {
        whole_process(o, bin, &mut out)?;
    }
    for &n in &o.sizes {
        let g = generate(n);
        for overlay in [false, true] {
            let key = if overlay { "build_overlay" } else { "build" };
            if !o.wants(key) {
                continue;
            }
            // Few samples of the big builds: each one is long already.
            let samples = if n >= 100_000 { 3 } else { o.samples };
            let target = if n >= 10_000 {
                Duration::ZERO
            } else {
                o.sample_time
            };
            let r = measure(samples, target, || {
                let host = stage_host(&g).map_err(e2s)?;
                let (sb, d) = timed(|| boot(&g, host, overlay));
                sb.map_err(e2s)?;
                Ok((1, d))
            })?;
            out.push(figure(key, Some(n), "namespace build (whole spec)", r));
        }
    }
    for &n in &o.table_sizes {
        if !o.wants("lookup") {
            continue;
        }
        let mut l = Lookups::new(n, o.lookups).map_err(e2s)?;
        let count = l.paths.len() as u64;
        let r = measure(o.samples, o.sample_time, || {
            let (_, d) = timed(|| l.run());
            Ok((count, d))
        })?;
        out.push(figure("lookup", Some(n), "stat of a path (mixed)", r));
        for (name, range) in l.categories.clone() {
            let count = range.len() as u64;
            let r = measure(o.samples, o.sample_time, || {
                let (_, d) = timed(|| l.run_range(range.clone()));
                Ok((count, d))
            })?;
            let key = format!("lookup_{name}");
            out.push(figure(&key, Some(n), "stat of a path", r));
        }
    }
    for &n in &o.table_sizes {
        if !o.wants("mountinfo") {
            continue;
        }
        let mut m = Mountinfo::new(n).map_err(e2s)?;
        let r = measure(o.samples, o.sample_time, || {
            let (r, d) = timed(|| m.op());
            r.map_err(e2s)?;
            Ok((1, d))
        })?;
        out.push(figure("mountinfo", Some(n), "read /proc/self/mountinfo", r));
    }
    for (key, t) in [
        ("create_tmpfs", CreateTarget::Tmpfs),
        ("create_9p", CreateTarget::NinePBind),
        ("create_overlay", CreateTarget::Overlay),
    ] {
        if !o.wants(key) {
            continue;
        }
        let mut c = Creates::new(t).map_err(e2s)?;
        let batch = if o.samples <= 3 { 10 } else { CREATE_BATCH };
        let r = measure(o.samples, o.sample_time, || {
            let (r, d) = timed(|| -> Result<(), String> {
                for _ in 0..batch {
                    c.op().map_err(e2s)?;
                }
                Ok(())
            });
            r?;
            c.cleanup().map_err(e2s)?;
            Ok((batch as u64, d))
        })?;
        out.push(figure(key, None, "create + write 4 KiB + close", r));
    }
    if o.wants("readdir") {
        let mut rd = Readdir::new().map_err(e2s)?;
        let r = measure(o.samples, o.sample_time, || {
            let (r, d) = timed(|| rd.op());
            r.map_err(e2s)?;
            Ok((1, d))
        })?;
        out.push(figure(
            "readdir_overlay_1000",
            None,
            "readdir of 1000 merged entries",
            r,
        ));
    }
    for (key, log) in [
        ("p9_walk_getattr_clunk", true),
        ("p9_walk_getattr_clunk_nolog", false),
    ] {
        if !o.wants(key) {
            continue;
        }
        let mut p = NineP::new(log).map_err(e2s)?;
        let r = measure(o.samples, o.sample_time, || {
            let (r, d) = timed(|| -> Result<(), String> {
                for _ in 0..100 {
                    p.op().map_err(e2s)?;
                }
                Ok(())
            });
            r?;
            Ok((100, d))
        })?;
        out.push(figure(
            key,
            None,
            "Twalk + Tgetattr + Tclunk (3 round trips)",
            r,
        ));
    }
    Ok(out)
}

/// The growth exponent of build time between two sizes, when both ran.
pub fn exponent(figs: &[Figure], key: &str, a: usize, b: usize) -> Option<f64> {
    let t = |n| {
        figs.iter()
            .find(|f| f.key == key && f.n == Some(n))
            .map(|f| f.ns_per_op)
    };
    Some((t(b)? / t(a)?).ln() / (b as f64 / a as f64).ln())
}

/// The growth exponent of each whole-process figure between consecutive
/// sizes and from 10 000 to 100 000 (N log N there would be 1.097).
#[derive(Clone, Debug, Serialize)]
pub struct Growth {
    pub key: String,
    pub from: usize,
    pub to: usize,
    pub exponent: f64,
}

pub fn whole_growth(figs: &[Figure]) -> Vec<Growth> {
    let mut out = Vec::new();
    for (key, _) in WHOLE_COMMANDS {
        let mut sizes: Vec<usize> = figs
            .iter()
            .filter(|f| f.key == key)
            .filter_map(|f| f.n)
            .collect();
        sizes.sort_unstable();
        let mut pairs: Vec<(usize, usize)> = sizes.windows(2).map(|w| (w[0], w[1])).collect();
        if sizes.contains(&10_000) && sizes.contains(&100_000) {
            pairs.push((10_000, 100_000));
        }
        for (a, b) in pairs {
            if let Some(e) = exponent(figs, key, a, b) {
                out.push(Growth {
                    key: key.to_string(),
                    from: a,
                    to: b,
                    exponent: e,
                });
            }
        }
    }
    out
}

fn render(figs: &[Figure]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<30} {:>8} {:>14} {:>16} {:>14}",
        "figure", "N", "median", "per second", "per mount"
    );
    for f in figs {
        let n = f.n.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        let per_mount = match (f.key.starts_with("build"), f.n) {
            (true, Some(n)) => format!("{:.2} µs", f.ns_per_op / 1e3 / n as f64),
            _ => "-".into(),
        };
        let _ = writeln!(
            s,
            "{:<30} {:>8} {:>14} {:>16.0} {:>14}",
            f.key,
            n,
            human(f.ns_per_op),
            f.ops_per_sec,
            per_mount
        );
    }
    for key in ["build", "build_overlay"] {
        if let Some(e) = exponent(figs, key, 10_000, 100_000) {
            let _ = writeln!(s, "{key}: growth exponent N=10 000 -> 100 000: {e:.3}");
        }
    }
    for g in whole_growth(figs) {
        let _ = writeln!(
            s,
            "{}: growth exponent N={} -> {}: {:.3}",
            g.key, g.from, g.to, g.exponent
        );
    }
    s
}

fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.3} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    figures: &'a [Figure],
    build_exponent: Option<f64>,
    build_overlay_exponent: Option<f64>,
    whole_growth: Vec<Growth>,
}

/// What `mountlab bench` was asked to do; the binary fills it from its
/// command line (the library parses no arguments).
#[derive(Clone, Debug)]
pub enum Task {
    /// Run the suite; print a table, or JSON.
    Suite { options: Options, json: bool },
    /// Time the phases of one build of N mounts.
    Phases(usize),
    /// The kernel helper's spec of N mounts, with `lookups` paths per
    /// lookup category.
    KernelSpec { n: usize, lookups: usize },
    /// A scenario of N mounts for `mountlab run`.
    Scenario(usize),
}

/// Runs `task` and returns what to print.
pub fn execute(task: &Task) -> Result<String, String> {
    let (o, json) = match task {
        Task::Suite { options, json } => (options, *json),
        Task::Phases(n) => return phases(*n),
        Task::KernelSpec { n, lookups } => return Ok(kernel_spec(&generate(*n), *lookups)),
        Task::Scenario(n) => return Ok(scenario_json(&generate(*n))),
    };
    let figs = run_suite(o)?;
    if json {
        let r = JsonReport {
            figures: &figs,
            build_exponent: exponent(&figs, "build", 10_000, 100_000),
            build_overlay_exponent: exponent(&figs, "build_overlay", 10_000, 100_000),
            whole_growth: whole_growth(&figs),
        };
        serde_json::to_string_pretty(&r)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    } else {
        Ok(render(&figs))
    }
}

/// Times the phases of one build (for profiling): the gofer setup, the
/// namespace, and the restore environment, as `Loader::new` runs them.
fn phases(n: usize) -> Result<String, String> {
    use crate::engines::runsc2018::boot::{
        create_mount_namespace, create_restore_environment, FdDispenser, Recorder,
    };
    use crate::engines::runsc2018::container_fs::setup_gofer;
    let g = generate(n);
    let mut s = String::new();
    for overlay in [false, true] {
        let conf = super::suite::config(overlay);
        let (setup, d1) = timed(|| setup_gofer(&g.spec, Some(&g.host), None, 3));
        let setup = setup.map_err(e2s)?;
        let mut vfs = crate::vfs::Vfs::new();
        vfs.add_gofer(setup.gofer);
        let mut rec = Recorder::default();
        let mut fds = FdDispenser::new(&setup.fds);
        let (r, d2) =
            timed(|| create_mount_namespace(&mut vfs, &setup.spec, &conf, &mut fds, &mut rec));
        r.map_err(e2s)?;
        let mut rec2 = Recorder::default();
        let mut fds2 = FdDispenser::new(&setup.fds);
        let (r, d3) =
            timed(|| create_restore_environment(&setup.spec, &conf, &mut fds2, &mut rec2));
        r.map_err(e2s)?;
        let (_, d4) = timed(|| drop(vfs));
        let _ = writeln!(
            s,
            "overlay={overlay} n={n}: setup_gofer {d1:?}, create_mount_namespace {d2:?}, restore {d3:?}, drop {d4:?}"
        );
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn smoke_run_reports_every_figure() {
        // The test harness is not `mountlab`: no whole-process figures here
        // (tests/bench_whole.rs spawns the real binary).
        let out = super::execute(&super::Task::Suite {
            options: super::Options::smoke(),
            json: true,
        })
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let figs = v["figures"].as_array().unwrap();
        for key in [
            "build",
            "build_overlay",
            "lookup",
            "mountinfo",
            "create_tmpfs",
            "create_9p",
            "create_overlay",
            "readdir_overlay_1000",
            "p9_walk_getattr_clunk",
        ] {
            assert!(figs.iter().any(|f| f["key"] == key), "{key}");
        }
    }
}
