//! `containerMounter.prepareMounts` (runsc/boot/vfs.go): which compiled
//! mount takes which gofer conf and FDs, the leftover-FD check
//! (`checkDispenser`), and the sort by destination length.
//!
//! FDs are plain numbers here: the engine hands out the numbers its gofer
//! stands-in use. runsc prints a leftover `fdDispenser` with `%v`, which
//! shows `*fd.FD` pointers (`{[0xc000…]}`); this port prints the numbers in
//! the same frame (`{[5 6]}`), so only the text's prefix is runsc's.

use super::compile::{change_mount_type, has_mount_config, maybe_convert_to_bind_mount};
use super::gofer_conf::GoferMountConf;
use super::hints::{MountHint, PodMountHints};
use super::mount::SpecMount;
use crate::error::{Error, Result};
use std::collections::VecDeque;

/// `fdDispenser`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FdQueue {
    pub fds: VecDeque<i32>,
}

impl FdQueue {
    /// A dispenser over these FDs, dispensed in order.
    pub fn new(fds: impl IntoIterator<Item = i32>) -> FdQueue {
        FdQueue {
            fds: fds.into_iter().collect(),
        }
    }

    /// `remove()`; runsc panics when empty, so that error is fatal.
    pub fn remove(&mut self) -> Result<i32> {
        self.fds
            .pop_front()
            .ok_or_else(|| Error::fatal("fdDispenser out of fds"))
    }

    /// `empty()`.
    pub fn is_empty(&self) -> bool {
        self.fds.is_empty()
    }

    /// `%v` of the dispenser, with FD numbers for runsc's pointers.
    pub fn go_v(&self) -> String {
        let fds: Vec<String> = self.fds.iter().map(i32::to_string).collect();
        format!("{{[{}]}}", fds.join(" "))
    }
}

/// `mountInfo`: a compiled mount with what `prepareMounts` gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedMount {
    pub mount: SpecMount,
    pub gofer_fd: Option<i32>,
    pub hint: Option<MountHint>,
    /// `None` is Go's zero conf (`none:none`): the mount has no mount config.
    pub gofer_conf: Option<GoferMountConf>,
    pub filestore_fd: Option<i32>,
}

/// `checkDispenser` (the dev gofer FD is not modelled).
pub fn check_dispenser(gofer_fds: &FdQueue, filestore_fds: &FdQueue) -> Result<()> {
    if !gofer_fds.is_empty() {
        return Err(Error::msg(format!(
            "not all gofer FDs were consumed, remaining: {}",
            gofer_fds.go_v()
        )));
    }
    if !filestore_fds.is_empty() {
        return Err(Error::msg(format!(
            "not all gofer Filestore FDs were consumed, remaining: {}",
            filestore_fds.go_v()
        )));
    }
    Ok(())
}

/// `prepareMounts`. `confs` is the whole `--gofer-mount-confs` list (the
/// root's first); the dispensers hold what is left after the root took its
/// FDs. FDs are associated in compiled order, before the sort, because they
/// were dispensed in that order. The sort is Go's `sort.Slice` by
/// destination *length* (not stable past 12 mounts). A conf list shorter
/// than the mounts needing one is a Go index panic, so a fatal error here.
pub fn prepare_mounts(
    compiled: &[SpecMount],
    confs: &[GoferMountConf],
    gofer_fds: &mut FdQueue,
    filestore_fds: &mut FdQueue,
    hints: &PodMountHints,
) -> Result<Vec<PreparedMount>> {
    let mut mounts = Vec::with_capacity(compiled.len());
    let mut idx = 1; // The first conf is the root's.
    for m in compiled {
        let mut info = PreparedMount {
            mount: m.clone(),
            gofer_fd: None,
            hint: hints.find_mount(&m.source).cloned(),
            gofer_conf: None,
            filestore_fd: None,
        };
        maybe_convert_to_bind_mount(&mut info.mount);
        if has_mount_config(&info.mount) {
            let conf = confs.get(idx).cloned().ok_or_else(|| {
                Error::fatal(format!(
                    "runtime error: index out of range [{idx}] with length {}",
                    confs.len()
                ))
            })?;
            if conf.should_use_lisafs() || conf.should_use_erofs() {
                info.gofer_fd = Some(gofer_fds.remove()?);
            }
            if conf.is_filestore_present() {
                info.filestore_fd = Some(filestore_fds.remove()?);
            }
            if conf.should_use_tmpfs() {
                change_mount_type(&mut info.mount, "tmpfs");
            }
            info.gofer_conf = Some(conf);
            idx += 1;
        }
        mounts.push(info);
    }
    check_dispenser(gofer_fds, filestore_fds)?;
    crate::gosort::slice(&mut mounts, |a, b| {
        a.mount.destination.len() < b.mount.destination.len()
    });
    Ok(mounts)
}

#[cfg(test)]
mod tests {
    use super::super::compile::compile_mounts;
    use super::super::config::RunscConfig;
    use super::super::gofer_conf::parse_confs_flag;
    use super::*;

