//! The small command language of the playground terminal and of scenario
//! `sh` steps. Commands run as root with the container's root as `/`.

mod notes;
mod parse;

pub use parse::{split_words, MAX_LINE};

use crate::engines::runsc2018::boot::set_executable_path;
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::fs::mounts_text;
use crate::vfs::{Ctx, DirentId, FileType, MsrcKind, Node, Stat, Vfs};
use serde::Serialize;
use std::fmt::Write;

/// Most output one command may print; longer output is cut with a note.
pub use crate::limits::MAX_SHELL_OUTPUT as MAX_OUTPUT;
/// Most entries `tree` lists.
const TREE_LIMIT: usize = crate::limits::MAX_TREE_ENTRIES;

/// What one command line produced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ShellOutput {
    /// Everything printed, errors included (as a terminal shows them).
    pub output: String,
    /// The error line, if the command failed.
    pub error: Option<String>,
    /// The errno behind the error (`"ENOENT"`), if any.
    pub errno: Option<String>,
    /// What the overlay did underneath (copy-ups, whiteouts), one
    /// sentence each; not part of the output a terminal would print.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A task's view: its root, its working directory, and the process
/// environment `which` searches.
pub struct Task<'a> {
    pub root: DirentId,
    pub cwd: &'a mut DirentId,
    pub env: &'a [String],
    pub wd: &'a str,
}

/// The commands `help` lists.
pub const HELP: &str = "commands:
  ls [-l] [-a] [PATH...]   list a directory (names sorted, one per line)
  stat PATH                type, mode, size, inode, and the layer and mount it comes from
  cat PATH...              print files
  write PATH TEXT          create or replace a file with TEXT
  append PATH TEXT         append TEXT to a file
  touch PATH...            create empty files (or update times)
  mkdir [-p] PATH...       make directories
  rm PATH...               remove files
  rmdir PATH...            remove empty directories
  mv FROM TO               rename
  ln -s TARGET PATH        make a symbolic link
  readlink PATH            print a symlink's target
  tree [PATH]              the tree below PATH
  mounts                   /proc/self/mounts of this container
  which NAME               setExecutablePath with the process env
  cd PATH, pwd, echo TEXT  move around, print
  help                     this text
quoting follows POSIX shell for '...' and \"...\"";

/// How much one command may print, and the limit named when it is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub bytes: usize,
    pub limit: crate::limits::Limit,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            bytes: MAX_OUTPUT,
            limit: crate::limits::SHELL_OUTPUT,
        }
    }
}

/// Runs one command line.
pub fn run(vfs: &mut Vfs, task: Task<'_>, line: &str) -> ShellOutput {
    run_within(vfs, task, line, Budget::default())
}

/// Runs one command line, printing at most `budget.bytes` (the commands
/// that print much stop working once it is spent).
pub fn run_within(vfs: &mut Vfs, task: Task<'_>, line: &str, budget: Budget) -> ShellOutput {
    let mut out = String::new();
    let words = match split_words(line) {
        Ok(w) => w,
        Err(e) => return failed(out, "sh", None, e),
    };
    let Some((cmd, args)) = words.split_first() else {
        return ShellOutput::default();
    };
    let ctx = Ctx {
        root: task.root,
        cwd: *task.cwd,
    };
    let root = task.root;
    // Events from before this line (setup, earlier steps) are not its own.
    vfs.take_overlay_events();
    let r = dispatch(vfs, ctx, task, cmd, args, &mut out, budget.bytes);
    let events = vfs.take_overlay_events();
    let notes = notes::overlay_notes(vfs, root, cmd, &events);
    if out.len() > budget.bytes {
        let mut cut = budget.bytes;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('\n');
        out.push_str(&budget.limit.truncated_marker());
        out.push('\n');
    }
    match r {
        Ok(()) => ShellOutput {
            output: out,
            error: None,
            errno: None,
            notes,
        },
        Err((path, e)) => ShellOutput {
            notes,
            ..failed(out, cmd, path.as_deref(), e)
        },
    }
}

