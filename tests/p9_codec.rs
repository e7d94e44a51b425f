//! Byte-exact codec tests for every message: each case gives the message and
//! its body as built by an independent little-endian builder; the frame must
//! encode to exactly those bytes and decode back to the same message. Then
//! every strict prefix of every frame must fail to decode (never panic).

use mountlab::p9::messages::*;
use mountlab::p9::wire::{Data, DecodeError, OptU32, P9Str, Qid};

#[derive(Default)]
struct B(Vec<u8>);
impl B {
    fn u8(mut self, v: u8) -> B {
        self.0.push(v);
        self
    }
    fn u16(mut self, v: u16) -> B {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn u32(mut self, v: u32) -> B {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn u64(mut self, v: u64) -> B {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn s(self, v: &[u8]) -> B {
        let mut b = self.u16(v.len() as u16);
        b.0.extend(v);
        b
    }
    fn qid(self, q: Qid) -> B {
        self.u8(q.ty).u32(q.version).u64(q.path)
    }
    fn attr(self, a: &Attr) -> B {
        self.u32(a.mode)
            .u32(a.uid)
            .u32(a.gid)
            .u64(a.nlink)
            .u64(a.rdev)
            .u64(a.size)
            .u64(a.blksize)
            .u64(a.blocks)
            .u64(a.atime_sec)
            .u64(a.atime_nsec)
            .u64(a.mtime_sec)
            .u64(a.mtime_nsec)
            .u64(a.ctime_sec)
            .u64(a.ctime_nsec)
            .u64(a.btime_sec)
            .u64(a.btime_nsec)
            .u64(a.gen)
            .u64(a.data_version)
    }
}

fn qid(n: u64) -> Qid {
    Qid {
        ty: 0x80,
        version: 3,
        path: 0x0100_0000_0000_0000 | n,
    }
}

fn attr() -> Attr {
    Attr {
        mode: 0o100644,
        uid: 1,
        gid: 2,
        nlink: 3,
        rdev: 4,
        size: 5,
        blksize: 6,
        blocks: 7,
        atime_sec: 8,
        atime_nsec: 9,
        mtime_sec: 10,
        mtime_nsec: 11,
        ctime_sec: 12,
        ctime_nsec: 13,
        btime_sec: 14,
        btime_nsec: 15,
        gen: 16,
        data_version: 17,
    }
}

fn s(v: &str) -> P9Str {
    P9Str::from(v)
}

/// (type byte, message, expected body bytes)
fn cases() -> Vec<(u8, Message, Vec<u8>)> {
    let bad = P9Str(vec![b'n', 0xff, 0xfe]);
    let a = attr();
    let st = FsStat {
        ty: 0x01021997,
        bsize: 4096,
        blocks: 1,
        bfree: 2,
        bavail: 3,
        files: 4,
        ffree: 5,
        fsid: 6,
        namelen: 255,
    };
    let sa = SetAttr {
        mode: 0o755,
        uid: 1,
        gid: 2,
        size: 3,
        atime_sec: 4,
        atime_nsec: 5,
        mtime_sec: 6,
        mtime_nsec: 7,
    };
    let d1 = Dirent {
        qid: qid(1),
        offset: 1,
        ty: 0x80,
        name: s("a"),
    };
    let d2 = Dirent {
        qid: qid(2),
        offset: 2,
        ty: 0,
        name: s("bb"),
    };
    let dirents = B::default()
        .qid(qid(1))
        .u64(1)
        .u8(0x80)
        .s(b"a")
        .qid(qid(2))
        .u64(2)
        .u8(0)
        .s(b"bb")
        .0;
    vec![
        (7, Rlerror { ecode: 2 }.into(), B::default().u32(2).0),
        (8, Tstatfs { fid: 1 }.into(), B::default().u32(1).0),
        (
            9,
            Rstatfs { stat: st.clone() }.into(),
            B::default()
                .u32(0x01021997)
                .u32(4096)
                .u64(1)
                .u64(2)
                .u64(3)
                .u64(4)
                .u64(5)
                .u64(6)
                .u32(255)
                .0,
        ),
        (
            12,
            Tlopen { fid: 1, flags: 2 }.into(),
            B::default().u32(1).u32(2).0,
        ),
        (
            13,
            Rlopen {
                qid: qid(1),
                iounit: 9,
            }
            .into(),
            B::default().qid(qid(1)).u32(9).0,
        ),
        (
            14,
            Tlcreate {
                fid: 1,
                name: s("f"),
                flags: 0x8242,
                mode: 0o644,
                gid: 7,
            }
            .into(),
            B::default().u32(1).s(b"f").u32(0x8242).u32(0o644).u32(7).0,
        ),
        (
            15,
            Rlcreate {
                qid: qid(2),
                iounit: 0,
            }
            .into(),
            B::default().qid(qid(2)).u32(0).0,
        ),
        (
            16,
            Tsymlink {
                dfid: 1,
                name: s("l"),
                target: s("/t"),
                gid: 3,
            }
            .into(),
            B::default().u32(1).s(b"l").s(b"/t").u32(3).0,
        ),
        (
            17,
            Rsymlink { qid: qid(3) }.into(),
            B::default().qid(qid(3)).0,
        ),
        (
            18,
            Tmknod {
                dfid: 1,
                name: s("n"),
                mode: 0o20644,
                major: 1,
                minor: 3,
                gid: 0,
            }
            .into(),
            B::default()
                .u32(1)
                .s(b"n")
                .u32(0o20644)
                .u32(1)
                .u32(3)
                .u32(0)
                .0,
        ),
        (
            19,
            Rmknod { qid: qid(4) }.into(),
            B::default().qid(qid(4)).0,
        ),
        (
            20,
            Trename {
                fid: 1,
                dfid: 2,
                name: s("x"),
            }
            .into(),
            B::default().u32(1).u32(2).s(b"x").0,
        ),
        (21, Rrename {}.into(), vec![]),
        (22, Treadlink { fid: 5 }.into(), B::default().u32(5).0),
        (
            23,
            Rreadlink {
                target: s("../etc"),
            }
            .into(),
            B::default().s(b"../etc").0,
        ),
        (
            24,
            Tgetattr {
                fid: 1,
                mask: 0x3fff,
            }
            .into(),
            B::default().u32(1).u64(0x3fff).0,
        ),
        (
            25,
            Rgetattr {
                valid: 0x7ff,
                qid: qid(5),
                attr: Box::new(a.clone()),
            }
            .into(),
            B::default().u64(0x7ff).qid(qid(5)).attr(&a).0,
        ),
        (
            26,
            Tsetattr {
                fid: 1,
                valid: 0x1ff,
                attr: sa.clone(),
            }
            .into(),
            B::default()
                .u32(1)
                .u32(0x1ff)
                .u32(0o755)
                .u32(1)
                .u32(2)
                .u64(3)
                .u64(4)
                .u64(5)
                .u64(6)
                .u64(7)
                .0,
        ),
        (27, Rsetattr {}.into(), vec![]),
        (
            30,
            Txattrwalk {
                fid: 1,
                newfid: 2,
                name: s("user.x"),
            }
            .into(),
            B::default().u32(1).u32(2).s(b"user.x").0,
        ),
        (31, Rxattrwalk { size: 9 }.into(), B::default().u64(9).0),
        (
            32,
            Txattrcreate {
                fid: 1,
                name: s("user.x"),
                size: 4,
                flags: 1,
            }
            .into(),
            B::default().u32(1).s(b"user.x").u64(4).u32(1).0,
        ),
        (33, Rxattrcreate {}.into(), vec![]),
        (
            40,
            Treaddir {
                fid: 1,
                offset: 2,
                count: 3,
            }
            .into(),
            B::default().u32(1).u64(2).u32(3).0,
        ),
        (
            41,
            Rreaddir {
                entries: Dirents(vec![d1, d2]),
            }
            .into(),
            B::default()
                .u32(dirents.len() as u32)
                .0
                .into_iter()
                .chain(dirents)
                .collect(),
        ),
        (
            50,
            Tfsync {
                fid: 1,
                datasync: OptU32(None),
            }
            .into(),
            B::default().u32(1).0,
        ),
        (
            50,
            Tfsync {
                fid: 1,
                datasync: OptU32(Some(1)),
            }
            .into(),
            B::default().u32(1).u32(1).0,
        ),
        (51, Rfsync {}.into(), vec![]),
        (
            70,
            Tlink {
                dfid: 1,
                fid: 2,
                name: s("h"),
            }
            .into(),
            B::default().u32(1).u32(2).s(b"h").0,
        ),
        (71, Rlink {}.into(), vec![]),
        (
            72,
            Tmkdir {
                dfid: 1,
                name: s("d"),
                mode: 0o755,
                gid: 0,
            }
            .into(),
            B::default().u32(1).s(b"d").u32(0o755).u32(0).0,
        ),
        (
            73,
            Rmkdir { qid: qid(6) }.into(),
            B::default().qid(qid(6)).0,
        ),
        (
            74,
            Trenameat {
                olddfid: 1,
                oldname: s("a"),
                newdfid: 2,
                newname: s("b"),
            }
            .into(),
            B::default().u32(1).s(b"a").u32(2).s(b"b").0,
        ),
        (75, Rrenameat {}.into(), vec![]),
        (
            76,
            Tunlinkat {
                dfid: 1,
                name: s("d"),
                flags: 0x200,
            }
            .into(),
            B::default().u32(1).s(b"d").u32(0x200).0,
        ),
        (77, Runlinkat {}.into(), vec![]),
        (
            100,
            Tversion {
                msize: 8192,
                version: s("9P2000.L.Google.6"),
            }
            .into(),
            B::default().u32(8192).s(b"9P2000.L.Google.6").0,
        ),
        (
            101,
            Rversion {
                msize: 8192,
                version: s("9P2000.L"),
            }
            .into(),
            B::default().u32(8192).s(b"9P2000.L").0,
        ),
        (
            102,
            Tauth {
                afid: 1,
                uname: s("root"),
                aname: s("/"),
                n_uname: 0,
            }
            .into(),
            B::default().u32(1).s(b"root").s(b"/").u32(0).0,
        ),
        (
            103,
            Rauth { aqid: qid(7) }.into(),
            B::default().qid(qid(7)).0,
        ),
        (
            104,
            Tattach {
                fid: 1,
                afid: NOFID,
                uname: s(""),
                aname: s("/"),
                n_uname: NOUID,
            }
            .into(),
            B::default().u32(1).u32(NOFID).s(b"").s(b"/").u32(NOUID).0,
        ),
        (
            105,
            Rattach { qid: qid(8) }.into(),
            B::default().qid(qid(8)).0,
        ),
        (108, Tflush { oldtag: 3 }.into(), B::default().u16(3).0),
        (109, Rflush {}.into(), vec![]),
        (
            110,
            Twalk {
                fid: 1,
                newfid: 2,
                names: vec![s("etc"), bad.clone()],
            }
            .into(),
            B::default()
                .u32(1)
                .u32(2)
                .u16(2)
                .s(b"etc")
                .s(&[b'n', 0xff, 0xfe])
                .0,
        ),
        (
            110,
            Twalk {
                fid: 1,
                newfid: 1,
                names: vec![],
            }
            .into(),
            B::default().u32(1).u32(1).u16(0).0,
        ),
        (
            111,
            Rwalk {
                qids: vec![qid(1), qid(2)],
            }
            .into(),
            B::default().u16(2).qid(qid(1)).qid(qid(2)).0,
        ),
        (
            116,
            Tread {
                fid: 1,
                offset: 2,
                count: 3,
            }
            .into(),
            B::default().u32(1).u64(2).u32(3).0,
        ),
        (
            117,
            Rread {
                data: Data(b"abc".to_vec()),
            }
            .into(),
            B::default().u32(3).u8(b'a').u8(b'b').u8(b'c').0,
        ),
        (
            118,
            Twrite {
                fid: 1,
                offset: 2,
                data: Data(b"xy".to_vec()),
            }
            .into(),
            B::default().u32(1).u64(2).u32(2).u8(b'x').u8(b'y').0,
        ),
        (119, Rwrite { count: 2 }.into(), B::default().u32(2).0),
        (120, Tclunk { fid: 9 }.into(), B::default().u32(9).0),
        (121, Rclunk {}.into(), vec![]),
        (122, Tremove { fid: 9 }.into(), B::default().u32(9).0),
        (123, Rremove {}.into(), vec![]),
        (124, Tflushf { fid: 9 }.into(), B::default().u32(9).0),
        (125, Rflushf {}.into(), vec![]),
        (
            126,
            Twalkgetattr {
                fid: 1,
                newfid: 2,
                names: vec![s("a")],
            }
            .into(),
            B::default().u32(1).u32(2).u16(1).s(b"a").0,
        ),
        (
            127,
            Rwalkgetattr {
                valid: 0x7ff,
                attr: Box::new(a.clone()),
                qids: vec![qid(9)],
            }
            .into(),
            B::default().u64(0x7ff).attr(&a).u16(1).qid(qid(9)).0,
        ),
        (
            128,
            Tucreate {
                fid: 1,
                name: s("f"),
                flags: 2,
                mode: 0o600,
                gid: 5,
                uid: 6,
            }
            .into(),
            B::default()
                .u32(1)
                .s(b"f")
                .u32(2)
                .u32(0o600)
                .u32(5)
                .u32(6)
                .0,
        ),
        (
            129,
            Rucreate {
                qid: qid(10),
                iounit: 0,
            }
            .into(),
            B::default().qid(qid(10)).u32(0).0,
        ),
        (
            130,
            Tumkdir {
                dfid: 1,
                name: s("d"),
                mode: 0o700,
                gid: 5,
                uid: 6,
            }
            .into(),
            B::default().u32(1).s(b"d").u32(0o700).u32(5).u32(6).0,
        ),
        (
            131,
            Rumkdir { qid: qid(11) }.into(),
            B::default().qid(qid(11)).0,
        ),
        (
            132,
            Tumknod {
                dfid: 1,
                name: s("n"),
                mode: 1,
                major: 2,
                minor: 3,
                gid: 4,
                uid: 5,
            }
            .into(),
            B::default()
                .u32(1)
                .s(b"n")
                .u32(1)
                .u32(2)
                .u32(3)
                .u32(4)
                .u32(5)
                .0,
        ),
        (
            133,
            Rumknod { qid: qid(12) }.into(),
            B::default().qid(qid(12)).0,
        ),
        (
            134,
            Tusymlink {
                dfid: 1,
                name: s("l"),
                target: s("t"),
                gid: 4,
                uid: 5,
            }
            .into(),
            B::default().u32(1).s(b"l").s(b"t").u32(4).u32(5).0,
        ),
        (
            135,
            Rusymlink { qid: qid(13) }.into(),
            B::default().qid(qid(13)).0,
        ),
        (
            136,
            Tlconnect { fid: 1, flags: 1 }.into(),
            B::default().u32(1).u32(1).0,
        ),
        (137, Rlconnect {}.into(), vec![]),
    ]
}

fn framed(ty: u8, tag: u16, body: &[u8]) -> Vec<u8> {
    let mut v = B::default().u32(7 + body.len() as u32).u8(ty).u16(tag).0;
    v.extend_from_slice(body);
    v
}

#[test]
fn every_message_encodes_byte_exact_and_round_trips() {
    let all = cases();
    // Every type the gofer table and Google.1-6 define is covered.
    let mut types: Vec<u8> = all.iter().map(|c| c.0).collect();
    types.dedup();
    assert_eq!(types.len(), 67, "{types:?}");
    for (ty, msg, body) in all {
        let tag = 0x1234;
        let want = framed(ty, tag, &body);
        assert_eq!(msg.type_byte(), ty, "{}", msg.name());
        assert_eq!(msg.encode_frame(tag), want, "{}", msg.summary());
        let f = decode_frame(&want, 1 << 22).unwrap_or_else(|e| panic!("{}: {e}", msg.name()));
        assert_eq!(f.tag, tag);
        assert_eq!(f.msg, msg);
        assert!(!msg.summary().is_empty());
    }
}

#[test]
fn every_strict_prefix_fails_without_panicking() {
    for (ty, msg, body) in cases() {
        let full = framed(ty, 1, &body);
        for cut in 0..full.len() {
            // A prefix with its size field rewritten to match is a truncated
            // body; with the original size field it is a size mismatch.
            let mut short = full[..cut].to_vec();
            assert!(
                decode_frame(&short, 1 << 22).is_err(),
                "{} cut {cut}",
                msg.name()
            );
            if cut >= 7 {
                short[..4].copy_from_slice(&(cut as u32).to_le_bytes());
                match decode_frame(&short, 1 << 22) {
                    Err(e) => assert_eq!(e.tag, Some(1), "{}", msg.name()),
                    // Bodies ending in an optional field (Tfsync's datasync)
                    // or a self-delimiting list (Rreaddir) can legally be shorter.
                    Ok(f) => assert!(
                        matches!(f.msg, Message::Tfsync(_)),
                        "{} cut {cut} decoded",
                        msg.name()
                    ),
                }
            }
        }
    }
}

#[test]
fn frame_limits() {
    let ok = Message::Tclunk(Tclunk { fid: 1 }).encode_frame(1);
    assert_eq!(
        decode_frame(&ok[..6], 8192).unwrap_err().error,
        DecodeError::TooShort(6)
    );
    assert_eq!(
        decode_frame(&ok, 10).unwrap_err().error,
        DecodeError::TooLarge { size: 11, max: 10 }
    );
    let mut long = ok.clone();
    long.push(0);
    assert_eq!(
        decode_frame(&long, 8192).unwrap_err().error,
        DecodeError::SizeMismatch {
            announced: 11,
            actual: 12
        }
    );
    // Unknown type (Tlock 52 was never implemented in 2018) keeps the tag.
    let e = decode_frame(&framed(52, 77, &[0; 4]), 8192).unwrap_err();
    assert_eq!(
        (e.tag, e.ty, e.error.clone()),
        (Some(77), Some(52), DecodeError::UnknownType(52))
    );
    assert!(!e.is_unframable());
    // A size field of less than 7 even when more bytes follow.
    let mut tiny = ok.clone();
    tiny[..4].copy_from_slice(&3u32.to_le_bytes());
    assert!(decode_frame(&tiny, 8192).unwrap_err().is_unframable());
}

#[test]
fn hostile_counts_do_not_allocate() {
    // Twalk announcing 65535 names in a 17-byte frame.
    let f = framed(110, 1, &B::default().u32(1).u32(2).u16(0xffff).0);
    assert_eq!(
        decode_frame(&f, 8192).unwrap_err().error,
        DecodeError::Truncated
    );
    // Twrite announcing 4 GiB of data.
    let f = framed(118, 1, &B::default().u32(1).u64(0).u32(u32::MAX).0);
    assert_eq!(
        decode_frame(&f, 8192).unwrap_err().error,
        DecodeError::Truncated
    );
    // Rreaddir whose count runs past the frame.
    let f = framed(41, 1, &B::default().u32(1000).0);
    assert_eq!(
        decode_frame(&f, 8192).unwrap_err().error,
        DecodeError::Truncated
    );
}

#[test]
fn rreaddir_drops_a_half_entry_like_gvisor_2018() {
    let whole = B::default().qid(qid(1)).u64(1).u8(0).s(b"a").0;
    let mut payload = whole.clone();
    payload.extend_from_slice(&whole[..10]);
    let body: Vec<u8> = B::default()
        .u32(payload.len() as u32)
        .0
        .into_iter()
        .chain(payload)
        .collect();
    match decode_frame(&framed(41, 1, &body), 8192).unwrap().msg {
        Message::Rreaddir(r) => assert_eq!(r.entries.0.len(), 1),
        m => panic!("{m:?}"),
    }
}

#[test]
fn summaries_are_readable() {
    let cases: Vec<(Message, &str)> = vec![
        (
            Twalk {
                fid: 1,
                newfid: 2,
                names: vec![s("etc")],
            }
            .into(),
            "Twalk fid=1 newfid=2 names=[\"etc\"]",
        ),
        (Rlerror { ecode: 2 }.into(), "Rlerror ecode=2"),
        (Rclunk {}.into(), "Rclunk"),
        (
            Twalk {
                fid: 1,
                newfid: 2,
                names: vec![P9Str(vec![0xff])],
            }
            .into(),
            "Twalk fid=1 newfid=2 names=[\"\\xff\"]",
        ),
        (
            Twrite {
                fid: 3,
                offset: 0,
                data: Data(vec![0; 4096]),
            }
            .into(),
            "Twrite fid=3 offset=0 data=<4096 bytes>",
        ),
        (
            Tfsync {
                fid: 3,
                datasync: OptU32(None),
            }
            .into(),
            "Tfsync fid=3 datasync=-",
        ),
    ];
    for (m, want) in cases {
        assert_eq!(m.summary(), want);
    }
}
