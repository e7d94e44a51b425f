//! The `9p` filesystem (`pkg/sentry/fs/gofer`): the sandbox side of every gofer
//! connection. Each inode holds a walked fid on its connection; every lookup,
//! read, write, create, rename, unlink and readdir is a 9P exchange in encoded
//! bytes with the in-memory gofer. Cache policies follow
//! `pkg/sentry/fs/gofer/cache_policy.go`:
//!
//! * `fscache` (cacheAll, the default and `--file-access=exclusive`): dirents,
//!   attributes, directory listings and file contents are cached once read;
//!   host-side changes are not seen.
//! * `remote_revalidating` (binds, and the root with `shared`): cached dirents
//!   are re-walked on every lookup and dropped when the file vanished or its
//!   QID path changed; attributes and contents are fetched every time.
//! * `none`: nothing is cached. `fscache_writethrough` caches like fscache.
//!
//! Writes always go through to the gofer, as the sentry's flush on close does.

use super::options::{generic_mount_source_options, go_map};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::{parse_int, parse_uint, quote};
use crate::p9::client::{Client, Rpc};
use crate::p9::consts::setattr_mask as m;
use crate::p9::consts::{
    qid_type, AT_REMOVEDIR, GETATTR_ALL, O_RDONLY, O_RDWR, S_IFCHR, S_IFDIR, S_IFLNK, S_IFMT,
    S_IFSOCK,
};
use crate::p9::fsgofer::{ConnHandle, ConnId, Gofer};
use crate::p9::messages::{Attr as P9Attr, SetAttr, NOGID, NOUID};
use crate::p9::version::{self, DEFAULT_MSIZE, HIGHEST_SUPPORTED_VERSION};
use crate::vfs::{
    Attr, DirEntry, FileType, InodeId, MountSourceFlags, RemoteCreate, RemoteFile, RemoteFs,
    RemoteId, Stat, Vfs,
};
use serde::Serialize;
use slotmap::SlotMap;
use std::any::Any;

/// `cachePolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CachePolicy {
    CacheAll,
    CacheNone,
    CacheAllWritethrough,
    RemoteRevalidating,
}

impl CachePolicy {
    /// `parseCachePolicy`.
    fn parse(s: &str) -> Result<CachePolicy> {
        match s {
            "fscache" => Ok(CachePolicy::CacheAll),
            "none" => Ok(CachePolicy::CacheNone),
            "fscache_writethrough" => Ok(CachePolicy::CacheAllWritethrough),
            "remote_revalidating" => Ok(CachePolicy::RemoteRevalidating),
            _ => Err(Error::msg(format!("unsupported cache mode: {s}"))),
        }
    }

    /// Attributes, listings and contents are served from memory once read.
    pub fn caches(self) -> bool {
        matches!(
            self,
            CachePolicy::CacheAll | CachePolicy::CacheAllWritethrough
        )
    }

    /// A cached dirent must be checked against the gofer on every lookup.
    pub fn revalidates(self) -> bool {
        matches!(
            self,
            CachePolicy::RemoteRevalidating | CachePolicy::CacheNone
        )
    }
}

/// The parsed mount data (`opts` of `pkg/sentry/fs/gofer/fs.go`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoferOptions {
    pub fd: i32,
    pub aname: String,
    pub policy: CachePolicy,
    pub msize: u32,
    pub version: String,
    pub private_unix_socket: bool,
}

