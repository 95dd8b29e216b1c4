//! linkbox: one binary that becomes the program it is started as.

mod applets {
    include!(concat!(env!("OUT_DIR"), "/applets.rs"));
}
mod common;
mod install;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use common::Entry;
use common::error::{Error, finish, set_program_name, write_stderr};
use common::output::Output;

/// install.sh recognises a linkbox binary by this phrase (grep), so it must
/// stay in the binary: it is part of the usage text. The leading newline
/// makes it start a line of the file: BusyBox grep matches each line with
/// strstr, which a NUL earlier on the same line would stop.
pub const MULTICALL_MARKER: &str = "\nThis is a linkbox multi-call binary.";

/// The static (musl) builds' allocator; see Cargo.toml.
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

fn main() {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    std::process::exit(dispatch(argv0, args.collect()));
}

fn dispatch(argv0: OsString, args: Vec<OsString>) -> i32 {
    let name = applet_name(&argv0);
    if name.starts_with(b"linkbox") {
        return multicall(args);
    }
    match find_applet(name) {
        Some((applet, entry)) => {
            set_program_name(&argv0);
            entry(applet, args)
        }
        None => not_found(name),
    }
}

/// The basename of argv[0], without the `-` a login shell puts in front.
fn applet_name(argv0: &OsStr) -> &[u8] {
    let bytes = argv0.as_bytes();
    let base = bytes.rsplit(|&b| b == b'/').next().unwrap_or(bytes);
    base.strip_prefix(b"-").unwrap_or(base)
}

fn find_applet(name: &[u8]) -> Option<(&'static str, Entry)> {
    let table = applets::TABLE;
    table.binary_search_by(|(applet, _)| applet.as_bytes().cmp(name)).ok().map(|i| table[i])
}

fn not_found(name: &[u8]) -> i32 {
    let mut message = b"linkbox: applet not found: ".to_vec();
    message.extend_from_slice(name);
    message.push(b'\n');
    write_stderr(&message);
    127
}

/// `linkbox [--help | --version | --list | --install [-s] [-f] [DIR] | APPLET [ARGS]]`
fn multicall(mut args: Vec<OsString>) -> i32 {
    if args.is_empty() {
        return finish(print(&usage()));
    }
    let first = args.remove(0);
    match first.as_bytes() {
        b"--help" | b"-h" => finish(print(&usage())),
        b"--version" => finish(print(&format!("linkbox {}\n", env!("CARGO_PKG_VERSION")))),
        b"--list" => {
            let names: String = applets::TABLE.iter().map(|(name, _)| format!("{name}\n")).collect();
            finish(print(&names))
        }
        b"--install" => finish(install::run(args, applets::TABLE.iter().map(|(name, _)| *name))),
        option if option.starts_with(b"-") => {
            finish(Err(Error::usage(format!("unrecognized option '{}'", String::from_utf8_lossy(option)))))
        }
        name => match find_applet(name) {
            Some((applet, entry)) => {
                // Messages then say `ln: ...`, as when run through the link;
                // until here they said `linkbox: ...`.
                set_program_name(&first);
                entry(applet, args)
            }
            None => not_found(name),
        },
    }
}

fn print(text: &str) -> Result<i32, Error> {
    let mut out = Output::stdout();
    out.write(text.as_bytes())?;
    out.finish()?;
    Ok(0)
}

fn usage() -> String {
    let names: Vec<&str> = applets::TABLE.iter().map(|(name, _)| *name).collect();
    format!(
        "linkbox {version}{MULTICALL_MARKER}\n\
         One program that becomes the tool it is started as, by the name of its link.\n\
         \n\
         Usage: linkbox APPLET [ARGUMENT]...\n\
         \x20  or: APPLET [ARGUMENT]...         (through a link named APPLET)\n\
         \x20  or: linkbox --list               print the applet names, one a line\n\
         \x20  or: linkbox --install [-s] [-f] [DIR]\n\
         \x20                                   link every applet name to this binary in DIR\n\
         \x20                                   (default: the binary's directory); -s makes\n\
         \x20                                   symbolic links, -f replaces foreign files\n\
         \x20  or: linkbox --help | --version\n\
         \n\
         Applets: {applets}\n",
        version = env!("CARGO_PKG_VERSION"),
        applets = names.join(", ")
    )
}
