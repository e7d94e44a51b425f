//! Property tests over random shell operation sequences (bounded case counts,
//! a few seconds in all):
//!
//! * with `--overlay`, the host tree never changes, and what the sandbox
//!   shows under `/w` is what a plain model filesystem holds after the same
//!   operations: so readdir of the overlay never lists a whited-out name;
//! * without overlay on a writable root, the host tree under `/w` equals the
//!   model, and every operation succeeds exactly when the model says so.

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::scenario::Scenario;
use mountlab::vfs::{Ctx, FileType};
use proptest::prelude::*;
use std::collections::BTreeMap;

const BASE: &str = r#"{
  "spec": {"ociVersion": "1.0.0", "root": {"path": "rootfs"},
           "process": {"args": ["sh"], "env": ["PATH=/bin"], "cwd": "/"}},
  "host": {"/": {"bin/sh": {"type": "file", "mode": "0755", "content": ""},
                 "w/a": "A", "w/b/": "", "w/b/c": "C", "w/d/": ""}}
}"#;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Node {
    Dir,
    File(String),
}

/// The model: relative paths under `/w` (`"b/c"`) → node.
type Model = BTreeMap<String, Node>;

fn initial_model() -> Model {
    [
        ("a", Node::File("A".into())),
        ("b", Node::Dir),
        ("b/c", Node::File("C".into())),
        ("d", Node::Dir),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[derive(Clone, Debug)]
enum Op {
    Mkdir(String),
    Write(String, String),
    Append(String, String),
    Rm(String),
    Rmdir(String),
    Mv(String, String),
}

impl Op {
    fn line(&self) -> String {
        match self {
            Op::Mkdir(p) => format!("mkdir /w/{p}"),
            Op::Write(p, t) => format!("write /w/{p} {t}"),
            Op::Append(p, t) => format!("append /w/{p} {t}"),
            Op::Rm(p) => format!("rm /w/{p}"),
            Op::Rmdir(p) => format!("rmdir /w/{p}"),
            Op::Mv(p, q) => format!("mv /w/{p} /w/{q}"),
        }
    }
}

fn parent(p: &str) -> Option<&str> {
    p.rsplit_once('/').map(|(d, _)| d)
}

fn parent_ok(m: &Model, p: &str) -> bool {
    match parent(p) {
        None => true,
        Some(d) => m.get(d) == Some(&Node::Dir),
    }
}

fn children<'a>(m: &'a Model, p: &'a str) -> impl Iterator<Item = &'a String> + 'a {
    m.keys()
        .filter(move |k| k.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
}

/// Under `--overlay`, the paths present in the upper layer. gVisor 2018's
/// `overlayRename` copies up only the renamed directory itself (a copy-up of
/// a directory is a mkdir; children are not copied), renames it in the upper
/// and whites out the old name, so descendants that exist only in the lower
/// layer are gone at the new name. The model follows that.
type Upper = std::collections::BTreeSet<String>;

/// Marks `p` and its ancestors as copied up.
fn copy_up(upper: &mut Upper, p: &str) {
    let mut cur = Some(p);
    while let Some(c) = cur {
        upper.insert(c.to_string());
        cur = parent(c);
    }
}

/// Applies `op` to the model; false (and no change) when it would fail.
/// `upper` is `Some` under `--overlay`.
fn apply(m: &mut Model, upper: Option<&mut Upper>, op: &Op) -> bool {
    let mut scratch = Upper::new();
    let overlay = upper.is_some();
    let upper = upper.unwrap_or(&mut scratch);
    match op {
        Op::Mkdir(p) => {
            if !parent_ok(m, p) || m.contains_key(p) {
                return false;
            }
            m.insert(p.clone(), Node::Dir);
            copy_up(upper, p);
        }
        Op::Write(p, t) | Op::Append(p, t) => {
            if !parent_ok(m, p) {
                return false;
            }
            let old = match m.get(p) {
                Some(Node::Dir) => return false,
                Some(Node::File(c)) if matches!(op, Op::Append(..)) => c.clone(),
                _ => String::new(),
            };
            m.insert(p.clone(), Node::File(old + t));
            copy_up(upper, p);
        }
        Op::Rm(p) => {
            if !matches!(m.get(p), Some(Node::File(_))) {
                return false;
            }
            m.remove(p);
            upper.remove(p);
            parent(p).inspect(|d| copy_up(upper, d));
        }
        Op::Rmdir(p) => {
            if m.get(p) != Some(&Node::Dir) || children(m, p).next().is_some() {
                return false;
            }
            m.remove(p);
            upper.remove(p);
            parent(p).inspect(|d| copy_up(upper, d));
        }
        Op::Mv(p, q) => {
            let Some(src) = m.get(p).cloned() else {
                return false;
            };
            if !parent_ok(m, q) {
                return false;
            }
            if p == q {
                if overlay {
                    copy_up(upper, p);
                }
                return true;
            }
            if q.strip_prefix(p.as_str())
                .is_some_and(|r| r.starts_with('/'))
            {
                return false;
            }
            match (&src, m.get(q)) {
                (Node::File(_), Some(Node::Dir)) => return false,
                (Node::Dir, Some(Node::File(_))) => return false,
                (Node::Dir, Some(Node::Dir)) if children(m, q).next().is_some() => return false,
                _ => {}
            }
            let moved: Vec<(String, Node)> = m
                .iter()
                .filter(|(k, _)| {
                    *k == p
                        || k.strip_prefix(p.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            copy_up(upper, p);
            parent(q).inspect(|d| copy_up(upper, d));
            m.remove(q);
            upper.remove(q);
            for (k, v) in moved {
                m.remove(&k);
                let was_upper = upper.remove(&k);
                if overlay && !was_upper {
                    // Lower-only descendant of a renamed directory: gone.
                    continue;
                }
                let to = format!("{q}{}", &k[p.len()..]);
                m.insert(to.clone(), v);
                if was_upper {
                    upper.insert(to);
                }
            }
        }
    }
    true
}

fn path() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec!["a", "b", "c", "d"]);
    prop::collection::vec(name, 1..=2).prop_map(|v| v.join("/"))
}

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["x", "yy", "zzz"]).prop_map(str::to_string)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        path().prop_map(Op::Mkdir),
        (path(), text()).prop_map(|(p, t)| Op::Write(p, t)),
        (path(), text()).prop_map(|(p, t)| Op::Append(p, t)),
        path().prop_map(Op::Rm),
        path().prop_map(Op::Rmdir),
        (path(), path()).prop_map(|(p, q)| Op::Mv(p, q)),
    ]
}