/// `options(data)` with gVisor's error texts.
pub fn parse_options(data: &str) -> Result<GoferOptions> {
    let mut o = generic_mount_source_options(data);
    match o.remove("trans") {
        None => return Err(Error::msg("missing required option: 'trans='")),
        Some(t) if t != "fd" => {
            return Err(Error::msg(format!("unsupported transport: 'trans={t}'")))
        }
        Some(_) => {}
    }
    let srfd = o
        .remove("rfdno")
        .ok_or_else(|| Error::msg("missing required option: 'rfdno='"))?;
    let swfd = o
        .remove("wfdno")
        .ok_or_else(|| Error::msg("missing required option: 'wfdno='"))?;
    let atoi = |s: &str| {
        parse_int(s, 10, 64).map_err(|e| e.text.replace("strconv.ParseInt", "strconv.Atoi"))
    };
    let rfd = atoi(&srfd).map_err(|e| Error::msg(format!("invalid fd for 'rfdno={srfd}': {e}")))?;
    let wfd = atoi(&swfd).map_err(|e| Error::msg(format!("invalid fd for 'wfdno={swfd}': {e}")))?;
    if rfd != wfd {
        return Err(Error::msg(format!(
            "fd in 'rfdno={rfd}' and 'wfdno={wfd}' must match"
        )));
    }
    let aname = o.remove("aname").unwrap_or_else(|| "/".to_string());
    let policy = match o.remove("cache") {
        Some(p) => CachePolicy::parse(&p)?,
        None => CachePolicy::CacheAll,
    };
    let msize = match o.remove("msize") {
        Some(m) => parse_uint(&m, 10, 32)
            .map_err(|e| Error::msg(format!("invalid message size for 'msize={m}': {}", e.text)))?
            as u32,
        None => DEFAULT_MSIZE,
    };
    let version = o
        .remove("version")
        .unwrap_or_else(|| version::version_string(HIGHEST_SUPPORTED_VERSION));
    let mut private_unix_socket = false;
    if let Some(v) = o.remove("privateunixsocket") {
        private_unix_socket = parse_go_bool(&v).ok_or_else(|| {
            Error::msg(format!("invalid boolean value for 'privateunixsocket={v}': strconv.ParseBool: parsing {}: invalid syntax", quote(&v)))
        })?;
    }
    if !o.is_empty() {
        return Err(Error::msg(format!(
            "unsupported mount options: {}",
            go_map(&o)
        )));
    }
    let fd = i32::try_from(rfd)
        .map_err(|_| Error::msg(format!("invalid fd for 'rfdno={srfd}': value out of range")))?;
    Ok(GoferOptions {
        fd,
        aname,
        policy,
        msize,
        version,
        private_unix_socket,
    })
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Which connection of which gofer an inode talks over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnRef {
    pub gofer: usize,
    pub conn: ConnId,
}

/// A 9p file behind a remote inode (`inodeOperations` + `inodeFileState`).
#[derive(Clone, Debug)]
pub struct RemoteNode {
    pub conn: ConnRef,
    /// The walked, unopened fid naming this file.
    pub fid: u32,
    pub qid_path: u64,
    pub file_type: FileType,
    pub policy: CachePolicy,
    pub nlink: u64,
    pub size: u64,
    pub rdev: u64,
    /// Opened handles, kept as the sentry keeps `handleReadOnly`/`ReadWrite`.
    pub read_handle: Option<u32>,
    pub write_handle: Option<u32>,
    /// fscache: file contents once read.
    pub data: Option<Vec<u8>>,
    /// fscache: the directory listing once read.
    pub listing: Option<Vec<DirEntry>>,
    /// fscache: the symlink target once read.
    pub target: Option<String>,
}

/// Every gofer of a sandbox (one per container start), found by FD number.
#[derive(Clone, Debug, Default)]
pub struct GoferSet {
    pub gofers: Vec<Gofer>,
    /// fd -> connection of the newest gofer, so a spec with many binds does
    /// not scan every connection per mount (O(N²) at 100 000 binds).
    fd_index: std::collections::HashMap<i32, ConnId>,
    /// (gofer, connection count) when `fd_index` was built.
    indexed: Option<(usize, usize)>,
    /// The 9p files the VFS's remote inodes stand for.
    nodes: SlotMap<RemoteId, RemoteNode>,
}

impl GoferSet {
    /// Adds a gofer and returns its index. It is the gofer of the container
    /// start in progress from now on (see [`GoferSet::by_fd`]).
    pub fn add(&mut self, g: Gofer) -> usize {
        self.gofers.push(g);
        self.gofers.len() - 1
    }

    /// The connection the container start in progress knows as `fd`.
    ///
    /// FD numbers are labels for the connections one start brings, not
    /// sandbox-wide names: runsc starts a gofer for every container start
    /// and `Loader.startContainer` dups the files it is given, so every
    /// `setupContainerFS` mounts on fresh connections even when a scenario
    /// gives two starts the same number (the same cid started again, or a
    /// child given the root's FD numbers). The start in progress is the
    /// newest gofer: the sandbox adds a start's gofer just before its
    /// `setupContainerFS`, and FDs are only looked up during setup.
    pub fn by_fd(&self, fd: i32) -> Option<ConnRef> {
        let gofer = self.gofers.len().checked_sub(1)?;
        let conn = self.gofers.get(gofer)?.conn_by_fd(fd)?;
        Some(ConnRef { gofer, conn })
    }

    /// [`GoferSet::by_fd`] through an index, rebuilt whenever a gofer or
    /// a connection was added since (connections are only ever appended).
    pub fn find_fd(&mut self, fd: i32) -> Option<ConnRef> {
        let gofer = self.gofers.len().checked_sub(1)?;
        let g = self.gofers.get(gofer)?;
        let now = Some((gofer, g.connections().len()));
        if self.indexed != now {
            self.fd_index.clear();
            for c in g.connections() {
                self.fd_index.entry(c.fd).or_insert(c.id);
            }
            self.indexed = now;
        }
        let hit = self
            .fd_index
            .get(&fd)
            .copied()
            .filter(|c| g.connection(*c).is_some_and(|x| x.fd == fd))
            .map(|conn| ConnRef { gofer, conn });
        // A miss (or a gofer swapped in place) takes the plain scan.
        hit.or_else(|| self.by_fd(fd))
    }

    fn handle(&mut self, c: ConnRef) -> Result<ConnHandle<'_>> {
        let g = self.gofers.get_mut(c.gofer).ok_or(Errno::EBADF)?;
        Ok(g.conn(c.conn)?)
    }
}

