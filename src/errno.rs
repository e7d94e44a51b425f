//! Linux errno values with the exact text Go's `syscall.Errno.Error()` prints.
//!
//! gVisor's `syserror` values are Go `syscall.Errno`s, so every error string the
//! 2018 sentry produced ends in one of these texts (for example
//! `failed to find mount destination "/var/run": too many levels of symbolic links`).
//! The engine's messages must match byte for byte, so the table below is Go's
//! `zerrors_linux_amd64.go` text, not glibc's `strerror`.

use std::fmt;

/// A Linux errno number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Errno(pub u32);

macro_rules! errnos {
    ($( $name:ident = $num:literal, $text:literal; )*) => {
        impl Errno {
            $( #[doc = $text] pub const $name: Errno = Errno($num); )*

            /// The symbolic name (`"ENOENT"`), or `None` for a number we do not know.
            pub fn name(self) -> Option<&'static str> {
                match self.0 { $( $num => Some(stringify!($name)), )* _ => None }
            }

            /// Go's `syscall.Errno.Error()` text, or `None` for a number Go prints as `errno N`.
            fn known_text(self) -> Option<&'static str> {
                match self.0 { $( $num => Some($text), )* _ => None }
            }

            /// Looks an errno up by its symbolic name.
            pub fn from_name(name: &str) -> Option<Errno> {
                match name { $( stringify!($name) => Some(Errno::$name), )* _ => None }
            }
        }
    };
}

errnos! {
    EPERM = 1, "operation not permitted";
    ENOENT = 2, "no such file or directory";
    ESRCH = 3, "no such process";
    EINTR = 4, "interrupted system call";
    EIO = 5, "input/output error";
    ENXIO = 6, "no such device or address";
    E2BIG = 7, "argument list too long";
    ENOEXEC = 8, "exec format error";
    EBADF = 9, "bad file descriptor";
    ECHILD = 10, "no child processes";
    EAGAIN = 11, "resource temporarily unavailable";
    ENOMEM = 12, "cannot allocate memory";
    EACCES = 13, "permission denied";
    EFAULT = 14, "bad address";
    ENOTBLK = 15, "block device required";
    EBUSY = 16, "device or resource busy";
    EEXIST = 17, "file exists";
    EXDEV = 18, "invalid cross-device link";
    ENODEV = 19, "no such device";
    ENOTDIR = 20, "not a directory";
    EISDIR = 21, "is a directory";
    EINVAL = 22, "invalid argument";
    ENFILE = 23, "too many open files in system";
    EMFILE = 24, "too many open files";
    ENOTTY = 25, "inappropriate ioctl for device";
    ETXTBSY = 26, "text file busy";
    EFBIG = 27, "file too large";
    ENOSPC = 28, "no space left on device";
    ESPIPE = 29, "illegal seek";
    EROFS = 30, "read-only file system";
    EMLINK = 31, "too many links";
    EPIPE = 32, "broken pipe";
    EDOM = 33, "numerical argument out of domain";
    ERANGE = 34, "numerical result out of range";
    EDEADLK = 35, "resource deadlock avoided";
    ENAMETOOLONG = 36, "file name too long";
    ENOLCK = 37, "no locks available";
    ENOSYS = 38, "function not implemented";
    ENOTEMPTY = 39, "directory not empty";
    ELOOP = 40, "too many levels of symbolic links";
    ENOMSG = 42, "no message of desired type";
    EIDRM = 43, "identifier removed";
    ENODATA = 61, "no data available";
    ETIME = 62, "timer expired";
    ENOLINK = 67, "link has been severed";
    EPROTO = 71, "protocol error";
    EBADMSG = 74, "bad message";
    EOVERFLOW = 75, "value too large for defined data type";
    EILSEQ = 84, "invalid or incomplete multibyte or wide character";
    ENOTSOCK = 88, "socket operation on non-socket";
    EMSGSIZE = 90, "message too long";
    EPROTONOSUPPORT = 93, "protocol not supported";
    EOPNOTSUPP = 95, "operation not supported";
    EADDRINUSE = 98, "address already in use";
    ECONNRESET = 104, "connection reset by peer";
    ENOBUFS = 105, "no buffer space available";
    ENOTCONN = 107, "transport endpoint is not connected";
    ETIMEDOUT = 110, "connection timed out";
    ECONNREFUSED = 111, "connection refused";
    ESTALE = 116, "stale NFS file handle";
    EDQUOT = 122, "disk quota exceeded";
    ECANCELED = 125, "operation canceled";
}

impl Errno {
    /// `ENOTSUP` is the same number as `EOPNOTSUPP` on Linux.
    pub const ENOTSUP: Errno = Errno::EOPNOTSUPP;
    /// `EWOULDBLOCK` is the same number as `EAGAIN` on Linux.
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;
    /// `ENOATTR` is the same number as `ENODATA` on Linux.
    pub const ENOATTR: Errno = Errno::ENODATA;

    /// The number as the kernel (and 9P's Rlerror) carries it.
    pub fn raw(self) -> u32 {
        self.0
    }

    /// Go prints an errno outside its table as `errno N`.
    pub fn message(self) -> String {
        match self.known_text() {
            Some(t) => t.to_string(),
            None => format!("errno {}", self.0),
        }
    }

    /// The symbolic name, or `errno N` when unknown; what reports show in `errno` fields.
    pub fn symbol(self) -> String {
        match self.name() {
            Some(n) => n.to_string(),
            None => format!("errno {}", self.0),
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known_text() {
            Some(t) => f.write_str(t),
            None => write!(f, "errno {}", self.0),
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl std::error::Error for Errno {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_texts_for_the_errnos_the_engine_prints() {
        let cases = [
            (Errno::ENOENT, "no such file or directory"),
            (Errno::ELOOP, "too many levels of symbolic links"),
            (Errno::EBUSY, "device or resource busy"),
            (Errno::EROFS, "read-only file system"),
            (Errno::EXDEV, "invalid cross-device link"),
            (Errno::ENOTEMPTY, "directory not empty"),
            (Errno::ENAMETOOLONG, "file name too long"),
            (Errno::EIO, "input/output error"),
            (Errno::EAGAIN, "resource temporarily unavailable"),
            (Errno::EOPNOTSUPP, "operation not supported"),
            (Errno::ENODATA, "no data available"),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text, "{e:?}");
        }
    }

    #[test]
    fn unknown_numbers_print_like_go() {
        assert_eq!(Errno(4000).to_string(), "errno 4000");
        assert_eq!(Errno(4000).symbol(), "errno 4000");
        assert_eq!(Errno::ENOENT.symbol(), "ENOENT");
        assert_eq!(Errno::from_name("ELOOP"), Some(Errno(40)));
        assert_eq!(Errno::ENOTSUP, Errno(95));
    }
}
