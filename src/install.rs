//! `linkbox --install [-s] [-f] [DIR]`: link every applet name to the running
//! binary, with install.sh's rules, for a system that has the binary and no
//! shell (a `FROM scratch` image).
//!
//! - Each name is made under a temporary name and renamed over the old one,
//!   so every name works at every instant of an upgrade.
//! - Hard links, unless `-s` or a hard link cannot be made there (another
//!   file system, one without hard links): then a symbolic link, with one
//!   warning.
//! - A file that is not ours (not a linkbox binary, not a link to one) is
//!   kept, with a warning, unless `-f`; a directory is always kept.
//! - A name already linked the way asked is left alone: re-running changes
//!   nothing.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::MULTICALL_MARKER;
use crate::common::error::{Error, warn};
use crate::common::output::Output;
use crate::common::quote::quote_name;

struct Request {
    symlinks: bool,
    force: bool,
    dir: Option<PathBuf>,
}

#[derive(Default)]
struct Tally {
    hard: usize,
    symbolic: usize,
    kept: usize,
}

enum Existing {
    Missing,
    /// Linked to this binary already, the way asked.
    Current,
    /// A linkbox binary or a link to one: ours to replace.
    Ours,
    Foreign,
    Directory,
}

pub fn run(args: Vec<OsString>, names: impl Iterator<Item = &'static str>) -> Result<i32, Error> {
    let request = parse(args)?;
    let binary = std::env::current_exe().map_err(|e| Error::io("cannot find the running binary", &e))?;
    let binary_meta = fs::metadata(&binary).map_err(|e| Error::io(quote_name(binary.as_os_str()), &e))?;
    let binary_dir = binary.parent().unwrap_or(Path::new("/")).to_path_buf();
    let dir = request.dir.clone().unwrap_or_else(|| binary_dir.clone());
    // A symlink in the binary's own directory names it relatively, so the
    // tree can be moved (or was built under DESTDIR).
    let same_dir = fs::canonicalize(&dir).ok() == fs::canonicalize(&binary_dir).ok();
    let symlink_text: PathBuf = match (same_dir, binary.file_name()) {
        (true, Some(file_name)) => PathBuf::from(file_name),
        _ => binary.clone(),
    };

    let mut tally = Tally::default();
    let mut symlinks = request.symlinks;
    let mut status = 0;
    for name in names {
        let target = dir.join(name);
        match examine(&target, &binary_meta, symlinks) {
            Existing::Current => {
                if symlinks {
                    tally.symbolic += 1
                } else {
                    tally.hard += 1
                }
                continue;
            }
            Existing::Missing | Existing::Ours => {}
            Existing::Foreign if request.force => {}
            Existing::Foreign => {
                warn(format!(
                    "keeping {}: not a link to linkbox (-f replaces it)",
                    quote_name(target.as_os_str())
                ));
                tally.kept += 1;
                continue;
            }
            Existing::Directory => {
                warn(format!("keeping {}: it is a directory", quote_name(target.as_os_str())));
                tally.kept += 1;
                status = 1;
                continue;
            }
        }
        let temp = dir.join(format!(".{name}.linkbox-tmp.{}", std::process::id()));
        let _ = fs::remove_file(&temp);
        if !symlinks {
            match fs::hard_link(&binary, &temp) {
                Ok(()) => {}
                Err(err) if hard_links_impossible(&err) => {
                    warn(format!(
                        "cannot hard link into {} ({}): making symbolic links",
                        quote_name(dir.as_os_str()),
                        crate::common::errno::describe(&err)
                    ));
                    symlinks = true;
                }
                Err(err) => {
                    return Err(Error::io(format!("cannot link {}", quote_name(target.as_os_str())), &err));
                }
            }
        }
        if symlinks {
            std::os::unix::fs::symlink(&symlink_text, &temp)
                .map_err(|e| Error::io(format!("cannot link {}", quote_name(target.as_os_str())), &e))?;
        }
        if let Err(err) = fs::rename(&temp, &target) {
            let _ = fs::remove_file(&temp);
            return Err(Error::io(format!("cannot replace {}", quote_name(target.as_os_str())), &err));
        }
        if symlinks { tally.symbolic += 1 } else { tally.hard += 1 }
    }

    let mut out = Output::stdout();
    let linked = tally.hard + tally.symbolic;
    let mut line = format!(
        "linkbox: {linked} names linked into {} ({} hard, {} symbolic)",
        String::from_utf8_lossy(dir.as_os_str().as_bytes()),
        tally.hard,
        tally.symbolic
    );
    if tally.kept > 0 {
        line.push_str(&format!(", {} kept", tally.kept));
    }
    out.write(line.as_bytes())?;
    out.write(b"\n")?;
    out.finish()?;
    Ok(status)
}

fn parse(args: Vec<OsString>) -> Result<Request, Error> {
    let mut request = Request { symlinks: false, force: false, dir: None };
    for arg in args {
        match arg.as_bytes() {
            b"-s" | b"--symlinks" => request.symlinks = true,
            b"-f" | b"--force" => request.force = true,
            b"-sf" | b"-fs" => (request.symlinks, request.force) = (true, true),
            option if option.starts_with(b"-") => {
                return Err(Error::usage(format!(
                    "unrecognized option '{}'",
                    String::from_utf8_lossy(option)
                )));
            }
            _ if request.dir.is_some() => {
                return Err(Error::usage(format!("extra operand {}", quote_name(&arg))));
            }
            _ => request.dir = Some(PathBuf::from(arg)),
        }
    }
    Ok(request)
}

fn examine(target: &Path, binary: &fs::Metadata, want_symlink: bool) -> Existing {
    let Ok(meta) = fs::symlink_metadata(target) else { return Existing::Missing };
    let same_file = |m: &fs::Metadata| m.dev() == binary.dev() && m.ino() == binary.ino();
    if meta.file_type().is_symlink() {
        return match fs::metadata(target) {
            Ok(resolved) if same_file(&resolved) && want_symlink => Existing::Current,
            Ok(resolved) if resolved.is_file() && is_linkbox(target) => Existing::Ours,
            Ok(_) => Existing::Foreign,
            // Dangling: ours if it pointed at a linkbox that has since moved.
            Err(_) => match fs::read_link(target) {
                Ok(text) if text.file_name().is_some_and(|n| n.as_bytes().starts_with(b"linkbox")) => {
                    Existing::Ours
                }
                _ => Existing::Foreign,
            },
        };
    }
    if meta.is_dir() {
        Existing::Directory
    } else if same_file(&meta) && !want_symlink {
        Existing::Current
    } else if meta.is_file() && is_linkbox(target) {
        Existing::Ours
    } else {
        Existing::Foreign
    }
}

/// A linkbox binary of any version carries the marker phrase.
fn is_linkbox(path: &Path) -> bool {
    let marker = MULTICALL_MARKER.as_bytes();
    fs::read(path).is_ok_and(|bytes| bytes.windows(marker.len()).any(|w| w == marker))
}

fn hard_links_impossible(err: &io::Error) -> bool {
    use nix::libc::{EMLINK, ENOSYS, ENOTSUP, EPERM, EXDEV};
    matches!(err.raw_os_error(), Some(EXDEV | EPERM | EMLINK | ENOTSUP | ENOSYS))
}
