//! Making links, and putting a new link in place of an existing name so
//! that the name never goes missing: the new link is made under a
//! temporary name in the same directory and renamed over the old one
//! (rename(2) is atomic), and a backup is a second name linked to the old
//! file before that rename. A failure leaves the old name as it was and no
//! temporary name behind.

use std::collections::hash_map::RandomState;
use std::ffi::OsStr;
use std::hash::{BuildHasher, Hasher};
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;

use nix::errno::Errno;
use nix::libc;
use nix::fcntl::{AtFlags, renameat};
use nix::unistd::{UnlinkatFlags, linkat, symlinkat, unlinkat};

/// The kind of link to make.
#[derive(Clone, Copy, Debug)]
pub enum LinkKind {
    /// `follow`: link to what a symlink source points to (`-L`).
    Hard { follow: bool },
    Symbolic,
}

/// Where a name lives: `None` is the current directory.
pub type Dir = Option<RawFd>;

fn name(bytes: &[u8]) -> &OsStr {
    OsStr::from_bytes(bytes)
}

/// One link syscall, as GNU makes it (linkat with AT_FDCWD for the source,
/// symlinkat).
pub fn make_link(kind: LinkKind, source: &OsStr, dir: Dir, dest: &[u8]) -> Result<(), Errno> {
    match kind {
        LinkKind::Symbolic => symlinkat(source, dir, name(dest)),
        LinkKind::Hard { follow } => {
            let flags = if follow { AtFlags::AT_SYMLINK_FOLLOW } else { AtFlags::empty() };
            linkat(None, source, dir, name(dest), flags)
        }
    }
}

/// Why a replacement failed.
#[derive(Debug)]
pub enum ReplaceError {
    /// Making the new link (or renaming it into place) failed.
    Link(Errno),
    /// The old file could not be given its backup name.
    Backup(Errno),
    /// The final rename failed after the old file was renamed to its backup
    /// name (a filesystem without hard links or RENAME_EXCHANGE), and
    /// renaming it back failed too: the second errno.
    Unbackup(Errno, Errno),
}

/// Temporary names for the new link: `.ln` and 8 random letters or digits,
/// in the destination's directory.
pub struct TempNames {
    state: u64,
}

impl TempNames {
    pub fn new() -> Self {
        // std seeds RandomState from the OS's random source.
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        TempNames { state: hasher.finish() }
    }

