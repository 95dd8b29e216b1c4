//! Backup names as GNU's (gnulib `backupfile.c`): the `--backup` control
//! or `$VERSION_CONTROL`, the suffix from `-S` or `$SIMPLE_BACKUP_SUFFIX`,
//! and `NAME.~N~` one past the highest numbered backup in the directory.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use super::names::{dir_name, last_component};
use crate::common::error::Error;
use crate::common::quote::quote;

/// What the command line asked for, resolved by [`BackupRequest::resolve`]
/// once the operands are known (GNU checks the control that late).
#[derive(Debug, Default)]
pub struct BackupRequest {
    /// `-b`, `--backup` or `-S`.
    pub wanted: bool,
    /// The last `--backup=CONTROL`.
    pub control: Option<OsString>,
    /// The last `-S SUFFIX`.
    pub suffix: Option<OsString>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackupType {
    None,
    Simple,
    /// `existing`/`nil`: numbered if numbered backups exist, else simple.
    NumberedExisting,
    Numbered,
}

/// The controls in gnulib's order, which its error message keeps.
const CONTROLS: [(&str, BackupType); 8] = [
    ("none", BackupType::None),
    ("off", BackupType::None),
    ("simple", BackupType::Simple),
    ("never", BackupType::Simple),
    ("existing", BackupType::NumberedExisting),
    ("nil", BackupType::NumberedExisting),
    ("numbered", BackupType::Numbered),
    ("t", BackupType::Numbered),
];

#[derive(Debug)]
pub struct Backups {
    pub kind: BackupType,
    suffix: Vec<u8>,
}

impl BackupRequest {
    /// GNU's `xget_version` and `set_simple_backup_suffix`.
    pub fn resolve(&self) -> Result<Backups, Error> {
        let kind = match (self.wanted, &self.control) {
            (false, _) => BackupType::None,
            (true, Some(control)) if !control.is_empty() => control_type("backup type", control.as_bytes())?,
            (true, _) => match std::env::var_os("VERSION_CONTROL") {
                Some(control) if !control.is_empty() => control_type("$VERSION_CONTROL", control.as_bytes())?,
                _ => BackupType::NumberedExisting,
            },
        };
        let suffix = self.suffix.clone().or_else(|| std::env::var_os("SIMPLE_BACKUP_SUFFIX"));
        // A suffix that is empty or holds a directory part would put the
        // backup elsewhere; gnulib falls back to `~`.
        let suffix = match suffix.map(OsString::into_vec) {
            Some(s) if !s.is_empty() && last_component(&s).len() == s.len() => s,
            _ => b"~".to_vec(),
        };
        Ok(Backups { kind, suffix })
    }
}

/// gnulib `argmatch`: an exact name, or a prefix of names that all mean
/// the same type.
fn control_type(context: &str, control: &[u8]) -> Result<BackupType, Error> {
    let mut found: Option<BackupType> = None;
    let mut ambiguous = false;
    for (name, kind) in CONTROLS {
        if name.as_bytes() == control {
            return Ok(kind);
        }
        if name.as_bytes().starts_with(control) {
            match found {
                None => found = Some(kind),
                Some(first) if first != kind => ambiguous = true,
                Some(_) => {}
            }
        }
    }
    match (found, ambiguous) {
        (Some(kind), false) => Ok(kind),
        _ => {
            let problem = if ambiguous { "ambiguous" } else { "invalid" };
            let mut message = format!("{problem} argument {} for {}\nValid arguments are:", quote(control), quote(context.as_bytes()));
            let mut previous = None;
            for (name, kind) in CONTROLS {
                let quoted = quote(name.as_bytes());
                match previous == Some(kind) {
                    true => message.push_str(&format!(", {quoted}")),
                    false => message.push_str(&format!("\n  - {quoted}")),
                }
                previous = Some(kind);
            }
            Err(Error::usage(message))
        }
    }
}

impl Backups {
    pub fn enabled(&self) -> bool {
        self.kind != BackupType::None
    }

