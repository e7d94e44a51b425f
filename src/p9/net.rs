//! Native only: `mountlab serve-9p`, the in-memory gofer on a real TCP or
//! unix socket so third-party 9P2000.L clients (diod's `diodls`/`diodcat`,
//! Linux v9fs) can talk to it, plus [`NetClient`], our typed client over a
//! socket (used by the interop tests and the load generator).
//!
//! One thread per connection, one `ConnState` each, the `Server` shared as
//! `Arc<Mutex<Server>>`. Each reply goes out as one fully encoded frame;
//! TCP_NODELAY is set so small replies are not delayed. A broken or hostile
//! client can only end its own connection: size fields outside `[7, msize]`
//! close it (as gVisor's `recv` does), undecodable bodies get Rlerror, fids
//! per connection are bounded, file sizes and the total content are bounded
//! by the host tree. No client can hold a slot for nothing ([`ConnLimits`]):
//! a connection idle before its Tattach, a frame that trickles in, and a
//! reply the client does not read are each closed after a timeout, and one
//! peer address gets at most `MAX_CONNECTIONS_PER_PEER` slots. Every refusal
//! and every timeout close is logged on stderr with the limit's name.

use super::client::{ClientState, Rpc};
use super::host::HostFs;
use super::messages::{check_frame_size, decode_frame, Message};
use super::seed::seed_from_dir;
use super::server::{ConnState, Server, ServerOptions};
use super::version::MAX_MSIZE;
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::limits::{self, Limit};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Connections served at once; more are closed on accept.
pub use crate::limits::MAX_CONNECTIONS;
/// Fids one connection may hold.
pub use crate::limits::MAX_FIDS_PER_CONNECTION;

/// What `serve-9p` serves and where; the binary fills it from its command
/// line (the library parses no arguments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeConfig {
    /// `HOST:PORT` or `unix:PATH`.
    pub listen: String,
    pub seed: Option<PathBuf>,
    pub read_only: bool,
    /// Allow Twalk from an opened fid (diod's `diodls -l` needs it); off,
    /// the walk is EBUSY as in gVisor's `doWalk`.
    pub walk_from_open: bool,
    pub limits: ConnLimits,
}

/// `serve-9p`'s connection limits: the defaults are `limits`' typed
/// constants, each settable with `--limit NAME=VALUE` (tests scale them
/// down); log lines name them as `NAME (value)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    pub max_connections: Limit,
    pub max_per_peer: Limit,
    /// Before the connection holds a fid (ms).
    pub idle: Limit,
    /// Once it holds one (ms).
    pub attached_idle: Limit,
    pub frame: Limit,
    pub write: Limit,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            max_connections: limits::CONNECTIONS,
            max_per_peer: limits::CONNECTIONS_PER_PEER,
            idle: limits::SERVE_IDLE_TIMEOUT,
            attached_idle: limits::SERVE_ATTACHED_IDLE_TIMEOUT,
            frame: limits::SERVE_FRAME_TIMEOUT,
            write: limits::SERVE_WRITE_TIMEOUT,
        }
    }
}

impl ConnLimits {
    /// Sets the limit named after its `limits` constant to `value` (a
    /// positive integer; timeouts in ms).
    pub fn set(&mut self, name: &str, value: u64) -> Result<()> {
        if value == 0 {
            return Err(Error::msg(format!("{name}: must be positive")));
        }
        usize::try_from(value).map_err(|_| Error::msg(format!("{name}: {value} too large")))?;
        let all = [
            &mut self.max_connections,
            &mut self.max_per_peer,
            &mut self.idle,
            &mut self.attached_idle,
            &mut self.frame,
            &mut self.write,
        ];
        let l = all
            .into_iter()
            .find(|l| l.name == name)
            .ok_or_else(|| Error::msg(format!("unknown limit {name}")))?;
        l.max = value;
        Ok(())
    }
}

/// A timeout limit as a duration.
fn ms(l: &Limit) -> Duration {
    Duration::from_millis(l.max)
}

/// Whether a count has reached a limit (the next one would be over it).
fn reached(count: usize, l: &Limit) -> bool {
    l.is_over(count.saturating_add(1))
}

