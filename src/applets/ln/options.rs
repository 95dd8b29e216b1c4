//! ln's command line: the options defined once, folded into [`Options`]
//! with GNU's semantics (the last of `-f`/`-i` and of `-L`/`-P` wins), and
//! GNU's help text.

use std::ffi::OsString;

use clap::{Arg, ArgAction, Command};

use super::backup::BackupRequest;
use crate::common::args::{Opt, Syntax, applet_command, help_arg, parse_with, version_arg};
use crate::common::error::{Error, program_name};
use crate::common::quote::quote_name;

/// What to do when the destination exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Fail with `File exists` (the default).
    Refuse,
    /// `-f`: replace it.
    Replace,
    /// `-i`: ask on stderr, replace on a yes.
    Ask,
}

#[derive(Debug)]
pub struct Options {
    pub symbolic: bool,
    /// `-r`: symbolic links relative to the link's directory.
    pub relative: bool,
    /// `-L`: hard link to what a symlink TARGET points to (default `-P`).
    pub logical: bool,
    /// `-d`/`-F`: let the kernel decide on hard links to directories.
    pub hard_dir_link: bool,
    pub existing: Existing,
    /// Cleared by `-n`: a LINK_NAME that is a symlink to a directory is
    /// then a file to replace, not the directory to link into.
    pub dereference_dest_dir_symlinks: bool,
    pub no_target_directory: bool,
    /// `-t DIR`, checked to be a directory when it was read.
    pub target_directory: Option<OsString>,
    pub verbose: bool,
    pub backup: BackupRequest,
    pub operands: Vec<OsString>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            symbolic: false,
            relative: false,
            logical: false,
            hard_dir_link: false,
            existing: Existing::Refuse,
            dereference_dest_dir_symlinks: true,
            no_target_directory: false,
            target_directory: None,
            verbose: false,
            backup: BackupRequest::default(),
            operands: Vec::new(),
        }
    }
}

impl Options {
    /// One option, as GNU's getopt loop handles it.
    fn apply(&mut self, opt: &Opt) -> Result<(), Error> {
        match opt.id() {
            "backup" | "b" => {
                self.backup.wanted = true;
                // `-b` after `--backup=t` keeps `t`, as GNU's loop only
                // stores a control it is given.
                if let Some(control) = &opt.value {
                    self.backup.control = Some(control.clone());
                }
            }
            "directory" => self.hard_dir_link = true,
            "no-dereference" => self.dereference_dest_dir_symlinks = false,
            "no-target-directory" => self.no_target_directory = true,
            "force" => self.existing = Existing::Replace,
            "interactive" => self.existing = Existing::Ask,
            "suffix" => {
                // GNU: -S alone turns backups on.
                self.backup.wanted = true;
                self.backup.suffix = opt.value.clone();
            }
            "target-directory" => self.set_target_directory(opt.value.clone().unwrap_or_default())?,
            "logical" => self.logical = true,
            "physical" => self.logical = false,
            "relative" => self.relative = true,
            "symbolic" => self.symbolic = true,
            "verbose" => self.verbose = true,
            _ => {}
        }
        Ok(())
    }

    /// GNU checks `-t DIR` on the spot, following symlinks (even with -n).
    fn set_target_directory(&mut self, dir: OsString) -> Result<(), Error> {
        if self.target_directory.is_some() {
            return Err(Error::new("multiple target directories specified"));
        }
        let meta = std::fs::metadata(&dir)
            .map_err(|err| Error::io(format!("failed to access {}", quote_name(&dir)), &err))?;
        if !meta.is_dir() {
            return Err(Error::new(format!("target {} is not a directory", quote_name(&dir))));
        }
        self.target_directory = Some(dir);
        Ok(())
    }
}

pub fn parse(applet: &'static str, args: Vec<OsString>) -> Result<Options, Error> {
    let mut options = Options::default();
    let parsed = parse_with(command(applet), args, Syntax::COREUTILS, |opt| options.apply(opt))?;
    options.operands = parsed.operands;
    Ok(options)
}

