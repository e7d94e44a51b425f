//! Ports the mount-related tests of libcontainer/configs/validate
//! (validator_test.go, rootless_test.go) at runc 76d9cf5d, each naming the
//! Go test. Where the Go test only checks "error or not", the expected text
//! here is the one validator.go builds for that input.

use super::config::{ContainerConfig, Namespace};
use super::flags::*;
use super::mount::{ConfigsMount, IdMap, MountAttr, MountIdMapping};
use super::validate::*;
use crate::error::{Error, Result};

fn var_config() -> ContainerConfig {
    ContainerConfig {
        rootfs: "/var".into(),
        ..ContainerConfig::default()
    }
}

/// The host as the Go tests find it: `/var` is a real directory.
fn host(rootfs: &str) -> Result<String> {
    Ok(crate::vfs::clean(rootfs))
}

fn run(config: &ContainerConfig) -> std::result::Result<Vec<String>, String> {
    validate(config, host).map_err(|e| e.to_string())
}

fn ns(typ: &str) -> Namespace {
    Namespace {
        typ: typ.into(),
        path: String::new(),
    }
}

/// Ports `TestValidate`.
#[test]
fn test_validate() {
    assert_eq!(run(&var_config()), Ok(vec![]));
}

/// Ports `TestValidateWithInvalidRootfs`: `rootfs` is a relative symlink to
/// `/var`, so Abs+EvalSymlinks give `/var`, not `Clean("rootfs")`.
#[test]
fn test_validate_with_invalid_rootfs() {
    let config = ContainerConfig {
        rootfs: "rootfs".into(),
        ..ContainerConfig::default()
    };
    assert_eq!(
        validate(&config, |_| Ok("/var".into())).map_err(|e| e.to_string()),
        Err("invalid rootfs: not an absolute path, or a symlink".into())
    );
    assert_eq!(
        validate(&config, |_| Err(Error::msg(
            "stat rootfs: no such file or directory"
        )))
        .map_err(|e| e.to_string()),
        Err("invalid rootfs: stat rootfs: no such file or directory".into())
    );
}

/// Ports `TestValidateSecurityWithMaskPaths`, `TestValidateSecurityWithROPaths`
/// and `TestValidateSecurityWithoutNEWNS`.
#[test]
fn test_validate_security() {
    let masked = ContainerConfig {
        mask_paths: vec!["/proc/kcore".into()],
        namespaces: vec![ns("mount")],
        ..var_config()
    };
    assert_eq!(run(&masked), Ok(vec![]));
    let ro = ContainerConfig {
        readonly_paths: vec!["/proc/sys".into()],
        namespaces: vec![ns("mount")],
        ..var_config()
    };
    assert_eq!(run(&ro), Ok(vec![]));
    let without = ContainerConfig {
        mask_paths: vec!["/proc/kcore".into()],
        readonly_paths: vec!["/proc/sys".into()],
        ..var_config()
    };
    assert_eq!(
        run(&without),
        Err("unable to restrict sys entries without a private MNT namespace".into())
    );
}

/// Ports `TestValidateUserNamespace` and `TestValidateUsernsMappingWithoutNamespace`.
#[test]
fn test_validate_user_namespace() {
    let maps = Some(vec![IdMap::new(123, 0, 100)]);
    let with = ContainerConfig {
        namespaces: vec![ns("user")],
        uid_mappings: maps.clone(),
        gid_mappings: maps.clone(),
        ..var_config()
    };
    assert_eq!(run(&with), Ok(vec![]));
    let without = ContainerConfig {
        uid_mappings: maps.clone(),
        gid_mappings: maps,
        ..var_config()
    };
    assert_eq!(
        run(&without),
        Err(
            "user namespace mappings specified, but user namespace isn't enabled in the config"
                .into()
        )
    );
    let neither = ContainerConfig {
        namespaces: vec![ns("user")],
        ..var_config()
    };
    assert_eq!(
        run(&neither),
        Err("user namespaces enabled, but no namespace path to join nor mappings to apply specified".into())
    );
}

/// Ports `TestValidateMounts`: relative destinations only warn, with the
/// `*configs.Mount` printed by `%+v`; the first such mount is named.
#[test]
fn test_validate_mounts() {
    let cases = [
        ("not/an/abs/path", true),
        ("./rel/path", true),
        ("../../path", true),
        ("/abs/path", false),
        ("/abs/but/../unclean", false),
    ];
    for (dest, warns) in cases {
        let config = ContainerConfig {
            mounts: vec![ConfigsMount {
                destination: dest.into(),
                ..ConfigsMount::default()
            }],
            ..var_config()
        };
        let want: Vec<String> = if warns {
            vec![format!(
                "mount &{{Source: Destination:{dest} Device: Flags:0 ClearedFlags:0 \
                 PropagationFlags:[] Data: Relabel: RecAttr:<nil> Extensions:0 IDMapping:<nil>}}: \
                 relative destination path is **deprecated**, using it as relative to /"
            )]
        } else {
            vec![]
        };
        assert_eq!(run(&config), Ok(want), "{dest}");
    }
}

