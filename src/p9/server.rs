//! The gofer: an in-memory 9P2000.L server over a [`HostFs`].
//!
//! Ports the request handlers of gVisor's `pkg/p9/handlers.go` (argument and
//! fid-state checks, `checkSafeName`, `doWalk`) together with the file
//! operations of `runsc/fsgofer/fsgofer.go` (`attachPoint.Attach`,
//! `localFile.*`, `ROMount`). Server state (the host tree and attach points)
//! is kept apart from per-connection state ([`ConnState`]: fids, msize,
//! version) so a native server can share one `Server` behind a mutex and
//! give each socket its own `ConnState`.
//!
//! The handler is synchronous: one frame in, one reply frame out. gVisor
//! runs each request on its own goroutine, but on one connection the only
//! observable difference is reply order, and Tflush then has nothing to wait
//! for.

use super::consts::{
    qid_type, setattr_mask, AT_REMOVEDIR, GETATTR_BASIC, O_ACCMODE, O_RDONLY, O_RDWR, O_WRONLY,
    V9FS_MAGIC,
};
use super::host::{HostFs, HostNode, Ino, NodeKind};
use super::messages::*;
use super::version::{self, MAX_MSIZE};
use super::wire::{Data, P9Str, Qid, WireFormat};
use crate::errno::Errno;
use std::collections::BTreeMap;

/// The device index packed into QID paths. fsgofer's `makeQID` maps each
/// host `st_dev` to a small index in order of first sight, starting at 0;
/// the in-memory host is one device, so it is always 0.
pub const DEVICE_INDEX: u64 = 0;

/// `makeQID`: `(device index << 56) | inode`, type from the file type.
pub fn make_qid(node: &HostNode) -> Qid {
    let ty = match node.kind {
        NodeKind::Dir(_) => qid_type::DIR,
        NodeKind::Symlink(_) => qid_type::SYMLINK,
        NodeKind::File(_) => qid_type::REGULAR,
    };
    Qid {
        ty,
        version: 0,
        path: (DEVICE_INDEX << 56) | (node.ino & 0x00ff_ffff_ffff_ffff),
    }
}

/// `Attr` of a node (fsgofer `GetAttr` from `fstat`).
pub fn node_attr(node: &HostNode) -> Attr {
    let size = node.size();
    let nlink = match &node.kind {
        NodeKind::Dir(e) => 2 + e.len() as u64,
        _ => u64::from(node.links),
    };
    Attr {
        mode: node.mode(),
        uid: node.uid,
        gid: node.gid,
        nlink,
        rdev: 0,
        size,
        blksize: 4096,
        blocks: size.div_ceil(512),
        atime_sec: node.atime,
        atime_nsec: node.atime_nsec,
        mtime_sec: node.mtime,
        mtime_nsec: node.mtime_nsec,
        ctime_sec: node.ctime,
        ..Attr::default()
    }
}

/// One attach point: runsc serves `/` first, then each bind destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachPoint {
    /// Host path of the attach point's root (a directory, or a file for a
    /// file bind mount).
    pub path: String,
    /// fsgofer `Config.ROMount`: mutations answer EBADF.
    pub read_only: bool,
    /// Set by the first Tattach (`attachPoint.attached`).
    pub attached: bool,
}

/// Behaviour switches; the defaults are gVisor 2018's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerOptions {
    /// fsgofer allows one Tattach per attach point (`attach point already
    /// attached`). `serve-9p` lets every client attach.
    pub allow_reattach: bool,
    /// gVisor 2018's `doWalk` answers a clone walk (nwname 0) with one QID;
    /// standard 9P (and diod's libnpclient, which checks `nwqid == nwname`)
    /// expects none. `serve-9p` turns this off.
    pub clone_returns_qid: bool,
    /// Fids one session may hold; more gives EMFILE (bounds a hostile client).
    pub max_fids: usize,
    /// gVisor's `doWalk` answers a walk from an opened fid with EBUSY (9P's
    /// walk(5) forbids it). diod's `diodls -l` walks each entry from the
    /// opened directory fid, as diod and Linux's v9fs server permit;
    /// `serve-9p` allows it.
    pub allow_walk_from_open: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            allow_reattach: false,
            clone_returns_qid: true,
            max_fids: crate::limits::MAX_FIDS,
            allow_walk_from_open: false,
        }
    }
}

