//! `stat`: file and file-system status, as GNU coreutils 9.1 prints it.
//!
//! Options become a [`Options`] value, the FORMAT is read once into pieces
//! ([`format`]), and each operand is queried (statx, or statfs with `-f`)
//! and printed through the directive tables ([`file`], [`filesystem`]).

mod file;
mod filesystem;
mod format;
mod mount_point;
mod printf;
mod sink;
mod time;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use clap::{Arg, ArgAction, Command};

use crate::common::args::{ParsedArgs, Syntax, applet_command, help_arg, parse, version_arg};
use crate::common::errno;
use crate::common::error::{Error, finish};
use crate::common::quote::{Style, quote, quote_name};
use file::{Cached, FilePrinter, FileStatus, statx_mask};
use filesystem::FileSystemStatus;
use format::{Format, Piece, Table};
use sink::Sink;

pub const NAMES: &[&str] = &["stat"];

pub fn main(applet: &'static str, args: Vec<OsString>) -> i32 {
    finish(run(applet, args))
}

/// A FORMAT given with `-c` or `--printf`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UserFormat {
    text: OsString,
    /// `--printf`: backslash escapes, and no newline added.
    printf: bool,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    follow_links: bool,
    file_system: bool,
    terse: bool,
    format: Option<UserFormat>,
    cached: Cached,
}

fn command(applet: &'static str) -> Command {
    // In the order of GNU stat's long_options.
    applet_command(applet, "Display file or file system status.")
        .override_usage(format!("{applet} [OPTION]... FILE..."))
        .arg(Arg::new("dereference").short('L').long("dereference").action(ArgAction::SetTrue).help("follow links"))
        .arg(
            Arg::new("file-system")
                .short('f')
                .long("file-system")
                .action(ArgAction::SetTrue)
                .help("display file system status instead of file status"),
        )
        .arg(Arg::new("format").short('c').long("format").value_name("FORMAT").help(
            "use the specified FORMAT instead of the default; output a newline after each use of FORMAT",
        ))
        .arg(Arg::new("printf").long("printf").value_name("FORMAT").help(
            "like --format, but interpret backslash escapes, and do not output a mandatory trailing newline; \
             if you want a newline, include \\n in FORMAT",
        ))
        .arg(
            Arg::new("terse")
                .short('t')
                .long("terse")
                .action(ArgAction::SetTrue)
                .help("print the information in terse form"),
        )
        .arg(Arg::new("cached").long("cached").value_name("MODE").help(
            "specify how to use cached attributes (always, never, or default); useful on remote file systems",
        ))
        .arg(help_arg())
        .arg(version_arg())
        .arg(Arg::new("FILE").num_args(1..).help("the files to describe; - is standard input"))
        .after_help(DIRECTIVES_HELP)
}

const DIRECTIVES_HELP: &str = "\
The valid format sequences for files (without --file-system):
  %a   permission bits in octal (note '#' and '0' printf flags)
  %A   permission bits and file type in human readable form
  %b   number of blocks allocated (see %B)
  %B   the size in bytes of each block reported by %b
  %C   SELinux security context string
  %d   device number in decimal (st_dev)
  %D   device number in hex (st_dev)
  %Hd  major device number in decimal
  %Ld  minor device number in decimal
  %f   raw mode in hex
  %F   file type
  %g   group ID of owner
  %G   group name of owner
  %h   number of hard links
  %i   inode number
  %m   mount point
  %n   file name
  %N   quoted file name with dereference if symbolic link
  %o   optimal I/O transfer size hint
  %s   total size, in bytes
  %r   device type in decimal (st_rdev)
  %R   device type in hex (st_rdev)
  %Hr  major device type in decimal, for character/block device special files
  %Lr  minor device type in decimal, for character/block device special files
  %t   major device type in hex, for character/block device special files
  %T   minor device type in hex, for character/block device special files
  %u   user ID of owner
  %U   user name of owner
  %w   time of file birth, human-readable; - if unknown
  %W   time of file birth, seconds since Epoch; 0 if unknown
  %x   time of last access, human-readable
  %X   time of last access, seconds since Epoch
  %y   time of last data modification, human-readable
  %Y   time of last data modification, seconds since Epoch
  %z   time of last status change, human-readable
  %Z   time of last status change, seconds since Epoch

