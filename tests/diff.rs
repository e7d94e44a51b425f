//! `crate::compare`: one spec through the three engines aligned by
//! destination, and one engine before and after a toggle.
//!
//! The `runc spec` default (`41-runc-spec.json`, runc 1.1.5's `runc spec`)
//! is pinned whole, text and JSON, in `tests/diff/`; each row was checked
//! against the runtimes' source (see the README's `mountlab diff` section
//! and the report of #17). `MOUNTLAB_BLESS=1 cargo test --test diff`
//! rewrites the pinned files: check them before committing.

use mountlab::compare::run::compare_runs;
use mountlab::compare::{compare_engines, text::render, CompareFlags, DiffOutcome, MountDiff};
use mountlab::playground::Overrides;
use std::path::Path;

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/specs/realworld");
const PINNED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/diff");

fn spec(name: &str) -> String {
    let p = Path::new(SPECS).join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn diff_of(text: &str, flags: &CompareFlags) -> MountDiff {
    compare_engines(text, flags)
        .unwrap_or_else(|e| panic!("compare: {e}"))
        .0
}

/// Compares `actual` with the pinned file `name`, or rewrites it under
/// `MOUNTLAB_BLESS=1`.
fn pinned(name: &str, actual: &str) {
    let p = Path::new(PINNED).join(name);
    if std::env::var_os("MOUNTLAB_BLESS").is_some() {
        std::fs::write(&p, actual).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        return;
    }
    let expected = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    assert_eq!(
        actual, expected,
        "{name} differs (MOUNTLAB_BLESS=1 cargo test --test diff rewrites it; check first)"
    );
}

#[test]
fn runc_spec_default_text_is_pinned() {
    let d = diff_of(&spec("41-runc-spec.json"), &CompareFlags::default());
    pinned("41-runc-spec.txt", &render(&d, false));
    pinned("41-runc-spec.all.txt", &render(&d, true));
}

#[test]
fn runc_spec_default_json_is_pinned() {
    let d = diff_of(&spec("41-runc-spec.json"), &CompareFlags::default());
    let mut json = serde_json::to_string_pretty(&d).unwrap_or_default();
    json.push('\n');
    pinned("41-runc-spec.json", &json);
}

/// The order column's rule: the root is 0 on every engine (today's runsc's
/// `mount_order` lists `/` first, runsc 2018's and runc's leave it out),
/// and the mounts below it count from 1 without a gap.
#[test]
fn root_is_order_zero_on_every_engine() {
    let d = diff_of(&spec("41-runc-spec.json"), &CompareFlags::default());
    let root = d.rows.first().expect("rows");
    assert_eq!(root.destination, "/");
    for (name, cell) in &root.engines.0 {
        assert_eq!(cell.order, Some(0), "{name}");
    }
    for name in &d.engines {
        let mut orders: Vec<usize> = d
            .rows
            .iter()
            .filter_map(|r| r.engines.get(name).and_then(|c| c.order))
            .collect();
        orders.sort_unstable();
        let want: Vec<usize> = (0..orders.len()).collect();
        assert_eq!(orders, want, "{name}");
    }
}

/// The issue's example reason, on `/sys` of the runc spec (nosuid, noexec,
/// nodev, ro): runsc 2018's `mountFlags` keeps only rw, ro and noatime;
/// today's `ParseMountOptions` adds noexec and nosuid; runc's
/// `parseMountOptions` takes mount(8)'s whole table.
#[test]
fn flags_reason_names_each_engines_rule() {
    let d = diff_of(&spec("41-runc-spec.json"), &CompareFlags::default());
    let sys = d
        .rows
        .iter()
        .find(|r| r.destination == "/sys")
        .expect("/sys");
    assert_eq!(
        sys.reason.as_deref(),
        Some(
            "runsc 2018 ignores `nodev`, `noexec`, `nosuid` (`mountFlags`: only rw, ro, noatime); \
             runsc sets `noexec`, `nosuid`, ignores `nodev` (`ParseMountOptions`: only ro, noatime, noexec, nosuid); \
             runc sets `MS_NODEV`, `MS_NOEXEC`, `MS_NOSUID` (`parseMountOptions`: mount(8)'s option table)"
        )
    );
    let runc = sys.engines.get("runc").expect("runc");
    assert_eq!(runc.function, Some("parseMountOptions"));
    assert_eq!(runc.flags, ["nodev", "noexec", "nosuid"]);
}

#[test]
fn engines_subset_keeps_its_order() {
    let flags = CompareFlags {
        engines: Some(vec!["runc".into(), "runsc-2018".into()]),
        ..CompareFlags::default()
    };
    let d = diff_of(&spec("41-runc-spec.json"), &flags);
    assert_eq!(d.engines, ["runc", "runsc-2018"]);
    for r in &d.rows {
        let names: Vec<&str> = r.engines.0.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["runc", "runsc-2018"], "{}", r.destination);
    }
}

