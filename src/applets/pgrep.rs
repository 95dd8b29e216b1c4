//! Placeholder until the applet's own issue lands: it answers --help and
//! --version, and says it is not implemented yet.

use std::ffi::OsString;

use crate::common::args::{Syntax, applet_command, help_arg, parse, version_arg};
use crate::common::error::{Error, finish};

pub const NAMES: &[&str] = &["pgrep", "pkill"];

pub fn main(applet: &'static str, args: Vec<OsString>) -> i32 {
    let command = applet_command(applet, "look up, signal or wait for processes by name and other attributes").arg(help_arg()).arg(version_arg());
    finish(parse(command, args, Syntax::PROCPS).and_then(|_| Err(Error::new("not implemented yet"))))
}
