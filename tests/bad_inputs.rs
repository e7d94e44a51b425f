//! The bad-input table: every file under `tests/bad_inputs/` is one bad input
//! with its expected message, asserted exactly.
//!
//! * `scenario/NAME.json` + `NAME.expected`: the input to `mountlab run`.
//!   The first line of `.expected` is the outcome: `parse: <message>` (the
//!   scenario is refused, exit 2), `input: <message>` (refused while setting
//!   up the host, exit 2), `setup: <message>` (the report's error),
//!   `steps[i]: <message>` (the first failing step) or `ok`. Further lines
//!   must each be one of the report's `/proc/mounts` lines (`mount: ...`) or
//!   warnings (`warning: ...`). Where gVisor defines the behaviour (relative
//!   and unclean destinations, `..`, symlinks on the path, NUL bytes) the
//!   outcome is gVisor's (see `gvisor-2018-semantics.md`).
//! * `p9/NAME.txt`: a 9P session script against a small gofer (attach point
//!   0 is `/`, writable; attach point 1 is `/data`, read-only). Lines:
//!   `session N` starts a session on attach point N; `> TYPE TAG FIELDS...`
//!   sends a frame built from typed fields (`u8:`, `u16:`, `u32:`, `u64:`,
//!   `s:` a 9P string, `sx:` a 9P string given in hex, `hex:` raw bytes),
//!   with the size field computed (`size=N` as the first field overrides it);
//!   `> raw HEX` sends raw bytes; `< REPLY` is the expected reply
//!   (`tag=T <summary>`, Rlerror with its errno name), `< closed` says the
//!   server closed the session after its last reply.
//!
//! `MOUNTLAB_BLESS=1` rewrites the scenario `.expected` first lines and the
//! `<` lines from what the engine does now (review the diff!).

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::errno::Errno;
use mountlab::p9::host::HostFs;
use mountlab::p9::messages::decode_frame;
use mountlab::p9::server::{ConnState, Server};
use mountlab::scenario::Scenario;
use std::path::{Path, PathBuf};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bad_inputs")
        .join(sub)
}

fn bless() -> bool {
    std::env::var_os("MOUNTLAB_BLESS").is_some()
}

