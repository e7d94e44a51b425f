//! Every playground preset (`www/presets/*.json`) runs through the engine and
//! sets up, or fails exactly as its entry in `index.json` says, so presets
//! cannot rot when the engine changes.

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::scenario::{AddContainer, Scenario};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www/presets")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn index() -> Value {
    serde_json::from_str(&read("index.json")).expect("index.json parses")
}

fn load(name: &str) -> Loader {
    let s = Scenario::from_json(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    Loader::from_scenario(&s).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_preset_file_is_listed() {
    let idx = index();
    let mut listed: Vec<String> = idx["presets"]
        .as_array()
        .expect("presets array")
        .iter()
        .map(|p| p["file"].as_str().expect("file").to_string())
        .collect();
    listed.push(
        idx["child"]["file"]
            .as_str()
            .expect("child file")
            .to_string(),
    );
    for entry in std::fs::read_dir(dir()).expect("presets dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".json") && name != "index.json" {
            assert!(listed.contains(&name), "{name} is not in index.json");
        }
    }
    for name in &listed {
        assert!(dir().join(name).exists(), "{name} listed but missing");
    }
}

#[test]
fn every_preset_sets_up_as_expected() {
    let idx = index();
    let presets = idx["presets"].as_array().expect("presets array");
    assert!(presets.len() >= 6);
    for p in presets {
        let name = p["file"].as_str().expect("file");
        let expect = &p["expect"];
        let mut sb = load(name);
        let report = sb.report();
        assert_eq!(
            report.ok,
            expect["ok"].as_bool().expect("expect.ok"),
            "{name}: {:?}",
            report.error
        );
        match expect["error"].as_str() {
            Some(e) => assert_eq!(report.error.as_deref(), Some(e), "{name}"),
            None => assert_eq!(report.error, None, "{name}"),
        }
        assert!(!report.fatal, "{name}");
        if report.ok {
            assert!(mountlab::tree::mount_tree(&sb).is_some(), "{name}: no tree");
            let out = sb.shell("ls /", None).expect("shell");
            assert_eq!(out.error, None, "{name}: ls /");
        }
        for path in expect["paths"].as_array().into_iter().flatten() {
            let path = path.as_str().expect("path");
            let out = sb.shell(&format!("stat {path}"), None).expect("shell");
            assert_eq!(out.error, None, "{name}: {path} should exist");
        }
    }
}

#[test]
fn default_preset_has_a_bind_mount_and_a_root_filesystem() {
    let mut sb = load("docker-default.json");
    let r = sb.report();
    assert!(r.proc_mounts.contains(&"none /data 9p rw 0 0".to_string()));
    assert!(r.fds_consumed.len() >= 2);
    let out = sb.shell("cat /data/README.md", None).expect("shell");
    assert_eq!(out.error, None);
    assert!(out.output.contains("bind-mounted"));
    let out = sb.shell("ls /bin", None).expect("shell");
    assert!(out.output.contains("sh"));
}

#[test]
fn child_preset_adds_to_the_default_and_destroys() {
    let mut sb = load("docker-default.json");
    let child = Scenario::from_json(&read("child-container.json")).expect("child parses");
    let r = sb.add_container(&AddContainer {
        cid: "c1".into(),
        spec: child.spec.clone(),
        oci: child.oci.clone(),
        host: child.host.clone(),
        sources: None,
        gofer_fds: None,
    });
    assert!(r.ok, "{:?}", r.error);
    let mounts = sb.proc_mounts(Some("c1")).expect("child mounts");
    assert!(
        mounts.iter().any(|l| l.contains(" /shared 9p ro")),
        "{mounts:?}"
    );
    let out = sb
        .shell("cat /shared/hello.txt", Some("c1"))
        .expect("shell");
    assert_eq!(out.error, None);
    let r = sb.destroy_container("c1");
    assert!(r.ok, "{:?}", r.error);
    assert!(!sb
        .report()
        .proc_mounts
        .iter()
        .any(|l| l.contains("__runsc_containers__/c1")));
}

/// Builds a preset on `engine` as the page's engine selector does.
fn on_engine(name: &str, engine: &str) -> mountlab::playground::Playground {
    mountlab::playground::Playground::build_with(
        &read(name),
        &mountlab::playground::Overrides {
            engine: Some(engine.to_string()),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{name} on {engine}: {e}"))
}

fn outcome(d: &mountlab::report::Decision) -> String {
    serde_json::to_value(d.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The root container's decisions for a destination.
fn decisions_at<'a>(
    r: &'a mountlab::report::Report,
    dest: &'a str,
) -> impl Iterator<Item = &'a mountlab::report::Decision> + 'a {
    r.decisions
        .iter()
        .filter(move |d| d.container.is_none() && d.destination == dest)
}

/// Every preset runs on every engine (the Compare view builds all three)
/// without a panic or a fatal error, and what its description says of each
/// engine holds: `engines.<name>` in index.json lists the claims (set-up
/// ok or the error, the fs mounted at a destination, where a symlinked
/// destination lands, destinations left unmounted, mount order, exact
/// /proc/mounts lines, shell lines that work or fail).
#[test]
fn every_preset_runs_on_every_engine_and_its_claims_hold() {
    let idx = index();
    let mut claims = 0;
    for p in idx["presets"].as_array().expect("presets array") {
        let name = p["file"].as_str().expect("file");
        for engine in ["runsc-2018", "runsc", "runc"] {
            let mut pg = on_engine(name, engine);
            let r = pg.view_dto().report;
            assert!(!r.fatal, "{name} on {engine}: {:?}", r.error);
            let Some(c) = p["engines"].get(engine) else {
                continue;
            };
            let at = format!("{name} on {engine}");
            if let Some(ok) = c["ok"].as_bool() {
                assert_eq!(r.error.is_none(), ok, "{at}: {:?}", r.error);
                claims += 1;
            }
            if let Some(e) = c["error_contains"].as_str() {
                let err = r.error.clone().unwrap_or_default();
                assert!(err.contains(e), "{at}: {err}");
                claims += 1;
            }
            for (dest, fs) in c["mounted"].as_object().into_iter().flatten() {
                assert!(
                    decisions_at(&r, dest)
                        .any(|d| outcome(d) == "mounted" && d.fs_name.as_deref() == fs.as_str()),
                    "{at}: {dest} should be a {fs} mount: {:?}",
                    decisions_at(&r, dest)
                        .map(|d| (outcome(d), d.fs_name.clone()))
                        .collect::<Vec<_>>()
                );
                claims += 1;
            }
            for (dest, path) in c["mounted_at"].as_object().into_iter().flatten() {
                assert!(
                    decisions_at(&r, dest).any(
                        |d| outcome(d) == "mounted" && d.mount_path.as_deref() == path.as_str()
                    ),
                    "{at}: {dest} should be mounted at {path}"
                );
                claims += 1;
            }
            for dest in c["not_mounted"].as_array().into_iter().flatten() {
                let dest = dest.as_str().expect("destination");
                assert!(
                    !decisions_at(&r, dest).any(|d| outcome(d) == "mounted"),
                    "{at}: {dest} should not be mounted"
                );
                assert!(!r.mount_order.iter().any(|m| m == dest), "{at}: {dest}");
                claims += 1;
            }
            if let Some(order) = c["order"].as_array() {
                let pos: Vec<Option<usize>> = order
                    .iter()
                    .map(|d| {
                        r.mount_order
                            .iter()
                            .position(|m| Some(m.as_str()) == d.as_str())
                    })
                    .collect();
                assert!(
                    pos.iter().all(Option::is_some) && pos.windows(2).all(|w| w[0] < w[1]),
                    "{at}: {order:?} in {:?}",
                    r.mount_order
                );
                claims += 1;
            }
            for line in c["proc_mounts"].as_array().into_iter().flatten() {
                let line = line.as_str().expect("line");
                assert!(
                    r.proc_mounts.iter().any(|l| l == line),
                    "{at}: {line:?} not in {:#?}",
                    r.proc_mounts
                );
                claims += 1;
            }
            for (key, want_ok) in [("shell_ok", true), ("shell_fails", false)] {
                for line in c[key].as_array().into_iter().flatten() {
                    let line = line.as_str().expect("line");
                    let out = pg.run_line(line, None).expect("shell");
                    assert_eq!(
                        out.report.error.is_none(),
                        want_ok,
                        "{at}: `{line}`: {:?}",
                        out.report.error
                    );
                    claims += 1;
                }
            }
        }
    }
    assert!(claims >= 30, "{claims} claims checked");
}

/// The rows a preset's description says differ (`differs` in index.json)
/// are differing rows of the engines' diff (`mountlab diff`, the page's
/// Compare view), each with a reason on every engine's side.
#[test]
fn each_teaching_preset_differs_where_its_description_says() {
    let idx = index();
    let mut checked = 0;
    for p in idx["presets"].as_array().expect("presets array") {
        let name = p["file"].as_str().expect("file");
        let Some(want) = p["differs"].as_array() else {
            continue;
        };
        let (diff, views) = mountlab::compare::run::compare_views(
            &read(name),
            &mountlab::compare::CompareFlags::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(views.len(), 3, "{name}");
        for dest in want {
            let dest = dest.as_str().expect("destination");
            let row = diff
                .rows
                .iter()
                .find(|r| r.destination == dest)
                .unwrap_or_else(|| panic!("{name}: no row {dest}"));
            assert!(row.differs, "{name}: {dest} should differ: {row:?}");
            assert!(row.reason.is_some(), "{name}: {dest} has no reason");
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}
