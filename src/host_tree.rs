//! The host trees a scenario gives an engine: the image (`host["/"]`),
//! the 2018 engine's attach points, and bind sources, built into the
//! in-memory host filesystem the gofer serves (runsc) or the kernel mounts
//! from (runc). Engine-neutral: every engine builds its host from here.

use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::p9::host::HostFs;
use crate::scenario::{HostInput, HostNodeInput};
use crate::vfs::clean;

/// The small root filesystem used when a scenario has no `host` section.
pub const DEFAULT_ROOTFS: &[(&str, &str, &str)] = &[
    // (path, kind, content or target); kind: f = 0644 file, x = 0755 file, d = dir, l = symlink
    ("bin/sh", "x", ""),
    ("bin/ls", "x", ""),
    ("bin/cat", "x", ""),
    ("usr/bin/env", "x", ""),
    ("usr/local/bin", "d", ""),
    ("etc/hostname", "f", "sandbox\n"),
    ("etc/hosts", "f", "127.0.0.1\tlocalhost\n"),
    ("etc/passwd", "f", "root:x:0:0:root:/root:/bin/sh\n"),
    ("etc/os-release", "f", "NAME=\"mountlab rootfs\"\n"),
    ("home", "d", ""),
    ("root", "d", ""),
    (
        "tmp/image-file",
        "f",
        "hidden by the mandatory /tmp tmpfs\n",
    ),
    ("var/log", "d", ""),
    ("run", "d", ""),
];

/// Parses a scenario mode string (`"0755"`, `"755"`).
fn parse_mode(s: &str, at: &str) -> Result<u32> {
    let digits = s.strip_prefix("0o").unwrap_or(s);
    match u32::from_str_radix(digits, 8) {
        Ok(m) if m <= 0o7777 => Ok(m),
        _ => Err(Error::msg(format!(
            "{at}: invalid mode {s:?} (want octal like \"0755\")"
        ))),
    }
}

/// Joins an attach point and a relative scenario path.
fn host_path(attach: &str, rel: &str) -> String {
    if rel == "." || rel.is_empty() {
        return clean(attach);
    }
    clean(&format!("{attach}/{rel}"))
}

fn fill_default(host: &mut HostFs) -> Result<()> {
    for (path, kind, text) in DEFAULT_ROOTFS {
        let p = format!("/{path}");
        put(host, &p, kind, text)
            .map_err(|e| Error::from(e).wrap(format!("default rootfs {p}")))?;
    }
    Ok(())
}

fn put(host: &mut HostFs, path: &str, kind: &str, text: &str) -> std::result::Result<(), Errno> {
    if let Some((parent, _)) = path.rsplit_once('/') {
        if !parent.is_empty() {
            host.mkdir_all(parent, 0o755)?;
        }
    }
    match kind {
        "d" => host.mkdir_all(path, 0o755).map(drop),
        "l" => host.symlink(path, text).map(drop),
        "x" => host.insert_file(path, 0o755, text.as_bytes()).map(drop),
        _ => host.insert_file(path, 0o644, text.as_bytes()).map(drop),
    }
}

/// Fills a host tree from a scenario's `host` section (or the default rootfs).
pub fn build_host(input: Option<&HostInput>) -> Result<HostFs> {
    let mut host = HostFs::new();
    let Some(input) = input else {
        fill_default(&mut host)?;
        return Ok(host);
    };
    for (attach, nodes) in input {
        if !attach.starts_with('/') {
            return Err(Error::msg(format!(
                "host.{attach}: attach points are absolute mount destinations"
            )));
        }
        // Directories first would reorder creation; BTreeMap order puts
        // parents before children, which is what matters.
        for (rel, node) in nodes {
            let at = format!("host.{attach}.{rel}");
            let is_dir_key = rel.ends_with('/') && rel != "/";
            let path = host_path(attach, rel.trim_end_matches('/'));
            if path == "/"
                && !matches!(node, HostNodeInput::Typed(t) if t.typ == "dir")
                && !is_dir_key
            {
                return Err(Error::msg(format!(
                    "{at}: the root of the host tree must be a directory"
                )));
            }
            let r = match node {
                HostNodeInput::Content(text) if is_dir_key => {
                    let _ = text;
                    put(&mut host, &path, "d", "")
                }
                HostNodeInput::Content(text) => put(&mut host, &path, "f", text),
                HostNodeInput::Typed(t) => match t.typ.as_str() {
                    "dir" => {
                        let r = put(&mut host, &path, "d", "");
                        if let (Ok(()), Some(m)) = (&r, &t.mode) {
                            let mode = parse_mode(m, &at)?;
                            if let Ok(ino) = host.lookup(&path) {
                                if let Some(n) = host.node_mut(ino) {
                                    n.perm = mode;
                                }
                            }
                        }
                        r
                    }
                    "file" => {
                        let mode = t
                            .mode
                            .as_deref()
                            .map(|m| parse_mode(m, &at))
                            .transpose()?
                            .unwrap_or(0o644);
                        let content = t.content.as_deref().unwrap_or("");
                        put(&mut host, &path, "f", content).and_then(|()| {
                            let ino = host.lookup(&path)?;
                            if let Some(n) = host.node_mut(ino) {
                                n.perm = mode;
                            }
                            Ok(())
                        })
                    }
                    "symlink" => {
                        let target = t.target.as_deref().ok_or_else(|| {
                            Error::msg(format!("{at}: a symlink needs \"target\""))
                        })?;
                        put(&mut host, &path, "l", target)
                    }
                    other => {
                        return Err(Error::msg(format!(
                            "{at}: unknown type {other:?} (want \"file\", \"dir\" or \"symlink\")"
                        )))
                    }
                },
            };
            r.map_err(|e| Error::from(e).wrap(at))?;
        }
    }
    Ok(host)
}
