//! The gofer's handler rules (gVisor `pkg/p9/handlers.go` + fsgofer), each
//! checked through real encoded frames over the in-memory duplex.

use mountlab::errno::Errno;
use mountlab::p9::client::{Client, VersionError};
use mountlab::p9::consts::{
    qid_type, setattr_mask, AT_REMOVEDIR, O_RDONLY, O_RDWR, O_WRONLY, S_IFDIR, S_IFREG,
};
use mountlab::p9::fsgofer::{ConnId, Gofer};
use mountlab::p9::host::HostFs;
use mountlab::p9::messages::*;
use mountlab::p9::server::{ConnState, Server};
use mountlab::p9::wire::{Data, OptU32, P9Str};

fn host() -> HostFs {
    let mut h = HostFs::new();
    h.insert_file("/etc/hosts", 0o644, b"127.0.0.1 localhost\n")
        .unwrap();
    h.insert_file("/etc/passwd", 0o644, b"root:x:0:0::/root:/bin/sh\n")
        .unwrap();
    h.mkdir_all("/data/sub", 0o755).unwrap();
    h.insert_file("/data/file", 0o600, b"bind contents")
        .unwrap();
    h.symlink("/data/link", "../etc/hosts").unwrap();
    h.symlink("/escape", "/").unwrap();
    h
}

/// A gofer like runsc's: `/` read-write, `/data` read-only.
fn gofer() -> (Gofer, ConnId, ConnId) {
    let mut g = Gofer::new(host());
    g.add_attach_point("/", false);
    g.add_attach_point("/data", true);
    let root = g.connect(0, 3);
    let data = g.connect(1, 4);
    for c in [root, data] {
        g.conn(c).unwrap().version(1 << 20, 6).unwrap();
    }
    (g, root, data)
}

fn attached() -> (Gofer, ConnId, u32) {
    let (mut g, root, _) = gofer();
    let (fid, q) = g.conn(root).unwrap().attach("/", NOUID).unwrap();
    assert_eq!(q.ty, qid_type::DIR);
    (g, root, fid)
}

#[test]
fn version_negotiation_steps_down_and_exhausts() {
    let (mut g, c, _) = gofer();
    // Start above what the server speaks: EAGAIN until 6.
    assert_eq!(g.conn(c).unwrap().version(8192, 9), Ok((8192, 6)));
    assert_eq!(
        g.conn(c).unwrap().version(100, 6),
        Err(VersionError::MessageTooLarge)
    );
    let cases: &[(u32, &str, Result<u32, Errno>)] = &[
        (8192, "9P2000.L", Ok(0)),
        (8192, "9P2000.L.Google.0", Ok(0)),
        (8192, "9P2000.L.Google.6", Ok(6)),
        (8192, "9P2000.L.Google.7", Err(Errno::EAGAIN)),
        (8192, "9P2000.u", Err(Errno::EINVAL)),
        (0, "9P2000.L", Err(Errno::EINVAL)),
        ((4 << 20) + 1, "9P2000.L", Err(Errno::EINVAL)),
        (512, "9P2000.L", Err(Errno::EINVAL)),
    ];
    for (msize, v, want) in cases {
        let r = g
            .call(
                c,
                Tversion {
                    msize: *msize,
                    version: (*v).into(),
                }
                .into(),
            )
            .unwrap();
        match (r, want) {
            (Message::Rversion(r), Ok(_)) => {
                assert_eq!(
                    (r.msize, r.version.lossy()),
                    (*msize, v.to_string()),
                    "echoes the request"
                );
            }
            (Message::Rlerror(e), Err(want)) => assert_eq!(Errno(e.ecode), *want, "{v} {msize}"),
            (r, _) => panic!("{v} {msize}: {r:?}"),
        }
    }
}

#[test]
fn tauth_is_refused_so_clients_attach_without_auth() {
    let (mut g, c, _) = gofer();
    let r = g
        .call(
            c,
            Tauth {
                afid: 7,
                uname: "root".into(),
                aname: "/".into(),
                n_uname: 0,
            }
            .into(),
        )
        .unwrap();
    assert_eq!(
        r,
        Message::Rlerror(Rlerror {
            ecode: Errno::ENOENT.raw()
        })
    );
}

#[test]
fn attach_rules() {
    let (mut g, root, data) = gofer();
    // afid must be NOFID.
    let r = g.call(
        root,
        Tattach {
            fid: 1,
            afid: 5,
            uname: "".into(),
            aname: "/".into(),
            n_uname: 0,
        }
        .into(),
    );
    assert_eq!(r.unwrap().as_error(), Some(Errno::EINVAL.raw()));
    // aname is walked with the name rules, relative to the attach point.
    let (fid, q) = g.conn(root).unwrap().attach("/etc/hosts", 0).unwrap();
    assert_eq!(q.ty, qid_type::REGULAR);
    assert_eq!(g.conn(root).unwrap().read_all(fid), Err(Errno::EINVAL)); // not opened
                                                                         // The attach point may be attached only once.
    assert_eq!(g.conn(root).unwrap().attach("/", 0), Err(Errno::EIO));
    assert_eq!(
        g.connection(root).unwrap().session.last_error.as_deref(),
        Some("attach point already attached, prefix: /")
    );
    // The read-only bind attach point serves /data as its root.
    let (dfid, _) = g.conn(data).unwrap().attach("", 0).unwrap();
    let (f, _) = g.conn(data).unwrap().walk(dfid, &["file"]).unwrap();
    g.conn(data).unwrap().lopen(f, O_RDONLY).unwrap();
    assert_eq!(g.conn(data).unwrap().read_all(f).unwrap(), b"bind contents");
}

