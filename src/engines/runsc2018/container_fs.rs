//! Building the gofer's host tree from a scenario's `host` section, and
//! runsc's host-side preparation of bind destinations
//! (`runsc/container/fs.go setupFS`, `resolveSymlinks`).

use crate::engines::runsc2018::boot::{is_9p_mount, SpecView};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::p9::fsgofer::Gofer;
use crate::p9::host::{HostFs, ROOT_INO};
use crate::scenario::{HostInput, HostNodeInput};
use crate::vfs::clean;

/// The small root filesystem used when a scenario has no `host` section.
pub const DEFAULT_ROOTFS: &[(&str, &str, &str)] = &[
    // (path, kind, content or target); kind: f = 0644 file, x = 0755 file, d = dir, l = symlink
    ("bin/sh", "x", ""),
    ("bin/ls", "x", ""),
    ("bin/cat", "x", ""),
    ("usr/bin/env", "x", ""),
    ("usr/local/bin", "d", ""),
    ("etc/hostname", "f", "sandbox\n"),
    ("etc/hosts", "f", "127.0.0.1\tlocalhost\n"),
    ("etc/passwd", "f", "root:x:0:0:root:/root:/bin/sh\n"),
    ("etc/os-release", "f", "NAME=\"mountlab rootfs\"\n"),
    ("home", "d", ""),
    ("root", "d", ""),
    (
        "tmp/image-file",
        "f",
        "hidden by the mandatory /tmp tmpfs\n",
    ),
    ("var/log", "d", ""),
    ("run", "d", ""),
];

/// Parses a scenario mode string (`"0755"`, `"755"`).
fn parse_mode(s: &str, at: &str) -> Result<u32> {
    let digits = s.strip_prefix("0o").unwrap_or(s);
    match u32::from_str_radix(digits, 8) {
        Ok(m) if m <= 0o7777 => Ok(m),
        _ => Err(Error::msg(format!(
            "{at}: invalid mode {s:?} (want octal like \"0755\")"
        ))),
    }
}

/// Joins an attach point and a relative scenario path.
fn host_path(attach: &str, rel: &str) -> String {
    if rel == "." || rel.is_empty() {
        return clean(attach);
    }
    clean(&format!("{attach}/{rel}"))
}

fn fill_default(host: &mut HostFs) -> Result<()> {
    for (path, kind, text) in DEFAULT_ROOTFS {
        let p = format!("/{path}");
        put(host, &p, kind, text)
            .map_err(|e| Error::from(e).wrap(format!("default rootfs {p}")))?;
    }
    Ok(())
}

fn put(host: &mut HostFs, path: &str, kind: &str, text: &str) -> std::result::Result<(), Errno> {
    if let Some((parent, _)) = path.rsplit_once('/') {
        if !parent.is_empty() {
            host.mkdir_all(parent, 0o755)?;
        }
    }
    match kind {
        "d" => host.mkdir_all(path, 0o755).map(drop),
        "l" => host.symlink(path, text).map(drop),
        "x" => host.insert_file(path, 0o755, text.as_bytes()).map(drop),
        _ => host.insert_file(path, 0o644, text.as_bytes()).map(drop),
    }
}

/// Fills a host tree from a scenario's `host` section (or the default rootfs).
pub fn build_host(input: Option<&HostInput>) -> Result<HostFs> {
    let mut host = HostFs::new();
    let Some(input) = input else {
        fill_default(&mut host)?;
        return Ok(host);
    };
    for (attach, nodes) in input {
        if !attach.starts_with('/') {
            return Err(Error::msg(format!(
                "host.{attach}: attach points are absolute mount destinations"
            )));
        }
        // Directories first would reorder creation; BTreeMap order puts
        // parents before children, which is what matters.
        for (rel, node) in nodes {
            let at = format!("host.{attach}.{rel}");
            let is_dir_key = rel.ends_with('/') && rel != "/";
            let path = host_path(attach, rel.trim_end_matches('/'));
            if path == "/"
                && !matches!(node, HostNodeInput::Typed(t) if t.typ == "dir")
                && !is_dir_key
            {
                return Err(Error::msg(format!(
                    "{at}: the root of the host tree must be a directory"
                )));
            }
            let r = match node {
                HostNodeInput::Content(text) if is_dir_key => {
                    let _ = text;
                    put(&mut host, &path, "d", "")
                }
                HostNodeInput::Content(text) => put(&mut host, &path, "f", text),
                HostNodeInput::Typed(t) => match t.typ.as_str() {
                    "dir" => {
                        let r = put(&mut host, &path, "d", "");
                        if let (Ok(()), Some(m)) = (&r, &t.mode) {
                            let mode = parse_mode(m, &at)?;
                            if let Ok(ino) = host.lookup(&path) {
                                if let Some(n) = host.node_mut(ino) {
                                    n.perm = mode;
                                }
                            }
                        }
                        r
                    }
                    "file" => {
                        let mode = t
                            .mode
                            .as_deref()
                            .map(|m| parse_mode(m, &at))
                            .transpose()?
                            .unwrap_or(0o644);
                        let content = t.content.as_deref().unwrap_or("");
                        put(&mut host, &path, "f", content).and_then(|()| {
                            let ino = host.lookup(&path)?;
                            if let Some(n) = host.node_mut(ino) {
                                n.perm = mode;
                            }
                            Ok(())
                        })
                    }
                    "symlink" => {
                        let target = t.target.as_deref().ok_or_else(|| {
                            Error::msg(format!("{at}: a symlink needs \"target\""))
                        })?;
                        put(&mut host, &path, "l", target)
                    }
                    other => {
                        return Err(Error::msg(format!(
                            "{at}: unknown type {other:?} (want \"file\", \"dir\" or \"symlink\")"
                        )))
                    }
                },
            };
            r.map_err(|e| Error::from(e).wrap(at))?;
        }
    }
    Ok(host)
}

