//! du's command line: the options defined once, folded into [`Options`] the
//! way GNU du 9.1's getopt loop and the checks after it do, and its help.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use clap::{Arg, ArgAction, Command};

use super::exclude::Exclusions;
use crate::common::argmatch::xargmatch;
use crate::common::args::{Opt, Syntax, applet_command, help_arg, parse_with, version_arg};
use crate::common::error::{Error, program_name, warn};
use crate::common::quote::{quote, quote_name_if_needed};
use crate::common::size::{BlockSize, Parsed, xstrtoimax, xstrtoumax};

/// Which symbolic links the walk follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dereference {
    /// `-P` (the default): none.
    Never,
    /// `-D`/`-H`: those named on the command line.
    Arguments,
    /// `-L`: all.
    Always,
}

/// The time `--time` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    Modification,
    Access,
    Change,
}

#[derive(Debug)]
pub struct Options {
    pub all: bool,
    pub apparent_size: bool,
    pub block_size: BlockSize,
    pub count_links: bool,
    pub dereference: Dereference,
    pub one_file_system: bool,
    pub separate_dirs: bool,
    /// Print directories (and with `-a` files) at most this deep.
    pub max_depth: usize,
    pub threshold: i64,
    pub inodes: bool,
    pub total: bool,
    pub null_terminate: bool,
    /// `--time`: which time, and the strftime format it is shown in.
    pub time: Option<(TimeKind, Vec<u8>)>,
    pub exclusions: Exclusions,
    pub files0_from: Option<OsString>,
    pub operands: Vec<OsString>,
}

/// What the getopt loop collects before the checks after it.
struct Collected {
    options: Options,
    summarize: bool,
    max_depth: Option<usize>,
    time_kind: Option<TimeKind>,
    time_style: Option<Vec<u8>>,
    /// An error was printed; usage follows once the loop is done.
    failed: bool,
}

impl Collected {
    fn apply(&mut self, opt: &Opt) -> Result<(), Error> {
        let value = || opt.value.clone().unwrap_or_default().into_vec();
        let o = &mut self.options;
        match opt.id() {
            "null" => o.null_terminate = true,
            "all" => o.all = true,
            "apparent-size" => o.apparent_size = true,
            "bytes" => {
                o.apparent_size = true;
                o.block_size = BlockSize::plain(1);
            }
            "total" => o.total = true,
            "human-readable" => o.block_size = BlockSize::HUMAN,
            "si" => o.block_size = BlockSize::SI,
            "k" => o.block_size = BlockSize::plain(1024),
            "m" => o.block_size = BlockSize::plain(1024 * 1024),
            "max-depth" => {
                let text = value();
                match xstrtoumax(&text, b"") {
                    Parsed { value, error: None } => {
                        self.max_depth = Some(usize::try_from(value).unwrap_or(usize::MAX));
                    }
                    _ => {
                        warn(format!("invalid maximum depth {}", quote(&text)));
                        self.failed = true;
                    }
                }
            }
            "count-links" => o.count_links = true,
            "summarize" => self.summarize = true,
            "threshold" => {
                let text = value();
                let parsed = xstrtoimax(&text, b"kKmMGTPEZY0");
                if let Some(error) = parsed.error {
                    return Err(Error::new(error.message(option_name(opt, "-t", "--threshold"), &text)));
                }
                if parsed.value == 0 && text.first() == Some(&b'-') {
                    return Err(Error::new("invalid --threshold argument '-0'"));
                }
                o.threshold = parsed.value;
            }
            "one-file-system" => o.one_file_system = true,
            "block-size" => {
                let text = value();
                match BlockSize::parse(Some(&text)) {
                    (size, None) => o.block_size = size,
                    (_, Some(error)) => {
                        return Err(Error::new(error.message(option_name(opt, "-B", "--block-size"), &text)));
                    }
                }
            }
            "dereference-args" => o.dereference = Dereference::Arguments,
            "dereference" => o.dereference = Dereference::Always,
            "no-dereference" => o.dereference = Dereference::Never,
            "separate-dirs" => o.separate_dirs = true,
            "exclude-from" => {
                let file = opt.value.clone().unwrap_or_default();
                if let Err(err) = o.exclusions.add_file(&file) {
                    warn(format!("{}: {}", quote_name_if_needed(&file), crate::common::errno::describe(&err)));
                    self.failed = true;
                }
            }
            "files0-from" => o.files0_from = opt.value.clone(),
            "exclude" => o.exclusions.add(&value()),
            "inodes" => o.inodes = true,
            "time" => {
                const TIMES: [(&str, TimeKind); 5] = [
                    ("atime", TimeKind::Access),
                    ("access", TimeKind::Access),
                    ("use", TimeKind::Access),
                    ("ctime", TimeKind::Change),
                    ("status", TimeKind::Change),
                ];
                self.time_kind = Some(match &opt.value {
                    Some(word) => xargmatch("--time", word.as_bytes(), &TIMES)?,
                    None => TimeKind::Modification,
                });
            }
            "time-style" => self.time_style = Some(value()),
            _ => {}
        }
        Ok(())
    }
}


