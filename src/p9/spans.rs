//! A 9P frame decoded for the inspector, every field with the bytes it
//! occupies, so the page can light a field's bytes in the hex (and back).
//!
//! Reuses the codec: the frame is decoded by [`decode_frame`] (the port of
//! `recv` in `pkg/p9/transport.go`), then each message's fields are walked
//! in wire order, each taking its `WireFormat::byte_size`. Nothing here runs
//! on the exchange path: only when someone opens a message.

use super::messages::{
    decode_frame, Attr, Dirent, Dirents, FsStat, Message, SetAttr, Show, HEADER_SIZE, NOTAG,
};
use super::wire::{Data, OptU32, P9Str, Qid, WireFormat};
use serde::Serialize;

/// One field of a frame and the bytes it occupies, `start..end` from the
/// frame's first byte. `depth` nests a part under its field (a QID's
/// `path` under the `qid`); parts follow their field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldSpan {
    pub name: String,
    pub value: String,
    pub start: usize,
    pub end: usize,
    pub depth: u8,
}

/// A whole frame, decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecodedFrame {
    /// `Twalk`, or `?` for a type byte no message has.
    pub name: &'static str,
    /// Header first (`size`, `type`, `tag`), then the body's fields.
    pub fields: Vec<FieldSpan>,
    /// Why the body is not (all) decoded: a frame cut by the log, or one
    /// that does not decode.
    pub note: Option<String>,
}

/// Pushes a field's span, and its parts' after it.
pub trait Spans {
    /// Pushes this field, named `name`, at byte `at`; returns where it ends.
    fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize;
}

fn shown(v: &dyn Show) -> String {
    let mut s = String::new();
    v.show(&mut s);
    s
}

fn leaf(
    name: &str,
    value: String,
    at: usize,
    len: usize,
    depth: u8,
    out: &mut Vec<FieldSpan>,
) -> usize {
    out.push(FieldSpan {
        name: name.to_string(),
        value,
        start: at,
        end: at + len,
        depth,
    });
    at + len
}

macro_rules! int_spans {
    ($($t:ty),*) => {$(
        impl Spans for $t {
            fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
                leaf(name, self.to_string(), at, self.byte_size(), depth, out)
            }
        }
    )*};
}
int_spans!(u8, u16, u32, u64);

/// A field with parts: its own span over all of them, then the parts.
fn parent(
    name: &str,
    value: String,
    at: usize,
    depth: u8,
    out: &mut Vec<FieldSpan>,
    parts: impl FnOnce(usize, &mut Vec<FieldSpan>) -> usize,
) -> usize {
    let i = out.len();
    out.push(FieldSpan {
        name: name.to_string(),
        value,
        start: at,
        end: at,
        depth,
    });
    let end = parts(at, out);
    if let Some(f) = out.get_mut(i) {
        f.end = end;
    }
    end
}

impl Spans for P9Str {
    fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
        parent(name, shown(self), at, depth, out, |at, out| {
            let n = self.as_bytes().len();
            let at = leaf("len", n.to_string(), at, 2, depth + 1, out);
            leaf("bytes", self.lossy(), at, n, depth + 1, out)
        })
    }
}

impl Spans for Qid {
    fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
        parent(name, self.to_string(), at, depth, out, |at, out| {
            let d = depth + 1;
            let at = leaf("type", format!("{:#04x}", self.ty), at, 1, d, out);
            let at = leaf("version", self.version.to_string(), at, 4, d, out);
            leaf("path", format!("{:#x}", self.path), at, 8, d, out)
        })
    }
}

impl<T: Spans + Show> Spans for Vec<T> {
    fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
        parent(name, shown(self), at, depth, out, |at, out| {
            let mut at = leaf("count", self.len().to_string(), at, 2, depth + 1, out);
            for (i, v) in self.iter().enumerate() {
                at = v.spans(&format!("{name}[{i}]"), at, depth + 1, out);
            }
            at
        })
    }
}

