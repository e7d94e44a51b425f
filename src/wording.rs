//! Input errors in plain words first, then the parser's own text.
//!
//! serde speaks of its data model (`invalid type: string "ro", expected a
//! sequence`, `expected ident at line 1 column 2`); a spec author needs to
//! know what to write instead. These functions put a sentence in front of
//! serde's message and keep the message itself in parentheses, so nothing
//! the parser knew is lost.

use crate::error::{Error, JsonPath};

/// A value error at `path` (from `serde_path_to_error`): `spec.mounts[0].options
/// must be a list of strings, e.g. ["ro"] (parser: invalid type: …)`, or
/// `path: serde's text` when there are no plainer words for it.
pub fn value_error(path: JsonPath, serde: &str) -> Error {
    match plain_value(serde) {
        Some(words) => Error::msg(format!("{path} {words} (parser: {serde})")).at_path(path),
        None => Error::input(path, serde),
    }
}

/// What to write instead, for serde's messages about a value's shape.
fn plain_value(serde: &str) -> Option<String> {
    if let Some(rest) = serde.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ")?;
        return Some(format!("must be {}", wanted(expected, found)));
    }
    if let Some(rest) = serde.strip_prefix("missing field `") {
        let field = rest.strip_suffix('`')?;
        return Some(format!("needs the key \"{field}\""));
    }
    if let Some(rest) = serde.strip_prefix("unknown field `") {
        let (field, known) = rest.split_once('`')?;
        let known = known
            .strip_prefix(", expected one of ")
            .or_else(|| known.strip_prefix(", expected "))
            .map(|k| format!(" (it takes {})", k.replace('`', "\"")))
            .unwrap_or_default();
        let _ = field;
        return Some(format!("is not a key this object takes{known}"));
    }
    None
}

/// serde's "expected" in words, with an example built from what was found
/// when that makes one (`string "ro"` where a list was expected: `["ro"]`).
fn wanted(expected: &str, found: &str) -> String {
    let literal = found.strip_prefix("string ");
    match expected {
        "a sequence" => match literal {
            Some(s) => format!("a list of strings, e.g. [{s}]"),
            None => "a list, e.g. [...]".to_string(),
        },
        "a string" => match found
            .split_once(" `")
            .and_then(|(_, v)| v.strip_suffix('`'))
        {
            // serde quotes a scalar it found in backticks: `integer `1``.
            Some(v) => format!("a string in double quotes, e.g. \"{v}\""),
            None => "a string in double quotes".to_string(),
        },
        "a boolean" => "true or false".to_string(),
        e if is_integer(e) => "a whole number".to_string(),
        e if e.starts_with("struct ") || e == "a map" || e.starts_with("a map") => {
            "an object, e.g. {...}".to_string()
        }
        e => e.to_string(),
    }
}

fn is_integer(expected: &str) -> bool {
    matches!(
        expected,
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" | "isize"
    ) || expected.contains("integer")
}

/// A JSON syntax error, in words, at the position the mistake is at
/// (`what` names the input, e.g. `host: `). A missing comma is reported at
/// the end of the value it should follow, not where serde noticed it (the
/// next line's first key).
pub fn syntax_error(what: &str, text: &str, e: &serde_json::Error) -> Error {
    let (mut line, mut column) = (e.line(), e.column());
    let msg = e.to_string();
    let first = text.trim_start().chars().next();
    let words: String = if first.is_none() {
        "the text is empty: a spec or scenario is a JSON object, {...}".into()
    } else if !matches!(first, Some('{' | '[')) {
        "the text is not JSON: a spec or scenario is a JSON object, starting with {".into()
    } else if msg.starts_with("EOF while parsing") {
        "invalid JSON: the text ends before the JSON is complete (a missing } or ]?)".into()
    } else if msg.starts_with("expected `,` or `}`") || msg.starts_with("expected `,` or `]`") {
        if let Some((l, c)) = end_of_previous_value(text, line, column) {
            (line, column) = (l, c);
        }
        format!("invalid JSON: a comma is missing after line {line} column {column}")
    } else if msg.starts_with("trailing comma") {
        "invalid JSON: a comma before } or ] is not allowed".into()
    } else if msg.starts_with("key must be a string") {
        "invalid JSON: a key must be a string in double quotes".into()
    } else {
        return Error::msg(format!("{what}invalid JSON: {msg}")).at_position(line, column);
    };
    Error::msg(format!("{what}{words} (parser: {msg})")).at_position(line, column)
}

/// The line and column just after the last non-blank character before
/// (1-based) `line`/`column`: where a missing comma belongs.
fn end_of_previous_value(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    // serde's column counts bytes of the line, 1-based at its error char.
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let at = (line_start + column.saturating_sub(1)).min(text.len());
    let before = text.get(..at)?;
    let end = before.trim_end().len();
    if end == 0 {
        return None;
    }
    let head = text.get(..end)?;
    let l = head.matches('\n').count() + 1;
    let c = head.len() - head.rfind('\n').map_or(0, |i| i + 1);
    // One past the value's last character, as an editor's cursor would sit.
    Some((l, c + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(text: &str) -> String {
        let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        syntax_error("", text, &e).to_string()
    }

    #[test]
    fn a_missing_comma_is_at_the_end_of_the_previous_value() {
        let text = "{\n  \"a\": 1\n  \"b\": 2\n}";
        let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let err = syntax_error("", text, &e);
        assert_eq!(
            err.to_string(),
            "invalid JSON: a comma is missing after line 2 column 9 (parser: expected `,` or `}` at line 3 column 3)"
        );
        let at = err.input_at().cloned().unwrap_or_default();
        assert_eq!((at.line, at.column), (Some(2), Some(9)));
    }

    #[test]
    fn not_json_says_so() {
        assert_eq!(
            syntax("version: 1"),
            "the text is not JSON: a spec or scenario is a JSON object, starting with { (parser: expected value at line 1 column 1)"
        );
    }

    #[test]
    fn value_errors_say_what_to_write() {
        let p = JsonPath::default().key("spec").key("mounts").index(0);
        assert_eq!(
            value_error(p.key("options"), "invalid type: string \"ro\", expected a sequence")
                .to_string(),
            "spec.mounts[0].options must be a list of strings, e.g. [\"ro\"] (parser: invalid type: string \"ro\", expected a sequence)"
        );
        assert_eq!(
            value_error(p.clone(), "missing field `destination`").to_string(),
            "spec.mounts[0] needs the key \"destination\" (parser: missing field `destination`)"
        );
        assert_eq!(
            value_error(p, "something else").to_string(),
            "spec.mounts[0]: something else"
        );
    }
}
