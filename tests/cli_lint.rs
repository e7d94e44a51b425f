//! `mountlab lint` against the real binary: exact text and JSON output for
//! the five findings runsc 2018 makes of tests/fixtures/lint/five.json
//! (each checked against fs.go at 82719be4: IsSupportedDevMount fs.go:140,
//! getMountNameAndOptions 254-289, parseAndFilterOptions 371-393,
//! mountFlags 464-479, FindInode 342), the other engines' findings, and
//! the exit codes (0 none, 1 findings, 2 bad input).

use std::process::{Command, Output};

fn lint(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .arg("lint")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mountlab runs");
    if let Some(mut i) = child.stdin.take() {
        i.write_all(stdin.unwrap_or("").as_bytes()).expect("stdin");
    }
    child.wait_with_output().expect("mountlab ends")
}

fn out(o: &Output) -> (Option<i32>, String, String) {
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const FIVE: &str = "tests/fixtures/lint/five.json";

#[test]
fn five_findings_as_text_exit_1() {
    let (code, stdout, stderr) = out(&lint(&[FIVE], None));
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "");
    assert_eq!(
        stdout,
        "\
tests/fixtures/lint/five.json:7:7: spec.mounts[0] (/mnt/nfs): ignored-type (changes behaviour): ignoring unknown filesystem type \"nfs\" [getMountNameAndOptions]
tests/fixtures/lint/five.json:8:7: spec.mounts[1] (/dev/shm): dropped-dev-mount (harmless): ignoring dev mount at \"/dev/shm\" [compileMounts]
tests/fixtures/lint/five.json:9:7: spec.mounts[2] (/sys2): converted-type (changes behaviour): type \"none\" is mounted as sysfs (a 2018 quirk) [getMountNameAndOptions]
tests/fixtures/lint/five.json:10:7: spec.mounts[3] (data): relative-destination (harmless): destination \"data\" is relative: FindInode walks it from the root, so it is mounted at /data (today's runsc refuses it) [mountSubmount]
tests/fixtures/lint/five.json:11:7: spec.mounts[4] (/scratch): filtered-option (changes behaviour): ignoring unsupported key \"size\" [parseAndFilterOptions]
tests/fixtures/lint/five.json:11:7: spec.mounts[4] (/scratch): filtered-option (harmless): ignoring unknown mount option \"mode=0755\" [mountFlags]
tests/fixtures/lint/five.json:11:7: spec.mounts[4] (/scratch): filtered-option (harmless): ignoring unknown mount option \"size=64m\" [mountFlags]
tests/fixtures/lint/five.json: 7 findings on engine runsc-2018 (3 change behaviour, 4 harmless)
"
    );
}

#[test]
fn findings_as_json() {
    let (code, stdout, _) = out(&lint(&[FIVE, "--format", "json"], None));
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["engine"], "runsc-2018");
    assert_eq!(v["setup_error"], serde_json::Value::Null);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(7));
    assert_eq!(
        v["findings"][0],
        serde_json::json!({
            "index": 0,
            "at": "spec.mounts[0]",
            "destination": "/mnt/nfs",
            "rule": "ignored-type",
            "kind": "ignored_type",
            "effect": "changes_behaviour",
            "function": "getMountNameAndOptions",
            "reason": "ignoring unknown filesystem type \"nfs\"",
            "line": 7,
            "column": 7
        })
    );
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(
        rules,
        [
            "ignored-type",
            "dropped-dev-mount",
            "converted-type",
            "relative-destination",
            "filtered-option",
            "filtered-option",
            "filtered-option"
        ]
    );
}

/// tmpfs's `ro` is dropped from its data but read by mountFlags: harmless;
/// `nosuid` is lost both ways (2018's VFS has no nosuid).
/// A bare spec is placed by its own lines; standard input is `-`.
#[test]
fn a_bare_spec_from_stdin() {
    let spec = "{\"ociVersion\": \"1.0.0\",\n \"mounts\": [\n  {\"destination\": \"/run\", \"type\": \"tmpfs\", \"options\": [\"ro\", \"nosuid\"]}]}";
    let (code, stdout, _) = out(&lint(&["-"], Some(spec)));
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        "\
-:3:3: spec.mounts[0] (/run): filtered-option (harmless): ignoring unsupported key [\"ro\"] [parseAndFilterOptions]
-:3:3: spec.mounts[0] (/run): filtered-option (changes behaviour): ignoring unsupported key [\"nosuid\"] [parseAndFilterOptions]
-:3:3: spec.mounts[0] (/run): filtered-option (changes behaviour): ignoring unknown mount option \"nosuid\" [mountFlags]
-: 3 findings on engine runsc-2018 (2 change behaviour, 1 harmless)
"
    );
}

#[test]
fn no_findings_exit_0() {
    let spec = r#"{"ociVersion":"1.0.0","mounts":[{"destination":"/proc","type":"proc","source":"proc"}]}"#;
    let (code, stdout, stderr) = out(&lint(&["-"], Some(spec)));
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert_eq!(stdout, "-: no findings on engine runsc-2018\n");
}

/// Today's runsc refuses a relative destination at setup (exit 1, the
/// setup error said); runc warns and goes on.
#[test]
fn other_engines_findings() {
    let (code, stdout, _) = out(&lint(&[FIVE, "--engine", "runc"], None));
    assert_eq!(code, Some(1));
    assert!(stdout.starts_with(
        "tests/fixtures/lint/five.json:10:7: spec.mounts[3] (data): relative-destination (harmless): mount destination data is not absolute. Support for non-absolute mount destinations will be removed in a future release. [createLibcontainerMount]\n"
    ), "{stdout}");
    let (code, stdout, _) = out(&lint(&[FIVE, "--engine", "runsc"], None));
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        "\
tests/fixtures/lint/five.json: no findings on engine runsc
tests/fixtures/lint/five.json: setup stopped: Mount.Destination must be an absolute path: &{data tmpfs tmpfs [] [] []} (mounts after it were not checked)
"
    );
}

/// Today's runsc: vfs.go's getMountNameAndOptions skips an unknown type
/// with a warning and mounts `none` as sysfs (`case Nonefs`) silently.
#[test]
fn todays_runsc_ignores_nfs_and_converts_none() {
    let spec = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"/\"}, \"mounts\": [\n {\"destination\": \"/mnt/nfs\", \"type\": \"nfs\"},\n {\"destination\": \"/sys2\", \"type\": \"none\"}]}";
    let (code, stdout, _) = out(&lint(&["-", "--engine", "runsc"], Some(spec)));
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        "\
-:2:2: spec.mounts[0] (/mnt/nfs): ignored-type (changes behaviour): ignoring unknown filesystem type \"nfs\" [getMountNameAndOptions]
-:3:2: spec.mounts[1] (/sys2): converted-type (changes behaviour): type \"none\" is mounted as sysfs [getMountNameAndOptions]
-: 2 findings on engine runsc (2 change behaviour, 0 harmless)
"
    );
}

#[test]
fn bad_input_exits_2_in_plain_words() {
    let (code, stdout, stderr) = out(&lint(&["-"], Some("ociVersion: 1.0.0\n")));
    assert_eq!((code, stdout.as_str()), (Some(2), ""));
    assert_eq!(
        stderr,
        "mountlab: -: the text is not JSON: a spec or scenario is a JSON object, starting with { (parser: expected value at line 1 column 1)\n"
    );
    let (code, _, stderr) = out(&lint(&["tests/fixtures/lint/missing.json"], None));
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("mountlab: tests/fixtures/lint/missing.json: "),
        "{stderr}"
    );
}
