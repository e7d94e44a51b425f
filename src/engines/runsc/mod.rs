//! Today's runsc (gVisor VFS2, `runsc/boot/vfs.go` at 3c5eee17): the rules
//! that depend only on the spec and runsc's flags.
//!
//! Each file ports one concept, named after the gVisor function or type it
//! follows. [`namespace::build`] is the mount-namespace builder (vfs.go's
//! `setupContainerVFS` and what `runsc create` does before it); the other
//! files are the rules it applies and the filesystems it mounts.

pub mod compile;
pub mod config;
pub mod devfs;
pub mod devices;
pub mod events;
pub mod fsname;
pub mod gofer_conf;
pub mod hints;
pub mod host;
pub mod kernfs;
pub mod log;
pub mod mount;
pub mod mount_point;
pub mod namespace;
pub mod options;
pub mod overlay2;
pub mod prepare;
pub mod proc_mounts;
pub mod report;
pub mod restore;
pub mod scenario;
pub mod simulation;
pub mod tmpfs;
pub mod validate;
pub mod vfs_glue;

pub use namespace::{build, RunscRun};
