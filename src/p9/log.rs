//! The per-connection 9P message log the UI's inspector shows: one entry per
//! request/reply pair with the connection, tag, decoded one-line summaries,
//! frame sizes and (the first bytes of) the raw frames. Bounded: only the
//! newest `capacity` entries are kept.

use serde::Serialize;
use std::collections::VecDeque;

/// One T/R exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// Global order across connections.
    pub seq: u64,
    pub conn: u32,
    pub tag: u16,
    /// `Twalk fid=1 newfid=2 names=["etc"]`.
    pub request: String,
    /// `Rwalk qids=[...]` or `Rlerror ecode=2`.
    pub reply: String,
    /// The errno when the reply was Rlerror.
    pub errno: Option<u32>,
    pub request_size: usize,
    pub reply_size: usize,
    /// The raw request frame, cut to the log's `raw_limit`.
    pub request_bytes: Vec<u8>,
    /// The raw reply frame, cut to the log's `raw_limit`.
    pub reply_bytes: Vec<u8>,
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
        }
    }

    /// Raw bytes as stored: the frame's first `raw_limit` bytes.
    pub fn clip(&self, frame: &[u8]) -> Vec<u8> {
        frame
            .get(..self.raw_limit.min(frame.len()))
            .unwrap_or_default()
            .to_vec()
    }

    pub fn push(&mut self, entry: LogEntry) {
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

    fn entry(seq: u64) -> LogEntry {
        LogEntry {
            seq,
            conn: 0,
            tag: seq as u16,
            request: format!("Tclunk fid={seq}"),
            reply: "Rclunk".into(),
            errno: None,
            request_size: 11,
            reply_size: 7,
            request_bytes: vec![],
            reply_bytes: vec![],
        }
    }

    #[test]
    fn keeps_the_newest_entries() {
        let mut log = MessageLog::new(3);
        for i in 0..5 {
            log.push(entry(i));
        }
        let seqs: Vec<u64> = log.entries().map(|e| e.seq).collect();
        assert_eq!(seqs, [2, 3, 4]);
        assert_eq!(log.dropped, 2);
        log.raw_limit = 2;
        assert_eq!(log.clip(&[1, 2, 3]), [1, 2]);
        assert_eq!(log.clip(&[1]), [1]);
    }
}
