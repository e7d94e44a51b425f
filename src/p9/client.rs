//! A typed 9P2000.L client, the calls the sentry's gofer filesystem makes
//! (ports the message-building half of `pkg/p9/client.go` and
//! `client_file.go`). It runs over anything that can carry one request and
//! return its reply ([`Rpc`]): the in-memory gofer connection
//! (`fsgofer::ConnHandle`) or, natively, a TCP/unix socket (`net::NetClient`).
//!
//! Every method returns `Result<_, Errno>`: an Rlerror becomes its errno;
//! a reply of the wrong type is EIO (gVisor: `ErrUnexpectedResponse`).

use super::messages::*;
use super::version::{self, MIN_MSIZE};
use super::wire::{Data, P9Str, Qid};
use crate::errno::Errno;
use std::collections::BTreeSet;
use std::fmt;

/// Client-side connection state: negotiated msize/version, tags and fids.
#[derive(Clone, Debug)]
pub struct ClientState {
    pub msize: u32,
    pub version: u32,
    next_tag: u16,
    next_fid: u32,
    free_fids: BTreeSet<u32>,
}

impl Default for ClientState {
    fn default() -> Self {
        ClientState {
            msize: version::MAX_MSIZE,
            version: 0,
            next_tag: 0,
            next_fid: 1,
            free_fids: BTreeSet::new(),
        }
    }
}

impl ClientState {
    /// The next tag, never `NOTAG` (reserved for Tversion).
    pub fn tag(&mut self) -> u16 {
        let t = self.next_tag;
        self.next_tag = self.next_tag.wrapping_add(1);
        if self.next_tag == NOTAG {
            self.next_tag = 0;
        }
        t
    }

    /// A fid not in use on this connection (`fidPool.Get`).
    pub fn alloc_fid(&mut self) -> u32 {
        if let Some(f) = self.free_fids.pop_first() {
            return f;
        }
        let f = self.next_fid;
        self.next_fid = self.next_fid.wrapping_add(1).max(1);
        f
    }

    /// Returns a fid to the pool (`fidPool.Put`).
    pub fn free_fid(&mut self, fid: u32) {
        if fid != NOFID {
            self.free_fids.insert(fid);
        }
    }
}