/// The server `serve-9p` runs: attach point 0 is `/` of the (seeded) tree.
/// Deviations from fsgofer, so standard clients (diod's tools) work: every
/// connection may attach (fsgofer allows one Tattach per attach point), a
/// clone walk returns no QID, and with `--walk-from-open` a walk from an
/// opened fid is allowed. A fid already in use is refused on every server
/// (see `Server::check_fid_unused`).
pub fn build_server(args: &ServeConfig) -> Result<Server> {
    let mut host = HostFs::new();
    if let Some(dir) = &args.seed {
        let report = seed_from_dir(&mut host, dir)?;
        eprintln!(
            "mountlab serve-9p: seeded {} files, {} dirs, {} symlinks ({} bytes), skipped {}, from {}",
            report.files,
            report.dirs,
            report.symlinks,
            report.bytes,
            report.skipped.len(),
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

/// `mountlab serve-9p`: never returns while the listener works.
pub fn serve(args: &ServeConfig) -> Result<()> {
    let server = Arc::new(Mutex::new(build_server(args)?));
    let limits = args.limits.clone();
    if let Some(path) = args.listen.strip_prefix("unix:") {
        let _ = std::fs::remove_file(path);
        let l = UnixListener::bind(path)
            .map_err(|e| Error::msg(format!("listen {}: {e}", args.listen)))?;
        announce(&format!("unix:{path}"));
        // Every unix-socket peer is local: none is counted per address.
        serve_loop(
            || l.accept().map(|(s, _)| (s, None, "unix peer".to_string())),
            server,
            limits,
        )
    } else {
        let l = TcpListener::bind(&args.listen)
            .map_err(|e| Error::msg(format!("listen {}: {e}", args.listen)))?;
        let addr = l.local_addr().map_err(|e| Error::msg(e.to_string()))?;
        announce(&addr.to_string());
        serve_loop(
            || {
                let (s, peer) = l.accept()?;
                let _ = s.set_nodelay(true);
                Ok((s, Some(peer.ip()), peer.to_string()))
            },
            server,
            limits,
        )
    }
}

/// Tells whoever started us (tests read stdout) where we listen.
fn announce(addr: &str) {
    println!("listening on {addr}");
    let _ = io::stdout().flush();
}

/// A stream whose blocking reads and writes can be given timeouts.
pub trait Socket: Read + Write + Send + 'static {
    fn read_timeout_in(&self, d: Duration) -> io::Result<()>;
    fn write_timeout_in(&self, d: Duration) -> io::Result<()>;
}

impl Socket for TcpStream {
    fn read_timeout_in(&self, d: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(d.max(Duration::from_millis(1))))
    }
    fn write_timeout_in(&self, d: Duration) -> io::Result<()> {
        self.set_write_timeout(Some(d.max(Duration::from_millis(1))))
    }
}

impl Socket for UnixStream {
    fn read_timeout_in(&self, d: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(d.max(Duration::from_millis(1))))
    }
    fn write_timeout_in(&self, d: Duration) -> io::Result<()> {
        self.set_write_timeout(Some(d.max(Duration::from_millis(1))))
    }
}

/// Open connections, in total and per peer address.
#[derive(Default)]
struct Slots {
    total: usize,
    per_peer: HashMap<IpAddr, usize>,
}

/// One admitted connection's slot, given back when dropped.
struct Slot {
    slots: Arc<Mutex<Slots>>,
    peer: Option<IpAddr>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut s = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        s.total = s.total.saturating_sub(1);
        if let Some(ip) = self.peer {
            if let Some(n) = s.per_peer.get_mut(&ip) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    s.per_peer.remove(&ip);
                }
            }
        }
    }
}

/// Takes a slot for a new connection, or says which limit refuses it.
fn admit(slots: &Arc<Mutex<Slots>>, peer: Option<IpAddr>, l: &ConnLimits) -> Result<Slot, String> {
    let mut s = slots.lock().unwrap_or_else(|e| e.into_inner());
    if reached(s.total, &l.max_connections) {
        return Err(format!("{} connections open", l.max_connections.label()));
    }
    if let Some(ip) = peer {
        let n = s.per_peer.entry(ip).or_insert(0);
        if reached(*n, &l.max_per_peer) {
            return Err(format!("{} connections from {ip}", l.max_per_peer.label()));
        }
        *n += 1;
    }
    s.total += 1;
    Ok(Slot {
        slots: Arc::clone(slots),
        peer,
    })
}