Valid format sequences for file systems:
  %a   free blocks available to non-superuser
  %b   total data blocks in file system
  %c   total file nodes in file system
  %d   free file nodes in file system
  %f   free blocks in file system
  %i   file system ID in hex
  %l   maximum length of filenames
  %n   file name
  %s   block size (for faster transfers)
  %S   fundamental block size (for block counts)
  %t   file system type in hex
  %T   file system type in human readable form

--terse is equivalent to the following FORMAT:
    %n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o %C
--terse --file-system is equivalent to the following FORMAT:
    %n %i %l %t %s %S %b %f %a %c %d";

impl Options {
    /// GNU semantics: the last `-c`/`--printf` wins, `--cached` is checked
    /// as it comes.
    fn from_parsed(parsed: &ParsedArgs) -> Result<Options, Error> {
        let mut options = Options::default();
        for opt in &parsed.options {
            let value = opt.value.clone().unwrap_or_default();
            match opt.id() {
                "dereference" => options.follow_links = true,
                "file-system" => options.file_system = true,
                "terse" => options.terse = true,
                "format" => options.format = Some(UserFormat { text: value, printf: false }),
                "printf" => options.format = Some(UserFormat { text: value, printf: true }),
                "cached" => options.cached = cached_mode(&value)?,
                _ => {}
            }
        }
        Ok(options)
    }
}

/// Why a value matched no choice.
#[derive(Debug, PartialEq, Eq)]
enum NoMatch {
    Invalid,
    /// An abbreviation of several.
    Ambiguous,
}

/// GNU's argmatch: an exact name, or an abbreviation of exactly one.
fn argmatch<T: Copy>(value: &[u8], choices: &[(&str, T)]) -> Result<T, NoMatch> {
    if let Some(&(_, exact)) = choices.iter().find(|(name, _)| name.as_bytes() == value) {
        return Ok(exact);
    }
    let mut matches = choices.iter().filter(|(name, _)| name.as_bytes().starts_with(value));
    match (matches.next(), matches.next()) {
        (Some(&(_, only)), None) => Ok(only),
        (Some(_), Some(_)) => Err(NoMatch::Ambiguous),
        _ => Err(NoMatch::Invalid),
    }
}

fn cached_mode(value: &OsStr) -> Result<Cached, Error> {
    const MODES: [(&str, Cached); 3] = [("default", Cached::Default), ("never", Cached::Never), ("always", Cached::Always)];
    argmatch(value.as_bytes(), &MODES).map_err(|no_match| {
        let problem = if no_match == NoMatch::Ambiguous { "ambiguous" } else { "invalid" };
        let valid: String = MODES.iter().map(|(name, _)| format!("\n  - {}", quote(name.as_bytes()))).collect();
        Error::usage(format!(
            "{problem} argument {} for {}\nValid arguments are:{valid}",
            quote(value.as_bytes()),
            quote(b"--cached")
        ))
    })
}

/// GNU's `getenv_quoting_style`: QUOTING_STYLE, else shell-escape-always
/// (with a warning when the value names no style).
fn quoting_from_environment(sink: &mut Sink) -> Result<Style, Error> {
    const STYLES: [(&str, Style); 10] = [
        ("literal", Style::Literal),
        ("shell", Style::Shell),
        ("shell-always", Style::ShellAlways),
        ("shell-escape", Style::ShellEscape),
        ("shell-escape-always", Style::ShellEscapeAlways),
        ("c", Style::C),
        ("c-maybe", Style::CMaybe),
        ("escape", Style::Escape),
        ("locale", Style::Locale),
        ("clocale", Style::CLocale),
    ];
    let Some(value) = std::env::var_os("QUOTING_STYLE") else { return Ok(Style::ShellEscapeAlways) };
    match argmatch(value.as_bytes(), &STYLES) {
        Ok(style) => Ok(style),
        Err(_) => {
            let message = format!(
                "ignoring invalid value of environment variable QUOTING_STYLE: {}",
                quote(value.as_bytes())
            );
            sink.warn(message)?;
            Ok(Style::ShellEscapeAlways)
        }
    }
}