/// Why version negotiation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionError {
    /// gVisor's `ErrVersionsExhausted`: every version down to 0 got EAGAIN.
    Exhausted,
    /// The requested msize is below a working minimum (`ErrMessageTooLarge`).
    MessageTooLarge,
    /// Any other Rlerror, or a transport failure.
    Errno(Errno),
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionError::Exhausted => f.write_str("exhausted all versions to try"),
            VersionError::MessageTooLarge => f.write_str("message larger than negotiated size"),
            VersionError::Errno(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for VersionError {}

/// One request/reply exchange over some transport.
pub trait Rpc {
    /// Sends `msg` with `tag` and returns the decoded reply (any type,
    /// Rlerror included). Transport failures are errnos (EIO, EPIPE).
    fn exchange(&mut self, tag: u16, msg: Message) -> Result<Message, Errno>;
    /// The connection's client-side state.
    fn state(&mut self) -> &mut ClientState;
}

macro_rules! expect {
    ($reply:expr, $variant:ident) => {
        match $reply {
            Message::$variant(r) => Ok(r),
            Message::Rlerror(e) => Err(Errno(e.ecode)),
            _ => Err(Errno::EIO),
        }
    };
}

/// The typed calls; implemented for every [`Rpc`].
pub trait Client: Rpc {
    /// Sends a request on a fresh tag; Rlerror becomes `Err(errno)`.
    fn call(&mut self, msg: Message) -> Result<Message, Errno> {
        let tag = self.state().tag();
        match self.exchange(tag, msg)? {
            Message::Rlerror(e) => Err(Errno(e.ecode)),
            m => Ok(m),
        }
    }

    /// Negotiates like gVisor's `NewClient`: starts at `requested` (normally
    /// `9P2000.L.Google.6`) and steps down on EAGAIN; below version 0 it is
    /// `Exhausted`. Returns `(msize, version)`.
    fn version(&mut self, msize: u32, requested: u32) -> Result<(u32, u32), VersionError> {
        if msize < MIN_MSIZE {
            return Err(VersionError::MessageTooLarge);
        }
        let mut v = requested;
        loop {
            let t = Tversion {
                msize,
                version: version::version_string(v).into(),
            };
            match self
                .exchange(NOTAG, t.into())
                .map_err(VersionError::Errno)?
            {
                Message::Rversion(r) => {
                    let got = version::parse_version(&r.version.0)
                        .ok_or(VersionError::Errno(Errno::EINVAL))?;
                    let st = self.state();
                    st.msize = r.msize.min(msize);
                    st.version = got;
                    return Ok((st.msize, got));
                }
                Message::Rlerror(e) if Errno(e.ecode) == Errno::EAGAIN => {
                    if v == 0 {
                        return Err(VersionError::Exhausted);
                    }
                    v -= 1;
                }
                Message::Rlerror(e) => return Err(VersionError::Errno(Errno(e.ecode))),
                _ => return Err(VersionError::Errno(Errno::EIO)),
            }
        }
    }

    /// Tattach on a fresh fid; returns `(fid, qid)`.
    fn attach(&mut self, aname: &str, n_uname: u32) -> Result<(u32, Qid), Errno> {
        let fid = self.state().alloc_fid();
        let t = Tattach {
            fid,
            afid: NOFID,
            uname: P9Str::default(),
            aname: aname.into(),
            n_uname,
        };
        match self.call(t.into()).and_then(|r| expect!(r, Rattach)) {
            Ok(r) => Ok((fid, r.qid)),
            Err(e) => {
                self.state().free_fid(fid);
                Err(e)
            }
        }
    }

    /// Twalk to a fresh fid; returns `(newfid, qids)`. No names clones.
    fn walk(&mut self, fid: u32, names: &[&str]) -> Result<(u32, Vec<Qid>), Errno> {
        let newfid = self.state().alloc_fid();
        let t = Twalk {
            fid,
            newfid,
            names: names.iter().map(|n| P9Str::from(*n)).collect(),
        };
        match self.call(t.into()).and_then(|r| expect!(r, Rwalk)) {
            // A partial Rwalk (standard 9P's "first element failed later")
            // did not create newfid.
            Ok(r) if !names.is_empty() && r.qids.len() != names.len() => {
                self.state().free_fid(newfid);
                Err(Errno::ENOENT)
            }
            Ok(r) => Ok((newfid, r.qids)),
            Err(e) => {
                self.state().free_fid(newfid);
                Err(e)
            }
        }
    }

    /// Twalkgetattr (Google.2) to a fresh fid; returns `(newfid, qids, valid, attr)`.
    fn walk_getattr(
        &mut self,
        fid: u32,
        names: &[&str],
    ) -> Result<(u32, Vec<Qid>, u64, Attr), Errno> {
        let newfid = self.state().alloc_fid();
        let t = Twalkgetattr {
            fid,
            newfid,
            names: names.iter().map(|n| P9Str::from(*n)).collect(),
        };
        match self.call(t.into()).and_then(|r| expect!(r, Rwalkgetattr)) {
            Ok(r) => Ok((newfid, r.qids, r.valid, *r.attr)),
            Err(e) => {
                self.state().free_fid(newfid);
                Err(e)
            }
        }
    }

    /// Tgetattr; returns `(qid, valid, attr)`.
    fn getattr(&mut self, fid: u32, mask: u64) -> Result<(Qid, u64, Attr), Errno> {
        let r = expect!(self.call(Tgetattr { fid, mask }.into())?, Rgetattr)?;
        Ok((r.qid, r.valid, *r.attr))
    }

    fn setattr(&mut self, fid: u32, valid: u32, attr: SetAttr) -> Result<(), Errno> {
        expect!(self.call(Tsetattr { fid, valid, attr }.into())?, Rsetattr).map(drop)
    }

    /// Tlopen; returns `(qid, iounit)`.
    fn lopen(&mut self, fid: u32, flags: u32) -> Result<(Qid, u32), Errno> {
        let r = expect!(self.call(Tlopen { fid, flags }.into())?, Rlopen)?;
        Ok((r.qid, r.iounit))
    }

    /// Tlcreate: `fid` (a directory) becomes the new opened file.
    fn lcreate(
        &mut self,
        fid: u32,
        name: &str,
        flags: u32,
        mode: u32,
        gid: u32,
    ) -> Result<(Qid, u32), Errno> {
        let r = expect!(
            self.call(
                Tlcreate {
                    fid,
                    name: name.into(),
                    flags,
                    mode,
                    gid
                }
                .into()
            )?,
            Rlcreate
        )?;
        Ok((r.qid, r.iounit))
    }

    /// Tucreate (Google.3): Tlcreate with the creating uid.
    fn ucreate(
        &mut self,
        fid: u32,
        name: &str,
        flags: u32,
        mode: u32,
        uid: u32,
        gid: u32,
    ) -> Result<(Qid, u32), Errno> {
        let t = Tucreate {
            fid,
            name: name.into(),
            flags,
            mode,
            gid,
            uid,
        };
        let r = expect!(self.call(t.into())?, Rucreate)?;
        Ok((r.qid, r.iounit))
    }

    /// Tread of up to `count` bytes (the server clamps to the msize).
    fn read(&mut self, fid: u32, offset: u64, count: u32) -> Result<Vec<u8>, Errno> {
        Ok(
            expect!(self.call(Tread { fid, offset, count }.into())?, Rread)?
                .data
                .0,
        )
    }

    /// Reads to EOF in msize-sized chunks.
    fn read_all(&mut self, fid: u32) -> Result<Vec<u8>, Errno> {
        let chunk = self.state().msize.saturating_sub(HEADER_SIZE as u32 + 4);
        let mut out = Vec::new();
        loop {
            let d = self.read(fid, out.len() as u64, chunk)?;
            if d.is_empty() {
                return Ok(out);
            }
            out.extend_from_slice(&d);
        }
    }

    /// One Twrite; returns the count the server took.
    fn write(&mut self, fid: u32, offset: u64, data: &[u8]) -> Result<u32, Errno> {
        let t = Twrite {
            fid,
            offset,
            data: Data(data.to_vec()),
        };
        Ok(expect!(self.call(t.into())?, Rwrite)?.count)
    }

    /// Writes all of `data`, split to fit the msize.
    fn write_all(&mut self, fid: u32, offset: u64, data: &[u8]) -> Result<(), Errno> {
        let chunk = (self.state().msize as usize)
            .saturating_sub(HEADER_SIZE + 16)
            .max(1);
        let mut done = 0usize;
        while done < data.len() {
            let end = (done + chunk).min(data.len());
            let part = data.get(done..end).unwrap_or_default();
            let n = self.write(fid, offset + done as u64, part)? as usize;
            if n == 0 {
                return Err(Errno::EIO);
            }
            done += n;
        }
        Ok(())
    }

    fn mkdir(&mut self, dfid: u32, name: &str, mode: u32, gid: u32) -> Result<Qid, Errno> {
        Ok(expect!(
            self.call(
                Tmkdir {
                    dfid,
                    name: name.into(),
                    mode,
                    gid
                }
                .into()
            )?,
            Rmkdir
        )?
        .qid)
    }

    fn umkdir(
        &mut self,
        dfid: u32,
        name: &str,
        mode: u32,
        uid: u32,
        gid: u32,
    ) -> Result<Qid, Errno> {
        Ok(expect!(
            self.call(
                Tumkdir {
                    dfid,
                    name: name.into(),
                    mode,
                    gid,
                    uid
                }
                .into()
            )?,
            Rumkdir
        )?
        .qid)
    }

    fn symlink(&mut self, dfid: u32, name: &str, target: &str, gid: u32) -> Result<Qid, Errno> {
        let t = Tsymlink {
            dfid,
            name: name.into(),
            target: target.into(),
            gid,
        };
        Ok(expect!(self.call(t.into())?, Rsymlink)?.qid)
    }

    fn usymlink(
        &mut self,
        dfid: u32,
        name: &str,
        target: &str,
        uid: u32,
        gid: u32,
    ) -> Result<Qid, Errno> {
        let t = Tusymlink {
            dfid,
            name: name.into(),
            target: target.into(),
            gid,
            uid,
        };
        Ok(expect!(self.call(t.into())?, Rusymlink)?.qid)
    }

    fn mknod(
        &mut self,
        dfid: u32,
        name: &str,
        mode: u32,
        major: u32,
        minor: u32,
        gid: u32,
    ) -> Result<Qid, Errno> {
        let t = Tmknod {
            dfid,
            name: name.into(),
            mode,
            major,
            minor,
            gid,
        };
        Ok(expect!(self.call(t.into())?, Rmknod)?.qid)
    }

    /// Treadlink; the target as text (lossy if the server sent non-UTF-8).
    fn readlink(&mut self, fid: u32) -> Result<String, Errno> {
        Ok(expect!(self.call(Treadlink { fid }.into())?, Rreadlink)?
            .target
            .lossy())
    }

    /// Treaddir at `offset` (0, or the last entry's offset to continue).
    fn readdir(&mut self, fid: u32, offset: u64, count: u32) -> Result<Vec<Dirent>, Errno> {
        Ok(
            expect!(self.call(Treaddir { fid, offset, count }.into())?, Rreaddir)?
                .entries
                .0,
        )
    }

    /// Reads a whole opened directory.
    fn readdir_all(&mut self, fid: u32) -> Result<Vec<Dirent>, Errno> {
        let count = self.state().msize.saturating_sub(HEADER_SIZE as u32 + 4);
        let mut out: Vec<Dirent> = Vec::new();
        let mut offset = 0;
        loop {
            let batch = self.readdir(fid, offset, count)?;
            let Some(last) = batch.last() else {
                return Ok(out);
            };
            offset = last.offset;
            out.extend(batch);
        }
    }

    fn unlinkat(&mut self, dfid: u32, name: &str, flags: u32) -> Result<(), Errno> {
        expect!(
            self.call(
                Tunlinkat {
                    dfid,
                    name: name.into(),
                    flags
                }
                .into()
            )?,
            Runlinkat
        )
        .map(drop)
    }

    /// Trename, what the 2018 sentry uses.
    fn rename(&mut self, fid: u32, dfid: u32, name: &str) -> Result<(), Errno> {
        expect!(
            self.call(
                Trename {
                    fid,
                    dfid,
                    name: name.into()
                }
                .into()
            )?,
            Rrename
        )
        .map(drop)
    }

    fn renameat(
        &mut self,
        olddfid: u32,
        oldname: &str,
        newdfid: u32,
        newname: &str,
    ) -> Result<(), Errno> {
        let t = Trenameat {
            olddfid,
            oldname: oldname.into(),
            newdfid,
            newname: newname.into(),
        };
        expect!(self.call(t.into())?, Rrenameat).map(drop)
    }

    fn link(&mut self, dfid: u32, fid: u32, name: &str) -> Result<(), Errno> {
        expect!(
            self.call(
                Tlink {
                    dfid,
                    fid,
                    name: name.into()
                }
                .into()
            )?,
            Rlink
        )
        .map(drop)
    }

    /// Tclunk; the fid returns to the pool whatever the answer (as gVisor's
    /// `clientFile.Close` does).
    fn clunk(&mut self, fid: u32) -> Result<(), Errno> {
        let r = self
            .call(Tclunk { fid }.into())
            .and_then(|r| expect!(r, Rclunk).map(drop));
        self.state().free_fid(fid);
        r
    }

    /// Tremove; the fid is gone afterwards either way.
    fn remove(&mut self, fid: u32) -> Result<(), Errno> {
        let r = self
            .call(Tremove { fid }.into())
            .and_then(|r| expect!(r, Rremove).map(drop));
        self.state().free_fid(fid);
        r
    }

    /// Tfsync in gVisor's 2018 layout (`fid` only).
    fn fsync(&mut self, fid: u32) -> Result<(), Errno> {
        expect!(
            self.call(
                Tfsync {
                    fid,
                    datasync: Default::default()
                }
                .into()
            )?,
            Rfsync
        )
        .map(drop)
    }

    fn statfs(&mut self, fid: u32) -> Result<FsStat, Errno> {
        Ok(expect!(self.call(Tstatfs { fid }.into())?, Rstatfs)?.stat)
    }

    /// Tflushf (Google.1).
    fn flushf(&mut self, fid: u32) -> Result<(), Errno> {
        expect!(self.call(Tflushf { fid }.into())?, Rflushf).map(drop)
    }

    /// Tlconnect (Google.4); fsgofer always refuses.
    fn lconnect(&mut self, fid: u32, flags: u32) -> Result<(), Errno> {
        expect!(self.call(Tlconnect { fid, flags }.into())?, Rlconnect).map(drop)
    }
}

impl<T: Rpc + ?Sized> Client for T {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server that answers EAGAIN to everything above `highest`.
    struct Picky {
        highest: u32,
        tried: Vec<String>,
        st: ClientState,
    }

    impl Rpc for Picky {
        fn exchange(&mut self, tag: u16, msg: Message) -> Result<Message, Errno> {
            assert_eq!(tag, NOTAG);
            let Message::Tversion(t) = msg else {
                return Err(Errno::EIO);
            };
            self.tried.push(t.version.lossy());
            match version::parse_version(&t.version.0) {
                Some(v) if v <= self.highest => Ok(Rversion {
                    msize: t.msize / 2,
                    version: t.version,
                }
                .into()),
                _ => Ok(Rlerror {
                    ecode: Errno::EAGAIN.raw(),
                }
                .into()),
            }
        }
        fn state(&mut self) -> &mut ClientState {
            &mut self.st
        }
    }

    #[test]
    fn steps_down_on_eagain_then_exhausts() {
        let mut p = Picky {
            highest: 2,
            tried: vec![],
            st: ClientState::default(),
        };
        assert_eq!(p.version(65536, 6), Ok((32768, 2)));
        assert_eq!(
            p.tried,
            [
                "9P2000.L.Google.6",
                "9P2000.L.Google.5",
                "9P2000.L.Google.4",
                "9P2000.L.Google.3",
                "9P2000.L.Google.2"
            ]
        );
        assert_eq!(p.state().msize, 32768);
        let mut p = Picky {
            highest: u32::MAX,
            tried: vec![],
            st: ClientState::default(),
        };
        p.highest = 0;
        assert_eq!(p.version(65536, 1), Ok((32768, 0)));
        assert_eq!(p.tried.last().map(String::as_str), Some("9P2000.L"));
        struct Never(ClientState);
        impl Rpc for Never {
            fn exchange(&mut self, _: u16, _: Message) -> Result<Message, Errno> {
                Ok(Rlerror {
                    ecode: Errno::EAGAIN.raw(),
                }
                .into())
            }
            fn state(&mut self) -> &mut ClientState {
                &mut self.0
            }
        }
        let mut n = Never(ClientState::default());
        assert_eq!(n.version(65536, 6), Err(VersionError::Exhausted));
        assert_eq!(
            VersionError::Exhausted.to_string(),
            "exhausted all versions to try"
        );
    }

    #[test]
    fn fids_and_tags_are_recycled() {
        let mut st = ClientState::default();
        let (a, b) = (st.alloc_fid(), st.alloc_fid());
        assert_ne!(a, b);
        st.free_fid(a);
        assert_eq!(st.alloc_fid(), a);
        st.next_tag = NOTAG - 1;
        assert_eq!(st.tag(), NOTAG - 1);
        assert_eq!(st.tag(), 0); // NOTAG is skipped
    }
}
