//! Starts the real `mountlab serve-9p` binary and attacks it: malformed
//! frames, oversized size fields and counts, R-messages, fid floods and
//! abrupt disconnects. After each, a fresh client must still be served.

use mountlab::errno::Errno;
use mountlab::p9::client::Client;
use mountlab::p9::messages::*;
use mountlab::p9::net::NetClient;
use mountlab::p9::server::O_RDONLY;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A seeded server process, killed on drop.
pub struct Served {
    child: Child,
    pub addr: String,
    pub seed: PathBuf,
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
        .stderr(Stdio::null())
        .spawn()
        .expect("start mountlab serve-9p");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("announce line")
        .to_string();
    Served { child, addr, seed }
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
