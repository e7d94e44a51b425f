//! The real `mountlab serve-9p` binary under load: 64 concurrent clients on
//! 127.0.0.1 doing mixed operations (mkdir, create, write, read back,
//! readdir, getattr, walk, rename, unlink, clunk) for a bounded time. Then
//! every file a client kept is read back by a fresh client and compared,
//! everything is removed, all clients disconnect, and the server's resident
//! memory (`VmRSS` of /proc/<pid>/status) must come back to its starting
//! level.
//!
//! How "back to its starting level" is judged: the baseline is taken after
//! one warm-up round of 64 short sessions (so the allocator's per-thread
//! arenas and the listener exist before measuring); the end figure is taken
//! after everything is deleted and disconnected. Freed memory that glibc
//! keeps in its arenas is not a leak, so the end figure may exceed the
//! baseline by at most a quarter of what the load added at its peak, plus
//! 8 MiB. A leak of the written data (about 64 clients × their files) or of
//! per-connection state would keep the end near the peak and fail.

use mountlab::errno::Errno;
use mountlab::p9::client::Client;
use mountlab::p9::consts::{AT_REMOVEDIR, O_RDONLY, O_RDWR};
use mountlab::p9::net::NetClient;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
const LOAD: Duration = Duration::from_secs(3);

struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .args(["serve-9p", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start mountlab serve-9p");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("announce");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("announce line")
        .to_string();
    Served { child, addr }
}

/// Resident set size of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

fn connect(addr: &str) -> (NetClient, u32) {
    let mut c = NetClient::connect(addr).expect("connect");
    c.version(1 << 20, 6).expect("version");
    let (root, _) = c.attach("/", 0).expect("attach");
    (c, root)
}

/// A small deterministic generator (xorshift), so runs are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What one client did: its operation count and the files it kept.
struct Outcome {
    ops: u64,
    files: BTreeMap<String, Vec<u8>>,
}

/// One client's mixed workload in its own directory `/cN`.
fn client(addr: &str, n: usize, until: Instant) -> Outcome {
    let (mut c, root) = connect(addr);
    let dir = format!("c{n}");
    c.mkdir(root, &dir, 0o755, 0).expect("mkdir own dir");
    let (d, _) = c.walk(root, &[&dir]).expect("walk own dir");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n as u64 + 1));
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut ops = 0u64;
    let mut next_name = 0u32;
    while Instant::now() < until {
        ops += 1;
        match rng.below(8) {
            // Create and write a new file (up to 64 KiB).
            0..=2 => {
                let name = format!("f{next_name}");
                next_name += 1;
                let len = rng.below(64 * 1024) as usize;
                let byte = (rng.next() & 0xff) as u8;
                let data: Vec<u8> = (0..len).map(|i| byte.wrapping_add(i as u8)).collect();
                let (f, _) = c.walk(d, &[]).expect("clone");
                c.lcreate(f, &name, O_RDWR, 0o644, 0).expect("create");
                c.write_all(f, 0, &data).expect("write");
                c.clunk(f).expect("clunk");
                files.insert(name, data);
            }
            // Read a kept file back.
            3 | 4 if !files.is_empty() => {
                let i = rng.below(files.len() as u64) as usize;
                let (name, want) = files.iter().nth(i).expect("file");
                let (f, _) = c.walk(d, &[name]).expect("walk file");
                c.lopen(f, O_RDONLY).expect("open");
                assert_eq!(&c.read_all(f).expect("read"), want, "{dir}/{name}");
                c.clunk(f).expect("clunk");
            }
            // List the directory and stat it.
            5 => {
                let (f, _) = c.walk(d, &[]).expect("clone");
                c.lopen(f, O_RDONLY).expect("open dir");
                let names = c.readdir_all(f).expect("readdir").len();
                assert_eq!(names, files.len(), "{dir} lists its files");
                c.getattr(f, 0x7ff).expect("getattr");
                c.clunk(f).expect("clunk");
            }
            // Rename a file.
            6 if !files.is_empty() => {
                let i = rng.below(files.len() as u64) as usize;
                let old = files.keys().nth(i).expect("file").clone();
                let new = format!("r{next_name}");
                next_name += 1;
                let (f, _) = c.walk(d, &[&old]).expect("walk");
                c.rename(f, d, &new).expect("rename");
                c.clunk(f).expect("clunk");
                let data = files.remove(&old).expect("kept");
                files.insert(new, data);
            }
            // Remove a file (keep most).
            _ if files.len() > 8 => {
                let name = files.keys().next().expect("file").clone();
                c.unlinkat(d, &name, 0).expect("unlink");
                files.remove(&name);
            }
            _ => {}
        }
    }
    c.clunk(d).expect("clunk dir");
    Outcome { ops, files }
}

