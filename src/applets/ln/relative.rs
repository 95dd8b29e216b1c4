//! `ln -sr`: the target rewritten relative to the link's directory, the
//! way GNU computes it (`convert_abs_rel`): both the target and the link's
//! parent directory are made canonical first (symlinks resolved, missing
//! components allowed), then the common prefix is replaced by `..`s.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use super::names::dir_name;

/// glibc's limit on symlinks followed while resolving one name.
const MAX_SYMLINKS: usize = 40;

/// GNU writes the relative name into a PATH_MAX buffer.
const PATH_MAX: usize = 4096;

/// The relative name did not fit GNU's buffer.
const TOO_LONG: &str = "generating relative path: File name too long";

/// `target` as seen from the directory that will hold `link`. `Err`: GNU
/// keeps `target` as it is then, silently when a name cannot be resolved
/// (a symlink loop, say), or after saying [`TOO_LONG`].
pub fn relative_target(target: &OsStr, link: &OsStr) -> Result<OsString, Option<&'static str>> {
    let link_dir = canonicalize(&dir_name(link.as_bytes())).ok_or(None)?;
    let target_path = canonicalize(target.as_bytes()).ok_or(None)?;
    match relative_path(&target_path, &link_dir) {
        Some(relative) if relative.len() < PATH_MAX => Ok(OsString::from_vec(relative)),
        Some(_) => Err(Some(TOO_LONG)),
        None => Err(None),
    }
}

/// gnulib `canonicalize_filename_mode (name, CAN_MISSING)`: an absolute
/// name with `.`, `..` and symlinks resolved; components that do not exist
/// are kept as written, and `..` after one removes it.
fn canonicalize(name: &[u8]) -> Option<Vec<u8>> {
    if name.is_empty() {
        return None;
    }
    let mut resolved = match name[0] {
        b'/' => b"/".to_vec(),
        _ => nix::unistd::getcwd().ok()?.into_os_string().into_vec(),
    };
    let mut pending = name.to_vec();
    let mut pos = 0;
    let mut links = 0;
    loop {
        while pending.get(pos) == Some(&b'/') {
            pos += 1;
        }
        if pos == pending.len() {
            break;
        }
        let end = pending[pos..].iter().position(|&b| b == b'/').map_or(pending.len(), |i| pos + i);
        match &pending[pos..end] {
            b"." => {}
            b".." => pop_component(&mut resolved),
            component => {
                if !resolved.ends_with(b"/") {
                    resolved.push(b'/');
                }
                resolved.extend_from_slice(component);
                if let Ok(link_target) = nix::fcntl::readlink(OsStr::from_bytes(&resolved)) {
                    links += 1;
                    if links > MAX_SYMLINKS {
                        return None;
                    }
                    let link_target = link_target.into_vec();
                    match link_target.first() {
                        Some(b'/') => resolved = b"/".to_vec(),
                        _ => pop_component(&mut resolved),
                    }
                    pending = [link_target.as_slice(), &pending[end..]].concat();
                    pos = 0;
                    continue;
                }
            }
        }
        pos = end;
    }
    Some(resolved)
}

/// `/a/b` -> `/a`, `/a` -> `/`, `/` stays.
fn pop_component(resolved: &mut Vec<u8>) {
    let last_slash = resolved.iter().rposition(|&b| b == b'/').unwrap_or(0);
    resolved.truncate(last_slash.max(1));
}

/// gnulib `relpath`: `path` relative to the directory `base`, both
/// canonical. `None` when they share no root.
fn relative_path(path: &[u8], base: &[u8]) -> Option<Vec<u8>> {
    let common = common_prefix(base, path);
    if common == 0 {
        return None;
    }
    let skip_slash = |rest: &'_ [u8]| -> usize { usize::from(rest.first() == Some(&b'/')) };
    let base_rest = &base[common..];
    let base_rest = &base_rest[skip_slash(base_rest)..];
    let path_rest = &path[common..];
    let path_rest = &path_rest[skip_slash(path_rest)..];
    let mut relative = Vec::new();
    if base_rest.is_empty() {
        match path_rest.is_empty() {
            true => relative.push(b'.'),
            false => relative.extend_from_slice(path_rest),
        }
    } else {
        relative.extend_from_slice(b"..");
        for _ in base_rest.iter().filter(|&&b| b == b'/') {
            relative.extend_from_slice(b"/..");
        }
        if !path_rest.is_empty() {
            relative.push(b'/');
            relative.extend_from_slice(path_rest);
        }
    }
    Some(relative)
}

/// The length of the leading directories `a` and `b` share (gnulib
/// `path_common_prefix`).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    if (a.get(1) == Some(&b'/')) != (b.get(1) == Some(&b'/')) {
        return 0;
    }
    let mut common = 0;
    let mut i = 0;
    while i < a.len() && i < b.len() && a[i] == b[i] {
        if a[i] == b'/' {
            common = i + 1;
        }
        i += 1;
    }
    let (a_rest, b_rest) = (a.get(i), b.get(i));
    if (a_rest.is_none() && b_rest.is_none())
        || (a_rest.is_none() && b_rest == Some(&b'/'))
        || (b_rest.is_none() && a_rest == Some(&b'/'))
    {
        common = i;
    }
    common
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_as_relpath() {
        let rel = |path: &str, base: &str| String::from_utf8(relative_path(path.as_bytes(), base.as_bytes()).unwrap());
        assert_eq!(rel("/t/a/f", "/t/x/y/z").unwrap(), "../../../a/f");
        assert_eq!(rel("/t/a/f", "/t/a").unwrap(), "f");
        assert_eq!(rel("/t/a", "/t/a").unwrap(), ".");
        assert_eq!(rel("/", "/t/x").unwrap(), "../..");
        assert_eq!(rel("/t/ab", "/t/a").unwrap(), "../ab");
        assert_eq!(rel("/t/a", "/").unwrap(), "t/a");
    }

    #[test]
    fn canonical_names_keep_missing_parts() {
        assert_eq!(canonicalize(b"/nonexistent-linkbox/x/../y").unwrap(), b"/nonexistent-linkbox/y");
        assert_eq!(canonicalize(b"/../..//.").unwrap(), b"/");
        assert_eq!(canonicalize(b""), None);
    }
}
