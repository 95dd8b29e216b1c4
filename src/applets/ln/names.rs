//! File names taken apart as gnulib does (`last_component`, `base_len`,
//! `dir_name`, `file_name_concat`): ln's messages show the names these
//! build, so `ln a d//` says `'d/a'` and `ln -s / d` says `'d/'`.

/// The last component: what follows the last slash that is followed by
/// something else, trailing slashes included (`a/b/` -> `b/`, `/` -> ``).
pub fn last_component(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b'/') {
        // No slash, or one followed by the component: one pass for the
        // names ln usually sees.
        None => name,
        Some(slash) if slash + 1 < name.len() => &name[slash + 1..],
        // Trailing slashes belong to the component; only a slash before
        // its last non-slash byte ends the directory part.
        Some(_) => {
            let Some(last_byte) = name.iter().rposition(|&b| b != b'/') else {
                return &name[name.len()..];
            };
            match name[..last_byte].iter().rposition(|&b| b == b'/') {
                Some(slash) => &name[slash + 1..],
                None => name,
            }
        }
    }
}

/// The length of `name` without trailing slashes, keeping a lone `/`.
pub fn base_len(name: &[u8]) -> usize {
    let mut len = name.len();
    while len > 1 && name[len - 1] == b'/' {
        len -= 1;
    }
    len
}

/// The directory part of `name`: `a/b` -> `a`, `/a` -> `/`, `a` -> `.`.
pub fn dir_name(name: &[u8]) -> Vec<u8> {
    let root = usize::from(name.first() == Some(&b'/'));
    let mut len = name.len() - last_component(name).len();
    while len > root && name[len - 1] == b'/' {
        len -= 1;
    }
    match len {
        0 => b".".to_vec(),
        _ => name[..len].to_vec(),
    }
}

/// What precedes a base name joined to `dir` (gnulib `file_name_concat`):
/// `dir` without trailing slashes, and one slash unless `dir` is a root
/// (`d//` -> `d/`, `/` -> `/`, `.` -> `./`). The base names ln joins never
/// start with a slash.
pub fn directory_prefix(dir: &[u8]) -> Vec<u8> {
    let dir_base = last_component(dir);
    let dir_base_len = base_len(dir_base);
    let dir_len = dir.len() - dir_base.len() + dir_base_len;
    let mut prefix = dir[..dir_len].to_vec();
    if dir_base_len > 0 && dir[dir_len - 1] != b'/' {
        prefix.push(b'/');
    }
    prefix
}

/// `name` without the slashes that end its last component.
pub fn without_trailing_slashes(name: &[u8]) -> &[u8] {
    let base = last_component(name);
    let base = if base.is_empty() { name } else { base };
    &name[..name.len() - base.len() + base_len(base)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_as_gnulib() {
        assert_eq!(last_component(b"a/b/"), b"b/");
        assert_eq!(last_component(b"/"), b"");
        assert_eq!(last_component(b"//a//b"), b"b");
        assert_eq!(last_component(b"a"), b"a");
        assert_eq!(dir_name(b"a/b"), b"a");
        assert_eq!(dir_name(b"a//b/"), b"a");
        assert_eq!(dir_name(b"/a"), b"/");
        assert_eq!(dir_name(b"a"), b".");
        assert_eq!(dir_name(b"x/y/../l"), b"x/y/..");
    }

    #[test]
    fn concatenation_as_gnulib() {
        assert_eq!(directory_prefix(b"d"), b"d/");
        assert_eq!(directory_prefix(b"d//"), b"d/");
        assert_eq!(directory_prefix(b"/"), b"/");
        assert_eq!(directory_prefix(b"//"), b"//");
        assert_eq!(directory_prefix(b"."), b"./");
        assert_eq!(directory_prefix(b"a/b/"), b"a/b/");
        assert_eq!(without_trailing_slashes(b"d/b//"), b"d/b");
        assert_eq!(without_trailing_slashes(b""), b"");
    }
}
