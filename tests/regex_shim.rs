//! oci-spec validates `process.execCPUAffinity` with one regex,
//! `^(\d+(-\d+)?)(,\d+(-\d+)?)*$`. The build swaps the `regex` crate for
//! shims/regex (regex-lite underneath, for the wasm's size); these check
//! that oci-spec still accepts and refuses exactly what it did with
//! `regex`, whose `\d` is Unicode's Decimal_Number, not just ASCII.

use oci_spec::runtime::Spec;

fn affinity(initial: &str) -> Result<Spec, String> {
    let spec = serde_json::json!({
        "ociVersion": "1.0.0",
        "process": {"cwd": "/", "user": {"uid": 0, "gid": 0},
                    "execCPUAffinity": {"initial": initial, "final": "0"}},
    });
    serde_json::from_value(spec).map_err(|e| e.to_string())
}

#[test]
fn ascii_lists_and_ranges_pass() {
    for ok in ["0", "0-3", "0-3,7", "1,2,3", "10-20,30-40,99"] {
        assert!(affinity(ok).is_ok(), "{ok}: {:?}", affinity(ok).err());
    }
}

#[test]
fn unicode_decimal_digits_pass_as_with_regex() {
    // Arabic-Indic 3, Devanagari 0-9, fullwidth 7, mathematical bold 1
    // (the last Nd block, 0x1D7CE..0x1D7FF).
    for ok in ["\u{663}", "\u{966}-\u{96F}", "\u{FF17}", "\u{1D7CF},2"] {
        assert!(affinity(ok).is_ok(), "{ok:?}: {:?}", affinity(ok).err());
    }
}

#[test]
fn anything_else_is_refused_with_oci_specs_message() {
    for bad in ["", "a", "1-", "-1", "1,,2", "1 2", "\u{2167}", "\u{B2}"] {
        let e = affinity(bad).expect_err(bad);
        assert!(
            e.starts_with(&format!("Invalid execCPUAffinity format: {bad}")),
            "{bad:?}: {e}"
        );
    }
}
