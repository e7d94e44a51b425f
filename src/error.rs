//! The crate's error value: an optional errno, gVisor's wording, and whether
//! runsc would have panicked here.
//!
//! Go code in fs.go wraps errors with `fmt.Errorf("prefix: %v", err)`. We keep
//! the same texts, and also remember the innermost errno so reports can carry
//! `"errno": "ENOENT"` without parsing text.

use crate::errno::Errno;
use serde::Serialize;
use std::fmt;

/// One step of a JSON path: an object key or an array index. On the wire
/// a key is a string and an index a number (`["spec","mounts",0]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A JSON path into an input. It prints as `serde_path_to_error` prints
/// one (`spec.mounts[0].options`), and as `(root)` when empty, so every
/// input error's text reads the same whether serde or our checks found it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct JsonPath(pub Vec<Seg>);

impl JsonPath {
    /// The path one key further down.
    pub fn key(&self, k: impl Into<String>) -> JsonPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.into()));
        p
    }

    /// The path one array index further down.
    pub fn index(&self, i: usize) -> JsonPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    /// `serde_path_to_error`'s path, appended to this one (an enum variant
    /// reads as a key, an unknown segment as `?`, as its `Display` does).
    pub fn join_serde(&self, tail: &serde_path_to_error::Path) -> JsonPath {
        use serde_path_to_error::Segment;
        let mut p = self.clone();
        for s in tail.iter() {
            p.0.push(match s {
                Segment::Seq { index } => Seg::Index(*index),
                Segment::Map { key } => Seg::Key(key.clone()),
                Segment::Enum { variant } => Seg::Key(variant.clone()),
                Segment::Unknown => Seg::Key("?".into()),
            });
        }
        p
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(root)");
        }
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
            }
        }
        Ok(())
    }
}

/// Where in its input an input error sits: the JSON path at fault, or
/// for a JSON syntax error the 1-based line and column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InputAt {
    pub path: Option<JsonPath>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// An error with gVisor's exact text.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    errno: Option<Errno>,
    /// `None` means the text is the errno's own text (no allocation on hot paths).
    text: Option<Box<str>>,
    fatal: bool,
    /// For an input error, where it sits (the text names it too).
    input: Option<Box<InputAt>>,
}

/// The crate-wide result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a message and no errno (Go's `fmt.Errorf` / `errors.New`).
    pub fn msg(text: impl Into<String>) -> Error {
        Error {
            errno: None,
            text: Some(text.into().into_boxed_str()),
            fatal: false,
            input: None,
        }
    }

    /// An input error at `path`: the text is `<path>: <text>`, the path is
    /// kept beside it.
    pub fn input(path: JsonPath, text: impl fmt::Display) -> Error {
        Error::msg(format!("{path}: {text}")).at_path(path)
    }

    /// Marks this error as the input's fault at `path`, its text unchanged
    /// (the text already names the path).
    pub fn at_path(mut self, path: JsonPath) -> Error {
        self.input = Some(Box::new(InputAt {
            path: Some(path),
            line: None,
            column: None,
        }));
        self
    }

    /// Marks this error as a syntax error of the input at a position.
    pub fn at_position(mut self, line: usize, column: usize) -> Error {
        self.input = Some(Box::new(InputAt {
            path: None,
            line: Some(line),
            column: Some(column),
        }));
        self
    }

    /// Where in the input this error sits, if it is an input error.
    pub fn input_at(&self) -> Option<&InputAt> {
        self.input.as_deref()
    }

    /// A message that still carries an errno (for example a wrapped `syscall.Errno`).
    pub fn with_errno(errno: Errno, text: impl Into<String>) -> Error {
        Error {
            errno: Some(errno),
            text: Some(text.into().into_boxed_str()),
            fatal: false,
            input: None,
        }
    }

    /// Where runsc would panic: the text is the panic value.
    pub fn fatal(text: impl Into<String>) -> Error {
        Error {
            errno: None,
            text: Some(text.into().into_boxed_str()),
            fatal: true,
            input: None,
        }
    }

    /// `fmt.Errorf("<prefix>: %v", self)`, keeping the errno and fatality.
    pub fn wrap(self, prefix: impl fmt::Display) -> Error {
        let text = format!("{prefix}: {self}");
        Error {
            errno: self.errno,
            text: Some(text.into_boxed_str()),
            fatal: self.fatal,
            input: self.input,
        }
    }

    /// The innermost errno, if the error came from one.
    pub fn errno(&self) -> Option<Errno> {
        self.errno
    }

    /// True where runsc would have panicked.
    pub fn is_fatal(&self) -> bool {
        self.fatal
    }

    /// True when this is exactly the given errno (not a wrapped message).
    pub fn is(&self, errno: Errno) -> bool {
        self.errno == Some(errno)
    }
}

impl From<Errno> for Error {
    fn from(errno: Errno) -> Error {
        Error {
            errno: Some(errno),
            text: None,
            fatal: false,
            input: None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.text, self.errno) {
            (Some(t), _) => f.write_str(t),
            (None, Some(e)) => fmt::Display::fmt(&e, f),
            (None, None) => f.write_str("unknown error"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, {:?}", self.to_string(), self.errno)?;
        if self.fatal {
            f.write_str(", fatal")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_go_text_and_errno() {
        let e = Error::from(Errno::ELOOP)
            .wrap("failed to find mount destination \"/var/run\"")
            .wrap("mount submount")
            .wrap("error creating mounts");
        assert_eq!(
            e.to_string(),
            "error creating mounts: mount submount: failed to find mount destination \"/var/run\": too many levels of symbolic links"
        );
        assert_eq!(e.errno(), Some(Errno::ELOOP));
        assert!(!e.is_fatal());
        assert!(Error::fatal("fdDispenser out of fds").wrap("x").is_fatal());
    }
}
