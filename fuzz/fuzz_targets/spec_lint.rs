//! Any text, as typed in the editor: `mountlab lint` and the editor's
//! measure of each `spec.mounts[i]` never panic, and every range they give
//! is inside the text on char boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mountlab::lint::{lint_text, spans::mount_entries};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for (_, s) in mount_entries(text) {
        assert!(s.start <= s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
    let _ = lint_text(text, None);
});