#[test]
fn attach_names_cannot_escape() {
    for aname in ["..", "/..", "etc/../..", "a//b", "./etc"] {
        let (mut g, root, _) = gofer();
        assert_eq!(
            g.conn(root).unwrap().attach(aname, 0),
            Err(Errno::EINVAL),
            "{aname}"
        );
    }
}

#[test]
fn file_bind_mount_attach_point() {
    let mut h = host();
    h.insert_file("/binds/resolv.conf", 0o644, b"nameserver 8.8.8.8\n")
        .unwrap();
    let mut g = Gofer::new(h);
    g.add_attach_point("/", false);
    g.add_attach_point("/binds/resolv.conf", false);
    let c = g.connect(1, 4);
    let mut h = g.conn(c).unwrap();
    let (fid, q) = h.attach("/", 0).unwrap();
    assert_eq!(q.ty, qid_type::REGULAR);
    // Walking through a file is EINVAL; the file itself opens and reads.
    assert_eq!(h.walk(fid, &["x"]), Err(Errno::EINVAL));
    h.lopen(fid, O_RDONLY).unwrap();
    assert_eq!(h.read_all(fid).unwrap(), b"nameserver 8.8.8.8\n");
}

#[test]
fn walk_name_rules() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let cases: &[(&[&str], Result<usize, Errno>)] = &[
        (&["etc"], Ok(1)),
        (&["etc", "hosts"], Ok(2)),
        (&[], Ok(1)), // gVisor 2018's clone answers one QID
        (&[""], Err(Errno::EINVAL)),
        (&["."], Err(Errno::EINVAL)),
        (&[".."], Err(Errno::EINVAL)),
        (&["etc", ".."], Err(Errno::EINVAL)),
        (&["etc/hosts"], Err(Errno::EINVAL)),
        (&["nope"], Err(Errno::ENOENT)),
        (&["etc", "nope"], Err(Errno::ENOENT)),
        // Through a regular file, and through a symlink (never followed).
        (&["etc", "hosts", "x"], Err(Errno::EINVAL)),
        (&["escape", "etc"], Err(Errno::EINVAL)),
        (&["data", "link", "x"], Err(Errno::EINVAL)),
    ];
    for (names, want) in cases {
        let got = h.walk(root, names).map(|(_, q)| q.len());
        assert_eq!(got, *want, "{names:?}");
    }
    // Invalid UTF-8 is EINVAL, not a panic.
    let r = h.call(
        Twalk {
            fid: root,
            newfid: 99,
            names: vec![P9Str(vec![0xff, 0xfe])],
        }
        .into(),
    );
    assert_eq!(r, Err(Errno::EINVAL));
    // The symlink itself is reachable, and reads as a link.
    let (l, q) = h.walk(root, &["data", "link"]).unwrap();
    assert_eq!(q[1].ty, qid_type::SYMLINK);
    assert_eq!(h.readlink(l).unwrap(), "../etc/hosts");
    assert_eq!(h.lopen(l, O_RDONLY), Err(Errno::EINVAL));
    let (f, _) = h.walk(root, &["etc", "hosts"]).unwrap();
    assert_eq!(h.readlink(f), Err(Errno::EINVAL));
}

#[test]
fn failed_walks_create_no_fid_and_unknown_fids_are_ebadf() {
    let (mut g, c, root) = attached();
    let r = g
        .call(
            c,
            Twalk {
                fid: root,
                newfid: 50,
                names: vec!["etc".into(), "nope".into()],
            }
            .into(),
        )
        .unwrap();
    assert_eq!(r.as_error(), Some(Errno::ENOENT.raw()));
    assert!(g.connection(c).unwrap().session.fid(50).is_none());
    let r = g
        .call(
            c,
            Twalk {
                fid: 1234,
                newfid: 51,
                names: vec![],
            }
            .into(),
        )
        .unwrap();
    assert_eq!(r.as_error(), Some(Errno::EBADF.raw()));
    assert_eq!(
        g.call(c, Tclunk { fid: 1234 }.into()).unwrap().as_error(),
        Some(Errno::EBADF.raw())
    );
}

