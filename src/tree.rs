//! The layered mount tree: every mount of the namespace with its layers,
//! gofer FD and decision, nested by mount parent. The CLI prints it
//! findmnt-style; the playground draws it.

use crate::boot::{Decision, Layer};
use crate::sandbox::Sandbox;
use crate::vfs::MountSourceFlags;
use serde::Serialize;
use std::fmt::Write;

/// One mount in the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountNode {
    pub id: u64,
    pub parent_id: u64,
    /// The mount point in the sandbox-global namespace.
    pub path: String,
    /// What `/proc/mounts` prints (`overlayfs` when layered).
    pub fs_name: String,
    pub flags: MountSourceFlags,
    /// Top first.
    pub layers: Vec<Layer>,
    pub gofer_fd: Option<i32>,
    /// The container this mount belongs to (`None` for the root container).
    pub container: Option<String>,
    /// Index into the report's decisions.
    pub decision: Option<usize>,
    pub children: Vec<MountNode>,
}

/// Builds the tree of the whole namespace.
pub fn mount_tree(sb: &Sandbox) -> Option<MountNode> {
    let root = sb.vfs.namespace_root().ok()?;
    let table = sb.vfs.mount_table(root);
    let decisions = &sb.rec.decisions;
    let mut nodes: Vec<MountNode> = table
        .iter()
        .map(|m| {
            let di = find_decision(decisions, &m.path, m.id);
            let d = di.and_then(|i| decisions.get(i));
            MountNode {
                id: m.id,
                parent_id: m.parent_id,
                path: m.path.clone(),
                fs_name: m.fs_name.clone(),
                flags: m.flags,
                layers: d.map(|d| d.layers.clone()).unwrap_or_default(),
                gofer_fd: d.and_then(|d| d.gofer_fd),
                container: d.and_then(|d| d.container.clone()),
                decision: di,
                children: Vec::new(),
            }
        })
        .collect();
    // Attach children to parents, deepest ids first so each subtree is
    // complete before it moves (ids grow with mount order).
    nodes.sort_by_key(|n| n.id);
    while nodes.len() > 1 {
        let Some(last) = nodes.pop() else { break };
        match nodes
            .iter_mut()
            .find(|n| n.id == last.parent_id && n.id != last.id)
        {
            Some(p) => p.children.insert(0, last),
            None => {
                // An orphan (its parent is outside the table): keep it under root.
                match nodes.first_mut() {
                    Some(r) => r.children.push(last),
                    None => return Some(last),
                }
            }
        }
    }
    let mut root = nodes.pop()?;
    sort_children(&mut root);
    Some(root)
}

fn sort_children(n: &mut MountNode) {
    n.children.sort_by_key(|c| c.id);
    for c in &mut n.children {
        sort_children(c);
    }
}

fn find_decision(decisions: &[Decision], path: &str, id: u64) -> Option<usize> {
    decisions
        .iter()
        .rposition(|d| d.mount_id == Some(id) && d.mount_path.as_deref() == Some(path))
        .or_else(|| {
            if id == 1 {
                decisions
                    .iter()
                    .position(|d| d.container.is_none() && d.origin == crate::boot::Origin::Root)
            } else {
                None
            }
        })
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
    let mut opts = if n.flags.read_only {
        "ro".to_string()
    } else {
        "rw".to_string()
    };
    if n.flags.no_atime {
        opts.push_str(",noatime");
    }
    let layers: Vec<String> = n
        .layers
        .iter()
        .map(|l| match (l.role.as_str(), l.fs.as_str()) {
            ("lower", "ramfs") => format!("stubs[{}]", l.detail),
            ("upper", fs) => format!("{fs} upper"),
            (_, "9p") => format!("9p {}", l.detail),
            (_, fs) => fs.to_string(),
        })
        .collect();
    rows.push([
        format!("{branch}{}", n.path),
        n.fs_name.clone(),
        opts,
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
        let origin = match (d.origin, d.spec_index) {
            (crate::boot::Origin::Spec, Some(i)) => format!("spec.mounts[{i}]"),
            (o, _) => format!("{o:?}").to_lowercase(),
        };
        let mut head = format!("{who}{} ({origin}, type {:?}", d.destination, d.typ);
        if !d.source.is_empty() {
            let _ = write!(head, ", source {:?}", d.source);
        }
        let _ = write!(head, "): {:?}", d.outcome);
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
