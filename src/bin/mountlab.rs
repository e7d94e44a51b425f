//! The `mountlab` command line. Thin: parse arguments (clap, in
//! [`args`]), call the library, print. Native only: the wasm build is the
//! library alone (clap is not even a dependency there).

// The grammar beside this file, in `src/bin/mountlab/`.
#[path = "mountlab/args.rs"]
mod args;

use args::{
    BenchArgs, Cli, Command, DiffArgs, DiffFormat, Format, PreviewArgs, RunArgs, ServeArgs,
};
use mountlab::bench::{Options, Task};
use mountlab::engines::{simulate, Engine, Simulation};
use mountlab::p9::net::{ConnLimits, ServeConfig};
use mountlab::scenario::Scenario;
use mountlab::tree::{render_decisions, render_tree};
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: a build is mostly small
/// allocations, and glibc's spent a third of a 40 000-mount `preview`.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match Cli::parse_or_exit().command {
        Command::Preview(a) => preview(&a),
        Command::Run(a) => run(&a),
        Command::Serve9p(a) => serve_9p(a),
        Command::Bench(a) => bench(a),
        Command::Diff(a) => diff(&a),
    }
}

/// Reads a file (or `-`, standard input), at most one byte more than the
/// scenario limit so a huge input is refused without reading all of it.
fn read_input(path: &str) -> Result<String, String> {
    use std::io::Read;
    let cap = mountlab::limits::MAX_SCENARIO_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let r = if path == "-" {
        std::io::stdin()
            .lock()
            .take(cap)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("reading standard input: {e}"))
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(cap).read_to_end(&mut bytes))
            .map_err(|e| format!("{path}: {e}"))
    };
    r?;
    String::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8 text"))
}

/// Writes to standard output; a closed pipe (`mountlab run … | head`) ends
/// the output quietly instead of panicking.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Streams `value` as JSON and a newline to standard output, without the
/// whole text in memory first (a 100 000-mount report is 200 MB pretty).
/// A closed pipe ends the output quietly, as [`emit`] does.
fn emit_json(value: &impl serde::Serialize, pretty: bool) -> Result<(), serde_json::Error> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let r = if pretty {
        serde_json::to_writer_pretty(&mut out, value)
    } else {
        serde_json::to_writer(&mut out, value)
    };
    let r = r.and_then(|()| {
        out.write_all(b"\n")
            .and_then(|()| out.flush())
            .map_err(serde_json::Error::io)
    });
    match r {
        Err(e) if e.is_io() => Ok(()),
        r => r,
    }
}

/// Reads and parses a scenario; `--engine` overrides its `config.engine`.
fn load(path: &str, engine: Option<Engine>) -> Result<Scenario, ExitCode> {
    let text = read_input(path).map_err(|e| {
        eprintln!("mountlab: {e}");
        ExitCode::from(2)
    })?;
    let s = Scenario::from_json_on(&text, engine).map_err(|e| {
        eprintln!("mountlab: {path}: {e}");
        ExitCode::from(2)
    })?;
    for note in &s.ignored_config {
        eprintln!("mountlab: note: {note}");
    }
    Ok(s)
}

fn build(s: &Scenario) -> Result<Box<dyn Simulation>, ExitCode> {
    simulate(s).map_err(|e| {
        eprintln!("mountlab: {e}");
        ExitCode::from(2)
    })
}

fn preview(args: &PreviewArgs) -> ExitCode {
    let mut s = match load(&args.file, args.engine) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if s.engine != Engine::Runsc2018 && (args.overlay || args.file_access.is_some()) {
        eprintln!(
            "mountlab: --overlay and --file-access are runsc-2018's flags; engine {} takes its flags from the scenario's config",
            s.engine
        );
        return ExitCode::from(2);
    }
    if args.overlay {
        s.config.overlay = true;
    }
    if let Some(fa) = args.file_access {
        s.config.file_access = fa;
    }
    if let Err(e) = s.config.validate_cli() {
        eprintln!("mountlab: {e}");
        return ExitCode::from(2);
    }
    s.steps.clear();
    let sb = match build(&s) {
        Ok(sb) => sb,
        Err(code) => return code,
    };
    // Only the JSON format needs the whole report (the host trees above
    // all); the others print one part of it, computed alone.
    let text = |lines: Vec<String>| {
        let mut t = lines.join("\n");
        if !t.is_empty() {
            t.push('\n');
        }
        t
    };
    match args.format {
        Format::Json => {
            let report = sb.report();
            // A serialisation error cannot happen for a report (string
            // keys only); the output was empty before, as it is now.
            let _ = emit_json(&report, true);
            std::mem::forget(report);
        }
        Format::Mounts => emit(&text(sb.proc_mounts())),
        Format::Mountinfo => emit(&text(sb.mountinfo())),
        Format::Decisions => emit(&render_decisions(sb.decisions())),
        Format::Tree => {
            if let Some(t) = sb.tree() {
                emit(&render_tree(&t));
            }
        }
    }
    if args.format != Format::Json {
        warn_all(sb.warnings());
    }
    let code = match sb.setup_error() {
        Some(e) => {
            let kind = if e.is_fatal() {
                sb.engine().panic_label()
            } else {
                "error"
            };
            eprintln!("{kind}: {e}");
            ExitCode::from(1)
        }
        None => ExitCode::SUCCESS,
    };
    // The process ends here: freeing a namespace of 100 000 mounts piece by
    // piece costs more than building parts of it, and the OS takes it back
    // whole.
    std::mem::forget(sb);
    code
}

