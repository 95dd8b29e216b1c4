//! gnulib's `nstrftime` in the C locale: what `date +FORMAT`, `du
//! --time-style=+FORMAT` and `ls --time-style` print. libc's strftime is
//! not used because GNU's conversions (`%N`, `%:z`, the `_ - 0 ^ #` flags
//! and widths) differ between glibc and musl, or are missing.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use nix::libc;

/// A broken-down local time with its nanoseconds.
pub struct LocalTime {
    tm: libc::tm,
    nanoseconds: u32,
    seconds: i64,
}

impl LocalTime {
    /// `localtime_r` of the time; `None` when it cannot be represented.
    // time_t is 32 bits wide on some targets, so the conversion is not useless there.
    #[allow(clippy::useless_conversion)]
    pub fn new(seconds: i64, nanoseconds: u32) -> Option<LocalTime> {
        // SAFETY: an all-zero `tm` is a valid value (null tm_zone included).
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        let time = seconds.try_into().ok()?;
        // SAFETY: both pointers are to live locals; localtime_r writes only `tm`.
        let converted = unsafe { !libc::localtime_r(&time, &mut tm).is_null() };
        converted.then_some(LocalTime { tm, nanoseconds, seconds })
    }

    fn zone_name(&self) -> &[u8] {
        if self.tm.tm_zone.is_null() {
            return b"";
        }
        // SAFETY: a non-null tm_zone from localtime_r points to a
        // NUL-terminated name that lives as long as the time zone data.
        unsafe { std::ffi::CStr::from_ptr(self.tm.tm_zone) }.to_bytes()
    }
}

const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pad {
    /// As the conversion pads by default.
    Default,
    /// `-`: no padding.
    None,
    /// `_`: spaces.
    Space,
    /// `0`: zeros.
    Zero,
}

#[derive(Clone, Copy)]
struct Spec {
    pad: Pad,
    upcase: bool,
    swap_case: bool,
    width: Option<usize>,
    colons: usize,
    /// `+`: zeros, and a `+` before a year wider than four digits.
    plus: bool,
}