/// Ports `TestValidateBindMounts`.
#[test]
fn test_validate_bind_mounts() {
    let cases: &[(bool, u64, &str)] = &[
        (false, 0, ""),
        (false, MS_RDONLY | MS_NOSYMFOLLOW, ""),
        (true, 0, "idmap"),
        (true, MS_RDONLY, "custom_ext4_flag"),
        (true, MS_NOATIME, "rw=foobar"),
    ];
    for &(is_err, flags, data) in cases {
        for bind_flag in [MS_BIND, MS_BIND | MS_REC] {
            let config = ContainerConfig {
                mounts: vec![ConfigsMount {
                    destination: "/".into(),
                    flags: flags | bind_flag,
                    data: data.into(),
                    ..ConfigsMount::default()
                }],
                ..var_config()
            };
            let want = if is_err {
                Err(format!(
                    "invalid mount &{{Source: Destination:/ Device: Flags:{} ClearedFlags:0 \
                     PropagationFlags:[] Data:{data} Relabel: RecAttr:<nil> Extensions:0 \
                     IDMapping:<nil>}}: bind mounts cannot have any filesystem-specific \
                     options applied",
                    flags | bind_flag
                ))
            } else {
                Ok(vec![])
            };
            assert_eq!(run(&config), want, "flags 0x{flags:x} data {data}");
        }
    }
}

const ONLY_BIND: &str = "id-mapped mounts are only supported for bind-mounts";
const BOTH_MAPPINGS: &str = "id-mapped mounts must have both uid and gid mappings specified";