#[test]
fn walk_from_open_fid_is_ebusy_and_newfid_in_use_is_ebadf() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (d, _) = h.walk(root, &["etc"]).unwrap();
    h.lopen(d, O_RDONLY).unwrap();
    assert_eq!(h.walk(d, &["hosts"]), Err(Errno::EBUSY));
    assert_eq!(h.walk(d, &[]), Err(Errno::EBUSY));
    // A fid in use is refused as Twalk's newfid (see
    // fid_in_use_is_refused_by_attach_and_walk).
    let r = h
        .call(
            Twalk {
                fid: root,
                newfid: d,
                names: vec!["data".into()],
            }
            .into(),
        )
        .map(drop);
    assert_eq!(r, Err(Errno::EBADF));
    h.clunk(d).unwrap();
    let (d, _) = h.walk(root, &["data"]).unwrap();
    // newfid == fid walks in place.
    let r = h
        .call(
            Twalk {
                fid: d,
                newfid: d,
                names: vec!["file".into()],
            }
            .into(),
        )
        .unwrap();
    assert!(matches!(r, Message::Rwalk(_)));
    assert_eq!(h.getattr(d, !0).unwrap().2.size, 13);
}

#[test]
fn open_rules() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (d, _) = h.walk(root, &["etc"]).unwrap();
    assert_eq!(h.lopen(d, O_RDWR), Err(Errno::EINVAL)); // directory not O_RDONLY
    let (f, _) = h.walk(root, &["etc", "hosts"]).unwrap();
    // Only the access mode: O_TRUNC (0x200) is Google.9, O_CREAT is not for lopen.
    for flags in [0x200, 0x40, 0x8000, 3] {
        assert_eq!(h.lopen(f, flags), Err(Errno::EINVAL), "{flags:#x}");
    }
    h.lopen(f, O_WRONLY).unwrap();
    assert_eq!(h.lopen(f, O_RDONLY), Err(Errno::EINVAL)); // already open
    assert_eq!(h.read(f, 0, 10), Err(Errno::EPERM));
    let (r, _) = h.walk(root, &["etc", "passwd"]).unwrap();
    h.lopen(r, O_RDONLY).unwrap();
    assert_eq!(h.write(r, 0, b"x"), Err(Errno::EPERM));
    assert_eq!(h.read(r, 0, (4 << 20) + 1), Err(Errno::ENOBUFS));
    assert_eq!(h.read(r, 0, 4).unwrap(), b"root");
    assert_eq!(h.read(r, 1000, 4).unwrap(), b"");
    let (u, _) = h.walk(root, &["etc", "passwd"]).unwrap();
    assert_eq!(h.read(u, 0, 4), Err(Errno::EINVAL)); // unopened
    assert_eq!(h.write(u, 0, b"x"), Err(Errno::EINVAL));
    assert_eq!(h.fsync(u), Err(Errno::EINVAL));
    h.fsync(r).unwrap();
    // Both Tfsync layouts.
    let m = h
        .call(
            Tfsync {
                fid: r,
                datasync: OptU32(Some(1)),
            }
            .into(),
        )
        .unwrap();
    assert_eq!(m, Message::Rfsync(Rfsync {}));
}

#[test]
fn read_is_clamped_to_msize() {
    let (mut g, c, root) = attached();
    g.host_mut()
        .insert_file("/big", 0o644, &vec![7u8; 100_000])
        .unwrap();
    let mut h = g.conn(c).unwrap();
    h.version(8192, 6).unwrap();
    let (f, _) = h.walk(root, &["big"]).unwrap();
    h.lopen(f, O_RDONLY).unwrap();
    let d = h.read(f, 0, 65536).unwrap();
    assert_eq!(d.len(), 8192 - 11);
    assert_eq!(h.read_all(f).unwrap().len(), 100_000);
}

#[test]
fn create_with_both_flag_styles() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    // The sentry's bare access mode, gid NoGID.
    let (d, _) = h.walk(root, &["etc"]).unwrap();
    let (q, _) = h.lcreate(d, "a", O_RDWR, 0o640, NOGID).unwrap();
    assert_eq!(q.ty, qid_type::REGULAR);
    assert_eq!(h.write(d, 0, b"hello").unwrap(), 5); // fid became the opened file
    assert_eq!(h.read(d, 0, 10).unwrap(), b"hello");
    // Linux's O_RDWR|O_CREAT|O_TRUNC|O_LARGEFILE.
    let (d2, _) = h.walk(root, &["etc"]).unwrap();
    h.lcreate(d2, "b", 0x2 | 0x40 | 0x200 | 0x8000, 0o600, 0)
        .unwrap();
    // Tucreate carries the uid.
    let (d3, _) = h.walk(root, &["etc"]).unwrap();
    h.ucreate(d3, "c", O_WRONLY, 0o600, 1000, 1000).unwrap();
    let (_, _, attr) = h.getattr(d3, !0).unwrap();
    assert_eq!(
        (attr.uid, attr.gid, attr.mode),
        (1000, 1000, S_IFREG | 0o600)
    );
    // O_EXCL always.
    let (d4, _) = h.walk(root, &["etc"]).unwrap();
    assert_eq!(h.lcreate(d4, "a", O_RDWR, 0o600, 0), Err(Errno::EEXIST));
    assert_eq!(g.host().file_content("/etc/a").unwrap(), b"hello");
    assert!(g.host().file_content("/etc/b").unwrap().is_empty());
}

