//! Reading one directory: its entries, each with the status du needs, read
//! relative to the directory's own file descriptor (no path is built, so
//! neither depth nor path length is limited), and [`Prefetcher`], which
//! reads the directories the walk will enter next on other threads.

use std::collections::VecDeque;
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use nix::libc;

use super::options::TimeKind;

/// What du needs of a file's status.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub nlink: u64,
    pub size: i64,
    pub blocks: i64,
    pub time: (i64, u32),
}

impl Meta {
    // stat's field types differ between targets (u32 and u64 nlink, i32
    // and i64 times), so some conversions are useless on this one.
    #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
    fn new(st: &libc::stat, time: TimeKind) -> Meta {
        let time = match time {
            TimeKind::Modification => (st.st_mtime as i64, st.st_mtime_nsec as u32),
            TimeKind::Access => (st.st_atime as i64, st.st_atime_nsec as u32),
            TimeKind::Change => (st.st_ctime as i64, st.st_ctime_nsec as u32),
        };
        Meta {
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            mode: st.st_mode as u32,
            nlink: st.st_nlink as u64,
            size: st.st_size as i64,
            blocks: st.st_blocks as i64,
            time,
        }
    }

    pub fn is_dir(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFDIR
    }
}

/// How entries are read: whether symbolic links are followed (`-L`), and
/// which time is kept.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub follow: bool,
    pub time: TimeKind,
}

/// `fstatat`; a failure is the errno, 0 for a dangling symbolic link being
/// followed (GNU's fts reports that one without a reason).
pub fn status(dir: RawFd, name: &CStr, follow: bool, time: TimeKind) -> Result<Meta, i32> {
    // SAFETY: an all-zero stat is a valid value for fstatat to fill.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    // SAFETY: `name` is NUL-terminated and `st` a live local.
    if unsafe { libc::fstatat(dir, name.as_ptr(), &mut st, flags) } == 0 {
        return Ok(Meta::new(&st, time));
    }
    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
    if follow && errno == libc::ENOENT {
        // SAFETY: as above.
        let dangling = unsafe { libc::fstatat(dir, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) } == 0;
        if dangling {
            return Err(0);
        }
    }
    Err(errno)
}

/// Opens directory `name` relative to `dir` for reading; with `follow`
/// false a symbolic link put in its place is refused, not followed.
pub fn open_directory(dir: RawFd, name: &CStr, follow: bool) -> Result<OwnedFd, i32> {
    let mut flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | libc::O_NOCTTY;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    // SAFETY: `name` is NUL-terminated; the fd returned is ours to own.
    let fd = unsafe { libc::openat(dir, name.as_ptr(), flags) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
    }
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// One entry of a directory.
#[derive(Debug)]
pub struct Child {
    /// Where its NUL-terminated name starts in [`Listing::names`].
    name_start: u32,
    name_len: u32,
    /// The directory entry's inode number, for fts's sort of large directories.
    dirent_ino: u64,
    pub status: Result<Meta, i32>,
}

/// A directory's entries in the order the file system lists them.
#[derive(Debug, Default)]
pub struct Listing {
    /// The directory, for opening its subdirectories; `None` when it could
    /// not be opened.
    pub fd: Option<Arc<OwnedFd>>,
    names: Vec<u8>,
    pub children: Vec<Child>,
    /// Why the directory could not be opened or read (GNU's FTS_DNR).
    pub error: Option<i32>,
    /// Subdirectories read along with it (index in `children`, listing),
    /// in order.
    pub nested: VecDeque<(usize, Listing)>,
}

/// Buffers of listings done with, for the next ones: musl's allocator
/// returns freed blocks of a few pages to the system, and mapping them again
/// costs every thread a TLB flush.
static RECYCLED: Mutex<Vec<(Vec<u8>, Vec<Child>)>> = Mutex::new(Vec::new());
const RECYCLED_MAX: usize = 64;

impl Listing {
    fn reused() -> Listing {
        let buffers = RECYCLED.lock().ok().and_then(|mut recycled| recycled.pop());
        match buffers {
            Some((names, children)) => Listing { names, children, ..Listing::default() },
            None => Listing::default(),
        }
    }

    /// Hands the buffers back for reuse.
    pub fn recycle(mut self) {
        self.names.clear();
        self.children.clear();
        if let Ok(mut recycled) = RECYCLED.lock()
            && recycled.len() < RECYCLED_MAX
        {
            recycled.push((std::mem::take(&mut self.names), std::mem::take(&mut self.children)));
        }
    }

    pub fn name(&self, child: &Child) -> &[u8] {
        &self.names[child.name_start as usize..(child.name_start + child.name_len) as usize]
    }

    pub fn name_cstr(&self, child: &Child) -> &CStr {
        let start = child.name_start as usize;
        let end = start + child.name_len as usize + 1;
        CStr::from_bytes_with_nul(&self.names[start..end]).unwrap_or_default()
    }
}

thread_local! {
    /// getdents64's buffer, one a thread: no allocation per directory.
    static DIRENT_BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 32 * 1024]);
}

