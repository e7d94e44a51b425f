//! The `mountlab` command line. Thin: parse arguments, call the library, print.

use mountlab::boot::FileAccess;
use mountlab::sandbox::Sandbox;
use mountlab::scenario::Scenario;
use mountlab::tree::{mount_tree, render_decisions, render_tree};
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: a build is mostly small
/// allocations, and glibc's spent a third of a 40 000-mount `preview`.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: mountlab <command> [args]

commands:
  preview CONFIG.json [--overlay] [--file-access exclusive|shared]
          [--format tree|json|mounts|mountinfo|decisions]
                 what runsc (2018) would mount for an OCI spec or a scenario
  run SCENARIO.json [--pretty]
                 run a scenario and print the report as JSON
                 (exit 0: ok, 1: setup or a step failed, 2: bad input)
  bench [--json]  run the benchmark suite (native figures)
  serve-9p --listen HOST:PORT|unix:PATH [--seed DIR] [--read-only]
                 serve an in-memory 9P2000.L tree (the gofer) to real clients
  help           print this text

a file argument of - reads standard input";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = args.get(1..).unwrap_or(&[]);
    match cmd.as_str() {
        "preview" => preview(rest),
        "run" => run(rest),
        "serve-9p" => serve_9p(rest),
        "bench" => match mountlab::bench::cli(rest) {
            Ok(out) => {
                emit(&out);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("mountlab: {e}");
                ExitCode::from(2)
            }
        },
        "help" | "--help" | "-h" => {
            emit(&format!("{USAGE}\n"));
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("mountlab: unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
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

fn load(path: &str) -> Result<Scenario, ExitCode> {
    let text = read_input(path).map_err(|e| {
        eprintln!("mountlab: {e}");
        ExitCode::from(2)
    })?;
    Scenario::from_json(&text).map_err(|e| {
        eprintln!("mountlab: {path}: {e}");
        ExitCode::from(2)
    })
}

fn build(s: &Scenario) -> Result<Sandbox, ExitCode> {
    Sandbox::from_scenario(s).map_err(|e| {
        eprintln!("mountlab: {e}");
        ExitCode::from(2)
    })
}

fn preview(args: &[String]) -> ExitCode {
    let mut file = None;
    let mut overlay = None;
    let mut access = None;
    let mut format = "tree".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--overlay" => overlay = Some(true),
            "--file-access" => match it.next().map(|v| FileAccess::parse(v)) {
                Some(Ok(fa)) => access = Some(fa),
                Some(Err(e)) => return usage_error(&e.to_string()),
                None => return usage_error("--file-access needs a value"),
            },
            "--format" => match it.next() {
                Some(f)
                    if ["tree", "json", "mounts", "mountinfo", "decisions"]
                        .contains(&f.as_str()) =>
                {
                    format = f.clone()
                }
                _ => {
                    return usage_error("--format takes tree, json, mounts, mountinfo or decisions")
                }
            },
            f if file.is_none() && (!f.starts_with('-') || f == "-") => file = Some(f.to_string()),
            other => return usage_error(&format!("unexpected argument {other:?}")),
        }
    }
    let Some(file) = file else {
        return usage_error("preview needs a CONFIG.json");
    };
    let mut s = match load(&file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(o) = overlay {
        s.config.overlay = o;
    }
    if let Some(fa) = access {
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
    let table = || {
        sb.vfs
            .namespace_root()
            .map(|r| sb.vfs.mount_table(r))
            .unwrap_or_default()
    };
    match format.as_str() {
        "json" => {
            let report = sb.report();
            // A serialisation error cannot happen for a report (string
            // keys only); the output was empty before, as it is now.
            let _ = emit_json(&report, true);
            std::mem::forget(report);
        }
        "mounts" => emit(&mountlab::fs::mounts_text(&table())),
        "mountinfo" => emit(&mountlab::fs::mountinfo_text(&table())),
        "decisions" => emit(&render_decisions(&sb.rec.decisions)),
        _ => {
            if let Some(t) = mount_tree(&sb) {
                emit(&render_tree(&t));
            }
        }
    }
    if format != "json" {
        warn_all(&sb.rec.warnings);
    }
    let code = match &sb.setup_error {
        Some(e) => {
            let kind = if e.is_fatal() {
                "runsc would panic here"
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

fn run(args: &[String]) -> ExitCode {
    let mut file = None;
    let mut pretty = false;
    for a in args {
        match a.as_str() {
            "--pretty" => pretty = true,
            f if file.is_none() && (!f.starts_with('-') || f == "-") => file = Some(f.to_string()),
            other => return usage_error(&format!("unexpected argument {other:?}")),
        }
    }
    let Some(file) = file else {
        return usage_error("run needs a SCENARIO.json");
    };
    let s = match load(&file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut sb = match build(&s) {
        Ok(sb) => sb,
        Err(code) => return code,
    };
    let report = sb.take_report();
    if let Err(e) = emit_json(&report, pretty) {
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

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("mountlab: {msg}\n{USAGE}");
    ExitCode::from(2)
}

#[cfg(not(target_arch = "wasm32"))]
fn serve_9p(args: &[String]) -> ExitCode {
    purge_freed_memory_at_once();
    match mountlab::p9::net::serve_main(args) {
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
#[cfg(not(target_arch = "wasm32"))]
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

#[cfg(target_arch = "wasm32")]
fn serve_9p(_args: &[String]) -> ExitCode {
    eprintln!("mountlab serve-9p: not available in this build");
    ExitCode::from(2)
}