#[test]
fn create_family_checks_parent_and_names() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (file, _) = h.walk(root, &["etc", "hosts"]).unwrap();
    let (opened, _) = h.walk(root, &["etc"]).unwrap();
    h.lopen(opened, O_RDONLY).unwrap();
    for bad in ["", ".", "..", "a/b"] {
        assert_eq!(h.mkdir(root, bad, 0o755, 0), Err(Errno::EINVAL), "{bad:?}");
        assert_eq!(h.symlink(root, bad, "x", 0), Err(Errno::EINVAL), "{bad:?}");
        assert_eq!(h.unlinkat(root, bad, 0), Err(Errno::EINVAL), "{bad:?}");
    }
    assert_eq!(h.mkdir(file, "x", 0o755, 0), Err(Errno::EINVAL)); // not a dir
    assert_eq!(h.mkdir(opened, "x", 0o755, 0), Err(Errno::EINVAL)); // opened parent
    assert_eq!(h.mkdir(4242, "x", 0o755, 0), Err(Errno::EBADF));
    assert_eq!(h.mknod(root, "n", 0o20644, 1, 3, 0), Err(Errno::ENOSYS));
    assert_eq!(h.mknod(root, "..", 0o20644, 1, 3, 0), Err(Errno::EINVAL));
    let q = h.umkdir(root, "u", 0o700, 5, 6).unwrap();
    assert_eq!(q.ty, qid_type::DIR);
    assert_eq!(h.mkdir(root, "u", 0o700, 0), Err(Errno::EEXIST));
    let q = h.usymlink(root, "s", "/etc", 7, 8).unwrap();
    assert_eq!(q.ty, qid_type::SYMLINK);
    let info = g.host().info(g.host().lookup("/u").unwrap()).unwrap();
    assert_eq!((info.mode, info.uid, info.gid), (S_IFDIR | 0o700, 5, 6));
}

#[test]
fn read_only_attach_point_refuses_mutation_with_ebadf() {
    let (mut g, _, data) = gofer();
    let mut h = g.conn(data).unwrap();
    let (root, _) = h.attach("/", 0).unwrap();
    let (f, _) = h.walk(root, &["file"]).unwrap();
    let (d, _) = h.walk(root, &["sub"]).unwrap();
    assert_eq!(h.lcreate(d, "x", O_RDWR, 0o644, 0), Err(Errno::EBADF));
    assert_eq!(h.mkdir(root, "x", 0o755, 0), Err(Errno::EBADF));
    assert_eq!(h.symlink(root, "x", "y", 0), Err(Errno::EBADF));
    assert_eq!(h.link(root, f, "x"), Err(Errno::EBADF));
    assert_eq!(h.unlinkat(root, "file", 0), Err(Errno::EBADF));
    assert_eq!(h.renameat(root, "file", root, "x"), Err(Errno::EBADF));
    assert_eq!(h.rename(f, root, "x"), Err(Errno::EBADF));
    assert_eq!(
        h.setattr(f, setattr_mask::SIZE, SetAttr::default()),
        Err(Errno::EBADF)
    );
    assert_eq!(h.lopen(f, O_RDWR), Err(Errno::EBADF));
    // Same-name renameat is a no-op success even here.
    assert_eq!(h.renameat(root, "file", root, "file"), Ok(()));
    let (f2, _) = h.walk(root, &["file"]).unwrap();
    assert_eq!(h.remove(f2), Err(Errno::EBADF));
    assert_eq!(
        g.host().file_content("/data/file").unwrap(),
        b"bind contents"
    );
}

#[test]
fn readdir_offsets_and_whole_entries() {
    let (mut g, c, root) = attached();
    for i in 0..20 {
        g.host_mut()
            .insert_file(&format!("/many/f{i:02}"), 0o644, b"")
            .unwrap();
    }
    let mut h = g.conn(c).unwrap();
    let (d, _) = h.walk(root, &["many"]).unwrap();
    assert_eq!(h.readdir(d, 0, 4096), Err(Errno::EINVAL)); // not opened
    h.lopen(d, O_RDONLY).unwrap();
    let all = h.readdir(d, 0, 4096).unwrap();
    let names: Vec<String> = all.iter().map(|e| e.name.lossy()).collect();
    assert_eq!(names.len(), 20);
    assert_eq!(names[0], "f00"); // no "." or ".."
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e.offset, i as u64 + 1);
        assert_eq!(e.ty, e.qid.ty);
    }
    // Each entry is 13+8+1+2+3 = 27 bytes; 100 bytes hold 3 whole entries.
    let part = h.readdir(d, 0, 100).unwrap();
    assert_eq!(part.len(), 3);
    let next = h.readdir(d, part[2].offset, 100).unwrap();
    assert_eq!(next[0].name.lossy(), "f03");
    assert!(h.readdir(d, 20, 4096).unwrap().is_empty());
    assert!(h.readdir(d, u64::MAX, 4096).unwrap().is_empty());
    assert!(h.readdir(d, 0, 10).unwrap().is_empty());
    assert_eq!(h.readdir_all(d).unwrap().len(), 20);
}