/// Ports `TestValidateIDMapMounts` (which calls `mountsStrict`).
#[test]
fn test_validate_id_map_mounts() {
    let mapping = Some(vec![IdMap::new(0, 10000, 1)]);
    let other = Some(vec![IdMap::new(10, 10, 1)]);
    let both = MountIdMapping {
        uid_mappings: mapping.clone(),
        gid_mappings: mapping.clone(),
        ..MountIdMapping::default()
    };
    let ext4 = |idm: MountIdMapping| ConfigsMount {
        source: "/dev/sda1".into(),
        destination: "/abs/path/".into(),
        device: "ext4".into(),
        id_mapping: Some(idm),
        ..ConfigsMount::default()
    };
    let bind = |src: &str, dst: &str, flags: u64, idm: MountIdMapping| ConfigsMount {
        source: src.into(),
        destination: dst.into(),
        flags,
        id_mapping: Some(idm),
        ..ConfigsMount::default()
    };
    let userns = |m: ConfigsMount| ContainerConfig {
        uid_mappings: mapping.clone(),
        gid_mappings: mapping.clone(),
        mounts: vec![m],
        ..var_config()
    };
    let plain = |m: ConfigsMount| ContainerConfig {
        mounts: vec![m],
        ..var_config()
    };
    let recursive = MountIdMapping {
        recursive: true,
        ..MountIdMapping::default()
    };
    let cases: Vec<(&str, ContainerConfig, Option<&str>)> = vec![
        (
            "idmap non-bind mount",
            userns(ext4(both.clone())),
            Some(ONLY_BIND),
        ),
        (
            "idmap option non-bind mount",
            plain(ext4(MountIdMapping::default())),
            Some(ONLY_BIND),
        ),
        (
            "ridmap option non-bind mount",
            plain(ext4(recursive.clone())),
            Some(ONLY_BIND),
        ),
        (
            "idmap mount no uid mapping",
            plain(bind(
                "/abs/path/",
                "/abs/path/",
                MS_BIND,
                MountIdMapping {
                    gid_mappings: mapping.clone(),
                    ..MountIdMapping::default()
                },
            )),
            Some(BOTH_MAPPINGS),
        ),
        (
            "idmap mount no gid mapping",
            plain(bind(
                "/abs/path/",
                "/abs/path/",
                MS_BIND,
                MountIdMapping {
                    uid_mappings: mapping.clone(),
                    ..MountIdMapping::default()
                },
            )),
            Some(BOTH_MAPPINGS),
        ),
        (
            "rootless idmap mount",
            ContainerConfig {
                rootless_euid: true,
                ..userns(bind("/abs/path/", "/abs/path/", MS_BIND, both.clone()))
            },
            Some("id-mapped mounts are not supported for rootless containers"),
        ),
        (
            "idmap mounts without abs source path",
            userns(bind("./rel/path/", "/abs/path/", MS_BIND, both.clone())),
            None,
        ),
        (
            "idmap mounts without abs dest path",
            userns(bind("/abs/path/", "./rel/path/", MS_BIND, both.clone())),
            None,
        ),
        (
            "simple idmap mount",
            userns(bind(
                "/another-abs/path/",
                "/abs/path/",
                MS_BIND,
                both.clone(),
            )),
            None,
        ),
        (
            "idmap mount with more flags",
            userns(bind(
                "/another-abs/path/",
                "/abs/path/",
                MS_BIND | MS_RDONLY,
                both.clone(),
            )),
            None,
        ),
        (
            "idmap mount without userns mappings",
            plain(bind("/abs/path/", "/abs/path/", MS_BIND, both.clone())),
            None,
        ),
        (
            "idmap mounts with different userns and mount mappings (uid)",
            userns(bind(
                "/abs/path/",
                "/abs/path/",
                MS_BIND,
                MountIdMapping {
                    uid_mappings: other.clone(),
                    gid_mappings: mapping.clone(),
                    ..MountIdMapping::default()
                },
            )),
            None,
        ),
        (
            "idmap mounts with different userns and mount mappings (gid)",
            userns(bind(
                "/abs/path/",
                "/abs/path/",
                MS_BIND,
                MountIdMapping {
                    uid_mappings: mapping.clone(),
                    gid_mappings: other,
                    ..MountIdMapping::default()
                },
            )),
            None,
        ),
        (
            "mount with 'idmap' option but no mappings",
            plain(bind(
                "/abs/path/",
                "/abs/path/",
                MS_BIND,
                MountIdMapping::default(),
            )),
            Some(BOTH_MAPPINGS),
        ),
        (
            "mount with 'ridmap' option but no mappings",
            plain(bind("/abs/path/", "/abs/path/", MS_BIND, recursive)),
            Some(BOTH_MAPPINGS),
        ),
    ];
    for (name, config, want) in cases {
        let got = mounts_strict(&config).map_err(|e| e.to_string());
        let want = want.map(|w| {
            let m = config
                .mounts
                .first()
                .map(ConfigsMount::go_plus_v)
                .unwrap_or_default();
            format!("invalid mount {m}: {w}")
        });
        assert_eq!(got.err(), want, "{name}");
    }
    // The full text of the first case, as runc prints it.
    assert_eq!(
        mounts_strict(&userns(ext4(both))).map_err(|e| e.to_string()),
        Err(
            "invalid mount &{Source:/dev/sda1 Destination:/abs/path/ Device:ext4 Flags:0 \
             ClearedFlags:0 PropagationFlags:[] Data: Relabel: RecAttr:<nil> Extensions:0 \
             IDMapping:0xc000010000}: id-mapped mounts are only supported for bind-mounts"
                .into()
        )
    );
}

#[test]
fn id_map_checks_without_a_go_test() {
    let config = var_config();
    for attr in [
        MountAttr {
            attr_set: MOUNT_ATTR_IDMAP,
            attr_clr: 0,
        },
        MountAttr {
            attr_set: 0,
            attr_clr: MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY,
        },
    ] {
        // Checked before anything else, even on a mount with no id mapping.
        let m = ConfigsMount {
            rec_attr: Some(attr),
            ..ConfigsMount::default()
        };
        assert_eq!(
            check_id_map_mounts(&config, &m).map_err(|e| e.to_string()),
            Err("mount configuration cannot contain recAttr for MOUNT_ATTR_IDMAP".into())
        );
    }
    let m = ConfigsMount {
        flags: MS_BIND,
        id_mapping: Some(MountIdMapping {
            userns_path: "/proc/7/ns/user".into(),
            gid_mappings: Some(vec![]),
            ..MountIdMapping::default()
        }),
        ..ConfigsMount::default()
    };
    assert_eq!(
        check_id_map_mounts(&config, &m).map_err(|e| e.to_string()),
        Err(
            "[internal error] id-mapped mounts cannot have both userns_path and uid and gid \
             mappings specified"
                .into()
        )
    );
    let m = ConfigsMount {
        id_mapping: m.id_mapping.map(|i| MountIdMapping {
            gid_mappings: None,
            ..i
        }),
        ..m
    };
    assert_eq!(check_id_map_mounts(&config, &m), Ok(()));
    // A bind's data is checked before its id mapping.
    let m = ConfigsMount {
        flags: MS_BIND,
        data: "x".into(),
        id_mapping: Some(MountIdMapping::default()),
        ..ConfigsMount::default()
    };
    let err = mounts_strict(&ContainerConfig {
        mounts: vec![m],
        ..config
    })
    .map_err(|e| e.to_string());
    assert!(err.is_err_and(
        |e| e.ends_with("bind mounts cannot have any filesystem-specific options applied")
    ));
}