#[test]
fn bad_engine_names_are_refused() {
    let text = spec("41-runc-spec.json");
    for (names, msg) in [
        (
            vec!["runsc-2019"],
            "engine \"runsc-2019\" is not available (known: runsc-2018, runsc, runc)",
        ),
        (vec!["runc", "runc"], "engine runc is named twice"),
        (vec![], "no engine to compare"),
    ] {
        let flags = CompareFlags {
            engines: Some(names.iter().map(|s| s.to_string()).collect()),
            ..CompareFlags::default()
        };
        match compare_engines(&text, &flags) {
            Err(e) => assert_eq!(e.to_string(), msg),
            Ok(_) => panic!("{names:?} accepted"),
        }
    }
}

/// One engine alone agrees with itself: no row differs, no reason.
#[test]
fn one_engine_agrees() {
    for e in ["runsc-2018", "runsc", "runc"] {
        let flags = CompareFlags {
            engines: Some(vec![e.into()]),
            ..CompareFlags::default()
        };
        let d = diff_of(&spec("41-runc-spec.json"), &flags);
        assert!(!d.differs(), "{e}");
        assert!(d.rows.iter().all(|r| r.reason.is_none()), "{e}");
    }
}

const BIND: &str = r#"{"ociVersion": "1.0.0", "root": {"path": "rootfs"},
  "mounts": [{"destination": "/data", "type": "bind", "source": "/data", "options": ["rbind"]},
             {"destination": "/ro", "type": "bind", "source": "/ro", "options": ["rbind", "ro"]}]}"#;

/// runsc 2018's `--overlay` toggled: `addOverlay` puts a tmpfs upper over
/// the root and over the writable bind only (`useOverlay = conf.Overlay &&
/// !mountFlags(m.Options).ReadOnly`, `getMountNameAndOptions`); the
/// read-only bind and the mounts runsc adds do not change.
#[test]
fn overlay_toggle_changes_the_root_and_the_writable_bind() {
    let off = Overrides {
        engine: Some("runsc-2018".into()),
        ..Overrides::default()
    };
    let on = Overrides {
        overlay: Some(true),
        ..off.clone()
    };
    let d = compare_runs((BIND, &off), (BIND, &on)).expect("runs");
    assert_eq!(d.engines, ["before", "after"]);
    let changed: Vec<&str> = d
        .rows
        .iter()
        .filter(|r| r.differs)
        .map(|r| r.destination.as_str())
        .collect();
    assert_eq!(changed, ["/", "/data"]);
    let data = d
        .rows
        .iter()
        .find(|r| r.destination == "/data")
        .expect("/data");
    let after = data.engines.get("after").expect("after");
    assert_eq!(
        after.layers.first().map(String::as_str),
        Some("tmpfs upper")
    );
    // Writable through the upper, although its 9p lower is forced read-only.
    assert_eq!(after.ro, Some(false));
    assert_eq!(after.function, Some("getMountNameAndOptions"));
    // The same run twice: nothing changed.
    let same = compare_runs((BIND, &on), (BIND, &on)).expect("runs");
    assert!(!same.differs());
}

