//! The playground session natively: what the browser front calls through
//! `web.rs`, tested without a browser.

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::error::{JsonPath, Seg};
use mountlab::playground::{analyze_text, ninep_connections, source_ref_of, Playground, StepKind};
use mountlab::scenario::Scenario;

const SPEC: &str = r#"{"ociVersion":"1.0.0","root":{"path":"r"},
 "mounts":[{"destination":"/data","type":"bind","source":"/h","options":["rw"]}]}"#;

#[test]
fn analyze_names_the_path_and_the_position() {
    let a = analyze_text(SPEC);
    assert!(a.ok && a.bare);
    let bad = r#"{"ociVersion":"1.0.0","mounts":[{"destination":"/x","options":"ro"}]}"#;
    let a = analyze_text(bad);
    let e = a.error.unwrap();
    assert_eq!(e.location.as_deref(), Some("mounts[0].options"));
    assert!(
        e.message
            .starts_with("spec.mounts[0].options must be a list of strings"),
        "{}",
        e.message
    );
    let a = analyze_text("{\n  \"spec\": \n}");
    let e = a.error.unwrap();
    assert_eq!((e.line, e.column), (Some(3), Some(1)));
    assert_eq!(e.path, None);
    let e = analyze_text("[1]").error.unwrap();
    assert_eq!((e.path, e.location), (None, None));
    assert_eq!(
        e.detail,
        "(root): expected an object (a scenario or an OCI spec), found an array"
    );
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// The page gets the path as keys and indices, typed from serde or from
/// our own checks, beside the unchanged text; a bare spec's path is the
/// one its text has (no `spec`).
#[test]
fn input_errors_carry_the_path_typed_beside_the_text() {
    let scenario = r#"{"spec":{"ociVersion":"1.0.0","mounts":[{"destination":"/x","type":"tmpfs","options":"ro"}]}}"#;
    let e = analyze_text(scenario).error.unwrap();
    assert_eq!(
        e.path,
        Some(JsonPath(vec![
            key("spec"),
            key("mounts"),
            Seg::Index(0),
            key("options")
        ]))
    );
    assert_eq!(
        serde_json::to_value(&e).unwrap()["path"],
        serde_json::json!(["spec", "mounts", 0, "options"])
    );
    assert_eq!(e.location.as_deref(), Some("spec.mounts[0].options"));
    assert_eq!(
        e.detail,
        "must be a list of strings, e.g. [\"ro\"] (parser: invalid type: string \"ro\", expected a sequence)"
    );
    assert_eq!(format!("{} {}", e.location.unwrap(), e.detail), e.message);
    // Our own checks, not serde's, say where too.
    let cases: &[(&str, serde_json::Value, &str)] = &[
        (
            r#"{"spec":{"ociVersion":"1"},"config":{"file_access":"weird"}}"#,
            serde_json::json!(["config", "file_access"]),
            "config.file_access: invalid file access type \"weird\"",
        ),
        (
            r#"{"spec":{"ociVersion":"1"},"config":{"engine":"crun"}}"#,
            serde_json::json!(["config", "engine"]),
            "config.engine: engine \"crun\" is not available (known: runsc-2018, runsc, runc)",
        ),
        (
            r#"{"spec":{"ociVersion":"1"},"config":{"engine":"runc","overlay":true}}"#,
            serde_json::json!(["config", "overlay"]),
            "config.overlay: \"overlay\" is a config key of runsc-2018, not of engine runc (its keys: engine, rootless, bundle, cgroup, no_pivot)",
        ),
        (
            r#"{"spec":{"ociVersion":"1"},"steps":[{"sh":"ls"},{"sh":"ls","exec":{"argv0":"x"}}]}"#,
            serde_json::json!(["steps", 1]),
            "steps[1]: a step needs exactly one of \"container\", \"exec\", \"sh\" or \"restore\"",
        ),
        (
            r#"{"spec":{"ociVersion":"1"},"steps":[{"container":{"add":{"cid":"c","spec":{"ociVersion":"1","mounts":[{"destination":"/x","options":"ro"}]}}}}]}"#,
            serde_json::json!(["steps", 0, "container", "add", "spec", "mounts", 0, "options"]),
            "steps[0].container.add.spec.mounts[0].options must be a list of strings, e.g. [\"ro\"] (parser: invalid type: string \"ro\", expected a sequence)",
        ),
        (
            r#"{"spec":{"ociVersion":"1"},"host":{"/":{"a\u0000b":"x"}}}"#,
            serde_json::json!(["host", "/", "a\u{0}b"]),
            "host./.a\\0b: a host-tree name cannot contain NUL",
        ),
    ];
    for (text, path, message) in cases {
        let e = analyze_text(text).error.unwrap();
        assert_eq!(&e.message, message);
        assert_eq!(&serde_json::to_value(&e.path).unwrap(), path, "{message}");
    }
    let bare = r#"{"ociVersion":"1.0.0","mounts":[{"destination":"/x","options":"ro"}]}"#;
    let e = analyze_text(bare).error.unwrap();
    assert_eq!(
        serde_json::to_value(&e.path).unwrap(),
        serde_json::json!(["mounts", 0, "options"])
    );
    assert!(e.message.starts_with("spec.mounts[0].options must be "));
}

/// The Add-container button parses with the scenario's parser: a child
/// spec without `process.user` (Go's zero value) is accepted by both.
#[test]
fn add_container_accepts_what_a_scenario_step_accepts() {
    let child = r#"{"ociVersion":"1.0.0","root":{"path":"c"},"process":{"args":["sh"],"cwd":"/"}}"#;
    let scenario = format!(
        r#"{{"spec":{{"ociVersion":"1.0.0"}},"steps":[{{"container":{{"add":{{"cid":"c1","spec":{child}}}}}}}]}}"#
    );
    let s = Scenario::from_json(&scenario).unwrap();
    let from_file = Loader::from_scenario(&s).unwrap().report();
    assert!(from_file.steps[0].ok, "{:?}", from_file.steps[0]);
    let mut p = Playground::build(r#"{"ociVersion":"1.0.0"}"#, None, None).unwrap();
    let r = p.add("c1", child, None).unwrap();
    assert_eq!(r.report, from_file.steps[0]);
    // And a bad child spec names its path the same way in both.
    let bad = r#"{"ociVersion":"1.0.0","mounts":[{"destination":"/x","options":"ro"}]}"#;
    let e = p.add("c2", bad, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "spec.mounts[0].options must be a list of strings, e.g. [\"ro\"] (parser: invalid type: string \"ro\", expected a sequence)"
    );
}

/// `replay` runs steps as a scenario file runs them: failures are results,
/// an invalid step is a result of kind `invalid`, and after a runsc panic
/// nothing runs.
#[test]
fn replay_gives_a_result_per_step_and_stops_after_a_panic() {
    let mut p = Playground::build(SPEC, None, None).unwrap();
    let steps = serde_json::json!([
        {"sh": "ls /data"},
        {"bogus": 1},
        {"container": {"destroy": "ghost"}},
        {"container": {"add": {"cid": "c1", "spec": {"ociVersion": "1.0.0",
            "mounts": [{"destination": "/b", "type": "bind", "source": "/h"}]}, "gofer_fds": [20]}}},
        {"sh": "ls /"}
    ]);
    let r = p.replay(steps.as_array().unwrap());
    let kinds: Vec<StepKind> = r.iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        [
            StepKind::Sh,
            StepKind::Invalid,
            StepKind::Destroy,
            StepKind::Add,
            StepKind::Sh
        ]
    );
    assert!(r[0].report.ok);
    assert_eq!(
        r[1].report.error.as_deref(),
        Some("steps[1].bogus is not a key this object takes (it takes \"container\", \"exec\", \"sh\", \"restore\") (parser: unknown field `bogus`, expected one of `container`, `exec`, `sh`, `restore`)")
    );
    assert_eq!(
        r[2].report.error.as_deref(),
        Some("unknown container \"ghost\"")
    );
    assert!(r[3].report.fatal, "{:?}", r[3].report);
    assert_eq!(
        r[4].report.error.as_deref(),
        Some("not run: runsc panicked in steps[2]")
    );
    // The invalid step is not recorded; the export replays the same.
    assert_eq!(p.steps().len(), 4);
    let exported = serde_json::to_string(&p.scenario_value()).unwrap();
    let again = Loader::from_scenario(&Scenario::from_json(&exported).unwrap()).unwrap();
    assert_eq!(again.report().steps, p.engine().report().steps);
}

#[test]
fn decision_functions_link_to_gvisor_source() {
    let r = source_ref_of("mountSubmount").unwrap();
    assert_eq!(
        (r.file.as_str(), r.start, r.end),
        ("runsc/boot/fs.go", 295, 353)
    );
    assert!(r.url.ends_with("/runsc/boot/fs.go#L295-L353"), "{}", r.url);
    assert!(source_ref_of("nope").is_none());
}

#[test]
fn a_session_records_steps_and_its_export_replays_to_the_same_report() {
    let mut s = Playground::build(SPEC, Some(false), None).unwrap();
    assert!(s.run_line("write /data/x hello", None).unwrap().report.ok);
    assert!(
        s.run_line("cat /nope", None)
            .unwrap()
            .report
            .errno
            .as_deref()
            == Some("ENOENT")
    );
    let add = s
        .add(
            "c1",
            r#"{"ociVersion":"1.0.0","root":{"path":"c"}}"#,
            Some(r#"{"/":{"etc/hostname":"child\n"}}"#),
        )
        .unwrap();
    assert_eq!(add.report.proc_mounts.as_ref().map(Vec::len), Some(6));
    assert_eq!(
        s.run_line("cat /etc/hostname", Some("c1"))
            .unwrap()
            .report
            .output
            .as_deref(),
        Some("child\n")
    );
    s.destroy("c1").unwrap();
    assert_eq!(s.steps().len(), 5);
    // The id is free again after destroy (the directory was removed).
    assert!(s.add("c1", "{\"ociVersion\":\"1.0.0\"}", None).is_ok());
    assert!(s
        .add("c1", "{\"ociVersion\":\"1.0.0\"}", None)
        .unwrap_err()
        .to_string()
        .ends_with("create directory \"c1\": file exists"));

    let exported = serde_json::to_string(&s.scenario_value()).unwrap();
    let replay = Loader::from_scenario(&Scenario::from_json(&exported).unwrap()).unwrap();
    let (a, b) = (s.engine().report(), replay.report());
    assert_eq!(a.proc_mounts, b.proc_mounts);
    assert_eq!(a.host, b.host);
    assert_eq!(a.steps.len(), b.steps.len());
    for (x, y) in a.steps.iter().zip(&b.steps) {
        assert_eq!(x, y);
    }
}

#[test]
fn step_json_runs_like_a_scenario_step_and_failures_are_results() {
    let mut s = Playground::build(SPEC, None, Some("shared")).unwrap();
    let r = s.step(r#"{"sh":"ls /data"}"#).unwrap();
    assert!(r.report.ok);
    let r = s.step(r#"{"container":{"destroy":"ghost"}}"#).unwrap();
    assert_eq!(
        r.report.error.as_deref(),
        Some("unknown container \"ghost\"")
    );
    assert!(s.step("{\"bogus\":1}").is_err());
    assert!(Playground::build(SPEC, None, Some("weird")).is_err());
}

#[test]
fn ninep_connections_are_per_gofer_with_hex_frames() {
    let s = Playground::build(SPEC, None, None).unwrap();
    let conns = ninep_connections(s.engine());
    let fds: Vec<(i32, &str)> = conns.iter().map(|c| (c.fd, c.attach.as_str())).collect();
    assert_eq!(fds, [(3, "/"), (4, "/data")]);
    let first = &conns[0].messages[0];
    assert!(first.request.starts_with("Tversion"), "{}", first.request);
    // size[4] type[1]=100 (Tversion) tag[2]=0xffff, little endian.
    assert_eq!(&first.request_hex[8..14], "64ffff");
    // The names come from the type bytes, not from cutting summaries.
    assert_eq!((first.name, first.reply_name), ("Tversion", "Rversion"));
    assert!(!first.truncated);
    for m in conns.iter().flat_map(|c| &c.messages) {
        assert_eq!(m.request.split(' ').next(), Some(m.name), "{}", m.request);
        assert_eq!(m.reply.split(' ').next(), Some(m.reply_name), "{}", m.reply);
    }
}

/// A big write's request frame is kept cut; the DTO says so.
#[test]
fn a_cut_frame_is_marked_truncated() {
    let mut s = Playground::build(SPEC, None, Some("shared")).unwrap();
    let big = "x".repeat(2_000);
    let r = s.run_line(&format!("write /data/big {big}"), None).unwrap();
    assert!(r.report.ok, "{:?}", r.report);
    let conns = ninep_connections(s.engine());
    let cut: Vec<&str> = conns
        .iter()
        .flat_map(|c| &c.messages)
        .filter(|m| m.truncated)
        .map(|m| m.name)
        .collect();
    assert!(cut.contains(&"Twrite"), "{cut:?}");
}

/// [`SPEC`] with an `rbind` (a `type: bind` without a bind option is
/// ENODEV under runc: the kernel has no filesystem called "bind") and a
/// `/proc` (runc adds none, so without it there is no /proc/mounts).
const RBIND_SPEC: &str = r#"{"ociVersion":"1.0.0","root":{"path":"r"},
 "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
  {"destination":"/data","type":"bind","source":"/h","options":["rbind","rw"]}]}"#;

fn on(engine: &str, text: &str) -> Playground {
    Playground::build_with(
        text,
        &mountlab::playground::Overrides {
            engine: Some(engine.to_string()),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{engine}: {e}"))
}

/// The page's engine selector: the same spec on each engine; every view
/// (report, tree, decisions, 9P inspector and its note, the shell's
/// /proc/mounts) is that engine's.
#[test]
fn each_engine_runs_in_the_playground() {
    for engine in ["runsc-2018", "runsc", "runc"] {
        let mut p = on(engine, RBIND_SPEC);
        let v = p.view_dto();
        assert_eq!(v.engine.name(), engine);
        assert_eq!(v.report.engine.name(), engine);
        assert!(v.report.error.is_none(), "{engine}: {:?}", v.report.error);
        let tree = v.tree.expect("a tree");
        assert_eq!(tree.path, "/");
        assert!(
            tree.children.iter().any(|c| c.path == "/data"),
            "{engine}: {tree:?}"
        );
        assert!(!v.report.decisions.is_empty());
        match engine {
            "runc" => {
                assert!(v.connections.is_empty());
                assert_eq!(
                    v.connections_note,
                    Some("runc has no gofer: the kernel mounts directly")
                );
            }
            "runsc" => {
                assert!(!v.connections.is_empty());
                assert!(v.connections_note.is_some_and(|n| n.contains("LISAFS")));
            }
            _ => assert_eq!(v.connections_note, None),
        }
        let r = p.run_line("cat /proc/mounts", None).expect("sh runs");
        let want: String = v
            .report
            .proc_mounts
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(r.report.output.as_deref(), Some(want.as_str()), "{engine}");
        assert_eq!(
            p.engine().proc_mounts(None).expect("proc mounts"),
            v.report.proc_mounts
        );
        // The export runs on the engine it ran on.
        let again = Scenario::from_json(&p.scenario_value().to_string()).expect("re-parses");
        assert_eq!(again.engine.name(), engine);
        assert_eq!(again.steps.len(), 1);
    }
}

/// Pods on today's runsc; runc refuses a second container.
#[test]
fn containers_per_engine() {
    let mut p = on("runsc", SPEC);
    let r = p.add("c1", r#"{"ociVersion":"1.0.0","root":{"path":"r"}}"#, None);
    assert!(r.is_ok(), "{:?}", r.err());
    assert_eq!(p.view_dto().containers.len(), 1);
    let lines = p.engine().proc_mounts(Some("c1")).expect("child mounts");
    assert_eq!(
        lines.first().map(String::as_str),
        Some("none / overlay rw 0 0")
    );
    p.destroy("c1").expect("destroyed");
    assert!(p.view_dto().containers.is_empty());
    let mut p = on("runc", SPEC);
    let e = p
        .add("c1", r#"{"ociVersion":"1.0.0"}"#, None)
        .expect_err("runc runs one container");
    assert!(e.to_string().starts_with("runc runs one container"), "{e}");
    let r = p
        .step(r#"{"restore":{"spec":{"ociVersion":"1.0.0"}}}"#)
        .expect("a step");
    assert_eq!(r.kind, StepKind::Restore);
    assert!(!r.report.ok);
    // A 2018 key in a file naming runc is refused with its path.
    let e = Playground::build(
        r#"{"spec":{"ociVersion":"1.0.0"},"config":{"engine":"runc","overlay":true}}"#,
        None,
        None,
    )
    .err()
    .expect("refused");
    assert!(e.to_string().starts_with("config.overlay: "), "{e}");
}

/// The selector on a 2018 preset (its config has `overlay`): the key is
/// set aside with a note, and the export re-parses on the chosen engine.
#[test]
fn switching_a_2018_preset_to_another_engine() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/www/presets/docker-default.json"
    ))
    .expect("preset");
    for engine in ["runsc", "runc"] {
        let p = on(engine, &text);
        let v = p.view_dto();
        // The preset's host trees, keyed by attach point (2018's form),
        // are the binds' sources on the other engines too; file sources
        // (`"."`) included.
        assert_eq!(v.report.error, None, "{engine}");
        assert!(
            v.report.mount_order.iter().any(|m| m == "/etc/resolv.conf"),
            "{engine}: {:?}",
            v.report.mount_order
        );
        assert!(
            v.cli_notes.iter().any(|n| n
                == &format!(
                    "config.overlay is a key of engine runsc-2018, ignored on engine {engine}"
                )),
            "{:?}",
            v.cli_notes
        );
        let again = Scenario::from_json(&p.scenario_value().to_string()).expect("re-parses");
        assert_eq!(again.engine.name(), engine);
    }
}

/// The words of the status line, the panic banner and the containers panel
/// are made in Rust (the page prints them as they come): for the Docker
/// default, the chip the page showed before (`11 mounts · gofer FDs 3, 4,
/// 5, 6, 7`, counted there from `mount_order` plus the root), now with the
/// engine; a child's root path is fs.go's `/__runsc_containers__/<cid>`.
#[test]
fn status_and_container_lines_are_made_in_rust() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/www/presets/docker-default.json"
    ))
    .expect("preset");
    let mut p = Playground::build_with(&text, &Default::default()).expect("builds");
    let v = p.view_dto();
    assert_eq!(v.status, "runsc-2018 · 11 mounts · gofer FDs 3, 4, 5, 6, 7");
    assert_eq!(
        v.status.split(" · ").nth(1),
        Some(format!("{} mounts", v.report.mount_order.len() + 1)).as_deref()
    );
    assert_eq!(v.panic_label, "runsc would panic here:");
    let child = r#"{"ociVersion":"1.0.0","root":{"path":"r"},"process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0}}}"#;
    p.add("c1", child, None).expect("child starts");
    let c = p
        .view_dto()
        .containers
        .into_iter()
        .find(|c| c.cid == "c1")
        .expect("listed");
    assert_eq!(c.root_path, "/__runsc_containers__/c1");
    assert_eq!(
        c.summary,
        format!(
            "/__runsc_containers__/c1 · {} mounts · FDs {}",
            c.mounts,
            c.fds_consumed
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    assert_eq!(
        on("runc", RBIND_SPEC).view_dto().panic_label,
        "runc would panic here:"
    );
    assert!(on("runc", RBIND_SPEC)
        .view_dto()
        .containers_note
        .starts_with("runc runs one container"));
    assert!(v
        .containers_note
        .ends_with("under /__runsc_containers__/<id>."));
    let runsc = on("runsc", RBIND_SPEC).view_dto();
    assert!(runsc.status.starts_with("runsc · "), "{}", runsc.status);
    assert!(!runsc.status.contains("gofer FDs"));
}
