//! Arbitrary frame sequences against one server session over a small seeded
//! tree: the server never panics, always answers exactly one well-formed
//! frame per input, and the host tree stays consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mountlab::p9::host::HostFs;
use mountlab::p9::messages::decode_frame;
use mountlab::p9::server::{Server, ConnState};

fuzz_target!(|data: &[u8]| {
    let mut host = HostFs::new();
    host.insert_file("/etc/hosts", 0o644, b"127.0.0.1 localhost\n")
        .unwrap();
    host.mkdir_all("/data/sub", 0o755).unwrap();
    host.symlink("/data/link", "../etc/hosts").unwrap();
    host.capacity = 1 << 20;
    let mut server = Server::new(host);
    server.add_attach_point("/", false);
    server.add_attach_point("/data", true);
    let mut sessions = [ConnState::new(0), ConnState::new(1)];
    // Input: a sequence of [selector u8][len u16][frame bytes].
    let mut rest = data;
    while rest.len() >= 3 {
        let which = (rest[0] & 1) as usize;
        let len = u16::from_le_bytes([rest[1], rest[2]]) as usize;
        rest = &rest[3..];
        let take = len.min(rest.len());
        let (frame, tail) = rest.split_at(take);
        rest = tail;
        let s = &mut sessions[which];
        if s.is_closed() {
            continue;
        }
        let reply = server.handle(s, frame);
        decode_frame(&reply, u32::MAX).expect("reply decodes");
        let _ = server.host.list("/").expect("root lists");
    }
    for s in &mut sessions {
        server.close_session(s);
    }
});