/// The options in the order of GNU ln's `long_options` (ambiguity messages
/// list candidates in that order); short-only `-b` and `-d` are aliases.
fn command(applet: &'static str) -> Command {
    let flag = |id: &'static str, help: &'static str| Arg::new(id).long(id).action(ArgAction::SetTrue).help(help);
    applet_command(applet, "make links between files")
        .override_help(help_text())
        .arg(
            Arg::new("backup")
                .long("backup")
                .num_args(0..=1)
                .require_equals(true)
                .value_name("CONTROL")
                .help("make a backup of each existing destination file"),
        )
        // GNU's `-b` takes no argument (`-bf` is `-b -f`), unlike --backup.
        .arg(Arg::new("b").short('b').action(ArgAction::SetTrue).help("like --backup but does not accept an argument"))
        .arg(flag("directory", "allow the superuser to attempt to hard link directories").short('F').short_alias('d'))
        .arg(flag("no-dereference", "treat LINK_NAME as a normal file if it is a symbolic link to a directory").short('n'))
        .arg(flag("no-target-directory", "treat LINK_NAME as a normal file always").short('T'))
        .arg(flag("force", "remove existing destination files").short('f'))
        .arg(flag("interactive", "prompt whether to remove destinations").short('i'))
        .arg(Arg::new("suffix").long("suffix").short('S').value_name("SUFFIX").help("override the usual backup suffix"))
        .arg(
            Arg::new("target-directory")
                .long("target-directory")
                .short('t')
                .value_name("DIRECTORY")
                .help("specify the DIRECTORY in which to create the links"),
        )
        .arg(flag("logical", "dereference TARGETs that are symbolic links").short('L'))
        .arg(flag("physical", "make hard links directly to symbolic links").short('P'))
        .arg(flag("relative", "with -s, create links relative to link location").short('r'))
        .arg(flag("symbolic", "make symbolic links instead of hard links").short('s'))
        .arg(flag("verbose", "print name of each linked file").short('v'))
        .arg(help_arg())
        .arg(version_arg())
}

/// GNU ln 9.1's `--help`, word for word, up to its closing pointers to the
/// GNU web pages (which are not ours to print).
fn help_text() -> String {
    let name = String::from_utf8_lossy(std::os::unix::ffi::OsStrExt::as_bytes(program_name())).into_owned();
    format!(
        "\
Usage: {name} [OPTION]... [-T] TARGET LINK_NAME
  or:  {name} [OPTION]... TARGET
  or:  {name} [OPTION]... TARGET... DIRECTORY
  or:  {name} [OPTION]... -t DIRECTORY TARGET...
In the 1st form, create a link to TARGET with the name LINK_NAME.
In the 2nd form, create a link to TARGET in the current directory.
In the 3rd and 4th forms, create links to each TARGET in DIRECTORY.
Create hard links by default, symbolic links with --symbolic.
By default, each destination (name of new link) should not already exist.
When creating hard links, each TARGET must exist.  Symbolic links
can hold arbitrary text; if later resolved, a relative link is
interpreted in relation to its parent directory.

Mandatory arguments to long options are mandatory for short options too.
      --backup[=CONTROL]      make a backup of each existing destination file
  -b                          like --backup but does not accept an argument
  -d, -F, --directory         allow the superuser to attempt to hard link
                                directories (note: will probably fail due to
                                system restrictions, even for the superuser)
  -f, --force                 remove existing destination files
  -i, --interactive           prompt whether to remove destinations
  -L, --logical               dereference TARGETs that are symbolic links
  -n, --no-dereference        treat LINK_NAME as a normal file if
                                it is a symbolic link to a directory
  -P, --physical              make hard links directly to symbolic links
  -r, --relative              with -s, create links relative to link location
  -s, --symbolic              make symbolic links instead of hard links
  -S, --suffix=SUFFIX         override the usual backup suffix
  -t, --target-directory=DIRECTORY  specify the DIRECTORY in which to create
                                the links
  -T, --no-target-directory   treat LINK_NAME as a normal file always
  -v, --verbose               print name of each linked file
      --help        display this help and exit
      --version     output version information and exit

The backup suffix is '~', unless set with --suffix or SIMPLE_BACKUP_SUFFIX.
The version control method may be selected via the --backup option or through
the VERSION_CONTROL environment variable.  Here are the values:

  none, off       never make backups (even if --backup is given)
  numbered, t     make numbered backups
  existing, nil   numbered if numbered backups exist, simple otherwise
  simple, never   always make simple backups

Using -s ignores -L and -P.  Otherwise, the last option specified controls
behavior when a TARGET is a symbolic link, defaulting to -P.
"
    )
}
