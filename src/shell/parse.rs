//! Splitting a command line into words with POSIX shell quoting: `'…'` keeps
//! everything literally, `"…"` keeps everything but `\"`, `\\`, `\$` and
//! `` \` `` escapes, and a backslash outside quotes escapes the next character.

use crate::errno::Errno;
use crate::error::{Error, Result};

/// Longest command line accepted.
pub use crate::limits::MAX_SHELL_LINE as MAX_LINE;

/// Splits `line` into words. Unterminated quotes are an error.
pub fn split_words(line: &str) -> Result<Vec<String>> {
    crate::limits::SHELL_LINE.check("command line", line.len())?;
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err(unterminated('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\\' | '$' | '`')) => cur.push(e),
                            Some('\n') => {}
                            Some(other) => {
                                cur.push('\\');
                                cur.push(other);
                            }
                            None => return Err(unterminated('"')),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err(unterminated('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') | None => {}
                    Some(e) => cur.push(e),
                }
            }
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

fn unterminated(q: char) -> Error {
    Error::with_errno(Errno::EINVAL, format!("unterminated {q} quote"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_quoting() {
        let cases: &[(&str, &[&str])] = &[
            ("ls /dev", &["ls", "/dev"]),
            (
                "  write  /a   'hello world' ",
                &["write", "/a", "hello world"],
            ),
            (
                r#"write /a "say \"hi\" \$HOME \n""#,
                &["write", "/a", r#"say "hi" $HOME \n"#],
            ),
            (r"a\ b c", &["a b", "c"]),
            ("x''y \"\"", &["xy", ""]),
            ("'a\"b'", &["a\"b"]),
            ("", &[]),
        ];
        for (line, want) in cases {
            assert_eq!(split_words(line).unwrap(), *want, "{line}");
        }
        assert_eq!(
            split_words("echo 'abc").unwrap_err().to_string(),
            "unterminated ' quote"
        );
        assert_eq!(
            split_words("echo \"abc").unwrap_err().to_string(),
            "unterminated \" quote"
        );
    }
}
