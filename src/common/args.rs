//! Command lines read the way glibc's `getopt_long` reads them, from the
//! options an applet defines once as a clap `Command`.
//!
//! clap holds the definitions (and renders `--help`; man pages and
//! completions come from the same `Command`), but its own parser cannot say
//! what GNU users' scripts see: `invalid option -- 'z'`, abbreviations with
//! `option '--s' is ambiguous; possibilities: ...`, arguments permuted
//! around operands, `-S -x` taking `-x` as the value. So the walk over argv
//! is ours, and it keeps the options in command-line order, which GNU
//! semantics need (`-L -P`: the last one wins).
//!
//! Define the clap args in the order of the GNU tool's `long_options`
//! array: ambiguity messages list the candidates in that order.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use clap::{Arg, ArgAction, Command};

use super::error::Error;
use super::output::Output;

/// One option as it appeared: its clap id and its argument, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub id: clap::Id,
    pub value: Option<OsString>,
    /// Given as `--name` rather than `-n` (some messages say which).
    pub spelled_long: bool,
}

impl Opt {
    pub fn id(&self) -> &str {
        self.id.as_str()
    }
}

/// The options in command-line order, then the operands.
#[derive(Debug, Default)]
pub struct ParsedArgs {
    pub options: Vec<Opt>,
    pub operands: Vec<OsString>,
}

/// How an applet's command line is read.
#[derive(Debug, Clone, Copy)]
pub struct Syntax {
    /// Exit status of a usage error: 1 in coreutils, 2 in procps.
    pub usage_status: i32,
}

impl Syntax {
    pub const COREUTILS: Syntax = Syntax { usage_status: 1 };
    pub const PROCPS: Syntax = Syntax { usage_status: 2 };
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Argument {
    None,
    Required,
    /// GNU's `optional_argument`: `--opt=VALUE` or `-oVALUE` only.
    Optional,
}

struct OptionSpec<'c> {
    arg: &'c Arg,
    argument: Argument,
}

impl OptionSpec<'_> {
    fn opt(&self, value: Option<OsString>, spelled_long: bool) -> Opt {
        Opt { id: self.arg.get_id().clone(), value, spelled_long }
    }
}

/// `--help` as GNU spells it: long only (`-h` means something else to du).
pub fn help_arg() -> Arg {
    Arg::new("help").long("help").action(ArgAction::Help).help("display this help and exit")
}

/// `--version`, long only.
pub fn version_arg() -> Arg {
    Arg::new("version").long("version").action(ArgAction::Version).help("output version information and exit")
}

/// The frame every applet's `Command` starts from: our own `--help` and
/// `--version` (so each applet chooses their short forms), and the version
/// line naming linkbox.
pub fn applet_command(name: &'static str, about: &'static str) -> Command {
    Command::new(name)
        .about(about)
        .version(concat!("(linkbox) ", env!("CARGO_PKG_VERSION")))
        .disable_help_flag(true)
        .disable_version_flag(true)
}

/// Reads `args` (without argv[0]) against `command`. `--help` and
/// `--version` are acted on where they stand, as GNU does: the text is
/// printed and `Err(Error::exit(0))` comes back.
pub fn parse(command: Command, args: Vec<OsString>, syntax: Syntax) -> Result<ParsedArgs, Error> {
    parse_with(command, args, syntax, |_| Ok(()))
}

/// As [`parse`], and `on_option` sees each option the moment it is read,
/// before the rest of argv: GNU tools act inside their getopt loop (ln's
/// `-t DIR` is checked there), so `ln -t missing -z` reports the missing
/// directory, not the invalid option.
pub fn parse_with(
    mut command: Command,
    args: Vec<OsString>,
    syntax: Syntax,
    mut on_option: impl FnMut(&Opt) -> Result<(), Error>,
) -> Result<ParsedArgs, Error> {
    command.build();
    let walked = {
        let specs: Vec<OptionSpec> = command
            .get_arguments()
            .filter(|arg| !arg.is_positional())
            .map(|arg| OptionSpec { arg, argument: argument_kind(arg) })
            .collect();
        walk(&specs, args, syntax, &mut on_option)?
    };
    let text = match walked {
        Walked::Args(parsed) => return Ok(parsed),
        Walked::Help => command.render_help().to_string(),
        Walked::Version => command.render_version(),
    };
    let mut out = Output::stdout();
    out.write(text.as_bytes())?;
    out.finish()?;
    Err(Error::exit(0))
}

enum Walked {
    Args(ParsedArgs),
    Help,
    Version,
}

