//! The gofer as the engine sees it: one [`Server`] (host tree + attach
//! points) and many client connections, each bound to one attach point and
//! named by the sandbox-side fd number runsc would have passed in
//! `rfdno`/`wfdno`. Every call crosses a [`Duplex`] as encoded bytes and is
//! recorded in the gofer's [`MessageLog`].
//!
//! Mirrors `runsc/cmd/gofer.go` (attach point 0 is `/` with the root's
//! read-only flag, then one per bind destination) and the sentry's
//! per-mount `p9.Client`. Plain data: no `Rc`, no `RefCell`, no threads.

use super::client::{ClientState, Rpc};
use super::host::HostFs;
use super::log::{Exchange, LogEntry, MessageLog};
use super::messages::{decode_frame, Message};
use super::server::{AttachPoint, ConnState, Server};
use super::transport::{pump, Duplex};
use crate::errno::Errno;

/// A connection handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u32);

/// One sentry↔gofer socketpair with both ends' state.
#[derive(Clone, Debug)]
pub struct Connection {
    pub id: ConnId,
    pub attach_index: usize,
    /// The sandbox-side fd number (`rfdno` = `wfdno`).
    pub fd: i32,
    pub session: ConnState,
    pub duplex: Duplex,
    pub client: ClientState,
    /// Exchanges made on this connection (the log keeps only the newest of
    /// the whole gofer's).
    pub exchanges: u64,
    /// The client's send buffer, reused by every exchange.
    scratch: Vec<u8>,
}

/// The gofer with its connections.
#[derive(Clone, Debug, Default)]
pub struct Gofer {
    pub server: Server,
    conns: Vec<Connection>,
    /// The newest exchanges of all connections, in order: one ring per
    /// gofer rather than per connection keeps the memory a run of exchanges
    /// touches small (a spec with thousands of binds has thousands of
    /// connections).
    pub log: MessageLog,
}

impl Gofer {
    pub fn new(host: HostFs) -> Gofer {
        Gofer {
            server: Server::new(host),
            conns: Vec::new(),
            log: MessageLog::new(crate::limits::MAX_LOG_ENTRIES),
        }
    }

    /// Adds an attach point (`/` first, then each bind destination).
    pub fn add_attach_point(&mut self, path: &str, read_only: bool) -> usize {
        self.server.add_attach_point(path, read_only)
    }

    pub fn attach_points(&self) -> &[AttachPoint] {
        &self.server.attach_points
    }

    /// Opens a connection to attach point `attach_index`, known to the
    /// sandbox as fd `fd`.
    pub fn connect(&mut self, attach_index: usize, fd: i32) -> ConnId {
        let id = ConnId(self.conns.len() as u32);
        self.conns.push(Connection {
            id,
            attach_index,
            fd,
            session: ConnState::new(attach_index),
            duplex: Duplex::default(),
            client: ClientState::default(),
            exchanges: 0,
            scratch: Vec::new(),
        });
        id
    }

    /// The connection whose sandbox fd is `fd`.
    pub fn conn_by_fd(&self, fd: i32) -> Option<ConnId> {
        self.conns.iter().find(|c| c.fd == fd).map(|c| c.id)
    }

    pub fn connection(&self, id: ConnId) -> Option<&Connection> {
        self.conns.get(id.0 as usize)
    }

    pub fn connections(&self) -> &[Connection] {
        &self.conns
    }

    /// A handle implementing [`Rpc`] (and so every typed `Client` call).
    pub fn conn(&mut self, id: ConnId) -> Result<ConnHandle<'_>, Errno> {
        let conn = self.conns.get_mut(id.0 as usize).ok_or(Errno::EBADF)?;
        Ok(ConnHandle {
            server: &mut self.server,
            conn,
            log: &mut self.log,
        })
    }

    /// One raw call: `msg` on a fresh tag, the decoded reply (Rlerror as a
    /// message, not an error; Err only for transport failures).
    pub fn call(&mut self, id: ConnId, msg: Message) -> Result<Message, Errno> {
        let mut h = self.conn(id)?;
        let tag = h.conn.client.tag();
        h.exchange(tag, msg)
    }

    /// Writes `frame` bytes as-is from the client side and returns what the
    /// server answered (for the UI's raw-frame experiments and tests).
    pub fn send_raw(&mut self, id: ConnId, frame: &[u8]) -> Result<Vec<u8>, Errno> {
        let conn = self.conns.get_mut(id.0 as usize).ok_or(Errno::EBADF)?;
        conn.duplex.to_server.write(frame);
        pump(&mut self.server, &mut conn.session, &mut conn.duplex);
        let n = conn.duplex.to_client.len();
        let mut out = Vec::with_capacity(n);
        while let Ok(Some(f)) = conn.duplex.to_client.read_frame(u32::MAX) {
            out.extend(f);
        }
        Ok(out)
    }

    /// Tears the connection down (the socket closed): its fids are dropped.
    pub fn disconnect(&mut self, id: ConnId) {
        if let Some(c) = self.conns.get_mut(id.0 as usize) {
            self.server.close_session(&mut c.session);
        }
    }

    pub fn host(&self) -> &HostFs {
        &self.server.host
    }

    /// The host tree, for host-side changes under the sandbox's feet.
    pub fn host_mut(&mut self) -> &mut HostFs {
        &mut self.server.host
    }

    /// One connection's view of the log.
    pub fn log(&self, id: ConnId) -> Option<ConnLog<'_>> {
        let c = self.conns.get(id.0 as usize)?;
        let entries = self.log.entries().filter(|e| e.conn == id.0).collect();
        Some(ConnLog::new(c.exchanges, entries))
    }

    /// Every connection's view of the log, in connection order, sorted out
    /// in one pass over the log (not one pass per connection).
    pub fn conn_logs(&self) -> Vec<ConnLog<'_>> {
        let mut by_conn: Vec<Vec<&LogEntry>> = vec![Vec::new(); self.conns.len()];
        for e in self.log.entries() {
            if let Some(v) = by_conn.get_mut(e.conn as usize) {
                v.push(e);
            }
        }
        self.conns
            .iter()
            .zip(by_conn)
            .map(|(c, entries)| ConnLog::new(c.exchanges, entries))
            .collect()
    }

    /// Every connection's entries, in global order.
    pub fn all_log_entries(&self) -> Vec<LogEntry> {
        self.log.entries().cloned().collect()
    }
}

