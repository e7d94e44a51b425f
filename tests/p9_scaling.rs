//! #13.4: work done under the gofer's lock must not grow with the whole
//! tree. Each test drives the pattern that was quadratic (readdir in small
//! chunks of a huge directory; removes through fids whose remembered entry
//! is stale in a large tree) and checks the result, under a wall-clock bound
//! some 20× above what the linear code needs in a debug build (the old code
//! took minutes). Figures before/after are in the closing note.

use mountlab::p9::client::Client;
use mountlab::p9::consts::O_RDONLY;
use mountlab::p9::fsgofer::Gofer;
use mountlab::p9::host::HostFs;
use mountlab::p9::messages::NOUID;
use std::time::{Duration, Instant};

fn gofer(host: HostFs) -> (Gofer, mountlab::p9::fsgofer::ConnId, u32) {
    let mut g = Gofer::new(host);
    g.add_attach_point("/", false);
    let c = g.connect(0, 3);
    g.conn(c).unwrap().version(1 << 20, 6).unwrap();
    let (root, _) = g.conn(c).unwrap().attach("/", NOUID).unwrap();
    (g, c, root)
}

/// Listing a 40 000-entry directory two entries per Treaddir resumes from
/// the fid's cursor: every name once, offsets 1..=N, no rescan per call.
#[test]
fn readdir_in_small_chunks_is_linear() {
    const N: usize = 40_000;
    let mut host = HostFs::new();
    for i in 0..N {
        host.insert_file(&format!("/big/f{i:06}"), 0o644, b"")
            .unwrap();
    }
    let (mut g, c, root) = gofer(host);
    let mut h = g.conn(c).unwrap();
    let (d, _) = h.walk(root, &["big"]).unwrap();
    h.lopen(d, O_RDONLY).unwrap();
    let t = Instant::now();
    let (mut offset, mut seen) = (0u64, 0usize);
    loop {
        // 2 entries of 13+8+1+2+7 = 31 bytes fit in 64.
        let part = h.readdir(d, offset, 64).unwrap();
        let Some(last) = part.last() else { break };
        for (k, e) in part.iter().enumerate() {
            assert_eq!(e.offset, offset + k as u64 + 1);
            assert_eq!(e.name.lossy(), format!("f{:06}", seen + k));
        }
        seen += part.len();
        offset = last.offset;
    }
    assert_eq!(seen, N);
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    // A seek (an offset the cursor did not leave) still counts from the start.
    assert_eq!(h.readdir(d, 7, 64).unwrap()[0].name.lossy(), "f000007");
}

/// 2 000 files moved to another directory behind their fids' backs, then
/// removed through those fids, in a 100 000-node tree: each remove finds the
/// node's link through the reverse index, not by scanning every node.
#[test]
fn removes_through_stale_fids_do_not_scan_the_tree() {
    const NODES: usize = 100_000;
    const MOVED: usize = 2_000;
    let mut host = HostFs::new();
    for i in 0..NODES {
        host.insert_file(&format!("/fill/d{}/f{i}", i % 100), 0o644, b"")
            .unwrap();
    }
    for i in 0..MOVED {
        host.insert_file(&format!("/a/m{i}"), 0o644, b"").unwrap();
    }
    host.mkdir_all("/b", 0o755).unwrap();
    let (mut g, c, root) = gofer(host);
    let mut fids = Vec::new();
    for i in 0..MOVED {
        let (f, _) = g
            .conn(c)
            .unwrap()
            .walk(root, &["a", &format!("m{i}")])
            .unwrap();
        fids.push(f);
    }
    for i in 0..MOVED {
        g.host_mut()
            .rename_path(&format!("/a/m{i}"), &format!("/b/m{i}"))
            .unwrap();
    }
    let t = Instant::now();
    for f in fids {
        g.conn(c).unwrap().remove(f).unwrap();
    }
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert!(g.host().lookup("/b/m0").is_err());
    assert!(g.host().lookup("/b").is_ok());
}
