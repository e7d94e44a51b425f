//! runsc-today.md §7: `mountTmp` (runsc/boot/vfs.go at 3c5eee17) runs
//! after every submount and mounts a `mode=01777` tmpfs at `/tmp` only over
//! a missing or empty directory, never when a compiled mount's destination
//! is exactly `/tmp`.

#[path = "fixtures/runsc/common.rs"]
mod common;
use common::*;
use mountlab::engines::runsc::events::RunscEvent;

const TMPFS: &str = "none /tmp tmpfs rw,mode=01777 0 0";

fn tmp_lines(r: &mountlab::engines::runsc::RunscRun) -> Vec<String> {
    r.proc_mounts()
        .into_iter()
        .filter(|l| l.starts_with("none /tmp "))
        .collect()
}

#[test]
fn empty_tmp_gets_the_internal_tmpfs() {
    let r = run(&spec("[]", ""));
    ok(&r);
    assert_eq!(tmp_lines(&r), [TMPFS]);
    assert!(r.events.contains(&RunscEvent::TmpOverEmpty));
    assert!(r
        .log
        .entries
        .iter()
        .any(|e| e.text == "Mounting internal tmpfs on top of empty \"/tmp\""));
}

#[test]
fn missing_tmp_is_created_then_covered() {
    let r = run_with(
        &spec("[]", ""),
        &Default::default(),
        &tree(r#"{"bin/sh": ""}"#),
        &[],
    );
    ok(&r);
    assert_eq!(tmp_lines(&r), [TMPFS]);
    assert!(r.events.contains(&RunscEvent::TmpMissing));
    assert!(r.events.contains(&RunscEvent::MountPointCreated {
        destination: "/tmp".into(),
        kind: "dir".into()
    }));
}

/// A non-empty image `/tmp` keeps its files: no tmpfs.
#[test]
fn non_empty_tmp_is_left_alone() {
    let r = run_with(
        &spec("[]", ""),
        &Default::default(),
        &tree(r#"{"bin/sh": "", "tmp/keep": "x"}"#),
        &[],
    );
    ok(&r);
    assert!(tmp_lines(&r).is_empty());
    assert!(r.events.contains(&RunscEvent::TmpNotEmpty));
}

/// "Not a dir?! Let it be."
#[test]
fn file_tmp_is_left_alone() {
    let r = run_with(
        &spec("[]", ""),
        &Default::default(),
        &tree(r#"{"bin/sh": "", "tmp": "a file"}"#),
        &[],
    );
    ok(&r);
    assert!(tmp_lines(&r).is_empty());
    assert!(r.events.contains(&RunscEvent::TmpNotDir));
}

/// A submount under `/tmp` creates its mount point first, so `/tmp` is not
/// empty any more.
#[test]
fn a_submount_under_tmp_prevents_it() {
    let r = run(&spec(
        r#"[{"destination":"/tmp/cache","type":"tmpfs"}]"#,
        "",
    ));
    ok(&r);
    assert!(tmp_lines(&r).is_empty());
    assert!(r.events.contains(&RunscEvent::TmpNotEmpty));
}

/// An explicit `/tmp` (raw string equality).
#[test]
fn explicit_tmp_is_kept() {
    let r = run(&spec(
        r#"[{"destination":"/tmp","type":"tmpfs","options":["mode=755"]}]"#,
        "",
    ));
    ok(&r);
    assert_eq!(tmp_lines(&r), ["none /tmp tmpfs rw,mode=755 0 0"]);
    assert!(r.events.contains(&RunscEvent::TmpExplicit));
}

/// Derived quirk: `/tmp/` fails the raw equality; it is mounted (empty), so
/// the internal tmpfs is stacked on top of it.
#[test]
fn trailing_slash_tmp_stacks_two_tmpfs() {
    let r = run(&spec(r#"[{"destination":"/tmp/","type":"tmpfs"}]"#, ""));
    ok(&r);
    assert_eq!(tmp_lines(&r), ["none /tmp tmpfs rw 0 0", TMPFS]);
}

/// Derived (mountTmp, vfs.go:1280): `/tmp` is opened with
/// `O_RDONLY|O_DIRECTORY`; O_DIRECTORY makes the path "must be a directory"
/// (vfs.OpenAt), and `ResolvingPath.ShouldFollowSymlink` then follows the
/// final symlink although FollowFinalSymlink is false. So an image `/tmp`
/// linking to an empty directory gets the internal tmpfs, placed through
/// the link (makeMountPoint follows it), at `/var/tmp`.
#[test]
fn symlinked_tmp_is_followed() {
    let r = run_with(
        &spec("[]", ""),
        &Default::default(),
        &tree(
            r#"{"bin/sh": "", "var/tmp": {"type":"dir"}, "tmp": {"type":"symlink","target":"/var/tmp"}}"#,
        ),
        &[],
    );
    ok(&r);
    assert!(r.events.contains(&RunscEvent::TmpOverEmpty));
    let lines: Vec<String> = r
        .proc_mounts()
        .into_iter()
        .filter(|l| l.contains(" tmpfs "))
        .collect();
    assert_eq!(lines, ["none /var/tmp tmpfs rw,mode=01777 0 0"]);
    // A dangling link: the open is ENOENT, so the tmpfs is mounted, and the
    // mount point is made through the link.
    let r = run_with(
        &spec("[]", ""),
        &Default::default(),
        &tree(r#"{"bin/sh": "", "tmp": {"type":"symlink","target":"/nowhere"}}"#),
        &[],
    );
    assert!(r.events.contains(&RunscEvent::TmpMissing), "{:?}", r.events);
}
