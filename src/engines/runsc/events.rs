//! The decision log of today's runsc: one event per log call of
//! runsc/boot/vfs.go (and the host side) that says what happened to a mount,
//! plus the decisions runsc takes silently (a mount point created, a
//! symlinked destination followed, a read-only mount switched while mounts
//! are placed under it). [`RunscEvent::text`] is the line runsc logs, where
//! it logs one.

use crate::gostr::quote;
use serde::Serialize;

/// One decision, in the order runsc takes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunscEvent {
    /// mountAll: `Configuring container's file system`.
    Configuring,
    /// createMountNamespace: `Mounting root with %s, ioFD: %d`.
    MountingRoot { fs: String, io_fd: i32 },
    /// createMountNamespace: `Adding overlay on top of root`.
    RootOverlay { medium: String },
    /// configureOverlay: the self filestore is hidden with a whiteout.
    FilestoreHidden { destination: String, name: String },
    /// The gofer's host-side mount point for a bind (SetupMounts).
    HostMountPoint {
        destination: String,
        resolved: String,
    },
    /// createGoferFilestoreInSelf (`Created filestore file at %q for mount source %q`).
    FilestoreCreated { path: String, source: String },
    /// getMountNameAndOptions: `ignoring unknown filesystem type %q`.
    UnknownType { destination: String, typ: String },
    /// mountSubmount: `Adding overlay on top of mount %q`.
    SubmountOverlay { destination: String },
    /// makeMountPoint created the mount point (`dir` or `file`).
    MountPointCreated { destination: String, kind: String },
    /// The destination resolved through symlinks to another path.
    SymlinkFollowed {
        destination: String,
        mounted_at: String,
    },
    /// mountSubmount: `Mounted %q to %q type: %s, internal-options: %q`.
    Mounted {
        source: String,
        destination: String,
        typ: String,
        data: String,
    },
    /// mountAll / mountSubmounts: a read-only mount set read-write while
    /// mounts are placed below it, and back at the end.
    ReadOnlyToggled {
        destination: String,
        read_only: bool,
    },
    /// mountTmp: `Explicit "/tmp" mount found, skipping internal tmpfs`.
    TmpExplicit,
    /// mountTmp: `Mounting internal tmpfs on top of empty "/tmp"`.
    TmpOverEmpty,
    /// mountTmp: `/tmp` is missing (no log line; the tmpfs is mounted).
    TmpMissing,
    /// mountTmp: `Skipping internal tmpfs mount for "/tmp" because it's not empty`.
    TmpNotEmpty,
    /// mountTmp: "Not a dir?! Let it be."
    TmpNotDir,
    /// getSharedMount: `Mounting master of shared mount %q from %q type %q`.
    SharedMaster {
        name: String,
        source: String,
        typ: String,
    },
    /// getSharedMount: `Using existing shared mount %q from %q type %q`.
    SharedExisting {
        name: String,
        source: String,
        typ: String,
    },
    /// mountSharedSubmount: `Mounted %q type shared bind to %q`.
    SharedMounted { destination: String, name: String },
    /// mountCgroupSubmounts: one controller bound at `/sys/fs/cgroup/<ctrl>`.
    CgroupController {
        controller: String,
        destination: String,
    },
    /// createDeviceFiles: a `linux.devices` entry `created`, `existed`
    /// (EEXIST ignored) or `notmodelled` (no VFS node for it).
    Device { path: String, outcome: String },
    /// The setup stopped here with this error.
    Failed { error: String },
}

impl RunscEvent {
    /// The line runsc logs for this decision, if it logs one.
    pub fn text(&self) -> Option<String> {
        Some(match self {
            RunscEvent::Configuring => "Configuring container's file system".into(),
            RunscEvent::MountingRoot { fs, io_fd } => {
                format!("Mounting root with {fs}, ioFD: {io_fd}")
            }
            RunscEvent::RootOverlay { .. } => "Adding overlay on top of root".into(),
            RunscEvent::FilestoreCreated { path, source } => format!(
                "Created filestore file at {} for mount source {}",
                quote(path),
                quote(source)
            ),
            RunscEvent::UnknownType { typ, .. } => {
                format!("ignoring unknown filesystem type {}", quote(typ))
            }
            RunscEvent::SubmountOverlay { destination } => {
                format!("Adding overlay on top of mount {}", quote(destination))
            }
            RunscEvent::Mounted {
                source,
                destination,
                typ,
                data,
            } => format!(
                "Mounted {} to {} type: {typ}, internal-options: {}",
                quote(source),
                quote(destination),
                quote(data)
            ),
            RunscEvent::TmpExplicit => {
                "Explicit \"/tmp\" mount found, skipping internal tmpfs".into()
            }
            RunscEvent::TmpOverEmpty => "Mounting internal tmpfs on top of empty \"/tmp\"".into(),
            RunscEvent::TmpNotEmpty => {
                "Skipping internal tmpfs mount for \"/tmp\" because it's not empty".into()
            }
            RunscEvent::SharedMaster { name, source, typ } => format!(
                "Mounting master of shared mount {} from {} type {}",
                quote(name),
                quote(source),
                quote(typ)
            ),
            RunscEvent::SharedExisting { name, source, typ } => format!(
                "Using existing shared mount {} from {} type {}",
                quote(name),
                quote(source),
                quote(typ)
            ),
            RunscEvent::SharedMounted { destination, name } => format!(
                "Mounted {} type shared bind to {}",
                quote(destination),
                quote(name)
            ),
            RunscEvent::Failed { error } => error.clone(),
            _ => return None,
        })
    }
}
