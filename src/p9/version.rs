//! Version strings and msize limits (ports `pkg/p9/version.go` and the
//! Tversion rules of `pkg/p9/handlers.go` `Tversion.handle`).

use crate::errno::Errno;

/// The highest `9P2000.L.Google.N` the 2018 server speaks (`highestSupportedVersion`).
pub const HIGHEST_SUPPORTED_VERSION: u32 = 6;

/// The largest and smallest msize (defined with every other limit).
pub use crate::limits::{MAX_MSIZE, MIN_MSIZE};

/// The msize the sentry asks for by default (`DefaultMessageSize`, 1 MiB).
pub const DEFAULT_MSIZE: u32 = 1024 * 1024;

const BASE: &str = "9P2000.L";
const GOOGLE: &str = "9P2000.L.Google.";

/// `parseVersion`: `9P2000.L` is version 0, `9P2000.L.Google.N` is N (a
/// base-10 u32 as Go's `strconv.ParseUint(s, 10, 32)` reads it: digits only,
/// no sign). Anything else is `None`.
pub fn parse_version(s: &[u8]) -> Option<u32> {
    if s == BASE.as_bytes() {
        return Some(0);
    }
    let n = s.strip_prefix(GOOGLE.as_bytes())?;
    if n.is_empty() || !n.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(n).ok()?.parse::<u32>().ok()
}

/// `versionString`: version 0 is always spelled `9P2000.L`, for servers
/// that only know that string (see Linux `net/9p/client.c`).
pub fn version_string(v: u32) -> String {
    if v == 0 {
        BASE.to_string()
    } else {
        format!("{GOOGLE}{v}")
    }
}

/// The server's answer to Tversion: the negotiated `(msize, version)` to
/// echo, or the errno of the Rlerror. Order as in `Tversion.handle`: msize
/// first, then the version string.
pub fn negotiate(msize: u32, version: &[u8]) -> Result<(u32, u32), Errno> {
    // (msize 0 is below the minimum too.)
    if !(MIN_MSIZE..=MAX_MSIZE).contains(&msize) {
        return Err(Errno::EINVAL);
    }
    let requested = parse_version(version).ok_or(Errno::EINVAL)?;
    // A newer client than us: EAGAIN tells gVisor's client to step down.
    if requested > HIGHEST_SUPPORTED_VERSION {
        return Err(Errno::EAGAIN);
    }
    Ok((msize, requested))
}

/// Features gated by version (`versionSupports*` in version.go).
pub fn supports_tflushf(v: u32) -> bool {
    v >= 1
}
pub fn supports_twalkgetattr(v: u32) -> bool {
    v >= 2
}
pub fn supports_uid_create(v: u32) -> bool {
    v >= 3
}
pub fn supports_tlconnect(v: u32) -> bool {
    v >= 4
}

#[cfg(test)]
mod tests {
    use super::*;

    // Port of version_test.go TestParseVersion.
    #[test]
    fn parse_version_table() {
        let cases: &[(&str, Option<u32>)] = &[
            ("9P", None),
            ("9P.L", None),
            ("9P200.L", None),
            ("9P2000", None),
            ("9P2000.L.Google.-1", None),
            ("9P2000.L.Google.+1", None),
            ("9P2000.L.Google.", None),
            ("9P2000.L.Google.3546343826724305832", None),
            ("9P2001.L", None),
            ("9P2000.u", None),
            ("9P2000.L", Some(0)),
            ("9P2000.L.Google.0", Some(0)),
            ("9P2000.L.Google.1", Some(1)),
            ("9P2000.L.Google.6", Some(6)),
            ("9P2000.L.Google.4294967295", Some(u32::MAX)),
        ];
        for (s, want) in cases {
            assert_eq!(parse_version(s.as_bytes()), *want, "{s}");
        }
    }

    // Port of TestVersionNumberEquivalent / TestVersionStringEquivalent.
    #[test]
    fn version_string_round_trips() {
        for i in 0..1024 {
            assert_eq!(parse_version(version_string(i).as_bytes()), Some(i));
        }
        assert_eq!(
            version_string(parse_version(b"9P2000.L.Google.0").unwrap()),
            "9P2000.L"
        );
        for s in ["9P2000.L", "9P2000.L.Google.1", "9P2000.L.Google.347823894"] {
            assert_eq!(version_string(parse_version(s.as_bytes()).unwrap()), s);
        }
    }

    #[test]
    fn negotiate_table() {
        type Case = (u32, &'static str, Result<(u32, u32), Errno>);
        let cases: &[Case] = &[
            (0, "9P2000.L", Err(Errno::EINVAL)),
            (MAX_MSIZE + 1, "9P2000.L", Err(Errno::EINVAL)),
            (MIN_MSIZE - 1, "9P2000.L", Err(Errno::EINVAL)),
            (MAX_MSIZE, "9P2000.L", Ok((MAX_MSIZE, 0))),
            (8192, "9P2000", Err(Errno::EINVAL)),
            (8192, "9P2000.L.Google.7", Err(Errno::EAGAIN)),
            (8192, "9P2000.L.Google.6", Ok((8192, 6))),
            (0, "garbage", Err(Errno::EINVAL)),
        ];
        for (msize, v, want) in cases {
            assert_eq!(negotiate(*msize, v.as_bytes()), *want, "{msize} {v}");
        }
    }
}
