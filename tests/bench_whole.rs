//! The whole-process figures of `mountlab bench` spawn the real binary on
//! the generated spec: a smoke run (tiny sizes, one sample) checks every
//! command is timed and the growth exponent is reported between sizes.
//! It asserts nothing about the times themselves.

use std::process::Command;

#[test]
fn whole_process_smoke_times_every_command_at_every_size() {
    let out = Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .args([
            "bench",
            "--json",
            "--only",
            "whole",
            "--whole-sizes",
            "20,40",
            "--samples",
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let figs = v["figures"].as_array().unwrap();
    let keys = [
        "whole_run",
        "whole_preview_tree",
        "whole_preview_json",
        "whole_preview_mounts",
        "whole_preview_mountinfo",
        "whole_preview_decisions",
        "whole_diff",
    ];
    assert_eq!(figs.len(), keys.len() * 2);
    for key in keys {
        for n in [20, 40] {
            assert!(
                figs.iter()
                    .any(|f| f["key"] == key && f["n"] == n && f["ns_per_op"].as_f64() > Some(0.0)),
                "{key} {n}"
            );
        }
        let g = v["whole_growth"].as_array().unwrap();
        assert!(
            g.iter()
                .any(|e| e["key"] == key && e["from"] == 20 && e["to"] == 40),
            "{key}"
        );
    }
}

#[test]
fn emitted_scenario_runs() {
    let dir = std::env::temp_dir().join(format!("mountlab-emit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.json");
    let out = Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .args(["bench", "--emit-scenario", "200"])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(&file, &out.stdout).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .arg("run")
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    // 200 spec mounts, less the ignored types, plus the mandatory ones.
    assert!(v["proc_mounts"].as_array().unwrap().len() > 150);
}