/// libselinux's `is_selinux_enabled`, as far as it matters here: selinuxfs
/// is mounted. It adds `%C` to the default formats.
fn selinux_enabled() -> bool {
    const SELINUX_MAGIC: u64 = 0xF97C_FF8C;
    FileSystemStatus::query(OsStr::new("/sys/fs/selinux")).is_ok_and(|fs| fs.type_magic() == SELINUX_MAGIC)
}

/// GNU stat's built-in formats.
fn default_format(file_system: bool, terse: bool, device: bool) -> String {
    if file_system {
        return if terse {
            "%n %i %l %t %s %S %b %f %a %c %d\n".to_string()
        } else {
            "  File: \"%n\"\n    ID: %-8i Namelen: %-7l Type: %T\n\
             Block size: %-10s Fundamental block size: %S\n\
             Blocks: Total: %-10b Free: %-10f Available: %a\n\
             Inodes: Total: %-10c Free: %d\n"
                .to_string()
        };
    }
    let selinux = selinux_enabled();
    if terse {
        let context = if selinux { " %C" } else { "" };
        return format!("%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o{context}\n");
    }
    let mut format = String::from("  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n");
    format.push_str(if device {
        "Device: %Hd,%Ld\tInode: %-10i  Links: %-5h Device type: %Hr,%Lr\n"
    } else {
        "Device: %Hd,%Ld\tInode: %-10i  Links: %h\n"
    });
    format.push_str("Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\n");
    if selinux {
        format.push_str("Context: %C\n");
    }
    format.push_str("Access: %x\nModify: %y\nChange: %z\n Birth: %w\n");
    format
}

/// The format for most files, and the one for device files: GNU's
/// default shows their device type; a user format serves both.
struct Formats {
    regular: Format,
    device: Option<Format>,
}

impl Formats {
    fn new(options: &Options, table: Table) -> Formats {
        match &options.format {
            Some(user) => {
                let trailing: &[u8] = if user.printf { b"" } else { b"\n" };
                Formats { regular: Format::parse(user.text.as_bytes(), user.printf, table, trailing), device: None }
            }
            None => {
                let parse = |device| {
                    let text = default_format(options.file_system, options.terse, device);
                    Format::parse(text.as_bytes(), false, table, b"")
                };
                Formats { regular: parse(false), device: Some(parse(true)) }
            }
        }
    }

    fn for_file(&self, is_device: bool) -> &Format {
        match &self.device {
            Some(device) if is_device => device,
            _ => &self.regular,
        }
    }
}

fn run(applet: &'static str, args: Vec<OsString>) -> Result<i32, Error> {
    let parsed = parse(command(applet), args, Syntax::COREUTILS)?;
    let options = Options::from_parsed(&parsed)?;
    if parsed.operands.is_empty() {
        return Err(Error::usage("missing operand"));
    }
    let mut sink = Sink::new();
    let table = if options.file_system { Table::FileSystem } else { Table::File };
    let formats = Formats::new(&options, table);
    // GNU reads QUOTING_STYLE only for a FORMAT containing "%N" as such.
    let asks_for_quoting =
        options.format.as_ref().is_some_and(|user| user.text.as_bytes().windows(2).any(|pair| pair == b"%N"));
    let quoting = if asks_for_quoting { quoting_from_environment(&mut sink)? } else { Style::Literal };

    let printed = print_operands(&mut sink, &options, &formats, quoting, &parsed.operands);
    if printed.is_err() {
        // A fatal error mid-line: what was printed goes out before the
        // message, as GNU's error() flushes stdout first.
        let _ = sink.flush();
    }
    let all_ok = printed?;
    sink.finish()?;
    Ok(if all_ok { 0 } else { 1 })
}

