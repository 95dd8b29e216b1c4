//! `du`: device usage, as GNU coreutils 9.1 reports it.
//!
//! The options become [`Options`]; each operand is walked depth first in
//! the order directories list their entries, as GNU's fts does, and sums
//! are kept the way GNU du keeps them (what a directory holds directly,
//! and what its subdirectories hold, apart, for `-S`). Directories are read
//! through descriptors ([`read`]), ahead of the walk on other threads; the
//! walk itself, which decides what counts and prints, stays in order.

mod exclude;
mod options;
mod read;

use std::collections::HashSet;
use std::ffi::{CStr, CString, OsStr, OsString};
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;

use nix::libc;

use crate::common::errno::describe_errno;
use crate::common::error::{Error, finish, warn};
use crate::common::output::Output;
use crate::common::quote::{quote_name, quote_name_if_needed};
use crate::common::strftime::{LocalTime, strftime};
use options::{Dereference, Options, TimeKind};
use read::{Listing, Meta, Prefetcher, Rules};

pub const NAMES: &[&str] = &["du"];

pub fn main(applet: &'static str, args: Vec<OsString>) -> i32 {
    finish(run(applet, args))
}

fn run(applet: &'static str, args: Vec<OsString>) -> Result<i32, Error> {
    let options = options::parse(applet, args)?;
    if options.time.is_some() {
        crate::common::strftime::prefer_time_zone_files();
    }
    let mut du = Du::new(&options);
    match &options.files0_from {
        Some(file) => du.files_from(file)?,
        None if options.operands.is_empty() => du.operand(OsStr::new("."))?,
        None => {
            for operand in &options.operands {
                if operand.is_empty() {
                    du.fail(format_args!("invalid zero-length file name"))?;
                } else {
                    du.operand(operand)?;
                }
            }
        }
    }
    if options.total {
        let total = du.total;
        du.print(&total, b"total")?;
    }
    if du.out.finish().is_err() || du.write_failed {
        // GNU du flushes each line and looks at the error only when it
        // closes stdout, when errno no longer says why.
        return Err(Error::new("write error"));
    }
    Ok(if du.ok { 0 } else { 1 })
}

/// What a set of entries adds up to (GNU's `struct duinfo`).
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    bytes: u64,
    inodes: u64,
    /// The latest of the chosen times; `None` before any.
    latest: Option<(i64, u32)>,
}

impl Usage {
    fn add(&mut self, other: &Usage) {
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.inodes += other.inodes;
        if other.latest > self.latest {
            self.latest = other.latest;
        }
    }
}

/// A directory the walk is in.
struct Frame {
    listing: Listing,
    /// Open for reading its subdirectories; `None` once closed to stay
    /// under the descriptor limit (reopened if needed).
    fd: Option<Arc<OwnedFd>>,
    meta: Meta,
    /// Its path is `du.path[..path_len]`, its own name starts at `name_start`.
    path_len: usize,
    name_start: usize,
    /// The next entry to visit.
    next: usize,
    /// Entries excluded by pattern (empty when there are no patterns).
    excluded: Vec<bool>,
    /// GNU's `dulevel`: the entries directly inside, and all that is in
    /// the subdirectories.
    entries: Usage,
    below: Usage,
}

/// How many directories of the walk keep their descriptors open: those
/// further out are closed (and reopened if needed), so a deep tree does not
/// run out of descriptors. A quarter of the limit, leaving the rest to the
/// workers' read-ahead; `None`: too few for read-ahead at all.
fn descriptor_budget() -> (usize, bool) {
    // SAFETY: an all-zero rlimit is a valid value for getrlimit to fill.
    let mut limit: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: `limit` is a live local.
    let soft = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
        usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
    } else {
        1024
    };
    ((soft / 4).clamp(4, 256), soft >= 256)
}

struct Du<'o> {
    options: &'o Options,
    out: Output,
    /// (device, inode) of what was counted, for hard links and repeats.
    seen: HashSet<(u64, u64)>,
    /// Every entry goes in `seen`, not only files with several links:
    /// several operands, or `-L`, can reach one file twice.
    hash_all: bool,
    /// The directories being walked, to skip a cycle (a bind mount, or `-L`).
    active: HashSet<(u64, u64)>,
    total: Usage,
    path: Vec<u8>,
    line: Vec<u8>,
    rules: Rules,
    prefetcher: Prefetcher,
    open_directories: usize,
    ok: bool,
    /// Standard output failed: the walk goes on (its errors are still
    /// reported) and prints nothing more.
    write_failed: bool,
}

