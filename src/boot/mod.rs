//! The port of `runsc/boot/fs.go` (2018): how runsc turns an OCI spec into the
//! sandbox's mount namespace. Names follow the Go functions so the two files
//! can be read side by side.

mod compile;
mod config;
mod container;
mod decisions;
mod describe;
mod fds;
mod namespace;
mod options;
mod restore;
mod spec;
mod subtargets;

pub use compile::{compile_mounts, is_9p_mount, is_supported_dev_mount, CompiledMount};
pub use config::{Config, FileAccess};
pub use container::{
    destroy_container_fs, get_path, set_executable_path, setup_container_fs, validate_id,
};
pub use decisions::{Decision, Event, Layer, Origin, Outcome, Reason, Recorder};
pub use describe::{describe_layers, mount_id_of};
pub use fds::FdDispenser;
pub use namespace::{
    add_overlay, add_submount_overlay, create_mount_namespace, create_root_mount, mount_submount,
    MountList, CHILD_CONTAINERS_DIR, ROOT_DEVICE,
};
pub use options::{
    get_mount_name_and_options, mount_device, mount_flags, p9_mount_options,
    parse_and_filter_options, MountNameAndOptions,
};
pub use restore::{create_restore_environment, MountArgs, RestoreEnvironment};
pub use spec::{fill_go_zero_values, MountSpec, SpecView};
pub use subtargets::{subtargets, SubtargetIndex};

/// `fmt.Errorf("<prefix>: %v", err)` for errors on a path where runsc may
/// also panic. A Go panic (`fdDispenser.remove` on an empty dispenser)
/// unwinds through every `fmt.Errorf` of fs.go and the loader, so a fatal
/// error keeps its bare panic text instead of being wrapped.
pub fn errorf<P: std::fmt::Display>(prefix: P) -> impl FnOnce(crate::Error) -> crate::Error {
    move |e| {
        if e.is_fatal() {
            e
        } else {
            e.wrap(prefix)
        }
    }
}
