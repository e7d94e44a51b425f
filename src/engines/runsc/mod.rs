//! Today's runsc (gVisor VFS2, `runsc/boot/vfs.go` at 3c5eee17): the rules
//! that depend only on the spec and runsc's flags.
//!
//! Each file ports one concept, named after the gVisor function or type it
//! follows; the mount-namespace builder (makeMountPoint, mountTmp, overlays,
//! `/proc/mounts`) comes with the full engine and builds on these.

pub mod compile;
pub mod config;
pub mod fsname;
pub mod gofer_conf;
pub mod hints;
pub mod log;
pub mod mount;
pub mod options;
pub mod overlay2;
pub mod prepare;
pub mod restore;
pub mod validate;