#[test]
fn unlink_rename_link_and_deleted_files() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (etc, _) = h.walk(root, &["etc"]).unwrap();
    assert_eq!(h.unlinkat(root, "etc", 0), Err(Errno::EISDIR));
    assert_eq!(h.unlinkat(root, "etc", AT_REMOVEDIR), Err(Errno::ENOTEMPTY));
    assert_eq!(h.unlinkat(etc, "hosts", AT_REMOVEDIR), Err(Errno::ENOTDIR));
    // Keep a fid on passwd, unlink it: getattr still works, setattr does not.
    let (p, _) = h.walk(etc, &["passwd"]).unwrap();
    h.lopen(p, O_RDONLY).unwrap();
    h.unlinkat(etc, "passwd", 0).unwrap();
    let (_, _, attr) = h.getattr(p, !0).unwrap();
    assert_eq!(attr.nlink, 0);
    assert_eq!(h.read(p, 0, 4).unwrap(), b"root");
    assert_eq!(
        h.setattr(p, setattr_mask::MODE, SetAttr::default()),
        Err(Errno::EINVAL)
    );
    // Hard link + Trename of a fid + Trenameat.
    let (hosts, _) = h.walk(etc, &["hosts"]).unwrap();
    h.link(root, hosts, "hosts2").unwrap();
    assert_eq!(h.getattr(hosts, !0).unwrap().2.nlink, 2);
    assert_eq!(h.link(root, etc, "etc2"), Err(Errno::EPERM));
    h.rename(hosts, root, "moved").unwrap();
    h.renameat(root, "hosts2", etc, "back").unwrap();
    assert_eq!(h.rename(root, root, "x"), Err(Errno::EINVAL)); // attach root
                                                               // Tremove clunks even on failure.
    let (r2, _) = h.walk(root, &[]).unwrap();
    assert_eq!(h.remove(r2), Err(Errno::EINVAL));
    assert_eq!(h.clunk(r2), Err(Errno::EBADF));
    let (m, _) = h.walk(root, &["moved"]).unwrap();
    h.remove(m).unwrap();
    let listing: Vec<String> = g
        .host()
        .list("/")
        .unwrap()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert!(listing.contains(&"etc/back".to_string()), "{listing:?}");
    assert!(!listing
        .iter()
        .any(|p| p == "moved" || p == "etc/hosts" || p == "etc/passwd"));
}

#[test]
fn setattr_and_getattr() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (f, q) = h.walk(root, &["etc", "hosts"]).unwrap();
    let v = setattr_mask::MODE | setattr_mask::UID | setattr_mask::GID | setattr_mask::SIZE;
    let v = v | setattr_mask::MTIME | setattr_mask::MTIME_SET;
    let sa = SetAttr {
        mode: 0o600,
        uid: 3,
        gid: 4,
        size: 3,
        mtime_sec: 12345,
        ..SetAttr::default()
    };
    h.setattr(f, v, sa).unwrap();
    let (q2, valid, a) = h.getattr(f, !0).unwrap();
    assert_eq!(q2, q[1]);
    assert_eq!(valid, 0x7ff);
    assert_eq!(
        (a.mode, a.uid, a.gid, a.size, a.mtime_sec),
        (S_IFREG | 0o600, 3, 4, 3, 12345)
    );
    let (d, _) = h.walk(root, &["etc"]).unwrap();
    assert_eq!(
        h.setattr(d, setattr_mask::SIZE, SetAttr::default()),
        Err(Errno::EISDIR)
    );
    let huge = SetAttr {
        size: u64::MAX,
        ..SetAttr::default()
    };
    assert_eq!(h.setattr(f, setattr_mask::SIZE, huge), Err(Errno::EFBIG));
}

#[test]
fn walkgetattr_statfs_flushf_xattr_lconnect_flush() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (f, qids, valid, attr) = h.walk_getattr(root, &["etc", "hosts"]).unwrap();
    assert_eq!((qids.len(), valid, attr.size), (2, 0x7ff, 20));
    let st = h.statfs(f).unwrap();
    assert_eq!((st.ty, st.bsize, st.namelen), (0x01021997, 4096, 255));
    h.flushf(f).unwrap();
    assert_eq!(h.lconnect(f, 1), Err(Errno::ECONNREFUSED));
    let r = h.call(
        Txattrwalk {
            fid: f,
            newfid: 77,
            name: "user.x".into(),
        }
        .into(),
    );
    assert_eq!(r, Err(Errno::ENODATA));
    let r = h.call(
        Txattrcreate {
            fid: f,
            name: "user.x".into(),
            size: 1,
            flags: 0,
        }
        .into(),
    );
    assert_eq!(r, Err(Errno::ENOSYS));
    assert_eq!(
        h.call(Tflush { oldtag: 3 }.into()),
        Ok(Message::Rflush(Rflush {}))
    );
}

