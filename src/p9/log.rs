//! The per-connection 9P message log the UI's inspector shows: one entry per
//! request/reply pair with the connection, tag, frame sizes and (the first
//! bytes of) the raw frames. Bounded: only the newest `capacity` entries are
//! kept.
//!
//! Recording is on every exchange's path, so it only copies bytes: the
//! one-line summaries are decoded from the stored frames when someone asks
//! (the inspector shows a few hundred entries; a namespace build records
//! thousands). Only a frame longer than `raw_limit`, whose stored head cannot
//! be decoded, has its summary rendered when it is recorded.

use super::messages::{decode_frame, Message};
use std::collections::VecDeque;

/// One T/R exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Global order across connections.
    pub seq: u64,
    pub conn: u32,
    pub tag: u16,
    /// The errno when the reply was Rlerror.
    pub errno: Option<u32>,
    pub request_size: usize,
    pub reply_size: usize,
    /// The raw request frame then the raw reply frame, each cut to the
    /// log's `raw_limit`; `split` is where the reply starts.
    frames: Vec<u8>,
    split: usize,
    /// Summaries of frames too long to keep whole.
    long_request: Option<String>,
    long_reply: Option<String>,
}

/// The summary of a stored frame; a frame that does not decode (never one
/// the engine recorded) says so rather than failing.
fn summarize(frame: &[u8]) -> String {
    match decode_frame(frame, u32::MAX) {
        Ok(f) => f.msg.summary(),
        Err(e) => format!("undecodable frame: {}", e.error),
    }
}

/// A frame's first `limit` bytes.
fn clip(frame: &[u8], limit: usize) -> &[u8] {
    frame.get(..limit.min(frame.len())).unwrap_or_default()
}

impl LogEntry {
    /// `Twalk fid=1 newfid=2 names=["etc"]`.
    pub fn request(&self) -> String {
        match &self.long_request {
            Some(s) => s.clone(),
            None => summarize(self.request_bytes()),
        }
    }

    /// `Rwalk qids=[...]` or `Rlerror ecode=2`.
    pub fn reply(&self) -> String {
        match &self.long_reply {
            Some(s) => s.clone(),
            None => summarize(self.reply_bytes()),
        }
    }

    /// The raw request frame, cut to the log's `raw_limit`.
    pub fn request_bytes(&self) -> &[u8] {
        self.frames.get(..self.split).unwrap_or_default()
    }

    /// The raw reply frame, cut to the log's `raw_limit`.
    pub fn reply_bytes(&self) -> &[u8] {
        self.frames.get(self.split..).unwrap_or_default()
    }
}

/// What [`MessageLog::record`] is given about one exchange. `request` is
/// the request message when the caller still has it, for a frame too long
/// to store whole.
pub struct Exchange<'a> {
    pub conn: u32,
    pub tag: u16,
    pub tframe: &'a [u8],
    pub rframe: &'a [u8],
    pub request: Option<&'a Message>,
    pub reply: &'a Message,
}

/// A bounded ring of entries.
#[derive(Clone, Debug)]
pub struct MessageLog {
    entries: VecDeque<LogEntry>,
    /// Entries kept (newest win); 0 disables logging.
    pub capacity: usize,
    /// Raw bytes kept per frame (a 1 MiB Twrite is logged by its head).
    pub raw_limit: usize,
    /// Entries dropped to stay within `capacity`.
    pub dropped: u64,
    /// The sequence number of the newest entry (they count from 1).
    seq: u64,
}

impl Default for MessageLog {
    fn default() -> Self {
        MessageLog::new(256)
    }
}

impl MessageLog {
    pub fn new(capacity: usize) -> MessageLog {
        MessageLog {
            entries: VecDeque::new(),
            capacity,
            raw_limit: 512,
            dropped: 0,
            seq: 0,
        }
    }

