//! Any bytes as shell command lines against a small sandbox (a writable 9p
//! root with a bind, a tmpfs and a child container; with `--overlay` when
//! the first byte is odd): the shell never panics, output stays within
//! MAX_SHELL_OUTPUT plus the truncation note, and the report still builds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mountlab::engines::runsc2018::loader::Loader;
use mountlab::scenario::Scenario;
use mountlab::shell::MAX_OUTPUT;

const SCENARIO: &str = r#"{
  "spec": {"ociVersion": "1.0.0", "root": {"path": "rootfs"},
           "process": {"args": ["sh"], "env": ["PATH=/bin:/usr/bin"], "cwd": "/"},
           "mounts": [{"destination": "/data", "type": "bind", "source": "/h/data"},
                      {"destination": "/ro", "type": "bind", "source": "/h/ro", "options": ["ro"]},
                      {"destination": "/scratch", "type": "tmpfs"}]},
  "host": {"/": {"bin/sh": {"type": "file", "mode": "0755", "content": ""},
                 "etc/hostname": "sandbox\n", "home/": "", "link": {"type": "symlink", "target": "etc/hostname"},
                 "loop": {"type": "symlink", "target": "loop"}},
           "/data": {"a": "alpha\n", "sub/b": "beta\n"},
           "/ro": {"x": "read only\n"}},
  "steps": [{"container": {"add": {"cid": "c1", "spec": {"ociVersion": "1.0.0", "root": {"path": "rootfs"},
             "mounts": [{"destination": "/tmp/t", "type": "tmpfs"}]}}}}]
}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    if rest.len() > 16 * 1024 {
        return;
    }
    let mut s = Scenario::from_json(SCENARIO).expect("base scenario parses");
    s.config.overlay = first & 1 == 1;
    let mut sb = Loader::from_scenario(&s).expect("base sandbox builds");
    let text = String::from_utf8_lossy(rest);
    for (i, line) in text.split('\n').enumerate().take(64) {
        let _ = mountlab::shell::split_words(line);
        let container = if first & 2 == 2 && i % 2 == 1 {
            Some("c1")
        } else {
            None
        };
        if let Ok(out) = sb.shell(line, container) {
            assert!(
                out.output.len() <= MAX_OUTPUT + 256,
                "output over the limit"
            );
        }
    }
    let report = sb.report();
    serde_json::to_string(&report).expect("report serializes");
});
