//! The crate's error value: an optional errno, gVisor's wording, and whether
//! runsc would have panicked here.
//!
//! Go code in fs.go wraps errors with `fmt.Errorf("prefix: %v", err)`. We keep
//! the same texts, and also remember the innermost errno so reports can carry
//! `"errno": "ENOENT"` without parsing text.

use crate::errno::Errno;
use std::fmt;

/// An error with gVisor's exact text.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    errno: Option<Errno>,
    /// `None` means the text is the errno's own text (no allocation on hot paths).
    text: Option<Box<str>>,
    fatal: bool,
}

/// A limit's error keeps its text and carries the errno the limit names.
impl From<crate::limits::Exceeded> for Error {
    fn from(e: crate::limits::Exceeded) -> Error {
        match e.limit.errno.and_then(Errno::from_name) {
            Some(errno) => Error::with_errno(errno, e.text),
            None => Error::msg(e.text),
        }
    }
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
        }
    }

    /// A message that still carries an errno (for example a wrapped `syscall.Errno`).
    pub fn with_errno(errno: Errno, text: impl Into<String>) -> Error {
        Error {
            errno: Some(errno),
            text: Some(text.into().into_boxed_str()),
            fatal: false,
        }
    }

    /// Where runsc would panic: the text is the panic value.
    pub fn fatal(text: impl Into<String>) -> Error {
        Error {
            errno: None,
            text: Some(text.into().into_boxed_str()),
            fatal: true,
        }
    }

    /// `fmt.Errorf("<prefix>: %v", self)`, keeping the errno and fatality.
    pub fn wrap(self, prefix: impl fmt::Display) -> Error {
        let text = format!("{prefix}: {self}");
        Error {
            errno: self.errno,
            text: Some(text.into_boxed_str()),
            fatal: self.fatal,
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