fn serve_loop<S, A>(mut accept: A, server: Arc<Mutex<Server>>, limits: ConnLimits) -> Result<()>
where
    S: Socket,
    A: FnMut() -> io::Result<(S, Option<IpAddr>, String)>,
{
    let slots = Arc::new(Mutex::new(Slots::default()));
    let limits = Arc::new(limits);
    loop {
        let (stream, peer, label) = match accept() {
            Ok(s) => s,
            Err(e) => {
                // EMFILE and friends: keep listening.
                eprintln!("mountlab serve-9p: accept: {e}");
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let slot = match admit(&slots, peer, &limits) {
            Ok(slot) => slot,
            Err(why) => {
                eprintln!("mountlab serve-9p: refused {label}: {why}");
                continue;
            }
        };
        let server = Arc::clone(&server);
        let limits = Arc::clone(&limits);
        // The slot moves into the thread and is given back when it ends
        // (or at once, if the thread cannot be spawned).
        let spawned = std::thread::Builder::new()
            .name("9p-conn".into())
            .spawn(move || {
                let _slot = slot;
                if let Some(why) = serve_conn(stream, &server, &limits) {
                    eprintln!("mountlab serve-9p: closed {label}: {why}");
                }
            });
        if let Err(e) = spawned {
            eprintln!("mountlab serve-9p: refused a connection: spawn: {e}");
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

/// Why the server ended a connection; `Timeout` is logged.
enum Stop {
    /// EOF, an I/O error or an unframable frame: the client's doing.
    Ended,
    Timeout(String),
}

fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Fills `buf` before `deadline` (the frame timeout).
fn read_by<S: Socket>(
    s: &mut S,
    buf: &mut [u8],
    deadline: Instant,
    l: &ConnLimits,
) -> Result<(), Stop> {
    let mut got = 0;
    while let Some(rest) = buf.get_mut(got..).filter(|r| !r.is_empty()) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || s.read_timeout_in(left).is_err() {
            return Err(slow_frame(l));
        }
        match s.read(rest) {
            Ok(0) => return Err(Stop::Ended),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if timed_out(&e) => return Err(slow_frame(l)),
            Err(_) => return Err(Stop::Ended),
        }
    }
    Ok(())
}

fn slow_frame(l: &ConnLimits) -> Stop {
    Stop::Timeout(format!(
        "a frame took more than {} to arrive",
        l.frame.label()
    ))
}

/// Reads one frame on the server side: the first byte within the idle
/// timeout (shorter before the connection holds a fid), the rest of the
/// frame within the frame timeout, however slowly it trickles.
fn read_frame_timed<S: Socket>(
    s: &mut S,
    session: &ConnState,
    l: &ConnLimits,
) -> Result<Vec<u8>, Stop> {
    let idle = if session.fid_count() == 0 {
        &l.idle
    } else {
        &l.attached_idle
    };
    let mut size = [0u8; 4];
    let first = s.read_timeout_in(ms(idle)).and_then(|()| loop {
        match s.read(&mut size[..1]) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            r => break r,
        }
    });
    match first {
        Ok(0) => return Err(Stop::Ended),
        Ok(_) => {}
        Err(e) if timed_out(&e) => {
            let state = if session.fid_count() == 0 {
                "before Tattach"
            } else {
                "while attached"
            };
            return Err(Stop::Timeout(format!(
                "sent nothing {state} for {}",
                idle.label()
            )));
        }
        Err(_) => return Err(Stop::Ended),
    }
    let deadline = Instant::now() + ms(&l.frame);
    read_by(s, &mut size[1..], deadline, l)?;
    let n = check_frame_size(u32::from_le_bytes(size), session.msize).map_err(|_| Stop::Ended)?;
    let mut frame = vec![0u8; n];
    if let Some(head) = frame.get_mut(..4) {
        head.copy_from_slice(&size);
    }
    if let Some(body) = frame.get_mut(4..) {
        read_by(s, body, deadline, l)?;
    }
    Ok(frame)
}

/// Writes one reply within the write timeout, however slowly it is read.
fn write_timed<S: Socket>(s: &mut S, mut buf: &[u8], l: &ConnLimits) -> Result<(), Stop> {
    let deadline = Instant::now() + ms(&l.write);
    while !buf.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        let slow = || Stop::Timeout(format!("a reply was not read within {}", l.write.label()));
        if left.is_zero() || s.write_timeout_in(left).is_err() {
            return Err(slow());
        }
        match s.write(buf) {
            Ok(0) => return Err(Stop::Ended),
            Ok(n) => buf = buf.get(n..).unwrap_or_default(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if timed_out(&e) => return Err(slow()),
            Err(_) => return Err(Stop::Ended),
        }
    }
    Ok(())
}

/// Serves one connection until EOF, an I/O error, unframable input or a
/// timeout; returns the timeout's text (for the log).
pub fn serve_conn<S: Socket>(
    mut stream: S,
    server: &Mutex<Server>,
    l: &ConnLimits,
) -> Option<String> {
    let mut session = ConnState::new(0);
    let stop = loop {
        let frame = match read_frame_timed(&mut stream, &session, l) {
            Ok(f) => f,
            Err(stop) => break stop,
        };
        let reply = lock(server).handle(&mut session, &frame);
        if let Err(stop) = write_timed(&mut stream, &reply, l) {
            break stop;
        }
        if session.is_closed() {
            break Stop::Ended;
        }
    };
    lock(server).close_session(&mut session);
    match stop {
        Stop::Ended => None,
        Stop::Timeout(why) => Some(why),
    }
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