    /// `dest`'s directory part followed by a fresh temporary base name.
    fn next_beside(&mut self, dest: &[u8]) -> Vec<u8> {
        const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        // splitmix64: cheap, and distinct names are all that is needed.
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut bits = self.state;
        bits = (bits ^ (bits >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        bits = (bits ^ (bits >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        bits ^= bits >> 31;
        let dir_len = dest.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
        let mut temp = dest[..dir_len].to_vec();
        temp.extend_from_slice(b".ln");
        for _ in 0..8 {
            temp.push(ALPHABET[(bits % 62) as usize]);
            bits /= 62;
        }
        temp
    }

    /// Makes `make(temp)` succeed under a fresh name beside `dest`.
    fn create(&mut self, dest: &[u8], mut make: impl FnMut(&[u8]) -> Result<(), Errno>) -> Result<Vec<u8>, Errno> {
        // As gnulib's try_tempname: another name on a collision.
        for _ in 0..100 {
            let temp = self.next_beside(dest);
            match make(&temp) {
                Err(Errno::EEXIST) => continue,
                result => return result.map(|()| temp),
            }
        }
        Err(Errno::EEXIST)
    }
}

/// What happened to the old file.
enum OldFile {
    /// No backup wanted, or the old name vanished meanwhile.
    Replaced,
    /// A second name (the backup) links to it.
    LinkedAsBackup,
    /// It was swapped out with RENAME_EXCHANGE and renamed to its backup
    /// name: the new link is already in place.
    ExchangedToBackup,
    /// It was renamed to its backup name (GNU's order): the name is
    /// missing until the new link is renamed in.
    RenamedToBackup,
}

/// Replaces the existing `dest` (in `dir`) with a new link to `source`,
/// first giving the old file the name `backup` (same directory) if asked.
/// `Ok(true)`: a backup was made.
pub fn replace(
    temps: &mut TempNames,
    kind: LinkKind,
    source: &OsStr,
    dir: Dir,
    dest: &[u8],
    backup: Option<&[u8]>,
) -> Result<bool, ReplaceError> {
    let temp = temps.create(dest, |temp| make_link(kind, source, dir, temp)).map_err(ReplaceError::Link)?;
    let discard_temp = |temp: &[u8]| {
        let _ = unlinkat(dir, name(temp), UnlinkatFlags::NoRemoveDir);
    };
    let old = match backup {
        None => OldFile::Replaced,
        Some(backup) => match back_up(temps, dir, dest, backup, &temp) {
            Ok(old) => old,
            Err(err) => {
                discard_temp(&temp);
                return Err(ReplaceError::Backup(err));
            }
        },
    };
    if let OldFile::ExchangedToBackup = old {
        return Ok(true);
    }
    if let Err(err) = renameat(dir, name(&temp), dir, name(dest)) {
        discard_temp(&temp);
        // Undo the backup, so that a failure changes nothing, as GNU's
        // "un-backup" does.
        match (backup, &old) {
            (Some(backup), OldFile::LinkedAsBackup) => {
                let _ = unlinkat(dir, name(backup), UnlinkatFlags::NoRemoveDir);
            }
            (Some(backup), OldFile::RenamedToBackup) => {
                if let Err(unbackup) = renameat(dir, name(backup), dir, name(dest)) {
                    return Err(ReplaceError::Unbackup(err, unbackup));
                }
            }
            _ => {}
        }
        return Err(ReplaceError::Link(err));
    }
    // rename(2) does nothing when both names are already links to the same
    // file (`ln -f a b` with b a hard link of a), leaving the temporary
    // name: remove it, as gnulib's force_linkat does. A new symlink is a
    // new inode, so only hard links can meet this.
    if let LinkKind::Hard { .. } = kind {
        discard_temp(&temp);
    }
    Ok(!matches!(old, OldFile::Replaced))
}

/// Gives the old file at `dest` the name `backup` too, replacing an older
/// backup of that name, without `dest` ever going missing.
fn back_up(temps: &mut TempNames, dir: Dir, dest: &[u8], backup: &[u8], new_link: &[u8]) -> Result<OldFile, Errno> {
    // GNU renames the old file to its backup name, and rename(2) of a
    // file to a name ending in `/` fails so (a suffix like `-S x/`);
    // link(2) would say ENOENT instead.
    if backup.ends_with(b"/") {
        return Err(Errno::ENOTDIR);
    }
    let link_old = |to: &[u8]| linkat(dir, name(dest), dir, name(to), AtFlags::empty());
    match link_old(backup) {
        Ok(()) => Ok(OldFile::LinkedAsBackup),
        // GNU's rename replaces an older backup of that name; so do we, by
        // renaming a fresh link over it.
        Err(Errno::EEXIST) => match temps.create(dest, link_old) {
            Ok(temp) => {
                let renamed = renameat(dir, name(&temp), dir, name(backup));
                // Still there if the old backup was the same file already.
                let _ = unlinkat(dir, name(&temp), UnlinkatFlags::NoRemoveDir);
                renamed.map(|()| OldFile::LinkedAsBackup)
            }
            Err(err) if cannot_link(err) => exchange_to_backup(dir, dest, backup, new_link),
            Err(err) => Err(err),
        },
        // The old name is gone (GNU: no backup then).
        Err(Errno::ENOENT) => Ok(OldFile::Replaced),
        Err(err) if cannot_link(err) => exchange_to_backup(dir, dest, backup, new_link),
        Err(err) => Err(err),
    }
}

/// No second link to this file is allowed: protected_hardlinks, a full
/// link count, a filesystem without hard links.
fn cannot_link(err: Errno) -> bool {
    matches!(err, Errno::EPERM | Errno::EMLINK | Errno::EOPNOTSUPP)
}

/// Swaps the new link in with RENAME_EXCHANGE (both names exist
/// throughout), then renames the old file, now at the temporary name, to
/// its backup name.
fn exchange_to_backup(dir: Dir, dest: &[u8], backup: &[u8], new_link: &[u8]) -> Result<OldFile, Errno> {
    match exchange(dir, new_link, dest) {
        Ok(()) => match renameat(dir, name(new_link), dir, name(backup)) {
            Ok(()) => Ok(OldFile::ExchangedToBackup),
            Err(err) => {
                // Put the old file back; the caller removes the new link.
                let _ = exchange(dir, new_link, dest);
                Err(err)
            }
        },
        // No RENAME_EXCHANGE here: GNU's own order, the only one left.
        Err(Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) => {
            renameat(dir, name(dest), dir, name(backup)).map(|()| OldFile::RenamedToBackup)
        }
        Err(err) => Err(err),
    }
}

/// renameat2(RENAME_EXCHANGE) by its system call: nix wraps it for glibc
/// targets only, and linkbox is usually a static musl binary.
fn exchange(dir: Dir, first: &[u8], second: &[u8]) -> Result<(), Errno> {
    let first = std::ffi::CString::new(first).map_err(|_| Errno::EINVAL)?;
    let second = std::ffi::CString::new(second).map_err(|_| Errno::EINVAL)?;
    let dir = dir.unwrap_or(libc::AT_FDCWD);
    // SAFETY: both names are NUL-terminated and outlive the call; the
    // kernel only reads them.
    let result = unsafe {
        libc::syscall(libc::SYS_renameat2, dir, first.as_ptr(), dir, second.as_ptr(), libc::RENAME_EXCHANGE)
    };
    Errno::result(result).map(drop)
}
