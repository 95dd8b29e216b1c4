//! `--exclude=PATTERN` and `-X FILE`: gnulib's `exclude` with
//! EXCLUDE_WILDCARDS, as du uses it. A pattern is matched by fnmatch (no
//! flags: `*` matches `/` too) against the whole path and against every
//! part of it that follows a `/`.

use std::ffi::{CString, OsStr};
use std::io::{self, Read};

use nix::libc;

#[derive(Debug, Default)]
pub struct Exclusions {
    patterns: Vec<CString>,
}

impl Exclusions {
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn add(&mut self, pattern: &[u8]) {
        // A NUL cannot be in an argument; in a -X file it ends the pattern,
        // as it would end gnulib's C string.
        let end = pattern.iter().position(|&b| b == 0).unwrap_or(pattern.len());
        self.patterns.push(CString::new(&pattern[..end]).unwrap_or_default());
    }

    /// The patterns of FILE (`-` is standard input), one a line; trailing
    /// white space is dropped and blank lines skipped, as gnulib's
    /// `add_exclude_file` does with a newline separator.
    pub fn add_file(&mut self, file: &OsStr) -> io::Result<()> {
        let mut text = Vec::new();
        if file.as_encoded_bytes() == b"-" {
            io::stdin().lock().read_to_end(&mut text)?;
        } else {
            std::fs::File::open(file)?.read_to_end(&mut text)?;
        }
        for line in text.split(|&b| b == b'\n') {
            let end = line.iter().rposition(|b| !b.is_ascii_whitespace() && *b != 0x0b).map_or(0, |i| i + 1);
            if end > 0 {
                self.add(&line[..end]);
            }
        }
        Ok(())
    }

    /// Whether PATH (NUL-terminated) is excluded.
    pub fn matches(&self, path: &[u8]) -> bool {
        debug_assert_eq!(path.last(), Some(&0));
        self.patterns.iter().any(|pattern| {
            let whole_or_after_slash = std::iter::once(0).chain(
                path.windows(2).enumerate().filter(|(_, pair)| pair[0] == b'/' && pair[1] != b'/').map(|(i, _)| i + 1),
            );
            whole_or_after_slash.into_iter().any(|start| {
                // SAFETY: both are NUL-terminated: the pattern a CString,
                // `path[start..]` a suffix of a NUL-terminated buffer.
                unsafe { libc::fnmatch(pattern.as_ptr(), path[start..].as_ptr().cast(), 0) == 0 }
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(patterns: &[&str], path: &str) -> bool {
        let mut exclusions = Exclusions::default();
        for pattern in patterns {
            exclusions.add(pattern.as_bytes());
        }
        exclusions.matches(format!("{path}\0").as_bytes())
    }

    #[test]
    fn whole_path_or_any_tail_after_a_slash() {
        assert!(excluded(&["b"], "a/b"));
        assert!(excluded(&["a/b"], "x/a/b"));
        assert!(excluded(&["*.o"], "d/x.o"));
        assert!(excluded(&["d*"], "d/x/y"));
        assert!(!excluded(&["b"], "a/bc"));
        // gnulib tries the part after the last of several slashes.
        assert!(excluded(&["x"], "a//x"));
    }
}