/// How a fid was opened (`fidRef.mode` / `openFlags`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenMode {
    pub read: bool,
    pub write: bool,
}

impl OpenMode {
    fn from_flags(flags: u32) -> Result<OpenMode, Errno> {
        match flags & O_ACCMODE {
            O_RDONLY => Ok(OpenMode {
                read: true,
                write: false,
            }),
            O_WRONLY => Ok(OpenMode {
                read: false,
                write: true,
            }),
            O_RDWR => Ok(OpenMode {
                read: true,
                write: true,
            }),
            _ => Err(Errno::EINVAL),
        }
    }
}

/// A fid's state (`fidRef`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fid {
    pub ino: Ino,
    /// The directory entry the fid was reached through; `None` for an
    /// attach root (which cannot be renamed or removed).
    pub parent: Option<(Ino, String)>,
    pub open: Option<OpenMode>,
    /// Where the last Treaddir on this fid stopped: the offset the next
    /// entry has and the last name returned, so a listing resumes from a
    /// key instead of skipping `offset` entries on every call.
    pub readdir: Option<(u64, String)>,
}

/// Per-connection state (`connState`).
#[derive(Clone, Debug)]
pub struct ConnState {
    /// Which attach point Tattach serves on this connection (runsc gives
    /// each mount its own socket, so the connection names the attach point).
    pub attach_index: usize,
    /// Negotiated msize; 4 MiB until Tversion.
    pub msize: u32,
    /// Negotiated `9P2000.L.Google.N`.
    pub version: u32,
    fids: BTreeMap<u32, Fid>,
    closed: bool,
    /// The text behind the last EIO answered for a non-errno failure (e.g.
    /// `attach point already attached, prefix: /`), for the inspector.
    pub last_error: Option<String>,
}

impl ConnState {
    pub fn new(attach_index: usize) -> ConnState {
        ConnState {
            attach_index,
            msize: MAX_MSIZE,
            version: 0,
            fids: BTreeMap::new(),
            closed: false,
            last_error: None,
        }
    }

    /// True once the session saw input it cannot frame; the transport should
    /// close the connection after sending the reply (gVisor closes it).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    pub fn fid(&self, fid: u32) -> Option<&Fid> {
        self.fids.get(&fid)
    }

    pub fn fid_count(&self) -> usize {
        self.fids.len()
    }
}

type HResult<T = Message> = Result<T, Errno>;

/// The gofer server.
#[derive(Clone, Debug, Default)]
pub struct Server {
    pub host: HostFs,
    pub attach_points: Vec<AttachPoint>,
    pub options: ServerOptions,
}

/// `checkSafeName`: `""`, `.`, `..` and names containing `/` are EINVAL;
/// so are NUL bytes and non-UTF-8 names, which the host tree cannot hold.
pub fn check_safe_name(name: &P9Str) -> Result<&str, Errno> {
    let s = name.as_str().ok_or(Errno::EINVAL)?;
    if s.is_empty() || s == "." || s == ".." || s.contains('/') || s.contains('\0') {
        return Err(Errno::EINVAL);
    }
    Ok(s)
}

impl Server {
    pub fn new(host: HostFs) -> Server {
        Server {
            host,
            attach_points: Vec::new(),
            options: ServerOptions::default(),
        }
    }

    /// Adds an attach point and returns its index.
    pub fn add_attach_point(&mut self, path: &str, read_only: bool) -> usize {
        self.attach_points.push(AttachPoint {
            path: path.to_string(),
            read_only,
            attached: false,
        });
        self.attach_points.len() - 1
    }

    /// ConnState teardown: drop every fid's hold on the host tree.
    pub fn close_session(&mut self, session: &mut ConnState) {
        for (_, f) in std::mem::take(&mut session.fids) {
            self.host.release(f.ino);
        }
        session.closed = true;
    }

    /// Handles one frame and returns exactly one reply frame.
    ///
    /// Input that cannot be framed (shorter than 7 bytes, a size field that
    /// is not the frame's length, or larger than the negotiated msize) is
    /// answered with Rlerror EIO on the frame's tag if one could be read
    /// (`NOTAG` otherwise) and marks the session closed, as gVisor drops the
    /// connection there. A framed message with an unknown type or a body
    /// that runs past the frame gets Rlerror EIO on its tag and the session
    /// continues.
    pub fn handle(&mut self, session: &mut ConnState, frame: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        self.handle_into(session, frame, &mut out);
        out
    }

