//! `subtargets(root, mounts)` (fs.go:508-526): destinations strictly below
//! `root`, relative to it, in order, duplicates kept, ignored types included.
//!
//! gVisor scans every mount per mount (O(N²) over a spec); [`SubtargetIndex`]
//! gives the same results and order from one sorted index.

use crate::vfs::clean;

/// `subtargets(root, dests)` as gVisor computes it.
pub fn subtargets<S: AsRef<str>>(root: &str, dests: &[S]) -> Vec<String> {
    let mut r = clean(root);
    if !r.ends_with('/') {
        r.push('/');
    }
    dests
        .iter()
        .filter_map(|d| {
            let t = clean(d.as_ref());
            t.strip_prefix(r.as_str())
                .filter(|rest| !rest.is_empty())
                .map(str::to_string)
        })
        .collect()
}

/// All mounts' cleaned destinations, sorted, for answering `subtargets` of
/// each mount without rescanning the list.
pub struct SubtargetIndex {
    /// (cleaned destination, original position), sorted by destination.
    sorted: Vec<(String, usize)>,
}

impl SubtargetIndex {
    pub fn new<S: AsRef<str>>(dests: &[S]) -> SubtargetIndex {
        let mut sorted: Vec<(String, usize)> = dests
            .iter()
            .enumerate()
            .map(|(i, d)| (clean(d.as_ref()), i))
            .collect();
        sorted.sort();
        SubtargetIndex { sorted }
    }

    /// The same list `subtargets(root, dests)` returns, in the same order.
    pub fn subtargets(&self, root: &str) -> Vec<String> {
        let mut r = clean(root);
        if !r.ends_with('/') {
            r.push('/');
        }
        let start = self
            .sorted
            .partition_point(|(d, _)| d.as_str() < r.as_str());
        let mut hits: Vec<(usize, String)> = self.sorted[start..]
            .iter()
            .take_while(|(d, _)| d.starts_with(r.as_str()))
            .filter_map(|(d, i)| {
                d.strip_prefix(r.as_str())
                    .filter(|rest| !rest.is_empty())
                    .map(|rest| (*i, rest.to_string()))
            })
            .collect();
        hits.sort_by_key(|(i, _)| *i);
        hits.into_iter().map(|(_, s)| s).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_from_the_semantics_doc() {
        assert_eq!(subtargets("/foo", &["/foo/bar/baz"]), ["bar/baz"]);
        assert!(subtargets("/foo", &["/foobar"]).is_empty());
        assert_eq!(subtargets("/", &["/foo"]), ["foo"]);
        assert_eq!(subtargets("/foo/../foo", &["/foo/bar"]), ["bar"]);
        assert!(subtargets("/", &["/"]).is_empty());
        assert!(subtargets("/", &["relative/x"]).is_empty());
        assert_eq!(
            subtargets("/a", &["/a/b", "/a/b", "/a/c/", "/a"]),
            ["b", "b", "c"]
        );
    }

    #[test]
    fn index_matches_the_scan() {
        let dests = [
            "/proc", "/sys", "/tmp", "/dev", "/dev/pts", "/a/b", "/a", "/a/b/c", "/ab", "/a//x/",
            "/a/b", "relative", "/",
        ];
        let idx = SubtargetIndex::new(&dests);
        for root in ["/", "/a", "/a/b", "/dev", "/ab", "/nope", "/a/"] {
            assert_eq!(
                idx.subtargets(root),
                subtargets(root, &dests),
                "root {root}"
            );
        }
    }
}
