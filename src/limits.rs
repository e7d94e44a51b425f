//! Every resource limit of mountlab in one place.
//!
//! mountlab reads `config.json` files pasted from anywhere and its 9P server
//! listens on sockets, so every input-driven quantity has a bound here. Each
//! limit has a name (the constant's name, which also appears in its error
//! text), a default generous enough for real specs (100 000 mounts work),
//! and one typed [`Limit`] whose [`Limit::check`] makes its error, so every
//! limit reads the same:
//!
//! ```text
//! spec.mounts: 1000001 mounts is over the limit MAX_MOUNTS (1000000)
//! ```
//!
//! Limits that gVisor or Linux define (`NAME_MAX`, `PATH_MAX`, 40 symlink
//! traversals, runsc's 255 host symlink follows, 9P's 4 MiB msize) keep
//! their values and their own errno texts; they are listed here so the
//! whole set can be read at once.
//!
//! This module names no other module of the crate: every number is defined
//! here and the VFS, the 9P code, the engines and the shell import it. A
//! limit's error is an [`Exceeded`] (its text and the errno the limit fails
//! with, by name), which the `error` module turns into the crate's error.

/// Largest scenario (or bare OCI spec) text accepted, in bytes: a pasted file
/// cannot exhaust memory (the CLI reads at most one byte more). Error:
/// `scenario: more than 67108864 bytes is over the limit MAX_SCENARIO_BYTES
/// (67108864)`.
pub const MAX_SCENARIO_BYTES: usize = 64 << 20;

/// Most mounts in one container's `spec.mounts` (before runsc adds its
/// mandatory ones). 100 000 mounts must work; this is four times that. A
/// mount costs about 3.7 KB of RSS, growing about linearly (time N^1.15 for
/// `run` and `preview --format mounts`): 400 000 tmpfs mounts in one flat
/// directory take 4 s and 1.5 GB, within 60 s and 2 GB; the old 1 000 000
/// needed 3.7 GB (the default `preview` tree view is still superlinear in
/// a flat parent: `tree::mount_tree`, see the performance issue).
pub const MAX_MOUNTS: usize = 400_000;

/// Longest mount destination, host-tree path or symlink target, in bytes
/// (Linux `PATH_MAX`, the NUL included, so 4095 bytes of text fit): also
/// the longest path a VFS syscall accepts.
pub const MAX_PATH_BYTES: usize = 4096;

/// Most components in a mount destination or host-tree path. `PATH_MAX`
/// alone allows 2048 (`a/a/a/...`); real specs use a handful.
pub const MAX_PATH_DEPTH: usize = 256;

/// Longest single path component (Linux `NAME_MAX`): ENAMETOOLONG, from the
/// VFS and from the gofer's host tree (every 9P name). Symlink targets in
/// the host tree are bounded by [`MAX_PATH_BYTES`]` - 1` (ENAMETOOLONG).
pub const MAX_NAME_BYTES: usize = 255;

/// Symlinks followed while resolving one path inside the sandbox
/// (`linux.MaxSymlinkTraversals`): ELOOP, from the VFS (also the budget of
/// executable lookup).
pub const MAX_SYMLINK_TRAVERSALS: u32 = 40;

/// Symlinks runsc's `resolveSymlinks` follows on the host for one bind
/// destination (`runsc/container/fs.go`): ELOOP `too many symlinks to follow`.
pub const MAX_HOST_SYMLINK_FOLLOWS: usize = 255;

/// Host lookups `resolveSymlinks` may make while following symlinks, over
/// one container's setup (all its bind destinations): the follow bound
/// above limits depth, not fan-out (a link naming four links, each naming
/// four, … costs 4^depth). Real specs need a handful; runsc's results are
/// kept wherever it would finish within this. Error (ELOOP, after `failed to
/// resolve symlinks: `): `/d: more than 1000000 lookups is over the limit
/// MAX_HOST_SYMLINK_LOOKUPS (1000000)`.
pub const MAX_HOST_SYMLINK_LOOKUPS: usize = 1_000_000;

/// Largest file in the gofer's host tree and, through the shell, in any
/// sandbox filesystem: EFBIG (`file too large`).
pub const MAX_FILE_SIZE: u64 = 256 << 20;

