//! Starts the real `mountlab serve-9p` binary and attacks it: malformed
//! frames, oversized size fields and counts, R-messages, fid floods and
//! abrupt disconnects. After each, a fresh client must still be served.

use mountlab::errno::Errno;
use mountlab::p9::client::Client;
use mountlab::p9::consts::{O_RDONLY, O_RDWR};
use mountlab::p9::messages::*;
use mountlab::p9::net::{NetClient, NetStream};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A seeded server process, killed on drop.
pub struct Served {
    child: Child,
    pub addr: String,
    pub seed: PathBuf,
    /// The server's stderr lines so far.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.seed);
    }
}

fn seed_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mountlab-p9-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("a.txt"), b"hello from the seed\n").unwrap();
    std::fs::write(d.join("sub/b.txt"), b"nested\n").unwrap();
    std::os::unix::fs::symlink("a.txt", d.join("link")).unwrap();
    d
}

fn serve(tag: &str, listen: &str, extra: &[&str]) -> Served {
    let seed = seed_dir(tag);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mountlab"))
        .args(["serve-9p", "--listen", listen, "--seed"])
        .arg(&seed)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mountlab serve-9p");
    let log = Arc::new(Mutex::new(Vec::new()));
    let stderr = child.stderr.take().unwrap();
    let sink = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("announce line")
        .to_string();
    Served {
        child,
        addr,
        seed,
        log,
    }
}

fn alive(s: &mut Served) {
    assert!(s.child.try_wait().unwrap().is_none(), "server exited");
    let mut c = NetClient::connect(&s.addr).unwrap();
    c.version(65536, 6).unwrap();
    let (root, _) = c.attach("/", 0).unwrap();
    let (f, _) = c.walk(root, &["a.txt"]).unwrap();
    c.lopen(f, O_RDONLY).unwrap();
    assert_eq!(c.read_all(f).unwrap(), b"hello from the seed\n");
}

fn raw(addr: &str) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

/// Reads until EOF; true if the server closed the connection.
fn closed(mut s: TcpStream) -> bool {
    let mut buf = [0u8; 64];
    matches!(s.read(&mut buf), Ok(0) | Err(_))
}

fn reply(s: &mut TcpStream) -> Frame {
    let mut size = [0u8; 4];
    s.read_exact(&mut size).unwrap();
    let mut f = size.to_vec();
    f.resize(u32::from_le_bytes(size) as usize, 0);
    s.read_exact(&mut f[4..]).unwrap();
    decode_frame(&f, u32::MAX).unwrap()
}