    /// [`Server::handle`], appending the reply frame to `out` (the
    /// transport's send buffer) instead of allocating one.
    pub fn handle_into(&mut self, session: &mut ConnState, frame: &[u8], out: &mut Vec<u8>) {
        let (tag, reply) = match decode_frame(frame, session.msize) {
            Ok(Frame { tag, msg }) => (tag, self.dispatch(session, msg)),
            Err(e) => {
                if e.is_unframable() {
                    session.closed = true;
                }
                session.last_error = Some(e.to_string());
                (
                    e.tag.unwrap_or(NOTAG),
                    Message::Rlerror(Rlerror {
                        ecode: Errno::EIO.raw(),
                    }),
                )
            }
        };
        encode_reply(session, tag, &reply, out);
    }

    /// Handles an already decoded request (the in-memory client path skips
    /// nothing: it still encodes and decodes, see `transport`).
    pub fn handle_message(&mut self, session: &mut ConnState, tag: u16, msg: Message) -> Vec<u8> {
        let reply = self.dispatch(session, msg);
        let mut out = Vec::new();
        encode_reply(session, tag, &reply, &mut out);
        out
    }

    fn dispatch(&mut self, s: &mut ConnState, msg: Message) -> Message {
        match self.handle_request(s, msg) {
            Ok(m) => m,
            Err(e) => Message::Rlerror(Rlerror { ecode: e.raw() }),
        }
    }

    fn handle_request(&mut self, s: &mut ConnState, msg: Message) -> HResult {
        use Message as M;
        match msg {
            M::Tversion(t) => self.tversion(s, t),
            // Linux-side clients (diod's libnpclient `npc_auth`) read ENOENT as
            // "no authentication required" and go on to Tattach; gVisor's
            // ENOSYS makes them fail. The sentry never sends Tauth.
            M::Tauth(_) => Err(Errno::ENOENT),
            M::Tattach(t) => self.tattach(s, t),
            // Synchronous server: the old tag has already been answered.
            M::Tflush(_) => Ok(M::Rflush(Rflush {})),
            M::Twalk(t) => {
                let (qids, _) = self.walk(s, t.fid, t.newfid, &t.names)?;
                Ok(M::Rwalk(Rwalk { qids }))
            }
            M::Twalkgetattr(t) => {
                let (qids, ino) = self.walk(s, t.fid, t.newfid, &t.names)?;
                let attr = node_attr(self.node(ino)?);
                Ok(M::Rwalkgetattr(Rwalkgetattr {
                    valid: GETATTR_BASIC,
                    attr: Box::new(attr),
                    qids,
                }))
            }
            M::Tread(t) => self.tread(s, t),
            M::Twrite(t) => self.twrite(s, t),
            M::Tclunk(t) => {
                let f = s.fids.remove(&t.fid).ok_or(Errno::EBADF)?;
                self.host.release(f.ino);
                Ok(M::Rclunk(Rclunk {}))
            }
            M::Tremove(t) => self.tremove(s, t),
            M::Tstatfs(t) => {
                lookup(s, t.fid)?;
                Ok(M::Rstatfs(Rstatfs {
                    stat: self.statfs(),
                }))
            }
            M::Tlopen(t) => self.tlopen(s, t),
            M::Tlcreate(t) => {
                let (qid, iounit) = self.create(s, t.fid, &t.name, t.flags, t.mode, 0, t.gid)?;
                Ok(M::Rlcreate(Rlcreate { qid, iounit }))
            }
            M::Tucreate(t) => {
                let (qid, iounit) =
                    self.create(s, t.fid, &t.name, t.flags, t.mode, t.uid, t.gid)?;
                Ok(M::Rucreate(Rucreate { qid, iounit }))
            }
            M::Tsymlink(t) => {
                let qid = self.symlink(s, t.dfid, &t.name, &t.target, 0, t.gid)?;
                Ok(M::Rsymlink(Rsymlink { qid }))
            }
            M::Tusymlink(t) => {
                let qid = self.symlink(s, t.dfid, &t.name, &t.target, t.uid, t.gid)?;
                Ok(M::Rusymlink(Rusymlink { qid }))
            }
            M::Tmkdir(t) => {
                let qid = self.mkdir(s, t.dfid, &t.name, t.mode, 0, t.gid)?;
                Ok(M::Rmkdir(Rmkdir { qid }))
            }
            M::Tumkdir(t) => {
                let qid = self.mkdir(s, t.dfid, &t.name, t.mode, t.uid, t.gid)?;
                Ok(M::Rumkdir(Rumkdir { qid }))
            }
            // fsgofer `Mknod`: ENOSYS, after the handler's common checks.
            M::Tmknod(t) => {
                self.parent_dir(s, t.dfid, &t.name)?;
                Err(Errno::ENOSYS)
            }
            M::Tumknod(t) => {
                self.parent_dir(s, t.dfid, &t.name)?;
                Err(Errno::ENOSYS)
            }
            M::Trename(t) => self.trename(s, t),
            M::Treadlink(t) => {
                let f = lookup(s, t.fid)?;
                match &self.node(f.ino)?.kind {
                    NodeKind::Symlink(target) => Ok(M::Rreadlink(Rreadlink {
                        target: target.as_str().into(),
                    })),
                    _ => Err(Errno::EINVAL),
                }
            }
            // Allowed on deleted files (the fid keeps the node alive).
            M::Tgetattr(t) => {
                let f = lookup(s, t.fid)?;
                let node = self.node(f.ino)?;
                Ok(M::Rgetattr(Rgetattr {
                    valid: GETATTR_BASIC,
                    qid: make_qid(node),
                    attr: Box::new(node_attr(node)),
                }))
            }
            M::Tsetattr(t) => self.tsetattr(s, t),
            M::Txattrwalk(_) => Err(Errno::ENODATA),
            M::Txattrcreate(_) => Err(Errno::ENOSYS),
            M::Treaddir(t) => self.treaddir(s, t),
            M::Tfsync(t) => match lookup(s, t.fid)?.open {
                Some(_) => Ok(M::Rfsync(Rfsync {})),
                None => Err(Errno::EINVAL),
            },
            M::Tflushf(t) => {
                lookup(s, t.fid)?;
                Ok(M::Rflushf(Rflushf {}))
            }
            M::Tlink(t) => self.tlink(s, t),
            M::Trenameat(t) => self.trenameat(s, t),
            M::Tunlinkat(t) => self.tunlinkat(s, t),
            M::Tlconnect(t) => {
                lookup(s, t.fid)?;
                Err(Errno::ECONNREFUSED)
            }
            // An R-message sent to a server has no handler: gVisor's
            // `handleRequest` answers ENOSYS.
            m if !m.is_request() => Err(Errno::ENOSYS),
            _ => Err(Errno::ENOSYS),
        }
    }

