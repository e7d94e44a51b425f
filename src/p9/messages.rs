//! Every 9P2000.L message the 2018 gofer speaks, one plain struct per
//! message with its fields in wire order, plus the `Message` enum, frame
//! encode/decode (`size[4] type[1] tag[2]`) and one-line summaries.
//!
//! Ports `pkg/p9/messages.go` (the per-message `Encode`/`Decode`) and the
//! type registry of `pkg/p9/p9.go` (`msgRegistry`, `MsgType` numbers).
//! Each R-type is its T-type plus one.

use super::wire::{Data, DecodeError, OptU32, P9Str, Qid, Reader, WireFormat};
use std::fmt::Write as _;

/// The tag of Tversion (`NoTag`).
pub const NOTAG: u16 = 0xffff;
/// "No fid" (`NoFID`), e.g. Tattach's afid.
pub const NOFID: u32 = 0xffff_ffff;
/// "No uid" for `n_uname` (`NoUID`).
pub const NOUID: u32 = 0xffff_ffff;
/// "No gid" (`NoGID`).
pub const NOGID: u32 = 0xffff_ffff;
/// `size[4] type[1] tag[2]`.
pub const HEADER_SIZE: usize = 7;

/// Renders a field for the one-line summaries the UI inspector shows.
pub trait Show {
    fn show(&self, out: &mut String);
}

impl<T: Show> Show for Box<T> {
    fn show(&self, out: &mut String) {
        (**self).show(out)
    }
}

