//! A third-party 9P2000.L client against `mountlab serve-9p`: Debian's diod
//! package ships `diodls` and `diodcat` (built on libnpclient). They list a
//! seeded tree and cat files. Skipped, with a notice, when diod is absent.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

struct Served(Child, PathBuf);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

fn tool(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin"].map(PathBuf::from));
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn run(tool: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(tool)
        .args(args)
        .output()
        .expect("run diod tool");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn diodls_and_diodcat_against_serve_9p() {
    let (Some(ls), Some(cat)) = (tool("diodls"), tool("diodcat")) else {
        eprintln!("NOTICE: diodls/diodcat not installed (apt-get install diod); skipping diod interop test");
        return;
    };
    let seed = std::env::temp_dir().join(format!("mountlab-diod-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&seed);
    std::fs::create_dir_all(seed.join("etc/ssl")).unwrap();
    std::fs::write(seed.join("etc/hosts"), b"127.0.0.1 localhost\n").unwrap();
    std::fs::write(seed.join("etc/ssl/cert.pem"), b"-----BEGIN-----\n").unwrap();
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(seed.join("big.bin"), &big).unwrap();
    std::os::unix::fs::symlink("etc/hosts", seed.join("hosts-link")).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .args([
            "serve-9p",
            "--listen",
            "127.0.0.1:0",
            "--walk-from-open",
            "--seed",
        ])
        .arg(&seed)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _guard = Served(child, seed.clone());
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();

    // List the root, then a subdirectory with stat information.
    let (ok, out, err) = run(&ls, &["-s", &addr, "-a", "/"]);
    assert!(ok, "diodls failed: {err}");
    let mut names: Vec<&str> = out.lines().collect();
    names.sort();
    assert_eq!(names, ["big.bin", "etc", "hosts-link"], "{out}");
    let (ok, out, err) = run(&ls, &["-l", "-s", &addr, "-a", "/", "etc"]);
    assert!(ok, "diodls -l failed: {err}");
    assert!(out.contains("hosts") && out.contains("ssl"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with('d') && l.ends_with("ssl")),
        "{out}"
    );

    // Cat a small file, a nested one, and one bigger than the msize.
    let (ok, out, err) = run(
        &cat,
        &["-s", &addr, "-a", "/", "etc/hosts", "etc/ssl/cert.pem"],
    );
    assert!(ok, "diodcat failed: {err}");
    assert_eq!(out, "127.0.0.1 localhost\n-----BEGIN-----\n");
    let o = Command::new(&cat)
        .args(["-s", &addr, "-a", "/", "big.bin"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(o.stdout, big);

    // A missing file is an error, and the server keeps serving.
    let (ok, _, _) = run(&cat, &["-s", &addr, "-a", "/", "nope"]);
    assert!(!ok);
    let (ok, out, _) = run(&cat, &["-s", &addr, "-a", "/", "etc/hosts"]);
    assert!(ok);
    assert_eq!(out, "127.0.0.1 localhost\n");
}