/// Total bytes one gofer's host tree holds: file content, symlink targets
/// and directory entry names, so neither long names nor long targets grow
/// memory past it: ENOSPC (and `statfs` counts them as used).
pub const MAX_HOST_BYTES: u64 = 1 << 30;

/// Most nodes (files, dirs, symlinks) one gofer's host tree holds, and most
/// directory entries (hard links included), so a 9P client creating empty
/// files or links cannot grow memory without bound: ENOSPC.
pub const MAX_HOST_NODES: usize = 4_000_000;

/// Most scenario steps.
pub const MAX_STEPS: usize = 100_000;

/// Most child containers one sandbox starts (`container.add` steps).
pub const MAX_CONTAINERS: usize = 10_000;

/// Most gofer FDs a scenario (or a container step) lists in `gofer_fds`.
pub const MAX_GOFER_FDS: usize = MAX_MOUNTS + 1;

/// Largest 9P msize a Tversion may ask for, and the largest frame either
/// side accepts (gVisor's `maximumLength`, 4 MiB): Tversion answers EINVAL
/// above it, as gVisor's `Tversion.handle` does, instead of negotiating
/// down, so a Linux mount with `msize=8M` fails (use `msize` of at most
/// 4 MiB).
pub const MAX_MSIZE: u32 = 4 * 1024 * 1024;

/// Smallest msize the server and the client accept. gVisor 2018 accepts
/// any nonzero msize and its client refuses one at or below the largest
/// fixed-size message (`ErrMessageTooLarge`); we refuse below one page
/// (Linux's v9fs floor), which leaves room for every fixed-size reply
/// (Rwalkgetattr with 16 qids is 375 bytes) and a useful Rread/Rreaddir
/// payload.
pub const MIN_MSIZE: u32 = 4096;

/// Fids one in-memory gofer connection may hold: EMFILE.
pub const MAX_FIDS: usize = 1 << 16;

/// Fids one `serve-9p` connection may hold: EMFILE.
pub const MAX_FIDS_PER_CONNECTION: usize = 4096;

/// Connections `serve-9p` serves at once; more are closed on accept, with
/// a log line `refused PEER: MAX_CONNECTIONS (512) connections open`.
pub const MAX_CONNECTIONS: usize = 512;

/// Connections `serve-9p` serves at once from one peer IP address, so one
/// host opening idle sockets cannot take every slot: more are closed on
/// accept, with a log line `refused PEER: MAX_CONNECTIONS_PER_PEER (64)
/// connections from IP`. Unix-socket peers are not counted per peer.
pub const MAX_CONNECTIONS_PER_PEER: usize = 64;

/// How long a `serve-9p` connection that holds no fid (before its Tattach)
/// may send nothing: then it is closed, with a log line naming this limit.
pub const SERVE_IDLE_TIMEOUT_MS: u64 = 10_000;

/// How long an attached `serve-9p` connection (holding a fid) may send
/// nothing before it is closed. Long, because a mounted client may sit idle.
pub const SERVE_ATTACHED_IDLE_TIMEOUT_MS: u64 = 3_600_000;

/// How long one frame may take to arrive once its first byte has (a
/// client trickling a frame byte by byte is closed): 4 MiB at 140 KB/s.
pub const SERVE_FRAME_TIMEOUT_MS: u64 = 30_000;

/// How long one reply may take to be written (a client that never reads
/// its replies is closed instead of parking the connection's thread).
pub const SERVE_WRITE_TIMEOUT_MS: u64 = 30_000;

/// 9P exchanges each in-memory gofer keeps in its log, over all its
/// connections (older ones are dropped and counted per connection).
/// Requests in flight per connection: one (the server answers each frame
/// before reading the next).
pub const MAX_LOG_ENTRIES: usize = 1024;

/// Longest shell command line, in bytes: E2BIG.
pub const MAX_SHELL_LINE: usize = 64 * 1024;

/// Most output one shell command prints; longer output is cut with
/// [`Limit::truncated_marker`].
pub const MAX_SHELL_OUTPUT: usize = 1 << 20;