    fn bind(src: &str, dst: &str) -> SpecMount {
        SpecMount {
            destination: dst.into(),
            typ: "none".into(),
            source: src.into(),
            options: Some(vec!["rbind".into()]),
            ..SpecMount::default()
        }
    }

    #[test]
    fn fds_follow_compiled_order_then_mounts_sort_by_length() {
        let compiled = compile_mounts(
            &[
                bind("/a", "/data/long"),
                SpecMount::new("tmpfs", "/t"),
                bind("/b", "/x"),
            ],
            &RunscConfig::default(),
        );
        let confs = parse_confs_flag("lisafs:self,lisafs:none,lisafs:memory").unwrap();
        let mut fds = FdQueue::new([5, 6]);
        let mut stores = FdQueue::default();
        let got = prepare_mounts(
            &compiled,
            &confs,
            &mut fds,
            &mut stores,
            &PodMountHints::default(),
        )
        .unwrap();
        let order: Vec<(&str, &str, Option<i32>)> = got
            .iter()
            .map(|i| {
                (
                    i.mount.destination.as_str(),
                    i.mount.typ.as_str(),
                    i.gofer_fd,
                )
            })
            .collect();
        // Stable for <= 12 mounts: equal lengths keep compiled order.
        assert_eq!(
            order,
            [
                ("/t", "tmpfs", None),
                ("/x", "bind", Some(6)),
                ("/sys", "sysfs", None),
                ("/dev", "dev", None),
                ("/proc", "proc", None),
                ("/dev/pts", "devpts", None),
                ("/data/long", "bind", Some(5)),
            ]
        );
    }

    #[test]
    fn leftover_and_missing_fds() {
        let compiled = [bind("/a", "/a")];
        let confs = parse_confs_flag("lisafs:self,lisafs:none").unwrap();
        let e = prepare_mounts(
            &compiled,
            &confs,
            &mut FdQueue::new([5, 6]),
            &mut FdQueue::default(),
            &PodMountHints::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "not all gofer FDs were consumed, remaining: {[6]}"
        );
        let e = prepare_mounts(
            &compiled,
            &confs,
            &mut FdQueue::default(),
            &mut FdQueue::default(),
            &PodMountHints::default(),
        )
        .unwrap_err();
        assert!(e.is_fatal() && e.to_string() == "fdDispenser out of fds");
        let e = prepare_mounts(
            &compiled,
            &confs[..1],
            &mut FdQueue::new([5]),
            &mut FdQueue::default(),
            &PodMountHints::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "runtime error: index out of range [1] with length 1"
        );
    }

    #[test]
    fn a_tmpfs_hint_turns_the_bind_into_a_filestore_tmpfs() {
        let hints = super::super::hints::hints_from(&[
            ("dev.gvisor.spec.mount.v.source", "/a"),
            ("dev.gvisor.spec.mount.v.type", "tmpfs"),
            ("dev.gvisor.spec.mount.v.share", "pod"),
        ]);
        let confs = parse_confs_flag("lisafs:self,none:self").unwrap();
        let got = prepare_mounts(
            &[bind("/a", "/vol")],
            &confs,
            &mut FdQueue::default(),
            &mut FdQueue::new([9]),
            &hints,
        )
        .unwrap();
        let i = &got[0];
        assert_eq!((i.mount.typ.as_str(), i.mount.opts()), ("tmpfs", &[][..]));
        assert_eq!((i.gofer_fd, i.filestore_fd), (None, Some(9)));
        assert!(i.hint.as_ref().is_some_and(|h| h.should_share_mount()));
    }

    /// Past 12 mounts the order of equal lengths is pdqsort's, not compiled
    /// order. The expectation comes from `gosort::slice`, itself checked
    /// against Go 1.26.3's `sort.Slice` (tests/gosort.rs); what this checks
    /// is that prepareMounts sorts with it and by length alone. The Go 1.26
    /// order of this very list was not run in Go (no toolchain here).
    #[test]
    fn more_than_twelve_mounts_sort_as_go_does() {
        let dsts = [
            "/data/a",
            "/data/b",
            "/data/c",
            "/data/d",
            "/etc/hosts",
            "/dev/shm",
            "/run/x",
            "/var/log",
            "/opt/aa",
            "/srv/bb",
            "/mnt/cc",
        ];
        let spec: Vec<SpecMount> = dsts.iter().map(|d| SpecMount::new("tmpfs", d)).collect();
        let compiled = compile_mounts(&spec, &RunscConfig::default());
        assert_eq!(compiled.len(), 15);
        let mut want: Vec<String> = compiled.iter().map(|m| m.destination.clone()).collect();
        crate::gosort::slice(&mut want, |a, b| a.len() < b.len());
        let got = prepare_mounts(
            &compiled,
            &[],
            &mut FdQueue::default(),
            &mut FdQueue::default(),
            &PodMountHints::default(),
        )
        .unwrap();
        let got: Vec<&str> = got.iter().map(|i| i.mount.destination.as_str()).collect();
        assert_eq!(got, want);
        let mut stable: Vec<String> = compiled.iter().map(|m| m.destination.clone()).collect();
        stable.sort_by_key(String::len);
        assert_ne!(want, stable, "this list must show pdqsort's instability");
    }
}