fn sandbox(overlay: bool) -> Loader {
    let mut s = Scenario::from_json(BASE).expect("base scenario");
    s.config.overlay = overlay;
    let sb = Loader::from_scenario(&s).expect("sandbox");
    assert!(sb.setup_error.is_none(), "{:?}", sb.setup_error);
    sb
}

/// The host tree under `w/` as a model.
fn host_model(sb: &Loader) -> Model {
    let host = sb.host_report();
    host.get("/")
        .expect("root attach point")
        .iter()
        .filter_map(|(k, n)| {
            let rel = k.strip_prefix("w/")?;
            let node = match n.typ.as_str() {
                "dir" => Node::Dir,
                _ => Node::File(n.content.clone().unwrap_or_default()),
            };
            Some((rel.to_string(), node))
        })
        .collect()
}

/// What the sandbox shows under `/w`, walked with readdir.
fn visible_model(sb: &mut Loader) -> Model {
    let root = sb.root().expect("root");
    let ctx = Ctx::at(root);
    let mut out = Model::new();
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let dir = if rel.is_empty() {
            "/w".to_string()
        } else {
            format!("/w/{rel}")
        };
        for e in sb.vfs.readdir(ctx, &dir).expect("readdir") {
            let r = if rel.is_empty() {
                e.name.clone()
            } else {
                format!("{rel}/{}", e.name)
            };
            let full = format!("/w/{r}");
            let st = sb.vfs.stat(ctx, &full, false).expect("listed name stats");
            if st.file_type == FileType::Directory {
                out.insert(r.clone(), Node::Dir);
                stack.push(r);
            } else {
                let bytes = sb.vfs.read_file(ctx, &full, 1 << 20).expect("read");
                out.insert(r, Node::File(String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out
}

fn run_ops(sb: &mut Loader, ops: &[Op], overlay: bool) -> Result<Model, TestCaseError> {
    let mut model = initial_model();
    let mut upper = Upper::new();
    for (i, op) in ops.iter().enumerate() {
        let want = apply(&mut model, overlay.then_some(&mut upper), op);
        let out = sb.shell(&op.line(), None).expect("shell runs");
        prop_assert_eq!(
            out.error.is_none(),
            want,
            "op {} `{}`: {:?}",
            i,
            op.line(),
            out.output
        );
    }
    Ok(model)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn overlay_never_changes_the_host_and_shows_the_model(ops in prop::collection::vec(op(), 1..12)) {
        let mut sb = sandbox(true);
        let before = sb.host_report();
        let model = run_ops(&mut sb, &ops, true)?;
        prop_assert_eq!(&sb.host_report(), &before, "host changed under --overlay");
        // Readdir of the overlay lists exactly the model's names, types and
        // contents: nothing removed (whited out) comes back, and copied-up
        // files keep their lower contents.
        prop_assert_eq!(visible_model(&mut sb), model);
    }

    #[test]
    fn writable_root_host_equals_the_model(ops in prop::collection::vec(op(), 1..12)) {
        let mut sb = sandbox(false);
        let model = run_ops(&mut sb, &ops, false)?;
        prop_assert_eq!(host_model(&sb), model.clone(), "host differs from the model");
        prop_assert_eq!(visible_model(&mut sb), model);
    }
}