#[test]
fn qids_pack_device_index_and_inode() {
    let (mut g, c, root) = attached();
    let ino = g.host().lookup("/etc/hosts").unwrap();
    let (_, q) = g.conn(c).unwrap().walk(root, &["etc", "hosts"]).unwrap();
    assert_eq!(q[1].path, ino); // device index 0 << 56
    assert_eq!(q[1].version, 0);
}

#[test]
fn garbage_and_r_messages_get_rlerror() {
    let (mut g, c, _) = gofer();
    // Unknown type (Tlock = 52): EIO on its tag; the session continues.
    let reply = g.send_raw(c, &[11, 0, 0, 0, 52, 9, 0, 1, 2, 3, 4]).unwrap();
    assert_eq!(
        reply,
        Message::Rlerror(Rlerror { ecode: 5 }).encode_frame(9)
    );
    // An R-message sent to the server: no handler, ENOSYS.
    let frame = Message::Rclunk(Rclunk {}).encode_frame(4);
    let reply = g.send_raw(c, &frame).unwrap();
    assert_eq!(
        reply,
        Message::Rlerror(Rlerror {
            ecode: Errno::ENOSYS.raw()
        })
        .encode_frame(4)
    );
    // A truncated body: EIO on its tag.
    let reply = g.send_raw(c, &[9, 0, 0, 0, 120, 5, 0, 1, 0]).unwrap();
    assert_eq!(
        reply,
        Message::Rlerror(Rlerror { ecode: 5 }).encode_frame(5)
    );
    assert!(g.conn(c).unwrap().attach("/", 0).is_ok());
    // A size field below 7 cannot be framed: EIO on NOTAG, connection closed.
    let reply = g.send_raw(c, &[2, 0, 0, 0]).unwrap();
    assert_eq!(
        reply,
        Message::Rlerror(Rlerror { ecode: 5 }).encode_frame(NOTAG)
    );
    assert!(g.connection(c).unwrap().session.is_closed());
    assert_eq!(g.conn(c).unwrap().walk(1, &[]), Err(Errno::EPIPE));
}

#[test]
fn oversized_frame_closes_session() {
    let mut server = Server::new(host());
    server.add_attach_point("/", false);
    let mut s = ConnState::new(0);
    let v = Message::Tversion(Tversion {
        msize: 8192,
        version: "9P2000.L".into(),
    })
    .encode_frame(NOTAG);
    server.handle(&mut s, &v);
    let big = Message::Twrite(Twrite {
        fid: 1,
        offset: 0,
        data: Data(vec![0; 9000]),
    })
    .encode_frame(1);
    let reply = server.handle(&mut s, &big);
    assert_eq!(
        reply,
        Message::Rlerror(Rlerror { ecode: 5 }).encode_frame(1)
    );
    assert!(s.is_closed());
}

#[test]
fn fids_are_bounded_per_session() {
    let (mut g, c, root) = attached();
    g.server.options.max_fids = 4;
    let mut h = g.conn(c).unwrap();
    for _ in 0..3 {
        h.walk(root, &[]).unwrap();
    }
    assert_eq!(h.walk(root, &[]), Err(Errno::EMFILE));
}

#[test]
fn pipelined_requests_keep_their_tags() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let replies = h
        .pipeline(vec![
            Twalk {
                fid: root,
                newfid: 10,
                names: vec!["etc".into()],
            }
            .into(),
            Twalk {
                fid: 10,
                newfid: 11,
                names: vec!["hosts".into()],
            }
            .into(),
            Tlopen {
                fid: 11,
                flags: O_RDONLY,
            }
            .into(),
            Tread {
                fid: 11,
                offset: 0,
                count: 9,
            }
            .into(),
            Twalk {
                fid: root,
                newfid: 12,
                names: vec!["nope".into()],
            }
            .into(),
        ])
        .unwrap();
    assert!(matches!(replies[0], Message::Rwalk(_)));
    assert!(matches!(replies[2], Message::Rlopen(_)));
    assert_eq!(
        replies[3],
        Message::Rread(Rread {
            data: Data(b"127.0.0.1".to_vec())
        })
    );
    assert_eq!(replies[4].as_error(), Some(Errno::ENOENT.raw()));
    let log = g.log(c).unwrap();
    let tags: Vec<u16> = log.entries().rev().take(5).map(|e| e.tag).collect();
    let mut sorted = tags.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 5, "distinct tags {tags:?}");
}

#[test]
fn message_log_records_pairs_with_bytes() {
    let (mut g, c, root) = attached();
    g.conn(c).unwrap().walk(root, &["etc"]).unwrap();
    let _ = g.conn(c).unwrap().walk(root, &["nope"]);
    let log = g.log(c).unwrap();
    let e: Vec<_> = log.entries().collect();
    let n = e.len();
    assert!(
        e[0].request()
            .starts_with("Tversion msize=1048576 version=\"9P2000.L.Google.6\""),
        "{}",
        e[0].request()
    );
    assert_eq!(e[0].tag, NOTAG);
    assert_eq!(
        e[n - 2].request(),
        format!("Twalk fid={root} newfid=2 names=[\"etc\"]")
    );
    assert!(e[n - 2].reply().starts_with("Rwalk qids=[(type=0x80"));
    assert_eq!(e[n - 1].reply(), "Rlerror ecode=2");
    assert_eq!(e[n - 1].errno, Some(2));
    assert_eq!(e[n - 2].request_size, e[n - 2].request_bytes().len());
    assert_eq!(&e[n - 2].request_bytes()[4..5], &[110]);
    assert_eq!(e[n - 1].conn, c.0);
    let all = g.all_log_entries();
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
}

