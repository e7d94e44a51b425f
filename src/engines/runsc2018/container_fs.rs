//! Building the gofer's host tree from a scenario's `host` section, and
//! runsc's host-side preparation of bind destinations
//! (`runsc/container/fs.go setupFS`, `resolveSymlinks`).

use crate::engines::runsc2018::boot::{is_9p_mount, SpecView};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::host_tree::build_host;
use crate::p9::fsgofer::Gofer;
use crate::p9::host::{HostFs, ROOT_INO};
use crate::scenario::HostInput;
use crate::vfs::clean;

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
        Walk::OutOfLookups => crate::limits::HOST_SYMLINK_LOOKUPS.spent(path).into(),
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
        crate::limits::GOFER_FDS.check("gofer_fds", f.len())?;
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
