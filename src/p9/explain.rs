//! Which gofer errors are part of the plan rather than a fault, and why,
//! so the inspector can say so instead of showing them as alarms.
//!
//! During setup the sentry looks every mount point up on the gofer's root:
//! `mountSubmount` (fs.go:295-353) finds the destination through the root's
//! overlay, whose `overlayLookup` (`pkg/sentry/fs/inode_overlay.go`) asks
//! the lower (the gofer) even when the upper has the name. A mount point
//! that the host root lacks (`/dev`, `/proc`, `/sys`,
//! `/__runsc_containers__`) is a stub directory in the ramfs tree that
//! `addSubmountOverlay` (fs.go:491-504) lays over the root, so the lower
//! answers the walk with ENOENT and nothing is wrong.

use super::messages::{decode_frame, Message};
use super::wire::P9Str;
use crate::errno::Errno;

/// Why an error reply to `request` (a whole or cut T-frame) is expected,
/// or `None` when it is not: a walk's ENOENT is how a lookup says "not
/// here", during setup (`during_setup`) or under a command.
pub fn expected_error(request: &[u8], errno: u32, during_setup: bool) -> Option<String> {
    if errno != Errno::ENOENT.0 {
        return None;
    }
    let names = match decode_frame(request, u32::MAX).ok()?.msg {
        Message::Twalk(w) => w.names,
        Message::Twalkgetattr(w) => w.names,
        _ => return None,
    };
    let path = names.iter().map(P9Str::lossy).collect::<Vec<_>>().join("/");
    Some(if during_setup {
        format!(
            "expected: setup looks \"{path}\" up on the host and it is not there; the mount point is a stub directory in the ramfs that addSubmountOverlay lays over the root (fs.go:491), and the overlay asks its lower (the gofer) for every name it looks up"
        )
    } else {
        format!(
            "expected: a lookup that found nothing; \"{path}\" is not on the host (the command's own ENOENT, or an overlay asking its lower for a name only its upper has)"
        )
    })
}
