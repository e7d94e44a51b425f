//! The `mountlab` command line against the real binary: `preview` on the
//! default `config.json` of Docker and of `runc spec` (what §12 of the
//! semantics doc predicts), and `run` on bad input (exit 2, JSON path named).

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn mountlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .args(args)
        .output()
        .expect("mountlab runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn preview(file: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let path = fixture(file);
    let mut args = vec!["preview", path.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    let out = mountlab(&args);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// `runc spec`: a read-only root, procfs and a read-only sysfs from the spec
/// (so only /tmp is prepended), the spec's /dev, /dev/pts and /dev/shm
/// dropped, mqueue and cgroup ignored but still stubbed, one gofer FD.
#[test]
fn preview_runc_spec_default() {
    let (code, out, err) = preview("runc-spec-config.json", &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "\
TARGET                   FSTYPE     OPTIONS  GOFER  LAYERS (top first)
/                        overlayfs  rw       fd 3   9p / > stubs[tmp dev dev/pts proc dev/mqueue sys sys/fs/cgroup __runsc_containers__ dev sys proc tmp]
├─/tmp                   tmpfs      rw              tmpfs
├─/dev                   overlayfs  rw              devtmpfs > stubs[pts mqueue]
│ └─/dev/pts             devpts     rw              devpts
├─/proc                  proc       rw              proc
├─/sys                   overlayfs  rw              sysfs > stubs[fs/cgroup]
└─/__runsc_containers__  tmpfs      rw              tmpfs
"
    );
    assert_eq!(
        err,
        "\
warning: ignoring dev mount at \"/dev\"
warning: ignoring dev mount at \"/dev/pts\"
warning: ignoring dev mount at \"/dev/shm\"
warning: ignoring unknown filesystem type \"mqueue\"
warning: ignoring unknown mount option \"nosuid\"
warning: ignoring unknown mount option \"noexec\"
warning: ignoring unknown mount option \"nodev\"
warning: ignoring unknown filesystem type \"cgroup\"
"
    );
    // The read-only root still shows as `overlayfs rw`, and the `ro` sysfs
    // as `overlayfs rw` too: its stub overlay (for sys/fs/cgroup) has flags {}.
    let (code, out, _) = preview("runc-spec-config.json", &["--format", "mounts"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "\
none / overlayfs rw 0 0
none /tmp tmpfs rw 0 0
none /dev overlayfs rw 0 0
none /dev/pts devpts rw 0 0
none /proc proc rw 0 0
none /sys overlayfs rw 0 0
none /__runsc_containers__ tmpfs rw 0 0
"
    );
    let (code, out, _) = preview("runc-spec-config.json", &["--format", "mountinfo"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "\
1 1 0:0 / / rw - overlayfs none rw
2 1 0:0 / /tmp rw - tmpfs none rw
3 1 0:0 / /dev rw - overlayfs none rw
4 3 0:0 / /dev/pts rw - devpts none rw
5 1 0:0 / /proc rw - proc none rw
6 1 0:0 / /sys rw - overlayfs none rw
7 1 0:0 / /__runsc_containers__ rw - tmpfs none rw
"
    );
}

/// Docker's default: a writable root, the three file binds (resolv.conf,
/// hostname, hosts) on gofer FDs 4-6, the `/dev/shm` bind dropped (and given
/// no FD), warnings for every unknown option in mount order.
#[test]
fn preview_docker_default() {
    let (code, out, err) = preview("docker-default-config.json", &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "\
TARGET                   FSTYPE     OPTIONS  GOFER  LAYERS (top first)
/                        overlayfs  rw       fd 3   9p / > stubs[tmp dev dev/pts proc sys sys/fs/cgroup dev/mqueue etc/resolv.conf etc/hostname etc/hosts __runsc_containers__ dev sys proc tmp]
├─/tmp                   tmpfs      rw              tmpfs
├─/dev                   overlayfs  rw              devtmpfs > stubs[pts mqueue]
│ └─/dev/pts             devpts     rw              devpts
├─/proc                  proc       rw              proc
├─/sys                   overlayfs  rw              sysfs > stubs[fs/cgroup]
├─/etc/resolv.conf       9p         rw       fd 4   9p /etc/resolv.conf
├─/etc/hostname          9p         rw       fd 5   9p /etc/hostname
├─/etc/hosts             9p         rw       fd 6   9p /etc/hosts
└─/__runsc_containers__  tmpfs      rw              tmpfs
"
    );
    assert_eq!(
        err,
        "\
warning: ignoring dev mount at \"/dev\"
warning: ignoring dev mount at \"/dev/pts\"
warning: ignoring dev mount at \"/dev/shm\"
warning: ignoring unknown mount option \"nosuid\"
warning: ignoring unknown mount option \"noexec\"
warning: ignoring unknown mount option \"nodev\"
warning: ignoring unknown mount option \"nosuid\"
warning: ignoring unknown mount option \"noexec\"
warning: ignoring unknown mount option \"nodev\"
warning: ignoring unknown filesystem type \"cgroup\"
warning: ignoring unknown filesystem type \"mqueue\"
warning: ignoring unknown mount option \"rbind\"
warning: ignoring unknown mount option \"rprivate\"
warning: ignoring unknown mount option \"rbind\"
warning: ignoring unknown mount option \"rprivate\"
warning: ignoring unknown mount option \"rbind\"
warning: ignoring unknown mount option \"rprivate\"
"
    );
    let (code, out, _) = preview("docker-default-config.json", &["--format", "mounts"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "\
none / overlayfs rw 0 0
none /tmp tmpfs rw 0 0
none /dev overlayfs rw 0 0
none /dev/pts devpts rw 0 0
none /proc proc rw 0 0
none /sys overlayfs rw 0 0
none /etc/resolv.conf 9p rw 0 0
none /etc/hostname 9p rw 0 0
none /etc/hosts 9p rw 0 0
none /__runsc_containers__ tmpfs rw 0 0
"
    );
}

/// `--overlay`: the writable root and the writable binds get tmpfs uppers,
/// so every bind prints as overlayfs; each bind's mountFlags runs twice
/// (the useOverlay check), so its warnings repeat.
#[test]
fn preview_docker_default_with_overlay() {
    let (code, out, err) = preview(
        "docker-default-config.json",
        &["--overlay", "--format", "mounts"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "\
none / overlayfs rw 0 0
none /tmp tmpfs rw 0 0
none /dev overlayfs rw 0 0
none /dev/pts devpts rw 0 0
none /proc proc rw 0 0
none /sys overlayfs rw 0 0
none /etc/resolv.conf overlayfs rw 0 0
none /etc/hostname overlayfs rw 0 0
none /etc/hosts overlayfs rw 0 0
none /__runsc_containers__ tmpfs rw 0 0
"
    );
    let rbind = err
        .lines()
        .filter(|l| *l == "warning: ignoring unknown mount option \"rbind\"")
        .count();
    assert_eq!(rbind, 6, "{err}");
    // runsc/main.go refuses --overlay with shared file access.
    let (code, _, err) = preview(
        "docker-default-config.json",
        &["--overlay", "--file-access", "shared"],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "mountlab: overlay flag is incompatible with shared file access\n"
    );
}

/// A setup error exits 1 with gVisor's message after the warnings.
#[test]
fn preview_setup_error_exits_1() {
    let dir = std::env::temp_dir().join(format!("mountlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join("bad-option.json");
    std::fs::write(
        &p,
        r#"{"ociVersion":"1.0.0","root":{"path":"rootfs"},"mounts":[{"destination":"/a","type":"tmpfs","options":["nosuid","x=y=z"]}]}"#,
    )
    .expect("write");
    let out = mountlab(&["preview", p.to_str().expect("utf-8"), "--format", "mounts"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "warning: ignoring unsupported key [\"nosuid\"]\n\
         error: error creating mounts: mount submount: invalid option \"x=y=z\"\n"
    );
    let p = dir.join("panic.json");
    std::fs::write(
        &p,
        r#"{"ociVersion":"1.0.0","root":{"path":"rootfs"},"mounts":[{"destination":"/a","type":"bind"}]}"#,
    )
    .expect("write");
    let out = mountlab(&["preview", p.to_str().expect("utf-8"), "--format", "mounts"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "runsc would panic here: fdDispenser out of fds\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Bad input: exit 2, nothing on stdout, and a message naming the JSON path.
#[test]
fn run_bad_input_exits_2_naming_the_json_path() {
    let dir = std::env::temp_dir().join(format!("mountlab-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases: &[(&str, &str, &str)] = &[
        (
            "options-not-a-list",
            r#"{"spec":{"ociVersion":"1.0.0","mounts":[{"destination":"/x","type":"tmpfs","options":"ro"}]}}"#,
            ": spec.mounts[0].options: invalid type: string \"ro\", expected a sequence",
        ),
        (
            "bare-spec-bad-mount",
            r#"{"ociVersion":"1.0.0","mounts":[{"destination":"/x"},{"type":"tmpfs"}]}"#,
            ": spec.mounts[1]: missing field `destination`",
        ),
        (
            "file-access",
            r#"{"spec":{"ociVersion":"1.0.0"},"config":{"file_access":"weird"}}"#,
            ": config.file_access: invalid file access type \"weird\"",
        ),
        (
            "overlay-type",
            r#"{"spec":{"ociVersion":"1.0.0"},"config":{"overlay":"yes"}}"#,
            ": config.overlay: invalid type: string \"yes\", expected a boolean",
        ),
        (
            "step",
            r#"{"spec":{"ociVersion":"1.0.0"},"steps":[{"sh":"ls"},{"sh":"ls","exec":{"argv0":"x"}}]}"#,
            ": steps[1]: a step needs exactly one of \"container\", \"exec\" or \"sh\"",
        ),
        (
            "step-field",
            r#"{"spec":{"ociVersion":"1.0.0"},"steps":[{"exec":{"argv":"x"}}]}"#,
            ": steps[0].exec.argv: unknown field `argv`, expected one of `argv0`",
        ),
        (
            "host-node",
            r#"{"spec":{"ociVersion":"1.0.0"},"host":{"/":{"a":{"type":"fifo"}}}}"#,
            "host./.a: unknown type \"fifo\" (want \"file\", \"dir\" or \"symlink\")",
        ),
        (
            "host-mode",
            r#"{"spec":{"ociVersion":"1.0.0"},"host":{"/":{"a":{"type":"file","mode":"9"}}}}"#,
            "host./.a: invalid mode \"9\" (want octal like \"0755\")",
        ),
        ("not-json", "{", ": invalid JSON: "),
    ];
    for (name, body, want) in cases {
        let p = dir.join(format!("{name}.json"));
        std::fs::write(&p, body).expect("write");
        let out = mountlab(&["run", p.to_str().expect("utf-8")]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            out.stdout.is_empty(),
            "{name}: stdout {:?}",
            text(&out.stdout)
        );
        assert!(err.starts_with("mountlab: "), "{name}: {err}");
        assert!(err.contains(want), "{name}: {err:?} lacks {want:?}");
    }
    let out = mountlab(&["run", dir.join("missing.json").to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let out = mountlab(&["run"]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