/// Most bytes of step outputs and host file contents one report holds
/// (`mountlab run`, the playground): once spent, later step outputs and
/// file contents are cut with `[output truncated: over the limit
/// MAX_REPORT_BYTES (67108864 bytes)]`, and the shell stops working for
/// output nobody will see.
pub const MAX_REPORT_BYTES: usize = 64 << 20;

/// Most entries `tree` lists.
pub const MAX_TREE_ENTRIES: usize = 10_000;

/// One resource limit as a value: the constant's name (which its error
/// text shows), its bound, the unit its count is in, and the errno its
/// error carries (by name, e.g. `ENAMETOOLONG`; `None` for input errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub name: &'static str,
    pub max: u64,
    pub unit: &'static str,
    pub errno: Option<&'static str>,
}

/// A limit's error: the limit and its whole text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: Limit,
    pub text: String,
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Exceeded {}

impl From<Exceeded> for String {
    fn from(e: Exceeded) -> String {
        e.text
    }
}

impl Limit {
    /// Whether `got` is over the bound (a count too large for `u64` is).
    pub fn is_over<N: TryInto<u64>>(&self, got: N) -> bool {
        got.try_into().map_or(true, |g| g > self.max)
    }

    /// `Err(<at>: <got> <unit> is over the limit <NAME> (<max>))` when
    /// `got` is over the bound.
    pub fn check<N>(&self, at: impl std::fmt::Display, got: N) -> Result<(), Exceeded>
    where
        N: TryInto<u64> + std::fmt::Display + Copy,
    {
        if self.is_over(got) {
            return Err(self.exceeded(at, got));
        }
        Ok(())
    }

    /// The error, with `got` shown as given:
    /// `<at>: <got> <unit> is over the limit <NAME> (<max>)`.
    pub fn exceeded(&self, at: impl std::fmt::Display, got: impl std::fmt::Display) -> Exceeded {
        self.with_text(format!("{at}: {}", self.over_text(got)))
    }

    /// The error when a budget is spent and the count seen is not the
    /// input's size: `<at>: more than <max> <unit> is over the limit ...`.
    pub fn spent(&self, at: impl std::fmt::Display) -> Exceeded {
        self.exceeded(at, format_args!("more than {}", self.max))
    }

    /// [`Limit::exceeded`] without the place (for errors a caller prefixes).
    pub fn over(&self, got: impl std::fmt::Display) -> Exceeded {
        self.with_text(self.over_text(got))
    }

    /// What stands where output was cut at this limit:
    /// `[output truncated: over the limit NAME (MAX bytes)]`.
    pub fn truncated_marker(&self) -> String {
        format!(
            "[output truncated: over the limit {} ({} {})]",
            self.name, self.max, self.unit
        )
    }

    /// The limit as log lines name it: `NAME (max)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.max)
    }

    /// The one wording every limit error uses.
    fn over_text(&self, got: impl std::fmt::Display) -> String {
        format!(
            "{got} {} is over the limit {} ({})",
            self.unit, self.name, self.max
        )
    }

    fn with_text(&self, text: String) -> Exceeded {
        Exceeded { limit: *self, text }
    }
}

/// Typed [`Limit`]s, each named after the constant it bounds, so the name
/// its errors show is the constant's own.
macro_rules! typed_limits {
    ($($typed:ident = $name:ident $(- $less:literal)?, $unit:literal, $errno:expr;)*) => {
        $(
            #[doc = concat!("[`", stringify!($name), "`] as a typed [`Limit`].")]
            pub const $typed: Limit = Limit {
                name: stringify!($name),
                max: $name as u64 $(- $less)?,
                unit: $unit,
                errno: $errno,
            };
        )*
    };
}

