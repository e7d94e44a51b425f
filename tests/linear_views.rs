//! What a user waits for must stay linear in the mounts: the tree and the
//! decision notes are built through indexes. These tests pin the structure
//! the indexed code must produce on the suite's generated spec (the same
//! answers as the linear searches they replaced, written out here as the
//! reference); the growth itself is measured by the whole-process rows of
//! `mountlab bench` (`whole_*`, with exponents), never by a timed test.

use mountlab::bench::gen::generate;
use mountlab::engines::runsc2018::boot::{Decision, Origin};
use mountlab::engines::runsc2018::loader::Loader;
use mountlab::tree::{mount_tree, MountNode};
use std::collections::BTreeMap;

fn sandbox(n: usize) -> Loader {
    let g = generate(n);
    let sb = Loader::new(&g.spec, Default::default(), Some(&g.host), None).unwrap();
    assert!(sb.setup_error.is_none(), "{:?}", sb.setup_error);
    sb
}

/// The search `mount_tree` did per mount before it indexed the decisions.
fn reference_decision(decisions: &[Decision], path: &str, id: u64) -> Option<usize> {
    decisions
        .iter()
        .rposition(|d| d.mount_id == Some(id) && d.mount_path.as_deref() == Some(path))
        .or_else(|| {
            (id == 1)
                .then(|| {
                    decisions
                        .iter()
                        .position(|d| d.container.is_none() && d.origin == Origin::Root)
                })
                .flatten()
        })
}

fn flatten<'a>(n: &'a MountNode, parent: Option<u64>, out: &mut Vec<(&'a MountNode, Option<u64>)>) {
    out.push((n, parent));
    let ids: Vec<u64> = n.children.iter().map(|c| c.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "children of {} in id order", n.path);
    for c in &n.children {
        flatten(c, Some(n.id), out);
    }
}

#[test]
fn tree_of_a_large_spec_nests_every_mount_under_its_parent() {
    let sb = sandbox(3000);
    let table = sb.mount_table(None).unwrap();
    let tree = mount_tree(&sb).unwrap();
    let mut nodes = Vec::new();
    flatten(&tree, None, &mut nodes);
    // Every mount once, each under the mount its parent id names.
    assert_eq!(nodes.len(), table.len());
    let by_id: BTreeMap<u64, &mountlab::vfs::MountInfo> = table.iter().map(|m| (m.id, m)).collect();
    assert_eq!(by_id.len(), table.len());
    let mut nested = 0;
    for (node, parent) in &nodes {
        let m = by_id[&node.id];
        assert_eq!(node.path, m.path);
        match parent {
            None => assert_eq!(node.id, 1),
            Some(p) => {
                assert_eq!(*p, m.parent_id, "{}", m.path);
                if *p != 1 {
                    nested += 1;
                }
            }
        }
        assert_eq!(
            node.decision,
            reference_decision(&sb.rec.decisions, &m.path, m.id),
            "{}",
            m.path
        );
    }
    // The generated mix nests chains inside earlier mounts.
    assert!(nested > 300, "{nested}");
}

#[test]
fn every_created_mount_point_is_noted_on_its_own_decision_once() {
    // The generated spec without its bind trees: setupFS creates every
    // bind's mount point in the host rootfs and notes it, one note per bind.
    let mut g = generate(3000);
    g.host.retain(|attach, _| attach == "/");
    let sb = Loader::new(&g.spec, Default::default(), Some(&g.host), None).unwrap();
    let mut noted = 0;
    for d in &sb.rec.decisions {
        let notes: Vec<_> = d
            .reasons
            .iter()
            .filter(|r| r.function == "runsc/container")
            .collect();
        if d.origin != Origin::Spec || d.typ != "bind" {
            assert!(notes.is_empty(), "{}", d.destination);
            continue;
        }
        assert_eq!(notes.len(), 1, "{}", d.destination);
        assert_eq!(
            notes[0].text,
            format!(
                "setupFS: created the mount point {:?} in the host rootfs",
                d.destination
            )
        );
        noted += 1;
    }
    assert!(noted > 1000, "{noted}");
}