/// `-t` or `--threshold`, as the option was spelled (gnulib's
/// `xstrtol_fatal` names it so).
fn option_name(opt: &Opt, short: &'static str, long: &'static str) -> &'static str {
    if opt.spelled_long { long } else { short }
}

pub fn parse(applet: &'static str, args: Vec<OsString>) -> Result<Options, Error> {
    // DU_BLOCK_SIZE, else BLOCK_SIZE, else BLOCKSIZE; a bad value is ignored.
    let block_size = match std::env::var_os("DU_BLOCK_SIZE") {
        Some(value) => BlockSize::parse(Some(value.as_bytes())).0,
        None => BlockSize::parse(None).0,
    };
    let mut collected = Collected {
        options: Options {
            all: false,
            apparent_size: false,
            block_size,
            count_links: false,
            dereference: Dereference::Never,
            one_file_system: false,
            separate_dirs: false,
            max_depth: usize::MAX,
            threshold: 0,
            inodes: false,
            total: false,
            null_terminate: false,
            time: None,
            exclusions: Exclusions::default(),
            files0_from: None,
            operands: Vec::new(),
        },
        summarize: false,
        max_depth: None,
        time_kind: None,
        time_style: None,
        failed: false,
    };
    let parsed = parse_with(command(applet), args, Syntax::COREUTILS, |opt| collected.apply(opt))?;
    if collected.failed {
        return Err(Error::try_help_only());
    }
    let mut options = collected.options;
    options.operands = parsed.operands;
    if options.all && collected.summarize {
        return Err(Error::usage("cannot both summarize and show all entries"));
    }
    match (collected.summarize, collected.max_depth) {
        (true, Some(0)) => warn("warning: summarizing is the same as using --max-depth=0"),
        (true, Some(depth)) => {
            return Err(Error::usage(format!("warning: summarizing conflicts with --max-depth={depth}")));
        }
        _ => {}
    }
    options.max_depth = if collected.summarize { 0 } else { collected.max_depth.unwrap_or(usize::MAX) };
    if options.inodes {
        if options.apparent_size {
            warn("warning: options --apparent-size and -b are ineffective with --inodes");
        }
        options.block_size.bytes = 1;
    }
    if let Some(kind) = collected.time_kind {
        options.time = Some((kind, time_format(collected.time_style)?));
    }
    if options.files0_from.is_some()
        && let Some(extra) = options.operands.first()
    {
        return Err(Error::usage(format!(
            "extra operand {}\nfile operands cannot be combined with --files0-from",
            quote(extra.as_bytes())
        )));
    }
    Ok(options)
}

