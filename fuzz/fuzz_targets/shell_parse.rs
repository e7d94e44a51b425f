//! Any text through `shell::split_words`: never panics, and words quoted
//! back with single quotes split to the same words.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mountlab::shell::split_words;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(words) = split_words(&text) {
        let quoted: Vec<String> = words
            .iter()
            .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
            .collect();
        let line = quoted.join(" ");
        if line.len() <= mountlab::shell::MAX_LINE {
            assert_eq!(split_words(&line).expect("requoted line splits"), words);
        }
    }
});