fn failed(mut out: String, cmd: &str, path: Option<&str>, e: Error) -> ShellOutput {
    let line = match path {
        Some(p) => format!("{cmd}: {p}: {e}"),
        None => format!("{cmd}: {e}"),
    };
    out.push_str(&line);
    out.push('\n');
    ShellOutput {
        output: out,
        error: Some(line),
        errno: e.errno().map(Errno::symbol),
        notes: Vec::new(),
    }
}

/// The output budget: once a command has printed more than `budget` bytes
/// its output will be cut, so `cat`, `ls` and `tree` stop working (reading,
/// listing, stat-ing) as soon as this is true, instead of building output
/// only to throw it away.
fn spent(out: &str, budget: usize) -> bool {
    out.len() > budget
}

/// Bytes a command may still print before the cut (plus one, so going over
/// is seen).
fn room(out: &str, budget: usize) -> usize {
    (budget + 1).saturating_sub(out.len())
}

/// `MAX_PATH_DEPTH` for what a command creates: the path's depth from the
/// root (relative paths counted from the working directory), so no step
/// builds a tree deeper than a scenario could describe (host reports list
/// every node by its full path: depth² bytes).
fn check_depth(vfs: &Vfs, ctx: Ctx, p: &str) -> CmdResult {
    let abs = if p.starts_with('/') {
        crate::vfs::clean(p)
    } else {
        crate::vfs::clean(&format!("{}/{p}", vfs.path_of(ctx.cwd, ctx.root)))
    };
    let depth = abs.split('/').filter(|c| !c.is_empty()).count();
    let limit = crate::limits::PATH_DEPTH;
    if limit.is_over(depth) {
        return Err(at(p)(limit.over(depth).into()));
    }
    Ok(())
}

/// A failure: the path it concerns (for `cmd: path: message`) and the error.
type CmdResult = std::result::Result<(), (Option<String>, Error)>;

fn at(path: &str) -> impl Fn(Error) -> (Option<String>, Error) + '_ {
    move |e| (Some(path.to_string()), e)
}

fn usage(text: &str) -> (Option<String>, Error) {
    (
        None,
        Error::with_errno(Errno::EINVAL, format!("usage: {text}")),
    )
}