fn file_type_of(mode: u32) -> FileType {
    match mode & S_IFMT {
        S_IFDIR => FileType::Directory,
        S_IFLNK => FileType::Symlink,
        S_IFCHR => FileType::CharDevice,
        S_IFSOCK => FileType::Socket,
        _ => FileType::Regular,
    }
}

fn attr_of(a: &P9Attr) -> Attr {
    Attr {
        perms: a.mode & 0o7777,
        uid: a.uid,
        gid: a.gid,
        atime: a
            .atime_sec
            .saturating_mul(1_000_000_000)
            .saturating_add(a.atime_nsec),
        mtime: a
            .mtime_sec
            .saturating_mul(1_000_000_000)
            .saturating_add(a.mtime_nsec),
        ctime: a
            .ctime_sec
            .saturating_mul(1_000_000_000)
            .saturating_add(a.ctime_nsec),
    }
}

/// `Filesystem.Mount` of 9p: parses the data, then `Root()`: Tversion,
/// Tattach(aname) and Tgetattr, eagerly.
pub fn mount(vfs: &mut Vfs, device: &str, flags: MountSourceFlags, data: &str) -> Result<InodeId> {
    let o = parse_options(data)?;
    let no_conn = || {
        Error::with_errno(
            Errno::EBADF,
            format!("no gofer connection on fd {}: bad file descriptor", o.fd),
        )
    };
    let set = vfs.gofer_set_mut().ok_or_else(no_conn)?;
    let conn = set.find_fd(o.fd).ok_or_else(no_conn)?;
    let requested = version::parse_version(o.version.as_bytes())
        .ok_or_else(|| Error::msg(format!("invalid version {}", quote(&o.version))))?;
    let mut h = set.handle(conn)?;
    h.version(o.msize, requested)
        .map_err(|e| Error::msg(e.to_string()))?;
    let (fid, qid) = h.attach(&o.aname, NOUID)?;
    let (_, _, attr) = h.getattr(fid, GETATTR_ALL)?;
    let root = set.alloc(conn, fid, qid.path, o.policy, &attr);
    let msrc = vfs.new_mount_source("9p", device, data, flags);
    Ok(vfs.remote_inode(msrc, root))
}

/// The gofers of a VFS: its 9p mounts' [`RemoteFs`] is a [`GoferSet`].
impl Vfs {
    /// Every gofer this VFS's 9p mounts talk to, in the order added.
    pub fn gofers(&self) -> &[Gofer] {
        self.gofer_set().map_or(&[], |s| &s.gofers)
    }

    /// [`Vfs::gofers`], to change a gofer's host tree behind the sandbox.
    pub fn gofers_mut(&mut self) -> &mut [Gofer] {
        match self.gofer_set_mut() {
            Some(s) => &mut s.gofers,
            None => &mut [],
        }
    }

