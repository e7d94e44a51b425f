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
use crate::vfs::{Attr, DirEntry, FileType, InodeId, MountSourceFlags, MsrcId, Node, Stat, Vfs};
use serde::Serialize;

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

/// A 9p inode (`inodeOperations` + `inodeFileState`).
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
    let conn = vfs.gofers.find_fd(o.fd).ok_or_else(|| {
        Error::with_errno(
            Errno::EBADF,
            format!("no gofer connection on fd {}: bad file descriptor", o.fd),
        )
    })?;
    let requested = version::parse_version(o.version.as_bytes())
        .ok_or_else(|| Error::msg(format!("invalid version {}", quote(&o.version))))?;
    let mut h = vfs.gofers.handle(conn)?;
    h.version(o.msize, requested)
        .map_err(|e| Error::msg(e.to_string()))?;
    let (fid, qid) = h.attach(&o.aname, NOUID)?;
    let (_, _, attr) = h.getattr(fid, GETATTR_ALL)?;
    let msrc = vfs.new_mount_source("9p", device, data, flags);
    Ok(vfs.alloc_remote(msrc, conn, fid, qid.path, o.policy, &attr))
}

impl Vfs {
    fn remote(&self, id: InodeId) -> Result<&RemoteNode> {
        match &self.ino(id)?.node {
            Node::Remote(r) => Ok(r),
            _ => Err(Errno::EIO.into()),
        }
    }

    fn remote_mut(&mut self, id: InodeId) -> Result<&mut RemoteNode> {
        match &mut self.ino_mut(id)?.node {
            Node::Remote(r) => Ok(r),
            _ => Err(Errno::EIO.into()),
        }
    }

    fn set_remote_attr(&mut self, id: InodeId, attr: Attr) {
        if let Some(i) = self.inodes.get_mut(id) {
            i.attr = attr;
        }
    }

    /// Refreshes size, nlink and attributes from a Tgetattr/Twalkgetattr reply.
    fn apply_p9_attr(&mut self, id: InodeId, a: &P9Attr) {
        if let Some(i) = self.inodes.get_mut(id) {
            i.attr = attr_of(a);
            if let Node::Remote(r) = &mut i.node {
                r.size = a.size;
                r.nlink = a.nlink;
                r.rdev = a.rdev;
            }
        }
    }

    /// `inodeOperations.Lookup`: Twalkgetattr (Twalk + Tgetattr below
    /// Google.2) from the directory's fid.
    pub(crate) fn remote_lookup(&mut self, dir: InodeId, name: &str) -> Result<InodeId> {
        let (conn, dfid, policy, msrc) = {
            let r = self.remote(dir)?;
            (r.conn, r.fid, r.policy, self.ino(dir)?.msrc)
        };
        let (fid, qid_path, attr) = self.walk_one(conn, dfid, name)?;
        Ok(self.alloc_remote(msrc, conn, fid, qid_path, policy, &attr))
    }

    /// A new 9p inode for a walked fid, with the attributes the walk returned.
    fn alloc_remote(
        &mut self,
        msrc: MsrcId,
        conn: ConnRef,
        fid: u32,
        qid_path: u64,
        policy: CachePolicy,
        attr: &P9Attr,
    ) -> InodeId {
        let node = RemoteNode {
            conn,
            fid,
            qid_path,
            file_type: file_type_of(attr.mode),
            policy,
            nlink: attr.nlink,
            size: attr.size,
            rdev: attr.rdev,
            read_handle: None,
            write_handle: None,
            data: None,
            listing: None,
            target: None,
        };
        let id = self.alloc_inode(msrc, attr.mode & 0o7777, Node::Remote(Box::new(node)));
        self.set_remote_attr(id, attr_of(attr));
        id
    }

