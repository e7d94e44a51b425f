//! Where a JSON path sits in the text the user wrote: byte ranges of
//! values (and of their keys), turned into lines, columns and the UTF-16
//! offsets an editor counts in. One scan of the text, no second parser's
//! values: serde has already checked the text; this only measures it.

use crate::error::Seg;
use serde::Serialize;

/// serde_json's own nesting limit: deeper text never reaches a scan.
const MAX_DEPTH: usize = 128;

/// A half-open byte range of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

/// One value met by the scan: its path, its range and its key's range.
struct Met<'p> {
    path: &'p [Seg],
    value: ByteSpan,
    key: Option<ByteSpan>,
}

struct Scan<'a> {
    text: &'a str,
    i: usize,
    /// Paths deeper than this are scanned over, not reported.
    limit: usize,
    /// Open objects and arrays (recursion is bounded by [`MAX_DEPTH`]).
    depth: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// A string (at its opening quote); its span includes the quotes.
    fn string(&mut self) -> Option<ByteSpan> {
        let start = self.i;
        (self.peek() == Some(b'"')).then_some(())?;
        self.i += 1;
        loop {
            match self.peek()? {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return Some(ByteSpan { start, end: self.i });
                }
                _ => self.i += 1,
            }
        }
    }

    /// A key's text, decoded (escapes are rare: serde decodes those).
    fn key_of(&self, s: ByteSpan) -> Option<String> {
        let raw = self.text.get(s.start..s.end)?;
        let inner = raw.get(1..raw.len().checked_sub(1)?)?;
        if inner.contains('\\') {
            serde_json::from_str(raw).ok()
        } else {
            Some(inner.to_string())
        }
    }

    /// The `n`th member of an object (`key` given) or array, reported with
    /// its path extended while within the depth limit.
    fn child(
        &mut self,
        path: &mut Vec<Seg>,
        key: Option<ByteSpan>,
        n: usize,
        report: bool,
        f: &mut dyn FnMut(Met<'_>),
    ) -> Option<()> {
        if !report || path.len() >= self.limit {
            return self.value(path, None, false, f);
        }
        path.push(match key {
            Some(k) => Seg::Key(self.key_of(k)?),
            None => Seg::Index(n),
        });
        self.value(path, key, true, f)?;
        path.pop();
        Some(())
    }

    /// One value; `report` is false below the depth limit (the path is
    /// then not extended, so nothing under it is reported).
    fn value(
        &mut self,
        path: &mut Vec<Seg>,
        key: Option<ByteSpan>,
        report: bool,
        f: &mut dyn FnMut(Met<'_>),
    ) -> Option<()> {
        self.ws();
        let start = self.i;
        match self.peek()? {
            open @ (b'{' | b'[') => {
                let object = open == b'{';
                let close = if object { b'}' } else { b']' };
                self.i += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                let mut n = 0;
                while self.eat(close).is_none() {
                    if n > 0 {
                        self.eat(b',')?;
                    }
                    let key = if object {
                        self.ws();
                        let k = self.string()?;
                        self.eat(b':')?;
                        Some(k)
                    } else {
                        None
                    };
                    self.child(path, key, n, report, f)?;
                    n += 1;
                }
                self.depth -= 1;
            }
            b'"' => {
                self.string()?;
            }
            _ => {
                // A number, true, false or null: up to the next delimiter.
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.i += 1;
                }
                (self.i > start).then_some(())?;
            }
        }
        if report {
            f(Met {
                path,
                value: ByteSpan { start, end: self.i },
                key,
            });
        }
        Some(())
    }
}

/// Calls `f` for every value at most `limit` segments deep, inner values
/// first. Stops (quietly) where the text is not JSON.
fn scan(text: &str, limit: usize, f: &mut dyn FnMut(Met<'_>)) {
    let mut s = Scan {
        text,
        i: 0,
        limit,
        depth: 0,
    };
    let _ = s.value(&mut Vec::new(), None, true, f);
}

/// The entries of the spec's `mounts` (`spec.mounts` in a scenario,
/// `mounts` in a bare OCI spec), by index.
pub fn mount_entries(text: &str) -> Vec<(usize, ByteSpan)> {
    let mut bare = Vec::new();
    let mut nested = Vec::new();
    let (mut has_oci, mut has_spec) = (false, false);
    scan(text, 3, &mut |m| match m.path {
        [Seg::Key(k), Seg::Index(i)] if k == "mounts" => bare.push((*i, m.value)),
        [Seg::Key(s), Seg::Key(k), Seg::Index(i)] if s == "spec" && k == "mounts" => {
            nested.push((*i, m.value));
        }
        [Seg::Key(k)] => {
            has_oci |= k == "ociVersion";
            has_spec |= k == "spec";
        }
        _ => {}
    });
    // The same rule as `scenario::is_bare`.
    if has_oci && !has_spec {
        bare
    } else {
        nested
    }
}

/// Where the value at `path` is, or its deepest ancestor's that is in the
/// text: an object or array is marked at its key (or its opening bracket),
/// not as a whole.
pub fn locate(text: &str, path: &[Seg]) -> Option<ByteSpan> {
    let mut best: Option<(usize, ByteSpan)> = None;
    scan(text, path.len(), &mut |m| {
        let deeper = best.is_none_or(|(n, _)| m.path.len() > n);
        if !deeper || !path.starts_with(m.path) {
            return;
        }
        let bracket = matches!(text.as_bytes().get(m.value.start), Some(b'{' | b'['));
        let span = match (bracket, m.key) {
            (true, Some(k)) => k,
            (true, None) => ByteSpan {
                start: m.value.start,
                end: m.value.start + 1,
            },
            (false, _) => m.value,
        };
        best = Some((m.path.len(), span));
    });
    best.map(|(_, s)| s)
}

/// A range as an editor and a reader want it: UTF-16 offsets (what
/// CodeMirror counts) and the 1-based line and column (in characters) of
/// its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TextRange {
    pub from: usize,
    pub to: usize,
    pub line: usize,
    pub column: usize,
}

