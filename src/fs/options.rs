//! Mount data parsing shared by the filesystems (`fs.GenericMountSourceOptions`).

use std::collections::BTreeMap;

/// `fs.GenericMountSourceOptions(data)`: comma-separated `k=v` or bare `k`
/// (value `""`); for `k=v=w` the value is `v=w` (`SplitN(opt, "=", 2)`).
/// Later keys win.
pub fn generic_mount_source_options(data: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for opt in data.split(',').filter(|o| !o.is_empty()) {
        // `strings.SplitN(opt, "=", 2)`: everything after the first `=` is
        // the value, so `x=y=z` is `x` -> `y=z`.
        let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
        out.insert(k.to_string(), v.to_string());
    }
    out
}

/// Go's `%v` of a `map[string]string`: `map[a:1 b:2]`, keys sorted.
pub fn go_map(m: &BTreeMap<String, String>) -> String {
    let body: Vec<String> = m.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", body.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_split_like_gvisor() {
        let m = generic_mount_source_options("mode=1777,uid=0,,ro,x=y=z");
        assert_eq!(m.get("mode").map(String::as_str), Some("1777"));
        assert_eq!(m.get("ro").map(String::as_str), Some(""));
        assert_eq!(m.get("x").map(String::as_str), Some("y=z"));
        assert_eq!(go_map(&m), "map[mode:1777 ro: uid:0 x:y=z]");
        assert!(generic_mount_source_options("").is_empty());
    }
}