typed_limits! {
    SCENARIO_BYTES = MAX_SCENARIO_BYTES, "bytes", None;
    MOUNTS = MAX_MOUNTS, "mounts", None;
    // Shown as the longest text accepted: the NUL takes the last byte.
    PATH_BYTES = MAX_PATH_BYTES - 1, "bytes", Some("ENAMETOOLONG");
    PATH_DEPTH = MAX_PATH_DEPTH, "components", Some("ENAMETOOLONG");
    HOST_SYMLINK_LOOKUPS = MAX_HOST_SYMLINK_LOOKUPS, "lookups", Some("ELOOP");
    FILE_SIZE = MAX_FILE_SIZE, "bytes", Some("EFBIG");
    // A host tree's own capacity may be set lower.
    HOST_BYTES = MAX_HOST_BYTES, "bytes", Some("ENOSPC");
    STEPS = MAX_STEPS, "steps", None;
    CONTAINERS = MAX_CONTAINERS, "containers", None;
    GOFER_FDS = MAX_GOFER_FDS, "FDs", None;
    SHELL_LINE = MAX_SHELL_LINE, "bytes", Some("E2BIG");
    SHELL_OUTPUT = MAX_SHELL_OUTPUT, "bytes", None;
    REPORT_BYTES = MAX_REPORT_BYTES, "bytes", None;
    CONNECTIONS = MAX_CONNECTIONS, "connections", None;
    CONNECTIONS_PER_PEER = MAX_CONNECTIONS_PER_PEER, "connections", None;
    SERVE_IDLE_TIMEOUT = SERVE_IDLE_TIMEOUT_MS, "ms", None;
    SERVE_ATTACHED_IDLE_TIMEOUT = SERVE_ATTACHED_IDLE_TIMEOUT_MS, "ms", None;
    SERVE_FRAME_TIMEOUT = SERVE_FRAME_TIMEOUT_MS, "ms", None;
    SERVE_WRITE_TIMEOUT = SERVE_WRITE_TIMEOUT_MS, "ms", None;
}

/// Checks a path given as input (a mount destination, a host-tree path, a
/// symlink target): at most [`MAX_PATH_BYTES`]` - 1` bytes and
/// [`MAX_PATH_DEPTH`] components.
pub fn check_path(at: impl std::fmt::Display, path: &str) -> Result<(), Exceeded> {
    PATH_BYTES.check(&at, path.len())?;
    let depth = path.split('/').filter(|c| !c.is_empty()).count();
    PATH_DEPTH.check(at, depth)
}

// Tests sit at the top level: a test module would have to name this one
// by a path, and this module names none.
#[cfg(test)]
#[test]
fn path_limits_name_themselves() {
    assert!(check_path("x", "/a/b").is_ok());
    let long = format!("/{}", "a".repeat(MAX_PATH_BYTES));
    let e = check_path("spec.mounts[0].destination", &long).unwrap_err();
    assert_eq!(
        e.to_string(),
        "spec.mounts[0].destination: 4097 bytes is over the limit MAX_PATH_BYTES (4095)"
    );
    assert_eq!(e.limit.errno, Some("ENAMETOOLONG"));
    let deep = "/a".repeat(MAX_PATH_DEPTH + 1);
    assert_eq!(
        check_path("p", &deep).unwrap_err().to_string(),
        "p: 257 components is over the limit MAX_PATH_DEPTH (256)"
    );
    // Exactly at the bounds is accepted.
    assert!(check_path("p", &"a".repeat(MAX_PATH_BYTES - 1)).is_ok());
    assert!(check_path("p", &"/a".repeat(MAX_PATH_DEPTH)).is_ok());
}

#[cfg(test)]
#[test]
fn typed_limits_keep_their_wording() {
    assert_eq!(
        SCENARIO_BYTES.spent("scenario").to_string(),
        "scenario: more than 67108864 bytes is over the limit MAX_SCENARIO_BYTES (67108864)"
    );
    assert_eq!(
        REPORT_BYTES.truncated_marker(),
        "[output truncated: over the limit MAX_REPORT_BYTES (67108864 bytes)]"
    );
    assert_eq!(
        PATH_DEPTH.over(300).to_string(),
        "300 components is over the limit MAX_PATH_DEPTH (256)"
    );
    assert!(STEPS.check("steps", MAX_STEPS).is_ok());
    assert_eq!(
        STEPS.check("steps", MAX_STEPS + 1).unwrap_err().text,
        "steps: 100001 steps is over the limit MAX_STEPS (100000)"
    );
    assert!(FILE_SIZE.is_over(u128::MAX));
    assert_eq!(CONNECTIONS.label(), "MAX_CONNECTIONS (512)");
}
