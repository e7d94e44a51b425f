//! The benchmark workloads, free of clocks so the same code runs under
//! criterion, `mountlab bench`, the smoke test and the browser. Each one is
//! set up once and then exposes one operation to time.

use super::gen::{create_target, generate, lookup_paths, tmpfs_deep_files, Generated, Kind};
use crate::engines::runsc2018::boot::{BootConfig, FileAccess};
use crate::engines::runsc2018::loader::Loader;
use crate::error::{Error, Result};
use crate::host_tree::build_host;
use crate::p9::client::Client;
use crate::p9::fsgofer::{ConnId, Gofer};
use crate::p9::host::HostFs;
use crate::p9::version::{DEFAULT_MSIZE, HIGHEST_SUPPORTED_VERSION};
use crate::vfs::{Ctx, OpenFlags};

/// How many files one timed create batch makes before they are removed
/// (untimed), so memory stays flat however long the benchmark runs.
pub const CREATE_BATCH: usize = 1000;
/// The 4 KiB payload of every create+write.
pub const PAYLOAD: [u8; 4096] = [0x5a; 4096];

/// runsc's config for the two build flavours.
pub fn config(overlay: bool) -> BootConfig {
    BootConfig {
        overlay,
        file_access: FileAccess::Exclusive,
    }
}

/// Stages the host side of a generated spec (the root filesystem and every
/// bind source): what exists before runsc starts. Not part of the timed
/// build, as the kernel helper also stages its host tree before timing.
pub fn stage_host(g: &Generated) -> Result<HostFs> {
    build_host(Some(&g.host))
}

/// What the build benchmark times: runsc booting a sandbox on a staged host
/// (gofer attach points and connections, then `createMountNamespace`).
pub fn boot(g: &Generated, host: HostFs, overlay: bool) -> Result<Loader> {
    let sb = Loader::boot_on_host(&g.spec, config(overlay), host, None)?;
    match &sb.setup_error {
        Some(e) => Err(Error::msg(format!("bench spec failed to build: {e}"))),
        None => Ok(sb),
    }
}

/// Stages the host and boots the sandbox, for the workloads that need a
/// built namespace.
pub fn build(g: &Generated, overlay: bool) -> Result<Loader> {
    boot(g, stage_host(g)?, overlay)
}

fn root_ctx(sb: &Loader) -> Result<Ctx> {
    Ok(Ctx::at(sb.root()?))
}

/// Path lookups through a built namespace (`stat(2)` of each path, as the
/// kernel helper does).
pub struct Lookups {
    pub sb: Loader,
    /// Every path: mount points, then deep files, then missing names.
    pub paths: Vec<String>,
    /// Where each category starts and ends in `paths`.
    pub categories: [(&'static str, std::ops::Range<usize>); 3],
    ctx: Ctx,
}

impl Lookups {
    /// A namespace of `n` mounts, its deep tmpfs files created, and
    /// `per_kind` paths of each category.
    pub fn new(n: usize, per_kind: usize) -> Result<Lookups> {
        let g = generate(n);
        let mut sb = build(&g, false)?;
        let ctx = root_ctx(&sb)?;
        for p in tmpfs_deep_files(&g) {
            let dir = p.rsplit_once('/').map(|(d, _)| d).unwrap_or("/");
            sb.vfs.mkdir_all(ctx, dir, 0o755)?;
            sb.vfs.write_file(ctx, &p, b"deep\n", false)?;
        }
        let lp = lookup_paths(&g, per_kind);
        let paths: Vec<String> = lp.all().cloned().collect();
        let (a, b) = (lp.mount_points.len(), lp.deep_files.len());
        let categories = [
            ("mount_points", 0..a),
            ("deep_files", a..a + b),
            ("missing", a + b..paths.len()),
        ];
        Ok(Lookups {
            sb,
            paths,
            categories,
            ctx,
        })
    }

    /// Resolves every path once; returns how many exist.
    pub fn run(&mut self) -> usize {
        self.run_range(0..self.paths.len())
    }

    /// Resolves the paths in `range` once; returns how many exist.
    pub fn run_range(&mut self, range: std::ops::Range<usize>) -> usize {
        let mut found = 0;
        for p in self.paths.get(range).unwrap_or(&[]) {
            if self.sb.vfs.stat(self.ctx, p, true).is_ok() {
                found += 1;
            }
        }
        found
    }
}

/// Where a create benchmark writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateTarget {
    /// A tmpfs mount.
    Tmpfs,
    /// A writable bind: a 9p mount, every create and write a 9P exchange.
    NinePBind,
    /// A writable bind under `--overlay`: a tmpfs upper over the 9p lower.
    Overlay,
}

/// create + write 4 KiB + close in one directory.
pub struct Creates {
    pub sb: Loader,
    dir: String,
    ctx: Ctx,
    made: Vec<String>,
    seq: usize,
}

impl Creates {
    pub fn new(target: CreateTarget) -> Result<Creates> {
        let g = generate(100);
        let overlay = target == CreateTarget::Overlay;
        let want = match target {
            CreateTarget::Tmpfs => Kind::Tmpfs,
            _ => Kind::BindRw,
        };
        let dest = create_target(&g, want)
            .map(str::to_string)
            .ok_or_else(|| Error::msg("bench spec has no mount of the wanted kind"))?;
        let mut sb = build(&g, overlay)?;
        let ctx = root_ctx(&sb)?;
        let dir = format!("{dest}/bench");
        sb.vfs.mkdir(ctx, &dir, 0o755)?;
        Ok(Creates {
            sb,
            dir,
            ctx,
            made: Vec::with_capacity(CREATE_BATCH),
            seq: 0,
        })
    }

