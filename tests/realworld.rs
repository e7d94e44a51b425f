//! The 62 real-world OCI specs of `../shared/specs/realworld/` (sources in
//! its `SOURCES.md`): each runs as a scenario on an empty root, with and
//! without `--overlay`, through the library and through `mountlab run`,
//! without a Rust panic. The ones runsc 2018 cannot unmarshal are refused
//! with a message naming the JSON path, and every other report is checked
//! against properties the semantics doc states for any spec (not against
//! blessed goldens):
//!
//! * `compileMounts` (§2): the mount order starts with the mandatory mounts
//!   the spec does not provide, *prepended*, then `/dev` and `/dev/pts`;
//!   every spec mount `IsSupportedDevMount` refuses is warned about as
//!   `ignoring dev mount at %q`, in spec order.
//! * `createMountNamespace` (§3): the root takes FD 3, then each `bind` one
//!   more, in compiled order.
//! * `/proc/mounts` (§12): the root and `/dev` are always `overlayfs rw`,
//!   `/dev/pts` is devpts, and `/__runsc_containers__` is mounted last.
//!
//! The folder sits beside the repository (CI clones the repository next to
//! a copy of `shared/`); a missing folder fails the test.

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::scenario::Scenario;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/specs/realworld");

/// The specs runsc 2018 cannot unmarshal (`json.Unmarshal` into specs-go
/// b2d941ef) and the message mountlab refuses each with. Go reports the
/// first mismatch in document order, so 34's refusal is about the uid
/// mapping, which comes before the gid mapping in the file.
const REFUSED: &[(&str, &str)] = &[
    (
        "14-kata-oci-test-literal.json",
        "spec.process.capabilities[0] must be a list of strings, e.g. [\"CAP_AUDIT_WRITE\"] (parser: invalid type: string \"CAP_AUDIT_WRITE\", expected a sequence)",
    ),
    (
        "21-bwrap-oci-devtmpfs.json",
        "spec.process.capabilities[0] must be a list of strings, e.g. [\"CAP_AUDIT_WRITE\"] (parser: invalid type: string \"CAP_AUDIT_WRITE\", expected a sequence)",
    ),
    (
        "32-libocispec-nocwd.json",
        "spec.process.capabilities[0] must be a list of strings, e.g. [\"CAP_AUDIT_WRITE\"] (parser: invalid type: string \"CAP_AUDIT_WRITE\", expected a sequence)",
    ),
    (
        "34-catchy-failing-hook.json",
        "spec.linux.uidMappings[0].hostID must be a whole number (parser: invalid type: string \"__UID__\", expected u32)",
    ),
];

fn specs() -> Vec<PathBuf> {
    let dir = Path::new(SPECS);
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: the real-world specs must sit beside the repository, in \
             ../shared/specs/realworld (CI copies shared/ next to its clone)",
            dir.display()
        )
    });
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    out.sort();
    out
}

fn name_of(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("?")
}

