//! `/dev` (libcontainer/rootfs_linux.go `needsSetupDev`, `doSetupDev`,
//! `createDevices`, `createDeviceNode`, `setupPtmx`, `setupDevSymlinks`;
//! the default devices of libcontainer/specconv `AllowedDevices`).

use super::config::ContainerConfig;
use super::mountpoint::{self as mp, lexically_clean_path};
use super::report::{DevNode, RuncEvent};
use super::sim::Sim;
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::vfs::{join, Device, Node};

/// The `AllowedDevices` entries that have a path, in specconv's order:
/// (path, major, minor). All are char devices, mode 0666, owned by root.
pub const DEFAULT_DEVICES: &[(&str, i64, i64)] = &[
    ("/dev/null", 1, 3),
    ("/dev/random", 1, 8),
    ("/dev/full", 1, 7),
    ("/dev/tty", 5, 0),
    ("/dev/zero", 1, 5),
    ("/dev/urandom", 1, 9),
];

/// The VFS device behind (major, minor). The VFS has no block devices and
/// no other terminals; those stand in as the pty multiplexer and
/// `/dev/null` (their numbers in the report are the real ones).
fn vfs_device(major: i64, minor: i64) -> Device {
    match (major, minor) {
        (1, 5) => Device::Zero,
        (1, 7) => Device::Full,
        (1, 8) => Device::Random,
        (1, 9) => Device::URandom,
        (5, 0) => Device::Tty,
        (10, 229) => Device::Fuse,
        (5, _) => Device::Ptmx,
        _ => Device::Null,
    }
}

/// `config.Devices`: the defaults, each replaced by a `linux.devices`
/// entry with the same path, then the spec's others in order.
fn devices(spec_devices: &[DevNode]) -> Vec<DevNode> {
    let mut out: Vec<DevNode> = DEFAULT_DEVICES
        .iter()
        .map(|&(path, major, minor)| DevNode {
            path: path.to_string(),
            typ: "c".into(),
            major,
            minor,
            mode: "0666".into(),
        })
        .collect();
    for d in spec_devices {
        match out.iter_mut().find(|o| o.path == d.path) {
            Some(o) => *o = d.clone(),
            None => out.push(d.clone()),
        }
    }
    out
}

/// `needsSetupDev`: only a bind at `/dev` turns the population off.
pub fn needs_setup_dev(config: &ContainerConfig) -> bool {
    !config
        .mounts
        .iter()
        .any(|m| m.device == "bind" && lexically_clean_path(&m.destination) == "/dev")
}

/// `doSetupDev` (when needed).
pub(crate) fn setup_dev(sim: &mut Sim, config: &ContainerConfig) -> Result<()> {
    let populate = needs_setup_dev(config);
    sim.state.dev_setup = populate;
    sim.events.push(RuncEvent::DevSetup {
        populated: populate,
        reason: if populate {
            "no bind mount at /dev".into()
        } else {
            "/dev is a bind mount".into()
        },
    });
    if !populate {
        return Ok(());
    }
    let userns = config.contains_ns("user");
    for d in devices(&sim.spec_devices) {
        if lexically_clean_path(&d.path) == "/dev/ptmx" {
            continue;
        }
        create_device_node(sim, &d, userns).map_err(|e| e.wrap("error creating device nodes"))?;
        sim.state.dev_nodes.push(d);
    }
    setup_ptmx(sim).map_err(|e| e.wrap("error setting up ptmx"))?;
    setup_dev_symlinks(sim).map_err(|e| e.wrap("error setting up /dev symlinks"))
}

