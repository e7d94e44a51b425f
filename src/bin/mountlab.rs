//! The `mountlab` command line. Thin: parse arguments, call the library, print.

use std::process::ExitCode;

const USAGE: &str = "usage: mountlab <command> [args]

commands:
  serve-9p --listen HOST:PORT|unix:PATH [--seed DIR] [--read-only]
                 serve an in-memory 9P2000.L tree (the gofer) to real clients
  help           print this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match cmd.as_str() {
        "serve-9p" => serve_9p(&args[1..]),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("mountlab: unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn serve_9p(args: &[String]) -> ExitCode {
    match mountlab::p9::net::serve_main(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mountlab serve-9p: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn serve_9p(_args: &[String]) -> ExitCode {
    eprintln!("mountlab serve-9p: not available in this build");
    ExitCode::from(2)
}
