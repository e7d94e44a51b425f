//! The console of a `process.terminal` container (libcontainer/init_linux.go
//! `setupConsole`, console_linux.go `safeAllocPty`, `mountConsole`): after
//! the rootfs is prepared and before it is finalized, a pty pair is taken
//! from the container's own devpts (`/dev/pts/ptmx`) and its peer is
//! bind-mounted on `/dev/console`.

use super::flags::MS_BIND;
use super::kernel::Superblock;
use super::report::RuncEvent;
use super::sim::{mount_error, Sim};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::vfs::{Ctx, Device, Node, OpenFlags};

/// statfs(2)'s `f_type` of the filesystems the simulator has, for
/// `checkPtmxHandle`'s message.
fn super_magic(fstype: &str) -> u64 {
    match fstype {
        "tmpfs" | "devtmpfs" => 0x0102_1994,
        "ext4" => 0xef53,
        "proc" => 0x9fa0,
        "sysfs" => 0x6265_6572,
        "mqueue" => 0x1980_0202,
        "cgroup2" => 0x6367_7270,
        "cgroup" => 0x0027_e0eb,
        _ => 0,
    }
}

/// A devpts option (`mode=620`, `gid=5`) from its `show_options` text.
fn devpts_opt(sb: &Superblock, key: &str) -> Option<u32> {
    sb.fs_opts.split(',').find_map(|o| {
        let v = o.strip_prefix(key)?.strip_prefix('=')?;
        if key == "mode" {
            u32::from_str_radix(v, 8).ok()
        } else {
            v.parse().ok()
        }
    })
}

/// `setupConsole(…, mount=true)`.
pub(crate) fn setup_console(sim: &mut Sim) -> Result<()> {
    let ctx = sim.ctx();
    let ptmx = sim
        .vfs
        .lookup(ctx, "/dev/pts/ptmx", false)
        .map_err(|e| Error::msg(format!("open /dev/pts/ptmx: {e}")))?;
    let Some((_, rec)) = sim.mount_record_of(ptmx) else {
        return Err(Errno::EINVAL.into());
    };
    if rec.sb.fstype != "devpts" {
        return Err(Error::msg(format!(
            "ptmx handle is not on a real devpts mount: super magic is {:#x}",
            super_magic(&rec.sb.fstype)
        ))
        .wrap("verify ptmx handle"));
    }
    // The kernel allocates pty 0 (136:0; the VFS's pty multiplexer stands
    // in) in that devpts instance with its mode and gid options
    // (devpts_pty_new).
    let mode = devpts_opt(&rec.sb, "mode").unwrap_or(0o600);
    let gid = devpts_opt(&rec.sb, "gid").unwrap_or(0);
    let pts_root = sim.vfs.mount_of(ptmx).ok_or(Errno::EINVAL)?;
    let dir = sim.vfs.dirent_inode(pts_root)?;
    let msrc = sim.vfs.inode(dir).map(|i| i.msrc).ok_or(Errno::ESTALE)?;
    let peer = sim.vfs.alloc_inode(msrc, mode, Node::CharDev(Device::Ptmx));
    sim.vfs.plain_setattr(peer, |a| a.gid = gid)?;
    sim.vfs.dir_insert(dir, "0", peer)?;
    mount_console(sim, ctx)
}

/// `mountConsole`: `/dev/console` opened `O_NOFOLLOW|O_CREAT` 0666, then
/// the peer bound on it.
fn mount_console(sim: &mut Sim, ctx: Ctx) -> Result<()> {
    let target = match sim.vfs.lookup(ctx, "/dev/console", false) {
        Ok(d) => {
            let inode = sim.vfs.dirent_inode(d)?;
            if sim.vfs.file_type(inode) == crate::vfs::FileType::Symlink {
                return Err(Error::from(Errno::ELOOP).wrap("create /dev/console mount target"));
            }
            d
        }
        Err(e) if e.is(Errno::ENOENT) => {
            let f = sim
                .vfs
                .open(ctx, "/dev/console", OpenFlags::create_truncate(), 0o666)
                .map_err(|e| e.wrap("create /dev/console mount target"))?;
            sim.vfs.close(f)?;
            sim.vfs.lookup(ctx, "/dev/console", false)?
        }
        Err(e) => return Err(e.wrap("create /dev/console mount target")),
    };
    let peer = sim.vfs.lookup(ctx, "/dev/pts/0", false)?;
    sim.bind_fd("/dev/pts/0", peer, target, "/dev/console", MS_BIND)
        .map_err(|e| mount_error("/dev/pts/0", "/dev/console", true, MS_BIND, "", e))?;
    sim.events.push(RuncEvent::NotModelled {
        what: "the pty's master side (sent to --console-socket) and setctty".into(),
    });
    Ok(())
}