#[test]
fn one_log_per_gofer_counts_what_each_connection_lost() {
    let mut g = Gofer::new(HostFs::new());
    g.log.capacity = 3;
    let ap = g.add_attach_point("/", false);
    let (a, b) = (g.connect(ap, 3), g.connect(ap, 4));
    for _ in 0..4 {
        g.conn(a).unwrap().version(8192, 6).unwrap();
    }
    g.conn(b).unwrap().version(8192, 6).unwrap();
    let (la, lb) = (g.log(a).unwrap(), g.log(b).unwrap());
    assert_eq!((la.entries().count(), la.dropped), (2, 2));
    assert_eq!((lb.entries().count(), lb.dropped), (1, 0));
    let all: Vec<(usize, u64)> = g
        .conn_logs()
        .iter()
        .map(|l| (l.entries().count(), l.dropped))
        .collect();
    assert_eq!(all, [(2, 2), (1, 0)]);
    let conns: Vec<u32> = g.all_log_entries().iter().map(|e| e.conn).collect();
    assert_eq!(conns, [a.0, a.0, b.0]);
}

#[test]
fn host_side_changes_are_seen_and_disconnect_releases_fids() {
    let (mut g, c, root) = attached();
    let (f, q) = g.conn(c).unwrap().walk(root, &["etc", "hosts"]).unwrap();
    g.host_mut()
        .insert_file("/etc/hosts", 0o644, b"changed")
        .unwrap();
    let mut h = g.conn(c).unwrap();
    let (q2, _, a) = h.getattr(f, !0).unwrap();
    assert_eq!((q2, a.size), (q[1], 7));
    g.host_mut().remove_all("/etc").unwrap();
    assert_eq!(g.conn(c).unwrap().walk(root, &["etc"]), Err(Errno::ENOENT));
    // The fid still holds the unlinked inode until the connection goes.
    let before = g.host().inode_count();
    g.disconnect(c);
    assert!(g.host().inode_count() < before);
}

/// #11.3: `Tsetattr` with ATIME|MTIME|ATIME_SET|MTIME_SET and explicit times
/// sets exactly those times (fsgofer `SetAttr` → `utimensat` with the given
/// timespecs); `Tgetattr` returns them, nanoseconds included.
#[test]
fn setattr_explicit_times_come_back_from_getattr() {
    use setattr_mask as m;
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (f, _) = h.walk(root, &["etc", "hosts"]).unwrap();
    let sa = SetAttr {
        atime_sec: 1_000_000_000,
        atime_nsec: 7,
        mtime_sec: 1_234_567_890,
        mtime_nsec: 0,
        ..SetAttr::default()
    };
    h.setattr(
        f,
        m::ATIME | m::MTIME | m::ATIME_SET | m::MTIME_SET,
        sa.clone(),
    )
    .unwrap();
    let (_, _, a) = h.getattr(f, !0).unwrap();
    assert_eq!(
        (a.atime_sec, a.atime_nsec, a.mtime_sec, a.mtime_nsec),
        (1_000_000_000, 7, 1_234_567_890, 0)
    );
    // Without *_SET the time is "now" (the logical clock), not the given one.
    h.setattr(f, m::MTIME, sa).unwrap();
    let (_, _, a2) = h.getattr(f, !0).unwrap();
    assert_ne!(a2.mtime_sec, 1_234_567_890);
    assert_eq!(a2.atime_sec, 1_000_000_000);
}

/// #11.4: gVisor's `doWalk` (pkg/p9/handlers.go) refuses a walk from an
/// opened fid with EBUSY, whether it was opened by Tlopen or Tlcreate.
#[test]
fn walk_from_lopened_or_lcreated_fid_is_ebusy() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (d, _) = h.walk(root, &["data"]).unwrap();
    h.lopen(d, O_RDONLY).unwrap();
    assert_eq!(h.walk(d, &["sub"]), Err(Errno::EBUSY));
    let (e, _) = h.walk(root, &["etc"]).unwrap();
    h.lcreate(e, "new", O_RDWR, 0o644, 0).unwrap();
    assert_eq!(h.walk(e, &[]), Err(Errno::EBUSY));
}

