//! Naming what the overlay did during one shell line: copy-ups
//! (`copyUpLocked` in `pkg/sentry/fs/copy_up.go`) and whiteouts
//! (`overlayRemove`/`overlayRename` in `inode_overlay.go`), which change
//! the upper layer without anything on screen saying so.

use crate::vfs::{DirentId, FileType, OverlayEvent, Vfs};

/// One sentence per overlay event, paths as seen from the task's `root`:
/// `copied up /etc/passwd: 74 B read over 9P into the tmpfs upper`,
/// `rm made a whiteout over /etc/hosts in the upper`.
pub fn overlay_notes(vfs: &Vfs, root: DirentId, cmd: &str, events: &[OverlayEvent]) -> Vec<String> {
    let path = |d: DirentId| {
        let p = vfs.path_of(d, root);
        p.strip_suffix(" (deleted)")
            .map(str::to_string)
            .unwrap_or(p)
    };
    events
        .iter()
        .map(|e| match e {
            OverlayEvent::CopyUp {
                dirent,
                kind,
                bytes,
                over_9p,
                upper_fs,
            } => {
                let upper = if upper_fs.is_empty() {
                    "the upper".to_string()
                } else {
                    format!("the {upper_fs} upper")
                };
                match kind {
                    FileType::Regular => {
                        let from = if *over_9p {
                            "read over 9P"
                        } else {
                            "from the lower"
                        };
                        format!("copied up {}: {bytes} B {from} into {upper}", path(*dirent))
                    }
                    FileType::Directory => {
                        format!("copied up directory {} into {upper}", path(*dirent))
                    }
                    _ => format!("copied up symlink {} into {upper}", path(*dirent)),
                }
            }
            OverlayEvent::Whiteout { parent, name } => {
                let dir = path(*parent);
                let sep = if dir.ends_with('/') { "" } else { "/" };
                format!("{cmd} made a whiteout over {dir}{sep}{name} in the upper")
            }
        })
        .collect()
}
