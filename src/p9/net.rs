//! Native only: `mountlab serve-9p`, the in-memory gofer on a real TCP or
//! unix socket so third-party 9P2000.L clients (diod's `diodls`/`diodcat`,
//! Linux v9fs) can talk to it, plus [`NetClient`], our typed client over a
//! socket (used by the interop tests and the load generator).
//!
//! One thread per connection, one `Session` each, the `Server` shared as
//! `Arc<Mutex<Server>>`. Each reply goes out in one `write_all` of a fully
//! encoded frame; TCP_NODELAY is set so small replies are not delayed. A
//! broken or hostile client can only end its own connection: size fields
//! outside `[7, msize]` close it (as gVisor's `recv` does), undecodable
//! bodies get Rlerror, fids per connection are bounded, file sizes and the
//! total content are bounded by the host tree.

use super::client::{ClientState, Rpc};
use super::host::HostFs;
use super::messages::{check_frame_size, decode_frame, Message};
use super::seed::seed_from_dir;
use super::server::{Server, ServerOptions, Session};
use super::version::MAX_MSIZE;
use crate::errno::Errno;
use crate::error::{Error, Result};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Connections served at once; more are closed on accept.
pub use crate::limits::MAX_CONNECTIONS;
/// Fids one connection may hold.
pub use crate::limits::MAX_FIDS_PER_CONNECTION;

/// Parsed `serve-9p` arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeArgs {
    /// `HOST:PORT` or `unix:PATH`.
    pub listen: String,
    pub seed: Option<PathBuf>,
    pub read_only: bool,
    /// `--walk-from-open`: allow Twalk from an opened fid (diod's
    /// `diodls -l` needs it); off, the walk is EBUSY as in gVisor's `doWalk`.
    pub walk_from_open: bool,
}

const USAGE: &str = "usage: mountlab serve-9p --listen HOST:PORT|unix:PATH [--seed DIR] \
     [--read-only] [--walk-from-open]";

pub fn parse_args(args: &[String]) -> Result<ServeArgs> {
    let mut listen = None;
    let mut seed = None;
    let mut read_only = false;
    let mut walk_from_open = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--listen" => listen = Some(it.next().ok_or_else(|| Error::msg(USAGE))?.clone()),
            "--seed" => seed = Some(PathBuf::from(it.next().ok_or_else(|| Error::msg(USAGE))?)),
            "--read-only" => read_only = true,
            "--walk-from-open" => walk_from_open = true,
            "-h" | "--help" => return Err(Error::msg(USAGE)),
            other => return Err(Error::msg(format!("unknown argument {other:?}\n{USAGE}"))),
        }
    }
    let listen = listen.ok_or_else(|| Error::msg(format!("--listen is required\n{USAGE}")))?;
    Ok(ServeArgs {
        listen,
        seed,
        read_only,
        walk_from_open,
    })
}

/// The server `serve-9p` runs: attach point 0 is `/` of the (seeded) tree.
/// Deviations from fsgofer, so standard clients (diod's tools) work: every
/// connection may attach (fsgofer allows one Tattach per attach point), a
/// clone walk returns no QID, and with `--walk-from-open` a walk from an
/// opened fid is allowed. A fid already in use is refused on every server
/// (see `Server::check_fid_unused`).
pub fn build_server(args: &ServeArgs) -> Result<Server> {
    let mut host = HostFs::new();
    if let Some(dir) = &args.seed {
        let report = seed_from_dir(&mut host, dir)?;
        eprintln!(
            "mountlab serve-9p: seeded {} files, {} dirs, {} symlinks ({} bytes) from {}",
            report.files,
            report.dirs,
            report.symlinks,
            report.bytes,
            dir.display()
        );
        for s in &report.skipped {
            eprintln!("mountlab serve-9p: skipped {s}");
        }
    }
    let mut server = Server::new(host);
    server.options = ServerOptions {
        allow_reattach: true,
        clone_returns_qid: false,
        max_fids: MAX_FIDS_PER_CONNECTION,
        allow_walk_from_open: args.walk_from_open,
    };
    server.add_attach_point("/", args.read_only);
    Ok(server)
}

/// `mountlab serve-9p ...`: never returns while the listener works.
pub fn serve_main(args: &[String]) -> Result<()> {
    let args = parse_args(args)?;
    let server = Arc::new(Mutex::new(build_server(&args)?));
    if let Some(path) = args.listen.strip_prefix("unix:") {
        let _ = std::fs::remove_file(path);
        let l = UnixListener::bind(path)
            .map_err(|e| Error::msg(format!("listen {}: {e}", args.listen)))?;
        announce(&format!("unix:{path}"));
        serve_loop(|| l.accept().map(|(s, _)| s), server, |_| {})
    } else {
        let l = TcpListener::bind(&args.listen)
            .map_err(|e| Error::msg(format!("listen {}: {e}", args.listen)))?;
        let addr = l.local_addr().map_err(|e| Error::msg(e.to_string()))?;
        announce(&addr.to_string());
        serve_loop(
            || l.accept().map(|(s, _)| s),
            server,
            |s: &TcpStream| {
                let _ = s.set_nodelay(true);
            },
        )
    }
}