/// #11.5: a fid already in use is refused (EBADF) by Tattach and by a Twalk
/// whose newfid differs from fid (walk(5): "newfid must not be in use unless
/// it is the same as fid"). Stricter than gVisor 2018, which replaces it.
#[test]
fn fid_in_use_is_refused_by_attach_and_walk() {
    let (mut g, root, _) = gofer();
    let (fid, _) = g.conn(root).unwrap().attach("/", 0).unwrap();
    g.host_mut().insert_file("/x", 0o644, b"x").unwrap();
    // Tattach on a fid in use: EBADF (checked before the attach-point rule).
    let r = g.call(
        root,
        Tattach {
            fid,
            afid: NOFID,
            uname: "".into(),
            aname: "/".into(),
            n_uname: 0,
        }
        .into(),
    );
    assert_eq!(r.unwrap().as_error(), Some(Errno::EBADF.raw()));
    let mut h = g.conn(root).unwrap();
    let (a, _) = h.walk(fid, &["etc"]).unwrap();
    let r = h
        .call(
            Twalk {
                fid,
                newfid: a,
                names: vec!["data".into()],
            }
            .into(),
        )
        .map(drop);
    assert_eq!(r, Err(Errno::EBADF));
    // The old fid still stands for /etc.
    let (_, _, attr) = h.getattr(a, !0).unwrap();
    assert_eq!(h.walk(a, &["hosts"]).map(|_| ()), Ok(()));
    assert_eq!(attr.mode, S_IFDIR | 0o755);
    // newfid == fid walks in place.
    let r = h
        .call(
            Twalk {
                fid: a,
                newfid: a,
                names: vec!["passwd".into()],
            }
            .into(),
        )
        .unwrap();
    assert!(matches!(r, Message::Rwalk(_)));
    assert_eq!(h.getattr(a, !0).unwrap().2.size, 26);
}

/// #13.2: names over NAME_MAX (255 bytes) and symlink targets over
/// PATH_MAX - 1 (4095 bytes) are ENAMETOOLONG, as the host's syscalls
/// answer fsgofer.
#[test]
fn long_names_and_targets_are_enametoolong() {
    let (mut g, c, root) = attached();
    let mut h = g.conn(c).unwrap();
    let (d, _) = h.walk(root, &["etc"]).unwrap();
    let long = "n".repeat(256);
    let ok = "n".repeat(255);
    assert_eq!(
        h.mkdir(d, &long, 0o755, 0).map(drop),
        Err(Errno::ENAMETOOLONG)
    );
    assert_eq!(
        h.symlink(d, &long, "x", 0).map(drop),
        Err(Errno::ENAMETOOLONG)
    );
    assert_eq!(h.walk(d, &[&long]).map(drop), Err(Errno::ENAMETOOLONG));
    h.mkdir(d, &ok, 0o755, 0).unwrap();
    let target = "t".repeat(4096);
    assert_eq!(
        h.symlink(d, "l", &target, 0).map(drop),
        Err(Errno::ENAMETOOLONG)
    );
    h.symlink(d, "l", &target[1..], 0).unwrap();
    let (f, _) = h.walk(root, &["etc", "hosts"]).unwrap();
    assert_eq!(h.link(d, f, &long), Err(Errno::ENAMETOOLONG));
    assert_eq!(h.renameat(d, "hosts", d, &long), Err(Errno::ENAMETOOLONG));
    let (e, _) = h.walk(root, &["etc"]).unwrap();
    assert_eq!(
        h.lcreate(e, &long, O_RDWR, 0o644, 0).map(drop),
        Err(Errno::ENAMETOOLONG)
    );
}

/// #13.2: names, symlink targets and hard links are charged to the host
/// budget (MAX_HOST_BYTES, MAX_HOST_NODES): ENOSPC when spent, and statfs
/// shows what they use.
#[test]
fn names_targets_and_links_are_charged_to_the_host_budget() {
    let mut host = host();
    let used = host.used_bytes();
    host.capacity = used + 3 * 4096;
    let mut g = Gofer::new(host);
    g.add_attach_point("/", false);
    let c = g.connect(0, 3);
    g.conn(c).unwrap().version(1 << 20, 6).unwrap();
    let (root, _) = g.conn(c).unwrap().attach("/", 0).unwrap();
    let mut h = g.conn(c).unwrap();
    let (d, _) = h.walk(root, &["data"]).unwrap();
    let free0 = h.statfs(d).unwrap().bfree;
    let target = "t".repeat(4000);
    let mut made = 0;
    let err = loop {
        match h.symlink(d, &format!("l{made}"), &target, 0) {
            Ok(_) => made += 1,
            Err(e) => break e,
        }
    };
    assert_eq!((err, made), (Errno::ENOSPC, 3));
    assert!(free0 >= 2);
    assert_eq!(h.statfs(d).unwrap().bfree, 0);
    // Removing them gives the bytes back.
    for i in 0..3 {
        h.unlinkat(d, &format!("l{i}"), 0).unwrap();
    }
    assert_eq!(h.statfs(d).unwrap().bfree, free0);
    // Hard links count against the node budget.
    let nodes = g.host().inode_count();
    g.host_mut().max_nodes = nodes + 8;
    let mut h = g.conn(c).unwrap();
    let (f, _) = h.walk(root, &["etc", "hosts"]).unwrap();
    let mut links = 0;
    let err = loop {
        match h.link(d, f, &format!("h{links}")) {
            Ok(()) => links += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(err, Errno::ENOSPC);
    assert!(links <= 8, "{links} links made within an 8-entry budget");
}
