//! Timestamps in GNU stat's human-readable form,
//! `%Y-%m-%d %H:%M:%S.%N %z` in local time.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use nix::libc;

/// Writes the local time of `seconds` + `nanoseconds`. The time zone is
/// libc's (TZ, else /etc/localtime; musl's localtime_r reads both too).
/// A time localtime cannot represent is written as GNU writes it then:
/// `SECONDS.NANOSECONDS`.
// time_t is 32 bits wide on some targets, so the conversion is not useless there.
#[allow(clippy::useless_conversion)]
pub fn human_time(out: &mut Vec<u8>, seconds: i64, nanoseconds: u32) {
    // SAFETY: an all-zero `tm` is a valid value (null tm_zone included).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // A time_t narrower than the seconds is a time localtime cannot take.
    let converted = seconds.try_into().is_ok_and(|time| {
        // SAFETY: both pointers are to live locals; localtime_r writes only `tm`.
        unsafe { !libc::localtime_r(&time, &mut tm).is_null() }
    });
    if !converted {
        let _ = write!(out, "{seconds}.{nanoseconds:09}");
        return;
    }
    // nstrftime's %Y: at least four characters, a minus sign counting as one.
    let year = i64::from(tm.tm_year) + 1900;
    let _ = if year < 0 { write!(out, "-{:03}", -year) } else { write!(out, "{year:04}") };
    let _ = write!(
        out,
        "-{:02}-{:02} {:02}:{:02}:{:02}.{nanoseconds:09} ",
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    );
    // %z: the offset in whole minutes; a zone named like "-00" (no known
    // offset, e.g. TZ=Factory) gets "-0000", as nstrftime writes it.
    let offset = tm.tm_gmtoff as i64;
    let zone_is_unknown = offset == 0 && !tm.tm_zone.is_null() && {
        // SAFETY: a non-null tm_zone from localtime_r points to a
        // NUL-terminated name that lives as long as the time zone data.
        unsafe { *tm.tm_zone == b'-' as libc::c_char }
    };
    let sign = if offset < 0 || zone_is_unknown { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    let _ = write!(out, "{sign}{:02}{:02}", minutes / 60, minutes % 60);
}

/// Makes libc read TZ as glibc does, which GNU stat's output follows: a
/// value not starting with `:` names a file under TZDIR (default
/// /usr/share/zoneinfo) when there is one, and only otherwise is a POSIX
/// rule. musl reads `EST5EDT` as a rule (with other DST dates), so the
/// file's path is put in TZ in the form every libc takes as a file.
/// Call before any other thread exists.
pub fn prefer_time_zone_files() {
    let Some(tz) = std::env::var_os("TZ") else { return };
    let bytes = tz.as_bytes();
    if bytes.is_empty() || bytes[0] == b':' || bytes.starts_with(b"/") || bytes.split(|&b| b == b'/').any(|c| c == b"..")
    {
        return;
    }
    let dir = std::env::var_os("TZDIR").unwrap_or_else(|| OsString::from("/usr/share/zoneinfo"));
    let file = PathBuf::from(dir).join(&tz);
    if file.is_file() {
        let mut value = OsString::from(":");
        value.push(file.as_os_str());
        // SAFETY: stat is single-threaded; nothing reads the environment
        // concurrently.
        unsafe { std::env::set_var("TZ", value) };
    }
}