/// The warnings on standard error in one write, not one per line (a spec
/// of 100 000 mounts has a quarter million of them).
fn warn_all(warnings: &[String]) {
    use std::io::Write;
    let mut text = String::with_capacity(warnings.iter().map(|w| w.len() + 10).sum());
    for w in warnings {
        text.push_str("warning: ");
        text.push_str(w);
        text.push('\n');
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn run(args: &RunArgs) -> ExitCode {
    let s = match load(&args.file, args.engine) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut sb = match build(&s) {
        Ok(sb) => sb,
        Err(code) => return code,
    };
    let report = sb.take_report();
    if let Err(e) = emit_json(&report, args.pretty) {
        eprintln!("mountlab: {e}");
        return ExitCode::from(2);
    }
    let code = if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    // As in preview: the OS frees it all at exit.
    std::mem::forget((sb, report));
    code
}

/// `mountlab diff`: exit 0 when the engines agree, 1 when they differ,
/// 2 for bad input (as diff(1)).
fn diff(args: &DiffArgs) -> ExitCode {
    use mountlab::compare::{compare_engines, text::render, CompareFlags};
    let text = match read_input(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("mountlab: {e}");
            return ExitCode::from(2);
        }
    };
    let flags = CompareFlags {
        engines: (!args.engines.is_empty())
            .then(|| args.engines.iter().map(|e| e.name().to_string()).collect()),
        overlay: args.overlay.then_some(true),
        overlay2: args.overlay2.clone(),
        rootless: args.rootless.then_some(true),
        file_access: None,
    };
    let (d, runs) = match compare_engines(&text, &flags) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("mountlab: {}: {e}", args.file);
            return ExitCode::from(2);
        }
    };
    for r in &runs {
        for note in &r.notes {
            eprintln!("mountlab: note: {}: {note}", r.report.engine);
        }
    }
    match args.format {
        DiffFormat::Text => emit(&render(&d, args.all)),
        DiffFormat::Json => {
            if let Err(e) = emit_json(&d, true) {
                eprintln!("mountlab: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let code = ExitCode::from(u8::from(d.differs()));
    // As in preview: the OS frees it all at exit.
    std::mem::forget((d, runs));
    code
}

fn bench(args: BenchArgs) -> ExitCode {
    let base = if args.smoke {
        Options::smoke()
    } else {
        Options::full()
    };
    let task = if let Some(n) = args.phases {
        Task::Phases(n)
    } else if let Some(n) = args.emit_kernel_spec {
        Task::KernelSpec {
            n,
            lookups: base.lookups,
        }
    } else if let Some(n) = args.emit_scenario {
        Task::Scenario(n)
    } else {
        let d = base.clone();
        Task::Suite {
            options: Options {
                sizes: args.sizes.map_or(d.sizes, |s| s.0),
                table_sizes: args.table_sizes.map_or(d.table_sizes, |s| s.0),
                whole_sizes: args.whole_sizes.map_or(d.whole_sizes, |s| s.0),
                only: args.only,
                samples: args.samples.unwrap_or(d.samples),
                // The whole-process figures spawn this very binary.
                whole_bin: std::env::current_exe().ok(),
                ..base
            },
            json: args.json,
        }
    };
    match mountlab::bench::execute(&task) {
        Ok(out) => {
            emit(&out);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mountlab: {e}");
            ExitCode::from(2)
        }
    }
}

fn serve_9p(args: ServeArgs) -> ExitCode {
    let mut config = ServeConfig {
        listen: args.listen,
        seed: args.seed,
        read_only: args.read_only,
        walk_from_open: args.walk_from_open,
        limits: ConnLimits::default(),
    };
    for (name, value) in &args.limits {
        // The parser checked the name and value already.
        if let Err(e) = config.limits.set(name, *value) {
            eprintln!("mountlab serve-9p: --limit {name}={value}: {e}");
            return ExitCode::from(2);
        }
    }
    purge_freed_memory_at_once();
    match mountlab::p9::net::serve(&config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mountlab serve-9p: {e}");
            ExitCode::from(2)
        }
    }
}

/// A server runs for long: what its clients free must go back to the OS
/// (tests/p9_load.rs checks), not wait for mimalloc's delayed purge (1 s,
/// times 10 for arenas), which is right for the one-shot commands.
fn purge_freed_memory_at_once() {
    extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // `mi_option_purge_delay` in mimalloc.h (v3, as libmimalloc-sys 0.1.49
    // vendors it).
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    // SAFETY: mimalloc's documented option setter, callable at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}