/// Every operand in turn; `Ok(false)` when any failed.
fn print_operands(
    sink: &mut Sink,
    options: &Options,
    formats: &Formats,
    quoting: Style,
    operands: &[OsString],
) -> Result<bool, Error> {
    let mut all_ok = true;
    if options.file_system {
        for name in operands {
            all_ok &= print_file_system(sink, &formats.regular, name)?;
        }
    } else {
        crate::common::strftime::prefer_time_zone_files();
        let mask = formats.regular.letters().fold(0, |mask, letter| mask | statx_mask(letter));
        let mut printer = FilePrinter::new(options.follow_links, quoting);
        for name in operands {
            all_ok &= print_file(sink, &mut printer, formats, options, mask, name)?;
        }
    }
    Ok(all_ok)
}

fn print_file(
    sink: &mut Sink,
    printer: &mut FilePrinter,
    formats: &Formats,
    options: &Options,
    mask: u32,
    name: &OsStr,
) -> Result<bool, Error> {
    let status = match FileStatus::query(name, options.follow_links, options.cached, mask) {
        Ok(status) => status,
        Err(err) => {
            let words = errno::describe(&err);
            if name.as_bytes() == b"-" {
                sink.warn(format!("cannot stat standard input: {words}"))?;
            } else {
                sink.warn(format!("cannot statx {}: {words}", quote_name(name)))?;
            }
            return Ok(false);
        }
    };
    print_pieces(sink, formats.for_file(status.is_device()), |sink, directive| printer.render(sink, directive, &status, name))
}

fn print_file_system(sink: &mut Sink, format: &Format, name: &OsStr) -> Result<bool, Error> {
    if name.as_bytes() == b"-" {
        let message =
            format!("using {} to denote standard input does not work in file system mode", quote_name(name));
        sink.warn(message)?;
        return Ok(false);
    }
    let status = match FileSystemStatus::query(name) {
        Ok(status) => status,
        Err(err) => {
            let words = errno::describe(&err);
            sink.warn(format!("cannot read file system information for {}: {words}", quote_name(name)))?;
            return Ok(false);
        }
    };
    print_pieces(sink, format, |sink, directive| {
        status.render(&mut sink.line, directive, name);
        Ok(true)
    })
}

/// Prints one use of the format; `Ok(false)` when a directive failed.
fn print_pieces(
    sink: &mut Sink,
    format: &Format,
    mut directive: impl FnMut(&mut Sink, &format::Directive) -> Result<bool, Error>,
) -> Result<bool, Error> {
    let mut ok = true;
    for piece in &format.pieces {
        match piece {
            Piece::Text(text) => sink.line.extend_from_slice(text),
            Piece::Directive(d) => ok &= directive(sink, d)?,
            Piece::Warning(message) => sink.warn(message)?,
            Piece::Invalid(text) => return Err(Error::new(format!("{}: invalid directive", quote(text)))),
        }
    }
    sink.end_file()?;
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(args: &[&str]) -> Result<Options, Error> {
        let parsed = parse(command("stat"), args.iter().map(OsString::from).collect(), Syntax::COREUTILS)?;
        Options::from_parsed(&parsed)
    }

    #[test]
    fn last_format_wins_and_cached_abbreviates() {
        let parsed = options(&["-c", "%s", "--printf=%n", "-L", "--cached=al", "-tf", "x"]).unwrap();
        assert_eq!(
            parsed,
            Options {
                follow_links: true,
                file_system: true,
                terse: true,
                format: Some(UserFormat { text: "%n".into(), printf: true }),
                cached: Cached::Always,
            }
        );
        let parsed = options(&["--printf=%n", "--format", "%s", "x"]).unwrap();
        assert_eq!(parsed.format, Some(UserFormat { text: "%s".into(), printf: false }));
        assert!(options(&["--cached=x"]).is_err());
    }

    #[test]
    fn argmatch_as_gnu() {
        let choices = [("literal", 1), ("locale", 2), ("shell", 3), ("shell-always", 4)];
        assert_eq!(argmatch(b"lit", &choices), Ok(1));
        assert_eq!(argmatch(b"shell", &choices), Ok(3));
        assert_eq!(argmatch(b"l", &choices), Err(NoMatch::Ambiguous));
        assert_eq!(argmatch(b"", &choices), Err(NoMatch::Ambiguous));
        assert_eq!(argmatch(b"x", &choices), Err(NoMatch::Invalid));
    }
}