#[test]
fn sixty_four_clients_then_memory_returns() {
    let s = serve();
    let pid = s.child.id();

    // Warm-up: 64 short sessions at once.
    let warm: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let addr = s.addr.clone();
            std::thread::spawn(move || {
                let (mut c, root) = connect(&addr);
                c.statfs(root).expect("statfs");
            })
        })
        .collect();
    for t in warm {
        t.join().expect("warm-up client");
    }
    std::thread::sleep(Duration::from_millis(300));
    let before = rss_kib(pid);

    let start = Instant::now();
    let until = start + LOAD;
    let workers: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let addr = s.addr.clone();
            std::thread::spawn(move || client(&addr, n, until))
        })
        .collect();
    let outcomes: Vec<Outcome> = workers
        .into_iter()
        .map(|t| t.join().expect("client thread"))
        .collect();
    let elapsed = start.elapsed();
    let peak = rss_kib(pid);
    let ops: u64 = outcomes.iter().map(|o| o.ops).sum();
    let kept: usize = outcomes.iter().map(|o| o.files.len()).sum();
    let bytes: usize = outcomes
        .iter()
        .flat_map(|o| o.files.values())
        .map(Vec::len)
        .sum();

    // Every kept file reads back, from a fresh connection; then it all goes.
    let (mut c, root) = connect(&s.addr);
    for (n, o) in outcomes.iter().enumerate() {
        let dir = format!("c{n}");
        for (name, want) in &o.files {
            let (f, _) = c.walk(root, &[&dir, name]).expect("walk kept file");
            c.lopen(f, O_RDONLY).expect("open");
            assert_eq!(&c.read_all(f).expect("read"), want, "{dir}/{name}");
            c.clunk(f).expect("clunk");
        }
        let (d, _) = c.walk(root, &[&dir]).expect("walk dir");
        for name in o.files.keys() {
            c.unlinkat(d, name, 0).expect("unlink");
        }
        c.clunk(d).expect("clunk");
        c.unlinkat(root, &dir, AT_REMOVEDIR).expect("rmdir");
    }
    let (f, _) = c.walk(root, &[]).expect("clone");
    c.lopen(f, O_RDONLY).expect("open root");
    assert_eq!(c.readdir_all(f).expect("readdir").len(), 0, "tree empty");
    assert_eq!(c.walk(root, &["c0"]).err(), Some(Errno::ENOENT));
    drop(c);
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_kib(pid);

    eprintln!(
        "p9_load: {CLIENTS} clients, {ops} ops in {:.2}s ({:.0} ops/s), {kept} files / {} KiB kept and verified; \
         VmRSS before {before} KiB, peak {peak} KiB, after {after} KiB",
        elapsed.as_secs_f64(),
        ops as f64 / elapsed.as_secs_f64(),
        bytes / 1024
    );
    assert!(ops >= CLIENTS as u64, "every client did some work");
    let allowed = before + peak.saturating_sub(before) / 4 + 8 * 1024;
    assert!(
        after <= allowed,
        "memory did not come back: before {before} KiB, peak {peak} KiB, after {after} KiB (allowed {allowed} KiB)"
    );
}
