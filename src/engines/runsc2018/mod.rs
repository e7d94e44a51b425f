//! runsc 2018 (gVisor 82719be4): `runsc/boot/fs.go` over the sentry VFS and
//! the in-memory gofer. `boot` is the fs.go port, `loader` runs a scenario
//! the way `boot.Loader` does (root container, then child starts and
//! destroys), and `container_fs` ports `runsc/container/fs.go`, the gofer
//! side's preparation of the host tree.

pub mod boot;
pub mod container_fs;
pub mod loader;
