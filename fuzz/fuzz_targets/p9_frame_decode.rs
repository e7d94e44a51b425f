//! Any bytes: decoding never panics, and whatever decodes re-encodes to a
//! frame that decodes to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mountlab::p9::messages::decode_frame;
use mountlab::p9::version::MAX_MSIZE;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = decode_frame(data, MAX_MSIZE) {
        let again = f.msg.encode_frame(f.tag);
        let back = decode_frame(&again, MAX_MSIZE).expect("re-encoded frame decodes");
        assert_eq!(back, f);
        let _ = f.msg.summary();
    }
});
