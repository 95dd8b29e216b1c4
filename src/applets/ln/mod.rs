//! `ln`: GNU coreutils 9.x `ln`, operand forms, options, messages and exit
//! status alike; replacing an existing name (`-f`, `-i`, backups) is atomic
//! (see `replace`).

mod backup;
mod names;
mod options;
mod relative;
mod replace;

use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;

use nix::errno::Errno;
use nix::fcntl::AtFlags;
use nix::sys::stat::{FileStat, SFlag, fstatat};

use backup::{BackupType, Backups};
use names::{base_len, dir_name, directory_prefix, last_component, without_trailing_slashes};
use options::{Existing, Options};
use replace::{Dir, LinkKind, ReplaceError, TempNames, make_link, replace};

use crate::common::errno::describe_errno;
use crate::common::error::{Error, finish, program_name, warn, write_stderr};
use crate::common::output::Output;
use crate::common::quote::{quote_name, quote_name_if_needed};

pub const NAMES: &[&str] = &["ln"];

pub fn main(applet: &'static str, args: Vec<OsString>) -> i32 {
    finish(run(applet, args))
}

/// The first attempt at a link, made before knowing whether the last
/// operand is a directory (GNU tries `link(A, B)` first: when it works,
/// nothing else needs looking at).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attempt {
    NotTried,
    Done(Result<(), Errno>),
}

/// Where the links go.
enum Plan<'a> {
    /// `ln TARGET LINK_NAME`.
    OneLink { source: &'a OsStr, dest: &'a OsStr, attempt: Attempt },
    /// `ln TARGET`, `ln TARGET... DIR`, `ln -t DIR TARGET...`: each link
    /// named after its target's last component, in `dir` (open as `fd`).
    IntoDirectory { dir: &'a OsStr, fd: Option<File>, sources: &'a [OsString] },
}

fn run(applet: &'static str, args: Vec<OsString>) -> Result<i32, Error> {
    let options = options::parse(applet, args)?;
    let files = &options.operands;
    if files.is_empty() {
        return Err(Error::usage("missing file operand"));
    }
    if options.relative && !options.symbolic {
        return Err(Error::new("cannot do --relative without --symbolic"));
    }
    let kind = match options.symbolic {
        true => LinkKind::Symbolic,
        false => LinkKind::Hard { follow: options.logical },
    };
    let plan = plan(&options, kind)?;
    // GNU reads the backup control only now: `ln --backup=bad a new` has
    // made its link when it complains.
    let backups = options.backup.resolve()?;
    let mut out = Output::stdout();
    let mut linker = Linker {
        options: &options,
        kind,
        backups,
        just_created: None,
        temps: TempNames::new(),
        out: &mut out,
        stdout_failed: false,
    };
    let ok = match &plan {
        Plan::OneLink { source, dest, attempt } => {
            linker.link(source, None, dest.as_bytes(), dest.as_bytes(), *attempt)
        }
        Plan::IntoDirectory { dir, fd, sources } => {
            linker.link_into(dir, fd.as_ref().map(File::as_raw_fd), sources)
        }
    };
    let stdout_failed = linker.stdout_failed;
    // What was printed goes out before a fatal message, as at GNU's exit.
    // When an earlier flush failed already, GNU's close_stdout has no errno
    // left to show.
    let flushed = out.finish().map_err(|err| if stdout_failed { Error::new("write error") } else { err });
    drop(plan);
    // The process exits next: freeing the operands one by one (100,000 of
    // them for `ln -t DIR *`) would only cost time.
    std::mem::forget(options);
    let ok = ok?;
    flushed?;
    Ok(if ok { 0 } else { 1 })
}

