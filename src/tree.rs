//! The layered mount tree: every mount of the namespace with its layers,
//! gofer FD and decision, nested by mount parent. The CLI prints it
//! findmnt-style; the playground draws it.

use crate::engines::runsc2018::boot::Decision;
use crate::engines::runsc2018::loader::Loader;
use crate::util::FastMap;
use crate::vfs::{DirentId, Vfs};
use std::fmt::Write;

pub use crate::report::MountNode;

/// Builds the tree of the whole namespace.
///
/// Linear in the mounts (after one sort by id): the decisions are indexed by
/// (mount id, mount path) once, and children are attached through an index
/// of ids instead of a search of the remaining mounts per mount (which made
/// the tree of 50 000 mounts quadratic, 37% of its `preview`).
pub fn mount_tree(sb: &Loader) -> Option<MountNode> {
    let root = sb.vfs.namespace_root().ok()?;
    tree_of(&sb.vfs, root, &sb.rec.decisions)
}

/// The tree of the mounts seen from `root`, any engine's: each mount gets
/// the decision recording its mount id and path, or (for an engine whose
/// decisions carry no mount id) the last one recording its path; the
/// root mount gets the root container's `Origin::Root` decision.
pub fn tree_of(vfs: &Vfs, root: DirentId, decisions: &[Decision]) -> Option<MountNode> {
    let table = vfs.mount_table(root);
    let index = DecisionIndex::new(decisions);
    let root_id = table.first().map(|m| m.id);
    let mut nodes: Vec<MountNode> = table
        .iter()
        .map(|m| {
            let di = index.find(&m.path, m.id, root_id == Some(m.id));
            let d = di.and_then(|i| decisions.get(i));
            MountNode {
                id: m.id,
                parent_id: m.parent_id,
                path: m.path.clone(),
                fs_name: m.fs_name.clone(),
                flags: m.flags,
                flags_label: m.flags.to_string(),
                layers: d.map(|d| d.layers.clone()).unwrap_or_default(),
                gofer_fd: d.and_then(|d| d.gofer_fd),
                container: d.and_then(|d| d.container.clone()),
                decision: di,
                children: Vec::new(),
            }
        })
        .collect();
    nodes.sort_by_key(|n| n.id);
    assemble(nodes)
}

/// Nests `nodes` (sorted by id) by parent id. Deepest ids first, so each
/// subtree is complete before it moves (ids grow with mount order): a node
/// goes under the first node of its parent id that precedes it, or, as an
/// orphan whose parent is outside the table, under the first node.
fn assemble(nodes: Vec<MountNode>) -> Option<MountNode> {
    let mut first_of: FastMap<u64, usize> = FastMap::default();
    first_of.reserve(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        first_of.entry(n.id).or_insert(i);
    }
    let mut slots: Vec<Option<MountNode>> = nodes.into_iter().map(Some).collect();
    for i in (1..slots.len()).rev() {
        let Some(node) = slots.get_mut(i).and_then(Option::take) else {
            continue;
        };
        let parent = first_of
            .get(&node.parent_id)
            .copied()
            .filter(|&p| p < i && node.parent_id != node.id)
            .unwrap_or(0);
        if let Some(Some(p)) = slots.get_mut(parent) {
            p.children.push(node);
        }
    }
    let mut root = slots.into_iter().next().flatten()?;
    sort_children(&mut root);
    Some(root)
}

fn sort_children(n: &mut MountNode) {
    // Children were pushed deepest id first.
    n.children.reverse();
    n.children.sort_by_key(|c| c.id);
    for c in &mut n.children {
        sort_children(c);
    }
}

/// The decision of each mount, found in O(1): the last decision recording
/// that mount id at that path, or for the root mount (id 1) the root
/// container's `createRootMount` decision.
struct DecisionIndex<'a> {
    by_mount: FastMap<(u64, &'a str), usize>,
    by_path: FastMap<&'a str, usize>,
    root: Option<usize>,
}

