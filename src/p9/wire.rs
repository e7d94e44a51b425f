//! The 9P2000.L wire primitives: little-endian integers, `len[2]+bytes`
//! strings, QIDs, and the `WireFormat` trait every message struct implements.
//!
//! Ports the encoding half of gVisor's `pkg/p9/buffer.go` (`buffer.Read32`,
//! `ReadString`, ...). gVisor marks a short buffer "overrun" and checks the flag
//! once per message; we return `Err(DecodeError::Truncated)` at the first short
//! read instead, so a decoder can never index past the frame and never
//! allocates more than the bytes actually present.

use std::fmt;

/// Why a frame or field could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A field ran past the end of the frame.
    Truncated,
    /// The frame is shorter than the 7-byte header.
    TooShort(usize),
    /// The size field exceeds the negotiated msize (gVisor closes the connection).
    TooLarge { size: u32, max: u32 },
    /// The size field disagrees with the number of bytes handed to the decoder.
    SizeMismatch { announced: u32, actual: usize },
    /// The type byte names no message we know (gVisor: `ErrInvalidMsgType`).
    UnknownType(u8),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated => f.write_str("message truncated"),
            DecodeError::TooShort(n) => {
                write!(f, "frame of {n} bytes is shorter than the 7-byte header")
            }
            DecodeError::TooLarge { size, max } => {
                write!(f, "frame of {size} bytes exceeds msize {max}")
            }
            DecodeError::SizeMismatch { announced, actual } => {
                write!(
                    f,
                    "frame announces {announced} bytes but {actual} were given"
                )
            }
            DecodeError::UnknownType(t) => write!(f, "unknown message type {t}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A bounded cursor over one frame's bytes.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// Takes exactly `n` bytes, or fails without consuming anything.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.buf.len() {
            return Err(DecodeError::Truncated);
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(u8::from_le_bytes(self.array()?))
    }
    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
}

/// Encode/decode in 9P wire order (the crosvm `WireFormat` shape).
pub trait WireFormat: Sized {
    /// Exact number of bytes `encode` appends.
    fn byte_size(&self) -> usize;
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

macro_rules! wire_int {
    ($t:ty, $read:ident) => {
        impl WireFormat for $t {
            fn byte_size(&self) -> usize {
                std::mem::size_of::<$t>()
            }
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                r.$read()
            }
        }
    };
}
wire_int!(u8, u8);
wire_int!(u16, u16);
wire_int!(u32, u32);
wire_int!(u64, u64);

/// A 9P string: `len[2]` then that many bytes. Kept as bytes because the
/// wire does not promise UTF-8 (a Linux name is any bytes but `/` and NUL);
/// the server turns a non-UTF-8 name into EINVAL via [`P9Str::as_str`].
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct P9Str(pub Vec<u8>);

impl P9Str {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// The string as UTF-8, or `None` when it is not.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
    /// Lossy text for logs and summaries.
    pub fn lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl From<&str> for P9Str {
    fn from(s: &str) -> P9Str {
        P9Str(s.as_bytes().to_vec())
    }
}
impl From<String> for P9Str {
    fn from(s: String) -> P9Str {
        P9Str(s.into_bytes())
    }
}
impl From<&[u8]> for P9Str {
    fn from(s: &[u8]) -> P9Str {
        P9Str(s.to_vec())
    }
}

impl fmt::Debug for P9Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug-quoted, with invalid bytes shown as \xNN so a summary line
        // never hides what was on the wire.
        f.write_str("\"")?;
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                write!(f, "{}", c.escape_debug())?;
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        f.write_str("\"")
    }
}

impl WireFormat for P9Str {
    fn byte_size(&self) -> usize {
        2 + self.0.len()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        // Encoders are handed our own values; a name longer than u16 cannot
        // be represented, so it is cut (gVisor's WriteString does the same cast).
        let n = self.0.len().min(u16::MAX as usize);
        (n as u16).encode(out);
        out.extend_from_slice(&self.0[..n]);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.u16()? as usize;
        Ok(P9Str(r.take(n)?.to_vec()))
    }
}

/// `type[1] version[4] path[8]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Qid {
    pub ty: u8,
    pub version: u32,
    pub path: u64,
}

impl fmt::Display for Qid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "(type={:#04x} ver={} path={:#x})",
            self.ty, self.version, self.path
        )
    }
}

impl WireFormat for Qid {
    fn byte_size(&self) -> usize {
        13
    }
    fn encode(&self, out: &mut Vec<u8>) {
        self.ty.encode(out);
        self.version.encode(out);
        self.path.encode(out);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Qid {
            ty: r.u8()?,
            version: r.u32()?,
            path: r.u64()?,
        })
    }
}

