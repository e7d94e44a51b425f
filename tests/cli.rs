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
/                        overlayfs  rw       fd 3   9p / > stub dirs [tmp dev dev/pts proc dev/mqueue sys sys/fs/cgroup __runsc_containers__ dev sys proc tmp]
├─/tmp                   tmpfs      rw              tmpfs
├─/dev                   overlayfs  rw              devtmpfs > stub dirs [pts mqueue]
│ └─/dev/pts             devpts     rw              devpts
├─/proc                  proc       rw              proc
├─/sys                   overlayfs  rw              sysfs > stub dirs [fs/cgroup]
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
/                        overlayfs  rw       fd 3   9p / > stub dirs [tmp dev dev/pts proc sys sys/fs/cgroup dev/mqueue etc/resolv.conf etc/hostname etc/hosts __runsc_containers__ dev sys proc tmp]
├─/tmp                   tmpfs      rw              tmpfs
├─/dev                   overlayfs  rw              devtmpfs > stub dirs [pts mqueue]
│ └─/dev/pts             devpts     rw              devpts
├─/proc                  proc       rw              proc
├─/sys                   overlayfs  rw              sysfs > stub dirs [fs/cgroup]
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
            ": spec.mounts[0].options must be a list of strings, e.g. [\"ro\"] (parser: invalid type: string \"ro\", expected a sequence)",
        ),
        (
            "bare-spec-bad-mount",
            r#"{"ociVersion":"1.0.0","mounts":[{"destination":"/x"},{"type":"tmpfs"}]}"#,
            ": spec.mounts[1] needs the key \"destination\" (parser: missing field `destination`)",
        ),
        (
            "file-access",
            r#"{"spec":{"ociVersion":"1.0.0"},"config":{"file_access":"weird"}}"#,
            ": config.file_access: invalid file access type \"weird\"",
        ),
        (
            "overlay-type",
            r#"{"spec":{"ociVersion":"1.0.0"},"config":{"overlay":"yes"}}"#,
            ": config.overlay must be true or false (parser: invalid type: string \"yes\", expected a boolean)",
        ),
        (
            "step",
            r#"{"spec":{"ociVersion":"1.0.0"},"steps":[{"sh":"ls"},{"sh":"ls","exec":{"argv0":"x"}}]}"#,
            ": steps[1]: a step needs exactly one of \"container\", \"exec\", \"sh\" or \"restore\"",
        ),
        (
            "step-field",
            r#"{"spec":{"ociVersion":"1.0.0"},"steps":[{"exec":{"argv":"x"}}]}"#,
            ": steps[0].exec.argv is not a key this object takes (it takes \"argv0\", \"env\", \"wd\", \"container\") (parser: unknown field `argv`, expected one of `argv0`",
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
        ("not-json", "{", ": invalid JSON: the text ends before the JSON is complete (a missing } or ]?) (parser: EOF while parsing an object at line 1 column 1)"),
        (
            "yaml",
            "ociVersion: 1.0.0",
            ": the text is not JSON: a spec or scenario is a JSON object, starting with { (parser: expected value at line 1 column 1)",
        ),
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

/// `--version` names the binary and the crate's version.
#[test]
fn version_prints_name_and_version() {
    for flag in ["--version", "-V"] {
        let out = mountlab(&[flag]);
        assert_eq!(out.status.code(), Some(0), "{flag}");
        assert_eq!(text(&out.stdout), "mountlab 0.1.0\n", "{flag}");
    }
}

/// Every subcommand answers `--help` on standard output, exit 0, and the
/// text names each of its flags.
#[test]
fn every_subcommand_help_mentions_each_flag() {
    let cases: &[(&str, &[&str])] = &[
        (
            "preview",
            &[
                "CONFIG.json",
                "--overlay",
                "--file-access",
                "--format",
                "mountinfo",
                "decisions",
            ],
        ),
        ("run", &["SCENARIO.json", "--pretty"]),
        (
            "serve-9p",
            &[
                "--listen",
                "--seed",
                "--read-only",
                "--walk-from-open",
                "--limit",
                "MAX_CONNECTIONS_PER_PEER",
                "SERVE_WRITE_TIMEOUT_MS",
            ],
        ),
        (
            "bench",
            &[
                "--json",
                "--smoke",
                "--sizes",
                "--table-sizes",
                "--whole-sizes",
                "--only",
                "--samples",
                "--phases",
                "--emit-kernel-spec",
                "--emit-scenario",
            ],
        ),
    ];
    for (cmd, flags) in cases {
        for help in ["--help", "-h"] {
            let out = mountlab(&[cmd, help]);
            let got = text(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{cmd} {help}: {}",
                text(&out.stderr)
            );
            assert!(
                got.contains(&format!("Usage: mountlab {cmd} ")),
                "{cmd} {help}: {got}"
            );
            for f in *flags {
                assert!(got.contains(f), "{cmd} {help} lacks {f}: {got}");
            }
        }
    }
    // `help CMD` is the same text as `CMD --help`.
    let a = mountlab(&["help", "preview"]);
    let b = mountlab(&["preview", "--help"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(text(&a.stdout), text(&b.stdout));
    // The top level lists every subcommand.
    let out = mountlab(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    for cmd in ["preview", "run", "serve-9p", "bench"] {
        assert!(text(&out.stdout).contains(cmd), "{cmd}");
    }
}

/// A bad flag, a missing argument or a bad value is a usage error: exit 2,
/// nothing on stdout, what is wrong and the usage of that subcommand (not
/// the global one) on stderr.
#[test]
fn bad_flag_prints_that_subcommands_usage() {
    let path = fixture("runc-spec-config.json");
    let file = path.to_str().expect("utf-8 path");
    let listen = ["serve-9p", "--listen", "127.0.0.1:0", "--limit"];
    // (arguments, what stderr says, the subcommand whose usage it shows)
    let cases: &[(Vec<&str>, &str, &str)] = &[
        (
            vec!["preview", file, "--bogus"],
            "unexpected argument '--bogus'",
            "preview",
        ),
        (
            vec!["preview"],
            "the following required arguments were not provided",
            "preview",
        ),
        (
            vec!["run", file, "--bogus"],
            "unexpected argument '--bogus'",
            "run",
        ),
        (
            vec!["serve-9p"],
            "--listen <HOST:PORT|unix:PATH>",
            "serve-9p",
        ),
        (vec!["bench", "--bogus"], "unexpected argument", "bench"),
        (
            vec!["bench", "--phases", "10", "--emit-scenario", "10"],
            "cannot be used with",
            "bench",
        ),
        (
            vec!["preview", file, "--format", "yaml"],
            "invalid value 'yaml' for '--format <FORMAT>'\n  \
             [possible values: tree, json, mounts, mountinfo, decisions]",
            "preview",
        ),
        (
            vec!["preview", file, "--file-access", "weird"],
            "invalid value 'weird' for '--file-access <exclusive|shared>': \
             invalid file access type \"weird\"",
            "preview",
        ),
        (
            [&listen[..], &["NOPE=3"]].concat(),
            "invalid value 'NOPE=3' for '--limit <NAME=VALUE>': unknown limit NOPE",
            "serve-9p",
        ),
        (
            [&listen[..], &["MAX_CONNECTIONS=0"]].concat(),
            "MAX_CONNECTIONS: must be positive",
            "serve-9p",
        ),
        (
            [&listen[..], &["MAX_CONNECTIONS"]].concat(),
            "expected NAME=POSITIVE_INTEGER",
            "serve-9p",
        ),
        (
            vec!["bench", "--sizes", "10,x"],
            "for '--sizes <N,N,...>': bad size \"x\"",
            "bench",
        ),
        (
            vec!["bench", "--phases"],
            "a value is required for '--phases <N>'",
            "bench",
        ),
    ];
    for (args, why, cmd) in cases {
        let out = mountlab(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err:?} lacks {why:?}");
        let usage = format!("\nUsage: mountlab {cmd} ");
        assert!(err.contains(&usage), "{args:?}: {err:?} lacks {usage:?}");
        assert!(
            !err.contains("Usage: mountlab <COMMAND>"),
            "{args:?}: {err}"
        );
    }
}

/// An unknown subcommand, or none, is a usage error (exit 2) with the
/// global usage on stderr.
#[test]
fn unknown_or_missing_subcommand_exits_2() {
    let out = mountlab(&["frob"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("unrecognized subcommand 'frob'"), "{err}");
    assert!(err.contains("Usage: mountlab <COMMAND>"), "{err}");
    let out = mountlab(&[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    for cmd in ["preview", "run", "serve-9p", "bench"] {
        assert!(err.contains(cmd), "{cmd}: {err}");
    }
}

/// The words the CLI prints about flags, layers, origins and outcomes
/// for the playground's default preset are the page's: every label in the
/// page's view (tree nodes, layers, decisions) is printed verbatim at its
/// place by `preview` (tree and decisions), no other spelling of those
/// facts is, and `render.js` makes none of its own.
#[test]
fn cli_and_page_print_the_same_labels_for_the_default_preset() {
    let preset = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/presets/docker-default.json");
    let preset = preset.to_str().expect("utf-8 path");
    let page = mountlab::playground::Playground::build(
        &std::fs::read_to_string(preset).expect("preset"),
        None,
        None,
    )
    .expect("the default preset builds")
    .view_dto();
    let tree = text(&mountlab(&["preview", preset]).stdout);
    let decisions = text(&mountlab(&["preview", preset, "--format", "decisions"]).stdout);

    // The tree: one row per mount, depth first, with the node's flags and
    // its layers' labels, top first.
    fn nodes(n: &mountlab::report::MountNode, out: &mut Vec<mountlab::report::MountNode>) {
        out.push(n.clone());
        for c in &n.children {
            nodes(c, out);
        }
    }
    let mut all = Vec::new();
    nodes(page.tree.as_ref().expect("a tree"), &mut all);
    let rows: Vec<&str> = tree.lines().skip(1).collect();
    assert_eq!(rows.len(), all.len(), "{tree}");
    let mut labels = Vec::new();
    for (row, n) in rows.iter().zip(&all) {
        let layers: Vec<&str> = n.layers.iter().map(|l| l.label.as_str()).collect();
        assert!(
            row.contains(&format!("  {}  ", n.flags_label)),
            "{row:?} lacks {:?}",
            n.flags_label
        );
        assert!(row.ends_with(&layers.join(" > ")), "{row:?} vs {layers:?}");
        labels.push(n.flags_label.clone());
        labels.extend(layers.iter().map(|l| l.to_string()));
    }
    // The decisions: one head line per decision, in order, naming its
    // origin and outcome by the page's labels.
    let heads: Vec<&str> = decisions
        .lines()
        .filter(|l| !l.starts_with("    "))
        .collect();
    assert_eq!(heads.len(), page.report.decisions.len(), "{decisions}");
    for (head, d) in heads.iter().zip(&page.report.decisions) {
        assert!(
            head.contains(&format!("({}, type ", d.origin_label)),
            "{head:?} lacks {:?}",
            d.origin_label
        );
        assert!(
            head.contains(&format!("): {}", d.outcome_label)),
            "{head:?} lacks {:?}",
            d.outcome_label
        );
        labels.extend(d.flags_label.clone());
        labels.extend(d.layers.iter().map(|l| l.label.clone()));
    }
    let cli = format!("{tree}{decisions}");
    for l in &labels {
        assert!(cli.contains(l.as_str()), "the CLI never prints {l:?}");
    }
    // No other spelling of the same facts: the enums' own names and the
    // words each front used to make up.
    for other in [
        "stubs[",
        "stub dirs]",
        "childcontainersdir",
        "child_containers_dir",
        "(mandatory,",
        "(root,",
        "Mounted",
        "Dropped",
        "Ignored",
        "NotReached",
        "not_reached",
    ] {
        assert!(!cli.contains(other), "the CLI prints {other:?}:\n{cli}");
    }
    let render = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/src/render.js"),
    )
    .expect("render.js");
    for made_up in ["'stub dirs'", "added by", "'not reached'", "? 'ro' : 'rw'"] {
        assert!(
            !render.contains(made_up),
            "render.js makes its own label {made_up}"
        );
    }
}

/// `mountlab ARGS` with `input` on standard input.
fn mountlab_stdin(args: &[&str], input: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mountlab runs");
    // mountlab may exit (a usage error) before it reads its input.
    if let Err(e) = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
    {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    let out = child.wait_with_output().expect("mountlab ends");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// `config.engine` and `--engine`: an unknown name is refused by the file
/// (exit 2, its JSON path named) and by the flag (clap's usage error), and
/// the flag overrides the file.
#[test]
fn the_engine_comes_from_the_file_or_the_flag() {
    let crun =
        r#"{"spec":{"ociVersion":"1.0.0","root":{"path":"rootfs"}},"config":{"engine":"crun"}}"#;
    let (code, out, err) = mountlab_stdin(&["run", "-"], crun);
    assert_eq!(code, Some(2), "{out}");
    assert_eq!(
        err,
        "mountlab: -: config.engine: engine \"crun\" is not available (known: runsc-2018, runsc, runc)\n"
    );
    for cmd in ["run", "preview"] {
        let (code, _, err) = mountlab_stdin(&[cmd, "-", "--engine", "crun"], crun);
        assert_eq!(code, Some(2));
        assert!(
            err.contains(
                "invalid value 'crun' for '--engine <NAME>': engine \"crun\" is not available (known: runsc-2018, runsc, runc)"
            ),
            "{err}"
        );
        assert!(err.contains(&format!("Usage: mountlab {cmd}")), "{err}");
    }
    for engine in ["runsc-2018", "runsc", "runc"] {
        let (code, out, err) = mountlab_stdin(&["run", "-", "--engine", engine], crun);
        assert_eq!(code, Some(0), "{engine}: {err}");
        let report: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
        assert_eq!(report["engine"], engine);
        let (code, out, err) = mountlab_stdin(&["preview", "-", "--engine", engine], crun);
        assert_eq!(code, Some(0), "{err}");
        assert!(out.starts_with("TARGET "), "{out}");
    }
}

/// The `runc spec` default under `--engine runsc` and `--engine runc`:
/// each prints its own `/proc/mounts` (today's runsc's options, the
/// kernel's under runc) and the tree.
#[test]
fn preview_prints_each_engines_proc_mounts() {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/scenarios/runc-spec-default.json"
    ))
    .expect("scenario");
    let (code, out, err) = mountlab_stdin(
        &["preview", "-", "--engine", "runsc", "--format", "mounts"],
        &spec,
    );
    assert_eq!(code, Some(0), "{err}");
    // The spec's root is read-only: no overlay, the 9p root ro.
    assert!(
        out.starts_with("none / 9p ro,trans=fd,rfdno=3,wfdno=3,"),
        "{out}"
    );
    assert!(
        out.contains("none /proc proc rw,dentry_cache_limit=1000 0 0\n"),
        "{out}"
    );
    let (code, out, err) = mountlab_stdin(
        &["preview", "-", "--engine", "runc", "--format", "mounts"],
        &spec,
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.starts_with("/dev/sda1 / ext4 ro,relatime 0 0\n"),
        "{out}"
    );
    assert!(out.contains("\nproc /proc proc rw,relatime 0 0\n"), "{out}");
    for engine in ["runsc", "runc"] {
        let (code, out, err) = mountlab_stdin(&["preview", "-", "--engine", engine], &spec);
        assert_eq!(code, Some(0), "{err}");
        assert!(out.starts_with("TARGET "), "{out}");
        assert!(out.contains("/dev/pts"), "{out}");
    }
}

/// A setup error is exit status 1 with the runtime's text; 2018's flags
/// are refused on the other engines.
#[test]
fn setup_errors_and_foreign_flags_per_engine() {
    let bad = r#"{"spec":{"ociVersion":"1.0.0","root":{"path":"rootfs"}},"config":{"engine":"runsc","overlay2":"bogus"}}"#;
    let (code, out, _) = mountlab_stdin(&["run", "-"], bad);
    assert_eq!(code, Some(1));
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
    assert_eq!(
        report["error"],
        "invalid value \"bogus\" for flag -overlay2: expected format is --overlay2={mount}:{medium}[,size={size}], got \"bogus\""
    );
    let (code, _, err) = mountlab_stdin(&["preview", "-"], bad);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: invalid value \"bogus\" for flag -overlay2"),
        "{err}"
    );
    let runc = r#"{"spec":{"ociVersion":"1.0.0"},"config":{"engine":"runc"}}"#;
    let (code, _, err) = mountlab_stdin(&["preview", "-", "--overlay"], runc);
    assert_eq!(code, Some(2));
    assert_eq!(err, "mountlab: --overlay and --file-access are runsc-2018's flags; engine runc takes its flags from the scenario's config\n");
    let (code, out, err) = mountlab_stdin(&["--help"], "");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("runc"), "{out}");
    let (_, out, _) = mountlab_stdin(&["run", "--help"], "");
    assert!(
        out.contains("runsc-2018 (the default), runsc (today's) or runc"),
        "{out}"
    );
}