/// The strftime format of `--time-style` (else TIME_STYLE, else long-iso).
fn time_format(style: Option<Vec<u8>>) -> Result<Vec<u8>, Error> {
    let style = match style {
        Some(style) => style,
        None => match std::env::var_os("TIME_STYLE").map(OsString::into_vec) {
            None => b"long-iso".to_vec(),
            Some(value) if value == b"locale" => b"long-iso".to_vec(),
            // As ls: anything after a newline is for recent times; ignored.
            Some(value) if value.starts_with(b"+") => value.split(|&b| b == b'\n').next().unwrap_or_default().to_vec(),
            Some(mut value) => {
                while let Some(rest) = value.strip_prefix(b"posix-") {
                    value = rest.to_vec();
                }
                value
            }
        },
    };
    if let Some(format) = style.strip_prefix(b"+") {
        return Ok(format.to_vec());
    }
    const STYLES: [(&str, &str); 3] =
        [("full-iso", "%Y-%m-%d %H:%M:%S.%N %z"), ("long-iso", "%Y-%m-%d %H:%M"), ("iso", "%Y-%m-%d")];
    Ok(xargmatch("time style", &style, &STYLES)?.as_bytes().to_vec())
}

/// The options in the order of GNU du's `long_options` (ambiguity messages
/// list candidates in that order); `-H`, `-k` and `-m` are short only.
fn command(applet: &'static str) -> Command {
    let flag = |id: &'static str, help: &'static str| Arg::new(id).long(id).action(ArgAction::SetTrue).help(help);
    let value = |id: &'static str, name: &'static str, help: &'static str| {
        Arg::new(id).long(id).value_name(name).action(ArgAction::Append).help(help)
    };
    applet_command(applet, "Summarize device usage of the set of FILEs, recursively for directories.")
        .override_help(help_text())
        .arg(flag("all", "write counts for all files, not just directories").short('a'))
        .arg(flag("apparent-size", "print apparent sizes rather than device usage"))
        .arg(value("block-size", "SIZE", "scale sizes by SIZE before printing them").short('B'))
        .arg(flag("bytes", "equivalent to '--apparent-size --block-size=1'").short('b'))
        .arg(flag("count-links", "count sizes many times if hard linked").short('l'))
        .arg(flag("dereference", "dereference all symbolic links").short('L'))
        .arg(
            flag("dereference-args", "dereference only symlinks that are listed on the command line")
                .short('D')
                .short_alias('H'),
        )
        .arg(value("exclude", "PATTERN", "exclude files that match PATTERN"))
        .arg(value("exclude-from", "FILE", "exclude files that match any pattern in FILE").short('X'))
        .arg(value("files0-from", "F", "summarize device usage of the NUL-terminated file names in file F"))
        .arg(flag("human-readable", "print sizes in human readable format (e.g., 1K 234M 2G)").short('h'))
        .arg(flag("inodes", "list inode usage information instead of block usage"))
        .arg(flag("si", "like -h, but use powers of 1000 not 1024"))
        .arg(value("max-depth", "N", "print the total for a directory only if it is N or fewer levels below").short('d'))
        .arg(flag("null", "end each output line with NUL, not newline").short('0'))
        .arg(flag("no-dereference", "don't follow any symbolic links (this is the default)").short('P'))
        .arg(flag("one-file-system", "skip directories on different file systems").short('x'))
        .arg(flag("separate-dirs", "for directories do not include size of subdirectories").short('S'))
        .arg(flag("summarize", "display only a total for each argument").short('s'))
        .arg(flag("total", "produce a grand total").short('c'))
        .arg(value("threshold", "SIZE", "exclude entries smaller than SIZE if positive, or greater if negative").short('t'))
        .arg(
            Arg::new("time")
                .long("time")
                .num_args(0..=1)
                .require_equals(true)
                .value_name("WORD")
                .help("show the time of the last modification, or WORD's time, of any file below"),
        )
        .arg(value("time-style", "STYLE", "show times using STYLE: full-iso, long-iso, iso, or +FORMAT"))
        .arg(Arg::new("k").short('k').action(ArgAction::SetTrue).help("like --block-size=1K"))
        .arg(Arg::new("m").short('m').action(ArgAction::SetTrue).help("like --block-size=1M"))
        .arg(help_arg())
        .arg(version_arg())
}

