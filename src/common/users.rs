//! User and group names from the system's database (libc's getpwuid_r and
//! friends: /etc/passwd and /etc/group, or NSS where glibc has it), kept as
//! bytes: a name is whatever the database holds, UTF-8 or not.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use nix::libc;

/// The name of user `uid`, if the database has one.
pub fn user_name(uid: u32) -> Option<OsString> {
    lookup(
        // SAFETY: every pointer is to a live value; the buffer's length is passed.
        |entry, buffer, result| unsafe {
            libc::getpwuid_r(uid, entry, buffer.as_mut_ptr(), buffer.len(), result)
        },
        // SAFETY: a found entry's pw_name points into the live buffer.
        |entry: &libc::passwd| unsafe { owned(entry.pw_name) },
    )
}

/// The name of group `gid`, if the database has one.
pub fn group_name(gid: u32) -> Option<OsString> {
    lookup(
        // SAFETY: as in user_name.
        |entry, buffer, result| unsafe {
            libc::getgrgid_r(gid, entry, buffer.as_mut_ptr(), buffer.len(), result)
        },
        // SAFETY: as in user_name.
        |entry: &libc::group| unsafe { owned(entry.gr_name) },
    )
}

/// The uid of the user called `name`.
pub fn user_id(name: &OsStr) -> Option<u32> {
    let name = CString::new(name.as_bytes()).ok()?;
    lookup(
        // SAFETY: as in user_name; `name` is NUL-terminated.
        |entry, buffer, result| unsafe {
            libc::getpwnam_r(name.as_ptr(), entry, buffer.as_mut_ptr(), buffer.len(), result)
        },
        |entry: &libc::passwd| entry.pw_uid,
    )
}

/// The gid of the group called `name`.
pub fn group_id(name: &OsStr) -> Option<u32> {
    let name = CString::new(name.as_bytes()).ok()?;
    lookup(
        // SAFETY: as in user_name; `name` is NUL-terminated.
        |entry, buffer, result| unsafe {
            libc::getgrnam_r(name.as_ptr(), entry, buffer.as_mut_ptr(), buffer.len(), result)
        },
        |entry: &libc::group| entry.gr_gid,
    )
}

/// Runs a `get*_r` call with a buffer that grows while the call says
/// ERANGE, and takes what is wanted from the entry found while the buffer
/// its strings point into is alive.
fn lookup<Entry, Wanted>(
    call: impl Fn(*mut Entry, &mut [libc::c_char], *mut *mut Entry) -> libc::c_int,
    take: impl FnOnce(&Entry) -> Wanted,
) -> Option<Wanted> {
    // SAFETY: passwd and group are C structs of integers and pointers, for
    // which all-zero is a valid value; the call fills them in.
    let mut entry: Entry = unsafe { std::mem::MaybeUninit::zeroed().assume_init() };
    let mut buffer: Vec<libc::c_char> = vec![0; 1024];
    loop {
        let mut result: *mut Entry = std::ptr::null_mut();
        match call(&mut entry, &mut buffer, &mut result) {
            0 if result.is_null() => return None,
            0 => return Some(take(&entry)),
            libc::ERANGE if buffer.len() < 1 << 20 => buffer.resize(buffer.len() * 4, 0),
            _ => return None,
        }
    }
}

/// # Safety
/// `name` must point to a NUL-terminated string.
unsafe fn owned(name: *const libc::c_char) -> OsString {
    // SAFETY: guaranteed by the caller.
    OsString::from_vec(unsafe { CStr::from_ptr(name) }.to_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_both_ways() {
        // Every Unix database has uid and gid 0 named root.
        assert_eq!(user_name(0), Some(OsString::from("root")));
        assert_eq!(group_name(0), Some(OsString::from("root")));
        assert_eq!(user_id(OsStr::new("root")), Some(0));
        assert_eq!(group_id(OsStr::new("root")), Some(0));
    }

    #[test]
    fn unknown_ids_and_names() {
        assert_eq!(user_name(4_000_000_123), None);
        assert_eq!(group_name(4_000_000_123), None);
        assert_eq!(user_id(OsStr::new("no such user, surely")), None);
        assert_eq!(group_id(OsStr::new("no\0nul")), None);
    }
}