/// `resolveSymlinks(root, rel)` of runsc/container/fs.go (2018) with the
/// host tree's `/` as `root`: walks each component of `filepath.Clean(rel)`;
/// a symlink is resolved recursively (an absolute one from the root), at
/// most [`crate::limits::MAX_HOST_SYMLINK_FOLLOWS`] links deep; missing
/// components are kept as they are. Errors read as Go's:
/// `too many symlinks to follow, path: "/m"` and `lstat /etc/hostname/x: not
/// a directory`; `setup_gofer` adds `failed to resolve symlinks: `.
///
/// `lookups` is what is left of the setup's budget of lookups made while
/// following symlinks (`limits::MAX_HOST_SYMLINK_LOOKUPS`): the follow bound
/// limits depth, this limits fan-out; runsc has neither and would run for
/// years on a 1 KB spec. Spent, it is ELOOP naming the limit.
pub fn resolve_symlinks(host: &HostFs, path: &str, lookups: &mut usize) -> Result<String> {
    let follows = crate::limits::MAX_HOST_SYMLINK_FOLLOWS;
    resolve_symlinks_impl(host, "/", path, follows, lookups).map_err(|e| match e {
        Walk::Failed(e) => e,
        Walk::OutOfLookups => {
            let max = crate::limits::MAX_HOST_SYMLINK_LOOKUPS;
            crate::limits::exceeded_errno(
                Errno::ELOOP,
                path,
                format!("more than {max}"),
                "lookups",
                "MAX_HOST_SYMLINK_LOOKUPS",
                max,
            )
        }
    })
}

/// Why the walk stopped: runsc's own error, or our lookup budget.
enum Walk {
    Failed(Error),
    OutOfLookups,
}

impl From<Error> for Walk {
    fn from(e: Error) -> Walk {
        Walk::Failed(e)
    }
}

/// `resolveSymlinksImpl(root="/", base, rel, followCount)`. The recursion is
/// at most `follow_count` deep; inside a symlink's expansion
/// (`follow_count` below the start) each lookup spends one of `lookups`.
fn resolve_symlinks_impl(
    host: &HostFs,
    base: &str,
    rel: &str,
    follow_count: usize,
    lookups: &mut usize,
) -> std::result::Result<String, Walk> {
    if follow_count == 0 {
        return Err(Walk::Failed(Error::with_errno(
            Errno::ELOOP,
            format!(
                "too many symlinks to follow, path: {}",
                crate::gostr::quote(&clean(&format!("{base}/{rel}")))
            ),
        )));
    }
    let in_link = follow_count < crate::limits::MAX_HOST_SYMLINK_FOLLOWS;
    let mut base = base.to_string();
    for name in clean(rel).split('/').filter(|n| !n.is_empty()) {
        // filepath.Join cleans: `..` at the root stays at the root, which
        // is how one cannot `..` out of the root.
        let path = clean(&format!("{base}/{name}"));
        if in_link {
            *lookups = lookups.checked_sub(1).ok_or(Walk::OutOfLookups)?;
        }
        let ino = match host.lookup(&path) {
            Ok(ino) => ino,
            Err(Errno::ENOENT) => {
                base = path;
                continue;
            }
            Err(e) => {
                return Err(Walk::Failed(Error::with_errno(
                    e,
                    format!("lstat {path}: {e}"),
                )));
            }
        };
        match host.info(ino).and_then(|i| i.target) {
            Some(link) => {
                if link.starts_with('/') {
                    base = "/".to_string();
                }
                base = resolve_symlinks_impl(host, &base, &link, follow_count - 1, lookups)?;
            }
            None => base = path,
        }
    }
    Ok(base)
}