    fn node(&self, ino: Ino) -> Result<&HostNode, Errno> {
        self.host.node(ino).ok_or(Errno::ESTALE)
    }

    fn read_only(&self, s: &ConnState) -> bool {
        self.attach_points
            .get(s.attach_index)
            .is_none_or(|a| a.read_only)
    }

    /// fsgofer `ROMount`: every mutating operation gives EBADF.
    fn check_rw(&self, s: &ConnState) -> Result<(), Errno> {
        if self.read_only(s) {
            Err(Errno::EBADF)
        } else {
            Ok(())
        }
    }

    /// Tattach and Twalk (with `newfid != fid`) refuse a fid already in
    /// use with EBADF, as walk(5) says ("newfid must not be in use unless it
    /// is the same as fid") and crosvm's server does. This is stricter than
    /// gVisor 2018, whose `InsertFID` silently drops the old fid's reference:
    /// a fid another request may still hold would vanish under it.
    fn check_fid_unused(s: &ConnState, fid: u32) -> Result<(), Errno> {
        if s.fids.contains_key(&fid) {
            return Err(Errno::EBADF);
        }
        Ok(())
    }

    fn insert_fid(&mut self, s: &mut ConnState, fid: u32, f: Fid) -> Result<(), Errno> {
        // Only Tlcreate (the fid becomes the new file) and an in-place walk
        // (`newfid == fid`) replace a fid here; see `check_fid_unused`.
        if !s.fids.contains_key(&fid) && s.fids.len() >= self.options.max_fids {
            return Err(Errno::EMFILE);
        }
        self.host.hold(f.ino);
        if let Some(old) = s.fids.insert(fid, f) {
            self.host.release(old.ino);
        }
        Ok(())
    }