impl<T: Spans> Spans for Box<T> {
    fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
        (**self).spans(name, at, depth, out)
    }
}

impl Spans for Data {
    fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
        parent(name, shown(self), at, depth, out, |at, out| {
            let n = self.0.len();
            let at = leaf("count", n.to_string(), at, 4, depth + 1, out);
            leaf("bytes", format!("{n} bytes"), at, n, depth + 1, out)
        })
    }
}

impl Spans for OptU32 {
    fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
        match self.0 {
            Some(v) => v.spans(name, at, depth, out),
            None => at,
        }
    }
}

/// The structs made by `wire_struct!`: a field over all of their own.
macro_rules! struct_spans {
    ($($t:ty),*) => {$(
        impl Spans for $t {
            fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
                parent(name, shown(self), at, depth, out, |at, out| self.field_spans(at, depth + 1, out))
            }
        }
    )*};
}
struct_spans!(Attr, SetAttr, FsStat, Dirent);

impl Spans for Dirents {
    fn spans(&self, name: &str, at: usize, depth: u8, out: &mut Vec<FieldSpan>) -> usize {
        parent(name, shown(self), at, depth, out, |at, out| {
            let n: usize = self.0.iter().map(WireFormat::byte_size).sum();
            let mut at = leaf("count", n.to_string(), at, 4, depth + 1, out);
            for (i, d) in self.0.iter().enumerate() {
                at = d.spans(&format!("{name}[{i}]"), at, depth + 1, out);
            }
            at
        })
    }
}

fn le(frame: &[u8], at: usize, n: usize) -> Option<u64> {
    let b = frame.get(at..at + n)?;
    Some(b.iter().rev().fold(0u64, |v, &x| (v << 8) | u64::from(x)))
}

/// Decodes one frame (possibly cut to the log's first bytes) into its
/// fields and their bytes.
pub fn decode_spans(frame: &[u8]) -> DecodedFrame {
    let mut fields = Vec::new();
    let ty = frame.get(4).copied();
    let name = ty.and_then(Message::name_of).unwrap_or("?");
    let (Some(size), Some(ty), Some(tag)) = (le(frame, 0, 4), ty, le(frame, 5, 2)) else {
        return DecodedFrame {
            name,
            fields,
            note: Some(format!(
                "{} bytes: shorter than the 7-byte header size[4] type[1] tag[2]",
                frame.len()
            )),
        };
    };
    leaf("size", size.to_string(), 0, 4, 0, &mut fields);
    leaf("type", format!("{ty} ({name})"), 4, 1, 0, &mut fields);
    let tag_text = if tag == u64::from(NOTAG) {
        format!("{tag} (NOTAG: Tversion carries no tag)")
    } else {
        tag.to_string()
    };
    leaf("tag", tag_text, 5, 2, 0, &mut fields);
    let note = match decode_frame(frame, u32::MAX) {
        Ok(f) => {
            f.msg.field_spans(HEADER_SIZE, 0, &mut fields);
            None
        }
        Err(_) if (frame.len() as u64) < size => {
            leaf(
                "body",
                "(cut)".to_string(),
                HEADER_SIZE,
                frame.len() - HEADER_SIZE,
                0,
                &mut fields,
            );
            Some(format!(
                "the log keeps a frame's first {} of its {size} bytes: the body is not decoded",
                frame.len()
            ))
        }
        Err(e) => Some(format!("does not decode: {}", e.error)),
    };
    DecodedFrame { name, fields, note }
}

/// Bytes from hex text (`"0b000000"`), as the inspector holds frames;
/// `None` for an odd length or a non-hex digit.
pub fn from_hex(hex: &str) -> Option<Vec<u8>> {
    let b = hex.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks(2)
        .map(|p| {
            let d = |c: u8| (c as char).to_digit(16);
            Some((d(*p.first()?)? * 16 + d(*p.get(1)?)?) as u8)
        })
        .collect()
}
