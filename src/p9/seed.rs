//! Native only: load a real directory into a [`HostFs`] (`serve-9p --seed`).
//! The disk is only read, never written. Regular files, directories and
//! symlinks are copied with their permission bits and owners; other file
//! types (sockets, devices, fifos) and names that are not UTF-8 are skipped
//! and reported, as fsgofer serves only files, directories and symlinks.

use super::host::{HostFs, Ino, NodeKind};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// What `seed_from_dir` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub files: usize,
    pub dirs: usize,
    pub symlinks: usize,
    pub bytes: u64,
    /// Paths skipped, with why.
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
            report.symlinks += 1;
            host.create_in(into, &name, NodeKind::Symlink(target), 0o777, uid, gid)
                .map(|ino| (ino, false))
        } else if ft.is_file() {
            let data = match std::fs::read(&path) {
                Ok(d) => d,
                Err(e) => {
                    report.skipped.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            report.files += 1;
            report.bytes += data.len() as u64;
            host.create_in(into, &name, NodeKind::File(data), perm, uid, gid)
                .map(|ino| (ino, false))
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
            Ok(_) => {}
            Err(e) => report.skipped.push(format!("{}: {e}", path.display())),
        }
    }
    Ok(())
}