/// A `count[2]`-prefixed list (Twalk names, Rwalk qids).
/// A boxed field encodes as its contents. Messages box their big `Attr`
/// so that moving a decoded message around copies a pointer, not 136 bytes.
impl<T: WireFormat> WireFormat for Box<T> {
    fn byte_size(&self) -> usize {
        (**self).byte_size()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out)
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        T::decode(r).map(Box::new)
    }
}

impl<T: WireFormat> WireFormat for Vec<T> {
    fn byte_size(&self) -> usize {
        2 + self.iter().map(WireFormat::byte_size).sum::<usize>()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        let n = self.len().min(u16::MAX as usize);
        (n as u16).encode(out);
        for item in self.iter().take(n) {
            item.encode(out);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.u16()? as usize;
        // Every element takes at least 2 bytes on the wire, so a count the
        // frame cannot hold is refused before reserving anything.
        if n.saturating_mul(2) > r.remaining() {
            return Err(DecodeError::Truncated);
        }
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::decode(r)?);
        }
        Ok(v)
    }
}

/// `count[4]` then that many bytes (Rread, Twrite payloads).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Data(pub Vec<u8>);

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

impl WireFormat for Data {
    fn byte_size(&self) -> usize {
        4 + self.0.len()
    }
    fn encode(&self, out: &mut Vec<u8>) {
        (self.0.len() as u32).encode(out);
        out.extend_from_slice(&self.0);
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let n = r.u32()? as usize;
        Ok(Data(r.take(n)?.to_vec()))
    }
}

/// A trailing optional `u32`: Linux's Tfsync carries `datasync[4]`, gVisor's
/// 2018 client sends only `fid[4]`. Present iff four more bytes remain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OptU32(pub Option<u32>);

impl WireFormat for OptU32 {
    fn byte_size(&self) -> usize {
        if self.0.is_some() {
            4
        } else {
            0
        }
    }
    fn encode(&self, out: &mut Vec<u8>) {
        if let Some(v) = self.0 {
            v.encode(out);
        }
    }
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        if r.remaining() >= 4 {
            Ok(OptU32(Some(r.u32()?)))
        } else {
            Ok(OptU32(None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::p9::consts::qid_type;

    #[test]
    fn integers_are_little_endian() {
        let mut out = Vec::new();
        0x0102u16.encode(&mut out);
        0x03040506u32.encode(&mut out);
        0x0708090a0b0c0d0eu64.encode(&mut out);
        assert_eq!(
            out,
            [2, 1, 6, 5, 4, 3, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 9, 8, 7]
        );
        let mut r = Reader::new(&out);
        assert_eq!(r.u16(), Ok(0x0102));
        assert_eq!(r.u32(), Ok(0x03040506));
        assert_eq!(r.u64(), Ok(0x0708090a0b0c0d0e));
        assert_eq!(r.u8(), Err(DecodeError::Truncated));
    }

    #[test]
    fn strings_keep_invalid_utf8_bytes() {
        let s = P9Str(vec![b'a', 0xff, b'b']);
        let mut out = Vec::new();
        s.encode(&mut out);
        assert_eq!(out, [3, 0, b'a', 0xff, b'b']);
        let back = P9Str::decode(&mut Reader::new(&out)).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.as_str(), None);
        assert_eq!(format!("{back:?}"), "\"a\\xffb\"");
    }

    #[test]
    fn short_string_is_truncated_not_allocated() {
        // Announces 65535 bytes but carries 1.
        assert_eq!(
            P9Str::decode(&mut Reader::new(&[0xff, 0xff, b'x'])),
            Err(DecodeError::Truncated)
        );
        // A list count that cannot fit is refused before reserving.
        assert_eq!(
            Vec::<Qid>::decode(&mut Reader::new(&[0xff, 0xff])),
            Err(DecodeError::Truncated)
        );
        assert_eq!(
            Data::decode(&mut Reader::new(&[0xff, 0xff, 0xff, 0xff])),
            Err(DecodeError::Truncated)
        );
    }

    #[test]
    fn qid_layout() {
        let q = Qid {
            ty: qid_type::DIR,
            version: 7,
            path: 0x0100_0000_0000_0002,
        };
        let mut out = Vec::new();
        q.encode(&mut out);
        assert_eq!(out, [0x80, 7, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(Qid::decode(&mut Reader::new(&out)), Ok(q));
    }
}