    /// Adds a gofer (see [`GoferSet::add`]), installing the 9p client as
    /// this VFS's remote filesystem on the first.
    pub fn add_gofer(&mut self, g: Gofer) -> usize {
        if let Some(s) = self.gofer_set_mut() {
            return s.add(g);
        }
        let mut s = GoferSet::default();
        let i = s.add(g);
        self.remote = Some(Box::new(s));
        i
    }

    fn gofer_set(&self) -> Option<&GoferSet> {
        self.remote.as_deref()?.as_any().downcast_ref()
    }

    fn gofer_set_mut(&mut self) -> Option<&mut GoferSet> {
        self.remote.as_deref_mut()?.as_any_mut().downcast_mut()
    }
}

impl GoferSet {
    fn node(&self, id: RemoteId) -> Result<&RemoteNode> {
        self.nodes.get(id).ok_or_else(|| Errno::EIO.into())
    }

    fn node_mut(&mut self, id: RemoteId) -> Result<&mut RemoteNode> {
        self.nodes.get_mut(id).ok_or_else(|| Errno::EIO.into())
    }

    /// The connection and fid of a file.
    fn fid(&self, id: RemoteId) -> Result<(ConnRef, u32)> {
        let r = self.node(id)?;
        Ok((r.conn, r.fid))
    }

    /// A new 9p file for a walked fid, with the attributes the walk returned.
    fn alloc(
        &mut self,
        conn: ConnRef,
        fid: u32,
        qid_path: u64,
        policy: CachePolicy,
        attr: &P9Attr,
    ) -> RemoteFile {
        let file_type = file_type_of(attr.mode);
        let id = self.nodes.insert(RemoteNode {
            conn,
            fid,
            qid_path,
            file_type,
            policy,
            nlink: attr.nlink,
            size: attr.size,
            rdev: attr.rdev,
            read_handle: None,
            write_handle: None,
            data: None,
            listing: None,
            target: None,
        });
        RemoteFile {
            id,
            file_type,
            attr: attr_of(attr),
        }
    }

    /// Refreshes size, nlink and rdev from a Tgetattr/Twalkgetattr reply,
    /// returning the attributes for the inode.
    fn apply_p9_attr(&mut self, id: RemoteId, a: &P9Attr) -> Attr {
        if let Some(r) = self.nodes.get_mut(id) {
            r.size = a.size;
            r.nlink = a.nlink;
            r.rdev = a.rdev;
        }
        attr_of(a)
    }

    /// Walks one name to a fresh fid, with its attributes.
    fn walk_one(&mut self, conn: ConnRef, dfid: u32, name: &str) -> Result<(u32, u64, P9Attr)> {
        let mut h = self.handle(conn)?;
        if version::supports_twalkgetattr(h.state().version) {
            let (fid, qids, _, attr) = h.walk_getattr(dfid, &[name])?;
            let path = qids.last().map(|q| q.path).unwrap_or_default();
            Ok((fid, path, attr))
        } else {
            let (fid, qids) = h.walk(dfid, &[name])?;
            let (_, _, attr) = match h.getattr(fid, GETATTR_ALL) {
                Ok(x) => x,
                Err(e) => {
                    let _ = h.clunk(fid);
                    return Err(e.into());
                }
            };
            Ok((fid, qids.last().map(|q| q.path).unwrap_or_default(), attr))
        }
    }

    /// Forgets a cached listing after a local change to the directory.
    fn dirty(&mut self, dir: RemoteId) {
        if let Some(r) = self.nodes.get_mut(dir) {
            r.listing = None;
        }
    }

    fn is_dir(&self, id: RemoteId) -> bool {
        self.nodes
            .get(id)
            .is_some_and(|r| r.file_type == FileType::Directory)
    }

    /// An opened handle for reading (`O_RDONLY`) or writing (`O_RDWR`),
    /// opened once on a clone of the file's fid and kept.
    fn open_handle(&mut self, id: RemoteId, write: bool) -> Result<u32> {
        let (conn, fid, existing) = {
            let r = self.node(id)?;
            (
                r.conn,
                r.fid,
                if write {
                    r.write_handle
                } else {
                    r.read_handle.or(r.write_handle)
                },
            )
        };
        if let Some(h) = existing {
            return Ok(h);
        }
        let mut h = self.handle(conn)?;
        let (open, _) = h.walk(fid, &[])?;
        if let Err(e) = h.lopen(open, if write { O_RDWR } else { O_RDONLY }) {
            let _ = h.clunk(open);
            return Err(e.into());
        }
        let r = self.node_mut(id)?;
        if write {
            r.write_handle = Some(open);
        } else {
            r.read_handle = Some(open);
        }
        Ok(open)
    }
}

