//! The runsc groundwork's parsers and checks never panic, whatever the
//! flag text, annotations or mounts (a panic is always our bug).

use mountlab::engines::runsc::{
    compile::compile_mounts, config::RunscConfig, fsname::get_mount_name_and_options,
    gofer_conf::parse_confs_flag, hints::PodMountHints, hints::RootfsHint, log::Log,
    mount::SpecMount, overlay2::Overlay2, prepare::prepare_mounts, prepare::FdQueue,
    restore::validate_mounts, validate::validate_mount,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn word() -> impl Strategy<Value = String> {
    "[a-z/=:,.]{0,12}"
}

fn mount() -> impl Strategy<Value = SpecMount> {
    (
        word(),
        prop::sample::select(vec!["bind", "tmpfs", "none", "erofs", "cgroup", "", "dev"]),
        word(),
        prop::option::of(prop::collection::vec(word(), 0..4)),
    )
        .prop_map(|(d, t, s, o)| SpecMount {
            destination: d,
            typ: t.to_string(),
            source: s,
            options: o,
            ..SpecMount::default()
        })
}

proptest! {
    #[test]
    fn flags_and_hints_never_panic(v in word(), keys in prop::collection::vec((word(), word()), 0..6)) {
        let _ = Overlay2::parse(&v);
        let _ = Overlay2::default().override_with(&v, false);
        let _ = parse_confs_flag(&v);
        let ann: BTreeMap<String, String> = keys
            .into_iter()
            .map(|(k, v)| (format!("dev.gvisor.spec.mount.{k}"), v))
            .collect();
        let mut log = Log::default();
        let _ = PodMountHints::new(&ann, &mut log);
        let root: BTreeMap<String, String> = ann
            .iter()
            .map(|(k, v)| (k.replace("spec.mount.", "spec.rootfs."), v.clone()))
            .collect();
        let _ = RootfsHint::new(&root, &mut log);
    }

    #[test]
    fn mount_rules_never_panic(ms in prop::collection::vec(mount(), 0..15), fds in 0usize..4, confs in word()) {
        let conf = RunscConfig::default();
        let compiled = compile_mounts(&ms, &conf);
        for m in &ms {
            let _ = validate_mount(m);
        }
        let confs = parse_confs_flag(&confs).unwrap_or_default();
        let mut g = FdQueue::new((0..fds as i32).map(|i| i + 3));
        let mut f = FdQueue::new([9]);
        if let Ok(infos) = prepare_mounts(&compiled, &confs, &mut g, &mut f, &PodMountHints::default()) {
            for i in &infos {
                let _ = get_mount_name_and_options(i, &conf, &mut Log::default());
            }
        }
        let _ = validate_mounts("c", &Some(ms.clone()), &Some(compiled));
    }
}
