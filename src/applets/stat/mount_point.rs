//! `%m`, the mount point of a file, found as GNU stat finds it: a bind
//! mount whose source is the file itself first, else the topmost directory
//! above it on the same device (gnulib's `find_mount_point`, which walks up
//! with chdir("..") and reads getcwd at the top).

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;

use nix::libc;
use nix::unistd::{chdir, fchdir, getcwd};

use super::sink::Sink;
use crate::common::errno;
use crate::common::error::Error;
use crate::common::quote::quote_name;

/// One line of /proc/self/mountinfo, as much of it as `%m` needs.
struct Mount {
    source: Vec<u8>,
    target: Vec<u8>,
    /// gnulib's `me_dummy`: a pseudo file system (proc, sysfs, "none", ...).
    dummy: bool,
}

/// The mount table, read the first time a bind mount is looked for.
#[derive(Default)]
pub struct MountPoints {
    table: Option<Vec<Mount>>,
}

impl MountPoints {
    /// The mount point of `name` (whose status is `is_dir`, `is_symlink`),
    /// or `None` after saying why (GNU then prints `?` and fails).
    pub fn find(
        &mut self,
        sink: &mut Sink,
        name: &OsStr,
        is_dir: bool,
        is_symlink: bool,
        follow_links: bool,
    ) -> Result<Option<Vec<u8>>, Error> {
        if follow_links || !is_symlink {
            let resolved = match fs::canonicalize(name) {
                Ok(resolved) => resolved,
                Err(err) => {
                    let words = errno::describe(&err);
                    sink.warn(format!("failed to canonicalize {}: {words}", quote_name(name)))?;
                    return Ok(None);
                }
            };
            if let Some(source) = self.bind_mount_source(sink, resolved.as_os_str().as_bytes())? {
                return Ok(Some(source));
            }
        }
        match topmost_directory_on_device(sink, name, is_dir)? {
            Some(mount_point) => {
                Ok(Some(self.bind_mount_source(sink, &mount_point)?.unwrap_or(mount_point)))
            }
            None => Ok(None),
        }
    }

    /// GNU's `find_bind_mount`: the source of a pseudo-file-system mount at
    /// `path` whose source is a path to the same inode.
    fn bind_mount_source(&mut self, sink: &mut Sink, path: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        if self.table.is_none() {
            let table = match fs::read("/proc/self/mountinfo") {
                Ok(text) => parse_mountinfo(&text),
                Err(err) => {
                    let words = errno::describe(&err);
                    sink.warn(format!("cannot read table of mounted file systems: {words}"))?;
                    Vec::new()
                }
            };
            self.table = Some(table);
        }
        let Ok(target) = fs::metadata(OsStr::from_bytes(path)) else { return Ok(None) };
        let table = self.table.as_deref().unwrap_or_default();
        let found = table.iter().find(|mount| {
            mount.dummy
                && mount.source.first() == Some(&b'/')
                && mount.target == path
                && fs::metadata(OsStr::from_bytes(&mount.source))
                    .is_ok_and(|source| source.dev() == target.dev() && source.ino() == target.ino())
        });
        Ok(found.map(|mount| mount.source.clone()))
    }
}

/// mountinfo fields: id, parent, dev, root, mount point, options, optional
/// fields up to "-", then type, source, super options.
fn parse_mountinfo(text: &[u8]) -> Vec<Mount> {
    text.split(|&b| b == b'\n')
        .filter_map(|line| {
            let fields: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
            let target = fields.get(4)?;
            let dash = fields.iter().position(|field| *field == b"-")?;
            let fs_type = unescape(fields.get(dash + 1)?);
            let source = unescape(fields.get(dash + 2)?);
            Some(Mount { dummy: is_dummy(&fs_type), source, target: unescape(target) })
        })
        .collect()
}

/// gnulib's ME_DUMMY list in coreutils 9.1.
fn is_dummy(fs_type: &[u8]) -> bool {
    matches!(
        fs_type,
        b"autofs"
            | b"proc"
            | b"subfs"
            | b"debugfs"
            | b"devpts"
            | b"fusectl"
            | b"fuse.portal"
            | b"mqueue"
            | b"rpc_pipefs"
            | b"sysfs"
            | b"devfs"
            | b"kernfs"
            | b"ignore"
            | b"none"
    )
}