/// The sentry's 9p client filesystem (`pkg/sentry/fs/gofer`
/// `inodeOperations`): every operation is 9P exchanges with a gofer.
impl RemoteFs for GoferSet {
    /// `inodeOperations.Lookup`: Twalkgetattr (Twalk + Tgetattr below
    /// Google.2) from the directory's fid.
    fn lookup(&mut self, dir: RemoteId, name: &str) -> Result<RemoteFile> {
        let (conn, dfid, policy) = {
            let r = self.node(dir)?;
            (r.conn, r.fid, r.policy)
        };
        let (fid, qid_path, attr) = self.walk_one(conn, dfid, name)?;
        Ok(self.alloc(conn, fid, qid_path, policy, &attr))
    }

    fn revalidates(&self, id: RemoteId) -> bool {
        self.nodes.get(id).is_some_and(|r| r.policy.revalidates())
    }

    /// `Revalidate` of a cached remote dirent: the fresh attributes while
    /// the gofer still has the same file (QID path) under `name`.
    fn revalidate(&mut self, dir: RemoteId, name: &str, child: RemoteId) -> Result<Option<Attr>> {
        let (conn, dfid) = self.fid(dir)?;
        let (policy, qid_path) = {
            let c = self.node(child)?;
            (c.policy, c.qid_path)
        };
        if policy == CachePolicy::CacheNone {
            return Ok(None);
        }
        match self.walk_one(conn, dfid, name) {
            Ok((fid, path, attr)) => {
                // gVisor's `cachePolicy.revalidate` drops the walked file
                // without closing it, leaking a fid (and the gofer's host fd)
                // per revalidation. We clunk it: one more exchange per
                // component, but a long session cannot run out of fids.
                let _ = self.handle(conn)?.clunk(fid);
                if path != qid_path {
                    return Ok(None);
                }
                Ok(Some(self.apply_p9_attr(child, &attr)))
            }
            Err(e) if e.is(Errno::ENOENT) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A walk that is clunked at once: does the gofer have `name` now?
    fn exists(&mut self, dir: RemoteId, name: &str) -> Result<bool> {
        let (conn, dfid) = self.fid(dir)?;
        match self.walk_one(conn, dfid, name) {
            Ok((fid, _, _)) => {
                let _ = self.handle(conn)?.clunk(fid);
                Ok(true)
            }
            Err(_) => Ok(false),
        }
    }

    /// Directory listing: Twalk (clone), Tlopen, Treaddir until empty, Tclunk.
    fn readdir(&mut self, dir: RemoteId) -> Result<Vec<DirEntry>> {
        let (conn, fid, policy) = {
            let r = self.node(dir)?;
            if let Some(l) = &r.listing {
                return Ok(l.clone());
            }
            (r.conn, r.fid, r.policy)
        };
        let mut h = self.handle(conn)?;
        let (open, _) = h.walk(fid, &[])?;
        let listing = h.lopen(open, O_RDONLY).and_then(|_| h.readdir_all(open));
        let _ = h.clunk(open);
        let mut out: Vec<DirEntry> = listing?
            .into_iter()
            .filter_map(|d| {
                let name = d.name.as_str()?.to_string();
                if name == "." || name == ".." {
                    return None;
                }
                let file_type = match d.qid.ty {
                    qid_type::DIR => FileType::Directory,
                    qid_type::SYMLINK => FileType::Symlink,
                    _ => FileType::Regular,
                };
                Some(DirEntry {
                    name,
                    file_type,
                    ino: d.qid.path,
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        if policy.caches() {
            self.node_mut(dir)?.listing = Some(out.clone());
        }
        Ok(out)
    }

    /// A Tgetattr before a `stat`, unless the policy caches attributes
    /// (fscache).
    fn refresh(&mut self, id: RemoteId) -> Result<Option<Attr>> {
        let (conn, fid, policy) = {
            let r = self.node(id)?;
            (r.conn, r.fid, r.policy)
        };
        if policy.caches() {
            return Ok(None);
        }
        let (_, _, attr) = self.handle(conn)?.getattr(fid, GETATTR_ALL)?;
        Ok(Some(self.apply_p9_attr(id, &attr)))
    }

    /// `stat` from the attributes the file holds.
    fn stat(&self, id: RemoteId, attr: &Attr) -> Result<Stat> {
        let r = self.node(id)?;
        let size = match (&r.data, r.policy.caches()) {
            (Some(d), true) => d.len() as u64,
            _ => r.size,
        };
        Ok(Stat {
            file_type: r.file_type,
            mode: r.file_type.mode_bits() | attr.perms,
            ino: r.qid_path,
            nlink: r.nlink,
            uid: attr.uid,
            gid: attr.gid,
            size,
            rdev_major: ((r.rdev >> 8) & 0xfff) as u32,
            rdev_minor: (r.rdev & 0xff) as u32,
            atime: attr.atime,
            mtime: attr.mtime,
            ctime: attr.ctime,
        })
    }

    fn nlink(&self, id: RemoteId) -> u64 {
        self.nodes.get(id).map_or(0, |r| r.nlink)
    }

    /// Treadlink (cached under fscache).
    fn readlink(&mut self, id: RemoteId) -> Result<String> {
        let (conn, fid, policy) = {
            let r = self.node(id)?;
            if let Some(t) = &r.target {
                return Ok(t.clone());
            }
            (r.conn, r.fid, r.policy)
        };
        let t = self.handle(conn)?.readlink(fid)?;
        if policy.caches() {
            self.node_mut(id)?.target = Some(t.clone());
        }
        Ok(t)
    }

    /// Reads `len` bytes at `offset`: Tread on the read handle, or the
    /// cached contents under fscache.
    fn read(&mut self, id: RemoteId, offset: u64, len: usize) -> Result<Vec<u8>> {
        let (conn, policy, cached) = {
            let r = self.node(id)?;
            (r.conn, r.policy, r.data.is_some())
        };
        if self.is_dir(id) {
            return Err(Errno::EISDIR.into());
        }
        if policy.caches() {
            if !cached {
                let h = self.open_handle(id, false)?;
                let all = self.handle(conn)?.read_all(h)?;
                self.node_mut(id)?.data = Some(all);
            }
            let r = self.node(id)?;
            let data = r.data.as_deref().unwrap_or_default();
            let start = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(data.len());
            let end = start.saturating_add(len).min(data.len());
            return Ok(data.get(start..end).unwrap_or_default().to_vec());
        }
        let h = self.open_handle(id, false)?;
        let mut gh = self.handle(conn)?;
        let chunk = gh.state().msize.saturating_sub(64).max(1) as usize;
        let mut out = Vec::new();
        while out.len() < len {
            let want = (len - out.len()).min(chunk) as u32;
            let got = gh.read(h, offset + out.len() as u64, want)?;
            if got.is_empty() {
                break;
            }
            out.extend(got);
        }
        Ok(out)
    }

    /// Twrite on the write handle (write-through), keeping the fscache
    /// copy and the cached size current.
    fn write(&mut self, id: RemoteId, offset: u64, data: &[u8]) -> Result<usize> {
        if self.is_dir(id) {
            return Err(Errno::EISDIR.into());
        }
        let conn = self.node(id)?.conn;
        let h = self.open_handle(id, true)?;
        self.handle(conn)?.write_all(h, offset, data)?;
        let r = self.node_mut(id)?;
        let end = offset.saturating_add(data.len() as u64);
        r.size = r.size.max(end);
        if let Some(cache) = &mut r.data {
            let off = usize::try_from(offset).map_err(|_| Errno::EFBIG)?;
            let e = off.checked_add(data.len()).ok_or(Errno::EFBIG)?;
            if cache.len() < e {
                cache.resize(e, 0);
            }
            if let Some(dst) = cache.get_mut(off..e) {
                dst.copy_from_slice(data);
            }
        }
        Ok(data.len())
    }

    /// Tsetattr for truncate, chmod, chown and utimes.
    fn setattr(&mut self, id: RemoteId, old: &Attr, new: &Attr, size: Option<u64>) -> Result<bool> {
        let (conn, fid) = self.fid(id)?;
        let mut valid = 0;
        let mut sa = SetAttr {
            mode: new.perms,
            uid: new.uid,
            gid: new.gid,
            size: size.unwrap_or(0),
            atime_sec: new.atime / 1_000_000_000,
            atime_nsec: new.atime % 1_000_000_000,
            mtime_sec: new.mtime / 1_000_000_000,
            mtime_nsec: new.mtime % 1_000_000_000,
        };
        if new.perms != old.perms {
            valid |= m::MODE;
        }
        if new.uid != old.uid {
            valid |= m::UID;
        }
        if new.gid != old.gid {
            valid |= m::GID;
        }
        if new.atime != old.atime {
            valid |= m::ATIME | m::ATIME_SET;
        }
        if new.mtime != old.mtime {
            valid |= m::MTIME | m::MTIME_SET;
        }
        if size.is_some() {
            valid |= m::SIZE;
        } else {
            sa.size = 0;
        }
        if valid == 0 {
            return Ok(false);
        }
        self.handle(conn)?.setattr(fid, valid, sa)?;
        if let Some(s) = size {
            let r = self.node_mut(id)?;
            r.size = s;
            if let Some(d) = &mut r.data {
                d.resize(usize::try_from(s).map_err(|_| Errno::EFBIG)?, 0);
            }
        }
        Ok(true)
    }

    /// Creates a file (Tucreate/Tlcreate on a clone of the directory fid),
    /// directory (Tumkdir/Tmkdir) or symlink (Tusymlink/Tsymlink), then
    /// walks to it for the new file's fid.
    fn create(
        &mut self,
        dir: RemoteId,
        name: &str,
        perms: u32,
        what: RemoteCreate<'_>,
    ) -> Result<RemoteFile> {
        let (conn, dfid) = self.fid(dir)?;
        {
            let mut h = self.handle(conn)?;
            let uid_ops = version::supports_uid_create(h.state().version);
            match what {
                RemoteCreate::Dir => {
                    if uid_ops {
                        h.umkdir(dfid, name, perms, 0, NOGID)?;
                    } else {
                        h.mkdir(dfid, name, perms, NOGID)?;
                    }
                }
                RemoteCreate::Symlink(target) => {
                    if uid_ops {
                        h.usymlink(dfid, name, target, 0, NOGID)?;
                    } else {
                        h.symlink(dfid, name, target, NOGID)?;
                    }
                }
                RemoteCreate::File => {
                    let (newfid, _) = h.walk(dfid, &[])?;
                    let r = if uid_ops {
                        h.ucreate(newfid, name, O_RDWR, perms, 0, NOGID)
                    } else {
                        h.lcreate(newfid, name, O_RDWR, perms, NOGID)
                    };
                    let _ = h.clunk(newfid);
                    r?;
                }
            }
        }
        self.dirty(dir);
        self.lookup(dir, name)
    }

    /// Tlink.
    fn link(&mut self, dir: RemoteId, name: &str, target: RemoteId) -> Result<()> {
        let (conn, dfid) = self.fid(dir)?;
        let (tconn, tfid) = self.fid(target)?;
        if tconn != conn {
            return Err(Errno::EXDEV.into());
        }
        self.handle(conn)?.link(dfid, tfid, name)?;
        self.dirty(dir);
        if let Some(r) = self.nodes.get_mut(target) {
            r.nlink += 1;
        }
        Ok(())
    }

    /// Tunlinkat (with AT_REMOVEDIR for directories).
    fn remove(&mut self, dir: RemoteId, name: &str, is_dir: bool) -> Result<()> {
        let (conn, dfid) = self.fid(dir)?;
        self.handle(conn)?
            .unlinkat(dfid, name, if is_dir { AT_REMOVEDIR } else { 0 })?;
        self.dirty(dir);
        Ok(())
    }

    /// Trename of the file's own fid into the new directory.
    fn rename(&mut self, old_dir: RemoteId, old: &str, new_dir: RemoteId, new: &str) -> Result<()> {
        let (conn, odfid) = self.fid(old_dir)?;
        let (nconn, ndfid) = self.fid(new_dir)?;
        if nconn != conn {
            return Err(Errno::EXDEV.into());
        }
        let mut h = self.handle(conn)?;
        let (fid, _) = h.walk(odfid, &[old])?;
        let r = h.rename(fid, ndfid, new);
        let _ = h.clunk(fid);
        r?;
        self.dirty(old_dir);
        self.dirty(new_dir);
        Ok(())
    }

    /// `inodeFileState.Release`: a 9p file being freed clunks its fid and
    /// any open handles, so create/unlink loops do not run the connection
    /// out of fids. Errors (a connection already closed) are ignored.
    fn release(&mut self, id: RemoteId) {
        let Some(r) = self.nodes.remove(id) else {
            return;
        };
        let Ok(mut h) = self.handle(r.conn) else {
            return;
        };
        for f in [Some(r.fid), r.read_handle, r.write_handle]
            .into_iter()
            .flatten()
        {
            let _ = h.clunk(f);
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every 9p file the client holds belongs to a live inode: freed
    /// inodes give theirs back (`Release`), so create/unlink loops grow
    /// neither the VFS's arena nor the client's table of files.
    #[test]
    fn freed_remote_inodes_release_their_files() {
        use crate::engines::runsc2018::loader::Loader;
        let json = r#"{"spec":{"ociVersion":"1.0.0","root":{"path":"r"},
          "mounts":[{"destination":"/data","type":"bind","source":"/h","options":["rw"]}]},
          "host":{"/":{"etc/hostname":"x\n"},"/data":{"a.txt":"one\n"}}}"#;
        let s = crate::scenario::Scenario::from_json(json).unwrap();
        let mut sb = Loader::from_scenario(&s).unwrap();
        let live = |v: &Vfs| {
            let files = v.gofer_set().map_or(0, |g| g.nodes.len());
            let inodes = v.inodes.values().filter(|i| i.remote().is_some()).count();
            (files, inodes)
        };
        sb.vfs.collect_garbage();
        let (files, inodes) = live(&sb.vfs);
        assert_eq!(files, inodes);
        for i in 0..20 {
            for line in [format!("write /data/t{i} x"), format!("rm /data/t{i}")] {
                let out = sb.shell(&line, None).unwrap();
                assert!(out.error.is_none(), "{line}: {:?}", out.error);
            }
        }
        sb.vfs.collect_garbage();
        assert_eq!(live(&sb.vfs), (files, inodes));
    }

    #[test]
    fn options_like_gvisor() {
        let o = parse_options(
            "trans=fd,rfdno=3,wfdno=3,privateunixsocket=true,cache=remote_revalidating",
        )
        .unwrap();
        assert_eq!(
            (o.fd, o.policy, o.aname.as_str(), o.msize),
            (3, CachePolicy::RemoteRevalidating, "/", DEFAULT_MSIZE)
        );
        assert_eq!(o.version, "9P2000.L.Google.6");
        assert!(o.private_unix_socket);
        assert_eq!(
            parse_options("trans=fd,rfdno=4,wfdno=4").unwrap().policy,
            CachePolicy::CacheAll
        );
        let cases = [
            ("rfdno=3,wfdno=3", "missing required option: 'trans='"),
            ("trans=tcp,rfdno=3,wfdno=3", "unsupported transport: 'trans=tcp'"),
            ("trans=fd,wfdno=3", "missing required option: 'rfdno='"),
            ("trans=fd,rfdno=3", "missing required option: 'wfdno='"),
            ("trans=fd,rfdno=x,wfdno=3", "invalid fd for 'rfdno=x': strconv.Atoi: parsing \"x\": invalid syntax"),
            ("trans=fd,rfdno=3,wfdno=4", "fd in 'rfdno=3' and 'wfdno=4' must match"),
            ("trans=fd,rfdno=3,wfdno=3,cache=loose", "unsupported cache mode: loose"),
            ("trans=fd,rfdno=3,wfdno=3,msize=big", "invalid message size for 'msize=big': strconv.ParseUint: parsing \"big\": invalid syntax"),
            ("trans=fd,rfdno=3,wfdno=3,privateunixsocket=yes", "invalid boolean value for 'privateunixsocket=yes': strconv.ParseBool: parsing \"yes\": invalid syntax"),
            ("trans=fd,rfdno=3,wfdno=3,foo=bar,a", "unsupported mount options: map[a: foo:bar]"),
        ];
        for (data, want) in cases {
            assert_eq!(parse_options(data).unwrap_err().to_string(), want, "{data}");
        }
    }
}