fn dispatch(
    vfs: &mut Vfs,
    ctx: Ctx,
    task: Task<'_>,
    cmd: &str,
    args: &[String],
    out: &mut String,
    budget: usize,
) -> CmdResult {
    let (flags, operands) = split_flags(args);
    let has = |c: char| flags.contains(&c);
    match cmd {
        "help" => {
            out.push_str(HELP);
            out.push('\n');
        }
        "pwd" => {
            let _ = writeln!(out, "{}", vfs.path_of(ctx.cwd, ctx.root));
        }
        "echo" => {
            let _ = writeln!(out, "{}", args.join(" "));
        }
        "cd" => {
            let p = operands.first().map(String::as_str).unwrap_or("/");
            let d = vfs.lookup(ctx, p, true).map_err(at(p))?;
            if !vfs.is_dir(vfs.dirent_inode(d).map_err(at(p))?) {
                return Err(at(p)(Errno::ENOTDIR.into()));
            }
            *task.cwd = d;
        }
        "ls" => {
            let paths: Vec<&str> = if operands.is_empty() {
                vec!["."]
            } else {
                operands.iter().map(String::as_str).collect()
            };
            let many = paths.len() > 1;
            for (i, p) in paths.iter().enumerate() {
                if spent(out, budget) {
                    break;
                }
                if many {
                    let _ = writeln!(out, "{}{p}:", if i > 0 { "\n" } else { "" });
                }
                ls(vfs, ctx, p, (has('l'), has('a')), out, budget).map_err(at(p))?;
            }
        }
        "stat" => {
            let p = one(operands, "stat PATH")?;
            stat(vfs, ctx, p, out).map_err(at(p))?;
        }
        "cat" => {
            if operands.is_empty() {
                return Err(usage("cat PATH..."));
            }
            for p in operands {
                if spent(out, budget) {
                    break;
                }
                let bytes = vfs.read_file(ctx, p, room(out, budget)).map_err(at(p))?;
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
        "write" | "append" => {
            let [p, text] = operands else {
                return Err(usage(&format!("{cmd} PATH TEXT")));
            };
            check_depth(vfs, ctx, p)?;
            let append = cmd == "append";
            // The VFS's own filesystems (tmpfs, ramfs) set no size limit; the
            // shell is the only writer, so it keeps them to the gofer's.
            let old = match vfs.stat(ctx, p, true) {
                Ok(st) if append => st.size,
                _ => 0,
            };
            let new = old.saturating_add(text.len() as u64);
            crate::limits::FILE_SIZE
                .check("file", new)
                .map_err(|e| at(p)(e.into()))?;
            vfs.write_file(ctx, p, text.as_bytes(), append)
                .map_err(at(p))?;
        }
        "touch" => {
            if operands.is_empty() {
                return Err(usage("touch PATH..."));
            }
            for p in operands {
                check_depth(vfs, ctx, p)?;
                match vfs.stat(ctx, p, true) {
                    Ok(_) => {
                        let now = vfs.tick();
                        vfs.utimes(ctx, p, now, now).map_err(at(p))?;
                    }
                    Err(e) if e.is(Errno::ENOENT) => {
                        let f = vfs
                            .open(
                                ctx,
                                p,
                                crate::vfs::OpenFlags {
                                    write: true,
                                    create: true,
                                    ..Default::default()
                                },
                                0o644,
                            )
                            .map_err(at(p))?;
                        vfs.close(f).map_err(at(p))?;
                    }
                    Err(e) => return Err(at(p)(e)),
                }
            }
        }
        "mkdir" => {
            if operands.is_empty() {
                return Err(usage("mkdir [-p] PATH..."));
            }
            for p in operands {
                check_depth(vfs, ctx, p)?;
                if has('p') {
                    vfs.mkdir_all(ctx, p, 0o755).map_err(at(p))?;
                } else {
                    vfs.mkdir(ctx, p, 0o755).map_err(at(p))?;
                }
            }
        }
        "rm" | "rmdir" => {
            if operands.is_empty() {
                return Err(usage(&format!("{cmd} PATH...")));
            }
            for p in operands {
                vfs.remove(ctx, p, cmd == "rmdir").map_err(at(p))?;
            }
        }
        "mv" => {
            let [from, to] = operands else {
                return Err(usage("mv FROM TO"));
            };
            check_depth(vfs, ctx, to)?;
            vfs.rename(ctx, from, to).map_err(at(from))?;
        }
        "ln" => {
            let [target, p] = operands else {
                return Err(usage("ln -s TARGET PATH"));
            };
            check_depth(vfs, ctx, p)?;
            if has('s') {
                vfs.symlink(ctx, target, p).map_err(at(p))?;
            } else {
                vfs.link(ctx, target, p).map_err(at(p))?;
            }
        }
        "readlink" => {
            let p = one(operands, "readlink PATH")?;
            let t = vfs.readlink(ctx, p).map_err(at(p))?;
            let _ = writeln!(out, "{t}");
        }
        "tree" => {
            let p = operands.first().map(String::as_str).unwrap_or(".");
            let d = vfs.lookup(ctx, p, true).map_err(at(p))?;
            let _ = writeln!(out, "{p}");
            let mut count = 0;
            tree(vfs, ctx, d, "", &mut count, out, budget).map_err(at(p))?;
        }
        "mounts" => {
            out.push_str(&mounts_text(&vfs.mount_table(ctx.root)));
        }
        "which" => {
            let name = one(operands, "which NAME")?;
            let f = set_executable_path(vfs, ctx, name, task.env, task.wd).map_err(at(name))?;
            let _ = writeln!(out, "{f}");
        }
        _ => {
            return Err((
                None,
                Error::with_errno(Errno::ENOENT, "command not found (try help)"),
            ))
        }
    }
    Ok(())
}

/// Splits `-la`-style flags from operands; `--` ends flags.
fn split_flags(args: &[String]) -> (Vec<char>, &[String]) {
    let mut flags = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        match a.strip_prefix('-') {
            Some(f) if !f.is_empty() => flags.extend(f.chars()),
            _ => break,
        }
        i += 1;
    }
    (flags, args.get(i..).unwrap_or(&[]))
}

fn one<'a>(
    operands: &'a [String],
    text: &str,
) -> std::result::Result<&'a str, (Option<String>, Error)> {
    match operands {
        [p] => Ok(p.as_str()),
        _ => Err(usage(text)),
    }
}