/// The spec text, unchanged (key order matters for which error Go and
/// serde report first), as a scenario on an empty root.
fn scenario_text(spec: &str, overlay: bool) -> String {
    format!(r#"{{"config":{{"overlay":{overlay}}},"host":{{"/":{{}}}},"spec":{spec}}}"#)
}

/// `filepath.Clean` for the absolute destinations these specs use.
fn clean(p: &str) -> String {
    mountlab::vfs::clean(p)
}

/// `specutils.IsSupportedDevMount` (§2): the engine's, whose list of device
/// paths is gVisor's.
fn is_supported_dev_mount(dest: &str) -> bool {
    mountlab::engines::runsc2018::boot::is_supported_dev_mount(
        &mountlab::engines::runsc2018::boot::MountSpec::new("", dest),
    )
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Checks one report against the doc's properties; one line per failure.
fn check_properties(spec: &Value, report: &Value, problems: &mut Vec<String>) {
    let mounts: Vec<&Value> = spec
        .get("mounts")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let kept: Vec<&Value> = mounts
        .iter()
        .copied()
        .filter(|m| is_supported_dev_mount(str_at(m, "destination")))
        .collect();
    // compileMounts: the dev-mount warnings, in spec order.
    let want_warn: Vec<String> = mounts
        .iter()
        .filter(|m| !is_supported_dev_mount(str_at(m, "destination")))
        .map(|m| format!("ignoring dev mount at {:?}", str_at(m, "destination")))
        .collect();
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let got_warn: Vec<&str> = warnings
        .iter()
        .copied()
        .filter(|w| w.starts_with("ignoring dev mount at "))
        .collect();
    if got_warn != want_warn {
        problems.push(format!(
            "dev-mount warnings {got_warn:?}, want {want_warn:?}"
        ));
    }
    // compileMounts: the mandatory mounts the spec lacks, prepended.
    let provided = |d: &str| kept.iter().any(|m| clean(str_at(m, "destination")) == d);
    let mut want_order: Vec<&str> = ["/proc", "/sys", "/tmp"]
        .into_iter()
        .filter(|d| !provided(d))
        .collect();
    want_order.extend(["/dev", "/dev/pts"]);
    let order: Vec<&str> = report["mount_order"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if order.get(..want_order.len()) != Some(&want_order[..]) {
        problems.push(format!(
            "mount order starts {:?}, want {want_order:?}",
            order.get(..want_order.len().min(order.len()))
        ));
    }
    if !report["error"].is_null() {
        return;
    }
    // createMountNamespace: FD 3 for the root, one more per bind.
    let binds = kept.iter().filter(|m| str_at(m, "type") == "bind").count() as i64;
    let want_fds: Vec<Value> = (3..3 + 1 + binds).map(Value::from).collect();
    if report["fds_consumed"].as_array() != Some(&want_fds) {
        problems.push(format!(
            "fds_consumed {}, want {want_fds:?}",
            report["fds_consumed"]
        ));
    }
    // /proc/mounts.
    let lines: Vec<&str> = report["proc_mounts"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for line in [
        "none / overlayfs rw 0 0",
        "none /dev overlayfs rw 0 0",
        "none /dev/pts devpts rw 0 0",
    ] {
        if !lines.contains(&line) {
            problems.push(format!("/proc/mounts lacks {line:?}: {lines:?}"));
        }
    }
    if lines.first() != Some(&"none / overlayfs rw 0 0") {
        problems.push(format!(
            "/proc/mounts does not start with the root: {lines:?}"
        ));
    }
    if lines.last() != Some(&"none /__runsc_containers__ tmpfs rw 0 0") {
        problems.push(format!(
            "/proc/mounts does not end with /__runsc_containers__: {lines:?}"
        ));
    }
}

#[test]
fn every_real_world_spec_previews_or_is_refused_by_path() {
    let all = specs();
    assert_eq!(all.len(), 62, "real-world specs in {SPECS}");
    let mut problems = Vec::new();
    let mut previewed = 0;
    for path in &all {
        let name = name_of(path);
        let text = std::fs::read_to_string(path).expect("readable spec");
        let spec: Value = serde_json::from_str(&text).expect("the spec is JSON");
        let refusal = REFUSED.iter().find(|(n, _)| *n == name).map(|(_, m)| *m);
        for overlay in [false, true] {
            let at = format!("{name} (overlay {overlay})");
            let input = scenario_text(&text, overlay);
            let run = std::panic::catch_unwind(|| {
                Scenario::from_json(&input).map(|s| Loader::from_scenario(&s).map(|sb| sb.report()))
            });
            let parsed = match run {
                Err(_) => {
                    problems.push(format!("{at}: Rust panic"));
                    continue;
                }
                Ok(p) => p,
            };
            match (parsed, refusal) {
                (Err(e), Some(want)) => {
                    if e.to_string() != want {
                        problems.push(format!("{at}: refused with {e}, want {want}"));
                    }
                }
                (Err(e), None) => problems.push(format!("{at}: refused: {e}")),
                (Ok(_), Some(want)) => problems.push(format!("{at}: accepted, want {want}")),
                (Ok(Err(e)), None) => problems.push(format!("{at}: sandbox not built: {e}")),
                (Ok(Ok(report)), None) => {
                    previewed += 1;
                    let report = serde_json::to_value(report).expect("report serializes");
                    let mut p = Vec::new();
                    check_properties(&spec, &report, &mut p);
                    problems.extend(p.into_iter().map(|x| format!("{at}: {x}")));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(previewed, 2 * (62 - REFUSED.len()));
}

/// The binary agrees: `mountlab run` exits 0 or 1 with a JSON report, or 2
/// with the refusal on stderr, and never panics.
#[test]
fn mountlab_run_never_panics_on_a_real_world_spec() {
    let bin = env!("CARGO_BIN_EXE_mountlab");
    let dir = std::env::temp_dir().join(format!("mountlab-realworld-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut problems = Vec::new();
    for path in specs() {
        let name = name_of(&path).to_string();
        let text = std::fs::read_to_string(&path).expect("readable spec");
        let refusal = REFUSED.iter().find(|(n, _)| *n == name).map(|(_, m)| *m);
        for overlay in [false, true] {
            let file = dir.join(format!("{overlay}-{name}"));
            std::fs::write(&file, scenario_text(&text, overlay)).expect("write scenario");
            let out = Command::new(bin)
                .arg("run")
                .arg(&file)
                .output()
                .expect("mountlab runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code();
            let at = format!("{name} (overlay {overlay})");
            if stderr.contains("panicked") {
                problems.push(format!("{at}: {stderr}"));
            }
            match refusal {
                Some(want) => {
                    let line = format!("mountlab: {}: {want}", file.display());
                    if code != Some(2) || stderr.trim_end() != line {
                        problems.push(format!(
                            "{at}: exit {code:?}, stderr {stderr:?}, want 2 and {line:?}"
                        ));
                    }
                }
                None => {
                    let json = serde_json::from_slice::<Value>(&out.stdout);
                    let ok = json.as_ref().map(|v| v["ok"] == Value::Bool(true));
                    let want = match ok {
                        Ok(true) => Some(0),
                        Ok(false) => Some(1),
                        Err(_) => None,
                    };
                    if want.is_none() || code != want {
                        problems.push(format!(
                            "{at}: exit {code:?}, stdout not a matching report; stderr {stderr:?}"
                        ));
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The same specs on today's runsc and on runc, through the scenario path
/// (`config.engine`, a `cat /proc/mounts` step): no panic; the same four
/// are refused by the scenario parser with the same path; every report
/// names its engine, and where setup succeeded the shell's `/proc/mounts`
/// is the report's, line for line (each engine's own format), except
/// where the spec leaves no procfs file to read.
#[test]
fn every_real_world_spec_runs_on_runsc_and_runc() {
    let mut problems = Vec::new();
    let mut built = 0;
    for path in specs() {
        let name = name_of(&path);
        let spec = std::fs::read_to_string(&path).expect("readable spec");
        for engine in ["runsc", "runc"] {
            let text = format!(
                r#"{{"config":{{"engine":"{engine}"}},"steps":[{{"sh":"cat /proc/mounts"}}],"spec":{spec}}}"#
            );
            let refused = REFUSED.iter().find(|(n, _)| *n == name).map(|(_, m)| *m);
            let s = match (Scenario::from_json(&text), refused) {
                (Ok(s), None) => s,
                (Err(e), Some(m)) if e.to_string() == m => continue,
                (r, _) => {
                    problems.push(format!("{name} on {engine}: parse {:?}", r.err()));
                    continue;
                }
            };
            let report = mountlab::engines::run_scenario(&s).expect("a simulation");
            let v = serde_json::to_value(&report).expect("report serializes");
            built += 1;
            if v["engine"] != engine {
                problems.push(format!("{name} on {engine}: engine {}", v["engine"]));
            }
            // No procfs under runc without a proc mount; 59 binds a host
            // directory over /proc/1, which /proc/mounts leads into.
            let no_proc = matches!(
                (name, engine),
                ("02-runtime-spec-minimal-for-start.json", "runc")
                    | ("03-runtime-spec-minimal.json", "runc")
                    | ("59-crun-test-proc-self-bind.json", _)
            );
            if report.error.is_none() && !no_proc {
                let out = report.steps.first().and_then(|s| s.output.clone());
                let want: String = report
                    .proc_mounts
                    .iter()
                    .map(|l| format!("{l}\n"))
                    .collect();
                if out.as_deref() != Some(want.as_str()) {
                    problems.push(format!(
                        "{name} on {engine}: shell /proc/mounts {out:?} != report {want:?}"
                    ));
                }
            }
        }
    }
    assert_eq!(built, 2 * (62 - REFUSED.len()));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