/// The log entries of one connection.
pub struct ConnLog<'a> {
    entries: Vec<&'a LogEntry>,
    /// This connection's exchanges no longer in the log.
    pub dropped: u64,
}

impl<'a> ConnLog<'a> {
    fn new(exchanges: u64, entries: Vec<&'a LogEntry>) -> ConnLog<'a> {
        ConnLog {
            dropped: exchanges.saturating_sub(entries.len() as u64),
            entries,
        }
    }

    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &'a LogEntry> + '_ {
        self.entries.iter().copied()
    }
}

/// A borrowed connection that performs exchanges through the duplex.
pub struct ConnHandle<'a> {
    server: &'a mut Server,
    conn: &'a mut Connection,
    log: &'a mut MessageLog,
}

impl ConnHandle<'_> {
    /// Sends several requests before reading any reply (pipelining): all T
    /// frames are written, the server drains them, and the replies are
    /// matched back by tag.
    pub fn pipeline(&mut self, msgs: Vec<Message>) -> Result<Vec<Message>, Errno> {
        let mut sent = Vec::with_capacity(msgs.len());
        for m in msgs {
            let tag = self.conn.client.tag();
            let frame = m.encode_frame(tag);
            self.conn.duplex.to_server.write(&frame);
            sent.push((tag, m, frame));
        }
        pump(self.server, &mut self.conn.session, &mut self.conn.duplex);
        let mut replies: Vec<(u16, Message, Vec<u8>)> = Vec::with_capacity(sent.len());
        for _ in 0..sent.len() {
            let frame = self.read_reply()?;
            let f = decode_frame(&frame, self.conn.client.msize.max(frame.len() as u32))
                .map_err(|_| Errno::EIO)?;
            replies.push((f.tag, f.msg, frame));
        }
        let mut out = Vec::with_capacity(sent.len());
        for (tag, request, frame) in sent {
            let i = replies.iter().position(|r| r.0 == tag).ok_or(Errno::EIO)?;
            let (_, msg, rframe) = replies.swap_remove(i);
            self.conn.exchanges += 1;
            self.log.record(Exchange {
                conn: self.conn.id.0,
                tag,
                tframe: &frame,
                rframe: &rframe,
                request: Some(&request),
                reply: &msg,
            });
            out.push(msg);
        }
        Ok(out)
    }

    fn read_reply(&mut self) -> Result<Vec<u8>, Errno> {
        match self
            .conn
            .duplex
            .to_client
            .read_frame(self.conn.client.msize.max(super::version::MAX_MSIZE))
        {
            Ok(Some(f)) => Ok(f),
            Ok(None) => Err(Errno::EPIPE),
            Err(_) => Err(Errno::EIO),
        }
    }
}

impl Rpc for ConnHandle<'_> {
    fn exchange(&mut self, tag: u16, msg: Message) -> Result<Message, Errno> {
        if self.conn.session.is_closed() {
            return Err(Errno::EPIPE);
        }
        // Encoded into the connection's reused buffer, copied once into the
        // pipe; the reply is decoded in place in the pipe.
        let mut tframe = std::mem::take(&mut self.conn.scratch);
        tframe.clear();
        msg.encode_frame_into(tag, &mut tframe);
        // The request message is kept only when the log must summarise a
        // frame too long to store whole (a big Twrite).
        let log = &*self.log;
        let keep = (log.enabled() && !log.stores_whole(tframe.len())).then_some(msg);
        self.conn.duplex.to_server.write(&tframe);
        pump(self.server, &mut self.conn.session, &mut self.conn.duplex);
        let conn = &mut *self.conn;
        let rframe = match conn
            .duplex
            .to_client
            .peek_frame(conn.client.msize.max(super::version::MAX_MSIZE))
        {
            Ok(Some(f)) => f,
            Ok(None) => return Err(Errno::EPIPE),
            Err(_) => return Err(Errno::EIO),
        };
        let rlen = rframe.len();
        let decoded = decode_frame(rframe, super::version::MAX_MSIZE)
            .ok()
            .filter(|f| f.tag == tag);
        conn.exchanges += 1;
        if let Some(f) = &decoded {
            self.log.record(Exchange {
                conn: conn.id.0,
                tag,
                tframe: &tframe,
                rframe,
                request: keep.as_ref(),
                reply: &f.msg,
            });
        }
        conn.duplex.to_client.consume(rlen);
        conn.scratch = tframe;
        decoded.map(|f| f.msg).ok_or(Errno::EIO)
    }

    fn state(&mut self) -> &mut ClientState {
        &mut self.conn.client
    }
}