/// `rootlessEUIDConfig()` of rootless_test.go.
fn rootless_euid_config() -> ContainerConfig {
    ContainerConfig {
        rootless_euid: true,
        namespaces: vec![ns("user")],
        uid_mappings: Some(vec![IdMap::new(0, 1337, 1)]),
        gid_mappings: Some(vec![IdMap::new(0, 7331, 1)]),
        ..var_config()
    }
}

/// Ports `TestValidateRootlessEUID`, `TestValidateRootlessEUIDUserns`,
/// `TestValidateRootlessEUIDMappingUid` and `TestValidateNonZeroEUIDMappingGid`.
#[test]
fn test_validate_rootless_euid_mappings() {
    assert_eq!(run(&rootless_euid_config()), Ok(vec![]));
    // Without the user ns, `namespaces` refuses the mappings first.
    let c = ContainerConfig {
        namespaces: vec![],
        ..rootless_euid_config()
    };
    assert_eq!(
        run(&c),
        Err(
            "user namespace mappings specified, but user namespace isn't enabled in the config"
                .into()
        )
    );
    assert_eq!(
        rootless_euid_mappings(&c).map_err(|e| e.to_string()),
        Err("rootless container requires user namespaces".into())
    );
    let c = ContainerConfig {
        uid_mappings: None,
        ..rootless_euid_config()
    };
    assert_eq!(
        run(&c),
        Err("rootless containers requires at least one UID mapping".into())
    );
    let c = ContainerConfig {
        gid_mappings: None,
        ..rootless_euid_config()
    };
    assert_eq!(
        run(&c),
        Err("rootless containers requires at least one GID mapping".into())
    );
}

fn devpts(config: &mut ContainerConfig, data: &str) {
    config.mounts = vec![ConfigsMount {
        source: "devpts".into(),
        destination: "/dev/pts".into(),
        device: "devpts".into(),
        data: data.into(),
        ..ConfigsMount::default()
    }];
}

fn set_size(maps: &mut Option<Vec<IdMap>>, size: i64) {
    if let Some(m) = maps.as_mut().and_then(|v| v.first_mut()) {
        m.size = size;
    }
}

/// Ports `TestValidateRootlessEUIDMountUid`.
#[test]
fn test_validate_rootless_euid_mount_uid() {
    let mut c = rootless_euid_config();
    devpts(&mut c, "");
    assert_eq!(run(&c), Ok(vec![]));
    devpts(&mut c, "uid=5");
    assert_eq!(
        run(&c),
        Err(
            "cannot specify uid=5 mount option for rootless container: user namespaces \
             enabled, but no mapping found for uid 5"
                .into()
        )
    );
    devpts(&mut c, "uid=0");
    assert_eq!(run(&c), Ok(vec![]));
    devpts(&mut c, "uid=2");
    set_size(&mut c.uid_mappings, 10);
    assert_eq!(run(&c), Ok(vec![]));
    devpts(&mut c, "uid=20");
    assert!(run(&c).is_err_and(|e| e.ends_with("no mapping found for uid 20")));
    // strconv.Atoi failures are ignored; other "id=" options too.
    devpts(&mut c, "uid=abc,xid=77,uid=99999999999999999999");
    assert_eq!(run(&c), Ok(vec![]));
    devpts(&mut c, "mode=0620,uid=-1");
    assert!(run(&c).is_err_and(|e| e.starts_with("cannot specify uid=-1 mount option")));
}

/// Ports `TestValidateRootlessEUIDMountGid`.
#[test]
fn test_validate_rootless_euid_mount_gid() {
    let mut c = rootless_euid_config();
    devpts(&mut c, "");
    assert_eq!(run(&c), Ok(vec![]));
    devpts(&mut c, "gid=5");
    assert_eq!(
        run(&c),
        Err(
            "cannot specify gid=5 mount option for rootless container: user namespaces \
             enabled, but no mapping found for gid 5"
                .into()
        )
    );
    devpts(&mut c, "gid=0");
    assert_eq!(run(&c), Ok(vec![]));
    devpts(&mut c, "gid=5");
    set_size(&mut c.gid_mappings, 10);
    assert_eq!(run(&c), Ok(vec![]));
    devpts(&mut c, "gid=11");
    set_size(&mut c.gid_mappings, 10);
    assert!(run(&c).is_err_and(|e| e.ends_with("no mapping found for gid 11")));
}
