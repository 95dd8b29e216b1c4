//! Timestamps in GNU stat's human-readable form,
//! `%Y-%m-%d %H:%M:%S.%N %z` in local time.

use std::io::Write;

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
