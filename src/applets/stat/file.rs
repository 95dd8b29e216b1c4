//! File status through statx(2) (birth time included) and the file
//! directives.

use std::collections::HashMap;
use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;

use nix::libc;

use super::format::Directive;
use super::mount_point::MountPoints;
use super::sink::Sink;
use super::time::human_time;
use crate::common::errno;
use crate::common::error::Error;
use crate::common::quote::{Style, quote_as, quote_name};
use crate::common::users::{group_name, user_name};

/// `--cached`: how statx may use attributes a remote file system cached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cached {
    #[default]
    Default,
    Never,
    Always,
}

pub struct FileStatus {
    raw: libc::statx,
}

/// What statx must fill in for a directive letter (GNU's `fmt_to_mask`).
pub fn statx_mask(letter: u8) -> u32 {
    match letter {
        b'N' | b'd' | b'D' | b'a' | b'A' | b't' | b'T' => libc::STATX_MODE,
        b'i' => libc::STATX_INO,
        b'f' => libc::STATX_MODE | libc::STATX_TYPE,
        b'F' => libc::STATX_TYPE,
        b'h' => libc::STATX_NLINK,
        b'u' | b'U' => libc::STATX_UID,
        b'g' | b'G' => libc::STATX_GID,
        b'm' => libc::STATX_MODE | libc::STATX_INO,
        b's' => libc::STATX_SIZE,
        b'b' => libc::STATX_BLOCKS,
        b'w' | b'W' => libc::STATX_BTIME,
        b'x' | b'X' => libc::STATX_ATIME,
        b'y' | b'Y' => libc::STATX_MTIME,
        b'z' | b'Z' => libc::STATX_CTIME,
        _ => 0,
    }
}

/// glibc's (and musl's) `makedev`.
fn device_number(major: u32, minor: u32) -> u64 {
    let (major, minor) = (u64::from(major), u64::from(minor));
    ((major & 0xffff_f000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffff_ff00) << 12) | (minor & 0xff)
}

impl FileStatus {
    /// statx of `name`, or of standard input for `-` (GNU's fstat of fd 0).
    pub fn query(name: &OsStr, follow_links: bool, cached: Cached, mask: u32) -> io::Result<FileStatus> {
        let stdin = name.as_bytes() == b"-";
        let (dir_fd, path, mut flags) = if stdin {
            (0, CString::default(), libc::AT_EMPTY_PATH)
        } else {
            let path = CString::new(name.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::ENOENT))?;
            (libc::AT_FDCWD, path, if follow_links { 0 } else { libc::AT_SYMLINK_NOFOLLOW })
        };
        flags |= match cached {
            Cached::Always => libc::AT_STATX_DONT_SYNC,
            Cached::Never => libc::AT_STATX_FORCE_SYNC,
            Cached::Default => 0,
        };
        if cached != Cached::Never {
            flags |= libc::AT_NO_AUTOMOUNT;
        }
        // SAFETY: an all-zero statx is a valid value to be filled in.
        let mut raw: libc::statx = unsafe { std::mem::zeroed() };
        // SAFETY: `path` is NUL-terminated and `raw` is a live statx.
        if unsafe { libc::statx(dir_fd, path.as_ptr(), flags, mask, &mut raw) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(FileStatus { raw })
    }

    fn mode(&self) -> u32 {
        u32::from(self.raw.stx_mode)
    }

    fn file_type(&self) -> u32 {
        self.mode() & libc::S_IFMT
    }

    pub fn is_device(&self) -> bool {
        matches!(self.file_type(), libc::S_IFCHR | libc::S_IFBLK)
    }

    fn is_symlink(&self) -> bool {
        self.file_type() == libc::S_IFLNK
    }

    fn device(&self) -> u64 {
        device_number(self.raw.stx_dev_major, self.raw.stx_dev_minor)
    }

    fn represented_device(&self) -> u64 {
        device_number(self.raw.stx_rdev_major, self.raw.stx_rdev_minor)
    }