    fn tversion(&mut self, s: &mut ConnState, t: Tversion) -> HResult {
        let (msize, v) = version::negotiate(t.msize, &t.version.0)?;
        s.msize = msize;
        s.version = v;
        Ok(Message::Rversion(Rversion {
            msize,
            version: t.version,
        }))
    }

    /// `Tattach.handle` + fsgofer `attachPoint.Attach`.
    fn tattach(&mut self, s: &mut ConnState, t: Tattach) -> HResult {
        if t.afid != NOFID {
            return Err(Errno::EINVAL);
        }
        Self::check_fid_unused(s, t.fid)?;
        let allow = self.options.allow_reattach;
        let ap = self
            .attach_points
            .get_mut(s.attach_index)
            .ok_or(Errno::EIO)?;
        if ap.attached && !allow {
            // A Go error that is not an errno reaches the client as EIO.
            s.last_error = Some(format!(
                "attach point already attached, prefix: {}",
                ap.path
            ));
            return Err(Errno::EIO);
        }
        let root = match self.host.lookup(&ap.path) {
            Ok(ino) => ino,
            Err(e) => {
                s.last_error = Some(format!("stat file {:?}, err: {e}", ap.path));
                return Err(Errno::EIO);
            }
        };
        ap.attached = true;
        let aname = t.aname.as_str().ok_or(Errno::EINVAL)?;
        // A leading `/` is stripped; an empty name attaches the root; the
        // rest is walked with the ordinary name rules (so `a//b` is EINVAL).
        let rel = aname.strip_prefix('/').unwrap_or(aname);
        let mut f = Fid {
            ino: root,
            parent: None,
            open: None,
            readdir: None,
        };
        if !rel.is_empty() {
            // As in doWalk, every name is checked before any is walked.
            let names: Vec<P9Str> = rel.split('/').map(P9Str::from).collect();
            for n in &names {
                check_safe_name(n)?;
            }
            for name in rel.split('/') {
                if !self.node(f.ino)?.is_dir() {
                    return Err(Errno::EINVAL);
                }
                let child = self.host.child(f.ino, name)?;
                f = Fid {
                    ino: child,
                    parent: Some((f.ino, name.to_string())),
                    open: None,
                    readdir: None,
                };
            }
        }
        let qid = make_qid(self.node(f.ino)?);
        self.insert_fid(s, t.fid, f)?;
        Ok(Message::Rattach(Rattach { qid }))
    }

    /// `doWalk`: names checked first, then the fid's state; all or nothing.
    fn walk(
        &mut self,
        s: &mut ConnState,
        fid: u32,
        newfid: u32,
        names: &[P9Str],
    ) -> HResult<(Vec<Qid>, Ino)> {
        let mut checked = Vec::with_capacity(names.len());
        for n in names {
            checked.push(check_safe_name(n)?);
        }
        let from = lookup(s, fid)?;
        if from.open.is_some() && !self.options.allow_walk_from_open {
            return Err(Errno::EBUSY);
        }
        if newfid != fid {
            Self::check_fid_unused(s, newfid)?;
        }
        let mut qids = Vec::with_capacity(names.len());
        let cur = match checked.split_last() {
            None => {
                let clone = Fid {
                    open: None,
                    readdir: None,
                    ..from.clone()
                };
                if self.options.clone_returns_qid {
                    qids.push(make_qid(self.node(clone.ino)?));
                }
                clone
            }
            Some((last, _)) => {
                let mut dir = from.ino;
                let mut ino = dir;
                for name in &checked {
                    // Walking through a non-directory (symlinks included)
                    // is EINVAL.
                    if !self.node(ino)?.is_dir() {
                        return Err(Errno::EINVAL);
                    }
                    dir = ino;
                    ino = self.host.child(dir, name)?;
                    qids.push(make_qid(self.node(ino)?));
                }
                // Only the last step's entry is kept (for rename/unlink).
                Fid {
                    ino,
                    parent: Some((dir, last.to_string())),
                    open: None,
                    readdir: None,
                }
            }
        };
        let ino = cur.ino;
        self.insert_fid(s, newfid, cur)?;
        Ok((qids, ino))
    }

