//! The playground session natively: what the browser front calls through
//! `web.rs`, tested without a browser.

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::playground::{
    analyze_text, locate_error, ninep_connections, source_ref_of, Playground,
};
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
    assert_eq!(e.path.as_deref(), Some("mounts[0].options"));
    assert!(
        e.message
            .starts_with("spec.mounts[0].options: invalid type"),
        "{}",
        e.message
    );
    let a = analyze_text("{\n  \"spec\": \n}");
    let e = a.error.unwrap();
    assert_eq!((e.line, e.column), (Some(3), Some(1)));
    assert_eq!(locate_error("(root): expected an object", false).path, None);
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
}