/// Every entry of the open directory `fd` but `.` and `..`, into `listing`.
fn read_entries(fd: &OwnedFd, buffer: &mut [u8], listing: &mut Listing) {
    loop {
        // SAFETY: the buffer is live and as long as we say; the kernel
        // writes whole dirent64 records into it.
        let read = unsafe {
            libc::syscall(libc::SYS_getdents64, fd.as_raw_fd(), buffer.as_mut_ptr(), buffer.len() as libc::c_ulong)
        };
        if read < 0 {
            listing.error = Some(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
            listing.children.clear();
            break;
        }
        if read == 0 {
            break;
        }
        let mut offset = 0;
        while offset < read as usize {
            // struct linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name.
            let record = &buffer[offset..];
            let dirent_ino = u64::from_ne_bytes(record[..8].try_into().unwrap_or_default());
            let reclen = u16::from_ne_bytes([record[16], record[17]]) as usize;
            let name_bytes = &record[19..reclen];
            let name_len = name_bytes.iter().position(|&b| b == 0).unwrap_or(name_bytes.len());
            let entry_name = &name_bytes[..name_len];
            offset += reclen;
            if entry_name == b"." || entry_name == b".." {
                continue;
            }
            let name_start = listing.names.len() as u32;
            listing.names.extend_from_slice(entry_name);
            listing.names.push(0);
            listing.children.push(Child { name_start, name_len: name_len as u32, dirent_ino, status: Err(0) });
        }
    }
}

/// gnulib fts visits the entries of a directory with more than this many in
/// inode order (where the file system is not one for which that is
/// pointless), to spare disk seeks; du's output follows that order.
const INODE_SORT_THRESHOLD: usize = 10_000;
const READDIR_BATCH: usize = 100_000;

/// gnulib's `dirent_inode_sort_may_be_useful`: not on tmpfs, NFS or CIFS.
fn inode_order_helps(fd: RawFd) -> bool {
    const TMPFS: i64 = 0x0102_1994;
    const NFS: i64 = 0x6969;
    const CIFS: i64 = 0xFF53_4D42;
    // SAFETY: an all-zero statfs is a valid value for fstatfs to fill.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `fs` is a live local.
    if unsafe { libc::fstatfs(fd, &mut fs) } != 0 {
        return true;
    }
    #[allow(clippy::unnecessary_cast)]
    let magic = fs.f_type as i64;
    !matches!(magic, TMPFS | NFS | CIFS)
}

/// Opens `name` (relative to `dir`) and reads it: every entry but `.` and
/// `..`, each with its status.
pub fn read_directory(dir: RawFd, name: &CStr, follow_self: bool, rules: Rules) -> Listing {
    let fd = match open_directory(dir, name, follow_self) {
        Ok(fd) => fd,
        Err(errno) => return Listing { error: Some(errno), ..Listing::default() },
    };
    let mut listing = Listing::reused();
    DIRENT_BUFFER.with_borrow_mut(|buffer| read_entries(&fd, buffer, &mut listing));
    if listing.children.len() > INODE_SORT_THRESHOLD && inode_order_helps(fd.as_raw_fd()) {
        // gnulib's fts reads at most FTS_MAX_READDIR_ENTRIES entries at a
        // time and sorts each batch larger than the threshold.
        for batch in listing.children.chunks_mut(READDIR_BATCH) {
            if batch.len() > INODE_SORT_THRESHOLD {
                batch.sort_unstable_by_key(|child| child.dirent_ino);
            }
        }
    }
    for index in 0..listing.children.len() {
        let status = status(fd.as_raw_fd(), listing.name_cstr(&listing.children[index]), rules.follow, rules.time);
        listing.children[index].status = status;
    }
    listing.fd = Some(Arc::new(fd));
    listing
}

/// A worker reads a directory with its subdirectories, depth first, until
/// it has this many entries: one hand-over (a lock, perhaps a wake-up) for
/// many small directories rather than one each.
const BUNDLE_ENTRIES: usize = 2048;
/// How deep a bundle goes below the directory it is for.
const BUNDLE_DEPTH: usize = 16;
/// Descriptors a bundle keeps open for subdirectories it did not read
/// (the walk reopens the others, by name, if it gets there).
const BUNDLE_OPEN_DIRECTORIES: usize = 8;

/// Reads directory `name` and as many of its subdirectories as the budget
/// allows; `device`: only subdirectories on that device (`-x`).
pub fn read_bundle(dir: RawFd, name: &CStr, rules: Rules, device: Option<u64>) -> Listing {
    let mut listing = read_directory(dir, name, rules.follow, rules);
    let mut budget = BUNDLE_ENTRIES.saturating_sub(listing.children.len());
    let mut open_left = BUNDLE_OPEN_DIRECTORIES;
    expand(&mut listing, rules, device, BUNDLE_DEPTH, &mut budget, &mut open_left);
    listing
}

fn expand(listing: &mut Listing, rules: Rules, device: Option<u64>, depth: usize, budget: &mut usize, open_left: &mut usize) {
    let Some(fd) = listing.fd.clone() else { return };
    let mut complete = true;
    for index in 0..listing.children.len() {
        let child = &listing.children[index];
        let wanted = child.status.is_ok_and(|meta| meta.is_dir() && device.is_none_or(|dev| dev == meta.dev));
        if !wanted {
            continue;
        }
        if *budget == 0 || depth == 0 {
            complete = false;
            break;
        }
        let mut sub = read_directory(fd.as_raw_fd(), listing.name_cstr(child), rules.follow, rules);
        *budget = budget.saturating_sub(sub.children.len() + 1);
        expand(&mut sub, rules, device, depth - 1, budget, open_left);
        listing.nested.push_back((index, sub));
    }
    // A directory whose subdirectories were all read needs no descriptor;
    // of the others, a few keep theirs.
    if complete {
        listing.fd = None;
    } else if *open_left > 0 {
        *open_left -= 1;
    } else {
        listing.fd = None;
    }
}

/// Bundles read but not yet taken, at most.
const LOOKAHEAD: usize = 8;

/// Reads ahead, on worker threads, the subdirectories of the directories
/// the walk is in, deepest first and in listing order, which is the order
/// the walk will enter them. The walk stays sequential (so its output is
/// that of a sequential walk); it takes each listing when it gets there, or
/// reads it itself if no worker has started on it.
pub struct Prefetcher {
    shared: Option<Arc<Shared>>,
    workers: usize,
    rules: Rules,
    /// Jobs offered so far: threads start once there is work for them.
    offered: usize,
}

struct Shared {
    state: Mutex<State>,
    work: Condvar,
    finished: Condvar,
}

#[derive(Default)]
struct State {
    /// One a directory the walk is in, outermost first.
    levels: Vec<Level>,
    /// Running or read and not yet taken.
    in_flight: usize,
    next_id: u64,
    /// Threads asleep on `work`, and whether the walk sleeps on
    /// `finished`: a wake-up is a system call, made only for a sleeper.
    idle_workers: usize,
    walk_waiting: bool,
}

impl State {
    fn wake_workers(&self, shared: &Shared) {
        if self.idle_workers > 0 {
            shared.work.notify_all();
        }
    }
}

struct Level {
    id: u64,
    fd: Option<Arc<OwnedFd>>,
    /// `-x`: the device subdirectories must be on.
    device: Option<u64>,
    /// Subdirectories not started: index in the listing, and name.
    queue: VecDeque<(usize, CString)>,
    started: Vec<(usize, Option<Listing>)>,
}

impl Prefetcher {
    /// `enabled` false: the walk reads every directory itself.
    pub fn new(rules: Rules, enabled: bool) -> Prefetcher {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        // One processor: nothing to overlap with.
        let workers = if workers > 1 && enabled { workers } else { 0 };
        Prefetcher { shared: None, workers, rules, offered: 0 }
    }

    fn lock(shared: &Shared) -> MutexGuard<'_, State> {
        shared.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The walk entered a directory (open on `fd`) whose subdirectories
    /// `jobs` it will enter, in that order.
    pub fn push_level(&mut self, fd: Option<Arc<OwnedFd>>, device: Option<u64>, jobs: Vec<(usize, CString)>) {
        self.offered += jobs.len();
        if self.shared.is_none() && self.workers > 0 && self.offered >= 4 {
            self.start_workers();
        }
        let Some(shared) = &self.shared else { return };
        let mut state = Self::lock(shared);
        let id = state.next_id;
        state.next_id += 1;
        let has_jobs = !jobs.is_empty();
        state.levels.push(Level { id, fd, device, queue: jobs.into(), started: Vec::new() });
        if has_jobs {
            state.wake_workers(shared);
        }
    }

    /// The walk left its innermost directory.
    pub fn pop_level(&mut self) {
        let Some(shared) = &self.shared else { return };
        let mut state = Self::lock(shared);
        if let Some(level) = state.levels.pop() {
            let taken_here = level.started.iter().filter(|(_, listing)| listing.is_some()).count();
            state.in_flight -= taken_here;
            if taken_here > 0 {
                state.wake_workers(shared);
            }
        }
    }

    /// The descriptor of the directory at `depth` was closed or reopened.
    pub fn set_fd(&mut self, depth: usize, fd: Option<Arc<OwnedFd>>) {
        let Some(shared) = &self.shared else { return };
        let mut state = Self::lock(shared);
        if let Some(level) = state.levels.get_mut(depth) {
            level.fd = fd;
        }
        state.wake_workers(shared);
    }

    /// The listing of subdirectory `index` of the directory at `depth`, if
    /// a worker read it (waiting for one that is reading it); `None`: the
    /// caller reads it.
    pub fn take(&mut self, depth: usize, index: usize) -> Option<Listing> {
        let shared = self.shared.as_ref()?;
        let mut state = Self::lock(shared);
        loop {
            let level = state.levels.get_mut(depth)?;
            let Some(position) = level.started.iter().position(|(i, _)| *i == index) else {
                if let Some(position) = level.queue.iter().position(|(i, _)| *i == index) {
                    level.queue.remove(position);
                }
                return None;
            };
            if level.started[position].1.is_some() {
                let (_, listing) = level.started.swap_remove(position);
                state.in_flight -= 1;
                if state.in_flight == LOOKAHEAD - 1 {
                    state.wake_workers(shared);
                }
                return listing;
            }
            state.walk_waiting = true;
            state = shared.finished.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
            state.walk_waiting = false;
        }
    }

    fn start_workers(&mut self) {
        let shared = Arc::new(Shared { state: Mutex::new(State::default()), work: Condvar::new(), finished: Condvar::new() });
        for _ in 0..self.workers {
            let shared = Arc::clone(&shared);
            let rules = self.rules;
            // A worker that cannot be started leaves its share to the walk.
            let _ = std::thread::Builder::new().stack_size(64 * 1024).spawn(move || work(&shared, rules));
        }
        self.shared = Some(shared);
    }
}

/// A worker: the deepest directory's next subdirectory not started, while
/// fewer than LOOKAHEAD listings wait to be taken.
fn work(shared: &Shared, rules: Rules) {
    let mut state = Prefetcher::lock(shared);
    loop {
        let job = (state.in_flight < LOOKAHEAD)
            .then(|| {
                state.levels.iter_mut().rev().find_map(|level| {
                    let fd = level.fd.clone()?;
                    let (index, name) = level.queue.pop_front()?;
                    level.started.push((index, None));
                    Some((level.id, index, name, fd, level.device))
                })
            })
            .flatten();
        let Some((level_id, index, name, fd, device)) = job else {
            state.idle_workers += 1;
            state = shared.work.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
            state.idle_workers -= 1;
            continue;
        };
        state.in_flight += 1;
        drop(state);
        let listing = read_bundle(fd.as_raw_fd(), &name, rules, device);
        drop(fd);
        state = Prefetcher::lock(shared);
        let slot = state
            .levels
            .iter_mut()
            .rev()
            .find(|level| level.id == level_id)
            .and_then(|level| level.started.iter_mut().find(|(i, _)| *i == index));
        match slot {
            Some(slot) => slot.1 = Some(listing),
            // The walk left that directory meanwhile.
            None => state.in_flight -= 1,
        }
        if state.walk_waiting {
            shared.finished.notify_all();
        }
    }
}