    fn tlopen(&mut self, s: &mut ConnState, t: Tlopen) -> HResult {
        let f = lookup(s, t.fid)?;
        if f.open.is_some() {
            return Err(Errno::EINVAL);
        }
        // Only the access mode is accepted in 2018 (O_TRUNC from Google.9).
        if t.flags & !O_ACCMODE != 0 {
            return Err(Errno::EINVAL);
        }
        let mode = OpenMode::from_flags(t.flags)?;
        let node = self.node(f.ino)?;
        match node.kind {
            NodeKind::Dir(_) if mode.write => return Err(Errno::EINVAL),
            NodeKind::Symlink(_) => return Err(Errno::EINVAL),
            _ => {}
        }
        let qid = make_qid(node);
        if mode.write {
            self.check_rw(s)?;
        }
        if let Some(f) = s.fids.get_mut(&t.fid) {
            f.open = Some(mode);
        }
        Ok(Message::Rlopen(Rlopen { qid, iounit: 0 }))
    }

    /// Common checks of the create/link/rename/unlink handlers: a safe name,
    /// a known fid, an unopened, undeleted directory.
    fn parent_dir(&self, s: &ConnState, dfid: u32, name: &P9Str) -> HResult<(Ino, String)> {
        let name = check_safe_name(name)?.to_string();
        let d = lookup(s, dfid)?;
        if d.open.is_some() || !self.host.is_linked(d.ino) || !self.node(d.ino)?.is_dir() {
            return Err(Errno::EINVAL);
        }
        Ok((d.ino, name))
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        s: &mut ConnState,
        fid: u32,
        name: &P9Str,
        flags: u32,
        mode: u32,
        uid: u32,
        gid: u32,
    ) -> HResult<(Qid, u32)> {
        let (dir, name) = self.parent_dir(s, fid, name)?;
        self.check_rw(s)?;
        // Always O_CREAT|O_EXCL; of the flags only the access mode counts,
        // so both the sentry's bare mode and Linux's
        // O_RDWR|O_CREAT|O_TRUNC|O_LARGEFILE are accepted.
        let open = OpenMode::from_flags(flags)?;
        let gid = if gid == NOGID { 0 } else { gid };
        let ino = self
            .host
            .create_in(dir, &name, NodeKind::File(Vec::new()), mode, uid, gid)?;
        let qid = make_qid(self.node(ino)?);
        // The fid now stands for the new, opened file.
        self.insert_fid(
            s,
            fid,
            Fid {
                ino,
                parent: Some((dir, name)),
                open: Some(open),
                readdir: None,
            },
        )?;
        Ok((qid, 0))
    }

    #[allow(clippy::too_many_arguments)]
    fn symlink(
        &mut self,
        s: &mut ConnState,
        dfid: u32,
        name: &P9Str,
        target: &P9Str,
        uid: u32,
        gid: u32,
    ) -> HResult<Qid> {
        let (dir, name) = self.parent_dir(s, dfid, name)?;
        self.check_rw(s)?;
        let target = target.as_str().ok_or(Errno::EINVAL)?.to_string();
        let gid = if gid == NOGID { 0 } else { gid };
        let ino = self
            .host
            .create_in(dir, &name, NodeKind::Symlink(target), 0o777, uid, gid)?;
        Ok(make_qid(self.node(ino)?))
    }

    fn mkdir(
        &mut self,
        s: &mut ConnState,
        dfid: u32,
        name: &P9Str,
        mode: u32,
        uid: u32,
        gid: u32,
    ) -> HResult<Qid> {
        let (dir, name) = self.parent_dir(s, dfid, name)?;
        self.check_rw(s)?;
        let gid = if gid == NOGID { 0 } else { gid };
        let ino =
            self.host
                .create_in(dir, &name, NodeKind::Dir(BTreeMap::new()), mode, uid, gid)?;
        Ok(make_qid(self.node(ino)?))
    }

    fn tlink(&mut self, s: &mut ConnState, t: Tlink) -> HResult {
        let (dir, name) = self.parent_dir(s, t.dfid, &t.name)?;
        let target = lookup(s, t.fid)?.ino;
        self.check_rw(s)?;
        self.host.link_in(dir, &name, target)?;
        Ok(Message::Rlink(Rlink {}))
    }

    /// Where a fid's node is linked now (its remembered entry, re-checked).
    fn locate(&self, f: &Fid) -> Result<(Ino, String), Errno> {
        let (p, n) = f.parent.as_ref().ok_or(Errno::EINVAL)?;
        self.host
            .find_link(f.ino, Some((*p, n.as_str())))
            .ok_or(Errno::EINVAL)
    }

