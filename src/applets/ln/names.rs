//! File names taken apart as gnulib does (`last_component`, `base_len`,
//! `dir_name`, `file_name_concat`): ln's messages show the names these
//! build, so `ln a d//` says `'d/a'` and `ln -s / d` says `'d/'`.

/// The last component: what follows the last slash that is followed by
/// something else, trailing slashes included (`a/b/` -> `b/`, `/` -> ``).
pub fn last_component(name: &[u8]) -> &[u8] {
    let mut base = name.iter().take_while(|&&b| b == b'/').count();
    let mut after_slash = false;
    for (i, &b) in name.iter().enumerate().skip(base) {
        if b == b'/' {
            after_slash = true;
        } else if after_slash {
            base = i;
            after_slash = false;
        }
    }
    &name[base..]
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

/// `dir` joined with `base` by one slash (none after a root or a
/// trailing slash), into `joined` (reused from name to name); returns
/// where `base` starts in it.
pub fn file_name_concat(dir: &[u8], base: &[u8], joined: &mut Vec<u8>) -> usize {
    let dir_base = last_component(dir);
    let dir_base_len = base_len(dir_base);
    let dir_len = dir.len() - dir_base.len() + dir_base_len;
    joined.clear();
    joined.extend_from_slice(&dir[..dir_len]);
    let base_starts_with_slash = base.first() == Some(&b'/');
    if dir_base_len > 0 {
        if dir[dir_len - 1] != b'/' && !base_starts_with_slash {
            joined.push(b'/');
        }
    } else if base_starts_with_slash {
        joined.push(b'.');
    }
    let base_offset = joined.len();
    joined.extend_from_slice(base);
    base_offset
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
        let concat = |dir: &[u8], base: &[u8]| {
            let mut joined = b"old contents".to_vec();
            let offset = file_name_concat(dir, base, &mut joined);
            (joined, offset)
        };
        assert_eq!(concat(b"d", b"a"), (b"d/a".to_vec(), 2));
        assert_eq!(concat(b"d//", b"a"), (b"d/a".to_vec(), 2));
        assert_eq!(concat(b"/", b"a"), (b"/a".to_vec(), 1));
        assert_eq!(concat(b".", b""), (b"./".to_vec(), 2));
        assert_eq!(without_trailing_slashes(b"d/b//"), b"d/b");
        assert_eq!(without_trailing_slashes(b""), b"");
    }
}
