//! The 9P inspector's view of a session: exchanges grouped under the step
//! that caused them, and setup's expected errors explained (#18).

use mountlab::playground::Playground;

const DOCKER: &str = include_str!("../www/presets/docker-default.json");

#[test]
fn exchanges_are_grouped_under_the_step_that_caused_them() {
    let mut p = Playground::build(DOCKER, Some(false), None).unwrap();
    p.run_line("cat /etc/passwd", None).unwrap();
    p.run_line("pwd", None).unwrap();
    p.run_line("cat /data/nope", None).unwrap();
    let v = p.view_dto();
    assert_eq!(
        v.ninep_groups,
        ["setup", "$ cat /etc/passwd", "$ pwd", "$ cat /data/nope"]
    );
    let root = &v.connections[0];
    // The connection opens with its handshake, made at setup.
    let first: Vec<(&str, usize)> = root
        .messages
        .iter()
        .take(2)
        .map(|m| (m.name, m.group))
        .collect();
    assert_eq!(first, [("Tversion", 0), ("Tattach", 0)]);
    let cat: Vec<&str> = root
        .messages
        .iter()
        .filter(|m| m.group == 1)
        .map(|m| m.name)
        .collect();
    assert!(cat.contains(&"Tread"), "{cat:?}");
    assert!(
        root.messages.iter().all(|m| m.group != 2),
        "pwd talks to no gofer"
    );
    let data = v.connections.iter().find(|c| c.attach == "/data").unwrap();
    let nope: Vec<(&str, &str)> = data
        .messages
        .iter()
        .filter(|m| m.group == 3)
        .map(|m| (m.name, m.reply_name))
        .collect();
    assert_eq!(nope, [("Twalkgetattr", "Rlerror")]);
}

#[test]
fn setup_walks_that_miss_are_expected_and_say_why() {
    let p = Playground::build(DOCKER, Some(false), None).unwrap();
    let v = p.view_dto();
    let errors: Vec<(String, Option<String>)> = v.connections[0]
        .messages
        .iter()
        .filter(|m| m.errno.is_some())
        .map(|m| (m.request.clone(), m.expected.clone()))
        .collect();
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(errors.iter().all(|(_, e)| e.is_some()), "{errors:?}");
    assert_eq!(
        errors[0].1.as_deref(),
        Some("expected: setup looks \"dev\" up on the host and it is not there; the mount point is a stub directory in the ramfs that addSubmountOverlay lays over the root (fs.go:491), and the overlay asks its lower (the gofer) for every name it looks up")
    );
    // Successes carry no explanation.
    assert!(v.connections[0]
        .messages
        .iter()
        .filter(|m| m.errno.is_none())
        .all(|m| m.expected.is_none()));
}

#[test]
fn a_command_that_misses_is_explained_as_its_own_enoent() {
    let mut p = Playground::build(DOCKER, Some(false), None).unwrap();
    p.run_line("cat /data/nope", None).unwrap();
    let v = p.view_dto();
    let data = v.connections.iter().find(|c| c.attach == "/data").unwrap();
    let m = data.messages.iter().find(|m| m.group == 1).unwrap();
    assert_eq!(
        m.expected.as_deref(),
        Some("expected: a lookup that found nothing; \"nope\" is not on the host (the command's own ENOENT, or an overlay asking its lower for a name only its upper has)")
    );
}