    fn trename(&mut self, s: &mut ConnState, t: Trename) -> HResult {
        let f = lookup(s, t.fid)?.clone();
        // The attach root cannot be renamed.
        if f.parent.is_none() {
            return Err(Errno::EINVAL);
        }
        let (newdir, newname) = self.parent_dir(s, t.dfid, &t.name)?;
        self.check_rw(s)?;
        let (olddir, oldname) = self.locate(&f)?;
        self.host.rename_in(olddir, &oldname, newdir, &newname)?;
        if let Some(f) = s.fids.get_mut(&t.fid) {
            f.parent = Some((newdir, newname));
        }
        Ok(Message::Rrename(Rrename {}))
    }

    fn trenameat(&mut self, s: &mut ConnState, t: Trenameat) -> HResult {
        let (olddir, oldname) = self.parent_dir(s, t.olddfid, &t.oldname)?;
        let (newdir, newname) = self.parent_dir(s, t.newdfid, &t.newname)?;
        // Same directory and name: success, nothing to do.
        if olddir == newdir && oldname == newname {
            return Ok(Message::Rrenameat(Rrenameat {}));
        }
        self.check_rw(s)?;
        self.host.rename_in(olddir, &oldname, newdir, &newname)?;
        Ok(Message::Rrenameat(Rrenameat {}))
    }

    fn tunlinkat(&mut self, s: &mut ConnState, t: Tunlinkat) -> HResult {
        let (dir, name) = self.parent_dir(s, t.dfid, &t.name)?;
        self.check_rw(s)?;
        self.host
            .unlink_in(dir, &name, t.flags & AT_REMOVEDIR != 0)?;
        Ok(Message::Runlinkat(Runlinkat {}))
    }

    /// `Tremove.handle`: the fid is clunked whatever happens.
    fn tremove(&mut self, s: &mut ConnState, t: Tremove) -> HResult {
        let f = s.fids.remove(&t.fid).ok_or(Errno::EBADF)?;
        let result = (|| {
            if f.parent.is_none() {
                return Err(Errno::EINVAL);
            }
            self.check_rw(s)?;
            let (dir, name) = self.locate(&f)?;
            let is_dir = self.node(f.ino)?.is_dir();
            self.host.unlink_in(dir, &name, is_dir)
        })();
        self.host.release(f.ino);
        result.map(|()| Message::Rremove(Rremove {}))
    }

    fn tread(&mut self, s: &mut ConnState, t: Tread) -> HResult {
        let f = lookup(s, t.fid)?;
        let mode = f.open.ok_or(Errno::EINVAL)?;
        if !mode.read {
            return Err(Errno::EPERM);
        }
        if t.count > MAX_MSIZE {
            return Err(Errno::ENOBUFS);
        }
        // Rread = header + count[4] + data must fit in msize.
        let room = (s.msize as usize).saturating_sub(HEADER_SIZE + 4);
        let count = (t.count as usize).min(room);
        let ino = f.ino;
        let data = self.host.read(ino, t.offset, count)?;
        Ok(Message::Rread(Rread { data: Data(data) }))
    }

    fn twrite(&mut self, s: &mut ConnState, t: Twrite) -> HResult {
        let f = lookup(s, t.fid)?;
        let mode = f.open.ok_or(Errno::EINVAL)?;
        if !mode.write {
            return Err(Errno::EPERM);
        }
        let ino = f.ino;
        self.check_rw(s)?;
        let n = self.host.write(ino, t.offset, &t.data.0)?;
        Ok(Message::Rwrite(Rwrite { count: n as u32 }))
    }

    fn tsetattr(&mut self, s: &mut ConnState, t: Tsetattr) -> HResult {
        use setattr_mask as m;
        let ino = lookup(s, t.fid)?.ino;
        // Not on deleted files.
        if !self.host.is_linked(ino) {
            return Err(Errno::EINVAL);
        }
        self.check_rw(s)?;
        let v = t.valid;
        let a = &t.attr;
        if v & m::SIZE != 0 {
            self.host.truncate(ino, a.size)?;
        }
        let now = self.host.tick();
        let n = self.host.node_mut(ino).ok_or(Errno::ESTALE)?;
        if v & m::MODE != 0 {
            n.perm = a.mode & 0o7777;
        }
        if v & m::UID != 0 {
            n.uid = a.uid;
        }
        if v & m::GID != 0 {
            n.gid = a.gid;
        }
        // fsgofer `SetAttr`: `utimensat` with the given timespec under
        // *_SET, `UTIME_NOW` without it.
        if v & m::ATIME != 0 {
            (n.atime, n.atime_nsec) = if v & m::ATIME_SET != 0 {
                (a.atime_sec, a.atime_nsec)
            } else {
                (now, 0)
            };
        }
        if v & m::MTIME != 0 {
            (n.mtime, n.mtime_nsec) = if v & m::MTIME_SET != 0 {
                (a.mtime_sec, a.mtime_nsec)
            } else {
                (now, 0)
            };
        }
        n.ctime = now;
        Ok(Message::Rsetattr(Rsetattr {}))
    }

