//! What a toggle or an edit changed, mount by mount, and the sentence
//! saying it (#18).

use mountlab::playground::{mount_changes_of, MountChanges, Overrides};

const DOCKER: &str = include_str!("../www/presets/docker-default.json");

fn overlay(on: bool) -> Overrides {
    Overrides {
        overlay: Some(on),
        ..Overrides::default()
    }
}

/// The changes as (path, label) pairs, in path order.
fn labels(c: &MountChanges) -> Vec<(&str, &str)> {
    c.changes
        .iter()
        .map(|(p, l)| (p.as_str(), l.as_str()))
        .collect()
}

#[test]
fn overlay_on_puts_an_upper_over_the_writable_mounts() {
    let c = mount_changes_of(
        (DOCKER, &overlay(false)),
        (DOCKER, &overlay(true)),
        "--overlay",
    )
    .unwrap();
    let got = labels(&c);
    // fs.go's addOverlay: the root and every writable gofer (bind) mount;
    // tmpfs, proc, sys and devpts are left as they are.
    assert_eq!(
        got,
        [
            ("/", "+ upper"),
            ("/data", "+ upper"),
            ("/etc/hostname", "+ upper"),
            ("/etc/hosts", "+ upper"),
            ("/etc/resolv.conf", "+ upper"),
        ]
    );
    assert_eq!(c.sentence, "--overlay put a tmpfs upper over 5 mounts");
}

#[test]
fn overlay_off_takes_the_uppers_off() {
    let c = mount_changes_of(
        (DOCKER, &overlay(true)),
        (DOCKER, &overlay(false)),
        "--overlay",
    )
    .unwrap();
    assert_eq!(c.changes.len(), 5);
    assert_eq!(c.sentence, "--overlay took the upper off 5 mounts");
}

#[test]
fn an_edit_names_new_gone_and_ro_mounts() {
    let before = r#"{"ociVersion":"1.0.0","root":{"path":"r"},"mounts":[
        {"destination":"/a","type":"tmpfs","source":"none"},
        {"destination":"/b","type":"bind","source":"/h","options":["rw"]}]}"#;
    let after = r#"{"ociVersion":"1.0.0","root":{"path":"r"},"mounts":[
        {"destination":"/b","type":"bind","source":"/h","options":["ro"]},
        {"destination":"/c","type":"tmpfs","source":"none"}]}"#;
    let o = Overrides::default();
    let c = mount_changes_of((before, &o), (after, &o), "the edit").unwrap();
    let got = labels(&c);
    // The root's stub directories follow the mounts under it.
    assert_eq!(
        got,
        [
            ("/", "stubs"),
            ("/a", "gone"),
            ("/b", "rw → ro"),
            ("/c", "new")
        ]
    );
    assert_eq!(
        c.sentence,
        "the edit added 1 mount, removed 1 mount, changed 1 mount"
    );
    let same = mount_changes_of((before, &o), (before, &o), "--file-access").unwrap();
    assert!(same.changes.is_empty());
    assert_eq!(same.sentence, "--file-access changed no mount");
}

/// fs.go's p9MountOptions: `--file-access=shared` adds
/// `cache=remote_revalidating` to the root's 9p mount only; binds always
/// have it (getMountNameAndOptions passes FileAccessShared for them).
#[test]
fn file_access_names_the_option_it_sets() {
    let fa = |v: &str| Overrides {
        file_access: Some(v.into()),
        ..Overrides::default()
    };
    let c = mount_changes_of(
        (DOCKER, &fa("exclusive")),
        (DOCKER, &fa("shared")),
        "--file-access",
    )
    .unwrap();
    assert_eq!(labels(&c), [("/", "+ cache=remote_revalidating")]);
    assert_eq!(
        c.sentence,
        "--file-access set cache=remote_revalidating on 1 mount"
    );
    let c = mount_changes_of(
        (DOCKER, &fa("shared")),
        (DOCKER, &fa("exclusive")),
        "--file-access",
    )
    .unwrap();
    assert_eq!(
        c.sentence,
        "--file-access took cache=remote_revalidating off 1 mount"
    );
}
