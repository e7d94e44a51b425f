//! Any bytes, as the page hands the 9P inspector a frame: decoding with
//! byte spans never panics, and every field's span lies inside the frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mountlab::p9::spans::decode_spans;

fuzz_target!(|data: &[u8]| {
    let d = decode_spans(data);
    for f in &d.fields {
        assert!(f.start <= f.end && f.end <= data.len(), "{}: {}..{}", f.name, f.start, f.end);
    }
});