/// Converts byte offsets of one text to [`TextRange`]s.
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
    /// UTF-16 offset of each line's start.
    starts16: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        let mut starts16 = vec![0];
        let mut u16s = 0;
        for (i, c) in text.char_indices() {
            u16s += c.len_utf16();
            if c == '\n' {
                starts.push(i + 1);
                starts16.push(u16s);
            }
        }
        Lines {
            text,
            starts,
            starts16,
        }
    }

    /// (line, column, UTF-16 offset) of a byte offset.
    fn at(&self, byte: usize) -> (usize, usize, usize) {
        let byte = byte.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= byte).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let head = self.text.get(start..byte).unwrap_or("");
        let off16 = self.starts16.get(line - 1).copied().unwrap_or(0)
            + head.chars().map(char::len_utf16).sum::<usize>();
        (line, head.chars().count() + 1, off16)
    }

    pub fn range(&self, s: ByteSpan) -> TextRange {
        let (line, column, from) = self.at(s.start);
        let (_, _, to) = self.at(s.end);
        TextRange {
            from,
            to,
            line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "{\"ociVersion\": \"1.0.0\",\n \"mounts\": [\n  {\"destination\": \"/a\"},\n  {\"destination\": \"é\", \"options\": [\"ro\"]}\n ]}";

    #[test]
    fn mounts_of_a_bare_spec_and_their_lines() {
        let m = mount_entries(SPEC);
        let lines = Lines::new(SPEC);
        let r: Vec<(usize, usize, usize)> = m
            .iter()
            .map(|(i, s)| {
                let t = lines.range(*s);
                (*i, t.line, t.column)
            })
            .collect();
        assert_eq!(r, [(0, 3, 3), (1, 4, 3)]);
        let s = m[1].1;
        assert_eq!(
            &SPEC[s.start..s.end],
            "{\"destination\": \"é\", \"options\": [\"ro\"]}"
        );
        // é is two bytes and one UTF-16 unit.
        let t = lines.range(s);
        assert_eq!(t.to - t.from, s.end - s.start - 1);
    }

    #[test]
    fn a_scenario_nests_its_mounts_under_spec() {
        let text = r#"{"spec": {"mounts": [{"destination": "/x"}]}, "mounts": [1]}"#;
        let m = mount_entries(text);
        assert_eq!(m.len(), 1);
        assert_eq!(&text[m[0].1.start..m[0].1.end], r#"{"destination": "/x"}"#);
    }

    #[test]
    fn deep_or_broken_text_ends_the_scan_quietly() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(mount_entries(&deep).is_empty());
        assert_eq!(locate(&deep, &[Seg::Index(0)]), None);
        for bad in [
            "{\"mounts\": [1 2]}",
            "{\"mounts\": [1,]}",
            "{\"a\"",
            "\"\\",
            "",
        ] {
            assert!(mount_entries(bad).is_empty(), "{bad}");
        }
    }

    #[test]
    fn locate_finds_the_deepest_ancestor() {
        let p = |v: &[Seg]| locate(SPEC, v).map(|s| SPEC[s.start..s.end].to_string());
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(
            p(&[k("mounts"), Seg::Index(1), k("options")]).as_deref(),
            Some("\"options\"")
        );
        assert_eq!(
            p(&[k("mounts"), Seg::Index(1), k("options"), Seg::Index(0)]).as_deref(),
            Some("\"ro\"")
        );
        assert_eq!(
            p(&[k("mounts"), Seg::Index(7)]).as_deref(),
            Some("\"mounts\"")
        );
        assert_eq!(p(&[]).as_deref(), Some("{"));
        assert_eq!(locate("{\"a\": ", &[k("a")]), None);
    }
}
