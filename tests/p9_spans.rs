//! The inspector's decode: every field of a 9P frame with the bytes it
//! occupies (#18), made from the codec's own types.

use mountlab::p9::messages::{Message, Rlerror, Tversion, Twalk};
use mountlab::p9::spans::{decode_spans, FieldSpan};
use mountlab::playground::Playground;

fn rows(f: &[FieldSpan]) -> Vec<String> {
    f.iter()
        .map(|s| {
            format!(
                "{}{}={} @{}..{}",
                "  ".repeat(s.depth as usize),
                s.name,
                s.value,
                s.start,
                s.end
            )
        })
        .collect()
}

#[test]
fn a_twalk_is_decoded_field_by_field_onto_its_bytes() {
    let m: Message = Twalk {
        fid: 1,
        newfid: 2,
        names: vec!["etc".into(), "passwd".into()],
    }
    .into();
    let frame = m.encode_frame(3);
    let d = decode_spans(&frame);
    assert_eq!(d.name, "Twalk");
    assert_eq!(d.note, None);
    assert_eq!(
        rows(&d.fields),
        [
            "size=30 @0..4",
            "type=110 (Twalk) @4..5",
            "tag=3 @5..7",
            "fid=1 @7..11",
            "newfid=2 @11..15",
            "names=[\"etc\", \"passwd\"] @15..30",
            "  count=2 @15..17",
            "  names[0]=\"etc\" @17..22",
            "    len=3 @17..19",
            "    bytes=etc @19..22",
            "  names[1]=\"passwd\" @22..30",
            "    len=6 @22..24",
            "    bytes=passwd @24..30",
        ]
    );
    assert_eq!(frame.len(), 30);
}

#[test]
fn tversion_names_its_notag_and_rlerror_its_code() {
    let v: Message = Tversion {
        msize: 8192,
        version: "9P2000.L".into(),
    }
    .into();
    let d = decode_spans(&v.encode_frame(0xffff));
    assert_eq!(d.fields[2].value, "65535 (NOTAG: Tversion carries no tag)");
    let e: Message = Rlerror { ecode: 2 }.into();
    let d = decode_spans(&e.encode_frame(4));
    assert_eq!(rows(&d.fields)[3], "ecode=2 @7..11");
}

#[test]
fn a_frame_cut_by_the_log_says_so() {
    let m: Message = Twalk {
        fid: 1,
        newfid: 2,
        names: vec!["etc".into()],
    }
    .into();
    let frame = m.encode_frame(3);
    let d = decode_spans(&frame[..12]);
    assert_eq!(
        d.note.as_deref(),
        Some("the log keeps a frame's first 12 of its 22 bytes: the body is not decoded")
    );
    assert_eq!(rows(&d.fields)[3], "body=(cut) @7..12");
    let d = decode_spans(&frame[..3]);
    assert!(d.fields.is_empty());
}

/// Every frame a real sandbox exchanged: the top-level fields tile the
/// frame exactly, and each part lies inside its field.
#[test]
fn every_logged_frame_is_covered_byte_for_byte() {
    let text = include_str!("../www/presets/docker-default.json");
    let p = Playground::build(text, Some(true), None).unwrap();
    let conns = mountlab::playground::ninep_connections(p.engine());
    let mut frames = 0;
    for c in &conns {
        for m in &c.messages {
            for hex in [&m.request_hex, &m.reply_hex] {
                let bytes: Vec<u8> = (0..hex.len() / 2)
                    .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                    .collect();
                let d = decode_spans(&bytes);
                assert_eq!(d.note, None, "{}", m.request);
                let mut at = 0;
                for f in d.fields.iter().filter(|f| f.depth == 0) {
                    assert_eq!(f.start, at, "{} {:?}", m.request, f);
                    at = f.end;
                }
                assert_eq!(at, bytes.len(), "{}", m.request);
                frames += 1;
            }
        }
    }
    assert!(frames > 20, "{frames}");
}