    /// Whether exchanges are recorded at all.
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Whether a request frame of `len` bytes is stored whole (its summary
    /// can be decoded later) or must be summarised now.
    pub fn stores_whole(&self, len: usize) -> bool {
        len <= self.raw_limit
    }

    /// Records one exchange: copies the frames' heads, and renders a
    /// summary now only for a frame longer than `raw_limit`.
    pub fn record(&mut self, x: Exchange<'_>) {
        if self.capacity == 0 {
            self.dropped += 1;
            return;
        }
        self.seq += 1;
        let (t, r) = (
            clip(x.tframe, self.raw_limit),
            clip(x.rframe, self.raw_limit),
        );
        // A full ring recycles its oldest entry's buffer, so a long run of
        // exchanges allocates nothing for the log's frames.
        let mut frames = Vec::new();
        while self.entries.len() >= self.capacity {
            if let Some(old) = self.entries.pop_front() {
                frames = old.frames;
            }
            self.dropped += 1;
        }
        frames.clear();
        frames.extend_from_slice(t);
        frames.extend_from_slice(r);
        let long = |whole: &[u8], m: Option<&Message>| {
            (whole.len() > self.raw_limit).then(|| match m {
                Some(m) => m.summary(),
                None => summarize(whole),
            })
        };
        let entry = LogEntry {
            seq: self.seq,
            conn: x.conn,
            tag: x.tag,
            errno: x.reply.as_error(),
            request_size: x.tframe.len(),
            reply_size: x.rframe.len(),
            split: t.len(),
            frames,
            long_request: long(x.tframe, x.request),
            long_reply: long(x.rframe, Some(x.reply)),
        };
        self.push(entry);
    }

    fn push(&mut self, entry: LogEntry) {
        if self.capacity == 0 {
            self.dropped += 1;
            return;
        }
        while self.entries.len() >= self.capacity {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(entry);
    }

    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &LogEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::p9::messages::{Rclunk, Rlerror, Rwrite, Tclunk, Twrite};
    use crate::p9::wire::Data;

    fn record(log: &mut MessageLog, tag: u16, t: Message, r: Message) {
        let (tf, rf) = (t.encode_frame(tag), r.encode_frame(tag));
        log.record(Exchange {
            conn: 0,
            tag,
            tframe: &tf,
            rframe: &rf,
            request: Some(&t),
            reply: &r,
        });
    }

    #[test]
    fn keeps_the_newest_entries() {
        let mut log = MessageLog::new(3);
        for i in 0..5 {
            record(
                &mut log,
                i,
                Tclunk { fid: i as u32 }.into(),
                Rclunk {}.into(),
            );
        }
        let tags: Vec<u16> = log.entries().map(|e| e.tag).collect();
        assert_eq!(tags, [2, 3, 4]);
        let seqs: Vec<u64> = log.entries().map(|e| e.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
        assert_eq!(log.dropped, 2);
    }

    #[test]
    fn summaries_are_decoded_from_the_stored_frames() {
        let mut log = MessageLog::new(8);
        record(
            &mut log,
            1,
            Tclunk { fid: 7 }.into(),
            Rlerror { ecode: 2 }.into(),
        );
        let e = log
            .entries()
            .next()
            .cloned()
            .unwrap_or_else(|| unreachable!());
        assert_eq!(e.request(), "Tclunk fid=7");
        assert_eq!(e.reply(), "Rlerror ecode=2");
        assert_eq!(e.errno, Some(2));
        assert_eq!(e.request_bytes(), [11, 0, 0, 0, 120, 1, 0, 7, 0, 0, 0]);
        assert_eq!(e.reply_bytes(), [11, 0, 0, 0, 7, 1, 0, 2, 0, 0, 0]);
        assert_eq!((e.request_size, e.reply_size), (11, 11));
    }

    #[test]
    fn long_frames_keep_their_head_and_an_eager_summary() {
        let mut log = MessageLog::new(8);
        log.raw_limit = 16;
        let t: Message = Twrite {
            fid: 1,
            offset: 0,
            data: Data(vec![0x5a; 100]),
        }
        .into();
        let want = t.summary();
        record(&mut log, 1, t, Rwrite { count: 100 }.into());
        let e = log
            .entries()
            .next()
            .cloned()
            .unwrap_or_else(|| unreachable!());
        assert_eq!(e.request(), want);
        assert_eq!(e.request_bytes().len(), 16);
        assert_eq!(e.request_size, 7 + 4 + 8 + 4 + 100);
        assert_eq!(e.reply(), "Rwrite count=100");
    }
}