/// `drwxr-xr-x` for a stat.
pub fn mode_string(st: &Stat) -> String {
    let mut s = String::with_capacity(10);
    s.push(st.file_type.letter());
    let p = st.perms();
    for (shift, special, lower, upper) in [
        (6, 0o4000, 's', 'S'),
        (3, 0o2000, 's', 'S'),
        (0, 0o1000, 't', 'T'),
    ] {
        let bits = (p >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let x = bits & 1 != 0;
        s.push(match (p & special != 0, x) {
            (true, true) => lower,
            (true, false) => upper,
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

fn long_line(vfs: &mut Vfs, ctx: Ctx, path: &str, name: &str, out: &mut String) -> Result<()> {
    let st = vfs.stat(ctx, path, false)?;
    let size = match st.file_type {
        FileType::CharDevice => format!("{}, {}", st.rdev_major, st.rdev_minor),
        _ => st.size.to_string(),
    };
    let _ = write!(
        out,
        "{} {} {} {} {} {}",
        mode_string(&st),
        st.nlink,
        st.uid,
        st.gid,
        size,
        name
    );
    if st.file_type == FileType::Symlink {
        let _ = write!(out, " -> {}", vfs.readlink(ctx, path)?);
    }
    out.push('\n');
    Ok(())
}

fn ls(
    vfs: &mut Vfs,
    ctx: Ctx,
    path: &str,
    (long, all): (bool, bool),
    out: &mut String,
    budget: usize,
) -> Result<()> {
    let st = vfs.stat(ctx, path, true)?;
    if st.file_type != FileType::Directory {
        if long {
            return long_line(vfs, ctx, path, path, out);
        }
        let _ = writeln!(out, "{path}");
        return Ok(());
    }
    let mut names: Vec<String> = vfs
        .readdir(ctx, path)?
        .into_iter()
        .map(|e| e.name)
        .filter(|n| all || !n.starts_with('.'))
        .collect();
    if all {
        names.splice(0..0, [".".to_string(), "..".to_string()]);
    }
    for n in names {
        if spent(out, budget) {
            break;
        }
        if long {
            let child = format!("{}/{n}", path.trim_end_matches('/'));
            let child = if path.trim_end_matches('/').is_empty() && path.starts_with('/') {
                format!("/{n}")
            } else {
                child
            };
            long_line(vfs, ctx, &child, &n, out)?;
        } else {
            let _ = writeln!(out, "{n}");
        }
    }
    Ok(())
}

/// Describes which layer of which mount a dirent's data comes from.
pub fn describe_origin(vfs: &Vfs, ctx: Ctx, d: DirentId) -> (String, String) {
    let mount = vfs.mount_of(d).unwrap_or(ctx.root);
    let mount_path = vfs.path_of(mount, ctx.root);
    let inode = vfs.dirent_inode(d).ok();
    let mount_msrc = vfs
        .dirent_inode(mount)
        .ok()
        .and_then(|i| vfs.inode(i))
        .and_then(|i| vfs.msrcs.get(i.msrc));
    let mdesc = match mount_msrc {
        Some(m) => format!(
            "{mount_path} ({}, {}, id {})",
            m.fs_name,
            if m.flags.read_only { "ro" } else { "rw" },
            m.id
        ),
        None => mount_path,
    };
    let mut layer = String::new();
    let mut cur = inode;
    let mut depth = 0;
    while let Some(i) = cur {
        let Some(node) = vfs.inode(i) else { break };
        match &node.node {
            Node::Overlay(o) => {
                let (which, next) = match (o.upper, o.lower) {
                    (Some(u), _) => ("upper", u),
                    (None, Some(l)) => ("lower", l),
                    (None, None) => break,
                };
                if !layer.is_empty() {
                    layer.push_str(" > ");
                }
                layer.push_str(which);
                cur = Some(next);
            }
            _ => {
                let fs = vfs.msrcs.get(node.msrc).map(|m| match m.kind {
                    MsrcKind::Plain if m.fs_name == "ramfs" => "ramfs stub".to_string(),
                    _ => m.fs_name.clone(),
                });
                if !layer.is_empty() {
                    layer.push_str(" > ");
                }
                layer.push_str(&fs.unwrap_or_default());
                break;
            }
        }
        depth += 1;
        if depth > 64 {
            break;
        }
    }
    (mdesc, layer)
}

fn stat(vfs: &mut Vfs, ctx: Ctx, path: &str, out: &mut String) -> Result<()> {
    let d = vfs.lookup(ctx, path, false)?;
    let st = vfs.stat_inode(vfs.dirent_inode(d)?)?;
    let (mount, layer) = describe_origin(vfs, ctx, d);
    let _ = writeln!(out, "  File: {}", vfs.path_of(d, ctx.root));
    let _ = writeln!(out, "  Type: {}", st.file_type.word());
    let _ = writeln!(out, "  Mode: {:04o} ({})", st.perms(), mode_string(&st));
    let _ = writeln!(out, "  Size: {}", st.size);
    let _ = writeln!(out, " Inode: {}", st.ino);
    let _ = writeln!(out, " Links: {}", st.nlink);
    let _ = writeln!(out, "   Uid: {}  Gid: {}", st.uid, st.gid);
    if st.file_type == FileType::CharDevice {
        let _ = writeln!(out, "Device: {},{}", st.rdev_major, st.rdev_minor);
    }
    let _ = writeln!(out, " Mount: {mount}");
    let _ = writeln!(out, " Layer: {layer}");
    Ok(())
}

fn tree(
    vfs: &mut Vfs,
    ctx: Ctx,
    dir: DirentId,
    prefix: &str,
    count: &mut usize,
    out: &mut String,
    budget: usize,
) -> Result<()> {
    let inode = vfs.dirent_inode(dir)?;
    if !vfs.is_dir(inode) {
        return Ok(());
    }
    let sub = Ctx {
        root: ctx.root,
        cwd: dir,
    };
    let entries = vfs.readdir(sub, ".")?;
    let n = entries.len();
    for (i, e) in entries.into_iter().enumerate() {
        if spent(out, budget) {
            return Ok(());
        }
        *count += 1;
        if *count > TREE_LIMIT {
            let _ = writeln!(out, "{prefix}... (more than {TREE_LIMIT} entries)");
            return Ok(());
        }
        let last = i + 1 == n;
        let (branch, next) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        let child = vfs.lookup(sub, &e.name, false)?;
        let suffix = match e.file_type {
            FileType::Symlink => format!(" -> {}", vfs.readlink(sub, &e.name).unwrap_or_default()),
            FileType::Directory => "/".to_string(),
            _ => String::new(),
        };
        let _ = writeln!(out, "{prefix}{branch}{}{suffix}", e.name);
        if e.file_type == FileType::Directory && prefix.len() < 4 * 64 {
            tree(
                vfs,
                ctx,
                child,
                &format!("{prefix}{next}"),
                count,
                out,
                budget,
            )?;
        }
    }
    Ok(())
}
