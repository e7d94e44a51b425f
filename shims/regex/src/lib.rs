//! The part of the `regex` crate's API that oci-spec's `runtime` module
//! uses (one pattern, for `process.execCPUAffinity`:
//! `^(\\d+(-\\d+)?)(,\\d+(-\\d+)?)*$`), on `regex-lite`.
//!
//! Why: `regex` with its Unicode tables and lazy DFA was a fifth of the
//! playground's wasm (about 400 KB of code and 150 KB of tables before
//! gzip) for that one check. `regex-lite` has the same syntax but treats
//! `\\d` as ASCII; `regex`'s `\\d` is Unicode's Decimal_Number, so `new`
//! spells `\\d` out as that class and oci-spec accepts exactly the
//! strings it accepted before (tests/regex_shim.rs).

use std::fmt;

/// Unicode 16.0's General_Category=Nd, as inclusive code point ranges: what
/// `regex` (regex-syntax 0.8) matches for `\\d`.
const DECIMAL_NUMBER: &[(u32, u32)] = &[
    (0x30, 0x39), (0x660, 0x669), (0x6F0, 0x6F9), (0x7C0, 0x7C9), (0x966, 0x96F),
    (0x9E6, 0x9EF), (0xA66, 0xA6F), (0xAE6, 0xAEF), (0xB66, 0xB6F), (0xBE6, 0xBEF),
    (0xC66, 0xC6F), (0xCE6, 0xCEF), (0xD66, 0xD6F), (0xDE6, 0xDEF), (0xE50, 0xE59),
    (0xED0, 0xED9), (0xF20, 0xF29), (0x1040, 0x1049), (0x1090, 0x1099), (0x17E0, 0x17E9),
    (0x1810, 0x1819), (0x1946, 0x194F), (0x19D0, 0x19D9), (0x1A80, 0x1A89), (0x1A90, 0x1A99),
    (0x1B50, 0x1B59), (0x1BB0, 0x1BB9), (0x1C40, 0x1C49), (0x1C50, 0x1C59), (0xA620, 0xA629),
    (0xA8D0, 0xA8D9), (0xA900, 0xA909), (0xA9D0, 0xA9D9), (0xA9F0, 0xA9F9), (0xAA50, 0xAA59),
    (0xABF0, 0xABF9), (0xFF10, 0xFF19), (0x104A0, 0x104A9), (0x10D30, 0x10D39),
    (0x10D40, 0x10D49), (0x11066, 0x1106F), (0x110F0, 0x110F9), (0x11136, 0x1113F),
    (0x111D0, 0x111D9), (0x112F0, 0x112F9), (0x11450, 0x11459), (0x114D0, 0x114D9),
    (0x11650, 0x11659), (0x116C0, 0x116C9), (0x116D0, 0x116E3), (0x11730, 0x11739),
    (0x118E0, 0x118E9), (0x11950, 0x11959), (0x11BF0, 0x11BF9), (0x11C50, 0x11C59),
    (0x11D50, 0x11D59), (0x11DA0, 0x11DA9), (0x11F50, 0x11F59), (0x16130, 0x16139),
    (0x16A60, 0x16A69), (0x16AC0, 0x16AC9), (0x16B50, 0x16B59), (0x16D70, 0x16D79),
    (0x1CCF0, 0x1CCF9), (0x1D7CE, 0x1D7FF), (0x1E140, 0x1E149), (0x1E2F0, 0x1E2F9),
    (0x1E4F0, 0x1E4F9), (0x1E5F1, 0x1E5FA), (0x1E950, 0x1E959), (0x1FBF0, 0x1FBF9),
];

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Regex(regex_lite::Regex);

/// A pattern `regex-lite` could not compile.
#[derive(Clone, Debug)]
pub struct Error(regex_lite::Error);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl Regex {
    /// Compiles `pattern`, with `\\d` outside a bracket class meaning
    /// Unicode's decimal digits as in `regex`.
    pub fn new(pattern: &str) -> Result<Regex, Error> {
        regex_lite::Regex::new(&unicode_digits(pattern))
            .map(Regex)
            .map_err(Error)
    }

    /// Whether `haystack` has a match anywhere.
    pub fn is_match(&self, haystack: &str) -> bool {
        self.0.is_match(haystack)
    }

    /// The pattern as given to `regex-lite`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// `pattern` with each `\\d` outside brackets replaced by the bracket class
/// of [`DECIMAL_NUMBER`]. Other escapes (`\\\\d` included) pass unchanged;
/// a `\\d` inside brackets is left to regex-lite (ASCII), which oci-spec's
/// pattern never has.
fn unicode_digits(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('d') if depth == 0 => out.push_str(&digit_class()),
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                }
                None => out.push('\\'),
            },
            '[' => {
                depth += 1;
                out.push(c);
            }
            ']' if depth > 0 => {
                depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn digit_class() -> String {
    let mut s = String::from("[");
    for &(lo, hi) in DECIMAL_NUMBER {
        if let (Some(lo), Some(hi)) = (char::from_u32(lo), char::from_u32(hi)) {
            s.push(lo);
            s.push('-');
            s.push(hi);
        }
    }
    s.push(']');
    s
}
