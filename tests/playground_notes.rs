//! The shell names what the overlay did underneath a line: copy-ups and
//! whiteouts (`copyUpLocked`, `overlayRemove`), which change the upper
//! without anything on screen saying so (#18).

use mountlab::playground::Playground;

const DOCKER: &str = include_str!("../www/presets/docker-default.json");

fn sandbox(overlay: bool) -> Playground {
    Playground::build(DOCKER, Some(overlay), None).unwrap()
}

#[test]
fn writing_a_lower_file_names_its_copy_up() {
    let mut p = sandbox(true);
    let cat = p.run_line("cat /etc/passwd", None).unwrap();
    assert!(cat.notes.is_empty(), "{:?}", cat.notes);
    let r = p.run_line("append /etc/passwd x", None).unwrap();
    assert_eq!(
        r.notes,
        [
            "copied up directory /etc into the tmpfs upper",
            "copied up /etc/passwd: 74 B read over 9P into the tmpfs upper",
        ]
    );
    // Already up: a second write copies nothing.
    let r = p.run_line("append /etc/passwd y", None).unwrap();
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn removing_a_lower_file_names_its_whiteout() {
    let mut p = sandbox(true);
    let r = p.run_line("rm /etc/group", None).unwrap();
    assert_eq!(r.report.output.as_deref(), Some(""));
    assert_eq!(
        r.notes,
        [
            "copied up directory /etc into the tmpfs upper",
            "rm made a whiteout over /etc/group in the upper",
        ]
    );
}

#[test]
fn without_overlay_nothing_is_copied_up() {
    let mut p = sandbox(false);
    let r = p.run_line("append /etc/passwd x", None).unwrap();
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["notes"], serde_json::json!([]));
}

#[test]
fn the_view_keeps_each_steps_notes_for_a_replay() {
    let mut p = sandbox(true);
    p.run_line("ls /", None).unwrap();
    p.run_line("rm /etc/group", None).unwrap();
    let v = p.view_dto();
    assert_eq!(v.step_notes.len(), 2);
    assert!(v.step_notes[0].is_empty());
    assert_eq!(
        v.step_notes[1].last().map(String::as_str),
        Some("rm made a whiteout over /etc/group in the upper")
    );
}
