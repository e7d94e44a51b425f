//! The `9p` filesystem against the in-memory gofer: writes reach the host
//! tree, host-side changes are seen under `remote_revalidating` and not under
//! `fscache`, and every operation is real 9P traffic.

use mountlab::engines::runsc2018::boot::{BootConfig, FileAccess, SpecView};
use mountlab::engines::runsc2018::loader::Loader;
use mountlab::p9::log::LogEntry;
use mountlab::scenario::Scenario;

fn sandbox(json: &str) -> Loader {
    let s = Scenario::from_json(json).unwrap();
    let sb = Loader::from_scenario(&s).unwrap();
    assert!(sb.setup_error.is_none(), "{:?}", sb.setup_error);
    sb
}

const BIND: &str = r#"{"spec":{"ociVersion":"1.0.0","root":{"path":"r"},
  "mounts":[{"destination":"/data","type":"bind","source":"/h","options":["rw"]}]},
  "host":{"/":{"etc/hostname":"sandbox\n"},"/data":{"a.txt":"one\n"}}}"#;

fn sh(sb: &mut Loader, line: &str) -> String {
    let out = sb.shell(line, None).unwrap();
    assert!(out.error.is_none(), "{line}: {:?}", out.error);
    out.output
}

fn host_file(sb: &Loader, path: &str) -> Option<String> {
    let g = sb.vfs.gofers().first()?;
    g.host()
        .file_content(path)
        .ok()
        .map(|b| String::from_utf8_lossy(b).into_owned())
}

#[test]
fn writes_through_a_bind_reach_the_host() {
    let mut sb = sandbox(BIND);
    sh(&mut sb, "write /data/b.txt hello");
    sh(&mut sb, "append /data/a.txt two");
    sh(&mut sb, "mkdir /data/sub");
    sh(&mut sb, "ln -s a.txt /data/link");
    sh(&mut sb, "mv /data/b.txt /data/sub/c.txt");
    assert_eq!(host_file(&sb, "/data/sub/c.txt").as_deref(), Some("hello"));
    assert_eq!(host_file(&sb, "/data/a.txt").as_deref(), Some("one\ntwo"));
    assert_eq!(host_file(&sb, "/data/b.txt"), None);
    assert_eq!(sh(&mut sb, "readlink /data/link"), "a.txt\n");
    assert_eq!(sh(&mut sb, "cat /data/link"), "one\ntwo");
    sh(&mut sb, "rm /data/sub/c.txt");
    sh(&mut sb, "rmdir /data/sub");
    assert_eq!(sh(&mut sb, "ls /data"), "a.txt\nlink\n");
    let report = sb.report();
    let data = &report.host["/data"];
    assert_eq!(
        data.keys().cloned().collect::<Vec<_>>(),
        [".", "a.txt", "link"]
    );
}

#[test]
fn writes_to_a_writable_root_reach_the_host_without_overlay_only() {
    let json = r#"{"spec":{"ociVersion":"1.0.0","root":{"path":"r"}},"host":{"/":{"etc/hostname":"sandbox\n"}}}"#;
    let mut sb = sandbox(json);
    sh(&mut sb, "write /etc/hostname changed");
    assert_eq!(host_file(&sb, "/etc/hostname").as_deref(), Some("changed"));

    let overlay = json.replacen("}}}", "}},\"config\":{\"overlay\":true}}", 1);
    let mut sb = sandbox(&overlay);
    sh(&mut sb, "write /etc/hostname changed");
    assert_eq!(sh(&mut sb, "cat /etc/hostname"), "changed");
    assert_eq!(
        host_file(&sb, "/etc/hostname").as_deref(),
        Some("sandbox\n")
    );
}

