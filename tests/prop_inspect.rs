//! Property tests for this session's new parsers of untrusted input (bounded
//! case counts, a few seconds in all); `fuzz/` has the same targets for
//! cargo-fuzz:
//!
//! * the 9P inspector's decoder (`p9::spans::decode_spans`) takes any bytes
//!   the page hands it: it never panics, and every field's span lies inside
//!   the frame, so the hex view never lights a byte that is not there;
//! * the editor's and `mountlab lint`'s measures of a spec's text
//!   (`lint::spans::mount_entries`, `lint::lint_text`) take any text: they
//!   never panic, and every range they give is inside the text on char
//!   boundaries.

use mountlab::lint::{lint_text, spans::mount_entries};
use mountlab::p9::messages::{Message, Tversion, Twalk};
use mountlab::p9::spans::decode_spans;
use proptest::prelude::*;

fn real_frames() -> Vec<Vec<u8>> {
    vec![
        Message::Tversion(Tversion {
            msize: 65536,
            version: "9P2000.L".into(),
        })
        .encode_frame(0xffff),
        Message::Twalk(Twalk {
            fid: 1,
            newfid: 2,
            names: vec!["etc".into(), "passwd".into()],
        })
        .encode_frame(3),
    ]
}

fn spans_inside(frame: &[u8]) {
    let d = decode_spans(frame);
    for f in &d.fields {
        assert!(
            f.start <= f.end && f.end <= frame.len(),
            "{}: {}..{} outside a {}-byte frame",
            f.name,
            f.start,
            f.end,
            frame.len()
        );
    }
}

const SPEC: &str = include_str!("../www/presets/docker-default.json");

fn ranges_inside(text: &str) {
    for (_, s) in mount_entries(text) {
        assert!(s.start <= s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
    // An error is an answer too; only a panic fails.
    let _ = lint_text(text, None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_decode_inside_the_frame(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        spans_inside(&bytes);
    }

    #[test]
    fn real_frames_cut_or_flipped_decode_inside(which in 0usize..2, cut in 0usize..64, at in 0usize..64, to in any::<u8>()) {
        let mut f = real_frames().swap_remove(which);
        if let Some(b) = f.get_mut(at) {
            *b = to;
        }
        f.truncate(cut.max(1));
        spans_inside(&f);
    }

    #[test]
    fn a_spec_cut_anywhere_measures_inside(cut in 0usize..4000) {
        let mut end = cut.min(SPEC.len());
        while !SPEC.is_char_boundary(end) {
            end -= 1;
        }
        ranges_inside(&SPEC[..end]);
    }

    #[test]
    fn a_spec_with_a_char_replaced_measures_inside(at in 0usize..4000, c in prop::char::any()) {
        let mut at = at.min(SPEC.len().saturating_sub(1));
        while !SPEC.is_char_boundary(at) {
            at -= 1;
        }
        let mut s = String::with_capacity(SPEC.len() + 4);
        s.push_str(&SPEC[..at]);
        s.push(c);
        s.push_str(SPEC.get(at + 1..).unwrap_or(""));
        ranges_inside(&s);
    }

    #[test]
    fn any_text_measures_inside(s in "\\PC{0,200}") {
        ranges_inside(&s);
    }
}