/// GNU's reading of the operands: which form this is, and the target
/// directory opened.
fn plan<'a>(options: &'a Options, kind: LinkKind) -> Result<Plan<'a>, Error> {
    let files = &options.operands;
    if options.no_target_directory {
        if options.target_directory.is_some() {
            return Err(Error::new("cannot combine --target-directory and --no-target-directory"));
        }
        return match files.len() {
            2 => Ok(Plan::OneLink { source: &files[0], dest: &files[1], attempt: Attempt::NotTried }),
            1 => Err(Error::usage(format!("missing destination file operand after {}", quote_name(&files[0])))),
            _ => Err(Error::usage(format!("extra operand {}", quote_name(&files[2])))),
        };
    }
    if files.len() < 2 && options.target_directory.is_none() {
        return Ok(Plan::IntoDirectory { dir: OsStr::new("."), fd: None, sources: files });
    }
    let one_link = files.len() == 2 && options.target_directory.is_none();
    let mut attempt = Attempt::NotTried;
    if one_link {
        attempt = first_attempt(options, kind, &files[0], None, files[1].as_bytes());
    }
    let maybe_directory =
        matches!(attempt, Attempt::NotTried | Attempt::Done(Err(Errno::EEXIST | Errno::ENOTDIR | Errno::EINVAL)));
    if maybe_directory {
        let dir = options.target_directory.as_deref().unwrap_or(&files[files.len() - 1]);
        match open_directory(dir, options.dereference_dest_dir_symlinks) {
            Ok(fd) => {
                let sources = match options.target_directory {
                    Some(_) => &files[..],
                    None => &files[..files.len() - 1],
                };
                return Ok(Plan::IntoDirectory { dir, fd: Some(fd), sources });
            }
            Err(err) if !one_link => return Err(Error::io(format!("target {}", quote_name(dir)), &err)),
            Err(_) => {}
        }
    }
    Ok(Plan::OneLink { source: &files[0], dest: &files[1], attempt })
}

/// A handle on the directory (O_PATH: no read permission needed), not
/// following a final symlink under `-n`.
fn open_directory(dir: &OsStr, follow_symlink: bool) -> std::io::Result<File> {
    let mut flags = nix::libc::O_PATH | nix::libc::O_DIRECTORY;
    if !follow_symlink {
        flags |= nix::libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new().read(true).custom_flags(flags).open(dir)
}

/// GNU's `atomic_link`: the plain link, when nothing needs checking first
/// (`-r` needs the relative name computed, so it waits).
fn first_attempt(options: &Options, kind: LinkKind, source: &OsStr, dir: Dir, dest: &[u8]) -> Attempt {
    match kind {
        LinkKind::Symbolic if options.relative => Attempt::NotTried,
        _ => Attempt::Done(make_link(kind, source, dir, dest)),
    }
}

/// A destination: its last part `base` in `dir`, and its `full` name for
/// messages.
#[derive(Clone, Copy)]
struct LinkName<'n> {
    dir: Dir,
    base: &'n [u8],
    full: &'n [u8],
}

/// What [`Linker::existing_name`] decided.
enum ExistingName {
    /// Nothing to replace (or no permission to): just link.
    Absent,
    /// Replace it, giving the old file this backup name first.
    Replace { backup: Option<OsString> },
    /// Leave it; `linked` is the outcome to count (a declined question
    /// counts as success in GNU 9.1).
    Keep { linked: bool },
}

/// The state one run of ln carries from link to link.
struct Linker<'a> {
    options: &'a Options,
    kind: LinkKind,
    backups: Backups,
    /// Hard links made so far (name, device, inode), when GNU guards them.
    just_created: Option<HashSet<(Vec<u8>, u64, u64)>>,
    temps: TempNames,
    out: &'a mut Output,
    /// A flush before a message failed (reported at the end).
    stdout_failed: bool,
}