macro_rules! show_int {
    ($($t:ty),*) => {$(
        impl Show for $t {
            fn show(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
show_int!(u8, u16, u32, u64);

impl Show for P9Str {
    fn show(&self, out: &mut String) {
        let _ = write!(out, "{self:?}");
    }
}
impl Show for Qid {
    fn show(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}
impl<T: Show> Show for Vec<T> {
    fn show(&self, out: &mut String) {
        out.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            v.show(out);
        }
        out.push(']');
    }
}
impl Show for Data {
    fn show(&self, out: &mut String) {
        let _ = write!(out, "<{} bytes>", self.0.len());
    }
}
impl Show for OptU32 {
    fn show(&self, out: &mut String) {
        match self.0 {
            Some(v) => v.show(out),
            None => out.push('-'),
        }
    }
}

/// Defines a plain struct whose wire form is its fields in order.
macro_rules! wire_struct {
    ($(#[$m:meta])* $name:ident { $( $(#[$fm:meta])* $field:ident : $fty:ty ),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct $name { $( $(#[$fm])* pub $field: $fty, )* }

        impl WireFormat for $name {
            fn byte_size(&self) -> usize {
                0 $( + self.$field.byte_size() )*
            }
            #[allow(unused_variables)]
            fn encode(&self, out: &mut Vec<u8>) {
                $( self.$field.encode(out); )*
            }
            #[allow(unused_variables)]
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok($name { $( $field: <$fty>::decode(r)?, )* })
            }
        }

        impl $name {
            /// Each field's bytes from `at`, in wire order, for the
            /// inspector (`super::spans`); returns where the last ends.
            // A message without fields pushes nothing, but the others do.
            #[allow(unused_variables, unused_mut, clippy::ptr_arg)]
            pub fn field_spans(&self, at: usize, depth: u8, out: &mut Vec<super::spans::FieldSpan>) -> usize {
                let mut at = at;
                $( at = super::spans::Spans::spans(&self.$field, stringify!($field), at, depth, out); )*
                at
            }
        }
    };
}

wire_struct! {
    /// `Attr` of Rgetattr/Rwalkgetattr (`pkg/p9/p9.go` `Attr.Encode`).
    Attr {
        mode: u32, uid: u32, gid: u32, nlink: u64, rdev: u64, size: u64,
        blksize: u64, blocks: u64,
        atime_sec: u64, atime_nsec: u64, mtime_sec: u64, mtime_nsec: u64,
        ctime_sec: u64, ctime_nsec: u64, btime_sec: u64, btime_nsec: u64,
        gen: u64, data_version: u64,
    }
}

impl Show for Attr {
    fn show(&self, out: &mut String) {
        let _ = write!(
            out,
            "{{mode={:#o} uid={} gid={} nlink={} size={} mtime={}}}",
            self.mode, self.uid, self.gid, self.nlink, self.size, self.mtime_sec
        );
    }
}

wire_struct! {
    /// `SetAttr` of Tsetattr (`pkg/p9/p9.go` `SetAttr.Encode`).
    SetAttr {
        mode: u32, uid: u32, gid: u32, size: u64,
        atime_sec: u64, atime_nsec: u64, mtime_sec: u64, mtime_nsec: u64,
    }
}

impl Show for SetAttr {
    fn show(&self, out: &mut String) {
        let _ = write!(
            out,
            "{{mode={:#o} uid={} gid={} size={} atime={} mtime={}}}",
            self.mode, self.uid, self.gid, self.size, self.atime_sec, self.mtime_sec
        );
    }
}

wire_struct! {
    /// Rstatfs body (`pkg/p9/p9.go` `FSStat`).
    FsStat {
        ty: u32, bsize: u32, blocks: u64, bfree: u64, bavail: u64,
        files: u64, ffree: u64, fsid: u64, namelen: u32,
    }
}

impl Show for FsStat {
    fn show(&self, out: &mut String) {
        let _ = write!(
            out,
            "{{type={:#x} bsize={} blocks={} files={}}}",
            self.ty, self.bsize, self.blocks, self.files
        );
    }
}

wire_struct! {
    /// One readdir entry: `qid offset[8] type[1] name[s]` (`pkg/p9/p9.go` `Dirent`).
    /// `ty` is the QID type byte, as fsgofer fills it (`Type: qid.Type`).
    Dirent { qid: Qid, offset: u64, ty: u8, name: P9Str }
}

impl Show for Dirent {
    fn show(&self, out: &mut String) {
        let _ = write!(out, "{:?}@{}", self.name, self.offset);
    }
}

/// Rreaddir's payload: `count[4]` bytes of back-to-back dirents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dirents(pub Vec<Dirent>);

impl WireFormat for Dirents {
    fn byte_size(&self) -> usize {
        4 + self.0.iter().map(WireFormat::byte_size).sum::<usize>()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        let n: usize = self.0.iter().map(WireFormat::byte_size).sum();
        (n as u32).encode(out);
        for d in &self.0 {
            d.encode(out);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.u32()? as usize;
        let mut inner = Reader::new(r.take(n)?);
        let mut v = Vec::new();
        // gVisor's 2018 Rreaddir.Decode stops at the first entry that
        // overruns, silently dropping a half-sent last entry (the server bug
        // the doc mentions); we do the same so an old server's reply decodes.
        while inner.remaining() > 0 {
            match Dirent::decode(&mut inner) {
                Ok(d) => v.push(d),
                Err(_) => break,
            }
        }
        Ok(Dirents(v))
    }
}

impl Show for Dirents {
    fn show(&self, out: &mut String) {
        self.0.show(out);
    }
}

/// Defines every message struct, the `Message` enum and its dispatch.
macro_rules! messages {
    ($( $(#[$m:meta])* $name:ident = $ty:literal { $( $field:ident : $fty:ty ),* $(,)? } )*) => {
        $(
            wire_struct! { $(#[$m])* $name { $( $field: $fty ),* } }
            impl $name {
                /// The type byte on the wire.
                pub const TYPE: u8 = $ty;
            }
            impl From<$name> for Message {
                fn from(m: $name) -> Message {
                    Message::$name(m)
                }
            }
        )*

        /// Any 9P2000.L message the gofer protocol knows.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Message {
            $( $name($name), )*
        }

        impl Message {
            /// The type byte on the wire.
            pub fn type_byte(&self) -> u8 {
                match self { $( Message::$name(_) => $ty, )* }
            }

            /// The message name (`"Twalk"`).
            pub fn name(&self) -> &'static str {
                match self { $( Message::$name(_) => stringify!($name), )* }
            }

            /// The name a type byte stands for, if any.
            pub fn name_of(ty: u8) -> Option<&'static str> {
                match ty { $( $ty => Some(stringify!($name)), )* _ => None }
            }

            /// Size of the body (everything after the 7-byte header).
            pub fn body_size(&self) -> usize {
                match self { $( Message::$name(m) => m.byte_size(), )* }
            }

            fn encode_body(&self, out: &mut Vec<u8>) {
                match self { $( Message::$name(m) => m.encode(out), )* }
            }

            /// Decodes a body given its type byte (`msgRegistry.get`).
            pub fn decode_body(ty: u8, r: &mut Reader<'_>) -> Result<Message, DecodeError> {
                match ty {
                    $( $ty => Ok(Message::$name($name::decode(r)?)), )*
                    other => Err(DecodeError::UnknownType(other)),
                }
            }

            /// Each body field's bytes from `at` (`super::spans`).
            pub fn field_spans(&self, at: usize, depth: u8, out: &mut Vec<super::spans::FieldSpan>) -> usize {
                match self { $( Message::$name(m) => m.field_spans(at, depth, out), )* }
            }

            /// One line for the UI inspector: `Twalk fid=1 newfid=2 names=["etc"]`.
            #[allow(unused_variables, unused_mut)]
            pub fn summary(&self) -> String {
                match self {
                    $( Message::$name(m) => {
                        let mut s = String::from(stringify!($name));
                        $(
                            s.push_str(concat!(" ", stringify!($field), "="));
                            Show::show(&m.$field, &mut s);
                        )*
                        s
                    } )*
                }
            }
        }
    };
}

messages! {
    /// Error reply: `ecode[4]`, a Linux errno.
    Rlerror = 7 { ecode: u32 }
    Tstatfs = 8 { fid: u32 }
    Rstatfs = 9 { stat: FsStat }
    Tlopen = 12 { fid: u32, flags: u32 }
    Rlopen = 13 { qid: Qid, iounit: u32 }
    Tlcreate = 14 { fid: u32, name: P9Str, flags: u32, mode: u32, gid: u32 }
    Rlcreate = 15 { qid: Qid, iounit: u32 }
    Tsymlink = 16 { dfid: u32, name: P9Str, target: P9Str, gid: u32 }
    Rsymlink = 17 { qid: Qid }
    Tmknod = 18 { dfid: u32, name: P9Str, mode: u32, major: u32, minor: u32, gid: u32 }
    Rmknod = 19 { qid: Qid }
    Trename = 20 { fid: u32, dfid: u32, name: P9Str }
    Rrename = 21 {}
    Treadlink = 22 { fid: u32 }
    Rreadlink = 23 { target: P9Str }
    Tgetattr = 24 { fid: u32, mask: u64 }
    Rgetattr = 25 { valid: u64, qid: Qid, attr: Box<Attr> }
    Tsetattr = 26 { fid: u32, valid: u32, attr: SetAttr }
    Rsetattr = 27 {}
    Txattrwalk = 30 { fid: u32, newfid: u32, name: P9Str }
    Rxattrwalk = 31 { size: u64 }
    Txattrcreate = 32 { fid: u32, name: P9Str, size: u64, flags: u32 }
    Rxattrcreate = 33 {}
    Treaddir = 40 { fid: u32, offset: u64, count: u32 }
    Rreaddir = 41 { entries: Dirents }
    /// Linux sends `fid datasync`; gVisor's 2018 client sends only `fid`.
    Tfsync = 50 { fid: u32, datasync: OptU32 }
    Rfsync = 51 {}
    Tlink = 70 { dfid: u32, fid: u32, name: P9Str }
    Rlink = 71 {}
    Tmkdir = 72 { dfid: u32, name: P9Str, mode: u32, gid: u32 }
    Rmkdir = 73 { qid: Qid }
    Trenameat = 74 { olddfid: u32, oldname: P9Str, newdfid: u32, newname: P9Str }
    Rrenameat = 75 {}
    Tunlinkat = 76 { dfid: u32, name: P9Str, flags: u32 }
    Runlinkat = 77 {}
    Tversion = 100 { msize: u32, version: P9Str }
    Rversion = 101 { msize: u32, version: P9Str }
    Tauth = 102 { afid: u32, uname: P9Str, aname: P9Str, n_uname: u32 }
    Rauth = 103 { aqid: Qid }
    Tattach = 104 { fid: u32, afid: u32, uname: P9Str, aname: P9Str, n_uname: u32 }
    Rattach = 105 { qid: Qid }
    Tflush = 108 { oldtag: u16 }
    Rflush = 109 {}
    Twalk = 110 { fid: u32, newfid: u32, names: Vec<P9Str> }
    Rwalk = 111 { qids: Vec<Qid> }
    Tread = 116 { fid: u32, offset: u64, count: u32 }
    Rread = 117 { data: Data }
    Twrite = 118 { fid: u32, offset: u64, data: Data }
    Rwrite = 119 { count: u32 }
    Tclunk = 120 { fid: u32 }
    Rclunk = 121 {}
    Tremove = 122 { fid: u32 }
    Rremove = 123 {}
    /// Google.1: flush file data (fsgofer 2018: a no-op).
    Tflushf = 124 { fid: u32 }
    Rflushf = 125 {}
    /// Google.2: Twalk plus the target's attributes.
    Twalkgetattr = 126 { fid: u32, newfid: u32, names: Vec<P9Str> }
    Rwalkgetattr = 127 { valid: u64, attr: Box<Attr>, qids: Vec<Qid> }
    /// Google.3: Tlcreate followed by uid.
    Tucreate = 128 { fid: u32, name: P9Str, flags: u32, mode: u32, gid: u32, uid: u32 }
    Rucreate = 129 { qid: Qid, iounit: u32 }
    Tumkdir = 130 { dfid: u32, name: P9Str, mode: u32, gid: u32, uid: u32 }
    Rumkdir = 131 { qid: Qid }
    Tumknod = 132 { dfid: u32, name: P9Str, mode: u32, major: u32, minor: u32, gid: u32, uid: u32 }
    Rumknod = 133 { qid: Qid }
    Tusymlink = 134 { dfid: u32, name: P9Str, target: P9Str, gid: u32, uid: u32 }
    Rusymlink = 135 { qid: Qid }
    /// Google.4: connect to a host socket (fsgofer: ECONNREFUSED).
    Tlconnect = 136 { fid: u32, flags: u32 }
    Rlconnect = 137 {}
}

impl Message {
    /// True for T-messages (even type bytes), which only a client may send.
    pub fn is_request(&self) -> bool {
        self.type_byte() % 2 == 0
    }

    /// The errno of an Rlerror.
    pub fn as_error(&self) -> Option<u32> {
        match self {
            Message::Rlerror(e) => Some(e.ecode),
            _ => None,
        }
    }

    /// Encodes a whole frame: `size[4] type[1] tag[2] body`, in one buffer so
    /// a transport can send it with one write.
    pub fn encode_frame(&self, tag: u16) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_SIZE + self.body_size());
        self.encode_frame_into(tag, &mut out);
        out
    }

    /// Appends the whole frame to `out` (a transport's send buffer, or a
    /// reused scratch buffer), returning its length.
    pub fn encode_frame_into(&self, tag: u16, out: &mut Vec<u8>) -> usize {
        let size = HEADER_SIZE + self.body_size();
        out.reserve(size);
        (size as u32).encode(out);
        self.type_byte().encode(out);
        tag.encode(out);
        self.encode_body(out);
        size
    }
}

/// A decoded frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub tag: u16,
    pub msg: Message,
}

/// A frame that failed to decode, with the tag when the header was readable
/// (so a server can still answer that tag with Rlerror).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameError {
    pub tag: Option<u16>,
    pub ty: Option<u8>,
    pub error: DecodeError,
}

impl FrameError {
    /// True when the byte stream cannot be re-synchronised (bad size field):
    /// gVisor's `recv` closes the connection in that case.
    pub fn is_unframable(&self) -> bool {
        matches!(
            self.error,
            DecodeError::TooShort(_)
                | DecodeError::TooLarge { .. }
                | DecodeError::SizeMismatch { .. }
        )
    }
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.ty, self.tag) {
            (Some(ty), Some(tag)) => write!(f, "type {ty} tag {tag}: {}", self.error),
            _ => write!(f, "{}", self.error),
        }
    }
}

impl std::error::Error for FrameError {}

/// Checks a frame's 4-byte size field against the limits: at least the
/// header, at most `msize`. Transports call this before reading the rest.
pub fn check_frame_size(size: u32, msize: u32) -> Result<usize, DecodeError> {
    if (size as usize) < HEADER_SIZE {
        return Err(DecodeError::TooShort(size as usize));
    }
    if size > msize {
        return Err(DecodeError::TooLarge { size, max: msize });
    }
    Ok(size as usize)
}

/// Decodes exactly one frame from `buf` (ports `recv` in `pkg/p9/transport.go`):
/// shorter than 7 bytes, larger than `msize`, or a size field that does not
/// match `buf.len()` are errors; so is an unknown type byte or a body that
/// runs past the frame. Trailing bytes after the body are ignored, as
/// gVisor's buffer decoder ignores them.
pub fn decode_frame(buf: &[u8], msize: u32) -> Result<Frame, FrameError> {
    let unframed = |error| FrameError {
        tag: None,
        ty: None,
        error,
    };
    if buf.len() < HEADER_SIZE {
        return Err(unframed(DecodeError::TooShort(buf.len())));
    }
    let mut r = Reader::new(buf);
    let size = r.u32().map_err(unframed)?;
    let ty = r.u8().map_err(unframed)?;
    let tag = r.u16().map_err(unframed)?;
    let framed = |error| FrameError {
        tag: Some(tag),
        ty: Some(ty),
        error,
    };
    check_frame_size(size, msize).map_err(framed)?;
    if size as usize != buf.len() {
        return Err(framed(DecodeError::SizeMismatch {
            announced: size,
            actual: buf.len(),
        }));
    }
    let msg = Message::decode_body(ty, &mut r).map_err(framed)?;
    Ok(Frame { tag, msg })
}