impl<'a> DecisionIndex<'a> {
    fn new(decisions: &'a [Decision]) -> DecisionIndex<'a> {
        let mut by_mount = FastMap::default();
        by_mount.reserve(decisions.len());
        let mut by_path = FastMap::default();
        for (i, d) in decisions.iter().enumerate() {
            match (d.mount_id, d.mount_path.as_deref()) {
                (Some(id), Some(path)) => {
                    by_mount.insert((id, path), i);
                }
                (None, Some(path)) if d.outcome == crate::report::Outcome::Mounted => {
                    by_path.insert(path, i);
                }
                _ => {}
            }
        }
        let root = decisions.iter().position(|d| {
            d.container.is_none() && d.origin == crate::engines::runsc2018::boot::Origin::Root
        });
        DecisionIndex {
            by_mount,
            by_path,
            root,
        }
    }

    fn find(&self, path: &str, id: u64, is_root: bool) -> Option<usize> {
        self.by_mount
            .get(&(id, path))
            .copied()
            .or_else(|| self.by_path.get(path).copied())
            .or(if id == 1 || is_root { self.root } else { None })
    }
}

/// Control characters (newline, ESC, C1 codes, DEL) escaped as `\n`, `\t`,
/// `\xNN` or `\u{NN}`, so a destination from a spec can neither split a row
/// of our views nor drive the terminal. Only our own views escape:
/// `/proc/mounts` text stays as gVisor's `mountsFile` prints it.
pub fn escape_control(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The findmnt-style text of the tree.
pub fn render_tree(root: &MountNode) -> String {
    let mut rows: Vec<[String; 5]> = Vec::new();
    walk(root, "", true, true, &mut rows);
    let header = ["TARGET", "FSTYPE", "OPTIONS", "GOFER", "LAYERS (top first)"].map(str::to_string);
    let mut widths = [0usize; 5];
    for r in std::iter::once(&header).chain(rows.iter()) {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&header).chain(rows.iter()) {
        let mut line = String::new();
        for (i, (c, w)) in r.iter().zip(widths.iter()).enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                let _ = write!(
                    line,
                    "{c}{}  ",
                    " ".repeat(w.saturating_sub(c.chars().count()))
                );
            }
        }
        out.push_str(&escape_control(line.trim_end()));
        out.push('\n');
    }
    out
}

fn walk(n: &MountNode, prefix: &str, last: bool, top: bool, rows: &mut Vec<[String; 5]>) {
    let branch = if top {
        String::new()
    } else {
        format!("{prefix}{}", if last { "└─" } else { "├─" })
    };
    let layers: Vec<&str> = n.layers.iter().map(|l| l.label.as_str()).collect();
    rows.push([
        format!("{branch}{}", n.path),
        n.fs_name.clone(),
        n.flags_label.clone(),
        n.gofer_fd.map(|f| format!("fd {f}")).unwrap_or_default(),
        layers.join(" > "),
    ]);
    let child_prefix = if top {
        String::new()
    } else {
        format!("{prefix}{}", if last { "  " } else { "│ " })
    };
    for (i, c) in n.children.iter().enumerate() {
        walk(c, &child_prefix, i + 1 == n.children.len(), false, rows);
    }
}

/// The decision log as text: one block per mount. Each line is escaped as
/// a whole (`escape_control`), so no field can add a line.
pub fn render_decisions(decisions: &[Decision]) -> String {
    let mut out = String::new();
    let mut push = |line: &str| {
        out.push_str(&escape_control(line));
        out.push('\n');
    };
    for d in decisions {
        let who = match &d.container {
            Some(c) => format!("[{c}] "),
            None => String::new(),
        };
        let mut head = format!(
            "{who}{} ({}, type {:?}",
            d.destination, d.origin_label, d.typ
        );
        if !d.source.is_empty() {
            let _ = write!(head, ", source {:?}", d.source);
        }
        let _ = write!(head, "): {}", d.outcome_label);
        if let Some(fs) = &d.shown_as {
            let _ = write!(head, " as {fs}");
        }
        if let Some(id) = d.mount_id {
            let _ = write!(head, ", mount id {id}");
        }
        if let Some(fd) = d.gofer_fd {
            let _ = write!(head, ", gofer fd {fd}");
        }
        push(&head);
        if let Some(data) = d.data.as_deref().filter(|x| !x.is_empty()) {
            push(&format!("    data: {data}"));
        }
        if !d.stubs.is_empty() {
            push(&format!("    stubs: {}", d.stubs.join(" ")));
        }
        for r in &d.reasons {
            push(&format!("    {}: {}", r.function, r.text));
        }
        if let Some(e) = &d.error {
            push(&format!("    error: {e}"));
        }
    }
    out
}
