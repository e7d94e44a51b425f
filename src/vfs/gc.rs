//! Reclaiming what unmount and container destroy detach.
//!
//! gVisor frees a detached mount when the last reference to its dirents is
//! dropped. Here the roots are explicit: the namespace root, every dirent kept
//! on a mount stack, and every open file. Whatever cannot be reached from them
//! through dirent children, inode data and overlay layers is freed.

use super::inode::{InodeId, Node};
use super::mount_source::{MsrcId, MsrcKind};
use super::remote::Remote;
use super::{DirentId, Vfs};
use crate::util::FastSet;

impl Vfs {
    /// Frees every dirent, inode and mount source no longer reachable.
    /// Returns how many objects were freed.
    pub fn collect_garbage(&mut self) -> usize {
        self.collect_garbage_keeping(&[])
    }

    /// As [`Vfs::collect_garbage`], also keeping the inodes in `pinned` (for
    /// callers holding an inode that is not mounted yet).
    pub fn collect_garbage_keeping(&mut self, pinned: &[InodeId]) -> usize {
        let mut live_d: FastSet<DirentId> = FastSet::default();
        let mut stack: Vec<DirentId> = Vec::new();
        stack.extend(self.ns_root);
        for (top, covered) in &self.mounts {
            stack.push(*top);
            stack.extend(covered.iter().copied());
        }
        for f in self.files.values() {
            // An open file keeps its dirent and every ancestor (for `..`
            // and FullName).
            let mut cur = Some(f.dirent);
            while let Some(c) = cur {
                stack.push(c);
                cur = self.dirents.get(c).and_then(|d| d.parent);
            }
        }
        let mut live_i: FastSet<InodeId> = pinned.iter().copied().collect();
        while let Some(d) = stack.pop() {
            if !live_d.insert(d) {
                continue;
            }
            if let Some(x) = self.dirents.get(d) {
                live_i.insert(x.inode);
                stack.extend(x.children.values().copied());
                // Ancestors stay reachable for `..`.
                stack.extend(x.parent);
            }
        }
        // Inodes: through directory entries and overlay layers.
        let mut istack: Vec<InodeId> = live_i.iter().copied().collect();
        let mut live_m: FastSet<MsrcId> = FastSet::default();
        let mut seen: FastSet<InodeId> = FastSet::default();
        while let Some(i) = istack.pop() {
            if !seen.insert(i) {
                continue;
            }
            let Some(inode) = self.inodes.get(i) else {
                continue;
            };
            live_m.insert(inode.msrc);
            match &inode.node {
                Node::Dir(entries) => istack.extend(entries.values().copied()),
                Node::Overlay(o) => {
                    istack.extend(o.upper);
                    istack.extend(o.lower);
                }
                Node::File(_)
                | Node::Symlink(_)
                | Node::CharDev(_)
                | Node::Socket
                | Node::Generated(_)
                | Node::Remote(_) => {}
            }
        }
        // Mount sources: overlay sources keep their layers' sources, and a
        // mounted source keeps its root.
        let mut mstack: Vec<MsrcId> = live_m.iter().copied().collect();
        let mut live_ms: FastSet<MsrcId> = FastSet::default();
        while let Some(m) = mstack.pop() {
            if !live_ms.insert(m) {
                continue;
            }
            if let Some(ms) = self.msrcs.get(m) {
                if let MsrcKind::Overlay { upper, lower } = ms.kind {
                    mstack.push(upper);
                    mstack.push(lower);
                }
            }
        }
        // Freed remote inodes give their resources back (9p: fids).
        let dead_remote: Vec<Remote> = self
            .inodes
            .iter()
            .filter(|(k, _)| !seen.contains(k))
            .filter_map(|(_, i)| i.node.remote())
            .collect();
        for r in dead_remote {
            self.remote_release(r);
        }
        let before = self.dirents.len() + self.inodes.len() + self.msrcs.len();
        self.dirents.retain(|k, _| live_d.contains(&k));
        self.inodes.retain(|k, _| seen.contains(&k));
        self.msrcs.retain(|k, _| live_ms.contains(&k));
        // Detached mount sources may still list freed children.
        let live = &live_ms;
        for (_, m) in self.msrcs.iter_mut() {
            m.children.retain(|c| live.contains(c));
        }
        before - (self.dirents.len() + self.inodes.len() + self.msrcs.len())
    }
}