fn create_device_node(sim: &mut Sim, d: &DevNode, bind: bool) -> Result<()> {
    let ctx = sim.ctx();
    let path = mp::secure_join(&mut sim.vfs, ctx, &d.path)?;
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", &path));
    let dir = if dir.is_empty() { "/" } else { dir };
    let (dd, _, _) =
        mp::mkdir_all_in_root(&mut sim.vfs, ctx, &sim.rootfs, dir, 0o755).map_err(|e| {
            e.wrap(format_args!(
                "mkdir parent of device inode {}",
                quote(&d.path)
            ))
        })?;
    let full = join(dir, name);
    if bind {
        // A user namespace may not mknod: an empty file, then a bind of the
        // host's node.
        if sim.vfs.lookup(ctx, &full, false).is_err() {
            let f = sim
                .vfs
                .open(ctx, &full, crate::vfs::OpenFlags::create_truncate(), 0)?;
            sim.vfs.close(f)?;
        }
        let target = sim.vfs.lookup(ctx, &full, false)?;
        let src = d.path.clone();
        // bindMountDeviceNode names the target by its host path.
        let shown = join(&sim.rootfs, &full);
        sim.sys_mount(
            None,
            &src,
            target,
            &shown,
            "bind",
            super::flags::MS_BIND,
            "",
        )
        .map_err(|e| super::sim::mount_error(&src, &shown, true, super::flags::MS_BIND, "", e))?;
        return Ok(());
    }
    let typ = d.typ.chars().next().unwrap_or('c');
    if !matches!(typ, 'c' | 'u' | 'b' | 'p') {
        return Err(Error::msg(format!(
            "{typ} is not a valid device type for device {}",
            d.path
        )));
    }
    let perms = u32::from_str_radix(d.mode.trim_start_matches('0'), 8).unwrap_or(0o666);
    let dir_inode = sim.vfs.dirent_inode(dd)?;
    let real_dir = match sim.vfs.overlay_entry(dir_inode) {
        Some(_) => sim.vfs.overlay_upper_of(dd)?,
        None => dir_inode,
    };
    match sim.vfs.plain_create(
        real_dir,
        name,
        perms,
        Node::CharDev(vfs_device(d.major, d.minor)),
    ) {
        Err(e) if e.is(Errno::EEXIST) => Ok(()),
        r => r.map(drop),
    }
}

/// `setupPtmx`: `/dev/ptmx` becomes a symlink to `pts/ptmx`.
fn setup_ptmx(sim: &mut Sim) -> Result<()> {
    let ctx = sim.ctx();
    match sim.vfs.remove(ctx, "/dev/ptmx", false) {
        Err(e) if !e.is(Errno::ENOENT) => return Err(e),
        _ => {}
    }
    symlink_in_root(sim, "pts/ptmx", "/dev/ptmx")
}

fn symlink_in_root(sim: &mut Sim, target: &str, path: &str) -> Result<()> {
    let ctx = sim.ctx();
    let (dir, _) = path.rsplit_once('/').unwrap_or(("/", path));
    mp::mkdir_all_in_root(
        &mut sim.vfs,
        ctx,
        &sim.rootfs,
        if dir.is_empty() { "/" } else { dir },
        0o755,
    )?;
    sim.vfs.symlink(ctx, target, path)?;
    sim.events.push(RuncEvent::DevSymlink {
        path: path.to_string(),
        target: target.to_string(),
    });
    Ok(())
}

/// `setupDevSymlinks`: `/dev/fd`, `stdin`, `stdout`, `stderr`, and
/// `/dev/core` when the host has `/proc/kcore`; EEXIST is ignored.
fn setup_dev_symlinks(sim: &mut Sim) -> Result<()> {
    let mut links = vec![
        ("/proc/self/fd", "/dev/fd"),
        ("/proc/self/fd/0", "/dev/stdin"),
        ("/proc/self/fd/1", "/dev/stdout"),
        ("/proc/self/fd/2", "/dev/stderr"),
    ];
    let hctx = sim.host_ctx();
    if sim.vfs.stat(hctx, "/proc/kcore", true).is_ok() {
        links.push(("/proc/kcore", "/dev/core"));
    }
    for (target, path) in links {
        match symlink_in_root(sim, target, path) {
            Err(e) if e.is(Errno::EEXIST) => {}
            r => r?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::runc::mount::ConfigsMount;

    fn config(source: &str, destination: &str) -> ContainerConfig {
        ContainerConfig {
            mounts: vec![ConfigsMount {
                device: "bind".into(),
                source: source.into(),
                destination: destination.into(),
                ..ConfigsMount::default()
            }],
            ..ContainerConfig::default()
        }
    }

    /// Ports rootfs_linux_test.go's `TestNeedsSetupDev*`: only the
    /// destination (cleaned) of a "bind" device matters.
    #[test]
    fn needs_setup_dev_like_runc() {
        assert!(!needs_setup_dev(&config("/dev", "/dev")));
        assert!(!needs_setup_dev(&config("/devx", "/dev")));
        assert!(needs_setup_dev(&config("/dev", "/devx")));
        assert!(needs_setup_dev(&config("/devx", "/devx")));
        assert!(!needs_setup_dev(&config("/x", "/dev/")));
        assert!(needs_setup_dev(&config("/x", "dev")));
    }
}