impl Linker<'_> {
    /// Each source linked under its last component in `dir` (open as
    /// `fd`), GNU's naming: `ln a d//` makes `d/a`.
    fn link_into(&mut self, dir: &OsStr, fd: Dir, sources: &[OsString]) -> Result<bool, Error> {
        // GNU's guard against `ln -f a/f b/f c` replacing the c/f it has
        // just made: remember each hard link made.
        if sources.len() >= 2
            && self.options.existing == Existing::Replace
            && !self.options.symbolic
            && self.backups.kind != BackupType::Numbered
        {
            self.just_created = Some(HashSet::new());
        }
        let mut all_linked = true;
        let mut dest = directory_prefix(dir.as_bytes());
        let base_offset = dest.len();
        for source in sources {
            let base = last_component(source.as_bytes());
            let base = &base[..base_len(base)];
            dest.truncate(base_offset);
            dest.extend_from_slice(base);
            all_linked &= self.link(source, fd, &dest[base_offset..], &dest, Attempt::NotTried)?;
        }
        Ok(all_linked)
    }

    /// GNU's `do_link`: one link `dest` (`dest_base` in `dir`) to `source`.
    /// `Ok(false)`: this one failed and was reported; `Err`: fatal.
    fn link(&mut self, source: &OsStr, dir: Dir, dest_base: &[u8], dest: &[u8], attempt: Attempt) -> Result<bool, Error> {
        let options = self.options;
        let attempt = match attempt {
            Attempt::NotTried => first_attempt(options, self.kind, source, dir, dest_base),
            tried => tried,
        };
        let mut source_stats = None;
        if (attempt != Attempt::Done(Ok(())) || self.just_created.is_some()) && !options.symbolic {
            let flags = if options.logical { AtFlags::empty() } else { AtFlags::AT_SYMLINK_NOFOLLOW };
            match fstatat(None, source, flags) {
                Ok(stats) => source_stats = Some(stats),
                Err(err) => {
                    self.warn(format!("failed to access {}: {}", quote_name(source), describe_errno(err as i32)));
                    return Ok(false);
                }
            }
        }
        // The name the link holds: SOURCE, or with -r its relative form.
        let mut target = Cow::Borrowed(source);
        let mut backup_name = None;
        let result = match attempt {
            Attempt::Done(Ok(())) => Ok(false),
            Attempt::NotTried | Attempt::Done(Err(_)) => {
                if !options.symbolic && !options.hard_dir_link && source_stats.is_some_and(is_directory) {
                    self.warn(format!("{}: hard link not allowed for directory", quote_name_if_needed(source)));
                    return Ok(false);
                }
                if options.relative {
                    match relative::relative_target(source, OsStr::from_bytes(dest)) {
                        Ok(relative) => target = Cow::Owned(relative),
                        Err(Some(message)) => self.warn(message.to_string()),
                        Err(None) => {}
                    }
                }
                let existing = LinkName { dir, base: dest_base, full: dest };
                let replace_existing = match self.existing_name(existing, &target, source_stats, attempt)? {
                    ExistingName::Absent => false,
                    ExistingName::Replace { backup } => {
                        backup_name = backup;
                        true
                    }
                    ExistingName::Keep { linked } => return Ok(linked),
                };
                self.force_link(&target, dir, dest_base, dest, attempt, replace_existing, backup_name.as_deref())
            }
        };
        match result {
            Ok(backed_up) => {
                if !backed_up {
                    backup_name = None;
                }
                if let (Some(seen), Some(stats)) = (&mut self.just_created, source_stats) {
                    seen.insert((dest.to_vec(), stats.st_dev, stats.st_ino));
                }
                if options.verbose {
                    self.print_linked(backup_name.as_deref(), dest, &target)?;
                }
                Ok(true)
            }
            Err(ReplaceError::Link(err)) => {
                self.report_link_error(err, dest, &target);
                Ok(false)
            }
            Err(ReplaceError::Backup(err)) => {
                self.warn(format!("cannot backup {}: {}", show(dest), describe_errno(err as i32)));
                Ok(false)
            }
            Err(ReplaceError::Unbackup(err, unbackup)) => {
                self.report_link_error(err, dest, &target);
                self.warn(format!("cannot un-backup {}: {}", show(dest), describe_errno(unbackup as i32)));
                Ok(false)
            }
        }
    }

    /// What to do about a `dest` that may exist, when -f, -i or backups
    /// say it may be replaced: GNU's checks, the question, the backup name.
    fn existing_name(
        &mut self,
        dest: LinkName,
        target: &OsStr,
        source_stats: Option<FileStat>,
        attempt: Attempt,
    ) -> Result<ExistingName, Error> {
        let options = self.options;
        if options.existing == Existing::Refuse && !self.backups.enabled() {
            return Ok(ExistingName::Absent);
        }
        let dest_stats = match fstatat(dest.dir, OsStr::from_bytes(dest.base), AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(stats) => stats,
            Err(Errno::ENOENT) => return Ok(ExistingName::Absent),
            Err(err) => {
                self.warn(format!("failed to access {}: {}", show(dest.full), describe_errno(err as i32)));
                return Ok(ExistingName::Keep { linked: false });
            }
        };
        if !self.may_replace(target, source_stats, dest, &dest_stats)? {
            return Ok(ExistingName::Keep { linked: false });
        }
        let mut backup = None;
        if matches!(attempt, Attempt::NotTried | Attempt::Done(Err(Errno::EEXIST))) {
            if options.existing == Existing::Ask && !ask_replace(dest.full) {
                // GNU 9.1 counts a "no" as success.
                return Ok(ExistingName::Keep { linked: true });
            }
            if self.backups.enabled() {
                backup = Some(self.backups.name_for(OsStr::from_bytes(dest.full)));
            }
        }
        Ok(ExistingName::Replace { backup })
    }

    /// GNU's checks before replacing the existing `dest`: not a directory,
    /// not a link this run just made, not `source` itself.
    fn may_replace(
        &mut self,
        source: &OsStr,
        source_stats: Option<FileStat>,
        dest_name: LinkName,
        dest_stats: &FileStat,
    ) -> Result<bool, Error> {
        let dest = dest_name.full;
        if is_directory(*dest_stats) {
            self.warn(format!("{}: cannot overwrite directory", quote_name_if_needed(OsStr::from_bytes(dest))));
            return Ok(false);
        }
        let seen = (dest.to_vec(), dest_stats.st_dev, dest_stats.st_ino);
        if self.just_created.as_ref().is_some_and(|set| set.contains(&seen)) {
            self.warn(format!("will not overwrite just-created {} with {}", show(dest), quote_name(source)));
            return Ok(false);
        }
        // Replacing DEST must not remove SOURCE: with backups that matters
        // for hard links only (the backup keeps a symlink's DEST), else
        // for -f.
        let check = match self.backups.enabled() {
            true => !self.options.symbolic,
            false => self.options.existing == Existing::Replace,
        };
        if check {
            let source_stats = source_stats.or_else(|| nix::sys::stat::stat(source).ok());
            if let Some(source_stats) = source_stats
                && source_stats.st_dev == dest_stats.st_dev
                && source_stats.st_ino == dest_stats.st_ino
                && (source_stats.st_nlink == 1 || same_name(source, dest_name.dir, dest_name.base)?)
            {
                self.warn(format!("{} and {} are the same file", quote_name(source), show(dest)));
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// gnulib's `force_linkat`/`force_symlinkat`, made atomic: try the link
    /// unless tried already; if the name exists and may be replaced, put a
    /// new link over it (with the backup made on the way). `Ok(true)`: a
    /// backup was made.
    #[allow(clippy::too_many_arguments)]
    fn force_link(
        &mut self,
        target: &OsStr,
        dir: Dir,
        dest_base: &[u8],
        dest: &[u8],
        attempt: Attempt,
        replace_existing: bool,
        backup_name: Option<&OsStr>,
    ) -> Result<bool, ReplaceError> {
        let backup = backup_name.map(|full| &full.as_bytes()[dest.len() - dest_base.len()..]);
        let tried = match (attempt, backup) {
            // The old file must get its backup name first.
            (_, Some(_)) => Err(Errno::EEXIST),
            (Attempt::NotTried, None) => make_link(self.kind, target, dir, dest_base),
            (Attempt::Done(result), None) => result,
        };
        match tried {
            Err(Errno::EEXIST) if replace_existing => {
                replace(&mut self.temps, self.kind, target, dir, dest_base, backup)
            }
            other => other.map(|()| false).map_err(ReplaceError::Link),
        }
    }

    /// GNU's `error()` flushes stdout first, so `-v` lines and messages
    /// keep their order in a shared stream.
    fn warn(&mut self, message: String) {
        // A failing stdout is reported when it is finished.
        if self.out.flush().is_err() {
            self.stdout_failed = true;
        }
        warn(message);
    }

    /// `-v`: `'b~' ~ 'b' => 'a'` (hard), `'b' -> 'a'` (symbolic).
    fn print_linked(&mut self, backup: Option<&OsStr>, dest: &[u8], target: &OsStr) -> Result<(), Error> {
        if let Some(backup) = backup {
            write!(self.out, "{} ~ ", quote_name(backup))?;
        }
        let arrow = if self.options.symbolic { '-' } else { '=' };
        writeln!(self.out, "{} {arrow}> {}", show(dest), quote_name(target))
    }

    /// GNU's wording, which depends on the error.
    fn report_link_error(&mut self, err: Errno, dest: &[u8], target: &OsStr) {
        let why = describe_errno(err as i32);
        let message = match self.options.symbolic {
            true if err != Errno::ENAMETOOLONG && !target.is_empty() => {
                format!("failed to create symbolic link {}", show(dest))
            }
            true => format!("failed to create symbolic link {} -> {}", show(dest), quote_name(target)),
            false => match err {
                Errno::EMLINK => format!("failed to create hard link to {}", quote_name(target)),
                Errno::EDQUOT | Errno::EEXIST | Errno::ENOSPC | Errno::EROFS => {
                    format!("failed to create hard link {}", show(dest))
                }
                _ => format!("failed to create hard link {} => {}", show(dest), quote_name(target)),
            },
        };
        self.warn(format!("{message}: {why}"));
    }
}

/// A file name in a message, quoted as GNU's `quoteaf`.
fn show(name: &[u8]) -> String {
    quote_name(OsStr::from_bytes(name))
}

fn is_directory(stats: FileStat) -> bool {
    SFlag::from_bits_truncate(stats.st_mode & SFlag::S_IFMT.bits()) == SFlag::S_IFDIR
}

/// gnulib `same_nameat`: the same last component in the same directory
/// (compared by device and inode, without following a final symlink). Not
/// being able to look at a directory is fatal there, hence `Err`.
fn same_name(source: &OsStr, dest_dir: Dir, dest: &[u8]) -> Result<bool, Error> {
    let source = source.as_bytes();
    let base = |name: &[u8]| -> Vec<u8> { without_trailing_slashes(last_component(name)).to_vec() };
    if base(source) != base(dest) {
        return Ok(false);
    }
    let dir_stats = |dir: Dir, name: &[u8]| -> Result<FileStat, Error> {
        let parent = dir_name(name);
        fstatat(dir, OsStr::from_bytes(&parent), AtFlags::AT_SYMLINK_NOFOLLOW).map_err(|err| {
            Error::new(format!(
                "{}: {}",
                quote_name_if_needed(OsStr::from_bytes(&parent)),
                describe_errno(err as i32)
            ))
        })
    };
    let source_dir = dir_stats(None, source)?;
    let dest_dir = dir_stats(dest_dir, dest)?;
    Ok(source_dir.st_dev == dest_dir.st_dev && source_dir.st_ino == dest_dir.st_ino)
}

/// `ln: replace 'b'? ` on stderr, and GNU's `yesno`: a line from stdin
/// starting with `y` or `Y` (the C locale's yes) means yes.
fn ask_replace(dest: &[u8]) -> bool {
    let mut prompt = program_name().as_bytes().to_vec();
    prompt.extend_from_slice(format!(": replace {}? ", show(dest)).as_bytes());
    write_stderr(&prompt);
    let answer = read_line_unbuffered();
    matches!(answer.first(), Some(b'y' | b'Y'))
}

/// One line from stdin, read a byte at a time so that nothing after it is
/// consumed: a script's next command reads on from there (GNU gets the same
/// effect on a regular file by seeking back at exit).
fn read_line_unbuffered() -> Vec<u8> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match nix::unistd::read(0, &mut byte) {
            Ok(1) if byte[0] != b'\n' => line.push(byte[0]),
            Err(Errno::EINTR) => continue,
            _ => return line,
        }
    }
}