/// Appends `format` rendered for `time` to `out`.
pub fn strftime(out: &mut Vec<u8>, format: &[u8], time: &LocalTime) {
    let mut i = 0;
    while i < format.len() {
        if format[i] != b'%' {
            out.push(format[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut spec =
            Spec { pad: Pad::Default, upcase: false, swap_case: false, width: None, colons: 0, plus: false };
        while let Some(&flag) = format.get(i) {
            match flag {
                b'_' => spec.pad = Pad::Space,
                b'-' => spec.pad = Pad::None,
                b'0' => spec.pad = Pad::Zero,
                b'+' => {
                    spec.pad = Pad::Zero;
                    spec.plus = true;
                }
                b'^' => spec.upcase = true,
                b'#' => spec.swap_case = true,
                _ => break,
            }
            i += 1;
        }
        while let Some(digit) = format.get(i).filter(|c| c.is_ascii_digit()) {
            spec.width =
                Some(spec.width.unwrap_or(0).saturating_mul(10).saturating_add((digit - b'0') as usize));
            i += 1;
        }
        // E and O modifiers mean nothing in the C locale.
        while matches!(format.get(i), Some(b'E' | b'O')) {
            i += 1;
        }
        while format.get(i) == Some(&b':') {
            spec.colons += 1;
            i += 1;
        }
        let Some(&conversion) = format.get(i) else {
            out.extend_from_slice(&format[start..]);
            break;
        };
        i += 1;
        if !convert(out, conversion, &spec, time) {
            // Unknown: copied as written, padded to the width.
            text(out, &Spec { upcase: false, swap_case: false, ..spec }, &format[start..i], false);
        }
    }
}

/// Writes one conversion; false if `conversion` is not one.
fn convert(out: &mut Vec<u8>, conversion: u8, spec: &Spec, time: &LocalTime) -> bool {
    let tm = &time.tm;
    let year = i64::from(tm.tm_year) + 1900;
    if spec.colons > 0 && conversion != b'z' {
        return false;
    }
    match conversion {
        b'%' => text(out, spec, b"%", false),
        b'a' => text(out, spec, &DAYS[tm.tm_wday as usize % 7].as_bytes()[..3], true),
        b'A' => text(out, spec, DAYS[tm.tm_wday as usize % 7].as_bytes(), true),
        b'b' | b'h' => text(out, spec, &MONTHS[tm.tm_mon as usize % 12].as_bytes()[..3], true),
        b'B' => text(out, spec, MONTHS[tm.tm_mon as usize % 12].as_bytes(), true),
        b'p' | b'P' => {
            let upper = if tm.tm_hour < 12 { "AM" } else { "PM" };
            let lower = conversion == b'P' || spec.swap_case;
            let word = if lower { upper.to_ascii_lowercase() } else { upper.to_string() };
            let upcase = spec.upcase && conversion == b'p';
            text(out, &Spec { swap_case: false, upcase, ..*spec }, word.as_bytes(), false)
        }
        b'Z' => {
            let zone = time.zone_name();
            let zone = if spec.swap_case { zone.to_ascii_lowercase() } else { zone.to_vec() };
            text(out, &Spec { swap_case: false, ..*spec }, &zone, false)
        }
        b'c' => composite(out, spec, b"%a %b %e %H:%M:%S %Y", time),
        b'D' | b'x' => composite(out, spec, b"%m/%d/%y", time),
        b'F' => composite(out, spec, b"%Y-%m-%d", time),
        b'r' => composite(out, spec, b"%I:%M:%S %p", time),
        b'R' => composite(out, spec, b"%H:%M", time),
        b'T' | b'X' => composite(out, spec, b"%H:%M:%S", time),
        b'n' => text(out, spec, b"\n", false),
        b't' => text(out, spec, b"\t", false),
        b'C' => number(out, spec, year.div_euclid(100), 2, b'0'),
        b'd' => number(out, spec, tm.tm_mday.into(), 2, b'0'),
        b'e' => number(out, spec, tm.tm_mday.into(), 2, b' '),
        b'H' => number(out, spec, tm.tm_hour.into(), 2, b'0'),
        b'I' => number(out, spec, twelve_hour(tm.tm_hour).into(), 2, b'0'),
        b'k' => number(out, spec, tm.tm_hour.into(), 2, b' '),
        b'l' => number(out, spec, twelve_hour(tm.tm_hour).into(), 2, b' '),
        b'j' => number(out, spec, i64::from(tm.tm_yday) + 1, 3, b'0'),
        b'm' => number(out, spec, i64::from(tm.tm_mon) + 1, 2, b'0'),
        b'M' => number(out, spec, tm.tm_min.into(), 2, b'0'),
        b'S' => number(out, spec, tm.tm_sec.into(), 2, b'0'),
        b'q' => number(out, spec, i64::from(tm.tm_mon) / 3 + 1, 1, b'0'),
        b'u' => number(out, spec, (i64::from(tm.tm_wday) + 6) % 7 + 1, 1, b'0'),
        b'w' => number(out, spec, tm.tm_wday.into(), 1, b'0'),
        b'U' => number(out, spec, i64::from((tm.tm_yday - tm.tm_wday + 7) / 7), 2, b'0'),
        b'W' => number(out, spec, i64::from((tm.tm_yday - (tm.tm_wday + 6) % 7 + 7) / 7), 2, b'0'),
        b'y' => number(out, spec, year.rem_euclid(100), 2, b'0'),
        b'Y' => {
            if spec.plus && (year > 9999 || spec.width.is_some_and(|w| w > 4)) {
                out.push(b'+');
                let width = spec.width.map(|w| w.saturating_sub(1));
                number(out, &Spec { width, ..*spec }, year, 4, b'0');
            } else {
                number(out, spec, year, 4, b'0');
            }
        }
        b'G' | b'g' | b'V' => {
            let (iso_year, week) = iso_week(year, tm.tm_yday.into(), tm.tm_wday.into());
            match conversion {
                b'G' => number(out, spec, iso_year, 4, b'0'),
                b'g' => number(out, spec, iso_year.rem_euclid(100), 2, b'0'),
                _ => number(out, spec, week, 2, b'0'),
            }
        }
        b's' => number(out, spec, time.seconds, 1, b'0'),
        b'N' => {
            // A width keeps that many leading digits (`%3N`: milliseconds);
            // `_` and `-` drop trailing zeros, `_` then pads with spaces.
            let digits = format!("{:09}", time.nanoseconds);
            let width = spec.width.unwrap_or(9).max(1);
            let mut field = digits.as_bytes()[..width.min(9)].to_vec();
            let trim = matches!(spec.pad, Pad::Space | Pad::None);
            if trim {
                while field.len() > 1 && field.last() == Some(&b'0') {
                    field.pop();
                }
            }
            let fill = match spec.pad {
                Pad::Space => Some(b' '),
                Pad::None if trim => None,
                _ => Some(b'0'),
            };
            if let Some(fill) = fill {
                field.resize(width.max(field.len()), fill);
            }
            out.extend_from_slice(&field);
        }
        #[allow(clippy::unnecessary_cast)] // tm_gmtoff is narrower on some targets
        b'z' => {
            // A zone named like "-00" (no known offset, e.g. TZ=Factory)
            // is -0000, as nstrftime writes it.
            let unknown = tm.tm_gmtoff == 0 && time.zone_name().starts_with(b"-");
            zone_offset(out, spec, tm.tm_gmtoff as i64, unknown)
        }
        _ => return false,
    }
    true
}

fn twelve_hour(hour: i32) -> i32 {
    match hour % 12 {
        0 => 12,
        h => h,
    }
}

/// The ISO 8601 week-based year and week number.
fn iso_week(year: i64, yday: i64, wday: i64) -> (i64, i64) {
    let is_leap = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    // Days since the Monday of week 1 of `year`.
    let week_one_start = |yday: i64, wday: i64| {
        // The weekday (Monday 0) of January 1st, then the Monday on or
        // before January 4th.
        let jan1 = (wday - yday).rem_euclid(7);
        let monday_based = (jan1 + 6) % 7;
        yday - (if monday_based <= 3 { -monday_based } else { 7 - monday_based })
    };
    let days = week_one_start(yday, wday);
    if days < 0 {
        let previous_len = if is_leap(year - 1) { 366 } else { 365 };
        let days = week_one_start(yday + previous_len, wday);
        return (year - 1, days / 7 + 1);
    }
    let year_len = if is_leap(year) { 366 } else { 365 };
    let next = week_one_start(yday - year_len, wday);
    if next >= 0 {
        return (year + 1, next / 7 + 1);
    }
    (year, days / 7 + 1)
}

/// A conversion made of others (`%F`, `%T`): the flags apply to the whole.
fn composite(out: &mut Vec<u8>, spec: &Spec, format: &[u8], time: &LocalTime) {
    let mut inner = Vec::new();
    strftime(&mut inner, format, time);
    text(out, spec, &inner, false);
}

/// A word: padded on the left with spaces (zeros with `0`) to the width.
fn text(out: &mut Vec<u8>, spec: &Spec, word: &[u8], swappable: bool) {
    let word: Vec<u8> =
        if spec.upcase || (spec.swap_case && swappable) { word.to_ascii_uppercase() } else { word.to_vec() };
    let fill = if spec.pad == Pad::Zero { b'0' } else { b' ' };
    if let Some(width) = spec.width
        && spec.pad != Pad::None
    {
        out.extend(std::iter::repeat_n(fill, width.saturating_sub(word.len())));
    }
    out.extend_from_slice(&word);
}

/// A number padded to `digits` (or the width) with `default_fill`, as
/// the flags say.
fn number(out: &mut Vec<u8>, spec: &Spec, value: i64, digits: usize, default_fill: u8) {
    let magnitude = value.unsigned_abs().to_string();
    let width = spec.width.unwrap_or(digits);
    let fill = match spec.pad {
        Pad::None => None,
        Pad::Space => Some(b' '),
        Pad::Zero => Some(b'0'),
        Pad::Default => Some(if spec.width.is_some() && default_fill == b' ' { b' ' } else { default_fill }),
    };
    let sign_len = usize::from(value < 0);
    let padding = width.saturating_sub(magnitude.len() + sign_len);
    match fill {
        Some(b'0') => {
            if value < 0 {
                out.push(b'-');
            }
            out.extend(std::iter::repeat_n(b'0', padding));
        }
        Some(fill) => {
            out.extend(std::iter::repeat_n(fill, padding));
            if value < 0 {
                out.push(b'-');
            }
        }
        None => {
            if value < 0 {
                out.push(b'-');
            }
        }
    }
    out.extend_from_slice(magnitude.as_bytes());
}

/// `%z` (+hhmm), `%:z` (+hh:mm), `%::z` (+hh:mm:ss), `%:::z` (+hh, with
/// minutes and seconds only when needed). As in gnulib, the offset is a
/// signed number with colons between digit pairs: `-` drops its leading
/// zeros (`-5:00`), `_` turns them into spaces before the sign, and a width
/// sets how many characters follow the sign.
fn zone_offset(out: &mut Vec<u8>, spec: &Spec, offset: i64, unknown: bool) {
    let sign = if offset < 0 || unknown { b'-' } else { b'+' };
    let total = offset.unsigned_abs();
    let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
    let colons = match spec.colons {
        0 => 0,
        1 => 1,
        2 => 2,
        _ if seconds != 0 => 2,
        _ if minutes != 0 => 1,
        _ => 0,
    };
    let value = match (spec.colons, colons) {
        (0, _) => hours * 100 + minutes,
        (_, 0) => hours,
        (_, 1) => hours * 100 + minutes,
        _ => hours * 10_000 + minutes * 100 + seconds,
    };
    // Characters after the sign by default: `0500`, `05:00`, `05:00:00`, `05`.
    let default_len = match (spec.colons, colons) {
        (0, _) => 4,
        (_, 0) => 2,
        (_, 1) => 5,
        _ => 8,
    };
    // The digits, at least one more than the pairs after colons.
    let natural = value.to_string();
    let min_digits = 2 * colons + 1;
    let with_colons = |digits: &str| {
        let mut text = Vec::new();
        for (i, digit) in digits.bytes().enumerate() {
            let from_right = digits.len() - i;
            if i > 0 && from_right.is_multiple_of(2) && from_right / 2 <= colons {
                text.push(b':');
            }
            text.push(digit);
        }
        text
    };
    let padded = |digits: usize| format!("{value:0digits$}");
    let short = with_colons(&padded(natural.len().max(min_digits)));
    let wanted = spec.width.map_or(default_len, |w| w.saturating_sub(1));
    match spec.pad {
        Pad::None => {
            out.push(sign);
            out.extend_from_slice(&short);
        }
        Pad::Space => {
            out.extend(std::iter::repeat_n(b' ', wanted.saturating_sub(short.len())));
            out.push(sign);
            out.extend_from_slice(&short);
        }
        Pad::Default | Pad::Zero => {
            // The digits that, with their colons, fill the width.
            let mut digits = natural.len().max(min_digits);
            while digits + colons < wanted {
                digits += 1;
            }
            out.push(sign);
            out.extend_from_slice(&with_colons(&padded(digits)));
        }
    }
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
    if bytes.is_empty()
        || bytes[0] == b':'
        || bytes.starts_with(b"/")
        || bytes.split(|&b| b == b'/').any(|c| c == b"..")
    {
        return;
    }
    let dir = std::env::var_os("TZDIR").unwrap_or_else(|| OsString::from("/usr/share/zoneinfo"));
    let file = PathBuf::from(dir).join(&tz);
    if file.is_file() {
        let mut value = OsString::from(":");
        value.push(file.as_os_str());
        // SAFETY: called before the applet starts any thread; nothing reads
        // the environment concurrently.
        unsafe { std::env::set_var("TZ", value) };
    }
}
