//! The binding seam, in a real browser: `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect};
use mountlab::web::lint::{locate_json, mount_ranges};
use mountlab::web::{analyze, default_config_js, source_ref, Sandbox};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DEFAULT: &str = include_str!("../../www/presets/docker-default.json");
const CHILD: &str = include_str!("../../www/presets/child-container.json");
const ELOOP: &str = include_str!("../../www/presets/symlink-destination.json");

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn s(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn error_message(e: JsValue) -> String {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    e.dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

fn js(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn sandbox() -> Sandbox {
    Sandbox::new(js(DEFAULT), JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("default preset builds")
}

#[wasm_bindgen_test]
fn builds_the_default_and_reports() {
    let sb = sandbox();
    let view = sb.view().map_err(JsValue::from).expect("view");
    let report = get(&view, "report");
    assert_eq!(get(&report, "ok").as_bool(), Some(true));
    let tree = get(&view, "tree");
    assert_eq!(s(&tree, "path"), "/");
    assert_eq!(s(&tree, "fs_name"), "overlayfs");
    let children: Array = get(&tree, "children").into();
    assert!(children.iter().any(|c| s(&c, "path") == "/data"));
    let mounts = sb
        .proc_mounts(JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("mounts");
    assert_eq!(mounts[0], "none / overlayfs rw 0 0");
    let info = sb
        .mountinfo(JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("mountinfo");
    assert!(info[0].starts_with("1 1 0:0 / / rw - overlayfs"));
    let restore = sb.restore().map_err(JsValue::from).expect("restore");
    assert!(get(&restore, "error").is_null());
    let decisions: Array = sb.decisions().map_err(JsValue::from).expect("d").into();
    assert!(decisions.length() > 5);
}

#[wasm_bindgen_test]
fn runs_commands_and_logs_9p() {
    let mut sb = sandbox();
    let before: u32 = Array::from(&sb.ninep_log().map_err(JsValue::from).expect("log"))
        .iter()
        .map(|c| Array::from(&get(&c, "messages")).length())
        .sum();
    let r = sb
        .run(js("ls /"), JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("ls");
    assert!(s(&r, "output").contains("etc\n"));
    let r = sb
        .run(js("cat /data/README.md"), JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("cat");
    assert!(s(&r, "output").contains("bind-mounted"));
    let conns = Array::from(&sb.ninep_log().map_err(JsValue::from).expect("log"));
    let after: u32 = conns
        .iter()
        .map(|c| Array::from(&get(&c, "messages")).length())
        .sum();
    assert!(after > before, "{before} -> {after}");
    let first = Array::from(&get(&conns.get(0), "messages")).get(0);
    assert!(s(&first, "request").starts_with("Tversion"));
    assert!(!s(&first, "request_hex").is_empty());
    // A failing command is output, not an exception.
    let r = sb
        .run(js("cat /nope"), JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("cat");
    assert_eq!(s(&r, "errno"), "ENOENT");
    // An unknown container is an Error.
    let e = sb.run(js("ls /"), js("ghost")).map_err(JsValue::from);
    assert_eq!(
        error_message(e.expect_err("error")),
        "unknown container \"ghost\""
    );
}

#[wasm_bindgen_test]
fn adds_and_destroys_a_container() {
    let mut sb = sandbox();
    let r = sb
        .add_container(js("c1"), js(CHILD), JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("add");
    assert_eq!(get(&r, "ok").as_bool(), Some(true));
    let mounts = sb
        .proc_mounts(js("c1"))
        .map_err(JsValue::from)
        .expect("child mounts");
    assert!(
        mounts.iter().any(|l| l == "none /shared 9p ro 0 0"),
        "{mounts:?}"
    );
    let r = sb
        .run(js("cat /etc/hostname"), js("c1"))
        .map_err(JsValue::from)
        .expect("cat");
    assert_eq!(s(&r, "output"), "child\n");
    // The same id twice is an Error with the engine's text.
    let e = sb
        .add_container(js("c1"), js(CHILD), JsValue::UNDEFINED)
        .map_err(JsValue::from);
    let msg = error_message(e.expect_err("error"));
    assert!(msg.contains("file exists"), "{msg}");
    sb.destroy_container(js("c1"))
        .map_err(JsValue::from)
        .expect("destroy");
    let all = sb
        .proc_mounts(JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("mounts");
    assert!(!all.iter().any(|l| l.contains("__runsc_containers__/c1")));
    let e = sb.destroy_container(js("nope")).map_err(JsValue::from);
    assert_eq!(
        error_message(e.expect_err("error")),
        "unknown container \"nope\""
    );
    let steps = Array::from(&sb.steps().map_err(JsValue::from).expect("steps"));
    assert_eq!(steps.length(), 5);
    let exported = sb.scenario_json().map_err(JsValue::from).expect("json");
    let again = Sandbox::new(js(&exported), JsValue::UNDEFINED).map_err(JsValue::from);
    assert!(again.is_ok());
}

#[wasm_bindgen_test]
fn input_errors_are_errors_naming_the_path() {
    let e = Sandbox::new(
        js(r#"{"ociVersion":"1.0.0","mounts":[{"destination":"/x","type":"tmpfs","options":"ro"}]}"#),
        JsValue::UNDEFINED,
    )
    .map(|_| ())
    .map_err(JsValue::from);
    let msg = error_message(e.expect_err("error"));
    assert!(
        msg.starts_with("spec.mounts[0].options must be a list of strings, e.g. [\"ro\"]"),
        "{msg}"
    );
    let a = analyze(js(r#"{"ociVersion":"1.0.0","mounts":[{"type":"tmpfs"}]}"#))
        .map_err(JsValue::from)
        .expect("analyze");
    assert_eq!(get(&a, "ok").as_bool(), Some(false));
    let err = get(&a, "error");
    assert_eq!(s(&err, "location"), "mounts[0]");
    let path: Array = get(&err, "path").into();
    assert_eq!(path.length(), 2);
    assert_eq!(path.get(0).as_string().as_deref(), Some("mounts"));
    assert_eq!(path.get(1).as_f64(), Some(0.0));
    let a = analyze(js("{\n  \"spec\": ,\n}"))
        .map_err(JsValue::from)
        .expect("analyze");
    assert_eq!(get(&get(&a, "error"), "line").as_f64(), Some(2.0));
    let e = Sandbox::new(js("{}"), JsValue::from_str("not an object"))
        .map(|_| ())
        .map_err(JsValue::from);
    assert!(e.is_err());
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"file_access".into(), &"weird".into());
    let e = Sandbox::new(js(DEFAULT), o.into())
        .map(|_| ())
        .map_err(JsValue::from);
    assert_eq!(
        error_message(e.expect_err("error")),
        "config.file_access: invalid file access type \"weird\""
    );
}

#[wasm_bindgen_test]
fn setup_failures_are_in_the_report_and_overrides_apply() {
    let sb = Sandbox::new(js(ELOOP), JsValue::UNDEFINED)
        .map_err(JsValue::from)
        .expect("builds");
    let report = sb.report().map_err(JsValue::from).expect("report");
    assert_eq!(get(&report, "ok").as_bool(), Some(false));
    assert!(s(&report, "error").ends_with("too many levels of symbolic links"));
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"overlay".into(), &JsValue::TRUE);
    let sb = Sandbox::new(js(DEFAULT), o.into())
        .map_err(JsValue::from)
        .expect("builds");
    let view = sb.view().map_err(JsValue::from).expect("view");
    assert_eq!(get(&get(&view, "config"), "overlay").as_bool(), Some(true));
    let tree = get(&view, "tree");
    let layers = Array::from(&get(&tree, "layers"));
    assert!(layers.iter().any(|l| s(&l, "fs") == "tmpfs"));
    let r = source_ref(js("mountSubmount"))
        .map_err(JsValue::from)
        .expect("ref");
    assert!(s(&r, "url").ends_with("runsc/boot/fs.go#L295-L353"));
}

#[wasm_bindgen_test]
fn fatal_setup_is_marked() {
    let sb = Sandbox::new(
        js(r#"{"spec":{"ociVersion":"1.0.0","mounts":[{"destination":"/b","type":"bind"}]},"gofer_fds":[3]}"#),
        JsValue::UNDEFINED,
    )
    .map_err(JsValue::from)
    .expect("builds");
    let report = sb.report().map_err(JsValue::from).expect("report");
    assert_eq!(get(&report, "fatal").as_bool(), Some(true));
    assert!(s(&report, "error").contains("fdDispenser out of fds"));
}

/// `replay` through the binding: one result per step, an invalid step a
/// result of kind "invalid"; `defaultConfig` is `BootConfig::default()`.
#[wasm_bindgen_test]
fn replays_steps_and_gives_the_default_config() {
    let mut sb = sandbox();
    let r: Array = sb
        .replay(js(
            r#"[{"sh":"ls /"},{"bogus":1},{"container":{"destroy":"ghost"}}]"#,
        ))
        .map_err(JsValue::from)
        .expect("replay")
        .into();
    let kinds: Vec<String> = r.iter().map(|x| s(&x, "kind")).collect();
    assert_eq!(kinds, ["sh", "invalid", "destroy"]);
    assert_eq!(get(&r.get(1), "ok").as_bool(), Some(false));
    assert_eq!(s(&r.get(2), "error"), "unknown container \"ghost\"");
    let steps: Array = sb.steps().map_err(JsValue::from).expect("steps").into();
    assert_eq!(steps.length(), 2);
    assert!(sb.replay(js("{}")).is_err());
    let c = default_config_js().map_err(JsValue::from).expect("config");
    assert_eq!(get(&c, "overlay").as_bool(), Some(false));
    assert_eq!(s(&c, "file_access"), "exclusive");
}

/// The engine selector's seam: `new Sandbox(text, {engine})` builds each
/// engine; its view names it, draws a tree, and the 9P inspector's note
/// says what stands in for the gofer (or that runc has none).
#[wasm_bindgen_test]
fn each_engine_builds_through_the_binding() {
    for engine in ["runsc-2018", "runsc", "runc"] {
        let o = js_sys::Object::new();
        Reflect::set(&o, &js("engine"), &js(engine)).expect("set");
        let sb = Sandbox::new(js(DEFAULT), o.into())
            .map_err(JsValue::from)
            .unwrap_or_else(|e| panic!("{engine}: {e:?}"));
        assert_eq!(sb.engine(), engine);
        let view = sb.view().map_err(JsValue::from).expect("view");
        assert_eq!(s(&view, "engine"), engine);
        assert_eq!(s(&get(&view, "report"), "engine"), engine);
        assert_eq!(s(&get(&view, "tree"), "path"), "/");
        let note = s(&view, "connections_note");
        match engine {
            "runc" => assert_eq!(note, "runc has no gofer: the kernel mounts directly"),
            "runsc" => assert!(note.contains("LISAFS"), "{note}"),
            _ => assert_eq!(note, ""),
        }
        let mounts = sb
            .proc_mounts(JsValue::UNDEFINED)
            .map_err(JsValue::from)
            .expect("mounts");
        assert!(!mounts.is_empty(), "{engine}");
    }
}

/// The editor's ranges cross as plain objects, in UTF-16 offsets.
#[wasm_bindgen_test]
fn mount_ranges_and_locations_cross_in_utf16() {
    let text = "{\"ociVersion\": \"é\",\n \"mounts\": [{\"destination\": \"/a\"}]}";
    let r: Array = mount_ranges(js(text))
        .map_err(JsValue::from)
        .expect("ranges")
        .into();
    assert_eq!(r.length(), 1);
    let m = r.get(0);
    assert_eq!(get(&m, "index").as_f64(), Some(0.0));
    // "é" is one UTF-16 unit: the entry starts at 32, not 33 (its byte offset).
    assert_eq!(get(&m, "from").as_f64(), Some(32.0));
    assert_eq!(get(&m, "line").as_f64(), Some(2.0));
    let path = Array::of2(&"mounts".into(), &JsValue::from_f64(0.0));
    let at = locate_json(js(text), path.into())
        .map_err(JsValue::from)
        .expect("locate");
    assert_eq!(get(&at, "from").as_f64(), Some(32.0));
    assert!(locate_json(js(text), js("not a path")).is_err());
}