    fn birth(&self) -> Option<(i64, u32)> {
        (self.raw.stx_mask & libc::STATX_BTIME != 0).then_some((self.raw.stx_btime.tv_sec, self.raw.stx_btime.tv_nsec))
    }

    /// gnulib's `ST_BLKSIZE`: an implausible st_blksize counts as 512.
    fn io_block_size(&self) -> u64 {
        match u64::from(self.raw.stx_blksize) {
            0 => 512,
            size if size > (usize::MAX / 8 + 1) as u64 => 512,
            size => size,
        }
    }
}

/// gnulib's `filemodestring`, the ten characters `%A` shows.
fn mode_string(mode: u32) -> [u8; 10] {
    let kind = match mode & libc::S_IFMT {
        libc::S_IFREG => b'-',
        libc::S_IFDIR => b'd',
        libc::S_IFCHR => b'c',
        libc::S_IFBLK => b'b',
        libc::S_IFLNK => b'l',
        libc::S_IFIFO => b'p',
        libc::S_IFSOCK => b's',
        _ => b'?',
    };
    let bit = |mask: u32, letter: u8| if mode & mask != 0 { letter } else { b'-' };
    let special = |exec: u32, special: u32, set: u8, unset: u8| match (mode & exec != 0, mode & special != 0) {
        (true, true) => set,
        (false, true) => unset,
        (true, false) => b'x',
        (false, false) => b'-',
    };
    [
        kind,
        bit(0o400, b'r'),
        bit(0o200, b'w'),
        special(0o100, 0o4000, b's', b'S'),
        bit(0o040, b'r'),
        bit(0o020, b'w'),
        special(0o010, 0o2000, b's', b'S'),
        bit(0o004, b'r'),
        bit(0o002, b'w'),
        special(0o001, 0o1000, b't', b'T'),
    ]
}

/// gnulib's `file_type` words, `%F`.
fn type_words(status: &FileStatus) -> &'static str {
    match status.file_type() {
        libc::S_IFREG if status.raw.stx_size == 0 => "regular empty file",
        libc::S_IFREG => "regular file",
        libc::S_IFDIR => "directory",
        libc::S_IFLNK => "symbolic link",
        libc::S_IFBLK => "block special file",
        libc::S_IFCHR => "character special file",
        libc::S_IFIFO => "fifo",
        libc::S_IFSOCK => "socket",
        _ => "weird file",
    }
}

/// What the file directives need besides the file: options and the
/// lookups worth keeping from one file to the next.
pub struct FilePrinter {
    pub follow_links: bool,
    /// `%N`'s quoting: literal unless a FORMAT with `%N` let QUOTING_STYLE
    /// choose (GNU's `getenv_quoting_style`).
    pub quoting: Style,
    user_names: HashMap<u32, Option<OsString>>,
    group_names: HashMap<u32, Option<OsString>>,
    mount_points: MountPoints,
    scratch: Vec<u8>,
}

impl FilePrinter {
    pub fn new(follow_links: bool, quoting: Style) -> FilePrinter {
        FilePrinter {
            follow_links,
            quoting,
            user_names: HashMap::new(),
            group_names: HashMap::new(),
            mount_points: MountPoints::default(),
            scratch: Vec::new(),
        }
    }