#[test]
fn serve_9p_survives_hostile_clients() {
    let mut s = serve("hostile", "127.0.0.1:0", &[]);
    alive(&mut s);

    // A size field below the header: connection closed.
    let mut c = raw(&s.addr);
    c.write_all(&[3, 0, 0, 0, 1, 2, 3]).unwrap();
    assert!(closed(c));
    alive(&mut s);

    // A size field of 4 GiB: closed without allocating it.
    let mut c = raw(&s.addr);
    c.write_all(&[0xff, 0xff, 0xff, 0xff, 100, 0, 0]).unwrap();
    assert!(closed(c));
    alive(&mut s);

    // After Tversion msize=8192, a 9000-byte frame is over the limit.
    let mut c = raw(&s.addr);
    c.write_all(
        &Message::Tversion(Tversion {
            msize: 8192,
            version: "9P2000.L".into(),
        })
        .encode_frame(NOTAG),
    )
    .unwrap();
    assert!(matches!(reply(&mut c).msg, Message::Rversion(_)));
    let mut big = 9000u32.to_le_bytes().to_vec();
    big.extend([118, 1, 0]);
    big.resize(9000, 0);
    c.write_all(&big).unwrap();
    assert!(closed(c));
    alive(&mut s);

    // R-messages, unknown types, truncated bodies and huge counts: answered.
    let mut c = raw(&s.addr);
    c.write_all(
        &Message::Rversion(Rversion {
            msize: 1,
            version: "x".into(),
        })
        .encode_frame(1),
    )
    .unwrap();
    assert_eq!(
        reply(&mut c),
        Frame {
            tag: 1,
            msg: Rlerror {
                ecode: Errno::ENOSYS.raw()
            }
            .into()
        }
    );
    c.write_all(&Message::Rlerror(Rlerror { ecode: 1 }).encode_frame(2))
        .unwrap();
    assert_eq!(reply(&mut c).msg.as_error(), Some(Errno::ENOSYS.raw()));
    c.write_all(&[11, 0, 0, 0, 52, 3, 0, 0, 0, 0, 0]).unwrap();
    assert_eq!(
        reply(&mut c),
        Frame {
            tag: 3,
            msg: Rlerror {
                ecode: Errno::EIO.raw()
            }
            .into()
        }
    );
    c.write_all(&[17, 0, 0, 0, 110, 4, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff])
        .unwrap();
    assert_eq!(
        reply(&mut c),
        Frame {
            tag: 4,
            msg: Rlerror {
                ecode: Errno::EIO.raw()
            }
            .into()
        }
    );
    c.write_all(
        &Message::Tattach(Tattach {
            fid: 1,
            afid: NOFID,
            uname: "".into(),
            aname: "".into(),
            n_uname: 0,
        })
        .encode_frame(5),
    )
    .unwrap();
    assert!(matches!(reply(&mut c).msg, Message::Rattach(_)));
    c.write_all(
        &Message::Twalk(Twalk {
            fid: 1,
            newfid: 2,
            names: vec!["a.txt".into()],
        })
        .encode_frame(6),
    )
    .unwrap();
    reply(&mut c);
    c.write_all(&Message::Tlopen(Tlopen { fid: 2, flags: 0 }).encode_frame(7))
        .unwrap();
    reply(&mut c);
    c.write_all(
        &Message::Tread(Tread {
            fid: 2,
            offset: 0,
            count: u32::MAX,
        })
        .encode_frame(8),
    )
    .unwrap();
    assert_eq!(reply(&mut c).msg.as_error(), Some(Errno::ENOBUFS.raw()));
    // Escaping names.
    c.write_all(
        &Message::Twalk(Twalk {
            fid: 1,
            newfid: 3,
            names: vec!["..".into()],
        })
        .encode_frame(9),
    )
    .unwrap();
    assert_eq!(reply(&mut c).msg.as_error(), Some(Errno::EINVAL.raw()));
    drop(c);
    alive(&mut s);

    // Abrupt disconnect in the middle of a frame.
    let mut c = raw(&s.addr);
    c.write_all(&[100, 0, 0, 0, 110]).unwrap();
    drop(c);
    alive(&mut s);

    // A fid flood is bounded per connection.
    let mut c = NetClient::connect(&s.addr).unwrap();
    c.version(65536, 6).unwrap();
    let (root, _) = c.attach("/", 0).unwrap();
    let mut refused = None;
    for i in 0..5000 {
        if let Err(e) = c.walk(root, &[]) {
            refused = Some((i, e));
            break;
        }
    }
    assert_eq!(refused, Some((4095, Errno::EMFILE)));
    drop(c);
    alive(&mut s);

    // Many connections at once.
    let clients: Vec<NetClient> = (0..32)
        .map(|_| NetClient::connect(&s.addr).unwrap())
        .collect();
    alive(&mut s);
    drop(clients);
    alive(&mut s);
}

#[test]
fn serve_9p_unix_socket_read_only() {
    let path = std::env::temp_dir().join(format!("mountlab-p9-{}.sock", std::process::id()));
    let listen = format!("unix:{}", path.display());
    let s = serve("unix", &listen, &["--read-only"]);
    let mut c = NetClient::connect(&s.addr).unwrap();
    assert_eq!(c.version(65536, 6).unwrap(), (65536, 6));
    let (root, _) = c.attach("/", 0).unwrap();
    let (d, _) = c.walk(root, &["sub"]).unwrap();
    assert_eq!(c.mkdir(d, "x", 0o755, 0), Err(Errno::EBADF));
    let (l, _) = c.walk(root, &["link"]).unwrap();
    assert_eq!(c.readlink(l).unwrap(), "a.txt");
    c.lopen(d, O_RDONLY).unwrap();
    let names: Vec<String> = c
        .readdir_all(d)
        .unwrap()
        .iter()
        .map(|e| e.name.lossy())
        .collect();
    assert_eq!(names, ["b.txt"]);
    // The seed on disk is untouched.
    drop(c);
    assert_eq!(
        std::fs::read(s.seed.join("a.txt")).unwrap(),
        b"hello from the seed\n"
    );
    let _ = std::fs::remove_file(&path);
}