    /// The backup name for `dest` (a name relative to the current
    /// directory), in the same directory.
    pub fn name_for(&self, dest: &OsStr) -> OsString {
        let dest = dest.as_bytes();
        let base_offset = dest.len() - last_component(dest).len();
        // Trailing slashes are not part of the name the backup extends.
        let file_len = base_offset + super::names::base_len(&dest[base_offset..]);
        let file = &dest[..file_len];
        let simple = || [file, &self.suffix].concat();
        let name = match self.kind {
            BackupType::None | BackupType::Simple => simple(),
            BackupType::Numbered | BackupType::NumberedExisting => match next_version(file, base_offset) {
                Some((version, known_length)) => {
                    let name = [file, b".~", version.as_slice(), b"~"].concat();
                    match known_length {
                        true => name,
                        false => fit_name_max(name, file_len),
                    }
                }
                None if self.kind == BackupType::NumberedExisting => fit_name_max(simple(), file_len),
                None => fit_name_max([file, b".~1~"].concat(), file_len),
            },
        };
        OsString::from_vec(name)
    }
}

/// One past the highest `BASE.~N~` in FILE's directory, and whether a
/// backup name of that length already exists there (so it fits). `None`:
/// no numbered backup (or the directory cannot be read: gnulib then
/// starts at 1 too).
fn next_version(file: &[u8], base_offset: usize) -> Option<(Vec<u8>, bool)> {
    let base = &file[base_offset..];
    let dir = dir_name(file);
    let entries = std::fs::read_dir(OsStr::from_bytes(&dir)).ok()?;
    let mut highest: Option<Vec<u8>> = None;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(version) = version_of(name.as_bytes(), base) else { continue };
        let higher = match &highest {
            None => true,
            Some(best) => version.len() > best.len() || (version.len() == best.len() && version >= best.as_slice()),
        };
        if higher {
            highest = Some(version.to_vec());
        }
    }
    highest.map(|version| {
        let all_nines = version.iter().all(|&d| d == b'9');
        (increment(&version), !all_nines)
    })
}

/// The N of `BASE.~N~` (no leading zero), if NAME is one.
fn version_of<'n>(name: &'n [u8], base: &[u8]) -> Option<&'n [u8]> {
    let rest = name.strip_prefix(base)?.strip_prefix(b".~")?.strip_suffix(b"~")?;
    let valid = matches!(rest.first(), Some(b'1'..=b'9')) && rest.iter().all(u8::is_ascii_digit);
    valid.then_some(rest)
}

/// A decimal string plus one, of any length.
fn increment(version: &[u8]) -> Vec<u8> {
    let mut digits = version.to_vec();
    for digit in digits.iter_mut().rev() {
        if *digit == b'9' {
            *digit = b'0';
        } else {
            *digit += 1;
            return digits;
        }
    }
    digits.insert(0, b'1');
    digits
}

/// gnulib `check_extension`: a backup base name longer than the
/// directory's NAME_MAX ends in `~` at that length instead.
fn fit_name_max(mut name: Vec<u8>, file_len: usize) -> Vec<u8> {
    let base_offset = name.len() - last_component(&name).len();
    let base_len = name.len() - base_offset;
    // gnulib asks the filesystem only about names longer than POSIX's
    // minimum NAME_MAX.
    if base_len <= 14 {
        return name;
    }
    // gnulib keeps one byte below the directory's NAME_MAX.
    let base_max = name_max(&dir_name(&name[..file_len])).saturating_sub(1);
    if base_len <= base_max {
        return name;
    }
    let keep = (file_len - base_offset).min(base_max.saturating_sub(1));
    name.truncate(base_offset + keep);
    name.push(b'~');
    name
}

/// The directory's `_PC_NAME_MAX`; unlimited when it will not say.
fn name_max(dir: &[u8]) -> usize {
    let Ok(dir) = std::ffi::CString::new(dir) else { return usize::MAX };
    // SAFETY: `dir` is a NUL-terminated string that outlives the call.
    let max = unsafe { nix::libc::pathconf(dir.as_ptr(), nix::libc::_PC_NAME_MAX) };
    usize::try_from(max).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_match_as_argmatch() {
        assert_eq!(control_type("backup type", b"nu").unwrap(), BackupType::Numbered);
        assert_eq!(control_type("backup type", b"ni").unwrap(), BackupType::NumberedExisting);
        assert_eq!(control_type("backup type", b"t").unwrap(), BackupType::Numbered);
        assert!(format!("{:?}", control_type("backup type", b"n").unwrap_err()).contains("ambiguous argument 'n'"));
        assert!(format!("{:?}", control_type("backup type", b"x").unwrap_err()).contains("invalid argument 'x'"));
    }

    #[test]
    fn versions_count_up_as_strings() {
        assert_eq!(increment(b"1"), b"2");
        assert_eq!(increment(b"9"), b"10");
        assert_eq!(increment(b"1299"), b"1300");
        assert_eq!(version_of(b"f.~12~", b"f"), Some(&b"12"[..]));
        assert_eq!(version_of(b"f.~012~", b"f"), None);
        assert_eq!(version_of(b"f.~1~x", b"f"), None);
        assert_eq!(version_of(b"g.~1~", b"f"), None);
    }
}
