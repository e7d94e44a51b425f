//! `mountlab diff` against the real binary: its text and JSON on the
//! `runc spec` default are the library's (pinned in tests/diff/), its exit
//! status is diff(1)'s (0 agree, 1 differ, 2 bad input), and the 62
//! real-world specs never make it exit 2 when every engine parses them,
//! nor panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/specs/realworld");
const PINNED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/diff");

fn mountlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .args(args)
        .output()
        .expect("mountlab runs")
}

fn spec(name: &str) -> String {
    Path::new(SPECS).join(name).to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = mountlab(args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn pinned(name: &str) -> String {
    let p = Path::new(PINNED).join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn runc_spec_text_json_and_all_are_the_pinned_ones() {
    let f = spec("41-runc-spec.json");
    let (code, out, err) = run(&["diff", &f]);
    assert_eq!((code, err.as_str()), (Some(1), ""));
    assert_eq!(out, pinned("41-runc-spec.txt"));
    let (code, out, _) = run(&["diff", &f, "--all"]);
    assert_eq!(code, Some(1));
    assert_eq!(out, pinned("41-runc-spec.all.txt"));
    let (code, out, _) = run(&["diff", &f, "--format", "json"]);
    assert_eq!(code, Some(1));
    assert_eq!(out, pinned("41-runc-spec.json"));
}

/// The folded text shows only differing rows, each with its reason; the
/// count says how many agreeing rows were folded, and `--all` shows them.
#[test]
fn agreeing_rows_fold_unless_all() {
    let f = spec("41-runc-spec.json");
    let (_, folded, _) = run(&["diff", &f]);
    assert!(!folded.lines().any(|l| l.starts_with("/proc ")), "{folded}");
    assert!(folded.ends_with("29 destinations: 28 differ, 1 agree (folded; --all shows them)\n"));
    let rows = folded.lines().filter(|l| l.starts_with('/')).count();
    let whys = folded.lines().filter(|l| l.starts_with("  why: ")).count();
    assert_eq!((rows, whys), (28, 28));
    let (_, all, _) = run(&["diff", &f, "--all"]);
    let proc = all
        .lines()
        .find(|l| l.starts_with("/proc "))
        .expect("/proc row");
    assert_eq!(
        proc.split_whitespace().collect::<Vec<_>>(),
        [
            "/proc", "mounted", "proc", "rw", "#4", "mounted", "proc", "rw", "#3", "mounted",
            "proc", "rw", "#1"
        ]
    );
    assert!(all.ends_with("29 destinations: 28 differ, 1 agree\n"));
}

#[test]
fn exit_0_when_the_engines_agree() {
    let f = spec("41-runc-spec.json");
    for e in ["runsc-2018", "runsc", "runc"] {
        let (code, out, err) = run(&["diff", &f, "--engines", e]);
        assert_eq!(code, Some(0), "{e}: {err}");
        // Nothing differs, so only the header and the count are printed.
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{e}: {out}");
        assert_eq!(
            lines
                .first()
                .map(|l| l.split_whitespace().collect::<Vec<_>>()),
            Some(vec!["DESTINATION", e])
        );
        let count = lines.get(1).copied().unwrap_or_default();
        assert!(
            count.contains(" destinations: 0 differ, ")
                && count.ends_with(" agree (folded; --all shows them)"),
            "{e}: {count}"
        );
    }
}

#[test]
fn engines_subset_sets_the_columns_in_order() {
    let f = spec("41-runc-spec.json");
    let (code, out, _) = run(&["diff", &f, "--engines", "runc,runsc", "--format", "json"]);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["engines"], serde_json::json!(["runc", "runsc"]));
    let rows = v["rows"].as_array().expect("rows");
    for r in rows {
        let names: Vec<&String> = r["engines"].as_object().expect("cells").keys().collect();
        assert_eq!(names, ["runc", "runsc"]);
    }
    // The same spec between runc and runsc: /dev/shm differs in nodev only.
    let shm = rows
        .iter()
        .find(|r| r["destination"] == "/dev/shm")
        .expect("/dev/shm");
    assert_eq!(
        shm["reason"],
        "runc sets `MS_NODEV` (`parseMountOptions`: mount(8)'s option table); runsc ignores `nodev` (`ParseMountOptions`: only ro, noatime, noexec, nosuid)"
    );
}

#[test]
fn exit_2_on_bad_input() {
    let f = spec("41-runc-spec.json");
    let dir = std::env::temp_dir().join(format!("mountlab-cli-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let bad_json = dir.join("bad.json");
    std::fs::write(&bad_json, "{\"ociVersion\": ").expect("write");
    let bad_json = bad_json.to_string_lossy().into_owned();
    let missing = dir.join("missing.json").to_string_lossy().into_owned();
    for (args, stderr_has) in [
        (
            vec!["diff", f.as_str(), "--engines", "runsc-2019"],
            "engine \"runsc-2019\" is not available (known: runsc-2018, runsc, runc)",
        ),
        (
            vec!["diff", f.as_str(), "--engines", "runc,runc"],
            "engine runc is named twice",
        ),
        (
            vec!["diff", f.as_str(), "--format", "yaml"],
            "invalid value 'yaml'",
        ),
        // runsc's flag package refuses it before any mount (`Overlay2.Set`).
        (
            vec![
                "diff",
                f.as_str(),
                "--engines",
                "runsc",
                "--overlay2",
                "bogus",
            ],
            "runsc: invalid value \"bogus\" for flag -overlay2: ",
        ),
        (
            vec!["diff", bad_json.as_str()],
            "runsc-2018: invalid JSON: the text ends before the JSON is complete (a missing } or ]?) (parser: EOF while parsing a value at line 1 column 15)",
        ),
        (vec!["diff", missing.as_str()], "No such file or directory"),
        (vec!["diff"], "CONFIG.json"),
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
        assert!(err.contains(stderr_has), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every real-world spec: exit 0 or 1 (2 only where an engine refuses the
/// spec as input, and then `preview` on that engine refuses it too), never
/// a panic; the JSON has a row per destination, each with every engine.
#[test]
fn realworld_specs_exit_0_or_1_never_2_when_all_engines_parse() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(SPECS)
        .expect("specs folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 62);
    let mut refused = Vec::new();
    for p in &names {
        let f = p.to_string_lossy();
        let (code, out, err) = run(&["diff", &f, "--format", "json"]);
        assert!(!err.contains("panicked"), "{f}: {err}");
        match code {
            Some(0 | 1) => {
                let v: serde_json::Value = serde_json::from_str(&out).expect("json");
                let differs = v["rows"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|r| r["differs"] == true));
                assert_eq!(code == Some(1), differs, "{f}");
            }
            Some(2) => {
                let parse_all = ["runsc-2018", "runsc", "runc"]
                    .iter()
                    .all(|e| run(&["preview", &f, "--engine", e]).0 != Some(2));
                assert!(
                    !parse_all,
                    "{f}: exit 2 though every engine parses it: {err}"
                );
                refused.push(
                    p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                );
            }
            c => panic!("{f}: exit {c:?}: {err}"),
        }
    }
    // The four runsc 2018 cannot unmarshal (tests/realworld.rs), and no other.
    assert_eq!(
        refused,
        [
            "14-kata-oci-test-literal.json",
            "21-bwrap-oci-devtmpfs.json",
            "32-libocispec-nocwd.json",
            "34-catchy-failing-hook.json"
        ]
    );
}
