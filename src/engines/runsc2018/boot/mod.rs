//! The port of `runsc/boot/fs.go` (2018): how runsc turns an OCI spec into the
//! sandbox's mount namespace. Names follow the Go functions so the two files
//! can be read side by side; [`PORT`] says where each one is.

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
pub use config::{BootConfig, FileAccess};
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

/// Where a Go function of runsc lives and which Rust item ports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Port {
    /// The Go name, as the decision log's reasons name it.
    pub go: &'static str,
    /// The Rust item that ports it (or says what stands in for it).
    pub rust: &'static str,
    /// The Go file, relative to gVisor's repository.
    pub file: &'static str,
    /// First and last line of the Go function at [`GVISOR_COMMIT`];
    /// `(1, 0)` links the whole file.
    pub lines: (u32, u32),
}

/// The gVisor commit whose `runsc/boot/fs.go` the engine ports.
pub const GVISOR_COMMIT: &str = "82719be42e636f86780d21b01e10ecb2c9a25e53";

const FS_GO: &str = "runsc/boot/fs.go";

/// Every fs.go function in fs.go's order, then the two helpers from other
/// runsc files the decision log names, each from the `func` line to its
/// closing brace (checked against `git show 82719be4:runsc/boot/fs.go`).
/// The playground's "view source" links are made from this table.
#[rustfmt::skip]
pub const PORT: &[Port] = &[
    Port { go: "fdDispenser", rust: "boot::FdDispenser", file: FS_GO, lines: (67, 82) },
    Port { go: "createMountNamespace", rust: "boot::create_mount_namespace", file: FS_GO, lines: (86, 118) },
    Port { go: "compileMounts", rust: "boot::compile_mounts", file: FS_GO, lines: (122, 190) },
    Port { go: "createRootMount", rust: "boot::create_root_mount", file: FS_GO, lines: (193, 231) },
    Port { go: "addOverlay", rust: "boot::add_overlay", file: FS_GO, lines: (233, 250) },
    Port { go: "getMountNameAndOptions", rust: "boot::get_mount_name_and_options", file: FS_GO, lines: (254, 289) },
    Port { go: "mountSubmount", rust: "boot::mount_submount", file: FS_GO, lines: (295, 353) },
    Port { go: "p9MountOptions", rust: "boot::p9_mount_options", file: FS_GO, lines: (356, 367) },
    Port { go: "parseAndFilterOptions", rust: "boot::parse_and_filter_options", file: FS_GO, lines: (371, 393) },
    Port { go: "mountDevice", rust: "boot::mount_device", file: FS_GO, lines: (397, 405) },
    Port { go: "addRestoreMount", rust: "boot::restore::add_restore_mount", file: FS_GO, lines: (409, 430) },
    Port { go: "createRestoreEnvironment", rust: "boot::create_restore_environment", file: FS_GO, lines: (434, 462) },
    Port { go: "mountFlags", rust: "boot::mount_flags", file: FS_GO, lines: (464, 479) },
    Port { go: "mustFindFilesystem", rust: "fs::mount (an unknown name is an error, not a panic)", file: FS_GO, lines: (481, 487) },
    Port { go: "addSubmountOverlay", rust: "boot::add_submount_overlay", file: FS_GO, lines: (491, 504) },
    Port { go: "subtargets", rust: "boot::subtargets, boot::SubtargetIndex", file: FS_GO, lines: (508, 526) },
    Port { go: "setupContainerFS", rust: "boot::setup_container_fs", file: FS_GO, lines: (530, 626) },
    Port { go: "setExecutablePath", rust: "boot::set_executable_path", file: FS_GO, lines: (630, 638) },
    Port { go: "destroyContainerFS", rust: "boot::destroy_container_fs", file: FS_GO, lines: (642, 709) },
    Port { go: "specutils.IsSupportedDevMount", rust: "boot::is_supported_dev_mount", file: "runsc/specutils/specutils.go", lines: (296, 316) },
    Port { go: "runsc/container", rust: "runsc2018::container_fs", file: "runsc/container/fs.go", lines: (1, 0) },
];

/// The table entry of a Go function.
pub fn port_of(go: &str) -> Option<&'static Port> {
    PORT.iter().find(|p| p.go == go)
}

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

#[cfg(test)]
mod tests {
    use super::{port_of, FS_GO, PORT};
    use crate::playground::source_ref_of;

    /// The "view source" links start at each Go function's `func` line
    /// (checked against fs.go at 82719be4).
    #[test]
    fn source_links_start_at_the_func_lines() {
        for (go, start, end) in [
            ("addOverlay", 233, 250),
            ("mountDevice", 397, 405),
            ("addRestoreMount", 409, 430),
            ("createRestoreEnvironment", 434, 462),
            ("addSubmountOverlay", 491, 504),
            ("setupContainerFS", 530, 626),
            ("specutils.IsSupportedDevMount", 296, 316),
        ] {
            let r = source_ref_of(go).unwrap();
            assert_eq!((r.start, r.end), (start, end), "{go}");
        }
    }

    /// fs.go's functions are listed in fs.go's order, without overlaps.
    #[test]
    fn the_port_table_follows_fs_go() {
        let ranges: Vec<(u32, u32)> = PORT
            .iter()
            .filter(|p| p.file == FS_GO)
            .map(|p| p.lines)
            .collect();
        assert_eq!(ranges.len(), 19);
        for w in ranges.windows(2) {
            let [(a0, a1), (b0, b1)] = [w[0], w[1]];
            assert!(a0 <= a1 && a1 < b0 && b0 <= b1, "{w:?}");
        }
    }

    /// Every function a decision names has a source link.
    #[test]
    fn every_function_the_log_names_is_in_the_table() {
        let spec = r#"{"ociVersion":"1.0.0","root":{"path":"/"},"mounts":[
            {"destination":"/dev/shm","type":"bind","source":"/x"},
            {"destination":"/d","type":"bind","source":"/d","options":["rw","rbind"]},
            {"destination":"/t","type":"tmpfs","options":["size=1m","mode=755"]},
            {"destination":"/c","type":"cgroup"},
            {"destination":"/n","type":"none"}]}"#;
        let scenario = format!(r#"{{"spec":{spec},"config":{{"overlay":true}}}}"#);
        let s = crate::scenario::Scenario::from_json(&scenario).unwrap();
        let sb = crate::engines::runsc2018::loader::Loader::from_scenario(&s).unwrap();
        let mut named: Vec<&str> = sb
            .rec
            .decisions
            .iter()
            .flat_map(|d| d.reasons.iter().map(|r| r.function))
            .collect();
        named.sort_unstable();
        named.dedup();
        assert!(named.len() >= 8, "{named:?}");
        for f in named {
            assert!(port_of(f).is_some(), "{f}");
        }
    }
}
