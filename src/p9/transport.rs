//! An in-memory duplex byte pipe standing in for the socketpair runsc
//! creates per mount (`createGoferProcess`: one `socketpair` per 9P mount,
//! the gofer end passed as `--io-fds`, the sentry end as the mount's
//! `rfdno`/`wfdno`). Real encoded frames travel both ways; nothing is
//! shortcut, so the inspector shows exactly the bytes a socket would carry.
//!
//! No threads: the client writes a T frame, then `pump` lets the server side
//! drain every complete frame and write one reply each, then the client
//! reads the reply frames. Pipelined requests work the same way.

use super::messages::{check_frame_size, Message, Rlerror, NOTAG};
use super::server::{ConnState, Server};
use super::wire::DecodeError;
use crate::errno::Errno;
/// One direction of a stream socket: a byte buffer with a read cursor (the
/// bytes before `start` were consumed), so frames move with one memcpy each
/// way instead of byte by byte.
#[derive(Clone, Debug, Default)]
pub struct Pipe {
    buf: Vec<u8>,
    start: usize,
}

impl Pipe {
    pub fn write(&mut self, bytes: &[u8]) {
        self.write_with(|buf| buf.extend_from_slice(bytes));
    }

    /// Appends bytes produced by `f` straight into the buffer (a frame
    /// encoded in place, without a buffer of its own).
    pub fn write_with<R>(&mut self, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start > self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        f(&mut self.buf)
    }

    /// Buffered bytes.
    pub fn len(&self) -> usize {
        self.buf.len() - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next whole frame, in place: `Ok(None)` while incomplete; an
    /// error (after discarding everything, since the stream cannot be
    /// re-synchronised) when the size field is below 7 or above `msize`
    /// (gVisor `recv`: "closes the connection"). The frame stays buffered
    /// until [`Pipe::consume`]d.
    pub fn peek_frame(&mut self, msize: u32) -> Result<Option<&[u8]>, DecodeError> {
        let pending = self.buf.get(self.start..).unwrap_or_default();
        let Some(size) = pending.get(..4) else {
            return Ok(None);
        };
        let size = <[u8; 4]>::try_from(size).unwrap_or_default();
        let size = match check_frame_size(u32::from_le_bytes(size), msize) {
            Ok(n) => n,
            Err(e) => {
                self.buf.clear();
                self.start = 0;
                return Err(e);
            }
        };
        Ok(self.buf.get(self.start..).and_then(|p| p.get(..size)))
    }

    /// Drops `n` bytes (a frame returned by [`Pipe::peek_frame`]).
    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.buf.len());
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
    }

    /// Takes one whole frame as an owned buffer (see [`Pipe::peek_frame`]).
    pub fn read_frame(&mut self, msize: u32) -> Result<Option<Vec<u8>>, DecodeError> {
        let frame = match self.peek_frame(msize)? {
            Some(f) => f.to_vec(),
            None => return Ok(None),
        };
        self.consume(frame.len());
        Ok(Some(frame))
    }
}

/// Both directions of one connection.
#[derive(Clone, Debug, Default)]
pub struct Duplex {
    /// Client → server (T-messages).
    pub to_server: Pipe,
    /// Server → client (R-messages).
    pub to_client: Pipe,
}

/// Lets the server side drain every complete frame in `to_server`, writing
/// one reply per frame to `to_client`. Returns how many frames it handled.
/// Unframable input answers Rlerror EIO on `NOTAG` and closes the session.
pub fn pump(server: &mut Server, session: &mut ConnState, duplex: &mut Duplex) -> usize {
    let mut handled = 0;
    while !session.is_closed() {
        // The request is decoded where it lies and the reply encoded
        // straight into the other direction's buffer: no frame is copied
        // into a buffer of its own.
        match duplex.to_server.peek_frame(session.msize) {
            Ok(Some(frame)) => {
                let n = frame.len();
                duplex
                    .to_client
                    .write_with(|out| server.handle_into(session, frame, out));
                duplex.to_server.consume(n);
                handled += 1;
            }
            Ok(None) => break,
            Err(e) => {
                session.last_error = Some(e.to_string());
                duplex.to_client.write_with(|out| {
                    Message::Rlerror(Rlerror {
                        ecode: Errno::EIO.raw(),
                    })
                    .encode_frame_into(NOTAG, out)
                });
                server.close_session(session);
                handled += 1;
            }
        }
    }
    handled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_split_on_size_fields_only() {
        let mut p = Pipe::default();
        let a = Message::Rlerror(Rlerror { ecode: 2 }).encode_frame(1);
        let b = Message::Rlerror(Rlerror { ecode: 5 }).encode_frame(2);
        p.write(&a[..3]);
        assert_eq!(p.read_frame(8192), Ok(None));
        p.write(&a[3..]);
        p.write(&b[..8]);
        assert_eq!(p.read_frame(8192), Ok(Some(a)));
        assert_eq!(p.read_frame(8192), Ok(None));
        p.write(&b[8..]);
        assert_eq!(p.read_frame(8192), Ok(Some(b)));
        assert!(p.is_empty());
    }

    #[test]
    fn bad_size_fields_poison_the_stream() {
        let mut p = Pipe::default();
        p.write(&[3, 0, 0, 0, 9, 9, 9]);
        assert_eq!(p.read_frame(8192), Err(DecodeError::TooShort(3)));
        assert!(p.is_empty());
        p.write(&[0, 0, 1, 0]);
        assert_eq!(
            p.read_frame(8192),
            Err(DecodeError::TooLarge {
                size: 65536,
                max: 8192
            })
        );
    }
}