/// GNU du 9.1's `--help`, word for word, up to its closing pointers to the
/// GNU web pages (which are not ours to print).
fn help_text() -> String {
    let name = String::from_utf8_lossy(program_name().as_bytes()).into_owned();
    format!(
        "\
Usage: {name} [OPTION]... [FILE]...
  or:  {name} [OPTION]... --files0-from=F
Summarize device usage of the set of FILEs, recursively for directories.

Mandatory arguments to long options are mandatory for short options too.
  -0, --null            end each output line with NUL, not newline
  -a, --all             write counts for all files, not just directories
      --apparent-size   print apparent sizes rather than device usage; although
                          the apparent size is usually smaller, it may be
                          larger due to holes in ('sparse') files, internal
                          fragmentation, indirect blocks, and the like
  -B, --block-size=SIZE  scale sizes by SIZE before printing them; e.g.,
                           '-BM' prints sizes in units of 1,048,576 bytes;
                           see SIZE format below
  -b, --bytes           equivalent to '--apparent-size --block-size=1'
  -c, --total           produce a grand total
  -D, --dereference-args  dereference only symlinks that are listed on the
                          command line
  -d, --max-depth=N     print the total for a directory (or file, with --all)
                          only if it is N or fewer levels below the command
                          line argument;  --max-depth=0 is the same as
                          --summarize
      --files0-from=F   summarize device usage of the
                          NUL-terminated file names specified in file F;
                          if F is -, then read names from standard input
  -H                    equivalent to --dereference-args (-D)
  -h, --human-readable  print sizes in human readable format (e.g., 1K 234M 2G)
      --inodes          list inode usage information instead of block usage
  -k                    like --block-size=1K
  -L, --dereference     dereference all symbolic links
  -l, --count-links     count sizes many times if hard linked
  -m                    like --block-size=1M
  -P, --no-dereference  don't follow any symbolic links (this is the default)
  -S, --separate-dirs   for directories do not include size of subdirectories
      --si              like -h, but use powers of 1000 not 1024
  -s, --summarize       display only a total for each argument
  -t, --threshold=SIZE  exclude entries smaller than SIZE if positive,
                          or entries greater than SIZE if negative
      --time            show time of the last modification of any file in the
                          directory, or any of its subdirectories
      --time=WORD       show time as WORD instead of modification time:
                          atime, access, use, ctime or status
      --time-style=STYLE  show times using STYLE, which can be:
                            full-iso, long-iso, iso, or +FORMAT;
                            FORMAT is interpreted like in 'date'
  -X, --exclude-from=FILE  exclude files that match any pattern in FILE
      --exclude=PATTERN    exclude files that match PATTERN
  -x, --one-file-system    skip directories on different file systems
      --help        display this help and exit
      --version     output version information and exit

Display values are in units of the first available SIZE from --block-size,
and the DU_BLOCK_SIZE, BLOCK_SIZE and BLOCKSIZE environment variables.
Otherwise, units default to 1024 bytes (or 512 if POSIXLY_CORRECT is set).

The SIZE argument is an integer and optional unit (example: 10K is 10*1024).
Units are K,M,G,T,P,E,Z,Y (powers of 1024) or KB,MB,... (powers of 1000).
Binary prefixes can be used, too: KiB=K, MiB=M, and so on.
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::size::NumberError;

    #[test]
    fn time_styles() {
        assert_eq!(time_format(Some(b"full".to_vec())).unwrap(), b"%Y-%m-%d %H:%M:%S.%N %z");
        assert_eq!(time_format(Some(b"+%s".to_vec())).unwrap(), b"%s");
        assert!(time_format(Some(b"x".to_vec())).is_err());
    }

    #[test]
    fn number_errors_name_the_option_as_spelled() {
        assert_eq!(NumberError::Invalid.message("-B", b"x"), "invalid -B argument 'x'");
    }
}