    /// One directive into the sink's line; `Ok(false)` when it failed
    /// (after saying why), which makes stat's exit status 1.
    pub fn render(
        &mut self,
        sink: &mut Sink,
        directive: &Directive,
        status: &FileStatus,
        name: &OsStr,
    ) -> Result<bool, Error> {
        let spec = &directive.spec;
        let raw = &status.raw;
        let out = &mut sink.line;
        match (directive.letter, directive.modifier) {
            (b'n', _) => spec.string(out, name.as_bytes()),
            (b'N', _) => return self.quoted_name(sink, directive, status, name),
            (b'd', Some(b'H')) => spec.unsigned(out, raw.stx_dev_major.into()),
            (b'd', Some(_)) => spec.unsigned(out, raw.stx_dev_minor.into()),
            (b'd', None) => spec.unsigned(out, status.device()),
            (b'D', _) => spec.hex(out, status.device()),
            (b'i', _) => spec.unsigned(out, raw.stx_ino),
            (b'a', _) => spec.octal(out, u64::from(status.mode() & 0o7777)),
            (b'A', _) => spec.string(out, &mode_string(status.mode())),
            (b'f', _) => spec.hex(out, status.mode().into()),
            (b'F', _) => spec.string(out, type_words(status).as_bytes()),
            (b'h', _) => spec.unsigned(out, raw.stx_nlink.into()),
            (b'u', _) => spec.unsigned(out, raw.stx_uid.into()),
            (b'U', _) => {
                let name = self.user_names.entry(raw.stx_uid).or_insert_with(|| user_name(raw.stx_uid));
                spec.string(out, name.as_deref().map_or(b"UNKNOWN", |n| n.as_bytes()));
            }
            (b'g', _) => spec.unsigned(out, raw.stx_gid.into()),
            (b'G', _) => {
                let name = self.group_names.entry(raw.stx_gid).or_insert_with(|| group_name(raw.stx_gid));
                spec.string(out, name.as_deref().map_or(b"UNKNOWN", |n| n.as_bytes()));
            }
            (b'm', _) => {
                let is_dir = status.file_type() == libc::S_IFDIR;
                let found =
                    self.mount_points.find(sink, name, is_dir, status.is_symlink(), self.follow_links)?;
                spec.string(&mut sink.line, found.as_deref().unwrap_or(b"?"));
                return Ok(found.is_some());
            }
            // coreutils 9.1 prints the size through intmax_t (later
            // versions as unsigned, without `+` and space flags).
            (b's', _) => spec.signed(out, raw.stx_size as i64),
            (b'r', Some(b'H')) => spec.unsigned(out, raw.stx_rdev_major.into()),
            (b'r', Some(_)) => spec.unsigned(out, raw.stx_rdev_minor.into()),
            (b'r', None) => spec.unsigned(out, status.represented_device()),
            (b'R', _) => spec.hex(out, status.represented_device()),
            (b't', _) => spec.hex(out, raw.stx_rdev_major.into()),
            (b'T', _) => spec.hex(out, raw.stx_rdev_minor.into()),
            // st_blocks counts 512-byte units on Linux.
            (b'B', _) => spec.unsigned(out, 512),
            (b'b', _) => spec.unsigned(out, raw.stx_blocks),
            (b'o', _) => spec.unsigned(out, status.io_block_size()),
            (b'w', _) => match status.birth() {
                Some((seconds, nanoseconds)) => self.time(out, directive, seconds, nanoseconds),
                None => spec.string(out, b"-"),
            },
            (b'W', _) => {
                let (seconds, nanoseconds) = status.birth().unwrap_or((0, 0));
                spec.epoch_seconds(out, seconds, nanoseconds);
            }
            (b'x', _) => self.time(out, directive, raw.stx_atime.tv_sec, raw.stx_atime.tv_nsec),
            (b'X', _) => spec.epoch_seconds(out, raw.stx_atime.tv_sec, raw.stx_atime.tv_nsec),
            (b'y', _) => self.time(out, directive, raw.stx_mtime.tv_sec, raw.stx_mtime.tv_nsec),
            (b'Y', _) => spec.epoch_seconds(out, raw.stx_mtime.tv_sec, raw.stx_mtime.tv_nsec),
            (b'z', _) => self.time(out, directive, raw.stx_ctime.tv_sec, raw.stx_ctime.tv_nsec),
            (b'Z', _) => spec.epoch_seconds(out, raw.stx_ctime.tv_sec, raw.stx_ctime.tv_nsec),
            (b'C', _) => return self.security_context(sink, directive, name),
            _ => out.push(b'?'),
        }
        Ok(true)
    }

    fn time(&mut self, out: &mut Vec<u8>, directive: &Directive, seconds: i64, nanoseconds: u32) {
        self.scratch.clear();
        human_time(&mut self.scratch, seconds, nanoseconds);
        directive.spec.string(out, &self.scratch);
    }