    /// Walks one name to a fresh fid, with its attributes.
    fn walk_one(&mut self, conn: ConnRef, dfid: u32, name: &str) -> Result<(u32, u64, P9Attr)> {
        let mut h = self.gofers.handle(conn)?;
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

    /// `Revalidate` of a cached remote dirent: true when the gofer still has
    /// the same file under `name` (its attributes are refreshed).
    pub(crate) fn remote_still_valid(
        &mut self,
        dir: InodeId,
        name: &str,
        child: InodeId,
    ) -> Result<bool> {
        let (conn, dfid) = {
            let r = self.remote(dir)?;
            (r.conn, r.fid)
        };
        let (policy, qid_path) = {
            let c = self.remote(child)?;
            (c.policy, c.qid_path)
        };
        if policy == CachePolicy::CacheNone {
            return Ok(false);
        }
        match self.walk_one(conn, dfid, name) {
            Ok((fid, path, attr)) => {
                // gVisor's `cachePolicy.revalidate` drops the walked file
                // without closing it, leaking a fid (and the gofer's host fd)
                // per revalidation. We clunk it: one more exchange per
                // component, but a long session cannot run out of fids.
                let _ = self.gofers.handle(conn)?.clunk(fid);
                if path != qid_path {
                    return Ok(false);
                }
                self.apply_p9_attr(child, &attr);
                Ok(true)
            }
            Err(e) if e.is(Errno::ENOENT) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `MountSource.Revalidate` for a cached child of `parent`: a remote
    /// child under `remote_revalidating` (or `none`) is re-walked; an overlay
    /// child is revalidated through its upper, as the overlay MountSource
    /// delegates to the upper's. Mount roots are never revalidated.
    pub(crate) fn cached_child_valid(
        &mut self,
        parent: InodeId,
        name: &str,
        child: InodeId,
    ) -> Result<bool> {
        let revalidating = |v: &Vfs, id: InodeId| matches!(v.inodes.get(id).map(|i| &i.node), Some(Node::Remote(r)) if r.policy.revalidates());
        match self.ino(child)?.node {
            Node::Remote(_) if revalidating(self, child) => {
                self.remote_still_valid(parent, name, child)
            }
            Node::Overlay(co) => {
                let Some(po) = self.overlay_entry(parent) else {
                    return Ok(true);
                };
                let Some(pu) = po.upper.filter(|pu| revalidating(self, *pu)) else {
                    return Ok(true);
                };
                match co.upper {
                    Some(cu) if matches!(self.ino(cu)?.node, Node::Remote(_)) => {
                        self.remote_still_valid(pu, name, cu)
                    }
                    Some(_) => Ok(true),
                    // Only in the lower (a stub): stale once the host has it.
                    None => {
                        let (conn, dfid) = {
                            let r = self.remote(pu)?;
                            (r.conn, r.fid)
                        };
                        match self.walk_one(conn, dfid, name) {
                            Ok((fid, _, _)) => {
                                let _ = self.gofers.handle(conn)?.clunk(fid);
                                Ok(false)
                            }
                            Err(_) => Ok(true),
                        }
                    }
                }
            }
            _ => Ok(true),
        }
    }

    /// Directory listing: Twalk (clone), Tlopen, Treaddir until empty, Tclunk.
    pub(crate) fn remote_readdir(&mut self, dir: InodeId) -> Result<Vec<DirEntry>> {
        let (conn, fid, policy) = {
            let r = self.remote(dir)?;
            if let Some(l) = &r.listing {
                return Ok(l.clone());
            }
            (r.conn, r.fid, r.policy)
        };
        let mut h = self.gofers.handle(conn)?;
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
            self.remote_mut(dir)?.listing = Some(out.clone());
        }
        Ok(out)
    }

    /// Forgets a cached listing after a local change to the directory.
    pub(crate) fn remote_dirty(&mut self, dir: InodeId) {
        if let Ok(r) = self.remote_mut(dir) {
            r.listing = None;
        }
    }

    /// Brings a remote inode's attributes up to date before a `stat`: a
    /// Tgetattr unless the policy caches attributes (fscache).
    pub(crate) fn remote_refresh(&mut self, id: InodeId) -> Result<()> {
        let (conn, fid, policy) = match &self.ino(id)?.node {
            Node::Remote(r) => (r.conn, r.fid, r.policy),
            _ => return Ok(()),
        };
        if !policy.caches() {
            let (_, _, attr) = self.gofers.handle(conn)?.getattr(fid, GETATTR_ALL)?;
            self.apply_p9_attr(id, &attr);
        }
        Ok(())
    }

    /// `stat` from the attributes the inode holds.
    pub(crate) fn remote_cached_stat(&self, id: InodeId) -> Result<Stat> {
        let i = self.ino(id)?;
        let Node::Remote(r) = &i.node else {
            return Err(Errno::EIO.into());
        };
        let size = match (&r.data, r.policy.caches()) {
            (Some(d), true) => d.len() as u64,
            _ => r.size,
        };
        Ok(Stat {
            file_type: r.file_type,
            mode: r.file_type.mode_bits() | i.attr.perms,
            ino: r.qid_path,
            nlink: r.nlink,
            uid: i.attr.uid,
            gid: i.attr.gid,
            size,
            rdev_major: ((r.rdev >> 8) & 0xfff) as u32,
            rdev_minor: (r.rdev & 0xff) as u32,
            atime: i.attr.atime,
            mtime: i.attr.mtime,
            ctime: i.attr.ctime,
        })
    }

    /// Treadlink (cached under fscache).
    pub(crate) fn remote_readlink(&mut self, id: InodeId) -> Result<String> {
        let (conn, fid, policy) = {
            let r = self.remote(id)?;
            if let Some(t) = &r.target {
                return Ok(t.clone());
            }
            (r.conn, r.fid, r.policy)
        };
        let t = self.gofers.handle(conn)?.readlink(fid)?;
        if policy.caches() {
            self.remote_mut(id)?.target = Some(t.clone());
        }
        Ok(t)
    }

    /// An opened handle for reading (`O_RDONLY`) or writing (`O_RDWR`),
    /// opened once on a clone of the inode's fid and kept.
    fn remote_handle(&mut self, id: InodeId, write: bool) -> Result<u32> {
        let (conn, fid, existing) = {
            let r = self.remote(id)?;
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
        let mut h = self.gofers.handle(conn)?;
        let (open, _) = h.walk(fid, &[])?;
        if let Err(e) = h.lopen(open, if write { O_RDWR } else { O_RDONLY }) {
            let _ = h.clunk(open);
            return Err(e.into());
        }
        let r = self.remote_mut(id)?;
        if write {
            r.write_handle = Some(open);
        } else {
            r.read_handle = Some(open);
        }
        Ok(open)
    }

    /// Reads `len` bytes at `offset`: Tread on the read handle, or the
    /// cached contents under fscache.
    pub(crate) fn remote_read(&mut self, id: InodeId, offset: u64, len: usize) -> Result<Vec<u8>> {
        let (conn, policy, cached) = {
            let r = self.remote(id)?;
            (r.conn, r.policy, r.data.is_some())
        };
        if r_is_dir(self, id) {
            return Err(Errno::EISDIR.into());
        }
        if policy.caches() {
            if !cached {
                let h = self.remote_handle(id, false)?;
                let all = self.gofers.handle(conn)?.read_all(h)?;
                self.remote_mut(id)?.data = Some(all);
            }
            let r = self.remote(id)?;
            let data = r.data.as_deref().unwrap_or_default();
            let start = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(data.len());
            let end = start.saturating_add(len).min(data.len());
            return Ok(data.get(start..end).unwrap_or_default().to_vec());
        }
        let h = self.remote_handle(id, false)?;
        let mut gh = self.gofers.handle(conn)?;
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
    pub(crate) fn remote_write(&mut self, id: InodeId, offset: u64, data: &[u8]) -> Result<usize> {
        if r_is_dir(self, id) {
            return Err(Errno::EISDIR.into());
        }
        let conn = self.remote(id)?.conn;
        let h = self.remote_handle(id, true)?;
        self.gofers.handle(conn)?.write_all(h, offset, data)?;
        let now = self.tick();
        let r = self.remote_mut(id)?;
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
        if let Some(i) = self.inodes.get_mut(id) {
            i.attr.mtime = now;
        }
        Ok(data.len())
    }

    /// Tsetattr for truncate, chmod, chown and utimes.
    pub(crate) fn remote_setattr(
        &mut self,
        id: InodeId,
        new: Attr,
        size: Option<u64>,
    ) -> Result<()> {
        let (conn, fid) = {
            let r = self.remote(id)?;
            (r.conn, r.fid)
        };
        let old = self.ino(id)?.attr;
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
            return Ok(());
        }
        self.gofers.handle(conn)?.setattr(fid, valid, sa)?;
        let i = self.ino_mut(id)?;
        i.attr = new;
        if let Node::Remote(r) = &mut i.node {
            if let Some(s) = size {
                r.size = s;
                if let Some(d) = &mut r.data {
                    d.resize(usize::try_from(s).map_err(|_| Errno::EFBIG)?, 0);
                }
            }
        }
        Ok(())
    }

    /// Creates a file (Tucreate/Tlcreate on a clone of the directory fid),
    /// directory (Tumkdir/Tmkdir) or symlink (Tusymlink/Tsymlink), then
    /// walks to it for the new inode's fid.
    pub(crate) fn remote_create(
        &mut self,
        dir: InodeId,
        name: &str,
        perms: u32,
        node: &Node,
    ) -> Result<InodeId> {
        let (conn, dfid) = {
            let r = self.remote(dir)?;
            (r.conn, r.fid)
        };
        {
            let mut h = self.gofers.handle(conn)?;
            let uid_ops = version::supports_uid_create(h.state().version);
            match node {
                Node::Dir(_) => {
                    if uid_ops {
                        h.umkdir(dfid, name, perms, 0, NOGID)?;
                    } else {
                        h.mkdir(dfid, name, perms, NOGID)?;
                    }
                }
                Node::Symlink(target) => {
                    if uid_ops {
                        h.usymlink(dfid, name, target, 0, NOGID)?;
                    } else {
                        h.symlink(dfid, name, target, NOGID)?;
                    }
                }
                Node::File(_) => {
                    let (newfid, _) = h.walk(dfid, &[])?;
                    let r = if uid_ops {
                        h.ucreate(newfid, name, O_RDWR, perms, 0, NOGID)
                    } else {
                        h.lcreate(newfid, name, O_RDWR, perms, NOGID)
                    };
                    let _ = h.clunk(newfid);
                    r?;
                }
                _ => return Err(Errno::EPERM.into()),
            }
        }
        self.remote_dirty(dir);
        self.remote_lookup(dir, name)
    }

    /// Tlink.
    pub(crate) fn remote_link(&mut self, dir: InodeId, name: &str, target: InodeId) -> Result<()> {
        let (conn, dfid) = {
            let r = self.remote(dir)?;
            (r.conn, r.fid)
        };
        let (tconn, tfid) = {
            let r = self.remote(target)?;
            (r.conn, r.fid)
        };
        if tconn != conn {
            return Err(Errno::EXDEV.into());
        }
        self.gofers.handle(conn)?.link(dfid, tfid, name)?;
        self.remote_dirty(dir);
        if let Ok(r) = self.remote_mut(target) {
            r.nlink += 1;
        }
        Ok(())
    }

    /// Tunlinkat (with AT_REMOVEDIR for directories).
    pub(crate) fn remote_remove(&mut self, dir: InodeId, name: &str, is_dir: bool) -> Result<()> {
        let (conn, dfid) = {
            let r = self.remote(dir)?;
            (r.conn, r.fid)
        };
        self.gofers
            .handle(conn)?
            .unlinkat(dfid, name, if is_dir { AT_REMOVEDIR } else { 0 })?;
        self.remote_dirty(dir);
        Ok(())
    }

    /// Trename of the file's own fid into the new directory.
    pub(crate) fn remote_rename(
        &mut self,
        old_dir: InodeId,
        old: &str,
        new_dir: InodeId,
        new: &str,
    ) -> Result<()> {
        let (conn, odfid) = {
            let r = self.remote(old_dir)?;
            (r.conn, r.fid)
        };
        let (nconn, ndfid) = {
            let r = self.remote(new_dir)?;
            (r.conn, r.fid)
        };
        if nconn != conn {
            return Err(Errno::EXDEV.into());
        }
        let mut h = self.gofers.handle(conn)?;
        let (fid, _) = h.walk(odfid, &[old])?;
        let r = h.rename(fid, ndfid, new);
        let _ = h.clunk(fid);
        r?;
        self.remote_dirty(old_dir);
        self.remote_dirty(new_dir);
        Ok(())
    }

    /// `inodeFileState.Release`: a 9p inode being freed clunks its fid and
    /// any open handles, so create/unlink loops do not run the connection
    /// out of fids. Errors (a connection already closed) are ignored.
    pub(crate) fn remote_release(&mut self, id: InodeId) {
        let Some(Node::Remote(r)) = self.inodes.get(id).map(|i| &i.node) else {
            return;
        };
        let conn = r.conn;
        let fids: Vec<u32> = [Some(r.fid), r.read_handle, r.write_handle]
            .into_iter()
            .flatten()
            .collect();
        let Ok(mut h) = self.gofers.handle(conn) else {
            return;
        };
        for f in fids {
            let _ = h.clunk(f);
        }
    }

    /// The type of a remote inode.
    pub(crate) fn remote_type(&self, id: InodeId) -> Option<FileType> {
        match self.inodes.get(id).map(|i| &i.node) {
            Some(Node::Remote(r)) => Some(r.file_type),
            _ => None,
        }
    }
}

fn r_is_dir(vfs: &Vfs, id: InodeId) -> bool {
    vfs.remote_type(id) == Some(FileType::Directory)
}

#[cfg(test)]
mod tests {
    use super::*;

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
