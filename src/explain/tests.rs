//! The why sentences of the presets' mounts, exactly, on each engine.

use super::{explain_report, MountWhy};
use crate::playground::{Overrides, Playground};

fn preset(name: &str) -> String {
    let p = format!("{}/www/presets/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The why of the first decision at `dest`, on `engine` (the scenario's
/// when `None`).
fn why_on(text: &str, engine: Option<&str>, dest: &str) -> MountWhy {
    let o = Overrides {
        engine: engine.map(str::to_string),
        ..Overrides::default()
    };
    let pg = Playground::build_with(text, &o).expect("builds");
    let r = pg.engine().report();
    let i = r
        .decisions
        .iter()
        .position(|d| d.destination == dest)
        .unwrap_or_else(|| panic!("no decision at {dest}"));
    explain_report(&r).swap_remove(i)
}

fn why_of(text: &str, dest: &str) -> MountWhy {
    why_on(text, None, dest)
}

#[test]
fn a_mandatory_tmp_says_compile_mounts_added_it() {
    let w = why_of(&preset("docker-default.json"), "/tmp");
    assert_eq!(w.sentence, "runsc mounted a tmpfs at /tmp because the spec has no /tmp and compileMounts adds an empty tmpfs there (it hides the image's /tmp).");
    assert_eq!((w.quirk, w.fix), (None, None));
}

#[test]
fn a_bind_says_the_gofer_serves_it_and_marks_the_cache_quirk() {
    let w = why_of(&preset("docker-default.json"), "/data");
    assert_eq!(w.sentence, "runsc mounted /data over 9P because spec.mounts[6] binds the host path \"/srv/project-data\", and the sandbox cannot open host files itself: the gofer serves it on FD 4.");
    assert_eq!(w.quirk.as_deref(), Some("A runsc 2018 quirk: a bind is always cache=remote_revalidating, whatever --file-access says (getMountNameAndOptions passes FileAccessShared); only the root follows the flag."));
}

#[test]
fn the_read_only_root_is_marked_as_a_quirk() {
    let text = preset("runc-spec.json");
    let w = why_of(&text, "/");
    assert_eq!(w.sentence, "runsc mounted / over 9P because it is the container's root filesystem (spec.root), and the sandbox cannot open host files itself: the gofer serves it on FD 3.");
    assert_eq!(w.quirk.as_deref(), Some("A runsc 2018 quirk: /proc/mounts shows the outer overlay's flags (rw); the filesystem underneath is ro, so writes to / fail with EROFS. addSubmountOverlay lays a writable overlay (fs.MountSourceFlags{}) over the read-only mount to hold the stub directories."));
    let sys = why_of(&text, "/sys");
    assert!(sys
        .quirk
        .is_some_and(|q| q.contains("writes to /sys fail with EROFS")));
    // A writable root has no such quirk.
    assert_eq!(why_of(&preset("docker-default.json"), "/").quirk, None);
}

#[test]
fn dropped_and_ignored_mounts_say_which_function_left_them_out() {
    let text = preset("docker-default.json");
    assert_eq!(why_of(&text, "/dev/shm").sentence, "runsc did not mount spec.mounts[10] (bind at /dev/shm): compileMounts drops a spec mount of a /dev path the sandbox provides itself (IsSupportedDevMount).");
    assert_eq!(why_of(&text, "/dev/mqueue").sentence, "runsc skipped spec.mounts[5]: it has no \"mqueue\" filesystem, and getMountNameAndOptions ignores a type it does not know with a warning, not an error.");
}

#[test]
fn a_symlinked_destination_says_cause_and_fix() {
    let text = preset("symlink-destination.json");
    let w = why_of(&text, "/var/run");
    assert_eq!(w.sentence, "Setup failed here: runsc could not mount spec.mounts[1] at /var/run: failed to find mount destination \"/var/run\": too many levels of symbolic links.");
    assert_eq!(w.fix.as_deref(), Some("/var/run is a symlink to \"../run\" in the image, and mountSubmount looks the destination up with maxTraversals=0, so it fails with ELOOP instead of following it. Fix: mount at /run (where the link points) instead of /var/run."));
    assert_eq!(why_of(&text, "/__runsc_containers__").sentence, "runsc never got to /__runsc_containers__: setup stopped earlier at /var/run, so this mount was never made.");
}

#[test]
fn running_out_of_gofer_fds_counts_what_was_needed() {
    let mut v: serde_json::Value =
        serde_json::from_str(&preset("docker-default.json")).expect("json");
    v["gofer_fds"] = serde_json::json!([3, 4]);
    let w = why_of(&v.to_string(), "/etc/resolv.conf");
    assert_eq!(w.sentence, "Setup failed here: runsc could not mount spec.mounts[7] at /etc/resolv.conf: fdDispenser out of fds.");
    assert_eq!(w.fix.as_deref(), Some("needs 5 FDs: root + 4 binds; the scenario gave 2; ran out at /etc/resolv.conf. Fix: give it 5 gofer FDs (the scenario's \"gofer_fds\", runsc's --io-fds: root first, then the binds in spec order), or drop 3 binds."));
}

#[test]
fn the_other_engines_speak_for_themselves() {
    let text = preset("docker-default.json");
    assert_eq!(why_on(&text, Some("runc"), "/data").sentence, "runc bind-mounted the host path \"/srv/project-data\" at /data because spec.mounts[6] asks for it.");
    assert_eq!(why_on(&text, Some("runc"), "/").sentence, "runc bind-mounted \"/var/lib/docker/overlay2/3f2a9c1b7e04/merged\" at / because it is the container's root filesystem (spec.root), which runc then pivots into.");
    assert_eq!(why_on(&text, Some("runsc"), "/dev").sentence, "runsc mounted its dev filesystem at /dev because spec.mounts[1] asks for tmpfs, which runsc mounts as dev.");
    // No 2018 quirk is claimed for today's runsc.
    assert_eq!(why_on(&text, Some("runsc"), "/data").quirk, None);
}