/// #11.4/#11.5 over a real socket: serve-9p walks from an opened fid only
/// with `--walk-from-open` (EBUSY otherwise, gVisor's `doWalk`), and refuses
/// a fid in use for Tattach and for a Twalk newfid (EBADF) either way.
#[test]
fn serve_9p_walk_from_open_and_fids_in_use() {
    for (extra, from_open) in [
        (&[][..], Err(Errno::EBUSY)),
        (&["--walk-from-open"][..], Ok(())),
    ] {
        let s = serve("walkopen", "127.0.0.1:0", extra);
        let mut c = NetClient::connect(&s.addr).unwrap();
        c.version(65536, 6).unwrap();
        let (root, _) = c.attach("/", 0).unwrap();
        let (d, _) = c.walk(root, &["sub"]).unwrap();
        c.lopen(d, O_RDONLY).unwrap();
        assert_eq!(c.walk(d, &["b.txt"]).map(drop), from_open, "{extra:?}");
        let r = c.call(
            Tattach {
                fid: root,
                afid: NOFID,
                uname: "".into(),
                aname: "/".into(),
                n_uname: 0,
            }
            .into(),
        );
        assert_eq!(r.map(drop), Err(Errno::EBADF));
        let r = c.call(
            Twalk {
                fid: root,
                newfid: d,
                names: vec!["a.txt".into()],
            }
            .into(),
        );
        assert_eq!(r.map(drop), Err(Errno::EBADF));
    }
}

/// A TCP connection to `addr` from the loopback address `src` (127.0.0.2,
/// ...), so one test can play several peers of serve-9p.
fn connect_from(src: [u8; 4], addr: &str) -> TcpStream {
    use std::os::fd::FromRawFd;
    let dst: std::net::SocketAddrV4 = addr.parse().unwrap();
    let sin = |ip: [u8; 4], port: u16| libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from_ne_bytes(ip),
        },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: plain socket calls on a fresh fd, checked; the fd is owned by
    // the TcpStream from then on.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0, "socket");
        let me = sin(src, 0);
        let r = libc::bind(fd, (&me as *const libc::sockaddr_in).cast(), len);
        assert_eq!(r, 0, "bind {src:?}");
        let to = sin(dst.ip().octets(), dst.port());
        let r = libc::connect(fd, (&to as *const libc::sockaddr_in).cast(), len);
        assert_eq!(r, 0, "connect {addr}");
        TcpStream::from_raw_fd(fd)
    }
}