    /// `%N`: the quoted name, and ` -> ` the quoted target of a link.
    fn quoted_name(
        &mut self,
        sink: &mut Sink,
        directive: &Directive,
        status: &FileStatus,
        name: &OsStr,
    ) -> Result<bool, Error> {
        let spec = &directive.spec;
        spec.string(&mut sink.line, &quote_as(name.as_bytes(), self.quoting, false));
        if status.is_symlink() {
            match std::fs::read_link(name) {
                Ok(target) => {
                    sink.line.extend_from_slice(b" -> ");
                    spec.string(&mut sink.line, &quote_as(target.as_os_str().as_bytes(), self.quoting, false));
                    // GNU filters the flags of the one format buffer in
                    // place twice; when that dropped exactly one flag, the
                    // second pass leaves "%...ss" and an `s` follows.
                    if spec.dropped_string_flags == 1 && !spec.overflow {
                        sink.line.push(b's');
                    }
                }
                Err(err) => {
                    let words = errno::describe(&err);
                    sink.warn(format!("cannot read symbolic link {}: {words}", quote_name(name)))?;
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// `%C`: the SELinux context (the security.selinux attribute, as
    /// libselinux's getfilecon reads it), or `?` after saying why not.
    fn security_context(&mut self, sink: &mut Sink, directive: &Directive, name: &OsStr) -> Result<bool, Error> {
        let context = read_security_context(name, self.follow_links);
        let ok = match &context {
            Ok(_) => true,
            Err(err) => {
                let words = errno::describe(err);
                sink.warn(format!("failed to get security context of {}: {words}", quote_name(name)))?;
                false
            }
        };
        let text = context.as_deref().unwrap_or(b"?");
        directive.spec.string(&mut sink.line, text);
        Ok(ok)
    }
}

fn read_security_context(name: &OsStr, follow_links: bool) -> io::Result<Vec<u8>> {
    let path = CString::new(name.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::ENOENT))?;
    let attribute = c"security.selinux";
    let mut value = vec![0u8; 256];
    loop {
        // SAFETY: `path` and `attribute` are NUL-terminated; the buffer's
        // length is passed.
        let len = unsafe {
            let call = if follow_links { libc::getxattr } else { libc::lgetxattr };
            call(path.as_ptr(), attribute.as_ptr(), value.as_mut_ptr().cast(), value.len())
        };
        if len >= 0 {
            value.truncate(len as usize);
            // The attribute ends in a NUL that is not part of the context;
            // libselinux reports an empty one as unsupported.
            if value.last() == Some(&0) {
                value.pop();
            }
            if value.is_empty() {
                return Err(io::Error::from_raw_os_error(libc::ENOTSUP));
            }
            return Ok(value);
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::ERANGE) || value.len() > 1 << 16 {
            return Err(err);
        }
        value.resize(value.len() * 4, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_strings() {
        assert_eq!(&mode_string(libc::S_IFREG | 0o644), b"-rw-r--r--");
        assert_eq!(&mode_string(libc::S_IFDIR | 0o1777), b"drwxrwxrwt");
        assert_eq!(&mode_string(libc::S_IFREG | 0o6644), b"-rwSr-Sr--");
        assert_eq!(&mode_string(libc::S_IFREG | 0o7755), b"-rwsr-sr-t");
        assert_eq!(&mode_string(libc::S_IFDIR | 0o1770), b"drwxrwx--T");
        assert_eq!(&mode_string(libc::S_IFLNK | 0o777), b"lrwxrwxrwx");
        assert_eq!(&mode_string(0o644), b"?rw-r--r--");
    }

    #[test]
    fn device_numbers_as_glibc() {
        assert_eq!(device_number(254, 0), 0xfe00);
        assert_eq!(device_number(1, 3), 0x103);
        assert_eq!(device_number(0x12345, 0x6789a), 0x0001_2000_6783_459a);
    }
}
