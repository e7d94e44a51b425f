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
    // Byte scans: `/` is ASCII, so every cut is a char boundary, and a
    // byte search is several times cheaper than `str::find(char)` on the
    // path walk of every lookup (13% of a `stat`'s instructions).
    let bytes = path.as_bytes();
    let mut end = bytes.len();
    while end > 1 && bytes.get(end - 1) == Some(&b'/') {
        end -= 1;
    }
    let p = path.get(..end).unwrap_or(path);
    if p.is_empty() {
        return (".", "");
    }
    match p.bytes().position(|b| b == b'/') {
        Some(0) => ("/", p.get(1..).unwrap_or("")),
        // gVisor strips redundant slashes from the remainder here, so
        // `foo////bar` walks `foo` then `bar` (TestFindLink).
        Some(i) => {
            let rest = p.get(i + 1..).unwrap_or("");
            let skip = rest.bytes().take_while(|&b| b == b'/').count();
            (p.get(..i).unwrap_or(p), rest.get(skip..).unwrap_or(""))
        }
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
        assert_eq!(split_first("a///"), ("a", ""));
        assert_eq!(split_first("///"), ("/", ""));
        assert_eq!(split_first("é/ü//x/"), ("é", "ü//x"));
    }

    #[test]
    fn join_matches_go() {
        assert_eq!(join("/", "bin/sh"), "/bin/sh");
        assert_eq!(join("/usr", "../x"), "/x");
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("", ""), "");
    }
}