impl<'o> Du<'o> {
    fn new(options: &'o Options) -> Du<'o> {
        let time = options.time.as_ref().map_or(TimeKind::Modification, |(kind, _)| *kind);
        let rules = Rules { follow: options.dereference == Dereference::Always, time };
        let (open_directories, read_ahead) = descriptor_budget();
        Du {
            options,
            out: Output::stdout(),
            seen: HashSet::new(),
            hash_all: options.files0_from.is_some()
                || options.operands.len() > 1
                || options.dereference == Dereference::Always,
            active: HashSet::new(),
            total: Usage::default(),
            path: Vec::new(),
            line: Vec::new(),
            rules,
            prefetcher: Prefetcher::new(rules, read_ahead),
            open_directories,
            ok: true,
            write_failed: false,
        }
    }

    /// `du: message` on stderr, after what stdout holds so far, as GNU's
    /// line-by-line flushing orders them; the run then ends in status 1.
    fn fail(&mut self, message: std::fmt::Arguments) -> Result<(), Error> {
        if !self.write_failed && self.out.flush().is_err() {
            self.write_failed = true;
        }
        warn(message);
        self.ok = false;
        Ok(())
    }

    fn path_name(&self) -> String {
        quote_name(OsStr::from_bytes(&self.path))
    }

    /// `--files0-from=F`: the operands are F's NUL-terminated names.
    fn files_from(&mut self, file: &OsStr) -> Result<(), Error> {
        let from_stdin = file.as_bytes() == b"-";
        let mut text = Vec::new();
        let read = if from_stdin {
            std::io::stdin().lock().read_to_end(&mut text)
        } else {
            let opened = std::fs::File::open(file)
                .map_err(|err| Error::io(format!("cannot open {} for reading", quote_name(file)), &err))?;
            (&opened).read_to_end(&mut text)
        };
        if let Err(err) = read {
            self.fail(format_args!("{}: read error: {}", quote_name_if_needed(file), crate::common::errno::describe(&err)))?;
            return Ok(());
        }
        // Names end with a NUL; the last may lack it.
        let mut names: Vec<&[u8]> = text.split(|&b| b == 0).collect();
        if names.last().is_some_and(|last| last.is_empty()) {
            names.pop();
        }
        for (number, name) in names.into_iter().enumerate() {
            if from_stdin && name == b"-" {
                self.fail(format_args!(
                    "when reading file names from stdin, no file name of {} allowed",
                    quote_name(OsStr::from_bytes(name))
                ))?;
            } else if name.is_empty() {
                self.fail(format_args!("{}:{}: invalid zero-length file name", quote_name_if_needed(file), number + 1))?;
            } else {
                self.operand(OsStr::from_bytes(name))?;
            }
        }
        Ok(())
    }

    /// Walks one operand.
    fn operand(&mut self, operand: &OsStr) -> Result<(), Error> {
        // fts keeps one of several trailing slashes.
        let mut path = operand.as_bytes();
        if path.len() > 2 && path.ends_with(b"/") {
            while path.len() > 1 && path[path.len() - 2] == b'/' {
                path = &path[..path.len() - 1];
            }
        }
        self.path.clear();
        self.path.extend_from_slice(path);
        if self.is_excluded() {
            return Ok(());
        }
        let follow = self.options.dereference != Dereference::Never;
        let name = CString::new(path).unwrap_or_default();
        let meta = match read::status(libc::AT_FDCWD, &name, follow, self.rules.time) {
            Ok(meta) => meta,
            Err(errno) => return self.cannot_access(errno),
        };
        if !self.first_sight(&meta) {
            return Ok(());
        }
        if !meta.is_dir() {
            let usage = self.usage(&meta);
            self.total.add(&usage);
            return self.print_if(&usage, 0, true);
        }
        let root_dev = meta.dev;
        let listing = read::read_directory(libc::AT_FDCWD, &name, follow, self.rules);
        let mut frames: Vec<Frame> = Vec::new();
        self.enter(&mut frames, listing, meta, 0, root_dev)?;
        self.walk(&mut frames, &name, follow, root_dev)
    }

    /// GNU's checks before counting an entry: not a hard link or repeat
    /// already counted.
    fn first_sight(&mut self, meta: &Meta) -> bool {
        let hashed = self.hash_all || (!meta.is_dir() && meta.nlink > 1);
        self.options.count_links || !hashed || self.seen.insert((meta.dev, meta.ino))
    }

    fn cannot_access(&mut self, errno: i32) -> Result<(), Error> {
        let name = self.path_name();
        match errno {
            0 => self.fail(format_args!("cannot access {name}")),
            errno => self.fail(format_args!("cannot access {name}: {}", describe_errno(errno))),
        }
    }

    fn is_excluded(&mut self) -> bool {
        if self.options.exclusions.is_empty() {
            return false;
        }
        self.path.push(0);
        let excluded = self.options.exclusions.matches(&self.path);
        self.path.pop();
        excluded
    }

    fn usage(&self, meta: &Meta) -> Usage {
        let bytes = if self.options.apparent_size {
            meta.size.max(0) as u64
        } else {
            (meta.blocks.max(0) as u64).saturating_mul(512)
        };
        Usage { bytes, inodes: 1, latest: Some(meta.time) }
    }

    /// Pushes the directory at `self.path` (its entries read into `listing`).
    fn enter(
        &mut self,
        frames: &mut Vec<Frame>,
        mut listing: Listing,
        meta: Meta,
        name_start: usize,
        root_dev: u64,
    ) -> Result<(), Error> {
        if let Some(errno) = listing.error {
            let name = self.path_name();
            self.fail(format_args!("cannot read directory {name}: {}", describe_errno(errno)))?;
        }
        let path_len = self.path.len();
        let mut excluded = Vec::new();
        if !self.options.exclusions.is_empty() {
            for child in &listing.children {
                self.path.truncate(path_len);
                join(&mut self.path, listing.name(child));
                excluded.push(self.is_excluded());
            }
            self.path.truncate(path_len);
        }
        let nested: HashSet<usize> = listing.nested.iter().map(|(index, _)| *index).collect();
        let jobs: Vec<(usize, CString)> = listing
            .children
            .iter()
            .enumerate()
            .filter(|(index, child)| {
                child.status.is_ok_and(|m| m.is_dir() && (!self.options.one_file_system || m.dev == root_dev))
                    && !excluded.get(*index).copied().unwrap_or(false)
                    && !nested.contains(index)
            })
            .map(|(index, child)| (index, listing.name_cstr(child).to_owned()))
            .collect();
        let fd = listing.fd.take();
        let device = self.options.one_file_system.then_some(root_dev);
        self.prefetcher.push_level(fd.clone(), device, jobs);
        self.active.insert((meta.dev, meta.ino));
        frames.push(Frame {
            listing,
            fd,
            meta,
            path_len,
            name_start,
            next: 0,
            excluded,
            entries: Usage::default(),
            below: Usage::default(),
        });
        // Keep the descriptors of the innermost directories only.
        if frames.len() > self.open_directories {
            let depth = frames.len() - 1 - self.open_directories;
            if frames[depth].fd.take().is_some() {
                self.prefetcher.set_fd(depth, None);
            }
        }
        Ok(())
    }

    fn walk(&mut self, frames: &mut Vec<Frame>, root: &CStr, follow_root: bool, root_dev: u64) -> Result<(), Error> {
        while !frames.is_empty() {
            let depth = frames.len() - 1;
            let level = depth + 1;
            let top = &mut frames[depth];
            if top.next == top.listing.children.len() {
                self.leave(frames)?;
                continue;
            }
            let index = top.next;
            top.next += 1;
            self.path.truncate(top.path_len);
            let name_start = join(&mut self.path, top.listing.name(&top.listing.children[index]));
            if top.excluded.get(index).copied().unwrap_or(false) {
                continue;
            }
            let meta = match top.listing.children[index].status {
                Ok(meta) => meta,
                Err(errno) => {
                    self.cannot_access(errno)?;
                    continue;
                }
            };
            if self.options.one_file_system && meta.dev != root_dev {
                continue;
            }
            if !self.first_sight(&meta) {
                continue;
            }
            if !meta.is_dir() {
                let usage = self.usage(&meta);
                top.entries.add(&usage);
                self.total.add(&usage);
                self.print_if(&usage, level, self.options.all)?;
                continue;
            }
            if self.active.contains(&(meta.dev, meta.ino)) {
                // A directory inside itself: fts's FTS_DC, which du skips.
                continue;
            }
            let read_along = match top.listing.nested.front() {
                Some((nested, _)) if *nested == index => top.listing.nested.pop_front().map(|(_, listing)| listing),
                _ => None,
            };
            let listing = match read_along.or_else(|| self.prefetcher.take(depth, index)) {
                Some(listing) => listing,
                None => {
                    let parent = match self.reopen(frames, depth, root, follow_root)? {
                        Some(fd) => fd,
                        None => continue,
                    };
                    let top = &frames[depth];
                    let child = &top.listing.children[index];
                    read::read_directory(parent.as_raw_fd(), top.listing.name_cstr(child), self.rules.follow, self.rules)
                }
            };
            self.enter(frames, listing, meta, name_start, root_dev)?;
        }
        Ok(())
    }

    /// The descriptor of the directory at `depth`, reopened (with those
    /// above it) if it was closed; `None` when that failed (reported).
    fn reopen(
        &mut self,
        frames: &mut [Frame],
        depth: usize,
        root: &CStr,
        follow_root: bool,
    ) -> Result<Option<Arc<OwnedFd>>, Error> {
        if let Some(fd) = &frames[depth].fd {
            return Ok(Some(Arc::clone(fd)));
        }
        let open_from = frames[..depth].iter().rposition(|frame| frame.fd.is_some());
        let first_closed = open_from.map_or(0, |i| i + 1);
        for closed in first_closed..=depth {
            let opened = if closed == 0 {
                read::open_directory(libc::AT_FDCWD, root, follow_root)
            } else {
                let name = &self.path[frames[closed].name_start..frames[closed].path_len];
                let name = CString::new(name).unwrap_or_default();
                let parent = frames[closed - 1].fd.as_ref().map_or(libc::AT_FDCWD, |fd| fd.as_raw_fd());
                read::open_directory(parent, &name, self.rules.follow)
            };
            // st_dev and st_ino are narrower on some targets.
            #[allow(clippy::unnecessary_cast)]
            let same = |fd: &OwnedFd| {
                nix::sys::stat::fstat(fd.as_raw_fd())
                    .is_ok_and(|st| st.st_dev as u64 == frames[closed].meta.dev && st.st_ino as u64 == frames[closed].meta.ino)
            };
            match opened {
                Ok(fd) if same(&fd) => {
                    let fd = Arc::new(fd);
                    frames[closed].fd = Some(Arc::clone(&fd));
                    self.prefetcher.set_fd(closed, Some(fd));
                }
                failed => {
                    let errno = failed.err().unwrap_or(libc::ENOENT);
                    let name = quote_name(OsStr::from_bytes(&self.path[..frames[depth].path_len]));
                    self.fail(format_args!("cannot read directory {name}: {}", describe_errno(errno)))?;
                    // The rest of that directory cannot be reached.
                    frames[depth].next = frames[depth].listing.children.len();
                    return Ok(None);
                }
            }
        }
        Ok(frames[depth].fd.clone())
    }

    /// The innermost directory is done: print it, add it to its parent.
    fn leave(&mut self, frames: &mut Vec<Frame>) -> Result<(), Error> {
        let Some(mut frame) = frames.pop() else { return Ok(()) };
        std::mem::take(&mut frame.listing).recycle();
        self.prefetcher.pop_level();
        self.active.remove(&(frame.meta.dev, frame.meta.ino));
        let own = self.usage(&frame.meta);
        let mut shown = own;
        shown.add(&frame.entries);
        if !self.options.separate_dirs {
            shown.add(&frame.below);
        }
        self.total.add(&own);
        self.path.truncate(frame.path_len);
        self.print_if(&shown, frames.len(), true)?;
        if let Some(parent) = frames.last_mut() {
            if !self.options.separate_dirs {
                parent.entries.add(&own);
            }
            parent.below.add(&frame.entries);
            parent.below.add(&frame.below);
        }
        Ok(())
    }

    /// Prints the entry at `self.path` at `level` if it is shown there:
    /// directories (`shown_kind`), files with `-a`, and every operand,
    /// within `--max-depth` and `--threshold`.
    fn print_if(&mut self, usage: &Usage, level: usize, shown_kind: bool) -> Result<(), Error> {
        if !(level == 0 || (shown_kind && level <= self.options.max_depth)) {
            return Ok(());
        }
        let value = if self.options.inodes { usage.inodes } else { usage.bytes };
        let threshold = self.options.threshold;
        let passes = if threshold < 0 { value <= threshold.unsigned_abs() } else { value >= threshold as u64 };
        if !passes {
            return Ok(());
        }
        let path = std::mem::take(&mut self.path);
        let printed = self.print(usage, &path);
        self.path = path;
        printed
    }

    fn print(&mut self, usage: &Usage, name: &[u8]) -> Result<(), Error> {
        let line = &mut self.line;
        line.clear();
        let value = if self.options.inodes { usage.inodes } else { usage.bytes };
        self.options.block_size.format(value, line);
        if let Some((_, format)) = &self.options.time {
            line.push(b'\t');
            let (seconds, nanoseconds) = usage.latest.unwrap_or((i64::MIN, 0));
            match LocalTime::new(seconds, nanoseconds) {
                Some(time) => strftime(line, format, &time),
                None => line.extend_from_slice(seconds.to_string().as_bytes()),
            }
        }
        line.push(b'\t');
        line.extend_from_slice(name);
        line.push(if self.options.null_terminate { 0 } else { b'\n' });
        if !self.write_failed && self.out.write(&self.line).is_err() {
            self.write_failed = true;
        }
        Ok(())
    }
}

/// Appends `/name` to `path` (no second slash after one already there, as
/// fts joins names); returns where the name starts.
fn join(path: &mut Vec<u8>, name: &[u8]) -> usize {
    if !path.ends_with(b"/") {
        path.push(b'/');
    }
    let start = path.len();
    path.extend_from_slice(name);
    start
}