fn walk(
    specs: &[OptionSpec],
    args: Vec<OsString>,
    syntax: Syntax,
    on_option: &mut dyn FnMut(&Opt) -> Result<(), Error>,
) -> Result<Walked, Error> {
    let usage = |message: String| Error::usage(message).with_status(syntax.usage_status);
    let stop_at_first_operand = std::env::var_os("POSIXLY_CORRECT").is_some();
    // GNU acts on --help/--version the moment getopt returns them.
    let help_or_version = |spec: &OptionSpec| match spec.arg.get_action() {
        ArgAction::Help => Some(Walked::Help),
        ArgAction::Version => Some(Walked::Version),
        _ => None,
    };

    let mut parsed = ParsedArgs::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let bytes = arg.as_bytes();
        if bytes == b"--" {
            parsed.operands.extend(args.by_ref());
            break;
        }
        if let Some(long) = bytes.strip_prefix(b"--") {
            let (name, inline_value) = match long.iter().position(|&b| b == b'=') {
                Some(eq) => (&long[..eq], Some(&long[eq + 1..])),
                None => (long, None),
            };
            let (spec, full_name) =
                find_long(specs, name).map_err(|candidates| match candidates.is_empty() {
                    true => usage(format!("unrecognized option '{}'", lossy(bytes))),
                    false => usage(format!(
                        "option '{}' is ambiguous; possibilities:{}",
                        lossy(bytes),
                        candidates.iter().map(|c| format!(" '--{c}'")).collect::<String>()
                    )),
                })?;
            let value = match (spec.argument, inline_value) {
                (Argument::None, Some(_)) => {
                    return Err(usage(format!("option '--{full_name}' doesn't allow an argument")));
                }
                (Argument::None, None) | (Argument::Optional, None) => None,
                (_, Some(value)) => Some(OsStr::from_bytes(value).to_os_string()),
                (Argument::Required, None) => Some(
                    args.next()
                        .ok_or_else(|| usage(format!("option '--{full_name}' requires an argument")))?,
                ),
            };
            if let Some(walked) = help_or_version(spec) {
                return Ok(walked);
            }
            let opt = spec.opt(value, true);
            on_option(&opt)?;
            parsed.options.push(opt);
        } else if bytes.len() > 1 && bytes[0] == b'-' {
            let mut rest = &bytes[1..];
            while let Some((&letter, after)) = rest.split_first() {
                rest = after;
                let spec = find_short(specs, letter)
                    .ok_or_else(|| usage(format!("invalid option -- '{}'", lossy(&[letter]))))?;
                let value = match spec.argument {
                    Argument::None => None,
                    Argument::Optional | Argument::Required if !rest.is_empty() => {
                        let value = OsStr::from_bytes(rest).to_os_string();
                        rest = &[];
                        Some(value)
                    }
                    Argument::Optional => None,
                    Argument::Required => Some(args.next().ok_or_else(|| {
                        usage(format!("option requires an argument -- '{}'", letter as char))
                    })?),
                };
                if let Some(walked) = help_or_version(spec) {
                    return Ok(walked);
                }
                let opt = spec.opt(value, false);
                on_option(&opt)?;
                parsed.options.push(opt);
            }
        } else {
            parsed.operands.push(arg);
            if stop_at_first_operand {
                parsed.operands.extend(args.by_ref());
                break;
            }
        }
    }
    Ok(Walked::Args(parsed))
}

fn argument_kind(arg: &Arg) -> Argument {
    if !arg.get_action().takes_values() {
        return Argument::None;
    }
    match arg.get_num_args() {
        Some(range) if range.min_values() == 0 => Argument::Optional,
        _ => Argument::Required,
    }
}

/// An exact long name wins; otherwise a prefix of exactly one option's
/// names. `Err` holds the candidates (none: unrecognized).
fn find_long<'s, 'c>(
    specs: &'s [OptionSpec<'c>],
    name: &[u8],
) -> Result<(&'s OptionSpec<'c>, &'c str), Vec<&'c str>> {
    let mut matches: Vec<(&OptionSpec, &str)> = Vec::new();
    for spec in specs {
        for long in spec.arg.get_long().into_iter().chain(spec.arg.get_all_aliases().unwrap_or_default()) {
            if long.as_bytes() == name {
                return Ok((spec, long));
            }
            if !name.is_empty() && long.as_bytes().starts_with(name) {
                matches.push((spec, long));
            }
        }
    }
    match matches.first() {
        Some(&(first, long)) if matches.iter().all(|(spec, _)| spec.arg.get_id() == first.arg.get_id()) => {
            Ok((first, long))
        }
        _ => Err(matches.into_iter().map(|(_, long)| long).collect()),
    }
}

fn find_short<'s, 'c>(specs: &'s [OptionSpec<'c>], letter: u8) -> Option<&'s OptionSpec<'c>> {
    specs.iter().find(|spec| {
        let arg = spec.arg;
        arg.get_short()
            .into_iter()
            .chain(arg.get_all_short_aliases().unwrap_or_default())
            .any(|c| c as u32 == letter as u32)
    })
}