fn files(sub: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir(sub))
        .expect("table dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// What `mountlab run` makes of a scenario: the outcome line and the other
/// messages (mount lines and warnings) expected lines may name.
pub fn scenario_outcome(text: &str) -> (String, Vec<String>) {
    let s = match Scenario::from_json(text) {
        Ok(s) => s,
        Err(e) => return (format!("parse: {e}"), Vec::new()),
    };
    let sb = match Loader::from_scenario(&s) {
        Ok(sb) => sb,
        Err(e) => return (format!("input: {e}"), Vec::new()),
    };
    let r = sb.report();
    serde_json::to_string(&r).expect("report serializes");
    let mut others: Vec<String> = r
        .proc_mounts
        .iter()
        .map(|l| format!("mount: {l}"))
        .collect();
    others.extend(r.warnings.iter().map(|w| format!("warning: {w}")));
    if let Some(e) = &r.error {
        return (format!("setup: {e}"), others);
    }
    for (i, st) in r.steps.iter().enumerate() {
        if !st.ok {
            return (
                format!("steps[{i}]: {}", st.error.clone().unwrap_or_default()),
                others,
            );
        }
    }
    ("ok".to_string(), others)
}

#[test]
fn scenario_table() {
    let cases = files("scenario", "json");
    assert!(cases.len() >= 30, "table has {} cases", cases.len());
    let mut failures = Vec::new();
    for path in cases {
        let text = std::fs::read_to_string(&path).expect("read case");
        let (outcome, others) = scenario_outcome(&text);
        let exp_path = path.with_extension("expected");
        let expected = std::fs::read_to_string(&exp_path).unwrap_or_default();
        let mut lines = expected.lines();
        let first = lines.next().unwrap_or("");
        if bless() {
            let rest: Vec<&str> = lines.collect();
            let mut out = format!("{outcome}\n");
            for l in rest {
                out.push_str(l);
                out.push('\n');
            }
            std::fs::write(&exp_path, out).expect("bless");
            continue;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if first != outcome {
            failures.push(format!("{name}:\n  want {first}\n  got  {outcome}"));
        }
        for l in lines.filter(|l| !l.is_empty()) {
            if !others.iter().any(|o| o == l) {
                failures.push(format!("{name}: no message {l:?} in {others:#?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The gofer the 9P scripts talk to.
fn script_server() -> Server {
    let mut host = HostFs::new();
    host.insert_file("/etc/hosts", 0o644, b"127.0.0.1 localhost\n")
        .expect("seed");
    host.insert_file("/data/a", 0o644, b"alpha\n")
        .expect("seed");
    host.symlink("/data/link", "../etc/hosts").expect("seed");
    let mut server = Server::new(host);
    server.add_attach_point("/", false);
    server.add_attach_point("/data", true);
    server
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// `TYPE TAG FIELDS...` or `raw HEX` into frame bytes.
fn build_frame(spec: &str) -> Vec<u8> {
    let mut words = spec.split_whitespace();
    let first = words.next().expect("frame spec");
    if first == "raw" {
        return hex(&words.collect::<String>());
    }
    let ty: u8 = first.parse().expect("type");
    let tag: u16 = words.next().expect("tag").parse().expect("tag");
    let mut size_override = None;
    let mut body = Vec::new();
    for w in words {
        let (k, v) = w.split_once([':', '=']).expect("field");
        match k {
            "size" => size_override = Some(v.parse::<u32>().expect("size")),
            "u8" => body.push(v.parse::<u8>().expect("u8")),
            "u16" => body.extend(v.parse::<u16>().expect("u16").to_le_bytes()),
            "u32" => body.extend(v.parse::<u32>().expect("u32").to_le_bytes()),
            "u64" => body.extend(v.parse::<u64>().expect("u64").to_le_bytes()),
            "s" | "sx" => {
                let b = if k == "s" {
                    v.as_bytes().to_vec()
                } else {
                    hex(v)
                };
                body.extend((b.len() as u16).to_le_bytes());
                body.extend(b);
            }
            "hex" => body.extend(hex(v)),
            other => panic!("unknown field kind {other}"),
        }
    }
    let size = size_override.unwrap_or((7 + body.len()) as u32);
    let mut f = size.to_le_bytes().to_vec();
    f.push(ty);
    f.extend(tag.to_le_bytes());
    f.extend(body);
    f
}

fn describe_reply(reply: &[u8]) -> String {
    match decode_frame(reply, u32::MAX) {
        Ok(f) => match f.msg.as_error() {
            Some(code) => format!("tag={} Rlerror {}", f.tag, Errno(code).symbol()),
            None => format!("tag={} {}", f.tag, f.msg.summary()),
        },
        Err(e) => format!("undecodable reply: {e}"),
    }
}

#[test]
fn p9_table() {
    let cases = files("p9", "txt");
    assert!(cases.len() >= 8, "table has {} cases", cases.len());
    let mut failures = Vec::new();
    for path in cases {
        let text = std::fs::read_to_string(&path).expect("read case");
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let mut server = script_server();
        let mut session = ConnState::new(0);
        let mut pending: std::collections::VecDeque<String> = Default::default();
        let mut out = String::new();
        for line in text.lines() {
            if let Some(spec) = line.strip_prefix("> ") {
                if let Some(g) = pending.pop_front() {
                    failures.push(format!("{name}: unexpected reply {g:?}"));
                }
                pending.clear();
                let frame = build_frame(spec);
                pending.push_back(describe_reply(&server.handle(&mut session, &frame)));
                if session.is_closed() {
                    pending.push_back("closed".to_string());
                }
                out.push_str(line);
                out.push('\n');
                for g in &pending {
                    out.push_str(&format!("< {g}\n"));
                }
            } else if let Some(want) = line.strip_prefix("< ") {
                match pending.pop_front() {
                    Some(g) if g == want => {}
                    Some(g) => failures.push(format!("{name}:\n  want {want}\n  got  {g}")),
                    None => failures.push(format!("{name}: no reply for {want:?}")),
                }
            } else {
                if let Some(n) = line.strip_prefix("session ") {
                    server.close_session(&mut session);
                    session = ConnState::new(n.trim().parse().expect("attach index"));
                }
                out.push_str(line);
                out.push('\n');
            }
        }
        if let Some(g) = pending.pop_front() {
            failures.push(format!("{name}: unexpected reply {g:?}"));
        }
        if bless() {
            std::fs::write(&path, out).expect("bless");
        }
    }
    assert!(bless() || failures.is_empty(), "{}", failures.join("\n"));
}