#[test]
fn remote_revalidating_sees_host_changes_and_fscache_does_not() {
    // Binds are always cache=remote_revalidating.
    let mut sb = sandbox(BIND);
    assert_eq!(sh(&mut sb, "cat /data/a.txt"), "one\n");
    {
        let host = sb.vfs.gofers_mut()[0].host_mut();
        host.insert_file("/data/a.txt", 0o644, b"changed on the host\n")
            .unwrap();
        host.insert_file("/data/new.txt", 0o644, b"new\n").unwrap();
    }
    assert_eq!(sh(&mut sb, "cat /data/a.txt"), "changed on the host\n");
    assert_eq!(sh(&mut sb, "ls /data"), "a.txt\nnew.txt\n");
    sb.vfs.gofers_mut()[0]
        .host_mut()
        .remove_all("/data/new.txt")
        .unwrap();
    let gone = sb.shell("cat /data/new.txt", None).unwrap();
    assert_eq!(gone.errno.as_deref(), Some("ENOENT"));

    // The root under exclusive file access is fscache: cached once read.
    assert_eq!(sh(&mut sb, "cat /etc/hostname"), "sandbox\n");
    sb.vfs.gofers_mut()[0]
        .host_mut()
        .insert_file("/etc/hostname", 0o644, b"host\n")
        .unwrap();
    assert_eq!(sh(&mut sb, "cat /etc/hostname"), "sandbox\n");
}

#[test]
fn shared_root_revalidates() {
    let spec = SpecView::from_json(r#"{"ociVersion":"1.0.0","root":{"path":"r"}}"#).unwrap();
    let config = BootConfig {
        overlay: false,
        file_access: FileAccess::Shared,
    };
    let mut sb = Loader::new(&spec, config, None, None).unwrap();
    assert!(sb.setup_error.is_none());
    assert_eq!(sh(&mut sb, "cat /etc/hostname"), "sandbox\n");
    sb.vfs.gofers_mut()[0]
        .host_mut()
        .insert_file("/etc/hostname", 0o644, b"host\n")
        .unwrap();
    assert_eq!(sh(&mut sb, "cat /etc/hostname"), "host\n");
    // A directory the host creates later shows up (it was only a stub or absent).
    sb.vfs.gofers_mut()[0]
        .host_mut()
        .mkdir_all("/opt/tool", 0o755)
        .unwrap();
    assert_eq!(sh(&mut sb, "ls /opt"), "tool\n");
}

#[test]
fn a_read_only_bind_gives_erofs_and_the_host_is_untouched() {
    let json = BIND.replace("\"options\":[\"rw\"]", "\"options\":[\"ro\"]");
    let mut sb = sandbox(&json);
    let out = sb.shell("write /data/a.txt x", None).unwrap();
    assert_eq!(
        out.error.as_deref(),
        Some("write: /data/a.txt: read-only file system")
    );
    assert_eq!(out.errno.as_deref(), Some("EROFS"));
    assert_eq!(host_file(&sb, "/data/a.txt").as_deref(), Some("one\n"));
}

#[test]
fn mount_and_file_operations_are_9p_traffic() {
    let mut sb = sandbox(BIND);
    // The message type of each request: `Twalk fid=1 ...` -> `Twalk`.
    let kinds_of = |log: &[LogEntry]| -> Vec<String> {
        log.iter()
            .map(|e| e.request().split(' ').next().unwrap_or("").to_string())
            .collect()
    };
    let log = sb.ninep_log();
    let kinds = kinds_of(&log);
    // Each connection starts with Tversion, Tattach, Tgetattr (eager Root()).
    assert!(kinds.len() >= 6, "{kinds:?}");
    assert_eq!(&kinds[..3], ["Tversion", "Tattach", "Tgetattr"]);
    let before = log.len();
    sh(&mut sb, "cat /data/a.txt");
    let log = sb.ninep_log();
    let new = kinds_of(log.get(before..).unwrap_or_default());
    for want in ["Twalkgetattr", "Tlopen", "Tread"] {
        assert!(new.iter().any(|k| k == want), "{new:?}");
    }
    for e in &log[before..] {
        assert!(!e.request_bytes().is_empty() && !e.reply_bytes().is_empty());
    }
}