/// Tells whoever started us (tests read stdout) where we listen.
fn announce(addr: &str) {
    println!("listening on {addr}");
    let _ = io::stdout().flush();
}

fn serve_loop<S, A, P>(mut accept: A, server: Arc<Mutex<Server>>, prepare: P) -> Result<()>
where
    S: Read + Write + Send + 'static,
    A: FnMut() -> io::Result<S>,
    P: Fn(&S),
{
    let live = Arc::new(AtomicUsize::new(0));
    loop {
        let stream = match accept() {
            Ok(s) => s,
            Err(e) => {
                // EMFILE and friends: keep listening.
                eprintln!("mountlab serve-9p: accept: {e}");
                std::thread::sleep(std::time::Duration::from_millis(50));
                continue;
            }
        };
        if live.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            drop(stream);
            continue;
        }
        prepare(&stream);
        live.fetch_add(1, Ordering::SeqCst);
        let server = Arc::clone(&server);
        let live2 = Arc::clone(&live);
        let spawned = std::thread::Builder::new()
            .name("9p-conn".into())
            .spawn(move || {
                serve_conn(stream, &server);
                live2.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            live.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn lock(server: &Mutex<Server>) -> MutexGuard<'_, Server> {
    // A poisoned lock means a handler panicked, which is a bug, but the tree
    // is still consistent enough to keep serving other clients.
    server.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads one frame: `Ok(None)` at a clean EOF or an unframable size field
/// (the connection is then closed, like gVisor's `recv`).
fn read_frame<S: Read>(stream: &mut S, msize: u32) -> io::Result<Option<Vec<u8>>> {
    let mut size = [0u8; 4];
    if let Err(e) = stream.read_exact(&mut size) {
        return if e.kind() == io::ErrorKind::UnexpectedEof {
            Ok(None)
        } else {
            Err(e)
        };
    }
    let Ok(n) = check_frame_size(u32::from_le_bytes(size), msize) else {
        return Ok(None);
    };
    let mut frame = vec![0u8; n];
    frame[..4].copy_from_slice(&size);
    stream.read_exact(&mut frame[4..])?;
    Ok(Some(frame))
}

/// Serves one connection until EOF, an I/O error or unframable input.
pub fn serve_conn<S: Read + Write>(mut stream: S, server: &Mutex<Server>) {
    let mut session = Session::new(0);
    while let Ok(Some(frame)) = read_frame(&mut stream, session.msize) {
        let reply = lock(server).handle(&mut session, &frame);
        if stream.write_all(&reply).is_err() || session.is_closed() {
            break;
        }
    }
    lock(server).close_session(&mut session);
}

/// Either kind of socket.
pub enum NetStream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Read for NetStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            NetStream::Tcp(s) => s.read(buf),
            NetStream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for NetStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            NetStream::Tcp(s) => s.write(buf),
            NetStream::Unix(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            NetStream::Tcp(s) => s.flush(),
            NetStream::Unix(s) => s.flush(),
        }
    }
}

/// Our typed client over a real socket (implements [`Rpc`], so every
/// `Client` call works on it).
pub struct NetClient {
    pub stream: NetStream,
    pub state: ClientState,
}

impl NetClient {
    /// Connects to `HOST:PORT` or `unix:PATH`.
    pub fn connect(addr: &str) -> io::Result<NetClient> {
        let stream = match addr.strip_prefix("unix:") {
            Some(p) => NetStream::Unix(UnixStream::connect(p)?),
            None => {
                let s = TcpStream::connect(addr)?;
                s.set_nodelay(true)?;
                NetStream::Tcp(s)
            }
        };
        Ok(NetClient {
            stream,
            state: ClientState::default(),
        })
    }
}

impl Rpc for NetClient {
    fn exchange(&mut self, tag: u16, msg: Message) -> std::result::Result<Message, Errno> {
        let frame = msg.encode_frame(tag);
        self.stream.write_all(&frame).map_err(|_| Errno::EPIPE)?;
        let reply = read_frame(&mut self.stream, MAX_MSIZE)
            .map_err(|_| Errno::EIO)?
            .ok_or(Errno::EPIPE)?;
        let f = decode_frame(&reply, MAX_MSIZE).map_err(|_| Errno::EIO)?;
        if f.tag != tag {
            return Err(Errno::EIO);
        }
        Ok(f.msg)
    }

    fn state(&mut self) -> &mut ClientState {
        &mut self.state
    }
}