/// The server's log once `done` holds of it (or after 5 s).
fn wait_log(s: &Served, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let log = s.log.lock().unwrap().clone();
        if done(&log) || Instant::now() > until {
            return log;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A well-behaved client: attach, walk, open, read within `within`.
fn served_within(addr: &str, within: Duration) {
    let t = Instant::now();
    let mut c = NetClient::connect(addr).unwrap();
    if let NetStream::Tcp(s) = &c.stream {
        s.set_read_timeout(Some(within)).unwrap();
    }
    c.version(65536, 6).unwrap();
    let (root, _) = c.attach("/", 0).unwrap();
    let (f, _) = c.walk(root, &["sub", "b.txt"]).unwrap();
    c.lopen(f, O_RDONLY).unwrap();
    assert_eq!(c.read_all(f).unwrap(), b"nested\n");
    assert!(t.elapsed() < within, "served in {:?}", t.elapsed());
}

/// #13.1: `idle` sockets that send nothing and `slow` ones that trickle a
/// frame header one byte at a time, from two other peer addresses, do not
/// stop a well-behaved client; the accepted ones are closed within their
/// timeout, the rest refused at accept, each with a log line naming the limit.
fn lockout(idle: usize, slow: usize, per_peer: usize, timeout_ms: u64) {
    let per_peer_arg = format!("MAX_CONNECTIONS_PER_PEER={per_peer}");
    let idle_arg = format!("SERVE_IDLE_TIMEOUT_MS={timeout_ms}");
    let frame_arg = format!("SERVE_FRAME_TIMEOUT_MS={timeout_ms}");
    let s = serve(
        &format!("lockout{idle}"),
        "127.0.0.1:0",
        &[
            "--limit",
            &per_peer_arg,
            "--limit",
            &idle_arg,
            "--limit",
            &frame_arg,
        ],
    );
    let start = Instant::now();
    let idlers: Vec<(Instant, TcpStream)> = (0..idle)
        .map(|_| (Instant::now(), connect_from([127, 0, 0, 2], &s.addr)))
        .collect();
    // Each slowloris socket sends the first byte of a 4-byte size field at
    // once and one more well within the idle timeout, so only the frame
    // timeout can end it.
    let mut slowloris: Vec<(Instant, TcpStream)> = (0..slow)
        .map(|_| {
            let mut c = connect_from([127, 0, 0, 3], &s.addr);
            let _ = c.write_all(&[64]);
            (Instant::now(), c)
        })
        .collect();
    eprintln!("{} sockets opened in {:?}", idle + slow, start.elapsed());
    served_within(&s.addr, Duration::from_secs(2));
    let drip = Duration::from_millis(timeout_ms / 4);
    for byte in [0u8, 0] {
        std::thread::sleep(drip);
        for (_, c) in &mut slowloris {
            let _ = c.write_all(&[byte]);
        }
    }
    served_within(&s.addr, Duration::from_secs(2));
    // Every hostile socket is closed by the server: refused ones at once,
    // accepted ones by the idle or frame timeout (plus scheduling slack).
    let slack = Duration::from_millis(timeout_ms) + Duration::from_secs(2);
    for (opened, mut c) in idlers.into_iter().chain(slowloris) {
        let left = slack.saturating_sub(opened.elapsed());
        c.set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        let mut buf = [0u8; 8];
        let r = c.read(&mut buf);
        assert!(
            matches!(&r, Ok(0))
                || matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
            "a hostile socket outlived {slack:?}: {r:?}"
        );
    }
    let refused = idle.saturating_sub(per_peer) + slow.saturating_sub(per_peer);
    let idle_closed =
        format!("sent nothing before Tattach for SERVE_IDLE_TIMEOUT_MS ({timeout_ms})");
    let frame_closed =
        format!("a frame took more than SERVE_FRAME_TIMEOUT_MS ({timeout_ms}) to arrive");
    let count_in = |log: &[String], needle: &str| log.iter().filter(|l| l.contains(needle)).count();
    // The server logs before it closes; our reader thread may lag behind.
    // Wait for the lines counted below, not for a number of lines: the
    // well-behaved clients' connections log too, so a count of all lines
    // can be reached before the last close is logged.
    let log = wait_log(&s, |log| {
        count_in(log, ": refused ") >= refused
            && count_in(log, &idle_closed) >= idle.min(per_peer)
            && count_in(log, &frame_closed) >= slow.min(per_peer)
    });
    let count = |needle: &str| count_in(&log, needle);
    assert_eq!(
        count("connections from 127.0.0.2"),
        idle.saturating_sub(per_peer),
        "{log:?}"
    );
    assert_eq!(count("refused 127.0.0.3:"), slow.saturating_sub(per_peer));
    assert_eq!(count(": refused "), refused);
    assert_eq!(count(&idle_closed), idle.min(per_peer), "{log:?}");
    assert_eq!(count(&frame_closed), slow.min(per_peer), "{log:?}");
    assert!(log.iter().any(|l| l.contains(&format!(
        "MAX_CONNECTIONS_PER_PEER ({per_peer}) connections from 127.0.0.2"
    ))));
}

#[test]
fn serve_9p_idle_and_slowloris_sockets_do_not_lock_out_clients() {
    lockout(60, 50, 16, 800);
}

/// The full-size run of the issue (600 idle + 512 slowloris sockets, the
/// default per-peer cap and 10 s timeouts, longer than opening 1 112 sockets
/// takes here, about 5 s): `cargo test --test p9_serve_net
/// -- --ignored`.
#[test]
#[ignore]
fn serve_9p_full_size_lockout() {
    lockout(600, 512, mountlab::limits::MAX_CONNECTIONS_PER_PEER, 10_000);
}

/// #13.1: a client that sends requests and never reads the replies is
/// closed after the write timeout (its thread is not parked forever).
#[test]
fn serve_9p_closes_clients_that_do_not_read() {
    let s = serve(
        "noread",
        "127.0.0.1:0",
        &["--limit", "SERVE_WRITE_TIMEOUT_MS=500"],
    );
    let mut c = NetClient::connect(&s.addr).unwrap();
    c.version(65536, 6).unwrap();
    let (root, _) = c.attach("/", 0).unwrap();
    let (f, _) = c.walk(root, &[]).unwrap();
    c.lcreate(f, "big", O_RDWR, 0o644, 0).unwrap();
    c.write(f, 0, &vec![7u8; 60_000]).unwrap();
    let NetStream::Tcp(mut raw) = c.stream else {
        unreachable!()
    };
    // 2000 reads of 60 000 bytes, never read back: the replies fill the
    // socket buffers and the server's write blocks.
    let tread = Tread {
        fid: f,
        offset: 0,
        count: 60_000,
    };
    let req = Message::Tread(tread).encode_frame(1);
    raw.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let start = Instant::now();
    for _ in 0..2000 {
        if raw.write_all(&req).is_err() {
            break;
        }
    }
    let want = "a reply was not read within SERVE_WRITE_TIMEOUT_MS (500)";
    let log = wait_log(&s, |log| log.iter().any(|l| l.contains(want)));
    assert!(log.iter().any(|l| l.contains(want)), "{log:?}");
    assert!(start.elapsed() < Duration::from_secs(4));
    served_within(&s.addr, Duration::from_secs(2));
}
