//! Leaf utilities shared by the core: they name no other module of the
//! crate, so anything may use them without making a cycle.
//!
//! * [`hash`]: the Fx hash map and set of the VFS's and the gofer's maps.
//! * [`path`]: Go's `path.Clean` and `path.Join`, and gVisor's `fs.SplitFirst`.
//!
//! (`gostr` and `gosort`, Go's formatting and `sort.Slice`, are leaf
//! modules of their own.)

pub mod hash;
pub mod path;

pub use hash::{FastMap, FastSet, FxHasher};
pub use path::{clean, clean_cow, join, split_first};
