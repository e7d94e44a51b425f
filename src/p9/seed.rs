//! Native only: load a real directory into a [`HostFs`] (`serve-9p --seed`).
//! The disk is only read, never written. Regular files, directories and
//! symlinks are copied with their permission bits and owners; other file
//! types (sockets, devices, fifos) and names that are not UTF-8 are skipped
//! and reported, as fsgofer serves only files, directories and symlinks.

use super::host::{HostFs, Ino, NodeKind, MAX_FILE_SIZE};
use crate::error::{Error, Result};
use crate::limits;
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// What `seed_from_dir` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub files: usize,
    pub dirs: usize,
    pub symlinks: usize,
    pub bytes: u64,
    /// Paths skipped, with why (files skipped are not in `files`/`bytes`).
    pub skipped: Vec<String>,
}

/// Copies `dir`'s contents into the root of `host`.
pub fn seed_from_dir(host: &mut HostFs, dir: &Path) -> Result<SeedReport> {
    let meta =
        std::fs::metadata(dir).map_err(|e| Error::msg(format!("seed {}: {e}", dir.display())))?;
    if !meta.is_dir() {
        return Err(Error::msg(format!(
            "seed {}: not a directory",
            dir.display()
        )));
    }
    let mut report = SeedReport::default();
    let root = host.lookup("/").map_err(Error::from)?;
    copy_dir(host, root, dir, &mut report)?;
    Ok(report)
}

fn copy_dir(host: &mut HostFs, into: Ino, dir: &Path, report: &mut SeedReport) -> Result<()> {
    let rd =
        std::fs::read_dir(dir).map_err(|e| Error::msg(format!("read {}: {e}", dir.display())))?;
    let mut names: Vec<_> = rd.filter_map(|e| e.ok()).collect();
    names.sort_by_key(|e| e.file_name());
    for entry in names {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            report
                .skipped
                .push(format!("{}: name is not UTF-8", path.display()));
            continue;
        };
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                report.skipped.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let ft = meta.file_type();
        let perm = meta.mode() & 0o7777;
        let (uid, gid) = (meta.uid(), meta.gid());
        let created = if ft.is_dir() {
            host.create_in(into, &name, NodeKind::Dir(BTreeMap::new()), perm, uid, gid)
                .map(|ino| (ino, true))
        } else if ft.is_symlink() {
            let target = match std::fs::read_link(&path).map(|t| t.to_str().map(str::to_string)) {
                Ok(Some(t)) => t,
                _ => {
                    report
                        .skipped
                        .push(format!("{}: unreadable or non-UTF-8 link", path.display()));
                    continue;
                }
            };
            host.create_in(into, &name, NodeKind::Symlink(target), 0o777, uid, gid)
                .map(|ino| (ino, false))
        } else if ft.is_file() {
            let data = match read_within_budget(host, &path, meta.len()) {
                Ok(d) => d,
                Err(why) => {
                    report.skipped.push(why);
                    continue;
                }
            };
            let len = data.len() as u64;
            match host.create_in(into, &name, NodeKind::File(data), perm, uid, gid) {
                Ok(_) => {
                    report.files += 1;
                    report.bytes += len;
                }
                Err(e) => report.skipped.push(format!("{}: {e}", path.display())),
            }
            continue;
        } else {
            report.skipped.push(format!(
                "{}: not a file, directory or symlink",
                path.display()
            ));
            continue;
        };
        match created {
            Ok((ino, true)) => {
                report.dirs += 1;
                copy_dir(host, ino, &path, report)?;
            }
            Ok(_) => report.symlinks += 1,
            Err(e) => report.skipped.push(format!("{}: {e}", path.display())),
        }
    }
    Ok(())
}

/// Reads a regular file only if its size fits `MAX_FILE_SIZE` and the host
/// budget left, checked on the metadata first so a huge (or sparse) file
/// costs no memory; at most limit + 1 bytes are read, in case it grew.
fn read_within_budget(
    host: &HostFs,
    path: &Path,
    size: u64,
) -> std::result::Result<Vec<u8>, String> {
    let at = path.display();
    let left = host.capacity.saturating_sub(host.used_bytes());
    let too_big = |got: String| limits::FILE_SIZE.exceeded(&at, got).text;
    if size > MAX_FILE_SIZE {
        return Err(too_big(size.to_string()));
    }
    let over_budget = |got: String| {
        format!(
            "{}: {left} bytes left",
            limits::Limit {
                max: host.capacity,
                ..limits::HOST_BYTES
            }
            .exceeded(&at, got)
        )
    };
    if size > left {
        return Err(over_budget(size.to_string()));
    }
    let cap = MAX_FILE_SIZE.min(left);
    let mut data = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(cap + 1).read_to_end(&mut data))
        .map_err(|e| format!("{at}: {e}"))?;
    if data.len() as u64 > cap {
        let more = format!("more than {cap}");
        return Err(if cap == MAX_FILE_SIZE {
            too_big(more)
        } else {
            over_budget(more)
        });
    }
    Ok(data)
}