/// What runsc's gofer setup produced for one container.
pub struct GoferSetup {
    pub gofer: Gofer,
    /// The spec with bind destinations rewritten as `setupFS` does.
    pub spec: SpecView,
    /// The sandbox-side FDs, in the order runsc passes them.
    pub fds: Vec<i32>,
    /// Notes for the decision log: (spec index, text).
    pub notes: Vec<(usize, String)>,
}

/// `createGoferProcess` + `setupFS` on a host tree built from the
/// scenario's `host` section (see [`setup_gofer_on`]).
pub fn setup_gofer(
    spec: &SpecView,
    host_input: Option<&HostInput>,
    fds: Option<&[i32]>,
    first_fd: i32,
) -> Result<GoferSetup> {
    let root = crate::error::JsonPath::default();
    spec.check_limits(&root.key("spec"))?;
    crate::scenario::check_host(&root.key("host"), host_input)?;
    check_fd_limit(fds)?;
    let host = build_host(host_input)?;
    setup_gofer_on(spec, host, fds, first_fd)
}

/// The spec and FD limits `setup_gofer` enforces before it touches
/// anything (the host input's are checked as it is parsed).
pub fn check_setup_limits(spec: &SpecView, fds: Option<&[i32]>) -> Result<()> {
    spec.check_limits(&crate::error::JsonPath::default().key("spec"))?;
    check_fd_limit(fds)
}

fn check_fd_limit(fds: Option<&[i32]>) -> Result<()> {
    if let Some(f) = fds {
        if f.len() > crate::limits::MAX_GOFER_FDS {
            return Err(crate::limits::exceeded(
                "gofer_fds",
                f.len(),
                "FDs",
                "MAX_GOFER_FDS",
                crate::limits::MAX_GOFER_FDS,
            ));
        }
    }
    Ok(())
}

/// `createGoferProcess` + `setupFS` on an already staged host tree (what
/// exists on the host before runsc starts, as the kernel benchmark stages
/// it before timing): one attach point for `/` and one per 9P bind (at its
/// symlink-resolved destination, created if missing), and one connection
/// per attach point on consecutive FDs from `first_fd`, or on `fds` when the
/// scenario gives them. Limits are the caller's ([`check_setup_limits`]).
pub fn setup_gofer_on(
    spec: &SpecView,
    mut host: HostFs,
    fds: Option<&[i32]>,
    first_fd: i32,
) -> Result<GoferSetup> {
    let mut spec = spec.clone();
    let mut notes = Vec::new();
    let mut attach: Vec<(String, bool)> = vec![("/".to_string(), spec.root_readonly)];
    let mut lookups = crate::limits::MAX_HOST_SYMLINK_LOOKUPS;
    for (i, m) in spec.mounts.iter_mut().enumerate() {
        if !is_9p_mount(m) {
            if m.typ == "bind" && m.source.is_empty() {
                notes.push((i, "runsc creates no gofer connection for a bind without a source, yet getMountNameAndOptions still takes an FD for it".to_string()));
            }
            continue;
        }
        let resolved = resolve_symlinks(&host, &m.destination, &mut lookups)
            .map_err(|e| e.wrap("failed to resolve symlinks"))?;
        if resolved != m.destination {
            notes.push((
                i,
                format!(
                    "runsc/container/fs.go setupFS: destination {:?} resolved on the host to {:?}",
                    m.destination, resolved
                ),
            ));
        }
        // The mount point must exist in the image: a file bind gets an empty
        // file (when the scenario made the attach root a file), else a dir.
        if host.lookup(&resolved).is_err() {
            host.mkdir_all(&resolved, 0o755)
                .map_err(|e| Error::from(e).wrap(format!("creating mount point {resolved:?}")))?;
            notes.push((
                i,
                format!("setupFS: created the mount point {resolved:?} in the host rootfs"),
            ));
        }
        m.destination = resolved.clone();
        attach.push((resolved, m.options.iter().any(|o| o == "ro")));
    }
    let fds: Vec<i32> = match fds {
        Some(f) => f.to_vec(),
        None => (0..attach.len() as i32).map(|i| first_fd + i).collect(),
    };
    let mut gofer = Gofer::new(host);
    for (i, (path, ro)) in attach.iter().enumerate() {
        let idx = gofer.add_attach_point(path, *ro);
        if let Some(fd) = fds.get(i) {
            gofer.connect(idx, *fd);
        }
    }
    let _ = ROOT_INO;
    Ok(GoferSetup {
        gofer,
        spec,
        fds,
        notes,
    })
}