    /// fsgofer `Readdir`: entry i (0-based, name order, no `.`/`..`) has
    /// offset i+1; a request at offset k starts at entry k. Only whole
    /// entries are returned, as many as fit in `count` (and the msize).
    /// A request at the offset where the fid's last listing stopped resumes
    /// after the last name returned (a key cursor, so listing a directory
    /// is linear); any other offset is a seek, counted from the start.
    fn treaddir(&mut self, s: &mut ConnState, t: Treaddir) -> HResult {
        use std::ops::Bound;
        let f = lookup(s, t.fid)?;
        if f.open.is_none() {
            return Err(Errno::EINVAL);
        }
        let entries = self.node(f.ino)?.entries().ok_or(Errno::ENOTDIR)?;
        let room = (s.msize as usize).saturating_sub(HEADER_SIZE + 4);
        let budget = (t.count as usize).min(room);
        let mut used = 0usize;
        let mut out = Vec::new();
        let resume = f
            .readdir
            .as_ref()
            .filter(|(next, _)| *next == t.offset && t.offset > 0);
        let (mut i, iter): (u64, Box<dyn Iterator<Item = (&String, &Ino)>>) = match resume {
            Some((next, last)) => (
                *next,
                Box::new(
                    entries.range::<str, _>((Bound::Excluded(last.as_str()), Bound::Unbounded)),
                ),
            ),
            None => {
                let start = usize::try_from(t.offset).unwrap_or(usize::MAX);
                (t.offset, Box::new(entries.iter().skip(start)))
            }
        };
        let mut last = None;
        for (name, &ino) in iter {
            let Some(node) = self.host.node(ino) else {
                // A dangling entry keeps its offset but is not listed.
                i += 1;
                last = Some(name.clone());
                continue;
            };
            let qid = make_qid(node);
            let d = Dirent {
                qid,
                offset: i + 1,
                ty: qid.ty,
                name: name.as_str().into(),
            };
            let size = d.byte_size();
            if used + size > budget {
                break;
            }
            used += size;
            out.push(d);
            i += 1;
            last = Some(name.clone());
        }
        let cursor = last.map(|name| (i, name));
        if let Some(f) = s.fids.get_mut(&t.fid) {
            if cursor.is_some() {
                f.readdir = cursor;
            }
        }
        Ok(Message::Rreaddir(Rreaddir {
            entries: Dirents(out),
        }))
    }

    fn statfs(&self) -> FsStat {
        let files = self.host.inode_count() as u64;
        let used_blocks = self.host.used_bytes().div_ceil(4096);
        let blocks = self.host.capacity / 4096;
        let free = blocks.saturating_sub(used_blocks);
        FsStat {
            ty: V9FS_MAGIC,
            bsize: 4096,
            blocks,
            bfree: free,
            bavail: free,
            files,
            ffree: u64::from(u32::MAX).saturating_sub(files),
            fsid: 0,
            namelen: 255,
        }
    }
}

/// `LookupFID`: unknown fids are EBADF.
fn lookup(s: &ConnState, fid: u32) -> Result<&Fid, Errno> {
    s.fids.get(&fid).ok_or(Errno::EBADF)
}
/// Appends the reply frame to `out`; a reply over the session's msize
/// (only a walk with thousands of names gets there) is replaced by
/// Rlerror EMSGSIZE rather than sent as a frame the client must reject.
fn encode_reply(session: &ConnState, tag: u16, reply: &Message, out: &mut Vec<u8>) {
    let start = out.len();
    if reply.encode_frame_into(tag, out) > session.msize as usize {
        out.truncate(start);
        Message::Rlerror(Rlerror {
            ecode: Errno::EMSGSIZE.raw(),
        })
        .encode_frame_into(tag, out);
    }
}