/// runc `--rootless` on a spec without a user namespace: runc refuses it
/// (`rootless container requires user namespaces`, libcontainer's
/// `validateRootless`), so no spec mount is reached, and every row says
/// the setup's error, not a mount's.
#[test]
fn rootless_runc_without_userns_fails_every_spec_mount() {
    let flags = CompareFlags {
        engines: Some(vec!["runsc".into(), "runc".into()]),
        rootless: Some(true),
        ..CompareFlags::default()
    };
    let d = diff_of(&spec("41-runc-spec.json"), &flags);
    let cell = |dest: &str| {
        d.rows
            .iter()
            .find(|r| r.destination == dest)
            .and_then(|r| r.engines.get("runc"))
            .cloned()
            .unwrap_or_else(|| panic!("{dest}"))
    };
    // The engine records the refusal on the first spec mount.
    let proc = cell("/proc");
    assert_eq!(proc.outcome, DiffOutcome::Failed);
    assert_eq!(
        proc.reason.as_deref(),
        Some(
            "fails: rootless container requires user namespaces (after `createLibcontainerMount`)"
        )
    );
    let dev = cell("/dev");
    assert_eq!(dev.outcome, DiffOutcome::Failed);
    assert_eq!(
        dev.reason.as_deref(),
        Some("is not reached (setup failed: rootless container requires user namespaces)")
    );
    assert_eq!(dev.function, None);
}

/// The page's `compareEngines`: each engine's view is the one `new
/// Sandbox(text, {engine, …})` gives, and on a spec without steps its
/// diff is `mountlab diff`'s.
#[test]
fn page_views_diff_is_the_cli_diff() {
    use mountlab::compare::run::compare_views;
    use mountlab::playground::Playground;
    let text = spec("41-runc-spec.json");
    let flags = CompareFlags {
        overlay2: Some("none".into()),
        ..CompareFlags::default()
    };
    let (page, views) = compare_views(&text, &flags).expect("views");
    assert_eq!(page, diff_of(&text, &flags));
    let engines: Vec<&str> = views.iter().map(|v| v.report.engine.name()).collect();
    assert_eq!(engines, ["runsc-2018", "runsc", "runc"]);
    let runsc = Playground::build_with(
        &text,
        &Overrides {
            engine: Some("runsc".into()),
            overlay2: Some("none".into()),
            ..Overrides::default()
        },
    )
    .expect("sandbox")
    .view_dto();
    let v = views.get(1).expect("runsc view");
    assert_eq!(v.report, runsc.report);
    assert_eq!(v.tree, runsc.tree);
    // A writable root: today's runsc overlays it by default
    // (`--overlay2=root:self`), and mounts it straight over 9p with
    // `--overlay2=none`.
    let root_fs = |overlay2: Option<&str>| {
        let flags = CompareFlags {
            engines: Some(vec!["runsc".into()]),
            overlay2: overlay2.map(str::to_string),
            ..CompareFlags::default()
        };
        let (d, _) = compare_views(BIND, &flags).expect("views");
        d.rows
            .first()
            .and_then(|r| r.engines.get("runsc"))
            .and_then(|c| c.fs.clone())
    };
    assert_eq!(root_fs(None).as_deref(), Some("overlay"));
    assert_eq!(root_fs(Some("none")).as_deref(), Some("9p"));
}

/// The page's `compareEngines` builds only each engine's report and tree
/// (no `View`): they are the ones `new Sandbox(text, {engine, …})`'s view
/// holds, on every preset of the page, with and without each engine's
/// flags.
#[test]
fn page_runs_are_the_sandboxes_report_and_tree() {
    use mountlab::compare::run::compare_views;
    use mountlab::playground::Playground;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/presets");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("presets")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.ends_with("index.json"))
        .collect();
    names.sort();
    let flagged = CompareFlags {
        overlay: Some(true),
        overlay2: Some("none".into()),
        rootless: Some(true),
        ..CompareFlags::default()
    };
    let mut checked = 0;
    for p in &names {
        let text = std::fs::read_to_string(p).expect("preset");
        for flags in [CompareFlags::default(), flagged.clone()] {
            let (_, runs) =
                compare_views(&text, &flags).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert_eq!(runs.len(), 3);
            for r in &runs {
                let e = r.report.engine;
                let view = Playground::build_with(&text, &flags.overrides_for(e))
                    .unwrap_or_else(|err| panic!("{} on {e}: {err}", p.display()))
                    .view_dto();
                assert_eq!(r.report, view.report, "{} on {e}", p.display());
                assert_eq!(r.tree, view.tree, "{} on {e}", p.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 6 * 14, "{checked}");
}