/// Messages are text; an option spelled with invalid UTF-8 is the one
/// place a byte may show as U+FFFD instead of raw.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command() -> Command {
        applet_command("ln", "test")
            .arg(Arg::new("backup").short('b').long("backup").num_args(0..=1).require_equals(true))
            .arg(Arg::new("force").short('f').long("force").action(ArgAction::SetTrue))
            .arg(Arg::new("no-dereference").short('n').long("no-dereference").action(ArgAction::SetTrue))
            .arg(
                Arg::new("no-target-directory")
                    .short('T')
                    .long("no-target-directory")
                    .action(ArgAction::SetTrue),
            )
            .arg(Arg::new("suffix").short('S').long("suffix"))
            .arg(Arg::new("symbolic").short('s').long("symbolic").action(ArgAction::SetTrue))
            .arg(help_arg())
            .arg(version_arg())
    }

    fn parse_args(args: &[&str]) -> Result<ParsedArgs, Error> {
        parse(command(), args.iter().map(OsString::from).collect(), Syntax::COREUTILS)
    }

    fn ids(parsed: &ParsedArgs) -> Vec<(String, Option<String>)> {
        parsed
            .options
            .iter()
            .map(|o| (o.id().to_string(), o.value.as_ref().map(|v| v.to_string_lossy().into_owned())))
            .collect()
    }

    #[test]
    fn permutes_clusters_and_takes_values_as_getopt() {
        let parsed = parse_args(&["a", "-fsS", "x", "b", "--suf=~", "--sym", "--", "-c"]).unwrap();
        assert_eq!(
            ids(&parsed),
            vec![
                ("force".into(), None),
                ("symbolic".into(), None),
                ("suffix".into(), Some("x".into())),
                ("suffix".into(), Some("~".into())),
                ("symbolic".into(), None),
            ]
        );
        assert_eq!(parsed.operands, vec!["a", "b", "-c"]);
        let parsed = parse_args(&["-S", "-x", "-Sy", "-b", "--backup=t", "-"]).unwrap();
        assert_eq!(
            ids(&parsed),
            vec![
                ("suffix".into(), Some("-x".into())),
                ("suffix".into(), Some("y".into())),
                ("backup".into(), None),
                ("backup".into(), Some("t".into())),
            ]
        );
        assert_eq!(parsed.operands, vec!["-"]);
    }

    #[test]
    fn on_option_sees_options_in_order_and_can_stop_the_walk() {
        let mut seen = Vec::new();
        let result = parse_with(
            command(),
            ["-f", "a", "--suffix=x", "-z"].iter().map(OsString::from).collect(),
            Syntax::COREUTILS,
            |opt| {
                seen.push(opt.id().to_string());
                match opt.id() {
                    "suffix" => Err(Error::new("stop here")),
                    _ => Ok(()),
                }
            },
        );
        // The callback's error wins over the invalid option after it.
        assert!(format!("{:?}", result.unwrap_err()).contains("stop here"));
        assert_eq!(seen, vec!["force", "suffix"]);
    }

    fn message(args: &[&str]) -> String {
        format!("{:?}", parse_args(args).unwrap_err())
    }

    #[test]
    fn errors_in_glibc_words() {
        assert!(message(&["-z"]).contains("\"invalid option -- 'z'\""));
        assert!(message(&["--foo=3"]).contains("\"unrecognized option '--foo=3'\""));
        assert!(message(&["--fo=3"]).contains("\"option '--force' doesn't allow an argument\""));
        assert!(message(&["-S"]).contains("\"option requires an argument -- 'S'\""));
        assert!(message(&["--suffix"]).contains("\"option '--suffix' requires an argument\""));
        assert!(message(&["--no=3"]).contains(
            "\"option '--no=3' is ambiguous; possibilities: '--no-dereference' '--no-target-directory'\""
        ));
        assert!(message(&["--s"]).contains("possibilities: '--suffix' '--symbolic'"));
    }
}