/// The kernel writes space, tab, newline and backslash as `\ooo`.
fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let octal = field.get(i + 1..i + 4).filter(|digits| {
            (b'0'..=b'3').contains(&digits[0]) && digits[1..].iter().all(|d| (b'0'..=b'7').contains(d))
        });
        match (field[i], octal) {
            (b'\\', Some(digits)) => {
                out.push(digits.iter().fold(0u8, |value, d| (value << 3) | (d - b'0')));
                i += 4;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// gnulib's `find_mount_point`: from the directory (or the directory of
/// the file), go up while `..` is on the same device and not the same
/// directory; the answer is getcwd there. The working directory is
/// restored after.
fn topmost_directory_on_device(sink: &mut Sink, name: &OsStr, is_dir: bool) -> Result<Option<Vec<u8>>, Error> {
    // O_PATH: a directory we may not read is still one to come back to.
    let saved = fs::OpenOptions::new().read(true).custom_flags(libc::O_PATH | libc::O_DIRECTORY).open(".");
    let saved = match saved {
        Ok(dir) => dir,
        Err(err) => {
            sink.warn(format!("cannot get current directory: {}", errno::describe(&err)))?;
            return Ok(None);
        }
    };
    let found = climb(sink, name, is_dir);
    restore(&saved)?;
    found
}

fn climb(sink: &mut Sink, name: &OsStr, is_dir: bool) -> Result<Option<Vec<u8>>, Error> {
    let start: OsString = if is_dir { name.to_os_string() } else { dir_name(name.as_bytes()) };
    if let Err(errno) = chdir(start.as_os_str()) {
        let words = errno::describe(&errno.into());
        sink.warn(format!("cannot change to directory {}: {words}", quote_name(&start)))?;
        return Ok(None);
    }
    let mut last = match fs::metadata(".") {
        Ok(last) => last,
        Err(err) => {
            let words = errno::describe(&err);
            sink.warn(format!("cannot stat current directory (now {}): {words}", quote_name(&start)))?;
            return Ok(None);
        }
    };
    loop {
        let parent = match fs::metadata("..") {
            Ok(parent) => parent,
            Err(err) => {
                let words = errno::describe(&err);
                sink.warn(format!("cannot stat {}: {words}", quote_name(OsStr::new(".."))))?;
                return Ok(None);
            }
        };
        if parent.dev() != last.dev() || parent.ino() == last.ino() {
            break;
        }
        if let Err(errno) = chdir("..") {
            let words = errno::describe(&errno.into());
            sink.warn(format!("cannot change to directory {}: {words}", quote_name(OsStr::new(".."))))?;
            return Ok(None);
        }
        last = parent;
    }
    // xgetcwd's failure leaves GNU without a mount point and without a word.
    Ok(getcwd().ok().map(|cwd| cwd.into_os_string().into_vec()))
}

fn restore(saved: &fs::File) -> Result<(), Error> {
    fchdir(saved.as_raw_fd()).map_err(|errno| {
        Error::io("failed to return to initial working directory", &std::io::Error::from(errno))
    })
}

/// gnulib's `dir_name`: the file name without its last component and the
/// slashes before it; "." when nothing is left, "/" for a name in the root.
fn dir_name(name: &[u8]) -> OsString {
    let leading_slashes = name.iter().take_while(|&&b| b == b'/').count();
    // The start of the last component (trailing slashes belong to it).
    let mut base = leading_slashes;
    let mut after_slash = false;
    for (i, &byte) in name.iter().enumerate().skip(leading_slashes) {
        if byte == b'/' {
            after_slash = true;
        } else if after_slash {
            base = i;
            after_slash = false;
        }
    }
    let prefix = usize::from(leading_slashes > 0);
    let mut len = base;
    while prefix < len && name[len - 1] == b'/' {
        len -= 1;
    }
    if len == 0 { OsString::from(".") } else { OsStr::from_bytes(&name[..len]).to_os_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_name_as_gnulib() {
        let d = |name: &str| dir_name(name.as_bytes()).into_string().unwrap();
        assert_eq!(d("a/b"), "a");
        assert_eq!(d("a"), ".");
        assert_eq!(d("/a"), "/");
        assert_eq!(d("//a"), "/");
        assert_eq!(d("a/b/"), "a");
        assert_eq!(d("a//b"), "a");
        assert_eq!(d("/"), "/");
        assert_eq!(d("x/./y"), "x/.");
    }

    #[test]
    fn mountinfo_lines() {
        let text = b"22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n\
                     30 22 0:5 / /a\\040b rw - none /src\\134x rw\n";
        let table = parse_mountinfo(text);
        assert_eq!(table.len(), 2);
        assert_eq!(table[0].target, b"/");
        assert!(!table[0].dummy);
        assert_eq!(table[1].target, b"/a b");
        assert_eq!(table[1].source, b"/src\\x");
        assert!(table[1].dummy);
    }
}
