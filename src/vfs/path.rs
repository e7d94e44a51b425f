//! Path helpers with Go's exact semantics (`path.Clean`, gVisor's `SplitFirst`).

use std::borrow::Cow;

/// Go's `path.Clean`: the shortest equivalent path, lexically.
pub fn clean(p: &str) -> String {
    clean_cow(p).into_owned()
}

/// [`clean`] borrowing `p` when it is clean already, as nearly every path
/// the engine cleans (spec destinations, joined mount paths) is.
pub fn clean_cow(p: &str) -> Cow<'_, str> {
    if is_clean(p) {
        Cow::Borrowed(p)
    } else {
        Cow::Owned(clean_slow(p))
    }
}

fn clean_slow(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for comp in p.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

/// Whether `clean(p) == p`, for the common shapes: `/`, or components that
/// are neither empty, `.` nor `..` (a relative path starting with `..` is
/// clean too, but is left to the slow path).
fn is_clean(p: &str) -> bool {
    if p == "/" {
        return true;
    }
    let body = p.strip_prefix('/').unwrap_or(p);
    !body.is_empty()
        && body
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// gVisor's `fs.SplitFirst`: trims trailing slashes (except a lone `/`), then
/// returns the first component (`"/"` for an absolute path) and the rest.
pub fn split_first(path: &str) -> (&str, &str) {
    let mut p = path;
    while p.len() > 1 && p.ends_with('/') {
        p = &p[..p.len() - 1];
    }
    if p.is_empty() {
        return (".", "");
    }
    match p.find('/') {
        Some(0) => ("/", &p[1..]),
        // gVisor strips redundant slashes from the remainder here, so
        // `foo////bar` walks `foo` then `bar` (TestFindLink).
        Some(i) => (&p[..i], p[i + 1..].trim_start_matches('/')),
        None => (p, ""),
    }
}

/// Go's `path.Join` of two elements.
pub fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(b),
        (false, true) => clean(a),
        (false, false) => clean(&format!("{a}/{b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        let cases = [
            ("", "."),
            ("/", "/"),
            ("//", "/"),
            ("/proc//", "/proc"),
            ("/foo/../foo", "/foo"),
            ("a/b/../../..", ".."),
            ("/../x", "/x"),
            ("./a/./b/", "a/b"),
            ("/a/b/c/../../d", "/a/d"),
            ("/a/b", "/a/b"),
            ("a/b", "a/b"),
            ("/a/b/", "/a/b"),
            ("/a/./b", "/a/b"),
            ("/a/.b/..c", "/a/.b/..c"),
            ("../a", "../a"),
            (".", "."),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn split_first_matches_gvisor() {
        assert_eq!(split_first("/"), ("/", ""));
        assert_eq!(split_first("/a/b"), ("/", "a/b"));
        assert_eq!(split_first("a/b/"), ("a", "b"));
        assert_eq!(split_first("a"), ("a", ""));
        assert_eq!(split_first("//a"), ("/", "/a"));
        assert_eq!(split_first("a//b"), ("a", "b"));
        assert_eq!(split_first("foo////bar"), ("foo", "bar"));
        assert_eq!(split_first(""), (".", ""));
    }

    #[test]
    fn join_matches_go() {
        assert_eq!(join("/", "bin/sh"), "/bin/sh");
        assert_eq!(join("/usr", "../x"), "/x");
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("", ""), "");
    }
}