    /// One create+write+close of a new 4 KiB file.
    pub fn op(&mut self) -> Result<()> {
        let path = format!("{}/f{}", self.dir, self.seq);
        self.seq += 1;
        let f = self
            .sb
            .vfs
            .open(self.ctx, &path, OpenFlags::create_truncate(), 0o644)?;
        let w = self.sb.vfs.write(f, &PAYLOAD);
        self.sb.vfs.close(f)?;
        w?;
        self.made.push(path);
        Ok(())
    }

    /// Removes the files made so far (the untimed half of a batch).
    pub fn cleanup(&mut self) -> Result<()> {
        for p in self.made.drain(..) {
            self.sb.vfs.remove(self.ctx, &p, false)?;
        }
        Ok(())
    }
}

/// readdir of a merged overlay directory: 500 names in the 9p lower (the
/// root) and 500 created through the overlay into the tmpfs upper.
pub struct Readdir {
    pub sb: Loader,
    ctx: Ctx,
}

/// The directory the readdir benchmark lists.
pub const READDIR_DIR: &str = "/srv/big";
/// Entries in each layer of it.
pub const READDIR_HALF: usize = 500;

impl Readdir {
    pub fn new() -> Result<Readdir> {
        let mut g = generate(10);
        let root = g.host.entry("/".into()).or_default();
        for i in 0..READDIR_HALF {
            root.insert(
                format!("srv/big/lower{i:04}"),
                crate::scenario::HostNodeInput::Content("x".into()),
            );
        }
        let mut sb = build(&g, true)?;
        let ctx = root_ctx(&sb)?;
        for i in 0..READDIR_HALF {
            sb.vfs
                .write_file(ctx, &format!("{READDIR_DIR}/upper{i:04}"), b"y", false)?;
        }
        Ok(Readdir { sb, ctx })
    }

    /// One readdir; returns the number of entries.
    pub fn op(&mut self) -> Result<usize> {
        Ok(self.sb.vfs.readdir(self.ctx, READDIR_DIR)?.len())
    }
}

/// `/proc/self/mountinfo` of a namespace of `n` mounts.
pub struct Mountinfo {
    pub sb: Loader,
    ctx: Ctx,
}

impl Mountinfo {
    pub fn new(n: usize) -> Result<Mountinfo> {
        let sb = build(&generate(n), false)?;
        let ctx = root_ctx(&sb)?;
        Ok(Mountinfo { sb, ctx })
    }

    /// Reads the whole file once; returns its length.
    pub fn op(&mut self) -> Result<usize> {
        Ok(self
            .sb
            .vfs
            .read_file(self.ctx, "/proc/self/mountinfo", usize::MAX)?
            .len())
    }
}

/// 9P round trips over one in-memory connection: encoded T frames through
/// the duplex, decoded by the server, R frames encoded back and decoded.
pub struct NineP {
    pub gofer: Gofer,
    conn: ConnId,
    root_fid: u32,
}

impl NineP {
    /// A connection to a small tree; `log` keeps the per-connection message
    /// log on (as the sandbox does) or off (the fast path).
    pub fn new(log: bool) -> Result<NineP> {
        let mut host = HostFs::new();
        host.insert_file("/etc/hosts", 0o644, b"127.0.0.1 localhost\n")?;
        let mut gofer = Gofer::new(host);
        if !log {
            gofer.log.capacity = 0;
        }
        let ap = gofer.add_attach_point("/", false);
        let conn = gofer.connect(ap, 3);
        let mut h = gofer.conn(conn)?;
        h.version(DEFAULT_MSIZE, HIGHEST_SUPPORTED_VERSION)
            .map_err(|e| Error::msg(e.to_string()))?;
        let (root_fid, _) = h.attach("/", 0)?;
        Ok(NineP {
            gofer,
            conn,
            root_fid,
        })
    }

    /// Twalk + Tgetattr + Tclunk: three round trips (crosvm's measure).
    pub fn op(&mut self) -> Result<u64> {
        let mut h = self.gofer.conn(self.conn)?;
        let (fid, _) = h.walk(self.root_fid, &["etc", "hosts"])?;
        let (_, _, attr) = h.getattr(fid, 0x3fff)?;
        h.clunk(fid)?;
        Ok(attr.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smoke run: every workload at tiny sizes, well under a second.
    #[test]
    fn every_workload_runs_at_tiny_sizes() {
        let g = generate(10);
        build(&g, false).unwrap();
        build(&g, true).unwrap();
        let mut l = Lookups::new(10, 5).unwrap();
        let found = l.run();
        assert!(found > 0 && found < l.paths.len(), "{found}");
        for t in [
            CreateTarget::Tmpfs,
            CreateTarget::NinePBind,
            CreateTarget::Overlay,
        ] {
            let mut c = Creates::new(t).unwrap();
            for _ in 0..3 {
                c.op().unwrap();
            }
            c.cleanup().unwrap();
        }
        let mut r = Readdir::new().unwrap();
        // 1000 merged entries plus the directories the spec put there.
        assert!(r.op().unwrap() >= 2 * READDIR_HALF);
        let mut m = Mountinfo::new(10).unwrap();
        assert!(m.op().unwrap() > 0);
        for log in [true, false] {
            let mut p = NineP::new(log).unwrap();
            assert_eq!(p.op().unwrap(), 20);
        }
    }
}
