//! Go formatting and parsing behaviour that gVisor's error texts depend on:
//! `%q` (`strconv.Quote`), `%q` of a `[]string`, and `strconv.ParseUint` /
//! `ParseInt` with their exact error texts and returned values.

use std::fmt::Write;

/// Go's `strconv.Quote` (what `%q` prints for a string).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() || is_go_unprintable(c) => {
                if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters Go's `unicode.IsPrint` rejects beyond the control range that
/// spec authors might plausibly paste (format and separator characters).
fn is_go_unprintable(c: char) -> bool {
    matches!(c as u32, 0x80..=0x9f | 0xad | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0xfeff)
}

/// Go's `%q` of a `[]string`: `["a" "b"]`.
pub fn quote_slice<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    format!("[{}]", parts.join(" "))
}

/// A `strconv.NumError`: its text and the value Go returns beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumError<T> {
    pub text: String,
    pub value: T,
}

/// `strconv.ParseUint(s, base, bits)` for an explicit base (2..=36).
pub fn parse_uint(s: &str, base: u32, bits: u32) -> Result<u64, NumError<u64>> {
    let syntax = || NumError {
        text: format!("strconv.ParseUint: parsing {}: invalid syntax", quote(s)),
        value: 0,
    };
    if s.is_empty() {
        return Err(syntax());
    }
    let max: u64 = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let mut n: u64 = 0;
    let mut overflow = false;
    for c in s.chars() {
        let d = c.to_digit(base).ok_or_else(syntax)?;
        match n
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) if v <= max => n = v,
            _ => overflow = true,
        }
    }
    if overflow {
        return Err(NumError {
            text: format!(
                "strconv.ParseUint: parsing {}: value out of range",
                quote(s)
            ),
            value: max,
        });
    }
    Ok(n)
}

/// `strconv.ParseInt(s, base, bits)` for an explicit base.
pub fn parse_int(s: &str, base: u32, bits: u32) -> Result<i64, NumError<i64>> {
    let syntax = || NumError {
        text: format!("strconv.ParseInt: parsing {}: invalid syntax", quote(s)),
        value: 0,
    };
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let un = match parse_uint(digits, base, 64) {
        Ok(v) => Some(v),
        Err(e) if e.text.ends_with("invalid syntax") => return Err(syntax()),
        Err(_) => None,
    };
    let cutoff: u64 = 1u64 << (bits.clamp(1, 64) - 1);
    let range = |value: i64| NumError {
        text: format!("strconv.ParseInt: parsing {}: value out of range", quote(s)),
        value,
    };
    let max = (cutoff - 1) as i64;
    let min = if cutoff == 1u64 << 63 {
        i64::MIN
    } else {
        -(cutoff as i64)
    };
    match un {
        None => Err(range(if neg { min } else { max })),
        Some(v) if !neg && v >= cutoff => Err(range(max)),
        Some(v) if neg && v > cutoff => Err(range(min)),
        Some(v) if neg => Ok((v as i128).wrapping_neg() as i64),
        Some(v) => Ok(v as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(quote("nosuid"), "\"nosuid\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quote("\0\n\x7f"), "\"\\x00\\n\\x7f\"");
        assert_eq!(quote("é"), "\"é\"");
        assert_eq!(quote_slice(&["nosuid"]), "[\"nosuid\"]");
        assert_eq!(quote_slice(&["a", "b"]), "[\"a\" \"b\"]");
    }

    #[test]
    fn parse_uint_errors_like_go() {
        assert_eq!(parse_uint("1777", 8, 32), Ok(0o1777));
        assert_eq!(
            parse_uint("abc", 8, 32).unwrap_err().text,
            "strconv.ParseUint: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            parse_uint("", 8, 32).unwrap_err().text,
            "strconv.ParseUint: parsing \"\": invalid syntax"
        );
        assert_eq!(
            parse_uint("8", 8, 32).unwrap_err().text,
            "strconv.ParseUint: parsing \"8\": invalid syntax"
        );
        assert_eq!(
            parse_uint("-1", 8, 32).unwrap_err().text,
            "strconv.ParseUint: parsing \"-1\": invalid syntax"
        );
        let e = parse_uint("77777777777", 8, 32).unwrap_err();
        assert_eq!(
            e.text,
            "strconv.ParseUint: parsing \"77777777777\": value out of range"
        );
        assert_eq!(e.value, u64::from(u32::MAX));
    }

    #[test]
    fn parse_int_errors_like_go() {
        assert_eq!(parse_int("1000", 10, 32), Ok(1000));
        assert_eq!(parse_int("-5", 10, 32), Ok(-5));
        assert_eq!(parse_int("+5", 10, 32), Ok(5));
        assert_eq!(
            parse_int("x", 10, 32).unwrap_err(),
            NumError {
                text: "strconv.ParseInt: parsing \"x\": invalid syntax".into(),
                value: 0
            }
        );
        let e = parse_int("99999999999", 10, 32).unwrap_err();
        assert_eq!(
            e.text,
            "strconv.ParseInt: parsing \"99999999999\": value out of range"
        );
        assert_eq!(e.value, 2147483647);
        assert_eq!(parse_int("-2147483648", 10, 32), Ok(-2147483648));
        assert_eq!(
            parse_int("-2147483649", 10, 32).unwrap_err().value,
            -2147483648
        );
        assert_eq!(
            parse_int("", 10, 32).unwrap_err().text,
            "strconv.ParseInt: parsing \"\": invalid syntax"
        );
        assert_eq!(
            parse_int("-", 10, 32).unwrap_err().text,
            "strconv.ParseInt: parsing \"-\": invalid syntax"
        );
    }
}
